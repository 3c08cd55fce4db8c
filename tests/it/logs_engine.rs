//! CloudWatch Logs in the engine: the `awslogs` driver as ECS applies it (a missing group, create-group and the
//! execution role's permissions, stream names), what containers write (start-up, requests served, the lines
//! before an exit, SIGTERM), the Logs calls over a real run, and the bounds over a long one.

use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::{json, Value};

fn awslogs_task(sim: &mut Sim, family: &str, role: &str, options: Value) {
    sim.call("ecs:RegisterTaskDefinition", json!({
        "family": family, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
        "executionRoleArn": format!("arn:aws:iam::123456789012:role/{role}"),
        "containerDefinitions": [ { "name": "app", "image": format!("example/{family}:1"), "essential": true,
            "portMappings": [ { "containerPort": 8080 } ],
            "logConfiguration": { "logDriver": "awslogs", "options": options } } ] }))
    .expect("registered");
}

fn run_task(sim: &mut Sim, family: &str) -> String {
    let out = sim
        .call("ecs:RunTask", json!({ "cluster": "demo", "taskDefinition": family, "launchType": "FARGATE",
            "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"] } } }))
        .expect("launched");
    s(&out["tasks"][0], "taskArn").to_string()
}

fn describe_task(sim: &mut Sim, arn: &str) -> Value {
    sim.call("ecs:DescribeTasks", json!({ "cluster": "demo", "tasks": [arn] })).expect("described")["tasks"][0].clone()
}

fn options(group: &str, extra: Value) -> Value {
    let mut o = json!({ "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs" });
    for (k, v) in extra.as_object().expect("an object") {
        o[k] = v.clone();
    }
    o
}

fn messages(answer: &Value) -> Vec<String> {
    answer["events"].as_array().expect("events").iter().map(|e| e["message"].as_str().expect("a message").to_string()).collect()
}

#[test]
fn a_missing_log_group_stops_the_task_with_the_drivers_text() {
    let mut sim = Sim::new(&scenario("fargate-web-service"), None);
    advance(&mut sim, t("1s"));
    awslogs_task(&mut sim, "nolog", "ecsTaskExecutionRole", options("/ecs/nolog", json!({})));
    let arn = run_task(&mut sim, "nolog");
    advance(&mut sim, t("3m"));
    let task = describe_task(&mut sim, &arn);
    assert_eq!(s(&task, "lastStatus"), "STOPPED");
    assert_eq!(s(&task, "stopCode"), "TaskFailedToStart");
    assert_eq!(
        s(&task, "stoppedReason"),
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1"
    );
    assert!(task.get("startedAt").is_none(), "the container never started");
    let groups = sim.call("logs:DescribeLogGroups", json!({})).expect("listed");
    assert_eq!(groups["logGroups"], json!([]), "nothing was created");
}

#[test]
fn create_group_needs_logs_create_log_group_on_the_execution_role() {
    let mut sim = Sim::new(&scenario("fargate-web-service"), None);
    advance(&mut sim, t("1s"));
    // AmazonECSTaskExecutionRolePolicy has CreateLogStream and PutLogEvents, not CreateLogGroup.
    awslogs_task(&mut sim, "mkgroup", "ecsTaskExecutionRole", options("/ecs/mkgroup", json!({ "awslogs-create-group": "true" })));
    let arn = run_task(&mut sim, "mkgroup");
    advance(&mut sim, t("3m"));
    let task = describe_task(&mut sim, &arn);
    let task_id = arn.rsplit('/').next().expect("an id");
    assert_eq!(
        s(&task, "stoppedReason"),
        format!("ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log group: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/{task_id} is not authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:us-east-1:123456789012:log-group:/ecs/mkgroup:log-stream: because no identity-based policy allows the logs:CreateLogGroup action : exit status 1")
    );

    // A role that may create groups: the group appears, with the task's stream.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    sim.call("iam:CreateRole", json!({ "RoleName": "logs-exec", "AssumeRolePolicyDocument": trust })).expect("role");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;
    sim.call("iam:PutRolePolicy", json!({ "RoleName": "logs-exec", "PolicyName": "logs", "PolicyDocument": policy })).expect("policy");
    awslogs_task(&mut sim, "mkgroup2", "logs-exec", options("/ecs/mkgroup2", json!({ "awslogs-create-group": "true" })));
    let arn = run_task(&mut sim, "mkgroup2");
    advance(&mut sim, t("6m"));
    assert_eq!(s(&describe_task(&mut sim, &arn), "lastStatus"), "RUNNING");
    let task_id = arn.rsplit('/').next().expect("an id");
    let streams = sim.call("logs:DescribeLogStreams", json!({ "logGroupName": "/ecs/mkgroup2" })).expect("streams");
    assert_eq!(streams["logStreams"][0]["logStreamName"], format!("ecs/app/{task_id}"));
    let events = sim.call("logs:GetLogEvents", json!({ "logGroupName": "/ecs/mkgroup2", "logStreamName": format!("ecs/app/{task_id}"), "startFromHead": true })).expect("events");
    assert_eq!(messages(&events), vec!["Starting app from image example/mkgroup2:1", "Listening on 0.0.0.0:8080", "Ready to accept connections"]);
}

#[test]
fn containers_write_start_up_exit_and_shutdown_lines_that_filter_and_insights_find() {
    let mut sim = Sim::new(&scenario("fargate-web-service"), None);
    advance(&mut sim, t("1s"));
    sim.call("logs:CreateLogGroup", json!({ "logGroupName": "/ecs/crash" })).expect("group");
    sim.call("sim:SetImageBehavior", json!({ "image": "example/crash:1", "behavior": "exit", "exitCode": 137, "runFor": "40s",
        "logMessage": "loading the whole catalogue into memory" })).expect("behaviour");
    awslogs_task(&mut sim, "crash", "ecsTaskExecutionRole", options("/ecs/crash", json!({})));
    let arn = run_task(&mut sim, "crash");
    sim.call("logs:CreateLogGroup", json!({ "logGroupName": "/ecs/calm" })).expect("group");
    awslogs_task(&mut sim, "calm", "ecsTaskExecutionRole", options("/ecs/calm", json!({})));
    let calm = run_task(&mut sim, "calm");
    advance(&mut sim, t("3m"));
    sim.call("ecs:StopTask", json!({ "cluster": "demo", "task": calm })).expect("stopped");
    advance(&mut sim, t("5m"));

    let task = describe_task(&mut sim, &arn);
    assert_eq!(task["containers"][0]["exitCode"], 137);
    let task_id = arn.rsplit('/').next().expect("an id");
    let stream = format!("ecs/app/{task_id}");
    let events = sim.call("logs:GetLogEvents", json!({ "logGroupName": "/ecs/crash", "logStreamName": stream, "startFromHead": true })).expect("events");
    let lines = messages(&events);
    assert_eq!(&lines[3..], ["loading the whole catalogue into memory", "WARN memory usage at 97% of its 512 MiB limit", "FATAL out of memory: cannot allocate 67108864 bytes"]);
    let times: Vec<u64> = events["events"].as_array().expect("events").iter().map(|e| e["timestamp"].as_u64().expect("ms")).collect();
    assert_eq!(times[3] - times[0], 40_000, "the last lines come 40 s after the start, in epoch milliseconds");
    assert!(times[0] > 1_767_600_000_000, "timestamps are epoch milliseconds of the scenario's start time");

    // The view keeps a stopped task's stream, so the Why? panel can say where its last lines are.
    let view = sim.view();
    let named = view.logs.task_streams.iter().find(|s| s.task_id == task_id).expect("the stopped task's stream is in the view");
    assert_eq!((named.group.as_str(), named.stream.as_str(), named.container_name.as_str()), ("/ecs/crash", stream.as_str(), "app"));
    let found = sim.call("logs:FilterLogEvents", json!({ "logGroupName": "/ecs/crash", "filterPattern": "?FATAL ?panic" })).expect("filtered");
    assert_eq!(messages(&found), vec!["FATAL out of memory: cannot allocate 67108864 bytes"]);
    assert_eq!(found["events"][0]["logStreamName"], stream);

    let calm_id = calm.rsplit('/').next().expect("an id");
    let calm_events = sim.call("logs:GetLogEvents", json!({ "logGroupName": "/ecs/calm", "logStreamName": format!("ecs/app/{calm_id}") })).expect("events");
    assert_eq!(messages(&calm_events)[3..], ["Received SIGTERM, shutting down gracefully", "Shutdown complete"]);

    let start_s = 1_767_603_600u64 - 3_600;
    let started = sim
        .call("logs:StartQuery", json!({ "logGroupNames": ["/ecs/crash", "/ecs/calm"], "startTime": start_s, "endTime": start_s + 7_200,
            "queryString": "filter @message like /(?i)fatal|sigterm/ | stats count(*) as n by @logStream | sort n desc" }))
        .expect("started");
    let results = sim.call("logs:GetQueryResults", json!({ "queryId": started["queryId"] })).expect("results");
    assert_eq!(results["status"], "Complete");
    assert_eq!(results["results"].as_array().expect("rows").len(), 2, "{results}");
}

#[test]
fn tasks_behind_a_load_balancer_log_a_sample_of_the_requests_they_serve() {
    let mut doc: Value = serde_json::from_str(ecs_sim::scenario::BUILTIN_SCENARIOS.iter().find(|(id, _)| *id == "alb-path-routing").expect("a built-in").1).expect("json");
    let steps = doc["steps"].as_array_mut().expect("steps");
    steps.insert(0, json!({ "at": "0s", "call": "logs:CreateLogGroup", "input": { "logGroupName": "/ecs/shop" } }));
    for step in steps.iter_mut().filter(|s| s["call"] == "ecs:RegisterTaskDefinition") {
        step["input"]["executionRoleArn"] = json!("arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
        for container in step["input"]["containerDefinitions"].as_array_mut().expect("containers") {
            container["logConfiguration"] = json!({ "logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/shop", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "shop" } });
        }
    }
    let mut sim = Sim::new(&scenario(&doc.to_string()), None);
    advance(&mut sim, t("8m"));
    let found = sim.call("logs:FilterLogEvents", json!({ "logGroupName": "/ecs/shop", "filterPattern": "\"HTTP/1.1\" 200" })).expect("filtered");
    let lines = messages(&found);
    assert!(lines.len() >= 6, "sampled request lines: {lines:?}");
    let summaries = sim.call("logs:FilterLogEvents", json!({ "logGroupName": "/ecs/shop", "filterPattern": "served requests logged" })).expect("filtered");
    let summary = &messages(&summaries)[0];
    assert!(summary.starts_with("served ") && summary.ends_with(" requests in the last minute (3 logged)"), "{summary}");
}

#[test]
fn a_day_of_a_crash_loop_stays_within_the_log_bounds() {
    let mut sim = Sim::new(&scenario("fargate-web-service"), None);
    advance(&mut sim, t("1s"));
    sim.call("logs:CreateLogGroup", json!({ "logGroupName": "/ecs/loop" })).expect("group");
    sim.call("sim:SetImageBehavior", json!({ "image": "example/loop:1", "behavior": "exit", "exitCode": 1, "runFor": "20s" })).expect("behaviour");
    awslogs_task(&mut sim, "loop", "ecsTaskExecutionRole", options("/ecs/loop", json!({})));
    sim.call("ecs:CreateService", json!({ "cluster": "demo", "serviceName": "loop", "taskDefinition": "loop", "desiredCount": 6, "launchType": "FARGATE",
        "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a", "subnet-b"] } } })).expect("service");
    let mut max_streams = 0;
    for hour in 1..=24 {
        advance(&mut sim, t(&format!("{hour}h")));
        let logs = sim.logs();
        let group = &logs.groups["/ecs/loop"];
        assert!(group.streams.len() <= ecs_sim::logs::MAX_STREAMS_PER_GROUP);
        assert!(group.n_events <= ecs_sim::logs::MAX_EVENTS_PER_GROUP);
        assert!(logs.n_events <= ecs_sim::logs::MAX_EVENTS_PER_ACCOUNT);
        for stream in group.streams.values() {
            assert!(stream.events.len() <= ecs_sim::logs::MAX_EVENTS_PER_STREAM);
        }
        max_streams = max_streams.max(group.streams.len());
        assert!(sim.view().logs.groups.iter().all(|g| g.streams.len() <= ecs_sim::sim::logs_view::MAX_VIEW_LOG_STREAMS));
    }
    let group = &sim.logs().groups["/ecs/loop"];
    assert_eq!(max_streams, ecs_sim::logs::MAX_STREAMS_PER_GROUP, "the crash loop made more streams than a group keeps");
    assert!(group.n_streams_dropped > 0, "and the oldest were dropped and counted");
}

#[test]
fn container_insights_writes_performance_events_that_queries_read() {
    let mut sim = Sim::new(&scenario("fargate-web-service"), None);
    advance(&mut sim, t("1s"));
    sim.call("ecs:UpdateClusterSettings", json!({ "cluster": "demo", "settings": [{ "name": "containerInsights", "value": "enabled" }] })).expect("enabled");
    advance(&mut sim, t("6m"));
    let group = "/aws/ecs/containerinsights/demo/performance";
    let groups = sim.call("logs:DescribeLogGroups", json!({ "logGroupNamePrefix": "/aws/ecs/containerinsights/" })).expect("listed");
    assert_eq!(groups["logGroups"][0]["logGroupName"], group);
    assert_eq!(groups["logGroups"][0]["retentionInDays"], 1, "ECS makes the group with a one-day retention");
    let service = sim.call("logs:FilterLogEvents", json!({ "logGroupName": group, "filterPattern": "{ $.Type = \"Service\" && $.RunningTaskCount = 6 }" })).expect("filtered");
    let last: Value = serde_json::from_str(messages(&service).last().expect("a Service event at 6 tasks")).expect("JSON");
    assert_eq!((last["ServiceName"].as_str(), last["DesiredTaskCount"].as_u64(), last["PendingTaskCount"].as_u64()), (Some("web"), Some(6), Some(0)));
    assert_eq!(last["Timestamp"].as_u64().expect("ms") % 60_000, 0, "minute-aligned");
    assert_eq!(service["events"][0]["logStreamName"], "ServiceTelemetry-web");
    let cluster = sim.call("logs:FilterLogEvents", json!({ "logGroupName": group, "logStreamNames": ["ClusterTelemetry-demo"] })).expect("filtered");
    let last: Value = serde_json::from_str(messages(&cluster).last().expect("Cluster events")).expect("JSON");
    assert_eq!((last["TaskCount"].as_u64(), last["ServiceCount"].as_u64()), (Some(6), Some(1)));
    let start_s = 1_767_603_600u64;
    let started = sim
        .call("logs:StartQuery", json!({ "logGroupName": group, "startTime": start_s, "endTime": start_s + 600,
            "queryString": "filter Type = \"Task\" | stats avg(CpuUtilized) as CPU, avg(MemoryReserved) as Mem by TaskId | sort CPU desc" }))
        .expect("started");
    let results = sim.call("logs:GetQueryResults", json!({ "queryId": started["queryId"] })).expect("results");
    let rows = results["results"].as_array().expect("rows");
    assert_eq!(rows.len(), 6, "one row per task: {results}");
    assert_eq!(rows[0][2], json!({ "field": "Mem", "value": "512" }));
}

#[test]
fn the_oom_crash_loop_scenario_is_found_through_the_logs_and_ends_with_revision_2() {
    let mut sim = run_scenario("oom-crash-loop", None, "7m");
    let describe = sim.describe_all();
    let crashed: Vec<_> = items(&describe, "tasks").iter().filter(|t| s(t, "lastStatus") == "STOPPED").collect();
    assert!(crashed.len() >= 4, "a crash loop, two tasks killed every two and a half minutes: {} stopped tasks", crashed.len());
    for task in &crashed {
        assert_eq!(task["containers"][0]["exitCode"], 137);
        assert_eq!(s(task, "stopCode"), "EssentialContainerExited");
    }
    // The cause is in the log: every crashed task's stream ends with the FATAL line.
    let fatal = sim.call("logs:FilterLogEvents", json!({ "logGroupName": "/ecs/catalog", "filterPattern": "FATAL" })).expect("filtered");
    let streams: std::collections::BTreeSet<String> =
        fatal["events"].as_array().expect("events").iter().map(|e| e["logStreamName"].as_str().expect("a stream").to_string()).collect();
    assert_eq!(streams.len(), crashed.len(), "one FATAL line per crashed task");
    let per_minute = sim
        .call("logs:StartQuery", json!({ "logGroupName": "/ecs/catalog", "startTime": 1_767_603_600u64, "endTime": 1_767_604_200u64,
            "queryString": "filter @message like /FATAL/ | stats count(*) as crashes by bin(1m)" }))
        .expect("started");
    let results = sim.call("logs:GetQueryResults", json!({ "queryId": per_minute["queryId"] })).expect("results");
    assert!(results["results"].as_array().expect("rows").len() >= 2, "crashes minute after minute: {results}");
    // Container Insights shows the memory the tasks reserved.
    let perf = sim.call("logs:FilterLogEvents", json!({ "logGroupName": "/aws/ecs/containerinsights/shop/performance", "filterPattern": "{ $.Type = \"Task\" && $.MemoryReserved = 512 }" })).expect("filtered");
    assert!(!messages(&perf).is_empty(), "Task performance events of the 512 MiB tasks");
    advance(&mut sim, t("14m"));
    let describe = sim.describe_all();
    assert_eq!(tasks_with(&describe, "service:catalog", "RUNNING").len(), 2);
    let late = sim.call("logs:FilterLogEvents", json!({ "logGroupName": "/ecs/catalog", "filterPattern": "FATAL", "startTime": 1_767_603_600_000u64 + 11 * 60_000 })).expect("filtered");
    assert!(messages(&late).is_empty(), "revision 2 no longer crashes");
}

#[test]
fn the_missing_log_group_scenario_fails_tasks_until_the_group_exists() {
    let mut sim = run_scenario("missing-log-group", None, "3m50s");
    let describe = sim.describe_all();
    let failed: Vec<_> = items(&describe, "tasks").iter().filter(|t| s(t, "lastStatus") == "STOPPED").collect();
    assert!(failed.len() >= 2);
    for task in &failed {
        assert_eq!(s(task, "stopCode"), "TaskFailedToStart");
        assert!(s(task, "stoppedReason").ends_with("ResourceNotFoundException: The specified log group does not exist. : exit status 1"), "{}", s(task, "stoppedReason"));
    }
    assert!(tasks_with(&describe, "service:web", "RUNNING").is_empty());
    advance(&mut sim, t("10m"));
    let describe = sim.describe_all();
    let running = tasks_with(&describe, "service:web", "RUNNING");
    assert_eq!(running.len(), 2, "the tasks start once the group exists");
    let streams = sim.call("logs:DescribeLogStreams", json!({ "logGroupName": "/ecs/web" })).expect("streams");
    let names: Vec<&str> = streams["logStreams"].as_array().expect("streams").iter().map(|s| s["logStreamName"].as_str().expect("a name")).collect();
    for task in running {
        let id = s(task, "taskArn").rsplit('/').next().expect("an id").to_string();
        assert!(names.contains(&format!("ecs/web/{id}").as_str()), "{names:?}");
    }
}
