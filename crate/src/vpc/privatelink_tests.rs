//! Table tests of AWS PrivateLink: a VPC endpoint service for a Network Load Balancer, a consumer's interface
//! endpoint waiting in `pendingAcceptance` until the owner accepts it, the connection list, and the path
//! through the endpoint. Sources: AWS PrivateLink Guide ("Create a service powered by AWS PrivateLink",
//! "Accept or reject connection requests": with acceptance required, an endpoint stays `pendingAcceptance`
//! until accepted); botocore `ec2` 2016-11-15 for the shapes.

use serde_json::{json, Value};

use super::*;

const NLB: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-nlb/0123456789abcdef";

fn ctx() -> VpcContext {
    VpcContext {
        region: "us-east-1".into(),
        account_id: "123456789012".into(),
        now_ms: 0,
        network_load_balancers: vec![NlbSeed { arn: NLB.into(), vpc_id: "vpc-provider".into(), availability_zones: vec!["us-east-1a".into()] }],
    }
}

fn call(state: &mut VpcState, name: &str, input: Value) -> Value {
    state.handle(name, &input, &ctx()).expect("routed here").unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn refuse(state: &mut VpcState, name: &str, input: Value) -> crate::api::ApiError {
    state.handle(name, &input, &ctx()).expect("routed here").expect_err("refused")
}

/// A consumer VPC made by calls: a subnet, an endpoint group allowing TCP 80 from the VPC.
fn consumer(state: &mut VpcState) -> (String, String, String) {
    let vpc = call(state, "ec2:CreateVpc", json!({ "CidrBlock": "10.1.0.0/16" }))["Vpc"]["VpcId"].as_str().unwrap().to_string();
    let subnet = call(state, "ec2:CreateSubnet", json!({ "VpcId": vpc, "CidrBlock": "10.1.1.0/24", "AvailabilityZone": "us-east-1a" }))["Subnet"]["SubnetId"].as_str().unwrap().to_string();
    let group = call(state, "ec2:CreateSecurityGroup", json!({ "GroupName": "orders-endpoint", "Description": "orders endpoint", "VpcId": vpc }))["GroupId"].as_str().unwrap().to_string();
    call(state, "ec2:AuthorizeSecurityGroupIngress", json!({ "GroupId": group, "IpPermissions": [{ "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{ "CidrIp": "10.1.0.0/16" }] }] }));
    (vpc, subnet, group)
}

fn provider_side(complete: bool) -> ProviderSide {
    let mut to_target = PeerPath { from: "load balancer orders-nlb".into(), to: "task 1234abcd".into(), port: 8080, kind: PeerPathKind::Complete, hops: vec![], missing: None };
    to_target.hops.push(Hop { component: "subnet-a".into(), detail: "load balancer orders-nlb sends TCP 8080".into() });
    to_target.hops.push(Hop { component: "sg-orders".into(), detail: "The security groups of task 1234abcd (sg-orders) allow inbound TCP 8080".into() });
    if !complete {
        to_target.missing = Some(Hop { component: "sg-orders".into(), detail: "allow no inbound TCP 8080".into() });
    }
    ProviderSide { load_balancer: "load balancer orders-nlb".into(), listener_port: 80, to_target: Some(to_target) }
}

#[test]
fn an_endpoint_waits_for_acceptance_then_carries_the_consumer_to_the_load_balancer_target() {
    let mut state = VpcState::new();
    let created = call(&mut state, "ec2:CreateVpcEndpointServiceConfiguration", json!({ "NetworkLoadBalancerArns": [NLB], "AcceptanceRequired": true }))["ServiceConfiguration"].clone();
    let service_id = created["ServiceId"].as_str().unwrap().to_string();
    assert!(service_id.starts_with("vpce-svc-") && service_id.len() == "vpce-svc-".len() + 17, "{service_id}");
    let service_name = created["ServiceName"].as_str().unwrap().to_string();
    assert_eq!(service_name, format!("com.amazonaws.vpce.us-east-1.{service_id}"));
    assert_eq!(created["AcceptanceRequired"], true);
    assert_eq!(created["ServiceState"], "Available");
    assert_eq!(created["ServiceType"], json!([{ "ServiceType": "Interface" }]));
    assert_eq!(created["AvailabilityZones"], json!(["us-east-1a"]));
    let (vpc, subnet, group) = consumer(&mut state);
    let endpoint = call(&mut state, "ec2:CreateVpcEndpoint", json!({ "VpcId": vpc, "ServiceName": service_name, "VpcEndpointType": "Interface", "SubnetIds": [subnet], "SecurityGroupIds": [group] }))["VpcEndpoint"].clone();
    assert_eq!(endpoint["State"], "pendingAcceptance");
    assert_eq!(endpoint["PrivateDnsEnabled"], false);
    let endpoint_id = endpoint["VpcEndpointId"].as_str().unwrap().to_string();
    let connections = call(&mut state, "ec2:DescribeVpcEndpointConnections", json!({}))["VpcEndpointConnections"].clone();
    assert_eq!(connections, json!([{ "ServiceId": service_id, "VpcEndpointId": endpoint_id, "VpcEndpointOwner": "123456789012", "VpcEndpointState": "pendingAcceptance", "NetworkLoadBalancerArns": [NLB], "IpAddressType": "ipv4", "VpcEndpointRegion": "us-east-1" }]));
    // Before acceptance: the path stops at the endpoint.
    let client = Interface { name: "a client".into(), subnet_id: subnet.clone(), security_groups: vec![] };
    let pending = state.reach_through_endpoint(&client, &endpoint_id, &provider_side(true));
    let missing = pending.missing.expect("pending");
    assert_eq!(missing.component, endpoint_id);
    assert!(missing.detail.contains("pendingAcceptance") && missing.detail.contains("AcceptVpcEndpointConnections"), "{}", missing.detail);
    // Accepting: an unknown endpoint is reported unsuccessful, the consumer's becomes available.
    let accepted = call(&mut state, "ec2:AcceptVpcEndpointConnections", json!({ "ServiceId": service_id, "VpcEndpointIds": [endpoint_id, "vpce-0000000000000dead"] }));
    assert_eq!(accepted["Unsuccessful"], json!([{ "Error": { "Code": "InvalidVpcEndpointId.NotFound", "Message": "The Vpc Endpoint Id 'vpce-0000000000000dead' does not exist" }, "ResourceId": "vpce-0000000000000dead" }]));
    assert_eq!(call(&mut state, "ec2:DescribeVpcEndpoints", json!({ "VpcEndpointIds": [endpoint_id] }))["VpcEndpoints"][0]["State"], "available");
    assert_eq!(call(&mut state, "ec2:DescribeVpcEndpointConnections", json!({}))["VpcEndpointConnections"][0]["VpcEndpointState"], "available");
    let path = state.reach_through_endpoint(&client, &endpoint_id, &provider_side(true));
    assert!(path.complete(), "{path:?}");
    assert_eq!(path.to, "task 1234abcd");
    let components: Vec<&str> = path.hops.iter().map(|h| h.component.as_str()).collect();
    assert_eq!(components[0], subnet);
    assert!(components.contains(&endpoint_id.as_str()) && components.contains(&service_id.as_str()) && components.contains(&"load balancer orders-nlb") && components.contains(&"sg-orders"), "{components:?}");
    // The provider's target refuses the load balancer: the path names that hop.
    let blocked = state.reach_through_endpoint(&client, &endpoint_id, &provider_side(false));
    assert_eq!(blocked.missing.unwrap().component, "sg-orders");
    // The endpoint's group must let the client in on the listener port.
    let outsider = call(&mut state, "ec2:CreateSubnet", json!({ "VpcId": vpc, "CidrBlock": "10.1.2.0/24" }))["Subnet"]["SubnetId"].as_str().unwrap().to_string();
    state.security_groups.get_mut(&group).unwrap().ingress = vec![SgRule { protocol: "tcp".into(), from_port: 80, to_port: 80, cidr: Some("10.1.1.0/24".into()), group: None }];
    let refused = state.reach_through_endpoint(&Interface { name: "another client".into(), subnet_id: outsider, security_groups: vec![] }, &endpoint_id, &provider_side(true));
    assert!(refused.missing.unwrap().detail.contains("allow no inbound TCP 80 from another client (10.1.2.0/24)"));
    // The service lists itself; an endpoint service without acceptance makes available endpoints at once.
    let listed = call(&mut state, "ec2:DescribeVpcEndpointServiceConfigurations", json!({ "ServiceIds": [service_id] }))["ServiceConfigurations"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["NetworkLoadBalancerArns"], json!([NLB]));
}

#[test]
fn bad_endpoint_service_requests_are_refused_with_ec2_codes() {
    let mut state = VpcState::new();
    let (vpc, subnet, _) = consumer(&mut state);
    // Table: (call, input, code).
    let cases = [
        ("ec2:CreateVpcEndpointServiceConfiguration", json!({}), "MissingParameter"),
        ("ec2:CreateVpcEndpointServiceConfiguration", json!({ "NetworkLoadBalancerArns": ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"] }), "InvalidParameter"),
        ("ec2:AcceptVpcEndpointConnections", json!({ "ServiceId": "vpce-svc-00000000000000001", "VpcEndpointIds": ["vpce-1"] }), "InvalidVpcEndpointServiceId.NotFound"),
        ("ec2:AcceptVpcEndpointConnections", json!({ "VpcEndpointIds": ["vpce-1"] }), "MissingParameter"),
        ("ec2:DescribeVpcEndpointServiceConfigurations", json!({ "ServiceIds": ["vpce-svc-00000000000000001"] }), "InvalidVpcEndpointServiceId.NotFound"),
        ("ec2:CreateVpcEndpoint", json!({ "VpcId": vpc, "ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-00000000000000001", "VpcEndpointType": "Interface", "SubnetIds": [subnet] }), "InvalidServiceName"),
    ];
    for (name, input, code) in cases {
        assert_eq!(refuse(&mut state, name, input.clone()).code, code, "{name} {input}");
    }
    let service_name = call(&mut state, "ec2:CreateVpcEndpointServiceConfiguration", json!({ "NetworkLoadBalancerArns": [NLB], "AcceptanceRequired": false }))["ServiceConfiguration"]["ServiceName"].as_str().unwrap().to_string();
    assert_eq!(refuse(&mut state, "ec2:CreateVpcEndpointServiceConfiguration", json!({ "NetworkLoadBalancerArns": [NLB] })).code, "InvalidParameter", "a load balancer belongs to one service");
    assert_eq!(refuse(&mut state, "ec2:CreateVpcEndpoint", json!({ "VpcId": vpc, "ServiceName": service_name, "VpcEndpointType": "Gateway" })).code, "InvalidParameter");
    let open = call(&mut state, "ec2:CreateVpcEndpoint", json!({ "VpcId": vpc, "ServiceName": service_name, "VpcEndpointType": "Interface", "SubnetIds": [subnet] }));
    assert_eq!(open["VpcEndpoint"]["State"], "available", "no acceptance required");
    assert_eq!(state.endpoints.len(), 1, "refused calls change nothing");
}
