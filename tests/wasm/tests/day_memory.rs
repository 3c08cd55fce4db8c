//! The wasm linear memory after the design's day with Container Insights and logging on, under Node: the day
//! (24 h, up to 5,000 tasks, each writing its start-up, request and shutdown lines through `awslogs`, and the
//! cluster's performance events each minute) run to its end, then the memory's size read. It takes minutes, so
//! `scripts/bench-day-wasm` runs it, not `scripts/test`; it prints one JSON line (BENCHMARKS.md, a day of traffic).
#![cfg(target_arch = "wasm32")]

use ecs_sim::bench::day_scenario;
use ecs_sim::sim::Sim;
use ecs_sim::time::SimTime;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[wasm_bindgen_test]
fn the_day_with_container_insights_and_logging_in_wasm_memory() {
    let scenario = day_scenario(true, true);
    let memory_before_mib = core::arch::wasm32::memory_size(0) as f64 * 65_536.0 / 1_048_576.0;
    let started = js_sys::Date::now();
    let mut sim = Sim::new(&scenario, None);
    sim.advance_to(SimTime(24 * 3_600_000), u32::MAX);
    let run_ms = js_sys::Date::now() - started;
    let memory_mib = core::arch::wasm32::memory_size(0) as f64 * 65_536.0 / 1_048_576.0;
    let view = sim.view();
    let memory_with_view_mib = core::arch::wasm32::memory_size(0) as f64 * 65_536.0 / 1_048_576.0;
    console_log!(
        "{}",
        serde_json::json!({
            "simulated": "24h", "containerInsights": true, "logging": true, "events": sim.n_events_processed(), "runMs": run_ms,
            "wasmMemoryMiBBefore": memory_before_mib, "wasmMemoryMiB": memory_mib, "wasmMemoryMiBWithView": memory_with_view_mib,
            "logEvents": sim.logs().n_events, "logEventsDropped": sim.logs().n_events_dropped, "viewLogGroups": view.logs.groups.len(),
            "traceHash": sim.trace_hash(),
        })
    );
}
