//! EC2 Spot Instances: an Auto Scaling group's MixedInstancesPolicy splits On-Demand and Spot over its instance
//! types, Spot Instances are billed at the Spot share, and the FIS action
//! `aws:ec2:send-spot-instance-interruptions` gives the notice, drains (with ECS_ENABLE_SPOT_INSTANCE_DRAINING),
//! reclaims and replaces.

use ecs_sim::sim::Sim;
use ecs_sim::time::SimTime;
use serde_json::{json, Value};

fn sim_with_mixed_group(draining: bool) -> Sim {
    let scenario = ecs_sim::scenario::builtin_scenario("fargate-web-service").expect("scenario");
    let mut sim = Sim::new(&scenario, None);
    let drain_line = if draining { "\necho ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config" } else { "" };
    let user_data = format!("#!/bin/bash\necho ECS_CLUSTER=demo >> /etc/ecs/ecs.config{drain_line}");
    sim.call("ec2:CreateLaunchTemplate", json!({ "LaunchTemplateName": "spot", "LaunchTemplateData": { "InstanceType": "m5.large", "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": user_data } })).expect("launch template");
    sim.call(
        "autoscaling:CreateAutoScalingGroup",
        json!({ "AutoScalingGroupName": "mixed", "MinSize": 0, "MaxSize": 10, "DesiredCapacity": 5, "VPCZoneIdentifier": "subnet-a,subnet-b",
            "MixedInstancesPolicy": { "LaunchTemplate": { "LaunchTemplateSpecification": { "LaunchTemplateName": "spot" }, "Overrides": [{ "InstanceType": "m5.large" }, { "InstanceType": "m6i.large" }, { "InstanceType": "m4.large" }] },
                "InstancesDistribution": { "OnDemandBaseCapacity": 1, "OnDemandPercentageAboveBaseCapacity": 0, "SpotAllocationStrategy": "capacity-optimized" } } }),
    )
    .expect("group");
    sim.advance_to(SimTime(sim.now().0 + 300_000), u32::MAX);
    sim
}

fn instances(sim: &mut Sim) -> Vec<Value> {
    let out = sim.call("ec2:DescribeInstances", json!({})).expect("describe");
    out["Reservations"][0]["Instances"].as_array().expect("instances").iter().filter(|i| i["Tags"].to_string().contains("mixed")).cloned().collect()
}

#[test]
fn a_mixed_group_runs_its_base_on_demand_and_the_rest_on_spot_across_its_types() {
    let mut sim = sim_with_mixed_group(true);
    let group = instances(&mut sim);
    assert_eq!(group.len(), 5);
    let spot: Vec<&Value> = group.iter().filter(|i| i["InstanceLifecycle"] == "spot").collect();
    assert_eq!(spot.len(), 4, "OnDemandBaseCapacity 1, 0 % On-Demand above it");
    let mut types: Vec<&str> = spot.iter().filter_map(|i| i["InstanceType"].as_str()).collect();
    types.sort_unstable();
    types.dedup();
    assert_eq!(types.len(), 3, "Spot spreads over the three overrides: {types:?}");
    let described = sim.call("autoscaling:DescribeAutoScalingGroups", json!({ "AutoScalingGroupNames": ["mixed"] })).expect("describe");
    assert_eq!(described["AutoScalingGroups"][0]["MixedInstancesPolicy"]["InstancesDistribution"]["OnDemandBaseCapacity"], 1);
    // One m5.large On-Demand ($0.096) and four Spot Instances at 30 % of their On-Demand prices (m5.large and
    // m6i.large $0.096, m4.large $0.10, in the order the group spreads them).
    let mut spot_price_micro_usd = 0;
    for i in &spot {
        spot_price_micro_usd += match i["InstanceType"].as_str() {
            Some("m4.large") => 100_000,
            _ => 96_000,
        } * 30
            / 100;
    }
    let fargate_web = sim.cost_report().by_capacity_type.iter().find(|l| l.name == "FARGATE").map_or(0, |l| l.per_hour_micro_usd);
    let ec2 = sim.cost_report().by_capacity_type.iter().find(|l| l.name == "EC2").map_or(0, |l| l.per_hour_micro_usd);
    assert_eq!(ec2, 96_000 + spot_price_micro_usd, "EC2 per hour (Fargate runs {fargate_web} beside it)");
    let bad = sim
        .call("autoscaling:CreateAutoScalingGroup", json!({ "AutoScalingGroupName": "bad", "MinSize": 0, "MaxSize": 1, "VPCZoneIdentifier": "subnet-a", "MixedInstancesPolicy": { "LaunchTemplate": { "LaunchTemplateSpecification": { "LaunchTemplateName": "spot" }, "Overrides": [{ "InstanceType": "x9.huge" }] } } }))
        .expect_err("an unknown instance type");
    assert!(bad.message.contains("'x9.huge'"), "{}", bad.message);
}

#[test]
fn a_spot_interruption_drains_then_reclaims_and_the_group_replaces_the_instance() {
    let mut sim = sim_with_mixed_group(true);
    let refused = sim
        .call("fis:aws:ec2:send-spot-instance-interruptions", json!({ "targets": { "SpotInstances": { "selectionMode": "COUNT(1)" } }, "parameters": { "durationBeforeInterruption": "PT1M" } }))
        .expect_err("under two minutes");
    assert_eq!(refused.message, "Invalid durationBeforeInterruption PT1M: use an ISO 8601 duration from PT2M to PT15M.");
    let out = sim.call("fis:aws:ec2:send-spot-instance-interruptions", json!({ "targets": { "SpotInstances": { "selectionMode": "ALL" } } })).expect("interrupt");
    let interrupted: Vec<String> = out["interruptedInstances"].as_array().expect("ids").iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
    assert_eq!(interrupted.len(), 4, "only the Spot Instances are targets");
    let cis = sim.call("ecs:ListContainerInstances", json!({ "cluster": "demo", "status": "DRAINING" })).expect("list");
    assert_eq!(cis["containerInstanceArns"].as_array().map(Vec::len), Some(4), "the agent drains at the notice");
    // Two minutes later EC2 reclaims them; the group launches four replacements.
    sim.advance_to(SimTime(sim.now().0 + 121_000), u32::MAX);
    let group = instances(&mut sim);
    for id in &interrupted {
        let instance = group.iter().find(|i| i["InstanceId"] == id.as_str()).expect("still described");
        assert_ne!(instance["State"]["Name"], "running", "{id} was reclaimed");
    }
    let running = group.iter().filter(|i| i["State"]["Name"] == "pending" || i["State"]["Name"] == "running").count();
    assert_eq!(running, 5, "the group is back at its desired capacity");
    assert!(sim.log().iter().any(|e| e.message.starts_with("EC2 reclaims Spot Instance")));
}

#[test]
fn without_spot_draining_the_container_instance_stays_active_until_reclaimed() {
    let mut sim = sim_with_mixed_group(false);
    sim.call("fis:aws:ec2:send-spot-instance-interruptions", json!({ "targets": { "SpotInstances": { "selectionMode": "COUNT(1)" } } })).expect("interrupt");
    let cis = sim.call("ecs:ListContainerInstances", json!({ "cluster": "demo", "status": "DRAINING" })).expect("list");
    assert_eq!(cis["containerInstanceArns"].as_array().map(Vec::len), Some(0));
    assert!(sim.log().iter().any(|e| e.message.contains("ECS_ENABLE_SPOT_INSTANCE_DRAINING is not set")));
}
