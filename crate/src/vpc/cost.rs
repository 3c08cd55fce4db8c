//! The network's cost beside compute: NAT gateways per hour, interface endpoints per hour per Availability
//! Zone (gateway endpoints are free), from the dated price list (`crate::catalog::PRICE_LIST_REGION` and
//! `PRICE_LIST_DATE`). Both are billed per hour, a partial hour as a full one. The per-GB charges (NAT
//! gateway data processing, interface endpoint data processing) are listed with their rates but not added:
//! the playground does not count the bytes a task moves.

use super::model::{EndpointType, VpcState};

/// A NAT gateway per hour, us-east-1 (Amazon VPC pricing), micro-dollars.
pub const NAT_GATEWAY_MICRO_USD_PER_HOUR: u64 = 45_000;
/// A NAT gateway per GB processed, us-east-1, micro-dollars.
pub const NAT_GATEWAY_MICRO_USD_PER_GB: u64 = 45_000;
/// An interface endpoint per Availability Zone per hour, us-east-1 (AWS PrivateLink pricing), micro-dollars.
pub const INTERFACE_ENDPOINT_MICRO_USD_PER_AZ_HOUR: u64 = 10_000;
/// An interface endpoint per GB processed (the first tier), us-east-1, micro-dollars.
pub const INTERFACE_ENDPOINT_MICRO_USD_PER_GB: u64 = 10_000;

const HOUR_MS: u64 = 3_600_000;

/// One billed network resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkCostLine {
    /// The resource and its rate: `nat-a (NAT gateway, $0.045 per hour and per GB)`.
    pub name: String,
    pub per_hour_micro_usd: u64,
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
    /// The network's billed resources at `now_ms`, NAT gateways first, then interface endpoints.
    pub fn network_cost(&self, now_ms: u64) -> Vec<NetworkCostLine> {
        let mut lines = Vec::new();
        for nat in self.nat_gateways.values() {
            lines.push(NetworkCostLine {
                name: format!("{} (NAT gateway: $0.045 per hour and per GB processed)", nat.nat_gateway_id),
                per_hour_micro_usd: NAT_GATEWAY_MICRO_USD_PER_HOUR,
                to_date_micro_usd: hours_begun(nat.created_at_ms, now_ms) * NAT_GATEWAY_MICRO_USD_PER_HOUR,
            });
        }
        for endpoint in self.endpoints.values().filter(|e| e.endpoint_type == EndpointType::Interface) {
            let mut zones: Vec<&str> = endpoint.subnet_ids.iter().filter_map(|s| self.subnets.get(s)).map(|s| s.availability_zone.as_str()).collect();
            zones.sort_unstable();
            zones.dedup();
            let n_zones = zones.len().max(1) as u64;
            let per_hour = n_zones * INTERFACE_ENDPOINT_MICRO_USD_PER_AZ_HOUR;
            lines.push(NetworkCostLine {
                name: format!("{} ({} interface endpoint in {n_zones} AZ: $0.01 per AZ-hour and per GB)", endpoint.vpc_endpoint_id, endpoint.short_name),
                per_hour_micro_usd: per_hour,
                to_date_micro_usd: hours_begun(endpoint.created_at_ms, now_ms) * per_hour,
            });
        }
        lines
    }
}
