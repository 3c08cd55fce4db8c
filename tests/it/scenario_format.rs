//! The scenario file format: loading errors name the field, `${name.Path[0].Field}` references are substituted,
//! and a step AWS would refuse is logged as an error while the scenario goes on.

use ecs_sim::scenario::parse_scenario_str;
use ecs_sim::sim::LogKind;
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::Value;

/// The (path, message) of every loading error of `text`; panics if it loads.
fn errors(text: &str) -> Vec<(String, String)> {
    match parse_scenario_str(text) {
        Ok(_) => panic!("loaded: {text}"),
        Err(errors) => errors.into_iter().map(|e| (e.path, e.message)).collect(),
    }
}

/// Asserts that one of the errors has `path` and a message containing `fragment`.
fn assert_error(text: &str, path: &str, fragment: &str) {
    let errors = errors(text);
    assert!(errors.iter().any(|(p, m)| p == path && m.contains(fragment)), "expected {path}: …{fragment}… in {errors:?}");
}

#[test]
fn format_version_errors() {
    assert_error(r#"{ "steps": [] }"#, "formatVersion", "formatVersion is required");
    assert_error(
        r#"{ "formatVersion": 7, "steps": [] }"#,
        "formatVersion",
        "This scenario uses formatVersion 7, which is newer than this playground reads (1). Update the playground to open it.",
    );
    assert_error(r#"{ "formatVersion": "1", "steps": [] }"#, "formatVersion", "is not supported; this playground reads formatVersion 1");
    assert_error(r#"{ "formatVersion": 0, "steps": [] }"#, "formatVersion", "is not supported");
    assert_error(r#"{ "formatVersion": 1.5 }"#, "formatVersion", "is not supported");
}

#[test]
fn step_errors_name_the_step_and_field() {
    let step = |s: &str| format!(r#"{{ "formatVersion": 1, "steps": [ {s} ] }}"#);
    assert_error(&step(r#"{ "at": "soon", "call": "ecs:CreateCluster" }"#), "steps[0].at", "");
    assert_error(&step(r#"{ "at": -5, "call": "ecs:CreateCluster" }"#), "steps[0].at", "non-negative number of seconds");
    assert_error(&step(r#"{ "at": true, "call": "ecs:CreateCluster" }"#), "steps[0].at", "duration");
    assert_error(&step(r#"{ "at": "1m", "call": "ecs:Frobnicate" }"#), "steps[0].call", "The playground does not know the call 'ecs:Frobnicate'.");
    assert_error(&step(r#"{ "at": "1m", "call": "CreateCluster" }"#), "steps[0].call", "service:Operation");
    assert_error(&step(r#"{ "at": "1m" }"#), "steps[0].call", "call is required");
    assert_error(&step(r#"{ "at": "1m", "call": "ecs:CreateCluster", "input": "demo" }"#), "steps[0].input", "input must be an object");
    assert_error(
        &step(r#"{ "call": "ecs:CreateCluster" }, { "call": "ec2:TerminateInstances", "input": { "InstanceIds": ["${ghost.Instances[0].InstanceId}"] } }"#),
        "steps[1].input",
        "${ghost.Instances[0].InstanceId} refers to 'ghost', which no earlier step names with \"as\".",
    );
    // A reference to a later step's name is as undefined as a missing one.
    assert_error(
        &step(r#"{ "call": "ec2:TerminateInstances", "input": { "InstanceIds": ["${fleet.Instances[0].InstanceId}"] } }, { "call": "ec2:RunInstances", "as": "fleet" }"#),
        "steps[0].input",
        "refers to 'fleet'",
    );
    assert_error(
        &step(r#"{ "call": "ec2:RunInstances", "as": "fleet" }, { "call": "ec2:RunInstances", "as": "fleet" }"#),
        "steps[1].as",
        "The name 'fleet' is already used by an earlier step.",
    );
    assert_error(&step(r#"{ "call": "ec2:RunInstances", "as": "my fleet" }"#), "steps[0].as", "letters, digits");
    assert_error(r#"{ "formatVersion": 1, "steps": {} }"#, "steps", "steps must be an array");
}

#[test]
fn network_region_and_json_errors() {
    assert_error(
        r#"{ "formatVersion": 1, "region": "eu-west-1", "network": { "subnets": [ { "subnetId": "subnet-a", "availabilityZone": "us-east-1a" } ] } }"#,
        "network.subnets[0].availabilityZone",
        "'us-east-1a' is not an Availability Zone of eu-west-1",
    );
    assert_error(
        r#"{ "formatVersion": 1, "network": { "subnets": [ { "subnetId": "s", "availabilityZone": "us-east-1a" }, { "subnetId": "s", "availabilityZone": "us-east-1b" } ] } }"#,
        "network.subnets[1].subnetId",
        "used twice",
    );
    assert_error(r#"{ "formatVersion": 1, "network": { "subnets": [] } }"#, "network.subnets", "at least one subnet");
    assert_error(r#"{ "formatVersion": 1, "region": "Mars" }"#, "region", "is not a Region name");
    assert_error(r#"{ "formatVersion": 1, "seed": -3 }"#, "seed", "non-negative integer");
    assert_error(r#"{ "formatVersion": 1, "startTime": "yesterday" }"#, "startTime", "");
    assert_error("{ \"formatVersion\": 1, ", "$", "The scenario is not valid JSON");
    assert_error("[1, 2]", "$", "must be a JSON object");
    // Several problems are all reported.
    let errors = errors(r#"{ "formatVersion": 1, "region": 5, "steps": [ { "at": "x", "call": "ecs:Nope" } ] }"#);
    assert!(errors.len() >= 3, "{errors:?}");
}

const FLEET: &str = r#"{
  "formatVersion": 1, "name": "references", "seed": 3,
  "steps": [
    { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo" } },
    { "at": "0s", "call": "ec2:RunInstances", "as": "fleet", "input": { "InstanceType": "t3.large", "MinCount": 2, "MaxCount": 2,
        "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "echo ECS_CLUSTER=demo >> /etc/ecs/ecs.config" } },
    { "at": "1m", "call": "ecs:RunTask", "input": { "cluster": "nowhere", "taskDefinition": "nothing" } },
    { "at": "1m", "call": "ecs:DescribeClusters", "as": "ghost", "input": { "clusters": ["${fleet.Instances[0].Placement.AvailabilityZone}"] } },
    { "at": "90s", "call": "ecs:CreateCluster", "as": "broken", "input": { "clusterName": "not a valid name!" } },
    { "at": "100s", "call": "ecs:CreateCluster", "input": { "clusterName": "${broken.cluster.clusterName}" } },
    { "at": "2m", "call": "ec2:TerminateInstances", "input": { "InstanceIds": ["${fleet.Instances[0].InstanceId}"] } },
    { "at": "3m", "call": "ecs:CreateCluster", "input": { "clusterName": "late-${fleet.OwnerId}-${fleet.Instances[1].State.Name}" } }
  ]
}"#;

#[test]
fn references_are_substituted_and_refused_steps_do_not_stop_the_scenario() {
    let mut sim = Sim::new(&scenario(FLEET), None);
    advance(&mut sim, t("5m"));
    let view = sim.view();
    assert_eq!(view.instances.len(), 2);
    // Instance 0 of the fleet was terminated through the reference; instance 1 still runs.
    assert_eq!(view.instances[0].ec2_state, ecs_sim::view::Ec2State::Terminated);
    assert_eq!(view.instances[1].ec2_state, ecs_sim::view::Ec2State::Running);
    let terminate = sim.log().iter().find(|e| e.kind == LogKind::Call && e.subject == "ec2:TerminateInstances").expect("the step ran");
    assert_eq!(terminate.input.as_ref().unwrap()["InstanceIds"][0].as_str(), Some(view.instances[0].ec2_instance_id.as_str()));
    // A reference inside a longer string, to a nested field.
    assert!(view.clusters.iter().any(|c| c.name == "late-123456789012-pending"), "{:?}", view.clusters);
    let describe = sim.log().iter().find(|e| e.subject == "ecs:DescribeClusters").unwrap();
    assert_eq!(describe.input.as_ref().unwrap()["clusters"][0], Value::from("us-east-1a"));

    let errors: Vec<_> = sim.log().iter().filter(|e| e.kind == LogKind::Error).collect();
    // RunTask on a cluster that does not exist is refused as AWS refuses it, and logged.
    assert!(errors.iter().any(|e| e.subject == "ecs:RunTask" && e.message == "ClusterNotFoundException: Cluster not found." && e.time == t("1m")), "{errors:?}");
    assert!(errors.iter().any(|e| e.subject == "ecs:CreateCluster" && e.message.starts_with("InvalidParameterException: Cluster name")), "{errors:?}");
    // The step that refers to the refused step's output cannot be substituted: an error naming the step.
    assert!(
        errors.iter().any(|e| e.message.starts_with("steps[5].input: ${broken.cluster.clusterName}: no step output named 'broken'")),
        "{errors:?}"
    );
    assert_eq!(errors.len(), 3, "{errors:?}");
    // The error events are in describe_all()'s events too.
    let d = sim.describe_all();
    assert_eq!(items(&d, "events").iter().filter(|e| e["type"] == "error").count(), 3);
}
