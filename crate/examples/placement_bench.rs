//! Times the placement benchmark natively: `cargo run --release -p ecs-sim --example placement_bench`.
//!
//! The library never reads a clock; this example does the timing around `bench_run`.

use std::time::Instant;

use ecs_sim::placement::{bench_run, bench_setup};
use ecs_sim::rng::Prng;

fn main() {
    let tasks_per_demand = 5_000;
    let mut per_task_ns = Vec::new();
    for n_instances in [5_000u32, 10_000] {
        let mut best_ns = u128::MAX;
        let mut figures = None;
        for _ in 0..5 {
            let (mut pool, demands) = bench_setup(n_instances, 42);
            let mut rng = Prng::new(42);
            let started = Instant::now();
            let f = bench_run(&mut pool, &demands, tasks_per_demand, &mut rng);
            best_ns = best_ns.min(started.elapsed().as_nanos());
            figures = Some(f);
        }
        let f = figures.expect("ran");
        let ns_per_task = best_ns / u128::from(f.n_tasks.max(1));
        per_task_ns.push(ns_per_task);
        println!(
            "{n_instances} instances: {} tasks ({} placed, {} failed) in {:.2} ms (best of 5), {ns_per_task} ns/task, checksum {:016x}",
            f.n_tasks,
            f.n_placed,
            f.n_failed,
            best_ns as f64 / 1e6,
            f.checksum
        );
    }
    println!("per-task ratio 10k/5k: {:.3}", per_task_ns[1] as f64 / per_task_ns[0] as f64);
}
