//! IAM in the playground: the builder's IAM tab (roles, a role editor with IAM's live policy
//! validation, AWS managed policies, and a form to test a call from a task), and the task's
//! permissions in the Why? panel (its roles, the calls it made, and which statement decided each).

use ecs_sim::iam::managed::{aws_managed_policy_by_name, AWS_MANAGED_POLICIES};
use ecs_sim::iam::{parse_policy, PolicyKind};
use ecs_sim::view::{RoleView, TaskView};
use serde_json::Value;
use yew::prelude::*;

use crate::components::form::{button, call_button, field, hint, on_input, outcome, select, select_current, subhead, unique_keys, use_outcome, use_text, Outcome};
use crate::driver::{use_commands, use_view_select, Commands};
use crate::forms::iam::{delete_role_policy, detach_role_policy, pretty_json, task_call_input, task_call_outcome, trust_principals, RoleEditor};
use crate::forms::{arn_name, call_targets, current};
use crate::render_count::use_render_count;
use crate::text::format_elapsed;

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

/// Makes one of the role editor's calls; sets `result` to what it says when it worked, or AWS's refusal.
fn editor_call(commands: &Commands, result: &Outcome, (call, input, done): (&'static str, Value, String)) {
    result.set(Some(commands.dispatch(call, input).map(|_| done)));
}

#[function_component(IamForm)]
pub fn iam_form() -> Html {
    use_render_count("IamForm");
    let commands = use_commands();
    let roles = use_view_select(|v| v.roles.clone());
    let name = use_text("my-task-role");
    let trust = use_text(TRUST_ECS_TASKS);
    let policy_name = use_text("app-policy");
    let policy = use_text(INLINE_EXAMPLE);
    let managed = use_state(|| aws_managed_policy_by_name("AmazonS3ReadOnlyAccess").map(|p| p.arn()).unwrap_or_default());
    let result = use_outcome();

    // One AWS call from the editor's fields; `make` picks it.
    let call = |make: fn(&RoleEditor) -> (&'static str, Value, String)| {
        let (commands, name, trust, policy_name, policy, managed, result) = (commands.clone(), name.clone(), trust.clone(), policy_name.clone(), policy.clone(), managed.clone(), result.clone());
        Callback::from(move |_: MouseEvent| {
            let editor = RoleEditor { role: &name, trust_policy: &trust, policy_name: &policy_name, policy: &policy, managed: &managed };
            editor_call(&commands, &result, make(&editor));
        })
    };
    let create = call(|editor| editor.create_role());
    let put = call(|editor| editor.put_role_policy());
    let attach = call(|editor| editor.attach_role_policy());
    let managed_options: Vec<(String, String)> = AWS_MANAGED_POLICIES.iter().map(|p| (p.arn(), p.name.to_string())).collect();
    html! {
        <div class="form iam-form">
            { subhead(&format!("Roles ({})", roles.len())) }
            <ul class="role-list">
                { for roles.iter().map(|role: &RoleView| {
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
                        let (commands, result, role, arn) = (commands.clone(), result.clone(), role.name.clone(), arn.to_string());
                        Callback::from(move |_| editor_call(&commands, &result, detach_role_policy(&role, &arn)))
                    };
                    let delete = |policy: &str| {
                        let (commands, result, role, policy) = (commands.clone(), result.clone(), role.name.clone(), policy.to_string());
                        Callback::from(move |_| editor_call(&commands, &result, delete_role_policy(&role, &policy)))
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

/// "Test a call from a task": `sim:TaskCall`, IAM decides with the task's role.
#[function_component(TaskCallForm)]
fn task_call_form() -> Html {
    use_render_count("TaskCallForm");
    let commands = use_commands();
    let targets = use_view_select(call_targets);
    let target = use_text("");
    let action = use_text("s3:GetObject");
    let resource = use_text("arn:aws:s3:::example-bucket/report.csv");
    let result = use_outcome();
    let target_value = current(&target, &targets);
    let run = {
        let (commands, action, resource, result, target_value) = (commands.clone(), action.clone(), resource.clone(), result.clone(), target_value.clone());
        Callback::from(move |_| {
            let input = task_call_input(&commands.view(), &target_value, &action, &resource);
            result.set(Some(input.and_then(|input| commands.dispatch("sim:TaskCall", input)).and_then(|out| task_call_outcome(&out))));
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
    use_render_count("TaskAccess");
    let task = &props.task;
    let log = &task.access_log;
    // A call's key: its time, action and resource (the log keeps the last 100 calls, so positions shift).
    let keys = unique_keys(log.iter().map(|a| format!("{}|{}|{}", a.time.as_millis(), a.action, a.resource)));
    let chosen = use_state(|| None::<String>);
    // By default the latest denied call (else the latest call) is explained.
    let default = log.iter().rposition(|a| !a.allowed).or_else(|| log.len().checked_sub(1));
    let current = chosen.as_ref().and_then(|key| keys.iter().position(|k| k == key)).or(default);
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
                            { for log.iter().zip(&keys).enumerate().map(|(i, (a, key))| {
                                let onclick = { let (chosen, key) = (chosen.clone(), key.clone()); Callback::from(move |_| chosen.set(Some(key.clone()))) };
                                html! {
                                    <tr key={key.clone()} class={classes!("access-row", (current == Some(i)).then_some("chosen"))} onclick={onclick} data-allowed={a.allowed.to_string()}
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
