//! Task placement on EC2 container instances: resource, port and ENI checks, constraints
//! (distinctInstance, memberOf), and strategies (binpack, spread, random) chained in order.
//!
//! The engine keeps a [`Pool`] in step with the cluster (instances joining, leaving, draining; tasks
//! reserving and releasing resources) and asks it to place tasks. Decisions are integer-only and
//! deterministic; ties go to the lowest [`NodeKey`] unless a `random` strategy asks for the PRNG.
//! An [`Explanation`] of a decision is computed on demand from the same state and agrees with it.
//!
//! Code map: `model.rs` holds the data (instances, demands, reservations, failures, explanations, the `Pool`
//! itself); `pool.rs` the instance state's operations, the check pipeline, reservations and the straightforward
//! (slow) placement path; `fast.rs` the indexed path used for batches whose strategy chain it covers;
//! `explain.rs` the per-instance explanation; `bench.rs` a deterministic benchmark setup.

use crate::rng::Prng;

impl Pool {
    pub fn new() -> Pool {
        Pool::default()
    }
    /// Adds a newly registered ACTIVE instance (replacing any instance with the same key).
    pub fn add_node(&mut self, info: NodeInfo) {
        self.add_node_impl(info);
    }
    /// Removes an instance (deregistered or terminated). Its reservations are dropped with it.
    pub fn remove_node(&mut self, key: NodeKey) {
        self.remove_node_impl(key);
    }
    pub fn set_status(&mut self, key: NodeKey, status: NodeStatus) {
        if let Some(node) = self.node_mut(key) {
            node.status = status;
            self.version += 1;
        }
    }
    pub fn set_agent_connected(&mut self, key: NodeKey, connected: bool) {
        if let Some(node) = self.node_mut(key) {
            node.info.agent_connected = connected;
            self.version += 1;
        }
    }
    /// Sets (`Some`) or deletes (`None`) a custom attribute; `value` inside is the attribute value.
    pub fn set_attribute(&mut self, key: NodeKey, name: &str, value: Option<Option<String>>) {
        if let Some(node) = self.node_mut(key) {
            match value {
                Some(value) => {
                    node.info.attributes.insert(name.to_string(), value);
                }
                None => {
                    node.info.attributes.remove(name);
                }
            }
            self.version += 1;
        }
    }
    pub fn node(&self, key: NodeKey) -> Option<&NodeInfo> {
        self.node_ref(key).map(|n| &n.info)
    }
    pub fn status(&self, key: NodeKey) -> Option<NodeStatus> {
        self.node_ref(key).map(|n| n.status)
    }
    pub fn remaining(&self, key: NodeKey) -> Option<Remaining> {
        self.node_ref(key).map(NodeState::remaining)
    }
    /// The CPU units and MiB of memory an instance has free now.
    pub fn free_cpu_memory(&self, key: NodeKey) -> Option<(u32, u32)> {
        self.node_ref(key).map(|n| (n.cpu_units_remaining, n.memory_mib_remaining))
    }
    /// The value of a `spread` field on an instance: its id for `instanceId`/`host`, else the attribute's value.
    pub fn spread_value(&self, key: NodeKey, field: &str) -> Option<String> {
        let node = self.node_ref(key)?;
        match pool::spread_field(field) {
            pool::SpreadField::Instance => Some(node.info.ec2_instance_id.clone()),
            pool::SpreadField::Attribute(name) => pool::attribute_value(node, &name).map(str::to_string),
            pool::SpreadField::Unknown => None,
        }
    }
    /// Places `count` tasks of the same demand one after another, reserving as it goes.
    /// Dynamic ports are the lowest free ones in 32768..=61000, so the result depends only on the state.
    /// Once a task fails, every later task of the batch fails the same way (nothing changed in between).
    pub fn place(
        &mut self,
        demand: &TaskDemand,
        count: u32,
        rng: &mut Prng,
    ) -> Vec<Result<Reservation, Failure>> {
        self.place_impl(demand, count, rng)
    }
    /// Places one task on a given instance (DAEMON services, StartTask), checking resources and constraints.
    pub fn place_on(&mut self, key: NodeKey, demand: &TaskDemand) -> Result<Reservation, Failure> {
        self.place_on_impl(key, demand)
    }
    /// Gives back what a task held.
    pub fn release(&mut self, reservation: &Reservation) {
        self.release_impl(reservation);
    }
    /// Explains where the next task of `demand` would go from the current state; `rng` must be a clone of
    /// the PRNG as `place` would see it, so that the explanation agrees with the decision.
    pub fn explain(&self, demand: &TaskDemand, rng: &mut Prng) -> Explanation {
        self.explain_impl(demand, rng)
    }
    /// Every instance key, in key order.
    pub fn keys(&self) -> Vec<NodeKey> {
        self.index.keys().copied().collect()
    }
    /// Number of tasks of `group` reserved on an instance.
    pub fn group_count(&self, key: NodeKey, group: &str) -> u32 {
        self.group_nodes
            .get(group)
            .and_then(|m| m.get(&key))
            .copied()
            .unwrap_or(0)
    }
}

mod bench;
mod explain;
mod fast;
mod model;
mod pool;
#[cfg(test)]
mod tests;

pub use bench::{bench_placement, bench_run, bench_setup, BenchFigures};
pub use model::*;
pub use pool::{
    DYNAMIC_PORT_FIRST, DYNAMIC_PORT_LAST, MAX_RESERVED_PORTS, REASON_AGENT, REASON_ATTRIBUTE,
    REASON_CPU, REASON_DISTINCT_INSTANCE, REASON_DRAINING, REASON_ENI, REASON_MEMBER_OF,
    REASON_MEMORY, REASON_MISSING, REASON_NO_INSTANCES, REASON_PORTS,
};
