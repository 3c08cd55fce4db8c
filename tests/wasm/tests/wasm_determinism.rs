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
