//! `View`: the plain snapshot the app renders. Public fields, no references into the engine, and the
//! sim time of every state change so the UI can animate as a pure function of sim time.
//!
//! Statuses and kinds are `Copy` enums (`TaskStatus`, `ServiceStatus`, `TargetHealthState`, ...); each
//! gives AWS's exact string with `as_aws()`, so the app prints what AWS prints and matches on variants.
//! Every list has a stated bound: the app rebuilds the view on each publish, so its size must not grow
//! with the length of the run.

use std::rc::Rc;

use crate::sim::{MetricSample, Sim, TaskKey};
use crate::time::SimTime;

pub use crate::efs::LifeCycle as FileSystemLifeCycle;
pub use crate::elb::{Algorithm, HealthState as TargetHealthState, LbType};
pub use crate::scaling::CapacityType;
pub use crate::scenario::{IngressRule, SecurityGroup};
pub use crate::sim::integrations::{BucketView, ExecutionStateView, ExecutionView, IntegrationsView, ItemView, ObjectView, TableView};
pub use crate::sim::scaling_view::{
    AlarmDatapointView, AlarmView, AsgInstanceView, AsgLifecycleState, AutoScalingGroupView, CapacityProviderView, CountSample, ProviderStrategyView, ScalableTargetView,
    ScalingActivityView, ScalingPolicyType, ScalingPolicyView, ScalingView, ScheduledActionView, SeriesPoint,
};
pub use crate::sim::{
    ClusterStatus, ContainerInstanceStatus, DeploymentStatus, DesiredStatus, Ec2State, HealthStatus, LaunchType, RolloutState, SchedulingStrategy, ServiceStatus,
    TaskDefinitionStatus, TaskStatus,
};
pub use crate::scaling::{AlarmState, Comparison, Statistic};
pub use crate::taskdef::{Compatibility, NetworkMode};

/// How long a STOPPED task stays in the view after it stopped, milliseconds. AWS keeps a stopped task
/// visible in the console, the CLI and the SDKs "for at least 1 hour" after it stops (Amazon ECS Developer
/// Guide, stopped-task-errors; `reference/ecs-semantics.md` §1.2). The engine forgets a stopped task after
/// the same hour (DescribeTasks then answers MISSING for it).
pub const STOPPED_TASK_RETENTION_MS: u64 = crate::sim::STOPPED_TASK_KEPT_MS;
/// The most STOPPED tasks the view holds: the most recently stopped ones within
/// [`STOPPED_TASK_RETENTION_MS`]. [`View::n_stopped_tasks_left_out`] counts the others.
pub const MAX_VIEW_STOPPED_TASKS: usize = 1_000;
/// How long a terminated EC2 instance stays in the view after it terminated, milliseconds: "Recently
/// terminated instances might appear in the returned results. This interval is usually less than one
/// hour." (Amazon EC2 API Reference, DescribeInstances). [`View::n_terminated_instances_left_out`] counts
/// the others; the engine keeps them all.
pub const TERMINATED_INSTANCE_RETENTION_MS: u64 = 3_600_000;
/// The newest calls of a task's application (`sim:TaskCall`) the view shows per task;
/// [`TaskView::n_denied_calls`] counts them all.
pub const MAX_VIEW_ACCESS_LOG: usize = 100;
/// Per-minute metric points of each load balancer in the view (the last hour).
pub const VIEW_LB_METRIC_MINUTES: usize = 60;

/// The snapshot of the whole account the app renders.
///
/// Bounds: `tasks` holds every task not yet STOPPED and at most [`MAX_VIEW_STOPPED_TASKS`] stopped ones
/// (those stopped within [`STOPPED_TASK_RETENTION_MS`]); `metrics` holds at most
/// [`crate::sim::MAX_METRIC_SAMPLES`]. The other entity lists (clusters, instances, services, task
/// definitions, roles, load balancers, ...) hold what the scenario and the user's calls created, which
/// [`crate::sim::MAX_RECORDED_CALLS`] bounds; `instances` also holds those an Auto Scaling group launched,
/// which its maximum size bounds at any moment, and those terminated within
/// [`TERMINATED_INSTANCE_RETENTION_MS`].
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub now: SimTime,
    pub seed: u64,
    pub trace_hash: String,
    /// Milliseconds since the Unix epoch that sim time zero stands for.
    pub start_epoch_ms: u64,
    pub region: String,
    /// The Availability Zones of the scenario's subnets, sorted.
    pub availability_zones: Vec<String>,
    /// The scenario's VPC: its id, subnets and security groups (fixed by the scenario).
    pub vpc_id: String,
    pub subnets: Vec<SubnetView>,
    pub security_groups: Vec<SecurityGroup>,
    pub clusters: Vec<ClusterView>,
    /// Every EC2 instance not terminated, and those terminated within [`TERMINATED_INSTANCE_RETENTION_MS`],
    /// in launch order.
    pub instances: Vec<InstanceView>,
    /// How many terminated instances `instances` leaves out (terminated longer ago than the retention).
    pub n_terminated_instances_left_out: u64,
    /// The tasks not yet STOPPED and the most recently stopped ones, in the order they were created.
    pub tasks: Vec<TaskView>,
    /// How many STOPPED tasks `tasks` leaves out: stopped longer ago than [`STOPPED_TASK_RETENTION_MS`], or
    /// beyond the newest [`MAX_VIEW_STOPPED_TASKS`]. DescribeTasks still answers for them.
    pub n_stopped_tasks_left_out: u64,
    pub services: Vec<ServiceView>,
    pub task_definitions: Vec<TaskDefinitionView>,
    /// One sample a simulated minute, oldest first: at most [`crate::sim::MAX_METRIC_SAMPLES`] (24 hours).
    pub metrics: Vec<MetricSample>,
    pub n_events: u64,
    pub roles: Vec<RoleView>,
    pub instance_profiles: Vec<InstanceProfileView>,
    pub file_systems: Vec<FileSystemView>,
    pub load_balancers: Vec<LoadBalancerView>,
    pub target_groups: Vec<TargetGroupView>,
    /// Service Auto Scaling, alarms, Auto Scaling groups and capacity providers.
    pub scaling: ScalingView,
    /// Cost to date and per hour (integer micro-dollars).
    pub cost: crate::scaling::CostReport,
    /// S3 buckets with their objects, DynamoDB tables with their items.
    pub integrations: IntegrationsView,
    /// CloudWatch Logs: groups, recent streams and their tails (`sim/logs_view.rs`).
    pub logs: crate::sim::logs_view::LogsView,
    /// EventBridge: rules, their targets and matched events (`sim/events_view.rs`).
    pub events: crate::sim::events_view::EventsView,
    /// The ECS agent's log on each EC2 container instance, its newest lines (`sim/agent_log.rs`).
    pub agent_logs: Vec<crate::sim::agent_log::AgentLogView>,
    /// The VPC's routing and the troubleshooter's reports on failed tasks.
    pub network: crate::sim::network_view::NetworkView,
    /// Alarm history, SNS topics and the SNS inbox (`sim/notifications_view.rs`).
    pub notifications: crate::sim::notifications_view::NotificationsView,
    /// The application's calls to S3, DynamoDB and RDS, and the databases' connections (`sim/workload_view.rs`).
    pub workload: crate::sim::workload_view::WorkloadView,
}

/// A load balancer with its listeners, rules and recent per-minute metrics.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadBalancerView {
    pub arn: String,
    pub name: String,
    pub lb_type: LbType,
    pub dns_name: String,
    pub availability_zones: Vec<String>,
    /// Its listeners (each made by a call).
    pub listeners: Vec<ListenerView>,
    /// The last [`VIEW_LB_METRIC_MINUTES`] per-minute metrics, oldest first.
    pub metrics: Vec<crate::elb::MetricPoint>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenerView {
    pub arn: String,
    pub port: u16,
    pub protocol: String,
    /// The default action, described (e.g. `forward to web-tg`).
    pub default_action: String,
    /// Its rules by priority (at most 100 per load balancer: the engine refuses more with TooManyRules).
    pub rules: Vec<ListenerRuleView>,
}

/// A listener rule, described for a learner.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ListenerRuleView {
    pub priority: u32,
    /// The conditions joined with `and` (e.g. `path-pattern ["/api/*"]`).
    pub conditions: String,
    /// The actions joined with `;` (e.g. `forward to api-tg`).
    pub actions: String,
    pub arn: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetGroupView {
    pub arn: String,
    pub name: String,
    pub protocol: String,
    pub port: u16,
    pub target_type: String,
    pub algorithm: Algorithm,
    pub deregistration_delay_s: u32,
    /// Its registered targets (one per task behind it, or per instance).
    pub targets: Vec<TargetHealthView>,
}

/// One registered target with its health as DescribeTargetHealth reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetHealthView {
    pub id: String,
    pub port: u16,
    pub availability_zone: String,
    /// The task that owns the target.
    pub task_id: String,
    pub state: TargetHealthState,
    pub reason: Option<String>,
    pub description: Option<String>,
    /// Requests routed to it in the last step, and their latency.
    pub requests_last_step: u64,
    pub latency_ms: u64,
}

/// An EFS file system with its mount targets and the files tasks wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSystemView {
    pub file_system_id: String,
    pub name: Option<String>,
    pub life_cycle_state: FileSystemLifeCycle,
    pub performance_mode: String,
    pub throughput_mode: String,
    pub encrypted: bool,
    pub size_bytes: u64,
    /// One per Availability Zone at most.
    pub mount_targets: Vec<MountTargetView>,
    pub access_points: Vec<AccessPointView>,
    /// The files tasks wrote (each by a `sim:TaskCall`, so the recorded-call limit bounds them).
    pub files: Vec<FileView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountTargetView {
    pub mount_target_id: String,
    pub availability_zone: String,
    pub subnet_id: String,
    pub security_groups: Vec<String>,
}

/// An EFS access point and the directory it roots its clients in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessPointView {
    pub access_point_id: String,
    pub root_directory: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileView {
    pub path: String,
    pub bytes: u64,
    pub written_by_task: String,
    pub written_at: SimTime,
}

/// An IAM role as the IAM panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleView {
    pub name: String,
    pub arn: String,
    /// The trust policy as written.
    pub trust_policy: String,
    /// Attached managed policy ARNs (at most 10: IAM refuses more, PoliciesPerRole).
    pub attached_policies: Vec<String>,
    pub inline_policies: Vec<InlinePolicyView>,
}

/// An inline policy of a role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlinePolicyView {
    pub name: String,
    /// The policy document as written.
    pub document: String,
}

/// An instance profile and the roles in it (at most one: InstanceSessionsPerInstanceProfile).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceProfileView {
    pub name: String,
    pub roles: Vec<String>,
}

/// One AWS call a task's application made, and what IAM decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessView {
    pub time: SimTime,
    pub action: String,
    pub resource: String,
    pub allowed: bool,
    pub principal: String,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubnetView {
    pub subnet_id: String,
    pub availability_zone: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterView {
    pub name: String,
    pub arn: String,
    pub status: ClusterStatus,
    /// The capacity providers associated with the cluster (PutClusterCapacityProviders).
    pub capacity_providers: Vec<String>,
    /// The `containerInsights` setting: `disabled`, `enabled` or `enhanced`.
    pub container_insights: &'static str,
}

/// Where an EC2 instance is in its life as a container instance: its EC2 state while it boots or goes
/// away, and its container instance status while it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceLifecycle {
    /// EC2 `pending`: booting.
    Pending,
    /// Running, its ECS agent not registered yet.
    Registering,
    /// Running, but its instance profile does not let the agent register.
    CannotRegister,
    Active,
    Draining,
    Inactive,
    /// EC2 `shutting-down`.
    ShuttingDown,
    /// EC2 `terminated`.
    Terminated,
}

impl InstanceLifecycle {
    /// The text the app shows and its `data-lifecycle` attribute: AWS's string where AWS has one
    /// (`pending`, `ACTIVE`, `shutting-down`, ...), else `registering` or `cannot register`.
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceLifecycle::Pending => "pending",
            InstanceLifecycle::Registering => "registering",
            InstanceLifecycle::CannotRegister => "cannot register",
            InstanceLifecycle::Active => "ACTIVE",
            InstanceLifecycle::Draining => "DRAINING",
            InstanceLifecycle::Inactive => "INACTIVE",
            InstanceLifecycle::ShuttingDown => "shutting-down",
            InstanceLifecycle::Terminated => "terminated",
        }
    }
}

/// A custom attribute of a container instance (`name=value`; the value is empty when it has none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeView {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceView {
    /// The EC2 instance id (`i-...`): the stable key of the instance in lists.
    pub ec2_instance_id: String,
    pub instance_type: String,
    pub availability_zone: String,
    pub ec2_state: Ec2State,
    /// The container instance status, once registered.
    pub status: Option<ContainerInstanceStatus>,
    pub cluster: Option<String>,
    pub container_instance_arn: Option<String>,
    /// When the displayed state began.
    pub since: SimTime,
    pub registered_cpu_units: u32,
    pub registered_memory_mib: u32,
    pub remaining_cpu_units: u32,
    pub remaining_memory_mib: u32,
    pub n_tasks: u32,
    /// Custom attributes (from the user data and PutAttributes calls).
    pub custom_attributes: Vec<AttributeView>,
    /// The instance profile it was launched with, and that profile's role.
    pub instance_profile: Option<String>,
    pub instance_role: Option<String>,
    /// Whether its ECS agent can register (the instance profile's role allows it).
    pub can_register: bool,
    pub lifecycle: InstanceLifecycle,
    /// The Auto Scaling group that launched it.
    pub auto_scaling_group: Option<String>,
}

/// A task's health in one target group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskTargetView {
    pub target_group: String,
    pub state: TargetHealthState,
    pub reason: Option<String>,
}

/// An EFS volume a task mounted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EfsMountView {
    pub volume: String,
    pub file_system_id: String,
    /// The Availability Zone of the mount target it goes through.
    pub availability_zone: String,
    /// The directory of the file system the volume's `/` is.
    pub root_directory: String,
}

/// A container's `reason` text (why it stopped or never started).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerReasonView {
    pub container: String,
    pub reason: String,
}

/// One container of a task as DescribeTasks reports it: at most ten per task (the task definition's limit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerView {
    pub name: String,
    pub essential: bool,
    /// `PENDING`, `RUNNING` or `STOPPED`, as DescribeTasks' `containers[].lastStatus`.
    pub last_status: String,
    /// The exit code once the container has exited.
    pub exit_code: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskView {
    pub arn: String,
    /// The 32-hex task id: the stable key of the task in lists.
    pub id: String,
    pub cluster: String,
    pub family: String,
    pub revision: u32,
    pub group: String,
    pub service: Option<String>,
    pub launch_type: LaunchType,
    /// What the task is billed as: EC2, FARGATE or FARGATE_SPOT.
    pub capacity_type: CapacityType,
    /// The capacity provider that launched the task (`FARGATE_SPOT`, an Auto Scaling group provider...).
    pub capacity_provider: Option<String>,
    pub last_status: TaskStatus,
    pub desired_status: DesiredStatus,
    pub health_status: HealthStatus,
    /// The EC2 instance id the task runs on (EC2 launch type).
    pub ec2_instance_id: Option<String>,
    pub availability_zone: String,
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub created_at: SimTime,
    /// When `last_status` was entered.
    pub since: SimTime,
    pub stopped_at: Option<SimTime>,
    pub stop_code: Option<String>,
    pub stopped_reason: Option<String>,
    pub deployment_id: Option<String>,
    /// Host port bindings as `container:containerPort->hostPort/protocol` (one per container port mapping).
    pub network_bindings: Vec<String>,
    /// Whether an explanation of its placement exists (EC2 tasks).
    pub explainable: bool,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    /// The newest [`MAX_VIEW_ACCESS_LOG`] calls the application made (`sim:TaskCall`), most recent last.
    pub access_log: Vec<AccessView>,
    /// How many of all its calls were denied.
    pub n_denied_calls: u32,
    /// Its health in each target group it is registered in.
    pub target_health: Vec<TaskTargetView>,
    /// The EFS volumes it mounted (one per volume of its task definition at most).
    pub efs_mounts: Vec<EfsMountView>,
    /// Its containers' `reason` texts (one per container at most).
    pub container_reasons: Vec<ContainerReasonView>,
    /// Its containers with their status and exit code, in the task definition's order.
    pub containers: Vec<ContainerView>,
    /// PROVISIONING on the EC2 side with no container instance yet: waiting for capacity.
    pub waiting_for_capacity: bool,
    /// A Fargate Spot task warned of an interruption (stopCode TerminationNotice) and still RUNNING:
    /// when it stops (the warning plus two minutes).
    pub spot_stop_at: Option<SimTime>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentView {
    pub id: String,
    pub status: DeploymentStatus,
    pub task_definition: String,
    pub desired_count: u32,
    pub running_count: u32,
    pub pending_count: u32,
    pub failed_tasks: u32,
    pub rollout_state: RolloutState,
    pub rollout_state_reason: String,
}

/// A service event, as DescribeServices lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceEventView {
    pub created_at: SimTime,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceView {
    pub name: String,
    pub cluster: String,
    pub status: ServiceStatus,
    pub scheduling_strategy: SchedulingStrategy,
    pub launch_type: LaunchType,
    /// The service's capacity provider strategy (empty when it was created with a launch type).
    pub capacity_provider_strategy: Vec<crate::scaling::StrategyItem>,
    pub task_definition: String,
    pub desired_count: u32,
    pub running_count: u32,
    pub pending_count: u32,
    pub minimum_healthy_percent: u32,
    pub maximum_percent: u32,
    /// The PRIMARY deployment and the ones it still replaces.
    pub deployments: Vec<DeploymentView>,
    /// Most recent first: the newest [`crate::sim::MAX_SERVICE_EVENTS`], as DescribeServices keeps them.
    pub events: Vec<ServiceEventView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskDefinitionView {
    pub arn: String,
    pub family: String,
    pub revision: u32,
    pub status: TaskDefinitionStatus,
    pub cpu_units: Option<u32>,
    pub memory_mib: Option<u32>,
    pub network_mode: NetworkMode,
    pub compatibilities: Vec<Compatibility>,
    pub n_containers: u32,
    /// The DescribeTaskDefinition output, pretty JSON: written once when the revision changes (registered,
    /// deregistered) and shared, not printed on each publish.
    pub json: Rc<str>,
}

impl Sim {
    /// A snapshot of the whole world for the UI.
    pub fn view(&self) -> View {
        let scenario = self.scenario();
        let mut availability_zones: Vec<String> = scenario.network.subnets.iter().map(|s| s.availability_zone.clone()).collect();
        crate::order::sort(&mut availability_zones);
        availability_zones.dedup();
        // Tasks per container instance in one pass (not one scan of every task per instance).
        let mut n_tasks_by_node: std::collections::BTreeMap<u32, u32> = std::collections::BTreeMap::new();
        for task in self.live_tasks() {
            if let Some(node) = task.node {
                *n_tasks_by_node.entry(node).or_default() += 1;
            }
        }
        let retained_from_ms = self.now.0.saturating_sub(TERMINATED_INSTANCE_RETENTION_MS);
        let shown = |e: &&crate::sim::Ec2Instance| e.state != Ec2State::Terminated || e.state_since.0 >= retained_from_ms;
        let n_terminated_instances_left_out = self.ec2.values().filter(|e| !shown(e)).count() as u64;
        let instances = self
            .ec2
            .values()
            .filter(shown)
            .map(|e| {
                let ci = e.container_instance.and_then(|k| self.container_instances.get(&k));
                let pool = ci.and_then(|ci| self.pools.get(&ci.cluster));
                let node = ci.and_then(|ci| pool.and_then(|p| p.node(ci.key)));
                let free = ci.and_then(|ci| pool.and_then(|p| p.free_cpu_memory(ci.key)));
                let status = ci.map(|ci| ContainerInstanceStatus::from_aws(&ci.status));
                let since = match ci {
                    Some(ci) if e.state == Ec2State::Running => ci.status_since,
                    _ => e.state_since,
                };
                InstanceView {
                    ec2_instance_id: e.instance_id.clone(),
                    instance_type: e.instance_type.name.to_string(),
                    availability_zone: e.availability_zone.clone(),
                    ec2_state: e.state,
                    status,
                    cluster: ci.map(|ci| ci.cluster.clone()).or_else(|| Some(e.agent_cluster.clone()).filter(|_| e.can_register)),
                    container_instance_arn: ci.map(|ci| ci.arn.clone()),
                    since,
                    registered_cpu_units: node.map_or(e.instance_type.registered_cpu_units(), |n| n.registered_cpu_units),
                    registered_memory_mib: node.map_or(e.instance_type.registered_memory_mib(), |n| n.registered_memory_mib),
                    remaining_cpu_units: free.map_or(0, |(cpu_units, _)| cpu_units),
                    remaining_memory_mib: free.map_or(0, |(_, memory_mib)| memory_mib),
                    n_tasks: ci.map_or(0, |ci| n_tasks_by_node.get(&ci.key).copied().unwrap_or(0)),
                    custom_attributes: ci
                        .map(|ci| ci.custom_attributes.iter().map(|(name, value)| AttributeView { name: name.clone(), value: value.clone().unwrap_or_default() }).collect())
                        .unwrap_or_default(),
                    instance_profile: e.instance_profile.clone(),
                    instance_role: e.instance_profile.as_deref().and_then(|p| self.iam().instance_profile_role(p)),
                    can_register: e.can_register,
                    lifecycle: match (e.state, status) {
                        (Ec2State::Running, Some(ContainerInstanceStatus::Active)) => InstanceLifecycle::Active,
                        (Ec2State::Running, Some(ContainerInstanceStatus::Draining)) => InstanceLifecycle::Draining,
                        (Ec2State::Running, Some(ContainerInstanceStatus::Inactive)) => InstanceLifecycle::Inactive,
                        (Ec2State::Running, None) if e.can_register => InstanceLifecycle::Registering,
                        (Ec2State::Running, None) => InstanceLifecycle::CannotRegister,
                        (Ec2State::Pending, _) => InstanceLifecycle::Pending,
                        (Ec2State::ShuttingDown, _) => InstanceLifecycle::ShuttingDown,
                        (Ec2State::Terminated, _) => InstanceLifecycle::Terminated,
                    },
                    auto_scaling_group: e.tags.get("aws:autoscaling:groupName").cloned(),
                }
            })
            .collect();
        let (task_keys, n_stopped_tasks_left_out) = self.view_task_keys();
        let tasks = task_keys.iter().map(|k| self.task_view(&self.tasks[k])).collect();
        let services: Vec<ServiceView> = self
            .services
            .values()
            .map(|s| {
                let active: Vec<_> = self.live_service_tasks(s.key).filter(|t| t.is_active()).collect();
                ServiceView {
                    name: s.name.clone(),
                    cluster: s.cluster.clone(),
                    status: s.status,
                    scheduling_strategy: s.scheduling_strategy,
                    launch_type: s.launch_type,
                    capacity_provider_strategy: s.capacity_provider_strategy.clone(),
                    task_definition: s.task_definition_arn.rsplit('/').next().unwrap_or("").to_string(),
                    desired_count: s.desired_count,
                    running_count: active.iter().filter(|t| t.last_status == TaskStatus::Running).count() as u32,
                    pending_count: active.iter().filter(|t| t.last_status < TaskStatus::Running).count() as u32,
                    minimum_healthy_percent: s.deployment_configuration.minimum_healthy_percent,
                    maximum_percent: s.deployment_configuration.maximum_percent,
                    deployments: s
                        .deployments
                        .iter()
                        .map(|d| DeploymentView {
                            id: d.id.to_string(),
                            status: d.status,
                            task_definition: d.task_definition_arn.rsplit('/').next().unwrap_or("").to_string(),
                            desired_count: d.desired_count,
                            running_count: active.iter().filter(|t| t.deployment_id.as_ref() == Some(&d.id) && t.last_status == TaskStatus::Running).count() as u32,
                            pending_count: active.iter().filter(|t| t.deployment_id.as_ref() == Some(&d.id) && t.last_status < TaskStatus::Running).count() as u32,
                            failed_tasks: d.failed_tasks,
                            rollout_state: d.rollout_state,
                            rollout_state_reason: d.rollout_state_reason.clone(),
                        })
                        .collect(),
                    events: s.events.iter().map(|e| ServiceEventView { created_at: e.created_at, message: e.message.clone() }).collect(),
                }
            })
            .collect();
        let scaling = self.scaling_view(|cluster, name| {
            services
                .iter()
                .find(|s| s.cluster == cluster && s.name == name && s.status == crate::sim::ServiceStatus::Active)
                .map(|s| (s.desired_count, s.running_count))
        });
        let task_definitions = self
            .task_definitions
            .values()
            .flatten()
            .map(|r| TaskDefinitionView {
                arn: r.arn.clone(),
                family: r.family.clone(),
                revision: r.revision,
                status: TaskDefinitionStatus::from_aws(&r.status),
                cpu_units: r.spec.cpu_units,
                memory_mib: r.spec.memory_mib,
                network_mode: r.spec.network_mode,
                compatibilities: r.spec.compatibilities.clone(),
                n_containers: r.spec.containers.len() as u32,
                json: r.described_json.clone(),
            })
            .collect();
        View {
            now: self.now(),
            seed: self.seed(),
            trace_hash: self.trace_hash(),
            start_epoch_ms: scenario.start_epoch_ms,
            region: scenario.region.clone(),
            availability_zones,
            vpc_id: scenario.network.vpc_id.clone(),
            subnets: scenario.network.subnets.iter().map(|s| SubnetView { subnet_id: s.subnet_id.clone(), availability_zone: s.availability_zone.clone() }).collect(),
            security_groups: scenario.network.security_groups.clone(),
            clusters: self
                .clusters
                .values()
                .map(|c| ClusterView {
                    name: c.name.clone(),
                    arn: c.arn.clone(),
                    status: ClusterStatus::from_aws(&c.status),
                    capacity_providers: self.scaling.cluster_strategy(&c.name).map(|p| p.providers.clone()).unwrap_or_default(),
                    container_insights: c.container_insights,
                })
                .collect(),
            instances,
            n_terminated_instances_left_out,
            tasks,
            n_stopped_tasks_left_out,
            services,
            task_definitions,
            metrics: self.metrics().to_vec(),
            n_events: self.n_events_processed(),
            roles: self
                .iam()
                .roles
                .values()
                .map(|r| RoleView {
                    name: r.name.clone(),
                    arn: r.arn.clone(),
                    trust_policy: r.trust_text.clone(),
                    attached_policies: r.attached.iter().cloned().collect(),
                    inline_policies: r.inline.iter().map(|(name, p)| InlinePolicyView { name: name.clone(), document: p.text.clone() }).collect(),
                })
                .collect(),
            file_systems: self
                .efs()
                .file_systems
                .values()
                .map(|fs| FileSystemView {
                    file_system_id: fs.file_system_id.clone(),
                    name: fs.name().map(str::to_string),
                    life_cycle_state: fs.state,
                    performance_mode: fs.performance_mode.clone(),
                    throughput_mode: fs.throughput_mode.clone(),
                    encrypted: fs.encrypted,
                    size_bytes: 6144 + fs.data_bytes(),
                    mount_targets: self
                        .efs()
                        .mount_targets
                        .values()
                        .filter(|mt| mt.file_system_id == fs.file_system_id)
                        .map(|mt| MountTargetView {
                            mount_target_id: mt.mount_target_id.clone(),
                            availability_zone: mt.availability_zone.clone(),
                            subnet_id: mt.subnet_id.clone(),
                            security_groups: mt.security_groups.clone(),
                        })
                        .collect(),
                    access_points: self
                        .efs()
                        .access_points
                        .values()
                        .filter(|ap| ap.file_system_id == fs.file_system_id)
                        .map(|ap| AccessPointView { access_point_id: ap.access_point_id.clone(), root_directory: ap.root_path.clone() })
                        .collect(),
                    files: fs
                        .files
                        .iter()
                        .map(|(path, f)| FileView { path: path.clone(), bytes: f.bytes, written_by_task: f.written_by_task.clone(), written_at: SimTime(f.written_at_ms) })
                        .collect(),
                })
                .collect(),
            load_balancers: self.load_balancer_views(),
            target_groups: self
                .elb()
                .target_groups
                .values()
                .filter(|g| !g.hidden)
                .map(|g| TargetGroupView {
                    arn: g.arn.clone(),
                    name: g.name.clone(),
                    protocol: g.protocol.clone(),
                    port: g.port,
                    target_type: g.target_type.clone(),
                    algorithm: g.attrs.algorithm,
                    deregistration_delay_s: g.attrs.deregistration_delay_s,
                    targets: g
                        .targets
                        .iter()
                        .map(|t| TargetHealthView {
                            id: t.id.clone(),
                            port: t.port,
                            availability_zone: t.az.clone(),
                            task_id: t.owner.clone(),
                            state: t.state,
                            reason: t.reason.map(str::to_string),
                            description: t.description.clone(),
                            requests_last_step: t.last_requests,
                            latency_ms: t.last_latency_ms,
                        })
                        .collect(),
                })
                .collect(),
            instance_profiles: self.iam().instance_profiles.values().map(|p| InstanceProfileView { name: p.name.clone(), roles: p.roles.clone() }).collect(),
            scaling,
            cost: self.cost_report(),
            integrations: self.integrations_view(),
            logs: self.logs_view(),
            events: self.events_view(),
            agent_logs: self.agent_logs_view(),
            network: self.network_view(),
            notifications: self.notifications_view(),
            workload: self.workload_view(),
        }
    }

    /// The keys of the tasks the view shows, in key order: every task not yet STOPPED, and of the
    /// [`MAX_VIEW_STOPPED_TASKS`] most recently stopped ones those still within the retention; with the
    /// number of stopped tasks left out.
    fn view_task_keys(&self) -> (Vec<TaskKey>, u64) {
        let retained_from_ms = self.now.0.saturating_sub(STOPPED_TASK_RETENTION_MS);
        let stopped: Vec<TaskKey> =
            self.recently_stopped_tasks().iter().copied().filter(|k| self.tasks.get(k).and_then(|t| t.stopped_at).is_some_and(|at| at.0 >= retained_from_ms)).collect();
        let n_stopped = self.tasks.len() as u64 + self.tasks.n_forgotten() - self.tasks.n_live() as u64;
        let mut keys: Vec<TaskKey> = self.tasks.live_keys().chain(stopped.iter().copied()).collect();
        keys.sort_unstable();
        (keys, n_stopped - stopped.len() as u64)
    }

    fn task_view(&self, t: &crate::sim::Task) -> TaskView {
        let ec2_of_node = |node: u32| self.container_instances.get(&node).and_then(|ci| self.ec2.get(&ci.ec2)).map(|e| e.instance_id.clone());
        TaskView {
            arn: t.arn.clone(),
            id: t.id.clone(),
            cluster: t.cluster.clone(),
            family: t.family.clone(),
            revision: t.revision,
            group: t.group.clone(),
            service: t.service.and_then(|k| self.services.get(&k)).map(|s| s.name.clone()),
            launch_type: t.launch_type,
            capacity_type: crate::sim::capacity_type_of(t),
            capacity_provider: t.capacity_provider_name.clone(),
            last_status: t.last_status,
            desired_status: t.desired_status,
            health_status: t.health_status,
            ec2_instance_id: t.node.and_then(ec2_of_node),
            availability_zone: t.availability_zone.clone(),
            cpu_units: t.cpu_units,
            memory_mib: t.memory_mib,
            created_at: t.created_at,
            since: t.status_since,
            stopped_at: t.stopped_at,
            stop_code: t.stop_code.clone(),
            stopped_reason: t.stopped_reason.clone(),
            deployment_id: t.deployment_id.as_deref().map(str::to_string),
            network_bindings: t.network_bindings.iter().map(|(name, cp, hp, proto)| format!("{name}:{cp}->{hp}/{proto}")).collect(),
            explainable: t.placement_decision.is_some(),
            task_role_arn: t.task_role_arn.clone(),
            execution_role_arn: t.execution_role_arn.clone(),
            access_log: t.access_log[t.access_log.len().saturating_sub(MAX_VIEW_ACCESS_LOG)..]
                .iter()
                .map(|r| AccessView {
                    time: r.time,
                    action: r.action.clone(),
                    resource: r.resource.clone(),
                    allowed: r.allowed,
                    principal: r.principal.clone(),
                    explanation: r.explanation.clone(),
                })
                .collect(),
            target_health: self
                .elb()
                .owner_health(&t.id)
                .into_iter()
                .map(|(tg, state, reason)| {
                    let target_group = self.elb().target_groups.get(&tg).map(|g| g.name.clone()).unwrap_or(tg);
                    TaskTargetView { target_group, state, reason: reason.map(str::to_string) }
                })
                .collect(),
            efs_mounts: t
                .efs_mounts
                .iter()
                .map(|(volume, m)| EfsMountView {
                    volume: volume.clone(),
                    file_system_id: m.file_system_id.clone(),
                    availability_zone: m.availability_zone.clone(),
                    root_directory: m.root.clone(),
                })
                .collect(),
            n_denied_calls: t.access_log.iter().filter(|r| !r.allowed).count() as u32,
            containers: t
                .containers
                .iter()
                .map(|c| ContainerView { name: c.name.clone(), essential: c.essential, last_status: c.last_status.clone(), exit_code: c.exit_code })
                .collect(),
            container_reasons: t.containers.iter().filter_map(|c| c.reason.clone().map(|reason| ContainerReasonView { container: c.name.clone(), reason })).collect(),
            waiting_for_capacity: t.last_status == TaskStatus::Provisioning && t.node.is_none() && t.launch_type != LaunchType::Fargate,
            spot_stop_at: t.spot_stop_at.filter(|_| t.last_status != TaskStatus::Stopped),
        }
    }
}

fn describe_action(action: &crate::elb::Action, sim: &Sim) -> String {
    let json = action.to_json(1);
    match json.get("Type").and_then(|t| t.as_str()) {
        Some("forward") => {
            let groups: Vec<String> = json
                .pointer("/ForwardConfig/TargetGroups")
                .and_then(|g| g.as_array())
                .map(|groups| {
                    groups
                        .iter()
                        .map(|g| {
                            let arn = g.get("TargetGroupArn").and_then(|a| a.as_str()).unwrap_or("");
                            let name = sim.elb().target_groups.get(arn).map(|t| t.name.clone()).unwrap_or_else(|| arn.to_string());
                            match g.get("Weight").and_then(|w| w.as_u64()) {
                                Some(w) if groups.len() > 1 => format!("{name} (weight {w})"),
                                _ => name,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("forward to {}", groups.join(", "))
        }
        Some("fixed-response") => match json.pointer("/FixedResponseConfig/StatusCode") {
            Some(serde_json::Value::String(code)) => format!("fixed-response {code}"),
            Some(code) => format!("fixed-response {code}"),
            None => "fixed-response".to_string(),
        },
        Some(other) => other.to_string(),
        None => json.to_string(),
    }
}

impl Sim {
    fn load_balancer_views(&self) -> Vec<LoadBalancerView> {
        let elb = self.elb();
        elb.load_balancers
            .values()
            .map(|lb| {
                let listeners = elb
                    .listeners
                    .values()
                    .filter(|l| l.lb_arn == lb.arn)
                    .map(|l| {
                        let mut rules: Vec<ListenerRuleView> = elb
                            .rules
                            .values()
                            .filter(|r| r.listener_arn == l.arn)
                            .map(|r| {
                                let conditions: Vec<String> = r
                                    .conditions
                                    .iter()
                                    .map(|c| {
                                        let json = c.to_json();
                                        let field = json.get("Field").and_then(|f| f.as_str()).unwrap_or("").to_string();
                                        let values = json.get("Values").map(|v| v.to_string()).unwrap_or_default();
                                        format!("{field} {values}")
                                    })
                                    .collect();
                                let actions: Vec<String> = r.actions.iter().map(|a| describe_action(a, self)).collect();
                                ListenerRuleView { priority: r.priority, conditions: conditions.join(" and "), actions: actions.join("; "), arn: r.arn.clone() }
                            })
                            .collect();
                        crate::order::sort(&mut rules);
                        ListenerView {
                            arn: l.arn.clone(),
                            port: l.port,
                            protocol: l.protocol.clone(),
                            default_action: l.default_actions.iter().map(|a| describe_action(a, self)).collect::<Vec<_>>().join("; "),
                            rules,
                        }
                    })
                    .collect();
                let mut metrics = elb.lb_metric_points(&lb.arn);
                let keep_from = metrics.len().saturating_sub(VIEW_LB_METRIC_MINUTES);
                metrics.drain(..keep_from);
                // Host counts are kept per target group: sum those of the groups behind this load balancer.
                for g in elb.target_groups.values().filter(|g| g.lb_arns.contains(&lb.arn)) {
                    for p in elb.tg_metric_points(&g.arn) {
                        if let Some(m) = metrics.iter_mut().find(|m| m.minute_start_ms == p.minute_start_ms) {
                            m.healthy_hosts += p.healthy_hosts;
                            m.unhealthy_hosts += p.unhealthy_hosts;
                        }
                    }
                }
                LoadBalancerView {
                    arn: lb.arn.clone(),
                    name: lb.name.clone(),
                    lb_type: lb.lb_type,
                    dns_name: lb.dns_name.clone(),
                    availability_zones: lb.azs().map(str::to_string).collect(),
                    listeners,
                    metrics,
                }
            })
            .collect()
    }
}
