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
        "s3:CreateBucket" => json!({ "Bucket": "example-uploads" }),
        "s3:PutObject" => json!({ "Bucket": "example-uploads", "Key": "in/photo-1.txt", "Body": "hello", "ContentType": "text/plain" }),
        "s3:GetObject" | "s3:HeadObject" => json!({ "Bucket": "example-uploads", "Key": "in/photo-1.txt" }),
        "s3:ListObjectsV2" => json!({ "Bucket": "example-uploads", "Prefix": "in/" }),
        "dynamodb:CreateTable" => json!({ "TableName": "Orders", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{ "AttributeName": "pk", "AttributeType": "S" }, { "AttributeName": "sk", "AttributeType": "N" }], "KeySchema": [{ "AttributeName": "pk", "KeyType": "HASH" }, { "AttributeName": "sk", "KeyType": "RANGE" }] }),
        "dynamodb:PutItem" => json!({ "TableName": "Orders", "Item": { "pk": { "S": "customer-1" }, "sk": { "N": "1" }, "total": { "N": "25.5" } } }),
        "dynamodb:Query" => json!({ "TableName": "Orders", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": { ":p": { "S": "customer-1" } } }),
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
