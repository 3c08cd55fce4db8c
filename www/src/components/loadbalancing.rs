//! Elastic Load Balancing in the playground: the map's load balancer strip (each load balancer with
//! its listeners and rules, arrows to its target groups with the request flow, and the targets' health,
//! at most 40 listed per target group), the target health of a task and the load balancer details for the Why? panel, the
//! load balancer charts, and the builder's "Load balancing" tab (load balancers, target groups,
//! listeners, rules, attributes, traffic, target behaviour and an AZ outage).

use ecs_sim::view::{LbType, LoadBalancerView, TargetGroupView, TargetHealthState, TargetHealthView, TaskView, View};
use yew::prelude::*;

use crate::components::form::{button, call_button, check_box, event_value, field, hint, on_change, outcome, row, select, select_current, select_on_click, subhead, term, use_flag, use_outcome, use_text};
use crate::driver::{use_commands, use_playing, use_scenario, use_selection, use_view_if, use_view_select, Selection, LARGE_VIEW_TASKS};
use crate::forms::loadbalancing::{self as model, CreateRule, SetLoad, SetTargetBehavior, CONDITION_FIELDS};
use crate::forms::{current, pairs};
use crate::render_count::use_render_count;
use crate::text::short_id;

/// Seconds of sim time per step of the traffic model (`requests_last_step` covers one step).
const STEP_SECONDS: u64 = ecs_sim::sim::ELB_STEP_MS / 1000;
/// Targets listed per target group on the map's strip; the others are counted in a line below them. Each
/// listed target has an animated bar, and thousands of them cost the browser a repaint of each every frame
/// (BENCHMARKS.md, frame times at 5,000 tasks).
pub const MAX_TARGETS_LISTED: usize = 40;

/// The target group names an action text (`forward to a, b (weight 1)`) sends requests to.
fn forwarded_groups(action: &str) -> Vec<String> {
    action
        .split("; ")
        .filter_map(|a| a.strip_prefix("forward to "))
        .flat_map(|groups| groups.split(", "))
        .map(|g| g.split(" (weight").next().unwrap_or(g).trim().to_string())
        .filter(|g| !g.is_empty())
        .collect()
}

/// The target groups a load balancer's listeners forward to, in first-mention order.
fn groups_of<'v>(target_groups: &'v [TargetGroupView], lb: &LoadBalancerView) -> Vec<&'v TargetGroupView> {
    let mut names: Vec<String> = Vec::new();
    for l in &lb.listeners {
        for action in l.rules.iter().map(|r| r.actions.as_str()).chain(std::iter::once(l.default_action.as_str())) {
            for g in forwarded_groups(action) {
                if !names.contains(&g) {
                    names.push(g);
                }
            }
        }
    }
    names.iter().filter_map(|n| target_groups.iter().find(|g| &g.name == n)).collect()
}

/// Requests per second a target group served in the last step.
fn group_rps(group: &TargetGroupView) -> f64 {
    group.targets.iter().map(|t| t.requests_last_step).sum::<u64>() as f64 / STEP_SECONDS as f64
}

fn rps_text(rps: f64) -> String {
    if rps >= 10.0 || rps == 0.0 {
        format!("{rps:.0} req/s")
    } else {
        format!("{rps:.1} req/s")
    }
}

/// The outcome of a load balancer's latest minute with traffic: (class, text).
fn outcome_of(lb: &LoadBalancerView) -> (&'static str, String) {
    let Some(m) = lb.metrics.iter().rev().take(2).find(|m| m.request_count > 0) else {
        return ("flow-idle", "no traffic".to_string());
    };
    let errors = m.target_5xx + m.elb_5xx;
    let percent = errors as f64 * 100.0 / m.request_count as f64;
    let class = if percent < 1.0 {
        "flow-ok"
    } else if percent < 20.0 {
        "flow-mixed"
    } else {
        "flow-bad"
    };
    let timeouts = if m.elb_504 > 0 { format!(", {} of them 504", m.elb_504) } else { String::new() };
    (class, format!("{} requests last minute · 5xx {:.1}% ({} target, {} ELB{timeouts}) · p99 {:.0} ms", m.request_count, percent, m.target_5xx, m.elb_5xx, m.p99_ms))
}

/// The CSS class of a target health state (the badge also shows the state as text).
pub fn health_class(state: TargetHealthState) -> &'static str {
    match state {
        TargetHealthState::Healthy => "tg-healthy",
        TargetHealthState::Initial => "tg-initial",
        TargetHealthState::Draining => "tg-draining",
        TargetHealthState::Unhealthy => "tg-unhealthy",
        TargetHealthState::Unused | TargetHealthState::Unavailable => "tg-other",
    }
}

/// The short badge of a load balancer type.
fn lb_badge(lb_type: LbType) -> &'static str {
    match lb_type {
        LbType::Application => "ALB",
        LbType::Network => "NLB",
        LbType::Classic => "CLB",
    }
}

/// An arrow with moving dashes: the faster the bigger the share (`share` in 0..=1).
fn flow(class: &'static str, share: f64, moving: bool, label: String, data_tg: String) -> Html {
    let seconds = if share > 0.0 { (1.6 - 1.2 * share.min(1.0)).max(0.3) } else { 0.0 };
    let style = if seconds > 0.0 { format!("animation-duration: {seconds:.2}s") } else { String::new() };
    html! {
        <div class={classes!("lb-flow", class, (!moving || share <= 0.0).then_some("paused"))} data-tg={data_tg}>
            <span class="flow-label">{ label }</span>
            <span class="flow-track" aria-hidden="true"><span class="flow-dashes" style={style}></span></span>
        </div>
    }
}

/// The map's strip of load balancers, above the Availability Zones (a run without any does not re-render it).
#[function_component(LoadBalancerStrip)]
pub fn load_balancer_strip() -> Html {
    use_render_count("LoadBalancerStrip");
    let commands = use_commands();
    let selection = use_selection();
    let view = use_view_if(|v| !v.load_balancers.is_empty() || !v.target_groups.is_empty());
    let scenario = use_scenario();
    let playing = use_playing();
    // The learner's choice to expand or collapse; until then, expanded when there are load
    // balancers. Forgotten when another scenario loads.
    let expanded_choice = use_state(|| None::<bool>);
    {
        let expanded_choice = expanded_choice.clone();
        use_effect_with(scenario.id.clone(), move |_| expanded_choice.set(None));
    }
    let Some(view) = view else { return html! {} };
    // In a large view the dashes stand still: animated, they repaint the map every frame, and with 5,000 tasks
    // that repaint costs more than a frame (BENCHMARKS.md, frame times at 5,000 tasks).
    let playing = playing && view.tasks.len() <= LARGE_VIEW_TASKS;
    let expanded = expanded_choice.unwrap_or(!view.load_balancers.is_empty());
    let toggle = {
        let expanded_choice = expanded_choice.clone();
        Callback::from(move |_| expanded_choice.set(Some(!expanded)))
    };
    let attached: Vec<String> = view.load_balancers.iter().flat_map(|lb| groups_of(&view.target_groups, lb)).map(|g| g.name.clone()).collect();
    let detached: Vec<&TargetGroupView> = view.target_groups.iter().filter(|g| !attached.contains(&g.name)).collect();
    let summary = view
        .load_balancers
        .iter()
        .map(|lb| format!("{} {}", lb.name, outcome_of(lb).1.split(" · ").next().unwrap_or("")))
        .collect::<Vec<_>>()
        .join(" · ");
    html! {
        <section class={classes!("lb-strip", (!expanded).then_some("collapsed"))} aria-label="Elastic Load Balancing">
            <div class="lb-strip-head">
                <button type="button" class="lb-toggle" aria-expanded={expanded.to_string()} aria-controls="lb-strip-body" onclick={toggle}
                    title={if expanded { "Hide the load balancers' listeners, rules and targets" } else { "Show the load balancers' listeners, rules and targets" }}>
                    <span class="lb-toggle-mark" aria-hidden="true">{ if expanded { "▾" } else { "▸" } }</span>
                    { format!("Load balancers ({})", view.load_balancers.len()) }
                </button>
                if !expanded { <span class="lb-strip-summary muted">{ summary }</span> }
            </div>
            if expanded { <div id="lb-strip-body" class="lb-strip-body" tabindex="0" role="region" aria-label="Load balancers, listeners, rules and targets">
            { for view.load_balancers.iter().map(|lb| {
                let groups = groups_of(&view.target_groups, lb);
                let total: f64 = groups.iter().map(|g| group_rps(g)).sum();
                let (class, outcome_text) = outcome_of(lb);
                let selected = selection == Selection::LoadBalancer(lb.name.clone());
                let onclick = select_on_click(&commands, Selection::LoadBalancer(lb.name.clone()));
                html! {
                    <div key={lb.arn.clone()} class={classes!("lb-row", selected.then_some("selected"))} data-lb={lb.name.clone()}>
                        <div class="lb-box">
                            <button type="button" class="lb-head" onclick={onclick} title="Show this load balancer's target health and metrics">
                                <span class="lb-badge">{ lb_badge(lb.lb_type) }</span>
                                <strong class="lb-name">{ &lb.name }</strong>
                                <span class="lb-type">{ lb.lb_type.as_aws() }</span>
                            </button>
                            <div class="lb-dns" title="DNS name">{ &lb.dns_name }</div>
                            <div class={classes!("lb-outcome", class)}>{ outcome_text }</div>
                            if lb.listeners.is_empty() { { hint("No listener: it accepts no traffic.") } }
                            { for lb.listeners.iter().map(|l| html! {
                                <div key={l.arn.clone()} class="lb-listener" data-port={l.port.to_string()}>
                                    <div class="lb-listener-head">{ format!("Listener {} :{}", l.protocol, l.port) }</div>
                                    <ol class="lb-rules">
                                        { for l.rules.iter().map(|r| html! {
                                            <li key={r.arn.clone()} class="lb-rule" data-priority={r.priority.to_string()}>
                                                <span class="lb-prio">{ r.priority }</span>
                                                <span class="lb-cond">{ format!("if {}", r.conditions) }</span>
                                                <span class="lb-action">{ format!("→ {}", r.actions) }</span>
                                            </li>
                                        }) }
                                        <li class="lb-rule lb-default" data-priority="default">
                                            <span class="lb-prio">{ "default" }</span>
                                            <span class="lb-action">{ format!("→ {}", l.default_action) }</span>
                                        </li>
                                    </ol>
                                </div>
                            }) }
                        </div>
                        <div class="lb-groups">
                            if groups.is_empty() { { hint("No target group: add a listener that forwards to one.") } }
                            { for groups.iter().map(|g| {
                                let rps = group_rps(g);
                                let share = if total > 0.0 { rps / total } else { 0.0 };
                                html! {
                                    <div key={g.arn.clone()} class="lb-group-row">
                                        { flow(class, share, playing, rps_text(rps), g.name.clone()) }
                                        { group_box(g, playing, class) }
                                    </div>
                                }
                            }) }
                        </div>
                    </div>
                }
            }) }
            if !detached.is_empty() {
                <div class="lb-detached">
                    <span class="muted">{ "Target groups no listener forwards to: " }</span>
                    { for detached.iter().map(|g| html! { <span key={g.arn.clone()} class="lb-tg-name">{ format!("{} ({} targets) ", g.name, g.targets.len()) }</span> }) }
                </div>
            }
            </div> }
        </section>
    }
}

/// A target group: its name and settings, and each target with its health and share.
fn group_box(g: &TargetGroupView, playing: bool, class: &'static str) -> Html {
    let total: u64 = g.targets.iter().map(|t| t.requests_last_step).sum();
    let healthy = g.targets.iter().filter(|t| t.state == TargetHealthState::Healthy).count();
    let listed = listed_targets(g);
    let n_left_out = g.targets.len() - listed.len();
    html! {
        <div class="lb-group" data-tg={g.name.clone()}>
            <div class="lb-group-head">
                <strong class="lb-tg-name">{ &g.name }</strong>
                <span class="muted">{ format!(" {}:{} · {} · {}/{} healthy", g.protocol, g.port, g.target_type, healthy, g.targets.len()) }</span>
            </div>
            if g.targets.is_empty() { { hint("No registered targets.") } }
            <ul class="lb-targets">
                { for listed.iter().map(|t| {
                    let share = if total > 0 { t.requests_last_step as f64 / total as f64 } else { 0.0 };
                    let rps = t.requests_last_step as f64 / STEP_SECONDS as f64;
                    let title = format!("Target {}:{} in {} (task {}): {}{}", t.id, t.port, t.availability_zone, short_id(&t.task_id), t.state.as_aws(), t.description.as_ref().map(|d| format!(" — {d}")).unwrap_or_default());
                    let target_class = if t.state == TargetHealthState::Healthy { class } else { "flow-idle" };
                    html! {
                        <li key={format!("{}:{}", t.id, t.port)} class="lb-target" data-task-id={t.task_id.clone()} data-state={t.state.as_aws()} title={title}>
                            <span class="lb-target-id">{ short_id(&t.task_id) }</span>
                            <span class="lb-target-az">{ t.availability_zone.rsplit('-').next().unwrap_or("") }</span>
                            <span class={classes!("tg-badge", health_class(t.state))}>{ t.state.as_aws() }</span>
                            <span class="lb-target-bar"><span class={classes!("lb-target-fill", target_class, (!playing || share <= 0.0).then_some("paused"))} style={format!("width: {:.0}%", (share * 100.0).max(if share > 0.0 { 4.0 } else { 0.0 }))}></span></span>
                            <span class="lb-target-rps">{ rps_text(rps) }</span>
                        </li>
                    }
                }) }
            </ul>
            if n_left_out > 0 {
                <p class="hint lb-targets-left-out" data-left-out={n_left_out.to_string()}>{ targets_left_out_note(n_left_out, healthy - listed.iter().filter(|t| t.state == TargetHealthState::Healthy).count()) }</p>
            }
        </div>
    }
}

/// The targets the strip lists: all of them up to [`MAX_TARGETS_LISTED`]; past it, those not healthy first
/// (what a learner looks for), then healthy ones, shown in the target group's order.
fn listed_targets(g: &TargetGroupView) -> Vec<&TargetHealthView> {
    if g.targets.len() <= MAX_TARGETS_LISTED {
        return g.targets.iter().collect();
    }
    let not_healthy = g.targets.iter().filter(|t| t.state != TargetHealthState::Healthy).count().min(MAX_TARGETS_LISTED);
    let mut n_healthy = MAX_TARGETS_LISTED - not_healthy;
    let mut n_not_healthy = not_healthy;
    g.targets
        .iter()
        .filter(|t| {
            let quota = if t.state == TargetHealthState::Healthy { &mut n_healthy } else { &mut n_not_healthy };
            let keep = *quota > 0;
            *quota = quota.saturating_sub(1);
            keep
        })
        .collect()
}

/// The line under a target group's list when targets are left out of it.
fn targets_left_out_note(n_left_out: usize, n_healthy_left_out: usize) -> String {
    format!(
        "{n_left_out} more targets not listed ({n_healthy_left_out} healthy, {} not): the strip lists at most {MAX_TARGETS_LISTED} per target group, those not healthy first. DescribeTargetHealth lists every one.",
        n_left_out - n_healthy_left_out
    )
}

/// The Why? panel's target health of a task: per target group, state, reason and description.
pub fn task_target_health(view: &View, task: &TaskView) -> Html {
    if task.target_health.is_empty() {
        return html! {};
    }
    html! {
        <div class="task-target-health">
            <h4>{ "Load balancer target health" }</h4>
            <table class="access-table">
                <thead><tr><th>{ "Target group" }</th><th>{ "State" }</th><th>{ "Reason and description" }</th></tr></thead>
                <tbody>
                    { for task.target_health.iter().map(|h| {
                        let tg = &h.target_group;
                        let target = view.target_groups.iter().find(|g| &g.name == tg).and_then(|g| g.targets.iter().find(|t| t.task_id == task.id));
                        let description = target.and_then(|t| t.description.clone());
                        let rps = target.map(|t| t.requests_last_step as f64 / STEP_SECONDS as f64).unwrap_or(0.0);
                        html! {
                            <tr key={tg.clone()} data-tg={tg.clone()}>
                                <td>{ tg }</td>
                                <td><span class={classes!("tg-badge", health_class(h.state))}>{ h.state.as_aws() }</span></td>
                                <td class="tg-reason">
                                    if let Some(r) = &h.reason { <code>{ r }</code>{ " " } }
                                    { description.unwrap_or_default() }
                                    <div class="muted">{ format!("serving {}", rps_text(rps)) }</div>
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// The Why? panel for a selected load balancer: listeners, and each target group's targets.
pub fn load_balancer_details(view: &View, name: &str) -> Html {
    let Some(lb) = view.load_balancers.iter().find(|l| l.name == name) else {
        return hint("This load balancer no longer exists.");
    };
    let (_, outcome_text) = outcome_of(lb);
    html! {
        <div class="details lb-details">
            { subhead(&format!("Load balancer {}", lb.name)) }
            <dl class="kv">
                { term("Type", lb.lb_type.as_aws().to_string()) }
                { term("DNS name", lb.dns_name.clone()) }
                { term("Zones", lb.availability_zones.join(", ")) }
                { term("Last minute", outcome_text) }
            </dl>
            { for groups_of(&view.target_groups, lb).into_iter().map(|g| html! {
                <div key={g.arn.clone()} class="tg-details" data-tg={g.name.clone()}>
                    <h4>{ format!("Target group {} ({}, deregistration delay {} s)", g.name, g.algorithm.as_aws(), g.deregistration_delay_s) }</h4>
                    <table class="access-table">
                        <thead><tr><th>{ "Target" }</th><th>{ "State" }</th><th>{ "Reason and description" }</th></tr></thead>
                        <tbody>
                            { for g.targets.iter().map(|t| html! {
                                <tr key={format!("{}:{}", t.id, t.port)}>
                                    <td><code>{ format!("{}:{}", t.id, t.port) }</code><div class="muted">{ format!("task {} · {}", short_id(&t.task_id), t.availability_zone) }</div></td>
                                    <td><span class={classes!("tg-badge", health_class(t.state))}>{ t.state.as_aws() }</span></td>
                                    <td class="tg-reason">
                                        if let Some(r) = &t.reason { <code>{ r }</code>{ " " } }
                                        { t.description.clone().unwrap_or_default() }
                                        <div class="muted">{ format!("{} · {} ms", rps_text(t.requests_last_step as f64 / STEP_SECONDS as f64), t.latency_ms) }</div>
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }) }
        </div>
    }
}

/// The load balancer charts of the selected load balancer, or of the first one.
/// The load balancer charts of the selected load balancer, or of the first one: re-rendered when the load
/// balancers change (a minute's metrics), not every frame.
#[function_component(LoadBalancerCharts)]
pub fn load_balancer_charts() -> Html {
    use_render_count("LoadBalancerCharts");
    let selection = use_selection();
    let load_balancers = use_view_select(|v| v.load_balancers.clone());
    let playing = use_playing();
    let lb = match &selection {
        Selection::LoadBalancer(name) => load_balancers.iter().find(|l| &l.name == name),
        _ => None,
    }
    .or_else(|| load_balancers.first())
    .cloned();
    let key = lb.as_ref().map(|l| (l.name.clone(), l.metrics.len(), l.metrics.last().map(|m| (m.minute_start_ms, m.request_count)).unwrap_or_default()));
    let canvas = crate::charts::use_chart_canvas(key, playing, {
        let lb = lb.clone();
        move |canvas| {
            if let Some(lb) = lb {
                crate::charts::draw_lb_metrics(canvas, &lb.metrics);
            }
        }
    });
    let Some(lb) = lb else { return html! {} };
    html! {
        <div class="lb-charts">
            { subhead(&format!("Load balancer {} (per minute)", lb.name)) }
            <canvas ref={canvas} class="chart lb-chart" width="296" height="300"
                aria-label={format!("Charts of {}: requests per minute, TargetResponseTime p99, 5xx from targets and from the load balancer, healthy hosts", lb.name)}></canvas>
        </div>
    }
}

// ---- builder tab ----------------------------------------------------------------------------

/// The placeholder of a rule condition's values: an example for its field.
fn condition_placeholder(field: &str) -> &'static str {
    match field {
        "path-pattern" => "/admin/*, /login",
        "host-header" => "api.example.com",
        "http-header" => "X-Env: beta, canary",
        "query-string" => "version=2",
        _ => "10.0.0.0/16",
    }
}

/// A condition row of the rule editor: its id (the row's key), field and values as typed.
#[derive(Clone, PartialEq)]
struct ConditionRow {
    id: u32,
    field: String,
    values: String,
}

/// The Load balancing tab: re-rendered when what it offers changes (load balancers, target groups,
/// listeners, running targets), not by the run's clock.
#[function_component(LoadBalancingForm)]
pub fn load_balancing_form() -> Html {
    use_render_count("LoadBalancingForm");
    let commands = use_commands();
    let options = use_view_select(model::options);
    let lbs = &options.load_balancers;
    let tgs = &options.target_groups;
    let listeners: Vec<(String, String)> = options.listeners.iter().map(|l| (l.arn.clone(), l.label.clone())).collect();

    // Rules: the listener being edited, the new rule's fields.
    let listener = use_text("");
    let priority = use_text("20");
    let conditions = use_state(|| vec![ConditionRow { id: 0, field: "path-pattern".to_string(), values: "/admin/*".to_string() }]);
    let next_condition_id = use_mut_ref(|| 1u32);
    let action = use_text("fixed-response");
    let forward_tg = use_text("");
    let status_code = use_text("403");
    let content_type = use_text("text/plain");
    let body = use_text("Forbidden");
    let rule_result = use_outcome();
    let listener_value = current(&listener, &listeners);
    let forward_value = current(&forward_tg, tgs);

    let add_rule = {
        let (commands, priority, conditions, action, status_code, content_type, body, rule_result, listener_value, forward_value) =
            (commands.clone(), priority.clone(), conditions.clone(), action.clone(), status_code.clone(), content_type.clone(), body.clone(), rule_result.clone(), listener_value.clone(), forward_value.clone());
        Callback::from(move |_| {
            let conditions: Vec<(String, String)> = conditions.iter().map(|c| (c.field.clone(), c.values.clone())).collect();
            let form = CreateRule {
                listener: &listener_value, priority: &priority, conditions: &conditions, action: &action, forward_to: &forward_value,
                status_code: &status_code, content_type: &content_type, body: &body,
            };
            rule_result.set(Some(form.input().and_then(|input| commands.dispatch("elasticloadbalancing:CreateRule", input)).map(|v| model::rule_created_text(&v))));
        })
    };
    let current_rules = options.listeners.iter().find(|l| l.arn == listener_value).map(|l| l.rules.clone()).unwrap_or_default();

    // Create load balancer / target group / listener.
    let lb_name = use_text("my-alb");
    let lb_type = use_text("application");
    let tg_name = use_text("my-tg");
    let tg_port = use_text("8080");
    let tg_type = use_text("ip");
    let tg_path = use_text("/health");
    let l_lb = use_text("");
    let l_port = use_text("8080");
    let l_tg = use_text("");
    let create_result = use_outcome();
    let create_lb = {
        let (commands, lb_name, lb_type, create_result) = (commands.clone(), lb_name.clone(), lb_type.clone(), create_result.clone());
        Callback::from(move |_| {
            let input = model::create_load_balancer_input(&commands.view(), &lb_name, &lb_type);
            create_result.set(Some(commands.dispatch("elasticloadbalancing:CreateLoadBalancer", input).map(|_| format!("Load balancer {} created.", lb_name.trim()))));
        })
    };
    let create_tg = {
        let (commands, tg_name, tg_port, tg_type, tg_path, create_result) = (commands.clone(), tg_name.clone(), tg_port.clone(), tg_type.clone(), tg_path.clone(), create_result.clone());
        Callback::from(move |_| {
            let input = model::create_target_group_input(&tg_name, &tg_port, &tg_type, &tg_path, &commands.view().vpc_id);
            create_result.set(Some(input.and_then(|input| commands.dispatch("elasticloadbalancing:CreateTargetGroup", input)).map(|_| format!("Target group {} created.", tg_name.trim()))));
        })
    };
    let l_lb_value = current(&l_lb, lbs);
    let l_tg_value = current(&l_tg, tgs);
    let create_listener = {
        let (commands, l_port, create_result, lb, tg) = (commands.clone(), l_port.clone(), create_result.clone(), l_lb_value.clone(), l_tg_value.clone());
        Callback::from(move |_| {
            let built = model::create_listener_input(&lb, &l_port, &tg);
            create_result.set(Some(built.and_then(|(port, input)| commands.dispatch("elasticloadbalancing:CreateListener", input).map(|_| format!("Listener on port {port} created.")))));
        })
    };

    // Target group attributes.
    let attr_tg = use_text("");
    let dereg = use_text("");
    let slow_start = use_text("");
    let algorithm = use_text("");
    let attr_result = use_outcome();
    let attr_tg_value = current(&attr_tg, tgs);
    let modify = {
        let (commands, dereg, slow_start, algorithm, attr_result, tg) = (commands.clone(), dereg.clone(), slow_start.clone(), algorithm.clone(), attr_result.clone(), attr_tg_value.clone());
        Callback::from(move |_| {
            let input = model::modify_attributes_input(&tg, &dereg, &slow_start, &algorithm);
            attr_result.set(Some(input.and_then(|input| commands.dispatch("elasticloadbalancing:ModifyTargetGroupAttributes", input)).map(|_| "Attributes modified.".to_string())));
        })
    };

    // Traffic.
    let load_lb = use_text("");
    let pattern = use_text("constant");
    let rate_a = use_text("300");
    let rate_b = use_text("900");
    let duration = use_text("10m");
    let mix = use_text("");
    let load_result = use_outcome();
    let load_lb_value = current(&load_lb, lbs);
    let set_load = {
        let (commands, pattern, rate_a, rate_b, duration, mix, load_result, lb) = (commands.clone(), pattern.clone(), rate_a.clone(), rate_b.clone(), duration.clone(), mix.clone(), load_result.clone(), load_lb_value.clone());
        Callback::from(move |_| {
            let current_mix = commands.current_mix(&lb);
            let form = SetLoad { load_balancer: &lb, pattern: &pattern, rate_a: &rate_a, rate_b: &rate_b, duration: &duration, mix: &mix, current_mix, now_ms: commands.now_ms() };
            load_result.set(Some(form.input().and_then(|input| commands.dispatch("sim:SetLoad", input)).map(|_| "Traffic set.".to_string())));
        })
    };

    // Target behaviour.
    let targets = &options.targets;
    let behavior_target = use_text("");
    let behavior_target_value = current(&behavior_target, targets);
    let healthy = use_flag(false);
    let response_code = use_text("500");
    let latency = use_text("0");
    let timeout = use_flag(false);
    let behavior_result = use_outcome();
    let set_behavior = {
        let (commands, healthy, response_code, latency, timeout, behavior_result, target) = (commands.clone(), healthy.clone(), response_code.clone(), latency.clone(), timeout.clone(), behavior_result.clone(), behavior_target_value.clone());
        Callback::from(move |_| {
            let form = SetTargetBehavior { target: &target, healthy: *healthy, response_code: &response_code, extra_latency_ms: &latency, timeout: *timeout };
            behavior_result.set(Some(form.input(&commands.view()).and_then(|input| commands.dispatch("sim:SetTargetBehavior", input)).map(|v| format!("Behaviour set on {} task(s).", v["tasks"]))));
        })
    };

    // AZ outage.
    let az = use_text("");
    let az_options = &options.zones;
    let az_value = current(&az, az_options);
    let outage_result = use_outcome();
    let outage = {
        let (commands, outage_result, az) = (commands.clone(), outage_result.clone(), az_value.clone());
        Callback::from(move |_| {
            outage_result.set(Some(commands.dispatch("fis:aws:network:disrupt-connectivity", model::outage_input(&az)).map(|_| format!("{az} is cut off for 10 minutes."))));
        })
    };

    let add_condition = {
        let (conditions, next_condition_id) = (conditions.clone(), next_condition_id.clone());
        Callback::from(move |_| {
            let mut next = (*conditions).clone();
            let id = *next_condition_id.borrow();
            *next_condition_id.borrow_mut() += 1;
            next.push(ConditionRow { id, field: "host-header".into(), values: String::new() });
            conditions.set(next);
        })
    };
    let (label_a, label_b) = match pattern.as_str() {
        "ramp" => ("From (req/s)", "To (req/s)"),
        "dailyCycle" => ("Min (req/s)", "Max (req/s)"),
        "spike" => ("Base (req/s)", "Peak (req/s)"),
        _ => ("Requests per second", ""),
    };

    html! {
        <div class="form lb-form">
            { subhead("Listener rules") }
            if listeners.is_empty() {
                { hint("No listener yet: create a load balancer, a target group and a listener below, or load the alb-path-routing scenario.") }
            } else {
                { select_current("Listener", "ruleListener", &listener, &listeners, &listener_value) }
                <ol class="lb-rules editor-rules">
                    { for current_rules.iter().map(|r| {
                        let (p, c, a, arn) = (r.priority, &r.conditions, &r.actions, &r.arn);
                        let delete = {
                            let (commands, rule_result, arn) = (commands.clone(), rule_result.clone(), arn.clone());
                            Callback::from(move |_| rule_result.set(Some(commands.dispatch("elasticloadbalancing:DeleteRule", model::delete_rule_input(&arn)).map(|_| format!("Rule {p} deleted.")))))
                        };
                        html! {
                            <li key={arn.clone()} class="lb-rule" data-priority={p.to_string()}>
                                <span class="lb-prio">{ p }</span>
                                <span class="lb-cond">{ format!("if {c} → {a}") }</span>
                                <button type="button" class="small danger" onclick={delete} aria-label={format!("Delete rule {p}")}>{ "Delete" }</button>
                            </li>
                        }
                    }) }
                </ol>
                <h4 class="minorhead">{ "Add a rule" }</h4>
                { field("Priority (1–50000, lower wins)", "rulePriority", &priority) }
                { for conditions.iter().enumerate().map(|(i, c)| {
                    let id = c.id;
                    let edit = |apply: fn(&mut ConditionRow, String)| {
                        let conditions = conditions.clone();
                        move |value: String| { let mut next = (*conditions).clone(); if let Some(c) = next.iter_mut().find(|c| c.id == id) { apply(c, value); } conditions.set(next); }
                    };
                    let on_field = { let edit = edit(|c, v| c.field = v); Callback::from(move |e: Event| edit(event_value(&e))) };
                    let on_value = { let edit = edit(|c, v| c.values = v); Callback::from(move |e: InputEvent| edit(event_value(&e))) };
                    let remove = { let conditions = conditions.clone(); Callback::from(move |_| { let mut next = (*conditions).clone(); if next.len() > 1 { next.retain(|c| c.id != id); } conditions.set(next); }) };
                    html! {
                        <div key={id} class="condition-row">
                            <select name={format!("conditionField{i}")} aria-label="Condition field" onchange={on_field}>
                                { for CONDITION_FIELDS.iter().map(|o| html! { <option key={*o} value={*o} selected={*o == c.field.as_str()}>{ *o }</option> }) }
                            </select>
                            <input name={format!("conditionValue{i}")} aria-label="Condition values (comma separated)" placeholder={condition_placeholder(&c.field)} value={c.values.clone()} oninput={on_value} />
                            if conditions.len() > 1 { <button type="button" class="small" onclick={remove} aria-label="Remove condition">{ "×" }</button> }
                        </div>
                    }
                }) }
                <button type="button" class="small" onclick={add_condition}>{ "+ Condition (all must match)" }</button>
                <label class="field"><span>{ "Action" }</span>
                    <select name="ruleAction" onchange={on_change(&action)}>
                        <option value="forward" selected={*action == "forward"}>{ "forward to a target group" }</option>
                        <option value="fixed-response" selected={*action == "fixed-response"}>{ "fixed-response" }</option>
                    </select>
                </label>
                if *action == "forward" {
                    { select_current("Target group", "ruleTargetGroup", &forward_tg, tgs, &forward_value) }
                } else {
                    { row(
                        field("Status code", "fixedStatusCode", &status_code),
                        field("Content type", "fixedContentType", &content_type),
                    ) }
                    { field("Message body", "fixedBody", &body) }
                }
                { call_button("Add rule (elasticloadbalancing:CreateRule)", true, add_rule, &rule_result) }
            }

            { subhead("Traffic (sim:SetLoad)") }
            if lbs.is_empty() { { hint("Create a load balancer first.") } } else {
                { select_current("Load balancer", "loadLb", &load_lb, lbs, &load_lb_value) }
                { select("Pattern", "loadPattern", &pattern, &pairs(&["constant", "ramp", "dailyCycle", "spike", "stop"])) }
                if *pattern != "stop" {
                    <div class="row">
                        { field(label_a, "loadRateA", &rate_a) }
                        if !label_b.is_empty() { { field(label_b, "loadRateB", &rate_b) } }
                    </div>
                }
                if *pattern == "ramp" || *pattern == "spike" { { field(if *pattern == "ramp" { "Over (e.g. 10m)" } else { "Spike duration (from now)" }, "loadDuration", &duration) } }
                { field("Paths (path=weight, …; empty: keep)", "loadMix", &mix) }
                { call_button("Set traffic", false, set_load, &load_result) }
            }

            { subhead("Target behaviour (sim:SetTargetBehavior)") }
            if targets.is_empty() { { hint("No running service or task.") } } else {
                { select_current("Tasks", "behaviorTarget", &behavior_target, targets, &behavior_target_value) }
                { check_box("Health check passes", "", &healthy) }
                { row(
                    field("Response code", "responseCode", &response_code),
                    field("Extra latency (ms)", "extraLatencyMs", &latency),
                ) }
                { check_box("Time out (no response)", "", &timeout) }
                { call_button("Set behaviour", false, set_behavior, &behavior_result) }
            }

            { subhead("Availability Zone outage (AWS FIS)") }
            { select_current("Zone", "outageAz", &az, az_options, &az_value) }
            <button type="button" class="danger" onclick={outage}>{ "AZ outage: disrupt connectivity for 10 min" }</button>
            { outcome(&outage_result) }

            { subhead("Target group attributes") }
            if tgs.is_empty() { { hint("No target group yet.") } } else {
                { select_current("Target group", "attrTargetGroup", &attr_tg, tgs, &attr_tg_value) }
                { row(
                    field("Deregistration delay (s)", "deregistrationDelay", &dereg),
                    field("Slow start (s, 0 = off)", "slowStart", &slow_start),
                ) }
                { select("Algorithm", "algorithm", &algorithm, &[(String::new(), "(unchanged)".into()), ("round_robin".into(), "round_robin".into()), ("least_outstanding_requests".into(), "least_outstanding_requests".into())]) }
                { call_button("Modify (ModifyTargetGroupAttributes)", false, modify, &attr_result) }
            }

            { subhead("Create") }
            { row(
                field("Load balancer name", "lbName", &lb_name),
                select("Type", "lbType", &lb_type, &pairs(&["application", "network"])),
            ) }
            { button("Create load balancer", create_lb) }
            { row(
                field("Target group name", "tgName", &tg_name),
                field("Port", "tgPort", &tg_port),
            ) }
            { row(
                select("Target type", "tgType", &tg_type, &pairs(&["ip", "instance"])),
                field("Health check path", "tgPath", &tg_path),
            ) }
            { button("Create target group", create_tg) }
            if !lbs.is_empty() && !tgs.is_empty() {
                { select_current("Listener on", "listenerLb", &l_lb, lbs, &l_lb_value) }
                { row(
                    field("Port", "listenerPort", &l_port),
                    select_current("Default: forward to", "listenerTg", &l_tg, tgs, &l_tg_value),
                ) }
                { button("Create listener (HTTP)", create_listener) }
            }
            { outcome(&create_result) }
            { hint("Attach a service to a target group on the Services tab (its Load balancer choice), or with loadBalancers in ecs:CreateService.") }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecs_sim::view::Algorithm;

    fn group(states: &[TargetHealthState]) -> TargetGroupView {
        let target = |i: usize, state: TargetHealthState| TargetHealthView {
            id: format!("i-{i:05}"),
            port: 32768,
            availability_zone: "us-east-1a".to_string(),
            task_id: format!("{i:032x}"),
            state,
            reason: None,
            description: None,
            requests_last_step: 10,
            latency_ms: 20,
        };
        TargetGroupView {
            arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/1".to_string(),
            name: "web-tg".to_string(),
            protocol: "HTTP".to_string(),
            port: 80,
            target_type: "instance".to_string(),
            algorithm: Algorithm::RoundRobin,
            deregistration_delay_s: 300,
            targets: states.iter().enumerate().map(|(i, s)| target(i, *s)).collect(),
        }
    }

    #[test]
    fn a_group_within_the_limit_lists_every_target_in_its_order() {
        let g = group(&[TargetHealthState::Healthy, TargetHealthState::Unhealthy, TargetHealthState::Initial]);
        let ids: Vec<&str> = listed_targets(&g).iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["i-00000", "i-00001", "i-00002"]);
    }

    #[test]
    fn past_the_limit_the_targets_not_healthy_are_listed_first_and_the_order_kept() {
        let mut states = vec![TargetHealthState::Healthy; 1_000];
        for i in [3, 500, 998] {
            states[i] = TargetHealthState::Unhealthy;
        }
        let g = group(&states);
        let listed = listed_targets(&g);
        assert_eq!(listed.len(), MAX_TARGETS_LISTED);
        let unhealthy: Vec<&str> = listed.iter().filter(|t| t.state != TargetHealthState::Healthy).map(|t| t.id.as_str()).collect();
        assert_eq!(unhealthy, ["i-00003", "i-00500", "i-00998"]);
        assert!(listed.windows(2).all(|w| w[0].id < w[1].id), "the group's order is kept");
        assert_eq!(targets_left_out_note(960, 960), "960 more targets not listed (960 healthy, 0 not): the strip lists at most 40 per target group, those not healthy first. DescribeTargetHealth lists every one.");
    }
}
