//! Fetches a text file from the app's own origin (the lesson files under `data/lessons/`), with the
//! browser's `fetch`: the lessons are not compiled into the wasm.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The text of `path` (relative to the page), or why it could not be fetched.
pub async fn fetch_text(path: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(path)).await.map_err(|_| format!("{path}: the request failed (offline?)"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| format!("{path}: not a response"))?;
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|_| format!("{path}: no body"))?).await.map_err(|_| format!("{path}: the body could not be read"))?;
    text.as_string().ok_or_else(|| format!("{path}: the body is not text"))
}
