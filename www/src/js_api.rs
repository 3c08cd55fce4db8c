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
    set_fn(&api, "benchPlacement", Closure::<dyn Fn(u32, u32) -> JsValue>::new(bench_placement));
    set_fn(&api, "renderCounts", Closure::<dyn Fn() -> JsValue>::new(render_counts));
    set_fn(&api, "loadScenario", Closure::<dyn Fn(String) -> Result<(), JsValue>>::new(load_scenario));
    let window = gloo::utils::window();
    js_sys::Reflect::set(&window, &JsValue::from_str(GLOBAL_NAME), &api)
        .expect_throw("cannot set window.ecsPlayground");
}

/// `ecsPlayground.ecsSimVersion()`: the version of the `ecs-sim` core, e.g. `"0.1.0"`.
fn ecs_sim_version() -> JsValue {
    JsValue::from_str(crate::driver::ECS_SIM_VERSION)
}

/// `ecsPlayground.traceHash(scenarioId, seed, untilMs)`: runs a built-in scenario (or a scenario document given
/// as JSON text instead of an id) headless (seed
/// `null`/`undefined` = the scenario's own) until `untilMs` of sim time and returns its trace hash.
fn trace_hash(id: String, seed: JsValue, until_ms: f64) -> Result<JsValue, JsValue> {
    let seed = seed.as_f64().map(|s| s as u64);
    if !(until_ms.is_finite() && until_ms >= 0.0) {
        return Err(JsValue::from_str("untilMs must be a non-negative number"));
    }
    crate::driver::headless_trace_hash(&id, seed, until_ms as u64).map(|h| JsValue::from_str(&h)).map_err(|e| JsValue::from_str(&e))
}

/// `ecsPlayground.state()`: `{simTimeMs, traceHash, seed, nEvents, playing, latestMs, pendingCalls}` of the live run
/// (null before it starts): `latestMs` is the timeline's end, `pendingCalls` the calls a rewound run will replay.
fn state() -> JsValue {
    match crate::driver::live_state() {
        Some(value) => js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL),
        None => JsValue::NULL,
    }
}

/// `ecsPlayground.benchPlacement(nInstances, nTasks)`: the placement benchmark of the core
/// (`ecs_sim::placement::bench_setup`, untimed, then `bench_run`, timed with `performance.now()`):
/// `{ms, instances, tasks, placed, failed, checksum, wasmMemoryBytes}`. The checksum (16 hex digits)
/// equals the one `ecs-sim bench placement` prints for the same sizes.
fn bench_placement(n_instances: u32, n_tasks: u32) -> JsValue {
    let (mut pool, demands) = ecs_sim::placement::bench_setup(n_instances, 42);
    let per_demand = n_tasks / demands.len().max(1) as u32;
    let mut rng = ecs_sim::rng::Prng::new(42);
    let performance = gloo::utils::window().performance().expect_throw("no window.performance");
    let started = performance.now();
    let figures = ecs_sim::placement::bench_run(&mut pool, &demands, per_demand, &mut rng);
    let ms = performance.now() - started;
    // Read while the pool is alive: the linear memory the run needed.
    let memory_bytes = js_sys::Reflect::get(&wasm_bindgen::memory(), &JsValue::from_str("buffer"))
        .and_then(|buffer| js_sys::Reflect::get(&buffer, &JsValue::from_str("byteLength")))
        .ok()
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0);
    drop(pool);
    let result = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&result, &JsValue::from_str(key), &value);
    };
    set("ms", ms.into());
    set("instances", figures.n_instances.into());
    set("tasks", figures.n_tasks.into());
    set("placed", figures.n_placed.into());
    set("failed", figures.n_failed.into());
    set("checksum", format!("{:016x}", figures.checksum).into());
    set("wasmMemoryBytes", memory_bytes.into());
    result.into()
}

/// `ecsPlayground.loadScenario(jsonText)`: starts the live run from a scenario document, as
/// importing a file does (throws the validation messages if it is not a valid scenario).
fn load_scenario(text: String) -> Result<(), JsValue> {
    crate::driver::load_live_scenario(&text).map_err(|e| JsValue::from_str(&e))
}

/// `ecsPlayground.renderCounts()`: `{ComponentName: renders so far, ...}` of every component that rendered
/// (`render_count.rs`), for the render benchmark and the tests that prove what re-renders.
fn render_counts() -> JsValue {
    let counts = js_sys::Object::new();
    for (name, count) in crate::render_count::render_counts() {
        let _ = js_sys::Reflect::set(&counts, &JsValue::from_str(name), &JsValue::from(count));
    }
    counts.into()
}

/// Attaches `closure` to `api` as the function `name`; the closure lives as long as the page.
fn set_fn<F: ?Sized + wasm_bindgen::closure::WasmClosure>(api: &js_sys::Object, name: &str, closure: Closure<F>) {
    js_sys::Reflect::set(api, &JsValue::from_str(name), &closure.into_js_value())
        .expect_throw("cannot set a window.ecsPlayground function");
}
