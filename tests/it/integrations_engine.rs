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

/// A state machine `pipeline` running `job` (image `image`) with `.sync`, retried twice on States.TaskFailed 10 s
/// apart and caught into a Fail state; its role may run tasks when `allowed`.
fn pipeline(sim: &mut ecs_sim::sim::Sim, image: &str, exit_code: i64, allowed: bool) -> String {
    sim.call("sim:SetImageBehavior", json!({ "image": image, "behavior": "exit", "exitCode": exit_code, "runFor": "30s" })).expect("image");
    sim.call("ecs:RegisterTaskDefinition", json!({
        "family": "job", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
        "containerDefinitions": [{ "name": "job", "image": image }] })).expect("task definition");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"states.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    sim.call("iam:CreateRole", json!({ "RoleName": "pipeline-role", "AssumeRolePolicyDocument": trust })).expect("role");
    if allowed {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:RunTask","ecs:StopTask","ecs:DescribeTasks"],"Resource":"*"}]}"#;
        sim.call("iam:PutRolePolicy", json!({ "RoleName": "pipeline-role", "PolicyName": "run", "PolicyDocument": policy })).expect("policy");
    }
    let definition = json!({
        "StartAt": "Process",
        "States": {
            "Process": {
                "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync",
                "Parameters": { "Cluster": "demo", "TaskDefinition": "job", "LaunchType": "FARGATE",
                    "NetworkConfiguration": { "AwsvpcConfiguration": { "Subnets": ["subnet-a"], "AssignPublicIp": "ENABLED" } },
                    "Overrides": { "ContainerOverrides": [{ "Name": "job", "Environment": [{ "Name": "KEY", "Value.$": "$.key" }] }] } },
                "ResultPath": "$.task",
                "Retry": [{ "ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 10, "MaxAttempts": 2 }],
                "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed" }],
                "Next": "Done"
            },
            "Done": { "Type": "Succeed" },
            "Failed": { "Type": "Fail", "Error": "JobFailed", "Cause": "The job failed after its retries." }
        }
    });
    let machine = sim.call("states:CreateStateMachine", json!({ "name": "pipeline", "definition": definition.to_string(), "roleArn": "arn:aws:iam::123456789012:role/pipeline-role" })).expect("state machine");
    let started = sim.call("states:StartExecution", json!({ "stateMachineArn": machine["stateMachineArn"], "name": "run-1", "input": "{\"key\":\"in/cat.png\"}" })).expect("execution");
    started["executionArn"].as_str().expect("an execution ARN").to_string()
}

fn history_types(sim: &mut ecs_sim::sim::Sim, execution: &str) -> Vec<String> {
    let history = sim.call("states:GetExecutionHistory", json!({ "executionArn": execution })).expect("history");
    history["events"].as_array().expect("events").iter().map(|e| e["type"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn a_sync_task_state_waits_for_its_ecs_task_and_succeeds_with_its_description() {
    let mut sim = run_scenario("fargate-web-service", None, "1m");
    let execution = pipeline(&mut sim, "batch:ok", 0, true);
    let running = sim.call("states:DescribeExecution", json!({ "executionArn": execution })).expect("describe");
    assert_eq!(running["status"], "RUNNING");
    advance(&mut sim, t("5m"));
    let done = sim.call("states:DescribeExecution", json!({ "executionArn": execution })).expect("describe");
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    // The event sequence recorded against real AWS (LSREC test_run_task_sync), then the Succeed state.
    assert_eq!(
        history_types(&mut sim, &execution),
        ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]
    );
    let output: serde_json::Value = serde_json::from_str(done["output"].as_str().expect("output")).expect("JSON output");
    assert_eq!(output["key"], "in/cat.png");
    assert_eq!(output["task"]["LastStatus"], "STOPPED");
    assert_eq!(output["task"]["StartedBy"], "AWS Step Functions");
    assert_eq!(output["task"]["Containers"][0]["ExitCode"], 0);
}

#[test]
fn a_failing_task_is_retried_with_back_off_then_caught() {
    let mut sim = run_scenario("fargate-web-service", None, "1m");
    let execution = pipeline(&mut sim, "batch:broken", 1, true);
    advance(&mut sim, t("10m"));
    let done = sim.call("states:DescribeExecution", json!({ "executionArn": execution })).expect("describe");
    assert_eq!((done["status"].as_str(), done["error"].as_str()), (Some("FAILED"), Some("JobFailed")));
    let types = history_types(&mut sim, &execution);
    assert_eq!(types.iter().filter(|t| *t == "TaskScheduled").count(), 3, "the first try and two retries: {types:?}");
    assert_eq!(types.iter().filter(|t| *t == "TaskFailed").count(), 3);
    assert_eq!(&types[types.len() - 3..], ["TaskStateExited", "FailStateEntered", "ExecutionFailed"]);
    let describe = sim.describe_all();
    let runs = items(&describe, "tasks").iter().filter(|t| t["startedBy"] == "AWS Step Functions").count();
    assert_eq!(runs, 3);
    let failed_event = sim.call("states:GetExecutionHistory", json!({ "executionArn": execution, "reverseOrder": true, "maxResults": 1 })).expect("history");
    assert_eq!(failed_event["events"][0]["executionFailedEventDetails"]["cause"], "The job failed after its retries.");
}

#[test]
fn a_role_without_ecs_run_task_fails_the_state_with_the_access_denied_cause() {
    let mut sim = run_scenario("fargate-web-service", None, "1m");
    let execution = pipeline(&mut sim, "batch:ok", 0, false);
    let history = sim.call("states:GetExecutionHistory", json!({ "executionArn": execution })).expect("history");
    let failed = history["events"].as_array().expect("events").iter().find(|e| e["type"] == "TaskFailed").expect("a TaskFailed event");
    assert_eq!(failed["taskFailedEventDetails"]["error"], "ECS.AccessDeniedException");
    let cause = failed["taskFailedEventDetails"]["cause"].as_str().unwrap_or("");
    assert!(cause.contains("assumed-role/pipeline-role/") && cause.contains("is not authorized to perform: ecs:RunTask on resource: job"), "{cause}");
    // States.TaskFailed in the retrier matches every error but States.Timeout: the denial is retried too.
    assert_eq!(sim.call("states:DescribeExecution", json!({ "executionArn": execution })).expect("describe")["status"], "RUNNING");
    advance(&mut sim, t("2m"));
    let done = sim.call("states:DescribeExecution", json!({ "executionArn": execution })).expect("describe");
    assert_eq!(done["status"], "FAILED", "caught into the Fail state");
    assert_eq!(history_types(&mut sim, &execution).iter().filter(|t| *t == "TaskFailed").count(), 3);
    let bad = sim.call("states:CreateStateMachine", json!({ "name": "broken", "definition": "{\"StartAt\":\"a\",\"States\":{\"a\":{\"Type\":\"Pass\",\"Next\":\"b\"}}}", "roleArn": "arn:aws:iam::123456789012:role/pipeline-role" })).unwrap_err();
    assert_eq!(bad.code, "InvalidDefinition");
    assert_eq!(bad.message, "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: b at /States/a/Next'");
}

#[test]
fn an_rds_instance_with_a_managed_password_creates_its_secret_and_becomes_available() {
    let mut sim = run_scenario("fargate-web-service", None, "1m");
    sim.call("rds:CreateDBSubnetGroup", json!({ "DBSubnetGroupName": "db", "DBSubnetGroupDescription": "orders", "SubnetIds": ["subnet-a", "subnet-b"] })).expect("subnet group");
    let created = sim
        .call("rds:CreateDBInstance", json!({ "DBInstanceIdentifier": "orders", "DBInstanceClass": "db.t3.micro", "Engine": "mysql", "MasterUsername": "app", "ManageMasterUserPassword": true, "MultiAZ": true, "DBSubnetGroupName": "db" }))
        .expect("instance");
    let secret = created["DBInstance"]["MasterUserSecret"]["SecretArn"].as_str().expect("a managed secret").to_string();
    sim.call("secretsmanager:GetSecretValue", json!({ "SecretId": secret })).expect("the secret exists in Secrets Manager");
    advance(&mut sim, t("10m"));
    assert_eq!(sim.call("rds:DescribeDBInstances", json!({ "DBInstanceIdentifier": "orders" })).expect("describe")["DBInstances"][0]["DBInstanceStatus"], "creating");
    advance(&mut sim, t("20m"));
    let available = sim.call("rds:DescribeDBInstances", json!({})).expect("describe");
    assert_eq!(available["DBInstances"][0]["DBInstanceStatus"], "available");
    assert_eq!(available["DBInstances"][0]["Endpoint"]["Port"], 3306);
}

#[test]
fn every_operation_of_a_workload_is_decided_once_and_logged_once() {
    // Every operation, against present and missing targets, allowed and denied: each selected task answers
    // exactly one output or one error, and each answer is one log entry and one access-log record.
    let mut sim = run_scenario("least-privilege-task-role", None, "2m");
    sim.call("s3:CreateBucket", json!({ "Bucket": "example-reports" })).expect("bucket");
    sim.call("dynamodb:CreateTable", json!({ "TableName": "report-index", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{ "AttributeName": "report", "AttributeType": "S" }], "KeySchema": [{ "AttributeName": "report", "KeyType": "HASH" }] })).expect("table");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query"],"Resource":"*"}]}"#;
    sim.call("iam:PutRolePolicy", json!({ "RoleName": "reports-task-role", "PolicyName": "wide", "PolicyDocument": policy })).expect("policy");
    advance(&mut sim, t("2m10s"));
    let buckets = ["example-reports", "missing-bucket"];
    let tables = ["report-index", "missing-table"];
    let mut n_answers = 0;
    let log_before = sim.log().len();
    let records_before = sim.view().tasks.iter().map(|t| t.access_log.len()).sum::<usize>();
    let operations = [
        "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem",
        "s3:DeleteObject", "s3:GetObject", "s3:HeadObject", "s3:ListObjectsV2", "s3:PutObject",
    ];
    for (i, operation) in operations.iter().enumerate() {
        for variant in 0..2 {
            let params = if operation.starts_with("s3:") {
                json!({ "Bucket": buckets[variant], "Key": format!("k{i}"), "Body": "x", "Prefix": "" })
            } else {
                json!({ "TableName": tables[variant], "Key": { "report": { "S": "r" } }, "Item": { "report": { "S": "r" } }, "KeyConditionExpression": "report = :r", "ExpressionAttributeValues": { ":r": { "S": "r" } } })
            };
            let results = operate(&mut sim, operation, params);
            for result in &results {
                assert!(result.get("output").is_some() != result.get("error").is_some(), "{operation}: {result}");
            }
            n_answers += results.len();
        }
    }
    let logged = sim.log()[log_before..].iter().filter(|e| e.message.starts_with("Task ")).count();
    assert_eq!(logged, n_answers);
    let records = sim.view().tasks.iter().map(|t| t.access_log.len()).sum::<usize>();
    assert_eq!(records - records_before, n_answers);
}
