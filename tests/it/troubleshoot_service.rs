//! The troubleshooter of a service that cannot reach a steady state: its checks, verdicts and evidence, the root
//! cause it names, and its fix (as a call) making the service steady, for the `service-asg-at-max` scenario and
//! for the built-in failure scenarios whose tasks fail.

use ecs_sim::scenario::builtin_scenario;
use ecs_sim::sim::troubleshoot::{ServiceTroubleshooting, Verdict};
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::json;

fn steady(sim: &Sim, service: &str) -> bool {
    n_steady(sim, service) > 0
}

/// How many times the service reported a steady state.
fn n_steady(sim: &Sim, service: &str) -> usize {
    sim.log().iter().filter(|e| e.message == format!("(service {service}) has reached a steady state.")).count()
}

fn check<'a>(report: &'a ServiceTroubleshooting, name: &str) -> &'a ecs_sim::sim::troubleshoot::Check {
    report.checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("the check {name} in {report:?}"))
}

#[test]
fn a_group_at_its_maximum_size_is_the_root_cause_and_raising_it_makes_the_service_steady() {
    let mut sim = Sim::new(&builtin_scenario("service-asg-at-max").expect("built-in"), None);
    advance(&mut sim, t("6m"));
    assert!(!steady(&sim, "worker"), "two tasks wait for an instance the group may not launch");
    let report = sim.troubleshoot_service("demo", "worker").expect("a report");
    assert!(!report.steady);
    assert_eq!(report.counts, "desired 6, running 4, pending 2");
    assert_eq!(check(&report, "Desired count against running tasks").verdict, Verdict::Fail);
    let capacity = check(&report, "Capacity provider and Auto Scaling group");
    assert_eq!(capacity.verdict, Verdict::Fail, "{capacity:?}");
    assert!(capacity.evidence.iter().any(|e| e == "Auto Scaling group ecs-asg: MinSize 0, MaxSize 2, DesiredCapacity 2, 2 instances."), "{:?}", capacity.evidence);
    assert!(capacity.evidence.iter().any(|e| e.contains("CapacityProviderReservation 150")), "3 instances needed of 2: {:?}", capacity.evidence);
    assert!(capacity.evidence.iter().any(|e| e == "2 tasks of the service wait in PROVISIONING for capacity."), "{:?}", capacity.evidence);
    assert_eq!(check(&report, "Stopped tasks and their stopped reasons").verdict, Verdict::Pass, "no task failed: they wait");
    assert_eq!(check(&report, "Load balancer health checks").verdict, Verdict::NotApplicable);
    assert!(report.root_cause.starts_with("The Auto Scaling group ecs-asg of capacity provider workers-cp is at its maximum size, 2"), "{}", report.root_cause);
    let fix = report.fix.clone().expect("a fix");
    assert_eq!((fix.call.as_str(), fix.input.clone()), ("autoscaling:UpdateAutoScalingGroup", json!({ "AutoScalingGroupName": "ecs-asg", "MaxSize": 3 })));
    sim.call(&fix.call, fix.input).expect("the fix is a valid call");
    let described = sim.call("autoscaling:DescribeAutoScalingGroups", json!({ "AutoScalingGroupNames": ["ecs-asg"] })).expect("described");
    assert_eq!(described["AutoScalingGroups"][0]["MaxSize"], 3);
    assert!(drive_until(&mut sim, |s| steady(s, "worker"), t("9m59s")), "managed scaling launches the third instance and the waiting tasks run, before the scenario's own call at 10 minutes");
    let report = sim.troubleshoot_service("demo", "worker").expect("a report");
    assert!(report.steady, "{report:?}");
    assert!(report.fix.is_none());
    assert_eq!(check(&report, "Capacity provider and Auto Scaling group").verdict, Verdict::Pass);
    assert!(report.root_cause.starts_with("Nothing to fix: the service has reached a steady state, 6 of 6 tasks"), "{}", report.root_cause);
}

#[test]
fn update_auto_scaling_group_checks_its_sizes_and_changes_nothing_on_a_bad_request() {
    let mut sim = Sim::new(&builtin_scenario("service-asg-at-max").expect("built-in"), None);
    advance(&mut sim, t("1m"));
    let before = sim.call("autoscaling:DescribeAutoScalingGroups", json!({})).expect("described");
    let err = sim.call("autoscaling:UpdateAutoScalingGroup", json!({ "AutoScalingGroupName": "ecs-asg", "MinSize": 3 })).unwrap_err();
    assert_eq!(err.message, "Max bound, 2, must be greater than or equal to min bound, 3");
    let err = sim.call("autoscaling:UpdateAutoScalingGroup", json!({ "AutoScalingGroupName": "ecs-asg", "DesiredCapacity": 5 })).unwrap_err();
    assert_eq!(err.message, "Desired capacity:5 must be between the specified min size:0 and max size:2");
    let err = sim.call("autoscaling:UpdateAutoScalingGroup", json!({ "AutoScalingGroupName": "nope", "MaxSize": 5 })).unwrap_err();
    assert_eq!(err.code, "ValidationError");
    let err = sim.call("autoscaling:UpdateAutoScalingGroup", json!({ "AutoScalingGroupName": "ecs-asg", "VPCZoneIdentifier": "subnet-a" })).unwrap_err();
    assert_eq!(err.code, "ValidationError", "a member the playground does not model is refused, not ignored (Auto Scaling's error dialect)");
    assert_eq!(sim.call("autoscaling:DescribeAutoScalingGroups", json!({})).expect("described"), before);
    // A lower maximum takes the desired capacity down with it.
    sim.call("autoscaling:UpdateAutoScalingGroup", json!({ "AutoScalingGroupName": "ecs-asg", "MaxSize": 1 })).expect("updated");
    let after = sim.call("autoscaling:DescribeAutoScalingGroups", json!({})).expect("described");
    assert_eq!((after["AutoScalingGroups"][0]["MaxSize"].clone(), after["AutoScalingGroups"][0]["DesiredCapacity"].clone()), (json!(1), json!(1)));
}

/// Each built-in scenario whose service never reaches a steady state because its tasks fail: the service
/// troubleshooter names the failing tasks' root cause and offers their fix; applying the fixes it offers, one at
/// a time, makes the service steady.
#[test]
fn the_service_troubleshooter_reaches_each_failure_scenarios_root_cause_and_its_fixes_make_the_service_steady() {
    // Each with the time to troubleshoot at and the time by which the fixed service must be steady (before the
    // scenario's own fix, where it has one).
    let cases = [
        ("oom-crash-loop", "shop", "catalog", "3m30s", "7m50s", "Its tasks fail: Container catalog grows to 700 MiB, past its hard limit of 512 MiB"),
        ("ecr-pull-without-permission", "demo", "api", "1m", "20m", "Its tasks fail: The task execution role api-execution-role does not allow ecr:GetAuthorizationToken"),
        ("missing-log-group", "demo", "web", "1m", "3m50s", "Its tasks fail: The log group /ecs/web of the task"),
        ("private-subnet-no-route", "demo", "api", "5m10s", "25m", "Its tasks fail: No network path for"),
        ("container-health-check-failing", "demo", "api", "2m", "15m", "Its tasks fail: The health check of the essential container api requests a path the application does not serve"),
        ("subnet-out-of-addresses", "jobs", "worker", "2m", "40m", "Its tasks fail: Subnet subnet-small has no free IPv4 address"),
    ];
    for (id, cluster, service, at, by, cause) in cases {
        let mut sim = Sim::new(&builtin_scenario(id).expect("built-in"), None);
        advance(&mut sim, t(at));
        let report = sim.troubleshoot_service(cluster, service).unwrap_or_else(|| panic!("{id}: a report"));
        assert!(!report.steady, "{id}");
        assert!(report.root_cause.starts_with(cause), "{id}: {}", report.root_cause);
        assert_eq!(check(&report, "Stopped tasks and their stopped reasons").verdict, Verdict::Fail, "{id}");
        assert!(report.from_task_id.is_some(), "{id}");
        let mut calls = Vec::new();
        while let Some(fix) = sim.troubleshoot_service(cluster, service).and_then(|r| r.fix) {
            assert!(calls.len() < 3, "{id}: the fixes end: {calls:?}");
            sim.call(&fix.call, fix.input.clone()).unwrap_or_else(|e| panic!("{id}: {} is a valid call: {e:?}", fix.call));
            calls.push(fix.call);
        }
        assert!(!calls.is_empty(), "{id}: a fix was offered");
        let before = n_steady(&sim, service);
        assert!(drive_until(&mut sim, |s| n_steady(s, service) > before, t(by)), "{id}: steady after {calls:?}");
        let report = sim.troubleshoot_service(cluster, service).expect("a report");
        assert!(report.steady && report.fix.is_none(), "{id}: {report:?}");
    }
}
