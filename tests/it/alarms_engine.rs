//! CloudWatch alarms with SNS notifications in the engine: the `cpu-alarm-email` scenario's alarm fires on the
//! load, its email reaches the confirmed subscriber, and the history records each step; SetAlarmState through
//! the engine notifies too; deployment alarms fail and roll back a deployment.

use ecs_sim::sim::LogKind;
use ecs_sim::sns::DeliveryKind;
use ecs_sim_tests::*;
use serde_json::json;

#[test]
fn cpu_alarm_email_notifies_the_confirmed_subscriber_on_alarm_and_on_ok() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("cpu-alarm-email"), None);
    advance(&mut sim, t("30s"));
    let early = sim.view();
    let topic = &early.notifications.topics[0];
    assert_eq!((topic.name.as_str(), topic.subscriptions[0].confirmed), ("ops-alerts", false), "pending until the link is followed");
    assert_eq!(early.notifications.inbox[0].subject, "AWS Notification - Subscription Confirmation");
    advance(&mut sim, t("25m"));
    let view = sim.view();
    assert!(view.notifications.topics[0].subscriptions[0].confirmed);
    let notifications: Vec<_> = view.notifications.inbox.iter().rev().filter(|m| m.kind == DeliveryKind::Notification).collect();
    let subjects: Vec<&str> = notifications.iter().map(|m| m.subject.as_str()).collect();
    // OKActions run on every change to OK, the first one too: INSUFFICIENT_DATA -> OK once three calm minutes
    // are in, then OK -> ALARM on the load, and ALARM -> OK after it.
    assert_eq!(subjects, ["OK: \"web-cpu-high\" in US East (N. Virginia)", "ALARM: \"web-cpu-high\" in US East (N. Virginia)", "OK: \"web-cpu-high\" in US East (N. Virginia)"]);
    assert!(notifications[0].body.contains("- State Change:               INSUFFICIENT_DATA -> OK"), "{}", notifications[0].body);
    let alarm_mail = notifications[1];
    assert_eq!(alarm_mail.endpoint, "ops@example.com");
    // The load rises at 6m: three breaching one-minute datapoints put the alarm in ALARM at 9m at the earliest.
    assert!(alarm_mail.time >= t("9m") && alarm_mail.time <= t("11m"), "fired at {}", alarm_mail.time);
    assert!(alarm_mail.body.starts_with("You are receiving this email because your Amazon CloudWatch Alarm \"web-cpu-high\" in the US East (N. Virginia) region has entered the ALARM state, because \"Threshold Crossed: 3 out of the last 3 datapoints ["), "{}", alarm_mail.body);
    assert!(alarm_mail.body.contains("- State Change:               OK -> ALARM"), "{}", alarm_mail.body);
    // The load falls back at 16m.
    assert!(notifications[2].time >= t("16m"), "OK at {}", notifications[2].time);
    let history = sim.call("cloudwatch:DescribeAlarmHistory", json!({ "AlarmName": "web-cpu-high", "ScanBy": "TimestampAscending" })).unwrap();
    let items: Vec<(String, String)> = history["AlarmHistoryItems"].as_array().unwrap().iter().map(|i| (i["HistoryItemType"].as_str().unwrap().to_string(), i["HistorySummary"].as_str().unwrap().to_string())).collect();
    assert_eq!(items[0], ("ConfigurationUpdate".to_string(), "Alarm \"web-cpu-high\" created".to_string()));
    let states: Vec<&str> = items.iter().filter(|(kind, _)| kind == "StateUpdate").map(|(_, summary)| summary.as_str()).collect();
    assert_eq!(states, ["Alarm updated from INSUFFICIENT_DATA to OK", "Alarm updated from OK to ALARM", "Alarm updated from ALARM to OK"]);
    assert!(items.contains(&("Action".to_string(), "Successfully executed action arn:aws:sns:us-east-1:123456789012:ops-alerts".to_string())), "{items:?}");
    assert!(sim.log().iter().any(|e| e.kind == LogKind::Alarm && e.message.contains("notified SNS topic ops-alerts")));
}

#[test]
fn set_alarm_state_through_the_engine_notifies_and_a_missing_topic_is_a_failed_action() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("cpu-alarm-email"), None);
    advance(&mut sim, t("2m"));
    sim.call("cloudwatch:SetAlarmState", json!({ "AlarmName": "web-cpu-high", "StateValue": "ALARM", "StateReason": "Testing the notification" })).unwrap();
    let view = sim.view();
    let newest = &view.notifications.inbox[0];
    assert_eq!(newest.subject, "ALARM: \"web-cpu-high\" in US East (N. Virginia)");
    assert!(newest.body.contains("because \"Testing the notification\""));
    sim.call("sns:DeleteTopic", json!({ "TopicArn": "arn:aws:sns:us-east-1:123456789012:ops-alerts" })).unwrap();
    sim.call("cloudwatch:SetAlarmState", json!({ "AlarmName": "web-cpu-high", "StateValue": "OK", "StateReason": "Testing again" })).unwrap();
    let history = sim.call("cloudwatch:DescribeAlarmHistory", json!({ "AlarmName": "web-cpu-high", "HistoryItemType": "Action", "MaxRecords": 1 })).unwrap();
    assert!(history["AlarmHistoryItems"][0]["HistorySummary"].as_str().unwrap().starts_with("Failed to execute action arn:aws:sns:us-east-1:123456789012:ops-alerts"));
    assert!(sim.call("sim:ConfirmSubscription", json!({ "endpoint": "nobody@example.com" })).is_err());
}

#[test]
fn deployment_alarm_rollback_fails_the_slow_revision_and_returns_to_revision_1() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("deployment-alarm-rollback"), None);
    advance(&mut sim, t("7m"));
    // The first deployment completes only after steady state and the bake time (5 minutes: web-5xx-high's
    // Period × EvaluationPeriods).
    let before = sim.describe_all();
    let web = service(&before, "web");
    assert_eq!(web["deployments"][0]["rolloutState"], "COMPLETED");
    assert_eq!(web["deploymentConfiguration"]["alarms"], json!({ "alarmNames": ["web-latency-high", "web-5xx-high"], "enable": true, "rollback": true }));
    advance(&mut sim, t("30m"));
    let after = sim.describe_all();
    let web = service(&after, "web");
    let deployments = web["deployments"].as_array().unwrap();
    assert_eq!(deployments.len(), 1, "only the rollback deployment is left: {deployments:?}");
    assert!(deployments[0]["taskDefinition"].as_str().unwrap().ends_with("task-definition/web:1"), "{}", deployments[0]["taskDefinition"]);
    assert_eq!(deployments[0]["rolloutState"], "COMPLETED");
    let events: Vec<&str> = web["events"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    let failed = events.iter().find(|m| m.contains("deployment failed: alarm(s) web-latency-high in ALARM state.")).expect("the failure event");
    let rolling = events.iter().find(|m| m.contains("ECS deployment alarms: rolling back to deploymentId ecs-svc/")).expect("the rollback event");
    assert!(failed.starts_with("(service web) (deployment ecs-svc/") && rolling.starts_with("(service web) (deployment ecs-svc/"));
    // Every task left runs revision 1.
    for task in items(&after, "tasks").iter().filter(|t| t["lastStatus"] == "RUNNING") {
        assert!(task["taskDefinitionArn"].as_str().unwrap().ends_with(":1"), "{}", task["taskDefinitionArn"]);
    }
    let alarm = sim.call("cloudwatch:DescribeAlarms", json!({ "AlarmNames": ["web-latency-high"] })).unwrap();
    assert_eq!(alarm["MetricAlarms"][0]["StateValue"], "OK", "the latency is back under 1 s");
}

#[test]
fn a_deployment_alarm_without_rollback_leaves_the_deployment_failed() {
    let mut scenario = scenario("deployment-alarm-rollback");
    for step in scenario.steps.iter_mut().filter(|s| s.call == "ecs:CreateService") {
        step.input["deploymentConfiguration"]["alarms"]["rollback"] = json!(false);
    }
    let mut sim = ecs_sim::sim::Sim::new(&scenario, None);
    advance(&mut sim, t("20m"));
    let after = sim.describe_all();
    let web = service(&after, "web");
    let primary = &web["deployments"][0];
    assert!(primary["taskDefinition"].as_str().unwrap().ends_with("task-definition/web:2"));
    assert_eq!(primary["rolloutState"], "FAILED");
    assert_eq!(primary["rolloutStateReason"], "ECS deployment alarms: alarm(s) web-latency-high in ALARM state.");
}
