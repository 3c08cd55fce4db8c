//! The Services and Run task tabs' model: the task definitions, subnets, services and capacity providers
//! they offer, the capacity provider strategy rows they share, and the inputs of CreateService,
//! UpdateService and RunTask.

use ecs_sim::view::{ClusterStatus, NetworkMode, ServiceStatus, TaskDefinitionStatus, View};
use serde_json::{json, Value};

use std::rc::Rc;

use super::{cluster_options, pairs, whole, Options};

/// The launch choice of the service and RunTask forms: a launch type, or this value for a capacity
/// provider strategy.
pub const STRATEGY: &str = "capacityProviderStrategy";

/// One capacity provider strategy item as typed: capacityProvider (empty: the first offered; `-`: none),
/// base and weight.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyRow {
    pub provider: String,
    pub base: String,
    pub weight: String,
}

/// What the Services and Run task tabs offer.
#[derive(Debug, PartialEq)]
pub struct ServiceOptions {
    /// The active task definitions, newest first: (`family:revision`, label).
    pub task_definitions: Options,
    /// The subnets: (id, Availability Zone).
    pub subnets: Vec<(String, String)>,
    /// The active services.
    pub services: Options,
    /// The providers a strategy may name.
    pub providers: Vec<String>,
    /// The active clusters (see [`cluster_options`]).
    pub clusters: Options,
    /// The target groups a service can register its tasks with: (ARN, label).
    pub target_groups: Options,
    /// Each active task definition's `family:revision`, network mode and DescribeTaskDefinition JSON (for
    /// its containers' ports, read by [`container_ports`] when one is picked).
    pub task_definition_details: Vec<(String, NetworkMode, Rc<str>)>,
}

pub fn options(view: &View) -> ServiceOptions {
    ServiceOptions {
        task_definitions: active_task_definitions(view),
        subnets: view.subnets.iter().map(|s| (s.subnet_id.clone(), s.availability_zone.clone())).collect(),
        services: view.services.iter().filter(|s| s.status == ServiceStatus::Active).map(|s| (s.name.clone(), s.name.clone())).collect(),
        providers: strategy_providers(view),
        clusters: cluster_options(view),
        target_groups: view.target_groups.iter().map(|g| (g.arn.clone(), format!("{} ({}:{}, target type {})", g.name, g.protocol, g.port, g.target_type))).collect(),
        task_definition_details: view
            .task_definitions
            .iter()
            .filter(|t| t.status == TaskDefinitionStatus::Active)
            .map(|t| (format!("{}:{}", t.family, t.revision), t.network_mode, Rc::clone(&t.json)))
            .collect(),
    }
}

/// The container ports of a task definition (its DescribeTaskDefinition JSON) a load balancer can send to:
/// (`name:port`, `container name, port P (host port H)`), in the order the containers are defined.
pub fn container_ports(json: &str) -> Options {
    let Ok(doc) = serde_json::from_str::<Value>(json) else { return Vec::new() };
    let td = doc.get("taskDefinition").unwrap_or(&doc);
    let mut ports = Vec::new();
    for container in td["containerDefinitions"].as_array().into_iter().flatten() {
        let name = container["name"].as_str().unwrap_or_default();
        for mapping in container["portMappings"].as_array().into_iter().flatten() {
            let Some(port) = mapping["containerPort"].as_u64() else { continue };
            let host = match mapping["hostPort"].as_u64() {
                Some(0) => ", dynamic host port".to_string(),
                Some(h) => format!(", host port {h}"),
                None => String::new(),
            };
            ports.push((format!("{name}:{port}"), format!("{name}, port {port}{host}")));
        }
    }
    ports
}

/// Whether the task definition `family:revision` uses the awsvpc network mode (so a service of it takes
/// subnets).
pub fn is_awsvpc(options: &ServiceOptions, task_definition: &str) -> bool {
    options.task_definition_details.iter().any(|(name, mode, _)| name == task_definition && *mode == NetworkMode::Awsvpc)
}

fn active_task_definitions(view: &View) -> Options {
    view.task_definitions.iter().filter(|t| t.status == TaskDefinitionStatus::Active).map(|t| {
        let name = format!("{}:{}", t.family, t.revision);
        let compatibilities: Vec<&str> = t.compatibilities.iter().map(|c| c.as_aws()).collect();
        (name.clone(), format!("{name} ({}, {})", compatibilities.join("/"), t.network_mode.as_aws()))
    }).rev().collect()
}

/// The providers a strategy may name: the cluster's (PutClusterCapacityProviders), or when it has none
/// the Fargate ones and every Auto Scaling group provider (CreateService then says what to associate).
fn strategy_providers(view: &View) -> Vec<String> {
    let cluster = view.clusters.iter().find(|c| c.status == ClusterStatus::Active);
    match cluster.map(|c| c.capacity_providers.clone()).filter(|p| !p.is_empty()) {
        Some(providers) => providers,
        None => ["FARGATE", "FARGATE_SPOT"].iter().map(|p| p.to_string()).chain(view.scaling.capacity_providers.iter().map(|c| c.name.clone())).collect(),
    }
}

/// The networkConfiguration of a call running `task_definition` in `subnets` (awsvpc task definitions only).
fn network_configuration(view: &View, task_definition: &str, subnets: &[String]) -> Option<Value> {
    let td = view.task_definitions.iter().find(|t| format!("{}:{}", t.family, t.revision) == task_definition)?;
    (td.network_mode == NetworkMode::Awsvpc).then(|| json!({ "awsvpcConfiguration": { "subnets": subnets, "assignPublicIp": "DISABLED" } }))
}

/// Placement strategy presets: (id, label, strategy JSON, constraints JSON).
pub fn strategy_presets() -> Vec<(&'static str, &'static str, Value, Value)> {
    vec![
        ("spread-az", "AZ balanced spread", json!([{ "type": "spread", "field": "attribute:ecs.availability-zone" }, { "type": "spread", "field": "instanceId" }]), json!([])),
        ("az-binpack", "AZ balanced binpack", json!([{ "type": "spread", "field": "attribute:ecs.availability-zone" }, { "type": "binpack", "field": "memory" }]), json!([])),
        ("binpack-memory", "Binpack memory", json!([{ "type": "binpack", "field": "memory" }]), json!([])),
        ("random", "Random", json!([{ "type": "random" }]), json!([])),
        ("distinct", "One task per host", json!([]), json!([{ "type": "distinctInstance" }])),
    ]
}

/// The options of the forms' launch select: the launch types, or a capacity provider strategy.
pub fn launch_choices() -> Options {
    let mut choices = pairs(&["FARGATE", "EC2"]);
    choices.push((STRATEGY.to_string(), "Capacity provider strategy".to_string()));
    choices
}

/// The strategy as request JSON (rows whose provider is "-" are left out), or a message naming the field.
pub fn strategy_json(rows: &[StrategyRow], providers: &[String]) -> Result<Value, String> {
    let mut items = Vec::new();
    for row in rows {
        let provider = if row.provider.is_empty() { providers.first().cloned().unwrap_or_default() } else { row.provider.clone() };
        if provider == "-" {
            continue;
        }
        let field = |name: &str| format!("capacityProviderStrategy[{}].{name}", items.len());
        let (base, weight) = (whole(&row.base, &field("base"))?, whole(&row.weight, &field("weight"))?);
        items.push(json!({ "capacityProvider": provider, "base": base, "weight": weight }));
    }
    Ok(Value::Array(items))
}

/// Whether a strategy names only FARGATE and FARGATE_SPOT (no placement strategies then).
fn fargate_only(strategy: &Value) -> bool {
    strategy.as_array().is_some_and(|items| items.iter().all(|i| matches!(i["capacityProvider"].as_str(), Some("FARGATE" | "FARGATE_SPOT"))))
}

/// Whether a launch choice places tasks on EC2 instances (so a placement strategy applies).
pub fn places_on_ec2(launch_type: &str, rows: &[StrategyRow], providers: &[String]) -> bool {
    launch_type == "EC2" || (launch_type == STRATEGY && strategy_json(rows, providers).is_ok_and(|s| !fargate_only(&s)))
}

/// Sets `launchType`, or `capacityProviderStrategy` from the strategy rows, on a request.
fn launch_choice(input: &mut Value, launch_type: &str, rows: &[StrategyRow], providers: &[String]) -> Result<(), String> {
    if launch_type == STRATEGY {
        input[STRATEGY] = strategy_json(rows, providers)?;
    } else {
        input["launchType"] = json!(launch_type);
    }
    Ok(())
}

/// The Create service form's fields as typed.
pub struct CreateService<'a> {
    /// The cluster picked; empty when there is none.
    pub cluster: &'a str,
    pub name: &'a str,
    pub task_definition: &'a str,
    pub desired: &'a str,
    pub launch_type: &'a str,
    pub rows: &'a [StrategyRow],
    pub providers: &'a [String],
    /// The placement preset's id (see [`strategy_presets`]).
    pub preset: &'a str,
    pub min_percent: &'a str,
    pub max_percent: &'a str,
    pub circuit_breaker: bool,
    pub subnets: &'a [String],
    /// The target group ARN to register the tasks with; empty: no load balancer.
    pub target_group: &'a str,
    /// The container and port the target group sends to, `name:port` (see [`container_ports`]).
    pub container_port: &'a str,
}

/// The message of a form that needs a cluster when the account has none.
const NO_CLUSTER: &str = "Create a cluster first (Cluster tab).";

/// The `loadBalancers` item of a target group and `name:port`, or what is wrong.
fn load_balancer_json(target_group: &str, container_port: &str) -> Result<Value, String> {
    let (name, port) = container_port.rsplit_once(':').ok_or("Pick the container and port the target group sends to (the task definition needs a port mapping).")?;
    let port: u64 = port.parse().map_err(|_| format!("containerPort must be a whole number (got '{port}')."))?;
    Ok(json!({ "targetGroupArn": target_group, "containerName": name, "containerPort": port }))
}

impl CreateService<'_> {
    /// The CreateService input in `view`'s cluster, or what is wrong with the fields.
    pub fn input(&self, view: &View) -> Result<Value, String> {
        if self.cluster.is_empty() {
            return Err(NO_CLUSTER.into());
        }
        let cluster = self.cluster;
        let parse = |s: &str, what: &str| s.trim().parse::<u32>().map_err(|_| format!("{what} must be a whole number."));
        let (desired, min, max) = parse(self.desired, "Desired count").and_then(|d| Ok((d, parse(self.min_percent, "Minimum healthy percent")?, parse(self.max_percent, "Maximum percent")?)))?;
        let mut input = json!({
            "cluster": cluster, "serviceName": self.name, "taskDefinition": self.task_definition, "desiredCount": desired,
            "deploymentConfiguration": { "minimumHealthyPercent": min, "maximumPercent": max,
                "deploymentCircuitBreaker": { "enable": self.circuit_breaker, "rollback": self.circuit_breaker } },
        });
        launch_choice(&mut input, self.launch_type, self.rows, self.providers)?;
        if self.launch_type == "EC2" || (self.launch_type == STRATEGY && !fargate_only(&input[STRATEGY])) {
            if let Some((_, _, strategy, constraints)) = strategy_presets().into_iter().find(|p| p.0 == self.preset) {
                input["placementStrategy"] = strategy;
                input["placementConstraints"] = constraints;
            }
        }
        if let Some(network) = network_configuration(view, self.task_definition, self.subnets) {
            input["networkConfiguration"] = network;
        }
        if !self.target_group.is_empty() {
            input["loadBalancers"] = json!([load_balancer_json(self.target_group, self.container_port)?]);
        }
        Ok(input)
    }
}

/// The Update service form's fields as typed.
pub struct UpdateService<'a> {
    pub service: &'a str,
    /// Empty: unchanged.
    pub desired: &'a str,
    /// Empty: unchanged.
    pub task_definition: &'a str,
    /// The strategy to send, when the form's "change" box is ticked.
    pub strategy: Option<(&'a [StrategyRow], &'a [String])>,
}

impl UpdateService<'_> {
    /// The UpdateService input in the service's cluster (`None` when no active service has that name), or
    /// what is wrong with the fields.
    pub fn input(&self, view: &View) -> Option<Result<Value, String>> {
        let cluster = view.services.iter().find(|s| s.name == self.service && s.status == ServiceStatus::Active)?.cluster.clone();
        let mut input = json!({ "cluster": cluster, "service": self.service });
        Some((|| {
            if !self.desired.trim().is_empty() {
                match self.desired.trim().parse::<u32>() {
                    Ok(n) => input["desiredCount"] = json!(n),
                    Err(_) => return Err("Desired count must be a whole number.".to_string()),
                }
            }
            if !self.task_definition.is_empty() {
                input["taskDefinition"] = json!(self.task_definition);
            }
            if let Some((rows, providers)) = self.strategy {
                input[STRATEGY] = strategy_json(rows, providers)?;
            }
            Ok(input)
        })())
    }
}

/// The Run task form's fields as typed.
pub struct RunTask<'a> {
    /// The cluster picked; empty when there is none.
    pub cluster: &'a str,
    pub task_definition: &'a str,
    pub count: &'a str,
    pub launch_type: &'a str,
    pub rows: &'a [StrategyRow],
    pub providers: &'a [String],
}

impl RunTask<'_> {
    /// The RunTask input in `view`'s cluster and subnets, or what is wrong with the fields.
    pub fn input(&self, view: &View) -> Result<Value, String> {
        if self.cluster.is_empty() {
            return Err(NO_CLUSTER.into());
        }
        let cluster = self.cluster;
        let Ok(n) = self.count.trim().parse::<u32>() else {
            return Err("Count must be a whole number.".into());
        };
        let subnets = super::subnet_ids(view);
        let mut input = json!({ "cluster": cluster, "taskDefinition": self.task_definition, "count": n });
        launch_choice(&mut input, self.launch_type, self.rows, self.providers)?;
        if let Some(network) = network_configuration(view, self.task_definition, &subnets) {
            input["networkConfiguration"] = network;
        }
        Ok(input)
    }
}

/// What RunTask's answer says: the tasks started, or the failures beside them.
pub fn run_task_outcome(out: &Value) -> Result<String, String> {
    let started = out["tasks"].as_array().map_or(0, |t| t.len());
    let failures: Vec<String> = out["failures"].as_array().map(|f| f.iter().map(|x| format!("{} ({})", x["reason"].as_str().unwrap_or("?"), x["arn"].as_str().unwrap_or(""))).collect()).unwrap_or_default();
    if failures.is_empty() { Ok(format!("Started {started} task(s).")) } else { Err(format!("Started {started}; failures: {}", failures.join(", "))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(provider: &str, base: &str, weight: &str) -> StrategyRow {
        StrategyRow { provider: provider.into(), base: base.into(), weight: weight.into() }
    }

    #[test]
    fn a_strategy_leaves_out_the_none_row_and_names_the_field_it_cannot_read() {
        let providers = vec!["FARGATE".to_string(), "FARGATE_SPOT".to_string()];
        let strategy = strategy_json(&[row("", "1", "1"), row("-", "0", "1")], &providers).unwrap();
        assert_eq!(strategy, json!([{ "capacityProvider": "FARGATE", "base": 1, "weight": 1 }]));
        assert_eq!(strategy_json(&[row("FARGATE", "0", "1"), row("FARGATE_SPOT", "0", "x")], &providers), Err("capacityProviderStrategy[1].weight must be a whole number (got 'x').".into()));
        assert!(!places_on_ec2(STRATEGY, &[row("FARGATE_SPOT", "0", "1")], &providers));
        assert!(places_on_ec2(STRATEGY, &[row("asg-cp", "0", "1")], &providers));
        assert!(places_on_ec2("EC2", &[], &providers));
    }

    #[test]
    fn container_ports_list_each_mapping_and_a_load_balancer_names_its_container_and_port() {
        let json = r#"{"taskDefinition": {"containerDefinitions": [{"name": "web", "portMappings": [{"containerPort": 80, "hostPort": 0}]}, {"name": "side"}]}}"#;
        assert_eq!(container_ports(json), vec![("web:80".to_string(), "web, port 80, dynamic host port".to_string())]);
        assert_eq!(load_balancer_json("arn:tg", "web:80"), Ok(json!({ "targetGroupArn": "arn:tg", "containerName": "web", "containerPort": 80 })));
        assert!(load_balancer_json("arn:tg", "").is_err());
    }
}
