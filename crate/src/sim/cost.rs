//! Cost in the engine: the `scaling` cost ledger learns when Fargate tasks start pulling their images and
//! stop, and when EC2 instances run and shut down; `Sim::cost_report` and `sim:DescribeCost` read it back
//! (`sim:DescribeCost` with the network's lines beside it).

use serde_json::{json, Value};

use crate::scaling::{CapacityType, CostLine, CostReport};
use crate::vpc::NetworkCostLine;

use super::engine::Sim;
use super::model::{LaunchType, Task, TaskKey};

/// The capacity a task is billed as. EC2 tasks are not billed themselves (their instances are).
/// Every Fargate task is FARGATE until capacity provider strategies set FARGATE_SPOT on tasks: switch here.
pub(crate) fn capacity_type_of(task: &Task) -> CapacityType {
    match (task.launch_type, task.capacity_provider_name.as_deref()) {
        (LaunchType::Ec2, _) => CapacityType::Ec2,
        (LaunchType::Fargate, Some(crate::scaling::FARGATE_SPOT)) => CapacityType::FargateSpot,
        (LaunchType::Fargate, _) => CapacityType::Fargate,
    }
}

/// Micro-dollars as dollars with six decimals (`$1.234567`).
pub fn usd_text(micro_usd: u64) -> String {
    format!("${}.{:06}", micro_usd / 1_000_000, micro_usd % 1_000_000)
}

fn line_json(line: &CostLine) -> Value {
    let mut v = json!({ "name": line.name, "costToDateMicroUsd": line.to_date_micro_usd, "costPerHourMicroUsd": line.per_hour_micro_usd,
        "costToDate": usd_text(line.to_date_micro_usd), "costPerHour": usd_text(line.per_hour_micro_usd) });
    if !line.cluster.is_empty() {
        v["cluster"] = json!(line.cluster);
    }
    v
}

/// The output of `sim:DescribeCost`: compute (the top-level figures and their breakdowns, as before the
/// network was billed), the network's lines (NAT gateways, interface endpoints, data transfer between
/// Availability Zones; `vpc/cost.rs`, from the same dated price list) with their sum, and the total of both.
pub(super) fn cost_json(report: &CostReport, network: &[NetworkCostLine]) -> Value {
    let lines = |l: &[CostLine]| l.iter().map(line_json).collect::<Vec<_>>();
    let network_to_date: u64 = network.iter().map(|l| l.to_date_micro_usd).sum();
    let network_per_hour: u64 = network.iter().map(|l| l.per_hour_micro_usd).sum();
    let (total_to_date, total_per_hour) = (report.to_date_micro_usd + network_to_date, report.per_hour_micro_usd + network_per_hour);
    json!({
        "region": report.region, "ratesAsOf": report.rates_as_of,
        "costToDateMicroUsd": report.to_date_micro_usd, "costPerHourMicroUsd": report.per_hour_micro_usd,
        "costToDate": usd_text(report.to_date_micro_usd), "costPerHour": usd_text(report.per_hour_micro_usd),
        "byCapacityType": lines(&report.by_capacity_type), "byCluster": lines(&report.by_cluster), "byService": lines(&report.by_service),
        "network": {
            "costToDateMicroUsd": network_to_date, "costPerHourMicroUsd": network_per_hour,
            "costToDate": usd_text(network_to_date), "costPerHour": usd_text(network_per_hour),
            "lines": network.iter().map(|l| json!({
                "name": l.name, "bytes": l.bytes,
                "costToDateMicroUsd": l.to_date_micro_usd, "costPerHourMicroUsd": l.per_hour_micro_usd,
                "costToDate": usd_text(l.to_date_micro_usd), "costPerHour": usd_text(l.per_hour_micro_usd),
            })).collect::<Vec<_>>(),
        },
        "totalCostToDateMicroUsd": total_to_date, "totalCostPerHourMicroUsd": total_per_hour,
        "totalCostToDate": usd_text(total_to_date), "totalCostPerHour": usd_text(total_per_hour),
    })
}

impl Sim {
    /// Cost to date and per hour at the current time (reference §4.4: per second, one-minute minimum).
    pub fn cost_report(&self) -> CostReport {
        self.scaling.cost.report(self.now.0)
    }

    /// A Fargate task starts pulling its images: its billing starts.
    pub(super) fn cost_task_started(&mut self, key: TaskKey) {
        let Some(task) = self.tasks.get(&key) else { return };
        let kind = capacity_type_of(task);
        if kind == CapacityType::Ec2 {
            return;
        }
        let service = task.service.and_then(|s| self.services.get(&s)).map(|s| s.name.as_str());
        self.scaling.cost.task_started(&task.id, &task.cluster, service, kind == CapacityType::FargateSpot, task.cpu_units, task.memory_mib, self.now.0);
    }
}
