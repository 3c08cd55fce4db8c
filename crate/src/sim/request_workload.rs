//! What each request to a web service does (`sim:SetWorkload`): the operations its container makes to serve
//! one request (read an S3 object, get or put a DynamoDB item, run a query on an RDS database), in order.
//! Requests are not simulated one by one: before each load balancer step the engine decides every operation of
//! every RUNNING task of a service with a workload once (the task role through IAM, the task's network path to
//! the service or the database, the target's existence and state, as `sim:TaskOperation` decides one call),
//! and the step applies that decision to all the requests the task answers in its window. A failed operation
//! ends the request: the target answers 5xx (the ALB counts it in `HTTPCode_Target_5XX_Count`), the later
//! operations are not made, and the error the SDK or the database driver raises is written to the task's log
//! stream. Lines are sampled ([`MAX_LINES_PER_MINUTE`] a task a minute); every operation made is either logged
//! or counted as sampled out. A scenario without a workload does none of this, and costs nothing.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult, Request};
use crate::elb::WorkloadEffect;

use super::engine::Sim;
use super::model::{ServiceKey, TaskKey, TaskStatus};
pub use super::request_workload_model::*;
use super::record::LogKind;
use super::requests::{cluster_member, short_name, FisTarget};
use super::workload::{sdk_error_text, TaskOperationRequest, WORKLOAD_OPERATIONS};

/// The playground's name for a query on an RDS database (not an AWS API action: the application talks to the
/// database engine over TCP with the database's own protocol).
pub const DB_QUERY: &str = "db:Query";
/// The most operations one request makes.
pub const MAX_OPERATIONS: usize = 8;
/// The most services with a workload.
pub const MAX_WORKLOADS: usize = 20;
/// The most lines a task's workload writes to its log stream a minute; the other operations are counted as
/// sampled out.
pub const MAX_LINES_PER_MINUTE: u64 = 6;
/// The most flows (a service's calls to one bucket, table or database) the view keeps; the rest are counted.
pub const MAX_FLOWS: usize = 32;
/// The latency of a query on an RDS database in the same Region. [UNVERIFIED] a typical figure for a simple
/// indexed query on a small instance; RDS documents none.
pub const DB_QUERY_LATENCY_MS: u64 = 4;
/// How long the application's database driver waits for a connection before it gives up. [UNVERIFIED] drivers
/// differ (and some wait forever by default); ten seconds is a common application setting.
pub const DB_CONNECT_TIMEOUT_MS: u64 = 10_000;
/// How long a refused or reset connection costs the request.
pub const DB_REFUSED_MS: u64 = 2;
/// The most connections a task's pool opens to one database (HikariCP's `maximumPoolSize` default is 10).
pub const POOL_MAX_CONNECTIONS: u64 = 10;

/// `sim:SetWorkload`: a service's request workload.
pub(super) struct SetWorkloadRequest<'a> {
    pub cluster: &'a str,
    pub service: &'a str,
    pub operations: Vec<RequestOperation>,
}

impl<'a> SetWorkloadRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<SetWorkloadRequest<'a>, ApiError> {
        let service = request.str("service").map(short_name).unwrap_or("");
        if service.is_empty() {
            return Err(request.invalid("sim:SetWorkload needs a service."));
        }
        let items = match request.get("operations") {
            None => Vec::new(),
            Some(Value::Array(items)) => items.clone(),
            Some(_) => return Err(request.invalid("operations must be a list of {operation, params}.")),
        };
        if items.len() > MAX_OPERATIONS {
            return Err(request.invalid(format!("operations holds {} operations; a request makes at most {MAX_OPERATIONS}.", items.len())));
        }
        let mut operations = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let operation = item.get("operation").and_then(Value::as_str).unwrap_or("");
            if operation != DB_QUERY && !WORKLOAD_OPERATIONS.contains(&operation) {
                return Err(request.invalid(format!("operations[{i}].operation must be one of {}, {DB_QUERY}.", WORKLOAD_OPERATIONS.join(", "))));
            }
            let params = item.get("params").cloned().unwrap_or_else(|| json!({}));
            let name = |member: &str| params.get(member).and_then(Value::as_str).unwrap_or("").to_string();
            let (member, noun) = match operation.split(':').next() {
                Some("s3") => ("Bucket", "bucket"),
                Some("dynamodb") => ("TableName", "table"),
                _ => ("DBInstanceIdentifier", "database"),
            };
            if !params.is_object() || name(member).is_empty() {
                return Err(request.invalid(format!("operations[{i}].params must be an object with {member}.")));
            }
            let target = format!("{noun} {}", name(member));
            operations.push(RequestOperation { operation: operation.to_string(), params, target });
        }
        Ok(SetWorkloadRequest { cluster: cluster_member(request), service, operations })
    }
}

/// `fis:aws:rds:reboot-db-instances`: the `DBInstances` target and the action's `forceFailover` parameter.
pub(super) struct RebootDbInstancesRequest<'a> {
    pub target: FisTarget<'a>,
    pub force_failover: bool,
}

impl<'a> RebootDbInstancesRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<RebootDbInstancesRequest<'a>, ApiError> {
        // AWS FIS actions reference, aws:rds:reboot-db-instances: "forceFailover – Optional. If the value is true,
        // and if the instances are Multi-AZ, forces failover from one Availability Zone to another. Default is false."
        let force_failover = match request.get("parameters").and_then(|p| p.get("forceFailover")) {
            None => false,
            Some(Value::String(v)) if v == "true" => true,
            Some(Value::String(v)) if v == "false" => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => return Err(ApiError::new("ValidationException", format!("forceFailover must be \"true\" or \"false\", not {other}."))),
        };
        Ok(RebootDbInstancesRequest { target: FisTarget::parse(request, "DBInstances")?, force_failover })
    }
}

impl Sim {
    /// `fis:aws:rds:reboot-db-instances`: reboots each target DB instance (ARN or identifier), with a failover for
    /// Multi-AZ instances when `forceFailover` is true (FIS skips the failover of a Single-AZ instance).
    pub(super) fn fis_reboot_db_instances(&mut self, request: RebootDbInstancesRequest) -> ApiResult {
        let arns = &request.target.resource_arns;
        let candidates: Vec<String> = self
            .rds
            .instances
            .values()
            .filter(|i| arns.is_empty() || arns.iter().any(|a| a == &i.arn || a.eq_ignore_ascii_case(&i.identifier)))
            .map(|i| i.identifier.clone())
            .collect();
        let chosen = self.fis_select(candidates, request.target.selection?);
        let context = self.rds_context();
        let mut rebooted = Vec::new();
        for id in &chosen {
            let failover = request.force_failover && self.rds.instances.get(id).is_some_and(|i| i.multi_az);
            match self.rds.reboot(id, failover, &context) {
                Ok(_) => rebooted.push(id.clone()),
                Err(e) => self.log_entry(LogKind::Fault, "fis:aws:rds:reboot-db-instances".into(), format!("AWS FIS could not reboot {id}: {}", e.message)),
            }
        }
        let how = if request.force_failover { " with a forced failover" } else { "" };
        self.log_entry(LogKind::Fault, "fis:aws:rds:reboot-db-instances".into(), format!("AWS FIS reboots {} DB instance(s){how}: {}.", rebooted.len(), rebooted.join(", ")));
        Ok(json!({ "rebootedDBInstances": rebooted }))
    }

    /// `sim:SetWorkload`: what each request to a service does; an empty `operations` removes the workload.
    pub(super) fn set_workload(&mut self, request: SetWorkloadRequest) -> ApiResult {
        let cluster = self.active_cluster(request.cluster)?;
        let Some(key) = self.services.values().find(|s| s.cluster == cluster && s.name == request.service && s.status == super::model::ServiceStatus::Active).map(|s| s.key) else {
            return Err(ApiError::new("ServiceNotFoundException", "Service not found."));
        };
        let n = request.operations.len();
        if n == 0 {
            self.request_workloads.by_service.remove(&key);
            let owners: Vec<String> = self.request_workloads.tasks.values().filter(|t| t.service == key).map(|t| t.task_id.clone()).collect();
            for owner in owners {
                self.elb.set_target_workload(&owner, WorkloadEffect::default());
            }
            self.request_workloads.tasks.retain(|_, t| t.service != key);
        } else {
            if !self.request_workloads.by_service.contains_key(&key) && self.request_workloads.by_service.len() >= MAX_WORKLOADS {
                return Err(ApiError::invalid_parameter(format!("The playground keeps at most {MAX_WORKLOADS} workloads.")));
            }
            let described: Vec<String> = request.operations.iter().map(|o| format!("{} on {}", o.operation, o.target)).collect();
            self.log_entry(LogKind::Traffic, format!("service {}", request.service), format!("Each request to {} now makes: {}.", request.service, described.join(", then ")));
            self.request_workloads.by_service.insert(key, RequestWorkload { service_name: request.service.to_string(), operations: request.operations });
            // A new workload starts its counts afresh.
            self.request_workloads.tasks.retain(|_, t| t.service != key);
        }
        Ok(json!({ "service": request.service, "operations": n }))
    }

    /// The database's answer to a task's connection: the path (security groups on the instance's port), then
    /// the instance's state. The texts are those of the PyMySQL and psycopg drivers. [UNVERIFIED] exact driver
    /// wording; the error classes and MySQL client error numbers (2003, 2013) are the drivers' own.
    fn decide_query(&self, key: TaskKey, id: &str) -> Decision {
        let id = id.to_lowercase();
        let fail = |latency_ms: u64, code: &'static str, text: String| Decision { latency_ms, error: Some(ApiError::new(code, text.clone())), text };
        let Some(db) = self.rds.instances.get(&id) else {
            return fail(DB_REFUSED_MS, "OperationalError", format!("could not translate host name \"{id}.c9akciq32.{}.rds.amazonaws.com\" to address: Name or service not known", self.scenario.region));
        };
        let host = db.address(&self.scenario.region);
        let mysql = db.engine != "postgres";
        if self.database_path(key, &id).is_some_and(|p| !p.complete()) {
            let text = if mysql {
                format!("pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on '{host}' (timed out)\")")
            } else {
                format!("psycopg.OperationalError: connection to server at \"{host}\", port {} failed: timeout expired", db.port)
            };
            return fail(DB_CONNECT_TIMEOUT_MS, "OperationalError", text);
        }
        if db.status(self.now.0) == "creating" {
            // No endpoint yet: its name does not resolve.
            return fail(DB_REFUSED_MS, "OperationalError", format!("could not translate host name \"{host}\" to address: Name or service not known"));
        }
        match db.accepts_connections(self.now.0) {
            true => Decision { latency_ms: DB_QUERY_LATENCY_MS, error: None, text: String::new() },
            false => {
                let text = if mysql {
                    format!("pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on '{host}' ([Errno 111] Connection refused)\")")
                } else {
                    format!("psycopg.OperationalError: connection to server at \"{host}\", port {} failed: Connection refused", db.port)
                };
                fail(DB_REFUSED_MS, "OperationalError", text)
            }
        }
    }

    /// Decides every operation of every RUNNING task with a workload and a load balancer target, once, for the
    /// load balancer step about to run, and sets what it does to the task's requests.
    pub(super) fn decide_request_workloads(&mut self) {
        if self.request_workloads.by_service.is_empty() {
            return;
        }
        let candidates: Vec<(TaskKey, ServiceKey, String)> = self
            .live_tasks()
            .filter(|t| t.last_status == TaskStatus::Running)
            .filter_map(|t| t.service.filter(|s| self.request_workloads.by_service.contains_key(s)).map(|s| (t.key, s, t.id.clone())))
            .filter(|(_, _, id)| self.elb.owners.get(id).is_some())
            .collect();
        let live: Vec<TaskKey> = candidates.iter().map(|c| c.0).collect();
        self.request_workloads.tasks.retain(|k, _| live.contains(k));
        for (key, service, task_id) in candidates {
            let operations = self.request_workloads.by_service[&service].operations.clone();
            let mut decisions = Vec::new();
            for op in &operations {
                let decision = if op.operation == DB_QUERY {
                    self.decide_query(key, op.params.get("DBInstanceIdentifier").and_then(Value::as_str).unwrap_or(""))
                } else {
                    let request = TaskOperationRequest { cluster: "", task: None, service: None, operation: &op.operation, params: op.params.clone() };
                    let outcome = self.operate_as(key, &request);
                    let text = outcome.answer.as_ref().err().map(|e| sdk_error_text(&op.operation, e)).unwrap_or_default();
                    Decision { latency_ms: outcome.latency_ms, error: outcome.answer.err(), text }
                };
                let failed = decision.error.is_some();
                decisions.push(decision);
                if failed {
                    break;
                }
            }
            let effect = WorkloadEffect {
                latency_ms: decisions.iter().map(|d| d.latency_ms).sum::<u64>().min(u32::MAX as u64) as u32,
                fails: decisions.last().is_some_and(|d| d.error.is_some()),
            };
            self.elb.set_target_workload(&task_id, effect);
            let n = operations.len();
            let entry = self.request_workloads.tasks.get_or_insert_with(key, || TaskWorkload {
                service,
                task_id: task_id.clone(),
                decisions: Vec::new(),
                counts: vec![OperationCounts::default(); n],
                minute: 0,
                lines_this_minute: 0,
                db_connections: Vec::new(),
                failing: vec![None; n],
            });
            entry.decisions = decisions;
        }
    }

    /// Applies the step's decisions to the requests each task answered in the window: counts each operation
    /// made, writes a sample of them to the task's log stream, and keeps the flows and connections the app draws.
    pub(super) fn apply_request_workloads(&mut self, window_ms: u64) {
        if self.request_workloads.by_service.is_empty() {
            return;
        }
        let minute = self.now.0 / 60_000;
        let keys: Vec<TaskKey> = self.request_workloads.tasks.keys().copied().collect();
        for key in keys {
            let (service, task_id) = {
                let t = &self.request_workloads.tasks[&key];
                (t.service, t.task_id.clone())
            };
            let Some(workload) = self.request_workloads.by_service.get(&service).cloned() else { continue };
            let answered = self.elb.owner_answered(&task_id);
            let mut lines = Vec::new();
            let mut onsets = Vec::new();
            let mut flows = Vec::new();
            let mut connections = Vec::new();
            {
                let task = self.request_workloads.tasks.get_mut(&key).expect("kept above");
                if task.minute != minute {
                    task.minute = minute;
                    task.lines_this_minute = 0;
                }
                for (i, decision) in task.decisions.iter().enumerate() {
                    let op = &workload.operations[i];
                    let made = answered;
                    let counts = &mut task.counts[i];
                    counts.made += made;
                    if decision.error.is_some() {
                        counts.failed += made;
                    }
                    if made > 0 && task.lines_this_minute < MAX_LINES_PER_MINUTE {
                        task.lines_this_minute += 1;
                        counts.logged += 1;
                        counts.sampled_out += made - 1;
                        lines.push(match &decision.error {
                            None => format!("{} {} ok in {} ms", op.operation, op.target, decision.latency_ms),
                            Some(_) => format!("ERROR {} {} failed: {}", op.operation, op.target, decision.text),
                        });
                    } else {
                        counts.sampled_out += made;
                    }
                    if made > 0 {
                        flows.push((op.target.clone(), made, if decision.error.is_some() { made } else { 0 }));
                    }
                    let code = decision.error.as_ref().map(|e| e.code.to_string());
                    if task.failing[i] != code {
                        onsets.push(match (&code, &task.failing[i]) {
                            (Some(c), _) if c.starts_with("AccessDenied") => (LogKind::Iam, format!("Task {}: {} on {} fails: {}", &task_id[..8.min(task_id.len())], op.operation, op.target, decision.text)),
                            (Some(_), _) => (LogKind::Traffic, format!("Task {}: {} on {} fails: {}", &task_id[..8.min(task_id.len())], op.operation, op.target, decision.text)),
                            (None, _) => (LogKind::Traffic, format!("Task {}: {} on {} succeeds again.", &task_id[..8.min(task_id.len())], op.operation, op.target)),
                        });
                        task.failing[i] = code;
                    }
                    if op.operation == DB_QUERY {
                        let id = op.params.get("DBInstanceIdentifier").and_then(Value::as_str).unwrap_or("").to_lowercase();
                        // The pool holds as many connections as the requests in flight need (Little's law: the
                        // request rate times the query time), at least one while it serves, at most the pool's
                        // size; a refused or timed-out connection holds none.
                        let open = if decision.error.is_some() || answered == 0 {
                            0
                        } else {
                            (answered * decision.latency_ms).div_ceil(window_ms.max(1)).clamp(1, POOL_MAX_CONNECTIONS)
                        };
                        connections.push((id, open));
                    }
                }
                task.db_connections = connections;
            }
            if !lines.is_empty() {
                self.write_workload_lines(key, &lines);
            }
            for (kind, message) in onsets {
                self.log_entry(kind, format!("task {}", &task_id[..8.min(task_id.len())]), message);
            }
            for (target, calls, errors) in flows {
                let flow_key = (workload.service_name.clone(), target);
                if !self.request_workloads.flows.contains_key(&flow_key) && self.request_workloads.flows.len() >= MAX_FLOWS {
                    self.request_workloads.n_flows_left_out += 1;
                    continue;
                }
                let flow = self.request_workloads.flows.get_or_default(flow_key);
                if flow.minute != minute {
                    let consecutive = flow.minute + 1 == minute;
                    flow.calls_last_minute = if consecutive { flow.calls_this_minute } else { 0 };
                    flow.errors_last_minute = if consecutive { flow.errors_this_minute } else { 0 };
                    flow.calls_this_minute = 0;
                    flow.errors_this_minute = 0;
                    flow.minute = minute;
                }
                flow.calls_this_minute += calls;
                flow.errors_this_minute += errors;
                flow.calls_total += calls;
                flow.errors_total += errors;
            }
        }
    }

    /// The request workloads, for the app and the tests.
    pub fn request_workloads(&self) -> &RequestWorkloads {
        &self.request_workloads
    }
}
