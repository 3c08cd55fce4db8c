//! What an application in a task does with S3 and DynamoDB: `sim:TaskOperation` makes one operation from each
//! running task it selects, as that task's SDK would. Each operation is decided once, in this order: the
//! credentials (the task role, or the instance role on EC2), the network path to the service ([`network_path`],
//! the hook the VPC model fills in), IAM (with the bucket policy for S3), then the target's existence and state; it
//! costs latency, is logged to the task's log stream and access log, and fails with the error the SDK raises.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult, Request};
use crate::s3::Caller;

use super::engine::Sim;
use super::model::{AccessRecord, TaskKey, TaskStatus, ACCOUNT_ID};
use super::record::LogKind;
use super::requests::{cluster_member, short_name};

/// The operations a task's workload can make.
pub const WORKLOAD_OPERATIONS: &[&str] = &[
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:UpdateItem",
    "s3:DeleteObject",
    "s3:GetObject",
    "s3:HeadObject",
    "s3:ListObjectsV2",
    "s3:PutObject",
];

/// The latency of one operation from a task in the same Region, in milliseconds. [UNVERIFIED] typical figures:
/// DynamoDB documents single-digit millisecond latency; S3 first-byte latency is tens of milliseconds.
pub fn operation_latency_ms(operation: &str) -> u64 {
    match operation {
        "dynamodb:Query" | "dynamodb:Scan" => 8,
        op if op.starts_with("dynamodb:") => 5,
        "s3:HeadObject" => 15,
        "s3:ListObjectsV2" => 30,
        "s3:PutObject" => 40,
        _ => 25,
    }
}

/// `sim:TaskOperation`: which tasks, and the operation with its parameters in the service's own input shape.
pub(super) struct TaskOperationRequest<'a> {
    pub cluster: &'a str,
    pub task: Option<&'a str>,
    pub service: Option<&'a str>,
    pub operation: &'a str,
    pub params: Value,
}

impl<'a> TaskOperationRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<TaskOperationRequest<'a>, ApiError> {
        let operation = request.str("operation").unwrap_or("");
        if !WORKLOAD_OPERATIONS.contains(&operation) {
            return Err(request.invalid(format!("operation must be one of {}.", WORKLOAD_OPERATIONS.join(", "))));
        }
        let params = request.get("params").cloned().unwrap_or_else(|| json!({}));
        if !params.is_object() {
            return Err(request.invalid("params must be an object: the operation's input, as the SDK takes it."));
        }
        let task = request.str("task").map(short_name);
        let service = request.str("service").map(short_name);
        if task.is_none() && service.is_none() {
            return Err(request.invalid("sim:TaskOperation needs a task or a service."));
        }
        Ok(TaskOperationRequest { cluster: cluster_member(request), task, service, operation, params })
    }
}

/// One operation's outcome, as the task's SDK saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationOutcome {
    pub answer: Result<Value, ApiError>,
    pub latency_ms: u64,
    /// The resource the operation was authorized on.
    pub resource: String,
}

/// The SDK's rendering of an error, as an application logs it (botocore's wording).
pub fn sdk_error_text(operation: &str, error: &ApiError) -> String {
    let op = operation.split_once(':').map(|(_, o)| o).unwrap_or(operation);
    format!("An error occurred ({}) when calling the {op} operation: {}", error.code, error.message)
}

impl Sim {
    /// Whether a task can reach `service` (`s3`, `dynamodb`) over the network: the VPC model's path (an
    /// interface or gateway endpoint, a NAT gateway, a public IP and an internet gateway). A VPC whose routing
    /// is not modelled reaches every Regional endpoint. The error is botocore's `ConnectTimeoutError` text.
    pub(super) fn network_path(&self, task: TaskKey, service: &str) -> Result<(), String> {
        let Some(source) = self.task_source(task) else { return Ok(()) };
        let region = self.scenario.region.as_str();
        let reach = self.vpc.reach(&source, &crate::vpc::Destination::service(service), region, self.now.0);
        if reach.complete() {
            Ok(())
        } else {
            Err(format!("Connect timeout on endpoint URL: \"https://{service}.{region}.amazonaws.com/\""))
        }
    }

    /// Makes one operation as the task with key `key`; decides it and applies it to S3 or DynamoDB.
    pub(super) fn operate_as(&mut self, key: TaskKey, request: &TaskOperationRequest) -> OperationOutcome {
        let (operation, params) = (request.operation, &request.params);
        let task = &self.tasks[&key];
        let instance_role = task
            .node
            .and_then(|n| self.container_instances.get(&n))
            .and_then(|ci| self.ec2.get(&ci.ec2))
            .and_then(|e| e.instance_profile.as_deref())
            .and_then(|p| self.iam.instance_profile_role(p));
        let principal = task.task_role_arn.clone().or(instance_role).and_then(|r| self.iam.resolve_role_arn(&r).or(Some(r)));
        let session = task.id.clone();
        let service = operation.split(':').next().unwrap_or("");
        let latency_ms = operation_latency_ms(operation);
        let param = |name: &str| params.get(name).and_then(Value::as_str).unwrap_or("").to_string();
        let resource = if service == "s3" {
            if operation == "s3:ListObjectsV2" {
                crate::s3::bucket_arn(&param("Bucket"))
            } else {
                crate::s3::object_arn(&param("Bucket"), &param("Key"))
            }
        } else {
            format!("arn:aws:dynamodb:{}:{ACCOUNT_ID}:table/{}", self.scenario.region, param("TableName"))
        };
        let outcome = |answer| OperationOutcome { answer, latency_ms, resource: resource.clone() };
        let Some(role) = principal else {
            // botocore's text when no credentials are found.
            return outcome(Err(ApiError::new("NoCredentialsError", "Unable to locate credentials")));
        };
        if let Err(reason) = self.network_path(key, service) {
            // The SDK's connect timeout (botocore's ConnectTimeoutError) after its default 60 s.
            return OperationOutcome { answer: Err(ApiError::new("ConnectTimeoutError", reason)), latency_ms: 60_000, resource };
        }
        self.record_call_traffic(key, service);
        if service == "s3" {
            let caller = Caller::Role { role_arn: &role, session: &session };
            let ctx = self.s3_context();
            let s3 = &mut self.s3;
            let iam = &self.iam;
            let answer = match operation {
                "s3:GetObject" | "s3:HeadObject" => s3.get_object(caller, &param("Bucket"), &param("Key"), iam).map(|o| json!({ "ContentLength": o.size_bytes, "ETag": o.etag })),
                "s3:PutObject" => s3.put_object(caller, &param("Bucket"), &param("Key"), &param("Body"), None, &ctx, iam).map(|etag| json!({ "ETag": etag })),
                "s3:DeleteObject" => s3.delete_object(caller, &param("Bucket"), &param("Key"), iam).map(|_| json!({})),
                _ => {
                    let query = crate::s3::ListQuery::under(&param("Prefix"));
                    s3.list_objects(caller, &param("Bucket"), &query, iam).map(|page| json!({ "KeyCount": page.contents.len(), "Keys": page.contents.iter().map(|o| o.key.clone()).collect::<Vec<_>>() }))
                }
            };
            let answer = outcome(answer);
            self.deliver_s3_events();
            return answer;
        }
        let decision = self.iam.role_allows(&role, operation, &resource);
        if !decision.is_allowed() {
            let role_name = role.rsplit('/').next().unwrap_or(&role);
            let ending = if decision.effect == crate::iam::DecisionEffect::ExplicitDeny {
                "with an explicit deny in an identity-based policy".to_string()
            } else {
                format!("because no identity-based policy allows the {operation} action")
            };
            // text: DynamoDB's AccessDeniedException, resource unquoted (../shared/reference/integrations-export.md §3.5).
            let message = format!("User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/{session} is not authorized to perform: {operation} on resource: {resource} {ending}");
            return outcome(Err(ApiError::new("AccessDeniedException", message)));
        }
        let ctx = self.dynamodb_context();
        let answer = self.dynamodb.handle(operation, params, &ctx).unwrap_or_else(|| Err(ApiError::new("UnknownOperationException", operation.to_string())));
        outcome(answer)
    }

    /// `sim:TaskOperation`: every RUNNING task the request selects makes the operation once.
    pub(super) fn task_operation(&mut self, request: TaskOperationRequest) -> ApiResult {
        let cluster = self.active_cluster(request.cluster)?;
        let keys: Vec<TaskKey> = self
            .live_tasks()
            .filter(|t| t.cluster == cluster && t.last_status == TaskStatus::Running)
            .filter(|t| request.task.is_none_or(|id| t.id == id || t.id.starts_with(id)))
            .filter(|t| request.service.is_none_or(|s| t.service.and_then(|k| self.services.get(&k)).is_some_and(|svc| svc.name == s)))
            .map(|t| t.key)
            .collect();
        if keys.is_empty() {
            return Err(ApiError::invalid_parameter("No RUNNING task matches; the operation needs a running task to make it."));
        }
        let mut results = Vec::new();
        for key in keys {
            let outcome = self.operate_as(key, &request);
            let task = &self.tasks[&key];
            let (id8, task_arn) = (task.id[..8].to_string(), task.arn.clone());
            let principal = task.task_role_arn.clone().unwrap_or_else(|| "(instance role or none)".to_string());
            let (ok, text) = match &outcome.answer {
                Ok(_) => (true, format!("{} succeeded in {} ms", request.operation, outcome.latency_ms)),
                Err(e) => (false, sdk_error_text(request.operation, e)),
            };
            let kind = if outcome.answer.as_ref().is_err_and(|e| e.code.starts_with("AccessDenied")) { LogKind::Iam } else { LogKind::Storage };
            self.log_entry(kind, format!("task {id8}"), format!("Task {id8}: {text}"));
            let record = AccessRecord { time: self.now, action: request.operation.to_string(), resource: outcome.resource.clone(), allowed: ok, principal, explanation: text.clone() };
            if let Some(task) = self.tasks.get_mut(&key) {
                task.access_log.push(record);
                if task.access_log.len() > 100 {
                    task.access_log.remove(0);
                }
            }
            let mut result = json!({ "taskArn": task_arn, "operation": request.operation, "latencyMs": outcome.latency_ms });
            match outcome.answer {
                Ok(answer) => result["output"] = answer,
                Err(e) => result["error"] = json!({ "Code": e.code, "Message": e.message, "Text": text }),
            }
            results.push(result);
        }
        Ok(json!({ "results": results }))
    }
}
