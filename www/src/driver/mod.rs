//! The driver: the only code that owns the `Sim`. It applies the user's calls, runs the clock from a
//! `requestAnimationFrame` loop, keeps the bounded event log, the timeline's marks and the explanation of the
//! selection, and publishes them through the store (`store.rs`), so components never touch the engine.
//! Components act through [`Commands`] (`use_commands()`), a handle whose identity never changes.
//!
//! The files depend on each other in one direction: `mod.rs` (the provider, the live run for the JavaScript
//! API) on `commands.rs`, which changes `run.rs` (the `Driver`) and publishes to `store.rs`; `persist.rs`
//! and `store.rs` depend on none of them.

mod catalog;
mod commands;
mod persist;
mod replay;
#[cfg(test)]
mod persist_fuzz;
mod run;
mod store;

use std::cell::RefCell;
use std::rc::Rc;

use ecs_sim::sim::Sim;
use ecs_sim::time::SimTime;
use serde_json::Value;
use yew::prelude::*;

pub use catalog::{builtin_scenario, install as install_builtin_scenarios};
pub use commands::Commands;
pub use run::{LARGE_VIEW_TASKS, LOG_CAPACITY};
pub use persist::RunRecord;
pub use replay::{ReplayProgress, ReplaySource};
pub use store::{
    use_banner, use_explained, use_generation, use_is_selected, use_log, use_playing, use_recent_runs, use_run_status, use_scenario, use_selection,
    use_replay_progress, use_status_select, use_view, use_view_if, use_view_select, Download, Explained, LogRow, Marks, Notice, RecentRun, RunStatus, ScenarioInfo, Selection,
    TimelineMark,
};
pub(crate) use store::{use_select, Parts, Published};
use run::Driver;
use store::{Store, StoreRef};

/// The version of the `ecs-sim` core this app is built against.
///
/// `ecs-sim` and this package share the workspace version (`version.workspace = true`).
pub const ECS_SIM_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The selectable speeds (sim seconds per wall second).
pub const SPEEDS: [u32; 4] = [1, 10, 60, 600];

thread_local! {
    /// The live run, for `window.ecsPlayground.state()` and `loadScenario()`.
    static LIVE: RefCell<Option<Commands>> = const { RefCell::new(None) };
}

/// The built-in scenarios: id, name, what each teaches and its hint, in the picker's order.
pub fn builtin_scenarios() -> Vec<ScenarioInfo> {
    catalog::builtin_ids()
        .into_iter()
        .filter_map(|id| catalog::builtin_scenario(id).map(|s| ScenarioInfo { id: Some(id.to_string()), name: s.name, description: s.description, hint: s.hint }))
        .collect()
}

/// The blank start (id, name, what it is), offered by the scenarios dialog.
pub fn blank_start() -> ScenarioInfo {
    let blank = ecs_sim::scenario::blank_scenario();
    ScenarioInfo { id: Some(catalog::BLANK_ID.to_string()), name: blank.name, description: blank.description, hint: blank.hint }
}

/// Starts the live run from the scenario document `text` (what importing a file does).
pub fn load_live_scenario(text: &str) -> Result<(), String> {
    let commands = LIVE.with(|live| live.borrow().clone()).ok_or("the app has not started")?;
    commands.load_scenario_text(text)
}

/// `{simTimeMs, traceHash, seed, nEvents, playing, latestMs, pendingCalls}` of the live run, if any.
pub fn live_state() -> Option<Value> {
    LIVE.with(|live| live.borrow().as_ref().map(Commands::state_json))
}

/// Runs built-in scenario `id` (or the scenario document `id` holds, when it is a JSON object) headless with
/// `seed` until `until_ms` and returns its trace hash.
pub fn headless_trace_hash(id: &str, seed: Option<u64>, until_ms: u64) -> Result<String, String> {
    let scenario = if id.trim_start().starts_with('{') {
        run::parse_scenario_text(id)?
    } else {
        catalog::builtin_scenario(id).ok_or_else(|| format!("no built-in scenario '{id}'"))?
    };
    let mut sim = Sim::new(&scenario, seed);
    loop {
        if sim.advance_to(SimTime(until_ms), 1_000_000).reached {
            return Ok(sim.trace_hash());
        }
    }
}

/// The first published state of `driver`.
fn first_published(driver: &mut Driver, banner: Option<Notice>) -> Published {
    Published {
        view: driver.view.clone(),
        status: driver.status(),
        log: driver.log.clone(),
        scenario: driver.scenario_info.clone(),
        banner: banner.map(Rc::new),
        recent: run::recent_runs(&persist::load_recent()),
        selection: driver.selection.clone(),
        explained: driver.explain(),
        replay: None,
    }
}

#[derive(Properties, PartialEq)]
pub struct SimProviderProps {
    pub children: Html,
}

/// Owns the run and provides [`Commands`] (`use_commands()`), through which every hook of the store reads.
/// It renders once: what it publishes reaches the components through their subscriptions.
#[function_component(SimProvider)]
pub fn sim_provider(props: &SimProviderProps) -> Html {
    crate::render_count::use_render_count("SimProvider");
    let commands = use_memo((), |_| {
        let (mut driver, banner, replay) = run::initial_driver();
        let published = first_published(&mut driver, banner);
        (Commands::new(driver, Store::new(published)), std::cell::Cell::new(replay))
    });
    let memo = commands.clone();
    let commands = &memo.0;
    {
        let (commands, memo) = (commands.clone(), memo.clone());
        use_effect_with((), move |_| {
            LIVE.with(|live| *live.borrow_mut() = Some(commands.clone()));
            // A long shared run opens in slices once the page is up.
            if let Some(replay) = memo.1.take() {
                commands.start_replay(replay);
            }
            commands.run_frames();
            move || {
                commands.stop_frames();
                LIVE.with(|live| *live.borrow_mut() = None);
            }
        });
    }
    html! {
        <ContextProvider<Commands> context={(*commands).clone()}>
            <ContextProvider<StoreRef> context={StoreRef(commands.store())}>
                { props.children.clone() }
            </ContextProvider<StoreRef>>
        </ContextProvider<Commands>>
    }
}

/// The live run's commands: dispatch a call, play, pause, step, seek, load a scenario, select.
#[hook]
pub fn use_commands() -> Commands {
    use_context::<Commands>().expect("use_commands() needs the SimProvider")
}
