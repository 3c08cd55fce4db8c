//! Task definition fixtures: every valid file is accepted, every invalid file is rejected with the expected path
//! and message. Runs over the project's own copy (tests/data/taskdefs, always present) and over the shared
//! corpus in ../shared/fixtures/taskdefs when it exists.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use ecs_sim::taskdef::{parse_task_definition_str, Compatibility, FieldError};

/// The project's fixtures: `valid/`, `invalid/` and `invalid/EXPECTED-OURS.tsv`.
fn own_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join("taskdefs")
}

/// The shared corpus: the workspace root's parent + `shared/fixtures/taskdefs`.
fn shared_dir() -> Option<PathBuf> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    let dir = workspace
        .parent()?
        .join("shared")
        .join("fixtures")
        .join("taskdefs");
    dir.is_dir().then_some(dir)
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// file -> (path, message); message `None` means any non-empty message.
fn expectations() -> BTreeMap<String, (String, Option<String>)> {
    let table = own_dir().join("invalid").join("EXPECTED-OURS.tsv");
    let text =
        fs::read_to_string(&table).unwrap_or_else(|e| panic!("read {}: {e}", table.display()));
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let columns: Vec<&str> = line.split('\t').collect();
        assert_eq!(columns.len(), 3, "bad row in EXPECTED-OURS.tsv: {line}");
        let message = (columns[2] != "-").then(|| columns[2].to_string());
        out.insert(columns[0].to_string(), (columns[1].to_string(), message));
    }
    out
}

fn assert_accepts_all_valid(dir: &Path) -> usize {
    let files = json_files(&dir.join("valid"));
    assert!(!files.is_empty(), "no valid fixtures in {}", dir.display());
    for file in &files {
        let text = fs::read_to_string(file).expect("read fixture");
        match parse_task_definition_str(&text) {
            Ok(spec) => {
                assert!(
                    spec.compatibilities.contains(&Compatibility::Ec2),
                    "{}: EC2 missing",
                    file.display()
                );
                assert!(
                    spec.input.get("taskDefinitionArn").is_none()
                        && spec.input.get("revision").is_none()
                );
            }
            Err(errors) => panic!("{} should be valid, got {errors:#?}", file.display()),
        }
    }
    files.len()
}

fn assert_rejects_all_invalid(dir: &Path) -> usize {
    let expected = expectations();
    let files = json_files(&dir.join("invalid"));
    assert!(
        !files.is_empty(),
        "no invalid fixtures in {}",
        dir.display()
    );
    for file in &files {
        let name = file_name(file);
        let Some((path, message)) = expected.get(&name) else {
            panic!("{name} has no row in tests/data/taskdefs/invalid/EXPECTED-OURS.tsv");
        };
        let text = fs::read_to_string(file).expect("read fixture");
        let errors: Vec<FieldError> = match parse_task_definition_str(&text) {
            Ok(_) => panic!("{name} should be rejected"),
            Err(errors) => errors,
        };
        let matched = errors.iter().any(|e| {
            e.path == *path
                && message
                    .as_ref()
                    .map_or(!e.message.is_empty(), |m| e.message == *m)
        });
        assert!(
            matched,
            "{name}: expected {path} :: {message:?}\ngot {errors:#?}"
        );
    }
    files.len()
}

#[test]
fn taskdef_own_fixtures_valid_are_accepted() {
    let count = assert_accepts_all_valid(&own_dir());
    assert_eq!(count, 21);
}

#[test]
fn taskdef_own_fixtures_invalid_are_rejected_with_expected_messages() {
    let count = assert_rejects_all_invalid(&own_dir());
    assert!(count >= 60, "only {count} invalid fixtures");
    // Every row of the table names a file that exists (no stale expectations).
    for name in expectations().keys() {
        assert!(
            own_dir().join("invalid").join(name).is_file(),
            "EXPECTED-OURS.tsv row without a file: {name}"
        );
    }
}

#[test]
fn taskdef_malformed_json_fixture_reports_position() {
    let text = fs::read_to_string(own_dir().join("invalid").join("own-malformed-json.json"))
        .expect("read");
    let errors = parse_task_definition_str(&text).expect_err("malformed");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "$");
    assert!(
        errors[0].message.contains("line 4"),
        "{}",
        errors[0].message
    );
}

#[test]
fn taskdef_unit_strings_are_normalized_like_aws() {
    let text = fs::read_to_string(
        own_dir()
            .join("valid")
            .join("firelens-newrelic-vcpu-gb-units.json"),
    )
    .expect("read");
    let spec = parse_task_definition_str(&text).expect("valid");
    assert_eq!(spec.input["cpu"], "1024");
    assert_eq!(spec.input["memory"], "2048");
    assert_eq!(
        spec.compatibilities,
        vec![Compatibility::Ec2, Compatibility::Fargate]
    );
}

#[test]
fn taskdef_shared_corpus() {
    let Some(dir) = shared_dir() else {
        println!("taskdef corpus test skipped: ../shared/fixtures/taskdefs not found");
        return;
    };
    assert_accepts_all_valid(&dir);
    assert_rejects_all_invalid(&dir);
    // Every file that the corpus's EXPECTED.md lists has one of our expectations.
    let table = fs::read_to_string(dir.join("invalid").join("EXPECTED.md")).expect("EXPECTED.md");
    let expected = expectations();
    let listed: Vec<&str> = table
        .lines()
        .filter_map(|line| line.split('|').nth(2).map(str::trim))
        .filter(|cell| cell.ends_with(".json"))
        .collect();
    assert!(!listed.is_empty(), "EXPECTED.md table not parsed");
    for name in listed {
        assert!(
            expected.contains_key(name),
            "EXPECTED.md lists {name}, which has no expectation of ours"
        );
    }
}
