//! The forms' models, apart from their markup: what each form offers (read from the `View` by a selector,
//! so a form re-renders only when its options change), the call inputs it builds from its fields, and the
//! parsing of what a learner typed. Components render these and dispatch the calls; nothing here touches the
//! DOM or the driver.

pub mod alarms;
pub mod cluster;
pub mod console;
pub mod events;
pub mod iam;
pub mod lesson;
pub mod loadbalancing;
pub mod members;
pub mod logs;
pub mod scaling;
pub mod selection;
pub mod service;
pub mod storage;
pub mod taskdef;

use ecs_sim::view::{ClusterStatus, ServiceStatus, TaskStatus, View};
use serde_json::{json, Value};

/// A select's options: (value, text).
pub type Options = Vec<(String, String)>;

/// The cluster the forms act on: the first active one.
pub fn current_cluster(view: &View) -> Option<String> {
    view.clusters.iter().find(|c| c.status == ClusterStatus::Active).map(|c| c.name.clone())
}

/// The active clusters as options (any call may have made them: the Cluster tab, the API console, a
/// scenario), the first one first: (name, `name (N instances, M services)`).
pub fn cluster_options(view: &View) -> Options {
    view.clusters
        .iter()
        .filter(|c| c.status == ClusterStatus::Active)
        .map(|c| {
            let instances = view.instances.iter().filter(|i| i.cluster.as_deref() == Some(c.name.as_str())).count();
            let services = view.services.iter().filter(|s| s.cluster == c.name && s.status == ServiceStatus::Active).count();
            (c.name.clone(), format!("{} ({instances} instance(s), {services} service(s))", c.name))
        })
        .collect()
}

/// The subnets as options: `subnet-... (us-east-1a)`.
pub fn subnet_options(view: &View) -> Options {
    view.subnets.iter().map(|s| (s.subnet_id.clone(), format!("{} ({})", s.subnet_id, s.availability_zone))).collect()
}

/// Every subnet id of the network.
pub fn subnet_ids(view: &View) -> Vec<String> {
    view.subnets.iter().map(|s| s.subnet_id.clone()).collect()
}

/// Running tasks and services a simulated call can come from: (`service:NAME` | `task:ID`, label).
pub fn call_targets(view: &View) -> Options {
    let services = view.services.iter().filter(|s| s.status == ServiceStatus::Active).map(|s| (format!("service:{}", s.name), format!("a task of service {}", s.name)));
    let tasks = view.tasks.iter().filter(|t| t.last_status == TaskStatus::Running).map(|t| (format!("task:{}", t.id), format!("task {} ({})", crate::text::short_id(&t.id), t.family)));
    services.chain(tasks).collect()
}

/// The `cluster` and `task`/`service` members of a call from `target` (see [`call_targets`]).
pub fn target_input(view: &View, target: &str) -> Option<Value> {
    let (kind, name) = target.split_once(':')?;
    let cluster = match kind {
        "service" => view.services.iter().find(|s| s.name == name).map(|s| s.cluster.clone()),
        _ => view.tasks.iter().find(|t| t.id == name).map(|t| t.cluster.clone()),
    }?;
    Some(json!({ "cluster": cluster, kind: name }))
}

/// A whole number from a form field, or a message naming the AWS field.
pub fn whole(text: &str, aws_field: &str) -> Result<u64, String> {
    text.trim().parse::<u64>().map_err(|_| format!("{aws_field} must be a whole number (got '{}').", text.trim()))
}

/// A number from a form field, or a message naming the AWS field.
/// The text is read as a JSON number, the form every number of a call takes, by the parser that already reads
/// the calls (so the wasm carries no second decimal-to-float parser): `70`, `-0.5`, `2.5e-1`.
pub fn number(text: &str, aws_field: &str) -> Result<f64, String> {
    let text = text.trim();
    serde_json::from_str::<f64>(text).ok().filter(|v| v.is_finite()).ok_or_else(|| format!("{aws_field} must be a number (got '{text}')."))
}

/// A whole number from a form field, or a message naming the field as the form does.
pub fn parse_u64(text: &str, what: &str) -> Result<u64, String> {
    text.trim().parse::<u64>().map_err(|_| format!("{what} must be a whole number."))
}

/// Comma-separated values, trimmed, empty ones dropped.
pub fn values(text: &str) -> Vec<String> {
    text.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
}

/// The first value of `options` when `state` is empty or no longer offered.
pub fn current(state: &str, options: &[(String, String)]) -> String {
    if options.iter().any(|(v, _)| v == state) { state.to_string() } else { options.first().map(|o| o.0.clone()).unwrap_or_default() }
}

/// Options whose value is their text.
pub fn pairs(values: &[&str]) -> Options {
    values.iter().map(|v| (v.to_string(), v.to_string())).collect()
}

/// The last part of an ARN (`.../reports-task-role` → `reports-task-role`).
pub fn arn_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_are_json_numbers_and_errors_name_the_aws_field() {
        assert_eq!(number("70", "TargetValue"), Ok(70.0));
        assert_eq!(number(" 2.5e-1 ", "TargetValue"), Ok(0.25));
        assert_eq!(number("-0.5", "MetricIntervalLowerBound"), Ok(-0.5));
        for text in ["", "abc", "1,5", "0x10", "NaN", "1e400", "7 0"] {
            assert_eq!(number(text, "Threshold"), Err(format!("Threshold must be a number (got '{}').", text.trim())), "{text:?}");
        }
    }
}
