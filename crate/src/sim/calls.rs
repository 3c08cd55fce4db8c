//! The AWS API calls the engine accepts, by `service:Operation` name, with their real input shapes.

use crate::table::Table;

use serde_json::{json, Value};

use super::*;
use crate::catalog;
use crate::placement::{BinpackField, Constraint, NodeStatus, Strategy};
use crate::taskdef;

/// Load balancer health checks and traffic advance in steps of this length.
pub const ELB_STEP_MS: u64 = 15_000;

pub(crate) use crate::api::{str_field, string_list};

/// DescribeClusters' `include` values (API model, ClusterField).
const CLUSTER_FIELDS: [&str; 5] = ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"];

fn require_str<'a>(input: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    match input.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err(ApiError::invalid_parameter(crate::api::texts::blank(name)))
        }
        Some(_) => Err(ApiError::invalid_parameter(crate::api::texts::not_a_string(name))),
    }
}

fn u64_field(input: &Value, name: &str) -> Result<Option<u64>, ApiError> {
    match input.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| ApiError::invalid_parameter(crate::api::texts::not_a_non_negative_integer(name))),
    }
}

/// The last path segment of an ARN, or the text itself (`arn:...:cluster/demo` → `demo`).
pub(crate) fn short_name(text: &str) -> &str {
    if text.starts_with("arn:") {
        text.rsplit('/').next().unwrap_or(text)
    } else {
        text
    }
}

/// The `containerInsights` value of a request's `settings` (a `ClusterSetting` list; the last item wins),
/// `None` when the list is absent or empty. A bad `value` gets the text AWS returns ("Invalid setting
/// 'value'", seen from UpdateCluster); a bad `name` gets the enum validation text of the API model's
/// `ClusterSettingName` [UNVERIFIED wording], a missing one "Invalid setting 'name'" [UNVERIFIED].
fn container_insights_setting(input: &Value) -> Result<Option<&'static str>, ApiError> {
    let items = match input.get("settings") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ApiError::invalid_parameter("settings must be a list of ClusterSetting objects.")),
    };
    let mut value = None;
    for (i, item) in items.iter().enumerate() {
        match str_field(item, "name") {
            Some("containerInsights") => {}
            Some(other) => {
                let path = format!("settings.{}.member.name", i + 1);
                return Err(ApiError::invalid_parameter(crate::api::texts::not_in_enum(other, &path, &["containerInsights"])));
            }
            None => return Err(ApiError::invalid_parameter("Invalid setting 'name'")),
        }
        // The supported values (API model, ClusterSetting.value): enhanced, enabled and disabled.
        value = Some(match str_field(item, "value") {
            Some("enhanced") => "enhanced",
            Some("enabled") => "enabled",
            Some("disabled") => "disabled",
            _ => return Err(ApiError::invalid_parameter("Invalid setting 'value'")),
        });
    }
    Ok(value)
}

impl Sim {
    /// Answers a call the call table routes to the engine (ECS, EC2 instances, FIS actions, `sim:` calls).
    pub(crate) fn engine_call(&mut self, call: &str, input: &Value) -> ApiResult {
        match call {
            "ecs:CreateCluster" => self.create_cluster(&input),
            "ecs:DeleteCluster" => self.delete_cluster(&input),
            "ecs:DescribeClusters" => self.describe_clusters(&input),
            "ecs:UpdateClusterSettings" => self.update_cluster_settings(&input),
            "ecs:ListClusters" => Ok(json!({ "clusterArns": self.clusters.values().filter(|c| c.status == "ACTIVE").map(|c| c.arn.clone()).collect::<Vec<_>>() })),
            "ecs:RegisterTaskDefinition" => self.register_task_definition(&input),
            "ecs:DeregisterTaskDefinition" => self.deregister_task_definition(&input),
            "ecs:DescribeTaskDefinition" => self.describe_task_definition(&input),
            "ecs:ListTaskDefinitions" => self.list_task_definitions(&input),
            "ecs:ListTaskDefinitionFamilies" => Ok(json!({ "families": self.task_definitions.keys().cloned().collect::<Vec<_>>() })),
            "ecs:RunTask" => self.run_task(&input),
            "ecs:StopTask" => self.stop_task_call(&input),
            "ecs:DescribeTasks" => self.describe_tasks(&input),
            "ecs:ListTasks" => self.list_tasks(&input),
            "ecs:CreateService" => self.create_service(&input),
            "ecs:UpdateService" => self.update_service(&input),
            "ecs:DeleteService" => self.delete_service(&input),
            "ecs:DescribeServices" => self.describe_services(&input),
            "ecs:ListServices" => self.list_services(&input),
            "ecs:ListContainerInstances" => self.list_container_instances(&input),
            "ecs:DescribeContainerInstances" => self.describe_container_instances(&input),
            "ecs:UpdateContainerInstancesState" => self.update_container_instances_state(&input),
            "ecs:DeregisterContainerInstance" => self.deregister_container_instance(&input),
            "ecs:PutAttributes" => self.put_attributes(&input, true),
            "ecs:DeleteAttributes" => self.put_attributes(&input, false),
            "ecs:ListAttributes" => self.list_attributes(&input),
            "ec2:RunInstances" => self.run_instances(&input),
            "ec2:TerminateInstances" => {
                let ids = string_list(&input, "InstanceIds");
                self.terminate_instances(&ids)
            }
            "ec2:DescribeInstances" => self.describe_instances(),
            "fis:aws:ec2:terminate-instances" => self.fis_terminate_instances(&input),
            "fis:aws:ecs:stop-task" => self.fis_stop_task(&input),
            "fis:aws:ecs:drain-container-instances" => self.fis_drain(&input),
            "sim:SetImageBehavior" => self.set_image_behavior(&input),
            "sim:SetTimings" => self.set_timings(&input),
            "sim:TaskCall" => self.task_call(&input),
            "sim:SetLoad" => self.set_load(&input),
            "sim:SetTargetBehavior" => self.set_target_behavior_call(&input),
            "sim:InterruptSpotTasks" => self.interrupt_spot_tasks_call(&input),
            "sim:SetFargateSpotCapacity" => self.set_fargate_spot_capacity_call(&input),
            "sim:DescribeCost" => Ok(super::cost::cost_json(&self.cost_report())),
            "fis:aws:network:disrupt-connectivity" => self.fis_disrupt_connectivity(&input),
            "sim:WriteFile" => self.file_call(&input, true),
            "sim:ReadFile" => self.file_call(&input, false),
            _ => Err(super::dispatch::unknown_call(call)),
        }
    }

    pub(crate) fn cluster_name_of(&self, input: &Value) -> Result<String, ApiError> {
        let name = short_name(str_field(input, "cluster").unwrap_or("default")).to_string();
        match self.clusters.get(&name) {
            Some(cluster) if cluster.status == "ACTIVE" => Ok(name),
            _ => Err(ApiError::cluster_not_found()),
        }
    }

    // ---- clusters ----

    fn create_cluster(&mut self, input: &Value) -> ApiResult {
        let name = str_field(input, "clusterName").unwrap_or("default").to_string();
        if name.is_empty() || name.len() > 255 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(ApiError::invalid_parameter(
                "Cluster name can have up to 255 characters, which may include letters (uppercase and lowercase), numbers, hyphens, and underscores.",
            ));
        }
        let setting = container_insights_setting(input)?;
        if !self.clusters.get(&name).is_some_and(|c| c.status == "ACTIVE") {
            let arn = self.arn("ecs", &format!("cluster/{name}"));
            // Without the setting, the account default applies: `disabled` (PutAccountSetting is not modelled).
            let container_insights = setting.unwrap_or("disabled");
            self.clusters.insert(name.clone(), Cluster { name: name.clone(), arn, status: "ACTIVE".into(), created_at: self.now, container_insights });
            self.pools.get_or_default(name.clone());
            // Instances whose agent was waiting for this cluster register now.
            let waiting: Vec<Ec2Key> = self
                .ec2
                .values()
                .filter(|e| e.state == Ec2State::Running && e.container_instance.is_none() && e.agent_cluster == name && e.can_register)
                .map(|e| e.key)
                .collect();
            for key in waiting {
                let at = self.now.plus_ms(self.timings.agent_registration_ms);
                self.schedule(at, Ev::AgentRegistered(key));
            }
        }
        // The answer shows `settings` when the request gave them (AWS's examples show none otherwise).
        Ok(json!({ "cluster": self.cluster_json(&name, setting.is_some()) }))
    }

    /// UpdateClusterSettings: `cluster` and `settings` are required; the cluster answers with its settings.
    fn update_cluster_settings(&mut self, input: &Value) -> ApiResult {
        require_str(input, "cluster")?;
        let name = self.cluster_name_of(input)?;
        let Some(value) = container_insights_setting(input)? else {
            // `settings` is required (API model); this wording is [UNVERIFIED].
            return Err(ApiError::invalid_parameter("settings can not be empty."));
        };
        if let Some(cluster) = self.clusters.get_mut(&name) {
            cluster.container_insights = value;
        }
        Ok(json!({ "cluster": self.cluster_json(&name, true) }))
    }

    fn delete_cluster(&mut self, input: &Value) -> ApiResult {
        let name = self.cluster_name_of(input)?;
        if self.container_instances.values().any(|ci| ci.cluster == name && ci.status != "INACTIVE") {
            return Err(ApiError::new(
                "ClusterContainsContainerInstancesException",
                "The Cluster cannot be deleted while Container Instances are active or draining.",
            ));
        }
        if self.services.values().any(|s| s.cluster == name && s.status != "INACTIVE") {
            return Err(ApiError::new(
                "ClusterContainsServicesException",
                "The Cluster cannot be deleted while Services are active.",
            ));
        }
        if self.live_tasks().any(|t| t.cluster == name) {
            return Err(ApiError::new("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active."));
        }
        if let Some(cluster) = self.clusters.get_mut(&name) {
            cluster.status = "INACTIVE".into();
        }
        Ok(json!({ "cluster": self.cluster_json(&name, false) }))
    }

    fn describe_clusters(&mut self, input: &Value) -> ApiResult {
        let mut names = string_list(input, "clusters");
        if names.is_empty() {
            names.push("default".into());
        }
        // `include` (ClusterField): the settings only when SETTINGS is asked for, as AWS answers. The
        // validation text of a bad field is the AWS list-of-enum wording, [UNVERIFIED] for ECS.
        let include = string_list(input, "include");
        if let Some(bad) = include.iter().find(|f| !CLUSTER_FIELDS.contains(&f.as_str())) {
            return Err(ApiError::invalid_parameter(crate::api::texts::list_item_not_in_enum(bad, "include", &CLUSTER_FIELDS)));
        }
        let settings = include.iter().any(|f| f == "SETTINGS");
        let mut clusters = Vec::new();
        let mut failures = Vec::new();
        for name in names {
            let short = short_name(&name).to_string();
            if self.clusters.contains_key(&short) {
                clusters.push(self.cluster_json(&short, settings));
            } else {
                failures.push(json!({ "arn": self.arn("ecs", &format!("cluster/{short}")), "reason": "MISSING" }));
            }
        }
        Ok(json!({ "clusters": clusters, "failures": failures }))
    }

    // ---- task definitions ----

    fn register_task_definition(&mut self, input: &Value) -> ApiResult {
        let spec = taskdef::parse_task_definition(input).map_err(|errors| {
            let first = &errors[0];
            ApiError::client(first.message.clone())
        })?;
        // An S3 bucket is not a volume type: say why, and what to use instead.
        for (idx, volume) in spec.input.get("volumes").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let sources = [volume.pointer("/host/sourcePath"), volume.pointer("/efsVolumeConfiguration/fileSystemId"), volume.pointer("/dockerVolumeConfiguration/driver")];
            if sources.into_iter().flatten().filter_map(Value::as_str).any(|s| s.starts_with("s3://") || s.starts_with("arn:aws:s3:") || s.contains("s3fs")) {
                return Err(ApiError::client(format!("volumes[{idx}]: an Amazon S3 bucket cannot be mounted as a task volume. {}", crate::efs::s3_mount_explanation())));
            }
        }
        // A role given by short name must exist (AWS resolves it to an ARN); an ARN is taken as given and
        // checked when a task starts, as AWS does.
        for role in [&spec.execution_role_arn, &spec.task_role_arn].into_iter().flatten() {
            if !role.starts_with("arn:") && self.iam.find_role(role).is_none() {
                return Err(ApiError::client(format!("Role is not valid: {role}")));
            }
        }
        let family = spec.family.clone();
        let revisions = self.task_definitions.get_or_default(family.clone());
        let revision = revisions.len() as u32 + 1;
        let arn = format!("arn:aws:ecs:{}:{ACCOUNT_ID}:task-definition/{family}:{revision}", self.scenario.region);
        revisions.push(TaskDefinitionRevision {
            arn: arn.clone(),
            family: family.clone(),
            revision,
            status: "ACTIVE".into(),
            spec,
            registered_at: self.now,
            deregistered_at: None,
        });
        self.log_entry(LogKind::TaskDefinition, format!("task definition {family}:{revision}"), format!("Registered {family}:{revision}."), None);
        let td = self.task_definition_json(&family, revision);
        Ok(json!({ "taskDefinition": td }))
    }

    /// Resolves `family`, `family:revision` or an ARN to (family, revision): the latest ACTIVE revision for a bare family.
    pub(crate) fn resolve_task_definition(&self, reference: &str) -> Result<(String, u32), ApiError> {
        let text = if reference.starts_with("arn:") { reference.rsplit('/').next().unwrap_or("") } else { reference };
        let (family, revision) = match text.rsplit_once(':') {
            Some((family, rev)) => (family, rev.parse::<u32>().ok()),
            None => (text, None),
        };
        let not_found = || ApiError::client("Unable to describe task definition.");
        let revisions = self.task_definitions.get(family).ok_or_else(not_found)?;
        match revision {
            Some(rev) => {
                revisions.get(rev.wrapping_sub(1) as usize).ok_or_else(not_found)?;
                Ok((family.to_string(), rev))
            }
            None => revisions
                .iter()
                .rev()
                .find(|r| r.status == "ACTIVE")
                .map(|r| (family.to_string(), r.revision))
                .ok_or_else(not_found),
        }
    }

    pub(crate) fn revision(&self, family: &str, revision: u32) -> Option<&TaskDefinitionRevision> {
        self.task_definitions.get(family)?.get(revision.wrapping_sub(1) as usize)
    }

    pub(crate) fn revision_by_arn(&self, arn: &str) -> Option<&TaskDefinitionRevision> {
        let (family, revision) = self.resolve_task_definition(arn).ok()?;
        self.revision(&family, revision)
    }

    fn deregister_task_definition(&mut self, input: &Value) -> ApiResult {
        let reference = require_str(input, "taskDefinition")?;
        if !reference.contains(':') || reference.ends_with(':') {
            return Err(ApiError::client("Invalid revision number. Number: "));
        }
        let (family, revision) = self.resolve_task_definition(reference)?;
        let now = self.now;
        if let Some(rev) = self.task_definitions.get_mut(&family).and_then(|r| r.get_mut(revision as usize - 1)) {
            rev.status = "INACTIVE".into();
            rev.deregistered_at = Some(now);
        }
        Ok(json!({ "taskDefinition": self.task_definition_json(&family, revision) }))
    }

    fn describe_task_definition(&mut self, input: &Value) -> ApiResult {
        let reference = require_str(input, "taskDefinition")?;
        let (family, revision) = self.resolve_task_definition(reference)?;
        Ok(json!({ "taskDefinition": self.task_definition_json(&family, revision), "tags": [] }))
    }

    fn list_task_definitions(&mut self, input: &Value) -> ApiResult {
        let family_prefix = str_field(input, "familyPrefix");
        let status = str_field(input, "status").unwrap_or("ACTIVE");
        let descending = str_field(input, "sort") == Some("DESC");
        let mut arns: Vec<String> = self
            .task_definitions
            .values()
            .flatten()
            .filter(|r| family_prefix.is_none_or(|p| r.family == p) && (status == "ALL" || r.status == status))
            .map(|r| r.arn.clone())
            .collect();
        if descending {
            arns.reverse();
        }
        Ok(json!({ "taskDefinitionArns": arns }))
    }

    // ---- container instances ----

    fn list_container_instances(&mut self, input: &Value) -> ApiResult {
        let cluster = self.cluster_name_of(input)?;
        let status = str_field(input, "status");
        let arns: Vec<String> = self
            .container_instances
            .values()
            .filter(|ci| ci.cluster == cluster && ci.status != "INACTIVE" && status.is_none_or(|s| ci.status == s))
            .map(|ci| ci.arn.clone())
            .collect();
        Ok(json!({ "containerInstanceArns": arns }))
    }

    pub(crate) fn find_container_instance(&self, cluster: &str, reference: &str) -> Option<NodeKey> {
        let id = short_name(reference);
        self.container_instances
            .values()
            .find(|ci| ci.cluster == cluster && (ci.id == id || ci.arn == reference))
            .map(|ci| ci.key)
    }

    fn describe_container_instances(&mut self, input: &Value) -> ApiResult {
        let cluster = self.cluster_name_of(input)?;
        let mut out = Vec::new();
        let mut failures = Vec::new();
        for reference in string_list(input, "containerInstances") {
            match self.find_container_instance(&cluster, &reference) {
                Some(key) => out.push(self.container_instance_json(key)),
                None => failures.push(json!({ "arn": reference, "reason": "MISSING" })),
            }
        }
        Ok(json!({ "containerInstances": out, "failures": failures }))
    }

    fn update_container_instances_state(&mut self, input: &Value) -> ApiResult {
        let cluster = self.cluster_name_of(input)?;
        let status = require_str(input, "status")?.to_string();
        if status != "ACTIVE" && status != "DRAINING" {
            return Err(ApiError::invalid_parameter(format!(
                "Container instances status should be one of [ACTIVE,DRAINING], but was {status}."
            )));
        }
        let mut out = Vec::new();
        let mut failures = Vec::new();
        for reference in string_list(input, "containerInstances") {
            match self.find_container_instance(&cluster, &reference) {
                Some(key) => {
                    self.set_container_instance_status(key, &status);
                    out.push(self.container_instance_json(key));
                }
                None => failures.push(json!({ "arn": reference, "reason": "MISSING" })),
            }
        }
        Ok(json!({ "containerInstances": out, "failures": failures }))
    }

    pub(crate) fn set_container_instance_status(&mut self, key: NodeKey, status: &str) {
        let now = self.now;
        let Some(ci) = self.container_instances.get_mut(&key) else { return };
        if ci.status == status || ci.status == "INACTIVE" {
            return;
        }
        ci.status = status.to_string();
        ci.status_since = now;
        let cluster = ci.cluster.clone();
        let ec2_id = self.ec2.get(&ci.ec2).map(|e| e.instance_id.clone()).unwrap_or_default();
        if let Some(pool) = self.pools.get_mut(&cluster) {
            pool.set_status(key, if status == "DRAINING" { NodeStatus::Draining } else { NodeStatus::Active });
        }
        self.log_entry(LogKind::Instance, format!("container instance {ec2_id}"), format!("Container instance {ec2_id} is now {status}."), None);
        if status == "DRAINING" {
            // Service tasks still PENDING on a draining instance are stopped at once (ECSDG container-instance-draining.md);
            // RUNNING ones are replaced by their service within its deployment configuration.
            let pending: Vec<TaskKey> = self
                .live_node_tasks(key)
                .filter(|t| t.service.is_some() && t.is_active() && t.last_status < TaskStatus::Running)
                .map(|t| t.key)
                .collect();
            for task in pending {
                self.stop_task(task, "ServiceSchedulerInitiated", "Container instance is draining.".to_string());
            }
        }
        self.tick_cluster_services(&cluster);
    }

    fn deregister_container_instance(&mut self, input: &Value) -> ApiResult {
        let cluster = self.cluster_name_of(input)?;
        let reference = require_str(input, "containerInstance")?;
        let key = self
            .find_container_instance(&cluster, reference)
            .ok_or_else(|| ApiError::invalid_parameter("Container instance not found."))?;
        let force = input.get("force").and_then(Value::as_bool).unwrap_or(false);
        let has_tasks = self.live_node_tasks(key).next().is_some();
        if has_tasks && !force {
            return Err(ApiError::invalid_parameter(
                "Found running tasks on the instance, unable to deregister. Use force to deregister the instance.",
            ));
        }
        let json = self.container_instance_json(key);
        self.remove_container_instance(key, "Container instance deregistration forced by user");
        Ok(json!({ "containerInstance": json }))
    }

    fn put_attributes(&mut self, input: &Value, put: bool) -> ApiResult {
        let cluster = self.cluster_name_of(input)?;
        let attributes = input.get("attributes").and_then(Value::as_array).cloned().unwrap_or_default();
        if attributes.is_empty() {
            return Err(ApiError::invalid_parameter("attributes can not be empty."));
        }
        let mut out = Vec::new();
        for attribute in &attributes {
            let name = require_str(attribute, "name")?.to_string();
            let value = str_field(attribute, "value").map(str::to_string);
            let valid_name = !name.is_empty()
                && name.len() <= 128
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_/\\.".contains(c));
            if !valid_name {
                return Err(ApiError::invalid_parameter(format!(
                    "Attribute name '{name}' is invalid: up to 128 letters, numbers, hyphens, underscores, forward slashes, back slashes, or periods."
                )));
            }
            if let Some(v) = &value {
                let valid_value = !v.is_empty()
                    && v.len() <= 128
                    && v.trim() == v
                    && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_/\\.@: ".contains(c));
                if !valid_value {
                    return Err(ApiError::invalid_parameter(format!("Attribute value '{v}' is invalid.")));
                }
            }
            if name.starts_with("ecs.") && put {
                return Err(ApiError::invalid_parameter(format!("Attribute name '{name}' is reserved for Amazon ECS.")));
            }
            let target = require_str(attribute, "targetId")?.to_string();
            let key = self
                .find_container_instance(&cluster, &target)
                .ok_or_else(|| ApiError::new("TargetNotFoundException", format!("Could not find {target}.")))?;
            if let Some(ci) = self.container_instances.get_mut(&key) {
                if put {
                    ci.custom_attributes.insert(name.clone(), value.clone());
                } else {
                    ci.custom_attributes.remove(&name);
                }
            }
            if let Some(pool) = self.pools.get_mut(&cluster) {
                pool.set_attribute(key, &name, if put { Some(value.clone()) } else { None });
            }
            out.push(attribute.clone());
        }
        self.tick_cluster_services(&cluster);
        Ok(json!({ "attributes": out }))
    }

    fn list_attributes(&mut self, input: &Value) -> ApiResult {
        let cluster = self.cluster_name_of(input)?;
        let name = str_field(input, "attributeName");
        let mut out = Vec::new();
        for ci in self.container_instances.values().filter(|ci| ci.cluster == cluster && ci.status != "INACTIVE") {
            for (attr, value) in &ci.custom_attributes {
                if name.is_none_or(|n| n == attr) {
                    out.push(json!({ "name": attr, "value": value, "targetType": "container-instance", "targetId": ci.arn }));
                }
            }
        }
        Ok(json!({ "attributes": out }))
    }

    // ---- EC2 ----

    pub(crate) fn run_instances(&mut self, input: &Value) -> ApiResult {
        let type_name = str_field(input, "InstanceType").unwrap_or("m5.large");
        let instance_type = catalog::instance_type(type_name).ok_or_else(|| {
            ApiError::new("InvalidParameterValue", format!("Invalid value '{type_name}' for InstanceType. The playground knows: {}.", catalog::INSTANCE_TYPES.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")))
        })?;
        let min_count = u64_field(input, "MinCount")?.unwrap_or(1);
        let max_count = u64_field(input, "MaxCount")?.unwrap_or(min_count);
        if min_count == 0 || max_count < min_count {
            return Err(ApiError::new("InvalidParameterValue", "MinCount and MaxCount must be at least 1, and MaxCount must be at least MinCount."));
        }
        if max_count > 1000 {
            return Err(ApiError::new("InstanceLimitExceeded", "You have requested more instances (".to_string() + &max_count.to_string() + ") than your current instance limit of 1000 allows for the specified instance type."));
        }
        let subnet_id = match str_field(input, "SubnetId") {
            Some(id) => id.to_string(),
            None => self.scenario.network.subnets.first().map(|s| s.subnet_id.clone()).ok_or_else(|| {
                ApiError::new("MissingInput", "No subnets found for the default VPC. Please specify a subnet.")
            })?,
        };
        let subnet = self
            .scenario
            .network
            .subnets
            .iter()
            .find(|s| s.subnet_id == subnet_id)
            .cloned()
            .ok_or_else(|| ApiError::new("InvalidSubnetID.NotFound", format!("The subnet ID '{subnet_id}' does not exist")))?;
        let profile = input.get("IamInstanceProfile").and_then(|p| str_field(p, "Name").or_else(|| str_field(p, "Arn"))).map(short_name);
        // The instance profile decides whether the ECS agent can register: its role must trust EC2 and allow
        // ecs:RegisterContainerInstance (AmazonEC2ContainerServiceforEC2Role does).
        let (can_register, registration_problem) = match profile {
            Some(name) => match self.iam.instance_profile_role(name) {
                None if !self.iam.instance_profiles.contains_key(name) => {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!("Value ({name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"),
                    ))
                }
                None => (false, format!("the instance profile {name} contains no role")),
                Some(role) => match self.iam.can_assume(&role, "ec2.amazonaws.com") {
                    Err(_) => (false, format!("the role {} of instance profile {name} does not trust ec2.amazonaws.com", short_name(&role))),
                    Ok(()) => {
                        let decision = self.iam.role_allows(&role, "ecs:RegisterContainerInstance", &self.arn("ecs", "cluster/*"));
                        if decision.is_allowed() {
                            (true, String::new())
                        } else {
                            (false, decision.explain())
                        }
                    }
                },
            },
            None => (false, "the instances have no instance profile".to_string()),
        };
        let user_data = str_field(input, "UserData").map(decode_user_data).unwrap_or_default();
        let agent_cluster = user_data_setting(&user_data, "ECS_CLUSTER").unwrap_or_else(|| "default".into());
        let mut agent_attributes = Table::new();
        if let Some(attrs) = user_data_setting(&user_data, "ECS_INSTANCE_ATTRIBUTES") {
            if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&attrs) {
                for (k, v) in map {
                    if let Some(v) = v.as_str() {
                        agent_attributes.insert(k, v.to_string());
                    }
                }
            }
        }
        let mut security_groups = string_list(input, "SecurityGroupIds");
        for group in &security_groups {
            if !self.scenario.network.security_groups.iter().any(|g| &g.group_id == group) {
                return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{group}' does not exist in VPC '{}'", self.scenario.network.vpc_id)));
            }
        }
        if security_groups.is_empty() {
            security_groups.extend(self.scenario.network.security_groups.first().map(|g| g.group_id.clone()));
        }
        let awsvpc_trunking = user_data_setting(&user_data, "ECS_ENABLE_AWSVPC_TRUNKING").is_none_or(|v| v == "true");
        let mut tags = Table::new();
        for spec in input.get("TagSpecifications").and_then(Value::as_array).into_iter().flatten() {
            for tag in spec.get("Tags").and_then(Value::as_array).into_iter().flatten() {
                if let (Some(k), Some(v)) = (str_field(tag, "Key"), str_field(tag, "Value")) {
                    tags.insert(k.to_string(), v.to_string());
                }
            }
        }
        let mut instances = Vec::new();
        for _ in 0..max_count {
            let key = self.ec2.len() as Ec2Key;
            // An Auto Scaling group names its instances itself; otherwise EC2 does.
            let instance_id = match self.forced_instance_ids.pop() {
                Some(id) => id,
                None => format!("i-{}", self.next_hex_id(17)),
            };
            self.ec2.insert(
                key,
                Ec2Instance {
                    key,
                    instance_id: instance_id.clone(),
                    instance_type,
                    subnet_id: subnet.subnet_id.clone(),
                    availability_zone: subnet.availability_zone.clone(),
                    state: Ec2State::Pending,
                    state_since: self.now,
                    launched_at: self.now,
                    agent_cluster: agent_cluster.clone(),
                    agent_attributes: agent_attributes.clone(),
                    can_register,
                    awsvpc_trunking,
                    security_groups: security_groups.clone(),
                    instance_profile: profile.map(str::to_string),
                    container_instance: None,
                    tags: tags.clone(),
                },
            );
            let at = self.now.plus_ms(self.timings.instance_boot_ms);
            self.schedule(at, Ev::InstanceRunning(key));
            instances.push(self.ec2_json(key));
            self.log_entry(LogKind::Instance, format!("instance {instance_id}"), format!("Launched {instance_id} ({type_name}) in {}.", subnet.availability_zone), None);
        }
        if !can_register {
            self.log_entry(
                LogKind::Instance,
                "ec2:RunInstances".into(),
                format!("The ECS agent on these instances cannot call ecs:RegisterContainerInstance ({registration_problem}), so they will never join a cluster. Launch them with IamInstanceProfile {{ \"Name\": \"ecsInstanceRole\" }}."),
                None,
            );
        }
        Ok(json!({ "Instances": instances, "OwnerId": ACCOUNT_ID }))
    }

    pub(crate) fn on_instance_running(&mut self, key: Ec2Key) {
        let Some(instance) = self.ec2.get_mut(&key) else { return };
        if instance.state != Ec2State::Pending {
            return;
        }
        instance.state = Ec2State::Running;
        instance.state_since = self.now;
        let (can_register, cluster) = (instance.can_register, instance.agent_cluster.clone());
        // EC2 bills an instance while it is running (per second, one-minute minimum).
        let (id, type_name) = (instance.instance_id.clone(), instance.instance_type.name);
        self.scaling.cost.instance_started(&id, &cluster, type_name, self.now.0);
        if can_register && self.clusters.get(&cluster).is_some_and(|c| c.status == "ACTIVE") {
            let at = self.now.plus_ms(self.timings.agent_registration_ms);
            self.schedule(at, Ev::AgentRegistered(key));
        } else if can_register {
            let id = self.ec2[&key].instance_id.clone();
            self.log_entry(LogKind::Instance, format!("instance {id}"), format!("The ECS agent on {id} cannot register: cluster {cluster} does not exist (ECS_CLUSTER={cluster})."), None);
        }
    }

    pub(crate) fn on_agent_registered(&mut self, key: Ec2Key) {
        let Some(instance) = self.ec2.get(&key).cloned() else { return };
        if instance.state != Ec2State::Running || instance.container_instance.is_some() {
            return;
        }
        let cluster = instance.agent_cluster.clone();
        if !self.clusters.get(&cluster).is_some_and(|c| c.status == "ACTIVE") {
            return;
        }
        let node_key = self.container_instances.keys().next_back().map_or(0, |k| k + 1);
        let id = self.next_hex_id(32);
        let arn = self.arn("ecs", &format!("container-instance/{cluster}/{id}"));
        let subnet_vpc = self.scenario.network.vpc_id.clone();
        let mut attributes: Table<String, Option<String>> = Table::new();
        let it = instance.instance_type;
        for (name, value) in [
            ("ecs.availability-zone", instance.availability_zone.clone()),
            ("ecs.instance-type", it.name.to_string()),
            ("ecs.os-type", "linux".to_string()),
            ("ecs.os-family", "LINUX".to_string()),
            ("ecs.cpu-architecture", it.cpu_architecture.to_string()),
            ("ecs.ami-id", if it.cpu_architecture == "arm64" { "ami-0ecsoptimizedarm64".to_string() } else { "ami-0ecsoptimizedx8664".to_string() }),
            ("ecs.vpc-id", subnet_vpc),
            ("ecs.subnet-id", instance.subnet_id.clone()),
        ] {
            attributes.insert(name.to_string(), Some(value));
        }
        for capability in [
            "ecs.capability.task-eni",
            "ecs.capability.docker-plugin.local",
            "com.amazonaws.ecs.capability.docker-remote-api.1.44",
            "com.amazonaws.ecs.capability.logging-driver.awslogs",
            "ecs.capability.execution-role-awslogs",
            "ecs.capability.secrets.asm.environment-variables",
            "ecs.capability.efsAuth",
            "ecs.capability.container-health-check",
            "ecs.capability.container-ordering",
        ] {
            attributes.insert(capability.to_string(), None);
        }
        if instance.awsvpc_trunking && it.trunk_task_eni_limit.is_some() {
            attributes.insert("ecs.awsvpc-trunk-id".into(), Some(format!("eni-{}", &id[..17])));
        }
        let custom: Table<String, Option<String>> =
            instance.agent_attributes.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
        for (k, v) in &custom {
            attributes.insert(k.clone(), v.clone());
        }
        let info = crate::placement::NodeInfo {
            key: node_key,
            ec2_instance_id: instance.instance_id.clone(),
            container_instance_arn: arn.clone(),
            attributes,
            registered_cpu_units: it.registered_cpu_units(),
            registered_memory_mib: it.registered_memory_mib(),
            reserved_tcp_ports: vec![22, 2375, 2376, 51678, 51679],
            reserved_udp_ports: vec![],
            task_eni_limit: it.task_eni_limit(instance.awsvpc_trunking),
            registered_at_ms: self.scenario.start_epoch_ms + self.now.0,
            agent_version: "1.99.0".into(),
            agent_connected: true,
        };
        self.pools.get_or_default(cluster.clone()).add_node(info);
        self.container_instances.insert(
            node_key,
            ContainerInstance {
                key: node_key,
                arn,
                id,
                cluster: cluster.clone(),
                ec2: key,
                status: "ACTIVE".into(),
                status_since: self.now,
                registered_at: self.now,
                agent_connected: true,
                custom_attributes: custom,
            },
        );
        if let Some(e) = self.ec2.get_mut(&key) {
            e.container_instance = Some(node_key);
        }
        self.log_entry(
            LogKind::Instance,
            format!("container instance {}", instance.instance_id),
            format!("Container instance {} ({}, {}) registered with cluster {cluster}.", instance.instance_id, it.name, instance.availability_zone),
            None,
        );
        self.tick_cluster_services(&cluster);
        if self.tasks.any_waiting() {
            self.place_waiting_tasks(&cluster);
        }
    }

    pub(crate) fn terminate_instances(&mut self, ids: &[String]) -> ApiResult {
        if ids.is_empty() {
            return Err(ApiError::new("MissingParameter", "The request must contain the parameter InstanceIds"));
        }
        let mut changes = Vec::new();
        for id in ids {
            let key = self
                .ec2
                .values()
                .find(|e| &e.instance_id == id)
                .map(|e| e.key)
                .ok_or_else(|| ApiError::new("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist")))?;
            let previous = self.ec2[&key].state;
            if matches!(previous, Ec2State::Pending | Ec2State::Running) {
                let now = self.now;
                if let Some(e) = self.ec2.get_mut(&key) {
                    e.state = Ec2State::ShuttingDown;
                    e.state_since = now;
                }
                // Billing ends when the instance starts shutting down [UNVERIFIED: EC2's lifecycle page, not in the reference].
                self.scaling.cost.stopped(id, now.0);
                let at = self.now.plus_ms(self.timings.instance_shutdown_ms);
                self.schedule(at, Ev::InstanceTerminated(key));
                self.log_entry(LogKind::Instance, format!("instance {id}"), format!("Instance {id} is shutting down."), None);
            }
            changes.push(json!({
                "InstanceId": id,
                "PreviousState": { "Name": previous.as_aws() },
                "CurrentState": { "Name": self.ec2[&key].state.as_aws() },
            }));
        }
        Ok(json!({ "TerminatingInstances": changes }))
    }

    pub(crate) fn on_instance_terminated(&mut self, key: Ec2Key) {
        let now = self.now;
        let Some(instance) = self.ec2.get_mut(&key) else { return };
        instance.state = Ec2State::Terminated;
        instance.state_since = now;
        let id = instance.instance_id.clone();
        self.scaling.cost.stopped(&id, now.0);
        let node = instance.container_instance;
        self.log_entry(LogKind::Instance, format!("instance {id}"), format!("Instance {id} terminated."), None);
        if let Some(node) = node {
            self.remove_container_instance(node, &format!("Host EC2 (instance {id}) stopped/terminated."));
        }
        // Host paths and shared Docker volumes live on the instance and go with it.
        self.volumes.instance_terminated(&id);
    }

    /// Takes a container instance out of its cluster: its tasks stop at once and it becomes INACTIVE.
    pub(crate) fn remove_container_instance(&mut self, node: NodeKey, reason: &str) {
        // The agent is gone first: a task waiting for capacity must not be placed here while the tasks
        // below stop and free their room.
        if let Some(ci) = self.container_instances.get_mut(&node) {
            ci.agent_connected = false;
            let cluster = ci.cluster.clone();
            if let Some(pool) = self.pools.get_mut(&cluster) {
                pool.set_agent_connected(node, false);
            }
        }
        let tasks: Vec<TaskKey> = self.live_node_tasks(node).map(|t| t.key).collect();
        for task in tasks {
            // The agent is gone, so the task goes straight to STOPPED. The stop code AWS sets here is not in
            // the reference; none is set (documented behaviour: only the stoppedReason is given).
            self.force_stop_task(task, None, reason.to_string());
        }
        let Some(ci) = self.container_instances.get_mut(&node) else { return };
        ci.status = "INACTIVE".into();
        ci.status_since = self.now;
        ci.agent_connected = false;
        let cluster = ci.cluster.clone();
        if let Some(pool) = self.pools.get_mut(&cluster) {
            pool.remove_node(node);
        }
        self.tick_cluster_services(&cluster);
    }

    fn describe_instances(&mut self) -> ApiResult {
        let instances: Vec<Value> = self.ec2.keys().copied().collect::<Vec<_>>().into_iter().map(|k| self.ec2_json(k)).collect();
        Ok(json!({ "Reservations": [ { "Instances": instances } ] }))
    }

    // ---- FIS ----

    fn fis_select<T: Clone>(&mut self, items: Vec<T>, target: &Value) -> Result<Vec<T>, ApiError> {
        let mode = str_field(target, "selectionMode").unwrap_or("ALL");
        let n = items.len() as u64;
        let count = if mode == "ALL" {
            n
        } else if let Some(k) = mode.strip_prefix("COUNT(").and_then(|s| s.strip_suffix(')')) {
            k.parse::<u64>().map_err(|_| ApiError::new("ValidationException", format!("Invalid selectionMode {mode}")))?.min(n)
        } else if let Some(p) = mode.strip_prefix("PERCENT(").and_then(|s| s.strip_suffix(')')) {
            let p = p.parse::<u64>().map_err(|_| ApiError::new("ValidationException", format!("Invalid selectionMode {mode}")))?;
            (n * p.min(100)) / 100
        } else {
            return Err(ApiError::new("ValidationException", format!("Invalid selectionMode {mode}: use ALL, COUNT(n) or PERCENT(n).")));
        };
        let mut pool = items;
        let mut chosen = Vec::new();
        while (chosen.len() as u64) < count && !pool.is_empty() {
            let idx = self.rng.below(pool.len() as u32) as usize;
            chosen.push(pool.remove(idx));
        }
        Ok(chosen)
    }

    fn fis_target<'a>(input: &'a Value, name: &str) -> Result<&'a Value, ApiError> {
        input
            .get("targets")
            .and_then(|t| t.get(name).or_else(|| t.as_object().and_then(|m| m.values().next())))
            .ok_or_else(|| ApiError::new("ValidationException", format!("The action needs a target {name}.")))
    }

    fn fis_terminate_instances(&mut self, input: &Value) -> ApiResult {
        let target = Self::fis_target(input, "Instances")?;
        let arns = string_list(target, "resourceArns");
        let mut candidates = Vec::new();
        for e in self.ec2.values() {
            if e.state != Ec2State::Running && e.state != Ec2State::Pending {
                continue;
            }
            if !arns.is_empty() && !arns.iter().any(|a| a.ends_with(&e.instance_id)) {
                continue;
            }
            if !fis_tags_match(target, &e.tags) {
                continue;
            }
            let fields = [
                ("Placement.AvailabilityZone", e.availability_zone.as_str()),
                ("InstanceType", e.instance_type.name),
                ("State.Name", e.state.as_aws()),
                ("SubnetId", e.subnet_id.as_str()),
            ];
            if fis_filters_match(target, &fields) {
                candidates.push(e.instance_id.clone());
            }
        }
        let chosen = self.fis_select(candidates, target)?;
        self.log_entry(LogKind::Fault, "fis:aws:ec2:terminate-instances".into(), format!("AWS FIS terminates {} instance(s): {}.", chosen.len(), chosen.join(", ")), None);
        if chosen.is_empty() {
            return Ok(json!({ "TerminatingInstances": [] }));
        }
        self.terminate_instances(&chosen)
    }

    fn fis_stop_task(&mut self, input: &Value) -> ApiResult {
        let target = Self::fis_target(input, "Tasks")?;
        let parameters = target.get("parameters").cloned().unwrap_or(Value::Null);
        let cluster = str_field(&parameters, "cluster").map(short_name);
        let service = str_field(&parameters, "service").map(short_name);
        let arns = string_list(target, "resourceArns");
        let candidates: Vec<TaskKey> = self
            .live_tasks()
            .filter(|t| t.is_active() && t.last_status != TaskStatus::Stopped)
            .filter(|t| cluster.is_none_or(|c| t.cluster == c))
            .filter(|t| service.is_none_or(|s| t.service.and_then(|k| self.services.get(&k)).is_some_and(|svc| svc.name == s)))
            .filter(|t| arns.is_empty() || arns.iter().any(|a| a == &t.arn))
            .map(|t| t.key)
            .collect();
        let chosen = self.fis_select(candidates, target)?;
        self.log_entry(LogKind::Fault, "fis:aws:ecs:stop-task".into(), format!("AWS FIS stops {} task(s).", chosen.len()), None);
        for key in &chosen {
            // FIS calls StopTask for the chosen tasks; the reason text it passes is not in the reference.
            self.stop_task(*key, "UserInitiated", "Task stopped by AWS FIS experiment (aws:ecs:stop-task).".to_string());
        }
        Ok(json!({ "stoppedTasks": chosen.iter().map(|k| self.tasks[k].arn.clone()).collect::<Vec<_>>() }))
    }

    fn fis_drain(&mut self, input: &Value) -> ApiResult {
        let target = Self::fis_target(input, "Clusters")?;
        let parameters = input.get("parameters").cloned().unwrap_or(Value::Null);
        let percentage = parameters.get("drainagePercentage").and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))).unwrap_or(100).min(100);
        let duration_ms = match parameters.get("duration").and_then(Value::as_str) {
            Some(text) => parse_iso8601_duration_ms(text).ok_or_else(|| ApiError::new("ValidationException", format!("Invalid duration {text}: use ISO 8601, e.g. PT10M.")))?,
            None => 600_000,
        };
        let arns = string_list(target, "resourceArns");
        let clusters: Vec<String> = if arns.is_empty() { self.clusters.keys().cloned().collect() } else { arns.iter().map(|a| short_name(a).to_string()).collect() };
        let mut drained = Vec::new();
        for cluster in clusters {
            let active: Vec<NodeKey> = self.container_instances.values().filter(|ci| ci.cluster == cluster && ci.status == "ACTIVE").map(|ci| ci.key).collect();
            let count = (active.len() as u64 * percentage).div_ceil(100) as usize;
            let mut pool = active;
            for _ in 0..count.min(pool.len()) {
                let idx = self.rng.below(pool.len() as u32) as usize;
                let node = pool.remove(idx);
                self.set_container_instance_status(node, "DRAINING");
                let at = self.now.plus_ms(duration_ms);
                self.schedule(at, Ev::DrainEnd(node));
                drained.push(self.container_instances[&node].arn.clone());
            }
        }
        self.log_entry(LogKind::Fault, "fis:aws:ecs:drain-container-instances".into(), format!("AWS FIS drains {} container instance(s) for {}.", drained.len(), crate::time::format_duration_ms(duration_ms)), None);
        Ok(json!({ "drainedContainerInstances": drained }))
    }

    pub(crate) fn on_drain_end(&mut self, node: NodeKey) {
        if self.container_instances.get(&node).is_some_and(|ci| ci.status == "DRAINING") {
            self.set_container_instance_status(node, "ACTIVE");
        }
    }

    // ---- sim: ----

    fn set_image_behavior(&mut self, input: &Value) -> ApiResult {
        let image = require_str(input, "image")?.to_string();
        let behavior = match str_field(input, "behavior").unwrap_or("serve") {
            "serve" => ImageBehavior::Serve,
            "exit" => ImageBehavior::Exit {
                exit_code: input.get("exitCode").and_then(Value::as_i64).unwrap_or(1),
                run_ms: match input.get("runFor") {
                    Some(Value::String(s)) => crate::time::parse_duration_ms(s).map_err(ApiError::invalid_parameter)?,
                    Some(Value::Number(n)) => n.as_u64().unwrap_or(0).saturating_mul(1000),
                    _ => 10_000,
                },
            },
            "pullError" => ImageBehavior::PullError {
                message: str_field(input, "message")
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref {image}: not found")),
            },
            "unhealthy" => ImageBehavior::Unhealthy,
            other => return Err(ApiError::invalid_parameter(format!("behavior '{other}' is not one of serve, exit, pullError, unhealthy."))),
        };
        self.images.insert(image.clone(), behavior);
        Ok(json!({ "image": image }))
    }

    fn set_timings(&mut self, input: &Value) -> ApiResult {
        let Some(map) = input.as_object() else { return Err(ApiError::invalid_parameter("timings must be an object")) };
        for (name, value) in map {
            let ms = match value {
                Value::String(s) => crate::time::parse_duration_ms(s).map_err(|e| ApiError::invalid_parameter(format!("{name}: {e}")))?,
                Value::Number(n) => n.as_u64().ok_or_else(|| ApiError::invalid_parameter(format!("{name} must be a duration")))?.saturating_mul(1000),
                _ => return Err(ApiError::invalid_parameter(format!("{name} must be a duration such as \"10s\""))),
            };
            let slot = match name.as_str() {
                "instanceBoot" => &mut self.timings.instance_boot_ms,
                "agentRegistration" => &mut self.timings.agent_registration_ms,
                "instanceShutdown" => &mut self.timings.instance_shutdown_ms,
                "eniAttach" => &mut self.timings.eni_attach_ms,
                "fargateProvisioning" => &mut self.timings.fargate_provisioning_ms,
                "imagePull" => &mut self.timings.image_pull_ms,
                "containerStart" => &mut self.timings.container_start_ms,
                "containerStop" => &mut self.timings.container_stop_ms,
                "deprovisioning" => &mut self.timings.deprovisioning_ms,
                other => return Err(ApiError::invalid_parameter(format!("Unknown timing '{other}'. Known: instanceBoot, agentRegistration, instanceShutdown, eniAttach, fargateProvisioning, imagePull, containerStart, containerStop, deprovisioning."))),
            };
            *slot = ms;
        }
        Ok(json!({}))
    }
}

/// Parses the placement strategies of a request (`placementStrategy`), at most 5.
pub(crate) fn parse_strategies(value: Option<&Value>) -> Result<Vec<Strategy>, ApiError> {
    let Some(items) = value.and_then(Value::as_array) else { return Ok(vec![]) };
    if items.len() > 5 {
        return Err(ApiError::invalid_parameter("Number of placement strategies exceeds the limit of 5."));
    }
    let mut out = Vec::new();
    for item in items {
        let kind = str_field(item, "type").unwrap_or("");
        let field = str_field(item, "field");
        out.push(match kind {
            "random" => Strategy::Random,
            "binpack" => match field.map(str::to_ascii_lowercase).as_deref() {
                Some("cpu") => Strategy::Binpack(BinpackField::Cpu),
                Some("memory") => Strategy::Binpack(BinpackField::Memory),
                _ => return Err(ApiError::invalid_parameter("Invalid field for binpack strategy. Valid values are [cpu, memory].")),
            },
            "spread" => match field {
                Some(f) if !f.is_empty() => Strategy::Spread(f.to_string()),
                _ => return Err(ApiError::invalid_parameter(crate::api::texts::blank("Spread field"))),
            },
            other => return Err(ApiError::invalid_parameter(format!("Invalid placement strategy type '{other}'. Valid values are [random, spread, binpack]."))),
        });
    }
    Ok(out)
}

/// Parses `placementConstraints` of a request, validating memberOf expressions.
pub(crate) fn parse_constraints(value: Option<&Value>) -> Result<Vec<Constraint>, ApiError> {
    let Some(items) = value.and_then(Value::as_array) else { return Ok(vec![]) };
    if items.len() > 10 {
        return Err(ApiError::invalid_parameter("Number of placement constraints exceeds the limit of 10."));
    }
    let mut out = Vec::new();
    for item in items {
        match str_field(item, "type") {
            Some("distinctInstance") => {
                if str_field(item, "expression").is_some() {
                    return Err(ApiError::invalid_parameter("Expressions are not supported for distinctInstance constraints."));
                }
                out.push(Constraint::DistinctInstance);
            }
            Some("memberOf") => {
                let expression = str_field(item, "expression").unwrap_or("");
                if expression.is_empty() {
                    return Err(ApiError::invalid_parameter("An expression is required for memberOf constraints."));
                }
                crate::cql::parse(expression).map_err(ApiError::invalid_parameter)?;
                out.push(Constraint::MemberOf(expression.to_string()));
            }
            other => {
                return Err(ApiError::invalid_parameter(format!(
                    "Invalid placement constraint type '{}'. Valid values are [distinctInstance, memberOf].",
                    other.unwrap_or("")
                )))
            }
        }
    }
    Ok(out)
}

fn fis_tags_match(target: &Value, tags: &Table<String, String>) -> bool {
    match target.get("resourceTags").and_then(Value::as_object) {
        Some(wanted) => wanted.iter().all(|(k, v)| tags.get(k).map(String::as_str) == v.as_str()),
        None => true,
    }
}

fn fis_filters_match(target: &Value, fields: &[(&str, &str)]) -> bool {
    let Some(filters) = target.get("filters").and_then(Value::as_array) else { return true };
    filters.iter().all(|filter| {
        let path = str_field(filter, "path").unwrap_or("");
        let values = string_list(filter, "values");
        match fields.iter().find(|(name, _)| *name == path) {
            Some((_, actual)) => values.iter().any(|v| v == actual),
            None => false,
        }
    })
}

/// `PT10M`, `PT1H30M`, `PT90S` → milliseconds.
pub(crate) fn parse_iso8601_duration_ms(text: &str) -> Option<u64> {
    let rest = text.strip_prefix("PT")?;
    let mut total = 0u64;
    let mut digits = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            let n: u64 = digits.parse().ok()?;
            digits.clear();
            total += n * match c {
                'H' => 3_600_000,
                'M' => 60_000,
                'S' => 1000,
                _ => return None,
            };
        }
    }
    digits.is_empty().then_some(total)
}

/// User data is plain text or base64 (as the EC2 API takes it).
fn decode_user_data(text: &str) -> String {
    if text.contains("ECS_") || text.starts_with("#!") {
        return text.to_string();
    }
    base64_decode(text).and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_else(|| text.to_string())
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut n_bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        } as u32;
        buffer = (buffer << 6) | value;
        n_bits += 6;
        if n_bits >= 8 {
            n_bits -= 8;
            out.push((buffer >> n_bits) as u8);
            buffer &= (1 << n_bits) - 1;
        }
    }
    Some(out)
}

/// Reads `NAME=value` from user data lines such as `echo ECS_CLUSTER=demo >> /etc/ecs/ecs.config`.
fn user_data_setting(user_data: &str, name: &str) -> Option<String> {
    let needle = format!("{name}=");
    for line in user_data.lines() {
        if let Some(idx) = line.find(&needle) {
            let rest = &line[idx + needle.len()..];
            let value = rest.split(">>").next().unwrap_or(rest).trim().trim_matches(|c| c == '"' || c == '\'');
            if !value.is_empty() {
                return Some(value.to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_data_in_plain_text_and_base64() {
        let plain = "#!/bin/bash\necho ECS_CLUSTER=demo >> /etc/ecs/ecs.config";
        assert_eq!(user_data_setting(&decode_user_data(plain), "ECS_CLUSTER").as_deref(), Some("demo"));
        // base64 of the same text.
        let encoded = "IyEvYmluL2Jhc2gKZWNobyBFQ1NfQ0xVU1RFUj1kZW1vID4+IC9ldGMvZWNzL2Vjcy5jb25maWc=";
        assert_eq!(user_data_setting(&decode_user_data(encoded), "ECS_CLUSTER").as_deref(), Some("demo"));
    }

    #[test]
    fn iso_durations() {
        assert_eq!(parse_iso8601_duration_ms("PT10M"), Some(600_000));
        assert_eq!(parse_iso8601_duration_ms("PT1H30S"), Some(3_630_000));
        assert_eq!(parse_iso8601_duration_ms("10M"), None);
    }
}
