//! Instance state, the check pipeline (filters), strategy values (scores), reservations and the slow path.
//!
//! Pipeline order (ECSDG task-placement.md: resources, then constraints, then strategies; the position of
//! the ENI check and of required attributes inside step 1 is **[UNVERIFIED]**):
//! STATUS (ACTIVE, agent connected) → CPU → MEMORY → PORTS → ENI → ATTRIBUTE → constraints in order.
//! The "closest matching container-instance" of a failure is the ACTIVE instance that failed latest in
//! this order; ties go to the smallest shortfall, then the lowest key. DRAINING instances are never
//! candidates and never "closest" (ECSDG container-instance-draining.md: no new placements).

use crate::table::Table;
use std::collections::BTreeMap;

use super::model::*;
use crate::rng::Prng;
use crate::cql::{self, CqlSubject, Expr};

/// First and last host port of the dynamic range ("such as 32768 to 61000 on the latest Amazon
/// ECS-optimized AMI", ECSDG load-balancer-types.md).
pub const DYNAMIC_PORT_FIRST: u16 = 32768;
pub const DYNAMIC_PORT_LAST: u16 = 61000;
/// "maximum allowed reserved port limit of 100 host ports per container instance" (ECSDG
/// service-event-messages.md). We count TCP and UDP together, agent-reserved ports included **[UNVERIFIED]**.
pub const MAX_RESERVED_PORTS: u32 = 100;

/// RunTask `failures[].reason` strings (ecs-semantics.md §1.5). `RESOURCE:CPU` is verified;
/// `RESOURCE:MEMORY`, `RESOURCE:PORTS`, `RESOURCE:ENI` are **[UNVERIFIED]** (third-party clients only).
pub const REASON_CPU: &str = "RESOURCE:CPU";
pub const REASON_MEMORY: &str = "RESOURCE:MEMORY";
pub const REASON_PORTS: &str = "RESOURCE:PORTS";
pub const REASON_ENI: &str = "RESOURCE:ENI";
pub const REASON_ATTRIBUTE: &str = "ATTRIBUTE";
pub const REASON_AGENT: &str = "AGENT";
/// As an AWS engineer quotes it (github.com/aws/amazon-ecs-agent/pull/3044).
pub const REASON_MEMBER_OF: &str = "MemberOf placement constraint unsatisfied.";
/// As seen in service events (github.com/aws/containers-roadmap/issues/723); as a RunTask reason **[UNVERIFIED]**.
pub const REASON_DISTINCT_INSTANCE: &str = "DistinctInstance placement constraint unsatisfied.";
/// No ACTIVE instance at all. The service event says "Reason: No Container Instances were found in your
/// cluster." (seen verbatim in many public issues); RunTask raises it as an InvalidParameterException, which
/// the engine does when `closest` is `None`.
pub const REASON_NO_INSTANCES: &str = "No Container Instances were found in your cluster.";
/// `place_on` an unknown instance (the Describe* failure reason for a missing instance).
pub const REASON_MISSING: &str = "MISSING";
/// `place_on` a DRAINING instance; simulator wording **[UNVERIFIED]**.
pub const REASON_DRAINING: &str = "DRAINING";

const NO_INSTANCE_MET: &str =
    "was unable to place a task because no container instance met all of its requirements.";

/// Pipeline stages, in order; a constraint `i` is stage `STAGE_CONSTRAINT + i`.
pub(crate) const STAGE_STATUS: u32 = 0;
pub(crate) const STAGE_CPU: u32 = 1;
pub(crate) const STAGE_MEMORY: u32 = 2;
pub(crate) const STAGE_PORTS: u32 = 3;
pub(crate) const STAGE_ENI: u32 = 4;
pub(crate) const STAGE_ATTRIBUTE: u32 = 5;
pub(crate) const STAGE_CONSTRAINT: u32 = 6;

impl NodeState {
    fn new(info: NodeInfo) -> NodeState {
        NodeState {
            status: NodeStatus::Active,
            cpu_units_remaining: info.registered_cpu_units,
            memory_mib_remaining: info.registered_memory_mib,
            tcp_ports_used: info.reserved_tcp_ports.iter().copied().collect(),
            udp_ports_used: info.reserved_udp_ports.iter().copied().collect(),
            enis_used: 0,
            group_counts: Table::new(),
            n_tasks: 0,
            info,
        }
    }

    pub fn remaining(&self) -> Remaining {
        Remaining {
            cpu_units: self.cpu_units_remaining,
            memory_mib: self.memory_mib_remaining,
            tcp_ports: self.tcp_ports_used.iter().copied().collect(),
            udp_ports: self.udp_ports_used.iter().copied().collect(),
            enis_free: self.info.task_eni_limit.saturating_sub(self.enis_used),
            n_tasks: self.n_tasks,
        }
    }

    pub fn usable(&self) -> bool {
        self.status == NodeStatus::Active && self.info.agent_connected
    }

    /// The `<id>` of `arn:aws:ecs:…:container-instance/<cluster>/<id>`.
    pub fn arn_id(&self) -> &str {
        let arn = &self.info.container_instance_arn;
        let id = arn.rsplit('/').next().unwrap_or(arn);
        if id.is_empty() {
            &self.info.ec2_instance_id
        } else {
            id
        }
    }

    pub fn group_count(&self, group: &str) -> u32 {
        self.group_counts.get(group).copied().unwrap_or(0)
    }
}

impl CqlSubject for NodeState {
    fn attribute(&self, name: &str) -> Option<Option<&str>> {
        self.info.attributes.get(name).map(|v| v.as_deref())
    }
    fn ec2_instance_id(&self) -> &str {
        &self.info.ec2_instance_id
    }
    fn has_task_group(&self, group: &str) -> bool {
        self.group_count(group) > 0
    }
    fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool {
        self.group_counts.keys().any(|g| f(g))
    }
    /// Counts every task holding resources here (PENDING included), as the scheduler sees them.
    fn running_tasks_count(&self) -> u32 {
        self.n_tasks
    }
    fn agent_version(&self) -> &str {
        &self.info.agent_version
    }
    fn registered_at_ms(&self) -> u64 {
        self.info.registered_at_ms
    }
    fn agent_connected(&self) -> bool {
        self.info.agent_connected
    }
}

/// A constraint made ready for evaluation (memberOf parsed once per call).
#[derive(Clone, Debug)]
pub(crate) enum Prepared {
    DistinctInstance,
    MemberOf {
        text: String,
        expr: Result<Expr, String>,
    },
}

impl Prepared {
    pub fn label(&self) -> String {
        match self {
            Prepared::DistinctInstance => "distinctInstance".to_string(),
            Prepared::MemberOf { text, .. } => format!("memberOf({text})"),
        }
    }
}

pub(crate) fn prepare(demand: &TaskDemand) -> Vec<Prepared> {
    demand
        .constraints
        .iter()
        .map(|c| match c {
            Constraint::DistinctInstance => Prepared::DistinctInstance,
            Constraint::MemberOf(text) => Prepared::MemberOf {
                text: text.clone(),
                expr: cql::parse(text),
            },
        })
        .collect()
}

/// Why an instance failed the pipeline, without text (the hot path).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Miss {
    pub stage: u32,
    pub shortfall: u64,
}

/// The outcome of the port check.
pub(crate) enum PortsVerdict {
    Ok,
    Conflict(Vec<(u16, &'static str)>),
    Limit { n_after: u32 },
    DynamicExhausted { n_free: u32 },
}

pub(crate) fn check_ports(node: &NodeState, demand: &TaskDemand) -> PortsVerdict {
    if demand.tcp_host_ports.is_empty()
        && demand.udp_host_ports.is_empty()
        && demand.n_dynamic_tcp_ports == 0
    {
        return PortsVerdict::Ok;
    }
    let mut conflicts = Vec::new();
    for (i, p) in demand.tcp_host_ports.iter().enumerate() {
        if node.tcp_ports_used.contains(p) || demand.tcp_host_ports[..i].contains(p) {
            conflicts.push((*p, "tcp"));
        }
    }
    for (i, p) in demand.udp_host_ports.iter().enumerate() {
        if node.udp_ports_used.contains(p) || demand.udp_host_ports[..i].contains(p) {
            conflicts.push((*p, "udp"));
        }
    }
    if !conflicts.is_empty() {
        return PortsVerdict::Conflict(conflicts);
    }
    let n_after = (node.tcp_ports_used.len() + node.udp_ports_used.len()) as u64
        + demand.tcp_host_ports.len() as u64
        + demand.udp_host_ports.len() as u64
        + u64::from(demand.n_dynamic_tcp_ports);
    if n_after > u64::from(MAX_RESERVED_PORTS) {
        return PortsVerdict::Limit {
            n_after: u32::try_from(n_after).unwrap_or(u32::MAX),
        };
    }
    if demand.n_dynamic_tcp_ports > 0 {
        let range = u32::from(DYNAMIC_PORT_LAST - DYNAMIC_PORT_FIRST) + 1;
        let taken = node
            .tcp_ports_used
            .range(DYNAMIC_PORT_FIRST..=DYNAMIC_PORT_LAST)
            .count() as u32
            + demand
                .tcp_host_ports
                .iter()
                .filter(|p| (DYNAMIC_PORT_FIRST..=DYNAMIC_PORT_LAST).contains(*p))
                .count() as u32;
        let n_free = range.saturating_sub(taken);
        if n_free < demand.n_dynamic_tcp_ports {
            return PortsVerdict::DynamicExhausted { n_free };
        }
    }
    PortsVerdict::Ok
}

/// The resource part of the pipeline (stages CPU..ENI) plus the dynamic constraint distinctInstance; these
/// are the checks whose verdict can change within a batch.
pub(crate) fn dynamic_miss(
    node: &NodeState,
    demand: &TaskDemand,
    distinct_stage: Option<u32>,
) -> Option<Miss> {
    if node.cpu_units_remaining < demand.cpu_units {
        return Some(Miss {
            stage: STAGE_CPU,
            shortfall: u64::from(demand.cpu_units - node.cpu_units_remaining),
        });
    }
    if node.memory_mib_remaining < demand.memory_mib {
        return Some(Miss {
            stage: STAGE_MEMORY,
            shortfall: u64::from(demand.memory_mib - node.memory_mib_remaining),
        });
    }
    match check_ports(node, demand) {
        PortsVerdict::Ok => {}
        PortsVerdict::Conflict(c) => {
            return Some(Miss {
                stage: STAGE_PORTS,
                shortfall: c.len() as u64,
            })
        }
        PortsVerdict::Limit { n_after } => {
            return Some(Miss {
                stage: STAGE_PORTS,
                shortfall: u64::from(n_after - MAX_RESERVED_PORTS),
            })
        }
        PortsVerdict::DynamicExhausted { n_free } => {
            return Some(Miss {
                stage: STAGE_PORTS,
                shortfall: u64::from(demand.n_dynamic_tcp_ports - n_free),
            })
        }
    }
    if demand.needs_eni && node.enis_used >= node.info.task_eni_limit {
        return Some(Miss {
            stage: STAGE_ENI,
            shortfall: 1,
        });
    }
    if let Some(stage) = distinct_stage {
        if node.group_count(&demand.group) > 0 {
            return Some(Miss {
                stage,
                shortfall: 0,
            });
        }
    }
    None
}

pub(crate) fn n_missing_attributes(node: &NodeState, demand: &TaskDemand) -> u64 {
    demand
        .required_attributes
        .iter()
        .filter(|a| !node.info.attributes.contains_key(a.as_str()))
        .count() as u64
}

/// The whole pipeline on one instance, first failure only.
pub(crate) fn first_miss(
    node: &NodeState,
    demand: &TaskDemand,
    prepared: &[Prepared],
) -> Option<Miss> {
    if !node.usable() {
        return Some(Miss {
            stage: STAGE_STATUS,
            shortfall: 0,
        });
    }
    if let Some(miss) = dynamic_miss(node, demand, None) {
        return Some(miss);
    }
    let n_missing = n_missing_attributes(node, demand);
    if n_missing > 0 {
        return Some(Miss {
            stage: STAGE_ATTRIBUTE,
            shortfall: n_missing,
        });
    }
    for (i, c) in prepared.iter().enumerate() {
        let ok = match c {
            Prepared::DistinctInstance => node.group_count(&demand.group) == 0,
            Prepared::MemberOf { expr, .. } => expr.as_ref().is_ok_and(|e| e.eval(node)),
        };
        if !ok {
            return Some(Miss {
                stage: STAGE_CONSTRAINT + i as u32,
                shortfall: 0,
            });
        }
    }
    None
}

/// Every check on one instance with its text, in pipeline order (for explanations and failure details).
pub(crate) fn check_results(
    node: &NodeState,
    demand: &TaskDemand,
    prepared: &[Prepared],
) -> Vec<CheckResult> {
    let mut out = Vec::with_capacity(6 + prepared.len());
    let status_detail = match (node.status, node.info.agent_connected) {
        (NodeStatus::Active, true) => "ACTIVE, agent connected".to_string(),
        (NodeStatus::Active, false) => "ACTIVE, but the agent is disconnected".to_string(),
        (NodeStatus::Draining, _) => "DRAINING: no new placements".to_string(),
    };
    out.push(CheckResult {
        check: "STATUS".to_string(),
        passed: node.usable(),
        detail: status_detail,
    });
    out.push(CheckResult {
        check: "CPU".to_string(),
        passed: node.cpu_units_remaining >= demand.cpu_units,
        detail: format!(
            "needs {} CPU units, {} remaining",
            demand.cpu_units, node.cpu_units_remaining
        ),
    });
    out.push(CheckResult {
        check: "MEMORY".to_string(),
        passed: node.memory_mib_remaining >= demand.memory_mib,
        detail: format!(
            "needs {} MiB, {} MiB remaining",
            demand.memory_mib, node.memory_mib_remaining
        ),
    });
    let (ports_ok, ports_detail) = match check_ports(node, demand) {
        PortsVerdict::Ok => {
            let n = demand.tcp_host_ports.len()
                + demand.udp_host_ports.len()
                + demand.n_dynamic_tcp_ports as usize;
            (
                true,
                if n == 0 {
                    "no host ports needed".to_string()
                } else {
                    format!("{n} host ports free")
                },
            )
        }
        PortsVerdict::Conflict(c) => {
            let list: Vec<String> = c.iter().map(|(p, proto)| format!("{p}/{proto}")).collect();
            (false, format!("already using {}", list.join(", ")))
        }
        PortsVerdict::Limit { n_after } => (
            false,
            format!("would hold {n_after} host ports, the limit is {MAX_RESERVED_PORTS}"),
        ),
        PortsVerdict::DynamicExhausted { n_free } => (
            false,
            format!(
                "needs {} dynamic ports, {n_free} free in {DYNAMIC_PORT_FIRST}-{DYNAMIC_PORT_LAST}",
                demand.n_dynamic_tcp_ports
            ),
        ),
    };
    out.push(CheckResult {
        check: "PORTS".to_string(),
        passed: ports_ok,
        detail: ports_detail,
    });
    let enis_free = node.info.task_eni_limit.saturating_sub(node.enis_used);
    out.push(CheckResult {
        check: "ENI".to_string(),
        passed: !demand.needs_eni || enis_free > 0,
        detail: if demand.needs_eni {
            format!(
                "needs 1 ENI attachment, {enis_free} of {} free",
                node.info.task_eni_limit
            )
        } else {
            "no ENI needed".to_string()
        },
    });
    let missing: Vec<&str> = demand
        .required_attributes
        .iter()
        .filter(|a| !node.info.attributes.contains_key(a.as_str()))
        .map(String::as_str)
        .collect();
    out.push(CheckResult {
        check: "ATTRIBUTE".to_string(),
        passed: missing.is_empty(),
        detail: if demand.required_attributes.is_empty() {
            "no attributes required".to_string()
        } else if missing.is_empty() {
            format!("has {}", demand.required_attributes.join(", "))
        } else {
            format!("missing {}", missing.join(", "))
        },
    });
    for c in prepared {
        let (passed, detail) = match c {
            Prepared::DistinctInstance => {
                let n = node.group_count(&demand.group);
                if n == 0 {
                    (true, format!("no task of {} here", demand.group))
                } else {
                    (
                        false,
                        format!("already runs {n} task(s) of {}", demand.group),
                    )
                }
            }
            Prepared::MemberOf { expr: Ok(expr), .. } => {
                let ok = expr.eval(node);
                (
                    ok,
                    if ok {
                        "expression is true here".to_string()
                    } else {
                        "expression is false here".to_string()
                    },
                )
            }
            Prepared::MemberOf { expr: Err(e), .. } => (false, e.clone()),
        };
        out.push(CheckResult {
            check: c.label(),
            passed,
            detail,
        });
    }
    out
}

/// How a spread field reads an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SpreadField {
    /// `instanceId` or `host`.
    Instance,
    Attribute(String),
    /// Any other field: every instance has the same value, so the strategy keeps every candidate.
    Unknown,
}

pub(crate) fn spread_field(field: &str) -> SpreadField {
    match field {
        "instanceId" | "host" => SpreadField::Instance,
        _ => match field.strip_prefix("attribute:") {
            Some(name) if !name.is_empty() => SpreadField::Attribute(name.to_string()),
            _ => SpreadField::Unknown,
        },
    }
}

/// The value of a spread attribute: absent and value-less attributes are both the null value.
pub(crate) fn attribute_value<'a>(node: &'a NodeState, name: &str) -> Option<&'a str> {
    node.info.attributes.get(name).and_then(|v| v.as_deref())
}

pub(crate) fn strategy_label(s: &Strategy) -> String {
    match s {
        Strategy::Binpack(BinpackField::Cpu) => "binpack(cpu)".to_string(),
        Strategy::Binpack(BinpackField::Memory) => "binpack(memory)".to_string(),
        Strategy::Spread(field) => format!("spread({field})"),
        Strategy::Random => "random".to_string(),
    }
}

/// Per-node strategy value (lower is better); `spread_counts[i]` holds the per-value task counts of the
/// group for strategy `i` when it spreads over an attribute.
pub(crate) fn strategy_value(
    node: &NodeState,
    demand: &TaskDemand,
    strategy: &Strategy,
    spread_counts: Option<&BTreeMap<Option<String>, u64>>,
) -> i64 {
    match strategy {
        Strategy::Binpack(BinpackField::Cpu) => {
            i64::from(node.cpu_units_remaining) - i64::from(demand.cpu_units)
        }
        Strategy::Binpack(BinpackField::Memory) => {
            i64::from(node.memory_mib_remaining) - i64::from(demand.memory_mib)
        }
        Strategy::Spread(field) => match spread_field(field) {
            SpreadField::Instance => i64::from(node.group_count(&demand.group)),
            SpreadField::Attribute(name) => {
                let value = attribute_value(node, &name).map(str::to_string);
                spread_counts
                    .and_then(|m| m.get(&value))
                    .copied()
                    .unwrap_or(0) as i64
            }
            SpreadField::Unknown => 0,
        },
        Strategy::Random => 0,
    }
}

impl Pool {
    pub(crate) fn node_ref(&self, key: NodeKey) -> Option<&NodeState> {
        self.index.get(&key).map(|&slot| &self.nodes[slot as usize])
    }

    pub(crate) fn node_mut(&mut self, key: NodeKey) -> Option<&mut NodeState> {
        let slot = *self.index.get(&key)?;
        Some(&mut self.nodes[slot as usize])
    }

    pub(super) fn add_node_impl(&mut self, info: NodeInfo) {
        let key = info.key;
        self.remove_node_impl(key);
        let slot = self.nodes.len() as u32;
        self.nodes.push(NodeState::new(info));
        self.index.insert(key, slot);
        self.version += 1;
    }

    pub(super) fn remove_node_impl(&mut self, key: NodeKey) {
        let Some(slot) = self.index.remove(&key) else {
            return;
        };
        let node = self.nodes.swap_remove(slot as usize);
        if let Some(moved) = self.nodes.get(slot as usize) {
            self.index.insert(moved.info.key, slot);
        }
        for group in node.group_counts.keys() {
            if let Some(m) = self.group_nodes.get_mut(group) {
                m.remove(&key);
                if m.is_empty() {
                    self.group_nodes.remove(group);
                }
            }
        }
        self.version += 1;
    }

    /// Reserves what `demand` needs on an instance that passed the pipeline.
    pub(crate) fn reserve(&mut self, key: NodeKey, demand: &TaskDemand) -> Reservation {
        let slot = self.index[&key] as usize;
        let node = &mut self.nodes[slot];
        node.cpu_units_remaining -= demand.cpu_units;
        node.memory_mib_remaining -= demand.memory_mib;
        let mut tcp_ports =
            Vec::with_capacity(demand.tcp_host_ports.len() + demand.n_dynamic_tcp_ports as usize);
        for &p in &demand.tcp_host_ports {
            node.tcp_ports_used.insert(p);
            tcp_ports.push(p);
        }
        let mut udp_ports = Vec::with_capacity(demand.udp_host_ports.len());
        for &p in &demand.udp_host_ports {
            node.udp_ports_used.insert(p);
            udp_ports.push(p);
        }
        // The lowest free ports of the dynamic range.
        let mut candidate = DYNAMIC_PORT_FIRST;
        for _ in 0..demand.n_dynamic_tcp_ports {
            while node.tcp_ports_used.contains(&candidate) && candidate < DYNAMIC_PORT_LAST {
                candidate += 1;
            }
            node.tcp_ports_used.insert(candidate);
            tcp_ports.push(candidate);
        }
        if demand.needs_eni {
            node.enis_used += 1;
        }
        match node.group_counts.get_mut(&demand.group) {
            Some(n) => *n += 1,
            None => {
                node.group_counts.insert(demand.group.clone(), 1);
            }
        }
        node.n_tasks += 1;
        match self.group_nodes.get_mut(&demand.group) {
            Some(hosts) => *hosts.entry(key).or_insert(0) += 1,
            None => {
                // Not `BTreeMap::from([..])`: that sorts its array, a sort instance of its own in the wasm.
                let mut hosts = BTreeMap::new();
                hosts.insert(key, 1);
                self.group_nodes.insert(demand.group.clone(), hosts);
            }
        }
        Reservation {
            node: key,
            group: demand.group.clone(),
            cpu_units: demand.cpu_units,
            memory_mib: demand.memory_mib,
            tcp_ports,
            udp_ports,
            eni: demand.needs_eni,
        }
    }

    pub(super) fn release_impl(&mut self, r: &Reservation) {
        let Some(&slot) = self.index.get(&r.node) else {
            return;
        };
        let node = &mut self.nodes[slot as usize];
        node.cpu_units_remaining = node
            .cpu_units_remaining
            .saturating_add(r.cpu_units)
            .min(node.info.registered_cpu_units);
        node.memory_mib_remaining = node
            .memory_mib_remaining
            .saturating_add(r.memory_mib)
            .min(node.info.registered_memory_mib);
        for p in &r.tcp_ports {
            if !node.info.reserved_tcp_ports.contains(p) {
                node.tcp_ports_used.remove(p);
            }
        }
        for p in &r.udp_ports {
            if !node.info.reserved_udp_ports.contains(p) {
                node.udp_ports_used.remove(p);
            }
        }
        if r.eni {
            node.enis_used = node.enis_used.saturating_sub(1);
        }
        node.n_tasks = node.n_tasks.saturating_sub(1);
        if let Some(n) = node.group_counts.get_mut(&r.group) {
            *n -= 1;
            if *n == 0 {
                node.group_counts.remove(&r.group);
            }
        }
        if let Some(m) = self.group_nodes.get_mut(&r.group) {
            if let Some(n) = m.get_mut(&r.node) {
                *n -= 1;
                if *n == 0 {
                    m.remove(&r.node);
                }
            }
            if m.is_empty() {
                self.group_nodes.remove(&r.group);
            }
        }
    }

    pub(super) fn place_impl(
        &mut self,
        demand: &TaskDemand,
        count: u32,
        rng: &mut Prng,
    ) -> Vec<Result<Reservation, Failure>> {
        let prepared = prepare(demand);
        if let Some(out) = self.place_fast(demand, &prepared, count) {
            return out;
        }
        let mut out = Vec::with_capacity(count.min(10_000) as usize);
        for _ in 0..count {
            match self.decide_slow(demand, &prepared, rng) {
                Ok(key) => out.push(Ok(self.reserve(key, demand))),
                Err(failure) => {
                    while (out.len() as u64) < u64::from(count) {
                        out.push(Err(failure.clone()));
                    }
                    break;
                }
            }
        }
        out
    }

    pub(super) fn place_on_impl(
        &mut self,
        key: NodeKey,
        demand: &TaskDemand,
    ) -> Result<Reservation, Failure> {
        let prepared = prepare(demand);
        let Some(node) = self.node_ref(key) else {
            return Err(Failure {
                reason: REASON_MISSING.to_string(),
                closest: None,
                detail: format!(
                    "was unable to place a task because container instance {key} was not found."
                ),
            });
        };
        if node.status == NodeStatus::Draining {
            return Err(Failure {
                reason: REASON_DRAINING.to_string(),
                closest: Some((key, "DRAINING: no new placements".to_string())),
                detail: format!(
                    "was unable to place a task because container-instance {} is DRAINING.",
                    node.arn_id()
                ),
            });
        }
        match first_miss(node, demand, &prepared) {
            None => Ok(self.reserve(key, demand)),
            Some(miss) => Err(self.failure(Some((key, miss)), demand, &prepared)),
        }
    }

    /// Per-value task counts of the demand's group for each attribute spread of the chain, counted over
    /// every instance of the pool (ACTIVE or DRAINING) having that value. Only values of eligible instances
    /// are ever looked up, so values held only by ineligible instances never compete. ECSDG
    /// task-placement-strategies.md says spread places tasks "evenly across the field values"; counting the
    /// tasks already there, wherever they run, is our reading **[UNVERIFIED]**.
    pub(crate) fn spread_counts(
        &self,
        demand: &TaskDemand,
    ) -> Vec<Option<BTreeMap<Option<String>, u64>>> {
        demand
            .strategies
            .iter()
            .map(|s| match s {
                Strategy::Spread(field) => match spread_field(field) {
                    SpreadField::Attribute(name) => {
                        let mut counts: BTreeMap<Option<String>, u64> = BTreeMap::new();
                        if let Some(hosts) = self.group_nodes.get(&demand.group) {
                            for (key, n) in hosts {
                                if let Some(node) = self.node_ref(*key) {
                                    let value = attribute_value(node, &name).map(str::to_string);
                                    *counts.entry(value).or_insert(0) += u64::from(*n);
                                }
                            }
                        }
                        Some(counts)
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// The straightforward decision: scan every instance, then apply the strategies in order, each keeping
    /// the best candidates of the previous one; `random` draws one with the PRNG; final tie → lowest key.
    pub(crate) fn decide_slow(
        &self,
        demand: &TaskDemand,
        prepared: &[Prepared],
        rng: &mut Prng,
    ) -> Result<NodeKey, Failure> {
        let mut candidates = Vec::new();
        let mut closest: Option<(NodeKey, Miss)> = None;
        for (&key, &slot) in &self.index {
            let node = &self.nodes[slot as usize];
            match first_miss(node, demand, prepared) {
                None => candidates.push(key),
                Some(miss) => {
                    if node.status == NodeStatus::Active && is_closer(miss, closest.map(|c| c.1)) {
                        closest = Some((key, miss));
                    }
                }
            }
        }
        if candidates.is_empty() {
            return Err(self.failure(closest, demand, prepared));
        }
        let spread_counts = self.spread_counts(demand);
        for (i, strategy) in demand.strategies.iter().enumerate() {
            if candidates.len() == 1 {
                // One candidate left: nothing to rank (`below(1)` would not draw either).
                continue;
            }
            if *strategy == Strategy::Random {
                let pick = rng.below(candidates.len() as u32) as usize;
                candidates = vec![candidates[pick]];
                continue;
            }
            let values: Vec<i64> = candidates
                .iter()
                .map(|k| {
                    strategy_value(
                        self.node_ref(*k).expect("candidate"),
                        demand,
                        strategy,
                        spread_counts[i].as_ref(),
                    )
                })
                .collect();
            let best = values.iter().copied().min().unwrap_or(0);
            candidates = candidates
                .iter()
                .zip(&values)
                .filter(|(_, v)| **v == best)
                .map(|(k, _)| *k)
                .collect();
        }
        Ok(candidates[0])
    }

    /// Builds the failure for the closest instance (or for none at all).
    pub(crate) fn failure(
        &self,
        closest: Option<(NodeKey, Miss)>,
        demand: &TaskDemand,
        prepared: &[Prepared],
    ) -> Failure {
        let Some((key, miss)) = closest else {
            return Failure {
                reason: REASON_NO_INSTANCES.to_string(),
                closest: None,
                detail: format!("{NO_INSTANCE_MET} Reason: {REASON_NO_INSTANCES}"),
            };
        };
        let node = self.node_ref(key).expect("closest instance exists");
        let results = check_results(node, demand, prepared);
        let failed = results
            .iter()
            .find(|c| !c.passed)
            .map(|c| c.detail.clone())
            .unwrap_or_default();
        let id = node.arn_id();
        let (reason, suffix) = match miss.stage {
            STAGE_STATUS => (REASON_AGENT.to_string(), "encountered error \"AGENT\".".to_string()),
            STAGE_CPU => (REASON_CPU.to_string(), "has insufficient CPU units available.".to_string()),
            STAGE_MEMORY => (REASON_MEMORY.to_string(), "has insufficient memory available.".to_string()),
            STAGE_PORTS => (
                REASON_PORTS.to_string(),
                match check_ports(node, demand) {
                    PortsVerdict::Limit { .. } => format!(
                        "has reached the maximum allowed reserved port limit of {MAX_RESERVED_PORTS} host ports per container instance."
                    ),
                    PortsVerdict::DynamicExhausted { .. } => {
                        "has no free host port in the dynamic port range.".to_string()
                    }
                    _ => "is already using a port required by your task.".to_string(),
                },
            ),
            STAGE_ENI => (REASON_ENI.to_string(), "has insufficient ENI attachment points available.".to_string()),
            STAGE_ATTRIBUTE => {
                (REASON_ATTRIBUTE.to_string(), "is missing an attribute required by your task.".to_string())
            }
            stage => {
                let reason = match prepared.get((stage - STAGE_CONSTRAINT) as usize) {
                    Some(Prepared::DistinctInstance) => REASON_DISTINCT_INSTANCE,
                    _ => REASON_MEMBER_OF,
                };
                (reason.to_string(), format!("encountered error \"{reason}\"."))
            }
        };
        Failure {
            reason,
            closest: Some((key, failed)),
            detail: format!(
                "{NO_INSTANCE_MET} The closest matching container-instance {id} {suffix}"
            ),
        }
    }

    /// The closest instance over the whole pool (used when the fast path finds no candidate).
    pub(crate) fn closest_miss(
        &self,
        demand: &TaskDemand,
        prepared: &[Prepared],
    ) -> Option<(NodeKey, Miss)> {
        let mut closest: Option<(NodeKey, Miss)> = None;
        for (&key, &slot) in &self.index {
            let node = &self.nodes[slot as usize];
            if node.status != NodeStatus::Active {
                continue;
            }
            if let Some(miss) = first_miss(node, demand, prepared) {
                if is_closer(miss, closest.map(|c| c.1)) {
                    closest = Some((key, miss));
                }
            }
        }
        closest
    }
}

/// Later stage wins, then smaller shortfall; equal → keep the earlier (lower) key.
pub(crate) fn is_closer(miss: Miss, current: Option<Miss>) -> bool {
    match current {
        None => true,
        Some(c) => miss.stage > c.stage || (miss.stage == c.stage && miss.shortfall < c.shortfall),
    }
}
