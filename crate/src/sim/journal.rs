//! The journal of a run: every write call that succeeded, in the order it was applied, with its input as
//! applied (a scenario step's `${...}` already substituted) and AWS's answer. The exports (`export/`) read it:
//! the CloudFormation template folds it into the resources that stand, the AWS CLI script replays it.
//!
//! It is bounded by what can be applied: a scenario's steps plus at most `MAX_RECORDED_CALLS` user calls.
//! It is not part of the trace hash.

use serde_json::Value;

use crate::time::SimTime;

use super::engine::Sim;

/// One write call that succeeded.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalEntry {
    pub time: SimTime,
    /// The call as IAM names its action (`ecs:CreateService`).
    pub call: String,
    pub input: Value,
    /// The answer, in AWS's output shape.
    pub output: Value,
}

impl Sim {
    /// Every write call that succeeded so far, in the order it was applied.
    pub fn journal(&self) -> &[JournalEntry] {
        &self.journal
    }
}
