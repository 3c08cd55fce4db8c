//! Tests for CloudWatch metric alarms as calls: evaluation with each TreatMissingData mode and its StateReason,
//! SetAlarmState, DescribeAlarmHistory, updates that keep the state, and the SNS notices of alarm actions.

use serde_json::{json, Value};

use super::super::*;
use super::{ALARM_HISTORY_LIMIT, ALARM_NOTICE_LIMIT};
use crate::table::Table;

const START: u64 = 1_795_856_400_000; // 2026-11-28T09:00:00Z (a whole minute)

fn ctx(now_ms: u64) -> ScalingContext {
    ScalingContext { region: "us-east-1".into(), account_id: "123456789012".into(), start_epoch_ms: START, now_ms, services: Table::new(), clusters: vec!["demo".into()], subnets: vec![] }
}

fn call(s: &mut ScalingState, name: &str, input: Value, now_ms: u64) -> Result<Value, crate::api::ApiError> {
    s.handle(name, &input, &ctx(now_ms)).expect("a scaling call")
}

fn cpu_alarm(extra: Value) -> Value {
    let mut input = json!({
        "AlarmName": "web-cpu-high", "Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
        "Dimensions": [{ "Name": "ClusterName", "Value": "demo" }, { "Name": "ServiceName", "Value": "web" }],
        "Statistic": "Average", "Period": 60, "EvaluationPeriods": 3, "Threshold": 75, "ComparisonOperator": "GreaterThanThreshold",
        "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:ops"],
    });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

/// The truth table of CWUG AlarmThatSendsEmail.md (reference ecs-semantics.md §10.4) for M = N = 3, with the
/// StateReason each transition writes. Datapoints oldest → newest over the evaluation range of five minutes
/// (09:00 to 09:04), `X` breaching (90), `0` not breaching (10), `-` missing; threshold GreaterThan 75.
/// The "Threshold Crossed: N out of the last N datapoints [...]" form is CWUG cloudwatch-and-eventbridge.md's and
/// the real 3-of-3 SNS message (reference §3.3); the "no datapoints were received ... treated as [Breaching]"
/// form is from real alarm captures (index ids 58784758593, 18234347751, 60951158265).
#[test]
fn evaluation_with_each_treat_missing_mode_and_its_state_reason() {
    use AlarmState::{Alarm as Alarmed, InsufficientData, Ok};
    // (data, mode, state before, state after, reason after)
    let rows: [(&str, TreatMissing, AlarmState, AlarmState, &str); 14] = [
        ("- - - - -", TreatMissing::Missing, Ok, InsufficientData, "Insufficient Data: 3 datapoints were unknown."),
        ("- - - - -", TreatMissing::Ignore, Ok, Ok, "before"),
        ("- - - - -", TreatMissing::Breaching, Ok, Alarmed, "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching]."),
        ("- - - - -", TreatMissing::NotBreaching, Alarmed, Ok, "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [NonBreaching]."),
        (
            "0 X X - X",
            TreatMissing::Missing,
            Ok,
            Alarmed,
            "Threshold Crossed: 3 out of the last 3 datapoints [90.0 (28/11/26 09:04:00), 90.0 (28/11/26 09:02:00), 90.0 (28/11/26 09:01:00)] were greater than the threshold (75.0) (minimum 3 datapoints for OK -> ALARM transition).",
        ),
        (
            "0 X X - X",
            TreatMissing::Ignore,
            Ok,
            Alarmed,
            "Threshold Crossed: 3 out of the last 3 datapoints [90.0 (28/11/26 09:04:00), 90.0 (28/11/26 09:02:00), 90.0 (28/11/26 09:01:00)] were greater than the threshold (75.0) (minimum 3 datapoints for OK -> ALARM transition).",
        ),
        // Three real points: the missing-data setting is not used (CWUG: "If at least N real points exist ...").
        (
            "0 X X - X",
            TreatMissing::NotBreaching,
            Ok,
            Alarmed,
            "Threshold Crossed: 3 out of the last 3 datapoints [90.0 (28/11/26 09:04:00), 90.0 (28/11/26 09:02:00), 90.0 (28/11/26 09:01:00)] were greater than the threshold (75.0) (minimum 3 datapoints for OK -> ALARM transition).",
        ),
        // The premature-alarm rule: the one breaching point is M periods old and everything newer is missing.
        (
            "- - X - -",
            TreatMissing::Missing,
            Ok,
            Alarmed,
            "Threshold Crossed: 1 out of the last 3 datapoints [90.0 (28/11/26 09:02:00)] was greater than the threshold (75.0) (minimum 3 datapoints for OK -> ALARM transition).",
        ),
        ("- - X - -", TreatMissing::Ignore, Ok, Ok, "before"),
        ("- - X - -", TreatMissing::Breaching, Ok, Alarmed, "Threshold Crossed: 1 datapoint was received for 3 periods and 2 missing datapoints were treated as [Breaching]."),
        ("- - X - -", TreatMissing::NotBreaching, Alarmed, Ok, "Threshold Crossed: 1 datapoint was received for 3 periods and 2 missing datapoints were treated as [NonBreaching]."),
        (
            "0 - - - -",
            TreatMissing::Missing,
            Alarmed,
            Ok,
            "Threshold Crossed: 1 out of the last 3 datapoints [10.0 (28/11/26 09:00:00)] was not greater than the threshold (75.0) (minimum 1 datapoint for ALARM -> OK transition).",
        ),
        (
            "0 - - - -",
            TreatMissing::Ignore,
            Alarmed,
            Ok,
            "Threshold Crossed: 1 out of the last 3 datapoints [10.0 (28/11/26 09:00:00)] was not greater than the threshold (75.0) (minimum 1 datapoint for ALARM -> OK transition).",
        ),
        // One real point that is not breaching: two filled breaching points make only 2 of 3 (the table's OK).
        ("0 - - - -", TreatMissing::Breaching, Alarmed, Ok, "Threshold Crossed: 1 datapoint was received for 3 periods and 2 missing datapoints were treated as [Breaching]."),
    ];
    let key = MetricKey::new("Test", "M", &[]);
    let base = START / 60_000;
    for (data, mode, before, after, reason) in rows {
        let mut store = MetricStore::new();
        for (k, c) in data.split(' ').enumerate() {
            match c {
                "X" => store.put(&key, base + k as u64, 90_000),
                "0" => store.put(&key, base + k as u64, 10_000),
                _ => {}
            }
        }
        let mut a = Alarm::new("a", "arn".into(), key.clone(), Statistic::Average, 60, 3, 3, 75_000, Comparison::GreaterThanThreshold, START);
        a.treat_missing = mode;
        a.set_state(before, "before".into(), String::new(), START);
        let t = a.evaluate(&store, base + 5);
        assert_eq!((a.state, a.state_reason.as_str()), (after, reason), "{data} {mode:?}");
        assert_eq!(t.is_some(), before != after, "{data} {mode:?}: a transition only on a change");
    }
}

#[test]
fn state_reason_data_is_written_in_cloudwatch_member_order() {
    // CWUG cloudwatch-and-eventbridge.md: {"version":"1.0","queryDate":..,"startDate":..,"statistic":"Average",
    // "period":300,"recentDatapoints":[99.50160229693434],"threshold":50.0}.
    let key = MetricKey::new("Test", "M", &[]);
    let base = START / 60_000;
    let mut store = MetricStore::new();
    for k in 0..5 {
        store.put(&key, base + k, 80_500);
    }
    let mut a = Alarm::new("a", "arn".into(), key, Statistic::Average, 60, 2, 2, 50_000, Comparison::GreaterThanThreshold, START);
    a.evaluate(&store, base + 5).unwrap();
    assert_eq!(
        a.state_reason_data,
        r#"{"version":"1.0","queryDate":"2026-11-28T09:05:00.000+0000","startDate":"2026-11-28T09:03:00.000+0000","statistic":"Average","period":60,"recentDatapoints":[80.5,80.5],"threshold":50.0}"#
    );
}

#[test]
fn put_metric_alarm_refuses_bad_input_in_aws_words_and_changes_nothing() {
    let mut s = ScalingState::new();
    let e = call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({ "TreatMissingData": "sometimes" })), 0).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("ValidationError", "1 validation error detected: Value 'sometimes' at 'treatMissingData' failed to satisfy constraint: Member must satisfy enum value set: [breaching, notBreaching, ignore, missing]"));
    let e = call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({ "ComparisonOperator": "Above" })), 0).unwrap_err();
    assert!(e.message.contains("at 'comparisonOperator'") && e.message.contains("GreaterThanUpperThreshold"), "{}", e.message);
    // A band operator is in the enum but needs an anomaly detection band.
    let e = call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({ "ComparisonOperator": "GreaterThanUpperThreshold" })), 0).unwrap_err();
    assert!(e.message.contains("ThresholdMetricId"), "{}", e.message);
    let e = call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({ "ExtendedStatistic": "p99" })), 0).unwrap_err();
    assert_eq!(e.code, "InvalidParameterCombination");
    let e = call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({ "DatapointsToAlarm": 4 })), 0).unwrap_err();
    assert!(e.message.contains("DatapointsToAlarm"));
    let e = call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({ "Period": 60, "EvaluationPeriods": 1441 })), 0).unwrap_err();
    assert!(e.message.contains("EvaluationPeriods"));
    assert!(s.alarms.is_empty() && s.alarm_history.items.is_empty());
}

#[test]
fn set_alarm_state_notifies_records_history_and_the_next_evaluation_returns() {
    let mut s = ScalingState::new();
    call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({ "AlarmDescription": "CPU above 75 %" })), 0).unwrap();
    call(&mut s, "cloudwatch:SetAlarmState", json!({ "AlarmName": "web-cpu-high", "StateValue": "ALARM", "StateReason": "testing purposes" }), 30_000).unwrap();
    assert_eq!(s.alarms["web-cpu-high"].state, AlarmState::Alarm);
    let notices = s.take_alarm_notices();
    assert_eq!(notices.len(), 1);
    let n = &notices[0];
    // Reference §3.4: `ALARM: "RDS-CPUUtilization-high" in Asia Pacific (Seoul)`.
    assert_eq!(n.subject, "ALARM: \"web-cpu-high\" in US East (N. Virginia)");
    assert!(n.message.starts_with(r#"{"AlarmName":"web-cpu-high","AlarmDescription":"CPU above 75 %","AWSAccountId":"123456789012","#), "{}", n.message);
    let m: Value = serde_json::from_str(&n.message).unwrap();
    assert_eq!((m["NewStateValue"].as_str(), m["OldStateValue"].as_str(), m["NewStateReason"].as_str()), (Some("ALARM"), Some("INSUFFICIENT_DATA"), Some("testing purposes")));
    assert_eq!(m["Region"], "US East (N. Virginia)");
    assert_eq!(m["StateChangeTime"], "2026-11-28T09:00:30.000+0000");
    assert_eq!(m["Trigger"]["Statistic"], "AVERAGE");
    assert_eq!(m["Trigger"]["Dimensions"][0], json!({ "value": "demo", "name": "ClusterName" }));
    assert!(n.email_text.starts_with("You are receiving this email because your Amazon CloudWatch Alarm \"web-cpu-high\" in the US East (N. Virginia) region has entered the ALARM state, because \"testing purposes\" at \"Saturday 28 November, 2026 09:00:30 UTC\"."), "{}", n.email_text);
    assert!(n.email_text.contains("- State Change:               INSUFFICIENT_DATA -> ALARM"));
    // Setting ALARM again is no state change: no notice.
    call(&mut s, "cloudwatch:SetAlarmState", json!({ "AlarmName": "web-cpu-high", "StateValue": "ALARM", "StateReason": "again" }), 40_000).unwrap();
    assert!(s.take_alarm_notices().is_empty());
    // The next evaluation returns the alarm to its actual state (no data: INSUFFICIENT_DATA), with no notice as
    // the alarm has no InsufficientDataActions.
    s.tick(&MinuteReport::default(), &ctx(60_000));
    assert_eq!(s.alarms["web-cpu-high"].state, AlarmState::InsufficientData);
    assert_eq!(s.alarms["web-cpu-high"].state_reason, "Insufficient Data: 3 datapoints were unknown.");
    assert!(s.take_alarm_notices().is_empty());
    let history = call(&mut s, "cloudwatch:DescribeAlarmHistory", json!({ "AlarmName": "web-cpu-high" }), 60_000).unwrap();
    let summaries: Vec<&str> = history["AlarmHistoryItems"].as_array().unwrap().iter().map(|i| i["HistorySummary"].as_str().unwrap()).collect();
    assert_eq!(summaries, ["Alarm updated from ALARM to INSUFFICIENT_DATA", "Alarm updated from ALARM to ALARM", "Alarm updated from INSUFFICIENT_DATA to ALARM", "Alarm \"web-cpu-high\" created"]);
    let updates = call(&mut s, "cloudwatch:DescribeAlarmHistory", json!({ "AlarmName": "web-cpu-high", "HistoryItemType": "StateUpdate", "ScanBy": "TimestampAscending", "MaxRecords": 1 }), 60_000).unwrap();
    let item = &updates["AlarmHistoryItems"][0];
    assert_eq!(item["HistoryItemType"], "StateUpdate");
    // The CLI reference example: {"version":"1.0","oldState":{"stateValue":..,"stateReason":..},"newState":{..}}.
    assert_eq!(item["HistoryData"], r#"{"version":"1.0","oldState":{"stateValue":"INSUFFICIENT_DATA","stateReason":"Unchecked: Initial alarm creation"},"newState":{"stateValue":"ALARM","stateReason":"testing purposes"}}"#);
    let e = call(&mut s, "cloudwatch:SetAlarmState", json!({ "AlarmName": "nope", "StateValue": "OK", "StateReason": "x" }), 0).unwrap_err();
    assert_eq!(e.code, "ResourceNotFound");
    let e = call(&mut s, "cloudwatch:SetAlarmState", json!({ "AlarmName": "web-cpu-high", "StateValue": "RED", "StateReason": "x" }), 0).unwrap_err();
    assert!(e.message.contains("at 'stateValue'"));
}

#[test]
fn an_update_keeps_the_state_and_actions_disabled_send_nothing() {
    let mut s = ScalingState::new();
    call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({})), 0).unwrap();
    call(&mut s, "cloudwatch:SetAlarmState", json!({ "AlarmName": "web-cpu-high", "StateValue": "OK", "StateReason": "quiet" }), 0).unwrap();
    call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({ "Threshold": 90, "ActionsEnabled": false })), 1000).unwrap();
    let a = &s.alarms["web-cpu-high"];
    assert_eq!((a.state, a.state_reason.as_str(), a.threshold_milli), (AlarmState::Ok, "quiet", 90_000));
    s.take_alarm_notices();
    call(&mut s, "cloudwatch:SetAlarmState", json!({ "AlarmName": "web-cpu-high", "StateValue": "ALARM", "StateReason": "x" }), 2000).unwrap();
    assert!(s.take_alarm_notices().is_empty());
    let history = call(&mut s, "cloudwatch:DescribeAlarmHistory", json!({ "HistoryItemType": "ConfigurationUpdate" }), 2000).unwrap();
    assert_eq!(history["AlarmHistoryItems"][0]["HistorySummary"], "Alarm \"web-cpu-high\" updated");
}

#[test]
fn a_metric_crossing_the_threshold_notifies_once_per_change() {
    let mut s = ScalingState::new();
    call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({ "OKActions": ["arn:aws:sns:us-east-1:123456789012:ops"] })), 0).unwrap();
    let sample = |v: i64| Sample { key: MetricKey::ecs_service("CPUUtilization", "demo", "web"), value_milli: v * 1000 };
    let mut sent = Vec::new();
    for minute in 1..=10u64 {
        let v = if (1..=4).contains(&minute) { 90 } else { 20 };
        s.tick(&MinuteReport { samples: vec![sample(v)], providers: vec![] }, &ctx(minute * 60_000));
        sent.extend(s.take_alarm_notices().into_iter().map(|n| (minute, n.subject)));
    }
    // Three breaching minutes (09:00–09:02) put it in ALARM at 09:03; the first calm minute (09:04) makes it OK at
    // 09:05 (three of three needed for ALARM, so one calm point of three is enough for OK).
    assert_eq!(
        sent,
        [(3, "ALARM: \"web-cpu-high\" in US East (N. Virginia)".to_string()), (5, "OK: \"web-cpu-high\" in US East (N. Virginia)".to_string())]
    );
}

#[test]
fn the_history_is_bounded_and_counts_what_it_dropped() {
    let mut s = ScalingState::new();
    call(&mut s, "cloudwatch:PutMetricAlarm", cpu_alarm(json!({})), 0).unwrap();
    for i in 0..(ALARM_HISTORY_LIMIT + 10) {
        let state = if i % 2 == 0 { "OK" } else { "ALARM" };
        call(&mut s, "cloudwatch:SetAlarmState", json!({ "AlarmName": "web-cpu-high", "StateValue": state, "StateReason": "flap" }), i as u64).unwrap();
    }
    assert_eq!(s.alarm_history.items.len(), ALARM_HISTORY_LIMIT);
    assert_eq!(s.alarm_history.dropped, 11);
    assert!(s.take_alarm_notices().len() <= ALARM_NOTICE_LIMIT);
    assert!(s.alarm_notices_dropped > 0);
}
