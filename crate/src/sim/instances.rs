//! EC2 instances: RunInstances (with the user data the ECS agent reads), TerminateInstances and
//! DescribeInstances, and an instance's life: booting, the ECS agent registering it as a container instance
//! (its attributes and resources), and termination.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult};
use crate::placement::NodeInfo;
use crate::table::Table;

use super::engine::{Ev, Sim};
use super::model::{ContainerInstance, Ec2Instance, Ec2Key, Ec2State, ACCOUNT_ID};
use super::record::LogKind;
use super::requests::{short_name, RunInstancesRequest};

impl Sim {
    pub(super) fn run_instances(&mut self, request: &RunInstancesRequest) -> ApiResult {
        let (instance_type, type_name) = (request.instance_type, request.instance_type.name);
        let (min_count, max_count) = (request.min_count, request.max_count);
        if min_count == 0 || max_count < min_count {
            return Err(ApiError::new("InvalidParameterValue", "MinCount and MaxCount must be at least 1, and MaxCount must be at least MinCount."));
        }
        if max_count > 1000 {
            return Err(ApiError::new("InstanceLimitExceeded", "You have requested more instances (".to_string() + &max_count.to_string() + ") than your current instance limit of 1000 allows for the specified instance type."));
        }
        let subnet_id = match request.subnet_id {
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
        let profile = request.iam_instance_profile;
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
        let user_data = request.user_data.map(decode_user_data).unwrap_or_default();
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
        let mut security_groups = request.security_group_ids.clone();
        for group in &security_groups {
            if !self.scenario.network.security_groups.iter().any(|g| &g.group_id == group) {
                return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{group}' does not exist in VPC '{}'", self.scenario.network.vpc_id)));
            }
        }
        if security_groups.is_empty() {
            security_groups.extend(self.scenario.network.security_groups.first().map(|g| g.group_id.clone()));
        }
        let awsvpc_trunking = user_data_setting(&user_data, "ECS_ENABLE_AWSVPC_TRUNKING").is_none_or(|v| v == "true");
        let spot_instance_draining = user_data_setting(&user_data, "ECS_ENABLE_SPOT_INSTANCE_DRAINING").is_some_and(|v| v == "true");
        let mut tags = Table::new();
        for (key, value) in &request.tags {
            tags.insert(key.to_string(), value.to_string());
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
                    spot: request.spot,
                    spot_instance_draining,
                },
            );
            let at = self.now.plus_ms(self.timings.instance_boot_ms);
            self.schedule(at, Ev::InstanceRunning(key));
            instances.push(self.ec2_json(key));
            self.log_entry(LogKind::Instance, format!("instance {instance_id}"), format!("Launched {instance_id} ({type_name}) in {}.", subnet.availability_zone));
        }
        if !can_register {
            self.log_entry(
                LogKind::Instance,
                "ec2:RunInstances".into(),
                format!("The ECS agent on these instances cannot call ecs:RegisterContainerInstance ({registration_problem}), so they will never join a cluster. Launch them with IamInstanceProfile {{ \"Name\": \"ecsInstanceRole\" }}."),
            );
        }
        Ok(json!({ "Instances": instances, "OwnerId": ACCOUNT_ID }))
    }

    pub(super) fn on_instance_running(&mut self, key: Ec2Key) {
        let Some(instance) = self.ec2.get_mut(&key) else { return };
        if instance.state != Ec2State::Pending {
            return;
        }
        instance.state = Ec2State::Running;
        instance.state_since = self.now;
        let (can_register, cluster) = (instance.can_register, instance.agent_cluster.clone());
        // EC2 bills an instance while it is running (per second, one-minute minimum).
        let (id, type_name, spot) = (instance.instance_id.clone(), instance.instance_type.name, instance.spot);
        self.scaling.cost.instance_started_on(&id, &cluster, type_name, spot, self.now.0);
        if can_register && self.clusters.get(&cluster).is_some_and(|c| c.status == "ACTIVE") {
            let at = self.now.plus_ms(self.timings.agent_registration_ms);
            self.schedule(at, Ev::AgentRegistered(key));
        } else if can_register {
            let id = self.ec2[&key].instance_id.clone();
            self.log_entry(LogKind::Instance, format!("instance {id}"), format!("The ECS agent on {id} cannot register: cluster {cluster} does not exist (ECS_CLUSTER={cluster})."));
        }
    }

    pub(super) fn on_agent_registered(&mut self, key: Ec2Key) {
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
        let info = NodeInfo {
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
        self.agent_log_registered(node_key);
        self.log_entry(
            LogKind::Instance,
            format!("container instance {}", instance.instance_id),
            format!("Container instance {} ({}, {}) registered with cluster {cluster}.", instance.instance_id, it.name, instance.availability_zone),
        );
        self.tick_cluster_services(&cluster);
        if self.tasks.any_waiting() {
            self.place_waiting_tasks(&cluster);
        }
    }

    pub(super) fn terminate_instances(&mut self, ids: &[String]) -> ApiResult {
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
                self.log_entry(LogKind::Instance, format!("instance {id}"), format!("Instance {id} is shutting down."));
            }
            changes.push(json!({
                "InstanceId": id,
                "PreviousState": { "Name": previous.as_aws() },
                "CurrentState": { "Name": self.ec2[&key].state.as_aws() },
            }));
        }
        Ok(json!({ "TerminatingInstances": changes }))
    }

    pub(super) fn on_instance_terminated(&mut self, key: Ec2Key) {
        let now = self.now;
        let Some(instance) = self.ec2.get_mut(&key) else { return };
        instance.state = Ec2State::Terminated;
        instance.state_since = now;
        let id = instance.instance_id.clone();
        self.scaling.cost.stopped(&id, now.0);
        let node = instance.container_instance;
        self.log_entry(LogKind::Instance, format!("instance {id}"), format!("Instance {id} terminated."));
        if let Some(node) = node {
            self.remove_container_instance(node, &format!("Host EC2 (instance {id}) stopped/terminated."));
        }
        // Host paths and shared Docker volumes live on the instance and go with it.
        self.volumes.instance_terminated(&id);
    }

    pub(super) fn describe_instances(&mut self) -> ApiResult {
        let instances: Vec<Value> = self.ec2.keys().copied().collect::<Vec<_>>().into_iter().map(|k| self.ec2_json(k)).collect();
        Ok(json!({ "Reservations": [ { "Instances": instances } ] }))
    }
}

/// User data is plain text or base64 (as the EC2 API takes it).
fn decode_user_data(text: &str) -> String {
    if text.contains("ECS_") || text.starts_with("#!") {
        return text.to_string();
    }
    // Padding ends the data and whitespace (line breaks of wrapped base64) is skipped.
    let body: String = text.split('=').next().unwrap_or("").chars().filter(|c| !c.is_ascii_whitespace()).collect();
    crate::codec::Base64::Standard.decode(&body).and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_else(|| text.to_string())
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
        // Wrapped at 40 characters, as `base64 -w 40` writes it.
        let wrapped = format!("{}\n{}\n", &encoded[..40], &encoded[40..]);
        assert_eq!(user_data_setting(&decode_user_data(&wrapped), "ECS_CLUSTER").as_deref(), Some("demo"));
        // Not base64 (`-` is not in the standard alphabet): kept as it is.
        assert_eq!(decode_user_data("IyEv-mlu"), "IyEv-mlu");
    }
}
