//! Container instances: ListContainerInstances, DescribeContainerInstances, UpdateContainerInstancesState
//! (draining), DeregisterContainerInstance, the custom attributes (PutAttributes, DeleteAttributes,
//! ListAttributes), and a container instance leaving its cluster when its EC2 instance goes.

use serde_json::json;

use crate::api::{texts, ApiError, ApiResult, Request};
use crate::placement::{NodeKey, NodeStatus};

use super::engine::Sim;
use super::model::{TaskKey, TaskStatus};
use super::record::LogKind;
use super::requests::{cluster_member, short_name, AttributesRequest, DeregisterContainerInstanceRequest, UpdateContainerInstancesStateRequest};

impl Sim {
    pub(super) fn list_container_instances(&mut self, request: &Request) -> ApiResult {
        let cluster = self.active_cluster(cluster_member(request))?;
        let status = request.str("status");
        let arns: Vec<String> = self
            .container_instances
            .values()
            .filter(|ci| ci.cluster == cluster && ci.status != "INACTIVE" && status.is_none_or(|s| ci.status == s))
            .map(|ci| ci.arn.clone())
            .collect();
        Ok(json!({ "containerInstanceArns": arns }))
    }

    pub(super) fn find_container_instance(&self, cluster: &str, reference: &str) -> Option<NodeKey> {
        let id = short_name(reference);
        self.container_instances
            .values()
            .find(|ci| ci.cluster == cluster && (ci.id == id || ci.arn == reference))
            .map(|ci| ci.key)
    }

    pub(super) fn describe_container_instances(&mut self, request: &Request) -> ApiResult {
        // The list is checked before the cluster (API_DescribeContainerInstances: `containerInstances`, up to 100).
        let references = request.strings("containerInstances");
        if references.is_empty() {
            return Err(ApiError::invalid_parameter(texts::list_empty("ContainerInstances")));
        }
        // AWS names this list instanceIds in its refusal (SDK output quoted in traefik/traefik#3625).
        if references.len() > 100 {
            return Err(ApiError::invalid_parameter(texts::too_many_items("instanceIds", 100)));
        }
        let cluster = self.active_cluster(cluster_member(request))?;
        let mut out = Vec::new();
        let mut failures = Vec::new();
        for reference in references {
            match self.find_container_instance(&cluster, &reference) {
                Some(key) => out.push(self.container_instance_json(key)),
                None => failures.push(json!({ "arn": reference, "reason": "MISSING" })),
            }
        }
        Ok(json!({ "containerInstances": out, "failures": failures }))
    }

    pub(super) fn update_container_instances_state(&mut self, request: UpdateContainerInstancesStateRequest) -> ApiResult {
        let cluster = self.active_cluster(request.cluster)?;
        let status = request.status?;
        let mut out = Vec::new();
        let mut failures = Vec::new();
        for reference in request.container_instances {
            match self.find_container_instance(&cluster, &reference) {
                Some(key) => {
                    self.set_container_instance_status(key, status);
                    out.push(self.container_instance_json(key));
                }
                None => failures.push(json!({ "arn": reference, "reason": "MISSING" })),
            }
        }
        Ok(json!({ "containerInstances": out, "failures": failures }))
    }

    pub(super) fn set_container_instance_status(&mut self, key: NodeKey, status: &str) {
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
        self.log_entry(LogKind::Instance, format!("container instance {ec2_id}"), format!("Container instance {ec2_id} is now {status}."));
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

    pub(super) fn deregister_container_instance(&mut self, request: DeregisterContainerInstanceRequest) -> ApiResult {
        let cluster = self.active_cluster(request.cluster)?;
        let reference = request.container_instance?;
        let key = self
            .find_container_instance(&cluster, reference)
            .ok_or_else(|| ApiError::invalid_parameter("Container instance not found."))?;
        let has_tasks = self.live_node_tasks(key).next().is_some();
        if has_tasks && !request.force {
            return Err(ApiError::invalid_parameter(
                "Found running tasks on the instance, unable to deregister. Use force to deregister the instance.",
            ));
        }
        let json = self.container_instance_json(key);
        self.remove_container_instance(key, "Container instance deregistration forced by user");
        Ok(json!({ "containerInstance": json }))
    }

    /// PutAttributes (`put`) and DeleteAttributes: each attribute is applied in turn, up to a bad one.
    pub(super) fn put_attributes(&mut self, request: AttributesRequest, put: bool) -> ApiResult {
        let cluster = self.active_cluster(request.cluster)?;
        let mut out = Vec::new();
        for attribute in request.attributes? {
            let attribute = attribute?;
            let (name, value) = (attribute.name.to_string(), attribute.value.map(str::to_string));
            let target = attribute.target_id;
            let key = self
                .find_container_instance(&cluster, target)
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
            out.push(attribute.item.clone());
        }
        self.tick_cluster_services(&cluster);
        Ok(json!({ "attributes": out }))
    }

    pub(super) fn list_attributes(&mut self, request: &Request) -> ApiResult {
        let cluster = self.active_cluster(cluster_member(request))?;
        let name = request.str("attributeName");
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

    /// Takes a container instance out of its cluster: its tasks stop at once and it becomes INACTIVE.
    pub(super) fn remove_container_instance(&mut self, node: NodeKey, reason: &str) {
        self.agent_log_deregistered(node, reason);
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
}
