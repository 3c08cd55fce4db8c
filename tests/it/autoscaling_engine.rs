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
