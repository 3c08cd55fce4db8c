//! Explanations: every check on every instance, every strategy's value and whether it kept the instance.
//!
//! Computed from the same functions as the slow path (`first_miss`, `strategy_value`, the same PRNG draws),
//! so the outcome is the decision `place` would make next; tests assert this against the fast path too.

use super::pool::{
    check_results, first_miss, prepare, spread_field, strategy_label, strategy_value, SpreadField,
};
use super::model::*;
use crate::rng::Prng;

impl Pool {
    pub(super) fn explain_impl(&self, demand: &TaskDemand, rng: &mut Prng) -> Explanation {
        let prepared = prepare(demand);
        let mut nodes: Vec<NodeExplanation> = Vec::with_capacity(self.index.len());
        // Positions (in `nodes`) of the instances still in the running.
        let mut alive: Vec<usize> = Vec::new();
        for (&key, &slot) in &self.index {
            let node = &self.nodes[slot as usize];
            let checks = check_results(node, demand, &prepared);
            if first_miss(node, demand, &prepared).is_none() {
                alive.push(nodes.len());
            }
            nodes.push(NodeExplanation {
                node: key,
                ec2_instance_id: node.info.ec2_instance_id.clone(),
                checks,
                scores: Vec::new(),
                chosen: false,
            });
        }
        if alive.is_empty() {
            // No candidate: the failure (no PRNG draw happens on this path).
            let outcome = self.decide_slow(demand, &prepared, rng);
            return Explanation { nodes, outcome };
        }
        let spread_counts = self.spread_counts(demand);
        let passed: Vec<usize> = alive.clone();
        for (i, strategy) in demand.strategies.iter().enumerate() {
            let label = strategy_label(strategy);
            let single = alive.len() == 1 && *strategy != Strategy::Random;
            if *strategy == Strategy::Random {
                let n_alive = alive.len() as u32;
                let pick = rng.below(n_alive) as usize;
                let winner = alive[pick];
                for &pos in &passed {
                    let rank = alive.iter().position(|&p| p == pos);
                    let (value, detail) = match rank {
                        Some(r) => (
                            r as i64,
                            format!("candidate {} of {n_alive}; drew {}", r + 1, pick + 1),
                        ),
                        None => (-1, "already set aside".to_string()),
                    };
                    nodes[pos].scores.push(StrategyScore {
                        strategy: label.clone(),
                        value,
                        detail,
                        kept: pos == winner,
                    });
                }
                alive = vec![winner];
                continue;
            }
            let values: Vec<i64> = passed
                .iter()
                .map(|&pos| {
                    let node = self
                        .node_ref(nodes[pos].node)
                        .expect("explained instance exists");
                    strategy_value(node, demand, strategy, spread_counts[i].as_ref())
                })
                .collect();
            let best = alive
                .iter()
                .map(|pos| values[passed.iter().position(|p| p == pos).unwrap_or(0)])
                .min()
                .unwrap_or(0);
            let mut next_alive = Vec::new();
            for (j, &pos) in passed.iter().enumerate() {
                let was_alive = alive.contains(&pos);
                let kept = was_alive && (single || values[j] == best);
                if kept {
                    next_alive.push(pos);
                }
                let node = self
                    .node_ref(nodes[pos].node)
                    .expect("explained instance exists");
                let detail = score_detail(node, demand, strategy, values[j]);
                nodes[pos].scores.push(StrategyScore {
                    strategy: label.clone(),
                    value: values[j],
                    detail,
                    kept,
                });
            }
            alive = next_alive;
        }
        let winner = alive[0];
        nodes[winner].chosen = true;
        Explanation {
            outcome: Ok(nodes[winner].node),
            nodes,
        }
    }
}

fn score_detail(
    node: &NodeState,
    demand: &TaskDemand,
    strategy: &Strategy,
    value: i64,
) -> String {
    match strategy {
        Strategy::Binpack(BinpackField::Cpu) => format!("{value} CPU units would remain"),
        Strategy::Binpack(BinpackField::Memory) => format!("{value} MiB would remain"),
        Strategy::Spread(field) => match spread_field(field) {
            SpreadField::Instance => {
                format!("{value} task(s) of {} on this instance", demand.group)
            }
            SpreadField::Attribute(name) => {
                let shown = super::pool::attribute_value(node, &name).unwrap_or("(no value)");
                format!("{value} task(s) of {} in {name}={shown}", demand.group)
            }
            SpreadField::Unknown => format!("unknown spread field '{field}': every instance ties"),
        },
        Strategy::Random => String::new(),
    }
}
