//! The service scheduler: REPLICA and DAEMON services, rolling deployments within minimumHealthyPercent
//! and maximumPercent, the deployment circuit breaker, restart throttling, and service events.

use serde_json::json;

use crate::api::{texts, ApiError, ApiResult, Request};
use crate::placement::{Constraint, NodeKey, Strategy, TaskDemand};
use crate::table::Table;
use crate::time::SimTime;

use super::capacity::FARGATE_CAPACITY_REASON;
use super::engine::{Ev, Sim};
use super::model::{Deployment, DeploymentConfiguration, DeploymentStatus, HealthStatus, LaunchRequest, LaunchType, RolloutState, SchedulingStrategy, Service, ServiceEvent, ServiceKey, ServiceStatus, Task, TaskKey, TaskStatus};
use super::record::LogKind;
use super::requests::{cluster_member, short_name, CreateServiceRequest, UpdateServiceRequest};
use super::scale_in::tasks_to_stop;
use super::service_events::stopped_message;
use super::tasks::{check_platform_for_efs, fargate_platform_version};

/// A task counts as healthy for `minimumHealthyPercent` 40 s after RUNNING when it has no health checks
/// and no load balancer (BOTO `DeploymentConfiguration.minimumHealthyPercent`).
const HEALTHY_AFTER_RUNNING_MS: u64 = 40_000;
/// The circuit breaker's threshold: ceil(0.5 × desiredCount) clamped to [3, 200] (current API reference;
/// the 2023 guide said a minimum of 10).
const CIRCUIT_BREAKER_MIN: u32 = 3;
const CIRCUIT_BREAKER_MAX: u32 = 200;
/// Restart throttling backs off up to 27 minutes (current AWS page; 15 in the 2023 guide). It applies, as on AWS,
/// only to tasks that go PENDING → STOPPED without reaching RUNNING: fidelity wins over the event rate, so a crash
/// loop of tasks that reach RUNNING and then die is not throttled; what keeps it cheap and bounded instead is the
/// shortest lifecycle (every step a second at least, `requests::MIN_LIFECYCLE_MS`), the Fargate launch rate
/// (`launch_rate.rs`) and the stopped tasks kept (`task_store.rs`).
const THROTTLE_MAX_MS: u64 = 27 * 60_000;
/// How often the scheduler retries a placement that failed.
const PLACEMENT_RETRY_MS: u64 = 30_000;

pub fn circuit_breaker_threshold(desired_count: u32) -> u32 {
    desired_count.div_ceil(2).clamp(CIRCUIT_BREAKER_MIN, CIRCUIT_BREAKER_MAX)
}

/// floor(desired × maximumPercent / 100): the most tasks (RUNNING or PENDING) a deployment may have.
pub fn maximum_tasks(desired_count: u32, maximum_percent: u32) -> u32 {
    (desired_count as u64 * maximum_percent as u64 / 100) as u32
}

/// ceil(desired × minimumHealthyPercent / 100): the fewest healthy tasks a deployment must keep.
pub fn minimum_healthy_tasks(desired_count: u32, minimum_healthy_percent: u32) -> u32 {
    (desired_count as u64 * minimum_healthy_percent as u64).div_ceil(100) as u32
}

/// AWS CLI output quoted in aws/containers-roadmap#692.
const DAEMON_NO_STRATEGY: &str = "Specifying a capacity provider strategy is not supported when you create a service using the DAEMON scheduling strategy.";

impl Sim {
    fn service_key(&self, cluster: &str, reference: &str) -> Option<ServiceKey> {
        let name = short_name(reference);
        self.services.values().filter(|s| s.cluster == cluster && s.name == name && s.status != ServiceStatus::Inactive).map(|s| s.key).next()
    }

    fn new_deployment(&mut self, task_definition_arn: &str, desired_count: u32) -> Deployment {
        let digits: String = self.next_hex_id(19).chars().map(|c| char::from(b'0' + (c.to_digit(16).unwrap_or(0) % 10) as u8)).collect();
        Deployment {
            id: format!("ecs-svc/{digits}").into(),
            status: DeploymentStatus::Primary,
            task_definition_arn: task_definition_arn.to_string(),
            desired_count,
            failed_tasks: 0,
            rollout_state: RolloutState::InProgress,
            rollout_state_reason: "ECS deployment ".to_string() + "in progress.",
            created_at: self.now,
            updated_at: self.now,
            any_task_running: false,
            bake_until: None,
            alarms_ignored: false,
            last_completed_task_definition: None,
        }
    }

    pub(super) fn create_service(&mut self, request: CreateServiceRequest) -> ApiResult {
        let cluster = self.active_cluster(request.cluster)?;
        let name = request.service_name?.to_string();
        if self.service_key(&cluster, &name).is_some() {
            return Err(ApiError::invalid_parameter("Creation of service was not idempotent."));
        }
        let reference = request.task_definition;
        if reference.is_empty() {
            return Err(ApiError::invalid_parameter(texts::blank("TaskDefinition")));
        }
        let (family, revision) = self.resolve_task_definition(reference)?;
        let rev = self.revision(&family, revision).cloned().ok_or_else(|| ApiError::client("Unable to describe task definition."))?;
        if rev.status != "ACTIVE" {
            return Err(ApiError::client("TaskDefinition is inactive"));
        }
        let (launch_type, strategy) = self.capacity_of(&request.capacity?, &cluster)?;
        let scheduling_strategy = request.scheduling_strategy?;
        let given_count = request.desired_count?;
        if scheduling_strategy == SchedulingStrategy::Replica && given_count.is_none() {
            return Err(ApiError::invalid_parameter("The desiredCount parameter is required for services using the REPLICA scheduling strategy."));
        }
        let desired_count = given_count.unwrap_or(0);
        if desired_count > 5000 {
            return Err(ApiError::invalid_parameter("desiredCount exceeds the limit of 5000 tasks per service."));
        }
        // A DAEMON service takes no capacity provider strategy, given or inherited from the cluster's default:
        // AWS refuses both, and a launchType (EC2) is the way round (aws/containers-roadmap#692,
        // hashicorp/terraform-provider-aws#16772). text: AWS CLI output quoted in aws/containers-roadmap#692
        if scheduling_strategy == SchedulingStrategy::Daemon && !strategy.is_empty() {
            return Err(ApiError::invalid_parameter(DAEMON_NO_STRATEGY));
        }
        self.check_compatibility(&rev.spec, launch_type)?;
        // A task role ECS cannot assume is no refusal here: each launch fails instead (capacity.rs).
        fargate_platform_version(request.platform_version)?;
        check_platform_for_efs(&rev.spec, launch_type, request.platform_version)?;
        if scheduling_strategy == SchedulingStrategy::Daemon {
            if launch_type == LaunchType::Fargate {
                return Err(ApiError::invalid_parameter("The daemon scheduling strategy does not support the FARGATE launch type."));
            }
            if given_count.is_some() {
                return Err(ApiError::invalid_parameter("The daemon scheduling strategy does not support a desired count for services."));
            }
            if request.has_placement_strategy {
                return Err(ApiError::invalid_parameter("The daemon scheduling strategy does not support placement strategies."));
            }
        }
        let subnets = self.awsvpc_subnets(&request.network_configuration, &rev.spec)?;
        let constraints = request.placement_constraints?;
        let strategies = request.placement_strategy?;
        if launch_type == LaunchType::Fargate && (!constraints.is_empty() || !strategies.is_empty()) {
            return Err(ApiError::invalid_parameter("Task placement is not supported for Fargate launch type."));
        }
        if constraints.len() + rev.spec.placement_constraint_expressions.len() > 10 {
            return Err(ApiError::invalid_parameter("Number of placement constraints exceeds the limit of 10."));
        }
        let dc = &request.deployment_configuration;
        let (default_max, default_min) = if scheduling_strategy == SchedulingStrategy::Daemon { (100, 0) } else { (200, 100) };
        let maximum_percent = dc.maximum_percent.unwrap_or(default_max) as u32;
        let minimum_healthy_percent = dc.minimum_healthy_percent.unwrap_or(default_min) as u32;
        if scheduling_strategy == SchedulingStrategy::Daemon && maximum_percent != 100 {
            return Err(ApiError::invalid_parameter("The maximumPercent parameter must be 100 for services using the DAEMON scheduling strategy."));
        }
        if maximum_percent < 100 && scheduling_strategy == SchedulingStrategy::Replica {
            return Err(ApiError::invalid_parameter("maximumPercent must be at least 100."));
        }
        if minimum_healthy_percent > 100 {
            return Err(ApiError::invalid_parameter("minimumHealthyPercent must be between 0 and 100."));
        }
        let (circuit_breaker_enable, circuit_breaker_rollback) = dc.circuit_breaker.unwrap_or((false, false));
        if request.health_check_grace_period_s.is_some() && request.load_balancers.is_empty() {
            return Err(ApiError::invalid_parameter("Health check grace period is only valid for services configured to use load balancers"));
        }
        let grace_s = request.health_check_grace_period_s.unwrap_or(0);
        let load_balancers = self.service_load_balancers(&request.load_balancers, &rev.spec)?;
        let arn = self.arn("ecs", &format!("service/{cluster}/{name}"));
        let key = self.services.keys().next_back().map_or(0, |k| k + 1);
        let desired_for_deployment = if scheduling_strategy == SchedulingStrategy::Daemon { 0 } else { desired_count as u32 };
        let mut deployment = self.new_deployment(&rev.arn, desired_for_deployment);
        deployment.rollout_state_reason = "ECS deployment ".to_string() + &deployment.id + " in progress.";
        let service = Service {
            platform_version: request.platform_version.unwrap_or("LATEST").to_string(),
            key,
            name: name.clone(),
            arn,
            cluster: cluster.clone(),
            status: ServiceStatus::Active,
            desired_count: desired_count as u32,
            launch_type,
            capacity_provider_strategy: strategy,
            scheduling_strategy,
            task_definition_arn: rev.arn.clone(),
            placement_constraints: constraints,
            placement_strategies: strategies,
            placement_constraints_json: request.placement_constraints_json,
            placement_strategy_json: request.placement_strategy_json,
            deployment_configuration: DeploymentConfiguration { maximum_percent, minimum_healthy_percent, circuit_breaker_enable, circuit_breaker_rollback, alarms: dc.alarms.clone() },
            subnets,
            security_groups: self.awsvpc_security_groups(&request.network_configuration),
            assign_public_ip: request.network_configuration.assign_public_ip(),
            load_balancers,
            load_balancers_json: request.load_balancers_json,
            network_configuration_json: request.network_configuration_json,
            deployments: vec![deployment],
            events: vec![],
            created_at: self.now,
            health_check_grace_period_s: grace_s as u32,
            consecutive_start_failures: 0,
            throttled_until: SimTime::ZERO,
            steady_state_reported: false,
            last_placement_failure: None,
            tick_scheduled: false,
            future_ticks: Default::default(),
        };
        self.services.insert(key, service);
        self.schedule_service_tick(key, self.now);
        Ok(json!({ "service": self.service_json(key) }))
    }

    pub(super) fn update_service(&mut self, request: UpdateServiceRequest) -> ApiResult {
        let cluster = self.active_cluster(request.cluster)?;
        let key = self.service_key(&cluster, request.service).ok_or_else(ApiError::service_not_found)?;
        if self.services[&key].status != ServiceStatus::Active {
            return Err(ApiError::service_not_active());
        }
        // A new networkConfiguration is checked first, against the task definition the service will run, so a
        // bad one changes nothing.
        let network_change = match &request.network_configuration {
            Some((network, json)) => {
                let spec = match request.task_definition {
                    Some(reference) => self.resolve_task_definition(reference).ok().and_then(|(family, revision)| self.revision(&family, revision)).map(|r| r.spec.clone()),
                    None => self.revision_by_arn(&self.services[&key].task_definition_arn).map(|r| r.spec.clone()),
                };
                let spec = spec.ok_or_else(|| ApiError::client("Unable to describe task definition."))?;
                let subnets = self.awsvpc_subnets(network, &spec)?;
                Some((subnets, self.awsvpc_security_groups(network), network.assign_public_ip(), json.clone()))
            }
            None => None,
        };
        if let Some(count) = request.desired_count {
            let count = count?;
            if self.services[&key].scheduling_strategy == SchedulingStrategy::Daemon {
                return Err(ApiError::invalid_parameter("The daemon scheduling strategy does not support a desired count for services."));
            }
            if count > 5000 {
                return Err(ApiError::invalid_parameter("desiredCount exceeds the limit of 5000 tasks per service."));
            }
            let service = self.services.get_mut(&key).expect("exists");
            service.desired_count = count as u32;
            service.steady_state_reported = false;
            if let Some(primary) = service.deployments.iter_mut().find(|d| d.status == DeploymentStatus::Primary) {
                primary.desired_count = count as u32;
            }
        }
        if let Some(dc) = request.deployment_configuration {
            let service = self.services.get_mut(&key).expect("exists");
            if let Some(max) = dc.maximum_percent {
                service.deployment_configuration.maximum_percent = max as u32;
            }
            if let Some(min) = dc.minimum_healthy_percent {
                service.deployment_configuration.minimum_healthy_percent = min.min(100) as u32;
            }
            if let Some((enable, rollback)) = dc.circuit_breaker {
                service.deployment_configuration.circuit_breaker_enable = enable;
                service.deployment_configuration.circuit_breaker_rollback = rollback;
            }
            if let Some(alarms) = dc.alarms {
                service.deployment_configuration.alarms = Some(alarms);
            }
        }
        if let Some((strategies, json)) = request.placement_strategy {
            let parsed = strategies?;
            let service = self.services.get_mut(&key).expect("exists");
            service.placement_strategies = parsed;
            service.placement_strategy_json = json;
        }
        if let Some((constraints, json)) = request.placement_constraints {
            let parsed = constraints?;
            let service = self.services.get_mut(&key).expect("exists");
            service.placement_constraints = parsed;
            service.placement_constraints_json = json;
        }
        let mut force = request.force_new_deployment;
        if let Some(capacity) = request.capacity {
            let (launch_type, strategy) = self.capacity_of(&capacity?, &cluster)?;
            if self.services[&key].scheduling_strategy == SchedulingStrategy::Daemon && !strategy.is_empty() {
                return Err(ApiError::invalid_parameter(DAEMON_NO_STRATEGY)); // CreateService's text; [UNVERIFIED] for UpdateService
            }
            let rev = self.revision_by_arn(&self.services[&key].task_definition_arn).cloned();
            if let Some(rev) = rev {
                self.check_compatibility(&rev.spec, launch_type)?;
            }
            let service = self.services.get_mut(&key).expect("exists");
            if service.capacity_provider_strategy != strategy || service.launch_type != launch_type {
                service.capacity_provider_strategy = strategy;
                service.launch_type = launch_type;
                // The new strategy applies to new tasks; a new deployment replaces the running ones. [UNVERIFIED]
                force = true;
            }
        }
        let new_td = match request.task_definition {
            Some(reference) => {
                let (family, revision) = self.resolve_task_definition(reference)?;
                let rev = self.revision(&family, revision).cloned().ok_or_else(|| ApiError::client("Unable to describe task definition."))?;
                if rev.status != "ACTIVE" {
                    return Err(ApiError::client("TaskDefinition is inactive"));
                }
                self.check_compatibility(&rev.spec, self.services[&key].launch_type)?;
                Some(rev.arn)
            }
            _ => None,
        };
        if let Some((subnets, security_groups, assign_public_ip, json)) = network_change {
            // New subnets, security groups or assignPublicIp apply to new tasks: a new deployment replaces
            // the running ones (changing the network configuration forces a new deployment).
            let service = self.services.get_mut(&key).expect("exists");
            service.subnets = subnets;
            service.security_groups = security_groups;
            service.assign_public_ip = assign_public_ip;
            service.network_configuration_json = Some(json);
            force = true;
        }
        if new_td.is_some() || force {
            let changes_task_definition = new_td.as_ref().is_some_and(|td| *td != self.services[&key].task_definition_arn);
            let td = new_td.unwrap_or_else(|| self.services[&key].task_definition_arn.clone());
            self.start_deployment(key, &td);
            // Only a new task definition resets restart throttling (ECSDG service-throttle-logic.md): a forced
            // deployment of the same one goes on waiting out the throttle, as AWS keeps it.
            if changes_task_definition {
                let service = self.services.get_mut(&key).expect("exists");
                service.consecutive_start_failures = 0;
                service.throttled_until = SimTime::ZERO;
            }
        }
        self.schedule_service_tick(key, self.now);
        Ok(json!({ "service": self.service_json(key) }))
    }

    fn start_deployment(&mut self, key: ServiceKey, task_definition_arn: &str) {
        let desired = self.services[&key].desired_count;
        let mut deployment = self.new_deployment(task_definition_arn, desired);
        deployment.rollout_state_reason = "ECS deployment ".to_string() + &deployment.id + " in progress.";
        let service = self.services.get_mut(&key).expect("exists");
        for d in &mut service.deployments {
            if d.status == DeploymentStatus::Primary {
                d.status = DeploymentStatus::Active;
            }
        }
        service.task_definition_arn = task_definition_arn.to_string();
        service.steady_state_reported = false;
        service.deployments.insert(0, deployment);
        self.note_alarms_at_deployment_start(key);
    }

    pub(super) fn delete_service(&mut self, request: &Request) -> ApiResult {
        let cluster = self.active_cluster(cluster_member(request))?;
        let reference = request.str("service").unwrap_or("");
        let key = self.service_key(&cluster, reference).ok_or_else(ApiError::service_not_found)?;
        let force = request.bool("force").unwrap_or(false);
        let service = &self.services[&key];
        if service.scheduling_strategy == SchedulingStrategy::Replica && service.desired_count > 0 && !force {
            return Err(ApiError::invalid_parameter("The service cannot be stopped while it is scaled above 0."));
        }
        let service = self.services.get_mut(&key).expect("exists");
        service.status = ServiceStatus::Draining;
        service.desired_count = 0;
        let tasks: Vec<TaskKey> = self.live_service_tasks(key).filter(|t| t.is_active()).map(|t| t.key).collect();
        for task in tasks {
            self.stop_task(task, "ServiceSchedulerInitiated", "Service is being deleted.".to_string());
        }
        self.schedule_service_tick(key, self.now);
        Ok(json!({ "service": self.service_json(key) }))
    }

    pub(super) fn describe_services(&mut self, request: &Request) -> ApiResult {
        // The list is checked before the cluster (API_DescribeServices: `services`, up to 10).
        let references = request.strings("services");
        if references.is_empty() {
            return Err(ApiError::invalid_parameter(texts::list_empty("Services")));
        }
        if references.len() > 10 {
            return Err(ApiError::invalid_parameter(texts::too_many_items("service names", 10)));
        }
        let cluster = self.active_cluster(cluster_member(request))?;
        let mut services = Vec::new();
        let mut failures = Vec::new();
        for reference in references {
            let name = short_name(&reference);
            let key = self.services.values().filter(|s| s.cluster == cluster && s.name == name).map(|s| s.key).next_back();
            match key {
                Some(key) => services.push(self.service_json(key)),
                None => failures.push(json!({ "arn": self.arn("ecs", &format!("service/{cluster}/{name}")), "reason": "MISSING" })),
            }
        }
        Ok(json!({ "services": services, "failures": failures }))
    }

    pub(super) fn list_services(&mut self, request: &Request) -> ApiResult {
        let cluster = self.active_cluster(cluster_member(request))?;
        let arns: Vec<String> = self.services.values().filter(|s| s.cluster == cluster && s.status == ServiceStatus::Active).map(|s| s.arn.clone()).collect();
        Ok(json!({ "serviceArns": arns }))
    }

    pub(super) fn service_event(&mut self, key: ServiceKey, message: String) {
        let now = self.now;
        let id = self.next_hex_id(32);
        let (id8, id_rest) = id.split_at(8);
        let event_id = format!("{id8}-{}-{}-{}-{}", &id_rest[..4], &id_rest[4..8], &id_rest[8..12], &id_rest[12..24]);
        let Some(service) = self.services.get_mut(&key) else { return };
        // The console keeps the 100 most recent events.
        service.events.insert(0, ServiceEvent { id: event_id, created_at: now, message: message.clone() });
        service.events.truncate(100);
        let subject = format!("service {}", service.name);
        self.note_service_action(key, &message);
        self.log_entry(LogKind::Service, subject, message);
    }

    pub(super) fn schedule_service_tick(&mut self, key: ServiceKey, at: SimTime) {
        let Some(service) = self.services.get_mut(&key) else { return };
        if service.tick_scheduled && at <= self.now {
            return;
        }
        if at <= self.now {
            service.tick_scheduled = true;
        } else if !service.future_ticks.insert(at) {
            return;
        }
        self.schedule(at, Ev::ServiceTick(key));
    }

    pub(super) fn tick_cluster_services(&mut self, cluster: &str) {
        let keys: Vec<ServiceKey> = self.services.values().filter(|s| s.cluster == cluster && s.status != ServiceStatus::Inactive).map(|s| s.key).collect();
        for key in keys {
            self.schedule_service_tick(key, self.now);
        }
    }

    /// The placement demand of a service's next task.
    pub(super) fn service_demand(&self, key: ServiceKey) -> Option<TaskDemand> {
        let service = self.services.get(&key)?;
        let rev = self.revision_by_arn(&service.task_definition_arn)?;
        let mut constraints: Vec<Constraint> = rev.spec.placement_constraint_expressions.iter().map(|e| Constraint::MemberOf(e.clone())).collect();
        constraints.extend(service.placement_constraints.iter().cloned());
        // CreateService's default: spread across Availability Zones, then across instances (ECSDG ecs_services.md).
        let strategies = if service.placement_strategies.is_empty() {
            vec![Strategy::Spread("attribute:ecs.availability-zone".into()), Strategy::Spread("instanceId".into())]
        } else {
            service.placement_strategies.clone()
        };
        Some(self.demand_for(&rev.spec, &format!("service:{}", service.name), &constraints, &strategies))
    }

    fn task_counts_as_healthy(&self, task: &Task) -> bool {
        if task.last_status != TaskStatus::Running || !task.is_active() {
            return false;
        }
        // Behind a load balancer, the target group's health check decides (BOTO minimumHealthyPercent table).
        let lb_healthy = self.lb_healthy(task);
        if lb_healthy == Some(false) || task.health_status == HealthStatus::Unhealthy {
            return false;
        }
        if lb_healthy == Some(true) {
            return true;
        }
        match task.health_status {
            HealthStatus::Healthy => true,
            HealthStatus::Unhealthy => false,
            _ => {
                let has_check = self.revision_by_arn(&task.task_definition_arn).is_some_and(|r| r.spec.containers.iter().any(|c| c.essential && c.health_check.is_some()));
                !has_check && task.started_at.is_some_and(|t| self.now.0 >= t.0 + HEALTHY_AFTER_RUNNING_MS)
            }
        }
    }

    pub(super) fn on_service_task_running(&mut self, key: ServiceKey, task: TaskKey) {
        let deployment_id = self.tasks[&task].deployment_id.clone();
        if let Some(service) = self.services.get_mut(&key) {
            service.consecutive_start_failures = 0;
            if let Some(d) = service.deployments.iter_mut().find(|d| Some(&d.id) == deployment_id.as_ref()) {
                d.any_task_running = true;
            }
        }
        self.schedule_service_tick(key, self.now);
        self.schedule_service_tick(key, self.now.plus_ms(HEALTHY_AFTER_RUNNING_MS));
    }

    pub(super) fn on_service_task_stopped(&mut self, key: ServiceKey, task: TaskKey, reached_running: bool) {
        let deployment_id = self.tasks[&task].deployment_id.clone();
        let stopped_by_scheduler = self.tasks[&task].stop_code.as_deref() == Some("ServiceSchedulerInitiated")
            || self.tasks[&task].stop_code.as_deref() == Some("UserInitiated");
        if !reached_running && !stopped_by_scheduler {
            let mut breaker_event = None;
            let mut throttle_event = None;
            let now = self.now;
            if let Some(service) = self.services.get_mut(&key) {
                service.consecutive_start_failures += 1;
                // Restart throttling: back off after repeated failures to start, doubling to at most 27 minutes.
                if service.consecutive_start_failures >= 3 {
                    let exponent = (service.consecutive_start_failures - 3).min(10);
                    let delay_ms = (15_000u64 << exponent).min(THROTTLE_MAX_MS);
                    let newly_throttled = service.throttled_until <= now;
                    service.throttled_until = service.throttled_until.max(now.plus_ms(delay_ms));
                    // One event each time the service becomes throttled, not one per failed task.
                    if newly_throttled {
                        throttle_event = Some(format!("(service {}) is unable to consistently start tasks successfully.", service.name));
                    }
                }
                let breaker_on = service.deployment_configuration.circuit_breaker_enable;
                let desired = service.desired_count;
                if let Some(d) = service.deployments.iter_mut().find(|d| Some(&d.id) == deployment_id.as_ref()) {
                    d.failed_tasks += 1;
                    d.updated_at = now;
                    if breaker_on && d.status == DeploymentStatus::Primary && d.rollout_state == RolloutState::InProgress && d.failed_tasks >= circuit_breaker_threshold(desired) {
                        breaker_event = Some(d.id.clone());
                    }
                }
            }
            if let Some(message) = throttle_event {
                self.service_event(key, message);
            }
            if let Some(deployment_id) = breaker_event {
                self.trip_circuit_breaker(key, &deployment_id);
            }
        }
        let throttled_until = self.services.get(&key).map(|s| s.throttled_until).unwrap_or(SimTime::ZERO);
        self.schedule_service_tick(key, self.now.max(throttled_until));
    }

    fn trip_circuit_breaker(&mut self, key: ServiceKey, deployment_id: &str) {
        let now = self.now;
        let Some(service) = self.services.get_mut(&key) else { return };
        let rollback = service.deployment_configuration.circuit_breaker_rollback;
        let last_completed = service.deployments.iter().find(|d| d.rollout_state == RolloutState::Completed).map(|d| d.task_definition_arn.clone());
        if let Some(d) = service.deployments.iter_mut().find(|d| &*d.id == deployment_id) {
            d.rollout_state = RolloutState::Failed;
            d.rollout_state_reason = "ECS deployment circuit breaker: task failed to start.".into();
            d.updated_at = now;
        }
        let name = service.name.clone();
        self.service_event(key, format!("(service {name}) (deployment {deployment_id}) deployment failed: tasks failed to start."));
        if let (true, Some(td)) = (rollback, last_completed) {
            self.roll_back_to(key, deployment_id, &td, "ECS deployment circuit breaker");
        }
    }

    /// Rolls a failed deployment back to the task definition of the last COMPLETED deployment, with `cause`'s
    /// texts (`<cause>: rolling back to deploymentId <id>.`): the circuit breaker's or the deployment alarms'.
    pub(super) fn roll_back_to(&mut self, key: ServiceKey, deployment_id: &str, td: &str, cause: &str) {
        let name = self.services[&key].name.clone();
        let td = td.to_string();
        self.start_deployment(key, &td);
        let new_id = self.services[&key].deployments[0].id.clone();
        // The tasks still running the rolled-back-to revision keep serving: they join the rollback
        // deployment instead of being replaced. (The reference does not say whether ECS replaces them;
        // keeping them matches the documented outcome, "the service rolls back to the last completed state".)
        let rejoining: Vec<TaskKey> = self.live_service_tasks(key).filter(|t| t.is_active() && t.task_definition_arn == td).map(|t| t.key).collect();
        for task in rejoining {
            if let Some(task) = self.tasks.get_mut(&task) {
                task.deployment_id = Some(new_id.clone());
            }
        }
        if let Some(d) = self.services.get_mut(&key).and_then(|s| s.deployments.iter_mut().find(|d| &*d.id == deployment_id)) {
            d.rollout_state_reason = format!("{cause}: rolling back to deploymentId {new_id}.");
        }
        self.service_event(key, format!("(service {name}) (deployment {deployment_id}) {cause}: rolling back to deploymentId {new_id}."));
        if let Some(service) = self.services.get_mut(&key) {
            service.consecutive_start_failures = 0;
            service.throttled_until = SimTime::ZERO;
        }
    }

    pub(super) fn on_service_tick(&mut self, key: ServiceKey) {
        let now = self.now;
        let Some(service) = self.services.get_mut(&key) else { return };
        service.tick_scheduled = false;
        service.future_ticks.remove(&now);
        if service.status == ServiceStatus::Inactive {
            return;
        }
        if service.status == ServiceStatus::Draining {
            let all_stopped = self.live_service_tasks(key).all(|t| !t.is_active());
            if all_stopped {
                let service = self.services.get_mut(&key).expect("exists");
                service.status = ServiceStatus::Inactive;
            }
            return;
        }
        if service.scheduling_strategy == SchedulingStrategy::Daemon {
            self.reconcile_daemon(key);
        } else {
            self.reconcile_replica(key);
        }
    }

    /// A copy of the service for the scheduler to read while it changes tasks, without its events (the bulk of
    /// a copy, and the scheduler only appends to them).
    fn service_snapshot(&mut self, key: ServiceKey) -> Service {
        let service = self.services.get_mut(&key).expect("a scheduled service exists");
        let events = std::mem::take(&mut service.events);
        let snapshot = service.clone();
        service.events = events;
        snapshot
    }

    fn service_tasks(&self, key: ServiceKey) -> Vec<&Task> {
        let mut tasks = Vec::with_capacity(self.tasks.n_live_of_service(key));
        tasks.extend(self.live_service_tasks(key).filter(|t| t.is_active()));
        tasks
    }

    fn is_on_draining_instance(&self, task: &Task) -> bool {
        task.node.and_then(|n| self.container_instances.get(&n)).is_some_and(|ci| ci.status == "DRAINING")
    }

    /// Whether any container instance is DRAINING: when none is, no task is on one, and the scheduler need not
    /// look up each task's instance.
    fn any_draining_instance(&self) -> bool {
        self.container_instances.values().any(|ci| ci.status == "DRAINING")
    }

    fn reconcile_replica(&mut self, key: ServiceKey) {
        let service = self.service_snapshot(key);
        let Some(primary) = service.deployments.iter().find(|d| d.status == DeploymentStatus::Primary).cloned() else { return };
        let desired = service.desired_count;
        let config = &service.deployment_configuration;
        // Decide on borrowed tasks (no clone of each task per tick): what to stop, and the counts.
        let (n_total, n_good, n_obsolete, n_healthy, n_good_settling, healthy_budget, to_stop, by_provider) = {
            let tasks: Vec<&Task> = self.service_tasks(key);
            // Obsolete tasks: of an older deployment, or on a DRAINING instance. They are replaced, not counted as good.
            // Deployment ids are shared `Rc<str>`s: equal ones compare by pointer.
            let any_draining = self.any_draining_instance();
            let is_obsolete = |t: &Task| t.deployment_id.as_ref() != Some(&primary.id) || (any_draining && self.is_on_draining_instance(t));
            let n_total = tasks.len() as u32;
            let (mut obsolete, mut good): (Vec<&Task>, Vec<&Task>) = (Vec::new(), Vec::with_capacity(tasks.len()));
            for t in &tasks {
                if is_obsolete(t) {
                    obsolete.push(*t);
                } else {
                    good.push(*t);
                }
            }
            // Health matters only when there are obsolete tasks to replace (it asks the load balancer per task).
            let healthy: Vec<bool> = obsolete.iter().map(|t| self.task_counts_as_healthy(t)).collect();
            let n_good_healthy = if obsolete.is_empty() { 0 } else { good.iter().filter(|t| self.task_counts_as_healthy(t)).count() as u32 };
            let n_healthy = if obsolete.is_empty() { 0 } else { healthy.iter().filter(|h| **h).count() as u32 + n_good_healthy };
            // New tasks still starting or waiting for their health checks: the deployment is progressing.
            let n_good_settling = if obsolete.is_empty() { 0 } else { good.len() as u32 - n_good_healthy };
            let max_tasks = maximum_tasks(desired, config.maximum_percent).max(desired.min(1));
            let min_healthy = minimum_healthy_tasks(desired, config.minimum_healthy_percent);
            let n_good = good.len() as u32;
            let mut to_stop: Vec<(TaskKey, String)> = Vec::new();
            let scaling_reason = format!("Scaling activity initiated by (deployment {})", primary.id);

            // Scale in: more good tasks than desired, picked one at a time as the mirror image of placement.
            if n_good > desired {
                let pool = self.pools.get(&service.cluster);
                for key in tasks_to_stop(&good, (n_good - desired) as usize, &service.placement_strategies, pool) {
                    to_stop.push((key, scaling_reason.clone()));
                }
            }
            // Obsolete tasks that are not healthy can go at once; healthy ones only above the minimum healthy count.
            let mut healthy_budget = n_healthy.saturating_sub(min_healthy) as i64;
            let mut obsolete_sorted: Vec<(bool, TaskKey)> = obsolete.iter().zip(&healthy).map(|(t, h)| (*h, t.key)).collect();
            crate::order::sort(&mut obsolete_sorted);
            for (is_healthy, task) in obsolete_sorted {
                if !is_healthy {
                    to_stop.push((task, scaling_reason.clone()));
                } else if healthy_budget > 0 && (n_good >= desired || n_total >= max_tasks) {
                    healthy_budget -= 1;
                    to_stop.push((task, scaling_reason.clone()));
                }
            }
            // Good tasks per capacity provider: where the strategy continues from.
            let mut by_provider: Table<String, u32> = Table::new();
            for t in &good {
                if let Some(p) = &t.capacity_provider_name {
                    *by_provider.get_or_default(p.clone()) += 1;
                }
            }
            (n_total, n_good, obsolete.len() as u32, n_healthy, n_good_settling, healthy_budget, to_stop, by_provider)
        };
        let max_tasks = maximum_tasks(desired, config.maximum_percent).max(desired.min(1));
        let n_stopping = to_stop.len() as u32;
        // Start: up to desired good tasks, never above maximumPercent of desired in all.
        let headroom = max_tasks.saturating_sub(n_total.saturating_sub(n_stopping.min(n_total)));
        let n_start = desired.saturating_sub(n_good).min(headroom);
        // The Events tab names the running tasks the scheduler stops; tasks not yet running are not counted.
        let stopped_running: Vec<String> = to_stop.iter().filter_map(|(k, _)| self.tasks.get(k)).filter(|t| t.last_status == TaskStatus::Running).map(|t| t.id.clone()).collect();
        if !stopped_running.is_empty() {
            self.service_event(key, stopped_message(&service.name, &stopped_running));
        }
        for (task, reason) in to_stop {
            self.stop_task(task, "ServiceSchedulerInitiated", reason);
        }
        // Their targets' deregistration is reported before anything the scheduler starts.
        self.flush_service_batches();
        let throttled = self.now < service.throttled_until;
        let deployment_failed = primary.rollout_state == RolloutState::Failed;
        // Fargate launches follow the account's Fargate task launch rate; the rest start on a later tick.
        let n_start = if n_start > 0 && !throttled && !deployment_failed && service.launch_type == LaunchType::Fargate {
            let allowed = self.fargate_launches.take(self.now, n_start, false);
            if allowed < n_start {
                let at = self.fargate_launches.next_launch_at(self.now);
                self.schedule_service_tick(key, at);
            }
            allowed
        } else {
            n_start
        };
        if n_start > 0 && !throttled && !deployment_failed {
            let (family, revision) = match self.resolve_task_definition(&primary.task_definition_arn) {
                Ok(v) => v,
                Err(_) => return,
            };
            let demand = self.service_demand(key);
            let request = LaunchRequest {
                cluster: service.cluster.clone(),
                family,
                revision,
                count: n_start,
                launch_type: service.launch_type,
                group: format!("service:{}", service.name),
                started_by: Some(primary.id.to_string()),
                service: Some(key),
                deployment_id: Some(primary.id.clone()),
                constraints: demand.as_ref().map(|d| d.constraints.clone()).unwrap_or_default(),
                strategies: demand.as_ref().map(|d| d.strategies.clone()).unwrap_or_default(),
                subnets: service.subnets.clone(),
                security_groups: service.security_groups.clone(),
                assign_public_ip: service.assign_public_ip,
                on_node: None,
                capacity_provider: None,
                platform_version: fargate_platform_version(Some(&service.platform_version)).unwrap_or_else(|_| "1.4.0".into()),
                overridden: None,
            };
            let (launched, failures) = self.launch_by_strategy(&request, &service.capacity_provider_strategy, &by_provider);
            if !launched.is_empty() {
                let ids: Vec<String> = launched.iter().map(|k| self.tasks[k].id.clone()).collect();
                self.service_event(key, format!("(service {}) has started {} tasks: (task {}).", service.name, launched.len(), ids.join(") (task ")));
                if let Some(s) = self.services.get_mut(&key) {
                    s.last_placement_failure = None;
                }
            }
            if let Some(failure) = failures.first() {
                let message = format!("(service {}) {}", service.name, failure.detail);
                let repeated = self.services[&key].last_placement_failure.as_deref() == Some(message.as_str());
                if !repeated {
                    self.service_event(key, message.clone());
                    if failure.reason == FARGATE_CAPACITY_REASON {
                        self.log_spot_placement_failure(&service.name);
                    }
                    if let Some(s) = self.services.get_mut(&key) {
                        s.last_placement_failure = Some(message);
                    }
                }
                self.schedule(self.now.plus_ms(PLACEMENT_RETRY_MS), Ev::ServiceTick(key));
            }
        } else if throttled && n_start > 0 {
            self.schedule(service.throttled_until, Ev::ServiceTick(key));
        }
        // Nothing can move: the deployment configuration blocks it. While new tasks are still starting or
        // waiting for their health checks the deployment is progressing, and nothing is reported.
        if n_start == 0 && n_stopping == 0 && n_obsolete > 0 && n_good < desired && !throttled && n_healthy >= n_obsolete && n_good_settling == 0 {
            if healthy_budget <= 0 && headroom == 0 {
                self.service_event(
                    key,
                    format!("(service {}) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.", service.name),
                );
            }
        }
        self.update_deployment_states(key);
    }

    fn update_deployment_states(&mut self, key: ServiceKey) {
        let now = self.now;
        let service = self.service_snapshot(key);
        let primary_id = service.deployments.iter().find(|d| d.status == DeploymentStatus::Primary).map(|d| d.id.clone());
        // One pass over the service's tasks: (deployment id, running, active) per deployment, and the rest.
        let mut counts: Vec<(std::rc::Rc<str>, u32, u32)> = service.deployments.iter().map(|d| (d.id.clone(), 0, 0)).collect();
        let (mut any_obsolete_left, mut primary_healthy, mut pending) = (false, 0u32, 0usize);
        // The primary's healthy count decides only whether an in-progress rollout completes.
        let rolling_out = service.deployments.iter().any(|d| d.status == DeploymentStatus::Primary && d.rollout_state == RolloutState::InProgress);
        let any_draining = self.any_draining_instance();
        for t in self.live_service_tasks(key) {
            if t.is_active() {
                if let Some(c) = counts.iter_mut().find(|(id, _, _)| t.deployment_id.as_ref() == Some(id)) {
                    c.1 += (t.last_status == TaskStatus::Running) as u32;
                    c.2 += 1;
                }
                pending += (t.last_status != TaskStatus::Running) as usize;
            }
            let is_primary = t.deployment_id == primary_id;
            // (The index holds no STOPPED task.)
            any_obsolete_left = any_obsolete_left || !is_primary || (any_draining && self.is_on_draining_instance(t));
            primary_healthy += (rolling_out && is_primary && self.task_counts_as_healthy(t)) as u32;
        }
        let mut completed = None;
        let mut steady = false;
        // Deployment alarms add a bake time after steady state, during which the alarms are still watched.
        let bake_ms = self.deployment_bake_ms(key);
        let mut bake_tick = None;
        {
            let service = self.services.get_mut(&key).expect("exists");
            for d in &mut service.deployments {
                let (_, _running, active) = counts.iter().find(|(id, _, _)| id == &d.id).cloned().unwrap_or_default();
                if d.status == DeploymentStatus::Active && active == 0 {
                    d.status = DeploymentStatus::Inactive;
                    d.updated_at = now;
                }
                if d.status == DeploymentStatus::Primary && d.rollout_state == RolloutState::InProgress && primary_healthy >= service.desired_count && !any_obsolete_left {
                    if bake_ms > 0 {
                        let until = *d.bake_until.get_or_insert(now.plus_ms(bake_ms));
                        if now < until {
                            bake_tick = Some(until);
                            continue;
                        }
                    }
                    d.rollout_state = RolloutState::Completed;
                    d.rollout_state_reason = "ECS deployment ".to_string() + &d.id + " completed.";
                    d.updated_at = now;
                    completed = Some(d.id.clone());
                }
            }
            service.deployments.retain(|d| d.status != DeploymentStatus::Inactive);
            let primary_done = service.deployments.iter().any(|d| d.status == DeploymentStatus::Primary && d.rollout_state == RolloutState::Completed);
            if primary_done && service.deployments.len() == 1 && !service.steady_state_reported && !any_obsolete_left && pending == 0 {
                service.steady_state_reported = true;
                steady = true;
            }
        }
        let name = service.name.clone();
        if let Some(until) = bake_tick {
            self.schedule_service_tick(key, until);
        }
        if let Some(id) = completed {
            self.service_event(key, format!("(service {name}) (deployment {id}) deployment completed."));
        }
        if steady {
            self.service_event(key, format!("(service {name}) has reached a steady state."));
        }
    }

    fn reconcile_daemon(&mut self, key: ServiceKey) {
        let service = self.service_snapshot(key);
        let Some(primary) = service.deployments.iter().find(|d| d.status == DeploymentStatus::Primary).cloned() else { return };
        let Ok((family, revision)) = self.resolve_task_definition(&primary.task_definition_arn) else { return };
        let nodes: Vec<(NodeKey, String)> = self.container_instances.values().filter(|ci| ci.cluster == service.cluster && ci.status != "INACTIVE").map(|ci| (ci.key, ci.status.clone())).collect();
        let demand = self.service_demand(key);
        let mut started = Vec::new();
        let mut stopped_running: Vec<String> = Vec::new();
        let mut failure_message = None;
        for (node, status) in nodes {
            let tasks_here: Vec<TaskKey> = self.live_service_tasks(key).filter(|t| t.is_active() && t.node == Some(node)).map(|t| t.key).collect();
            if status == "DRAINING" {
                // Daemon tasks on a draining instance are stopped (ECSDG ecs_services.md).
                for task in tasks_here {
                    stopped_running.extend(self.tasks.get(&task).filter(|t| t.last_status == TaskStatus::Running).map(|t| t.id.clone()));
                    self.stop_task(task, "ServiceSchedulerInitiated", "Container instance is draining.".to_string());
                }
                continue;
            }
            let current: Vec<TaskKey> = tasks_here.iter().copied().filter(|t| self.tasks[t].deployment_id.as_ref() == Some(&primary.id)).collect();
            for old in tasks_here.iter().filter(|t| !current.contains(t)) {
                stopped_running.extend(self.tasks.get(old).filter(|t| t.last_status == TaskStatus::Running).map(|t| t.id.clone()));
                self.stop_task(*old, "ServiceSchedulerInitiated", format!("Scaling activity initiated by (deployment {})", primary.id));
            }
            if current.is_empty() && tasks_here.iter().all(|t| !current.contains(t)) && self.live_service_tasks(key).filter(|t| t.is_active() && t.node == Some(node)).count() == 0 {
                let request = LaunchRequest {
                    cluster: service.cluster.clone(),
                    family: family.clone(),
                    revision,
                    count: 1,
                    launch_type: LaunchType::Ec2,
                    group: format!("service:{}", service.name),
                    started_by: Some(primary.id.to_string()),
                    service: Some(key),
                    deployment_id: Some(primary.id.clone()),
                    constraints: demand.as_ref().map(|d| d.constraints.clone()).unwrap_or_default(),
                    strategies: vec![],
                    subnets: service.subnets.clone(),
                    security_groups: service.security_groups.clone(),
                assign_public_ip: service.assign_public_ip,
                    on_node: Some(node),
                    capacity_provider: None,
                    platform_version: "1.4.0".into(),
                    overridden: None,
                };
                let (launched, failures) = self.launch_tasks(&request);
                started.extend(launched);
                // A daemon is not placed where its constraints exclude the instance; only resource shortfalls are reported.
                if let Some(f) = failures.first() {
                    if f.reason.starts_with("RESOURCE") {
                        failure_message = Some(format!("(service {}) {}", service.name, f.detail));
                    }
                }
            }
        }
        if !stopped_running.is_empty() {
            self.service_event(key, stopped_message(&service.name, &stopped_running));
        }
        if !started.is_empty() {
            let ids: Vec<String> = started.iter().map(|k| self.tasks[k].id.clone()).collect();
            self.service_event(key, format!("(service {}) has started {} tasks: (task {}).", service.name, started.len(), ids.join(") (task ")));
        }
        if let Some(message) = failure_message {
            if self.services[&key].last_placement_failure.as_deref() != Some(message.as_str()) {
                self.service_event(key, message.clone());
                if let Some(s) = self.services.get_mut(&key) {
                    s.last_placement_failure = Some(message);
                }
            }
        }
        // Daemon desired count follows the number of instances it runs on.
        let running_nodes = self.live_service_tasks(key).filter(|t| t.is_active()).count() as u32;
        if let Some(s) = self.services.get_mut(&key) {
            s.desired_count = running_nodes;
            if let Some(d) = s.deployments.iter_mut().find(|d| d.status == DeploymentStatus::Primary) {
                d.desired_count = running_nodes;
            }
        }
        self.update_deployment_states(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_update_bounds_match_the_guide() {
        // ECSDG deployment-type-ecs.md worked examples.
        // desired 4, min 50 %: ceil(4 × 0.5) = 2 must stay healthy, so 2 may stop first.
        assert_eq!(minimum_healthy_tasks(4, 50), 2);
        // desired 2, min 75 %: ceil(1.5) = 2, so none can stop.
        assert_eq!(minimum_healthy_tasks(2, 75), 2);
        // desired 4, max 200 %: floor(8) = 8, so 4 new may start before any old stops.
        assert_eq!(maximum_tasks(4, 200), 8);
        // desired 3, max 125 %: floor(3.75) = 3, so none can start above desired.
        assert_eq!(maximum_tasks(3, 125), 3);
    }

    #[test]
    fn circuit_breaker_threshold_is_half_desired_bounded() {
        // ceil(0.5 × 25) = 13 (ECSDG deployment-circuit-breaker.md table).
        assert_eq!(circuit_breaker_threshold(25), 13);
        // desired 1: ceil(0.5) = 1, raised to the minimum of 3 (current API reference).
        assert_eq!(circuit_breaker_threshold(1), 3);
        // desired 400 and 800: capped at 200.
        assert_eq!(circuit_breaker_threshold(400), 200);
        assert_eq!(circuit_breaker_threshold(800), 200);
    }
}
