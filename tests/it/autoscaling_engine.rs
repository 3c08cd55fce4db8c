//! Service Auto Scaling in the engine: a target tracking policy on CPU absorbs a traffic spike and scales
//! back in after the spike, through the alarms target tracking creates.

use ecs_sim_tests::*;
use ecs_sim::sim::LogKind;

#[test]
fn target_tracking_scales_out_for_the_spike_and_back_in_after_it() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("target-tracking-spike"), None);
    advance(&mut sim, t("20m"));
    let during = sim.describe_all();
    let web = service(&during, "web");
    assert!(web["desiredCount"].as_u64().unwrap_or(0) > 2, "the spike raised the desired count: {}", web["desiredCount"]);
    assert!(web["desiredCount"].as_u64().unwrap_or(0) <= 12, "never above MaxCapacity");
    let alarm_high = sim.log().iter().find(|e| e.kind == LogKind::Alarm && e.message.contains("AlarmHigh") && e.message.contains("is ALARM")).expect("AlarmHigh fired");
    // AlarmHigh needs 3 of 3 one-minute datapoints above the target: the spike starts at 6m.
    assert!(alarm_high.time >= t("9m"), "3 datapoints after the spike at 6m: fired at {}", alarm_high.time);
    assert!(alarm_high.message.contains("3 out of the last 3 datapoints"), "{}", alarm_high.message);
    advance(&mut sim, t("45m"));
    let after = sim.describe_all();
    assert_eq!(service(&after, "web")["desiredCount"], serde_json::json!(2), "scaled back in to MinCapacity");
    let alarm_low = sim.log().iter().find(|e| e.kind == LogKind::Alarm && e.message.contains("AlarmLow") && e.message.contains("is ALARM")).expect("AlarmLow fired");
    // The spike ends at 21m; AlarmLow needs 15 datapoints below 45%.
    assert!(alarm_low.time >= t("36m"), "fired at {}", alarm_low.time);
    let scaling: Vec<_> = sim.log().iter().filter(|e| e.kind == LogKind::Scaling).collect();
    assert!(scaling.len() >= 2);
}

#[test]
fn managed_scaling_launches_instances_until_every_task_runs() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("managed-scaling-growth"), None);
    advance(&mut sim, t("5m"));
    let before = sim.view();
    let registered = |view: &ecs_sim::view::View| view.instances.iter().filter(|i| i.status == Some(ecs_sim::view::ContainerInstanceStatus::Active)).count();
    // DesiredCapacity 2 at the start: two m5.large for 4 tasks of 1 vCPU each.
    assert_eq!(registered(&before), 2);
    advance(&mut sim, t("30m"));
    let after = sim.view();
    let worker = after.services.iter().find(|s| s.name == "worker").expect("service");
    assert_eq!((worker.desired_count, worker.running_count), (12, 12));
    // Two tasks per instance: 12 tasks need 6 instances, launched by the Auto Scaling group.
    assert_eq!(registered(&after), 6);
    let launched = sim.log().iter().filter(|e| e.kind == LogKind::Scaling && e.message.contains("launched")).count();
    assert_eq!(launched, 6);
    let describe = sim.describe_all();
    for instance in items(&describe, "containerInstances") {
        assert!(s(instance, "ec2InstanceId").starts_with("i-"));
    }
}

#[test]
fn the_view_shows_the_alarm_that_fired_its_datapoints_and_the_activity_it_caused() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("target-tracking-spike"), None);
    // Run minute by minute until the first scale-out: AlarmHigh is then in ALARM.
    assert!(drive_until(&mut sim, |s| s.view().scaling.activities.iter().any(|a| a.description.contains("desired count")), t("20m")), "no scaling activity by 20m");
    let view = sim.view();
    let scaling = &view.scaling;
    let high = scaling.alarms.iter().find(|a| a.name.contains("AlarmHigh")).expect("AlarmHigh in the view");
    assert_eq!(high.state, ecs_sim::view::AlarmState::Alarm);
    assert_eq!((high.threshold, high.comparison.as_aws(), high.evaluation_periods), (50.0, "GreaterThanThreshold", 3));
    assert_eq!(high.metric, "AWS/ECS CPUUtilization");
    assert!(high.state_reason.starts_with("Threshold Crossed: 3 out of the last 3 datapoints"), "{}", high.state_reason);
    // The evaluation range is N + 2 = 5 one-minute periods; the newest 3 are the breaching ones.
    assert_eq!(high.datapoints.len(), 5);
    for d in &high.datapoints[2..] {
        assert!(d.breaching && d.value.is_some_and(|v| v > 50.0), "datapoint at {}: {:?}", d.period_start, d.value);
    }
    let times: Vec<u64> = high.datapoints.iter().map(|d| d.period_start.as_millis()).collect();
    assert!(times.windows(2).all(|w| w[1] - w[0] == 60_000), "one datapoint a minute: {times:?}");
    // The alarm moved after the spike at 6m: 3 breaching minutes, so at 9m at the earliest.
    assert!(high.state_since >= t("9m"), "{}", high.state_since);
    let low = scaling.alarms.iter().find(|a| a.name.contains("AlarmLow")).expect("AlarmLow in the view");
    // AlarmLow's threshold is 90 % of the target: 0.9 × 50 = 45.
    assert_eq!((low.threshold, low.comparison.as_aws(), low.evaluation_periods), (45.0, "LessThanThreshold", 15));
    let activity = &scaling.activities[0];
    assert!(activity.cause.starts_with(&format!("monitor alarm {} in state ALARM triggered policy cpu50", high.name)), "{}", activity.cause);
    assert_eq!(activity.status_code, "Successful");
    let target = &scaling.scalable_targets[0];
    assert_eq!((target.resource_id.as_str(), target.min_capacity, target.max_capacity), ("service/demo/web", 2, 12));
    assert!(target.desired_count > 2, "desired {}", target.desired_count);
    let last = target.history.last().expect("history");
    assert_eq!(last.desired_count, target.desired_count, "the history ends with the new desired count");
    assert!(target.history.iter().any(|h| h.desired_count == 2), "the history starts at desired 2");
    let policy = &scaling.policies[0];
    assert_eq!((policy.policy_type.as_aws(), policy.metric.as_str(), policy.target_value), ("TargetTrackingScaling", "ECSServiceAverageCPUUtilization", Some(50.0)));
    assert_eq!((policy.scale_out_cooldown_s, policy.scale_in_cooldown_s, policy.disable_scale_in), (60, 120, false));
    assert_eq!(policy.alarm_names.len(), 2);
    assert!(policy.metric_series.iter().any(|p| p.value > 50.0), "the utilization series shows the spike");
}

#[test]
fn the_view_shows_instances_launching_and_the_capacity_provider_reservation() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("managed-scaling-growth"), None);
    let mut lifecycles = std::collections::BTreeSet::new();
    let mut max_reservation = 0;
    step_until(&mut sim, t("30m"), |s| {
        let view = s.view();
        for i in view.instances.iter().filter(|i| i.auto_scaling_group.as_deref() == Some("ecs-asg")) {
            lifecycles.insert(i.lifecycle);
        }
        max_reservation = max_reservation.max(view.scaling.capacity_providers.first().and_then(|c| c.reservation).unwrap_or(0));
    });
    // Instances boot (pending), their agent registers, then they are ACTIVE container instances.
    for state in [ecs_sim::view::InstanceLifecycle::Pending, ecs_sim::view::InstanceLifecycle::Registering, ecs_sim::view::InstanceLifecycle::Active] {
        assert!(lifecycles.contains(&state), "never saw {state:?}: {lifecycles:?}");
    }
    // 12 tasks on 2 instances of 2 tasks: M = 6 instances needed, N = 2: ceil(6 × 100 / 2) = 300.
    assert!(max_reservation > 100, "the reservation rose above the target: {max_reservation}");
    let view = sim.view();
    let cp = &view.scaling.capacity_providers[0];
    assert_eq!((cp.name.as_str(), cp.auto_scaling_group.as_str(), cp.cluster.as_deref(), cp.strategy.map(|s| (s.base, s.weight))), ("workers-cp", "ecs-asg", Some("demo"), Some((0, 1))));
    assert_eq!((cp.target_capacity, cp.minimum_scaling_step_size, cp.maximum_scaling_step_size, cp.instance_warmup_period_s), (100, 1, 4, 60));
    assert!(cp.managed_scaling && cp.managed_termination_protection);
    // Every task runs: 6 busy instances of 6, ceil(6 × 100 / 6) = 100.
    assert_eq!(cp.reservation, Some(100));
    assert!(cp.reservation_series.iter().any(|p| p.value > 100.0));
    let asg = &view.scaling.auto_scaling_groups[0];
    assert_eq!((asg.min_size, asg.max_size, asg.desired_capacity, asg.instance_type.as_str()), (0, 10, 6, "m5.large"));
    assert_eq!(asg.instances.len(), 6);
    // Managed termination protection protects instances that run tasks.
    assert!(asg.instances.iter().all(|i| i.lifecycle_state == ecs_sim::view::AsgLifecycleState::InService && i.protected_from_scale_in), "{:?}", asg.instances);
    assert!(view.tasks.iter().all(|t| !t.waiting_for_capacity), "no task waits once every task runs");
}

/// A classic cluster: an Auto Scaling group of m5.large (7,985 MiB registered) without a capacity provider,
/// scaled by simple scaling policies on the cluster's MemoryReservation. A worker task reserves 3,072 MiB.
fn classic_scenario(policies: &str) -> String {
    format!(
        r##"{{ "formatVersion": 1, "seed": 5, "startTime": "2026-01-05T09:00:00Z",
        "network": {{ "vpcId": "vpc-main", "subnets": [
            {{ "subnetId": "subnet-a", "availabilityZone": "us-east-1a" }}, {{ "subnetId": "subnet-b", "availabilityZone": "us-east-1b" }} ] }},
        "steps": [
          {{ "at": "0s", "call": "ecs:CreateCluster", "input": {{ "clusterName": "classic" }} }},
          {{ "at": "0s", "call": "ec2:CreateLaunchTemplate", "input": {{ "LaunchTemplateName": "ecs-m5", "LaunchTemplateData": {{
              "InstanceType": "m5.large", "IamInstanceProfile": {{ "Name": "ecsInstanceRole" }},
              "UserData": "#!/bin/bash\necho ECS_CLUSTER=classic >> /etc/ecs/ecs.config" }} }} }},
          {{ "at": "0s", "call": "autoscaling:CreateAutoScalingGroup", "input": {{ "AutoScalingGroupName": "classic-asg",
              "LaunchTemplate": {{ "LaunchTemplateName": "ecs-m5" }}, "MinSize": 1, "MaxSize": 4, "DesiredCapacity": 1, "VPCZoneIdentifier": "subnet-a,subnet-b" }} }},
          {{ "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": {{ "family": "worker", "requiresCompatibilities": ["EC2"],
              "containerDefinitions": [ {{ "name": "worker", "image": "example/worker:1", "cpu": 512, "memory": 3072 }} ] }} }},
          {policies}
          {{ "at": "1m", "call": "ecs:CreateService", "input": {{ "cluster": "classic", "serviceName": "worker", "taskDefinition": "worker", "desiredCount": 2 }} }},
          {{ "at": "5m", "call": "ecs:UpdateService", "input": {{ "cluster": "classic", "service": "worker", "desiredCount": 6 }} }},
          {{ "at": "25m", "call": "ecs:UpdateService", "input": {{ "cluster": "classic", "service": "worker", "desiredCount": 1 }} }}
        ] }}"##
    )
}

const SIMPLE_POLICIES: &str = r#"
  { "at": "0s", "call": "autoscaling:PutScalingPolicy", "as": "out", "input": { "AutoScalingGroupName": "classic-asg", "PolicyName": "memory-out",
      "PolicyType": "SimpleScaling", "AdjustmentType": "ChangeInCapacity", "ScalingAdjustment": 1, "Cooldown": 60 } },
  { "at": "0s", "call": "autoscaling:PutScalingPolicy", "as": "in", "input": { "AutoScalingGroupName": "classic-asg", "PolicyName": "memory-in",
      "AdjustmentType": "ChangeInCapacity", "ScalingAdjustment": -1, "Cooldown": 60 } },
  { "at": "0s", "call": "cloudwatch:PutMetricAlarm", "input": { "AlarmName": "memory-high", "Namespace": "AWS/ECS", "MetricName": "MemoryReservation",
      "Dimensions": [ { "Name": "ClusterName", "Value": "classic" } ], "Statistic": "Average", "Period": 60, "EvaluationPeriods": 1,
      "Threshold": 75, "ComparisonOperator": "GreaterThanThreshold", "AlarmActions": [ "${out.PolicyARN}" ] } },
  { "at": "0s", "call": "cloudwatch:PutMetricAlarm", "input": { "AlarmName": "memory-low", "Namespace": "AWS/ECS", "MetricName": "MemoryReservation",
      "Dimensions": [ { "Name": "ClusterName", "Value": "classic" } ], "Statistic": "Average", "Period": 60, "EvaluationPeriods": 3,
      "Threshold": 40, "ComparisonOperator": "LessThanThreshold", "AlarmActions": [ "${in.PolicyARN}" ] } },"#;

fn group_desired(sim: &mut ecs_sim::sim::Sim) -> u64 {
    let out = sim.call("autoscaling:DescribeAutoScalingGroups", serde_json::json!({ "AutoScalingGroupNames": ["classic-asg"] })).expect("describe");
    out["AutoScalingGroups"][0]["DesiredCapacity"].as_u64().unwrap_or(99)
}

#[test]
fn simple_scaling_on_memory_reservation_grows_and_shrinks_the_group() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario(&classic_scenario(SIMPLE_POLICIES)), None);
    let mut max_seen = 0;
    step_until(&mut sim, t("20m"), |sim| {
        let groups = sim.view().instances.iter().filter(|i| i.ec2_state == ecs_sim::view::Ec2State::Running || i.ec2_state == ecs_sim::view::Ec2State::Pending).count();
        max_seen = max_seen.max(groups);
    });
    // Two tasks on one instance reserve 2 × 3,072 / 7,985 = 76.9 % > 75 %: one instance more, after each
    // 60 s cooldown, while the reservation stays above 75 %. Six tasks on three instances are 6 × 3,072 /
    // (3 × 7,985) = 76.9 % again, so a fourth: 6 × 3,072 / (4 × 7,985) = 57.7 %. MaxSize 4 holds.
    assert_eq!(group_desired(&mut sim), 4);
    assert!(max_seen <= 4, "never above MaxSize: {max_seen}");
    let worker = sim.view().services.into_iter().find(|s| s.name == "worker").expect("service");
    assert_eq!(worker.running_count, 6);
    let activities = sim.call("autoscaling:DescribeScalingActivities", serde_json::json!({ "AutoScalingGroupName": "classic-asg" })).expect("activities");
    let causes: Vec<&str> = activities["Activities"].as_array().expect("list").iter().map(|a| a["Cause"].as_str().unwrap_or("")).collect();
    assert!(causes.iter().any(|c| c.contains("a monitor alarm memory-high in state ALARM triggered policy memory-out changing the desired capacity from 1 to 2.")
        && c.contains("an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2.")), "{causes:#?}");
    assert!(causes.iter().any(|c| c.contains("a user request created an AutoScalingGroup changing the desired capacity from 0 to 1.")), "{causes:#?}");
    assert_eq!(activities["Activities"][0]["Description"].as_str().map(|d| d.starts_with("Launching a new EC2 instance: i-")), Some(true));
    let policies = sim.call("autoscaling:DescribePolicies", serde_json::json!({ "AutoScalingGroupName": "classic-asg" })).expect("policies");
    let out = policies["ScalingPolicies"].as_array().expect("list").iter().find(|p| p["PolicyName"] == "memory-out").expect("memory-out");
    assert_eq!(out["PolicyType"], "SimpleScaling");
    assert_eq!(out["Alarms"][0]["AlarmName"], "memory-high");
    // At 25 m one task is left: 3,072 / 31,940 = 9.6 % < 40 % for 3 minutes, then one instance less a minute.
    advance(&mut sim, t("45m"));
    assert_eq!(group_desired(&mut sim), 1, "back to MinSize");
    let activities = sim.call("autoscaling:DescribeScalingActivities", serde_json::json!({ "AutoScalingGroupName": "classic-asg", "MaxRecords": 1 })).expect("activities");
    let last = &activities["Activities"][0];
    assert!(last["Description"].as_str().unwrap_or("").starts_with("Terminating EC2 instance: i-"), "{last}");
    let cause = last["Cause"].as_str().unwrap_or("");
    assert!(cause.contains("triggered policy memory-in changing the desired capacity from 2 to 1.") && cause.contains("shrinking the capacity from 2 to 1."), "{cause}");
    assert!(activities["NextToken"].is_string());
    assert_eq!(sim.view().services.iter().find(|s| s.name == "worker").map(|s| s.running_count), Some(1));
}

#[test]
fn target_tracking_on_cpu_reservation_creates_its_alarms_and_scales_out() {
    let policy = r#"{ "at": "0s", "call": "autoscaling:PutScalingPolicy", "input": { "AutoScalingGroupName": "classic-asg", "PolicyName": "cpu-tt",
        "PolicyType": "TargetTrackingScaling", "TargetTrackingConfiguration": { "TargetValue": 40,
        "CustomizedMetricSpecification": { "Namespace": "AWS/ECS", "MetricName": "CPUReservation", "Dimensions": [ { "Name": "ClusterName", "Value": "classic" } ], "Statistic": "Average" } } } },"#;
    let mut sim = ecs_sim::sim::Sim::new(&scenario(&classic_scenario(policy)), None);
    advance(&mut sim, t("1m"));
    let alarms = sim.call("cloudwatch:DescribeAlarms", serde_json::json!({ "AlarmNamePrefix": "TargetTracking-classic-asg-" })).expect("alarms");
    assert_eq!(alarms["MetricAlarms"].as_array().map(Vec::len), Some(2), "AlarmHigh and AlarmLow");
    // Memory fits two tasks of 512 CPU units per m5.large (2,048 units), so each full instance reserves
    // 1,024 / 2,048 = 50 % > 40 %: AlarmHigh (3 of 3), then ceil(desired × 50 / 40): 1 → 2, and after each
    // 300 s warm-up 2 → 3 → 4. Six tasks on four instances: 3,072 / 8,192 = 37.5 %, within 90 % of the
    // target (36 %), so it stays: ceil(4 × 37.5 / 40) = 4.
    advance(&mut sim, t("20m"));
    assert_eq!(group_desired(&mut sim), 4);
    let activities = sim.call("autoscaling:DescribeScalingActivities", serde_json::json!({ "AutoScalingGroupName": "classic-asg" })).expect("activities");
    let cause = activities["Activities"][0]["Cause"].as_str().unwrap_or("");
    assert!(cause.contains("a monitor alarm TargetTracking-classic-asg-AlarmHigh-") && cause.contains("triggered policy cpu-tt changing the desired capacity from 3 to 4."), "{cause}");
    advance(&mut sim, t("24m"));
    assert_eq!(group_desired(&mut sim), 4, "no oscillation under a constant reservation");
}

#[test]
fn put_scaling_policy_refuses_bad_input_in_aws_words() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario(&classic_scenario("")), None);
    advance(&mut sim, t("1s"));
    let call = |sim: &mut ecs_sim::sim::Sim, input: serde_json::Value| sim.call("autoscaling:PutScalingPolicy", input).expect_err("refused").to_string();
    let e = call(&mut sim, serde_json::json!({ "AutoScalingGroupName": "nope", "PolicyName": "p", "AdjustmentType": "ChangeInCapacity", "ScalingAdjustment": 1 }));
    assert!(e.contains("AutoScalingGroup name not found - AutoScalingGroup 'nope' not found"), "{e}");
    let e = call(&mut sim, serde_json::json!({ "AutoScalingGroupName": "classic-asg", "PolicyName": "p", "ScalingAdjustment": 1 }));
    assert!(e.contains("AdjustmentType"), "{e}");
    let e = call(&mut sim, serde_json::json!({ "AutoScalingGroupName": "classic-asg", "PolicyName": "p", "AdjustmentType": "ExactCapacity", "ScalingAdjustment": -1 }));
    assert!(e.contains("ScalingAdjustment"), "{e}");
    let e = call(&mut sim, serde_json::json!({ "AutoScalingGroupName": "classic-asg", "PolicyName": "p", "PolicyType": "StepScaling", "AdjustmentType": "ChangeInCapacity", "Cooldown": 60,
        "StepAdjustments": [ { "MetricIntervalLowerBound": 0, "ScalingAdjustment": 1 } ] }));
    assert!(e.contains("Cooldown is only supported for policy type SimpleScaling"), "{e}");
    let e = call(&mut sim, serde_json::json!({ "AutoScalingGroupName": "classic-asg", "PolicyName": "p", "AdjustmentType": "ChangeInCapacity" }));
    assert!(e.contains("Scaling increment must be specified for a SimpleScaling policy"), "{e}");
    // [1, 2) alone: a positive upper bound with no step above it, in EC2 Auto Scaling's own words.
    let e = call(&mut sim, serde_json::json!({ "AutoScalingGroupName": "classic-asg", "PolicyName": "p", "PolicyType": "StepScaling", "AdjustmentType": "ChangeInCapacity",
        "StepAdjustments": [ { "MetricIntervalLowerBound": 1, "MetricIntervalUpperBound": 2, "ScalingAdjustment": 1 } ] }));
    assert!(e.contains("ValidationError") && e.contains("There must be a StepAdjustment with an unspecified upper bound (i.e., upper bound is null) when one StepAdjustment has a positive upper bound"), "{e}");
    let e = call(&mut sim, serde_json::json!({ "AutoScalingGroupName": "classic-asg", "PolicyName": "p", "PolicyType": "TargetTrackingScaling",
        "TargetTrackingConfiguration": { "TargetValue": 50, "PredefinedMetricSpecification": { "PredefinedMetricType": "ASGAverageCPUUtilization" } } }));
    assert!(e.contains("ASGAverageCPUUtilization") && e.contains("CustomizedMetricSpecification"), "{e}");
    let ok = sim.call("autoscaling:PutScalingPolicy", serde_json::json!({ "AutoScalingGroupName": "classic-asg", "PolicyName": "steps", "PolicyType": "StepScaling",
        "AdjustmentType": "PercentChangeInCapacity", "MinAdjustmentMagnitude": 1,
        "StepAdjustments": [ { "MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 50 }, { "MetricIntervalLowerBound": 10, "ScalingAdjustment": 100 } ] })).expect("step policy");
    assert!(ok["PolicyARN"].as_str().unwrap_or("").contains(":scalingPolicy:") && ok["PolicyARN"].as_str().unwrap_or("").ends_with(":autoScalingGroupName/classic-asg:policyName/steps"));
    sim.call("autoscaling:DeletePolicy", serde_json::json!({ "AutoScalingGroupName": "classic-asg", "PolicyName": "steps" })).expect("delete");
    let listed = sim.call("autoscaling:DescribePolicies", serde_json::json!({})).expect("describe");
    assert_eq!(listed["ScalingPolicies"].as_array().map(Vec::len), Some(0));
}
