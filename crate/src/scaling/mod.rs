//! Scaling: CloudWatch metrics and alarms, Application Auto Scaling for ECS services, EC2 capacity
//! (launch templates, Auto Scaling groups, capacity providers with managed scaling), Fargate Spot and
//! cost (issue 6). Sans-IO and deterministic: ordered maps, integer (thousandths) decisions, ids from a
//! counter, times given by the engine.
//!
//! Wiring (for the engine):
//! - route every call the call table gives scaling to [`ScalingState::handle`] (`None` for anything else);
//! - once per simulated minute call [`ScalingState::tick`] with a [`MinuteReport`] (metric samples,
//!   service desired/running counts, per capacity provider its instances and waiting tasks);
//! - after every `handle` and `tick`, drain [`ScalingState::take_actions`] and carry them out
//!   (set service desired counts, launch or terminate EC2 instances);
//! - read back alarms, metrics ([`ScalingState::metrics`]) and cluster strategies
//!   ([`ScalingState::cluster_strategy`], [`split_by_strategy`]).

mod alarms;
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

use crate::api::calls::{self, Handler};
use crate::api::texts::Ending;
use crate::api::{ApiError, ApiResult, Dialect, Request};

pub use alarms::{email_time, region_long_name, AlarmHistory, AlarmHistoryItem, AlarmNotice, HistoryItemType, ALARM_HISTORY_LIMIT, ALARM_NOTICE_LIMIT};
pub use appscaling::{
    apply_adjustment, find_step, parse_step, target_tracking_capacity, ALARM_HIGH_DATAPOINTS, ALARM_LOW_DATAPOINTS, ALARM_LOW_PERCENT_OF_TARGET,
    DEFAULT_COOLDOWN_S, ECS_DIMENSION,
};
use asgpolicy::is_asg_policy_call;
pub use capacity::{
    capacity_provider_reservation, instances_needed, parse_strategy, scale_in_step, scale_out_step, split_by_strategy, strategy_json, InstanceCapacity,
    FARGATE, FARGATE_SPOT, SCALE_IN_MINUTES,
};
pub use cost::{
    draw_spot_interruptions, fargate_cost, CAPACITY_TYPES, fargate_hourly, per_second_cost, CapacityType, CostLedger, CostLine, CostReport, SpotInterruption,
    SPOT_PERCENT_OF_ON_DEMAND, SPOT_STOPPED_REASON, SPOT_STOP_CODE, SPOT_WARNING_MS, SPOT_WARNING_STOP_CODE,
};
pub use metrics::{cw_time, Alarm, AlarmState, AlarmTransition, Comparison, MetricKey, MetricStore, MinuteStats, Sample, Statistic, TreatMissing, RETENTION_MINUTES};
pub use model::*;
pub use schedule::{Cron, Schedule};
pub use util::{milli_text, reason_time};

impl ScalingState {
    pub fn new() -> ScalingState {
        ScalingState::default()
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// Handles a call the call table routes to scaling; `None` for anything else.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &ScalingContext) -> Option<ApiResult> {
        let row = calls::find(call).filter(|row| row.handler == Handler::Scaling)?;
        if !input.is_object() {
            return Some(Err(ApiError::new("ValidationException", "The request input must be a JSON object.")));
        }
        // Each call is refused in its own service's dialect: the scaling calls span four services.
        let request = Request::new(input, Dialect::of(row.service));
        Some(if is_asg_policy_call(call) {
            self.asg_policy_handle(call, &request, ctx)
        } else if call.starts_with("application-autoscaling:") {
            self.aas_handle(call, &request, ctx)
        } else if call.starts_with("cloudwatch:") {
            self.cloudwatch_handle(call, &request, ctx)
        } else {
            self.capacity_handle(call, &request, ctx)
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
        for t in &transitions {
            self.record_transition(t, ctx);
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

    fn cloudwatch_handle(&mut self, call: &str, request: &Request, ctx: &ScalingContext) -> ApiResult {
        match call {
            "cloudwatch:PutMetricAlarm" => self.put_metric_alarm(request, ctx),
            "cloudwatch:SetAlarmState" => self.set_alarm_state(request, ctx),
            "cloudwatch:DescribeAlarmHistory" => self.describe_alarm_history(request),
            "cloudwatch:DescribeAlarms" => {
                let names = request.strings("AlarmNames");
                let prefix = request.str("AlarmNamePrefix").unwrap_or("");
                let state = request.str("StateValue");
                let list: Vec<Value> = self
                    .alarms
                    .values()
                    .filter(|a| (names.is_empty() || names.contains(&a.name)) && a.name.starts_with(prefix) && state.is_none_or(|s| s == a.state.as_aws()))
                    .map(Alarm::to_json)
                    .collect();
                Ok(json!({ "MetricAlarms": list, "CompositeAlarms": [] }))
            }
            "cloudwatch:DeleteAlarms" => {
                for n in request.strings("AlarmNames") {
                    self.alarms.remove(&n);
                }
                Ok(json!({}))
            }
            "cloudwatch:PutMetricData" => {
                let ns = request.required_text("Namespace", Ending::Clause)?.to_string();
                if ns.starts_with("AWS/") {
                    return Err(ApiError::new("InvalidParameterValue", format!("The value {ns} for parameter Namespace is invalid.")));
                }
                let minute = ctx.now_epoch_ms() / 60_000;
                for datum in request.items("MetricData").into_iter().flatten() {
                    let Some(name) = datum.str("MetricName") else { continue };
                    let Some(val) = datum.get("Value").and_then(util::milli_of) else { continue };
                    self.metrics.put(&MetricKey::from_request(&ns, name, &datum), minute, val);
                }
                Ok(json!({}))
            }
            "cloudwatch:GetMetricStatistics" => metrics::get_metric_statistics(&self.metrics, request),
            "cloudwatch:ListMetrics" => Ok(metrics::list_metrics(&self.metrics, request)),
            _ => Err(request.invalid(format!("Unknown call {call}"))),
        }
    }
}
