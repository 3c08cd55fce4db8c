//! The seek benchmark in WebAssembly, under Node: the design's day (24 h, 5,000 tasks) played in frames with
//! checkpoints, then seeks back across it, timed with `Date.now()`; one seek is checked against a replay from
//! the start (the same trace hash). It takes minutes, so it is run by `scripts/bench-seek-wasm`, not by
//! `scripts/test`; it prints one JSON line (BENCHMARKS.md, seek).
#![cfg(target_arch = "wasm32")]

use ecs_sim::bench::{day_scenario, run_with_checkpoints, seek_points};
use ecs_sim::sim::Sim;
use ecs_sim::time::SimTime;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[wasm_bindgen_test]
fn seek_across_a_day_run_with_checkpoints() {
    let scenario = day_scenario(false, false);
    let until = SimTime(24 * 3_600_000);
    let started = js_sys::Date::now();
    let (sim, checkpoints) = run_with_checkpoints(&scenario, until, 10_000);
    let run_ms = js_sys::Date::now() - started;
    let memory_mib = core::arch::wasm32::memory_size(0) as f64 * 65_536.0 / 1_048_576.0;
    let calls = sim.recorded_calls().to_vec();
    let mut seek_ms = Vec::new();
    let points = seek_points(until, 12);
    for point in &points {
        let started = js_sys::Date::now();
        let _ = checkpoints.seek(&scenario, None, &calls, *point);
        seek_ms.push(js_sys::Date::now() - started);
    }
    let checked = points[3];
    let (seeked, _) = checkpoints.seek(&scenario, None, &calls, checked);
    let started = js_sys::Date::now();
    let (replayed, _) = Sim::replay_to(&scenario, None, &calls, checked);
    let replay_ms = js_sys::Date::now() - started;
    assert_eq!(seeked.trace_hash(), replayed.trace_hash(), "a seek from a checkpoint is the replay from the start");
    let mut sorted = seek_ms.clone();
    sorted.sort_by(f64::total_cmp);
    console_log!(
        "{}",
        serde_json::json!({
            "simulated": "24h", "events": sim.n_events_processed(), "runMs": run_ms, "wasmMemoryMiB": memory_mib,
            "checkpoints": checkpoints.len(), "checkpointEvents": checkpoints.event_counts(),
            "seekMs": seek_ms, "seekMsMedian": sorted[sorted.len() / 2], "seekMsMax": sorted.last(), "budgetMs": 50,
            "replayFromStartMs": replay_ms, "traceHash": sim.trace_hash(),
        })
    );
}
