//! The built-in scenarios as the app has them: not compiled into the wasm but fetched beside it as one
//! data file, `data/scenarios.json` (`{"<id>": <scenario document>, ...}`, written by `scripts/stage-data`).
//! `www/boot.js` starts that fetch together with the wasm's and hands the text over before the app starts;
//! [`install`] keeps the documents, in the core's `BUILTIN_SCENARIO_IDS` order, for the rest of the page's life.

use std::cell::RefCell;
use std::rc::Rc;

use ecs_sim::scenario::{parse_scenario, Scenario, BUILTIN_SCENARIO_IDS};
use serde_json::Value;

thread_local! {
    /// (id, document) of each built-in scenario the data file holds, in the picker's order.
    static DOCUMENTS: RefCell<Vec<(&'static str, Rc<Value>)>> = const { RefCell::new(Vec::new()) };
}

/// Keeps the built-in scenarios of the data file's `text`. Ids the core does not know are ignored (a newer
/// data file); an id it knows that is missing, or whose document does not parse, is left out of the picker. Fails, keeping nothing, when the
/// text is not a JSON object or holds no scenario this build knows.
pub fn install(text: &str) -> Result<usize, String> {
    let bundle: Value = serde_json::from_str(text).map_err(|e| format!("data/scenarios.json is not JSON ({e})"))?;
    let Value::Object(mut by_id) = bundle else {
        return Err("data/scenarios.json is not a JSON object of scenarios".into());
    };
    // A document that does not parse is left out: the picker offers only scenarios that open.
    let documents: Vec<(&'static str, Rc<Value>)> = BUILTIN_SCENARIO_IDS
        .iter()
        .filter_map(|id| by_id.remove(*id).filter(|doc| parse_scenario(doc).is_ok()).map(|doc| (*id, Rc::new(doc))))
        .collect();
    if documents.is_empty() {
        return Err("data/scenarios.json holds none of the built-in scenarios".into());
    }
    let n_scenarios = documents.len();
    DOCUMENTS.with(|kept| *kept.borrow_mut() = documents);
    Ok(n_scenarios)
}

/// The id of the blank start: the core's blank account (the default VPC and nothing else), started from the
/// scenarios dialog so a learner can build from nothing. It is no scenario of the data file (the picker offers
/// those), but opens, saves and shares by its id like one.
pub const BLANK_ID: &str = "blank-account";

/// The ids of the built-in scenarios the app has, in the picker's order.
pub fn builtin_ids() -> Vec<&'static str> {
    DOCUMENTS.with(|kept| kept.borrow().iter().map(|(id, _)| *id).collect())
}

/// The blank start's document: the core's blank scenario's name and description, and nothing else.
fn blank_document() -> Value {
    let blank = ecs_sim::scenario::blank_scenario();
    serde_json::json!({ "formatVersion": ecs_sim::scenario::FORMAT_VERSION, "name": blank.name, "description": blank.description })
}

/// The document of built-in scenario `id`, as its file holds it.
pub fn builtin_document(id: &str) -> Option<Rc<Value>> {
    if id == BLANK_ID {
        return Some(Rc::new(blank_document()));
    }
    DOCUMENTS.with(|kept| kept.borrow().iter().find(|(name, _)| *name == id).map(|(_, doc)| Rc::clone(doc)))
}

/// Built-in scenario `id`, parsed.
pub fn builtin_scenario(id: &str) -> Option<Scenario> {
    builtin_document(id).and_then(|doc| parse_scenario(&doc).ok())
}
