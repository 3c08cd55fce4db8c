//! The builder: cluster (EC2 instances), task definitions (form and JSON, kept in sync, validated
//! live by the core), services, RunTask, files (import, export, share link) and the API console. Every action is an
//! AWS call through `Commands::dispatch`; a refusal shows AWS's message inline. The forms' models are in
//! `forms/`; each form reads its options with a selector, so the run playing does not re-render it.

use ecs_sim::view::TaskDefinitionStatus;
use yew::prelude::*;

use crate::components::console::ApiConsole;
use crate::components::export::ExportForm;
use crate::components::form::{button, call_button, check_box, checked, event_value, field, hint, on_change, outcome, row, select, select_current, subhead, unique_keys, use_flag, use_outcome, use_text};
use crate::forms::current;
use crate::components::iam::IamForm;
use crate::components::loadbalancing::LoadBalancingForm;
use crate::components::logs::LogsForm;
use crate::components::network::NetworkPanel;
use crate::components::scaling::ScalingForm;
use crate::components::data::DataTab;
use crate::components::storage::StorageForm;
use crate::driver::{use_commands, use_scenario, use_view_select};
use crate::forms::cluster::{self, instance_type_options, LaunchInstances};
use crate::forms::service::{self, container_ports, is_awsvpc, launch_choices, places_on_ec2, run_task_outcome, strategy_presets, CreateService, RunTask, StrategyRow, UpdateService, STRATEGY};
use crate::forms::taskdef::{self, TdDraft, TdEdit, TdForm};
use crate::render_count::use_render_count;

/// The builder's tabs.
const TABS: [&str; 17] = ["Cluster", "Task definitions", "Services", "Run task", "Load balancing", "Scaling", "Alarms", "IAM", "Storage", "Network", "Logs", "Insights", "EventBridge", "Files", "Data", "API", "Lessons"];

#[function_component(Builder)]
pub fn builder() -> Html {
    use_render_count("Builder");
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
                        "IAM" => html! { <IamForm /> },
                        "Storage" => html! { <StorageForm /> },
                        "Data" => html! { <DataTab /> },
                        "Network" => html! { <NetworkPanel /> },
                        "Load balancing" => html! { <LoadBalancingForm /> },
                        "Scaling" => html! { <ScalingForm /> },
                        "Alarms" => html! { <crate::components::alarms::AlarmsTab /> },
                        "Logs" => html! { <LogsForm /> },
                        "EventBridge" => html! { <crate::components::events::EventsTab /> },
                        "Insights" => html! { <crate::components::insights::InsightsPanel /> },
                        "API" => html! { <ApiConsole /> },
                        "Lessons" => html! { <crate::components::lessons::LessonsPanel /> },
                        _ => html! { <FilesForm /> },
                    }
                }
            </div>
        </aside>
    }
}

#[function_component(ClusterForm)]
fn cluster_form() -> Html {
    use_render_count("ClusterForm");
    let commands = use_commands();
    let options = use_view_select(cluster::options);
    let instance_type = use_text("m5.large");
    let count = use_text("1");
    let profile = use_text("ecsInstanceRole");
    let subnet = use_state(|| options.subnets.first().map(|s| s.0.clone()).unwrap_or_default());
    let cluster_name = use_text("demo");
    let result = use_outcome();
    // The cluster the tab acts on: the one picked, or the first when none was or it is gone.
    let picked = use_text("");
    let cluster = Some(current(&picked, &options.clusters)).filter(|c| !c.is_empty());
    let create_cluster = {
        let (commands, name, result) = (commands.clone(), cluster_name.clone(), result.clone());
        Callback::from(move |_| {
            result.set(Some(commands.dispatch("ecs:CreateCluster", cluster::create_cluster_input(&name)).map(|out| format!("Cluster {} created.", out["cluster"]["clusterName"].as_str().unwrap_or(&name)))));
        })
    };
    let launch = {
        let (commands, instance_type, count, subnet, result, cluster, profile) = (commands.clone(), instance_type.clone(), count.clone(), subnet.clone(), result.clone(), cluster.clone(), profile.clone());
        Callback::from(move |_| {
            let cluster = cluster.clone().unwrap_or_else(|| "default".into());
            let form = LaunchInstances { instance_type: &instance_type, count: &count, subnet: &subnet, profile: &profile, cluster: &cluster };
            result.set(Some(form.input().and_then(|(n, input)| {
                commands.dispatch("ec2:RunInstances", input).map(|_| format!("Launching {n} × {} (they register with cluster {cluster} once booted).", *instance_type))
            })));
        })
    };
    // Container Insights: the check box shows the cluster's setting from the view; a change is the call.
    let insights_result = use_outcome();
    let toggle_insights = {
        let (commands, cluster, result) = (commands.clone(), cluster.clone(), insights_result.clone());
        Callback::from(move |e: Event| {
            let Some(cluster) = cluster.clone() else { return };
            let on = checked(&e);
            result.set(Some(commands.dispatch("ecs:UpdateClusterSettings", cluster::insights_input(&cluster, on)).map(|out| {
                format!("Container Insights is {} for cluster {cluster}.", out["cluster"]["settings"][0]["value"].as_str().unwrap_or(if on { "enabled" } else { "disabled" }))
            })));
        })
    };
    let types = instance_type_options();
    html! {
        <div class="form">
            if let Some(c) = &cluster {
                { select_current("Cluster", "cluster", &picked, &options.clusters, c) }
            } else {
                { hint("No cluster yet: create one first.") }
            }
            { row(field("Cluster name", "clusterName", &cluster_name), button("Create cluster (ecs:CreateCluster)", create_cluster)) }
            if let Some(c) = &cluster {
                <label class="check"><input type="checkbox" name="containerInsights" checked={options.insights_on.contains(c)} onchange={toggle_insights} />{ "Container Insights (ecs:UpdateClusterSettings)" }</label>
                { outcome(&insights_result) }
                { hint("While it is on, the cluster publishes ECS/ContainerInsights metrics each minute (billed as custom metrics in AWS).") }
            }
            { subhead("Launch EC2 instances") }
            { select("Instance type", "instanceType", &instance_type, &types) }
            { field("Count", "count", &count) }
            { select("Subnet (Availability Zone)", "subnet", &subnet, &options.subnets) }
            { select("Instance profile (the ECS agent's IAM role)", "instanceProfile", &profile, &options.profiles) }
            { call_button("Launch (ec2:RunInstances)", false, launch, &result) }
            { hint("To drain or terminate an instance, select it on the map: its actions appear in the Why? panel.") }
        </div>
    }
}

#[function_component(TaskDefinitionForm)]
fn task_definition_form() -> Html {
    use_render_count("TaskDefinitionForm");
    let commands = use_commands();
    let options = use_view_select(taskdef::options);
    let draft = use_reducer(TdDraft::default);
    let result = use_outcome();
    let errors = use_memo(draft.json_text.clone(), |text| taskdef::validate(text));
    // An edit empties the outcome line: a refusal of the draft as it was says nothing of the draft as it is.
    {
        let result = result.clone();
        let first_render = use_mut_ref(|| true);
        use_effect_with(draft.json_text.clone(), move |_| {
            if !std::mem::replace(&mut *first_render.borrow_mut(), false) {
                result.set(None);
            }
        });
    }

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
        let (commands, draft, result) = (commands.clone(), draft.clone(), result.clone());
        Callback::from(move |_| result.set(Some(draft.input().and_then(|doc| commands.dispatch("ecs:RegisterTaskDefinition", doc).map(|out| taskdef::registered_text(&out))))))
    };
    let f = &draft.form;
    let roles: Vec<&str> = options.roles.iter().map(String::as_str).collect();
    let error_keys = unique_keys(errors.iter().cloned());
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
                    if f.network_mode == "bridge" || f.network_mode == "host" {
                        { td_text(if f.network_mode == "bridge" { "Host port (0 or empty: dynamic)" } else { "Host port (host mode: the container port)" }, "hostPort", &f.host_port, set_field(|f, v| f.host_port = v)) }
                    }
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
                    { for errors.iter().zip(error_keys).map(|(e, key)| html! { <li key={key} class="error-text">{ e }</li> }) }
                </ul>
            }
            { call_button("Register (ecs:RegisterTaskDefinition)", true, register, &result) }
            { subhead("Registered") }
            <ul class="td-list">
                { for options.registered.iter().map(|td| {
                    let name = taskdef::name(td);
                    let deregister = {
                        let (commands, result, name) = (commands.clone(), result.clone(), name.clone());
                        Callback::from(move |_| result.set(Some(commands.dispatch("ecs:DeregisterTaskDefinition", taskdef::deregister_input(&name)).map(|_| format!("Deregistered {name}.")))))
                    };
                    // RegisterTaskDefinition input, which `aws ecs register-task-definition --cli-input-json` takes.
                    let download = data_href(&ecs_sim::export::register_task_definition_text(&serde_json::from_str(&td.json).unwrap_or_default()));
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

/// Up to two capacity provider strategy items: (capacityProvider, base, weight) as typed.
type StrategyRows = [(UseStateHandle<String>, UseStateHandle<String>, UseStateHandle<String>); 2];

#[hook]
fn use_strategy_rows() -> StrategyRows {
    let first = (use_text(""), use_text("0"), use_text("1"));
    let second = (use_text("-"), use_text("0"), use_text("1"));
    [first, second]
}

/// The strategy rows' values as typed.
fn strategy_values(rows: &StrategyRows) -> [StrategyRow; 2] {
    rows.clone().map(|(provider, base, weight)| StrategyRow { provider: (*provider).clone(), base: (*base).clone(), weight: (*weight).clone() })
}

/// The strategy rows of a form: provider, base and weight per item; `prefix` names the inputs.
fn strategy_fields(rows: &StrategyRows, providers: &[String], prefix: &str) -> Html {
    let options: Vec<(String, String)> = providers.iter().map(|p| (p.clone(), p.clone())).collect();
    let mut second = vec![("-".to_string(), "(none)".to_string())];
    second.extend(options.iter().cloned());
    html! {
        <fieldset class="strategy"><legend>{ "Capacity provider strategy" }</legend>
            // The two rows are fixed slots (the strategy's first and second item): the slot is their identity.
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

#[function_component(ServiceForm)]
fn service_form() -> Html {
    use_render_count("ServiceForm");
    let commands = use_commands();
    let options = use_view_select(service::options);
    let tds = &options.task_definitions;
    let name = use_text("my-service");
    let td = use_text("");
    let desired = use_text("3");
    let launch_type = use_text("FARGATE");
    let strategy_rows = use_strategy_rows();
    let providers = options.providers.clone();
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
    let picked_cluster = use_text("");
    let cluster_value = current(&picked_cluster, &options.clusters);
    let target_group = use_text("");
    let container_port = use_text("");
    let td_value = if td.is_empty() { tds.first().map(|t| t.0.clone()).unwrap_or_default() } else { (*td).clone() };
    let td_json = options.task_definition_details.iter().find(|d| d.0 == td_value).map(|d| std::rc::Rc::clone(&d.2));
    let ports = use_memo(td_json, |json| json.as_deref().map(container_ports).unwrap_or_default());
    let container_port_value = current(&container_port, &ports);
    let awsvpc = is_awsvpc(&options, &td_value);
    let mut target_groups = vec![(String::new(), "(none)".to_string())];
    target_groups.extend(options.target_groups.iter().cloned());
    let subnets: Vec<String> = options.subnets.iter().map(|s| s.0.clone()).filter(|s| !excluded_subnets.contains(s)).collect();

    let create = {
        let (commands, name, desired, launch_type, preset, min_percent, max_percent, breaker, result, td_value, subnets, rows, providers) = (
            commands.clone(), name.clone(), desired.clone(), launch_type.clone(), preset.clone(), min_percent.clone(), max_percent.clone(), breaker.clone(), result.clone(), td_value.clone(), subnets.clone(),
            strategy_rows.clone(), providers.clone(),
        );
        let (cluster_value, target_group, container_port_value) = (cluster_value.clone(), target_group.clone(), container_port_value.clone());
        Callback::from(move |_| {
            let rows = strategy_values(&rows);
            let form = CreateService {
                cluster: &cluster_value, target_group: &target_group, container_port: &container_port_value,
                name: &name, task_definition: &td_value, desired: &desired, launch_type: &launch_type, rows: &rows, providers: &providers,
                preset: &preset, min_percent: &min_percent, max_percent: &max_percent, circuit_breaker: *breaker, subnets: &subnets,
            };
            result.set(Some(form.input(&commands.view()).and_then(|input| commands.dispatch("ecs:CreateService", input)).map(|_| format!("Service {} created.", *name))));
        })
    };
    let services = &options.services;
    let update_service_value = if update_service.is_empty() { services.first().map(|s| s.0.clone()).unwrap_or_default() } else { (*update_service).clone() };
    let update = {
        let (commands, update_desired, update_td, update_result, service) = (commands.clone(), update_desired.clone(), update_td.clone(), update_result.clone(), update_service_value.clone());
        let (change_strategy, rows, providers) = (*update_strategy, update_rows.clone(), providers.clone());
        Callback::from(move |_| {
            let rows = strategy_values(&rows);
            let form = UpdateService { service: &service, desired: &update_desired, task_definition: &update_td, strategy: change_strategy.then_some((&rows[..], &providers[..])) };
            let Some(input) = form.input(&commands.view()) else { return };
            update_result.set(Some(input.and_then(|input| commands.dispatch("ecs:UpdateService", input)).map(|_| format!("Service {service} updated."))));
        })
    };
    let presets: Vec<(String, String)> = strategy_presets().iter().map(|p| (p.0.to_string(), p.1.to_string())).collect();
    let mut update_tds = vec![(String::new(), "(unchanged)".to_string())];
    update_tds.extend(tds.iter().cloned());
    html! {
        <div class="form">
            { subhead("Create service") }
            if options.clusters.is_empty() { { hint("No cluster yet: create one on the Cluster tab first.") } }
            else { { select_current("Cluster", "cluster", &picked_cluster, &options.clusters, &cluster_value) } }
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
            if places_on_ec2(&launch_type, &strategy_values(&strategy_rows), &providers) {
                { select("Placement (EC2)", "placement", &preset, &presets) }
            }
            if awsvpc {
            <fieldset class="subnets"><legend>{ "Subnets (awsvpc)" }</legend>
                { for options.subnets.iter().map(|(id, zone)| {
                    let on = { let excluded = excluded_subnets.clone(); let id = id.clone(); Callback::from(move |e: Event| {
                        let mut next = (*excluded).clone();
                        next.retain(|x| x != &id);
                        if !checked(&e) { next.push(id.clone()); }
                        excluded.set(next);
                    }) };
                    html! { <label key={id.clone()} class="check"><input type="checkbox" checked={!excluded_subnets.contains(id)} onchange={on} />{ format!("{} ({})", id, zone) }</label> }
                }) }
            </fieldset>
            }
            <fieldset class="service-lb"><legend>{ "Load balancer (optional)" }</legend>
                if options.target_groups.is_empty() {
                    { hint("No target group yet: create one on the Load balancing tab to attach the service to it.") }
                } else {
                    { select_current("Target group", "targetGroup", &target_group, &target_groups, &target_group) }
                    if !target_group.is_empty() {
                        if ports.is_empty() { { hint("This task definition maps no container port: add one to send traffic to it.") } }
                        else { { select_current("Container and port", "containerPort", &container_port, &ports, &container_port_value) } }
                    }
                }
            </fieldset>
            { row(
                field("Min healthy %", "minimumHealthyPercent", &min_percent),
                field("Max %", "maximumPercent", &max_percent),
            ) }
            { check_box("Deployment circuit breaker (with rollback)", "", &breaker) }
            { call_button("Create (ecs:CreateService)", true, create, &result) }
            if !services.is_empty() {
                { subhead("Update service") }
                { select("Service", "updateService", &update_service, services) }
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
    use_render_count("RunTaskForm");
    let commands = use_commands();
    let options = use_view_select(service::options);
    let tds = &options.task_definitions;
    let td = use_text("");
    let count = use_text("1");
    let launch_type = use_text("FARGATE");
    let strategy_rows = use_strategy_rows();
    let providers = options.providers.clone();
    let result = use_outcome();
    let picked_cluster = use_text("");
    let cluster_value = current(&picked_cluster, &options.clusters);
    let td_value = if td.is_empty() { tds.first().map(|t| t.0.clone()).unwrap_or_default() } else { (*td).clone() };
    let run = {
        let (commands, count, launch_type, result, td_value, rows, providers, cluster_value) =
            (commands.clone(), count.clone(), launch_type.clone(), result.clone(), td_value.clone(), strategy_rows.clone(), providers.clone(), cluster_value.clone());
        Callback::from(move |_| {
            let rows = strategy_values(&rows);
            let form = RunTask { cluster: &cluster_value, task_definition: &td_value, count: &count, launch_type: &launch_type, rows: &rows, providers: &providers };
            result.set(Some(form.input(&commands.view()).and_then(|input| commands.dispatch("ecs:RunTask", input)).and_then(|out| run_task_outcome(&out))));
        })
    };
    html! {
        <div class="form">
            if options.clusters.is_empty() { { hint("No cluster yet: create one on the Cluster tab first.") } }
            else { { select_current("Cluster", "runCluster", &picked_cluster, &options.clusters, &cluster_value) } }
            { select("Task definition", "runTaskDefinition", &td, tds) }
            { field("Count", "runCount", &count) }
            { select("Launch type", "runLaunchType", &launch_type, &launch_choices()) }
            if *launch_type == STRATEGY { { strategy_fields(&strategy_rows, &providers, "run") } }
            { call_button("Run (ecs:RunTask)", true, run, &result) }
            { hint("To stop a task, select its chip on the map.") }
        </div>
    }
}

/// Export and import of the scenario, and the share link: re-rendered when another scenario loads (its
/// export link), not by the run.
#[function_component(FilesForm)]
fn files_form() -> Html {
    use_render_count("FilesForm");
    let commands = use_commands();
    let share = use_text("");
    let result = use_outcome();
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    // The export link of the scenario now: this form renders again when another one loads.
    let _ = use_scenario();
    let export_href = data_href(&commands.scenario_json());
    let make_share = {
        let (commands, share) = (commands.clone(), share.clone());
        Callback::from(move |_| {
            let location = gloo::utils::window().location();
            let base = format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
            share.set(format!("{base}#{}", commands.share_fragment()));
        })
    };
    let import = {
        let (commands, result, reader) = (commands.clone(), result.clone(), reader.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let (commands, result) = (commands.clone(), result.clone());
            let name = file.name();
            // The bytes, read as text the one way the CLI reads them too (a byte-order mark skipped, bytes that
            // are not UTF-8 refused with their position).
            let task = gloo::file::callbacks::read_as_bytes(&gloo::file::File::from(file), move |bytes| match bytes.as_deref().map(ecs_sim::codec::read_text) {
                Ok(Ok(text)) => result.set(Some(commands.load_scenario_text(text).map(|_| format!("Loaded scenario from {name}.")).map_err(|e| format!("{name} is not a valid scenario; nothing was changed.\n{e}")))),
                Ok(Err(e)) => result.set(Some(Err(format!("Could not read {name}: {e}; nothing was changed.")))),
                Err(e) => result.set(Some(Err(format!("Could not read {name}: {e}")))),
            });
            *reader.borrow_mut() = Some(task);
        })
    };
    html! {
        <div class="form">
            { subhead("Scenario files") }
            <a class="link button-link" href={export_href} download="scenario.json">{ "Export scenario JSON" }</a>
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
            <ExportForm />
        </div>
    }
}
