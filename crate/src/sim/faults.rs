//! Faults: the AWS Fault Injection Service actions, run as calls (`fis:aws:ec2:terminate-instances`,
//! `fis:aws:ecs:stop-task`, `fis:aws:ecs:drain-container-instances`, `fis:aws:network:disrupt-connectivity`),
//! with their targets (resource ARNs, tags, filters, selection mode) and the ends of the timed ones.

use serde_json::json;

use crate::api::{ApiError, ApiResult};
use crate::placement::NodeKey;

use super::engine::{Ev, Sim};
use super::model::{Ec2Key, Ec2State, TaskKey, TaskStatus};
use super::record::LogKind;
use super::requests::{short_name, DisruptConnectivityRequest, DrainRequest, FisTarget, Selection, SpotInterruptionsRequest};

impl Sim {
    /// Picks the target's share of `items` with the seeded PRNG (all of them for `ALL`).
    pub(super) fn fis_select<T>(&mut self, items: Vec<T>, selection: Selection) -> Vec<T> {
        let count = selection.count_of(items.len() as u64);
        let mut pool = items;
        let mut chosen = Vec::new();
        while (chosen.len() as u64) < count && !pool.is_empty() {
            let idx = self.rng.below(pool.len() as u32) as usize;
            chosen.push(pool.remove(idx));
        }
        chosen
    }

    /// `aws:ec2:terminate-instances` on the `Instances` target.
    pub(super) fn fis_terminate_instances(&mut self, target: FisTarget) -> ApiResult {
        let arns = &target.resource_arns;
        let mut candidates = Vec::new();
        for e in self.ec2.values() {
            if e.state != Ec2State::Running && e.state != Ec2State::Pending {
                continue;
            }
            if !arns.is_empty() && !arns.iter().any(|a| a.ends_with(&e.instance_id)) {
                continue;
            }
            let fields = [
                ("Placement.AvailabilityZone", e.availability_zone.as_str()),
                ("InstanceType", e.instance_type.name),
                ("State.Name", e.state.as_aws()),
                ("SubnetId", e.subnet_id.as_str()),
            ];
            if target.matches(&e.tags, &fields) {
                candidates.push(e.instance_id.clone());
            }
        }
        let chosen = self.fis_select(candidates, target.selection?);
        self.log_entry(LogKind::Fault, "fis:aws:ec2:terminate-instances".into(), format!("AWS FIS terminates {} instance(s): {}.", chosen.len(), chosen.join(", ")));
        if chosen.is_empty() {
            return Ok(json!({ "TerminatingInstances": [] }));
        }
        self.terminate_instances(&chosen)
    }

    /// `aws:ec2:send-spot-instance-interruptions` on the `SpotInstances` target: each chosen Spot Instance gets
    /// the interruption notice now and is reclaimed (terminated) `durationBeforeInterruption` later. With
    /// `ECS_ENABLE_SPOT_INSTANCE_DRAINING=true` the ECS agent sets its container instance to DRAINING when the
    /// notice arrives, so the service scheduler replaces its tasks elsewhere before the instance goes (Amazon
    /// ECS Developer Guide, "Spot Instance draining"; reference ecs-semantics.md §5.3); without it the tasks
    /// stop with the instance. The instance's Auto Scaling group launches a replacement.
    pub(super) fn fis_send_spot_interruptions(&mut self, request: SpotInterruptionsRequest) -> ApiResult {
        let target = request.target;
        let arns = &target.resource_arns;
        let mut candidates = Vec::new();
        for e in self.ec2.values() {
            if !e.spot || (e.state != Ec2State::Running && e.state != Ec2State::Pending) {
                continue;
            }
            if !arns.is_empty() && !arns.iter().any(|a| a.ends_with(&e.instance_id)) {
                continue;
            }
            let fields = [("Placement.AvailabilityZone", e.availability_zone.as_str()), ("InstanceType", e.instance_type.name), ("State.Name", e.state.as_aws()), ("SubnetId", e.subnet_id.as_str())];
            if target.matches(&e.tags, &fields) {
                candidates.push(e.key);
            }
        }
        let chosen = self.fis_select(candidates, target.selection?);
        let notice = crate::time::format_duration_ms(request.duration_before_ms);
        let ids: Vec<String> = chosen.iter().map(|k| self.ec2[k].instance_id.clone()).collect();
        self.log_entry(LogKind::Fault, "fis:aws:ec2:send-spot-instance-interruptions".into(), format!("AWS FIS interrupts {} Spot Instance(s): {}. EC2 sends each the interruption notice and reclaims it in {notice}.", ids.len(), ids.join(", ")));
        for key in &chosen {
            let (id, draining, node) = (self.ec2[key].instance_id.clone(), self.ec2[key].spot_instance_draining, self.ec2[key].container_instance);
            let active = node.and_then(|n| self.container_instances.get(&n)).filter(|ci| ci.status == "ACTIVE").map(|ci| ci.key);
            match (draining, active) {
                (true, Some(node)) => {
                    self.set_container_instance_status(node, "DRAINING");
                    self.log_entry(LogKind::Instance, format!("instance {id}"), format!("Spot interruption notice on {id}: the ECS agent sets its container instance to DRAINING (ECS_ENABLE_SPOT_INSTANCE_DRAINING=true), and services replace its tasks elsewhere."));
                }
                (false, Some(_)) => {
                    self.log_entry(LogKind::Instance, format!("instance {id}"), format!("Spot interruption notice on {id}: ECS_ENABLE_SPOT_INSTANCE_DRAINING is not set, so its container instance stays ACTIVE and its tasks stop when EC2 reclaims it."));
                }
                _ => {}
            }
            self.schedule(self.now.plus_ms(request.duration_before_ms), Ev::SpotInstanceReclaimed(*key));
        }
        Ok(json!({ "interruptedInstances": ids }))
    }

    /// EC2 reclaims an interrupted Spot Instance: it terminates, and its Auto Scaling group replaces it.
    pub(super) fn on_spot_instance_reclaimed(&mut self, key: Ec2Key) {
        let Some(instance) = self.ec2.get(&key).filter(|e| matches!(e.state, Ec2State::Running | Ec2State::Pending)) else { return };
        let id = instance.instance_id.clone();
        self.log_entry(LogKind::Instance, format!("instance {id}"), format!("EC2 reclaims Spot Instance {id}."));
        let _ = self.terminate_instances(std::slice::from_ref(&id));
        let context = self.scaling_context();
        if self.scaling.instance_reclaimed(&id, &context) {
            self.apply_scaling_actions();
        }
    }

    /// `aws:ecs:stop-task` on the `Tasks` target (its `parameters` may name a cluster and a service).
    pub(super) fn fis_stop_task(&mut self, target: FisTarget) -> ApiResult {
        let (cluster, service, arns) = (target.cluster, target.service, &target.resource_arns);
        let candidates: Vec<TaskKey> = self
            .live_tasks()
            .filter(|t| t.is_active() && t.last_status != TaskStatus::Stopped)
            .filter(|t| cluster.is_none_or(|c| t.cluster == c))
            .filter(|t| service.is_none_or(|s| t.service.and_then(|k| self.services.get(&k)).is_some_and(|svc| svc.name == s)))
            .filter(|t| arns.is_empty() || arns.iter().any(|a| a == &t.arn))
            .map(|t| t.key)
            .collect();
        let chosen = self.fis_select(candidates, target.selection?);
        self.log_entry(LogKind::Fault, "fis:aws:ecs:stop-task".into(), format!("AWS FIS stops {} task(s).", chosen.len()));
        for key in &chosen {
            // FIS calls StopTask for the chosen tasks; the reason text it passes is not in the reference.
            self.stop_task(*key, "UserInitiated", "Task stopped by AWS FIS experiment (aws:ecs:stop-task).".to_string());
        }
        Ok(json!({ "stoppedTasks": chosen.iter().map(|k| self.tasks[k].arn.clone()).collect::<Vec<_>>() }))
    }

    /// `aws:ecs:drain-container-instances`: a share of each target cluster's ACTIVE container instances drains
    /// for the action's duration.
    pub(super) fn fis_drain(&mut self, request: DrainRequest) -> ApiResult {
        let (percentage, duration_ms) = (request.percentage, request.duration_ms);
        let arns = &request.target.resource_arns;
        let clusters: Vec<String> = if arns.is_empty() { self.clusters.keys().cloned().collect() } else { arns.iter().map(|a| short_name(a).to_string()).collect() };
        let mut drained = Vec::new();
        for cluster in clusters {
            let active: Vec<NodeKey> = self.container_instances.values().filter(|ci| ci.cluster == cluster && ci.status == "ACTIVE").map(|ci| ci.key).collect();
            let count = (active.len() as u64 * percentage).div_ceil(100) as usize;
            let mut pool = active;
            for _ in 0..count.min(pool.len()) {
                let idx = self.rng.below(pool.len() as u32) as usize;
                let node = pool.remove(idx);
                self.set_container_instance_status(node, "DRAINING");
                let at = self.now.plus_ms(duration_ms);
                self.schedule(at, Ev::DrainEnd(node));
                drained.push(self.container_instances[&node].arn.clone());
            }
        }
        self.log_entry(LogKind::Fault, "fis:aws:ecs:drain-container-instances".into(), format!("AWS FIS drains {} container instance(s) for {}.", drained.len(), crate::time::format_duration_ms(duration_ms)));
        Ok(json!({ "drainedContainerInstances": drained }))
    }

    pub(super) fn on_drain_end(&mut self, node: NodeKey) {
        if self.container_instances.get(&node).is_some_and(|ci| ci.status == "DRAINING") {
            self.set_container_instance_status(node, "ACTIVE");
        }
    }

    /// `aws:network:disrupt-connectivity` on subnets: no traffic reaches their Availability Zones.
    pub(super) fn fis_disrupt_connectivity(&mut self, request: DisruptConnectivityRequest) -> ApiResult {
        let mut zones: Vec<String> = self
            .scenario
            .network
            .subnets
            .iter()
            .filter(|s| request.subnet_ids.iter().any(|a| a == &s.subnet_id) || request.availability_zones.contains(&s.availability_zone))
            .map(|s| s.availability_zone.clone())
            .collect();
        crate::order::sort(&mut zones);
        zones.dedup();
        if zones.is_empty() {
            return Err(ApiError::new("ValidationException", "The action's Subnets target selects no subnet: give resourceArns or a filter on AvailabilityZone."));
        }
        let duration_ms = request.duration_ms?;
        for az in &zones {
            self.elb.set_zone_disrupted(az, true);
            self.schedule(self.now.plus_ms(duration_ms), Ev::ZoneRestored(az.clone()));
        }
        self.log_entry(LogKind::Fault, "fis:aws:network:disrupt-connectivity".into(), format!("AWS FIS disrupts connectivity in {} for {}: no request is routed there.", zones.join(", "), crate::time::format_duration_ms(duration_ms)));
        Ok(json!({ "availabilityZones": zones }))
    }

    /// The end of a connectivity disruption.
    pub(super) fn on_zone_restored(&mut self, az: &str) {
        self.elb.set_zone_disrupted(az, false);
        self.log_entry(LogKind::Fault, format!("zone {az}"), format!("Connectivity to {az} is restored."));
    }
}
