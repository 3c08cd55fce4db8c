//! The fidelity table (`tests/data/fidelity.json`): each row a call sequence, the behaviour AWS documents or
//! shows for it, and its source. Every row is played and each of its expectations checked; a failure names the
//! row, the step and what differed.

use ecs_sim::scenario::blank_scenario;
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[allow(dead_code)]
    about: String,
    rows: Vec<Row>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    id: String,
    behaviour: String,
    source: String,
    /// A built-in scenario to start from; the blank account when absent.
    scenario: Option<String>,
    #[serde(default)]
    steps: Vec<Step>,
    #[serde(rename = "serviceEvents")]
    service_events: Option<ServiceEvents>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
struct Step {
    at: String,
    call: String,
    input: Value,
    /// Input members taken from another call's answer first (a task's ARN from ListTasks, say).
    #[serde(default)]
    input_from: std::collections::BTreeMap<String, Source>,
    expect: Expect,
}

/// A value read from the answer of a call made just before the step's own.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    call: String,
    input: Value,
    /// A JSON pointer into the answer.
    pointer: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
enum Expect {
    /// The call succeeds, and each JSON pointer of the answer holds its value.
    Ok(serde_json::Map<String, Value>),
    /// The call is refused with this error code and exact message.
    #[serde(untagged)]
    Error { error: String, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ServiceEvents {
    at: String,
    cluster: String,
    service: String,
    /// Texts that appear in this order (each a part of one event's message), oldest first.
    in_order: Vec<String>,
    /// Texts no event may contain.
    #[serde(default)]
    never: Vec<String>,
}

fn table() -> Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/fidelity.json");
    let text = std::fs::read_to_string(&path).expect("tests/data/fidelity.json");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("tests/data/fidelity.json: {e}"))
}

/// Plays one row; returns what differed from AWS's behaviour.
fn play(row: &Row) -> Vec<String> {
    let scenario = match &row.scenario {
        Some(id) => scenario(id),
        None => blank_scenario(),
    };
    let mut sim = Sim::new(&scenario, None);
    let mut problems = Vec::new();
    for (i, step) in row.steps.iter().enumerate() {
        advance(&mut sim, t(&step.at));
        let mut input = step.input.clone();
        for (member, source) in &step.input_from {
            let answer = sim.call(&source.call, source.input.clone()).unwrap_or_else(|e| panic!("{}: {} for {member}: {e:?}", row.id, source.call));
            let value = answer.pointer(&source.pointer).cloned().unwrap_or_else(|| panic!("{}: {} has no {}", row.id, source.call, source.pointer));
            input[member.as_str()] = value;
        }
        let answer = sim.call(&step.call, input);
        match (&step.expect, answer) {
            (Expect::Ok(pointers), Ok(output)) => {
                for (pointer, want) in pointers {
                    let got = output.pointer(pointer);
                    if got != Some(want) {
                        problems.push(format!("step {i} ({}): {pointer} is {got:?}, AWS gives {want}", step.call));
                    }
                }
            }
            (Expect::Ok(_), Err(error)) => problems.push(format!("step {i} ({}): refused with {} {:?}, AWS accepts it", step.call, error.code, error.message)),
            (Expect::Error { error, message }, Ok(_)) => problems.push(format!("step {i} ({}): accepted, AWS refuses it with {error} {message:?}", step.call)),
            (Expect::Error { error, message }, Err(got)) => {
                if &got.code != error || &got.message != message {
                    problems.push(format!("step {i} ({}): refused with {} {:?}, AWS gives {error} {message:?}", step.call, got.code, got.message));
                }
            }
        }
    }
    if let Some(expected) = &row.service_events {
        advance(&mut sim, t(&expected.at));
        let events = service_events_of(&mut sim, &expected.cluster, &expected.service);
        let mut next = 0;
        for text in &expected.in_order {
            match events[next..].iter().position(|e| e.contains(text.as_str())) {
                Some(offset) => next += offset + 1,
                None => {
                    problems.push(format!("no event containing {text:?} after event {next}; the events were:\n  {}", events.join("\n  ")));
                    break;
                }
            }
        }
        for text in &expected.never {
            if let Some(event) = events.iter().find(|e| e.contains(text.as_str())) {
                problems.push(format!("an event AWS does not send here: {event:?}"));
            }
        }
    }
    problems
}

/// The service's event messages, oldest first, as DescribeServices answers them.
fn service_events_of(sim: &mut Sim, cluster: &str, service: &str) -> Vec<String> {
    let answer = sim.call("ecs:DescribeServices", serde_json::json!({ "cluster": cluster, "services": [service] })).expect("DescribeServices");
    let mut out: Vec<String> = answer["services"][0]["events"].as_array().into_iter().flatten().map(|e| s(e, "message").to_string()).collect();
    out.reverse();
    out
}

#[test]
fn every_row_of_the_fidelity_table_behaves_as_aws_does() {
    let table = table();
    assert!(table.rows.len() >= 10, "the table has {} rows", table.rows.len());
    let mut failures = Vec::new();
    for row in &table.rows {
        assert!(!row.behaviour.is_empty() && !row.source.is_empty(), "row {} names its behaviour and its source", row.id);
        assert!(!row.steps.is_empty() || row.service_events.is_some(), "row {} checks something", row.id);
        for problem in play(row) {
            failures.push(format!("{}: {problem}", row.id));
        }
    }
    assert!(failures.is_empty(), "{} difference(s) from AWS:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn row_ids_are_unique() {
    let table = table();
    let mut ids: Vec<&str> = table.rows.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "a row id is used twice");
}
