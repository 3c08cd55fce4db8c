//! Amazon ECS's events on the default event bus: the envelope and the `detail` of "ECS Task State Change",
//! "ECS Container Instance State Change", "ECS Service Action" and "ECS Deployment State Change" (Amazon ECS
//! Developer Guide, ecs_cwe_events.md, and the current ecs_task_events.html). The engine decides when each happens
//! (`sim/ecs_events.rs`); these functions only shape them.

use serde_json::{json, Value};

/// The `source` of every Amazon ECS event.
pub const SOURCE: &str = "aws.ecs";

/// The `detail-type` of an Amazon ECS event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EcsDetailType {
    TaskStateChange,
    ContainerInstanceStateChange,
    ServiceAction,
    DeploymentStateChange,
}

impl EcsDetailType {
    pub const ALL: [EcsDetailType; 4] = [EcsDetailType::TaskStateChange, EcsDetailType::ContainerInstanceStateChange, EcsDetailType::ServiceAction, EcsDetailType::DeploymentStateChange];

    pub fn as_aws(self) -> &'static str {
        match self {
            EcsDetailType::TaskStateChange => "ECS Task State Change",
            EcsDetailType::ContainerInstanceStateChange => "ECS Container Instance State Change",
            EcsDetailType::ServiceAction => "ECS Service Action",
            EcsDetailType::DeploymentStateChange => "ECS Deployment State Change",
        }
    }
}

/// Where and when an event happens: the envelope's fields other than its type, resources and detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventOrigin {
    /// The event's `id` (a UUID).
    pub id: String,
    /// ISO 8601 time of the event (`time`).
    pub time_iso: String,
    pub region: String,
    pub account_id: String,
}

/// The event as EventBridge delivers it: `version` "0", `id`, `detail-type`, `source` "aws.ecs", `account`, `time`,
/// `region`, `resources` and `detail` (ecs_cwe_events.md; EventBridge's "AWS service event metadata").
pub fn envelope(detail_type: EcsDetailType, origin: &EventOrigin, resources: &[&str], detail: Value) -> Value {
    json!({
        "version": "0",
        "id": origin.id,
        "detail-type": detail_type.as_aws(),
        "source": SOURCE,
        "account": origin.account_id,
        "time": origin.time_iso,
        "region": origin.region,
        "resources": resources,
        "detail": detail,
    })
}

/// A task state change's `detail` from the task as DescribeTasks shows it (times already ISO strings, as events
/// carry them): the attachments typed `eni` as events name them, `updatedAt` added, and no task `healthStatus`
/// ("Task health isn't provided in task state change events", ecs_task_events.html) and no `tags`.
pub fn task_detail(described_task: &Value, updated_at_iso: &str) -> Value {
    let mut detail = described_task.clone();
    if let Some(map) = detail.as_object_mut() {
        map.remove("healthStatus");
        map.remove("tags");
        map.insert("updatedAt".into(), json!(updated_at_iso));
        if let Some(Value::Array(attachments)) = map.get_mut("attachments") {
            for attachment in attachments {
                if attachment.get("type").and_then(Value::as_str) == Some("ElasticNetworkInterface") {
                    attachment["type"] = json!("eni");
                }
            }
        }
        let names: Vec<Value> = map.get("containers").and_then(Value::as_array).map(|cs| cs.iter().filter_map(|c| c.get("name")).map(|n| json!({ "name": n })).collect()).unwrap_or_default();
        map.insert("overrides".into(), json!({ "containerOverrides": names }));
    }
    detail
}

/// A container instance state change's `detail` from the instance as DescribeContainerInstances shows it, with
/// its `clusterArn` and `updatedAt` (ecs_cwe_events.md) and no `tags`.
pub fn container_instance_detail(described_instance: &Value, cluster_arn: &str, updated_at_iso: &str) -> Value {
    let mut detail = described_instance.clone();
    if let Some(map) = detail.as_object_mut() {
        map.remove("tags");
        map.insert("clusterArn".into(), json!(cluster_arn));
        map.insert("updatedAt".into(), json!(updated_at_iso));
    }
    detail
}

/// An "ECS Service Action" event's `eventName` (ecs_cwe_events.md, "Service action events").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceAction {
    SteadyState,
    TaskStartImpaired,
    TaskPlacementFailure,
    /// [UNVERIFIED] `TASKS_STOPPED`: an event name of current AWS material that the 2023 developer guide's list
    /// does not hold; the playground sends it when the service stops tasks.
    TasksStopped,
}

impl ServiceAction {
    pub fn event_name(self) -> &'static str {
        match self {
            ServiceAction::SteadyState => "SERVICE_STEADY_STATE",
            ServiceAction::TaskStartImpaired => "SERVICE_TASK_START_IMPAIRED",
            ServiceAction::TaskPlacementFailure => "SERVICE_TASK_PLACEMENT_FAILURE",
            ServiceAction::TasksStopped => "TASKS_STOPPED",
        }
    }

    /// `INFO`, `WARN` or `ERROR`, as the guide groups the names.
    pub fn event_type(self) -> &'static str {
        match self {
            ServiceAction::SteadyState | ServiceAction::TasksStopped => "INFO",
            ServiceAction::TaskStartImpaired => "WARN",
            ServiceAction::TaskPlacementFailure => "ERROR",
        }
    }
}

/// The service action a service event message reports, with its `reason` (the placement failure's missing
/// resource, `RESOURCE:CPU`, `RESOURCE:MEMORY` or `RESOURCE:FARGATE`, as the guide's examples give it). `None` for messages that are no
/// service action (started tasks, registered targets, deployment messages).
pub fn service_action_of(message: &str) -> Option<(ServiceAction, Option<&'static str>)> {
    if message.ends_with("has reached a steady state.") {
        Some((ServiceAction::SteadyState, None))
    } else if message.contains("is unable to consistently start tasks successfully") {
        Some((ServiceAction::TaskStartImpaired, None))
    } else if message.contains("was unable to place a task") {
        let reason = if message.contains("insufficient CPU") {
            Some("RESOURCE:CPU")
        } else if message.contains("Capacity is unavailable at this time") {
            Some("RESOURCE:FARGATE")
        } else if message.contains("insufficient memory") {
            Some("RESOURCE:MEMORY")
        } else {
            None
        };
        Some((ServiceAction::TaskPlacementFailure, reason))
    } else if message.contains(") has stopped ") && message.contains(" running tasks") {
        Some((ServiceAction::TasksStopped, None))
    } else {
        None
    }
}

/// An "ECS Service Action" `detail`: `eventType`, `eventName`, `clusterArn`, `createdAt` and, when there is one,
/// `reason` (ecs_cwe_events.md).
pub fn service_action_detail(action: ServiceAction, cluster_arn: &str, created_at_iso: &str, reason: Option<&str>) -> Value {
    let mut detail = json!({ "eventType": action.event_type(), "eventName": action.event_name(), "clusterArn": cluster_arn, "createdAt": created_at_iso });
    if let Some(reason) = reason {
        detail["reason"] = json!(reason);
    }
    detail
}

/// An "ECS Deployment State Change" `eventName`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeploymentEvent {
    InProgress,
    Completed,
    Failed,
}

impl DeploymentEvent {
    pub fn event_name(self) -> &'static str {
        match self {
            DeploymentEvent::InProgress => "SERVICE_DEPLOYMENT_IN_PROGRESS",
            DeploymentEvent::Completed => "SERVICE_DEPLOYMENT_COMPLETED",
            DeploymentEvent::Failed => "SERVICE_DEPLOYMENT_FAILED",
        }
    }

    /// [UNVERIFIED] `ERROR` for a failed deployment and `INFO` otherwise, as the service action names are grouped.
    pub fn event_type(self) -> &'static str {
        match self {
            DeploymentEvent::Failed => "ERROR",
            _ => "INFO",
        }
    }
}

/// The `reason` of a deployment event (ecs_cwe_events.md): `ECS deployment <id> in progress.`, `ECS deployment
/// <id> completed.`, `ECS deployment circuit breaker: task failed to start.`, and for the deployment a circuit
/// breaker starts, `ECS deployment circuit breaker: rolling back to deploymentId <id>.`
pub fn deployment_reason(event: DeploymentEvent, deployment_id: &str, rolling_back: bool) -> String {
    match event {
        DeploymentEvent::InProgress if rolling_back => format!("ECS deployment circuit breaker: rolling back to deploymentId {deployment_id}."),
        DeploymentEvent::InProgress => format!("ECS deployment {deployment_id} in progress."),
        DeploymentEvent::Completed => format!("ECS deployment {deployment_id} completed."),
        DeploymentEvent::Failed => "ECS deployment circuit breaker: task failed to start.".to_string(),
    }
}

/// An "ECS Deployment State Change" `detail`: `eventType`, `eventName`, `deploymentId`, `updatedAt`, `reason`.
pub fn deployment_detail(event: DeploymentEvent, deployment_id: &str, updated_at_iso: &str, reason: &str) -> Value {
    json!({ "eventType": event.event_type(), "eventName": event.event_name(), "deploymentId": deployment_id, "updatedAt": updated_at_iso, "reason": reason })
}
