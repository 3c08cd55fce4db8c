//! Amazon ECS's events in EventBridge: a rule on stopped tasks matches the task state change of each task that
//! stops, with the task's detail, and its log group target receives the event's JSON; rules on the other detail
//! types see container instance, service action and deployment events; a run without a rule on `aws.ecs` keeps
//! its trace. Sources: ECSDG ecs_cwe_events.md and ecs_task_events.html (see observability-troubleshooting.md §3.7).

use ecs_sim_tests::*;
use serde_json::{json, Value};

const STOPPED_PATTERN: &str = r#"{"source":["aws.ecs"],"detail-type":["ECS Task State Change"],"detail":{"lastStatus":["STOPPED"]}}"#;

fn rule_to_group(sim: &mut ecs_sim::sim::Sim, name: &str, pattern: &str, group: &str) {
    sim.call("events:PutRule", json!({ "Name": name, "EventPattern": pattern })).expect("rule");
    let arn = format!("arn:aws:logs:us-east-1:123456789012:log-group:{group}");
    sim.call("events:PutTargets", json!({ "Rule": name, "Targets": [{ "Id": "archive", "Arn": arn }] })).expect("target");
}

fn matched(sim: &ecs_sim::sim::Sim, rule: &str) -> Vec<Value> {
    let view = sim.view();
    let rule = view.events.rules.iter().find(|r| r.name == rule).expect("the rule is in the view");
    rule.matched.iter().map(|m| serde_json::from_str(&m.json).expect("matched events are JSON")).collect()
}

#[test]
fn a_stopped_task_rule_sees_each_crash_with_its_exit_code_and_writes_it_to_its_log_group() {
    let mut sim = run_scenario("oom-crash-loop", None, "1s");
    sim.call("logs:CreateLogGroup", json!({ "logGroupName": "/aws/events/ecs-stopped" })).expect("group");
    rule_to_group(&mut sim, "ecs-stopped", STOPPED_PATTERN, "/aws/events/ecs-stopped");
    advance(&mut sim, t("4m"));
    let events = matched(&sim, "ecs-stopped");
    assert!(!events.is_empty(), "a task stopped within four minutes");
    let event = events.last().expect("the first stop");
    // The envelope (ecs_cwe_events.md).
    assert_eq!(event["version"], "0");
    assert_eq!(event["source"], "aws.ecs");
    assert_eq!(event["detail-type"], "ECS Task State Change");
    assert_eq!(event["account"], "123456789012");
    assert_eq!(event["region"], "us-east-1");
    assert!(event["time"].as_str().unwrap().starts_with("2026-01-05T09:0"), "{}", event["time"]);
    assert_eq!(event["resources"][0], event["detail"]["taskArn"]);
    assert_eq!(event["id"].as_str().unwrap().len(), 36);
    // The detail: the stopped task with its container's exit code and reason (§4.3 #2).
    let detail = &event["detail"];
    assert_eq!(detail["lastStatus"], "STOPPED");
    assert_eq!(detail["desiredStatus"], "STOPPED");
    assert_eq!(detail["stopCode"], "EssentialContainerExited");
    assert_eq!(detail["stoppedReason"], "Essential container in task exited");
    assert_eq!(detail["containers"][0]["exitCode"], 137);
    assert!(detail["version"].as_u64().unwrap() > 1);
    assert!(detail["updatedAt"].is_string() && detail["stoppedAt"].is_string(), "times are ISO strings in events");
    assert!(detail.get("healthStatus").is_none(), "task health isn't provided in task state change events");
    assert_eq!(detail["attachments"][0]["type"], "eni");
    assert_eq!(detail["attachments"][0]["status"], "DELETED");
    // Only stops matched: no RUNNING or PENDING task change.
    assert!(events.iter().all(|e| e["detail"]["lastStatus"] == "STOPPED"));
    // The log group target got each matched event as JSON, one stream per event id.
    let logged = sim.call("logs:FilterLogEvents", json!({ "logGroupName": "/aws/events/ecs-stopped" })).expect("filter");
    let messages: Vec<Value> = logged["events"].as_array().unwrap().iter().map(|e| serde_json::from_str(e["message"].as_str().unwrap()).expect("whole JSON")).collect();
    assert_eq!(messages.len(), events.len());
    assert_eq!(messages[0]["id"], logged["events"][0]["logStreamName"]);
    assert_eq!(messages[0]["detail"]["stopCode"], "EssentialContainerExited");
    let view = sim.view();
    let rule = view.events.rules.iter().find(|r| r.name == "ecs-stopped").unwrap();
    assert_eq!(rule.targets[0].kind, "CloudWatch log group");
    assert_eq!((rule.targets[0].n_invocations, rule.targets[0].n_failed_invocations), (events.len() as u64, 0));
}

#[test]
fn a_task_is_followed_through_each_status_and_a_missing_group_fails_the_invocation() {
    let mut sim = run_scenario("oom-crash-loop", None, "1s");
    let pattern = r#"{"source":["aws.ecs"],"detail-type":["ECS Task State Change"]}"#;
    rule_to_group(&mut sim, "all-tasks", pattern, "/aws/events/missing");
    advance(&mut sim, t("3m20s"));
    let events = matched(&sim, "all-tasks");
    let first_task = events.last().unwrap()["detail"]["taskArn"].clone();
    let mut statuses: Vec<(String, String)> = events.iter().rev().filter(|e| e["detail"]["taskArn"] == first_task).map(|e| (e["detail"]["lastStatus"].as_str().unwrap().to_string(), e["detail"]["desiredStatus"].as_str().unwrap().to_string())).collect();
    statuses.dedup();
    let seen: Vec<&str> = statuses.iter().map(|(l, _)| l.as_str()).collect();
    for status in ["PROVISIONING", "PENDING", "RUNNING", "STOPPED"] {
        assert!(seen.contains(&status), "{status} in {seen:?}");
    }
    assert!(statuses.iter().any(|(l, d)| l != "STOPPED" && d == "STOPPED") || seen.contains(&"DEPROVISIONING"), "the stop is seen before STOPPED: {statuses:?}");
    let versions: Vec<u64> = events.iter().rev().filter(|e| e["detail"]["taskArn"] == first_task).map(|e| e["detail"]["version"].as_u64().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "versions only grow: {versions:?}");
    let view = sim.view();
    let rule = view.events.rules.iter().find(|r| r.name == "all-tasks").unwrap();
    assert_eq!(rule.targets[0].n_failed_invocations, rule.n_matched, "every delivery to a missing group fails");
    assert_eq!(rule.targets[0].last_error.as_deref(), Some("the log group /aws/events/missing does not exist."));
    assert!(rule.matched.len() <= ecs_sim::events::MAX_MATCHED_EVENTS_PER_RULE);
    assert_eq!(rule.n_matched, rule.matched.len() as u64 + rule.n_matched_dropped);
}

#[test]
fn service_actions_and_deployments_are_sent_with_their_event_names() {
    let mut sim = run_scenario("circuit-breaker-rollback", None, "1s");
    sim.call("events:PutRule", json!({ "Name": "actions", "EventPattern": r#"{"source":["aws.ecs"],"detail-type":["ECS Service Action"]}"# })).expect("rule");
    sim.call("events:PutRule", json!({ "Name": "deployments", "EventPattern": r#"{"source":[{"prefix":"aws.ec"}],"detail-type":["ECS Deployment State Change"]}"# })).expect("rule");
    advance(&mut sim, t("30m"));
    let actions = matched(&sim, "actions");
    assert!(actions.iter().any(|e| e["detail"]["eventName"] == "SERVICE_STEADY_STATE" && e["detail"]["eventType"] == "INFO"), "{actions:?}");
    for e in &actions {
        assert!(e["resources"][0].as_str().unwrap().contains(":service/"), "{e}");
        assert!(e["detail"]["clusterArn"].as_str().unwrap().contains(":cluster/"));
    }
    let deployments = matched(&sim, "deployments");
    let names: Vec<&str> = deployments.iter().rev().map(|e| e["detail"]["eventName"].as_str().unwrap()).collect();
    assert!(names.contains(&"SERVICE_DEPLOYMENT_FAILED"), "{names:?}");
    let failed = deployments.iter().find(|e| e["detail"]["eventName"] == "SERVICE_DEPLOYMENT_FAILED").unwrap();
    assert_eq!(failed["detail"]["reason"], "ECS deployment circuit breaker: task failed to start.");
    assert_eq!(failed["detail"]["eventType"], "ERROR");
    assert!(deployments.iter().any(|e| e["detail"]["reason"].as_str().unwrap().starts_with("ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/")), "{names:?}");
}

#[test]
fn container_instances_report_registration_and_deregistration() {
    let mut sim = run_scenario("instance-terminated", None, "0s");
    sim.call("events:PutRule", json!({ "Name": "instances", "EventPattern": r#"{"source":["aws.ecs"],"detail-type":["ECS Container Instance State Change"]}"# })).expect("rule");
    advance(&mut sim, t("20m"));
    let events = matched(&sim, "instances");
    assert!(!events.is_empty());
    let detail = &events.last().unwrap()["detail"];
    assert_eq!(detail["status"], "ACTIVE");
    assert_eq!(detail["agentConnected"], true);
    assert!(detail["clusterArn"].as_str().unwrap().contains(":cluster/"));
    assert!(detail["containerInstanceArn"].is_string() && detail["updatedAt"].is_string());
    assert!(events.iter().any(|e| e["detail"]["status"] == "INACTIVE" || e["detail"]["agentConnected"] == false), "the terminated instance is reported");
}

#[test]
fn a_run_without_a_rule_on_ecs_keeps_its_trace() {
    let plain = run_scenario("oom-crash-loop", None, "10m");
    let mut with_rule = run_scenario("oom-crash-loop", None, "0s");
    // A rule on another source does not make the engine build ECS events, and an ECS rule with a log group target
    // changes no ECS state: the traces differ only by the calls themselves, so compare the task outcomes.
    with_rule.call("events:PutRule", json!({ "Name": "s3-only", "EventPattern": r#"{"source":["aws.s3"]}"# })).expect("rule");
    advance(&mut with_rule, t("10m"));
    let stopped = |sim: &ecs_sim::sim::Sim| sim.describe_all()["tasks"].as_array().unwrap().iter().filter(|t| t["lastStatus"] == "STOPPED").count();
    assert_eq!(stopped(&plain), stopped(&with_rule));
    assert!(matched(&with_rule, "s3-only").is_empty());
}

#[test]
fn each_ec2_instance_keeps_the_agent_log_of_its_registration_pulls_transitions_and_exits() {
    let mut sim = run_scenario("instance-terminated", None, "10m");
    let view = sim.view();
    assert!(!view.agent_logs.is_empty());
    let instance = view.agent_logs.iter().find(|l| l.lines.iter().any(|(_, line)| line.contains("Task status transitioned"))).expect("an instance ran a task");
    let lines: Vec<&str> = instance.lines.iter().map(|(_, l)| l.as_ref()).collect();
    // logfmt as the agent writes it: level, time to the second, quoted message, fields, module.
    assert!(lines[0].starts_with("level=info time=2026-") && lines[0].ends_with("msg=\"Loading configuration\" module=agent.go"), "{}", lines[0]);
    assert!(lines.iter().any(|l| l.contains("msg=\"Registration completed successfully. I am running as 'arn:aws:ecs:us-east-1:123456789012:container-instance/")), "{lines:?}");
    for message in ["Pulling image for container concurrently", "Finished pulling image for container", "knownStatus=RUNNING"] {
        assert!(lines.iter().any(|l| l.contains(message)), "{message} in {lines:?}");
    }
    let keys: Vec<u64> = instance.lines.iter().map(|(k, _)| *k).collect();
    assert!(keys.windows(2).all(|w| w[1] == w[0] + 1), "line numbers follow each other");
    // The same log through the playground's read-only call, by EC2 instance id; a wrong id is refused.
    let answer = sim.call("sim:GetAgentLog", json!({ "instance": instance.ec2_instance_id })).expect("agent log");
    assert_eq!(answer["logFile"], "/var/log/ecs/ecs-agent.log");
    assert_eq!(answer["lines"].as_array().unwrap().len() as u64, instance.lines.len() as u64 + instance.n_left_out - answer["droppedLines"].as_u64().unwrap());
    let missing = sim.call("sim:GetAgentLog", json!({ "instance": "i-nope" })).unwrap_err();
    assert!(missing.message.starts_with("No container instance i-nope has an ECS agent log"), "{}", missing.message);
    // Fargate tasks write no agent log.
    let fargate = run_scenario("oom-crash-loop", None, "3m");
    assert!(fargate.view().agent_logs.is_empty());
}

#[test]
fn an_agent_log_stays_within_its_bound_and_counts_what_it_dropped() {
    // A crash loop on EC2 writes lines without end: each instance keeps its newest lines and counts the rest.
    let text = r##"{"formatVersion":1,"name":"EC2 crash loop","seed":3,"region":"us-east-1","startTime":"2026-01-05T09:00:00Z",
      "network":{"vpcId":"vpc-main","subnets":[{"subnetId":"subnet-a","availabilityZone":"us-east-1a","cidrBlock":"10.0.1.0/24"}]},
      "steps":[
        {"at":"0s","call":"ecs:CreateCluster","input":{"clusterName":"demo"}},
        {"at":"0s","call":"ec2:RunInstances","input":{"InstanceType":"m5.large","MinCount":1,"MaxCount":1,"SubnetId":"subnet-a","IamInstanceProfile":{"Name":"ecsInstanceRole"},"UserData":"#!/bin/bash\\necho ECS_CLUSTER=demo >> /etc/ecs/ecs.config"}},
        {"at":"0s","call":"sim:SetImageBehavior","input":{"image":"crash:1","behavior":"exit","exitCode":1,"runFor":"5s"}},
        {"at":"0s","call":"ecs:RegisterTaskDefinition","input":{"family":"crash","requiresCompatibilities":["EC2"],"containerDefinitions":[{"name":"app","image":"crash:1","memory":128,"essential":true}]}},
        {"at":"1m","call":"ecs:CreateService","input":{"cluster":"demo","serviceName":"crash","taskDefinition":"crash","desiredCount":1,"launchType":"EC2"}}
      ]}"##;
    let sim = run_scenario(text, None, "4h");
    let view = sim.view();
    let log = view.agent_logs.first().expect("the instance's log");
    assert_eq!(log.lines.len(), ecs_sim::sim::agent_log::MAX_VIEW_AGENT_LOG_LINES);
    assert!(log.n_left_out > ecs_sim::sim::agent_log::MAX_AGENT_LOG_LINES as u64, "{}", log.n_left_out);
    assert!(log.lines.iter().any(|(_, l)| l.starts_with("level=warn") && l.contains("msg=\"Container exited\"") && l.contains("exitCode=1")));
}

#[test]
fn a_rule_with_an_sns_topic_target_publishes_each_matched_event_to_the_topics_subscribers() {
    let mut sim = run_scenario("oom-crash-loop", None, "1s");
    let topic = sim.call("sns:CreateTopic", json!({ "Name": "ecs-stops" })).expect("topic")["TopicArn"].as_str().unwrap().to_string();
    // An SQS subscription in the same account needs no confirmation.
    sim.call("sns:Subscribe", json!({ "TopicArn": topic, "Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:123456789012:ecs-stops" })).expect("subscribe");
    sim.call("events:PutRule", json!({ "Name": "stops-to-sns", "EventPattern": STOPPED_PATTERN })).expect("rule");
    sim.call("events:PutTargets", json!({ "Rule": "stops-to-sns", "Targets": [{ "Id": "notify", "Arn": topic }] })).expect("target");
    advance(&mut sim, t("4m"));
    let events = matched(&sim, "stops-to-sns");
    assert!(!events.is_empty(), "a task stopped within four minutes");
    let view = sim.view();
    let delivered: Vec<Value> = view
        .notifications
        .inbox
        .iter()
        .filter(|m| m.endpoint.ends_with(":ecs-stops"))
        .map(|m| serde_json::from_str::<Value>(&m.body).expect("the SQS envelope is JSON"))
        .collect();
    assert_eq!(delivered.len(), events.len(), "one message per matched event");
    let envelope = &delivered[0];
    assert_eq!(envelope["Type"], "Notification");
    assert_eq!(envelope["TopicArn"], topic.as_str());
    assert_eq!(envelope["Subject"], Value::Null, "EventBridge publishes without a subject");
    let event: Value = serde_json::from_str(envelope["Message"].as_str().unwrap()).expect("the message is the event's JSON");
    assert_eq!(event["detail-type"], "ECS Task State Change");
    assert_eq!(event["detail"]["lastStatus"], "STOPPED");
    // A target on a topic that does not exist fails its invocations.
    sim.call("events:PutTargets", json!({ "Rule": "stops-to-sns", "Targets": [{ "Id": "gone", "Arn": "arn:aws:sns:us-east-1:123456789012:no-such-topic" }] })).expect("target");
    advance(&mut sim, t("7m30s"));
    let view = sim.view();
    let rule = view.events.rules.iter().find(|r| r.name == "stops-to-sns").unwrap();
    let gone = rule.targets.iter().find(|t| t.id == "gone").expect("the second target");
    assert!(gone.n_failed_invocations > 0, "{gone:?}");
}
