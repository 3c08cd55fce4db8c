//! The cluster map: Availability Zones as columns, container instances as boxes with CPU and memory
//! reservation bars, tasks as chips, and a Fargate lane per zone. Everything is keyed by id, and
//! fading is a pure function of sim time (`now - since`).

use std::collections::HashMap;
use std::rc::Rc;

use ecs_sim::view::{CapacityType, Ec2State, InstanceLifecycle, InstanceView, LaunchType, RolloutState, ServiceStatus, TaskStatus, TaskView, View, MAX_VIEW_STOPPED_TASKS, STOPPED_TASK_RETENTION_MS};
use yew::prelude::*;

use crate::components::banner::Banner;
use crate::components::form::{hint, select_on_click};
use crate::components::loadbalancing::{health_class, LoadBalancerStrip};
use crate::components::storage::StorageStrip;
use crate::driver::{use_commands, use_is_selected, use_scenario, use_select, use_selection, use_view, Parts, Selection, LARGE_VIEW_TASKS};
use crate::render_count::use_render_count;
use crate::text::{format_elapsed, short_id};

/// How long a STOPPED task stays on the map, in sim milliseconds (fading out).
const STOPPED_VISIBLE_MS: u64 = 120_000;
/// How long a terminated instance stays on the map, in sim milliseconds.
const TERMINATED_VISIBLE_MS: u64 = 300_000;
/// Past this many tasks in the view, each chip is a small square of its status colour, its id, status and
/// service in its tooltip and accessible name: 5,000 chips with their text are too many for the browser to lay
/// out and paint within a frame, and too many to read (BENCHMARKS.md, frame times at 5,000 tasks).
const COMPACT_CHIPS_ABOVE: usize = LARGE_VIEW_TASKS;

/// The CSS class of a task status (colour is never the only cue: the chip also shows the text).
fn status_class(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating => "st-starting",
        TaskStatus::Running => "st-running",
        TaskStatus::Deactivating | TaskStatus::Stopping | TaskStatus::Deprovisioning => "st-stopping",
        TaskStatus::Stopped => "st-stopped",
    }
}

/// Whether a task is on the map at `now_ms`, and its opacity.
fn task_opacity(task: &TaskView, now_ms: u64) -> Option<f64> {
    if task.last_status != TaskStatus::Stopped {
        return Some(1.0);
    }
    let age_ms = now_ms.saturating_sub(task.since.as_millis());
    (age_ms < STOPPED_VISIBLE_MS).then(|| 0.85 * (1.0 - age_ms as f64 / STOPPED_VISIBLE_MS as f64) + 0.15)
}

/// The clock the map's fading uses: `now_ms` while a stopped task or a terminated instance is
/// still fading, else the latest time one stopped being shown (at most `now_ms`). Both give the
/// same map, but the second stays put while nothing fades, so the zones and instance boxes are not
/// re-rendered every frame (props unchanged).
fn fade_clock_ms(view: &View, now_ms: u64) -> u64 {
    let stopped = view.tasks.iter().filter(|t| t.last_status == TaskStatus::Stopped).map(|t| t.since.as_millis() + STOPPED_VISIBLE_MS);
    let terminated = view.instances.iter().filter(|i| i.ec2_state == Ec2State::Terminated).map(|i| i.since.as_millis() + TERMINATED_VISIBLE_MS);
    let mut settled = 0;
    for hidden_from in stopped.chain(terminated) {
        if hidden_from > now_ms {
            return now_ms;
        }
        settled = settled.max(hidden_from);
    }
    settled
}

/// An `Rc<View>` compared by pointer: a published view never changes, so a new pointer is the
/// only change there is (comparing 2,000 tasks by value every frame is what this avoids).
#[derive(Clone)]
struct ViewRef(Rc<View>);

impl PartialEq for ViewRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The map re-renders with each published view, and with the clock only while something fades.
#[function_component(ClusterMap)]
pub fn cluster_map() -> Html {
    use_render_count("ClusterMap");
    let view = use_view();
    let scenario = use_scenario();
    let now_ms = *use_select(Parts::VIEW.and(Parts::STATUS), |p| fade_clock_ms(&p.view, p.status.now_ms));
    let has_anything = !view.instances.is_empty() || !view.tasks.is_empty();
    let compact = view.tasks.len() > COMPACT_CHIPS_ABOVE;
    let services: Vec<_> = view.services.iter().filter(|s| s.status != ServiceStatus::Inactive).collect();
    html! {
        <main class="panel map" aria-labelledby="map-title">
            <div class="map-head">
                <h2 id="map-title" class="panel-title">{ "Cluster map" }</h2>
                <span class="map-scenario">{ &scenario.name }</span>
                { legend() }
            </div>
            <Banner />
            if !services.is_empty() {
                <ServiceStrip />
            }
            <LoadBalancerStrip />
            if view.tasks.iter().any(|t| t.waiting_for_capacity) {
                <div class="waiting-lane" aria-label="Tasks waiting for capacity">
                    <h4>{ "Waiting for capacity (PROVISIONING, no container instance yet)" }</h4>
                    <div class="chips">{ for view.tasks.iter().filter(|t| t.waiting_for_capacity).map(|t| task_chip(t, now_ms, compact)) }</div>
                </div>
            }
            if has_anything {
                <div class={classes!("zones", compact.then_some("compact"))} data-compact={compact.to_string()} style={format!("grid-template-columns: repeat({}, minmax(0, 1fr))", view.availability_zones.len().max(1))}>
                    { for view.availability_zones.iter().map(|az| html! {
                        <Zone key={az.clone()} az={az.clone()} view={ViewRef(view.clone())} now_ms={now_ms} compact={compact} />
                    }) }
                </div>
            } else {
                <div class="map-empty">
                    <p class="map-empty-title">{ "No instances or tasks yet" }</p>
                    { hint("Launch EC2 instances or run a Fargate task from the builder, or pick a scenario above.") }
                </div>
            }
            if view.n_stopped_tasks_left_out > 0 {
                <p class="hint map-left-out" role="note" data-left-out={view.n_stopped_tasks_left_out.to_string()}>{ left_out_note(view.n_stopped_tasks_left_out) }</p>
            }
            <StorageStrip />
        </main>
    }
}

/// The note under the zones when the view leaves out stopped tasks.
fn left_out_note(n_tasks: u64) -> String {
    let tasks = if n_tasks == 1 { "1 stopped task is".to_string() } else { format!("{n_tasks} stopped tasks are") };
    format!(
        "{tasks} left out of this view: it keeps a stopped task for {} minutes after it stops (AWS shows stopped tasks for at least an hour) and at most the {} most recently stopped. DescribeTasks still describes them.",
        STOPPED_TASK_RETENTION_MS / 60_000,
        MAX_VIEW_STOPPED_TASKS
    )
}

/// The task status colours.
fn legend() -> Html {
    html! {
        <ul class="legend" aria-label="Task status colours">
            <li><span class="chip-dot st-starting"></span>{ "starting" }</li>
            <li><span class="chip-dot st-running"></span>{ "running" }</li>
            <li><span class="chip-dot st-stopping"></span>{ "stopping" }</li>
            <li><span class="chip-dot st-stopped"></span>{ "stopped" }</li>
        </ul>
    }
}

/// One line per service: desired / running / pending, selectable.
#[function_component(ServiceStrip)]
fn service_strip() -> Html {
    use_render_count("ServiceStrip");
    let commands = use_commands();
    let selection = use_selection();
    let view = use_view();
    html! {
        <ul class="service-strip" aria-label="Services">
            { for view.services.iter().filter(|s| s.status != ServiceStatus::Inactive).map(|s| {
                let selected = selection == Selection::Service(s.name.clone());
                let onclick = select_on_click(&commands, Selection::Service(s.name.clone()));
                let stuck = s.running_count + s.pending_count < s.desired_count;
                let rollout = s.deployments.first().map(|d| d.rollout_state).filter(|r| *r != RolloutState::Completed);
                html! {
                    <li key={s.name.clone()}>
                        <button type="button" class={classes!("service-pill", selected.then_some("selected"), stuck.then_some("stuck"))} onclick={onclick}
                            title="Show this service's details and placement">
                            <strong>{ &s.name }</strong>
                            { format!(" {}/{} running", s.running_count, s.desired_count) }
                            if s.pending_count > 0 { { format!(", {} pending", s.pending_count) } }
                            if stuck { <span class="warn-text">{ " · cannot place all" }</span> }
                            if let Some(rollout) = rollout { <span class="rollout">{ format!(" · {}", rollout.as_aws()) }</span> }
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct ZoneProps {
    az: String,
    view: ViewRef,
    now_ms: u64,
    /// Chips as small squares (more than [`COMPACT_CHIPS_ABOVE`] tasks).
    compact: bool,
}

#[function_component(Zone)]
fn zone(props: &ZoneProps) -> Html {
    use_render_count("Zone");
    let view = &props.view.0;
    let now_ms = props.now_ms;
    let compact = props.compact;
    let instances: Vec<&InstanceView> = view
        .instances
        .iter()
        .filter(|i| i.availability_zone == props.az)
        .filter(|i| i.ec2_state != Ec2State::Terminated || now_ms.saturating_sub(i.since.as_millis()) < TERMINATED_VISIBLE_MS)
        .collect();
    let fargate: Vec<&TaskView> = view
        .tasks
        .iter()
        .filter(|t| t.launch_type == LaunchType::Fargate && t.availability_zone == props.az)
        .filter(|t| task_opacity(t, now_ms).is_some())
        .collect();
    let n_ec2_tasks_elsewhere = view.tasks.iter().filter(|t| t.launch_type != LaunchType::Fargate).count();
    let tasks_by_instance = tasks_by_instance(view, &instances, now_ms);
    // The previous render's boxes: an instance whose box is unchanged keeps its `Rc`, so its
    // `Instance` is not re-rendered (props compared by pointer) when a new view is published.
    let cache = use_mut_ref(HashMap::<String, Rc<InstanceBox>>::new);
    let boxes: Vec<Rc<InstanceBox>> = {
        let mut cache = cache.borrow_mut();
        let boxes: Vec<Rc<InstanceBox>> = instances
            .iter()
            .map(|i| {
                let tasks = tasks_by_instance.get(i.ec2_instance_id.as_str()).map_or(&[][..], Vec::as_slice);
                // Opacity only moves for a stopped task: otherwise the box does not depend on the clock.
                let box_now_ms = if tasks.iter().any(|t| t.last_status == TaskStatus::Stopped) { now_ms } else { 0 };
                match cache.get(&i.ec2_instance_id) {
                    Some(cached) if cached.same_as(i, tasks, box_now_ms, compact) => cached.clone(),
                    _ => Rc::new(InstanceBox { instance: (*i).clone(), tasks: tasks.iter().map(|t| (*t).clone()).collect(), now_ms: box_now_ms, compact }),
                }
            })
            .collect();
        cache.clear();
        cache.extend(boxes.iter().map(|b| (b.instance.ec2_instance_id.clone(), b.clone())));
        boxes
    };
    html! {
        <section class="zone" aria-label={format!("Availability Zone {}", props.az)}>
            <h3 class="zone-title">{ &props.az }</h3>
            { for boxes.iter().map(|b| html! {
                <Instance key={b.instance.ec2_instance_id.clone()} data={BoxRef(b.clone())} />
            }) }
            if instances.is_empty() && n_ec2_tasks_elsewhere > 0 {
                <p class="hint zone-empty">{ "No EC2 instances in this zone." }</p>
            }
            if !fargate.is_empty() || view.tasks.iter().any(|t| t.launch_type == LaunchType::Fargate) {
                <div class="fargate-lane" aria-label={format!("Fargate tasks in {}", props.az)}>
                    <h4>{ "Fargate" }</h4>
                    <div class="chips">
                        { for fargate.iter().map(|t| task_chip(t, now_ms, compact)) }
                    </div>
                    if fargate.is_empty() { <p class="hint zone-empty">{ "No Fargate task in this zone." }</p> }
                </div>
            }
        </section>
    }
}

/// The tasks shown on each of `instances` (in the view's order), in one pass over the tasks.
fn tasks_by_instance<'a, 'v>(view: &'v View, instances: &[&'a InstanceView], now_ms: u64) -> HashMap<&'a str, Vec<&'v TaskView>> {
    let mut by_instance: HashMap<&'a str, Vec<&'v TaskView>> = instances.iter().map(|i| (i.ec2_instance_id.as_str(), Vec::new())).collect();
    for task in &view.tasks {
        if let Some(tasks) = task.ec2_instance_id.as_deref().and_then(|id| by_instance.get_mut(id)) {
            if task_opacity(task, now_ms).is_some() {
                tasks.push(task);
            }
        }
    }
    by_instance
}

/// What one instance box shows: the instance, its tasks on the map, and the fading clock (0 when
/// none of its tasks is fading).
#[derive(PartialEq)]
struct InstanceBox {
    instance: InstanceView,
    tasks: Vec<TaskView>,
    now_ms: u64,
    compact: bool,
}

impl InstanceBox {
    fn same_as(&self, instance: &InstanceView, tasks: &[&TaskView], now_ms: u64, compact: bool) -> bool {
        self.now_ms == now_ms && self.compact == compact && self.instance == *instance && self.tasks.len() == tasks.len() && self.tasks.iter().zip(tasks).all(|(a, b)| a == *b)
    }
}

/// An instance box compared by pointer (`Zone` keeps the `Rc` of an unchanged box).
#[derive(Clone)]
struct BoxRef(Rc<InstanceBox>);

impl PartialEq for BoxRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

fn task_chip(task: &TaskView, now_ms: u64, compact: bool) -> Html {
    html! { <TaskChip key={task.id.clone()} task={task.clone()} opacity_permille={(task_opacity(task, now_ms).unwrap_or(0.0) * 1000.0) as u32} compact={compact} /> }
}

#[derive(Properties, PartialEq)]
struct TaskChipProps {
    task: TaskView,
    opacity_permille: u32,
    compact: bool,
}

/// A task's chip; keyed by the task's id, so it re-renders when its task changes or its selection flips.
#[function_component(TaskChip)]
fn task_chip_component(props: &TaskChipProps) -> Html {
    use_render_count("TaskChip");
    let commands = use_commands();
    let task = &props.task;
    let selected = use_is_selected(Selection::Task(task.id.clone()));
    let onclick = {
        let id = task.id.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            commands.select(Selection::Task(id.clone()));
        })
    };
    let label = format!(
        "Task {} of {}:{}{}: {}",
        short_id(&task.id),
        task.family,
        task.revision,
        task.service.as_ref().map(|s| format!(" (service {s})")).unwrap_or_default(),
        if task.waiting_for_capacity { "PROVISIONING, waiting for capacity" } else { task.last_status.as_aws() }
    );
    let label = if task.n_denied_calls > 0 { format!("{label}, {} AWS calls denied", task.n_denied_calls) } else { label };
    let spot = task.capacity_type == CapacityType::FargateSpot;
    let label = match (&task.capacity_provider, task.spot_stop_at) {
        (_, Some(at)) => format!("{label}, capacity provider FARGATE_SPOT, Spot interruption: stops at {}", format_elapsed(at.as_millis())),
        (Some(cp), None) => format!("{label}, capacity provider {cp}"),
        _ => label,
    };
    if props.compact {
        // One element: the status colour, and the details in the tooltip and the accessible name.
        return html! {
            <button type="button" class={classes!("chip", "compact", status_class(task.last_status), selected.then_some("selected"))}
                style={format!("opacity: {:.2}", props.opacity_permille as f64 / 1000.0)}
                data-task-id={task.id.clone()} data-status={task.last_status.as_aws()} data-capacity-provider={task.capacity_provider.clone()}
                title={label.clone()} aria-label={label} onclick={onclick}>
            </button>
        };
    }
    html! {
        <button type="button" class={classes!("chip", status_class(task.last_status), selected.then_some("selected"), (!task.efs_mounts.is_empty()).then_some("mounts-efs"))}
            style={format!("opacity: {:.2}", props.opacity_permille as f64 / 1000.0)}
            data-task-id={task.id.clone()} data-status={task.last_status.as_aws()} data-capacity-provider={task.capacity_provider.clone()}
            title={label.clone()} onclick={onclick}>
            // The accessible name is the chip's visible text with the details after it (WCAG 2.5.3, label in name);
            // the details are read, not shown (the tooltip shows them).
            <span class="chip-id">{ short_id(&task.id) }</span>
            <span class="chip-status">{ task.last_status.as_aws() }</span>
            if task.waiting_for_capacity { <span class="chip-waiting">{ "waiting for capacity" }</span> }
            <span class="chip-family">{ task.service.clone().unwrap_or_else(|| task.family.clone()) }</span>
            if spot || !task.efs_mounts.is_empty() || task.n_denied_calls > 0 || !task.target_health.is_empty() { <span class="chip-tags">
                if spot { <span class="chip-spot" title="Capacity provider FARGATE_SPOT">{ "SPOT" }</span> }
                if let Some(at) = task.spot_stop_at {
                    <span class="chip-spot-warning" title={format!("Spot interruption: stops at {}", format_elapsed(at.as_millis()))}>{ format!("⚠ stops {}", format_elapsed(at.as_millis())) }</span>
                }
                { for task.target_health.iter().map(|h| html! {
                    <span key={h.target_group.clone()} class={classes!("chip-tg", health_class(h.state))} title={format!("Target of {}: {}", h.target_group, h.state.as_aws())}>{ h.state.as_aws() }</span>
                }) }
                if let Some(mount) = task.efs_mounts.first() {
                    <span class="chip-efs" data-mount-az={mount.availability_zone.clone()}
                        title={format!("Mounts EFS {} (volume {}) through its mount target in {}, listed under the Availability Zones", mount.file_system_id, mount.volume, mount.availability_zone)}>
                        { if mount.availability_zone == task.availability_zone { "EFS ↓".to_string() } else { format!("EFS → {}", mount.availability_zone.rsplit('-').next().unwrap_or(&mount.availability_zone)) } }
                    </span>
                }
                if task.n_denied_calls > 0 { <span class="chip-denied" title="AWS calls denied by IAM">{ format!("{} denied", task.n_denied_calls) }</span> }
            </span> }
            <span class="visually-hidden">{ format!(" ({label})") }</span>
        </button>
    }
}

#[derive(Properties, PartialEq)]
struct InstanceProps {
    data: BoxRef,
}

/// The state a learner should read on an instance box (the view's lifecycle), and its class.
fn instance_state(instance: &InstanceView) -> (&'static str, &'static str) {
    let class = match instance.lifecycle {
        InstanceLifecycle::Active => "is-active",
        InstanceLifecycle::Draining => "is-draining",
        InstanceLifecycle::CannotRegister => "is-unregistered",
        InstanceLifecycle::Pending | InstanceLifecycle::Registering => "is-pending",
        InstanceLifecycle::Inactive | InstanceLifecycle::ShuttingDown | InstanceLifecycle::Terminated => "is-terminated",
    };
    let text = match instance.lifecycle {
        InstanceLifecycle::Pending => "pending (booting)",
        InstanceLifecycle::Registering => "running, registering",
        InstanceLifecycle::CannotRegister => "running, cannot register",
        other => other.as_str(),
    };
    (text, class)
}

/// An instance box; keyed by the instance's id, so it re-renders when its box changes or its selection flips.
#[function_component(Instance)]
fn instance(props: &InstanceProps) -> Html {
    use_render_count("Instance");
    let commands = use_commands();
    let i = &props.data.0.instance;
    let selected = use_is_selected(Selection::Instance(i.ec2_instance_id.clone()));
    let onclick = select_on_click(&commands, Selection::Instance(i.ec2_instance_id.clone()));
    let (state_text, state_class) = instance_state(i);
    let registered = i.status.is_some() && i.ec2_state == Ec2State::Running;
    let used_cpu = i.registered_cpu_units.saturating_sub(i.remaining_cpu_units);
    let used_mem = i.registered_memory_mib.saturating_sub(i.remaining_memory_mib);
    html! {
        <div class={classes!("instance", state_class, selected.then_some("selected"))} data-instance-id={i.ec2_instance_id.clone()} data-lifecycle={i.lifecycle.as_str()}>
            <button type="button" class="instance-head" onclick={onclick}
                title={format!("Select this instance (drain, terminate, details){}", i.auto_scaling_group.as_ref().map(|g| format!("; launched by Auto Scaling group {g}")).unwrap_or_default())}>
                <span class="instance-id">{ &i.ec2_instance_id }</span>
                <span class="instance-type">{ &i.instance_type }</span>
                <span class={classes!("instance-state", state_class)}>{ state_text }</span>
                if let Some(g) = &i.auto_scaling_group { <span class="instance-asg">{ g }</span> }
            </button>
            if registered {
                { bar("CPU", used_cpu, i.registered_cpu_units, "units") }
                { bar("Memory", used_mem, i.registered_memory_mib, "MiB") }
            }
            <div class="chips">
                { for props.data.0.tasks.iter().map(|t| task_chip(t, props.data.0.now_ms, props.data.0.compact)) }
            </div>
        </div>
    }
}

fn bar(label: &str, used: u32, registered: u32, unit: &str) -> Html {
    let percent = if registered == 0 { 0.0 } else { used as f64 * 100.0 / registered as f64 };
    let text = format!("{label} {used}/{registered} {unit} reserved");
    html! {
        <div class="bar" title={text.clone()}>
            <span class="bar-label">{ label }</span>
            <span class="bar-track" role="meter" aria-label={text} aria-valuemin="0" aria-valuemax={registered.to_string()} aria-valuenow={used.to_string()}>
                <span class="bar-fill" style={format!("width: {percent:.1}%")}></span>
            </span>
            <span class="bar-value">{ format!("{:.0}%", percent) }</span>
        </div>
    }
}
