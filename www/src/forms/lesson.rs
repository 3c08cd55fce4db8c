//! The Lessons panel's model: the learner's progress (kept in localStorage under a versioned key, bounded), the
//! learner's run as the checker replays it, and the reference solution as calls the panel can make.

use ecs_sim::lesson::{CardPick, LearnerCall, Lesson};
use ecs_sim::sim::RecordedCall;
use ecs_sim::table::Table;
use gloo::storage::{LocalStorage, Storage};
use serde_json::{json, Value};

/// The localStorage key of the progress, with its schema version.
pub const PROGRESS_KEY: &str = "ecs-playground.lessons.v1";

/// The most lessons the progress remembers; the oldest entries go first.
pub const MAX_PROGRESS_ENTRIES: usize = 500;

/// Per lesson: the best check so far (objectives passed, of how many), oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub entries: Vec<(String, u32, u32)>,
    /// Quiz questions answered right, and answered.
    pub quiz_right: u32,
    pub quiz_answered: u32,
}

impl Progress {
    /// Reads the progress; a missing or unreadable record is an empty progress (the record is left as it is).
    pub fn load() -> Progress {
        let Ok(Some(text)) = LocalStorage::raw().get_item(PROGRESS_KEY) else { return Progress::default() };
        Progress::from_json(&text)
    }

    pub fn from_json(text: &str) -> Progress {
        let Ok(doc) = serde_json::from_str::<Value>(text) else { return Progress::default() };
        if doc.get("schemaVersion").and_then(Value::as_u64) != Some(1) {
            return Progress::default();
        }
        let entries = doc
            .get("lessons")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| Some((e.get("id")?.as_str()?.to_string(), e.get("passed")?.as_u64()? as u32, e.get("of")?.as_u64()? as u32)))
            .take(MAX_PROGRESS_ENTRIES)
            .collect();
        let count = |name: &str| doc.get("quiz").and_then(|q| q.get(name)).and_then(Value::as_u64).unwrap_or(0).min(u64::from(u32::MAX)) as u32;
        Progress { entries, quiz_right: count("right"), quiz_answered: count("answered") }
    }

    pub fn to_json(&self) -> String {
        let lessons: Vec<Value> = self.entries.iter().map(|(id, passed, of)| json!({ "id": id, "passed": passed, "of": of })).collect();
        json!({ "schemaVersion": 1, "lessons": lessons, "quiz": { "right": self.quiz_right, "answered": self.quiz_answered } }).to_string()
    }

    /// The best result of a lesson: (passed, of).
    pub fn of(&self, id: &str) -> Option<(u32, u32)> {
        self.entries.iter().find(|e| e.0 == id).map(|e| (e.1, e.2))
    }

    pub fn is_complete(&self, id: &str) -> bool {
        self.of(id).is_some_and(|(passed, of)| passed == of && of > 0)
    }

    /// Records a check, keeping the best result; returns whether saving worked.
    pub fn record(&mut self, id: &str, passed: u32, of: u32) -> Result<(), String> {
        match self.entries.iter_mut().find(|e| e.0 == id) {
            Some(entry) => {
                if passed >= entry.1 {
                    *entry = (id.to_string(), passed, of);
                }
            }
            None => {
                if self.entries.len() >= MAX_PROGRESS_ENTRIES {
                    self.entries.remove(0);
                }
                self.entries.push((id.to_string(), passed, of));
            }
        }
        self.save()
    }

    /// Records a quiz answer.
    pub fn record_answer(&mut self, right: bool) -> Result<(), String> {
        self.quiz_answered = self.quiz_answered.saturating_add(1);
        self.quiz_right = self.quiz_right.saturating_add(u32::from(right));
        self.save()
    }

    fn save(&self) -> Result<(), String> {
        LocalStorage::raw().set_item(PROGRESS_KEY, &self.to_json()).map_err(|_| "the browser's storage refused the progress".to_string())
    }
}

/// The learner's picks on the decision cards with `pick` made: it replaces the card's earlier pick.
pub fn with_pick(picks: &[CardPick], pick: CardPick) -> Vec<CardPick> {
    let mut next: Vec<CardPick> = picks.iter().filter(|p| p.objective != pick.objective).cloned().collect();
    next.push(pick);
    next
}

/// The learner's recorded calls as the checker replays them (each after its number of events).
pub fn learner_calls(recorded: &[RecordedCall]) -> Vec<LearnerCall> {
    recorded.iter().map(|c| LearnerCall { at_ms: c.time.0, n_events: Some(c.n_events), call: c.call.clone(), input: c.input.clone(), as_name: None }).collect()
}

/// The solution's calls with their `${...}` references resolved from the outputs of the calls before them, made
/// one by one through `call` (the app's dispatch). Returns each call's outcome line.
pub fn apply_solution(lesson: &Lesson, mut call: impl FnMut(&str, Value) -> Result<Value, String>) -> Vec<String> {
    let mut outputs: Table<String, Value> = Table::new();
    let mut lines = Vec::new();
    for step in &lesson.solution {
        let outcome = ecs_sim::scenario::substitute(&step.input, &outputs).and_then(|input| call(&step.call, input));
        match outcome {
            Ok(output) => {
                if let Some(name) = &step.as_name {
                    outputs.insert(name.clone(), output);
                }
                lines.push(format!("{}: ok", step.call));
            }
            Err(message) => lines.push(format!("{}: {message}", step.call)),
        }
    }
    lines
}
