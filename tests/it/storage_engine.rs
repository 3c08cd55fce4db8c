//! Storage in the engine: EFS data that outlives tasks across Availability Zones, the failures AWS gives
//! when a task cannot reach its file system, and the lifetimes of the other volume types.

use ecs_sim::scenario::{builtin_scenario, parse_scenario};
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::{json, Value};

/// The wordpress-efs scenario with its document changed by `edit`.
fn wordpress_with(edit: impl FnOnce(&mut Value)) -> Sim {
    let mut document = builtin_scenario("wordpress-efs").expect("built-in").document;
    edit(&mut document);
    let scenario = parse_scenario(&document).expect("the edited scenario loads");
    let mut sim = Sim::new(&scenario, None);
    advance(&mut sim, t("3m30s"));
    sim
}

fn steps(document: &mut Value) -> &mut Vec<Value> {
    document["steps"].as_array_mut().expect("steps")
}

#[test]
fn efs_data_outlives_the_task_that_wrote_it_and_is_seen_from_another_zone() {
    let mut sim = run_scenario("wordpress-efs", None, "9m");
    let view = sim.view();
    let writer = view.tasks.iter().find(|task| task.created_at == t("5s") && task.availability_zone == "us-east-1a").expect("the first us-east-1a task");
    assert_eq!(writer.last_status, ecs_sim::view::TaskStatus::Stopped, "the writer was replaced by the 4m deployment");
    let reader = view.tasks.iter().find(|t| t.last_status == ecs_sim::view::TaskStatus::Running && t.availability_zone == "us-east-1b").expect("a running us-east-1b task");
    assert_eq!(reader.efs_mounts.len(), 1);
    assert_eq!(reader.efs_mounts[0].availability_zone, "us-east-1b", "each task mounts through the mount target of its own AZ");
    let output = sim
        .call("sim:ReadFile", json!({ "cluster": "demo", "task": reader.id, "sourceVolume": "wp-content", "path": "/uploads/2026/01/welcome.jpg" }))
        .expect("the file is there");
    assert_eq!(output["content"], json!("a photo uploaded through the first task"));
    // The access point roots the volume at /wordpress: the file system holds it there.
    let fs = &view.file_systems[0];
    assert_eq!(fs.mount_targets.len(), 2);
    assert!(fs.files.iter().any(|f| f.path == "/wordpress/uploads/2026/01/welcome.jpg" && f.written_by_task == writer.id));
}

#[test]
fn a_task_in_a_zone_without_a_mount_target_fails_as_aws_reports_it() {
    let sim = wordpress_with(|doc| {
        steps(doc).retain(|s| !(s["call"] == "efs:CreateMountTarget" && s["input"]["SubnetId"] == "subnet-b"));
    });
    let describe = sim.describe_all();
    let in_b: Vec<&Value> = items(&describe, "tasks").iter().filter(|t| s(t, "availabilityZone") == "us-east-1b").collect();
    assert!(in_b.iter().all(|t| s(t, "lastStatus") != "RUNNING"), "no task in us-east-1b ever runs");
    let failed: Vec<&Value> = in_b.into_iter().filter(|t| s(t, "lastStatus") == "STOPPED").collect();
    assert!(!failed.is_empty());
    for task in failed {
        assert_eq!(s(task, "stopCode"), "TaskFailedToStart");
        let reason = s(task, "stoppedReason");
        assert!(reason.starts_with("ResourceInitializationError"), "{reason}");
        assert!(reason.contains("Failed to resolve"), "{reason}");
    }
    assert!(items(&describe, "tasks").iter().any(|t| s(t, "availabilityZone") == "us-east-1a" && s(t, "lastStatus") == "RUNNING"));
}

#[test]
fn a_mount_target_security_group_without_nfs_blocks_the_mount() {
    let sim = wordpress_with(|doc| {
        doc["network"]["securityGroups"][1]["ingress"][0]["fromPort"] = json!(443);
        doc["network"]["securityGroups"][1]["ingress"][0]["toPort"] = json!(443);
    });
    let describe = sim.describe_all();
    let tasks = items(&describe, "tasks");
    assert!(!tasks.is_empty());
    assert!(tasks.iter().all(|t| s(t, "lastStatus") != "RUNNING"), "no task can mount without TCP 2049");
    let stopped: Vec<_> = tasks.iter().filter(|t| s(t, "lastStatus") == "STOPPED").collect();
    assert!(!stopped.is_empty());
    assert!(stopped.iter().all(|t| s(t, "stopCode") == "TaskFailedToStart"));
    assert!(stopped.iter().all(|t| s(t, "stoppedReason").starts_with("ResourceInitializationError")));
}

#[test]
fn fargate_platform_1_3_0_cannot_mount_efs() {
    let mut sim = run_scenario("wordpress-efs", None, "10s");
    let error = sim
        .call("ecs:RunTask", json!({ "cluster": "demo", "taskDefinition": "wordpress", "launchType": "FARGATE", "platformVersion": "1.3.0",
            "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"], "securityGroups": ["sg-wordpress"] } } }))
        .expect_err("EFS needs platform version 1.4.0");
    assert!(!error.message.is_empty());
}

#[test]
fn a_bind_mount_goes_with_its_task_and_a_host_path_stays_on_the_instance() {
    let mut sim = run_scenario("binpack-vs-spread", None, "1m");
    sim.call("ecs:RegisterTaskDefinition", json!({
        "family": "scratch", "requiresCompatibilities": ["EC2"],
        "volumes": [ { "name": "scratch" }, { "name": "cache", "host": { "sourcePath": "/var/cache/app" } } ],
        "containerDefinitions": [ { "name": "app", "image": "public.ecr.aws/docker/library/busybox:1.36", "memory": 128,
            "mountPoints": [ { "sourceVolume": "scratch", "containerPath": "/scratch" }, { "sourceVolume": "cache", "containerPath": "/cache" } ] } ] }))
        .expect("registered");
    let placement = json!([ { "type": "memberOf", "expression": "ec2InstanceId == PLACEHOLDER" } ]);
    let first = sim.call("ecs:RunTask", json!({ "cluster": "demo", "taskDefinition": "scratch" })).expect("run");
    let instance = first["tasks"][0]["containerInstanceArn"].as_str().expect("placed").to_string();
    let ec2_id = sim.describe_all()["containerInstances"].as_array().unwrap().iter().find(|ci| s(ci, "containerInstanceArn") == instance).map(|ci| s(ci, "ec2InstanceId").to_string()).unwrap();
    let task_id = first["tasks"][0]["taskArn"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    advance(&mut sim, t("2m"));
    for (volume, path) in [("scratch", "/notes.txt"), ("cache", "/index.db")] {
        sim.call("sim:WriteFile", json!({ "cluster": "demo", "task": task_id, "sourceVolume": volume, "path": path, "content": "data" })).expect("written");
    }
    sim.call("ecs:StopTask", json!({ "cluster": "demo", "task": task_id })).expect("stopped");
    advance(&mut sim, t("3m"));
    let constraint = serde_json::to_string(&placement).unwrap().replace("PLACEHOLDER", &ec2_id);
    let second = sim
        .call("ecs:RunTask", json!({ "cluster": "demo", "taskDefinition": "scratch", "placementConstraints": serde_json::from_str::<Value>(&constraint).unwrap() }))
        .expect("run on the same instance");
    assert_eq!(second["tasks"][0]["containerInstanceArn"].as_str(), Some(instance.as_str()));
    let second_id = second["tasks"][0]["taskArn"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    advance(&mut sim, t("4m"));
    let scratch = sim.call("sim:ReadFile", json!({ "cluster": "demo", "task": second_id, "sourceVolume": "scratch", "path": "/notes.txt" }));
    assert_eq!(scratch.expect_err("a task-scoped volume starts empty").code, "FileNotFound");
    let cache = sim.call("sim:ReadFile", json!({ "cluster": "demo", "task": second_id, "sourceVolume": "cache", "path": "/index.db" })).expect("the host path kept it");
    assert_eq!(cache["content"], json!("data"));
}

#[test]
fn a_learner_who_mounts_s3_is_told_why_not_and_what_to_use() {
    let mut sim = run_scenario("fargate-web-service", None, "1s");
    let error = sim
        .call("ecs:RegisterTaskDefinition", json!({ "family": "s3-mount", "requiresCompatibilities": ["EC2"],
            "volumes": [ { "name": "bucket", "host": { "sourcePath": "s3://example-bucket/data" } } ],
            "containerDefinitions": [ { "name": "app", "image": "public.ecr.aws/docker/library/busybox:1.36", "memory": 128,
                "mountPoints": [ { "sourceVolume": "bucket", "containerPath": "/data" } ] } ] }))
        .expect_err("S3 is not a volume");
    assert_eq!(error.code, "ClientException");
    assert!(error.message.contains("cannot be mounted") && error.message.contains("EFS"), "{}", error.message);
}
