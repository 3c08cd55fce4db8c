//! Table tests of CloudWatch Logs: filter patterns, Logs Insights queries, stream naming, the calls' shapes
//! and refusals, and the storage bounds.

use serde_json::{json, Value};

use super::awslogs::{awslogs_configs, stream_name};
use super::filter::parse_filter_pattern;
use super::query::parse_query;
use super::*;

fn state_with(events: &[(&str, u64, &str)]) -> LogsState {
    let mut logs = LogsState::new("us-east-1", "123456789012");
    logs.insert_group("/ecs/web", 0, None);
    for (stream, ts, message) in events {
        logs.ensure_stream("/ecs/web", stream, 0);
        logs.put_event("/ecs/web", stream, *ts, *ts, message);
    }
    logs
}

fn call(logs: &mut LogsState, name: &str, input: Value) -> ApiResult {
    logs.handle(name, &input, &LogsContext { now_epoch_ms: 1_000_000 }).expect("routed to logs")
}

#[test]
fn filter_patterns_match_as_cloudwatch_defines_them() {
    // Source: CWLUG FilterAndPatternSyntax.md (terms, phrases, ?, -, JSON) via observability-troubleshooting.md §2.6.
    let cases: &[(&str, &str, bool)] = &[
        ("", "anything", true),
        ("ERROR", "[ERROR] disk full", true),
        ("ERROR", "error: lower case", false),
        ("ERROR ARGUMENTS", "ERROR bad ARGUMENTS given", true),
        ("ERROR ARGUMENTS", "ERROR only", false),
        ("?ERROR ?WARN", "WARN low memory", true),
        ("?ERROR ?WARN", "INFO fine", false),
        ("\"INTERNAL SERVER ERROR\"", "got INTERNAL SERVER ERROR from upstream", true),
        ("\"INTERNAL SERVER ERROR\"", "INTERNAL ERROR SERVER", false),
        ("ERROR -ARGUMENTS", "ERROR disk", true),
        ("ERROR -ARGUMENTS", "ERROR ARGUMENTS", false),
        ("{ $.Type = \"Task\" }", r#"{"Type":"Task","CpuUtilized":12.5}"#, true),
        ("{ $.Type = \"Task\" }", r#"{"Type":"Service"}"#, false),
        ("{ $.Type = \"Task\" }", "Type = Task, not JSON", false),
        ("{ $.CpuUtilized > 10 }", r#"{"CpuUtilized":12.5}"#, true),
        ("{ $.CpuUtilized > 10 && $.Type = \"Task\" }", r#"{"CpuUtilized":12.5,"Type":"Container"}"#, false),
        ("{ ($.a = 1) || ($.b = 2) }", r#"{"b":2}"#, true),
        ("{ $.name = \"web-*\" }", r#"{"name":"web-7"}"#, true),
        ("{ $.name != \"web\" }", r#"{"name":"api"}"#, true),
        ("{ $.detail.exitCode = 137 }", r#"{"detail":{"exitCode":137}}"#, true),
        ("{ $.list[1] = \"b\" }", r#"{"list":["a","b"]}"#, true),
        ("{ $.missing NOT EXISTS }", r#"{"a":1}"#, true),
        ("{ $.a EXISTS }", r#"{"a":1}"#, true),
        ("{ $.a IS NULL }", r#"{"a":null}"#, true),
    ];
    for (pattern, message, expected) in cases {
        let parsed = parse_filter_pattern(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        assert_eq!(parsed.matches(message), *expected, "{pattern} on {message}");
    }
    for bad in ["{ $.a = ", "{ a = 1 }", "\"unclosed", "{ $.a > \"text\" }", "[ip, user]", "{ $.a = 1"] {
        assert!(parse_filter_pattern(bad).is_err(), "{bad} must be refused");
    }
}

fn run(query: &str, events: &[(u64, &str, &str)]) -> Vec<Vec<(String, String)>> {
    let inputs: Vec<query::QueryInput> = events
        .iter()
        .enumerate()
        .map(|(i, (ts, stream, message))| query::QueryInput {
            timestamp_ms: *ts,
            message,
            log_stream: stream,
            log: "123456789012:/ecs/web".to_string(),
            ptr: format!("p{i}"),
        })
        .collect();
    parse_query(query).unwrap_or_else(|e| panic!("{query}: {e}")).run(&inputs, None).rows
}

fn values(rows: &[Vec<(String, String)>], field: &str) -> Vec<String> {
    rows.iter().map(|r| r.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone()).unwrap_or_default()).collect()
}

#[test]
fn logs_insights_queries_give_the_rows_the_syntax_describes() {
    // Source: CWLUG CWL_QuerySyntax.md and CWL_QuerySyntax-examples.md (observability-troubleshooting.md §2.6, §1.7).
    let events = [
        (60_000, "ecs/web/a", "GET / 200 12ms"),
        (61_000, "ecs/web/b", "ERROR GET /api 503"),
        (125_000, "ecs/web/a", "ERROR timeout"),
        (130_000, "ecs/web/b", r#"{"Type":"Task","TaskId":"a","CpuUtilized":20}"#),
        (131_000, "ecs/web/b", r#"{"Type":"Task","TaskId":"b","CpuUtilized":40}"#),
        (132_000, "ecs/web/b", r#"{"Type":"Container","TaskId":"b","CpuUtilized":5}"#),
    ];
    let rows = run("fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 50", &events);
    assert_eq!(values(&rows, "@message"), vec!["ERROR timeout", "ERROR GET /api 503"]);
    assert_eq!(values(&rows, "@timestamp")[0], "1970-01-01 00:02:05.000");
    assert!(rows[0].iter().any(|(f, _)| f == "@ptr"), "event rows carry @ptr");

    let rows = run("filter @message like /ERROR/ | stats count(*) as errors by bin(1m)", &events);
    assert_eq!(values(&rows, "bin"), vec!["1970-01-01 00:01:00.000", "1970-01-01 00:02:00.000"]);
    assert_eq!(values(&rows, "errors"), vec!["1", "1"]);

    let rows = run("filter Type=\"Task\" | stats avg(CpuUtilized) as CPU, max(CpuUtilized), min(CpuUtilized), sum(CpuUtilized), pct(CpuUtilized, 50) by TaskId | sort CPU desc", &events);
    assert_eq!(values(&rows, "TaskId"), vec!["b", "a"]);
    assert_eq!(values(&rows, "CPU"), vec!["40", "20"]);
    let rows = run("filter Type = \"Task\" | stats avg(CpuUtilized), max(CpuUtilized), min(CpuUtilized), sum(CpuUtilized), pct(CpuUtilized, 50)", &events);
    assert_eq!(rows[0], vec![
        ("avg(CpuUtilized)".to_string(), "30".to_string()),
        ("max(CpuUtilized)".to_string(), "40".to_string()),
        ("min(CpuUtilized)".to_string(), "20".to_string()),
        ("sum(CpuUtilized)".to_string(), "60".to_string()),
        ("pct(CpuUtilized, 50)".to_string(), "20".to_string()),
    ]);

    let rows = run("parse @message \"GET * * *ms\" as path, status, latency | filter status >= 200 and latency < 100 | fields path, status, latency", &events);
    assert_eq!(rows, vec![vec![("path".to_string(), "/".to_string()), ("status".to_string(), "200".to_string()), ("latency".to_string(), "12".to_string()), ("@ptr".to_string(), "p0".to_string())]]);

    let rows = run("fields @logStream | filter @logStream in [\"ecs/web/a\"] and not @message like \"timeout\"", &events);
    assert_eq!(values(&rows, "@logStream"), vec!["ecs/web/a"]);
    let rows = run("# a comment line\nfilter @message =~ /(?i)error/ | stats count(*)", &events);
    assert_eq!(values(&rows, "count(*)"), vec!["2"]);
    let rows = run("fields @message | limit 2", &events);
    assert_eq!(rows.len(), 2, "limit bounds the rows");

    for bad in ["stats median(x)", "fields", "filter @message like", "sort", "limit 0", "bogus x", "parse @message \"a * b\" as x, y", "fields a |", "stats count(*) by bin(7q)"] {
        assert!(parse_query(bad).is_err(), "{bad} must be refused");
    }
}

#[test]
fn stream_names_follow_the_prefix_container_and_task_id() {
    // Source: BOTO ecs `LogConfiguration.options` and a real account (observability-troubleshooting.md §2.2).
    let defs = json!([
        { "name": "get-user", "logConfiguration": { "logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/get-user-task", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs" } } },
        { "name": "sidecar", "logConfiguration": { "logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/get-user-task", "awslogs-region": "us-east-1", "awslogs-create-group": "true", "mode": "blocking" } } },
        { "name": "quiet", "logConfiguration": { "logDriver": "json-file" } },
    ]);
    let configs = awslogs_configs(Some(&defs));
    assert_eq!(configs.len(), 2);
    let task_id = "28ebf01170574060a2f7a8349d16ff9f";
    assert_eq!(stream_name(&configs[0], task_id), "ecs/get-user/28ebf01170574060a2f7a8349d16ff9f");
    assert_eq!((configs[0].mode.as_str(), configs[0].max_buffer_size.as_str(), configs[0].create_group), ("non-blocking", "10m", false));
    assert_eq!((configs[1].mode.as_str(), configs[1].create_group), ("blocking", true));
    let docker_id = stream_name(&configs[1], task_id);
    assert_eq!(docker_id.len(), 64, "without a prefix the stream is the Docker container id");
    assert!(docker_id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(docker_id, stream_name(&configs[1], task_id), "stable for a task and container");
}

#[test]
fn the_calls_answer_in_the_logs_shapes_and_refuse_in_its_words() {
    let mut logs = LogsState::new("us-east-1", "123456789012");
    assert_eq!(call(&mut logs, "logs:CreateLogGroup", json!({ "logGroupName": "/ecs/web" })).unwrap(), json!({}));
    let again = call(&mut logs, "logs:CreateLogGroup", json!({ "logGroupName": "/ecs/web" })).unwrap_err();
    assert_eq!((again.code, again.message.as_str()), ("ResourceAlreadyExistsException", "The specified log group already exists"));
    let bad = call(&mut logs, "logs:CreateLogGroup", json!({ "logGroupName": "bad name!" })).unwrap_err();
    assert_eq!(bad.code, "InvalidParameterException");
    assert!(bad.message.ends_with("Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"), "{}", bad.message);
    let days = call(&mut logs, "logs:PutRetentionPolicy", json!({ "logGroupName": "/ecs/web", "retentionInDays": 2 })).unwrap_err();
    assert!(days.message.starts_with("1 validation error detected: Value '2' at 'retentionInDays'"), "{}", days.message);
    call(&mut logs, "logs:PutRetentionPolicy", json!({ "logGroupName": "/ecs/web", "retentionInDays": 1 })).unwrap();
    let groups = call(&mut logs, "logs:DescribeLogGroups", json!({ "logGroupNamePrefix": "/ecs" })).unwrap();
    assert_eq!(groups["logGroups"][0]["logGroupName"], "/ecs/web");
    assert_eq!(groups["logGroups"][0]["retentionInDays"], 1);
    assert_eq!(groups["logGroups"][0]["arn"], "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*");
    let missing = call(&mut logs, "logs:DescribeLogStreams", json!({ "logGroupName": "/ecs/none" })).unwrap_err();
    assert_eq!((missing.code, missing.message.as_str()), ("ResourceNotFoundException", "The specified log group does not exist."));
    let mixed = call(&mut logs, "logs:DescribeLogStreams", json!({ "logGroupName": "/ecs/web", "orderBy": "LastEventTime", "logStreamNamePrefix": "ecs" })).unwrap_err();
    assert_eq!(mixed.message, "Cannot order by LastEventTime with a logStreamNamePrefix.");

    logs.ensure_stream("/ecs/web", "ecs/web/t1", 10);
    for i in 0..5u64 {
        logs.put_event("/ecs/web", "ecs/web/t1", 1_000 + i, 1_000 + i, &format!("line {i}"));
    }
    // GetLogEvents: newest first page by default (startFromHead false), tokens move through the stream.
    let page = call(&mut logs, "logs:GetLogEvents", json!({ "logGroupName": "/ecs/web", "logStreamName": "ecs/web/t1", "limit": 2 })).unwrap();
    let messages = |v: &Value| v["events"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(messages(&page), vec!["line 3", "line 4"]);
    let back = call(&mut logs, "logs:GetLogEvents", json!({ "logGroupName": "/ecs/web", "logStreamName": "ecs/web/t1", "limit": 2, "nextToken": page["nextBackwardToken"] })).unwrap();
    assert_eq!(messages(&back), vec!["line 1", "line 2"]);
    let end = call(&mut logs, "logs:GetLogEvents", json!({ "logGroupName": "/ecs/web", "logStreamName": "ecs/web/t1", "nextToken": page["nextForwardToken"] })).unwrap();
    assert!(messages(&end).is_empty());
    assert_eq!(end["nextForwardToken"], page["nextForwardToken"], "at the end the same token comes back");
    let head = call(&mut logs, "logs:GetLogEvents", json!({ "logGroupIdentifier": "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*", "logStreamName": "ecs/web/t1", "startFromHead": true, "limit": 1 })).unwrap();
    assert_eq!(messages(&head), vec!["line 0"]);
    assert_eq!(head["events"][0]["timestamp"], 1_000);

    let filtered = call(&mut logs, "logs:FilterLogEvents", json!({ "logGroupName": "/ecs/web", "filterPattern": "?\"line 1\" ?\"line 3\"", "limit": 1 })).unwrap();
    assert_eq!(messages(&filtered), vec!["line 1"]);
    assert_eq!(filtered["events"][0]["logStreamName"], "ecs/web/t1");
    let rest = call(&mut logs, "logs:FilterLogEvents", json!({ "logGroupName": "/ecs/web", "filterPattern": "?\"line 1\" ?\"line 3\"", "nextToken": filtered["nextToken"] })).unwrap();
    assert_eq!(messages(&rest), vec!["line 3"]);
    assert!(rest.get("nextToken").is_none(), "no token means done");
    let both = call(&mut logs, "logs:FilterLogEvents", json!({ "logGroupName": "/ecs/web", "logStreamNames": ["a"], "logStreamNamePrefix": "a" })).unwrap_err();
    assert_eq!(both.code, "InvalidParameterException");

    // StartQuery takes seconds; GetQueryResults answers Complete with rows of {field, value}.
    let started = call(&mut logs, "logs:StartQuery", json!({ "logGroupName": "/ecs/web", "startTime": 0, "endTime": 2, "queryString": "fields @message | sort @timestamp asc | limit 2" })).unwrap();
    let results = call(&mut logs, "logs:GetQueryResults", json!({ "queryId": started["queryId"] })).unwrap();
    assert_eq!(results["status"], "Complete");
    assert_eq!(results["results"][0][0], json!({ "field": "@message", "value": "line 0" }));
    assert_eq!(results["statistics"]["recordsScanned"], 5.0);
    let malformed = call(&mut logs, "logs:StartQuery", json!({ "logGroupName": "/ecs/web", "startTime": 0, "endTime": 2, "queryString": "stats median(x)" })).unwrap_err();
    assert_eq!(malformed.code, "MalformedQueryException");
    let nowhere = call(&mut logs, "logs:StartQuery", json!({ "logGroupName": "/ecs/none", "startTime": 0, "endTime": 2, "queryString": "fields @message" })).unwrap_err();
    assert_eq!(nowhere.code, "ResourceNotFoundException");

    call(&mut logs, "logs:DeleteLogGroup", json!({ "logGroupName": "/ecs/web" })).unwrap();
    assert_eq!(logs.n_events, 0, "the group's events went with it");
    assert_eq!(call(&mut logs, "logs:DeleteLogGroup", json!({ "logGroupName": "/ecs/web" })).unwrap_err().code, "ResourceNotFoundException");
}

#[test]
fn storage_stays_within_its_bounds_and_counts_what_it_dropped() {
    let mut logs = state_with(&[]);
    for i in 0..(MAX_EVENTS_PER_STREAM as u64 + 10) {
        logs.ensure_stream("/ecs/web", "one", 0);
        logs.put_event("/ecs/web", "one", i, i, "x");
    }
    let stream = &logs.groups["/ecs/web"].streams["one"];
    assert_eq!(stream.events.len(), MAX_EVENTS_PER_STREAM);
    assert_eq!(stream.n_events_dropped, 10);
    assert_eq!(stream.events.front().unwrap().timestamp_ms, 10, "the oldest went first");

    // Many streams: the group's bound, then the number of streams.
    for s in 0..(MAX_STREAMS_PER_GROUP as u64 + 20) {
        let name = format!("s{s:04}");
        logs.ensure_stream("/ecs/web", &name, 5_000 + s);
        for i in 0..40 {
            logs.put_event("/ecs/web", &name, 5_000 + s * 100 + i, 5_000 + s * 100 + i, "y");
        }
    }
    let group = &logs.groups["/ecs/web"];
    assert!(group.n_events <= MAX_EVENTS_PER_GROUP, "{}", group.n_events);
    assert!(group.streams.len() <= MAX_STREAMS_PER_GROUP);
    assert!(group.n_streams_dropped >= 20 && group.n_events_dropped > 0);
    let held: usize = group.streams.values().map(|s| s.events.len()).sum();
    assert_eq!(held, group.n_events, "the group's count is what its streams hold");

    // The account's bound over many groups.
    for g in 0..10 {
        let name = format!("/g/{g}");
        logs.insert_group(&name, 0, None);
        for s in 0..10 {
            let stream = format!("s{s}");
            logs.ensure_stream(&name, &stream, 0);
            for i in 0..600u64 {
                logs.put_event(&name, &stream, 100_000 + i, 100_000 + i, "z");
            }
        }
    }
    assert!(logs.n_events <= MAX_EVENTS_PER_ACCOUNT, "{}", logs.n_events);
    let held: usize = logs.groups.values().map(|g| g.n_events).sum();
    assert_eq!(held, logs.n_events);
    assert!(logs.n_events_dropped > 0);

    // Retention in sim time.
    let mut logs = state_with(&[("a", 0, "old"), ("a", 2 * 86_400_000, "new")]);
    logs.groups.get_mut("/ecs/web").unwrap().retention_in_days = Some(1);
    logs.apply_retention(2 * 86_400_000 + 1);
    let events: Vec<&str> = logs.groups["/ecs/web"].streams["a"].events.iter().map(|e| &*e.message).collect();
    assert_eq!(events, vec!["new"]);
    assert_eq!(logs.n_events, 1);
    assert_eq!(logs.n_events_dropped, 1);
}

#[test]
fn nothing_typed_into_a_pattern_a_query_or_a_call_panics() {
    let mut rng = crate::rng::Prng::new(42);
    let pieces = [
        "{", "}", "$.", "a", "=", "!=", ">=", "\"", "*", "?", "-", " ", "(", ")", "&&", "||", "[", "]", "|", "/", "like", "stats", "count(",
        "by", "bin(", "5m", ")", "sort", "limit", "99999999999999999999", "parse", "as", "é", "\u{1F600}", "#", "\n", ",", "pct(", "not", "in",
    ];
    let mut logs = state_with(&[("s", 1, "ERROR x"), ("s", 2, r#"{"a":1}"#)]);
    for _ in 0..3_000 {
        let n = 1 + rng.below(12);
        let text: String = (0..n).map(|_| pieces[rng.below(pieces.len() as u32) as usize]).collect();
        if let Ok(pattern) = parse_filter_pattern(&text) {
            let _ = pattern.matches("ERROR x") || pattern.matches(r#"{"a":1}"#);
        }
        if let Ok(query) = parse_query(&text) {
            let inputs = [query::QueryInput { timestamp_ms: 1, message: "ERROR x", log_stream: "s", log: "l".into(), ptr: "p".into() }];
            let _ = query.run(&inputs, Some(5));
        }
        let values = [json!(text), json!(-1), json!(u64::MAX), json!(null), json!([text]), json!({ "x": 1 }), json!(1.5)];
        let value = values[rng.below(values.len() as u32) as usize].clone();
        let member = ["logGroupName", "logStreamName", "filterPattern", "queryString", "limit", "startTime", "endTime", "nextToken", "retentionInDays", "logStreamNames", "logGroupIdentifier", "queryId"][rng.below(12) as usize];
        let name = ["logs:CreateLogGroup", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:DescribeLogStreams", "logs:PutRetentionPolicy", "logs:GetQueryResults", "logs:DescribeLogGroups"][rng.below(8) as usize];
        let mut input = json!({ "logGroupName": "/ecs/web", "logStreamName": "s", "startTime": 0, "endTime": 9, "queryString": "fields @message" });
        input[member] = value;
        let _ = call(&mut logs, name, input);
    }
    assert!(logs.groups.contains_key("/ecs/web"), "the group is still there");
}

/// A record of several lines written only when read, counting how often it was written.
struct Counted {
    lines: Vec<String>,
    n_renders: std::rc::Rc<std::cell::Cell<u32>>,
}

impl MessageRecord for Counted {
    fn render(&self) -> Vec<String> {
        self.n_renders.set(self.n_renders.get() + 1);
        self.lines.clone()
    }
}

#[test]
fn a_deferred_record_reads_as_its_text_is_written_once_and_cut_at_the_limit() {
    let n_renders = std::rc::Rc::new(std::cell::Cell::new(0));
    let long = "é".repeat(MAX_MESSAGE_BYTES);
    let record = DeferredMessages::new(Counted { lines: vec!["first".to_string(), long.clone()], n_renders: n_renders.clone() });
    let mut logs = LogsState::new("us-east-1", "123456789012");
    logs.insert_group("/ecs/web", 0, None);
    logs.put_messages("/ecs/web", "s", 5, 6, [record.message(0), record.message(1)]);
    assert_eq!(n_renders.get(), 0, "nothing is written until read");
    let events: Vec<&str> = logs.groups["/ecs/web"].streams["s"].events.iter().map(|e| &*e.message).collect();
    assert_eq!(events[0], "first");
    assert_eq!(events[1], &*LogMessage::text(&long), "cut at the same character boundary as a text message");
    assert!(events[1].len() <= MAX_MESSAGE_BYTES && events[1].len() > MAX_MESSAGE_BYTES - 2);
    let again: Vec<String> = logs.groups["/ecs/web"].streams["s"].events.iter().map(|e| e.message.to_string()).collect();
    assert_eq!(again, vec!["first".to_string(), events[1].to_string()]);
    assert_eq!(n_renders.get(), 1, "written once, on the first read");
    let stream = &logs.groups["/ecs/web"].streams["s"];
    assert_eq!((stream.events[0].timestamp_ms, stream.events[0].ingestion_time_ms, stream.last_ingestion_time_ms), (5, 6, Some(6)));
}

/// Writes the same random batches to two stores: one message at a time after `ensure_stream` (the reference), and
/// a batch at a time with `put_messages`; past the stream, group, account and stream-count bounds, they must hold
/// the same streams, events and counts.
#[test]
fn batched_writes_keep_the_bounds_as_single_writes_do() {
    let mut one = LogsState::new("us-east-1", "123456789012");
    let mut batched = LogsState::new("us-east-1", "123456789012");
    let mut rng = crate::rng::Prng::new(7);
    for g in 0..5 {
        one.insert_group(&format!("/g{g}"), 0, None);
        batched.insert_group(&format!("/g{g}"), 0, None);
    }
    for step in 0..6_000u64 {
        let group = format!("/g{}", rng.below(5));
        let stream = format!("s{}", rng.below(400));
        let now_ms = 1_000 + step / 10 * 60_000;
        let n = rng.below(30) as usize;
        let messages: Vec<String> = (0..n).map(|i| format!("{step} {i}")).collect();
        one.ensure_stream(&group, &stream, now_ms);
        for m in &messages {
            one.put_event(&group, &stream, now_ms - 7, now_ms, m);
        }
        batched.put_messages(&group, &stream, now_ms - 7, now_ms, messages.iter().map(|m| LogMessage::text(m)));
    }
    assert!(one.n_events_dropped > 0 && one.groups.values().any(|g| g.n_streams_dropped > 0), "the bounds were reached");
    assert_eq!((one.n_events, one.n_events_dropped), (batched.n_events, batched.n_events_dropped));
    assert!(one.groups == batched.groups, "the same groups, streams, events and counts");
}

/// The stream bound deletes the stream written to least recently, the smallest name among equals: the recency
/// index names the same stream a scan of every stream would.
#[test]
fn the_stream_bound_deletes_the_least_recently_written_stream() {
    let mut logs = LogsState::new("us-east-1", "123456789012");
    logs.insert_group("/ecs/web", 0, None);
    let mut rng = crate::rng::Prng::new(3);
    for step in 0..5_000u64 {
        let now_ms = step / 7;
        let name = format!("t{}", rng.below(900));
        let group = &logs.groups["/ecs/web"];
        let expected_gone = (group.streams.len() >= MAX_STREAMS_PER_GROUP && !group.streams.contains_key(&name)).then(|| {
            group.streams.iter().min_by_key(|(n, s)| (s.last_ingestion_time_ms.unwrap_or(s.creation_time_ms), (*n).clone())).map(|(n, _)| n.clone()).expect("a stream")
        });
        logs.ensure_stream("/ecs/web", &name, now_ms);
        if rng.below(2) == 0 {
            logs.put_event("/ecs/web", &name, now_ms, now_ms, "x");
        }
        if let Some(gone) = expected_gone {
            assert!(!logs.groups["/ecs/web"].streams.contains_key(&gone), "step {step}: {gone} deleted");
        }
        let group = &logs.groups["/ecs/web"];
        assert_eq!(group.recency.len(), group.streams.len());
    }
}
