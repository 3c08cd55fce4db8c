//! AWS PrivateLink: a VPC endpoint service offering Network Load Balancers
//! (`CreateVpcEndpointServiceConfiguration`, `DescribeVpcEndpointServiceConfigurations`), the interface
//! endpoints other VPCs make to it (`CreateVpcEndpoint` with `com.amazonaws.vpce.<region>.vpce-svc-...`),
//! which wait in `pendingAcceptance` until the owner accepts them (`AcceptVpcEndpointConnections`,
//! `DescribeVpcEndpointConnections`), and the path of a consumer's connection: its subnet, the endpoint's
//! network interface and security groups, PrivateLink, the provider's load balancer, then the load balancer's
//! path to its target (`paths.rs`).
//!
//! Shapes: botocore `ec2` 2016-11-15. The endpoint and connection states are written as EC2 answers them
//! (`pendingAcceptance`, `available`: the EC2 CLI reference examples), not as the model's enum capitalizes them.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult, Request};

use super::model::*;
use super::paths::{Interface, PeerPath, PeerPathKind};
use super::reach::Hop;
use super::state::FULL_ACCESS_POLICY;

/// The prefix of every VPC endpoint service name in a Region.
pub fn endpoint_service_prefix(region: &str) -> String {
    format!("com.amazonaws.vpce.{region}.")
}

fn hop(component: impl Into<String>, detail: impl Into<String>) -> Hop {
    Hop { component: component.into(), detail: detail.into() }
}

fn service_not_found(id: &str) -> ApiError {
    // [UNVERIFIED] wording; the code is EC2's for an unknown endpoint service id.
    ApiError::new("InvalidVpcEndpointServiceId.NotFound", format!("The Vpc Endpoint Service Id '{id}' does not exist"))
}

/// The provider's side of a PrivateLink path, as the engine knows it: the load balancer and its path to a
/// target (or none when no target is registered).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderSide {
    /// `load balancer orders-nlb`.
    pub load_balancer: String,
    pub listener_port: u16,
    /// The load balancer's path to one of its targets, when it has one.
    pub to_target: Option<PeerPath>,
}

impl VpcState {
    pub(crate) fn create_endpoint_service(&mut self, request: &Request<'_>, ctx: &VpcContext) -> ApiResult {
        let arns = request.strings("NetworkLoadBalancerArns");
        if arns.is_empty() {
            return Err(ApiError::new("MissingParameter", "The request must contain the parameter NetworkLoadBalancerArns"));
        }
        let mut zones: Vec<String> = Vec::new();
        for arn in &arns {
            let Some(nlb) = ctx.network_load_balancers.iter().find(|n| &n.arn == arn) else {
                // [UNVERIFIED] wording: EC2 refuses a load balancer it does not find, or one that is not a Network Load Balancer.
                return Err(ApiError::new("InvalidParameter", format!("Load balancer {arn} does not exist or is not a Network Load Balancer.")));
            };
            zones.extend(nlb.availability_zones.iter().cloned());
        }
        if let Some(taken) = self.endpoint_services.values().find(|s| s.network_load_balancer_arns.iter().any(|a| arns.contains(a))) {
            // [UNVERIFIED] wording: a load balancer belongs to one endpoint service.
            return Err(ApiError::new("InvalidParameter", format!("A load balancer of this request is already associated with the VPC endpoint service {}.", taken.service_id)));
        }
        zones.sort_unstable();
        zones.dedup();
        let service_id = self.next_id("vpce-svc");
        let service = EndpointService {
            service_name: format!("{}{service_id}", endpoint_service_prefix(&ctx.region)),
            service_id: service_id.clone(),
            network_load_balancer_arns: arns,
            acceptance_required: request.bool("AcceptanceRequired").unwrap_or(true),
            availability_zones: zones,
            created_at_ms: ctx.now_ms,
        };
        self.endpoint_services.insert(service_id.clone(), service);
        Ok(json!({ "ServiceConfiguration": self.endpoint_service_json(&service_id, ctx) }))
    }

    fn endpoint_service_json(&self, id: &str, ctx: &VpcContext) -> Value {
        let Some(s) = self.endpoint_services.get(id) else { return Value::Null };
        json!({
            "ServiceType": [{ "ServiceType": "Interface" }], "ServiceId": s.service_id, "ServiceName": s.service_name, "ServiceState": "Available",
            "AvailabilityZones": s.availability_zones, "AcceptanceRequired": s.acceptance_required, "ManagesVpcEndpoints": false,
            "NetworkLoadBalancerArns": s.network_load_balancer_arns,
            "BaseEndpointDnsNames": [format!("{}.{}.vpce.amazonaws.com", s.service_id, ctx.region)],
            "SupportedIpAddressTypes": ["ipv4"],
        })
    }

    pub(crate) fn describe_endpoint_services(&self, request: &Request<'_>, ctx: &VpcContext) -> ApiResult {
        let asked = request.strings("ServiceIds");
        for id in &asked {
            if !self.endpoint_services.contains_key(id) {
                return Err(service_not_found(id));
            }
        }
        let ids: Vec<&String> = self.endpoint_services.keys().filter(|k| asked.is_empty() || asked.contains(k)).collect();
        Ok(json!({ "ServiceConfigurations": ids.iter().map(|id| self.endpoint_service_json(id, ctx)).collect::<Vec<_>>() }))
    }

    pub(crate) fn accept_endpoint_connections(&mut self, request: &Request<'_>) -> ApiResult {
        let service_id = request.str("ServiceId").filter(|s| !s.is_empty()).ok_or_else(|| ApiError::new("MissingParameter", "The request must contain the parameter ServiceId"))?.to_string();
        if !self.endpoint_services.contains_key(&service_id) {
            return Err(service_not_found(&service_id));
        }
        let ids = request.strings("VpcEndpointIds");
        if ids.is_empty() {
            return Err(ApiError::new("MissingParameter", "The request must contain the parameter VpcEndpointIds"));
        }
        let mut unsuccessful = Vec::new();
        for id in ids {
            match self.endpoints.get_mut(&id).filter(|e| e.endpoint_service_id.as_deref() == Some(service_id.as_str())) {
                Some(endpoint) if endpoint.state == EndpointState::PendingAcceptance => endpoint.state = EndpointState::Available,
                Some(endpoint) => unsuccessful.push(json!({
                    // [UNVERIFIED] wording of the per-endpoint error.
                    "Error": { "Code": "InvalidState", "Message": format!("The VPC endpoint {id} is in the state {}, not pendingAcceptance.", endpoint.state.as_aws()) },
                    "ResourceId": id,
                })),
                None => unsuccessful.push(json!({
                    "Error": { "Code": "InvalidVpcEndpointId.NotFound", "Message": format!("The Vpc Endpoint Id '{id}' does not exist") },
                    "ResourceId": id,
                })),
            }
        }
        Ok(json!({ "Unsuccessful": unsuccessful }))
    }

    pub(crate) fn describe_endpoint_connections(&self, ctx: &VpcContext) -> ApiResult {
        let connections: Vec<Value> = self
            .endpoints
            .values()
            .filter_map(|e| {
                let service = self.endpoint_services.get(e.endpoint_service_id.as_ref()?)?;
                Some(json!({
                    "ServiceId": service.service_id, "VpcEndpointId": e.vpc_endpoint_id, "VpcEndpointOwner": ctx.account_id,
                    "VpcEndpointState": e.state.as_aws(), "NetworkLoadBalancerArns": service.network_load_balancer_arns, "IpAddressType": "ipv4",
                    "VpcEndpointRegion": ctx.region,
                }))
            })
            .collect();
        Ok(json!({ "VpcEndpointConnections": connections }))
    }

    /// `CreateVpcEndpoint` to a VPC endpoint service: an interface endpoint in the consumer's subnets, with
    /// its security groups (the VPC's default group when none is given), `pendingAcceptance` when the service
    /// requires acceptance.
    pub(crate) fn create_privatelink_endpoint(&mut self, request: &Request<'_>, ctx: &VpcContext, vpc_id: String, service_name: String) -> ApiResult {
        let service_id = service_name.strip_prefix(&endpoint_service_prefix(&ctx.region)).unwrap_or("").to_string();
        let Some(service) = self.endpoint_services.get(&service_id).cloned() else {
            return Err(ApiError::new("InvalidServiceName", format!("The Vpc Endpoint Service '{service_name}' does not exist")));
        };
        if request.str("VpcEndpointType") != Some("Interface") {
            // [UNVERIFIED] wording: a VPC endpoint service with Network Load Balancers takes interface endpoints.
            return Err(ApiError::new("InvalidParameter", format!("The VPC endpoint service {service_name} supports Interface endpoints only: set VpcEndpointType to Interface.")));
        }
        let subnet_ids = request.strings("SubnetIds");
        let mut security_group_ids = request.strings("SecurityGroupIds");
        for s in &subnet_ids {
            if !self.subnets.get(s).is_some_and(|sub| sub.vpc_id == vpc_id) {
                return Err(ApiError::new("InvalidSubnetID.NotFound", format!("The subnet ID '{s}' does not exist")));
            }
        }
        for g in &security_group_ids {
            if !self.security_groups.contains_key(g) {
                return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{g}' does not exist")));
            }
        }
        if security_group_ids.is_empty() {
            security_group_ids.extend(self.security_groups.values().find(|g| g.vpc_id == vpc_id && g.group_name == "default").map(|g| g.group_id.clone()));
        }
        let id = self.next_id("vpce");
        let state = if service.acceptance_required { EndpointState::PendingAcceptance } else { EndpointState::Available };
        self.endpoints.insert(
            id.clone(),
            VpcEndpoint {
                vpc_endpoint_id: id.clone(),
                vpc_id,
                service_name,
                short_name: service.service_id.clone(),
                endpoint_type: EndpointType::Interface,
                subnet_ids,
                security_group_ids,
                route_table_ids: Vec::new(),
                // A VPC endpoint service without a verified private DNS name is reached by the endpoint's own DNS names.
                private_dns_enabled: false,
                policy_document: FULL_ACCESS_POLICY.to_string(),
                created_at_ms: ctx.now_ms,
                state,
                endpoint_service_id: Some(service.service_id),
            },
        );
        Ok(json!({ "VpcEndpoint": self.endpoint_json(&id) }))
    }

    /// The path of a connection on `provider.listener_port` from `client` (in the consumer's VPC) through the
    /// interface endpoint `endpoint_id` to the provider's load balancer and on to its target.
    pub fn reach_through_endpoint(&self, client: &Interface, endpoint_id: &str, provider: &ProviderSide) -> PeerPath {
        let port = provider.listener_port;
        let mut out = PeerPath { from: client.name.clone(), to: provider.load_balancer.clone(), port, kind: PeerPathKind::Blocked, hops: Vec::new(), missing: None };
        let fail = |mut out: PeerPath, component: &str, detail: String| {
            out.missing = Some(hop(component, detail));
            out
        };
        let Some(endpoint) = self.endpoints.get(endpoint_id) else {
            return fail(out, endpoint_id, format!("The VPC endpoint {endpoint_id} does not exist."));
        };
        let client_cidr = self.subnet_cidr(&client.subnet_id);
        let az = self.subnets.get(&client.subnet_id).map(|s| s.availability_zone.clone()).unwrap_or_default();
        out.hops.push(hop(&client.subnet_id, format!("{} sends TCP {port} from {} ({az}, {client_cidr}) in {} to the endpoint's DNS name.", client.name, client.subnet_id, endpoint.vpc_id)));
        if self.subnets.get(&client.subnet_id).map(|s| &s.vpc_id) != Some(&endpoint.vpc_id) {
            return fail(out, &endpoint.vpc_endpoint_id, format!("The endpoint {} is in {}, not in the client's VPC.", endpoint.vpc_endpoint_id, endpoint.vpc_id));
        }
        if let Some(table) = self.route_table_of(&client.subnet_id) {
            let vpc_cidr = self.vpcs.get(&endpoint.vpc_id).map(|v| v.cidr_block.clone()).unwrap_or_default();
            out.hops.push(hop(&table.route_table_id, format!("Route table {} sends the endpoint's address (in {vpc_cidr}) to local.", table.route_table_id)));
        }
        let endpoint_cidr = endpoint.subnet_ids.first().map(|s| self.subnet_cidr(s)).unwrap_or_default();
        if !client.security_groups.is_empty() && !self.egress_allows(&client.security_groups, port, &endpoint_cidr, &endpoint.security_group_ids) {
            return fail(out, &client.security_groups.join(", "), format!("The security groups of {} ({}) allow no outbound TCP {port} to the endpoint {}.", client.name, client.security_groups.join(", "), endpoint.vpc_endpoint_id));
        }
        if !self.ingress_allows(&endpoint.security_group_ids, port, &client_cidr, &client.security_groups) {
            return fail(
                out,
                &endpoint.vpc_endpoint_id,
                format!("The endpoint {}'s security groups ({}) allow no inbound TCP {port} from {} ({client_cidr}).", endpoint.vpc_endpoint_id, endpoint.security_group_ids.join(", "), client.name),
            );
        }
        out.hops.push(hop(&endpoint.vpc_endpoint_id, format!("The interface endpoint {} in {} accepts TCP {port}: its security groups ({}) allow it.", endpoint.vpc_endpoint_id, endpoint.subnet_ids.join(", "), endpoint.security_group_ids.join(", "))));
        if endpoint.state != EndpointState::Available {
            let owner = endpoint.endpoint_service_id.clone().unwrap_or_default();
            return fail(out, &endpoint.vpc_endpoint_id, format!("The endpoint is {}: the owner of {owner} has not accepted the connection (AcceptVpcEndpointConnections).", endpoint.state.as_aws()));
        }
        out.hops.push(hop(endpoint.endpoint_service_id.clone().unwrap_or_default(), format!("AWS PrivateLink carries the connection to the endpoint service {}.", endpoint.service_name)));
        out.hops.push(hop(&provider.load_balancer, format!("The Network Load Balancer's listener on TCP {port} forwards to its target group ({}).", provider.load_balancer)));
        match &provider.to_target {
            None => fail(out, &provider.load_balancer, format!("{} has no registered target: nothing answers behind it.", provider.load_balancer)),
            Some(path) => {
                out.to = path.to.clone();
                out.hops.extend(path.hops.iter().skip(1).cloned());
                match &path.missing {
                    Some(missing) => {
                        out.missing = Some(missing.clone());
                        out
                    }
                    None => {
                        out.kind = PeerPathKind::Complete;
                        out
                    }
                }
            }
        }
    }
}
