//! The network's cost beside compute, from the dated price list (`crate::catalog::PRICE_LIST_REGION`
//! us-east-1 and `PRICE_LIST_DATE` 2026-06-01): NAT gateways per hour and per GB processed, interface
//! endpoints per hour per Availability Zone and per GB processed (gateway endpoints are free), and data
//! transfer between Availability Zones per GB in each direction. Hours are billed as begun (a partial hour
//! as a full one). The bytes are the traffic the model serves, counted in [`super::model::NetworkTraffic`] when it
//! happens: image pulls, secrets, a task's calls to AWS services, and the requests a consumer sends through
//! a PrivateLink endpoint; each kind's size is an assumption stated below (the playground does not move
//! real bytes).

use super::model::{EndpointType, VpcState};

use super::reach::{PathKind, Reachability, Source};

/// A NAT gateway per hour, us-east-1 (Amazon VPC pricing, price list of 2026-06-01), micro-dollars.
pub const NAT_GATEWAY_MICRO_USD_PER_HOUR: u64 = 45_000;
/// A NAT gateway per GB processed, us-east-1, micro-dollars.
pub const NAT_GATEWAY_MICRO_USD_PER_GB: u64 = 45_000;
/// An interface endpoint per Availability Zone per hour, us-east-1 (AWS PrivateLink pricing, price list of
/// 2026-06-01), micro-dollars.
pub const INTERFACE_ENDPOINT_MICRO_USD_PER_AZ_HOUR: u64 = 10_000;
/// An interface endpoint per GB processed (the first tier), us-east-1, micro-dollars.
pub const INTERFACE_ENDPOINT_MICRO_USD_PER_GB: u64 = 10_000;

/// Data transfer between Availability Zones in one Region, per GB in each direction (Amazon EC2 on-demand
/// pricing, "Data Transfer within the same AWS Region", price list of 2026-06-01), micro-dollars. A byte that
/// crosses is billed out of one zone and into the other: twice this rate.
pub const CROSS_AZ_MICRO_USD_PER_GB_EACH_WAY: u64 = 10_000;

/// The GB of the price list: 2^30 bytes (AWS's billing GB; the playground's choice where a page does not say).
pub const BYTES_PER_GB: u64 = 1 << 30;

/// Assumed size of one image's layers as pulled (compressed): 120 MiB, a typical small service image.
pub const IMAGE_LAYER_BYTES: u64 = 120 << 20;
/// Assumed size of one small API exchange (registry auth token, image manifest, a secret, a task's SDK call),
/// request and answer together: 4 KiB.
pub const API_EXCHANGE_BYTES: u64 = 4 << 10;
/// Assumed size of one load balancer request and its response together: 10 KiB (a small JSON API).
pub const REQUEST_BYTES: u64 = 10 << 10;

const HOUR_MS: u64 = 3_600_000;

/// Micro-dollars for `bytes` at `micro_usd_per_gb` (rounded down to the micro-dollar).
pub fn per_gb_cost(bytes: u64, micro_usd_per_gb: u64) -> u64 {
    (bytes as u128 * micro_usd_per_gb as u128 / BYTES_PER_GB as u128) as u64
}

/// One billed network resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkCostLine {
    /// The resource and its rate: `nat-a (NAT gateway, $0.045 per hour and per GB)`.
    pub name: String,
    pub per_hour_micro_usd: u64,
    /// The bytes billed per GB so far (processed, or carried across Availability Zones).
    pub bytes: u64,
    /// Hours begun and bytes together.
    pub to_date_micro_usd: u64,
}

/// Hours begun since `from_ms` at `now_ms` (a partial hour counts whole; none before it exists).
fn hours_begun(from_ms: u64, now_ms: u64) -> u64 {
    if now_ms < from_ms {
        0
    } else {
        (now_ms - from_ms) / HOUR_MS + 1
    }
}

impl VpcState {
    /// Counts `bytes` sent from `source` along `reach`: a NAT gateway or an interface endpoint processes
    /// them, and they cross Availability Zones when the NAT gateway, or every subnet of the endpoint, is in
    /// another zone than the source. Other paths (an internet gateway, a gateway endpoint) bill nothing here.
    pub fn record_traffic(&mut self, source: &Source, reach: &Reachability, bytes: u64) {
        let source_az = self.subnets.get(&source.subnet_id).map(|s| s.availability_zone.clone()).unwrap_or_default();
        let (component, crosses) = match reach.kind {
            PathKind::NatGateway => {
                let Some(nat) = reach.hops.iter().find_map(|h| self.nat_gateways.get(&h.component)) else { return };
                let nat_az = self.subnets.get(&nat.subnet_id).map(|s| s.availability_zone.clone()).unwrap_or_default();
                (nat.nat_gateway_id.clone(), nat_az != source_az)
            }
            PathKind::InterfaceEndpoint => {
                let Some(endpoint) = reach.hops.iter().find_map(|h| self.endpoints.get(&h.component)) else { return };
                let in_zone = endpoint.subnet_ids.iter().filter_map(|s| self.subnets.get(s)).any(|s| s.availability_zone == source_az);
                (endpoint.vpc_endpoint_id.clone(), !in_zone && !endpoint.subnet_ids.is_empty())
            }
            _ => return,
        };
        self.record_component_bytes(&component, bytes, crosses);
    }

    /// Counts `bytes` processed by a NAT gateway or an interface endpoint, and whether they crossed zones.
    pub fn record_component_bytes(&mut self, component: &str, bytes: u64, crosses_az: bool) {
        let entry = self.traffic.bytes_by_component.get_or_insert_with(component.to_string(), || 0);
        *entry = entry.saturating_add(bytes);
        if crosses_az {
            self.traffic.cross_az_bytes = self.traffic.cross_az_bytes.saturating_add(bytes);
        }
    }

    /// The network's billed resources at `now_ms`: NAT gateways, then interface endpoints, then data
    /// transfer between Availability Zones (when any byte crossed).
    pub fn network_cost(&self, now_ms: u64) -> Vec<NetworkCostLine> {
        self.network_cost_with(now_ms, &[])
    }

    /// [`VpcState::network_cost`] with `served` bytes added per component: the requests a consumer sent
    /// through a PrivateLink endpoint, which the engine counts from its load balancer's traffic.
    pub fn network_cost_with(&self, now_ms: u64, served: &[(String, u64)]) -> Vec<NetworkCostLine> {
        let bytes_of = |id: &str| self.traffic.bytes_by_component.get(id).copied().unwrap_or(0) + served.iter().filter(|(c, _)| c == id).map(|(_, b)| *b).sum::<u64>();
        let mut lines = Vec::new();
        for nat in self.nat_gateways.values() {
            let bytes = bytes_of(&nat.nat_gateway_id);
            lines.push(NetworkCostLine {
                name: format!("{} (NAT gateway: $0.045 per hour and per GB processed)", nat.nat_gateway_id),
                per_hour_micro_usd: NAT_GATEWAY_MICRO_USD_PER_HOUR,
                bytes,
                to_date_micro_usd: hours_begun(nat.created_at_ms, now_ms) * NAT_GATEWAY_MICRO_USD_PER_HOUR + per_gb_cost(bytes, NAT_GATEWAY_MICRO_USD_PER_GB),
            });
        }
        for endpoint in self.endpoints.values().filter(|e| e.endpoint_type == EndpointType::Interface) {
            let mut zones: Vec<&str> = endpoint.subnet_ids.iter().filter_map(|s| self.subnets.get(s)).map(|s| s.availability_zone.as_str()).collect();
            zones.sort_unstable();
            zones.dedup();
            let n_zones = zones.len().max(1) as u64;
            let per_hour = n_zones * INTERFACE_ENDPOINT_MICRO_USD_PER_AZ_HOUR;
            let bytes = bytes_of(&endpoint.vpc_endpoint_id);
            lines.push(NetworkCostLine {
                name: format!("{} ({} interface endpoint in {n_zones} AZ: $0.01 per AZ-hour and per GB)", endpoint.vpc_endpoint_id, endpoint.short_name),
                per_hour_micro_usd: per_hour,
                bytes,
                to_date_micro_usd: hours_begun(endpoint.created_at_ms, now_ms) * per_hour + per_gb_cost(bytes, INTERFACE_ENDPOINT_MICRO_USD_PER_GB),
            });
        }
        if self.traffic.cross_az_bytes > 0 {
            lines.push(NetworkCostLine {
                name: "Data transfer between Availability Zones ($0.01 per GB in each direction)".to_string(),
                per_hour_micro_usd: 0,
                bytes: self.traffic.cross_az_bytes,
                to_date_micro_usd: per_gb_cost(self.traffic.cross_az_bytes, 2 * CROSS_AZ_MICRO_USD_PER_GB_EACH_WAY),
            });
        }
        lines
    }
}
