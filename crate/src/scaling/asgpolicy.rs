//! EC2 Auto Scaling policies on an Auto Scaling group, the classic (pre capacity provider) way to grow a
//! cluster: simple, step and target tracking scaling driven by CloudWatch alarms, typically on the
//! cluster's `AWS/ECS` `CPUReservation` or `MemoryReservation`; and the group's scaling activities with the
//! causes AWS writes.
//!
//! Simple scaling applies its adjustment once, then waits for its `Cooldown` (the group's 300 s default).
//! Step scaling looks the alarm's aggregated metric up in its steps; while instances it launched warm up
//! (`EstimatedInstanceWarmup`, default 300 s) a new step counts from the capacity before them, and it does
//! not scale in. Target tracking owns two alarms like Application Auto Scaling's (AlarmHigh 3 of 3 one-minute
//! datapoints above the target, AlarmLow 15 of 15 below 90 % of it) and sets `ceil(desired × metric / target)`.

use serde_json::{json, Value};

use super::appscaling::{
    apply_adjustment, find_step, parse_step, target_tracking_capacity, ALARM_HIGH_DATAPOINTS, ALARM_LOW_DATAPOINTS, ALARM_LOW_PERCENT_OF_TARGET, DEFAULT_COOLDOWN_S,
    UPPER_BOUND_NEEDED,
};
use super::metrics::{Alarm, AlarmState, Comparison, MetricKey, Statistic};
use super::model::*;
use super::util::{iso, milli_of, uuid_like};
use crate::api::texts::{self, Ending};
use crate::api::{ApiError, ApiResult, Request};

/// The calls of this module.
/// Whether `call` is one of the EC2 Auto Scaling policy calls this module answers.
pub(crate) fn is_asg_policy_call(call: &str) -> bool {
    matches!(call, "autoscaling:PutScalingPolicy" | "autoscaling:DescribePolicies" | "autoscaling:DeletePolicy" | "autoscaling:DescribeScalingActivities")
}

/// Activities kept per account (AWS keeps six weeks; the playground the newest 1,000).
const MAX_ACTIVITIES: usize = 1000;

/// An ISO time to the second, as Auto Scaling writes it in causes (`2026-01-05T09:03:00Z`).
pub(crate) fn cause_time(epoch_ms: u64) -> String {
    let t = iso(epoch_ms);
    match t.find('.') {
        Some(dot) => format!("{}Z", &t[..dot]),
        None => t,
    }
}

impl ScalingState {
    pub(crate) fn asg_policy_handle(&mut self, call: &str, request: &Request, ctx: &ScalingContext) -> ApiResult {
        match call {
            "autoscaling:PutScalingPolicy" => self.put_asg_policy(request, ctx),
            "autoscaling:DescribePolicies" => {
                let asg = request.str("AutoScalingGroupName");
                let names = request.strings("PolicyNames");
                let types = request.strings("PolicyTypes");
                let list: Vec<Value> = self
                    .asg_policies
                    .values()
                    .filter(|p| asg.is_none_or(|a| a == p.asg) && (names.is_empty() || names.contains(&p.name) || names.contains(&p.arn)))
                    .filter(|p| types.is_empty() || types.iter().any(|t| p.raw["PolicyType"] == json!(t)))
                    .map(|p| self.asg_policy_json(p))
                    .collect();
                Ok(json!({ "ScalingPolicies": list }))
            }
            "autoscaling:DeletePolicy" => {
                let policy = request.str("PolicyName").ok_or_else(|| request.invalid(texts::is_required("PolicyName", Ending::Clause)))?;
                let asg = request.str("AutoScalingGroupName").unwrap_or("");
                let key = self.asg_policies.iter().find(|(_, p)| p.arn == policy || (p.name == policy && p.asg == asg)).map(|(k, _)| k.clone());
                let removed = key.and_then(|k| self.asg_policies.remove(&k)).ok_or_else(|| request.invalid(format!("The scaling policy {policy} does not exist for Auto Scaling group {asg}.")))?;
                if let AsgPolicyKind::TargetTracking { alarm_high, alarm_low, .. } = &removed.kind {
                    self.alarms.remove(alarm_high);
                    self.alarms.remove(alarm_low);
                }
                Ok(json!({}))
            }
            _ => {
                let asg = request.str("AutoScalingGroupName");
                let max = request.int_in_range("MaxRecords", 1, 100)?.unwrap_or(100) as usize;
                let skip: usize = request.str("NextToken").and_then(|t| t.parse().ok()).unwrap_or(0);
                let all: Vec<&AsgActivity> = self.asg_activities.iter().rev().filter(|a| asg.is_none_or(|g| g == a.asg)).collect();
                let page: Vec<Value> = all
                    .iter()
                    .skip(skip)
                    .take(max)
                    .map(|a| {
                        let group_arn = self.asgs.get(&a.asg).map(|g| g.arn.clone()).unwrap_or_default();
                        json!({ "ActivityId": a.id, "AutoScalingGroupName": a.asg, "AutoScalingGroupARN": group_arn, "Description": a.description,
                            "Cause": a.cause, "StartTime": iso(a.at_ms), "EndTime": iso(a.at_ms), "StatusCode": "Successful", "Progress": 100, "Details": a.details })
                    })
                    .collect();
                let mut out = json!({ "Activities": page });
                if skip + max < all.len() {
                    out["NextToken"] = json!((skip + max).to_string());
                }
                Ok(out)
            }
        }
    }

    fn asg_policy_json(&self, p: &AsgPolicy) -> Value {
        let mut v = p.raw.clone();
        v["PolicyARN"] = json!(p.arn);
        let alarms: Vec<Value> = self.alarms.values().filter(|a| a.alarm_actions.contains(&p.arn)).map(|a| json!({ "AlarmName": a.name, "AlarmARN": a.arn })).collect();
        v["Alarms"] = json!(alarms);
        v["Enabled"] = json!(true);
        v
    }

    fn put_asg_policy(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let asg = request.required_member("AutoScalingGroupName")?;
        let name = request.required_member("PolicyName")?;
        if !self.asgs.contains_key(asg) {
            return Err(request.invalid(format!("AutoScalingGroup name not found - AutoScalingGroup '{asg}' not found")));
        }
        let policy_type = request.str("PolicyType").unwrap_or("SimpleScaling");
        let key = (asg.to_string(), name.to_string());
        let arn = match self.asg_policies.get(&key) {
            Some(p) => p.arn.clone(),
            None => {
                let counter = self.next();
                format!("arn:aws:autoscaling:{}:{}:scalingPolicy:{}:autoScalingGroupName/{asg}:policyName/{name}", ctx.region, ctx.account_id, uuid_like("asgpolicy", counter))
            }
        };
        let warmup_s = request.int_in_range("EstimatedInstanceWarmup", 0, 31_536_000)?.map(|v| v as u64).unwrap_or(DEFAULT_COOLDOWN_S);
        // The ValidationError texts below follow AWS's messages where known; the exact wording of each is [UNVERIFIED].
        let kind = match policy_type {
            "SimpleScaling" => {
                let at = request.str("AdjustmentType").ok_or_else(|| request.invalid("AdjustmentType is required for policy type SimpleScaling"))?;
                let adjustment_type =
                    AdjustmentType::parse(at).ok_or_else(|| request.invalid(format!("Invalid adjustment type {at}: use ChangeInCapacity, ExactCapacity or PercentChangeInCapacity")))?;
                // text: AWS's answer quoted in Netflix/asgard#704
                let adjustment = request.get("ScalingAdjustment").and_then(Value::as_i64).ok_or_else(|| request.invalid("Scaling increment must be specified for a SimpleScaling policy"))?;
                if adjustment_type == AdjustmentType::ExactCapacity && adjustment < 0 {
                    return Err(request.invalid("ScalingAdjustment must be 0 or more for ExactCapacity"));
                }
                let min_adjustment_magnitude = request.int_in_range("MinAdjustmentMagnitude", 1, i32::MAX as i64)?;
                if min_adjustment_magnitude.is_some() && adjustment_type != AdjustmentType::PercentChangeInCapacity {
                    return Err(request.invalid("MinAdjustmentMagnitude is only valid with the PercentChangeInCapacity adjustment type"));
                }
                let cooldown_s = request.int_in_range("Cooldown", 0, 31_536_000)?.map(|v| v as u64).unwrap_or(DEFAULT_COOLDOWN_S);
                AsgPolicyKind::Simple { adjustment_type, adjustment, min_adjustment_magnitude, cooldown_s }
            }
            "StepScaling" => {
                if request.contains("Cooldown") {
                    return Err(request.invalid("Cooldown is only supported for policy type SimpleScaling"));
                }
                let config = parse_step(request).map_err(|e| {
                    // EC2 Auto Scaling words this rule its own way (AWS's answer quoted in hashicorp/terraform-provider-aws#9077).
                    if e.message == UPPER_BOUND_NEEDED {
                        request.invalid("There must be a StepAdjustment with an unspecified upper bound (i.e., upper bound is null) when one StepAdjustment has a positive upper bound")
                    } else {
                        e
                    }
                })?;
                AsgPolicyKind::Step { config, warmup_s }
            }
            "TargetTrackingScaling" => self.asg_target_tracking(request, asg, &arn, ctx, warmup_s)?,
            other => return Err(request.invalid(format!("Unsupported policy type {other}: the playground models SimpleScaling, StepScaling and TargetTrackingScaling"))),
        };
        let mut raw = request.input().clone();
        raw["PolicyType"] = json!(policy_type);
        if let Some(old) = self.asg_policies.get(&key) {
            if let AsgPolicyKind::TargetTracking { alarm_high, alarm_low, .. } = &old.kind {
                let (h, l) = (alarm_high.clone(), alarm_low.clone());
                self.alarms.remove(&h);
                self.alarms.remove(&l);
            }
        }
        let alarms: Vec<Value> = match &kind {
            AsgPolicyKind::TargetTracking { alarm_high, alarm_low, .. } => {
                [alarm_high, alarm_low].iter().filter_map(|n| self.alarms.get(*n)).map(|a| json!({ "AlarmName": a.name, "AlarmARN": a.arn })).collect()
            }
            _ => vec![],
        };
        self.asg_policies.insert(key, AsgPolicy { name: name.to_string(), arn: arn.clone(), asg: asg.to_string(), kind, raw, last_action_ms: None, base: 0 });
        Ok(json!({ "PolicyARN": arn, "Alarms": alarms }))
    }

    fn asg_target_tracking(&mut self, request: &Request, asg: &str, arn: &str, ctx: &ScalingContext, warmup_s: u64) -> Result<AsgPolicyKind, ApiError> {
        let cfg = request
            .object("TargetTrackingConfiguration")
            .ok_or_else(|| request.invalid("TargetTrackingConfiguration is required for policy type TargetTrackingScaling"))?;
        let target_milli = cfg.get("TargetValue").and_then(milli_of).ok_or_else(|| cfg.invalid(texts::is_required("TargetValue", Ending::Clause)))?;
        if target_milli <= 0 {
            return Err(cfg.invalid("TargetValue must be greater than 0"));
        }
        if cfg.contains("PredefinedMetricSpecification") {
            let ty = cfg.member("PredefinedMetricSpecification").str("PredefinedMetricType").unwrap_or("");
            return Err(cfg.invalid(format!(
                "The playground does not simulate the EC2 instance metric behind {ty}: use a CustomizedMetricSpecification on AWS/ECS CPUReservation or MemoryReservation (ClusterName)"
            )));
        }
        let c = cfg
            .object("CustomizedMetricSpecification")
            .ok_or_else(|| cfg.invalid("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified"))?;
        let (ns, mn, st) = (c.str("Namespace").unwrap_or(""), c.str("MetricName").unwrap_or(""), c.str("Statistic").unwrap_or(""));
        if ns.is_empty() || mn.is_empty() {
            return Err(c.invalid("CustomizedMetricSpecification needs Namespace and MetricName"));
        }
        let statistic = Statistic::parse(st).ok_or_else(|| c.invalid(format!("Invalid Statistic '{st}' in CustomizedMetricSpecification")))?;
        let key = MetricKey::from_request(ns, mn, &c);
        let counter = self.next();
        let (high, low) = (format!("TargetTracking-{asg}-AlarmHigh-{}", uuid_like("asg-tt-high", counter)), format!("TargetTracking-{asg}-AlarmLow-{}", uuid_like("asg-tt-low", counter)));
        let now = ctx.now_epoch_ms();
        let low_milli = target_milli * ALARM_LOW_PERCENT_OF_TARGET / 100;
        for (name, n, threshold, cmp) in [(&high, ALARM_HIGH_DATAPOINTS, target_milli, Comparison::GreaterThanThreshold), (&low, ALARM_LOW_DATAPOINTS, low_milli, Comparison::LessThanThreshold)] {
            let mut alarm = Alarm::new(name, self.alarm_arn(ctx, name), key.clone(), statistic, 60, n, n, threshold, cmp, now);
            alarm.alarm_actions = vec![arn.to_string()];
            alarm.description = format!("DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {arn}.");
            self.alarms.insert(name.clone(), alarm);
        }
        Ok(AsgPolicyKind::TargetTracking { target_milli, disable_scale_in: cfg.bool("DisableScaleIn").unwrap_or(false), alarm_high: high, alarm_low: low, warmup_s })
    }

    /// Runs every group's policies against the alarm states at `minute` (after the alarms were evaluated).
    /// Auto Scaling actions repeat while their alarm stays in ALARM (reference §10.4).
    pub(crate) fn run_asg_policies(&mut self, minute: u64, ctx: &ScalingContext) {
        if self.asg_policies.is_empty() {
            return;
        }
        let now = minute * 60_000;
        let keys: Vec<(String, String)> = self.asg_policies.keys().cloned().collect();
        for key in keys {
            let Some(p) = self.asg_policies.get(&key).cloned() else { continue };
            let Some(group) = self.asgs.get(&p.asg) else { continue };
            let (desired, min, max) = (group.desired, group.min, group.max);
            let in_alarm = |name: &str| self.alarms.get(name).filter(|a| a.state == AlarmState::Alarm);
            let latest = |a: &Alarm| a.evaluation_range(&self.metrics, minute).iter().rev().find_map(|(_, v)| *v);
            let warming = |warmup_s: u64| p.last_action_ms.is_some_and(|t| now < t + warmup_s * 1000);
            // (new desired capacity before bounds, the alarm that caused it)
            let proposal: Option<(i64, String)> = match &p.kind {
                AsgPolicyKind::Simple { adjustment_type, adjustment, min_adjustment_magnitude, cooldown_s } => {
                    let alarm = self.alarms.values().find(|a| a.state == AlarmState::Alarm && a.alarm_actions.contains(&p.arn));
                    match alarm {
                        Some(a) if !warming(*cooldown_s) => Some((apply_adjustment(desired, *adjustment_type, *adjustment, *min_adjustment_magnitude), a.name.clone())),
                        _ => None,
                    }
                }
                AsgPolicyKind::Step { config, warmup_s } => self.alarms.values().filter(|a| a.state == AlarmState::Alarm && a.alarm_actions.contains(&p.arn)).find_map(|a| {
                    let values: Vec<i64> = a.evaluation_range(&self.metrics, minute).iter().rev().filter_map(|(_, v)| *v).take(a.evaluation_periods as usize).collect();
                    if values.is_empty() {
                        return None;
                    }
                    let agg = match config.aggregation {
                        Statistic::Minimum => values.iter().copied().min().unwrap_or(0),
                        Statistic::Maximum => values.iter().copied().max().unwrap_or(0),
                        _ => values.iter().sum::<i64>() / values.len() as i64,
                    };
                    let step = find_step(&config.steps, agg - a.threshold_milli)?;
                    let cooling = warming(*warmup_s);
                    let next = apply_adjustment(if cooling { p.base } else { desired }, config.adjustment_type, step.adjustment, config.min_adjustment_magnitude);
                    (next > desired as i64 || !cooling).then(|| (next, a.name.clone()))
                }),
                AsgPolicyKind::TargetTracking { target_milli, disable_scale_in, alarm_high, alarm_low, warmup_s } => {
                    if let Some((a, m)) = in_alarm(alarm_high).and_then(|a| Some((a, latest(a)?))) {
                        let base = if warming(*warmup_s) { p.base } else { desired };
                        Some((target_tracking_capacity(base, m, *target_milli).min(i64::MAX as u64) as i64, a.name.clone()))
                    } else if let Some((a, m)) = in_alarm(alarm_low).filter(|_| !*disable_scale_in && !warming(*warmup_s)).and_then(|a| Some((a, latest(a)?))) {
                        Some((target_tracking_capacity(desired, m, *target_milli) as i64, a.name.clone()))
                    } else {
                        None
                    }
                }
            };
            let Some((next, alarm)) = proposal else { continue };
            let next = next.clamp(min as i64, max as i64) as u32;
            if next == desired {
                continue;
            }
            if let Some(q) = self.asg_policies.get_mut(&key) {
                if q.last_action_ms.is_none_or(|t| now >= t + DEFAULT_COOLDOWN_S * 1000) || next < desired {
                    q.base = desired;
                }
                q.last_action_ms = Some(now);
            }
            if let Some(g) = self.asgs.get_mut(&p.asg) {
                g.desired = next;
            }
            let cause = format!("a monitor alarm {alarm} in state ALARM triggered policy {} changing the desired capacity from {desired} to {next}", p.name);
            self.reconcile_asg(&p.asg, ctx, &cause);
        }
    }

    /// Records one scaling activity of a group.
    pub(crate) fn record_asg_activity(&mut self, asg: &str, description: String, cause: String, details: String, now_ms: u64) {
        let counter = self.next();
        self.asg_activities.push(AsgActivity { id: uuid_like("asg-activity", counter), asg: asg.to_string(), description, cause, details, at_ms: now_ms });
        if self.asg_activities.len() > MAX_ACTIVITIES {
            let excess = self.asg_activities.len() - MAX_ACTIVITIES;
            self.asg_activities.drain(..excess);
        }
    }
}
