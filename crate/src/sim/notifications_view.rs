//! `NotificationsView`: what the app's Alarms tab draws besides the alarms themselves (which are in the scaling
//! view): each alarm's recent state history, the SNS topics with their subscriptions, and the SNS inbox. Every
//! list is bounded and says what it left out.

use crate::sns::{DeliveryKind, Protocol};
use crate::time::SimTime;

use super::engine::Sim;

/// The newest alarm history items the view shows (over all alarms).
pub const MAX_VIEW_ALARM_HISTORY: usize = 100;
/// The newest inbox messages the view shows.
pub const MAX_VIEW_INBOX: usize = 50;
/// The topics the view shows, in ARN order.
pub const MAX_VIEW_TOPICS: usize = 50;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NotificationsView {
    /// Alarm history, newest first: at most [`MAX_VIEW_ALARM_HISTORY`].
    pub alarm_history: Vec<AlarmHistoryView>,
    /// History items left out: older than the shown ones, or dropped by the engine's bound.
    pub n_alarm_history_left_out: u64,
    pub topics: Vec<TopicView>,
    pub n_topics_left_out: u64,
    /// Inbox messages, newest first: at most [`MAX_VIEW_INBOX`].
    pub inbox: Vec<InboxMessageView>,
    /// Messages left out: older than the shown ones, or dropped by the inbox's bounds.
    pub n_inbox_left_out: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlarmHistoryView {
    pub alarm: String,
    pub time: SimTime,
    /// `StateUpdate`, `ConfigurationUpdate` or `Action`.
    pub item_type: &'static str,
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicView {
    pub arn: String,
    pub name: String,
    pub subscriptions: Vec<SubscriptionView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionView {
    pub arn: String,
    pub protocol: Protocol,
    pub endpoint: String,
    pub confirmed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxMessageView {
    pub message_id: String,
    pub time: SimTime,
    pub kind: DeliveryKind,
    pub protocol: Protocol,
    pub endpoint: String,
    pub topic_arn: String,
    pub subject: String,
    pub body: String,
    /// For a confirmation message: its token.
    pub token: Option<String>,
}

impl Sim {
    pub(crate) fn notifications_view(&self) -> NotificationsView {
        let start = self.scenario.start_epoch_ms;
        let sim_time = |epoch_ms: u64| SimTime(epoch_ms.saturating_sub(start));
        let history = &self.scaling.alarm_history;
        let alarm_history: Vec<AlarmHistoryView> = history
            .items
            .iter()
            .rev()
            .take(MAX_VIEW_ALARM_HISTORY)
            .map(|i| AlarmHistoryView { alarm: i.alarm.clone(), time: sim_time(i.at_epoch_ms), item_type: i.kind.as_aws(), summary: i.summary.clone() })
            .collect();
        let topics: Vec<TopicView> = self
            .sns
            .topics
            .values()
            .take(MAX_VIEW_TOPICS)
            .map(|t| TopicView {
                arn: t.arn.clone(),
                name: t.name.clone(),
                subscriptions: self
                    .sns
                    .subscriptions
                    .values()
                    .filter(|s| s.topic_arn == t.arn)
                    .map(|s| SubscriptionView { arn: s.arn.clone(), protocol: s.protocol, endpoint: s.endpoint.clone(), confirmed: s.confirmed })
                    .collect(),
            })
            .collect();
        let inbox = &self.sns.inbox;
        let messages: Vec<InboxMessageView> = inbox
            .deliveries
            .iter()
            .rev()
            .take(MAX_VIEW_INBOX)
            .map(|d| InboxMessageView {
                message_id: d.message_id.clone(),
                time: sim_time(d.at_epoch_ms),
                kind: d.kind,
                protocol: d.protocol,
                endpoint: d.endpoint.clone(),
                topic_arn: d.topic_arn.clone(),
                subject: d.subject.clone(),
                body: d.body.clone(),
                token: d.token.clone(),
            })
            .collect();
        NotificationsView {
            n_alarm_history_left_out: (history.items.len() - alarm_history.len()) as u64 + history.dropped,
            alarm_history,
            n_topics_left_out: (self.sns.topics.len() - topics.len()) as u64,
            topics,
            n_inbox_left_out: (inbox.deliveries.len() - messages.len()) as u64 + inbox.dropped,
            inbox: messages,
        }
    }
}
