//! The view and the run stay bounded: stopped tasks leave the view after the retention (and beyond the
//! newest ones) with a count of those left out, the event log keeps its newest entries and counts the
//! dropped ones, the recorded calls stop at their limit, and the view's enums are AWS's strings.

use ecs_sim::scenario::BUILTIN_SCENARIOS;
use ecs_sim::sim::{Sim, LOG_DROP_BATCH, MAX_LOG_ENTRIES, MAX_RECORDED_CALLS};
use ecs_sim::time::SimTime;
use ecs_sim::view::{Ec2State, TaskStatus, MAX_VIEW_STOPPED_TASKS, STOPPED_TASK_RETENTION_MS, TERMINATED_INSTANCE_RETENTION_MS};
use ecs_sim_tests::*;
use serde_json::{json, Value};

/// A Fargate service of `desired` tasks whose image exits one second after it starts: the service
/// replaces each, so tasks stop all the time.
fn churning_service(desired: u32) -> String {
    json!({
        "formatVersion": 1,
        "name": "Churn",
        "seed": 11,
        "region": "us-east-1",
        "startTime": "2026-01-05T09:00:00Z",
        "network": { "vpcId": "vpc-main", "subnets": [
            { "subnetId": "subnet-a", "availabilityZone": "us-east-1a", "cidrBlock": "10.0.1.0/24" },
            { "subnetId": "subnet-b", "availabilityZone": "us-east-1b", "cidrBlock": "10.0.2.0/24" } ] },
        "steps": [
            { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo" } },
            { "at": "0s", "call": "sim:SetImageBehavior", "input": { "image": "batch:1", "behavior": "exit", "exitCode": 0, "runFor": "1s" } },
            { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": {
                "family": "job", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                "containerDefinitions": [ { "name": "job", "image": "batch:1", "essential": true } ] } },
            { "at": "5s", "call": "ecs:CreateService", "input": {
                "cluster": "demo", "serviceName": "churn", "taskDefinition": "job", "desiredCount": desired, "launchType": "FARGATE",
                "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a", "subnet-b"] } } } }
        ]
    })
    .to_string()
}

fn stopped_in_view(sim: &Sim) -> usize {
    sim.view().tasks.iter().filter(|t| t.last_status == TaskStatus::Stopped).count()
}

#[test]
fn a_stopped_task_stays_in_the_view_for_the_retention_then_is_counted_as_left_out() {
    let mut sim = run_scenario("fargate-web-service", None, "5m");
    let task = sim.view().tasks.iter().find(|t| t.last_status == TaskStatus::Running).expect("a running task").clone();
    sim.call("ecs:StopTask", json!({ "cluster": "demo", "task": task.arn })).expect("StopTask");
    advance(&mut sim, t("10m"));
    let view = sim.view();
    let stopped = view.tasks.iter().find(|t| t.id == task.id).expect("the stopped task is in the view");
    assert_eq!(stopped.last_status, TaskStatus::Stopped);
    assert_eq!(view.n_stopped_tasks_left_out, 0);
    let stopped_at = stopped.stopped_at.expect("stoppedAt");

    // Kept for the whole retention: an hour after it stopped it is still there.
    advance(&mut sim, SimTime(stopped_at.0 + STOPPED_TASK_RETENTION_MS));
    assert!(sim.view().tasks.iter().any(|t| t.id == task.id), "still in the view an hour after it stopped");

    // Then it leaves the view, which says so; the engine forgets it too (DescribeTasks answers MISSING, as ECS
    // does once a stopped task's hour is up), and the live tasks stay.
    advance(&mut sim, SimTime(stopped_at.0 + STOPPED_TASK_RETENTION_MS + 1_000));
    let view = sim.view();
    assert!(!view.tasks.iter().any(|t| t.id == task.id), "the task left the view");
    assert_eq!(view.n_stopped_tasks_left_out, 1);
    let described = sim.call("ecs:DescribeTasks", json!({ "cluster": "demo", "tasks": [task.arn] })).expect("DescribeTasks");
    assert_eq!(described["failures"][0]["reason"], "MISSING");
    let describe = sim.describe_all();
    let live = items(&describe, "tasks").iter().filter(|t| s(t, "lastStatus") != "STOPPED").count();
    assert_eq!(view.tasks.iter().filter(|t| t.last_status != TaskStatus::Stopped).count(), live);
    assert_eq!(live, 6);
}

#[test]
fn a_terminated_instance_stays_in_the_view_for_the_retention_then_is_counted_as_left_out() {
    let mut sim = run_scenario("instance-terminated", None, "15m");
    let view = sim.view();
    let terminated = view.instances.iter().find(|i| i.ec2_state == Ec2State::Terminated).expect("the FIS action terminated one").clone();
    let n_instances = view.instances.len();
    assert_eq!(view.n_terminated_instances_left_out, 0);
    advance(&mut sim, SimTime(terminated.since.0 + TERMINATED_INSTANCE_RETENTION_MS));
    assert!(sim.view().instances.iter().any(|i| i.ec2_instance_id == terminated.ec2_instance_id), "still in the view an hour after");
    advance(&mut sim, SimTime(terminated.since.0 + TERMINATED_INSTANCE_RETENTION_MS + 1_000));
    let view = sim.view();
    assert!(!view.instances.iter().any(|i| i.ec2_instance_id == terminated.ec2_instance_id), "the instance left the view");
    assert_eq!((view.instances.len(), view.n_terminated_instances_left_out), (n_instances - 1, 1));
    // DescribeInstances still lists it, terminated.
    let described = sim.call("ec2:DescribeInstances", json!({})).expect("DescribeInstances");
    let listed = described["Reservations"][0]["Instances"].as_array().expect("instances").iter().find(|i| s(i, "InstanceId") == terminated.ec2_instance_id).expect("listed");
    assert_eq!(listed["State"]["Name"], "terminated");
}

#[test]
fn the_view_holds_the_most_recently_stopped_tasks_up_to_the_limit_and_counts_the_rest() {
    let mut sim = Sim::new(&scenario(&churning_service(60)), None);
    advance(&mut sim, t("20m"));
    let describe = sim.describe_all();
    let tasks = items(&describe, "tasks");
    let n_stopped = tasks.iter().filter(|t| s(t, "lastStatus") == "STOPPED").count();
    assert!(n_stopped > MAX_VIEW_STOPPED_TASKS, "the churn stopped {n_stopped} tasks");
    let view = sim.view();
    assert_eq!(stopped_in_view(&sim), MAX_VIEW_STOPPED_TASKS);
    assert_eq!(view.n_stopped_tasks_left_out, (n_stopped - MAX_VIEW_STOPPED_TASKS) as u64);
    // Every live task is there, in creation order, and the stopped ones shown stopped last.
    let live: Vec<&str> = tasks.iter().filter(|t| s(t, "lastStatus") != "STOPPED").map(|t| s(t, "taskArn")).collect();
    let live_in_view: Vec<&str> = view.tasks.iter().filter(|t| t.last_status != TaskStatus::Stopped).map(|t| t.arn.as_str()).collect();
    assert_eq!(live_in_view, live);
    let shown: std::collections::BTreeSet<&str> = view.tasks.iter().map(|t| t.arn.as_str()).collect();
    let stopped_at = |t: &Value| s(t, "stoppedAt").to_string();
    let oldest_shown = tasks.iter().filter(|t| shown.contains(s(t, "taskArn")) && s(t, "lastStatus") == "STOPPED").map(stopped_at).min().expect("stopped tasks shown");
    let newest_left_out = tasks.iter().filter(|t| !shown.contains(s(t, "taskArn"))).map(stopped_at).max().expect("stopped tasks left out");
    assert!(newest_left_out <= oldest_shown, "a task left out ({newest_left_out}) stopped after one shown ({oldest_shown})");
}

#[test]
fn the_log_keeps_its_newest_entries_and_counts_the_dropped_ones() {
    let mut sim = Sim::new(&scenario(&churning_service(60)), None);
    let mut taken = Vec::new();
    for minute in 1..=40 {
        advance(&mut sim, SimTime(minute * 60_000));
        taken.extend(sim.take_log());
        assert!(sim.log().len() <= MAX_LOG_ENTRIES, "{} entries at minute {minute}", sim.log().len());
    }
    let dropped = sim.n_log_entries_dropped();
    assert!(dropped > 0, "the run logged {} entries and dropped none", taken.len());
    assert_eq!(dropped % LOG_DROP_BATCH as u64, 0);
    // Taken a minute at a time, nothing was lost: the log is the newest entries of everything taken.
    assert_eq!(sim.log().len() as u64 + dropped, taken.len() as u64);
    assert_eq!(sim.log(), &taken[dropped as usize..]);
    assert!(sim.log().len() > MAX_LOG_ENTRIES - LOG_DROP_BATCH);
    // `--describe`'s events are the log's (its calls excepted).
    let events = items(&sim.describe_all(), "events").len();
    assert_eq!(events, sim.log().iter().filter(|e| e.kind != ecs_sim::sim::LogKind::Call).count());
}

#[test]
fn a_call_past_the_recorded_call_limit_is_refused_and_changes_nothing() {
    let mut sim = run_scenario("fargate-web-service", None, "1m");
    for _ in 0..MAX_RECORDED_CALLS {
        sim.call("ecs:ListClusters", json!({})).expect("ListClusters");
    }
    assert_eq!(sim.recorded_calls().len(), MAX_RECORDED_CALLS);
    let (view, log_len, trace) = (sim.view(), sim.log().len(), sim.trace_hash());
    let error = sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": 1 })).expect_err("refused");
    assert_eq!(error.code, "RecordedCallLimitExceeded");
    assert!(error.message.contains(&MAX_RECORDED_CALLS.to_string()), "{}", error.message);
    assert_eq!(sim.recorded_calls().len(), MAX_RECORDED_CALLS);
    assert_eq!((sim.view(), sim.log().len(), sim.trace_hash()), (view, log_len, trace));
    // Not applied: the service keeps its four tasks until the scenario's own step scales it at 3m.
    advance(&mut sim, t("2m"));
    let web = sim.view().services.iter().find(|s| s.name == "web").map(|s| (s.desired_count, s.running_count));
    assert_eq!(web, Some((4, 4)));
}

/// `describe_all()`'s entry of `key` whose `field` is `value`.
fn find<'a>(describe: &'a Value, key: &str, field: &str, value: &str) -> &'a Value {
    items(describe, key).iter().find(|v| s(v, field) == value).unwrap_or_else(|| panic!("no {key} with {field} {value}"))
}

#[test]
fn the_views_enums_are_the_strings_describe_calls_give() {
    for (id, _) in BUILTIN_SCENARIOS {
        let s_ = scenario(id);
        let until = SimTime(s_.steps.iter().map(|s| s.at_ms).max().unwrap_or(0) + 600_000);
        let mut sim = Sim::new(&s_, None);
        advance(&mut sim, until);
        // The built-in scenarios' logs are whole, so `--describe` lists every event as before.
        assert_eq!(sim.n_log_entries_dropped(), 0, "{id}");
        let view = sim.view();
        let d = sim.describe_all();
        assert_eq!(view.n_stopped_tasks_left_out, 0, "{id}");
        assert_eq!(view.tasks.len(), items(&d, "tasks").len(), "{id}");
        for task in &view.tasks {
            let described = find(&d, "tasks", "taskArn", &task.arn);
            let fields = [task.last_status.as_aws(), task.desired_status.as_aws(), task.health_status.as_aws(), task.launch_type.as_aws()];
            assert_eq!(fields, [s(described, "lastStatus"), s(described, "desiredStatus"), s(described, "healthStatus"), s(described, "launchType")], "{id} task {}", task.id);
        }
        for service in &view.services {
            let described = items(&d, "services").iter().find(|v| s(v, "serviceName") == service.name && s(v, "clusterArn").ends_with(&format!("/{}", service.cluster))).expect("service");
            assert_eq!([service.status.as_aws(), service.scheduling_strategy.as_aws()], [s(described, "status"), s(described, "schedulingStrategy")], "{id} service {}", service.name);
            for (deployment, described) in service.deployments.iter().zip(described["deployments"].as_array().expect("deployments")) {
                assert_eq!([deployment.status.as_aws(), deployment.rollout_state.as_aws()], [s(described, "status"), s(described, "rolloutState")], "{id} service {}", service.name);
            }
        }
        for cluster in &view.clusters {
            assert_eq!(cluster.status.as_aws(), s(find(&d, "clusters", "clusterName", &cluster.name), "status"), "{id} cluster {}", cluster.name);
        }
        for td in &view.task_definitions {
            let described = find(&d, "taskDefinitions", "taskDefinitionArn", &td.arn);
            assert_eq!([td.status.as_aws(), td.network_mode.as_aws()], [s(described, "status"), s(described, "networkMode")], "{id} {}", td.arn);
            let compatibilities: Vec<&str> = td.compatibilities.iter().map(|c| c.as_aws()).collect();
            assert_eq!(json!(compatibilities), described["compatibilities"], "{id} {}", td.arn);
            assert_eq!(serde_json::from_str::<Value>(&td.json).expect("JSON"), *described, "{id}: the view's JSON is DescribeTaskDefinition's");
        }
        for instance in view.instances.iter().filter(|i| i.status.is_some()) {
            let arn = instance.container_instance_arn.as_deref().expect("registered");
            assert_eq!(instance.status.map(|s| s.as_aws()), Some(s(find(&d, "containerInstances", "containerInstanceArn", arn), "status")), "{id} {arn}");
        }
        let ec2 = sim.call("ec2:DescribeInstances", json!({})).expect("DescribeInstances");
        for instance in &view.instances {
            let described = ec2["Reservations"][0]["Instances"].as_array().expect("instances").iter().find(|i| s(i, "InstanceId") == instance.ec2_instance_id).expect("instance");
            assert_eq!(instance.ec2_state.as_aws(), described["State"]["Name"], "{id} {}", instance.ec2_instance_id);
        }
        for lb in &view.load_balancers {
            let described = sim.call("elasticloadbalancing:DescribeLoadBalancers", json!({ "LoadBalancerArns": [lb.arn] })).expect("DescribeLoadBalancers");
            assert_eq!(lb.lb_type.as_aws(), described["LoadBalancers"][0]["Type"], "{id} {}", lb.name);
        }
        for group in &view.target_groups {
            let described = sim.call("elasticloadbalancing:DescribeTargetHealth", json!({ "TargetGroupArn": group.arn })).expect("DescribeTargetHealth");
            let states: Vec<(String, u64, &str)> = group.targets.iter().map(|t| (t.id.clone(), t.port as u64, t.state.as_aws())).collect();
            let described: Vec<(String, u64, &str)> = described["TargetHealthDescriptions"]
                .as_array()
                .expect("descriptions")
                .iter()
                .map(|h| (s(&h["Target"], "Id").to_string(), h["Target"]["Port"].as_u64().unwrap_or(0), s(&h["TargetHealth"], "State")))
                .collect();
            assert_eq!(states, described, "{id} {}", group.name);
        }
        let alarms = sim.call("cloudwatch:DescribeAlarms", json!({})).expect("DescribeAlarms");
        for alarm in &view.scaling.alarms {
            let described = alarms["MetricAlarms"].as_array().expect("alarms").iter().find(|a| s(a, "AlarmName") == alarm.name).expect("alarm");
            let fields = [alarm.state.as_aws(), alarm.statistic.as_aws(), alarm.comparison.as_aws()];
            assert_eq!(fields, [s(described, "StateValue"), s(described, "Statistic"), s(described, "ComparisonOperator")], "{id} {}", alarm.name);
        }
        for fs in &view.file_systems {
            let described = sim.call("efs:DescribeFileSystems", json!({ "FileSystemId": fs.file_system_id })).expect("DescribeFileSystems");
            assert_eq!(fs.life_cycle_state.as_aws(), described["FileSystems"][0]["LifeCycleState"], "{id} {}", fs.file_system_id);
        }
    }
}

#[test]
fn the_view_gives_each_container_its_status_and_exit_code_as_describe_tasks_does() {
    // The churning service's containers exit with code 0 after a second: a stopped task's container carries it.
    let mut sim = run_scenario(&churning_service(2), None, "3m");
    let view = sim.view();
    let stopped = view.tasks.iter().find(|t| t.last_status == TaskStatus::Stopped).expect("a stopped task");
    assert_eq!(stopped.containers.len(), 1);
    assert_eq!(stopped.containers[0].name, "job");
    assert!(stopped.containers[0].essential);
    assert_eq!(stopped.containers[0].exit_code, Some(0));
    let described = sim.call("ecs:DescribeTasks", json!({ "cluster": "demo", "tasks": [stopped.arn] })).expect("DescribeTasks");
    let container = &described["tasks"][0]["containers"][0];
    assert_eq!(container["exitCode"], json!(0));
    assert_eq!(container["lastStatus"], json!(stopped.containers[0].last_status));
    // A running task's container has no exit code yet.
    let web = run_scenario("fargate-web-service", None, "5m").view();
    let running = web.tasks.iter().find(|t| t.last_status == TaskStatus::Running).expect("a running task");
    assert_eq!(running.containers[0].exit_code, None);
    assert_eq!(running.containers[0].last_status, "RUNNING");
}
