//! The builder's EventBridge tab: the rules of the default event bus with their event patterns, their targets
//! with how delivery went, and each rule's newest matched events (each expands to its JSON); a form that makes a
//! rule on Amazon ECS events with a CloudWatch Logs log group target, as the console's "Create rule" does; and
//! `AgentLogs`, the ECS agent's log of each EC2 container instance (shown in the Logs tab). Its model is
//! `forms/events.rs`; every call goes through `Commands::dispatch`.

use yew::prelude::*;

use crate::components::form::{field, hint, select, subhead, call_button, use_outcome, use_text};
use crate::driver::{use_commands, use_view_select};
use crate::forms::events as model;
use crate::render_count::use_render_count;

#[function_component(EventsTab)]
pub fn events_tab() -> Html {
    use_render_count("EventsTab");
    let commands = use_commands();
    let options = use_view_select(model::options);
    let name = use_text("ecs-stopped-tasks");
    let detail_type = use_text("ECS Task State Change");
    let last_status = use_text("STOPPED");
    let group = use_text("/aws/events/ecs-stopped-tasks");
    let result = use_outcome();
    let create = {
        let (commands, name, detail_type, last_status, group, result, options) = (commands.clone(), name.clone(), detail_type.clone(), last_status.clone(), group.clone(), result.clone(), options.clone());
        Callback::from(move |_| {
            let exists = options.event_groups.iter().any(|g| g == group.trim());
            let outcome = model::create_rule_calls(&name, &detail_type, &last_status, &group, &options.region, exists).and_then(|calls| {
                for (call, input) in calls {
                    commands.dispatch(call, input)?;
                }
                Ok(format!("Rule {} sends matching {} events to {}.", name.trim(), *detail_type, group.trim()))
            });
            result.set(Some(outcome));
        })
    };
    let is_task_rule = *detail_type == "ECS Task State Change";
    html! {
        <div class="events-tab">
            { subhead("Create a rule on Amazon ECS events") }
            { field("Name", "rule-name", &name) }
            { select("Event type (detail-type)", "detail-type", &detail_type, &model::detail_type_options()) }
            if is_task_rule {
                { select("Task lastStatus", "last-status", &last_status, &model::last_status_options()) }
            }
            { field("Target: CloudWatch log group", "target-log-group", &group) }
            { call_button("Create rule (events:PutRule, PutTargets)", true, create, &result) }
            { hint("The console creates the log group when it does not exist, and lists only groups named /aws/events/... as targets.") }
            { subhead("Rules on the default event bus") }
            if options.rules.is_empty() {
                { hint("No rule yet. ECS sends its events only to rules whose pattern can match source aws.ecs.") }
            }
            { for options.rules.iter().map(rule_card) }
            if options.n_rules_left_out > 0 {
                <p class="muted">{ format!("{} more rules not shown (ListRules lists them all).", options.n_rules_left_out) }</p>
            }
        </div>
    }
}

fn rule_card(rule: &ecs_sim::sim::events_view::EventRuleView) -> Html {
    let n_shown = rule.matched.len();
    html! {
        <section key={rule.name.clone()} class="event-rule" data-rule={rule.name.clone()}>
            <h4>{ rule.name.clone() }<span class="muted">{ if rule.enabled { " · ENABLED" } else { " · DISABLED" } }</span></h4>
            <p class="muted">{ format!("{} events matched · {} failed invocations", rule.n_matched, rule.n_failed_invocations) }</p>
            <details class="event-pattern-box"><summary>{ "Event pattern" }</summary><pre class="event-pattern">{ rule.pattern.to_string() }</pre></details>
            <ul class="event-targets">
                { for rule.targets.iter().map(|t| html! {
                    <li key={t.id.clone()} class={classes!("event-target", (t.n_failed_invocations > 0).then_some("failed"))}>
                        <strong>{ t.kind }</strong>{ " " }<code>{ t.arn.clone() }</code>
                        <span class="muted">{ format!(" {} invocations, {} failed", t.n_invocations, t.n_failed_invocations) }</span>
                        if let Some(e) = &t.last_error { <div class="error">{ format!("Last failure: {e}") }</div> }
                    </li>
                }) }
            </ul>
            if rule.targets.is_empty() { { hint("No target: matched events go nowhere.") } }
            if n_shown > 0 {
                <p class="muted">{ format!("Newest {n_shown} matched events{}:", if rule.n_matched_dropped > 0 { format!(" ({} older not kept)", rule.n_matched_dropped) } else { String::new() }) }</p>
            }
            <ol class="matched-events">
                { for rule.matched.iter().map(|m| html! {
                    <li key={m.seq}>
                        <details class="matched-event">
                            <summary><time>{ m.time.clone() }</time>{ " " }<strong>{ m.detail_type.clone() }</strong>{ " " }<span class="event-summary">{ m.summary.clone() }</span></summary>
                            <pre class="event-json">{ m.json.to_string() }</pre>
                        </details>
                    </li>
                }) }
            </ol>
        </section>
    }
}

/// The ECS agent's log on each EC2 container instance, one expandable block per instance.
#[function_component(AgentLogs)]
pub fn agent_logs() -> Html {
    use_render_count("AgentLogs");
    let logs = use_view_select(model::agent_logs);
    if logs.is_empty() {
        return html! {};
    }
    html! {
        <div class="agent-logs">
            { subhead("ECS agent logs (/var/log/ecs/ecs-agent.log)") }
            { for logs.iter().map(|log| html! {
                <details key={log.container_instance_id.clone()} class="agent-log" data-instance={log.ec2_instance_id.clone()}>
                    <summary>{ format!("ECS agent log (instance {})", log.ec2_instance_id) }</summary>
                    if log.n_left_out > 0 { <p class="muted">{ format!("{} older lines not shown.", log.n_left_out) }</p> }
                    <ol class="log-tail">
                        { for log.lines.iter().map(|(n, line)| html! {
                            <li key={*n} class={classes!("log-event", (line.starts_with("level=warn") || line.starts_with("level=error")).then_some("log-error"))}>{ line.to_string() }</li>
                        }) }
                    </ol>
                </details>
            }) }
        </div>
    }
}
