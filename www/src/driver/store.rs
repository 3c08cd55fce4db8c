//! What the driver publishes, and how components read it: one [`Published`] state changed only by typed
//! [`Action`]s, and hooks that subscribe to one part of it each (`use_view`, `use_run_status`, `use_log`, ...),
//! so a component re-renders only when what it reads changes.
//!
//! The store is a selective subscription: each hook keeps the value its selector returned, runs the selector
//! again only when an action changed the parts it reads, and re-renders its component only when the new
//! value differs. A selector never captures props: the first one a component passes is the one it keeps.

use std::any::Any;
use std::cell::{Cell, Ref, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use ecs_sim::placement::Explanation as PlacementExplanation;
use ecs_sim::sim::troubleshoot::ServiceTroubleshooting;
use ecs_sim::sim::LogKind;
use ecs_sim::view::View;
use yew::prelude::*;

/// One row of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    /// Increasing id: the row's key.
    pub seq: u64,
    pub time_ms: u64,
    pub kind: LogKind,
    pub subject: String,
    pub message: String,
}

/// What the learner selected on the map: the Why? panel explains it.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Selection {
    #[default]
    None,
    Task(String),
    Instance(String),
    Service(String),
    LoadBalancer(String),
}

/// A call of the run, where the timeline marks it.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineMark {
    /// The call's number in the run (calls are only ever appended, or dropped from the end): its key.
    pub seq: usize,
    pub time_ms: u64,
    pub call: String,
    /// A rewound run has still to replay it.
    pub pending: bool,
}

/// The timeline's marks, compared by pointer: the driver rebuilds them only when the run's calls change.
#[derive(Clone, Debug)]
pub struct Marks(pub Rc<[TimelineMark]>);

impl PartialEq for Marks {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The run's clock and controls: republished every frame while the run plays.
#[derive(Clone, Debug, PartialEq)]
pub struct RunStatus {
    /// Sim time now, milliseconds.
    pub now_ms: u64,
    /// The furthest sim time the run reached (the timeline's end), milliseconds.
    pub latest_ms: u64,
    pub playing: bool,
    /// Sim seconds per wall second.
    pub speed: u32,
    /// The run could not keep up with wall time in the last frame.
    pub behind: bool,
    /// Changes when the run jumps (a rewind, a seek, a step, another scenario).
    pub generation: u64,
    /// Calls a rewound run will replay as it moves forward.
    pub pending_calls: usize,
    pub marks: Marks,
    /// The trace hash of the run so far (the view's, or newer after a call that only reads: such a call
    /// publishes no new view).
    pub trace_hash: Rc<str>,
}

/// The scenario of the live run; replaced only when another run replaces it.
#[derive(Debug, PartialEq)]
pub struct ScenarioInfo {
    /// The built-in id when the run started from one.
    pub id: Option<String>,
    pub name: String,
    /// What the scenario teaches.
    pub description: String,
    pub hint: String,
}

/// A file the banner offers to download: a run that could not be stored.
#[derive(Clone, Debug, PartialEq)]
pub enum Download {
    /// This text, as this file, offered by a button of this label.
    File { label: &'static str, file_name: String, text: String },
    /// The live run as it is when the learner asks (`Commands::run_json`).
    CurrentRun,
}

/// The banner's message, and the downloads it offers.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub downloads: Vec<Download>,
}

impl Notice {
    pub fn text(text: impl Into<String>) -> Notice {
        Notice { text: text.into(), downloads: Vec::new() }
    }

    /// This notice followed by `other` (both texts, both downloads).
    pub fn and(mut self, other: Notice) -> Notice {
        self.text = format!("{} {}", self.text, other.text);
        self.downloads.extend(other.downloads);
        self
    }
}

/// A run kept in the recent runs list, from which it can be opened again.
#[derive(Clone, Debug, PartialEq)]
pub struct RecentRun {
    /// When it was put in the list (wall time, epoch milliseconds): its key.
    pub saved_at_ms: u64,
    /// Its scenario's name.
    pub name: String,
    /// The sim time it had reached.
    pub sim_time_ms: u64,
}

/// The driver's explanation of the selection, computed when the selection, the run's generation or (for a
/// service) the view changes, never in a render.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Explained {
    /// Nothing selected that has a placement to explain.
    #[default]
    Nothing,
    /// The selected task's placement: every instance's checks and scores (`None`: no EC2 placement decision,
    /// e.g. a Fargate task or one still waiting for capacity).
    Task { id: String, placement: Option<Rc<PlacementExplanation>> },
    /// Why the selected service's next task cannot be placed (`None`: every desired task is placed, or there
    /// is nothing to explain), and the service troubleshooter's report on it.
    Service { name: String, placement: Option<Rc<PlacementExplanation>>, troubleshooting: Option<Rc<ServiceTroubleshooting>> },
}

/// Everything the UI reads, one field per concern.
pub struct Published {
    pub view: Rc<View>,
    pub status: RunStatus,
    pub log: Rc<VecDeque<LogRow>>,
    pub scenario: Rc<ScenarioInfo>,
    /// A message for the banner (restore problems, bad share links, failed saves, a rewound run's dropped
    /// calls).
    pub banner: Option<Rc<Notice>>,
    /// The recent runs, newest first.
    pub recent: Rc<[RecentRun]>,
    pub selection: Selection,
    pub explained: Rc<Explained>,
    /// A long run being opened in slices: how far its replay has come.
    pub replay: Option<super::replay::ReplayProgress>,
}

/// The parts of [`Published`] an action changed, and that a subscription reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts(u16);

impl Parts {
    pub const NONE: Parts = Parts(0);
    pub const VIEW: Parts = Parts(1);
    pub const STATUS: Parts = Parts(2);
    pub const LOG: Parts = Parts(4);
    pub const SCENARIO: Parts = Parts(8);
    pub const BANNER: Parts = Parts(16);
    pub const SELECTION: Parts = Parts(32);
    pub const EXPLAINED: Parts = Parts(64);
    pub const RECENT: Parts = Parts(128);
    pub const REPLAY: Parts = Parts(256);

    pub const fn and(self, other: Parts) -> Parts {
        Parts(self.0 | other.0)
    }

    fn overlaps(self, other: Parts) -> bool {
        self.0 & other.0 != 0
    }
}

/// The run as the driver rebuilt it after a frame with events or a command: its status, view, log and the
/// explanation of the selection (an unchanged part keeps its `Rc`).
pub struct Snapshot {
    pub status: RunStatus,
    pub view: Rc<View>,
    pub log: Rc<VecDeque<LogRow>>,
    pub explained: Rc<Explained>,
}

/// The changes the driver makes to what is published.
pub enum Action {
    /// A frame moved the clock and processed no event (or publishes none yet): only the status changes.
    Tick(RunStatus),
    /// The run changed (events processed, a call, a step, a jump).
    Publish(Snapshot),
    /// Another run replaced the live one (a built-in or imported scenario, a recent run); `banner` replaces
    /// the banner, and the selection clears (what it named belongs to the run replaced).
    Replace { snapshot: Snapshot, scenario: Rc<ScenarioInfo>, banner: Option<Notice> },
    ShowBanner(Notice),
    /// Adds to the banner (a message that must not hide the one shown, which may offer a download).
    AddToBanner(Notice),
    /// The recent runs list changed.
    Recent(Rc<[RecentRun]>),
    DismissBanner,
    /// The learner selected something on the map; the driver explained it.
    Select(Selection, Rc<Explained>),
    /// A long run's replay moved on (`None`: it ended, done or cancelled).
    Replay(Option<super::replay::ReplayProgress>),
}

impl Published {
    /// Applies `action` and returns the parts it changed.
    fn reduce(&mut self, action: Action) -> Parts {
        match action {
            Action::Tick(status) => self.set_status(status),
            Action::Publish(snapshot) => self.apply(snapshot),
            Action::Replace { snapshot, scenario, banner } => {
                let mut changed = self.apply(snapshot).and(self.set_banner(banner.map(Rc::new)));
                if self.selection != Selection::None {
                    self.selection = Selection::None;
                    changed = changed.and(Parts::SELECTION);
                }
                if !Rc::ptr_eq(&self.scenario, &scenario) {
                    self.scenario = scenario;
                    changed = changed.and(Parts::SCENARIO);
                }
                changed
            }
            Action::ShowBanner(notice) => self.set_banner(Some(Rc::new(notice))),
            Action::Recent(recent) => {
                self.recent = recent;
                Parts::RECENT
            }
            Action::DismissBanner => self.set_banner(None),
            Action::AddToBanner(notice) => {
                let notice = match self.banner.take() {
                    Some(shown) => (*shown).clone().and(notice),
                    None => notice,
                };
                self.set_banner(Some(Rc::new(notice)))
            }
            Action::Replay(progress) => {
                self.replay = progress;
                Parts::REPLAY
            }
            Action::Select(selection, explained) => {
                let mut changed = self.set_explained(explained);
                if self.selection != selection {
                    self.selection = selection;
                    changed = changed.and(Parts::SELECTION);
                }
                changed
            }
        }
    }

    fn apply(&mut self, snapshot: Snapshot) -> Parts {
        let Snapshot { status, view, log, explained } = snapshot;
        let mut changed = self.set_status(status).and(self.set_explained(explained));
        if !Rc::ptr_eq(&self.view, &view) {
            self.view = view;
            changed = changed.and(Parts::VIEW);
        }
        if !Rc::ptr_eq(&self.log, &log) {
            self.log = log;
            changed = changed.and(Parts::LOG);
        }
        changed
    }

    fn set_status(&mut self, status: RunStatus) -> Parts {
        if self.status == status {
            return Parts::NONE;
        }
        self.status = status;
        Parts::STATUS
    }

    fn set_explained(&mut self, explained: Rc<Explained>) -> Parts {
        if Rc::ptr_eq(&self.explained, &explained) {
            return Parts::NONE;
        }
        self.explained = explained;
        Parts::EXPLAINED
    }

    fn set_banner(&mut self, banner: Option<Rc<Notice>>) -> Parts {
        if self.banner == banner {
            return Parts::NONE;
        }
        self.banner = banner;
        Parts::BANNER
    }
}

/// What a subscription does when a part it reads changed: it is given the state and the store's version.
type Notify = Rc<dyn Fn(&Published, u64)>;

/// A subscription: the parts it reads, and what to do when one of them changed.
type Subscriber = (Parts, Notify);

/// The published state and its subscribers.
pub(crate) struct Store {
    state: RefCell<Published>,
    /// Counts the actions that changed something.
    version: Cell<u64>,
    /// The subscriptions by id, an id being a slot of this list; a freed slot is `None` until taken again
    /// (thousands of chips subscribe and unsubscribe when another scenario loads).
    subscribers: RefCell<Vec<Option<Subscriber>>>,
    free_slots: RefCell<Vec<usize>>,
}

impl Store {
    pub(crate) fn new(state: Published) -> Store {
        Store { state: RefCell::new(state), version: Cell::new(0), subscribers: RefCell::new(Vec::new()), free_slots: RefCell::new(Vec::new()) }
    }

    pub(crate) fn state(&self) -> Ref<'_, Published> {
        self.state.borrow()
    }

    /// Applies `action` and tells the subscribers of the parts it changed.
    pub(crate) fn dispatch(&self, action: Action) {
        let changed = self.state.borrow_mut().reduce(action);
        if changed == Parts::NONE {
            return;
        }
        let version = self.version.get() + 1;
        self.version.set(version);
        let notify: Vec<_> = self.subscribers.borrow().iter().flatten().filter(|(parts, _)| parts.overlaps(changed)).map(|(_, f)| f.clone()).collect();
        let state = self.state.borrow();
        for subscriber in notify {
            subscriber(&state, version);
        }
    }

    fn subscribe(&self, parts: Parts, subscriber: Notify) -> usize {
        let mut subscribers = self.subscribers.borrow_mut();
        match self.free_slots.borrow_mut().pop() {
            Some(slot) => {
                subscribers[slot] = Some((parts, subscriber));
                slot
            }
            None => {
                subscribers.push(Some((parts, subscriber)));
                subscribers.len() - 1
            }
        }
    }

    fn unsubscribe(&self, slot: usize) {
        self.subscribers.borrow_mut()[slot] = None;
        self.free_slots.borrow_mut().push(slot);
    }
}

/// The store, as the provider hands it to the hooks: compared by pointer (it never changes).
#[derive(Clone)]
pub(crate) struct StoreRef(pub(crate) Rc<Store>);

impl PartialEq for StoreRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A selector with its value's type erased, so the subscription code below exists once in the wasm, not
/// once per selector.
type AnySelect = Rc<dyn Fn(&Published) -> Rc<dyn Any>>;

/// What the selector returned, for the store's version then.
type Selected = Option<(u64, Rc<dyn Any>)>;

/// The value `select` reads from the published state; the component re-renders when an action changed one
/// of `parts` and `select` then returns a different value. `select` is taken from the first render only.
#[hook]
pub(crate) fn use_select<T, F>(parts: Parts, select: F) -> Rc<T>
where
    T: PartialEq + 'static,
    F: Fn(&Published) -> T + 'static,
{
    let erased: Box<dyn FnOnce() -> AnySelect> = Box::new(move || Rc::new(move |p: &Published| Rc::new(select(p)) as Rc<dyn Any>));
    let value = use_select_any(parts, erased, |a, b| a.downcast_ref::<T>() == b.downcast_ref::<T>());
    value.downcast::<T>().unwrap_or_else(|_| unreachable!("a selector's value keeps its type"))
}

/// [`use_select`] without types: `select` (made once, at the first render) and `same`, which compares two of
/// its values.
#[hook]
fn use_select_any(parts: Parts, select: Box<dyn FnOnce() -> AnySelect>, same: fn(&dyn Any, &dyn Any) -> bool) -> Rc<dyn Any> {
    let store = use_context::<StoreRef>().expect("the store's hooks need the SimProvider").0;
    let update = use_force_update();
    let select = use_mut_ref(|| None::<AnySelect>).borrow_mut().get_or_insert_with(select).clone();
    let slot = use_mut_ref(|| None::<(u64, Rc<dyn Any>)>);
    // Keeps `fresh` unless it equals the value kept: then the kept `Rc` stays (and `false` says so).
    let keep = move |slot: &mut Selected, version: u64, fresh: Rc<dyn Any>| -> (Rc<dyn Any>, bool) {
        let (value, changed) = match slot.take() {
            Some((_, old)) if same(&*old, &*fresh) => (old, false),
            _ => (fresh, true),
        };
        *slot = Some((version, value.clone()));
        (value, changed)
    };
    let value = {
        let mut kept = slot.borrow_mut();
        match &*kept {
            Some((version, value)) if *version == store.version.get() => value.clone(),
            _ => keep(&mut kept, store.version.get(), select(&store.state())).0,
        }
    };
    use_effect_with((), move |_| {
        let notified = {
            let slot = slot.clone();
            Rc::new(move |published: &Published, version: u64| {
                let changed = keep(&mut slot.borrow_mut(), version, select(published)).1;
                if changed {
                    update.force_update();
                }
            })
        };
        let id = store.subscribe(parts, notified.clone());
        // An action between the first render and this effect: catch up with it.
        if slot.borrow().as_ref().is_some_and(|(version, _)| *version != store.version.get()) {
            notified(&store.state(), store.version.get());
        }
        move || store.unsubscribe(id)
    });
    value
}

/// An `Rc` compared by pointer: a published part never changes in place, so a new pointer is its only change.
struct ByPtr<T: ?Sized>(Rc<T>);

impl<T: ?Sized> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The published view; re-renders on each new one (about every frame while the run plays).
#[hook]
pub fn use_view() -> Rc<View> {
    use_select(Parts::VIEW, |p| ByPtr(p.view.clone())).0.clone()
}

/// How far a long run being opened has come, while one is.
#[hook]
pub fn use_replay_progress() -> Option<super::replay::ReplayProgress> {
    *use_select(Parts::REPLAY, |p| p.replay)
}

/// The published view while `holds` is true of it (re-rendering with each new one then), else `None` (and no
/// re-render until it holds): a strip with nothing to draw stays still.
#[hook]
pub fn use_view_if(holds: fn(&View) -> bool) -> Option<Rc<View>> {
    use_select(Parts::VIEW, move |p| holds(&p.view).then(|| ByPtr(p.view.clone()))).as_ref().as_ref().map(|v| v.0.clone())
}

/// What `select` reads of the view; re-renders only when that changes. Forms read their options this way,
/// so a frame of the run does not re-render them.
#[hook]
pub fn use_view_select<T: PartialEq + 'static>(select: fn(&View) -> T) -> Rc<T> {
    use_select(Parts::VIEW, move |p| select(&p.view))
}

/// The run's clock and controls; re-renders every frame while the run plays.
#[hook]
pub fn use_run_status() -> Rc<RunStatus> {
    use_select(Parts::STATUS, |p| p.status.clone())
}

/// What `select` reads of the run status; re-renders only when that changes.
#[hook]
pub fn use_status_select<T: PartialEq + 'static>(select: fn(&RunStatus) -> T) -> Rc<T> {
    use_select(Parts::STATUS, move |p| select(&p.status))
}

/// The run's generation: changes when the run jumps (forms empty their outcome lines then).
#[hook]
pub fn use_generation() -> u64 {
    *use_status_select(|s| s.generation)
}

/// Whether the run plays (the charts redraw less often then).
#[hook]
pub fn use_playing() -> bool {
    *use_status_select(|s| s.playing)
}

/// The bounded event log, newest first; re-renders when rows arrive.
#[hook]
pub fn use_log() -> Rc<VecDeque<LogRow>> {
    use_select(Parts::LOG, |p| ByPtr(p.log.clone())).0.clone()
}

/// The live run's scenario; re-renders when another run replaces it.
#[hook]
pub fn use_scenario() -> Rc<ScenarioInfo> {
    use_select(Parts::SCENARIO, |p| ByPtr(p.scenario.clone())).0.clone()
}

/// The banner's message, if any.
#[hook]
pub fn use_banner() -> Option<Rc<Notice>> {
    (*use_select(Parts::BANNER, |p| p.banner.clone())).clone()
}

/// The recent runs, newest first; re-renders when the list changes.
#[hook]
pub fn use_recent_runs() -> Rc<[RecentRun]> {
    use_select(Parts::RECENT, |p| ByPtr(p.recent.clone())).0.clone()
}

/// What is selected on the map.
#[hook]
pub fn use_selection() -> Selection {
    (*use_select(Parts::SELECTION, |p| p.selection.clone())).clone()
}

/// Whether `what` is selected; re-renders only when that flips, not on every selection. `what` must stay
/// the same over the component's life (a chip keyed by its task's id selects that task).
#[hook]
pub fn use_is_selected(what: Selection) -> bool {
    *use_select(Parts::SELECTION, move |p| p.selection == what)
}

/// The driver's explanation of the selection.
#[hook]
pub fn use_explained() -> Rc<Explained> {
    use_select(Parts::EXPLAINED, |p| ByPtr(p.explained.clone())).0.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published() -> Published {
        let scenario = ecs_sim::scenario::builtin_scenario("fargate-web-service").expect("a built-in scenario");
        let view = Rc::new(ecs_sim::sim::Sim::new(&scenario, None).view());
        let status = RunStatus {
            now_ms: 0,
            latest_ms: 0,
            playing: true,
            speed: 10,
            behind: false,
            generation: 0,
            pending_calls: 0,
            marks: Marks(Rc::from(Vec::new())),
            trace_hash: Rc::from(view.trace_hash.as_str()),
        };
        let scenario = Rc::new(ScenarioInfo { id: None, name: String::new(), description: String::new(), hint: String::new() });
        Published { view, status, log: Rc::new(VecDeque::new()), scenario, banner: None, recent: Rc::from(Vec::new()), selection: Selection::None, explained: Rc::new(Explained::Nothing), replay: None }
    }

    fn snapshot(p: &Published) -> Snapshot {
        Snapshot { status: p.status.clone(), view: p.view.clone(), log: p.log.clone(), explained: p.explained.clone() }
    }

    #[test]
    fn an_action_reports_only_the_parts_it_changed() {
        let mut p = published();
        // The same status: nothing changed, nobody is told.
        assert_eq!(p.reduce(Action::Tick(p.status.clone())), Parts::NONE);
        let mut status = p.status.clone();
        status.now_ms = 16;
        assert_eq!(p.reduce(Action::Tick(status)), Parts::STATUS);
        // A new log with the same view and status: the log only (a call that only reads).
        let mut s = snapshot(&p);
        s.log = Rc::new(VecDeque::new());
        assert_eq!(p.reduce(Action::Publish(s)), Parts::LOG);
        // A new view equal in value is still a new view: views are compared by pointer.
        let mut s = snapshot(&p);
        s.view = Rc::new((*p.view).clone());
        assert_eq!(p.reduce(Action::Publish(s)), Parts::VIEW);
        assert_eq!(p.reduce(Action::ShowBanner(Notice::text("x"))), Parts::BANNER);
        assert_eq!(p.reduce(Action::ShowBanner(Notice::text("x"))), Parts::NONE);
        assert_eq!(p.reduce(Action::DismissBanner), Parts::BANNER);
        let explained = Rc::new(Explained::Service { name: "web".into(), placement: None, troubleshooting: None });
        assert_eq!(p.reduce(Action::Select(Selection::Service("web".into()), explained.clone())), Parts::SELECTION.and(Parts::EXPLAINED));
        assert_eq!(p.reduce(Action::Select(Selection::Service("web".into()), explained)), Parts::NONE);
        // Another run clears the selection: what it named belongs to the run replaced.
        let scenario = p.scenario.clone();
        let changed = p.reduce(Action::Replace { snapshot: snapshot(&p), scenario, banner: None });
        assert_eq!((changed, &p.selection), (Parts::SELECTION, &Selection::None));
    }
}
