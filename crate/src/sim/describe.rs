//! Output shapes: the JSON that Describe* calls return, as the AWS API returns it.

use serde_json::{json, Map, Value};

use crate::placement::NodeKey;

use super::cost::cost_json;
use super::engine::Sim;
use super::model::{ACCOUNT_ID, Ec2Key, LaunchType, ServiceKey, ServiceStatus, Task, TaskKey, TaskStatus};
use super::record::LogKind;

fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_string(), value);
    }
}

impl Sim {
    /// The `Cluster` shape; `settings` (the `containerInsights` setting) only when `with_settings`.
    pub(super) fn cluster_json(&self, name: &str, with_settings: bool) -> Value {
        let Some(cluster) = self.clusters.get(name) else { return Value::Null };
        let n_instances = self.container_instances.values().filter(|ci| ci.cluster == name && ci.status != "INACTIVE").count();
        let running = self.live_tasks().filter(|t| t.cluster == name && t.last_status == TaskStatus::Running).count();
        let pending = self.live_tasks().filter(|t| t.cluster == name && t.last_status < TaskStatus::Running).count();
        let services = self.services.values().filter(|s| s.cluster == name && s.status == ServiceStatus::Active).count();
        let mut out = json!({
            "clusterArn": cluster.arn,
            "clusterName": cluster.name,
            "status": cluster.status,
            "registeredContainerInstancesCount": n_instances,
            "runningTasksCount": running,
            "pendingTasksCount": pending,
            "activeServicesCount": services,
            "statistics": [],
            "tags": [],
            "capacityProviders": self.scaling.cluster_strategy(name).map(|p| json!(p.providers)).unwrap_or(json!([])),
            "defaultCapacityProviderStrategy": self.scaling.cluster_strategy(name).map(|p| crate::scaling::strategy_json(&p.default_strategy)).unwrap_or(json!([])),
        });
        if with_settings {
            out["settings"] = json!([{ "name": "containerInsights", "value": cluster.container_insights }]);
        }
        out
    }

    pub(crate) fn task_definition_json(&self, family: &str, revision: u32) -> Value {
        let Some(rev) = self.revision(family, revision) else { return Value::Null };
        let mut out = rev.spec.input.as_object().cloned().unwrap_or_default();
        out.insert("taskDefinitionArn".into(), json!(rev.arn));
        out.insert("revision".into(), json!(rev.revision));
        out.insert("status".into(), json!(rev.status));
        out.insert("networkMode".into(), json!(rev.spec.network_mode.as_aws()));
        out.insert("compatibilities".into(), json!(rev.spec.compatibilities.iter().map(|c| c.as_aws()).collect::<Vec<_>>()));
        out.insert("registeredAt".into(), json!(self.iso_time(rev.registered_at)));
        out.insert("registeredBy".into(), json!(format!("arn:aws:iam::{ACCOUNT_ID}:user/learner")));
        let mut requires = Vec::new();
        if rev.spec.network_mode == crate::taskdef::NetworkMode::Awsvpc {
            requires.push(json!({ "name": "ecs.capability.task-eni" }));
        }
        if rev.spec.execution_role_arn.is_some() {
            requires.push(json!({ "name": "ecs.capability.execution-role-awslogs" }));
        }
        out.insert("requiresAttributes".into(), json!(requires));
        if let Some(at) = rev.deregistered_at {
            out.insert("deregisteredAt".into(), json!(self.iso_time(at)));
        }
        Value::Object(out)
    }

    /// Writes a revision's `described_json` (its DescribeTaskDefinition output, pretty) after it changed.
    pub(super) fn write_described_json(&mut self, family: &str, revision: u32) {
        let text: std::rc::Rc<str> = serde_json::to_string_pretty(&self.task_definition_json(family, revision)).unwrap_or_default().into();
        if let Some(rev) = self.task_definitions.get_mut(family).and_then(|r| r.get_mut(revision.wrapping_sub(1) as usize)) {
            rev.described_json = text;
        }
    }

    pub(super) fn container_instance_json(&self, key: NodeKey) -> Value {
        let Some(ci) = self.container_instances.get(&key) else { return Value::Null };
        let ec2 = self.ec2.get(&ci.ec2);
        let pool = self.pools.get(&ci.cluster);
        let node = pool.and_then(|p| p.node(key));
        let remaining = pool.and_then(|p| p.remaining(key));
        let registered_cpu = node.map_or(0, |n| n.registered_cpu_units);
        let registered_mem = node.map_or(0, |n| n.registered_memory_mib);
        let reserved_ports: Vec<String> = node.map(|n| n.reserved_tcp_ports.iter().map(|p| p.to_string()).collect()).unwrap_or_default();
        let resource = |name: &str, value: Value| -> Value {
            match value {
                Value::Array(_) => json!({ "name": name, "type": "STRINGSET", "stringSetValue": value }),
                _ => json!({ "name": name, "type": "INTEGER", "integerValue": value }),
            }
        };
        let running = self.live_node_tasks(key).filter(|t| t.last_status == TaskStatus::Running).count();
        let pending = self.live_node_tasks(key).filter(|t| t.last_status < TaskStatus::Running).count();
        let attributes: Vec<Value> = node
            .map(|n| {
                n.attributes
                    .iter()
                    .map(|(name, value)| match value {
                        Some(v) => json!({ "name": name, "value": v }),
                        None => json!({ "name": name }),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (remaining_cpu, remaining_mem, remaining_ports, remaining_udp) = match (&remaining, ci.status.as_str()) {
            (Some(r), _) => (r.cpu_units, r.memory_mib, r.tcp_ports.iter().map(|p| p.to_string()).collect::<Vec<_>>(), r.udp_ports.iter().map(|p| p.to_string()).collect::<Vec<_>>()),
            (None, _) => (0, 0, vec![], vec![]),
        };
        json!({
            "containerInstanceArn": ci.arn,
            "ec2InstanceId": ec2.map(|e| e.instance_id.clone()),
            "version": 1,
            "versionInfo": { "agentVersion": "1.99.0", "dockerVersion": "DockerVersion: 25.0.8" },
            "status": ci.status,
            "agentConnected": ci.agent_connected,
            "runningTasksCount": running,
            "pendingTasksCount": pending,
            "registeredAt": self.iso_time(ci.registered_at),
            "registeredResources": [
                resource("CPU", json!(registered_cpu)),
                resource("MEMORY", json!(registered_mem)),
                resource("PORTS", json!(reserved_ports)),
                resource("PORTS_UDP", json!([])),
            ],
            "remainingResources": [
                resource("CPU", json!(remaining_cpu)),
                resource("MEMORY", json!(remaining_mem)),
                resource("PORTS", json!(remaining_ports)),
                resource("PORTS_UDP", json!(remaining_udp)),
            ],
            "attributes": attributes,
            "tags": [],
        })
    }

    pub(super) fn ec2_json(&self, key: Ec2Key) -> Value {
        let Some(e) = self.ec2.get(&key) else { return Value::Null };
        let mut instance = json!({
            "InstanceId": e.instance_id,
            "InstanceType": e.instance_type.name,
            "Placement": { "AvailabilityZone": e.availability_zone },
            "SubnetId": e.subnet_id,
            "VpcId": self.scenario.network.vpc_id,
            "State": { "Name": e.state.as_aws() },
            "LaunchTime": self.iso_time(e.launched_at),
            "Tags": e.tags.iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect::<Vec<_>>(),
        });
        if e.spot {
            instance["InstanceLifecycle"] = json!("spot");
        }
        instance
    }

    pub(super) fn task_json(&self, key: TaskKey) -> Value {
        let Some(t) = self.tasks.get(&key) else { return Value::Null };
        let cluster_arn = self.clusters.get(&t.cluster).map(|c| c.arn.clone()).unwrap_or_default();
        let mut out = Map::new();
        out.insert("taskArn".into(), json!(t.arn));
        out.insert("clusterArn".into(), json!(cluster_arn));
        out.insert("taskDefinitionArn".into(), json!(t.task_definition_arn));
        put(&mut out, "containerInstanceArn", t.node.and_then(|n| self.container_instances.get(&n)).map(|ci| json!(ci.arn)));
        out.insert("availabilityZone".into(), json!(t.availability_zone));
        out.insert("launchType".into(), json!(t.launch_type.as_aws()));
        put(&mut out, "capacityProviderName", t.capacity_provider_name.as_ref().map(|p| json!(p)));
        if t.launch_type == LaunchType::Fargate {
            out.insert("platformVersion".into(), json!(&*t.platform_version));
            out.insert("platformFamily".into(), json!("Linux"));
            // A Fargate task reports its ephemeral storage: 20 GiB, or the 21 to 200 GiB its task definition asks
            // for (API_Task `ephemeralStorage` and `fargateEphemeralStorage`; Fargate task storage page).
            let size_gib = self
                .task_definitions
                .get(&t.family)
                .and_then(|revisions| revisions.iter().find(|r| r.arn == t.task_definition_arn))
                .and_then(|r| r.spec.input.pointer("/ephemeralStorage/sizeInGiB"))
                .and_then(Value::as_u64)
                .unwrap_or(20);
            out.insert("ephemeralStorage".into(), json!({ "sizeInGiB": size_gib }));
            out.insert("fargateEphemeralStorage".into(), json!({ "sizeInGiB": size_gib }));
        }
        out.insert("lastStatus".into(), json!(t.last_status.as_aws()));
        out.insert("desiredStatus".into(), json!(t.desired_status.as_aws()));
        out.insert("group".into(), json!(t.group));
        put(&mut out, "startedBy", t.started_by.as_ref().map(|s| json!(s)));
        put(&mut out, "overrides", t.overrides.as_deref().cloned());
        out.insert("cpu".into(), json!(t.cpu_units.to_string()));
        out.insert("memory".into(), json!(t.memory_mib.to_string()));
        out.insert("healthStatus".into(), json!(t.health_status.as_aws()));
        out.insert("createdAt".into(), json!(self.iso_time(t.created_at)));
        put(&mut out, "pullStartedAt", t.pull_started_at.map(|v| json!(self.iso_time(v))));
        put(&mut out, "pullStoppedAt", t.pull_stopped_at.map(|v| json!(self.iso_time(v))));
        put(&mut out, "startedAt", t.started_at.map(|v| json!(self.iso_time(v))));
        put(&mut out, "stoppingAt", t.stopping_at.map(|v| json!(self.iso_time(v))));
        put(&mut out, "stoppedAt", t.stopped_at.map(|v| json!(self.iso_time(v))));
        put(&mut out, "executionStoppedAt", t.stopped_at.map(|v| json!(self.iso_time(v))));
        put(&mut out, "stopCode", t.stop_code.as_ref().map(|s| json!(s)));
        put(&mut out, "stoppedReason", t.stopped_reason.as_ref().map(|s| json!(s)));
        out.insert("version".into(), json!(t.version));
        let containers: Vec<Value> = t
            .containers
            .iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("containerArn".into(), json!(format!("{}/{}", t.arn.replace(":task/", ":container/"), c.name)));
                m.insert("taskArn".into(), json!(t.arn));
                m.insert("name".into(), json!(c.name));
                m.insert("image".into(), json!(c.image));
                m.insert("lastStatus".into(), json!(c.last_status));
                put(&mut m, "exitCode", c.exit_code.map(|v| json!(v)));
                // An awsvpc task's containers share its network interface (API_Container `networkInterfaces`).
                if let (true, Some(ip)) = (t.network_mode_awsvpc, &t.private_ip) {
                    m.insert("networkInterfaces".into(), json!([{ "attachmentId": eni_attachment_id(&t.id), "privateIpv4Address": ip }]));
                }
                put(&mut m, "reason", c.reason.as_ref().map(|v| json!(v)));
                m.insert("healthStatus".into(), json!(c.health_status));
                m.insert(
                    "networkBindings".into(),
                    json!(t
                        .network_bindings
                        .iter()
                        .filter(|(name, ..)| name == &c.name)
                        .map(|(_, container_port, host_port, protocol)| json!({ "bindIP": "0.0.0.0", "containerPort": container_port, "hostPort": host_port, "protocol": protocol }))
                        .collect::<Vec<_>>()),
                );
                Value::Object(m)
            })
            .collect();
        out.insert("containers".into(), json!(containers));
        if t.network_mode_awsvpc {
            let status = match t.last_status {
                TaskStatus::Provisioning => "PRECREATED",
                TaskStatus::Stopped => "DELETED",
                TaskStatus::Deprovisioning => "DELETED",
                _ => "ATTACHED",
            };
            out.insert(
                "attachments".into(),
                json!([{
                    "id": eni_attachment_id(&t.id),
                    "type": "ElasticNetworkInterface",
                    "status": status,
                    "details": eni_details(t, &self.scenario.region),
                }]),
            );
        }
        out.insert("tags".into(), json!([]));
        Value::Object(out)
    }

    pub(super) fn service_json(&self, key: ServiceKey) -> Value {
        let Some(s) = self.services.get(&key) else { return Value::Null };
        let cluster_arn = self.clusters.get(&s.cluster).map(|c| c.arn.clone()).unwrap_or_default();
        let count = |deployment: Option<&str>, running: bool| -> u32 {
            self.live_service_tasks(key)
                .filter(|t| t.is_active())
                .filter(|t| deployment.is_none_or(|d| t.deployment_id.as_deref() == Some(d)))
                .filter(|t| if running { t.last_status == TaskStatus::Running } else { t.last_status < TaskStatus::Running })
                .count() as u32
        };
        // A service shows `capacityProviderStrategy` or `launchType`, never both.
        let (capacity_key, capacity_value) = if s.capacity_provider_strategy.is_empty() {
            ("launchType", json!(s.launch_type.as_aws()))
        } else {
            ("capacityProviderStrategy", crate::scaling::strategy_json(&s.capacity_provider_strategy))
        };
        let deployments: Vec<Value> = s
            .deployments
            .iter()
            .map(|d| {
                json!({
                    "id": &*d.id,
                    "status": d.status.as_aws(),
                    "taskDefinition": d.task_definition_arn,
                    "desiredCount": d.desired_count,
                    "pendingCount": count(Some(&d.id), false),
                    "runningCount": count(Some(&d.id), true),
                    "failedTasks": d.failed_tasks,
                    "createdAt": self.iso_time(d.created_at),
                    "updatedAt": self.iso_time(d.updated_at),
                    "rolloutState": d.rollout_state.as_aws(),
                    "rolloutStateReason": d.rollout_state_reason,
                })
            })
            .map(|mut d: Value| {
                d[capacity_key] = capacity_value.clone();
                d
            })
            .collect();
        let mut out = json!({
            "serviceArn": s.arn,
            "serviceName": s.name,
            "clusterArn": cluster_arn,
            "loadBalancers": s.load_balancers_json,
            "serviceRegistries": [],
            "status": s.status.as_aws(),
            "desiredCount": s.desired_count,
            "runningCount": count(None, true),
            "pendingCount": count(None, false),
            "taskDefinition": s.task_definition_arn,
            "deploymentConfiguration": {
                "deploymentCircuitBreaker": { "enable": s.deployment_configuration.circuit_breaker_enable, "rollback": s.deployment_configuration.circuit_breaker_rollback },
                "maximumPercent": s.deployment_configuration.maximum_percent,
                "minimumHealthyPercent": s.deployment_configuration.minimum_healthy_percent,
            },
            "deployments": deployments,
            "events": s.events.iter().map(|e| json!({ "id": e.id, "createdAt": self.iso_time(e.created_at), "message": e.message })).collect::<Vec<_>>(),
            "createdAt": self.iso_time(s.created_at),
            "placementConstraints": s.placement_constraints_json,
            "placementStrategy": s.placement_strategy_json,
            "schedulingStrategy": s.scheduling_strategy.as_aws(),
            "deploymentController": { "type": "ECS" },
            "enableECSManagedTags": false,
            "propagateTags": "NONE",
            "enableExecuteCommand": false,
        });
        out[capacity_key] = capacity_value;
        if let Some(alarms) = &s.deployment_configuration.alarms {
            out["deploymentConfiguration"]["alarms"] = json!({ "alarmNames": alarms.alarm_names, "enable": alarms.enable, "rollback": alarms.rollback });
        }
        if s.launch_type == LaunchType::Fargate {
            out["platformVersion"] = json!(s.platform_version);
            out["platformFamily"] = json!("Linux");
        }
        if let Some(network) = &s.network_configuration_json {
            out["networkConfiguration"] = network.clone();
        }
        out
    }

    /// The final state as `ecs-sim run --describe` prints it.
    pub fn describe_all(&self) -> Value {
        let tasks: Vec<Value> = self.tasks.keys().map(|k| self.task_json(k)).collect();
        let services: Vec<Value> = self.services.keys().map(|k| self.service_json(*k)).collect();
        let container_instances: Vec<Value> = self.container_instances.keys().map(|k| self.container_instance_json(*k)).collect();
        let clusters: Vec<Value> = self.clusters.keys().map(|k| self.cluster_json(k, true)).collect();
        let task_definitions: Vec<Value> = self.task_definitions.values().flatten().map(|r| self.task_definition_json(&r.family, r.revision)).collect();
        let events: Vec<Value> = self
            .log
            .iter()
            .filter(|e| e.kind != LogKind::Call)
            .map(|e| json!({ "time": crate::time::format_duration_ms(e.time.0), "type": e.kind.as_str(), "subject": e.subject, "message": e.message }))
            .collect();
        json!({
            "seed": self.seed,
            "time": crate::time::format_duration_ms(self.now.0),
            "clusters": clusters,
            "taskDefinitions": task_definitions,
            "containerInstances": container_instances,
            "services": services,
            "tasks": tasks,
            "events": events,
            "cost": cost_json(&self.cost_report()),
            "traceHash": self.trace_hash(),
        })
    }
}

/// The id of an awsvpc task's network interface attachment.
fn eni_attachment_id(task_id: &str) -> String {
    format!("{}-{}", &task_id[..8], &task_id[8..12])
}

/// The `details` of an awsvpc task's ElasticNetworkInterface attachment, as DescribeTasks shows them: the subnet and
/// interface always, and once the interface has its address the MAC address, the private DNS name and the IPv4
/// address (real DescribeTasks output; the DNS name is `ip-a-b-c-d.ec2.internal` in us-east-1 and
/// `ip-a-b-c-d.<region>.compute.internal` elsewhere, EC2's default hostnames).
fn eni_details(t: &Task, region: &str) -> Value {
    let mut details = vec![
        json!({ "name": "subnetId", "value": t.subnet_id.clone().unwrap_or_default() }),
        json!({ "name": "networkInterfaceId", "value": format!("eni-{}", &t.id[..17]) }),
    ];
    if let Some(ip) = &t.private_ip {
        let id = t.id.as_bytes();
        let mac = format!("0a:{}:{}:{}:{}:{}", hex2(id, 17), hex2(id, 19), hex2(id, 21), hex2(id, 23), hex2(id, 25));
        let host = format!("ip-{}", ip.replace('.', "-"));
        let dns = if region == "us-east-1" { format!("{host}.ec2.internal") } else { format!("{host}.{region}.compute.internal") };
        details.push(json!({ "name": "macAddress", "value": mac }));
        details.push(json!({ "name": "privateDnsName", "value": dns }));
        details.push(json!({ "name": "privateIPv4Address", "value": ip }));
    }
    Value::Array(details)
}

/// Two hex digits of a task id from `at` (the id is 32 hex digits).
fn hex2(id: &[u8], at: usize) -> &str {
    std::str::from_utf8(&id[at..at + 2]).unwrap_or("00")
}
