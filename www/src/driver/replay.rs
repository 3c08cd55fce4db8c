//! Opening a long run without freezing the page: a share link, a saved run (the autosave on reload, or an
//! imported file) or a recent run whose replay is long is rebuilt in slices, 256 events at a time, as many as
//! fit in 12 ms of each animation frame, while the page shows how far the replay has reached and offers Cancel
//! (which leaves the live run as it was, and keeps a saved or recent run in the recent runs). A short replay
//! opens at once.

use std::collections::VecDeque;

use ecs_sim::scenario::{parse_scenario, Scenario};
use ecs_sim::sim::{RecordedCall, Sim};
use ecs_sim::time::SimTime;

use super::persist::RunRecord;

/// A record whose run holds more events than this is replayed in slices; a shorter one replays at once (a
/// few tens of milliseconds at most).
pub const SLICED_REPLAY_EVENTS: u64 = 50_000;

/// The events one slice processes before the wall clock is looked at again: a few milliseconds of a crash loop
/// in wasm, so a frame overshoots its budget by little even on a busy machine (2,000 events took tens of
/// milliseconds, and hundreds when the machine was loaded).
pub(super) const SLICE_EVENTS: u32 = 256;

/// The wall time a frame gives the replay, milliseconds: the rest of the frame keeps the page responsive.
pub const FRAME_BUDGET_MS: f64 = 12.0;

/// Where the run being opened comes from (what its progress line and its banner call it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplaySource {
    ShareLink,
    /// The autosave on reload, or a file saved by "Download this run".
    SavedRun,
    /// A run of the recent runs list.
    RecentRun,
}

impl ReplaySource {
    pub fn noun(self) -> &'static str {
        match self {
            ReplaySource::ShareLink => "the shared run",
            ReplaySource::SavedRun => "the saved run",
            ReplaySource::RecentRun => "the recent run",
        }
    }
}

/// How far a sliced replay has come: sim time reached of the point it replays to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplayProgress {
    pub source: ReplaySource,
    pub reached_ms: u64,
    pub total_ms: u64,
}

/// A run being rebuilt from its record, a slice at a time. Replayed the same way `Sim::replay_to` does (the
/// recorded calls applied at their event counts, the events up to the record's count and time), so the
/// run it ends with is the record's run, the same trace hash.
pub struct Replay {
    pub source: ReplaySource,
    sim: Sim,
    pending: VecDeque<RecordedCall>,
    scenario: Scenario,
    scenario_id: Option<String>,
    target_n_events: u64,
    target_ms: u64,
    pub latest_ms: u64,
    /// The record being opened, when Cancel must keep it (in the recent runs): the autosave, which the run in
    /// place would otherwise save over, or a recent run, which was taken out of the list to be opened.
    pub kept_on_cancel: Option<RunRecord>,
}

impl Replay {
    /// Starts the replay of `record`, or says why its scenario does not parse.
    pub fn start(record: &RunRecord, source: ReplaySource) -> Result<Replay, String> {
        let scenario = parse_scenario(&record.document).map_err(|errors| errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect::<Vec<_>>().join("; "))?;
        Ok(Replay {
            source,
            sim: Sim::new(&scenario, Some(record.seed)),
            pending: record.calls.iter().cloned().collect(),
            scenario,
            scenario_id: record.scenario_id.clone(),
            target_n_events: record.n_events,
            target_ms: record.sim_time_ms,
            latest_ms: record.latest_ms,
            kept_on_cancel: None,
        })
    }

    /// [`Replay::start`], keeping `record` to be put in the recent runs if the replay is cancelled.
    pub fn start_keeping(record: &RunRecord, source: ReplaySource) -> Result<Replay, String> {
        let mut replay = Replay::start(record, source)?;
        replay.kept_on_cancel = Some(record.clone());
        Ok(replay)
    }

    /// Processes at most one slice of events. Returns true when the run has reached the record's point.
    pub fn slice(&mut self) -> bool {
        let remaining = self.target_n_events.saturating_sub(self.sim.n_events_processed());
        let budget = u32::try_from(remaining).unwrap_or(u32::MAX).min(SLICE_EVENTS);
        let advance = self.sim.advance_replaying(SimTime(self.target_ms), budget, &mut self.pending);
        // Reached the time, or the record's event count (the calls due there were applied before stopping).
        advance.reached || u64::from(budget) == remaining
    }

    /// The events the replayed run has processed so far.
    #[cfg(test)]
    pub fn n_events_processed(&self) -> u64 {
        self.sim.n_events_processed()
    }

    pub fn progress(&self) -> ReplayProgress {
        ReplayProgress { source: self.source, reached_ms: self.sim.now().as_millis().min(self.target_ms), total_ms: self.target_ms }
    }

    /// The replayed run, its calls after the point (a rewound run's), its scenario and built-in id.
    pub fn finish(self) -> (Sim, VecDeque<RecordedCall>, Scenario, Option<String>) {
        (self.sim, self.pending, self.scenario, self.scenario_id)
    }
}
