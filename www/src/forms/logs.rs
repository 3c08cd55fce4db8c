//! The Logs tab's model: the calls it makes (CreateLogGroup, PutRetentionPolicy, FilterLogEvents, StartQuery and
//! GetQueryResults) built from its fields, and their answers read into rows the tab draws.

use ecs_sim::sim::logs_view::LogsView;
use ecs_sim::view::View;
use serde_json::{json, Value};

/// The query the Logs Insights box starts with: the 20 most recent events, as the console's default.
pub const DEFAULT_QUERY: &str = "fields @timestamp, @message, @logStream | sort @timestamp desc | limit 20";

/// The rows the filter shows: its newest matches.
pub const MAX_FILTER_ROWS: usize = 50;

/// What the Logs tab reads of the view: the logs (a new event re-renders it; the clock alone does not).
pub fn options(view: &View) -> LogsView {
    view.logs.clone()
}

/// `HH:MM:SS.mmm` of an epoch time in milliseconds (UTC).
pub fn clock(epoch_ms: u64) -> String {
    let iso = ecs_sim::time::format_iso8601_ms(epoch_ms);
    iso.split_once('T').map(|(_, t)| t.trim_end_matches('Z').to_string()).unwrap_or(iso)
}

pub fn create_group_input(name: &str) -> Value {
    json!({ "logGroupName": name.trim() })
}

/// PutRetentionPolicy's input; a value that is not a number is sent as typed, so AWS's refusal names it.
pub fn retention_input(group: &str, days: &str) -> Value {
    let days = days.trim();
    let value = days.parse::<u64>().map(Value::from).unwrap_or_else(|_| Value::from(days));
    json!({ "logGroupName": group, "retentionInDays": value })
}

pub fn filter_input(group: &str, pattern: &str) -> Value {
    json!({ "logGroupName": group, "filterPattern": pattern })
}

/// One matched event of FilterLogEvents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterRow {
    pub event_id: String,
    pub timestamp_ms: u64,
    pub stream: String,
    pub message: String,
}

/// The newest [`MAX_FILTER_ROWS`] matches, newest first, and how many matched.
pub fn filter_rows(answer: &Value) -> (Vec<FilterRow>, usize) {
    let events = answer["events"].as_array().cloned().unwrap_or_default();
    let n = events.len();
    let rows = events
        .iter()
        .rev()
        .take(MAX_FILTER_ROWS)
        .map(|e| FilterRow {
            event_id: e["eventId"].as_str().unwrap_or_default().to_string(),
            timestamp_ms: e["timestamp"].as_u64().unwrap_or(0),
            stream: e["logStreamName"].as_str().unwrap_or_default().to_string(),
            message: e["message"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    (rows, n)
}

/// StartQuery's input over the whole run so far (times in epoch seconds, inclusive).
pub fn query_input(group: &str, view: &View, query: &str) -> Value {
    json!({
        "logGroupName": group,
        "startTime": view.start_epoch_ms / 1000,
        "endTime": (view.start_epoch_ms + view.now.0) / 1000 + 1,
        "queryString": query,
    })
}

/// The results table of GetQueryResults: its columns (in first-seen order, `@ptr` left out), rows and statistics.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub records_matched: f64,
    pub records_scanned: f64,
}

pub fn query_table(answer: &Value) -> QueryTable {
    let mut table = QueryTable {
        records_matched: answer["statistics"]["recordsMatched"].as_f64().unwrap_or(0.0),
        records_scanned: answer["statistics"]["recordsScanned"].as_f64().unwrap_or(0.0),
        ..QueryTable::default()
    };
    let rows = answer["results"].as_array().cloned().unwrap_or_default();
    for row in &rows {
        for cell in row.as_array().into_iter().flatten() {
            let field = cell["field"].as_str().unwrap_or_default();
            if field != "@ptr" && !table.columns.iter().any(|c| c == field) {
                table.columns.push(field.to_string());
            }
        }
    }
    for row in &rows {
        let cells = row.as_array().cloned().unwrap_or_default();
        let value = |column: &str| cells.iter().find(|c| c["field"] == column).and_then(|c| c["value"].as_str()).unwrap_or("").to_string();
        table.rows.push(table.columns.iter().map(|c| value(c)).collect());
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_become_rows_newest_first_and_columns_in_order() {
        let answer = json!({ "events": [
            { "eventId": "1", "timestamp": 1000, "logStreamName": "a", "message": "old" },
            { "eventId": "2", "timestamp": 2000, "logStreamName": "b", "message": "new" } ] });
        let (rows, n) = filter_rows(&answer);
        assert_eq!(n, 2);
        assert_eq!(rows[0].message, "new");
        let results = json!({ "results": [
            [ { "field": "@timestamp", "value": "t1" }, { "field": "@message", "value": "m1" }, { "field": "@ptr", "value": "p" } ],
            [ { "field": "@message", "value": "m2" } ] ], "statistics": { "recordsMatched": 2.0, "recordsScanned": 9.0 } });
        let table = query_table(&results);
        assert_eq!(table.columns, vec!["@timestamp", "@message"]);
        assert_eq!(table.rows, vec![vec!["t1".to_string(), "m1".to_string()], vec![String::new(), "m2".to_string()]]);
        assert_eq!(table.records_scanned, 9.0);
        assert_eq!(clock(1_767_603_600_123), "09:00:00.123");
        assert_eq!(retention_input("g", "7")["retentionInDays"], 7);
        assert_eq!(retention_input("g", "x")["retentionInDays"], "x");
    }
}
