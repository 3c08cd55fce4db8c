//! Scaling: CloudWatch metrics and alarms, Application Auto Scaling for ECS services, EC2 capacity
//! (launch templates, Auto Scaling groups, capacity providers with managed scaling), Fargate Spot and
//! cost (issue 6). Sans-IO and deterministic: ordered maps, integer (thousandths) decisions, ids from a
//! counter, times given by the engine.
//!
//! Wiring (for the engine):
//! - route every call in [`SCALING_CALLS`] to [`ScalingState::handle`] (`None` for anything else);
//! - once per simulated minute call [`ScalingState::tick`] with a [`MinuteReport`] (metric samples,
//!   service desired/running counts, per capacity provider its instances and waiting tasks);
//! - after every `handle` and `tick`, drain [`ScalingState::take_actions`] and carry them out
//!   (set service desired counts, launch or terminate EC2 instances);
//! - read back alarms, metrics ([`ScalingState::metrics`]) and cluster strategies
//!   ([`ScalingState::cluster_strategy`], [`split_by_strategy`]).

mod appscaling;
mod asgpolicy;
mod capacity;
mod cost;
mod metrics;
mod model;
mod schedule;
mod util;

#[cfg(test)]
mod tests;

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult};

pub use appscaling::{
    apply_adjustment, find_step, parse_step, target_tracking_capacity, ALARM_HIGH_DATAPOINTS, ALARM_LOW_DATAPOINTS, ALARM_LOW_PERCENT_OF_TARGET,
    DEFAULT_COOLDOWN_S, ECS_DIMENSION,
};
pub use asgpolicy::ASG_POLICY_CALLS;
pub use capacity::{
    capacity_provider_reservation, instances_needed, parse_strategy, scale_in_step, scale_out_step, split_by_strategy, strategy_json, InstanceCapacity,
    FARGATE, FARGATE_SPOT, SCALE_IN_MINUTES,
};
pub use cost::{
    draw_spot_interruptions, fargate_cost, CAPACITY_TYPES, fargate_hourly, per_second_cost, CapacityType, CostLedger, CostLine, CostReport, SpotInterruption,
    SPOT_PERCENT_OF_ON_DEMAND, SPOT_STOPPED_REASON, SPOT_STOP_CODE, SPOT_WARNING_MS, SPOT_WARNING_STOP_CODE,
};
pub use metrics::{Alarm, AlarmState, AlarmTransition, Comparison, MetricKey, MetricStore, MinuteStats, Sample, Statistic, TreatMissing, RETENTION_MINUTES};
pub use model::*;
pub use schedule::{Cron, Schedule};
pub use util::{milli_text, reason_time};

/// Every call [`ScalingState::handle`] understands.
pub const SCALING_CALLS: &[&str] = &[
    "application-autoscaling:RegisterScalableTarget",
    "application-autoscaling:DeregisterScalableTarget",
    "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:PutScalingPolicy",
    "application-autoscaling:DescribeScalingPolicies",
    "application-autoscaling:DeleteScalingPolicy",
    "application-autoscaling:PutScheduledAction",
    "application-autoscaling:DescribeScheduledActions",
    "application-autoscaling:DeleteScheduledAction",
    "application-autoscaling:DescribeScalingActivities",
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:PutMetricData",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListMetrics",
    "ec2:CreateLaunchTemplate",
    "autoscaling:CreateAutoScalingGroup",
    "autoscaling:SetDesiredCapacity",
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:SetInstanceProtection",
    "autoscaling:PutScalingPolicy",
    "autoscaling:DescribePolicies",
    "autoscaling:DeletePolicy",
    "autoscaling:DescribeScalingActivities",
    "ecs:CreateCapacityProvider",
    "ecs:PutClusterCapacityProviders",
    "ecs:DescribeCapacityProviders",
];

impl ScalingState {
    pub fn new() -> ScalingState {
        ScalingState::default()
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// Handles a call of [`SCALING_CALLS`]; `None` for anything else.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &ScalingContext) -> Option<ApiResult> {
        if !SCALING_CALLS.contains(&call) {
            return None;
        }
        if !input.is_object() {
            return Some(Err(ApiError::new("ValidationException", "The request input must be a JSON object.")));
        }
        Some(if ASG_POLICY_CALLS.contains(&call) {
            self.asg_policy_handle(call, input, ctx)
        } else if call.starts_with("application-autoscaling:") {
            self.aas_handle(call, input, ctx)
        } else if call.starts_with("cloudwatch:") {
            self.cloudwatch_handle(call, input, ctx)
        } else {
            self.capacity_handle(call, input, ctx)
        })
    }

    /// Actions queued for the engine since the last call, in order.
    pub fn take_actions(&mut self) -> Vec<ScalingAction> {
        std::mem::take(&mut self.actions)
    }

    /// The cluster's capacity providers and default strategy (empty when none were put).
    pub fn cluster_strategy(&self, cluster: &str) -> Option<&ClusterProviders> {
        self.cluster_providers.get(cluster)
    }

    /// One simulated minute: ingest samples, run scheduled actions, evaluate alarms, run scaling
    /// policies, then managed scaling of each capacity provider. `ctx.now_ms` is the minute's end.
    pub fn tick(&mut self, report: &MinuteReport, ctx: &ScalingContext) -> TickOutput {
        let now_minute = ctx.now_epoch_ms() / 60_000;
        self.metrics.put_minute(&report.samples, now_minute);
        let mut services = ctx.services.clone();
        self.run_scheduled(now_minute, &mut services);
        let mut transitions = Vec::new();
        let names: Vec<String> = self.alarms.keys().cloned().collect();
        for n in names {
            let metrics = &self.metrics;
            if let Some(a) = self.alarms.get_mut(&n) {
                if let Some(t) = a.evaluate(metrics, now_minute) {
                    transitions.push(t);
                }
            }
        }
        self.run_policies(now_minute, &mut services);
        for rid in self.targets.keys() {
            if let Some(st) = services.get(rid) {
                let h = self.history.get_or_default(rid.clone());
                h.push_back((ctx.now_ms, st.desired, st.running));
                if h.len() > HISTORY_MINUTES {
                    h.pop_front();
                }
            }
        }
        self.run_asg_policies(now_minute, ctx);
        for p in &report.providers {
            self.run_managed_scaling(p, ctx, now_minute);
        }
        TickOutput { alarm_transitions: transitions }
    }

    fn cloudwatch_handle(&mut self, call: &str, input: &Value, ctx: &ScalingContext) -> ApiResult {
        let v = |m: String| ApiError::new("ValidationError", m);
        match call {
            "cloudwatch:PutMetricAlarm" => {
                let name = util::req_str(input, "AlarmName", v)?.to_string();
                let ns = util::req_str(input, "Namespace", v)?;
                let mn = util::req_str(input, "MetricName", v)?;
                let st = util::req_str(input, "Statistic", v)?;
                let stat = Statistic::parse(st).ok_or_else(|| v(format!("Invalid Statistic {st}")))?;
                let period = util::opt_int(input, "Period", 60, 86_400 * 7, v)?.ok_or_else(|| v("Period is required".into()))? as u64;
                if !period.is_multiple_of(60) {
                    return Err(v("The playground models periods that are multiples of 60 seconds".into()));
                }
                let n = util::opt_int(input, "EvaluationPeriods", 1, 1440, v)?.ok_or_else(|| v("EvaluationPeriods is required".into()))? as u32;
                let m = util::opt_int(input, "DatapointsToAlarm", 1, 1440, v)?.unwrap_or(n as i64) as u32;
                if m > n {
                    return Err(v("DatapointsToAlarm must be less than or equal to EvaluationPeriods".into()));
                }
                let thr = input.get("Threshold").and_then(util::milli_of).ok_or_else(|| v("Threshold is required".into()))?;
                let op = util::req_str(input, "ComparisonOperator", v)?;
                let cmp = Comparison::parse(op).ok_or_else(|| v(format!("Invalid ComparisonOperator {op}")))?;
                let tmd = util::opt_str(input, "TreatMissingData").unwrap_or("missing");
                let treat = TreatMissing::parse(tmd).ok_or_else(|| v(format!("Invalid TreatMissingData {tmd}")))?;
                let dimensions = input.get("Dimensions");
                let arn = self.alarm_arn(ctx, &name);
                let mut alarm = Alarm::new(&name, arn, MetricKey::from_request(ns, mn, dimensions), stat, period, n, m, thr, cmp, ctx.now_epoch_ms());
                alarm.treat_missing = treat;
                alarm.description = util::opt_str(input, "AlarmDescription").unwrap_or("").to_string();
                alarm.alarm_actions = util::str_list(input, "AlarmActions");
                alarm.ok_actions = util::str_list(input, "OKActions");
                alarm.unit = util::opt_str(input, "Unit").map(str::to_string);
                self.alarms.insert(name, alarm);
                Ok(json!({}))
            }
            "cloudwatch:DescribeAlarms" => {
                let names = util::str_list(input, "AlarmNames");
                let prefix = util::opt_str(input, "AlarmNamePrefix").unwrap_or("");
                let state = util::opt_str(input, "StateValue");
                let list: Vec<Value> = self
                    .alarms
                    .values()
                    .filter(|a| (names.is_empty() || names.contains(&a.name)) && a.name.starts_with(prefix) && state.is_none_or(|s| s == a.state.as_aws()))
                    .map(Alarm::to_json)
                    .collect();
                Ok(json!({ "MetricAlarms": list, "CompositeAlarms": [] }))
            }
            "cloudwatch:DeleteAlarms" => {
                for n in util::str_list(input, "AlarmNames") {
                    self.alarms.remove(&n);
                }
                Ok(json!({}))
            }
            "cloudwatch:PutMetricData" => {
                let ns = util::req_str(input, "Namespace", v)?.to_string();
                if ns.starts_with("AWS/") {
                    return Err(ApiError::new("InvalidParameterValue", format!("The value {ns} for parameter Namespace is invalid.")));
                }
                let minute = ctx.now_epoch_ms() / 60_000;
                for d in input.get("MetricData").and_then(Value::as_array).into_iter().flatten() {
                    let Some(name) = d.get("MetricName").and_then(Value::as_str) else { continue };
                    let Some(val) = d.get("Value").and_then(util::milli_of) else { continue };
                    let dims: Vec<(String, String)> = d
                        .get("Dimensions")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(|x| Some((x.get("Name")?.as_str()?.to_string(), x.get("Value")?.as_str()?.to_string()))).collect())
                        .unwrap_or_default();
                    let refs: Vec<(&str, &str)> = dims.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                    self.metrics.put(&MetricKey::new(&ns, name, &refs), minute, val);
                }
                Ok(json!({}))
            }
            "cloudwatch:GetMetricStatistics" => metrics::get_metric_statistics(&self.metrics, input),
            "cloudwatch:ListMetrics" => Ok(metrics::list_metrics(&self.metrics, input)),
            _ => Err(v(format!("Unknown call {call}"))),
        }
    }
}
