//! Unit tests of the task definition importer: one minimal valid document, mutated once per rule, asserting the
//! JSON path and the message of the error each mutation must produce.

use serde_json::{json, Value};

use super::*;

/// A minimal valid EC2 task definition.
fn ec2() -> Value {
    json!({
        "family": "web",
        "containerDefinitions": [
            {"name": "app", "image": "nginx", "memory": 256, "cpu": 128,
             "portMappings": [{"containerPort": 80, "hostPort": 8080}]},
            {"name": "sidecar", "image": "busybox", "memoryReservation": 64, "essential": false}
        ]
    })
}

/// A minimal valid Fargate task definition.
fn fargate() -> Value {
    json!({
        "family": "web",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "containerDefinitions": [
            {"name": "app", "image": "nginx", "portMappings": [{"containerPort": 80, "hostPort": 80}],
             "logConfiguration": {"logDriver": "awslogs",
                                  "options": {"awslogs-group": "g", "awslogs-region": "us-east-1"}}}
        ]
    })
}

fn errors(doc: &Value) -> Vec<FieldError> {
    match parse_task_definition(doc) {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    }
}

#[track_caller]
fn assert_error(doc: &Value, path: &str, message: &str) {
    let found = errors(doc);
    assert!(
        found.iter().any(|e| e.path == path && e.message == message),
        "expected {path} :: {message}\nfound: {found:#?}"
    );
}

#[track_caller]
fn assert_error_prefix(doc: &Value, path: &str, prefix: &str) {
    let found = errors(doc);
    assert!(
        found
            .iter()
            .any(|e| e.path == path && e.message.starts_with(prefix)),
        "expected {path} :: {prefix}...\nfound: {found:#?}"
    );
}

#[track_caller]
fn assert_valid(doc: &Value) -> TaskDefinitionSpec {
    match parse_task_definition(doc) {
        Ok(spec) => spec,
        Err(errors) => panic!("expected valid, got {errors:#?}"),
    }
}

fn with(mut doc: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    let target = doc.pointer_mut(parent).expect("parent exists");
    match target {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
        }
        Value::Array(items) => {
            let index: usize = key.parse().expect("index");
            if index < items.len() {
                items[index] = value;
            } else {
                items.push(value);
            }
        }
        _ => panic!("bad pointer {pointer}"),
    }
    doc
}

fn without(mut doc: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
        map.remove(key);
    }
    doc
}

// ---- baseline and typed output ----

#[test]
fn minimal_documents_are_valid_with_defaults() {
    let spec = assert_valid(&ec2());
    assert_eq!(spec.family, "web");
    assert_eq!(spec.network_mode, NetworkMode::Bridge);
    assert_eq!(spec.compatibilities, vec![Compatibility::Ec2]);
    assert_eq!(spec.containers.len(), 2);
    assert!(spec.containers[0].essential);
    assert!(!spec.containers[1].essential);
    assert_eq!(spec.containers[0].port_mappings[0].host_port, Some(8080));
    assert_eq!(
        spec.containers[0].port_mappings[0].protocol,
        TransportProtocol::Tcp
    );
    assert_eq!(spec.os_family, "LINUX");
    assert_eq!(spec.cpu_architecture, "X86_64");
    assert_eq!(spec.reserved_memory_mib(), 256 + 64);

    let spec = assert_valid(&fargate());
    assert_eq!(
        spec.compatibilities,
        vec![Compatibility::Ec2, Compatibility::Fargate]
    );
    assert_eq!(spec.cpu_units, Some(256));
    assert_eq!(spec.memory_mib, Some(512));
    assert_eq!(spec.containers[0].port_mappings[0].host_port, Some(80));
    assert_eq!(compute_compatibilities(&spec), spec.compatibilities);
}

#[test]
fn health_check_defaults_are_filled() {
    let doc = with(
        ec2(),
        "/containerDefinitions/0/healthCheck",
        json!({"command": ["CMD-SHELL", "true"]}),
    );
    let spec = assert_valid(&doc);
    let health = spec.containers[0]
        .health_check
        .clone()
        .expect("health check");
    assert_eq!(
        (
            health.interval_s,
            health.timeout_s,
            health.retries,
            health.start_period_s
        ),
        (30, 5, 3, 0)
    );
}

#[test]
fn describe_output_is_unwrapped_and_output_fields_stripped() {
    let doc = json!({
        "taskDefinition": {
            "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
            "revision": 3, "status": "ACTIVE", "compatibilities": ["EC2"],
            "requiresAttributes": [{"name": "x"}], "registeredAt": "2024-01-01T00:00:00Z", "registeredBy": "me",
            "family": "web", "cpu": "1 vcpu", "memory": "2 GB", "networkMode": null,
            "containerDefinitions": [{"name": "app", "image": "nginx", "secretOptions": null}]
        },
        "tags": [{"key": "team", "value": "a"}]
    });
    let spec = assert_valid(&doc);
    let input = spec.input.as_object().expect("object");
    for field in OUTPUT_ONLY_FIELDS {
        assert!(!input.contains_key(*field), "{field} kept");
    }
    assert!(!input.contains_key("networkMode"));
    assert_eq!(input["cpu"], json!("1024"));
    assert_eq!(input["memory"], json!("2048"));
    assert_eq!(input["tags"], json!([{"key": "team", "value": "a"}]));
    assert_eq!(spec.cpu_units, Some(1024));
    assert_eq!(spec.memory_mib, Some(2048));
}

#[test]
fn cpu_memory_integer_strings_are_kept_and_numbers_become_strings() {
    let doc = with(with(ec2(), "/cpu", json!(512)), "/memory", json!("1024"));
    let spec = assert_valid(&doc);
    assert_eq!(spec.input["cpu"], json!("512"));
    assert_eq!(spec.input["memory"], json!("1024"));
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let doc = json!({"family": "bad family", "containerDefinitions": [{"name": "a b"}]});
    let found = errors(&doc);
    assert!(found.len() >= 3, "{found:#?}");
    assert!(found
        .iter()
        .all(|e| !e.path.is_empty() && !e.message.is_empty()));
}

// ---- document ----

#[test]
fn document_must_be_an_object() {
    assert_error(
        &json!([1, 2]),
        "$",
        "A task definition must be a JSON object.",
    );
    assert_error_prefix(
        &json!({"taskDefinition": 5}),
        "taskDefinition",
        "Invalid type for parameter taskDefinition",
    );
}

#[test]
fn malformed_json_text_reports_line_and_column() {
    let found =
        parse_task_definition_str("{\n  \"family\": \"x\",\n  oops\n}").expect_err("malformed");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "$");
    assert!(found[0].message.contains("line 3"), "{}", found[0].message);
    assert!(found[0].message.contains("column"), "{}", found[0].message);
    assert!(parse_task_definition_str("").is_err());
}

#[test]
fn oversized_task_definition_is_rejected() {
    let big = "x".repeat(70_000);
    let doc = with(
        ec2(),
        "/containerDefinitions/0/environment",
        json!([{"name": "BIG", "value": big}]),
    );
    assert_error_prefix(&doc, "$", "Actual length: '");
    assert!(errors(&doc)
        .iter()
        .any(|e| e.message.ends_with("Max allowed length is '65536' bytes.")));
}

#[test]
fn wrong_types_are_reported_with_paths() {
    let doc = with(ec2(), "/containerDefinitions/0/memory", json!("256"));
    assert_error(
        &doc,
        "containerDefinitions[0].memory",
        "Invalid type for parameter containerDefinitions[0].memory, value: \"256\", type: string, valid types: integer",
    );
    let doc = with(
        ec2(),
        "/containerDefinitions/0/cpu",
        json!(99_999_999_999u64),
    );
    assert_error_prefix(
        &doc,
        "containerDefinitions[0].cpu",
        "Invalid value for parameter containerDefinitions[0].cpu",
    );
    let doc = with(ec2(), "/containerDefinitions", json!({"name": "x"}));
    assert_error_prefix(
        &doc,
        "containerDefinitions",
        "Invalid type for parameter containerDefinitions",
    );
}

// ---- family and containers ----

#[test]
fn family_rules() {
    assert_error(
        &without(ec2(), "/family"),
        "family",
        "Family should not be null or empty.",
    );
    assert_error(
        &with(ec2(), "/family", json!("my family!")),
        "family",
        "Family contains invalid characters.",
    );
    assert_error(
        &with(ec2(), "/family", json!("a".repeat(256))),
        "family",
        "Family contains invalid characters.",
    );
    assert_valid(&with(ec2(), "/family", json!("A_b-9".repeat(51))));
}

#[test]
fn container_list_rules() {
    assert_error(
        &without(ec2(), "/containerDefinitions"),
        "containerDefinitions",
        "containerDefinitions should not be null or empty.",
    );
    assert_error(
        &with(ec2(), "/containerDefinitions", json!([])),
        "containerDefinitions",
        "Container list cannot be empty.",
    );
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"name": format!("c{i}"), "image": "busybox", "memory": 32}))
        .collect();
    assert_error(
        &with(ec2(), "/containerDefinitions", json!(eleven)),
        "containerDefinitions",
        "Too many containers.",
    );
    let ten: Vec<Value> = (0..10)
        .map(|i| json!({"name": format!("c{i}"), "image": "busybox", "memory": 32}))
        .collect();
    assert_valid(&with(ec2(), "/containerDefinitions", json!(ten)));
}

#[test]
fn container_name_and_image_rules() {
    assert_error(
        &without(ec2(), "/containerDefinitions/0/name"),
        "containerDefinitions[0].name",
        "Container.name should not be null or empty.",
    );
    assert_error(
        &with(ec2(), "/containerDefinitions/0/name", json!("my app")),
        "containerDefinitions[0].name",
        "Container.name contains invalid characters.",
    );
    assert_error(
        &with(ec2(), "/containerDefinitions/1/name", json!("app")),
        "containerDefinitions[1].name",
        "Container names must be unique within a Task Definition.",
    );
    assert_error(
        &without(ec2(), "/containerDefinitions/0/image"),
        "containerDefinitions[0].image",
        "Container.image should not be null or empty.",
    );
    assert_error(
        &with(ec2(), "/containerDefinitions/0/image", json!("")),
        "containerDefinitions[0].image",
        "Container.image should not be null or empty.",
    );
}

#[test]
fn at_least_one_essential_container() {
    let doc = with(ec2(), "/containerDefinitions/0/essential", json!(false));
    assert_error(
        &doc,
        "containerDefinitions",
        "Task definition doesn't have any essential container.",
    );
}

// ---- memory and cpu ----

#[test]
fn container_needs_memory_without_task_memory() {
    let doc = without(ec2(), "/containerDefinitions/0/memory");
    assert_error(
        &doc,
        "containerDefinitions[0].memory",
        "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.",
    );
    assert_valid(&with(doc, "/memory", json!("512")));
}

#[test]
fn memory_reservation_not_above_memory() {
    let doc = with(
        ec2(),
        "/containerDefinitions/0/memoryReservation",
        json!(512),
    );
    assert_error(
        &doc,
        "containerDefinitions[0].memoryReservation",
        "Invalid setting for container 'app'. 'memoryReservation' must be less than or equal to 'memory'.",
    );
    assert_valid(&with(
        ec2(),
        "/containerDefinitions/0/memoryReservation",
        json!(256),
    ));
}

#[test]
fn container_memory_minimum() {
    let doc = with(ec2(), "/containerDefinitions/0/memory", json!(2));
    assert_error(
        &doc,
        "containerDefinitions[0].memory",
        "Invalid setting for container 'app'. 'memory' must be at least 4 MiB.",
    );
}

#[test]
fn container_memory_not_above_task_memory() {
    let doc = with(ec2(), "/memory", json!("128"));
    assert_error(
        &doc,
        "containerDefinitions[0].memory",
        "The 'memory' setting for container 'app' is greater than for the task.",
    );
}

#[test]
fn sum_of_memory_reservations_not_above_task_memory() {
    let doc = with(
        with(ec2(), "/memory", json!("300")),
        "/containerDefinitions/1/memoryReservation",
        json!(400),
    );
    assert_error(&doc, "memory", "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.");
}

#[test]
fn sum_of_reserved_memory_not_above_task_memory() {
    let doc = with(
        with(ec2(), "/memory", json!("300")),
        "/containerDefinitions/1/memory",
        json!(200),
    );
    let doc = without(doc, "/containerDefinitions/1/memoryReservation");
    assert_error(&doc, "memory", "The sum of all container 'memory' values cannot be greater than the value of the task 'memory'.");
}

#[test]
fn sum_of_container_cpu_not_above_task_cpu() {
    let doc = with(
        with(ec2(), "/cpu", json!("128")),
        "/containerDefinitions/1/cpu",
        json!(64),
    );
    assert_error(
        &doc,
        "cpu",
        "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.",
    );
    let doc = with(ec2(), "/containerDefinitions/0/cpu", json!(-1));
    assert_error(
        &doc,
        "containerDefinitions[0].cpu",
        "Invalid setting for container 'app'. 'cpu' must not be negative.",
    );
}

#[test]
fn ec2_task_cpu_range_and_units() {
    assert_error_prefix(
        &with(ec2(), "/cpu", json!("64")),
        "cpu",
        "Invalid 'cpu' setting for task. Supported values are between 128",
    );
    assert_error_prefix(
        &with(ec2(), "/cpu", json!("200000")),
        "cpu",
        "Invalid 'cpu' setting for task. Supported values",
    );
    assert_error(
        &with(ec2(), "/cpu", json!("lots")),
        "cpu",
        "Invalid 'cpu' setting for task.",
    );
    assert_error(
        &with(ec2(), "/memory", json!("2 TB")),
        "memory",
        "Invalid 'memory' setting for task.",
    );
    assert_error(
        &with(ec2(), "/memory", json!("0")),
        "memory",
        "Invalid 'memory' setting for task.",
    );
    let spec = assert_valid(&with(
        with(ec2(), "/cpu", json!(".25 vcpu")),
        "/memory",
        json!(".5 gb"),
    ));
    assert_eq!((spec.cpu_units, spec.memory_mib), (Some(256), Some(512)));
    assert_valid(&with(ec2(), "/cpu", json!("196608")));
}

// ---- Fargate ----

#[test]
fn fargate_requires_awsvpc() {
    assert_error(
        &without(fargate(), "/networkMode"),
        "networkMode",
        "Fargate only supports network mode \u{2018}awsvpc\u{2019}.",
    );
    assert_error(
        &with(fargate(), "/networkMode", json!("bridge")),
        "networkMode",
        "Fargate only supports network mode \u{2018}awsvpc\u{2019}.",
    );
}

#[test]
fn fargate_requires_task_cpu_and_memory() {
    assert_error(
        &without(fargate(), "/cpu"),
        "cpu",
        "Fargate requires that 'cpu' be defined at the task level.",
    );
    assert_error(
        &without(fargate(), "/memory"),
        "memory",
        "Fargate requires that 'memory' be defined at the task level.",
    );
}

#[test]
fn fargate_cpu_memory_table() {
    let doc = with(fargate(), "/memory", json!("4096"));
    assert_error(&doc, "memory", "No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.");
    let doc = with(fargate(), "/cpu", json!("300"));
    assert_error(&doc, "cpu", "No Fargate configuration exists for given values: 300 CPU, 512 memory. See the Amazon ECS documentation for the valid values.");
    for (cpu, memory) in [
        ("256", "2048"),
        ("512", "4096"),
        ("1 vcpu", "8 GB"),
        ("2048", "16384"),
        ("4096", "30720"),
        ("8192", "61440"),
        ("16384", "32768"),
    ] {
        assert_valid(&with(
            with(fargate(), "/cpu", json!(cpu)),
            "/memory",
            json!(memory),
        ));
    }
    for (cpu, memory) in [
        ("1024", "1024"),
        ("2048", "17408"),
        ("8192", "18432"),
        ("16384", "36864"),
        ("16384", "131072"),
    ] {
        let doc = with(
            with(fargate(), "/cpu", json!(cpu)),
            "/memory",
            json!(memory),
        );
        assert_error_prefix(
            &doc,
            "memory",
            "No Fargate configuration exists for given values",
        );
    }
    assert!(fargate_size_exists(1024, 2048, true));
    assert!(!fargate_size_exists(512, 1024, true));
}

#[test]
fn fargate_windows_needs_one_vcpu() {
    let doc = with(
        with(fargate(), "/memory", json!("1024")),
        "/runtimePlatform",
        json!({"operatingSystemFamily": "WINDOWS_SERVER_2019_CORE"}),
    );
    let doc = with(doc, "/cpu", json!("512"));
    assert_error(&doc, "memory", "No Fargate configuration exists for given values: 512 CPU, 1024 memory. See the Amazon ECS documentation for the valid values.");
}

#[test]
fn fargate_unsupported_settings() {
    assert_error_prefix(
        &with(fargate(), "/containerDefinitions/0/privileged", json!(true)),
        "containerDefinitions[0].privileged",
        "privileged is not supported on Fargate",
    );
    assert_valid(&with(
        fargate(),
        "/containerDefinitions/0/privileged",
        json!(false),
    ));
    assert_error_prefix(
        &with(
            fargate(),
            "/containerDefinitions/0/dnsServers",
            json!(["10.0.0.2"]),
        ),
        "containerDefinitions[0].dnsServers",
        "dnsServers is not supported on Fargate",
    );
    assert_error_prefix(
        &with(
            fargate(),
            "/containerDefinitions/0/linuxParameters",
            json!({"devices": [{"hostPath": "/dev/xvdb"}]}),
        ),
        "containerDefinitions[0].linuxParameters.devices",
        "linuxParameters.devices is not supported on Fargate",
    );
    assert_error_prefix(
        &with(
            fargate(),
            "/containerDefinitions/0/linuxParameters",
            json!({"capabilities": {"add": ["NET_ADMIN"]}}),
        ),
        "containerDefinitions[0].linuxParameters.capabilities.add[0]",
        "Tasks on Fargate only support adding the SYS_PTRACE",
    );
    assert_valid(&with(
        fargate(),
        "/containerDefinitions/0/linuxParameters",
        json!({"capabilities": {"add": ["SYS_PTRACE"]}, "initProcessEnabled": true}),
    ));
    assert_error_prefix(
        &with(fargate(), "/pidMode", json!("host")),
        "pidMode",
        "pidMode 'host' is not supported on Fargate",
    );
    assert_valid(&with(fargate(), "/pidMode", json!("task")));
    assert_error_prefix(
        &with(fargate(), "/ipcMode", json!("task")),
        "ipcMode",
        "ipcMode is not supported",
    );
    let doc = with(
        fargate(),
        "/placementConstraints",
        json!([{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}]),
    );
    assert_error(
        &doc,
        "placementConstraints",
        "Placement constraints are not supported with FARGATE launch type.",
    );
}

#[test]
fn fargate_volumes() {
    let doc = with(
        fargate(),
        "/volumes",
        json!([{"name": "data", "host": {"sourcePath": "/var/data"}}]),
    );
    assert_error(
        &doc,
        "volumes[0].host.sourcePath",
        "Fargate compatible task definitions do not support sourcePath",
    );
    let doc = with(
        fargate(),
        "/volumes",
        json!([{"name": "data", "dockerVolumeConfiguration": {"scope": "task"}}]),
    );
    assert_error(
        &doc,
        "volumes[0].dockerVolumeConfiguration",
        "Fargate compatible task definitions do not support dockerVolumeConfiguration",
    );
    assert_valid(&with(fargate(), "/volumes", json!([{"name": "scratch"}])));
}

#[test]
fn fargate_log_drivers_and_execution_role() {
    let doc = with(
        fargate(),
        "/containerDefinitions/0/logConfiguration",
        json!({"logDriver": "gelf"}),
    );
    assert_error(
        &doc,
        "containerDefinitions[0].logConfiguration.logDriver",
        "gelf is not a valid log driver. Fargate supports awslogs, splunk and awsfirelens.",
    );
    assert_valid(&with(
        ec2(),
        "/containerDefinitions/0/logConfiguration",
        json!({"logDriver": "gelf"}),
    ));
    let doc = without(fargate(), "/executionRoleArn");
    assert_error(&doc, "containerDefinitions[0].logConfiguration.logDriver", "Fargate requires task definition to have execution role ARN to support log driver awslogs.");
}

#[test]
fn fargate_stop_timeout_range() {
    let doc = with(fargate(), "/containerDefinitions/0/stopTimeout", json!(121));
    assert_error(&doc, "containerDefinitions[0].stopTimeout", "Invalid 'stopTimeout' setting for container 'app'. On Fargate the stop timeout must be between 2 and 120 seconds.");
    assert_valid(&with(
        fargate(),
        "/containerDefinitions/0/stopTimeout",
        json!(120),
    ));
    // Not a Fargate definition: allowed, but FARGATE drops out of compatibilities.
    let doc = with(
        with(ec2(), "/networkMode", json!("awsvpc")),
        "/cpu",
        json!("256"),
    );
    let doc = with(
        with(doc, "/memory", json!("512")),
        "/containerDefinitions/0/stopTimeout",
        json!(300),
    );
    let doc = without(doc, "/containerDefinitions/0/portMappings/0/hostPort");
    let spec = assert_valid(&doc);
    assert_eq!(spec.compatibilities, vec![Compatibility::Ec2]);
}

#[test]
fn compatibilities_follow_fargate_validity() {
    let doc = without(fargate(), "/requiresCompatibilities");
    assert_eq!(
        assert_valid(&doc).compatibilities,
        vec![Compatibility::Ec2, Compatibility::Fargate]
    );
    let doc = with(doc, "/containerDefinitions/0/privileged", json!(true));
    assert_eq!(assert_valid(&doc).compatibilities, vec![Compatibility::Ec2]);
    let doc = with(ec2(), "/requiresCompatibilities", json!(["EXTERNAL"]));
    assert_eq!(
        assert_valid(&doc).compatibilities,
        vec![Compatibility::External, Compatibility::Ec2]
    );
}

#[test]
fn external_rules() {
    let doc = with(
        with(ec2(), "/requiresCompatibilities", json!(["EXTERNAL"])),
        "/networkMode",
        json!("awsvpc"),
    );
    let doc = without(doc, "/containerDefinitions/0/portMappings/0/hostPort");
    assert_error(
        &doc,
        "networkMode",
        "The EXTERNAL launch type does not support network mode 'awsvpc'.",
    );
}

// ---- enums ----

#[test]
fn enum_members_are_checked() {
    assert_error(
        &with(ec2(), "/networkMode", json!("nat")),
        "networkMode",
        "1 validation error detected: Value 'nat' at 'networkMode' failed to satisfy constraint: Member must satisfy enum value set: [bridge, host, awsvpc, none]",
    );
    assert_error_prefix(
        &with(ec2(), "/requiresCompatibilities", json!(["EC2", "LAMBDA"])),
        "requiresCompatibilities[1]",
        "1 validation error detected: Value 'LAMBDA'",
    );
    assert_error_prefix(
        &with(ec2(), "/pidMode", json!("shared")),
        "pidMode",
        "1 validation error detected",
    );
    assert_error_prefix(
        &with(ec2(), "/ipcMode", json!("shared")),
        "ipcMode",
        "1 validation error detected",
    );
    assert_error_prefix(
        &with(
            ec2(),
            "/runtimePlatform",
            json!({"operatingSystemFamily": "MACOS"}),
        ),
        "runtimePlatform.operatingSystemFamily",
        "1 validation error detected",
    );
    assert_error_prefix(
        &with(
            ec2(),
            "/runtimePlatform",
            json!({"cpuArchitecture": "RISCV"}),
        ),
        "runtimePlatform.cpuArchitecture",
        "1 validation error detected",
    );
    assert_error(
        &with(
            ec2(),
            "/runtimePlatform",
            json!({"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE", "cpuArchitecture": "ARM64"}),
        ),
        "runtimePlatform.cpuArchitecture",
        "Windows operating system families only support the X86_64 CPU architecture.",
    );
    assert_error_prefix(
        &with(
            ec2(),
            "/containerDefinitions/0/portMappings/0/protocol",
            json!("sctp"),
        ),
        "containerDefinitions[0].portMappings[0].protocol",
        "1 validation error detected",
    );
    assert_error_prefix(
        &with(
            ec2(),
            "/containerDefinitions/0/ulimits",
            json!([{"name": "files", "softLimit": 1, "hardLimit": 2}]),
        ),
        "containerDefinitions[0].ulimits[0].name",
        "1 validation error detected",
    );
}

// ---- network mode specifics ----

#[test]
fn awsvpc_and_host_ports_must_match() {
    let doc = with(ec2(), "/networkMode", json!("awsvpc"));
    assert_error(
        &doc,
        "containerDefinitions[0].portMappings[0].hostPort",
        "When networkMode=awsvpc, the host ports and container ports in port mappings must match.",
    );
    let doc = with(ec2(), "/networkMode", json!("host"));
    assert_error(
        &doc,
        "containerDefinitions[0].portMappings[0].hostPort",
        "When networkMode=host, the host ports and container ports in port mappings must match.",
    );
    let doc = without(
        with(ec2(), "/networkMode", json!("awsvpc")),
        "/containerDefinitions/0/portMappings/0/hostPort",
    );
    assert_valid(&doc);
}

#[test]
fn port_ranges_and_none_mode() {
    let doc = with(
        ec2(),
        "/containerDefinitions/0/portMappings/0/containerPort",
        json!(70000),
    );
    assert_error(
        &doc,
        "containerDefinitions[0].portMappings[0].containerPort",
        "Invalid 'containerPort' setting for container 'app'. Valid ports are between 0 and 65535.",
    );
    let doc = with(
        ec2(),
        "/containerDefinitions/0/portMappings/0/hostPort",
        json!(-1),
    );
    assert_error(
        &doc,
        "containerDefinitions[0].portMappings[0].hostPort",
        "Invalid 'hostPort' setting for container 'app'. Valid ports are between 0 and 65535.",
    );
    let doc = with(ec2(), "/networkMode", json!("none"));
    assert_error(
        &doc,
        "containerDefinitions[0].portMappings",
        "Port mappings are not supported when networkMode=none.",
    );
    let doc = with(
        ec2(),
        "/containerDefinitions/0/portMappings/0",
        json!({"containerPortRange": "9000-8000"}),
    );
    assert_error_prefix(
        &doc,
        "containerDefinitions[0].portMappings[0].containerPortRange",
        "Invalid 'containerPortRange' setting",
    );
    assert_valid(&with(
        ec2(),
        "/containerDefinitions/0/portMappings/0",
        json!({"containerPortRange": "8000-8100"}),
    ));
    let doc = with(
        ec2(),
        "/containerDefinitions/0/portMappings/0/name",
        json!("-Web"),
    );
    assert_error_prefix(
        &doc,
        "containerDefinitions[0].portMappings[0].name",
        "Invalid port mapping name '-Web'",
    );
}

#[test]
fn hostname_and_extra_hosts_not_with_awsvpc() {
    let doc = without(
        with(ec2(), "/networkMode", json!("awsvpc")),
        "/containerDefinitions/0/portMappings/0/hostPort",
    );
    assert_error(
        &with(
            doc.clone(),
            "/containerDefinitions/0/hostname",
            json!("web"),
        ),
        "containerDefinitions[0].hostname",
        "hostname is not supported on container when networkMode=awsvpc.",
    );
    assert_error(
        &with(
            doc,
            "/containerDefinitions/0/extraHosts",
            json!([{"hostname": "a", "ipAddress": "10.0.0.1"}]),
        ),
        "containerDefinitions[0].extraHosts",
        "extraHosts is not supported on container when networkMode=awsvpc.",
    );
    assert_valid(&with(
        ec2(),
        "/containerDefinitions/0/hostname",
        json!("web"),
    ));
}

#[test]
fn links_only_in_bridge_mode_and_to_existing_containers() {
    assert_valid(&with(
        ec2(),
        "/containerDefinitions/0/links",
        json!(["sidecar:side"]),
    ));
    let doc = without(
        with(ec2(), "/networkMode", json!("awsvpc")),
        "/containerDefinitions/0/portMappings/0/hostPort",
    );
    assert_error(
        &with(doc, "/containerDefinitions/0/links", json!(["sidecar"])),
        "containerDefinitions[0].links",
        "Links are not supported when networkMode=awsvpc.",
    );
    let doc = with(
        ec2(),
        "/containerDefinitions/0/links",
        json!(["db:database"]),
    );
    assert_error(&doc, "containerDefinitions[0].links[0]", "Invalid link 'db:database' in container 'app': container 'db' does not exist in the task definition.");
}

// ---- health checks and dependencies ----

#[test]
fn health_check_ranges() {
    let base = with(
        ec2(),
        "/containerDefinitions/0/healthCheck",
        json!({"command": ["CMD", "true"]}),
    );
    for (member, bad, text) in [
        (
            "interval",
            4,
            "healthCheck 'interval' must be between 5 and 300 seconds; got 4.",
        ),
        (
            "interval",
            301,
            "healthCheck 'interval' must be between 5 and 300 seconds; got 301.",
        ),
        (
            "timeout",
            1,
            "healthCheck 'timeout' must be between 2 and 60 seconds; got 1.",
        ),
        (
            "timeout",
            61,
            "healthCheck 'timeout' must be between 2 and 60 seconds; got 61.",
        ),
        (
            "retries",
            0,
            "healthCheck 'retries' must be between 1 and 10; got 0.",
        ),
        (
            "retries",
            11,
            "healthCheck 'retries' must be between 1 and 10; got 11.",
        ),
        (
            "startPeriod",
            -1,
            "healthCheck 'startPeriod' must be between 0 and 300 seconds; got -1.",
        ),
        (
            "startPeriod",
            301,
            "healthCheck 'startPeriod' must be between 0 and 300 seconds; got 301.",
        ),
    ] {
        let doc = with(
            base.clone(),
            &format!("/containerDefinitions/0/healthCheck/{member}"),
            json!(bad),
        );
        assert_error(
            &doc,
            &format!("containerDefinitions[0].healthCheck.{member}"),
            &format!("Invalid setting for container 'app'. {text}"),
        );
    }
    let doc = with(
        base.clone(),
        "/containerDefinitions/0/healthCheck/command",
        json!(["curl", "-f", "localhost"]),
    );
    assert_error(&doc, "containerDefinitions[0].healthCheck.command", "Invalid setting for container 'app'. The healthCheck command must start with CMD or CMD-SHELL.");
    let doc = with(
        base,
        "/containerDefinitions/0/healthCheck/command",
        json!([]),
    );
    assert_error(
        &doc,
        "containerDefinitions[0].healthCheck.command",
        "HealthCheck.command should not be null or empty.",
    );
}

#[test]
fn depends_on_rules() {
    let doc = with(
        ec2(),
        "/containerDefinitions/0/dependsOn",
        json!([{"containerName": "db", "condition": "START"}]),
    );
    assert_error(
        &doc,
        "containerDefinitions[0].dependsOn[0].containerName",
        "Cannot depend on container + 'db' because it does not exist",
    );
    let doc = with(
        ec2(),
        "/containerDefinitions/0/dependsOn",
        json!([{"containerName": "sidecar", "condition": "READY"}]),
    );
    assert_error_prefix(
        &doc,
        "containerDefinitions[0].dependsOn[0].condition",
        "1 validation error detected: Value 'READY'",
    );
    let doc = with(
        ec2(),
        "/containerDefinitions/0/dependsOn",
        json!([{"containerName": "sidecar", "condition": "HEALTHY"}]),
    );
    assert_error(&doc, "containerDefinitions[0].dependsOn[0].condition", "Container 'app' depends on container 'sidecar' being HEALTHY, but 'sidecar' has no healthCheck.");
    assert_valid(&with(
        doc,
        "/containerDefinitions/1/healthCheck",
        json!({"command": ["CMD", "true"]}),
    ));
    let doc = with(
        ec2(),
        "/containerDefinitions/1/dependsOn",
        json!([{"containerName": "app", "condition": "SUCCESS"}]),
    );
    assert_error(
        &doc,
        "containerDefinitions[1].dependsOn[0].condition",
        "The SUCCESS dependency condition can't be set on essential container 'app'.",
    );
    assert_valid(&with(
        ec2(),
        "/containerDefinitions/0/dependsOn",
        json!([{"containerName": "sidecar", "condition": "COMPLETE"}]),
    ));
    let doc = with(
        ec2(),
        "/containerDefinitions/0/dependsOn",
        json!([{"containerName": "sidecar", "condition": "START"}]),
    );
    let doc = with(
        doc,
        "/containerDefinitions/1/dependsOn",
        json!([{"containerName": "app", "condition": "START"}]),
    );
    assert_error(
        &doc,
        "containerDefinitions[0].dependsOn",
        "Container 'app' has a circular dependency in dependsOn.",
    );
}

// ---- volumes and mounts ----

#[test]
fn volume_names_and_mounts() {
    let doc = with(
        ec2(),
        "/volumes",
        json!([{"name": "data"}, {"name": "data"}]),
    );
    assert_error(&doc, "volumes[1].name", "Volume name 'data' is used more than once. Volume names must be unique within a Task Definition.");
    let doc = with(ec2(), "/volumes", json!([{"name": "da ta"}]));
    assert_error(
        &doc,
        "volumes[0].name",
        "Volume.name contains invalid characters.",
    );
    let doc = with(
        ec2(),
        "/containerDefinitions/0/mountPoints",
        json!([{"sourceVolume": "logs", "containerPath": "/logs"}]),
    );
    assert_error(&doc, "containerDefinitions[0].mountPoints[0].sourceVolume", "Invalid mount point in container 'app': volume 'logs' is not defined in the task definition's volumes.");
    assert_valid(&with(doc, "/volumes", json!([{"name": "logs"}])));
    let doc = with(
        ec2(),
        "/containerDefinitions/0/volumesFrom",
        json!([{"sourceContainer": "ghost"}]),
    );
    assert_error(&doc, "containerDefinitions[0].volumesFrom[0].sourceContainer", "Invalid volumesFrom in container 'app': container 'ghost' does not exist in the task definition.");
    assert_valid(&with(
        ec2(),
        "/containerDefinitions/0/volumesFrom",
        json!([{"sourceContainer": "sidecar"}]),
    ));
}

#[test]
fn efs_rules() {
    let efs = |config: Value| {
        with(
            ec2(),
            "/volumes",
            json!([{"name": "shared", "efsVolumeConfiguration": config}]),
        )
    };
    assert_error(
        &efs(json!({})),
        "volumes[0].efsVolumeConfiguration.fileSystemId",
        "EFSVolumeConfiguration.fileSystemId should not be null or empty.",
    );
    let doc =
        efs(json!({"fileSystemId": "fs-1", "authorizationConfig": {"accessPointId": "fsap-1"}}));
    assert_error(&doc, "volumes[0].efsVolumeConfiguration.authorizationConfig", "Transit encryption must be enabled in the EFSVolumeConfiguration when an EFS access point is used.");
    let doc = efs(
        json!({"fileSystemId": "fs-1", "transitEncryption": "DISABLED", "authorizationConfig": {"iam": "ENABLED"}}),
    );
    assert_error(&doc, "volumes[0].efsVolumeConfiguration.authorizationConfig.iam", "Transit encryption must be enabled in the EFSVolumeConfiguration when EFS IAM authorization is enabled.");
    let doc = efs(
        json!({"fileSystemId": "fs-1", "transitEncryption": "ENABLED", "rootDirectory": "/data", "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"}}),
    );
    assert_error(&doc, "volumes[0].efsVolumeConfiguration.rootDirectory", "When using an EFS access point, the root directory must either be set to \"/\" or be omitted.");
    assert_error_prefix(
        &efs(json!({"fileSystemId": "fs-1", "transitEncryption": "YES"})),
        "volumes[0].efsVolumeConfiguration.transitEncryption",
        "1 validation error detected",
    );
    let spec = assert_valid(&efs(
        json!({"fileSystemId": "fs-1", "transitEncryption": "ENABLED", "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"}}),
    ));
    assert_eq!(
        spec.volumes[0].kind,
        VolumeKind::Efs {
            file_system_id: "fs-1".into(),
            access_point_id: Some("fsap-1".into()),
            transit_encryption: true
        }
    );
}

// ---- secrets and logging ----

#[test]
fn secrets_need_execution_role() {
    let doc = with(
        ec2(),
        "/containerDefinitions/0/secrets",
        json!([{"name": "DB", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db"}]),
    );
    assert_error(&doc, "containerDefinitions[0].secrets", "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
    let spec = assert_valid(&with(
        doc,
        "/executionRoleArn",
        json!("ecsTaskExecutionRole"),
    ));
    assert!(spec.containers[0].has_secrets);
    let doc = with(
        ec2(),
        "/containerDefinitions/0/logConfiguration",
        json!({"logDriver": "splunk", "secretOptions": [{"name": "token", "valueFrom": "arn"}]}),
    );
    assert_error(&doc, "containerDefinitions[0].logConfiguration.secretOptions", "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
}

#[test]
fn logging_rules() {
    let doc = with(
        ec2(),
        "/containerDefinitions/0/logConfiguration",
        json!({"logDriver": "awslogs", "options": {"awslogs-group": "g"}}),
    );
    assert_error(
        &doc,
        "containerDefinitions[0].logConfiguration.options",
        "Log driver awslogs requires options: awslogs-region",
    );
    let doc = with(
        ec2(),
        "/containerDefinitions/0/logConfiguration",
        json!({"logDriver": "awsfirelens"}),
    );
    assert_error(&doc, "containerDefinitions[0].logConfiguration.logDriver", "Container 'app' uses the awsfirelens log driver, but no container in the task definition has a firelensConfiguration.");
    assert_valid(&with(
        doc,
        "/containerDefinitions/1/firelensConfiguration",
        json!({"type": "fluentbit"}),
    ));
}

// ---- placement, ulimits, tags, misc ----

#[test]
fn placement_constraint_rules() {
    let constraint =
        json!({"type": "memberOf", "expression": "attribute:ecs.instance-type == t3.small"});
    assert_valid(&with(
        ec2(),
        "/placementConstraints",
        json!([constraint.clone()]),
    ));
    let eleven: Vec<Value> = (0..11).map(|_| constraint.clone()).collect();
    assert_error_prefix(
        &with(ec2(), "/placementConstraints", json!(eleven)),
        "placementConstraints",
        "Too many placement constraints",
    );
    let doc = with(
        ec2(),
        "/placementConstraints",
        json!([{"type": "distinctInstance"}]),
    );
    assert_error(
        &doc,
        "placementConstraints[0].type",
        "constraint.type 'distinctInstance' is not supported.",
    );
    let doc = with(
        ec2(),
        "/placementConstraints",
        json!([{"type": "memberOf"}]),
    );
    assert_error(
        &doc,
        "placementConstraints[0].expression",
        "constraint.expression should not be null or empty.",
    );
    let doc = with(
        ec2(),
        "/placementConstraints",
        json!([{"type": "memberOf", "expression": "a".repeat(2001)}]),
    );
    assert_error_prefix(
        &doc,
        "placementConstraints[0].expression",
        "constraint.expression is too long",
    );
}

#[test]
fn ulimit_rules() {
    let doc = with(
        ec2(),
        "/containerDefinitions/0/ulimits",
        json!([{"name": "nofile", "softLimit": 10, "hardLimit": 5}]),
    );
    assert_error(
        &doc,
        "containerDefinitions[0].ulimits[0].softLimit",
        "Invalid ulimit in container 'app': softLimit (10) cannot be greater than hardLimit (5).",
    );
    let doc = with(
        fargate(),
        "/containerDefinitions/0/ulimits",
        json!([{"name": "nofile", "softLimit": 1024, "hardLimit": 2_000_000}]),
    );
    assert_error_prefix(
        &doc,
        "containerDefinitions[0].ulimits[0].hardLimit",
        "The nofile ulimit on Fargate can be at most 1048576",
    );
}

#[test]
fn tag_and_storage_rules() {
    let doc = with(ec2(), "/tags", json!([{"key": "aws:owner", "value": "x"}]));
    assert_error(
        &doc,
        "tags[0].key",
        "Tag keys starting with 'aws:' are reserved for AWS use.",
    );
    let doc = with(ec2(), "/tags", json!([{"key": "a"}, {"key": "a"}]));
    assert_error(
        &doc,
        "tags[1].key",
        "Duplicate tag key 'a': each tag key must be unique.",
    );
    let doc = with(fargate(), "/ephemeralStorage", json!({"sizeInGiB": 20}));
    assert_error(&doc, "ephemeralStorage.sizeInGiB", "Invalid 'ephemeralStorage.sizeInGiB' setting for task. Supported values are between 21 and 200 GiB.");
    assert_valid(&with(
        fargate(),
        "/ephemeralStorage",
        json!({"sizeInGiB": 21}),
    ));
    let doc = with(
        ec2(),
        "/proxyConfiguration",
        json!({"type": "APPMESH", "containerName": "envoy"}),
    );
    assert_error(
        &doc,
        "proxyConfiguration.containerName",
        "The proxy configuration container 'envoy' does not exist in the task definition.",
    );
}

#[test]
fn null_values_mean_absent() {
    let doc = with(
        with(with(ec2(), "/cpu", Value::Null), "/memory", Value::Null),
        "/networkMode",
        Value::Null,
    );
    let doc = with(doc, "/containerDefinitions/0/essential", Value::Null);
    let spec = assert_valid(&doc);
    assert!(spec.containers[0].essential);
    assert_eq!(spec.network_mode, NetworkMode::Bridge);
}
