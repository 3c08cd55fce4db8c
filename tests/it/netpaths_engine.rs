//! Paths inside the VPC in the engine: a load balancer whose group the target's group does not allow leaves
//! its targets unhealthy with `Target.Timeout` until a rule lets it in; a task's S3 call fails with botocore's
//! connect timeout when it has no path; and, over random VPCs, a target is healthy and a task's call succeeds
//! exactly when the reachability explanation reports a complete path.

use ecs_sim::rng::Prng;
use ecs_sim::scenario::{builtin_scenario, parse_scenario};
use ecs_sim::sim::Sim;
use ecs_sim::vpc::{Destination, Interface};
use ecs_sim_tests::*;
use serde_json::{json, Value};

/// `alb-rolling-deployment` with its routing modelled (public subnets through an internet gateway, tasks with
/// public IPs so Docker Hub is reachable), the target group's health check every 10 s, no rolling update.
fn alb_in_a_routed_vpc(task_ingress: Value) -> Value {
    let mut document = builtin_scenario("alb-rolling-deployment").expect("built-in").document;
    let network = &mut document["network"];
    network["internetGateways"] = json!([{ "internetGatewayId": "igw-main" }]);
    network["routeTables"] = json!([{ "routeTableId": "rtb-public", "main": true, "routes": [{ "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-main" }] }]);
    network["securityGroups"][1]["ingress"] = task_ingress;
    let steps = document["steps"].as_array_mut().expect("steps");
    steps.retain(|s| s["at"] != "4m");
    let service = steps.iter_mut().find(|s| s["call"] == "ecs:CreateService").expect("CreateService");
    service["input"]["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] = json!("ENABLED");
    service["input"]["desiredCount"] = json!(2);
    document
}

fn target_health(sim: &mut Sim) -> Vec<Value> {
    let arn = sim.view().target_groups.iter().find(|g| g.name == "web-tg").expect("web-tg").arn.clone();
    let out = sim.call("elasticloadbalancing:DescribeTargetHealth", json!({ "TargetGroupArn": arn })).expect("described");
    out["TargetHealthDescriptions"].as_array().cloned().unwrap_or_default()
}

#[test]
fn a_target_group_without_the_load_balancer_rule_times_out_until_a_rule_allows_it() {
    // The task's group allows port 80 from the load balancer's group, not the target port 8080.
    let document = alb_in_a_routed_vpc(json!([{ "protocol": "tcp", "fromPort": 80, "toPort": 80, "sourceGroupId": "sg-alb" }]));
    let mut sim = Sim::new(&parse_scenario(&document).expect("loads"), None);
    advance(&mut sim, t("3m"));
    let health = target_health(&mut sim);
    assert_eq!(health.len(), 2, "both tasks are registered: {health:?}");
    for target in &health {
        assert_eq!(target["TargetHealth"]["State"], "unhealthy", "{target}");
        assert_eq!(target["TargetHealth"]["Reason"], "Target.Timeout");
        assert_eq!(target["TargetHealth"]["Description"], "Request timed out");
    }
    let view = sim.view();
    let path = view.network.paths.iter().find(|p| p.from == "load balancer shop-alb").expect("the load balancer's path is explained");
    let missing = path.missing.as_ref().expect("a missing hop");
    assert_eq!(missing.component, "sg-tasks");
    assert!(missing.detail.contains("allow no inbound TCP 8080 from load balancer shop-alb"), "{}", missing.detail);
    // The fix: let the load balancer's group in on 8080. The next checks pass.
    sim.call("ec2:AuthorizeSecurityGroupIngress", json!({ "GroupId": "sg-tasks", "IpPermissions": [{ "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{ "GroupId": "sg-alb" }] }] }))
        .expect("the rule is added");
    let now = sim.now();
    advance(&mut sim, ecs_sim::time::SimTime(now.0 + 60_000));
    let health = target_health(&mut sim);
    assert!(health.iter().filter(|t| t["TargetHealth"]["State"] == "healthy").count() >= 1, "{health:?}");
    let view = sim.view();
    assert!(view.network.paths.iter().filter(|p| p.from == "load balancer shop-alb").all(|p| p.complete()));
}

#[test]
fn the_same_scenario_without_routing_keeps_every_target_healthy() {
    let mut document = builtin_scenario("alb-rolling-deployment").expect("built-in").document;
    document["network"]["securityGroups"][1]["ingress"] = json!([{ "protocol": "tcp", "fromPort": 80, "toPort": 80, "sourceGroupId": "sg-alb" }]);
    let mut sim = Sim::new(&parse_scenario(&document).expect("loads"), None);
    advance(&mut sim, t("3m"));
    let health = target_health(&mut sim);
    assert!(!health.is_empty() && health.iter().all(|t| t["TargetHealth"]["State"] == "healthy"), "routing not modelled: paths are assumed: {health:?}");
    assert!(sim.view().network.paths.is_empty());
}

/// A random VPC for the load balancer and its tasks: which rule (if any) the task group has for the load
/// balancer, and the load balancer group's egress.
fn random_case(rng: &mut Prng) -> Value {
    let ingress = match rng.below(5) {
        0 => json!([{ "protocol": "tcp", "fromPort": 8080, "toPort": 8080, "sourceGroupId": "sg-alb" }]),
        1 => json!([{ "protocol": "tcp", "fromPort": 8000, "toPort": 8999, "cidr": "10.0.0.0/16" }]),
        2 => json!([{ "protocol": "tcp", "fromPort": 8080, "toPort": 8080, "cidr": "10.0.1.0/24" }]),
        3 => json!([{ "protocol": "-1", "fromPort": 0, "toPort": 65535, "cidr": "192.168.0.0/16" }]),
        _ => json!([{ "protocol": "tcp", "fromPort": 80, "toPort": 80, "sourceGroupId": "sg-alb" }]),
    };
    let mut document = alb_in_a_routed_vpc(ingress);
    if rng.below(3) == 0 {
        document["network"]["securityGroups"][0]["egress"] = json!([{ "protocol": "tcp", "fromPort": 443, "toPort": 443, "cidr": "0.0.0.0/0" }]);
    }
    document
}

#[test]
fn a_target_is_healthy_exactly_when_the_explanation_reports_a_complete_path() {
    let mut rng = Prng::new(2049);
    let (mut n_healthy, mut n_blocked) = (0, 0);
    for case in 0..24 {
        let document = random_case(&mut rng);
        let mut sim = Sim::new(&parse_scenario(&document).expect("loads"), None);
        advance(&mut sim, t("3m"));
        // Each target: healthy exactly when the load balancer's path to it is complete (asked of the VPC model,
        // independently of the engine's health checks).
        for target in target_health(&mut sim) {
            let az = target["Target"]["AvailabilityZone"].as_str().unwrap_or("");
            let subnet = if az == "us-east-1a" { "subnet-a" } else { "subnet-b" };
            let lb = Interface { name: "load balancer".into(), subnet_id: subnet.into(), security_groups: vec!["sg-alb".into()] };
            let task = Interface { name: "task".into(), subnet_id: subnet.into(), security_groups: vec!["sg-tasks".into()] };
            let complete = sim.vpc().reach_peer(&lb, &task, 8080).complete();
            let state = target["TargetHealth"]["State"].as_str().unwrap_or("");
            if complete {
                assert_eq!(state, "healthy", "case {case}: {target}: the path is complete ({document})");
                n_healthy += 1;
            } else {
                assert_eq!(state, "unhealthy", "case {case}: {target}: a hop is missing");
                assert_eq!(target["TargetHealth"]["Reason"], "Target.Timeout");
                n_blocked += 1;
            }
        }
    }
    assert!(n_healthy >= 5 && n_blocked >= 5, "both outcomes covered: {n_healthy} healthy, {n_blocked} blocked");
}

#[test]
fn a_task_call_succeeds_exactly_when_the_explanation_reaches_the_service() {
    let base = builtin_scenario("private-subnet-endpoints").expect("built-in").document;
    let mut rng = Prng::new(443);
    let (mut n_ok, mut n_failed) = (0, 0);
    for case in 0..16 {
        let mut document = base.clone();
        let steps = document["steps"].as_array_mut().unwrap();
        let taskdef = steps.iter_mut().find(|s| s["call"] == "ecs:RegisterTaskDefinition").unwrap();
        taskdef["input"]["taskRoleArn"] = json!("arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
        let with_endpoint = rng.below(2) == 0;
        if with_endpoint {
            let endpoints = document["network"]["vpcEndpoints"].as_array_mut().unwrap();
            let tables = endpoints.iter().find(|e| e["vpcEndpointType"] == "Gateway").map(|e| e["routeTableIds"].clone()).unwrap();
            endpoints.push(json!({ "serviceName": "dynamodb", "vpcEndpointType": "Gateway", "routeTableIds": tables }));
        }
        let mut sim = Sim::new(&parse_scenario(&document).expect("loads"), None);
        advance(&mut sim, t("2m"));
        let task_id = sim.view().tasks.iter().find(|t| t.last_status == ecs_sim::view::TaskStatus::Running).expect("a running task").id.clone();
        let described = sim.call("ecs:DescribeTasks", json!({ "cluster": "demo", "tasks": [task_id] })).expect("described");
        let details = described["tasks"][0]["attachments"][0]["details"].clone();
        let subnet = details.as_array().into_iter().flatten().find(|d| d["name"] == "subnetId").and_then(|d| d["value"].as_str()).unwrap_or("").to_string();
        let source = ecs_sim::vpc::Source { subnet_id: subnet, public_ip: false, security_groups: vec!["sg-api".into()], name: "task".into() };
        let complete = sim.vpc().reach(&source, &Destination::service("dynamodb"), "us-east-1", sim.now().0).complete();
        assert_eq!(complete, with_endpoint, "case {case}: the gateway endpoint is the only way to DynamoDB");
        let out = sim.call("sim:TaskOperation", json!({ "cluster": "demo", "service": "api", "operation": "dynamodb:GetItem", "params": { "TableName": "t", "Key": { "id": { "S": "1" } } } })).expect("made");
        let code = out["results"][0]["error"]["Code"].as_str().unwrap_or("").to_string();
        if complete {
            assert_ne!(code, "ConnectTimeoutError", "case {case}: the path is complete: {out}");
            n_ok += 1;
        } else {
            assert_eq!(code, "ConnectTimeoutError", "case {case}: no path: {out}");
            assert_eq!(out["results"][0]["error"]["Message"], "Connect timeout on endpoint URL: \"https://dynamodb.us-east-1.amazonaws.com/\"");
            n_failed += 1;
        }
    }
    assert!(n_ok >= 3 && n_failed >= 3, "both outcomes covered: {n_ok} ok, {n_failed} failed");
}

/// `wordpress-efs` with its routing modelled (an internet gateway, public IPs for the Docker Hub pull) and
/// `sg-wordpress`'s egress as given (none: all outbound traffic).
fn wordpress_in_a_routed_vpc(egress: Option<Value>) -> Value {
    let mut document = builtin_scenario("wordpress-efs").expect("built-in").document;
    let network = &mut document["network"];
    network["internetGateways"] = json!([{ "internetGatewayId": "igw-main" }]);
    network["routeTables"] = json!([{ "routeTableId": "rtb-public", "main": true, "routes": [{ "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-main" }] }]);
    if let Some(rules) = egress {
        network["securityGroups"][0]["egress"] = rules;
    }
    let steps = document["steps"].as_array_mut().expect("steps");
    steps.retain(|s| s["call"] != "ecs:UpdateService" && s["call"] != "sim:ReadFile" && s["call"] != "sim:WriteFile");
    let service = steps.iter_mut().find(|s| s["call"] == "ecs:CreateService").expect("CreateService");
    service["input"]["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] = json!("ENABLED");
    document
}

#[test]
fn an_efs_mount_needs_the_task_egress_and_the_mount_target_ingress_on_2049() {
    let mut sim = Sim::new(&parse_scenario(&wordpress_in_a_routed_vpc(None)).expect("loads"), None);
    advance(&mut sim, t("2m"));
    let view = sim.view();
    assert_eq!(view.tasks.iter().filter(|t| t.last_status == ecs_sim::view::TaskStatus::Running).count(), 2);
    let nfs: Vec<_> = view.network.paths.iter().filter(|p| p.to.starts_with("mount target ")).collect();
    assert_eq!(nfs.len(), 2, "each running task's mount is explained");
    assert!(nfs.iter().all(|p| p.complete() && p.port == 2049 && p.hops.iter().any(|h| h.detail.contains("(sg-efs) allow inbound TCP 2049"))), "{nfs:?}");

    // Only HTTPS out: the pull still works, the NFS connection times out as the mount helper reports it.
    let egress = json!([{ "protocol": "tcp", "fromPort": 443, "toPort": 443, "cidr": "0.0.0.0/0" }]);
    let mut sim = Sim::new(&parse_scenario(&wordpress_in_a_routed_vpc(Some(egress))).expect("loads"), None);
    advance(&mut sim, t("2m"));
    let stopped = sim.view().tasks.iter().find(|t| t.last_status == ecs_sim::view::TaskStatus::Stopped).expect("a stopped task").id.clone();
    let task = sim.call("ecs:DescribeTasks", json!({ "cluster": "demo", "tasks": [stopped] })).expect("described")["tasks"][0].clone();
    assert_eq!(task["stopCode"], "TaskFailedToStart");
    let reason = task["stoppedReason"].as_str().unwrap_or("");
    assert!(reason.starts_with("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes") && reason.contains("mount.nfs4: Connection timed out"), "{reason}");
    // The explanation names the task's egress as the missing hop.
    let key_path = {
        let document = wordpress_in_a_routed_vpc(Some(json!([{ "protocol": "tcp", "fromPort": 443, "toPort": 443, "cidr": "0.0.0.0/0" }])));
        let sim = Sim::new(&parse_scenario(&document).expect("loads"), None);
        let task = Interface { name: "task".into(), subnet_id: "subnet-a".into(), security_groups: vec!["sg-wordpress".into()] };
        let mount_target = Interface { name: "mount target".into(), subnet_id: "subnet-a".into(), security_groups: vec!["sg-efs".into()] };
        sim.vpc().reach_peer(&task, &mount_target, 2049)
    };
    let missing = key_path.missing.expect("the egress hop is missing");
    assert_eq!(missing.component, "sg-wordpress");
    assert!(missing.detail.contains("allow no outbound TCP 2049"), "{}", missing.detail);
}

#[test]
fn the_network_cost_counts_each_start_through_the_nat_gateway_beside_its_hours() {
    let mut sim = run_scenario("private-subnet-nat", None, "2m");
    let view = sim.view();
    let running: Vec<_> = view.tasks.iter().filter(|t| t.last_status == ecs_sim::view::TaskStatus::Running).collect();
    assert_eq!(running.len(), 2);
    // Each start: registry auth, manifest and awslogs (small exchanges) and the layers from Amazon S3.
    let per_start = ecs_sim::vpc::IMAGE_LAYER_BYTES + 3 * ecs_sim::vpc::API_EXCHANGE_BYTES;
    let nat = view.network.cost.iter().find(|l| l.name.starts_with("nat-a")).expect("the NAT gateway's line");
    assert_eq!(nat.bytes, 2 * per_start);
    assert_eq!(nat.to_date_micro_usd, 45_000 + ecs_sim::vpc::per_gb_cost(2 * per_start, 45_000), "one hour begun and the bytes processed");
    // The NAT gateway is in us-east-1a: a task in us-east-1b sends across zones.
    let n_in_b = running.iter().filter(|t| t.availability_zone == "us-east-1b").count() as u64;
    assert!(n_in_b >= 1, "the service spreads across zones");
    let cross = view.network.cost.iter().find(|l| l.name.starts_with("Data transfer between Availability Zones")).expect("a cross-AZ line");
    assert_eq!(cross.bytes, n_in_b * per_start);
    assert_eq!(cross.to_date_micro_usd, ecs_sim::vpc::per_gb_cost(n_in_b * per_start, 20_000));
    // A task's call to S3 goes through the NAT gateway too.
    sim.call("sim:TaskOperation", json!({ "cluster": "demo", "service": "api", "operation": "s3:GetObject", "params": { "Bucket": "b", "Key": "k" } })).expect("made");
    let after = sim.view().network.cost.iter().find(|l| l.name.starts_with("nat-a")).unwrap().bytes;
    assert_eq!(after, nat.bytes, "without a task role the call never leaves the task (NoCredentialsError)");
}

#[test]
fn a_privatelink_consumer_waits_for_acceptance_then_reaches_the_service_through_the_endpoint() {
    let mut sim = Sim::new(&builtin_scenario("privatelink-consumer").expect("built-in"), None);
    advance(&mut sim, t("50s"));
    let refused: Vec<String> = sim.take_log().into_iter().filter(|e| e.kind == ecs_sim::sim::LogKind::Error).map(|e| format!("{}: {}", e.subject, e.message)).collect();
    assert!(refused.is_empty(), "every step is accepted: {refused:?}");
    let view = sim.view();
    let link = view.network.privatelink.first().expect("the consumer's endpoint").clone();
    assert_eq!(link.state, "pendingAcceptance");
    assert_eq!(link.load_balancer_name, "orders-nlb");
    assert_eq!(link.provider_vpc_id, "vpc-main");
    assert_ne!(link.consumer_vpc_id, "vpc-main", "the consumer is another VPC");
    assert!(link.service_name.starts_with("com.amazonaws.vpce.us-east-1.vpce-svc-"));
    let missing = link.path.missing.as_ref().expect("blocked before acceptance");
    assert_eq!(missing.component, link.vpc_endpoint_id);
    assert!(missing.detail.contains("pendingAcceptance"));
    let connections = sim.call("ec2:DescribeVpcEndpointConnections", json!({})).expect("described");
    assert_eq!(connections["VpcEndpointConnections"][0]["VpcEndpointState"], "pendingAcceptance");

    advance(&mut sim, t("4m"));
    let view = sim.view();
    let link = view.network.privatelink.first().unwrap().clone();
    assert_eq!(link.state, "available");
    assert!(link.path.complete(), "{:?}", link.path);
    assert!(link.path.to.starts_with("task "), "the path ends at a task: {}", link.path.to);
    let components: Vec<&str> = link.path.hops.iter().map(|h| h.component.as_str()).collect();
    for expected in [link.consumer_subnet_ids[0].as_str(), link.vpc_endpoint_id.as_str(), link.service_id.as_str(), "load balancer orders-nlb", "sg-orders"] {
        assert!(components.contains(&expected), "the path goes through {expected}: {components:?}");
    }
    assert!(link.n_requests >= 50 * 120, "the consumer's requests are served: {}", link.n_requests);
    let health = {
        let arn = view.target_groups.iter().find(|g| g.name == "orders-tg").unwrap().arn.clone();
        sim.call("elasticloadbalancing:DescribeTargetHealth", json!({ "TargetGroupArn": arn })).unwrap()["TargetHealthDescriptions"].clone()
    };
    assert!(health.as_array().unwrap().iter().all(|t| t["TargetHealth"]["State"] == "healthy"), "{health}");
    // The endpoint bills per AZ-hour and per GB of the requests it carried.
    let line = view.network.cost.iter().find(|l| l.name.starts_with(&link.vpc_endpoint_id)).expect("the endpoint's cost line");
    assert_eq!(line.bytes, link.n_requests * ecs_sim::vpc::REQUEST_BYTES);
    assert_eq!(line.to_date_micro_usd, 10_000 + ecs_sim::vpc::per_gb_cost(line.bytes, 10_000));
}
