//! Service Auto Scaling in the engine: Application Auto Scaling and CloudWatch alarm calls go to the
//! `scaling` model; once a minute the engine reports each service's CPU utilization and each target group's
//! requests per target, and carries out the desired counts the policies set.
//!
//! Auto Scaling groups and capacity providers are not wired yet: their calls are not accepted.

use serde_json::Value;

use super::*;
use crate::scaling::{MetricKey, MinuteReport, Sample, ScalingAction, ScalingContext, ServiceStatus};

/// The calls of the scaling model that the engine accepts now.
pub fn is_wired_scaling_call(call: &str) -> bool {
    crate::scaling::SCALING_CALLS.contains(&call) && (call.starts_with("application-autoscaling:") || call.starts_with("cloudwatch:"))
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
        if self.scaling.targets.is_empty() && self.scaling.alarms.is_empty() {
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
        let context = self.scaling_context();
        let output = self.scaling.tick(&MinuteReport { samples, providers: vec![] }, &context);
        for transition in output.alarm_transitions {
            self.log_entry("alarm", format!("alarm {}", transition.alarm), format!("Alarm {} is {}: {}", transition.alarm, transition.to.as_aws(), transition.reason), None);
        }
        self.apply_scaling_actions();
    }

    fn apply_scaling_actions(&mut self) {
        for action in self.scaling.take_actions() {
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
