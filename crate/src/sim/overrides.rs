//! RunTask's `overrides` (API_TaskOverride, API_ContainerOverride): what a task runs with instead of its task
//! definition's values. The task-level `cpu`, `memory`, `taskRoleArn` and `executionRoleArn` and each container's
//! `cpu`, `memory` and `memoryReservation` change the task as it is placed and run (its size in placement, the
//! role its calls are made with); `command`, `environment` and `ephemeralStorage` are kept and shown, as
//! DescribeTasks shows them, in the task's `overrides`. A container override must name a container of the task
//! definition. What the playground does not model (`environmentFiles`, `resourceRequirements`, inference
//! accelerators) is refused, naming it.

use serde_json::{json, Value};

use crate::api::{texts, ApiError, Request};
use crate::taskdef::{parse_cpu_units, parse_memory_mib, TaskDefinitionSpec};

/// The members of a container override the playground does not model, refused when they ask for something.
const UNMODELLED_CONTAINER_MEMBERS: &[&str] = &["environmentFiles", "resourceRequirements"];

/// One container's override.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ContainerOverride {
    pub name: String,
    pub cpu_units: Option<u32>,
    pub memory_mib: Option<u32>,
    pub memory_reservation_mib: Option<u32>,
}

/// RunTask's `overrides`, parsed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TaskOverrides {
    pub containers: Vec<ContainerOverride>,
    pub cpu_units: Option<u32>,
    pub memory_mib: Option<u32>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    /// `ephemeralStorage.sizeInGiB`.
    pub ephemeral_storage_gib: Option<u64>,
    /// The overrides as DescribeTasks answers them (API_TaskOverride).
    pub described: Value,
}

fn unmodelled(member: &str) -> ApiError {
    ApiError::new(crate::api::unmodelled::refusal_code("ecs:RunTask"), texts::not_modelled("ecs:RunTask", member))
}

/// A list member that asks for something: present, not null and not empty.
fn asks_for(request: &Request, name: &str) -> bool {
    request.get(name).is_some_and(|v| !v.is_null() && v.as_array().is_none_or(|items| !items.is_empty()))
}

/// A whole number of CPU units or MiB, or an error naming `path`.
fn whole(request: &Request, name: &str, path: &str) -> Result<Option<u32>, ApiError> {
    match request.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value.as_u64().and_then(|n| u32::try_from(n).ok()).map(Some).ok_or_else(|| ApiError::invalid_parameter(texts::not_an_integer(path))),
    }
}

impl TaskOverrides {
    /// `overrides` of a RunTask request: `None` when absent.
    pub(crate) fn parse(request: &Request) -> Result<Option<TaskOverrides>, ApiError> {
        let Some(overrides) = request.object("overrides") else { return Ok(None) };
        if asks_for(&overrides, "inferenceAcceleratorOverrides") {
            return Err(unmodelled("overrides.inferenceAcceleratorOverrides"));
        }
        let mut containers = Vec::new();
        let mut described_containers = Vec::new();
        for item in overrides.items("containerOverrides").unwrap_or_default() {
            if let Some(member) = UNMODELLED_CONTAINER_MEMBERS.iter().find(|m| asks_for(&item, m)) {
                return Err(unmodelled(&format!("overrides.containerOverrides.{member}")));
            }
            let name = item.str("name").unwrap_or_default().to_string();
            let container = ContainerOverride {
                name: name.clone(),
                cpu_units: whole(&item, "cpu", "cpu")?,
                memory_mib: whole(&item, "memory", "memory")?,
                memory_reservation_mib: whole(&item, "memoryReservation", "memoryReservation")?,
            };
            let mut described = json!({ "name": name });
            if item.get("command").is_some_and(|c| !c.is_null()) {
                described["command"] = json!(item.strings("command"));
            }
            let environment: Vec<Value> = item.objects("environment").iter().map(|e| json!({ "name": e.str("name").unwrap_or_default(), "value": e.str("value").unwrap_or_default() })).collect();
            if !environment.is_empty() {
                described["environment"] = json!(environment);
            }
            for (member, value) in [("cpu", container.cpu_units), ("memory", container.memory_mib), ("memoryReservation", container.memory_reservation_mib)] {
                if let Some(value) = value {
                    described[member] = json!(value);
                }
            }
            containers.push(container);
            described_containers.push(described);
        }
        // The task-level sizes take the forms RegisterTaskDefinition takes ("256", "1 vCPU", "2 GB"); the refusal's
        // wording is the playground's [UNVERIFIED].
        let cpu_units = match overrides.get("cpu").filter(|v| !v.is_null()) {
            None => None,
            Some(value) => Some(parse_cpu_units(value).ok_or_else(|| ApiError::invalid_parameter(format!("Invalid 'cpu' setting for task override: '{}'.", crate::api::request::shown_value(value))))?),
        };
        let memory_mib = match overrides.get("memory").filter(|v| !v.is_null()) {
            None => None,
            Some(value) => Some(parse_memory_mib(value).ok_or_else(|| ApiError::invalid_parameter(format!("Invalid 'memory' setting for task override: '{}'.", crate::api::request::shown_value(value))))?),
        };
        let ephemeral_storage_gib = match overrides.object("ephemeralStorage") {
            None => None,
            Some(storage) => {
                // API_EphemeralStorage: "The minimum supported value is 21 GiB and the maximum supported value is
                // 200 GiB"; the refusal's wording is the playground's [UNVERIFIED].
                let size = storage.u64("sizeInGiB")?.unwrap_or(20);
                if !(21..=200).contains(&size) {
                    return Err(ApiError::invalid_parameter(format!("The ephemeral storage size must be between 21 and 200 GiB (got {size}).")));
                }
                Some(size)
            }
        };
        let mut described = json!({ "containerOverrides": described_containers, "inferenceAcceleratorOverrides": [] });
        for (member, value) in [("cpu", cpu_units.map(|c| c.to_string())), ("memory", memory_mib.map(|m| m.to_string()))] {
            if let Some(value) = value {
                described[member] = json!(value);
            }
        }
        let task_role_arn = overrides.str("taskRoleArn").filter(|r| !r.is_empty()).map(str::to_string);
        let execution_role_arn = overrides.str("executionRoleArn").filter(|r| !r.is_empty()).map(str::to_string);
        for (member, value) in [("taskRoleArn", &task_role_arn), ("executionRoleArn", &execution_role_arn)] {
            if let Some(value) = value {
                described[member] = json!(value);
            }
        }
        if let Some(size) = ephemeral_storage_gib {
            described["ephemeralStorage"] = json!({ "sizeInGiB": size });
        }
        Ok(Some(TaskOverrides { containers, cpu_units, memory_mib, task_role_arn, execution_role_arn, ephemeral_storage_gib, described }))
    }

    /// `spec` as the overridden task runs it, or the refusal of an override naming a container the task definition
    /// does not have (AWS's text, quoted in azavea/django-ecsmanage#21: "Override for container named django is not
    /// a container in the TaskDefinition.").
    pub(crate) fn apply(&self, spec: &TaskDefinitionSpec) -> Result<TaskDefinitionSpec, ApiError> {
        let mut spec = spec.clone();
        for o in &self.containers {
            let Some(container) = spec.containers.iter_mut().find(|c| c.name == o.name) else {
                return Err(ApiError::invalid_parameter(format!("Override for container named {} is not a container in the TaskDefinition.", o.name)));
            };
            if let Some(cpu) = o.cpu_units {
                container.cpu_units = cpu;
            }
            if o.memory_mib.is_some() {
                container.memory_mib = o.memory_mib;
            }
            if o.memory_reservation_mib.is_some() {
                container.memory_reservation_mib = o.memory_reservation_mib;
            }
        }
        if self.cpu_units.is_some() {
            spec.cpu_units = self.cpu_units;
        }
        if self.memory_mib.is_some() {
            spec.memory_mib = self.memory_mib;
        }
        if self.task_role_arn.is_some() {
            spec.task_role_arn = self.task_role_arn.clone();
        }
        if self.execution_role_arn.is_some() {
            spec.execution_role_arn = self.execution_role_arn.clone();
        }
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Dialect;

    fn parsed(overrides: Value) -> Result<Option<TaskOverrides>, ApiError> {
        let input = json!({ "overrides": overrides });
        TaskOverrides::parse(&Request::new(&input, Dialect::Ecs))
    }

    #[test]
    fn overrides_are_read_and_shown_as_describe_tasks_shows_them() {
        let o = parsed(json!({ "cpu": "1 vCPU", "memory": "2048", "taskRoleArn": "arn:aws:iam::123456789012:role/other",
            "containerOverrides": [{ "name": "web", "command": ["sh", "-c", "echo hi"], "environment": [{ "name": "MODE", "value": "batch" }], "memory": 1024 }] }))
        .unwrap()
        .unwrap();
        assert_eq!((o.cpu_units, o.memory_mib), (Some(1024), Some(2048)));
        assert_eq!(o.containers[0].memory_mib, Some(1024));
        assert_eq!(o.described["cpu"], "1024");
        assert_eq!(o.described["containerOverrides"][0]["command"], json!(["sh", "-c", "echo hi"]));
        assert_eq!(o.described["containerOverrides"][0]["environment"], json!([{ "name": "MODE", "value": "batch" }]));
        assert_eq!(o.described["taskRoleArn"], "arn:aws:iam::123456789012:role/other");
        assert_eq!(parsed(Value::Null).unwrap(), None);
    }

    #[test]
    fn what_the_playground_does_not_model_is_refused_by_name() {
        let error = parsed(json!({ "containerOverrides": [{ "name": "web", "environmentFiles": [{ "value": "arn:aws:s3:::b/env", "type": "s3" }] }] })).unwrap_err();
        assert_eq!(error.code, "UnmodelledParameterException");
        assert!(error.message.starts_with("overrides.containerOverrides.environmentFiles is a member of ecs:RunTask"), "{}", error.message);
        assert!(parsed(json!({ "containerOverrides": [{ "name": "web", "environmentFiles": [] }] })).is_ok(), "an empty list asks for nothing");
        assert_eq!(parsed(json!({ "inferenceAcceleratorOverrides": [{ "deviceName": "a" }] })).unwrap_err().code, "UnmodelledParameterException");
        assert_eq!(parsed(json!({ "cpu": "lots" })).unwrap_err().code, "InvalidParameterException");
        assert_eq!(parsed(json!({ "ephemeralStorage": { "sizeInGiB": 500 } })).unwrap_err().code, "InvalidParameterException");
    }
}
