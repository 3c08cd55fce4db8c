//! The Load balancing tab's model: the load balancers, target groups, listeners (with their rules),
//! targets and zones it offers, and the inputs of its calls (listener rules, load balancers, target groups,
//! listeners, target group attributes, `sim:SetLoad`, `sim:SetTargetBehavior`, the AZ outage).

use ecs_sim::view::{ListenerRuleView, View};
use serde_json::{json, Value};

use super::{call_targets, pairs, parse_u64, subnet_ids, target_input, values, Options};

/// A listener the rule editor can edit: its ARN, label and rules.
#[derive(Debug, PartialEq)]
pub struct ListenerOption {
    pub arn: String,
    pub label: String,
    pub rules: Vec<ListenerRuleView>,
}

/// What the Load balancing tab offers.
#[derive(Debug, PartialEq)]
pub struct LoadBalancingOptions {
    pub load_balancers: Options,
    pub target_groups: Options,
    pub listeners: Vec<ListenerOption>,
    /// Running services and tasks (see [`call_targets`]).
    pub targets: Options,
    pub zones: Options,
}

pub fn options(view: &View) -> LoadBalancingOptions {
    LoadBalancingOptions {
        load_balancers: view.load_balancers.iter().map(|l| (l.arn.clone(), format!("{} ({})", l.name, l.lb_type.as_aws()))).collect(),
        target_groups: view.target_groups.iter().map(|g| (g.arn.clone(), format!("{} ({}:{}, {})", g.name, g.protocol, g.port, g.target_type))).collect(),
        listeners: view
            .load_balancers
            .iter()
            .flat_map(|l| l.listeners.iter().map(move |x| ListenerOption { arn: x.arn.clone(), label: format!("{} {}:{}", l.name, x.protocol, x.port), rules: x.rules.clone() }))
            .collect(),
        targets: call_targets(view),
        zones: pairs(&view.availability_zones.iter().map(String::as_str).collect::<Vec<_>>()),
    }
}

/// The fields a rule condition can match.
pub const CONDITION_FIELDS: [&str; 5] = ["path-pattern", "host-header", "http-header", "query-string", "source-ip"];

/// A rule condition as AWS takes it, from the editor's field and text.
fn condition_json(field: &str, text: &str) -> Result<Value, String> {
    let vals = values(text);
    if vals.is_empty() && field != "http-header" {
        return Err(format!("Give at least one value for the {field} condition."));
    }
    Ok(match field {
        "http-header" => {
            let (name, rest) = text.split_once(':').ok_or("An http-header condition is written Name: value1, value2")?;
            json!({ "Field": "http-header", "HttpHeaderConfig": { "HttpHeaderName": name.trim(), "Values": values(rest) } })
        }
        "query-string" => {
            let pairs: Vec<Value> = vals
                .iter()
                .map(|v| match v.split_once('=') {
                    Some((k, val)) => json!({ "Key": k.trim(), "Value": val.trim() }),
                    None => json!({ "Value": v }),
                })
                .collect();
            json!({ "Field": "query-string", "QueryStringConfig": { "Values": pairs } })
        }
        "source-ip" => json!({ "Field": "source-ip", "SourceIpConfig": { "Values": vals } }),
        other => json!({ "Field": other, "Values": vals }),
    })
}

/// The rule editor's fields as typed.
pub struct CreateRule<'a> {
    pub listener: &'a str,
    pub priority: &'a str,
    /// (field, values) per condition; all must match.
    pub conditions: &'a [(String, String)],
    /// `forward` or `fixed-response`.
    pub action: &'a str,
    pub forward_to: &'a str,
    pub status_code: &'a str,
    pub content_type: &'a str,
    pub body: &'a str,
}

impl CreateRule<'_> {
    pub fn input(&self) -> Result<Value, String> {
        if self.listener.is_empty() {
            return Err("Create a listener first.".into());
        }
        let p = parse_u64(self.priority, "Priority")?;
        let conds = self.conditions.iter().map(|(f, v)| condition_json(f, v)).collect::<Result<Vec<_>, _>>()?;
        let act = match self.action {
            "forward" => json!({ "Type": "forward", "TargetGroupArn": self.forward_to }),
            _ => json!({ "Type": "fixed-response", "FixedResponseConfig": { "StatusCode": self.status_code.trim(), "ContentType": self.content_type.trim(), "MessageBody": self.body } }),
        };
        Ok(json!({ "ListenerArn": self.listener, "Priority": p, "Conditions": conds, "Actions": [act] }))
    }
}

/// What CreateRule's answer says.
pub fn rule_created_text(answer: &Value) -> String {
    format!("Rule created at priority {}.", answer.pointer("/Rules/0/Priority").map(|p| p.to_string().trim_matches('"').to_string()).unwrap_or_default())
}

pub fn delete_rule_input(rule_arn: &str) -> Value {
    json!({ "RuleArn": rule_arn })
}

/// CreateLoadBalancer in every subnet of `view`, with the first security group of its VPC.
pub fn create_load_balancer_input(view: &View, name: &str, lb_type: &str) -> Value {
    let groups: Vec<&str> = view.security_groups.iter().take(1).map(|g| g.group_id.as_str()).collect();
    json!({ "Name": name.trim(), "Type": lb_type, "Subnets": subnet_ids(view), "SecurityGroups": groups })
}

pub fn create_target_group_input(name: &str, port: &str, target_type: &str, health_check_path: &str, vpc_id: &str) -> Result<Value, String> {
    let port = parse_u64(port, "Port")?;
    Ok(json!({ "Name": name.trim(), "Protocol": "HTTP", "Port": port, "VpcId": vpc_id, "TargetType": target_type,
        "HealthCheckPath": health_check_path.trim(), "HealthCheckIntervalSeconds": 10, "HealthyThresholdCount": 2 }))
}

/// CreateListener (HTTP) forwarding to `target_group`, and its port.
pub fn create_listener_input(load_balancer: &str, port: &str, target_group: &str) -> Result<(u64, Value), String> {
    let port = parse_u64(port, "Port")?;
    Ok((port, json!({ "LoadBalancerArn": load_balancer, "Protocol": "HTTP", "Port": port, "DefaultActions": [{ "Type": "forward", "TargetGroupArn": target_group }] })))
}

/// ModifyTargetGroupAttributes with the attributes filled in.
pub fn modify_attributes_input(target_group: &str, deregistration_delay: &str, slow_start: &str, algorithm: &str) -> Result<Value, String> {
    let mut attrs = Vec::new();
    for (key, value) in [("deregistration_delay.timeout_seconds", deregistration_delay), ("slow_start.duration_seconds", slow_start), ("load_balancing.algorithm.type", algorithm)] {
        if !value.trim().is_empty() {
            attrs.push(json!({ "Key": key, "Value": value.trim() }));
        }
    }
    if attrs.is_empty() {
        return Err("Fill in at least one attribute.".into());
    }
    Ok(json!({ "TargetGroupArn": target_group, "Attributes": attrs }))
}

/// The traffic form's fields as typed.
pub struct SetLoad<'a> {
    pub load_balancer: &'a str,
    /// constant, ramp, dailyCycle, spike or stop.
    pub pattern: &'a str,
    pub rate_a: &'a str,
    pub rate_b: &'a str,
    pub duration: &'a str,
    /// `path=weight, ...`; empty keeps the mix.
    pub mix: &'a str,
    /// The load balancer's mix now (the `mix` of the last `sim:SetLoad` that set its traffic), kept when `mix`
    /// is empty.
    pub current_mix: Option<Value>,
    /// Sim time now: a spike starts now (`sim:SetLoad` takes an absolute sim time).
    pub now_ms: u64,
}

impl SetLoad<'_> {
    pub fn input(&self) -> Result<Value, String> {
        let a = parse_u64(self.rate_a, "The first rate")?;
        let mut input = json!({ "loadBalancer": self.load_balancer, "pattern": self.pattern });
        match self.pattern {
            "constant" => input["requestsPerSecond"] = json!(a),
            "ramp" => {
                input["from"] = json!(a);
                input["to"] = json!(parse_u64(self.rate_b, "The second rate")?);
                input["over"] = json!(self.duration.trim());
            }
            "dailyCycle" => {
                input["min"] = json!(a);
                input["max"] = json!(parse_u64(self.rate_b, "The second rate")?);
            }
            "spike" => {
                input["base"] = json!(a);
                input["peak"] = json!(parse_u64(self.rate_b, "The second rate")?);
                input["at"] = json!(self.now_ms / 1000);
                input["duration"] = json!(self.duration.trim());
            }
            _ => {}
        }
        let items: Vec<Value> = values(self.mix)
            .iter()
            .map(|item| {
                let (path, weight) = item.split_once('=').unwrap_or((item, "1"));
                weight.trim().parse::<u64>().map(|w| json!({ "path": path.trim(), "weight": w })).map_err(|_| format!("The weight of {path} must be a whole number."))
            })
            .collect::<Result<_, _>>()?;
        match (items.is_empty(), &self.current_mix) {
            (false, _) => input["mix"] = Value::Array(items),
            (true, Some(current)) => input["mix"] = current.clone(),
            (true, None) => {}
        }
        Ok(input)
    }
}

/// The target behaviour form's fields as typed.
pub struct SetTargetBehavior<'a> {
    /// `service:NAME` or `task:ID` (see [`call_targets`]).
    pub target: &'a str,
    pub healthy: bool,
    pub response_code: &'a str,
    pub extra_latency_ms: &'a str,
    pub timeout: bool,
}

impl SetTargetBehavior<'_> {
    pub fn input(&self, view: &View) -> Result<Value, String> {
        let mut input = target_input(view, self.target).ok_or("Pick a running service or task.")?;
        input["healthy"] = json!(self.healthy);
        input["responseCode"] = json!(parse_u64(self.response_code, "Response code")?);
        input["extraLatencyMs"] = json!(parse_u64(self.extra_latency_ms, "Extra latency")?);
        input["timeout"] = json!(self.timeout);
        Ok(input)
    }
}

/// The AWS FIS action that cuts Availability Zone `az` off for 10 minutes.
pub fn outage_input(az: &str) -> Value {
    json!({ "targets": { "Subnets": { "resourceType": "aws:ec2:subnet", "filters": [{ "path": "AvailabilityZone", "values": [az] }], "selectionMode": "ALL" } },
        "parameters": { "duration": "PT10M" } })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(mix: &'a str, current_mix: Option<Value>) -> SetLoad<'a> {
        SetLoad { load_balancer: "shop-alb", pattern: "constant", rate_a: "300", rate_b: "", duration: "", mix, current_mix, now_ms: 0 }
    }

    #[test]
    fn an_empty_paths_field_keeps_the_current_mix_and_a_typed_one_replaces_it() {
        let current = json!([{ "host": "shop.example.com", "path": "/products/42", "weight": 20 }]);
        assert_eq!(form("", Some(current.clone())).input().unwrap()["mix"], current);
        assert_eq!(form("/a=3", Some(current)).input().unwrap()["mix"], json!([{ "path": "/a", "weight": 3 }]));
        assert!(form("", None).input().unwrap().get("mix").is_none());
    }
}
