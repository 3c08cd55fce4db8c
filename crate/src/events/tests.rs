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
