//! The Elastic Load Balancing resources of the account: load balancers, target groups with their targets,
//! listeners and rules, the traffic each load balancer receives, and their metrics.

use crate::table::{Table, TableSet};
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::metrics::{MetricSeries, TrafficTotals};
use super::rules::{Action, Condition};

/// What an ELB call needs to know about the world.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ElbContext {
    pub region: String,
    pub account_id: String,
    pub now_ms: u64,
    pub now_iso: String,
    pub vpc_id: String,
    /// `(subnet_id, availability_zone)` for every subnet of the VPC.
    pub subnets: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LbType {
    Application,
    Network,
    Classic,
}

impl LbType {
    pub fn as_aws(self) -> &'static str {
        match self {
            LbType::Application => "application",
            LbType::Network => "network",
            LbType::Classic => "classic",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassicListener {
    pub protocol: String,
    pub lb_port: u16,
    pub instance_protocol: String,
    pub instance_port: u16,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    pub lb_type: LbType,
    pub scheme: String,
    pub dns_name: String,
    pub vpc_id: String,
    /// `(subnet_id, availability_zone)`, one per enabled AZ.
    pub subnets: Vec<(String, String)>,
    pub security_groups: Vec<String>,
    pub ip_address_type: String,
    pub created_iso: String,
    pub created_ms: u64,
    /// Cross-zone load balancing: always on for ALB and CLB-in-this-model, off by default for NLB.
    pub cross_zone: bool,
    /// Classic only: its listeners, and the hidden target group that holds its instances.
    pub classic_listeners: Vec<ClassicListener>,
    pub classic_tg: Option<String>,
}

impl LoadBalancer {
    pub fn azs(&self) -> impl Iterator<Item = &str> {
        self.subnets.iter().map(|(_, az)| az.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthCheck {
    pub enabled: bool,
    pub protocol: String,
    /// `traffic-port` or a port number as text.
    pub port: String,
    pub path: Option<String>,
    pub interval_s: u32,
    pub timeout_s: u32,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    /// `HttpCode` matcher such as `200`, `200-399` or `200,302`; `None` for TCP checks.
    pub matcher: Option<String>,
}

impl HealthCheck {
    /// Whether a response code satisfies the matcher (TCP checks: any answer succeeds).
    pub fn code_matches(&self, code: u16) -> bool {
        let m = match &self.matcher {
            Some(m) => m,
            None => return true,
        };
        m.split(',').any(|part| match part.trim().split_once('-') {
            Some((a, b)) => match (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
                (Ok(a), Ok(b)) => (a..=b).contains(&code),
                _ => false,
            },
            None => part.trim().parse::<u16>().map_or(false, |c| c == code),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Algorithm {
    RoundRobin,
    LeastOutstandingRequests,
    WeightedRandom,
}

impl Algorithm {
    pub fn as_aws(self) -> &'static str {
        match self {
            Algorithm::RoundRobin => "round_robin",
            Algorithm::LeastOutstandingRequests => "least_outstanding_requests",
            Algorithm::WeightedRandom => "weighted_random",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgAttributes {
    pub deregistration_delay_s: u32,
    pub slow_start_s: u32,
    pub algorithm: Algorithm,
    pub stickiness_enabled: bool,
    pub stickiness_type: String,
    pub stickiness_cookie_s: u32,
    /// `load_balancing.cross_zone.enabled`: `use_load_balancer_configuration` (default), `true` or `false`.
    pub cross_zone: String,
    /// Other attributes, stored and echoed as given.
    pub extra: Table<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HealthState {
    Initial,
    Healthy,
    Unhealthy,
    Unused,
    Draining,
    Unavailable,
}

impl HealthState {
    pub fn as_aws(self) -> &'static str {
        match self {
            HealthState::Initial => "initial",
            HealthState::Healthy => "healthy",
            HealthState::Unhealthy => "unhealthy",
            HealthState::Unused => "unused",
            HealthState::Draining => "draining",
            HealthState::Unavailable => "unavailable",
        }
    }
}

/// A target as the engine registers it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TargetId {
    /// An IP address (`ip` target groups) or an instance id (`instance`).
    pub id: String,
    pub port: u16,
    pub availability_zone: String,
    /// The ECS task id that owns this target (behaviour and capacity are looked up by it).
    pub owner: String,
}

/// How a target answers, as the engine sets it from the task's containers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetBehavior {
    pub healthy: bool,
    /// The code returned when not healthy (and to health checks); healthy targets answer 200.
    pub response_code: u16,
    pub extra_latency_ms: u32,
    /// Never answers (health checks time out, requests hit the idle timeout).
    pub timeout: bool,
}

impl Default for TargetBehavior {
    fn default() -> Self {
        TargetBehavior { healthy: true, response_code: 200, extra_latency_ms: 0, timeout: false }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    /// [`id_key`] of `id`: [`TargetGroup::find`] compares it before the strings.
    pub(crate) id_key: u64,
    pub port: u16,
    pub az: String,
    pub owner: String,
    pub state: HealthState,
    pub reason: Option<&'static str>,
    pub description: Option<String>,
    pub registered_ms: u64,
    pub consecutive_ok: u32,
    pub consecutive_fail: u32,
    pub next_check_ms: u64,
    pub drain_until_ms: Option<u64>,
    /// Slow start: the ramp start and end (ms), when in slow start.
    pub slow_start: Option<(u64, u64)>,
    // Cached from the engine's settings (kept current by the setters), so `step` needs no lookups.
    pub behavior: TargetBehavior,
    /// Requests per second the target can serve; `None` = unlimited.
    pub capacity_rps: Option<u32>,
    pub zone_down: bool,
    /// No network path from the load balancer to the target port (the target's security groups do not
    /// allow the load balancer): health checks and requests time out.
    pub path_blocked: bool,
    pub az_enabled: bool,
    /// Queue of accepted, not yet served requests.
    pub backlog: u64,
    /// Milli-requests of capacity carried between windows.
    pub capacity_carry: u64,
    pub websockets: u64,
    /// Requests routed to this target in the last step window.
    pub last_requests: u64,
    pub last_latency_ms: u64,
    pub total_requests: u64,
    /// What the application's calls to its dependencies do to each request (`sim/request_workload.rs`).
    pub workload: WorkloadEffect,
    /// Requests the target answered in the last step window (after timeouts), for the workload's count.
    pub last_answered: u64,
}

/// What a task's request workload does to the requests its target serves, decided once per step by the engine:
/// the latency its operations add, and whether a failed operation turns every answer into a 5xx.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkloadEffect {
    pub latency_ms: u32,
    pub fails: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetGroup {
    pub arn: String,
    pub name: String,
    pub protocol: String,
    pub port: u16,
    pub vpc_id: String,
    pub target_type: String,
    pub protocol_version: Option<String>,
    pub health: HealthCheck,
    pub attrs: TgAttributes,
    /// Registered targets sorted by `(id, port)`.
    pub targets: Vec<Target>,
    /// Derived: load balancers whose listeners forward here.
    pub lb_arns: Vec<String>,
    pub in_use: bool,
    pub hidden: bool,
    pub(crate) rr_cursor: u32,
}

/// The first eight bytes of a target id as a big-endian number, zero-padded: a smaller key means a smaller id,
/// so a search by `(id, port)` compares the keys first and the strings only when the keys tie (an instance's
/// targets, or ids that share their first eight bytes).
pub(crate) fn id_key(id: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = id.len().min(8);
    bytes[..n].copy_from_slice(&id.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// A map keyed by target owner (task id), large and changed as tasks start and stop: a `BTreeMap` ordered by
/// [`id_key`] of the owner first, so a search compares numbers, and the strings only when two owners share
/// their first eight bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerMap<V> {
    map: BTreeMap<(u64, String), V>,
}

impl<V> Default for OwnerMap<V> {
    fn default() -> Self {
        OwnerMap { map: BTreeMap::new() }
    }
}

impl<V> OwnerMap<V> {
    pub fn get(&self, owner: &str) -> Option<&V> {
        let key = id_key(owner);
        self.map.range((key, String::new())..).take_while(|((k, _), _)| *k == key).find(|((_, o), _)| o == owner).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, owner: &str) -> Option<&mut V> {
        let key = id_key(owner);
        self.map.range_mut((key, String::new())..).take_while(|((k, _), _)| *k == key).find(|((_, o), _)| o == owner).map(|(_, v)| v)
    }

    /// The owner's value, a default one inserted first when it has none.
    pub fn get_or_default(&mut self, owner: String) -> &mut V
    where
        V: Default,
    {
        self.map.entry((id_key(&owner), owner)).or_default()
    }

    pub fn remove(&mut self, owner: &str) -> Option<V> {
        self.map.remove(&(id_key(owner), owner.to_string()))
    }
}

impl TargetGroup {
    /// Where the target `(id, port)` is in `targets` (`Ok`), or where it would go (`Err`).
    pub fn find(&self, id: &str, port: u16) -> Result<usize, usize> {
        let key = id_key(id);
        self.targets.binary_search_by(|t| t.id_key.cmp(&key).then_with(|| (t.id.as_str(), t.port).cmp(&(id, port))))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    pub arn: String,
    pub lb_arn: String,
    pub port: u16,
    pub protocol: String,
    pub default_actions: Vec<Action>,
    pub ssl_policy: Option<String>,
    pub certificates: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub arn: String,
    pub listener_arn: String,
    pub priority: u32,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
}

/// The shape of a load balancer's request rate over time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadShape {
    Constant { rps: u32 },
    /// Linear from `from` to `to` over `over_ms` from the moment the profile is set, then `to`.
    Ramp { from: u32, to: u32, over_ms: u64 },
    /// A smooth day: `min` at midnight of sim time, `max` at noon (integer parabola `4x(1-x)`).
    DailyCycle { min: u32, max: u32 },
    /// `base`, and `peak` during `[at_ms, at_ms + duration_ms)` (absolute sim time).
    Spike { base: u32, peak: u32, at_ms: u64, duration_ms: u64 },
}

/// The traffic a load balancer receives (set by the engine from the scenario's `sim:` load settings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadProfile {
    pub kind: LoadShape,
    /// Request classes: `(host, path, weight)`; empty means one class `("", "/")`.
    pub mix: Vec<(String, String, u32)>,
    pub websocket_fraction_per_mille: u32,
    /// CPU time one request costs; also the base service latency.
    pub cpu_ms_per_request: u32,
}

impl LoadProfile {
    pub fn constant(rps: u32) -> LoadProfile {
        LoadProfile { kind: LoadShape::Constant { rps }, mix: vec![], websocket_fraction_per_mille: 0, cpu_ms_per_request: 10 }
    }
}

/// Per load balancer traffic bookkeeping.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LbTraffic {
    pub(crate) profile: Option<(LoadProfile, u64)>,
    /// Milli-requests carried between windows so fractional rates are exact.
    pub(crate) carry_milli: u64,
    pub totals: TrafficTotals,
}

/// All Elastic Load Balancing resources of the account in the scenario's Region.
#[derive(Clone, Debug, PartialEq)]
pub struct ElbState {
    pub load_balancers: Table<String, LoadBalancer>,
    pub target_groups: Table<String, TargetGroup>,
    pub listeners: Table<String, Listener>,
    pub rules: Table<String, Rule>,
    pub behaviors: Table<String, TargetBehavior>,
    /// Keyed by target owner (task id): large and changed as tasks start and stop, so a `BTreeMap`.
    pub capacities: BTreeMap<String, u32>,
    pub disrupted_zones: TableSet<String>,
    pub traffic: Table<String, LbTraffic>,
    /// Per load balancer and per target group per-minute metrics (bounded to [`METRIC_MINUTES`](super::METRIC_MINUTES)).
    pub lb_metrics: Table<String, MetricSeries>,
    pub tg_metrics: Table<String, MetricSeries>,
    /// Time from RegisterTargets to the first health check (reason `Elb.RegistrationInProgress`).
    /// [UNVERIFIED] AWS gives no figure; "can take a few minutes" (NLBDG). Default 10 s.
    pub registration_delay_ms: u64,
    /// ALBDG: "After your target is registered, it must pass one health check to be considered healthy."
    /// When false, a new target needs `HealthyThresholdCount` successes instead.
    pub initial_needs_one_check: bool,
    /// ALB idle timeout (60 s default): a request queued longer fails with a 504 from the load balancer.
    pub idle_timeout_ms: u64,
    /// Whether `step` fills [`StepReport::shares`](super::StepReport::shares) (one entry per routed-to target per step).
    pub collect_shares: bool,
    /// The targets of each owner (task id): `(target group ARN, target id, port)`.
    pub(crate) owners: OwnerMap<BTreeSet<(String, String, u16)>>,
    pub(crate) counter: u64,
    pub(crate) topology_dirty: bool,
}

impl Default for ElbState {
    fn default() -> Self {
        ElbState::new()
    }
}

impl ElbState {
    pub fn new() -> ElbState {
        ElbState {
            load_balancers: Table::new(),
            target_groups: Table::new(),
            listeners: Table::new(),
            rules: Table::new(),
            behaviors: Table::new(),
            capacities: BTreeMap::new(),
            disrupted_zones: TableSet::new(),
            traffic: Table::new(),
            lb_metrics: Table::new(),
            tg_metrics: Table::new(),
            registration_delay_ms: 10_000,
            initial_needs_one_check: true,
            idle_timeout_ms: 60_000,
            collect_shares: true,
            owners: OwnerMap::default(),
            counter: 0,
            topology_dirty: true,
        }
    }
}
