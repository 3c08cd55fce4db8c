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
    let (time, zone) = match time_iso_ms.find('.') {
        Some(dot) => (&time_iso_ms[..dot], "Z"),
        None => (time_iso_ms, ""),
    };
    let n_bytes = 40 + time.len() + message.len() + fields.iter().map(|(name, value)| name.len() + value.len() + 4).sum::<usize>() + module.len();
    let mut out = String::with_capacity(n_bytes);
    for part in ["level=", level.as_str(), " time=", time, zone, " msg="] {
        out.push_str(part);
    }
    push_quoted(&mut out, message);
    for (name, value) in fields {
        out.push(' ');
        out.push_str(name);
        out.push('=');
        if value.contains(' ') || value.contains('"') || value.is_empty() {
            push_quoted(&mut out, value);
        } else {
            out.push_str(value);
        }
    }
    out.push_str(" module=");
    out.push_str(module);
    out
}

/// Writes `text` quoted as Rust's `{:?}` writes a string. Printable ASCII other than `"` and `\` is written as
/// it is, so such a text (every message the engine writes) is copied between the quotes without the escaping
/// machinery.
fn push_quoted(out: &mut String, text: &str) {
    if text.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        out.push_str(&format!("{text:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_quotes_as_debug_formatting_does() {
        let line = agent_line(AgentLevel::Warn, "2026-01-05T09:00:30.123Z", "Container exited", &[("task", "arn:aws:ecs:task/x"), ("reason", "Essential container exited"), ("empty", "")], "agent.go");
        assert_eq!(line, "level=warn time=2026-01-05T09:00:30Z msg=\"Container exited\" task=arn:aws:ecs:task/x reason=\"Essential container exited\" empty=\"\" module=agent.go");
        // Quotes, backslashes, control and non-ASCII characters are escaped as `{:?}` escapes them.
        for text in ["say \"hi\"", "a\\b", "tab\there", "line\nbreak", "caf\u{e9} \u{200b}", "plain 'quoted'"] {
            let mut out = String::new();
            push_quoted(&mut out, text);
            assert_eq!(out, format!("{text:?}"));
        }
        assert_eq!(agent_line(AgentLevel::Info, "2026-01-05T09:00:30Z", "Loading configuration", &[], "agent.go"), "level=info time=2026-01-05T09:00:30Z msg=\"Loading configuration\" module=agent.go");
    }
}
