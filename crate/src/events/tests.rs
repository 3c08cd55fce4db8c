//! Table tests of EventBridge patterns, input transformation and rules. Source: Amazon EventBridge User Guide,
//! "Event patterns", "Content filtering" and "Input transformation".

use serde_json::{json, Value};

use super::*;

fn object_created(bucket: &str, key: &str) -> Value {
    json!({ "source": "aws.s3", "detail-type": "Object Created", "detail": { "bucket": { "name": bucket }, "object": { "key": key, "size": 5 } }, "resources": [format!("arn:aws:s3:::{bucket}")] })
}

#[test]
fn patterns_match_fields_values_and_matchers() {
    let event = object_created("uploads", "in/cat.png");
    let cases: [(Value, bool); 10] = [
        (json!({ "source": ["aws.s3"] }), true),
        (json!({ "source": ["aws.ec2"] }), false),
        (json!({ "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": { "bucket": { "name": ["uploads"] } } }), true),
        (json!({ "detail": { "bucket": { "name": ["other"] } } }), false),
        (json!({ "detail": { "object": { "key": [{ "prefix": "in/" }] } } }), true),
        (json!({ "detail": { "object": { "key": [{ "suffix": ".jpg" }] } } }), false),
        (json!({ "detail": { "object": { "size": [5] } } }), true),
        (json!({ "detail": { "object": { "version-id": [{ "exists": false }] } } }), true),
        (json!({ "resources": ["arn:aws:s3:::uploads"] }), true),
        (json!({ "detail": { "bucket": { "name": [{ "anything-but": ["uploads"] }] } } }), false),
    ];
    for (pattern, expected) in cases {
        assert_eq!(matches(&pattern, &event), expected, "{pattern}");
    }
    for (bad, reason) in [(json!({ "source": "aws.s3" }), "Match value must be String, number, true, false, or null at source"), (json!({ "a": [{ "regex": "x" }] }), "Unrecognized match type regex"), (json!({}), "Empty objects are not allowed")] {
        assert_eq!(check_pattern(&bad).unwrap_err(), reason);
    }
}

#[test]
fn rules_route_matching_events_to_their_targets_with_transformed_input() {
    let mut state = EventsState::new();
    let ctx = EventsContext { region: "us-east-1".into(), account_id: "123456789012".into() };
    let pattern = json!({ "source": ["aws.s3"], "detail": { "bucket": { "name": ["uploads"] } } }).to_string();
    let arn = state.handle("events:PutRule", &json!({ "Name": "on-upload", "EventPattern": pattern }), &ctx).unwrap().unwrap();
    assert_eq!(arn["RuleArn"], "arn:aws:events:us-east-1:123456789012:rule/on-upload");
    let template = r#"{"containerOverrides":[{"name":"resize","environment":[{"name":"KEY","value":<key>},{"name":"PATH","value":"s3://uploads/<key>"}]}]}"#;
    let targets = json!({ "Rule": "on-upload", "Targets": [{
        "Id": "resize", "Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/demo", "RoleArn": "arn:aws:iam::123456789012:role/events-run-task",
        "EcsParameters": { "TaskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/resize:1" },
        "InputTransformer": { "InputPathsMap": { "key": "$.detail.object.key" }, "InputTemplate": template },
    }] });
    assert_eq!(state.handle("events:PutTargets", &targets, &ctx).unwrap().unwrap()["FailedEntryCount"], 0);
    let invocations = state.route(&object_created("uploads", "in/cat.png"));
    assert_eq!(invocations.len(), 1);
    assert_eq!(invocations[0].input["containerOverrides"][0]["environment"][0]["value"], "in/cat.png");
    assert_eq!(invocations[0].input["containerOverrides"][0]["environment"][1]["value"], "s3://uploads/in/cat.png");
    assert!(state.route(&object_created("other", "x")).is_empty());
    let missing = state.handle("events:PutTargets", &json!({ "Rule": "nope", "Targets": [{ "Id": "a", "Arn": "arn:aws:sqs:us-east-1:123456789012:q" }] }), &ctx).unwrap().unwrap_err();
    assert_eq!((missing.code, missing.message.as_str()), ("ResourceNotFoundException", "Rule nope does not exist on EventBus default."));
    let bad = state.handle("events:PutRule", &json!({ "Name": "bad", "EventPattern": "{\"source\": \"aws.s3\"}" }), &ctx).unwrap().unwrap_err();
    assert_eq!(bad.code, "InvalidEventPatternException");
    assert!(bad.message.starts_with("Event pattern is not valid. Reason: "), "{}", bad.message);
    state.handle("events:PutRule", &json!({ "Name": "on-upload", "EventPattern": pattern, "State": "DISABLED" }), &ctx).unwrap().unwrap();
    assert!(state.route(&object_created("uploads", "in/cat.png")).is_empty(), "a disabled rule matches nothing");
    assert_eq!(state.rules.get("on-upload").unwrap().targets.len(), 1, "PutRule keeps the rule's targets");
}

/// A task state change as ECS sends it for a task stopped by its user (shape of the real 2024 event quoted in
/// observability-troubleshooting.md §3.7, IDX 67129463746).
fn stopped_task_event() -> Value {
    let task = json!({
        "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/demo/0123456789abcdef0123456789abcdef",
        "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/demo",
        "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "launchType": "FARGATE", "cpu": "256", "memory": "512",
        "stopCode": "UserInitiated", "stoppedReason": "Task stopped by user", "version": 9, "healthStatus": "UNKNOWN", "tags": [],
        "group": "service:web", "startedBy": "ecs-svc/4034032221499882557",
        "containers": [{ "name": "web", "lastStatus": "STOPPED", "exitCode": 0 }],
        "attachments": [{ "id": "a1b2c3d4-e5f6", "type": "ElasticNetworkInterface", "status": "DELETED", "details": [] }],
    });
    let origin = ecs::EventOrigin { id: "3317b2af-7005-947d-b652-f55e762e571a".into(), time_iso: "2026-01-05T09:03:00.000Z".into(), region: "us-east-1".into(), account_id: "123456789012".into() };
    let detail = ecs::task_detail(&task, "2026-01-05T09:03:00.000Z");
    ecs::envelope(ecs::EcsDetailType::TaskStateChange, &origin, &[task["taskArn"].as_str().unwrap()], detail)
}

#[test]
fn ecs_event_envelopes_and_details_have_the_documented_shapes() {
    // Source: ECSDG ecs_cwe_events.md (envelope and detail fields); ecs_task_events.html ("Task health isn't
    // provided in task state change events"; times are ISO strings).
    let event = stopped_task_event();
    let keys: Vec<&str> = event.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["account", "detail", "detail-type", "id", "region", "resources", "source", "time", "version"]);
    assert_eq!((event["version"].as_str(), event["source"].as_str()), (Some("0"), Some("aws.ecs")));
    assert_eq!(event["resources"], json!(["arn:aws:ecs:us-east-1:123456789012:task/demo/0123456789abcdef0123456789abcdef"]));
    let detail = &event["detail"];
    assert!(detail.get("healthStatus").is_none() && detail.get("tags").is_none());
    assert_eq!(detail["attachments"][0]["type"], "eni");
    assert_eq!(detail["updatedAt"], "2026-01-05T09:03:00.000Z");
    assert_eq!(detail["overrides"], json!({ "containerOverrides": [{ "name": "web" }] }));
    assert_eq!(detail["containers"][0]["exitCode"], 0);
    // Service actions, as the guide groups them by eventType.
    let cases: [(&str, Option<(&str, &str, Option<&str>)>); 7] = [
        ("(service web) was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone.", Some(("SERVICE_TASK_PLACEMENT_FAILURE", "ERROR", Some("RESOURCE:FARGATE")))),
        ("(service web) has reached a steady state.", Some(("SERVICE_STEADY_STATE", "INFO", None))),
        ("(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance b1a7) has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", Some(("SERVICE_TASK_PLACEMENT_FAILURE", "ERROR", Some("RESOURCE:MEMORY")))),
        ("(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance b1a7) has insufficient CPU units available.", Some(("SERVICE_TASK_PLACEMENT_FAILURE", "ERROR", Some("RESOURCE:CPU")))),
        ("(service web) is unable to consistently start tasks successfully.", Some(("SERVICE_TASK_START_IMPAIRED", "WARN", None))),
        ("(service web) has stopped 1 running tasks: (task 218dcf0765ba4c97a2eeb1f06a0e913b).", Some(("TASKS_STOPPED", "INFO", None))),
        ("(service web) has started 1 tasks: (task 2c47373308424022880765916ed57a9d).", None),
    ];
    for (message, expected) in cases {
        let got = ecs::service_action_of(message).map(|(a, reason)| (a.event_name(), a.event_type(), reason));
        assert_eq!(got, expected, "{message}");
    }
    let action = ecs::service_action_detail(ecs::ServiceAction::TaskPlacementFailure, "arn:aws:ecs:us-east-1:123456789012:cluster/demo", "2026-01-05T09:03:00.000Z", Some("RESOURCE:CPU"));
    assert_eq!(action, json!({ "eventType": "ERROR", "eventName": "SERVICE_TASK_PLACEMENT_FAILURE", "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/demo", "createdAt": "2026-01-05T09:03:00.000Z", "reason": "RESOURCE:CPU" }));
    // Deployment reasons (ecs_cwe_events.md).
    use ecs::DeploymentEvent::*;
    assert_eq!(ecs::deployment_reason(InProgress, "ecs-svc/123", false), "ECS deployment ecs-svc/123 in progress.");
    assert_eq!(ecs::deployment_reason(InProgress, "ecs-svc/123", true), "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/123.");
    assert_eq!(ecs::deployment_reason(Completed, "ecs-svc/123", false), "ECS deployment ecs-svc/123 completed.");
    assert_eq!(ecs::deployment_reason(Failed, "ecs-svc/123", false), "ECS deployment circuit breaker: task failed to start.");
    let deployment = ecs::deployment_detail(Completed, "ecs-svc/123", "2026-01-05T09:03:00.000Z", "ECS deployment ecs-svc/123 completed.");
    assert_eq!((deployment["eventName"].as_str(), deployment["eventType"].as_str()), (Some("SERVICE_DEPLOYMENT_COMPLETED"), Some("INFO")));
}

#[test]
fn patterns_match_ecs_events_with_every_matcher() {
    // Source: Amazon EventBridge User Guide, "Content filtering in Amazon EventBridge event patterns" (prefix,
    // suffix, equals-ignore-case, anything-but with a list or a prefix, numeric, exists, wildcard).
    let event = stopped_task_event();
    let cases: [(Value, bool); 22] = [
        (json!({ "source": ["aws.ecs"], "detail-type": ["ECS Task State Change"], "detail": { "lastStatus": ["STOPPED"] } }), true),
        (json!({ "detail": { "lastStatus": ["RUNNING"] } }), false),
        (json!({ "detail": { "stoppedReason": [{ "prefix": "Task stopped" }] } }), true),
        (json!({ "detail": { "group": [{ "prefix": "family:" }] } }), false),
        (json!({ "detail": { "taskArn": [{ "suffix": "abcdef" }] } }), true),
        (json!({ "detail": { "stopCode": [{ "equals-ignore-case": "userinitiated" }] } }), true),
        (json!({ "detail": { "stopCode": [{ "anything-but": ["UserInitiated", "EssentialContainerExited"] }] } }), false),
        (json!({ "detail": { "stopCode": [{ "anything-but": "SpotInterruption" }] } }), true),
        (json!({ "detail": { "group": [{ "anything-but": { "prefix": "service:" } }] } }), false),
        (json!({ "detail": { "group": [{ "anything-but": { "prefix": "family:" } }] } }), true),
        (json!({ "detail": { "missing": [{ "anything-but": "x" }] } }), false),
        (json!({ "detail": { "version": [{ "numeric": [">", 5, "<=", 9] }] } }), true),
        (json!({ "detail": { "version": [{ "numeric": [">=", 10] }] } }), false),
        (json!({ "detail": { "version": [{ "numeric": ["=", 9] }] } }), true),
        (json!({ "detail": { "cpu": [{ "numeric": [">", 0] }] } }), false),
        (json!({ "detail": { "containers": { "exitCode": [{ "numeric": ["=", 0] }] } } }), true),
        (json!({ "detail": { "containers": { "exitCode": [{ "numeric": [">", 0] }] } } }), false),
        (json!({ "detail": { "stopCode": [{ "exists": true }], "executionStoppedAt": [{ "exists": false }] } }), true),
        (json!({ "detail": { "stopCode": [{ "exists": false }] } }), false),
        (json!({ "detail": { "clusterArn": [{ "wildcard": "arn:aws:ecs:*:123456789012:cluster/*" }] } }), true),
        (json!({ "detail": { "clusterArn": [{ "wildcard": "arn:aws:ecs:*:cluster/prod-*" }] } }), false),
        (json!({ "source": [{ "wildcard": "aws.*" }], "detail": { "stoppedReason": [{ "wildcard": "Task * by user" }] } }), true),
    ];
    for (pattern, expected) in cases {
        assert_eq!(check_pattern(&pattern), Ok(()), "{pattern}");
        assert_eq!(matches(&pattern, &event), expected, "{pattern}");
    }
    // A star escaped with a backslash is a literal star; other characters are literal.
    let starred = json!({ "name": "a*b?c" });
    assert!(matches(&json!({ "name": [{ "wildcard": "a\\*b?c" }] }), &starred));
    assert!(!matches(&json!({ "name": [{ "wildcard": "a\\*x*" }] }), &starred));
    for (bad, reason) in [
        (json!({ "v": [{ "numeric": [">"] }] }), "Value of numeric must be an array of one or two comparisons. at v"),
        (json!({ "v": [{ "numeric": ["!=", 1] }] }), "Unrecognized numeric range operator: \"!=\" at v"),
        (json!({ "v": [{ "numeric": [">", "one"] }] }), "Value of > must be numeric at v"),
        (json!({ "v": [{ "wildcard": "a**" }] }), "Consecutive wildcard characters at pos 2 at v"),
        (json!({ "v": [{ "exists": "yes" }] }), "exists match pattern must be either true or false at v"),
        (json!({ "v": [{ "anything-but": { "numeric": [">", 1] } }] }), "Unsupported anything-but pattern: numeric"),
    ] {
        assert_eq!(check_pattern(&bad).unwrap_err(), reason, "{bad}");
    }
    // Whether a rule could match Amazon ECS's events decides whether the engine builds them.
    assert!(could_match_source(&json!({ "detail-type": ["ECS Task State Change"] }), "aws.ecs"));
    assert!(could_match_source(&json!({ "source": [{ "prefix": "aws." }] }), "aws.ecs"));
    assert!(!could_match_source(&json!({ "source": ["aws.s3"] }), "aws.ecs"));
    assert_eq!(target_service("arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/ecs:*"), TargetService::LogGroup("/aws/events/ecs".into()));
    assert_eq!(target_service("arn:aws:ecs:us-east-1:123456789012:cluster/demo"), TargetService::EcsCluster);
    assert_eq!(target_service("arn:aws:sns:us-east-1:123456789012:alerts"), TargetService::SnsTopic("arn:aws:sns:us-east-1:123456789012:alerts".into()));
}
