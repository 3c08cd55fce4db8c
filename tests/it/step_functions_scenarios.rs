//! The Step Functions and event-driven built-in scenarios, with their outcomes asserted: an image-processing task
//! started by an S3 upload, and a Map pipeline of Fargate tasks that retries a failed one.

use ecs_sim_tests::*;
use serde_json::{json, Value};

fn keys(sim: &mut ecs_sim::sim::Sim, bucket: &str, prefix: &str) -> Vec<String> {
    let listed = sim.call("s3:ListObjectsV2", json!({ "Bucket": bucket, "Prefix": prefix })).expect("list");
    listed["Contents"].as_array().map(|c| c.iter().map(|o| o["Key"].as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
}

#[test]
fn an_s3_upload_runs_a_thumbnail_task_that_writes_its_result_and_exits_0() {
    let mut sim = run_scenario("s3-upload-thumbnail", None, "6m");
    let describe = sim.describe_all();
    let jobs: Vec<&Value> = items(&describe, "tasks").iter().filter(|t| t["startedBy"] == "events-rule/on-upload").collect();
    assert_eq!(jobs.len(), 2, "one task per upload under uploads/, none for notes/: {:?}", sim.log().iter().rev().take(30).map(|e| e.message.clone()).collect::<Vec<_>>());
    for job in &jobs {
        assert_eq!((job["lastStatus"].as_str(), job["launchType"].as_str()), (Some("STOPPED"), Some("FARGATE")));
        assert_eq!(job["containers"][0]["exitCode"], 0, "{job}");
    }
    assert_eq!(keys(&mut sim, "images", "thumbnails/"), ["thumbnails/cat.png", "thumbnails/dog.png"]);
    let rule = sim.call("events:ListTargetsByRule", json!({ "Rule": "on-upload" })).expect("targets");
    assert_eq!(rule["Targets"][0]["Id"], "thumbnail");
}

#[test]
fn a_map_pipeline_retries_the_failed_west_task_and_succeeds() {
    let mut sim = run_scenario("step-functions-map-retry", None, "8m");
    let execution = "arn:aws:states:us-east-1:123456789012:execution:sales-reports:daily-1";
    let done = sim.call("states:DescribeExecution", json!({ "executionArn": execution })).expect("describe");
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let history = sim.call("states:GetExecutionHistory", json!({ "executionArn": execution })).expect("history");
    let events = history["events"].as_array().expect("events");
    let count = |kind: &str| events.iter().filter(|e| e["type"] == kind).count();
    assert_eq!((count("MapIterationStarted"), count("MapIterationSucceeded")), (4, 4));
    assert_eq!((count("TaskScheduled"), count("TaskFailed")), (5, 1), "four tasks and the west retry");
    let failed = events.iter().find(|e| e["type"] == "TaskFailed").expect("the west task's failure");
    assert_eq!(failed["taskFailedEventDetails"]["error"], "States.TaskFailed");
    assert!(failed["taskFailedEventDetails"]["cause"].as_str().unwrap_or("").contains("sales/west.csv"), "the cause is the stopped west task");
    let describe = sim.describe_all();
    let tasks: Vec<&Value> = items(&describe, "tasks").iter().filter(|t| t["startedBy"] == "AWS Step Functions").collect();
    assert_eq!(tasks.len(), 5);
    assert_eq!(tasks.iter().filter(|t| t["containers"][0]["exitCode"] == 1).count(), 1);
    assert_eq!(keys(&mut sim, "sales-data", "reports/"), ["reports/east.csv", "reports/north.csv", "reports/south.csv", "reports/west.csv"]);
}
