//! Which tasks a service stops when its desired count goes down: the mirror image of placement, one task at a
//! time, so each pick sees the counts and free resources the earlier picks left.
//!
//! Reference (ecs-semantics.md 2.2 and 2.3, from ECSDG task-placement-strategies.md and ecs_services.md):
//! - a task that is not yet RUNNING goes first;
//! - `spread(field)`: keep the field's values balanced, so a task whose value (Availability Zone, instance, or
//!   attribute) holds the most of the service's tasks goes first;
//! - `binpack(field)`: a task on the instance left with the most of that resource free after it stops goes first;
//! - `random` has no scale-in rule;
//! - a service without a strategy rule (and every Fargate service) scales in by Availability Zone, then by
//!   instance: the zone, then the instance, with the most of the service's tasks.
//!
//! The strategies apply in their order, each one breaking the ties of the ones before it. Where AWS picks at
//! random among equals (within a zone for `spread`), the playground takes the newest task, so a scale-in does not
//! draw from the seeded generator. [UNVERIFIED: AWS does not document how it breaks the last tie.]

use crate::placement::{BinpackField, NodeKey, Pool, Strategy};
use crate::table::Table;

use super::model::{Task, TaskKey, TaskStatus};

/// The spread field that reads a task's Availability Zone.
const ZONE_FIELD: &str = "attribute:ecs.availability-zone";

/// One ranking rule, with a value per candidate.
enum Rule {
    /// The candidate's value index, and the service's task count per value.
    Spread { value_of: Vec<usize>, counts: Vec<u32> },
    /// The candidate's instance index, the resource it frees, and each instance's free amount now.
    Binpack { host_of: Vec<usize>, frees: Vec<u64>, free_now: Vec<u64> },
}

impl Rule {
    fn score(&self, i: usize) -> u64 {
        match self {
            Rule::Spread { value_of, counts } => u64::from(counts[value_of[i]]),
            Rule::Binpack { host_of, frees, free_now } => free_now[host_of[i]] + frees[i],
        }
    }

    fn stop(&mut self, i: usize) {
        match self {
            Rule::Spread { value_of, counts } => counts[value_of[i]] -= 1,
            Rule::Binpack { host_of, frees, free_now } => free_now[host_of[i]] += frees[i],
        }
    }
}

/// Gives each distinct value an index, in first-seen order.
fn index_values<K: Ord>(values: Vec<K>) -> (Vec<usize>, usize) {
    let mut index: Table<K, usize> = Table::new();
    let value_of: Vec<usize> = values
        .into_iter()
        .map(|v| {
            let next = index.len();
            *index.get_or_insert_with(v, || next)
        })
        .collect();
    (value_of, index.len())
}

fn spread_rule(tasks: &[&Task], field: &str, pool: Option<&Pool>) -> Rule {
    let values: Vec<Option<String>> = tasks
        .iter()
        .map(|t| if field == ZONE_FIELD { Some(t.availability_zone.clone()) } else { t.node.and_then(|n| pool?.spread_value(n, field)) })
        .collect();
    let (value_of, n_values) = index_values(values);
    let mut counts = vec![0u32; n_values];
    for &v in &value_of {
        counts[v] += 1;
    }
    Rule::Spread { value_of, counts }
}

fn binpack_rule(tasks: &[&Task], field: BinpackField, pool: Option<&Pool>) -> Rule {
    let free_of = |node: Option<NodeKey>| {
        let (cpu_units, memory_mib) = node.and_then(|n| pool?.free_cpu_memory(n)).unwrap_or((0, 0));
        u64::from(if field == BinpackField::Cpu { cpu_units } else { memory_mib })
    };
    let (host_of, n_hosts) = index_values(tasks.iter().map(|t| t.node).collect());
    let mut free_now = vec![0u64; n_hosts];
    for (t, &h) in tasks.iter().zip(&host_of) {
        free_now[h] = free_of(t.node);
    }
    let frees = tasks.iter().map(|t| u64::from(if field == BinpackField::Cpu { t.cpu_units } else { t.memory_mib })).collect();
    Rule::Binpack { host_of, frees, free_now }
}

/// The keys of the `n_stop` tasks to stop, in the order they were picked. `pool` is the cluster's container
/// instances (for instance attributes and free resources).
pub(super) fn tasks_to_stop(tasks: &[&Task], n_stop: usize, strategies: &[Strategy], pool: Option<&Pool>) -> Vec<TaskKey> {
    let mut rules: Vec<Rule> = strategies
        .iter()
        .filter_map(|s| match s {
            Strategy::Spread(field) => Some(spread_rule(tasks, field, pool)),
            Strategy::Binpack(field) => Some(binpack_rule(tasks, *field, pool)),
            Strategy::Random => None,
        })
        .collect();
    if rules.is_empty() {
        rules = vec![spread_rule(tasks, ZONE_FIELD, pool), spread_rule(tasks, "instanceId", pool)];
    }
    let mut alive = vec![true; tasks.len()];
    let mut picked = Vec::with_capacity(n_stop);
    while picked.len() < n_stop {
        // (not RUNNING, each rule's score, key): the largest goes. At most 5 strategy rules (AWS's limit).
        let rank = |i: usize| {
            let mut key = [0u64; 7];
            key[0] = u64::from(tasks[i].last_status != TaskStatus::Running);
            for (slot, rule) in key[1..6].iter_mut().zip(&rules) {
                *slot = rule.score(i);
            }
            key[6] = u64::from(tasks[i].key);
            key
        };
        let Some(pick) = (0..tasks.len()).filter(|&i| alive[i]).max_by_key(|&i| rank(i)) else { break };
        alive[pick] = false;
        for rule in &mut rules {
            rule.stop(pick);
        }
        picked.push(tasks[pick].key);
    }
    picked
}
