//! The guided troubleshooter of a service that cannot reach a steady state: the checks of the console's and
//! AWS's troubleshooting guidance (the service's events, the stopped reasons of its tasks, load balancer and
//! container health checks, the deployment circuit breaker, desired against running tasks, the capacity
//! provider's Auto Scaling group, its subnets' free addresses, the task execution role), each with its verdict and
//! evidence, down to the root cause and the fix, offered as the AWS call that makes it. A task's failure is
//! explained by the stopped-task troubleshooter (`troubleshoot.rs`), whose root cause and fix the report takes.

use serde_json::json;

use super::engine::Sim;
use crate::time::SimTime;

use super::model::{RolloutState, ServiceKey, Task};
use super::services::circuit_breaker_threshold;
use super::troubleshoot::task_failed;
use super::troubleshoot_model::{Check, FixCall, ServiceTroubleshooting, Verdict};

/// The evidence lines a check keeps of one kind (events, stopped reasons, targets), newest first.
const MAX_EVIDENCE_LINES: usize = 4;

/// The service event that says the scheduler reached a steady state.
const STEADY_EVENT: &str = "has reached a steady state.";

/// An Auto Scaling group provider that holds tasks back: it is at its maximum size while tasks wait.
struct GroupAtMax {
    group: String,
    max: u32,
    /// The MaxSize that lets managed scaling launch what CapacityProviderReservation asks for.
    needed_max: u32,
    provider: String,
    reservation: Option<u32>,
    target_capacity: u32,
}

impl Sim {
    /// The troubleshooter's report on the service `name` of `cluster`, as the simulation stands now; `None` when
    /// there is no such service.
    pub fn troubleshoot_service(&self, cluster: &str, name: &str) -> Option<ServiceTroubleshooting> {
        let (&key, service) = self.services.iter().find(|(_, s)| s.cluster == cluster && s.name == name)?;
        let live: Vec<&Task> = self.tasks.live_of_service(key).collect();
        let running = live.iter().filter(|t| t.last_status == super::model::TaskStatus::Running).count() as u32;
        let pending = live.len() as u32 - running;
        let desired = service.desired_count;
        let steady = service.steady_state_reported && service.deployments.len() == 1 && running == desired;
        // What counts is what happened since the service was last steady, or since its newest deployment began.
        let last_steady = service.events.iter().find(|e| e.message.ends_with(STEADY_EVENT)).map(|e| e.created_at);
        let deployed = service.deployments.iter().map(|d| d.created_at).max().unwrap_or(service.created_at);
        let since = last_steady.map_or(deployed, |s| s.max(deployed));
        let mut checks = Vec::new();

        // Desired against running.
        let mut evidence = vec![format!("desiredCount {desired}, runningCount {running}, pendingCount {pending}.")];
        evidence.extend(service.deployments.iter().map(|d| {
            format!(
                "Deployment {} ({}, {}): {} desired, rolloutState {}{}.",
                d.id,
                d.status.as_aws(),
                d.task_definition_arn.rsplit('/').next().unwrap_or(&d.task_definition_arn),
                d.desired_count,
                d.rollout_state.as_aws(),
                if d.rollout_state_reason.is_empty() { String::new() } else { format!(" ({})", d.rollout_state_reason) }
            )
        }));
        checks.push(Check { name: "Desired count against running tasks", verdict: if running < desired { Verdict::Fail } else { Verdict::Pass }, evidence });

        // The service's events: tasks the scheduler could not place.
        let unplaced: Vec<String> = service
            .events
            .iter()
            .filter(|e| e.created_at >= since && e.message.contains("was unable to place a task"))
            .take(MAX_EVIDENCE_LINES)
            .map(|e| format!("{} {}", clock(e.created_at), e.message))
            .collect();
        checks.push(Check {
            name: "Service events: tasks the scheduler could not place",
            verdict: if unplaced.is_empty() { Verdict::Pass } else { Verdict::Fail },
            evidence: if unplaced.is_empty() { vec!["No \"was unable to place a task\" event since the deployment began or the service was last steady.".into()] } else { unplaced.clone() },
        });

        // The stopped tasks and their stopped reasons.
        let stopped: Vec<&Task> = self.tasks.values().rev().filter(|t| t.service == Some(key) && t.stopped_at.is_some_and(|at| at >= since)).collect();
        let failed: Vec<&Task> = stopped.iter().copied().filter(|t| task_failed(t)).collect();
        let mut reasons: Vec<(String, u32)> = Vec::new();
        for t in &stopped {
            let line = format!("stopCode {}: {}", t.stop_code.as_deref().unwrap_or("-"), t.stopped_reason.as_deref().unwrap_or("-"));
            match reasons.iter_mut().find(|(l, _)| *l == line) {
                Some((_, n)) => *n += 1,
                None => reasons.push((line, 1)),
            }
        }
        let mut evidence: Vec<String> = reasons.iter().take(MAX_EVIDENCE_LINES).map(|(l, n)| format!("{n} task{} — {l}", if *n == 1 { "" } else { "s" })).collect();
        if reasons.len() > MAX_EVIDENCE_LINES {
            evidence.push(format!("{} other stopped reasons left out.", reasons.len() - MAX_EVIDENCE_LINES));
        }
        if evidence.is_empty() {
            evidence.push("No task of the service stopped since the deployment began or the service was last steady.".into());
        }
        checks.push(Check { name: "Stopped tasks and their stopped reasons", verdict: if failed.is_empty() { Verdict::Pass } else { Verdict::Fail }, evidence });

        // Load balancer health checks.
        checks.push(self.elb_check(key, since));

        // Container health checks.
        let has_health_check = self.revision_by_arn(&service.task_definition_arn).is_some_and(|r| r.spec.containers.iter().any(|c| c.health_check.is_some()));
        let health_stops = stopped.iter().filter(|t| t.stopped_reason.as_deref() == Some(super::container_health::HEALTH_CHECK_STOPPED_REASON)).count();
        checks.push(if !has_health_check && health_stops == 0 {
            Check { name: "Container health checks", verdict: Verdict::NotApplicable, evidence: vec!["The task definition has no container healthCheck.".into()] }
        } else {
            let mut evidence: Vec<String> = live.iter().map(|t| format!("Task {}: healthStatus {}.", short(&t.id), t.health_status.as_aws())).take(MAX_EVIDENCE_LINES).collect();
            evidence.push(format!("{health_stops} tasks stopped with \"{}\".", super::container_health::HEALTH_CHECK_STOPPED_REASON));
            Check { name: "Container health checks", verdict: if health_stops > 0 { Verdict::Fail } else { Verdict::Pass }, evidence }
        });

        // The deployment circuit breaker.
        let config = &service.deployment_configuration;
        let rolled_back = service.deployments.iter().find(|d| d.rollout_state == RolloutState::Failed);
        checks.push(if !config.circuit_breaker_enable {
            Check {
                name: "Deployment circuit breaker",
                verdict: Verdict::NotApplicable,
                evidence: vec!["The circuit breaker is not enabled: a deployment whose tasks keep failing goes on launching them.".into()],
            }
        } else {
            let threshold = circuit_breaker_threshold(desired);
            let mut evidence = vec![format!("Enabled, rollback {}; it trips after {threshold} failed tasks (ceil(0.5 × {desired}) within 3 to 200).", if config.circuit_breaker_rollback { "on" } else { "off" })];
            evidence.extend(service.deployments.iter().map(|d| format!("Deployment {} ({}): {} failed tasks, rolloutState {}.", d.id, d.status.as_aws(), d.failed_tasks, d.rollout_state.as_aws())));
            Check { name: "Deployment circuit breaker", verdict: if rolled_back.is_some() { Verdict::Fail } else { Verdict::Pass }, evidence }
        });

        // The capacity provider's Auto Scaling group.
        let (capacity_check, at_max) = self.capacity_check(key);
        checks.push(capacity_check);

        // The subnets' free addresses (awsvpc services).
        let usages: Vec<super::subnet_addresses::AddressUse> = service.subnets.iter().filter_map(|s| self.subnet_address_use(s, None)).collect();
        let awsvpc = live.iter().chain(stopped.iter()).any(|t| t.network_mode_awsvpc) || self.revision_by_arn(&service.task_definition_arn).is_some_and(|r| r.spec.network_mode == crate::taskdef::NetworkMode::Awsvpc);
        checks.push(if !awsvpc || usages.is_empty() {
            Check { name: "Free IP addresses in the service's subnets", verdict: Verdict::NotApplicable, evidence: vec!["The tasks do not use the awsvpc network mode: they take no address of a subnet.".into()] }
        } else {
            let full = usages.iter().all(|u| u.free() == 0) && running < desired;
            Check { name: "Free IP addresses in the service's subnets", verdict: if full { Verdict::Fail } else { Verdict::Pass }, evidence: usages.iter().map(|u| u.text()).collect() }
        });

        // The task execution role, as the newest failed task's start needed it.
        let newest_failed = failed.first().map(|t| t.key);
        let task_report = newest_failed.and_then(|k| self.troubleshoot_task(k));
        let iam = task_report.as_ref().and_then(|r| r.checks.iter().find(|c| c.name == "Missing IAM permissions required by the task execution role")).cloned();
        checks.push(match iam {
            Some(c) => Check { name: "Task execution role permissions", verdict: c.verdict, evidence: c.evidence },
            None => Check { name: "Task execution role permissions", verdict: Verdict::NotApplicable, evidence: vec!["No task failed to start, so no start was refused for a permission.".into()] },
        });

        let mut report = ServiceTroubleshooting {
            cluster: cluster.to_string(),
            service_name: name.to_string(),
            steady,
            counts: format!("desired {desired}, running {running}, pending {pending}"),
            checks,
            root_cause: String::new(),
            fix: None,
            from_task_id: None,
        };
        if let Some(g) = at_max {
            report.root_cause = format!(
                "The Auto Scaling group {} of capacity provider {} is at its maximum size, {}: CapacityProviderReservation is {} (target {}), so managed scaling wants more instances but cannot launch them, and {} tasks wait in PROVISIONING.",
                g.group,
                g.provider,
                g.max,
                g.reservation.map_or_else(|| "not yet published".to_string(), |r| r.to_string()),
                g.target_capacity,
                self.tasks.waiting().filter(|k| self.tasks.get(k).is_some_and(|t| t.service == Some(key))).count()
            );
            report.fix = Some(FixCall {
                call: "autoscaling:UpdateAutoScalingGroup".into(),
                input: json!({ "AutoScalingGroupName": g.group, "MaxSize": g.needed_max }),
                summary: format!("Raise the MaxSize of {} from {} to {}: managed scaling then launches the instances the waiting tasks need.", g.group, g.max, g.needed_max),
            });
        } else if let Some(task) = task_report.filter(|_| !steady) {
            report.root_cause = format!("Its tasks fail: {}", task.root_cause);
            report.fix = task.fix;
            report.from_task_id = Some(task.task_id);
        } else if let Some(event) = unplaced.first().filter(|_| !steady) {
            report.root_cause = format!("The scheduler cannot place the missing tasks: {}", event.split_once(' ').map_or(event.as_str(), |(_, m)| m));
        } else if let Some(d) = rolled_back {
            report.root_cause = format!("The circuit breaker failed deployment {} ({}){}.", d.id, d.rollout_state_reason, if config.circuit_breaker_rollback { " and rolled the service back" } else { "" });
        } else if steady {
            report.root_cause = format!("Nothing to fix: the service has reached a steady state, {running} of {desired} tasks running in one deployment.");
        } else {
            report.root_cause = format!("No check found a problem: the service is still deploying ({}); its next events will tell.", report.counts);
        }
        Some(report)
    }

    /// The load balancer check: the health of the service's targets and its "is unhealthy in" events.
    fn elb_check(&self, key: ServiceKey, since: SimTime) -> Check {
        let name = "Load balancer health checks";
        let Some(service) = self.services.get(&key) else { return Check { name, verdict: Verdict::NotApplicable, evidence: vec![] } };
        if service.load_balancers.is_empty() {
            return Check { name, verdict: Verdict::NotApplicable, evidence: vec!["The service has no load balancer.".into()] };
        }
        let owners: Vec<&str> = self.tasks.live_of_service(key).map(|t| t.id.as_str()).collect();
        let mut evidence = Vec::new();
        let mut unhealthy = false;
        for (arn, container, port) in &service.load_balancers {
            let Some(group) = self.elb().target_groups.get(arn) else { continue };
            evidence.push(format!("Target group {} ({container}:{port}), health check {} on port {}:", group.name, group.health.path.as_deref().unwrap_or("(TCP)"), group.port));
            for t in group.targets.iter().filter(|t| owners.contains(&t.owner.as_str())).take(MAX_EVIDENCE_LINES) {
                unhealthy |= t.state == crate::elb::HealthState::Unhealthy;
                evidence.push(format!(
                    "  {}:{} (task {}): {}{}",
                    t.id,
                    t.port,
                    short(&t.owner),
                    t.state.as_aws(),
                    match (&t.reason, &t.description) {
                        (Some(r), Some(d)) => format!(", {r}: {d}"),
                        (Some(r), None) => format!(", {r}"),
                        _ => String::new(),
                    }
                ));
            }
        }
        let events: Vec<String> = service.events.iter().filter(|e| e.created_at >= since && e.message.contains("is unhealthy in")).take(2).map(|e| format!("{} {}", clock(e.created_at), e.message)).collect();
        unhealthy |= !events.is_empty();
        evidence.extend(events);
        Check { name, verdict: if unhealthy { Verdict::Fail } else { Verdict::Pass }, evidence }
    }

    /// The capacity check: each Auto Scaling group provider of the service with its sizes, its
    /// CapacityProviderReservation and the tasks waiting for it; and the group that holds them back, if one does.
    fn capacity_check(&self, key: ServiceKey) -> (Check, Option<GroupAtMax>) {
        let name = "Capacity provider and Auto Scaling group";
        let Some(service) = self.services.get(&key) else { return (Check { name, verdict: Verdict::NotApplicable, evidence: vec![] }, None) };
        let waiting = self.tasks.waiting().filter(|k| self.tasks.get(k).is_some_and(|t| t.service == Some(key))).count() as u32;
        let mut evidence = Vec::new();
        let mut at_max = None;
        for item in &service.capacity_provider_strategy {
            let Some(provider) = self.scaling.capacity_providers.get(&item.provider) else { continue };
            let Some(group) = self.scaling.asgs.get(&provider.asg_name) else { continue };
            let ms = &provider.managed_scaling;
            evidence.push(format!(
                "Capacity provider {}: managed scaling {}, target capacity {}%, CapacityProviderReservation {}.",
                provider.name,
                if ms.enabled { "ENABLED" } else { "DISABLED" },
                ms.target_capacity,
                provider.last_reservation.map_or_else(|| "not yet published".to_string(), |r| r.to_string())
            ));
            evidence.push(format!("Auto Scaling group {}: MinSize {}, MaxSize {}, DesiredCapacity {}, {} instances.", group.name, group.min, group.max, group.desired, group.instances.len()));
            let wants_more = provider.last_reservation.is_some_and(|r| r > ms.target_capacity);
            if waiting > 0 && wants_more && group.desired >= group.max && at_max.is_none() {
                let n = group.instances.len() as u64;
                let reservation = provider.last_reservation.unwrap_or(100) as u64;
                let needed = (n * reservation).div_ceil(ms.target_capacity.max(1) as u64) as u32;
                at_max = Some(GroupAtMax {
                    group: group.name.clone(),
                    max: group.max,
                    needed_max: needed.max(group.max + 1),
                    provider: provider.name.clone(),
                    reservation: provider.last_reservation,
                    target_capacity: ms.target_capacity,
                });
            }
        }
        if evidence.is_empty() {
            return (Check { name, verdict: Verdict::NotApplicable, evidence: vec!["The service uses no Auto Scaling group capacity provider.".into()] }, None);
        }
        evidence.push(format!("{waiting} tasks of the service wait in PROVISIONING for capacity."));
        (Check { name, verdict: if at_max.is_some() { Verdict::Fail } else { Verdict::Pass }, evidence }, at_max)
    }
}

/// A sim time as the evidence prints it: `12m30s`.
fn clock(at: SimTime) -> String {
    let s = at.0 / 1000;
    format!("{}m{:02}s", s / 60, s % 60)
}

/// A task id's first eight characters, as the console shortens it.
fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}
