//! The IAM tab's model: the role editor's calls, the principals a trust policy names, and the input and
//! answer of "Test a call from a task" (`sim:TaskCall`).

use serde_json::{json, Value};

use super::{arn_name, target_input};
use ecs_sim::view::View;

/// The role editor's fields as typed.
pub struct RoleEditor<'a> {
    pub role: &'a str,
    pub trust_policy: &'a str,
    pub policy_name: &'a str,
    pub policy: &'a str,
    /// The AWS managed policy's ARN.
    pub managed: &'a str,
}

impl RoleEditor<'_> {
    /// CreateRole, and what to say when it worked.
    pub fn create_role(&self) -> (&'static str, Value, String) {
        let role = self.role.trim();
        ("iam:CreateRole", json!({ "RoleName": role, "AssumeRolePolicyDocument": self.trust_policy }), format!("Role {role} created."))
    }

    /// PutRolePolicy of the inline policy.
    pub fn put_role_policy(&self) -> (&'static str, Value, String) {
        let (role, name) = (self.role.trim(), self.policy_name.trim());
        ("iam:PutRolePolicy", json!({ "RoleName": role, "PolicyName": name, "PolicyDocument": self.policy }), format!("Inline policy {name} saved on {role}."))
    }

    /// AttachRolePolicy of the AWS managed policy.
    pub fn attach_role_policy(&self) -> (&'static str, Value, String) {
        let (role, arn) = (self.role.trim(), self.managed);
        ("iam:AttachRolePolicy", json!({ "RoleName": role, "PolicyArn": arn }), format!("Attached {} to {role}.", arn_name(arn)))
    }
}

/// DetachRolePolicy, and what to say when it worked.
pub fn detach_role_policy(role: &str, arn: &str) -> (&'static str, Value, String) {
    ("iam:DetachRolePolicy", json!({ "RoleName": role, "PolicyArn": arn }), format!("Detached {} from {role}.", arn_name(arn)))
}

/// DeleteRolePolicy, and what to say when it worked.
pub fn delete_role_policy(role: &str, policy: &str) -> (&'static str, Value, String) {
    ("iam:DeleteRolePolicy", json!({ "RoleName": role, "PolicyName": policy }), format!("Deleted inline policy {policy} from {role}."))
}

/// The principals a trust policy names (`ecs-tasks.amazonaws.com`, account ARNs, ...).
pub fn trust_principals(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(doc) = serde_json::from_str::<Value>(doc) else { return out };
    let statements = match &doc["Statement"] {
        Value::Array(list) => list.clone(),
        other => vec![other.clone()],
    };
    for statement in statements {
        match &statement["Principal"] {
            Value::String(s) => out.push(s.clone()),
            Value::Object(map) => {
                for value in map.values() {
                    match value {
                        Value::String(s) => out.push(s.clone()),
                        Value::Array(list) => out.extend(list.iter().filter_map(Value::as_str).map(str::to_string)),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Pretty JSON of a policy document (or the text as it is).
pub fn pretty_json(text: &str) -> String {
    serde_json::from_str::<Value>(text).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or_else(|| text.to_string())
}

/// `sim:TaskCall` from `target` (see [`super::call_targets`]) of `action` on `resource`.
pub fn task_call_input(view: &View, target: &str, action: &str, resource: &str) -> Result<Value, String> {
    let Some(mut input) = target_input(view, target) else {
        return Err("No running task to make the call: start a service or a task first.".into());
    };
    input["action"] = json!(action.trim());
    input["resource"] = json!(resource.trim());
    Ok(input)
}

/// IAM's decision per task in `sim:TaskCall`'s answer: the lines, an error when any call was denied.
pub fn task_call_outcome(out: &Value) -> Result<String, String> {
    let lines: Vec<(bool, String)> = out["results"].as_array().map(|list| list.iter().map(|r| {
        let task = r["taskArn"].as_str().map(arn_name).unwrap_or("?");
        (r["allowed"].as_bool().unwrap_or(false), format!("Task {}: {}", crate::text::short_id(task), r["explanation"].as_str().unwrap_or("")))
    }).collect()).unwrap_or_default();
    let text = lines.iter().map(|l| l.1.clone()).collect::<Vec<_>>().join("\n");
    if lines.iter().all(|l| l.0) { Ok(text) } else { Err(text) }
}
