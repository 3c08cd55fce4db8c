//! Times a UI benchmark scenario (by default tests/browser/scenarios/bench-ui.json: 2,000 tasks on 200
//! instances; or the file given, e.g. tests/browser/scenarios/bench-ui-5000.json): the burst of task starts,
//! one second of sim time once every task runs (what a frame at 60× advances), and `Sim::view()`. Run from
//! the repository root: `cargo run --release -p ecs-sim --example view_bench [SCENARIO]`.
fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "tests/browser/scenarios/bench-ui.json".to_string());
    let text = std::fs::read_to_string(&path).expect("run from the repository root");
    let scenario = ecs_sim::scenario::parse_scenario_str(&text).expect("the benchmark scenario parses");
    let mut sim = ecs_sim::sim::Sim::new(&scenario, None);
    let started = std::time::Instant::now();
    sim.advance_to(ecs_sim::time::SimTime(10 * 60_000), u32::MAX);
    println!("10 simulated minutes: {:?} ({} events)", started.elapsed(), sim.n_events_processed());
    let n_events = sim.n_events_processed();
    let started = std::time::Instant::now();
    sim.advance_to(ecs_sim::time::SimTime(11 * 60_000), u32::MAX);
    println!("the next simulated minute: {:?} ({} events)", started.elapsed(), sim.n_events_processed() - n_events);
    let started = std::time::Instant::now();
    let view = sim.view();
    println!("view: {:?} for {} tasks on {} instances", started.elapsed(), view.tasks.len(), view.instances.len());
}
