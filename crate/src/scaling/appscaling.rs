//! Application Auto Scaling for ECS services: scalable targets, target tracking and step scaling
//! policies, scheduled actions and the scaling-activity log (reference §6).
//!
//! Target tracking (reference §6.1): the policy owns two alarms on the service metric, period 1 minute:
//! AlarmHigh (`> target`, 3 of 3 datapoints) and AlarmLow (`< 0.9 × target`, 15 of 15). While AlarmHigh
//! is in ALARM the new desired count is `ceil(current × metric / target)`; while AlarmLow is in ALARM
//! it is the same formula, which with ceiling rounding never removes more than the metric justifies
//! (scale-in is the conservative side: 10 % below target, 15 minutes, ceiling, all policies agree).
//! Desired is always bounded by the target's MinCapacity and MaxCapacity.

use serde_json::{json, Value};

use super::metrics::{Alarm, AlarmState, Comparison, MetricKey, Statistic};
use super::model::*;
use super::schedule::Schedule;
use super::util::{iso, milli_of, uuid_like};
use crate::api::texts::{self, Ending};
use crate::api::{ApiError, ApiResult, Request};

pub const ECS_DIMENSION: &str = "ecs:service:DesiredCount";
/// Default `ScaleOutCooldown`/`ScaleInCooldown` for ECS services and the step-scaling `Cooldown` (s).
pub const DEFAULT_COOLDOWN_S: u64 = 300;
/// Target tracking alarms: AlarmHigh needs 3 of 3 one-minute datapoints, AlarmLow 15 of 15.
pub const ALARM_HIGH_DATAPOINTS: u32 = 3;
pub const ALARM_LOW_DATAPOINTS: u32 = 15;
/// AlarmLow's threshold as a percentage of the target value.
pub const ALARM_LOW_PERCENT_OF_TARGET: i64 = 90;

fn not_found(msg: String) -> ApiError {
    ApiError::new("ObjectNotFoundException", msg)
}

fn no_target(resource_id: &str) -> ApiError {
    not_found(format!("No scalable target registered for service namespace: ecs, resource ID: {resource_id}, scalable dimension: {ECS_DIMENSION}"))
}

impl ScalingActivity {
    fn to_json(&self) -> Value {
        json!({
            "ActivityId": self.id, "ServiceNamespace": "ecs", "ResourceId": self.resource_id,
            "ScalableDimension": ECS_DIMENSION, "Description": self.description, "Cause": self.cause,
            "StartTime": iso(self.start_ms), "EndTime": iso(self.end_ms),
            "StatusCode": self.status_code, "StatusMessage": self.status_message,
        })
    }
}

/// `ceil(current × metric / target)`, the target-tracking capacity; 0 when target ≤ 0 or metric ≤ 0.
pub fn target_tracking_capacity(current: u32, metric_milli: i64, target_milli: i64) -> u64 {
    if target_milli <= 0 || metric_milli <= 0 {
        return 0;
    }
    let num = current as u128 * metric_milli as u128;
    num.div_ceil(target_milli as u128).min(u32::MAX as u128) as u64
}

/// The adjustment a step policy makes for a metric `diff` (thousandths) from the alarm threshold.
/// Above the threshold a step matches `lower <= diff < upper`; below it, `lower < diff <= upper`.
pub fn find_step(steps: &[StepAdjustment], diff: i64) -> Option<&StepAdjustment> {
    steps.iter().find(|s| {
        if diff >= 0 {
            s.lower.is_none_or(|l| l <= diff) && s.upper.is_none_or(|u| diff < u)
        } else {
            s.lower.is_none_or(|l| l < diff) && s.upper.is_none_or(|u| diff <= u)
        }
    })
}

/// New capacity after a step adjustment, before min/max bounds. Percent rounding (reference §6.2):
/// above 1 rounds down, between 0 and 1 becomes 1, between -1 and 0 becomes -1, below -1 rounds
/// toward zero; then MinAdjustmentMagnitude raises a smaller percent change to that magnitude.
pub fn apply_adjustment(current: u32, kind: AdjustmentType, adjustment: i64, min_magnitude: Option<i64>) -> i64 {
    let cur = current as i64;
    match kind {
        AdjustmentType::ExactCapacity => adjustment,
        AdjustmentType::ChangeInCapacity => cur.saturating_add(adjustment),
        AdjustmentType::PercentChangeInCapacity => {
            let num = cur.saturating_mul(adjustment);
            let mut change = num / 100; // truncation: floor above 0, toward 0 below
            if change == 0 && num != 0 {
                change = num.signum();
            }
            if let Some(m) = min_magnitude {
                if change != 0 && change.abs() < m {
                    change = change.signum() * m;
                }
            }
            cur.saturating_add(change)
        }
    }
}

fn parse_dimension_and_resource(request: &Request) -> Result<(String, String, String), ApiError> {
    let ns = request.required_text("ServiceNamespace", Ending::Clause)?;
    if ns != "ecs" {
        return Err(request.invalid(format!("Unsupported service namespace {ns}: this playground scales ECS services only (ServiceNamespace ecs)")));
    }
    let rid = request.required_text("ResourceId", Ending::Clause)?;
    let dim = request.required_text("ScalableDimension", Ending::Clause)?;
    if dim != ECS_DIMENSION {
        return Err(request.invalid(format!("Unsupported scalable dimension {dim} for service namespace ecs")));
    }
    let parts: Vec<&str> = rid.split('/').collect();
    if parts.len() != 3 || parts[0] != "service" || parts[1].is_empty() || parts[2].is_empty() {
        return Err(request.invalid(format!("Unsupported resource ID {rid}: an ECS service is service/<cluster-name>/<service-name>")));
    }
    Ok((rid.to_string(), parts[1].to_string(), parts[2].to_string()))
}

fn opt_resource_filter(request: &Request) -> Result<Option<String>, ApiError> {
    let ns = request.required_text("ServiceNamespace", Ending::Clause)?;
    if ns != "ecs" {
        return Ok(Some(String::from("\u{0}none")));
    }
    Ok(request.str("ResourceId").map(str::to_string))
}

impl ScalingState {
    pub(crate) fn aas_handle(&mut self, call: &str, request: &Request, ctx: &ScalingContext) -> ApiResult {
        match call {
            "application-autoscaling:RegisterScalableTarget" => self.register_target(request, ctx),
            "application-autoscaling:DeregisterScalableTarget" => self.deregister_target(request),
            "application-autoscaling:DescribeScalableTargets" => self.describe_targets(request),
            "application-autoscaling:PutScalingPolicy" => self.put_policy(request, ctx),
            "application-autoscaling:DescribeScalingPolicies" => self.describe_policies(request),
            "application-autoscaling:DeleteScalingPolicy" => self.delete_policy(request),
            "application-autoscaling:PutScheduledAction" => self.put_scheduled(request, ctx),
            "application-autoscaling:DescribeScheduledActions" => self.describe_scheduled(request),
            "application-autoscaling:DeleteScheduledAction" => self.delete_scheduled(request),
            "application-autoscaling:DescribeScalingActivities" => self.describe_activities(request),
            _ => Err(request.invalid(format!("Unknown call {call}"))),
        }
    }

    fn register_target(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let (rid, cluster, service) = parse_dimension_and_resource(request)?;
        let min = request.int_in_range("MinCapacity", 0, i32::MAX as i64)?.map(|v| v as u32);
        let max = request.int_in_range("MaxCapacity", 0, i32::MAX as i64)?.map(|v| v as u32);
        let Some(status) = ctx.services.get(&rid).copied() else {
            // text: "ECS service doesn't exist" is the ValidationException terraform-provider-aws retries on
            // (internal/service/appautoscaling/target.go); the ": <resource id>" tail is emulator wording [UNVERIFIED].
            return Err(request.invalid(format!("ECS service doesn't exist: {rid}")));
        };
        let now = ctx.now_epoch_ms();
        let existing = self.targets.get(&rid).cloned();
        let (min, max) = match (&existing, min, max) {
            (None, Some(a), Some(b)) => (a, b),
            (None, _, _) => return Err(request.invalid("MinCapacity and MaxCapacity are required when registering a new scalable target")),
            (Some(t), a, b) => (a.unwrap_or(t.min), b.unwrap_or(t.max)),
        };
        if min > max {
            return Err(request.invalid(format!("Minimum capacity {min} cannot be greater than maximum capacity {max}")));
        }
        let counter = self.next();
        let suspended = request.member("SuspendedState");
        let sb = |k: &str, old: bool| suspended.bool(k).unwrap_or(old);
        let target = ScalableTarget {
            resource_id: rid.clone(),
            cluster,
            service,
            arn: existing.as_ref().map(|t| t.arn.clone()).unwrap_or_else(|| {
                format!("arn:aws:application-autoscaling:{}:{}:scalable-target/{}", ctx.region, ctx.account_id, &uuid_like("st", counter).replace('-', "")[..28])
            }),
            min,
            max,
            role_arn: request.str("RoleARN").map(str::to_string).unwrap_or_else(|| {
                format!("arn:aws:iam::{}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService", ctx.account_id)
            }),
            created_ms: existing.as_ref().map(|t| t.created_ms).unwrap_or(now),
            suspend_in: sb("DynamicScalingInSuspended", existing.as_ref().is_some_and(|t| t.suspend_in)),
            suspend_out: sb("DynamicScalingOutSuspended", existing.as_ref().is_some_and(|t| t.suspend_out)),
            suspend_scheduled: sb("ScheduledScalingSuspended", existing.as_ref().is_some_and(|t| t.suspend_scheduled)),
            last_out_ms: existing.as_ref().and_then(|t| t.last_out_ms),
            out_base: existing.as_ref().map(|t| t.out_base).unwrap_or(0),
            last_in_ms: existing.as_ref().and_then(|t| t.last_in_ms),
        };
        let arn = target.arn.clone();
        self.targets.insert(rid.clone(), target);
        // A current capacity outside the new range moves to the nearest bound.
        let desired = status.desired;
        let bounded = desired.clamp(min, max);
        if bounded != desired {
            let cause = if bounded > desired { format!("minimum capacity was set to {min}") } else { format!("maximum capacity was set to {max}") };
            self.record_desired_change(&rid, desired, bounded, cause, now);
        }
        Ok(json!({ "ScalableTargetARN": arn }))
    }

    fn deregister_target(&mut self, request: &Request) -> ApiResult {
        let (rid, _, _) = parse_dimension_and_resource(request)?;
        if self.targets.remove(&rid).is_none() {
            return Err(not_found(format!("No scalable target found for service namespace: ecs, resource ID: {rid}, scalable dimension: {ECS_DIMENSION}")));
        }
        // Deregistering deletes the target's policies (and their managed alarms) and scheduled actions.
        let names: Vec<String> = self.policies.iter().filter(|(k, _)| k.0 == rid).map(|(k, _)| k.1.clone()).collect();
        for n in names {
            self.remove_policy(&rid, &n);
        }
        self.scheduled.retain(|k, _| k.0 != rid);
        Ok(json!({}))
    }

    fn describe_targets(&self, request: &Request) -> ApiResult {
        let filter = opt_resource_filter(request)?;
        let ids: Vec<String> = request.strings("ResourceIds");
        let list: Vec<Value> = self
            .targets
            .values()
            .filter(|t| filter.as_ref().is_none_or(|f| *f != "\u{0}none") && (ids.is_empty() || ids.contains(&t.resource_id)))
            .map(|t| {
                json!({
                    "ServiceNamespace": "ecs", "ResourceId": t.resource_id, "ScalableDimension": ECS_DIMENSION,
                    "MinCapacity": t.min, "MaxCapacity": t.max, "RoleARN": t.role_arn,
                    "CreationTime": iso(t.created_ms), "ScalableTargetARN": t.arn,
                    "SuspendedState": {"DynamicScalingInSuspended": t.suspend_in, "DynamicScalingOutSuspended": t.suspend_out, "ScheduledScalingSuspended": t.suspend_scheduled},
                })
            })
            .collect();
        Ok(json!({ "ScalableTargets": list }))
    }

    fn put_policy(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let (rid, cluster, service) = parse_dimension_and_resource(request)?;
        let name = request.required_text("PolicyName", Ending::Clause)?.to_string();
        if name.len() > 256 || name.contains(':') || name.contains('/') {
            return Err(request.invalid(format!("Invalid policy name {name}")));
        }
        if !self.targets.contains_key(&rid) {
            return Err(no_target(&rid));
        }
        let policy_type = request.str("PolicyType").unwrap_or("StepScaling");
        let now = ctx.now_epoch_ms();
        let counter = self.next();
        let uuid = uuid_like("policy", counter);
        let arn = match self.policies.get(&(rid.clone(), name.clone())) {
            Some(p) => p.arn.clone(),
            None => format!("arn:aws:autoscaling:{}:{}:scalingPolicy:{uuid}:resource/ecs/{rid}:policyName/{name}", ctx.region, ctx.account_id),
        };
        let (config, raw) = match policy_type {
            "TargetTrackingScaling" => {
                let Some(cfg) = request.object("TargetTrackingScalingPolicyConfiguration") else {
                    return Err(request.invalid("TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy"));
                };
                (self.parse_target_tracking(&cfg, &rid, &cluster, &service, counter)?, cfg.input().clone())
            }
            "StepScaling" => {
                let Some(cfg) = request.object("StepScalingPolicyConfiguration") else {
                    return Err(request.invalid("StepScalingPolicyConfiguration is required for a StepScaling policy"));
                };
                (PolicyConfig::Step(parse_step(&cfg)?), cfg.input().clone())
            }
            "PredictiveScaling" => return Err(request.invalid("PredictiveScaling policies are not modelled by this playground")),
            other => return Err(request.invalid(format!("Unsupported policy type {other}"))),
        };
        // Replacing a policy removes the alarms its previous version managed.
        self.remove_policy(&rid, &name);
        let mut alarms = Vec::new();
        if let PolicyConfig::TargetTracking(tt) = &config {
            let high_arn = self.alarm_arn(ctx, &tt.alarm_high);
            let mut high = Alarm::new(&tt.alarm_high, high_arn, tt.metric.clone(), tt.statistic, 60, ALARM_HIGH_DATAPOINTS, ALARM_HIGH_DATAPOINTS, tt.target_milli, Comparison::GreaterThanThreshold, now);
            high.description = format!("DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {arn}.");
            high.alarm_actions = vec![arn.clone()];
            alarms.push(json!({"AlarmName": high.name, "AlarmARN": high.arn}));
            self.alarms.insert(high.name.clone(), high);
            if let Some(low_name) = &tt.alarm_low {
                let low_arn = self.alarm_arn(ctx, low_name);
                let thr = tt.target_milli * ALARM_LOW_PERCENT_OF_TARGET / 100;
                let mut low = Alarm::new(low_name, low_arn, tt.metric.clone(), tt.statistic, 60, ALARM_LOW_DATAPOINTS, ALARM_LOW_DATAPOINTS, thr, Comparison::LessThanThreshold, now);
                low.description = format!("DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {arn}.");
                low.alarm_actions = vec![arn.clone()];
                alarms.push(json!({"AlarmName": low.name, "AlarmARN": low.arn}));
                self.alarms.insert(low.name.clone(), low);
            }
        }
        let policy = ScalingPolicy { name: name.clone(), arn: arn.clone(), resource_id: rid.clone(), config, raw_config: raw, created_ms: now, last_action_ms: None, base: 0 };
        self.policies.insert((rid, name), policy);
        Ok(json!({ "PolicyARN": arn, "Alarms": alarms }))
    }

    pub(crate) fn alarm_arn(&self, ctx: &ScalingContext, name: &str) -> String {
        format!("arn:aws:cloudwatch:{}:{}:alarm:{name}", ctx.region, ctx.account_id)
    }

    fn parse_target_tracking(&self, cfg: &Request, rid: &str, cluster: &str, service: &str, counter: u64) -> Result<PolicyConfig, ApiError> {
        let target_milli = cfg.get("TargetValue").and_then(milli_of).ok_or_else(|| cfg.invalid(texts::is_required("TargetValue", Ending::Clause)))?;
        if target_milli <= 0 {
            return Err(cfg.invalid("TargetValue must be greater than 0"));
        }
        let cooldown = |k: &str| cfg.int_in_range(k, 0, 31_536_000).map(|v| v.map(|v| v as u64).unwrap_or(DEFAULT_COOLDOWN_S));
        let scale_out_cooldown_s = cooldown("ScaleOutCooldown")?;
        let scale_in_cooldown_s = cooldown("ScaleInCooldown")?;
        let disable_scale_in = cfg.bool("DisableScaleIn").unwrap_or(false);
        let pre = cfg.object("PredefinedMetricSpecification");
        let cus = cfg.object("CustomizedMetricSpecification");
        let (metric, statistic) = match (pre, cus) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(cfg.invalid("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified"))
            }
            (Some(p), None) => {
                let ty = p.required_text("PredefinedMetricType", Ending::Clause)?;
                match ty {
                    "ECSServiceAverageCPUUtilization" => (MetricKey::ecs_service("CPUUtilization", cluster, service), Statistic::Average),
                    "ECSServiceAverageMemoryUtilization" => (MetricKey::ecs_service("MemoryUtilization", cluster, service), Statistic::Average),
                    "ALBRequestCountPerTarget" => {
                        let label = p.str("ResourceLabel").unwrap_or("");
                        // app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>
                        let parts: Vec<&str> = label.split('/').collect();
                        if parts.len() != 6 || parts[0] != "app" || parts[3] != "targetgroup" {
                            return Err(p.invalid("ResourceLabel is required for ALBRequestCountPerTarget, in the form app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>"));
                        }
                        let tg = parts[3..].join("/");
                        (MetricKey::new("AWS/ApplicationELB", "RequestCountPerTarget", &[("TargetGroup", &tg)]), Statistic::Sum)
                    }
                    other => return Err(p.invalid(format!("Unsupported predefined metric type {other} for ECS service"))),
                }
            }
            (None, Some(c)) => {
                let ns = c.required_text("Namespace", Ending::Clause)?;
                let mn = c.required_text("MetricName", Ending::Clause)?;
                let st = c.required_text("Statistic", Ending::Clause)?;
                let stat = Statistic::parse(st).ok_or_else(|| c.invalid(format!("Unsupported statistic {st}")))?;
                (MetricKey::from_request(ns, mn, &c), stat)
            }
        };
        let suffix = uuid_like("ttalarm", counter);
        let suffix2 = uuid_like("ttalarm-low", counter);
        Ok(PolicyConfig::TargetTracking(TargetTrackingConfig {
            target_milli,
            metric,
            statistic,
            scale_out_cooldown_s,
            scale_in_cooldown_s,
            disable_scale_in,
            alarm_high: format!("TargetTracking-{rid}-AlarmHigh-{suffix}"),
            // With DisableScaleIn there is nothing for a low alarm to do; AWS still creates it [UNVERIFIED].
            alarm_low: Some(format!("TargetTracking-{rid}-AlarmLow-{suffix2}")),
        }))
    }

    /// Removes a policy and the alarms it manages. Returns whether it existed.
    pub(crate) fn remove_policy(&mut self, rid: &str, name: &str) -> bool {
        let Some(p) = self.policies.remove(&(rid.to_string(), name.to_string())) else { return false };
        if let PolicyConfig::TargetTracking(tt) = &p.config {
            self.alarms.remove(&tt.alarm_high);
            if let Some(l) = &tt.alarm_low {
                self.alarms.remove(l);
            }
        }
        true
    }

    fn describe_policies(&self, request: &Request) -> ApiResult {
        let filter = opt_resource_filter(request)?;
        let names = request.strings("PolicyNames");
        let list: Vec<Value> = self
            .policies
            .values()
            .filter(|p| filter.as_ref().is_none_or(|f| *f == p.resource_id) && (names.is_empty() || names.contains(&p.name)))
            .map(|p| {
                let mut v = json!({
                    "PolicyARN": p.arn, "PolicyName": p.name, "ServiceNamespace": "ecs", "ResourceId": p.resource_id,
                    "ScalableDimension": ECS_DIMENSION, "CreationTime": iso(p.created_ms),
                });
                match &p.config {
                    PolicyConfig::TargetTracking(tt) => {
                        v["PolicyType"] = json!("TargetTrackingScaling");
                        let mut cfg = p.raw_config.clone();
                        cfg["ScaleOutCooldown"] = json!(tt.scale_out_cooldown_s);
                        cfg["ScaleInCooldown"] = json!(tt.scale_in_cooldown_s);
                        cfg["DisableScaleIn"] = json!(tt.disable_scale_in);
                        v["TargetTrackingScalingPolicyConfiguration"] = cfg;
                        let mut alarms = vec![json!({"AlarmName": tt.alarm_high, "AlarmARN": self.alarms.get(&tt.alarm_high).map(|a| a.arn.clone())})];
                        if let Some(l) = &tt.alarm_low {
                            alarms.push(json!({"AlarmName": l, "AlarmARN": self.alarms.get(l).map(|a| a.arn.clone())}));
                        }
                        v["Alarms"] = json!(alarms);
                    }
                    PolicyConfig::Step(sc) => {
                        v["PolicyType"] = json!("StepScaling");
                        let mut cfg = p.raw_config.clone();
                        cfg["Cooldown"] = json!(sc.cooldown_s);
                        cfg["MetricAggregationType"] = json!(sc.aggregation.as_aws());
                        v["StepScalingPolicyConfiguration"] = cfg;
                        let alarms: Vec<Value> = self.alarms.values().filter(|a| a.alarm_actions.contains(&p.arn)).map(|a| json!({"AlarmName": a.name, "AlarmARN": a.arn})).collect();
                        v["Alarms"] = json!(alarms);
                    }
                }
                v
            })
            .collect();
        Ok(json!({ "ScalingPolicies": list }))
    }

    fn delete_policy(&mut self, request: &Request) -> ApiResult {
        let (rid, _, _) = parse_dimension_and_resource(request)?;
        let name = request.required_text("PolicyName", Ending::Clause)?;
        if !self.remove_policy(&rid, name) {
            return Err(not_found(format!("No scaling policy found for service namespace: ecs, resource ID: {rid}, scalable dimension: {ECS_DIMENSION}, policy name: {name}")));
        }
        Ok(json!({}))
    }

    fn put_scheduled(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let (rid, _, _) = parse_dimension_and_resource(request)?;
        let name = request.required_text("ScheduledActionName", Ending::Clause)?.to_string();
        if !self.targets.contains_key(&rid) {
            return Err(no_target(&rid));
        }
        let existing = self.scheduled.get(&(rid.clone(), name.clone())).cloned();
        let schedule_text = match (request.str("Schedule"), &existing) {
            (Some(s), _) => s.to_string(),
            (None, Some(e)) => e.schedule_text.clone(),
            (None, None) => return Err(request.invalid(texts::is_required("Schedule", Ending::Clause))),
        };
        let schedule = Schedule::parse(&schedule_text).map_err(|e| request.invalid(e))?;
        if let Some(tz) = request.str("Timezone") {
            if tz != "UTC" && tz != "Etc/UTC" {
                return Err(request.invalid(format!("Timezone {tz} is not modelled: the playground runs schedules in UTC")));
            }
        }
        let time = |k: &str| -> Result<Option<u64>, ApiError> {
            match request.get(k) {
                None => Ok(None),
                Some(Value::String(s)) => crate::time::parse_iso8601_ms(s).map(Some).map_err(|e| request.invalid(e)),
                Some(Value::Number(n)) => Ok(n.as_f64().filter(|x| *x >= 0.0 && x.is_finite()).map(|x| (x * 1000.0) as u64)),
                Some(_) => Err(request.invalid(format!("{k} must be a timestamp"))),
            }
        };
        let start_ms = time("StartTime")?;
        let end_ms = time("EndTime")?;
        // A null ScalableTargetAction counts as given (and gives no capacity).
        let sta = request.contains("ScalableTargetAction").then(|| request.member("ScalableTargetAction"));
        let cap = |k: &str| -> Result<Option<u32>, ApiError> {
            match &sta {
                Some(a) => a.int_in_range(k, 0, i32::MAX as i64).map(|v| v.map(|v| v as u32)),
                None => Ok(None),
            }
        };
        let (min, max) = (cap("MinCapacity")?, cap("MaxCapacity")?);
        let (min, max) = match (&existing, sta) {
            (Some(e), None) => (e.min, e.max),
            _ => (min, max),
        };
        if min.is_none() && max.is_none() {
            return Err(request.invalid("ScalableTargetAction needs MinCapacity, MaxCapacity or both"));
        }
        if let (Some(a), Some(b)) = (min, max) {
            if a > b {
                return Err(request.invalid(format!("Minimum capacity {a} cannot be greater than maximum capacity {b}")));
            }
        }
        let now = ctx.now_epoch_ms();
        let counter = self.next();
        let arn = existing.as_ref().map(|e| e.arn.clone()).unwrap_or_else(|| {
            format!("arn:aws:autoscaling:{}:{}:scheduledAction:{}:resource/ecs/{rid}:scheduledActionName/{name}", ctx.region, ctx.account_id, uuid_like("sched", counter))
        });
        let action = ScheduledAction { name: name.clone(), arn, resource_id: rid.clone(), schedule_text, schedule, start_ms, end_ms, min, max, created_ms: now, fired_once: false };
        self.scheduled.insert((rid, name), action);
        Ok(json!({}))
    }

    fn describe_scheduled(&self, request: &Request) -> ApiResult {
        let filter = opt_resource_filter(request)?;
        let names = request.strings("ScheduledActionNames");
        let list: Vec<Value> = self
            .scheduled
            .values()
            .filter(|a| filter.as_ref().is_none_or(|f| *f == a.resource_id) && (names.is_empty() || names.contains(&a.name)))
            .map(|a| {
                let mut sta = json!({});
                if let Some(m) = a.min {
                    sta["MinCapacity"] = json!(m);
                }
                if let Some(m) = a.max {
                    sta["MaxCapacity"] = json!(m);
                }
                let mut v = json!({
                    "ScheduledActionName": a.name, "ScheduledActionARN": a.arn, "ServiceNamespace": "ecs",
                    "Schedule": a.schedule_text, "Timezone": "UTC", "ResourceId": a.resource_id, "ScalableDimension": ECS_DIMENSION,
                    "ScalableTargetAction": sta, "CreationTime": iso(a.created_ms),
                });
                if let Some(s) = a.start_ms {
                    v["StartTime"] = json!(iso(s));
                }
                if let Some(e) = a.end_ms {
                    v["EndTime"] = json!(iso(e));
                }
                v
            })
            .collect();
        Ok(json!({ "ScheduledActions": list }))
    }

    fn delete_scheduled(&mut self, request: &Request) -> ApiResult {
        let (rid, _, _) = parse_dimension_and_resource(request)?;
        let name = request.required_text("ScheduledActionName", Ending::Clause)?;
        if self.scheduled.remove(&(rid.clone(), name.to_string())).is_none() {
            return Err(not_found(format!("No scheduled action found for service namespace: ecs, resource ID: {rid}, scalable dimension: {ECS_DIMENSION}, scheduled action name: {name}")));
        }
        Ok(json!({}))
    }

    fn describe_activities(&self, request: &Request) -> ApiResult {
        let filter = opt_resource_filter(request)?;
        let max = request.int_in_range("MaxResults", 1, 50)?.unwrap_or(50) as usize;
        let skip: usize = request.str("NextToken").and_then(|t| t.parse().ok()).unwrap_or(0);
        let all: Vec<&ScalingActivity> = self.activities.iter().rev().filter(|a| filter.as_ref().is_none_or(|f| *f == a.resource_id)).collect();
        let page: Vec<Value> = all.iter().skip(skip).take(max).map(|a| a.to_json()).collect();
        let mut out = json!({ "ScalingActivities": page });
        if skip + max < all.len() {
            out["NextToken"] = json!((skip + max).to_string());
        }
        Ok(out)
    }

    /// Logs a successful desired-count change and queues it for the engine.
    pub(crate) fn record_desired_change(&mut self, rid: &str, from: u32, to: u32, cause: String, now_ms: u64) {
        let counter = self.next();
        let id = uuid_like("activity", counter);
        let (cluster, service) = match rid.split('/').collect::<Vec<_>>().as_slice() {
            [_, c, s] => (c.to_string(), s.to_string()),
            _ => (String::new(), String::new()),
        };
        self.activities.push(ScalingActivity {
            id: id.clone(),
            resource_id: rid.to_string(),
            description: format!("Setting desired count to {to}."),
            cause,
            status_code: "Successful".into(),
            status_message: format!("Successfully set desired count to {to}. Change successfully fulfilled by ecs."),
            start_ms: now_ms,
            end_ms: now_ms,
        });
        // Six weeks of history in AWS; the playground keeps the newest 1,000.
        if self.activities.len() > 1000 {
            let excess = self.activities.len() - 1000;
            self.activities.drain(..excess);
        }
        self.actions.push(ScalingAction::SetDesiredCount { cluster, service, from, to, activity_id: id });
    }

    /// Runs scheduled actions due in `minute`. `desired` is updated in place.
    pub(crate) fn run_scheduled(&mut self, minute: u64, desired: &mut crate::table::Table<String, ServiceStatus>) {
        let now_ms = minute * 60_000;
        let keys: Vec<(String, String)> = self.scheduled.keys().cloned().collect();
        for key in keys {
            let Some(a) = self.scheduled.get(&key).cloned() else { continue };
            if a.start_ms.is_some_and(|s| now_ms < s) || a.end_ms.is_some_and(|e| now_ms > e) {
                continue;
            }
            let due = match &a.schedule {
                super::schedule::Schedule::At(at) => !a.fired_once && minute >= *at,
                s => s.fires_at(minute, a.start_ms.unwrap_or(a.created_ms) / 60_000),
            };
            if !due {
                continue;
            }
            if let Some(s) = self.scheduled.get_mut(&key) {
                s.fired_once = true;
            }
            let Some(t) = self.targets.get_mut(&a.resource_id) else { continue };
            if t.suspend_scheduled {
                continue;
            }
            let mut min = a.min.unwrap_or(t.min);
            let mut max = a.max.unwrap_or(t.max);
            if min > max {
                // Only one bound given and it crosses the other: the other follows [UNVERIFIED].
                if a.min.is_some() { max = min } else { min = max }
            }
            t.min = min;
            t.max = max;
            let Some(st) = desired.get_mut(&a.resource_id) else { continue };
            let cur = st.desired;
            let next = cur.clamp(min, max);
            if next != cur {
                st.desired = next;
                let cause = format!("scheduled action name {} was triggered", a.name);
                self.record_desired_change(&a.resource_id, cur, next, cause, now_ms);
            }
        }
    }

    /// Runs the scaling policies of every target against the alarm states at `minute`.
    pub(crate) fn run_policies(&mut self, minute: u64, desired: &mut crate::table::Table<String, ServiceStatus>) {
        let now_ms = minute * 60_000;
        let rids: Vec<String> = self.targets.keys().cloned().collect();
        for rid in rids {
            let Some(st) = desired.get(&rid).copied() else { continue };
            let Some(target) = self.targets.get(&rid).cloned() else { continue };
            let current = st.desired;
            // (proposed capacity, alarm, policy)
            let mut outs: Vec<(u64, String, String)> = Vec::new();
            let mut ins: Vec<(u64, String, String)> = Vec::new();
            let mut tt_policies = 0;
            let mut tt_in_votes = 0;
            let in_cooldown_out = |cool_s: u64| target.last_out_ms.is_some_and(|t| now_ms < t + cool_s * 1000);
            for p in self.policies.values().filter(|p| p.resource_id == rid) {
                match &p.config {
                    PolicyConfig::TargetTracking(tt) => {
                        tt_policies += 1;
                        let high = self.alarms.get(&tt.alarm_high);
                        let metric_now = |a: &Alarm| a.evaluation_range(&self.metrics, minute).iter().rev().find_map(|(_, v)| *v);
                        if let Some(a) = high.filter(|a| a.state == AlarmState::Alarm) {
                            if let Some(m) = metric_now(a) {
                                let base = if in_cooldown_out(tt.scale_out_cooldown_s) { target.out_base } else { current };
                                outs.push((target_tracking_capacity(base, m, tt.target_milli), a.name.clone(), p.name.clone()));
                            }
                            continue;
                        }
                        let low = tt.alarm_low.as_ref().and_then(|l| self.alarms.get(l));
                        if let Some(a) = low.filter(|a| a.state == AlarmState::Alarm) {
                            let blocked = tt.disable_scale_in || target.last_in_ms.is_some_and(|t| now_ms < t + tt.scale_in_cooldown_s * 1000);
                            if let (false, Some(m)) = (blocked, metric_now(a)) {
                                tt_in_votes += 1;
                                ins.push((target_tracking_capacity(current, m, tt.target_milli), a.name.clone(), p.name.clone()));
                            }
                        }
                    }
                    PolicyConfig::Step(sc) => {
                        for a in self.alarms.values().filter(|a| a.state == AlarmState::Alarm && a.alarm_actions.contains(&p.arn)) {
                            let values: Vec<i64> = a.evaluation_range(&self.metrics, minute).iter().rev().filter_map(|(_, v)| *v).take(a.evaluation_periods as usize).collect();
                            if values.is_empty() {
                                continue;
                            }
                            let agg = match sc.aggregation {
                                Statistic::Minimum => values.iter().copied().min().unwrap_or(0),
                                Statistic::Maximum => values.iter().copied().max().unwrap_or(0),
                                _ => values.iter().sum::<i64>() / values.len() as i64,
                            };
                            let Some(step) = find_step(&sc.steps, agg - a.threshold_milli) else { continue };
                            let cooling = p.last_action_ms.is_some_and(|t| now_ms < t + sc.cooldown_s * 1000);
                            let base = if cooling { p.base } else { current };
                            let next = apply_adjustment(base, sc.adjustment_type, step.adjustment, sc.min_adjustment_magnitude).max(0) as u64;
                            if next > current as u64 {
                                outs.push((next, a.name.clone(), p.name.clone()));
                            } else if next < current as u64 && !cooling {
                                ins.push((next, a.name.clone(), p.name.clone()));
                            }
                        }
                    }
                }
            }
            let clamp = |v: u64| (v.min(u32::MAX as u64) as u32).clamp(target.min, target.max);
            // Scale out if any policy says so (the largest capacity wins).
            let best_out = outs.iter().max_by_key(|(v, _, _)| *v).cloned();
            if let Some((v, alarm, policy)) = best_out.filter(|(v, _, _)| clamp(*v) > current) {
                if target.suspend_out {
                    continue;
                }
                let next = clamp(v);
                self.apply_policy_change(&rid, &policy, current, next, &alarm, now_ms, true);
                if let Some(s) = desired.get_mut(&rid) {
                    s.desired = next;
                }
                continue;
            }
            // Scale in only when every target-tracking policy agrees (the largest capacity wins).
            if target.suspend_in || st.deploying || tt_in_votes < tt_policies {
                continue;
            }
            if let Some((v, alarm, policy)) = ins.iter().max_by_key(|(v, _, _)| *v).cloned() {
                let next = clamp(v);
                if next < current {
                    self.apply_policy_change(&rid, &policy, current, next, &alarm, now_ms, false);
                    if let Some(s) = desired.get_mut(&rid) {
                        s.desired = next;
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_policy_change(&mut self, rid: &str, policy: &str, from: u32, to: u32, alarm: &str, now_ms: u64, out: bool) {
        if let Some(t) = self.targets.get_mut(rid) {
            if out {
                let cooling = t.last_out_ms.is_some_and(|lt| now_ms < lt + DEFAULT_COOLDOWN_S * 1000);
                if !cooling {
                    t.out_base = from;
                }
                t.last_out_ms = Some(now_ms);
                // A scale-out ends any scale-in cooldown.
                t.last_in_ms = None;
            } else {
                t.last_in_ms = Some(now_ms);
            }
        }
        if let Some(p) = self.policies.get_mut(&(rid.to_string(), policy.to_string())) {
            let cooling = p.last_action_ms.is_some_and(|lt| match &p.config {
                PolicyConfig::Step(sc) => now_ms < lt + sc.cooldown_s * 1000,
                _ => false,
            });
            if !cooling {
                p.base = from;
            }
            p.last_action_ms = Some(now_ms);
        }
        let cause = format!("monitor alarm {alarm} in state ALARM triggered policy {policy}");
        self.record_desired_change(rid, from, to, cause, now_ms);
    }
}

/// text: Application Auto Scaling's answer quoted in terraform-aws-modules/terraform-aws-ecs#31.
pub(crate) const UPPER_BOUND_NEEDED: &str = "There must be a step adjustment with an unspecified upper bound when one step adjustment has a positive upper bound";

/// Parses and checks a StepScalingPolicyConfiguration (or EC2 Auto Scaling's step policy, whose members are the
/// same), refused in the request's dialect.
pub fn parse_step(cfg: &Request) -> Result<StepConfig, ApiError> {
    let at = cfg.required_text("AdjustmentType", Ending::Clause)?;
    let adjustment_type = AdjustmentType::parse(at).ok_or_else(|| cfg.invalid(format!("Unsupported adjustment type {at}")))?;
    let raw = cfg.items("StepAdjustments").filter(|a| !a.is_empty()).ok_or_else(|| cfg.invalid("StepAdjustments must contain at least one step adjustment"))?;
    if raw.len() > 20 {
        // quota: 20 step adjustments per policy. text: "There can be at most 20 step adjustments per scaling p..."
        // quoted (cut there) in aws/aws-cdk#27020; the end of the sentence is [UNVERIFIED].
        return Err(cfg.invalid("There can be at most 20 step adjustments per scaling policy"));
    }
    let mut steps = Vec::new();
    for s in &raw {
        let bound = |k: &str| -> Result<Option<i64>, ApiError> {
            match s.get(k) {
                None => Ok(None),
                Some(v) => milli_of(v).map(Some).ok_or_else(|| s.invalid(format!("{k} must be a number"))),
            }
        };
        let adjustment = s.get("ScalingAdjustment").and_then(Value::as_i64).ok_or_else(|| s.invalid("ScalingAdjustment is required in every step adjustment"))?;
        let (lower, upper) = (bound("MetricIntervalLowerBound")?, bound("MetricIntervalUpperBound")?);
        if lower.is_none() && upper.is_none() {
            // StepAdjustment API doc: "The upper and lower bound can't be null in the same step adjustment."
            // text: AWS's answer quoted in hashicorp/terraform-provider-aws#4812
            return Err(cfg.invalid("Both lower and upper bounds of a step adjustment cannot be left unspecified"));
        }
        if let (Some(l), Some(u)) = (lower, upper) {
            if l >= u {
                return Err(cfg.invalid("MetricIntervalLowerBound must be less than MetricIntervalUpperBound"));
            }
        }
        if adjustment_type == AdjustmentType::ExactCapacity && adjustment < 0 {
            return Err(cfg.invalid("ScalingAdjustment must be 0 or more for ExactCapacity"));
        }
        steps.push(StepAdjustment { lower, upper, adjustment });
    }
    if steps.iter().filter(|s| s.lower.is_none()).count() > 1 || steps.iter().filter(|s| s.upper.is_none()).count() > 1 {
        return Err(cfg.invalid("Only one step adjustment can have a null lower bound and only one a null upper bound"));
    }
    if steps.iter().any(|s| s.upper.is_some_and(|u| u > 0)) && steps.iter().all(|s| s.upper.is_some()) {
        return Err(cfg.invalid(UPPER_BOUND_NEEDED));
    }
    // Ranges must not overlap or leave gaps: sorted by lower bound, each upper meets the next lower.
    crate::order::sort_by_key(&mut steps, |s| s.lower.unwrap_or(i64::MIN));
    for w in steps.windows(2) {
        if w[0].upper != w[1].lower {
            return Err(cfg.invalid("Step adjustments must not overlap or leave gaps between their metric intervals"));
        }
    }
    let min_adjustment_magnitude = cfg.int_in_range("MinAdjustmentMagnitude", 1, i32::MAX as i64)?;
    if min_adjustment_magnitude.is_some() && adjustment_type != AdjustmentType::PercentChangeInCapacity {
        return Err(cfg.invalid("MinAdjustmentMagnitude is only valid with the PercentChangeInCapacity adjustment type"));
    }
    let cooldown_s = cfg.int_in_range("Cooldown", 0, 31_536_000)?.map(|v| v as u64).unwrap_or(DEFAULT_COOLDOWN_S);
    let aggregation = match cfg.str("MetricAggregationType").unwrap_or("Average") {
        "Average" => Statistic::Average,
        "Minimum" => Statistic::Minimum,
        "Maximum" => Statistic::Maximum,
        other => return Err(cfg.invalid(format!("Unsupported metric aggregation type {other}"))),
    };
    Ok(StepConfig { adjustment_type, steps, min_adjustment_magnitude, cooldown_s, aggregation })
}
