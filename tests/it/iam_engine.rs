//! IAM at work in the engine: task roles deciding application calls, execution roles deciding whether a
//! task can start, trust policies, and instance profiles deciding whether an agent can register.

use ecs_sim_tests::*;
use serde_json::json;

#[test]
fn least_privilege_task_role_allows_only_what_its_statements_name() {
    let sim = run_scenario("least-privilege-task-role", None, "8m");
    let view = sim.view();
    let task = view.tasks.iter().find(|t| t.service.as_deref() == Some("reports") && t.last_status == ecs_sim::view::TaskStatus::Running).expect("a running reports task");
    let verdicts: Vec<(&str, bool)> = task.access_log.iter().map(|r| (r.action.as_str(), r.allowed)).collect();
    assert_eq!(
        verdicts,
        vec![("s3:GetObject", true), ("s3:PutObject", false), ("dynamodb:PutItem", false), ("dynamodb:PutItem", true)]
    );
    assert_eq!(task.n_denied_calls, 2);
    assert!(task.access_log[0].explanation.contains("ReadReports"), "{}", task.access_log[0].explanation);
    let denied = &task.access_log[1].explanation;
    assert!(denied.starts_with("AccessDenied: User: arn:aws:sts::123456789012:assumed-role/reports-task-role/"), "{denied}");
    assert!(denied.contains("is not authorized to perform: s3:PutObject"), "{denied}");
    assert!(task.access_log[3].explanation.contains("IndexReports"));
    assert_eq!(task.access_log[0].principal, "arn:aws:iam::123456789012:role/reports-task-role");
}

#[test]
fn a_task_without_an_execution_role_cannot_pull_a_private_image() {
    let sim = run_scenario("missing-execution-role", None, "10m");
    let describe = sim.describe_all();
    let failed: Vec<_> = items(&describe, "tasks").iter().filter(|t| s(t, "taskDefinitionArn").ends_with("api:1")).collect();
    assert!(failed.len() >= 4, "revision 1 keeps failing until revision 2");
    for task in &failed {
        assert_eq!(s(task, "lastStatus"), "STOPPED");
        assert_eq!(s(task, "stopCode"), "TaskFailedToStart");
        assert!(s(task, "stoppedReason").starts_with("ResourceInitializationError"), "{}", s(task, "stoppedReason"));
        assert!(task.get("startedAt").is_none(), "a task that failed to start never started");
    }
    assert_eq!(tasks_with(&describe, "service:api", "RUNNING").len(), 2);
    let events = service_events(&describe, "api");
    // Throttling is announced once each time the service becomes throttled, not once per failed task.
    let throttled = events.iter().filter(|e| e.contains("is unable to consistently start tasks successfully.")).count();
    assert!(throttled >= 1 && throttled < failed.len(), "{throttled} throttle events for {} failures", failed.len());
}

#[test]
fn trust_policies_and_instance_profiles_decide_who_can_act() {
    let mut sim = ecs_sim::sim::Sim::new(&scenario("fargate-web-service"), None);
    advance(&mut sim, t("1s"));
    // A role that trusts EC2 only cannot be a task role.
    let trust_ec2 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    sim.call("iam:CreateRole", json!({ "RoleName": "ec2-only", "AssumeRolePolicyDocument": trust_ec2 })).expect("role created");
    sim.call("ecs:RegisterTaskDefinition", json!({
        "family": "wrong-trust", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
        "taskRoleArn": "arn:aws:iam::123456789012:role/ec2-only",
        "containerDefinitions": [ { "name": "app", "image": "public.ecr.aws/docker/library/busybox:1.36" } ] })).expect("registered");
    let error = sim
        .call("ecs:RunTask", json!({ "cluster": "demo", "taskDefinition": "wrong-trust", "launchType": "FARGATE",
            "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"] } } }))
        .expect_err("a task role must trust ecs-tasks.amazonaws.com");
    assert!(error.message.starts_with("ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ec2-only'"), "{}", error.message);

    // An instance profile whose role has no ECS permissions: the instance boots but never registers.
    sim.call("iam:CreateInstanceProfile", json!({ "InstanceProfileName": "bare" })).expect("profile");
    sim.call("iam:AddRoleToInstanceProfile", json!({ "InstanceProfileName": "bare", "RoleName": "ec2-only" })).expect("role added");
    sim.call("ec2:RunInstances", json!({ "InstanceType": "m5.large", "MinCount": 1, "MaxCount": 1, "SubnetId": "subnet-a",
        "IamInstanceProfile": { "Name": "bare" }, "UserData": "echo ECS_CLUSTER=demo >> /etc/ecs/ecs.config" })).expect("launched");
    sim.call("ec2:RunInstances", json!({ "InstanceType": "m5.large", "MinCount": 1, "MaxCount": 1, "SubnetId": "subnet-a",
        "UserData": "echo ECS_CLUSTER=demo >> /etc/ecs/ecs.config" })).expect("launched without a profile");
    sim.call("ec2:RunInstances", json!({ "InstanceType": "m5.large", "MinCount": 1, "MaxCount": 1, "SubnetId": "subnet-a",
        "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "echo ECS_CLUSTER=demo >> /etc/ecs/ecs.config" })).expect("launched");
    let unknown = sim.call("ec2:RunInstances", json!({ "InstanceType": "m5.large", "IamInstanceProfile": { "Name": "nope" } }));
    assert!(unknown.unwrap_err().message.contains("Invalid IAM Instance Profile name"));
    advance(&mut sim, t("5m"));
    let view = sim.view();
    let registered = view.instances.iter().filter(|i| i.status == Some(ecs_sim::view::ContainerInstanceStatus::Active)).count();
    assert_eq!(registered, 1, "only the instance with ecsInstanceRole joins the cluster");
    let why = sim.log().iter().filter(|e| e.message.contains("cannot call ecs:RegisterContainerInstance")).count();
    assert_eq!(why, 2, "both instances that cannot register say why");
}

#[test]
fn a_fargate_task_without_a_task_role_has_no_credentials() {
    let mut sim = run_scenario("fargate-web-service", None, "2m");
    let output = sim
        .call("sim:TaskCall", json!({ "cluster": "demo", "service": "web", "action": "s3:ListBucket", "resource": "arn:aws:s3:::example" }))
        .expect("the call is made");
    let results = output["results"].as_array().expect("results");
    assert_eq!(results.len(), 4, "every running task of the service makes the call");
    for result in results {
        assert_eq!(result["allowed"], json!(false));
        assert!(result["explanation"].as_str().unwrap_or("").starts_with("Unable to locate credentials"));
    }
}
