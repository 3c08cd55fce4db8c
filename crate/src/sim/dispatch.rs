//! The dispatcher: every call goes through `Sim::apply_call`, which records it in the trace and the log,
//! finds its row in the call table (`api::calls`), and hands it to the model the row names, building only
//! the context that model needs.

use serde_json::Value;

use super::{LogKind, Sim, ELB_STEP_MS};
use crate::api::calls::{self, Handler};
use crate::api::{ApiError, ApiResult, Dialect};

/// The answer to a call the table does not list.
pub(crate) fn unknown_call(call: &str) -> ApiError {
    ApiError::new(
        "UnknownOperationException",
        format!("The playground does not know the call '{call}'. Calls are written service:Operation, for example ecs:RunTask."),
    )
}

impl Sim {
    /// Applies `call` at the current time: folds it into the trace, logs it, and answers it in AWS's output
    /// shape or with AWS's error (logged too). The one entry point of scenario steps and user calls.
    pub(crate) fn apply_call(&mut self, call: &str, input: Value) -> ApiResult {
        self.trace.write_str(call);
        self.trace.write_str(&input.to_string());
        self.trace.end_record();
        self.log_entry(LogKind::Call, call.to_string(), String::new(), Some(input.clone()));
        let Some(row) = calls::find(call) else {
            let error = if input.is_object() { unknown_call(call) } else { not_an_object(Dialect::Ecs) };
            return self.error(call, error);
        };
        if !input.is_object() {
            return self.error(call, not_an_object(Dialect::of(row.service)));
        }
        let answer = match row.handler {
            Handler::Engine => self.engine_call(call, &input),
            Handler::Iam => {
                let now_iso = self.iso_time(self.now);
                self.iam.handle(call, &input, &now_iso).unwrap_or_else(|| Err(unknown_call(call)))
            }
            Handler::Efs => {
                let context = self.efs_context();
                self.efs.handle(call, &input, &context).unwrap_or_else(|| Err(unknown_call(call)))
            }
            Handler::Elb => {
                let context = self.elb_context();
                let answer = self.elb.handle(call, &input, &context).unwrap_or_else(|| Err(unknown_call(call)));
                if answer.is_ok() && self.elb_window_start.is_none() && !self.elb.load_balancers.is_empty() {
                    // Health checks and traffic run in fixed steps once a load balancer exists.
                    self.elb_window_start = Some(self.now);
                    self.schedule(self.now.plus_ms(ELB_STEP_MS), super::Ev::ElbStep);
                }
                answer
            }
            Handler::Scaling => self.scaling_call(call, &input),
        };
        answer.or_else(|error| self.error(call, error))
    }
}

/// The refusal of an input that is not a JSON object, in the service's dialect.
fn not_an_object(dialect: Dialect) -> ApiError {
    ApiError::new(dialect.validation_code(), "The request input must be a JSON object.")
}
