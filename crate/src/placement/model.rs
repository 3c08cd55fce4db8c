//! The data of placement: container instances as placement sees them, task demands with their constraints and
//! strategies, reservations, failures and explanations, and the `Pool` of one cluster that holds them.

use crate::table::Table;
use std::collections::{BTreeMap, BTreeSet};

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
    pub(super) nodes: Vec<NodeState>,
    pub(super) index: BTreeMap<NodeKey, u32>,
    /// Tasks of each group per instance (only instances hosting at least one), kept in step with reservations.
    pub(super) group_nodes: Table<String, BTreeMap<NodeKey, u32>>,
    /// Bumped whenever something a static check reads changes (instances, status, agent, attributes, slots).
    pub(super) version: u64,
    /// Statically eligible slots per (required attributes, static memberOf expressions, spread attribute).
    pub(super) static_cache: Table<String, StaticEntry>,
}

/// One container instance and what its tasks hold.
#[derive(Clone, Debug)]
pub(crate) struct NodeState {
    pub info: NodeInfo,
    pub status: NodeStatus,
    pub cpu_units_remaining: u32,
    pub memory_mib_remaining: u32,
    /// Agent-reserved ports plus ports held by tasks.
    pub tcp_ports_used: BTreeSet<u16>,
    pub udp_ports_used: BTreeSet<u16>,
    pub enis_used: u32,
    pub group_counts: Table<String, u32>,
    pub n_tasks: u32,
}

/// Statically eligible instances grouped by the value of the leading spread attribute.
#[derive(Clone, Debug)]
pub(crate) struct StaticEntry {
    pub(super) version: u64,
    /// Group of each value of the spread attribute (all instances are in the null group without one).
    pub(super) value_index: BTreeMap<String, u32>,
    pub(super) null_group: Option<u32>,
    /// Slots of the eligible instances of each value, in key order.
    pub(super) slots: Vec<Vec<u32>>,
}
