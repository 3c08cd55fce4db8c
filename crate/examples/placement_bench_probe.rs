//! Probe.
use std::time::Instant;
use ecs_sim::placement::bench_setup;
use ecs_sim::rng::Prng;
fn main() {
    for n in [5_000u32, 10_000] {
        let (mut pool, demands) = bench_setup(n, 42);
        let mut rng = Prng::new(42);
        let mut line = String::new();
        for d in &demands {
            let t = Instant::now();
            pool.place(d, 5000, &mut rng);
            line += &format!("{:.2} ", t.elapsed().as_secs_f64()*1e3);
        }
        let t = Instant::now();
        for d in &demands { pool.place(d, 1, &mut rng); }
        println!("{n}: {line} | 10 single-task calls {:.3} ms", t.elapsed().as_secs_f64()*1e3);
    }
}
