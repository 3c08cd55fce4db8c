//! The Cluster tab's model: the cluster it acts on, its Container Insights setting, the options of the
//! launch form, and the inputs of CreateCluster, UpdateClusterSettings and RunInstances.

use ecs_sim::catalog::INSTANCE_TYPES;
use ecs_sim::view::View;
use serde_json::{json, Value};

use super::{cluster_options, subnet_options, Options};

/// What the Cluster tab offers.
#[derive(Debug, PartialEq)]
pub struct ClusterOptions {
    /// The active clusters, made by any call (see [`cluster_options`]).
    pub clusters: Options,
    /// The clusters whose `containerInsights` setting is not `disabled`.
    pub insights_on: Vec<String>,
    pub subnets: Options,
    /// Instance profiles: `ecsInstanceRole` first when the account has none of that name, none last.
    pub profiles: Options,
}

/// The Cluster tab's options in `view`.
pub fn options(view: &View) -> ClusterOptions {
    let insights_on = view.clusters.iter().filter(|c| c.container_insights != "disabled").map(|c| c.name.clone()).collect();
    let mut profiles: Options = view.instance_profiles.iter().map(|p| (p.name.clone(), format!("{} → role {}", p.name, if p.roles.is_empty() { "none".to_string() } else { p.roles.join(", ") }))).collect();
    if !profiles.iter().any(|p| p.0 == "ecsInstanceRole") {
        profiles.insert(0, ("ecsInstanceRole".into(), "ecsInstanceRole".into()));
    }
    profiles.push((String::new(), "(none: the agent cannot register)".into()));
    ClusterOptions { clusters: cluster_options(view), insights_on, subnets: subnet_options(view), profiles }
}

/// The instance types of the catalog as select options: `m5.large (2 vCPU, 8192 MiB)`.
pub fn instance_type_options() -> Options {
    INSTANCE_TYPES.iter().map(|t| (t.name.to_string(), format!("{} ({} vCPU, {} MiB)", t.name, t.vcpus, t.memory_mib_nominal))).collect()
}

pub fn create_cluster_input(name: &str) -> Value {
    json!({ "clusterName": name })
}

/// UpdateClusterSettings turning Container Insights on or off.
pub fn insights_input(cluster: &str, on: bool) -> Value {
    let value = if on { "enabled" } else { "disabled" };
    json!({ "cluster": cluster, "settings": [{ "name": "containerInsights", "value": value }] })
}

/// The launch form's fields as typed.
pub struct LaunchInstances<'a> {
    pub instance_type: &'a str,
    pub count: &'a str,
    pub subnet: &'a str,
    /// The instance profile's name; empty: none (the ECS agent cannot register).
    pub profile: &'a str,
    /// The cluster the instances join (`ECS_CLUSTER` in their user data).
    pub cluster: &'a str,
}

impl LaunchInstances<'_> {
    /// The RunInstances input and the instance count, or what is wrong with the fields.
    pub fn input(&self) -> Result<(u32, Value), String> {
        let Ok(n) = self.count.trim().parse::<u32>() else {
            return Err("Count must be a whole number.".into());
        };
        let cluster = self.cluster;
        let mut input = json!({
            "InstanceType": self.instance_type, "MinCount": n, "MaxCount": n, "SubnetId": self.subnet,
            "UserData": format!("#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config"),
        });
        if !self.profile.is_empty() {
            input["IamInstanceProfile"] = json!({ "Name": self.profile });
        }
        Ok((n, input))
    }
}
