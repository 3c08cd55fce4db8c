//! The data of request workloads (`sim:SetWorkload`, run by `sim/request_workload.rs`): each service's operations,
//! each task's decisions and counts, and the calls flowing from a service to a bucket, table or database.

use serde_json::Value;

use crate::api::ApiError;
use crate::table::Table;

use super::model::{ServiceKey, TaskKey};

/// One operation a request makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestOperation {
    /// `s3:GetObject`, `dynamodb:PutItem`, ..., or `db:Query`.
    pub operation: String,
    /// The operation's input in the service's own shape; for `db:Query`, `DBInstanceIdentifier` and `Sql`.
    pub params: Value,
    /// What the app draws it as: `bucket example-assets`, `table visits`, `database orders`.
    pub target: String,
}

/// A service's request workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestWorkload {
    pub service_name: String,
    pub operations: Vec<RequestOperation>,
}

/// How often one operation of a task's workload was made and how it went, since the workload was set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OperationCounts {
    /// Operations made (one a request that reached it), each decided by the step's decision.
    pub made: u64,
    pub failed: u64,
    /// Operations written to the task's log stream, and those counted instead of written.
    pub logged: u64,
    pub sampled_out: u64,
}

/// One operation's decision for a step: its latency, or the error and what it cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub latency_ms: u64,
    pub error: Option<ApiError>,
    /// The error as the application logs it.
    pub text: String,
}

/// One task's workload: the decisions of the step under way and its counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskWorkload {
    pub service: ServiceKey,
    pub task_id: String,
    /// The decisions of the current step, one per operation up to the first failure.
    pub decisions: Vec<Decision>,
    pub counts: Vec<OperationCounts>,
    /// The minute the line budget is for, and the lines written in it.
    pub minute: u64,
    pub lines_this_minute: u64,
    /// Open connections to each database: `(DB instance identifier, connections)`.
    pub db_connections: Vec<(String, u64)>,
    /// The error code each operation last failed with, to log the onset and the end of a failure once.
    pub failing: Vec<Option<String>>,
}

/// The calls of one service to one bucket, table or database, per minute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlowCounts {
    pub minute: u64,
    pub calls_this_minute: u64,
    pub errors_this_minute: u64,
    pub calls_last_minute: u64,
    pub errors_last_minute: u64,
    pub calls_total: u64,
    pub errors_total: u64,
}

/// Every request workload of the run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestWorkloads {
    pub by_service: Table<ServiceKey, RequestWorkload>,
    pub tasks: Table<TaskKey, TaskWorkload>,
    /// `(service name, target)` to its calls.
    pub flows: Table<(String, String), FlowCounts>,
    pub n_flows_left_out: u64,
}
