//! Path decisions, as VPC Reachability Analyzer explains them: from a task's network interface to an AWS
//! service or the internet, through a VPC endpoint, a gateway endpoint's route, a NAT gateway, or a public IP
//! and an internet gateway; the hops taken, or the first hop that is missing.
//!
//! The order follows DNS and routing: an interface endpoint with private DNS answers its service's name
//! inside the VPC, so that service's traffic goes to the endpoint or nowhere; otherwise the subnet's route
//! table decides (the most specific route: a gateway endpoint's prefix list before `0.0.0.0/0`).

use super::model::*;

/// HTTPS, the port of every AWS API and registry call.
pub const HTTPS_PORT: u16 = 443;

/// Where a task's traffic goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// An AWS service by its endpoint short name (`ecr.api`, `ecr.dkr`, `s3`, `logs`, `secretsmanager`, ...).
    Service(String),
    /// A host on the internet (a public registry such as Docker Hub).
    Internet(String),
}

impl Destination {
    pub fn service(short: &str) -> Destination {
        Destination::Service(short.to_string())
    }

    /// What the explanation calls it.
    pub fn describe(&self, region: &str) -> String {
        match self {
            Destination::Service(s) => format!("{} (com.amazonaws.{region}.{s})", service_title(s)),
            Destination::Internet(host) => format!("{host} on the internet"),
        }
    }
}

/// The AWS service behind an endpoint short name.
pub fn service_title(short: &str) -> &'static str {
    match short {
        "ecr.api" => "Amazon ECR API",
        "ecr.dkr" => "Amazon ECR Docker registry",
        "s3" => "Amazon S3",
        "logs" => "CloudWatch Logs",
        "secretsmanager" => "Secrets Manager",
        "ssm" => "Systems Manager",
        "ecs" => "Amazon ECS",
        "sts" => "AWS STS",
        "dynamodb" => "DynamoDB",
        _ => "AWS service",
    }
}

/// Where a task sends from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The subnet of the task's network interface (or of its instance's).
    pub subnet_id: String,
    /// Whether the interface has a public IPv4 address (`assignPublicIp` ENABLED, or an instance's public IP).
    pub public_ip: bool,
    pub security_groups: Vec<String>,
    /// What the explanation calls it (`task 1a2b3c4d`).
    pub name: String,
}

/// How a path leaves the task's subnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    /// The VPC's routing is not modelled: the path is assumed to exist.
    Assumed,
    InterfaceEndpoint,
    GatewayEndpoint,
    InternetGateway,
    NatGateway,
    /// No path: see `missing`.
    NoPath,
}

/// One hop of a path: the component (an id) and what it does there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub component: String,
    pub detail: String,
}

fn hop(component: impl Into<String>, detail: impl Into<String>) -> Hop {
    Hop { component: component.into(), detail: detail.into() }
}

/// A reachability explanation: the hops taken and, when the path is broken, the hop that is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reachability {
    pub destination: Destination,
    pub kind: PathKind,
    pub hops: Vec<Hop>,
    pub missing: Option<Hop>,
}

impl Reachability {
    pub fn complete(&self) -> bool {
        self.missing.is_none()
    }
}

fn cidr_contains(outer: &str, inner: &str) -> bool {
    crate::efs::cidr_contains(outer, inner)
}

impl VpcState {
    /// Whether one of `groups` allows outbound TCP `port` to a peer: a CIDR containing `peer_cidr`, or one of
    /// `peer_groups`.
    pub fn egress_allows(&self, groups: &[String], port: u16, peer_cidr: &str, peer_groups: &[String]) -> bool {
        groups.iter().filter_map(|g| self.security_groups.get(g)).any(|g| {
            g.egress.iter().any(|r| {
                r.covers_tcp(port) && (r.cidr.as_deref().is_some_and(|c| cidr_contains(c, peer_cidr)) || r.group.as_ref().is_some_and(|p| peer_groups.contains(p)))
            })
        })
    }

    /// Whether one of `groups` allows inbound TCP `port` from a peer: a CIDR containing `peer_cidr`, or one of
    /// `peer_groups`.
    pub fn ingress_allows(&self, groups: &[String], port: u16, peer_cidr: &str, peer_groups: &[String]) -> bool {
        groups.iter().filter_map(|g| self.security_groups.get(g)).any(|g| {
            g.ingress.iter().any(|r| {
                r.covers_tcp(port) && (r.cidr.as_deref().is_some_and(|c| cidr_contains(c, peer_cidr)) || r.group.as_ref().is_some_and(|p| peer_groups.contains(p)))
            })
        })
    }

    /// The path from `source` to `destination` at `now_ms` (a NAT gateway is usable once `available`).
    pub fn reach(&self, source: &Source, destination: &Destination, region: &str, now_ms: u64) -> Reachability {
        let mut out = Reachability { destination: destination.clone(), kind: PathKind::NoPath, hops: Vec::new(), missing: None };
        let what = destination.describe(region);
        let Some(subnet) = self.subnets.get(&source.subnet_id).filter(|s| self.routing_modelled(&s.vpc_id)) else {
            out.kind = PathKind::Assumed;
            out.hops.push(hop(&source.subnet_id, format!("The scenario's network does not describe its routing, so the path to {what} is assumed to exist.")));
            return out;
        };
        let subnet_cidr = if subnet.cidr_block.is_empty() { self.vpcs.get(&subnet.vpc_id).map(|v| v.cidr_block.clone()).unwrap_or_default() } else { subnet.cidr_block.clone() };
        let ip_note = if source.public_ip { "with a public IPv4 address" } else { "with a private IPv4 address only" };
        out.hops.push(hop(&source.subnet_id, format!("{} sends from its network interface in {} ({}), {ip_note}.", source.name, subnet.subnet_id, subnet.availability_zone)));
        let fail = |mut out: Reachability, component: &str, detail: String| {
            out.missing = Some(hop(component, detail));
            out
        };
        if let Destination::Service(short) = destination {
            let interface = self.endpoints.values().find(|e| e.vpc_id == subnet.vpc_id && &e.short_name == short && e.endpoint_type == EndpointType::Interface && e.private_dns_enabled);
            if let Some(endpoint) = interface {
                let endpoint_cidr = self.vpcs.get(&subnet.vpc_id).map(|v| v.cidr_block.clone()).unwrap_or_default();
                if !self.egress_allows(&source.security_groups, HTTPS_PORT, &endpoint_cidr, &endpoint.security_group_ids) {
                    return fail(out, &source.security_groups.join(", "), format!("The task's security groups allow no outbound TCP 443 to the interface endpoint {} (the VPC's CIDR or the endpoint's security groups).", endpoint.vpc_endpoint_id));
                }
                if !self.ingress_allows(&endpoint.security_group_ids, HTTPS_PORT, &subnet_cidr, &source.security_groups) {
                    return fail(
                        out,
                        &endpoint.vpc_endpoint_id,
                        format!("The interface endpoint {}'s security groups ({}) allow no inbound TCP 443 from the task's subnet or security groups.", endpoint.vpc_endpoint_id, endpoint.security_group_ids.join(", ")),
                    );
                }
                out.hops.push(hop(&endpoint.vpc_endpoint_id, format!("Private DNS answers {} with the interface endpoint {}; its security groups allow TCP 443 from the task.", endpoint.service_name, endpoint.vpc_endpoint_id)));
                out.hops.push(hop(short.as_str(), format!("{what} answers through AWS PrivateLink.")));
                out.kind = PathKind::InterfaceEndpoint;
                return out;
            }
        }
        let Some(table) = self.route_table_of(&subnet.subnet_id) else {
            return fail(out, &subnet.subnet_id, format!("{} has no route table.", subnet.subnet_id));
        };
        if let Destination::Service(short) = destination {
            let gateway = self.endpoints.values().find(|e| {
                e.vpc_id == subnet.vpc_id && &e.short_name == short && e.endpoint_type == EndpointType::Gateway && table.routes.iter().any(|r| r.target == RouteTarget::GatewayEndpoint(e.vpc_endpoint_id.clone()))
            });
            if let Some(endpoint) = gateway {
                if !self.egress_allows(&source.security_groups, HTTPS_PORT, "0.0.0.0/0", &[]) {
                    return fail(out, &source.security_groups.join(", "), format!("The task's security groups allow no outbound TCP 443 to {what}'s prefix list."));
                }
                let prefix_list = table.routes.iter().find_map(|r| match (&r.destination, &r.target) {
                    (RouteDestination::PrefixList(pl), RouteTarget::GatewayEndpoint(id)) if id == &endpoint.vpc_endpoint_id => Some(pl.clone()),
                    _ => None,
                });
                out.hops.push(hop(&table.route_table_id, format!("Route table {} sends {} ({}) to the gateway endpoint {}.", table.route_table_id, prefix_list.unwrap_or_default(), endpoint.service_name, endpoint.vpc_endpoint_id)));
                out.hops.push(hop(&endpoint.vpc_endpoint_id, format!("{what} answers through the gateway endpoint.")));
                out.kind = PathKind::GatewayEndpoint;
                return out;
            }
        }
        if !self.egress_allows(&source.security_groups, HTTPS_PORT, "0.0.0.0/0", &[]) {
            return fail(out, &source.security_groups.join(", "), format!("The task's security groups ({}) allow no outbound TCP 443 to 0.0.0.0/0, where {what} is.", source.security_groups.join(", ")));
        }
        let Some(route) = VpcState::default_route(table) else {
            let hint = match destination {
                Destination::Service(s) => format!(" Add a NAT gateway route, or a VPC endpoint for {s}."),
                Destination::Internet(_) => " Add a route to a NAT gateway (private subnet) or an internet gateway (public subnet).".to_string(),
            };
            return fail(out, &table.route_table_id, format!("Route table {} of {} has no route for 0.0.0.0/0: nothing leaves the VPC toward {what}.{hint}", table.route_table_id, subnet.subnet_id));
        };
        match &route.target {
            RouteTarget::InternetGateway(igw) => {
                out.hops.push(hop(&table.route_table_id, format!("Route table {} sends 0.0.0.0/0 to {igw}.", table.route_table_id)));
                if !self.internet_gateways.get(igw).is_some_and(|g| g.attached_vpc.as_ref() == Some(&subnet.vpc_id)) {
                    return fail(out, igw, format!("{igw} is not attached to {}: the route is a blackhole.", subnet.vpc_id));
                }
                if !source.public_ip {
                    return fail(
                        out,
                        igw,
                        format!("{} has no public IP address, so the internet gateway {igw} cannot carry its traffic (with Fargate, assignPublicIp is DISABLED). Turn assignPublicIp on, or use a NAT gateway or VPC endpoints.", source.name),
                    );
                }
                out.hops.push(hop(igw, format!("The internet gateway {igw} translates the task's public IP address.")));
                out.hops.push(hop("internet", format!("{what} answers over the internet.")));
                out.kind = PathKind::InternetGateway;
                out
            }
            RouteTarget::NatGateway(nat_id) => {
                out.hops.push(hop(&table.route_table_id, format!("Route table {} sends 0.0.0.0/0 to {nat_id}.", table.route_table_id)));
                let Some(nat) = self.nat_gateways.get(nat_id) else {
                    return fail(out, nat_id, format!("{nat_id} does not exist: the route is a blackhole."));
                };
                if nat.state(now_ms) != NatGatewayState::Available {
                    return fail(out, nat_id, format!("{nat_id} is still pending; it carries traffic once available."));
                }
                let public_ip = self.addresses.get(&nat.allocation_id).map(|a| a.public_ip.clone()).unwrap_or_default();
                out.hops.push(hop(nat_id, format!("The NAT gateway {nat_id} in {} translates to its Elastic IP {public_ip}.", nat.subnet_id)));
                let Some(nat_table) = self.route_table_of(&nat.subnet_id) else {
                    return fail(out, &nat.subnet_id, format!("{}, the NAT gateway's subnet, has no route table.", nat.subnet_id));
                };
                match VpcState::default_route(nat_table).map(|r| &r.target) {
                    Some(RouteTarget::InternetGateway(igw)) if self.internet_gateways.get(igw).is_some_and(|g| g.attached_vpc.as_ref() == Some(&subnet.vpc_id)) => {
                        out.hops.push(hop(&nat_table.route_table_id, format!("Route table {} of the NAT gateway's subnet sends 0.0.0.0/0 to {igw}.", nat_table.route_table_id)));
                        out.hops.push(hop(igw.as_str(), format!("The internet gateway {igw} carries the NAT gateway's traffic.")));
                        out.hops.push(hop("internet", format!("{what} answers over the internet.")));
                        out.kind = PathKind::NatGateway;
                        out
                    }
                    _ => fail(
                        out,
                        &nat_table.route_table_id,
                        format!("The NAT gateway {nat_id} is in {}, whose route table {} has no route from 0.0.0.0/0 to an attached internet gateway: a NAT gateway must be in a public subnet.", nat.subnet_id, nat_table.route_table_id),
                    ),
                }
            }
            RouteTarget::Local | RouteTarget::GatewayEndpoint(_) => fail(out, &table.route_table_id, format!("Route table {}'s 0.0.0.0/0 route leads nowhere outside the VPC.", table.route_table_id)),
        }
    }
}

/// The registry host of an image (`docker.io` for a bare Docker Hub name).
pub fn registry_of(image: &str) -> &str {
    let first = image.split('/').next().unwrap_or("");
    if image.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost") {
        first
    } else {
        "docker.io"
    }
}

/// Whether `image` lives in a private Amazon ECR registry (`<account>.dkr.ecr.<region>.amazonaws.com/...`).
pub fn is_ecr_image(image: &str) -> bool {
    let host = registry_of(image);
    host.contains(".dkr.ecr.") && host.ends_with(".amazonaws.com")
}

/// What pulling `image` must reach, in the order the pull reaches them: for Amazon ECR the API (the
/// registry auth token), the Docker registry (the manifest) and Amazon S3 (the layers); for any other
/// registry, its host on the internet.
pub fn pull_destinations(image: &str) -> Vec<Destination> {
    if is_ecr_image(image) {
        vec![Destination::service("ecr.api"), Destination::service("ecr.dkr"), Destination::service("s3")]
    } else {
        let host = match registry_of(image) {
            "docker.io" => "registry-1.docker.io".to_string(),
            other => other.to_string(),
        };
        vec![Destination::Internet(host)]
    }
}
