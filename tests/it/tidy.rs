//! Tidy checks of the tree, as tests: the architecture invariants that are an absence of something.

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() && name != "target" && name != "node_modules" && !name.starts_with('.') {
            rust_files(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut files = Vec::new();
    for dir in ["crate", "www", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the walk found the sources");
    files
}

#[test]
fn every_rust_file_starts_with_a_module_doc_line() {
    for file in all_rust_files() {
        let text = std::fs::read_to_string(&file).expect("readable");
        assert!(text.starts_with("//!"), "{} must start with a `//!` line", file.display());
    }
}

#[test]
fn no_test_is_ignored_and_nothing_is_left_unimplemented() {
    // Built from parts so that this file does not contain what it looks for.
    let markers = [["#[", "ignore]"].concat(), ["todo", "!("].concat(), ["unimplemented", "!("].concat(), ["thread::", "sleep"].concat()];
    for file in all_rust_files() {
        let text = std::fs::read_to_string(&file).expect("readable");
        for marker in &markers {
            assert!(!text.contains(marker.as_str()), "{} contains {marker}", file.display());
        }
    }
}

#[test]
fn the_core_has_no_web_dependency_and_reads_no_clock() {
    let root = workspace_root();
    let manifest = std::fs::read_to_string(root.join("crate/Cargo.toml")).expect("manifest");
    let dependencies = manifest.split("[dependencies]").nth(1).unwrap_or("");
    for line in dependencies.lines().take_while(|l| !l.starts_with('[')) {
        let name = line.split(['=', '.']).next().unwrap_or("").trim();
        assert!(name.is_empty() || name == "serde" || name == "serde_json", "the core depends only on serde and serde_json, not {name}");
    }
    let mut files = Vec::new();
    rust_files(&root.join("crate/src"), &mut files);
    for file in files {
        if file.to_string_lossy().contains("/bin/") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        // Code only: a doc comment may show how a caller times the core.
        let code: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
        for forbidden in ["Instant::now", "SystemTime", "thread_rng", "rand::", "HashMap<"] {
            assert!(!code.iter().any(|l| l.contains(forbidden)), "{} uses {forbidden}", file.display());
        }
    }
}
