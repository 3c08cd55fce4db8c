//! Checkpoints of a run: the engine's state cloned at intervals of events, so a seek starts from the nearest
//! earlier checkpoint instead of replaying the run from its start. Bounded in number: when full, every
//! other checkpoint is dropped and the interval doubles, so a run of any length keeps at most
//! [`MAX_CHECKPOINTS`] of them, spread over the whole run.

use std::collections::VecDeque;

use super::engine::Sim;
use super::record::RecordedCall;
use super::rewind::RunPoint;
use crate::scenario::Scenario;

/// The most checkpoints kept. A checkpoint is a whole copy of the engine's state: at the end of the
/// 24-hour, 5,000-task day run about 20 MB natively (`ecs-sim bench seek`, BENCHMARKS.md), so twelve keep
/// the longest run's checkpoints under the app's 200 MB budget for them.
pub const MAX_CHECKPOINTS: usize = 12;

/// Events between two checkpoints at the start of a run; it doubles each time the checkpoints are thinned.
pub const FIRST_INTERVAL_EVENTS: u64 = 2_000;

/// One saved state: the run as it stood after `sim.n_events_processed()` events, with the first `n_calls`
/// recorded calls applied.
#[derive(Clone)]
struct Checkpoint {
    sim: Sim,
    n_calls: usize,
}

/// The checkpoints of one run (one scenario, seed and list of calls), oldest first.
#[derive(Clone)]
pub struct Checkpoints {
    entries: Vec<Checkpoint>,
    interval_events: u64,
    /// Checkpoints dropped to keep the bound (thinned) or because the run's calls changed after them.
    n_dropped: u64,
}

impl Default for Checkpoints {
    fn default() -> Self {
        Checkpoints { entries: Vec::new(), interval_events: FIRST_INTERVAL_EVENTS, n_dropped: 0 }
    }
}

impl Checkpoints {
    /// Checkpoints every `interval_events` events to begin with (tests use short intervals).
    pub fn with_interval(interval_events: u64) -> Checkpoints {
        Checkpoints { interval_events: interval_events.max(1), ..Checkpoints::default() }
    }

    /// Keeps a checkpoint of `sim` when it has processed at least the interval's events since the last one.
    /// Call it as the run moves forward (after each frame's advance).
    pub fn observe(&mut self, sim: &Sim) {
        let last = self.entries.last().map_or(0, |c| c.sim.n_events_processed());
        if sim.n_events_processed() < last + self.interval_events {
            return;
        }
        self.entries.push(Checkpoint { sim: sim.clone(), n_calls: sim.recorded_calls().len() });
        if self.entries.len() > MAX_CHECKPOINTS {
            self.thin();
        }
    }

    /// Drops every other checkpoint (the newest is kept) and doubles the interval.
    fn thin(&mut self) {
        let n_before = self.entries.len();
        let newest_index = n_before - 1;
        let mut index = 0;
        self.entries.retain(|_| {
            let keep = index % 2 == newest_index % 2;
            index += 1;
            keep
        });
        self.n_dropped += (n_before - self.entries.len()) as u64;
        self.interval_events = self.interval_events.saturating_mul(2);
    }

    /// Forgets the checkpoints that are not states of `sim`'s past: those after its events or with more calls
    /// applied. Call it before a call changes the run's calls (a call made in a rewound run starts a new
    /// branch, and even a read is recorded and moves the trace hash).
    pub fn forget_after(&mut self, sim: &Sim) {
        let (n_events, n_calls) = (sim.n_events_processed(), sim.recorded_calls().len());
        let n_before = self.entries.len();
        self.entries.retain(|c| c.sim.n_events_processed() <= n_events && c.n_calls <= n_calls);
        self.n_dropped += (n_before - self.entries.len()) as u64;
    }

    /// How many checkpoints are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many checkpoints were dropped (thinned, or forgotten after a change of the run's calls).
    pub fn n_dropped(&self) -> u64 {
        self.n_dropped
    }

    /// The number of events of each kept checkpoint, oldest first.
    pub fn event_counts(&self) -> Vec<u64> {
        self.entries.iter().map(|c| c.sim.n_events_processed()).collect()
    }

    /// The latest checkpoint a seek to `point` can start from: at or before the point, with only calls of
    /// `calls` made by then applied.
    fn start_for(&self, calls: &[RecordedCall], point: RunPoint) -> Option<&Checkpoint> {
        self.entries.iter().rev().find(|c| {
            // A point set by its event count alone leaves the clock at that event: a checkpoint after exactly
            // that many events may have its clock later (a frame ran it on to a time with no event), so it
            // must be before the point.
            let before = match point.time {
                Some(time) => c.sim.n_events_processed() <= point.n_events && c.sim.now() <= time,
                None => c.sim.n_events_processed() < point.n_events,
            };
            before
                && c.n_calls <= calls.len()
                && calls[..c.n_calls].iter().all(|call| point.includes(call))
        })
    }

    /// The number of events of the checkpoint a seek to `point` starts from (`None`: the run's start).
    pub fn start_events_for(&self, calls: &[RecordedCall], point: RunPoint) -> Option<u64> {
        self.start_for(calls, point).map(|c| c.sim.n_events_processed())
    }

    /// [`Sim::replay_to`], started from the latest checkpoint at or before `point` instead of from the start:
    /// the same run, the same state and trace hash, and the calls made after `point`. `calls` is the run's
    /// whole list of calls (those applied and those pending), as for `replay_to`.
    pub fn seek(&self, scenario: &Scenario, seed: Option<u64>, calls: &[RecordedCall], point: RunPoint) -> (Sim, VecDeque<RecordedCall>) {
        let start = self.start_for(calls, point);
        match start {
            Some(checkpoint) => Sim::replay_from(checkpoint.sim.clone(), &calls[checkpoint.n_calls..], point),
            None => Sim::replay_to(scenario, seed, calls, point),
        }
    }
}
