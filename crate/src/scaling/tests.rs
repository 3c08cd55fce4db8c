//! Tests for the scaling module: table tests with the arithmetic in comments, and seeded property tests.

use crate::table::Table;

use serde_json::{json, Value};

use super::*;
use crate::rng::Prng;
use super::appscaling::UPPER_BOUND_NEEDED;

const START: u64 = 1_795_856_400_000; // 2026-11-28T09:00:00Z (a whole minute)

fn ctx(now_ms: u64, desired: u32) -> ScalingContext {
    let mut services = Table::new();
    services.insert("service/demo/web".to_string(), ServiceStatus { desired, running: desired, deploying: false });
    ScalingContext {
        region: "us-east-1".into(),
        account_id: "123456789012".into(),
        start_epoch_ms: START,
        now_ms,
        services,
        clusters: vec!["demo".into()],
        subnets: vec![("subnet-a".into(), "us-east-1a".into()), ("subnet-b".into(), "us-east-1b".into())],
    }
}

fn cpu(v: i64) -> Sample {
    Sample { key: MetricKey::ecs_service("CPUUtilization", "demo", "web"), value_milli: v * 1000 }
}

fn register(s: &mut ScalingState, min: u32, max: u32, desired: u32) {
    let r = s.handle("application-autoscaling:RegisterScalableTarget", &json!({"ServiceNamespace": "ecs", "ResourceId": "service/demo/web", "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": min, "MaxCapacity": max}), &ctx(0, desired));
    assert!(r.unwrap().is_ok());
}

fn put_tt(s: &mut ScalingState, target: f64) -> serde_json::Value {
    s.handle("application-autoscaling:PutScalingPolicy", &json!({"PolicyName": "cpu75", "ServiceNamespace": "ecs", "ResourceId": "service/demo/web", "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {"TargetValue": target, "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}), &ctx(0, 2))
        .unwrap()
        .unwrap()
}

#[test]
fn target_tracking_capacity_table() {
    // ceil(current × metric / target)
    let cases = [
        (2, 150_000, 75_000, 4),  // 2 × 150 / 75 = 4
        (3, 82_100, 75_000, 4),   // 3 × 82.1 / 75 = 3.284 → 4
        (10, 75_100, 75_000, 11), // 10.013 → 11: any breach adds at least one task
        (10, 60_000, 75_000, 8),  // scale-in: 10 × 60 / 75 = 8
        (4, 67_000, 75_000, 4),   // 3.57 → 4: ceiling keeps scale-in conservative
        (0, 90_000, 75_000, 0),   // no tasks, nothing to scale from
    ];
    for (cur, m, t, want) in cases {
        assert_eq!(target_tracking_capacity(cur, m, t), want, "{cur} {m} {t}");
    }
}

#[test]
fn step_adjustments_and_percent_rounding() {
    use AdjustmentType::*;
    // Reference §6.2: 10 tasks +10 % → 11; +30 % of 11 = 3.3 → +3 → 14.
    assert_eq!(apply_adjustment(10, PercentChangeInCapacity, 10, None), 11);
    assert_eq!(apply_adjustment(11, PercentChangeInCapacity, 30, None), 14);
    // 0 < 2 × 25 % = 0.5 < 1 → +1; -1 < 2 × -25 % = -0.5 < 0 → -1; 10 × -15 % = -1.5 → -1 (toward 0).
    assert_eq!(apply_adjustment(2, PercentChangeInCapacity, 25, None), 3);
    assert_eq!(apply_adjustment(2, PercentChangeInCapacity, -25, None), 1);
    assert_eq!(apply_adjustment(10, PercentChangeInCapacity, -15, None), 9);
    // MinAdjustmentMagnitude 2: 10 × 10 % = 1 → raised to 2.
    assert_eq!(apply_adjustment(10, PercentChangeInCapacity, 10, Some(2)), 12);
    assert_eq!(apply_adjustment(5, ChangeInCapacity, -2, None), 3);
    assert_eq!(apply_adjustment(5, ExactCapacity, 9, None), 9);
    // Bounds relative to a threshold: [0, 10) → +1, [10, ∞) → +3, (-∞, 0) → -1.
    let cfg = parse_step(&Request::new(&json!({"AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
        {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 1},
        {"MetricIntervalLowerBound": 10, "ScalingAdjustment": 3},
        {"MetricIntervalUpperBound": 0, "ScalingAdjustment": -1}]}), Dialect::Json))
    .unwrap();
    assert_eq!(cfg.cooldown_s, 300);
    assert_eq!(find_step(&cfg.steps, 0).unwrap().adjustment, 1); // lower inclusive above the threshold
    assert_eq!(find_step(&cfg.steps, 9_999).unwrap().adjustment, 1);
    assert_eq!(find_step(&cfg.steps, 10_000).unwrap().adjustment, 3); // upper exclusive
    assert_eq!(find_step(&cfg.steps, -1).unwrap().adjustment, -1);
    // A gap between 5 and 10 is refused.
    assert!(parse_step(&Request::new(&json!({"AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
        {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 5, "ScalingAdjustment": 1},
        {"MetricIntervalLowerBound": 10, "ScalingAdjustment": 3}]}), Dialect::Json))
    .is_err());
}

#[test]
fn capacity_provider_reservation_cases() {
    // Reference §5.5: M / N × 100; 0 instances with tasks waiting → 200; steady → 100.
    assert_eq!(capacity_provider_reservation(0, 0), 100);
    assert_eq!(capacity_provider_reservation(1, 0), 200);
    assert_eq!(capacity_provider_reservation(4, 4), 100);
    assert_eq!(capacity_provider_reservation(6, 4), 150); // 6 × 100 / 4
    assert_eq!(capacity_provider_reservation(2, 4), 50); // 2 empty of 4
    let ms = ManagedScaling::default();
    // From zero: step at least 2 (the 200 % case).
    assert_eq!(scale_out_step(1, 0, &ms), 2);
    // 6 needed, 4 running, target 100 → launch 2; max step 1 caps it; min step 5 raises it.
    assert_eq!(scale_out_step(6, 4, &ms), 2);
    assert_eq!(scale_out_step(6, 4, &ManagedScaling { max_step: 1, ..ms.clone() }), 1);
    assert_eq!(scale_out_step(6, 4, &ManagedScaling { min_step: 5, ..ms.clone() }), 5);
    // Target 80 %: 10 busy need ceil(10 × 100 / 80) = 13 instances → launch 3.
    assert_eq!(scale_out_step(10, 10, &ManagedScaling { target_capacity: 80, ..ms.clone() }), 3);
    // Scale-in: 10 running, 2 needed, 8 empty → less than half: at most 4 this minute.
    assert_eq!(scale_in_step(2, 10, 8, &ms), 4);
    // 2 running, 0 needed → at least one.
    assert_eq!(scale_in_step(0, 2, 2, &ms), 1);
}

#[test]
fn binpack_estimate() {
    let m5 = InstanceCapacity { cpu_units: 2048, memory_mib: 7_985, task_enis: None };
    let t = |c, m| TaskDemand { cpu_units: c, memory_mib: m, awsvpc: false };
    // 5 tasks of 1 vCPU / 2 GiB: two per instance by CPU → 3 instances.
    assert_eq!(instances_needed(&[t(1024, 2048); 5], m5), 3);
    // A task bigger than an empty instance does not count (it stays PENDING).
    assert_eq!(instances_needed(&[t(4096, 1024)], m5), 0);
    // awsvpc tasks limited to 2 ENIs per instance (c5.large without trunking).
    let c5 = InstanceCapacity::of(crate::catalog::instance_type("c5.large").unwrap());
    assert_eq!(instances_needed(&[TaskDemand { cpu_units: 256, memory_mib: 256, awsvpc: true }; 5], c5), 3);
}

#[test]
fn strategy_base_and_weight() {
    let s = |p: &str, base, weight| StrategyItem { provider: p.into(), base, weight };
    let none = Table::new();
    // Weights 1:4 → 1 on A per 4 on B.
    assert_eq!(split_by_strategy(&[s("A", 0, 1), s("B", 0, 4)], 5, &none), vec![("A".into(), 1), ("B".into(), 4)]);
    // Base 2 on FARGATE, then 1:1 over the remaining 8 → FARGATE 2 + 4, SPOT 4.
    assert_eq!(split_by_strategy(&[s("FARGATE", 2, 1), s("FARGATE_SPOT", 0, 1)], 10, &none), vec![("FARGATE".into(), 6), ("FARGATE_SPOT".into(), 4)]);
    // Base already satisfied by running tasks: 3 new tasks weight 1:3 with 1 + 1 running beyond base.
    let cur: Table<String, u32> = [("FARGATE".to_string(), 3), ("FARGATE_SPOT".to_string(), 1)].into_iter().collect();
    // FARGATE above base = 1, SPOT = 1; next shares (2/1, 2/3) → SPOT, (2/1, 3/3) → SPOT, (2/1, 4/3) → SPOT.
    assert_eq!(split_by_strategy(&[s("FARGATE", 2, 1), s("FARGATE_SPOT", 0, 3)], 3, &cur), vec![("FARGATE_SPOT".into(), 3)]);
    // Weight 0 gets nothing beyond its base.
    assert_eq!(split_by_strategy(&[s("A", 1, 0), s("B", 0, 1)], 3, &none), vec![("A".into(), 1), ("B".into(), 2)]);
    // Rules: one base, no Fargate/ASG mix.
    let kind = |n: &str| match n { "FARGATE" | "FARGATE_SPOT" => Some(false), "cp" => Some(true), _ => None };
    assert!(parse_strategy(&json!([{"capacityProvider": "FARGATE", "base": 1, "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "base": 1, "weight": 1}]), &kind).is_err());
    assert!(parse_strategy(&json!([{"capacityProvider": "FARGATE", "weight": 1}, {"capacityProvider": "cp", "weight": 1}]), &kind).is_err());
    // Several providers all of weight 0 cannot place tasks; a single provider of weight 0 gets every task.
    assert!(parse_strategy(&json!([{"capacityProvider": "FARGATE", "weight": 0}, {"capacityProvider": "FARGATE_SPOT"}]), &kind).is_err());
    let single = parse_strategy(&json!([{"capacityProvider": "FARGATE", "weight": 0}]), &kind).expect("one provider of weight 0");
    assert_eq!(split_by_strategy(&single, 3, &none), vec![("FARGATE".into(), 3)]);
}

#[test]
fn billing_table() {
    // (what, micro-dollars, expected): per-second rounding, the one-minute minimum, the Spot discount, instance-hours.
    let rows: [(&str, u64, u64); 10] = [
        // Fargate 1 vCPU 2 GB for 10 s bills 60 s: 40480 × 60 / 3600 + 4445 × 2 × 60 / 3600 = 674 + 148.
        ("fargate 10 s = 1 min", fargate_cost(false, 1024, 2048, 10_000), 822),
        // 60 s exactly: the same minute.
        ("fargate 60 s", fargate_cost(false, 1024, 2048, 60_000), 822),
        // 60.001 s rounds up to 61 s: 40480 × 61 / 3600 = 685; 4445 × 2 × 61 / 3600 = 150.
        ("fargate 60.001 s → 61 s", fargate_cost(false, 1024, 2048, 60_001), 685 + 150),
        // One hour of 0.25 vCPU 0.5 GB: 40480 / 4 + 4445 / 2 = 10120 + 2222.
        ("fargate 0.25 vCPU 0.5 GB 1 h", fargate_cost(false, 256, 512, 3_600_000), 10_120 + 2_222),
        // Spot at 30 % of Fargate: 822 × 30 / 100 = 246.
        ("spot 10 s", fargate_cost(true, 1024, 2048, 10_000), 246),
        // Spot one hour of 1 vCPU 2 GB: (40480 + 8890) × 30 / 100 = 14811.
        ("spot 1 h", fargate_cost(true, 1024, 2048, 3_600_000), 14_811),
        // m5.large $0.096/h for 90.5 s → 91 s: 96000 × 91 / 3600 = 2426.
        ("m5.large 90.5 s", per_second_cost(96_000, 90_500), 2426),
        // 1 s bills the one-minute minimum: 96000 × 60 / 3600 = 1600.
        ("m5.large 1 s", per_second_cost(96_000, 1_000), 1600),
        // 2.5 instance-hours of m5.2xlarge: 384000 × 9000 / 3600 = 960000.
        ("m5.2xlarge 2.5 h", per_second_cost(384_000, 9_000_000), 960_000),
        // Hourly rate of a Spot task of 0.5 vCPU 1 GB: (20240 + 4445) × 30 / 100 = 7405.
        ("spot hourly", fargate_hourly(true, 512, 1024), 7_405),
    ];
    for (what, got, expected) in rows {
        assert_eq!(got, expected, "{what}");
    }
}

#[test]
fn cost_ledger_reports_by_capacity_type_cluster_and_service() {
    let mut l = CostLedger::new();
    l.task_started("t1", "apps", Some("web"), false, 1024, 2048, 0);
    l.task_started("t2", "apps", Some("web"), true, 1024, 2048, 0);
    l.instance_started("i-1", "fleet", "m5.large", 0);
    l.stopped("t1", 3_600_000);
    l.stopped("unknown", 3_600_000);
    let r = l.report(3_600_000);
    let line = |lines: &[CostLine], name: &str| lines.iter().find(|x| x.name == name).cloned().unwrap_or_default();
    // One hour: Fargate task 40480 + 8890 = 49370; Spot 49370 × 30 / 100 = 14811; instance 96000.
    assert_eq!(line(&r.by_capacity_type, "FARGATE").to_date_micro_usd, 49_370);
    assert_eq!(line(&r.by_capacity_type, "FARGATE_SPOT").to_date_micro_usd, 14_811);
    assert_eq!(line(&r.by_capacity_type, "EC2").to_date_micro_usd, 96_000);
    assert_eq!(line(&r.by_service, "web").to_date_micro_usd, 49_370 + 14_811);
    assert_eq!(line(&r.by_service, "web").cluster, "apps");
    assert_eq!(line(&r.by_cluster, "fleet").to_date_micro_usd, 96_000);
    // Still running: the Spot task (14811/h) and the instance (96000/h); t1 stopped.
    assert_eq!(r.per_hour_micro_usd, 14_811 + 96_000);
    assert_eq!(line(&r.by_service, "web").per_hour_micro_usd, 14_811);
    assert_eq!(r.to_date_micro_usd, 49_370 + 14_811 + 96_000);
    assert_eq!((r.region, r.rates_as_of), ("us-east-1", crate::catalog::PRICE_LIST_DATE));
    // The per-minute series reads the same figures, in CAPACITY_TYPES order (EC2, FARGATE, FARGATE_SPOT).
    assert_eq!(l.by_type_now(3_600_000), ([96_000, 49_370, 14_811], [96_000, 0, 14_811]));
    let by_name = |name: &str| line(&r.by_capacity_type, name);
    for kind in CAPACITY_TYPES {
        assert_eq!(l.by_type_now(3_600_000).0[kind.index()], by_name(kind.as_str()).to_date_micro_usd, "{}", kind.as_str());
    }
}

#[test]
fn alarm_truth_table() {
    // Reference §10.4, M = N = 3, range 5; X breaching (90 > 75), 0 not breaching (10).
    let rows: [(&str, [&str; 4]); 5] = [
        ("0-X-X", ["OK", "OK", "OK", "OK"]),
        ("0----", ["OK", "OK", "OK", "OK"]),
        ("-----", ["INSUFFICIENT_DATA", "retain", "ALARM", "OK"]),
        ("0XX-X", ["ALARM", "ALARM", "ALARM", "ALARM"]),
        ("--X--", ["ALARM", "retain", "ALARM", "OK"]),
    ];
    let key = MetricKey::new("Test", "M", &[]);
    for (data, expect) in rows {
        for (i, treat) in [TreatMissing::Missing, TreatMissing::Ignore, TreatMissing::Breaching, TreatMissing::NotBreaching].into_iter().enumerate() {
            let mut store = MetricStore::new();
            let base = START / 60_000;
            for (k, c) in data.chars().enumerate() {
                match c {
                    'X' => store.put(&key, base + k as u64, 90_000),
                    '0' => store.put(&key, base + k as u64, 10_000),
                    _ => {}
                }
            }
            let mut a = Alarm::new("a", "arn".into(), key.clone(), Statistic::Average, 60, 3, 3, 75_000, Comparison::GreaterThanThreshold, START);
            a.treat_missing = treat;
            a.evaluate(&store, base + 5);
            let got = if expect[i] == "retain" { "retain" } else { a.state.as_aws() };
            let want = if expect[i] == "retain" && a.state == AlarmState::InsufficientData { "retain" } else { expect[i] };
            assert_eq!(got, want, "{data} {treat:?}");
        }
    }
}

#[test]
fn target_tracking_end_to_end_texts() {
    let mut s = ScalingState::new();
    register(&mut s, 1, 10, 2);
    let out = put_tt(&mut s, 75.0);
    let alarms = out["Alarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 2);
    let high = alarms[0]["AlarmName"].as_str().unwrap().to_string();
    assert!(high.starts_with("TargetTracking-service/demo/web-AlarmHigh-"));
    let low = &s.alarms[alarms[1]["AlarmName"].as_str().unwrap()];
    // AlarmLow: 90 % of 75 = 67.5, 15 of 15.
    assert_eq!((low.threshold_milli, low.evaluation_periods, low.datapoints_to_alarm), (67_500, 15, 15));
    // Three minutes at 82.1 % then evaluation.
    let mut desired = 2;
    for minute in 1..=4u64 {
        let samples = if minute <= 3 { vec![cpu(82)] } else { vec![] };
        let mut report = MinuteReport { samples, providers: vec![] };
        if minute <= 3 {
            report.samples[0].value_milli = 82_100;
        }
        s.tick(&report, &ctx(minute * 60_000, desired));
        for a in s.take_actions() {
            if let ScalingAction::SetDesiredCount { to, .. } = a {
                desired = to;
            }
        }
    }
    // ceil(2 × 82.1 / 75) = 3.
    assert_eq!(desired, 3);
    let reason = &s.alarms[&high].state_reason;
    assert_eq!(
        reason,
        "Threshold Crossed: 3 out of the last 3 datapoints [82.1 (28/11/26 09:02:00), 82.1 (28/11/26 09:01:00), 82.1 (28/11/26 09:00:00)] were greater than the threshold (75.0) (minimum 3 datapoints for INSUFFICIENT_DATA -> ALARM transition)."
    );
    let act = s.handle("application-autoscaling:DescribeScalingActivities", &json!({"ServiceNamespace": "ecs"}), &ctx(0, 3)).unwrap().unwrap();
    let a0 = &act["ScalingActivities"][0];
    assert_eq!(a0["Description"], "Setting desired count to 3.");
    assert_eq!(a0["Cause"], format!("monitor alarm {high} in state ALARM triggered policy cpu75"));
    // Errors.
    let e = s.handle("application-autoscaling:PutScalingPolicy", &json!({"PolicyName": "x", "ServiceNamespace": "ecs", "ResourceId": "service/demo/nope", "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling"}), &ctx(0, 2)).unwrap().unwrap_err();
    assert_eq!(e.code, "ObjectNotFoundException");
    assert_eq!(e.message, "No scalable target registered for service namespace: ecs, resource ID: service/demo/nope, scalable dimension: ecs:service:DesiredCount");
    // Deregister removes the policy and its alarms.
    s.handle("application-autoscaling:DeregisterScalableTarget", &json!({"ServiceNamespace": "ecs", "ResourceId": "service/demo/web", "ScalableDimension": "ecs:service:DesiredCount"}), &ctx(0, 3)).unwrap().unwrap();
    assert!(s.alarms.is_empty() && s.policies.is_empty());
}

#[test]
fn scheduled_cron_and_at() {
    let mut s = ScalingState::new();
    register(&mut s, 1, 10, 2);
    // cron at 09:05 UTC every day: min 5.
    s.handle("application-autoscaling:PutScheduledAction", &json!({"ServiceNamespace": "ecs", "ResourceId": "service/demo/web", "ScalableDimension": "ecs:service:DesiredCount", "ScheduledActionName": "morning", "Schedule": "cron(5 9 * * ? *)", "ScalableTargetAction": {"MinCapacity": 5}}), &ctx(0, 2)).unwrap().unwrap();
    s.handle("application-autoscaling:PutScheduledAction", &json!({"ServiceNamespace": "ecs", "ResourceId": "service/demo/web", "ScalableDimension": "ecs:service:DesiredCount", "ScheduledActionName": "night", "Schedule": "at(2026-11-28T09:10:00)", "ScalableTargetAction": {"MinCapacity": 1, "MaxCapacity": 3}}), &ctx(0, 5)).unwrap().unwrap();
    let mut desired = 2;
    for minute in 1..=12u64 {
        s.tick(&MinuteReport::default(), &ctx(minute * 60_000, desired));
        for a in s.take_actions() {
            if let ScalingAction::SetDesiredCount { to, .. } = a {
                desired = to;
            }
        }
        if minute == 5 {
            assert_eq!(desired, 5); // raised to the new minimum at 09:05
        }
    }
    assert_eq!(desired, 3); // lowered to the new maximum at 09:10
    assert!(Schedule::parse("rate(5 minutes)").is_ok() && Schedule::parse("cron(0 9 * *)").is_err());
}

#[test]
fn asg_and_capacity_provider_scale_out_from_zero() {
    let mut s = ScalingState::new();
    let c = ctx(0, 0);
    s.handle("ec2:CreateLaunchTemplate", &json!({"LaunchTemplateName": "ecs-lt", "LaunchTemplateData": {"InstanceType": "m5.large"}}), &c).unwrap().unwrap();
    s.handle("autoscaling:CreateAutoScalingGroup", &json!({"AutoScalingGroupName": "asg", "LaunchTemplate": {"LaunchTemplateName": "ecs-lt"}, "MinSize": 0, "MaxSize": 10, "DesiredCapacity": 0, "VPCZoneIdentifier": "subnet-a,subnet-b", "NewInstancesProtectedFromScaleIn": true}), &c).unwrap().unwrap();
    let arn = s.asgs["asg"].arn.clone();
    let cp = s.handle("ecs:CreateCapacityProvider", &json!({"name": "cp", "autoScalingGroupProvider": {"autoScalingGroupArn": arn, "managedScaling": {"status": "ENABLED"}, "managedTerminationProtection": "ENABLED"}}), &c).unwrap().unwrap();
    assert_eq!(cp["capacityProvider"]["autoScalingGroupProvider"]["managedScaling"]["instanceWarmupPeriod"], 300);
    s.handle("ecs:PutClusterCapacityProviders", &json!({"cluster": "demo", "capacityProviders": ["cp"], "defaultCapacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}]}), &c).unwrap().unwrap();
    let mixed = s.handle("ecs:PutClusterCapacityProviders", &json!({"cluster": "demo", "capacityProviders": ["cp", "FARGATE"], "defaultCapacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}, {"capacityProvider": "FARGATE", "weight": 1}]}), &c).unwrap();
    assert!(mixed.is_err());
    // One task waiting, no instances: CPR 200, launch 2.
    let report = MinuteReport { samples: vec![], providers: vec![ProviderReport { provider: "cp".into(), instances: vec![], pending: vec![TaskDemand { cpu_units: 512, memory_mib: 512, awsvpc: false }] }] };
    s.tick(&report, &ctx(60_000, 0));
    let launches = s.take_actions().iter().filter(|a| matches!(a, ScalingAction::LaunchInstance { .. })).count();
    assert_eq!(launches, 2);
    assert_eq!(s.capacity_providers["cp"].last_reservation, Some(200));
    let d = s.handle("autoscaling:SetDesiredCapacity", &json!({"AutoScalingGroupName": "asg", "DesiredCapacity": 11}), &c).unwrap().unwrap_err();
    assert_eq!(d.message, "New SetDesiredCapacity value 11 is above max value 10 for the AutoScalingGroup.");
}

#[test]
fn property_desired_within_bounds_and_no_busy_instance_terminated() {
    let mut rng = Prng::new(6);
    for _ in 0..20 {
        let min = rng.below(3);
        let max = min + 1 + rng.below(8);
        let mut s = ScalingState::new();
        let mut desired = min + rng.below(max - min + 1);
        register(&mut s, min, max, desired);
        put_tt(&mut s, 50.0);
        s.handle("ec2:CreateLaunchTemplate", &json!({"LaunchTemplateName": "ecs-lt", "LaunchTemplateData": {"InstanceType": "m5.large"}}), &ctx(0, desired)).unwrap().unwrap();
        s.handle("autoscaling:CreateAutoScalingGroup", &json!({"AutoScalingGroupName": "asg", "LaunchTemplate": {"LaunchTemplateName": "ecs-lt"}, "MinSize": 0, "MaxSize": 20, "DesiredCapacity": 4, "VPCZoneIdentifier": "subnet-a", "NewInstancesProtectedFromScaleIn": true}), &ctx(0, desired)).unwrap().unwrap();
        let arn = s.asgs["asg"].arn.clone();
        s.handle("ecs:CreateCapacityProvider", &json!({"name": "cp", "autoScalingGroupProvider": {"autoScalingGroupArn": arn, "managedScaling": {"status": "ENABLED", "instanceWarmupPeriod": 60}, "managedTerminationProtection": "ENABLED"}}), &ctx(0, desired)).unwrap().unwrap();
        s.take_actions();
        for minute in 1..=120u64 {
            let util = rng.below(120) as i64;
            let instances: Vec<(String, u32)> = s.asgs["asg"].instances.keys().map(|id| (id.clone(), rng.below(3))).collect();
            let busy: Vec<String> = instances.iter().filter(|(_, t)| *t > 0).map(|(i, _)| i.clone()).collect();
            let pending = (0..rng.below(3)).map(|_| TaskDemand { cpu_units: 1024, memory_mib: 2048, awsvpc: false }).collect();
            let report = MinuteReport { samples: vec![cpu(util)], providers: vec![ProviderReport { provider: "cp".into(), instances, pending }] };
            s.tick(&report, &ctx(minute * 60_000, desired));
            for a in s.take_actions() {
                match a {
                    ScalingAction::SetDesiredCount { to, .. } => {
                        assert!(to >= min && to <= max, "desired {to} outside {min}..{max}");
                        desired = to;
                    }
                    ScalingAction::TerminateInstance { instance_id, .. } => assert!(!busy.contains(&instance_id), "terminated busy {instance_id}"),
                    _ => {}
                }
            }
        }
    }
}

#[test]
fn property_converges_without_oscillating() {
    // Plant: utilisation = load / desired (percent); target 50. Constant load → settle at ceil(load / 50)
    // or just above, and stop changing.
    let mut rng = Prng::new(42);
    for _ in 0..10 {
        let load = 100 + rng.below(900) as i64; // "percent-tasks"
        let mut s = ScalingState::new();
        let mut desired = 1 + rng.below(10);
        register(&mut s, 1, 50, desired);
        put_tt(&mut s, 50.0);
        let mut history = Vec::new();
        for minute in 1..=240u64 {
            let util_milli = load * 1000 / desired as i64;
            let report = MinuteReport { samples: vec![Sample { key: MetricKey::ecs_service("CPUUtilization", "demo", "web"), value_milli: util_milli }], providers: vec![] };
            s.tick(&report, &ctx(minute * 60_000, desired));
            for a in s.take_actions() {
                if let ScalingAction::SetDesiredCount { to, .. } = a {
                    desired = to;
                }
            }
            history.push(desired);
        }
        let tail = &history[history.len() - 60..];
        assert!(tail.iter().all(|d| *d == tail[0]), "load {load}: still moving {tail:?}");
        // Settled at the formula's fixed point ceil(load / 50): utilisation at or under the target, and a
        // scale-in proposal ceil(d × util / 50) that equals d (AlarmLow may stay in ALARM with no change).
        assert_eq!(tail[0] as i64, (load + 49) / 50, "load {load}: settled at {} tasks", tail[0]);
        let changes = history.windows(2).filter(|w| w[0] != w[1]).count();
        assert!(changes <= 4, "load {load}: {changes} changes {history:?}");
    }
}

#[test]
fn metric_store_bounded_to_a_day_and_spot_draws_are_seeded() {
    let mut st = MetricStore::new();
    let k = MetricKey::new("N", "M", &[("b", "2"), ("a", "1")]);
    assert_eq!(k.dimensions[0].0, "a");
    for m in 0..3000u64 {
        st.put(&k, m, 1);
    }
    assert_eq!(st.len(), RETENTION_MINUTES as usize);
    let tasks: Vec<String> = (0..50).map(|i| format!("t{i}")).collect();
    let a = draw_spot_interruptions(&mut Prng::new(1), &tasks, 100_000, 0);
    let b = draw_spot_interruptions(&mut Prng::new(1), &tasks, 100_000, 0);
    assert_eq!(a, b);
    assert!(a.iter().all(|i| i.stop_at_ms == 120_000 && i.stop_code == "SpotInterruption"));
    assert_eq!(milli_text(75_000), "75.0");
    assert_eq!(milli_text(82_100), "82.1");
}

#[test]
fn never_panics_on_odd_input() {
    let mut s = ScalingState::new();
    let c = ctx(0, 1);
    let odd = [json!(null), json!([]), json!({"ServiceNamespace": 5}), json!({"ServiceNamespace": "ecs", "ResourceId": "service//", "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": -1}),
        json!({"capacityProviders": "x", "cluster": "demo", "defaultCapacityProviderStrategy": [{"weight": 1e300}]}), json!({"Schedule": "cron(99 99 * * ? *)"}), json!({"StepScalingPolicyConfiguration": {"StepAdjustments": [{}]}})];
    for call in crate::api::calls::calls_of(crate::api::calls::Handler::Scaling) {
        for input in &odd {
            let _ = s.handle(call, input, &c);
        }
    }
}

/// StepAdjustment rules checked against AWS's answers (sources beside `parse_step`).
#[test]
fn step_adjustment_rules_match_aws() {
    let step = |steps: Value| parse_step(&Request::new(&json!({"AdjustmentType": "ChangeInCapacity", "StepAdjustments": steps}), Dialect::Json));
    // One step with neither bound: refused even alone.
    let e = step(json!([{"ScalingAdjustment": 1}])).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("ValidationException", "Both lower and upper bounds of a step adjustment cannot be left unspecified"));
    // [0, 10) alone has a positive upper bound and no step above it.
    let e = step(json!([{"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 1}])).unwrap_err();
    assert_eq!(e.message, UPPER_BOUND_NEEDED);
    // (-∞, 0) alone has no positive upper bound: accepted.
    assert!(step(json!([{"MetricIntervalUpperBound": 0, "ScalingAdjustment": -1}])).is_ok());
    // 21 contiguous steps [i, i+1) then [20, ∞): one past the quota of 20.
    let mut many: Vec<Value> = (0..20).map(|i| json!({"MetricIntervalLowerBound": i, "MetricIntervalUpperBound": i + 1, "ScalingAdjustment": 1})).collect();
    many.push(json!({"MetricIntervalLowerBound": 20, "ScalingAdjustment": 2}));
    assert_eq!(step(json!(many)).unwrap_err().message, "There can be at most 20 step adjustments per scaling policy");
    many.remove(0);
    many[0]["MetricIntervalLowerBound"] = json!(null);
    assert!(step(json!(many)).is_ok(), "20 steps are allowed");
}
