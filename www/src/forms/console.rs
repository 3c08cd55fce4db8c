//! The API console's model: an example input for a call, naming the run's cluster, service and task, and
//! the reading of the JSON input a learner wrote.

use ecs_sim::view::{TaskStatus, View};

use super::members;
use serde_json::{json, Value};

/// An example input for `call`, naming the run's first cluster, service, task, task definition family, load
/// balancer and subnet where it needs them (one arm a line: `scripts/botocore-check` reads each against AWS's
/// model). A call without an arm takes `{}`: it needs nothing (the List* and Describe* calls of a whole account).
pub fn example_input(call: &str, view: &View) -> Value {
    let cluster = view.clusters.first().map_or("demo", |c| c.name.as_str());
    let service = view.services.iter().find(|s| s.cluster == cluster).map_or("web", |s| s.name.as_str());
    let task = view.tasks.iter().find(|t| t.last_status == TaskStatus::Running).map_or("TASK_ID", |t| t.arn.as_str());
    let family = view.task_definitions.last().map_or("web", |d| d.family.as_str());
    let subnet = view.subnets.first().map_or("subnet-a", |s| s.subnet_id.as_str());
    let load_balancer = view.load_balancers.first().map_or("web-alb", |l| l.name.as_str());
    let resource_id = format!("service/{cluster}/{service}");
    let nlb_arn = view.load_balancers.iter().find(|l| l.lb_type == ecs_sim::view::LbType::Network).map_or("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-nlb/0123456789abcdef", |l| l.arn.as_str());
    let link = view.network.privatelink.first();
    let (service_id, endpoint_id) = link.map_or(("vpce-svc-00000000000000001", "vpce-00000000000000002"), |l| (l.service_id.as_str(), l.vpc_endpoint_id.as_str()));
    match call {
        "ecs:CreateCluster" => json!({ "clusterName": "sandbox" }),
        "ecs:DescribeClusters" => json!({ "clusters": [cluster] }),
        "ecs:RegisterTaskDefinition" => json!({ "family": "hello", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole", "containerDefinitions": [{ "name": "hello", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": true, "portMappings": [{ "containerPort": 80, "protocol": "tcp" }] }] }),
        "ecs:DescribeTaskDefinition" | "ecs:DeregisterTaskDefinition" => json!({ "taskDefinition": family }),
        "ecs:CreateService" => json!({ "cluster": cluster, "serviceName": "hello", "taskDefinition": family, "desiredCount": 2, "launchType": "FARGATE", "networkConfiguration": { "awsvpcConfiguration": { "subnets": [subnet], "assignPublicIp": "DISABLED" } } }),
        "ecs:DescribeServices" => json!({ "cluster": cluster, "services": [service] }),
        "ecs:UpdateService" => json!({ "cluster": cluster, "service": service, "desiredCount": 3 }),
        "ecs:DeleteService" => json!({ "cluster": cluster, "service": service, "force": true }),
        "ecs:RunTask" => json!({ "cluster": cluster, "taskDefinition": family, "count": 1, "launchType": "FARGATE", "networkConfiguration": { "awsvpcConfiguration": { "subnets": [subnet] } } }),
        "ecs:DescribeTasks" => json!({ "cluster": cluster, "tasks": [task] }),
        "ecs:StopTask" => json!({ "cluster": cluster, "task": task, "reason": "Stopped from the API console" }),
        "ecs:ListTasks" | "ecs:ListServices" | "ecs:ListContainerInstances" => json!({ "cluster": cluster }),
        "ecs:UpdateClusterSettings" => json!({ "cluster": cluster, "settings": [{ "name": "containerInsights", "value": "enabled" }] }),
        "cloudwatch:PutMetricAlarm" => json!({ "AlarmName": "hello-cpu-high", "Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Dimensions": [{ "Name": "ClusterName", "Value": cluster }, { "Name": "ServiceName", "Value": service }], "Statistic": "Average", "Period": 60, "EvaluationPeriods": 3, "Threshold": 75, "ComparisonOperator": "GreaterThanThreshold" }),
        "cloudwatch:ListMetrics" => json!({ "Namespace": "AWS/ECS" }),
        "application-autoscaling:RegisterScalableTarget" => json!({ "ServiceNamespace": "ecs", "ResourceId": resource_id, "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 2, "MaxCapacity": 10 }),
        "application-autoscaling:PutScalingPolicy" => json!({ "PolicyName": "cpu50", "ServiceNamespace": "ecs", "ResourceId": resource_id, "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": { "TargetValue": 50, "PredefinedMetricSpecification": { "PredefinedMetricType": "ECSServiceAverageCPUUtilization" } } }),
        "application-autoscaling:DescribeScalableTargets" | "application-autoscaling:DescribeScalingPolicies" | "application-autoscaling:DescribeScalingActivities" => json!({ "ServiceNamespace": "ecs" }),
        "elasticloadbalancing:DescribeLoadBalancers" => json!({ "Names": [load_balancer] }),
        "iam:CreateRole" => json!({ "RoleName": "hello-task-role", "AssumeRolePolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}" }),
        "iam:GetRole" | "iam:ListAttachedRolePolicies" | "iam:ListRolePolicies" => json!({ "RoleName": "ecsTaskExecutionRole" }),
        "ec2:CreateVpcEndpointServiceConfiguration" => json!({ "NetworkLoadBalancerArns": [nlb_arn], "AcceptanceRequired": true }),
        "ec2:AcceptVpcEndpointConnections" => json!({ "ServiceId": service_id, "VpcEndpointIds": [endpoint_id] }),
        "sim:SetLoad" => json!({ "loadBalancer": load_balancer, "pattern": "constant", "requestsPerSecond": 200, "cpuMsPerRequest": 5 }),
        "sim:SetImageBehavior" => json!({ "image": "public.ecr.aws/nginx/nginx:1.27", "behavior": "exit", "exitCode": 1, "runFor": "30s" }),
        "sim:SetTimings" => json!({ "imagePull": "30s", "containerStart": "5s" }),
        "sim:SetTargetBehavior" => json!({ "cluster": cluster, "service": service, "responseCode": 500 }),
        "sim:TaskCall" => json!({ "cluster": cluster, "service": service, "action": "s3:GetObject", "resource": "arn:aws:s3:::example-bucket/report.csv" }),
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

/// The JSON object a learner wrote for `call`, or why it is not one: malformed JSON, a key named twice, or a
/// member AWS's model does not list (nothing is called then, as AWS's CLI refuses it before sending, in the
/// CLI's words: "Parameter validation failed:" and a line per unknown member).
pub fn parse_input(call: &str, text: &str) -> Result<Value, String> {
    let value = match ecs_sim::codec::parse_json(text) {
        Ok(value @ Value::Object(_)) => value,
        Ok(_) => return Err("The input must be a JSON object: { \"name\": value, ... }.".into()),
        Err(e) => return Err(format!("The input is not valid JSON: {e}.")),
    };
    let unknown = unknown_parameters(call, &value);
    if unknown.is_empty() {
        Ok(value)
    } else {
        Err(format!("Parameter validation failed:\n{}", unknown.join("\n")))
    }
}

/// A line for each member of `input` that the model of `call` does not list, as botocore words it (`Unknown
/// parameter in <path>: "<name>", must be one of: <members>`); none for a call without a model (`sim:`, `fis:`).
pub fn unknown_parameters(call: &str, input: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(i) = members::CALL_INPUTS.binary_search_by(|(name, _)| (*name).cmp(call)) {
        check_members(input, members::CALL_INPUTS[i].1, "input", &mut out);
    }
    out
}

fn check_members(value: &Value, shape: u16, path: &str, out: &mut Vec<String>) {
    let Some(members) = members::SHAPES.get(usize::from(shape)) else { return };
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_members(item, shape, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (key, member) in map {
                match members.iter().find(|(name, _)| name == key) {
                    Some((_, inner)) => {
                        let inner_path = if path == "input" { key.clone() } else { format!("{path}.{key}") };
                        check_members(member, *inner, &inner_path, out);
                    }
                    None => {
                        let names: Vec<&str> = members.iter().map(|(name, _)| *name).collect();
                        out.push(format!("Unknown parameter in {path}: \"{key}\", must be one of: {}", names.join(", ")));
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_no_model_lists_is_named_with_its_path_as_the_cli_does() {
        let error = parse_input("ecs:DescribeServices", r#"{ "cluster": "demo", "service": ["web"] }"#).unwrap_err();
        assert_eq!(error, "Parameter validation failed:\nUnknown parameter in input: \"service\", must be one of: cluster, services, include");
        let error = parse_input(
            "ecs:CreateService",
            r#"{ "serviceName": "a", "networkConfiguration": { "awsvpcConfiguration": { "subnet": ["s"] } }, "loadBalancers": [{ "containerName": "c" }, { "port": 1 }] }"#,
        )
        .unwrap_err();
        assert!(error.contains("Unknown parameter in networkConfiguration.awsvpcConfiguration: \"subnet\", must be one of: subnets, securityGroups, assignPublicIp"), "{error}");
        assert!(error.contains("Unknown parameter in loadBalancers[1]: \"port\""), "{error}");
        assert!(parse_input("ecs:CreateService", r#"{ "serviceName": "a", "desiredCount": 1 }"#).is_ok());
        // The playground's own calls have no model: nothing to check against.
        assert!(parse_input("sim:SetTimings", r#"{ "imagePull": "10s" }"#).is_ok());
        assert!(parse_input("ecs:DescribeServices", r#"{ "cluster": "a", "cluster": "b" }"#).unwrap_err().contains("duplicate key"));
    }
}
