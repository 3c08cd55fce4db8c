//! Service Auto Scaling in the engine: Application Auto Scaling and CloudWatch alarm calls go to the
//! `scaling` model; once a minute the engine reports each service's CPU utilization and each target group's
//! requests per target, and carries out the desired counts the policies set.
//!
//! Auto Scaling groups launch and terminate EC2 instances (a scale-in drains each instance first, see
//! `sim/capacity.rs`), and capacity providers with managed scaling get each minute their instances and the
//! tasks waiting in PROVISIONING for them (for the reservation metric). Capacity provider strategies, waiting
//! tasks, Fargate Spot and the Fargate launch rate live in `sim/capacity.rs`. Not yet: cost.

use serde_json::Value;

use super::*;
use crate::scaling::{MetricKey, MinuteReport, Sample, ScalingAction, ScalingContext, ServiceStatus};

/// The calls of the scaling model that the engine accepts now.
pub fn is_wired_scaling_call(call: &str) -> bool {
    crate::scaling::SCALING_CALLS.contains(&call)
}

impl Sim {
    pub(crate) fn scaling_context(&self) -> ScalingContext {
        let mut services = std::collections::BTreeMap::new();
        for s in self.services.values().filter(|s| s.status == "ACTIVE") {
            let running = self.tasks.values().filter(|t| t.service == Some(s.key) && t.is_active() && t.last_status == TaskStatus::Running).count() as u32;
            services.insert(
                format!("service/{}/{}", s.cluster, s.name),
                ServiceStatus { desired: s.desired_count, running, deploying: s.deployments.len() > 1 },
            );
        }
        ScalingContext {
            region: self.scenario.region.clone(),
            account_id: ACCOUNT_ID.to_string(),
            start_epoch_ms: self.scenario.start_epoch_ms,
            now_ms: self.now.0,
            services,
            clusters: self.clusters.values().filter(|c| c.status == "ACTIVE").map(|c| c.name.clone()).collect(),
            subnets: self.scenario.network.subnets.iter().map(|s| (s.subnet_id.clone(), s.availability_zone.clone())).collect(),
        }
    }

    pub(crate) fn handle_scaling_call(&mut self, call: &str, input: &Value) -> Option<ApiResult> {
        if !is_wired_scaling_call(call) {
            return None;
        }
        let context = self.scaling_context();
        let result = self.scaling.handle(call, input, &context)?;
        self.apply_scaling_actions();
        Some(result)
    }

    /// Once a minute: report the minute's utilization and requests per target, then act on the policies.
    pub(crate) fn scaling_minute(&mut self) {
        if self.scaling.targets.is_empty() && self.scaling.alarms.is_empty() && self.scaling.capacity_providers.is_empty() {
            return;
        }
        let mut samples = Vec::new();
        let step_s = (super::calls::ELB_STEP_MS / 1000).max(1);
        for service in self.services.values().filter(|s| s.status == "ACTIVE") {
            let running: Vec<&Task> = self.tasks.values().filter(|t| t.service == Some(service.key) && t.is_active() && t.last_status == TaskStatus::Running).collect();
            if running.is_empty() {
                continue;
            }
            // CPU utilization of a task: the requests it serves against what its CPU can serve.
            let mut total_permille = 0u64;
            for task in &running {
                let capacity_rps = self.elb.capacities.get(&task.id).copied().unwrap_or(0) as u64;
                let served: u64 = self
                    .elb
                    .target_groups
                    .values()
                    .flat_map(|g| g.targets.iter())
                    .filter(|t| t.owner == task.id)
                    .map(|t| t.last_requests + t.backlog.min(1))
                    .sum();
                let rps_milli = served * 1000 / step_s;
                let permille = if capacity_rps == 0 { 0 } else { (rps_milli / capacity_rps).min(1000) };
                total_permille += permille;
            }
            let average_permille = total_permille / running.len() as u64;
            // Thousandths of a percent: 1 permille of CPU is 0.1 % = 100 thousandths.
            samples.push(Sample { key: MetricKey::ecs_service("CPUUtilization", &service.cluster, &service.name), value_milli: (average_permille * 100) as i64 });
        }
        for group in self.elb.target_groups.values().filter(|g| !g.hidden) {
            let requests = self.elb.tg_metric_points(&group.arn).last().map(|p| p.request_count).unwrap_or(0);
            let targets = group.targets.iter().filter(|t| t.state == crate::elb::HealthState::Healthy).count().max(1) as u64;
            let dimension = group.arn.split(':').next_back().unwrap_or("").to_string();
            samples.push(Sample {
                key: MetricKey::new("AWS/ApplicationELB", "RequestCountPerTarget", &[("TargetGroup", &dimension)]),
                value_milli: (requests * 1000 / targets) as i64,
            });
        }
        let providers = self.provider_reports();
        let context = self.scaling_context();
        let output = self.scaling.tick(&MinuteReport { samples, providers }, &context);
        for transition in output.alarm_transitions {
            self.log_entry("alarm", format!("alarm {}", transition.alarm), format!("Alarm {} is {}: {}", transition.alarm, transition.to.as_aws(), transition.reason), None);
        }
        self.apply_scaling_actions();
        if !self.draining_for_termination.is_empty() {
            self.finish_drained_terminations();
        }
    }

    /// Each capacity provider's registered instances (with their non-daemon tasks) and the tasks waiting in
    /// PROVISIONING for it.
    fn provider_reports(&self) -> Vec<crate::scaling::ProviderReport> {
        let mut reports = Vec::new();
        for provider in self.scaling.capacity_providers.values() {
            let mut instances = Vec::new();
            for e in self.ec2.values().filter(|e| e.tags.get("aws:autoscaling:groupName") == Some(&provider.asg_name)) {
                let Some(ci) = e.container_instance.and_then(|k| self.container_instances.get(&k)).filter(|ci| ci.status == "ACTIVE") else { continue };
                let n_tasks = self
                    .tasks
                    .values()
                    .filter(|t| t.node == Some(ci.key) && t.last_status != TaskStatus::Stopped)
                    .filter(|t| t.service.and_then(|s| self.services.get(&s)).is_none_or(|s| s.scheduling_strategy != "DAEMON"))
                    .count() as u32;
                instances.push((e.instance_id.clone(), n_tasks));
            }
            // The tasks waiting in PROVISIONING for this provider (reference §5.5: ECS groups the provisioning
            // tasks of each capacity provider for its estimate).
            let pending = self
                .waiting_tasks
                .iter()
                .filter_map(|k| self.tasks.get(k))
                .filter(|t| t.capacity_provider_name.as_deref() == Some(provider.name.as_str()))
                .filter_map(|t| t.waiting_for_capacity.as_ref())
                .map(|w| crate::scaling::TaskDemand { cpu_units: w.demand.cpu_units, memory_mib: w.demand.memory_mib, awsvpc: w.demand.needs_eni })
                .collect();
            reports.push(crate::scaling::ProviderReport { provider: provider.name.clone(), instances, pending });
        }
        reports
    }

    fn apply_scaling_actions(&mut self) {
        for action in self.scaling.take_actions() {
            match action {
                ScalingAction::LaunchInstance { asg, instance_id, instance_type, iam_instance_profile, user_data, subnet_id, .. } => {
                    self.forced_instance_ids.push(instance_id.clone());
                    let mut input = serde_json::json!({
                        "InstanceType": instance_type, "MinCount": 1, "MaxCount": 1, "SubnetId": subnet_id,
                        "TagSpecifications": [ { "ResourceType": "instance", "Tags": [ { "Key": "aws:autoscaling:groupName", "Value": asg } ] } ],
                    });
                    if let Some(profile) = iam_instance_profile {
                        input["IamInstanceProfile"] = serde_json::json!({ "Name": profile });
                    }
                    if let Some(user_data) = user_data {
                        input["UserData"] = serde_json::json!(user_data);
                    }
                    if let Err(error) = self.run_instances(&input) {
                        self.forced_instance_ids.retain(|id| id != &instance_id);
                        self.log_entry("error", format!("auto scaling group {asg}"), format!("Launching {instance_id} failed: {error}"), None);
                    } else {
                        self.log_entry("scaling", format!("auto scaling group {asg}"), format!("Auto Scaling group {asg} launched {instance_id} ({instance_type})."), None);
                    }
                    continue;
                }
                ScalingAction::TerminateInstance { asg, instance_id, reason } => {
                    self.log_entry("scaling", format!("auto scaling group {asg}"), format!("Auto Scaling group {asg} terminates {instance_id}: {reason}"), None);
                    self.drain_then_terminate(&instance_id);
                    continue;
                }
                ScalingAction::SetDesiredCount { .. } => {}
            }
            if let ScalingAction::SetDesiredCount { cluster, service, from, to, .. } = action {
                let Some(key) = self.services.values().find(|s| s.cluster == cluster && s.name == service && s.status == "ACTIVE").map(|s| s.key) else { continue };
                if let Some(s) = self.services.get_mut(&key) {
                    s.desired_count = to;
                    s.steady_state_reported = false;
                    if let Some(primary) = s.deployments.iter_mut().find(|d| d.status == "PRIMARY") {
                        primary.desired_count = to;
                    }
                }
                self.log_entry("scaling", format!("service {service}"), format!("Application Auto Scaling set the desired count of {service} from {from} to {to}."), None);
                self.schedule_service_tick(key, self.now);
            }
        }
    }
}
