//! The service scheduler's scale-in: which tasks it stops when the desired count goes down.

use std::collections::BTreeMap;

use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::json;

/// Running tasks of a service per key (Availability Zone, or instance id).
fn running_by(sim: &Sim, service: &str, key: impl Fn(&ecs_sim::view::TaskView) -> String) -> BTreeMap<String, u32> {
    let mut counts = BTreeMap::new();
    for task in sim.view().tasks.iter().filter(|t| t.service.as_deref() == Some(service) && t.desired_status == ecs_sim::view::DesiredStatus::Running) {
        *counts.entry(key(task)).or_insert(0) += 1;
    }
    counts
}

fn spread(counts: &BTreeMap<String, u32>, n_keys: usize) -> u32 {
    let values: Vec<u32> = counts.values().copied().chain(std::iter::repeat(0)).take(n_keys.max(counts.len())).collect();
    values.iter().max().unwrap_or(&0) - values.iter().min().unwrap_or(&0)
}

/// fargate-web-service (service web on Fargate in 3 AZs, 4 then 6 tasks at 3m) raised to 7 tasks at 5m, at 8m.
fn seven_tasks_over_three_zones() -> Sim {
    let mut sim = run_scenario("fargate-web-service", None, "5m");
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": 7 })).expect("UpdateService");
    advance(&mut sim, t("8m"));
    sim
}

#[test]
fn scale_in_keeps_the_availability_zones_balanced() {
    let mut sim = seven_tasks_over_three_zones();
    let before = running_by(&sim, "web", |t| t.availability_zone.clone());
    // 7 over 3 zones: 3, 2, 2.
    assert_eq!((before.values().sum::<u32>(), spread(&before, 3)), (7, 1), "{before:?}");

    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": 4 })).expect("UpdateService");
    advance(&mut sim, t("10m"));
    let after = running_by(&sim, "web", |t| t.availability_zone.clone());
    // Stopping 3 one at a time from the fullest zone: 3,2,2 → 2,2,2 → 2,2,1 (or a rotation) → 2,1,1.
    // Ranking once on the counts before the stops would have taken all three from the zone that had 3.
    assert_eq!((after.values().sum::<u32>(), spread(&after, 3)), (4, 1), "{after:?}");
}

/// Stops one running task of `service` whose key (by `key`) is `value`; returns its ARN.
fn stop_one(sim: &mut Sim, service: &str, key: impl Fn(&ecs_sim::view::TaskView) -> String, value: &str) -> String {
    let arn = sim
        .view()
        .tasks
        .iter()
        .find(|t| t.service.as_deref() == Some(service) && t.last_status == ecs_sim::view::TaskStatus::Running && key(t) == value)
        .map(|t| t.arn.clone())
        .expect("a running task there");
    sim.call("ecs:StopTask", json!({ "cluster": "demo", "task": arn, "reason": "test" })).expect("StopTask");
    arn
}

#[test]
fn scale_in_balances_the_zones_when_the_newest_task_is_in_a_small_zone() {
    let mut sim = seven_tasks_over_three_zones();
    let zones = running_by(&sim, "web", |t| t.availability_zone.clone());
    let small_zone = zones.iter().find(|(_, n)| **n == 2).map(|(z, _)| z.clone()).expect("a zone with 2 of 3, 2, 2");
    // The service replaces a stopped task in the zone that lost it, so the newest task is in a zone of 2.
    stop_one(&mut sim, "web", |t| t.availability_zone.clone(), &small_zone);
    advance(&mut sim, t("11m"));
    assert_eq!(running_by(&sim, "web", |t| t.availability_zone.clone()), zones);
    let view = sim.view();
    let newest = view.tasks.iter().filter(|t| t.service.as_deref() == Some("web")).max_by_key(|t| t.created_at).expect("tasks");
    assert_eq!(newest.availability_zone, small_zone);

    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": 6 })).expect("UpdateService");
    advance(&mut sim, t("13m"));
    let after = running_by(&sim, "web", |t| t.availability_zone.clone());
    // 3, 2, 2 → 2, 2, 2: the stop comes from the zone of 3, not the newest task (that would leave 3, 1, 2).
    assert_eq!((after.values().sum::<u32>(), spread(&after, 3)), (6, 0), "{after:?}");
}

/// Two m5.large in each of 3 AZs and a service of 12 small tasks spread over zones, then instances.
const TWO_INSTANCES_PER_ZONE: &str = r#"{
  "formatVersion": 1, "name": "scale-in on EC2", "seed": 7,
  "steps": [
    { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo" } },
    { "at": "0s", "call": "ec2:RunInstances", "input": { "InstanceType": "m5.large", "MinCount": 2, "MaxCount": 2, "SubnetId": "subnet-default-a",
        "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "echo ECS_CLUSTER=demo >> /etc/ecs/ecs.config" } },
    { "at": "0s", "call": "ec2:RunInstances", "input": { "InstanceType": "m5.large", "MinCount": 2, "MaxCount": 2, "SubnetId": "subnet-default-b",
        "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "echo ECS_CLUSTER=demo >> /etc/ecs/ecs.config" } },
    { "at": "0s", "call": "ec2:RunInstances", "input": { "InstanceType": "m5.large", "MinCount": 2, "MaxCount": 2, "SubnetId": "subnet-default-c",
        "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "echo ECS_CLUSTER=demo >> /etc/ecs/ecs.config" } },
    { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "app", "containerDefinitions": [
        { "name": "app", "image": "busybox", "cpu": 128, "memory": 128, "essential": true } ] } },
    { "at": "2m", "call": "ecs:CreateService", "input": { "cluster": "demo", "serviceName": "app", "taskDefinition": "app", "desiredCount": 12,
        "placementStrategy": [ { "type": "spread", "field": "attribute:ecs.availability-zone" }, { "type": "spread", "field": "instanceId" } ] } }
  ]
}"#;

#[test]
fn scale_in_takes_from_the_fullest_instance_of_the_fullest_zone() {
    let mut sim = run_scenario(TWO_INSTANCES_PER_ZONE, None, "6m");
    let per_instance = running_by(&sim, "app", |t| t.ec2_instance_id.clone().unwrap_or_default());
    // 12 tasks, 2 on each of the 6 instances.
    assert_eq!((per_instance.len(), per_instance.values().sum::<u32>(), spread(&per_instance, 6)), (6, 12, 0), "{per_instance:?}");

    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "app", "desiredCount": 5 })).expect("UpdateService");
    advance(&mut sim, t("8m"));
    let zones = running_by(&sim, "app", |t| t.availability_zone.clone());
    let instances = running_by(&sim, "app", |t| t.ec2_instance_id.clone().unwrap_or_default());
    // 7 stops: zones 4,4,4 → 2,2,1; inside each zone the instance with more tasks goes first, so the two
    // instances of a zone end 1 and 1 (or 1 and 0 in the zone left with one), never 2 and 0.
    assert_eq!((zones.values().sum::<u32>(), spread(&zones, 3)), (5, 1), "{zones:?}");
    assert!(instances.values().all(|n| *n == 1), "{instances:?}");
}

/// Two m5.large (7,985 MiB registered each) in one zone and a binpack(memory) service of 2,500 MiB tasks.
const BINPACK_TWO_INSTANCES: &str = r#"{
  "formatVersion": 1, "name": "binpack scale-in", "seed": 3,
  "steps": [
    { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo" } },
    { "at": "0s", "call": "ec2:RunInstances", "input": { "InstanceType": "m5.large", "MinCount": 2, "MaxCount": 2, "SubnetId": "subnet-default-a",
        "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "echo ECS_CLUSTER=demo >> /etc/ecs/ecs.config" } },
    { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "big", "containerDefinitions": [
        { "name": "big", "image": "busybox", "cpu": 128, "memory": 2500, "essential": true } ] } },
    { "at": "2m", "call": "ecs:CreateService", "input": { "cluster": "demo", "serviceName": "big", "taskDefinition": "big", "desiredCount": 4,
        "placementStrategy": [ { "type": "binpack", "field": "memory" } ] } }
  ]
}"#;

#[test]
fn binpack_scale_in_stops_the_task_whose_instance_is_left_with_the_most_free_memory() {
    let mut sim = run_scenario(BINPACK_TWO_INSTANCES, None, "6m");
    let before = running_by(&sim, "big", |t| t.ec2_instance_id.clone().unwrap_or_default());
    // binpack fills one instance first: 3 × 2,500 = 7,500 of 7,985 MiB, the fourth task goes to the other.
    let mut counts: Vec<u32> = before.values().copied().collect();
    counts.sort();
    assert_eq!(counts, vec![1, 3], "{before:?}");
    let lone = before.iter().find(|(_, n)| **n == 1).map(|(id, _)| id.clone()).expect("the instance with one task");
    let full = before.iter().find(|(_, n)| **n == 3).map(|(id, _)| id.clone()).expect("the instance with three tasks");
    // A task of the full instance stopped and replaced: binpack puts the replacement back on the fuller instance,
    // so the newest task is there and not the lone one.
    stop_one(&mut sim, "big", |t| t.ec2_instance_id.clone().unwrap_or_default(), &full);
    advance(&mut sim, t("9m"));
    assert_eq!(running_by(&sim, "big", |t| t.ec2_instance_id.clone().unwrap_or_default()), before);

    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "big", "desiredCount": 3 })).expect("UpdateService");
    advance(&mut sim, t("11m"));
    let after = running_by(&sim, "big", |t| t.ec2_instance_id.clone().unwrap_or_default());
    // After the stop the lone task's instance has 7,985 MiB free, the full one would have 7,985 − 5,000 = 2,985:
    // the lone task goes (counting tasks instead would have taken one of the three).
    assert!(!after.contains_key(&lone), "{after:?}");
    assert_eq!(after.values().sum::<u32>(), 3, "{after:?}");
}

#[test]
fn zones_stay_balanced_through_random_desired_counts() {
    // fargate-web-service over 3 zones; each seed changes the desired count 6 times (1 to 12 tasks), 3 minutes
    // apart, and after each change settles the zones hold the service's tasks within one of each other.
    for seed in 1..=4u64 {
        let mut rng = ecs_sim::rng::Prng::new(seed);
        let mut sim = run_scenario("fargate-web-service", None, "5m");
        let mut at_minutes = 5;
        for _ in 0..6 {
            let desired = 1 + rng.below(12);
            sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": desired })).expect("UpdateService");
            at_minutes += 3;
            advance(&mut sim, t(&format!("{at_minutes}m")));
            let zones = running_by(&sim, "web", |t| t.availability_zone.clone());
            assert_eq!(zones.values().sum::<u32>(), desired, "seed {seed}: {zones:?}");
            assert!(spread(&zones, 3) <= 1, "seed {seed}, desired {desired}: {zones:?}");
        }
    }
}
