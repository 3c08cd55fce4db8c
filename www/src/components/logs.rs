//! The builder's Logs tab: CloudWatch Logs as the console shows it. The log groups (create one, set its
//! retention), the streams of the picked group, the tail of the picked stream (it follows sim time: each new
//! event arrives with the view), a filter pattern over the group (FilterLogEvents) and a Logs Insights query box
//! with its results table (StartQuery, then GetQueryResults). Every call goes through `Commands::dispatch`.

use yew::prelude::*;

use crate::components::form::{button, call_button, field, hint, on_input, subhead, use_outcome, use_text};
use crate::driver::{use_commands, use_view_select};
use crate::forms::logs::{self as model, FilterRow, QueryTable};
use crate::render_count::use_render_count;

#[function_component(LogsForm)]
pub fn logs_form() -> Html {
    use_render_count("LogsForm");
    let commands = use_commands();
    let logs = use_view_select(model::options);
    let picked_group = use_state(String::new);
    let picked_stream = use_state(String::new);
    let new_group = use_text("/ecs/web");
    let retention = use_text("7");
    let pattern = use_text("ERROR");
    let query = use_text(model::DEFAULT_QUERY);
    let result = use_outcome();
    let filter_result: UseStateHandle<Option<Result<(Vec<FilterRow>, usize), String>>> = use_state(|| None);
    let query_result: UseStateHandle<Option<Result<QueryTable, String>>> = use_state(|| None);

    // The picked group, or the first one; the picked stream of that group, or its most recent.
    let group = logs.groups.iter().find(|g| g.name == *picked_group).or_else(|| logs.groups.first());
    let group_name = group.map(|g| g.name.clone()).unwrap_or_default();
    let stream = group.and_then(|g| g.streams.iter().find(|s| s.name == *picked_stream).or_else(|| g.streams.first()));

    let create = {
        let (commands, name, result, picked_group) = (commands.clone(), new_group.clone(), result.clone(), picked_group.clone());
        Callback::from(move |_| {
            let answer = commands.dispatch("logs:CreateLogGroup", model::create_group_input(&name));
            if answer.is_ok() {
                picked_group.set(name.trim().to_string());
            }
            result.set(Some(answer.map(|_| format!("Created log group {}.", name.trim()))));
        })
    };
    let set_retention = {
        let (commands, days, result, group_name) = (commands.clone(), retention.clone(), result.clone(), group_name.clone());
        Callback::from(move |_| {
            let answer = commands.dispatch("logs:PutRetentionPolicy", model::retention_input(&group_name, &days));
            result.set(Some(answer.map(|_| format!("{group_name} keeps its events {} days.", days.trim()))));
        })
    };
    let run_filter = {
        let (commands, pattern, filter_result, group_name) = (commands.clone(), pattern.clone(), filter_result.clone(), group_name.clone());
        Callback::from(move |_| {
            let answer = commands.dispatch("logs:FilterLogEvents", model::filter_input(&group_name, &pattern));
            filter_result.set(Some(answer.map(|a| model::filter_rows(&a))));
        })
    };
    let run_query = {
        let (commands, query, query_result, group_name) = (commands.clone(), query.clone(), query_result.clone(), group_name.clone());
        Callback::from(move |_| {
            let input = model::query_input(&group_name, &commands.view(), &query);
            let answer = commands
                .dispatch("logs:StartQuery", input)
                .and_then(|started| commands.dispatch("logs:GetQueryResults", serde_json::json!({ "queryId": started["queryId"] })));
            query_result.set(Some(answer.map(|a| model::query_table(&a))));
        })
    };

    html! {
        <div class="logs-tab">
            { subhead("Log groups") }
            <p class="muted">{ format!("{} events stored, {} dropped by the bounds or retention", logs.n_events, logs.n_events_dropped) }
                { if logs.n_undelivered_lines > 0 { format!("; {} lines lost: an execution role may not logs:PutLogEvents", logs.n_undelivered_lines) } else { String::new() } }</p>
            if logs.groups.is_empty() {
                { hint("No log group yet. Create one, or give a container logConfiguration with the awslogs driver (awslogs-create-group makes it when the task starts).") }
            }
            <ul class="log-groups">
                { for logs.groups.iter().map(|g| {
                    let onclick = { let picked_group = picked_group.clone(); let picked_stream = picked_stream.clone(); let name = g.name.clone(); Callback::from(move |_| { picked_group.set(name.clone()); picked_stream.set(String::new()); }) };
                    let retention = g.retention_in_days.map(|d| format!("{d} days")).unwrap_or_else(|| "never expire".to_string());
                    html! {
                        <li key={g.name.clone()}>
                            <button type="button" class={classes!("log-group", (g.name == group_name).then_some("selected"))} data-log-group={g.name.clone()} {onclick}>
                                <strong>{ g.name.clone() }</strong>
                                <span class="muted">{ format!(" {} events · {} · {} streams{}", g.n_events, retention, g.streams.len() as u64 + g.n_streams_left_out,
                                    if g.n_events_dropped > 0 { format!(" · {} dropped", g.n_events_dropped) } else { String::new() }) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
            { field("Log group name", "log-group-name", &new_group) }
            { call_button("Create log group", false, create, &result) }
            if !group_name.is_empty() {
                { field(&format!("Retention of {group_name} (days)"), "retention-days", &retention) }
                { button("Set retention", set_retention) }
                { subhead(&format!("Streams of {group_name}")) }
                if group.is_some_and(|g| g.streams.is_empty()) { { hint("No stream yet: a task writes one per container when it starts.") } }
                <ul class="log-streams">
                    { for group.into_iter().flat_map(|g| g.streams.iter()).map(|s| {
                        let onclick = { let picked_stream = picked_stream.clone(); let name = s.name.clone(); Callback::from(move |_| picked_stream.set(name.clone())) };
                        let selected = stream.is_some_and(|t| t.name == s.name);
                        html! {
                            <li key={s.name.clone()}>
                                <button type="button" class={classes!("log-stream", selected.then_some("selected"))} data-log-stream={s.name.clone()} {onclick}>
                                    <code>{ s.name.clone() }</code>
                                    <span class="muted">{ format!(" {} events{}", s.n_events, s.last_event_timestamp_ms.map(|t| format!(", last at {}", model::clock(t))).unwrap_or_default()) }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
                if let Some(g) = group { if g.n_streams_left_out > 0 { <p class="muted">{ format!("{} older streams not listed (DescribeLogStreams lists them all).", g.n_streams_left_out) }</p> } }
                if let Some(s) = stream {
                    { subhead(&format!("Tail of {}", s.name)) }
                    <p class="muted">{ format!("The newest {} events; new ones arrive as the run plays.", s.tail.len()) }</p>
                    <ol class="log-tail" aria-label={format!("Log events of {}", s.name)}>
                        { for s.tail.iter().map(|e| html! {
                            <li key={e.seq} class={classes!("log-event", (e.message.contains("ERROR") || e.message.contains("FATAL")).then_some("log-error"))}>
                                <time>{ model::clock(e.timestamp_ms) }</time>{ " " }<span>{ e.message.clone() }</span>
                            </li>
                        }) }
                    </ol>
                }
                { subhead("Filter events") }
                { field("Filter pattern", "filter-pattern", &pattern) }
                { button("Filter", run_filter) }
                { hint("Terms must all appear (ERROR timeout), ?a ?b matches either, -term excludes, \"a phrase\" matches exactly, { $.field = \"value\" } matches JSON.") }
                { filter_results(&filter_result) }
                { subhead("Logs Insights") }
                <label class="field"><span>{ "Query" }</span>
                    <textarea name="insights-query" class="insights-query" rows="3" value={(*query).clone()} oninput={on_input(&query)} />
                </label>
                { button("Run query", run_query) }
                { query_results(&query_result) }
            }
            <crate::components::events::AgentLogs />
        </div>
    }
}

fn filter_results(result: &Option<Result<(Vec<FilterRow>, usize), String>>) -> Html {
    match result {
        None => html! {},
        Some(Err(text)) => html! { <p class="error-text" role="alert">{ text.clone() }</p> },
        Some(Ok((rows, n))) => html! {
            <>
                <p class="ok-text" role="status">{ format!("{n} events match{}.", if *n > rows.len() { format!("; the newest {} shown", rows.len()) } else { String::new() }) }</p>
                <ol class="log-tail filter-results">
                    { for rows.iter().map(|r| html! {
                        <li key={r.event_id.clone()} class="log-event"><time>{ model::clock(r.timestamp_ms) }</time>{ " " }<code class="muted">{ r.stream.clone() }</code>{ " " }<span>{ r.message.clone() }</span></li>
                    }) }
                </ol>
            </>
        },
    }
}

fn query_results(result: &Option<Result<QueryTable, String>>) -> Html {
    match result {
        None => html! {},
        Some(Err(text)) => html! { <p class="error-text" role="alert">{ text.clone() }</p> },
        Some(Ok(table)) => html! {
            <>
                <p class="ok-text" role="status">{ format!("Complete: {} rows, {} records matched of {} scanned.", table.rows.len(), table.records_matched, table.records_scanned) }</p>
                <table class="insights-results">
                    <thead><tr>{ for table.columns.iter().map(|c| html! { <th key={c.clone()}>{ c.clone() }</th> }) }</tr></thead>
                    <tbody>
                        { for table.rows.iter().enumerate().map(|(i, row)| html! {
                            <tr key={i}>{ for row.iter().enumerate().map(|(j, cell)| html! { <td key={j}>{ cell.clone() }</td> }) }</tr>
                        }) }
                    </tbody>
                </table>
            </>
        },
    }
}

/// The Why? panel's line of a task's log streams: where each container writes with `awslogs` (the Logs tab
/// shows the stream). Nothing when the task does not use `awslogs`.
pub fn task_log_streams(logs: &ecs_sim::sim::logs_view::LogsView, task_id: &str) -> Html {
    let streams: Vec<_> = logs.task_streams.iter().filter(|s| s.task_id == task_id).collect();
    if streams.is_empty() {
        return html! {};
    }
    html! {
        <dl class="kv task-log-streams">
            { for streams.iter().map(|s| html! {
                <div key={s.container_name.clone()}>
                    <dt>{ format!("Logs of {}", s.container_name) }</dt>
                    <dd data-log-stream={s.stream.clone()}>
                        <code>{ format!("{} › {}", s.group, s.stream) }</code>
                        { if s.undeliverable { " (lost: the execution role may not logs:PutLogEvents)" } else { " (Builder → Logs)" } }
                    </dd>
                </div>
            }) }
        </dl>
    }
}
