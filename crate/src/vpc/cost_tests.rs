//! Table tests of the network's cost: per hour begun, per GB processed, and across Availability Zones.
//! Rates: Amazon VPC pricing (NAT gateway $0.045 per hour and per GB), AWS PrivateLink pricing (interface
//! endpoint $0.01 per AZ-hour and per GB, first tier), EC2 data transfer ($0.01 per GB in each direction
//! between Availability Zones), us-east-1, the price list of 2026-06-01.

use super::*;

fn spec(nat_subnet: &str) -> RoutingSpec {
    RoutingSpec {
        modelled: true,
        internet_gateway_ids: vec!["igw-main".into()],
        nat_gateways: vec![NatGatewaySpec { nat_gateway_id: "nat-a".into(), subnet_id: nat_subnet.into() }],
        route_tables: vec![
            RouteTableSpec { route_table_id: "rtb-public".into(), main: false, subnet_ids: vec!["subnet-public-a".into()], routes: vec![RouteSpec { destination_cidr_block: "0.0.0.0/0".into(), gateway_id: Some("igw-main".into()), nat_gateway_id: None }] },
            RouteTableSpec { route_table_id: "rtb-private".into(), main: true, subnet_ids: vec![], routes: vec![RouteSpec { destination_cidr_block: "0.0.0.0/0".into(), gateway_id: None, nat_gateway_id: Some("nat-a".into()) }] },
        ],
        endpoints: vec![EndpointSpec { service_name: "logs".into(), gateway: false, subnet_ids: vec!["subnet-private-a".into()], security_group_ids: vec!["sg-task".into()], route_table_ids: vec![] }],
        ..Default::default()
    }
}

fn state() -> VpcState {
    let subnets = [
        SubnetSeed { subnet_id: "subnet-public-a", availability_zone: "us-east-1a", cidr_block: "10.0.0.0/24" },
        SubnetSeed { subnet_id: "subnet-private-a", availability_zone: "us-east-1a", cidr_block: "10.0.10.0/24" },
        SubnetSeed { subnet_id: "subnet-private-b", availability_zone: "us-east-1b", cidr_block: "10.0.11.0/24" },
    ];
    let all_443 = vec![SgRule { protocol: "tcp".into(), from_port: 443, to_port: 443, cidr: Some("10.0.0.0/16".into()), group: None }];
    let groups = [GroupSeed { group_id: "sg-task", ingress: all_443 }];
    VpcState::from_network("vpc-main", "10.0.0.0/16", &subnets, &groups, &spec("subnet-public-a"), "us-east-1")
}

fn task(subnet: &str) -> Source {
    Source { subnet_id: subnet.into(), public_ip: false, security_groups: vec!["sg-task".into()], name: "task 1234abcd".into() }
}

#[test]
fn per_gb_rates_bill_binary_gigabytes_rounded_down() {
    // Table: (bytes, micro-dollars per GB, micro-dollars).
    let cases = [(BYTES_PER_GB, 45_000, 45_000), (BYTES_PER_GB / 2, 10_000, 5_000), (0, 45_000, 0), (1, 45_000, 0), (3 * BYTES_PER_GB, 20_000, 60_000)];
    for (bytes, rate, want) in cases {
        assert_eq!(per_gb_cost(bytes, rate), want, "{bytes} bytes at {rate}");
    }
}

#[test]
fn nat_gateway_bytes_are_processed_and_cross_zones_from_another_az() {
    let mut vpc = state();
    let layers = Destination::service("s3");
    for subnet in ["subnet-private-a", "subnet-private-b"] {
        let reach = vpc.reach(&task(subnet), &layers, "us-east-1", 0);
        assert_eq!(reach.kind, PathKind::NatGateway);
        vpc.record_traffic(&task(subnet), &reach, BYTES_PER_GB);
    }
    assert_eq!(vpc.traffic.bytes_by_component.get("nat-a"), Some(&(2 * BYTES_PER_GB)));
    assert_eq!(vpc.traffic.cross_az_bytes, BYTES_PER_GB, "only the task in us-east-1b crosses to the NAT gateway in us-east-1a");
    let lines = vpc.network_cost(30 * 60_000);
    let nat = &lines[0];
    assert!(nat.name.starts_with("nat-a (NAT gateway"));
    assert_eq!(nat.bytes, 2 * BYTES_PER_GB);
    assert_eq!(nat.to_date_micro_usd, 45_000 + 2 * 45_000, "one hour begun and 2 GB processed");
    let cross = lines.last().unwrap();
    assert!(cross.name.starts_with("Data transfer between Availability Zones"));
    assert_eq!(cross.to_date_micro_usd, 20_000, "1 GB out of one zone and into the other");
    assert_eq!(cross.per_hour_micro_usd, 0);
}

#[test]
fn interface_endpoint_bytes_are_billed_per_gb_and_an_internet_path_bills_nothing_here() {
    let mut vpc = state();
    let logs = Destination::service("logs");
    let reach = vpc.reach(&task("subnet-private-b"), &logs, "us-east-1", 0);
    assert_eq!(reach.kind, PathKind::InterfaceEndpoint);
    vpc.record_traffic(&task("subnet-private-b"), &reach, BYTES_PER_GB);
    let endpoint = vpc.endpoints.values().next().unwrap().vpc_endpoint_id.clone();
    assert_eq!(vpc.traffic.bytes_by_component.get(&endpoint), Some(&BYTES_PER_GB));
    assert_eq!(vpc.traffic.cross_az_bytes, BYTES_PER_GB, "the endpoint has no network interface in us-east-1b");
    let line = vpc.network_cost(0).into_iter().find(|l| l.name.starts_with(&endpoint)).unwrap();
    assert_eq!(line.to_date_micro_usd, 10_000 + 10_000, "one AZ-hour begun and 1 GB");
    // A path through an internet gateway is not billed by this ledger.
    let mut public = state();
    let source = Source { subnet_id: "subnet-public-a".into(), public_ip: true, security_groups: vec!["sg-task".into()], name: "task".into() };
    let reach = public.reach(&source, &Destination::Internet("registry-1.docker.io".into()), "us-east-1", 0);
    assert_eq!(reach.kind, PathKind::InternetGateway);
    public.record_traffic(&source, &reach, BYTES_PER_GB);
    assert!(public.traffic.bytes_by_component.is_empty() && public.traffic.cross_az_bytes == 0);
}
