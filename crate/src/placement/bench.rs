//! A deterministic placement benchmark: the library builds the pool and runs the batches, the caller times.
//!
//! The core never reads a clock, so timing lives with the caller (the CLI or `examples/placement_bench.rs`):
//!
//! ```text
//! let (mut pool, demands) = ecs_sim::placement::bench_setup(5_000, 42);
//! let mut rng = ecs_sim::rng::Prng::new(42);
//! let started = std::time::Instant::now();
//! let figures = ecs_sim::placement::bench_run(&mut pool, &demands, 5_000, &mut rng);
//! let elapsed = started.elapsed();   // 10 batches × 5,000 tasks = 50,000 placements
//! ```
//!
//! Setup: `n_instances` instances over 3 AZs (round-robin), with a mix of m5.large, m5.xlarge, c5.xlarge and
//! r5.large, and 10 service demands chaining `spread(attribute:ecs.availability-zone)` then
//! `binpack(memory)`, with a memberOf constraint (an `=~` on the instance type for even services, an `in`
//! on the AZ for odd ones).

use crate::table::Table;

use super::model::*;
use crate::rng::Prng;

/// What a benchmark run did (enough to check that two runs agree; no timings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchFigures {
    pub n_instances: u32,
    pub n_tasks: u32,
    pub n_placed: u32,
    pub n_failed: u32,
    /// A fold of every placed instance key, to compare runs.
    pub checksum: u64,
}

/// (type, vCPU, registered MiB) — registered memory is below nominal as on real instances.
const INSTANCE_TYPES: [(&str, u32, u32); 4] = [
    ("m5.large", 2, 7_680),
    ("m5.xlarge", 4, 15_576),
    ("c5.xlarge", 4, 7_450),
    ("r5.large", 2, 15_790),
];
const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

/// A pool of `n_instances` and 10 service demands; deterministic in `seed`.
pub fn bench_setup(n_instances: u32, seed: u64) -> (Pool, Vec<TaskDemand>) {
    let mut rng = Prng::new(seed);
    let mut pool = Pool::new();
    for key in 0..n_instances {
        let (instance_type, vcpus, memory_mib) =
            INSTANCE_TYPES[rng.below(INSTANCE_TYPES.len() as u32) as usize];
        let zone = ZONES[(key % 3) as usize];
        let mut attributes = Table::new();
        attributes.insert("ecs.availability-zone".to_string(), Some(zone.to_string()));
        attributes.insert(
            "ecs.instance-type".to_string(),
            Some(instance_type.to_string()),
        );
        attributes.insert("ecs.os-type".to_string(), Some("linux".to_string()));
        attributes.insert("ecs.capability.task-eni".to_string(), None);
        pool.add_node(NodeInfo {
            key,
            ec2_instance_id: format!(
                "i-{:017x}",
                0x0bec_u64.wrapping_mul(31).wrapping_add(u64::from(key))
            ),
            container_instance_arn: format!(
                "arn:aws:ecs:us-east-1:123456789012:container-instance/bench/{:032x}",
                u64::from(key) + 1
            ),
            attributes,
            registered_cpu_units: vcpus * 1024,
            registered_memory_mib: memory_mib,
            reserved_tcp_ports: vec![22, 2375, 2376, 51678, 51679],
            reserved_udp_ports: Vec::new(),
            task_eni_limit: 2,
            registered_at_ms: 1_700_000_000_000 + u64::from(key) * 1000,
            agent_version: "1.80.0".to_string(),
            agent_connected: true,
        });
    }
    let demands = (0..10u32)
        .map(|i| TaskDemand {
            group: format!("service:bench-{i}"),
            cpu_units: 32 + 16 * (i % 3),
            memory_mib: 64 + 32 * (i % 4),
            tcp_host_ports: Vec::new(),
            udp_host_ports: Vec::new(),
            n_dynamic_tcp_ports: 0,
            needs_eni: false,
            required_attributes: Vec::new(),
            constraints: vec![Constraint::MemberOf(if i % 2 == 0 {
                "attribute:ecs.instance-type =~ m5.*".to_string()
            } else {
                "attribute:ecs.availability-zone in [us-east-1a, us-east-1b, us-east-1c]"
                    .to_string()
            })],
            strategies: vec![
                Strategy::Spread("attribute:ecs.availability-zone".to_string()),
                Strategy::Binpack(BinpackField::Memory),
            ],
        })
        .collect();
    (pool, demands)
}

/// Places `tasks_per_demand` tasks of each demand, one batch per demand.
pub fn bench_run(
    pool: &mut Pool,
    demands: &[TaskDemand],
    tasks_per_demand: u32,
    rng: &mut Prng,
) -> BenchFigures {
    let mut figures = BenchFigures {
        n_instances: pool.index.len() as u32,
        n_tasks: 0,
        n_placed: 0,
        n_failed: 0,
        checksum: crate::hash::FNV_OFFSET_BASIS,
    };
    for demand in demands {
        for result in pool.place(demand, tasks_per_demand, rng) {
            figures.n_tasks += 1;
            match result {
                Ok(r) => {
                    figures.n_placed += 1;
                    figures.checksum =
                        (figures.checksum ^ u64::from(r.node)).wrapping_mul(crate::hash::FNV_PRIME);
                }
                Err(_) => figures.n_failed += 1,
            }
        }
    }
    figures
}

/// Setup plus `n_tasks` placements spread over the 10 demands (seed 42). Time the call from outside.
pub fn bench_placement(n_instances: u32, n_tasks: u32) -> BenchFigures {
    let (mut pool, demands) = bench_setup(n_instances, 42);
    let mut rng = Prng::new(42);
    bench_run(
        &mut pool,
        &demands,
        n_tasks / demands.len() as u32,
        &mut rng,
    )
}
