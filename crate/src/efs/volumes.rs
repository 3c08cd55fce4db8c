//! Non-EFS task volumes and how long their data lives (reference §8.2; ECSDG bind-mounts.md,
//! docker-volumes.md; BOTO `DockerVolumeConfiguration.scope`):
//!
//! | Volume | Data lives until |
//! |---|---|
//! | bind mount without `host.sourcePath` (and every Fargate bind mount) | the task stops |
//! | Fargate ephemeral storage (container writable layers) | the task stops |
//! | Docker volume, `scope: task` | the task stops |
//! | Docker volume, `scope: shared` | the container instance is terminated (shared by later tasks on it) |
//! | bind mount with `host.sourcePath` | the container instance is terminated (shared by tasks using the path) |

use serde_json::Value;

use super::data::scoped_path;
use super::model::*;
use crate::table::Table;
use crate::taskdef::TaskDefinitionSpec;

/// The name under which a Fargate task's own ephemeral storage is kept.
pub const EPHEMERAL_VOLUME: &str = "(ephemeral)";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalVolumeKind {
    /// A volume with a name only (`host` empty): Docker-managed on EC2, task ephemeral storage on Fargate.
    TaskScoped,
    /// The task's Fargate ephemeral storage itself.
    Ephemeral,
    /// `host.sourcePath` on the container instance (EC2 only).
    HostPath(String),
    /// `dockerVolumeConfiguration` (EC2/External only). `shared` is `scope: shared`.
    Docker { shared: bool, autoprovision: bool, driver: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalVolume {
    pub name: String,
    pub kind: LocalVolumeKind,
}

impl LocalVolumeKind {
    /// Whether the data outlives the task (kept on the instance).
    pub fn outlives_task(&self) -> bool {
        matches!(self, LocalVolumeKind::HostPath(_) | LocalVolumeKind::Docker { shared: true, .. })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VolumeError {
    /// A host path or Docker volume for a task without a container instance (Fargate).
    NeedsInstance { volume: String },
    /// `scope: shared` with `autoprovision: false` and no such volume on the instance.
    /// [UNVERIFIED] that ECS fails the task here; the message is the engine's to word.
    SharedVolumeMissing { volume: String, instance: String },
    /// The task has no volume with this name (or the task is not running).
    UnknownVolume { task_id: String, volume: String },
    /// The path names a directory or has no file name.
    NotAFile(String),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum StoreKey {
    Task { task_id: String, volume: String },
    DockerShared { instance: String, volume: String },
    Host { instance: String, path: String },
}

/// The data of every non-EFS volume, keyed by where it really lives.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct VolumeStore {
    stores: Table<StoreKey, Table<String, FileEntry>>,
    /// (task id, volume name) → its store.
    bindings: Table<(String, String), StoreKey>,
}

impl VolumeStore {
    pub fn new() -> VolumeStore {
        VolumeStore::default()
    }

    /// Provisions a starting task's volumes on `instance` (None on Fargate). Checks every volume before
    /// creating any, so a failure leaves the store unchanged.
    pub fn task_started(&mut self, task_id: &str, instance: Option<&str>, volumes: &[LocalVolume]) -> Result<(), VolumeError> {
        let mut keys = Vec::new();
        for v in volumes {
            let key = match (&v.kind, instance) {
                (LocalVolumeKind::TaskScoped | LocalVolumeKind::Ephemeral | LocalVolumeKind::Docker { shared: false, .. }, _) => {
                    StoreKey::Task { task_id: task_id.to_string(), volume: v.name.clone() }
                }
                (LocalVolumeKind::HostPath(path), Some(i)) => StoreKey::Host { instance: i.to_string(), path: scoped_path("/", path) },
                (LocalVolumeKind::Docker { shared: true, autoprovision, .. }, Some(i)) => {
                    let key = StoreKey::DockerShared { instance: i.to_string(), volume: v.name.clone() };
                    if !autoprovision && !self.stores.contains_key(&key) {
                        return Err(VolumeError::SharedVolumeMissing { volume: v.name.clone(), instance: i.to_string() });
                    }
                    key
                }
                (_, None) => return Err(VolumeError::NeedsInstance { volume: v.name.clone() }),
            };
            keys.push((v.name.clone(), key));
        }
        for (name, key) in keys {
            self.stores.get_or_default(key.clone());
            self.bindings.insert((task_id.to_string(), name), key);
        }
        Ok(())
    }

    /// Creates a shared Docker volume on an instance ahead of any task (`docker volume create`).
    pub fn create_shared_docker_volume(&mut self, instance: &str, volume: &str) {
        self.stores.get_or_default(StoreKey::DockerShared { instance: instance.to_string(), volume: volume.to_string() });
    }

    /// The task stopped: its task-scoped data is gone; instance-scoped data stays.
    pub fn task_stopped(&mut self, task_id: &str) {
        self.bindings.retain(|(t, _), _| t != task_id);
        self.stores.retain(|k, _| !matches!(k, StoreKey::Task { task_id: t, .. } if t == task_id));
    }

    /// The instance was terminated: everything kept on it is gone.
    pub fn instance_terminated(&mut self, instance: &str) {
        let on_instance = |k: &StoreKey| match k {
            StoreKey::DockerShared { instance: i, .. } | StoreKey::Host { instance: i, .. } => i == instance,
            StoreKey::Task { .. } => false,
        };
        self.stores.retain(|k, _| !on_instance(k));
        self.bindings.retain(|_, k| !on_instance(k));
    }

    fn store_of(&self, task_id: &str, volume: &str) -> Result<&StoreKey, VolumeError> {
        self.bindings
            .get(&(task_id.to_string(), volume.to_string()))
            .ok_or_else(|| VolumeError::UnknownVolume { task_id: task_id.to_string(), volume: volume.to_string() })
    }

    /// Writes a file in a running task's volume; returns the normalized path.
    pub fn write(&mut self, task_id: &str, volume: &str, path: &str, content: &str, now_ms: u64) -> Result<String, VolumeError> {
        let key = self.store_of(task_id, volume)?.clone();
        let abs = scoped_path("/", path);
        if abs == "/" {
            return Err(VolumeError::NotAFile(abs));
        }
        let store = self.stores.get_or_default(key);
        let dir_prefix = format!("{abs}/");
        if store.keys().any(|k| k.starts_with(&dir_prefix)) {
            return Err(VolumeError::NotAFile(abs));
        }
        store.insert(abs.clone(), FileEntry::new(content, task_id, now_ms));
        Ok(abs)
    }

    /// Reads a file of a running task's volume.
    pub fn read(&self, task_id: &str, volume: &str, path: &str) -> Option<&FileEntry> {
        let key = self.store_of(task_id, volume).ok()?;
        self.stores.get(key)?.get(&scoped_path("/", path))
    }

    /// Every file of a running task's volume, by path.
    pub fn files(&self, task_id: &str, volume: &str) -> Vec<(&str, &FileEntry)> {
        match self.store_of(task_id, volume).ok().and_then(|k| self.stores.get(k)) {
            Some(store) => store.iter().map(|(p, f)| (p.as_str(), f)).collect(),
            None => Vec::new(),
        }
    }

    /// Whether a shared Docker volume exists on the instance.
    pub fn shared_docker_volume_exists(&self, instance: &str, volume: &str) -> bool {
        self.stores.contains_key(&StoreKey::DockerShared { instance: instance.to_string(), volume: volume.to_string() })
    }

    /// Files kept on the instance under a host path.
    pub fn host_path_files(&self, instance: &str, path: &str) -> Vec<(&str, &FileEntry)> {
        match self.stores.get(&StoreKey::Host { instance: instance.to_string(), path: scoped_path("/", path) }) {
            Some(store) => store.iter().map(|(p, f)| (p.as_str(), f)).collect(),
            None => Vec::new(),
        }
    }
}

/// The non-EFS volumes of a task definition, read from its normalized input. With `fargate`, the task's
/// ephemeral storage is added as [`EPHEMERAL_VOLUME`]. EFS, FSx and configured-at-launch volumes are skipped.
pub fn local_volumes_from_taskdef(spec: &TaskDefinitionSpec, fargate: bool) -> Vec<LocalVolume> {
    let mut out = Vec::new();
    if let Some(volumes) = spec.input.get("volumes").and_then(Value::as_array) {
        for v in volumes {
            let Some(name) = v.get("name").and_then(Value::as_str) else {
                continue;
            };
            let skip = ["efsVolumeConfiguration", "fsxWindowsFileServerVolumeConfiguration", "s3filesVolumeConfiguration"]
                .iter()
                .any(|k| v.get(*k).is_some_and(|c| !c.is_null()))
                || v.get("configuredAtLaunch").and_then(Value::as_bool) == Some(true);
            if skip {
                continue;
            }
            let kind = if let Some(docker) = v.get("dockerVolumeConfiguration").filter(|d| d.is_object()) {
                LocalVolumeKind::Docker {
                    // BOTO DockerVolumeConfiguration: scope defaults to task; autoprovision defaults to false.
                    shared: docker.get("scope").and_then(Value::as_str) == Some("shared"),
                    autoprovision: docker.get("autoprovision").and_then(Value::as_bool) == Some(true),
                    driver: docker.get("driver").and_then(Value::as_str).unwrap_or("local").to_string(),
                }
            } else {
                match v.get("host").and_then(|h| h.get("sourcePath")).and_then(Value::as_str) {
                    Some(path) if !fargate && !path.is_empty() => LocalVolumeKind::HostPath(path.to_string()),
                    _ => LocalVolumeKind::TaskScoped,
                }
            };
            out.push(LocalVolume { name: name.to_string(), kind });
        }
    }
    if fargate {
        out.push(LocalVolume { name: EPHEMERAL_VOLUME.to_string(), kind: LocalVolumeKind::Ephemeral });
    }
    out
}
