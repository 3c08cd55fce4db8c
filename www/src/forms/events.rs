//! The EventBridge tab's model: the rules with their targets and matched events, and the agent logs of the EC2
//! container instances, read from the `View`; and the inputs of the console's "create rule" flow on Amazon ECS
//! events: an event pattern from a detail type and an optional `lastStatus`, a CloudWatch Logs log group target
//! (the console lists only groups whose name starts with `/aws/events/` and creates a new one for the rule).

use ecs_sim::events::ecs::EcsDetailType;
use ecs_sim::sim::agent_log::AgentLogView;
use ecs_sim::sim::events_view::EventRuleView;
use ecs_sim::view::View;
use serde_json::{json, Value};

/// What the EventBridge tab shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventsOptions {
    pub rules: Vec<EventRuleView>,
    pub n_rules_left_out: u64,
    pub region: String,
    /// The log groups a rule's target may be picked from in the console: those named `/aws/events/...`.
    pub event_groups: Vec<String>,
}

pub fn options(view: &View) -> EventsOptions {
    EventsOptions {
        rules: view.events.rules.clone(),
        n_rules_left_out: view.events.n_rules_left_out,
        region: view.region.clone(),
        event_groups: view.logs.groups.iter().filter(|g| g.name.starts_with(CONSOLE_GROUP_PREFIX)).map(|g| g.name.clone()).collect(),
    }
}

/// The ECS agent log of each EC2 container instance (its own selector: the agent writes as the run plays).
pub fn agent_logs(view: &View) -> Vec<AgentLogView> {
    view.agent_logs.clone()
}

/// The detail types the form offers, as (value, text) options.
pub fn detail_type_options() -> Vec<(String, String)> {
    EcsDetailType::ALL.iter().map(|d| (d.as_aws().to_string(), d.as_aws().to_string())).collect()
}

/// The task `lastStatus` values a task state change rule may pick ("" is any).
pub fn last_status_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), "any".to_string()))
        .chain(["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"].iter().map(|s| (s.to_string(), s.to_string())))
        .collect()
}

/// The log group prefix the console requires of a rule's log group target (AWS Knowledge Center,
/// "cloudwatch-log-group-eventbridge": "only log groups that start with /aws/events appear in the dropdown list").
pub const CONSOLE_GROUP_PREFIX: &str = "/aws/events/";

/// The event pattern of a rule on Amazon ECS events of `detail_type`, narrowed to tasks with `last_status` when
/// one is picked (ecs_cwe_events.md's stopped-tasks pattern).
pub fn pattern(detail_type: &str, last_status: &str) -> Value {
    let mut pattern = json!({ "source": ["aws.ecs"], "detail-type": [detail_type] });
    if detail_type == EcsDetailType::TaskStateChange.as_aws() && !last_status.is_empty() {
        pattern["detail"] = json!({ "lastStatus": [last_status] });
    }
    pattern
}

/// The three calls the form makes, in order: the log group (when it does not exist yet), the rule, its target.
pub fn create_rule_calls(name: &str, detail_type: &str, last_status: &str, group: &str, region: &str, group_exists: bool) -> Result<Vec<(&'static str, Value)>, String> {
    let name = name.trim();
    let group = group.trim();
    if name.is_empty() {
        return Err("Name: give the rule a name.".into());
    }
    if !group.starts_with(CONSOLE_GROUP_PREFIX) || group.len() == CONSOLE_GROUP_PREFIX.len() {
        return Err(format!("Log group: the console's log group target must be named {CONSOLE_GROUP_PREFIX}<name>."));
    }
    let mut calls = Vec::new();
    if !group_exists {
        calls.push(("logs:CreateLogGroup", json!({ "logGroupName": group })));
    }
    calls.push(("events:PutRule", json!({ "Name": name, "EventPattern": pattern(detail_type, last_status).to_string(), "State": "ENABLED" })));
    let arn = format!("arn:aws:logs:{region}:{}:log-group:{group}", ecs_sim::sim::ACCOUNT_ID);
    calls.push(("events:PutTargets", json!({ "Rule": name, "Targets": [{ "Id": "log-group", "Arn": arn }] })));
    Ok(calls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_builds_the_stopped_task_rule_and_its_log_group_target() {
        let calls = create_rule_calls(" ecs-stopped ", "ECS Task State Change", "STOPPED", "/aws/events/ecs-stopped", "us-east-1", false).unwrap();
        let names: Vec<&str> = calls.iter().map(|(c, _)| *c).collect();
        assert_eq!(names, ["logs:CreateLogGroup", "events:PutRule", "events:PutTargets"]);
        assert_eq!(calls[1].1["EventPattern"], r#"{"detail":{"lastStatus":["STOPPED"]},"detail-type":["ECS Task State Change"],"source":["aws.ecs"]}"#);
        assert_eq!(calls[2].1["Targets"][0]["Arn"], "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/ecs-stopped");
        let service = create_rule_calls("actions", "ECS Service Action", "STOPPED", "/aws/events/a", "us-east-1", true).unwrap();
        assert_eq!(service.len(), 2);
        assert!(!service[0].1["EventPattern"].as_str().unwrap().contains("lastStatus"), "lastStatus narrows task events only");
        assert!(create_rule_calls("r", "ECS Task State Change", "", "/ecs/web", "us-east-1", true).unwrap_err().contains("/aws/events/"));
        assert!(create_rule_calls(" ", "ECS Task State Change", "", "/aws/events/x", "us-east-1", true).is_err());
    }
}
