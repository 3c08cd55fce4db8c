//! Step Functions Map and Parallel states in the engine: iterations and branches run side by side as child
//! threads, with Step Functions' history event types, `MaxConcurrency`, `ItemSelector` and the `$$.Map.Item`
//! context, paths, Retry with back-off and Catch on the whole state, and Retry inside an iteration.

use ecs_sim_tests::*;
use serde_json::{json, Value};

const ROLE: &str = "arn:aws:iam::123456789012:role/pipeline-role";

/// A role Step Functions may assume, allowed to run ECS tasks.
fn role(sim: &mut ecs_sim::sim::Sim) {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"states.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    sim.call("iam:CreateRole", json!({ "RoleName": "pipeline-role", "AssumeRolePolicyDocument": trust })).expect("role");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:RunTask","ecs:StopTask","ecs:DescribeTasks"],"Resource":"*"}]}"#;
    sim.call("iam:PutRolePolicy", json!({ "RoleName": "pipeline-role", "PolicyName": "run", "PolicyDocument": policy })).expect("policy");
}

/// Creates machine `name` from `definition` and starts it on `input`; the execution's ARN.
fn start(sim: &mut ecs_sim::sim::Sim, name: &str, definition: Value, input: Value) -> String {
    let machine = sim.call("states:CreateStateMachine", json!({ "name": name, "definition": definition.to_string(), "roleArn": ROLE })).expect("state machine");
    let started = sim.call("states:StartExecution", json!({ "stateMachineArn": machine["stateMachineArn"], "name": "run-1", "input": input.to_string() })).expect("execution");
    started["executionArn"].as_str().expect("an execution ARN").to_string()
}

fn history(sim: &mut ecs_sim::sim::Sim, execution: &str) -> Vec<Value> {
    sim.call("states:GetExecutionHistory", json!({ "executionArn": execution })).expect("history")["events"].as_array().expect("events").clone()
}

fn types(events: &[Value]) -> Vec<String> {
    events.iter().map(|e| e["type"].as_str().unwrap_or("").to_string()).collect()
}

fn describe(sim: &mut ecs_sim::sim::Sim, execution: &str) -> Value {
    sim.call("states:DescribeExecution", json!({ "executionArn": execution })).expect("describe")
}

fn output(described: &Value) -> Value {
    serde_json::from_str(described["output"].as_str().expect("an output")).expect("JSON output")
}

fn setup() -> ecs_sim::sim::Sim {
    let mut sim = run_scenario("fargate-web-service", None, "1m");
    role(&mut sim);
    sim
}

/// SFNDG amazon-states-language-map-state.md: each item of `ItemsPath` runs the processor, `ItemSelector` (or the
/// legacy `Parameters`) builds each iteration's input from the `$$.Map.Item.Index` and `Value` context, and the
/// Map's result is the array of the iterations' outputs, placed by `ResultPath`. Event types: botocore
/// `HistoryEventType`; `mapStateStartedEventDetails.length`, `mapIteration*EventDetails.{name,index}`.
#[test]
fn a_map_state_runs_each_item_and_collects_the_outputs_in_order() {
    let mut sim = setup();
    let definition = json!({ "StartAt": "Each", "States": { "Each": {
        "Type": "Map", "ItemsPath": "$.detail.keys", "ResultPath": "$.results", "End": true,
        "ItemSelector": { "key.$": "$$.Map.Item.Value", "position.$": "$$.Map.Item.Index", "bucket.$": "$.bucket" },
        "ItemProcessor": { "StartAt": "Tag", "States": { "Tag": { "Type": "Pass", "Result": "done", "ResultPath": "$.status", "End": true } } } } } });
    let execution = start(&mut sim, "fan", definition, json!({ "bucket": "uploads", "detail": { "keys": ["a.png", "b.png"] } }));
    advance(&mut sim, t("1m1s"));
    let done = describe(&mut sim, &execution);
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        output(&done)["results"],
        json!([{ "key": "a.png", "position": 0, "bucket": "uploads", "status": "done" }, { "key": "b.png", "position": 1, "bucket": "uploads", "status": "done" }])
    );
    let events = history(&mut sim, &execution);
    assert_eq!(
        types(&events),
        [
            "ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapIterationStarted", "MapIterationStarted",
            "PassStateEntered", "PassStateExited", "MapIterationSucceeded", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
            "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded",
        ]
    );
    assert_eq!(events[2]["mapStateStartedEventDetails"], json!({ "length": 2 }));
    assert_eq!(events[4]["mapIterationStartedEventDetails"], json!({ "name": "Each", "index": 1 }));
}

/// SFNDG amazon-states-language-parallel-state.md: every branch gets the state's input, and the result is the
/// array of the branches' outputs in branch order; `OutputPath` then selects from it.
#[test]
fn a_parallel_state_runs_every_branch_on_the_same_input() {
    let mut sim = setup();
    let definition = json!({ "StartAt": "Both", "States": { "Both": {
        "Type": "Parallel", "InputPath": "$.job", "OutputPath": "$[1]", "Next": "Done",
        "Branches": [
            { "StartAt": "Slow", "States": { "Slow": { "Type": "Wait", "Seconds": 20, "Next": "Left" }, "Left": { "Type": "Pass", "Result": { "side": "left" }, "End": true } } },
            { "StartAt": "Right", "States": { "Right": { "Type": "Pass", "ResultPath": "$.side", "Result": "right", "End": true } } }
        ] },
        "Done": { "Type": "Succeed" } } });
    let execution = start(&mut sim, "both", definition, json!({ "job": { "id": 7 } }));
    advance(&mut sim, t("1m10s"));
    assert_eq!(describe(&mut sim, &execution)["status"], "RUNNING", "the slow branch waits 20 s");
    advance(&mut sim, t("1m21s"));
    let done = describe(&mut sim, &execution);
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(output(&done), json!({ "id": 7, "side": "right" }));
    let kinds = types(&history(&mut sim, &execution));
    assert_eq!(&kinds[..3], ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted"]);
    assert_eq!(&kinds[kinds.len() - 5..], ["ParallelStateSucceeded", "ParallelStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]);
}

/// SFNDG map-state: `MaxConcurrency` bounds the iterations running at once (0, the default, runs them all).
#[test]
fn max_concurrency_runs_the_iterations_one_after_another() {
    for (max, running_at, done_at) in [(1, "1m25s", "1m31s"), (0, "1m5s", "1m11s")] {
        let mut sim = setup();
        let definition = json!({ "StartAt": "Each", "States": { "Each": { "Type": "Map", "MaxConcurrency": max, "End": true,
            "Iterator": { "StartAt": "Pause", "States": { "Pause": { "Type": "Wait", "Seconds": 10, "End": true } } } } } });
        let execution = start(&mut sim, "slow", definition, json!([1, 2, 3]));
        advance(&mut sim, t(running_at));
        assert_eq!(describe(&mut sim, &execution)["status"], "RUNNING", "MaxConcurrency {max}");
        advance(&mut sim, t(done_at));
        let done = describe(&mut sim, &execution);
        assert_eq!(done["status"], "SUCCEEDED", "MaxConcurrency {max}: {done}");
        assert_eq!(output(&done), json!([1, 2, 3]));
        let kinds = types(&history(&mut sim, &execution));
        let second_start = kinds.iter().enumerate().filter(|(_, k)| *k == "MapIterationStarted").nth(1).map(|(i, _)| i).unwrap();
        let first_end = kinds.iter().position(|k| k == "MapIterationSucceeded").unwrap();
        assert_eq!(second_start > first_end, max == 1, "MaxConcurrency {max}: {kinds:?}");
    }
}

/// SFNDG concepts-error-handling.md: an iteration's failure fails the whole Map (the others are aborted); the
/// Map's retriers run it again after IntervalSeconds × BackoffRate^attempt, then its catcher passes
/// `{"Error", "Cause"}` at its ResultPath to its Next state.
#[test]
fn a_failed_iteration_fails_the_map_which_retries_with_back_off_then_catches() {
    let mut sim = setup();
    let definition = json!({ "StartAt": "Each", "States": {
        "Each": { "Type": "Map", "ItemsPath": "$.items", "Next": "Done",
            "Retry": [{ "ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 2 }],
            "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recovered" }],
            "ItemProcessor": { "StartAt": "Check", "States": {
                "Check": { "Type": "Choice", "Choices": [{ "Variable": "$.ok", "BooleanEquals": true, "Next": "Hold" }], "Default": "Broken" },
                "Hold": { "Type": "Wait", "Seconds": 100, "End": true },
                "Broken": { "Type": "Fail", "Error": "Flaky", "Cause": "item 1 is broken" } } } },
        "Done": { "Type": "Succeed" },
        "Recovered": { "Type": "Pass", "End": true } } });
    let execution = start(&mut sim, "flaky", definition, json!({ "items": [{ "ok": true }, { "ok": false }] }));
    // The first run fails at once; retries after 2 s and then 6 s more (2 × 3).
    advance(&mut sim, t("1m7s"));
    assert_eq!(describe(&mut sim, &execution)["status"], "RUNNING");
    advance(&mut sim, t("1m9s"));
    let done = describe(&mut sim, &execution);
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(output(&done)["error"], json!({ "Error": "Flaky", "Cause": "item 1 is broken" }));
    assert_eq!(output(&done)["items"][1], json!({ "ok": false }), "the catcher's ResultPath keeps the input");
    let events = history(&mut sim, &execution);
    let kinds = types(&events);
    assert_eq!(kinds.iter().filter(|k| *k == "MapStateStarted").count(), 3, "the first run and two retries: {kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "MapStateFailed").count(), 3);
    let failed = events.iter().find(|e| e["type"] == "MapIterationFailed").unwrap();
    assert_eq!(failed["mapIterationFailedEventDetails"], json!({ "name": "Each", "index": 1 }));
    let aborted = events.iter().find(|e| e["type"] == "MapIterationAborted").unwrap();
    assert_eq!(aborted["mapIterationAbortedEventDetails"], json!({ "name": "Each", "index": 0 }));
    assert_eq!(&kinds[kinds.len() - 5..], ["MapStateFailed", "MapStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
}

/// Retry inside an iteration: a `.sync` Task whose ECS task exits 1 is retried by its own retrier (SFNDG
/// concepts-error-handling.md; connect-ecs.md: a non-zero exit fails the Task with `States.TaskFailed`), and the
/// Map succeeds once every iteration has; the iterations' tasks run on Fargate side by side.
#[test]
fn a_task_inside_a_map_iteration_retries_its_failed_ecs_task() {
    let mut sim = setup();
    sim.call("sim:SetImageBehavior", json!({ "image": "batch:ok", "behavior": "exit", "exitCode": 0, "runFor": "30s" })).expect("image");
    sim.call("sim:SetImageBehavior", json!({ "image": "batch:broken", "behavior": "exit", "exitCode": 1, "runFor": "30s" })).expect("image");
    for (family, image) in [("job-ok", "batch:ok"), ("job-broken", "batch:broken")] {
        sim.call("ecs:RegisterTaskDefinition", json!({
            "family": family, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [{ "name": "job", "image": image }] })).expect("task definition");
    }
    let definition = json!({ "StartAt": "Each", "States": {
        "Each": { "Type": "Map", "ItemsPath": "$.jobs", "ResultPath": null, "End": true,
            "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Gave up" }],
            "ItemProcessor": { "StartAt": "Run", "States": { "Run": {
                "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "End": true,
                "Parameters": { "Cluster": "demo", "TaskDefinition.$": "$.family", "LaunchType": "FARGATE",
                    "NetworkConfiguration": { "AwsvpcConfiguration": { "Subnets": ["subnet-a"], "AssignPublicIp": "ENABLED" } } },
                "Retry": [{ "ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 10, "MaxAttempts": 1 }] } } } },
        "Gave up": { "Type": "Pass", "End": true } } });
    let execution = start(&mut sim, "jobs", definition, json!({ "jobs": [{ "family": "job-ok" }, { "family": "job-broken" }] }));
    advance(&mut sim, t("5m"));
    let done = describe(&mut sim, &execution);
    assert_eq!(done["status"], "SUCCEEDED", "caught into Gave up: {done}");
    assert_eq!(output(&done)["error"]["Error"], "States.TaskFailed");
    let events = history(&mut sim, &execution);
    let kinds = types(&events);
    assert_eq!(kinds.iter().filter(|k| *k == "TaskScheduled").count(), 3, "two iterations and one retry: {kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "MapIterationSucceeded").count(), 1);
    assert_eq!(events.iter().find(|e| e["type"] == "MapIterationFailed").unwrap()["mapIterationFailedEventDetails"]["index"], 1);
    let describe_all = sim.describe_all();
    let runs: Vec<&Value> = items(&describe_all, "tasks").iter().filter(|t| t["startedBy"] == "AWS Step Functions").collect();
    assert_eq!(runs.len(), 3);
    assert!(runs.iter().all(|t| t["launchType"] == "FARGATE"));
}

/// A callback state machine: `Wait for job` runs task definition `job` with `.waitForTaskToken`, passing
/// `$$.Task.Token` in the container's environment (SFNDG connect-ecs.md's example), with the given limits; a
/// failure is caught into `Recovered` when `catch` is true.
fn callback_machine(sim: &mut ecs_sim::sim::Sim, limits: Value, catch: bool) -> String {
    sim.call("sim:SetImageBehavior", json!({ "image": "batch:ok", "behavior": "exit", "exitCode": 0, "runFor": "30s" })).expect("image");
    sim.call("ecs:RegisterTaskDefinition", json!({
        "family": "job", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
        "containerDefinitions": [{ "name": "job", "image": "batch:ok" }] })).expect("task definition");
    let mut state = json!({
        "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.waitForTaskToken", "ResultPath": "$.job", "End": true,
        "Parameters": { "Cluster": "demo", "TaskDefinition": "job", "LaunchType": "FARGATE",
            "NetworkConfiguration": { "AwsvpcConfiguration": { "Subnets": ["subnet-a"], "AssignPublicIp": "ENABLED" } },
            "Overrides": { "ContainerOverrides": [{ "Name": "job", "Environment": [{ "Name": "TASK_TOKEN_ENV_VARIABLE", "Value.$": "$$.Task.Token" }] }] } } });
    for (k, v) in limits.as_object().expect("limits") {
        state[k] = v.clone();
    }
    let mut definition = json!({ "StartAt": "Wait for job", "States": { "Wait for job": state } });
    if catch {
        definition["States"]["Wait for job"]["Catch"] = json!([{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recovered" }]);
        definition["States"]["Recovered"] = json!({ "Type": "Pass", "End": true });
    }
    start(sim, "callback", definition, json!({ "key": "in/cat.png" }))
}

/// The token the job's task got in its environment.
fn token_of_task(sim: &ecs_sim::sim::Sim) -> String {
    let describe = sim.describe_all();
    let task = items(&describe, "tasks").iter().find(|t| t["taskDefinitionArn"].as_str().is_some_and(|a| a.contains("task-definition/job:"))).expect("the job's task");
    let environment = task["overrides"]["containerOverrides"][0]["environment"].as_array().unwrap_or_else(|| panic!("the overrides' environment: {task}"));
    environment.iter().find(|e| e["name"] == "TASK_TOKEN_ENV_VARIABLE").expect("the token variable")["value"].as_str().expect("a token").to_string()
}

/// SFNDG connect-to-resource.md, "Wait for a Callback with the Task Token": the state waits, whatever its ECS task
/// does, until SendTaskSuccess gives its output. BOTO stepfunctions SendTask* errors: InvalidToken, InvalidOutput,
/// TaskDoesNotExist, TaskTimedOut ("the task associated with the token has already been closed").
#[test]
fn a_wait_for_task_token_state_waits_for_send_task_success_with_the_token() {
    let mut sim = setup();
    let execution = callback_machine(&mut sim, json!({ "TimeoutSeconds": 600, "HeartbeatSeconds": 120 }), false);
    let token = token_of_task(&sim);
    advance(&mut sim, t("2m30s"));
    assert_eq!(describe(&mut sim, &execution)["status"], "RUNNING", "the task stopped, but nobody called back");
    sim.call("states:SendTaskHeartbeat", json!({ "taskToken": token })).expect("a heartbeat");
    let bad = sim.call("states:SendTaskSuccess", json!({ "taskToken": token, "output": "{not json" })).unwrap_err();
    assert_eq!(bad.code, "InvalidOutput");
    assert_eq!(sim.call("states:SendTaskSuccess", json!({ "taskToken": "garbage", "output": "{}" })).unwrap_err().code, "InvalidToken");
    let unknown = sim.call("states:SendTaskSuccess", json!({ "taskToken": "AQB0123456789abcdef0123456789abcdef", "output": "{}" })).unwrap_err();
    assert_eq!(unknown.code, "TaskDoesNotExist");
    sim.call("states:SendTaskSuccess", json!({ "taskToken": token, "output": "{\"thumbnail\":\"out/cat.png\"}" })).expect("the callback");
    let done = describe(&mut sim, &execution);
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(output(&done), json!({ "key": "in/cat.png", "job": { "thumbnail": "out/cat.png" } }));
    let closed = sim.call("states:SendTaskSuccess", json!({ "taskToken": token, "output": "{}" })).unwrap_err();
    assert_eq!((closed.code.as_ref(), closed.message.as_ref()), ("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'"));
    let events = history(&mut sim, &execution);
    assert_eq!(
        types(&events),
        ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    );
    let scheduled = &events[2]["taskScheduledEventDetails"];
    assert_eq!((scheduled["resource"].as_str(), scheduled["timeoutInSeconds"].as_u64(), scheduled["heartbeatInSeconds"].as_u64()), (Some("runTask.waitForTaskToken"), Some(600), Some(120)));
    assert!(scheduled["parameters"].as_str().expect("parameters").contains(&token), "the token is in the RunTask parameters");
}

/// SendTaskFailure fails the state with its error and cause (a TaskFailed event), which Catch can catch.
#[test]
fn send_task_failure_fails_the_state_with_its_error() {
    let mut sim = setup();
    let execution = callback_machine(&mut sim, json!({}), true);
    let token = token_of_task(&sim);
    sim.call("states:SendTaskFailure", json!({ "taskToken": token, "error": "Job.Failed", "cause": "in/cat.png is not an image" })).expect("the callback");
    let done = describe(&mut sim, &execution);
    assert_eq!(done["status"], "SUCCEEDED", "caught: {done}");
    assert_eq!(output(&done)["error"], json!({ "Error": "Job.Failed", "Cause": "in/cat.png is not an image" }));
    let events = history(&mut sim, &execution);
    let failed = events.iter().find(|e| e["type"] == "TaskFailed").expect("a TaskFailed event");
    assert_eq!(failed["taskFailedEventDetails"]["error"], "Job.Failed");
}

/// SFNDG amazon-states-language-task-state.md: past TimeoutSeconds the Task fails with States.Timeout, and with
/// no heartbeat within HeartbeatSeconds with States.HeartbeatTimeout; each SendTaskHeartbeat moves the limit on.
#[test]
fn a_callback_task_times_out_without_its_callback_or_heartbeat() {
    for (limits, heartbeat_at, still_running_at, failed_at, error) in [
        (json!({ "TimeoutSeconds": 60 }), None, "1m59s", "2m1s", "States.Timeout"),
        (json!({ "TimeoutSeconds": 300, "HeartbeatSeconds": 20 }), Some("1m15s"), "1m34s", "1m36s", "States.HeartbeatTimeout"),
    ] {
        let mut sim = setup();
        let execution = callback_machine(&mut sim, limits.clone(), false);
        let token = token_of_task(&sim);
        if let Some(at) = heartbeat_at {
            advance(&mut sim, t(at));
            sim.call("states:SendTaskHeartbeat", json!({ "taskToken": token })).expect("a heartbeat");
        }
        advance(&mut sim, t(still_running_at));
        assert_eq!(describe(&mut sim, &execution)["status"], "RUNNING", "{limits}");
        advance(&mut sim, t(failed_at));
        let done = describe(&mut sim, &execution);
        assert_eq!((done["status"].as_str(), done["error"].as_str()), (Some("FAILED"), Some(error)), "{limits}");
        let events = history(&mut sim, &execution);
        assert_eq!(events.iter().find(|e| e["type"] == "TaskTimedOut").expect("TaskTimedOut")["taskTimedOutEventDetails"]["error"], error);
        assert_eq!(sim.call("states:SendTaskHeartbeat", json!({ "taskToken": token })).unwrap_err().code, "TaskTimedOut");
    }
}

/// EventBridge User Guide, "Step Functions state machine as a target": a rule's target starts an execution with
/// the event as its input, by the target's role, which must allow `states:StartExecution` on the machine.
#[test]
fn an_s3_upload_starts_an_execution_through_a_rule_whose_role_may_start_it() {
    for allowed in [true, false] {
        let mut sim = setup();
        let definition = json!({ "StartAt": "Key", "States": { "Key": { "Type": "Pass", "InputPath": "$.detail.object", "End": true } } });
        let machine = sim.call("states:CreateStateMachine", json!({ "name": "on-upload", "definition": definition.to_string(), "roleArn": ROLE })).expect("state machine");
        let machine_arn = machine["stateMachineArn"].as_str().expect("an ARN").to_string();
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        sim.call("iam:CreateRole", json!({ "RoleName": "events-start", "AssumeRolePolicyDocument": trust })).expect("role");
        if allowed {
            let policy = json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "states:StartExecution", "Resource": machine_arn }] });
            sim.call("iam:PutRolePolicy", json!({ "RoleName": "events-start", "PolicyName": "start", "PolicyDocument": policy.to_string() })).expect("policy");
        }
        sim.call("s3:CreateBucket", json!({ "Bucket": "uploads" })).expect("bucket");
        sim.call("s3:PutBucketNotificationConfiguration", json!({ "Bucket": "uploads", "NotificationConfiguration": { "EventBridgeConfiguration": {} } })).expect("EventBridge on");
        let pattern = json!({ "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": { "bucket": { "name": ["uploads"] } } });
        sim.call("events:PutRule", json!({ "Name": "start-pipeline", "EventPattern": pattern.to_string() })).expect("rule");
        sim.call("events:PutTargets", json!({ "Rule": "start-pipeline", "Targets": [{ "Id": "pipeline", "Arn": machine_arn, "RoleArn": "arn:aws:iam::123456789012:role/events-start" }] })).expect("target");
        sim.call("s3:PutObject", json!({ "Bucket": "uploads", "Key": "in/cat.png", "Body": "png" })).expect("upload");
        advance(&mut sim, t("1m5s"));
        let executions = sim.step_functions().executions.clone();
        if allowed {
            assert_eq!(executions.len(), 1);
            let done = describe(&mut sim, &executions[0].arn);
            assert_eq!(done["status"], "SUCCEEDED", "{done}");
            assert_eq!(output(&done)["key"], "in/cat.png", "the event is the execution's input");
        } else {
            assert!(executions.is_empty());
            let why = sim.log().iter().find(|e| e.message.starts_with("EventBridge rule start-pipeline could not invoke target pipeline")).expect("the failure is logged");
            assert!(why.message.contains("may not call states:StartExecution"), "{}", why.message);
        }
    }
}
