//! The VPC state built from a scenario's `network`, and the lookups every path decision uses: a subnet's
//! route table, a table's route for a destination, a group's rules.

use crate::ids::long_id;

use super::model::*;
use super::spec::{short_service_name, RoutingSpec};

/// A subnet as the scenario's `network` gives it: id, Availability Zone, CIDR block.
pub struct SubnetSeed<'a> {
    pub subnet_id: &'a str,
    pub availability_zone: &'a str,
    pub cidr_block: &'a str,
}

/// A security group as the scenario's `network` gives it: id and inbound rules.
pub struct GroupSeed<'a> {
    pub group_id: &'a str,
    pub ingress: Vec<SgRule>,
}

/// The prefix list id of a gateway endpoint service in a Region (a fixed, deterministic id per service).
pub fn prefix_list_id(region: &str, short_name: &str) -> String {
    let full = format!("com.amazonaws.{region}.{short_name}");
    long_id("pl", crate::hash::fnv1a(full.as_bytes(), crate::hash::FNV_OFFSET_BASIS))[..11].to_string()
}

impl VpcState {
    pub fn new() -> VpcState {
        VpcState::default()
    }

    /// The next id of a kind (`vpc`, `subnet`, `igw`, `rtb`, ...): the long form, 17 hex digits.
    pub(crate) fn next_id(&mut self, prefix: &str) -> String {
        self.id_counter += 1;
        long_id(prefix, self.id_counter)
    }

    /// The scenario's VPC: its subnets and groups, and the routing its `network` describes.
    pub fn from_network(vpc_id: &str, cidr_block: &str, subnets: &[SubnetSeed<'_>], groups: &[GroupSeed<'_>], routing: &RoutingSpec, region: &str) -> VpcState {
        let mut state = VpcState::new();
        state.vpcs.insert(vpc_id.to_string(), Vpc { vpc_id: vpc_id.to_string(), cidr_block: cidr_block.to_string(), routing_modelled: routing.modelled });
        for s in subnets {
            state.subnets.insert(
                s.subnet_id.to_string(),
                Subnet {
                    subnet_id: s.subnet_id.to_string(),
                    vpc_id: vpc_id.to_string(),
                    availability_zone: s.availability_zone.to_string(),
                    cidr_block: s.cidr_block.to_string(),
                    map_public_ip_on_launch: routing.public_subnets.iter().any(|p| p == s.subnet_id),
                },
            );
        }
        for g in groups {
            let egress = routing.egress.iter().find(|(id, _)| id == g.group_id).map_or_else(|| vec![SgRule::allow_all_out()], |(_, rules)| rules.clone());
            state.security_groups.insert(
                g.group_id.to_string(),
                SecurityGroup {
                    group_id: g.group_id.to_string(),
                    group_name: g.group_id.to_string(),
                    description: String::new(),
                    vpc_id: vpc_id.to_string(),
                    ingress: g.ingress.clone(),
                    egress,
                },
            );
        }
        for id in &routing.internet_gateway_ids {
            state.internet_gateways.insert(id.clone(), InternetGateway { internet_gateway_id: id.clone(), attached_vpc: Some(vpc_id.to_string()) });
        }
        for (idx, nat) in routing.nat_gateways.iter().enumerate() {
            // A scenario's NAT gateway exists before the run starts: available at time zero.
            let allocation_id = format!("eipalloc-{}", &nat.nat_gateway_id.trim_start_matches("nat-"));
            let public_ip = format!("203.0.113.{}", 10 + idx % 240);
            state.addresses.insert(allocation_id.clone(), Address { allocation_id: allocation_id.clone(), public_ip, nat_gateway_id: Some(nat.nat_gateway_id.clone()) });
            state.nat_gateways.insert(
                nat.nat_gateway_id.clone(),
                NatGateway {
                    nat_gateway_id: nat.nat_gateway_id.clone(),
                    vpc_id: vpc_id.to_string(),
                    subnet_id: nat.subnet_id.clone(),
                    allocation_id,
                    created_at_ms: 0,
                    available_at_ms: 0,
                },
            );
        }
        if routing.modelled {
            let any_main = routing.route_tables.iter().any(|t| t.main);
            if !any_main {
                // Every VPC has a main route table; when the scenario names none, it has only the local route.
                state.route_tables.insert(format!("rtb-main-{vpc_id}"), RouteTable::new_local(&format!("rtb-main-{vpc_id}"), vpc_id, cidr_block, true));
            }
            for (idx, t) in routing.route_tables.iter().enumerate() {
                let mut table = RouteTable::new_local(&t.route_table_id, vpc_id, cidr_block, t.main);
                for r in &t.routes {
                    let target = match (&r.gateway_id, &r.nat_gateway_id) {
                        (Some(g), _) if g == "local" => RouteTarget::Local,
                        (Some(g), _) => RouteTarget::InternetGateway(g.clone()),
                        (None, Some(n)) => RouteTarget::NatGateway(n.clone()),
                        (None, None) => continue,
                    };
                    table.routes.push(Route { destination: RouteDestination::Cidr(r.destination_cidr_block.clone()), target });
                }
                for (n, subnet) in t.subnet_ids.iter().enumerate() {
                    table.associations.push((format!("rtbassoc-{idx:03}{n:03}{}", &t.route_table_id.trim_start_matches("rtb-")), subnet.clone()));
                }
                state.route_tables.insert(t.route_table_id.clone(), table);
            }
        }
        for (idx, e) in routing.endpoints.iter().enumerate() {
            let short = short_service_name(&e.service_name).to_string();
            let id = format!("vpce-{:017x}", 0xe000_0000u64 + idx as u64);
            let endpoint_type = if e.gateway { EndpointType::Gateway } else { EndpointType::Interface };
            state.add_endpoint(VpcEndpoint {
                vpc_endpoint_id: id,
                vpc_id: vpc_id.to_string(),
                service_name: format!("com.amazonaws.{region}.{short}"),
                short_name: short,
                endpoint_type,
                subnet_ids: e.subnet_ids.clone(),
                security_group_ids: e.security_group_ids.clone(),
                route_table_ids: e.route_table_ids.clone(),
                private_dns_enabled: !e.gateway,
                policy_document: FULL_ACCESS_POLICY.to_string(),
                created_at_ms: 0,
                state: EndpointState::Available,
                endpoint_service_id: None,
            }, region);
        }
        state
    }

    /// Adds an endpoint; a gateway endpoint adds its prefix-list route to each of its route tables.
    pub(crate) fn add_endpoint(&mut self, endpoint: VpcEndpoint, region: &str) {
        if endpoint.endpoint_type == EndpointType::Gateway {
            let prefix_list = prefix_list_id(region, &endpoint.short_name);
            for table_id in &endpoint.route_table_ids {
                if let Some(table) = self.route_tables.get_mut(table_id) {
                    table.routes.push(Route { destination: RouteDestination::PrefixList(prefix_list.clone()), target: RouteTarget::GatewayEndpoint(endpoint.vpc_endpoint_id.clone()) });
                }
            }
        }
        self.endpoints.insert(endpoint.vpc_endpoint_id.clone(), endpoint);
    }

    /// Whether `vpc_id`'s routing is modelled (a VPC this state does not know is not).
    pub fn routing_modelled(&self, vpc_id: &str) -> bool {
        self.vpcs.get(vpc_id).is_some_and(|v| v.routing_modelled)
    }

    /// The route table of a subnet: its explicit association, else its VPC's main table.
    pub fn route_table_of(&self, subnet_id: &str) -> Option<&RouteTable> {
        let vpc = &self.subnets.get(subnet_id)?.vpc_id;
        self.route_tables
            .values()
            .find(|t| t.associations.iter().any(|(_, s)| s == subnet_id))
            .or_else(|| self.route_tables.values().find(|t| t.main && &t.vpc_id == vpc))
    }

    /// The route of a table for `0.0.0.0/0` (the default route), if any.
    pub fn default_route(table: &RouteTable) -> Option<&Route> {
        table.routes.iter().find(|r| r.destination == RouteDestination::Cidr("0.0.0.0/0".into()))
    }
}

impl RouteTable {
    /// A table with only its VPC's local route.
    pub fn new_local(id: &str, vpc_id: &str, cidr_block: &str, main: bool) -> RouteTable {
        RouteTable {
            route_table_id: id.to_string(),
            vpc_id: vpc_id.to_string(),
            main,
            routes: vec![Route { destination: RouteDestination::Cidr(cidr_block.to_string()), target: RouteTarget::Local }],
            associations: Vec::new(),
        }
    }
}

/// The endpoint policy AWS attaches when none is given: full access.
pub const FULL_ACCESS_POLICY: &str = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
