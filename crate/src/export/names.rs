//! Names between the API and CloudFormation: an API input's camelCase members become CloudFormation's
//! PascalCase property names (with the renames CloudFormation's resource schemas make), and entity names become
//! logical ids.
//!
//! The renames were found by comparing botocore's input shapes with CloudFormation's resource schemas
//! (`../shared/reference/integrations-export.md` §4.2); cfn-lint checks every exported template against those
//! schemas (`scripts/cfn-lint-check`).

use serde_json::{Map, Value};

/// Members whose value is a map of the user's own keys (labels, driver and log options): their keys stay
/// verbatim, only the member's own name is converted.
const VERBATIM_MAPS: &[&str] = &["dockerLabels", "options", "driverOpts", "labels"];

/// Nested members whose CloudFormation name is not the member's name with a capital first letter.
fn renamed(parent: &str, member: &str) -> Option<&'static str> {
    Some(match (parent, member) {
        (_, "efsVolumeConfiguration") => "EFSVolumeConfiguration",
        (_, "fsxWindowsFileServerVolumeConfiguration") => "FSxWindowsFileServerVolumeConfiguration",
        ("efsVolumeConfiguration", "fileSystemId") => "FilesystemId",
        ("authorizationConfig", "iam") => "IAM",
        ("proxyConfiguration", "properties") => "ProxyConfigurationProperties",
        _ => return None,
    })
}

/// `containerPort` → `ContainerPort`.
pub(crate) fn pascal(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// An API value (ECS's camelCase) with every member name in CloudFormation's spelling; `parent` is the member
/// that holds it (for the renames that depend on where a member sits).
pub(crate) fn to_cfn(value: &Value, parent: &str) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, item) in map {
                let name = renamed(parent, key).map(str::to_string).unwrap_or_else(|| pascal(key));
                let converted = if VERBATIM_MAPS.contains(&key.as_str()) { item.clone() } else { to_cfn(item, key) };
                out.insert(name, converted);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|item| to_cfn(item, parent)).collect()),
        other => other.clone(),
    }
}

/// A logical id from an entity's name and its kind: `web-tg` and `TargetGroup` give `WebTgTargetGroup`.
/// Logical ids are alphanumeric, so every other character splits words.
pub(crate) fn logical_id(name: &str, kind: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        out.push_str(&pascal(word));
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, kind);
        return out;
    }
    out + kind
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_become_pascal_case_but_map_keys_stay() {
        let api = json!({ "containerDefinitions": [ { "portMappings": [ { "containerPort": 80 } ], "dockerLabels": { "com.example": "x" },
            "logConfiguration": { "logDriver": "awslogs", "options": { "awslogs-group": "g" } } } ],
            "volumes": [ { "name": "data", "efsVolumeConfiguration": { "fileSystemId": "fs-1", "authorizationConfig": { "iam": "ENABLED" } } } ] });
        let cfn = to_cfn(&api, "");
        assert_eq!(cfn["ContainerDefinitions"][0]["PortMappings"][0]["ContainerPort"], 80);
        assert_eq!(cfn["ContainerDefinitions"][0]["DockerLabels"]["com.example"], "x");
        assert_eq!(cfn["ContainerDefinitions"][0]["LogConfiguration"]["Options"]["awslogs-group"], "g");
        assert_eq!(cfn["Volumes"][0]["EFSVolumeConfiguration"]["FilesystemId"], "fs-1");
        assert_eq!(cfn["Volumes"][0]["EFSVolumeConfiguration"]["AuthorizationConfig"]["IAM"], "ENABLED");
    }

    #[test]
    fn logical_ids_are_alphanumeric() {
        assert_eq!(logical_id("web-tg", "TargetGroup"), "WebTgTargetGroup");
        assert_eq!(logical_id("demo", "Cluster"), "DemoCluster");
        assert_eq!(logical_id("1st_app", "Service"), "Service1stApp");
    }
}
