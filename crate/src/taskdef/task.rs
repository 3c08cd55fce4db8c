//! `Task`: what every rule family needs to know about the task definition being validated, read once from the
//! normalized input.

use serde_json::{Map, Value};

use super::access::{nonempty_str_of, obj_of, objects_of, str_of, strings_of};
use super::types::{Compatibility, NetworkMode};
use super::units::{parse_cpu_units, parse_memory_mib};

/// The task definition under validation, with the fields every rule family reads.
pub struct Task<'a> {
    pub input: &'a Map<String, Value>,
    /// `networkMode`, bridge when absent; `None` when the value is not a valid mode (already reported).
    pub network_mode: Option<NetworkMode>,
    pub requires: Vec<Compatibility>,
    pub cpu_units: Option<u32>,
    pub memory_mib: Option<u32>,
    /// Container definitions that are objects, with their index.
    pub containers: Vec<(usize, &'a Map<String, Value>)>,
    pub has_execution_role: bool,
    pub os_family: String,
}

impl<'a> Task<'a> {
    pub(super) fn read(input: &'a Map<String, Value>) -> Task<'a> {
        let network_mode = match str_of(input, "networkMode") {
            None => Some(NetworkMode::Bridge),
            Some(text) => NetworkMode::from_aws(text),
        };
        let requires = strings_of(input, "requiresCompatibilities")
            .into_iter()
            .filter_map(|(_, s)| Compatibility::from_aws(s))
            .collect();
        Task {
            input,
            network_mode,
            requires,
            cpu_units: input.get("cpu").and_then(parse_cpu_units),
            memory_mib: input.get("memory").and_then(parse_memory_mib),
            containers: objects_of(input, "containerDefinitions"),
            has_execution_role: nonempty_str_of(input, "executionRoleArn").is_some(),
            os_family: str_of(
                obj_of(input, "runtimePlatform").unwrap_or(&Map::new()),
                "operatingSystemFamily",
            )
            .unwrap_or("LINUX")
            .to_string(),
        }
    }

    pub fn requires(&self, compatibility: Compatibility) -> bool {
        self.requires.contains(&compatibility)
    }

    pub fn is_windows(&self) -> bool {
        self.os_family.starts_with("WINDOWS")
    }

    pub fn container_named(&self, name: &str) -> Option<&'a Map<String, Value>> {
        self.containers
            .iter()
            .find(|(_, c)| str_of(c, "name") == Some(name))
            .map(|(_, c)| *c)
    }

    pub fn volume_named(&self, name: &str) -> Option<&'a Map<String, Value>> {
        objects_of(self.input, "volumes")
            .into_iter()
            .find(|(_, v)| str_of(v, "name") == Some(name))
            .map(|(_, v)| v)
    }
}
