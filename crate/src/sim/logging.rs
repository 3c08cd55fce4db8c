//! The engine's side of CloudWatch Logs (`logs/`): the `awslogs` driver checked and its streams created when
//! a task starts (group missing, `awslogs-create-group`, the execution role's `logs:CreateLogGroup` and
//! `logs:PutLogEvents`), and the lines each container writes at the moments of its task's lifecycle: start-up
//! when RUNNING, a sample of the requests its load balancer targets served each minute, SIGTERM on stop, the
//! last lines before an exit. Writing logs schedules no event and draws nothing from the run's PRNG, so a run's
//! trace is the same with or without them; retention runs on the minute's metric sample.

use crate::logs::awslogs::{self, AwslogsConfig, LaunchKind, LoggingFailure};
use crate::logs::lines::{self, RequestSample};
use crate::logs::{ContainerStream, DeferredMessages, LogMessage, LogsContext, LogsState};

use super::engine::Sim;
use super::model::{LaunchType, TaskKey, TaskStatus};

impl Sim {
    pub(super) fn logs_context(&self) -> LogsContext {
        LogsContext { now_epoch_ms: self.scenario.start_epoch_ms + self.now.0 }
    }

    /// CloudWatch Logs of the account, for the app.
    pub fn logs(&self) -> &LogsState {
        &self.logging.logs
    }

    /// Lines lost because an execution role may not `logs:PutLogEvents`.
    pub fn n_undelivered_log_lines(&self) -> u64 {
        self.logging.n_undelivered_lines
    }

    /// The log group and stream of each container of a task that logs with `awslogs`.
    pub fn task_log_streams(&self, key: TaskKey) -> &[ContainerStream] {
        self.logging.task_streams.get(&key).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(super) fn awslogs_of(&self, key: TaskKey) -> Vec<AwslogsConfig> {
        let Some(task) = self.tasks.get(&key) else { return Vec::new() };
        let Some(rev) = self.revision(&task.family, task.revision) else { return Vec::new() };
        awslogs::awslogs_configs(rev.spec.input.get("containerDefinitions"))
    }

    /// The `awslogs` driver starting a task's containers: the group must exist (or be created with
    /// `awslogs-create-group` and `logs:CreateLogGroup`), then each container gets its stream.
    pub(super) fn start_task_logging(&mut self, key: TaskKey) -> Result<(), LoggingFailure> {
        let configs = self.awslogs_of(key);
        if configs.is_empty() {
            return Ok(());
        }
        let task = &self.tasks[&key];
        let task_id = task.id.clone();
        let launch = if task.launch_type == LaunchType::Fargate { LaunchKind::Fargate } else { LaunchKind::Ec2 };
        let role = task.execution_role_arn.clone();
        let container_names: Vec<String> = task.containers.iter().map(|c| c.name.clone()).collect();
        let region = self.scenario.region.clone();
        let now_ms = self.logs_context().now_epoch_ms;
        let role_arn = role.as_deref().map(|r| self.iam.resolve_role_arn(r).unwrap_or_else(|| r.to_string()));
        let mut streams = Vec::new();
        for config in &configs {
            // A group in another Region is not found from this one ("Make sure that the specified log group
            // exists in the Region that you specify", BOTO ecs `LogConfiguration`).
            let exists = config.region == region && self.logging.logs.groups.contains_key(config.group.as_str());
            if !exists {
                if !config.create_group || config.region != region {
                    return Err(awslogs::missing_group(launch));
                }
                if let Some(role_arn) = &role_arn {
                    let resource = format!("arn:aws:logs:{region}:{}:log-group:{}:log-stream:", self.logging.logs.account_id, config.group);
                    let decision = self.iam.role_allows(role_arn, "logs:CreateLogGroup", &resource);
                    if !decision.is_allowed() {
                        let role_name = role_arn.rsplit('/').next().unwrap_or(role_arn);
                        let user = format!("arn:aws:sts::{}:assumed-role/{role_name}/{task_id}", self.logging.logs.account_id);
                        let tail = match decision.effect {
                            crate::iam::DecisionEffect::ExplicitDeny => "with an explicit deny in an identity-based policy".to_string(),
                            _ => "because no identity-based policy allows the logs:CreateLogGroup action".to_string(),
                        };
                        return Err(awslogs::create_group_denied(launch, &user, &resource, &tail));
                    }
                }
                self.logging.logs.insert_group(&config.group, now_ms, None);
            }
            let stream = awslogs::stream_name(config, &task_id);
            let stream_arn = format!("arn:aws:logs:{region}:{}:log-group:{}:log-stream:{stream}", self.logging.logs.account_id, config.group);
            let deliverable = role_arn.as_deref().is_none_or(|r| self.iam.role_allows(r, "logs:PutLogEvents", &stream_arn).is_allowed());
            self.logging.logs.ensure_stream(&config.group, &stream, now_ms);
            if let Some(idx) = container_names.iter().position(|n| *n == config.container_name) {
                streams.push(ContainerStream { container_idx: idx as u32, group: config.group.clone(), stream, deliverable });
            }
        }
        self.logging.task_streams.insert(key, streams);
        Ok(())
    }

    /// Lines of a task's request workload, in its first container's stream.
    pub(super) fn write_workload_lines(&mut self, key: TaskKey, lines: &[String]) {
        let Some(idx) = self.logging.task_streams.get(&key).and_then(|s| s.first()).map(|c| c.container_idx) else { return };
        self.write_container_lines(key, idx, lines);
    }

    /// Writes `lines` to a container's stream, if it has one, stamped now.
    pub(super) fn write_container_lines(&mut self, key: TaskKey, container_idx: u32, lines: &[String]) {
        self.write_to_container(key, container_idx, lines.len(), |logs, group, stream, now_ms| {
            logs.put_messages(group, stream, now_ms, now_ms, lines.iter().map(|line| LogMessage::text(line)));
        });
    }

    /// Writes the first `n` messages of `record` to a container's stream, if it has one, stamped now.
    fn write_container_messages(&mut self, key: TaskKey, container_idx: u32, record: &DeferredMessages, n: usize) {
        self.write_to_container(key, container_idx, n, |logs, group, stream, now_ms| {
            logs.put_messages(group, stream, now_ms, now_ms, (0..n).map(|i| record.message(i)));
        });
    }

    /// Finds a container's stream and hands it to `write` (which creates it again if it was deleted with its
    /// group, or by the group's bound on streams, since the task started), or counts `n_lines` undelivered when
    /// the execution role may not write to it.
    fn write_to_container(&mut self, key: TaskKey, container_idx: u32, n_lines: usize, write: impl FnOnce(&mut LogsState, &str, &str, u64)) {
        let now_ms = self.logs_context().now_epoch_ms;
        let logging = &mut self.logging;
        let Some(target) = logging.task_streams.get(&key).and_then(|s| s.iter().find(|c| c.container_idx == container_idx)) else { return };
        if !target.deliverable {
            logging.n_undelivered_lines += n_lines as u64;
            return;
        }
        write(&mut logging.logs, &target.group, &target.stream, now_ms);
    }

    /// A task became RUNNING: each container prints its start-up lines.
    pub(super) fn log_task_running(&mut self, key: TaskKey) {
        if !self.logging.task_streams.contains_key(&key) {
            return;
        }
        let spec = {
            let task = &self.tasks[&key];
            self.revision(&task.family, task.revision).map(|r| r.spec.clone())
        };
        let containers: Vec<(String, String)> = self.tasks[&key].containers.iter().map(|c| (c.name.clone(), c.image.clone())).collect();
        for (idx, (name, image)) in containers.iter().enumerate() {
            let port = spec.as_ref().and_then(|s| s.containers.get(idx)).and_then(|c| c.port_mappings.first()).map(|m| m.container_port);
            let lines = lines::startup_lines(name, image, port);
            self.write_container_lines(key, idx as u32, &lines);
        }
    }

    /// A container exits on its own: its last lines.
    pub(super) fn log_container_exit(&mut self, key: TaskKey, container_idx: u32, exit_code: i64) {
        if !self.logging.task_streams.contains_key(&key) {
            return;
        }
        let task = &self.tasks[&key];
        let image = task.containers.get(container_idx as usize).map(|c| c.image.clone()).unwrap_or_default();
        let message = self.logging.image_messages.get(&image).cloned();
        let lines = lines::exit_lines(exit_code, message.as_deref(), Some(task.memory_mib).filter(|m| *m > 0));
        self.write_container_lines(key, container_idx, &lines);
    }

    /// A task's containers get SIGTERM: those still running print their shutdown.
    pub(super) fn log_task_stopping(&mut self, key: TaskKey) {
        if !self.logging.task_streams.contains_key(&key) {
            return;
        }
        let running: Vec<u32> =
            self.tasks[&key].containers.iter().enumerate().filter(|(_, c)| c.last_status != "STOPPED").map(|(i, _)| i as u32).collect();
        for idx in running {
            self.write_container_lines(key, idx, &lines::shutdown_lines());
        }
    }

    /// A task is STOPPED: its containers write no more.
    pub(super) fn logging_task_stopped(&mut self, key: TaskKey) {
        if let Some(streams) = self.logging.task_streams.remove(&key) {
            self.logging.stopped_task_streams.push_back((key, streams));
            if self.logging.stopped_task_streams.len() > crate::logs::MAX_STOPPED_TASK_STREAMS {
                self.logging.stopped_task_streams.pop_front();
            }
        }
    }

    /// The minute's logging: each load balancer target's served requests, sampled into its task's first
    /// container stream (with an error line for a 5xx answer and for a dependency cut off), then retention. The
    /// lines are kept as one typed record per target (`lines::RequestSample`), written as text only when read.
    pub(super) fn logs_minute(&mut self) {
        let now_ms = self.logs_context().now_epoch_ms;
        if !self.logging.task_streams.is_empty() {
            let minute = self.now.0 / 60_000;
            let pass = self.logging.requests_pass + 1;
            self.logging.requests_pass = pass;
            let mut writes: Vec<(TaskKey, RequestSample)> = Vec::new();
            for group in self.elb.target_groups.values() {
                for target in &group.targets {
                    let Some(task_key) = self.tasks.key_by_id(&target.owner) else { continue };
                    let before = self.logging.requests_seen.observe(task_key, &target.id, target.port, target.total_requests, pass);
                    let served = target.total_requests.saturating_sub(before);
                    if !self.logging.task_streams.contains_key(&task_key) || self.tasks[&task_key].last_status != TaskStatus::Running {
                        continue;
                    }
                    if !target.zone_down && served == 0 {
                        continue;
                    }
                    // The sample's picks hash the task id and the minute (`<task id>|<minute>`).
                    let salt = crate::hash::fnv1a(target.owner.as_bytes(), crate::hash::FNV_OFFSET_BASIS);
                    let salt = crate::hash::fnv1a(format!("|{minute}").as_bytes(), salt);
                    let sample = RequestSample {
                        dependency_down: target.zone_down,
                        salt,
                        // A request workload's failed operation makes the handler answer 500 (`sim/request_workload.rs`).
                        status: match (target.behavior.healthy, target.workload.fails) {
                            (false, _) => target.behavior.response_code,
                            (true, true) => 500,
                            (true, false) => 200,
                        },
                        latency_ms: target.last_latency_ms,
                        served,
                        n_written: served.min(lines::MAX_REQUEST_LINES_PER_MINUTE),
                    };
                    writes.push((task_key, sample));
                }
            }
            self.logging.requests_seen.forget_unseen(pass);
            for (task_key, sample) in writes {
                let idx = self.logging.task_streams.get(&task_key).and_then(|s| s.first()).map(|c| c.container_idx).unwrap_or(0);
                let n_lines = sample.n_lines();
                self.write_container_messages(task_key, idx, &DeferredMessages::new(sample), n_lines);
            }
        } else {
            self.logging.requests_seen.clear();
        }
        self.performance_minute();
        self.logging.logs.apply_retention(now_ms);
    }
}
