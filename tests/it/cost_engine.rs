//! Cost in the engine: the `ec2-vs-fargate-cost` scenario's figures, `sim:DescribeCost`, and `--describe`.
//! m5.large is 96,000 micro-dollars an hour; a Fargate task of 0.5 vCPU and 1 GB is
//! 40,480 × 512 / 1024 + 4,445 × 1024 / 1024 = 20,240 + 4,445 = 24,685 an hour (us-east-1).

use ecs_sim::scaling::CostReport;
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::json;

fn line(report: &CostReport, name: &str) -> (u64, u64) {
    let l = report.by_capacity_type.iter().chain(&report.by_cluster).find(|l| l.name == name).unwrap_or_else(|| panic!("no cost line {name}: {report:?}"));
    (l.to_date_micro_usd, l.per_hour_micro_usd)
}

#[test]
fn ec2_vs_fargate_cost_compares_per_hour_and_to_date() {
    let mut sim = Sim::new(&scenario("ec2-vs-fargate-cost"), None);
    advance(&mut sim, t("29m"));
    let before = sim.cost_report();
    // Per hour with eight tasks each: 2 × 96,000 = 192,000 on EC2; 8 × 24,685 = 197,480 on Fargate.
    assert_eq!(line(&before, "on-ec2").1, 192_000);
    assert_eq!(line(&before, "on-fargate").1, 197_480);
    advance(&mut sim, t("40m"));
    let after = sim.cost_report();
    // After the scale-in to four tasks: the EC2 cluster still runs both instances; Fargate runs 4 × 24,685.
    assert_eq!(line(&after, "EC2").1, 192_000);
    assert_eq!(line(&after, "FARGATE").1, 98_740);
    // EC2: each instance runs from 30 s (boot) to 40 m: 2,370 s × 96,000 / 3,600 = 63,200; two of them.
    assert_eq!(line(&after, "on-ec2").0, 126_400);
    // Fargate: each task is billed from its image pull at 1 m 20 s (created at 1 m, 20 s PROVISIONING).
    // Four stopped at 30 m 05 s: 1,725 s → 40,480 × 512 × 1,725 / (1,024 × 3,600) = 9,698 (rounded down)
    // plus 4,445 × 1,024 × 1,725 / (1,024 × 3,600) = 2,129, so 11,827 each.
    // Four still run at 40 m: 2,320 s → 13,043 + 2,864 = 15,907 each.
    // 4 × 11,827 + 4 × 15,907 = 47,308 + 63,628 = 110,936.
    assert_eq!(line(&after, "on-fargate").0, 110_936);
    assert_eq!(after.to_date_micro_usd, 126_400 + 110_936);
    assert_eq!(after.per_hour_micro_usd, 192_000 + 98_740);
    // Only Fargate services have a cost of their own (an instance's bill does not depend on its tasks).
    assert_eq!(after.by_service.len(), 1);
    assert_eq!((after.by_service[0].name.as_str(), after.by_service[0].cluster.as_str()), ("shop", "on-fargate"));
    assert_eq!(sim.view().cost, after);
    // The per-minute series the cost chart draws: [EC2, FARGATE, FARGATE_SPOT] per hour, micro-dollars.
    let view = sim.view();
    let per_hour_at = |minute: u64| view.metrics.iter().find(|m| m.time.as_millis() == minute * 60_000).map(|m| m.cost_per_hour_micro_usd);
    assert_eq!(per_hour_at(20), Some([192_000, 197_480, 0]), "eight tasks each");
    assert_eq!(per_hour_at(35), Some([192_000, 98_740, 0]), "after the scale-in: Fargate halves, EC2 does not");
    let last = view.metrics.last().expect("samples");
    assert_eq!(last.time, t("40m"));
    // The last sample at 40 m is the report's figures at 40 m.
    assert_eq!(last.cost_to_date_micro_usd, [126_400, 110_936, 0]);
    let to_date: Vec<u64> = view.metrics.iter().map(|m| m.cost_to_date_micro_usd.iter().sum()).collect();
    assert!(to_date.windows(2).all(|w| w[0] <= w[1]), "cost to date never falls");
}

#[test]
fn describe_cost_answers_with_micro_dollars_and_dollars() {
    let mut sim = Sim::new(&scenario("ec2-vs-fargate-cost"), None);
    advance(&mut sim, t("10s"));
    // Nothing runs yet: instances boot for 30 s and are not billed while pending.
    let empty = sim.call("sim:DescribeCost", json!({})).expect("DescribeCost");
    assert_eq!(empty["costToDateMicroUsd"], json!(0));
    advance(&mut sim, t("1m"));
    let out = sim.call("sim:DescribeCost", json!({})).expect("DescribeCost");
    // Two m5.large running for 30 s bill the one-minute minimum: 2 × 96,000 × 60 / 3,600 = 2 × 1,600.
    assert_eq!(out["costToDateMicroUsd"], json!(3_200));
    assert_eq!(out["costToDate"], json!("$0.003200"));
    assert_eq!(out["costPerHour"], json!("$0.192000"));
    assert_eq!((out["region"].as_str(), out["ratesAsOf"].as_str()), (Some("us-east-1"), Some(ecs_sim::catalog::PRICE_LIST_DATE)));
    assert_eq!(sim.describe_all()["cost"]["byCapacityType"][0]["name"], json!("EC2"));
}

#[test]
fn a_fargate_task_that_never_pulls_its_image_costs_nothing() {
    let mut sim = Sim::new(&scenario("ec2-vs-fargate-cost"), None);
    // The Fargate tasks are created at 1 m and start pulling at 1 m 20 s.
    advance(&mut sim, t("1m10s"));
    let tasks: Vec<String> = items(&sim.describe_all(), "tasks").iter().filter(|t| s(t, "launchType") == "FARGATE").map(|t| s(t, "taskArn").to_string()).collect();
    assert_eq!(tasks.len(), 8);
    sim.call("ecs:DeleteService", json!({ "cluster": "on-fargate", "service": "shop", "force": true })).expect("DeleteService");
    advance(&mut sim, t("5m"));
    let report = sim.cost_report();
    assert!(report.by_capacity_type.iter().all(|l| l.name != "FARGATE"), "stopped while PROVISIONING: never billed: {report:?}");
    assert!(line(&report, "EC2").0 > 0);
}

#[test]
fn fargate_spot_tasks_bill_at_the_spot_discount() {
    let mut sim = Sim::new(&scenario("fargate-spot-interruption"), None);
    advance(&mut sim, t("4m"));
    let report = sim.cost_report();
    // A task of 0.25 vCPU and 0.5 GB: 40,480 × 256 / 1,024 + 4,445 × 512 / 1,024 = 10,120 + 2,222 = 12,342 an
    // hour on FARGATE; on FARGATE_SPOT 30 % of that: 12,342 × 30 / 100 = 3,702 (rounded down).
    // The strategy (FARGATE base 2 weight 1, FARGATE_SPOT weight 3) runs 4 on FARGATE and 6 on FARGATE_SPOT.
    assert_eq!(line(&report, "FARGATE").1, 4 * 12_342);
    assert_eq!(line(&report, "FARGATE_SPOT").1, 6 * 3_702);
    assert_eq!(report.by_service.iter().find(|l| l.name == "web").map(|l| l.per_hour_micro_usd), Some(4 * 12_342 + 6 * 3_702));
    let (spot_to_date, _) = line(&report, "FARGATE_SPOT");
    let (fargate_to_date, _) = line(&report, "FARGATE");
    // The same minutes cost a Spot task 30 % of a FARGATE task: 6 Spot tasks against 4 FARGATE tasks.
    assert!(spot_to_date > 0 && spot_to_date * 4 * 100 / (fargate_to_date * 6) <= 31, "spot {spot_to_date}, fargate {fargate_to_date}");
    // After the interruption at 5 m and its replacements, the service runs 4 + 6 again.
    advance(&mut sim, t("10m"));
    let report = sim.cost_report();
    assert_eq!(line(&report, "FARGATE").1, 4 * 12_342);
    assert_eq!(line(&report, "FARGATE_SPOT").1, 6 * 3_702);
}
