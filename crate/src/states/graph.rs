//! The state machine graph as the Step Functions console draws it, for the app: each state a box in the order a
//! run reaches it, a Map's or Parallel's states nested in its group, the transitions each state makes, and how
//! the selected execution's latest visit of the state stands (its colour) with that visit's input and output.

use serde_json::Value;

use super::asl::{Definition, StateKind};
use super::Execution;

/// The most characters of a state's input or output the graph carries.
pub const MAX_DATA_CHARS: usize = 2_000;

/// One state of the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphState {
    pub name: String,
    pub state_type: &'static str,
    /// 0 at the top level, 1 inside a Map or Parallel, and so on.
    pub depth: u32,
    /// The Map or Parallel state it is nested in, and the branch (0 for a Map's processor).
    pub group: Option<(String, usize)>,
    /// The states it can move to: `Next`, each Choice rule's and `Default`, each Catch's.
    pub transitions: Vec<String>,
    /// Whether it ends its machine (`End`, Succeed or Fail).
    pub ends: bool,
    /// `in progress`, `succeeded`, `failed`, `caught` or `not entered`.
    pub progress: &'static str,
    /// The latest visit's input and output, as JSON text cut to [`MAX_DATA_CHARS`].
    pub input: Option<String>,
    pub output: Option<String>,
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(MAX_DATA_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The latest `<field>` of state `name`'s events whose details are under `key` (`stateEnteredEventDetails` input,
/// `stateExitedEventDetails` output).
fn latest(execution: &Execution, name: &str, key: &str, field: &str) -> Option<String> {
    execution
        .history
        .iter()
        .rev()
        .filter_map(|e| e.get(key))
        .find(|d| d.get("name").and_then(Value::as_str) == Some(name))
        .and_then(|d| d.get(field).and_then(Value::as_str))
        .map(cut)
}

fn add(definition: &Definition, depth: u32, group: Option<(String, usize)>, execution: Option<&Execution>, out: &mut Vec<GraphState>) {
    for s in &definition.states {
        let mut transitions: Vec<String> = s.next.iter().cloned().collect();
        if let StateKind::Choice { choices, default } = &s.kind {
            transitions.extend(choices.iter().map(|(_, n)| n.clone()));
            transitions.extend(default.iter().cloned());
        }
        transitions.extend(s.kind.catchers().iter().map(|c| c.next.clone()));
        transitions.dedup();
        let ends = s.next.is_none() && !matches!(s.kind, StateKind::Choice { .. });
        out.push(GraphState {
            name: s.name.clone(),
            state_type: s.kind.type_name(),
            depth,
            group: group.clone(),
            transitions,
            ends,
            progress: execution.and_then(|e| e.visits.iter().find(|(n, _)| *n == s.name)).map_or("not entered", |(_, o)| o.as_str()),
            input: execution.and_then(|e| latest(e, &s.name, "stateEnteredEventDetails", "input")),
            output: execution.and_then(|e| latest(e, &s.name, "stateExitedEventDetails", "output")),
        });
        for (branch, nested) in s.kind.nested().into_iter().enumerate() {
            add(nested, depth + 1, Some((s.name.clone(), branch)), execution, out);
        }
    }
}

/// The graph of `definition` coloured by `execution`: every state, each nested one after its Map or Parallel.
pub fn graph(definition: &Definition, execution: Option<&Execution>) -> Vec<GraphState> {
    let mut out = Vec::new();
    add(definition, 0, None, execution, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::states::asl::parse_definition;

    #[test]
    fn nested_states_follow_their_group_with_their_transitions() {
        let text = r#"{"StartAt":"Fan","States":{
            "Fan":{"Type":"Map","Next":"Check","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Oops"}],"ItemProcessor":{"StartAt":"Work","States":{"Work":{"Type":"Pass","End":true}}}},
            "Check":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Done"}],"Default":"Oops"},
            "Done":{"Type":"Succeed"},"Oops":{"Type":"Fail"}}}"#;
        let rows = graph(&parse_definition(text).unwrap(), None);
        let names: Vec<(&str, u32)> = rows.iter().map(|r| (r.name.as_str(), r.depth)).collect();
        assert_eq!(names, [("Fan", 0), ("Work", 1), ("Check", 0), ("Oops", 0), ("Done", 0)], "the order a run reaches them (Fan catches into Oops)");
        assert_eq!(rows[0].transitions, ["Check", "Oops"]);
        assert_eq!(rows[1].group, Some(("Fan".to_string(), 0)));
        assert!(rows[1].ends && !rows[2].ends);
        assert_eq!(rows[2].transitions, ["Done", "Oops"]);
        assert!(rows.iter().all(|r| r.progress == "not entered" && r.input.is_none()));
        assert_eq!(cut(&"x".repeat(MAX_DATA_CHARS + 5)).chars().count(), MAX_DATA_CHARS + 1);
    }
}
