//! The data of the ECS agent logs (`sim/agent_log.rs` writes and reads them): each EC2 container instance's
//! lines, their bounds, and the view of them.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use crate::placement::NodeKey;

/// Lines kept per container instance.
pub const MAX_AGENT_LOG_LINES: usize = 200;
/// Container instances whose agent log is kept.
pub const MAX_AGENT_LOGS: usize = 100;
/// Lines of each instance's log the view carries, the newest.
pub const MAX_VIEW_AGENT_LOG_LINES: usize = 60;

/// A log line's level, as the agent writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentLevel {
    Info,
    Warn,
    Error,
}

impl AgentLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentLevel::Info => "info",
            AgentLevel::Warn => "warn",
            AgentLevel::Error => "error",
        }
    }
}

/// One instance's agent log.
#[derive(Clone, Debug, Default)]
pub(crate) struct AgentLog {
    pub lines: VecDeque<Rc<str>>,
    pub n_dropped: u64,
    /// Lines written so far (a key for the app's lists).
    pub n_written: u64,
}

/// The agent logs of the container instances.
#[derive(Clone, Debug, Default)]
pub(crate) struct AgentLogs {
    pub by_instance: BTreeMap<NodeKey, AgentLog>,
}

/// An instance's agent log as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentLogView {
    pub ec2_instance_id: String,
    pub container_instance_id: String,
    /// The newest [`MAX_VIEW_AGENT_LOG_LINES`] lines, oldest first, each with its number in the log.
    pub lines: Vec<(u64, Rc<str>)>,
    /// Lines the view leaves out plus lines the log dropped.
    pub n_left_out: u64,
}

/// A line in the agent's logfmt format: level, time to the second, quoted message, fields, module.
pub fn agent_line(level: AgentLevel, time_iso_ms: &str, message: &str, fields: &[(&str, &str)], module: &str) -> String {
    // `2026-01-05T09:00:30.123Z` is written `2026-01-05T09:00:30Z`.
    let time = match time_iso_ms.find('.') {
        Some(dot) => format!("{}Z", &time_iso_ms[..dot]),
        None => time_iso_ms.to_string(),
    };
    let mut out = format!("level={} time={time} msg={message:?}", level.as_str());
    for (name, value) in fields {
        if value.contains(' ') || value.contains('"') || value.is_empty() {
            out.push_str(&format!(" {name}={value:?}"));
        } else {
            out.push_str(&format!(" {name}={value}"));
        }
    }
    out.push_str(&format!(" module={module}"));
    out
}
