//! `ScalingView`: Service Auto Scaling, CloudWatch alarms, Auto Scaling groups and capacity providers as
//! the app shows them. Every list is bounded, so building it on each publish stays cheap.

use super::{Ec2State, Sim};
use crate::scaling::{AlarmState, Comparison, MetricKey, PolicyConfig, Statistic};
use crate::time::SimTime;

/// Scaling activities kept in the view, newest first.
pub const VIEW_ACTIVITIES: usize = 12;
/// Per-minute points of each chart series in the view (three hours).
pub const VIEW_SERIES_MINUTES: usize = 180;
/// Datapoints shown per alarm, at most (the evaluation range is N + 2 periods).
pub const VIEW_ALARM_DATAPOINTS: usize = 20;

/// The scaling part of the view. `scalable_targets`, `policies`, `scheduled_actions`, `alarms`,
/// `auto_scaling_groups` and `capacity_providers` hold what the scenario and the user's calls created
/// (bounded by [`crate::sim::MAX_RECORDED_CALLS`]); each of their series is bounded as stated on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScalingView {
    pub scalable_targets: Vec<ScalableTargetView>,
    pub policies: Vec<ScalingPolicyView>,
    pub scheduled_actions: Vec<ScheduledActionView>,
    pub alarms: Vec<AlarmView>,
    /// The newest [`VIEW_ACTIVITIES`] scaling activities, newest first.
    pub activities: Vec<ScalingActivityView>,
    pub auto_scaling_groups: Vec<AutoScalingGroupView>,
    pub capacity_providers: Vec<CapacityProviderView>,
}

/// A registered scalable target (`ecs:service:DesiredCount`) and its service's counts.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalableTargetView {
    /// `service/<cluster>/<service>`.
    pub resource_id: String,
    pub cluster: String,
    pub service: String,
    pub min_capacity: u32,
    pub max_capacity: u32,
    pub desired_count: u32,
    pub running_count: u32,
    /// Each minute's desired and running counts, oldest first (the scaling engine keeps the last
    /// [`VIEW_SERIES_MINUTES`]).
    pub history: Vec<CountSample>,
}

/// A scalable target's desired and running counts at one minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountSample {
    pub time: SimTime,
    pub desired_count: u32,
    pub running_count: u32,
}

/// One point of a per-minute metric series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeriesPoint {
    pub time: SimTime,
    pub value: f64,
}

/// A scaling policy's `PolicyType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalingPolicyType {
    TargetTracking,
    Step,
}

impl ScalingPolicyType {
    pub fn as_aws(self) -> &'static str {
        match self {
            ScalingPolicyType::TargetTracking => "TargetTrackingScaling",
            ScalingPolicyType::Step => "StepScaling",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScalingPolicyView {
    pub name: String,
    pub resource_id: String,
    pub policy_type: ScalingPolicyType,
    /// The predefined metric type, or `Namespace MetricName` of a customized metric.
    pub metric: String,
    /// Target tracking: the target value, cooldowns (s) and DisableScaleIn.
    pub target_value: Option<f64>,
    pub scale_out_cooldown_s: u64,
    pub scale_in_cooldown_s: u64,
    pub disable_scale_in: bool,
    /// Step scaling: the adjustment type, the steps described (`0 to 10: +1`, one per step of the
    /// policy) and the cooldown (s).
    pub adjustment_type: Option<String>,
    pub step_adjustments: Vec<String>,
    /// The alarms that run this policy (two for target tracking, the ones the user made for step scaling).
    pub alarm_names: Vec<String>,
    /// Target tracking: the metric's per-minute values, oldest first, the last [`VIEW_SERIES_MINUTES`] at
    /// most (for the chart against the target).
    pub metric_series: Vec<SeriesPoint>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduledActionView {
    pub name: String,
    pub resource_id: String,
    pub schedule: String,
    pub min_capacity: Option<u32>,
    pub max_capacity: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AlarmView {
    pub name: String,
    /// `Namespace MetricName`, and the dimension values.
    pub metric: String,
    pub dimensions: String,
    pub statistic: Statistic,
    pub threshold: f64,
    pub comparison: Comparison,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: u32,
    pub state: AlarmState,
    /// CloudWatch's StateReason of the last transition.
    pub state_reason: String,
    pub state_since: SimTime,
    /// The evaluation range as the alarm sees it now, oldest first: the last [`VIEW_ALARM_DATAPOINTS`] at most.
    pub datapoints: Vec<AlarmDatapointView>,
}

/// One period of an alarm's evaluation range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AlarmDatapointView {
    pub period_start: SimTime,
    /// The period's statistic, if the metric had data then.
    pub value: Option<f64>,
    /// Whether the value breaches the threshold.
    pub breaching: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalingActivityView {
    pub time: SimTime,
    pub resource_id: String,
    pub description: String,
    /// AWS's Cause text (`monitor alarm ... in state ALARM triggered policy ...`).
    pub cause: String,
    pub status_code: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoScalingGroupView {
    pub name: String,
    pub arn: String,
    pub launch_template: String,
    pub instance_type: String,
    pub min_size: u32,
    pub max_size: u32,
    pub desired_capacity: u32,
    pub new_instances_protected: bool,
    /// Its instances (at most its maximum size).
    pub instances: Vec<AsgInstanceView>,
}

/// An Auto Scaling group instance's `LifecycleState`, as the view derives it from the EC2 state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsgLifecycleState {
    Pending,
    InService,
    Terminating,
    Terminated,
}

impl AsgLifecycleState {
    pub fn as_aws(self) -> &'static str {
        match self {
            AsgLifecycleState::Pending => "Pending",
            AsgLifecycleState::InService => "InService",
            AsgLifecycleState::Terminating => "Terminating",
            AsgLifecycleState::Terminated => "Terminated",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsgInstanceView {
    pub instance_id: String,
    pub availability_zone: String,
    pub lifecycle_state: AsgLifecycleState,
    pub protected_from_scale_in: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CapacityProviderView {
    pub name: String,
    pub auto_scaling_group: String,
    /// The cluster it is associated with, and its item in that cluster's default strategy.
    pub cluster: Option<String>,
    pub strategy: Option<ProviderStrategyView>,
    pub managed_scaling: bool,
    pub target_capacity: u32,
    pub minimum_scaling_step_size: u32,
    pub maximum_scaling_step_size: u32,
    pub instance_warmup_period_s: u32,
    pub managed_termination_protection: bool,
    /// The last CapacityProviderReservation (percent).
    pub reservation: Option<u32>,
    /// Its per-minute values, oldest first, the last [`VIEW_SERIES_MINUTES`] at most.
    pub reservation_series: Vec<SeriesPoint>,
}

/// A capacity provider's item in a cluster's default capacity provider strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProviderStrategyView {
    pub base: u32,
    pub weight: u32,
}

impl Sim {
    /// The scaling part of the view. `counts` gives an ACTIVE service's desired and running counts (as the
    /// view shows them) by cluster and service name.
    pub(crate) fn scaling_view(&self, counts: impl Fn(&str, &str) -> Option<(u32, u32)>) -> ScalingView {
        let sc = &self.scaling;
        let start = self.scenario.start_epoch_ms;
        let sim_time = |epoch_ms: u64| SimTime(epoch_ms.saturating_sub(start));
        let minute_time = |minute: u64| sim_time(minute * 60_000);
        let series = |key: &MetricKey, stat: Statistic| -> Vec<SeriesPoint> {
            sc.metrics.recent(key, VIEW_SERIES_MINUTES, stat).into_iter().map(|(m, v)| SeriesPoint { time: minute_time(m), value: v as f64 / 1000.0 }).collect()
        };
        let now_minute = (start + self.now.0) / 60_000;
        let scalable_targets = sc
            .targets
            .values()
            .map(|t| {
                let s = counts(&t.cluster, &t.service);
                ScalableTargetView {
                    resource_id: t.resource_id.clone(),
                    cluster: t.cluster.clone(),
                    service: t.service.clone(),
                    min_capacity: t.min,
                    max_capacity: t.max,
                    desired_count: s.map_or(0, |(desired_count, _)| desired_count),
                    running_count: s.map_or(0, |(_, running_count)| running_count),
                    history: sc
                        .history
                        .get(&t.resource_id)
                        .map(|h| h.iter().map(|&(ms, desired_count, running_count)| CountSample { time: SimTime(ms), desired_count, running_count }).collect())
                        .unwrap_or_default(),
                }
            })
            .collect();
        let policies = sc
            .policies
            .values()
            .map(|p| {
                let mut v = ScalingPolicyView {
                    name: p.name.clone(),
                    resource_id: p.resource_id.clone(),
                    policy_type: ScalingPolicyType::TargetTracking,
                    metric: String::new(),
                    target_value: None,
                    scale_out_cooldown_s: 0,
                    scale_in_cooldown_s: 0,
                    disable_scale_in: false,
                    adjustment_type: None,
                    step_adjustments: Vec::new(),
                    alarm_names: sc.alarms.values().filter(|a| a.alarm_actions.contains(&p.arn)).map(|a| a.name.clone()).collect(),
                    metric_series: Vec::new(),
                };
                match &p.config {
                    PolicyConfig::TargetTracking(tt) => {
                        v.policy_type = ScalingPolicyType::TargetTracking;
                        v.metric = p.raw_config.pointer("/PredefinedMetricSpecification/PredefinedMetricType").and_then(|m| m.as_str()).map_or_else(|| format!("{} {}", tt.metric.namespace, tt.metric.name), str::to_string);
                        v.target_value = Some(tt.target_milli as f64 / 1000.0);
                        v.scale_out_cooldown_s = tt.scale_out_cooldown_s;
                        v.scale_in_cooldown_s = tt.scale_in_cooldown_s;
                        v.disable_scale_in = tt.disable_scale_in;
                        v.metric_series = series(&tt.metric, tt.statistic);
                    }
                    PolicyConfig::Step(st) => {
                        v.policy_type = ScalingPolicyType::Step;
                        v.metric = v.alarm_names.first().and_then(|n| sc.alarms.get(n)).map(|a| format!("{} {}", a.metric.namespace, a.metric.name)).unwrap_or_default();
                        v.scale_out_cooldown_s = st.cooldown_s;
                        v.scale_in_cooldown_s = st.cooldown_s;
                        v.adjustment_type = p.raw_config.get("AdjustmentType").and_then(|a| a.as_str()).map(str::to_string);
                        v.step_adjustments = st.steps.iter().map(describe_step).collect();
                    }
                }
                v
            })
            .collect();
        let scheduled_actions = sc
            .scheduled
            .values()
            .map(|a| ScheduledActionView { name: a.name.clone(), resource_id: a.resource_id.clone(), schedule: a.schedule_text.clone(), min_capacity: a.min, max_capacity: a.max })
            .collect();
        let alarms = sc
            .alarms
            .values()
            .map(|a| {
                let mut datapoints: Vec<AlarmDatapointView> = a
                    .evaluation_range(&sc.metrics, now_minute)
                    .into_iter()
                    .map(|(t, v)| AlarmDatapointView {
                        period_start: sim_time(t),
                        value: v.map(|v| v as f64 / 1000.0),
                        breaching: v.is_some_and(|v| a.comparison.breaches(v, a.threshold_milli)),
                    })
                    .collect();
                datapoints.drain(..datapoints.len().saturating_sub(VIEW_ALARM_DATAPOINTS));
                AlarmView {
                    name: a.name.clone(),
                    metric: format!("{} {}", a.metric.namespace, a.metric.name),
                    dimensions: a.metric.dimensions.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "),
                    statistic: a.statistic,
                    threshold: a.threshold_milli as f64 / 1000.0,
                    comparison: a.comparison,
                    evaluation_periods: a.evaluation_periods,
                    datapoints_to_alarm: a.datapoints_to_alarm,
                    state: a.state,
                    state_reason: a.state_reason.clone(),
                    state_since: sim_time(a.state_updated_ms),
                    datapoints,
                }
            })
            .collect();
        let activities = sc
            .activities
            .iter()
            .rev()
            .take(VIEW_ACTIVITIES)
            .map(|a| ScalingActivityView { time: sim_time(a.start_ms), resource_id: a.resource_id.clone(), description: a.description.clone(), cause: a.cause.clone(), status_code: a.status_code.clone() })
            .collect();
        // EC2 states by instance id, in one pass (not one scan of every instance per group member).
        let ec2_states: crate::table::Table<&str, Ec2State> = if sc.asgs.is_empty() {
            Default::default()
        } else {
            crate::table::Table::from_unsorted(self.ec2.values().map(|e| (e.instance_id.as_str(), e.state)).collect())
        };
        let auto_scaling_groups = sc
            .asgs
            .values()
            .map(|g| AutoScalingGroupView {
                name: g.name.clone(),
                arn: g.arn.clone(),
                launch_template: g.launch_template_name.clone(),
                instance_type: sc.launch_templates.get(&g.launch_template_id).map(|l| l.instance_type.clone()).unwrap_or_default(),
                min_size: g.min,
                max_size: g.max,
                desired_capacity: g.desired,
                new_instances_protected: g.new_instances_protected,
                instances: g
                    .instances
                    .values()
                    .map(|i| {
                        let state = ec2_states.get(i.instance_id.as_str()).copied();
                        AsgInstanceView {
                            instance_id: i.instance_id.clone(),
                            availability_zone: i.availability_zone.clone(),
                            lifecycle_state: match state {
                                Some(Ec2State::Running) => AsgLifecycleState::InService,
                                Some(Ec2State::ShuttingDown) => AsgLifecycleState::Terminating,
                                Some(Ec2State::Terminated) => AsgLifecycleState::Terminated,
                                _ => AsgLifecycleState::Pending,
                            },
                            protected_from_scale_in: i.protected,
                        }
                    })
                    .collect(),
            })
            .collect();
        let capacity_providers = sc
            .capacity_providers
            .values()
            .map(|cp| {
                let association = sc.cluster_providers.iter().find(|(_, c)| c.providers.contains(&cp.name));
                let cluster = association.map(|(c, _)| c.clone());
                let ms = &cp.managed_scaling;
                let key = MetricKey::new("AWS/ECS/ManagedScaling", "CapacityProviderReservation", &[("CapacityProviderName", &cp.name), ("ClusterName", cluster.as_deref().unwrap_or(""))]);
                CapacityProviderView {
                    name: cp.name.clone(),
                    auto_scaling_group: cp.asg_name.clone(),
                    strategy: association.and_then(|(_, c)| c.default_strategy.iter().find(|s| s.provider == cp.name)).map(|s| ProviderStrategyView { base: s.base, weight: s.weight }),
                    cluster,
                    managed_scaling: ms.enabled,
                    target_capacity: ms.target_capacity,
                    minimum_scaling_step_size: ms.min_step,
                    maximum_scaling_step_size: ms.max_step,
                    instance_warmup_period_s: ms.warmup_s,
                    managed_termination_protection: cp.managed_termination_protection,
                    reservation: cp.last_reservation,
                    reservation_series: series(&key, Statistic::Average),
                }
            })
            .collect();
        ScalingView { scalable_targets, policies, scheduled_actions, alarms, activities, auto_scaling_groups, capacity_providers }
    }
}

/// A step adjustment as a learner reads it: the metric's distance from the alarm threshold, and the
/// change (`0 to 10 above: +1`, `10 and more above: +2`).
fn describe_step(s: &crate::scaling::StepAdjustment) -> String {
    let text = |m: i64| crate::scaling::milli_text(m);
    let range = match (s.lower, s.upper) {
        (Some(l), Some(u)) => format!("{} to {}", text(l), text(u)),
        (Some(l), None) => format!("{} and above", text(l)),
        (None, Some(u)) => format!("below {}", text(u)),
        (None, None) => "any value".to_string(),
    };
    let sign = if s.adjustment > 0 { "+" } else { "" };
    format!("{range}: {sign}{}", s.adjustment)
}

#[cfg(test)]
mod tests {
    use crate::scenario::builtin_scenario;
    use crate::sim::{LaunchType, Sim, TaskStatus};
    use crate::time::SimTime;

    fn sim_at(id: &str, ms: u64) -> Sim {
        let mut sim = Sim::new(&builtin_scenario(id).expect("built-in"), None);
        while !sim.advance_to(SimTime(ms), 100_000).reached {}
        sim
    }

    #[test]
    fn a_task_waits_for_capacity_only_while_provisioning_without_an_instance_on_ec2() {
        // At 3m the worker service's 4 tasks run on the group's 2 instances.
        let mut sim = sim_at("managed-scaling-growth", 180_000);
        let key = sim.tasks.keys().next().expect("a task");
        let waiting = |sim: &Sim| sim.view().tasks.iter().find(|t| t.id == sim.tasks[&key].id).map(|t| t.waiting_for_capacity);
        assert_eq!(waiting(&sim), Some(false), "a RUNNING task on an instance");
        let task = sim.tasks.get_mut(&key).expect("task");
        task.last_status = TaskStatus::Provisioning;
        let node = task.node.take();
        assert_eq!(waiting(&sim), Some(true), "PROVISIONING with no container instance");
        sim.tasks.get_mut(&key).expect("task").node = node;
        assert_eq!(waiting(&sim), Some(false), "PROVISIONING on an instance");
        let task = sim.tasks.get_mut(&key).expect("task");
        task.node = None;
        task.launch_type = LaunchType::Fargate;
        assert_eq!(waiting(&sim), Some(false), "a Fargate task never waits for EC2 capacity");
    }
}
