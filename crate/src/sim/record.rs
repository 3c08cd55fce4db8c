//! What a run gives back and keeps: the event log (`LogKind`, `LogEntry`), the user's calls recorded for
//! replay, the journal of write calls that succeeded, the metric sample of each simulated minute, and how far an advance got.

use serde_json::Value;

use crate::time::SimTime;

/// The most entries the event log (`Sim::log`) holds. When it is full, the oldest
/// [`LOG_DROP_BATCH`] entries go at once (so adding an entry stays cheap) and
/// `Sim::n_log_entries_dropped` counts them: the log holds the newest
/// 9,001 to 10,000 entries of a long run.
pub const MAX_LOG_ENTRIES: usize = 10_000;
/// How many of the oldest log entries go when the log is full.
pub const LOG_DROP_BATCH: usize = 1_000;
/// The most user calls a run records (`Sim::recorded_calls`, the replay record
/// behind share links and rewind). Past it `Sim::call` refuses a call with
/// `RecordedCallLimitExceeded` and changes nothing.
pub const MAX_RECORDED_CALLS: usize = 10_000;
/// Cluster metric samples kept (`Sim::metrics`): one a simulated minute, the last 24 hours.
pub const MAX_METRIC_SAMPLES: usize = 1_440;

/// What a line of the event log is about. The core and the app share it: every kind can be filtered on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogKind {
    /// An API call as made (its input in [`LogEntry::input`]).
    Call,
    /// A call refused with AWS's error, or a scenario step that could not be read.
    Error,
    /// A service event, as DescribeServices lists them.
    Service,
    /// A task's state change.
    Task,
    /// An EC2 instance or container instance change.
    Instance,
    /// A task definition registered or deregistered.
    TaskDefinition,
    /// A fault injected (AWS Fault Injection Service actions, zone disruptions).
    Fault,
    /// An IAM decision that stopped a task or refused its call.
    Iam,
    /// A storage event (EFS mounts, files).
    Storage,
    /// Load balancer traffic and target health.
    Traffic,
    /// A scaling activity (Application Auto Scaling, EC2 Auto Scaling, capacity providers).
    Scaling,
    /// A CloudWatch alarm changing state.
    Alarm,
}

impl LogKind {
    /// Every kind, in the order the app's filter lists them.
    pub const ALL: [LogKind; 12] = [
        LogKind::Call,
        LogKind::Error,
        LogKind::Service,
        LogKind::Task,
        LogKind::Instance,
        LogKind::TaskDefinition,
        LogKind::Fault,
        LogKind::Iam,
        LogKind::Storage,
        LogKind::Traffic,
        LogKind::Scaling,
        LogKind::Alarm,
    ];

    /// The kind's name in the CLI's `--describe` output and the app's CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Call => "call",
            LogKind::Error => "error",
            LogKind::Service => "service",
            LogKind::Task => "task",
            LogKind::Instance => "instance",
            LogKind::TaskDefinition => "taskdef",
            LogKind::Fault => "fault",
            LogKind::Iam => "iam",
            LogKind::Storage => "storage",
            LogKind::Traffic => "traffic",
            LogKind::Scaling => "scaling",
            LogKind::Alarm => "alarm",
        }
    }

    /// What the app's filter calls the kind.
    pub fn label(self) -> &'static str {
        match self {
            LogKind::Call => "API calls",
            LogKind::Error => "Errors",
            LogKind::Service => "Service events",
            LogKind::Task => "Tasks",
            LogKind::Instance => "Instances",
            LogKind::TaskDefinition => "Task definitions",
            LogKind::Fault => "Faults",
            LogKind::Iam => "IAM",
            LogKind::Storage => "Storage",
            LogKind::Traffic => "Traffic",
            LogKind::Scaling => "Scaling",
            LogKind::Alarm => "Alarms",
        }
    }
}

/// One line of the event log: a call, a service event, or a state change.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub time: SimTime,
    pub kind: LogKind,
    /// The call name for calls (`ecs:RunTask`), otherwise the resource (`service web`, `task 1a2b...`).
    pub subject: String,
    pub message: String,
    /// The call's input, for calls.
    pub input: Option<Value>,
}

/// How far `Sim::advance_to` got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    pub n_events: u32,
    /// False when the event budget ran out before the target time.
    pub reached: bool,
}

/// A user call recorded for replay: applied after `n_events` processed events, at `time`.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedCall {
    pub time: SimTime,
    pub n_events: u64,
    pub call: String,
    pub input: Value,
}

/// One write call that succeeded, kept in the run's journal (`Sim::journal`) with its input as applied (a
/// scenario step's `${...}` substituted) and AWS's answer: what the exports (`export/`) read. The journal is
/// bounded by what can be applied (a scenario's steps and at most [`MAX_RECORDED_CALLS`] user calls) and is not
/// part of the trace hash.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalEntry {
    pub time: SimTime,
    /// The call as IAM names its action (`ecs:CreateService`).
    pub call: String,
    pub input: Value,
    /// The answer, in AWS's output shape.
    pub output: Value,
}

/// One sample of cluster metrics, taken every simulated minute.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSample {
    pub time: SimTime,
    pub cpu_reservation_percent: f64,
    pub memory_reservation_percent: f64,
    pub running_tasks: u32,
    pub pending_tasks: u32,
    /// Cost to date and cost per hour at this minute by capacity type, micro-dollars, in the order of
    /// `scaling::CAPACITY_TYPES` (EC2, FARGATE, FARGATE_SPOT).
    pub cost_to_date_micro_usd: [u64; 3],
    pub cost_per_hour_micro_usd: [u64; 3],
}
