//! Property tests of Service Auto Scaling with the seeded `ecs_sim::rng::Prng`: under random loads the desired
//! count stays within MinCapacity and MaxCapacity, and under a constant load target tracking settles and stays.
//! The scenario is `target-tracking-spike` with its bounds, target and load replaced: Fargate tasks of 256 CPU
//! units, each serving 256 × 1000 / (1024 × 10 ms) = 25 requests/s at full CPU.

use ecs_sim::rng::Prng;
use ecs_sim::scenario::parse_scenario;
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::{json, Value};

/// The scenario with MinCapacity `min`, MaxCapacity `max`, a CPU target of `target` % and `load` as sim:SetLoad.
fn scaling_sim(min: u32, max: u32, target: u32, load: Value, seed: u64) -> Sim {
    let mut doc = scenario("target-tracking-spike").document;
    let steps = doc["steps"].as_array_mut().expect("steps");
    for step in steps.iter_mut() {
        match step["call"].as_str().unwrap_or("") {
            "ecs:CreateService" => step["input"]["desiredCount"] = json!(min),
            "application-autoscaling:RegisterScalableTarget" => {
                step["input"]["MinCapacity"] = json!(min);
                step["input"]["MaxCapacity"] = json!(max);
            }
            "application-autoscaling:PutScalingPolicy" => step["input"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] = json!(target),
            "sim:SetLoad" => step["input"] = load.clone(),
            _ => {}
        }
    }
    Sim::new(&parse_scenario(&doc).expect("scenario"), Some(seed))
}

fn desired(sim: &Sim) -> u32 {
    sim.view().services.iter().find(|s| s.name == "web").map(|s| s.desired_count).expect("service web")
}

#[test]
fn desired_count_stays_within_min_and_max_under_random_loads() {
    let mut rng = Prng::new(20260105);
    for case in 0..8 {
        let min = 1 + rng.below(3);
        let max = min + 1 + rng.below(8);
        let target = 30 + rng.below(50);
        let load = match rng.below(3) {
            0 => json!({ "loadBalancer": "shop-alb", "pattern": "constant", "requestsPerSecond": rng.below(600), "cpuMsPerRequest": 10 }),
            1 => json!({ "loadBalancer": "shop-alb", "pattern": "spike", "base": rng.below(100), "peak": 100 + rng.below(900), "at": "5m", "duration": "20m", "cpuMsPerRequest": 10 }),
            _ => json!({ "loadBalancer": "shop-alb", "pattern": "ramp", "from": rng.below(50), "to": rng.below(700), "over": "30m", "cpuMsPerRequest": 10 }),
        };
        let context = format!("case {case}: min {min}, max {max}, target {target}, load {load}");
        let mut sim = scaling_sim(min, max, target, load, case);
        let (mut lowest, mut highest) = (u32::MAX, 0);
        for minute in 1..=90 {
            advance(&mut sim, t(&format!("{minute}m")));
            let d = desired(&sim);
            assert!((min..=max).contains(&d), "{context}: desired {d} at {minute}m");
            lowest = lowest.min(d);
            highest = highest.max(d);
        }
        assert!(lowest >= min && highest <= max, "{context}");
    }
}

#[test]
fn target_tracking_settles_under_a_constant_load_without_oscillating() {
    let mut rng = Prng::new(7);
    for case in 0..6 {
        let rps = 50 + rng.below(350);
        let target = 40 + rng.below(30);
        let load = json!({ "loadBalancer": "shop-alb", "pattern": "constant", "requestsPerSecond": rps, "cpuMsPerRequest": 10 });
        let context = format!("case {case}: {rps} requests/s, target {target} %");
        let mut sim = scaling_sim(1, 40, target, load, 100 + case);
        advance(&mut sim, t("75m"));
        let settled = desired(&sim);
        // Each task serves 25 requests/s at 100 % CPU; at the target it serves 25 × target / 100, so the load
        // needs ceil(rps × 100 / (25 × target)) tasks, e.g. 274 requests/s at 52 %: ceil(27,400 / 1,300) = 22.
        // Requests are routed in aggregate, so one task of rounding either way is allowed.
        let needed = (rps * 100).div_ceil(25 * target);
        assert!(settled.abs_diff(needed) <= 1, "{context}: settled at {settled} tasks, {needed} needed");
        for minute in 76..=105 {
            advance(&mut sim, t(&format!("{minute}m")));
            assert_eq!(desired(&sim), settled, "{context}: desired count moved at {minute}m after settling at 75m");
        }
    }
}

#[test]
fn workloads_set_the_memory_utilization_alarms_see() {
    let mut doc = scenario("target-tracking-spike").document;
    // 40 % of memory at rest, and 8 MiB per request per second: a task of 512 MiB serving 10 requests/s
    // (the spike's base of 20 requests/s over 2 tasks) holds 10 × 8 = 80 MiB more, 80 / 512 = 15.625 %.
    doc["workloads"] = json!({ "web": { "cpuBaselinePercent": 10, "memoryBaselinePercent": 40, "memoryMiBPerRequestPerSecond": 8 } });
    let mut sim = Sim::new(&parse_scenario(&doc).expect("scenario"), None);
    advance(&mut sim, t("4m"));
    let alarm = json!({ "AlarmName": "memory", "Namespace": "AWS/ECS", "MetricName": "MemoryUtilization", "Statistic": "Average", "Period": 60,
        "EvaluationPeriods": 1, "Threshold": 50, "ComparisonOperator": "GreaterThanThreshold",
        "Dimensions": [ { "Name": "ClusterName", "Value": "demo" }, { "Name": "ServiceName", "Value": "web" } ] });
    sim.call("cloudwatch:PutMetricAlarm", alarm).expect("alarm");
    advance(&mut sim, t("5m30s"));
    let out = sim.call("cloudwatch:DescribeAlarms", json!({ "AlarmNames": ["memory"] })).expect("describe");
    let reason = out["MetricAlarms"][0]["StateReason"].as_str().unwrap_or("").to_string();
    // 40 + 15.625 = 55.625 % > 50 %.
    assert_eq!(out["MetricAlarms"][0]["StateValue"], json!("ALARM"), "{reason}");
    assert!(reason.contains("[55.625 "), "{reason}");
    let task = sim.view().tasks.iter().find(|t| t.last_status == ecs_sim::view::TaskStatus::Running).map(|t| t.id.clone()).expect("a running task");
    // CPU: 10 % baseline + 10 requests/s of the 25 a task serves = 10 + 40 = 50 %.
    assert_eq!(sim.task_utilization(&task), Some((50_000, 55_625)));
}

#[test]
fn a_bad_workload_is_refused_with_its_path() {
    let mut doc = scenario("target-tracking-spike").document;
    doc["workloads"] = json!({ "web": { "cpuBaselinePercent": 150, "memoryBaselinePercent": "lots", "cpuPerRequest": 1 } });
    let errors = parse_scenario(&doc).expect_err("refused");
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["workloads.web.cpuBaselinePercent", "workloads.web.memoryBaselinePercent", "workloads.web.cpuPerRequest"]);
    assert_eq!(errors[0].message, "cpuBaselinePercent must be a whole number from 0 to 100.");
    doc["workloads"] = json!([1]);
    assert_eq!(parse_scenario(&doc).expect_err("refused")[0].path, "workloads");
}
