//! Faults of one EC2 container instance (`sim:SetInstanceFault`): the ECS agent disconnected, or the Docker
//! daemon failed. They mirror AWS FIS `aws:ssm:send-command` running the `AWSFIS-Run-Kill-Process` document on
//! the instance, with `ecs-agent` or `dockerd` as the process.
//!
//! Sources (observability-troubleshooting.md §4.6): `agentConnected` "returns true if the agent is connected
//! … Only instances connected to an agent can accept task placement requests" (BOTO `ContainerInstance`); the
//! knowledge-center causes of tasks stuck in PENDING include "The Docker daemon is unresponsive" and "The
//! Amazon ECS container agent lost connectivity with the Amazon ECS service in the middle of a task launch".
//! That running tasks keep running while their agent is away is the documented behaviour of a disconnected
//! agent; for a failed daemon the playground keeps them running as well (Docker's live-restore; unverified
//! for the ECS-optimized AMI).

use serde_json::json;

use crate::api::{ApiError, ApiResult};

use super::engine::{Ev, Sim};
use super::model::{InstanceFault, TaskKey, TaskStatus};
use super::record::LogKind;
use super::requests::InstanceFaultRequest;

impl Sim {
    /// `sim:SetInstanceFault`.
    pub(super) fn set_instance_fault(&mut self, request: InstanceFaultRequest) -> ApiResult {
        let node = self
            .container_instances
            .values()
            .find(|ci| ci.status != "INACTIVE" && self.ec2.get(&ci.ec2).is_some_and(|e| e.instance_id == request.instance_id))
            .map(|ci| ci.key)
            .ok_or_else(|| ApiError::invalid_parameter(format!("Instance {} is not a registered container instance.", request.instance_id)))?;
        let connected = request.fault.is_none();
        let ci = self.container_instances.get_mut(&node).expect("found above");
        ci.agent_connected = connected;
        let cluster = ci.cluster.clone();
        let arn = ci.arn.clone();
        if let Some(pool) = self.pools.get_mut(&cluster) {
            pool.set_agent_connected(node, connected);
        }
        let (action, message) = match request.fault {
            Some(InstanceFault::AgentDisconnected) => ("ecs-agent", format!("The ECS agent on {} is disconnected: agentConnected is false, its tasks keep running, nothing new is placed on it.", request.instance_id)),
            Some(InstanceFault::DockerDaemonFailed) => ("dockerd", format!("The Docker daemon on {} failed: the agent cannot work (agentConnected false); tasks placed there stay in PROVISIONING or PENDING.", request.instance_id)),
            None => ("none", format!("{} is healthy again: its agent reconnects and its waiting tasks go on.", request.instance_id)),
        };
        match request.fault {
            Some(fault) => {
                self.instance_faults.insert(node, fault);
            }
            None => {
                self.instance_faults.remove(&node);
                self.release_stuck_tasks();
            }
        }
        self.log_entry(LogKind::Fault, "sim:SetInstanceFault".into(), message);
        self.tick_cluster_services(&cluster);
        Ok(json!({ "containerInstanceArn": arn, "agentConnected": connected, "process": action }))
    }

    /// Whether a task's next step waits for its instance's Docker daemon: it is placed on an instance whose
    /// daemon failed and it has not started its containers. The task is kept to go on when the daemon is back.
    pub(super) fn held_by_docker(&mut self, key: TaskKey, from: TaskStatus) -> bool {
        if !matches!(from, TaskStatus::Provisioning | TaskStatus::Pending) {
            return false;
        }
        let Some(node) = self.tasks.get(&key).and_then(|t| t.node) else { return false };
        if self.instance_faults.get(&node) != Some(&InstanceFault::DockerDaemonFailed) {
            return false;
        }
        if !self.stuck_tasks.iter().any(|(k, _)| *k == key) {
            self.stuck_tasks.push((key, from));
        }
        true
    }

    /// The daemons are back: the held tasks take their next step now.
    fn release_stuck_tasks(&mut self) {
        let held = std::mem::take(&mut self.stuck_tasks);
        let mut still = Vec::new();
        for (key, from) in held {
            let node = self.tasks.get(&key).and_then(|t| t.node);
            if node.is_some_and(|n| self.instance_faults.get(&n) == Some(&InstanceFault::DockerDaemonFailed)) {
                still.push((key, from));
            } else {
                self.schedule(self.now, Ev::TaskProgress(key, from));
            }
        }
        self.stuck_tasks = still;
    }
}
