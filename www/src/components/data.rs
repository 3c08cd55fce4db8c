//! The builder's Data tab: the account's S3 buckets with their objects, DynamoDB tables with their items, and Step
//! Functions executions with their states coloured by progress and their history, as the calls and the tasks'
//! workloads left them; pick an object or an item to see it whole. Above them, the tasks' calls and the RDS
//! instances (`workload.rs`).

use ecs_sim::view::IntegrationsView;
use yew::prelude::*;

use crate::components::form::{hint, subhead, term};
use crate::components::sfn_graph::SfnGraph;
use crate::driver::use_view_select;
use crate::render_count::use_render_count;

#[function_component(DataTab)]
pub fn data_tab() -> Html {
    use_render_count("DataTab");
    let data = use_view_select(|v| v.integrations.clone());
    // The picked object (`bucket/key`) or item (`table/key text`).
    let picked = use_state(String::new);
    let IntegrationsView { buckets, tables, executions, n_executions_left_out } = &*data;
    html! {
        <div class="data-tab">
            <crate::components::workload::WorkloadFlows />
            { subhead("S3 buckets") }
            if buckets.is_empty() { { hint("No bucket yet: call s3:CreateBucket in the API tab, then s3:PutObject.") } }
            { for buckets.iter().map(|b| html! {
                <section key={b.arn.clone()} class="data-bucket" data-bucket={b.name.clone()}>
                    <h4>{ format!("{} ", b.name) }
                        <span class="muted">{ format!("{} object{}{}{}", b.objects.len() as u64 + b.n_objects_left_out, if b.objects.len() as u64 + b.n_objects_left_out == 1 { "" } else { "s" },
                            if b.policy.is_some() { " · bucket policy" } else { "" }, if b.eventbridge_enabled { " · EventBridge on" } else { "" }) }</span>
                    </h4>
                    <ul class="data-list">
                        { for b.objects.iter().map(|o| {
                            let id = format!("{}/{}", b.name, o.key);
                            let onclick = { let picked = picked.clone(); let id = id.clone(); Callback::from(move |_| picked.set(id.clone())) };
                            html! {
                                <li key={id.clone()}>
                                    <button type="button" class={classes!("data-entry", (*picked == id).then_some("active"))} data-object-key={o.key.clone()} onclick={onclick}>
                                        { format!("{} ({} B)", o.key, o.size_bytes) }
                                    </button>
                                    if *picked == id {
                                        <dl class="data-detail" aria-label={format!("Object {}", o.key)}>
                                            { term("Key", o.key.clone()) }
                                            { term("ContentLength", format!("{} bytes", o.size_bytes)) }
                                            { term("ETag", o.etag.clone()) }
                                            { term("ContentType", o.content_type.clone()) }
                                            { term("LastModified", crate::text::format_elapsed(o.last_modified_ms)) }
                                            <pre class="data-body">{ o.body_preview.clone() }</pre>
                                        </dl>
                                    }
                                </li>
                            }
                        }) }
                    </ul>
                    if b.n_objects_left_out > 0 { { hint(&format!("{} more objects are not shown.", b.n_objects_left_out)) } }
                </section>
            }) }
            { subhead("DynamoDB tables") }
            if tables.is_empty() { { hint("No table yet: call dynamodb:CreateTable in the API tab.") } }
            { for tables.iter().map(|t| html! {
                <section key={t.arn.clone()} class="data-table" data-table={t.name.clone()}>
                    <h4>{ format!("{} ", t.name) }
                        <span class="muted">{ format!("{} · {} · {}", t.status, t.billing, t.key_schema) }</span>
                    </h4>
                    if t.n_throttled_requests > 0 { { hint(&format!("{} requests throttled (ProvisionedThroughputExceededException).", t.n_throttled_requests)) } }
                    <ul class="data-list">
                        { for t.items.iter().map(|item| {
                            let id = format!("{}/{}", t.name, item.key);
                            let onclick = { let picked = picked.clone(); let id = id.clone(); Callback::from(move |_| picked.set(id.clone())) };
                            html! {
                                <li key={id.clone()}>
                                    <button type="button" class={classes!("data-entry", (*picked == id).then_some("active"))} data-item-key={item.key.clone()} onclick={onclick}>
                                        { item.key.clone() }
                                    </button>
                                    if *picked == id { <pre class="data-body" aria-label={format!("Item {}", item.key)}>{ item.json.clone() }</pre> }
                                </li>
                            }
                        }) }
                    </ul>
                    if t.items.is_empty() { { hint("No item yet.") } }
                    if t.n_items_left_out > 0 { { hint(&format!("{} more items are not shown.", t.n_items_left_out)) } }
                </section>
            }) }
            { subhead("Step Functions executions") }
            if executions.is_empty() { { hint("No execution yet: states:CreateStateMachine, then states:StartExecution.") } }
            if *n_executions_left_out > 0 { { hint(&format!("{n_executions_left_out} older executions are not shown.")) } }
            { for executions.iter().map(|e| html! {
                <section key={e.arn.clone()} class="data-execution" data-execution={e.name.clone()} data-status={e.status}>
                    <h4>{ format!("{} ", e.name) }
                        <span class="muted">{ format!("{} · {}{}", e.state_machine, e.status, e.error.as_ref().map(|err| format!(" ({err})")).unwrap_or_default()) }</span>
                    </h4>
                    <SfnGraph execution={e.clone()} />
                    <details class="sfn-history">
                        <summary>{ format!("History ({} events{})", e.history.len() as u64 + e.n_history_left_out, if e.n_history_left_out > 0 { ", newest shown" } else { "" }) }</summary>
                        <ul class="sfn-history-list">
                            { for e.history.iter().map(|(id, kind, detail)| html! {
                                <li key={*id}>{ format!("{id} {kind} {detail}") }</li>
                            }) }
                        </ul>
                    </details>
                </section>
            }) }
        </div>
    }
}
