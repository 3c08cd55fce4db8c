//! The scenario file: the unit of saving, sharing, lessons, tests and benchmarks.
//!
//! A versioned JSON document (see README.md): a pre-existing VPC, and steps that are AWS API calls at
//! sim times. Loading never panics and reports every problem with its JSON path.

use crate::table::Table;

use serde_json::Value;

use crate::taskdef::FieldError;
use crate::time::{parse_duration_ms, parse_iso8601_ms, seconds_to_sim_ms};

/// The newest `formatVersion` this build reads.
pub const FORMAT_VERSION: u64 = 1;

#[derive(Clone, Debug, PartialEq)]
pub struct Subnet {
    pub subnet_id: String,
    pub availability_zone: String,
    pub cidr_block: String,
}

/// One inbound rule of a security group.
#[derive(Clone, Debug, PartialEq)]
pub struct IngressRule {
    /// `tcp`, `udp` or `-1` (all).
    pub protocol: String,
    pub from_port: u16,
    pub to_port: u16,
    pub cidr: Option<String>,
    /// Another security group as the source.
    pub source_group: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SecurityGroup {
    pub group_id: String,
    pub ingress: Vec<IngressRule>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Network {
    pub vpc_id: String,
    pub cidr_block: String,
    pub subnets: Vec<Subnet>,
    pub security_groups: Vec<SecurityGroup>,
    /// Route tables, gateways, endpoints, public subnets and egress rules (`vpc::spec`); unmodelled when the
    /// section names none of them.
    pub routing: crate::vpc::RoutingSpec,
}

/// What the application of a task definition family uses besides the CPU its requests cost
/// (`sim:SetLoad`'s `cpuMsPerRequest`): the scenario's `workloads`, keyed by family.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Workload {
    /// CPU used with no requests, percent of the task's CPU.
    pub cpu_baseline_percent: u32,
    /// Memory used with no requests, percent of the task's memory.
    pub memory_baseline_percent: u32,
    /// Memory each request per second of load holds (buffers, sessions), MiB.
    pub memory_mib_per_request_per_second: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub at_ms: u64,
    pub call: String,
    pub input: Value,
    pub as_name: Option<String>,
    /// A caption shown (in demo mode) when the run reaches the step (`say`); it changes nothing in the run.
    pub say: Option<String>,
}

/// The longest caption a step's `say` may hold, in characters.
pub const MAX_CAPTION_CHARS: usize = 280;

/// A step's caption and the sim time the run reaches it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caption {
    pub at_ms: u64,
    pub text: String,
}

/// The caption the run shows at `now_ms`: the last one reached (`at_ms <= now_ms`).
pub fn caption_at(captions: &[Caption], now_ms: u64) -> Option<(usize, &Caption)> {
    captions.iter().enumerate().rev().find(|(_, c)| c.at_ms <= now_ms)
}

/// The time of the next caption after `now_ms`, for stepping forward.
pub fn next_caption_ms(captions: &[Caption], now_ms: u64) -> Option<u64> {
    captions.iter().map(|c| c.at_ms).find(|at| *at > now_ms)
}

/// The time of the last caption before `now_ms`, for stepping back (from a caption's own time, the one before
/// it; from between two, the earlier one).
pub fn previous_caption_ms(captions: &[Caption], now_ms: u64) -> Option<u64> {
    captions.iter().rev().map(|c| c.at_ms).find(|at| *at < now_ms)
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// A one-line hint of what to try, shown when the scenario opens.
    pub hint: String,
    pub seed: u64,
    pub region: String,
    pub start_epoch_ms: u64,
    pub network: Network,
    pub default_roles: bool,
    pub steps: Vec<Step>,
    /// Workloads by task definition family (`workloads`).
    pub workloads: Table<String, Workload>,
    /// The document as loaded, for export and share links.
    pub document: Value,
}

fn err(path: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError { path: path.into(), message: message.into() }
}

impl Scenario {
    /// The captions of the steps (`say`), in the order the run reaches them; at most one per instant (the
    /// first step's at a time that several captions share).
    pub fn captions(&self) -> Vec<Caption> {
        let mut out: Vec<Caption> = Vec::new();
        for step in &self.steps {
            if let Some(text) = &step.say {
                if out.last().is_none_or(|c| c.at_ms != step.at_ms) {
                    out.push(Caption { at_ms: step.at_ms, text: text.clone() });
                }
            }
        }
        out
    }
}

/// Parses scenario JSON text.
pub fn parse_scenario_str(text: &str) -> Result<Scenario, Vec<FieldError>> {
    let document: Value = crate::codec::parse_json(text).map_err(|e| {
        // serde_json's text ends with the position; it is given once, at the end.
        let text = e.to_string();
        let what = text.strip_suffix(&format!(" at line {} column {}", e.line(), e.column())).unwrap_or(&text);
        vec![err("$", format!("The scenario is not valid JSON: {what} (line {}, column {}).", e.line(), e.column()))]
    })?;
    parse_scenario(&document)
}

/// Validates a scenario document and returns it typed, or every problem found.
pub fn parse_scenario(document: &Value) -> Result<Scenario, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(root) = document.as_object() else {
        return Err(vec![err("$", "A scenario must be a JSON object with formatVersion, network and steps.")]);
    };
    match root.get("formatVersion") {
        Some(Value::Number(n)) if n.as_u64() == Some(FORMAT_VERSION) => {}
        Some(Value::Number(n)) if n.as_u64().is_some_and(|v| v > FORMAT_VERSION) => {
            return Err(vec![err(
                "formatVersion",
                format!("This scenario uses formatVersion {n}, which is newer than this playground reads ({FORMAT_VERSION}). Update the playground to open it."),
            )])
        }
        Some(Value::String(text)) => {
            return Err(vec![err("formatVersion", format!("formatVersion \"{text}\" is not supported; this playground reads formatVersion {FORMAT_VERSION}. formatVersion must be a number, not a string."))])
        }
        Some(other) => return Err(vec![err("formatVersion", format!("formatVersion {other} is not supported; this playground reads formatVersion {FORMAT_VERSION}."))]),
        None => return Err(vec![err("formatVersion", format!("formatVersion is required (this playground reads formatVersion {FORMAT_VERSION})."))]),
    }
    let string_of = |name: &str, errors: &mut Vec<FieldError>| -> Option<String> {
        match root.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                errors.push(err(name, format!("{name} must be a string.")));
                None
            }
        }
    };
    let name = string_of("name", &mut errors).unwrap_or_else(|| "Untitled scenario".into());
    let description = string_of("description", &mut errors).unwrap_or_default();
    let hint = string_of("hint", &mut errors).unwrap_or_default();
    let region = string_of("region", &mut errors).unwrap_or_else(|| "us-east-1".into());
    let valid_region = region.split('-').count() == 3 && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid_region {
        errors.push(err("region", format!("'{region}' is not a Region name such as us-east-1.")));
    }
    let seed = match root.get("seed") {
        None | Some(Value::Null) => 1,
        Some(v) => match v.as_u64() {
            Some(seed) => seed,
            None => {
                errors.push(err("seed", "seed must be a non-negative integer."));
                1
            }
        },
    };
    let start_epoch_ms = match string_of("startTime", &mut errors) {
        None => parse_iso8601_ms("2026-01-05T09:00:00Z").unwrap_or(0),
        Some(text) => parse_iso8601_ms(&text).unwrap_or_else(|message| {
            errors.push(err("startTime", message));
            0
        }),
    };
    let default_roles = match root.get("account").and_then(|a| a.get("defaultRoles")) {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.push(err("account.defaultRoles", "defaultRoles must be true or false."));
            true
        }
    };
    let network = parse_network(root.get("network"), &region, &mut errors);
    let workloads = parse_workloads(root.get("workloads"), &mut errors);
    let mut steps = Vec::new();
    let mut names: Table<String, usize> = Table::new();
    match root.get("steps") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            if items.len() > 10_000 {
                errors.push(err("steps", "A scenario can have at most 10000 steps."));
            }
            for (idx, item) in items.iter().enumerate().take(10_000) {
                let path = format!("steps[{idx}]");
                let Some(obj) = item.as_object() else {
                    errors.push(err(&path, "Each step must be an object with at, call and input."));
                    continue;
                };
                let at_ms = match obj.get("at") {
                    None | Some(Value::Null) => 0,
                    Some(Value::Number(n)) => match n.as_u64() {
                        Some(secs) => seconds_to_sim_ms("at", secs).unwrap_or_else(|message| {
                            errors.push(err(format!("{path}.at"), message));
                            0
                        }),
                        None => {
                            errors.push(err(format!("{path}.at"), "at must be a non-negative number of seconds (a whole number)."));
                            0
                        }
                    },
                    Some(Value::String(s)) => parse_duration_ms(s).unwrap_or_else(|message| {
                        errors.push(err(format!("{path}.at"), format!("at: {message}")));
                        0
                    }),
                    Some(_) => {
                        errors.push(err(format!("{path}.at"), "at must be a duration such as \"90s\" or a number of seconds."));
                        0
                    }
                };
                let call = match obj.get("call") {
                    Some(Value::String(s)) if s.contains(':') => s.clone(),
                    Some(Value::String(s)) => {
                        errors.push(err(format!("{path}.call"), format!("'{s}' is not a call; write it as service:Operation, e.g. ecs:RunTask.")));
                        continue;
                    }
                    _ => {
                        errors.push(err(format!("{path}.call"), "call is required, as service:Operation (e.g. ecs:CreateCluster)."));
                        continue;
                    }
                };
                if !crate::api::calls::is_known_call(&call) {
                    errors.push(err(format!("{path}.call"), format!("The playground does not know the call '{call}'.")));
                }
                let input = match obj.get("input") {
                    None | Some(Value::Null) => Value::Object(Default::default()),
                    Some(v @ Value::Object(_)) => v.clone(),
                    Some(_) => {
                        errors.push(err(format!("{path}.input"), "input must be an object: the request of the call."));
                        continue;
                    }
                };
                for reference in references_in(&input) {
                    let base = reference.split(['.', '[']).next().unwrap_or("");
                    if !names.contains_key(base) {
                        errors.push(err(format!("{path}.input"), format!("${{{reference}}} refers to '{base}', which no earlier step names with \"as\".")));
                    }
                }
                let as_name = match obj.get("as") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => {
                        if names.insert(s.clone(), idx).is_some() {
                            errors.push(err(format!("{path}.as"), format!("The name '{s}' is already used by an earlier step.")));
                        }
                        Some(s.clone())
                    }
                    Some(_) => {
                        errors.push(err(format!("{path}.as"), "as must be a name of letters, digits, '-' and '_'."));
                        None
                    }
                };
                let say = match obj.get("say") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= MAX_CAPTION_CHARS => Some(s.trim().to_string()),
                    Some(Value::String(s)) if s.trim().is_empty() => {
                        errors.push(err(format!("{path}.say"), "say must not be empty: it is the caption shown when the run reaches this step."));
                        None
                    }
                    Some(Value::String(_)) => {
                        errors.push(err(format!("{path}.say"), format!("say must be at most {MAX_CAPTION_CHARS} characters: a caption is read on a slide.")));
                        None
                    }
                    Some(_) => {
                        errors.push(err(format!("{path}.say"), "say must be a string: the caption shown when the run reaches this step."));
                        None
                    }
                };
                steps.push(Step { at_ms, call, input, as_name, say });
            }
        }
        Some(_) => errors.push(err("steps", "steps must be an array.")),
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Steps at the same time run in file order: a stable sort by time keeps it.
    crate::order::sort_by_key(&mut steps, |s| s.at_ms);
    Ok(Scenario { name, description, hint, seed, region, start_epoch_ms, network, default_roles, steps, workloads, document: document.clone() })
}

/// `workloads`: `{ "<family>": { "cpuBaselinePercent": 5, "memoryBaselinePercent": 40, "memoryMiBPerRequestPerSecond": 2 } }`.
fn parse_workloads(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Table<String, Workload> {
    let mut out = Table::new();
    let map = match value {
        None | Some(Value::Null) => return out,
        Some(Value::Object(map)) => map,
        Some(_) => {
            errors.push(err("workloads", "workloads must be an object keyed by task definition family."));
            return out;
        }
    };
    for (family, item) in map {
        let path = format!("workloads.{family}");
        let Some(fields) = item.as_object() else {
            errors.push(err(&path, "Each workload must be an object."));
            continue;
        };
        let mut field = |name: &str, max: u64| -> u32 {
            match fields.get(name) {
                None | Some(Value::Null) => 0,
                Some(v) => v.as_u64().filter(|n| *n <= max).map(|n| n as u32).unwrap_or_else(|| {
                    errors.push(err(format!("{path}.{name}"), format!("{name} must be a whole number from 0 to {max}.")));
                    0
                }),
            }
        };
        let workload = Workload {
            cpu_baseline_percent: field("cpuBaselinePercent", 100),
            memory_baseline_percent: field("memoryBaselinePercent", 100),
            memory_mib_per_request_per_second: field("memoryMiBPerRequestPerSecond", 1_000_000),
        };
        if let Some(unknown) = fields.keys().find(|k| !["cpuBaselinePercent", "memoryBaselinePercent", "memoryMiBPerRequestPerSecond"].contains(&k.as_str())) {
            errors.push(err(format!("{path}.{unknown}"), format!("Unknown field {unknown}: a workload has cpuBaselinePercent, memoryBaselinePercent and memoryMiBPerRequestPerSecond.")));
        }
        out.insert(family.clone(), workload);
    }
    out
}

fn parse_network(value: Option<&Value>, region: &str, errors: &mut Vec<FieldError>) -> Network {
    let Some(value) = value else {
        // Without a network, the default VPC with one subnet in each of three Availability Zones.
        return Network {
            vpc_id: "vpc-default".into(),
            cidr_block: "172.31.0.0/16".into(),
            security_groups: vec![SecurityGroup {
                group_id: "sg-default".into(),
                ingress: vec![IngressRule { protocol: "-1".into(), from_port: 0, to_port: 65535, cidr: None, source_group: Some("sg-default".into()) }],
            }],
            subnets: ["a", "b", "c"]
                .iter()
                .enumerate()
                .map(|(i, az)| Subnet { subnet_id: format!("subnet-default-{az}"), availability_zone: format!("{region}{az}"), cidr_block: format!("172.31.{}.0/20", i * 16) })
                .collect(),
            routing: crate::vpc::RoutingSpec::default(),
        };
    };
    let vpc_id = value.get("vpcId").and_then(Value::as_str).unwrap_or("vpc-main").to_string();
    let mut subnets = Vec::new();
    match value.get("subnets") {
        Some(Value::Array(items)) => {
            for (idx, item) in items.iter().enumerate() {
                let path = format!("network.subnets[{idx}]");
                let subnet_id = item.get("subnetId").and_then(Value::as_str).unwrap_or("");
                let az = item.get("availabilityZone").and_then(Value::as_str).unwrap_or("");
                if subnet_id.is_empty() {
                    errors.push(err(format!("{path}.subnetId"), "subnetId is required."));
                }
                if az.is_empty() {
                    errors.push(err(format!("{path}.availabilityZone"), "availabilityZone is required."));
                } else if !az.starts_with(region) || az.len() != region.len() + 1 {
                    errors.push(err(format!("{path}.availabilityZone"), format!("'{az}' is not an Availability Zone of {region} (such as {region}a).")));
                }
                if subnets.iter().any(|s: &Subnet| s.subnet_id == subnet_id) {
                    errors.push(err(format!("{path}.subnetId"), format!("The subnet id '{subnet_id}' is used twice.")));
                }
                subnets.push(Subnet {
                    subnet_id: subnet_id.to_string(),
                    availability_zone: az.to_string(),
                    cidr_block: item.get("cidrBlock").and_then(Value::as_str).unwrap_or("").to_string(),
                });
            }
            if items.is_empty() {
                errors.push(err("network.subnets", "The network needs at least one subnet."));
            }
        }
        _ => errors.push(err("network.subnets", "network.subnets must be an array of subnets.")),
    }
    let mut security_groups = Vec::new();
    match value.get("securityGroups") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (idx, item) in items.iter().enumerate() {
                let path = format!("network.securityGroups[{idx}]");
                let group_id = item.get("groupId").and_then(Value::as_str).unwrap_or("");
                if group_id.is_empty() {
                    errors.push(err(format!("{path}.groupId"), "groupId is required."));
                }
                let mut ingress = Vec::new();
                for (rule_idx, rule) in item.get("ingress").and_then(Value::as_array).into_iter().flatten().enumerate() {
                    let rule_path = format!("{path}.ingress[{rule_idx}]");
                    let protocol = rule.get("protocol").and_then(Value::as_str).unwrap_or("tcp").to_string();
                    if !["tcp", "udp", "-1", "icmp"].contains(&protocol.as_str()) {
                        errors.push(err(format!("{rule_path}.protocol"), format!("protocol '{protocol}' is not one of tcp, udp, icmp or -1 (all).")));
                    }
                    let port = |name: &str, default: u64, errors: &mut Vec<FieldError>| -> u16 {
                        match rule.get(name) {
                            None | Some(Value::Null) => default as u16,
                            Some(v) => match v.as_u64().filter(|p| *p <= 65535) {
                                Some(p) => p as u16,
                                None => {
                                    errors.push(err(format!("{rule_path}.{name}"), format!("{name} must be a port from 0 to 65535.")));
                                    0
                                }
                            },
                        }
                    };
                    let from_port = port("fromPort", 0, errors);
                    let to_port = port("toPort", 65535, errors);
                    let cidr = rule.get("cidr").and_then(Value::as_str).map(str::to_string);
                    let source_group = rule.get("sourceGroupId").and_then(Value::as_str).map(str::to_string);
                    if cidr.is_none() && source_group.is_none() {
                        errors.push(err(&rule_path, "An ingress rule needs a cidr or a sourceGroupId."));
                    }
                    ingress.push(IngressRule { protocol, from_port, to_port, cidr, source_group });
                }
                security_groups.push(SecurityGroup { group_id: group_id.to_string(), ingress });
            }
        }
        Some(_) => errors.push(err("network.securityGroups", "network.securityGroups must be an array.")),
    }
    let cidr_block = value.get("cidrBlock").and_then(Value::as_str).unwrap_or("10.0.0.0/16").to_string();
    let routing = crate::vpc::parse_routing(value, errors);
    Network { vpc_id, cidr_block, subnets, security_groups, routing }
}

/// The `${...}` references inside every string of a value.
fn references_in(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match value {
        Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                let after = &rest[start + 2..];
                match after.find('}') {
                    Some(end) => {
                        out.push(after[..end].to_string());
                        rest = &after[end + 1..];
                    }
                    None => break,
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| out.extend(references_in(v))),
        Value::Object(map) => map.values().for_each(|v| out.extend(references_in(v))),
        _ => {}
    }
    out
}

/// Replaces `${name.Path[0].Field}` in every string of `input` with the value from a named step's output.
pub fn substitute(input: &Value, outputs: &Table<String, Value>) -> Result<Value, String> {
    match input {
        Value::String(s) if s.contains("${") => {
            let mut result = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                result.push_str(&rest[..start]);
                let after = &rest[start + 2..];
                let end = after.find('}').ok_or_else(|| format!("unclosed reference in '{s}'"))?;
                let reference = &after[..end];
                let value = resolve(reference, outputs)?;
                match value {
                    Value::String(text) => result.push_str(&text),
                    other => result.push_str(&other.to_string()),
                }
                rest = &after[end + 1..];
            }
            result.push_str(rest);
            Ok(Value::String(result))
        }
        Value::Array(items) => items.iter().map(|v| substitute(v, outputs)).collect::<Result<Vec<_>, _>>().map(Value::Array),
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                out.insert(k.clone(), substitute(v, outputs)?);
            }
            Ok(Value::Object(out))
        }
        other => Ok(other.clone()),
    }
}

fn resolve(reference: &str, outputs: &Table<String, Value>) -> Result<Value, String> {
    let mut parts = reference.split('.');
    let base = parts.next().unwrap_or("");
    let (base_name, base_indexes) = split_indexes(base)?;
    let mut current = outputs.get(base_name).ok_or_else(|| format!("${{{reference}}}: no step output named '{base_name}' (did that step fail?)"))?;
    for idx in base_indexes {
        current = current.get(idx).ok_or_else(|| format!("${{{reference}}}: index {idx} is out of range"))?;
    }
    for part in parts {
        let (field, indexes) = split_indexes(part)?;
        current = current.get(field).ok_or_else(|| format!("${{{reference}}}: the output has no field '{field}'"))?;
        for idx in indexes {
            current = current.get(idx).ok_or_else(|| format!("${{{reference}}}: index {idx} is out of range"))?;
        }
    }
    Ok(current.clone())
}

fn split_indexes(part: &str) -> Result<(&str, Vec<usize>), String> {
    let name_end = part.find('[').unwrap_or(part.len());
    let mut indexes = Vec::new();
    let mut rest = &part[name_end..];
    while let Some(stripped) = rest.strip_prefix('[') {
        let close = stripped.find(']').ok_or_else(|| format!("unclosed '[' in '{part}'"))?;
        indexes.push(stripped[..close].parse::<usize>().map_err(|_| format!("'{}' is not an index in '{part}'", &stripped[..close]))?);
        rest = &stripped[close + 1..];
    }
    Ok((&part[..name_end], indexes))
}

/// An account with the default VPC (three subnets, one per Availability Zone) and nothing in it.
pub fn blank_scenario() -> Scenario {
    let document = serde_json::json!({
        "formatVersion": FORMAT_VERSION,
        "name": "Blank account",
        "description": "The default VPC and nothing else: create a cluster and go from there.",
    });
    // A constant document; `tests/it/scenarios.rs` checks that it parses.
    parse_scenario(&document).expect("the blank scenario parses")
}

/// The ids of the built-in scenarios, in the picker's order. Each is the file `crate/scenarios/<id>.json`.
/// The app does not compile the files in: it fetches them beside it as one bundle, `data/scenarios.json`
/// (written by `scripts/stage-data` when Trunk builds), so the wasm holds code and the data is its own file.
pub const BUILTIN_SCENARIO_IDS: &[&str] = &[
    "fargate-web-service",
    "binpack-vs-spread",
    "placement-constraints",
    "rolling-deployment",
    "circuit-breaker-rollback",
    "daemon-service",
    "instance-terminated",
    "missing-execution-role",
    "least-privilege-task-role",
    "wordpress-efs",
    "alb-path-routing",
    "alb-rolling-deployment",
    "az-outage-under-load",
    "target-tracking-spike",
    "managed-scaling-growth",
    "fargate-spot-interruption",
    "ec2-vs-fargate-cost",
    "oom-crash-loop",
    "missing-log-group",
    "private-subnet-no-route",
    "private-subnet-nat",
    "private-subnet-endpoints",
    "ecr-pull-without-permission",
    "vpc-built-by-calls",
    "container-health-check-failing",
    "subnet-out-of-addresses",
    "service-asg-at-max",
    "cpu-alarm-email",
    "deployment-alarm-rollback",
    "privatelink-consumer",
    "task-role-missing-putitem",
    "rds-multi-az-failover",
    "s3-upload-thumbnail",
    "step-functions-map-retry",
];

/// The built-in scenarios: (id, JSON text), in [`BUILTIN_SCENARIO_IDS`]'s order, compiled in for the
/// CLI, the tests and the benchmarks (the default `builtin-scenarios` feature; the app turns it off).
#[cfg(feature = "builtin-scenarios")]
pub const BUILTIN_SCENARIOS: &[(&str, &str)] = &[
    ("fargate-web-service", include_str!("../scenarios/fargate-web-service.json")),
    ("binpack-vs-spread", include_str!("../scenarios/binpack-vs-spread.json")),
    ("placement-constraints", include_str!("../scenarios/placement-constraints.json")),
    ("rolling-deployment", include_str!("../scenarios/rolling-deployment.json")),
    ("circuit-breaker-rollback", include_str!("../scenarios/circuit-breaker-rollback.json")),
    ("daemon-service", include_str!("../scenarios/daemon-service.json")),
    ("instance-terminated", include_str!("../scenarios/instance-terminated.json")),
    ("missing-execution-role", include_str!("../scenarios/missing-execution-role.json")),
    ("least-privilege-task-role", include_str!("../scenarios/least-privilege-task-role.json")),
    ("wordpress-efs", include_str!("../scenarios/wordpress-efs.json")),
    ("alb-path-routing", include_str!("../scenarios/alb-path-routing.json")),
    ("alb-rolling-deployment", include_str!("../scenarios/alb-rolling-deployment.json")),
    ("az-outage-under-load", include_str!("../scenarios/az-outage-under-load.json")),
    ("target-tracking-spike", include_str!("../scenarios/target-tracking-spike.json")),
    ("managed-scaling-growth", include_str!("../scenarios/managed-scaling-growth.json")),
    ("fargate-spot-interruption", include_str!("../scenarios/fargate-spot-interruption.json")),
    ("ec2-vs-fargate-cost", include_str!("../scenarios/ec2-vs-fargate-cost.json")),
    ("oom-crash-loop", include_str!("../scenarios/oom-crash-loop.json")),
    ("missing-log-group", include_str!("../scenarios/missing-log-group.json")),
    ("private-subnet-no-route", include_str!("../scenarios/private-subnet-no-route.json")),
    ("private-subnet-nat", include_str!("../scenarios/private-subnet-nat.json")),
    ("private-subnet-endpoints", include_str!("../scenarios/private-subnet-endpoints.json")),
    ("ecr-pull-without-permission", include_str!("../scenarios/ecr-pull-without-permission.json")),
    ("vpc-built-by-calls", include_str!("../scenarios/vpc-built-by-calls.json")),
    ("container-health-check-failing", include_str!("../scenarios/container-health-check-failing.json")),
    ("subnet-out-of-addresses", include_str!("../scenarios/subnet-out-of-addresses.json")),
    ("service-asg-at-max", include_str!("../scenarios/service-asg-at-max.json")),
    ("cpu-alarm-email", include_str!("../scenarios/cpu-alarm-email.json")),
    ("deployment-alarm-rollback", include_str!("../scenarios/deployment-alarm-rollback.json")),
    ("privatelink-consumer", include_str!("../scenarios/privatelink-consumer.json")),
    ("task-role-missing-putitem", include_str!("../scenarios/task-role-missing-putitem.json")),
    ("rds-multi-az-failover", include_str!("../scenarios/rds-multi-az-failover.json")),
    ("s3-upload-thumbnail", include_str!("../scenarios/s3-upload-thumbnail.json")),
    ("step-functions-map-retry", include_str!("../scenarios/step-functions-map-retry.json")),
];

/// Looks a built-in scenario up by id.
#[cfg(feature = "builtin-scenarios")]
pub fn builtin_scenario(id: &str) -> Option<Scenario> {
    BUILTIN_SCENARIOS.iter().find(|(name, _)| *name == id).and_then(|(_, text)| parse_scenario_str(text).ok())
}
