//! Amazon ECS's events sent to EventBridge at the moments ECS sends them: a task state change when a task's
//! `lastStatus` or `desiredStatus` or one of its containers' status changes (ecs_task_events.html: "The state of a
//! container in the task changes" is one of the causes), a container instance state change when its `status` or
//! `agentConnected` changes, a service action for the service events that are one (steady state, placement
//! failure, impaired start, stopped tasks), and a deployment state change when a deployment starts, completes or
//! fails.
//!
//! The engine looks for changes after each event it processes and each call it applies, and only while some
//! enabled rule could match source `aws.ecs` (`EventsState::watches_ecs`): a run without such a rule builds no
//! event and pays one test of a flag. Watching draws nothing from the PRNG and schedules nothing, so the trace
//! changes only through what the rules' targets do (a RunTask target runs tasks). Changes within one event are
//! seen once, in their final state (the playground's moments are its events).

use serde_json::Value;

use crate::events::ecs::{self, DeploymentEvent, EcsDetailType, EventOrigin};
use crate::placement::NodeKey;

use super::ecs_events_model::TaskSignature;
use super::engine::Sim;
use super::model::{RolloutState, ServiceKey, TaskKey, TaskStatus, ACCOUNT_ID};

fn signature(task: &super::model::Task) -> TaskSignature {
    (task.last_status, task.desired_status, task.containers.iter().filter(|c| c.last_status == "STOPPED").count())
}

impl Sim {
    /// Notes a service event that is a service action, for the next pass (called by `service_event`).
    pub(super) fn note_service_action(&mut self, key: ServiceKey, message: &str) {
        if !self.events.watches_ecs {
            return;
        }
        if let Some((action, reason)) = ecs::service_action_of(message) {
            self.ecs_events.service_actions.push((key, action, reason, self.now));
        }
    }

    /// Sends to EventBridge the Amazon ECS events of what changed since the last pass, and carries out the
    /// invocations of the rules they match.
    pub(super) fn emit_ecs_events(&mut self) {
        if !self.events.watches_ecs || self.ecs_events.delivering {
            return;
        }
        self.ecs_events.delivering = true;
        let primed = self.ecs_events.primed;
        let events = self.ecs_changes();
        if primed {
            for event in events {
                for invocation in self.events.route(&event) {
                    self.invoke_target(invocation);
                }
            }
        }
        self.ecs_events.primed = true;
        self.ecs_events.delivering = false;
    }

    fn ecs_origin(&self, key: &str) -> EventOrigin {
        EventOrigin { id: crate::iam::stable_uuid(&format!("ecs-event-{key}-{}", self.now.0)), time_iso: self.iso_time(self.now), region: self.scenario.region.clone(), account_id: ACCOUNT_ID.to_string() }
    }

    /// Takes the states now, and answers the events of those that changed since the last pass, in the order
    /// tasks, container instances, deployments, service actions.
    fn ecs_changes(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        let mut changed: Vec<(TaskKey, TaskSignature)> = Vec::new();
        for task in self.live_tasks() {
            let sig = signature(task);
            if self.ecs_events.tasks.get(&task.key) != Some(&sig) {
                changed.push((task.key, sig));
            }
        }
        // Tasks watched that are no longer live, and new tasks that stopped before any pass saw them.
        let next_key = self.tasks.next_key();
        let gone: Vec<TaskKey> = self.ecs_events.tasks.keys().copied().chain(self.ecs_events.next_task_key..next_key).filter(|k| self.tasks.get(k).is_none_or(|t| t.last_status == TaskStatus::Stopped)).collect();
        self.ecs_events.next_task_key = next_key;
        for key in gone {
            let previous = self.ecs_events.tasks.remove(&key);
            if let Some(task) = self.tasks.get(&key) {
                let sig = signature(task);
                if previous != Some(sig) {
                    changed.push((key, sig));
                }
            }
        }
        changed.sort_by_key(|(key, _)| *key);
        changed.dedup_by_key(|(key, _)| *key);
        for (key, sig) in changed {
            let Some(task) = self.tasks.get(&key) else { continue };
            if sig.0 != TaskStatus::Stopped {
                self.ecs_events.tasks.insert(key, sig);
            }
            let detail = ecs::task_detail(&self.task_json(key), &self.iso_time(task.status_since.max(self.now)));
            let origin = self.ecs_origin(&format!("task-{}-{:?}-{:?}-{}", task.arn, sig.0, sig.1, sig.2));
            out.push(ecs::envelope(EcsDetailType::TaskStateChange, &origin, &[task.arn.as_str()], detail));
        }
        let instances: Vec<(NodeKey, (String, bool))> = self.container_instances.values().map(|ci| (ci.key, (ci.status.clone(), ci.agent_connected))).filter(|(key, state)| self.ecs_events.instances.get(key) != Some(state)).collect();
        for (key, state) in instances {
            self.ecs_events.instances.insert(key, state.clone());
            let Some(ci) = self.container_instances.get(&key) else { continue };
            let cluster_arn = self.clusters.get(&ci.cluster).map(|c| c.arn.clone()).unwrap_or_default();
            let detail = ecs::container_instance_detail(&self.container_instance_json(key), &cluster_arn, &self.iso_time(self.now));
            let origin = self.ecs_origin(&format!("instance-{}-{}-{}", ci.arn, state.0, state.1));
            out.push(ecs::envelope(EcsDetailType::ContainerInstanceStateChange, &origin, &[ci.arn.as_str()], detail));
        }
        let mut deployment_changes = Vec::new();
        for service in self.services.values() {
            for (index, d) in service.deployments.iter().enumerate() {
                let key = (service.key, d.id.clone());
                if self.ecs_events.deployments.get(&key) == Some(&d.rollout_state) {
                    continue;
                }
                let event = match d.rollout_state {
                    RolloutState::InProgress => DeploymentEvent::InProgress,
                    RolloutState::Completed => DeploymentEvent::Completed,
                    RolloutState::Failed => DeploymentEvent::Failed,
                };
                // A new deployment started while an older one failed is the circuit breaker's rollback.
                let rolling_back = index == 0 && service.deployments.iter().skip(1).any(|old| old.rollout_state == RolloutState::Failed && old.rollout_state_reason.contains("rolling back"));
                let reason = ecs::deployment_reason(event, &d.id, rolling_back);
                deployment_changes.push((key, d.rollout_state, service.arn.clone(), event, reason));
            }
        }
        for (key, state, service_arn, event, reason) in deployment_changes {
            let detail = ecs::deployment_detail(event, &key.1, &self.iso_time(self.now), &reason);
            let origin = self.ecs_origin(&format!("deployment-{}-{}", key.1, event.event_name()));
            out.push(ecs::envelope(EcsDetailType::DeploymentStateChange, &origin, &[service_arn.as_str()], detail));
            self.ecs_events.deployments.insert(key, state);
        }
        // Deployments of services that are gone are forgotten, so the map stays as small as the services.
        self.ecs_events.deployments.retain(|(service, id), _| self.services.get(service).is_some_and(|s| s.deployments.iter().any(|d| d.id == *id)));
        for (key, action, reason, at) in std::mem::take(&mut self.ecs_events.service_actions) {
            let Some(service) = self.services.get(&key) else { continue };
            let cluster_arn = self.clusters.get(&service.cluster).map(|c| c.arn.clone()).unwrap_or_default();
            let detail = ecs::service_action_detail(action, &cluster_arn, &self.iso_time(at), reason);
            let origin = self.ecs_origin(&format!("service-{}-{}-{}", service.arn, action.event_name(), at.0));
            out.push(ecs::envelope(EcsDetailType::ServiceAction, &origin, &[service.arn.as_str()], detail));
        }
        out
    }
}
