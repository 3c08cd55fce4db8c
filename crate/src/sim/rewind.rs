//! Rewinding a run: the run rebuilt as it stood at an earlier point, and the calls made after that point
//! applied again, at the same points, as the rebuilt run moves forward. Both rest on determinism: the
//! same scenario, seed and calls give the same events.

use std::collections::VecDeque;

use super::engine::Sim;
use super::record::{Advance, RecordedCall};
use crate::scenario::Scenario;
use crate::time::SimTime;

/// A point of a run: at most `n_events` events processed, and the clock at most at `time`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunPoint {
    pub n_events: u64,
    /// `None`: the point is set by its event count alone (the clock stays where the last event or call left it).
    pub time: Option<SimTime>,
}

impl RunPoint {
    /// The run at sim time `time`: every event and call due at or before it.
    pub fn at_time(time: SimTime) -> RunPoint {
        RunPoint { n_events: u64::MAX, time: Some(time) }
    }

    /// The run after `n_events` events, with the calls made before the next one.
    pub fn after_events(n_events: u64) -> RunPoint {
        RunPoint { n_events, time: None }
    }

    /// Whether `call` was made at or before this point.
    pub(super) fn includes(&self, call: &RecordedCall) -> bool {
        call.n_events <= self.n_events && self.time.is_none_or(|time| call.time <= time)
    }
}

impl Sim {
    /// The run of `scenario`, `seed` and `calls` as it stood at `point`, and the calls made after that point,
    /// in order: the rebuilt run reaches the same state (and trace hash) as the original did there, and
    /// [`Sim::advance_replaying`] with those calls goes on to repeat the original run.
    pub fn replay_to(scenario: &Scenario, seed: Option<u64>, calls: &[RecordedCall], point: RunPoint) -> (Sim, VecDeque<RecordedCall>) {
        Sim::replay_from(Sim::new(scenario, seed), calls, point)
    }

    /// [`Sim::replay_to`] from `sim`, a state of the same run (its start or a checkpoint), with `calls` the
    /// run's calls not yet applied to it.
    pub(super) fn replay_from(mut sim: Sim, calls: &[RecordedCall], point: RunPoint) -> (Sim, VecDeque<RecordedCall>) {
        // Recorded calls are in order of both their event count and their time.
        let split = calls.iter().position(|call| !point.includes(call)).unwrap_or(calls.len());
        for recorded in &calls[..split] {
            sim.advance_to_event_count(recorded.n_events, recorded.time);
            let _ = sim.call(&recorded.call, recorded.input.clone());
        }
        while sim.n_events < point.n_events {
            match sim.next_event_time() {
                Some(next) if point.time.is_none_or(|time| next <= time) => sim.process_next(),
                _ => break,
            }
        }
        if let Some(time) = point.time {
            if time > sim.now {
                sim.set_clock(time);
            }
        }
        (sim, calls[split..].iter().cloned().collect())
    }

    /// [`Sim::advance_to`] for a rewound run: each of `pending` (the calls the original run made after the
    /// rewind point, in order) is applied when the run reaches its point, before the next event.
    pub fn advance_replaying(&mut self, target: SimTime, max_events: u32, pending: &mut VecDeque<RecordedCall>) -> Advance {
        let mut n_events = 0;
        loop {
            self.apply_due_calls(target, pending);
            match self.next_event_time() {
                Some(next) if next <= target => {}
                _ => break,
            }
            if n_events >= max_events {
                return Advance { n_events, reached: false };
            }
            self.process_next();
            n_events += 1;
        }
        if target > self.now {
            self.set_clock(target);
        }
        Advance { n_events, reached: true }
    }

    /// [`Sim::step`] for a rewound run: the calls due before the next event, then that event. Returns false
    /// when there is neither an event nor a call left.
    pub fn step_replaying(&mut self, pending: &mut VecDeque<RecordedCall>) -> bool {
        let Some(target) = self.next_event_time().or_else(|| pending.front().map(|call| call.time)) else {
            return false;
        };
        self.advance_replaying(target, 1, pending);
        true
    }

    /// Applies the pending calls whose point the run has reached (a call recorded after fewer events than the
    /// run has processed, which a consistent record never holds, is applied at once rather than never).
    fn apply_due_calls(&mut self, target: SimTime, pending: &mut VecDeque<RecordedCall>) {
        while let Some(call) = pending.front() {
            if call.n_events > self.n_events || call.time > target {
                return;
            }
            let Some(call) = pending.pop_front() else { return };
            if call.time > self.now {
                self.set_clock(call.time);
            }
            let _ = self.call(&call.call, call.input);
        }
    }
}
