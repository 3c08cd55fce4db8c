//! The service troubleshooter in the Why? panel of a selected service: the checks of the console's and AWS's
//! troubleshooting guidance with their verdicts and evidence, the root cause, and the fix as the AWS call that
//! makes it, applied with one button. The report is the driver's (`Sim::troubleshoot_service`); a fix goes
//! through `Commands::dispatch`.

use std::rc::Rc;

use ecs_sim::sim::troubleshoot::ServiceTroubleshooting;
use yew::prelude::*;

use crate::components::form::{outcome, use_outcome};
use crate::components::network::{checks_list, fix_block};
use crate::driver::use_commands;

#[derive(Properties, PartialEq)]
pub struct ServiceReportProps {
    pub report: Rc<ServiceTroubleshooting>,
}

#[function_component(ServiceTroubleshootReport)]
pub fn service_troubleshoot_report(props: &ServiceReportProps) -> Html {
    let commands = use_commands();
    let result = use_outcome();
    let report = &props.report;
    let apply = report.fix.clone().map(|fix| {
        let result = result.clone();
        Callback::from(move |_| result.set(Some(commands.dispatch(&fix.call, fix.input.clone()).map(|_| format!("{} applied: {}", fix.call, fix.summary)))))
    });
    let state = if report.steady { "steady state" } else { "not in a steady state" };
    html! {
        <section class="troubleshoot service-troubleshoot" aria-label={format!("Troubleshooting service {}", report.service_name)}>
            <h4>{ format!("Troubleshoot service {}", report.service_name) }{ " · " }<span class={if report.steady { "verdict pass" } else { "verdict fail" }}>{ state }</span></h4>
            <p class="hint">{ format!("{}. The checks of the console's and AWS's troubleshooting guidance, run against the service as it stands.", report.counts) }</p>
            <p class="root-cause"><strong>{ "Root cause: " }</strong>{ &report.root_cause }</p>
            if let Some(task) = &report.from_task_id {
                <p class="hint">{ format!("From the stopped task {}: the Network tab has its full report.", &task[..task.len().min(8)]) }</p>
            }
            if let (Some(fix), Some(apply)) = (&report.fix, apply) {
                { fix_block(fix, apply) }
            }
            <div class="fix-outcome">{ outcome(&result) }</div>
            { checks_list(&report.checks) }
        </section>
    }
}
