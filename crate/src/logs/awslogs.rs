//! The `awslogs` log driver as Amazon ECS applies it: the options of a container's `logConfiguration`
//! with today's defaults, the stream names, and the texts a task stops with when its log group is missing or
//! its role may not create the group (observability-troubleshooting.md §2.1–2.4).

use serde_json::Value;

/// The default `mode` since 2025-06-25 (before it was `blocking`; BOTO ecs `LogConfiguration.options`).
pub const DEFAULT_MODE: &str = "non-blocking";
/// The default `max-buffer-size` of the non-blocking mode (BOTO ecs; the 2023 guide said `1m`).
pub const DEFAULT_MAX_BUFFER_SIZE: &str = "10m";

/// One container's `awslogs` configuration, with the defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwslogsConfig {
    pub container_name: String,
    pub group: String,
    pub region: String,
    pub stream_prefix: Option<String>,
    /// `awslogs-create-group` is `"true"`.
    pub create_group: bool,
    /// `blocking` or `non-blocking`.
    pub mode: String,
    /// Only meaningful in the non-blocking mode.
    pub max_buffer_size: String,
}

/// The `awslogs` configurations of a task definition's `containerDefinitions`, in container order.
pub fn awslogs_configs(container_definitions: Option<&Value>) -> Vec<AwslogsConfig> {
    let mut out = Vec::new();
    for container in container_definitions.and_then(Value::as_array).into_iter().flatten() {
        let Some(log) = container.get("logConfiguration") else { continue };
        if log.get("logDriver").and_then(Value::as_str) != Some("awslogs") {
            continue;
        }
        let option = |name: &str| log.get("options").and_then(|o| o.get(name)).and_then(Value::as_str).map(str::to_string);
        let Some(group) = option("awslogs-group") else { continue };
        out.push(AwslogsConfig {
            container_name: container.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
            group,
            region: option("awslogs-region").unwrap_or_default(),
            stream_prefix: option("awslogs-stream-prefix").filter(|p| !p.is_empty()),
            create_group: option("awslogs-create-group").is_some_and(|v| v.eq_ignore_ascii_case("true")),
            mode: option("mode").unwrap_or_else(|| DEFAULT_MODE.to_string()),
            max_buffer_size: option("max-buffer-size").unwrap_or_else(|| DEFAULT_MAX_BUFFER_SIZE.to_string()),
        });
    }
    out
}

/// The stream a container writes to: `<prefix>/<container-name>/<task-id>` with a prefix; without one, the
/// container id Docker gave it (BOTO ecs `LogConfiguration`), here 64 hex digits derived from the task id and
/// the container's name.
pub fn stream_name(config: &AwslogsConfig, task_id: &str) -> String {
    match &config.stream_prefix {
        Some(prefix) => format!("{prefix}/{}/{task_id}", config.container_name),
        None => docker_container_id(task_id, &config.container_name),
    }
}

/// A Docker container id (64 hex digits), stable for a task and container.
pub fn docker_container_id(task_id: &str, container_name: &str) -> String {
    let mut state = crate::hash::fnv1a(format!("{task_id}/{container_name}").as_bytes(), crate::hash::FNV_OFFSET_BASIS);
    (0..4).map(|_| format!("{:016x}", crate::hash::splitmix64_next(&mut state))).collect()
}

/// Where a task runs, for the wording of its logging failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaunchKind {
    Fargate,
    Ec2,
}

/// A task that cannot start its logging: the container's `reason` and the task's `stoppedReason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggingFailure {
    pub container_reason: String,
    pub stopped_reason: String,
}

/// The log group does not exist and `awslogs-create-group` is not set. text: Fargate's stoppedReason
/// `ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times:
/// failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.
/// : exit status 1` (a real task quoted in a Terraform comment); EC2's container reason `CannotStartContainerError:
/// Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream:
/// ResourceNotFoundException: The specified log group does not exist` (cn-terraform/terraform-aws-nexus#35).
pub fn missing_group(launch: LaunchKind) -> LoggingFailure {
    match launch {
        LaunchKind::Fargate => {
            let text = "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1".to_string();
            LoggingFailure { container_reason: text.clone(), stopped_reason: text }
        }
        LaunchKind::Ec2 => LoggingFailure {
            container_reason: "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist".to_string(),
            // The task stops because its essential container could not start ([UNVERIFIED] wording of the task's reason).
            stopped_reason: "Essential container in task exited".to_string(),
        },
    }
}

/// `awslogs-create-group` is set but the role may not `logs:CreateLogGroup`. text: Fargate's
/// `ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed
/// to create Cloudwatch log group: AccessDeniedException: User: <user> is not authorized to perform:
/// logs:CreateLogGroup on resource: arn:aws:logs:<region>:<account>:log-group:<group>:log-stream: because no
/// identity-based policy allows the logs:CreateLogGroup action : exit status 1`
/// (terraform-aws-modules/terraform-aws-ecs#313); EC2's `CannotStartContainerError: Error response from daemon:
/// failed to initialize logging driver: failed to create Cloudwatch log group: AccessDeniedException: User: ...`
/// (prakhar1989/docker-curriculum#260).
pub fn create_group_denied(launch: LaunchKind, user: &str, resource: &str, tail: &str) -> LoggingFailure {
    let denied = format!("AccessDeniedException: User: {user} is not authorized to perform: logs:CreateLogGroup on resource: {resource} {tail}");
    match launch {
        LaunchKind::Fargate => {
            let text = format!("ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log group: {denied} : exit status 1");
            LoggingFailure { container_reason: text.clone(), stopped_reason: text }
        }
        LaunchKind::Ec2 => LoggingFailure {
            container_reason: format!("CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log group: {denied}"),
            stopped_reason: "Essential container in task exited".to_string(),
        },
    }
}
