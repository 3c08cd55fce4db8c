//! The Scaling tab's model: what Service Auto Scaling and EC2 capacity show and offer, and the inputs of
//! their calls (scalable targets, target tracking and step scaling policies with their alarm, scheduled
//! actions, launch templates and Auto Scaling groups, capacity providers, the cluster's default strategy).

use ecs_sim::view::{LbType, ScalingView, ServiceStatus, View};
use serde_json::{json, Value};

use super::{current_cluster, number, pairs, subnet_ids, whole, Options};

const DIMENSION: &str = "ecs:service:DesiredCount";
/// The predefined metrics of target tracking for ECS services.
pub const PREDEFINED_METRICS: [&str; 3] = ["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget"];
pub const COMPARISONS: [&str; 4] = ["GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"];

/// What the Service Auto Scaling part shows and offers.
#[derive(Debug, PartialEq)]
pub struct ServiceScalingOptions {
    /// The active services as scalable target resource ids: (`service/CLUSTER/NAME`, label).
    pub services: Options,
    /// The ResourceLabels of ALBRequestCountPerTarget.
    pub labels: Vec<String>,
    pub scaling: ScalingView,
}

pub fn service_scaling_options(view: &View) -> ServiceScalingOptions {
    ServiceScalingOptions {
        services: view.services.iter().filter(|s| s.status == ServiceStatus::Active).map(|s| (format!("service/{}/{}", s.cluster, s.name), format!("{} ({})", s.name, s.cluster))).collect(),
        labels: resource_labels(view),
        scaling: view.scaling.clone(),
    }
}

/// What the EC2 capacity part shows and offers.
#[derive(Debug, PartialEq)]
pub struct CapacityOptions {
    pub cluster: Option<String>,
    pub scaling: ScalingView,
}

pub fn capacity_options(view: &View) -> CapacityOptions {
    CapacityOptions { cluster: current_cluster(view), scaling: view.scaling.clone() }
}

/// The capacity providers a cluster's default strategy may name: its Auto Scaling group providers, then
/// the Fargate ones.
pub fn strategy_providers(scaling: &ScalingView) -> Options {
    let mut providers: Options = scaling.capacity_providers.iter().map(|c| (c.name.clone(), c.name.clone())).collect();
    providers.extend(pairs(&["FARGATE", "FARGATE_SPOT"]));
    providers
}

/// The first minute at least ten minutes after the view's time, as `at(...)` for a scheduled action.
pub fn schedule_in_ten_minutes(view: &View) -> String {
    let in_ten = (view.start_epoch_ms + view.now.as_millis() + 600_000) / 60_000 * 60_000;
    format!("at({})", &ecs_sim::time::format_iso8601_ms(in_ten)[..19])
}

/// `lower:upper:adjustment, ...` as StepAdjustments (an empty bound is unbounded).
fn step_adjustments(text: &str) -> Result<Vec<Value>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|step| {
            let parts: Vec<&str> = step.split(':').map(str::trim).collect();
            let [lower, upper, adjustment] = parts[..] else {
                return Err(format!("A step is written lower:upper:adjustment, e.g. 0:20:1 (got '{step}')."));
            };
            let mut v = json!({ "ScalingAdjustment": adjustment.parse::<i64>().map_err(|_| format!("ScalingAdjustment must be a whole number (got '{adjustment}')."))? });
            if !lower.is_empty() {
                v["MetricIntervalLowerBound"] = json!(number(lower, "MetricIntervalLowerBound")?);
            }
            if !upper.is_empty() {
                v["MetricIntervalUpperBound"] = json!(number(upper, "MetricIntervalUpperBound")?);
            }
            Ok(v)
        })
        .collect()
}

/// ResourceLabels of ALBRequestCountPerTarget: `app/<lb>/<id>/targetgroup/<tg>/<id>` for each target
/// group an application load balancer's listeners forward to.
fn resource_labels(view: &View) -> Vec<String> {
    let mut out = Vec::new();
    for lb in view.load_balancers.iter().filter(|l| l.lb_type == LbType::Application) {
        let Some((_, lb_part)) = lb.arn.split_once(":loadbalancer/") else { continue };
        for g in &view.target_groups {
            let forwards = lb.listeners.iter().any(|l| l.default_action.contains(&g.name) || l.rules.iter().any(|r| r.actions.contains(&g.name)));
            if let (true, Some(tg_part)) = (forwards, g.arn.rsplit(':').next()) {
                out.push(format!("{lb_part}/{tg_part}"));
            }
        }
    }
    out
}

/// The scalable target `resource_id` of an ECS service's desired count.
fn base(resource_id: &str) -> Value {
    json!({ "ServiceNamespace": "ecs", "ResourceId": resource_id, "ScalableDimension": DIMENSION })
}

pub fn register_target_input(resource_id: &str, min: &str, max: &str) -> Result<Value, String> {
    let mut input = base(resource_id);
    input["MinCapacity"] = json!(whole(min, "MinCapacity")?);
    input["MaxCapacity"] = json!(whole(max, "MaxCapacity")?);
    Ok(input)
}

/// The target tracking form's fields as typed.
pub struct TargetTracking<'a> {
    pub resource_id: &'a str,
    pub name: &'a str,
    pub metric: &'a str,
    pub value: &'a str,
    /// The ResourceLabel of ALBRequestCountPerTarget.
    pub label: &'a str,
    pub scale_out_cooldown: &'a str,
    pub scale_in_cooldown: &'a str,
    pub disable_scale_in: bool,
}

impl TargetTracking<'_> {
    pub fn input(&self) -> Result<Value, String> {
        let mut spec = json!({ "PredefinedMetricType": self.metric });
        if self.metric == "ALBRequestCountPerTarget" {
            spec["ResourceLabel"] = json!(self.label.trim());
        }
        let mut input = base(self.resource_id);
        input["PolicyName"] = json!(self.name.trim());
        input["PolicyType"] = json!("TargetTrackingScaling");
        input["TargetTrackingScalingPolicyConfiguration"] = json!({
            "TargetValue": number(self.value, "TargetValue")?, "PredefinedMetricSpecification": spec,
            "ScaleOutCooldown": whole(self.scale_out_cooldown, "ScaleOutCooldown")?, "ScaleInCooldown": whole(self.scale_in_cooldown, "ScaleInCooldown")?, "DisableScaleIn": self.disable_scale_in,
        });
        Ok(input)
    }
}

/// The step scaling form's fields as typed: the policy and the alarm that runs it.
pub struct StepScaling<'a> {
    pub resource_id: &'a str,
    pub name: &'a str,
    pub adjustment_type: &'a str,
    pub steps: &'a str,
    pub cooldown: &'a str,
    pub metric: &'a str,
    pub comparison: &'a str,
    pub threshold: &'a str,
    pub periods: &'a str,
}

impl StepScaling<'_> {
    /// The PutScalingPolicy input and the PutMetricAlarm input, which still needs the policy's ARN in
    /// `AlarmActions` (see [`with_alarm_action`]).
    pub fn inputs(&self) -> Result<(Value, Value), String> {
        let mut input = base(self.resource_id);
        input["PolicyName"] = json!(self.name.trim());
        input["PolicyType"] = json!("StepScaling");
        input["StepScalingPolicyConfiguration"] = json!({ "AdjustmentType": self.adjustment_type, "StepAdjustments": step_adjustments(self.steps)?, "Cooldown": whole(self.cooldown, "Cooldown")?, "MetricAggregationType": "Average" });
        let (cluster, service) = self.resource_id.strip_prefix("service/").and_then(|r| r.split_once('/')).ok_or("Pick a service first.")?;
        let alarm = json!({
            "AlarmName": format!("{}-alarm", self.name.trim()), "Namespace": "AWS/ECS", "MetricName": self.metric, "Statistic": "Average", "Period": 60,
            "EvaluationPeriods": whole(self.periods, "EvaluationPeriods")?, "Threshold": number(self.threshold, "Threshold")?, "ComparisonOperator": self.comparison,
            "Dimensions": [{ "Name": "ClusterName", "Value": cluster }, { "Name": "ServiceName", "Value": service }],
        });
        Ok((input, alarm))
    }
}

/// The alarm input of [`StepScaling::inputs`] with the ARN PutScalingPolicy answered.
pub fn with_alarm_action(mut alarm: Value, policy_answer: &Value) -> Value {
    alarm["AlarmActions"] = json!([policy_answer["PolicyARN"]]);
    alarm
}

pub fn scheduled_action_input(resource_id: &str, name: &str, schedule: &str, min: &str, max: &str) -> Result<Value, String> {
    let mut action = json!({});
    if !min.trim().is_empty() {
        action["MinCapacity"] = json!(whole(min, "MinCapacity")?);
    }
    if !max.trim().is_empty() {
        action["MaxCapacity"] = json!(whole(max, "MaxCapacity")?);
    }
    let mut input = base(resource_id);
    input["ScheduledActionName"] = json!(name.trim());
    input["Schedule"] = json!(schedule.trim());
    input["ScalableTargetAction"] = action;
    Ok(input)
}

/// The launch template and Auto Scaling group form's fields as typed.
pub struct AutoScalingGroup<'a> {
    pub cluster: Option<&'a str>,
    pub launch_template: &'a str,
    pub instance_type: &'a str,
    pub profile: &'a str,
    pub name: &'a str,
    pub min: &'a str,
    pub max: &'a str,
    pub desired: &'a str,
    pub protect_from_scale_in: bool,
}

impl AutoScalingGroup<'_> {
    /// CreateLaunchTemplate then CreateAutoScalingGroup over every subnet of `view`.
    pub fn calls(&self, view: &View) -> Result<Vec<(&'static str, Value)>, String> {
        let cluster = self.cluster.ok_or("Create a cluster first (Cluster tab).")?;
        let lt = json!({ "LaunchTemplateName": self.launch_template.trim(), "LaunchTemplateData": {
            "InstanceType": self.instance_type, "IamInstanceProfile": { "Name": self.profile.trim() },
            "UserData": format!("#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config") } });
        let asg = json!({ "AutoScalingGroupName": self.name.trim(), "LaunchTemplate": { "LaunchTemplateName": self.launch_template.trim(), "Version": "$Latest" },
            "MinSize": whole(self.min, "MinSize")?, "MaxSize": whole(self.max, "MaxSize")?, "DesiredCapacity": whole(self.desired, "DesiredCapacity")?,
            "VPCZoneIdentifier": subnet_ids(view).join(","), "NewInstancesProtectedFromScaleIn": self.protect_from_scale_in });
        Ok(vec![("ec2:CreateLaunchTemplate", lt), ("autoscaling:CreateAutoScalingGroup", asg)])
    }
}

/// The capacity provider form's fields as typed.
pub struct CapacityProvider<'a> {
    pub name: &'a str,
    pub auto_scaling_group: &'a str,
    pub managed_scaling: bool,
    pub target_capacity: &'a str,
    pub min_step: &'a str,
    pub max_step: &'a str,
    pub warmup: &'a str,
    pub managed_termination_protection: bool,
}

impl CapacityProvider<'_> {
    pub fn input(&self) -> Result<Value, String> {
        Ok(json!({ "name": self.name.trim(), "autoScalingGroupProvider": {
            "autoScalingGroupArn": self.auto_scaling_group,
            "managedScaling": { "status": if self.managed_scaling { "ENABLED" } else { "DISABLED" }, "targetCapacity": whole(self.target_capacity, "targetCapacity")?,
                "minimumScalingStepSize": whole(self.min_step, "minimumScalingStepSize")?, "maximumScalingStepSize": whole(self.max_step, "maximumScalingStepSize")?,
                "instanceWarmupPeriod": whole(self.warmup, "instanceWarmupPeriod")? },
            "managedTerminationProtection": if self.managed_termination_protection { "ENABLED" } else { "DISABLED" } } }))
    }
}

/// PutClusterCapacityProviders with `provider` as the one-item default strategy.
pub fn put_cluster_providers_input(cluster: Option<&str>, provider: &str, base: &str, weight: &str) -> Result<Value, String> {
    let cluster = cluster.ok_or("Create a cluster first (Cluster tab).")?;
    Ok(json!({ "cluster": cluster, "capacityProviders": [provider],
        "defaultCapacityProviderStrategy": [{ "capacityProvider": provider, "base": whole(base, "base")?, "weight": whole(weight, "weight")? }] }))
}
