//! IAM in the playground: the builder's IAM tab (roles, a role editor with IAM's live policy
//! validation, AWS managed policies, and a form to test a call from a task), and the task's
//! permissions in the Why? panel (its roles, the calls it made, and which statement decided each).

use ecs_sim::iam::{parse_policy, PolicyKind};
use ecs_sim::iam::managed::{aws_managed_policy_by_name, AWS_MANAGED_POLICIES};
use ecs_sim::view::{ServiceStatus, TaskStatus, TaskView, View};
use serde_json::{json, Value};
use yew::prelude::*;

use crate::components::form::{button, call_button, field, hint, on_input, outcome, select, select_current, subhead, use_outcome, use_text};
use crate::driver::use_sim;
use crate::shell::format_elapsed;

const TRUST_ECS_TASKS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": { "Service": "ecs-tasks.amazonaws.com" },
    "Action": "sts:AssumeRole"
  }]
}"#;

const INLINE_EXAMPLE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "ReadBucket",
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::example-bucket/*"
  }]
}"#;

/// Builds one call from the role editor: (role, trust, policy name, policy, managed ARN) → (call, input, success text).
type EditorCall = fn(&str, &str, &str, &str, &str) -> (&'static str, Value, String);


/// The last part of an ARN (`.../reports-task-role` → `reports-task-role`).
fn arn_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The principals a trust policy names (`ecs-tasks.amazonaws.com`, account ARNs, ...).
fn trust_principals(doc: &str) -> Vec<String> {
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

/// IAM's verdict on a policy being typed: `Ok` or IAM's message with the element.
fn policy_check(text: &str, kind: PolicyKind) -> Html {
    match parse_policy(text, kind) {
        Ok(_) => html! { <p class="ok-text policy-check">{ "✓ Valid policy" }</p> },
        Err(e) => html! {
            <p class="error-text policy-check policy-error" aria-live="polite">
                { format!("MalformedPolicyDocument: {}", e.message) }
                if !e.element.is_empty() { <span class="policy-element">{ format!(" Element: {}", e.element) }</span> }
            </p>
        },
    }
}

/// Running tasks and services a simulated call can come from: (`service:NAME` | `task:ID`, label).
pub(crate) fn call_targets(view: &View) -> Vec<(String, String)> {
    let services = view.services.iter().filter(|s| s.status == ServiceStatus::Active).map(|s| (format!("service:{}", s.name), format!("a task of service {}", s.name)));
    let tasks = view.tasks.iter().filter(|t| t.last_status == TaskStatus::Running).map(|t| (format!("task:{}", t.id), format!("task {} ({})", super::map::short_id(&t.id), t.family)));
    services.chain(tasks).collect()
}

/// The `cluster` and `task`/`service` members of a call from `target` (see [`call_targets`]).
pub(crate) fn target_input(view: &View, target: &str) -> Option<Value> {
    let (kind, name) = target.split_once(':')?;
    let cluster = match kind {
        "service" => view.services.iter().find(|s| s.name == name).map(|s| s.cluster.clone()),
        _ => view.tasks.iter().find(|t| t.id == name).map(|t| t.cluster.clone()),
    }?;
    Some(json!({ "cluster": cluster, kind: name }))
}

#[function_component(IamForm)]
pub fn iam_form() -> Html {
    let sim = use_sim();
    let view = sim.view();
    let name = use_text("my-task-role");
    let trust = use_text(TRUST_ECS_TASKS);
    let policy_name = use_text("app-policy");
    let policy = use_text(INLINE_EXAMPLE);
    let managed = use_state(|| aws_managed_policy_by_name("AmazonS3ReadOnlyAccess").map(|p| p.arn()).unwrap_or_default());
    let result = use_outcome();

    // One AWS call from the editor's fields; `make` builds (call, input, success text).
    let call = |make: EditorCall| {
        let (sim, name, trust, policy_name, policy, managed, result) = (sim.clone(), name.clone(), trust.clone(), policy_name.clone(), policy.clone(), managed.clone(), result.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, input, done) = make(name.trim(), &trust, policy_name.trim(), &policy, &managed);
            result.set(Some(sim.dispatch(api, input).map(|_| done)));
        })
    };
    let create = call(|role, trust, _, _, _| ("iam:CreateRole", json!({ "RoleName": role, "AssumeRolePolicyDocument": trust }), format!("Role {role} created.")));
    let put = call(|role, _, pname, doc, _| ("iam:PutRolePolicy", json!({ "RoleName": role, "PolicyName": pname, "PolicyDocument": doc }), format!("Inline policy {pname} saved on {role}.")));
    let attach = call(|role, _, _, _, arn| ("iam:AttachRolePolicy", json!({ "RoleName": role, "PolicyArn": arn }), format!("Attached {} to {role}.", arn_name(arn))));
    let managed_options: Vec<(String, String)> = AWS_MANAGED_POLICIES.iter().map(|p| (p.arn(), p.name.to_string())).collect();
    html! {
        <div class="form iam-form">
            { subhead(&format!("Roles ({})", view.roles.len())) }
            <ul class="role-list">
                { for view.roles.iter().map(|role| {
                    let edit = {
                        let (name, trust, policy_name, policy, role) = (name.clone(), trust.clone(), policy_name.clone(), policy.clone(), role.clone());
                        Callback::from(move |_| {
                            name.set(role.name.clone());
                            trust.set(pretty_json(&role.trust_policy));
                            if let Some(inline) = role.inline_policies.first() {
                                policy_name.set(inline.name.clone());
                                policy.set(pretty_json(&inline.document));
                            }
                        })
                    };
                    let detach = |arn: &str| {
                        let (sim, result, role, arn) = (sim.clone(), result.clone(), role.name.clone(), arn.to_string());
                        Callback::from(move |_| result.set(Some(sim.dispatch("iam:DetachRolePolicy", json!({ "RoleName": role, "PolicyArn": arn })).map(|_| format!("Detached {} from {role}.", arn_name(&arn))))))
                    };
                    let delete = |policy: &str| {
                        let (sim, result, role, policy) = (sim.clone(), result.clone(), role.name.clone(), policy.to_string());
                        Callback::from(move |_| result.set(Some(sim.dispatch("iam:DeleteRolePolicy", json!({ "RoleName": role, "PolicyName": policy })).map(|_| format!("Deleted inline policy {policy} from {role}.")))))
                    };
                    html! {
                        <li key={role.arn.clone()} class="role-item" data-role={role.name.clone()}>
                            <div class="role-head">
                                <span class="role-name">{ &role.name }</span>
                                <button type="button" class="small" onclick={edit} title="Load this role into the editor below">{ "Edit" }</button>
                            </div>
                            <div class="muted">{ format!("Trusted by: {}", trust_principals(&role.trust_policy).join(", ")) }</div>
                            <ul class="policy-list">
                                { for role.attached_policies.iter().map(|arn| html! {
                                    <li key={arn.clone()}><span title={arn.clone()}>{ format!("managed: {}", arn_name(arn)) }</span>
                                        <button type="button" class="small" onclick={detach(arn)}>{ "Detach" }</button></li>
                                }) }
                                { for role.inline_policies.iter().map(|p| html! {
                                    <li key={format!("inline-{}", p.name)}><span title={p.document.clone()}>{ format!("inline: {}", p.name) }</span>
                                        <button type="button" class="small" onclick={delete(&p.name)}>{ "Delete" }</button></li>
                                }) }
                                if role.attached_policies.is_empty() && role.inline_policies.is_empty() { <li class="muted">{ "no permissions policies" }</li> }
                            </ul>
                        </li>
                    }
                }) }
            </ul>
            { subhead("Role editor") }
            { field("Role name", "roleName", &name) }
            <label class="field"><span>{ "Trust policy (who may assume the role)" }</span>
                <textarea name="trustPolicy" class="policy-text" spellcheck="false" rows="8" value={(*trust).clone()} oninput={on_input(&trust)} />
            </label>
            { policy_check(&trust, PolicyKind::Trust) }
            <button type="button" class="primary" onclick={create}>{ "Create role (iam:CreateRole)" }</button>
            { field("Inline policy name", "policyName", &policy_name) }
            <label class="field"><span>{ "Inline policy (what the role may do)" }</span>
                <textarea name="inlinePolicy" class="policy-text" spellcheck="false" rows="9" value={(*policy).clone()} oninput={on_input(&policy)} />
            </label>
            { policy_check(&policy, PolicyKind::Identity) }
            { button("Save inline policy (iam:PutRolePolicy)", put) }
            { select("AWS managed policy", "managedPolicy", &managed, &managed_options) }
            { call_button("Attach to the role (iam:AttachRolePolicy)", false, attach, &result) }
            <TaskCallForm />
        </div>
    }
}

/// Pretty JSON of a policy document (or the text as it is).
fn pretty_json(text: &str) -> String {
    serde_json::from_str::<Value>(text).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or_else(|| text.to_string())
}

/// "Test a call from a task": `sim:TaskCall`, IAM decides with the task's role.
#[function_component(TaskCallForm)]
fn task_call_form() -> Html {
    let sim = use_sim();
    let view = sim.view();
    let targets = call_targets(&view);
    let target = use_text("");
    let action = use_text("s3:GetObject");
    let resource = use_text("arn:aws:s3:::example-bucket/report.csv");
    let result = use_outcome();
    let target_value = if targets.iter().any(|t| t.0 == *target) { (*target).clone() } else { targets.first().map(|t| t.0.clone()).unwrap_or_default() };
    let run = {
        let (sim, action, resource, result, target_value) = (sim.clone(), action.clone(), resource.clone(), result.clone(), target_value.clone());
        Callback::from(move |_| {
            let Some(mut input) = target_input(&sim.view(), &target_value) else {
                return result.set(Some(Err("No running task to make the call: start a service or a task first.".into())));
            };
            input["action"] = json!(action.trim());
            input["resource"] = json!(resource.trim());
            result.set(Some(sim.dispatch("sim:TaskCall", input).and_then(|out| {
                let lines: Vec<(bool, String)> = out["results"].as_array().map(|list| list.iter().map(|r| {
                    let task = r["taskArn"].as_str().map(arn_name).unwrap_or("?");
                    (r["allowed"].as_bool().unwrap_or(false), format!("Task {}: {}", super::map::short_id(task), r["explanation"].as_str().unwrap_or("")))
                }).collect()).unwrap_or_default();
                let text = lines.iter().map(|l| l.1.clone()).collect::<Vec<_>>().join("\n");
                if lines.iter().all(|l| l.0) { Ok(text) } else { Err(text) }
            })));
        })
    };
    html! {
        <>
            { subhead("Test a call from a task") }
            { hint("The application in the task calls an AWS API with its task role's credentials; IAM decides.") }
            { select_current("From", "callTarget", &target, &targets, &target_value) }
            { field("Action", "callAction", &action) }
            { field("Resource ARN", "callResource", &resource) }
            <button type="button" onclick={run} disabled={targets.is_empty()}>{ "Make the call (sim:TaskCall)" }</button>
            if targets.is_empty() { { hint("No running task yet.") } }
            { outcome(&result) }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct TaskAccessProps {
    pub task: TaskView,
}

/// The Why? panel's permissions part for a task: roles, calls made, the decision on the selected
/// call, and why containers did not start.
#[function_component(TaskAccess)]
pub fn task_access(props: &TaskAccessProps) -> Html {
    let task = &props.task;
    let chosen = use_state(|| None::<usize>);
    let log = &task.access_log;
    // By default the latest denied call (else the latest call) is explained.
    let default = log.iter().rposition(|a| !a.allowed).or_else(|| log.len().checked_sub(1));
    let current = chosen.filter(|i| *i < log.len()).or(default);
    let role = |arn: &Option<String>, none: &str| arn.as_deref().map(|a| a.to_string()).unwrap_or_else(|| none.to_string());
    html! {
        <div class="task-access">
            { subhead("Permissions (IAM)") }
            <dl class="kv">
                <dt>{ "Task role" }</dt><dd class="task-role">{ role(&task.task_role_arn, "none: the application has no AWS credentials") }</dd>
                <dt>{ "Execution role" }</dt><dd class="execution-role">{ role(&task.execution_role_arn, "none: ECS cannot pull private ECR images, fetch secrets or send awslogs for this task") }</dd>
                if !task.efs_mounts.is_empty() {
                    <dt>{ "EFS mounts" }</dt>
                    <dd>{ task.efs_mounts.iter().map(|m| format!("{}: {} {} via the mount target in {}", m.volume, m.file_system_id, m.root_directory, m.availability_zone)).collect::<Vec<_>>().join("; ") }</dd>
                }
            </dl>
            if task.container_reasons.iter().any(|c| task.stopped_reason.as_deref() != Some(c.reason.as_str())) {
                <h4>{ "Why containers did not start" }</h4>
                <ul class="container-reasons">
                    { for task.container_reasons.iter().filter(|c| task.stopped_reason.as_deref() != Some(c.reason.as_str())).map(|c| html! { <li key={c.container.clone()} class="error-text">{ format!("{}: {}", c.container, c.reason) }</li> }) }
                </ul>
            }
            if !log.is_empty() {
                <h4 class="access-title">{ format!("AWS calls made by the application: {}, {} denied", log.len(), task.n_denied_calls) }</h4>
                if let Some(a) = current.and_then(|i| log.get(i)) {
                    <div class={classes!("access-explanation", if a.allowed { "allowed" } else { "denied" })} aria-live="polite">
                        <strong>{ format!("{} at {}: {}", a.action, format_elapsed(a.time.as_millis()), if a.allowed { "allowed" } else { "denied" }) }</strong>
                        <p>{ &a.explanation }</p>
                        <p class="muted">{ format!("As {}", a.principal) }</p>
                    </div>
                }
                <div class="table-scroll">
                    <table class="access-table">
                        <thead><tr><th scope="col">{ "Time" }</th><th scope="col">{ "Call (action, resource)" }</th><th scope="col">{ "Result" }</th></tr></thead>
                        <tbody>
                            { for log.iter().enumerate().map(|(i, a)| {
                                let onclick = { let chosen = chosen.clone(); Callback::from(move |_| chosen.set(Some(i))) };
                                html! {
                                    <tr key={i} class={classes!("access-row", (current == Some(i)).then_some("chosen"))} onclick={onclick} data-allowed={a.allowed.to_string()}
                                        title="Show which statement decided this call">
                                        <td>{ format_elapsed(a.time.as_millis()) }</td>
                                        <td><button type="button" class="link-button">{ &a.action }</button>
                                            <div class="access-resource muted" title={a.resource.clone()}>{ &a.resource }</div></td>
                                        <td class={classes!("access-result", if a.allowed { "ok-text" } else { "error-text" })}>{ if a.allowed { "✓ allowed" } else { "✗ denied" } }</td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            } else if task.task_role_arn.is_some() {
                { hint("No AWS calls from this task yet (try the IAM tab's \"Test a call from a task\").") }
            }
        </div>
    }
}
