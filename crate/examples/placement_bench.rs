//! Times the placement benchmark natively: `cargo run --release -p ecs-sim --example placement_bench`.
//!
//! The library never reads a clock; this example does the timing around `bench_run`: 10 batches
//! (10 services × `place(demand, 5000, rng)`) on 5,000 and on 10,000 instances, alternating the two sizes
//! over several rounds and keeping the best time of each (the machine may be shared).

use std::time::Instant;

use ecs_sim::placement::{bench_run, bench_setup};
use ecs_sim::rng::Prng;

fn main() {
    let tasks_per_demand = 5_000;
    let sizes = [5_000u32, 10_000];
    let mut best_ns = [u128::MAX; 2];
    let mut figures = [None, None];
    for _round in 0..15 {
        for (i, &n_instances) in sizes.iter().enumerate() {
            let (mut pool, demands) = bench_setup(n_instances, 42);
            let mut rng = Prng::new(42);
            let started = Instant::now();
            let f = bench_run(&mut pool, &demands, tasks_per_demand, &mut rng);
            best_ns[i] = best_ns[i].min(started.elapsed().as_nanos());
            figures[i] = Some(f);
        }
    }
    let mut per_task_ns = [0u128; 2];
    for (i, &n_instances) in sizes.iter().enumerate() {
        let f = figures[i].clone().expect("ran");
        per_task_ns[i] = best_ns[i] / u128::from(f.n_tasks.max(1));
        println!(
            "{n_instances} instances: {} tasks ({} placed, {} failed) in {:.2} ms (best of 15), {} ns/task, checksum {:016x}",
            f.n_tasks,
            f.n_placed,
            f.n_failed,
            best_ns[i] as f64 / 1e6,
            per_task_ns[i],
            f.checksum
        );
    }
    println!(
        "per-task ratio 10k/5k: {:.3}",
        best_ns[1] as f64 / best_ns[0] as f64
    );
}
