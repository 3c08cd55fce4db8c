//! Table tests of paths inside a VPC: route resolution by the local route, security-group evaluation with
//! CIDR and group references, egress, and the hop each explanation names as missing.
//!
//! Sources: Amazon VPC User Guide, "Security group rules" (a rule's source is a CIDR block or a security
//! group; security groups are stateful; a new group allows all outbound traffic) and "Route tables" (the
//! local route carries traffic within the VPC); Amazon EFS User Guide, "Using VPC security groups" (the
//! mount target's group allows inbound TCP 2049 from the client, the client's group allows outbound 2049);
//! Elastic Load Balancing, "Target security groups" (the target's group allows the load balancer's group on
//! the target port and the health check port).

use serde_json::{json, Value};

use super::*;

fn ctx() -> VpcContext {
    VpcContext { region: "us-east-1".into(), account_id: "123456789012".into(), now_ms: 0, network_load_balancers: vec![] }
}

fn call(state: &mut VpcState, name: &str, input: Value) -> Value {
    state.handle(name, &input, &ctx()).expect("routed here").unwrap_or_else(|e| panic!("{name}: {e}"))
}

struct Net {
    state: VpcState,
    vpc: String,
    subnet_a: String,
    subnet_b: String,
}

fn group(net: &mut Net, name: &str) -> String {
    let vpc = net.vpc.clone();
    call(&mut net.state, "ec2:CreateSecurityGroup", json!({ "GroupName": name, "Description": name, "VpcId": vpc }))["GroupId"].as_str().unwrap().to_string()
}

fn allow_in(net: &mut Net, group: &str, port: u16, cidr: Option<&str>, peer: Option<&str>) {
    let mut permission = json!({ "IpProtocol": "tcp", "FromPort": port, "ToPort": port });
    if let Some(c) = cidr {
        permission["IpRanges"] = json!([{ "CidrIp": c }]);
    }
    if let Some(p) = peer {
        permission["UserIdGroupPairs"] = json!([{ "GroupId": p }]);
    }
    call(&mut net.state, "ec2:AuthorizeSecurityGroupIngress", json!({ "GroupId": group, "IpPermissions": [permission] }));
}

fn build() -> Net {
    let mut state = VpcState::new();
    let vpc = call(&mut state, "ec2:CreateVpc", json!({ "CidrBlock": "10.0.0.0/16" }))["Vpc"]["VpcId"].as_str().unwrap().to_string();
    let subnet = |state: &mut VpcState, cidr: &str, az: &str| call(state, "ec2:CreateSubnet", json!({ "VpcId": vpc, "CidrBlock": cidr, "AvailabilityZone": az }))["Subnet"]["SubnetId"].as_str().unwrap().to_string();
    let subnet_a = subnet(&mut state, "10.0.1.0/24", "us-east-1a");
    let subnet_b = subnet(&mut state, "10.0.2.0/24", "us-east-1b");
    Net { state, vpc, subnet_a, subnet_b }
}

fn interface(name: &str, subnet: &str, groups: &[&str]) -> Interface {
    Interface { name: name.into(), subnet_id: subnet.into(), security_groups: groups.iter().map(|g| g.to_string()).collect() }
}

#[test]
fn a_target_group_reference_or_a_cidr_lets_the_load_balancer_reach_the_target_port() {
    let mut net = build();
    let (alb, by_group, by_cidr, wrong_port, other_cidr) = (group(&mut net, "alb"), group(&mut net, "t1"), group(&mut net, "t2"), group(&mut net, "t3"), group(&mut net, "t4"));
    allow_in(&mut net, &by_group, 8080, None, Some(&alb));
    allow_in(&mut net, &by_cidr, 8080, Some("10.0.0.0/16"), None);
    allow_in(&mut net, &wrong_port, 80, None, Some(&alb));
    allow_in(&mut net, &other_cidr, 8080, Some("192.168.0.0/16"), None);
    let lb = interface("load balancer web", &net.subnet_a, &[&alb]);
    // Table: (target group, complete, the missing hop's component).
    let cases = [(&by_group, true, None), (&by_cidr, true, None), (&wrong_port, false, Some(&wrong_port)), (&other_cidr, false, Some(&other_cidr))];
    for (target_group, complete, missing) in cases {
        let target = interface("task 1234abcd", &net.subnet_b, &[target_group]);
        let path = net.state.reach_peer(&lb, &target, 8080);
        assert_eq!(path.complete(), complete, "{target_group}: {path:?}");
        assert_eq!(path.missing.as_ref().map(|m| &m.component), missing, "{target_group}");
        if complete {
            assert_eq!(path.kind, PeerPathKind::Complete);
            assert!(path.hops.iter().any(|h| h.detail.contains("sends 10.0.2.0/24 (in 10.0.0.0/16) to local")), "the local route is a hop: {:?}", path.hops);
            assert_eq!(path.hops.len(), 5, "subnet, route table, egress, ingress, target");
        } else {
            assert!(path.missing.unwrap().detail.contains("allow no inbound TCP 8080 from load balancer web"));
        }
    }
}

#[test]
fn a_load_balancer_without_security_groups_is_matched_by_its_subnet_cidr() {
    let mut net = build();
    let (wide, narrow) = (group(&mut net, "wide"), group(&mut net, "narrow"));
    allow_in(&mut net, &wide, 80, Some("10.0.1.0/24"), None);
    // A /28 inside the load balancer's subnet does not contain the whole subnet: not matched.
    allow_in(&mut net, &narrow, 80, Some("10.0.1.0/28"), None);
    let nlb = interface("load balancer api-nlb", &net.subnet_a, &[]);
    assert!(net.state.reach_peer(&nlb, &interface("task a", &net.subnet_b, &[&wide]), 80).complete());
    let blocked = net.state.reach_peer(&nlb, &interface("task b", &net.subnet_b, &[&narrow]), 80);
    assert!(!blocked.complete());
    assert!(blocked.missing.unwrap().detail.contains("from load balancer api-nlb (10.0.1.0/24)"));
}

#[test]
fn egress_rules_decide_before_the_peer_ingress() {
    let mut net = build();
    let (task, db) = (group(&mut net, "task"), group(&mut net, "db"));
    allow_in(&mut net, &db, 5432, None, Some(&task));
    let from = interface("task 1234abcd", &net.subnet_a, &[&task]);
    let to = interface("database orders", &net.subnet_b, &[&db]);
    // A new group allows all outbound traffic: the path is complete.
    assert!(net.state.reach_peer(&from, &to, 5432).complete());
    // With only an egress rule to 443, 5432 is not allowed out.
    net.state.security_groups.get_mut(&task).unwrap().egress = vec![SgRule { protocol: "tcp".into(), from_port: 443, to_port: 443, cidr: Some("0.0.0.0/0".into()), group: None }];
    let blocked = net.state.reach_peer(&from, &to, 5432);
    assert_eq!(blocked.missing.as_ref().unwrap().component, task);
    assert!(blocked.missing.unwrap().detail.contains("allow no outbound TCP 5432"));
    // An egress rule naming the database's group lets it out again.
    net.state.security_groups.get_mut(&task).unwrap().egress.push(SgRule { protocol: "tcp".into(), from_port: 5432, to_port: 5432, cidr: None, group: Some(db.clone()) });
    assert!(net.state.reach_peer(&from, &to, 5432).complete());
    // The database does not allow other ports from the task.
    assert!(!net.state.reach_peer(&from, &to, 3306).complete());
}

#[test]
fn task_to_task_and_nfs_follow_group_references() {
    let mut net = build();
    let (web, api, efs) = (group(&mut net, "web"), group(&mut net, "api"), group(&mut net, "efs"));
    allow_in(&mut net, &api, 9000, None, Some(&web));
    allow_in(&mut net, &efs, 2049, Some("10.0.1.0/24"), None);
    let web_task = interface("task web", &net.subnet_a, &[&web]);
    let api_task = interface("task api", &net.subnet_b, &[&api]);
    let mount_target = interface("mount target fsmt-1", &net.subnet_a, &[&efs]);
    assert!(net.state.reach_peer(&web_task, &api_task, 9000).complete());
    assert!(!net.state.reach_peer(&api_task, &web_task, 9000).complete(), "the reference is one way");
    assert!(net.state.reach_peer(&web_task, &mount_target, 2049).complete(), "10.0.1.0/24 is the web task's subnet");
    let blocked = net.state.reach_peer(&api_task, &mount_target, 2049);
    assert_eq!(blocked.missing.unwrap().component, efs, "the api task's subnet 10.0.2.0/24 is not allowed on 2049");
}

#[test]
fn another_vpc_has_no_route_and_an_unmodelled_vpc_assumes_the_path() {
    let mut net = build();
    let other_vpc = call(&mut net.state, "ec2:CreateVpc", json!({ "CidrBlock": "10.1.0.0/16" }))["Vpc"]["VpcId"].as_str().unwrap().to_string();
    let other = call(&mut net.state, "ec2:CreateSubnet", json!({ "VpcId": other_vpc, "CidrBlock": "10.1.1.0/24" }))["Subnet"]["SubnetId"].as_str().unwrap().to_string();
    let path = net.state.reach_peer(&interface("client", &other, &[]), &interface("task", &net.subnet_a, &[]), 80);
    assert_eq!(path.missing.as_ref().unwrap().component, net.vpc);
    assert!(path.missing.unwrap().detail.contains("no route joins them"));
    // A scenario's VPC without routing: the path is assumed and complete.
    let seed = [SubnetSeed { subnet_id: "subnet-a", availability_zone: "us-east-1a", cidr_block: "10.0.1.0/24" }];
    let groups = [GroupSeed { group_id: "sg-closed", ingress: vec![] }];
    let plain = VpcState::from_network("vpc-main", "10.0.0.0/16", &seed, &groups, &RoutingSpec::default(), "us-east-1");
    let assumed = plain.reach_peer(&interface("lb", "subnet-a", &[]), &interface("task", "subnet-a", &["sg-closed"]), 80);
    assert_eq!(assumed.kind, PeerPathKind::Assumed);
    assert!(assumed.complete());
}
