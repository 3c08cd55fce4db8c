//! Fargate rules: the task CPU/memory table, awsvpc, and the settings Fargate does not support. The same list
//! decides whether FARGATE appears in `compatibilities` for a definition that did not require it.

use serde_json::{Map, Value};

use super::access::{
    at, bool_of, int_of, join, list_of, obj_of, objects_of, str_of, strings_of, Problems,
};
use super::task::Task;
use super::types::{FieldError, NetworkMode};

/// The memory values (MiB) Fargate allows for one CPU size.
#[derive(Clone, Copy, Debug)]
pub enum MemoryChoices {
    List(&'static [u32]),
    /// `min..=max` in steps of `step`.
    Range {
        min: u32,
        max: u32,
        step: u32,
    },
}

impl MemoryChoices {
    // `is_multiple_of` needs Rust 1.87; the workspace supports 1.85.
    #[allow(clippy::manual_is_multiple_of)]
    pub fn allows(self, memory_mib: u32) -> bool {
        match self {
            MemoryChoices::List(values) => values.contains(&memory_mib),
            MemoryChoices::Range { min, max, step } => {
                memory_mib >= min && memory_mib <= max && step > 0 && (memory_mib - min) % step == 0
            }
        }
    }
}

/// One row of the Fargate task size table (model doc of `RegisterTaskDefinitionRequest.memory`).
#[derive(Clone, Copy, Debug)]
pub struct FargateSize {
    pub cpu_units: u32,
    pub memory: MemoryChoices,
    /// Windows containers on Fargate need at least 1 vCPU and run on the 1, 2 and 4 vCPU sizes only.
    pub windows: bool,
}

pub const FARGATE_SIZES: &[FargateSize] = &[
    FargateSize {
        cpu_units: 256,
        memory: MemoryChoices::List(&[512, 1024, 2048]),
        windows: false,
    },
    FargateSize {
        cpu_units: 512,
        memory: MemoryChoices::List(&[1024, 2048, 3072, 4096]),
        windows: false,
    },
    FargateSize {
        cpu_units: 1024,
        memory: MemoryChoices::Range {
            min: 2048,
            max: 8192,
            step: 1024,
        },
        windows: true,
    },
    FargateSize {
        cpu_units: 2048,
        memory: MemoryChoices::Range {
            min: 4096,
            max: 16384,
            step: 1024,
        },
        windows: true,
    },
    FargateSize {
        cpu_units: 4096,
        memory: MemoryChoices::Range {
            min: 8192,
            max: 30720,
            step: 1024,
        },
        windows: true,
    },
    FargateSize {
        cpu_units: 8192,
        memory: MemoryChoices::Range {
            min: 16384,
            max: 61440,
            step: 4096,
        },
        windows: false,
    },
    FargateSize {
        cpu_units: 16384,
        memory: MemoryChoices::Range {
            min: 32768,
            max: 122880,
            step: 8192,
        },
        windows: false,
    },
];

/// True when Fargate has a task size with this CPU and memory (for Linux, or for Windows when `windows`).
pub fn fargate_size_exists(cpu_units: u32, memory_mib: u32, windows: bool) -> bool {
    FARGATE_SIZES.iter().any(|size| {
        size.cpu_units == cpu_units && size.memory.allows(memory_mib) && (!windows || size.windows)
    })
}

/// Log drivers Fargate supports (model doc of `LogConfiguration.logDriver`).
pub const FARGATE_LOG_DRIVERS: &[&str] = &["awslogs", "splunk", "awsfirelens"];
/// Largest `stopTimeout` on Fargate, seconds, and the smallest.
pub const FARGATE_STOP_TIMEOUT_S: (i64, i64) = (2, 120);
/// Largest `nofile` ulimit on Fargate.
pub const FARGATE_MAX_NOFILE: i64 = 1_048_576;

/// Container list members Fargate does not support when non-empty (ECSDG AWS_Fargate.md). `links` is left to the
/// awsvpc rule; `systemControls` is supported on Fargate per the current API model.
const UNSUPPORTED_CONTAINER_LISTS: &[&str] = &[
    "dnsSearchDomains",
    "dnsServers",
    "dockerSecurityOptions",
    "extraHosts",
];
/// Container booleans Fargate does not support when true.
const UNSUPPORTED_CONTAINER_FLAGS: &[&str] = &["privileged", "disableNetworking"];
/// `linuxParameters` members Fargate does not support (model doc of `LinuxParameters`).
const UNSUPPORTED_LINUX_PARAMETERS: &[&str] =
    &["devices", "sharedMemorySize", "maxSwap", "swappiness"];

/// Everything that makes this definition invalid for Fargate. Empty when Fargate can run it.
pub fn problems(task: &Task) -> Vec<FieldError> {
    let mut problems = Problems::default();
    check_network_and_size(task, &mut problems);
    check_task_settings(task, &mut problems);
    for (index, container) in &task.containers {
        check_container(
            task,
            container,
            &at("containerDefinitions", *index),
            &mut problems,
        );
    }
    check_volumes(task, &mut problems);
    problems.errors
}

fn check_network_and_size(task: &Task, problems: &mut Problems) {
    if task.network_mode != Some(NetworkMode::Awsvpc) {
        // Verified (aws/amazon-ecs-cli#1145), with AWS's curly quotes.
        problems.add(
            "networkMode",
            "Fargate only supports network mode \u{2018}awsvpc\u{2019}.",
        );
    }
    let cpu = task.cpu_units;
    let memory = task.memory_mib;
    if !task.input.contains_key("cpu") {
        // Verified (EXPECTED.md #22).
        problems.add(
            "cpu",
            "Fargate requires that 'cpu' be defined at the task level.",
        );
    }
    if !task.input.contains_key("memory") {
        // Follows the verified cpu text.
        problems.add(
            "memory",
            "Fargate requires that 'memory' be defined at the task level.",
        );
    }
    if let (Some(cpu_units), Some(memory_mib)) = (cpu, memory) {
        if !fargate_size_exists(cpu_units, memory_mib, task.is_windows()) {
            // Point at memory when the CPU size exists (the memory is what does not fit), else at cpu.
            let path = if FARGATE_SIZES.iter().any(|s| s.cpu_units == cpu_units) {
                "memory"
            } else {
                "cpu"
            };
            // Verified (EXPECTED.md #1).
            problems.add(
                path,
                format!(
                    "No Fargate configuration exists for given values: {cpu_units} CPU, {memory_mib} memory. \
                     See the Amazon ECS documentation for the valid values."
                ),
            );
        }
    } else {
        // Unparseable values (also reported by the general task-size rule): Fargate cannot use them either.
        if cpu.is_none() && task.input.contains_key("cpu") {
            problems.add("cpu", "Invalid 'cpu' setting for task.");
        }
        if memory.is_none() && task.input.contains_key("memory") {
            problems.add("memory", "Invalid 'memory' setting for task.");
        }
    }
}

/// Task-level settings Fargate does not support. Wording unverified unless noted.
fn check_task_settings(task: &Task, problems: &mut Problems) {
    if str_of(task.input, "pidMode") == Some("host")
        || (task.is_windows() && task.input.contains_key("pidMode"))
    {
        problems.add(
            "pidMode",
            "pidMode 'host' is not supported on Fargate; the only valid value is 'task'.",
        );
    }
    if task.input.contains_key("ipcMode") {
        problems.add(
            "ipcMode",
            "ipcMode is not supported for tasks run on Fargate.",
        );
    }
    if !list_of(task.input, "placementConstraints").is_empty() {
        // Follows the verified CreateService text "Placement constraints are not supported with FARGATE launch type."
        problems.add(
            "placementConstraints",
            "Placement constraints are not supported with FARGATE launch type.",
        );
    }
    if !list_of(task.input, "inferenceAccelerators").is_empty() {
        problems.add(
            "inferenceAccelerators",
            "Elastic Inference accelerators are not supported on Fargate.",
        );
    }
}

fn check_container(
    task: &Task,
    container: &Map<String, Value>,
    path: &str,
    problems: &mut Problems,
) {
    let name = str_of(container, "name").unwrap_or("");
    for member in UNSUPPORTED_CONTAINER_LISTS {
        let left_to_awsvpc_rule =
            task.network_mode == Some(NetworkMode::Awsvpc) && *member == "extraHosts";
        if !list_of(container, member).is_empty() && !left_to_awsvpc_rule {
            // Wording unverified. (extraHosts with awsvpc is reported by the awsvpc rule.)
            problems.add(
                join(path, member),
                format!("{member} is not supported on Fargate (container '{name}')."),
            );
        }
    }
    for member in UNSUPPORTED_CONTAINER_FLAGS {
        if bool_of(container, member) == Some(true) {
            problems.add(
                join(path, member),
                format!("{member} is not supported on Fargate (container '{name}')."),
            );
        }
    }
    for (index, requirement) in objects_of(container, "resourceRequirements") {
        if str_of(requirement, "type") == Some("GPU") {
            problems.add(
                join(&at(&join(path, "resourceRequirements"), index), "type"),
                format!(
                    "GPU resource requirements are not supported on Fargate (container '{name}')."
                ),
            );
        }
    }
    if let Some(linux) = obj_of(container, "linuxParameters") {
        let linux_path = join(path, "linuxParameters");
        for member in UNSUPPORTED_LINUX_PARAMETERS {
            let present = match linux.get(*member) {
                Some(Value::Array(items)) => !items.is_empty(),
                Some(_) => true,
                None => false,
            };
            if present {
                problems.add(join(&linux_path, member), format!("linuxParameters.{member} is not supported on Fargate (container '{name}')."));
            }
        }
        if let Some(capabilities) = obj_of(linux, "capabilities") {
            for (index, capability) in strings_of(capabilities, "add") {
                if capability != "SYS_PTRACE" {
                    problems.add(
                        at(&join(&linux_path, "capabilities.add"), index),
                        format!("Tasks on Fargate only support adding the SYS_PTRACE kernel capability, not '{capability}'."),
                    );
                }
            }
        }
    }
    if let Some(log) = obj_of(container, "logConfiguration") {
        let log_path = join(path, "logConfiguration");
        match str_of(log, "logDriver") {
            Some(driver) if !FARGATE_LOG_DRIVERS.contains(&driver) => {
                // "gelf is not a valid log driver" is verified (aws/containers-roadmap#669); the list after it is ours.
                problems.add(
                    join(&log_path, "logDriver"),
                    format!("{driver} is not a valid log driver. Fargate supports awslogs, splunk and awsfirelens."),
                );
            }
            Some("awslogs") if !task.has_execution_role => {
                // Verified (virtual-kubelet/virtual-kubelet#193).
                problems.add(
                    join(&log_path, "logDriver"),
                    "Fargate requires task definition to have execution role ARN to support log driver awslogs.",
                );
            }
            _ => {}
        }
    }
    if let Some(timeout) = int_of(container, "stopTimeout") {
        let (min, max) = FARGATE_STOP_TIMEOUT_S;
        if timeout < min || timeout > max {
            problems.add(
                join(path, "stopTimeout"),
                format!("Invalid 'stopTimeout' setting for container '{name}'. On Fargate the stop timeout must be between {min} and {max} seconds."),
            );
        }
    }
    for (index, ulimit) in objects_of(container, "ulimits") {
        if str_of(ulimit, "name") == Some("nofile")
            && int_of(ulimit, "hardLimit").is_some_and(|h| h > FARGATE_MAX_NOFILE)
        {
            problems.add(
                join(&at(&join(path, "ulimits"), index), "hardLimit"),
                format!("The nofile ulimit on Fargate can be at most {FARGATE_MAX_NOFILE} (container '{name}')."),
            );
        }
    }
    if let Some(options) =
        obj_of(container, "firelensConfiguration").and_then(|f| obj_of(f, "options"))
    {
        if str_of(options, "config-file-type") == Some("s3") {
            problems.add(
                join(path, "firelensConfiguration.options.config-file-type"),
                "Tasks hosted on Fargate only support the file configuration file type.",
            );
        }
    }
}

fn check_volumes(task: &Task, problems: &mut Problems) {
    for (index, volume) in objects_of(task.input, "volumes") {
        let path = at("volumes", index);
        if obj_of(volume, "host")
            .and_then(|h| str_of(h, "sourcePath"))
            .is_some_and(|p| !p.is_empty())
        {
            // Verified (EXPECTED.md #26).
            problems.add(
                join(&path, "host.sourcePath"),
                "Fargate compatible task definitions do not support sourcePath",
            );
        }
        for member in [
            "dockerVolumeConfiguration",
            "fsxWindowsFileServerVolumeConfiguration",
        ] {
            if volume.contains_key(member) {
                // Wording unverified (follows the sourcePath text).
                problems.add(
                    join(&path, member),
                    format!("Fargate compatible task definitions do not support {member}"),
                );
            }
        }
    }
}
