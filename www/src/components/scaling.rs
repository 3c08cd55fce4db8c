//! The builder's "Scaling" tab: Service Auto Scaling (alarms with the datapoints that moved them,
//! scalable targets, policies, scheduled actions, scaling activities with their causes, and the forms
//! that make the calls) and EC2 capacity (Auto Scaling groups, capacity providers with their
//! CapacityProviderReservation, and their forms); plus the scaling charts of the Why? panel. Every
//! action is an AWS call through `Commands::dispatch`; a refusal shows AWS's message inline. The tab reads
//! its part of the view with a selector (`forms/scaling.rs`), so it re-renders when scaling changes.

use ecs_sim::view::{AlarmState, AlarmView, CapacityProviderView, Comparison, ScalingView};
use serde_json::Value;
use yew::prelude::*;

use crate::components::form::{call_button, check_box, field, hint, row, select, select_current, subhead, use_flag, use_outcome, use_text, Outcome};
use crate::driver::{use_commands, use_playing, use_view_select, Commands};
use crate::forms::cluster::instance_type_options;
use crate::forms::scaling::{self as model, AutoScalingGroup, CapacityProvider, StepScaling, TargetTracking, COMPARISONS, PREDEFINED_METRICS};
use crate::forms::{current, pairs};
use crate::render_count::use_render_count;
use crate::text::format_elapsed;

/// Runs each call of `build` in order, stopping at the first refusal; sets `result` to `done` or the refusal.
fn run_calls(commands: &Commands, result: &Outcome, build: Result<Vec<(&'static str, Value)>, String>, done: String) {
    let outcome = build.and_then(|calls| calls.into_iter().try_for_each(|(call, input)| commands.dispatch(call, input).map(|_| ())).map(|_| done));
    result.set(Some(outcome));
}

/// The CSS class of an alarm state (the badge also shows the state as text).
fn alarm_class(state: AlarmState) -> &'static str {
    match state {
        AlarmState::Alarm => "alarm-alarm",
        AlarmState::Ok => "alarm-ok",
        AlarmState::InsufficientData => "alarm-insufficient",
    }
}

#[function_component(ScalingForm)]
pub fn scaling_form() -> Html {
    use_render_count("ScalingForm");
    let part = use_state(|| "services");
    let tab = |id: &'static str, label: &str| {
        let onclick = { let part = part.clone(); Callback::from(move |_| part.set(id)) };
        html! { <button type="button" class={classes!("subtab", (*part == id).then_some("active"))} aria-pressed={(*part == id).to_string()} onclick={onclick}>{ label.to_string() }</button> }
    };
    html! {
        <div class="form scaling-form">
            <div class="subtabs" role="group" aria-label="Scaling">
                { tab("services", "Service Auto Scaling") }
                { tab("capacity", "EC2 capacity") }
            </div>
            if *part == "services" { <ServiceScaling /> } else { <CapacityScaling /> }
        </div>
    }
}

/// An alarm: state as a coloured badge with its text, the metric, threshold, the datapoints of the
/// evaluation range (sparkline and table, breaching ones marked) and the reason of the last change.
fn alarm_card(a: &AlarmView) -> Html {
    let short = if a.name.contains("-AlarmHigh-") {
        "AlarmHigh (scale out)".to_string()
    } else if a.name.contains("-AlarmLow-") {
        "AlarmLow (scale in)".to_string()
    } else {
        a.name.clone()
    };
    let op = match a.comparison {
        Comparison::GreaterThanThreshold => ">",
        Comparison::GreaterThanOrEqualToThreshold => "≥",
        Comparison::LessThanThreshold => "<",
        Comparison::LessThanOrEqualToThreshold => "≤",
    };
    let newest: Vec<_> = a.datapoints.iter().rev().take(5).collect();
    html! {
        <li key={a.name.clone()} class={classes!("alarm", alarm_class(a.state))} data-alarm={a.name.clone()} data-state={a.state.as_aws()}>
            <div class="alarm-head">
                <span class={classes!("alarm-badge", alarm_class(a.state))}>{ a.state.as_aws() }</span>
                <strong title={a.name.clone()}>{ short }</strong>
                <span class="muted">{ format!(" since {}", format_elapsed(a.state_since.as_millis())) }</span>
            </div>
            <div class="alarm-rule">{ format!("{} ({}) {op} {} for {} of {} minutes", a.metric.rsplit(' ').next().unwrap_or(""), a.statistic.as_aws(), a.threshold, a.datapoints_to_alarm, a.evaluation_periods) }</div>
            { sparkline(a) }
            <table class="access-table alarm-points">
                <thead><tr><th>{ "Minute" }</th><th>{ "Value" }</th><th>{ format!("{op} {}?", a.threshold) }</th></tr></thead>
                <tbody>
                    { for newest.iter().map(|d| html! {
                        <tr key={d.period_start.as_millis()} class={classes!(d.breaching.then_some("breaching"))}>
                            <td>{ format_elapsed(d.period_start.as_millis()) }</td>
                            <td>{ d.value.map_or("no data".to_string(), |v| format!("{v:.1}")) }</td>
                            <td>{ if d.value.is_none() { "—" } else if d.breaching { "yes, breaching" } else { "no" } }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="alarm-reason">{ &a.state_reason }</p>
        </li>
    }
}

/// The alarm's datapoints as an SVG sparkline with the threshold dashed; breaching points filled.
fn sparkline(a: &AlarmView) -> Html {
    let (w, h) = (260.0, 44.0);
    let values: Vec<f64> = a.datapoints.iter().filter_map(|d| d.value).chain(std::iter::once(a.threshold)).collect();
    let max = values.iter().copied().fold(0.0f64, f64::max).max(1.0) * 1.15;
    let n = a.datapoints.len().max(2) as f64 - 1.0;
    let x = |i: usize| 4.0 + i as f64 * (w - 8.0) / n;
    let y = |v: f64| h - 4.0 - v / max * (h - 8.0);
    let points: Vec<String> = a.datapoints.iter().enumerate().filter_map(|(i, d)| d.value.map(|v| format!("{:.1},{:.1}", x(i), y(v)))).collect();
    html! {
        <svg class="sparkline" viewBox={format!("0 0 {w} {h}")} width={w.to_string()} height={h.to_string()} role="img"
            aria-label={format!("The last {} datapoints against the threshold {}", a.datapoints.len(), a.threshold)}>
            <line class="spark-threshold" x1="0" x2={w.to_string()} y1={format!("{:.1}", y(a.threshold))} y2={format!("{:.1}", y(a.threshold))} />
            <text class="spark-label" x={(w - 2.0).to_string()} text-anchor="end" y={format!("{:.1}", (y(a.threshold) - 2.0).max(8.0))}>{ format!("threshold {}", a.threshold) }</text>
            <polyline class="spark-line" points={points.join(" ")} />
            { for a.datapoints.iter().enumerate().filter_map(|(i, d)| d.value.map(|v| html! {
                <circle key={d.period_start.as_millis()} class={if d.breaching { "spark-point breaching" } else { "spark-point" }} cx={format!("{:.1}", x(i))} cy={format!("{:.1}", y(v))} r="2.5" />
            })) }
        </svg>
    }
}

#[function_component(ServiceScaling)]
fn service_scaling() -> Html {
    use_render_count("ServiceScaling");
    let commands = use_commands();
    let options = use_view_select(model::service_scaling_options);
    let sc = &options.scaling;
    let services = &options.services;
    let service = use_text("");
    let resource_id = current(&service, services);

    // RegisterScalableTarget.
    let min = use_text("1");
    let max = use_text("10");
    let target_result = use_outcome();
    let register = {
        let (commands, min, max, result, rid) = (commands.clone(), min.clone(), max.clone(), target_result.clone(), resource_id.clone());
        Callback::from(move |_| {
            let build = model::register_target_input(&rid, &min, &max).map(|input| vec![("application-autoscaling:RegisterScalableTarget", input)]);
            run_calls(&commands, &result, build, format!("Registered {rid} as a scalable target."));
        })
    };

    // PutScalingPolicy, target tracking.
    let tt_name = use_text("cpu-target");
    let tt_metric = use_text(PREDEFINED_METRICS[0]);
    let tt_value = use_text("50");
    let tt_label = use_text("");
    let tt_out = use_text("300");
    let tt_in = use_text("300");
    let tt_disable_in = use_flag(false);
    let tt_result = use_outcome();
    let labels = &options.labels;
    let tt_label_value = if tt_label.is_empty() { labels.first().cloned().unwrap_or_default() } else { (*tt_label).clone() };
    let put_tt = {
        let (commands, name, metric, value, label, out, in_, disable, result, rid) =
            (commands.clone(), tt_name.clone(), tt_metric.clone(), tt_value.clone(), tt_label_value.clone(), tt_out.clone(), tt_in.clone(), tt_disable_in.clone(), tt_result.clone(), resource_id.clone());
        Callback::from(move |_| {
            let form = TargetTracking { resource_id: &rid, name: &name, metric: &metric, value: &value, label: &label, scale_out_cooldown: &out, scale_in_cooldown: &in_, disable_scale_in: *disable };
            let build = form.input().map(|input| vec![("application-autoscaling:PutScalingPolicy", input)]);
            run_calls(&commands, &result, build, format!("Policy {} created, with its AlarmHigh and AlarmLow alarms.", name.trim()));
        })
    };

    // PutScalingPolicy, step scaling, and the alarm that runs it.
    let st_name = use_text("cpu-step");
    let st_type = use_text("ChangeInCapacity");
    let st_steps = use_text("0:20:1, 20::3");
    let st_cooldown = use_text("300");
    let st_metric = use_text("CPUUtilization");
    let st_comparison = use_text(COMPARISONS[0]);
    let st_threshold = use_text("70");
    let st_periods = use_text("3");
    let st_result = use_outcome();
    let put_step = {
        let (commands, name, kind, steps, cooldown, metric, comparison, threshold, periods, result, rid) = (
            commands.clone(), st_name.clone(), st_type.clone(), st_steps.clone(), st_cooldown.clone(), st_metric.clone(), st_comparison.clone(), st_threshold.clone(), st_periods.clone(), st_result.clone(), resource_id.clone(),
        );
        Callback::from(move |_| {
            let form = StepScaling {
                resource_id: &rid, name: &name, adjustment_type: &kind, steps: &steps, cooldown: &cooldown, metric: &metric, comparison: &comparison, threshold: &threshold, periods: &periods,
            };
            // The alarm needs the policy's ARN: the second call is built from the first one's answer.
            let outcome = form.inputs().and_then(|(policy, alarm)| {
                let answer = commands.dispatch("application-autoscaling:PutScalingPolicy", policy)?;
                commands.dispatch("cloudwatch:PutMetricAlarm", model::with_alarm_action(alarm, &answer)).map(|_| format!("Policy {} created; alarm {}-alarm runs it.", name.trim(), name.trim()))
            });
            result.set(Some(outcome));
        })
    };

    // PutScheduledAction.
    let sa_name = use_text("scale-up");
    let sa_schedule = use_state(|| model::schedule_in_ten_minutes(&commands.view()));
    let sa_min = use_text("4");
    let sa_max = use_text("");
    let sa_result = use_outcome();
    let put_scheduled = {
        let (commands, name, schedule, min, max, result, rid) = (commands.clone(), sa_name.clone(), sa_schedule.clone(), sa_min.clone(), sa_max.clone(), sa_result.clone(), resource_id.clone());
        Callback::from(move |_| {
            let build = model::scheduled_action_input(&rid, &name, &schedule, &min, &max).map(|input| vec![("application-autoscaling:PutScheduledAction", input)]);
            run_calls(&commands, &result, build, format!("Scheduled action {} created.", name.trim()));
        })
    };

    html! {
        <>
            { subhead("Scalable targets and policies") }
            if sc.scalable_targets.is_empty() { { hint("No service is registered with Application Auto Scaling.") } }
            <ul class="scaling-targets">
                { for sc.scalable_targets.iter().map(|t| html! {
                    <li key={t.resource_id.clone()} class="scaling-target" data-resource-id={t.resource_id.clone()}>
                        <div><strong>{ &t.service }</strong><span class="muted">{ format!(" {}", t.resource_id) }</span></div>
                        <div class="target-counts">
                            { format!("min {} · ", t.min_capacity) }<strong class="target-desired">{ format!("desired {}", t.desired_count) }</strong>
                            { format!(" · running {} · max {}", t.running_count, t.max_capacity) }
                        </div>
                        <ul class="policies">
                            { for sc.policies.iter().filter(|p| p.resource_id == t.resource_id).map(|p| html! {
                                <li key={p.name.clone()} class="scaling-policy" data-policy={p.name.clone()}>
                                    <strong>{ &p.name }</strong>{ format!(" {}: {}", p.policy_type.as_aws(), p.metric) }
                                    <div class="muted">{ match p.target_value {
                                        Some(v) => format!("target {v} · scale-out cooldown {} s · scale-in cooldown {} s{}", p.scale_out_cooldown_s, p.scale_in_cooldown_s, if p.disable_scale_in { " · DisableScaleIn" } else { "" }),
                                        None => format!("{} · {} · cooldown {} s", p.adjustment_type.clone().unwrap_or_default(), p.step_adjustments.join("; "), p.scale_out_cooldown_s),
                                    } }</div>
                                </li>
                            }) }
                            { for sc.scheduled_actions.iter().filter(|a| a.resource_id == t.resource_id).map(|a| html! {
                                <li key={format!("s-{}", a.name)} class="scheduled-action">
                                    <strong>{ &a.name }</strong>{ format!(" {}: ", a.schedule) }
                                    { [a.min_capacity.map(|m| format!("MinCapacity {m}")), a.max_capacity.map(|m| format!("MaxCapacity {m}"))].into_iter().flatten().collect::<Vec<_>>().join(", ") }
                                </li>
                            }) }
                        </ul>
                    </li>
                }) }
            </ul>

            { subhead("Alarms") }
            if sc.alarms.is_empty() {
                { hint("No CloudWatch alarm yet. A target tracking policy creates two: AlarmHigh scales out, AlarmLow scales in. Try the target-tracking-spike scenario.") }
            }
            <ul class="alarms">{ for sc.alarms.iter().map(alarm_card) }</ul>

            { subhead("Scaling activities") }
            if sc.activities.is_empty() { { hint("No scaling activity yet.") } }
            <ol class="activities">
                { for sc.activities.iter().map(|a| html! {
                    <li key={format!("{}-{}", a.time.as_millis(), a.description)} class="activity">
                        <span class="muted">{ format!("{} {} ", format_elapsed(a.time.as_millis()), a.status_code) }</span>
                        <strong>{ &a.description }</strong>
                        <div class="activity-cause">{ format!("Cause: {}", a.cause) }</div>
                    </li>
                }) }
            </ol>

            { subhead("Scale a service") }
            if services.is_empty() { { hint("Create a service first (Services tab).") } } else {
                { select_current("Service", "scalingService", &service, services, &resource_id) }
                <details class="editor" open=true>
                    <summary>{ "Scalable target (min and max tasks)" }</summary>
                    { row(field("MinCapacity", "minCapacity", &min), field("MaxCapacity", "maxCapacity", &max)) }
                    { call_button("Register (application-autoscaling:RegisterScalableTarget)", true, register, &target_result) }
                </details>
                <details class="editor">
                    <summary>{ "Target tracking policy" }</summary>
                    { field("Policy name", "ttPolicyName", &tt_name) }
                    { select("Predefined metric", "ttMetric", &tt_metric, &pairs(&PREDEFINED_METRICS)) }
                    if *tt_metric == "ALBRequestCountPerTarget" {
                        { select_current("ResourceLabel (load balancer / target group)", "ttResourceLabel", &tt_label, &labels.iter().map(|l| (l.clone(), l.clone())).collect::<Vec<_>>(), &tt_label_value) }
                    }
                    { field("Target value", "ttTargetValue", &tt_value) }
                    { row(field("Scale-out cooldown (s)", "ttScaleOutCooldown", &tt_out), field("Scale-in cooldown (s)", "ttScaleInCooldown", &tt_in)) }
                    { check_box("DisableScaleIn (never remove tasks)", "ttDisableScaleIn", &tt_disable_in) }
                    { call_button("Put policy (application-autoscaling:PutScalingPolicy)", true, put_tt, &tt_result) }
                </details>
                <details class="editor">
                    <summary>{ "Step scaling policy and its alarm" }</summary>
                    { field("Policy name", "stepPolicyName", &st_name) }
                    { select("Adjustment type", "stepAdjustmentType", &st_type, &pairs(&["ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"])) }
                    { field("Steps: lower:upper:adjustment, … (bounds relative to the threshold)", "stepAdjustments", &st_steps) }
                    { field("Cooldown (s)", "stepCooldown", &st_cooldown) }
                    { row(
                        select("Alarm metric", "stepMetric", &st_metric, &pairs(&["CPUUtilization", "MemoryUtilization"])),
                        field("Threshold", "stepThreshold", &st_threshold),
                    ) }
                    { row(
                        select("Comparison", "stepComparison", &st_comparison, &pairs(&COMPARISONS)),
                        field("Evaluation periods (1 min)", "stepPeriods", &st_periods),
                    ) }
                    { call_button("Put policy and alarm (PutScalingPolicy, cloudwatch:PutMetricAlarm)", true, put_step, &st_result) }
                </details>
                <details class="editor">
                    <summary>{ "Scheduled action" }</summary>
                    { field("Name", "scheduledActionName", &sa_name) }
                    { field("Schedule: at(…), rate(…) or cron(…), UTC", "schedule", &sa_schedule) }
                    { row(field("MinCapacity", "scheduledMin", &sa_min), field("MaxCapacity", "scheduledMax", &sa_max)) }
                    { call_button("Put (application-autoscaling:PutScheduledAction)", true, put_scheduled, &sa_result) }
                </details>
            }
        </>
    }
}

/// The reservation against the target as a meter and words.
fn reservation(cp: &CapacityProviderView) -> Html {
    let Some(r) = cp.reservation else { return hint("No CapacityProviderReservation yet (computed each minute once associated with a cluster).") };
    let words = match r.cmp(&cp.target_capacity) {
        std::cmp::Ordering::Greater => "above the target: managed scaling launches instances",
        std::cmp::Ordering::Less => "below the target: after 15 minutes, empty instances are removed",
        _ => "at the target: steady",
    };
    let percent = (r as f64 / 2.0).min(100.0);
    html! {
        <div class="cpr" data-reservation={r.to_string()}>
            <div><strong>{ format!("CapacityProviderReservation {r}%") }</strong>{ format!(" (targetCapacity {}%): {words}", cp.target_capacity) }</div>
            <span class="cpr-track" role="meter" aria-label={format!("CapacityProviderReservation {r}% of 200%")} aria-valuemin="0" aria-valuemax="200" aria-valuenow={r.to_string()}>
                <span class={classes!("cpr-fill", (r > cp.target_capacity).then_some("over"))} style={format!("width: {percent:.0}%")}></span>
                <span class="cpr-target" style={format!("left: {:.0}%", cp.target_capacity as f64 / 2.0)}></span>
            </span>
        </div>
    }
}

#[function_component(CapacityScaling)]
fn capacity_scaling() -> Html {
    use_render_count("CapacityScaling");
    let commands = use_commands();
    let options = use_view_select(model::capacity_options);
    let sc = &options.scaling;
    let cluster = options.cluster.clone();

    // CreateLaunchTemplate + CreateAutoScalingGroup.
    let lt_name = use_text("ecs-lt");
    let instance_type = use_text("m5.large");
    let profile = use_text("ecsInstanceRole");
    let asg_name = use_text("ecs-asg");
    let asg_min = use_text("0");
    let asg_max = use_text("10");
    let asg_desired = use_text("1");
    let protect = use_flag(true);
    let asg_result = use_outcome();
    let create_asg = {
        let (commands, lt_name, instance_type, profile, asg_name, min, max, desired, protect, result, cluster) =
            (commands.clone(), lt_name.clone(), instance_type.clone(), profile.clone(), asg_name.clone(), asg_min.clone(), asg_max.clone(), asg_desired.clone(), protect.clone(), asg_result.clone(), cluster.clone());
        Callback::from(move |_| {
            let form = AutoScalingGroup {
                cluster: cluster.as_deref(), launch_template: &lt_name, instance_type: &instance_type, profile: &profile, name: &asg_name,
                min: &min, max: &max, desired: &desired, protect_from_scale_in: *protect,
            };
            run_calls(&commands, &result, form.calls(&commands.view()), format!("Auto Scaling group {} created; its instances join the cluster once booted.", asg_name.trim()));
        })
    };

    // CreateCapacityProvider.
    let asgs: Vec<(String, String)> = sc.auto_scaling_groups.iter().map(|g| (g.arn.clone(), g.name.clone())).collect();
    let cp_asg = use_text("");
    let cp_asg_value = current(&cp_asg, &asgs);
    let cp_name = use_text("my-cp");
    let managed = use_flag(true);
    let target_capacity = use_text("100");
    let min_step = use_text("1");
    let max_step = use_text("10");
    let warmup = use_text("300");
    let mtp = use_flag(true);
    let cp_result = use_outcome();
    let create_cp = {
        let (commands, name, asg, managed, target, min_step, max_step, warmup, mtp, result) =
            (commands.clone(), cp_name.clone(), cp_asg_value.clone(), managed.clone(), target_capacity.clone(), min_step.clone(), max_step.clone(), warmup.clone(), mtp.clone(), cp_result.clone());
        Callback::from(move |_| {
            let form = CapacityProvider {
                name: &name, auto_scaling_group: &asg, managed_scaling: *managed, target_capacity: &target, min_step: &min_step, max_step: &max_step, warmup: &warmup,
                managed_termination_protection: *mtp,
            };
            run_calls(&commands, &result, form.input().map(|input| vec![("ecs:CreateCapacityProvider", input)]), format!("Capacity provider {} created.", name.trim()));
        })
    };

    // PutClusterCapacityProviders with a one-provider default strategy.
    let providers = model::strategy_providers(sc);
    let strategy_provider = use_text("");
    let strategy_value = current(&strategy_provider, &providers);
    let strategy_base = use_text("0");
    let strategy_weight = use_text("1");
    let put_result = use_outcome();
    let put_providers = {
        let (commands, provider, base, weight, result, cluster) = (commands.clone(), strategy_value.clone(), strategy_base.clone(), strategy_weight.clone(), put_result.clone(), cluster.clone());
        Callback::from(move |_| {
            let build = model::put_cluster_providers_input(cluster.as_deref(), &provider, &base, &weight).map(|input| vec![("ecs:PutClusterCapacityProviders", input)]);
            run_calls(&commands, &result, build, format!("{provider} is the default capacity provider strategy of the cluster."));
        })
    };

    let types = instance_type_options();
    html! {
        <>
            { subhead("Capacity providers") }
            if sc.capacity_providers.is_empty() { { hint("No capacity provider yet. Try the managed-scaling-growth scenario, or create one below.") } }
            <ul class="capacity-providers">
                { for sc.capacity_providers.iter().map(|cp| html! {
                    <li key={cp.name.clone()} class="capacity-provider" data-capacity-provider={cp.name.clone()}>
                        <div><strong>{ &cp.name }</strong>{ format!(" → Auto Scaling group {}", cp.auto_scaling_group) }</div>
                        <div class="muted">{ match (&cp.cluster, cp.strategy) {
                            (Some(c), Some(s)) => format!("cluster {c}, default strategy base {}, weight {}", s.base, s.weight),
                            (Some(c), None) => format!("cluster {c}, not in the default strategy"),
                            _ => "not associated with a cluster".to_string(),
                        } }</div>
                        <div class="muted">{ if cp.managed_scaling {
                            format!("Managed scaling ENABLED: targetCapacity {}%, step {}–{} instances, warm-up {} s", cp.target_capacity, cp.minimum_scaling_step_size, cp.maximum_scaling_step_size, cp.instance_warmup_period_s)
                        } else { "Managed scaling DISABLED".to_string() } }
                        { format!(" · managed termination protection {}", if cp.managed_termination_protection { "ENABLED" } else { "DISABLED" }) }</div>
                        { reservation(cp) }
                    </li>
                }) }
            </ul>
            { subhead("Auto Scaling groups") }
            if sc.auto_scaling_groups.is_empty() { { hint("No Auto Scaling group yet.") } }
            <ul class="asgs">
                { for sc.auto_scaling_groups.iter().map(|g| html! {
                    <li key={g.name.clone()} class="asg" data-asg={g.name.clone()}>
                        <div><strong>{ &g.name }</strong>{ format!(" {} from {}", g.instance_type, g.launch_template) }</div>
                        <div class="target-counts">{ format!("min {} · ", g.min_size) }<strong>{ format!("desired {}", g.desired_capacity) }</strong>{ format!(" · max {} · {} instances", g.max_size, g.instances.len()) }</div>
                        <ul class="asg-instances">
                            { for g.instances.iter().map(|i| html! {
                                <li key={i.instance_id.clone()} data-lifecycle={i.lifecycle_state.as_aws()}>
                                    <code>{ &i.instance_id }</code>{ format!(" {} · ", i.availability_zone) }
                                    <span class={classes!("lifecycle", format!("lc-{}", i.lifecycle_state.as_aws().to_lowercase()))}>{ i.lifecycle_state.as_aws() }</span>
                                    if i.protected_from_scale_in { <span class="muted">{ " · protected from scale in" }</span> }
                                </li>
                            }) }
                        </ul>
                    </li>
                }) }
            </ul>
            { subhead("Add capacity") }
            <details class="editor">
                <summary>{ "Launch template and Auto Scaling group" }</summary>
                { row(field("LaunchTemplateName", "launchTemplateName", &lt_name), field("Instance profile", "ltInstanceProfile", &profile)) }
                { select("InstanceType", "ltInstanceType", &instance_type, &types) }
                { field("AutoScalingGroupName", "asgName", &asg_name) }
                { row(field("MinSize", "asgMin", &asg_min), field("MaxSize", "asgMax", &asg_max)) }
                { field("DesiredCapacity", "asgDesired", &asg_desired) }
                { check_box("NewInstancesProtectedFromScaleIn", "", &protect) }
                { call_button("Create (ec2:CreateLaunchTemplate, autoscaling:CreateAutoScalingGroup)", true, create_asg, &asg_result) }
            </details>
            <details class="editor">
                <summary>{ "Capacity provider with managed scaling" }</summary>
                if asgs.is_empty() { { hint("Create an Auto Scaling group first.") } } else {
                    { field("Name", "cpName", &cp_name) }
                    { select_current("Auto Scaling group", "cpAsg", &cp_asg, &asgs, &cp_asg_value) }
                    { check_box("Managed scaling", "", &managed) }
                    { row(field("targetCapacity (%)", "targetCapacity", &target_capacity), field("instanceWarmupPeriod (s)", "instanceWarmupPeriod", &warmup)) }
                    { row(field("minimumScalingStepSize", "minimumScalingStepSize", &min_step), field("maximumScalingStepSize", "maximumScalingStepSize", &max_step)) }
                    { check_box("Managed termination protection", "", &mtp) }
                    { call_button("Create (ecs:CreateCapacityProvider)", true, create_cp, &cp_result) }
                }
            </details>
            <details class="editor">
                <summary>{ "Cluster capacity providers and default strategy" }</summary>
                { select_current("Capacity provider", "strategyProvider", &strategy_provider, &providers, &strategy_value) }
                { row(field("base", "strategyBase", &strategy_base), field("weight", "strategyWeight", &strategy_weight)) }
                { call_button("Put (ecs:PutClusterCapacityProviders)", true, put_providers, &put_result) }
            </details>
        </>
    }
}

/// The Why? panel's scaling charts: desired against running tasks of the scalable target picked
/// above them (the first by default), its target-tracking metric against the target, and each
/// capacity provider's reservation against its targetCapacity. Nothing is drawn when nothing scales.
#[function_component(ScalingCharts)]
pub fn scaling_charts() -> Html {
    use_render_count("ScalingCharts");
    let scaling = use_view_select(|v| v.scaling.clone());
    let playing = use_playing();
    let picked = use_text("");
    let targets: Vec<(String, String)> = scaling.scalable_targets.iter().map(|t| (t.resource_id.clone(), t.resource_id.clone())).collect();
    let resource_id = current(&picked, &targets);
    let panels = chart_panels(&scaling, &resource_id);
    let key: Vec<(String, usize, u64)> = panels.iter().map(|p| (p.title.clone(), p.xs.len(), p.xs.last().map_or(0, |x| (*x * 60.0) as u64))).collect();
    let canvas = crate::charts::use_chart_canvas(key, playing, {
        let panels = panels.clone();
        move |canvas| crate::charts::draw_panels(canvas, &panels)
    });
    if panels.is_empty() {
        return html! {};
    }
    html! {
        <div class="scaling-charts">
            { subhead("Scaling (per minute)") }
            if !targets.is_empty() { { select_current("Scalable target", "chartScalableTarget", &picked, &targets, &resource_id) } }
            <canvas ref={canvas} class="chart scaling-chart" width="296" height={(panels.len() * 100).to_string()}
                aria-label={panels.iter().map(|p| p.title.as_str()).collect::<Vec<_>>().join("; ")}></canvas>
        </div>
    }
}

/// The chart panels: those of the scalable target `resource_id`, then each capacity provider's.
fn chart_panels(scaling: &ScalingView, resource_id: &str) -> Vec<crate::charts::ChartPanel> {
    use crate::charts::{ChartPanel, ACTUAL, LIMIT, PLANNED};
    let minutes = |t: ecs_sim::time::SimTime| t.as_millis() as f64 / 60_000.0;
    let mut panels = Vec::new();
    if let Some(t) = scaling.scalable_targets.iter().find(|t| t.resource_id == resource_id) {
        panels.push(ChartPanel {
            title: format!("{}: desired (blue), running (green)", t.resource_id.trim_start_matches("service/")),
            xs: t.history.iter().map(|h| minutes(h.time)).collect(),
            series: vec![(t.history.iter().map(|h| h.desired_count as f64).collect(), PLANNED), (t.history.iter().map(|h| h.running_count as f64).collect(), ACTUAL)],
        });
        if let Some(p) = scaling.policies.iter().find(|p| p.resource_id == t.resource_id && p.target_value.is_some()) {
            let target = p.target_value.unwrap_or(0.0);
            panels.push(ChartPanel {
                title: format!("{} (green) vs target {target} (orange)", p.metric.trim_start_matches("ECSService")),
                xs: p.metric_series.iter().map(|m| minutes(m.time)).collect(),
                series: vec![(p.metric_series.iter().map(|m| m.value).collect(), ACTUAL), (vec![target; p.metric_series.len()], LIMIT)],
            });
        }
    }
    for cp in &scaling.capacity_providers {
        panels.push(ChartPanel {
            title: format!("{} reservation % (green) vs target {} (orange)", cp.name, cp.target_capacity),
            xs: cp.reservation_series.iter().map(|m| minutes(m.time)).collect(),
            series: vec![(cp.reservation_series.iter().map(|m| m.value).collect(), ACTUAL), (vec![cp.target_capacity as f64; cp.reservation_series.len()], LIMIT)],
        });
    }
    panels
}
