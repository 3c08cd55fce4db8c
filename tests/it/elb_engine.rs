//! Services behind Elastic Load Balancing in the engine: registration while ACTIVATING, routing by listener
//! rules, ELB health replacing tasks, draining on deployment, and an Availability Zone outage.

use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::json;

fn target_group<'a>(view: &'a ecs_sim::view::View, name: &str) -> &'a ecs_sim::view::TargetGroupView {
    view.target_groups.iter().find(|g| g.name == name).expect("target group")
}

#[test]
fn path_rules_route_a_third_of_the_traffic_to_api_and_every_request_is_counted() {
    let sim = run_scenario("alb-path-routing", None, "10m");
    let view = sim.view();
    for name in ["web-tg", "api-tg"] {
        let group = target_group(&view, name);
        assert_eq!(group.targets.len(), 2);
        assert!(group.targets.iter().all(|t| t.state == ecs_sim::view::TargetHealthState::Healthy), "{name}: {:?}", group.targets);
    }
    let served = |name: &str| -> u64 { target_group(&view, name).targets.iter().map(|t| t.requests_last_step).sum() };
    let (web, api) = (served("web-tg"), served("api-tg"));
    // 300 requests/s for a 15 s step is 4,500 requests; the mix sends 30 of every 100 to /api/*.
    assert_eq!(web + api, 4500, "every request of the step is routed to a target");
    assert_eq!(api, 1350, "30% of 4,500 match the /api/* rule");
    // A full minute at 300 requests/s: RequestCount 18,000, none failed.
    let lb = &view.load_balancers[0];
    let minute = lb.metrics.iter().rev().nth(1).expect("a full minute");
    assert_eq!(minute.request_count, 18_000);
    assert_eq!(minute.elb_5xx + minute.target_5xx, 0);
    assert_eq!(lb.listeners[0].rules.len(), 1);
    assert_eq!(lb.listeners[0].rules[0].priority, 10);
    // Round robin within a group: the two web tasks share evenly.
    let shares: Vec<u64> = target_group(&view, "web-tg").targets.iter().map(|t| t.requests_last_step).collect();
    assert!(shares[0].abs_diff(shares[1]) <= 1, "{shares:?}");
    // DescribeServices echoes the service's loadBalancers.
    let describe = sim.describe_all();
    assert_eq!(service(&describe, "web")["loadBalancers"][0]["containerPort"], json!(8080));
}

#[test]
fn an_awsvpc_service_needs_an_ip_target_group() {
    let mut sim = run_scenario("alb-path-routing", None, "10s");
    let tg = sim
        .call("elasticloadbalancing:CreateTargetGroup", json!({ "Name": "by-instance", "Protocol": "HTTP", "Port": 8080, "VpcId": "vpc-main", "TargetType": "instance" }))
        .expect("created");
    let arn = tg["TargetGroups"][0]["TargetGroupArn"].as_str().expect("arn").to_string();
    let listener = sim.view().load_balancers[0].listeners[0].arn.clone();
    sim.call("elasticloadbalancing:CreateRule", json!({ "ListenerArn": listener, "Priority": 20,
        "Conditions": [ { "Field": "path-pattern", "Values": ["/legacy/*"] } ], "Actions": [ { "Type": "forward", "TargetGroupArn": arn } ] }))
        .expect("rule");
    let error = sim
        .call("ecs:CreateService", json!({ "cluster": "demo", "serviceName": "legacy", "taskDefinition": "web", "desiredCount": 1, "launchType": "FARGATE",
            "loadBalancers": [ { "targetGroupArn": arn, "containerName": "web", "containerPort": 8080 } ],
            "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"] } } }))
        .expect_err("instance target type with awsvpc");
    assert_eq!(error.message, format!("The provided target group {arn} has target type instance, which is incompatible with the awsvpc network mode specified in the task definition."));
    let error = sim
        .call("ecs:CreateService", json!({ "cluster": "demo", "serviceName": "wrong-port", "taskDefinition": "web", "desiredCount": 1, "launchType": "FARGATE",
            "loadBalancers": [ { "targetGroupArn": target_group(&sim.view(), "web-tg").arn, "containerName": "web", "containerPort": 9999 } ],
            "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"] } } }))
        .expect_err("a port the container does not map");
    assert!(error.message.contains("did not have a container port 9999"), "{}", error.message);
}

#[test]
fn ecs_replaces_tasks_that_fail_their_load_balancer_health_checks() {
    let mut sim = run_scenario("alb-path-routing", None, "3m");
    sim.call("sim:SetTargetBehavior", json!({ "cluster": "demo", "service": "web", "healthy": false, "responseCode": 500 })).expect("set");
    let original: Vec<String> = sim.view().tasks.iter().filter(|t| t.service.as_deref() == Some("web")).map(|t| t.id.clone()).collect();
    advance(&mut sim, t("6m"));
    let describe = sim.describe_all();
    for id in &original {
        let task = items(&describe, "tasks").iter().find(|t| s(t, "taskArn").ends_with(id.as_str())).expect("task");
        assert_ne!(s(task, "lastStatus"), "RUNNING", "an unhealthy target's task is replaced");
        assert!(s(task, "stoppedReason").starts_with("Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:"), "{}", s(task, "stoppedReason"));
    }
    let events = service_events(&describe, "web");
    assert!(events.iter().any(|e| e.contains("is unhealthy in (target-group") && e.contains("Health checks failed with these codes: [500]")), "{events:?}");
}

#[test]
fn a_deployment_drains_old_targets_for_the_deregistration_delay() {
    let mut sim = run_scenario("alb-path-routing", None, "3m");
    let tg = target_group(&sim.view(), "web-tg").arn.clone();
    sim.call("elasticloadbalancing:ModifyTargetGroupAttributes", json!({ "TargetGroupArn": tg,
        "Attributes": [ { "Key": "deregistration_delay.timeout_seconds", "Value": "60" } ] })).expect("delay set");
    let old: Vec<String> = sim.view().tasks.iter().filter(|t| t.service.as_deref() == Some("web")).map(|t| t.id.clone()).collect();
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "forceNewDeployment": true })).expect("deploy");
    let mut saw_deactivating = false;
    let mut draining_started = None;
    step_until(&mut sim, t("12m"), |sim| {
        let view = sim.view();
        for task in view.tasks.iter().filter(|t| old.contains(&t.id)) {
            if task.last_status == ecs_sim::view::TaskStatus::Deactivating {
                saw_deactivating = true;
                draining_started.get_or_insert(task.since);
                // A draining target gets no new requests: from the first full ELB step after it began draining
                // (steps are 15 s), its share is zero.
                let group = target_group(&view, "web-tg");
                for target in group.targets.iter().filter(|g| g.task_id == task.id) {
                    assert_eq!(target.state, ecs_sim::view::TargetHealthState::Draining);
                    if view.now.0 > task.since.0 + 15_000 {
                        assert_eq!(target.requests_last_step, 0);
                    }
                }
            }
        }
    });
    assert!(saw_deactivating, "old tasks pass through DEACTIVATING");
    let view = sim.view();
    for task in view.tasks.iter().filter(|t| old.contains(&t.id)) {
        assert_eq!(task.last_status, ecs_sim::view::TaskStatus::Stopped);
        let start = draining_started.expect("draining began");
        // Deregistration delay 60 s, then STOPPING and STOPPED.
        assert!(task.stopped_at.expect("stopped").0 >= start.0 + 60_000, "stopped only after draining");
    }
}

#[test]
fn an_availability_zone_outage_moves_all_traffic_to_the_other_zone() {
    let mut sim = run_scenario("alb-path-routing", None, "4m");
    sim.call("fis:aws:network:disrupt-connectivity", json!({ "targets": { "Subnets": { "resourceType": "aws:ec2:subnet",
        "filters": [ { "path": "AvailabilityZone", "values": ["us-east-1a"] } ], "selectionMode": "ALL" } },
        "parameters": { "duration": "PT10M", "scope": "all" } })).expect("fault");
    advance(&mut sim, t("5m"));
    let view = sim.view();
    for group in &view.target_groups {
        let in_a: u64 = group.targets.iter().filter(|t| t.availability_zone == "us-east-1a").map(|t| t.requests_last_step).sum();
        let in_b: u64 = group.targets.iter().filter(|t| t.availability_zone == "us-east-1b").map(|t| t.requests_last_step).sum();
        assert_eq!(in_a, 0, "{}: no request is routed to the disrupted zone", group.name);
        assert!(in_b > 0);
    }
}

#[test]
fn scenarios_with_load_balancers_are_deterministic() {
    let run = || {
        let mut sim = Sim::new(&scenario("alb-path-routing"), None);
        advance(&mut sim, t("15m"));
        sim.trace_hash()
    };
    assert_eq!(run(), run());
}

#[test]
fn a_rolling_deployment_behind_an_alb_fails_no_request() {
    let mut sim = Sim::new(&scenario("alb-rolling-deployment"), None);
    advance(&mut sim, t("3m"));
    let mut saw_deactivating = false;
    step_until(&mut sim, t("12m"), |sim| {
        saw_deactivating |= sim.view().tasks.iter().any(|task| task.last_status == ecs_sim::view::TaskStatus::Deactivating);
    });
    assert!(saw_deactivating, "old tasks drain before they stop");
    let view = sim.view();
    let web2 = view.tasks.iter().filter(|task| task.last_status == ecs_sim::view::TaskStatus::Running && task.revision == 2).count();
    assert_eq!(web2, 4);
    // From the minute the traffic started to the end, every request was served by a target.
    for point in view.load_balancers[0].metrics.iter().filter(|p| p.minute_start_ms >= 120_000) {
        assert_eq!(point.elb_5xx + point.target_5xx, 0, "minute at {} ms", point.minute_start_ms);
        assert_eq!(point.request_count, 12_000, "200 requests/s for a minute");
    }
}

#[test]
fn traffic_returns_to_the_zone_after_the_outage() {
    let mut sim = Sim::new(&scenario("az-outage-under-load"), None);
    advance(&mut sim, t("10m"));
    let in_zone = |sim: &Sim, az: &str| -> u64 {
        sim.view().target_groups.iter().flat_map(|g| g.targets.iter()).filter(|t| t.availability_zone == az).map(|t| t.requests_last_step).sum()
    };
    assert_eq!(in_zone(&sim, "us-east-1a"), 0, "nothing is routed into the disrupted zone");
    assert_eq!(in_zone(&sim, "us-east-1b"), 6_000, "400 requests/s for 15 s all go to us-east-1b");
    advance(&mut sim, t("20m"));
    assert!(in_zone(&sim, "us-east-1a") > 0, "after the disruption ends, us-east-1a serves again");
}

#[test]
fn protocols_are_folded_in_ascii_only() {
    let mut sim = run_scenario("alb-path-routing", None, "10s");
    let tg = sim
        .call("elasticloadbalancing:CreateTargetGroup", json!({ "Name": "lower", "Protocol": "http", "Port": 8080, "VpcId": "vpc-main", "TargetType": "ip" }))
        .expect("a lower-case protocol is accepted");
    assert_eq!(tg["TargetGroups"][0]["Protocol"], json!("HTTP"));
    assert_eq!(tg["TargetGroups"][0]["HealthCheckProtocol"], json!("HTTP"));
    // U+017F (long s) upper-cases to 'S' in Unicode, but no AWS protocol is spelled with it.
    let error = sim
        .call("elasticloadbalancing:CreateTargetGroup", json!({ "Name": "long-s", "Protocol": "http\u{17f}", "Port": 8080, "VpcId": "vpc-main", "TargetType": "ip" }))
        .expect_err("not a protocol");
    assert_eq!(error.message, "A protocol must be specified");
    let lb = sim.view().load_balancers[0].arn.clone();
    let error = sim
        .call("elasticloadbalancing:CreateListener", json!({ "LoadBalancerArn": lb, "Port": 8443, "Protocol": "tcp\u{e9}",
            "DefaultActions": [ { "Type": "fixed-response", "FixedResponseConfig": { "StatusCode": "200" } } ] }))
        .expect_err("not an ALB protocol");
    assert_eq!(error.message, "Listener protocol 'TCP\u{e9}' must be one of 'HTTPS, HTTP'");
}
