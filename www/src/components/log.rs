//! The event log: calls, service events, task and instance changes and refused calls, newest first,
//! filterable by kind and text. The driver keeps it bounded; rows are keyed by their sequence number.

use std::collections::VecDeque;
use std::rc::Rc;

use ecs_sim::sim::LogKind;
use yew::prelude::*;

use crate::components::form::{event_value, on_input, use_text};
use crate::driver::{use_log, LogRow, LOG_CAPACITY};
use crate::render_count::use_render_count;
use crate::text::format_elapsed;

/// The log panel: re-rendered when rows arrive or a filter changes, never by the clock or a new view.
#[function_component(EventLog)]
pub fn event_log() -> Html {
    use_render_count("EventLog");
    let kind = use_state(|| None::<LogKind>);
    let text = use_text("");
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let value = event_value(&e);
            kind.set(LogKind::ALL.into_iter().find(|k| k.as_str() == value));
        })
    };
    let on_text = on_input(&text);
    let log = use_log();
    let n_rows = filtered(&log, *kind, &text).count();
    html! {
        <section class="panel log" aria-labelledby="log-title">
            <div class="log-head">
                <h2 id="log-title" class="panel-title">{ "Event log" }</h2>
                <select aria-label="Filter by kind" onchange={on_kind}>
                    <option key="" value="" selected={kind.is_none()}>{ "All kinds" }</option>
                    { for LogKind::ALL.iter().map(|k| html! { <option key={k.as_str()} value={k.as_str()} selected={Some(*k) == *kind}>{ k.label() }</option> }) }
                </select>
                <input type="search" placeholder="Filter text" aria-label="Filter text" value={(*text).clone()} oninput={on_text} />
                <span class="hint">{ rows_hint(n_rows, &log) }</span>
            </div>
            <LogRows log={LogRef(log.clone())} kind={*kind} text={(*text).clone()} />
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
    /// `None`: every kind.
    kind: Option<LogKind>,
    text: String,
}

/// The rows: re-rendered only when the log or the filters change.
#[function_component(LogRows)]
fn log_rows(props: &LogRowsProps) -> Html {
    use_render_count("LogRows");
    let rows: Vec<_> = filtered(&props.log.0, props.kind, &props.text).collect();
    html! {
            <ol class="log-rows" tabindex="0" aria-label="Event log entries">
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

/// The rows shown (at most 200, newest first) for a kind filter (`None`: all) and a text filter.
fn filtered<'a>(log: &'a VecDeque<LogRow>, kind: Option<LogKind>, text: &str) -> impl Iterator<Item = &'a LogRow> + 'a {
    let needle = text.to_lowercase();
    log.iter()
        .filter(move |row| kind.is_none_or(|k| row.kind == k))
        .filter(move |row| needle.is_empty() || row.subject.to_lowercase().contains(&needle) || row.message.to_lowercase().contains(&needle))
        .take(200)
}

/// The count the panel shows, and when the log is full that older rows are no longer kept here.
fn rows_hint(n_rows: usize, log: &VecDeque<LogRow>) -> String {
    // Rows are numbered one after another, so the newest row's number says how many the run has had.
    let n_dropped = log.front().map_or(0, |newest| newest.seq.saturating_sub(log.len() as u64));
    if log.len() >= LOG_CAPACITY && n_dropped > 0 {
        format!("{n_rows} of the newest {} rows, newest first; {n_dropped} older rows are no longer kept", log.len())
    } else {
        format!("{n_rows} of {} rows, newest first", log.len())
    }
}
