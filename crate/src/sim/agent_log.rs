//! The Amazon ECS container agent's own log on each EC2 container instance (`/var/log/ecs/ecs-agent.log`, ECSDG
//! logs.md): the lines the agent writes when it starts and registers, pulls a task's images, moves a task and
//! its containers through their statuses, stops them, and when its instance is deregistered. Each line is in
//! the agent's default `logfmt` format, `level=info time=2019-12-12T23:43:29Z msg="Loading configuration"
//! module=agent.go` (agent 1.36.0 and later; the format and the start-up lines are quoted from a real log in
//! the agent's logger tests and public transcripts). The messages of the pull and transition lines are
//! [UNVERIFIED]: they follow the agent's wording as remembered from its source, not a quoted log.
//!
//! Each instance keeps its newest [`MAX_AGENT_LOG_LINES`] lines and counts the ones it dropped; the logs of at
//! most [`MAX_AGENT_LOGS`] instances are kept (the oldest instance's log goes first). Writing draws nothing from
//! the PRNG and schedules nothing.

use std::rc::Rc;

use crate::placement::NodeKey;

pub use super::agent_log_model::*;
use super::engine::Sim;
use super::model::{LaunchType, TaskKey, TaskStatus};

impl Sim {
    /// Appends a line to the agent log of `node`, written at `time_iso` (now, as [`Sim::iso_time`] gives it: a
    /// caller writing several lines formats the time once).
    fn agent_write(&mut self, node: NodeKey, time_iso: &str, level: AgentLevel, message: &str, fields: &[(&str, &str)], module: &str) {
        let line: Rc<str> = agent_line(level, time_iso, message, fields, module).into();
        let logs = &mut self.agent_logs.by_instance;
        if !logs.contains_key(&node) && logs.len() >= MAX_AGENT_LOGS {
            logs.pop_first();
        }
        let log = logs.entry(node).or_default();
        if log.lines.len() >= MAX_AGENT_LOG_LINES {
            log.lines.pop_front();
            log.n_dropped += 1;
        }
        log.lines.push_back(line);
        log.n_written += 1;
    }

    /// The agent starts and registers its instance (agent.go's start-up lines).
    pub(super) fn agent_log_registered(&mut self, node: NodeKey) {
        let Some(ci) = self.container_instances.get(&node) else { return };
        let (arn, cluster) = (ci.arn.clone(), ci.cluster.clone());
        let time = self.iso_time(self.now);
        self.agent_write(node, &time, AgentLevel::Info, "Loading configuration", &[], "agent.go");
        self.agent_write(node, &time, AgentLevel::Info, "Amazon ECS agent Version: 1.99.0, Commit: 4f2b9c1e", &[], "agent.go");
        self.agent_write(node, &time, AgentLevel::Info, &format!("Registration completed successfully. I am running as '{arn}' in cluster '{cluster}'"), &[], "agent.go");
    }

    /// The agent's lines for a task of an EC2 container instance that moved to `status`: its transition, and the
    /// image pulls (PENDING, ACTIVATING), its containers running (RUNNING) or being stopped (STOPPING).
    pub(super) fn agent_log_task_status(&mut self, key: TaskKey, status: TaskStatus) {
        let Some(task) = self.tasks.get(&key) else { return };
        let Some(node) = task.node.filter(|_| task.launch_type == LaunchType::Ec2) else { return };
        let task_arn = task.arn.clone();
        let time = self.iso_time(self.now);
        let containers: Vec<(String, String, Option<i64>)> = task.containers.iter().map(|c| (c.name.clone(), c.image.clone(), c.exit_code)).collect();
        let elapsed = match (task.pull_started_at, task.pull_stopped_at) {
            (Some(a), Some(b)) => format!("{}ms", b.0.saturating_sub(a.0)),
            _ => String::new(),
        };
        match status {
            TaskStatus::Pending => {
                for (name, image, _) in &containers {
                    self.agent_write(node, &time, AgentLevel::Info, "Pulling image for container concurrently", &[("task", &task_arn), ("container", name), ("image", image)], "docker_task_engine.go");
                }
            }
            TaskStatus::Activating => {
                for (name, image, _) in &containers {
                    self.agent_write(node, &time, AgentLevel::Info, "Finished pulling image for container", &[("task", &task_arn), ("container", name), ("image", image), ("elapsed", &elapsed)], "docker_task_engine.go");
                }
            }
            TaskStatus::Running => {
                for (name, _, _) in &containers {
                    self.agent_write(node, &time, AgentLevel::Info, "Container change also resulted in task change", &[("task", &task_arn), ("container", name), ("runtimeID", &name.chars().rev().collect::<String>()), ("status", "RUNNING")], "task_manager.go");
                }
            }
            TaskStatus::Stopping => {
                for (name, _, _) in &containers {
                    self.agent_write(node, &time, AgentLevel::Info, "Stopping container", &[("task", &task_arn), ("container", name)], "docker_task_engine.go");
                }
            }
            _ => {}
        }
        self.agent_write(node, &time, AgentLevel::Info, "Task status transitioned", &[("task", &task_arn), ("knownStatus", status.as_aws())], "task_manager.go");
    }

    /// A container of a task on an EC2 instance exited.
    pub(super) fn agent_log_container_exit(&mut self, key: TaskKey, container_idx: u32, exit_code: i64) {
        let Some(task) = self.tasks.get(&key) else { return };
        let Some(node) = task.node.filter(|_| task.launch_type == LaunchType::Ec2) else { return };
        let Some(container) = task.containers.get(container_idx as usize) else { return };
        let (task_arn, name, reason) = (task.arn.clone(), container.name.clone(), container.reason.clone().unwrap_or_default());
        let level = if exit_code == 0 { AgentLevel::Info } else { AgentLevel::Warn };
        let time = self.iso_time(self.now);
        let code = exit_code.to_string();
        let mut fields = vec![("task", task_arn.as_str()), ("container", name.as_str()), ("exitCode", code.as_str())];
        if !reason.is_empty() {
            fields.push(("reason", reason.as_str()));
        }
        self.agent_write(node, &time, level, "Container exited", &fields, "docker_task_engine.go");
    }

    /// The instance is deregistered from its cluster (the agent is told so and stops).
    pub(super) fn agent_log_deregistered(&mut self, node: NodeKey, reason: &str) {
        if !self.container_instances.contains_key(&node) {
            return;
        }
        let time = self.iso_time(self.now);
        self.agent_write(node, &time, AgentLevel::Warn, "Container instance is deregistered; the agent stops", &[("reason", reason)], "agent.go");
    }

    /// The agent log of the container instance on `ec2_instance_id` (or with that container instance id or ARN):
    /// every line kept, oldest first, and how many were dropped.
    pub(crate) fn agent_log_of(&self, reference: &str) -> Option<(Vec<Rc<str>>, u64)> {
        let node = self.container_instances.values().find(|ci| ci.arn == reference || ci.id == reference || self.ec2.get(&ci.ec2).is_some_and(|e| e.instance_id == reference))?.key;
        let log = self.agent_logs.by_instance.get(&node)?;
        Some((log.lines.iter().cloned().collect(), log.n_dropped))
    }

    /// `sim:GetAgentLog`: the agent log of one container instance, named by its EC2 instance id, its container
    /// instance id or ARN (`instance`), every line kept and how many were dropped.
    pub(super) fn get_agent_log(&self, request: &crate::api::Request) -> crate::api::ApiResult {
        let reference = request.required_string("instance")?;
        let Some((lines, n_dropped)) = self.agent_log_of(reference) else {
            return Err(request.invalid(format!("No container instance {reference} has an ECS agent log: name a registered EC2 container instance by its EC2 instance id (i-...), container instance id or ARN.")));
        };
        Ok(serde_json::json!({ "instance": reference, "logFile": "/var/log/ecs/ecs-agent.log", "lines": lines.iter().map(|l| l.as_ref()).collect::<Vec<_>>(), "droppedLines": n_dropped }))
    }

    pub(crate) fn agent_logs_view(&self) -> Vec<AgentLogView> {
        self.agent_logs
            .by_instance
            .iter()
            .filter_map(|(node, log)| {
                let ci = self.container_instances.get(node)?;
                let first = log.n_written - log.lines.len() as u64;
                let skip = log.lines.len().saturating_sub(MAX_VIEW_AGENT_LOG_LINES);
                Some(AgentLogView {
                    ec2_instance_id: self.ec2.get(&ci.ec2).map(|e| e.instance_id.clone()).unwrap_or_default(),
                    container_instance_id: ci.id.clone(),
                    lines: log.lines.iter().enumerate().skip(skip).map(|(i, line)| (first + i as u64, line.clone())).collect(),
                    n_left_out: skip as u64 + log.n_dropped,
                })
            })
            .collect()
    }
}
