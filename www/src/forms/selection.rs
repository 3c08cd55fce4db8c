//! The Why? panel's actions on the selection: stop a task, drain or activate a container instance,
//! terminate an EC2 instance.

use serde_json::{json, Value};

/// StopTask of `task_arn` in `cluster`.
pub fn stop_task_input(cluster: &str, task_arn: &str) -> Value {
    json!({ "cluster": cluster, "task": task_arn, "reason": "Stopped from the playground" })
}

/// UpdateContainerInstancesState of one container instance to `status` (`DRAINING` or `ACTIVE`).
pub fn container_instance_state_input(cluster: &str, container_instance_arn: &str, status: &str) -> Value {
    json!({ "cluster": cluster, "containerInstances": [container_instance_arn], "status": status })
}

/// TerminateInstances of one EC2 instance.
pub fn terminate_input(ec2_instance_id: &str) -> Value {
    json!({ "InstanceIds": [ec2_instance_id] })
}
