//! Clusters: CreateCluster (with its `containerInsights` setting), DeleteCluster, DescribeClusters,
//! ListClusters and UpdateClusterSettings.

use serde_json::json;

use crate::api::{ApiError, ApiResult};

use super::engine::{Ev, Sim};
use super::model::{Cluster, Ec2Key, Ec2State, ServiceStatus};
use super::requests::{short_name, CreateClusterRequest, DescribeClustersRequest, UpdateClusterSettingsRequest};

impl Sim {
    /// The cluster named `name` when it is ACTIVE, refused as AWS refuses an unknown cluster.
    pub(super) fn active_cluster(&self, name: &str) -> Result<String, ApiError> {
        match self.clusters.get(name) {
            Some(cluster) if cluster.status == "ACTIVE" => Ok(name.to_string()),
            _ => Err(ApiError::cluster_not_found()),
        }
    }

    pub(super) fn create_cluster(&mut self, request: CreateClusterRequest) -> ApiResult {
        let name = request.cluster_name.to_string();
        let setting = request.container_insights;
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
    pub(super) fn update_cluster_settings(&mut self, request: UpdateClusterSettingsRequest) -> ApiResult {
        let name = self.active_cluster(request.cluster)?;
        let Some(value) = request.container_insights? else {
            // `settings` is required (API model); this wording is [UNVERIFIED].
            return Err(ApiError::invalid_parameter("settings can not be empty."));
        };
        if let Some(cluster) = self.clusters.get_mut(&name) {
            cluster.container_insights = value;
        }
        Ok(json!({ "cluster": self.cluster_json(&name, true) }))
    }

    pub(super) fn delete_cluster(&mut self, cluster: &str) -> ApiResult {
        let name = self.active_cluster(cluster)?;
        if self.container_instances.values().any(|ci| ci.cluster == name && ci.status != "INACTIVE") {
            return Err(ApiError::new(
                "ClusterContainsContainerInstancesException",
                "The Cluster cannot be deleted while Container Instances are active or draining.",
            ));
        }
        if self.services.values().any(|s| s.cluster == name && s.status != ServiceStatus::Inactive) {
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

    pub(super) fn describe_clusters(&mut self, request: DescribeClustersRequest) -> ApiResult {
        let mut clusters = Vec::new();
        let mut failures = Vec::new();
        for name in request.clusters {
            let short = short_name(&name).to_string();
            if self.clusters.contains_key(&short) {
                clusters.push(self.cluster_json(&short, request.include_settings));
            } else {
                failures.push(json!({ "arn": self.arn("ecs", &format!("cluster/{short}")), "reason": "MISSING" }));
            }
        }
        Ok(json!({ "clusters": clusters, "failures": failures }))
    }

    pub(super) fn list_clusters(&self) -> ApiResult {
        Ok(json!({ "clusterArns": self.clusters.values().filter(|c| c.status == "ACTIVE").map(|c| c.arn.clone()).collect::<Vec<_>>() }))
    }
}
