//! Tidy checks of the tree, as tests: the architecture invariants that are an absence of something.

use std::collections::{BTreeMap, BTreeSet};
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

/// Each shared primitive has one home; a marker of its implementation found anywhere else in `crate/src` or
/// `www/src` is a second copy. Markers are compared without `_` digit separators and case.
const PRIMITIVE_HOMES: &[(&str, &str, &[&str])] = &[
    ("FNV-1a", "crate/src/hash.rs", &["100000001b3", "cbf29ce484222325"]),
    ("SplitMix64", "crate/src/hash.rs", &["9e3779b97f4a7c15", "bf58476d1ce4e5b9"]),
    ("base64", "crate/src/codec.rs", &["0123456789+/", "0123456789-_", "b'a' + 26"]),
    ("compact JSON", "crate/src/codec.rs", &["fn compact_json"]),
    ("civil dates", "crate/src/time.rs", &["719468", "146097", "fn days_from_civil", "fn civil_from_days", "fn days_in_month", "fn parse_iso8601", "fn format_iso8601"]),
];

#[test]
fn each_primitive_has_one_copy() {
    let root = workspace_root();
    let mut files = Vec::new();
    for dir in ["crate/src", "www/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    for (primitive, home, markers) in PRIMITIVE_HOMES {
        let home_text = std::fs::read_to_string(root.join(home)).expect("the home exists").replace('_', "").to_lowercase();
        for marker in *markers {
            let marker = marker.replace('_', "").to_lowercase();
            assert!(home_text.contains(&marker), "{home} no longer holds {primitive} ({marker}): update this test");
            for file in &files {
                let text = std::fs::read_to_string(file).expect("readable").replace('_', "").to_lowercase();
                assert!(file.ends_with(home) || !text.contains(&marker), "{} has a copy of {primitive} ({marker}); use {home}", file.display());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The module import graph.

/// Cycles of the import graph still under repair, each as the sorted files of one strongly connected
/// component (paths relative to the workspace). The test fails on a cycle not listed here, on a listed cycle
/// that no longer exists and on a listed cycle whose files changed, so this list can only shrink. It is empty:
/// no package has an import cycle, and a new one fails the test.
const KNOWN_CYCLES: &[&[&str]] = &[];

/// The files of a package's `src/` as nodes, keyed by module path (`[]` is `lib.rs`). Binary roots
/// (`main.rs`, `bin/`) are other crates and test-only files (`tests.rs`) are not part of the graph.
fn module_files(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut modules = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).expect("under src").with_extension("");
        let mut path: Vec<String> = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
        match path.last().map(String::as_str) {
            Some("main" | "tests") => continue,
            Some("mod" | "lib") => {
                path.pop();
            }
            _ => {}
        }
        if path.first().map(String::as_str) != Some("bin") {
            modules.insert(path, file);
        }
    }
    modules
}

/// The code of a Rust file as tokens (identifiers, `::` and single punctuation characters), without
/// comments, string and character literals, and without `#[cfg(test)] mod name { ... }` blocks.
fn code_tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut tokens: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        let raw_hashes = if c == 'r' || (c == 'b' && next == Some('r')) {
            let start = if c == 'r' { i + 1 } else { i + 2 };
            let hashes = chars[start..].iter().take_while(|h| **h == '#').count();
            (chars.get(start + hashes) == Some(&'"')).then_some(hashes)
        } else {
            None
        };
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            loop {
                match (chars.get(i), chars.get(i + 1)) {
                    (Some('/'), Some('*')) => (depth, i) = (depth + 1, i + 2),
                    (Some('*'), Some('/')) => (depth, i) = (depth - 1, i + 2),
                    (Some(_), _) => i += 1,
                    (None, _) => break,
                }
                if depth == 0 {
                    break;
                }
            }
        } else if let Some(hashes) = raw_hashes {
            // `r#"..."#`: skip to the opening quote, then to the quote followed by as many `#`.
            let closing: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            while chars[i] != '"' {
                i += 1;
            }
            i += 1;
            while i < chars.len() && !chars[i..].starts_with(&closing) {
                i += 1;
            }
            i += closing.len();
        } else if c == '"' || (c == 'b' && next == Some('"')) {
            i += if c == 'b' { 2 } else { 1 };
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal (a lifetime has no closing quote).
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if is_ident(c) {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && next == Some(':') {
            tokens.push("::".into());
            i += 2;
        } else {
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
            i += 1;
        }
    }
    without_test_modules(tokens)
}

/// Drops each `#[cfg(test)]` inline module, from the attribute to its closing brace.
fn without_test_modules(tokens: Vec<String>) -> Vec<String> {
    const CFG_TEST: [&str; 7] = ["#", "[", "cfg", "(", "test", ")", "]"];
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let is_test_module = tokens[i..].starts_with(&CFG_TEST.map(String::from))
            && tokens.get(i + 7).is_some_and(|t| t == "mod")
            && tokens.get(i + 9).is_some_and(|t| t == "{");
        if !is_test_module {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        i += 9;
        let mut depth = 0;
        while i < tokens.len() {
            depth += match tokens[i].as_str() {
                "{" => 1,
                "}" => -1,
                _ => 0,
            };
            i += 1;
            if depth == 0 {
                break;
            }
        }
    }
    out
}

/// Reads one use tree at `tokens[*i]` (`a::b::{c, d::E as F, self}`, `a::*`) and adds the full path of
/// every leaf to `out`.
fn read_use_tree(tokens: &[String], i: &mut usize, mut path: Vec<String>, out: &mut Vec<Vec<String>>) {
    loop {
        let Some(token) = tokens.get(*i) else { return };
        if token == "{" {
            *i += 1;
            while tokens.get(*i).is_some_and(|t| t != "}") {
                let before = *i;
                read_use_tree(tokens, i, path.clone(), out);
                if tokens.get(*i).is_some_and(|t| t == ",") {
                    *i += 1;
                } else if *i == before {
                    return;
                }
            }
            *i += 1;
            return;
        }
        if token == "*" {
            *i += 1;
            out.push(path);
            return;
        }
        if !token.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            return;
        }
        // `self` inside a group names the group's own module.
        if token != "self" || path.is_empty() {
            path.push(token.clone());
        }
        *i += 1;
        if tokens.get(*i).is_some_and(|t| t == "::") {
            *i += 1;
            continue;
        }
        if tokens.get(*i).is_some_and(|t| t == "as") {
            *i += 2;
        }
        out.push(path);
        return;
    }
}

/// The paths a file names: every use tree's leaves, and every inline path that starts with `crate::`,
/// `super::` or `self::`.
fn named_paths(tokens: &[String]) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let starts_path = matches!(tokens[i].as_str(), "crate" | "super" | "self")
            && tokens.get(i + 1).is_some_and(|t| t == "::")
            && (i == 0 || tokens[i - 1] != "$");
        if tokens[i] == "use" {
            i += 1;
            read_use_tree(tokens, &mut i, Vec::new(), &mut paths);
        } else if starts_path {
            let mut path = vec![tokens[i].clone()];
            i += 1;
            while tokens.get(i).is_some_and(|t| t == "::") && tokens.get(i + 1).is_some_and(|t| t.starts_with(char::is_alphabetic)) {
                path.push(tokens[i + 1].clone());
                i += 2;
            }
            paths.push(path);
        } else {
            i += 1;
        }
    }
    paths
}

/// The module file a path from module `from` leads to: the longest prefix of the path that is a module.
/// `None` for paths into other crates (`std::`, `serde_json::`, `ecs_sim::`).
fn resolve(path: &[String], from: &[String], modules: &BTreeMap<Vec<String>, PathBuf>) -> Option<Vec<String>> {
    let first = path.first()?.as_str();
    let is_child = modules.contains_key(&[from, &[first.to_string()]].concat());
    let mut module: Vec<String> = match first {
        "crate" => Vec::new(),
        "self" | "super" => from.to_vec(),
        _ if is_child => from.to_vec(),
        _ => return None,
    };
    for segment in path {
        match segment.as_str() {
            "crate" | "self" => {}
            "super" => {
                module.pop();
            }
            name => module.push(name.to_string()),
        }
    }
    while !modules.contains_key(&module) {
        module.pop();
    }
    Some(module)
}

/// The import graph of one package's `src/`: file → (file it names → one path that names it).
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn import_graph(src: &Path) -> Graph {
    let root = workspace_root();
    let modules = module_files(src);
    let name = |module: &Vec<String>| modules[module].strip_prefix(&root).expect("in the workspace").display().to_string();
    let mut graph = Graph::new();
    for (module, file) in &modules {
        let tokens = code_tokens(&std::fs::read_to_string(file).expect("readable"));
        let edges = graph.entry(name(module)).or_default();
        for path in named_paths(&tokens) {
            if let Some(target) = resolve(&path, module, &modules).filter(|target| target != module) {
                edges.entry(name(&target)).or_insert_with(|| path.join("::"));
            }
        }
    }
    graph
}

/// Every file reachable from `start` (itself included only through a cycle).
fn reachable(graph: &Graph, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start.to_string()];
    while let Some(file) = stack.pop() {
        for next in graph.get(&file).into_iter().flat_map(BTreeMap::keys) {
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    seen
}

/// The strongly connected components of more than one file: the files that import each other, directly
/// or through others.
fn cycles(graph: &Graph) -> BTreeSet<Vec<String>> {
    let reach: BTreeMap<&String, BTreeSet<String>> = graph.keys().map(|file| (file, reachable(graph, file))).collect();
    graph
        .keys()
        .filter(|file| reach[file].contains(*file))
        .map(|file| reach[file].iter().filter(|other| reach[other].contains(file)).cloned().collect())
        .collect()
}

/// One concrete cycle through the first file of a component, each step with the path that makes it.
fn describe_cycle(graph: &Graph, component: &[String]) -> String {
    let start = &component[0];
    // Breadth-first search inside the component for the shortest way back to `start`.
    let mut came_from: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(file) = queue.pop_front() {
        for next in graph[file].keys().filter(|next| component.contains(next)) {
            if next != start && came_from.contains_key(next) {
                continue;
            }
            came_from.entry(next).or_insert(file);
            if next == start {
                queue.clear();
                break;
            }
            queue.push_back(next);
        }
    }
    let mut steps = vec![start];
    while let Some(previous) = came_from.get(steps.last().expect("not empty")).filter(|p| *p != &start) {
        steps.push(previous);
    }
    steps.push(start);
    steps.reverse();
    let mut text = start.to_string();
    for pair in steps.windows(2) {
        text.push_str(&format!("\n    -> {} (via {})", pair[1], graph[pair[0]][pair[1]]));
    }
    text
}

#[test]
fn the_module_import_graphs_have_no_cycles() {
    let root = workspace_root();
    let mut found = BTreeSet::new();
    for src in ["crate/src", "www/src"] {
        let graph = import_graph(&root.join(src));
        assert!(graph.len() > 10, "the walk found the modules of {src}");
        for component in cycles(&graph) {
            found.insert((component.clone(), describe_cycle(&graph, &component)));
        }
    }
    let known: BTreeSet<Vec<String>> = KNOWN_CYCLES.iter().map(|files| files.iter().map(|f| f.to_string()).collect()).collect();
    let mut problems = Vec::new();
    for (component, cycle) in &found {
        if !known.contains(component) {
            problems.push(format!("import cycle among {component:?}, e.g.\n  {cycle}"));
        }
    }
    for component in &known {
        if !found.iter().any(|(c, _)| c == component) {
            problems.push(format!("KNOWN_CYCLES lists {component:?}, which is no longer a cycle with exactly these files: remove or update the entry"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_import_reader_sees_use_trees_and_inline_paths_but_not_comments_strings_or_tests() {
    let code = r##"
        use crate::{a::B, c::{self, d::E as F}, g::*};
        pub(crate) use super::h::I;
        // crate::comment::X
        /* crate::block::X /* nested */ crate::block::Y */
        const S: &str = "crate::string::X";
        const R: &str = r#"crate::raw::X "quoted""#;
        fn f<'a>(x: &'a str) -> char { let _ = crate::j::k(x); '"' }
        #[cfg(test)]
        mod tests { use crate::test_only::X; }
        type T = self::l::M;
    "##;
    let paths: Vec<String> = named_paths(&code_tokens(code)).iter().map(|p| p.join("::")).collect();
    assert_eq!(paths, ["crate::a::B", "crate::c", "crate::c::d::E", "crate::g", "super::h::I", "crate::j::k", "self::l::M"]);
}
