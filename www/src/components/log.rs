//! The event log: calls, service events, task and instance changes and refused calls, newest first,
//! filterable by kind and text. The driver keeps it bounded; rows are keyed by their sequence number.

use yew::prelude::*;

use crate::driver::use_sim;
use crate::shell::format_elapsed;

/// The kinds a learner can filter on, with their labels.
const KINDS: [(&str, &str); 7] = [
    ("", "All kinds"),
    ("call", "API calls"),
    ("error", "Errors"),
    ("service", "Service events"),
    ("task", "Tasks"),
    ("instance", "Instances"),
    ("taskdef", "Task definitions"),
];

#[function_component(EventLog)]
pub fn event_log() -> Html {
    let sim = use_sim();
    let kind = use_state(String::new);
    let text = use_state(String::new);
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                kind.set(select.value());
            }
        })
    };
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                text.set(input.value());
            }
        })
    };
    let needle = text.to_lowercase();
    let log = sim.state.log.clone();
    let rows: Vec<_> = log
        .iter()
        .filter(|row| kind.is_empty() || row.kind == *kind)
        .filter(|row| needle.is_empty() || row.subject.to_lowercase().contains(&needle) || row.message.to_lowercase().contains(&needle))
        .take(200)
        .collect();
    html! {
        <section class="panel log" aria-labelledby="log-title">
            <div class="log-head">
                <h2 id="log-title" class="panel-title">{ "Event log" }</h2>
                <select aria-label="Filter by kind" onchange={on_kind}>
                    { for KINDS.iter().map(|(value, label)| html! { <option key={*value} value={*value} selected={*value == kind.as_str()}>{ *label }</option> }) }
                </select>
                <input type="search" placeholder="Filter text" aria-label="Filter text" value={(*text).clone()} oninput={on_text} />
                <span class="hint">{ format!("{} of {} rows, newest first", rows.len(), log.len()) }</span>
            </div>
            <ol class="log-rows">
                { for rows.iter().map(|row| html! {
                    <li key={row.seq} class={classes!("log-row", format!("kind-{}", row.kind))}>
                        <span class="log-time">{ format_elapsed(row.time_ms) }</span>
                        <span class="log-kind">{ &row.kind }</span>
                        <span class="log-subject">{ &row.subject }</span>
                        <span class="log-message">{ &row.message }</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}
