//! Table tests of the VPC model: the calls, route resolution, security-group evaluation (CIDR and group
//! references, egress), endpoints, and the failure texts.

use serde_json::{json, Value};

use super::*;

fn ctx(now_ms: u64) -> VpcContext {
    VpcContext { region: "us-east-1".into(), account_id: "123456789012".into(), now_ms, network_load_balancers: vec![] }
}

fn call(state: &mut VpcState, name: &str, input: Value, now_ms: u64) -> Value {
    state.handle(name, &input, &ctx(now_ms)).expect("routed here").unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn refuse(state: &mut VpcState, name: &str, input: Value) -> crate::api::ApiError {
    state.handle(name, &input, &ctx(0)).expect("routed here").expect_err("refused")
}

/// A VPC with a public subnet (IGW) and a private one, a task group and an endpoint group, made by calls.
struct Net {
    state: VpcState,
    vpc: String,
    public: String,
    private: String,
    private_rtb: String,
    task_sg: String,
    endpoint_sg: String,
}

fn build() -> Net {
    let mut state = VpcState::new();
    let vpc = call(&mut state, "ec2:CreateVpc", json!({ "CidrBlock": "10.0.0.0/16" }), 0)["Vpc"]["VpcId"].as_str().unwrap().to_string();
    let subnet = |state: &mut VpcState, cidr: &str| call(state, "ec2:CreateSubnet", json!({ "VpcId": vpc, "CidrBlock": cidr, "AvailabilityZone": "us-east-1a" }), 0)["Subnet"]["SubnetId"].as_str().unwrap().to_string();
    let public = subnet(&mut state, "10.0.0.0/24");
    let private = subnet(&mut state, "10.0.1.0/24");
    let igw = call(&mut state, "ec2:CreateInternetGateway", json!({}), 0)["InternetGateway"]["InternetGatewayId"].as_str().unwrap().to_string();
    call(&mut state, "ec2:AttachInternetGateway", json!({ "InternetGatewayId": igw, "VpcId": vpc }), 0);
    let public_rtb = call(&mut state, "ec2:CreateRouteTable", json!({ "VpcId": vpc }), 0)["RouteTable"]["RouteTableId"].as_str().unwrap().to_string();
    call(&mut state, "ec2:CreateRoute", json!({ "RouteTableId": public_rtb, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw }), 0);
    call(&mut state, "ec2:AssociateRouteTable", json!({ "RouteTableId": public_rtb, "SubnetId": public }), 0);
    let private_rtb = call(&mut state, "ec2:CreateRouteTable", json!({ "VpcId": vpc }), 0)["RouteTable"]["RouteTableId"].as_str().unwrap().to_string();
    call(&mut state, "ec2:AssociateRouteTable", json!({ "RouteTableId": private_rtb, "SubnetId": private }), 0);
    let task_sg = call(&mut state, "ec2:CreateSecurityGroup", json!({ "GroupName": "task", "Description": "tasks", "VpcId": vpc }), 0)["GroupId"].as_str().unwrap().to_string();
    let endpoint_sg = call(&mut state, "ec2:CreateSecurityGroup", json!({ "GroupName": "endpoints", "Description": "endpoints", "VpcId": vpc }), 0)["GroupId"].as_str().unwrap().to_string();
    Net { state, vpc, public, private, private_rtb, task_sg, endpoint_sg }
}

fn source(net: &Net, subnet: &str, public_ip: bool) -> Source {
    Source { subnet_id: subnet.to_string(), public_ip, security_groups: vec![net.task_sg.clone()], name: "task 1234abcd".into() }
}

#[test]
fn routes_decide_the_path_to_the_internet() {
    let mut net = build();
    let internet = Destination::Internet("registry-1.docker.io".into());
    // Table: (subnet, public IP, path kind, missing hop's component prefix).
    let public = net.public.clone();
    let private = net.private.clone();
    let cases: [(&str, bool, PathKind, Option<&str>); 3] =
        [(&public, true, PathKind::InternetGateway, None), (&public, false, PathKind::NoPath, Some("igw-")), (&private, false, PathKind::NoPath, Some("rtb-"))];
    for (subnet, public_ip, kind, missing) in cases {
        let r = net.state.reach(&source(&net, subnet, public_ip), &internet, "us-east-1", 0);
        assert_eq!(r.kind, kind, "{subnet} {public_ip}: {r:?}");
        assert_eq!(r.missing.as_ref().map(|h| &h.component[..4]), missing.map(|m| &m[..4]), "{r:?}");
    }
    // A NAT gateway in the public subnet, with an Elastic IP; the private table's default route to it.
    let allocation = call(&mut net.state, "ec2:AllocateAddress", json!({ "Domain": "vpc" }), 0)["AllocationId"].as_str().unwrap().to_string();
    let nat = call(&mut net.state, "ec2:CreateNatGateway", json!({ "SubnetId": net.public, "AllocationId": allocation }), 0)["NatGateway"].clone();
    assert_eq!(nat["State"], "pending");
    let nat_id = nat["NatGatewayId"].as_str().unwrap().to_string();
    call(&mut net.state, "ec2:CreateRoute", json!({ "RouteTableId": net.private_rtb, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat_id }), 0);
    let pending = net.state.reach(&source(&net, &net.private, false), &internet, "us-east-1", NAT_GATEWAY_PENDING_MS - 1);
    assert!(pending.missing.as_ref().unwrap().detail.contains("pending"), "{pending:?}");
    let through_nat = net.state.reach(&source(&net, &net.private, false), &internet, "us-east-1", NAT_GATEWAY_PENDING_MS);
    assert_eq!(through_nat.kind, PathKind::NatGateway, "{through_nat:?}");
    let components: Vec<&str> = through_nat.hops.iter().map(|h| h.component.as_str()).collect();
    assert_eq!(components[2], nat_id);
    assert!(components[4].starts_with("igw-") && components[5] == "internet", "{components:?}");
}

#[test]
fn a_nat_gateway_in_a_private_subnet_is_the_missing_hop() {
    let mut net = build();
    let allocation = call(&mut net.state, "ec2:AllocateAddress", json!({}), 0)["AllocationId"].as_str().unwrap().to_string();
    let nat = call(&mut net.state, "ec2:CreateNatGateway", json!({ "SubnetId": net.private, "AllocationId": allocation }), 0)["NatGateway"]["NatGatewayId"].as_str().unwrap().to_string();
    call(&mut net.state, "ec2:CreateRoute", json!({ "RouteTableId": net.private_rtb, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat }), 0);
    let r = net.state.reach(&source(&net, &net.private, false), &Destination::service("ecr.api"), "us-east-1", NAT_GATEWAY_PENDING_MS);
    assert_eq!(r.kind, PathKind::NoPath);
    assert_eq!(r.missing.as_ref().unwrap().component, net.private_rtb, "{r:?}");
    assert!(r.missing.unwrap().detail.contains("must be in a public subnet"));
}

#[test]
fn interface_endpoints_need_443_through_both_security_groups() {
    let mut net = build();
    let endpoint = call(
        &mut net.state,
        "ec2:CreateVpcEndpoint",
        json!({ "VpcId": net.vpc, "ServiceName": "com.amazonaws.us-east-1.ecr.api", "VpcEndpointType": "Interface", "SubnetIds": [net.private], "SecurityGroupIds": [net.endpoint_sg] }),
        0,
    )["VpcEndpoint"]
        .clone();
    assert_eq!(endpoint["PrivateDnsEnabled"], true);
    let vpce = endpoint["VpcEndpointId"].as_str().unwrap().to_string();
    let ecr = Destination::service("ecr.api");
    // The endpoint's group allows nothing in yet: that is the missing hop, and the internet is not tried.
    let r = net.state.reach(&source(&net, &net.private, false), &ecr, "us-east-1", 0);
    assert_eq!(r.missing.as_ref().unwrap().component, vpce, "{r:?}");
    // Inbound 443 from the task's group (a group reference).
    call(&mut net.state, "ec2:AuthorizeSecurityGroupIngress", json!({ "GroupId": net.endpoint_sg, "IpPermissions": [{ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{ "GroupId": net.task_sg }] }] }), 0);
    let r = net.state.reach(&source(&net, &net.private, false), &ecr, "us-east-1", 0);
    assert_eq!(r.kind, PathKind::InterfaceEndpoint, "{r:?}");
    // A rule by CIDR works as well: a fresh group allowing the VPC's CIDR.
    let by_cidr = Source { security_groups: vec!["sg-other".into()], ..source(&net, &net.private, false) };
    assert!(net.state.ingress_allows(&[net.endpoint_sg.clone()], 443, "10.0.1.0/24", &by_cidr.security_groups) == false);
    call(&mut net.state, "ec2:AuthorizeSecurityGroupIngress", json!({ "GroupId": net.endpoint_sg, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/16" }), 0);
    assert!(net.state.ingress_allows(&[net.endpoint_sg.clone()], 443, "10.0.1.0/24", &by_cidr.security_groups));
    assert!(!net.state.ingress_allows(&[net.endpoint_sg.clone()], 80, "10.0.1.0/24", &by_cidr.security_groups), "port 80 is not 443");
    // The same rule twice is EC2's duplicate error.
    let duplicate = refuse(&mut net.state, "ec2:AuthorizeSecurityGroupIngress", json!({ "GroupId": net.endpoint_sg, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/16" }));
    assert_eq!(duplicate.code, "InvalidPermission.Duplicate");
    assert_eq!(duplicate.message, "the specified rule \"peer: 10.0.0.0/16, TCP, from port: 443, to port: 443, ALLOW\" already exists");
}

#[test]
fn egress_rules_can_close_every_path() {
    let mut state = VpcState::new();
    let vpc = call(&mut state, "ec2:CreateVpc", json!({ "CidrBlock": "10.1.0.0/16" }), 0)["Vpc"]["VpcId"].as_str().unwrap().to_string();
    let subnet = call(&mut state, "ec2:CreateSubnet", json!({ "VpcId": vpc, "CidrBlock": "10.1.0.0/24" }), 0)["Subnet"]["SubnetId"].as_str().unwrap().to_string();
    let igw = call(&mut state, "ec2:CreateInternetGateway", json!({}), 0)["InternetGateway"]["InternetGatewayId"].as_str().unwrap().to_string();
    call(&mut state, "ec2:AttachInternetGateway", json!({ "InternetGatewayId": igw, "VpcId": vpc }), 0);
    let main = state.route_tables.values().find(|t| t.vpc_id == vpc && t.main).unwrap().route_table_id.clone();
    call(&mut state, "ec2:CreateRoute", json!({ "RouteTableId": main, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw }), 0);
    let group = call(&mut state, "ec2:CreateSecurityGroup", json!({ "GroupName": "locked", "Description": "no egress", "VpcId": vpc }), 0)["GroupId"].as_str().unwrap().to_string();
    let src = Source { subnet_id: subnet, public_ip: true, security_groups: vec![group.clone()], name: "task 1".into() };
    let internet = Destination::Internet("quay.io".into());
    assert_eq!(state.reach(&src, &internet, "us-east-1", 0).kind, PathKind::InternetGateway, "a new group allows all outbound traffic");
    state.security_groups.get_mut(&group).unwrap().egress = vec![SgRule { protocol: "tcp".into(), from_port: 80, to_port: 80, cidr: Some("0.0.0.0/0".into()), group: None }];
    let r = state.reach(&src, &internet, "us-east-1", 0);
    assert_eq!(r.missing.as_ref().unwrap().component, group, "{r:?}");
    call(&mut state, "ec2:AuthorizeSecurityGroupEgress", json!({ "GroupId": group, "IpPermissions": [{ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{ "CidrIp": "0.0.0.0/0" }] }] }), 0);
    assert!(state.reach(&src, &internet, "us-east-1", 0).complete());
}

#[test]
fn gateway_endpoints_add_their_prefix_list_route() {
    let mut net = build();
    let s3 = Destination::service("s3");
    assert!(!net.state.reach(&source(&net, &net.private, false), &s3, "us-east-1", 0).complete());
    let vpce = call(&mut net.state, "ec2:CreateVpcEndpoint", json!({ "VpcId": net.vpc, "ServiceName": "com.amazonaws.us-east-1.s3", "RouteTableIds": [net.private_rtb] }), 0)["VpcEndpoint"]["VpcEndpointId"]
        .as_str()
        .unwrap()
        .to_string();
    let tables = call(&mut net.state, "ec2:DescribeRouteTables", json!({ "RouteTableIds": [net.private_rtb] }), 0);
    let routes = tables["RouteTables"][0]["Routes"].as_array().unwrap().clone();
    assert_eq!(routes.len(), 2, "{routes:?}");
    assert_eq!(routes[1]["GatewayId"], vpce);
    assert_eq!(routes[1]["DestinationPrefixListId"], prefix_list_id("us-east-1", "s3"));
    let r = net.state.reach(&source(&net, &net.private, false), &s3, "us-east-1", 0);
    assert_eq!(r.kind, PathKind::GatewayEndpoint, "{r:?}");
    // DynamoDB has a gateway endpoint too; ecr.api does not.
    let wrong = refuse(&mut net.state, "ec2:CreateVpcEndpoint", json!({ "VpcId": net.vpc, "ServiceName": "com.amazonaws.us-east-1.ecr.api", "VpcEndpointType": "Gateway" }));
    assert_eq!((wrong.code, wrong.message.as_str()), ("InvalidServiceName", "The Vpc Endpoint Service 'com.amazonaws.us-east-1.ecr.api' does not exist"));
    call(&mut net.state, "ec2:CreateVpcEndpoint", json!({ "VpcId": net.vpc, "ServiceName": "com.amazonaws.us-east-1.dynamodb", "RouteTableIds": [net.private_rtb] }), 0);
    assert!(net.state.reach(&source(&net, &net.private, false), &Destination::service("dynamodb"), "us-east-1", 0).complete());
}

#[test]
fn calls_refuse_with_ec2_codes() {
    let mut net = build();
    // Table: (call, input, code).
    let cases = [
        ("ec2:CreateSubnet", json!({ "CidrBlock": "10.0.9.0/24" }), "MissingParameter"),
        ("ec2:CreateSubnet", json!({ "VpcId": "vpc-nope", "CidrBlock": "10.0.9.0/24" }), "InvalidVpcID.NotFound"),
        ("ec2:CreateSubnet", json!({ "VpcId": net.vpc, "CidrBlock": "10.9.0.0/24" }), "InvalidSubnet.Range"),
        ("ec2:CreateSubnet", json!({ "VpcId": net.vpc, "CidrBlock": "10.0.0.0/25" }), "InvalidSubnet.Conflict"),
        ("ec2:CreateVpc", json!({ "CidrBlock": "10.0.0.0/8" }), "InvalidVpc.Range"),
        ("ec2:CreateRoute", json!({ "RouteTableId": "rtb-nope", "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-x" }), "InvalidRouteTableID.NotFound"),
        ("ec2:CreateNatGateway", json!({ "SubnetId": net.public, "AllocationId": "eipalloc-nope" }), "InvalidAllocationID.NotFound"),
        ("ec2:AuthorizeSecurityGroupIngress", json!({ "GroupId": "sg-nope", "IpProtocol": "tcp", "CidrIp": "0.0.0.0/0" }), "InvalidGroup.NotFound"),
        ("ec2:DescribeSubnets", json!({ "SubnetIds": ["subnet-nope"] }), "InvalidSubnetID.NotFound"),
    ];
    for (name, input, code) in cases {
        let before = format!("{:?}", net.state);
        let error = refuse(&mut net.state, name, input.clone());
        assert_eq!(error.code, code, "{name} {input}: {error}");
        assert_eq!(before, format!("{:?}", net.state), "a refused {name} changes nothing");
    }
    assert_eq!(refuse(&mut net.state, "ec2:CreateSubnet", json!({ "CidrBlock": "10.0.9.0/24" })).message, "The request must contain the parameter VpcId");
}

#[test]
fn routing_is_assumed_when_the_scenario_does_not_describe_it() {
    let routing = RoutingSpec::default();
    let state = VpcState::from_network("vpc-main", "10.0.0.0/16", &[SubnetSeed { subnet_id: "subnet-a", availability_zone: "us-east-1a", cidr_block: "10.0.0.0/24" }], &[], &routing, "us-east-1");
    let src = Source { subnet_id: "subnet-a".into(), public_ip: false, security_groups: vec![], name: "task 1".into() };
    let r = state.reach(&src, &Destination::service("ecr.api"), "us-east-1", 0);
    assert_eq!(r.kind, PathKind::Assumed);
    assert!(r.complete());
}

#[test]
fn a_scenario_network_with_routing_is_modelled() {
    let mut errors = Vec::new();
    let network = json!({
        "subnets": [{ "subnetId": "subnet-pub", "availabilityZone": "us-east-1a", "cidrBlock": "10.0.0.0/24", "mapPublicIpOnLaunch": true },
                    { "subnetId": "subnet-priv", "availabilityZone": "us-east-1a", "cidrBlock": "10.0.1.0/24" }],
        "internetGateways": [{ "internetGatewayId": "igw-main" }],
        "natGateways": [{ "natGatewayId": "nat-a", "subnetId": "subnet-pub" }],
        "routeTables": [
            { "routeTableId": "rtb-pub", "subnetIds": ["subnet-pub"], "routes": [{ "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-main" }] },
            { "routeTableId": "rtb-priv", "subnetIds": ["subnet-priv"], "routes": [{ "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-a" }] }
        ]
    });
    let routing = parse_routing(&network, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(routing.modelled);
    let seeds = [SubnetSeed { subnet_id: "subnet-pub", availability_zone: "us-east-1a", cidr_block: "10.0.0.0/24" }, SubnetSeed { subnet_id: "subnet-priv", availability_zone: "us-east-1a", cidr_block: "10.0.1.0/24" }];
    let groups = [GroupSeed { group_id: "sg-task", ingress: vec![] }];
    let state = VpcState::from_network("vpc-main", "10.0.0.0/16", &seeds, &groups, &routing, "us-east-1");
    assert!(state.subnets.get("subnet-pub").unwrap().map_public_ip_on_launch);
    let src = Source { subnet_id: "subnet-priv".into(), public_ip: false, security_groups: vec!["sg-task".into()], name: "task 1".into() };
    assert_eq!(state.reach(&src, &Destination::service("ecr.dkr"), "us-east-1", 0).kind, PathKind::NatGateway, "a scenario's NAT gateway is available at once");
    // Bad sections name their field.
    let mut errors = Vec::new();
    parse_routing(&json!({ "routeTables": [{ "routeTableId": "table", "routes": [{ "destinationCidrBlock": "0.0.0.0/0" }] }], "vpcEndpoints": [{ "serviceName": "ecr.api", "vpcEndpointType": "Gateway" }] }), &mut errors);
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["network.routeTables[0].routeTableId", "network.routeTables[0].routes[0]", "network.vpcEndpoints[0].serviceName"], "{errors:?}");
}

#[test]
fn pull_destinations_follow_the_registry() {
    let ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.2";
    assert_eq!(pull_destinations(ecr), vec![Destination::service("ecr.api"), Destination::service("ecr.dkr"), Destination::service("s3")]);
    assert_eq!(pull_destinations("nginx:latest"), vec![Destination::Internet("registry-1.docker.io".into())]);
    assert_eq!(pull_destinations("public.ecr.aws/nginx/nginx:1"), vec![Destination::Internet("public.ecr.aws".into())]);
    assert_eq!(pull_destinations("quay.io/org/app"), vec![Destination::Internet("quay.io".into())]);
}

#[test]
fn failure_texts_are_aws_words() {
    // observability-troubleshooting.md §4.3 #5 (real transcript), with the Region put in.
    let auth = pull_failure("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1", &Destination::service("ecr.api"), "us-east-1");
    assert_eq!(
        auth.stopped_reason,
        "ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 44.213.79.104:443: i/o timeout"
    );
    // §4.3 #5b's form for Docker Hub.
    let hub = pull_failure("nginx", &Destination::Internet("registry-1.docker.io".into()), "us-east-1");
    assert_eq!(
        hub.stopped_reason,
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:latest: failed to do request: Head \"https://registry-1.docker.io/v2/library/nginx/manifests/latest\": dial tcp 3.210.148.47:443: i/o timeout"
    );
    // §2.4, the newest Fargate wording.
    assert!(logs_failure().stopped_reason.starts_with("ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group"));
    assert!(secret_failure("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", &Destination::service("secretsmanager"))
        .stopped_reason
        .starts_with("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager"));
    assert_eq!(NETWORK_TIMEOUT_MS, 272_000, "18:21:57 to 18:26:29 in the real transcript");
}

#[test]
fn nat_gateways_and_interface_endpoints_are_billed_per_hour_begun() {
    let mut net = build();
    let allocation = call(&mut net.state, "ec2:AllocateAddress", json!({}), 0)["AllocationId"].as_str().unwrap().to_string();
    call(&mut net.state, "ec2:CreateNatGateway", json!({ "SubnetId": net.public, "AllocationId": allocation }), 60_000);
    // An interface endpoint in two subnets of one AZ is one AZ-hour an hour; a gateway endpoint is free.
    call(&mut net.state, "ec2:CreateVpcEndpoint", json!({ "VpcId": net.vpc, "ServiceName": "com.amazonaws.us-east-1.logs", "VpcEndpointType": "Interface", "SubnetIds": [net.public, net.private] }), 0);
    call(&mut net.state, "ec2:CreateVpcEndpoint", json!({ "VpcId": net.vpc, "ServiceName": "com.amazonaws.us-east-1.s3", "RouteTableIds": [net.private_rtb] }), 0);
    let at = |ms: u64| net.state.network_cost(ms).iter().map(|l| (l.per_hour_micro_usd, l.to_date_micro_usd)).collect::<Vec<_>>();
    assert_eq!(at(30_000), vec![(45_000, 0), (10_000, 10_000)], "the NAT gateway is not billed before it exists");
    assert_eq!(at(60_000), vec![(45_000, 45_000), (10_000, 10_000)]);
    assert_eq!(at(60_000 + 3_600_000), vec![(45_000, 90_000), (10_000, 20_000)], "a partial hour is a whole one");
}

#[test]
fn a_scenario_vpc_id_of_any_shape_is_described_without_panicking() {
    for vpc_id in ["v", "", "vpc-é", "ééé"] {
        let state = VpcState::from_network(vpc_id, "10.0.0.0/16", &[], &[], &RoutingSpec::default(), "us-east-1");
        let mut state = state;
        let out = call(&mut state, "ec2:DescribeVpcs", json!({}), 0);
        assert_eq!(out["Vpcs"][0]["VpcId"], vpc_id);
    }
}
