//! The engine's shape, checked on its source: only the dispatcher reads a call's JSON (every other function of
//! `crate/src/sim/` takes typed requests), only the task store changes the task fields its indexes follow,
//! and the engine's files (with `scenario.rs`) import each other without a cycle.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn sim_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crate/src/sim")
}

/// The engine's source files, by file name.
fn sim_files() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(sim_dir()).expect("crate/src/sim is readable").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().expect("a file name").to_string_lossy().to_string();
            files.insert(name, non_test_source(&std::fs::read_to_string(&path).expect("a readable source file")));
        }
    }
    assert!(files.len() > 10, "the engine's files were found");
    files
}

/// A file's source without its `#[cfg(test)] mod tests { ... }` block.
fn non_test_source(text: &str) -> String {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(idx) => text[..idx].to_string(),
        None => text.to_string(),
    }
}

/// The parameter list of each `fn` in `source`: (function name, parameter types), whitespace and lifetimes
/// normalised away (`& 'a Value` is `&Value`).
fn fn_parameters(source: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(idx) = rest.find("fn ") {
        let before = rest[..idx].chars().last();
        rest = &rest[idx + 3..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if name.is_empty() {
            continue;
        }
        // Skip generic parameters (`<...>`, where `->` closes nothing), then read the parenthesised list up to
        // its matching `)`.
        let chars: Vec<(usize, char)> = rest.char_indices().collect();
        let closes = |i: usize| chars[i].1 == '>' && (i == 0 || chars[i - 1].1 != '-');
        let (mut angle, mut open) = (0, None);
        for i in 0..chars.len() {
            match chars[i].1 {
                '<' => angle += 1,
                '>' if closes(i) => angle -= 1,
                '(' if angle == 0 => {
                    open = Some(i);
                    break;
                }
                '{' | ';' => break,
                _ => {}
            }
        }
        let Some(open) = open else { continue };
        let (mut depth, mut end) = (0, None);
        let mut params = Vec::new();
        let mut start = chars[open].0 + 1;
        for i in open..chars.len() {
            match chars[i].1 {
                '(' | '<' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                '>' if closes(i) => depth -= 1,
                ',' if depth == 1 => {
                    params.push(&rest[start..chars[i].0]);
                    start = chars[i].0 + 1;
                }
                _ => {}
            }
            if depth == 0 {
                params.push(&rest[start..chars[i].0]);
                end = Some(chars[i].0);
                break;
            }
        }
        let Some(end) = end else { break };
        let params: Vec<String> = params.iter().filter_map(|p| p.split_once(':')).map(|(_, ty)| normalise_type(ty)).collect();
        out.push((name, params));
        rest = &rest[end..];
    }
    out
}

fn normalise_type(ty: &str) -> String {
    let compact: String = ty.split_whitespace().collect::<Vec<_>>().join(" ");
    // Drop lifetimes: `&'a Value` → `&Value`.
    let mut out = String::new();
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            while chars.peek().is_some_and(|c| c.is_alphanumeric() || *c == '_') {
                chars.next();
            }
            if chars.peek() == Some(&' ') {
                chars.next();
            }
            continue;
        }
        out.push(c);
    }
    out.replace("& ", "&").replace("&mut ", "&mut ")
}

/// The JSON parameter types the rule refuses: a call's input, or a part of it, as JSON.
fn is_json_parameter(ty: &str) -> bool {
    let ty = ty.replace("serde_json::", "");
    matches!(ty.as_str(), "&Value" | "Value" | "Option<&Value>")
}

#[test]
fn the_parameter_reader_finds_json_parameters() {
    let source = "fn a(&self, input: &'a serde_json::Value) {}\nfn b<'a, F: Fn(u32) -> bool>(x: Option<&Value>, y: u32) -> Value {}\nfn c(\n    &mut self,\n    v: Value,\n) {}\nfn d(t: &Table<String, Value>, r: &Request<'_>, f: impl Fn(&str) -> Value, out: Option<Value>) {}";
    let found: Vec<(String, Vec<bool>)> = fn_parameters(source).into_iter().map(|(name, params)| (name, params.iter().map(|p| is_json_parameter(p)).collect())).collect();
    assert_eq!(
        found,
        vec![("a".to_string(), vec![true]), ("b".to_string(), vec![true, false]), ("c".to_string(), vec![true]), ("d".to_string(), vec![false, false, false, false])]
    );
}

#[test]
fn only_the_dispatcher_takes_json_every_other_engine_function_takes_typed_requests() {
    let mut offenders = Vec::new();
    for (file, source) in sim_files() {
        if file == "dispatch.rs" {
            continue;
        }
        for (name, params) in fn_parameters(&source) {
            for ty in params.iter().filter(|ty| is_json_parameter(ty)) {
                offenders.push(format!("sim/{file}: fn {name}(.., {ty})"));
            }
        }
    }
    assert!(offenders.is_empty(), "engine functions that take JSON (parse it into a typed request in sim/requests.rs):\n{}", offenders.join("\n"));
}

/// The assignments to a task's indexed fields in `source`: `.node = `, `.service = `, `.waiting_for_capacity = `,
/// `.last_status = ` (but for a container's, a string), and `.node.take()`.
fn index_field_writes(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (line_idx, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for field in [".node", ".service", ".waiting_for_capacity", ".last_status", ".key", ".id"] {
            let mut rest = code;
            while let Some(idx) = rest.find(field) {
                let after = &rest[idx + field.len()..];
                let next = after.chars().next();
                rest = after;
                if next.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let after = after.trim_start();
                let assigned = after.starts_with('=') && !after.starts_with("==") && !after.starts_with("=>");
                let container_status = field == ".last_status" && after.trim_start_matches('=').trim_start().starts_with('"');
                if (assigned && !container_status) || after.starts_with(".take()") {
                    out.push(format!("{}: {}", line_idx + 1, line.trim()));
                }
            }
        }
    }
    out
}

#[test]
fn the_index_field_check_sees_writes_and_not_reads() {
    let source = "task.node = Some(n);\nif t.node == other {}\nc.last_status = \"STOPPED\".into();\nt.last_status = TaskStatus::Stopped;\nlet n = task.node.take();\nlet s = t.service;\nt.nodes = 1;";
    assert_eq!(index_field_writes(source), vec!["1: task.node = Some(n);", "4: t.last_status = TaskStatus::Stopped;", "5: let n = task.node.take();"]);
}

#[test]
fn only_the_task_store_changes_the_fields_its_indexes_follow() {
    let mut offenders = Vec::new();
    for (file, source) in sim_files() {
        if file == "task_store.rs" {
            continue;
        }
        offenders.extend(index_field_writes(&source).into_iter().map(|w| format!("sim/{file}:{w}")));
    }
    assert!(offenders.is_empty(), "task fields the TaskStore indexes changed outside sim/task_store.rs (use insert, place, set_status, stop, start_waiting, end_waiting):\n{}", offenders.join("\n"));
}

/// The files each engine file imports through `use super::`, inline `super::` and `crate::sim::` paths, and
/// `crate::scenario`; `mod.rs` imports the children it re-exports from (`pub use child::...`).
fn import_graph(files: &BTreeMap<String, String>, scenario: &str) -> BTreeMap<String, Vec<String>> {
    let module_file = |name: &str| -> String {
        let file = format!("{name}.rs");
        if files.contains_key(&file) {
            file
        } else {
            "mod.rs".to_string()
        }
    };
    let targets = |source: &str, prefix: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = source;
        while let Some(idx) = rest.find(prefix) {
            let before = rest[..idx].chars().last();
            rest = &rest[idx + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            // `super::{a, b}` or `super::*` names items of mod.rs.
            out.push(if name.is_empty() { "mod.rs".to_string() } else { module_file(&name) });
        }
        out
    };
    let mut graph = BTreeMap::new();
    for (file, source) in files {
        let mut deps = targets(source, "crate::sim::");
        if file != "mod.rs" {
            deps.extend(targets(source, "super::"));
        } else {
            for line in source.lines().map(str::trim).filter(|l| l.starts_with("pub use ") || l.starts_with("use ")) {
                let path = line.trim_start_matches("pub ").trim_start_matches("use ");
                if let Some((child, _)) = path.split_once("::") {
                    if files.contains_key(&format!("{child}.rs")) {
                        deps.push(format!("{child}.rs"));
                    }
                }
            }
        }
        if source.contains("crate::scenario") {
            deps.push("../scenario.rs".to_string());
        }
        deps.retain(|d| d != file);
        deps.sort();
        deps.dedup();
        graph.insert(file.clone(), deps);
    }
    let mut scenario_deps: Vec<String> = targets(scenario, "crate::sim::");
    if scenario.contains("crate::sim;") || scenario.contains("crate::sim::{") {
        scenario_deps.push("mod.rs".to_string());
    }
    scenario_deps.sort();
    scenario_deps.dedup();
    graph.insert("../scenario.rs".to_string(), scenario_deps);
    graph
}

/// A cycle of the graph, as the files along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit(node: &str, graph: &BTreeMap<String, Vec<String>>, state: &mut BTreeMap<String, u8>, path: &mut Vec<String>) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = path.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(next, graph, state, path) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(cycle) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(cycle);
            }
        }
    }
    None
}

#[test]
fn the_import_graph_sees_a_child_importing_the_module_that_re_exports_it() {
    let files: BTreeMap<String, String> = [
        ("mod.rs".to_string(), "mod a;\nmod b;\npub use a::Thing;\n".to_string()),
        ("a.rs".to_string(), "use super::*;\nuse super::b::Other;\n".to_string()),
        ("b.rs".to_string(), "use crate::scenario::Scenario;\n".to_string()),
    ]
    .into_iter()
    .collect();
    let graph = import_graph(&files, "use crate::table::Table;");
    assert_eq!(graph["mod.rs"], vec!["a.rs"]);
    assert_eq!(graph["a.rs"], vec!["b.rs", "mod.rs"]);
    assert_eq!(graph["b.rs"], vec!["../scenario.rs"]);
    assert_eq!(find_cycle(&graph), Some(vec!["a.rs".to_string(), "mod.rs".to_string(), "a.rs".to_string()]));
    // Without the glob import there is no cycle, until the scenario format imports the engine.
    let mut graph = graph;
    graph.insert("a.rs".to_string(), vec!["b.rs".to_string()]);
    assert_eq!(find_cycle(&graph), None);
    let graph_with_scenario = import_graph(&files, "use crate::sim::b::Other;");
    assert_eq!(graph_with_scenario["../scenario.rs"], vec!["b.rs"]);
    graph.insert("../scenario.rs".to_string(), graph_with_scenario["../scenario.rs"].clone());
    assert_eq!(find_cycle(&graph), Some(vec!["../scenario.rs".to_string(), "b.rs".to_string(), "../scenario.rs".to_string()]));
}

#[test]
fn the_engine_files_and_the_scenario_format_import_each_other_without_a_cycle() {
    let files = sim_files();
    let scenario = non_test_source(&std::fs::read_to_string(sim_dir().join("../scenario.rs")).expect("scenario.rs is readable"));
    let graph = import_graph(&files, &scenario);
    assert!(graph["../scenario.rs"].is_empty(), "scenario.rs depends on the engine: {:?}", graph["../scenario.rs"]);
    if let Some(cycle) = find_cycle(&graph) {
        panic!("an import cycle through the engine's files: {}", cycle.join(" -> "));
    }
}
