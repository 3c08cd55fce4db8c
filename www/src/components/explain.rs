//! The explanation panel: details of the selected task, instance or service, the placement
//! explanation the driver computed for it (every check and strategy per instance), actions on the
//! selection, and the metric charts.

use ecs_sim::placement::Explanation as PlacementExplanation;
use ecs_sim::view::{ContainerInstanceStatus, ContainerView, DesiredStatus, Ec2State, LaunchType, View};
use yew::prelude::*;

use crate::charts;
use crate::components::cost::CostPanel;
use crate::components::form::{button, hint, outcome, subhead, term, unique_keys, use_outcome};
use crate::components::iam::TaskAccess;
use crate::components::loadbalancing::{load_balancer_details, task_target_health, LoadBalancerCharts};
use crate::components::scaling::ScalingCharts;
use crate::components::troubleshoot_service::ServiceTroubleshootReport;
use crate::driver::{use_commands, use_explained, use_playing, use_selection, use_view, use_view_select, Explained, Selection};
use crate::forms::selection;
use crate::render_count::use_render_count;
use crate::text::{format_elapsed, short_id};

#[function_component(Explanation)]
pub fn explanation() -> Html {
    use_render_count("Explanation");
    let selection = use_selection();
    html! {
        <aside class="panel explain" aria-labelledby="explain-title" tabindex="0">
            <h2 id="explain-title" class="panel-title">{ "Why?" }</h2>
            {
                match selection {
                    Selection::None => hint("Select a task chip, an instance or a service on the map to see the reasons behind each decision."),
                    Selection::Task(id) => html! { <TaskDetails id={id} /> },
                    Selection::Instance(id) => html! { <InstanceDetails id={id} /> },
                    Selection::Service(name) => html! { <ServiceDetails name={name} /> },
                    Selection::LoadBalancer(name) => html! { <LoadBalancerDetails name={name} /> },
                }
            }
            <LoadBalancerCharts />
            <ScalingCharts />
            <CostPanel />
            <Charts />
        </aside>
    }
}

#[derive(Properties, PartialEq)]
struct IdProps {
    id: String,
}

#[function_component(TaskDetails)]
fn task_details(props: &IdProps) -> Html {
    use_render_count("TaskDetails");
    let commands = use_commands();
    let error = use_outcome();
    let view = use_view();
    let explained = use_explained();
    let Some(task) = view.tasks.iter().find(|t| t.id == props.id) else {
        return hint("This task is no longer in the cluster.");
    };
    let explanation = match &*explained {
        Explained::Task { id, placement } if *id == props.id => placement.clone(),
        _ => None,
    };
    let stop = {
        let error = error.clone();
        let input = selection::stop_task_input(&task.cluster, &task.arn);
        Callback::from(move |_| error.set(commands.dispatch("ecs:StopTask", input.clone()).err().map(Err)))
    };
    html! {
        <div class="details" data-selected-task={task.id.clone()}>
            { subhead(&format!("Task {}", short_id(&task.id))) }
            <dl class="kv">
                { term("Task definition", format!("{}:{}", task.family, task.revision)) }
                { term("Started by", task.service.as_ref().map(|s| format!("service {s}")).unwrap_or_else(|| task.group.clone())) }
                { term("Launch type", task.launch_type.as_aws().to_string()) }
                if let Some(cp) = &task.capacity_provider { { term("capacityProviderName", cp.clone()) } }
                { term("lastStatus", task.last_status.as_aws().to_string()) }
                { term("desiredStatus", task.desired_status.as_aws().to_string()) }
                { term("Health", task.health_status.as_aws().to_string()) }
                { term("Availability Zone", task.availability_zone.clone()) }
                <dt>{ "Instance" }</dt><dd class="task-instance">{ task.ec2_instance_id.clone().unwrap_or_else(|| "Fargate (no instance to manage)".into()) }</dd>
                { term("In this status since", format_elapsed(task.since.as_millis())) }
                if let Some(code) = &task.stop_code { { term("stopCode", code.clone()) } }
                if let Some(reason) = &task.stopped_reason { { term("stoppedReason", reason.clone()) } }
            </dl>
            { containers_table(&task.containers) }
            { crate::components::logs::task_log_streams(&view.logs, &task.id) }
            if let Some(at) = task.spot_stop_at {
                <p class="spot-warning" role="status">{ format!("Spot interruption: stops at {}. AWS sent the two-minute warning (stopCode TerminationNotice, SIGTERM).{}", format_elapsed(at.as_millis()), if task.service.is_some() { " Its service starts a replacement at once." } else { "" }) }</p>
            }
            if task.desired_status != DesiredStatus::Stopped {
                { button("Stop task (ecs:StopTask)", stop) }
            }
            { outcome(&error) }
            { task_target_health(&view, task) }
            <TaskAccess task={task.clone()} />
            if task.launch_type == LaunchType::Fargate {
                { hint("Fargate places the task in one of the service's subnets; there is no instance choice to explain.") }
            } else if let Some(explanation) = &explanation {
                { subhead("Why this instance") }
                <PlacementExplanationView explanation={explanation.clone()} />
            }
        </div>
    }
}

/// A task's containers with their status and, once they exited, their exit code (DescribeTasks'
/// `containers[].exitCode`): why an essential container's exit stopped the task.
fn containers_table(containers: &[ContainerView]) -> Html {
    html! {
        <table class="containers-table">
            <thead><tr><th scope="col">{ "Container" }</th><th scope="col">{ "lastStatus" }</th><th scope="col">{ "exitCode" }</th></tr></thead>
            <tbody>
                { for containers.iter().map(|c| html! {
                    <tr key={c.name.clone()} data-container={c.name.clone()}>
                        <td>{ &c.name }{ if c.essential { " (essential)" } else { "" } }</td>
                        <td>{ &c.last_status }</td>
                        <td class="exit-code">{ c.exit_code.map(|code| code.to_string()).unwrap_or_else(|| "—".into()) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct PlacementProps {
    explanation: std::rc::Rc<PlacementExplanation>,
}

/// The placement explanation in the panel, with a button that opens it in a wide dialog where every strategy
/// column is in view at once.
#[function_component(PlacementExplanationView)]
fn placement_explanation_view(props: &PlacementProps) -> Html {
    let wide = use_state(|| false);
    let open = { let wide = wide.clone(); Callback::from(move |_| wide.set(true)) };
    let close = { let wide = wide.clone(); Callback::from(move |_| wide.set(false)) };
    let on_key = { let wide = wide.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Escape" { wide.set(false) }) };
    let has_table = !props.explanation.nodes.is_empty();
    // The dialog takes the focus when it opens (Escape and Tab then act in it).
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with(*wide, move |open| {
            if *open {
                if let Some(button) = close_ref.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        });
    }
    html! {
        <>
            { explanation_table(&props.explanation) }
            if has_table { <button type="button" class="small explain-wide-open" onclick={open}>{ "Open in a wide view" }</button> }
            // In the page's body, not the panel: the panel would size a fixed overlay to itself.
            if *wide {
                { create_portal(html! {
                    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="explain-wide-title" onkeydown={on_key}>
                        <div class="overlay-card explain-wide-card">
                            <h2 id="explain-wide-title">{ "Why this instance" }</h2>
                            { explanation_table(&props.explanation) }
                            <button type="button" class="explain-wide-close" ref={close_ref.clone()} onclick={close}>{ "Close" }</button>
                        </div>
                    </div>
                }, gloo::utils::body().into()) }
            }
        </>
    }
}

/// The placement pipeline's verdict per instance: checks, then strategies; the chosen row highlighted.
fn explanation_table(explanation: &PlacementExplanation) -> Html {
    let strategies: Vec<String> = explanation.nodes.iter().flat_map(|n| n.scores.iter().map(|s| s.strategy.clone())).fold(Vec::new(), |mut acc, s| {
        if !acc.contains(&s) {
            acc.push(s);
        }
        acc
    });
    let not_placed = match &explanation.outcome {
        Ok(_) => html! {},
        Err(failure) => html! { <p class="error-text">{ format!("Not placed: {} — {}", failure.reason, failure.detail) }</p> },
    };
    // A Fargate service's explanation has no instances: the failure line is all of it.
    if explanation.nodes.is_empty() {
        return not_placed;
    }
    html! {
        <>
            { not_placed }
            // The answer first, then the table it comes from.
            if let Some(text) = how_it_won(explanation, &strategies) { <p class="explain-verdict">{ text }</p> }
            <div class="table-scroll">
                <table class="explain-table">
                    <thead>
                        <tr>
                            <th scope="col">{ "Instance" }</th>
                            <th scope="col">{ "Checks" }</th>
                            { for strategies.iter().map(|s| html! { <th key={s.clone()} scope="col">{ s }</th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for explanation.nodes.iter().map(|node| html! {
                            <tr key={node.node} class={classes!(node.chosen.then_some("chosen"))} data-chosen={node.chosen.to_string()}>
                                <th scope="row" class="explain-instance">
                                    <span title={node.ec2_instance_id.clone()}>{ &node.ec2_instance_id }</span>
                                    if node.chosen { <span class="chosen-tag">{ " ← chosen" }</span> }
                                </th>
                                <td>
                                    <ul class="checks">
                                        { for node.checks.iter().map(|c| html! {
                                            <li key={c.check.clone()} class={if c.passed { "pass" } else { "fail" }} title={c.detail.clone()}>
                                                { if c.passed { "✓ " } else { "✗ " } }{ &c.check }
                                                if !c.passed { <span class="check-detail">{ format!(": {}", c.detail) }</span> }
                                            </li>
                                        }) }
                                    </ul>
                                </td>
                                { for strategies.iter().map(|s| {
                                    let score = node.scores.iter().find(|x| &x.strategy == s);
                                    html! {
                                        <td key={s.clone()} title={score.map(|x| x.detail.clone()).unwrap_or_default()}>
                                            { match score {
                                                // The value with its unit (the detail says it), and whether the instance stayed among the best.
                                                Some(x) if !x.detail.is_empty() => format!("{}: {}", x.detail, if x.kept { "kept" } else { "dropped" }),
                                                Some(x) => format!("{} {}", x.value, if x.kept { "kept" } else { "dropped" }),
                                                None => "—".to_string(),
                                            } }
                                        </td>
                                    }
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            { hint("Strategy values: lower is better; \"kept\" means the instance was still among the best after that strategy.") }
        </>
    }
}

/// How the chosen instance won: by the last strategy that left it alone among the best, or, when several were
/// still tied after every strategy, by the final tie-break (the lowest container instance key: the instance that
/// registered first).
fn how_it_won(explanation: &PlacementExplanation, strategies: &[String]) -> Option<String> {
    let chosen = explanation.nodes.iter().find(|n| n.chosen)?;
    let passed: Vec<_> = explanation.nodes.iter().filter(|n| n.checks.iter().all(|c| c.passed)).collect();
    let finalists = passed.iter().filter(|n| n.scores.iter().all(|s| s.kept)).count();
    let id = &chosen.ec2_instance_id;
    Some(if strategies.is_empty() {
        format!("No placement strategy: of the {} instances that passed every check, {id} won the tie-break (the playground takes the instance that registered first; AWS does not document its tie-break).", passed.len())
    } else if finalists > 1 {
        format!("{finalists} instances were still tied after the last strategy; {id} won the tie-break (the playground takes the instance that registered first; AWS does not document its tie-break).")
    } else {
        let decisive = strategies
            .iter()
            .find(|s| passed.iter().filter(|n| n.scores.iter().take_while(|x| &x.strategy != *s).all(|x| x.kept) && n.scores.iter().find(|x| &x.strategy == *s).is_some_and(|x| x.kept)).count() == 1)
            .cloned()
            .unwrap_or_else(|| strategies.last().cloned().unwrap_or_default());
        format!("{id} was the only instance left among the best after {decisive}.")
    })
}

#[function_component(InstanceDetails)]
fn instance_details(props: &IdProps) -> Html {
    use_render_count("InstanceDetails");
    let commands = use_commands();
    let error = use_outcome();
    let view = use_view();
    let Some(i) = view.instances.iter().find(|i| i.ec2_instance_id == props.id) else {
        return hint("This instance is gone.");
    };
    let act = |call: &'static str, input: serde_json::Value| {
        let commands = commands.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| error.set(commands.dispatch(call, input.clone()).err().map(Err)))
    };
    let cluster = i.cluster.clone().unwrap_or_default();
    let arn = i.container_instance_arn.clone().unwrap_or_default();
    html! {
        <div class="details">
            { subhead(&format!("Instance {}", i.ec2_instance_id)) }
            <dl class="kv">
                { term("Type", i.instance_type.clone()) }
                { term("Availability Zone", i.availability_zone.clone()) }
                { term("EC2 state", i.ec2_state.as_aws().to_string()) }
                { term("Container instance", i.status.map_or("not registered", |s| s.as_aws()).to_string()) }
                { term("CPU units (remaining/registered)", format!("{}/{}", i.remaining_cpu_units, i.registered_cpu_units)) }
                { term("Memory MiB (remaining/registered)", format!("{}/{}", i.remaining_memory_mib, i.registered_memory_mib)) }
                { term("Tasks", i.n_tasks.to_string()) }
                <dt>{ "Instance profile" }</dt>
                <dd class="instance-role" title={i.instance_role.clone().unwrap_or_default()}>{ instance_role_text(i.instance_profile.as_deref(), i.instance_role.as_deref()) }</dd>
            </dl>
            if !i.can_register && i.ec2_state != Ec2State::Terminated {
                <p class="error-text instance-register-error" role="status">
                    { "The ECS agent cannot register: the instance profile's role must allow ecs:RegisterContainerInstance (AmazonEC2ContainerServiceforEC2Role)" }
                </p>
            }
            <div class="actions">
                if i.status == Some(ContainerInstanceStatus::Active) {
                    <button type="button" onclick={act("ecs:UpdateContainerInstancesState", selection::container_instance_state_input(&cluster, &arn, "DRAINING"))}>{ "Drain (DRAINING)" }</button>
                }
                if i.status == Some(ContainerInstanceStatus::Draining) {
                    <button type="button" onclick={act("ecs:UpdateContainerInstancesState", selection::container_instance_state_input(&cluster, &arn, "ACTIVE"))}>{ "Activate (ACTIVE)" }</button>
                }
                if i.ec2_state == Ec2State::Running || i.ec2_state == Ec2State::Pending {
                    <button type="button" class="danger" onclick={act("ec2:TerminateInstances", selection::terminate_input(&i.ec2_instance_id))}>{ "Terminate (ec2:TerminateInstances)" }</button>
                }
            </div>
            { outcome(&error) }
        </div>
    }
}

/// "ecsInstanceRole → role ecsInstanceRole": the instance profile and the role it passes to the
/// instance (the role's name, from its ARN; the full ARN is in the title).
fn instance_role_text(profile: Option<&str>, role_arn: Option<&str>) -> String {
    let role = role_arn.map(|arn| arn.rsplit_once(":role/").map_or(arn, |(_, name)| name).rsplit('/').next().unwrap_or(arn));
    match (profile, role) {
        (Some(profile), Some(role)) => format!("{profile} → role {role}"),
        (Some(profile), None) => format!("{profile} → no role (the profile holds none)"),
        (None, _) => "none: launched without an instance profile".to_string(),
    }
}

#[derive(Properties, PartialEq)]
struct NameProps {
    name: String,
}

/// The Why? panel for a selected service: its deployments and events, and why tasks are not placed.
#[function_component(ServiceDetails)]
fn service_details(props: &NameProps) -> Html {
    use_render_count("ServiceDetails");
    let view = use_view();
    let explained = use_explained();
    let Some(service) = view.services.iter().find(|s| s.name == props.name) else {
        return hint("This service no longer exists.");
    };
    let short = service.running_count + service.pending_count < service.desired_count;
    let troubleshooting = match &*explained {
        Explained::Service { name, troubleshooting, .. } if *name == props.name => troubleshooting.clone(),
        _ => None,
    };
    let explanation = match &*explained {
        Explained::Service { name, placement, .. } if short && *name == props.name => placement.clone(),
        _ => None,
    };
    // An event's key: its time and message.
    let event_keys = unique_keys(service.events.iter().take(8).map(|e| format!("{}|{}", e.created_at.as_millis(), e.message)));
    html! {
        <div class="details">
            { subhead(&format!("Service {}", service.name)) }
            <dl class="kv">
                { term("Task definition", service.task_definition.clone()) }
                { term("Desired / running / pending", format!("{} / {} / {}", service.desired_count, service.running_count, service.pending_count)) }
                if service.capacity_provider_strategy.is_empty() {
                    { term("Launch type", service.launch_type.as_aws().to_string()) }
                } else {
                    <dt>{ "capacityProviderStrategy" }</dt>
                    <dd>{ service.capacity_provider_strategy.iter().map(|i| format!("{} (base {}, weight {})", i.provider, i.base, i.weight)).collect::<Vec<_>>().join(", ") }</dd>
                }
                { term("Deployment min / max %", format!("{} / {}", service.minimum_healthy_percent, service.maximum_percent)) }
            </dl>
            <h4>{ "Deployments" }</h4>
            <ul class="deployments">
                { for service.deployments.iter().map(|d| html! {
                    <li key={d.id.clone()}>{ format!("{} {}: {} desired, {} running, {} pending, rollout {}{}", d.status.as_aws(), d.task_definition, d.desired_count, d.running_count, d.pending_count, d.rollout_state.as_aws(),
                        if d.rollout_state_reason.is_empty() { String::new() } else { format!(" ({})", d.rollout_state_reason) }) }</li>
                }) }
            </ul>
            if let Some(explanation) = &explanation {
                { subhead("Why tasks are not placed") }
                <PlacementExplanationView explanation={explanation.clone()} />
            } else if !short {
                { hint("Every desired task is placed.") }
            }
            if let Some(report) = troubleshooting {
                <ServiceTroubleshootReport report={report} />
            }
            <h4>{ "Recent service events" }</h4>
            <ul class="service-events">
                { for service.events.iter().take(8).zip(event_keys).map(|(e, key)| html! { <li key={key}>{ format!("{} {}", format_elapsed(e.created_at.as_millis()), e.message) }</li> }) }
            </ul>
        </div>
    }
}

/// The Why? panel for a selected load balancer.
#[function_component(LoadBalancerDetails)]
fn load_balancer_details_panel(props: &NameProps) -> Html {
    use_render_count("LoadBalancerDetails");
    let view = use_view();
    load_balancer_details(&view, &props.name)
}

/// The cluster's metrics, one sample a sim minute: re-rendered when a sample is added, not every frame.
#[function_component(Charts)]
fn charts_panel() -> Html {
    use_render_count("Charts");
    let metrics = use_view_select(|v: &View| v.metrics.clone());
    let playing = use_playing();
    let key = (metrics.len(), metrics.last().map(|m| m.time.as_millis()).unwrap_or(0));
    let canvas = charts::use_chart_canvas(key, playing, {
        let metrics = metrics.clone();
        move |canvas| charts::draw_metrics(canvas, &metrics)
    });
    html! {
        <>
            { subhead("Cluster metrics") }
            <ul class="legend chart-legend" aria-hidden="true">
                <li><span class="chip-dot legend-cpu"></span>{ "CPU reserved %" }</li>
                <li><span class="chip-dot legend-memory"></span>{ "Memory reserved %" }</li>
                <li><span class="chip-dot legend-tasks"></span>{ "Running tasks (right axis)" }</li>
            </ul>
            <canvas ref={canvas} class="chart" width="296" height="170" aria-label="Chart of CPU and memory reservation percent and running tasks over sim time"></canvas>
        </>
    }
}
