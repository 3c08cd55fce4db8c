//! Placement and cluster-query-language tests: kube-style tables whose comments show the arithmetic, and
//! seeded property tests (fast path == slow path == explain; nothing over-committed; releases restore).

use crate::table::Table;

use super::pool::{prepare, DYNAMIC_PORT_FIRST};
use super::*;

// ---------------------------------------------------------------------------------------------
// Helpers.

fn node(key: NodeKey, az: &str, instance_type: &str, cpu_units: u32, memory_mib: u32) -> NodeInfo {
    let mut attributes = Table::new();
    attributes.insert("ecs.availability-zone".to_string(), Some(az.to_string()));
    attributes.insert(
        "ecs.instance-type".to_string(),
        Some(instance_type.to_string()),
    );
    attributes.insert("ecs.os-type".to_string(), Some("linux".to_string()));
    NodeInfo {
        key,
        ec2_instance_id: format!("i-{key:08x}"),
        container_instance_arn: format!(
            "arn:aws:ecs:us-east-1:123456789012:container-instance/c/ci{key}"
        ),
        attributes,
        registered_cpu_units: cpu_units,
        registered_memory_mib: memory_mib,
        reserved_tcp_ports: vec![22, 2375, 2376, 51678, 51679],
        reserved_udp_ports: Vec::new(),
        task_eni_limit: 2,
        registered_at_ms: 1_528_000_000_000 + u64::from(key) * 86_400_000,
        agent_version: "1.14.5".to_string(),
        agent_connected: true,
    }
}

fn demand(group: &str, cpu_units: u32, memory_mib: u32) -> TaskDemand {
    TaskDemand {
        group: group.to_string(),
        cpu_units,
        memory_mib,
        tcp_host_ports: Vec::new(),
        udp_host_ports: Vec::new(),
        n_dynamic_tcp_ports: 0,
        needs_eni: false,
        required_attributes: Vec::new(),
        constraints: Vec::new(),
        strategies: Vec::new(),
    }
}

fn pool_of(nodes: Vec<NodeInfo>) -> Pool {
    let mut pool = Pool::new();
    for n in nodes {
        pool.add_node(n);
    }
    pool
}

/// Places `count` tasks and returns the chosen keys (panics on a failure).
#[track_caller]
fn place_keys(pool: &mut Pool, d: &TaskDemand, count: u32) -> Vec<NodeKey> {
    let mut rng = Prng::new(1);
    pool.place(d, count, &mut rng)
        .into_iter()
        .map(|r| r.expect("placed").node)
        .collect()
}

#[track_caller]
fn place_err(pool: &mut Pool, d: &TaskDemand) -> Failure {
    let mut rng = Prng::new(1);
    pool.place(d, 1, &mut rng)
        .pop()
        .expect("one result")
        .expect_err("should fail")
}

/// The slow path alone, for comparison with `place`.
fn place_slow(
    pool: &mut Pool,
    d: &TaskDemand,
    count: u32,
    rng: &mut Prng,
) -> Vec<Result<Reservation, Failure>> {
    let prepared = prepare(d);
    let mut out = Vec::new();
    for _ in 0..count {
        match pool.decide_slow(d, &prepared, rng) {
            Ok(key) => out.push(Ok(pool.reserve(key, d))),
            Err(f) => out.push(Err(f)),
        }
    }
    out
}

fn spread_az() -> Strategy {
    Strategy::Spread("attribute:ecs.availability-zone".to_string())
}

// ---------------------------------------------------------------------------------------------
// Strategies.

#[test]
fn binpack_memory_picks_least_remaining_that_fits() {
    // Demand 700 MiB. Remaining after placement:
    //   node 0: 2048 - 700 = 1348
    //   node 1: 1024 - 700 = 324
    //   node 2:  768 - 700 = 68   ← least that fits
    //   node 3:  512 < 700        → fails MEMORY
    let mut pool = pool_of(vec![
        node(0, "a", "m5.large", 2048, 2048),
        node(1, "a", "m5.large", 2048, 1024),
        node(2, "a", "m5.large", 2048, 768),
        node(3, "a", "m5.large", 2048, 512),
    ]);
    let mut d = demand("service:web", 100, 700);
    d.strategies = vec![Strategy::Binpack(BinpackField::Memory)];
    assert_eq!(place_keys(&mut pool, &d, 1), vec![2]);
    // Next: node 2 has 68 left (fails); node 1: 324 ← least that fits.
    assert_eq!(place_keys(&mut pool, &d, 1), vec![1]);
}

#[test]
fn binpack_cpu_ties_go_to_lowest_key() {
    // Demand 512 CPU: node 0: 1024-512 = 512, node 1: 2048-512 = 1536, node 2: 1024-512 = 512.
    // Tie between 0 and 2 → lowest key 0.
    let mut pool = pool_of(vec![
        node(0, "a", "t", 1024, 4096),
        node(1, "a", "t", 2048, 4096),
        node(2, "a", "t", 1024, 4096),
    ]);
    let mut d = demand("family:x", 512, 128);
    d.strategies = vec![Strategy::Binpack(BinpackField::Cpu)];
    // Task 2: node 0 has 512 left: 512 - 512 = 0 ← least → node 0 again (now 0 left, fails CPU).
    // Task 3: node 1: 2048 - 512 = 1536, node 2: 1024 - 512 = 512 ← least → node 2.
    assert_eq!(place_keys(&mut pool, &d, 3), vec![0, 0, 2]);
}

#[test]
fn spread_across_three_azs_balances() {
    // Two instances per AZ. Each pick takes the AZ with the fewest tasks of the group (ties → lowest key):
    //   counts a/b/c = 0/0/0 → node 0 (a); 1/0/0 → node 2 (b); 1/1/0 → node 4 (c); 1/1/1 → node 0 (a) ...
    let mut pool = pool_of(vec![
        node(0, "us-east-1a", "t", 4096, 8192),
        node(1, "us-east-1a", "t", 4096, 8192),
        node(2, "us-east-1b", "t", 4096, 8192),
        node(3, "us-east-1b", "t", 4096, 8192),
        node(4, "us-east-1c", "t", 4096, 8192),
        node(5, "us-east-1c", "t", 4096, 8192),
    ]);
    let mut d = demand("service:web", 128, 128);
    d.strategies = vec![spread_az()];
    assert_eq!(place_keys(&mut pool, &d, 6), vec![0, 2, 4, 0, 2, 4]);
    // The AWS service default adds spread(instanceId): within an AZ, the instance with fewest tasks.
    let mut pool2 = pool_of(
        (0..6)
            .map(|k| node(k, ["a", "b", "c"][k as usize / 2], "t", 4096, 8192))
            .collect(),
    );
    d.strategies = vec![spread_az(), Strategy::Spread("instanceId".to_string())];
    assert_eq!(place_keys(&mut pool2, &d, 6), vec![0, 2, 4, 1, 3, 5]);
}

#[test]
fn spread_counts_tasks_on_draining_instances_of_the_value() {
    // AZ a: node 0 (ACTIVE) and node 1 (DRAINING, 2 tasks of the group); AZ b: node 2.
    // Counts: a = 2 (on the draining node), b = 0 → node 2.
    let mut pool = pool_of(vec![
        node(0, "a", "t", 4096, 8192),
        node(1, "a", "t", 4096, 8192),
        node(2, "b", "t", 4096, 8192),
    ]);
    let mut d = demand("service:web", 128, 128);
    pool.place_on(1, &d).expect("on 1");
    pool.place_on(1, &d).expect("on 1");
    pool.set_status(1, NodeStatus::Draining);
    d.strategies = vec![spread_az()];
    // b: 0 → node 2; then a = 2, b = 1 → node 2 again; then a = 2, b = 2 → tie → node 0 (lowest key).
    assert_eq!(place_keys(&mut pool, &d, 3), vec![2, 2, 0]);
}

#[test]
fn spread_az_then_binpack_memory() {
    // AZ a: node 0 (4096 MiB), node 1 (1024 MiB); AZ b: node 2 (2048 MiB). Demand 512 MiB.
    // Task 1: a = 0, b = 0 → both; binpack: 0 → 3584, 1 → 512, 2 → 1536 → node 1.
    // Task 2: a = 1, b = 0 → AZ b → node 2.
    // Task 3: a = 1, b = 1 → both; binpack: 0 → 3584, 1 → 512 - 512 = 0, 2 → 1024 → node 1.
    // Task 4: a = 2, b = 1 → node 2. Task 5: a = 2, b = 2 → node 1 is full (0 < 512); 0 → 3584, 2 → 512 → node 2.
    let mut pool = pool_of(vec![
        node(0, "a", "t", 4096, 4096),
        node(1, "a", "t", 4096, 1024),
        node(2, "b", "t", 4096, 2048),
    ]);
    let mut d = demand("service:web", 16, 512);
    d.strategies = vec![spread_az(), Strategy::Binpack(BinpackField::Memory)];
    assert_eq!(place_keys(&mut pool, &d, 5), vec![1, 2, 1, 2, 2]);
}

#[test]
fn binpack_then_spread_instance() {
    // binpack(memory) first: equal memory everywhere → all tie; spread(instanceId) then spreads.
    let mut pool = pool_of(vec![
        node(0, "a", "t", 4096, 4096),
        node(1, "a", "t", 4096, 4096),
    ]);
    let mut d = demand("service:web", 16, 512);
    d.strategies = vec![
        Strategy::Binpack(BinpackField::Memory),
        Strategy::Spread("host".to_string()),
    ];
    // Task 1: 3584/3584 tie → spread 0/0 → node 0. Task 2: node 0 has 3072 < 3584 → node 0 (binpack wins first).
    assert_eq!(place_keys(&mut pool, &d, 2), vec![0, 0]);
}

#[test]
fn random_is_reproducible_and_uses_the_prng() {
    let nodes: Vec<NodeInfo> = (0..8).map(|k| node(k, "a", "t", 4096, 8192)).collect();
    let mut d = demand("family:x", 16, 16);
    d.strategies = vec![Strategy::Random];
    let run = |seed| {
        let mut pool = pool_of(nodes.clone());
        let mut rng = Prng::new(seed);
        pool.place(&d, 20, &mut rng)
            .into_iter()
            .map(|r| r.expect("ok").node)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    let picks = run(7);
    // Random spreads over several instances (8 candidates, 20 draws).
    let distinct: std::collections::BTreeSet<_> = picks.iter().collect();
    assert!(distinct.len() >= 4, "{picks:?}");
}

#[test]
fn no_strategy_takes_lowest_key() {
    let mut pool = pool_of(vec![
        node(5, "a", "t", 4096, 8192),
        node(3, "a", "t", 4096, 8192),
    ]);
    assert_eq!(
        place_keys(&mut pool, &demand("family:x", 16, 16), 2),
        vec![3, 3]
    );
}

// ---------------------------------------------------------------------------------------------
// Constraints.

#[test]
fn distinct_instance_one_task_per_instance() {
    let mut pool = pool_of((0..3).map(|k| node(k, "a", "t", 4096, 8192)).collect());
    let mut d = demand("service:web", 16, 16);
    d.constraints = vec![Constraint::DistinctInstance];
    assert_eq!(place_keys(&mut pool, &d, 3), vec![0, 1, 2]);
    let f = place_err(&mut pool, &d);
    assert_eq!(
        f.reason,
        "DistinctInstance placement constraint unsatisfied."
    );
    assert_eq!(f.closest.as_ref().map(|c| c.0), Some(0));
    assert!(f.detail.ends_with("The closest matching container-instance ci0 encountered error \"DistinctInstance placement constraint unsatisfied.\"."), "{}", f.detail);
    // Another group is unaffected.
    let mut other = d.clone();
    other.group = "service:api".to_string();
    assert_eq!(place_keys(&mut pool, &other, 1), vec![0]);
}

#[test]
fn member_of_with_each_operator() {
    // Node 0: m5.large in us-east-1a, agent 1.14.5, registered 2018-06-03; node 1: t2.small in us-east-1b,
    // agent 1.9.0, registered 2018-06-04; node 2: c5.xlarge in us-east-1c with custom attribute stack=prod.
    let mut n0 = node(0, "us-east-1a", "m5.large", 4096, 8192);
    n0.agent_version = "1.14.5".to_string();
    let mut n1 = node(1, "us-east-1b", "t2.small", 4096, 8192);
    n1.agent_version = "1.9.0".to_string();
    let mut n2 = node(2, "us-east-1c", "c5.xlarge", 4096, 8192);
    n2.attributes
        .insert("stack".to_string(), Some("prod".to_string()));
    n2.agent_version = "1.20.0".to_string();
    let base = pool_of(vec![n0, n1, n2]);
    // registered_at_ms: 1_528_000_000_000 + key days; 1_528_000_000_000 ms = 2018-06-03T04:26:40Z.
    let table: &[(&str, &[NodeKey])] = &[
        ("attribute:ecs.instance-type == t2.small", &[1]),
        ("attribute:ecs.instance-type equals t2.small", &[1]),
        ("attribute:ecs.instance-type != t2.small", &[0, 2]),
        ("attribute:ecs.instance-type not_equals t2.small", &[0, 2]),
        ("attribute:ecs.instance-type =~ m5.*", &[0]),
        ("attribute:ecs.instance-type matches (m5|c5)\\..*", &[0, 2]),
        ("attribute:ecs.instance-type !~ m5.*", &[1, 2]),
        (
            "attribute:ecs.instance-type not_matches [mc]5\\.(x|2x)?large",
            &[1],
        ),
        (
            "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
            &[0, 1],
        ),
        (
            "attribute:ecs.availability-zone !in [us-east-1a, 'us-east-1b']",
            &[2],
        ),
        (
            "attribute:ecs.availability-zone not_in [us-east-1a]",
            &[1, 2],
        ),
        ("attribute:stack exists", &[2]),
        ("attribute:stack !exists", &[0, 1]),
        ("attribute:stack not_exists", &[0, 1]),
        ("attribute:stack != prod", &[0, 1]),
        // agentVersion compares numerically by component: 1.9.0 < 1.14.5 < 1.20.0.
        ("agentVersion < 1.14.5", &[1]),
        ("agentVersion less_than_equal 1.14.5", &[0, 1]),
        ("agentVersion > 1.9", &[0, 2]),
        ("agentVersion >= 1.20", &[2]),
        ("agentVersion greater_than 1.14.4", &[0, 2]),
        ("agentVersion == 1.9", &[1]),
        // Node 0 registered 2018-06-03T04:26:40Z, node 1 a day later, node 2 two days later.
        ("registeredAt < 2018-06-04", &[0]),
        ("registeredAt >= 2018-06-04T04:26:40Z", &[1, 2]),
        (
            "registeredAt greater_than_equal 2018-06-04T06:26:40+02:00",
            &[1, 2],
        ),
        ("registeredAt <= 2018-06-03T04:26:40", &[0]),
        (
            "registeredAt less_than 2018-06-05T04:26:40.001Z",
            &[0, 1, 2],
        ),
        ("ec2InstanceId == i-00000001", &[1]),
        ("ec2InstanceId in ['i-00000000', 'i-00000002']", &[0, 2]),
        ("ec2InstanceId =~ i-0+[12]", &[1, 2]),
        ("agentConnected == true", &[0, 1, 2]),
        ("agentConnected != true", &[]),
        ("runningTasksCount == 0", &[0, 1, 2]),
        (
            "attribute:ecs.instance-type =~ g2.* or attribute:ecs.availability-zone != us-east-1a",
            &[1, 2],
        ),
        (
            "not(attribute:ecs.availability-zone == us-east-1a)",
            &[1, 2],
        ),
        (
            "!(attribute:ecs.availability-zone == us-east-1a) && attribute:stack !exists",
            &[1],
        ),
    ];
    for (expr, want) in table {
        let mut pool = base.clone();
        let mut d = demand("family:x", 16, 16);
        d.constraints = vec![Constraint::MemberOf(expr.to_string())];
        // Every task goes to the lowest eligible key; distinctInstance makes each batch reveal the whole set.
        d.constraints.push(Constraint::DistinctInstance);
        let mut rng = Prng::new(1);
        let got: Vec<NodeKey> = pool
            .place(&d, 3, &mut rng)
            .into_iter()
            .filter_map(|r| r.ok())
            .map(|r| r.node)
            .collect();
        assert_eq!(&got, want, "{expr}");
    }
}

#[test]
fn member_of_task_group_and_running_tasks_count() {
    // task:group and runningTasksCount change as tasks land, so these take the slow path.
    let mut pool = pool_of((0..3).map(|k| node(k, "a", "t", 4096, 8192)).collect());
    pool.place_on(1, &demand("service:production", 16, 16))
        .expect("ok");
    let mut d = demand("service:sidecar", 16, 16);
    d.constraints = vec![Constraint::MemberOf(
        "task:group == service:production".to_string(),
    )];
    assert_eq!(place_keys(&mut pool, &d, 2), vec![1, 1]);
    let mut d = demand("service:batch", 16, 16);
    d.constraints = vec![Constraint::MemberOf(
        "not(task:group == service:production)".to_string(),
    )];
    assert_eq!(place_keys(&mut pool, &d, 1), vec![0]);
    // runningTasksCount == 0 on node 0 only until it gets its first task: 0 has 1 now, 1 has 3, 2 has 0.
    let mut d = demand("family:x", 16, 16);
    d.constraints = vec![Constraint::MemberOf("runningTasksCount == 0".to_string())];
    let mut rng = Prng::new(1);
    let res = pool.place(&d, 2, &mut rng);
    assert_eq!(res[0].as_ref().map(|r| r.node).ok(), Some(2));
    let f = res[1].as_ref().expect_err("no empty instance left");
    assert_eq!(f.reason, "MemberOf placement constraint unsatisfied.");
}

#[test]
fn invalid_member_of_never_places_and_never_panics() {
    let mut pool = pool_of(vec![node(0, "a", "t", 4096, 8192)]);
    let mut d = demand("family:x", 16, 16);
    d.constraints = vec![Constraint::MemberOf("attribute:x ==".to_string())];
    let f = place_err(&mut pool, &d);
    assert_eq!(f.reason, "MemberOf placement constraint unsatisfied.");
}

// ---------------------------------------------------------------------------------------------
// Resources, ports, ENIs, status.

#[test]
fn static_ports_conflict_including_agent_reserved() {
    let mut pool = pool_of(vec![
        node(0, "a", "t", 4096, 8192),
        node(1, "a", "t", 4096, 8192),
    ]);
    let mut d = demand("family:web", 16, 16);
    d.tcp_host_ports = vec![80];
    // Port 80 is free on both → node 0; then taken on 0 → node 1; then taken everywhere.
    assert_eq!(place_keys(&mut pool, &d, 2), vec![0, 1]);
    let f = place_err(&mut pool, &d);
    assert_eq!(f.reason, "RESOURCE:PORTS");
    assert_eq!(f.closest, Some((0, "already using 80/tcp".to_string())));
    assert!(f.detail.ends_with("The closest matching container-instance ci0 is already using a port required by your task."));
    // The agent reserves 22, 2375, 2376, 51678, 51679.
    let mut ssh = demand("family:ssh", 16, 16);
    ssh.tcp_host_ports = vec![22];
    assert_eq!(place_err(&mut pool, &ssh).reason, "RESOURCE:PORTS");
    // UDP 53 does not clash with TCP 53.
    let mut dns = demand("family:dns", 16, 16);
    dns.tcp_host_ports = vec![53];
    dns.udp_host_ports = vec![53];
    assert_eq!(place_keys(&mut pool, &dns, 1), vec![0]);
    assert_eq!(pool.remaining(0).expect("node").udp_ports, vec![53]);
}

#[test]
fn dynamic_ports_are_lowest_free_and_released_exactly() {
    let mut pool = pool_of(vec![node(0, "a", "t", 4096, 8192)]);
    let mut d = demand("family:web", 16, 16);
    d.n_dynamic_tcp_ports = 2;
    let mut rng = Prng::new(1);
    let r1 = pool.place(&d, 1, &mut rng).pop().expect("one").expect("ok");
    assert_eq!(
        r1.tcp_ports,
        vec![DYNAMIC_PORT_FIRST, DYNAMIC_PORT_FIRST + 1]
    );
    let r2 = pool.place(&d, 1, &mut rng).pop().expect("one").expect("ok");
    assert_eq!(r2.tcp_ports, vec![32770, 32771]);
    pool.release(&r1);
    // 32768 and 32769 are free again and reused first.
    let r3 = pool.place(&d, 1, &mut rng).pop().expect("one").expect("ok");
    assert_eq!(r3.tcp_ports, vec![32768, 32769]);
    // Static port in the dynamic range is skipped by dynamic allocation.
    let mut mixed = demand("family:mixed", 16, 16);
    mixed.tcp_host_ports = vec![32772];
    mixed.n_dynamic_tcp_ports = 1;
    let r4 = pool
        .place(&mixed, 1, &mut rng)
        .pop()
        .expect("one")
        .expect("ok");
    assert_eq!(r4.tcp_ports, vec![32772, 32773]);
}

#[test]
fn at_most_100_reserved_host_ports() {
    // 5 agent ports + 95 dynamic = 100 → fits; one more port → 101 > 100.
    let mut pool = pool_of(vec![node(0, "a", "t", 65536, 65536)]);
    let mut d = demand("family:many", 1, 1);
    d.n_dynamic_tcp_ports = 95;
    assert_eq!(place_keys(&mut pool, &d, 1), vec![0]);
    let mut one = demand("family:one", 1, 1);
    one.udp_host_ports = vec![5000];
    let f = place_err(&mut pool, &one);
    assert_eq!(f.reason, "RESOURCE:PORTS");
    assert_eq!(
        f.closest,
        Some((0, "would hold 101 host ports, the limit is 100".to_string()))
    );
    assert!(f
        .detail
        .contains("maximum allowed reserved port limit of 100 host ports per container instance"));
}

#[test]
fn eni_limits() {
    // ENI limit 2 on node 0, 1 on node 1: three awsvpc tasks fit, the fourth fails with RESOURCE:ENI.
    let mut n1 = node(1, "a", "t", 4096, 8192);
    n1.task_eni_limit = 1;
    let mut pool = pool_of(vec![node(0, "a", "t", 4096, 8192), n1]);
    let mut d = demand("family:vpc", 16, 16);
    d.needs_eni = true;
    assert_eq!(place_keys(&mut pool, &d, 3), vec![0, 0, 1]);
    let f = place_err(&mut pool, &d);
    assert_eq!(f.reason, "RESOURCE:ENI");
    assert_eq!(pool.remaining(0).expect("node").enis_free, 0);
}

#[test]
fn draining_and_disconnected_instances_take_no_tasks() {
    let mut pool = pool_of(vec![
        node(0, "a", "t", 4096, 8192),
        node(1, "a", "t", 4096, 8192),
        node(2, "a", "t", 4096, 8192),
    ]);
    pool.set_status(0, NodeStatus::Draining);
    pool.set_agent_connected(1, false);
    let d = demand("family:x", 16, 16);
    assert_eq!(place_keys(&mut pool, &d, 2), vec![2, 2]);
    pool.remove_node(2);
    // Only the disconnected instance is ACTIVE → AGENT.
    let f = place_err(&mut pool, &d);
    assert_eq!(f.reason, "AGENT");
    assert!(f
        .detail
        .ends_with("container-instance ci1 encountered error \"AGENT\"."));
    // Only DRAINING left → as if there were no instances.
    pool.remove_node(1);
    let f = place_err(&mut pool, &d);
    assert_eq!(f.closest, None);
    assert_eq!(
        f.detail,
        "was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster."
    );
    pool.set_status(0, NodeStatus::Active);
    assert_eq!(place_keys(&mut pool, &d, 1), vec![0]);
}

#[test]
fn failure_reasons_and_closest_instance() {
    // Node 0: 256 CPU, 8192 MiB (fails CPU, stage 1, short 512 - 256 = 256).
    // Node 1: 4096 CPU, 300 MiB (fails MEMORY, stage 2, short 1024 - 300 = 724).
    // Node 2: 4096 CPU, 1000 MiB (fails MEMORY, short 1024 - 1000 = 24) ← latest stage, smallest shortfall.
    let mut pool = pool_of(vec![
        node(0, "a", "t", 256, 8192),
        node(1, "a", "t", 4096, 300),
        node(2, "a", "t", 4096, 1000),
    ]);
    let d = demand("service:web", 512, 1024);
    let f = place_err(&mut pool, &d);
    assert_eq!(f.reason, "RESOURCE:MEMORY");
    assert_eq!(
        f.closest,
        Some((2, "needs 1024 MiB, 1000 MiB remaining".to_string()))
    );
    assert_eq!(
        f.detail,
        "was unable to place a task because no container instance met all of its requirements. The closest matching container-instance ci2 has insufficient memory available."
    );
    // CPU only.
    let mut cpu_pool = pool_of(vec![
        node(0, "a", "t", 256, 8192),
        node(1, "a", "t", 128, 8192),
    ]);
    let f = place_err(&mut cpu_pool, &d);
    assert_eq!(f.reason, "RESOURCE:CPU");
    assert_eq!(f.closest.map(|c| c.0), Some(0));
    assert!(f
        .detail
        .ends_with("ci0 has insufficient CPU units available."));
    // Attribute.
    let mut attr = demand("service:web", 16, 16);
    attr.required_attributes = vec!["ecs.capability.task-eni".to_string()];
    let f = place_err(&mut pool, &attr);
    assert_eq!(f.reason, "ATTRIBUTE");
    assert!(f
        .detail
        .ends_with("is missing an attribute required by your task."));
    pool.set_attribute(1, "ecs.capability.task-eni", Some(None));
    assert_eq!(place_keys(&mut pool, &attr, 1), vec![1]);
    // memberOf failing on every instance; the attribute-failing ones are further from placement.
    let mut m = demand("service:web", 16, 16);
    m.constraints = vec![Constraint::MemberOf(
        "attribute:ecs.instance-type == nope".to_string(),
    )];
    let f = place_err(&mut pool, &m);
    assert_eq!(f.reason, "MemberOf placement constraint unsatisfied.");
    assert!(f
        .detail
        .ends_with("encountered error \"MemberOf placement constraint unsatisfied.\"."));
    // No instances at all.
    let f = place_err(&mut Pool::new(), &m);
    assert_eq!(f.closest, None);
}

#[test]
fn place_on_checks_everything() {
    let mut pool = pool_of(vec![node(0, "a", "t", 1024, 1024)]);
    let d = demand("daemon", 512, 512);
    let r = pool.place_on(0, &d).expect("fits");
    assert_eq!(pool.remaining(0).expect("node").cpu_units, 512);
    assert_eq!(
        pool.place_on(0, &demand("x", 600, 1))
            .expect_err("cpu")
            .reason,
        "RESOURCE:CPU"
    );
    assert_eq!(pool.place_on(9, &d).expect_err("missing").reason, "MISSING");
    pool.set_status(0, NodeStatus::Draining);
    assert_eq!(
        pool.place_on(0, &d).expect_err("draining").reason,
        "DRAINING"
    );
    pool.release(&r);
    assert_eq!(pool.remaining(0).expect("node").cpu_units, 1024);
}

#[test]
fn explain_shows_checks_scores_and_agrees() {
    // Demand 512 MiB, spread(AZ) then binpack(memory):
    //   node 0 (a, 4096): checks pass; spread a = 0 → kept; binpack 3584 → dropped.
    //   node 1 (a, 1024): spread a = 0 → kept; binpack 512 → kept, chosen.
    //   node 2 (b, 256): MEMORY fails (needs 512, 256 remaining) → no scores.
    let pool = pool_of(vec![
        node(0, "a", "t", 4096, 4096),
        node(1, "a", "t", 4096, 1024),
        node(2, "b", "t", 4096, 256),
    ]);
    let mut d = demand("service:web", 16, 512);
    d.strategies = vec![spread_az(), Strategy::Binpack(BinpackField::Memory)];
    let e = pool.explain(&d, &mut Prng::new(1));
    assert_eq!(e.outcome, Ok(1));
    assert_eq!(e.nodes.len(), 3);
    let n0 = &e.nodes[0];
    assert!(n0.checks.iter().all(|c| c.passed));
    assert_eq!(n0.scores[0].value, 0);
    assert!(n0.scores[0].kept);
    assert_eq!((n0.scores[1].value, n0.scores[1].kept), (3584, false));
    assert_eq!(n0.scores[1].detail, "3584 MiB would remain");
    assert!(e.nodes[1].chosen && !n0.chosen);
    let mem = e.nodes[2]
        .checks
        .iter()
        .find(|c| c.check == "MEMORY")
        .expect("memory check");
    assert_eq!(
        (mem.passed, mem.detail.as_str()),
        (false, "needs 512 MiB, 256 MiB remaining")
    );
    assert!(e.nodes[2].scores.is_empty());
    let mut placed = pool.clone();
    assert_eq!(place_keys(&mut placed, &d, 1), vec![1]);
}

#[test]
fn interleaved_changes_keep_indexes_in_sync() {
    // The static cache is keyed by the pool version: attribute, status and membership changes between
    // batches must be seen by the next batch.
    let mut pool = pool_of(
        (0..4)
            .map(|k| node(k, ["a", "b"][k as usize % 2], "m5.large", 4096, 8192))
            .collect(),
    );
    let mut d = demand("service:web", 16, 16);
    d.constraints = vec![Constraint::MemberOf(
        "attribute:ecs.instance-type =~ m5.*".to_string(),
    )];
    d.strategies = vec![spread_az(), Strategy::Binpack(BinpackField::Memory)];
    assert_eq!(place_keys(&mut pool, &d, 2), vec![0, 1]);
    pool.set_attribute(0, "ecs.instance-type", Some(Some("c5.large".to_string())));
    pool.set_status(1, NodeStatus::Draining);
    // a: node 2 only (0 no longer matches), 1 task on node 0; b: node 3 only, 1 task on draining node 1.
    // Tie 1/1 → binpack: 2 and 3 both 8176 → lowest key 2; then a = 2, b = 1 → 3.
    assert_eq!(place_keys(&mut pool, &d, 2), vec![2, 3]);
    pool.remove_node(2);
    pool.add_node(node(7, "a", "m5.xlarge", 4096, 8192));
    // a: node 7 (a count = 1 on node 0 + 0, node 2 removed with its task) vs b = 2 → node 7.
    assert_eq!(place_keys(&mut pool, &d, 1), vec![7]);
}

// ---------------------------------------------------------------------------------------------
// Property tests.

/// Live reservations per instance, to recompute what `remaining` must say.
fn assert_consistent(pool: &Pool, live: &[Reservation]) {
    for key in pool.keys() {
        let info = pool.node(key).expect("node");
        let rem = pool.remaining(key).expect("remaining");
        let mine: Vec<&Reservation> = live.iter().filter(|r| r.node == key).collect();
        let cpu: u32 = mine.iter().map(|r| r.cpu_units).sum();
        let mem: u32 = mine.iter().map(|r| r.memory_mib).sum();
        assert!(
            cpu <= info.registered_cpu_units,
            "cpu over-committed on {key}"
        );
        assert!(
            mem <= info.registered_memory_mib,
            "memory over-committed on {key}"
        );
        assert_eq!(rem.cpu_units, info.registered_cpu_units - cpu);
        assert_eq!(rem.memory_mib, info.registered_memory_mib - mem);
        let mut tcp: Vec<u16> = info.reserved_tcp_ports.clone();
        let mut udp: Vec<u16> = info.reserved_udp_ports.clone();
        for r in &mine {
            for p in &r.tcp_ports {
                assert!(!tcp.contains(p), "tcp port {p} held twice on {key}");
                tcp.push(*p);
            }
            for p in &r.udp_ports {
                assert!(!udp.contains(p), "udp port {p} held twice on {key}");
                udp.push(*p);
            }
        }
        tcp.sort_unstable();
        udp.sort_unstable();
        assert_eq!(rem.tcp_ports, tcp);
        assert_eq!(rem.udp_ports, udp);
        assert!(
            tcp.len() + udp.len() <= 100 || mine.is_empty(),
            "port limit on {key}"
        );
        let enis = mine.iter().filter(|r| r.eni).count() as u32;
        assert!(enis <= info.task_eni_limit, "eni over-committed on {key}");
        assert_eq!(rem.enis_free, info.task_eni_limit - enis);
        assert_eq!(rem.n_tasks, mine.len() as u32);
    }
}

fn random_node(rng: &mut Prng, key: NodeKey) -> NodeInfo {
    let azs = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let types = ["m5.large", "c5.xlarge", "t2.small"];
    let mut n = node(
        key,
        azs[rng.below(3) as usize],
        types[rng.below(3) as usize],
        256 * (1 + rng.below(8)),
        256 * (1 + rng.below(16)),
    );
    n.task_eni_limit = rng.below(4);
    if rng.chance(1, 3) {
        n.attributes.remove("ecs.availability-zone");
    }
    if rng.chance(1, 2) {
        n.attributes
            .insert("ecs.capability.task-eni".to_string(), None);
    }
    if rng.chance(1, 4) {
        n.reserved_udp_ports = vec![53];
    }
    n
}

fn random_demand(rng: &mut Prng) -> TaskDemand {
    let groups = ["service:a", "service:b", "family:c"];
    let mut d = demand(
        groups[rng.below(3) as usize],
        64 * rng.below(10),
        128 * rng.below(12),
    );
    let tcp_choices: [&[u16]; 5] = [&[], &[], &[80], &[80, 443], &[22]];
    d.tcp_host_ports = tcp_choices[rng.below(5) as usize].to_vec();
    if rng.chance(1, 4) {
        d.udp_host_ports = vec![53];
    }
    d.n_dynamic_tcp_ports = if rng.chance(1, 3) { rng.below(40) } else { 0 };
    d.needs_eni = rng.chance(1, 3);
    if rng.chance(1, 4) {
        d.required_attributes = vec!["ecs.capability.task-eni".to_string()];
    }
    let constraint_choices = [
        Constraint::DistinctInstance,
        Constraint::MemberOf("attribute:ecs.instance-type =~ m5.*".to_string()),
        Constraint::MemberOf(
            "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]".to_string(),
        ),
        Constraint::MemberOf("runningTasksCount < 3".to_string()),
        Constraint::MemberOf("not(task:group == service:a)".to_string()),
        Constraint::MemberOf(
            "attribute:ecs.instance-type != t2.small and agentConnected == true".to_string(),
        ),
    ];
    for _ in 0..rng.below(3) {
        d.constraints
            .push(constraint_choices[rng.below(constraint_choices.len() as u32) as usize].clone());
    }
    let chains: Vec<Vec<Strategy>> = vec![
        vec![],
        vec![spread_az()],
        vec![spread_az(), Strategy::Binpack(BinpackField::Memory)],
        vec![spread_az(), Strategy::Spread("instanceId".to_string())],
        vec![Strategy::Binpack(BinpackField::Cpu)],
        vec![
            Strategy::Binpack(BinpackField::Memory),
            Strategy::Spread("host".to_string()),
        ],
        vec![
            Strategy::Spread("instanceId".to_string()),
            Strategy::Binpack(BinpackField::Cpu),
        ],
        vec![
            Strategy::Spread("attribute:ecs.instance-type".to_string()),
            Strategy::Binpack(BinpackField::Memory),
        ],
        vec![Strategy::Random],
        vec![spread_az(), Strategy::Random],
        vec![Strategy::Binpack(BinpackField::Memory), spread_az()],
        vec![
            spread_az(),
            Strategy::Spread("attribute:ecs.instance-type".to_string()),
        ],
    ];
    d.strategies = chains[rng.below(chains.len() as u32) as usize].clone();
    d
}

#[test]
fn property_fast_equals_slow_equals_explain_and_nothing_over_committed() {
    let mut n_placed = 0u32;
    let mut n_failed = 0u32;
    for case in 0..3000u64 {
        let mut rng = Prng::new(case);
        let mut pool = Pool::new();
        let mut next_key: NodeKey = 0;
        for _ in 0..(1 + rng.below(10)) {
            pool.add_node(random_node(&mut rng, next_key));
            next_key += 1;
        }
        let mut live: Vec<Reservation> = Vec::new();
        for _step in 0..(3 + rng.below(10)) {
            match rng.below(10) {
                0..=4 => {
                    let d = random_demand(&mut rng);
                    let count = 1 + rng.below(6);
                    let seed = rng.next_u64();
                    let mut place_rng = Prng::new(seed);
                    let explanation = pool.explain(&d, &mut Prng::new(seed));
                    let mut slow_pool = pool.clone();
                    let mut slow_rng = Prng::new(seed);
                    let slow = place_slow(&mut slow_pool, &d, count, &mut slow_rng);
                    let fast = pool.place(&d, count, &mut place_rng);
                    assert_eq!(fast, slow, "case {case}: fast and slow disagree for {d:?}");
                    assert_eq!(
                        place_rng.next_u32(),
                        slow_rng.next_u32(),
                        "case {case}: PRNG use differs"
                    );
                    match (&explanation.outcome, &fast[0]) {
                        (Ok(k), Ok(r)) => assert_eq!(*k, r.node, "case {case}: explain"),
                        (Err(f), Err(g)) => assert_eq!(f, g, "case {case}: explain failure"),
                        (e, p) => panic!("case {case}: explain {e:?} vs place {p:?}"),
                    }
                    for r in fast {
                        match r {
                            Ok(r) => {
                                n_placed += 1;
                                live.push(r);
                            }
                            Err(_) => n_failed += 1,
                        }
                    }
                }
                5 => {
                    if !live.is_empty() {
                        let r = live.swap_remove(rng.below(live.len() as u32) as usize);
                        pool.release(&r);
                    }
                }
                6 => {
                    let keys = pool.keys();
                    if !keys.is_empty() {
                        let k = keys[rng.below(keys.len() as u32) as usize];
                        let status = if rng.chance(1, 2) {
                            NodeStatus::Draining
                        } else {
                            NodeStatus::Active
                        };
                        pool.set_status(k, status);
                        if rng.chance(1, 3) {
                            pool.set_agent_connected(k, rng.chance(1, 2));
                        }
                    }
                }
                7 => {
                    let keys = pool.keys();
                    if !keys.is_empty() {
                        let k = keys[rng.below(keys.len() as u32) as usize];
                        let types = ["m5.large", "t2.small"];
                        let value = if rng.chance(1, 3) {
                            None
                        } else {
                            Some(Some(types[rng.below(2) as usize].to_string()))
                        };
                        pool.set_attribute(k, "ecs.instance-type", value);
                    }
                }
                8 => {
                    pool.add_node(random_node(&mut rng, next_key));
                    next_key += 1;
                }
                _ => {
                    let keys = pool.keys();
                    if !keys.is_empty() {
                        let k = keys[rng.below(keys.len() as u32) as usize];
                        pool.remove_node(k);
                        live.retain(|r| r.node != k);
                    }
                }
            }
            assert_consistent(&pool, &live);
        }
        // Releasing everything restores every instance exactly.
        for r in live.drain(..) {
            pool.release(&r);
        }
        assert_consistent(&pool, &live);
        for key in pool.keys() {
            let info = pool.node(key).expect("node");
            let rem = pool.remaining(key).expect("remaining");
            assert_eq!(
                (rem.cpu_units, rem.memory_mib, rem.n_tasks),
                (info.registered_cpu_units, info.registered_memory_mib, 0)
            );
        }
    }
    // The generator exercises both outcomes.
    assert!(
        n_placed > 3000 && n_failed > 1000,
        "placed {n_placed}, failed {n_failed}"
    );
}

#[test]
fn fast_path_agrees_with_slow_on_large_batches() {
    // The benchmark setup, smaller: each batch through `place` (fast) and the slow path agree task by task.
    let (pool, demands) = bench_setup(300, 9);
    let mut fast_pool = pool.clone();
    let mut slow_pool = pool;
    let mut rng_fast = Prng::new(3);
    let mut rng_slow = Prng::new(3);
    for d in &demands {
        let fast = fast_pool.place(d, 200, &mut rng_fast);
        let slow = place_slow(&mut slow_pool, d, 200, &mut rng_slow);
        assert_eq!(fast, slow);
    }
    let figures = bench_run(&mut fast_pool, &demands[..1], 10, &mut rng_fast);
    assert_eq!(figures.n_tasks, 10);
}

#[test]
fn bench_is_deterministic() {
    assert_eq!(bench_placement(200, 1000), bench_placement(200, 1000));
}

// ---------------------------------------------------------------------------------------------
// Cluster query language.

mod cql_tests {
    use crate::cql::{parse, CqlSubject, Regex, MAX_EXPRESSION_CHARS};

    struct Fake {
        attributes: Vec<(&'static str, Option<&'static str>)>,
        groups: Vec<&'static str>,
    }

    impl CqlSubject for Fake {
        fn attribute(&self, name: &str) -> Option<Option<&str>> {
            self.attributes
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
        }
        fn ec2_instance_id(&self) -> &str {
            "i-abcd1234"
        }
        fn has_task_group(&self, group: &str) -> bool {
            self.groups.contains(&group)
        }
        fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool {
            self.groups.iter().any(|g| f(g))
        }
        fn running_tasks_count(&self) -> u32 {
            self.groups.len() as u32
        }
        fn agent_version(&self) -> &str {
            "1.14.5"
        }
        fn registered_at_ms(&self) -> u64 {
            // 2018-06-18T22:28:28Z
            1_529_360_908_000
        }
        fn agent_connected(&self) -> bool {
            true
        }
    }

    fn fake() -> Fake {
        Fake {
            attributes: vec![
                ("ecs.instance-type", Some("t2.small")),
                ("ecs.availability-zone", Some("us-east-1a")),
                ("ecs.capability.task-eni", None),
                ("size", Some("10")),
            ],
            groups: vec!["service:production", "family:web"],
        }
    }

    #[track_caller]
    fn check(expr: &str, want: bool) {
        let parsed = parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        assert_eq!(parsed.eval(&fake()), want, "{expr}");
    }

    #[test]
    fn cql_every_subject_and_operator() {
        let table: &[(&str, bool)] = &[
            // The documentation's examples.
            ("attribute:ecs.instance-type == t2.small", true),
            ("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", true),
            ("attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d", false),
            ("task:group == service:production", true),
            ("not(task:group == database)", true),
            ("runningTasksCount == 1", false),
            ("agentVersion < 1.14.5", false),
            ("registeredAt < 2018-02-13", false),
            ("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", true),
            // Symbol and word forms.
            ("attribute:ecs.instance-type equals t2.small", true),
            ("attribute:ecs.instance-type not_equals t2.small", false),
            ("attribute:size > 9", true), // numeric: 10 > 9
            ("attribute:size greater_than 9", true),
            ("attribute:size >= 10", true),
            ("attribute:size greater_than_equal 11", false),
            ("attribute:size < 9", false),
            ("attribute:size less_than 100", true),
            ("attribute:size <= 10", true),
            ("attribute:size less_than_equal 9", false),
            ("attribute:ecs.capability.task-eni exists", true),
            ("attribute:nope exists", false),
            ("attribute:nope !exists", true),
            ("attribute:nope not_exists", true),
            ("attribute:ecs.availability-zone !in [us-east-1a]", false),
            ("attribute:ecs.availability-zone not_in [\"us-east-1b\"]", true),
            ("attribute:ecs.instance-type =~ t2\\..*", true),
            ("attribute:ecs.instance-type matches ^t[0-9]\\.(small|medium)$", true),
            ("attribute:ecs.instance-type !~ t2.*", false),
            ("attribute:ecs.instance-type not_matches m5.*", true),
            ("attribute:ecs.instance-type =~ t2", false), // whole-string match, like Java `matches`
            // Absent attribute.
            ("attribute:nope == x", false),
            ("attribute:nope != x", true),
            ("attribute:nope in [x]", false),
            ("attribute:nope !~ x", true),
            // agentVersion numeric by component: 1.14.5 vs 1.9 → 14 > 9.
            ("agentVersion > 1.9", true),
            ("agentVersion >= 1.14.5", true),
            ("agentVersion == 1.14.5.0", true),
            ("agentVersion != 1.14", true),
            ("agentVersion <= 1.14.4", false),
            // registeredAt 2018-06-18T22:28:28Z in every accepted format.
            ("registeredAt == 2018-06-18T22:28:28+00:00", true),
            ("registeredAt == 2018-06-18T22:28:28Z", true),
            ("registeredAt == 2018-06-18T22:28:28", true),
            ("registeredAt == 2018-06-19T00:28:28+02:00", true),
            ("registeredAt > 2018-06-18", true),
            ("registeredAt < 2018-06-19", true),
            ("registeredAt >= 2018-06-18T22:28:29Z", false),
            // runningTasksCount: 2 tasks.
            ("runningTasksCount == 2", true),
            ("runningTasksCount != 2", false),
            ("runningTasksCount > 1", true),
            ("runningTasksCount <= 1", false),
            // task:group.
            ("task:group != service:production", false),
            ("task:group in [service:other, family:web]", true),
            ("task:group =~ service:.*", true),
            ("task:group !~ family:.*", false),
            ("task:group exists", true),
            // ec2InstanceId / agentConnected.
            ("ec2InstanceId == i-abcd1234", true),
            ("ec2InstanceId != i-abcd1234", false),
            ("ec2InstanceId =~ i-[a-f0-9]{8}", true),
            ("ec2InstanceId !~ i-[a-f]+", true),
            ("ec2InstanceId !in [i-1]", true),
            ("agentConnected == true", true),
            ("agentConnected in [false]", false),
            ("agentConnected =~ t.*", true),
            // Compound: and binds tighter than or (AWS does not document precedence).
            ("attribute:size == 1 and attribute:size == 10 or task:group exists", true),
            ("task:group exists or attribute:size == 1 and attribute:size == 2", true),
            ("(task:group exists or attribute:size == 1) and attribute:size == 2", false),
            ("attribute:size == 10 && runningTasksCount == 2", true),
            ("attribute:size == 1 || runningTasksCount == 2", true),
            ("!(attribute:size == 10)", false),
            ("not attribute:size == 10", false),
            ("NOT (attribute:size == 1) AND attribute:size == 10", true),
            ("  ((attribute:size == 10))  ", true),
        ];
        for (expr, want) in table {
            check(expr, *want);
        }
    }

    #[test]
    fn cql_parse_errors_name_the_position() {
        let table: &[(&str, &str)] = &[
            ("", "Invalid expression: the expression is empty"),
            ("attribute:x", "Invalid expression: expected an operator after 'attribute:x' at the end of 'attribute:x'"),
            ("foo == bar", "Invalid expression: unknown subject 'foo'"),
            ("attribute:x == ", "Invalid expression: expected a value at the end"),
            ("attribute:x == a b", "Invalid expression: unexpected text after the end of the expression at position 18"),
            ("agentVersion =~ 1.*", "Invalid expression: operator '=~' is not valid for 'agentVersion' at position 14"),
            ("ec2InstanceId > i-1", "Invalid expression: operator '>' is not valid for 'ec2InstanceId'"),
            ("agentVersion < one", "Invalid expression: 'one' is not a version"),
            ("registeredAt < 2018-13-01", "Invalid expression: '2018-13-01' is not a date"),
            ("runningTasksCount > -1", "Invalid expression: '-1' is not a whole number"),
            ("attribute:x in a", "Invalid expression: expected a list like [a, b] at position 16"),
            ("attribute:x in [a, b", "Invalid expression: unterminated list at position 16"),
            ("(attribute:x exists", "Invalid expression: expected ')' to close the '(' at position 1"),
            ("attribute:x == 'a", "Invalid expression: unterminated quoted value at position 16"),
            ("attribute:x =~ a(b", "Invalid expression: bad pattern: unclosed group"),
            ("attribute:x =~ *a", "Invalid expression: bad pattern: nothing to repeat"),
            ("attribute:x exists and", "Invalid expression: expected an expression at the end"),
            ("attribute: == a", "Invalid expression: expected an attribute name"),
        ];
        for (expr, want) in table {
            let err = parse(expr).expect_err(expr);
            assert!(err.starts_with(want), "{expr}: got {err}");
        }
        let long = format!("attribute:x == {}", "a".repeat(MAX_EXPRESSION_CHARS));
        assert!(parse(&long)
            .expect_err("too long")
            .contains("maximum is 2000"));
        // Deep nesting is an error, not a stack overflow.
        let deep = format!("{}attribute:x exists{}", "(".repeat(500), ")".repeat(500));
        assert!(parse(&deep)
            .expect_err("deep")
            .contains("nesting is too deep"));
    }

    #[test]
    fn cql_regex_subset() {
        let table: &[(&str, &str, bool)] = &[
            ("m5.*", "m5.large", true),
            ("m5.*", "xm5.large", false),
            ("m5\\.large", "m5xlarge", false),
            ("[a-c]+[0-9]?", "abc7", true),
            ("[^a-c]+", "xyz", true),
            ("[^a-c]+", "xaz", false),
            ("(ab|cd)*e", "abcdabe", true),
            ("(?:ab|cd)+", "", false),
            ("a{2,3}", "aaaa", false),
            ("a{2,}", "aaaa", true),
            ("a{2}b?", "aab", true),
            ("^us-east-1[a-f]$", "us-east-1d", true),
            ("\\d+\\.\\w+", "12.ab_c", true),
            ("colou?r", "color", true),
            ("(a*)*b", &"a".repeat(60), false), // no exponential blow-up
            ("(a|aa)*c", &format!("{}c", "a".repeat(200)), true),
        ];
        for (pattern, text, want) in table {
            let re = Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            assert_eq!(re.is_match(text), *want, "{pattern} on {text}");
        }
        assert!(Regex::new("(a{1000}){1000}").is_err());
        assert!(Regex::new("\\").is_err());
        assert!(Regex::new("[z-a]").is_err());
    }

    #[test]
    fn cql_never_panics_on_garbage() {
        // A seeded fuzz over the grammar's alphabet: every input parses or errors, and evaluation never panics.
        let alphabet: Vec<char> = "attribute:x ==!=<>~[](),'\"andornot&&||exists in.*+?{}^$\\ 12agentVersion registeredAt task:group é"
            .chars()
            .collect();
        let mut rng = crate::rng::Prng::new(5);
        for _ in 0..20_000 {
            let n = rng.below(40);
            let text: String = (0..n)
                .map(|_| alphabet[rng.below(alphabet.len() as u32) as usize])
                .collect();
            if let Ok(e) = parse(&text) {
                let _ = e.eval(&fake());
            }
        }
    }
}
