//! What the app draws of the services an application calls (`WorkloadView`): each service's calls per minute to
//! each bucket, table and database (red while they fail), the RDS instances with their connections per task and
//! their events, and each task's operations with how many were made, failed, logged and sampled out. Every list
//! is bounded, with a count of what was left out.

use super::engine::Sim;

/// The most tasks the view lists with their operations.
pub const MAX_VIEW_TASKS: usize = 20;
/// The most events a database shows (the newest).
pub const MAX_VIEW_DB_EVENTS: usize = 6;

/// A service's calls to one bucket, table or database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowView {
    pub service: String,
    /// `bucket example-site-pages`, `table visits`, `database orders-db`.
    pub target: String,
    /// `s3`, `dynamodb` or `rds`.
    pub kind: &'static str,
    /// Calls and failed calls in the last full minute (in the minute under way before one has passed).
    pub calls_per_minute: u64,
    pub errors_per_minute: u64,
    pub calls_total: u64,
    pub errors_total: u64,
    /// The error of the latest decision, while the calls fail.
    pub failing: Option<String>,
}

/// One RDS DB instance with the connections the tasks hold (RDS's DescribeDBInstances does not show them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseView {
    pub identifier: String,
    pub engine: String,
    pub class: String,
    pub status: &'static str,
    pub multi_az: bool,
    pub availability_zone: String,
    pub secondary_availability_zone: Option<String>,
    pub port: u16,
    pub endpoint: String,
    /// `(task id, open connections)` of each task with a workload on it.
    pub connections: Vec<(String, u64)>,
    /// The newest events: `(ISO date, message)`.
    pub events: Vec<(String, String)>,
}

/// One operation of a task's workload and its counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationView {
    pub operation: String,
    pub target: String,
    pub made: u64,
    pub failed: u64,
    pub logged: u64,
    pub sampled_out: u64,
    pub latency_ms: Option<u64>,
    pub error: Option<String>,
}

/// A task with a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskCallsView {
    pub task_id: String,
    pub service: String,
    pub operations: Vec<OperationView>,
}

/// The application's calls, as the app shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkloadView {
    pub flows: Vec<FlowView>,
    pub n_flows_left_out: u64,
    pub databases: Vec<DatabaseView>,
    pub tasks: Vec<TaskCallsView>,
    pub n_tasks_left_out: u64,
}

impl Sim {
    pub(crate) fn workload_view(&self) -> WorkloadView {
        let workloads = &self.request_workloads;
        if workloads.by_service.is_empty() && workloads.flows.is_empty() && self.rds.instances.is_empty() {
            return WorkloadView::default();
        }
        let minute = self.now.0 / 60_000;
        let mut tasks = Vec::new();
        for task in workloads.tasks.values().take(MAX_VIEW_TASKS) {
            let Some(workload) = workloads.by_service.get(&task.service) else { continue };
            let operations = workload
                .operations
                .iter()
                .enumerate()
                .map(|(i, op)| {
                    let counts = task.counts.get(i).copied().unwrap_or_default();
                    let decision = task.decisions.get(i);
                    OperationView {
                        operation: op.operation.clone(),
                        target: op.target.clone(),
                        made: counts.made,
                        failed: counts.failed,
                        logged: counts.logged,
                        sampled_out: counts.sampled_out,
                        latency_ms: decision.map(|d| d.latency_ms),
                        error: decision.and_then(|d| d.error.as_ref().map(|_| d.text.clone())),
                    }
                })
                .collect();
            tasks.push(TaskCallsView { task_id: task.task_id.clone(), service: workload.service_name.clone(), operations });
        }
        let flows = workloads
            .flows
            .iter()
            .map(|((service, target), f)| {
                let (calls, errors) = if f.minute == minute {
                    if f.calls_last_minute > 0 {
                        (f.calls_last_minute, f.errors_last_minute)
                    } else {
                        (f.calls_this_minute, f.errors_this_minute)
                    }
                } else if f.minute + 1 == minute {
                    (f.calls_this_minute, f.errors_this_minute)
                } else {
                    (0, 0)
                };
                let failing = tasks.iter().filter(|t| &t.service == service).flat_map(|t| t.operations.iter()).find(|o| &o.target == target && o.error.is_some()).and_then(|o| o.error.clone());
                let kind = match target.split(' ').next() {
                    Some("bucket") => "s3",
                    Some("table") => "dynamodb",
                    _ => "rds",
                };
                FlowView { service: service.clone(), target: target.clone(), kind, calls_per_minute: calls, errors_per_minute: errors, calls_total: f.calls_total, errors_total: f.errors_total, failing }
            })
            .collect();
        let databases = self
            .rds
            .instances
            .values()
            .map(|db| {
                let connections = workloads
                    .tasks
                    .values()
                    .filter_map(|t| t.db_connections.iter().find(|(id, _)| id == &db.identifier).map(|(_, n)| (t.task_id.clone(), *n)))
                    .collect();
                let events: Vec<(String, String)> = self.rds.events_until(self.now.0).filter(|e| e.source_identifier == db.identifier).map(|e| (self.iso_time(crate::time::SimTime(e.at_ms)), e.message.clone())).collect();
                let skip = events.len().saturating_sub(MAX_VIEW_DB_EVENTS);
                DatabaseView {
                    identifier: db.identifier.clone(),
                    engine: db.engine.clone(),
                    class: db.class.clone(),
                    status: db.status(self.now.0),
                    multi_az: db.multi_az,
                    availability_zone: db.availability_zone.clone(),
                    secondary_availability_zone: db.secondary_availability_zone.clone(),
                    port: db.port,
                    endpoint: db.address(&self.scenario.region),
                    connections,
                    events: events.into_iter().skip(skip).collect(),
                }
            })
            .collect();
        WorkloadView { flows, n_flows_left_out: workloads.n_flows_left_out, databases, tasks, n_tasks_left_out: workloads.tasks.len().saturating_sub(MAX_VIEW_TASKS) as u64 }
    }
}
