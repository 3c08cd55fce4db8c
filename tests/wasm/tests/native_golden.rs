//! The native build's trace hashes equal the golden file that the wasm test also checks.
//! `UPDATE_EXPECT=1 cargo test -p ecs-sim-wasm-tests` rewrites the file after an intended change.
#![cfg(not(target_arch = "wasm32"))]

#[test]
fn native_trace_hashes_equal_the_golden_file() {
    let hashes = ecs_sim_wasm_tests::trace_hashes();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/trace-hashes.txt");
        std::fs::write(path, ecs_sim_wasm_tests::render_golden(&hashes)).expect("write the golden file");
        return;
    }
    assert_eq!(hashes, ecs_sim_wasm_tests::golden_hashes(), "run with UPDATE_EXPECT=1 after an intended change");
}
