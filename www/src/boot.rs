//! What `www/boot.js` hands the app before it starts: the text of `data/scenarios.json`, fetched beside the
//! wasm (`window.ecsPlaygroundData.scenarios`), or why that fetch failed (`...scenariosError`).

use wasm_bindgen::JsValue;

/// The global `boot.js` sets before it starts the wasm.
const DATA_GLOBAL: &str = "ecsPlaygroundData";

/// The data file's text, or why the app cannot have it.
pub fn take_scenarios_text() -> Result<String, String> {
    let window = gloo::utils::window();
    let data = js_sys::Reflect::get(&window, &JsValue::from_str(DATA_GLOBAL)).unwrap_or(JsValue::UNDEFINED);
    let field = |name: &str| js_sys::Reflect::get(&data, &JsValue::from_str(name)).ok().and_then(|value| value.as_string());
    if let Some(text) = field("scenarios") {
        return Ok(text);
    }
    Err(field("scenariosError").unwrap_or_else(|| "the page was not started by boot.js".to_string()))
}

/// Replaces the page's content with a message saying the app could not start and why. Saved runs are
/// untouched: nothing has read or written browser storage yet.
pub fn show_start_failure(reason: &str) {
    let document = gloo::utils::document();
    let Some(body) = document.body() else { return };
    let text = format!(
        "The playground could not load its built-in scenarios ({reason}). Check the connection and reload the page; your saved runs are kept."
    );
    body.set_text_content(Some(""));
    if let Ok(message) = document.create_element("p") {
        message.set_class_name("start-failure");
        let _ = message.set_attribute("role", "alert");
        message.set_text_content(Some(&text));
        let _ = body.append_child(&message);
    }
}
