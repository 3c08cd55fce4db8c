//! The builder: cluster (EC2 instances), task definitions (form and JSON, kept in sync, validated
//! live by the core), services, RunTask, files (import, export, share link) and the API console. Every action is an
//! AWS call through `SimHandle::dispatch`; a refusal shows AWS's message inline.

use ecs_sim::catalog::INSTANCE_TYPES;
use ecs_sim::view::{ClusterStatus, NetworkMode, ServiceStatus, TaskDefinitionStatus, View};
use serde_json::{json, Map, Value};
use yew::prelude::*;

use crate::components::form::{button, call_button, check_box, checked, event_value, field, hint, on_change, outcome, pairs, row, select, subhead, use_flag, use_outcome, use_text};
use crate::driver::{use_sim, SimHandle};

/// The builder's tabs.
const TABS: [&str; 10] = ["Cluster", "Task definitions", "Services", "Run task", "Load balancing", "Scaling", "IAM", "Storage", "Files", "API"];

#[function_component(Builder)]
pub fn builder() -> Html {
    let tab = use_state(|| "Task definitions");
    html! {
        <aside class="panel builder" aria-labelledby="builder-title">
            <h2 id="builder-title" class="panel-title">{ "Builder" }</h2>
            <div class="tabs" role="tablist">
                { for TABS.iter().map(|t| {
                    let onclick = { let tab = tab.clone(); Callback::from(move |_| tab.set(t)) };
                    html! { <button key={*t} type="button" role="tab" aria-selected={(*tab == *t).to_string()} class={classes!("tab", (*tab == *t).then_some("active"))} onclick={onclick}>{ *t }</button> }
                }) }
            </div>
            <div class="tab-body" role="tabpanel">
                {
                    match *tab {
                        "Cluster" => html! { <ClusterForm /> },
                        "Task definitions" => html! { <TaskDefinitionForm /> },
                        "Services" => html! { <ServiceForm /> },
                        "Run task" => html! { <RunTaskForm /> },
                        "IAM" => html! { <super::iam::IamForm /> },
                        "Storage" => html! { <super::storage::StorageForm /> },
                        "Load balancing" => html! { <super::loadbalancing::LoadBalancingForm /> },
                        "Scaling" => html! { <super::scaling::ScalingForm /> },
                        "API" => html! { <super::console::ApiConsole /> },
                        _ => html! { <FilesForm /> },
                    }
                }
            </div>
        </aside>
    }
}

/// The instance types of the catalog as select options: `m5.large (2 vCPU, 8192 MiB)`.
pub(crate) fn instance_type_options() -> Vec<(String, String)> {
    INSTANCE_TYPES.iter().map(|t| (t.name.to_string(), format!("{} ({} vCPU, {} MiB)", t.name, t.vcpus, t.memory_mib_nominal))).collect()
}

/// The cluster the forms act on: the first active one.
pub(crate) fn current_cluster(view: &View) -> Option<String> {
    view.clusters.iter().find(|c| c.status == ClusterStatus::Active).map(|c| c.name.clone())
}

#[function_component(ClusterForm)]
fn cluster_form() -> Html {
    let sim = use_sim();
    let view = sim.view();
    let instance_type = use_text("m5.large");
    let count = use_text("1");
    let profile = use_text("ecsInstanceRole");
    let subnet = use_state(|| view.subnets.first().map(|s| s.subnet_id.clone()).unwrap_or_default());
    let cluster_name = use_text("demo");
    let result = use_outcome();
    let cluster = current_cluster(&view);
    let create_cluster = {
        let (sim, name, result) = (sim.clone(), cluster_name.clone(), result.clone());
        Callback::from(move |_| {
            result.set(Some(sim.dispatch("ecs:CreateCluster", json!({ "clusterName": *name })).map(|_| format!("Cluster {} created.", *name))));
        })
    };
    let launch = {
        let (sim, instance_type, count, subnet, result, cluster, profile) = (sim.clone(), instance_type.clone(), count.clone(), subnet.clone(), result.clone(), cluster.clone(), profile.clone());
        Callback::from(move |_| {
            let Ok(n) = count.trim().parse::<u32>() else {
                result.set(Some(Err("Count must be a whole number.".into())));
                return;
            };
            let cluster = cluster.clone().unwrap_or_else(|| "default".into());
            let mut input = json!({
                "InstanceType": *instance_type, "MinCount": n, "MaxCount": n, "SubnetId": *subnet,
                "UserData": format!("#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config"),
            });
            if !profile.is_empty() {
                input["IamInstanceProfile"] = json!({ "Name": *profile });
            }
            result.set(Some(sim.dispatch("ec2:RunInstances", input).map(|_| format!("Launching {n} × {} (they register with cluster {cluster} once booted).", *instance_type))));
        })
    };
    // Container Insights: the check box shows the cluster's setting from the view; a change is the call.
    let insights_result = use_outcome();
    let insights_on = view.clusters.iter().find(|c| Some(&c.name) == cluster.as_ref()).is_some_and(|c| c.container_insights != "disabled");
    let toggle_insights = {
        let (sim, cluster, result) = (sim.clone(), cluster.clone(), insights_result.clone());
        Callback::from(move |e: Event| {
            let Some(cluster) = cluster.clone() else { return };
            let value = if checked(&e) { "enabled" } else { "disabled" };
            let input = json!({ "cluster": cluster, "settings": [{ "name": "containerInsights", "value": value }] });
            result.set(Some(sim.dispatch("ecs:UpdateClusterSettings", input).map(|out| {
                format!("Container Insights is {} for cluster {cluster}.", out["cluster"]["settings"][0]["value"].as_str().unwrap_or(value))
            })));
        })
    };
    let types = instance_type_options();
    let subnets: Vec<(String, String)> = view.subnets.iter().map(|s| (s.subnet_id.clone(), format!("{} ({})", s.subnet_id, s.availability_zone))).collect();
    let mut profiles: Vec<(String, String)> = view.instance_profiles.iter().map(|p| (p.name.clone(), format!("{} → role {}", p.name, if p.roles.is_empty() { "none".to_string() } else { p.roles.join(", ") }))).collect();
    if !profiles.iter().any(|p| p.0 == "ecsInstanceRole") {
        profiles.insert(0, ("ecsInstanceRole".into(), "ecsInstanceRole".into()));
    }
    profiles.push((String::new(), "(none: the agent cannot register)".into()));
    html! {
        <div class="form">
            { hint(&match &cluster { Some(c) => format!("Cluster: {c}"), None => "No cluster yet: create one first.".to_string() }) }
            if cluster.is_none() {
                { field("Cluster name", "clusterName", &cluster_name) }
                { button("Create cluster (ecs:CreateCluster)", create_cluster) }
            } else {
                <label class="check"><input type="checkbox" name="containerInsights" checked={insights_on} onchange={toggle_insights} />{ "Container Insights (ecs:UpdateClusterSettings)" }</label>
                { outcome(&insights_result) }
                { hint("While it is on, the cluster publishes ECS/ContainerInsights metrics each minute (billed as custom metrics in AWS).") }
            }
            { subhead("Launch EC2 instances") }
            { select("Instance type", "instanceType", &instance_type, &types) }
            { field("Count", "count", &count) }
            { select("Subnet (Availability Zone)", "subnet", &subnet, &subnets) }
            { select("Instance profile (the ECS agent's IAM role)", "instanceProfile", &profile, &profiles) }
            { call_button("Launch (ec2:RunInstances)", false, launch, &result) }
            { hint("To drain or terminate an instance, select it on the map: its actions appear in the Why? panel.") }
        </div>
    }
}

/// The task definition form's fields.
#[derive(Clone, PartialEq)]
struct TdForm {
    family: String,
    launch_type: String,
    cpu: String,
    memory: String,
    network_mode: String,
    container_name: String,
    image: String,
    container_cpu: String,
    container_memory: String,
    container_port: String,
    task_role: String,
    execution_role: String,
}

impl Default for TdForm {
    fn default() -> Self {
        TdForm {
            family: "my-app".into(),
            launch_type: "FARGATE".into(),
            cpu: "256".into(),
            memory: "512".into(),
            network_mode: "awsvpc".into(),
            container_name: "app".into(),
            image: "public.ecr.aws/nginx/nginx:1.27".into(),
            container_cpu: String::new(),
            container_memory: String::new(),
            container_port: "80".into(),
            task_role: String::new(),
            execution_role: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole".into(),
        }
    }
}

impl TdForm {
    fn to_json(&self) -> Value {
        let mut container = Map::new();
        container.insert("name".into(), json!(self.container_name));
        container.insert("image".into(), json!(self.image));
        container.insert("essential".into(), json!(true));
        let number = |s: &str| s.trim().parse::<u64>().map(Value::from).unwrap_or_else(|_| json!(s.trim()));
        if !self.container_cpu.trim().is_empty() {
            container.insert("cpu".into(), number(&self.container_cpu));
        }
        if !self.container_memory.trim().is_empty() {
            container.insert("memory".into(), number(&self.container_memory));
        }
        if !self.container_port.trim().is_empty() {
            container.insert("portMappings".into(), json!([{ "containerPort": number(&self.container_port), "protocol": "tcp" }]));
        }
        let mut doc = Map::new();
        doc.insert("family".into(), json!(self.family));
        doc.insert("requiresCompatibilities".into(), json!([self.launch_type]));
        doc.insert("networkMode".into(), json!(self.network_mode));
        if !self.cpu.trim().is_empty() {
            doc.insert("cpu".into(), json!(self.cpu.trim()));
        }
        if !self.memory.trim().is_empty() {
            doc.insert("memory".into(), json!(self.memory.trim()));
        }
        if !self.task_role.is_empty() {
            doc.insert("taskRoleArn".into(), json!(self.task_role));
        }
        if !self.execution_role.is_empty() {
            doc.insert("executionRoleArn".into(), json!(self.execution_role));
        }
        doc.insert("containerDefinitions".into(), json!([Value::Object(container)]));
        Value::Object(doc)
    }

    /// Reads the form's fields back from a JSON document (fields the form lacks stay in the JSON only).
    fn from_json(doc: &Value, previous: &TdForm) -> TdForm {
        let text = |v: Option<&Value>| match v {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let container = doc.get("containerDefinitions").and_then(|c| c.get(0));
        TdForm {
            family: text(doc.get("family")),
            launch_type: doc.get("requiresCompatibilities").and_then(|c| c.get(0)).and_then(Value::as_str).unwrap_or(&previous.launch_type).to_string(),
            cpu: text(doc.get("cpu")),
            memory: text(doc.get("memory")),
            network_mode: doc.get("networkMode").and_then(Value::as_str).unwrap_or("bridge").to_string(),
            container_name: text(container.and_then(|c| c.get("name"))),
            image: text(container.and_then(|c| c.get("image"))),
            container_cpu: text(container.and_then(|c| c.get("cpu"))),
            container_memory: text(container.and_then(|c| c.get("memory"))),
            container_port: text(container.and_then(|c| c.get("portMappings")).and_then(|p| p.get(0)).and_then(|p| p.get("containerPort"))),
            task_role: text(doc.get("taskRoleArn")),
            execution_role: text(doc.get("executionRoleArn")),
        }
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// `path: message` lines of the core's validation, empty when valid.
fn validate(text: &str) -> Vec<String> {
    match ecs_sim::taskdef::parse_task_definition_str(text) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect(),
    }
}

#[function_component(TaskDefinitionForm)]
fn task_definition_form() -> Html {
    let sim = use_sim();
    let draft = use_reducer(TdDraft::default);
    let result = use_outcome();
    let errors = use_memo(draft.json_text.clone(), |text| validate(text));

    // A form edit rewrites the JSON; a JSON edit updates the form (when it parses). Both go through the
    // reducer, so two edits before a re-render both land (a handler's copy of the state may be stale).
    let set_field = |apply: fn(&mut TdForm, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| draft.dispatch(TdEdit::Field(apply, event_value(&e))))
    };
    let on_json = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| draft.dispatch(TdEdit::Json(event_value(&e))))
    };
    let register = {
        let (sim, draft, result) = (sim.clone(), draft.clone(), result.clone());
        Callback::from(move |_| match serde_json::from_str::<Value>(&draft.json_text) {
            Ok(doc) => result.set(Some(sim.dispatch("ecs:RegisterTaskDefinition", doc).map(|out| {
                let td = &out["taskDefinition"];
                format!("Registered {}:{}.", td["family"].as_str().unwrap_or("?"), td["revision"])
            }))),
            Err(e) => result.set(Some(Err(format!("The JSON does not parse: {e}")))),
        })
    };
    let f = &draft.form;
    let view = sim.view();
    let roles: Vec<&str> = view.roles.iter().map(|r| r.arn.as_str()).collect();
    html! {
        <div class="form td-form">
            <div class="td-columns">
                <fieldset class="td-fields">
                    <legend>{ "Form" }</legend>
                    { td_text("Family", "family", &f.family, set_field(|f, v| f.family = v)) }
                    { td_select("Launch type", "launchType", &f.launch_type, &["FARGATE", "EC2"], set_field(|f, v| f.launch_type = v)) }
                    { td_text("Task CPU (units)", "cpu", &f.cpu, set_field(|f, v| f.cpu = v)) }
                    { td_text("Task memory (MiB)", "memory", &f.memory, set_field(|f, v| f.memory = v)) }
                    { td_select("Network mode", "networkMode", &f.network_mode, &["awsvpc", "bridge", "host", "none"], set_field(|f, v| f.network_mode = v)) }
                    { td_text("Container name", "containerName", &f.container_name, set_field(|f, v| f.container_name = v)) }
                    { td_text("Image", "image", &f.image, set_field(|f, v| f.image = v)) }
                    { td_text("Container CPU (units)", "containerCpu", &f.container_cpu, set_field(|f, v| f.container_cpu = v)) }
                    { td_text("Container memory (MiB)", "containerMemory", &f.container_memory, set_field(|f, v| f.container_memory = v)) }
                    { td_text("Container port", "containerPort", &f.container_port, set_field(|f, v| f.container_port = v)) }
                    { td_role("Task role (taskRoleArn)", "taskRoleArn", &f.task_role, &roles, set_field(|f, v| f.task_role = v)) }
                    { td_role("Execution role (executionRoleArn)", "executionRoleArn", &f.execution_role, &roles, set_field(|f, v| f.execution_role = v)) }
                </fieldset>
                <label class="field td-json"><span>{ "JSON (RegisterTaskDefinition input)" }</span>
                    <textarea name="taskDefinitionJson" spellcheck="false" rows="14" value={draft.json_text.clone()} oninput={on_json} />
                </label>
            </div>
            if errors.is_empty() {
                <p class="ok-text validation">{ "✓ Valid task definition" }</p>
            } else {
                <ul class="validation errors" aria-live="polite">
                    { for errors.iter().enumerate().map(|(i, e)| html! { <li key={i} class="error-text">{ e }</li> }) }
                </ul>
            }
            { call_button("Register (ecs:RegisterTaskDefinition)", true, register, &result) }
            { subhead("Registered") }
            <ul class="td-list">
                { for view.task_definitions.iter().map(|td| {
                    let name = format!("{}:{}", td.family, td.revision);
                    let deregister = {
                        let (sim, result, name) = (sim.clone(), result.clone(), name.clone());
                        Callback::from(move |_| result.set(Some(sim.dispatch("ecs:DeregisterTaskDefinition", json!({ "taskDefinition": name })).map(|_| format!("Deregistered {name}.")))))
                    };
                    let download = data_href(&td.json);
                    html! {
                        <li key={td.arn.clone()} class="td-item" data-family={td.family.clone()}>
                            <span class="td-name">{ &name }</span>
                            <span class={classes!("td-status", (td.status != TaskDefinitionStatus::Active).then_some("muted"))}>{ td.status.as_aws() }</span>
                            <a class="link" href={download} download={format!("{}-{}.json", td.family, td.revision)}>{ "Export" }</a>
                            if td.status == TaskDefinitionStatus::Active { <button type="button" class="small" onclick={deregister}>{ "Deregister" }</button> }
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// The change callback of one task definition form field: applies the field's value to the form
/// and rewrites the JSON from it.
/// The task definition being drafted: the form's fields and the JSON beside them.
#[derive(Clone, PartialEq)]
struct TdDraft {
    form: TdForm,
    json_text: String,
}

impl Default for TdDraft {
    fn default() -> TdDraft {
        let form = TdForm::default();
        TdDraft { json_text: pretty(&form.to_json()), form }
    }
}

/// An edit of the draft: a form field (how to set it, and the new value), or the JSON text.
enum TdEdit {
    Field(fn(&mut TdForm, String), String),
    Json(String),
}

impl Reducible for TdDraft {
    type Action = TdEdit;

    fn reduce(self: std::rc::Rc<Self>, edit: TdEdit) -> std::rc::Rc<Self> {
        let mut next = (*self).clone();
        match edit {
            TdEdit::Field(apply, value) => {
                apply(&mut next.form, value);
                next.json_text = pretty(&next.form.to_json());
            }
            TdEdit::Json(text) => {
                if let Ok(doc) = serde_json::from_str::<Value>(&text) {
                    next.form = TdForm::from_json(&doc, &next.form);
                }
                next.json_text = text;
            }
        }
        std::rc::Rc::new(next)
    }
}

/// A task definition text field (bound on change, so the JSON is rewritten once per edit).
fn td_text(label: &str, name: &str, value: &str, onchange: Callback<Event>) -> Html {
    html! { <label class="field"><span>{ label.to_string() }</span><input name={name.to_string()} value={value.to_string()} {onchange} /></label> }
}

/// A task definition select of fixed values.
fn td_select(label: &str, name: &str, value: &str, options: &[&'static str], onchange: Callback<Event>) -> Html {
    html! { <label class="field"><span>{ label.to_string() }</span>
        <select name={name.to_string()} {onchange}>
            { for options.iter().map(|o| html! { <option key={o.to_string()} value={o.to_string()} selected={*o == value}>{ o.to_string() }</option> }) }
        </select></label> }
}

/// A role select listing the account's roles (`arns`); a value typed into the JSON stays selectable.
fn td_role(label: &str, name: &str, value: &str, arns: &[&str], onchange: Callback<Event>) -> Html {
    let mut arns = arns.to_vec();
    if !value.is_empty() && !arns.contains(&value) {
        arns.push(value);
    }
    html! { <label class="field td-role"><span>{ label.to_string() }</span>
        <select name={name.to_string()} {onchange}>
            <option value="" selected={value.is_empty()}>{ "(none)" }</option>
            { for arns.iter().map(|a| html! { <option key={a.to_string()} value={a.to_string()} selected={*a == value}>{ a.rsplit('/').next().unwrap_or(a).to_string() }</option> }) }
        </select></label> }
}

/// A `data:` URL of JSON text, for download links (allowed by the CSP for links).
fn data_href(text: &str) -> String {
    format!("data:application/json;charset=utf-8,{}", String::from(js_sys::encode_uri_component(text)))
}

/// Placement strategy presets: (id, label, JSON).
fn strategy_presets() -> Vec<(&'static str, &'static str, Value, Value)> {
    vec![
        ("spread-az", "AZ balanced spread", json!([{ "type": "spread", "field": "attribute:ecs.availability-zone" }, { "type": "spread", "field": "instanceId" }]), json!([])),
        ("az-binpack", "AZ balanced binpack", json!([{ "type": "spread", "field": "attribute:ecs.availability-zone" }, { "type": "binpack", "field": "memory" }]), json!([])),
        ("binpack-memory", "Binpack memory", json!([{ "type": "binpack", "field": "memory" }]), json!([])),
        ("random", "Random", json!([{ "type": "random" }]), json!([])),
        ("distinct", "One task per host", json!([]), json!([{ "type": "distinctInstance" }])),
    ]
}

fn active_task_definitions(sim: &SimHandle) -> Vec<(String, String)> {
    sim.view().task_definitions.iter().filter(|t| t.status == TaskDefinitionStatus::Active).map(|t| {
        let name = format!("{}:{}", t.family, t.revision);
        let compatibilities: Vec<&str> = t.compatibilities.iter().map(|c| c.as_aws()).collect();
        (name.clone(), format!("{name} ({}, {})", compatibilities.join("/"), t.network_mode.as_aws()))
    }).rev().collect()
}

fn network_configuration(sim: &SimHandle, task_definition: &str, subnets: &[String]) -> Option<Value> {
    let view = sim.view();
    let td = view.task_definitions.iter().find(|t| format!("{}:{}", t.family, t.revision) == task_definition)?;
    (td.network_mode == NetworkMode::Awsvpc).then(|| json!({ "awsvpcConfiguration": { "subnets": subnets, "assignPublicIp": "DISABLED" } }))
}

/// The launch choice of the service and RunTask forms: a launch type, or this value for a capacity
/// provider strategy.
const STRATEGY: &str = "capacityProviderStrategy";

/// Up to two capacity provider strategy items: (capacityProvider, base, weight) as typed.
type StrategyRows = [(UseStateHandle<String>, UseStateHandle<String>, UseStateHandle<String>); 2];

#[hook]
fn use_strategy_rows() -> StrategyRows {
    let first = (use_text(""), use_text("0"), use_text("1"));
    let second = (use_text("-"), use_text("0"), use_text("1"));
    [first, second]
}

/// The providers a strategy may name: the cluster's (PutClusterCapacityProviders), or when it has none
/// the Fargate ones and every Auto Scaling group provider (CreateService then says what to associate).
fn strategy_providers(sim: &SimHandle) -> Vec<String> {
    let view = sim.view();
    let cluster = view.clusters.iter().find(|c| c.status == ClusterStatus::Active);
    match cluster.map(|c| c.capacity_providers.clone()).filter(|p| !p.is_empty()) {
        Some(providers) => providers,
        None => ["FARGATE", "FARGATE_SPOT"].iter().map(|p| p.to_string()).chain(view.scaling.capacity_providers.iter().map(|c| c.name.clone())).collect(),
    }
}

/// The strategy as request JSON (rows whose provider is "-" are left out), or a message naming the field.
fn strategy_json(rows: &StrategyRows, providers: &[String]) -> Result<Value, String> {
    let mut items = Vec::new();
    for (provider, base, weight) in rows {
        let provider = if provider.is_empty() { providers.first().cloned().unwrap_or_default() } else { (**provider).clone() };
        if provider == "-" {
            continue;
        }
        let field = |name: &str| format!("capacityProviderStrategy[{}].{name}", items.len());
        let (base, weight) = (super::scaling::whole(base, &field("base"))?, super::scaling::whole(weight, &field("weight"))?);
        items.push(json!({ "capacityProvider": provider, "base": base, "weight": weight }));
    }
    Ok(Value::Array(items))
}

/// The strategy rows of a form: provider, base and weight per item; `prefix` names the inputs.
fn strategy_fields(rows: &StrategyRows, providers: &[String], prefix: &str) -> Html {
    let options: Vec<(String, String)> = providers.iter().map(|p| (p.clone(), p.clone())).collect();
    let mut second = vec![("-".to_string(), "(none)".to_string())];
    second.extend(options.iter().cloned());
    html! {
        <fieldset class="strategy"><legend>{ "Capacity provider strategy" }</legend>
            { for rows.iter().enumerate().map(|(i, (provider, base, weight))| html! {
                <div class="row" key={i}>
                    { select("capacityProvider", &format!("{prefix}Provider{i}"), provider, if i == 0 { &options } else { &second }) }
                    { field("base", &format!("{prefix}Base{i}"), base) }
                    { field("weight", &format!("{prefix}Weight{i}"), weight) }
                </div>
            }) }
            { hint("base tasks go to a provider first; the rest split by weight. FARGATE_SPOT runs at a discount and can be interrupted with a two-minute warning.") }
        </fieldset>
    }
}

/// The options of the forms' launch select: the launch types, or a capacity provider strategy.
fn launch_choices() -> Vec<(String, String)> {
    let mut choices = pairs(&["FARGATE", "EC2"]);
    choices.push((STRATEGY.to_string(), "Capacity provider strategy".to_string()));
    choices
}

/// Whether a strategy names only FARGATE and FARGATE_SPOT (no placement strategies then).
fn fargate_only(strategy: &Value) -> bool {
    strategy.as_array().is_some_and(|items| items.iter().all(|i| matches!(i["capacityProvider"].as_str(), Some("FARGATE" | "FARGATE_SPOT"))))
}

/// Sets `launchType`, or `capacityProviderStrategy` from the strategy rows, on a request.
fn launch_choice(input: &mut Value, launch_type: &str, rows: &StrategyRows, providers: &[String]) -> Result<(), String> {
    if launch_type == STRATEGY {
        input[STRATEGY] = strategy_json(rows, providers)?;
    } else {
        input["launchType"] = json!(launch_type);
    }
    Ok(())
}

#[function_component(ServiceForm)]
fn service_form() -> Html {
    let sim = use_sim();
    let view = sim.view();
    let tds = active_task_definitions(&sim);
    let name = use_text("my-service");
    let td = use_text("");
    let desired = use_text("3");
    let launch_type = use_text("FARGATE");
    let strategy_rows = use_strategy_rows();
    let providers = strategy_providers(&sim);
    let preset = use_text("spread-az");
    let min_percent = use_text("100");
    let max_percent = use_text("200");
    let breaker = use_flag(true);
    let excluded_subnets = use_state(Vec::<String>::new);
    let result = use_outcome();
    let update_service = use_text("");
    let update_desired = use_text("2");
    let update_td = use_text("");
    let update_strategy = use_flag(false);
    let update_rows = use_strategy_rows();
    let update_result = use_outcome();
    let td_value = if td.is_empty() { tds.first().map(|t| t.0.clone()).unwrap_or_default() } else { (*td).clone() };
    let subnets: Vec<String> = view.subnets.iter().map(|s| s.subnet_id.clone()).filter(|s| !excluded_subnets.contains(s)).collect();

    let create = {
        let (sim, name, desired, launch_type, preset, min_percent, max_percent, breaker, result, td_value, subnets, rows, providers) = (
            sim.clone(), name.clone(), desired.clone(), launch_type.clone(), preset.clone(), min_percent.clone(), max_percent.clone(), breaker.clone(), result.clone(), td_value.clone(), subnets.clone(),
            strategy_rows.clone(), providers.clone(),
        );
        Callback::from(move |_| {
            let Some(cluster) = current_cluster(&sim.view()) else {
                result.set(Some(Err("Create a cluster first (Cluster tab).".into())));
                return;
            };
            let parse = |s: &str, what: &str| s.trim().parse::<u32>().map_err(|_| format!("{what} must be a whole number."));
            let numbers = parse(&desired, "Desired count").and_then(|d| Ok((d, parse(&min_percent, "Minimum healthy percent")?, parse(&max_percent, "Maximum percent")?)));
            let (desired, min, max) = match numbers {
                Ok(n) => n,
                Err(e) => return result.set(Some(Err(e))),
            };
            let mut input = json!({
                "cluster": cluster, "serviceName": *name, "taskDefinition": td_value, "desiredCount": desired,
                "deploymentConfiguration": { "minimumHealthyPercent": min, "maximumPercent": max,
                    "deploymentCircuitBreaker": { "enable": *breaker, "rollback": *breaker } },
            });
            if let Err(e) = launch_choice(&mut input, &launch_type, &rows, &providers) {
                return result.set(Some(Err(e)));
            }
            if *launch_type == "EC2" || (*launch_type == STRATEGY && !fargate_only(&input[STRATEGY])) {
                if let Some((_, _, strategy, constraints)) = strategy_presets().into_iter().find(|p| p.0 == *preset) {
                    input["placementStrategy"] = strategy;
                    input["placementConstraints"] = constraints;
                }
            }
            if let Some(network) = network_configuration(&sim, &td_value, &subnets) {
                input["networkConfiguration"] = network;
            }
            result.set(Some(sim.dispatch("ecs:CreateService", input).map(|_| format!("Service {} created.", *name))));
        })
    };
    let services: Vec<(String, String)> = view.services.iter().filter(|s| s.status == ServiceStatus::Active).map(|s| (s.name.clone(), s.name.clone())).collect();
    let update_service_value = if update_service.is_empty() { services.first().map(|s| s.0.clone()).unwrap_or_default() } else { (*update_service).clone() };
    let update = {
        let (sim, update_desired, update_td, update_result, service) = (sim.clone(), update_desired.clone(), update_td.clone(), update_result.clone(), update_service_value.clone());
        let (change_strategy, rows, providers) = (*update_strategy, update_rows.clone(), providers.clone());
        Callback::from(move |_| {
            let Some(cluster) = current_cluster(&sim.view()) else { return };
            let mut input = json!({ "cluster": cluster, "service": service });
            if !update_desired.trim().is_empty() {
                match update_desired.trim().parse::<u32>() {
                    Ok(n) => input["desiredCount"] = json!(n),
                    Err(_) => return update_result.set(Some(Err("Desired count must be a whole number.".into()))),
                }
            }
            if !update_td.is_empty() {
                input["taskDefinition"] = json!(*update_td);
            }
            if change_strategy {
                match strategy_json(&rows, &providers) {
                    Ok(strategy) => input[STRATEGY] = strategy,
                    Err(e) => return update_result.set(Some(Err(e))),
                }
            }
            update_result.set(Some(sim.dispatch("ecs:UpdateService", input).map(|_| format!("Service {service} updated."))));
        })
    };
    let presets: Vec<(String, String)> = strategy_presets().iter().map(|p| (p.0.to_string(), p.1.to_string())).collect();
    let mut update_tds = vec![(String::new(), "(unchanged)".to_string())];
    update_tds.extend(tds.iter().cloned());
    html! {
        <div class="form">
            { subhead("Create service") }
            { field("Service name", "serviceName", &name) }
            <label class="field"><span>{ "Task definition" }</span>
                <select name="taskDefinition" onchange={on_change(&td)}>
                    if tds.is_empty() { <option value="">{ "(register one first)" }</option> }
                    { for tds.iter().map(|(v, t)| html! { <option key={v.clone()} value={v.clone()} selected={*v == td_value}>{ t }</option> }) }
                </select>
            </label>
            { field("Desired count", "desiredCount", &desired) }
            { select("Launch type", "launchType", &launch_type, &launch_choices()) }
            if *launch_type == STRATEGY { { strategy_fields(&strategy_rows, &providers, "service") } }
            if *launch_type == "EC2" || (*launch_type == STRATEGY && strategy_json(&strategy_rows, &providers).is_ok_and(|s| !fargate_only(&s))) {
                { select("Placement (EC2)", "placement", &preset, &presets) }
            }
            <fieldset class="subnets"><legend>{ "Subnets (awsvpc)" }</legend>
                { for view.subnets.iter().map(|s| {
                    let id = s.subnet_id.clone();
                    let on = { let excluded = excluded_subnets.clone(); let id = id.clone(); Callback::from(move |e: Event| {
                        let mut next = (*excluded).clone();
                        next.retain(|x| x != &id);
                        if !checked(&e) { next.push(id.clone()); }
                        excluded.set(next);
                    }) };
                    html! { <label key={id.clone()} class="check"><input type="checkbox" checked={!excluded_subnets.contains(&id)} onchange={on} />{ format!("{} ({})", id, s.availability_zone) }</label> }
                }) }
            </fieldset>
            { row(
                field("Min healthy %", "minimumHealthyPercent", &min_percent),
                field("Max %", "maximumPercent", &max_percent),
            ) }
            { check_box("Deployment circuit breaker (with rollback)", "", &breaker) }
            { call_button("Create (ecs:CreateService)", true, create, &result) }
            if !services.is_empty() {
                { subhead("Update service") }
                { select("Service", "updateService", &update_service, &services) }
                { field("Desired count", "updateDesiredCount", &update_desired) }
                { select("Task definition", "updateTaskDefinition", &update_td, &update_tds) }
                { check_box("Change capacity provider strategy (a different one starts a new deployment)", "updateChangeStrategy", &update_strategy) }
                if *update_strategy { { strategy_fields(&update_rows, &providers, "update") } }
                { call_button("Update (ecs:UpdateService)", false, update, &update_result) }
            }
        </div>
    }
}

#[function_component(RunTaskForm)]
fn run_task_form() -> Html {
    let sim = use_sim();
    let tds = active_task_definitions(&sim);
    let td = use_text("");
    let count = use_text("1");
    let launch_type = use_text("FARGATE");
    let strategy_rows = use_strategy_rows();
    let providers = strategy_providers(&sim);
    let result = use_outcome();
    let td_value = if td.is_empty() { tds.first().map(|t| t.0.clone()).unwrap_or_default() } else { (*td).clone() };
    let run = {
        let (sim, count, launch_type, result, td_value, rows, providers) =
            (sim.clone(), count.clone(), launch_type.clone(), result.clone(), td_value.clone(), strategy_rows.clone(), providers.clone());
        Callback::from(move |_| {
            let Some(cluster) = current_cluster(&sim.view()) else {
                return result.set(Some(Err("Create a cluster first (Cluster tab).".into())));
            };
            let Ok(n) = count.trim().parse::<u32>() else {
                return result.set(Some(Err("Count must be a whole number.".into())));
            };
            let subnets: Vec<String> = sim.view().subnets.iter().map(|s| s.subnet_id.clone()).collect();
            let mut input = json!({ "cluster": cluster, "taskDefinition": td_value, "count": n });
            if let Err(e) = launch_choice(&mut input, &launch_type, &rows, &providers) {
                return result.set(Some(Err(e)));
            }
            if let Some(network) = network_configuration(&sim, &td_value, &subnets) {
                input["networkConfiguration"] = network;
            }
            result.set(Some(sim.dispatch("ecs:RunTask", input).and_then(|out| {
                let started = out["tasks"].as_array().map_or(0, |t| t.len());
                let failures: Vec<String> = out["failures"].as_array().map(|f| f.iter().map(|x| format!("{} ({})", x["reason"].as_str().unwrap_or("?"), x["arn"].as_str().unwrap_or(""))).collect()).unwrap_or_default();
                if failures.is_empty() { Ok(format!("Started {started} task(s).")) } else { Err(format!("Started {started}; failures: {}", failures.join(", "))) }
            })));
        })
    };
    html! {
        <div class="form">
            { select("Task definition", "runTaskDefinition", &td, &tds) }
            { field("Count", "runCount", &count) }
            { select("Launch type", "runLaunchType", &launch_type, &launch_choices()) }
            if *launch_type == STRATEGY { { strategy_fields(&strategy_rows, &providers, "run") } }
            { call_button("Run (ecs:RunTask)", true, run, &result) }
            { hint("To stop a task, select its chip on the map.") }
        </div>
    }
}

#[function_component(FilesForm)]
fn files_form() -> Html {
    let sim = use_sim();
    let share = use_text("");
    let result = use_outcome();
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let make_share = {
        let (sim, share) = (sim.clone(), share.clone());
        Callback::from(move |_| {
            let location = gloo::utils::window().location();
            let base = format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
            share.set(format!("{base}#{}", sim.share_fragment()));
        })
    };
    let import = {
        let (sim, result, reader) = (sim.clone(), result.clone(), reader.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let (sim, result) = (sim.clone(), result.clone());
            let name = file.name();
            let task = gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |text| match text {
                Ok(text) => result.set(Some(sim.load_scenario_text(&text).map(|_| format!("Loaded scenario from {name}.")).map_err(|e| format!("{name} is not a valid scenario; nothing was changed.\n{e}")))),
                Err(e) => result.set(Some(Err(format!("Could not read {name}: {e}")))),
            });
            *reader.borrow_mut() = Some(task);
        })
    };
    html! {
        <div class="form">
            { subhead("Scenario files") }
            <a class="link button-link" href={data_href(&sim.scenario_json())} download="scenario.json">{ "Export scenario JSON" }</a>
            <label class="field"><span>{ "Import scenario JSON" }</span><input type="file" accept=".json,application/json" onchange={import} /></label>
            { outcome(&result) }
            { subhead("Share link") }
            { hint("A link that replays this exact run (scenario, seed and your calls) to the current sim time.") }
            { button("Create share link", make_share) }
            if !share.is_empty() {
                <input class="share-link" readonly=true aria-label="Share link" value={(*share).clone()} />
                { hint(&format!("{} characters", share.len())) }
            }
            { hint("Task definitions export from the Task definitions tab.") }
        </div>
    }
}
