//! Capacity providers in the engine: strategy splits and validation, tasks waiting in PROVISIONING for
//! managed scaling, the CapacityProviderReservation they drive, scale-in that never terminates an instance
//! with tasks, Fargate Spot interruptions and the Fargate task launch rate.

use ecs_sim::table::Table;
use ecs_sim::sim::LogKind;

use ecs_sim::rng::Prng;
use ecs_sim::scaling::{split_by_strategy, StrategyItem};
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::{json, Value};

const EMPTY_WORLD: &str = r#"{ "formatVersion": 1, "name": "capacity test", "seed": 5,
  "steps": [ { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "c" } } ] }"#;

fn ok(sim: &mut Sim, call: &str, input: Value) -> Value {
    sim.call(call, input.clone()).unwrap_or_else(|e| panic!("{call} {input}: {e}"))
}

/// A cluster `c` whose instances come from an Auto Scaling group of m5.large (2 `worker` tasks of 1 vCPU and
/// 3 GiB each) behind capacity provider `cp` with managed scaling; FARGATE and FARGATE_SPOT associated too.
fn asg_world(seed: u64, desired: u32, max: u32, termination_protection: bool) -> Sim {
    let mut sim = Sim::new(&scenario(EMPTY_WORLD), Some(seed));
    advance(&mut sim, t("0s"));
    ok(&mut sim, "ec2:CreateLaunchTemplate", json!({ "LaunchTemplateName": "lt-m5", "LaunchTemplateData": {
        "InstanceType": "m5.large", "IamInstanceProfile": { "Name": "ecsInstanceRole" },
        "UserData": "#!/bin/bash\necho ECS_CLUSTER=c >> /etc/ecs/ecs.config" } }));
    ok(&mut sim, "autoscaling:CreateAutoScalingGroup", json!({ "AutoScalingGroupName": "asg", "LaunchTemplate": { "LaunchTemplateName": "lt-m5" },
        "MinSize": 0, "MaxSize": max, "DesiredCapacity": desired, "VPCZoneIdentifier": "subnet-default-a,subnet-default-b,subnet-default-c",
        "NewInstancesProtectedFromScaleIn": termination_protection }));
    ok(&mut sim, "ecs:CreateCapacityProvider", json!({ "name": "cp", "autoScalingGroupProvider": { "autoScalingGroupArn": "asg",
        "managedScaling": { "status": "ENABLED", "targetCapacity": 100, "instanceWarmupPeriod": 60 },
        "managedTerminationProtection": if termination_protection { "ENABLED" } else { "DISABLED" } } }));
    ok(&mut sim, "ecs:PutClusterCapacityProviders", json!({ "cluster": "c", "capacityProviders": ["cp", "FARGATE", "FARGATE_SPOT"],
        "defaultCapacityProviderStrategy": [ { "capacityProvider": "cp", "weight": 1 } ] }));
    ok(&mut sim, "ecs:RegisterTaskDefinition", json!({ "family": "worker", "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [ { "name": "worker", "image": "example/worker:1", "cpu": 1024, "memory": 3072, "essential": true } ] }));
    ok(&mut sim, "ecs:RegisterTaskDefinition", json!({ "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
        "cpu": "256", "memory": "512", "containerDefinitions": [ { "name": "web", "image": "nginx:1.27", "essential": true } ] }));
    sim
}

fn awsvpc() -> Value {
    json!({ "awsvpcConfiguration": { "subnets": ["subnet-default-a", "subnet-default-b", "subnet-default-c"] } })
}

#[test]
fn strategy_splits_follow_base_then_weight() {
    let item = |provider: &str, base, weight| StrategyItem { provider: provider.into(), base, weight };
    let none = Table::new();
    let table: Vec<(Vec<StrategyItem>, u32, Vec<(&str, u32)>)> = vec![
        // Base 2 on FARGATE first; the other 8 split 1:3: 8 × 1/4 = 2 FARGATE, 8 × 3/4 = 6 SPOT → 2 + 2 = 4 and 6.
        (vec![item("FARGATE", 2, 1), item("FARGATE_SPOT", 0, 3)], 10, vec![("FARGATE", 4), ("FARGATE_SPOT", 6)]),
        // 1:4 over 10 tasks: 10 × 1/5 = 2 on A, 10 × 4/5 = 8 on B.
        (vec![item("A", 0, 1), item("B", 0, 4)], 10, vec![("A", 2), ("B", 8)]),
        // Base 3 with 2 tasks: the base is not reached, both go to A.
        (vec![item("A", 3, 1), item("B", 0, 1)], 2, vec![("A", 2)]),
        // A weight-0 provider gets its base only: 1 on A, the other 4 on B.
        (vec![item("A", 1, 0), item("B", 0, 1)], 5, vec![("A", 1), ("B", 4)]),
        // Equal weights over an odd count: 3 tasks 1:1 → 2 and 1, the tie going to the first provider.
        (vec![item("A", 0, 1), item("B", 0, 1)], 3, vec![("A", 2), ("B", 1)]),
        // A single provider of weight 0 takes every task.
        (vec![item("A", 0, 0)], 4, vec![("A", 4)]),
    ];
    for (strategy, n, want) in table {
        let got = split_by_strategy(&strategy, n, &none);
        let want: Vec<(String, u32)> = want.into_iter().map(|(p, c)| (p.to_string(), c)).collect();
        assert_eq!(got, want, "{strategy:?} × {n}");
    }
    // With tasks already running the split continues the ratio: FARGATE 4 (2 above base), SPOT 4; next task:
    // FARGATE (2 + 1) / 1 = 3 against SPOT (4 + 1) / 3 ≈ 1.7 → SPOT; then 3 against 6/3 = 2 → SPOT again.
    let current: Table<String, u32> = [("FARGATE".to_string(), 4), ("FARGATE_SPOT".to_string(), 4)].into_iter().collect();
    assert_eq!(split_by_strategy(&[item("FARGATE", 2, 1), item("FARGATE_SPOT", 0, 3)], 2, &current), vec![("FARGATE_SPOT".to_string(), 2)]);
}

#[test]
fn run_task_records_the_capacity_provider_of_each_task() {
    let mut sim = asg_world(1, 0, 0, false);
    let out = ok(&mut sim, "ecs:RunTask", json!({ "cluster": "c", "taskDefinition": "web", "count": 8, "networkConfiguration": awsvpc(),
        "capacityProviderStrategy": [ { "capacityProvider": "FARGATE", "base": 2, "weight": 1 }, { "capacityProvider": "FARGATE_SPOT", "weight": 1 } ] }));
    let providers: Vec<&str> = out["tasks"].as_array().unwrap().iter().map(|t| s(t, "capacityProviderName")).collect();
    // Base 2 on FARGATE, then 6 split 1:1 → FARGATE 2 + 3 = 5, SPOT 3.
    assert_eq!(providers.iter().filter(|p| **p == "FARGATE").count(), 5);
    assert_eq!(providers.iter().filter(|p| **p == "FARGATE_SPOT").count(), 3);
    assert!(out["tasks"].as_array().unwrap().iter().all(|t| s(t, "launchType") == "FARGATE"));
    let id = s(&out["tasks"][0], "taskArn").to_string();
    let described = ok(&mut sim, "ecs:DescribeTasks", json!({ "cluster": "c", "tasks": [id] }));
    assert_eq!(s(&described["tasks"][0], "capacityProviderName"), "FARGATE");
    let view = sim.view();
    assert_eq!(view.tasks.iter().filter(|t| t.capacity_provider.as_deref() == Some("FARGATE_SPOT")).count(), 3);
}

#[test]
fn strategy_validation_errors_are_worded_like_aws() {
    let mut sim = asg_world(1, 0, 0, false);
    let mut other = Sim::new(&scenario(EMPTY_WORLD), None);
    advance(&mut other, t("0s"));
    let cases: Vec<(Value, &str)> = vec![
        (json!({ "launchType": "FARGATE", "capacityProviderStrategy": [ { "capacityProvider": "FARGATE", "weight": 1 } ] }),
         "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again."),
        (json!({ "capacityProviderStrategy": [ { "capacityProvider": "nope", "weight": 1 } ] }), "The specified capacity provider 'nope' was not found."),
        (json!({ "capacityProviderStrategy": [ { "capacityProvider": "FARGATE", "base": 1, "weight": 1 }, { "capacityProvider": "FARGATE_SPOT", "base": 1, "weight": 1 } ] }),
         "Only one capacity provider in a capacity provider strategy can have a base defined."),
        (json!({ "capacityProviderStrategy": [ { "capacityProvider": "FARGATE", "weight": 1 }, { "capacityProvider": "cp", "weight": 1 } ] }),
         "cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers"),
        (json!({ "capacityProviderStrategy": [ { "capacityProvider": "FARGATE" }, { "capacityProvider": "FARGATE_SPOT" } ] }),
         "must have a weight greater than 0"),
        (json!({ "capacityProviderStrategy": [ { "capacityProvider": "FARGATE", "weight": 1001 } ] }), "weight"),
        (json!({ "capacityProviderStrategy": [ { "capacityProvider": "FARGATE", "base": -1, "weight": 1 } ] }), "base"),
        (json!({ "capacityProviderStrategy": (0..21).map(|_| json!({ "capacityProvider": "FARGATE", "weight": 1 })).collect::<Vec<_>>() }),
         "at most 20 capacity providers"),
    ];
    for (extra, wanted) in cases {
        let mut input = json!({ "cluster": "c", "taskDefinition": "web", "networkConfiguration": awsvpc() });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        let error = sim.call("ecs:RunTask", input.clone()).expect_err(&format!("{extra} must be refused"));
        assert_eq!(error.code, "InvalidParameterException", "{extra}");
        assert!(error.message.contains(wanted), "{extra}: {}", error.message);
        let mut service = input.clone();
        service["serviceName"] = json!("s");
        service["desiredCount"] = json!(1);
        assert!(sim.call("ecs:CreateService", service).is_err(), "CreateService {extra} must be refused too");
    }
    // FARGATE exists in every account but must be associated with the cluster first.
    ok(&mut other, "ecs:RegisterTaskDefinition", json!({ "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
        "cpu": "256", "memory": "512", "containerDefinitions": [ { "name": "web", "image": "nginx:1.27" } ] }));
    let error = other
        .call("ecs:RunTask", json!({ "cluster": "c", "taskDefinition": "web", "networkConfiguration": awsvpc(), "capacityProviderStrategy": [ { "capacityProvider": "FARGATE", "weight": 1 } ] }))
        .expect_err("FARGATE is not associated with c");
    assert!(error.message.contains("cannot contain a capacity provider that is not associated with the cluster"), "{}", error.message);
}

#[test]
fn waiting_tasks_are_placed_when_the_instances_register() {
    let mut sim = Sim::new(&scenario("managed-scaling-growth"), None);
    advance(&mut sim, t("6m1s"));
    let d = sim.describe_all();
    let waiting: Vec<&Value> = items(&d, "tasks").iter().filter(|t| s(t, "lastStatus") == "PROVISIONING").collect();
    // 12 desired, 4 running on the two m5.large (2 tasks of 1 vCPU / 3 GiB each): 8 wait, with no instance.
    assert_eq!(waiting.len(), 8);
    assert!(waiting.iter().all(|t| t.get("containerInstanceArn").is_none() && s(t, "capacityProviderName") == "workers-cp"));
    assert_eq!(service(&d, "worker")["capacityProviderStrategy"], json!([ { "capacityProvider": "workers-cp", "base": 0, "weight": 1 } ]));
    assert!(service(&d, "worker").get("launchType").is_none(), "a strategy service shows no launchType");
    let ids: Vec<String> = waiting.iter().map(|t| s(t, "taskArn").to_string()).collect();
    advance(&mut sim, t("10m"));
    let d = sim.describe_all();
    for id in &ids {
        let task = items(&d, "tasks").iter().find(|t| s(t, "taskArn") == id).expect("task");
        assert_eq!(s(task, "lastStatus"), "RUNNING", "{id} placed and started");
        assert!(task.get("containerInstanceArn").is_some());
    }
    // Placed when the instances launched at 7m registered (boot 30 s + agent 15 s), not before.
    let placed = sim.log().iter().filter(|e| e.message.contains("after waiting for capacity")).collect::<Vec<_>>();
    assert_eq!(placed.len(), 8);
    assert!(placed.iter().all(|e| e.time == t("7m45s")), "{:?}", placed.iter().map(|e| e.time).collect::<Vec<_>>());
}

#[test]
fn capacity_provider_reservation_counts_the_waiting_tasks() {
    let mut sim = Sim::new(&scenario("managed-scaling-growth"), None);
    advance(&mut sim, t("1m"));
    // An alarm on the managed scaling metric shows its datapoints in the state reason.
    ok(&mut sim, "cloudwatch:PutMetricAlarm", json!({ "AlarmName": "cpr", "Namespace": "AWS/ECS/ManagedScaling", "MetricName": "CapacityProviderReservation",
        "Dimensions": [ { "Name": "CapacityProviderName", "Value": "workers-cp" }, { "Name": "ClusterName", "Value": "demo" } ],
        "Statistic": "Average", "Period": 60, "EvaluationPeriods": 1, "Threshold": 100, "ComparisonOperator": "GreaterThanThreshold" }));
    advance(&mut sim, t("9m"));
    let alarm = sim.log().iter().find(|e| e.kind == LogKind::Alarm && e.message.contains("is ALARM")).expect("the reservation went above 100");
    // At 7m: M = 2 busy instances + 4 for the 8 waiting tasks (2 per m5.large) = 6, N = 2 → 6 / 2 × 100 = 300.
    assert!(alarm.message.contains("[300.0 "), "{}", alarm.message);
    // Back to 100 once the 6 instances each run 2 tasks: 6 / 6 × 100.
    let ok_again = sim.log().iter().find(|e| e.kind == LogKind::Alarm && e.message.contains("is OK") && e.time > alarm.time).expect("back to OK");
    assert!(ok_again.message.contains("[100.0 "), "{}", ok_again.message);
}

#[test]
fn run_task_waits_for_capacity_from_zero_instances_and_times_out_without_any() {
    let mut sim = asg_world(2, 0, 4, true);
    let out = ok(&mut sim, "ecs:RunTask", json!({ "cluster": "c", "taskDefinition": "worker", "count": 3 }));
    assert_eq!(out["tasks"].as_array().unwrap().len(), 3, "RunTask answers with the PROVISIONING tasks");
    assert!(out["tasks"].as_array().unwrap().iter().all(|t| s(t, "lastStatus") == "PROVISIONING"));
    advance(&mut sim, t("5m"));
    let d = sim.describe_all();
    // From zero instances managed scaling launches at least 2 (the 200 % case); 3 tasks need 2 instances.
    assert_eq!(items(&d, "tasks").iter().filter(|t| s(t, "lastStatus") == "RUNNING").count(), 3);

    // An Auto Scaling group that cannot grow (MaxSize 0): the task waits, then stops after 30 minutes.
    let mut stuck = asg_world(2, 0, 0, false);
    ok(&mut stuck, "ecs:RunTask", json!({ "cluster": "c", "taskDefinition": "worker" }));
    advance(&mut stuck, t("29m"));
    assert_eq!(s(&items(&stuck.describe_all(), "tasks")[0], "lastStatus"), "PROVISIONING");
    advance(&mut stuck, t("31m"));
    let d = stuck.describe_all();
    let task = &items(&d, "tasks")[0];
    assert_eq!((s(task, "lastStatus"), s(task, "stopCode")), ("STOPPED", "TaskFailedToStart"));
    assert_eq!(s(task, "stoppedReason"), "TaskFailedToStart: EMPTY CAPACITY PROVIDER");
}

/// Random loads on a managed-scaling cluster with managed termination protection: scale-in never terminates
/// an instance that runs a service task, and drains each instance before its termination.
#[test]
fn managed_scale_in_never_terminates_an_instance_with_tasks() {
    let mut n_terminated = 0;
    for seed in 0..6u64 {
        let mut rng = Prng::new(seed);
        let mut sim = asg_world(seed, 1, 8, true);
        ok(&mut sim, "ecs:CreateService", json!({ "cluster": "c", "serviceName": "worker", "taskDefinition": "worker", "desiredCount": 2 }));
        let mut at_ms = 0u64;
        for _ in 0..6 {
            at_ms += 5 * 60_000 + rng.below(20) as u64 * 60_000;
            advance(&mut sim, ecs_sim::time::SimTime(at_ms));
            let desired = rng.below(13);
            ok(&mut sim, "ecs:UpdateService", json!({ "cluster": "c", "service": "worker", "desiredCount": desired }));
        }
        ok(&mut sim, "ecs:UpdateService", json!({ "cluster": "c", "service": "worker", "desiredCount": 1 }));
        advance(&mut sim, ecs_sim::time::SimTime(at_ms + 60 * 60_000));
        let d = sim.describe_all();
        for task in items(&d, "tasks") {
            assert!(!s(task, "stoppedReason").starts_with("Host EC2"), "seed {seed}: a task lost its instance: {task}");
        }
        let log = sim.log();
        for (idx, entry) in log.iter().enumerate().filter(|(_, e)| e.message.ends_with("is shutting down.")) {
            n_terminated += 1;
            let id = entry.message.split(' ').nth(1).unwrap_or("");
            let drained = log[..idx].iter().any(|e| e.message == format!("Container instance {id} is now DRAINING."));
            assert!(drained, "seed {seed}: {id} terminated without draining first");
        }
        assert_eq!(service(&d, "worker")["runningCount"], json!(1), "seed {seed}");
    }
    assert!(n_terminated > 0, "the loads shrank the groups at least once");
}

#[test]
fn spot_interruption_warns_then_stops_two_minutes_later_and_the_service_replaces() {
    let mut sim = Sim::new(&scenario("fargate-spot-interruption"), None);
    advance(&mut sim, t("4m"));
    let d = sim.describe_all();
    let on = |d: &Value, p: &str| items(d, "tasks").iter().filter(|t| s(t, "capacityProviderName") == p && s(t, "desiredStatus") == "RUNNING").count();
    // Base 2 then 1:3 over 8: FARGATE 2 + 2, SPOT 6.
    assert_eq!((on(&d, "FARGATE"), on(&d, "FARGATE_SPOT")), (4, 6));
    advance(&mut sim, t("5m1s"));
    let d = sim.describe_all();
    let warned: Vec<&Value> = items(&d, "tasks").iter().filter(|t| s(t, "stopCode") == "TerminationNotice").collect();
    assert_eq!(warned.len(), 2);
    for task in &warned {
        // The warning: desiredStatus STOPPED while the task still runs (ECSDG example event).
        assert_eq!((s(task, "desiredStatus"), s(task, "lastStatus")), ("STOPPED", "RUNNING"));
        assert_eq!(s(task, "stoppedReason"), "Your Spot Task was interrupted.");
        assert_eq!(s(task, "capacityProviderName"), "FARGATE_SPOT");
    }
    let warning_log = sim.log().iter().filter(|e| e.message.starts_with("ECS Task State Change") && e.message.contains("TerminationNotice")).count();
    assert_eq!(warning_log, 2);
    // Replacements start at the warning, on the strategy: FARGATE (2 + 1) / 1 = 3 vs SPOT (4 + 1) / 3 → SPOT twice.
    assert_eq!((on(&d, "FARGATE"), on(&d, "FARGATE_SPOT")), (4, 6));
    let ids: Vec<String> = warned.iter().map(|t| s(t, "taskArn").to_string()).collect();
    // The view marks the warned tasks with the moment they stop (5 m + 2 m); the others carry none.
    let view = sim.view();
    let marked: Vec<(&str, u64)> = view.tasks.iter().filter_map(|t| t.spot_stop_at.map(|at| (t.arn.as_str(), at.as_millis()))).collect();
    assert_eq!(marked.len(), 2);
    assert!(marked.iter().all(|(arn, at)| ids.iter().any(|id| id == arn) && *at == t("7m").as_millis()), "{marked:?}");
    assert_eq!(view.clusters[0].capacity_providers, ["FARGATE", "FARGATE_SPOT"]);
    advance(&mut sim, t("6m59s"));
    let d = sim.describe_all();
    assert!(ids.iter().all(|id| items(&d, "tasks").iter().any(|t| s(t, "taskArn") == id && s(t, "lastStatus") == "RUNNING")), "still running before t + 2 min");
    advance(&mut sim, t("7m"));
    let d = sim.describe_all();
    for id in &ids {
        let task = items(&d, "tasks").iter().find(|t| s(t, "taskArn") == id).expect("task");
        assert_eq!((s(task, "lastStatus"), s(task, "stopCode")), ("STOPPED", "SpotInterruption"));
        assert_eq!(s(task, "stoppedAt"), "2026-01-05T09:07:00.000Z", "two minutes after the 5m warning");
        assert_eq!(s(task, "stoppedReason"), "Your Spot Task was interrupted.");
    }
    assert_eq!(service(&d, "web")["runningCount"], json!(10));
    assert!(sim.view().tasks.iter().all(|t| t.spot_stop_at.is_none()), "a stopped task is no longer marked");
    // A standing rate interrupts Spot tasks on its own, deterministically.
    let mut a = Sim::new(&scenario("fargate-spot-interruption"), None);
    ok(&mut a, "sim:InterruptSpotTasks", json!({ "percentPerHour": 100 }));
    advance(&mut a, t("30m"));
    let interrupted = items(&a.describe_all(), "tasks").iter().filter(|t| s(t, "stopCode") == "SpotInterruption").count();
    assert!(interrupted > 2, "100 % an hour over 30 minutes of 6 Spot tasks: {interrupted}");
    assert!(sim.call("sim:InterruptSpotTasks", json!({ "cluster": "demo" })).is_err(), "needs tasks or count");
}

#[test]
fn fargate_launch_rate_throttles_run_task_and_paces_services() {
    let mut sim = asg_world(3, 0, 0, false);
    let run = |sim: &mut Sim| sim.call("ecs:RunTask", json!({ "cluster": "c", "taskDefinition": "web", "count": 10, "networkConfiguration": awsvpc(), "launchType": "FARGATE" }));
    // A burst of 100: ten RunTask calls of 10 at once pass, the eleventh is throttled.
    for _ in 0..10 {
        run(&mut sim).expect("within the burst");
    }
    let error = run(&mut sim).expect_err("over the burst");
    assert_eq!((error.code, error.message.as_str()), ("ThrottlingException", "Rate exceeded"));
    // 20 launches a second refill: half a second later 10 tokens are back (500 ms × 20 / 1000).
    advance(&mut sim, t("500ms"));
    run(&mut sim).expect("refilled");
    // A service asking for 300 Fargate tasks at 1m (the bucket full again: 60 s × 20 ≫ 100) starts 100 at
    // once and the other 200 at 20 a second: all by 1m + 200 / 20 = 1m10s.
    advance(&mut sim, t("1m"));
    ok(&mut sim, "ecs:CreateService", json!({ "cluster": "c", "serviceName": "big", "taskDefinition": "web", "desiredCount": 300,
        "launchType": "FARGATE", "networkConfiguration": awsvpc() }));
    advance(&mut sim, t("1m"));
    let created = |sim: &Sim| sim.view().tasks.iter().filter(|t| t.service.as_deref() == Some("big")).count();
    assert_eq!(created(&sim), 100);
    advance(&mut sim, t("1m5s"));
    // 5 s × 20 = 100 more.
    assert_eq!(created(&sim), 200);
    advance(&mut sim, t("1m10s"));
    assert_eq!(created(&sim), 300);
}

/// The Fargate RunTask text with no capacity (reference §1.5), and the service event built on it.
const NO_CAPACITY: &str = "Capacity is unavailable at this time. Please try again later or in a different availability zone";

#[test]
fn run_task_without_spot_capacity_returns_the_spot_share_in_failures() {
    let mut sim = asg_world(4, 0, 0, false);
    assert_eq!(ok(&mut sim, "sim:SetFargateSpotCapacity", json!({ "available": false })), json!({ "region": "us-east-1", "available": false }));
    let strategy = json!([ { "capacityProvider": "FARGATE", "base": 1, "weight": 0 }, { "capacityProvider": "FARGATE_SPOT", "weight": 1 } ]);
    let input = json!({ "cluster": "c", "taskDefinition": "web", "count": 4, "networkConfiguration": awsvpc(), "capacityProviderStrategy": strategy });
    let out = ok(&mut sim, "ecs:RunTask", input.clone());
    // Base 1 on FARGATE, the other 3 on FARGATE_SPOT (FARGATE has weight 0): the FARGATE task runs, 3 fail.
    let tasks = out["tasks"].as_array().unwrap();
    assert_eq!(tasks.iter().map(|t| s(t, "capacityProviderName")).collect::<Vec<_>>(), ["FARGATE"]);
    assert_eq!(out["failures"], json!(vec![json!({ "reason": "RESOURCE:FARGATE", "detail": NO_CAPACITY }); 3]));
    // Only Spot is out: the FARGATE launch type is untouched.
    let on_demand = ok(&mut sim, "ecs:RunTask", json!({ "cluster": "c", "taskDefinition": "web", "count": 2, "networkConfiguration": awsvpc(), "launchType": "FARGATE" }));
    assert_eq!((on_demand["tasks"].as_array().unwrap().len(), on_demand["failures"].as_array().unwrap().len()), (2, 0));
    assert!(sim.log().iter().any(|e| e.kind == LogKind::Fault && e.message.starts_with("Fargate Spot capacity in us-east-1 is unavailable")));
    // Back: the same RunTask places all 4, 1 FARGATE + 3 FARGATE_SPOT.
    ok(&mut sim, "sim:SetFargateSpotCapacity", json!({ "available": true }));
    let out = ok(&mut sim, "ecs:RunTask", input);
    let spot = out["tasks"].as_array().unwrap().iter().filter(|t| s(t, "capacityProviderName") == "FARGATE_SPOT").count();
    assert_eq!((out["tasks"].as_array().unwrap().len(), spot, out["failures"].as_array().unwrap().len()), (4, 3, 0));
}

/// A scenario that takes Fargate Spot capacity away before a service starts (base 1 on FARGATE, the rest on
/// FARGATE_SPOT) and gives it back at 3 minutes: the capacity changes are scenario steps.
const SPOT_OUTAGE: &str = r#"{ "formatVersion": 1, "name": "no Spot capacity", "seed": 9,
  "steps": [
    { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "c" } },
    { "at": "0s", "call": "ecs:PutClusterCapacityProviders", "input": { "cluster": "c", "capacityProviders": ["FARGATE", "FARGATE_SPOT"], "defaultCapacityProviderStrategy": [] } },
    { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
        "cpu": "256", "memory": "512", "containerDefinitions": [ { "name": "web", "image": "nginx:1.27", "essential": true } ] } },
    { "at": "0s", "call": "sim:SetFargateSpotCapacity", "input": { "available": false } },
    { "at": "5s", "call": "ecs:CreateService", "input": { "cluster": "c", "serviceName": "web", "taskDefinition": "web", "desiredCount": 4,
        "capacityProviderStrategy": [ { "capacityProvider": "FARGATE", "base": 1, "weight": 0 }, { "capacityProvider": "FARGATE_SPOT", "weight": 1 } ],
        "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-default-a", "subnet-default-b"] } } } },
    { "at": "3m", "call": "sim:SetFargateSpotCapacity", "input": { "available": true } }
  ] }"#;

#[test]
fn a_service_without_spot_capacity_keeps_its_fargate_base_and_recovers_when_capacity_returns() {
    let mut sim = Sim::new(&scenario(SPOT_OUTAGE), None);
    advance(&mut sim, t("2m59s"));
    let d = sim.describe_all();
    let running = |d: &Value, p: &str| items(d, "tasks").iter().filter(|t| s(t, "capacityProviderName") == p && s(t, "lastStatus") == "RUNNING").count();
    assert_eq!((running(&d, "FARGATE"), running(&d, "FARGATE_SPOT")), (1, 0), "the base task runs; no Spot task starts");
    assert_eq!(service(&d, "web")["runningCount"], json!(1));
    // One event for the failure, however many passes retried it (every 30 s for nearly 3 minutes).
    let failure = format!("(service web) was unable to place a task. Reason: {NO_CAPACITY}.");
    assert_eq!(service_events(&d, "web").iter().filter(|m| **m == failure).count(), 1, "{:?}", service_events(&d, "web"));
    let actions: Vec<&str> = sim.log().iter().filter(|e| e.message.starts_with("ECS Service Action")).map(|e| e.message.as_str()).collect();
    assert_eq!(actions, ["ECS Service Action: service web eventName SERVICE_TASK_PLACEMENT_FAILURE, reason RESOURCE:FARGATE, capacityProviderArns [arn:aws:ecs:us-east-1:123456789012:capacity-provider/FARGATE_SPOT]."]);
    // The Why? panel's explanation says why, with no instances to list.
    let explanation = sim.explain_service("c", "web").expect("a Spot service short of capacity is explained");
    let reason = explanation.outcome.expect_err("not placed").reason;
    assert_eq!((reason.as_str(), explanation.nodes.len()), ("RESOURCE:FARGATE", 0));

    // Capacity is back at 3m: the next pass (a retry comes at most 30 s after a failed one) starts the 3 Spot tasks.
    advance(&mut sim, t("3m30s"));
    let started = sim.log().iter().find(|e| e.time > t("3m") && e.message.starts_with("(service web) has started 3 tasks")).expect("the Spot share started");
    assert!(started.time <= t("3m30s"), "{:?}", started.time);
    assert!(sim.explain_service("c", "web").is_none(), "nothing to explain with capacity back");
    advance(&mut sim, t("5m"));
    let d = sim.describe_all();
    assert_eq!((running(&d, "FARGATE"), running(&d, "FARGATE_SPOT")), (1, 3));
    assert_eq!(service(&d, "web")["runningCount"], json!(4));
}

#[test]
fn running_spot_tasks_outlive_the_capacity_and_interrupted_ones_wait_for_it() {
    let mut sim = Sim::new(&scenario("fargate-spot-interruption"), None);
    advance(&mut sim, t("4m"));
    ok(&mut sim, "sim:SetFargateSpotCapacity", json!({ "available": false }));
    // The interruption at 5m stops 2 of the 6 Spot tasks at 7m; their replacements (both on Spot: FARGATE
    // (2 + 1) / 1 = 3 against SPOT (4 + 1) / 3 ≈ 1.7, then 3 against 2) find no capacity.
    advance(&mut sim, t("9m"));
    let d = sim.describe_all();
    let running = |d: &Value, p: &str| items(d, "tasks").iter().filter(|t| s(t, "capacityProviderName") == p && s(t, "lastStatus") == "RUNNING").count();
    assert_eq!((running(&d, "FARGATE"), running(&d, "FARGATE_SPOT")), (4, 4), "the 4 Spot tasks not interrupted keep running");
    assert_eq!(items(&d, "tasks").iter().filter(|t| s(t, "stopCode") == "SpotInterruption").count(), 2);
    assert_eq!(service(&d, "web")["runningCount"], json!(8));
    assert!(service_events(&d, "web").iter().any(|m| m.ends_with(&format!("Reason: {NO_CAPACITY}."))));
    ok(&mut sim, "sim:SetFargateSpotCapacity", json!({ "available": true }));
    advance(&mut sim, t("11m"));
    let d = sim.describe_all();
    assert_eq!((running(&d, "FARGATE"), running(&d, "FARGATE_SPOT")), (4, 6));
}

#[test]
fn set_fargate_spot_capacity_refuses_bad_input_naming_the_field() {
    let mut sim = Sim::new(&scenario(EMPTY_WORLD), None);
    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "available can not be blank: give true or false."),
        (json!({ "available": null }), "available can not be blank: give true or false."),
        (json!({ "available": "false" }), "available must be true or false."),
        (json!({ "available": 0 }), "available must be true or false."),
        (json!({ "cluster": "c", "available": false }), "cluster is not taken: Fargate Spot capacity is set for the whole Region."),
    ];
    for (input, wanted) in cases {
        let error = sim.call("sim:SetFargateSpotCapacity", input.clone()).expect_err(&format!("{input} must be refused"));
        assert_eq!((error.code, error.message.as_str()), ("InvalidParameterException", wanted), "{input}");
    }
    // A refused call changes nothing: Spot capacity is still there.
    assert!(!sim.log().iter().any(|e| e.kind == LogKind::Fault));
}

/// A DAEMON service takes no capacity provider strategy, not even the cluster's default one (AWS refuses it,
/// aws/containers-roadmap#692); `launchType` EC2 is the way round.
#[test]
fn a_daemon_service_refuses_the_cluster_default_strategy_unless_a_launch_type_is_given() {
    let mut sim = asg_world(1, 0, 0, false);
    let daemon = json!({ "cluster": "c", "serviceName": "agent", "taskDefinition": "worker", "schedulingStrategy": "DAEMON" });
    let wanted = "Specifying a capacity provider strategy is not supported when you create a service using the DAEMON scheduling strategy.";
    let error = sim.call("ecs:CreateService", daemon.clone()).expect_err("the cluster has a default strategy");
    assert_eq!((error.code, error.message.as_str()), ("InvalidParameterException", wanted));
    let mut given = daemon.clone();
    given["capacityProviderStrategy"] = json!([ { "capacityProvider": "cp", "weight": 1 } ]);
    assert_eq!(sim.call("ecs:CreateService", given).expect_err("a strategy given").message, wanted);
    let mut ec2 = daemon;
    ec2["launchType"] = json!("EC2");
    let out = ok(&mut sim, "ecs:CreateService", ec2);
    assert_eq!(out["service"]["schedulingStrategy"], "DAEMON");
    assert_eq!(out["service"]["launchType"], "EC2");
}
