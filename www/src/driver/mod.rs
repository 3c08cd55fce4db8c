//! The driver: the only code that owns the `Sim`. It applies the user's calls, runs the clock from a
//! `requestAnimationFrame` loop, keeps the bounded event log, and publishes `Rc<View>` snapshots
//! through a context (`use_sim()`), so components never touch the engine.

mod persist;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use ecs_sim::codec::{compact_json, Base64};
use ecs_sim::scenario::{builtin_scenario, Scenario, BUILTIN_SCENARIOS};
use ecs_sim::sim::{RecordedCall, RunPoint, Sim};
use ecs_sim::time::SimTime;
use ecs_sim::view::View;
use gloo::render::{request_animation_frame, AnimationFrame};
use serde_json::Value;
use yew::prelude::*;

pub use persist::RunRecord;

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
/// A frame's wall time is clamped to this, so a backgrounded tab does not spiral.
const MAX_FRAME_WALL_MS: f64 = 250.0;
/// Event log rows kept (newest first).
const LOG_CAPACITY: usize = 500;
/// Autosave at most this often while playing (wall milliseconds).
const AUTOSAVE_INTERVAL_WALL_MS: f64 = 1_000.0;
/// The selectable speeds (sim seconds per wall second).
pub const SPEEDS: [u32; 4] = [1, 10, 60, 600];

/// One row of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    /// Increasing id: the row's key.
    pub seq: u64,
    pub time_ms: u64,
    pub kind: ecs_sim::sim::LogKind,
    pub subject: String,
    pub message: String,
}

/// The mutable run: the sim and what the UI needs around it.
pub struct Driver {
    sim: Sim,
    scenario: Scenario,
    /// The built-in id when the run started from one.
    scenario_id: Option<String>,
    /// A rewound run's calls after its current point, applied again as it moves forward; a new call
    /// discards them (the run takes another course from there).
    pending: VecDeque<RecordedCall>,
    /// The furthest sim time the run has reached (the timeline's end), milliseconds.
    latest_ms: u64,
    /// Counts the jumps of the run (a rewind, a seek, another scenario): forms clear their outcome lines
    /// on a jump, since the calls those lines report may no longer be in the run.
    generation: u64,
    log: Rc<VecDeque<LogRow>>,
    log_seq: u64,
    playing: bool,
    speed: u32,
    behind: bool,
    /// Sim time the clock shows, with the sub-millisecond part frames accumulate.
    render_time_ms: f64,
    since_autosave_wall_ms: f64,
    /// Events were processed since the last published view.
    dirty: bool,
    /// Wall time since the last published view (milliseconds).
    since_publish_wall_ms: f64,
}

impl Driver {
    fn new(scenario: Scenario, scenario_id: Option<String>, seed: Option<u64>) -> Driver {
        let sim = Sim::new(&scenario, seed);
        Driver::from_sim(sim, VecDeque::new(), scenario, scenario_id)
    }

    fn from_sim(sim: Sim, pending: VecDeque<RecordedCall>, scenario: Scenario, scenario_id: Option<String>) -> Driver {
        let render_time_ms = sim.now().as_millis() as f64;
        let latest_ms = pending.back().map_or(0, |call| call.time.as_millis()).max(sim.now().as_millis());
        let mut driver = Driver {
            sim,
            pending,
            latest_ms,
            generation: 0,
            scenario,
            scenario_id,
            log: Rc::new(VecDeque::new()),
            log_seq: 0,
            playing: true,
            speed: 10,
            behind: false,
            render_time_ms,
            since_autosave_wall_ms: 0.0,
            dirty: false,
            since_publish_wall_ms: 0.0,
        };
        driver.drain_log();
        driver
    }

    /// Moves the sim's new log entries into the bounded log.
    fn drain_log(&mut self) {
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
    fn tick(&mut self, wall_dt_ms: f64) -> bool {
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
            self.drain_log();
            self.dirty = true;
        }
        n_events > 0
    }

    /// Whether the frame should publish a new view: events were processed, and, while a burst
    /// keeps the run behind, not more often than `PUBLISH_INTERVAL_BEHIND_WALL_MS`.
    fn should_publish(&self) -> bool {
        self.dirty && (!self.behind || self.since_publish_wall_ms >= PUBLISH_INTERVAL_BEHIND_WALL_MS)
    }

    /// A new view of the sim, for publishing.
    fn fresh_view(&mut self) -> Rc<View> {
        self.dirty = false;
        self.since_publish_wall_ms = 0.0;
        Rc::new(self.sim.view())
    }

    fn record(&self) -> RunRecord {
        RunRecord::of(&self.sim, &self.pending, self.latest_ms, &self.scenario, self.scenario_id.clone(), self.playing)
    }

    /// Rebuilds the run as it stood at `point` (replayed from the start), paused; the calls after the point
    /// become pending.
    fn rewind(&mut self, point: RunPoint) {
        let calls: Vec<RecordedCall> = self.sim.recorded_calls().iter().chain(&self.pending).cloned().collect();
        let (sim, pending) = Sim::replay_to(&self.scenario, Some(self.sim.seed()), &calls, point);
        self.sim = sim;
        self.pending = pending;
        self.log = Rc::new(VecDeque::new());
        self.drain_log();
        self.after_jump();
    }

    /// Moves the paused run to sim time `target_ms`: back by rewinding, forward by running (the pending
    /// calls applied at their points).
    fn seek(&mut self, target_ms: u64) {
        self.playing = false;
        if target_ms < self.now_ms() {
            self.rewind(RunPoint::at_time(SimTime(target_ms)));
        } else {
            while !self.sim.advance_replaying(SimTime(target_ms), u32::MAX, &mut self.pending).reached {}
            self.drain_log();
            self.after_jump();
        }
    }

    fn after_jump(&mut self) {
        self.generation += 1;
        self.behind = false;
        self.render_time_ms = self.sim.now().as_millis() as f64;
        self.latest_ms = self.latest_ms.max(self.now_ms());
        self.dirty = true;
        self.autosave();
    }

    fn autosave(&self) {
        persist::autosave(&self.record());
    }

    fn now_ms(&self) -> u64 {
        self.sim.now().as_millis()
    }
}

/// `performance.now()` (0 where there is no `performance`).
fn wall_now_ms() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

/// What the UI reads: replaced (new `Rc`s) only when something changed.
#[derive(Clone)]
pub struct Published {
    pub view: Rc<View>,
    pub log: Rc<VecDeque<LogRow>>,
    pub playing: bool,
    pub speed: u32,
    pub behind: bool,
    /// The furthest sim time reached (the timeline's end), milliseconds.
    pub latest_ms: u64,
    /// Calls a rewound run will replay as it moves forward.
    pub pending_calls: usize,
    /// Changes when the run jumps (rewind, seek, another scenario).
    pub generation: u64,
    pub scenario_id: Option<String>,
    pub scenario_name: String,
    pub hint: String,
    /// A message for the banner (restore problems, bad share links, imports).
    pub banner: Option<String>,
}

impl PartialEq for Published {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.view, &other.view)
            && Rc::ptr_eq(&self.log, &other.log)
            && self.playing == other.playing
            && self.speed == other.speed
            && self.behind == other.behind
            && self.latest_ms == other.latest_ms
            && self.pending_calls == other.pending_calls
            && self.generation == other.generation
            && self.scenario_id == other.scenario_id
            && self.banner == other.banner
    }
}

/// The handle components get from `use_sim()`.
#[derive(Clone)]
pub struct SimHandle {
    driver: Rc<RefCell<Driver>>,
    pub state: Rc<Published>,
    publish: Callback<Option<Option<String>>>,
}

impl PartialEq for SimHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.driver, &other.driver) && self.state == other.state
    }
}

impl SimHandle {
    pub fn view(&self) -> Rc<View> {
        self.state.view.clone()
    }

    /// Applies an AWS call at the current sim time (recorded by the core for replay). Returns the
    /// answer, or AWS's error as `Code: message`.
    pub fn dispatch(&self, call: &str, input: Value) -> Result<Value, String> {
        let result = {
            let mut driver = self.driver.borrow_mut();
            // A call in a rewound run starts another course: the original's later calls are dropped and the
            // timeline ends here. A call that only reads (Describe*, List*, Get*) changes nothing of that.
            let changes_course = !ecs_sim::api::calls::is_read_only_call(call);
            let dropped = if changes_course { std::mem::take(&mut driver.pending).len() } else { 0 };
            if changes_course {
                driver.latest_ms = driver.now_ms();
            }
            let result = driver.sim.call(call, input).map_err(|e| e.to_string());
            driver.drain_log();
            driver.autosave();
            (result, dropped)
        };
        let (result, dropped) = result;
        let banner = (dropped > 0).then(|| {
            let calls = if dropped == 1 { "call".to_string() } else { format!("{dropped} calls") };
            format!("The run now goes on from this call: the {calls} it made later before you rewound will not be replayed.")
        });
        self.publish.emit(banner.map(Some));
        result
    }

    pub fn set_playing(&self, playing: bool) {
        {
            let mut driver = self.driver.borrow_mut();
            driver.playing = playing;
            driver.behind = false;
            driver.render_time_ms = driver.sim.now().as_millis() as f64;
            driver.autosave();
        }
        self.publish.emit(None);
    }

    pub fn set_speed(&self, speed: u32) {
        self.driver.borrow_mut().speed = speed;
        self.publish.emit(None);
    }

    /// Pauses and processes the next event.
    pub fn step(&self) {
        {
            let mut driver = self.driver.borrow_mut();
            driver.playing = false;
            let Driver { sim, pending, .. } = &mut *driver;
            sim.step_replaying(pending);
            driver.drain_log();
            driver.after_jump();
        }
        self.publish.emit(None);
    }

    /// Pauses and goes back one event: the run rebuilt as it stood before its last event.
    pub fn step_back(&self) {
        {
            let mut driver = self.driver.borrow_mut();
            let n_events = driver.sim.n_events_processed();
            if n_events == 0 {
                return;
            }
            driver.playing = false;
            driver.rewind(RunPoint::after_events(n_events - 1));
        }
        self.publish.emit(None);
    }

    /// Pauses and moves the run to sim time `target_ms` (the timeline).
    pub fn seek(&self, target_ms: u64) {
        self.driver.borrow_mut().seek(target_ms);
        self.publish.emit(None);
    }

    /// Starts a built-in scenario from scratch.
    pub fn load_builtin(&self, id: &str) {
        match builtin_scenario(id) {
            Some(scenario) => self.replace(Driver::new(scenario, Some(id.to_string()), None), None),
            None => self.publish.emit(Some(Some(format!("No built-in scenario named '{id}'.")))),
        }
    }

    /// Starts a scenario from a JSON document (an imported file). A bad file changes nothing.
    pub fn load_scenario_text(&self, text: &str) -> Result<(), String> {
        let scenario = parse_scenario_text(text)?;
        self.replace(Driver::new(scenario, None, None), None);
        Ok(())
    }

    fn replace(&self, driver: Driver, banner: Option<String>) {
        replace_run(&self.driver, driver);
        self.publish.emit(Some(banner));
    }

    pub fn dismiss_banner(&self) {
        self.publish.emit(Some(None));
    }

    /// The scenario document of the run, pretty JSON (for export).
    pub fn scenario_json(&self) -> String {
        serde_json::to_string_pretty(&self.driver.borrow().scenario.document).unwrap_or_default()
    }

    /// A share link fragment (`s=...`) that replays this run to this sim time.
    pub fn share_fragment(&self) -> String {
        format!("s={}", Base64::Url.encode(self.driver.borrow().record().to_share_json().as_bytes()))
    }

    pub fn explain_task(&self, task_id: &str) -> Option<(ecs_sim::placement::Explanation, Vec<(ecs_sim::placement::NodeKey, String)>)> {
        self.driver.borrow().sim.explain_task(task_id)
    }

    pub fn explain_service(&self, cluster: &str, service: &str) -> Option<ecs_sim::placement::Explanation> {
        self.driver.borrow_mut().sim.explain_service(cluster, service)
    }

    /// Sim time now, milliseconds (moves every frame; read it from `use_clock()` to re-render).
    pub fn now_ms(&self) -> u64 {
        self.driver.borrow().now_ms()
    }

    pub fn seed(&self) -> u64 {
        self.driver.borrow().sim.seed()
    }

    /// The run's calls for the timeline's marks: (sim time in milliseconds, call name, whether a rewound run
    /// has still to replay it).
    pub fn timeline_calls(&self) -> Vec<(u64, String, bool)> {
        let driver = self.driver.borrow();
        let made = driver.sim.recorded_calls().iter().map(|c| (c, false));
        made.chain(driver.pending.iter().map(|c| (c, true))).map(|(c, pending)| (c.time.as_millis(), c.call.clone(), pending)).collect()
    }
}

thread_local! {
    /// The live run, for `window.ecsPlayground.state()`.
    static LIVE: RefCell<Option<Rc<RefCell<Driver>>>> = const { RefCell::new(None) };
    /// The live run's publisher, for `window.ecsPlayground.loadScenario()`.
    static LIVE_PUBLISH: RefCell<Option<Callback<Option<Option<String>>>>> = const { RefCell::new(None) };
}

/// Starts the live run from the scenario document `text` (what importing a file does).
pub fn load_live_scenario(text: &str) -> Result<(), String> {
    let driver = LIVE.with(|live| live.borrow().clone()).ok_or("the app has not started")?;
    let publish = LIVE_PUBLISH.with(|p| p.borrow().clone()).ok_or("the app has not started")?;
    let scenario = parse_scenario_text(text)?;
    replace_run(&driver, Driver::new(scenario, None, None));
    publish.emit(Some(None));
    Ok(())
}

/// Puts `driver` in place of the live run (a jump: the generation moves on) and saves it.
fn replace_run(slot: &RefCell<Driver>, mut driver: Driver) {
    driver.generation = slot.borrow().generation + 1;
    *slot.borrow_mut() = driver;
    slot.borrow().autosave();
}

/// Parses a scenario document, joining the validation messages.
fn parse_scenario_text(text: &str) -> Result<Scenario, String> {
    ecs_sim::scenario::parse_scenario_str(text)
        .map_err(|errors| errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect::<Vec<_>>().join("\n"))
}

/// `{simTimeMs, traceHash, seed, nEvents}` of the live run, if any.
pub fn live_state() -> Option<Value> {
    LIVE.with(|live| {
        live.borrow().as_ref().map(|driver| {
            let driver = driver.borrow();
            serde_json::json!({
                "simTimeMs": driver.sim.now().as_millis(),
                "traceHash": driver.sim.trace_hash(),
                "seed": driver.sim.seed(),
                "nEvents": driver.sim.n_events_processed(),
                "playing": driver.playing,
                "latestMs": driver.latest_ms,
                "pendingCalls": driver.pending.len(),
            })
        })
    })
}

/// Runs built-in scenario `id` headless with `seed` until `until_ms` and returns its trace hash.
pub fn headless_trace_hash(id: &str, seed: Option<u64>, until_ms: u64) -> Result<String, String> {
    let scenario = builtin_scenario(id).ok_or_else(|| format!("no built-in scenario '{id}'"))?;
    let mut sim = Sim::new(&scenario, seed);
    loop {
        if sim.advance_to(SimTime(until_ms), 1_000_000).reached {
            return Ok(sim.trace_hash());
        }
    }
}

/// Builds the first run: a share link in the URL, else the autosave, else the first built-in.
/// Returns the driver and a banner message for anything that could not be restored.
fn initial_driver() -> (Driver, Option<String>) {
    let mut banners = Vec::new();
    if let Some(fragment) = persist::share_fragment_in_url() {
        persist::clear_url_fragment();
        match RunRecord::from_share_text(&fragment).and_then(|record| Ok((record.restore()?, record.latest_ms))) {
            Ok(((sim, pending, scenario, id), latest_ms)) => {
                let mut driver = Driver::from_sim(sim, pending, scenario, id);
                driver.latest_ms = driver.latest_ms.max(latest_ms);
                driver.playing = false;
                driver.autosave();
                return (driver, Some("Opened a shared run, paused where it was shared. Press Play to continue.".to_string()));
            }
            Err(message) => banners.push(format!("This share link could not be opened ({message}); nothing was changed.")),
        }
    }
    match persist::load_autosave() {
        Ok(Some(record)) => {
            let playing = record.playing;
            match record.restore() {
                Ok((sim, pending, scenario, id)) => {
                    let mut driver = Driver::from_sim(sim, pending, scenario, id);
                    driver.latest_ms = driver.latest_ms.max(record.latest_ms);
                    driver.playing = playing;
                    return (driver, (!banners.is_empty()).then(|| banners.join(" ")));
                }
                Err(message) => {
                    let key = persist::move_autosave_aside();
                    banners.push(format!("Your saved run could not be restored ({message}); it was kept in localStorage under '{key}'."));
                }
            }
        }
        Ok(None) => {}
        Err(message) => {
            let key = persist::move_autosave_aside();
            banners.push(format!("Your saved run could not be restored ({message}); it was kept in localStorage under '{key}'."));
        }
    }
    let (id, _) = BUILTIN_SCENARIOS[0];
    let scenario = builtin_scenario(id).expect("the first built-in scenario parses");
    (Driver::new(scenario, Some(id.to_string()), None), (!banners.is_empty()).then(|| banners.join(" ")))
}

fn publish_state(driver: &Driver, view: Rc<View>, banner: Option<String>) -> Published {
    Published {
        view,
        log: driver.log.clone(),
        playing: driver.playing,
        speed: driver.speed,
        behind: driver.behind,
        latest_ms: driver.latest_ms,
        pending_calls: driver.pending.len(),
        generation: driver.generation,
        scenario_id: driver.scenario_id.clone(),
        scenario_name: driver.scenario.name.clone(),
        hint: driver.scenario.hint.clone(),
        banner,
    }
}

#[derive(Properties, PartialEq)]
pub struct SimProviderProps {
    pub children: Html,
}

/// Owns the run and provides `SimHandle` (via `use_sim()`) and the sim clock (via `use_clock()`).
#[function_component(SimProvider)]
pub fn sim_provider(props: &SimProviderProps) -> Html {
    let init = use_mut_ref(|| None::<Option<String>>);
    let driver = use_mut_ref(|| {
        let (driver, banner) = initial_driver();
        *init.borrow_mut() = Some(banner);
        driver
    });
    let state = {
        let driver = driver.clone();
        let banner = init.borrow_mut().take().flatten();
        use_state(move || {
            let d = driver.borrow();
            Rc::new(publish_state(&d, Rc::new(d.sim.view()), banner))
        })
    };
    let clock_ms = use_state_eq(|| driver.borrow().now_ms());

    // Keep the latest state reachable from callbacks created once.
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();

    let publish = {
        let driver = driver.clone();
        let latest = latest.clone();
        let clock_ms = clock_ms.clone();
        use_callback((), move |banner: Option<Option<String>>, _| {
            let view = driver.borrow_mut().fresh_view();
            let d = driver.borrow();
            let current = latest.borrow().clone();
            let banner = banner.unwrap_or_else(|| current.banner.clone());
            clock_ms.set(d.now_ms());
            current.set(Rc::new(publish_state(&d, view, banner)));
        })
    };

    {
        let driver = driver.clone();
        let publish = publish.clone();
        use_effect_with((), move |_| {
            LIVE.with(|live| *live.borrow_mut() = Some(driver));
            LIVE_PUBLISH.with(|p| *p.borrow_mut() = Some(publish));
            || {
                LIVE.with(|live| *live.borrow_mut() = None);
                LIVE_PUBLISH.with(|p| *p.borrow_mut() = None);
            }
        });
    }

    // The animation loop: runs while playing; dropping the frame handle cancels it.
    let frame = use_mut_ref(|| None::<AnimationFrame>);
    {
        let driver = driver.clone();
        let latest = latest.clone();
        let clock_ms = clock_ms.clone();
        let frame = frame.clone();
        use_effect_with(state.playing, move |playing| {
            if *playing {
                schedule_frame(frame.clone(), driver, latest, clock_ms, None);
            }
            move || {
                frame.borrow_mut().take();
            }
        });
    }

    let handle = SimHandle { driver: driver.clone(), state: (*state).clone(), publish };
    html! {
        <ContextProvider<SimHandle> context={handle}>
            <ContextProvider<SimClock> context={SimClock { now_ms: *clock_ms }}>
                { props.children.clone() }
            </ContextProvider<SimClock>>
        </ContextProvider<SimHandle>>
    }
}

fn schedule_frame(
    frame: Rc<RefCell<Option<AnimationFrame>>>,
    driver: Rc<RefCell<Driver>>,
    latest: Rc<RefCell<UseStateHandle<Rc<Published>>>>,
    clock_ms: UseStateHandle<u64>,
    last_ts: Option<f64>,
) {
    let slot = frame.clone();
    let handle = request_animation_frame(move |ts| {
        let wall_dt_ms = last_ts.map_or(0.0, |last| ts - last);
        let (publish, playing) = {
            let mut d = driver.borrow_mut();
            if !d.playing {
                return;
            }
            let was_behind = d.behind;
            d.tick(wall_dt_ms);
            let publish = d.should_publish() || was_behind != d.behind;
            (publish.then(|| d.dirty.then(|| d.fresh_view())), d.playing)
        };
        {
            let d = driver.borrow();
            clock_ms.set(d.now_ms());
            if let Some(view) = publish {
                let current = latest.borrow().clone();
                let banner = current.banner.clone();
                let view = view.unwrap_or_else(|| current.view.clone());
                current.set(Rc::new(publish_state(&d, view, banner)));
            }
        }
        if playing {
            schedule_frame(slot, driver, latest, clock_ms, Some(ts));
        }
    });
    *frame.borrow_mut() = Some(handle);
}

/// The sim clock, republished every frame (only the clock and the map read it).
#[derive(Clone, Copy, PartialEq)]
pub struct SimClock {
    pub now_ms: u64,
}

/// The live run's handle.
#[hook]
pub fn use_sim() -> SimHandle {
    use_context::<SimHandle>().expect("use_sim() needs the SimProvider")
}

/// The sim clock, updated every frame.
#[hook]
pub fn use_clock() -> SimClock {
    use_context::<SimClock>().unwrap_or(SimClock { now_ms: 0 })
}
