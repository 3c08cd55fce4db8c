//! Amazon States Language, the subset the playground runs: Task (the ECS integrations `ecs:runTask` and
//! `ecs:runTask.sync`), Pass, Choice, Wait, Succeed, Fail, Parallel (`Branches`) and Map (inline: `ItemsPath`,
//! `ItemSelector` or the legacy `Parameters`, `MaxConcurrency`, `ItemProcessor` or the legacy `Iterator`); `Retry`
//! and `Catch`; `InputPath`, `Parameters`, `ResultPath` and `OutputPath` with the JSONPath subset `$`, `$.a.b`,
//! `$.a[0]`. Sources: Step Functions Developer Guide (SFNDG), amazon-states-language-*.md,
//! amazon-states-language-map-state.md, amazon-states-language-parallel-state.md and concepts-error-handling.md.

use serde_json::{Map, Value};

use crate::dynamodb::value::Num;

/// How a Task state calls ECS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integration {
    /// `arn:aws:states:::ecs:runTask`: done when RunTask answers.
    RequestResponse,
    /// `arn:aws:states:::ecs:runTask.sync`: done when the task is STOPPED.
    Sync,
    /// `arn:aws:states:::ecs:runTask.waitForTaskToken`: done when someone calls `SendTaskSuccess` or
    /// `SendTaskFailure` with the task token the state passed (`$$.Task.Token`).
    WaitForTaskToken,
}

impl Integration {
    /// The resource name the history events give (`runTask`, `runTask.sync`, `runTask.waitForTaskToken`).
    pub fn resource(self) -> &'static str {
        match self {
            Integration::RequestResponse => "runTask",
            Integration::Sync => "runTask.sync",
            Integration::WaitForTaskToken => "runTask.waitForTaskToken",
        }
    }
}

/// One retrier (SFNDG concepts-error-handling.md: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0 by default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_ms: u64,
    pub max_attempts: u32,
    /// The backoff rate in thousandths (2.0 is 2000).
    pub backoff_milli: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub next: String,
    /// `None` keeps the default `$`; `Some(None)` is a null ResultPath.
    pub result_path: Option<Option<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StateKind {
    Pass { result: Option<Value> },
    /// `timeout_ms` and `heartbeat_ms` are `TimeoutSeconds` and `HeartbeatSeconds` (SFNDG
    /// amazon-states-language-task-state.md: past them the state fails with `States.Timeout` or
    /// `States.HeartbeatTimeout`).
    Task { integration: Integration, resource: String, parameters: Option<Value>, retry: Vec<Retrier>, catch: Vec<Catcher>, timeout_ms: Option<u64>, heartbeat_ms: Option<u64> },
    Choice { choices: Vec<(Value, String)>, default: Option<String> },
    Wait { seconds: u64 },
    Succeed,
    Fail { error: Option<String>, cause: Option<String> },
    /// Runs `processor` once per item of the array at `items_path` (`$` by default), at most `max_concurrency`
    /// iterations at once (0: no limit), each with the item or `item_selector` filled as its input.
    Map { items_path: String, item_selector: Option<Value>, max_concurrency: u32, processor: Box<Definition>, retry: Vec<Retrier>, catch: Vec<Catcher> },
    /// Runs every branch on the same input; the result is the array of the branches' outputs.
    Parallel { branches: Vec<Definition>, retry: Vec<Retrier>, catch: Vec<Catcher> },
}

impl StateKind {
    /// The state type as ASL and the history name it (`Task`, `Pass`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Pass { .. } => "Pass",
            StateKind::Task { .. } => "Task",
            StateKind::Choice { .. } => "Choice",
            StateKind::Wait { .. } => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail { .. } => "Fail",
            StateKind::Map { .. } => "Map",
            StateKind::Parallel { .. } => "Parallel",
        }
    }

    /// The state's retriers (Task, Map and Parallel have them).
    pub fn retriers(&self) -> &[Retrier] {
        match self {
            StateKind::Task { retry, .. } | StateKind::Map { retry, .. } | StateKind::Parallel { retry, .. } => retry,
            _ => &[],
        }
    }

    /// The state's catchers (Task, Map and Parallel have them).
    pub fn catchers(&self) -> &[Catcher] {
        match self {
            StateKind::Task { catch, .. } | StateKind::Map { catch, .. } | StateKind::Parallel { catch, .. } => catch,
            _ => &[],
        }
    }

    /// The nested state machines of a Map (its processor) or a Parallel (its branches), in order.
    pub fn nested(&self) -> Vec<&Definition> {
        match self {
            StateKind::Map { processor, .. } => vec![processor.as_ref()],
            StateKind::Parallel { branches, .. } => branches.iter().collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StateDef {
    pub name: String,
    pub kind: StateKind,
    pub next: Option<String>,
    pub input_path: Option<Option<String>>,
    pub result_path: Option<Option<String>>,
    pub output_path: Option<Option<String>>,
}

/// A parsed state machine definition: its states in definition order.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    pub start_at: String,
    pub states: Vec<StateDef>,
}

impl Definition {
    /// A machine with no states, in place of a nested one that could not be read (its diagnostics say why).
    pub fn empty() -> Definition {
        Definition { start_at: String::new(), states: Vec::new() }
    }

    pub fn state(&self, name: &str) -> Option<&StateDef> {
        self.states.iter().find(|s| s.name == name)
    }

    /// The nested state machine a scope names: each step is a Map or Parallel state's name and the branch index
    /// (0 for a Map's processor), from the top level down.
    pub fn scoped(&self, scope: &[(String, usize)]) -> Option<&Definition> {
        let mut definition = self;
        for (state, branch) in scope {
            definition = *definition.state(state)?.kind.nested().get(*branch)?;
        }
        Some(definition)
    }

    /// Every state, the nested ones after their Map or Parallel state (state names are unique in a machine).
    pub fn all_states(&self) -> Vec<&StateDef> {
        let mut out = Vec::new();
        for s in &self.states {
            out.push(s);
            for nested in s.kind.nested() {
                out.extend(nested.all_states());
            }
        }
        out
    }
}

/// The diagnostics of a definition, joined as Step Functions writes them in `InvalidDefinition` (observed:
/// "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at
/// /States/pass1/Next, ...'", ../shared/reference/integrations-export.md §1).
pub fn invalid_definition(diagnostics: &[String]) -> String {
    format!("Invalid State Machine Definition: '{}'", diagnostics.join(", "))
}

fn path_field(state: &Map<String, Value>, field: &str, at: &str, out: &mut Vec<String>) -> Option<Option<String>> {
    match state.get(field) {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(p)) if p.starts_with('$') => Some(Some(p.clone())),
        Some(_) => {
            out.push(format!("SCHEMA_VALIDATION_FAILED: The value for the field '{field}' must be a valid JSONPath at {at}/{field}"));
            None
        }
    }
}

fn error_list(value: Option<&Value>, at: &str, out: &mut Vec<String>) -> Vec<String> {
    let list: Vec<String> = value.and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default();
    if list.is_empty() {
        out.push(format!("SCHEMA_VALIDATION_FAILED: The field 'ErrorEquals' is required but was missing at {at}"));
    }
    if list.iter().any(|e| e == "States.ALL") && list.len() > 1 {
        // SFNDG: "States.ALL must appear alone in the ErrorEquals array".
        out.push(format!("SCHEMA_VALIDATION_FAILED: Error names 'States.ALL' must appear alone at {at}/ErrorEquals"));
    }
    list
}

fn whole_ms(value: Option<&Value>, default_ms: u64) -> Option<u64> {
    match value {
        None => Some(default_ms),
        Some(v) => v.as_u64().map(|s| s.saturating_mul(1000)),
    }
}

/// Parses and validates a definition; every problem found is listed.
pub fn parse_definition(text: &str) -> Result<Definition, Vec<String>> {
    let value: Value = serde_json::from_str(text).map_err(|e| vec![format!("INVALID_JSON_DESCRIPTION: {e}")])?;
    let mut out = Vec::new();
    let Some(root) = value.as_object() else { return Err(vec!["SCHEMA_VALIDATION_FAILED: The definition must be a JSON object at /".into()]) };
    let mut seen = Vec::new();
    let definition = parse_machine(root, "", &mut seen, &mut out);
    match definition {
        Some(d) if out.is_empty() => Ok(d),
        _ => Err(out),
    }
}

/// Retriers and catchers of a state at `at`.
fn error_handlers(state: &Map<String, Value>, at: &str, out: &mut Vec<String>) -> (Vec<Retrier>, Vec<Catcher>) {
    let mut retry = Vec::new();
    for (i, r) in state.get("Retry").and_then(Value::as_array).cloned().unwrap_or_default().iter().enumerate() {
        let rat = format!("{at}/Retry[{i}]");
        let error_equals = error_list(r.get("ErrorEquals"), &rat, out);
        let backoff_milli = match r.get("BackoffRate") {
            None => 2000,
            Some(v) => Num::parse(&v.to_string()).ok().and_then(|n| Num::parse(&format!("{}e3", n.to_text())).ok()).map(|n| n.to_text().parse::<u64>().unwrap_or(0)).unwrap_or(0),
        };
        if backoff_milli < 1000 {
            out.push(format!("SCHEMA_VALIDATION_FAILED: The value for the field 'BackoffRate' must be greater than or equal to 1.0 at {rat}/BackoffRate"));
        }
        retry.push(Retrier {
            error_equals,
            interval_ms: whole_ms(r.get("IntervalSeconds"), 1000).unwrap_or(1000),
            max_attempts: r.get("MaxAttempts").and_then(Value::as_u64).map_or(3, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            backoff_milli,
        });
    }
    let mut catch = Vec::new();
    for (i, c) in state.get("Catch").and_then(Value::as_array).cloned().unwrap_or_default().iter().enumerate() {
        let cat = format!("{at}/Catch[{i}]");
        let error_equals = error_list(c.get("ErrorEquals"), &cat, out);
        let next = c.get("Next").and_then(Value::as_str).unwrap_or("").to_string();
        let result_path = c.as_object().and_then(|o| path_field(o, "ResultPath", &cat, out));
        catch.push(Catcher { error_equals, next, result_path });
    }
    (retry, catch)
}

/// A nested state machine (`{"StartAt", "States"}`) at `at`, or `None` with a diagnostic when it is not an object.
fn nested_machine(value: Option<&Value>, field: &str, at: &str, seen: &mut Vec<String>, out: &mut Vec<String>) -> Option<Definition> {
    match value.and_then(Value::as_object) {
        Some(machine) => parse_machine(machine, at, seen, out),
        None => {
            out.push(format!("SCHEMA_VALIDATION_FAILED: The field '{field}' is required but was missing at {}", at.rsplit_once('/').map_or(at, |(parent, _)| parent)));
            None
        }
    }
}

/// A Map state's fields (SFNDG amazon-states-language-map-state.md). The playground runs inline Map states: a
/// distributed Map (`ItemReader`, `ItemBatcher`, `ResultWriter`, `"Mode": "DISTRIBUTED"`) is refused.
fn parse_map(state: &Map<String, Value>, at: &str, seen: &mut Vec<String>, out: &mut Vec<String>) -> StateKind {
    for field in ["ItemReader", "ItemBatcher", "ResultWriter"] {
        if state.contains_key(field) {
            out.push(format!("SCHEMA_VALIDATION_FAILED: The playground runs inline Map states only, not the distributed Map's '{field}' at {at}/{field}"));
        }
    }
    let (processor_field, processor) = match (state.get("ItemProcessor"), state.get("Iterator")) {
        (Some(p), None) => ("ItemProcessor", Some(p)),
        (None, Some(i)) => ("Iterator", Some(i)),
        (Some(_), Some(_)) => {
            // [UNVERIFIED] text: AWS refuses a Map with both the field and its legacy name.
            out.push(format!("SCHEMA_VALIDATION_FAILED: The fields 'ItemProcessor' and 'Iterator' cannot be used together at {at}"));
            ("ItemProcessor", state.get("ItemProcessor"))
        }
        (None, None) => ("ItemProcessor", None),
    };
    if processor.and_then(|p| p.get("ProcessorConfig")).and_then(|c| c.get("Mode")).and_then(Value::as_str) == Some("DISTRIBUTED") {
        out.push(format!("SCHEMA_VALIDATION_FAILED: The playground runs inline Map states only, not DISTRIBUTED at {at}/{processor_field}/ProcessorConfig/Mode"));
    }
    let item_selector = match (state.get("ItemSelector"), state.get("Parameters")) {
        (Some(_), Some(_)) => {
            // [UNVERIFIED] text, as for ItemProcessor and Iterator.
            out.push(format!("SCHEMA_VALIDATION_FAILED: The fields 'ItemSelector' and 'Parameters' cannot be used together at {at}"));
            None
        }
        (selector, parameters) => selector.or(parameters).cloned(),
    };
    let items_path = match state.get("ItemsPath") {
        None => "$".to_string(),
        Some(Value::String(p)) if path_parts(p).is_some() => p.clone(),
        Some(_) => {
            out.push(format!("SCHEMA_VALIDATION_FAILED: The value for the field 'ItemsPath' must be a valid JSONPath at {at}/ItemsPath"));
            "$".to_string()
        }
    };
    let max_concurrency = match state.get("MaxConcurrency") {
        None => 0,
        Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => n,
            None => {
                // SFNDG: "MaxConcurrency ... must be a non-negative integer" [UNVERIFIED] diagnostic wording.
                out.push(format!("SCHEMA_VALIDATION_FAILED: The value for the field 'MaxConcurrency' must be a non-negative integer at {at}/MaxConcurrency"));
                0
            }
        },
    };
    let processor = nested_machine(processor, processor_field, &format!("{at}/{processor_field}"), seen, out);
    let (retry, catch) = error_handlers(state, at, out);
    StateKind::Map { items_path, item_selector, max_concurrency, processor: Box::new(processor.unwrap_or_else(Definition::empty)), retry, catch }
}

/// A Parallel state's branches (SFNDG amazon-states-language-parallel-state.md).
fn parse_parallel(state: &Map<String, Value>, at: &str, seen: &mut Vec<String>, out: &mut Vec<String>) -> StateKind {
    let mut branches = Vec::new();
    match state.get("Branches").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => {
            for (i, branch) in list.iter().enumerate() {
                let branch = nested_machine(Some(branch), "Branches", &format!("{at}/Branches[{i}]"), seen, out);
                branches.push(branch.unwrap_or_else(Definition::empty));
            }
        }
        Some(_) => out.push(format!("SCHEMA_VALIDATION_FAILED: The field 'Branches' must have at least one branch at {at}/Branches")),
        None => out.push(format!("SCHEMA_VALIDATION_FAILED: The field 'Branches' is required but was missing at {at}")),
    }
    let (retry, catch) = error_handlers(state, at, out);
    StateKind::Parallel { branches, retry, catch }
}

/// One state machine, the top level (`prefix` empty) or a nested one (`prefix` its location): its states, checked
/// with their transitions, which stay inside it. `seen` holds every state name met so far in the whole
/// definition: AWS requires state names to be unique across the machine, nested ones included.
fn parse_machine(root: &Map<String, Value>, prefix: &str, seen: &mut Vec<String>, out: &mut Vec<String>) -> Option<Definition> {
    let here = if prefix.is_empty() { "/" } else { prefix };
    let start_at = root.get("StartAt").and_then(Value::as_str).unwrap_or("").to_string();
    if start_at.is_empty() {
        out.push(format!("SCHEMA_VALIDATION_FAILED: The field 'StartAt' is required but was missing at {here}"));
    }
    let Some(raw_states) = root.get("States").and_then(Value::as_object) else {
        out.push(format!("SCHEMA_VALIDATION_FAILED: The field 'States' is required but was missing at {here}"));
        return None;
    };
    let mut states = Vec::new();
    for (name, raw) in raw_states {
        let at = format!("{prefix}/States/{name}");
        if seen.contains(name) {
            // [UNVERIFIED] wording; the diagnostic code is Step Functions' for a name used twice in one machine.
            out.push(format!("DUPLICATE_STATE_NAME: Duplicate State name: {name} at {at}"));
        }
        seen.push(name.clone());
        let Some(state) = raw.as_object() else {
            out.push(format!("SCHEMA_VALIDATION_FAILED: A state must be a JSON object at {at}"));
            continue;
        };
        let state_type = state.get("Type").and_then(Value::as_str).unwrap_or("");
        let next = state.get("Next").and_then(Value::as_str).map(str::to_string);
        let end = state.get("End").and_then(Value::as_bool).unwrap_or(false);
        let kind = match state_type {
            "Pass" => StateKind::Pass { result: state.get("Result").cloned() },
            "Task" => {
                let resource = state.get("Resource").and_then(Value::as_str).unwrap_or("").to_string();
                let integration = match resource.as_str() {
                    "arn:aws:states:::ecs:runTask" => Integration::RequestResponse,
                    "arn:aws:states:::ecs:runTask.sync" => Integration::Sync,
                    "arn:aws:states:::ecs:runTask.waitForTaskToken" => Integration::WaitForTaskToken,
                    _ => {
                        out.push(format!("SCHEMA_VALIDATION_FAILED: The playground runs the ECS integrations arn:aws:states:::ecs:runTask, arn:aws:states:::ecs:runTask.sync and arn:aws:states:::ecs:runTask.waitForTaskToken only, not '{resource}' at {at}/Resource"));
                        Integration::RequestResponse
                    }
                };
                let (retry, catch) = error_handlers(state, &at, out);
                let mut seconds = |field: &str| match state.get(field) {
                    None => None,
                    Some(v) => match v.as_u64().filter(|n| *n > 0) {
                        Some(n) => Some(n.saturating_mul(1000)),
                        None => {
                            // SFNDG task-state: "TimeoutSeconds ... must be a positive, non-zero integer".
                            out.push(format!("SCHEMA_VALIDATION_FAILED: The value for the field '{field}' must be a positive integer at {at}/{field}"));
                            None
                        }
                    },
                };
                let timeout_ms = seconds("TimeoutSeconds");
                let heartbeat_ms = seconds("HeartbeatSeconds");
                if let (Some(timeout), Some(heartbeat)) = (timeout_ms, heartbeat_ms) {
                    if heartbeat >= timeout {
                        // SFNDG task-state: "HeartbeatSeconds ... must be smaller than TimeoutSeconds" ([UNVERIFIED] wording).
                        out.push(format!("SCHEMA_VALIDATION_FAILED: The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds' at {at}/HeartbeatSeconds"));
                    }
                }
                StateKind::Task { integration, resource, parameters: state.get("Parameters").cloned(), retry, catch, timeout_ms, heartbeat_ms }
            }
            "Choice" => {
                let choices = state.get("Choices").and_then(Value::as_array).cloned().unwrap_or_default();
                if choices.is_empty() {
                    out.push(format!("SCHEMA_VALIDATION_FAILED: The field 'Choices' is required but was missing at {at}"));
                }
                let choices = choices.into_iter().map(|c| {
                    let next = c.get("Next").and_then(Value::as_str).unwrap_or("").to_string();
                    (c, next)
                }).collect();
                StateKind::Choice { choices, default: state.get("Default").and_then(Value::as_str).map(str::to_string) }
            }
            "Wait" => match state.get("Seconds").and_then(Value::as_u64) {
                Some(seconds) => StateKind::Wait { seconds },
                None => {
                    out.push(format!("SCHEMA_VALIDATION_FAILED: The playground's Wait states take 'Seconds' (a whole number) at {at}"));
                    StateKind::Wait { seconds: 0 }
                }
            },
            "Succeed" => StateKind::Succeed,
            "Fail" => StateKind::Fail { error: state.get("Error").and_then(Value::as_str).map(str::to_string), cause: state.get("Cause").and_then(Value::as_str).map(str::to_string) },
            "Map" => parse_map(state, &at, seen, out),
            "Parallel" => parse_parallel(state, &at, seen, out),
            "" => {
                out.push(format!("SCHEMA_VALIDATION_FAILED: The field 'Type' is required but was missing at {at}"));
                StateKind::Succeed
            }
            other => {
                out.push(format!("SCHEMA_VALIDATION_FAILED: Value is not a valid state type: {other} at {at}/Type"));
                StateKind::Succeed
            }
        };
        let terminal = matches!(kind, StateKind::Succeed | StateKind::Fail { .. } | StateKind::Choice { .. });
        if !terminal && next.is_none() && !end {
            out.push(format!("SCHEMA_VALIDATION_FAILED: The field 'Next' is required but was missing at {at}"));
        }
        states.push(StateDef {
            name: name.clone(),
            kind,
            next,
            input_path: path_field(state, "InputPath", &at, out),
            result_path: path_field(state, "ResultPath", &at, out),
            output_path: path_field(state, "OutputPath", &at, out),
        });
    }
    let names: Vec<&str> = states.iter().map(|s| s.name.as_str()).collect();
    if !start_at.is_empty() && !names.contains(&start_at.as_str()) {
        out.push(format!("MISSING_TRANSITION_TARGET: Missing 'StartAt' target: {start_at} at {prefix}/StartAt"));
    }
    // Every transition names a state of this machine; every state is reachable from StartAt.
    let mut edges: Vec<(String, String, String)> = Vec::new();
    for s in &states {
        let at = format!("{prefix}/States/{}", s.name);
        if let Some(n) = &s.next {
            edges.push((s.name.clone(), n.clone(), format!("{at}/Next")));
        }
        if let StateKind::Choice { choices, default } = &s.kind {
            for (i, (_, n)) in choices.iter().enumerate() {
                edges.push((s.name.clone(), n.clone(), format!("{at}/Choices[{i}]/Next")));
            }
            if let Some(d) = default {
                edges.push((s.name.clone(), d.clone(), format!("{at}/Default")));
            }
        }
        for (i, c) in s.kind.catchers().iter().enumerate() {
            edges.push((s.name.clone(), c.next.clone(), format!("{at}/Catch[{i}]/Next")));
        }
    }
    for (_, to, at) in &edges {
        if !names.contains(&to.as_str()) {
            out.push(format!("MISSING_TRANSITION_TARGET: Missing 'Next' target: {to} at {at}"));
        }
    }
    let mut reached = vec![start_at.clone()];
    let mut i = 0;
    while i < reached.len() {
        let from = reached[i].clone();
        for (f, to, _) in &edges {
            if *f == from && !reached.contains(to) {
                reached.push(to.clone());
            }
        }
        i += 1;
    }
    for s in &states {
        if !reached.contains(&s.name) {
            out.push(format!("MISSING_TRANSITION_TARGET: State \"{}\" is not reachable. at {prefix}/States/{}", s.name, s.name));
        }
    }
    // The states in the order a run reaches them from StartAt (the JSON object's own order is not kept), as the
    // console draws the graph from the top.
    states.sort_by_key(|s| reached.iter().position(|r| *r == s.name).unwrap_or(usize::MAX));
    Some(Definition { start_at, states })
}

fn path_parts(path: &str) -> Option<Vec<Result<String, usize>>> {
    let rest = path.strip_prefix('$')?;
    let mut parts = Vec::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '.' || n == '[' {
                        break;
                    }
                    name.push(n);
                    chars.next();
                }
                if name.is_empty() {
                    return None;
                }
                parts.push(Ok(name));
            }
            '[' => {
                let mut digits = String::new();
                for n in chars.by_ref() {
                    if n == ']' {
                        break;
                    }
                    digits.push(n);
                }
                parts.push(Err(digits.parse().ok()?));
            }
            _ => return None,
        }
    }
    Some(parts)
}

/// The value at a JSONPath in `input`; `None` when the path does not resolve (`States.Runtime` for the caller).
pub fn read_path(input: &Value, path: &str) -> Option<Value> {
    let mut current = input;
    for part in path_parts(path)? {
        current = match part {
            Ok(name) => current.get(&name)?,
            Err(index) => current.get(index)?,
        };
    }
    Some(current.clone())
}

/// `input` with `result` placed at a ResultPath (objects made on the way), `None` when it cannot be placed.
pub fn write_path(input: &Value, path: &str, result: Value) -> Option<Value> {
    let parts = path_parts(path)?;
    if parts.is_empty() {
        return Some(result);
    }
    let mut out = if input.is_object() { input.clone() } else { Value::Object(Map::new()) };
    let mut current = &mut out;
    for (i, part) in parts.iter().enumerate() {
        let Ok(name) = part else { return None };
        let object = current.as_object_mut()?;
        if i == parts.len() - 1 {
            object.insert(name.clone(), result);
            return Some(out);
        }
        current = object.entry(name.clone()).or_insert_with(|| Value::Object(Map::new()));
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
    }
    Some(out)
}

/// Fills `Parameters`: a key ending in `.$` takes the value at its path (`$` in the input, `$$` in the context).
pub fn fill_parameters(template: &Value, input: &Value, context: &Value) -> Result<Value, String> {
    match template {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                if let Some(name) = key.strip_suffix(".$") {
                    let path = value.as_str().unwrap_or("");
                    let found = match path.strip_prefix("$$") {
                        Some(rest) => read_path(context, &format!("${rest}")),
                        None => read_path(input, path),
                    };
                    // SFNDG: a path that does not resolve fails the state with States.Runtime.
                    let found = found.ok_or_else(|| format!("The JSONPath '{path}' specified for the field '{key}' could not be found in the input '{input}'"))?;
                    out.insert(name.to_string(), found);
                } else {
                    out.insert(key.clone(), fill_parameters(value, input, context)?);
                }
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => items.iter().map(|v| fill_parameters(v, input, context)).collect::<Result<Vec<_>, _>>().map(Value::Array),
        other => Ok(other.clone()),
    }
}

fn num(value: &Value) -> Option<Num> {
    value.as_number().and_then(|n| Num::parse(&n.to_string()).ok())
}

/// Whether a Choice rule holds for `input` (SFNDG amazon-states-language-choice-state.md: comparison operators,
/// `And`, `Or`, `Not`, `IsPresent`).
pub fn rule_holds(rule: &Value, input: &Value) -> bool {
    if let Some(all) = rule.get("And").and_then(Value::as_array) {
        return all.iter().all(|r| rule_holds(r, input));
    }
    if let Some(any) = rule.get("Or").and_then(Value::as_array) {
        return any.iter().any(|r| rule_holds(r, input));
    }
    if let Some(inner) = rule.get("Not") {
        return !rule_holds(inner, input);
    }
    let variable = rule.get("Variable").and_then(Value::as_str).and_then(|p| read_path(input, p));
    if let Some(want) = rule.get("IsPresent").and_then(Value::as_bool) {
        return variable.is_some() == want;
    }
    let Some(actual) = variable else { return false };
    let Some((op, expected)) = rule.as_object().and_then(|o| o.iter().find(|(k, _)| *k != "Variable" && *k != "Next")) else { return false };
    match op.as_str() {
        "StringEquals" => actual.as_str().is_some() && actual.as_str() == expected.as_str(),
        "BooleanEquals" => actual.as_bool().is_some() && actual.as_bool() == expected.as_bool(),
        "IsNull" => actual.is_null() == expected.as_bool().unwrap_or(true),
        op if op.starts_with("Numeric") => {
            let (Some(a), Some(b)) = (num(&actual), num(expected)) else { return false };
            match op {
                "NumericEquals" => a == b,
                "NumericLessThan" => a < b,
                "NumericGreaterThan" => a > b,
                "NumericLessThanEquals" => a <= b,
                "NumericGreaterThanEquals" => a >= b,
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether an error name matches an `ErrorEquals` list (SFNDG: `States.ALL` matches any error; `States.TaskFailed`
/// matches any error except `States.Timeout`).
pub fn error_matches(list: &[String], error: &str) -> bool {
    list.iter().any(|e| e == error || e == "States.ALL" || (e == "States.TaskFailed" && error != "States.Timeout"))
}

/// The wait before retry `attempt` (0-based): the interval times the backoff rate to the attempt's power.
pub fn retry_delay_ms(retrier: &Retrier, attempt: u32) -> u64 {
    let mut delay = retrier.interval_ms;
    for _ in 0..attempt {
        delay = delay.saturating_mul(retrier.backoff_milli) / 1000;
    }
    delay
}

/// Keys with their first letter in upper case, all the way down: Step Functions' PascalCase view of ECS's answers.
pub fn pascal(value: &Value) -> Value {
    recase(value, true)
}

/// Keys with their first letter in lower case: a Task's PascalCase `Parameters` as ECS's RunTask input.
pub fn camel(value: &Value) -> Value {
    recase(value, false)
}

fn recase(value: &Value, upper: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let mut chars = k.chars();
                    let key = match chars.next() {
                        Some(first) if upper => first.to_uppercase().chain(chars).collect(),
                        Some(first) => first.to_lowercase().chain(chars).collect(),
                        None => String::new(),
                    };
                    (key, recase(v, upper))
                })
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| recase(v, upper)).collect()),
        other => other.clone(),
    }
}
