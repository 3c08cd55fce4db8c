//! The EFS resources of the account: file systems (with their data), mount targets, access points, and the
//! network they are checked against.

use crate::table::{Table, TableSet};

/// The NFS port a mount target listens on (EFSUG accessing-fs-create-security-groups.md).
pub const NFS_PORT: u16 = 2049;

/// One inbound rule of a security group, as the scenario's network declares it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct IngressRule {
    /// `tcp`, `udp`, `-1`/`all` (every protocol), or an IP protocol number (`6` is TCP).
    pub protocol: String,
    pub from_port: u16,
    pub to_port: u16,
    /// An IPv4 CIDR source such as `0.0.0.0/0` or `10.0.0.0/16`.
    pub cidr: Option<String>,
    /// A security group as the source: traffic from network interfaces in that group is allowed.
    pub source_group: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SecurityGroup {
    pub group_id: String,
    pub ingress: Vec<IngressRule>,
}

/// What an EFS call needs to know about the world: the account, the time and the VPC.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EfsContext {
    pub region: String,
    pub account_id: String,
    /// The current sim time as ISO 8601 (the crate's timestamp convention in outputs).
    pub now_iso: String,
    /// `(subnet_id, availability_zone)` for every subnet of the VPC.
    pub subnets: Vec<(String, String)>,
    pub security_groups: Vec<SecurityGroup>,
    /// The VPC id, echoed as `VpcId` on mount targets when not empty.
    pub vpc_id: String,
    /// The VPC CIDR; an ingress rule whose CIDR contains it allows every task in the VPC.
    pub vpc_cidr: String,
    /// Optional subnet CIDRs (subnet id → CIDR); a rule whose CIDR contains the task's subnet allows it.
    pub subnet_cidrs: Table<String, String>,
}

/// `LifeCycleState` (BOTO `LifeCycleState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LifeCycle {
    Creating,
    Available,
    Updating,
    Deleting,
    Deleted,
    Error,
}

impl LifeCycle {
    pub fn as_aws(self) -> &'static str {
        match self {
            LifeCycle::Creating => "creating",
            LifeCycle::Available => "available",
            LifeCycle::Updating => "updating",
            LifeCycle::Deleting => "deleting",
            LifeCycle::Deleted => "deleted",
            LifeCycle::Error => "error",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSystem {
    pub file_system_id: String,
    pub arn: String,
    pub creation_token: String,
    pub owner_id: String,
    pub creation_time: String,
    pub state: LifeCycle,
    /// `generalPurpose` or `maxIO`.
    pub performance_mode: String,
    /// `bursting`, `provisioned` or `elastic`.
    pub throughput_mode: String,
    /// `ProvisionedThroughputInMibps` as given (a JSON number), when the mode is `provisioned`.
    pub provisioned_throughput: Option<serde_json::Number>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    /// One Zone file systems: the AZ given as `AvailabilityZoneName`.
    pub availability_zone: Option<String>,
    pub tags: Vec<(String, String)>,
    /// The simulated file tree: absolute path (`/a/b.txt`) → file.
    pub files: Table<String, FileEntry>,
    /// Directories that exist without files in them (created by access points or writes).
    pub dirs: TableSet<String>,
}

impl FileSystem {
    pub fn name(&self) -> Option<&str> {
        self.tags.iter().find(|(k, _)| k == "Name").map(|(_, v)| v.as_str())
    }

    /// Bytes of file content stored.
    pub fn data_bytes(&self) -> u64 {
        self.files.values().map(|f| f.bytes).sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountTarget {
    pub mount_target_id: String,
    pub file_system_id: String,
    pub subnet_id: String,
    pub availability_zone: String,
    pub security_groups: Vec<String>,
    pub network_interface_id: String,
    pub ip_address: Option<String>,
    pub state: LifeCycle,
    pub owner_id: String,
    pub vpc_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreationInfo {
    pub owner_uid: u64,
    pub owner_gid: u64,
    /// Octal mode bits as given, e.g. `"755"`.
    pub permissions: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PosixUser {
    pub uid: u64,
    pub gid: u64,
    pub secondary_gids: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessPoint {
    pub access_point_id: String,
    pub arn: String,
    pub file_system_id: String,
    pub client_token: String,
    pub posix_user: Option<PosixUser>,
    /// `RootDirectory.Path`, `/` when not given.
    pub root_path: String,
    pub creation_info: Option<CreationInfo>,
    pub tags: Vec<(String, String)>,
    pub owner_id: String,
    pub state: LifeCycle,
}

/// The VPC as last seen in an [`EfsContext`]; the mount check reads security groups from it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NetworkSnapshot {
    pub region: String,
    pub subnets: Vec<(String, String)>,
    pub security_groups: Vec<SecurityGroup>,
    pub vpc_id: String,
    pub vpc_cidr: String,
    pub subnet_cidrs: Table<String, String>,
}

/// All EFS resources of the account in the scenario's Region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EfsState {
    pub file_systems: Table<String, FileSystem>,
    pub mount_targets: Table<String, MountTarget>,
    pub access_points: Table<String, AccessPoint>,
    /// When true (the default), new file systems, mount targets and access points become `available`
    /// right after the create call returns (the response itself still says `creating`, as AWS's does).
    /// When false they stay `creating` until the engine calls [`EfsState::mark_available`].
    pub auto_available: bool,
    /// The network from the most recent [`EfsState::handle`] or [`EfsState::set_network`].
    pub network: NetworkSnapshot,
    /// Ids and client tokens are derived from this counter.
    pub(super) counter: u64,
}

impl Default for EfsState {
    fn default() -> Self {
        EfsState::new()
    }
}

impl EfsState {
    pub fn new() -> EfsState {
        EfsState {
            file_systems: Table::new(),
            mount_targets: Table::new(),
            access_points: Table::new(),
            auto_available: true,
            network: NetworkSnapshot::default(),
            counter: 0,
        }
    }

    /// Records the VPC the mount check evaluates against (also done by every `handle` call).
    pub fn set_network(&mut self, ctx: &EfsContext) {
        self.network = NetworkSnapshot {
            region: ctx.region.clone(),
            subnets: ctx.subnets.clone(),
            security_groups: ctx.security_groups.clone(),
            vpc_id: ctx.vpc_id.clone(),
            vpc_cidr: ctx.vpc_cidr.clone(),
            subnet_cidrs: ctx.subnet_cidrs.clone(),
        };
    }

    /// Moves a file system, mount target or access point from `creating` to `available`.
    /// Returns false when no such resource is `creating`.
    pub fn mark_available(&mut self, id: &str) -> bool {
        if let Some(fs) = self.file_systems.get_mut(id).filter(|f| f.state == LifeCycle::Creating) {
            fs.state = LifeCycle::Available;
            return true;
        }
        if let Some(mt) = self.mount_targets.get_mut(id).filter(|m| m.state == LifeCycle::Creating) {
            mt.state = LifeCycle::Available;
            return true;
        }
        if let Some(ap) = self.access_points.get_mut(id).filter(|a| a.state == LifeCycle::Creating) {
            ap.state = LifeCycle::Available;
            return true;
        }
        false
    }

    /// Ids of resources still `creating`, in id order (for an engine that schedules availability).
    pub fn pending_available(&self) -> Vec<String> {
        let fs = self.file_systems.values().filter(|f| f.state == LifeCycle::Creating).map(|f| f.file_system_id.clone());
        let mt = self.mount_targets.values().filter(|m| m.state == LifeCycle::Creating).map(|m| m.mount_target_id.clone());
        let ap = self.access_points.values().filter(|a| a.state == LifeCycle::Creating).map(|a| a.access_point_id.clone());
        fs.chain(mt).chain(ap).collect()
    }

    /// Whether the file system exists and is `available`.
    pub fn available(&self, file_system_id: &str) -> bool {
        self.file_systems.get(file_system_id).is_some_and(|f| f.state == LifeCycle::Available)
    }

    pub(crate) fn next_counter(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    pub(crate) fn mount_target_count(&self, file_system_id: &str) -> u64 {
        self.mount_targets.values().filter(|m| m.file_system_id == file_system_id).count() as u64
    }
}

/// Explains why an S3 bucket cannot be an ECS volume and what to use instead.
pub fn s3_mount_explanation() -> &'static str {
    // Facts: ECS volume types are bind mounts (`host`), Docker volumes, EFS, FSx for Windows File Server,
    // EBS volumes configured at launch, and (added in 2026) Amazon S3 Files (`s3filesVolumeConfiguration`,
    // ECS API_Volume and API_S3FilesVolumeConfiguration). Mountpoint for Amazon S3 is a FUSE client: it
    // needs /dev/fuse and elevated privileges, which Fargate does not grant (awslabs/mountpoint-s3 #450,
    // "fuse: device not found"). [UNVERIFIED] which launch types S3 Files volumes support: third-party notes
    // disagree (Fargate and Managed Instances only, or also EC2).
    "An S3 bucket is an object store, not a file system, so a task definition cannot name a bucket as a \
volume: ECS volumes are bind mounts, Docker volumes, Amazon EFS, FSx for Windows File Server and EBS \
volumes attached at launch. To share files between tasks, mount an EFS file system \
(efsVolumeConfiguration). To work with S3 data, give the task role S3 permissions and read or write \
objects with the AWS SDK or CLI from inside the container. Mountpoint for Amazon S3 presents a bucket as \
files, but it is a FUSE client that needs the /dev/fuse device and extra privileges: possible on EC2 \
container instances (linuxParameters devices and capabilities), not on Fargate. Newer: Amazon S3 Files \
creates a file system linked to a bucket that ECS can mount as an s3filesVolumeConfiguration volume, \
much like EFS (mount targets, access points, NFS on port 2049)."
}

/// One file in a simulated tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    pub bytes: u64,
    pub content: String,
    pub written_by_task: String,
    pub written_at_ms: u64,
}

impl FileEntry {
    pub fn new(content: &str, task_id: &str, now_ms: u64) -> FileEntry {
        FileEntry { bytes: content.len() as u64, content: content.to_string(), written_by_task: task_id.to_string(), written_at_ms: now_ms }
    }
}
