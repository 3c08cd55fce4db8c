//! Cost: Fargate per vCPU-hour and GB-hour, Fargate Spot at a discount, EC2 On-Demand per instance
//! type; per-second billing with a one-minute minimum; integer micro-dollars (reference §4.4).
//! Also Fargate Spot interruptions as data the engine acts on (reference §4.3).

use std::collections::BTreeMap;

use crate::catalog::{fargate_task_cost_micro_usd, instance_type, FARGATE_MICRO_USD_PER_GB_HOUR, FARGATE_MICRO_USD_PER_VCPU_HOUR};
use crate::rng::Prng;

/// Fargate Spot price as a percentage of Fargate: AWS advertises "up to a 70% discount"
/// (https://aws.amazon.com/fargate/pricing/, reference §4.3), so the playground bills 30 %.
/// The real Spot price varies; 70 % is the advertised maximum.
pub const SPOT_PERCENT_OF_ON_DEMAND: u64 = 30;
/// The Spot interruption warning: two minutes before the task is stopped.
pub const SPOT_WARNING_MS: u64 = 120_000;
/// The stop code of the two-minute warning's task-state-change event (reference §1.3, ECSDG
/// fargate-capacity-providers.md example event).
pub const SPOT_WARNING_STOP_CODE: &str = "TerminationNotice";
/// The stop code of an interrupted Spot task once STOPPED: `SpotInterruption` of the TaskStopCode enum
/// (reference §1.3; its use here is [UNVERIFIED]).
pub const SPOT_STOP_CODE: &str = "SpotInterruption";
pub const SPOT_STOPPED_REASON: &str = "Your Spot Task was interrupted.";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CapacityType {
    Fargate,
    FargateSpot,
    Ec2,
}

impl CapacityType {
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityType::Fargate => "FARGATE",
            CapacityType::FargateSpot => "FARGATE_SPOT",
            CapacityType::Ec2 => "EC2",
        }
    }
}

/// Micro-dollars for `billed_ms` at `micro_per_hour`, per second, one-minute minimum.
pub fn per_second_cost(micro_per_hour: u64, billed_ms: u64) -> u64 {
    let s = billed_ms.div_ceil(1000).max(60);
    (micro_per_hour as u128 * s as u128 / 3600) as u64
}

/// A Fargate or Fargate Spot task's cost.
pub fn fargate_cost(spot: bool, cpu_units: u32, memory_mib: u32, billed_ms: u64) -> u64 {
    let full = fargate_task_cost_micro_usd(cpu_units, memory_mib, billed_ms);
    if spot { full * SPOT_PERCENT_OF_ON_DEMAND / 100 } else { full }
}

/// A Fargate task's hourly rate, micro-dollars.
pub fn fargate_hourly(spot: bool, cpu_units: u32, memory_mib: u32) -> u64 {
    let full = FARGATE_MICRO_USD_PER_VCPU_HOUR * cpu_units as u64 / 1024 + FARGATE_MICRO_USD_PER_GB_HOUR * memory_mib as u64 / 1024;
    if spot { full * SPOT_PERCENT_OF_ON_DEMAND / 100 } else { full }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Running {
    /// Service name (`None` for standalone tasks and instances).
    service: Option<String>,
    kind: CapacityType,
    /// For tasks: cpu units and MiB; for instances: the instance type name.
    cpu_units: u32,
    memory_mib: u32,
    instance_type: Option<String>,
    started_ms: u64,
}

impl Running {
    fn cost(&self, until_ms: u64) -> u64 {
        let billed = until_ms.saturating_sub(self.started_ms);
        match &self.instance_type {
            Some(t) => per_second_cost(instance_type(t).map(|i| i.price_micro_usd_per_hour).unwrap_or(0), billed),
            None => fargate_cost(self.kind == CapacityType::FargateSpot, self.cpu_units, self.memory_mib, billed),
        }
    }
    fn hourly(&self) -> u64 {
        match &self.instance_type {
            Some(t) => instance_type(t).map(|i| i.price_micro_usd_per_hour).unwrap_or(0),
            None => fargate_hourly(self.kind == CapacityType::FargateSpot, self.cpu_units, self.memory_mib),
        }
    }
}

/// Cost to date from the start and stop events the engine reports. EC2 costs are per instance (not per
/// service: an instance's bill does not depend on the tasks on it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CostLedger {
    running: BTreeMap<String, Running>,
    closed_by_service: BTreeMap<String, u64>,
    closed_by_type: BTreeMap<CapacityType, u64>,
}

impl CostLedger {
    pub fn new() -> CostLedger {
        CostLedger::default()
    }

    /// A Fargate or Fargate Spot task started (billing starts when the image pull starts).
    pub fn task_started(&mut self, task_id: &str, service: Option<&str>, spot: bool, cpu_units: u32, memory_mib: u32, at_ms: u64) {
        let kind = if spot { CapacityType::FargateSpot } else { CapacityType::Fargate };
        self.running.insert(task_id.to_string(), Running { service: service.map(str::to_string), kind, cpu_units, memory_mib, instance_type: None, started_ms: at_ms });
    }

    /// An EC2 instance started (launched by an ASG or the scenario).
    pub fn instance_started(&mut self, instance_id: &str, instance_type: &str, at_ms: u64) {
        self.running.insert(instance_id.to_string(), Running { service: None, kind: CapacityType::Ec2, cpu_units: 0, memory_mib: 0, instance_type: Some(instance_type.to_string()), started_ms: at_ms });
    }

    /// A task stopped or an instance terminated. Unknown ids are ignored.
    pub fn stopped(&mut self, id: &str, at_ms: u64) {
        let Some(r) = self.running.remove(id) else { return };
        let c = r.cost(at_ms);
        if let Some(s) = &r.service {
            *self.closed_by_service.entry(s.clone()).or_default() += c;
        }
        *self.closed_by_type.entry(r.kind).or_default() += c;
    }

    /// Cost to date per service (Fargate tasks), micro-dollars.
    pub fn by_service(&self, now_ms: u64) -> BTreeMap<String, u64> {
        let mut out = self.closed_by_service.clone();
        for r in self.running.values() {
            if let Some(s) = &r.service {
                *out.entry(s.clone()).or_default() += r.cost(now_ms);
            }
        }
        out
    }

    /// Cost to date per capacity type, micro-dollars.
    pub fn by_capacity_type(&self, now_ms: u64) -> BTreeMap<CapacityType, u64> {
        let mut out = self.closed_by_type.clone();
        for r in self.running.values() {
            *out.entry(r.kind).or_default() += r.cost(now_ms);
        }
        out
    }

    pub fn total(&self, now_ms: u64) -> u64 {
        self.by_capacity_type(now_ms).values().sum()
    }

    /// What everything running now costs per hour, micro-dollars.
    pub fn hourly_now(&self) -> u64 {
        self.running.values().map(Running::hourly).sum()
    }
}

/// A Fargate Spot interruption the engine carries out: at `warning_at_ms` send SIGTERM and emit the
/// task-state-change event; at `stop_at_ms` stop the task with `stop_code` / `stopped_reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpotInterruption {
    pub task_id: String,
    pub warning_at_ms: u64,
    pub stop_at_ms: u64,
    pub stop_code: &'static str,
    pub stopped_reason: &'static str,
}

/// Draws this minute's interruptions: each running Spot task is interrupted with probability
/// `per_minute_numerator / 1_000_000`. Tasks in input order (the engine passes them sorted by id).
pub fn draw_spot_interruptions(rng: &mut Prng, spot_tasks: &[String], per_minute_numerator: u32, now_ms: u64) -> Vec<SpotInterruption> {
    spot_tasks
        .iter()
        .filter(|_| rng.chance(per_minute_numerator.min(1_000_000), 1_000_000))
        .map(|t| SpotInterruption { task_id: t.clone(), warning_at_ms: now_ms, stop_at_ms: now_ms + SPOT_WARNING_MS, stop_code: SPOT_STOP_CODE, stopped_reason: SPOT_STOPPED_REASON })
        .collect()
}
