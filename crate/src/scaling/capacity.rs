//! EC2 capacity: launch templates, Auto Scaling groups, ECS capacity providers with managed scaling
//! and managed termination protection, cluster capacity-provider associations, and the capacity
//! provider strategy split (reference §5.5).
//!
//! Managed scaling each minute: `CapacityProviderReservation = M / N × 100` (M instances needed, N
//! running). With N = 0 and tasks waiting it is 200. Above `targetCapacity` ECS scales out at once
//! (AlarmHigh, 1 datapoint); below it for 15 minutes it scales in, by at least one instance and less
//! than half of the group per minute, only empty instances (daemon tasks only).

use crate::table::Table;

use serde_json::{json, Value};

use super::model::*;
use super::util::{iso, long_id, uuid_like};
use crate::api::texts::{self, Ending};
use crate::api::{ApiError, ApiResult, Dialect, Request};
use crate::catalog::InstanceType;

pub const FARGATE: &str = "FARGATE";
pub const FARGATE_SPOT: &str = "FARGATE_SPOT";
/// Minutes below target before a managed scale-in (the low alarm's 15 datapoints).
pub const SCALE_IN_MINUTES: u32 = 15;
/// Capacity providers per cluster and per strategy (reference §5.5/§12; current page value 20).
pub const MAX_PROVIDERS: usize = 20;

/// What one empty instance offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceCapacity {
    pub cpu_units: u32,
    pub memory_mib: u32,
    /// Task ENIs (`None` = no limit modelled).
    pub task_enis: Option<u32>,
}

impl InstanceCapacity {
    pub fn of(it: &InstanceType) -> InstanceCapacity {
        InstanceCapacity { cpu_units: it.registered_cpu_units(), memory_mib: it.registered_memory_mib(), task_enis: Some(it.task_eni_limit(false)) }
    }
}

/// Instances of one type needed for pending tasks: first-fit decreasing on empty instances (tasks
/// grouped by identical requirements pack the same way). Tasks too big for an empty instance are left
/// out: they stay PENDING and do not drive scaling.
pub fn instances_needed(pending: &[TaskDemand], cap: InstanceCapacity) -> u32 {
    let mut tasks: Vec<TaskDemand> = pending
        .iter()
        .copied()
        .filter(|t| t.cpu_units <= cap.cpu_units && t.memory_mib <= cap.memory_mib && (!t.awsvpc || cap.task_enis.is_none_or(|e| e >= 1)))
        .collect();
    crate::order::sort_by_key(&mut tasks, |t| std::cmp::Reverse((t.memory_mib, t.cpu_units)));
    let mut bins: Vec<(u32, u32, u32)> = Vec::new(); // remaining cpu, mem, enis
    for t in tasks {
        let fits = |b: &(u32, u32, u32)| b.0 >= t.cpu_units && b.1 >= t.memory_mib && (!t.awsvpc || b.2 >= 1);
        let idx = match bins.iter().position(fits) {
            Some(i) => i,
            None => {
                bins.push((cap.cpu_units, cap.memory_mib, cap.task_enis.unwrap_or(u32::MAX)));
                bins.len() - 1
            }
        };
        let b = &mut bins[idx];
        b.0 -= t.cpu_units;
        b.1 -= t.memory_mib;
        if t.awsvpc {
            b.2 = b.2.saturating_sub(1);
        }
    }
    bins.len() as u32
}

/// `CapacityProviderReservation` in percent: `ceil(M × 100 / N)`; 200 when N = 0 and M > 0; 100 when
/// both are 0.
pub fn capacity_provider_reservation(needed: u32, running: u32) -> u32 {
    match (needed, running) {
        (0, 0) => 100,
        (_, 0) => 200,
        (m, n) => ((m as u64 * 100).div_ceil(n as u64)).min(u32::MAX as u64) as u32,
    }
}

/// Instances to launch for a scale-out: the ASG desired that brings the reservation to the target,
/// `ceil(M × 100 / target)`, less N; raised to `minimumScalingStepSize`, capped at
/// `maximumScalingStepSize`. From zero instances the first scale-out is at least 2 (the 200 % case).
pub fn scale_out_step(needed: u32, running: u32, ms: &ManagedScaling) -> u32 {
    let target = ms.target_capacity.clamp(1, 100) as u64;
    let want = (needed as u64 * 100).div_ceil(target).min(u32::MAX as u64) as u32;
    let mut step = want.saturating_sub(running);
    if running == 0 && needed > 0 {
        step = step.max(2);
    }
    step.max(ms.min_step.max(1)).min(ms.max_step.max(1))
}

/// Instances a managed scale-in may remove this minute: `N - ceil(M × 100 / target)`, at least one,
/// less than half of N, and no more than the empty instances.
pub fn scale_in_step(needed: u32, running: u32, empty: u32, ms: &ManagedScaling) -> u32 {
    let target = ms.target_capacity.clamp(1, 100) as u64;
    let keep = (needed as u64 * 100).div_ceil(target).min(running as u64) as u32;
    let excess = running - keep;
    let half_cap = running.saturating_sub(1) / 2; // strictly less than 50 %
    excess.min(half_cap.max(1)).min(empty)
}

/// Splits `n_tasks` new tasks over a strategy: the provider with a `base` gets tasks until it runs
/// `base`; the rest go one at a time to the weighted provider whose `(count + 1) / weight` is smallest
/// (ties: strategy order), counting the base provider's tasks above its base. Providers of weight 0
/// get no tasks beyond a base, except the only provider of a one-item strategy, which gets every task.
/// `current` holds tasks already running per provider.
pub fn split_by_strategy(strategy: &[StrategyItem], n_tasks: u32, current: &Table<String, u32>) -> Vec<(String, u32)> {
    if let [only] = strategy {
        return if n_tasks > 0 { vec![(only.provider.clone(), n_tasks)] } else { vec![] };
    }
    let mut counts: Vec<u32> = strategy.iter().map(|s| current.get(&s.provider).copied().unwrap_or(0)).collect();
    let mut added: Vec<u32> = vec![0; strategy.len()];
    for _ in 0..n_tasks {
        if let Some(i) = strategy.iter().enumerate().position(|(i, s)| s.base > 0 && counts[i] < s.base) {
            counts[i] += 1;
            added[i] += 1;
            continue;
        }
        let mut best: Option<usize> = None;
        for (i, s) in strategy.iter().enumerate() {
            if s.weight == 0 {
                continue;
            }
            let above = counts[i].saturating_sub(s.base) as u64 + 1;
            best = match best {
                None => Some(i),
                Some(b) => {
                    let bb = counts[b].saturating_sub(strategy[b].base) as u64 + 1;
                    // above / w_i < bb / w_b  <=>  above * w_b < bb * w_i
                    if above * (strategy[b].weight as u64) < bb * (s.weight as u64) { Some(i) } else { Some(b) }
                }
            };
        }
        let Some(b) = best else { break };
        counts[b] += 1;
        added[b] += 1;
    }
    strategy.iter().zip(added).filter(|(_, n)| *n > 0).map(|(s, n)| (s.provider.clone(), n)).collect()
}

/// A strategy as the API shows it: `[{capacityProvider, weight, base}]`.
pub fn strategy_json(strategy: &[StrategyItem]) -> Value {
    Value::Array(strategy.iter().map(|s| json!({"capacityProvider": s.provider, "weight": s.weight, "base": s.base})).collect())
}

/// Parses and checks a strategy (`[{capacityProvider, base, weight}]`) against the providers known.
pub fn parse_strategy(v: &Value, is_asg_provider: &dyn Fn(&str) -> Option<bool>) -> Result<Vec<StrategyItem>, ApiError> {
    let Some(arr) = v.as_array() else { return Err(ApiError::invalid_parameter("capacityProviderStrategy must be a list")) };
    if arr.len() > MAX_PROVIDERS {
        return Err(ApiError::invalid_parameter(format!("A capacity provider strategy can contain at most {MAX_PROVIDERS} capacity providers.")));
    }
    let mut out: Vec<StrategyItem> = Vec::new();
    for item in arr {
        // A strategy is an Amazon ECS member wherever it is given.
        let item = Request::new(item, Dialect::Ecs);
        let Some(name) = item.str("capacityProvider") else {
            return Err(ApiError::invalid_parameter("capacityProvider is required in each capacity provider strategy item"));
        };
        let base = item.int_in_range("base", 0, 100_000)?.unwrap_or(0) as u32;
        let weight = item.int_in_range("weight", 0, 1000)?.unwrap_or(0) as u32;
        if is_asg_provider(name).is_none() {
            return Err(ApiError::invalid_parameter(format!("The specified capacity provider '{name}' was not found.")));
        }
        if out.iter().any(|s| s.provider == name) {
            return Err(ApiError::invalid_parameter(format!("The capacity provider '{name}' appears more than once in the strategy.")));
        }
        out.push(StrategyItem { provider: name.to_string(), base, weight });
    }
    if out.iter().filter(|s| s.base > 0).count() > 1 {
        return Err(ApiError::invalid_parameter("Only one capacity provider in a capacity provider strategy can have a base defined."));
    }
    let asg = out.iter().filter(|s| is_asg_provider(&s.provider) == Some(true)).count();
    if asg > 0 && asg < out.len() {
        return Err(ApiError::invalid_parameter("A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again."));
    }
    // BOTO CapacityProviderStrategyItem.weight: with several providers, at least one needs a weight above 0.
    if out.len() > 1 && out.iter().all(|s| s.weight == 0) {
        return Err(ApiError::invalid_parameter("At least one capacity provider in the strategy must have a weight greater than 0."));
    }
    Ok(out)
}

impl ScalingState {
    pub(crate) fn capacity_handle(&mut self, call: &str, request: &Request, ctx: &ScalingContext) -> ApiResult {
        match call {
            "ec2:CreateLaunchTemplate" => self.create_launch_template(request, ctx),
            "autoscaling:CreateAutoScalingGroup" => self.create_asg(request, ctx),
            "autoscaling:SetDesiredCapacity" => self.set_desired_capacity(request, ctx),
            "autoscaling:UpdateAutoScalingGroup" => self.update_asg(request, ctx),
            "autoscaling:DescribeAutoScalingGroups" => self.describe_asgs(request),
            "autoscaling:SetInstanceProtection" => self.set_instance_protection(request),
            "ecs:CreateCapacityProvider" => self.create_capacity_provider(request, ctx),
            "ecs:PutClusterCapacityProviders" => self.put_cluster_capacity_providers(request, ctx),
            "ecs:DescribeCapacityProviders" => self.describe_capacity_providers(request, ctx),
            _ => Err(ApiError::invalid_parameter(format!("Unknown call {call}"))),
        }
    }

    fn create_launch_template(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let bad = |m: String| ApiError::new("InvalidParameterValue", m);
        let name = request.str("LaunchTemplateName").filter(|n| !n.is_empty()).ok_or_else(|| ApiError::new("MissingParameter", "The request must contain the parameter LaunchTemplateName"))?;
        if name.len() < 3 || name.len() > 128 {
            return Err(bad(format!("Launch template name '{name}' must be 3 to 128 characters long.")));
        }
        if self.launch_templates.values().any(|t| t.name == name) {
            return Err(ApiError::new("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.".to_string()));
        }
        let data = request.member("LaunchTemplateData");
        let instance_type = data.str("InstanceType").unwrap_or("").to_string();
        if !instance_type.is_empty() && crate::catalog::instance_type(&instance_type).is_none() {
            return Err(bad(format!("Invalid value '{instance_type}' for InstanceType. The playground knows the types in its catalog.")));
        }
        // The profile's Arn when given (even as a non-string), else its Name.
        let profile = data.member("IamInstanceProfile");
        let profile = if profile.contains("Arn") { profile.str("Arn") } else { profile.str("Name") }.map(str::to_string);
        let counter = self.next();
        let id = long_id("lt", counter);
        let now = ctx.now_epoch_ms();
        let lt = LaunchTemplate {
            id: id.clone(),
            name: name.to_string(),
            instance_type,
            iam_instance_profile: profile,
            user_data: data.str("UserData").map(str::to_string),
            security_group_ids: data.strings("SecurityGroupIds"),
            created_ms: now,
        };
        self.launch_templates.insert(id.clone(), lt);
        Ok(json!({"LaunchTemplate": {
            "LaunchTemplateId": id, "LaunchTemplateName": name, "CreateTime": iso(now),
            "CreatedBy": format!("arn:aws:iam::{}:root", ctx.account_id), "DefaultVersionNumber": 1, "LatestVersionNumber": 1,
        }}))
    }

    fn find_launch_template(&self, spec: &Request) -> Option<&LaunchTemplate> {
        if let Some(id) = spec.str("LaunchTemplateId") {
            return self.launch_templates.get(id);
        }
        let name = spec.str("LaunchTemplateName")?;
        self.launch_templates.values().find(|t| t.name == name)
    }

    fn create_asg(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let name = request.required_member("AutoScalingGroupName")?;
        if self.asgs.contains_key(name) {
            return Err(ApiError::new("AlreadyExists", format!("AutoScalingGroup by this name already exists - A group with the name {name} already exists")));
        }
        let mixed_policy = request.member("MixedInstancesPolicy");
        let template_spec = if request.contains("LaunchTemplate") {
            request.member("LaunchTemplate")
        } else if request.contains("MixedInstancesPolicy") {
            mixed_policy.member("LaunchTemplate").member("LaunchTemplateSpecification")
        } else {
            return Err(request.invalid("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter."));
        };
        let Some(lt) = self.find_launch_template(&template_spec).cloned() else {
            return Err(request.invalid("You must use a valid fully-formed launch template. The specified launch template does not exist."));
        };
        let mixed = if request.contains("MixedInstancesPolicy") { Some(parse_mixed_instances(&mixed_policy, &lt, request)?) } else { None };
        if lt.instance_type.is_empty() && mixed.is_none() {
            return Err(request.invalid("You must use a valid fully-formed launch template. The launch template does not specify an instance type."));
        }
        let min = request.required_int_in_range("MinSize", 0, 10_000)? as u32;
        let max = request.required_int_in_range("MaxSize", 0, 10_000)? as u32;
        let desired = request.int_in_range("DesiredCapacity", 0, 10_000)?.map(|v| v as u32).unwrap_or(min);
        check_group_sizes(request, min, max, desired)?;
        let subnets: Vec<String> = request.str("VPCZoneIdentifier").unwrap_or("").split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        if subnets.is_empty() {
            return Err(request.invalid("No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC."));
        }
        if let Some(bad) = subnets.iter().find(|s| !ctx.subnets.is_empty() && !ctx.subnets.iter().any(|(id, _)| id == *s)) {
            return Err(request.invalid(format!("The subnet ID '{bad}' does not exist")));
        }
        let counter = self.next();
        let now = ctx.now_epoch_ms();
        let asg = AutoScalingGroup {
            name: name.to_string(),
            arn: format!("arn:aws:autoscaling:{}:{}:autoScalingGroup:{}:autoScalingGroupName/{name}", ctx.region, ctx.account_id, uuid_like("asg", counter)),
            launch_template_id: lt.id.clone(),
            launch_template_name: lt.name.clone(),
            min,
            max,
            desired,
            subnets,
            new_instances_protected: request.bool("NewInstancesProtectedFromScaleIn").unwrap_or(false),
            instances: Table::new(),
            created_ms: now,
            mixed,
        };
        self.asgs.insert(name.to_string(), asg);
        self.reconcile_asg(name, ctx, &format!("a user request created an AutoScalingGroup changing the desired capacity from 0 to {desired}"));
        Ok(json!({}))
    }

    fn set_desired_capacity(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let name = request.str("AutoScalingGroupName").unwrap_or("");
        let desired = request.required_int_in_range("DesiredCapacity", 0, 10_000)? as u32;
        let Some(asg) = self.asgs.get_mut(name) else {
            return Err(request.invalid(format!("AutoScalingGroup name not found - AutoScalingGroup '{name}' not found")));
        };
        if desired > asg.max {
            return Err(request.invalid(format!("New SetDesiredCapacity value {desired} is above max value {} for the AutoScalingGroup.", asg.max)));
        }
        if desired < asg.min {
            return Err(request.invalid(format!("New SetDesiredCapacity value {desired} is below min value {} for the AutoScalingGroup.", asg.min)));
        }
        let from = asg.desired;
        asg.desired = desired;
        self.reconcile_asg(name, ctx, &format!("a user request explicitly set group desired capacity changing the desired capacity from {from} to {desired}"));
        Ok(json!({}))
    }

    /// `autoscaling:UpdateAutoScalingGroup`: the group's MinSize, MaxSize and DesiredCapacity (each kept when
    /// not given; a desired capacity left outside new bounds moves to the nearest bound, as AWS does), then the
    /// group launches or terminates instances toward it. The other members of the call are not modelled.
    fn update_asg(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let name = request.required_member("AutoScalingGroupName")?;
        let min = request.int_in_range("MinSize", 0, 10_000)?.map(|v| v as u32);
        let max = request.int_in_range("MaxSize", 0, 10_000)?.map(|v| v as u32);
        let desired = request.int_in_range("DesiredCapacity", 0, 10_000)?.map(|v| v as u32);
        let Some(asg) = self.asgs.get(name) else {
            // [UNVERIFIED]: the same text as SetDesiredCapacity's for a group that does not exist.
            return Err(request.invalid(format!("AutoScalingGroup name not found - AutoScalingGroup '{name}' not found")));
        };
        let (new_min, new_max) = (min.unwrap_or(asg.min), max.unwrap_or(asg.max));
        let new_desired = desired.unwrap_or_else(|| asg.desired.clamp(new_min.min(new_max), new_max));
        check_group_sizes(request, new_min, new_max, new_desired)?;
        let Some(asg) = self.asgs.get_mut(name) else { return Ok(json!({})) };
        let from = asg.desired;
        (asg.min, asg.max, asg.desired) = (new_min, new_max, new_desired);
        if from != new_desired {
            self.reconcile_asg(name, ctx, &format!("a user request update of AutoScalingGroup constraints to min: {new_min}, max: {new_max}, desired: {new_desired} changing the desired capacity from {from} to {new_desired}"));
        }
        Ok(json!({}))
    }

    fn describe_asgs(&self, request: &Request) -> ApiResult {
        let names = request.strings("AutoScalingGroupNames");
        let list: Vec<Value> = self
            .asgs
            .values()
            .filter(|a| names.is_empty() || names.contains(&a.name))
            .map(|a| {
                let lt = json!({"LaunchTemplateId": a.launch_template_id, "LaunchTemplateName": a.launch_template_name, "Version": "$Default"});
                let mut azs: Vec<String> = a.instances.values().map(|i| i.availability_zone.clone()).collect();
                crate::order::sort(&mut azs);
                azs.dedup();
                let mut group = json!({
                    "AutoScalingGroupName": a.name, "AutoScalingGroupARN": a.arn, "LaunchTemplate": lt,
                    "MinSize": a.min, "MaxSize": a.max, "DesiredCapacity": a.desired, "DefaultCooldown": 300,
                    "AvailabilityZones": azs, "HealthCheckType": "EC2", "HealthCheckGracePeriod": 300,
                    "Instances": a.instances.values().map(|i| json!({
                        "InstanceId": i.instance_id, "InstanceType": i.instance_type, "AvailabilityZone": i.availability_zone,
                        "LifecycleState": "InService", "HealthStatus": "Healthy", "LaunchTemplate": lt, "ProtectedFromScaleIn": i.protected,
                    })).collect::<Vec<_>>(),
                    "CreatedTime": iso(a.created_ms), "VPCZoneIdentifier": a.subnets.join(","),
                    "NewInstancesProtectedFromScaleIn": a.new_instances_protected, "TerminationPolicies": ["Default"],
                });
                if let Some(mixed) = &a.mixed {
                    group["MixedInstancesPolicy"] = json!({
                        "LaunchTemplate": {
                            "LaunchTemplateSpecification": { "LaunchTemplateId": a.launch_template_id, "LaunchTemplateName": a.launch_template_name, "Version": "$Default" },
                            "Overrides": mixed.instance_types.iter().map(|t| json!({ "InstanceType": t })).collect::<Vec<_>>(),
                        },
                        "InstancesDistribution": {
                            "OnDemandAllocationStrategy": "prioritized", "OnDemandBaseCapacity": mixed.on_demand_base_capacity,
                            "OnDemandPercentageAboveBaseCapacity": mixed.on_demand_percentage_above_base, "SpotAllocationStrategy": mixed.spot_allocation_strategy,
                        },
                    });
                    group.as_object_mut().map(|g| g.remove("LaunchTemplate"));
                }
                group
            })
            .collect();
        Ok(json!({ "AutoScalingGroups": list }))
    }

    fn set_instance_protection(&mut self, request: &Request) -> ApiResult {
        let name = request.str("AutoScalingGroupName").unwrap_or("");
        let ids = request.strings("InstanceIds");
        let Some(p) = request.bool("ProtectedFromScaleIn") else {
            return Err(request.invalid(texts::is_required("ProtectedFromScaleIn", Ending::Clause)));
        };
        let Some(asg) = self.asgs.get_mut(name) else {
            return Err(request.invalid(format!("AutoScalingGroup name not found - AutoScalingGroup '{name}' not found")));
        };
        if let Some(bad) = ids.iter().find(|i| !asg.instances.contains_key(*i)) {
            return Err(request.invalid(format!("The instance {bad} is not part of Auto Scaling group {name}.")));
        }
        for id in ids {
            if let Some(i) = asg.instances.get_mut(&id) {
                i.protected = p;
            }
        }
        Ok(json!({}))
    }

    /// Brings an ASG's instances to its desired capacity: launches new instances (spread over the
    /// subnets round-robin), or terminates unprotected instances, newest first, when above it.
    /// Protected instances are never terminated; the group then stays above desired. `cause` is what changed
    /// the desired capacity, as the first sentence of the activities' causes (without its time).
    pub(crate) fn reconcile_asg(&mut self, name: &str, ctx: &ScalingContext, cause: &str) {
        let now = ctx.now_epoch_ms();
        let Some(asg) = self.asgs.get(name).cloned() else { return };
        let lt = self.launch_templates.get(&asg.launch_template_id).cloned();
        let have = asg.instances.len() as u32;
        if asg.desired > have {
            for k in 0..(asg.desired - have) {
                let counter = self.next();
                let id = long_id("i", counter);
                let subnet = asg.subnets.get(((have + k) as usize) % asg.subnets.len().max(1)).cloned().unwrap_or_default();
                let az = ctx.subnets.iter().find(|(s, _)| *s == subnet).map(|(_, a)| a.clone()).unwrap_or_default();
                let (spot, itype) = match &asg.mixed {
                    Some(mixed) => {
                        let spot = mixed.is_spot(have + k);
                        let n_spot = self.asgs.get(name).map_or(0, |a| a.instances.values().filter(|i| i.spot).count() as u32);
                        (spot, mixed.instance_type(spot, n_spot))
                    }
                    None => (false, lt.as_ref().map(|l| l.instance_type.clone()).unwrap_or_default()),
                };
                let inst = AsgInstance { instance_id: id.clone(), instance_type: itype.clone(), subnet_id: subnet.clone(), availability_zone: az.clone(), protected: asg.new_instances_protected, launched_ms: now, spot };
                if let Some(a) = self.asgs.get_mut(name) {
                    a.instances.insert(id.clone(), inst);
                }
                let t = super::asgpolicy::cause_time(now);
                self.record_asg_activity(
                    name,
                    format!("Launching a new EC2 instance: {id}"),
                    format!("At {t} {cause}.  At {t} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from {} to {}.", have + k, have + k + 1),
                    format!("{{\"Subnet ID\":\"{subnet}\",\"Availability Zone\":\"{az}\"}}"),
                    now,
                );
                self.actions.push(ScalingAction::LaunchInstance {
                    asg: name.to_string(),
                    instance_id: id,
                    instance_type: itype,
                    launch_template_id: asg.launch_template_id.clone(),
                    iam_instance_profile: lt.as_ref().and_then(|l| l.iam_instance_profile.clone()),
                    user_data: lt.as_ref().and_then(|l| l.user_data.clone()),
                    subnet_id: subnet,
                    availability_zone: az,
                    spot,
                });
            }
        } else if asg.desired < have {
            let mut candidates: Vec<&AsgInstance> = asg.instances.values().filter(|i| !i.protected).collect();
            crate::order::sort_by(&mut candidates, |a, b| (b.launched_ms, &b.instance_id).cmp(&(a.launched_ms, &a.instance_id)));
            let victims: Vec<String> = candidates.iter().take((have - asg.desired) as usize).map(|i| i.instance_id.clone()).collect();
            self.terminate(name, &victims, cause, now);
        }
    }

    /// An instance of a group ended outside the group (EC2 reclaimed a Spot Instance): the group forgets it and
    /// launches a replacement to keep its desired capacity. Returns whether the instance was the group's.
    pub(crate) fn instance_reclaimed(&mut self, instance_id: &str, ctx: &ScalingContext) -> bool {
        let Some(name) = self.asgs.values().find(|a| a.instances.contains_key(instance_id)).map(|a| a.name.clone()) else { return false };
        if let Some(asg) = self.asgs.get_mut(&name) {
            asg.instances.remove(instance_id);
        }
        self.reconcile_asg(&name, ctx, &format!("an instance was taken out of service in response to an EC2 Spot Instance interruption of {instance_id}"));
        true
    }

    fn terminate(&mut self, asg: &str, ids: &[String], cause: &str, now: u64) {
        let reason = "an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity";
        let t = super::asgpolicy::cause_time(now);
        for id in ids {
            let Some(a) = self.asgs.get_mut(asg) else { continue };
            let have = a.instances.len();
            let Some(inst) = a.instances.remove(id) else { continue };
            self.record_asg_activity(
                asg,
                format!("Terminating EC2 instance: {id}"),
                format!("At {t} {cause}.  At {t} {reason} from {have} to {}.  At {t} instance {id} was selected for termination.", have - 1),
                format!("{{\"Subnet ID\":\"{}\",\"Availability Zone\":\"{}\"}}", inst.subnet_id, inst.availability_zone),
                now,
            );
            self.actions.push(ScalingAction::TerminateInstance { asg: asg.to_string(), instance_id: id.clone(), reason: reason.to_string() });
        }
    }

    fn create_capacity_provider(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let name = request.str("name").filter(|n| !n.is_empty()).ok_or_else(|| request.invalid(texts::is_required("name", Ending::Clause)))?;
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("aws") || lower.starts_with("ecs") || lower.starts_with("fargate") {
            return Err(ApiError::client("The specified capacity provider name is invalid. Capacity provider names cannot be prefixed with 'aws', 'ecs', or 'fargate'."));
        }
        if name.len() > 255 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(ApiError::client("The specified capacity provider name is invalid. Up to 255 letters, numbers, hyphens and underscores are allowed."));
        }
        if self.capacity_providers.contains_key(name) {
            return Err(ApiError::client("The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider."));
        }
        if !request.contains("autoScalingGroupProvider") {
            return Err(request.invalid(texts::is_required("autoScalingGroupProvider", Ending::Clause)));
        }
        let p = request.member("autoScalingGroupProvider");
        let asg_ref = p.str("autoScalingGroupArn").unwrap_or("");
        let Some(asg) = self.asgs.values().find(|a| a.arn == asg_ref || a.name == asg_ref).cloned() else {
            return Err(ApiError::client(format!("The specified Auto Scaling group ARN '{asg_ref}' is not valid or does not exist.")));
        };
        if self.capacity_providers.values().any(|c| c.asg_name == asg.name) {
            return Err(ApiError::client("The specified Auto Scaling group is already in use by another capacity provider."));
        }
        let mut ms = ManagedScaling::default();
        if p.contains("managedScaling") {
            let m = p.member("managedScaling");
            ms.enabled = m.str("status").unwrap_or("ENABLED") == "ENABLED";
            ms.target_capacity = m.int_in_range("targetCapacity", 1, 100)?.unwrap_or(100) as u32;
            ms.min_step = m.int_in_range("minimumScalingStepSize", 1, 10_000)?.unwrap_or(1) as u32;
            ms.max_step = m.int_in_range("maximumScalingStepSize", 1, 10_000)?.unwrap_or(10_000) as u32;
            ms.warmup_s = m.int_in_range("instanceWarmupPeriod", 0, 10_000)?.unwrap_or(300) as u32;
            if ms.min_step > ms.max_step {
                return Err(m.invalid("minimumScalingStepSize must be less than or equal to maximumScalingStepSize."));
            }
        }
        let mtp = p.str("managedTerminationProtection").unwrap_or("DISABLED") == "ENABLED";
        if mtp && !ms.enabled {
            return Err(ApiError::client("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, you must also enable managed scaling."));
        }
        if mtp && !asg.new_instances_protected {
            return Err(ApiError::client("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled."));
        }
        // A capacity provider takes a number from the id counter although its ARN does not show it, so the
        // resources created after it keep their ids.
        self.next();
        let cp = CapacityProvider {
            name: name.to_string(),
            arn: format!("arn:aws:ecs:{}:{}:capacity-provider/{name}", ctx.region, ctx.account_id),
            asg_name: asg.name.clone(),
            asg_arn: asg.arn.clone(),
            managed_scaling: ms,
            managed_termination_protection: mtp,
            last_reservation: None,
            low_minutes: 0,
            last_scale_out_ms: None,
        };
        let out = self.cp_json(&cp);
        self.capacity_providers.insert(name.to_string(), cp);
        Ok(json!({ "capacityProvider": out }))
    }

    fn cp_json(&self, cp: &CapacityProvider) -> Value {
        let ms = &cp.managed_scaling;
        json!({
            "capacityProviderArn": cp.arn, "name": cp.name, "status": "ACTIVE",
            "autoScalingGroupProvider": {
                "autoScalingGroupArn": cp.asg_arn,
                "managedScaling": {
                    "status": if ms.enabled { "ENABLED" } else { "DISABLED" }, "targetCapacity": ms.target_capacity,
                    "minimumScalingStepSize": ms.min_step, "maximumScalingStepSize": ms.max_step, "instanceWarmupPeriod": ms.warmup_s,
                },
                "managedTerminationProtection": if cp.managed_termination_protection { "ENABLED" } else { "DISABLED" },
            },
            "tags": [],
        })
    }

    /// `Some(true)` for an ASG provider, `Some(false)` for FARGATE/FARGATE_SPOT, `None` if unknown.
    pub fn provider_kind(&self, name: &str) -> Option<bool> {
        if name == FARGATE || name == FARGATE_SPOT {
            return Some(false);
        }
        self.capacity_providers.contains_key(name).then_some(true)
    }

    fn put_cluster_capacity_providers(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let cluster_ref = request.str("cluster").ok_or_else(|| request.invalid(texts::is_required("cluster", Ending::Clause)))?;
        let cluster = cluster_ref.rsplit('/').next().unwrap_or(cluster_ref).to_string();
        if !ctx.clusters.contains(&cluster) {
            return Err(ApiError::cluster_not_found());
        }
        if request.items("capacityProviders").is_none() {
            return Err(request.invalid("capacityProviders is required (an empty list removes them all)"));
        }
        let providers: Vec<String> = request.strings("capacityProviders").iter().map(|s| s.rsplit('/').next().unwrap_or(s).to_string()).collect();
        if providers.len() > MAX_PROVIDERS {
            return Err(ApiError::invalid_parameter(format!("A cluster can have at most {MAX_PROVIDERS} capacity providers.")));
        }
        for p in &providers {
            if self.provider_kind(p).is_none() {
                return Err(ApiError::invalid_parameter(format!("The specified capacity provider '{p}' was not found.")));
            }
            if let Some((other, _)) = self.cluster_providers.iter().find(|(c, cp)| **c != cluster && self.provider_kind(p) == Some(true) && cp.providers.contains(p)) {
                return Err(ApiError::invalid_parameter(format!("The capacity provider '{p}' is already associated with cluster '{other}'. An Auto Scaling group capacity provider can be associated with only one cluster.")));
            }
        }
        let kind = |n: &str| self.provider_kind(n);
        // An absent strategy is an empty one; a null one is refused as not a list.
        let strategy = if request.contains("defaultCapacityProviderStrategy") { parse_strategy(request.member("defaultCapacityProviderStrategy").input(), &kind)? } else { Vec::new() };
        if let Some(s) = strategy.iter().find(|s| !providers.contains(&s.provider)) {
            return Err(ApiError::invalid_parameter(format!("The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider '{}' with the cluster or specify a valid capacity provider and try again.", s.provider)));
        }
        let cp = ClusterProviders { providers: providers.clone(), default_strategy: strategy.clone() };
        self.cluster_providers.insert(cluster.clone(), cp);
        Ok(json!({"cluster": {
            "clusterArn": format!("arn:aws:ecs:{}:{}:cluster/{cluster}", ctx.region, ctx.account_id),
            "clusterName": cluster, "status": "ACTIVE", "capacityProviders": providers,
            "defaultCapacityProviderStrategy": strategy_json(&strategy),
        }}))
    }

    fn describe_capacity_providers(&self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let names: Vec<String> = request.strings("capacityProviders").iter().map(|s| s.rsplit('/').next().unwrap_or(s).to_string()).collect();
        let mut out = Vec::new();
        let mut failures = Vec::new();
        for f in [FARGATE, FARGATE_SPOT] {
            if names.is_empty() || names.iter().any(|n| n == f) {
                out.push(json!({"capacityProviderArn": format!("arn:aws:ecs:{}:{}:capacity-provider/{f}", ctx.region, ctx.account_id), "name": f, "status": "ACTIVE", "tags": []}));
            }
        }
        for cp in self.capacity_providers.values().filter(|c| names.is_empty() || names.contains(&c.name)) {
            out.push(self.cp_json(cp));
        }
        for n in names.iter().filter(|n| self.provider_kind(n).is_none()) {
            failures.push(json!({"arn": n, "reason": "MISSING"}));
        }
        Ok(json!({ "capacityProviders": out, "failures": failures }))
    }

    /// Managed scaling and managed termination protection for one provider, one minute.
    pub(crate) fn run_managed_scaling(&mut self, report: &ProviderReport, ctx: &ScalingContext, minute: u64) {
        let now = minute * 60_000;
        let Some(cp) = self.capacity_providers.get(&report.provider).cloned() else { return };
        let Some(asg) = self.asgs.get(&cp.asg_name).cloned() else { return };
        // Managed termination protection: protect instances with tasks, unprotect empty ones.
        if cp.managed_termination_protection {
            for (id, tasks) in &report.instances {
                if let Some(i) = self.asgs.get_mut(&cp.asg_name).and_then(|a| a.instances.get_mut(id)) {
                    i.protected = *tasks > 0;
                }
            }
        }
        let ms = cp.managed_scaling.clone();
        let running: Vec<&(String, u32)> = report.instances.iter().filter(|(id, _)| asg.instances.contains_key(id)).collect();
        let n = running.len() as u32;
        let busy = running.iter().filter(|(_, t)| *t > 0).count() as u32;
        let empty = n - busy;
        let itype = self.launch_templates.get(&asg.launch_template_id).and_then(|l| crate::catalog::instance_type(&l.instance_type));
        let extra = match itype {
            Some(it) => instances_needed(&report.pending, InstanceCapacity::of(it)),
            None => 0,
        };
        // M: instances that run tasks now plus the instances the waiting tasks need.
        let needed = busy + extra;
        let cpr = capacity_provider_reservation(needed, n);
        let cluster = self.cluster_providers.iter().find(|(_, c)| c.providers.contains(&cp.name)).map(|(c, _)| c.clone()).unwrap_or_default();
        self.metrics.put(&super::metrics::MetricKey::new("AWS/ECS/ManagedScaling", "CapacityProviderReservation", &[("CapacityProviderName", &cp.name), ("ClusterName", &cluster)]), minute, cpr as i64 * 1000);
        if let Some(c) = self.capacity_providers.get_mut(&cp.name) {
            c.last_reservation = Some(cpr);
        }
        if !ms.enabled {
            return;
        }
        let target = ms.target_capacity;
        // Instances launched but not yet registered count as capacity on the way.
        let launching = asg.instances.len() as u32 - n.min(asg.instances.len() as u32);
        if cpr > target {
            if let Some(c) = self.capacity_providers.get_mut(&cp.name) {
                c.low_minutes = 0;
            }
            let warming = cp.last_scale_out_ms.is_some_and(|t| now < t + ms.warmup_s as u64 * 1000);
            if warming || launching > 0 {
                return;
            }
            let step = scale_out_step(needed, n, &ms);
            let new_desired = (asg.desired.max(n) + step).min(asg.max);
            if new_desired > asg.desired {
                if let Some(a) = self.asgs.get_mut(&cp.asg_name) {
                    a.desired = new_desired;
                }
                if let Some(c) = self.capacity_providers.get_mut(&cp.name) {
                    c.last_scale_out_ms = Some(now);
                }
                self.reconcile_asg(&cp.asg_name, ctx, &managed_cause(&cp, "High", asg.desired, new_desired));
            }
        } else if cpr < target {
            let low = cp.low_minutes + 1;
            if let Some(c) = self.capacity_providers.get_mut(&cp.name) {
                c.low_minutes = low;
            }
            if low < SCALE_IN_MINUTES || !report.pending.is_empty() {
                return;
            }
            let remove = scale_in_step(needed, n, empty, &ms);
            if remove == 0 {
                return;
            }
            let new_desired = asg.desired.saturating_sub(remove).max(asg.min);
            if new_desired >= asg.desired {
                return;
            }
            let to_remove = asg.desired - new_desired;
            if let Some(a) = self.asgs.get_mut(&cp.asg_name) {
                a.desired = new_desired;
            }
            let cause = managed_cause(&cp, "Low", asg.desired, new_desired);
            if cp.managed_termination_protection {
                // ECS removed protection from empty instances only: the ASG terminates those.
                let empties: Vec<String> = running.iter().filter(|(id, t)| *t == 0 && !self.asgs.get(&cp.asg_name).is_some_and(|a| a.instances.get(id).is_some_and(|i| i.protected))).map(|(id, _)| id.clone()).take(to_remove as usize).collect();
                self.terminate(&cp.asg_name, &empties, &cause, now);
            } else {
                // Without protection the ASG picks by its own termination policy: it may pick an
                // instance with tasks, whose tasks then stop.
                self.reconcile_asg(&cp.asg_name, ctx, &cause);
            }
        } else if let Some(c) = self.capacity_providers.get_mut(&cp.name) {
            c.low_minutes = 0;
        }
    }
}

/// The cause of a managed scaling change: the target tracking policy ECS creates on the group and its
/// alarm. The policy and alarm names follow AWS's pattern; their generated suffixes are [UNVERIFIED].
fn managed_cause(cp: &CapacityProvider, high_or_low: &str, from: u32, to: u32) -> String {
    format!(
        "a monitor alarm TargetTracking-{}-Alarm{high_or_low} in state ALARM triggered policy ECSManagedAutoScalingPolicy-{} changing the desired capacity from {from} to {to}",
        cp.asg_name, cp.name
    )
}

/// Reads a `MixedInstancesPolicy`: its `Overrides` (each a known instance type) and its
/// `InstancesDistribution` (the defaults are AWS's: no On-Demand base, 100 % On-Demand above it,
/// `lowest-price` Spot allocation).
fn parse_mixed_instances(policy: &Request, template: &LaunchTemplate, request: &Request) -> Result<MixedInstances, ApiError> {
    let overrides = policy.member("LaunchTemplate");
    let mut instance_types: Vec<String> = Vec::new();
    for item in overrides.input().get("Overrides").and_then(Value::as_array).into_iter().flatten() {
        let name = item.get("InstanceType").and_then(Value::as_str).unwrap_or("");
        if crate::catalog::instance_type(name).is_none() {
            return Err(request.invalid(format!("Invalid value '{name}' for InstanceType in MixedInstancesPolicy.LaunchTemplate.Overrides. The playground knows the types in its catalog.")));
        }
        if !instance_types.iter().any(|t| t == name) {
            instance_types.push(name.to_string());
        }
    }
    if instance_types.is_empty() {
        if template.instance_type.is_empty() {
            return Err(request.invalid("You must use a valid fully-formed launch template. The launch template does not specify an instance type."));
        }
        instance_types.push(template.instance_type.clone());
    }
    let distribution = policy.member("InstancesDistribution");
    let base = distribution.int_in_range("OnDemandBaseCapacity", 0, 10_000)?.unwrap_or(0) as u32;
    let percent = distribution.int_in_range("OnDemandPercentageAboveBaseCapacity", 0, 100)?.unwrap_or(100) as u32;
    let strategy = distribution.str("SpotAllocationStrategy").unwrap_or("lowest-price").to_string();
    if !["lowest-price", "capacity-optimized", "capacity-optimized-prioritized", "price-capacity-optimized"].contains(&strategy.as_str()) {
        return Err(request.invalid(format!("Invalid value '{strategy}' for SpotAllocationStrategy.")));
    }
    Ok(MixedInstances { instance_types, on_demand_base_capacity: base, on_demand_percentage_above_base: percent, spot_allocation_strategy: strategy })
}

/// A group's sizes as CreateAutoScalingGroup and UpdateAutoScalingGroup check them, with EC2 Auto Scaling's texts.
fn check_group_sizes(request: &Request, min: u32, max: u32, desired: u32) -> Result<(), ApiError> {
    if min > max {
        return Err(request.invalid(format!("Max bound, {max}, must be greater than or equal to min bound, {min}")));
    }
    if desired < min || desired > max {
        return Err(request.invalid(format!("Desired capacity:{desired} must be between the specified min size:{min} and max size:{max}")));
    }
    Ok(())
}
