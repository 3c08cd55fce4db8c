//! Times `Sim::view()` on the UI benchmark scenario (2,000 tasks on 200 instances).
fn main() {
    let text = std::fs::read_to_string("tests/browser/scenarios/bench-ui.json").expect("scenario");
    let scenario = ecs_sim::scenario::parse_scenario_str(&text).expect("parses");
    let mut sim = ecs_sim::sim::Sim::new(&scenario, None);
    sim.advance_to(ecs_sim::time::SimTime(10 * 60_000), u32::MAX);
    let started = std::time::Instant::now();
    let view = sim.view();
    println!("view: {:?} for {} tasks, {} instances", started.elapsed(), view.tasks.len(), view.instances.len());
    let started = std::time::Instant::now();
    sim.advance_to(ecs_sim::time::SimTime(11 * 60_000), u32::MAX);
    println!("advance 1 min: {:?}", started.elapsed());
}
