//! The builder's Insights tab: the Container Insights automatic dashboard as the CloudWatch console draws it.
//! Pick a cluster; its view shows CPU and memory (utilized against reserved) and task counts over the last hour,
//! the newest numbers, and its services; selecting a service drills to its tasks, a task to its containers,
//! and the breadcrumb leads back. The core computes every number (`Sim::insights_dashboard`, through
//! `Commands`); this component only draws. With the cluster's setting `disabled` it says so and offers the
//! UpdateClusterSettings call that enables it.

use ecs_sim::sim::insights_dashboard::{InsightsChart, InsightsDashboard, InsightsScope};
use yew::prelude::*;

use crate::charts::{draw_insights_chart, insights_line_colour, use_chart_canvas};
use crate::components::form::{call_button, hint, select, subhead, use_outcome, use_text};
use crate::driver::{use_commands, use_generation, use_playing, use_view_select};
use crate::forms::current;
use crate::render_count::use_render_count;

/// The clusters (name, setting) and the sim minute now: the dashboard is computed again when either changes.
fn options(view: &ecs_sim::view::View) -> (Vec<(String, &'static str)>, u64) {
    (view.clusters.iter().filter(|c| c.status == ecs_sim::view::ClusterStatus::Active).map(|c| (c.name.clone(), c.container_insights)).collect(), view.now.0 / 60_000)
}

/// The UpdateClusterSettings input that turns Container Insights on for `cluster`.
fn enable_input(cluster: &str) -> serde_json::Value {
    serde_json::json!({ "cluster": cluster, "settings": [{ "name": "containerInsights", "value": "enabled" }] })
}

#[function_component(InsightsPanel)]
pub fn insights_panel() -> Html {
    use_render_count("InsightsPanel");
    let commands = use_commands();
    let options = use_view_select(options);
    let generation = use_generation();
    let picked = use_text("");
    let scope = use_state(|| InsightsScope::Cluster);
    let result = use_outcome();
    let names: Vec<(String, String)> = options.0.iter().map(|(n, _)| (n.clone(), n.clone())).collect();
    let cluster = current(&picked, &names);
    let setting = options.0.iter().find(|(n, _)| *n == cluster).map_or("disabled", |(_, s)| *s);
    let dashboard = {
        let commands = commands.clone();
        use_memo((cluster.clone(), (*scope).clone(), options.1, setting, generation), move |(cluster, scope, ..)| commands.insights_dashboard(cluster, scope))
    };
    // Another cluster starts at its cluster view.
    {
        let scope = scope.clone();
        use_effect_with(cluster.clone(), move |_| scope.set(InsightsScope::Cluster));
    }
    if options.0.is_empty() {
        return html! { <div class="insights-tab">{ hint("No cluster yet: create one (Cluster tab) to see its Container Insights dashboard.") }</div> };
    }
    let enable = {
        let (commands, result, cluster) = (commands.clone(), result.clone(), cluster.clone());
        Callback::from(move |_| {
            let answer = commands.dispatch("ecs:UpdateClusterSettings", enable_input(&cluster));
            result.set(Some(answer.map(|_| format!("Container Insights is enabled on {cluster}: the first datapoints arrive within a minute."))));
        })
    };
    let go = |to: InsightsScope| {
        let scope = scope.clone();
        Callback::from(move |_: MouseEvent| scope.set(to.clone()))
    };
    html! {
        <div class="insights-tab">
            { select("Cluster", "insights-cluster", &picked, &names) }
            if setting == "disabled" {
                <div class="insights-disabled" role="status">
                    <p>{ format!("Container Insights is disabled on cluster {cluster}: ECS writes no performance log events and publishes no ECS/ContainerInsights metrics for it, so there is nothing to chart.") }</p>
                    <p>{ "Turn it on with this call (Container Insights metrics are billed as custom metrics, the performance log as log ingestion):" }</p>
                    <pre class="insights-call"><code>{ format!("ecs:UpdateClusterSettings {}", enable_input(&cluster)) }</code></pre>
                    { call_button("Enable Container Insights", true, enable, &result) }
                </div>
            } else if let Some(d) = dashboard.as_ref() {
                { dashboard_body(d, &go) }
            }
        </div>
    }
}

fn dashboard_body(d: &InsightsDashboard, go: &dyn Fn(InsightsScope) -> Callback<MouseEvent>) -> Html {
    let n = d.breadcrumb.len();
    html! {
        <>
            <nav class="insights-breadcrumb" aria-label="Container Insights level">
                { for d.breadcrumb.iter().enumerate().map(|(i, (label, to))| html! {
                    <span key={label.clone()}>
                        if i + 1 < n {
                            <button type="button" class="link" onclick={go(to.clone())}>{ label.clone() }</button>{ " › " }
                        } else {
                            <strong aria-current="page">{ label.clone() }</strong>
                        }
                    </span>
                }) }
            </nav>
            <p class="muted">{ format!("{} view · containerInsights {} · the last hour, one datapoint a minute", d.scope.level(), d.setting) }</p>
            if d.latest.is_empty() {
                { hint("No datapoint yet: Container Insights reports each minute, and only for tasks in RUNNING.") }
            }
            <dl class="kv insights-latest">
                { for d.latest.iter().map(|(k, v)| html! { <div key={k.clone()} data-insights-number={k.clone()}><dt>{ k.clone() }</dt><dd>{ v.clone() }</dd></div> }) }
            </dl>
            <div class="insights-charts">
                { for d.charts.iter().map(|c| html! { <InsightsChartCanvas key={c.title.clone()} minutes={d.minutes.clone()} chart={c.clone()} /> }) }
            </div>
            <p class="muted insights-network">{ "No network chart: the playground does not model network traffic, so NetworkRxBytes and NetworkTxBytes have no values to show (AWS reports them for awsvpc and bridge tasks)." }</p>
            if !d.rows_title.is_empty() {
                { subhead(&format!("{} of {} (by CPU utilized)", d.rows_title, d.breadcrumb.last().map(|b| b.0.clone()).unwrap_or_default())) }
                if d.rows.is_empty() {
                    { hint("None reporting in the last minutes.") }
                } else {
                    <table class="insights-rows">
                        <thead><tr><th>{ "Name" }</th><th>{ "CPU (CPU units)" }</th><th>{ "Memory (MiB)" }</th><th>{ "Status" }</th></tr></thead>
                        <tbody>
                            { for d.rows.iter().map(|r| html! {
                                <tr key={r.name.clone()} data-insights-row={r.name.clone()}>
                                    <td><button type="button" class="link" onclick={go(r.scope.clone())}>{ r.name.clone() }</button></td>
                                    <td>{ format!("{:.1} of {:.0}", r.cpu_utilized, r.cpu_reserved) }</td>
                                    <td>{ format!("{:.0} of {:.0}", r.memory_utilized_mib, r.memory_reserved_mib) }</td>
                                    <td>{ r.status.clone() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    if d.n_rows_left_out > 0 { <p class="muted">{ format!("{} more not listed.", d.n_rows_left_out) }</p> }
                }
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ChartProps {
    minutes: Vec<f64>,
    chart: InsightsChart,
}

/// One chart on its own canvas, redrawn when its data changes.
#[function_component(InsightsChartCanvas)]
fn insights_chart_canvas(props: &ChartProps) -> Html {
    let playing = use_playing();
    let (minutes, chart) = (props.minutes.clone(), props.chart.clone());
    let canvas = use_chart_canvas((props.minutes.clone(), props.chart.clone()), playing, move |canvas| draw_insights_chart(canvas, &minutes, &chart));
    let latest: Vec<String> = props.chart.lines.iter().map(|l| format!("{} {}", l.label, l.values.iter().rev().flatten().next().map_or("none".to_string(), |v| format!("{v:.1}")))).collect();
    html! {
        <figure class="insights-chart" data-insights-chart={props.chart.title.clone()} data-points={props.minutes.len().to_string()}
            data-max={props.chart.lines.first().and_then(|l| l.values.iter().flatten().copied().reduce(f64::max)).map(|v| format!("{v:.1}")).unwrap_or_default()}>
            <canvas ref={canvas} class="chart" width="280" height="190" role="img" aria-label={format!("{} ({}): {}", props.chart.title, props.chart.y_unit, latest.join(", "))} />
            <figcaption class="insights-legend">
                { for props.chart.lines.iter().enumerate().map(|(i, l)| html! {
                    <span key={l.label}><span class="insights-swatch" style={format!("background:{}", insights_line_colour(i))}></span>{ format!("{} ({})", l.label, props.chart.y_unit) }</span>
                }) }
            </figcaption>
        </figure>
    }
}
