//! Policy evaluation in the style of the IAM policy simulator: explicit Deny beats Allow beats the implicit deny.
//!
//! Matching rules (IAM User Guide, policy elements and evaluation logic):
//! - actions are `service:Action`, compared case-insensitively, with `*` and `?` wildcards;
//! - resources are ARNs, compared case-sensitively, with `*` and `?` wildcards;
//! - `NotAction`/`NotResource` match everything except the listed patterns;
//! - condition tests of one statement are ANDed, the values of one key are ORed;
//! - a key missing from the request makes a positive operator false, a negated operator true,
//!   and any `...IfExists` operator true.

use crate::table::Table;

use super::policy::{CondOp, ConditionTest, Effect, Patterns, PolicyDocument, PrincipalSpec, SetQualifier, Statement};

/// `*` matches any run of characters (including none), `?` exactly one.
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    crate::wildcard::wildcard_match(pattern, text, ignore_case)
}

pub fn action_matches(pattern: &str, action: &str) -> bool {
    pattern == "*" || wildcard_match(pattern, action, true)
}

pub fn resource_matches(pattern: &str, resource: &str) -> bool {
    pattern == "*" || wildcard_match(pattern, resource, false)
}

/// ARN comparison for `ArnEquals`/`ArnLike`: each of the six colon-separated parts is matched on its own.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    let pp: Vec<&str> = pattern.splitn(6, ':').collect();
    let ap: Vec<&str> = arn.splitn(6, ':').collect();
    if pp.len() != 6 || ap.len() != 6 {
        return pattern == "*" || wildcard_match(pattern, arn, false);
    }
    pp.iter().zip(ap.iter()).all(|(p, a)| wildcard_match(p, a, false))
}

fn patterns_match(patterns: &Patterns, text: &str, matcher: fn(&str, &str) -> bool) -> bool {
    let any = patterns.values.iter().any(|p| matcher(p, text));
    any != patterns.negated
}

/// What is being asked: who, which action, on what, with which context keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EvalRequest {
    /// The calling principal: a role ARN for permissions checks, or a service principal
    /// (`ecs-tasks.amazonaws.com`) / ARN when evaluating a trust policy.
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// Context keys (compared case-insensitively) to their values; several values make a multivalued key.
    pub context: Table<String, Vec<String>>,
}

impl EvalRequest {
    pub fn new(principal: &str, action: &str, resource: &str) -> EvalRequest {
        EvalRequest {
            principal: principal.to_string(),
            action: action.to_string(),
            resource: resource.to_string(),
            context: Table::new(),
        }
    }

    pub fn with_context(mut self, key: &str, values: &[&str]) -> EvalRequest {
        self.context.insert(key.to_string(), values.iter().map(|v| v.to_string()).collect());
        self
    }

    fn context_values(&self, key: &str) -> Option<&Vec<String>> {
        self.context.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
    }
}

/// A policy as the evaluator sees it: its name, its ARN (None for inline policies) and its document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedPolicy {
    pub name: String,
    pub arn: Option<String>,
    pub document: PolicyDocument,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionEffect {
    ExplicitDeny,
    Allowed,
    ImplicitDeny,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchedStatement {
    pub policy_name: String,
    /// None for an inline policy.
    pub policy_arn: Option<String>,
    /// Zero-based position of the statement in its policy.
    pub statement_index: u32,
    pub sid: Option<String>,
    pub effect: Effect,
}

impl MatchedStatement {
    fn describe(&self) -> String {
        let statement = match &self.sid {
            Some(sid) => format!("statement '{sid}'"),
            None => format!("statement #{}", self.statement_index + 1),
        };
        let policy = match &self.policy_arn {
            Some(arn) => format!("policy {} ({arn})", self.policy_name),
            None => format!("policy {} (inline)", self.policy_name),
        };
        format!("{statement} of {policy}")
    }
}

/// The simulator's answer. `matched` lists the deciding statements: the Deny statements for
/// `ExplicitDeny`, the Allow statements for `Allowed`, nothing for `ImplicitDeny`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalDecision {
    pub effect: DecisionEffect,
    pub matched: Vec<MatchedStatement>,
    pub principal: String,
    pub action: String,
    pub resource: String,
}

impl EvalDecision {
    pub fn is_allowed(&self) -> bool {
        self.effect == DecisionEffect::Allowed
    }

    /// One line for humans, e.g. "Allowed by statement 'ReadBucket' of policy app-read (inline)".
    pub fn explain(&self) -> String {
        let list = |m: &[MatchedStatement]| m.iter().map(MatchedStatement::describe).collect::<Vec<_>>().join("; ");
        match self.effect {
            DecisionEffect::Allowed => format!("Allowed by {}", list(&self.matched)),
            DecisionEffect::ExplicitDeny => format!(
                "Explicitly denied by {}: an explicit Deny overrides any Allow for {} on {}",
                list(&self.matched),
                self.action,
                self.resource
            ),
            DecisionEffect::ImplicitDeny => format!(
                "Implicitly denied: no statement in the role's policies allows {} on {}",
                self.action, self.resource
            ),
        }
    }
}

fn principal_matches(spec: &PrincipalSpec, principal: &str) -> bool {
    let hit = spec.entries.iter().any(|entry| match entry.kind.as_str() {
        "*" => true,
        "AWS" => {
            if entry.value == "*" || entry.value == principal {
                return true;
            }
            // An account ID or account root ARN stands for every principal of that account.
            let account = principal.split(':').nth(4).unwrap_or("");
            !account.is_empty()
                && (entry.value == account || entry.value == format!("arn:aws:iam::{account}:root"))
        }
        _ => entry.value == "*" || entry.value.eq_ignore_ascii_case(principal),
    });
    hit != spec.negated
}

fn numeric(text: &str) -> Option<i128> {
    text.trim().parse::<i128>().ok()
}

fn value_matches(op: CondOp, policy_value: &str, request_value: &str) -> bool {
    match op {
        CondOp::StringEquals | CondOp::StringNotEquals => policy_value == request_value,
        CondOp::StringEqualsIgnoreCase | CondOp::StringNotEqualsIgnoreCase => {
            policy_value.to_lowercase() == request_value.to_lowercase()
        }
        CondOp::StringLike | CondOp::StringNotLike => wildcard_match(policy_value, request_value, false),
        CondOp::ArnEquals | CondOp::ArnNotEquals | CondOp::ArnLike | CondOp::ArnNotLike => {
            arn_matches(policy_value, request_value)
        }
        CondOp::Bool => policy_value.eq_ignore_ascii_case(request_value),
        CondOp::Null => false,
        CondOp::NumericEquals | CondOp::NumericNotEquals => {
            matches!((numeric(policy_value), numeric(request_value)), (Some(a), Some(b)) if a == b)
        }
        CondOp::NumericLessThan => matches!((numeric(policy_value), numeric(request_value)), (Some(a), Some(b)) if b < a),
        CondOp::NumericLessThanEquals => {
            matches!((numeric(policy_value), numeric(request_value)), (Some(a), Some(b)) if b <= a)
        }
        CondOp::NumericGreaterThan => {
            matches!((numeric(policy_value), numeric(request_value)), (Some(a), Some(b)) if b > a)
        }
        CondOp::NumericGreaterThanEquals => {
            matches!((numeric(policy_value), numeric(request_value)), (Some(a), Some(b)) if b >= a)
        }
    }
}

/// Whether one request value satisfies the test (for negated operators: matches none of the policy values).
fn single_value_holds(test: &ConditionTest, request_value: &str) -> bool {
    let any = test.values.iter().any(|pv| value_matches(test.op, pv, request_value));
    if test.op.is_negated() {
        !any
    } else {
        any
    }
}

pub fn condition_holds(test: &ConditionTest, request: &EvalRequest) -> bool {
    let values = request.context_values(&test.key).filter(|v| !v.is_empty());
    if test.op == CondOp::Null {
        let want_missing = test.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        return values.is_none() == want_missing;
    }
    let Some(values) = values else {
        return match test.set {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => test.if_exists || test.op.is_negated(),
        };
    };
    match test.set {
        Some(SetQualifier::ForAllValues) => values.iter().all(|v| single_value_holds(test, v)),
        Some(SetQualifier::ForAnyValue) => values.iter().any(|v| single_value_holds(test, v)),
        None if test.op.is_negated() => values.iter().all(|v| single_value_holds(test, v)),
        None => values.iter().any(|v| single_value_holds(test, v)),
    }
}

/// Whether a statement applies to the request (principal, action, resource and all conditions).
pub fn statement_applies(statement: &Statement, request: &EvalRequest) -> bool {
    if let Some(principal) = &statement.principal {
        if !principal_matches(principal, &request.principal) {
            return false;
        }
    }
    if !patterns_match(&statement.action, &request.action, action_matches) {
        return false;
    }
    if let Some(resource) = &statement.resource {
        if !patterns_match(resource, &request.resource, resource_matches) {
            return false;
        }
    }
    statement.conditions.iter().all(|c| condition_holds(c, request))
}

/// Evaluates identity-based (or trust) policies the way the IAM policy simulator does.
pub fn evaluate(request: &EvalRequest, policies: &[NamedPolicy]) -> EvalDecision {
    let mut allows = Vec::new();
    let mut denies = Vec::new();
    for policy in policies {
        for (index, statement) in policy.document.statements.iter().enumerate() {
            if !statement_applies(statement, request) {
                continue;
            }
            let matched = MatchedStatement {
                policy_name: policy.name.clone(),
                policy_arn: policy.arn.clone(),
                statement_index: u32::try_from(index).unwrap_or(u32::MAX),
                sid: statement.sid.clone(),
                effect: statement.effect,
            };
            match statement.effect {
                Effect::Allow => allows.push(matched),
                Effect::Deny => denies.push(matched),
            }
        }
    }
    let (effect, matched) = if !denies.is_empty() {
        (DecisionEffect::ExplicitDeny, denies)
    } else if !allows.is_empty() {
        (DecisionEffect::Allowed, allows)
    } else {
        (DecisionEffect::ImplicitDeny, Vec::new())
    };
    EvalDecision {
        effect,
        matched,
        principal: request.principal.clone(),
        action: request.action.clone(),
        resource: request.resource.clone(),
    }
}
