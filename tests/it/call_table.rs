//! The call surface has one owner: the call table (`api::calls`) lists every call once, the scenario
//! validator and the read-only test read it, and AWS's validation texts are written once (`api::texts`).

use std::path::{Path, PathBuf};

use ecs_sim::api::calls::{self, Access, Handler, CALLS};
use ecs_sim::sim::Sim;
use serde_json::json;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source of a file without its `#[cfg(test)] mod tests { ... }` block (tests quote the texts they check).
fn non_test_source(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable source file");
    match text.find("#[cfg(test)]\nmod tests") {
        Some(idx) => text[..idx].to_string(),
        None => text,
    }
}

#[test]
fn each_aws_validation_text_is_written_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root.join("crate/src"), &mut files);
    rust_files(&root.join("www/src"), &mut files);
    // The fixed parts of AWS's validation wording; only api/texts.rs may spell them out.
    let phrases = [
        "validation error detected",
        "Member must satisfy enum value set",
        "Member must not be null",
        "Member must have length",
        "Member must have value",
        "Member must satisfy regular expression pattern",
        "can not be blank.\"",
    ];
    let mut offenders = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("api/texts.rs") && !f.ends_with("tests.rs")) {
        let source = non_test_source(file);
        for (line_idx, line) in source.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for phrase in phrases.iter().filter(|p| line.contains(*p)) {
                offenders.push(format!("{}:{}: {phrase}", file.display(), line_idx + 1));
            }
        }
    }
    assert!(offenders.is_empty(), "AWS validation texts outside crate/src/api/texts.rs:\n{}", offenders.join("\n"));
}

#[test]
fn every_row_is_routed_to_its_model() {
    // Every listed call reaches a handler: none is answered with the unknown-call error, whatever its input.
    let mut sim = Sim::new(&ecs_sim::scenario::parse_scenario_str(r#"{ "formatVersion": 1, "steps": [] }"#).expect("a scenario"), Some(1));
    for row in CALLS {
        if let Err(error) = sim.call(row.name, json!({})) {
            assert_ne!(error.code, "UnknownOperationException", "{} is in the table but no model answers it", row.name);
        }
    }
    let unknown = sim.call("ecs:RunTasks", json!({})).unwrap_err();
    assert_eq!(unknown.code, "UnknownOperationException");
    assert!(unknown.message.contains("ecs:RunTasks"), "{}", unknown.message);
}

#[test]
fn a_non_object_input_is_refused_in_the_dialect_of_the_called_service() {
    let mut sim = Sim::new(&ecs_sim::scenario::parse_scenario_str(r#"{ "formatVersion": 1, "steps": [] }"#).expect("a scenario"), Some(1));
    for (call, code) in [
        ("ecs:ListClusters", "InvalidParameterException"),
        ("iam:ListRoles", "ValidationError"),
        ("elasticloadbalancing:DescribeLoadBalancers", "ValidationError"),
        ("application-autoscaling:DescribeScalableTargets", "ValidationException"),
        ("efs:DescribeFileSystems", "BadRequest"),
    ] {
        let error = sim.call(call, json!([1, 2])).unwrap_err();
        assert_eq!(error.code, code, "{call}");
        assert_eq!(error.message, "The request input must be a JSON object.");
    }
}

#[test]
fn the_scenario_validator_reads_the_table() {
    let text = |call: &str| format!(r#"{{ "formatVersion": 1, "steps": [ {{ "at": "0s", "call": "{call}", "input": {{}} }} ] }}"#);
    for row in CALLS {
        assert!(ecs_sim::scenario::parse_scenario_str(&text(row.name)).is_ok(), "{} is in the table but a scenario may not call it", row.name);
    }
    let errors = ecs_sim::scenario::parse_scenario_str(&text("ecs:RunTasks")).expect_err("an unknown call is refused");
    assert!(errors.iter().any(|e| e.message.contains("ecs:RunTasks")), "{errors:?}");
}

#[test]
fn every_handler_has_calls_and_reads_are_the_read_rows() {
    for handler in [Handler::Engine, Handler::Iam, Handler::Efs, Handler::Elb, Handler::Scaling] {
        assert!(calls::calls_of(handler).count() > 0, "{handler:?}");
    }
    let reads: Vec<&str> = CALLS.iter().filter(|r| r.access == Access::Read).map(|r| r.name).collect();
    assert!(reads.contains(&"ecs:DescribeServices") && reads.contains(&"sim:DescribeCost"));
    assert!(!calls::is_read_only_call("ecs:UpdateService"));
    assert!(!calls::is_read_only_call("ecs:DescribeNothing"), "an unknown call is never a read");
}
