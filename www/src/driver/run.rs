//! The run: the [`Driver`] that owns the `Sim` and what the UI needs around it (the bounded event log, the
//! timeline's end and marks, the explanation of the selection), how a frame advances it, and how the first
//! run is restored (a share link, the autosave, or the first built-in scenario).

use std::collections::VecDeque;
use std::rc::Rc;

use ecs_sim::codec::compact_json;
use ecs_sim::scenario::Scenario;
use ecs_sim::sim::{Checkpoints, RecordedCall, RunPoint, Sim};
use ecs_sim::time::SimTime;
use ecs_sim::view::View;

use super::replay::{Replay, ReplaySource, SLICED_REPLAY_EVENTS};
use super::persist::{self, RunRecord};
use super::store::{Download, Explained, LogRow, Marks, Notice, RecentRun, RunStatus, ScenarioInfo, Selection, Snapshot, TimelineMark};

/// Events processed at most per animation frame; beyond it the run is "behind" wall time.
const EVENT_BUDGET_PER_FRAME: u32 = 5_000;
/// Wall time a frame may spend processing events (milliseconds): a burst of costly events (2,000
/// tasks changing at one sim instant can take a second in wasm) is spread over frames, the run
/// showing "running behind" meanwhile, instead of freezing the page.
const SIM_WALL_BUDGET_PER_FRAME_MS: f64 = 3.0;
/// Events processed between two looks at the wall clock.
const EVENT_CHUNK: u32 = 32;
/// While the run is behind (a burst), a new view is published at most this often (wall ms): a
/// view rebuild and its render cost a frame of their own.
const PUBLISH_INTERVAL_BEHIND_WALL_MS: f64 = 500.0;
/// A view of more than this many tasks is large: building and rendering the next one takes longer than a
/// frame (5,000 tasks with their load balancer targets), so while playing it is published at most every
/// `PUBLISH_INTERVAL_LARGE_WALL_MS`; the clock still moves every frame. The map draws a large view's chips as
/// squares, and the load balancer strip's dashes stand still.
pub const LARGE_VIEW_TASKS: usize = 1_000;
const PUBLISH_INTERVAL_LARGE_WALL_MS: f64 = 1_000.0;
/// A frame's wall time is clamped to this, so a backgrounded tab does not spiral.
const MAX_FRAME_WALL_MS: f64 = 250.0;
/// Event log rows kept (newest first).
pub const LOG_CAPACITY: usize = 500;
/// Autosave at most this often while playing (wall milliseconds).
const AUTOSAVE_INTERVAL_WALL_MS: f64 = 1_000.0;

/// What the explanation of the selection was computed for: the same key gives the same explanation.
#[derive(Clone, PartialEq)]
enum ExplainKey {
    Nothing,
    /// A task, the run's generation, and the instance the task is on (a waiting task gets placed later).
    Task(String, u64, Option<String>),
    /// A service short of tasks, and the view it was explained in (it explains the current state).
    ShortService(String, u64),
    /// A service with every desired task placed (no placement to explain), and the view its troubleshooter ran in.
    PlacedService(String, u64),
}

/// The mutable run: the sim and what the UI needs around it.
pub struct Driver {
    pub(super) sim: Sim,
    pub(super) scenario: Scenario,
    pub(super) scenario_info: Rc<ScenarioInfo>,
    /// A rewound run's calls after its current point, applied again as it moves forward; a new call
    /// discards them (the run takes another course from there).
    pub(super) pending: VecDeque<RecordedCall>,
    /// States of this run kept as it moves forward, so a rewind starts from the nearest one.
    pub(super) checkpoints: Checkpoints,
    /// The furthest sim time the run has reached (the timeline's end), milliseconds.
    pub(super) latest_ms: u64,
    /// Counts the jumps of the run (a rewind, a seek, a step, another scenario): forms clear their outcome
    /// lines on a jump, since the calls those lines report may no longer be in the run.
    pub(super) generation: u64,
    pub(super) log: Rc<VecDeque<LogRow>>,
    log_seq: u64,
    pub(super) playing: bool,
    pub(super) speed: u32,
    pub(super) behind: bool,
    /// Sim time the clock shows, with the sub-millisecond part frames accumulate.
    pub(super) render_time_ms: f64,
    since_autosave_wall_ms: f64,
    /// Events were processed since the last published view.
    pub(super) dirty: bool,
    /// Wall time since the last published view (milliseconds).
    since_publish_wall_ms: f64,
    /// The last view built, and how many were built.
    pub(super) view: Rc<View>,
    /// The run's trace hash, as of the last view or call.
    pub(super) trace_hash: Rc<str>,
    n_views: u64,
    /// The timeline's marks and what they were built from (calls made, calls pending, generation).
    marks: Marks,
    marks_key: (usize, usize, u64),
    pub(super) selection: Selection,
    explained: Rc<Explained>,
    explained_key: ExplainKey,
    /// Why the last autosave failed, while saves fail.
    save_failure: Option<String>,
    /// A failure the learner has not been told of yet.
    save_failure_untold: bool,
}

impl Driver {
    pub(super) fn new(scenario: Scenario, scenario_id: Option<String>, seed: Option<u64>) -> Driver {
        let sim = Sim::new(&scenario, seed);
        Driver::from_sim(sim, VecDeque::new(), scenario, scenario_id)
    }

    pub(super) fn from_sim(sim: Sim, pending: VecDeque<RecordedCall>, scenario: Scenario, scenario_id: Option<String>) -> Driver {
        let render_time_ms = sim.now().as_millis() as f64;
        let latest_ms = pending.back().map_or(0, |call| call.time.as_millis()).max(sim.now().as_millis());
        let view = Rc::new(sim.view());
        let scenario_info = Rc::new(scenario_info(&scenario, scenario_id));
        let mut driver = Driver {
            sim,
            pending,
            checkpoints: Checkpoints::default(),
            latest_ms,
            generation: 0,
            scenario,
            scenario_info,
            log: Rc::new(VecDeque::new()),
            log_seq: 0,
            playing: true,
            speed: 10,
            behind: false,
            render_time_ms,
            since_autosave_wall_ms: 0.0,
            dirty: false,
            since_publish_wall_ms: 0.0,
            trace_hash: Rc::from(view.trace_hash.as_str()),
            view,
            n_views: 1,
            marks: Marks(Rc::from(Vec::new())),
            marks_key: (0, 0, u64::MAX),
            selection: Selection::None,
            explained: Rc::new(Explained::Nothing),
            explained_key: ExplainKey::Nothing,
            save_failure: None,
            save_failure_untold: false,
        };
        driver.drain_log();
        driver
    }

    /// Moves the sim's new log entries into the bounded log.
    pub(super) fn drain_log(&mut self) {
        let entries = self.sim.take_log();
        if entries.is_empty() {
            return;
        }
        let log = Rc::make_mut(&mut self.log);
        for entry in entries {
            self.log_seq += 1;
            let message = match (&entry.input, entry.message.is_empty()) {
                (Some(input), true) => compact_json(input, 160, "…"),
                _ => entry.message,
            };
            log.push_front(LogRow { seq: self.log_seq, time_ms: entry.time.as_millis(), kind: entry.kind, subject: entry.subject, message });
        }
        log.truncate(LOG_CAPACITY);
    }

    /// Advances by one frame of `wall_dt_ms`. Returns whether any event was processed.
    pub(super) fn tick(&mut self, wall_dt_ms: f64) -> bool {
        let wall_dt_ms = wall_dt_ms.clamp(0.0, MAX_FRAME_WALL_MS);
        let target = self.render_time_ms + wall_dt_ms * self.speed as f64;
        // In chunks, until the target, the event budget or the frame's wall budget is reached.
        let started = wall_now_ms();
        let (mut reached, mut n_events) = (false, 0u32);
        while n_events < EVENT_BUDGET_PER_FRAME {
            let chunk = EVENT_CHUNK.min(EVENT_BUDGET_PER_FRAME - n_events);
            let advance = self.sim.advance_replaying(SimTime(target as u64), chunk, &mut self.pending);
            n_events += advance.n_events;
            if advance.reached {
                reached = true;
                break;
            }
            if wall_now_ms() - started >= SIM_WALL_BUDGET_PER_FRAME_MS {
                break;
            }
        }
        self.behind = !reached;
        self.render_time_ms = if reached { target } else { self.sim.now().as_millis() as f64 };
        self.latest_ms = self.latest_ms.max(self.now_ms());
        self.since_publish_wall_ms += wall_dt_ms;
        self.since_autosave_wall_ms += wall_dt_ms;
        if self.since_autosave_wall_ms >= AUTOSAVE_INTERVAL_WALL_MS {
            self.since_autosave_wall_ms = 0.0;
            self.autosave();
        }
        if n_events > 0 {
            self.checkpoints.observe(&self.sim);
            self.drain_log();
            self.dirty = true;
        }
        n_events > 0
    }

    /// Whether the frame should publish a new view: events were processed, and, while a burst
    /// keeps the run behind, not more often than `PUBLISH_INTERVAL_BEHIND_WALL_MS`, and while the view is
    /// large, not more often than `PUBLISH_INTERVAL_LARGE_WALL_MS`.
    pub(super) fn should_publish(&self) -> bool {
        self.dirty && self.since_publish_wall_ms >= publish_interval_wall_ms(self.behind, self.view.tasks.len())
    }

    /// The run's status now.
    pub(super) fn status(&mut self) -> RunStatus {
        RunStatus {
            now_ms: self.now_ms(),
            latest_ms: self.latest_ms,
            playing: self.playing,
            speed: self.speed,
            behind: self.behind,
            generation: self.generation,
            pending_calls: self.pending.len(),
            marks: self.marks(),
            trace_hash: self.trace_hash.clone(),
        }
    }

    /// The timeline's marks, rebuilt only when the run's calls changed.
    fn marks(&mut self) -> Marks {
        let key = (self.sim.recorded_calls().len(), self.pending.len(), self.generation);
        if key != self.marks_key {
            let made = self.sim.recorded_calls().iter().map(|c| (c, false));
            let marks = made.chain(self.pending.iter().map(|c| (c, true))).enumerate();
            self.marks = Marks(marks.map(|(seq, (c, pending))| TimelineMark { seq, time_ms: c.time.as_millis(), call: c.call.clone(), pending }).collect());
            self.marks_key = key;
        }
        self.marks.clone()
    }

    /// The run for publishing: its status, log, the explanation of the selection, and its view, built
    /// again only if events or calls changed the sim since the last one.
    pub(super) fn snapshot(&mut self) -> Snapshot {
        if self.dirty {
            self.view = Rc::new(self.sim.view());
            self.trace_hash = Rc::from(self.view.trace_hash.as_str());
            self.n_views += 1;
        }
        self.dirty = false;
        self.since_publish_wall_ms = 0.0;
        Snapshot { status: self.status(), view: self.view.clone(), log: self.log.clone(), explained: self.explain() }
    }

    /// The explanation of the selection, computed again only when its key changed.
    pub(super) fn explain(&mut self) -> Rc<Explained> {
        let key = match &self.selection {
            Selection::Task(id) => {
                let instance = self.view.tasks.iter().find(|t| &t.id == id).and_then(|t| t.ec2_instance_id.clone());
                ExplainKey::Task(id.clone(), self.generation, instance)
            }
            Selection::Service(name) => match self.view.services.iter().find(|s| &s.name == name) {
                Some(s) if s.running_count + s.pending_count < s.desired_count => ExplainKey::ShortService(name.clone(), self.n_views),
                _ => ExplainKey::PlacedService(name.clone(), self.n_views),
            },
            _ => ExplainKey::Nothing,
        };
        if key == self.explained_key {
            return self.explained.clone();
        }
        let explained = match &key {
            ExplainKey::Nothing => Explained::Nothing,
            ExplainKey::Task(id, _, _) => Explained::Task { id: id.clone(), placement: self.sim.explain_task(id).map(|(e, _)| Rc::new(e)) },
            ExplainKey::ShortService(name, _) => {
                let cluster = self.view.services.iter().find(|s| &s.name == name).map(|s| s.cluster.clone()).unwrap_or_default();
                let troubleshooting = self.sim.troubleshoot_service(&cluster, name).map(Rc::new);
                Explained::Service { name: name.clone(), placement: self.sim.explain_service(&cluster, name).map(Rc::new), troubleshooting }
            }
            ExplainKey::PlacedService(name, _) => {
                let cluster = self.view.services.iter().find(|s| &s.name == name).map(|s| s.cluster.clone()).unwrap_or_default();
                Explained::Service { name: name.clone(), placement: None, troubleshooting: self.sim.troubleshoot_service(&cluster, name).map(Rc::new) }
            }
        };
        self.explained_key = key;
        // An explanation equal to the last one keeps its `Rc`, so the Why? panel does not re-render for it.
        if *self.explained != explained {
            self.explained = Rc::new(explained);
        }
        self.explained.clone()
    }

    pub(super) fn record(&self) -> RunRecord {
        RunRecord::of(&self.sim, &self.pending, self.latest_ms, &self.scenario, self.scenario_info.id.clone(), self.playing)
    }

    /// Rebuilds the run as it stood at `point` (replayed from the nearest earlier checkpoint), paused; the
    /// calls after the point become pending.
    pub(super) fn rewind(&mut self, point: RunPoint) {
        let calls: Vec<RecordedCall> = self.sim.recorded_calls().iter().chain(&self.pending).cloned().collect();
        let (sim, pending) = self.checkpoints.seek(&self.scenario, Some(self.sim.seed()), &calls, point);
        self.sim = sim;
        self.pending = pending;
        // The log starts again with the replayed run: its rows are numbered from one, so the newest row's
        // number is the count of rows the run has had.
        self.log = Rc::new(VecDeque::new());
        self.log_seq = 0;
        self.drain_log();
        self.after_jump();
    }

    /// Moves the paused run to sim time `target_ms`: back by rewinding, forward by running (the pending
    /// calls applied at their points).
    pub(super) fn seek(&mut self, target_ms: u64) {
        self.playing = false;
        if target_ms < self.now_ms() {
            self.rewind(RunPoint::at_time(SimTime(target_ms)));
        } else {
            while !self.sim.advance_replaying(SimTime(target_ms), EVENT_CHUNK, &mut self.pending).reached {
                self.checkpoints.observe(&self.sim);
            }
            self.checkpoints.observe(&self.sim);
            self.drain_log();
            self.after_jump();
        }
    }

    pub(super) fn after_jump(&mut self) {
        self.generation += 1;
        self.behind = false;
        self.render_time_ms = self.sim.now().as_millis() as f64;
        self.latest_ms = self.latest_ms.max(self.now_ms());
        self.dirty = true;
        self.autosave();
    }

    /// Saves the run; a failure is noted for the banner once (until a save works again).
    pub(super) fn autosave(&mut self) {
        match persist::autosave(&self.record()) {
            Ok(()) => self.save_failure = None,
            Err(reason) => {
                self.save_failure_untold |= self.save_failure.is_none();
                self.save_failure = Some(reason);
            }
        }
    }

    /// The banner for a failed autosave the learner has not been told of yet.
    pub(super) fn untold_save_failure(&mut self) -> Option<Notice> {
        if !std::mem::take(&mut self.save_failure_untold) {
            return None;
        }
        let reason = self.save_failure.clone()?;
        Some(Notice {
            text: format!("This run could not be saved ({reason}): a reload would bring back an older run. Download it to keep it; importing the file opens it again."),
            downloads: vec![Download::CurrentRun],
        })
    }

    /// Whether the run holds anything of the learner's worth keeping when another replaces it: a call, or a
    /// minute of sim time (a run with neither is the scenario picked again).
    pub(super) fn worth_keeping(&self) -> bool {
        !self.sim.recorded_calls().is_empty() || !self.pending.is_empty() || self.latest_ms >= 60_000
    }

    pub(super) fn now_ms(&self) -> u64 {
        self.sim.now().as_millis()
    }
}

/// What the UI shows of `scenario`, read once when the run starts.
fn scenario_info(scenario: &Scenario, id: Option<String>) -> ScenarioInfo {
    ScenarioInfo { id, name: scenario.name.clone(), description: scenario.description.clone(), hint: scenario.hint.clone() }
}

/// `performance.now()` (0 where there is no `performance`).
fn wall_now_ms() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

/// Parses a scenario document, joining the validation messages.
pub(super) fn parse_scenario_text(text: &str) -> Result<Scenario, String> {
    ecs_sim::scenario::parse_scenario_str(text)
        .map_err(|errors| errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect::<Vec<_>>().join("\n"))
}

/// The least wall time between two views published by the frame loop: a burst's, a large view's, or none.
fn publish_interval_wall_ms(behind: bool, n_tasks_in_view: usize) -> f64 {
    let large = if n_tasks_in_view > LARGE_VIEW_TASKS { PUBLISH_INTERVAL_LARGE_WALL_MS } else { 0.0 };
    let burst = if behind { PUBLISH_INTERVAL_BEHIND_WALL_MS } else { 0.0 };
    large.max(burst)
}

/// The recent runs list as published.
pub(super) fn recent_runs(entries: &[persist::RecentEntry]) -> Rc<[RecentRun]> {
    entries.iter().map(|e| RecentRun { saved_at_ms: e.saved_at_ms, name: e.name.clone(), sim_time_ms: e.sim_time_ms }).collect()
}

/// The banner for a saved run that could not be restored, once set aside.
fn rejected_notice(message: &str) -> Notice {
    match persist::move_autosave_aside() {
        persist::SetAside::Kept(key) => Notice::text(format!("Your saved run could not be restored: {message}. It was kept in localStorage under '{key}'.")),
        persist::SetAside::NotKept { reason, text } => Notice {
            text: format!(
                "Your saved run could not be restored: {message}. No copy of it could be kept either ({reason}): it stays under '{}' only until this run is saved over it. Download it now to keep it.",
                persist::AUTOSAVE_KEY
            ),
            downloads: vec![Download::File { label: "Download the saved run", file_name: "ecs-playground-saved-run.json".to_string(), text }],
        },
    }
}

/// Joins the banners of the first run into one.
fn joined(notices: Vec<Notice>) -> Option<Notice> {
    notices.into_iter().reduce(Notice::and)
}

/// Builds the first run: a share link in the URL, else the autosave, else the first built-in.
/// Returns the driver and a banner for anything that could not be restored (or was kept aside).
pub(super) fn initial_driver() -> (Driver, Option<Notice>, Option<Replay>) {
    let mut notices = Vec::new();
    let mut replay = None;
    if let Some(fragment) = persist::share_fragment_in_url() {
        persist::clear_url_fragment();
        // A long run opens in slices once the page is up (the run restored below waits meanwhile).
        let record = RunRecord::from_share_text(&fragment);
        let long = record.as_ref().is_ok_and(|r| r.n_events > SLICED_REPLAY_EVENTS);
        match record.and_then(|record| if long { Replay::start(&record, ReplaySource::ShareLink).map(|r| replay = Some(r)).map(|_| None) } else { Ok(Some((record.restore()?, record.latest_ms))) }) {
            Ok(None) => {}
            Ok(Some(((sim, pending, scenario, id), latest_ms))) => {
                let mut driver = Driver::from_sim(sim, pending, scenario, id);
                driver.latest_ms = driver.latest_ms.max(latest_ms);
                driver.playing = false;
                let mut text = "Opened a shared run, paused where it was shared. Press Play to continue.".to_string();
                // The run saved before the link was opened goes to the recent runs, not away.
                match persist::load_autosave() {
                    Ok(Some(previous)) => match persist::push_recent(&previous) {
                        Ok(_) => text.push_str(" Your previous run is kept in Recent runs (Scenarios… in the header)."),
                        Err(reason) => {
                            notices.push(Notice {
                                text: format!("{text} Your previous run could not be kept in Recent runs ({reason}): download it now to keep it."),
                                downloads: vec![Download::File { label: "Download the previous run", file_name: "ecs-playground-previous-run.json".to_string(), text: previous.to_autosave_json() }],
                            });
                            driver.autosave();
                            return (driver, joined(notices), None);
                        }
                    },
                    Ok(None) => {}
                    Err(message) => notices.push(rejected_notice(&message)),
                }
                driver.autosave();
                notices.insert(0, Notice::text(text));
                return (driver, joined(notices), None);
            }
            Err(message) => notices.push(Notice::text(format!("This share link could not be opened ({message}); nothing was changed."))),
        }
    }
    match persist::load_autosave() {
        // A long saved run opens in slices once the page is up, unless a long share link is opening: then it
        // goes to the recent runs at once (the run in place meanwhile is the first built-in, which would
        // otherwise save over it).
        Ok(Some(record)) if record.n_events > SLICED_REPLAY_EVENTS => {
            if replay.is_none() {
                match Replay::start_keeping(&record, ReplaySource::SavedRun) {
                    Ok(saved) => replay = Some(saved),
                    Err(message) => notices.push(rejected_notice(&message)),
                }
            } else {
                match persist::push_recent(&record) {
                    Ok(_) => notices.push(Notice::text("Your previous run is kept in Recent runs (Scenarios… in the header).".to_string())),
                    Err(reason) => notices.push(Notice {
                        text: format!("Your previous run could not be kept in Recent runs ({reason}): download it now to keep it."),
                        downloads: vec![Download::File { label: "Download the previous run", file_name: "ecs-playground-previous-run.json".to_string(), text: record.to_autosave_json() }],
                    }),
                }
            }
        }
        Ok(Some(record)) => {
            let playing = record.playing;
            match record.restore() {
                Ok((sim, pending, scenario, id)) => {
                    let mut driver = Driver::from_sim(sim, pending, scenario, id);
                    driver.latest_ms = driver.latest_ms.max(record.latest_ms);
                    driver.playing = playing;
                    return (driver, joined(notices), replay);
                }
                Err(message) => notices.push(rejected_notice(&message)),
            }
        }
        Ok(None) => {}
        Err(message) => notices.push(rejected_notice(&message)),
    }
    // The first built-in scenario; main.rs starts the app only once the data file gave at least one.
    let first = super::catalog::builtin_ids().into_iter().find_map(|id| super::catalog::builtin_scenario(id).map(|scenario| (id, scenario)));
    match first {
        Some((id, scenario)) => (Driver::new(scenario, Some(id.to_string()), None), joined(notices), replay),
        None => (Driver::new(ecs_sim::scenario::blank_scenario(), None, None), joined(notices), replay),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_view_is_published_at_most_once_a_second_and_a_small_one_with_each_frame() {
        assert_eq!(publish_interval_wall_ms(false, LARGE_VIEW_TASKS), 0.0);
        assert_eq!(publish_interval_wall_ms(false, LARGE_VIEW_TASKS + 1), PUBLISH_INTERVAL_LARGE_WALL_MS);
        assert_eq!(publish_interval_wall_ms(true, 10), PUBLISH_INTERVAL_BEHIND_WALL_MS);
        assert_eq!(publish_interval_wall_ms(true, 5_000), PUBLISH_INTERVAL_BEHIND_WALL_MS.max(PUBLISH_INTERVAL_LARGE_WALL_MS));
    }
}
