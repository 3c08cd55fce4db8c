//! S3 and DynamoDB in the engine: the learner's calls, and the operations a task's workload makes, each decided
//! once by the task role (with the bucket policy for S3) and the target's existence, logged, and failed with the
//! error the SDK raises.

use ecs_sim_tests::*;
use serde_json::{json, Value};

fn operate(sim: &mut ecs_sim::sim::Sim, operation: &str, params: Value) -> Vec<Value> {
    let output = sim.call("sim:TaskOperation", json!({ "cluster": "demo", "service": "reports", "operation": operation, "params": params })).expect("the operation is made");
    output["results"].as_array().expect("results").clone()
}

fn error_code(result: &Value) -> &str {
    result["error"]["Code"].as_str().unwrap_or("")
}

#[test]
fn a_task_role_decides_each_operation_and_the_target_decides_the_rest() {
    let mut sim = run_scenario("least-privilege-task-role", None, "2m");
    sim.call("s3:CreateBucket", json!({ "Bucket": "example-reports" })).expect("bucket");
    sim.call("s3:PutObject", json!({ "Bucket": "example-reports", "Key": "2026/01/daily.csv", "Body": "day,total\n1,10\n" })).expect("object");
    sim.call("dynamodb:CreateTable", json!({
        "TableName": "report-index", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{ "AttributeName": "report", "AttributeType": "S" }], "KeySchema": [{ "AttributeName": "report", "KeyType": "HASH" }],
    }))
    .expect("table");
    advance(&mut sim, t("2m10s"));
    let log_before = sim.log().len();

    let got = operate(&mut sim, "s3:GetObject", json!({ "Bucket": "example-reports", "Key": "2026/01/daily.csv" }));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["output"]["ContentLength"], 15);
    assert_eq!(got[0]["latencyMs"], 25);
    // The role may get objects but not list the bucket: a missing key is a 403 (BOTO s3 GetObject doc).
    let missing = operate(&mut sim, "s3:GetObject", json!({ "Bucket": "example-reports", "Key": "2026/02/daily.csv" }));
    assert_eq!(missing[0]["error"]["Text"], "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied");
    let put = operate(&mut sim, "s3:PutObject", json!({ "Bucket": "example-reports", "Key": "2026/01/summary.csv", "Body": "x" }));
    assert_eq!(error_code(&put[0]), "AccessDenied");
    let message = put[0]["error"]["Message"].as_str().unwrap_or("");
    assert!(message.starts_with("User: arn:aws:sts::123456789012:assumed-role/reports-task-role/"), "{message}");
    assert!(message.ends_with("on resource: \"arn:aws:s3:::example-reports/2026/01/summary.csv\" because no identity-based policy allows the s3:PutObject action"), "{message}");

    let item = json!({ "TableName": "report-index", "Item": { "report": { "S": "2026/01" }, "rows": { "N": "1" } } });
    let denied = operate(&mut sim, "dynamodb:PutItem", item.clone());
    assert_eq!(error_code(&denied[0]), "AccessDeniedException");
    assert!(denied[0]["error"]["Message"].as_str().unwrap_or("").contains("dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/report-index because"));
    assert!(sim.dynamodb().tables.get("report-index").expect("table").items.is_empty(), "a denied PutItem writes nothing");

    // The fix: the role gets dynamodb:PutItem, and the same operation now writes the item.
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:GetItem"],"Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/*"}]}"#;
    sim.call("iam:PutRolePolicy", json!({ "RoleName": "reports-task-role", "PolicyName": "index", "PolicyDocument": policy })).expect("policy");
    let written = operate(&mut sim, "dynamodb:PutItem", item);
    assert!(written[0].get("error").is_none(), "{}", written[0]);
    assert_eq!(written[0]["latencyMs"], 5);
    assert_eq!(sim.dynamodb().tables.get("report-index").expect("table").items.len(), 1);
    // Allowed by IAM, but the table does not exist.
    let no_table = operate(&mut sim, "dynamodb:GetItem", json!({ "TableName": "report-archive", "Key": { "report": { "S": "x" } } }));
    assert_eq!(no_table[0]["error"]["Text"], "An error occurred (ResourceNotFoundException) when calling the GetItem operation: Requested resource not found");

    // Each operation is decided once and logged once, in the task's access log too.
    let logged: Vec<String> = sim.log()[log_before..].iter().filter(|e| e.message.starts_with("Task ")).map(|e| e.message.clone()).collect();
    assert_eq!(logged.len(), 6, "{logged:#?}");
    let view = sim.view();
    let task = view.tasks.iter().find(|t| t.service.as_deref() == Some("reports") && t.last_status == ecs_sim::view::TaskStatus::Running).expect("a running task");
    let tail: Vec<(&str, bool)> = task.access_log.iter().rev().take(6).rev().map(|r| (r.action.as_str(), r.allowed)).collect();
    assert_eq!(
        tail,
        vec![("s3:GetObject", true), ("s3:GetObject", false), ("s3:PutObject", false), ("dynamodb:PutItem", false), ("dynamodb:PutItem", true), ("dynamodb:GetItem", false)]
    );
}

#[test]
fn a_bucket_policy_can_grant_what_the_task_role_does_not() {
    let mut sim = run_scenario("least-privilege-task-role", None, "2m");
    sim.call("s3:CreateBucket", json!({ "Bucket": "example-reports" })).expect("bucket");
    let policy = json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::123456789012:role/reports-task-role" }, "Action": ["s3:PutObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::example-reports", "arn:aws:s3:::example-reports/*"] }] });
    sim.call("s3:PutBucketPolicy", json!({ "Bucket": "example-reports", "Policy": policy.to_string() })).expect("policy");
    advance(&mut sim, t("2m10s"));
    let put = operate(&mut sim, "s3:PutObject", json!({ "Bucket": "example-reports", "Key": "out/summary.csv", "Body": "ok" }));
    assert!(put[0].get("error").is_none(), "{}", put[0]);
    // With s3:ListBucket from the bucket policy, a missing key is now a 404.
    let missing = operate(&mut sim, "s3:GetObject", json!({ "Bucket": "example-reports", "Key": "out/none.csv" }));
    assert_eq!(error_code(&missing[0]), "NoSuchKey");
    let listed = operate(&mut sim, "s3:ListObjectsV2", json!({ "Bucket": "example-reports", "Prefix": "out/" }));
    assert_eq!(listed[0]["output"]["Keys"], json!(["out/summary.csv"]));
    let answer = sim.call("s3:ListObjectsV2", json!({ "Bucket": "example-reports" })).expect("listed by the learner");
    assert_eq!(answer["KeyCount"], 1);
}

#[test]
fn operations_are_refused_without_a_running_task_or_a_known_operation() {
    let mut sim = run_scenario("least-privilege-task-role", None, "2m");
    let unknown = sim.call("sim:TaskOperation", json!({ "cluster": "demo", "service": "reports", "operation": "s3:DeleteBucket" })).unwrap_err();
    assert!(unknown.message.starts_with("operation must be one of"), "{}", unknown.message);
    let nobody = sim.call("sim:TaskOperation", json!({ "cluster": "demo", "service": "nothing", "operation": "s3:GetObject", "params": {} })).unwrap_err();
    assert!(nobody.message.starts_with("No RUNNING task matches"), "{}", nobody.message);
}

/// A rule that runs the `web` task definition on `demo` for each object created under `in/` in `uploads`, with
/// the role `events-run-task` (allowed ecs:RunTask when `allowed`).
fn upload_rule(sim: &mut ecs_sim::sim::Sim, allowed: bool) {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    sim.call("iam:CreateRole", json!({ "RoleName": "events-run-task", "AssumeRolePolicyDocument": trust })).expect("role");
    if allowed {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:RunTask","Resource":"arn:aws:ecs:us-east-1:123456789012:task-definition/web:*"}]}"#;
        sim.call("iam:PutRolePolicy", json!({ "RoleName": "events-run-task", "PolicyName": "run", "PolicyDocument": policy })).expect("policy");
    }
    sim.call("s3:CreateBucket", json!({ "Bucket": "uploads" })).expect("bucket");
    sim.call("s3:PutBucketNotificationConfiguration", json!({ "Bucket": "uploads", "NotificationConfiguration": { "EventBridgeConfiguration": {} } })).expect("EventBridge on");
    let pattern = json!({ "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": { "bucket": { "name": ["uploads"] }, "object": { "key": [{ "prefix": "in/" }] } } });
    sim.call("events:PutRule", json!({ "Name": "on-upload", "EventPattern": pattern.to_string() })).expect("rule");
    sim.call("events:PutTargets", json!({ "Rule": "on-upload", "Targets": [{
        "Id": "resize", "Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/demo", "RoleArn": "arn:aws:iam::123456789012:role/events-run-task",
        "EcsParameters": { "TaskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1", "LaunchType": "FARGATE",
            "NetworkConfiguration": { "awsvpcConfiguration": { "Subnets": ["subnet-a"], "AssignPublicIp": "ENABLED" } } },
        "InputTransformer": { "InputPathsMap": { "key": "$.detail.object.key" }, "InputTemplate": "{\"containerOverrides\":[{\"name\":\"web\",\"environment\":[{\"name\":\"KEY\",\"value\":<key>}]}]}" },
    }] }))
    .expect("target");
}

fn started_by_rule(sim: &ecs_sim::sim::Sim) -> usize {
    let describe = sim.describe_all();
    items(&describe, "tasks").iter().filter(|t| t.get("startedBy").and_then(|v| v.as_str()) == Some("events-rule/on-upload")).count()
}

#[test]
fn an_s3_upload_runs_a_task_through_an_eventbridge_rule() {
    let mut sim = run_scenario("fargate-web-service", None, "1m");
    upload_rule(&mut sim, true);
    sim.call("s3:PutObject", json!({ "Bucket": "uploads", "Key": "in/cat.png", "Body": "png" })).expect("upload");
    sim.call("s3:PutObject", json!({ "Bucket": "uploads", "Key": "out/cat.png", "Body": "png" })).expect("a key the rule does not match");
    advance(&mut sim, t("2m"));
    assert_eq!(started_by_rule(&sim), 1, "one task for the one matching upload");
    assert!(sim.log().iter().any(|e| e.message == "EventBridge rule on-upload ran 1 task(s) of arn:aws:ecs:us-east-1:123456789012:task-definition/web:1."));
    let rule = sim.call("events:DescribeRule", json!({ "Name": "on-upload" })).expect("rule");
    assert_eq!(rule["State"], "ENABLED");
}

#[test]
fn a_rule_whose_role_may_not_run_tasks_runs_none_and_says_why() {
    let mut sim = run_scenario("fargate-web-service", None, "1m");
    upload_rule(&mut sim, false);
    sim.call("s3:PutObject", json!({ "Bucket": "uploads", "Key": "in/cat.png", "Body": "png" })).expect("upload");
    advance(&mut sim, t("2m"));
    assert_eq!(started_by_rule(&sim), 0);
    let why = sim.log().iter().find(|e| e.message.starts_with("EventBridge rule on-upload could not invoke target resize")).expect("the failure is logged");
    assert!(why.message.contains("may not call ecs:RunTask"), "{}", why.message);
}
