//! Amazon S3: general purpose buckets and their objects, bucket policies decided together with the caller's
//! identity-based policy, S3's 404-or-403 rule for a missing key, and EventBridge delivery of Object Created events.
//!
//! Sans-IO and deterministic like the rest of the crate: ordered maps only, times passed in by the caller
//! (`S3Context`). The learner's calls come through [`S3State::handle`] as the account's administrator; a task's
//! workload calls the typed operations (`get_object`, `put_object`, ...) as its task role.

mod access;
mod api;
mod model;

#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::api::calls::{handled_by, Handler};
use crate::api::{ApiResult, Dialect, Request};
use crate::iam::IamState;

pub use access::{access_denied, caller_name, decide, DenialReason};
pub use api::{no_such_bucket, no_such_key, valid_bucket_name, ListPage, ListQuery};
pub use model::*;

impl S3State {
    /// Handles an `s3:*` call. `None` when the call table does not route `call` here.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &S3Context, iam: &IamState) -> Option<ApiResult> {
        if !handled_by(call, Handler::S3) {
            return None;
        }
        let request = Request::new(input, Dialect::S3);
        if !input.is_object() {
            return Some(Err(request.invalid("The request input must be a JSON object.")));
        }
        self.call(call, &request, ctx, iam)
    }
}
