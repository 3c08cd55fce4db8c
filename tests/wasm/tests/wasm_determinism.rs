//! Runs every built-in scenario in WebAssembly and compares its trace hash with the native golden file.
//! Run with `cargo test -p ecs-sim-wasm-tests --target wasm32-unknown-unknown` (wasm-bindgen-test-runner, Node).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn wasm_trace_hashes_equal_the_native_golden_file() {
    let golden = ecs_sim_wasm_tests::golden_hashes();
    assert_eq!(golden.len(), ecs_sim::scenario::BUILTIN_SCENARIOS.len(), "the golden file lists every built-in scenario");
    assert_eq!(ecs_sim_wasm_tests::trace_hashes(), golden);
}

/// The longest the crash loop's day may take in WebAssembly (a debug build under Node).
const CRASH_LOOP_DAY_MAX_MS: f64 = 120_000.0;
/// The most linear memory the crash loop's day may grow the module to (it was hundreds of MiB when stopped tasks
/// were never removed).
const CRASH_LOOP_DAY_MAX_MEMORY_MIB: u32 = 64;

/// A service crash-looping at the shortest timings for a simulated day (tests/data/long-run/crash-loop-day.json)
/// keeps WebAssembly's memory under a stated bound: the engine forgets stopped tasks an hour after they stop.
#[wasm_bindgen_test]
fn a_crash_loop_day_keeps_wasm_memory_bounded() {
    let text = include_str!("../../data/long-run/crash-loop-day.json");
    let scenario = ecs_sim::scenario::parse_scenario_str(text).expect("the crash loop reads");
    let mut sim = ecs_sim::sim::Sim::new(&scenario, None);
    let started = js_sys::Date::now();
    for hour in 1..=24u64 {
        while !sim.advance_to(ecs_sim::time::SimTime(hour * 3_600_000), 100_000).reached {}
        let memory_mib = core::arch::wasm32::memory_size(0) as u32 * 64 / 1024;
        assert!(memory_mib <= CRASH_LOOP_DAY_MAX_MEMORY_MIB, "{memory_mib} MiB of wasm memory at hour {hour}");
    }
    let run_ms = js_sys::Date::now() - started;
    assert!(sim.n_events_processed() > 200_000, "the loop did not run all day: {} events", sim.n_events_processed());
    assert!(run_ms < CRASH_LOOP_DAY_MAX_MS, "the day took {run_ms} ms");
    wasm_bindgen_test::console_log!("crash loop day: {} events, {run_ms} ms, {} MiB", sim.n_events_processed(), core::arch::wasm32::memory_size(0) as u32 * 64 / 1024);
}
