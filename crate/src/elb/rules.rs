//! Listener rules: conditions, actions and their evaluation against a request.
//!
//! Facts (ALBDG load-balancer-listeners.md, reference §7.1): rules are evaluated from the lowest priority
//! number; the default rule (no conditions) last. `*` matches 0 or more characters, `?` exactly one.
//! Host matching is case-insensitive, path matching case-sensitive and on the path only (not the query).
//! Header name and value are case-insensitive; method is case-sensitive and exact. Several values in one
//! condition: any matches. Several conditions in one rule: all must match.

use serde_json::{json, Value};

use crate::api::{texts, ApiError, Request};

/// One request class as the router sees it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RequestView {
    pub host: String,
    /// The path, optionally followed by `?query`.
    pub path: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    /// Client IPv4 address; `None` matches no `source-ip` condition.
    pub source_ip: Option<u32>,
}

impl RequestView {
    pub fn new(host: &str, path: &str) -> RequestView {
        RequestView { host: host.to_string(), path: path.to_string(), method: "GET".into(), headers: vec![], source_ip: None }
    }
    fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
    }
    fn query(&self) -> Vec<(String, String)> {
        let q = match self.path.split_once('?') {
            Some((_, q)) => q,
            None => return vec![],
        };
        q.split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (kv.to_string(), String::new()),
            })
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    HostHeader(Vec<String>),
    PathPattern(Vec<String>),
    HttpHeader { name: String, values: Vec<String> },
    /// `(key, value)`: a missing key matches any key.
    QueryString(Vec<(Option<String>, String)>),
    HttpRequestMethod(Vec<String>),
    SourceIp(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `(target group ARN, weight)`.
    Forward { groups: Vec<(String, u32)>, stickiness: bool, stickiness_secs: u32 },
    Redirect { config: Value, status: String },
    FixedResponse { status: u16, content_type: Option<String>, body: Option<String> },
}

/// Wildcard match: `*` any run of characters (possibly empty), `?` exactly one character.
pub fn glob_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    crate::wildcard::wildcard_match(pattern, text, case_insensitive)
}

/// Parses `a.b.c.d/n` into (network, prefix length).
pub fn parse_cidr(text: &str) -> Option<(u32, u32)> {
    let (ip, len) = match text.split_once('/') {
        Some((ip, len)) => (ip, len.parse::<u32>().ok()?),
        None => (text, 32),
    };
    if len > 32 {
        return None;
    }
    Some((parse_ipv4(ip)?, len))
}

pub fn parse_ipv4(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut v = 0u32;
    for p in parts {
        v = (v << 8) | p.parse::<u8>().ok()? as u32;
    }
    Some(v)
}

fn cidr_contains(cidr: &str, ip: u32) -> bool {
    match parse_cidr(cidr) {
        Some((_, 0)) => true,
        Some((net, len)) => {
            let mask = u32::MAX << (32 - len);
            (net & mask) == (ip & mask)
        }
        None => false,
    }
}

impl Condition {
    pub fn matches(&self, req: &RequestView) -> bool {
        match self {
            Condition::HostHeader(v) => v.iter().any(|p| glob_match(p, &req.host, true)),
            Condition::PathPattern(v) => v.iter().any(|p| glob_match(p, req.path_only(), false)),
            Condition::HttpHeader { name, values } => req
                .headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .any(|(_, hv)| values.iter().any(|p| glob_match(p, hv, true))),
            Condition::QueryString(pairs) => {
                let q = req.query();
                pairs.iter().any(|(k, v)| {
                    q.iter().any(|(qk, qv)| k.as_ref().map_or(true, |k| glob_match(k, qk, true)) && glob_match(v, qv, true))
                })
            }
            Condition::HttpRequestMethod(v) => v.iter().any(|m| m == &req.method),
            Condition::SourceIp(v) => req.source_ip.is_some_and(|ip| v.iter().any(|c| cidr_contains(c, ip))),
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            Condition::HostHeader(v) => json!({"Field": "host-header", "Values": v, "HostHeaderConfig": {"Values": v}}),
            Condition::PathPattern(v) => json!({"Field": "path-pattern", "Values": v, "PathPatternConfig": {"Values": v}}),
            Condition::HttpHeader { name, values } => {
                json!({"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": name, "Values": values}})
            }
            Condition::QueryString(pairs) => {
                let vals: Vec<Value> = pairs
                    .iter()
                    .map(|(k, v)| match k {
                        Some(k) => json!({"Key": k, "Value": v}),
                        None => json!({"Value": v}),
                    })
                    .collect();
                json!({"Field": "query-string", "QueryStringConfig": {"Values": vals}})
            }
            Condition::HttpRequestMethod(v) => json!({"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": v}}),
            Condition::SourceIp(v) => json!({"Field": "source-ip", "SourceIpConfig": {"Values": v}}),
        }
    }
}

fn wildcard_count(s: &str) -> u32 {
    s.chars().filter(|c| *c == '*' || *c == '?').count() as u32
}

/// Parses the request's `Conditions` with AWS's per-rule limits (reference §7.1).
pub(crate) fn parse_conditions(request: &Request) -> Result<Vec<Condition>, ApiError> {
    if request.get("Conditions").is_none() {
        return Ok(vec![]);
    }
    let Some(items) = request.items("Conditions") else {
        return Err(request.invalid("Conditions must be a list."));
    };
    let mut out = Vec::new();
    let mut evaluations = 0u32;
    let mut wildcards = 0u32;
    for c in &items {
        let field = c.str("Field").unwrap_or("");
        let cond = match field {
            "host-header" => {
                let mut v = c.member("HostHeaderConfig").strings("Values");
                v.extend(c.strings("Values"));
                Condition::HostHeader(v)
            }
            "path-pattern" => {
                let mut v = c.member("PathPatternConfig").strings("Values");
                v.extend(c.strings("Values"));
                Condition::PathPattern(v)
            }
            "http-header" => {
                let config = c.member("HttpHeaderConfig");
                let name = config.str("HttpHeaderName").unwrap_or("").to_string();
                if name.is_empty() {
                    return Err(c.invalid("An HTTP header name must be specified for http-header conditions")); // [UNVERIFIED] text
                }
                Condition::HttpHeader { name, values: config.strings("Values") }
            }
            "query-string" => {
                let pairs = c
                    .member("QueryStringConfig")
                    .items("Values")
                    .map(|a| a.iter().map(|p| (p.str("Key").map(str::to_string), p.str("Value").unwrap_or("").to_string())).collect())
                    .unwrap_or_default();
                Condition::QueryString(pairs)
            }
            "http-request-method" => Condition::HttpRequestMethod(c.member("HttpRequestMethodConfig").strings("Values")),
            "source-ip" => {
                let v = c.member("SourceIpConfig").strings("Values");
                if let Some(bad) = v.iter().find(|x| parse_cidr(x).is_none()) {
                    return Err(request.invalid(format!("The source IP '{bad}' is not a valid CIDR block"))); // [UNVERIFIED] text
                }
                Condition::SourceIp(v)
            }
            other => {
                return Err(request.invalid(format!(
                    "Condition field '{other}' must be one of '[http-header, http-request-method, host-header, path-pattern, query-string, source-ip]'"
                ))) // [UNVERIFIED] text
            }
        };
        let (n, w) = match &cond {
            Condition::HostHeader(v) | Condition::PathPattern(v) | Condition::HttpRequestMethod(v) | Condition::SourceIp(v) => {
                (v.len() as u32, v.iter().map(|s| wildcard_count(s)).sum::<u32>())
            }
            Condition::HttpHeader { values, .. } => (values.len() as u32, values.iter().map(|s| wildcard_count(s)).sum::<u32>()),
            Condition::QueryString(p) => {
                (p.len() as u32, p.iter().map(|(k, v)| wildcard_count(v) + k.as_deref().map_or(0, wildcard_count)).sum())
            }
        };
        if n == 0 {
            return Err(request.invalid(format!("A condition value must be specified for the '{field}' field"))); // [UNVERIFIED]
        }
        if n > 5 {
            // text: AWS's answer quoted in aws/aws-cdk#10065 and aws-cloudformation/cfn-lint#3833; limit from §7.1
            return Err(request.invalid("A rule can only have '5' condition values"));
        }
        let once = matches!(
            cond,
            Condition::HostHeader(_) | Condition::PathPattern(_) | Condition::HttpRequestMethod(_) | Condition::SourceIp(_)
        );
        if once && out.iter().any(|o: &Condition| std::mem::discriminant(o) == std::mem::discriminant(&cond)) {
            return Err(request.invalid(format!("A rule can only have one '{field}' condition"))); // [UNVERIFIED] text
        }
        evaluations += n;
        wildcards += w;
        out.push(cond);
    }
    if evaluations > 5 {
        return Err(request.invalid("A rule can only have '5' condition values")); // text: aws/aws-cdk#10065
    }
    if wildcards > 5 {
        return Err(request.invalid("A rule can only have '5' wildcards")); // [UNVERIFIED] text
    }
    Ok(out)
}

/// Parses the request's `name` (`Actions` or `DefaultActions`); `tg_exists` checks target group ARNs.
pub(crate) fn parse_actions(request: &Request, name: &str, tg_exists: &dyn Fn(&str) -> bool) -> Result<Vec<Action>, ApiError> {
    let member = texts::member_path(name);
    let items = match request.items(name) {
        Some(items) if !items.is_empty() => items,
        _ => return Err(request.invalid(texts::required_and_must_be(&member, "a non-empty list"))),
    };
    let mut out = Vec::new();
    for (i, a) in items.iter().enumerate() {
        let ty = a.str("Type").unwrap_or("");
        let action = match ty {
            "forward" => {
                let mut groups: Vec<(String, u32)> = Vec::new();
                if let Some(arn) = a.str("TargetGroupArn") {
                    groups.push((arn.to_string(), 1));
                }
                let forward = a.member("ForwardConfig");
                if let Some(list) = forward.items("TargetGroups") {
                    for g in &list {
                        let arn = g.str("TargetGroupArn").unwrap_or("").to_string();
                        let w = g.get("Weight").and_then(Value::as_u64).unwrap_or(1);
                        if w > 999 {
                            return Err(request.invalid("Weight must be between 0 and 999")); // [UNVERIFIED] text; range §7.1
                        }
                        if !groups.iter().any(|(x, _)| x == &arn) {
                            groups.push((arn, w as u32));
                        } else if let Some(e) = groups.iter_mut().find(|(x, _)| x == &arn) {
                            e.1 = w as u32;
                        }
                    }
                }
                if groups.is_empty() {
                    return Err(request.invalid("A target group ARN must be specified for forward actions")); // [UNVERIFIED]
                }
                if groups.len() > 5 {
                    return Err(request.invalid("A forward action can have at most '5' target groups")); // [UNVERIFIED]; limit §7.1
                }
                for (arn, _) in &groups {
                    if !tg_exists(arn) {
                        return Err(ApiError::new("TargetGroupNotFound", format!("Target groups '[{arn}]' not found")));
                    }
                }
                let stickiness = forward.member("TargetGroupStickinessConfig");
                let stick = stickiness.bool("Enabled").unwrap_or(false);
                let secs = stickiness.get("DurationSeconds").and_then(Value::as_u64).unwrap_or(3600);
                Action::Forward { groups, stickiness: stick, stickiness_secs: secs.min(604_800) as u32 }
            }
            "redirect" => {
                let cfg = a.member("RedirectConfig");
                let status = cfg.str("StatusCode").unwrap_or("").to_string();
                if status != "HTTP_301" && status != "HTTP_302" {
                    let path = format!("{member}.{}.member.redirectConfig.statusCode", i + 1);
                    return Err(a.invalid(texts::not_in_enum(&status, &path, &["HTTP_301", "HTTP_302"])));
                }
                Action::Redirect { config: cfg.input().clone(), status }
            }
            "fixed-response" => {
                let cfg = a.member("FixedResponseConfig");
                let code = cfg.str("StatusCode").and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
                if !(200..=299).contains(&code) && !(400..=599).contains(&code) {
                    return Err(request.invalid("The fixed-response status code must be a 2XX, 4XX or 5XX code")); // [UNVERIFIED]
                }
                Action::FixedResponse {
                    status: code,
                    content_type: cfg.str("ContentType").map(str::to_string),
                    body: cfg.str("MessageBody").map(str::to_string),
                }
            }
            other => {
                let path = format!("{member}.{}.member.type", i + 1);
                return Err(a.invalid(texts::not_in_enum(
                    other,
                    &path,
                    &["forward", "authenticate-oidc", "authenticate-cognito", "redirect", "fixed-response"],
                )));
            }
        };
        out.push(action);
    }
    Ok(out)
}

impl Action {
    pub fn to_json(&self, order: u32) -> Value {
        match self {
            Action::Forward { groups, stickiness, stickiness_secs } => {
                let tgs: Vec<Value> = groups.iter().map(|(a, w)| json!({"TargetGroupArn": a, "Weight": w})).collect();
                let mut stick = json!({"Enabled": stickiness});
                if *stickiness {
                    stick["DurationSeconds"] = json!(stickiness_secs);
                }
                let mut v = json!({"Type": "forward", "Order": order, "ForwardConfig": {"TargetGroups": tgs, "TargetGroupStickinessConfig": stick}});
                if groups.len() == 1 {
                    v["TargetGroupArn"] = json!(groups[0].0);
                }
                v
            }
            Action::Redirect { config, .. } => json!({"Type": "redirect", "Order": order, "RedirectConfig": config}),
            Action::FixedResponse { status, content_type, body } => {
                let mut cfg = json!({"StatusCode": status.to_string()});
                if let Some(c) = content_type {
                    cfg["ContentType"] = json!(c);
                }
                if let Some(b) = body {
                    cfg["MessageBody"] = json!(b);
                }
                json!({"Type": "fixed-response", "Order": order, "FixedResponseConfig": cfg})
            }
        }
    }

    pub fn target_groups(&self) -> impl Iterator<Item = &str> {
        let groups: &[(String, u32)] = match self {
            Action::Forward { groups, .. } => groups,
            _ => &[],
        };
        groups.iter().map(|(a, _)| a.as_str())
    }
}

/// The rule chosen for a request: the first by priority whose conditions all match, else the default.
/// `rules` are `(priority, conditions, actions)` sorted by priority; returns the actions.
pub fn choose_actions<'a>(rules: &[(u32, &'a [Condition], &'a [Action])], default: &'a [Action], req: &RequestView) -> &'a [Action] {
    for (_, conds, actions) in rules {
        if conds.iter().all(|c| c.matches(req)) {
            return actions;
        }
    }
    default
}
