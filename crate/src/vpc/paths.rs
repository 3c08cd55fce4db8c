//! Paths inside a VPC, explained hop by hop as VPC Reachability Analyzer does: a load balancer's health
//! checks and traffic to a target, a task's NFS connection to an EFS mount target (TCP 2049), a task's
//! connection to another task or to a database. Each path is the source subnet's route table (the VPC's
//! `local` route carries every address of the VPC), the source's security groups' egress, and the
//! destination's security groups' ingress, in that order.
//!
//! Security groups are stateful (Amazon VPC User Guide, "Security group rules"): the answer of an allowed
//! connection needs no rule, so one direction decides a path. A rule with a CIDR matches the source subnet
//! only when it contains the whole subnet (the playground does not give interfaces their own addresses); a
//! rule that names a security group matches any interface in that group. An interface with no security group
//! (a Network Load Balancer created without one) filters nothing.

use super::model::*;
use super::reach::Hop;

/// One end of a path inside a VPC: a network interface of a task, a load balancer node, a mount target, a
/// database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// What the explanation calls it: `task 1a2b3c4d`, `load balancer web-alb`, `mount target fsmt-...`.
    pub name: String,
    pub subnet_id: String,
    pub security_groups: Vec<String>,
}

/// How a path inside a VPC ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerPathKind {
    /// The VPC's routing is not modelled (a scenario's `network` without routing): the path is assumed.
    Assumed,
    /// Every hop is there.
    Complete,
    /// A hop is missing: see `missing`.
    Blocked,
}

/// A reachability explanation of a path inside a VPC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerPath {
    pub from: String,
    pub to: String,
    /// The TCP port of the connection.
    pub port: u16,
    pub kind: PeerPathKind,
    pub hops: Vec<Hop>,
    pub missing: Option<Hop>,
}

impl PeerPath {
    pub fn complete(&self) -> bool {
        self.missing.is_none()
    }
}

fn hop(component: impl Into<String>, detail: impl Into<String>) -> Hop {
    Hop { component: component.into(), detail: detail.into() }
}

fn cidr_contains(outer: &str, inner: &str) -> bool {
    crate::efs::cidr_contains(outer, inner)
}

impl VpcState {
    /// The CIDR block of a subnet (its VPC's when the scenario gave the subnet none).
    pub fn subnet_cidr(&self, subnet_id: &str) -> String {
        let Some(subnet) = self.subnets.get(subnet_id) else { return String::new() };
        if subnet.cidr_block.is_empty() {
            self.vpcs.get(&subnet.vpc_id).map(|v| v.cidr_block.clone()).unwrap_or_default()
        } else {
            subnet.cidr_block.clone()
        }
    }

    /// Whether the egress rules of `groups` let TCP `port` out toward `to` (an empty list filters nothing).
    fn egress_to(&self, groups: &[String], port: u16, to_cidr: &str, to_groups: &[String]) -> bool {
        groups.is_empty() || self.egress_allows(groups, port, to_cidr, to_groups)
    }

    /// Whether the ingress rules of `groups` let TCP `port` in from `from` (an empty list filters nothing).
    fn ingress_from(&self, groups: &[String], port: u16, from_cidr: &str, from_groups: &[String]) -> bool {
        groups.is_empty() || self.ingress_allows(groups, port, from_cidr, from_groups)
    }

    /// The path of a TCP connection on `port` from `from` to `to` inside one VPC.
    pub fn reach_peer(&self, from: &Interface, to: &Interface, port: u16) -> PeerPath {
        let mut out = PeerPath { from: from.name.clone(), to: to.name.clone(), port, kind: PeerPathKind::Blocked, hops: Vec::new(), missing: None };
        let fail = |mut out: PeerPath, component: &str, detail: String| {
            out.missing = Some(hop(component, detail));
            out
        };
        let (Some(from_subnet), Some(to_subnet)) = (self.subnets.get(&from.subnet_id), self.subnets.get(&to.subnet_id)) else {
            out.kind = PeerPathKind::Assumed;
            out.hops.push(hop(&from.subnet_id, format!("The scenario's network does not describe {} or {}'s subnet, so the path on TCP {port} is assumed to exist.", from.name, to.name)));
            return out;
        };
        if !self.routing_modelled(&from_subnet.vpc_id) {
            out.kind = PeerPathKind::Assumed;
            out.hops.push(hop(&from.subnet_id, format!("The scenario's network does not describe its routing, so the path from {} to {} on TCP {port} is assumed to exist.", from.name, to.name)));
            return out;
        }
        let (from_cidr, to_cidr) = (self.subnet_cidr(&from.subnet_id), self.subnet_cidr(&to.subnet_id));
        out.hops.push(hop(&from.subnet_id, format!("{} sends TCP {port} from its network interface in {} ({}, {from_cidr}).", from.name, from.subnet_id, from_subnet.availability_zone)));
        if from_subnet.vpc_id != to_subnet.vpc_id {
            return fail(out, &to_subnet.vpc_id, format!("{} is in {}, another VPC than {}'s {}: no route joins them (a VPC endpoint service and an interface endpoint would).", to.name, to_subnet.vpc_id, from.name, from_subnet.vpc_id));
        }
        let Some(table) = self.route_table_of(&from.subnet_id) else {
            return fail(out, &from.subnet_id, format!("{} has no route table.", from.subnet_id));
        };
        let local = table.routes.iter().find(|r| r.target == RouteTarget::Local && matches!(&r.destination, RouteDestination::Cidr(c) if cidr_contains(c, &to_cidr)));
        let Some(Route { destination: RouteDestination::Cidr(local_cidr), .. }) = local else {
            return fail(out, &table.route_table_id, format!("Route table {} has no local route for {to_cidr}, where {} is.", table.route_table_id, to.name));
        };
        out.hops.push(hop(&table.route_table_id, format!("Route table {} sends {to_cidr} (in {local_cidr}) to local.", table.route_table_id)));
        if !self.egress_to(&from.security_groups, port, &to_cidr, &to.security_groups) {
            return fail(
                out,
                &from.security_groups.join(", "),
                format!("The security groups of {} ({}) allow no outbound TCP {port} to {to_cidr} or to {}'s security groups.", from.name, from.security_groups.join(", "), to.name),
            );
        }
        let egress_note = if from.security_groups.is_empty() { format!("{} has no security group: nothing filters its outbound traffic.", from.name) } else { format!("The security groups of {} ({}) allow outbound TCP {port} to {}.", from.name, from.security_groups.join(", "), to.name) };
        out.hops.push(hop(from.security_groups.first().map_or(from.subnet_id.as_str(), String::as_str), egress_note));
        if !self.ingress_from(&to.security_groups, port, &from_cidr, &from.security_groups) {
            let peer = if from.security_groups.is_empty() { from_cidr.clone() } else { format!("{from_cidr} or {}", from.security_groups.join(", ")) };
            return fail(out, &to.security_groups.join(", "), format!("The security groups of {} ({}) allow no inbound TCP {port} from {} ({peer}).", to.name, to.security_groups.join(", "), from.name));
        }
        let ingress_note = if to.security_groups.is_empty() { format!("{} has no security group: nothing filters its inbound traffic.", to.name) } else { format!("The security groups of {} ({}) allow inbound TCP {port} from {}.", to.name, to.security_groups.join(", "), from.name) };
        out.hops.push(hop(to.security_groups.first().map_or(to.subnet_id.as_str(), String::as_str), ingress_note));
        out.hops.push(hop(&to.subnet_id, format!("{} accepts TCP {port} in {} ({}).", to.name, to.subnet_id, to_subnet.availability_zone)));
        out.kind = PeerPathKind::Complete;
        out
    }
}
