//! The builder's Alarms tab: CloudWatch alarms with their state and state history, a form that creates an alarm
//! on a service metric notifying an SNS topic, the topics with their subscriptions (create a topic, subscribe an
//! email address), and the SNS inbox: every message delivered, newest first, with a Confirm button on a
//! subscription confirmation. Every action is an AWS call through `Commands::dispatch`.

use ecs_sim::sns::{DeliveryKind, Protocol};
use ecs_sim::view::AlarmState;
use yew::prelude::*;

use crate::components::form::{call_button, field, hint, row, select, select_current, subhead, use_outcome, use_text};
use crate::driver::{use_commands, use_view_select};
use crate::forms::alarms::{self as model, AlarmForm, COMPARISONS, SERVICE_METRICS};
use crate::forms::{current, pairs};
use crate::render_count::use_render_count;
use crate::text::format_elapsed;

/// The history items shown under each alarm: its newest.
const HISTORY_PER_ALARM: usize = 6;

fn state_class(state: AlarmState) -> &'static str {
    match state {
        AlarmState::Alarm => "alarm-alarm",
        AlarmState::Ok => "alarm-ok",
        AlarmState::InsufficientData => "alarm-insufficient",
    }
}

#[function_component(AlarmsTab)]
pub fn alarms_tab() -> Html {
    use_render_count("AlarmsTab");
    let commands = use_commands();
    let options = use_view_select(model::options);
    let topic_name = use_text("ops-alerts");
    let email = use_text("ops@example.com");
    let picked_topic = use_text("");
    let topic_arn = current(&picked_topic, &options.topics);
    let alarm_name = use_text("web-cpu-high");
    let picked_service = use_text("");
    let service = current(&picked_service, &options.services);
    let metric = use_text(SERVICE_METRICS[0]);
    let comparison = use_text(COMPARISONS[0]);
    let threshold = use_text("75");
    let periods = use_text("3");
    let notify = use_text("");
    let notify_arn = if options.topics.iter().any(|(arn, _)| *arn == *notify) { (*notify).clone() } else { topic_arn.clone() };
    let topic_result = use_outcome();
    let alarm_result = use_outcome();
    let inbox_result = use_outcome();

    let create_topic = {
        let (commands, name, result, picked) = (commands.clone(), topic_name.clone(), topic_result.clone(), picked_topic.clone());
        Callback::from(move |_| {
            let answer = commands.dispatch("sns:CreateTopic", model::create_topic_input(&name));
            if let Ok(out) = &answer {
                picked.set(out["TopicArn"].as_str().unwrap_or_default().to_string());
            }
            result.set(Some(answer.map(|out| format!("Topic {} created.", out["TopicArn"].as_str().unwrap_or_default()))));
        })
    };
    let subscribe = {
        let (commands, email, result, topic_arn) = (commands.clone(), email.clone(), topic_result.clone(), topic_arn.clone());
        Callback::from(move |_| {
            let answer = commands.dispatch("sns:Subscribe", model::subscribe_input(&topic_arn, "email", &email));
            result.set(Some(answer.map(|out| format!("SubscriptionArn: {} (the inbox has the confirmation email).", out["SubscriptionArn"].as_str().unwrap_or_default()))));
        })
    };
    let create_alarm = {
        let (commands, result) = (commands.clone(), alarm_result.clone());
        let (name, service, metric, comparison, threshold, periods, notify_arn) = (alarm_name.clone(), service.clone(), metric.clone(), comparison.clone(), threshold.clone(), periods.clone(), notify_arn.clone());
        Callback::from(move |_| {
            let form = AlarmForm { name: &name, service: &service, metric: &metric, comparison: &comparison, threshold: &threshold, evaluation_periods: &periods, topic_arn: &notify_arn };
            let answer = form.input().and_then(|input| commands.dispatch("cloudwatch:PutMetricAlarm", input));
            result.set(Some(answer.map(|_| format!("Alarm {} created: INSUFFICIENT_DATA until it has data.", name.trim()))));
        })
    };

    let n = &options.notifications;
    html! {
        <div class="alarms-tab">
            { subhead("CloudWatch alarms") }
            if options.alarms.is_empty() { { hint("No alarm yet: create one below, on a service's CPU or memory.") } }
            <ul class="alarms">
                { for options.alarms.iter().map(|a| {
                    let history: Vec<_> = n.alarm_history.iter().filter(|h| h.alarm == a.name).take(HISTORY_PER_ALARM).collect();
                    let test_alarm = {
                        let (commands, result, name) = (commands.clone(), alarm_result.clone(), a.name.clone());
                        Callback::from(move |_| result.set(Some(commands.dispatch("cloudwatch:SetAlarmState", model::set_state_input(&name, "ALARM")).map(|_| format!("{name} set to ALARM (the next evaluation returns it to its actual state).")))))
                    };
                    html! {
                        <li key={a.name.clone()} class={classes!("alarm", state_class(a.state))} data-alarm={a.name.clone()} data-state={a.state.as_aws()}>
                            <div class="alarm-head">
                                <span class={classes!("alarm-badge", state_class(a.state))}>{ a.state.as_aws() }</span>
                                <strong>{ a.name.clone() }</strong>
                                <span class="muted">{ format!(" since {}", format_elapsed(a.state_since.as_millis())) }</span>
                                <button type="button" class="small" onclick={test_alarm}>{ "Set ALARM" }</button>
                            </div>
                            <div class="alarm-rule">{ format!("{} {} {} {} for {} of {} periods", a.metric, a.statistic.as_aws(), a.comparison.as_aws(), a.threshold, a.datapoints_to_alarm, a.evaluation_periods) }</div>
                            <div class="alarm-reason">{ a.state_reason.clone() }</div>
                            <ol class="alarm-history">
                                { for history.iter().map(|h| html! {
                                    <li key={format!("{}-{}-{}", h.time.as_millis(), h.item_type, h.summary)} data-item-type={h.item_type}>
                                        <span class="muted">{ format!("{} {} ", format_elapsed(h.time.as_millis()), h.item_type) }</span>{ h.summary.clone() }
                                    </li>
                                }) }
                            </ol>
                        </li>
                    }
                }) }
            </ul>
            if n.n_alarm_history_left_out > 0 { <p class="muted">{ format!("{} older history items left out.", n.n_alarm_history_left_out) }</p> }

            { subhead("Create an alarm (cloudwatch:PutMetricAlarm)") }
            if options.services.is_empty() {
                { hint("An alarm here watches a service's metric: create a service first (the API console takes any metric).") }
            } else {
                { row(field("Alarm name", "alarm-name", &alarm_name), select_current("Service", "alarm-service", &picked_service, &options.services, &service)) }
                { row(select("Metric (AWS/ECS, Average, 1 minute)", "alarm-metric", &metric, &pairs(&SERVICE_METRICS)), select("Comparison", "alarm-comparison", &comparison, &pairs(&COMPARISONS))) }
                { row(field("Threshold", "alarm-threshold", &threshold), field("Datapoints to alarm (of as many periods)", "alarm-periods", &periods)) }
                if options.topics.is_empty() {
                    { hint("No SNS topic yet: the alarm will notify no one. Create a topic below to get its emails.") }
                } else {
                    { select_current("Notify SNS topic (on ALARM and OK)", "alarm-topic", &notify, &options.topics, &notify_arn) }
                }
                { call_button("Create alarm", true, create_alarm, &alarm_result) }
            }

            { subhead("SNS topics") }
            { row(field("Topic name", "topic-name", &topic_name), html! { <div class="field-button">{ call_button("Create topic", false, create_topic, &topic_result) }</div> }) }
            if !options.topics.is_empty() {
                { select_current("Topic", "topic", &picked_topic, &options.topics, &topic_arn) }
                { row(field("Email address", "subscribe-email", &email), html! { <div class="field-button"><button type="button" onclick={subscribe}>{ "Subscribe (email)" }</button></div> }) }
            }
            <ul class="topics">
                { for n.topics.iter().map(|t| html! {
                    <li key={t.arn.clone()} class="topic" data-topic={t.name.clone()}>
                        <strong>{ t.name.clone() }</strong>
                        <ul class="subscriptions">
                            { for t.subscriptions.iter().map(|s| html! {
                                <li key={s.arn.clone()} class="subscription" data-endpoint={s.endpoint.clone()} data-confirmed={s.confirmed.to_string()}>
                                    { format!("{} {} ", s.protocol.as_aws(), s.endpoint) }
                                    <span class={classes!("muted", (!s.confirmed).then_some("pending"))}>{ if s.confirmed { "confirmed" } else { "pending confirmation" } }</span>
                                </li>
                            }) }
                        </ul>
                    </li>
                }) }
            </ul>

            { subhead("SNS inbox") }
            { crate::components::form::outcome(&inbox_result) }
            if n.inbox.is_empty() { { hint("Nothing delivered yet. Subscribing an email address sends it a confirmation first.") } }
            <ol class="inbox">
                { for n.inbox.iter().map(|m| {
                    let pending = m.kind == DeliveryKind::SubscriptionConfirmation
                        && n.topics.iter().any(|t| t.arn == m.topic_arn && t.subscriptions.iter().any(|s| s.endpoint == m.endpoint && !s.confirmed));
                    let confirm = m.token.clone().filter(|_| pending).map(|token| {
                        let (commands, result, topic) = (commands.clone(), inbox_result.clone(), m.topic_arn.clone());
                        Callback::from(move |_| result.set(Some(commands.dispatch("sns:ConfirmSubscription", model::confirm_input(&topic, &token)).map(|out| format!("Subscription confirmed: {}", out["SubscriptionArn"].as_str().unwrap_or_default())))))
                    });
                    let kind = if m.kind == DeliveryKind::Notification { "notification" } else { "confirmation" };
                    html! {
                        <li key={format!("{}-{}", m.message_id, m.endpoint)} class={classes!("inbox-message", kind)} data-kind={kind}>
                            <div class="inbox-head">
                                <strong class="inbox-subject">{ if m.subject.is_empty() { "(no subject)".to_string() } else { m.subject.clone() } }</strong>
                                <span class="muted">{ format!(" {} · to {} ({})", format_elapsed(m.time.as_millis()), m.endpoint, if m.protocol == Protocol::Email { "email" } else { "sqs" }) }</span>
                            </div>
                            if let Some(onclick) = confirm {
                                <button type="button" class="primary confirm-subscription" {onclick}>{ "Confirm subscription" }</button>
                            }
                            <pre class="inbox-body">{ m.body.clone() }</pre>
                        </li>
                    }
                }) }
            </ol>
            if n.n_inbox_left_out > 0 { <p class="muted">{ format!("{} older messages left out.", n.n_inbox_left_out) }</p> }
        </div>
    }
}
