//! The engine's wiring to the VPC model (`vpc/`): the scenario's VPC, the VPC calls (which keep the
//! scenario's subnet and security group lists, read by RunTask, EFS and the view, in step), and what a
//! starting task must reach: Amazon ECR (API, registry, S3 layers) or a public registry, Secrets Manager or
//! SSM for its secrets, CloudWatch Logs for awslogs. A task whose start has no path waits in PENDING for
//! [`crate::vpc::NETWORK_TIMEOUT_MS`] and stops with AWS's text.
//!
//! A scenario whose `network` does not describe routing keeps every path (see `vpc/spec.rs`), so its run is
//! exactly what it was before routing was modelled.

use serde_json::Value;

use crate::scenario::{IngressRule, Network, SecurityGroup, Subnet};
use crate::vpc::{Destination, GroupSeed, NetworkFailure, Reachability, SgRule, Source, SubnetSeed, VpcContext, VpcState};

use super::engine::Sim;
use super::model::{LaunchType, TaskKey, ACCOUNT_ID};

/// One thing a task's start must reach, the path to it, and AWS's text if there is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartNeed {
    /// What it is for: `registry auth for <image>`, `the image <image> (manifest)`, `secret <arn>`, ...
    pub purpose: String,
    pub reach: Reachability,
    pub failure: NetworkFailure,
}

/// The scenario's VPC as the VPC model holds it.
fn vpc_from_scenario(network: &Network, region: &str) -> VpcState {
    let subnets: Vec<SubnetSeed<'_>> = network.subnets.iter().map(|s| SubnetSeed { subnet_id: &s.subnet_id, availability_zone: &s.availability_zone, cidr_block: &s.cidr_block }).collect();
    let groups: Vec<GroupSeed<'_>> = network
        .security_groups
        .iter()
        .map(|g| GroupSeed {
            group_id: &g.group_id,
            ingress: g.ingress.iter().map(|r| SgRule { protocol: r.protocol.clone(), from_port: r.from_port, to_port: r.to_port, cidr: r.cidr.clone(), group: r.source_group.clone() }).collect(),
        })
        .collect();
    VpcState::from_network(&network.vpc_id, &network.cidr_block, &subnets, &groups, &network.routing, region)
}

impl Sim {
    /// The scenario's VPC, built when the run starts.
    pub(super) fn scenario_vpc(&self) -> VpcState {
        vpc_from_scenario(&self.scenario.network, &self.scenario.region)
    }

    pub(super) fn vpc_context(&self) -> VpcContext {
        let network_load_balancers = self
            .elb
            .load_balancers
            .values()
            .filter(|lb| lb.lb_type == crate::elb::LbType::Network)
            .map(|lb| crate::vpc::NlbSeed { arn: lb.arn.clone(), vpc_id: lb.vpc_id.clone(), availability_zones: lb.azs().map(str::to_string).collect() })
            .collect();
        VpcContext { region: self.scenario.region.clone(), account_id: ACCOUNT_ID.to_string(), now_ms: self.now.0, network_load_balancers }
    }

    /// The VPC model, for the app's network panel and the tests.
    pub fn vpc(&self) -> &VpcState {
        &self.vpc
    }

    /// Adds the VPC model's new subnets and groups to the scenario's lists and copies every group's inbound
    /// rules, keeping the lists' order (the first group stays the default of awsvpc tasks).
    pub(super) fn sync_scenario_network(&mut self) {
        let network = &mut self.scenario.network;
        for subnet in self.vpc.subnets.values() {
            if !network.subnets.iter().any(|s| s.subnet_id == subnet.subnet_id) {
                network.subnets.push(Subnet { subnet_id: subnet.subnet_id.clone(), availability_zone: subnet.availability_zone.clone(), cidr_block: subnet.cidr_block.clone() });
            }
        }
        for group in self.vpc.security_groups.values() {
            let ingress: Vec<IngressRule> = group
                .ingress
                .iter()
                .map(|r| IngressRule { protocol: r.protocol.clone(), from_port: r.from_port, to_port: r.to_port, cidr: r.cidr.clone(), source_group: r.group.clone() })
                .collect();
            match network.security_groups.iter_mut().find(|g| g.group_id == group.group_id) {
                Some(existing) => existing.ingress = ingress,
                None => network.security_groups.push(SecurityGroup { group_id: group.group_id.clone(), ingress }),
            }
        }
        self.refresh_target_paths();
    }

    /// Where a task sends from: its awsvpc interface (public IP when `assignPublicIp` is ENABLED on
    /// Fargate), or its instance's (a public IP when the instance's subnet maps one on launch).
    pub(super) fn task_source(&self, key: TaskKey) -> Option<Source> {
        let task = self.tasks.get(&key)?;
        let instance = task.node.and_then(|n| self.container_instances.get(&n)).and_then(|ci| self.ec2.get(&ci.ec2));
        let (subnet_id, public_ip, security_groups) = if task.network_mode_awsvpc {
            // An awsvpc task on EC2 never gets a public IP (assignPublicIp is Fargate's).
            (task.subnet_id.clone()?, task.assign_public_ip && task.launch_type == LaunchType::Fargate, task.security_groups.clone())
        } else {
            let instance = instance?;
            let public = self.vpc.subnets.get(&instance.subnet_id).is_some_and(|s| s.map_public_ip_on_launch);
            (instance.subnet_id.clone(), public, instance.security_groups.clone())
        };
        Some(Source { subnet_id, public_ip, security_groups, name: format!("task {}", &task.id[..8]) })
    }

    /// Everything the task's start must reach, in the order the agent reaches it: the registry auth and the
    /// secrets, then each image's manifest and layers, then CloudWatch Logs for awslogs.
    pub fn task_start_needs(&self, key: TaskKey) -> Vec<StartNeed> {
        let Some(task) = self.tasks.get(&key) else { return vec![] };
        let Some(source) = self.task_source(key) else { return vec![] };
        let Some(rev) = self.revision(&task.family, task.revision) else { return vec![] };
        let region = self.scenario.region.as_str();
        let now_ms = self.now.0;
        let reach = |d: &Destination| self.vpc.reach(&source, d, region, now_ms);
        let containers: Vec<&Value> = rev.spec.input.get("containerDefinitions").and_then(Value::as_array).into_iter().flatten().collect();
        let images: Vec<&str> = containers.iter().filter_map(|c| c.get("image").and_then(Value::as_str)).collect();
        let mut needs = Vec::new();
        if let Some(image) = images.iter().find(|i| crate::vpc::is_ecr_image(i)) {
            let d = Destination::service("ecr.api");
            needs.push(StartNeed { purpose: format!("registry auth for {image}"), reach: reach(&d), failure: crate::vpc::pull_failure(image, &d, region) });
        }
        for container in &containers {
            let log = container.get("logConfiguration");
            for secret in [container.get("secrets"), log.and_then(|l| l.get("secretOptions"))].into_iter().flatten().filter_map(Value::as_array).flatten() {
                if let Some(value_from) = secret.get("valueFrom").and_then(Value::as_str) {
                    let service = if value_from.contains(":secretsmanager:") { "secretsmanager" } else { "ssm" };
                    let d = Destination::service(service);
                    needs.push(StartNeed { purpose: format!("secret {value_from}"), reach: reach(&d), failure: crate::vpc::secret_failure(value_from, &d) });
                }
            }
        }
        for image in &images {
            for d in crate::vpc::pull_destinations(image) {
                let part = match &d {
                    Destination::Service(s) if s == "ecr.api" => continue,
                    Destination::Service(s) if s == "s3" => "layers",
                    _ => "manifest",
                };
                needs.push(StartNeed { purpose: format!("the image {image} ({part})"), reach: reach(&d), failure: crate::vpc::pull_failure(image, &d, region) });
            }
        }
        let awslogs = containers.iter().any(|c| c.get("logConfiguration").and_then(|l| l.get("logDriver")).and_then(Value::as_str) == Some("awslogs"));
        if awslogs {
            let d = Destination::service("logs");
            needs.push(StartNeed { purpose: "the awslogs log driver".into(), reach: reach(&d), failure: crate::vpc::logs_failure() });
        }
        needs
    }

    /// The first thing the task's start cannot reach, with AWS's text; `None` when every path is there
    /// (always, in a VPC whose routing is not modelled).
    pub(super) fn network_start_failure(&self, key: TaskKey) -> Option<NetworkFailure> {
        if !self.task_routing_modelled(key) {
            return None;
        }
        self.task_start_needs(key).into_iter().find(|n| !n.reach.complete()).map(|n| n.failure)
    }

    /// Whether the VPC of the task's subnet has its routing modelled (a cheap test before any path).
    fn task_routing_modelled(&self, key: TaskKey) -> bool {
        let Some(task) = self.tasks.get(&key) else { return false };
        let subnet = if task.network_mode_awsvpc {
            task.subnet_id.clone()
        } else {
            task.node.and_then(|n| self.container_instances.get(&n)).and_then(|ci| self.ec2.get(&ci.ec2)).map(|e| e.subnet_id.clone())
        };
        subnet.and_then(|s| self.vpc.subnets.get(&s)).is_some_and(|s| self.vpc.routing_modelled(&s.vpc_id))
    }

    /// How long the task's image pull takes: the account's pull time, or AWS's network timeout when its start
    /// has no path.
    pub(super) fn pull_wait_ms(&self, key: TaskKey) -> u64 {
        if self.network_start_failure(key).is_some() {
            crate::vpc::NETWORK_TIMEOUT_MS
        } else {
            self.timings.image_pull_ms
        }
    }
}
