//! Saving and restoring runs: the versioned autosave in localStorage and the `#s=` share link.
//! Both hold the same record: the scenario document, the seed, the user's recorded calls and the
//! sim time (plus the event count) the run had reached, so a restore replays to the same trace hash. A
//! rewound run's record also holds the calls it made after that point, replayed again as it moves forward.

use ecs_sim::codec::Base64;
use ecs_sim::scenario::{parse_scenario, Scenario};
use std::collections::VecDeque;

use ecs_sim::sim::{RecordedCall, RunPoint, Sim};
use ecs_sim::time::{check_sim_time_ms, SimTime};
use gloo::storage::{LocalStorage, Storage};
use serde_json::{json, Value};

/// The localStorage key of the autosave.
pub const AUTOSAVE_KEY: &str = "ecs-playground.autosave";
/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u64 = 1;

/// The share link format version this build writes and reads (its `v`).
pub const SHARE_VERSION: u64 = 1;

/// A run, as saved or shared.
#[derive(Clone, Debug)]
pub struct RunRecord {
    pub document: Value,
    pub scenario_id: Option<String>,
    pub seed: u64,
    pub calls: Vec<RecordedCall>,
    pub sim_time_ms: u64,
    pub n_events: u64,
    /// The furthest sim time the run reached (the timeline's end; a rewound run is behind it).
    pub latest_ms: u64,
    pub playing: bool,
}

impl RunRecord {
    /// The record of `sim`; `pending` are the calls a rewound run made after its current point.
    pub fn of(sim: &Sim, pending: &VecDeque<RecordedCall>, latest_ms: u64, scenario: &Scenario, scenario_id: Option<String>, playing: bool) -> RunRecord {
        RunRecord {
            document: scenario.document.clone(),
            scenario_id,
            seed: sim.seed(),
            calls: sim.recorded_calls().iter().chain(pending).cloned().collect(),
            sim_time_ms: sim.now().as_millis(),
            n_events: sim.n_events_processed(),
            latest_ms,
            playing,
        }
    }

    fn calls_json(&self) -> Value {
        Value::Array(self.calls.iter().map(|c| json!([c.time.as_millis(), c.n_events, c.call, c.input])).collect())
    }

    /// The scenario as a built-in id when it is one unchanged (short links), else the document.
    fn scenario_json(&self) -> Value {
        match &self.scenario_id {
            Some(id) if super::catalog::builtin_document(id).is_some() => json!({ "builtin": id }),
            _ => self.document.clone(),
        }
    }

    pub fn to_autosave_json(&self) -> String {
        json!({
            "schemaVersion": SCHEMA_VERSION,
            "scenario": self.scenario_json(),
            "seed": self.seed,
            "calls": self.calls_json(),
            "simTimeMs": self.sim_time_ms,
            "nEvents": self.n_events,
            "latestMs": self.latest_ms,
            "playing": self.playing,
        })
        .to_string()
    }

    pub fn to_share_json(&self) -> String {
        json!({ "v": SHARE_VERSION, "scenario": self.scenario_json(), "seed": self.seed, "calls": self.calls_json(), "t": self.sim_time_ms, "n": self.n_events, "l": self.latest_ms })
            .to_string()
    }

    fn from_parts(scenario: &Value, seed: &Value, calls: &Value, time: &Value, n_events: &Value, latest: &Value, playing: bool) -> Result<RunRecord, String> {
        let (document, scenario_id) = match scenario.get("builtin").and_then(Value::as_str) {
            Some(id) => {
                let document = super::catalog::builtin_document(id).ok_or_else(|| format!("unknown built-in scenario '{id}'"))?;
                ((*document).clone(), Some(id.to_string()))
            }
            None if scenario.is_object() => (scenario.clone(), None),
            None => return Err("no scenario".into()),
        };
        let seed = seed.as_u64().ok_or("the seed must be a non-negative integer")?;
        let mut recorded = Vec::new();
        for (i, call) in calls.as_array().ok_or("calls is not a list")?.iter().enumerate() {
            let bad = || format!("calls[{i}] is malformed");
            let time_ms = call.get(0).and_then(Value::as_u64).ok_or_else(bad)?;
            check_sim_time_ms(&format!("the time of calls[{i}]"), time_ms)?;
            let n = call.get(1).and_then(Value::as_u64).ok_or_else(bad)?;
            let name = call.get(2).and_then(Value::as_str).ok_or_else(bad)?;
            let input = call.get(3).cloned().ok_or_else(bad)?;
            if recorded.last().is_some_and(|last: &RecordedCall| last.n_events > n || last.time.as_millis() > time_ms) {
                return Err(format!("calls[{i}] is out of order"));
            }
            recorded.push(RecordedCall { time: SimTime(time_ms), n_events: n, call: name.to_string(), input });
        }
        let sim_time_ms = check_sim_time_ms("the sim time", time.as_u64().ok_or("the sim time must be a non-negative integer")?)?;
        let n_events = n_events.as_u64().unwrap_or(u64::MAX);
        // Saves and links from before the timeline have no end: the saved time is the end.
        let latest_ms = check_sim_time_ms("the timeline's end", latest.as_u64().unwrap_or(0))?.max(sim_time_ms);
        Ok(RunRecord { document, scenario_id, seed, calls: recorded, sim_time_ms, n_events, latest_ms, playing })
    }

    /// Parses an autosave; a future schema version is an error (kept aside by the caller).
    pub fn from_autosave_text(text: &str) -> Result<RunRecord, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        match doc.get("schemaVersion") {
            Some(v) if v.as_u64() == Some(SCHEMA_VERSION) => {}
            Some(v) if v.as_u64().is_some_and(|v| v > SCHEMA_VERSION) => return Err(format!("it was saved by a newer version (schemaVersion {v})")),
            Some(Value::String(text)) => return Err(format!("its schemaVersion must be a number, not the string \"{text}\"")),
            Some(v) => return Err(format!("its schemaVersion {v} is not one this version reads ({SCHEMA_VERSION})")),
            None => return Err("it has no schemaVersion".into()),
        }
        let playing = doc.get("playing").and_then(Value::as_bool).unwrap_or(true);
        RunRecord::from_parts(&doc["scenario"], &doc["seed"], &doc["calls"], &doc["simTimeMs"], &doc["nEvents"], &doc["latestMs"], playing)
    }

    /// Parses the text after `#s=`.
    pub fn from_share_text(fragment: &str) -> Result<RunRecord, String> {
        let bytes = Base64::Url.decode(fragment.trim().trim_end_matches('=')).ok_or("it is not valid base64url")?;
        let text = String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text")?;
        let doc: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
        match doc.get("v") {
            Some(v) if v.as_u64() == Some(SHARE_VERSION) => {}
            Some(v) if v.as_u64().is_some_and(|v| v > SHARE_VERSION) => {
                return Err(format!("it was made by a newer version of the playground (share link version {v}; this one reads {SHARE_VERSION}): update the playground to open it"))
            }
            Some(Value::String(text)) => return Err(format!("its version (v) must be a number, not the string \"{text}\"")),
            Some(v) => return Err(format!("its version (v) {v} is not one this playground reads ({SHARE_VERSION})")),
            None => return Err("it has no version (v)".into()),
        }
        RunRecord::from_parts(&doc["scenario"], &doc["seed"], &doc["calls"], &doc["t"], &doc["n"], &doc["l"], false)
    }

    /// Replays the record to its saved point (event count and time). Returns the run, the calls it made
    /// after that point (a rewound run's), its scenario and built-in id.
    pub fn restore(&self) -> Result<(Sim, VecDeque<RecordedCall>, Scenario, Option<String>), String> {
        let scenario = parse_scenario(&self.document).map_err(|errors| {
            errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect::<Vec<_>>().join("; ")
        })?;
        let point = RunPoint { n_events: self.n_events, time: Some(SimTime(self.sim_time_ms)) };
        let (sim, pending) = Sim::replay_to(&scenario, Some(self.seed), &self.calls, point);
        Ok((sim, pending, scenario, self.scenario_id.clone()))
    }
}

/// Saves `record` as the autosave; `Err` says why it could not be (a full or blocked storage, a run too
/// large to store): the run goes on, and the caller tells the learner.
pub fn autosave(record: &RunRecord) -> Result<(), String> {
    LocalStorage::raw().set_item(AUTOSAVE_KEY, &record.to_autosave_json()).map_err(|e| storage_error(&e))
}

/// Why a write to localStorage failed, in words.
fn storage_error(error: &wasm_bindgen::JsValue) -> String {
    match js_sys::Reflect::get(error, &"name".into()).ok().and_then(|name| name.as_string()) {
        Some(name) if name == "QuotaExceededError" => "the browser's storage is full".to_string(),
        Some(name) => format!("the browser refused to store it ({name})"),
        None => "the browser refused to store it".to_string(),
    }
}

/// The autosave: `Ok(None)` when there is none, `Err` when it is corrupt or from the future.
pub fn load_autosave() -> Result<Option<RunRecord>, String> {
    match LocalStorage::raw().get_item(AUTOSAVE_KEY) {
        Ok(Some(text)) => RunRecord::from_autosave_text(&text).map(Some),
        _ => Ok(None),
    }
}

/// Where a rejected autosave went.
pub enum SetAside {
    /// Copied to this key, then removed from the autosave's.
    Kept(String),
    /// The copy could not be written (the reason); the original is left where it was, and here is its text.
    NotKept { reason: String, text: String },
}

/// Copies the autosave to a new key and removes the original only once the copy is written.
pub fn move_autosave_aside() -> SetAside {
    let storage = LocalStorage::raw();
    let stamp = js_sys::Date::now() as u64;
    let key = format!("{AUTOSAVE_KEY}.rejected-{stamp}");
    let Ok(Some(text)) = storage.get_item(AUTOSAVE_KEY) else { return SetAside::Kept(key) };
    match storage.set_item(&key, &text) {
        Ok(()) => {
            let _ = storage.remove_item(AUTOSAVE_KEY);
            SetAside::Kept(key)
        }
        Err(error) => SetAside::NotKept { reason: storage_error(&error), text },
    }
}

/// The localStorage key of the recent runs (a list, newest first, of at most [`RECENT_CAPACITY`]).
pub const RECENT_KEY: &str = "ecs-playground.recent.v1";
/// How many recent runs are kept.
pub const RECENT_CAPACITY: usize = 5;

/// A run kept in the recent runs: what the list shows, and the run as its autosave.
pub struct RecentEntry {
    pub saved_at_ms: u64,
    pub name: String,
    pub sim_time_ms: u64,
    pub run: Value,
}

/// The recent runs as stored (an unreadable list reads as empty).
pub fn load_recent() -> Vec<RecentEntry> {
    let Ok(Some(text)) = LocalStorage::raw().get_item(RECENT_KEY) else { return Vec::new() };
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(&text) else { return Vec::new() };
    items
        .into_iter()
        .filter_map(|item| {
            Some(RecentEntry {
                saved_at_ms: item.get("savedAtMs")?.as_u64()?,
                name: item.get("name")?.as_str()?.to_string(),
                sim_time_ms: item.get("simTimeMs")?.as_u64()?,
                run: item.get("run")?.clone(),
            })
        })
        .collect()
}

fn store_recent(entries: &[RecentEntry]) -> Result<(), String> {
    let items: Vec<Value> = entries.iter().map(|e| json!({ "savedAtMs": e.saved_at_ms, "name": e.name, "simTimeMs": e.sim_time_ms, "run": e.run })).collect();
    LocalStorage::raw().set_item(RECENT_KEY, &Value::Array(items).to_string()).map_err(|e| storage_error(&e))
}

/// Adds `record` to the front of the recent runs (the oldest beyond [`RECENT_CAPACITY`] go). When the storage
/// is full, older runs are dropped to make room; `Err` when even this one cannot be stored.
pub fn push_recent(record: &RunRecord) -> Result<Vec<RecentEntry>, String> {
    let name = record.document.get("name").and_then(Value::as_str).unwrap_or("Imported scenario").to_string();
    let run: Value = serde_json::from_str(&record.to_autosave_json()).map_err(|e| e.to_string())?;
    // Two saves in the same millisecond keep distinct keys.
    let mut saved_at_ms = js_sys::Date::now() as u64;
    let mut entries = load_recent();
    if let Some(newest) = entries.first() {
        saved_at_ms = saved_at_ms.max(newest.saved_at_ms + 1);
    }
    entries.insert(0, RecentEntry { saved_at_ms, name, sim_time_ms: record.sim_time_ms, run });
    entries.truncate(RECENT_CAPACITY);
    loop {
        match store_recent(&entries) {
            Ok(()) => return Ok(entries),
            Err(_) if entries.len() > 1 => {
                entries.pop();
            }
            Err(reason) => return Err(reason),
        }
    }
}

/// Takes the recent run saved at `saved_at_ms` out of the list and returns it.
pub fn take_recent(saved_at_ms: u64) -> Option<(RunRecord, Vec<RecentEntry>)> {
    let mut entries = load_recent();
    let index = entries.iter().position(|e| e.saved_at_ms == saved_at_ms)?;
    let entry = entries.remove(index);
    let record = RunRecord::from_autosave_text(&entry.run.to_string()).ok()?;
    // The list without it; if that cannot be written, the run stays listed as well, which loses nothing.
    let _ = store_recent(&entries);
    Some((record, entries))
}

/// The share payload in `location.hash` (`#s=...`), if any.
pub fn share_fragment_in_url() -> Option<String> {
    let hash = gloo::utils::window().location().hash().ok()?;
    hash.strip_prefix("#s=").map(str::to_string)
}

/// Removes the `#s=` fragment so a reload restores the autosave rather than the link.
pub fn clear_url_fragment() {
    let window = gloo::utils::window();
    if let (Ok(history), Ok(path)) = (window.history(), window.location().pathname()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

/// What the tests of the driver share.
#[cfg(test)]
pub(super) mod tests_support {
    use serde_json::Value;

    /// Installs the built-in scenarios as the app's data file gives them.
    pub fn install_builtins() {
        let bundle: serde_json::Map<String, Value> =
            ecs_sim::scenario::BUILTIN_SCENARIOS.iter().map(|(id, text)| (id.to_string(), serde_json::from_str(text).expect("a built-in scenario is JSON"))).collect();
        crate::driver::catalog::install(&Value::Object(bundle).to_string()).expect("the bundle installs");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Installs the built-in scenarios as the app's data file gives them and returns the first id.
    fn first_builtin_id() -> &'static str {
        tests_support::install_builtins();
        ecs_sim::scenario::BUILTIN_SCENARIO_IDS[0]
    }

    fn share(doc: Value) -> String {
        Base64::Url.encode(doc.to_string().as_bytes())
    }

    fn link(v: Value, seed: Value, t: Value) -> Result<RunRecord, String> {
        RunRecord::from_share_text(&share(json!({ "v": v, "scenario": { "builtin": first_builtin_id() }, "seed": seed, "calls": [], "t": t, "n": 0, "l": 0 })))
    }

    #[test]
    fn a_share_link_of_a_newer_version_says_it_is_newer() {
        let message = link(json!(2), json!(1), json!(0)).unwrap_err();
        assert!(message.contains("newer version of the playground (share link version 2; this one reads 1)"), "{message}");
        let message = link(json!("1"), json!(1), json!(0)).unwrap_err();
        assert_eq!(message, "its version (v) must be a number, not the string \"1\"");
        assert!(link(json!(1), json!(1), json!(0)).is_ok());
    }

    #[test]
    fn a_negative_seed_must_be_a_non_negative_integer() {
        assert_eq!(link(json!(1), json!(-1), json!(0)).unwrap_err(), "the seed must be a non-negative integer");
    }

    #[test]
    fn share_link_times_past_a_year_are_refused() {
        let message = link(json!(1), json!(1), json!(ecs_sim::time::MAX_SIM_TIME_MS + 1)).unwrap_err();
        assert!(message.starts_with("the sim time must be at most a year"), "{message}");
        assert!(link(json!(1), json!(1), json!(ecs_sim::time::MAX_SIM_TIME_MS)).is_ok());
        let calls = json!([[u64::MAX, 0, "ecs:ListClusters", {}]]);
        let text = share(json!({ "v": 1, "scenario": { "builtin": first_builtin_id() }, "seed": 1, "calls": calls, "t": 0, "n": 0 }));
        let message = RunRecord::from_share_text(&text).unwrap_err();
        assert!(message.starts_with("the time of calls[0] must be at most a year"), "{message}");
    }

    #[test]
    fn a_string_schema_version_must_be_a_number() {
        let save = |v: Value| json!({ "schemaVersion": v, "scenario": { "builtin": first_builtin_id() }, "seed": 1, "calls": [], "simTimeMs": 0 }).to_string();
        assert_eq!(RunRecord::from_autosave_text(&save(json!("1"))).unwrap_err(), "its schemaVersion must be a number, not the string \"1\"");
        assert_eq!(RunRecord::from_autosave_text(&save(json!(2))).unwrap_err(), "it was saved by a newer version (schemaVersion 2)");
        assert!(RunRecord::from_autosave_text(&save(json!(1))).is_ok());
    }
}
