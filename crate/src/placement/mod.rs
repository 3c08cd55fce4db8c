//! Task placement on EC2 container instances: resource, port and ENI checks, constraints
//! (distinctInstance, memberOf), and strategies (binpack, spread, random) chained in order.
//!
//! The engine keeps a [`Pool`] in step with the cluster (instances joining, leaving, draining; tasks
//! reserving and releasing resources) and asks it to place tasks. Decisions are integer-only and
//! deterministic; ties go to the lowest [`NodeKey`] unless a `random` strategy asks for the PRNG.
//! An [`Explanation`] of a decision is computed on demand from the same state and agrees with it.
//!
//! Code map: `pool.rs` holds instance state, the check pipeline, reservations and the straightforward
//! (slow) placement path; `fast.rs` the indexed path used for batches whose strategy chain it covers;
//! `explain.rs` the per-instance explanation; `bench.rs` a deterministic benchmark setup.

use crate::table::Table;
use std::collections::BTreeMap;

use crate::rng::Prng;

/// The engine's index of a container instance (allocated sequentially, never reused).
pub type NodeKey = u32;

/// What the pool needs to know about a container instance when it registers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeInfo {
    pub key: NodeKey,
    /// `i-...`
    pub ec2_instance_id: String,
    pub container_instance_arn: String,
    /// Built-in (`ecs.availability-zone`, `ecs.instance-type`, `ecs.os-type`, `ecs.cpu-architecture`,
    /// `ecs.ami-id`, `ecs.vpc-id`, `ecs.subnet-id`, capability attributes) and custom attributes.
    /// A value of `None` is an attribute that exists without a value (capabilities).
    pub attributes: Table<String, Option<String>>,
    pub registered_cpu_units: u32,
    pub registered_memory_mib: u32,
    /// Host TCP ports the agent reserves (22, 2375, 2376, 51678, 51679 on Linux).
    pub reserved_tcp_ports: Vec<u16>,
    pub reserved_udp_ports: Vec<u16>,
    /// How many `awsvpc` tasks can attach an ENI here (ENI limit less the primary, or the trunk limit).
    pub task_eni_limit: u32,
    pub registered_at_ms: u64,
    pub agent_version: String,
    pub agent_connected: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeStatus {
    Active,
    Draining,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Constraint {
    DistinctInstance,
    /// A cluster query language expression.
    MemberOf(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinpackField {
    Cpu,
    Memory,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Strategy {
    Binpack(BinpackField),
    /// `instanceId`/`host`, or `attribute:<name>`, as written in the request.
    Spread(String),
    Random,
}

/// What one task needs from a container instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskDemand {
    /// The task group: `service:<name>` for service tasks, `family:<family>` (or the RunTask `group`) otherwise.
    pub group: String,
    pub cpu_units: u32,
    pub memory_mib: u32,
    /// Static host ports (bridge/host mode).
    pub tcp_host_ports: Vec<u16>,
    pub udp_host_ports: Vec<u16>,
    /// Number of dynamic host ports (bridge mode `hostPort` 0 or absent), TCP.
    pub n_dynamic_tcp_ports: u32,
    /// `awsvpc` tasks need one ENI attachment.
    pub needs_eni: bool,
    /// Attributes the task definition requires (e.g. `ecs.capability.task-eni`); missing ones fail with `ATTRIBUTE`.
    pub required_attributes: Vec<String>,
    /// Task definition constraints followed by the request's, at most 10 in all.
    pub constraints: Vec<Constraint>,
    /// At most 5, evaluated in order; each refines the ties of the one before.
    pub strategies: Vec<Strategy>,
}

/// What a placed task holds on its instance, returned to [`Pool::release`] when it stops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reservation {
    pub node: NodeKey,
    pub group: String,
    pub cpu_units: u32,
    pub memory_mib: u32,
    /// Every host port the task holds, static and dynamic, in the order of the demand
    /// (static TCP, static UDP, then dynamic TCP).
    pub tcp_ports: Vec<u16>,
    pub udp_ports: Vec<u16>,
    pub eni: bool,
}

/// A placement failure as AWS reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// `RESOURCE:CPU`, `RESOURCE:MEMORY`, `RESOURCE:PORTS`, `RESOURCE:ENI`, `ATTRIBUTE`, `MemberOf` ... as in RunTask `failures[].reason`.
    pub reason: String,
    /// The closest matching container instance and what it lacks, for the service event
    /// ("The closest matching container-instance <id> has insufficient memory available.").
    pub closest: Option<(NodeKey, String)>,
    /// The full service event / human message.
    pub detail: String,
}

/// Remaining resources of an instance, as DescribeContainerInstances reports them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remaining {
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub tcp_ports: Vec<u16>,
    pub udp_ports: Vec<u16>,
    pub enis_free: u32,
    pub n_tasks: u32,
}

/// One check on one instance, in pipeline order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    /// e.g. `CPU`, `MEMORY`, `PORTS`, `ENI`, `ATTRIBUTE`, `STATUS`, `distinctInstance`, `memberOf(<expr>)`.
    pub check: String,
    pub passed: bool,
    /// e.g. `needs 512 MiB, 384 MiB remaining`.
    pub detail: String,
}

/// One strategy's verdict on one instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrategyScore {
    /// e.g. `binpack(memory)`, `spread(attribute:ecs.availability-zone)`, `random`.
    pub strategy: String,
    /// The integer the strategy ranks by (lower is better), e.g. remaining memory after placement.
    pub value: i64,
    /// e.g. `3 tasks of service:web in us-east-1a`.
    pub detail: String,
    /// Whether the instance was still among the best after this strategy.
    pub kept: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeExplanation {
    pub node: NodeKey,
    pub ec2_instance_id: String,
    pub checks: Vec<CheckResult>,
    /// Empty when a check failed (strategies only rank instances that passed).
    pub scores: Vec<StrategyScore>,
    pub chosen: bool,
}

/// Why a task was placed where it was, or why it could not be placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub nodes: Vec<NodeExplanation>,
    pub outcome: Result<NodeKey, Failure>,
}

/// The container instances of one cluster, as placement sees them.
///
/// Instances live densely in `nodes` (position = slot, arbitrary order) with `index` mapping keys to slots;
/// every decision iterates `index` (key order) or orders candidates by key, so slot order never shows.
#[derive(Clone, Debug, Default)]
pub struct Pool {
    nodes: Vec<pool::NodeState>,
    index: BTreeMap<NodeKey, u32>,
    /// Tasks of each group per instance (only instances hosting at least one), kept in step with reservations.
    group_nodes: Table<String, BTreeMap<NodeKey, u32>>,
    /// Bumped whenever something a static check reads changes (instances, status, agent, attributes, slots).
    version: u64,
    /// Statically eligible slots per (required attributes, static memberOf expressions, spread attribute).
    static_cache: Table<String, fast::StaticEntry>,
}

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
        self.node_ref(key).map(pool::NodeState::remaining)
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
mod pool;
#[cfg(test)]
mod tests;

pub use bench::{bench_placement, bench_run, bench_setup, BenchFigures};
pub use pool::{
    DYNAMIC_PORT_FIRST, DYNAMIC_PORT_LAST, MAX_RESERVED_PORTS, REASON_AGENT, REASON_ATTRIBUTE,
    REASON_CPU, REASON_DISTINCT_INSTANCE, REASON_DRAINING, REASON_ENI, REASON_MEMBER_OF,
    REASON_MEMORY, REASON_MISSING, REASON_NO_INSTANCES, REASON_PORTS,
};
