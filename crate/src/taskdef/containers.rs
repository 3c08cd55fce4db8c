//! Container definition rules: identity, memory and CPU, ports, health checks, dependencies, links, volumes,
//! secrets and logging, and the smaller per-container settings. One function per rule family.

use serde_json::{Map, Value};

use super::access::{
    at, bool_of, check_enum_member, int_of, is_aws_name, join, list_of, nonempty_str_of, obj_of, objects_of,
    str_of, strings_of, Problems,
};
use super::task::Task;
use super::types::NetworkMode;

/// At most 10 containers per task definition.
pub const MAX_CONTAINERS: usize = 10;

pub const TRANSPORT_PROTOCOLS: &[&str] = &["tcp", "udp"];
pub const APPLICATION_PROTOCOLS: &[&str] = &["http", "http2", "grpc"];
pub const CONTAINER_CONDITIONS: &[&str] = &["START", "COMPLETE", "SUCCESS", "HEALTHY"];
pub const ULIMIT_NAMES: &[&str] = &[
    "core",
    "cpu",
    "data",
    "fsize",
    "locks",
    "memlock",
    "msgqueue",
    "nice",
    "nofile",
    "nproc",
    "rss",
    "rtprio",
    "rttime",
    "sigpending",
    "stack",
];
pub const FIRELENS_TYPES: &[&str] = &["fluentd", "fluentbit"];
pub const RESOURCE_TYPES: &[&str] = &["GPU", "InferenceAccelerator", "NeuronDevice"];
pub const VERSION_CONSISTENCY: &[&str] = &["enabled", "disabled"];

/// Health check ranges from the model doc of `HealthCheck`: (member, minimum, maximum, unit).
pub const HEALTH_CHECK_RANGES: &[(&str, i64, i64, &str)] = &[
    ("interval", 5, 300, " seconds"),
    ("timeout", 2, 60, " seconds"),
    ("retries", 1, 10, ""),
    ("startPeriod", 0, 300, " seconds"),
];

/// Smallest container `memory`, MiB (Docker 19.03 reserves at least 4 MiB; the model doc says not to go lower).
pub const MIN_CONTAINER_MEMORY_MIB: i64 = 4;
/// Secrets need the execution role: AWS's verified text (EXPECTED.md #15; #16 uses the same for secretOptions).
pub const SECRETS_NEED_EXECUTION_ROLE: &str =
    "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.";

/// Every container rule, plus the task-wide ones over containers (count, essential, totals, dependency cycles).
pub fn check_all(task: &Task, problems: &mut Problems) {
    let Some(list) = task.input.get("containerDefinitions") else {
        // Wording unverified.
        problems.add_required("containerDefinitions", "containerDefinitions");
        return;
    };
    let Some(items) = list.as_array() else { return }; // type error already reported
    if items.is_empty() {
        // Wording unverified.
        problems.add("containerDefinitions", "Container list cannot be empty.");
        return;
    }
    if items.len() > MAX_CONTAINERS {
        // Verified (aws/amazon-ecs-cli#184).
        problems.add("containerDefinitions", "Too many containers.");
    }
    check_names(task, problems);
    for (index, container) in &task.containers {
        let path = at("containerDefinitions", *index);
        let name = str_of(container, "name").unwrap_or("");
        check_image(container, &path, problems);
        check_memory(task, container, &path, name, problems);
        check_ports(task, container, &path, name, problems);
        check_health_check(container, &path, name, problems);
        check_depends_on(task, container, &path, name, problems);
        check_links(task, container, &path, name, problems);
        check_container_volumes(task, container, &path, name, problems);
        check_secrets_and_logging(task, container, &path, name, problems);
        check_network_settings(task, container, &path, problems);
        check_other_settings(container, &path, name, problems);
    }
    check_essential(task, problems);
    check_totals(task, problems);
    check_dependency_cycles(task, problems);
}

fn check_names(task: &Task, problems: &mut Problems) {
    let mut seen: Vec<&str> = Vec::new();
    for (index, container) in &task.containers {
        let path = join(&at("containerDefinitions", *index), "name");
        match str_of(container, "name") {
            None | Some("") => {
                if container.get("name").is_none_or(Value::is_string) {
                    // Wording unverified (follows the verified image text).
                    problems.add_required(&path, "Container.name");
                }
            }
            // Verified (hashicorp/terraform-provider-aws#5950).
            Some(name) if !is_aws_name(name) => {
                problems.add(path, "Container.name contains invalid characters.")
            }
            Some(name) => {
                if seen.contains(&name) {
                    // Verified (Shippable/support#2946).
                    problems.add(
                        path,
                        "Container names must be unique within a Task Definition.",
                    );
                }
                seen.push(name);
            }
        }
    }
}

fn check_image(container: &Map<String, Value>, path: &str, problems: &mut Problems) {
    match nonempty_str_of(container, "image") {
        None if container.get("image").is_none_or(Value::is_string) => {
            // Verified (EXPECTED.md #9).
            problems.add(
                join(path, "image"),
                "Container.image should not be null or empty.",
            );
        }
        // [UNVERIFIED] wording (follows the verified Container.name text); the characters are the API model's
        // (ContainerDefinition.image: letters, numbers, hyphens, underscores, colons, periods, forward
        // slashes and number signs, and `@` before a digest), so control characters and spaces are refused.
        Some(image) if !is_image_reference(image) => {
            problems.add(
                join(path, "image"),
                "Container.image contains invalid characters.",
            );
        }
        // text: AWS's answer quoted in hashicorp/terraform-provider-aws#22629; the limit is the API model's
        // ("Up to 255 letters ..."). A digest's form is not checked here: a wrong one fails when the image is
        // pulled, as an unknown tag does.
        Some(image) if image.chars().count() > MAX_IMAGE_CHARS => {
            problems.add(join(path, "image"), "Container.image should be 255 characters or less");
        }
        _ => {}
    }
}

/// The longest image reference a container definition takes.
pub const MAX_IMAGE_CHARS: usize = 255;

/// Whether `image` is written only with the characters the API model allows in an image reference.
fn is_image_reference(image: &str) -> bool {
    image
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.' | '/' | '#' | '@'))
}

fn check_memory(
    task: &Task,
    container: &Map<String, Value>,
    path: &str,
    name: &str,
    problems: &mut Problems,
) {
    let memory = int_of(container, "memory");
    let reservation = int_of(container, "memoryReservation");
    if task.memory_mib.is_none()
        && memory.is_none()
        && reservation.is_none()
        && !container.contains_key("memory")
    {
        // Verified (EXPECTED.md #23).
        problems.add(
            join(path, "memory"),
            format!("Invalid setting for container '{name}'. At least one of 'memory' or 'memoryReservation' must be specified."),
        );
    }
    if let Some(memory) = memory {
        if memory < MIN_CONTAINER_MEMORY_MIB {
            // Wording unverified.
            problems.add(
                join(path, "memory"),
                format!("Invalid setting for container '{name}'. 'memory' must be at least {MIN_CONTAINER_MEMORY_MIB} MiB."),
            );
        }
        if let Some(task_memory) = task.memory_mib {
            if memory > i64::from(task_memory) {
                // Verified (pulumi/pulumi-awsx#1220).
                problems.add(
                    join(path, "memory"),
                    format!(
                        "The 'memory' setting for container '{name}' is greater than for the task."
                    ),
                );
            }
        }
    }
    if let Some(reservation) = reservation {
        if reservation < 1 {
            // Wording unverified ("you must specify a non-zero integer", model doc).
            problems.add(
                join(path, "memoryReservation"),
                format!("Invalid setting for container '{name}'. 'memoryReservation' must be greater than 0."),
            );
        }
        if memory.is_some_and(|m| reservation > m) {
            // Wording unverified.
            problems.add(
                join(path, "memoryReservation"),
                format!("Invalid setting for container '{name}'. 'memoryReservation' must be less than or equal to 'memory'."),
            );
        }
    }
    if int_of(container, "cpu").is_some_and(|cpu| cpu < 0) {
        // Wording unverified.
        problems.add(
            join(path, "cpu"),
            format!("Invalid setting for container '{name}'. 'cpu' must not be negative."),
        );
    }
}

/// Sums over containers against the task size.
fn check_totals(task: &Task, problems: &mut Problems) {
    if let Some(task_memory) = task.memory_mib.map(i64::from) {
        let reservations: i64 = task
            .containers
            .iter()
            .filter_map(|(_, c)| int_of(c, "memoryReservation"))
            .fold(0, i64::saturating_add);
        let reserved: i64 = task
            .containers
            .iter()
            .filter_map(|(_, c)| int_of(c, "memoryReservation").or_else(|| int_of(c, "memory")))
            .fold(0, i64::saturating_add);
        let single_too_big = task
            .containers
            .iter()
            .any(|(_, c)| int_of(c, "memory").is_some_and(|m| m > task_memory));
        if reservations > task_memory {
            // Verified (EXPECTED.md #7).
            problems.add(
                "memory",
                "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.",
            );
        } else if reserved > task_memory && !single_too_big {
            // Wording unverified (follows the verified memoryReservation and cpu texts). The model doc: "The total
            // amount of memory reserved for all containers within a task must be lower than the task memory value".
            problems.add(
                "memory",
                "The sum of all container 'memory' values cannot be greater than the value of the task 'memory'.",
            );
        }
    }
    if let Some(task_cpu) = task.cpu_units.map(i64::from) {
        let total: i64 = task
            .containers
            .iter()
            .filter_map(|(_, c)| int_of(c, "cpu"))
            .filter(|n| *n > 0)
            .fold(0, i64::saturating_add);
        if total > task_cpu {
            // Verified (aws/aws-cdk#24629; cloudnativedaysjp/dreamkast-infra#4726).
            problems.add("cpu", "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.");
        }
    }
}

fn check_essential(task: &Task, problems: &mut Problems) {
    if task.containers.is_empty() {
        return;
    }
    if !task
        .containers
        .iter()
        .any(|(_, c)| bool_of(c, "essential").unwrap_or(true))
    {
        // Verified (eagletmt/hako#68).
        problems.add(
            "containerDefinitions",
            "Task definition doesn't have any essential container.",
        );
    }
}

fn check_ports(
    task: &Task,
    container: &Map<String, Value>,
    path: &str,
    name: &str,
    problems: &mut Problems,
) {
    let mappings = objects_of(container, "portMappings");
    if mappings.is_empty() {
        return;
    }
    if task.network_mode == Some(NetworkMode::None) {
        // Wording unverified ("If the network mode is set to none, you cannot specify port mappings", model doc).
        problems.add(
            join(path, "portMappings"),
            "Port mappings are not supported when networkMode=none.",
        );
    }
    let mut names: Vec<&str> = Vec::new();
    for (index, mapping) in mappings {
        let pm_path = at(&join(path, "portMappings"), index);
        check_enum_member(mapping, "protocol", &pm_path, TRANSPORT_PROTOCOLS, problems);
        check_enum_member(
            mapping,
            "appProtocol",
            &pm_path,
            APPLICATION_PROTOCOLS,
            problems,
        );
        let container_port = int_of(mapping, "containerPort");
        let host_port = int_of(mapping, "hostPort");
        for (member, value) in [("containerPort", container_port), ("hostPort", host_port)] {
            if value.is_some_and(|p| !(0..=65535).contains(&p)) {
                // Wording unverified.
                problems.add(
                    join(&pm_path, member),
                    format!("Invalid '{member}' setting for container '{name}'. Valid ports are between 0 and 65535."),
                );
            }
        }
        if let Some(range) = str_of(mapping, "containerPortRange") {
            check_port_range(task, mapping, range, &pm_path, name, problems);
        } else if container_port.is_none() && !mapping.contains_key("containerPort") {
            // Wording unverified.
            problems.add_required(
                &join(&pm_path, "containerPort"),
                "PortMapping.containerPort",
            );
        }
        if let (
            Some(mode @ (NetworkMode::Awsvpc | NetworkMode::Host)),
            Some(container),
            Some(host),
        ) = (task.network_mode, container_port, host_port)
        {
            if host != container {
                // Verified for awsvpc (EXPECTED.md #4); the host-mode text follows the same pattern.
                problems.add(
                    join(&pm_path, "hostPort"),
                    format!(
                        "When networkMode={}, the host ports and container ports in port mappings must match.",
                        mode.as_aws()
                    ),
                );
            }
        }
        if let Some(port_name) = str_of(mapping, "name") {
            let valid = !port_name.is_empty()
                && port_name.len() <= 64
                && !port_name.starts_with('-')
                && port_name.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                });
            if !valid {
                // Wording unverified ("up to 64 characters ... lowercase letters, numbers, underscores (_), and
                // hyphens (-). The name can't start with a hyphen.", model doc).
                problems.add(
                    join(&pm_path, "name"),
                    format!("Invalid port mapping name '{port_name}' for container '{name}'. Use up to 64 lowercase letters, numbers, underscores and hyphens, not starting with a hyphen."),
                );
            } else if names.contains(&port_name) {
                // Wording unverified.
                problems.add(join(&pm_path, "name"), format!("Port mapping name '{port_name}' is used more than once in container '{name}'."));
            }
            names.push(port_name);
        }
    }
}

/// `containerPortRange` (`"8000-8100"`): bridge or awsvpc only, no hostPort, no containerPort. Wording unverified.
fn check_port_range(
    task: &Task,
    mapping: &Map<String, Value>,
    range: &str,
    pm_path: &str,
    name: &str,
    problems: &mut Problems,
) {
    let bounds = range.split_once('-').and_then(|(low, high)| {
        let low: u32 = low.trim().parse().ok()?;
        let high: u32 = high.trim().parse().ok()?;
        (1 <= low && low < high && high <= 65535).then_some((low, high))
    });
    if bounds.is_none() {
        problems.add(
            join(pm_path, "containerPortRange"),
            format!("Invalid 'containerPortRange' setting for container '{name}'. Use 'start-end' with 1 <= start < end <= 65535."),
        );
    }
    if !matches!(
        task.network_mode,
        Some(NetworkMode::Bridge | NetworkMode::Awsvpc)
    ) {
        problems.add(
            join(pm_path, "containerPortRange"),
            "containerPortRange is only supported when networkMode=bridge or networkMode=awsvpc.",
        );
    }
    if mapping.contains_key("hostPort") {
        problems.add(
            join(pm_path, "hostPort"),
            "hostPort must not be specified together with containerPortRange.",
        );
    }
    if mapping.contains_key("containerPort") {
        problems.add(
            join(pm_path, "containerPort"),
            "containerPort must not be specified together with containerPortRange.",
        );
    }
}

fn check_health_check(
    container: &Map<String, Value>,
    path: &str,
    name: &str,
    problems: &mut Problems,
) {
    let Some(health) = obj_of(container, "healthCheck") else {
        return;
    };
    let hc_path = join(path, "healthCheck");
    let command = strings_of(health, "command");
    match command.first() {
        None => {
            if health.get("command").is_none_or(Value::is_array) {
                // Wording unverified.
                problems.add_required(&join(&hc_path, "command"), "HealthCheck.command");
            }
        }
        Some((_, first)) if *first != "CMD" && *first != "CMD-SHELL" => {
            // Wording unverified ("The string array must start with CMD ... or CMD-SHELL", model doc).
            problems.add(
                join(&hc_path, "command"),
                format!("Invalid setting for container '{name}'. The healthCheck command must start with CMD or CMD-SHELL."),
            );
        }
        Some(_) => {}
    }
    for (member, min, max, unit) in HEALTH_CHECK_RANGES {
        if let Some(value) = int_of(health, member) {
            if value < *min || value > *max {
                // Wording unverified (EXPECTED.md #35: no public copy of AWS's text).
                problems.add(
                    join(&hc_path, member),
                    format!("Invalid setting for container '{name}'. healthCheck '{member}' must be between {min} and {max}{unit}; got {value}."),
                );
            }
        }
    }
}

fn check_depends_on(
    task: &Task,
    container: &Map<String, Value>,
    path: &str,
    name: &str,
    problems: &mut Problems,
) {
    for (index, dependency) in objects_of(container, "dependsOn") {
        let dep_path = at(&join(path, "dependsOn"), index);
        let target = match nonempty_str_of(dependency, "containerName") {
            None => {
                problems.add_required(
                    &join(&dep_path, "containerName"),
                    "ContainerDependency.containerName",
                ); // unverified
                None
            }
            Some(target_name) => match task.container_named(target_name) {
                None => {
                    // Verified, stray "+" included (EXPECTED.md #17).
                    problems.add(
                        join(&dep_path, "containerName"),
                        format!("Cannot depend on container + '{target_name}' because it does not exist"),
                    );
                    None
                }
                Some(target) => Some((target_name, target)),
            },
        };
        let condition = match str_of(dependency, "condition") {
            None => {
                problems.add_required(
                    &join(&dep_path, "condition"),
                    "ContainerDependency.condition",
                ); // unverified
                continue;
            }
            Some(condition) if !CONTAINER_CONDITIONS.contains(&condition) => {
                problems.add_enum(
                    &join(&dep_path, "condition"),
                    condition,
                    CONTAINER_CONDITIONS,
                );
                continue;
            }
            Some(condition) => condition,
        };
        let Some((target_name, target)) = target else {
            continue;
        };
        match condition {
            "HEALTHY" if !target.contains_key("healthCheck") => {
                // Wording unverified.
                problems.add(
                    join(&dep_path, "condition"),
                    format!("Container '{name}' depends on container '{target_name}' being HEALTHY, but '{target_name}' has no healthCheck."),
                );
            }
            "COMPLETE" | "SUCCESS" if bool_of(target, "essential").unwrap_or(true) => {
                // Wording unverified ("This condition can't be set on an essential container", model doc).
                problems.add(
                    join(&dep_path, "condition"),
                    format!("The {condition} dependency condition can't be set on essential container '{target_name}'."),
                );
            }
            _ => {}
        }
    }
}

/// A container that (transitively) depends on itself can never start.
fn check_dependency_cycles(task: &Task, problems: &mut Problems) {
    let names: Vec<&str> = task
        .containers
        .iter()
        .map(|(_, c)| str_of(c, "name").unwrap_or(""))
        .collect();
    let edges: Vec<Vec<usize>> = task
        .containers
        .iter()
        .map(|(_, c)| {
            objects_of(c, "dependsOn")
                .into_iter()
                .filter_map(|(_, d)| str_of(d, "containerName"))
                .filter_map(|target| names.iter().position(|n| !n.is_empty() && *n == target))
                .collect()
        })
        .collect();
    for (start, (index, _)) in task.containers.iter().enumerate() {
        // Iterative search: can `start` reach itself? (At most 10 containers are meaningful; the bound is the count.)
        let mut stack: Vec<usize> = edges.get(start).cloned().unwrap_or_default();
        let mut visited = vec![false; names.len()];
        let mut cycle = false;
        while let Some(node) = stack.pop() {
            if node == start {
                cycle = true;
                break;
            }
            if let Some(seen) = visited.get_mut(node) {
                if *seen {
                    continue;
                }
                *seen = true;
            }
            if let Some(next) = edges.get(node) {
                stack.extend(next.iter().copied());
            }
        }
        if cycle {
            let name = names.get(start).copied().unwrap_or("");
            // Wording unverified.
            problems.add(
                join(&at("containerDefinitions", *index), "dependsOn"),
                format!("Container '{name}' has a circular dependency in dependsOn."),
            );
        }
    }
}

fn check_links(
    task: &Task,
    container: &Map<String, Value>,
    path: &str,
    name: &str,
    problems: &mut Problems,
) {
    let links = strings_of(container, "links");
    if links.is_empty() {
        return;
    }
    if let Some(mode) = task.network_mode.filter(|m| *m != NetworkMode::Bridge) {
        // Verified for awsvpc (aws-observability/aws-otel-collector#1359); host and none follow the same pattern.
        problems.add(
            join(path, "links"),
            format!(
                "Links are not supported when networkMode={}.",
                mode.as_aws()
            ),
        );
    }
    for (index, link) in links {
        let target = link
            .split_once(':')
            .map(|(target, _alias)| target)
            .unwrap_or(link);
        if target == name || task.container_named(target).is_none() {
            // Wording unverified.
            problems.add(
                at(&join(path, "links"), index),
                format!("Invalid link '{link}' in container '{name}': container '{target}' does not exist in the task definition."),
            );
        }
    }
}

fn check_container_volumes(
    task: &Task,
    container: &Map<String, Value>,
    path: &str,
    name: &str,
    problems: &mut Problems,
) {
    for (index, mount) in objects_of(container, "mountPoints") {
        let mount_path = at(&join(path, "mountPoints"), index);
        match nonempty_str_of(mount, "sourceVolume") {
            None => problems.add_required(
                &join(&mount_path, "sourceVolume"),
                "MountPoint.sourceVolume",
            ), // unverified
            Some(volume) if task.volume_named(volume).is_none() => {
                // Wording unverified.
                problems.add(
                    join(&mount_path, "sourceVolume"),
                    format!("Invalid mount point in container '{name}': volume '{volume}' is not defined in the task definition's volumes."),
                );
            }
            Some(_) => {}
        }
        if nonempty_str_of(mount, "containerPath").is_none() {
            problems.add_required(
                &join(&mount_path, "containerPath"),
                "MountPoint.containerPath",
            ); // unverified
        }
    }
    for (index, source) in objects_of(container, "volumesFrom") {
        let from_path = join(&at(&join(path, "volumesFrom"), index), "sourceContainer");
        match nonempty_str_of(source, "sourceContainer") {
            None => problems.add_required(&from_path, "VolumeFrom.sourceContainer"), // unverified
            Some(source_name)
                if source_name == name || task.container_named(source_name).is_none() =>
            {
                // Wording unverified.
                problems.add(
                    from_path,
                    format!("Invalid volumesFrom in container '{name}': container '{source_name}' does not exist in the task definition."),
                );
            }
            Some(_) => {}
        }
    }
}

fn check_secrets_and_logging(
    task: &Task,
    container: &Map<String, Value>,
    path: &str,
    name: &str,
    problems: &mut Problems,
) {
    check_secret_list(
        list_of(container, "secrets"),
        &join(path, "secrets"),
        task,
        problems,
    );
    if let Some(log) = obj_of(container, "logConfiguration") {
        let log_path = join(path, "logConfiguration");
        check_secret_list(
            list_of(log, "secretOptions"),
            &join(&log_path, "secretOptions"),
            task,
            problems,
        );
        match nonempty_str_of(log, "logDriver") {
            None => {
                problems.add_required(&join(&log_path, "logDriver"), "LogConfiguration.logDriver")
            } // unverified
            Some("awslogs") => {
                let options = obj_of(log, "options");
                let missing: Vec<&str> = ["awslogs-group", "awslogs-region"]
                    .into_iter()
                    .filter(|option| options.and_then(|o| nonempty_str_of(o, option)).is_none())
                    .collect();
                if !missing.is_empty() {
                    // Wording unverified (follows the verified "Log driver awslogs disallows options: log_key").
                    problems.add(
                        join(&log_path, "options"),
                        format!(
                            "Log driver awslogs requires options: {}",
                            missing.join(", ")
                        ),
                    );
                }
            }
            Some("awsfirelens") => {
                if !task
                    .containers
                    .iter()
                    .any(|(_, c)| c.contains_key("firelensConfiguration"))
                {
                    // Wording unverified.
                    problems.add(
                        join(&log_path, "logDriver"),
                        format!("Container '{name}' uses the awsfirelens log driver, but no container in the task definition has a firelensConfiguration."),
                    );
                }
            }
            // Other drivers are not rejected on EC2: AWS registers custom drivers (aws/amazon-ecs-agent#2286);
            // Fargate's list is checked in fargate.rs.
            Some(_) => {}
        }
    }
}

fn check_secret_list(secrets: &[Value], path: &str, task: &Task, problems: &mut Problems) {
    if secrets.is_empty() {
        return;
    }
    if !task.has_execution_role {
        problems.add(path, SECRETS_NEED_EXECUTION_ROLE);
    }
    for (index, secret) in secrets.iter().enumerate() {
        let Some(secret) = secret.as_object() else {
            continue;
        };
        for member in ["name", "valueFrom"] {
            if nonempty_str_of(secret, member).is_none() {
                problems.add_required(&join(&at(path, index), member), &format!("Secret.{member}"));
                // unverified
            }
        }
    }
}

/// Settings that depend on the network mode: hostname and extraHosts are not supported with awsvpc.
fn check_network_settings(
    task: &Task,
    container: &Map<String, Value>,
    path: &str,
    problems: &mut Problems,
) {
    if task.network_mode != Some(NetworkMode::Awsvpc) {
        return;
    }
    if container.contains_key("hostname") {
        // Verified (EXPECTED.md #32).
        problems.add(
            join(path, "hostname"),
            "hostname is not supported on container when networkMode=awsvpc.",
        );
    }
    if !list_of(container, "extraHosts").is_empty() {
        // Wording unverified (follows the hostname text).
        problems.add(
            join(path, "extraHosts"),
            "extraHosts is not supported on container when networkMode=awsvpc.",
        );
    }
}

/// ulimits, timeouts, resource requirements, FireLens, environment files, restart policy, Linux parameters.
/// All wording unverified; the limits are the model's.
fn check_other_settings(
    container: &Map<String, Value>,
    path: &str,
    name: &str,
    problems: &mut Problems,
) {
    for (index, ulimit) in objects_of(container, "ulimits") {
        let ulimit_path = at(&join(path, "ulimits"), index);
        if str_of(ulimit, "name").is_none() && !ulimit.contains_key("name") {
            problems.add_required(&join(&ulimit_path, "name"), "Ulimit.name");
        }
        check_enum_member(ulimit, "name", &ulimit_path, ULIMIT_NAMES, problems);
        let soft = int_of(ulimit, "softLimit");
        let hard = int_of(ulimit, "hardLimit");
        for (member, value) in [("softLimit", soft), ("hardLimit", hard)] {
            if value.is_none() && !ulimit.contains_key(member) {
                problems.add_required(&join(&ulimit_path, member), &format!("Ulimit.{member}"));
            }
        }
        if let (Some(soft), Some(hard)) = (soft, hard) {
            if soft > hard {
                problems.add(
                    join(&ulimit_path, "softLimit"),
                    format!("Invalid ulimit in container '{name}': softLimit ({soft}) cannot be greater than hardLimit ({hard})."),
                );
            }
        }
    }
    for member in ["startTimeout", "stopTimeout"] {
        if int_of(container, member).is_some_and(|t| t < 0) {
            problems.add(
                join(path, member),
                format!("Invalid setting for container '{name}'. '{member}' must not be negative."),
            );
        }
    }
    for (index, requirement) in objects_of(container, "resourceRequirements") {
        let req_path = at(&join(path, "resourceRequirements"), index);
        match str_of(requirement, "type") {
            None => problems.add_required(&join(&req_path, "type"), "ResourceRequirement.type"),
            Some(kind) if !RESOURCE_TYPES.contains(&kind) => {
                problems.add_enum(&join(&req_path, "type"), kind, RESOURCE_TYPES)
            }
            Some("GPU") => {
                let value = str_of(requirement, "value").unwrap_or("");
                let ok = value == "ALL" || value.parse::<u32>().is_ok_and(|n| n > 0);
                if !ok {
                    problems.add(join(&req_path, "value"), format!("Invalid GPU resource requirement '{value}' for container '{name}': use a positive number of GPUs or ALL."));
                }
            }
            Some(_) => {
                if nonempty_str_of(requirement, "value").is_none() {
                    problems.add_required(&join(&req_path, "value"), "ResourceRequirement.value");
                }
            }
        }
    }
    if let Some(firelens) = obj_of(container, "firelensConfiguration") {
        let fl_path = join(path, "firelensConfiguration");
        match str_of(firelens, "type") {
            None => problems.add_required(&join(&fl_path, "type"), "FirelensConfiguration.type"),
            Some(_) => check_enum_member(firelens, "type", &fl_path, FIRELENS_TYPES, problems),
        }
    }
    let files = objects_of(container, "environmentFiles");
    if files.len() > 10 {
        problems.add(
            join(path, "environmentFiles"),
            format!("Container '{name}' has more than 10 environment files."),
        );
    }
    for (index, file) in files {
        let file_path = at(&join(path, "environmentFiles"), index);
        check_enum_member(file, "type", &file_path, &["s3"], problems);
        if nonempty_str_of(file, "value").is_none() {
            problems.add_required(&join(&file_path, "value"), "EnvironmentFile.value");
        }
    }
    if list_of(container, "credentialSpecs").len() > 1 {
        problems.add(
            join(path, "credentialSpecs"),
            format!("Container '{name}' can have at most 1 credentialSpecs entry."),
        );
    }
    check_enum_member(
        container,
        "versionConsistency",
        path,
        VERSION_CONSISTENCY,
        problems,
    );
    if let Some(policy) = obj_of(container, "restartPolicy") {
        let policy_path = join(path, "restartPolicy");
        if bool_of(policy, "enabled").is_none() && !policy.contains_key("enabled") {
            problems.add_required(
                &join(&policy_path, "enabled"),
                "ContainerRestartPolicy.enabled",
            );
        }
        if int_of(policy, "restartAttemptPeriod").is_some_and(|p| !(60..=1800).contains(&p)) {
            problems.add(
                join(&policy_path, "restartAttemptPeriod"),
                "restartAttemptPeriod must be between 60 and 1800 seconds.",
            );
        }
        if list_of(policy, "ignoredExitCodes").len() > 50 {
            problems.add(
                join(&policy_path, "ignoredExitCodes"),
                "At most 50 ignoredExitCodes can be specified.",
            );
        }
    }
    if let Some(linux) = obj_of(container, "linuxParameters") {
        let linux_path = join(path, "linuxParameters");
        if int_of(linux, "swappiness").is_some_and(|s| !(0..=100).contains(&s)) {
            problems.add(
                join(&linux_path, "swappiness"),
                "swappiness must be between 0 and 100.",
            );
        }
        for member in ["maxSwap", "sharedMemorySize"] {
            if int_of(linux, member).is_some_and(|n| n < 0) {
                problems.add(
                    join(&linux_path, member),
                    format!("{member} must not be negative."),
                );
            }
        }
        for (index, tmpfs) in objects_of(linux, "tmpfs") {
            let tmpfs_path = at(&join(&linux_path, "tmpfs"), index);
            if nonempty_str_of(tmpfs, "containerPath").is_none() {
                problems.add_required(&join(&tmpfs_path, "containerPath"), "Tmpfs.containerPath");
            }
            if int_of(tmpfs, "size").is_none_or(|s| s <= 0)
                && tmpfs.get("size").is_none_or(Value::is_number)
            {
                problems.add(
                    join(&tmpfs_path, "size"),
                    "Tmpfs.size must be a positive number of MiB.",
                );
            }
        }
        for (index, device) in objects_of(linux, "devices") {
            if nonempty_str_of(device, "hostPath").is_none() {
                problems.add_required(
                    &join(&at(&join(&linux_path, "devices"), index), "hostPath"),
                    "Device.hostPath",
                );
            }
        }
    }
}
