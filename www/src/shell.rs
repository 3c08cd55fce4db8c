//! The page shell: header with time controls, builder, cluster map, explanation, event log and
//! footer, plus the keyboard shortcuts and the help overlay. Regions live in `components/`.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::form::{button, hint, use_flag};
use crate::components::{builder::Builder, explain::Explanation, log::EventLog, map::ClusterMap};
use crate::driver::{use_clock, use_sim, SimHandle, SimProvider, SPEEDS};

/// What the learner selected on the map: the explanation panel shows it.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Selection {
    #[default]
    None,
    Task(String),
    Instance(String),
    Service(String),
    LoadBalancer(String),
}

/// The selection, shared by the map, the builder and the explanation panel.
pub type SelectionHandle = UseStateHandle<Selection>;

/// A click that selects `what` (a click outside the selection's context does nothing).
pub fn select_on_click(selection: Option<&SelectionHandle>, what: Selection) -> Callback<MouseEvent> {
    let selection = selection.cloned();
    Callback::from(move |_| {
        if let Some(s) = &selection {
            s.set(what.clone());
        }
    })
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <SimProvider>
            <Page />
        </SimProvider>
    }
}

#[function_component(Page)]
fn page() -> Html {
    let selection = use_state(Selection::default);
    let help_open = use_flag(false);
    let sim = use_sim();

    use_effect_with((), |_| mark_first_render());

    // Keyboard: space = play/pause, '.' = step, ',' = step back, '?' = help, Escape closes help. Not while typing.
    {
        let sim = sim.clone();
        let help_open = help_open.clone();
        use_effect_with((sim.state.playing, *help_open), move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::document(), "keydown", options, move |event| {
                let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
                if event.ctrl_key() || event.meta_key() || event.alt_key() || is_typing(event) {
                    return;
                }
                match event.key().as_str() {
                    " " => {
                        event.prevent_default();
                        sim.set_playing(!sim.state.playing);
                    }
                    "." => sim.step(),
                    "," => sim.step_back(),
                    "?" => help_open.set(!*help_open),
                    "Escape" => help_open.set(false),
                    _ => {}
                }
            });
            move || drop(listener)
        });
    }

    let close_help = {
        let help_open = help_open.clone();
        Callback::from(move |_| help_open.set(false))
    };
    let open_help = {
        let help_open = help_open.clone();
        Callback::from(move |_| help_open.set(true))
    };

    html! {
        <ContextProvider<SelectionHandle> context={selection}>
            <div class="app" data-ready="true">
                { header(&sim, open_help) }
                <Builder />
                <ClusterMap />
                <Explanation />
                <EventLog />
                { footer(&sim) }
                if *help_open { { help_overlay(close_help) } }
            </div>
        </ContextProvider<SelectionHandle>>
    }
}

/// Whether a key event comes from a text field (shortcuts stay out of the way there).
fn is_typing(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| match el.tag_name().as_str() {
            // The timeline and check boxes take no text: the shortcuts still work there.
            "INPUT" => !matches!(el.get_attribute("type").as_deref(), Some("range" | "checkbox" | "radio")),
            "TEXTAREA" | "SELECT" => true,
            _ => el.has_attribute("contenteditable"),
        })
        .unwrap_or(false)
}

/// Records the first-render mark that `tests/browser/bench.mjs` measures.
fn mark_first_render() {
    if let Some(performance) = gloo::utils::window().performance() {
        // A failed mark only loses a benchmark figure; the page itself is unaffected.
        let _ = performance.mark("ecs-playground:first-render");
    }
}

/// The wall-clock time of sim time `now_ms` (UTC), `HH:MM:SS`, and the elapsed `+1h02m03s` form.
pub fn format_clock(start_epoch_ms: u64, now_ms: u64) -> String {
    let secs_of_day = ((start_epoch_ms + now_ms) / 1000) % 86_400;
    format!("{:02}:{:02}:{:02}", secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60)
}

/// Elapsed sim time as `T+MM:SS` (or `T+H:MM:SS`).
pub fn format_elapsed(now_ms: u64) -> String {
    let secs = now_ms / 1000;
    if secs >= 3600 {
        format!("T+{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("T+{:02}:{:02}", secs / 60, secs % 60)
    }
}

/// The header: title, scenario picker and time controls; `on_help` opens the shortcuts overlay.
fn header(sim: &SimHandle, on_help: Callback<MouseEvent>) -> Html {
    let state = &sim.state;
    let toggle = {
        let sim = sim.clone();
        Callback::from(move |_| sim.set_playing(!sim.state.playing))
    };
    let step = {
        let sim = sim.clone();
        Callback::from(move |_| sim.step())
    };
    let step_back = {
        let sim = sim.clone();
        Callback::from(move |_| sim.step_back())
    };
    let on_speed = {
        let sim = sim.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Ok(speed) = select.value().parse::<u32>() {
                    sim.set_speed(speed);
                }
            }
        })
    };
    html! {
        <header class="app-header">
            <h1 class="app-title">
                <span class="app-logo" aria-hidden="true"></span>
                { "ECS Playground" }
            </h1>
            { scenario_picker(sim) }
            <Timeline />
            <div class="time-controls" role="toolbar" aria-label="Time controls">
                <button type="button" class="play" onclick={toggle} title="Play or pause (space)" aria-pressed={state.playing.to_string()}>
                    { if state.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button type="button" class="step-back" onclick={step_back} title="Go back one event (,): the run is replayed from its start to there" aria-label="Step back">{ "‹ Back" }</button>
                <button type="button" class="step" onclick={step} title="Process the next event (.)">{ "Step ›" }</button>
                <label class="speed">
                    <span class="visually-hidden">{ "Speed" }</span>
                    <select onchange={on_speed} aria-label="Speed">
                        { for SPEEDS.iter().map(|s| html! {
                            <option key={*s} value={s.to_string()} selected={*s == state.speed}>{ format!("{s}×") }</option>
                        }) }
                    </select>
                </label>
                <SimClockText />
                if state.behind { <span class="behind" role="status">{ "running behind" }</span> }
                <button type="button" class="help-button" onclick={on_help} title="Keyboard shortcuts (?)" aria-label="Help">{ "?" }</button>
            </div>
        </header>
    }
}

/// The timeline: from the start of the run to the furthest point it reached. Dragging back rewinds the run
/// (replayed from its start, so the same scenario, seed and calls give the same state); dragging forward
/// replays it, the calls made after the rewind point applied again where they were made.
#[function_component(Timeline)]
fn timeline() -> Html {
    let sim = use_sim();
    let clock = use_clock();
    let dragged_ms = use_state_eq(|| None::<u64>);
    let end_ms = sim.state.latest_ms.max(clock.now_ms);
    // `valueAsNumber`: JavaScript reads the number (a Rust float parser would add its tables to the wasm).
    let ms_of = |e: &Event| e.target_dyn_into::<web_sys::HtmlInputElement>().map(|input| input.value_as_number()).filter(|ms| ms.is_finite()).map(|ms| ms.max(0.0) as u64);
    let on_input = {
        let (sim, dragged_ms) = (sim.clone(), dragged_ms.clone());
        Callback::from(move |e: InputEvent| {
            // The run holds still while the learner drags.
            if sim.state.playing {
                sim.set_playing(false);
            }
            dragged_ms.set(ms_of(&e));
        })
    };
    let on_change = {
        let (sim, dragged_ms) = (sim.clone(), dragged_ms.clone());
        Callback::from(move |e: Event| {
            if let Some(ms) = ms_of(&e) {
                sim.seek(ms);
            }
            dragged_ms.set(None);
        })
    };
    let pending = sim.state.pending_calls;
    // A mark under the track for each call, where it was made (hollow: still to replay).
    let marks = sim.timeline_calls().into_iter().enumerate().map(|(i, (time_ms, call, pending))| {
        let left_percent = if end_ms == 0 { 0.0 } else { time_ms as f64 * 100.0 / end_ms as f64 };
        let title = format!("{call} at {}{}", format_elapsed(time_ms), if pending { " (replays)" } else { "" });
        html! { <span key={i} class={classes!("timeline-mark", pending.then_some("pending"))} style={format!("left: {left_percent:.2}%")} title={title}></span> }
    });
    html! {
        <div class="timeline">
            <div class="timeline-marks" aria-hidden="true">{ for marks }</div>
            <input type="range" min="0" max={end_ms.to_string()} step="any" value={clock.now_ms.to_string()}
                oninput={on_input} onchange={on_change} aria-label="Timeline" aria-valuetext={format_elapsed(clock.now_ms)}
                title="Drag back to rewind the run, forward to replay it" />
            <span class="timeline-caption" role="status">
                { match (*dragged_ms, pending) {
                    (Some(ms), _) => format!("to {}", format_elapsed(ms)),
                    (None, 0) if clock.now_ms >= end_ms => "timeline · drag back to rewind".to_string(),
                    (None, 0) => format!("rewound from {}", format_elapsed(end_ms)),
                    (None, 1) => "rewound · 1 later call replays".to_string(),
                    (None, n) => format!("rewound · {n} later calls replay"),
                } }
            </span>
        </div>
    }
}

#[function_component(SimClockText)]
fn sim_clock_text() -> Html {
    let sim = use_sim();
    let clock = use_clock();
    let start = sim.state.view.start_epoch_ms;
    html! {
        <span class="sim-clock" aria-label="Simulation time" title="Wall-clock time of the simulated region (UTC), and time since the scenario started">
            <span class="clock-wall" data-sim-time-ms={clock.now_ms.to_string()}>{ format_clock(start, clock.now_ms) }</span>
            <span class="clock-elapsed">{ format_elapsed(clock.now_ms) }</span>
        </span>
    }
}

/// The select of the built-in scenarios (and of an imported one while it runs).
fn scenario_picker(sim: &SimHandle) -> Html {
    let on_change = {
        let sim = sim.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let id = select.value();
                if !id.is_empty() {
                    sim.load_builtin(&id);
                }
            }
        })
    };
    let current = sim.state.scenario_id.clone().unwrap_or_default();
    html! {
        <label class="scenario-picker">
            <span>{ "Scenario" }</span>
            <select onchange={on_change} aria-label="Scenario" title={sim.state.scenario_name.clone()}>
                if current.is_empty() { <option value="" selected=true>{ format!("{} (imported)", sim.state.scenario_name) }</option> }
                { for ecs_sim::scenario::BUILTIN_SCENARIOS.iter().map(|(id, _)| html! {
                    <option key={*id} value={*id} selected={*id == current}>{ *id }</option>
                }) }
            </select>
        </label>
    }
}

/// The footer: hint, seed, trace hash and the core's version.
fn footer(sim: &SimHandle) -> Html {
    let view = &sim.state.view;
    html! {
        <footer class="app-footer">
            <span class="footer-hint" title={sim.state.hint.clone()}>{ "Hint: " }{ &sim.state.hint }</span>
            <span>{ "Seed " }<code class="seed">{ view.seed }</code></span>
            <span>{ "Trace " }<code class="trace-hash" title="Hash of every event so far: the same seed and calls give the same hash">{ &view.trace_hash }</code></span>
            <span class="version">{ format!("ecs-sim {}", crate::ECS_SIM_VERSION) }</span>
        </footer>
    }
}

/// The keyboard shortcuts overlay; `on_close` closes it.
fn help_overlay(on_close: Callback<MouseEvent>) -> Html {
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
            <div class="overlay-card">
                <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                <dl class="shortcuts">
                    <dt><kbd>{ "Space" }</kbd></dt><dd>{ "Play or pause the simulation" }</dd>
                    <dt><kbd>{ "." }</kbd></dt><dd>{ "Step: pause and process the next event" }</dd>
                    <dt><kbd>{ "," }</kbd></dt><dd>{ "Step back: pause and go back one event" }</dd>
                    <dt><kbd>{ "?" }</kbd></dt><dd>{ "Show or hide this help" }</dd>
                    <dt><kbd>{ "Esc" }</kbd></dt><dd>{ "Close this help" }</dd>
                </dl>
                { hint("Click a task chip, an instance or a service on the map to see why it is where it is. Drag the timeline back to rewind: the run is replayed from its start with the same seed and calls, so it is the same run; a new call from there takes it another way.") }
                { button("Close", on_close) }
            </div>
        </div>
    }
}

/// The banner for restore problems and shared runs.
#[function_component(Banner)]
pub fn banner() -> Html {
    let sim = use_sim();
    let Some(message) = sim.state.banner.clone() else { return html! {} };
    let dismiss = Callback::from(move |_| sim.dismiss_banner());
    html! {
        <div class="banner" role="alert">
            <span>{ message }</span>
            <button type="button" onclick={dismiss} aria-label="Dismiss">{ "Dismiss" }</button>
        </div>
    }
}
