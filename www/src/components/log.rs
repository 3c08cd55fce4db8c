//! The event log: calls, service events, task and instance changes and refused calls, newest first,
//! filterable by kind and text. The driver keeps it bounded; rows are keyed by their sequence number.

use std::collections::VecDeque;
use std::rc::Rc;

use ecs_sim::sim::LogKind;
use yew::prelude::*;

use crate::components::form::{on_change, on_input, use_text};
use crate::driver::{use_sim, LogRow};
use crate::shell::format_elapsed;

#[function_component(EventLog)]
pub fn event_log() -> Html {
    let sim = use_sim();
    let kind = use_text("");
    let text = use_text("");
    let on_kind = on_change(&kind);
    let on_text = on_input(&text);
    let log = sim.state.log.clone();
    let n_rows = filtered(&log, &kind, &text).count();
    html! {
        <section class="panel log" aria-labelledby="log-title">
            <div class="log-head">
                <h2 id="log-title" class="panel-title">{ "Event log" }</h2>
                <select aria-label="Filter by kind" onchange={on_kind}>
                    <option key="" value="" selected={kind.is_empty()}>{ "All kinds" }</option>
                    { for LogKind::ALL.iter().map(|k| html! { <option key={k.as_str()} value={k.as_str()} selected={k.as_str() == kind.as_str()}>{ k.label() }</option> }) }
                </select>
                <input type="search" placeholder="Filter text" aria-label="Filter text" value={(*text).clone()} oninput={on_text} />
                <span class="hint">{ format!("{} of {} rows, newest first", n_rows, log.len()) }</span>
            </div>
            <LogRows log={LogRef(log.clone())} kind={(*kind).clone()} text={(*text).clone()} />
        </section>
    }
}

/// The bounded log compared by pointer: the driver replaces the `Rc` only when rows were added.
#[derive(Clone)]
struct LogRef(Rc<VecDeque<LogRow>>);

impl PartialEq for LogRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
struct LogRowsProps {
    log: LogRef,
    kind: String,
    text: String,
}

/// The row count and the rows: re-rendered only when the log or the filters change, not on every
/// published view.
#[function_component(LogRows)]
fn log_rows(props: &LogRowsProps) -> Html {
    let rows: Vec<_> = filtered(&props.log.0, &props.kind, &props.text).collect();
    html! {
            <ol class="log-rows">
                { for rows.iter().map(|row| html! {
                    <li key={row.seq} class={classes!("log-row", format!("kind-{}", row.kind.as_str()))}>
                        <span class="log-time">{ format_elapsed(row.time_ms) }</span>
                        <span class="log-kind">{ row.kind.as_str() }</span>
                        <span class="log-subject">{ &row.subject }</span>
                        <span class="log-message">{ &row.message }</span>
                    </li>
                }) }
            </ol>
    }
}

/// The rows shown (at most 200, newest first) for a kind filter (empty: all) and a text filter.
fn filtered<'a>(log: &'a VecDeque<LogRow>, kind: &'a str, text: &str) -> impl Iterator<Item = &'a LogRow> + 'a {
    let needle = text.to_lowercase();
    log.iter()
        .filter(move |row| kind.is_empty() || row.kind.as_str() == kind)
        .filter(move |row| needle.is_empty() || row.subject.to_lowercase().contains(&needle) || row.message.to_lowercase().contains(&needle))
        .take(200)
}
