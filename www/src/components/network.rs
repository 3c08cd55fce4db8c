//! The Network tab: the VPC's routing (route tables with their routes and subnets, internet and NAT
//! gateways, VPC endpoints), the paths inside the VPC explained hop by hop, and the troubleshooter of failed tasks, which runs the checks of AWS's
//! AWSSupport-TroubleshootECSTaskFailedToStart runbook against the simulation and offers its fix as the AWS
//! call that makes it. Everything shown is read from `View.network`; a fix goes through `Commands::dispatch`.

use ecs_sim::sim::network_view::NetworkView;
use ecs_sim::sim::troubleshoot::{Check, FixCall, TaskTroubleshooting, Verdict};
use ecs_sim::sim::usd_text;
use yew::prelude::*;

use crate::components::form::{hint, outcome, subhead, use_outcome};
use crate::components::network_paths::{gb_text, paths_section, privatelink_card};
use crate::driver::{use_commands, use_view_select};
use crate::render_count::use_render_count;

fn network_of(view: &ecs_sim::view::View) -> NetworkView {
    view.network.clone()
}

#[function_component(NetworkPanel)]
pub fn network_panel() -> Html {
    use_render_count("NetworkPanel");
    let network = use_view_select(network_of);
    html! {
        <div class="network-panel">
            { subhead("Troubleshoot failed tasks") }
            if network.troubleshooting.is_empty() {
                { hint("No task has failed. When one does, its report appears here: each check of the AWSSupport-TroubleshootECSTaskFailedToStart runbook with its evidence, the root cause, and the fix as an AWS call.") }
            }
            { for network.troubleshooting.iter().map(|report| html! { <TroubleshootReport key={report.task_id.clone()} report={report.clone()} /> }) }
            if network.n_troubleshooting_left_out > 0 {
                { hint(&format!("{} older failed tasks are left out.", network.n_troubleshooting_left_out)) }
            }
            { subhead("Routing") }
            if !network.routing_modelled {
                { hint("This scenario's network names no route tables, gateways or endpoints, so every path a task needs is assumed to exist. VPCs made with ec2:CreateVpc have their routing modelled.") }
            }
            if !network.route_tables.is_empty() {
                <table class="network-table">
                    <thead><tr><th>{ "Route table" }</th><th>{ "Subnets" }</th><th>{ "Routes" }</th></tr></thead>
                    <tbody>
                        { for network.route_tables.iter().map(|t| html! {
                            <tr key={t.route_table_id.clone()}>
                                <td>{ &t.route_table_id }{ if t.main { " (main)" } else { "" } }</td>
                                <td>{ if t.subnet_ids.is_empty() { "—".to_string() } else { t.subnet_ids.join(", ") } }</td>
                                <td>{ for t.routes.iter().enumerate().map(|(i, r)| html! { <div key={i}>{ r }</div> }) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            if !network.public_subnets.is_empty() {
                <p class="hint">{ format!("Public subnets (MapPublicIpOnLaunch): {}", network.public_subnets.join(", ")) }</p>
            }
            if !network.gateways.is_empty() {
                <ul class="network-list">
                    { for network.gateways.iter().map(|g| html! { <li key={g.id.clone()}><strong>{ &g.id }</strong>{ format!(": {}", g.detail) }</li> }) }
                </ul>
            }
            if !network.endpoints.is_empty() {
                <ul class="network-list">
                    { for network.endpoints.iter().map(|e| html! {
                        <li key={e.vpc_endpoint_id.clone()}><strong>{ &e.vpc_endpoint_id }</strong>{ format!(": {} endpoint for {} in {}", e.endpoint_type, e.service_name, e.placed_in.join(", ")) }</li>
                    }) }
                </ul>
            }
            if !network.privatelink.is_empty() {
                { subhead("PrivateLink") }
                { for network.privatelink.iter().map(|l| html! { <div key={l.vpc_endpoint_id.clone()}>{ privatelink_card(l) }</div> }) }
            }
            if !network.paths.is_empty() {
                { subhead("Paths inside the VPC") }
                { paths_section(&network.paths, network.n_paths_left_out) }
            }
            if !network.cost.is_empty() {
                { subhead("Network cost") }
                <table class="network-table network-cost">
                    <thead><tr><th>{ "Resource" }</th><th>{ "Data" }</th><th>{ "Per hour" }</th><th>{ "To date" }</th></tr></thead>
                    <tbody>
                        { for network.cost.iter().map(|l| html! {
                            <tr key={l.name.clone()}><td>{ &l.name }</td><td>{ gb_text(l.bytes) }</td><td>{ usd_text(l.per_hour_micro_usd) }</td><td>{ usd_text(l.to_date_micro_usd) }</td></tr>
                        }) }
                    </tbody>
                </table>
                { hint("Billed per hour begun and per GB: image layers count 120 MiB a pull, each API exchange 4 KiB, each load balancer request 10 KiB. Gateway endpoints are free.") }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ReportProps {
    report: TaskTroubleshooting,
}

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "verdict pass",
        Verdict::Fail => "verdict fail",
        Verdict::NotApplicable => "verdict na",
    }
}

/// The fix offered: what it does, the call with its input, and the button that makes it.
pub(crate) fn fix_block(fix: &FixCall, apply: Callback<MouseEvent>) -> Html {
    html! {
        <div class="fix">
            <p><strong>{ "Fix: " }</strong>{ &fix.summary }</p>
            <pre class="evidence">{ format!("{} {}", fix.call, serde_json::to_string_pretty(&fix.input).unwrap_or_default()) }</pre>
            <button type="button" class="primary" onclick={apply}>{ format!("Apply fix ({})", fix.call) }</button>
        </div>
    }
}

/// A report's checks, each with its verdict; a check that found a problem is open on its evidence.
pub(crate) fn checks_list(checks: &[Check]) -> Html {
    html! {
        <ol class="checks">
            { for checks.iter().map(|check| html! {
                <li key={check.name}>
                    <details open={check.verdict == Verdict::Fail}>
                        <summary><span class={verdict_class(check.verdict)}>{ check.verdict.text() }</span>{ " " }{ check.name }</summary>
                        if !check.evidence.is_empty() {
                            <pre class="evidence">{ check.evidence.join("\n") }</pre>
                        }
                    </details>
                </li>
            }) }
        </ol>
    }
}

#[function_component(TroubleshootReport)]
fn troubleshoot_report(props: &ReportProps) -> Html {
    let commands = use_commands();
    let result = use_outcome();
    let report = &props.report;
    let apply = report.fix.clone().map(|fix| {
        let (commands, result) = (commands.clone(), result.clone());
        Callback::from(move |_| result.set(Some(commands.dispatch(&fix.call, fix.input.clone()).map(|_| format!("{} applied: {}", fix.call, fix.summary)))))
    });
    let subject = match &report.service_name {
        Some(service) => format!("Task {} of service {}", &report.task_id[..8], service),
        None => format!("Task {}", &report.task_id[..8]),
    };
    html! {
        <section class="troubleshoot" aria-label={format!("Troubleshooting task {}", &report.task_id[..8])}>
            <h4>{ subject }{ " · " }<span class="stop-code">{ &report.stop_code }</span></h4>
            <p class="mono reason">{ &report.stopped_reason }</p>
            <p class="root-cause"><strong>{ "Root cause: " }</strong>{ &report.root_cause }</p>
            if let (Some(fix), Some(apply)) = (&report.fix, apply) {
                { fix_block(fix, apply) }
            }
            <div class="fix-outcome">{ outcome(&result) }</div>
            { checks_list(&report.checks) }
        </section>
    }
}
