//! Service Auto Scaling in the engine: a target tracking policy on CPU absorbs a traffic spike and scales
//! back in after the spike, through the alarms target tracking creates.

use ecs_sim_tests::*;

#[test]
fn target_tracking_scales_out_for_the_spike_and_back_in_after_it() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("target-tracking-spike"), None);
    advance(&mut sim, t("20m"));
    let during = sim.describe_all();
    let web = service(&during, "web");
    assert!(web["desiredCount"].as_u64().unwrap_or(0) > 2, "the spike raised the desired count: {}", web["desiredCount"]);
    assert!(web["desiredCount"].as_u64().unwrap_or(0) <= 12, "never above MaxCapacity");
    let alarm_high = sim.log().iter().find(|e| e.kind == "alarm" && e.message.contains("AlarmHigh") && e.message.contains("is ALARM")).expect("AlarmHigh fired");
    // AlarmHigh needs 3 of 3 one-minute datapoints above the target: the spike starts at 6m.
    assert!(alarm_high.time >= t("9m"), "3 datapoints after the spike at 6m: fired at {}", alarm_high.time);
    assert!(alarm_high.message.contains("3 out of the last 3 datapoints"), "{}", alarm_high.message);
    advance(&mut sim, t("45m"));
    let after = sim.describe_all();
    assert_eq!(service(&after, "web")["desiredCount"], serde_json::json!(2), "scaled back in to MinCapacity");
    let alarm_low = sim.log().iter().find(|e| e.kind == "alarm" && e.message.contains("AlarmLow") && e.message.contains("is ALARM")).expect("AlarmLow fired");
    // The spike ends at 21m; AlarmLow needs 15 datapoints below 45%.
    assert!(alarm_low.time >= t("36m"), "fired at {}", alarm_low.time);
    let scaling: Vec<_> = sim.log().iter().filter(|e| e.kind == "scaling").collect();
    assert!(scaling.len() >= 2);
}

#[test]
fn managed_scaling_launches_instances_until_every_task_runs() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("managed-scaling-growth"), None);
    advance(&mut sim, t("5m"));
    let before = sim.view();
    let registered = |view: &ecs_sim::view::View| view.instances.iter().filter(|i| i.status.as_deref() == Some("ACTIVE")).count();
    // DesiredCapacity 2 at the start: two m5.large for 4 tasks of 1 vCPU each.
    assert_eq!(registered(&before), 2);
    advance(&mut sim, t("30m"));
    let after = sim.view();
    let worker = after.services.iter().find(|s| s.name == "worker").expect("service");
    assert_eq!((worker.desired_count, worker.running_count), (12, 12));
    // Two tasks per instance: 12 tasks need 6 instances, launched by the Auto Scaling group.
    assert_eq!(registered(&after), 6);
    let launched = sim.log().iter().filter(|e| e.kind == "scaling" && e.message.contains("launched")).count();
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
    assert_eq!(high.state, "ALARM");
    assert_eq!((high.threshold, high.comparison.as_str(), high.evaluation_periods), (50.0, "GreaterThanThreshold", 3));
    assert_eq!(high.metric, "AWS/ECS CPUUtilization");
    assert!(high.state_reason.starts_with("Threshold Crossed: 3 out of the last 3 datapoints"), "{}", high.state_reason);
    // The evaluation range is N + 2 = 5 one-minute periods; the newest 3 are the breaching ones.
    assert_eq!(high.datapoints.len(), 5);
    for (time, value, breaching) in &high.datapoints[2..] {
        assert!(*breaching && value.is_some_and(|v| v > 50.0), "datapoint at {time}: {value:?}");
    }
    let times: Vec<u64> = high.datapoints.iter().map(|d| d.0.as_millis()).collect();
    assert!(times.windows(2).all(|w| w[1] - w[0] == 60_000), "one datapoint a minute: {times:?}");
    // The alarm moved after the spike at 6m: 3 breaching minutes, so at 9m at the earliest.
    assert!(high.state_since >= t("9m"), "{}", high.state_since);
    let low = scaling.alarms.iter().find(|a| a.name.contains("AlarmLow")).expect("AlarmLow in the view");
    // AlarmLow's threshold is 90 % of the target: 0.9 × 50 = 45.
    assert_eq!((low.threshold, low.comparison.as_str(), low.evaluation_periods), (45.0, "LessThanThreshold", 15));
    let activity = &scaling.activities[0];
    assert!(activity.cause.starts_with(&format!("monitor alarm {} in state ALARM triggered policy cpu50", high.name)), "{}", activity.cause);
    assert_eq!(activity.status_code, "Successful");
    let target = &scaling.scalable_targets[0];
    assert_eq!((target.resource_id.as_str(), target.min_capacity, target.max_capacity), ("service/demo/web", 2, 12));
    assert!(target.desired_count > 2, "desired {}", target.desired_count);
    let last = target.history.last().expect("history");
    assert_eq!(last.1, target.desired_count, "the history ends with the new desired count");
    assert!(target.history.iter().any(|h| h.1 == 2), "the history starts at desired 2");
    let policy = &scaling.policies[0];
    assert_eq!((policy.policy_type.as_str(), policy.metric.as_str(), policy.target_value), ("TargetTrackingScaling", "ECSServiceAverageCPUUtilization", Some(50.0)));
    assert_eq!((policy.scale_out_cooldown_s, policy.scale_in_cooldown_s, policy.disable_scale_in), (60, 120, false));
    assert_eq!(policy.alarm_names.len(), 2);
    assert!(policy.metric_series.iter().any(|(_, v)| *v > 50.0), "the utilization series shows the spike");
}

#[test]
fn the_view_shows_instances_launching_and_the_capacity_provider_reservation() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("managed-scaling-growth"), None);
    let mut lifecycles = std::collections::BTreeSet::new();
    let mut max_reservation = 0;
    step_until(&mut sim, t("30m"), |s| {
        let view = s.view();
        for i in view.instances.iter().filter(|i| i.auto_scaling_group.as_deref() == Some("ecs-asg")) {
            lifecycles.insert(i.lifecycle.clone());
        }
        max_reservation = max_reservation.max(view.scaling.capacity_providers.first().and_then(|c| c.reservation).unwrap_or(0));
    });
    // Instances boot (pending), their agent registers, then they are ACTIVE container instances.
    for state in ["pending", "registering", "ACTIVE"] {
        assert!(lifecycles.contains(state), "never saw {state}: {lifecycles:?}");
    }
    // 12 tasks on 2 instances of 2 tasks: M = 6 instances needed, N = 2: ceil(6 × 100 / 2) = 300.
    assert!(max_reservation > 100, "the reservation rose above the target: {max_reservation}");
    let view = sim.view();
    let cp = &view.scaling.capacity_providers[0];
    assert_eq!((cp.name.as_str(), cp.auto_scaling_group.as_str(), cp.cluster.as_deref(), cp.strategy), ("workers-cp", "ecs-asg", Some("demo"), Some((0, 1))));
    assert_eq!((cp.target_capacity, cp.minimum_scaling_step_size, cp.maximum_scaling_step_size, cp.instance_warmup_period_s), (100, 1, 4, 60));
    assert!(cp.managed_scaling && cp.managed_termination_protection);
    // Every task runs: 6 busy instances of 6, ceil(6 × 100 / 6) = 100.
    assert_eq!(cp.reservation, Some(100));
    assert!(cp.reservation_series.iter().any(|(_, v)| *v > 100.0));
    let asg = &view.scaling.auto_scaling_groups[0];
    assert_eq!((asg.min_size, asg.max_size, asg.desired_capacity, asg.instance_type.as_str()), (0, 10, 6, "m5.large"));
    assert_eq!(asg.instances.len(), 6);
    // Managed termination protection protects instances that run tasks.
    assert!(asg.instances.iter().all(|i| i.lifecycle_state == "InService" && i.protected_from_scale_in), "{:?}", asg.instances);
    assert!(view.tasks.iter().all(|t| !t.waiting_for_capacity), "no task waits once every task runs");
}
