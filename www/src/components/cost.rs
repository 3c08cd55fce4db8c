//! The cost panel of the Why? panel: cost to date and per hour by capacity type and by Fargate service
//! (`View.cost`), the network's lines beside them (`View.network.cost`), a chart of both over sim time by capacity type (`View.metrics`), and the price list
//! the figures use.

use ecs_sim::catalog::{instance_type, FARGATE_MICRO_USD_PER_GB_HOUR, FARGATE_MICRO_USD_PER_VCPU_HOUR};
use ecs_sim::scaling::{CostLine, CAPACITY_TYPES, SPOT_PERCENT_OF_ON_DEMAND};
use ecs_sim::view::{Ec2State, View};
use yew::prelude::*;

use crate::charts::{ChartPanel, ACTUAL, LIMIT, PLANNED};
use crate::components::form::{hint, subhead};
use crate::driver::{use_playing, use_view};
use crate::render_count::use_render_count;

/// Micro-dollars as dollars: six decimals with the trailing zeros dropped, at least two (`$0.19748`).
pub fn usd(micro_usd: u64) -> String {
    let text = format!("{}.{:06}", micro_usd / 1_000_000, micro_usd % 1_000_000);
    let trimmed = text.trim_end_matches('0');
    let decimals = trimmed.len() - trimmed.find('.').unwrap_or(0) - 1;
    format!("${trimmed}{}", "0".repeat(2usize.saturating_sub(decimals)))
}

/// The chart: cost per hour and cost to date over sim time, in US cents, one line per capacity type
/// that has cost anything (EC2 blue, FARGATE green, FARGATE_SPOT orange; each title names them).
fn cost_panels(view: &View) -> Vec<ChartPanel> {
    let colours = [(PLANNED, "blue"), (ACTUAL, "green"), (LIMIT, "orange")];
    let used: Vec<usize> = (0..3).filter(|i| view.metrics.iter().any(|m| m.cost_to_date_micro_usd[*i] > 0)).collect();
    if used.is_empty() {
        return vec![];
    }
    let names = used.iter().map(|i| format!("{} ({})", CAPACITY_TYPES[*i].as_str(), colours[*i].1)).collect::<Vec<_>>().join(", ");
    let xs: Vec<f64> = view.metrics.iter().map(|m| m.time.as_millis() as f64 / 60_000.0).collect();
    let cents = |micro: u64| micro as f64 / 10_000.0;
    let panel = |title: String, pick: fn(&ecs_sim::sim::MetricSample) -> [u64; 3]| ChartPanel {
        title,
        xs: xs.clone(),
        series: used.iter().map(|i| (view.metrics.iter().map(|m| cents(pick(m)[*i])).collect(), colours[*i].0)).collect(),
    };
    vec![panel(format!("¢ per hour: {names}"), |m| m.cost_per_hour_micro_usd), panel(format!("¢ to date: {names}"), |m| m.cost_to_date_micro_usd)]
}

fn cost_rows(lines: &[CostLine], attribute: &'static str, label: impl Fn(&CostLine) -> String) -> Html {
    html! {
        { for lines.iter().map(|l| html! {
            <tr key={format!("{}/{}", l.cluster, l.name)} data-cost-line={attribute} data-name={l.name.clone()} data-per-hour-micro-usd={l.per_hour_micro_usd.to_string()}>
                <td>{ label(l) }</td><td class="num">{ usd(l.to_date_micro_usd) }</td><td class="num">{ usd(l.per_hour_micro_usd) }</td>
            </tr>
        }) }
    }
}

#[function_component(CostPanel)]
pub fn cost_panel() -> Html {
    use_render_count("CostPanel");
    let view = use_view();
    let playing = use_playing();
    let panels = cost_panels(&view);
    let key = (view.metrics.len(), view.metrics.last().map_or(0, |m| m.time.as_millis()), panels.len());
    let canvas = crate::charts::use_chart_canvas(key, playing, {
        let panels = panels.clone();
        move |canvas| crate::charts::draw_panels(canvas, &panels)
    });
    let cost = &view.cost;
    let mut types: Vec<&str> = view.instances.iter().filter(|i| i.ec2_state == Ec2State::Running).map(|i| i.instance_type.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    let ec2_rates: Vec<String> = types.iter().filter_map(|t| instance_type(t).map(|it| format!("{t} {} an hour", usd(it.price_micro_usd_per_hour)))).collect();
    html! {
        <div class="cost-panel" data-per-hour-micro-usd={cost.per_hour_micro_usd.to_string()}>
            { subhead("Cost") }
            <p class="cost-totals"><strong>{ usd(cost.to_date_micro_usd) }</strong>{ " to date · " }<strong>{ usd(cost.per_hour_micro_usd) }</strong>{ " per hour now" }</p>
            if cost.by_capacity_type.is_empty() {
                { hint("Nothing billed yet: Fargate tasks bill from their image pull, EC2 instances while they run.") }
            } else {
                <table class="access-table cost-table">
                    <thead><tr><th>{ "Capacity type" }</th><th class="num">{ "To date" }</th><th class="num">{ "Per hour" }</th></tr></thead>
                    <tbody>{ cost_rows(&cost.by_capacity_type, "capacity-type", |l| l.name.clone()) }</tbody>
                </table>
            }
            if !cost.by_service.is_empty() {
                <table class="access-table cost-table">
                    <thead><tr><th>{ "Fargate service" }</th><th class="num">{ "To date" }</th><th class="num">{ "Per hour" }</th></tr></thead>
                    <tbody>{ cost_rows(&cost.by_service, "service", |l| format!("{} ({})", l.name, l.cluster)) }</tbody>
                </table>
            }
            { crate::components::network_paths::network_cost_table(&view.network.cost, usd, cost.to_date_micro_usd) }
            if !panels.is_empty() {
                <canvas ref={canvas} class="chart cost-chart" width="296" height="200" aria-label={panels.iter().map(|p| p.title.as_str()).collect::<Vec<_>>().join("; ")}></canvas>
            }
            <p class="hint cost-rates">
                { format!("{} On-Demand rates as of {}: Fargate {} per vCPU-hour and {} per GB-hour; Fargate Spot at {SPOT_PERCENT_OF_ON_DEMAND} % of Fargate (AWS advertises up to 70 % off; the real Spot price varies)",
                    cost.region, cost.rates_as_of, usd(FARGATE_MICRO_USD_PER_VCPU_HOUR), usd(FARGATE_MICRO_USD_PER_GB_HOUR)) }
                { if ec2_rates.is_empty() { String::from("; EC2 by instance type") } else { format!("; EC2 {}", ec2_rates.join(", ")) } }
                { ". Billed per second with a one-minute minimum; an EC2 instance costs the same however many tasks it runs." }
            </p>
        </div>
    }
}
