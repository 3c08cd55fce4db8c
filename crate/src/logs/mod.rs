//! CloudWatch Logs: log groups, streams and events with the Logs API's calls (`logs:*`), filter patterns
//! (`filter.rs`), a Logs Insights subset (`query.rs`), the `awslogs` driver as Amazon ECS applies it
//! (`awslogs.rs`) and the playground's model of what containers print (`lines.rs`).
//!
//! Sans-IO and deterministic like the rest of the crate: ordered tables only, times passed in by the
//! caller (`LogsContext::now_epoch_ms`), no PRNG. Storage is bounded per stream, per group and per account
//! (`model.rs`), the oldest events dropped first and counted.
//!
//! Wiring (for the engine, `sim/logging.rs`): route every `logs:*` call to [`LogsState::handle`]; when a task
//! starts, check and create its streams; write the container lines at the moments of the task's lifecycle;
//! apply retention each minute.

mod api;
pub mod awslogs;
pub mod filter;
pub mod lines;
mod model;
pub mod query;
mod store;

#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::api::{ApiResult, Dialect, Request};

pub use api::group_not_found;
pub use model::*;

impl LogsState {
    /// Handles a `logs:*` call. `None` when the call table does not route `call` here.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &LogsContext) -> Option<ApiResult> {
        if !crate::api::calls::handled_by(call, crate::api::calls::Handler::Logs) {
            return None;
        }
        let request = Request::new(input, Dialect::of(crate::api::calls::Service::Logs));
        if !input.is_object() {
            return Some(Err(request.invalid("The request input must be a JSON object.")));
        }
        Some(match call {
            "logs:CreateLogGroup" => self.create_log_group(&request, ctx),
            "logs:DeleteLogGroup" => self.delete_log_group(&request),
            "logs:DescribeLogGroups" => self.describe_log_groups(&request),
            "logs:DescribeLogStreams" => self.describe_log_streams(&request),
            "logs:PutRetentionPolicy" => self.put_retention_policy(&request),
            "logs:GetLogEvents" => self.get_log_events(&request),
            "logs:FilterLogEvents" => self.filter_log_events(&request),
            "logs:StartQuery" => self.start_query(&request),
            "logs:GetQueryResults" => self.get_query_results(&request),
            _ => return None,
        })
    }
}
