//! The VPC: subnets, internet gateways, route tables, Elastic IP addresses, NAT gateways, security groups
//! and VPC endpoints, with the real EC2 calls; VPC endpoint services and their connections (AWS PrivateLink,
//! `privatelink.rs`); the path a task's traffic takes (`reach.rs`, explained hop by
//! hop as VPC Reachability Analyzer does; `paths.rs` for paths inside a VPC: load balancer to target, task to
//! EFS, task to task or database) and AWS's texts for a task whose start has no path (`failures.rs`).
//!
//! Wiring (for the engine): route every VPC call of the call table to [`VpcState::handle`]; build the
//! scenario's VPC with [`VpcState::from_network`]; ask [`VpcState::reach`] when a task starts.

mod api;
mod cost;
mod failures;
mod model;
mod paths;
mod privatelink;
mod reach;
mod spec;
mod state;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod paths_tests;
#[cfg(test)]
mod cost_tests;
#[cfg(test)]
mod privatelink_tests;

use serde_json::Value;

use crate::api::{ApiResult, Dialect, Request};

pub use cost::{per_gb_cost, NetworkCostLine, API_EXCHANGE_BYTES, BYTES_PER_GB, CROSS_AZ_MICRO_USD_PER_GB_EACH_WAY, IMAGE_LAYER_BYTES, REQUEST_BYTES, INTERFACE_ENDPOINT_MICRO_USD_PER_AZ_HOUR, INTERFACE_ENDPOINT_MICRO_USD_PER_GB, NAT_GATEWAY_MICRO_USD_PER_GB, NAT_GATEWAY_MICRO_USD_PER_HOUR};
pub use failures::{image_not_found_text, insufficient_addresses_text, DISK_FULL_TEXT, logs_failure, pull_failure, secret_failure, usable_addresses, NetworkFailure, NETWORK_TIMEOUT_MS, RESERVED_ADDRESSES_PER_SUBNET};
pub use model::*;
pub use paths::{Interface, PeerPath, PeerPathKind};
pub use privatelink::{endpoint_service_prefix, ProviderSide};
pub use reach::{is_ecr_image, pull_destinations, registry_of, service_title, Destination, Hop, PathKind, Reachability, Source, HTTPS_PORT};
pub use spec::{parse_routing, short_service_name, EndpointSpec, NatGatewaySpec, RouteSpec, RouteTableSpec, RoutingSpec};
pub use state::{prefix_list_id, GroupSeed, SubnetSeed, FULL_ACCESS_POLICY};

impl VpcState {
    /// Handles a VPC call. `None` when the call table does not route `call` here.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &VpcContext) -> Option<ApiResult> {
        if !crate::api::calls::handled_by(call, crate::api::calls::Handler::Vpc) {
            return None;
        }
        let request = Request::new(input, Dialect::Ecs);
        Some(match call {
            "ec2:CreateVpc" => self.create_vpc(&request, ctx),
            "ec2:CreateSubnet" => self.create_subnet(&request, ctx),
            "ec2:ModifySubnetAttribute" => self.modify_subnet_attribute(&request),
            "ec2:CreateInternetGateway" => self.create_internet_gateway(),
            "ec2:AttachInternetGateway" => self.attach_internet_gateway(&request),
            "ec2:CreateRouteTable" => self.create_route_table(&request, ctx),
            "ec2:CreateRoute" => self.create_route(&request),
            "ec2:AssociateRouteTable" => self.associate_route_table(&request),
            "ec2:AllocateAddress" => self.allocate_address(ctx),
            "ec2:CreateNatGateway" => self.create_nat_gateway(&request, ctx),
            "ec2:CreateSecurityGroup" => self.create_security_group(&request, ctx),
            "ec2:AuthorizeSecurityGroupIngress" => self.authorize(&request, false),
            "ec2:AuthorizeSecurityGroupEgress" => self.authorize(&request, true),
            "ec2:CreateVpcEndpoint" => self.create_vpc_endpoint(&request, ctx),
            "ec2:CreateVpcEndpointServiceConfiguration" => self.create_endpoint_service(&request, ctx),
            "ec2:AcceptVpcEndpointConnections" => self.accept_endpoint_connections(&request),
            "ec2:DescribeVpcEndpointServiceConfigurations" => self.describe_endpoint_services(&request, ctx),
            "ec2:DescribeVpcEndpointConnections" => self.describe_endpoint_connections(ctx),
            _ => self.describe(call, &request, ctx),
        })
    }
}
