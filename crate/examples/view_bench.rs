//! Times the UI benchmark scenario (tests/browser/scenarios/bench-ui.json: 2,000 tasks on 200 instances):
//! the burst of task starts and `Sim::view()`. Run from the repository root:
//! `cargo run --release -p ecs-sim --example view_bench`.
fn main() {
    let text = std::fs::read_to_string("tests/browser/scenarios/bench-ui.json").expect("run from the repository root");
    let scenario = ecs_sim::scenario::parse_scenario_str(&text).expect("the benchmark scenario parses");
    let mut sim = ecs_sim::sim::Sim::new(&scenario, None);
    let started = std::time::Instant::now();
    sim.advance_to(ecs_sim::time::SimTime(10 * 60_000), u32::MAX);
    println!("10 simulated minutes: {:?} ({} events)", started.elapsed(), sim.n_events_processed());
    let started = std::time::Instant::now();
    let view = sim.view();
    println!("view: {:?} for {} tasks on {} instances", started.elapsed(), view.tasks.len(), view.instances.len());
}
