//! Amazon EventBridge on the default event bus: rules with event patterns, and their targets (an ECS cluster with
//! `EcsParameters`, run as RunTask). The engine hands each event to [`EventsState::route`], which answers the
//! invocations its matching rules make; the engine carries them out.

mod pattern;

#[cfg(test)]
mod tests;

use serde_json::{json, Value};

use crate::api::calls::{handled_by, Handler};
use crate::api::texts;
use crate::api::{ApiError, ApiResult, Dialect, Request};
use crate::table::Table;

pub use pattern::{check_pattern, fill_template, json_path, matches};

/// "You can define up to five targets for each rule" (Amazon EventBridge User Guide, "Targets").
pub const MAX_TARGETS_PER_RULE: usize = 5;
/// The most rules the playground keeps (EventBridge's default quota is 300 rules per event bus).
pub const MAX_RULES: usize = 100;

/// One target of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventTarget {
    pub id: String,
    pub arn: String,
    pub role_arn: Option<String>,
    /// The target as given, echoed by ListTargetsByRule.
    pub given: Value,
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
            "events:ListRules" => Ok(json!({ "Rules": self.rules.values().map(rule_json).collect::<Vec<_>>() })),
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
        };
        self.rules.insert(name.to_string(), rule);
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
                    // [UNVERIFIED] wording; EventBridge needs a role to call ecs:RunTask for the rule.
                    return Err(request.invalid(format!("RoleArn is required for target {id}: EventBridge runs tasks with that role.")));
                }
            }
            if let Some(transformer) = item.object("InputTransformer") {
                transformer.required_string("InputTemplate")?;
            }
            let target = EventTarget { id: id.clone(), arn, role_arn, given: item.input().clone() };
            match targets.iter_mut().find(|t| t.id == id) {
                Some(existing) => *existing = target,
                None => targets.push(target),
            }
        }
        if targets.len() > MAX_TARGETS_PER_RULE {
            // [UNVERIFIED] wording of EventBridge's answer past five targets.
            return Err(ApiError::new("LimitExceededException", format!("The requested resource exceeds the maximum number allowed: a rule has at most {MAX_TARGETS_PER_RULE} targets.")));
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

    /// Counts a failed invocation of `rule`.
    pub fn count_failure(&mut self, rule: &str) {
        if let Some(r) = self.rules.get_mut(rule) {
            r.n_failed_invocations += 1;
        }
    }
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
