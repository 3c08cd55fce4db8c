//! The input members of modelled calls that the playground does not model: a call given one is refused, naming
//! it, rather than applied as if the member were absent, so no member is silently ignored. A member given with the
//! value that asks for nothing (its AWS default) passes. `scripts/botocore-check` checks that each entry is a member
//! of its call's input in AWS's model.
//!
//! Members AWS added for features the playground has no model of yet (Service Connect, VPC Lattice, EBS volumes
//! at launch, ECS Exec, tag propagation) are here; a member leaves the table when its feature is
//! modelled.

use serde_json::Value;

/// `(call, member, the JSON value that asks for nothing or "" when none does)`, sorted by call then member.
pub const UNMODELLED: &[(&str, &str, &str)] = &[
    ("autoscaling:UpdateAutoScalingGroup", "AvailabilityZoneDistribution", ""),
    ("autoscaling:UpdateAutoScalingGroup", "AvailabilityZoneIds", ""),
    ("autoscaling:UpdateAutoScalingGroup", "AvailabilityZoneImpairmentPolicy", ""),
    ("autoscaling:UpdateAutoScalingGroup", "AvailabilityZones", ""),
    ("autoscaling:UpdateAutoScalingGroup", "CapacityRebalance", ""),
    ("autoscaling:UpdateAutoScalingGroup", "CapacityReservationSpecification", ""),
    ("autoscaling:UpdateAutoScalingGroup", "Context", ""),
    ("autoscaling:UpdateAutoScalingGroup", "DefaultCooldown", ""),
    ("autoscaling:UpdateAutoScalingGroup", "DefaultInstanceWarmup", ""),
    ("autoscaling:UpdateAutoScalingGroup", "DeletionProtection", ""),
    ("autoscaling:UpdateAutoScalingGroup", "DesiredCapacityType", ""),
    ("autoscaling:UpdateAutoScalingGroup", "HealthCheckGracePeriod", ""),
    ("autoscaling:UpdateAutoScalingGroup", "HealthCheckType", ""),
    ("autoscaling:UpdateAutoScalingGroup", "InstanceLifecyclePolicy", ""),
    ("autoscaling:UpdateAutoScalingGroup", "InstanceMaintenancePolicy", ""),
    ("autoscaling:UpdateAutoScalingGroup", "LaunchConfigurationName", ""),
    ("autoscaling:UpdateAutoScalingGroup", "LaunchTemplate", ""),
    ("autoscaling:UpdateAutoScalingGroup", "MaxInstanceLifetime", ""),
    ("autoscaling:UpdateAutoScalingGroup", "MixedInstancesPolicy", ""),
    ("autoscaling:UpdateAutoScalingGroup", "NewInstancesProtectedFromScaleIn", ""),
    ("autoscaling:UpdateAutoScalingGroup", "PlacementGroup", ""),
    ("autoscaling:UpdateAutoScalingGroup", "ServiceLinkedRoleARN", ""),
    ("autoscaling:UpdateAutoScalingGroup", "SkipZonalShiftValidation", ""),
    ("autoscaling:UpdateAutoScalingGroup", "TerminationPolicies", ""),
    ("autoscaling:UpdateAutoScalingGroup", "VPCZoneIdentifier", ""),
    ("ecs:CreateCapacityProvider", "managedInstancesProvider", ""),
    ("ecs:CreateCluster", "configuration", ""),
    ("ecs:CreateCluster", "serviceConnectDefaults", ""),
    ("ecs:CreateService", "availabilityZoneRebalancing", ""),
    ("ecs:CreateService", "deploymentController", "{\"type\":\"ECS\"}"),
    ("ecs:CreateService", "enableECSManagedTags", "false"),
    ("ecs:CreateService", "enableExecuteCommand", "false"),
    ("ecs:CreateService", "gatewayConnectors", ""),
    ("ecs:CreateService", "monitoring", ""),
    ("ecs:CreateService", "propagateTags", "\"NONE\""),
    ("ecs:CreateService", "serviceConnectConfiguration", ""),
    ("ecs:CreateService", "serviceRegistries", "[]"),
    ("ecs:CreateService", "volumeConfigurations", "[]"),
    ("ecs:CreateService", "vpcLatticeConfigurations", "[]"),
    ("ecs:ListContainerInstances", "filter", ""),
    ("ecs:ListServices", "resourceManagementType", ""),
    ("ecs:RunTask", "enableECSManagedTags", "false"),
    ("ecs:RunTask", "enableExecuteCommand", "false"),
    ("ecs:RunTask", "propagateTags", "\"NONE\""),
    ("ecs:RunTask", "volumeConfigurations", "[]"),
    ("ecs:UpdateService", "availabilityZoneRebalancing", ""),
    ("ecs:UpdateService", "deploymentController", ""),
    ("ecs:UpdateService", "enableECSManagedTags", "false"),
    ("ecs:UpdateService", "enableExecuteCommand", "false"),
    ("ecs:UpdateService", "gatewayConnectors", ""),
    ("ecs:UpdateService", "healthCheckGracePeriodSeconds", ""),
    ("ecs:UpdateService", "loadBalancers", ""),
    ("ecs:UpdateService", "monitoring", ""),
    ("ecs:UpdateService", "platformVersion", "\"LATEST\""),
    ("ecs:UpdateService", "propagateTags", "\"NONE\""),
    ("ecs:UpdateService", "serviceConnectConfiguration", ""),
    ("ecs:UpdateService", "serviceRegistries", "[]"),
    ("ecs:UpdateService", "volumeConfigurations", "[]"),
    ("ecs:UpdateService", "vpcLatticeConfigurations", "[]"),
];

/// The first member of `input` that `call`'s handler does not model and that asks for something (null, or the
/// member's default value, asks for nothing).
pub fn unmodelled_member(call: &str, input: &Value) -> Option<&'static str> {
    let start = UNMODELLED.partition_point(|(name, _, _)| *name < call);
    UNMODELLED[start..].iter().take_while(|(name, _, _)| *name == call).find_map(|(_, member, default)| {
        let value = input.get(*member)?;
        let asks_nothing = value.is_null() || (!default.is_empty() && serde_json::from_str::<Value>(default).ok().as_ref() == Some(value));
        (!asks_nothing).then_some(*member)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_table_is_sorted_and_each_default_is_json() {
        assert!(UNMODELLED.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)), "sorted by call, then member");
        for (call, member, default) in UNMODELLED {
            assert!(default.is_empty() || serde_json::from_str::<Value>(default).is_ok(), "{call} {member}: {default}");
        }
    }

    #[test]
    fn a_member_is_refused_unless_it_asks_for_nothing() {
        assert_eq!(unmodelled_member("ecs:RunTask", &json!({ "volumeConfigurations": [{ "name": "data" }] })), Some("volumeConfigurations"));
        assert_eq!(unmodelled_member("ecs:RunTask", &json!({ "volumeConfigurations": [] })), None);
        assert_eq!(unmodelled_member("ecs:RunTask", &json!({ "enableExecuteCommand": false, "propagateTags": "NONE" })), None);
        assert_eq!(unmodelled_member("ecs:RunTask", &json!({ "propagateTags": "TASK_DEFINITION" })), Some("propagateTags"));
        assert_eq!(unmodelled_member("ecs:CreateCluster", &json!({ "clusterName": "a", "configuration": null })), None);
        assert_eq!(unmodelled_member("ecs:DescribeClusters", &json!({ "configuration": {} })), None, "a call with no entry refuses nothing");
    }
}
