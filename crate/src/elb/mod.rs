//! Elastic Load Balancing: Application, Network and Classic load balancers, target groups, listeners,
//! rules, target health, and aggregate traffic routing with CloudWatch-style per-minute metrics.
//!
//! Sans-IO and deterministic: ordered maps and sorted vectors only, ids from a counter hash, times
//! passed in by the caller, integer arithmetic in every routing and health decision (floats only for
//! metric output), randomness only from the caller's seeded [`crate::rng::Prng`].
//!
//! Wiring (for the engine):
//! - route every `elasticloadbalancing:*` call the call table routes here to [`ElbState::handle`];
//! - a task entering ACTIVATING: [`ElbState::register_target`] per load balancer of its service;
//!   DEACTIVATING: [`ElbState::deregister_target`]; when [`StepReport::removed`] lists it, draining is over;
//! - feed the task's behaviour and capacity with [`ElbState::set_target_behavior`] / [`ElbState::set_target_capacity`];
//! - drive time with [`ElbState::step`] every 1–10 s of sim time; read [`StepReport`] and the metrics.

mod api;
mod ids;
mod metrics;
mod model;
mod rules;
mod traffic;

#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::api::{ApiResult, Dialect, Request};

pub use rules::{choose_actions, glob_match, parse_cidr, parse_ipv4, Action, Condition, RequestView};
pub use metrics::{MetricPoint, TrafficTotals, METRIC_MINUTES};
pub use model::*;
pub use traffic::{HealthTransition, RemovedTarget, StepReport, TargetShare};

impl ElbState {
    /// Handles an `elasticloadbalancing:*` call. `None` when the call table does not route `call` here.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &ElbContext) -> Option<ApiResult> {
        if !crate::api::calls::handled_by(call, crate::api::calls::Handler::Elb) {
            return None;
        }
        // Both Elastic Load Balancing APIs are query APIs.
        let request = Request::new(input, Dialect::Query);
        if !input.is_object() {
            return Some(Err(request.invalid("The request input must be a JSON object.")));
        }
        self.topology_dirty = true;
        Some(api::dispatch(self, call, &request, ctx))
    }

    pub(crate) fn next_counter(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// Registers a target (a task entering ACTIVATING). Re-registering an existing target is a no-op,
    /// except that a draining target returns to `initial` (AWS allows re-registering while draining).
    /// Returns false when the target group does not exist.
    pub fn register_target(&mut self, tg_arn: &str, target: TargetId, now_ms: u64) -> bool {
        let behavior = self.behaviors.get(&target.owner).copied().unwrap_or_default();
        let capacity = self.capacities.get(&target.owner).copied();
        let zone_down = self.disrupted_zones.contains(&target.availability_zone);
        let reg_delay = self.registration_delay_ms;
        let tg = match self.target_groups.get_mut(tg_arn) {
            Some(tg) => tg,
            None => return false,
        };
        // A new target changes no group's load balancers, so its zone is checked against its group's here and
        // no group's topology is worked out again (while it is out of date, the next step's refresh sets it).
        let az_enabled = self.topology_dirty || traffic::zone_enabled(&tg.lb_arns, &self.load_balancers, &target.availability_zone);
        let idx = match tg.find(&target.id, target.port) {
            Ok(i) => {
                let t = &mut tg.targets[i];
                if t.state == HealthState::Draining {
                    t.state = HealthState::Initial;
                    t.reason = Some("Elb.RegistrationInProgress");
                    t.description = Some(traffic::describe_reason("Elb.RegistrationInProgress", 0));
                    t.drain_until_ms = None;
                    t.next_check_ms = now_ms + reg_delay;
                    t.consecutive_ok = 0;
                    t.consecutive_fail = 0;
                }
                return true;
            }
            Err(i) => i,
        };
        tg.targets.insert(
            idx,
            Target {
                id_key: model::id_key(&target.id),
                id: target.id.clone(),
                port: target.port,
                az: target.availability_zone.clone(),
                owner: target.owner.clone(),
                state: HealthState::Initial,
                reason: Some("Elb.RegistrationInProgress"),
                description: Some(traffic::describe_reason("Elb.RegistrationInProgress", 0)),
                registered_ms: now_ms,
                consecutive_ok: 0,
                consecutive_fail: 0,
                next_check_ms: now_ms + reg_delay,
                drain_until_ms: None,
                slow_start: None,
                behavior,
                capacity_rps: capacity,
                zone_down,
                path_blocked: false,
                az_enabled,
                backlog: 0,
                capacity_carry: 0,
                websockets: 0,
                last_requests: 0,
                last_latency_ms: 0,
                total_requests: 0,
                workload: WorkloadEffect::default(),
                last_answered: 0,
            },
        );
        self.owners.get_or_default(target.owner).insert((tg_arn.to_string(), target.id, target.port));
        true
    }

    /// Starts deregistration (a task entering DEACTIVATING): the target drains for the group's
    /// `deregistration_delay.timeout_seconds`, then [`StepReport::removed`] lists it. Returns the time
    /// draining ends, or `None` when no such target is registered.
    pub fn deregister_target(&mut self, tg_arn: &str, id: &str, port: u16, now_ms: u64) -> Option<u64> {
        let tg = self.target_groups.get_mut(tg_arn)?;
        let delay = tg.attrs.deregistration_delay_s as u64 * 1000;
        let i = tg.find(id, port).ok()?;
        let t = &mut tg.targets[i];
        if let Some(until) = t.drain_until_ms {
            return Some(until);
        }
        t.state = HealthState::Draining;
        t.reason = Some("Target.DeregistrationInProgress");
        t.description = Some(traffic::describe_reason("Target.DeregistrationInProgress", 0));
        t.drain_until_ms = Some(now_ms + delay);
        t.slow_start = None;
        Some(now_ms + delay)
    }

    /// Deregisters every target an owner (task) has in any target group; returns `(tg_arn, drain end)`.
    pub fn deregister_owner(&mut self, owner: &str, now_ms: u64) -> Vec<(String, u64)> {
        let keys: Vec<(String, String, u16)> = self.owners.get(owner).map(|s| s.iter().cloned().collect()).unwrap_or_default();
        keys.into_iter().filter_map(|(tg, id, port)| self.deregister_target(&tg, &id, port, now_ms).map(|u| (tg, u))).collect()
    }

    fn for_owner_targets(&mut self, owner: &str, mut f: impl FnMut(&mut Target)) {
        let keys: Vec<(String, String, u16)> = match self.owners.get(owner) {
            Some(s) => s.iter().cloned().collect(),
            None => return,
        };
        for (tg, id, port) in keys {
            if let Some(tg) = self.target_groups.get_mut(&tg) {
                if let Ok(i) = tg.find(&id, port) {
                    f(&mut tg.targets[i]);
                }
            }
        }
    }

    /// Sets how an owner's targets answer health checks and requests.
    pub fn set_target_behavior(&mut self, owner: &str, behavior: TargetBehavior) {
        self.behaviors.insert(owner.to_string(), behavior);
        self.for_owner_targets(owner, |t| t.behavior = behavior);
    }

    /// Sets what an owner's request workload does to the requests its targets serve.
    pub fn set_target_workload(&mut self, owner: &str, effect: WorkloadEffect) {
        self.for_owner_targets(owner, |t| t.workload = effect);
    }

    /// The requests an owner's targets answered in the last step window.
    pub fn owner_answered(&self, owner: &str) -> u64 {
        let Some(keys) = self.owners.get(owner) else { return 0 };
        keys.iter().filter_map(|(tg, id, port)| self.target_groups.get(tg).and_then(|g| g.find(id, *port).ok().map(|i| g.targets[i].last_answered))).sum()
    }

    /// Sets an owner's serving capacity in requests per second (task CPU / cpu_ms_per_request).
    pub fn set_target_capacity(&mut self, owner: &str, rps_capacity: u32) {
        self.capacities.insert(owner.to_string(), rps_capacity);
        self.for_owner_targets(owner, |t| t.capacity_rps = Some(rps_capacity));
    }

    /// Marks whether the network path from the load balancer to a target is missing (see `vpc::reach_peer`):
    /// a blocked target's health checks time out and its requests wait for the idle timeout.
    pub fn set_target_path_blocked(&mut self, tg_arn: &str, id: &str, port: u16, blocked: bool) {
        if let Some(tg) = self.target_groups.get_mut(tg_arn) {
            if let Ok(i) = tg.find(id, port) {
                tg.targets[i].path_blocked = blocked;
            }
        }
    }

    /// Marks an Availability Zone as disrupted: no traffic is routed there and health checks time out.
    pub fn set_zone_disrupted(&mut self, az: &str, disrupted: bool) {
        if disrupted {
            self.disrupted_zones.insert(az.to_string());
        } else {
            self.disrupted_zones.remove(az);
        }
        for tg in self.target_groups.values_mut() {
            for t in tg.targets.iter_mut().filter(|t| t.az == az) {
                t.zone_down = disrupted;
            }
        }
    }

    /// Sets (or with `None` clears) the traffic a load balancer receives from `now_ms` on.
    pub fn set_load(&mut self, lb_arn: &str, profile: Option<LoadProfile>, now_ms: u64) {
        let entry = self.traffic.get_or_default(lb_arn.to_string());
        entry.profile = profile.map(|p| (p, now_ms));
    }

    /// The health of every target an owner has: `(tg_arn, state, reason)`.
    pub fn owner_health(&self, owner: &str) -> Vec<(String, HealthState, Option<&'static str>)> {
        let mut out = Vec::new();
        if let Some(keys) = self.owners.get(owner) {
            for (tg, id, port) in keys {
                if let Some(g) = self.target_groups.get(tg) {
                    if let Ok(i) = g.find(id, *port) {
                        out.push((tg.clone(), g.targets[i].state, g.targets[i].reason));
                    }
                }
            }
        }
        out
    }

    /// Whether an owner has targets and every one of them is healthy (no allocation: the scheduler asks often).
    pub fn owner_all_healthy(&self, owner: &str) -> bool {
        let Some(keys) = self.owners.get(owner).filter(|k| !k.is_empty()) else { return false };
        keys.iter().all(|(tg, id, port)| self.target_groups.get(tg).and_then(|g| g.find(id, *port).ok().map(|i| g.targets[i].state)) == Some(HealthState::Healthy))
    }

    /// Per-minute metrics of a load balancer (oldest first).
    pub fn lb_metric_points(&self, lb_arn: &str) -> Vec<MetricPoint> {
        self.lb_metrics.get(lb_arn).map(|s| s.points.iter().cloned().collect()).unwrap_or_default()
    }

    /// The newest finished minute of a load balancer's metrics (without copying the others).
    pub fn lb_last_point(&self, lb_arn: &str) -> Option<&MetricPoint> {
        self.lb_metrics.get(lb_arn).and_then(|s| s.points.back())
    }

    /// The newest finished minute of a target group's metrics (without copying the others).
    pub fn tg_last_point(&self, tg_arn: &str) -> Option<&MetricPoint> {
        self.tg_metrics.get(tg_arn).and_then(|s| s.points.back())
    }

    /// Per-minute metrics of a target group (oldest first).
    pub fn tg_metric_points(&self, tg_arn: &str) -> Vec<MetricPoint> {
        self.tg_metrics.get(tg_arn).map(|s| s.points.iter().cloned().collect()).unwrap_or_default()
    }
}
