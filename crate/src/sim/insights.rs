//! The minute's task metrics: `AWS/ECS` CPUUtilization and MemoryUtilization per service and per cluster
//! (reference §10.1), and for clusters whose `containerInsights` setting is `enabled` or `enhanced` the
//! `ECS/ContainerInsights` metrics the model can compute (reference §10.2), from one pass over the live tasks.
//!
//! Left out: NetworkRxBytes/NetworkTxBytes and StorageReadBytes/StorageWriteBytes (the model moves no bytes),
//! EphemeralStorageReserved/Utilized (no disk use is modelled), TaskSetCount (no EXTERNAL or CODE_DEPLOY
//! deployment controller), and the task- and container-level metrics that `enhanced` adds: `enhanced`
//! publishes what `enabled` does. Container Insights metrics are billed as custom metrics (§10.2); the cost
//! ledger does not bill them, as the reference gives no CloudWatch price.

use crate::scaling::{MetricKey, Sample};
use crate::table::Table;

use super::engine::Sim;
use super::loadbalancing::ELB_STEP_MS;
use super::model::{ServiceKey, ServiceStatus, Task, TaskStatus};

/// The Container Insights namespace.
pub const INSIGHTS_NAMESPACE: &str = "ECS/ContainerInsights";

/// CPU and memory of RUNNING tasks: reserved (CPU units, MiB) and used (thousandths of a CPU unit, of a MiB).
#[derive(Clone, Copy, Debug, Default)]
struct Usage {
    cpu_units: u64,
    memory_mib: u64,
    cpu_used_milli: u64,
    memory_used_milli: u64,
}

impl Usage {
    /// Adds tasks of `cpu_units` and `memory_mib` (summed) at a utilization (thousandths of a percent):
    /// thousandths of a percent × units / 100 = thousandths of a unit.
    fn add(&mut self, cpu_units: u64, memory_mib: u64, (cpu, memory): (u32, u32)) {
        self.cpu_units += cpu_units;
        self.memory_mib += memory_mib;
        self.cpu_used_milli += cpu as u64 * cpu_units / 100;
        self.memory_used_milli += memory as u64 * memory_mib / 100;
    }

    fn merge(&mut self, other: &Usage) {
        self.cpu_units += other.cpu_units;
        self.memory_mib += other.memory_mib;
        self.cpu_used_milli += other.cpu_used_milli;
        self.memory_used_milli += other.memory_used_milli;
    }

    /// CpuUtilized, CpuReserved, MemoryUtilized and MemoryReserved for these dimensions.
    fn push(&self, samples: &mut Vec<Sample>, dimensions: &[(&str, &str)]) {
        for (metric, value) in [
            ("CpuUtilized", self.cpu_used_milli),
            ("CpuReserved", self.cpu_units * 1000),
            ("MemoryUtilized", self.memory_used_milli),
            ("MemoryReserved", self.memory_mib * 1000),
        ] {
            samples.push(Sample { key: MetricKey::new(INSIGHTS_NAMESPACE, metric, dimensions), value_milli: value as i64 });
        }
    }
}

/// A service's RUNNING tasks (whose desired status is RUNNING) in the minute's pass.
struct ServiceRun<'a> {
    n: u64,
    /// The family and memory of its first task (the workload its utilization follows); whether it runs on EC2
    /// (a service's tasks all run on EC2 or all on Fargate: a strategy cannot mix the two).
    family: &'a str,
    memory_mib: u32,
    ec2: bool,
    /// CPU units and MiB of its tasks.
    cpu_units: u64,
    memory_mib_sum: u64,
    /// Its cluster has Container Insights on; then whether its tasks are of more than one family, and the
    /// deployment of the last task whose family was compared (a deployment has one task definition, so the
    /// next task of the same deployment needs no compare).
    insights: bool,
    mixed: bool,
    deployment: Option<&'a std::rc::Rc<str>>,
}

/// Adds tasks at a utilization to their family's usage. A cluster has few families, so a list will do.
fn family_usage<'a>(families: &mut Vec<(&'a str, Usage)>, family: &'a str, cpu_units: u64, memory_mib: u64, load: (u32, u32)) {
    let i = match families.iter().position(|(f, _)| *f == family) {
        Some(i) => i,
        None => {
            families.push((family, Usage::default()));
            families.len() - 1
        }
    };
    families[i].1.add(cpu_units, memory_mib, load);
}

impl Sim {
    /// The minute's `AWS/ECS` utilization samples, per service (ClusterName, ServiceName) and per EC2 cluster
    /// (ClusterName), and the Container Insights samples of the clusters that have it on, from one pass over
    /// the live tasks. `reservations` is each cluster's `[cpu registered, cpu reserved, memory registered,
    /// memory reserved, container instances]` over its ACTIVE and DRAINING container instances. With the samples
    /// comes each service's count of RUNNING tasks whose desired status is RUNNING (the scaling context's).
    pub(super) fn task_metric_samples(&self, reservations: &Table<String, [u64; 5]>) -> (Vec<Sample>, Table<ServiceKey, u32>) {
        let insights_on = self.clusters.values().any(|c| c.status == "ACTIVE" && c.container_insights != "disabled");
        let mut runs: Table<ServiceKey, ServiceRun> = Table::new();
        // With Container Insights on somewhere: each service's tasks not yet RUNNING, and the clusters of the
        // RUNNING service tasks on their way out (for TaskCount). RUNNING tasks without a service.
        let mut pending: Table<ServiceKey, u64> = Table::new();
        let mut leaving: Vec<&str> = Vec::new();
        let mut standalone: Vec<&Task> = Vec::new();
        for task in self.live_tasks() {
            if task.last_status == TaskStatus::Running {
                match task.service {
                    Some(service) if task.is_active() => {
                        let run = runs.get_or_insert_with(service, || ServiceRun {
                            n: 0,
                            family: &task.family,
                            memory_mib: task.memory_mib,
                            ec2: task.node.is_some(),
                            cpu_units: 0,
                            memory_mib_sum: 0,
                            insights: insights_on && self.clusters.get(&task.cluster).is_some_and(|c| c.container_insights != "disabled"),
                            mixed: false,
                            deployment: None,
                        });
                        run.n += 1;
                        run.cpu_units += task.cpu_units as u64;
                        run.memory_mib_sum += task.memory_mib as u64;
                        if run.insights && !run.mixed && !matches!((run.deployment, &task.deployment_id), (Some(a), Some(b)) if std::rc::Rc::ptr_eq(a, b)) {
                            run.mixed = run.family != task.family;
                            run.deployment = task.deployment_id.as_ref();
                        }
                    }
                    Some(_) if insights_on => leaving.push(&task.cluster),
                    Some(_) => {}
                    None => standalone.push(task),
                }
            } else if insights_on && task.last_status < TaskStatus::Running && task.is_active() {
                if let Some(service) = task.service {
                    *pending.get_or_default(service) += 1;
                }
            }
        }
        let mut samples = Vec::new();
        let mut utilization: Table<ServiceKey, (u32, u32)> = Table::new();
        let mut ec2_used: Table<&str, Usage> = Table::new();
        for (key, run) in &runs {
            let Some(service) = self.services.get(key).filter(|s| s.status == ServiceStatus::Active) else { continue };
            let (mut served, mut cpu) = (0u64, 0u64);
            for (tg, _, _) in &service.load_balancers {
                for t in self.elb.target_groups.get(tg).into_iter().flat_map(|g| g.targets.iter()).filter(|t| t.state != crate::elb::HealthState::Draining) {
                    let (rps_milli, cpu_milli) = target_load(t);
                    served += rps_milli;
                    cpu += cpu_milli;
                }
            }
            let w = self.scenario.workloads.get(run.family).copied().unwrap_or_default();
            let load = workload_utilization(w, run.n, served, cpu, run.memory_mib);
            samples.push(Sample { key: MetricKey::ecs_service("CPUUtilization", &service.cluster, &service.name), value_milli: load.0 as i64 });
            samples.push(Sample { key: MetricKey::ecs_service("MemoryUtilization", &service.cluster, &service.name), value_milli: load.1 as i64 });
            utilization.insert(*key, load);
            if run.ec2 {
                ec2_used.get_or_default(service.cluster.as_str()).add(run.cpu_units, run.memory_mib_sum, load);
            }
        }
        for task in standalone.iter().filter(|t| t.is_active() && t.node.is_some()) {
            ec2_used.get_or_default(task.cluster.as_str()).add(task.cpu_units as u64, task.memory_mib as u64, self.load_of(task));
        }
        // Cluster utilization (reference §10.1 names it; the formula is the Developer Guide's "Amazon ECS cluster
        // utilization metrics" page): CPU units (MiB) used by the tasks × 100 / CPU units (MiB) registered by the
        // ACTIVE and DRAINING instances; EC2 only, and only while tasks run. Thousandths of a unit × 100 / units
        // = thousandths of a percent.
        for (cluster, used) in &ec2_used {
            let Some([cpu_registered, _, memory_registered, _, _]) = reservations.get(*cluster).copied() else { continue };
            for (metric, used, registered) in [("CPUUtilization", used.cpu_used_milli, cpu_registered), ("MemoryUtilization", used.memory_used_milli, memory_registered)] {
                if let Some(percent_milli) = (used * 100).checked_div(registered) {
                    samples.push(Sample { key: MetricKey::new("AWS/ECS", metric, &[("ClusterName", cluster)]), value_milli: percent_milli as i64 });
                }
            }
        }
        for cluster in self.clusters.values().filter(|c| c.status == "ACTIVE" && c.container_insights != "disabled") {
            let n_leaving = leaving.iter().filter(|c| **c == cluster.name).count() as u64;
            let n_instances = reservations.get(cluster.name.as_str()).map_or(0, |r| r[4]);
            self.insights_samples(&cluster.name, &runs, &pending, &utilization, &standalone, [n_leaving, n_instances], &mut samples);
        }
        let running_by_service = runs.iter().map(|(key, run)| (*key, run.n as u32)).collect();
        (samples, running_by_service)
    }

    /// A RUNNING task's CPU and memory utilization, thousandths of a percent: its workload's baseline, plus the
    /// requests its own load balancer targets served (see [`Sim::task_utilization`]).
    pub(super) fn load_of(&self, task: &Task) -> (u32, u32) {
        let (mut served, mut cpu) = (0u64, 0u64);
        for (tg, id, port) in self.elb.owners.get(&task.id).into_iter().flatten() {
            if let Some(t) = self.elb.target_groups.get(tg).and_then(|g| g.find(id, *port).ok().map(|i| &g.targets[i])) {
                let (rps_milli, cpu_milli) = target_load(t);
                served += rps_milli;
                cpu += cpu_milli;
            }
        }
        let w = self.scenario.workloads.get(&task.family).copied().unwrap_or_default();
        workload_utilization(w, 1, served, cpu, task.memory_mib)
    }

    /// One cluster's `ECS/ContainerInsights` samples (reference §10.2). A service's tasks use the service's
    /// utilization, a standalone task its own. Counts follow DescribeServices and DescribeClusters:
    /// RunningTaskCount and PendingTaskCount are the service's `runningCount` and `pendingCount`, TaskCount the
    /// cluster's `runningTasksCount`, ContainerInstanceCount its ACTIVE and DRAINING container instances.
    /// `[n_leaving, n_instances]`: the cluster's RUNNING service tasks whose desired status is STOPPED, and its
    /// ACTIVE and DRAINING container instances.
    #[allow(clippy::too_many_arguments)]
    fn insights_samples(&self, cluster: &str, runs: &Table<ServiceKey, ServiceRun>, pending: &Table<ServiceKey, u64>, utilization: &Table<ServiceKey, (u32, u32)>, standalone: &[&Task], [n_leaving, n_instances]: [u64; 2], samples: &mut Vec<Sample>) {
        let mut total = Usage::default();
        let mut families: Vec<(&str, Usage)> = Vec::new();
        let (mut n_services, mut n_running) = (0u64, n_leaving);
        for service in self.services.values().filter(|s| s.cluster == cluster && s.status != ServiceStatus::Inactive) {
            let running = runs.get(&service.key).map_or(0, |r| r.n);
            let pending = pending.get(&service.key).copied().unwrap_or(0);
            n_running += running;
            if service.status != ServiceStatus::Active {
                continue;
            }
            n_services += 1;
            let dimensions = [("ClusterName", cluster), ("ServiceName", service.name.as_str())];
            if let Some(run) = runs.get(&service.key) {
                let load = utilization.get(&service.key).copied().unwrap_or_default();
                let mut usage = Usage::default();
                usage.add(run.cpu_units, run.memory_mib_sum, load);
                usage.push(samples, &dimensions);
                total.merge(&usage);
                if run.mixed {
                    // Tasks of two families (a deployment to another family): each task to its own.
                    for task in self.live_service_tasks(service.key).filter(|t| t.is_active() && t.last_status == TaskStatus::Running) {
                        family_usage(&mut families, &task.family, task.cpu_units as u64, task.memory_mib as u64, load);
                    }
                } else {
                    family_usage(&mut families, run.family, run.cpu_units, run.memory_mib_sum, load);
                }
            }
            for (metric, count) in [
                ("RunningTaskCount", running),
                ("PendingTaskCount", pending),
                ("DesiredTaskCount", service.desired_count as u64),
                ("DeploymentCount", service.deployments.len() as u64),
            ] {
                samples.push(Sample { key: MetricKey::new(INSIGHTS_NAMESPACE, metric, &dimensions), value_milli: count as i64 * 1000 });
            }
        }
        for task in standalone.iter().filter(|t| t.cluster == cluster) {
            n_running += 1;
            if task.is_active() {
                let load = self.load_of(task);
                total.add(task.cpu_units as u64, task.memory_mib as u64, load);
                family_usage(&mut families, &task.family, task.cpu_units as u64, task.memory_mib as u64, load);
            }
        }
        for (family, usage) in &families {
            usage.push(samples, &[("ClusterName", cluster), ("TaskDefinitionFamily", family)]);
        }
        if total.cpu_units + total.memory_mib > 0 {
            total.push(samples, &[("ClusterName", cluster)]);
        }
        for (metric, count) in [("ContainerInstanceCount", n_instances), ("ServiceCount", n_services), ("TaskCount", n_running)] {
            samples.push(Sample { key: MetricKey::new(INSIGHTS_NAMESPACE, metric, &[("ClusterName", cluster)]), value_milli: count as i64 * 1000 });
        }
    }
}

/// A target's load over the last step: (milli-requests per second served, thousandths of a percent of its
/// task's CPU those requests use).
fn target_load(t: &crate::elb::Target) -> (u64, u64) {
    let step_s = (ELB_STEP_MS / 1000).max(1);
    let rps_milli = (t.last_requests + t.backlog.min(1)) * 1000 / step_s;
    let cpu_milli = match t.capacity_rps {
        Some(capacity) if capacity > 0 => (rps_milli * 100 / capacity as u64).min(100_000),
        _ => 0,
    };
    (rps_milli, cpu_milli)
}

/// Average utilization of `n` tasks (thousandths of a percent, at most 100 % each): the workload's baselines,
/// plus the CPU their requests use (`request_cpu` summed over the tasks) and the memory `rps_milli` holds.
fn workload_utilization(w: crate::scenario::Workload, n: u64, rps_milli: u64, request_cpu: u64, memory_mib: u32) -> (u32, u32) {
    let n = n.max(1);
    let cpu = w.cpu_baseline_percent as u64 * 1000 + request_cpu / n;
    let memory = w.memory_baseline_percent as u64 * 1000 + rps_milli * w.memory_mib_per_request_per_second as u64 * 100 / (memory_mib.max(1) as u64 * n);
    (cpu.min(100_000) as u32, memory.min(100_000) as u32)
}
