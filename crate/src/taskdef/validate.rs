//! The importer: unwraps and normalizes a task definition document, runs every rule family, and builds the typed
//! [`TaskDefinitionSpec`] when nothing is wrong.
//!
//! Messages are AWS's `ClientException` texts (without the `ClientException: ` prefix) where a public copy of the
//! real text exists; every other message says so in a comment ("wording unverified").

use serde_json::{Map, Value};

use super::access::{
    at, bool_of, check_enum_member, int_of, is_aws_name, join, list_of, nonempty_str_of, obj_of, objects_of,
    str_of, strings_of, Problems,
};
use super::task::Task;
use super::types::{
    Compatibility, ContainerDefinition, ContainerDependency, FieldError, HealthCheck, NetworkMode,
    PortMapping, TaskDefinitionSpec, TransportProtocol, Volume, VolumeKind,
};
use super::units::{parse_cpu_units, parse_memory_mib};
use super::{containers, fargate, schema};

/// Members that DescribeTaskDefinition / RegisterTaskDefinition output adds and registration input must not carry.
pub const OUTPUT_ONLY_FIELDS: &[&str] = &[
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
    "deleteRequestedAt",
];

/// The largest task definition AWS registers, bytes (service quota "Task definition size", not adjustable).
pub const MAX_TASK_DEFINITION_BYTES: usize = 65_536;
/// At most 10 placement constraints per task.
pub const MAX_PLACEMENT_CONSTRAINTS: usize = 10;
/// Longest `placementConstraints[].expression`, characters.
pub const MAX_CONSTRAINT_EXPRESSION_CHARS: usize = 2000;
/// EC2 / EXTERNAL task-level `cpu` range, CPU units (current model doc of `RegisterTaskDefinitionRequest.cpu`).
pub const EC2_TASK_CPU_UNITS: (u32, u32) = (128, 196_608);
/// At most 50 tags per resource.
pub const MAX_TAGS: usize = 50;

pub const NETWORK_MODES: &[&str] = &["bridge", "host", "awsvpc", "none"];
pub const COMPATIBILITIES: &[&str] = &["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];
pub const PID_MODES: &[&str] = &["host", "task"];
pub const IPC_MODES: &[&str] = &["host", "task", "none"];
pub const OS_FAMILIES: &[&str] = &[
    "LINUX",
    "WINDOWS_SERVER_2016_FULL",
    "WINDOWS_SERVER_2019_FULL",
    "WINDOWS_SERVER_2019_CORE",
    "WINDOWS_SERVER_2004_CORE",
    "WINDOWS_SERVER_20H2_CORE",
    "WINDOWS_SERVER_2022_CORE",
    "WINDOWS_SERVER_2022_FULL",
    "WINDOWS_SERVER_2025_CORE",
    "WINDOWS_SERVER_2025_FULL",
];
pub const CPU_ARCHITECTURES: &[&str] = &["X86_64", "ARM64"];
pub const EFS_SWITCH: &[&str] = &["ENABLED", "DISABLED"];
pub const DOCKER_VOLUME_SCOPES: &[&str] = &["task", "shared"];

/// Parses RegisterTaskDefinition input, or DescribeTaskDefinition / RegisterTaskDefinition output
/// (`{"taskDefinition": {...}, "tags": [...]}`), into a validated [`TaskDefinitionSpec`].
/// Returns every problem found, each with its JSON path (relative to the task definition; `$` for the document).
pub fn parse_task_definition(doc: &Value) -> Result<TaskDefinitionSpec, Vec<FieldError>> {
    let mut input = match unwrap_document(doc) {
        Ok(input) => input,
        Err(error) => return Err(vec![error]),
    };
    let mut problems = Problems::default();
    schema::check_object(&input, schema::TASK_DEFINITION, "", &mut problems.errors);
    normalize_task_size(&mut input);
    {
        let task = Task::read(&input);
        check_document_size(&input, &mut problems);
        check_family(&task, &mut problems);
        check_modes_and_platform(&task, &mut problems);
        check_task_size(&task, &mut problems);
        containers::check_all(&task, &mut problems);
        check_volumes(&task, &mut problems);
        check_placement_constraints(&task, &mut problems);
        check_tags(&task, &mut problems);
        check_task_extras(&task, &mut problems);
        check_external(&task, &mut problems);
        if task.requires(Compatibility::Fargate) {
            problems.errors.extend(fargate::problems(&task));
        }
    }
    if !problems.errors.is_empty() {
        problems.dedup();
        return Err(problems.errors);
    }
    let task = Task::read(&input);
    let fargate_ok = fargate::problems(&task).is_empty();
    let compatibilities = compatibilities_for(&task.requires, fargate_ok);
    let mut spec = build_spec(&task);
    spec.compatibilities = compatibilities;
    spec.input = Value::Object(input);
    Ok(spec)
}

/// [`parse_task_definition`] over JSON text. Malformed JSON gives one error at `$` with its line and column.
pub fn parse_task_definition_str(text: &str) -> Result<TaskDefinitionSpec, Vec<FieldError>> {
    match crate::codec::parse_json(text) {
        Ok(doc) => parse_task_definition(&doc),
        Err(error) => Err(vec![FieldError {
            path: "$".to_string(),
            message: format!(
                "The task definition is not valid JSON: {} (line {}, column {}).",
                describe_json_error(&error),
                error.line(),
                error.column()
            ),
        }]),
    }
}

fn describe_json_error(error: &serde_json::Error) -> String {
    // serde_json's Display appends " at line L column C"; we print the position ourselves.
    let text = error.to_string();
    match text.find(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// The launch types a registered definition is valid for, as DescribeTaskDefinition's `compatibilities` lists them:
/// EXTERNAL first when requested, then EC2 (always), FARGATE when the definition passes the Fargate rules,
/// MANAGED_INSTANCES when requested. (AWS prints `["EXTERNAL", "EC2"]` and `["EC2", "FARGATE"]`.)
pub fn compute_compatibilities(spec: &TaskDefinitionSpec) -> Vec<Compatibility> {
    let empty = Map::new();
    let input = spec.input.as_object().unwrap_or(&empty);
    let task = Task::read(input);
    compatibilities_for(
        &spec.requires_compatibilities,
        fargate::problems(&task).is_empty(),
    )
}

fn compatibilities_for(requires: &[Compatibility], fargate_ok: bool) -> Vec<Compatibility> {
    let mut out = Vec::new();
    if requires.contains(&Compatibility::External) {
        out.push(Compatibility::External);
    }
    out.push(Compatibility::Ec2);
    if fargate_ok {
        out.push(Compatibility::Fargate);
    }
    if requires.contains(&Compatibility::ManagedInstances) {
        out.push(Compatibility::ManagedInstances);
    }
    out
}

/// Takes the task definition out of a `{"taskDefinition": ...}` wrapper (keeping the wrapper's `tags`), drops the
/// output-only members and every JSON `null` (nulls mean "absent").
fn unwrap_document(doc: &Value) -> Result<Map<String, Value>, FieldError> {
    let Some(root) = doc.as_object() else {
        // Wording unverified.
        return Err(FieldError {
            path: "$".to_string(),
            message: "A task definition must be a JSON object.".to_string(),
        });
    };
    let mut input = match root.get("taskDefinition") {
        Some(Value::Object(inner)) => {
            let mut inner = inner.clone();
            if let Some(tags) = root.get("tags") {
                let has_tags = inner.get("tags").is_some_and(|t| !t.is_null());
                if !has_tags && !tags.is_null() {
                    inner.insert("tags".to_string(), tags.clone());
                }
            }
            inner
        }
        Some(other) if !other.is_null() => {
            return Err(schema::type_error("taskDefinition", "object", other));
        }
        _ => root.clone(),
    };
    for field in OUTPUT_ONLY_FIELDS {
        input.remove(*field);
    }
    remove_nulls(&mut input);
    Ok(input)
}

fn remove_nulls(object: &mut Map<String, Value>) {
    object.retain(|_, value| !value.is_null());
    for value in object.values_mut() {
        remove_nulls_in(value);
    }
}

fn remove_nulls_in(value: &mut Value) {
    match value {
        Value::Object(object) => remove_nulls(object),
        Value::Array(items) => items.iter_mut().for_each(remove_nulls_in),
        _ => {}
    }
}

/// AWS stores task `cpu`/`memory` as strings of units and MiB: `"1 vcpu"` becomes `"1024"`, `"2 GB"` `"2048"`.
/// Values that do not parse stay as given (and are reported by [`check_task_size`]).
fn normalize_task_size(input: &mut Map<String, Value>) {
    let cpu = input.get("cpu").and_then(parse_cpu_units);
    if let Some(cpu_units) = cpu {
        input.insert("cpu".to_string(), Value::String(cpu_units.to_string()));
    }
    let memory = input.get("memory").and_then(parse_memory_mib);
    if let Some(memory_mib) = memory {
        input.insert("memory".to_string(), Value::String(memory_mib.to_string()));
    }
}

fn check_document_size(input: &Map<String, Value>, problems: &mut Problems) {
    let length = serde_json::to_string(input)
        .map(|text| text.len())
        .unwrap_or(0);
    if length > MAX_TASK_DEFINITION_BYTES {
        // Verified form: "Actual length: '66420'. Max allowed length is '65536' bytes."
        problems.add("$", format!("Actual length: '{length}'. Max allowed length is '{MAX_TASK_DEFINITION_BYTES}' bytes."));
    }
}

fn check_family(task: &Task, problems: &mut Problems) {
    match str_of(task.input, "family") {
        None | Some("") => {
            if task.input.get("family").is_none_or(|v| v.is_string()) {
                // Wording unverified.
                problems.add_required("family", "Family");
            }
        }
        Some(family) if !is_aws_name(family) => {
            problems.add("family", "Family contains invalid characters.")
        }
        Some(_) => {}
    }
}

fn check_modes_and_platform(task: &Task, problems: &mut Problems) {
    if let Some(mode) = str_of(task.input, "networkMode") {
        if NetworkMode::from_aws(mode).is_none() {
            problems.add_enum("networkMode", mode, NETWORK_MODES);
        }
    }
    for (index, compatibility) in strings_of(task.input, "requiresCompatibilities") {
        if Compatibility::from_aws(compatibility).is_none() {
            problems.add_enum(
                &at("requiresCompatibilities", index),
                compatibility,
                COMPATIBILITIES,
            );
        }
    }
    check_enum_member(task.input, "pidMode", "", PID_MODES, problems);
    check_enum_member(task.input, "ipcMode", "", IPC_MODES, problems);
    if let Some(platform) = obj_of(task.input, "runtimePlatform") {
        check_enum_member(
            platform,
            "operatingSystemFamily",
            "runtimePlatform",
            OS_FAMILIES,
            problems,
        );
        check_enum_member(
            platform,
            "cpuArchitecture",
            "runtimePlatform",
            CPU_ARCHITECTURES,
            problems,
        );
        if task.is_windows() && str_of(platform, "cpuArchitecture") == Some("ARM64") {
            // Wording unverified. Windows containers run on X86_64 only (model doc of RuntimePlatform.cpuArchitecture).
            problems.add(
                "runtimePlatform.cpuArchitecture",
                "Windows operating system families only support the X86_64 CPU architecture.",
            );
        }
    }
}

/// Task `cpu` and `memory`: parseable, and `cpu` within the EC2 range unless the Fargate table applies.
fn check_task_size(task: &Task, problems: &mut Problems) {
    if let Some(cpu) = task.input.get("cpu") {
        if cpu.is_string() || cpu.is_number() {
            match task.cpu_units {
                // Verified: AWS's text for a cpu value it cannot use.
                None => problems.add("cpu", "Invalid 'cpu' setting for task."),
                Some(cpu_units) if !task.requires(Compatibility::Fargate) => {
                    let (min, max) = EC2_TASK_CPU_UNITS;
                    if cpu_units < min || cpu_units > max {
                        // "Invalid 'cpu' setting for task." is verified; the explanation after it is ours.
                        problems.add(
                            "cpu",
                            format!(
                                "Invalid 'cpu' setting for task. Supported values are between {min} CPU units \
                                 (0.125 vCPUs) and {max} CPU units (192 vCPUs); got {cpu_units}."
                            ),
                        );
                    }
                }
                Some(_) => {}
            }
        }
    }
    if let Some(memory) = task.input.get("memory") {
        if (memory.is_string() || memory.is_number()) && task.memory_mib.is_none_or(|m| m == 0) {
            // Wording unverified (mirrors the verified cpu text).
            problems.add("memory", "Invalid 'memory' setting for task.");
        }
    }
}

fn check_volumes(task: &Task, problems: &mut Problems) {
    let mut seen: Vec<&str> = Vec::new();
    let mut configured_at_launch = 0usize;
    for (index, volume) in objects_of(task.input, "volumes") {
        let path = at("volumes", index);
        match nonempty_str_of(volume, "name") {
            None => problems.add_required(&join(&path, "name"), "Volume.name"), // wording unverified
            Some(name) if !is_aws_name(name) => {
                // Wording unverified (follows the verified family/container texts).
                problems.add(
                    join(&path, "name"),
                    "Volume.name contains invalid characters.",
                );
            }
            Some(name) => {
                if seen.contains(&name) {
                    // Wording unverified.
                    problems.add(join(&path, "name"), format!("Volume name '{name}' is used more than once. Volume names must be unique within a Task Definition."));
                }
                seen.push(name);
            }
        }
        if bool_of(volume, "configuredAtLaunch") == Some(true) {
            configured_at_launch += 1;
            if configured_at_launch > 1 {
                // Wording unverified. "Each task definition revision may only have one volume configured at launch".
                problems.add(
                    join(&path, "configuredAtLaunch"),
                    "Only one volume in a task definition can be configured at launch.",
                );
            }
        }
        if let Some(docker) = obj_of(volume, "dockerVolumeConfiguration") {
            check_enum_member(
                docker,
                "scope",
                &join(&path, "dockerVolumeConfiguration"),
                DOCKER_VOLUME_SCOPES,
                problems,
            );
        }
        if let Some(efs) = obj_of(volume, "efsVolumeConfiguration") {
            check_efs(efs, &join(&path, "efsVolumeConfiguration"), problems);
        }
        if let Some(fsx) = obj_of(volume, "fsxWindowsFileServerVolumeConfiguration") {
            let fsx_path = join(&path, "fsxWindowsFileServerVolumeConfiguration");
            for member in ["fileSystemId", "rootDirectory"] {
                if nonempty_str_of(fsx, member).is_none() {
                    problems.add_required(&join(&fsx_path, member), member); // wording unverified
                }
            }
            if obj_of(fsx, "authorizationConfig").is_none() {
                problems.add_required(
                    &join(&fsx_path, "authorizationConfig"),
                    "authorizationConfig",
                ); // unverified
            }
        }
    }
}

/// `efsVolumeConfiguration` rules (API model doc of `EFSVolumeConfiguration` and `EFSAuthorizationConfig`).
fn check_efs(efs: &Map<String, Value>, path: &str, problems: &mut Problems) {
    if nonempty_str_of(efs, "fileSystemId").is_none() {
        // Wording unverified.
        problems.add_required(
            &join(path, "fileSystemId"),
            "EFSVolumeConfiguration.fileSystemId",
        );
    }
    check_enum_member(efs, "transitEncryption", path, EFS_SWITCH, problems);
    let transit_on = str_of(efs, "transitEncryption") == Some("ENABLED");
    if let Some(port) = int_of(efs, "transitEncryptionPort") {
        if !(1..=65535).contains(&port) {
            // Wording unverified.
            problems.add(
                join(path, "transitEncryptionPort"),
                "transitEncryptionPort must be between 1 and 65535.",
            );
        }
    }
    if let Some(auth) = obj_of(efs, "authorizationConfig") {
        let auth_path = join(path, "authorizationConfig");
        check_enum_member(auth, "iam", &auth_path, EFS_SWITCH, problems);
        if let Some(_access_point) = nonempty_str_of(auth, "accessPointId") {
            if !transit_on {
                // Wording unverified ("If an access point is used, transit encryption must be on", model doc).
                problems.add(
                    &auth_path,
                    "Transit encryption must be enabled in the EFSVolumeConfiguration when an EFS access point is used.",
                );
            }
            if let Some(root) = str_of(efs, "rootDirectory") {
                if root != "/" {
                    // Partly verified: AWS's text starts "When using an EFS access point, the root directory must
                    // either be set to "/" or be omi..." (the rest was cut off in the public copy).
                    problems.add(
                        join(path, "rootDirectory"),
                        "When using an EFS access point, the root directory must either be set to \"/\" or be omitted.",
                    );
                }
            }
        }
        if str_of(auth, "iam") == Some("ENABLED") && !transit_on {
            // Wording unverified ("If it is turned on, transit encryption must be turned on", model doc).
            problems.add(
                join(&auth_path, "iam"),
                "Transit encryption must be enabled in the EFSVolumeConfiguration when EFS IAM authorization is enabled.",
            );
        }
    }
}

fn check_placement_constraints(task: &Task, problems: &mut Problems) {
    let constraints = list_of(task.input, "placementConstraints");
    if constraints.len() > MAX_PLACEMENT_CONSTRAINTS {
        // Wording unverified.
        problems.add(
            "placementConstraints",
            format!("Too many placement constraints: at most {MAX_PLACEMENT_CONSTRAINTS} are allowed, got {}.", constraints.len()),
        );
    }
    for (index, constraint) in objects_of(task.input, "placementConstraints") {
        let path = at("placementConstraints", index);
        match str_of(constraint, "type") {
            None => problems.add_required(&join(&path, "type"), "constraint.type"), // wording unverified
            Some("memberOf") => {}
            // Verified (through CloudFormation): "constraint.type 'distinctInstance' is not supported."
            Some("distinctInstance") => problems.add(
                join(&path, "type"),
                "constraint.type 'distinctInstance' is not supported.",
            ),
            Some(other) => problems.add_enum(&join(&path, "type"), other, &["memberOf"]),
        }
        match nonempty_str_of(constraint, "expression") {
            None => problems.add_required(&join(&path, "expression"), "constraint.expression"), // unverified
            Some(expression) if expression.chars().count() > MAX_CONSTRAINT_EXPRESSION_CHARS => {
                // Wording unverified.
                problems.add(
                    join(&path, "expression"),
                    format!("constraint.expression is too long: at most {MAX_CONSTRAINT_EXPRESSION_CHARS} characters are allowed."),
                );
            }
            Some(_) => {}
        }
    }
}

/// Tag restrictions from the model doc of `RegisterTaskDefinitionRequest.tags`. All wording unverified.
fn check_tags(task: &Task, problems: &mut Problems) {
    let tags = objects_of(task.input, "tags");
    if tags.len() > MAX_TAGS {
        problems.add(
            "tags",
            format!("Too many tags: at most {MAX_TAGS} tags are allowed per resource."),
        );
    }
    let mut keys: Vec<&str> = Vec::new();
    for (index, tag) in tags {
        let path = at("tags", index);
        match nonempty_str_of(tag, "key") {
            None => problems.add_required(&join(&path, "key"), "Tag.key"),
            Some(key) => {
                if key.chars().count() > 128 {
                    problems.add(
                        join(&path, "key"),
                        "Tag keys can be at most 128 characters long.",
                    );
                }
                if key.to_ascii_lowercase().starts_with("aws:") {
                    problems.add(
                        join(&path, "key"),
                        "Tag keys starting with 'aws:' are reserved for AWS use.",
                    );
                }
                if keys.contains(&key) {
                    problems.add(
                        join(&path, "key"),
                        format!("Duplicate tag key '{key}': each tag key must be unique."),
                    );
                }
                keys.push(key);
            }
        }
        if str_of(tag, "value").is_some_and(|v| v.chars().count() > 256) {
            problems.add(
                join(&path, "value"),
                "Tag values can be at most 256 characters long.",
            );
        }
    }
}

/// `ephemeralStorage`, `proxyConfiguration` and `inferenceAccelerators`.
fn check_task_extras(task: &Task, problems: &mut Problems) {
    if let Some(storage) = obj_of(task.input, "ephemeralStorage") {
        match int_of(storage, "sizeInGiB") {
            Some(size) if (21..=200).contains(&size) => {}
            // Wording unverified ("The minimum supported value is 21 GiB and the maximum supported value is 200 GiB").
            _ => problems.add(
                "ephemeralStorage.sizeInGiB",
                "Invalid 'ephemeralStorage.sizeInGiB' setting for task. Supported values are between 21 and 200 GiB.",
            ),
        }
    }
    if let Some(proxy) = obj_of(task.input, "proxyConfiguration") {
        check_enum_member(proxy, "type", "proxyConfiguration", &["APPMESH"], problems);
        match nonempty_str_of(proxy, "containerName") {
            None => problems.add_required("proxyConfiguration.containerName", "proxyConfiguration.containerName"),
            Some(name) if task.container_named(name).is_none() => problems.add(
                "proxyConfiguration.containerName",
                // Wording unverified.
                format!("The proxy configuration container '{name}' does not exist in the task definition."),
            ),
            Some(_) => {}
        }
    }
    for (index, accelerator) in objects_of(task.input, "inferenceAccelerators") {
        for member in ["deviceName", "deviceType"] {
            if nonempty_str_of(accelerator, member).is_none() {
                problems.add_required(&join(&at("inferenceAccelerators", index), member), member);
                // unverified
            }
        }
    }
}

/// ECS Anywhere: external instances support bridge, host and none network modes, and no EFS volumes.
fn check_external(task: &Task, problems: &mut Problems) {
    if !task.requires(Compatibility::External) {
        return;
    }
    if task.network_mode == Some(NetworkMode::Awsvpc) {
        // Wording unverified.
        problems.add(
            "networkMode",
            "The EXTERNAL launch type does not support network mode 'awsvpc'.",
        );
    }
    for (index, volume) in objects_of(task.input, "volumes") {
        if volume.contains_key("efsVolumeConfiguration") {
            // Wording unverified.
            problems.add(
                join(&at("volumes", index), "efsVolumeConfiguration"),
                "EXTERNAL compatible task definitions do not support efsVolumeConfiguration",
            );
        }
    }
}

/// The typed spec; called only when every rule passed, so values have their types and ranges.
fn build_spec(task: &Task) -> TaskDefinitionSpec {
    let input = task.input;
    let network_mode = task.network_mode.unwrap_or(NetworkMode::Bridge);
    let containers = task
        .containers
        .iter()
        .map(|(_, c)| build_container(c, network_mode))
        .collect();
    let placement_constraint_expressions = objects_of(input, "placementConstraints")
        .into_iter()
        .filter_map(|(_, c)| str_of(c, "expression").map(str::to_string))
        .collect();
    let volumes = objects_of(input, "volumes")
        .into_iter()
        .map(|(_, v)| build_volume(v))
        .collect();
    let platform = obj_of(input, "runtimePlatform");
    TaskDefinitionSpec {
        family: str_of(input, "family").unwrap_or_default().to_string(),
        task_role_arn: nonempty_str_of(input, "taskRoleArn").map(str::to_string),
        execution_role_arn: nonempty_str_of(input, "executionRoleArn").map(str::to_string),
        network_mode,
        requires_compatibilities: task.requires.clone(),
        compatibilities: Vec::new(),
        cpu_units: task.cpu_units,
        memory_mib: task.memory_mib,
        containers,
        placement_constraint_expressions,
        volumes,
        os_family: task.os_family.clone(),
        cpu_architecture: platform
            .and_then(|p| str_of(p, "cpuArchitecture"))
            .unwrap_or("X86_64")
            .to_string(),
        input: Value::Null,
    }
}

fn to_u32(value: Option<i64>) -> Option<u32> {
    value.and_then(|n| u32::try_from(n).ok())
}

fn build_container(c: &Map<String, Value>, network_mode: NetworkMode) -> ContainerDefinition {
    let port_mappings = objects_of(c, "portMappings")
        .into_iter()
        .filter_map(|(_, pm)| {
            let container_port = int_of(pm, "containerPort").and_then(|p| u16::try_from(p).ok())?;
            let mut host_port = int_of(pm, "hostPort").and_then(|p| u16::try_from(p).ok());
            if host_port.is_none()
                && matches!(network_mode, NetworkMode::Awsvpc | NetworkMode::Host)
            {
                host_port = Some(container_port);
            }
            let protocol = if str_of(pm, "protocol") == Some("udp") {
                TransportProtocol::Udp
            } else {
                TransportProtocol::Tcp
            };
            Some(PortMapping {
                container_port,
                host_port,
                protocol,
                name: str_of(pm, "name").map(str::to_string),
            })
        })
        .collect();
    let health_check = obj_of(c, "healthCheck").map(|h| HealthCheck {
        command: strings_of(h, "command")
            .into_iter()
            .map(|(_, s)| s.to_string())
            .collect(),
        interval_s: to_u32(int_of(h, "interval")).unwrap_or(30),
        timeout_s: to_u32(int_of(h, "timeout")).unwrap_or(5),
        retries: to_u32(int_of(h, "retries")).unwrap_or(3),
        start_period_s: to_u32(int_of(h, "startPeriod")).unwrap_or(0),
    });
    let depends_on = objects_of(c, "dependsOn")
        .into_iter()
        .map(|(_, d)| ContainerDependency {
            container_name: str_of(d, "containerName").unwrap_or_default().to_string(),
            condition: str_of(d, "condition").unwrap_or_default().to_string(),
        })
        .collect();
    let log = obj_of(c, "logConfiguration");
    let has_secret_options = log.is_some_and(|l| !list_of(l, "secretOptions").is_empty());
    ContainerDefinition {
        name: str_of(c, "name").unwrap_or_default().to_string(),
        image: str_of(c, "image").unwrap_or_default().to_string(),
        cpu_units: to_u32(int_of(c, "cpu")).unwrap_or(0),
        memory_mib: to_u32(int_of(c, "memory")),
        memory_reservation_mib: to_u32(int_of(c, "memoryReservation")),
        essential: bool_of(c, "essential").unwrap_or(true),
        port_mappings,
        health_check,
        stop_timeout_s: to_u32(int_of(c, "stopTimeout")),
        depends_on,
        links: strings_of(c, "links")
            .into_iter()
            .map(|(_, s)| s.to_string())
            .collect(),
        has_secrets: !list_of(c, "secrets").is_empty() || has_secret_options,
        log_driver: log.and_then(|l| str_of(l, "logDriver")).map(str::to_string),
    }
}

fn build_volume(v: &Map<String, Value>) -> Volume {
    let name = str_of(v, "name").unwrap_or_default().to_string();
    let kind = if let Some(efs) = obj_of(v, "efsVolumeConfiguration") {
        VolumeKind::Efs {
            file_system_id: str_of(efs, "fileSystemId").unwrap_or_default().to_string(),
            access_point_id: obj_of(efs, "authorizationConfig")
                .and_then(|a| nonempty_str_of(a, "accessPointId"))
                .map(str::to_string),
            transit_encryption: str_of(efs, "transitEncryption") == Some("ENABLED"),
        }
    } else if v.contains_key("dockerVolumeConfiguration") {
        VolumeKind::Docker
    } else if v.contains_key("fsxWindowsFileServerVolumeConfiguration") {
        VolumeKind::FsxWindows
    } else if bool_of(v, "configuredAtLaunch") == Some(true) {
        VolumeKind::ConfiguredAtLaunch
    } else if let Some(source) = obj_of(v, "host").and_then(|h| nonempty_str_of(h, "sourcePath")) {
        VolumeKind::HostPath(source.to_string())
    } else {
        VolumeKind::Empty
    };
    Volume { name, kind }
}
