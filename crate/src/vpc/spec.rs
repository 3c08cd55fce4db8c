//! The routing part of a scenario's `network` section: internet gateways, NAT gateways, route tables,
//! VPC endpoints, each subnet's `mapPublicIpOnLaunch` and each security group's `egress`.
//!
//! A `network` with none of `internetGateways`, `natGateways`, `routeTables` and `vpcEndpoints` leaves its
//! routing unmodelled: every path a task needs (registries, AWS services, the internet) is assumed to exist,
//! which is how every scenario behaved before routing was modelled.

use serde_json::Value;

use crate::taskdef::FieldError;

use super::model::{SgRule, GATEWAY_SERVICES, INTERFACE_SERVICES};

/// A route as a scenario writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    pub destination_cidr_block: String,
    /// `igw-...`, `local`, or none when the route goes to a NAT gateway.
    pub gateway_id: Option<String>,
    pub nat_gateway_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteTableSpec {
    pub route_table_id: String,
    pub main: bool,
    pub subnet_ids: Vec<String>,
    pub routes: Vec<RouteSpec>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatGatewaySpec {
    pub nat_gateway_id: String,
    pub subnet_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointSpec {
    /// The short name (`ecr.api`) or the full `com.amazonaws.<region>.ecr.api`.
    pub service_name: String,
    /// `Interface` or `Gateway`.
    pub gateway: bool,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub route_table_ids: Vec<String>,
}

/// The routing of the scenario's VPC.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RoutingSpec {
    /// Whether the section describes routing at all (see the module's documentation).
    pub modelled: bool,
    pub internet_gateway_ids: Vec<String>,
    pub nat_gateways: Vec<NatGatewaySpec>,
    pub route_tables: Vec<RouteTableSpec>,
    pub endpoints: Vec<EndpointSpec>,
    /// The subnets with `mapPublicIpOnLaunch: true`.
    pub public_subnets: Vec<String>,
    /// Security groups with an `egress` list: (group id, rules). Others allow all outbound traffic.
    pub egress: Vec<(String, Vec<SgRule>)>,
}

fn err(path: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError { path: path.into(), message: message.into() }
}

fn str_at<'a>(value: &'a Value, name: &str) -> &'a str {
    value.get(name).and_then(Value::as_str).unwrap_or("")
}

fn strings_at(value: &Value, name: &str) -> Vec<String> {
    value.get(name).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
}

/// Reads an array member, or reports that it is not one.
fn array_at<'a>(value: &'a Value, name: &str, errors: &mut Vec<FieldError>) -> &'a [Value] {
    match value.get(name) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.push(err(format!("network.{name}"), format!("network.{name} must be an array.")));
            &[]
        }
    }
}

/// Reads the routing members of a scenario's `network` object.
pub fn parse_routing(network: &Value, errors: &mut Vec<FieldError>) -> RoutingSpec {
    let modelled = ["internetGateways", "natGateways", "routeTables", "vpcEndpoints"].iter().any(|k| network.get(*k).is_some());
    let mut spec = RoutingSpec { modelled, ..Default::default() };
    for (idx, item) in array_at(network, "internetGateways", errors).iter().enumerate() {
        let id = str_at(item, "internetGatewayId");
        if !id.starts_with("igw-") {
            errors.push(err(format!("network.internetGateways[{idx}].internetGatewayId"), "internetGatewayId is required and starts with igw-."));
        }
        spec.internet_gateway_ids.push(id.to_string());
    }
    for (idx, item) in array_at(network, "natGateways", errors).iter().enumerate() {
        let path = format!("network.natGateways[{idx}]");
        let id = str_at(item, "natGatewayId");
        if !id.starts_with("nat-") {
            errors.push(err(format!("{path}.natGatewayId"), "natGatewayId is required and starts with nat-."));
        }
        let subnet_id = str_at(item, "subnetId");
        if subnet_id.is_empty() {
            errors.push(err(format!("{path}.subnetId"), "subnetId is required: a NAT gateway lives in a public subnet."));
        }
        spec.nat_gateways.push(NatGatewaySpec { nat_gateway_id: id.to_string(), subnet_id: subnet_id.to_string() });
    }
    for (idx, item) in array_at(network, "routeTables", errors).iter().enumerate() {
        let path = format!("network.routeTables[{idx}]");
        let id = str_at(item, "routeTableId");
        if !id.starts_with("rtb-") {
            errors.push(err(format!("{path}.routeTableId"), "routeTableId is required and starts with rtb-."));
        }
        let mut routes = Vec::new();
        for (route_idx, route) in item.get("routes").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let route_path = format!("{path}.routes[{route_idx}]");
            let destination = str_at(route, "destinationCidrBlock");
            if destination.is_empty() {
                errors.push(err(format!("{route_path}.destinationCidrBlock"), "destinationCidrBlock is required."));
            }
            let gateway_id = route.get("gatewayId").and_then(Value::as_str).map(str::to_string);
            let nat_gateway_id = route.get("natGatewayId").and_then(Value::as_str).map(str::to_string);
            if gateway_id.is_none() == nat_gateway_id.is_none() {
                errors.push(err(&route_path, "A route has exactly one target: gatewayId or natGatewayId."));
            }
            routes.push(RouteSpec { destination_cidr_block: destination.to_string(), gateway_id, nat_gateway_id });
        }
        spec.route_tables.push(RouteTableSpec {
            route_table_id: id.to_string(),
            main: item.get("main").and_then(Value::as_bool).unwrap_or(false),
            subnet_ids: strings_at(item, "subnetIds"),
            routes,
        });
    }
    for (idx, item) in array_at(network, "vpcEndpoints", errors).iter().enumerate() {
        let path = format!("network.vpcEndpoints[{idx}]");
        let service_name = str_at(item, "serviceName");
        let short = short_service_name(service_name);
        let gateway = match str_at(item, "vpcEndpointType") {
            "Gateway" => true,
            "" | "Interface" => false,
            other => {
                errors.push(err(format!("{path}.vpcEndpointType"), format!("vpcEndpointType '{other}' is not Interface or Gateway.")));
                false
            }
        };
        let known = if gateway { GATEWAY_SERVICES.contains(&short) } else { INTERFACE_SERVICES.contains(&short) };
        if !known {
            let kind = if gateway { "a gateway" } else { "an interface" };
            errors.push(err(format!("{path}.serviceName"), format!("'{service_name}' is not {kind} endpoint service the playground models.")));
        }
        spec.endpoints.push(EndpointSpec {
            service_name: service_name.to_string(),
            gateway,
            subnet_ids: strings_at(item, "subnetIds"),
            security_group_ids: strings_at(item, "securityGroupIds"),
            route_table_ids: strings_at(item, "routeTableIds"),
        });
    }
    for item in network.get("subnets").and_then(Value::as_array).into_iter().flatten() {
        if item.get("mapPublicIpOnLaunch").and_then(Value::as_bool) == Some(true) {
            spec.public_subnets.push(str_at(item, "subnetId").to_string());
        }
    }
    for (idx, group) in network.get("securityGroups").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let Some(rules) = group.get("egress").and_then(Value::as_array) else { continue };
        let mut egress = Vec::new();
        for (rule_idx, rule) in rules.iter().enumerate() {
            let path = format!("network.securityGroups[{idx}].egress[{rule_idx}]");
            let port = |name: &str, default: u16| rule.get(name).and_then(Value::as_u64).filter(|p| *p <= 65535).map_or(default, |p| p as u16);
            let cidr = rule.get("cidr").and_then(Value::as_str).map(str::to_string);
            let group = rule.get("destinationGroupId").and_then(Value::as_str).map(str::to_string);
            if cidr.is_none() && group.is_none() {
                errors.push(err(&path, "An egress rule needs a cidr or a destinationGroupId."));
            }
            egress.push(SgRule { protocol: rule.get("protocol").and_then(Value::as_str).unwrap_or("tcp").to_string(), from_port: port("fromPort", 0), to_port: port("toPort", 65535), cidr, group });
        }
        spec.egress.push((str_at(group, "groupId").to_string(), egress));
    }
    spec
}

/// `com.amazonaws.us-east-1.ecr.api` → `ecr.api`; a short name is returned as it is.
pub fn short_service_name(name: &str) -> &str {
    match name.strip_prefix("com.amazonaws.") {
        // The Region is the part up to the next dot.
        Some(rest) => rest.split_once('.').map_or(rest, |(_, short)| short),
        None => name,
    }
}
