//! The typed task definition the engine runs: what registration keeps after validation.

use serde_json::Value;

/// One problem found in a task definition or a request: the JSON path of the field and AWS's wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path from the document root, e.g. `containerDefinitions[0].memory` (`$` for the whole document).
    pub path: String,
    /// The message as AWS's `ClientException` words it where AWS has one.
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NetworkMode {
    Bridge,
    Host,
    Awsvpc,
    None,
}

impl NetworkMode {
    pub fn as_aws(self) -> &'static str {
        match self {
            NetworkMode::Bridge => "bridge",
            NetworkMode::Host => "host",
            NetworkMode::Awsvpc => "awsvpc",
            NetworkMode::None => "none",
        }
    }

    pub fn from_aws(text: &str) -> Option<NetworkMode> {
        match text {
            "bridge" => Some(NetworkMode::Bridge),
            "host" => Some(NetworkMode::Host),
            "awsvpc" => Some(NetworkMode::Awsvpc),
            "none" => Some(NetworkMode::None),
            _ => None,
        }
    }
}

/// `Compatibility` / `LaunchType` in the API model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Compatibility {
    Ec2,
    Fargate,
    External,
    ManagedInstances,
}

impl Compatibility {
    pub fn as_aws(self) -> &'static str {
        match self {
            Compatibility::Ec2 => "EC2",
            Compatibility::Fargate => "FARGATE",
            Compatibility::External => "EXTERNAL",
            Compatibility::ManagedInstances => "MANAGED_INSTANCES",
        }
    }

    pub fn from_aws(text: &str) -> Option<Compatibility> {
        match text {
            "EC2" => Some(Compatibility::Ec2),
            "FARGATE" => Some(Compatibility::Fargate),
            "EXTERNAL" => Some(Compatibility::External),
            "MANAGED_INSTANCES" => Some(Compatibility::ManagedInstances),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TransportProtocol {
    Tcp,
    Udp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortMapping {
    pub container_port: u16,
    /// `None` or `Some(0)` in bridge mode means a dynamic host port from the ephemeral range.
    pub host_port: Option<u16>,
    pub protocol: TransportProtocol,
    pub name: Option<String>,
}

/// A container health check with AWS's defaults filled in (interval 30 s, timeout 5 s, retries 3, startPeriod 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthCheck {
    pub command: Vec<String>,
    pub interval_s: u32,
    pub timeout_s: u32,
    pub retries: u32,
    pub start_period_s: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerDependency {
    pub container_name: String,
    /// START, COMPLETE, SUCCESS or HEALTHY.
    pub condition: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerDefinition {
    pub name: String,
    pub image: String,
    /// Container-level `cpu` units (0 when absent).
    pub cpu_units: u32,
    /// Hard limit `memory`, MiB.
    pub memory_mib: Option<u32>,
    /// Soft limit `memoryReservation`, MiB.
    pub memory_reservation_mib: Option<u32>,
    /// `essential`, true when absent.
    pub essential: bool,
    pub port_mappings: Vec<PortMapping>,
    pub health_check: Option<HealthCheck>,
    /// `stopTimeout` in seconds, if set.
    pub stop_timeout_s: Option<u32>,
    pub depends_on: Vec<ContainerDependency>,
    pub links: Vec<String>,
    pub has_secrets: bool,
    /// `logConfiguration.logDriver`, if set.
    pub log_driver: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VolumeKind {
    /// A volume with a name only: a Docker-managed or bind mount on the host (task scoped).
    Empty,
    /// `host.sourcePath`.
    HostPath(String),
    /// `efsVolumeConfiguration` with its file system id.
    Efs { file_system_id: String, access_point_id: Option<String>, transit_encryption: bool },
    /// `dockerVolumeConfiguration`.
    Docker,
    /// `configuredAtLaunch: true` (EBS volumes attached at launch).
    ConfiguredAtLaunch,
    /// FSx for Windows File Server.
    FsxWindows,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub name: String,
    pub kind: VolumeKind,
}

/// A task definition as registered: the typed fields the engine needs, plus the normalized JSON
/// that `DescribeTaskDefinition` returns (without the fields that registration adds).
#[derive(Clone, Debug, PartialEq)]
pub struct TaskDefinitionSpec {
    pub family: String,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    /// `networkMode`; `bridge` when absent (Linux).
    pub network_mode: NetworkMode,
    /// `requiresCompatibilities` as given (may be empty).
    pub requires_compatibilities: Vec<Compatibility>,
    /// The launch types this definition is valid for (`compatibilities` in DescribeTaskDefinition output).
    pub compatibilities: Vec<Compatibility>,
    /// Task-level `cpu` in CPU units (unit strings like `"1 vcpu"` converted).
    pub cpu_units: Option<u32>,
    /// Task-level `memory` in MiB (unit strings like `"2 GB"` converted).
    pub memory_mib: Option<u32>,
    pub containers: Vec<ContainerDefinition>,
    /// `placementConstraints` expressions (type memberOf).
    pub placement_constraint_expressions: Vec<String>,
    pub volumes: Vec<Volume>,
    /// `runtimePlatform.operatingSystemFamily`, `LINUX` when absent.
    pub os_family: String,
    /// `runtimePlatform.cpuArchitecture`, `X86_64` when absent.
    pub cpu_architecture: String,
    /// The request as registered, normalized: the RegisterTaskDefinition input fields only.
    pub input: Value,
}

impl TaskDefinitionSpec {
    /// Memory the task reserves on a container instance, MiB: the task `memory` if set, otherwise the
    /// sum over containers of `memoryReservation` (or `memory` where no reservation is set).
    pub fn reserved_memory_mib(&self) -> u32 {
        if let Some(memory) = self.memory_mib {
            return memory;
        }
        self.containers
            .iter()
            .map(|c| c.memory_reservation_mib.or(c.memory_mib).unwrap_or(0))
            .sum()
    }

    /// CPU units the task reserves on a container instance: the task `cpu` if set, otherwise the sum of container `cpu`.
    pub fn reserved_cpu_units(&self) -> u32 {
        if let Some(cpu) = self.cpu_units {
            return cpu;
        }
        self.containers.iter().map(|c| c.cpu_units).sum()
    }
}
