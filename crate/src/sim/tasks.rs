//! Tasks: RunTask and StopTask, placement of new tasks, and the lifecycle from PROVISIONING to STOPPED.

use serde_json::{json, Value};

use crate::api::{texts, ApiError, ApiResult, Request};
use crate::placement::{Constraint, Failure, NodeKey, Pool, Reservation, Strategy, TaskDemand};
use crate::table::Table;
use crate::taskdef::{Compatibility, NetworkMode, TaskDefinitionSpec, TransportProtocol};

use super::capacity::{FARGATE_CAPACITY_REASON, FARGATE_CAPACITY_UNAVAILABLE, MAX_PROVISIONING_TASKS};
use super::engine::{Ev, Sim};
use super::model::{ContainerState, DesiredStatus, HealthStatus, ImageBehavior, LaunchRequest, LaunchType, Task, TaskDefinitionRevision, TaskKey, TaskStatus, WaitingPlacement};
use super::record::LogKind;
use super::requests::{cluster_member, short_name, NetworkConfiguration, RunTaskRequest, StopTaskRequest};

impl Sim {
    pub(super) fn run_task(&mut self, request: RunTaskRequest) -> ApiResult {
        let cluster = self.active_cluster(request.cluster)?;
        let reference = request.task_definition;
        if reference.is_empty() {
            return Err(ApiError::invalid_parameter(texts::blank("TaskDefinition")));
        }
        let (family, revision) = self.resolve_task_definition(reference)?;
        let count = request.count?;
        let (launch_type, strategy) = self.capacity_of(&request.capacity?, &cluster)?;
        let rev = self.revision(&family, revision).cloned().ok_or_else(|| ApiError::client("Unable to describe task definition."))?;
        if rev.status != "ACTIVE" {
            return Err(ApiError::client("TaskDefinition is inactive"));
        }
        // The overridden tasks run (and are checked) as their overrides say: size, roles, container sizes.
        let overrides = request.overrides?;
        let overridden = match &overrides {
            Some(o) => Some(std::rc::Rc::new((TaskDefinitionRevision { spec: o.apply(&rev.spec)?, ..rev.clone() }, o.described.clone()))),
            None => None,
        };
        let rev = overridden.as_ref().map_or(rev, |o| o.0.clone());
        if launch_type == LaunchType::Fargate && overrides.as_ref().is_some_and(|o| o.cpu_units.is_some() || o.memory_mib.is_some()) {
            let (cpu_units, memory_mib) = (rev.spec.cpu_units.unwrap_or(0), rev.spec.memory_mib.unwrap_or(0));
            if !crate::taskdef::fargate_size_exists(cpu_units, memory_mib, false) {
                // The text RegisterTaskDefinition answers for a size Fargate does not offer (taskdef/fargate.rs).
                return Err(ApiError::client(format!(
                    "No Fargate configuration exists for given values: {cpu_units} CPU, {memory_mib} memory. See the Amazon ECS documentation for the valid values."
                )));
            }
        }
        self.check_compatibility(&rev.spec, launch_type)?;
        self.check_task_role(&rev.spec)?;
        let platform_version = fargate_platform_version(request.platform_version)?;
        check_platform_for_efs(&rev.spec, launch_type, request.platform_version)?;
        let subnets = self.awsvpc_subnets(&request.network_configuration, &rev.spec)?;
        let mut constraints = request.placement_constraints?;
        let strategies = request.placement_strategy?;
        if launch_type == LaunchType::Fargate && (!constraints.is_empty() || !strategies.is_empty()) {
            return Err(ApiError::invalid_parameter("Task placement is not supported for Fargate launch type."));
        }
        if constraints.len() + rev.spec.placement_constraint_expressions.len() > 10 {
            return Err(ApiError::invalid_parameter("Number of placement constraints exceeds the limit of 10."));
        }
        constraints.splice(0..0, rev.spec.placement_constraint_expressions.iter().map(|e| Constraint::MemberOf(e.clone())));
        let waits_for_capacity = strategy.iter().any(|s| self.provider_waits_for_capacity(&s.provider));
        if launch_type == LaunchType::Ec2 && !waits_for_capacity && !self.container_instances.values().any(|ci| ci.cluster == cluster && ci.status == "ACTIVE") {
            // What RunTask answers for an EC2 task in a cluster without registered instances.
            return Err(ApiError::invalid_parameter("No Container Instances were found in your cluster."));
        }
        // RunTask with no strategy distributes tasks randomly across the cluster (ECSDG scheduling_tasks.md).
        let strategies = if strategies.is_empty() { vec![Strategy::Random] } else { strategies };
        let group = request.group.map(str::to_string).unwrap_or_else(|| format!("family:{family}"));
        let security_groups = self.awsvpc_security_groups(&request.network_configuration);
        let launch = LaunchRequest {
            cluster: cluster.clone(),
            family,
            revision,
            count,
            launch_type,
            group,
            started_by: request.started_by.map(str::to_string),
            service: None,
            deployment_id: None,
            constraints,
            strategies,
            security_groups,
            assign_public_ip: request.network_configuration.assign_public_ip(),
            subnets,
            on_node: None,
            capacity_provider: None,
            platform_version,
            overridden,
        };
        if launch_type == LaunchType::Fargate && self.fargate_launches.take(self.now, count, true) == 0 {
            // Over the Fargate task launch rate (a token bucket, see `sim/capacity.rs`).
            return Err(ApiError::new("ThrottlingException", "Rate exceeded"));
        }
        let (launched, failures) = self.launch_by_strategy(&launch, &strategy, &Table::new());
        let tasks: Vec<Value> = launched.iter().map(|k| self.task_json(*k)).collect();
        let failures: Vec<Value> = failures
            .iter()
            .map(|f| {
                let arn = f.closest.as_ref().and_then(|(node, _)| self.container_instances.get(node)).map(|ci| ci.arn.clone());
                let mut failure = json!({ "reason": f.reason });
                if let Some(arn) = arn {
                    failure["arn"] = json!(arn);
                }
                if f.reason == FARGATE_CAPACITY_REASON {
                    failure["detail"] = json!(FARGATE_CAPACITY_UNAVAILABLE);
                }
                failure
            })
            .collect();
        Ok(json!({ "tasks": tasks, "failures": failures }))
    }

    pub(super) fn check_compatibility(&self, spec: &TaskDefinitionSpec, launch_type: LaunchType) -> Result<(), ApiError> {
        let needed = match launch_type {
            LaunchType::Ec2 => Compatibility::Ec2,
            LaunchType::Fargate => Compatibility::Fargate,
        };
        if !spec.compatibilities.contains(&needed) {
            return Err(ApiError::invalid_parameter(format!(
                "Task definition does not support launch_type {}.",
                launch_type.as_aws()
            )));
        }
        Ok(())
    }

    /// The subnets of `networkConfiguration.awsvpcConfiguration`, required for awsvpc tasks.
    pub(super) fn awsvpc_subnets(&self, network: &NetworkConfiguration, spec: &TaskDefinitionSpec) -> Result<Vec<String>, ApiError> {
        if spec.network_mode != NetworkMode::Awsvpc {
            if network.awsvpc.is_some() {
                return Err(ApiError::invalid_parameter(
                    "Network Configuration is not valid for the given networkMode of this task definition.",
                ));
            }
            return Ok(vec![]);
        }
        let Some(config) = &network.awsvpc else {
            return Err(ApiError::invalid_parameter("Network Configuration must be provided when networkMode 'awsvpc' is specified."));
        };
        let subnets = config.subnets.clone();
        if subnets.is_empty() {
            return Err(ApiError::invalid_parameter("subnets can not be empty."));
        }
        if subnets.len() > 16 {
            return Err(ApiError::invalid_parameter("subnets can have at most 16 items."));
        }
        for subnet in &subnets {
            if !self.scenario.network.subnets.iter().any(|s| &s.subnet_id == subnet) {
                return Err(ApiError::invalid_parameter(format!("Error retrieving subnet information for [{subnet}]: The subnet ID '{subnet}' does not exist")));
            }
        }
        Ok(subnets)
    }

    /// `awsvpcConfiguration.securityGroups`, or the VPC's first security group when none is given (as AWS
    /// uses the VPC's default security group).
    pub(super) fn awsvpc_security_groups(&self, network: &NetworkConfiguration) -> Vec<String> {
        let groups = network.security_groups();
        if groups.is_empty() {
            self.scenario.network.security_groups.first().map(|g| vec![g.group_id.clone()]).unwrap_or_default()
        } else {
            groups.to_vec()
        }
    }

    pub(super) fn demand_for(&self, spec: &TaskDefinitionSpec, group: &str, constraints: &[Constraint], strategies: &[Strategy]) -> TaskDemand {
        let mut demand = TaskDemand {
            group: group.to_string(),
            cpu_units: spec.reserved_cpu_units(),
            memory_mib: spec.reserved_memory_mib(),
            tcp_host_ports: vec![],
            udp_host_ports: vec![],
            n_dynamic_tcp_ports: 0,
            needs_eni: spec.network_mode == NetworkMode::Awsvpc,
            required_attributes: vec![],
            constraints: constraints.to_vec(),
            strategies: strategies.to_vec(),
        };
        if spec.network_mode == NetworkMode::Awsvpc {
            demand.required_attributes.push("ecs.capability.task-eni".into());
        }
        for container in &spec.containers {
            for mapping in &container.port_mappings {
                let host_port = match spec.network_mode {
                    NetworkMode::Host => Some(mapping.host_port.filter(|p| *p != 0).unwrap_or(mapping.container_port)),
                    NetworkMode::Bridge => mapping.host_port.filter(|p| *p != 0),
                    _ => continue,
                };
                match (host_port, mapping.protocol) {
                    (Some(port), TransportProtocol::Tcp) => demand.tcp_host_ports.push(port),
                    (Some(port), TransportProtocol::Udp) => demand.udp_host_ports.push(port),
                    (None, _) => demand.n_dynamic_tcp_ports += 1,
                }
            }
        }
        demand
    }

    /// Places and creates a batch of tasks. Returns the new tasks and the placement failures.
    pub(super) fn launch_tasks(&mut self, request: &LaunchRequest) -> (Vec<TaskKey>, Vec<Failure>) {
        let rev = match &request.overridden {
            Some(overridden) => overridden.0.clone(),
            None => match self.revision(&request.family, request.revision).cloned() {
                Some(rev) => rev,
                None => return (vec![], vec![]),
            },
        };
        let mut launched = Vec::new();
        let mut failures = Vec::new();
        match request.launch_type {
            LaunchType::Fargate => {
                // Tasks of the group per Availability Zone, counted once for the batch and kept up to date.
                let mut per_az: Table<String, u32> = Table::new();
                for task in self.live_tasks().filter(|t| t.is_active() && t.group == request.group) {
                    *per_az.get_or_default(task.availability_zone.clone()) += 1;
                }
                for _ in 0..request.count {
                    let subnet = self.fargate_subnet(&request.subnets, &per_az);
                    let az = self.scenario.network.subnets.iter().find(|s| s.subnet_id == subnet).map(|s| s.availability_zone.clone()).unwrap_or_default();
                    *per_az.get_or_default(az.clone()) += 1;
                    let key = self.create_task(request, &rev, None, az, Some(subnet), None);
                    launched.push(key);
                }
            }
            LaunchType::Ec2 => {
                let base_demand = self.demand_for(&rev.spec, &request.group, &request.constraints, &request.strategies);
                let demand = self.provider_demand(&request.cluster, request.capacity_provider.as_deref(), &base_demand);
                let waits = request.capacity_provider.as_deref().is_some_and(|p| self.provider_waits_for_capacity(p));
                if !self.pools.contains_key(&request.cluster) {
                    self.pools.insert(request.cluster.clone(), Pool::new());
                }
                let results: Vec<Result<Reservation, Failure>> = if let Some(node) = request.on_node {
                    let pool = self.pools.get_mut(&request.cluster).expect("pool exists");
                    vec![pool.place_on(node, &demand)]
                } else {
                    self.place_with_explanations(&request.cluster, &demand, request.count)
                };
                for result in results {
                    match result {
                        Ok(reservation) => {
                            // Only ranked placements get a decision number (and so an explanation); a DAEMON task
                            // goes on the instance it is for.
                            let decision = if request.on_node.is_none() {
                                self.placement_decisions += 1;
                                Some(self.placement_decisions - 1)
                            } else {
                                None
                            };
                            let node = reservation.node;
                            let az = self
                                .container_instances
                                .get(&node)
                                .and_then(|ci| self.ec2.get(&ci.ec2))
                                .map(|e| e.availability_zone.clone())
                                .unwrap_or_default();
                            let subnet = if rev.spec.network_mode == NetworkMode::Awsvpc {
                                request.subnets.iter().find(|s| self.scenario.network.subnets.iter().any(|n| &n.subnet_id == *s && n.availability_zone == az)).cloned()
                            } else {
                                None
                            };
                            let key = self.create_task(request, &rev, Some(reservation), az, subnet, decision);
                            launched.push(key);
                        }
                        // With managed scaling the task waits in PROVISIONING for the instances it asks for.
                        Err(_) if waits && self.n_waiting_tasks(&request.cluster) < MAX_PROVISIONING_TASKS => {
                            let waiting = WaitingPlacement { demand: base_demand.clone(), subnets: request.subnets.clone(), since: self.now };
                            let key = self.create_task(request, &rev, None, String::new(), None, None);
                            self.start_waiting(key, waiting);
                            launched.push(key);
                        }
                        Err(failure) => failures.push(failure),
                    }
                }
            }
        }
        (launched, failures)
    }

    /// Places `count` tasks; when a replay asks for the explanation of one decision in this batch, the
    /// batch is split there so the explanation sees exactly the state the decision saw.
    pub(super) fn place_with_explanations(&mut self, cluster: &str, demand: &TaskDemand, count: u32) -> Vec<Result<Reservation, Failure>> {
        let first = self.placement_decisions;
        let target = self.explain_decision.filter(|d| *d >= first && *d < first + count as u64 && self.captured_explanation.is_none());
        let pool = self.pools.get_mut(cluster).expect("pool exists");
        match target {
            None => pool.place(demand, count, &mut self.rng),
            Some(decision) => {
                let before = (decision - first) as u32;
                let mut results = pool.place(demand, before, &mut self.rng);
                let n_ok_before = results.iter().filter(|r| r.is_ok()).count() as u64;
                let explanation = (first + n_ok_before == decision).then(|| pool.explain(demand, &mut self.rng.clone()));
                let rest = pool.place(demand, count - before, &mut self.rng);
                // The decision is made here only if the next placement succeeds; otherwise it comes in a later batch.
                if rest.first().is_some_and(|r| r.is_ok()) {
                    self.captured_explanation = explanation;
                }
                results.extend(rest);
                results
            }
        }
    }

    /// Fargate spreads a group's tasks across the Availability Zones of the given subnets.
    fn fargate_subnet(&self, subnets: &[String], tasks_per_az: &Table<String, u32>) -> String {
        let mut best: Option<(u32, &String)> = None;
        for subnet in subnets {
            let az = self.scenario.network.subnets.iter().find(|s| &s.subnet_id == subnet).map(|s| s.availability_zone.as_str()).unwrap_or("");
            let n = tasks_per_az.get(az).copied().unwrap_or(0);
            if best.is_none_or(|(count, _)| n < count) {
                best = Some((n, subnet));
            }
        }
        best.map(|(_, s)| s.clone()).unwrap_or_default()
    }

    fn create_task(
        &mut self,
        request: &LaunchRequest,
        rev: &TaskDefinitionRevision,
        reservation: Option<Reservation>,
        availability_zone: String,
        subnet_id: Option<String>,
        decision: Option<u64>,
    ) -> TaskKey {
        let key = self.tasks.next_key();
        let id = self.next_hex_id(32);
        let arn = self.arn("ecs", &format!("task/{}/{id}", request.cluster));
        let spec = &rev.spec;
        let network_bindings = reservation.as_ref().map(|res| self.network_bindings_for(spec, res)).unwrap_or_default();
        let security_groups = if spec.network_mode == NetworkMode::Awsvpc {
            request.security_groups.clone()
        } else {
            reservation.as_ref().map(|r| self.instance_security_groups(r.node)).unwrap_or_default()
        };
        let task = Task {
            platform_version: request.platform_version.clone(),
            overrides: request.overridden.as_ref().map(|o| std::rc::Rc::new(o.1.clone())),
            key,
            security_groups,
            assign_public_ip: request.assign_public_ip && spec.network_mode == NetworkMode::Awsvpc,
            task_role_arn: spec.task_role_arn.clone(),
            execution_role_arn: spec.execution_role_arn.clone(),
            access_log: Vec::new(),
            efs_mounts: Vec::new(),
            private_ip: None,
            n_targets_draining: 0,
            arn: arn.clone(),
            id: id.clone(),
            cluster: request.cluster.clone(),
            task_definition_arn: rev.arn.clone(),
            family: rev.family.clone(),
            revision: rev.revision,
            group: request.group.clone(),
            started_by: request.started_by.clone(),
            launch_type: request.launch_type,
            capacity_provider_name: request.capacity_provider.clone(),
            waiting_for_capacity: None,
            last_status: TaskStatus::Provisioning,
            desired_status: DesiredStatus::Running,
            status_since: self.now,
            node: reservation.as_ref().map(|r| r.node),
            reservation,
            availability_zone,
            subnet_id,
            cpu_units: spec.reserved_cpu_units(),
            memory_mib: spec.reserved_memory_mib(),
            created_at: self.now,
            pull_started_at: None,
            pull_stopped_at: None,
            started_at: None,
            stopping_at: None,
            spot_stop_at: None,
            stopped_at: None,
            stop_code: None,
            stopped_reason: None,
            containers: spec
                .containers
                .iter()
                .map(|c| ContainerState {
                    name: c.name.clone(),
                    image: c.image.clone(),
                    essential: c.essential,
                    last_status: "PENDING".into(),
                    exit_code: None,
                    reason: None,
                    health_status: "UNKNOWN".into(),
                })
                .collect(),
            service: request.service,
            deployment_id: request.deployment_id.clone(),
            placement_decision: decision,
            health_status: HealthStatus::Unknown,
            network_mode_awsvpc: spec.network_mode == NetworkMode::Awsvpc,
            network_bindings,
            version: 1,
        };
        let provisioning_ms = match (request.launch_type, task.network_mode_awsvpc) {
            (LaunchType::Fargate, _) => self.timings.fargate_provisioning_ms,
            (LaunchType::Ec2, true) => self.timings.eni_attach_ms,
            (LaunchType::Ec2, false) => 0,
        };
        let where_text = match (&task.node, request.launch_type) {
            (_, LaunchType::Fargate) if task.capacity_provider_name.as_deref() == Some(crate::scaling::FARGATE_SPOT) => format!("on Fargate Spot in {}", task.availability_zone),
            (_, LaunchType::Fargate) => format!("on Fargate in {}", task.availability_zone),
            (Some(node), _) => {
                let ec2_id = self.container_instances.get(node).and_then(|ci| self.ec2.get(&ci.ec2)).map(|e| e.instance_id.clone()).unwrap_or_default();
                format!("on {ec2_id} in {}", task.availability_zone)
            }
            (None, _) => String::new(),
        };
        let placed = task.node.is_some() || request.launch_type == LaunchType::Fargate;
        if placed {
            self.log_entry(LogKind::Task, format!("task {}", &id[..8]), format!("Task {} ({}:{}) placed {where_text}: PROVISIONING.", &id[..8], rev.family, rev.revision));
        }
        self.tasks.insert(task);
        if placed {
            let at = self.now.plus_ms(provisioning_ms);
            self.schedule(at, Ev::TaskProgress(key, TaskStatus::Provisioning));
        }
        key
    }

    /// Host port bindings of a task placed with `res`: (container, container port, host port, protocol).
    pub(super) fn network_bindings_for(&self, spec: &TaskDefinitionSpec, res: &Reservation) -> Vec<(String, u16, u16, &'static str)> {
        let mut network_bindings = Vec::new();
        let (mut static_tcp, mut static_udp, mut dynamic) = (0usize, 0usize, 0usize);
        let n_static_tcp = res.tcp_ports.len().saturating_sub(self.demand_for(spec, "", &[], &[]).n_dynamic_tcp_ports as usize);
        for container in &spec.containers {
            for mapping in &container.port_mappings {
                if spec.network_mode == NetworkMode::Awsvpc {
                    continue;
                }
                let is_static = spec.network_mode == NetworkMode::Host || mapping.host_port.is_some_and(|p| p != 0);
                let (port, protocol) = match (is_static, mapping.protocol) {
                    (true, TransportProtocol::Tcp) => {
                        static_tcp += 1;
                        (res.tcp_ports.get(static_tcp - 1).copied(), "tcp")
                    }
                    (true, TransportProtocol::Udp) => {
                        static_udp += 1;
                        (res.udp_ports.get(static_udp - 1).copied(), "udp")
                    }
                    (false, _) => {
                        dynamic += 1;
                        (res.tcp_ports.get(n_static_tcp + dynamic - 1).copied(), "tcp")
                    }
                };
                if let Some(port) = port {
                    network_bindings.push((container.name.clone(), mapping.container_port, port, protocol));
                }
            }
        }
        network_bindings
    }

    /// The security groups of the EC2 instance behind a container instance.
    pub(super) fn instance_security_groups(&self, node: NodeKey) -> Vec<String> {
        self.container_instances.get(&node).and_then(|ci| self.ec2.get(&ci.ec2)).map(|e| e.security_groups.clone()).unwrap_or_default()
    }

    fn set_task_status(&mut self, key: TaskKey, status: TaskStatus) {
        self.tasks.set_status(key, status, self.now);
        self.agent_log_task_status(key, status);
    }

    fn behavior_of(&self, image: &str) -> ImageBehavior {
        self.images.get(image).cloned().unwrap_or(ImageBehavior::Serve)
    }

    pub(super) fn on_task_progress(&mut self, key: TaskKey, from: TaskStatus) {
        let Some(task) = self.tasks.get(&key) else { return };
        if task.last_status != from {
            return;
        }
        let stopping = task.desired_status == DesiredStatus::Stopped;
        if !stopping && self.held_by_docker(key, from) {
            // The instance's Docker daemon failed: the task waits where it is (sim/instance_faults.rs).
            return;
        }
        let spec_stop_ms = self.stop_ms_of(key);
        match from {
            TaskStatus::Provisioning => {
                if stopping {
                    self.finish_stop(key);
                    return;
                }
                if let Some(reason) = self.eni_address_failure(key) {
                    // The ENI found no free address in its subnet: the task never leaves PROVISIONING.
                    self.fail_task_start(key, None, reason.clone(), reason);
                    return;
                }
                self.set_task_status(key, TaskStatus::Pending);
                let now = self.now;
                self.cost_task_started(key);
                if let Some(task) = self.tasks.get_mut(&key) {
                    task.pull_started_at = Some(now);
                    for c in &mut task.containers {
                        c.last_status = "PENDING".into();
                    }
                }
                let at = self.now.plus_ms(self.pull_wait_ms(key));
                self.schedule(at, Ev::TaskProgress(key, TaskStatus::Pending));
            }
            TaskStatus::Pending => {
                if stopping {
                    self.begin_deprovisioning(key);
                    return;
                }
                if let Some(failure) = self.network_start_failure(key) {
                    // No network path (sim/network.rs): AWS's text, after its timeout in PENDING.
                    self.fail_task_start(key, failure.image.as_deref(), failure.stopped_reason.clone(), failure.stopped_reason);
                    return;
                }
                self.record_start_traffic(key);
                let images: Vec<String> = self.tasks[&key].containers.iter().map(|c| c.image.clone()).collect();
                let pull_error = images.iter().find_map(|image| match self.behavior_of(image) {
                    ImageBehavior::PullError { message } => Some((image.clone(), message)),
                    _ => None,
                });
                let now = self.now;
                if pull_error.is_none() {
                    if let Some(failure) = self.execution_role_problems(key).into_iter().next() {
                        self.fail_task_start(key, None, failure.container_reason, failure.stopped_reason);
                        return;
                    }
                    if let Err(reason) = self.mount_volumes(key) {
                        self.fail_task_start(key, None, reason.clone(), reason);
                        return;
                    }
                    if let Err(failure) = self.start_task_logging(key) {
                        self.fail_task_start(key, None, failure.container_reason, failure.stopped_reason);
                        return;
                    }
                }
                if let Some((image, message)) = pull_error {
                    if let Some(task) = self.tasks.get_mut(&key) {
                        for c in &mut task.containers {
                            if c.image == image {
                                c.reason = Some(message.clone());
                            }
                            c.last_status = "STOPPED".into();
                        }
                        task.desired_status = DesiredStatus::Stopped;
                        task.stop_code = Some("TaskFailedToStart".into());
                        task.stopped_reason = Some(message.clone());
                        task.stopping_at = Some(now);
                    }
                    self.log_entry(LogKind::Task, format!("task {}", &self.tasks[&key].id[..8]), format!("Task {} failed to start: {message}", &self.tasks[&key].id[..8]));
                    self.begin_deprovisioning(key);
                    return;
                }
                if let Some(task) = self.tasks.get_mut(&key) {
                    task.pull_stopped_at = Some(now);
                }
                self.set_task_status(key, TaskStatus::Activating);
                let at = self.now.plus_ms(self.timings.container_start_ms);
                self.schedule(at, Ev::TaskProgress(key, TaskStatus::Activating));
            }
            TaskStatus::Activating => {
                if stopping {
                    self.begin_deprovisioning(key);
                    return;
                }
                // Service tasks register with their target groups while ACTIVATING.
                self.register_task_targets(key);
                self.set_task_status(key, TaskStatus::Running);
                let now = self.now;
                let mut exits = Vec::new();
                let mut health_checks = false;
                let family = self.tasks[&key].family.clone();
                let revision = self.tasks[&key].revision;
                let spec = self.revision(&family, revision).map(|r| r.spec.clone());
                if let Some(task) = self.tasks.get_mut(&key) {
                    task.started_at = Some(now);
                    for (idx, c) in task.containers.iter_mut().enumerate() {
                        c.last_status = "RUNNING".into();
                        let has_check = spec.as_ref().and_then(|s| s.containers.get(idx)).is_some_and(|d| d.health_check.is_some());
                        health_checks |= has_check;
                        match self.images.get(&c.image) {
                            Some(ImageBehavior::Exit { exit_code, run_ms }) => exits.push((idx as u32, Some(*exit_code), *run_ms)),
                            Some(ImageBehavior::BatchJob { run_ms }) => exits.push((idx as u32, None, *run_ms)),
                            _ => {}
                        }
                    }
                }
                let id8 = self.tasks[&key].id[..8].to_string();
                self.log_entry(LogKind::Task, format!("task {id8}"), format!("Task {id8} is RUNNING."));
                self.log_task_running(key);
                for (idx, code, run_ms) in exits {
                    match code {
                        Some(code) => self.schedule(now.plus_ms(run_ms), Ev::ContainerExit(key, idx, code)),
                        None => self.schedule(now.plus_ms(run_ms), Ev::BatchJobEnd(key, idx)),
                    }
                }
                // A container that outgrows its hard limit is killed by the kernel (exit 137).
                for (idx, after_ms) in self.memory_kills(key) {
                    self.schedule(now.plus_ms(after_ms), Ev::ContainerExit(key, idx, 137));
                }
                if health_checks {
                    let interval_ms = spec
                        .as_ref()
                        .and_then(|s| s.containers.iter().filter_map(|c| c.health_check.as_ref()).map(|h| h.interval_s as u64 * 1000).min())
                        .unwrap_or(30_000);
                    self.schedule(now.plus_ms(interval_ms), Ev::TaskHealthCheck(key));
                }
                if let Some(service) = self.tasks[&key].service {
                    self.on_service_task_running(service, key);
                }
            }
            TaskStatus::Running | TaskStatus::Deactivating => {}
            TaskStatus::Stopping => {
                let _ = spec_stop_ms;
                self.log_task_stopping(key);
                // Each container's exit code after the stop signal: 0 (graceful), 143 (SIGTERM), 137 (SIGKILL).
                let codes = self.stop_plan(key).map(|(_, codes)| codes).unwrap_or_default();
                if let Some(task) = self.tasks.get_mut(&key) {
                    for (idx, c) in task.containers.iter_mut().enumerate() {
                        if c.last_status != "STOPPED" {
                            c.last_status = "STOPPED".into();
                            c.exit_code.get_or_insert(codes.get(idx).copied().unwrap_or(0));
                        }
                    }
                }
                self.begin_deprovisioning(key);
            }
            TaskStatus::Deprovisioning => self.finish_stop(key),
            TaskStatus::Stopped => {}
        }
    }

    /// What the task execution role must allow for this task to start, and what it does not.
    pub(super) fn execution_role_problems(&self, key: TaskKey) -> Vec<crate::iam::TaskStartFailure> {
        let Some(task) = self.tasks.get(&key) else { return vec![] };
        let Some(rev) = self.revision(&task.family, task.revision) else { return vec![] };
        let mut needs = crate::iam::ExecutionNeeds { session_name: Some(task.id.clone()), ..Default::default() };
        for container in rev.spec.input.get("containerDefinitions").and_then(Value::as_array).into_iter().flatten() {
            if let Some(image) = container.get("image").and_then(Value::as_str) {
                if crate::iam::is_private_ecr_image(image) {
                    needs.private_ecr_images.push(image.to_string());
                }
            }
            let log = container.get("logConfiguration");
            if log.and_then(|l| l.get("logDriver")).and_then(Value::as_str) == Some("awslogs") {
                if let Some(group) = log.and_then(|l| l.get("options")).and_then(|o| o.get("awslogs-group")).and_then(Value::as_str) {
                    needs.awslogs_group.get_or_insert_with(|| group.to_string());
                }
            }
            let secret_lists = [container.get("secrets"), log.and_then(|l| l.get("secretOptions"))];
            for secret in secret_lists.into_iter().flatten().filter_map(Value::as_array).flatten() {
                if let Some(value_from) = secret.get("valueFrom").and_then(Value::as_str) {
                    needs.secrets.push(value_from.to_string());
                }
            }
        }
        let nothing_needed = needs.private_ecr_images.is_empty() && needs.awslogs_group.is_none() && needs.secrets.is_empty();
        if nothing_needed && task.execution_role_arn.is_none() {
            return vec![];
        }
        self.iam.execution_role_problems(task.execution_role_arn.as_deref(), &needs)
    }

    /// Stops a task that cannot start: its containers carry `container_reason` (or only the container
    /// with `image` does), the task stops with `TaskFailedToStart`.
    fn fail_task_start(&mut self, key: TaskKey, image: Option<&str>, container_reason: String, stopped_reason: String) {
        let now = self.now;
        if let Some(task) = self.tasks.get_mut(&key) {
            for c in &mut task.containers {
                if image.is_none_or(|i| c.image == i) {
                    c.reason = Some(container_reason.clone());
                }
                c.last_status = "STOPPED".into();
            }
            task.desired_status = DesiredStatus::Stopped;
            task.stop_code = Some("TaskFailedToStart".into());
            task.stopped_reason = Some(stopped_reason.clone());
            task.stopping_at = Some(now);
        }
        let id8 = self.tasks.get(&key).map(|t| t.id[..8].to_string()).unwrap_or_default();
        self.log_entry(LogKind::Task, format!("task {id8}"), format!("Task {id8} failed to start: {stopped_reason}"));
        self.begin_deprovisioning(key);
    }

    /// Where a task runs, as a mount sees it.
    fn task_network(&self, key: TaskKey) -> crate::efs::TaskNetwork {
        let Some(task) = self.tasks.get(&key) else { return Default::default() };
        let instance = task.node.and_then(|n| self.container_instances.get(&n)).and_then(|ci| self.ec2.get(&ci.ec2));
        crate::efs::TaskNetwork {
            availability_zone: task.availability_zone.clone(),
            subnet_id: task.subnet_id.clone().or_else(|| instance.map(|e| e.subnet_id.clone())),
            security_groups: task.security_groups.clone(),
            launch_type_fargate: task.launch_type == LaunchType::Fargate,
            platform_version: None,
        }
    }

    /// Mounts a starting task's EFS volumes and creates its other volumes. The error is the task's stoppedReason.
    fn mount_volumes(&mut self, key: TaskKey) -> Result<(), String> {
        let Some(task) = self.tasks.get(&key) else { return Ok(()) };
        let Some(spec) = self.revision(&task.family, task.revision).map(|r| r.spec.clone()) else { return Ok(()) };
        let fargate = task.launch_type == LaunchType::Fargate;
        let task_id = task.id.clone();
        let instance_id = task.node.and_then(|n| self.container_instances.get(&n)).and_then(|ci| self.ec2.get(&ci.ec2)).map(|e| e.instance_id.clone());
        let network = self.task_network(key);
        let mut mounts = Vec::new();
        for (volume, request) in crate::efs::efs_requests_from_taskdef(&spec) {
            // In a VPC with modelled routing, the NFS path's missing hop (the task's egress, the mount target's
            // ingress) times the mount out as the mount helper reports it.
            if self.efs_mount_path(key, &request.file_system_id).is_some_and(|p| !p.complete()) {
                return Err(crate::efs::nfs_timed_out_reason(&network));
            }
            match self.efs.mount(&request, &network) {
                Ok(info) => mounts.push((volume, info)),
                Err(failure) => return Err(failure.stopped_reason),
            }
        }
        let local = crate::efs::local_volumes_from_taskdef(&spec, fargate);
        if let Err(error) = self.volumes.task_started(&task_id, instance_id.as_deref(), &local) {
            return Err(match error {
                crate::efs::VolumeError::SharedVolumeMissing { volume, .. } => {
                    // Docker's answer for a named volume that does not exist (wording of the ECS wrapper unverified).
                    format!("CannotCreateContainerError: Error response from daemon: get {volume}: no such volume")
                }
                other => format!("CannotCreateContainerError: {other:?}"),
            });
        }
        if let Some(task) = self.tasks.get_mut(&key) {
            task.efs_mounts = mounts;
        }
        Ok(())
    }

    /// A task role must trust ecs-tasks.amazonaws.com; AWS refuses the launch otherwise.
    pub(super) fn check_task_role(&self, spec: &TaskDefinitionSpec) -> Result<(), ApiError> {
        if let Some(role) = &spec.task_role_arn {
            self.iam.can_assume(role, "ecs-tasks.amazonaws.com").map_err(ApiError::invalid_parameter)?;
        }
        Ok(())
    }

    fn stop_ms_of(&self, key: TaskKey) -> u64 {
        if let Some((ms, _)) = self.stop_plan(key) {
            return ms;
        }
        let Some(task) = self.tasks.get(&key) else { return 0 };
        let stop_timeout_ms = self
            .revision(&task.family, task.revision)
            .and_then(|r| r.spec.containers.iter().filter_map(|c| c.stop_timeout_s).max())
            .unwrap_or(30) as u64
            * 1000;
        self.timings.container_stop_ms.min(stop_timeout_ms)
    }

    fn begin_deprovisioning(&mut self, key: TaskKey) {
        let awsvpc = self.tasks.get(&key).is_some_and(|t| t.network_mode_awsvpc);
        if awsvpc {
            self.set_task_status(key, TaskStatus::Deprovisioning);
            let at = self.now.plus_ms(self.timings.deprovisioning_ms);
            self.schedule(at, Ev::TaskProgress(key, TaskStatus::Deprovisioning));
        } else {
            self.finish_stop(key);
        }
    }

    fn finish_stop(&mut self, key: TaskKey) {
        let now = self.now;
        let Some(task) = self.tasks.stop(key, now) else { return };
        task.stopped_at = Some(now);
        self.recently_stopped.push_back(key);
        if self.recently_stopped.len() > crate::view::MAX_VIEW_STOPPED_TASKS {
            self.recently_stopped.pop_front();
        }
        task.desired_status = DesiredStatus::Stopped;
        task.version += 1;
        for c in &mut task.containers {
            c.last_status = "STOPPED".into();
        }
        let reservation = task.reservation.take();
        let cluster = task.cluster.clone();
        let reached_running = task.started_at.is_some();
        let service = task.service;
        let id8 = task.id[..8].to_string();
        let reason = task.stopped_reason.clone().unwrap_or_default();
        self.agent_log_task_status(key, TaskStatus::Stopped);
        let task_id = self.tasks[&key].id.clone();
        self.volumes.task_stopped(&task_id);
        self.scaling.cost.stopped(&task_id, now.0);
        // A task gone without DEACTIVATING (its host terminated, or it never ran) leaves its target groups now.
        self.elb.deregister_owner(&task_id, now.0);
        if let Some(reservation) = reservation {
            if let Some(pool) = self.pools.get_mut(&cluster) {
                if pool.node(reservation.node).is_some() {
                    pool.release(&reservation);
                }
            }
        }
        self.log_entry(LogKind::Task, format!("task {id8}"), format!("Task {id8} STOPPED: {reason}"));
        self.logging_task_stopped(key);
        if let Some(service) = service {
            self.on_service_task_stopped(service, key, reached_running);
        }
        self.tick_cluster_services(&cluster);
        if self.tasks.any_waiting() {
            self.place_waiting_tasks(&cluster);
        }
        if !self.draining_for_termination.is_empty() {
            self.finish_drained_terminations();
        }
    }

    /// Asks a task to stop (StopTask, the service scheduler, an essential container exiting).
    pub(super) fn stop_task(&mut self, key: TaskKey, stop_code: &str, reason: String) {
        let now = self.now;
        let Some(task) = self.tasks.get_mut(&key) else { return };
        if task.desired_status == DesiredStatus::Stopped && task.stopping_at.is_some() {
            return;
        }
        task.desired_status = DesiredStatus::Stopped;
        task.stopping_at = Some(now);
        task.stop_code.get_or_insert_with(|| stop_code.to_string());
        task.stopped_reason.get_or_insert(reason);
        task.version += 1;
        let status = task.last_status;
        if task.waiting_for_capacity.is_some() {
            // Never placed: nothing to wind down.
            self.end_waiting(key);
            self.finish_stop(key);
            return;
        }
        match status {
            TaskStatus::Running if self.begin_deactivating(key) => {
                let id8 = self.tasks[&key].id[..8].to_string();
                self.log_entry(LogKind::Task, format!("task {id8}"), format!("Task {id8} is DEACTIVATING: deregistered from its target groups, draining connections."));
            }
            TaskStatus::Running | TaskStatus::Activating => {
                self.set_task_status(key, TaskStatus::Stopping);
                let at = self.now.plus_ms(self.stop_ms_of(key));
                self.schedule(at, Ev::TaskProgress(key, TaskStatus::Stopping));
            }
            // Not started yet: the pending progress event sees desiredStatus STOPPED and winds the task down
            // (a task a failed Docker daemon holds gets that event now).
            TaskStatus::Provisioning | TaskStatus::Pending => {
                if let Some(i) = self.stuck_tasks.iter().position(|(k, _)| *k == key) {
                    let (_, from) = self.stuck_tasks.remove(i);
                    self.schedule(self.now, Ev::TaskProgress(key, from));
                }
            }
            _ => {}
        }
    }

    /// Draining is over: the task's containers get SIGTERM (STOPPING).
    pub(super) fn finish_deactivating(&mut self, key: TaskKey) {
        self.set_task_status(key, TaskStatus::Stopping);
        let at = self.now.plus_ms(self.stop_ms_of(key));
        self.schedule(at, Ev::TaskProgress(key, TaskStatus::Stopping));
    }

    /// Stops a task at once (its host is gone).
    pub(super) fn force_stop_task(&mut self, key: TaskKey, stop_code: Option<&str>, reason: String) {
        let now = self.now;
        if let Some(task) = self.tasks.get_mut(&key) {
            task.desired_status = DesiredStatus::Stopped;
            task.stopping_at.get_or_insert(now);
            if task.stop_code.is_none() {
                task.stop_code = stop_code.map(str::to_string);
            }
            task.stopped_reason.get_or_insert(reason);
        }
        self.finish_stop(key);
    }

    pub(super) fn on_container_exit(&mut self, key: TaskKey, container_idx: u32, exit_code: i64) {
        let Some(task) = self.tasks.get_mut(&key) else { return };
        if task.last_status != TaskStatus::Running {
            return;
        }
        if task.containers.get(container_idx as usize).is_none() {
            return;
        }
        self.log_container_exit(key, container_idx, exit_code);
        self.agent_log_container_exit(key, container_idx, exit_code);
        let Some(task) = self.tasks.get_mut(&key) else { return };
        let oom = exit_code == 137 && task.containers.get(container_idx as usize).is_some_and(|c| matches!(self.images.get(&c.image), Some(ImageBehavior::MemoryGrowth { .. })));
        let Some(container) = task.containers.get_mut(container_idx as usize) else { return };
        container.last_status = "STOPPED".into();
        container.exit_code = Some(exit_code);
        if oom {
            container.reason = Some(super::stopping::OOM_REASON.to_string());
        }
        let essential = container.essential;
        let name = container.name.clone();
        let id8 = task.id[..8].to_string();
        self.log_entry(LogKind::Task, format!("task {id8}"), format!("Container {name} of task {id8} exited with code {exit_code}."));
        if essential {
            self.stop_task(key, "EssentialContainerExited", "Essential container in task exited".to_string());
        }
    }

    pub(super) fn stop_task_call(&mut self, request: StopTaskRequest) -> ApiResult {
        let cluster = self.active_cluster(request.cluster)?;
        let reference = request.task;
        if reference.is_empty() {
            return Err(ApiError::invalid_parameter(texts::blank("Task")));
        }
        let id = short_name(reference);
        let key = self
            .tasks
            .values()
            .find(|t| t.cluster == cluster && (t.id == id || t.arn == reference))
            .map(|t| t.key)
            .ok_or_else(|| ApiError::invalid_parameter("The referenced task was not found."))?;
        self.stop_task(key, "UserInitiated", request.reason.to_string());
        Ok(json!({ "task": self.task_json(key) }))
    }

    pub(super) fn describe_tasks(&mut self, request: &Request) -> ApiResult {
        // The list is checked before the cluster (API_DescribeTasks: `tasks`, up to 100).
        let references = request.strings("tasks");
        if references.is_empty() {
            return Err(ApiError::invalid_parameter(texts::list_empty("Tasks")));
        }
        if references.len() > 100 {
            return Err(ApiError::invalid_parameter(texts::too_many_items("taskIds", 100)));
        }
        let cluster = self.active_cluster(cluster_member(request))?;
        let mut tasks = Vec::new();
        let mut failures = Vec::new();
        for reference in references {
            let id = short_name(&reference);
            match self.tasks.values().find(|t| t.cluster == cluster && (t.id == id || t.arn == reference)) {
                Some(task) => tasks.push(self.task_json(task.key)),
                None => failures.push(json!({ "arn": reference, "reason": "MISSING" })),
            }
        }
        Ok(json!({ "tasks": tasks, "failures": failures }))
    }

    pub(super) fn list_tasks(&mut self, request: &Request) -> ApiResult {
        let cluster = self.active_cluster(cluster_member(request))?;
        let desired = request.str("desiredStatus").unwrap_or("RUNNING");
        let family = request.str("family");
        let service_name = request.str("serviceName");
        let instance = request.str("containerInstance").and_then(|r| self.find_container_instance(&cluster, r));
        let started_by = request.str("startedBy");
        let arns: Vec<String> = self
            .tasks
            .values()
            .filter(|t| t.cluster == cluster)
            .filter(|t| match desired {
                "STOPPED" => t.desired_status == DesiredStatus::Stopped,
                _ => t.desired_status == DesiredStatus::Running,
            })
            .filter(|t| family.is_none_or(|f| t.family == f))
            .filter(|t| service_name.is_none_or(|s| t.service.and_then(|k| self.services.get(&k)).is_some_and(|svc| svc.name == short_name(s))))
            .filter(|t| instance.is_none() || t.node == instance)
            .filter(|t| started_by.is_none_or(|s| t.started_by.as_deref() == Some(s)))
            .map(|t| t.arn.clone())
            .collect();
        Ok(json!({ "taskArns": arns }))
    }
}

/// The Fargate platform version a request runs its tasks on. `LATEST` (and no version) is 1.4.0 for Linux, and
/// 1.4.0 and 1.3.0 are the Linux versions that can be launched (ECS Developer Guide, Fargate Linux platform
/// versions; 1.0.0 to 1.2.0 are retired, and refused here as unknown [UNVERIFIED]). Any other value is refused with
/// the text AWS gives for an unknown version (seen for "1.4", jenkins amazon-ecs-plugin #218).
pub(super) fn fargate_platform_version(requested: Option<&str>) -> Result<std::rc::Rc<str>, ApiError> {
    match requested {
        None | Some("LATEST") | Some("1.4.0") => Ok("1.4.0".into()),
        Some("1.3.0") => Ok("1.3.0".into()),
        Some(_) => Err(ApiError::new("PlatformUnknownException", "The specified platform does not exist.")),
    }
}

/// Fargate mounts EFS only from platform version 1.4.0; AWS refuses the launch before that.
pub(super) fn check_platform_for_efs(spec: &TaskDefinitionSpec, launch_type: LaunchType, platform_version: Option<&str>) -> Result<(), ApiError> {
    if launch_type != LaunchType::Fargate || crate::efs::efs_requests_from_taskdef(spec).is_empty() {
        return Ok(());
    }
    let network = crate::efs::TaskNetwork { launch_type_fargate: true, platform_version: platform_version.map(str::to_string), ..Default::default() };
    crate::efs::platform_supports_efs(&network)
}
