//! Cost: Fargate per vCPU-hour and GB-hour, Fargate Spot at a discount, EC2 On-Demand per instance
//! type; per-second billing with a one-minute minimum; integer micro-dollars (reference §4.4).
//! Also Fargate Spot interruptions as data the engine acts on (reference §4.3).

use crate::table::Table;
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

/// The capacity types in the order of per-type arrays (`MetricSample` cost series).
pub const CAPACITY_TYPES: [CapacityType; 3] = [CapacityType::Ec2, CapacityType::Fargate, CapacityType::FargateSpot];

impl CapacityType {
    /// The position in [`CAPACITY_TYPES`].
    pub fn index(self) -> usize {
        match self {
            CapacityType::Ec2 => 0,
            CapacityType::Fargate => 1,
            CapacityType::FargateSpot => 2,
        }
    }

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
    cluster: String,
    kind: CapacityType,
    /// For tasks: cpu units and MiB; for instances: the instance type name.
    cpu_units: u32,
    memory_mib: u32,
    instance_type: Option<String>,
    started_ms: u64,
    /// An EC2 Spot Instance, billed at [`SPOT_PERCENT_OF_ON_DEMAND`] of its On-Demand price.
    spot_instance: bool,
}

impl Running {
    /// An instance's price per hour: On-Demand, or the Spot share of it. [UNVERIFIED] EC2 Spot prices move
    /// with supply and demand; the playground uses the same fixed share as Fargate Spot.
    fn instance_hourly(&self, type_name: &str) -> u64 {
        let on_demand = instance_type(type_name).map(|i| i.price_micro_usd_per_hour).unwrap_or(0);
        if self.spot_instance {
            on_demand * SPOT_PERCENT_OF_ON_DEMAND / 100
        } else {
            on_demand
        }
    }

    fn cost(&self, until_ms: u64) -> u64 {
        let billed = until_ms.saturating_sub(self.started_ms);
        match &self.instance_type {
            Some(t) => per_second_cost(self.instance_hourly(t), billed),
            None => fargate_cost(self.kind == CapacityType::FargateSpot, self.cpu_units, self.memory_mib, billed),
        }
    }
    fn hourly(&self) -> u64 {
        match &self.instance_type {
            Some(t) => self.instance_hourly(t),
            None => fargate_hourly(self.kind == CapacityType::FargateSpot, self.cpu_units, self.memory_mib),
        }
    }
}

/// One line of a cost report: cost to date and what runs now costs per hour, micro-dollars.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CostLine {
    /// The capacity type (`EC2`, `FARGATE`, `FARGATE_SPOT`), cluster or service name.
    pub name: String,
    /// The service's cluster (service lines only).
    pub cluster: String,
    pub to_date_micro_usd: u64,
    pub per_hour_micro_usd: u64,
}

/// Cost to date and per hour, in total and by capacity type, cluster and service (Fargate services only:
/// an EC2 instance's bill does not depend on the tasks on it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CostReport {
    pub region: &'static str,
    /// The date the rates are from (`catalog::PRICE_LIST_DATE`).
    pub rates_as_of: &'static str,
    pub to_date_micro_usd: u64,
    pub per_hour_micro_usd: u64,
    pub by_capacity_type: Vec<CostLine>,
    pub by_cluster: Vec<CostLine>,
    pub by_service: Vec<CostLine>,
}

/// Costs closed so far, by (dimension, name, cluster): dimension 0 capacity type, 1 cluster, 2 service.
type Closed = Table<(u8, String, String), u64>;

/// Cost to date from the start and stop events the engine reports. EC2 costs are per instance (not per
/// service: an instance's bill does not depend on the tasks on it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CostLedger {
    running: BTreeMap<String, Running>,
    closed: Closed,
}

impl CostLedger {
    pub fn new() -> CostLedger {
        CostLedger::default()
    }

    /// A Fargate or Fargate Spot task started (billing starts when the image pull starts).
    #[allow(clippy::too_many_arguments)]
    pub fn task_started(&mut self, task_id: &str, cluster: &str, service: Option<&str>, spot: bool, cpu_units: u32, memory_mib: u32, at_ms: u64) {
        let kind = if spot { CapacityType::FargateSpot } else { CapacityType::Fargate };
        let r = Running { service: service.map(str::to_string), cluster: cluster.to_string(), kind, cpu_units, memory_mib, instance_type: None, started_ms: at_ms, spot_instance: false };
        self.running.insert(task_id.to_string(), r);
    }

    /// An EC2 instance started running (launched by an ASG or the scenario), for `cluster`'s agent.
    pub fn instance_started(&mut self, instance_id: &str, cluster: &str, instance_type: &str, at_ms: u64) {
        self.instance_started_on(instance_id, cluster, instance_type, false, at_ms);
    }

    /// An EC2 instance started running, On-Demand or Spot (`spot`).
    pub fn instance_started_on(&mut self, instance_id: &str, cluster: &str, instance_type: &str, spot: bool, at_ms: u64) {
        let r = Running { service: None, cluster: cluster.to_string(), kind: CapacityType::Ec2, cpu_units: 0, memory_mib: 0, instance_type: Some(instance_type.to_string()), started_ms: at_ms, spot_instance: spot };
        self.running.insert(instance_id.to_string(), r);
    }

    /// A task stopped or an instance terminated. Unknown ids are ignored.
    pub fn stopped(&mut self, id: &str, at_ms: u64) {
        let Some(r) = self.running.remove(id) else { return };
        let c = r.cost(at_ms);
        for key in Self::keys(&r) {
            *self.closed.get_or_default(key) += c;
        }
    }

    fn keys(r: &Running) -> Vec<(u8, String, String)> {
        let mut keys = vec![(0, r.kind.as_str().to_string(), String::new()), (1, r.cluster.clone(), String::new())];
        if let Some(s) = &r.service {
            keys.push((2, s.clone(), r.cluster.clone()));
        }
        keys
    }

    /// The report at `now_ms`.
    pub fn report(&self, now_ms: u64) -> CostReport {
        let mut lines: Table<(u8, String, String), (u64, u64)> = self.closed.iter().map(|(k, v)| (k.clone(), (*v, 0))).collect();
        for r in self.running.values() {
            let (cost, hourly) = (r.cost(now_ms), r.hourly());
            for key in Self::keys(r) {
                let e = lines.get_or_default(key);
                e.0 += cost;
                e.1 += hourly;
            }
        }
        let mut report = CostReport { region: crate::catalog::PRICE_LIST_REGION, rates_as_of: crate::catalog::PRICE_LIST_DATE, ..CostReport::default() };
        for ((dim, name, cluster), (to_date, hourly)) in lines {
            let line = CostLine { name, cluster, to_date_micro_usd: to_date, per_hour_micro_usd: hourly };
            match dim {
                0 => {
                    report.to_date_micro_usd += to_date;
                    report.per_hour_micro_usd += hourly;
                    report.by_capacity_type.push(line);
                }
                1 => report.by_cluster.push(line),
                _ => report.by_service.push(line),
            }
        }
        report
    }

    /// Cost to date per capacity type, micro-dollars.
    pub fn by_capacity_type(&self, now_ms: u64) -> BTreeMap<String, u64> {
        self.report(now_ms).by_capacity_type.into_iter().map(|l| (l.name, l.to_date_micro_usd)).collect()
    }

    pub fn total(&self, now_ms: u64) -> u64 {
        self.report(now_ms).to_date_micro_usd
    }

    /// Cost to date and per hour by capacity type at `now_ms`, micro-dollars, in the order of
    /// [`CAPACITY_TYPES`]: the same figures as `report`'s `by_capacity_type`, cheap enough for each minute.
    pub fn by_type_now(&self, now_ms: u64) -> ([u64; 3], [u64; 3]) {
        let (mut to_date, mut per_hour) = ([0u64; 3], [0u64; 3]);
        for kind in CAPACITY_TYPES {
            to_date[kind.index()] = self.closed.get(&(0, kind.as_str().to_string(), String::new())).copied().unwrap_or(0);
        }
        for r in self.running.values() {
            to_date[r.kind.index()] += r.cost(now_ms);
            per_hour[r.kind.index()] += r.hourly();
        }
        (to_date, per_hour)
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
