//! Tests for the ELB model: rules, health state machine, draining, slow start, algorithms, accounting,
//! determinism and a performance smoke test.

use serde_json::{json, Value};

use super::*;
use crate::rng::Prng;

fn ctx() -> ElbContext {
    ElbContext {
        region: "us-east-1".into(),
        account_id: "123456789012".into(),
        now_ms: 0,
        now_iso: "2026-01-01T00:00:00Z".into(),
        vpc_id: "vpc-1".into(),
        subnets: vec![("subnet-a".into(), "us-east-1a".into()), ("subnet-b".into(), "us-east-1b".into()), ("subnet-c".into(), "us-east-1c".into())],
    }
}

fn call(st: &mut ElbState, op: &str, input: Value) -> Result<Value, crate::api::ApiError> {
    st.handle(&format!("elasticloadbalancing:{op}"), &input, &ctx()).expect("known call")
}

/// An ALB in a and b with one HTTP target group as the listener default; returns (lb, tg, listener).
fn alb(st: &mut ElbState) -> (String, String, String) {
    let lb = call(st, "CreateLoadBalancer", json!({"Name": "web", "Subnets": ["subnet-a", "subnet-b"]})).unwrap();
    let lb = lb["LoadBalancers"][0]["LoadBalancerArn"].as_str().unwrap().to_string();
    let tg = call(st, "CreateTargetGroup", json!({"Name": "web-tg", "Protocol": "HTTP", "Port": 80, "VpcId": "vpc-1", "TargetType": "ip"})).unwrap();
    let tg = tg["TargetGroups"][0]["TargetGroupArn"].as_str().unwrap().to_string();
    let l = call(st, "CreateListener", json!({"LoadBalancerArn": lb, "Port": 80, "Protocol": "HTTP", "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg}]})).unwrap();
    let l = l["Listeners"][0]["ListenerArn"].as_str().unwrap().to_string();
    (lb, tg, l)
}

fn tid(n: u32, az: &str) -> TargetId {
    TargetId { id: format!("10.0.0.{n}"), port: 80, availability_zone: az.into(), owner: format!("task-{n}") }
}

fn run(st: &mut ElbState, from: u64, to: u64, dt: u64, rng: &mut Prng) -> Vec<StepReport> {
    let mut out = Vec::new();
    let mut t = from;
    while t < to {
        out.push(st.step(t, dt, rng));
        t += dt;
    }
    out
}

#[test]
fn wildcard_table() {
    let cases: &[(&str, &str, bool, bool)] = &[
        ("*.example.com", "api.example.com", true, true),
        ("*.example.com", "example.com", true, false),
        ("API.example.com", "api.EXAMPLE.com", true, true),
        ("/api/*", "/api/v1/users", false, true),
        ("/api/*", "/API/v1", false, false),
        ("/img/??.png", "/img/ab.png", false, true),
        ("/img/??.png", "/img/abc.png", false, false),
        ("*", "", false, true),
        ("a*b*c", "axxbyyc", false, true),
        ("a*b*c", "axxbyy", false, false),
    ];
    for (p, t, ci, want) in cases {
        assert_eq!(glob_match(p, t, *ci), *want, "{p} vs {t}");
    }
}

#[test]
fn rule_priority_and_conditions_table() {
    let mut st = ElbState::new();
    let (_lb, tg, l) = alb(&mut st);
    let tg2 = call(&mut st, "CreateTargetGroup", json!({"Name": "api", "Protocol": "HTTP", "Port": 80, "VpcId": "vpc-1"})).unwrap()["TargetGroups"][0]["TargetGroupArn"].as_str().unwrap().to_string();
    let fwd2 = json!([{"Type": "forward", "TargetGroupArn": tg2}]);
    call(&mut st, "CreateRule", json!({"ListenerArn": l, "Priority": 10, "Conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}], "Actions": fwd2})).unwrap();
    call(&mut st, "CreateRule", json!({"ListenerArn": l, "Priority": 5, "Conditions": [
        {"Field": "host-header", "HostHeaderConfig": {"Values": ["admin.*"]}}, {"Field": "path-pattern", "Values": ["/api/*"]}],
        "Actions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "403"}}]})).unwrap();
    // Duplicate priority.
    let e = call(&mut st, "CreateRule", json!({"ListenerArn": l, "Priority": 5, "Conditions": [{"Field": "path-pattern", "Values": ["/x"]}], "Actions": fwd2})).unwrap_err();
    assert_eq!(e.code, "PriorityInUse");
    let e = call(&mut st, "CreateRule", json!({"ListenerArn": l, "Priority": 50001, "Conditions": [{"Field": "path-pattern", "Values": ["/x"]}], "Actions": fwd2})).unwrap_err();
    assert_eq!(e.code, "ValidationError");
    let listener = st.listeners[&l].clone();
    let mut rs: Vec<&Rule> = st.rules.values().collect();
    rs.sort_by_key(|r| r.priority);
    let table: Vec<(u32, &[Condition], &[Action])> = rs.iter().map(|r| (r.priority, r.conditions.as_slice(), r.actions.as_slice())).collect();
    let which = |host: &str, path: &str| -> String {
        match choose_actions(&table, &listener.default_actions, &RequestView::new(host, path)).last().unwrap() {
            Action::Forward { groups, .. } => groups[0].0.clone(),
            Action::FixedResponse { status, .. } => status.to_string(),
            Action::Redirect { .. } => "redirect".into(),
        }
    };
    // (host, path, expected): priority 5 needs both conditions; 10 path only; else default.
    let cases = [
        ("admin.example.com", "/api/x", "403".to_string()),
        ("www.example.com", "/api/x", tg2.clone()),
        ("admin.example.com", "/static", tg.clone()),
        ("www.example.com", "/api?x=1", tg.clone()), // path-pattern does not see the query; "/api/*" needs "/api/"
        ("www.example.com", "/api/?x=1", tg2.clone()),
    ];
    for (h, p, want) in cases {
        assert_eq!(which(h, p), want, "{h}{p}");
    }
    // SetRulePriorities swaps, DescribeRules lists the default last.
    let rules: Vec<String> = rs.iter().map(|r| r.arn.clone()).collect();
    call(&mut st, "SetRulePriorities", json!({"RulePriorities": [{"RuleArn": rules[0], "Priority": 10}, {"RuleArn": rules[1], "Priority": 5}]})).unwrap();
    let d = call(&mut st, "DescribeRules", json!({"ListenerArn": l})).unwrap();
    assert_eq!(d["Rules"].as_array().unwrap().len(), 3);
    assert_eq!(d["Rules"][2]["IsDefault"], json!(true));
    // DeleteTargetGroup while a rule uses it.
    assert_eq!(call(&mut st, "DeleteTargetGroup", json!({"TargetGroupArn": tg2})).unwrap_err().code, "ResourceInUse");
    call(&mut st, "DeleteRule", json!({"RuleArn": rules[1]})).unwrap();
    call(&mut st, "DeleteTargetGroup", json!({"TargetGroupArn": tg2})).unwrap();
}

#[test]
fn other_conditions() {
    let conds = rules::parse_conditions(&Request::new(&json!({"Conditions": [
        {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Env", "Values": ["can*"]}},
        {"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "v", "Value": "2"}]}},
        {"Field": "source-ip", "SourceIpConfig": {"Values": ["10.0.0.0/8"]}}
    ]}), Dialect::Query))
    .unwrap();
    let mut req = RequestView::new("a.b", "/x?v=2");
    req.headers.push(("x-env".into(), "CANARY".into()));
    req.source_ip = parse_ipv4("10.1.2.3");
    assert!(conds.iter().all(|c| c.matches(&req)));
    req.source_ip = parse_ipv4("192.168.0.1");
    assert!(!conds[2].matches(&req));
    // Limits: two host-header conditions, or more than 5 values.
    let conditions = |list: Value| rules::parse_conditions(&Request::new(&json!({ "Conditions": list }), Dialect::Query));
    assert!(conditions(json!([{"Field": "host-header", "Values": ["a.b"]}, {"Field": "host-header", "Values": ["c.d"]}])).is_err());
    assert!(conditions(json!([{"Field": "path-pattern", "Values": ["/1", "/2", "/3", "/4", "/5", "/6"]}])).is_err());
}

#[test]
fn api_shapes_and_errors() {
    let mut st = ElbState::new();
    let e = call(&mut st, "CreateLoadBalancer", json!({"Name": "one", "Subnets": ["subnet-a"]})).unwrap_err();
    assert_eq!(e.message, "At least two subnets in two different Availability Zones must be specified");
    let nlb = call(&mut st, "CreateLoadBalancer", json!({"Name": "net", "Type": "network", "Subnets": ["subnet-a"]})).unwrap();
    assert_eq!(nlb["LoadBalancers"][0]["Type"], "network");
    let tg = call(&mut st, "CreateTargetGroup", json!({"Name": "tcp", "Protocol": "TCP", "Port": 80, "VpcId": "vpc-1"})).unwrap();
    let t = &tg["TargetGroups"][0];
    assert_eq!((t["HealthCheckProtocol"].as_str(), t["HealthCheckTimeoutSeconds"].as_u64(), t["HealthyThresholdCount"].as_u64()), (Some("TCP"), Some(10), Some(5)));
    let http = call(&mut st, "CreateTargetGroup", json!({"Name": "http", "Protocol": "HTTP", "Port": 80, "VpcId": "vpc-1"})).unwrap();
    let h = &http["TargetGroups"][0];
    assert_eq!(h["HealthCheckPath"], "/");
    assert_eq!(h["HealthCheckTimeoutSeconds"], 5);
    assert_eq!(h["HealthCheckIntervalSeconds"], 30);
    assert_eq!(h["UnhealthyThresholdCount"], 2);
    assert_eq!(h["Matcher"]["HttpCode"], "200");
    let arn = h["TargetGroupArn"].as_str().unwrap();
    let a = call(&mut st, "DescribeTargetGroupAttributes", json!({"TargetGroupArn": arn})).unwrap();
    assert!(a["Attributes"].as_array().unwrap().contains(&json!({"Key": "deregistration_delay.timeout_seconds", "Value": "300"})));
    for (k, v, ok) in [
        ("deregistration_delay.timeout_seconds", "3601", false),
        ("slow_start.duration_seconds", "29", false),
        ("slow_start.duration_seconds", "30", true),
        ("load_balancing.algorithm.type", "least_outstanding_requests", false), // with slow start on
        ("load_balancing.algorithm.type", "weighted_random", true),
    ] {
        let r = call(&mut st, "ModifyTargetGroupAttributes", json!({"TargetGroupArn": arn, "Attributes": [{"Key": k, "Value": v}]}));
        assert_eq!(r.is_ok(), ok, "{k}={v}");
    }
    let hth = call(&mut st, "DescribeTargetHealth", json!({"TargetGroupArn": arn, "Targets": [{"Id": "i-0abc", "Port": 80}]})).unwrap();
    assert_eq!(hth["TargetHealthDescriptions"][0]["TargetHealth"]["Reason"], "Target.NotRegistered");
    // Classic.
    let c = call(&mut st, "CreateLoadBalancer", json!({"LoadBalancerName": "old", "Listeners": [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}], "Subnets": ["subnet-a"]})).unwrap();
    assert!(c["DNSName"].as_str().unwrap().starts_with("old-"));
    let d = call(&mut st, "DescribeLoadBalancers", json!({"LoadBalancerNames": ["old"]})).unwrap();
    assert_eq!(d["LoadBalancerDescriptions"][0]["ListenerDescriptions"][0]["Listener"]["InstancePort"], 8080);
    assert!(st.handle("ecs:ListClusters", &json!({}), &ctx()).is_none());
    assert!(st.handle("elasticloadbalancing:CreateTargetGroup", &json!(3), &ctx()).unwrap().is_err());
}

#[test]
fn health_state_machine_timing() {
    let mut st = ElbState::new();
    let (_lb, tg, _) = alb(&mut st);
    let mut rng = Prng::new(1);
    st.register_target(&tg, tid(1, "us-east-1a"), 0);
    // Registration 10 s, then the first check at t=10 s; ALBDG: one passing check makes a new target healthy.
    let reps = run(&mut st, 0, 40_000, 5_000, &mut rng);
    let tr: Vec<&HealthTransition> = reps.iter().flat_map(|r| &r.transitions).collect();
    assert_eq!(tr.len(), 1);
    assert_eq!((tr[0].to, tr[0].at_ms / 1000), (HealthState::Healthy, 10));
    // Now the target answers 500: checks at 40 s and 70 s fail; UnhealthyThresholdCount 2 → unhealthy at 70 s.
    st.set_target_behavior("task-1", TargetBehavior { healthy: false, response_code: 500, ..Default::default() });
    let reps = run(&mut st, 40_000, 100_000, 5_000, &mut rng);
    let tr: Vec<&HealthTransition> = reps.iter().flat_map(|r| &r.transitions).collect();
    assert_eq!(tr.len(), 1);
    assert_eq!(tr[0].to, HealthState::Unhealthy);
    assert_eq!(tr[0].at_ms / 1000, 70);
    assert_eq!(tr[0].reason, Some("Target.ResponseCodeMismatch"));
    assert_eq!(tr[0].description.as_deref(), Some("Health checks failed with these codes: [500]"));
    let ev = tr[0].service_event("web", None).unwrap();
    assert!(ev.starts_with("(service web) (task task-1) (port 80) is unhealthy in (target-group arn:"), "{ev}");
    // Recovers at 100 s: HealthyThresholdCount 5 successes at 100,130,160,190,220 → healthy at 220 s
    // (5 checks × 30 s after the last failure at 70 s = 150 s later).
    st.set_target_behavior("task-1", TargetBehavior::default());
    let reps = run(&mut st, 100_000, 300_000, 10_000, &mut rng);
    let tr: Vec<&HealthTransition> = reps.iter().flat_map(|r| &r.transitions).collect();
    assert_eq!(tr.len(), 1);
    assert_eq!((tr[0].to, tr[0].at_ms / 1000), (HealthState::Healthy, 220));
    // Timeouts report Target.Timeout.
    st.set_target_behavior("task-1", TargetBehavior { timeout: true, ..Default::default() });
    let reps = run(&mut st, 300_000, 400_000, 10_000, &mut rng);
    let tr: Vec<&HealthTransition> = reps.iter().flat_map(|r| &r.transitions).collect();
    assert_eq!(tr[0].reason, Some("Target.Timeout"));
    assert_eq!(tr[0].description.as_deref(), Some("Request timed out"));
}

#[test]
fn threshold_rule_for_new_targets_when_configured() {
    let mut st = ElbState::new();
    st.initial_needs_one_check = false;
    st.registration_delay_ms = 0;
    let (_lb, tg, _) = alb(&mut st);
    let mut rng = Prng::new(1);
    st.register_target(&tg, tid(1, "us-east-1a"), 0);
    // Checks at 0,30,60,90,120 → the 5th success at 120 s.
    let reps = run(&mut st, 0, 200_000, 10_000, &mut rng);
    let tr: Vec<&HealthTransition> = reps.iter().flat_map(|r| &r.transitions).collect();
    assert_eq!((tr[0].to, tr[0].at_ms / 1000), (HealthState::Healthy, 120));
}

#[test]
fn unused_when_not_in_listener_or_zone() {
    let mut st = ElbState::new();
    let (_lb, tg, _) = alb(&mut st);
    let lonely = call(&mut st, "CreateTargetGroup", json!({"Name": "lonely", "Protocol": "HTTP", "Port": 80, "VpcId": "vpc-1"})).unwrap()["TargetGroups"][0]["TargetGroupArn"].as_str().unwrap().to_string();
    st.register_target(&lonely, tid(1, "us-east-1a"), 0);
    st.register_target(&tg, tid(2, "us-east-1c"), 0); // the ALB is in a and b only
    let mut rng = Prng::new(1);
    run(&mut st, 0, 60_000, 10_000, &mut rng);
    let h = call(&mut st, "DescribeTargetHealth", json!({"TargetGroupArn": lonely})).unwrap();
    assert_eq!(h["TargetHealthDescriptions"][0]["TargetHealth"]["State"], "unused");
    assert_eq!(h["TargetHealthDescriptions"][0]["TargetHealth"]["Description"], "Target group is not configured to receive traffic from the load balancer");
    let h = call(&mut st, "DescribeTargetHealth", json!({"TargetGroupArn": tg})).unwrap();
    assert_eq!(h["TargetHealthDescriptions"][0]["TargetHealth"]["Description"], "Target is in an Availability Zone that is not enabled for the load balancer");
}

#[test]
fn deregistration_delay() {
    let mut st = ElbState::new();
    let (lb, tg, _) = alb(&mut st);
    call(&mut st, "ModifyTargetGroupAttributes", json!({"TargetGroupArn": tg, "Attributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}]})).unwrap();
    let mut rng = Prng::new(3);
    st.register_target(&tg, tid(1, "us-east-1a"), 0);
    st.register_target(&tg, tid(2, "us-east-1b"), 0);
    st.set_load(&lb, Some(LoadProfile::constant(100)), 0);
    run(&mut st, 0, 60_000, 10_000, &mut rng);
    assert_eq!(st.deregister_target(&tg, "10.0.0.1", 80, 60_000), Some(90_000));
    let reps = run(&mut st, 60_000, 120_000, 10_000, &mut rng);
    // Draining targets get no new requests; removal at 90 s.
    for r in &reps {
        assert!(r.shares.iter().all(|s| s.owner != "task-1"));
    }
    let removed: Vec<&RemovedTarget> = reps.iter().flat_map(|r| &r.removed).collect();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].at_ms, 90_000);
    assert_eq!(st.target_groups[&tg].targets.len(), 1);
    assert!(st.owner_health("task-1").is_empty());
}

#[test]
fn slow_start_ramps_linearly() {
    let mut st = ElbState::new();
    let (lb, tg, _) = alb(&mut st);
    call(&mut st, "ModifyTargetGroupAttributes", json!({"TargetGroupArn": tg, "Attributes": [{"Key": "slow_start.duration_seconds", "Value": "100"}]})).unwrap();
    let mut rng = Prng::new(3);
    st.register_target(&tg, tid(1, "us-east-1a"), 0);
    run(&mut st, 0, 20_000, 10_000, &mut rng); // task-1 healthy at 10 s, alone: no slow start
    assert!(st.target_groups[&tg].targets[0].slow_start.is_none());
    st.register_target(&tg, tid(2, "us-east-1b"), 20_000); // healthy at 30 s, ramps until 130 s
    st.set_load(&lb, Some(LoadProfile::constant(1000)), 0);
    let reps = run(&mut st, 20_000, 200_000, 10_000, &mut rng);
    let share = |r: &StepReport, o: &str| r.shares.iter().find(|s| s.owner == o).map_or(0, |s| s.requests);
    // task-2 turns healthy at 30.001 s (check at 30 s + 1 ms answer); window [80,90) s: midpoint 85 s is
    // 54.999 s into the 100 s ramp → weight 549 vs 1000 → 10000 × 549 / 1549 ≈ 3544.
    let w = &reps[6];
    assert_eq!(share(w, "task-2"), 3544);
    // After the ramp, an even split.
    let last = reps.last().unwrap();
    assert_eq!(share(last, "task-1"), share(last, "task-2"));
}

fn distribution(alg: &str) -> Vec<u64> {
    let mut st = ElbState::new();
    st.registration_delay_ms = 0;
    let (lb, tg, _) = alb(&mut st);
    call(&mut st, "ModifyTargetGroupAttributes", json!({"TargetGroupArn": tg, "Attributes": [{"Key": "load_balancing.algorithm.type", "Value": alg}]})).unwrap();
    for i in 1..=4 {
        st.register_target(&tg, tid(i, if i % 2 == 0 { "us-east-1a" } else { "us-east-1b" }), 0);
    }
    // task-4 is slow: capacity 50 rps against ~100 offered.
    st.set_target_capacity("task-4", 50);
    st.set_load(&lb, Some(LoadProfile::constant(400)), 0);
    let mut rng = Prng::new(9);
    run(&mut st, 0, 10_000, 10_000, &mut rng);
    run(&mut st, 10_000, 310_000, 10_000, &mut rng);
    st.target_groups[&tg].targets.iter().map(|t| t.total_requests).collect()
}

#[test]
fn algorithm_distributions() {
    let rr = distribution("round_robin");
    let max = *rr.iter().max().unwrap();
    let min = *rr.iter().min().unwrap();
    assert!(max - min <= 1, "round robin is even: {rr:?}");
    let lor = distribution("least_outstanding_requests");
    assert!(lor[3] * 2 < lor[0], "least outstanding favours the unloaded targets: {lor:?}");
    let wr = distribution("weighted_random");
    let total: u64 = wr.iter().sum();
    for x in &wr {
        assert!(*x * 4 > total * 8 / 10 && *x * 4 < total * 12 / 10, "weighted random near even: {wr:?}");
    }
    assert_ne!(wr, rr);
}

/// A scenario exercising failures, draining, zone loss and overload; used by the property tests.
fn chaos(seed: u64, steps: u32) -> (ElbState, Vec<StepReport>) {
    let mut st = ElbState::new();
    let (lb, tg, _) = alb(&mut st);
    let mut rng = Prng::new(seed);
    let mut pick = Prng::new(seed ^ 0xABCD);
    st.set_load(&lb, Some(LoadProfile { kind: LoadShape::Spike { base: 300, peak: 2000, at_ms: 200_000, duration_ms: 100_000 }, mix: vec![("a.example.com".into(), "/".into(), 3), ("b.example.com".into(), "/api/x".into(), 1)], websocket_fraction_per_mille: 10, cpu_ms_per_request: 20 }), 0);
    let mut reports = Vec::new();
    let mut next_id = 1;
    for s in 0..steps {
        let now = s as u64 * 5_000;
        match pick.below(12) {
            0 => {
                let az = if pick.below(2) == 0 { "us-east-1a" } else { "us-east-1b" };
                st.register_target(&tg, tid(next_id, az), now);
                st.set_target_capacity(&format!("task-{next_id}"), 50 + pick.below(200));
                next_id += 1;
            }
            1 if next_id > 1 => {
                let n = 1 + pick.below(next_id - 1);
                st.deregister_target(&tg, &format!("10.0.0.{n}"), 80, now);
            }
            2 if next_id > 1 => {
                let n = 1 + pick.below(next_id - 1);
                let b = match pick.below(3) {
                    0 => TargetBehavior::default(),
                    1 => TargetBehavior { healthy: false, response_code: 503, ..Default::default() },
                    _ => TargetBehavior { timeout: true, ..Default::default() },
                };
                st.set_target_behavior(&format!("task-{n}"), b);
            }
            3 => st.set_zone_disrupted("us-east-1a", pick.below(2) == 0),
            _ => {}
        }
        let r = st.step(now, 5_000, &mut rng);
        // Property: never routed to a draining, unregistered, zone-down or non-healthy target, except the
        // documented fail-open (no healthy routable target → spread across unhealthy ones).
        let after = &st.target_groups[&tg].targets;
        let any_healthy = after.iter().any(|t| t.state == HealthState::Healthy && !t.zone_down && t.drain_until_ms.is_none() && t.az_enabled);
        for sh in &r.shares {
            let t = after.iter().find(|t| t.owner == sh.owner).expect("routed to a registered target");
            assert!(t.drain_until_ms.is_none() && !t.zone_down, "routed to draining/disrupted {t:?}");
            if any_healthy {
                assert_eq!(t.state, HealthState::Healthy);
            } else {
                assert_eq!(t.state, HealthState::Unhealthy, "fail-open only across unhealthy targets");
            }
        }
        reports.push(r);
    }
    (st, reports)
}

#[test]
fn property_routing_and_exactly_once() {
    for seed in 1..6 {
        let (st, reports) = chaos(seed, 400);
        let mut total = TrafficTotals::default();
        for r in &reports {
            assert_eq!(r.totals.requests, r.totals.accounted(), "each window accounts every request once");
            total.requests += r.totals.requests;
            total.target_2xx += r.totals.target_2xx;
        }
        assert!(total.requests > 100_000);
        let lbt: u64 = st.traffic.values().map(|t| t.totals.requests).sum();
        assert_eq!(lbt, total.requests);
        let accounted: u64 = st.traffic.values().map(|t| t.totals.accounted()).sum();
        assert_eq!(accounted, total.requests);
    }
}

#[test]
fn step_is_deterministic() {
    let (a, ra) = chaos(42, 300);
    let (b, rb) = chaos(42, 300);
    assert_eq!(ra, rb);
    assert_eq!(a, b);
    let (_, rc) = chaos(43, 300);
    assert_ne!(ra, rc);
}

#[test]
fn no_targets_is_503_and_metrics_roll() {
    let mut st = ElbState::new();
    let (lb, tg, _) = alb(&mut st);
    st.set_load(&lb, Some(LoadProfile::constant(10)), 0);
    let mut rng = Prng::new(1);
    let reps = run(&mut st, 0, 180_000, 10_000, &mut rng);
    let t: u64 = reps.iter().map(|r| r.totals.elb_5xx).sum();
    assert_eq!(t, 1800);
    let m = st.lb_metric_points(&lb);
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].request_count, m[0].elb_5xx), (600, 600));
    assert_eq!(st.tg_metric_points(&tg).len(), 2);
}

#[test]
fn nlb_cross_zone_off_splits_by_zone() {
    let mut st = ElbState::new();
    st.registration_delay_ms = 0;
    let lb = call(&mut st, "CreateLoadBalancer", json!({"Name": "net", "Type": "network", "Subnets": ["subnet-a", "subnet-b"]})).unwrap()["LoadBalancers"][0]["LoadBalancerArn"].as_str().unwrap().to_string();
    let tg = call(&mut st, "CreateTargetGroup", json!({"Name": "tcp", "Protocol": "TCP", "Port": 80, "VpcId": "vpc-1", "TargetType": "ip"})).unwrap()["TargetGroups"][0]["TargetGroupArn"].as_str().unwrap().to_string();
    call(&mut st, "CreateListener", json!({"LoadBalancerArn": lb, "Port": 80, "Protocol": "TCP", "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg}]})).unwrap();
    st.register_target(&tg, tid(1, "us-east-1a"), 0);
    st.register_target(&tg, tid(2, "us-east-1b"), 0);
    st.register_target(&tg, tid(3, "us-east-1b"), 0);
    st.set_load(&lb, Some(LoadProfile::constant(600)), 0);
    let mut rng = Prng::new(5);
    run(&mut st, 0, 10_000, 10_000, &mut rng);
    let r = st.step(10_000, 10_000, &mut rng);
    let by = |o: &str| r.shares.iter().find(|s| s.owner == o).map_or(0, |s| s.requests);
    // Zone a gets half (3000) on its single target; zone b's 3000 split by flow hash.
    assert_eq!(by("task-1"), 3000);
    assert_eq!(by("task-2") + by("task-3"), 3000);
}

#[test]
fn an_hour_of_traffic_on_5000_targets_is_counted_per_minute() {
    // The timing of a whole day is the `ecs-sim bench day` benchmark (BENCHMARKS.md); this checks the counts.
    let mut st = ElbState::new();
    st.collect_shares = false;
    let (lb, tg, _) = alb(&mut st);
    for i in 0..5000u32 {
        let t = TargetId { id: format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256), port: 80, availability_zone: if i % 2 == 0 { "us-east-1a".into() } else { "us-east-1b".into() }, owner: format!("t{i}") };
        st.register_target(&tg, t, 0);
    }
    st.set_load(&lb, Some(LoadProfile::constant(5000)), 0);
    let mut rng = Prng::new(1);
    let mut total = 0u64;
    let mut t = 0;
    while t < 3_600_000 {
        let r = st.step(t, 10_000, &mut rng);
        assert_eq!(r.totals.requests, r.totals.accounted(), "every request counted once");
        total += r.totals.requests;
        t += 10_000;
    }
    // 5,000 requests/s for an hour.
    assert_eq!(total, 18_000_000);
    assert_eq!(st.lb_metric_points(&lb).len(), 59, "one point per finished minute");
}

/// Texts and behaviours checked against AWS's own answers (sources in api.rs beside each).
#[test]
fn verified_error_texts_and_behaviours() {
    let mut st = ElbState::new();
    let (lb, tg, l) = alb(&mut st);
    // CreateTargetGroup: interval 10 s with timeout 10 s is refused (interval must exceed timeout).
    let e = call(&mut st, "CreateTargetGroup", json!({"Name": "hc", "Protocol": "HTTP", "Port": 80, "VpcId": "vpc-1",
        "HealthCheckIntervalSeconds": 10, "HealthCheckTimeoutSeconds": 10})).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("ValidationError", "Health check interval must be greater than the timeout."));
    // 33 characters is one past the 32-character limit.
    let long = "a".repeat(33);
    let e = call(&mut st, "CreateTargetGroup", json!({"Name": long, "Protocol": "HTTP", "Port": 80, "VpcId": "vpc-1"})).unwrap_err();
    assert_eq!(e.message, format!("Target group name '{long}' cannot be longer than '32' characters"));
    // ModifyTargetGroup refuses (no longer clamps) and keeps the group as it was: 30 s interval, 5 s timeout.
    let e = call(&mut st, "ModifyTargetGroup", json!({"TargetGroupArn": tg, "HealthCheckTimeoutSeconds": 30})).unwrap_err();
    assert_eq!(e.message, "Health check timeout '30' must be smaller than the interval '30'");
    assert!(call(&mut st, "ModifyTargetGroup", json!({"TargetGroupArn": tg, "HealthCheckIntervalSeconds": 301})).is_err());
    let d = call(&mut st, "DescribeTargetGroups", json!({"TargetGroupArns": [tg]})).unwrap();
    assert_eq!((d["TargetGroups"][0]["HealthCheckIntervalSeconds"].as_u64(), d["TargetGroups"][0]["HealthCheckTimeoutSeconds"].as_u64()), (Some(30), Some(5)));
    let ok = call(&mut st, "ModifyTargetGroup", json!({"TargetGroupArn": tg, "HealthCheckIntervalSeconds": 10, "HealthCheckTimeoutSeconds": 6})).unwrap();
    assert_eq!(ok["TargetGroups"][0]["HealthCheckIntervalSeconds"], 10);
    // CreateListener: a TCP listener on an ALB, HTTPS without a certificate, HTTP with one, a second listener on port 80.
    let fwd = json!([{"Type": "forward", "TargetGroupArn": tg}]);
    let e = call(&mut st, "CreateListener", json!({"LoadBalancerArn": lb, "Port": 81, "Protocol": "TCP", "DefaultActions": fwd})).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("ValidationError", "Listener protocol 'TCP' must be one of 'HTTPS, HTTP'"));
    let e = call(&mut st, "CreateListener", json!({"LoadBalancerArn": lb, "Port": 443, "Protocol": "HTTPS", "DefaultActions": fwd})).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("ValidationError", "A certificate must be specified for HTTPS listeners"));
    let cert = json!([{"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}]);
    let e = call(&mut st, "CreateListener", json!({"LoadBalancerArn": lb, "Port": 8080, "Protocol": "HTTP", "Certificates": cert, "DefaultActions": fwd})).unwrap_err();
    assert_eq!(e.message, "A certificate cannot be specified for HTTP listeners");
    let other = json!([{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]);
    let e = call(&mut st, "CreateListener", json!({"LoadBalancerArn": lb, "Port": 80, "Protocol": "HTTP", "DefaultActions": other})).unwrap_err();
    assert_eq!((e.code, e.message), ("DuplicateListener", format!("A listener already exists on this port for this load balancer '{lb}'")));
    // An NLB: HTTP listeners are refused; a TCP group behind an ALB listener has incompatible protocols.
    let nlb = call(&mut st, "CreateLoadBalancer", json!({"Name": "net", "Type": "network", "Subnets": ["subnet-a"]})).unwrap()["LoadBalancers"][0]["LoadBalancerArn"].as_str().unwrap().to_string();
    let e = call(&mut st, "CreateListener", json!({"LoadBalancerArn": nlb, "Port": 80, "Protocol": "HTTP", "DefaultActions": fwd})).unwrap_err();
    assert_eq!(e.message, "Listener protocol 'HTTP' must be one of 'TLS, TCP, TCP_UDP, UDP'");
    let tcp = |st: &mut ElbState, name: &str| call(st, "CreateTargetGroup", json!({"Name": name, "Protocol": "TCP", "Port": 80, "VpcId": "vpc-1"})).unwrap()["TargetGroups"][0]["TargetGroupArn"].as_str().unwrap().to_string();
    let (t1, t2) = (tcp(&mut st, "t1"), tcp(&mut st, "t2"));
    let e = call(&mut st, "CreateListener", json!({"LoadBalancerArn": lb, "Port": 82, "Protocol": "HTTP", "DefaultActions": [{"Type": "forward", "TargetGroupArn": t1}]})).unwrap_err();
    assert_eq!(e.code, "IncompatibleProtocols");
    let two = json!([{"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": t1}, {"TargetGroupArn": t2}]}}]);
    let e = call(&mut st, "CreateListener", json!({"LoadBalancerArn": nlb, "Port": 80, "Protocol": "TCP", "DefaultActions": two})).unwrap_err();
    assert_eq!(e.message, "You cannot specify multiple target groups in a single action with a load balancer of type 'network'");
    // Missing listener; six path patterns (one past five condition values).
    let e = call(&mut st, "DescribeListeners", json!({"ListenerArns": [format!("{l}0")]})).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("ListenerNotFound", "One or more listeners not found"));
    let e = call(&mut st, "CreateRule", json!({"ListenerArn": l, "Priority": 1, "Conditions": [{"Field": "path-pattern", "Values": ["/a", "/b", "/c", "/d", "/e", "/f"]}], "Actions": fwd})).unwrap_err();
    assert_eq!(e.message, "A rule can only have '5' condition values");
    // Rule quota: 100 rules per load balancer, the 101st is refused.
    for p in 1..=100 {
        call(&mut st, "CreateRule", json!({"ListenerArn": l, "Priority": p, "Conditions": [{"Field": "path-pattern", "Values": [format!("/{p}")]}], "Actions": fwd})).unwrap();
    }
    let e = call(&mut st, "CreateRule", json!({"ListenerArn": l, "Priority": 101, "Conditions": [{"Field": "path-pattern", "Values": ["/x"]}], "Actions": fwd})).unwrap_err();
    assert_eq!(e.code, "TooManyRules");
    assert!(e.message.starts_with(&format!("The maximum number of rules on load balancer {lb}")));
    // DeregisterTargets of a target not registered at that port answers {} and leaves the registered one alone.
    call(&mut st, "RegisterTargets", json!({"TargetGroupArn": tg, "Targets": [{"Id": "10.0.0.9", "Port": 3001}]})).unwrap();
    assert_eq!(call(&mut st, "DeregisterTargets", json!({"TargetGroupArn": tg, "Targets": [{"Id": "10.0.0.9"}]})).unwrap(), json!({}));
    let h = call(&mut st, "DescribeTargetHealth", json!({"TargetGroupArn": tg, "Targets": [{"Id": "10.0.0.9", "Port": 3001}]})).unwrap();
    assert_ne!(h["TargetHealthDescriptions"][0]["TargetHealth"]["Reason"], "Target.NotRegistered");
    // Classic: an unknown name.
    let e = call(&mut st, "DescribeLoadBalancers", json!({"LoadBalancerNames": ["nope"]})).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("LoadBalancerNotFound", "There is no ACTIVE Load Balancer named 'nope'"));
}

#[test]
fn the_part_of_the_answers_past_the_idle_timeout_is_504_and_leaves_the_response_times() {
    use super::metrics::{timed_out, MetricSeries};
    // Answers around 30 s: 50 % at 18 s, 35 % at 30 s, 12 % at 60 s, 3 % at 120 s. Against the 60 s idle timeout
    // the last two parts are 504s.
    assert_eq!(timed_out(30_000, 100, 60_000), 15);
    assert_eq!(timed_out(1_000, 100, 60_000), 0);
    assert_eq!(timed_out(70_000, 100, 60_000), 100 - 50);
    let mut series = MetricSeries::default();
    series.roll(0, 0, 0);
    series.add_latency(30_000, 100, 60_000);
    series.roll(1, 0, 0);
    let point = series.points.back().expect("a point");
    assert!(point.p99_ms > 0.0 && point.p99_ms < 60_000.0, "p99 {}", point.p99_ms);
}

#[test]
fn a_target_registered_between_steps_gets_its_zone_from_its_group() {
    // The first step works the topology out; the targets registered after it are checked against their group's
    // load balancers when they register, without another refresh.
    let mut st = ElbState::new();
    let (_lb, tg, _) = alb(&mut st);
    let mut rng = Prng::new(1);
    run(&mut st, 0, 10_000, 10_000, &mut rng);
    assert!(!st.topology_dirty);
    st.register_target(&tg, tid(1, "us-east-1a"), 10_000);
    st.register_target(&tg, tid(2, "us-east-1c"), 10_000); // the ALB is in a and b only
    assert!(!st.topology_dirty);
    run(&mut st, 10_000, 60_000, 10_000, &mut rng);
    let state = |id: &str| st.target_groups[&tg].targets[st.target_groups[&tg].find(id, 80).unwrap()].state;
    assert_eq!(state("10.0.0.1"), HealthState::Healthy);
    assert_eq!(state("10.0.0.2"), HealthState::Unused);
    let h = call(&mut st, "DescribeTargetHealth", json!({"TargetGroupArn": tg, "Targets": [{"Id": "10.0.0.2", "Port": 80}]})).unwrap();
    assert_eq!(h["TargetHealthDescriptions"][0]["TargetHealth"]["Description"], "Target is in an Availability Zone that is not enabled for the load balancer");
}

#[test]
fn ids_sharing_their_first_eight_bytes_are_told_apart() {
    // Targets: the same instance on several ports, and ids equal in their first eight bytes or shorter than eight.
    let mut st = ElbState::new();
    let (_lb, tg, _) = alb(&mut st);
    let ids = [("i-0abcdef0123", 32770), ("i-0abcdef0123", 32769), ("i-0abcdef", 80), ("i-0abcdef01", 80), ("10.0.1.10", 80), ("10.0.1.1", 80), ("10.0.1.100", 80), ("10", 80)];
    for (n, (id, port)) in ids.iter().enumerate() {
        let target = TargetId { id: id.to_string(), port: *port, availability_zone: "us-east-1a".into(), owner: format!("task-100{n}") };
        assert!(st.register_target(&tg, target, 0));
    }
    let group = &st.target_groups[&tg];
    let mut sorted: Vec<(String, u16)> = ids.iter().map(|(id, port)| (id.to_string(), *port)).collect();
    sorted.sort();
    assert_eq!(group.targets.iter().map(|t| (t.id.clone(), t.port)).collect::<Vec<_>>(), sorted, "kept in (id, port) order");
    for (i, (id, port)) in sorted.iter().enumerate() {
        assert_eq!(group.find(id, *port), Ok(i));
    }
    assert_eq!(group.find("i-0abcdef0123", 32771), Err(sorted.len()), "after the last");
    assert_eq!(group.find("i-0abcdef0", 80), Err(sorted.iter().position(|(id, _)| id.as_str() > "i-0abcdef0").unwrap()));
    assert!(group.find("i-0abcdef012", 80).is_err());
    // Owners "task-1000" to "task-1007" share their first eight bytes: each finds its own target.
    for (n, (id, port)) in ids.iter().enumerate() {
        let owner = format!("task-100{n}");
        assert_eq!(st.owners.get(&owner).map(|s| s.iter().map(|(_, i, p)| (i.clone(), *p)).collect::<Vec<_>>()), Some(vec![(id.to_string(), *port)]));
    }
    assert!(st.owners.get("task-100").is_none());
    assert!(st.owners.get("task-1008").is_none());
    st.deregister_owner("task-1003", 0);
    let drain_ms = st.target_groups[&tg].attrs.deregistration_delay_s as u64 * 1000;
    let mut rng = Prng::new(1);
    let reports = run(&mut st, 0, drain_ms + 20_000, 10_000, &mut rng);
    assert!(reports.iter().any(|r| r.removed.iter().any(|t| t.owner == "task-1003")));
    assert!(st.owners.get("task-1003").is_none(), "an owner leaves with its last target");
    assert!(st.owners.get("task-1004").is_some());
}
