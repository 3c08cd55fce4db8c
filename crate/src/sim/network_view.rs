//! `NetworkView`: the VPC's routing as the app shows it (route tables with their routes and subnets,
//! internet and NAT gateways, VPC endpoints), the paths inside the VPC explained, and the troubleshooter's reports on the newest failed tasks.
//! Its lists hold what the scenario and the user's calls created (bounded by the recorded calls) and at most
//! [`super::troubleshoot::MAX_VIEW_TROUBLESHOOTING`] reports.

use crate::vpc::{RouteDestination, RouteTarget};

pub use super::netpaths::PrivateLinkView;

use super::engine::Sim;
use super::troubleshoot::TaskTroubleshooting;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteTableView {
    pub route_table_id: String,
    pub vpc_id: String,
    pub main: bool,
    pub subnet_ids: Vec<String>,
    /// Each route as `destination → target` (`0.0.0.0/0 → nat-...`).
    pub routes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayView {
    pub id: String,
    /// `internet gateway, attached to vpc-...`, `NAT gateway in subnet-..., available, 203.0.113.10`.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointView {
    pub vpc_endpoint_id: String,
    pub service_name: String,
    /// `Interface` or `Gateway`.
    pub endpoint_type: &'static str,
    /// Subnets (interface) or route tables (gateway).
    pub placed_in: Vec<String>,
}

/// The network part of the view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetworkView {
    /// Whether any VPC has its routing modelled; when none has, every path is assumed.
    pub routing_modelled: bool,
    pub public_subnets: Vec<String>,
    pub route_tables: Vec<RouteTableView>,
    pub gateways: Vec<GatewayView>,
    pub endpoints: Vec<EndpointView>,
    /// The troubleshooter's reports on the newest failed tasks, newest first.
    pub troubleshooting: Vec<TaskTroubleshooting>,
    /// Failed tasks the view leaves out of `troubleshooting`.
    pub n_troubleshooting_left_out: u64,
    /// The network's billed resources (NAT gateways, interface endpoints), beside compute.
    pub cost: Vec<crate::vpc::NetworkCostLine>,
    /// Paths inside the VPC, explained (load balancer to target, task to EFS, task to database), at most
    /// [`super::netpaths::MAX_VIEW_PATHS`]; empty when no VPC has its routing modelled.
    pub paths: Vec<crate::vpc::PeerPath>,
    /// Paths left out of `paths`.
    pub n_paths_left_out: u64,
    /// Interface endpoints to VPC endpoint services (AWS PrivateLink), with the path of a consumer's
    /// connection, at most [`super::netpaths::MAX_VIEW_PATHS`].
    pub privatelink: Vec<PrivateLinkView>,
}

impl Sim {
    pub(crate) fn network_view(&self) -> NetworkView {
        let vpc = &self.vpc;
        let now_ms = self.now.0;
        let route_tables = vpc
            .route_tables
            .values()
            .map(|t| RouteTableView {
                route_table_id: t.route_table_id.clone(),
                vpc_id: t.vpc_id.clone(),
                main: t.main,
                subnet_ids: t.associations.iter().map(|(_, s)| s.clone()).collect(),
                routes: t
                    .routes
                    .iter()
                    .map(|r| {
                        let destination = match &r.destination {
                            RouteDestination::Cidr(c) => c.clone(),
                            RouteDestination::PrefixList(pl) => pl.clone(),
                        };
                        let target = match &r.target {
                            RouteTarget::Local => "local".to_string(),
                            RouteTarget::InternetGateway(id) | RouteTarget::NatGateway(id) | RouteTarget::GatewayEndpoint(id) => id.clone(),
                        };
                        format!("{destination} → {target}")
                    })
                    .collect(),
            })
            .collect();
        let mut gateways: Vec<GatewayView> = vpc
            .internet_gateways
            .values()
            .map(|g| GatewayView {
                id: g.internet_gateway_id.clone(),
                detail: match &g.attached_vpc {
                    Some(v) => format!("internet gateway, attached to {v}"),
                    None => "internet gateway, not attached".to_string(),
                },
            })
            .collect();
        gateways.extend(vpc.nat_gateways.values().map(|n| GatewayView {
            id: n.nat_gateway_id.clone(),
            detail: format!(
                "NAT gateway in {}, {}, Elastic IP {}",
                n.subnet_id,
                n.state(now_ms).as_aws(),
                vpc.addresses.get(&n.allocation_id).map(|a| a.public_ip.clone()).unwrap_or_default()
            ),
        }));
        let endpoints = vpc
            .endpoints
            .values()
            .map(|e| EndpointView {
                vpc_endpoint_id: e.vpc_endpoint_id.clone(),
                service_name: e.service_name.clone(),
                endpoint_type: e.endpoint_type.as_aws(),
                placed_in: if e.endpoint_type == crate::vpc::EndpointType::Gateway { e.route_table_ids.clone() } else { e.subnet_ids.clone() },
            })
            .collect();
        let (troubleshooting, n_troubleshooting_left_out) = self.troubleshooting_view();
        let (paths, n_paths_left_out) = self.network_paths();
        NetworkView {
            routing_modelled: vpc.vpcs.values().any(|v| v.routing_modelled),
            public_subnets: vpc.subnets.values().filter(|s| s.map_public_ip_on_launch).map(|s| s.subnet_id.clone()).collect(),
            route_tables,
            gateways,
            endpoints,
            troubleshooting,
            n_troubleshooting_left_out,
            cost: self.network_cost_lines(),
            privatelink: self.privatelink_view(),
            paths,
            n_paths_left_out,
        }
    }
}
