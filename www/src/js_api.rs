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
    let window = gloo::utils::window();
    js_sys::Reflect::set(&window, &JsValue::from_str(GLOBAL_NAME), &api)
        .expect_throw("cannot set window.ecsPlayground");
}

/// `ecsPlayground.ecsSimVersion()`: the version of the `ecs-sim` core, e.g. `"0.1.0"`.
fn ecs_sim_version() -> JsValue {
    JsValue::from_str(crate::ECS_SIM_VERSION)
}

/// Attaches `closure` to `api` as the function `name`; the closure lives as long as the page.
fn set_fn<F: ?Sized + wasm_bindgen::closure::WasmClosure>(api: &js_sys::Object, name: &str, closure: Closure<F>) {
    js_sys::Reflect::set(api, &JsValue::from_str(name), &closure.into_js_value())
        .expect_throw("cannot set a window.ecsPlayground function");
}
