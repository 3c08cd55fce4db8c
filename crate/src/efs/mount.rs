//! The mount check a task runs for each EFS volume when it starts, in the order the real mount goes:
//! platform support, DNS resolution of the file system (needs an available mount target in the task's
//! AZ), a TCP connection to port 2049 (the mount target's security groups), then the NFS mount itself
//! (access point and root directory).
//!
//! Failure texts follow the EFS mount helper's messages as ECS reports them. Sources: third-party
//! transcripts only (reference §8.1 marks them [UNVERIFIED: third-party only]); each builder below says
//! which were seen verbatim.

use serde_json::Value;

use super::api::DEFAULT_GROUP;
use super::data::scoped_path;
use super::model::*;
use crate::api::ApiError;
use crate::taskdef::TaskDefinitionSpec;

/// One `efsVolumeConfiguration` of a task definition, as the mount needs it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EfsVolumeRequest {
    pub file_system_id: String,
    /// `rootDirectory`; empty or `/` means the file system root (or the access point's path).
    pub root_directory: String,
    pub transit_encryption: bool,
    pub transit_encryption_port: Option<u16>,
    pub access_point_id: Option<String>,
    pub iam_authorization: bool,
}

/// Where the task runs, as far as the mount is concerned.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TaskNetwork {
    pub availability_zone: String,
    /// The task's subnet (awsvpc) or its instance's subnet.
    pub subnet_id: Option<String>,
    /// The security groups of the task ENI (awsvpc) or of the container instance (bridge/host).
    pub security_groups: Vec<String>,
    pub launch_type_fargate: bool,
    /// `platformVersion` for Fargate; `None` means `LATEST`.
    pub platform_version: Option<String>,
}

/// A successful mount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountInfo {
    pub file_system_id: String,
    pub mount_target_id: String,
    pub availability_zone: String,
    /// `fs-xxxx.efs.<region>.amazonaws.com`.
    pub dns_name: String,
    /// The file-system path the task sees as `/` of the volume: use it as `root` for read/write/list.
    pub root: String,
    pub access_point_id: Option<String>,
    /// The identity the access point enforces on every file operation.
    pub posix_user: Option<PosixUser>,
    pub transit_encryption: bool,
    /// With TLS, the local stunnel port (the mount helper picks one in 20049-20449 when not set).
    pub transit_encryption_port: Option<u16>,
    pub iam_authorization: bool,
    /// The access point root directory did not exist and was created from its CreationInfo.
    pub created_root: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountFailureKind {
    /// Fargate platform version before 1.4.0 (an API-time error on RunTask/CreateService in AWS).
    PlatformUnsupported,
    /// The file system DNS name does not resolve: no such file system, not available, or no available
    /// mount target in the task's AZ.
    NotResolvable,
    /// No security group rule on the mount target lets the task reach TCP 2049.
    ConnectionTimedOut,
    /// The access point does not exist or belongs to another file system.
    AccessDenied,
    /// The root directory does not exist (and no access point CreationInfo creates it).
    NoSuchDirectory,
}

/// A failed mount: the task stops with `stopped_reason` (stopCode `TaskFailedToStart`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountFailure {
    pub stopped_reason: String,
    pub kind: MountFailureKind,
}

impl MountFailure {
    pub fn stop_code(&self) -> &'static str {
        "TaskFailedToStart"
    }
}

/// RunTask/CreateService-time check: EFS volumes need Fargate platform 1.4.0 (or LATEST, which is
/// 1.4.0 on Linux; reference §4.2). EC2 tasks always pass.
pub fn platform_supports_efs(task: &TaskNetwork) -> Result<(), ApiError> {
    if !task.launch_type_fargate {
        return Ok(());
    }
    match task.platform_version.as_deref() {
        None | Some("LATEST") | Some("1.4.0") => Ok(()),
        // Observed text (ansible #70625, jenkins amazon-ecs-plugin #218).
        Some("1.0.0") | Some("1.1.0") | Some("1.2.0") | Some("1.3.0") => Err(ApiError::new(
            "PlatformTaskDefinitionIncompatibilityException",
            "One or more of the requested capabilities are not supported.",
        )),
        // Observed text (jenkins amazon-ecs-plugin #218, for "1.4").
        Some(_) => Err(ApiError::new("PlatformUnknownException", "The specified platform does not exist.")),
    }
}

/// Wraps an EFS mount helper error the way the task's stoppedReason shows it.
fn helper_failure(task: &TaskNetwork, stderr: &str, code: u8) -> String {
    if task.launch_type_fargate {
        // Observed shape: "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS
        // volumes: stderr: <stderr> : unsuccessful EFS utils command execution; code: <n>".
        format!("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: {stderr} : unsuccessful EFS utils command execution; code: {code}")
    } else {
        // [UNVERIFIED] EC2: the ECS volume plugin's error through Docker, seen in a transcript as
        // "Error response from daemon: create <volume>: VolumeDriver.Create: mounting volume failed: ...".
        format!("CannotCreateContainerError: Error response from daemon: VolumeDriver.Create: mounting volume failed: {stderr}")
    }
}

fn dns_name(fs_id: &str, region: &str) -> String {
    format!("{fs_id}.efs.{region}.amazonaws.com")
}

/// Observed verbatim (several ECS transcripts, with the botocore tail that Fargate prints).
fn not_resolvable(task: &TaskNetwork, dns: &str) -> MountFailure {
    let stderr = format!(
        "Failed to resolve \"{dns}\" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID. See https://docs.aws.amazon.com/console/efs/mount-dns-name for more detail. Attempting to lookup mount target ip address using botocore. Failed to import necessary dependency botocore, please install botocore first."
    );
    MountFailure { stopped_reason: helper_failure(task, &stderr, 1), kind: MountFailureKind::NotResolvable }
}

/// [UNVERIFIED] "mount.nfs4: Connection timed out" with code 32: the reference's third-party cause for a
/// security group without 2049; code 32 as in the observed "Connection reset by peer" variant.
fn timed_out(task: &TaskNetwork) -> MountFailure {
    MountFailure { stopped_reason: helper_failure(task, "mount.nfs4: Connection timed out", 32), kind: MountFailureKind::ConnectionTimedOut }
}

/// The stopped reason of a mount whose TCP 2049 connection times out (the task's start has no NFS path).
pub fn nfs_timed_out_reason(task: &TaskNetwork) -> String {
    timed_out(task).stopped_reason
}

/// [UNVERIFIED] for this cause: "access denied by server while mounting 127.0.0.1:/" is the observed
/// mount helper error for access point mounts the server refuses.
fn access_denied(task: &TaskNetwork) -> MountFailure {
    MountFailure {
        stopped_reason: helper_failure(task, "b'mount.nfs4: access denied by server while mounting 127.0.0.1:/'", 32),
        kind: MountFailureKind::AccessDenied,
    }
}

/// Observed verbatim (acp-io/terraform-grafana #4) for a missing root directory.
fn no_such_directory(task: &TaskNetwork, dns: &str, path: &str) -> MountFailure {
    let stderr = format!("b'mount.nfs4: mounting {dns}:{path} failed, reason given by server: No such file or directory'");
    MountFailure { stopped_reason: helper_failure(task, &stderr, 32), kind: MountFailureKind::NoSuchDirectory }
}

/// `a.b.c.d/n` → (address, prefix length).
fn parse_cidr(text: &str) -> Option<(u32, u32)> {
    let (addr, len) = text.trim().split_once('/')?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    let mut value: u32 = 0;
    let mut count = 0;
    for part in addr.split('.') {
        value = (value << 8) | part.parse::<u8>().ok()? as u32;
        count += 1;
    }
    (count == 4).then_some((value, len))
}

fn mask(len: u32) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len)
    }
}

/// Whether CIDR `outer` contains every address of CIDR `inner`.
pub(crate) fn cidr_contains(outer: &str, inner: &str) -> bool {
    match (parse_cidr(outer), parse_cidr(inner)) {
        (Some((o, ol)), Some((i, il))) => ol <= il && (o & mask(ol)) == (i & mask(ol)),
        _ => false,
    }
}

fn protocol_is_tcp_or_all(protocol: &str) -> (bool, bool) {
    let p = protocol.trim().to_ascii_lowercase();
    let all = p == "-1" || p == "all";
    (all || p == "tcp" || p == "6", all)
}

impl EfsState {
    /// Whether one of the mount target's security groups lets the task reach TCP 2049.
    fn nfs_allowed(&self, mt: &MountTarget, task: &TaskNetwork) -> bool {
        let net = &self.network;
        let task_cidrs: Vec<&str> = {
            let mut c: Vec<&str> = Vec::new();
            if let Some(cidr) = task.subnet_id.as_ref().and_then(|s| net.subnet_cidrs.get(s)) {
                c.push(cidr);
            }
            if !net.vpc_cidr.is_empty() {
                c.push(&net.vpc_cidr);
            }
            c
        };
        mt.security_groups.iter().any(|group_id| {
            let Some(group) = net.security_groups.iter().find(|g| &g.group_id == group_id) else {
                // The VPC default group when the scenario does not declare it: members reach each other.
                return group_id == DEFAULT_GROUP && task.security_groups.iter().any(|g| g == DEFAULT_GROUP);
            };
            group.ingress.iter().any(|rule| {
                let (tcp, all) = protocol_is_tcp_or_all(&rule.protocol);
                let port_ok = all || (rule.from_port <= NFS_PORT && NFS_PORT <= rule.to_port);
                let from_group = rule.source_group.as_ref().is_some_and(|g| task.security_groups.contains(g));
                let from_cidr = rule.cidr.as_ref().is_some_and(|cidr| task_cidrs.iter().any(|t| cidr_contains(cidr, t)));
                tcp && port_ok && (from_group || from_cidr)
            })
        })
    }

    /// Checks that a task in `task` can mount `volume`, without changing anything. See [`EfsState::mount`].
    pub fn mount_check(&self, volume: &EfsVolumeRequest, task: &TaskNetwork) -> Result<MountInfo, MountFailure> {
        if let Err(e) = platform_supports_efs(task) {
            return Err(MountFailure { stopped_reason: format!("{}: {}", e.code, e.message), kind: MountFailureKind::PlatformUnsupported });
        }
        let fs_id = super::api::id_of(&volume.file_system_id).to_string();
        let dns = dns_name(&fs_id, &self.network.region);
        // DNS: the name resolves to the available mount target in the client's AZ.
        let Some(fs) = self.file_systems.get(&fs_id).filter(|f| f.state == LifeCycle::Available) else {
            return Err(not_resolvable(task, &dns));
        };
        let Some(mt) = self
            .mount_targets
            .values()
            .find(|m| m.file_system_id == fs_id && m.availability_zone == task.availability_zone && m.state == LifeCycle::Available)
        else {
            return Err(not_resolvable(task, &dns));
        };
        // TCP 2049 to the mount target's network interface.
        if !self.nfs_allowed(mt, task) {
            return Err(timed_out(task));
        }
        // NFS mount: access point, then the root directory.
        let access_point = match &volume.access_point_id {
            None => None,
            Some(ap_id) => match self.access_points.get(super::api::id_of(ap_id)) {
                Some(ap) if ap.file_system_id == fs_id && ap.state == LifeCycle::Available => Some(ap),
                _ => return Err(access_denied(task)),
            },
        };
        let base = access_point.map_or("/", |ap| ap.root_path.as_str());
        let root = scoped_path(base, &volume.root_directory);
        let mut created_root = false;
        if !fs.dir_exists(&root) {
            // EFS creates an access point's root from CreationInfo on first connect (BOTO CreationInfo).
            match access_point {
                Some(ap) if ap.creation_info.is_some() && root == scoped_path("/", &ap.root_path) => created_root = true,
                _ => {
                    let shown = if access_point.is_some() { "/".to_string() } else { root.clone() };
                    return Err(no_such_directory(task, &dns, &shown));
                }
            }
        }
        Ok(MountInfo {
            file_system_id: fs_id,
            mount_target_id: mt.mount_target_id.clone(),
            availability_zone: mt.availability_zone.clone(),
            dns_name: dns,
            root,
            access_point_id: access_point.map(|ap| ap.access_point_id.clone()),
            posix_user: access_point.and_then(|ap| ap.posix_user.clone()),
            transit_encryption: volume.transit_encryption,
            transit_encryption_port: if volume.transit_encryption { volume.transit_encryption_port } else { None },
            iam_authorization: volume.iam_authorization,
            created_root,
        })
    }

    /// [`EfsState::mount_check`], then creates the access point root directory when the mount needs it.
    pub fn mount(&mut self, volume: &EfsVolumeRequest, task: &TaskNetwork) -> Result<MountInfo, MountFailure> {
        let info = self.mount_check(volume, task)?;
        if info.created_root {
            self.make_dir(&info.file_system_id, &info.root);
        }
        Ok(info)
    }
}

/// The EFS volumes of a registered task definition, by volume name, read from its normalized input.
pub fn efs_requests_from_taskdef(spec: &TaskDefinitionSpec) -> Vec<(String, EfsVolumeRequest)> {
    let Some(volumes) = spec.input.get("volumes").and_then(Value::as_array) else {
        return Vec::new();
    };
    volumes
        .iter()
        .filter_map(|v| {
            let name = v.get("name").and_then(Value::as_str)?.to_string();
            let efs = v.get("efsVolumeConfiguration")?;
            let auth = efs.get("authorizationConfig");
            Some((
                name,
                EfsVolumeRequest {
                    file_system_id: efs.get("fileSystemId").and_then(Value::as_str).unwrap_or("").to_string(),
                    root_directory: efs.get("rootDirectory").and_then(Value::as_str).unwrap_or("/").to_string(),
                    transit_encryption: efs.get("transitEncryption").and_then(Value::as_str) == Some("ENABLED"),
                    transit_encryption_port: efs.get("transitEncryptionPort").and_then(Value::as_u64).and_then(|p| u16::try_from(p).ok()),
                    access_point_id: auth.and_then(|a| a.get("accessPointId")).and_then(Value::as_str).map(str::to_string),
                    iam_authorization: auth.and_then(|a| a.get("iam")).and_then(Value::as_str) == Some("ENABLED"),
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod cidr_tests {
    use super::*;

    #[test]
    fn cidr_containment() {
        assert!(cidr_contains("0.0.0.0/0", "10.0.0.0/16"));
        assert!(cidr_contains("10.0.0.0/16", "10.0.0.0/16"));
        assert!(cidr_contains("10.0.0.0/16", "10.0.3.0/24"));
        assert!(!cidr_contains("10.0.3.0/24", "10.0.0.0/16"));
        assert!(!cidr_contains("192.168.0.0/16", "10.0.0.0/16"));
        assert!(!cidr_contains("garbage", "10.0.0.0/16"));
        assert!(!cidr_contains("10.0.0.0/33", "10.0.0.0/16"));
    }
}
