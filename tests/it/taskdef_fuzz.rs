//! No-panic property test of the task definition importer: ~20k deterministic random JSON documents and random
//! mutations of the valid fixtures (deleted keys, swapped types, huge numbers, deep nesting, unicode). Every call
//! must return, and every error must carry a non-empty path and message.

use std::fs;
use std::path::Path;

use ecs_sim::rng::Prng;
use ecs_sim::taskdef::{parse_task_definition, parse_task_definition_str};
use serde_json::{json, Map, Number, Value};

const RANDOM_DOCUMENTS: u32 = 6_000;
const MUTATIONS_PER_FIXTURE: u32 = 650;
const MAX_DEPTH: u32 = 40;

/// Keys the importer reads, so random objects hit real rules and not only unknown members.
const KEYS: &[&str] = &[
    "family",
    "containerDefinitions",
    "name",
    "image",
    "memory",
    "memoryReservation",
    "cpu",
    "networkMode",
    "requiresCompatibilities",
    "portMappings",
    "containerPort",
    "hostPort",
    "protocol",
    "healthCheck",
    "command",
    "interval",
    "timeout",
    "retries",
    "startPeriod",
    "dependsOn",
    "containerName",
    "condition",
    "links",
    "volumes",
    "efsVolumeConfiguration",
    "fileSystemId",
    "authorizationConfig",
    "accessPointId",
    "iam",
    "transitEncryption",
    "host",
    "sourcePath",
    "mountPoints",
    "sourceVolume",
    "volumesFrom",
    "sourceContainer",
    "secrets",
    "valueFrom",
    "logConfiguration",
    "logDriver",
    "options",
    "secretOptions",
    "executionRoleArn",
    "essential",
    "ulimits",
    "softLimit",
    "hardLimit",
    "placementConstraints",
    "type",
    "expression",
    "runtimePlatform",
    "operatingSystemFamily",
    "cpuArchitecture",
    "taskDefinition",
    "tags",
    "key",
    "value",
    "stopTimeout",
    "hostname",
    "linuxParameters",
    "capabilities",
    "add",
    "devices",
    "containerPortRange",
    "ephemeralStorage",
    "sizeInGiB",
    "proxyConfiguration",
    "pidMode",
    "ipcMode",
    "firelensConfiguration",
    "\u{1F600}",
    "",
];

const STRINGS: &[&str] = &[
    "",
    "app",
    "a b",
    "FARGATE",
    "EC2",
    "EXTERNAL",
    "awsvpc",
    "bridge",
    "host",
    "none",
    "1 vcpu",
    ".25 vcpu",
    "2 GB",
    ".5 gb",
    "256",
    "512",
    "4096",
    "-1",
    "99999999999999999999999",
    "HEALTHY",
    "START",
    "COMPLETE",
    "CMD-SHELL",
    "ENABLED",
    "DISABLED",
    "memberOf",
    "distinctInstance",
    "awslogs",
    "gelf",
    "nofile",
    "tcp",
    "8000-8100",
    "9-1",
    "é\u{301}ñ漢字\u{1F680}",
    "\u{0}",
    "a:b",
    "LINUX",
    "WINDOWS_SERVER_2022_CORE",
    "ARM64",
];

fn pick<'a>(rng: &mut Prng, items: &[&'a str]) -> &'a str {
    let index = rng.below(u32::try_from(items.len()).unwrap_or(u32::MAX)) as usize;
    items.get(index).copied().unwrap_or("")
}

fn random_number(rng: &mut Prng) -> Value {
    match rng.below(8) {
        0 => json!(u64::MAX),
        1 => json!(i64::MIN),
        2 => json!(f64::MAX),
        3 => json!(-0.5),
        4 => json!(rng.below(70_000)),
        5 => json!(i64::from(rng.below(300)) - 150),
        6 => Value::Number(Number::from(rng.next_u64())),
        _ => json!(i64::from(i32::MAX) + 1),
    }
}

fn random_string(rng: &mut Prng) -> Value {
    if rng.chance(1, 10) {
        // Long strings, including multi-byte characters.
        let unit = pick(rng, &["x", "\u{1F600}", "é", "-"]);
        return Value::String(unit.repeat(rng.below(3_000) as usize));
    }
    Value::String(pick(rng, STRINGS).to_string())
}

fn random_value(rng: &mut Prng, depth: u32) -> Value {
    let kinds = if depth >= MAX_DEPTH { 4 } else { 7 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(1, 2)),
        2 => random_number(rng),
        3 => random_string(rng),
        4 | 5 => {
            let mut map = Map::new();
            for _ in 0..rng.below(6) {
                map.insert(pick(rng, KEYS).to_string(), random_value(rng, depth + 1));
            }
            Value::Object(map)
        }
        _ => Value::Array(
            (0..rng.below(5))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
    }
}

/// A chain of nested arrays or objects `depth` deep.
fn deep_nesting(rng: &mut Prng, depth: u32) -> Value {
    let mut value = random_value(rng, MAX_DEPTH);
    for _ in 0..depth {
        value = if rng.chance(1, 2) {
            json!([value])
        } else {
            json!({ pick(rng, KEYS): value })
        };
    }
    value
}

/// Applies one random mutation somewhere in `value`.
fn mutate(rng: &mut Prng, value: &mut Value, depth: u32) {
    let descend = depth < 12 && rng.chance(3, 4);
    match value {
        Value::Object(map) if !map.is_empty() && descend => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = keys
                .get(rng.below(u32::try_from(keys.len()).unwrap_or(1)) as usize)
                .cloned()
                .unwrap_or_default();
            if let Some(child) = map.get_mut(&key) {
                mutate(rng, child, depth + 1);
            }
        }
        Value::Array(items) if !items.is_empty() && descend => {
            let index = rng.below(u32::try_from(items.len()).unwrap_or(1)) as usize;
            if let Some(child) = items.get_mut(index) {
                mutate(rng, child, depth + 1);
            }
        }
        _ => match rng.below(7) {
            0 => {
                if let Value::Object(map) = value {
                    let keys: Vec<String> = map.keys().cloned().collect();
                    if let Some(key) =
                        keys.get(rng.below(u32::try_from(keys.len().max(1)).unwrap_or(1)) as usize)
                    {
                        map.remove(key);
                    }
                } else {
                    *value = Value::Null;
                }
            }
            1 => *value = random_value(rng, depth),
            2 => *value = random_number(rng),
            3 => *value = random_string(rng),
            4 => {
                let depth = rng.below(100);
                *value = deep_nesting(rng, depth);
            }
            5 => {
                if let Value::Array(items) = value {
                    let copy = items.first().cloned().unwrap_or(Value::Null);
                    for _ in 0..rng.below(15) {
                        items.push(copy.clone());
                    }
                } else {
                    *value = json!([value.clone(), value.clone()]);
                }
            }
            _ => {
                if let Value::Object(map) = value {
                    map.insert(pick(rng, KEYS).to_string(), random_value(rng, depth));
                } else {
                    *value = Value::Bool(rng.chance(1, 2));
                }
            }
        },
    }
}

fn check(doc: &Value, counts: &mut (u32, u32)) {
    match parse_task_definition(doc) {
        Ok(spec) => {
            counts.0 += 1;
            assert!(spec.input.is_object());
            assert!(!spec.compatibilities.is_empty());
        }
        Err(errors) => {
            counts.1 += 1;
            assert!(!errors.is_empty(), "Err with no errors for {doc}");
            for error in &errors {
                assert!(!error.path.is_empty(), "empty path in {error:?}");
                assert!(!error.message.is_empty(), "empty message in {error:?}");
            }
        }
    }
}

#[test]
fn taskdef_fuzz_random_documents_never_panic() {
    let mut rng = Prng::new(0x7a5d_ef01);
    let mut counts = (0, 0);
    for _ in 0..RANDOM_DOCUMENTS {
        let doc = random_value(&mut rng, 0);
        check(&doc, &mut counts);
        check(&json!({ "taskDefinition": doc }), &mut counts);
    }
    assert!(counts.1 > 0);
}

#[test]
fn taskdef_fuzz_mutated_fixtures_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join("taskdefs")
        .join("valid");
    let mut fixtures: Vec<Value> = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .expect("valid fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        fixtures.push(
            serde_json::from_str(&fs::read_to_string(path).expect("read")).expect("fixture parses"),
        );
    }
    assert_eq!(fixtures.len(), 21);
    let mut rng = Prng::new(20_240_601);
    let mut counts = (0, 0);
    for fixture in &fixtures {
        for _ in 0..MUTATIONS_PER_FIXTURE {
            let mut doc = fixture.clone();
            for _ in 0..=rng.below(3) {
                mutate(&mut rng, &mut doc, 0);
            }
            check(&doc, &mut counts);
        }
    }
    // The mutations must exercise both outcomes.
    assert!(
        counts.0 > 0 && counts.1 > 0,
        "accepted {}, rejected {}",
        counts.0,
        counts.1
    );
}

#[test]
fn taskdef_fuzz_text_never_panics() {
    let mut rng = Prng::new(99);
    let base = r#"{"family":"a","containerDefinitions":[{"name":"b","image":"c","memory":64}]}"#;
    for _ in 0..2_000 {
        let mut bytes: Vec<char> = base.chars().collect();
        for _ in 0..=rng.below(4) {
            let index = rng.below(u32::try_from(bytes.len().max(1)).unwrap_or(1)) as usize;
            let replacement = pick(
                &mut rng,
                &["{", "}", "[", "\"", ",", ":", "9", "\u{1F600}", "\\", " "],
            );
            if let (Some(slot), Some(c)) = (bytes.get_mut(index), replacement.chars().next()) {
                *slot = c;
            }
        }
        let text: String = bytes.into_iter().collect();
        if let Err(errors) = parse_task_definition_str(&text) {
            assert!(errors
                .iter()
                .all(|e| !e.path.is_empty() && !e.message.is_empty()));
        }
    }
    // Nesting beyond serde_json's recursion limit is an error, not a crash.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let errors = parse_task_definition_str(&deep).expect_err("too deep");
    assert_eq!(errors[0].path, "$");
}
