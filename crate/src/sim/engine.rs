//! `Sim`: the state of the simulated account, the run loop that processes its events in order, and the
//! public contract's readers. Each kind of event is handled in the file of its entity; calls come in through
//! the dispatcher (`sim/dispatch.rs`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api::{ApiError, ApiResult};
use crate::placement::{Explanation, NodeKey, Pool};
use crate::rng::Prng;
use crate::scenario::Scenario;
use crate::table::Table;
use crate::time::SimTime;
use crate::trace::TraceHasher;

use super::launch_rate::LaunchBucket;
use super::model::{
    Cluster, ContainerInstance, Ec2Instance, Ec2Key, ImageBehavior, InstanceFault, Service, ServiceKey, StopBehavior, Task, TaskDefinitionRevision, TaskKey, TaskStatus, Timings,
    ACCOUNT_ID,
};
use super::queue::EventQueue;
use super::record::{Advance, JournalEntry, LogEntry, LogKind, MetricSample, RecordedCall, LOG_DROP_BATCH, MAX_LOG_ENTRIES, MAX_METRIC_SAMPLES};
use super::task_store::TaskStore;

/// What happens at a point of simulated time: a scenario step, or a moment of an entity's lifecycle.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Ev {
    Step(u32),
    InstanceRunning(Ec2Key),
    AgentRegistered(Ec2Key),
    InstanceTerminated(Ec2Key),
    /// Move a task on from the given status (ignored if the task has moved on since).
    TaskProgress(TaskKey, TaskStatus),
    ContainerExit(TaskKey, u32, i64),
    /// A batch job's container finishes its job (`sim/batch_job.rs`) and exits with the job's code.
    BatchJobEnd(TaskKey, u32),
    TaskHealthCheck(TaskKey),
    ServiceTick(ServiceKey),
    DrainEnd(NodeKey),
    MetricsSample,
    /// Health checks and traffic of every load balancer over the window since the last step.
    ElbStep,
    /// The end of an AZ connectivity disruption.
    ZoneRestored(String),
    /// A task waiting in PROVISIONING for capacity has waited too long.
    CapacityWaitTimeout(TaskKey),
    /// The end of a Fargate Spot task's two-minute warning.
    SpotStop(TaskKey),
    /// Step Functions executions move on (a Wait or a retry is due, or a `.sync` Task polls its task).
    StatesPoll,
    /// The end of an EC2 Spot Instance's interruption notice: EC2 reclaims the instance.
    SpotInstanceReclaimed(Ec2Key),
}

/// The simulated account: its entities, the pending events, the clock, and what the run has recorded.
#[derive(Clone)]
pub struct Sim {
    pub(super) scenario: Scenario,
    pub(super) seed: u64,
    pub(crate) now: SimTime,
    pub(super) queue: EventQueue<Ev>,
    pub(super) n_events: u64,
    pub(super) rng: Prng,
    pub(super) trace: TraceHasher,
    pub(super) id_counter: u64,
    pub(super) timings: Timings,
    pub(super) images: Table<String, ImageBehavior>,
    /// Container instances with a fault (`sim:SetInstanceFault`), and the tasks a failed Docker daemon holds
    /// in PROVISIONING or PENDING (at most one entry per task).
    pub(super) instance_faults: Table<NodeKey, InstanceFault>,
    pub(super) stuck_tasks: Vec<(TaskKey, TaskStatus)>,
    /// What each image's process does with the stop signal (`sim:SetImageBehavior`'s `onStop`).
    pub(super) image_stop: Table<String, StopBehavior>,
    pub(crate) clusters: Table<String, Cluster>,
    pub(crate) pools: Table<String, Pool>,
    pub(crate) ec2: BTreeMap<Ec2Key, Ec2Instance>,
    pub(crate) container_instances: BTreeMap<NodeKey, ContainerInstance>,
    pub(crate) task_definitions: Table<String, Vec<TaskDefinitionRevision>>,
    /// Every task, with the indexes of the live ones and of those waiting for capacity.
    pub(crate) tasks: TaskStore,
    pub(crate) services: Table<ServiceKey, Service>,
    pub(super) step_outputs: Table<String, Value>,
    /// The newest [`MAX_LOG_ENTRIES`] log entries at most.
    pub(super) log: Vec<LogEntry>,
    /// The index in `log` of the first entry `take_log` has not returned.
    pub(super) log_cursor: usize,
    /// Log entries dropped from the front of `log` to keep it bounded.
    pub(super) n_log_entries_dropped: u64,
    pub(super) recorded_calls: Vec<RecordedCall>,
    /// Every write call that succeeded, with its answer (what the exports read).
    pub(super) journal: Vec<JournalEntry>,
    pub(super) metrics: Vec<MetricSample>,
    /// The keys of the newest [`crate::view::MAX_VIEW_STOPPED_TASKS`] tasks to stop, in the order they
    /// stopped: the stopped tasks the view may show, found without a scan of every task.
    pub(crate) recently_stopped: std::collections::VecDeque<TaskKey>,
    pub(super) placement_decisions: u64,
    /// When set, the explanation of this placement decision is captured (replay for `explain_task`).
    pub(super) explain_decision: Option<u64>,
    pub(super) captured_explanation: Option<Explanation>,
    /// IAM roles, policies, instance profiles, secrets and parameters of the account.
    pub(super) iam: crate::iam::IamState,
    /// EFS file systems, mount targets, access points and their data.
    pub(super) efs: crate::efs::EfsState,
    /// The data of bind mounts, Docker volumes and ephemeral storage, kept where it really lives.
    pub(super) volumes: crate::efs::VolumeStore,
    /// VPCs, subnets, gateways, route tables, security groups and VPC endpoints (`sim/network.rs`).
    pub(super) vpc: crate::vpc::VpcState,
    /// Calls applied so far (scenario steps and the user's), the key of what only a call changes.
    pub(super) n_calls_applied: u64,
    /// The troubleshooter's reports of the last view and what they were made from (`sim/troubleshoot.rs`; its data types are the leaf `troubleshoot_model.rs`).
    pub(super) troubleshoot_cache: super::troubleshoot_model::TroubleshootCache,
    /// Load balancers, target groups, listeners and rules, target health and traffic.
    pub(super) elb: crate::elb::ElbState,
    /// S3 buckets and their objects.
    pub(super) s3: crate::s3::S3State,
    /// DynamoDB tables and their items.
    pub(super) dynamodb: crate::dynamodb::DynamoDbState,
    /// EventBridge rules and their targets.
    pub(super) events: crate::events::EventsState,
    /// The Amazon ECS states last reported to EventBridge (`sim/ecs_events.rs`).
    pub(super) ecs_events: super::ecs_events_model::EcsEventWatch,
    /// The ECS agent's log on each EC2 container instance (`sim/agent_log.rs`).
    pub(super) agent_logs: super::agent_log_model::AgentLogs,
    /// Step Functions state machines and their executions.
    pub(super) states: crate::states::StatesState,
    /// RDS subnet groups and DB instances.
    pub(super) rds: crate::rds::RdsState,
    /// The start of the next ELB step window, once a load balancer exists.
    pub(super) elb_window_start: Option<SimTime>,
    pub(super) n_private_ips: u32,
    /// Application Auto Scaling, CloudWatch alarms, Auto Scaling groups and capacity providers.
    pub(crate) scaling: crate::scaling::ScalingState,
    /// Instance ids an Auto Scaling group chose for the instances it is about to launch.
    pub(super) forced_instance_ids: Vec<String>,
    /// Instances an Auto Scaling group scale-in drains before terminating them.
    pub(super) draining_for_termination: std::collections::BTreeSet<Ec2Key>,
    /// The Fargate task launch rate's token bucket.
    pub(super) fargate_launches: LaunchBucket,
    /// `sim:InterruptSpotTasks` `percentPerHour`: the standing Spot interruption rate.
    pub(super) spot_percent_per_hour: u32,
    /// `sim:SetFargateSpotCapacity`: whether the Region has Fargate Spot capacity for new tasks.
    pub(super) fargate_spot_available: bool,
    /// `sim:SetQueue`: the queue workloads, by queue name.
    pub(super) queues: Table<String, super::model::QueueWorkload>,
    /// `sim:SetWorkload`: what each request to a service does (`sim/request_workload.rs`).
    pub(super) request_workloads: super::request_workload_model::RequestWorkloads,
    /// CloudWatch Logs and what the tasks write to it (`sim/logging.rs`).
    pub(crate) logging: crate::logs::Logging,
    /// Counted service events of the event or call being processed (`sim/service_events.rs`), written when it ends.
    pub(super) service_batches: Vec<super::model::ServiceBatch>,
    /// SNS topics, subscriptions and the inbox alarm actions deliver to (`sim/notifications.rs`).
    pub(crate) sns: crate::sns::SnsState,
}

impl Sim {
    /// Builds the world of `scenario` at time zero and schedules its steps. `seed` overrides the scenario's.
    pub fn new(scenario: &Scenario, seed: Option<u64>) -> Sim {
        let seed = seed.unwrap_or(scenario.seed);
        let default_roles = scenario.default_roles;
        let mut sim = Sim {
            scenario: scenario.clone(),
            seed,
            now: SimTime::ZERO,
            queue: EventQueue::new(),
            n_events: 0,
            rng: Prng::new(seed),
            trace: TraceHasher::default(),
            id_counter: 0,
            timings: Timings::default(),
            images: Table::new(),
            image_stop: Table::new(),
            instance_faults: Table::new(),
            stuck_tasks: Vec::new(),
            clusters: Table::new(),
            pools: Table::new(),
            ec2: BTreeMap::new(),
            container_instances: BTreeMap::new(),
            task_definitions: Table::new(),
            tasks: TaskStore::default(),
            services: Table::new(),
            step_outputs: Table::new(),
            log: Vec::new(),
            log_cursor: 0,
            n_log_entries_dropped: 0,
            recorded_calls: Vec::new(),
            journal: Vec::new(),
            metrics: Vec::new(),
            recently_stopped: Default::default(),
            placement_decisions: 0,
            explain_decision: None,
            captured_explanation: None,
            efs: crate::efs::EfsState::new(),
            vpc: crate::vpc::VpcState::new(),
            n_calls_applied: 0,
            troubleshoot_cache: Default::default(),
            // Per-target request counts stay on each target (`last_requests`); the per-step share list,
            // one allocation per target per step, is not needed by the engine.
            elb: crate::elb::ElbState { collect_shares: false, ..crate::elb::ElbState::new() },
            elb_window_start: None,
            s3: Default::default(),
            dynamodb: Default::default(),
            events: Default::default(),
            ecs_events: Default::default(),
            agent_logs: Default::default(),
            states: Default::default(),
            rds: Default::default(),
            n_private_ips: 0,
            scaling: crate::scaling::ScalingState::new(),
            forced_instance_ids: Vec::new(),
            draining_for_termination: Default::default(),
            fargate_launches: LaunchBucket::full(),
            spot_percent_per_hour: 0,
            fargate_spot_available: true,
            queues: Table::new(),
            request_workloads: Default::default(),
            volumes: crate::efs::VolumeStore::new(),
            logging: crate::logs::Logging::new(&scenario.region, ACCOUNT_ID),
            service_batches: Vec::new(),
            sns: crate::sns::SnsState::new(),
            iam: if default_roles {
                crate::iam::IamState::with_default_roles(ACCOUNT_ID).with_region(&scenario.region)
            } else {
                crate::iam::IamState::new(ACCOUNT_ID).with_region(&scenario.region)
            },
        };
        sim.trace.write_u64(seed);
        sim.trace.end_record();
        let context = sim.efs_context();
        sim.efs.set_network(&context);
        sim.vpc = sim.scenario_vpc();
        for (idx, step) in scenario.steps.iter().enumerate() {
            sim.schedule(SimTime(step.at_ms), Ev::Step(idx as u32));
        }
        sim.schedule(SimTime::ZERO, Ev::MetricsSample);
        sim
    }

    /// Replays a recorded run: the scenario with `seed`, and the user's calls at their recorded points.
    pub fn replay(scenario: &Scenario, seed: Option<u64>, calls: &[RecordedCall]) -> Sim {
        let mut sim = Sim::new(scenario, seed);
        for recorded in calls {
            sim.advance_to_event_count(recorded.n_events, recorded.time);
            let _ = sim.call(&recorded.call, recorded.input.clone());
        }
        sim
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The trace hash as 16 hex digits.
    pub fn trace_hash(&self) -> String {
        self.trace.hex()
    }

    pub fn n_events_processed(&self) -> u64 {
        self.n_events
    }

    /// The user's calls so far (not the scenario's steps), for share links and replay.
    pub fn recorded_calls(&self) -> &[RecordedCall] {
        &self.recorded_calls
    }

    /// Every write call that succeeded so far, in the order it was applied, with its answer.
    pub fn journal(&self) -> &[JournalEntry] {
        &self.journal
    }

    /// The time of the next pending event, if any.
    pub fn next_event_time(&self) -> Option<SimTime> {
        self.queue.peek_time()
    }

    /// Processes every event due at or before `target` (at most `max_events` of them), then sets the clock to
    /// `target` if all were processed.
    pub fn advance_to(&mut self, target: SimTime, max_events: u32) -> Advance {
        // A run with no calls to replay (an empty `VecDeque` does not allocate).
        self.advance_replaying(target, max_events, &mut std::collections::VecDeque::new())
    }

    /// Processes the next event, moving the clock to its time. Returns false when there is none.
    pub fn step(&mut self) -> bool {
        if self.queue.is_empty() {
            return false;
        }
        self.process_next();
        true
    }

    /// Log entries added since the last call (those the log dropped meanwhile excepted).
    pub fn take_log(&mut self) -> Vec<LogEntry> {
        let new = self.log[self.log_cursor..].to_vec();
        self.log_cursor = self.log.len();
        new
    }

    /// The log so far: every entry, or the newest ones once it has dropped some (at most [`MAX_LOG_ENTRIES`]).
    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    /// How many of the oldest log entries the log dropped to stay within [`MAX_LOG_ENTRIES`].
    pub fn n_log_entries_dropped(&self) -> u64 {
        self.n_log_entries_dropped
    }

    /// The keys of the most recently stopped tasks, oldest stop first.
    pub(crate) fn recently_stopped_tasks(&self) -> &std::collections::VecDeque<TaskKey> {
        &self.recently_stopped
    }

    pub fn metrics(&self) -> &[MetricSample] {
        &self.metrics
    }

    pub(super) fn advance_to_event_count(&mut self, n_events: u64, time: SimTime) {
        while self.n_events < n_events && !self.queue.is_empty() {
            self.process_next();
        }
        if time > self.now {
            self.set_clock(time);
        }
    }

    /// Moves the clock to `time` (never back), forgetting the STOPPED tasks whose hour is up.
    pub(super) fn set_clock(&mut self, time: SimTime) {
        self.now = time;
        self.tasks.forget_stopped_before(SimTime(time.0.saturating_sub(super::task_store::STOPPED_TASK_KEPT_MS)));
    }

    /// Schedules `ev` at `time`, or now if `time` has passed.
    pub(super) fn schedule(&mut self, time: SimTime, ev: Ev) {
        self.queue.schedule(time.max(self.now), ev);
    }

    pub(super) fn process_next(&mut self) {
        let Some((time, seq, ev)) = self.queue.pop() else { return };
        self.set_clock(time);
        self.n_events += 1;
        self.trace.write_u64(time.0);
        self.trace.write_u64(seq);
        self.trace.write_str(&format!("{ev:?}"));
        self.trace.end_record();
        match ev {
            Ev::Step(idx) => self.run_step(idx),
            Ev::InstanceRunning(key) => self.on_instance_running(key),
            Ev::AgentRegistered(key) => self.on_agent_registered(key),
            Ev::InstanceTerminated(key) => self.on_instance_terminated(key),
            Ev::TaskProgress(key, from) => self.on_task_progress(key, from),
            Ev::ContainerExit(key, container_idx, exit_code) => self.on_container_exit(key, container_idx, exit_code),
            Ev::BatchJobEnd(key, container_idx) => self.on_batch_job_end(key, container_idx),
            Ev::TaskHealthCheck(key) => self.on_task_health_check(key),
            Ev::ServiceTick(key) => self.on_service_tick(key),
            Ev::DrainEnd(node) => self.on_drain_end(node),
            Ev::SpotInstanceReclaimed(key) => self.on_spot_instance_reclaimed(key),
            Ev::MetricsSample => self.on_metrics_sample(),
            Ev::ElbStep => self.on_elb_step(),
            Ev::CapacityWaitTimeout(key) => self.on_capacity_wait_timeout(key),
            Ev::SpotStop(key) => self.on_spot_stop(key),
            Ev::StatesPoll => self.on_states_poll(),
            Ev::ZoneRestored(az) => self.on_zone_restored(&az),
        }
        self.flush_service_batches();
        self.emit_ecs_events();
    }

    fn run_step(&mut self, idx: u32) {
        let Some(step) = self.scenario.steps.get(idx as usize).cloned() else { return };
        let input = crate::scenario::substitute(&step.input, &self.step_outputs);
        match input {
            Ok(input) => {
                if let Ok(output) = self.apply_call(&step.call, input) {
                    if let Some(name) = &step.as_name {
                        self.step_outputs.insert(name.clone(), output);
                    }
                }
            }
            Err(message) => {
                self.log_entry(LogKind::Error, step.call.clone(), format!("steps[{idx}].input: {message}"));
            }
        }
    }

    fn on_metrics_sample(&mut self) {
        // Per cluster: [cpu registered, cpu reserved, memory registered, memory reserved, container instances]
        // (ACTIVE and DRAINING).
        let mut by_cluster: Table<&str, [u64; 5]> = Table::new();
        for ci in self.container_instances.values() {
            if ci.status == "INACTIVE" {
                continue;
            }
            if let Some(pool) = self.pools.get(&ci.cluster) {
                if let (Some(node), Some((free_cpu_units, free_memory_mib))) = (pool.node(ci.key), pool.free_cpu_memory(ci.key)) {
                    let r = by_cluster.get_or_default(ci.cluster.as_str());
                    r[0] += node.registered_cpu_units as u64;
                    r[1] += (node.registered_cpu_units - free_cpu_units.min(node.registered_cpu_units)) as u64;
                    r[2] += node.registered_memory_mib as u64;
                    r[3] += (node.registered_memory_mib - free_memory_mib.min(node.registered_memory_mib)) as u64;
                    r[4] += 1;
                }
            }
        }
        let reservations: Table<String, [u64; 5]> = by_cluster.into_iter().map(|(c, r)| (c.to_string(), r)).collect();
        let [cpu_registered, cpu_used, mem_registered, mem_used] =
            reservations.values().fold([0u64; 4], |acc, r| [acc[0] + r[0], acc[1] + r[1], acc[2] + r[2], acc[3] + r[3]]);
        let percent = |used: u64, total: u64| if total == 0 { 0.0 } else { used as f64 * 100.0 / total as f64 };
        // The store counts its tasks by status: no scan of the tasks.
        let running_tasks = self.tasks.n_in_status(TaskStatus::Running) as u32;
        let pending_tasks = [TaskStatus::Provisioning, TaskStatus::Pending, TaskStatus::Activating].map(|s| self.tasks.n_in_status(s)).iter().sum::<usize>() as u32;
        self.scaling_minute(&reservations);
        self.spot_minute();
        self.logs_minute();
        let (cost_to_date_micro_usd, cost_per_hour_micro_usd) = self.scaling.cost.by_type_now(self.now.0);
        self.metrics.push(MetricSample {
            time: self.now,
            cpu_reservation_percent: percent(cpu_used, cpu_registered),
            memory_reservation_percent: percent(mem_used, mem_registered),
            running_tasks,
            pending_tasks,
            cost_to_date_micro_usd,
            cost_per_hour_micro_usd,
        });
        // One sample a simulated minute; keep the last 24 hours.
        if self.metrics.len() > MAX_METRIC_SAMPLES {
            self.metrics.remove(0);
        }
        self.schedule(self.now.plus_ms(60_000), Ev::MetricsSample);
    }

    /// Adds a line to the event log at the current time.
    pub(super) fn log_entry(&mut self, kind: LogKind, subject: String, message: String) {
        self.push_log(LogEntry { time: self.now, kind, subject, message, input: None });
    }

    /// Appends to the event log, dropping its oldest [`LOG_DROP_BATCH`] entries first when it is full.
    pub(super) fn push_log(&mut self, entry: LogEntry) {
        if self.log.len() >= MAX_LOG_ENTRIES {
            self.log.drain(..LOG_DROP_BATCH);
            self.log_cursor = self.log_cursor.saturating_sub(LOG_DROP_BATCH);
            self.n_log_entries_dropped += LOG_DROP_BATCH as u64;
        }
        self.log.push(entry);
    }

    /// A fresh deterministic id: `n_hex` hex digits mixed from the seed and a counter.
    pub(super) fn next_hex_id(&mut self, n_hex: usize) -> String {
        let mut out = String::new();
        while out.len() < n_hex {
            self.id_counter += 1;
            // SplitMix64 of (seed, counter): ids never consume the placement PRNG.
            let z = crate::hash::splitmix64_finalize(self.seed.wrapping_add(self.id_counter.wrapping_mul(crate::hash::SPLITMIX_GAMMA)));
            out.push_str(&format!("{z:016x}"));
        }
        out.truncate(n_hex);
        out
    }

    pub(super) fn arn(&self, service: &str, resource: &str) -> String {
        format!("arn:aws:{service}:{}:{ACCOUNT_ID}:{resource}", self.scenario.region)
    }

    /// The wall-clock time of a sim time, as ISO 8601.
    pub fn iso_time(&self, time: SimTime) -> String {
        crate::time::format_iso8601_ms(self.scenario.start_epoch_ms + time.0)
    }

    /// What EFS calls and mounts need to know of the VPC.
    pub(super) fn efs_context(&self) -> crate::efs::EfsContext {
        let network = &self.scenario.network;
        crate::efs::EfsContext {
            region: self.scenario.region.clone(),
            account_id: ACCOUNT_ID.to_string(),
            now_iso: self.iso_time(self.now),
            subnets: network.subnets.iter().map(|s| (s.subnet_id.clone(), s.availability_zone.clone())).collect(),
            security_groups: network
                .security_groups
                .iter()
                .map(|g| crate::efs::SecurityGroup {
                    group_id: g.group_id.clone(),
                    ingress: g
                        .ingress
                        .iter()
                        .map(|r| crate::efs::IngressRule {
                            protocol: r.protocol.clone(),
                            from_port: r.from_port,
                            to_port: r.to_port,
                            cidr: r.cidr.clone(),
                            source_group: r.source_group.clone(),
                        })
                        .collect(),
                })
                .collect(),
            vpc_id: network.vpc_id.clone(),
            vpc_cidr: network.cidr_block.clone(),
            subnet_cidrs: network.subnets.iter().filter(|s| !s.cidr_block.is_empty()).map(|s| (s.subnet_id.clone(), s.cidr_block.clone())).collect(),
        }
    }

    pub(super) fn elb_context(&self) -> crate::elb::ElbContext {
        crate::elb::ElbContext {
            region: self.scenario.region.clone(),
            account_id: ACCOUNT_ID.to_string(),
            now_ms: self.now.0,
            now_iso: self.iso_time(self.now),
            vpc_id: self.scenario.network.vpc_id.clone(),
            subnets: self.scenario.network.subnets.iter().map(|s| (s.subnet_id.clone(), s.availability_zone.clone())).collect(),
        }
    }

    /// The load balancing state, for the app.
    pub fn elb(&self) -> &crate::elb::ElbState {
        &self.elb
    }

    /// The EFS state (file systems, mount targets, files), for the app's storage panel.
    pub fn efs(&self) -> &crate::efs::EfsState {
        &self.efs
    }

    /// The IAM state of the account (roles, policies, instance profiles), for the app's IAM panel.
    pub fn iam(&self) -> &crate::iam::IamState {
        &self.iam
    }

    pub(super) fn error(&mut self, call: &str, error: ApiError) -> ApiResult {
        self.log_entry(LogKind::Error, call.to_string(), error.to_string());
        Err(error)
    }

    /// The tasks not yet STOPPED, in key order.
    pub(crate) fn live_tasks(&self) -> impl Iterator<Item = &Task> + '_ {
        self.tasks.live()
    }

    /// The tasks not yet STOPPED on a container instance, in key order.
    pub(super) fn live_node_tasks(&self, node: NodeKey) -> impl Iterator<Item = &Task> + '_ {
        self.tasks.live_on_node(node)
    }

    /// A service's tasks not yet STOPPED, in key order.
    pub(crate) fn live_service_tasks(&self, service: ServiceKey) -> impl Iterator<Item = &Task> + '_ {
        self.tasks.live_of_service(service)
    }
}
