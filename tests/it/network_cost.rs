//! The network's cost in `sim:DescribeCost`, beside compute: NAT gateways per hour and per GB processed, interface
//! endpoints per AZ-hour and per GB, data transfer between Availability Zones, from the dated price list
//! (`vpc/cost.rs`), for the private subnet fixed with a NAT gateway and, alternatively, with VPC endpoints; and the
//! endpoints' policies deciding the task calls that go through them.

use ecs_sim_tests::*;
use serde_json::{json, Value};

fn network_lines(out: &Value) -> Vec<(String, u64, u64, u64)> {
    out["network"]["lines"]
        .as_array()
        .expect("network lines")
        .iter()
        .map(|l| (l["name"].as_str().unwrap_or_default().to_string(), l["bytes"].as_u64().unwrap_or(0), l["costPerHourMicroUsd"].as_u64().unwrap_or(0), l["costToDateMicroUsd"].as_u64().unwrap_or(0)))
        .collect()
}

/// The network's lines of the answer agree with the view's Network tab, and the totals add compute and network.
fn check_sums(sim: &ecs_sim::sim::Sim, out: &Value) {
    let lines = network_lines(out);
    let view = sim.view();
    assert_eq!(lines.len(), view.network.cost.len());
    for ((name, bytes, per_hour, to_date), line) in lines.iter().zip(&view.network.cost) {
        assert_eq!((name, *bytes, *per_hour, *to_date), (&line.name, line.bytes, line.per_hour_micro_usd, line.to_date_micro_usd));
    }
    let compute = sim.cost_report();
    assert_eq!(out["costToDateMicroUsd"], json!(compute.to_date_micro_usd), "the top-level figures stay compute's");
    let network_to_date: u64 = lines.iter().map(|l| l.3).sum();
    let network_per_hour: u64 = lines.iter().map(|l| l.2).sum();
    assert_eq!(out["network"]["costToDateMicroUsd"], json!(network_to_date));
    assert_eq!(out["network"]["costPerHourMicroUsd"], json!(network_per_hour));
    assert_eq!(out["totalCostToDateMicroUsd"], json!(compute.to_date_micro_usd + network_to_date));
    assert_eq!(out["totalCostPerHourMicroUsd"], json!(compute.per_hour_micro_usd + network_per_hour));
}

#[test]
fn describe_cost_bills_the_nat_gateway_per_hour_and_per_gb_and_the_bytes_across_zones() {
    let mut sim = run_scenario("private-subnet-nat", None, "2m");
    let out = sim.call("sim:DescribeCost", json!({})).expect("DescribeCost");
    check_sums(&sim, &out);
    let lines = network_lines(&out);
    // Two starts through nat-a, each the image layers (120 MiB) and three small exchanges (4 KiB each: registry
    // auth, manifest, awslogs): 2 × 125,841,408 bytes. One hour begun at $0.045, and $0.045 per GB (2^30 bytes):
    // 45,000 + floor(251,682,816 × 45,000 / 2^30) = 45,000 + 10,547 micro-dollars.
    assert_eq!(lines[0], ("nat-a (NAT gateway: $0.045 per hour and per GB processed)".to_string(), 251_682_816, 45_000, 55_547));
    // The task in us-east-1b sends its start across zones to nat-a in us-east-1a: $0.01 per GB each way,
    // floor(125,841,408 × 20,000 / 2^30) = 2,343 micro-dollars.
    assert_eq!(lines[1], ("Data transfer between Availability Zones ($0.01 per GB in each direction)".to_string(), 125_841_408, 0, 2_343));
    assert_eq!(out["network"]["costToDate"], json!("$0.057890"));
    assert_eq!(out["network"]["costPerHour"], json!("$0.045000"));
    // Two Fargate tasks of 0.25 vCPU and 0.5 GB, from their image pulls: $0.049370 an hour, $0.001302 so far.
    assert_eq!((out["costPerHour"].clone(), out["costToDate"].clone()), (json!("$0.049370"), json!("$0.001302")));
    assert_eq!((out["totalCostPerHour"].clone(), out["totalCostToDate"].clone()), (json!("$0.094370"), json!("$0.059192")));
}

#[test]
fn describe_cost_bills_each_interface_endpoint_per_az_hour_and_nothing_for_the_s3_gateway_endpoint() {
    let mut sim = run_scenario("private-subnet-endpoints", None, "2m");
    let out = sim.call("sim:DescribeCost", json!({})).expect("DescribeCost");
    check_sums(&sim, &out);
    let lines = network_lines(&out);
    // ecr.api, ecr.dkr and logs, each in two Availability Zones: 2 × $0.01 an hour, one hour begun. Each carried
    // one 4 KiB exchange per start (8,192 bytes, less than a micro-dollar); the layers came from Amazon S3 through
    // its gateway endpoint, which is free and has no line. No byte crossed zones: each task used its zone's
    // endpoint interface.
    let expected = [("vpce-000000000e0000000", "ecr.api"), ("vpce-000000000e0000001", "ecr.dkr"), ("vpce-000000000e0000002", "logs")];
    assert_eq!(lines.len(), 3, "{lines:?}");
    for ((name, bytes, per_hour, to_date), (id, service)) in lines.iter().zip(expected) {
        assert_eq!(name, &format!("{id} ({service} interface endpoint in 2 AZ: $0.01 per AZ-hour and per GB)"));
        assert_eq!((*bytes, *per_hour, *to_date), (8_192, 20_000, 20_000));
    }
    assert_eq!((out["network"]["costPerHour"].clone(), out["network"]["costToDate"].clone()), (json!("$0.060000"), json!("$0.060000")));
    assert_eq!((out["totalCostPerHour"].clone(), out["totalCostToDate"].clone()), (json!("$0.109370"), json!("$0.061302")));
}

#[test]
fn the_endpoints_cost_more_per_hour_than_the_nat_gateway_but_nothing_per_image_pulled() {
    // A day of the same service: the NAT gateway's hours are cheaper ($0.045 against 3 × 2 × $0.01), but each start
    // through it pays for its 120 MiB of layers, where the endpoints' layers come through the free S3 gateway
    // endpoint. With two starts in the day the per-hour rate decides.
    let cost = |id: &str| {
        let mut sim = run_scenario(id, None, "24h");
        let out = sim.call("sim:DescribeCost", json!({})).expect("DescribeCost");
        check_sums(&sim, &out);
        out["network"]["costToDateMicroUsd"].as_u64().expect("a figure")
    };
    let (nat, endpoints) = (cost("private-subnet-nat"), cost("private-subnet-endpoints"));
    // 24 hours begun plus the first started: 25 × 45,000 + 10,547 + the 2,343 across zones.
    assert_eq!(nat, 25 * 45_000 + 10_547 + 2_343);
    assert_eq!(endpoints, 25 * 60_000);
    assert!(endpoints > nat);
}

#[test]
fn a_scenario_without_billed_network_resources_answers_an_empty_network_section() {
    let mut sim = run_scenario("fargate-web-service", None, "2m");
    let out = sim.call("sim:DescribeCost", json!({})).expect("DescribeCost");
    assert_eq!(out["network"], json!({ "costToDateMicroUsd": 0, "costPerHourMicroUsd": 0, "costToDate": "$0.000000", "costPerHour": "$0.000000", "lines": [] }));
    assert_eq!(out["totalCostToDateMicroUsd"], out["costToDateMicroUsd"]);
}

/// A task's DynamoDB call through a gateway endpoint whose policy allows one table: the other table is refused
/// with AWS's "no VPC endpoint policy allows" ending, a Deny statement with the explicit-deny ending, and the
/// allowed table gets past the endpoint to IAM (the task role then decides).
#[test]
fn a_vpc_endpoint_policy_decides_a_task_call_that_goes_through_the_endpoint() {
    let mut document = ecs_sim::scenario::builtin_scenario("private-subnet-endpoints").expect("built-in").document;
    let steps = document["steps"].as_array_mut().unwrap();
    let taskdef = steps.iter_mut().find(|s| s["call"] == "ecs:RegisterTaskDefinition").unwrap();
    taskdef["input"]["taskRoleArn"] = json!("arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
    let mut sim = ecs_sim::sim::Sim::new(&ecs_sim::scenario::parse_scenario(&document).expect("loads"), None);
    advance(&mut sim, t("2m"));
    let tables = sim.call("ec2:DescribeRouteTables", json!({})).expect("described");
    let private = tables["RouteTables"].as_array().unwrap().iter().find(|t| t["Routes"].as_array().is_some_and(|r| r.iter().any(|r| r["GatewayId"].as_str().is_some_and(|g| g.starts_with("vpce-"))))).expect("the private table")["RouteTableId"].clone();
    let policy = json!({ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Principal": "*", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/orders" },
        { "Effect": "Deny", "Principal": "*", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/secrets" }
    ] });
    let vpc = sim.call("ec2:DescribeVpcs", json!({})).expect("described")["Vpcs"][0]["VpcId"].clone();
    sim.call("ec2:CreateVpcEndpoint", json!({ "VpcId": vpc, "ServiceName": "com.amazonaws.us-east-1.dynamodb", "VpcEndpointType": "Gateway", "RouteTableIds": [private], "PolicyDocument": policy.to_string() })).expect("created");
    let get = |sim: &mut ecs_sim::sim::Sim, table: &str| {
        let out = sim.call("sim:TaskOperation", json!({ "cluster": "demo", "service": "api", "task": null, "operation": "dynamodb:GetItem", "params": { "TableName": table, "Key": { "id": { "S": "1" } } } })).expect("made");
        out["results"][0]["error"].clone()
    };
    let session = |sim: &ecs_sim::sim::Sim| sim.view().tasks.iter().find(|t| t.last_status == ecs_sim::view::TaskStatus::Running).map(|t| t.id.clone()).unwrap();
    let other = get(&mut sim, "other");
    assert_eq!(other["Code"], "AccessDeniedException");
    let s = session(&sim);
    assert!(other["Message"].as_str().unwrap().starts_with("User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/"), "{other}");
    assert!(other["Message"].as_str().unwrap().ends_with("is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/other because no VPC endpoint policy allows the dynamodb:GetItem action"), "{other} ({s})");
    let secrets = get(&mut sim, "secrets");
    assert!(secrets["Message"].as_str().unwrap().ends_with("on resource: arn:aws:dynamodb:us-east-1:123456789012:table/secrets with an explicit deny in a VPC endpoint policy"), "{secrets}");
    let orders = get(&mut sim, "orders");
    assert!(!orders["Message"].as_str().unwrap_or("").contains("VPC endpoint policy"), "the endpoint allows the orders table: {orders}");
}
