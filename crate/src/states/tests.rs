//! Table tests of Amazon States Language: validation with Step Functions' diagnostics, paths, Choice rules and
//! retry back-off, Map and Parallel states. Sources: SFNDG amazon-states-language-*.md, concepts-error-handling.md; the diagnostic format
//! observed in ../shared/reference/integrations-export.md §1.

use serde_json::json;

use super::asl::*;

#[test]
fn definitions_are_refused_with_every_diagnostic() {
    let missing = r#"{"StartAt":"pass1","States":{"pass1":{"Type":"Pass","Next":"pass3"},"pass2":{"Type":"Pass","End":true}}}"#;
    let diagnostics = parse_definition(missing).unwrap_err();
    assert_eq!(
        invalid_definition(&diagnostics),
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2'"
    );
    let cases = [
        (r#"{"States":{"a":{"Type":"Succeed"}}}"#, "SCHEMA_VALIDATION_FAILED: The field 'StartAt' is required but was missing at /"),
        (r#"{"StartAt":"a","States":{"a":{"Type":"Pass"}}}"#, "SCHEMA_VALIDATION_FAILED: The field 'Next' is required but was missing at /States/a"),
        (r#"{"StartAt":"a","States":{"a":{"Type":"Map","End":true}}}"#, "SCHEMA_VALIDATION_FAILED: The field 'ItemProcessor' is required but was missing at /States/a"),
        (r#"{"StartAt":"a","States":{"a":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync","End":true,"Retry":[{"ErrorEquals":["States.ALL","X"]}]}}}"#, "SCHEMA_VALIDATION_FAILED: Error names 'States.ALL' must appear alone at /States/a/Retry[0]/ErrorEquals"),
        (r#"{"StartAt":"b","States":{"a":{"Type":"Succeed"}}}"#, "MISSING_TRANSITION_TARGET: Missing 'StartAt' target: b at /StartAt"),
        ("{", "INVALID_JSON_DESCRIPTION: EOF while parsing an object at line 1 column 1"),
    ];
    for (text, first) in cases {
        let diagnostics = parse_definition(text).unwrap_err();
        assert_eq!(diagnostics[0], first, "{text}");
    }
}

#[test]
fn paths_read_write_and_fill_parameters() {
    let input = json!({ "job": { "key": "in/a.png", "sizes": [1, 2] } });
    assert_eq!(read_path(&input, "$.job.key"), Some(json!("in/a.png")));
    assert_eq!(read_path(&input, "$.job.sizes[1]"), Some(json!(2)));
    assert_eq!(read_path(&input, "$"), Some(input.clone()));
    assert_eq!(read_path(&input, "$.nope"), None);
    assert_eq!(write_path(&input, "$.result.code", json!(0)).unwrap()["result"], json!({ "code": 0 }));
    assert_eq!(write_path(&input, "$", json!(7)), Some(json!(7)));
    let template = json!({ "Cluster": "demo", "Overrides": { "ContainerOverrides": [{ "Name": "app", "Environment": [{ "Name": "KEY", "Value.$": "$.job.key" }, { "Name": "RUN", "Value.$": "$$.Execution.Name" }] }] } });
    let filled = fill_parameters(&template, &input, &json!({ "Execution": { "Name": "run-1" } })).unwrap();
    assert_eq!(filled["Overrides"]["ContainerOverrides"][0]["Environment"], json!([{ "Name": "KEY", "Value": "in/a.png" }, { "Name": "RUN", "Value": "run-1" }]));
    let missing = fill_parameters(&json!({ "K.$": "$.absent" }), &input, &json!({})).unwrap_err();
    assert!(missing.starts_with("The JSONPath '$.absent' specified for the field 'K.$' could not be found"), "{missing}");
}

#[test]
fn choice_rules_compare_as_the_guide_says() {
    let input = json!({ "count": 12, "ratio": 0.5, "status": "ok", "flag": true });
    let cases = [
        (json!({ "Variable": "$.count", "NumericGreaterThan": 10 }), true),
        (json!({ "Variable": "$.count", "NumericLessThanEquals": 11.5 }), false),
        (json!({ "Variable": "$.ratio", "NumericEquals": 0.50 }), true),
        (json!({ "Variable": "$.status", "StringEquals": "ok" }), true),
        (json!({ "Variable": "$.count", "StringEquals": "12" }), false),
        (json!({ "Variable": "$.flag", "BooleanEquals": true }), true),
        (json!({ "Variable": "$.missing", "IsPresent": false }), true),
        (json!({ "And": [{ "Variable": "$.count", "NumericGreaterThanEquals": 12 }, { "Not": { "Variable": "$.status", "StringEquals": "failed" } }] }), true),
        (json!({ "Or": [{ "Variable": "$.missing", "StringEquals": "x" }, { "Variable": "$.flag", "BooleanEquals": false }] }), false),
    ];
    for (rule, expected) in cases {
        assert_eq!(rule_holds(&rule, &input), expected, "{rule}");
    }
}

#[test]
fn retries_back_off_and_error_names_match_as_documented() {
    // SFNDG: IntervalSeconds 1, BackoffRate 2.0 by default; waits 1 s, 2 s, 4 s.
    let retrier = Retrier { error_equals: vec!["States.TaskFailed".into()], interval_ms: 1000, max_attempts: 3, backoff_milli: 2000 };
    assert_eq!((0..3).map(|a| retry_delay_ms(&retrier, a)).collect::<Vec<_>>(), [1000, 2000, 4000]);
    let slow = Retrier { interval_ms: 10_000, backoff_milli: 1500, ..retrier };
    assert_eq!(retry_delay_ms(&slow, 2), 22_500);
    let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert!(error_matches(&list(&["States.ALL"]), "ECS.AmazonECSException"));
    assert!(error_matches(&list(&["States.TaskFailed"]), "ECS.ServerException"));
    assert!(!error_matches(&list(&["States.TaskFailed"]), "States.Timeout"));
    // Exact and case-sensitive: `Ecs.` is not `ECS.` (observed in wellcomecollection/catalogue-pipeline#3554).
    assert!(!error_matches(&list(&["Ecs.ServerException"]), "ECS.ServerException"));
    let parsed = parse_definition(r#"{"StartAt":"t","States":{"t":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync","End":true,"Retry":[{"ErrorEquals":["States.TaskFailed"],"IntervalSeconds":10,"BackoffRate":1.5,"MaxAttempts":2}]}}}"#).unwrap();
    let StateKind::Task { retry, integration, .. } = &parsed.states[0].kind else { panic!("a Task state") };
    assert_eq!(*integration, Integration::Sync);
    assert_eq!((retry[0].interval_ms, retry[0].backoff_milli, retry[0].max_attempts), (10_000, 1500, 2));
}

#[test]
fn states_are_kept_in_the_order_a_run_reaches_them() {
    let text = r#"{"StartAt":"Prepare","States":{"Done":{"Type":"Succeed"},"Prepare":{"Type":"Pass","Next":"Check"},"Check":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Done"}],"Default":"Failed"},"Failed":{"Type":"Fail"}}}"#;
    let names: Vec<String> = parse_definition(text).unwrap().states.iter().map(|s| s.name.clone()).collect();
    assert_eq!(names, ["Prepare", "Check", "Done", "Failed"]);
}

/// Map and Parallel definitions, refused with a diagnostic located inside the nested machine. Sources: SFNDG
/// amazon-states-language-map-state.md (`ItemProcessor` or the legacy `Iterator`, `ItemSelector` or the legacy
/// `Parameters`, `ItemsPath`, `MaxConcurrency`), amazon-states-language-parallel-state.md (`Branches`, each a
/// machine whose transitions stay inside it), amazon-states-language-state-machine-structure.md (state names are
/// unique in the whole machine).
#[test]
fn map_and_parallel_definitions_are_checked_inside_their_nested_machines() {
    let cases = [
        (r#"{"StartAt":"p","States":{"p":{"Type":"Parallel","End":true}}}"#, "SCHEMA_VALIDATION_FAILED: The field 'Branches' is required but was missing at /States/p"),
        (r#"{"StartAt":"p","States":{"p":{"Type":"Parallel","Branches":[],"End":true}}}"#, "SCHEMA_VALIDATION_FAILED: The field 'Branches' must have at least one branch at /States/p/Branches"),
        (
            r#"{"StartAt":"p","States":{"p":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"a","States":{"a":{"Type":"Pass","End":true}}},{"StartAt":"b","States":{"b":{"Type":"Pass","Next":"after"}}}]},"after":{"Type":"Succeed"}}}"#,
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: after at /States/p/Branches[1]/States/b/Next",
        ),
        (
            r#"{"StartAt":"p","States":{"p":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"a","States":{"a":{"Type":"Pass","End":true}}},{"StartAt":"a","States":{"a":{"Type":"Pass","End":true}}}]}}}"#,
            "DUPLICATE_STATE_NAME: Duplicate State name: a at /States/p/Branches[1]/States/a",
        ),
        (r#"{"StartAt":"m","States":{"m":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"x","States":{"y":{"Type":"Succeed"}}}}}}"#, "MISSING_TRANSITION_TARGET: Missing 'StartAt' target: x at /States/m/ItemProcessor/StartAt"),
        (r#"{"StartAt":"m","States":{"m":{"Type":"Map","End":true,"ItemsPath":"items","Iterator":{"StartAt":"x","States":{"x":{"Type":"Succeed"}}}}}}"#, "SCHEMA_VALIDATION_FAILED: The value for the field 'ItemsPath' must be a valid JSONPath at /States/m/ItemsPath"),
        (r#"{"StartAt":"m","States":{"m":{"Type":"Map","End":true,"MaxConcurrency":-1,"ItemProcessor":{"StartAt":"x","States":{"x":{"Type":"Succeed"}}}}}}"#, "SCHEMA_VALIDATION_FAILED: The value for the field 'MaxConcurrency' must be a non-negative integer at /States/m/MaxConcurrency"),
        (
            r#"{"StartAt":"m","States":{"m":{"Type":"Map","End":true,"ItemSelector":{},"Parameters":{},"ItemProcessor":{"StartAt":"x","States":{"x":{"Type":"Succeed"}}}}}}"#,
            "SCHEMA_VALIDATION_FAILED: The fields 'ItemSelector' and 'Parameters' cannot be used together at /States/m",
        ),
        (
            r#"{"StartAt":"m","States":{"m":{"Type":"Map","End":true,"ItemReader":{},"ItemProcessor":{"StartAt":"x","States":{"x":{"Type":"Succeed"}}}}}}"#,
            "SCHEMA_VALIDATION_FAILED: The playground runs inline Map states only, not the distributed Map's 'ItemReader' at /States/m/ItemReader",
        ),
        (
            r#"{"StartAt":"m","States":{"m":{"Type":"Map","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"gone"}],"ItemProcessor":{"StartAt":"x","States":{"x":{"Type":"Succeed"}}}}}}"#,
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: gone at /States/m/Catch[0]/Next",
        ),
    ];
    for (text, first) in cases {
        let diagnostics = parse_definition(text).unwrap_err();
        assert_eq!(diagnostics[0], first, "{text}");
    }
}

#[test]
fn map_and_parallel_states_keep_their_fields_and_nested_machines() {
    let text = r#"{"StartAt":"Fan","States":{
        "Fan":{"Type":"Map","ItemsPath":"$.keys","MaxConcurrency":2,"Parameters":{"key.$":"$$.Map.Item.Value"},"ResultPath":"$.results",
            "Iterator":{"StartAt":"Work","States":{"Work":{"Type":"Pass","End":true}}},
            "Retry":[{"ErrorEquals":["States.TaskFailed"],"IntervalSeconds":5}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Both"}],"Next":"Both"},
        "Both":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"Left","States":{"Left":{"Type":"Pass","End":true}}},{"StartAt":"Right","States":{"Right":{"Type":"Succeed"}}}]}}}"#;
    let definition = parse_definition(text).unwrap();
    let StateKind::Map { items_path, item_selector, max_concurrency, processor, retry, catch } = &definition.states[0].kind else { panic!("a Map state") };
    assert_eq!((items_path.as_str(), *max_concurrency), ("$.keys", 2));
    assert_eq!(item_selector.as_ref().unwrap()["key.$"], "$$.Map.Item.Value");
    assert_eq!(processor.start_at, "Work");
    assert_eq!((retry[0].interval_ms, catch[0].next.as_str()), (5000, "Both"));
    let StateKind::Parallel { branches, .. } = &definition.states[1].kind else { panic!("a Parallel state") };
    assert_eq!(branches.iter().map(|b| b.start_at.as_str()).collect::<Vec<_>>(), ["Left", "Right"]);
    // Every state, nested ones after their parent, and each scope finds its machine.
    let names: Vec<&str> = definition.all_states().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Fan", "Work", "Both", "Left", "Right"]);
    assert_eq!(definition.scoped(&[("Both".into(), 1)]).unwrap().start_at, "Right");
    assert!(definition.scoped(&[("Both".into(), 2)]).is_none());
}
