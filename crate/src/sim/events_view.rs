//! `EventsView`: EventBridge's default bus as the app's EventBridge panel draws it: each rule with its pattern,
//! its targets with their delivery counts, and its newest matched events. Every list is bounded and says what it
//! left out.

use std::rc::Rc;

use crate::events::{MatchedEvent, TargetService};

use super::engine::Sim;

/// The rules the view shows, in name order.
pub const MAX_VIEW_RULES: usize = 50;

/// One target of a rule and how delivering to it went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventTargetView {
    pub id: String,
    pub arn: String,
    /// What the target is, in the console's words ("CloudWatch log group", "ECS task", ...).
    pub kind: &'static str,
    pub n_invocations: u64,
    pub n_failed_invocations: u64,
    pub last_error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRuleView {
    pub name: String,
    pub arn: String,
    pub enabled: bool,
    /// The event pattern, indented.
    pub pattern: Rc<str>,
    pub targets: Vec<EventTargetView>,
    pub n_matched: u64,
    pub n_failed_invocations: u64,
    /// The newest matched events, newest first.
    pub matched: Vec<MatchedEvent>,
    pub n_matched_dropped: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventsView {
    pub rules: Vec<EventRuleView>,
    pub n_rules_left_out: u64,
}

/// The console's name for a target's kind.
fn target_kind(arn: &str) -> &'static str {
    match crate::events::target_service(arn) {
        TargetService::EcsCluster => "ECS task",
        TargetService::LogGroup(_) => "CloudWatch log group",
        TargetService::SnsTopic(_) => "SNS topic",
        TargetService::StateMachine(_) => "Step Functions state machine",
        TargetService::Other(_) => "other (not delivered)",
    }
}

impl Sim {
    pub(crate) fn events_view(&self) -> EventsView {
        let rules = &self.events.rules;
        EventsView {
            rules: rules
                .values()
                .take(MAX_VIEW_RULES)
                .map(|r| EventRuleView {
                    name: r.name.clone(),
                    arn: r.arn.clone(),
                    enabled: r.enabled,
                    pattern: serde_json::to_string_pretty(&r.pattern).unwrap_or_default().into(),
                    targets: r
                        .targets
                        .iter()
                        .map(|t| EventTargetView { id: t.id.clone(), arn: t.arn.clone(), kind: target_kind(&t.arn), n_invocations: t.n_invocations, n_failed_invocations: t.n_failed_invocations, last_error: t.last_error.clone() })
                        .collect(),
                    n_matched: r.n_matched,
                    n_failed_invocations: r.n_failed_invocations,
                    matched: r.matched_events.iter().rev().cloned().collect(),
                    n_matched_dropped: r.n_matched_events_dropped,
                })
                .collect(),
            n_rules_left_out: rules.len().saturating_sub(MAX_VIEW_RULES) as u64,
        }
    }
}
