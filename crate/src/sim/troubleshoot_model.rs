//! The troubleshooter's data (a leaf, no `impl Sim`): a check with its verdict and evidence, the fix as a
//! call, a task's report, and the cache of the view's reports. `troubleshoot.rs` fills them.

use serde_json::Value;

use super::model::TaskKey;

/// A check's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// Nothing of the task needs it.
    NotApplicable,
}

impl Verdict {
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Pass => "OK",
            Verdict::Fail => "Problem found",
            Verdict::NotApplicable => "Not applicable",
        }
    }
}

/// One check of the runbook, with the evidence it read (route tables, hops, policy verdicts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The runbook's wording of what it analyzes.
    pub name: &'static str,
    pub verdict: Verdict,
    pub evidence: Vec<String>,
}

/// The fix, as the AWS call that makes it.
#[derive(Clone, Debug, PartialEq)]
pub struct FixCall {
    pub call: String,
    pub input: Value,
    /// What the call does, in a sentence.
    pub summary: String,
}

/// The troubleshooter's report on one stopped task.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskTroubleshooting {
    pub task_id: String,
    pub cluster: String,
    pub service_name: Option<String>,
    pub stop_code: String,
    pub stopped_reason: String,
    pub checks: Vec<Check>,
    /// The root cause in a sentence (or, for a task that ran, what its exit codes say).
    pub root_cause: String,
    pub fix: Option<FixCall>,
}

/// The stopped tasks the view troubleshoots, newest first, at most.
pub const MAX_VIEW_TROUBLESHOOTING: usize = 8;

/// What the reports depend on: the calls applied (a route, a policy, an endpoint), the tasks stopped (the
/// newest stopped task and how many the list holds), and the NAT gateways available by now.
pub(super) type CacheKey = (u64, usize, Option<TaskKey>, usize);

/// The reports of the last view, rebuilt only when their key changes: each publish would otherwise run
/// every check again for tasks whose reports cannot have changed.
#[derive(Default)]
pub struct TroubleshootCache(pub(super) std::cell::RefCell<Option<(CacheKey, Vec<TaskTroubleshooting>, u64)>>);

/// A copy of the engine (a checkpoint) starts with an empty cache: the reports are derived data, built
/// again on the copy's first view.
impl Clone for TroubleshootCache {
    fn clone(&self) -> Self {
        TroubleshootCache::default()
    }
}


/// The troubleshooter's report on a service that has not reached a steady state (or, once it has, the same
/// checks passing): the console's and the runbook's checks run against the service, each with its verdict and
/// evidence (the service event, the stopped reason, the target health reason, the metric), the root cause and
/// the fix as a call.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceTroubleshooting {
    pub cluster: String,
    pub service_name: String,
    /// The service has reached a steady state: every desired task runs in its one deployment.
    pub steady: bool,
    /// `desired 6, running 4, pending 2`.
    pub counts: String,
    pub checks: Vec<Check>,
    pub root_cause: String,
    pub fix: Option<FixCall>,
    /// The stopped task whose report gave the root cause, when a task's failure did.
    pub from_task_id: Option<String>,
}
