//! [`Commands`]: what components can do to the run (a call, play and pause, speed, step, seek, another
//! scenario, export, the selection), as a handle whose identity never changes, so holding it re-renders
//! nothing. Each command changes the driver, then publishes what changed as one typed [`Action`].

use std::cell::RefCell;
use std::rc::Rc;

use ecs_sim::codec::Base64;
use ecs_sim::sim::RunPoint;
use ecs_sim::view::View;
use gloo::render::{request_animation_frame, AnimationFrame};
use serde_json::Value;

use super::persist::{self, RunRecord};
use super::replay::{Replay, ReplaySource, FRAME_BUDGET_MS, SLICED_REPLAY_EVENTS};
use super::run::{parse_scenario_text, recent_runs, Driver};
use super::store::{Action, Download, Notice, Selection, Store};

/// The live run's handle (`use_commands()`).
#[derive(Clone)]
pub struct Commands(Rc<Live>);

struct Live {
    driver: RefCell<Driver>,
    store: Rc<Store>,
    /// The next animation frame while the run plays; dropping it cancels the frame.
    frame: RefCell<Option<AnimationFrame>>,
    /// A long run being opened in slices (the live run waits, paused, until it is done or cancelled).
    replay: RefCell<Option<Replay>>,
    /// The replay's next animation frame.
    replay_frame: RefCell<Option<AnimationFrame>>,
}

impl PartialEq for Commands {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Commands {
    pub(super) fn new(driver: Driver, store: Store) -> Commands {
        Commands(Rc::new(Live { driver: RefCell::new(driver), store: Rc::new(store), frame: RefCell::new(None), replay: RefCell::new(None), replay_frame: RefCell::new(None) }))
    }

    pub(super) fn store(&self) -> Rc<Store> {
        self.0.store.clone()
    }

    /// Publishes the run as the driver has it now (a new view only if it changed).
    fn publish(&self) {
        let snapshot = self.0.driver.borrow_mut().snapshot();
        self.0.store.dispatch(Action::Publish(snapshot));
        self.tell_save_failure();
    }

    /// Shows the banner of a failed autosave, once (the banner stays until dismissed or replaced).
    fn tell_save_failure(&self) {
        let notice = self.0.driver.borrow_mut().untold_save_failure();
        if let Some(notice) = notice {
            self.0.store.dispatch(Action::AddToBanner(notice));
        }
    }

    /// Applies an AWS call at the current sim time (recorded by the core for replay). Returns the
    /// answer, or AWS's error as `Code: message`.
    pub fn dispatch(&self, call: &str, input: Value) -> Result<Value, String> {
        let (result, dropped) = {
            let mut driver = self.0.driver.borrow_mut();
            // A call in a rewound run starts another course: the original's later calls are dropped and the
            // timeline ends here. A call that only reads (Describe*, List*, Get*) changes nothing of that.
            let changes_course = !ecs_sim::api::calls::is_read_only_call(call);
            let dropped = if changes_course { std::mem::take(&mut driver.pending).len() } else { 0 };
            if changes_course {
                driver.latest_ms = driver.now_ms();
            }
            // Every call is recorded, so the checkpoints taken beyond this point are of another run now.
            let Driver { checkpoints, sim, .. } = &mut *driver;
            checkpoints.forget_after(sim);
            let result = driver.sim.call(call, input).map_err(|e| e.to_string());
            driver.drain_log();
            // A call that only reads leaves the world as it was: the log and the trace hash move, the view
            // (and what draws it) stays.
            if changes_course {
                driver.dirty = true;
            } else {
                driver.trace_hash = Rc::from(driver.sim.trace_hash());
            }
            driver.autosave();
            (result, dropped)
        };
        self.publish();
        if dropped > 0 {
            let calls = if dropped == 1 { "call".to_string() } else { format!("{dropped} calls") };
            self.show_banner(format!("The run now goes on from this call: the {calls} it made later before you rewound will not be replayed."));
        }
        result
    }

    pub fn set_playing(&self, playing: bool) {
        {
            let mut driver = self.0.driver.borrow_mut();
            driver.playing = playing;
            driver.behind = false;
            driver.render_time_ms = driver.sim.now().as_millis() as f64;
            driver.autosave();
        }
        self.publish();
        if playing {
            self.run_frames();
        } else {
            self.stop_frames();
        }
    }

    pub fn toggle_playing(&self) {
        let playing = self.0.driver.borrow().playing;
        self.set_playing(!playing);
    }

    pub fn set_speed(&self, speed: u32) {
        self.0.driver.borrow_mut().speed = speed;
        self.publish();
    }

    /// Pauses and processes the next event.
    pub fn step(&self) {
        {
            let mut driver = self.0.driver.borrow_mut();
            driver.playing = false;
            let Driver { sim, pending, .. } = &mut *driver;
            sim.step_replaying(pending);
            driver.drain_log();
            driver.after_jump();
        }
        self.stop_frames();
        self.publish();
    }

    /// Pauses and goes back one event: the run rebuilt as it stood before its last event.
    pub fn step_back(&self) {
        {
            let mut driver = self.0.driver.borrow_mut();
            let n_events = driver.sim.n_events_processed();
            if n_events == 0 {
                return;
            }
            driver.playing = false;
            driver.rewind(RunPoint::after_events(n_events - 1));
        }
        self.stop_frames();
        self.publish();
    }

    /// Pauses and moves the run to sim time `target_ms` (the timeline).
    pub fn seek(&self, target_ms: u64) {
        self.0.driver.borrow_mut().seek(target_ms);
        self.stop_frames();
        self.publish();
    }

    /// Starts a built-in scenario from scratch.
    pub fn load_builtin(&self, id: &str) {
        match super::catalog::builtin_scenario(id) {
            Some(scenario) => self.replace(Driver::new(scenario, Some(id.to_string()), None)),
            None => self.show_banner(format!("No built-in scenario named '{id}'.")),
        }
    }

    /// Starts a lesson's scenario from scratch.
    pub fn load_lesson_scenario(&self, scenario: ecs_sim::scenario::Scenario) {
        self.replace(Driver::new(scenario, None, None));
    }

    /// The Container Insights dashboard of `cluster` at `scope`, computed by the core from the run now.
    pub fn insights_dashboard(&self, cluster: &str, scope: &ecs_sim::sim::insights_dashboard::InsightsScope) -> Option<ecs_sim::sim::insights_dashboard::InsightsDashboard> {
        self.0.driver.borrow().sim.insights_dashboard(cluster, scope)
    }

    /// The learner's run as the lesson checker replays it: its seed, its calls with their event counts, and now.
    pub fn learner_run(&self) -> (u64, Vec<ecs_sim::sim::RecordedCall>, u64) {
        let driver = self.0.driver.borrow();
        (driver.sim.seed(), driver.sim.recorded_calls().to_vec(), driver.now_ms())
    }

    /// Starts a scenario from a JSON document (an imported file), or opens a run saved by "Download this
    /// run" (a document with a `schemaVersion`). A bad file changes nothing.
    pub fn load_scenario_text(&self, text: &str) -> Result<(), String> {
        let is_saved_run = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')).is_ok_and(|doc| doc.get("schemaVersion").is_some());
        if is_saved_run {
            let record = RunRecord::from_autosave_text(text.trim_start_matches('\u{feff}'))?;
            if record.n_events > SLICED_REPLAY_EVENTS {
                self.start_replay(Replay::start(&record, ReplaySource::SavedRun)?);
                return Ok(());
            }
            self.replace(driver_of(&record)?);
            return Ok(());
        }
        let scenario = parse_scenario_text(text)?;
        self.replace(Driver::new(scenario, None, None));
        Ok(())
    }

    /// Opens the recent run saved at `saved_at_ms` again, paused; the live run takes its place in the list.
    pub fn open_recent(&self, saved_at_ms: u64) {
        let Some((record, entries)) = persist::take_recent(saved_at_ms) else {
            self.show_banner("That recent run could not be read; it was left in the list.".to_string());
            return;
        };
        self.0.store.dispatch(Action::Recent(recent_runs(&entries)));
        if record.n_events > SLICED_REPLAY_EVENTS {
            // A long run opens in slices; Cancel puts it back in the list.
            match Replay::start_keeping(&record, ReplaySource::RecentRun) {
                Ok(replay) => self.start_replay(replay),
                Err(message) => self.show_banner(format!("That recent run could not be opened ({message}).")),
            }
            return;
        }
        match driver_of(&record) {
            Ok(driver) => self.replace(driver),
            Err(message) => self.show_banner(format!("That recent run could not be opened ({message}).")),
        }
    }

    /// Puts `driver` in place of the live run (a jump: the generation moves on; the selection clears, since
    /// what it named belongs to the run replaced), saves it and publishes it. The run replaced goes to the
    /// recent runs if it holds anything of the learner's, and the banner says where it went.
    fn replace(&self, driver: Driver) {
        self.replace_noting(driver, None);
    }

    /// [`Commands::replace`], with `lead` first in the banner.
    fn replace_noting(&self, mut driver: Driver, lead: Option<Notice>) {
        let (action, recent) = {
            let mut live = self.0.driver.borrow_mut();
            let (notice, recent) = if live.worth_keeping() { keep_in_recent(&live.record()) } else { (None, None) };
            let notice = match (lead, notice) {
                (Some(lead), Some(notice)) => Some(lead.and(notice)),
                (lead, notice) => lead.or(notice),
            };
            driver.generation = live.generation + 1;
            *live = driver;
            live.autosave();
            (Action::Replace { snapshot: live.snapshot(), scenario: live.scenario_info.clone(), banner: notice }, recent)
        };
        self.stop_frames();
        if let Some(recent) = recent {
            self.0.store.dispatch(Action::Recent(recent));
        }
        self.0.store.dispatch(action);
        self.tell_save_failure();
        self.run_frames();
    }

    pub fn show_banner(&self, message: String) {
        self.0.store.dispatch(Action::ShowBanner(Notice::text(message)));
    }

    /// The live run as a saved run (what the autosave holds), pretty JSON: "Download this run".
    pub fn run_json(&self) -> String {
        let text = self.0.driver.borrow().record().to_autosave_json();
        serde_json::from_str::<Value>(&text).and_then(|doc| serde_json::to_string_pretty(&doc)).unwrap_or(text)
    }

    pub fn dismiss_banner(&self) {
        self.0.store.dispatch(Action::DismissBanner);
    }

    /// Selects `selection` on the map; the driver explains it (a task's placement is replayed now, once).
    pub fn select(&self, selection: Selection) {
        let explained = {
            let mut driver = self.0.driver.borrow_mut();
            driver.selection = selection.clone();
            driver.explain()
        };
        self.0.store.dispatch(Action::Select(selection, explained));
    }

    /// The published view, for event handlers (reading it here subscribes to nothing).
    pub fn view(&self) -> Rc<View> {
        self.0.store.state().view.clone()
    }

    /// The request mix of load balancer `load_balancer` (its ARN or name) now: the `mix` of the last
    /// `sim:SetLoad` for it, from the scenario's steps so far and the calls of the run (`None`: the default mix).
    pub fn current_mix(&self, load_balancer: &str) -> Option<Value> {
        let driver = self.0.driver.borrow();
        // `sim:SetLoad` names a load balancer by its ARN or its name.
        let names: Vec<&str> = match driver.view.load_balancers.iter().find(|l| l.arn == load_balancer || l.name == load_balancer) {
            Some(lb) => vec![lb.arn.as_str(), lb.name.as_str()],
            None => vec![load_balancer],
        };
        let now_ms = driver.now_ms();
        let steps = driver.scenario.steps.iter().filter(|s| s.at_ms <= now_ms).map(|s| (s.at_ms, &s.call, &s.input));
        let calls = driver.sim.recorded_calls().iter().map(|c| (c.time.as_millis(), &c.call, &c.input));
        let mut set_loads: Vec<_> =
            steps.chain(calls).filter(|(_, call, input)| *call == "sim:SetLoad" && input.get("loadBalancer").and_then(Value::as_str).is_some_and(|lb| names.contains(&lb))).collect();
        // A stable sort: at one sim time a step comes before a call.
        set_loads.sort_by_key(|(at_ms, _, _)| *at_ms);
        set_loads.last().and_then(|(_, _, input)| input.get("mix").cloned())
    }

    /// Sim time now, milliseconds, for event handlers.
    pub fn now_ms(&self) -> u64 {
        self.0.driver.borrow().now_ms()
    }

    /// The scenario document of the run, pretty JSON (for export).
    pub fn scenario_json(&self) -> String {
        serde_json::to_string_pretty(&self.0.driver.borrow().scenario.document).unwrap_or_default()
    }

    /// The account as it stands, as a CloudFormation template (`ecs_sim::export`).
    pub fn cloudformation(&self, format: ecs_sim::export::TemplateFormat) -> String {
        ecs_sim::export::cloudformation(&self.0.driver.borrow().sim, format)
    }

    /// The captions of the scenario's steps (`say`), in the order the run reaches them.
    pub fn captions(&self) -> Vec<ecs_sim::scenario::Caption> {
        self.0.driver.borrow().sim.scenario().captions()
    }

    /// The architecture diagram of the published view as an SVG document (`ecs_sim::diagram`), headed by the
    /// scenario's name and `caption`.
    pub fn architecture_svg(&self, caption: Option<&str>) -> String {
        let view = self.view();
        let name = self.0.driver.borrow().sim.scenario().name.clone();
        ecs_sim::diagram::architecture_svg(&view, &name, caption)
    }

    /// The run's calls as an AWS CLI script.
    pub fn cli_script(&self) -> String {
        ecs_sim::export::cli_script(&self.0.driver.borrow().sim)
    }

    /// A share link fragment (`s=...`) that replays this run to this sim time.
    pub fn share_fragment(&self) -> String {
        format!("s={}", Base64::Url.encode(self.0.driver.borrow().record().to_share_json().as_bytes()))
    }

    /// `{simTimeMs, traceHash, seed, nEvents, playing, latestMs, pendingCalls}` of the run.
    pub(super) fn state_json(&self) -> Value {
        let driver = self.0.driver.borrow();
        serde_json::json!({
            "simTimeMs": driver.sim.now().as_millis(),
            "traceHash": driver.sim.trace_hash(),
            "seed": driver.sim.seed(),
            "nEvents": driver.sim.n_events_processed(),
            "playing": driver.playing,
            "latestMs": driver.latest_ms,
            "pendingCalls": driver.pending.len(),
        })
    }

    /// Opens a long run in slices across frames (see `driver::replay`): the live run pauses its frames, the
    /// page shows the progress and offers Cancel.
    pub(super) fn start_replay(&self, replay: Replay) {
        // A replay already under way is cancelled first, so what it was opening is kept as Cancel keeps it.
        self.cancel_replay();
        self.stop_frames();
        self.0.store.dispatch(Action::Replay(Some(replay.progress())));
        *self.0.replay.borrow_mut() = Some(replay);
        self.schedule_replay_frame();
    }

    fn schedule_replay_frame(&self) {
        let commands = self.clone();
        let handle = request_animation_frame(move |_| commands.replay_frame());
        *self.0.replay_frame.borrow_mut() = Some(handle);
    }

    /// One frame of the replay: slices until the frame's budget is spent, then the progress is published;
    /// the replayed run replaces the live one when it reaches its point.
    fn replay_frame(&self) {
        let _fired = self.0.replay_frame.borrow_mut().take();
        let started_ms = js_sys::Date::now();
        let (done, progress) = {
            let mut slot = self.0.replay.borrow_mut();
            let Some(replay) = slot.as_mut() else { return };
            let mut done = false;
            while !done && js_sys::Date::now() - started_ms < FRAME_BUDGET_MS {
                done = replay.slice();
            }
            (done, replay.progress())
        };
        if !done {
            self.0.store.dispatch(Action::Replay(Some(progress)));
            self.schedule_replay_frame();
            return;
        }
        let Some(replay) = self.0.replay.borrow_mut().take() else { return };
        let (source, latest_ms) = (replay.source, replay.latest_ms);
        let (sim, pending, scenario, id) = replay.finish();
        let mut driver = Driver::from_sim(sim, pending, scenario, id);
        driver.latest_ms = driver.latest_ms.max(latest_ms);
        driver.playing = false;
        self.0.store.dispatch(Action::Replay(None));
        let lead = match source {
            ReplaySource::ShareLink => "Opened a shared run, paused where it was shared. Press Play to continue.",
            ReplaySource::SavedRun => "Opened the saved run, paused where it was saved. Press Play to continue.",
            ReplaySource::RecentRun => "Opened the recent run, paused where it was kept. Press Play to continue.",
        };
        self.replace_noting(driver, Some(Notice::text(lead.to_string())));
    }

    /// Stops opening a long run: the live run stays as it was (and plays again if it was playing). A saved or
    /// recent run being opened goes (back) to the recent runs, so Cancel loses nothing.
    pub fn cancel_replay(&self) {
        let Some(replay) = self.0.replay.borrow_mut().take() else { return };
        self.0.replay_frame.borrow_mut().take();
        self.0.store.dispatch(Action::Replay(None));
        let noun = replay.source.noun();
        let notice = match &replay.kept_on_cancel {
            None => Notice::text(format!("Opening {noun} was cancelled; your run is as it was.")),
            Some(record) => match persist::push_recent(record) {
                Ok(entries) => {
                    self.0.store.dispatch(Action::Recent(recent_runs(&entries)));
                    Notice::text(format!("Opening {noun} was cancelled; it is kept in Recent runs: open it again from Scenarios… in the header."))
                }
                Err(reason) => Notice {
                    text: format!("Opening {noun} was cancelled, and it could not be kept in Recent runs ({reason}): download it now to keep it."),
                    downloads: vec![Download::File { label: "Download the run", file_name: "ecs-playground-saved-run.json".to_string(), text: record.to_autosave_json() }],
                },
            },
        };
        self.0.store.dispatch(Action::ShowBanner(notice));
        self.run_frames();
    }

    /// Starts the frame loop if the run plays and no frame is scheduled.
    pub(super) fn run_frames(&self) {
        if self.0.driver.borrow().playing && self.0.frame.borrow().is_none() && self.0.replay.borrow().is_none() {
            self.schedule_frame(None);
        }
    }

    /// Stops the frame loop.
    pub(super) fn stop_frames(&self) {
        self.0.frame.borrow_mut().take();
    }

    fn schedule_frame(&self, last_ts: Option<f64>) {
        let commands = self.clone();
        let handle = request_animation_frame(move |ts| commands.frame(ts, last_ts));
        *self.0.frame.borrow_mut() = Some(handle);
    }

    /// One animation frame: advances the run by the wall time since the last frame and publishes the clock,
    /// and a new view when events were processed (see `Driver::should_publish`).
    fn frame(&self, ts: f64, last_ts: Option<f64>) {
        // This frame's handle: it has fired; dropped at the end.
        let _fired = self.0.frame.borrow_mut().take();
        let (action, playing) = {
            let mut driver = self.0.driver.borrow_mut();
            if !driver.playing {
                return;
            }
            driver.tick(last_ts.map_or(0.0, |last| ts - last));
            let action = if driver.should_publish() { Action::Publish(driver.snapshot()) } else { Action::Tick(driver.status()) };
            (action, driver.playing)
        };
        self.0.store.dispatch(action);
        self.tell_save_failure();
        if playing {
            self.schedule_frame(Some(ts));
        }
    }
}

/// The run `record` holds, replayed to its saved point, paused.
fn driver_of(record: &RunRecord) -> Result<Driver, String> {
    let (sim, pending, scenario, id) = record.restore()?;
    let mut driver = Driver::from_sim(sim, pending, scenario, id);
    driver.latest_ms = driver.latest_ms.max(record.latest_ms);
    driver.playing = false;
    Ok(driver)
}

/// Puts `record` (the run being replaced) in the recent runs. Returns the banner that says where it went (or
/// that it could not be kept, with it as a download) and the new list.
fn keep_in_recent(record: &RunRecord) -> (Option<Notice>, Option<std::rc::Rc<[super::store::RecentRun]>>) {
    let name = record.document.get("name").and_then(Value::as_str).unwrap_or("Imported scenario").to_string();
    let at = crate::text::format_elapsed(record.sim_time_ms);
    match persist::push_recent(record) {
        Ok(entries) => (Some(Notice::text(format!("Your previous run ({name}, {at}) is kept in Recent runs: open it again from Scenarios… in the header."))), Some(recent_runs(&entries))),
        Err(reason) => (
            Some(Notice {
                text: format!("Your previous run ({name}, {at}) could not be kept in Recent runs ({reason}): download it now to keep it."),
                downloads: vec![Download::File { label: "Download the previous run", file_name: "ecs-playground-previous-run.json".to_string(), text: record.to_autosave_json() }],
            }),
            None,
        ),
    }
}
