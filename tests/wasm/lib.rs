//! Shared by the native and the wasm determinism checks: the run each built-in scenario gets, and its hash.

use ecs_sim::scenario::{builtin_scenario, BUILTIN_SCENARIOS};
use ecs_sim::sim::Sim;
use ecs_sim::time::SimTime;

/// How long each built-in scenario runs for the golden hashes.
pub const RUN_MS: u64 = 20 * 60_000;

/// The golden file: one `id hash` line per built-in scenario, made by the native build.
pub const GOLDEN: &str = include_str!("data/trace-hashes.txt");

/// (scenario id, trace hash after [`RUN_MS`]) for every built-in scenario, with the scenario's own seed.
pub fn trace_hashes() -> Vec<(String, String)> {
    BUILTIN_SCENARIOS
        .iter()
        .map(|(id, _)| {
            let scenario = builtin_scenario(id).expect("built-in scenarios parse");
            let mut sim = Sim::new(&scenario, None);
            sim.advance_to(SimTime(RUN_MS), u32::MAX);
            (id.to_string(), sim.trace_hash())
        })
        .collect()
}

/// The golden file as (id, hash) pairs.
pub fn golden_hashes() -> Vec<(String, String)> {
    GOLDEN
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(id, hash)| (id.to_string(), hash.trim().to_string()))
        .collect()
}

/// The golden file's text for the current hashes.
pub fn render_golden(hashes: &[(String, String)]) -> String {
    hashes.iter().map(|(id, hash)| format!("{id} {hash}\n")).collect()
}
