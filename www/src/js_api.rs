//! The page's JavaScript API: `window.ecsPlayground`, for the browser suite and benchmarks.
//!
//! Each entry is a plain function built from a Rust closure and attached with `Reflect`, so the
//! page needs no inline script (the Content-Security-Policy allows only `'self'` scripts).
//! Add an entry by adding one `set_fn` line in [`install`].

use wasm_bindgen::prelude::*;

/// The name of the object on `window`.
pub const GLOBAL_NAME: &str = "ecsPlayground";

/// Creates `window.ecsPlayground` with its functions. Call once, before the app renders.
pub fn install() {
    let api = js_sys::Object::new();
    set_fn(&api, "ecsSimVersion", Closure::<dyn Fn() -> JsValue>::new(ecs_sim_version));
    set_fn(&api, "traceHash", Closure::<dyn Fn(String, JsValue, f64) -> Result<JsValue, JsValue>>::new(trace_hash));
    set_fn(&api, "state", Closure::<dyn Fn() -> JsValue>::new(state));
    let window = gloo::utils::window();
    js_sys::Reflect::set(&window, &JsValue::from_str(GLOBAL_NAME), &api)
        .expect_throw("cannot set window.ecsPlayground");
}

/// `ecsPlayground.ecsSimVersion()`: the version of the `ecs-sim` core, e.g. `"0.1.0"`.
fn ecs_sim_version() -> JsValue {
    JsValue::from_str(crate::ECS_SIM_VERSION)
}

/// `ecsPlayground.traceHash(scenarioId, seed, untilMs)`: runs a built-in scenario headless (seed
/// `null`/`undefined` = the scenario's own) until `untilMs` of sim time and returns its trace hash.
fn trace_hash(id: String, seed: JsValue, until_ms: f64) -> Result<JsValue, JsValue> {
    let seed = seed.as_f64().map(|s| s as u64);
    if !(until_ms.is_finite() && until_ms >= 0.0) {
        return Err(JsValue::from_str("untilMs must be a non-negative number"));
    }
    crate::driver::headless_trace_hash(&id, seed, until_ms as u64).map(|h| JsValue::from_str(&h)).map_err(|e| JsValue::from_str(&e))
}

/// `ecsPlayground.state()`: `{simTimeMs, traceHash, seed, nEvents, playing}` of the live run (null before it starts).
fn state() -> JsValue {
    match crate::driver::live_state() {
        Some(value) => js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL),
        None => JsValue::NULL,
    }
}

/// Attaches `closure` to `api` as the function `name`; the closure lives as long as the page.
fn set_fn<F: ?Sized + wasm_bindgen::closure::WasmClosure>(api: &js_sys::Object, name: &str, closure: Closure<F>) {
    js_sys::Reflect::set(api, &JsValue::from_str(name), &closure.into_js_value())
        .expect_throw("cannot set a window.ecsPlayground function");
}
