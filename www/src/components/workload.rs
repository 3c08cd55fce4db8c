//! The Data tab's picture of what the tasks' applications call: each service drawn beside the buckets, tables
//! and databases it calls, a line for each with its calls per minute (red, with its errors, while they fail);
//! the RDS instances with their status, zones, events and the connections each task holds; and each task's
//! operations with how many were made, failed, logged and sampled out. Everything is read from `View.workload`.

use ecs_sim::sim::workload_view::{DatabaseView, FlowView, TaskCallsView, WorkloadView};
use yew::prelude::*;

use crate::components::form::{hint, subhead, term};
use crate::driver::use_view_select;

// Sized for the builder's column (about 270 px), so the text is drawn at its own size.
const ROW_PX: usize = 54;
const BOX_W: usize = 112;
const BOX_H: usize = 46;
const TARGET_X: usize = 152;
const WIDTH: usize = TARGET_X + BOX_W + 4;

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

/// The diagram: services on the left, what they call on the right, one line a flow.
fn flow_diagram(flows: &[FlowView]) -> Html {
    let mut services: Vec<&str> = Vec::new();
    let mut targets: Vec<(&str, &str)> = Vec::new();
    for f in flows {
        if !services.contains(&f.service.as_str()) {
            services.push(&f.service);
        }
        if !targets.iter().any(|(t, _)| *t == f.target) {
            targets.push((&f.target, f.kind));
        }
    }
    let rows = services.len().max(targets.len()).max(1);
    let height = rows * ROW_PX + 10;
    let y_of = |i: usize| 4 + i * ROW_PX;
    html! {
        <svg class="calls-diagram" role="img" aria-label="Calls from the services to S3, DynamoDB and RDS" width={WIDTH.to_string()} height={height.to_string()} viewBox={format!("0 0 {WIDTH} {height}")}>
            { for services.iter().enumerate().map(|(i, s)| html! {
                <g key={format!("service/{s}")} class="calls-node service">
                    <rect x="4" y={y_of(i).to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="4" />
                    <text x={(4 + BOX_W / 2).to_string()} y={(y_of(i) + 18).to_string()} text-anchor="middle">{ "service" }</text>
                    <text x={(4 + BOX_W / 2).to_string()} y={(y_of(i) + 32).to_string()} text-anchor="middle">{ s.to_string() }</text>
                </g>
            }) }
            { for targets.iter().enumerate().map(|(i, (t, kind))| html! {
                <g key={format!("target/{t}")} class={classes!("calls-node", *kind)}>
                    <rect x={TARGET_X.to_string()} y={y_of(i).to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="4" />
                    <text x={(TARGET_X + BOX_W / 2).to_string()} y={(y_of(i) + 13).to_string()} text-anchor="middle">{ t.split_once(' ').map_or("", |(k, _)| k).to_string() }</text>
                    <text x={(TARGET_X + BOX_W / 2).to_string()} y={(y_of(i) + 26).to_string()} text-anchor="middle">{ t.split_once(' ').map_or(*t, |(_, n)| n).to_string() }</text>
                </g>
            }) }
            { for flows.iter().map(|f| {
                let from = services.iter().position(|s| *s == f.service).unwrap_or(0);
                let to = targets.iter().position(|(t, _)| *t == f.target).unwrap_or(0);
                let (y1, y2) = (y_of(from) + BOX_H / 2, y_of(to) + BOX_H / 2);
                let red = f.failing.is_some() || f.errors_per_minute > 0;
                let label = if f.errors_per_minute > 0 { format!("{}/min · {} errors", f.calls_per_minute, f.errors_per_minute) } else { format!("{}/min", f.calls_per_minute) };
                // The calls per minute are written in the target's box, under its name.
                let (lx, ly) = (TARGET_X + BOX_W / 2, y_of(to) + 40);
                html! {
                    <g key={format!("{}>{}", f.service, f.target)} class={classes!("calls-flow", red.then_some("failing"))} data-flow-service={f.service.clone()} data-flow-target={f.target.clone()} data-failing={red.to_string()}>
                        <line x1={(4 + BOX_W).to_string()} y1={y1.to_string()} x2={TARGET_X.to_string()} y2={y2.to_string()} />
                        <text class="calls-rate" x={lx.to_string()} y={ly.to_string()} text-anchor="middle">{ label }</text>
                    </g>
                }
            }) }
        </svg>
    }
}

fn database_card(db: &DatabaseView) -> Html {
    let total: u64 = db.connections.iter().map(|c| c.1).sum();
    html! {
        <section key={db.identifier.clone()} class="data-database" data-database={db.identifier.clone()} data-status={db.status}>
            <h4>{ format!("{} ", db.identifier) }
                <span class={classes!("muted", (db.status != "available").then_some("db-busy"))}>{ format!("{} · {} · {}", db.status, db.engine, db.class) }</span>
            </h4>
            <dl class="data-detail">
                { term("Endpoint", format!("{}:{}", db.endpoint, db.port)) }
                { term("Primary", db.availability_zone.clone()) }
                if let Some(standby) = &db.secondary_availability_zone { { term("Standby (Multi-AZ)", standby.clone()) } }
                { term("Connections", format!("{total} (not shown by DescribeDBInstances)")) }
            </dl>
            if !db.connections.is_empty() {
                <ul class="data-list db-connections">
                    { for db.connections.iter().map(|(task, n)| html! {
                        <li key={task.clone()} data-task={task.clone()}>{ format!("task {}: {n} connection{}", short(task), if *n == 1 { "" } else { "s" }) }</li>
                    }) }
                </ul>
            }
            if !db.events.is_empty() {
                <ol class="db-events" aria-label={format!("Events of {}", db.identifier)}>
                    { for db.events.iter().enumerate().map(|(i, (date, message))| html! { <li key={i}><code>{ date.clone() }</code>{ " " }{ message.clone() }</li> }) }
                </ol>
            }
        </section>
    }
}

fn task_calls(task: &TaskCallsView) -> Html {
    html! {
        <tr key={task.task_id.clone()} data-task={task.task_id.clone()}>
            <td>{ format!("{} · task {}", task.service, short(&task.task_id)) }</td>
            <td>
                { for task.operations.iter().enumerate().map(|(i, op)| html! {
                    <div key={i} class={classes!("task-op", op.error.is_some().then_some("failing"))}>
                        <code>{ op.operation.clone() }</code>{ format!(" {}: {} made, {} failed, {} logged, {} sampled out", op.target, op.made, op.failed, op.logged, op.sampled_out) }
                        if let Some(error) = &op.error { <div class="task-op-error">{ error.clone() }</div> }
                    </div>
                }) }
            </td>
        </tr>
    }
}

/// The application's calls, drawn in the Data tab.
#[function_component(WorkloadFlows)]
pub fn workload_flows() -> Html {
    let data = use_view_select(|v| v.workload.clone());
    let WorkloadView { flows, n_flows_left_out, databases, tasks, n_tasks_left_out } = &*data;
    if flows.is_empty() && databases.is_empty() {
        return html! {};
    }
    html! {
        <div class="workload-calls">
            { subhead("Calls from the tasks") }
            if flows.is_empty() {
                { hint("No request workload yet: sim:SetWorkload says what each request to a service does.") }
            } else {
                { flow_diagram(flows) }
                { for flows.iter().filter_map(|f| f.failing.as_ref().map(|e| html! {
                    <p key={format!("{}>{}", f.service, f.target)} class="calls-error">{ format!("{} → {}: {e}", f.service, f.target) }</p>
                })) }
            }
            if *n_flows_left_out > 0 { { hint(&format!("{n_flows_left_out} more flows are not drawn.")) } }
            if !databases.is_empty() {
                { subhead("RDS DB instances") }
                { for databases.iter().map(database_card) }
            }
            if !tasks.is_empty() {
                <table class="task-calls">
                    <thead><tr><th>{ "Task" }</th><th>{ "Operations of its requests (each line of the log stands for one; the rest are counted)" }</th></tr></thead>
                    <tbody>{ for tasks.iter().map(task_calls) }</tbody>
                </table>
            }
            if *n_tasks_left_out > 0 { { hint(&format!("{n_tasks_left_out} more tasks are not listed.")) } }
        </div>
    }
}
