//! Container Insights performance log events: the field names, their order, units and dimension sets of each
//! event type (Cluster, Service, Task, Container) in its EC2 and Fargate variant, the group ECS makes for them,
//! the Logs Insights queries the CloudWatch User Guide runs on them, nothing written while the setting is
//! `disabled`, and the group within the store's bounds over a long random run.
//!
//! Source of every shape: CWUG Container-Insights-reference-performance-logs-ECS.md (the EC2 examples) and, for
//! Fargate, a real line quoted in /work/shared/reference/observability-troubleshooting.md §1.5.

use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::{json, Value};

/// One m5.large in cluster `demo` with Container Insights on; service `shop` of two EC2 tasks, each of two
/// containers (`app` 384 CPU units and 768 MiB, `sidecar` 128 CPU units and 256 MiB; the task reserves 512 and
/// 1,024); workload baseline 50 % CPU and 50 % memory. The instance registers at 45 s, the tasks run from about
/// 1 m 10 s.
const EC2_SCENARIO: &str = r##"{
  "formatVersion": 1, "name": "Performance events on EC2", "seed": 3, "region": "us-east-1", "startTime": "2026-01-05T09:00:00Z",
  "workloads": { "shop": { "cpuBaselinePercent": 50, "memoryBaselinePercent": 50 } },
  "steps": [
    { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo", "settings": [ { "name": "containerInsights", "value": "SETTING" } ] } },
    { "at": "0s", "call": "ec2:RunInstances", "input": { "InstanceType": "m5.large", "MinCount": 1, "MaxCount": 1,
        "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "#!/bin/bash\necho ECS_CLUSTER=demo >> /etc/ecs/ecs.config" } },
    { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "shop", "cpu": "512", "memory": "1024",
        "containerDefinitions": [
          { "name": "app", "image": "example/shop:1", "cpu": 384, "memory": 768, "essential": true, "portMappings": [ { "containerPort": 80, "hostPort": 0 } ] },
          { "name": "sidecar", "image": "example/proxy:1", "cpu": 128, "memory": 256, "essential": false } ] } },
    { "at": "0s", "call": "ecs:CreateService", "input": { "cluster": "demo", "serviceName": "shop", "taskDefinition": "shop", "desiredCount": 2 } }
  ]
}"##;

const GROUP: &str = "/aws/ecs/containerinsights/demo/performance";

fn ec2_run(setting: &str, until: &str) -> Sim {
    let mut sim = Sim::new(&scenario(&EC2_SCENARIO.replace("SETTING", setting)), None);
    advance(&mut sim, t(until));
    sim
}

/// The messages of the events FilterLogEvents finds in the performance group with `pattern`.
fn events(sim: &mut Sim, pattern: &str) -> Vec<String> {
    let out = sim.call("logs:FilterLogEvents", json!({ "logGroupName": GROUP, "filterPattern": pattern, "limit": 10000 })).expect("filtered");
    out["events"].as_array().expect("events").iter().map(|e| e["message"].as_str().expect("a message").to_string()).collect()
}

/// The top-level keys of a JSON object in the order they are written (serde_json's `Value` sorts them).
fn keys_in_order(message: &str) -> Vec<String> {
    let (mut keys, mut depth, mut in_string, mut escaped, mut current, mut expect_key) = (Vec::new(), 0, false, false, String::new(), false);
    for c in message.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                if expect_key {
                    keys.push(std::mem::take(&mut current));
                    expect_key = false;
                }
                continue;
            }
            if expect_key {
                current.push(c);
            }
            continue;
        }
        match c {
            '{' | '[' => {
                depth += 1;
                expect_key = depth == 1 && c == '{';
            }
            '}' | ']' => depth -= 1,
            ',' if depth == 1 => expect_key = true,
            '"' => in_string = true,
            _ => {}
        }
    }
    keys
}

fn parse(message: &str) -> Value {
    serde_json::from_str(message).expect("a performance event is JSON")
}

#[test]
fn ec2_task_events_have_the_field_set_units_and_dimensions_of_the_user_guide_example() {
    let mut sim = ec2_run("enabled", "4m");
    let tasks = events(&mut sim, "{ $.Type = \"Task\" }");
    assert!(tasks.len() >= 4, "two tasks a minute: {}", tasks.len());
    let last = tasks.last().expect("a Task event");
    // CWUG Container-Insights-reference-performance-logs-ECS.md, "Type: Task" (EC2), in its order; ServiceName is
    // the playground's addition on EC2 (the example task has no service), and the storage and network fields are
    // left out (the model moves no bytes).
    assert_eq!(
        keys_in_order(last),
        [
            "Version", "Type", "TaskId", "TaskDefinitionFamily", "TaskDefinitionRevision", "ContainerInstanceId", "EC2InstanceId", "ServiceName", "ClusterName",
            "AccountID", "Region", "AvailabilityZone", "KnownStatus", "LaunchType", "PullStartedAt", "PullStoppedAt", "CreatedAt", "StartedAt", "Timestamp",
            "CpuUtilized", "CpuReserved", "MemoryUtilized", "MemoryReserved", "CloudWatchMetrics"
        ]
    );
    let event = parse(last);
    assert_eq!((event["Version"].as_str(), event["KnownStatus"].as_str(), event["LaunchType"].as_str()), (Some("0"), Some("RUNNING"), Some("EC2")));
    assert_eq!((event["ClusterName"].as_str(), event["TaskDefinitionFamily"].as_str(), event["TaskDefinitionRevision"].as_str()), (Some("demo"), Some("shop"), Some("1")));
    assert_eq!(event["TaskId"].as_str().expect("an id").len(), 32, "a task id is 32 hex digits");
    assert!(event["EC2InstanceId"].as_str().expect("an instance").starts_with("i-"));
    assert_eq!(event["Timestamp"].as_u64().expect("ms") % 60_000, 0, "minute-aligned");
    // The workload's 50 % of 512 CPU units and of 1,024 MiB.
    assert_eq!((event["CpuUtilized"].as_f64(), event["CpuReserved"].as_u64()), (Some(256.0), Some(512)));
    assert_eq!((event["MemoryUtilized"].as_u64(), event["MemoryReserved"].as_u64()), (Some(512), Some(1024)));
    // The example's metrics block, with the units AWS gives (None for CPU units, Megabytes), less the storage and
    // network metrics; the {ClusterName, ServiceName} set of the metrics table (§1.3) for a service's task.
    assert_eq!(
        event["CloudWatchMetrics"],
        json!([{ "Namespace": "ECS/ContainerInsights",
            "Metrics": [{ "Name": "CpuUtilized", "Unit": "None" }, { "Name": "CpuReserved", "Unit": "None" },
                        { "Name": "MemoryUtilized", "Unit": "Megabytes" }, { "Name": "MemoryReserved", "Unit": "Megabytes" }],
            "Dimensions": [["ClusterName"], ["ClusterName", "TaskDefinitionFamily"], ["ClusterName", "ServiceName"]] }])
    );
}

#[test]
fn ec2_container_events_split_the_task_by_reservation_and_carry_no_metrics_block() {
    let mut sim = ec2_run("enabled", "4m");
    let containers = events(&mut sim, "{ $.Type = \"Container\" }");
    let last = containers.iter().rev().find(|m| m.contains("\"ContainerName\":\"app\"")).expect("an app Container event");
    // CWUG, "Type: Container" (EC2), in its order. "There is no CloudWatchMetrics block" (§1.5).
    assert_eq!(
        keys_in_order(last),
        [
            "Version", "Type", "ContainerName", "TaskId", "TaskDefinitionFamily", "TaskDefinitionRevision", "ContainerInstanceId", "EC2InstanceId", "ServiceName",
            "ClusterName", "Image", "ContainerKnownStatus", "Timestamp", "CpuUtilized", "CpuReserved", "MemoryUtilized", "MemoryReserved"
        ]
    );
    let app = parse(last);
    assert_eq!((app["Image"].as_str(), app["ContainerKnownStatus"].as_str()), (Some("example/shop:1"), Some("RUNNING")));
    // The task uses 256 CPU units and 512 MiB: app reserves three quarters of each, the sidecar one quarter.
    assert_eq!((app["CpuUtilized"].as_f64(), app["CpuReserved"].as_u64(), app["MemoryUtilized"].as_u64(), app["MemoryReserved"].as_u64()), (Some(192.0), Some(384), Some(384), Some(768)));
    let sidecar = containers
        .iter()
        .rev()
        .map(|m| parse(m))
        .find(|e| e["ContainerName"] == "sidecar" && e["TaskId"] == app["TaskId"] && e["Timestamp"] == app["Timestamp"])
        .expect("the sidecar of the same task, same minute");
    assert_eq!((sidecar["CpuUtilized"].as_f64(), sidecar["MemoryUtilized"].as_u64(), sidecar["MemoryReserved"].as_u64()), (Some(64.0), Some(128), Some(256)));
    // Task and Container events of an EC2 task share the instance's stream.
    let out = sim.call("logs:FilterLogEvents", json!({ "logGroupName": GROUP, "filterPattern": "{ $.Type = \"Container\" }", "limit": 1 })).expect("filtered");
    assert!(out["events"][0]["logStreamName"].as_str().expect("a stream").starts_with("AgentTelemetry-"));
}

#[test]
fn service_and_cluster_events_are_the_user_guide_examples() {
    let mut sim = ec2_run("enabled", "4m");
    let service = events(&mut sim, "{ $.Type = \"Service\" }");
    let last = service.last().expect("a Service event");
    // CWUG, "Type: Service", field for field.
    assert_eq!(
        keys_in_order(last),
        ["Version", "Type", "ServiceName", "ClusterName", "Timestamp", "DesiredTaskCount", "RunningTaskCount", "PendingTaskCount", "DeploymentCount", "TaskSetCount", "CloudWatchMetrics"]
    );
    let event = parse(last);
    assert_eq!((event["DesiredTaskCount"].as_u64(), event["RunningTaskCount"].as_u64(), event["PendingTaskCount"].as_u64(), event["DeploymentCount"].as_u64()), (Some(2), Some(2), Some(0), Some(1)));
    assert_eq!(
        event["CloudWatchMetrics"][0]["Metrics"],
        json!([{ "Name": "DesiredTaskCount", "Unit": "Count" }, { "Name": "RunningTaskCount", "Unit": "Count" }, { "Name": "PendingTaskCount", "Unit": "Count" },
               { "Name": "DeploymentCount", "Unit": "Count" }, { "Name": "TaskSetCount", "Unit": "Count" }])
    );
    assert_eq!(event["CloudWatchMetrics"][0]["Dimensions"], json!([["ServiceName", "ClusterName"]]));
    let cluster = events(&mut sim, "{ $.Type = \"Cluster\" }");
    let last = cluster.last().expect("a Cluster event");
    // CWUG, "Type: Cluster", field for field.
    assert_eq!(keys_in_order(last), ["Version", "Type", "ClusterName", "Timestamp", "TaskCount", "ContainerInstanceCount", "ServiceCount", "CloudWatchMetrics"]);
    let event = parse(last);
    assert_eq!((event["TaskCount"].as_u64(), event["ContainerInstanceCount"].as_u64(), event["ServiceCount"].as_u64()), (Some(2), Some(1), Some(1)));
    assert_eq!(event["CloudWatchMetrics"][0]["Dimensions"], json!([["ClusterName"]]));
    // The streams of a real account: ClusterTelemetry-<cluster>, ServiceTelemetry-<service> (§1.2).
    let streams = sim.call("logs:DescribeLogStreams", json!({ "logGroupName": GROUP })).expect("described");
    let names: Vec<&str> = streams["logStreams"].as_array().expect("streams").iter().map(|s| s["logStreamName"].as_str().expect("a name")).collect();
    assert!(names.contains(&"ClusterTelemetry-demo") && names.contains(&"ServiceTelemetry-shop"), "{names:?}");
}

#[test]
fn fargate_events_drop_the_instance_ids_and_name_the_service_after_the_revision() {
    let mut sim = Sim::new(&scenario("fargate-web-service"), None);
    advance(&mut sim, t("1s"));
    sim.call("ecs:UpdateClusterSettings", json!({ "cluster": "demo", "settings": [{ "name": "containerInsights", "value": "enabled" }] })).expect("enabled");
    advance(&mut sim, t("4m"));
    let tasks = events(&mut sim, "{ $.Type = \"Task\" }");
    let last = tasks.last().expect("a Task event");
    // The real Fargate line of §1.5: ServiceName after TaskDefinitionRevision, then ClusterName, KnownStatus,
    // CreatedAt, StartedAt, Timestamp and the numbers; EphemeralStorageReserved 21.47; LaunchType FARGATE.
    assert_eq!(
        keys_in_order(last),
        [
            "Version", "Type", "TaskId", "TaskDefinitionFamily", "TaskDefinitionRevision", "ServiceName", "ClusterName", "KnownStatus", "CreatedAt", "StartedAt",
            "Timestamp", "CpuUtilized", "CpuReserved", "MemoryUtilized", "MemoryReserved", "EphemeralStorageReserved", "LaunchType", "CloudWatchMetrics"
        ]
    );
    let event = parse(last);
    assert_eq!((event["LaunchType"].as_str(), event["EphemeralStorageReserved"].as_f64(), event["CpuReserved"].as_u64()), (Some("FARGATE"), Some(21.47), Some(256)));
    let container = parse(events(&mut sim, "{ $.Type = \"Container\" }").last().expect("a Container event"));
    assert!(container.get("ContainerInstanceId").is_none() && container.get("EC2InstanceId").is_none(), "no instance on Fargate: {container}");
    assert_eq!(container["ServiceName"], "web");
    let out = sim.call("logs:FilterLogEvents", json!({ "logGroupName": GROUP, "filterPattern": "{ $.Type = \"Task\" }", "limit": 1 })).expect("filtered");
    assert!(out["events"][0]["logStreamName"].as_str().expect("a stream").starts_with("FargateTelemetry-"), "{out}");
}

#[test]
fn enhanced_task_events_add_the_task_level_dimension_sets() {
    let mut sim = ec2_run("enhanced", "4m");
    let event = parse(events(&mut sim, "{ $.Type = \"Task\" }").last().expect("a Task event"));
    // §1.4: the enhanced tier adds C+S+T and C+F+T to the task metrics' dimension sets.
    assert_eq!(
        event["CloudWatchMetrics"][0]["Dimensions"],
        json!([["ClusterName"], ["ClusterName", "TaskDefinitionFamily"], ["ClusterName", "ServiceName"], ["ClusterName", "ServiceName", "TaskId"], ["ClusterName", "TaskDefinitionFamily", "TaskId"]])
    );
}

#[test]
fn the_user_guide_queries_run_on_the_performance_group() {
    let mut sim = ec2_run("enabled", "6m");
    // CWUG Container-Insights-view-metrics.md: "stats avg(CpuUtilized) as CPU, avg(MemoryUtilized) as Mem by
    // TaskId, ContainerName | sort Mem, CPU desc".
    let start_s = 1_767_603_600u64;
    let started = sim
        .call("logs:StartQuery", json!({ "logGroupName": GROUP, "startTime": start_s, "endTime": start_s + 600,
            "queryString": "filter Type = \"Container\" | stats avg(CpuUtilized) as CPU, avg(MemoryUtilized) as Mem by TaskId, ContainerName | sort Mem desc" }))
        .expect("started");
    let results = sim.call("logs:GetQueryResults", json!({ "queryId": started["queryId"] })).expect("results");
    let rows = results["results"].as_array().expect("rows");
    assert_eq!(rows.len(), 4, "two tasks of two containers: {results}");
    let field = |row: &Value, name: &str| row.as_array().expect("a row").iter().find(|f| f["field"] == name).map(|f| f["value"].as_str().expect("a value").to_string());
    assert_eq!((field(&rows[0], "ContainerName").as_deref(), field(&rows[0], "Mem").as_deref(), field(&rows[0], "CPU").as_deref()), (Some("app"), Some("384"), Some("192")));
    assert_eq!((field(&rows[3], "ContainerName").as_deref(), field(&rows[3], "Mem").as_deref()), (Some("sidecar"), Some("128")));
    assert_eq!(results["status"], "Complete");
}

#[test]
fn a_disabled_cluster_writes_no_performance_events_and_disabling_stops_them() {
    let mut sim = ec2_run("disabled", "6m");
    assert!(!sim.logs().groups.contains_key(GROUP), "no group while disabled");
    sim.call("ecs:UpdateClusterSettings", json!({ "cluster": "demo", "settings": [{ "name": "containerInsights", "value": "enabled" }] })).expect("enabled");
    advance(&mut sim, t("9m"));
    let group = &sim.logs().groups[GROUP];
    assert_eq!(group.retention_in_days, Some(1), "ECS makes the group with a one-day retention");
    let n = group.n_events;
    assert!(n > 0);
    sim.call("ecs:UpdateClusterSettings", json!({ "cluster": "demo", "settings": [{ "name": "containerInsights", "value": "disabled" }] })).expect("disabled");
    advance(&mut sim, t("15m"));
    assert_eq!(sim.logs().groups[GROUP].n_events, n, "no events after the setting is disabled");
}

/// A long random run: a Fargate service scaled at random between 0 and 150 tasks (beyond the events written per
/// minute) and the setting switched between its values; the performance group, its streams and the account
/// stay within the store's bounds, and the tasks left out of a minute are counted.
#[test]
fn the_performance_group_stays_within_the_store_bounds_over_a_long_random_run() {
    let mut sim = Sim::new(&scenario("fargate-web-service"), None);
    advance(&mut sim, t("10s"));
    sim.call("ecs:UpdateClusterSettings", json!({ "cluster": "demo", "settings": [{ "name": "containerInsights", "value": "enhanced" }] })).expect("enhanced");
    let mut rng = ecs_sim::rng::Prng::new(15);
    let group_name = "/aws/ecs/containerinsights/demo/performance";
    let mut max_group_events = 0usize;
    for step in 1..=60u64 {
        match rng.next_u32() % 10 {
            0 => {
                let value = ["enabled", "enhanced", "disabled"][(rng.next_u32() % 3) as usize];
                sim.call("ecs:UpdateClusterSettings", json!({ "cluster": "demo", "settings": [{ "name": "containerInsights", "value": value }] })).expect("set");
            }
            _ => {
                let desired = rng.next_u32() % 151;
                sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": desired })).expect("scaled");
            }
        }
        advance(&mut sim, ecs_sim::time::SimTime(step * 5 * 60_000));
        let logs = sim.logs();
        assert!(logs.n_events <= ecs_sim::logs::MAX_EVENTS_PER_ACCOUNT);
        if let Some(group) = logs.groups.get(group_name) {
            assert!(group.n_events <= ecs_sim::logs::MAX_EVENTS_PER_GROUP, "{} events", group.n_events);
            assert!(group.streams.len() <= ecs_sim::logs::MAX_STREAMS_PER_GROUP);
            assert_eq!(group.n_events, group.streams.values().map(|s| s.events.len()).sum::<usize>(), "the group's count is its streams' events");
            for stream in group.streams.values() {
                assert!(stream.events.len() <= ecs_sim::logs::MAX_EVENTS_PER_STREAM, "{}: {}", stream.name, stream.events.len());
            }
            max_group_events = max_group_events.max(group.n_events);
        }
    }
    assert!(max_group_events > ecs_sim::logs::MAX_EVENTS_PER_GROUP / 2, "the run came near the group's bound: {max_group_events}");
    assert!(sim.logs().groups[group_name].n_events_dropped > 0, "and the oldest events were dropped and counted");
    assert!(sim.n_performance_tasks_left_out() > 0, "minutes of more than 100 RUNNING tasks left some out, counted");
}

/// The dashboard's numbers at each level, and the way down and back (reference §1.6).
#[test]
fn the_dashboard_drills_from_the_cluster_to_a_container_with_the_numbers_of_each_level() {
    use ecs_sim::sim::insights_dashboard::InsightsScope;
    let sim = ec2_run("enabled", "10m");
    let latest = |d: &ecs_sim::sim::insights_dashboard::InsightsDashboard, k: &str| d.latest.iter().find(|(l, _)| l == k).map(|(_, v)| v.clone());
    let cluster = sim.insights_dashboard("demo", &InsightsScope::Cluster).expect("the cluster exists");
    assert_eq!(cluster.setting, "enabled");
    assert_eq!(latest(&cluster, "CPU utilized").as_deref(), Some("512 of 1024 CPU units (50.0 %)"));
    assert_eq!(latest(&cluster, "TaskCount").as_deref(), Some("2"));
    let titles: Vec<&str> = cluster.charts.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["Cluster demo CPU: utilized and reserved", "Cluster demo memory: utilized and reserved", "Cluster demo task counts"]);
    assert_eq!(cluster.charts.iter().map(|c| c.y_unit).collect::<Vec<_>>(), ["CPU units", "MiB", "count"]);
    assert!(cluster.minutes.len() >= 8 && cluster.charts.iter().all(|c| c.lines.iter().all(|l| l.values.len() == cluster.minutes.len())), "one value per minute");
    assert_eq!(cluster.rows_title, "Services");
    assert_eq!(cluster.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["shop"]);

    let service = sim.insights_dashboard("demo", &cluster.rows[0].scope).expect("the service");
    assert_eq!(service.breadcrumb.iter().map(|b| b.0.as_str()).collect::<Vec<_>>(), ["Cluster demo", "Service shop"]);
    assert_eq!((latest(&service, "DesiredTaskCount").as_deref(), latest(&service, "RunningTaskCount").as_deref()), (Some("2"), Some("2")));
    assert_eq!(service.rows.len(), 2, "its two tasks");
    assert_eq!((service.rows[0].cpu_utilized, service.rows[0].cpu_reserved, service.rows[0].memory_reserved_mib), (256.0, 512.0, 1024.0));

    let task = sim.insights_dashboard("demo", &service.rows[0].scope).expect("the task");
    assert!(matches!(&task.scope, InsightsScope::Task { service: Some(s), .. } if s == "shop"));
    assert_eq!(latest(&task, "Memory utilized").as_deref(), Some("512 of 1024 MiB (50.0 %)"));
    assert!(task.minutes.len() >= 8, "a Task event a minute: {:?}", task.minutes);
    assert_eq!(task.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["app", "sidecar"], "containers by CPU");

    let container = sim.insights_dashboard("demo", &task.rows[1].scope).expect("the container");
    assert_eq!(latest(&container, "CPU utilized").as_deref(), Some("64 of 128 CPU units (50.0 %)"));
    assert_eq!(container.breadcrumb.len(), 4, "cluster, service, task, container");
    assert_eq!(container.breadcrumb[2].1, task.scope, "the breadcrumb leads back to the task");
    assert!(container.rows.is_empty());

    let disabled = ec2_run("disabled", "5m");
    let d = disabled.insights_dashboard("demo", &InsightsScope::Cluster).expect("the cluster");
    assert_eq!(d.setting, "disabled");
    assert!(d.latest.is_empty() && d.minutes.is_empty(), "nothing to show while disabled");
    assert!(disabled.insights_dashboard("nope", &InsightsScope::Cluster).is_none());
}

/// The out-of-memory crash loop is diagnosable on the memory chart: each minute's Task event of a task shows
/// MemoryUtilized rising towards its 512 MiB limit, the Container event agrees, and every task that shows a climb
/// is then stopped by the kernel (exit code 137).
#[test]
fn the_oom_crash_loop_shows_memory_climbing_to_the_limit_before_each_kill() {
    let mut sim = run_scenario("oom-crash-loop", None, "7m30s");
    let group = "/aws/ecs/containerinsights/shop/performance";
    let answer = sim.call("logs:FilterLogEvents", json!({ "logGroupName": group, "filterPattern": "{ $.Type = \"Task\" }", "limit": 10000 })).expect("filtered");
    let mut per_task: std::collections::BTreeMap<String, Vec<(u64, u64)>> = std::collections::BTreeMap::new();
    for event in answer["events"].as_array().expect("events") {
        let doc: Value = serde_json::from_str(event["message"].as_str().expect("a message")).expect("JSON");
        assert_eq!(doc["MemoryReserved"], 512);
        let used = doc["MemoryUtilized"].as_u64().expect("MemoryUtilized");
        assert!(used <= 512, "never above the hard limit: {used}");
        per_task.entry(doc["TaskId"].as_str().expect("TaskId").to_string()).or_default().push((doc["Timestamp"].as_u64().expect("Timestamp"), used));
    }
    let climbing: Vec<(&String, &Vec<(u64, u64)>)> = per_task.iter().filter(|(_, points)| points.len() >= 3).collect();
    assert!(climbing.len() >= 4, "two generations of two tasks, each sampled at least three minutes: {per_task:?}");
    let describe = sim.describe_all();
    for (task_id, points) in &climbing {
        assert!(points.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1), "{task_id}: MemoryUtilized rises minute by minute: {points:?}");
        let last = points.last().expect("a point").1;
        assert!(last >= 400, "{task_id}: close to the 512 MiB limit before the kill: {points:?}");
        let task = items(&describe, "tasks").iter().find(|t| t["taskArn"].as_str().is_some_and(|a| a.ends_with(task_id.as_str()))).expect("the task");
        assert_eq!(task["lastStatus"], "STOPPED", "{task_id} was killed");
        assert_eq!(task["containers"][0]["exitCode"], 137, "{task_id}: the out-of-memory kill");
        assert!(task["containers"][0]["reason"].as_str().is_some_and(|r| r.starts_with("OutOfMemoryError")), "{task}");
    }
    // The Container event of the minute says the same as its Task event.
    let containers = sim.call("logs:FilterLogEvents", json!({ "logGroupName": group, "filterPattern": "{ $.Type = \"Container\" && $.MemoryUtilized > 400 }" })).expect("filtered");
    assert!(!containers["events"].as_array().expect("events").is_empty(), "the container's own memory climbs too");
}
