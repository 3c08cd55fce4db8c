//! Amazon EFS and task volumes: file systems, mount targets and access points with their real API
//! shapes, the mount check a task runs when it starts, the data that persists in each file system,
//! and the lifetimes of the other volume kinds (bind mounts, Docker volumes, host paths, Fargate
//! ephemeral storage).
//!
//! Sans-IO and deterministic like the rest of the crate: ordered maps only, ids from a counter hash
//! (see `ids`), times passed in by the caller (`EfsContext::now_iso`, `now_ms`).
//!
//! Wiring (for the engine):
//! - route every `efs:*` call to [`EfsState::handle`] (it returns `None` for anything else);
//! - when a task with EFS volumes starts, call [`EfsState::mount_check`] per volume and stop the task
//!   with the returned `stopped_reason` on failure;
//! - drive [`VolumeStore`] from task start/stop and instance termination.

mod api;
mod data;
mod ids;
mod model;
mod mount;
mod volumes;

#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::api::{ApiResult, Dialect, Request};

pub use data::{DirEntry, EfsDataError};
pub use model::*;
pub use mount::{
    efs_requests_from_taskdef, nfs_timed_out_reason, platform_supports_efs, EfsVolumeRequest, MountFailure, MountFailureKind, MountInfo, TaskNetwork,
};
pub(crate) use mount::cidr_contains;
pub use volumes::{local_volumes_from_taskdef, LocalVolume, LocalVolumeKind, VolumeError, VolumeStore};

impl EfsState {
    /// Handles an `efs:*` call. `None` when the call table does not route `call` here.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &EfsContext) -> Option<ApiResult> {
        if !crate::api::calls::handled_by(call, crate::api::calls::Handler::Efs) {
            return None;
        }
        self.set_network(ctx);
        let request = Request::new(input, Dialect::Efs);
        if !input.is_object() {
            return Some(Err(request.invalid("The request input must be a JSON object.")));
        }
        Some(match call {
            "efs:CreateFileSystem" => self.create_file_system(&request, ctx),
            "efs:DescribeFileSystems" => self.describe_file_systems(&request, ctx),
            "efs:DeleteFileSystem" => self.delete_file_system(&request),
            "efs:CreateMountTarget" => self.create_mount_target(&request, ctx),
            "efs:DescribeMountTargets" => self.describe_mount_targets(&request),
            "efs:DeleteMountTarget" => self.delete_mount_target(&request),
            "efs:CreateAccessPoint" => self.create_access_point(&request, ctx),
            "efs:DescribeAccessPoints" => self.describe_access_points(&request),
            "efs:DeleteAccessPoint" => self.delete_access_point(&request),
            _ => return None,
        })
    }
}
