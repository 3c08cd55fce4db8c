//! A batch job's workload: a task whose image runs a job processes the S3 objects its environment names (under a
//! prefix, or the one key its RunTask overrides give), writes a result object for each and exits 0, or exits 1
//! at the first error, each operation decided by the task role and the bucket, logged to its log stream; given a
//! Step Functions task token, it ends by calling SendTaskSuccess or SendTaskFailure.

use ecs_sim_tests::*;
use serde_json::{json, Value};

/// A `thumbnailer` task definition (image `thumbnailer:1`, a 20 s job) with task role `job-role`, allowed the S3
/// actions `s3_actions` on bucket `uploads` and the Step Functions callbacks, logging to `/ecs/thumbnailer`.
fn job_setup(s3_actions: &[&str]) -> ecs_sim::sim::Sim {
    let mut sim = run_scenario("fargate-web-service", None, "1m");
    sim.call("sim:SetImageBehavior", json!({ "image": "thumbnailer:1", "behavior": "batchJob", "runFor": "20s" })).expect("image");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    sim.call("iam:CreateRole", json!({ "RoleName": "job-role", "AssumeRolePolicyDocument": trust })).expect("role");
    let policy = json!({ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": s3_actions, "Resource": ["arn:aws:s3:::uploads", "arn:aws:s3:::uploads/*"] },
        { "Effect": "Allow", "Action": ["states:SendTaskSuccess", "states:SendTaskFailure"], "Resource": "*" }] });
    sim.call("iam:PutRolePolicy", json!({ "RoleName": "job-role", "PolicyName": "job", "PolicyDocument": policy.to_string() })).expect("policy");
    sim.call("logs:CreateLogGroup", json!({ "logGroupName": "/ecs/thumbnailer" })).expect("log group");
    sim.call("ecs:RegisterTaskDefinition", json!({
        "family": "thumbnailer", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
        "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "taskRoleArn": "arn:aws:iam::123456789012:role/job-role",
        "containerDefinitions": [{ "name": "thumbnailer", "image": "thumbnailer:1",
            "environment": [{ "name": "INPUT_BUCKET", "value": "uploads" }, { "name": "INPUT_PREFIX", "value": "in/" }, { "name": "OUTPUT_PREFIX", "value": "thumbnails/" }],
            "logConfiguration": { "logDriver": "awslogs", "options": { "awslogs-group": "/ecs/thumbnailer", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs" } } }] }))
    .expect("task definition");
    sim.call("s3:CreateBucket", json!({ "Bucket": "uploads" })).expect("bucket");
    for key in ["in/a.png", "in/b.png"] {
        sim.call("s3:PutObject", json!({ "Bucket": "uploads", "Key": key, "Body": "png-bytes" })).expect("object");
    }
    sim
}

fn run_job(sim: &mut ecs_sim::sim::Sim, overrides: Option<Value>) -> String {
    let mut input = json!({ "cluster": "demo", "taskDefinition": "thumbnailer", "launchType": "FARGATE",
        "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"], "assignPublicIp": "ENABLED" } } });
    if let Some(o) = overrides {
        input["overrides"] = o;
    }
    let run = sim.call("ecs:RunTask", input).expect("run task");
    run["tasks"][0]["taskArn"].as_str().expect("a task").to_string()
}

fn exit_code(sim: &mut ecs_sim::sim::Sim, task_arn: &str) -> Option<i64> {
    let described = sim.call("ecs:DescribeTasks", json!({ "cluster": "demo", "tasks": [task_arn] })).expect("describe");
    assert_eq!(described["tasks"][0]["lastStatus"], "STOPPED", "{described}");
    described["tasks"][0]["containers"][0]["exitCode"].as_i64()
}

fn keys(sim: &mut ecs_sim::sim::Sim, prefix: &str) -> Vec<String> {
    let listed = sim.call("s3:ListObjectsV2", json!({ "Bucket": "uploads", "Prefix": prefix })).expect("list");
    listed["Contents"].as_array().map(|c| c.iter().map(|o| o["Key"].as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
}

fn log_lines(sim: &mut ecs_sim::sim::Sim) -> Vec<String> {
    let events = sim.call("logs:FilterLogEvents", json!({ "logGroupName": "/ecs/thumbnailer" })).expect("log events");
    events["events"].as_array().expect("events").iter().map(|e| e["message"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn a_batch_job_processes_the_objects_under_its_prefix_and_exits_0() {
    let mut sim = job_setup(&["s3:ListBucket", "s3:GetObject", "s3:PutObject"]);
    let task = run_job(&mut sim, None);
    advance(&mut sim, t("3m"));
    assert_eq!(exit_code(&mut sim, &task), Some(0));
    assert_eq!(keys(&mut sim, "thumbnails/"), ["thumbnails/a.png", "thumbnails/b.png"]);
    let lines = log_lines(&mut sim);
    assert!(lines.iter().any(|l| l == "s3:GetObject arn:aws:s3:::uploads/in/a.png succeeded in 25 ms"), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("Processed 2 object(s); results in s3://uploads/thumbnails/")), "{lines:?}");
}

/// The one object an override names; a missing object is the SDK's NoSuchKey (the role may list the bucket), and
/// the job exits 1.
#[test]
fn a_job_given_one_key_by_its_overrides_exits_1_when_the_object_is_missing() {
    let mut sim = job_setup(&["s3:ListBucket", "s3:GetObject", "s3:PutObject"]);
    let overrides = |key: &str| json!({ "containerOverrides": [{ "name": "thumbnailer", "environment": [{ "name": "INPUT_KEY", "value": key }] }] });
    let one = run_job(&mut sim, Some(overrides("in/b.png")));
    let missing = run_job(&mut sim, Some(overrides("in/zzz.png")));
    advance(&mut sim, t("3m"));
    assert_eq!(exit_code(&mut sim, &one), Some(0));
    assert_eq!(exit_code(&mut sim, &missing), Some(1));
    assert_eq!(keys(&mut sim, "thumbnails/"), ["thumbnails/b.png"]);
    let lines = log_lines(&mut sim);
    assert!(lines.iter().any(|l| l.starts_with("ERROR An error occurred (NoSuchKey) when calling the GetObject operation")), "{lines:?}");
}

/// IAM decides each operation: a task role without s3:PutObject reads the object, is denied the write and exits 1.
#[test]
fn a_task_role_without_put_object_fails_the_job_with_access_denied() {
    let mut sim = job_setup(&["s3:ListBucket", "s3:GetObject"]);
    let task = run_job(&mut sim, None);
    advance(&mut sim, t("3m"));
    assert_eq!(exit_code(&mut sim, &task), Some(1));
    assert!(keys(&mut sim, "thumbnails/").is_empty());
    let lines = log_lines(&mut sim);
    assert!(lines.iter().any(|l| l.starts_with("ERROR An error occurred (AccessDenied) when calling the PutObject operation")), "{lines:?}");
}

/// A job run by a `.waitForTaskToken` Task calls back with its output, or with its error (SFNDG connect-ecs.md:
/// the container "calls SendTaskSuccess or SendTaskFailure" with the token).
#[test]
fn a_job_with_a_task_token_calls_back_with_its_output_or_its_failure() {
    for (key, status) in [("in/a.png", "SUCCEEDED"), ("in/none.png", "FAILED")] {
        let mut sim = job_setup(&["s3:ListBucket", "s3:GetObject", "s3:PutObject"]);
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"states.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        sim.call("iam:CreateRole", json!({ "RoleName": "pipeline-role", "AssumeRolePolicyDocument": trust })).expect("role");
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:RunTask","iam:PassRole"],"Resource":"*"}]}"#;
        sim.call("iam:PutRolePolicy", json!({ "RoleName": "pipeline-role", "PolicyName": "run", "PolicyDocument": policy })).expect("policy");
        let definition = json!({ "StartAt": "Thumbnail", "States": { "Thumbnail": {
            "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.waitForTaskToken", "TimeoutSeconds": 600, "ResultPath": "$.result", "End": true,
            "Parameters": { "Cluster": "demo", "TaskDefinition": "thumbnailer", "LaunchType": "FARGATE",
                "NetworkConfiguration": { "AwsvpcConfiguration": { "Subnets": ["subnet-a"], "AssignPublicIp": "ENABLED" } },
                "Overrides": { "ContainerOverrides": [{ "Name": "thumbnailer", "Environment": [
                    { "Name": "INPUT_KEY", "Value.$": "$.key" }, { "Name": "TASK_TOKEN_ENV_VARIABLE", "Value.$": "$$.Task.Token" }] }] } } } } });
        let machine = sim.call("states:CreateStateMachine", json!({ "name": "thumbnail", "definition": definition.to_string(), "roleArn": "arn:aws:iam::123456789012:role/pipeline-role" })).expect("machine");
        let started = sim.call("states:StartExecution", json!({ "stateMachineArn": machine["stateMachineArn"], "input": json!({ "key": key }).to_string() })).expect("execution");
        advance(&mut sim, t("3m"));
        let done = sim.call("states:DescribeExecution", json!({ "executionArn": started["executionArn"] })).expect("describe");
        assert_eq!(done["status"], status, "{key}: {done}");
        if status == "SUCCEEDED" {
            let output: Value = serde_json::from_str(done["output"].as_str().expect("output")).expect("JSON");
            assert_eq!(output["result"], json!({ "bucket": "uploads", "written": ["thumbnails/a.png"] }));
        } else {
            assert_eq!(done["error"], "Job.Failed");
            assert!(done["cause"].as_str().unwrap_or("").contains("NoSuchKey"), "{done}");
        }
        assert!(log_lines(&mut sim).iter().any(|l| l == if status == "SUCCEEDED" { "states:SendTaskSuccess succeeded" } else { "states:SendTaskFailure succeeded" }));
    }
}
