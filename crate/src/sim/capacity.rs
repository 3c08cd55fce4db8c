//! Capacity in the engine: capacity provider strategies on RunTask and services, tasks waiting in
//! PROVISIONING for an Auto Scaling group capacity provider, Fargate Spot interruptions and Spot capacity
//! running out, and instances drained before an Auto Scaling group scale-in terminates them. The Fargate task
//! launch rate is `sim/launch_rate.rs`.

use crate::api::ApiError;
use crate::placement::{Constraint, Failure, TaskDemand};
use crate::scaling::{split_by_strategy, StrategyItem, FARGATE, FARGATE_SPOT, SPOT_STOPPED_REASON, SPOT_STOP_CODE, SPOT_WARNING_MS, SPOT_WARNING_STOP_CODE};
use crate::table::Table;

use super::engine::{Ev, Sim};
use super::model::{DesiredStatus, Ec2Key, LaunchRequest, LaunchType, SchedulingStrategy, TaskKey, TaskStatus, WaitingPlacement};
use super::record::LogKind;
use super::requests::CapacityChoice;

/// Tasks in PROVISIONING per cluster waiting for Auto Scaling group capacity providers (reference §12:
/// 300, current value [UNVERIFIED]). Beyond it a task fails placement as without a capacity provider.
pub const MAX_PROVISIONING_TASKS: u32 = 300;
/// How long a task waits in PROVISIONING for capacity before it stops with `TaskFailedToStart`.
/// [UNVERIFIED]: the reference gives no figure; 30 minutes is the playground's choice.
pub const CAPACITY_WAIT_MS: u64 = 30 * 60_000;
/// The reason of a placement failure when there is no Fargate Spot capacity (reference §1.5: the
/// SERVICE_TASK_PLACEMENT_FAILURE event's reason, ECSDG ecs_cwe_events.md).
pub const FARGATE_CAPACITY_REASON: &str = "RESOURCE:FARGATE";
/// What a Fargate RunTask says when there is no capacity (reference §1.5, the re:Post article).
pub const FARGATE_CAPACITY_UNAVAILABLE: &str = "Capacity is unavailable at this time. Please try again later or in a different availability zone";

/// A FARGATE_SPOT task that cannot start for want of Spot capacity. [UNVERIFIED]: that RunTask gives the
/// reason `RESOURCE:FARGATE` with the capacity text as `detail`, and that the service event reads
/// "was unable to place a task. Reason: <the capacity text>." (seen in third-party transcriptions).
pub(super) fn spot_capacity_failure() -> Failure {
    Failure { reason: FARGATE_CAPACITY_REASON.into(), closest: None, detail: format!("was unable to place a task. Reason: {FARGATE_CAPACITY_UNAVAILABLE}.") }
}

impl Sim {
    /// The launch type and capacity provider strategy of a RunTask or CreateService/UpdateService request:
    /// `launchType`, or `capacityProviderStrategy`, or else the cluster's default strategy, or else EC2.
    /// The strategy is empty when a launch type applies.
    pub(super) fn capacity_of(&self, choice: &CapacityChoice, cluster: &str) -> Result<(LaunchType, Vec<StrategyItem>), ApiError> {
        let given = match choice {
            CapacityChoice::LaunchType(launch_type) => return Ok((*launch_type, vec![])),
            CapacityChoice::Strategy(strategy) => Some(*strategy),
            CapacityChoice::ClusterDefault => None,
        };
        let associated = self.scaling.cluster_strategy(cluster);
        let strategy = match given {
            Some(v) => {
                let kind = |n: &str| self.scaling.provider_kind(n);
                let strategy = crate::scaling::parse_strategy(v, &kind).map_err(|e| ApiError::invalid_parameter(format!("capacityProviderStrategy: {}", e.message)))?;
                if let Some(s) = strategy.iter().find(|s| !associated.is_some_and(|c| c.providers.contains(&s.provider))) {
                    return Err(ApiError::invalid_parameter(format!(
                        "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider '{}' with the cluster or specify a valid capacity provider and try again.",
                        s.provider
                    )));
                }
                strategy
            }
            None => associated.map(|c| c.default_strategy.clone()).unwrap_or_default(),
        };
        if strategy.is_empty() {
            return Ok((LaunchType::Ec2, vec![]));
        }
        let fargate = strategy.iter().all(|s| s.provider == FARGATE || s.provider == FARGATE_SPOT);
        Ok((if fargate { LaunchType::Fargate } else { LaunchType::Ec2 }, strategy))
    }

    /// Whether tasks for this provider wait in PROVISIONING when they cannot be placed: an Auto Scaling
    /// group capacity provider with managed scaling.
    pub(super) fn provider_waits_for_capacity(&self, provider: &str) -> bool {
        self.scaling.capacity_providers.get(provider).is_some_and(|p| p.managed_scaling.enabled)
    }

    /// Launches a batch over a strategy (or with the request's launch type when the strategy is empty):
    /// base first, then by weight, counting `current` tasks per provider.
    pub(super) fn launch_by_strategy(&mut self, request: &LaunchRequest, strategy: &[StrategyItem], current: &Table<String, u32>) -> (Vec<TaskKey>, Vec<Failure>) {
        if strategy.is_empty() {
            return self.launch_tasks(request);
        }
        let (mut launched, mut failures) = (Vec::new(), Vec::new());
        for (provider, count) in split_by_strategy(strategy, request.count, current) {
            // Without Spot capacity the Spot share fails; the rest of the strategy still launches.
            if provider == FARGATE_SPOT && !self.fargate_spot_available {
                failures.extend((0..count).map(|_| spot_capacity_failure()));
                continue;
            }
            let launch_type = if provider == FARGATE || provider == FARGATE_SPOT { LaunchType::Fargate } else { LaunchType::Ec2 };
            let part = LaunchRequest {
                cluster: request.cluster.clone(),
                family: request.family.clone(),
                revision: request.revision,
                count,
                launch_type,
                group: request.group.clone(),
                started_by: request.started_by.clone(),
                overrides: request.overrides.clone(),
                service: request.service,
                deployment_id: request.deployment_id.clone(),
                constraints: request.constraints.clone(),
                strategies: request.strategies.clone(),
                subnets: request.subnets.clone(),
                security_groups: request.security_groups.clone(),
                assign_public_ip: request.assign_public_ip,
                on_node: None,
                capacity_provider: Some(provider),
                platform_version: request.platform_version.clone(),
            };
            let (l, f) = self.launch_tasks(&part);
            launched.extend(l);
            failures.extend(f);
        }
        (launched, failures)
    }

    /// The EC2 instances of an Auto Scaling group capacity provider, as ids.
    fn provider_instance_ids(&self, provider: &str) -> Vec<String> {
        let Some(asg) = self.scaling.capacity_providers.get(provider).map(|p| p.asg_name.clone()) else { return vec![] };
        self.ec2.values().filter(|e| e.tags.get("aws:autoscaling:groupName") == Some(&asg)).map(|e| e.instance_id.clone()).collect()
    }

    /// A task of an Auto Scaling group capacity provider goes only on that group's instances. When the
    /// cluster has other ACTIVE instances, a `memberOf` on their ids says so to placement.
    pub(super) fn provider_demand(&self, cluster: &str, provider: Option<&str>, demand: &TaskDemand) -> TaskDemand {
        let Some(provider) = provider.filter(|p| self.scaling.capacity_providers.contains_key(*p)) else { return demand.clone() };
        let ids = self.provider_instance_ids(provider);
        let others = self
            .container_instances
            .values()
            .filter(|ci| ci.cluster == cluster && ci.status == "ACTIVE")
            .any(|ci| self.ec2.get(&ci.ec2).is_some_and(|e| !ids.contains(&e.instance_id)));
        let mut demand = demand.clone();
        if others {
            let list = if ids.is_empty() { "none".to_string() } else { ids.join(", ") };
            demand.constraints.push(Constraint::MemberOf(format!("ec2InstanceId in [{list}]")));
        }
        demand
    }

    pub(super) fn n_waiting_tasks(&self, cluster: &str) -> u32 {
        self.tasks.waiting().filter(|k| self.tasks.get(k).is_some_and(|t| t.cluster == cluster)).count() as u32
    }

    /// A new task that could not be placed waits in PROVISIONING for its capacity provider's instances.
    pub(super) fn start_waiting(&mut self, key: TaskKey, waiting: WaitingPlacement) {
        self.tasks.start_waiting(key, waiting);
        let Some(task) = self.tasks.get(&key) else { return };
        let id8 = task.id[..8].to_string();
        let provider = task.capacity_provider_name.clone().unwrap_or_default();
        let what = format!("{}:{}", task.family, task.revision);
        self.log_entry(LogKind::Task, format!("task {id8}"), format!("Task {id8} ({what}) is PROVISIONING: waiting for capacity provider {provider} to add instances."));
        self.schedule(self.now.plus_ms(CAPACITY_WAIT_MS), Ev::CapacityWaitTimeout(key));
    }

    pub(super) fn end_waiting(&mut self, key: TaskKey) {
        self.tasks.end_waiting(key);
    }

    /// Tries to place one waiting task now; on success it goes on through its lifecycle.
    fn place_waiting_task(&mut self, key: TaskKey) -> Result<(), Failure> {
        let no_room = || Failure { reason: "RESOURCE:CPU".into(), closest: None, detail: String::new() };
        let Some(task) = self.tasks.get(&key) else { return Err(no_room()) };
        let Some(waiting) = task.waiting_for_capacity.clone() else { return Err(no_room()) };
        let cluster = task.cluster.clone();
        let demand = self.provider_demand(&cluster, task.capacity_provider_name.as_deref(), &waiting.demand);
        if !self.pools.contains_key(&cluster) {
            return Err(Failure { reason: "EMPTY CAPACITY PROVIDER".into(), closest: None, detail: String::new() });
        }
        let reservation = self.place_with_explanations(&cluster, &demand, 1).pop().unwrap_or_else(|| Err(no_room()))?;
        self.placement_decisions += 1;
        let decision = self.placement_decisions - 1;
        self.end_waiting(key);
        let node = reservation.node;
        let az = self.container_instances.get(&node).and_then(|ci| self.ec2.get(&ci.ec2)).map(|e| e.availability_zone.clone()).unwrap_or_default();
        let ec2_id = self.container_instances.get(&node).and_then(|ci| self.ec2.get(&ci.ec2)).map(|e| e.instance_id.clone()).unwrap_or_default();
        let subnet = waiting.subnets.iter().find(|s| self.scenario.network.subnets.iter().any(|n| &n.subnet_id == *s && n.availability_zone == az)).cloned();
        let spec = self.revision_by_arn(&self.tasks[&key].task_definition_arn).map(|r| r.spec.clone());
        let bindings = spec.as_ref().map(|s| self.network_bindings_for(s, &reservation)).unwrap_or_default();
        let instance_groups = self.instance_security_groups(node);
        let now = self.now;
        self.tasks.place(key, reservation);
        let task = self.tasks.get_mut(&key).expect("exists");
        task.availability_zone = az.clone();
        task.placement_decision = Some(decision);
        task.network_bindings = bindings;
        task.status_since = now;
        task.version += 1;
        if task.network_mode_awsvpc {
            task.subnet_id = subnet;
        } else {
            task.security_groups = instance_groups;
        }
        let provisioning_ms = if task.network_mode_awsvpc { self.timings.eni_attach_ms } else { 0 };
        let id8 = task.id[..8].to_string();
        self.log_entry(LogKind::Task, format!("task {id8}"), format!("Task {id8} placed on {ec2_id} in {az} after waiting for capacity: PROVISIONING."));
        self.schedule(now.plus_ms(provisioning_ms), Ev::TaskProgress(key, TaskStatus::Provisioning));
        Ok(())
    }

    /// Places the tasks waiting for capacity in a cluster, oldest first (after an instance registers or
    /// a task frees room). A group that does not fit is not tried again in the same pass.
    pub(super) fn place_waiting_tasks(&mut self, cluster: &str) {
        let keys: Vec<TaskKey> = self.tasks.waiting().filter(|k| self.tasks.get(k).is_some_and(|t| t.cluster == cluster)).collect();
        let mut full_groups: Vec<String> = Vec::new();
        for key in keys {
            let group = self.tasks[&key].group.clone();
            if full_groups.contains(&group) {
                continue;
            }
            if self.place_waiting_task(key).is_err() {
                full_groups.push(group);
            }
        }
    }

    /// A task waited too long: one last try, then it stops with `TaskFailedToStart` and the reason placement
    /// gives (`EMPTY CAPACITY PROVIDER` when the provider has no registered instance; the
    /// `TaskFailedToStart: <reason>` form of the api_failures_messages page, reference §1.3).
    pub(super) fn on_capacity_wait_timeout(&mut self, key: TaskKey) {
        if !self.tasks.is_waiting(key) {
            return;
        }
        let Err(failure) = self.place_waiting_task(key) else { return };
        let cluster = self.tasks[&key].cluster.clone();
        let provider = self.tasks[&key].capacity_provider_name.clone().unwrap_or_default();
        let ids = self.provider_instance_ids(&provider);
        let registered = self.container_instances.values().any(|ci| ci.cluster == cluster && ci.status == "ACTIVE" && self.ec2.get(&ci.ec2).is_some_and(|e| ids.contains(&e.instance_id)));
        let reason = if registered { failure.reason } else { "EMPTY CAPACITY PROVIDER".to_string() };
        self.end_waiting(key);
        if let Some(task) = self.tasks.get_mut(&key) {
            task.stop_code = Some("TaskFailedToStart".into());
            task.stopped_reason = Some(format!("TaskFailedToStart: {reason}"));
        }
        self.force_stop_task(key, Some("TaskFailedToStart"), format!("TaskFailedToStart: {reason}"));
    }

    /// The EventBridge service action event of a service that found no Fargate Spot capacity (reference §1.5).
    pub(super) fn log_spot_placement_failure(&mut self, service_name: &str) {
        let provider_arn = self.arn("ecs", &format!("capacity-provider/{FARGATE_SPOT}"));
        self.log_entry(
            LogKind::Service,
            format!("service {service_name}"),
            format!("ECS Service Action: service {service_name} eventName SERVICE_TASK_PLACEMENT_FAILURE, reason {FARGATE_CAPACITY_REASON}, capacityProviderArns [{provider_arn}]."),
        );
    }

    /// The two-minute warning: the task-state-change event (desiredStatus STOPPED, lastStatus RUNNING,
    /// stopCode TerminationNotice, reference §1.3/§4.3) and SIGTERM; the task stops two minutes later.
    /// Its service starts a replacement at once (ECSDG fargate-capacity-providers.md).
    pub(super) fn spot_warning(&mut self, key: TaskKey) {
        let now = self.now;
        let Some(task) = self.tasks.get_mut(&key) else { return };
        task.desired_status = DesiredStatus::Stopped;
        task.stop_code = Some(SPOT_WARNING_STOP_CODE.to_string());
        task.stopped_reason = Some(SPOT_STOPPED_REASON.to_string());
        task.spot_stop_at = Some(now.plus_ms(SPOT_WARNING_MS));
        task.version += 1;
        let (id8, service) = (task.id[..8].to_string(), task.service);
        self.log_entry(
            LogKind::Task,
            format!("task {id8}"),
            format!("ECS Task State Change: task {id8} desiredStatus STOPPED, lastStatus RUNNING, stopCode {SPOT_WARNING_STOP_CODE}, stoppedReason \"{SPOT_STOPPED_REASON}\" (Fargate Spot two-minute warning, SIGTERM sent)."),
        );
        self.schedule(now.plus_ms(SPOT_WARNING_MS), Ev::SpotStop(key));
        if let Some(service) = service {
            self.schedule_service_tick(service, now);
        }
    }

    /// Two minutes after the warning the Spot capacity is taken back: the task is STOPPED.
    pub(super) fn on_spot_stop(&mut self, key: TaskKey) {
        let Some(task) = self.tasks.get_mut(&key) else { return };
        if task.last_status == TaskStatus::Stopped {
            return;
        }
        // SpotInterruption: the stop code of the enum for Spot interruptions (reference §1.3, usage [UNVERIFIED]).
        task.stop_code = Some(SPOT_STOP_CODE.to_string());
        self.force_stop_task(key, Some(SPOT_STOP_CODE), SPOT_STOPPED_REASON.to_string());
    }

    /// Each minute with a standing rate: interrupts each RUNNING Spot task with probability
    /// `percentPerHour / 100 / 60` (in millionths: percent × 10,000 / 60).
    pub(super) fn spot_minute(&mut self) {
        if self.spot_percent_per_hour == 0 {
            return;
        }
        let spot: Vec<(String, TaskKey)> = self
            .live_tasks()
            .filter(|t| t.capacity_provider_name.as_deref() == Some(FARGATE_SPOT) && t.last_status == TaskStatus::Running && t.is_active())
            .map(|t| (t.id.clone(), t.key))
            .collect();
        let ids: Vec<String> = spot.iter().map(|(id, _)| id.clone()).collect();
        let per_minute_millionths = self.spot_percent_per_hour * 10_000 / 60;
        for drawn in crate::scaling::draw_spot_interruptions(&mut self.rng, &ids, per_minute_millionths, self.now.0) {
            if let Some((_, key)) = spot.iter().find(|(id, _)| *id == drawn.task_id) {
                self.spot_warning(*key);
            }
        }
    }

    /// An Auto Scaling group scale-in: the instance is set to DRAINING first (no new tasks; its service
    /// tasks are replaced elsewhere by their services), and terminated once no service task but daemons
    /// runs there (managed draining, reference §5.5).
    pub(super) fn drain_then_terminate(&mut self, instance_id: &str) {
        let Some(key) = self.ec2.values().find(|e| e.instance_id == instance_id).map(|e| e.key) else { return };
        if let Some(node) = self.ec2[&key].container_instance {
            self.set_container_instance_status(node, "DRAINING");
        }
        self.draining_for_termination.insert(key);
        self.finish_drained_terminations();
    }

    /// Terminates the drained instances where every non-daemon service task has STOPPED (a task still
    /// stopping keeps its instance).
    pub(super) fn finish_drained_terminations(&mut self) {
        let ready: Vec<Ec2Key> = self
            .draining_for_termination
            .iter()
            .copied()
            .filter(|k| {
                let node = self.ec2.get(k).and_then(|e| e.container_instance);
                !node.is_some_and(|node| {
                    self.live_node_tasks(node).any(|t| t.service.and_then(|s| self.services.get(&s)).is_some_and(|s| s.scheduling_strategy != SchedulingStrategy::Daemon))
                })
            })
            .collect();
        for key in ready {
            self.draining_for_termination.remove(&key);
            let id = self.ec2[&key].instance_id.clone();
            let _ = self.terminate_instances(&[id]);
        }
    }
}
