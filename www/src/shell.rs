//! The page shell: header, builder, cluster map, explanation, event log and footer.
//!
//! Each region is its own small function component, so the app developer can replace one region
//! at a time without touching the layout (which lives in `styles/app.css`, grid areas named after
//! the regions).

use ecs_sim::trace::TraceHasher;
use yew::prelude::*;

use crate::charts;

/// The seed shown until a scenario is loaded; a scenario file carries its own.
const DEFAULT_SEED: u64 = 7;

/// The builder's sections, in the order a learner builds a cluster.
const BUILDER_SECTIONS: [(&str, &str); 6] = [
    ("Cluster", "EC2 instances in Availability Zones, Fargate, capacity providers."),
    ("Task definitions", "Containers, CPU and memory, ports, roles; as a form or as JSON."),
    ("Services", "Desired count, placement strategies and constraints, deployments."),
    ("Load balancers", "Target groups, listeners, health checks."),
    ("Storage", "EFS file systems, access points and mount targets."),
    ("IAM", "Task roles, execution roles, instance profiles."),
];

/// What the footer shows about the current run.
#[derive(Clone, PartialEq)]
struct RunInfo {
    seed: u64,
    /// The core's trace hash, as 16 hex digits.
    trace_hash: String,
}

impl Default for RunInfo {
    fn default() -> Self {
        // No scenario has run yet: the hash of the empty trace.
        RunInfo { seed: DEFAULT_SEED, trace_hash: TraceHasher::default().hex() }
    }
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let run = use_state(RunInfo::default);

    use_effect_with((), |_| {
        mark_first_render();
    });

    html! {
        <div class="app" data-ready="true">
            <Header />
            <Builder />
            <ClusterMap />
            <Explanation />
            <EventLog />
            <Footer seed={run.seed} trace_hash={run.trace_hash.clone()} />
        </div>
    }
}

/// Records the first-render mark that `tests/browser/bench.mjs` measures.
fn mark_first_render() {
    if let Some(performance) = gloo::utils::window().performance() {
        // A failed mark only loses a benchmark figure; the page itself is unaffected.
        let _ = performance.mark("ecs-playground:first-render");
    }
}

#[function_component(Header)]
fn header() -> Html {
    html! {
        <header class="app-header">
            <h1 class="app-title">
                <span class="app-logo" aria-hidden="true"></span>
                { "ECS Playground" }
            </h1>
            <p class="app-tagline">{ "Amazon ECS, simulated in your browser" }</p>
            <div class="time-controls" role="toolbar" aria-label="Time controls">
                <button type="button" disabled=true title="Load a scenario first">{ "Play" }</button>
                <button type="button" disabled=true title="Load a scenario first">{ "Step" }</button>
                <span class="sim-clock" aria-label="Simulation time">{ "00:00:00" }</span>
            </div>
        </header>
    }
}

#[function_component(Builder)]
fn builder() -> Html {
    html! {
        <aside class="panel builder" aria-labelledby="builder-title">
            <h2 id="builder-title" class="panel-title">{ "Builder" }</h2>
            <ul class="builder-sections">
                { for BUILDER_SECTIONS.iter().map(|(name, hint)| html! {
                    <li class="builder-section" key={*name}>
                        <h3>{ *name }</h3>
                        <p class="hint">{ *hint }</p>
                    </li>
                }) }
            </ul>
        </aside>
    }
}

#[function_component(ClusterMap)]
fn cluster_map() -> Html {
    html! {
        <main class="panel map" aria-labelledby="map-title">
            <h2 id="map-title" class="panel-title">{ "Cluster map" }</h2>
            <div class="map-empty">
                <p class="map-empty-title">{ "No cluster yet" }</p>
                <p class="hint">{ "Create a cluster in the builder, or load a scenario, to watch tasks being placed." }</p>
            </div>
        </main>
    }
}

#[function_component(Explanation)]
fn explanation() -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with((), move |_| {
            if let Some(canvas) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                charts::draw_empty(canvas, "CPU utilization (%)");
            }
        });
    }
    html! {
        <aside class="panel explain" aria-labelledby="explain-title">
            <h2 id="explain-title" class="panel-title">{ "Why?" }</h2>
            <p class="hint">{ "Select a task, an instance or an event to see the reasons behind each decision." }</p>
            <h3 class="subhead">{ "Metrics" }</h3>
            <canvas ref={canvas} class="chart" width="280" height="160" aria-label="CPU utilization chart"></canvas>
        </aside>
    }
}

#[function_component(EventLog)]
fn event_log() -> Html {
    html! {
        <section class="panel log" aria-labelledby="log-title">
            <h2 id="log-title" class="panel-title">{ "Event log" }</h2>
            <p class="hint">{ "API calls, service events and faults will appear here, in simulation time order." }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FooterProps {
    seed: u64,
    trace_hash: String,
}

#[function_component(Footer)]
fn footer(props: &FooterProps) -> Html {
    html! {
        <footer class="app-footer">
            <span>{ "Seed " }<code class="seed">{ props.seed }</code></span>
            <span>{ "Trace " }<code class="trace-hash">{ &props.trace_hash }</code></span>
            <span class="version">{ format!("ecs-sim {}", crate::ECS_SIM_VERSION) }</span>
        </footer>
    }
}
