//! The VPC in the engine: a Fargate task in a private subnet with no route stops with AWS's text after
//! AWS's delay; a NAT gateway or VPC endpoints fix it; the troubleshooter names the missing hop and its fix
//! makes the service healthy; the VPC calls make subnets RunTask can use; a random VPC starts a task exactly
//! when every path its start needs is complete.

use ecs_sim::rng::Prng;
use ecs_sim::scenario::{builtin_scenario, parse_scenario};
use ecs_sim::sim::Sim;
use ecs_sim::view::TaskStatus;
use ecs_sim::vpc::{Destination, Source};
use ecs_sim_tests::*;
use serde_json::{json, Value};

const NO_ROUTE_TEXT: &str = "ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 44.213.79.104:443: i/o timeout";

fn running(sim: &Sim) -> usize {
    sim.view().tasks.iter().filter(|t| t.last_status == TaskStatus::Running).count()
}

fn describe_task(sim: &mut Sim, id: &str) -> Value {
    let out = sim.call("ecs:DescribeTasks", json!({ "cluster": "demo", "tasks": [id] })).expect("described");
    out["tasks"][0].clone()
}

#[test]
fn a_private_subnet_with_no_route_stops_the_task_with_aws_text_after_aws_delay() {
    let mut sim = Sim::new(&builtin_scenario("private-subnet-no-route").expect("built-in"), None);
    // Pulls start at 25s (5s CreateService, 20s Fargate provisioning); AWS gives up 272s later.
    advance(&mut sim, t("4m50s"));
    let view = sim.view();
    assert!(view.tasks.len() == 2 && view.tasks.iter().all(|t| t.last_status == TaskStatus::Pending), "still retrying Amazon ECR in PENDING");
    advance(&mut sim, t("5m10s"));
    let stopped: Vec<String> = sim.view().tasks.iter().filter(|t| t.last_status == TaskStatus::Stopped).map(|t| t.id.clone()).collect();
    assert_eq!(stopped.len(), 2, "both tasks stopped");
    let task = describe_task(&mut sim, &stopped[0]);
    assert_eq!(task["stopCode"], "TaskFailedToStart");
    assert_eq!(task["stoppedReason"], NO_ROUTE_TEXT);
    assert_eq!(task["pullStartedAt"], "2026-01-05T09:00:25.000Z");
    assert_eq!(task["stoppingAt"], "2026-01-05T09:04:57.000Z", "272 s after the pull started, as in the real transcript");
    assert!(task["containers"][0].get("exitCode").is_none(), "the container never ran");
    assert!(task.get("startedAt").is_none());
}

#[test]
fn the_troubleshooter_names_the_missing_route_and_its_fix_makes_the_service_healthy() {
    let mut sim = Sim::new(&builtin_scenario("private-subnet-no-route").expect("built-in"), None);
    advance(&mut sim, t("5m10s"));
    let view = sim.view();
    let report = view.network.troubleshooting.first().expect("a report on the failed task").clone();
    assert_eq!(report.stop_code, "TaskFailedToStart");
    assert_eq!(report.stopped_reason, NO_ROUTE_TEXT);
    let registry = &report.checks[0];
    assert_eq!(registry.name, "Network connectivity to the configured container registry");
    assert_eq!(registry.verdict, ecs_sim::sim::troubleshoot::Verdict::Fail);
    assert!(registry.evidence.iter().any(|e| e.contains("Missing hop: rtb-private") && e.contains("has no route for 0.0.0.0/0")), "{:?}", registry.evidence);
    let iam = &report.checks[1];
    assert_eq!(iam.verdict, ecs_sim::sim::troubleshoot::Verdict::Pass, "the execution role is fine: {:?}", iam.evidence);
    assert!(report.root_cause.contains("rtb-private"), "{}", report.root_cause);
    let fix = report.fix.expect("a fix");
    assert_eq!(fix.call, "ec2:CreateRoute");
    assert_eq!(fix.input, json!({ "RouteTableId": "rtb-private", "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-a" }));
    sim.call(&fix.call, fix.input).expect("the fix is a valid call");
    // The service's next tasks start through the NAT gateway.
    assert!(drive_until(&mut sim, |s| running(s) == 2, t("20m")), "the service reaches 2 running tasks after the fix");
    // With the route in place, the same report now finds every check passing.
    let after = sim.view().network.troubleshooting.first().expect("the old report").clone();
    assert!(after.checks[0].evidence.iter().any(|e| e.contains("through a NAT gateway")), "{:?}", after.checks[0].evidence);
    assert!(after.fix.is_none());
}

#[test]
fn a_nat_gateway_or_vpc_endpoints_give_the_private_tasks_their_paths() {
    for (id, path) in [("private-subnet-nat", "nat-a"), ("private-subnet-endpoints", "vpce-")] {
        let mut sim = run_scenario(id, None, "2m");
        assert_eq!(running(&sim), 2, "{id}: both tasks run");
        assert!(sim.view().network.troubleshooting.is_empty(), "{id}: nothing failed");
        // The explanation of a pull: through the NAT gateway, or the endpoints (S3 through its gateway endpoint).
        let task_id = sim.view().tasks.iter().find(|t| t.last_status == TaskStatus::Running).expect("a running task").id.clone();
        let source = Source { subnet_id: subnet_of(&mut sim, &task_id), public_ip: false, security_groups: vec!["sg-api".into()], name: "task".into() };
        for short in ["ecr.api", "ecr.dkr", "s3", "logs"] {
            let r = sim.vpc().reach(&source, &Destination::service(short), "us-east-1", sim.now().0);
            assert!(r.complete(), "{id} {short}: {r:?}");
            assert!(r.hops.iter().any(|h| h.component.starts_with(path)), "{id} {short} goes through {path}: {r:?}");
        }
    }
}

fn subnet_of(sim: &mut Sim, task_id: &str) -> String {
    let task = describe_task(sim, task_id);
    let details = task["attachments"][0]["details"].as_array().expect("ENI details").clone();
    details.iter().find(|d| d["name"] == "subnetId").and_then(|d| d["value"].as_str()).expect("subnetId").to_string()
}

#[test]
fn scenarios_without_routing_assume_every_path() {
    // fargate-web-service's network names subnets only: its private-looking tasks still pull from public.ecr.aws.
    let sim = run_scenario("fargate-web-service", None, "2m");
    assert_eq!(running(&sim), 4);
    assert!(!sim.view().network.routing_modelled);
}

#[test]
fn vpc_calls_make_a_network_runtask_can_use() {
    let mut sim = Sim::new(&parse_scenario(&json!({ "formatVersion": 1, "steps": [] })).expect("a scenario"), Some(3));
    let vpc = sim.call("ec2:CreateVpc", json!({ "CidrBlock": "10.8.0.0/16" })).unwrap()["Vpc"]["VpcId"].as_str().unwrap().to_string();
    let subnet = sim.call("ec2:CreateSubnet", json!({ "VpcId": vpc, "CidrBlock": "10.8.1.0/24", "AvailabilityZone": "us-east-1b" })).unwrap()["Subnet"]["SubnetId"].as_str().unwrap().to_string();
    sim.call("ec2:ModifySubnetAttribute", json!({ "SubnetId": subnet, "MapPublicIpOnLaunch": { "Value": true } })).unwrap();
    let igw = sim.call("ec2:CreateInternetGateway", json!({})).unwrap()["InternetGateway"]["InternetGatewayId"].as_str().unwrap().to_string();
    sim.call("ec2:AttachInternetGateway", json!({ "InternetGatewayId": igw, "VpcId": vpc })).unwrap();
    let group = sim.call("ec2:CreateSecurityGroup", json!({ "GroupName": "web", "Description": "web tasks", "VpcId": vpc })).unwrap()["GroupId"].as_str().unwrap().to_string();
    sim.call("ecs:CreateCluster", json!({ "clusterName": "demo" })).unwrap();
    sim.call(
        "ecs:RegisterTaskDefinition",
        json!({ "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                "containerDefinitions": [{ "name": "web", "image": "nginx:1.27", "essential": true }] }),
    )
    .unwrap();
    let run = |sim: &mut Sim, assign: &str| {
        sim.call("ecs:RunTask", json!({ "cluster": "demo", "taskDefinition": "web", "launchType": "FARGATE",
            "networkConfiguration": { "awsvpcConfiguration": { "subnets": [subnet], "securityGroups": [group], "assignPublicIp": assign } } }))
            .expect("RunTask accepts the new subnet")["tasks"][0]["taskArn"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    };
    // The new VPC's main route table has only the local route: Docker Hub is out of reach.
    let lost = run(&mut sim, "ENABLED");
    let later = sim.now().plus_ms(6 * 60_000);
    advance(&mut sim, later);
    let task = describe_task(&mut sim, &lost);
    assert_eq!(task["lastStatus"], "STOPPED");
    assert!(s(&task, "stoppedReason").starts_with("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:1.27"), "{task}");
    // A default route to the internet gateway: a task with a public IP pulls; one without still cannot.
    let tables = sim.call("ec2:DescribeRouteTables", json!({})).unwrap();
    let main = tables["RouteTables"].as_array().unwrap().iter().find(|t| t["VpcId"] == json!(vpc)).unwrap()["RouteTableId"].as_str().unwrap().to_string();
    sim.call("ec2:CreateRoute", json!({ "RouteTableId": main, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw })).unwrap();
    let public = run(&mut sim, "ENABLED");
    let private = run(&mut sim, "DISABLED");
    let later = sim.now().plus_ms(60_000);
    advance(&mut sim, later);
    assert_eq!(describe_task(&mut sim, &public)["lastStatus"], "RUNNING");
    assert_eq!(describe_task(&mut sim, &private)["lastStatus"], "PENDING", "no public IP: the internet gateway does not carry it");
    let subnets = sim.call("ec2:DescribeSubnets", json!({ "SubnetIds": [subnet] })).unwrap();
    assert_eq!(subnets["Subnets"][0]["MapPublicIpOnLaunch"], true);
    assert_eq!(subnets["Subnets"][0]["AvailableIpAddressCount"], 251);
}

/// A random network for the private-subnet scenario: the private table's default route (none, NAT, the
/// internet gateway), assignPublicIp, which endpoints exist, and whether their group lets the tasks in.
fn random_network(rng: &mut Prng, document: &mut Value) -> String {
    let network = &mut document["network"];
    let route = rng.below(3);
    let routes = &mut network["routeTables"][1]["routes"];
    match route {
        0 => {}
        1 => routes.as_array_mut().unwrap().push(json!({ "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-a" })),
        _ => routes.as_array_mut().unwrap().push(json!({ "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-main" })),
    }
    let mut endpoints = Vec::new();
    for short in ["ecr.api", "ecr.dkr", "logs"] {
        if rng.below(2) == 1 {
            endpoints.push(json!({ "serviceName": short, "vpcEndpointType": "Interface", "subnetIds": ["subnet-private-a"], "securityGroupIds": ["sg-endpoints"] }));
        }
    }
    if rng.below(2) == 1 {
        endpoints.push(json!({ "serviceName": "s3", "vpcEndpointType": "Gateway", "routeTableIds": ["rtb-private"] }));
    }
    network["vpcEndpoints"] = json!(endpoints);
    if rng.below(3) == 0 {
        network["securityGroups"][1]["ingress"] = json!([{ "protocol": "tcp", "fromPort": 80, "toPort": 80, "sourceGroupId": "sg-api" }]);
    }
    let assign = if rng.below(2) == 1 { "ENABLED" } else { "DISABLED" };
    let service = document["steps"].as_array().expect("steps").iter().position(|step| step["call"] == "ecs:CreateService").expect("the CreateService step");
    document["steps"][service]["input"]["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] = json!(assign);
    document["steps"][service]["input"]["desiredCount"] = json!(1);
    document["steps"][service]["input"]["networkConfiguration"]["awsvpcConfiguration"]["subnets"] = json!(["subnet-private-a"]);
    assign.to_string()
}

#[test]
fn a_task_starts_exactly_when_every_path_of_its_start_is_complete() {
    let base = builtin_scenario("private-subnet-no-route").expect("built-in").document;
    let mut rng = Prng::new(16);
    let (mut n_started, mut n_failed) = (0, 0);
    for case in 0..40 {
        let mut document = base.clone();
        let assign = random_network(&mut rng, &mut document);
        let scenario = parse_scenario(&document).expect("the random network loads");
        let mut sim = Sim::new(&scenario, None);
        advance(&mut sim, t("40s"));
        // The reachability explanation, asked independently of the engine's decision.
        let source = Source { subnet_id: "subnet-private-a".into(), public_ip: assign == "ENABLED", security_groups: vec!["sg-api".into()], name: "task".into() };
        let complete = ["ecr.api", "ecr.dkr", "s3", "logs"].iter().all(|d| sim.vpc().reach(&source, &Destination::service(d), "us-east-1", sim.now().0).complete());
        let first = sim.view().tasks.first().expect("the service's task").clone();
        if complete {
            assert_eq!(first.last_status, TaskStatus::Running, "case {case}: every path is complete, so the task runs ({document})");
            n_started += 1;
        } else {
            assert_eq!(first.last_status, TaskStatus::Pending, "case {case}: a path is missing, so the task waits");
            advance(&mut sim, t("5m10s"));
            let task = describe_task(&mut sim, &first.id);
            assert_eq!(task["lastStatus"], "STOPPED", "case {case}");
            assert_eq!(task["stopCode"], "TaskFailedToStart", "case {case}");
            n_failed += 1;
        }
    }
    assert!(n_started >= 5 && n_failed >= 5, "the random networks cover both outcomes: {n_started} started, {n_failed} failed");
}

#[test]
fn an_ecr_pull_without_permission_is_found_in_the_execution_role_and_fixed_by_attaching_its_policy() {
    let mut sim = Sim::new(&builtin_scenario("ecr-pull-without-permission").expect("built-in"), None);
    advance(&mut sim, t("1m"));
    let view = sim.view();
    let report = view.network.troubleshooting.first().expect("a report").clone();
    assert_eq!(report.stop_code, "TaskFailedToStart");
    assert!(report.stopped_reason.contains("is not authorized to perform: ecr:GetAuthorizationToken"), "{}", report.stopped_reason);
    assert_eq!(report.checks[0].verdict, ecs_sim::sim::troubleshoot::Verdict::Pass, "the registry is reachable through the endpoints: {:?}", report.checks[0].evidence);
    assert!(report.checks[0].evidence.iter().any(|e| e.contains("through an interface endpoint")));
    assert_eq!(report.checks[1].verdict, ecs_sim::sim::troubleshoot::Verdict::Fail);
    assert_eq!(report.root_cause, "The task execution role api-execution-role does not allow ecr:GetAuthorizationToken, which the task's start needs.");
    let fix = report.fix.expect("a fix");
    assert_eq!(fix.call, "iam:AttachRolePolicy");
    assert_eq!(fix.input["RoleName"], "api-execution-role");
    sim.call(&fix.call, fix.input).expect("the fix is a valid call");
    assert!(drive_until(&mut sim, |s| running(s) == 2, t("20m")), "the service reaches 2 running tasks after the fix");
}

#[test]
fn a_vpc_built_by_calls_carries_the_service_through_its_nat_gateway_and_s3_endpoint() {
    let mut sim = run_scenario("vpc-built-by-calls", None, "3m");
    let refused: Vec<String> = sim.take_log().into_iter().filter(|e| e.kind == ecs_sim::sim::LogKind::Error).map(|e| format!("{}: {}", e.subject, e.message)).collect();
    assert!(refused.is_empty(), "every step is accepted: {refused:?}");
    assert_eq!(running(&sim), 2);
    let task_id = sim.view().tasks.iter().find(|t| t.last_status == TaskStatus::Running).unwrap().id.clone();
    let subnet = subnet_of(&mut sim, &task_id);
    let group = sim.view().network.route_tables.len();
    assert_eq!(group, 3, "the main table and the two made by calls");
    let sg = sim.vpc().security_groups.values().find(|g| g.group_name == "api").unwrap().group_id.clone();
    let source = Source { subnet_id: subnet, public_ip: false, security_groups: vec![sg], name: "task".into() };
    let now = sim.now().0;
    assert_eq!(sim.vpc().reach(&source, &Destination::service("ecr.dkr"), "us-east-1", now).kind, ecs_sim::vpc::PathKind::NatGateway);
    assert_eq!(sim.vpc().reach(&source, &Destination::service("s3"), "us-east-1", now).kind, ecs_sim::vpc::PathKind::GatewayEndpoint);
}

#[test]
fn the_troubleshooter_reports_on_a_task_without_an_execution_role() {
    let mut sim = Sim::new(&builtin_scenario("missing-execution-role").expect("built-in"), None);
    advance(&mut sim, t("1m"));
    let view = sim.view();
    let report = view.network.troubleshooting.first().expect("a report on the failed task");
    assert_eq!(report.stop_code, "TaskFailedToStart");
    assert_eq!(report.checks[1].verdict, ecs_sim::sim::troubleshoot::Verdict::Fail, "{:?}", report.checks[1]);
    assert!(report.fix.is_none(), "no role to attach a policy to: the fix is a revision with executionRoleArn");
}
