//! The entities of the simulated account: clusters, EC2 instances, container instances, task
//! definitions, tasks and services, with the account's settings (lifecycle timings, image behaviours) and a
//! batch of tasks to launch. Plain data; the engine in `sim` owns the behaviour.

use crate::table::Table;

use crate::catalog::InstanceType;
use crate::placement::{Constraint, NodeKey, Reservation, Strategy};
use crate::taskdef::TaskDefinitionSpec;
use crate::time::SimTime;

/// The AWS account id of the simulated account.
pub const ACCOUNT_ID: &str = "123456789012";

/// Durations of the simulated lifecycle, milliseconds. Set with the `sim:SetTimings` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timings {
    /// EC2 `pending` to `running`.
    pub instance_boot_ms: u64,
    /// From `running` until the ECS agent has registered the container instance.
    pub agent_registration_ms: u64,
    /// `shutting-down` to `terminated`.
    pub instance_shutdown_ms: u64,
    /// PROVISIONING on EC2 for `awsvpc` (ENI attachment); 0 for bridge and host tasks.
    pub eni_attach_ms: u64,
    /// PROVISIONING on Fargate (capacity and ENI).
    pub fargate_provisioning_ms: u64,
    /// PENDING: pulling the images.
    pub image_pull_ms: u64,
    /// ACTIVATING: creating and starting the containers.
    pub container_start_ms: u64,
    /// How long a container takes to exit after SIGTERM (capped by `stopTimeout`).
    pub container_stop_ms: u64,
    /// DEPROVISIONING.
    pub deprovisioning_ms: u64,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            instance_boot_ms: 30_000,
            agent_registration_ms: 15_000,
            instance_shutdown_ms: 10_000,
            eni_attach_ms: 5_000,
            fargate_provisioning_ms: 20_000,
            image_pull_ms: 10_000,
            container_start_ms: 3_000,
            container_stop_ms: 2_000,
            deprovisioning_ms: 3_000,
        }
    }
}

/// What an image does when it runs, set with `sim:SetImageBehavior`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageBehavior {
    /// Runs until stopped (the default).
    Serve,
    /// Exits with `exit_code` after `run_ms` of running.
    Exit { exit_code: i64, run_ms: u64 },
    /// The pull fails: the task stops with `CannotPullContainerError`.
    PullError { message: String },
    /// Runs but its container health check fails, whatever the check runs.
    Unhealthy,
    /// Runs, and answers its health check at `path` only: a container `healthCheck` whose command does not
    /// request that path fails (the application serves `/health`, the check asks for `/healthz`).
    HealthEndpoint { path: String },
    /// Runs, and its memory use grows to `usage_mib` after `after_ms` of running: above the container's hard
    /// limit the kernel kills it (exit 137, `OutOfMemoryError`); above `memoryReservation` only, nothing happens.
    MemoryGrowth { usage_mib: u32, after_ms: u64 },
    /// Runs and passes its health checks, but answers each request `extra_latency_ms` late (a slow revision,
    /// for latency alarms).
    Slow { extra_latency_ms: u32 },
    /// Runs a batch job (`sim/batch_job.rs`) for `run_ms`, then exits 0 when the job succeeded or 1 on an error.
    BatchJob { run_ms: u64 },
}

/// What a container's process does with the stop signal, set with `sim:SetImageBehavior`'s `onStop`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StopBehavior {
    /// The application handles SIGTERM, shuts down and exits 0 (the default).
    #[default]
    Graceful,
    /// The process has no handler: SIGTERM ends it with 143 (128+15).
    DefaultHandler,
    /// The process ignores SIGTERM: SIGKILL after `stopTimeout` ends it with 137 (128+9).
    Ignore,
}

impl StopBehavior {
    pub fn parse(text: &str) -> Option<StopBehavior> {
        match text {
            "graceful" => Some(StopBehavior::Graceful),
            "sigterm" => Some(StopBehavior::DefaultHandler),
            "ignore" => Some(StopBehavior::Ignore),
            _ => None,
        }
    }
}

/// A fault of one EC2 container instance, set with `sim:SetInstanceFault`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceFault {
    /// The ECS agent is stopped or cut off: `agentConnected` false, its tasks keep running, nothing new is
    /// placed on it.
    AgentDisconnected,
    /// The Docker daemon fails: the agent cannot work either (`agentConnected` false), and tasks placed there
    /// stay in PROVISIONING or PENDING until the daemon is back.
    DockerDaemonFailed,
}

pub type TaskKey = u32;
pub type ServiceKey = u32;
pub type Ec2Key = u32;

#[derive(Clone, Debug)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    /// ACTIVE or INACTIVE (the view reads it as a [`ClusterStatus`]).
    pub status: String,
    pub created_at: SimTime,
    /// The `containerInsights` cluster setting: `disabled`, `enabled` or `enhanced`.
    pub container_insights: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ec2State {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
}

impl Ec2State {
    pub fn as_aws(self) -> &'static str {
        match self {
            Ec2State::Pending => "pending",
            Ec2State::Running => "running",
            Ec2State::ShuttingDown => "shutting-down",
            Ec2State::Terminated => "terminated",
        }
    }
}

/// A cluster's `status`. The engine keeps it as AWS's string in [`Cluster::status`]; the view reads it
/// with [`ClusterStatus::from_aws`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterStatus {
    Active,
    Inactive,
}

impl ClusterStatus {
    pub fn as_aws(self) -> &'static str {
        match self {
            ClusterStatus::Active => "ACTIVE",
            ClusterStatus::Inactive => "INACTIVE",
        }
    }

    /// The status AWS writes as `text`; anything else is INACTIVE.
    pub fn from_aws(text: &str) -> ClusterStatus {
        if text == "ACTIVE" { ClusterStatus::Active } else { ClusterStatus::Inactive }
    }
}

/// A container instance's `status`. The engine keeps it as AWS's string in [`ContainerInstance::status`];
/// the view reads it with [`ContainerInstanceStatus::from_aws`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerInstanceStatus {
    Active,
    Draining,
    Inactive,
}

impl ContainerInstanceStatus {
    pub fn as_aws(self) -> &'static str {
        match self {
            ContainerInstanceStatus::Active => "ACTIVE",
            ContainerInstanceStatus::Draining => "DRAINING",
            ContainerInstanceStatus::Inactive => "INACTIVE",
        }
    }

    /// The status AWS writes as `text`; anything else is INACTIVE.
    pub fn from_aws(text: &str) -> ContainerInstanceStatus {
        match text {
            "ACTIVE" => ContainerInstanceStatus::Active,
            "DRAINING" => ContainerInstanceStatus::Draining,
            _ => ContainerInstanceStatus::Inactive,
        }
    }
}

/// A task definition revision's `status`. The engine keeps it as AWS's string in
/// [`TaskDefinitionRevision::status`]; the view reads it with [`TaskDefinitionStatus::from_aws`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskDefinitionStatus {
    Active,
    Inactive,
    DeleteInProgress,
}

impl TaskDefinitionStatus {
    pub fn as_aws(self) -> &'static str {
        match self {
            TaskDefinitionStatus::Active => "ACTIVE",
            TaskDefinitionStatus::Inactive => "INACTIVE",
            TaskDefinitionStatus::DeleteInProgress => "DELETE_IN_PROGRESS",
        }
    }

    /// The status AWS writes as `text`; anything else is INACTIVE.
    pub fn from_aws(text: &str) -> TaskDefinitionStatus {
        match text {
            "ACTIVE" => TaskDefinitionStatus::Active,
            "DELETE_IN_PROGRESS" => TaskDefinitionStatus::DeleteInProgress,
            _ => TaskDefinitionStatus::Inactive,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Ec2Instance {
    pub key: Ec2Key,
    pub instance_id: String,
    pub instance_type: &'static InstanceType,
    pub subnet_id: String,
    pub availability_zone: String,
    pub state: Ec2State,
    pub state_since: SimTime,
    pub launched_at: SimTime,
    /// The cluster the ECS agent joins (`ECS_CLUSTER` in the user data, or `default`).
    pub agent_cluster: String,
    /// Custom attributes from `ECS_INSTANCE_ATTRIBUTES` in the user data.
    pub agent_attributes: Table<String, String>,
    /// Whether the instance profile lets the agent register (the ecsInstanceRole).
    pub can_register: bool,
    pub awsvpc_trunking: bool,
    /// The instance profile name given to RunInstances.
    pub instance_profile: Option<String>,
    /// `SecurityGroupIds` of RunInstances (the VPC's first security group when none is given).
    pub security_groups: Vec<String>,
    pub container_instance: Option<NodeKey>,
    pub tags: Table<String, String>,
    /// A Spot Instance (EC2 may reclaim it with a two-minute notice).
    pub spot: bool,
    /// `ECS_ENABLE_SPOT_INSTANCE_DRAINING=true` in the user data: the ECS agent drains the container instance
    /// when the Spot interruption notice arrives.
    pub spot_instance_draining: bool,
}

#[derive(Clone, Debug)]
pub struct ContainerInstance {
    pub key: NodeKey,
    pub arn: String,
    /// The id part of the ARN (32 hex digits).
    pub id: String,
    pub cluster: String,
    pub ec2: Ec2Key,
    /// ACTIVE, DRAINING or INACTIVE (the view reads it as a [`ContainerInstanceStatus`]).
    pub status: String,
    pub status_since: SimTime,
    pub registered_at: SimTime,
    pub agent_connected: bool,
    pub custom_attributes: Table<String, Option<String>>,
}

#[derive(Clone, Debug)]
pub struct TaskDefinitionRevision {
    pub arn: String,
    pub family: String,
    pub revision: u32,
    /// ACTIVE, INACTIVE or DELETE_IN_PROGRESS (the view reads it as a [`TaskDefinitionStatus`]).
    pub status: String,
    pub spec: TaskDefinitionSpec,
    pub registered_at: SimTime,
    pub deregistered_at: Option<SimTime>,
    /// The DescribeTaskDefinition output as pretty JSON, for the app's Export link. Written when the
    /// revision is registered and when it is deregistered (the only change a revision sees), so the view
    /// does not print it on each publish.
    pub described_json: std::rc::Rc<str>,
}

/// The task states of `lastStatus`, in lifecycle order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaskStatus {
    Provisioning,
    Pending,
    Activating,
    Running,
    Deactivating,
    Stopping,
    Deprovisioning,
    Stopped,
}

impl TaskStatus {
    pub fn as_aws(self) -> &'static str {
        match self {
            TaskStatus::Provisioning => "PROVISIONING",
            TaskStatus::Pending => "PENDING",
            TaskStatus::Activating => "ACTIVATING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Deactivating => "DEACTIVATING",
            TaskStatus::Stopping => "STOPPING",
            TaskStatus::Deprovisioning => "DEPROVISIONING",
            TaskStatus::Stopped => "STOPPED",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaunchType {
    Ec2,
    Fargate,
}

impl LaunchType {
    pub fn as_aws(self) -> &'static str {
        match self {
            LaunchType::Ec2 => "EC2",
            LaunchType::Fargate => "FARGATE",
        }
    }
}

/// A task's `desiredStatus`. AWS's model also lists PENDING, but "Amazon ECS never sets the desired
/// status of a task to that value".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DesiredStatus {
    Running,
    Stopped,
}

impl DesiredStatus {
    pub fn as_aws(self) -> &'static str {
        match self {
            DesiredStatus::Running => "RUNNING",
            DesiredStatus::Stopped => "STOPPED",
        }
    }
}

/// A task's `healthStatus`, from its essential containers' health checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HealthStatus {
    Healthy,
    Unhealthy,
    Unknown,
}

impl HealthStatus {
    pub fn as_aws(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "HEALTHY",
            HealthStatus::Unhealthy => "UNHEALTHY",
            HealthStatus::Unknown => "UNKNOWN",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ContainerState {
    pub name: String,
    pub image: String,
    pub essential: bool,
    pub last_status: String,
    pub exit_code: Option<i64>,
    pub reason: Option<String>,
    pub health_status: String,
}

/// One AWS call made by a task's application, and what IAM decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRecord {
    pub time: SimTime,
    pub action: String,
    pub resource: String,
    pub allowed: bool,
    /// The principal whose policies decided (the task role, or the instance role on EC2 without one).
    pub principal: String,
    /// Which statement of which policy allowed or denied it, or that nothing allowed it.
    pub explanation: String,
}

#[derive(Clone, Debug)]
pub struct Task {
    /// The Fargate platform version the task runs on (shown for Fargate tasks only).
    pub platform_version: std::rc::Rc<str>,
    /// RunTask's `overrides` as DescribeTasks shows them; `None` for a task run without.
    pub overrides: Option<std::rc::Rc<serde_json::Value>>,
    pub key: TaskKey,
    pub arn: String,
    pub id: String,
    pub cluster: String,
    pub task_definition_arn: String,
    pub family: String,
    pub revision: u32,
    pub group: String,
    pub started_by: Option<String>,
    pub launch_type: LaunchType,
    /// The capacity provider that launched the task (`FARGATE`, `FARGATE_SPOT` or an Auto Scaling group
    /// provider); `None` for tasks launched with a launch type.
    pub capacity_provider_name: Option<String>,
    /// While the task waits in PROVISIONING for its capacity provider's instances: what to place.
    pub waiting_for_capacity: Option<Box<WaitingPlacement>>,
    pub last_status: TaskStatus,
    pub desired_status: DesiredStatus,
    pub status_since: SimTime,
    pub node: Option<NodeKey>,
    pub reservation: Option<Reservation>,
    pub availability_zone: String,
    pub subnet_id: Option<String>,
    /// The task ENI's security groups (awsvpc), or its instance's.
    pub security_groups: Vec<String>,
    /// Its awsvpc interface has a public IPv4 address (`assignPublicIp` ENABLED).
    pub assign_public_ip: bool,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    /// Calls the task's application made (`sim:TaskCall`), with the IAM decision on each.
    pub access_log: Vec<AccessRecord>,
    /// EFS volumes mounted when the task started: (volume name, mount).
    pub efs_mounts: Vec<(String, crate::efs::MountInfo)>,
    /// The task's private IP address (awsvpc), the id of `ip` targets.
    pub private_ip: Option<String>,
    /// Targets still draining before the task can move from DEACTIVATING to STOPPING.
    pub n_targets_draining: u32,
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub created_at: SimTime,
    pub pull_started_at: Option<SimTime>,
    pub pull_stopped_at: Option<SimTime>,
    pub started_at: Option<SimTime>,
    pub stopping_at: Option<SimTime>,
    /// A Fargate Spot task that received its two-minute warning: when the capacity is taken back.
    pub spot_stop_at: Option<SimTime>,
    pub stopped_at: Option<SimTime>,
    pub stop_code: Option<String>,
    pub stopped_reason: Option<String>,
    pub containers: Vec<ContainerState>,
    pub service: Option<ServiceKey>,
    pub deployment_id: Option<std::rc::Rc<str>>,
    /// The index of the placement decision that put this task on its instance (EC2 only).
    pub placement_decision: Option<u64>,
    pub health_status: HealthStatus,
    pub network_mode_awsvpc: bool,
    /// Host port bindings: (container name, container port, host port, protocol).
    pub network_bindings: Vec<(String, u16, u16, &'static str)>,
    pub version: u64,
}

impl Task {
    /// Whether the task's desired status is RUNNING (every scan of the tasks asks this).
    pub fn is_active(&self) -> bool {
        self.desired_status == DesiredStatus::Running
    }
}

/// What a task waiting for capacity needs when an instance arrives.
#[derive(Clone, Debug)]
pub struct WaitingPlacement {
    pub demand: crate::placement::TaskDemand,
    pub subnets: Vec<String>,
    pub since: SimTime,
}

#[derive(Clone, Debug)]
pub struct DeploymentConfiguration {
    pub maximum_percent: u32,
    pub minimum_healthy_percent: u32,
    pub circuit_breaker_enable: bool,
    pub circuit_breaker_rollback: bool,
    /// `deploymentConfiguration.alarms`, when set (`sim/deployment_alarms.rs`).
    pub alarms: Option<DeploymentAlarms>,
}

/// `deploymentConfiguration.alarms` (botocore ecs `DeploymentAlarms`): the CloudWatch alarms that fail a
/// deployment when one enters ALARM, and whether the failure rolls back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentAlarms {
    pub alarm_names: Vec<String>,
    pub enable: bool,
    pub rollback: bool,
}

/// A deployment's `status`: the newest is PRIMARY, the ones it replaces ACTIVE, finished ones INACTIVE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeploymentStatus {
    Primary,
    Active,
    Inactive,
}

impl DeploymentStatus {
    pub fn as_aws(self) -> &'static str {
        match self {
            DeploymentStatus::Primary => "PRIMARY",
            DeploymentStatus::Active => "ACTIVE",
            DeploymentStatus::Inactive => "INACTIVE",
        }
    }
}

/// A deployment's `rolloutState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RolloutState {
    InProgress,
    Completed,
    Failed,
}

impl RolloutState {
    pub fn as_aws(self) -> &'static str {
        match self {
            RolloutState::InProgress => "IN_PROGRESS",
            RolloutState::Completed => "COMPLETED",
            RolloutState::Failed => "FAILED",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Deployment {
    pub id: std::rc::Rc<str>,
    pub status: DeploymentStatus,
    pub task_definition_arn: String,
    pub desired_count: u32,
    pub failed_tasks: u32,
    pub rollout_state: RolloutState,
    pub rollout_state_reason: String,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    /// Whether a task of this deployment has reached RUNNING (circuit breaker stage 2).
    pub any_task_running: bool,
    /// With deployment alarms: the end of the bake time that began at steady state (the rollout completes then).
    pub bake_until: Option<SimTime>,
    /// With deployment alarms: one of them was in ALARM when the deployment began, so ECS does not monitor
    /// them for this deployment.
    pub alarms_ignored: bool,
    /// With deployment alarms: the task definition of the last COMPLETED deployment when this one began, which a
    /// rollback returns to (that deployment may be gone from the list by the end of the bake time).
    pub last_completed_task_definition: Option<String>,
}

/// The service events a service keeps, newest first (DescribeServices and the console show the 100 most
/// recent).
pub const MAX_SERVICE_EVENTS: usize = 100;

#[derive(Clone, Debug)]
pub struct ServiceEvent {
    pub id: String,
    pub created_at: SimTime,
    pub message: String,
}

/// A service's `status`: DeleteService makes it DRAINING, and INACTIVE once its tasks are gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceStatus {
    Active,
    Draining,
    Inactive,
}

impl ServiceStatus {
    pub fn as_aws(self) -> &'static str {
        match self {
            ServiceStatus::Active => "ACTIVE",
            ServiceStatus::Draining => "DRAINING",
            ServiceStatus::Inactive => "INACTIVE",
        }
    }
}

/// A service's `schedulingStrategy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchedulingStrategy {
    Replica,
    Daemon,
}

impl SchedulingStrategy {
    pub fn as_aws(self) -> &'static str {
        match self {
            SchedulingStrategy::Replica => "REPLICA",
            SchedulingStrategy::Daemon => "DAEMON",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Service {
    /// `platformVersion` as the request gave it (`LATEST` when absent); its tasks run on the version it resolves to.
    pub platform_version: String,
    pub key: ServiceKey,
    pub name: String,
    pub arn: String,
    pub cluster: String,
    pub status: ServiceStatus,
    pub desired_count: u32,
    pub launch_type: LaunchType,
    /// `capacityProviderStrategy` (the request's or the cluster default at creation); empty when the
    /// service uses `launchType`. `launch_type` is then the strategy's (FARGATE or EC2).
    pub capacity_provider_strategy: Vec<crate::scaling::StrategyItem>,
    pub scheduling_strategy: SchedulingStrategy,
    pub task_definition_arn: String,
    pub placement_constraints: Vec<Constraint>,
    pub placement_strategies: Vec<Strategy>,
    /// The request's JSON of placement constraints and strategies, echoed by DescribeServices.
    pub placement_constraints_json: serde_json::Value,
    pub placement_strategy_json: serde_json::Value,
    pub deployment_configuration: DeploymentConfiguration,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// `assignPublicIp` ENABLED in the service's network configuration.
    pub assign_public_ip: bool,
    /// `loadBalancers`: (target group ARN, container name, container port).
    pub load_balancers: Vec<(String, String, u16)>,
    pub load_balancers_json: serde_json::Value,
    pub network_configuration_json: Option<serde_json::Value>,
    pub deployments: Vec<Deployment>,
    pub events: Vec<ServiceEvent>,
    pub created_at: SimTime,
    pub health_check_grace_period_s: u32,
    /// Consecutive tasks that stopped before reaching RUNNING (restart throttling).
    pub consecutive_start_failures: u32,
    pub throttled_until: SimTime,
    pub steady_state_reported: bool,
    pub last_placement_failure: Option<String>,
    pub tick_scheduled: bool,
    /// Future reconcile times already scheduled, so a burst of task changes schedules one tick, not thousands.
    pub future_ticks: std::collections::BTreeSet<SimTime>,
}

/// What to launch: one batch of identical tasks.
pub(super) struct LaunchRequest {
    pub cluster: String,
    pub family: String,
    pub revision: u32,
    pub count: u32,
    pub launch_type: LaunchType,
    pub group: String,
    pub started_by: Option<String>,
    pub service: Option<ServiceKey>,
    pub deployment_id: Option<std::rc::Rc<str>>,
    pub constraints: Vec<Constraint>,
    pub strategies: Vec<Strategy>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// `assignPublicIp` ENABLED.
    pub assign_public_ip: bool,
    /// DAEMON services place on one given instance.
    pub on_node: Option<NodeKey>,
    /// The capacity provider of a strategy launch (`None` with a launch type).
    pub capacity_provider: Option<String>,
    /// The Fargate platform version the request resolved to (`1.4.0` for `LATEST`); shown for Fargate tasks only.
    pub platform_version: std::rc::Rc<str>,
    /// RunTask's `overrides`: the revision as the overridden tasks run it, and the overrides as DescribeTasks
    /// shows them.
    pub overridden: Option<std::rc::Rc<(TaskDefinitionRevision, serde_json::Value)>>,
}

/// What a counted service event reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ServiceBatchKind {
    /// Targets registered with a target group.
    Registered { target_group_arn: String },
    /// Targets deregistered from a target group.
    Deregistered { target_group_arn: String },
    /// Tasks of a deployment (the console's task set) that began draining their connections.
    Draining { task_set: std::rc::Rc<str> },
}

/// One counted service event waiting for the end of the event or call that caused it (`sim/service_events.rs`).
#[derive(Clone, Debug)]
pub(crate) struct ServiceBatch {
    pub service: ServiceKey,
    pub kind: ServiceBatchKind,
    pub n: u32,
}

/// One queue and the service that consumes it (`sim/queue_workload.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueWorkload {
    pub name: String,
    pub cluster: String,
    /// The consuming service's name.
    pub service_name: String,
    pub messages_per_minute: u64,
    pub messages_per_task_per_minute: u64,
    /// Messages waiting, oldest first: (the sim ms they arrived at, how many).
    pub cohorts: std::collections::VecDeque<(u64, u64)>,
}
