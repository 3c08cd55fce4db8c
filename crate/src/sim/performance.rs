//! Container Insights performance log events: each minute, for every cluster whose `containerInsights` setting
//! is `enabled` or `enhanced`, the embedded-metric-format JSON events AWS writes to
//! `/aws/ecs/containerinsights/<cluster>/performance` (reference observability-troubleshooting.md §1.2 and §1.5,
//! from CWUG Container-Insights-reference-performance-logs-ECS.md): one `Cluster` event, one `Service` event per
//! active service, and per RUNNING task a `Task` event and a `Container` event per container, in their EC2 or
//! Fargate variant. They go through the bounded logs store, so `logs:FilterLogEvents` and Logs Insights read them.
//!
//! Left out, as the model does not compute them: the `Network*` fields (the model moves no bytes; AWS writes them
//! only for `awsvpc` and `bridge` tasks), `StorageReadBytes`/`StorageWriteBytes` (no disk use is modelled), and
//! `EphemeralStorageUtilized`. Writing zeros would claim a measurement the model does not make. The exact extra
//! fields of `enhanced` events are not documented (§1.5 [UNVERIFIED]): `enhanced` Task events add the task-level
//! dimension sets of §1.4 to their `CloudWatchMetrics` block, and otherwise match `enabled`.
//!
//! Cost: nothing runs for a cluster with the setting `disabled`. Each event is kept as a typed record and its JSON
//! is written by hand (no JSON tree) only when a reader asks for it (`logs::LogMessage`), and a cluster writes Task and Container events for at most [`MAX_PERFORMANCE_TASKS_PER_MINUTE`] tasks a minute
//! (the first RUNNING tasks in launch order), counting the rest in `Logging::n_performance_tasks_left_out`: the
//! group keeps at most `MAX_EVENTS_PER_GROUP` events anyway, so more would only be written to be dropped.
//! Writing schedules no event and draws nothing from the PRNG, so the trace is the same with or without it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;

use crate::logs::{DeferredMessages, MessageRecord};

use super::engine::Sim;
use super::model::{ImageBehavior, LaunchType, ServiceStatus, TaskStatus};

/// The most tasks of one cluster whose Task and Container events are written in one minute.
pub const MAX_PERFORMANCE_TASKS_PER_MINUTE: usize = 100;

/// Fargate's ephemeral storage as the Task event reports it, in gigabytes: the 20 GiB every Fargate task gets
/// (§1.5: `EphemeralStorageReserved: 21.47`).
pub const FARGATE_EPHEMERAL_STORAGE_RESERVED_GB: &str = "21.47";

/// Container Insights' performance log group of a cluster (CWUG deploy-container-insights-ECS-OTEL.md; a real
/// account shows `/aws/ecs/containerinsights/ecs-cluster/performance`).
pub fn performance_group(cluster: &str) -> String {
    format!("/aws/ecs/containerinsights/{cluster}/performance")
}

/// The retention ECS gives the performance group it creates: "By default this log group only stores data for
/// one day" (containersonaws pattern; a real export shows `retention_in_days = 1`).
pub const PERFORMANCE_RETENTION_DAYS: u32 = 1;

/// One JSON object written field by field, in the order AWS writes them.
pub struct EventWriter {
    buf: String,
}

impl EventWriter {
    /// `{"Version":"0","Type":"<kind>"`.
    pub fn new(kind: &str) -> EventWriter {
        let mut buf = String::with_capacity(512);
        buf.push_str("{\"Version\":\"0\",\"Type\":");
        push_json_string(&mut buf, kind);
        EventWriter { buf }
    }

    fn key(&mut self, key: &str) {
        self.buf.push(',');
        push_json_string(&mut self.buf, key);
        self.buf.push(':');
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut EventWriter {
        self.key(key);
        push_json_string(&mut self.buf, value);
        self
    }

    /// Where a Task or Container event's task runs: on EC2 its container instance and EC2 instance ids, then the
    /// service's name (when the task has them), in the order both events write them.
    fn host(&mut self, fargate: bool, container_instance_id: Option<&str>, ec2_instance_id: Option<&str>, service_name: Option<&str>) -> &mut EventWriter {
        if !fargate {
            if let Some(id) = container_instance_id {
                self.str("ContainerInstanceId", id);
            }
            if let Some(id) = ec2_instance_id {
                self.str("EC2InstanceId", id);
            }
        }
        if let Some(name) = service_name {
            self.str("ServiceName", name);
        }
        self
    }

    pub fn int(&mut self, key: &str, value: u64) -> &mut EventWriter {
        self.key(key);
        let _ = write!(self.buf, "{value}");
        self
    }

    /// A number given in thousandths, written with at most three decimals (`23.619`, `0`).
    pub fn milli(&mut self, key: &str, value_milli: u64) -> &mut EventWriter {
        self.key(key);
        let (whole, frac) = (value_milli / 1000, value_milli % 1000);
        if frac == 0 {
            let _ = write!(self.buf, "{whole}");
        } else {
            let digits = format!("{frac:03}");
            let _ = write!(self.buf, "{whole}.{}", digits.trim_end_matches('0'));
        }
        self
    }

    /// A value that is already JSON.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut EventWriter {
        self.key(key);
        self.buf.push_str(json);
        self
    }

    /// The `CloudWatchMetrics` block of an embedded-metric-format event (CWUG
    /// Container-Insights-reference-performance-logs-ECS.md): the metrics with their units, and the dimension sets.
    pub fn metrics(&mut self, metrics: &[(&str, &str)], dimensions: &[&[&str]]) -> &mut EventWriter {
        self.key("CloudWatchMetrics");
        self.buf.push_str("[{\"Namespace\":\"ECS/ContainerInsights\",\"Metrics\":[");
        for (i, (name, unit)) in metrics.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            let _ = write!(self.buf, "{{\"Name\":\"{name}\",\"Unit\":\"{unit}\"}}");
        }
        self.buf.push_str("],\"Dimensions\":[");
        for (i, set) in dimensions.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            self.buf.push('[');
            for (j, d) in set.iter().enumerate() {
                if j > 0 {
                    self.buf.push(',');
                }
                let _ = write!(self.buf, "\"{d}\"");
            }
            self.buf.push(']');
        }
        self.buf.push_str("]}]");
        self
    }

    pub fn finish(mut self) -> String {
        self.buf.push('}');
        self.buf
    }
}

/// Appends `s` as a JSON string.
fn push_json_string(buf: &mut String, s: &str) {
    buf.push('"');
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        buf.push_str(s);
        buf.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => buf.push_str("\\\""),
            '\\' => buf.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(buf, "\\u{:04x}", c as u32);
            }
            c => buf.push(c),
        }
    }
    buf.push('"');
}

/// The metrics of a Task event (CWUG Container-Insights-reference-performance-logs-ECS.md), less the storage and
/// network ones the model does not write.
const TASK_METRICS: [(&str, &str); 4] = [("CpuUtilized", "None"), ("CpuReserved", "None"), ("MemoryUtilized", "Megabytes"), ("MemoryReserved", "Megabytes")];

/// Counts of a Service event, with their unit (same page).
const SERVICE_METRICS: [(&str, &str); 5] =
    [("DesiredTaskCount", "Count"), ("RunningTaskCount", "Count"), ("PendingTaskCount", "Count"), ("DeploymentCount", "Count"), ("TaskSetCount", "Count")];

/// Counts of a Cluster event, with their unit (same page).
const CLUSTER_METRICS: [(&str, &str); 3] = [("TaskCount", "Count"), ("ContainerInstanceCount", "Count"), ("ServiceCount", "Count")];

/// A container's share of its task: reserved CPU units and MiB, as the Container event reports them.
struct ContainerShare {
    cpu_units: u64,
    memory_mib: u64,
}

/// The used CPU (thousandths of a unit) and memory (MiB) of each container: the task's use split in proportion to
/// the containers' reservations (equally when none reserves anything). Only RUNNING containers use any.
fn split_usage(shares: &[ContainerShare], running: &[bool], cpu_used_milli: u64, memory_used_mib: u64) -> Vec<(u64, u64)> {
    let weight = |total: u64, each: &dyn Fn(&ContainerShare) -> u64, i: usize| -> (u64, u64) {
        if total == 0 {
            (1, running.iter().filter(|r| **r).count().max(1) as u64)
        } else {
            (each(&shares[i]), total)
        }
    };
    let cpu_total: u64 = shares.iter().zip(running).filter(|(_, r)| **r).map(|(s, _)| s.cpu_units).sum();
    let memory_total: u64 = shares.iter().zip(running).filter(|(_, r)| **r).map(|(s, _)| s.memory_mib).sum();
    (0..shares.len())
        .map(|i| {
            if !running[i] {
                return (0, 0);
            }
            let (cn, cd) = weight(cpu_total, &|s| s.cpu_units, i);
            let (mn, md) = weight(memory_total, &|s| s.memory_mib, i);
            (cpu_used_milli * cn / cd, memory_used_mib * mn / md)
        })
        .collect()
}

/// What a RUNNING task's Task and Container events of one minute say: the task's fields, its use, and each
/// container's. Kept as typed data; the JSON is written only when a reader asks for an event.
struct TaskMinute {
    task_id: String,
    family: String,
    revision: String,
    fargate: bool,
    enhanced: bool,
    container_instance_id: Option<String>,
    ec2_instance_id: Option<String>,
    service_name: Option<String>,
    cluster: Rc<str>,
    account_id: Rc<str>,
    region: Rc<str>,
    availability_zone: String,
    pull_started_at_ms: Option<u64>,
    pull_stopped_at_ms: Option<u64>,
    created_at_ms: u64,
    started_at_ms: Option<u64>,
    timestamp_ms: u64,
    cpu_used_milli: u64,
    memory_used_mib: u64,
    cpu_reserved: u64,
    memory_reserved_mib: u64,
    containers: Vec<ContainerMinute>,
}

/// One container's part of a [`TaskMinute`].
struct ContainerMinute {
    name: String,
    image: String,
    known_status: String,
    share: ContainerShare,
    cpu_used_milli: u64,
    memory_used_mib: u64,
}

/// Performance log events as a typed record: a task's Task event and its Container events, or one Service or
/// Cluster event.
enum PerformanceEvent {
    Task(TaskMinute),
    Service { service_name: String, cluster: Rc<str>, timestamp_ms: u64, desired: u64, running: u64, pending: u64, deployments: u64 },
    Cluster { cluster: Rc<str>, timestamp_ms: u64, n_running: u64, n_instances: u64, n_services: u64 },
}

impl MessageRecord for PerformanceEvent {
    fn render(&self) -> Vec<String> {
        vec![match self {
            PerformanceEvent::Task(t) => {
                let mut texts = vec![task_event(t)];
                texts.extend(t.containers.iter().map(|c| container_event(t, c)));
                return texts;
            }
            PerformanceEvent::Service { service_name, cluster, timestamp_ms, desired, running, pending, deployments } => {
                let mut e = EventWriter::new("Service");
                e.str("ServiceName", service_name)
                    .str("ClusterName", cluster)
                    .int("Timestamp", *timestamp_ms)
                    .int("DesiredTaskCount", *desired)
                    .int("RunningTaskCount", *running)
                    .int("PendingTaskCount", *pending)
                    .int("DeploymentCount", *deployments)
                    .int("TaskSetCount", 0)
                    .metrics(&SERVICE_METRICS, &[&["ServiceName", "ClusterName"]]);
                e.finish()
            }
            PerformanceEvent::Cluster { cluster, timestamp_ms, n_running, n_instances, n_services } => {
                let mut e = EventWriter::new("Cluster");
                e.str("ClusterName", cluster)
                    .int("Timestamp", *timestamp_ms)
                    .int("TaskCount", *n_running)
                    .int("ContainerInstanceCount", *n_instances)
                    .int("ServiceCount", *n_services)
                    .metrics(&CLUSTER_METRICS, &[&["ClusterName"]]);
                e.finish()
            }
        }]
    }
}

/// A Task event: the EC2 example of CWUG Container-Insights-reference-performance-logs-ECS.md, field for field;
/// the Fargate variant as a real line shows it (uktrade dbt_platform_helper test, reference §1.5): ServiceName
/// after TaskDefinitionRevision, no instance ids, no AccountID, Region or AvailabilityZone, no pull times, and
/// EphemeralStorageReserved.
fn task_event(t: &TaskMinute) -> String {
    let mut e = EventWriter::new("Task");
    e.str("TaskId", &t.task_id).str("TaskDefinitionFamily", &t.family).str("TaskDefinitionRevision", &t.revision);
    // ServiceName on an EC2 task event: [UNVERIFIED] (the EC2 example is a task without a service); written, as
    // the Fargate event writes it, so a query can group by service on either.
    e.host(t.fargate, t.container_instance_id.as_deref(), t.ec2_instance_id.as_deref(), t.service_name.as_deref());
    if t.fargate {
        e.str("ClusterName", &t.cluster).str("KnownStatus", "RUNNING");
    } else {
        e.str("ClusterName", &t.cluster)
            .str("AccountID", &t.account_id)
            .str("Region", &t.region)
            .str("AvailabilityZone", &t.availability_zone)
            .str("KnownStatus", "RUNNING")
            .str("LaunchType", "EC2");
        if let Some(at) = t.pull_started_at_ms {
            e.int("PullStartedAt", at);
        }
        if let Some(at) = t.pull_stopped_at_ms {
            e.int("PullStoppedAt", at);
        }
    }
    e.int("CreatedAt", t.created_at_ms);
    if let Some(at) = t.started_at_ms {
        e.int("StartedAt", at);
    }
    e.int("Timestamp", t.timestamp_ms)
        .milli("CpuUtilized", t.cpu_used_milli)
        .int("CpuReserved", t.cpu_reserved)
        .int("MemoryUtilized", t.memory_used_mib)
        .int("MemoryReserved", t.memory_reserved_mib);
    if t.fargate {
        // Where a Fargate event puts LaunchType is [UNVERIFIED]: the real line is cut before it.
        e.raw("EphemeralStorageReserved", FARGATE_EPHEMERAL_STORAGE_RESERVED_GB).str("LaunchType", "FARGATE");
    }
    let family_dims: &[&str] = &["ClusterName", "TaskDefinitionFamily"];
    let service_dims: &[&str] = &["ClusterName", "ServiceName"];
    let mut dims: Vec<&[&str]> = vec![&["ClusterName"], family_dims];
    if t.service_name.is_some() {
        // The {ServiceName, ClusterName} set of the metrics table (§1.3); its place in the block is [UNVERIFIED].
        dims.push(service_dims);
    }
    if t.enhanced {
        // §1.4: the enhanced tier adds the task-level sets C+S+T and C+F+T.
        if t.service_name.is_some() {
            dims.push(&["ClusterName", "ServiceName", "TaskId"]);
        }
        dims.push(&["ClusterName", "TaskDefinitionFamily", "TaskId"]);
    }
    e.metrics(&TASK_METRICS, &dims);
    e.finish()
}

/// A Container event: the EC2 example field for field; on Fargate no instance ids, ServiceName after
/// TaskDefinitionRevision (§1.5). No CloudWatchMetrics block: "in the standard tier container events produce no
/// metrics".
fn container_event(t: &TaskMinute, c: &ContainerMinute) -> String {
    let mut e = EventWriter::new("Container");
    e.str("ContainerName", &c.name).str("TaskId", &t.task_id).str("TaskDefinitionFamily", &t.family).str("TaskDefinitionRevision", &t.revision);
    e.host(t.fargate, t.container_instance_id.as_deref(), t.ec2_instance_id.as_deref(), t.service_name.as_deref());
    e.str("ClusterName", &t.cluster)
        .str("Image", &c.image)
        .str("ContainerKnownStatus", &c.known_status)
        .int("Timestamp", t.timestamp_ms)
        .milli("CpuUtilized", c.cpu_used_milli)
        .int("CpuReserved", c.share.cpu_units)
        .int("MemoryUtilized", c.memory_used_mib)
        .int("MemoryReserved", c.share.memory_mib);
    e.finish()
}

/// The memory a container of a `memoryGrowth` image (`sim:SetImageBehavior`) uses `elapsed_ms` after its task
/// started: it grows evenly to `usage_mib` at `after_ms`, or, when that is past its hard limit, to the limit, where
/// the kernel kills it (exit code 137). So each minute's Task and Container events show the climb to the limit that
/// a learner reads on the Container Insights memory chart before each out-of-memory kill.
fn grown_memory_mib(usage_mib: u32, after_ms: u64, hard_limit_mib: u32, elapsed_ms: u64) -> u64 {
    let reached_mib = if hard_limit_mib > 0 { usage_mib.min(hard_limit_mib) } else { usage_mib } as u64;
    reached_mib * elapsed_ms.min(after_ms) / after_ms.max(1)
}

impl Sim {
    /// The minute's performance events of every cluster with Container Insights on (see the module's comment).
    /// Streams as a real account shows them: `ClusterTelemetry-<cluster>`, `ServiceTelemetry-<service>`, and for
    /// Fargate Task and Container events `FargateTelemetry-<n>` (a few shared streams, n here from the task id);
    /// EC2 Task and Container events go to `AgentTelemetry-<container instance id>` ([UNVERIFIED] stream of EC2
    /// task events, §1.2).
    pub(super) fn performance_minute(&mut self) {
        if !self.clusters.values().any(|c| c.status == "ACTIVE" && c.container_insights != "disabled") {
            return;
        }
        let now_ms = self.logs_context().now_epoch_ms;
        let timestamp = now_ms - now_ms % 60_000;
        let clusters: Vec<(String, bool)> = self
            .clusters
            .values()
            .filter(|c| c.status == "ACTIVE" && c.container_insights != "disabled")
            .map(|c| (c.name.clone(), c.container_insights == "enhanced"))
            .collect();
        for (cluster, enhanced) in clusters {
            let group = performance_group(&cluster);
            if !self.logging.logs.groups.contains_key(group.as_str()) {
                self.logging.logs.insert_group(&group, now_ms, Some(PERFORMANCE_RETENTION_DAYS));
            }
            let (events, n_left_out) = self.performance_events(&cluster, enhanced, timestamp);
            self.logging.n_performance_tasks_left_out += n_left_out;
            for (stream, event) in events {
                let n_events = match &event {
                    PerformanceEvent::Task(t) => 1 + t.containers.len(),
                    _ => 1,
                };
                let record = DeferredMessages::new(event);
                self.logging.logs.put_messages(&group, &stream, timestamp, now_ms, (0..n_events).map(|i| record.message(i)));
            }
        }
    }

    /// One cluster's events for the minute starting at `timestamp` (epoch ms), each with its stream, and the
    /// RUNNING tasks left out by [`MAX_PERFORMANCE_TASKS_PER_MINUTE`].
    fn performance_events(&self, cluster: &str, enhanced: bool, timestamp: u64) -> (Vec<(Rc<str>, PerformanceEvent)>, u64) {
        let epoch = self.scenario.start_epoch_ms;
        let cluster_name: Rc<str> = Rc::from(cluster);
        let account_id: Rc<str> = Rc::from(self.logging.logs.account_id.as_str());
        let region: Rc<str> = Rc::from(self.scenario.region.as_str());
        let mut events: Vec<(Rc<str>, PerformanceEvent)> = Vec::new();
        let n_instances = self.container_instances.values().filter(|ci| ci.cluster == cluster && ci.status == "ACTIVE").count();
        let (mut n_running, mut n_written, mut n_left_out) = (0u64, 0usize, 0u64);
        let mut per_service: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
        for task in self.live_tasks().filter(|t| t.cluster == cluster) {
            let running = task.last_status == TaskStatus::Running;
            n_running += running as u64;
            if let Some(service) = task.service {
                let slot = per_service.entry(service).or_default();
                if running {
                    slot.0 += 1;
                } else if task.last_status < TaskStatus::Running {
                    slot.1 += 1;
                }
            }
            if !running {
                continue;
            }
            if n_written >= MAX_PERFORMANCE_TASKS_PER_MINUTE {
                n_left_out += 1;
                continue;
            }
            n_written += 1;
            let (cpu_milli_percent, memory_milli_percent) = self.load_of(task);
            // Thousandths of a percent × CPU units / 100 = thousandths of a CPU unit.
            let cpu_used_milli = cpu_milli_percent as u64 * task.cpu_units as u64 / 100;
            let memory_used_mib = memory_milli_percent as u64 * task.memory_mib as u64 / 100_000;
            let fargate = task.launch_type == LaunchType::Fargate;
            let service_name = task.service.and_then(|s| self.services.get(&s)).map(|s| s.name.clone());
            let instance = task.node.and_then(|n| self.container_instances.get(&n));
            let ec2_id = instance.and_then(|ci| self.ec2.get(&ci.ec2)).map(|e| e.instance_id.clone());
            let stream: Rc<str> = if fargate {
                let n = crate::hash::fnv1a(task.id.as_bytes(), crate::hash::FNV_OFFSET_BASIS) % 8;
                Rc::from(format!("FargateTelemetry-{}", 1000 + n))
            } else {
                Rc::from(format!("AgentTelemetry-{}", instance.map(|c| c.id.as_str()).unwrap_or_default()))
            };
            let spec = self.revision(&task.family, task.revision).map(|r| &r.spec);
            let shares: Vec<ContainerShare> = task
                .containers
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    let def = spec.and_then(|s| s.containers.get(i));
                    ContainerShare {
                        cpu_units: def.map_or(0, |d| d.cpu_units as u64),
                        memory_mib: def.and_then(|d| d.memory_mib.or(d.memory_reservation_mib)).unwrap_or(0) as u64,
                    }
                })
                .collect();
            let running: Vec<bool> = task.containers.iter().map(|c| c.last_status == "RUNNING").collect();
            let mut used = split_usage(&shares, &running, cpu_used_milli, memory_used_mib);
            // A container of a `memoryGrowth` image uses what it has grown to since the task started.
            let elapsed_ms = task.started_at.map_or(0, |at| self.now.0.saturating_sub(at.0));
            let mut memory_used_mib = memory_used_mib;
            let mut grows = false;
            for (i, c) in task.containers.iter().enumerate() {
                let Some(ImageBehavior::MemoryGrowth { usage_mib, after_ms }) = self.images.get(&c.image) else { continue };
                if !running[i] {
                    continue;
                }
                let hard_limit_mib = spec.and_then(|s| s.containers.get(i)).and_then(|d| d.memory_mib).unwrap_or(task.memory_mib);
                used[i].1 = used[i].1.max(grown_memory_mib(*usage_mib, *after_ms, hard_limit_mib, elapsed_ms));
                grows = true;
            }
            if grows {
                memory_used_mib = memory_used_mib.max(used.iter().map(|(_, m)| m).sum());
            }
            let containers: Vec<ContainerMinute> = task
                .containers
                .iter()
                .zip(shares)
                .zip(used)
                .map(|((c, share), (cpu, memory))| ContainerMinute {
                    name: c.name.clone(),
                    image: c.image.clone(),
                    known_status: c.last_status.clone(),
                    share,
                    cpu_used_milli: cpu,
                    memory_used_mib: memory,
                })
                .collect();
            let minute = TaskMinute {
                task_id: task.id.clone(),
                family: task.family.clone(),
                revision: task.revision.to_string(),
                fargate,
                enhanced,
                container_instance_id: instance.map(|ci| ci.id.clone()),
                ec2_instance_id: ec2_id,
                service_name,
                cluster: cluster_name.clone(),
                account_id: account_id.clone(),
                region: region.clone(),
                availability_zone: task.availability_zone.clone(),
                pull_started_at_ms: task.pull_started_at.map(|t| epoch + t.0),
                pull_stopped_at_ms: task.pull_stopped_at.map(|t| epoch + t.0),
                created_at_ms: epoch + task.created_at.0,
                started_at_ms: task.started_at.map(|t| epoch + t.0),
                timestamp_ms: timestamp,
                cpu_used_milli,
                memory_used_mib,
                cpu_reserved: task.cpu_units as u64,
                memory_reserved_mib: task.memory_mib as u64,
                containers,
            };
            events.push((stream, PerformanceEvent::Task(minute)));
        }
        let mut n_services = 0u64;
        for service in self.services.values().filter(|s| s.cluster == cluster && s.status == ServiceStatus::Active) {
            n_services += 1;
            let (running, pending) = per_service.get(&service.key).copied().unwrap_or_default();
            let event = PerformanceEvent::Service {
                service_name: service.name.clone(),
                cluster: cluster_name.clone(),
                timestamp_ms: timestamp,
                desired: service.desired_count as u64,
                running,
                pending,
                deployments: service.deployments.len() as u64,
            };
            events.push((Rc::from(format!("ServiceTelemetry-{}", service.name)), event));
        }
        let event = PerformanceEvent::Cluster { cluster: cluster_name.clone(), timestamp_ms: timestamp, n_running, n_instances: n_instances as u64, n_services };
        events.push((Rc::from(format!("ClusterTelemetry-{cluster}")), event));
        (events, n_left_out)
    }
}

impl Sim {
    /// RUNNING tasks whose Task and Container events were left out of a minute by
    /// [`MAX_PERFORMANCE_TASKS_PER_MINUTE`], over the run.
    pub fn n_performance_tasks_left_out(&self) -> u64 {
        self.logging.n_performance_tasks_left_out
    }
}
