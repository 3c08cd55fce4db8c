//! The page shell: header (scenario picker, timeline, time controls), builder, cluster map, explanation,
//! event log and footer, plus the keyboard shortcuts and the help overlay. Regions live in `components/`.
//!
//! Each part of the header and the footer is a component of its own reading only what it shows, so the
//! clock ticking re-renders the clock and the timeline, not the page.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::form::{button, hint, use_flag};
use crate::components::{builder::Builder, explain::Explanation, log::EventLog, map::ClusterMap};
use crate::driver::{
    builtin_scenarios, use_commands, use_recent_runs, use_run_status, use_scenario, use_select, use_status_select, use_view_select, Marks, Parts, SimProvider, SPEEDS,
};
use crate::render_count::use_render_count;
use crate::text::{format_clock, format_elapsed};

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    use_render_count("App");
    html! {
        <SimProvider>
            <Page />
        </SimProvider>
    }
}

#[function_component(Page)]
fn page() -> Html {
    use_render_count("Page");
    let help_open = use_flag(false);
    let scenarios_open = use_flag(false);
    let demo = use_flag(false);
    let commands = use_commands();

    use_effect_with((), |_| mark_first_render());

    // Keyboard: space = play/pause, '.' = step, ',' = step back, '?' = help, Escape closes help. Not while typing.
    {
        let help_open = help_open.clone();
        use_effect_with(*help_open, move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::document(), "keydown", options, move |event| {
                let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
                if event.ctrl_key() || event.meta_key() || event.alt_key() || is_typing(event) {
                    return;
                }
                match event.key().as_str() {
                    " " => {
                        event.prevent_default();
                        commands.toggle_playing();
                    }
                    "." => commands.step(),
                    "," => commands.step_back(),
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
    let open_scenarios = {
        let scenarios_open = scenarios_open.clone();
        Callback::from(move |_| scenarios_open.set(true))
    };
    let close_scenarios = {
        let scenarios_open = scenarios_open.clone();
        Callback::from(move |()| scenarios_open.set(false))
    };

    let enter_demo = {
        let demo = demo.clone();
        Callback::from(move |_| demo.set(true))
    };
    let leave_demo = {
        let demo = demo.clone();
        Callback::from(move |()| demo.set(false))
    };
    if *demo {
        // Demo mode: the map alone, full window and larger, with the demo bar.
        return html! {
            <div class="app demo-mode" data-ready="true" data-demo="true">
                <crate::components::replay::ReplayProgressBar />
                <ClusterMap />
                <crate::components::demo::DemoBar on_exit={leave_demo} />
                if *help_open { { help_overlay(close_help) } }
            </div>
        };
    }
    html! {
        <div class="app" data-ready="true">
            <header class="app-header">
                <h1 class="app-title">
                    <span class="app-logo" aria-hidden="true"></span>
                    { "ECS Playground" }
                </h1>
                <ScenarioPicker on_open={open_scenarios} />
                <Timeline />
                <TimeControls on_help={open_help} />
                <button type="button" class="demo-button" onclick={enter_demo} title="Demo mode: the map full window, with the scenario's captions (Escape leaves)">{ "Demo" }</button>
            </header>
            <crate::components::replay::ReplayProgressBar />
            <Builder />
            <ClusterMap />
            <Explanation />
            <EventLog />
            <Footer />
            if *help_open { { help_overlay(close_help) } }
            if *scenarios_open { <ScenariosDialog on_close={close_scenarios} /> }
        </div>
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

#[derive(Properties, PartialEq)]
struct TimeControlsProps {
    /// Opens the shortcuts overlay.
    on_help: Callback<MouseEvent>,
}

/// Play and pause, step back, step, speed, the clock and the "running behind" mark.
#[function_component(TimeControls)]
fn time_controls(props: &TimeControlsProps) -> Html {
    use_render_count("TimeControls");
    let commands = use_commands();
    let (playing, speed, behind) = *use_status_select(|s| (s.playing, s.speed, s.behind));
    let toggle = {
        let commands = commands.clone();
        Callback::from(move |_| commands.toggle_playing())
    };
    let step = {
        let commands = commands.clone();
        Callback::from(move |_| commands.step())
    };
    let step_back = {
        let commands = commands.clone();
        Callback::from(move |_| commands.step_back())
    };
    let on_speed = Callback::from(move |e: Event| {
        if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
            if let Ok(speed) = select.value().parse::<u32>() {
                commands.set_speed(speed);
            }
        }
    });
    html! {
        <div class="time-controls" role="toolbar" aria-label="Time controls">
            <button type="button" class="play" onclick={toggle} title="Play or pause (space)" aria-pressed={playing.to_string()}>
                { if playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button type="button" class="step-back" onclick={step_back} title="Go back one event (,): the run is replayed from its start to there" aria-label="Step back">{ "‹ Back" }</button>
            <button type="button" class="step" onclick={step} title="Process the next event (.)">{ "Step ›" }</button>
            <label class="speed">
                <span class="visually-hidden">{ "Speed" }</span>
                <select onchange={on_speed} aria-label="Speed">
                    { for SPEEDS.iter().map(|s| html! {
                        <option key={*s} value={s.to_string()} selected={*s == speed}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <SimClockText />
            if behind { <span class="behind" role="status">{ "running behind" }</span> }
            <button type="button" class="help-button" onclick={props.on_help.clone()} title="Keyboard shortcuts (?)" aria-label="Help">{ "?" }</button>
        </div>
    }
}

/// The timeline: from the start of the run to the furthest point it reached. Dragging back rewinds the run
/// (replayed from its start, so the same scenario, seed and calls give the same state); dragging forward
/// replays it, the calls made after the rewind point applied again where they were made.
#[function_component(Timeline)]
fn timeline() -> Html {
    use_render_count("Timeline");
    let commands = use_commands();
    let status = use_run_status();
    let dragged_ms = use_state_eq(|| None::<u64>);
    let end_ms = status.latest_ms.max(status.now_ms);
    // `valueAsNumber`: JavaScript reads the number (a Rust float parser would add its tables to the wasm).
    let ms_of = |e: &Event| e.target_dyn_into::<web_sys::HtmlInputElement>().map(|input| input.value_as_number()).filter(|ms| ms.is_finite()).map(|ms| ms.max(0.0) as u64);
    let on_input = {
        let (commands, dragged_ms, playing) = (commands.clone(), dragged_ms.clone(), status.playing);
        Callback::from(move |e: InputEvent| {
            // The run holds still while the learner drags.
            if playing {
                commands.set_playing(false);
            }
            dragged_ms.set(ms_of(&e));
        })
    };
    // The drag ends with `change` (a release, or a key); a drag that ends without one (the pointer let go outside
    // the window, or the focus moved away) is committed on `pointerup` or `blur`, so the run always goes where the
    // handle was left and the caption never keeps a stale "to T+…".
    let commit = {
        let (commands, dragged_ms) = (commands.clone(), dragged_ms.clone());
        Callback::from(move |ms: Option<u64>| {
            if let Some(ms) = ms.or(*dragged_ms) {
                commands.seek(ms);
            }
            dragged_ms.set(None);
        })
    };
    let on_change = {
        let commit = commit.clone();
        Callback::from(move |e: Event| commit.emit(ms_of(&e)))
    };
    let on_release = {
        let (commit, dragging) = (commit.clone(), dragged_ms.is_some());
        Callback::from(move |()| {
            if dragging {
                commit.emit(None);
            }
        })
    };
    let now_ms = status.now_ms;
    html! {
        <div class="timeline">
            // The marks place themselves against the end (`--end-ms`), so they are not re-rendered as it moves.
            <div class="timeline-marks" aria-hidden="true" style={format!("--end-ms: {}", end_ms.max(1))}>
                <TimelineMarks marks={status.marks.clone()} />
            </div>
            // While dragged, the handle stays where the learner holds it (a re-render does not move it back).
            <input type="range" min="0" max={end_ms.to_string()} step="any" value={dragged_ms.unwrap_or(now_ms).to_string()}
                oninput={on_input} onchange={on_change} onpointerup={on_release.reform(|_: PointerEvent| ())}
                onblur={on_release.reform(|_: FocusEvent| ())} aria-label="Timeline" aria-valuetext={format_elapsed(dragged_ms.unwrap_or(now_ms))}
                title="Drag back to rewind the run, forward to replay it" />
            <span class="timeline-caption" role="status">
                { match (*dragged_ms, status.pending_calls) {
                    (Some(ms), _) => format!("to {}", format_elapsed(ms)),
                    (None, 0) if now_ms >= end_ms => "timeline · drag back to rewind".to_string(),
                    (None, 0) => format!("rewound from {}", format_elapsed(end_ms)),
                    (None, 1) => "rewound · 1 later call replays".to_string(),
                    (None, n) => format!("rewound · {n} later calls replay"),
                } }
            </span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct TimelineMarksProps {
    marks: Marks,
}

/// A mark under the timeline's track for each call, where it was made (hollow: still to replay).
#[function_component(TimelineMarks)]
fn timeline_marks(props: &TimelineMarksProps) -> Html {
    use_render_count("TimelineMarks");
    html! {
        { for props.marks.0.iter().map(|mark| {
            let title = format!("{} at {}{}", mark.call, format_elapsed(mark.time_ms), if mark.pending { " (replays)" } else { "" });
            html! { <span key={mark.seq} class={classes!("timeline-mark", mark.pending.then_some("pending"))} style={format!("--at-ms: {}", mark.time_ms)} title={title}></span> }
        }) }
    }
}

/// The sim clock: wall-clock time of the simulated region and time since the start; re-rendered when the
/// text changes (once a sim second), not every frame.
#[function_component(SimClockText)]
fn sim_clock_text() -> Html {
    use_render_count("SimClockText");
    let texts = use_select(Parts::VIEW.and(Parts::STATUS), |p| (format_clock(p.view.start_epoch_ms, p.status.now_ms), format_elapsed(p.status.now_ms)));
    html! {
        <span class="sim-clock" aria-label="Simulation time" title="Wall-clock time of the simulated region (UTC), and time since the scenario started">
            <span class="clock-wall">{ &texts.0 }</span>
            <span class="clock-elapsed">{ &texts.1 }</span>
        </span>
    }
}

#[derive(Properties, PartialEq)]
struct ScenarioPickerProps {
    /// Opens the scenarios dialog (what each teaches, and the recent runs).
    on_open: Callback<MouseEvent>,
}

/// The select of the built-in scenarios (and of an imported one while it runs), each option titled with what
/// it teaches, and the button that opens the scenarios dialog.
#[function_component(ScenarioPicker)]
fn scenario_picker(props: &ScenarioPickerProps) -> Html {
    use_render_count("ScenarioPicker");
    let commands = use_commands();
    let scenario = use_scenario();
    let summaries = use_memo((), |_| builtin_scenarios());
    let on_change = Callback::from(move |e: Event| {
        if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
            let id = select.value();
            if !id.is_empty() {
                commands.load_builtin(&id);
            }
        }
    });
    // The select's value: the run's built-in scenario, or none (an imported run, the blank start).
    let current = scenario.id.clone().filter(|id| summaries.iter().any(|s| s.id.as_ref() == Some(id))).unwrap_or_default();
    // The select shows the run's scenario even after the learner picked in it (an option's `selected`
    // attribute no longer moves a select the learner changed): a recent run or an import replaces the run.
    let select_ref = use_node_ref();
    {
        let select_ref = select_ref.clone();
        use_effect_with(current.clone(), move |current| {
            if let Some(select) = select_ref.cast::<web_sys::HtmlSelectElement>() {
                select.set_value(current);
            }
        });
    }
    html! {
        <div class="scenario-picker">
            <label class="scenario-picker-select">
                <span>{ "Scenario" }</span>
                <select ref={select_ref} onchange={on_change} aria-label="Scenario" title={format!("{}: {}", scenario.name, scenario.description)}>
                    if current.is_empty() { <option value="" selected=true>{ if scenario.id.is_some() { scenario.name.clone() } else { format!("{} (imported)", scenario.name) } }</option> }
                    { for summaries.iter().map(|s| {
                        let id = s.id.clone().unwrap_or_default();
                        html! { <option key={id.clone()} value={id.clone()} selected={id == current} title={s.description.clone()}>{ id.clone() }</option> }
                    }) }
                </select>
            </label>
            <button type="button" class="scenarios-button" onclick={props.on_open.clone()} title="What each scenario teaches, and your recent runs">{ "Scenarios…" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ScenariosDialogProps {
    on_close: Callback<()>,
}

/// The scenarios dialog: the run's scenario (what it teaches and its hint), every built-in scenario with what
/// it teaches, and the recent runs, each of which can be opened again. Picking one closes the dialog.
#[function_component(ScenariosDialog)]
fn scenarios_dialog(props: &ScenariosDialogProps) -> Html {
    use_render_count("ScenariosDialog");
    let commands = use_commands();
    let scenario = use_scenario();
    let recent = use_recent_runs();
    let summaries = use_memo((), |_| builtin_scenarios());
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let current = scenario.id.clone().unwrap_or_default();
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="scenarios-title">
            <div class="overlay-card scenarios-card">
                <h2 id="scenarios-title">{ "Scenarios" }</h2>
                <section class="scenario-now" aria-label="This run's scenario">
                    <h3>{ &scenario.name }</h3>
                    <p class="scenario-description">{ &scenario.description }</p>
                    if !scenario.hint.is_empty() { <p class="hint">{ "Hint: " }{ &scenario.hint }</p> }
                </section>
                <h3>{ "Recent runs" }</h3>
                if recent.is_empty() {
                    { hint("A run you leave for another scenario, a share link or an imported file is kept here (the last five).") }
                } else {
                    <ul class="recent-runs">
                        { for recent.iter().map(|run| {
                            let (commands, on_close, saved_at_ms) = (commands.clone(), props.on_close.clone(), run.saved_at_ms);
                            let open = Callback::from(move |_| {
                                on_close.emit(());
                                commands.open_recent(saved_at_ms);
                            });
                            html! {
                                <li key={run.saved_at_ms}>
                                    <span class="recent-name">{ &run.name }</span>
                                    <span class="recent-time">{ format_elapsed(run.sim_time_ms) }</span>
                                    <span class="recent-saved">{ saved_at_text(run.saved_at_ms) }</span>
                                    <button type="button" onclick={open}>{ "Open" }</button>
                                </li>
                            }
                        }) }
                    </ul>
                }
                <h3>{ "Start from nothing" }</h3>
                <ul class="blank-start">
                    {{
                        let blank = crate::driver::blank_start();
                        let (commands, on_close, id) = (commands.clone(), props.on_close.clone(), blank.id.clone().unwrap_or_default());
                        let start = Callback::from(move |_| {
                            on_close.emit(());
                            commands.load_builtin(&id);
                        });
                        html! {
                            <li key="blank">
                                <div class="scenario-entry">
                                    <strong>{ &blank.name }</strong>
                                    <p class="scenario-description">{ &blank.description }</p>
                                </div>
                                <button type="button" onclick={start} aria-label={format!("Start {}", blank.name)}>{ "Start" }</button>
                            </li>
                        }
                    }}
                </ul>
                <h3>{ "Built-in scenarios" }</h3>
                <ul class="scenario-list">
                    { for summaries.iter().map(|s| {
                        let id = s.id.clone().unwrap_or_default();
                        let (commands, on_close, start_id) = (commands.clone(), props.on_close.clone(), id.clone());
                        let start = Callback::from(move |_| {
                            on_close.emit(());
                            commands.load_builtin(&start_id);
                        });
                        html! {
                            <li key={id.clone()} class={classes!((id == current).then_some("current"))}>
                                <div class="scenario-entry">
                                    <strong>{ &s.name }</strong>
                                    <p class="scenario-description">{ &s.description }</p>
                                </div>
                                <button type="button" onclick={start} aria-label={format!("Start {}", s.name)}>{ "Start" }</button>
                            </li>
                        }
                    }) }
                </ul>
                { button("Close", close) }
            </div>
        </div>
    }
}

/// When a recent run was saved, as local date and time ("7 Dec, 16:41").
fn saved_at_text(saved_at_ms: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(saved_at_ms as f64));
    format!("saved {}", String::from(date.to_locale_string("en-GB", &js_sys::Object::new())))
}

/// The footer: hint, seed, trace hash and the core's version.
#[function_component(Footer)]
fn footer() -> Html {
    use_render_count("Footer");
    let scenario = use_scenario();
    let seed = use_view_select(|v| v.seed);
    let trace_hash = use_status_select(|s| s.trace_hash.clone());
    html! {
        <footer class="app-footer">
            <span class="footer-hint" title={scenario.hint.clone()}>{ "Hint: " }{ &scenario.hint }</span>
            <span>{ "Seed " }<code class="seed">{ *seed }</code></span>
            <span>{ "Trace " }<code class="trace-hash" title="Hash of every event so far: the same seed and calls give the same hash">{ &**trace_hash }</code></span>
            <span class="version">{ format!("ecs-sim {}", crate::driver::ECS_SIM_VERSION) }</span>
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
                    <dt><kbd>{ "Esc" }</kbd></dt><dd>{ "Close this help; in demo mode, leave demo mode" }</dd>
                    <dt><kbd>{ "→" }</kbd>{ " " }<kbd>{ "PageDown" }</kbd></dt><dd>{ "In demo mode: jump to the next caption" }</dd>
                    <dt><kbd>{ "←" }</kbd>{ " " }<kbd>{ "PageUp" }</kbd></dt><dd>{ "In demo mode: jump to the previous caption" }</dd>
                </dl>
                { hint("Click a task chip, an instance or a service on the map to see why it is where it is. Drag the timeline back to rewind: the run is replayed from its start with the same seed and calls, so it is the same run; a new call from there takes it another way.") }
                { button("Close", on_close) }
            </div>
        </div>
    }
}
