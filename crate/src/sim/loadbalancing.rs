//! Amazon ECS with Elastic Load Balancing: a service's `loadBalancers`, tasks registering as targets while
//! ACTIVATING and draining while DEACTIVATING, ELB health replacing tasks, traffic (`sim:SetLoad`), target
//! behaviour (`sim:SetTargetBehavior`) and AZ outages (`fis:aws:network:disrupt-connectivity`).

use crate::api::ApiError;
use crate::elb::{HealthState, TargetBehavior, TargetId};
use crate::taskdef::{NetworkMode, TaskDefinitionSpec};

use super::engine::{Ev, Sim};
use super::model::{ImageBehavior, ServiceBatchKind, Task, TaskKey, TaskStatus};
use super::requests::ServiceLoadBalancer;

/// Load balancer health checks and traffic advance in steps of this length.
pub const ELB_STEP_MS: u64 = 15_000;

/// Requests per second one vCPU (1,024 CPU units) serves when each request costs `cpu_ms` of CPU.
pub(super) fn capacity_rps(cpu_units: u32, cpu_ms_per_request: u32) -> u32 {
    let cpu_units = cpu_units.max(128) as u64;
    (cpu_units * 1000 / (1024 * cpu_ms_per_request.max(1) as u64)).max(1) as u32
}

impl Sim {
    /// Checks a CreateService `loadBalancers` list against the load balancers and the task definition, as ECS
    /// does: (target group ARN, container name, container port) each.
    pub(super) fn service_load_balancers(&self, items: &[ServiceLoadBalancer], spec: &TaskDefinitionSpec) -> Result<Vec<(String, String, u16)>, ApiError> {
        if items.len() > 5 {
            return Err(ApiError::invalid_parameter("A service can use at most 5 target groups (loadBalancers)."));
        }
        let mut out = Vec::new();
        for item in items {
            let (container_name, container_port) = (item.container_name, item.container_port);
            if let Some(name) = item.load_balancer_name {
                // A Classic Load Balancer registers instances, which awsvpc tasks do not have.
                // [UNVERIFIED] wording; the rule is documented (Classic Load Balancers do not support awsvpc or Fargate).
                if spec.network_mode == NetworkMode::Awsvpc {
                    return Err(ApiError::invalid_parameter(format!(
                        "Classic Load Balancer {name} cannot be used with the awsvpc network mode (and so not with Fargate): use an Application or Network Load Balancer with a target group of target type ip."
                    )));
                }
                let lb = self.elb.load_balancers.values().find(|lb| lb.name == name && lb.lb_type == crate::elb::LbType::Classic);
                let Some(tg) = lb.and_then(|lb| lb.classic_tg.clone()) else {
                    return Err(ApiError::invalid_parameter(format!("Load balancer {name} does not exist.")));
                };
                out.push((tg, container_name.to_string(), container_port));
                continue;
            }
            let arn = item.target_group_arn;
            let Some(group) = self.elb.target_groups.get(arn) else {
                return Err(ApiError::invalid_parameter(format!("Unable to find target group {arn}.")));
            };
            let forwards_here = |actions: &[crate::elb::Action]| {
                actions.iter().any(|a| matches!(a, crate::elb::Action::Forward { groups, .. } if groups.iter().any(|(g, _)| g == arn)))
            };
            let attached = self.elb.listeners.values().any(|l| forwards_here(&l.default_actions)) || self.elb.rules.values().any(|r| forwards_here(&r.actions));
            if !attached {
                return Err(ApiError::invalid_parameter(format!("The target group with targetGroupArn {arn} does not have an associated load balancer.")));
            }
            if spec.network_mode == NetworkMode::Awsvpc && group.target_type != "ip" {
                return Err(ApiError::invalid_parameter(format!(
                    "The provided target group {arn} has target type {}, which is incompatible with the awsvpc network mode specified in the task definition.",
                    group.target_type
                )));
            }
            if spec.network_mode != NetworkMode::Awsvpc && group.target_type == "ip" {
                return Err(ApiError::invalid_parameter(format!(
                    "The provided target group {arn} has target type ip, which is incompatible with the {} network mode specified in the task definition.",
                    spec.network_mode.as_aws()
                )));
            }
            let Some(container) = spec.containers.iter().find(|c| c.name == container_name) else {
                return Err(ApiError::invalid_parameter(format!("The container {container_name} does not exist in the task definition.")));
            };
            if !container.port_mappings.iter().any(|m| m.container_port == container_port) {
                return Err(ApiError::invalid_parameter(format!("The container {container_name} did not have a container port {container_port} defined.")));
            }
            out.push((arn.to_string(), container_name.to_string(), container_port));
        }
        Ok(out)
    }

    /// A service task entering ACTIVATING registers with its target groups.
    pub(super) fn register_task_targets(&mut self, key: TaskKey) {
        let Some(task) = self.tasks.get(&key) else { return };
        let Some(service) = task.service.and_then(|s| self.services.get(&s)) else { return };
        if service.load_balancers.is_empty() {
            return;
        }
        let mappings = service.load_balancers.clone();
        let first_group = mappings.first().map(|(tg, _, _)| tg.clone());
        let task = task.clone();
        let private_ip = match task.private_ip.clone() {
            Some(ip) => ip,
            None => {
                self.n_private_ips += 1;
                let ip = format!("10.0.{}.{}", 100 + self.n_private_ips / 250, 4 + self.n_private_ips % 250);
                if let Some(t) = self.tasks.get_mut(&key) {
                    t.private_ip = Some(ip.clone());
                }
                ip
            }
        };
        let instance_id = task.node.and_then(|n| self.container_instances.get(&n)).and_then(|ci| self.ec2.get(&ci.ec2)).map(|e| e.instance_id.clone());
        for (tg, container, container_port) in mappings {
            let (id, port) = if task.network_mode_awsvpc {
                (private_ip.clone(), container_port)
            } else {
                let host_port = task.network_bindings.iter().find(|(name, cp, _, _)| name == &container && *cp == container_port).map(|(_, _, hp, _)| *hp).unwrap_or(container_port);
                (instance_id.clone().unwrap_or_default(), host_port)
            };
            self.elb.register_target(&tg, TargetId { id, port, availability_zone: task.availability_zone.clone(), owner: task.id.clone() }, self.now.0);
            if let Some(service) = task.service {
                self.count_service_event(service, ServiceBatchKind::Registered { target_group_arn: tg });
            }
        }
        let unhealthy = task.containers.iter().any(|c| c.essential && matches!(self.images.get(&c.image), Some(ImageBehavior::Unhealthy)));
        if unhealthy {
            self.elb.set_target_behavior(&task.id, TargetBehavior { healthy: false, response_code: 500, extra_latency_ms: 0, timeout: false });
        }
        let slow_ms = task.containers.iter().filter(|c| c.essential).find_map(|c| match self.images.get(&c.image) {
            Some(ImageBehavior::Slow { extra_latency_ms }) => Some(*extra_latency_ms),
            _ => None,
        });
        if let Some(extra_latency_ms) = slow_ms {
            self.elb.set_target_behavior(&task.id, TargetBehavior { healthy: true, response_code: 200, extra_latency_ms, timeout: false });
        }
        let cpu_ms = first_group.map(|tg| self.cpu_ms_per_request_of(&tg)).unwrap_or(10);
        self.elb.set_target_capacity(&task.id, capacity_rps(task.cpu_units, cpu_ms));
        if self.vpc.vpcs.values().any(|v| v.routing_modelled) {
            self.refresh_target_paths();
        }
    }

    /// The CPU cost per request (`sim:SetLoad`'s `cpuMsPerRequest`) of the load balancer that forwards to a
    /// target group; 10 ms when none carries load.
    fn cpu_ms_per_request_of(&self, tg: &str) -> u32 {
        let forwards = |actions: &[crate::elb::Action]| actions.iter().any(|a| matches!(a, crate::elb::Action::Forward { groups, .. } if groups.iter().any(|(g, _)| g == tg)));
        let listener_arns: Vec<&str> = self.elb.rules.values().filter(|r| forwards(&r.actions)).map(|r| r.listener_arn.as_str()).collect();
        self.elb
            .listeners
            .values()
            .filter(|l| forwards(&l.default_actions) || listener_arns.contains(&l.arn.as_str()))
            .find_map(|l| self.elb.traffic.get(&l.lb_arn).and_then(|t| t.profile.as_ref()).map(|(p, _)| p.cpu_ms_per_request))
            .unwrap_or(10)
    }

    /// A running service task that stops first deregisters from its target groups and drains for the
    /// deregistration delay (DEACTIVATING). Returns false when it has nothing to deregister.
    pub(super) fn begin_deactivating(&mut self, key: TaskKey) -> bool {
        let Some(task) = self.tasks.get(&key) else { return false };
        let owner = task.id.clone();
        let draining = self.elb.deregister_owner(&owner, self.now.0);
        if draining.is_empty() {
            return false;
        }
        self.tasks.set_status(key, TaskStatus::Deactivating, self.now);
        let Some(task) = self.tasks.get_mut(&key) else { return true };
        task.n_targets_draining = draining.len() as u32;
        if let Some(service) = task.service {
            let task_set = task.deployment_id.clone();
            for (target_group_arn, _) in draining {
                self.count_service_event(service, ServiceBatchKind::Deregistered { target_group_arn });
            }
            if let Some(task_set) = task_set {
                self.count_service_event(service, ServiceBatchKind::Draining { task_set });
            }
        }
        true
    }

    /// Whether a task counts as healthy for its service's load balancers: every target group says healthy.
    pub(super) fn lb_healthy(&self, task: &Task) -> Option<bool> {
        let service = task.service.and_then(|s| self.services.get(&s))?;
        if service.load_balancers.is_empty() {
            return None;
        }
        Some(self.elb.owner_all_healthy(&task.id))
    }

    pub(super) fn on_elb_step(&mut self) {
        let start = self.elb_window_start.unwrap_or(self.now);
        let dt_ms = self.now.0.saturating_sub(start.0).max(1);
        self.decide_request_workloads();
        let report = self.elb.step(start.0, dt_ms, &mut self.rng);
        self.apply_request_workloads(dt_ms);
        self.elb_window_start = Some(self.now);
        self.schedule(self.now.plus_ms(ELB_STEP_MS), Ev::ElbStep);
        for transition in report.transitions {
            let Some(key) = self.tasks.key_by_id(&transition.owner) else { continue };
            let Some(service_key) = self.tasks[&key].service else { continue };
            self.schedule_service_tick(service_key, self.now);
            let task = &self.tasks[&key];
            if transition.to != HealthState::Unhealthy || !task.is_active() {
                continue;
            }
            let service = &self.services[&service_key];
            let grace_ms = service.health_check_grace_period_s as u64 * 1000;
            let in_grace = task.started_at.is_some_and(|s| self.now.0 < s.0 + grace_ms);
            let instance = if transition.target_id.starts_with("i-") { Some(transition.target_id.clone()) } else { None };
            if let Some(message) = transition.service_event(&service.name, instance.as_deref()) {
                self.service_event(service_key, message);
            }
            if !in_grace {
                // ECS replaces a task that its load balancer reports unhealthy (ECSDG stopped-task-errors.md).
                let tg_name = self.elb.target_groups.get(&transition.tg_arn).map(|g| g.name.clone()).unwrap_or_default();
                self.stop_task(key, "ServiceSchedulerInitiated", format!("Task failed ELB health checks in (target-group {}) ({tg_name}).", transition.tg_arn));
            }
        }
        for removed in report.removed {
            let Some(key) = self.tasks.key_by_id(&removed.owner) else { continue };
            let ready = {
                let Some(task) = self.tasks.get_mut(&key) else { continue };
                task.n_targets_draining = task.n_targets_draining.saturating_sub(1);
                task.n_targets_draining == 0 && task.last_status == TaskStatus::Deactivating
            };
            if ready {
                self.finish_deactivating(key);
            }
        }
    }

}
