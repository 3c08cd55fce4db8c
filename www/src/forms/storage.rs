//! The Storage tab's model: the file systems, subnets, zones and running tasks it offers, and the inputs of
//! CreateFileSystem, CreateMountTarget, CreateAccessPoint and `sim:WriteFile` / `sim:ReadFile`.

use ecs_sim::view::{FileSystemView, View};
use serde_json::{json, Value};

use super::{call_targets, pairs, subnet_options, target_input, Options};

/// What the Storage tab shows and offers.
#[derive(Debug, PartialEq)]
pub struct StorageOptions {
    pub file_systems: Vec<FileSystemView>,
    pub subnets: Options,
    /// The security groups of the scenario's VPC.
    pub security_groups: Options,
}

pub fn options(view: &View) -> StorageOptions {
    let groups: Vec<&str> = view.security_groups.iter().map(|g| g.group_id.as_str()).collect();
    StorageOptions { file_systems: view.file_systems.clone(), subnets: subnet_options(view), security_groups: pairs(&groups) }
}

/// The file systems as options: `name (fs-...)`.
pub fn file_system_options(file_systems: &[FileSystemView]) -> Options {
    file_systems.iter().map(|f| (f.file_system_id.clone(), format!("{} ({})", f.name.clone().unwrap_or_default(), f.file_system_id))).collect()
}

/// What the file call form offers: the running tasks and services, and the zones (`(any)` first).
#[derive(Debug, PartialEq)]
pub struct FileCallOptions {
    pub targets: Options,
    pub zones: Options,
}

pub fn file_call_options(view: &View) -> FileCallOptions {
    let mut zones = vec![(String::new(), "(any)".to_string())];
    zones.extend(view.availability_zones.iter().map(|a| (a.clone(), a.clone())));
    FileCallOptions { targets: call_targets(view), zones }
}

/// The volume the file call form starts with: the first EFS volume a task mounts, else `data`.
pub fn first_volume(view: &View) -> String {
    view.tasks.iter().find_map(|t| t.efs_mounts.first().map(|m| m.volume.clone())).unwrap_or_else(|| "data".into())
}

/// CreateFileSystem; the creation token is the name and the file system's number in the account.
pub fn create_file_system_input(name: &str, n_file_systems: usize, performance_mode: &str, throughput_mode: &str, encrypted: bool) -> Value {
    let name = name.trim().to_string();
    let token = format!("{name}-{}", n_file_systems + 1);
    json!({ "CreationToken": token, "PerformanceMode": performance_mode, "ThroughputMode": throughput_mode, "Encrypted": encrypted, "Tags": [{ "Key": "Name", "Value": name }] })
}

pub fn create_mount_target_input(file_system: &str, subnet: &str, security_group: &str) -> Value {
    let groups: Vec<&str> = if security_group.is_empty() { vec![] } else { vec![security_group] };
    json!({ "FileSystemId": file_system, "SubnetId": subnet, "SecurityGroups": groups })
}

pub fn create_access_point_input(file_system: &str, path: &str) -> Value {
    json!({ "FileSystemId": file_system, "PosixUser": { "Uid": 1000, "Gid": 1000 },
        "RootDirectory": { "Path": path.trim(), "CreationInfo": { "OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "755" } } })
}

/// The file call form's fields as typed.
pub struct FileCall<'a> {
    pub target: &'a str,
    /// Empty: a task in any zone.
    pub zone: &'a str,
    pub volume: &'a str,
    pub path: &'a str,
    /// The content to write; `None` reads.
    pub write: Option<&'a str>,
}

impl FileCall<'_> {
    /// The call (`sim:WriteFile` or `sim:ReadFile`) and its input, or why there is none.
    pub fn call(&self, view: &View) -> Result<(&'static str, Value), String> {
        let Some(mut input) = target_input(view, self.target) else {
            return Err("No running task: start a service or a task first.".into());
        };
        input["sourceVolume"] = json!(self.volume.trim());
        input["path"] = json!(self.path.trim());
        if !self.zone.is_empty() {
            input["availabilityZone"] = json!(self.zone);
        }
        Ok(match self.write {
            Some(content) => {
                input["content"] = json!(content);
                ("sim:WriteFile", input)
            }
            None => ("sim:ReadFile", input),
        })
    }
}

/// What a file call's answer says.
pub fn file_call_text(write: bool, out: &Value) -> String {
    let location = out["location"].as_str().unwrap_or("");
    if write { format!("Wrote {location}.") } else { format!("Read {location}: \"{}\"", out["content"].as_str().unwrap_or("")) }
}
