//! Amazon EventBridge on the default event bus: rules with event patterns, and their targets (an ECS cluster with
//! `EcsParameters`, run as RunTask; a CloudWatch Logs log group). The engine hands each event to
//! [`EventsState::route`], which answers the invocations its matching rules make and keeps each rule's newest
//! matched events; the engine carries the invocations out and reports each one's result back
//! ([`EventsState::record_delivery`]). `ecs.rs` builds Amazon ECS's events.

pub mod ecs;
mod pattern;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;

use serde_json::{json, Value};

use crate::api::calls::{handled_by, Handler};
use crate::api::texts;
use crate::api::{ApiError, ApiResult, Dialect, Request};
use crate::table::Table;

pub use pattern::{check_pattern, could_match_source, fill_template, json_path, matches};

/// "You can define up to five targets for each rule" (Amazon EventBridge User Guide, "Targets").
pub const MAX_TARGETS_PER_RULE: usize = 5;
/// The most rules the playground keeps (EventBridge's default quota is 300 rules per event bus).
pub const MAX_RULES: usize = 100;
/// The matched events each rule keeps for the app, newest last; older ones are dropped and counted.
pub const MAX_MATCHED_EVENTS_PER_RULE: usize = 20;

/// The service a target's ARN names, which decides how the engine delivers to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetService {
    /// `arn:aws:ecs:<region>:<account>:cluster/<name>`: RunTask with the target's `EcsParameters`.
    EcsCluster,
    /// `arn:aws:logs:<region>:<account>:log-group:<name>` (optionally ending `:*`): the event's JSON is written to
    /// the group.
    LogGroup(String),
    /// `arn:aws:sns:<region>:<account>:<topic>`: the event's JSON is published to the topic.
    SnsTopic(String),
    /// `arn:aws:states:<region>:<account>:stateMachine:<name>`: StartExecution with the event (or the target's
    /// input) as the execution's input, by the target's role.
    StateMachine(String),
    /// Any other service (its ARN's service part), which the playground does not deliver to.
    Other(String),
}

/// Reads the service a target ARN names.
pub fn target_service(arn: &str) -> TargetService {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "ecs", _, _, resource] if resource.starts_with("cluster/") => TargetService::EcsCluster,
        ["arn", _, "logs", _, _, resource] if resource.starts_with("log-group:") => {
            let name = &resource["log-group:".len()..];
            TargetService::LogGroup(name.strip_suffix(":*").unwrap_or(name).to_string())
        }
        ["arn", _, "sns", _, _, _] => TargetService::SnsTopic(arn.to_string()),
        ["arn", _, "states", _, _, resource] if resource.starts_with("stateMachine:") => TargetService::StateMachine(arn.to_string()),
        ["arn", _, service, ..] => TargetService::Other(service.to_string()),
        _ => TargetService::Other(String::new()),
    }
}

/// One target of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventTarget {
    pub id: String,
    pub arn: String,
    pub role_arn: Option<String>,
    /// The target as given, echoed by ListTargetsByRule.
    pub given: Value,
    /// Invocations made, how many failed (CloudWatch's `Invocations` and `FailedInvocations` for the rule), and
    /// why the last failure failed.
    pub n_invocations: u64,
    pub n_failed_invocations: u64,
    pub last_error: Option<String>,
}

/// One rule on the default event bus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    pub arn: String,
    pub pattern_text: String,
    pub pattern: Value,
    pub enabled: bool,
    pub description: Option<String>,
    pub targets: Vec<EventTarget>,
    /// Events that matched, and target invocations that failed.
    pub n_matched: u64,
    pub n_failed_invocations: u64,
    /// The newest matched events (at most [`MAX_MATCHED_EVENTS_PER_RULE`], oldest first) and how many older ones
    /// were dropped.
    pub matched_events: VecDeque<MatchedEvent>,
    pub n_matched_events_dropped: u64,
}

/// One event a rule matched, as the app shows it: its `detail-type`, `time` and the whole event as indented JSON
/// (written once, when it matched).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchedEvent {
    /// The rule's match count when it matched (a key for the app's lists).
    pub seq: u64,
    pub detail_type: String,
    pub time: String,
    /// What the event says in a few words: its detail's `lastStatus`, `eventName` or `status`, with a task's
    /// `stopCode`.
    pub summary: String,
    pub json: std::rc::Rc<str>,
}

/// What a matching rule asks of one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    pub rule: String,
    pub target_id: String,
    pub target_arn: String,
    pub role_arn: Option<String>,
    /// The target's `EcsParameters`, when it has them.
    pub ecs_parameters: Option<Value>,
    /// What the target receives: the event, or its `Input`, `InputPath` or `InputTransformer` result.
    pub input: Value,
}

/// What an events call needs to know of the world.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventsContext {
    pub region: String,
    pub account_id: String,
}

/// The rules of the account's default event bus.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventsState {
    pub rules: Table<String, Rule>,
    /// Whether some enabled rule could match an event of source `aws.ecs`; the engine builds Amazon ECS's events
    /// only then, so a run without such a rule pays nothing for them.
    pub watches_ecs: bool,
}

fn rule_not_found(name: &str) -> ApiError {
    // text: EventBridge's message for a missing rule (observed in public CLI output).
    ApiError::new("ResourceNotFoundException", format!("Rule {name} does not exist on EventBus default."))
}

fn check_bus(request: &Request) -> Result<(), ApiError> {
    match request.typed_str("EventBusName")? {
        None | Some("default") => Ok(()),
        Some(other) => Err(ApiError::new("ResourceNotFoundException", format!("Event bus {other} does not exist."))),
    }
}

impl EventsState {
    pub fn new() -> EventsState {
        EventsState::default()
    }

    /// Handles an `events:*` call. `None` when the call table does not route `call` here.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &EventsContext) -> Option<ApiResult> {
        if !handled_by(call, Handler::Events) {
            return None;
        }
        let request = Request::new(input, Dialect::Json);
        if !input.is_object() {
            return Some(Err(request.invalid("The request input must be a JSON object.")));
        }
        Some(match call {
            "events:PutRule" => self.put_rule(&request, ctx),
            "events:PutTargets" => self.put_targets(&request),
            "events:DescribeRule" => self.describe_rule(&request),
            // NamePrefix keeps the rules whose name starts with it (EventBridge API reference, ListRules).
            "events:ListRules" => {
                let prefix = request.str("NamePrefix").unwrap_or_default();
                Ok(json!({ "Rules": self.rules.values().filter(|r| r.name.starts_with(prefix)).map(rule_json).collect::<Vec<_>>() }))
            }
            "events:ListTargetsByRule" => (|| {
                check_bus(&request)?;
                let name = request.required_string("Rule")?;
                let rule = self.rules.get(name).ok_or_else(|| rule_not_found(name))?;
                Ok(json!({ "Targets": rule.targets.iter().map(|t| t.given.clone()).collect::<Vec<_>>() }))
            })(),
            _ => return None,
        })
    }

    fn put_rule(&mut self, request: &Request, ctx: &EventsContext) -> ApiResult {
        check_bus(request)?;
        let name = request.required_string("Name")?;
        if name.len() > 64 {
            return Err(request.invalid(texts::too_long(name, "name", 64)));
        }
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_') {
            return Err(request.invalid(texts::pattern_mismatch(name, "name", "[\\.\\-_A-Za-z0-9]+")));
        }
        if request.get("ScheduleExpression").is_some() {
            return Err(request.invalid("The playground's rules match events; ScheduleExpression is not modelled (use a scaling scheduled action for time-based work)."));
        }
        let Some(pattern_text) = request.typed_str("EventPattern")? else {
            // [UNVERIFIED] wording of EventBridge's answer to a rule with neither a pattern nor a schedule.
            return Err(request.invalid("Parameter(s) EventPattern or ScheduleExpression must be specified."));
        };
        let invalid = |reason: String| ApiError::new("InvalidEventPatternException", format!("Event pattern is not valid. Reason: {reason}"));
        let pattern: Value = serde_json::from_str(pattern_text).map_err(|e| invalid(format!("Filter is not valid JSON: {e}")))?;
        check_pattern(&pattern).map_err(invalid)?;
        let enabled = request.enum_member("State", "state", &["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"])?.unwrap_or("ENABLED") != "DISABLED";
        if !self.rules.contains_key(name) && self.rules.len() >= MAX_RULES {
            return Err(ApiError::new("LimitExceededException", format!("The playground keeps at most {MAX_RULES} rules.")));
        }
        let arn = format!("arn:aws:events:{}:{}:rule/{name}", ctx.region, ctx.account_id);
        let targets = self.rules.get(name).map(|r| r.targets.clone()).unwrap_or_default();
        let (n_matched, n_failed_invocations) = self.rules.get(name).map(|r| (r.n_matched, r.n_failed_invocations)).unwrap_or((0, 0));
        let (matched_events, n_matched_events_dropped) = self.rules.get(name).map(|r| (r.matched_events.clone(), r.n_matched_events_dropped)).unwrap_or_default();
        let rule = Rule {
            name: name.to_string(),
            arn: arn.clone(),
            pattern_text: pattern_text.to_string(),
            pattern,
            enabled,
            description: request.typed_str("Description")?.map(str::to_string),
            targets,
            n_matched,
            n_failed_invocations,
            matched_events,
            n_matched_events_dropped,
        };
        self.rules.insert(name.to_string(), rule);
        self.watches_ecs = self.rules.values().any(|r| r.enabled && could_match_source(&r.pattern, "aws.ecs"));
        Ok(json!({ "RuleArn": arn }))
    }

    fn put_targets(&mut self, request: &Request) -> ApiResult {
        check_bus(request)?;
        let name = request.required_string("Rule")?;
        let Some(items) = request.items("Targets") else { return Err(request.invalid(texts::required("targets"))) };
        if items.is_empty() {
            return Err(request.invalid(texts::too_short("[]", "targets", 1)));
        }
        let rule = self.rules.get(name).ok_or_else(|| rule_not_found(name))?;
        let mut targets = rule.targets.clone();
        for item in &items {
            let id = item.required_string("Id")?.to_string();
            let arn = item.required_string("Arn")?.to_string();
            let role_arn = item.typed_str("RoleArn")?.map(str::to_string);
            if let Some(ecs) = item.object("EcsParameters") {
                ecs.required_string("TaskDefinitionArn")?;
                if role_arn.is_none() {
                    // EventBridge needs a role to call ecs:RunTask for the rule. text: AWS's answer quoted in
                    // awsdocs/aws-codepipeline-user-guide#18 and hashicorp/terraform-provider-aws#19913.
                    return Err(request.invalid(format!("RoleArn is required for target {arn}.")));
                }
            }
            if let Some(transformer) = item.object("InputTransformer") {
                transformer.required_string("InputTemplate")?;
            }
            let mut target = EventTarget { id: id.clone(), arn, role_arn, given: item.input().clone(), n_invocations: 0, n_failed_invocations: 0, last_error: None };
            match targets.iter_mut().find(|t| t.id == id) {
                Some(existing) => {
                    // A target put again keeps its delivery counts.
                    (target.n_invocations, target.n_failed_invocations, target.last_error) = (existing.n_invocations, existing.n_failed_invocations, existing.last_error.take());
                    *existing = target;
                }
                None => targets.push(target),
            }
        }
        if targets.len() > MAX_TARGETS_PER_RULE {
            // text: AWS's answer past five targets, quoted in aws-cloudformation/cfn-lint#306 and 18F/identity-terraform#121.
            return Err(ApiError::new("LimitExceededException", "The requested resource exceeds the maximum number allowed."));
        }
        if let Some(rule) = self.rules.get_mut(name) {
            rule.targets = targets;
        }
        Ok(json!({ "FailedEntryCount": 0, "FailedEntries": [] }))
    }

    fn describe_rule(&self, request: &Request) -> ApiResult {
        check_bus(request)?;
        let name = request.required_string("Name")?;
        let rule = self.rules.get(name).ok_or_else(|| rule_not_found(name))?;
        Ok(rule_json(rule))
    }

    /// The invocations `event` makes: one per target of each enabled rule it matches, in rule-name order.
    pub fn route(&mut self, event: &Value) -> Vec<Invocation> {
        let mut out = Vec::new();
        for rule in self.rules.values_mut().filter(|r| r.enabled) {
            if !matches(&rule.pattern, event) {
                continue;
            }
            rule.n_matched += 1;
            if rule.matched_events.len() >= MAX_MATCHED_EVENTS_PER_RULE {
                rule.matched_events.pop_front();
                rule.n_matched_events_dropped += 1;
            }
            let text = |key: &str| event.get(key).and_then(Value::as_str).unwrap_or("").to_string();
            rule.matched_events.push_back(MatchedEvent { seq: rule.n_matched, detail_type: text("detail-type"), time: text("time"), summary: summary(event), json: serde_json::to_string_pretty(event).unwrap_or_default().into() });
            for target in &rule.targets {
                let given = &target.given;
                let input = if let Some(text) = given.get("Input").and_then(Value::as_str) {
                    serde_json::from_str(text).unwrap_or(Value::String(text.to_string()))
                } else if let Some(path) = given.get("InputPath").and_then(Value::as_str) {
                    json_path(event, path).cloned().unwrap_or(Value::Null)
                } else if let Some(transformer) = given.get("InputTransformer") {
                    let values: Vec<(String, Value)> = transformer
                        .get("InputPathsMap")
                        .and_then(Value::as_object)
                        .map(|m| m.iter().map(|(k, p)| (k.clone(), p.as_str().and_then(|p| json_path(event, p)).cloned().unwrap_or(Value::Null))).collect())
                        .unwrap_or_default();
                    let text = fill_template(transformer.get("InputTemplate").and_then(Value::as_str).unwrap_or(""), &values);
                    serde_json::from_str(&text).unwrap_or(Value::String(text))
                } else {
                    event.clone()
                };
                out.push(Invocation {
                    rule: rule.name.clone(),
                    target_id: target.id.clone(),
                    target_arn: target.arn.clone(),
                    role_arn: target.role_arn.clone(),
                    ecs_parameters: given.get("EcsParameters").cloned(),
                    input,
                });
            }
        }
        out
    }

    /// Records the result of one invocation of `rule`'s target `target_id`: delivered, or failed and why.
    pub fn record_delivery(&mut self, rule: &str, target_id: &str, result: Result<(), String>) {
        let Some(r) = self.rules.get_mut(rule) else { return };
        let failed = result.is_err();
        r.n_failed_invocations += failed as u64;
        if let Some(target) = r.targets.iter_mut().find(|t| t.id == target_id) {
            target.n_invocations += 1;
            target.n_failed_invocations += failed as u64;
            if let Err(why) = result {
                target.last_error = Some(why);
            }
        }
    }
}

/// An event's few words for the app: its detail's `lastStatus`, `eventName` or `status` (and `desiredStatus`,
/// `stopCode` when there are), or the object key of an S3 event.
fn summary(event: &Value) -> String {
    let detail = event.get("detail");
    let field = |name: &str| detail.and_then(|d| d.get(name)).and_then(Value::as_str);
    let mut parts: Vec<String> = Vec::new();
    if let Some(head) = field("lastStatus").or_else(|| field("eventName")).or_else(|| field("status")) {
        parts.push(head.to_string());
    }
    if let (Some(last), Some(desired)) = (field("lastStatus"), field("desiredStatus")) {
        if last != desired {
            parts.push(format!("desired {desired}"));
        }
    }
    if let Some(code) = field("stopCode") {
        parts.push(code.to_string());
    }
    if let Some(key) = detail.and_then(|d| d.pointer("/object/key")).and_then(Value::as_str) {
        parts.push(key.to_string());
    }
    parts.join(" · ")
}

fn rule_json(rule: &Rule) -> Value {
    let mut out = json!({
        "Name": rule.name,
        "Arn": rule.arn,
        "EventPattern": rule.pattern_text,
        "State": if rule.enabled { "ENABLED" } else { "DISABLED" },
        "EventBusName": "default",
    });
    if let Some(d) = &rule.description {
        out["Description"] = json!(d);
    }
    out
}
