//! The data of Application Auto Scaling, EC2 Auto Scaling and capacity providers: scalable targets, policies,
//! scheduled actions and activities, launch templates, Auto Scaling groups and their policies, capacity
//! providers, the world a call or a tick sees, the actions it asks of the engine, and `ScalingState`, which holds
//! it all.

use crate::table::Table;
use std::collections::VecDeque;

use serde_json::Value;

use super::cost::CostLedger;
use super::alarms::history::{AlarmHistory, AlarmNotice};
use super::metrics::{Alarm, AlarmTransition, MetricKey, MetricStore, Sample, Statistic};
use super::schedule::Schedule;

/// Minutes of desired and running counts kept per scalable target (three hours).
pub const HISTORY_MINUTES: usize = 180;

/// An ECS service as the engine sees it now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServiceStatus {
    pub desired: u32,
    pub running: u32,
    /// A deployment is in progress (target tracking does not scale in then).
    pub deploying: bool,
}

/// What a call or a tick needs to know about the world.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScalingContext {
    pub region: String,
    pub account_id: String,
    /// The scenario's startTime, epoch ms.
    pub start_epoch_ms: u64,
    /// Sim time now, ms since start.
    pub now_ms: u64,
    /// ECS services by Application Auto Scaling resource id `service/<cluster>/<service>`.
    pub services: Table<String, ServiceStatus>,
    pub clusters: Vec<String>,
    /// `(subnet id, availability zone)` of the VPC.
    pub subnets: Vec<(String, String)>,
}

impl ScalingContext {
    pub fn now_epoch_ms(&self) -> u64 {
        self.start_epoch_ms.saturating_add(self.now_ms)
    }
}

/// Something the engine must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScalingAction {
    /// Set an ECS service's desired count (UpdateService by Application Auto Scaling).
    SetDesiredCount { cluster: String, service: String, from: u32, to: u32, activity_id: String },
    /// Launch an EC2 instance for an ASG; it registers with the cluster named in its user data.
    LaunchInstance {
        asg: String,
        instance_id: String,
        instance_type: String,
        launch_template_id: String,
        iam_instance_profile: Option<String>,
        user_data: Option<String>,
        subnet_id: String,
        availability_zone: String,
        /// A Spot Instance (a `MixedInstancesPolicy` puts capacity above its On-Demand share on Spot).
        spot: bool,
    },
    /// Terminate an EC2 instance (tasks on it stop: "Host EC2 (instance id) stopped/terminated").
    TerminateInstance { asg: String, instance_id: String, reason: String },
}

/// What the engine reports once a minute.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MinuteReport {
    /// Samples for the minute that just ended (e.g. `AWS/ECS CPUUtilization` per service, as
    /// thousandths of a percent; `AWS/ApplicationELB RequestCountPerTarget` per target group).
    pub samples: Vec<Sample>,
    /// Capacity providers with managed scaling: their instances and waiting tasks.
    pub providers: Vec<ProviderReport>,
}

/// What a tick produced besides actions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TickOutput {
    pub alarm_transitions: Vec<AlarmTransition>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScalingState {
    pub metrics: MetricStore,
    pub alarms: Table<String, Alarm>,
    pub targets: Table<String, ScalableTarget>,
    pub policies: Table<(String, String), ScalingPolicy>,
    pub scheduled: Table<(String, String), ScheduledAction>,
    pub activities: Vec<ScalingActivity>,
    pub launch_templates: Table<String, LaunchTemplate>,
    pub asgs: Table<String, AutoScalingGroup>,
    pub capacity_providers: Table<String, CapacityProvider>,
    pub cluster_providers: Table<String, ClusterProviders>,
    pub cost: CostLedger,
    /// Per scalable target (resource id), each minute's `(sim ms, desired, running)` after the
    /// policies ran, the newest [`HISTORY_MINUTES`] (for the app's desired-against-running chart).
    pub history: Table<String, VecDeque<(u64, u32, u32)>>,
    /// EC2 Auto Scaling policies by (group, policy name), and the groups' scaling activities, oldest first.
    pub asg_policies: Table<(String, String), AsgPolicy>,
    pub asg_activities: Vec<AsgActivity>,
    /// Every alarm's history (`DescribeAlarmHistory`), bounded.
    pub alarm_history: AlarmHistory,
    /// Notices of alarm actions to SNS topics, for the engine to publish; bounded, with a count of those dropped.
    pub(super) alarm_notices: VecDeque<AlarmNotice>,
    pub alarm_notices_dropped: u64,
    /// Actions queued for the engine since the last `take_actions`.
    pub(super) actions: Vec<ScalingAction>,
    /// Ids and tokens are derived from this counter.
    pub(super) counter: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalableTarget {
    pub resource_id: String,
    pub cluster: String,
    pub service: String,
    pub arn: String,
    pub min: u32,
    pub max: u32,
    pub role_arn: String,
    pub created_ms: u64,
    pub suspend_in: bool,
    pub suspend_out: bool,
    pub suspend_scheduled: bool,
    /// Epoch ms of the last scale-out and scale-in this target's policies made, and the capacity
    /// before that scale-out (capacity added during the scale-out cooldown counts toward the next one).
    pub last_out_ms: Option<u64>,
    pub out_base: u32,
    pub last_in_ms: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdjustmentType {
    ChangeInCapacity,
    PercentChangeInCapacity,
    ExactCapacity,
}

impl AdjustmentType {
    pub fn parse(s: &str) -> Option<AdjustmentType> {
        Some(match s {
            "ChangeInCapacity" => AdjustmentType::ChangeInCapacity,
            "PercentChangeInCapacity" => AdjustmentType::PercentChangeInCapacity,
            "ExactCapacity" => AdjustmentType::ExactCapacity,
            _ => return None,
        })
    }
}

/// One step: bounds (thousandths, relative to the alarm threshold; `None` = unbounded) and adjustment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepAdjustment {
    pub lower: Option<i64>,
    pub upper: Option<i64>,
    pub adjustment: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepConfig {
    pub adjustment_type: AdjustmentType,
    pub steps: Vec<StepAdjustment>,
    pub min_adjustment_magnitude: Option<i64>,
    pub cooldown_s: u64,
    pub aggregation: Statistic,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetTrackingConfig {
    pub target_milli: i64,
    pub metric: MetricKey,
    pub statistic: Statistic,
    pub scale_out_cooldown_s: u64,
    pub scale_in_cooldown_s: u64,
    pub disable_scale_in: bool,
    pub alarm_high: String,
    pub alarm_low: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyConfig {
    TargetTracking(TargetTrackingConfig),
    Step(StepConfig),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalingPolicy {
    pub name: String,
    pub arn: String,
    pub resource_id: String,
    pub config: PolicyConfig,
    /// The configuration as given, echoed by DescribeScalingPolicies.
    pub raw_config: Value,
    pub created_ms: u64,
    pub last_action_ms: Option<u64>,
    pub base: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduledAction {
    pub name: String,
    pub arn: String,
    pub resource_id: String,
    pub schedule_text: String,
    pub schedule: Schedule,
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub created_ms: u64,
    pub fired_once: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalingActivity {
    pub id: String,
    pub resource_id: String,
    pub description: String,
    pub cause: String,
    pub status_code: String,
    pub status_message: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaunchTemplate {
    pub id: String,
    pub name: String,
    pub instance_type: String,
    pub iam_instance_profile: Option<String>,
    pub user_data: Option<String>,
    pub security_group_ids: Vec<String>,
    pub created_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsgInstance {
    pub instance_id: String,
    pub instance_type: String,
    pub subnet_id: String,
    pub availability_zone: String,
    pub protected: bool,
    pub launched_ms: u64,
    /// A Spot Instance rather than On-Demand.
    pub spot: bool,
}

/// An Auto Scaling group's `MixedInstancesPolicy`: the instance types it may launch (`Overrides`) and how it
/// splits On-Demand and Spot capacity (`InstancesDistribution`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MixedInstances {
    pub instance_types: Vec<String>,
    pub on_demand_base_capacity: u32,
    pub on_demand_percentage_above_base: u32,
    pub spot_allocation_strategy: String,
}

impl MixedInstances {
    /// Whether the group's instance number `index` (counting from 0, in launch order) is a Spot Instance: the
    /// first `OnDemandBaseCapacity` are On-Demand; above the base, On-Demand keeps its percentage of the
    /// capacity so far. [UNVERIFIED] How EC2 Auto Scaling rounds the percentage is not in the reference: the
    /// On-Demand share is rounded down here.
    pub fn is_spot(&self, index: u32) -> bool {
        if index < self.on_demand_base_capacity {
            return false;
        }
        let above = index - self.on_demand_base_capacity;
        let on_demand_before = above * self.on_demand_percentage_above_base / 100;
        let on_demand_after = (above + 1) * self.on_demand_percentage_above_base / 100;
        on_demand_after == on_demand_before
    }

    /// The instance type of a new instance: On-Demand takes the first override (the `prioritized` order);
    /// Spot spreads over the overrides, one pool after another. [UNVERIFIED] `capacity-optimized` picks the
    /// pools with the most spare capacity, which the playground does not model: it rotates through them.
    pub fn instance_type(&self, spot: bool, n_spot_so_far: u32) -> String {
        let n = self.instance_types.len().max(1);
        if spot {
            self.instance_types.get(n_spot_so_far as usize % n).cloned().unwrap_or_default()
        } else {
            self.instance_types.first().cloned().unwrap_or_default()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoScalingGroup {
    pub name: String,
    pub arn: String,
    pub launch_template_id: String,
    pub launch_template_name: String,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    pub subnets: Vec<String>,
    pub new_instances_protected: bool,
    pub instances: Table<String, AsgInstance>,
    pub created_ms: u64,
    /// The `MixedInstancesPolicy`, when the group has one.
    pub mixed: Option<MixedInstances>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedScaling {
    pub enabled: bool,
    pub target_capacity: u32,
    pub min_step: u32,
    pub max_step: u32,
    pub warmup_s: u32,
}

impl Default for ManagedScaling {
    fn default() -> Self {
        ManagedScaling { enabled: false, target_capacity: 100, min_step: 1, max_step: 10_000, warmup_s: 300 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapacityProvider {
    pub name: String,
    pub arn: String,
    pub asg_name: String,
    pub asg_arn: String,
    pub managed_scaling: ManagedScaling,
    pub managed_termination_protection: bool,
    /// Last CapacityProviderReservation (percent) and scaling bookkeeping.
    pub last_reservation: Option<u32>,
    pub low_minutes: u32,
    pub last_scale_out_ms: Option<u64>,
}

/// One provider of a strategy.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct StrategyItem {
    pub provider: String,
    pub base: u32,
    pub weight: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterProviders {
    pub providers: Vec<String>,
    pub default_strategy: Vec<StrategyItem>,
}

/// A task's resource needs, for the binpack estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TaskDemand {
    pub cpu_units: u32,
    pub memory_mib: u32,
    /// `awsvpc` tasks use one task ENI each.
    pub awsvpc: bool,
}

/// What the engine reports about one capacity provider's instances each minute.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderReport {
    pub provider: String,
    /// Container instances of the provider's ASG that are registered and ACTIVE:
    /// `(instance id, non-daemon tasks running or starting there)`.
    pub instances: Vec<(String, u32)>,
    /// Tasks waiting for this provider (PROVISIONING), for the binpack estimate.
    pub pending: Vec<TaskDemand>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AsgPolicyKind {
    Simple { adjustment_type: AdjustmentType, adjustment: i64, min_adjustment_magnitude: Option<i64>, cooldown_s: u64 },
    Step { config: StepConfig, warmup_s: u64 },
    TargetTracking { target_milli: i64, disable_scale_in: bool, alarm_high: String, alarm_low: String, warmup_s: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsgPolicy {
    pub name: String,
    pub arn: String,
    pub asg: String,
    pub kind: AsgPolicyKind,
    /// The request as given, echoed by DescribePolicies.
    pub raw: Value,
    /// Epoch ms of this policy's last change, and the desired capacity before it.
    pub last_action_ms: Option<u64>,
    pub base: u32,
}

/// One entry of DescribeScalingActivities.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsgActivity {
    pub id: String,
    pub asg: String,
    pub description: String,
    pub cause: String,
    pub details: String,
    pub at_ms: u64,
}
