//! The playground's own calls (`sim:`), for what has no AWS API: what images do (`sim:SetImageBehavior`),
//! lifecycle timings (`sim:SetTimings`), the application in a task calling AWS (`sim:TaskCall`) and using its
//! volumes (`sim:WriteFile`, `sim:ReadFile`), traffic (`sim:SetLoad`) and target behaviour
//! (`sim:SetTargetBehavior`), Fargate Spot interruptions and capacity (`sim:InterruptSpotTasks`,
//! `sim:SetFargateSpotCapacity`), and the cost report (`sim:DescribeCost`).

use serde_json::json;

use crate::api::{ApiError, ApiResult};
use crate::scaling::FARGATE_SPOT;

use super::capacity::FARGATE_CAPACITY_REASON;
use super::cost::cost_json;
use super::engine::Sim;
use super::loadbalancing::capacity_rps;
use super::model::{AccessRecord, Task, TaskKey, TaskStatus, ACCOUNT_ID};
use super::record::LogKind;
use super::requests::{
    short_name, FargateSpotCapacityRequest, FileRequest, ImageBehaviorRequest, InterruptSpotTasksRequest, SetLoadRequest, SetTimingsRequest, TargetBehaviorRequest, TaskCallRequest, TaskSelector,
    Timing,
};

impl Sim {
    /// The live tasks of the selector's cluster that match its task id (or id prefix) and its service.
    fn selected_tasks<'s>(&'s self, cluster: &'s str, tasks: &'s TaskSelector) -> impl Iterator<Item = &'s Task> + 's {
        self.live_tasks()
            .filter(move |t| t.cluster == cluster)
            .filter(|t| tasks.task.is_none_or(|id| t.id == id || t.id.starts_with(id)))
            .filter(|t| tasks.service.is_none_or(|s| t.service.and_then(|k| self.services.get(&k)).is_some_and(|svc| svc.name == s)))
    }

    pub(super) fn set_image_behavior(&mut self, request: ImageBehaviorRequest) -> ApiResult {
        self.images.insert(request.image.clone(), request.behavior);
        if request.on_stop == super::model::StopBehavior::Graceful {
            self.image_stop.remove(&request.image);
        } else {
            self.image_stop.insert(request.image.clone(), request.on_stop);
        }
        match request.log_message {
            Some(message) => self.logging.image_messages.insert(request.image.clone(), message),
            None => self.logging.image_messages.remove(&request.image),
        };
        Ok(json!({ "image": request.image }))
    }

    /// `sim:SetTimings`: sets each timing in turn, up to a bad one.
    pub(super) fn set_timings(&mut self, request: SetTimingsRequest) -> ApiResult {
        for timing in request.timings {
            let (timing, ms) = timing?;
            let slot = match timing {
                Timing::InstanceBoot => &mut self.timings.instance_boot_ms,
                Timing::AgentRegistration => &mut self.timings.agent_registration_ms,
                Timing::InstanceShutdown => &mut self.timings.instance_shutdown_ms,
                Timing::EniAttach => &mut self.timings.eni_attach_ms,
                Timing::FargateProvisioning => &mut self.timings.fargate_provisioning_ms,
                Timing::ImagePull => &mut self.timings.image_pull_ms,
                Timing::ContainerStart => &mut self.timings.container_start_ms,
                Timing::ContainerStop => &mut self.timings.container_stop_ms,
                Timing::Deprovisioning => &mut self.timings.deprovisioning_ms,
            };
            *slot = ms;
        }
        Ok(json!({}))
    }

    /// `sim:TaskCall`: the application in running tasks calls an AWS API; IAM decides with the task role
    /// (or, on EC2 without a task role, the instance role the containers reach through the instance metadata).
    pub(super) fn task_call(&mut self, request: TaskCallRequest) -> ApiResult {
        let cluster = self.active_cluster(request.tasks.cluster)?;
        let action = request.action.ok_or_else(|| ApiError::invalid_parameter("action is required, as service:Action (e.g. s3:GetObject)."))?.to_string();
        let resource = request.resource.to_string();
        if request.tasks.task.is_none() && request.tasks.service.is_none() {
            return Err(ApiError::invalid_parameter("sim:TaskCall needs a task or a service."));
        }
        let keys: Vec<TaskKey> = self.selected_tasks(&cluster, &request.tasks).filter(|t| t.last_status == TaskStatus::Running).map(|t| t.key).collect();
        if keys.is_empty() {
            return Err(ApiError::invalid_parameter("No RUNNING task matches; the call needs a running task to make it."));
        }
        let mut results = Vec::new();
        for key in keys {
            let task = &self.tasks[&key];
            let instance_role = task
                .node
                .and_then(|n| self.container_instances.get(&n))
                .and_then(|ci| self.ec2.get(&ci.ec2))
                .and_then(|e| e.instance_profile.as_deref())
                .and_then(|p| self.iam.instance_profile_role(p));
            let principal = task.task_role_arn.clone().or(instance_role);
            let record = match &principal {
                None => AccessRecord {
                    time: self.now,
                    action: action.clone(),
                    resource: resource.clone(),
                    allowed: false,
                    principal: "(no credentials)".into(),
                    explanation: "Unable to locate credentials: the task definition has no taskRoleArn, and a Fargate task has no instance role to fall back on.".into(),
                },
                Some(role) => {
                    let decision = self.iam.role_allows(role, &action, &resource);
                    let role_name = short_name(role).to_string();
                    let explanation = if decision.is_allowed() {
                        decision.explain()
                    } else {
                        // The AccessDenied text AWS services return, with the IAM decision after it.
                        format!(
                            "AccessDenied: User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/{} is not authorized to perform: {action} on resource: {resource}. {}",
                            task.id,
                            decision.explain()
                        )
                    };
                    AccessRecord { time: self.now, action: action.clone(), resource: resource.clone(), allowed: decision.is_allowed(), principal: role.clone(), explanation }
                }
            };
            let id8 = task.id[..8].to_string();
            let task_arn = task.arn.clone();
            let verdict = if record.allowed { "allowed" } else { "denied" };
            self.log_entry(LogKind::Iam, format!("task {id8}"), format!("Task {id8} called {action} on {resource}: {verdict}. {}", record.explanation));
            results.push(json!({ "taskArn": task_arn, "allowed": record.allowed, "principal": record.principal, "explanation": record.explanation }));
            if let Some(task) = self.tasks.get_mut(&key) {
                task.access_log.push(record);
                // Keep the most recent 100 calls per task.
                if task.access_log.len() > 100 {
                    task.access_log.remove(0);
                }
            }
        }
        Ok(json!({ "results": results }))
    }

    /// `sim:WriteFile` and `sim:ReadFile`: the application in a running task writes or reads a file on one of
    /// its volumes. EFS data outlives the task; other volumes keep their real lifetimes.
    pub(super) fn file_call(&mut self, request: FileRequest, write: bool) -> ApiResult {
        let cluster = self.active_cluster(request.tasks.cluster)?;
        let volume = request.source_volume.ok_or_else(|| ApiError::invalid_parameter("sourceVolume is required: the name of a volume of the task definition."))?.to_string();
        let path = request.path.ok_or_else(|| ApiError::invalid_parameter("path is required, e.g. /uploads/photo.txt."))?.to_string();
        let named = request.tasks.task.is_some() || request.tasks.service.is_some();
        let az = request.availability_zone;
        let key = self
            .selected_tasks(&cluster, &request.tasks)
            .filter(|t| t.last_status == TaskStatus::Running)
            .filter(|_| named)
            .filter(|t| az.is_none_or(|az| t.availability_zone == az))
            .map(|t| t.key)
            .next()
            .ok_or_else(|| ApiError::invalid_parameter("No RUNNING task matches: name a running task or a service with one."))?;
        let task = &self.tasks[&key];
        let task_id = task.id.clone();
        let task_arn = task.arn.clone();
        let id8 = task_id[..8].to_string();
        let efs_mount = task.efs_mounts.iter().find(|(name, _)| name == &volume).map(|(_, m)| m.clone());
        let now_ms = self.now.0;
        let (where_text, content) = match (efs_mount, write) {
            (Some(mount), true) => {
                let content = request.content.to_string();
                let stored = self
                    .efs
                    .write(&mount.file_system_id, &mount.root, &path, &content, &task_id, now_ms)
                    .map_err(|e| ApiError::new("FileError", format!("{e:?}")))?;
                (format!("{}:{stored}", mount.file_system_id), Some(content))
            }
            (Some(mount), false) => {
                let entry = self.efs.read(&mount.file_system_id, &mount.root, &path).cloned();
                match entry {
                    Some(entry) => (format!("{}:{path} (written by task {})", mount.file_system_id, &entry.written_by_task[..entry.written_by_task.len().min(8)]), Some(entry.content)),
                    None => return Err(ApiError::new("FileNotFound", format!("cat: {path}: No such file or directory (volume {volume}, {})", mount.file_system_id))),
                }
            }
            (None, true) => {
                let content = request.content.to_string();
                let stored = self.volumes.write(&task_id, &volume, &path, &content, now_ms).map_err(|e| match e {
                    crate::efs::VolumeError::UnknownVolume { .. } => ApiError::invalid_parameter(format!("Task {id8} has no volume '{volume}'.")),
                    other => ApiError::new("FileError", format!("{other:?}")),
                })?;
                (format!("{volume}:{stored}"), Some(content))
            }
            (None, false) => match self.volumes.read(&task_id, &volume, &path) {
                Some(entry) => (format!("{volume}:{path}"), Some(entry.content.clone())),
                None => return Err(ApiError::new("FileNotFound", format!("cat: {path}: No such file or directory (volume {volume} of task {id8})"))),
            },
        };
        let verb = if write { "wrote" } else { "read" };
        self.log_entry(LogKind::Storage, format!("task {id8}"), format!("Task {id8} {verb} {where_text}."));
        Ok(json!({ "taskArn": task_arn, "location": where_text, "content": content }))
    }

    /// `sim:SetLoad`: the requests a load balancer receives over time.
    pub(super) fn set_load(&mut self, request: SetLoadRequest) -> ApiResult {
        let reference = request.load_balancer;
        let arn = self
            .elb
            .load_balancers
            .values()
            .find(|lb| lb.arn == reference || lb.name == reference)
            .map(|lb| lb.arn.clone())
            .ok_or_else(|| ApiError::invalid_parameter(format!("Load balancer '{reference}' not found: give its ARN or name.")))?;
        let Some(profile) = request.profile? else {
            self.elb.set_load(&arn, None, self.now.0);
            return Ok(json!({ "loadBalancerArn": arn }));
        };
        let cpu_ms = profile.cpu_ms_per_request;
        self.elb.set_load(&arn, Some(profile), self.now.0);
        // Each task's capacity follows its CPU at this cost per request.
        let owners: Vec<(String, u32)> = self.live_tasks().filter(|t| t.is_active() && (t.private_ip.is_some() || t.service.is_some())).map(|t| (t.id.clone(), t.cpu_units)).collect();
        for (owner, cpu) in owners {
            self.elb.set_target_capacity(&owner, capacity_rps(cpu, cpu_ms));
        }
        let name = self.elb.load_balancers.get(&arn).map(|lb| lb.name.clone()).unwrap_or_default();
        self.log_entry(LogKind::Traffic, format!("load balancer {name}"), format!("Traffic to {name} set: {}.", request.description));
        Ok(json!({ "loadBalancerArn": arn }))
    }

    /// `sim:SetTargetBehavior`: how the containers of running tasks answer their load balancer.
    pub(super) fn set_target_behavior(&mut self, request: TargetBehaviorRequest) -> ApiResult {
        let cluster = self.active_cluster(request.tasks.cluster)?;
        if request.tasks.task.is_none() && request.tasks.service.is_none() {
            return Err(ApiError::invalid_parameter("sim:SetTargetBehavior needs a task or a service."));
        }
        let owners: Vec<String> = self.selected_tasks(&cluster, &request.tasks).filter(|t| t.is_active()).map(|t| t.id.clone()).collect();
        for owner in &owners {
            self.elb.set_target_behavior(owner, request.behavior);
        }
        Ok(json!({ "tasks": owners.len() }))
    }

    /// `sim:InterruptSpotTasks`: the two-minute warning to FARGATE_SPOT tasks (given ids, or `count` chosen
    /// with the seeded PRNG among the RUNNING ones, optionally of one `service`), or with `percentPerHour` a
    /// standing interruption rate drawn each minute.
    pub(super) fn interrupt_spot_tasks(&mut self, request: InterruptSpotTasksRequest) -> ApiResult {
        if let Some(percent) = request.percent_per_hour {
            let percent = percent?;
            self.spot_percent_per_hour = percent;
            return Ok(json!({ "percentPerHour": percent }));
        }
        let cluster = self.active_cluster(request.cluster)?;
        let service = request.service;
        let candidates: Vec<TaskKey> = self
            .live_tasks()
            .filter(|t| t.cluster == cluster && t.capacity_provider_name.as_deref() == Some(FARGATE_SPOT) && t.last_status == TaskStatus::Running && t.is_active())
            .filter(|t| service.is_none_or(|s| t.service.and_then(|k| self.services.get(&k)).is_some_and(|svc| svc.name == s)))
            .map(|t| t.key)
            .collect();
        let chosen: Vec<TaskKey> = match (request.tasks, request.count) {
            (Some(ids), None) => {
                let mut chosen = Vec::new();
                for id in ids {
                    let id = id?;
                    let key = candidates.iter().copied().find(|k| self.tasks[k].id == id).ok_or_else(|| ApiError::invalid_parameter(format!("Task {id} is not a RUNNING FARGATE_SPOT task of cluster {cluster}.")))?;
                    chosen.push(key);
                }
                chosen
            }
            (None, Some(count)) => {
                let count = count?;
                let mut pool = candidates;
                let mut chosen = Vec::new();
                while (chosen.len() as u64) < count && !pool.is_empty() {
                    let idx = self.rng.below(pool.len() as u32) as usize;
                    chosen.push(pool.remove(idx));
                }
                chosen
            }
            _ => return Err(ApiError::invalid_parameter("sim:InterruptSpotTasks needs tasks or count (or percentPerHour).")),
        };
        for key in &chosen {
            self.spot_warning(*key);
        }
        Ok(json!({ "interruptedTasks": chosen.iter().map(|k| self.tasks[k].arn.clone()).collect::<Vec<_>>() }))
    }

    /// `sim:SetFargateSpotCapacity` `{ "available": false }`: the Region runs out of Fargate Spot capacity.
    /// New FARGATE_SPOT tasks fail placement (RunTask `failures`, a service's event, retried every pass)
    /// until `{ "available": true }`; running Spot tasks go on (interruptions are `sim:InterruptSpotTasks`).
    pub(super) fn set_fargate_spot_capacity(&mut self, request: FargateSpotCapacityRequest) -> ApiResult {
        let available = request.available;
        self.fargate_spot_available = available;
        let region = self.scenario.region.clone();
        let message = if available {
            format!("Fargate Spot capacity in {region} is available again: services place their missing FARGATE_SPOT tasks on their next pass.")
        } else {
            format!("Fargate Spot capacity in {region} is unavailable: new FARGATE_SPOT tasks fail with {FARGATE_CAPACITY_REASON}; running ones go on.")
        };
        self.log_entry(LogKind::Fault, "sim:SetFargateSpotCapacity".into(), message);
        Ok(json!({ "region": region, "available": available }))
    }

    /// `sim:DescribeCost`: the cost report, compute and, beside it, the network's billed resources.
    pub(super) fn describe_cost(&self) -> ApiResult {
        Ok(cost_json(&self.cost_report(), &self.network_cost_lines()))
    }
}
