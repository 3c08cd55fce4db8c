//! The API console's model: an example input for a call, naming the run's cluster, service and task, and
//! the reading of the JSON input a learner wrote.

use ecs_sim::view::{TaskStatus, View};
use serde_json::{json, Value};

/// An example input for `call`, naming the run's first cluster, service and task where it needs them.
pub fn example_input(call: &str, view: &View) -> Value {
    let cluster = view.clusters.first().map_or("demo", |c| c.name.as_str());
    let service = view.services.iter().find(|s| s.cluster == cluster).map_or("web", |s| s.name.as_str());
    let task = view.tasks.iter().find(|t| t.last_status == TaskStatus::Running).map_or("TASK_ID", |t| t.arn.as_str());
    match call {
        "ecs:DescribeClusters" => json!({ "clusters": [cluster] }),
        "ecs:DescribeServices" => json!({ "cluster": cluster, "services": [service] }),
        "ecs:UpdateService" => json!({ "cluster": cluster, "service": service, "desiredCount": 3 }),
        "ecs:DescribeTasks" => json!({ "cluster": cluster, "tasks": [task] }),
        "ecs:StopTask" => json!({ "cluster": cluster, "task": task, "reason": "Stopped from the API console" }),
        "ecs:ListTasks" | "ecs:ListServices" | "ecs:ListContainerInstances" => json!({ "cluster": cluster }),
        "sim:InterruptSpotTasks" => json!({ "cluster": cluster, "count": 1 }),
        "sim:SetFargateSpotCapacity" => json!({ "available": false }),
        _ => json!({}),
    }
}

/// The example input of `call`, pretty.
pub fn example_text(call: &str, view: &View) -> String {
    serde_json::to_string_pretty(&example_input(call, view)).unwrap_or_default()
}

/// The JSON object a learner wrote, or why it is not one (nothing is called then, as AWS's CLI refuses it
/// before sending).
pub fn parse_input(text: &str) -> Result<Value, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err("The input must be a JSON object: { \"name\": value, ... }.".into()),
        Err(e) => Err(format!("The input is not valid JSON: {e}.")),
    }
}
