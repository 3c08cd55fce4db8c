//! Target health checks and aggregate traffic: one `step` per 1–10 s of sim time, O(targets).
//!
//! Health (ALBDG/NLBDG target-group-health-checks.md): a check every `HealthCheckIntervalSeconds`;
//! a new target needs one passing check (ALBDG) to become healthy; `UnhealthyThresholdCount`
//! consecutive failures make a target unhealthy; `HealthyThresholdCount` consecutive successes make
//! an unhealthy target healthy. Routing goes to healthy targets in enabled, not disrupted zones; if a
//! group has only unhealthy targets the load balancer fails open across them (ALBDG: "route requests
//! across its unhealthy targets"; NLBDG: all enabled zones when none has a healthy target).
//!
//! Every request is counted exactly once: `target_2xx` (a target answered below 500), `target_5xx`,
//! `elb_5xx` (503 no routable target, 504 idle timeout / queue overflow) or `elb_other` (redirect or
//! fixed-response answered by the load balancer itself).

use crate::table::Table;

use super::metrics::{LatencyHist, TrafficTotals, MINUTE_MS};
use super::model::*;
use super::rules::{choose_actions, Action, Condition, RequestView};
use crate::rng::Prng;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthTransition {
    pub at_ms: u64,
    pub tg_arn: String,
    pub target_id: String,
    pub port: u16,
    pub owner: String,
    pub from: HealthState,
    pub to: HealthState,
    pub reason: Option<&'static str>,
    pub description: Option<String>,
}

impl HealthTransition {
    /// The ECS service event for an unhealthy transition, e.g.
    /// `(service web) (task 1234) (port 80) is unhealthy in (target-group arn:...) due to (reason Health checks failed).`
    /// `instance`: `Some("i-...")` for `instance` target groups (the event names the instance then).
    pub fn service_event(&self, service: &str, instance: Option<&str>) -> Option<String> {
        if self.to != HealthState::Unhealthy {
            return None;
        }
        let who = match instance {
            Some(i) => format!("(instance {i})"),
            None => format!("(task {})", self.owner),
        };
        Some(format!(
            "(service {service}) {who} (port {}) is unhealthy in (target-group {}) due to (reason {}).",
            self.port,
            self.tg_arn,
            self.description.as_deref().unwrap_or("Health checks failed")
        ))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemovedTarget {
    pub at_ms: u64,
    pub tg_arn: String,
    pub target_id: String,
    pub port: u16,
    pub owner: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetShare {
    pub lb_arn: String,
    pub tg_arn: String,
    pub target_id: String,
    pub port: u16,
    pub owner: String,
    pub requests: u64,
    pub latency_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StepReport {
    pub transitions: Vec<HealthTransition>,
    pub removed: Vec<RemovedTarget>,
    /// Requests per target in this window (only when [`ElbState::collect_shares`]).
    pub shares: Vec<TargetShare>,
    pub totals: TrafficTotals,
}

/// One CloudWatch-style minute.
/// AWS's description text for a reason code (ALBDG/NLBDG reason-code tables).
pub(crate) fn describe_reason(code: &str, http_code: u16) -> String {
    match code {
        "Elb.InitialHealthChecking" => "Initial health checks in progress".into(),
        "Elb.InternalError" => "Health checks failed due to an internal error".into(),
        "Elb.RegistrationInProgress" => "Target registration is in progress".into(),
        "Target.DeregistrationInProgress" => "Target deregistration is in progress".into(),
        "Target.FailedHealthChecks" => "Health checks failed".into(),
        "Target.NotRegistered" => "Target is not registered to the target group".into(),
        "Target.NotInUse.Group" => "Target group is not configured to receive traffic from the load balancer".into(),
        "Target.NotInUse.Zone" => "Target is in an Availability Zone that is not enabled for the load balancer".into(),
        "Target.ResponseCodeMismatch" => format!("Health checks failed with these codes: [{http_code}]"),
        "Target.Timeout" => "Request timed out".into(),
        "Target.HealthCheckDisabled" => "Health checks are disabled".into(), // [UNVERIFIED] text
        _ => String::new(),
    }
}

/// Splits `n` over `weights` by largest remainder; ties broken from `rotate` on, so repeated small
/// windows still spread evenly. Zero total weight gives all zeros.
pub(crate) fn apportion(n: u64, weights: &[u64], rotate: u32) -> Vec<u64> {
    let total: u64 = weights.iter().sum();
    let len = weights.len();
    if total == 0 || len == 0 {
        return vec![0; len];
    }
    if weights.iter().all(|&w| w == weights[0]) {
        // Equal weights (round robin, the common case): O(n) without sorting; the remainder goes to
        // `n % len` targets starting at the rotation point, matching the general path's tie order.
        let (q, r) = (n / len as u64, n % len as u64);
        let start = rotate as u64 % len as u64;
        // A target's place after the rotation point, `(i + len - start) % len`, without a division per target.
        let len = len as u64;
        return (0..len).map(|i| q + u64::from(if i >= start { i - start } else { i + len - start } < r)).collect();
    }
    let mut out: Vec<u64> = Vec::with_capacity(len);
    let mut rems: Vec<(u64, u32)> = Vec::with_capacity(len);
    let mut given = 0u64;
    for (i, &w) in weights.iter().enumerate() {
        let prod = n as u128 * w as u128;
        let q = (prod / total as u128) as u64;
        let r = (prod % total as u128) as u64;
        out.push(q);
        given += q;
        let order = ((i as u64 + len as u64 - (rotate as u64 % len as u64)) % len as u64) as u32;
        if w > 0 {
            rems.push((r, order));
        }
    }
    let mut left = n - given;
    crate::order::sort_by(&mut rems, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let rot = rotate as u64 % len as u64;
    for (_, order) in rems {
        if left == 0 {
            break;
        }
        let i = ((order as u64 + rot) % len as u64) as usize;
        out[i] += 1;
        left -= 1;
    }
    out
}

fn rate_at(p: &LoadProfile, set_at: u64, t: u64) -> u64 {
    match p.kind {
        LoadShape::Constant { rps } => rps as u64,
        LoadShape::Ramp { from, to, over_ms } => {
            let el = t.saturating_sub(set_at);
            if over_ms == 0 || el >= over_ms {
                to as u64
            } else {
                let (f, tt) = (from as i64, to as i64);
                (f + (tt - f) * el as i64 / over_ms as i64).max(0) as u64
            }
        }
        LoadShape::DailyCycle { min, max } => {
            let day = 86_400_000u64;
            let x = (t % day) as u128; // 0..day
            let s = 4 * x * (day as u128 - x); // 0..day^2
            let span = max.saturating_sub(min) as u128;
            min as u64 + (span * s / (day as u128 * day as u128)) as u64
        }
        LoadShape::Spike { base, peak, at_ms, duration_ms } => {
            if t >= at_ms && t < at_ms.saturating_add(duration_ms) {
                peak as u64
            } else {
                base as u64
            }
        }
    }
}

/// Whether a target in `az` is in a zone enabled for its group's load balancers `lb_arns`: any zone when none
/// has a zone, and `all` (a target outside the VPC) always. The same test as [`ElbState::refresh_topology`]'s.
pub(crate) fn zone_enabled(lb_arns: &[String], load_balancers: &Table<String, LoadBalancer>, az: &str) -> bool {
    let mut azs = lb_arns.iter().filter_map(|l| load_balancers.get(l)).flat_map(|l| l.azs()).peekable();
    azs.peek().is_none() || azs.any(|a| a == az) || az == "all"
}

impl ElbState {
    /// Recomputes which groups are in use, by which load balancers, and each target's zone enablement.
    fn refresh_topology(&mut self) {
        let mut users: Table<String, Vec<String>> = Table::new();
        for l in self.listeners.values() {
            let rule_actions = self.rules.values().filter(|r| r.listener_arn == l.arn).flat_map(|r| r.actions.iter());
            for a in l.default_actions.iter().chain(rule_actions) {
                for tg in a.target_groups() {
                    let e = users.get_or_default(tg.to_string());
                    if !e.contains(&l.lb_arn) {
                        e.push(l.lb_arn.clone());
                    }
                }
            }
        }
        for lb in self.load_balancers.values() {
            if let Some(tg) = &lb.classic_tg {
                if !lb.classic_listeners.is_empty() {
                    users.get_or_default(tg.clone()).push(lb.arn.clone());
                }
            }
        }
        for (arn, tg) in self.target_groups.iter_mut() {
            let lbs = users.remove(arn).unwrap_or_default();
            let azs: Vec<String> =
                lbs.iter().filter_map(|l| self.load_balancers.get(l)).flat_map(|l| l.azs().map(str::to_string)).collect();
            tg.in_use = !lbs.is_empty();
            tg.lb_arns = lbs;
            for t in tg.targets.iter_mut() {
                t.az_enabled = azs.is_empty() || azs.iter().any(|a| a == &t.az) || t.az == "all";
            }
        }
        self.topology_dirty = false;
    }

    /// Advances health checks and draining due in `[now_ms, now_ms + dt_ms)` and routes that window's requests.
    pub fn step(&mut self, now_ms: u64, dt_ms: u64, rng: &mut Prng) -> StepReport {
        if self.topology_dirty {
            self.refresh_topology();
        }
        let end = now_ms.saturating_add(dt_ms);
        let mut report = StepReport::default();
        self.step_health(now_ms, end, &mut report);
        self.step_traffic(now_ms, dt_ms, rng, &mut report);
        report
    }

    fn step_health(&mut self, now_ms: u64, end: u64, report: &mut StepReport) {
        let one_check = self.initial_needs_one_check;
        for (arn, tg) in self.target_groups.iter_mut() {
            let hc = tg.health.clone();
            let in_use = tg.in_use;
            let alb_reasons = hc.matcher.is_some();
            let slow_ms = tg.attrs.slow_start_s as u64 * 1000;
            let mut removed_any = false;
            // The matcher's answer for the last code asked (the targets of a group mostly answer alike).
            let mut matched: Option<(u16, bool)> = None;
            let mut code_matches = |code: u16| match matched {
                Some((c, ok)) if c == code => ok,
                _ => matched.insert((code, hc.code_matches(code))).1,
            };
            for idx in 0..tg.targets.len() {
                let t = &mut tg.targets[idx];
                let from = t.state;
                if let Some(until) = t.drain_until_ms {
                    if until < end {
                        report.removed.push(RemovedTarget {
                            at_ms: until.max(now_ms),
                            tg_arn: arn.clone(),
                            target_id: t.id.clone(),
                            port: t.port,
                            owner: t.owner.clone(),
                        });
                        removed_any = true;
                    }
                    continue;
                }
                // Unused: the group gets no traffic from a load balancer, or the zone is not enabled.
                if !in_use || !t.az_enabled {
                    if t.state != HealthState::Unused {
                        let key = if !in_use { "Target.NotInUse.Group" } else { "Target.NotInUse.Zone" };
                        t.state = HealthState::Unused;
                        t.reason = Some("Target.NotInUse");
                        t.description = Some(describe_reason(key, 0));
                        t.consecutive_ok = 0;
                        t.consecutive_fail = 0;
                        t.slow_start = None;
                        t.websockets = 0;
                        push_transition(report, arn, t, from, now_ms);
                    }
                    continue;
                }
                if !hc.enabled {
                    if t.state != HealthState::Unavailable {
                        t.state = HealthState::Unavailable;
                        t.reason = Some("Target.HealthCheckDisabled");
                        t.description = Some(describe_reason("Target.HealthCheckDisabled", 0));
                        push_transition(report, arn, t, from, now_ms);
                    }
                    continue;
                }
                if t.state == HealthState::Unused || t.state == HealthState::Unavailable {
                    t.state = HealthState::Initial;
                    t.reason = Some("Elb.InitialHealthChecking");
                    t.description = Some(describe_reason("Elb.InitialHealthChecking", 0));
                    t.next_check_ms = t.next_check_ms.max(now_ms);
                    push_transition(report, arn, t, from, now_ms);
                }
                let mut guard = 0;
                while t.next_check_ms < end && guard < 64 {
                    guard += 1;
                    let at = t.next_check_ms;
                    t.next_check_ms = at + hc.interval_s.max(1) as u64 * 1000;
                    if t.state == HealthState::Initial && t.reason == Some("Elb.RegistrationInProgress") {
                        t.reason = Some("Elb.InitialHealthChecking");
                        t.description = Some(describe_reason("Elb.InitialHealthChecking", 0));
                    }
                    // The check itself.
                    let timeout_ms = hc.timeout_s as u64 * 1000;
                    let b = t.behavior;
                    let latency = 1 + b.extra_latency_ms as u64;
                    let code = if b.healthy { 200 } else { b.response_code };
                    let failure: Option<(&'static str, u16)> = if t.zone_down || t.path_blocked || b.timeout || latency >= timeout_ms {
                        Some(("Target.Timeout", 0))
                    } else if !code_matches(code) || (!b.healthy && hc.matcher.is_none() && code == 0) {
                        Some(("Target.ResponseCodeMismatch", code))
                    } else {
                        None
                    };
                    let done_at = at + if failure.map(|f| f.0) == Some("Target.Timeout") { timeout_ms } else { latency };
                    let before = t.state;
                    match failure {
                        None => {
                            t.consecutive_ok += 1;
                            t.consecutive_fail = 0;
                            let need = match t.state {
                                HealthState::Initial if one_check => 1,
                                _ => hc.healthy_threshold,
                            };
                            if t.state != HealthState::Healthy && t.consecutive_ok >= need {
                                t.state = HealthState::Healthy;
                                t.reason = None;
                                t.description = None;
                            }
                        }
                        Some((code_reason, http)) => {
                            t.consecutive_fail += 1;
                            t.consecutive_ok = 0;
                            if t.state != HealthState::Unhealthy && t.consecutive_fail >= hc.unhealthy_threshold {
                                t.state = HealthState::Unhealthy;
                            }
                            if t.state == HealthState::Unhealthy {
                                // ALB names the cause; NLB (TCP checks) reports Target.FailedHealthChecks.
                                let r = if alb_reasons { code_reason } else { "Target.FailedHealthChecks" };
                                t.reason = Some(r);
                                t.description = Some(describe_reason(r, http));
                                t.slow_start = None;
                                t.websockets = 0;
                            }
                        }
                    }
                    if t.state != before {
                        push_transition(report, arn, t, before, done_at);
                    }
                }
            }
            // Slow start: a target that just became healthy ramps up when at least one other healthy
            // target is not in slow start (ALBDG).
            if slow_ms > 0 {
                let found: Vec<(usize, u64)> = report
                    .transitions
                    .iter()
                    .filter(|tr| &tr.tg_arn == arn && tr.to == HealthState::Healthy)
                    .filter_map(|tr| tg.find(&tr.target_id, tr.port).ok().map(|i| (i, tr.at_ms)))
                    .collect();
                let mut newly: Vec<usize> = Vec::new();
                for (i, at) in found {
                    tg.targets[i].slow_start = Some((at, at + slow_ms));
                    newly.push(i);
                }
                let others = tg
                    .targets
                    .iter()
                    .enumerate()
                    .any(|(i, t)| t.state == HealthState::Healthy && t.slow_start.is_none() && !newly.contains(&i));
                if !others {
                    for i in newly {
                        tg.targets[i].slow_start = None;
                    }
                }
                for t in tg.targets.iter_mut() {
                    if t.slow_start.is_some_and(|(_, e)| e <= now_ms) {
                        t.slow_start = None;
                    }
                }
            }
            if removed_any {
                tg.targets.retain(|t| !t.drain_until_ms.is_some_and(|u| u < end));
            }
        }
        for r in &report.removed {
            if let Some(set) = self.owners.get_mut(&r.owner) {
                set.remove(&(r.tg_arn.clone(), r.target_id.clone(), r.port));
                if set.is_empty() {
                    self.owners.remove(&r.owner);
                }
            }
        }
    }

    fn step_traffic(&mut self, now_ms: u64, dt_ms: u64, rng: &mut Prng, report: &mut StepReport) {
        let mid = now_ms + dt_ms / 2;
        let minute = now_ms / MINUTE_MS;
        let lb_arns: Vec<String> = self.load_balancers.keys().cloned().collect();
        // Per target group: requests arriving this window, and the profile of the LB sending them.
        let mut tg_requests: Table<String, (u64, String, u32, u32)> = Table::new();
        for lb_arn in &lb_arns {
            let lb = &self.load_balancers[lb_arn];
            let tr = self.traffic.get_or_default(lb_arn.clone());
            let (profile, set_at) = match &tr.profile {
                Some(p) => (p.0.clone(), p.1),
                None => continue,
            };
            let milli = rate_at(&profile, set_at, mid) * dt_ms + tr.carry_milli;
            let n = milli / 1000;
            tr.carry_milli = milli % 1000;
            let mut totals = TrafficTotals { requests: n, ..Default::default() };
            // Request classes.
            let classes: Vec<(String, String, u32)> =
                if profile.mix.is_empty() { vec![(String::new(), "/".into(), 1)] } else { profile.mix.clone() };
            let weights: Vec<u64> = classes.iter().map(|c| c.2 as u64).collect();
            let per_class = apportion(n, &weights, (now_ms / dt_ms.max(1)) as u32);
            // The entry listener: the lowest port whose actions can forward, else the lowest port.
            let mut ls: Vec<&Listener> = self.listeners.values().filter(|l| &l.lb_arn == lb_arn).collect();
            crate::order::sort_by_key(&mut ls, |l| l.port);
            let forwards = |l: &Listener| {
                l.default_actions.iter().any(|a| matches!(a, Action::Forward { .. }))
                    || self.rules.values().any(|r| r.listener_arn == l.arn && r.actions.iter().any(|a| matches!(a, Action::Forward { .. })))
            };
            let entry = ls.iter().find(|l| forwards(l)).or(ls.first()).copied();
            let mut add = |tg: &str, k: u64| {
                let e = tg_requests.get_or_insert_with(tg.to_string(), || (0, lb_arn.clone(), profile.cpu_ms_per_request, profile.websocket_fraction_per_mille));
                e.0 += k;
            };
            match (lb.lb_type, entry, &lb.classic_tg) {
                (LbType::Classic, _, Some(tg)) => add(tg, n),
                (_, Some(l), _) => {
                    let mut rs: Vec<&Rule> = self.rules.values().filter(|r| r.listener_arn == l.arn).collect();
                    crate::order::sort_by_key(&mut rs, |r| r.priority);
                    let table: Vec<(u32, &[Condition], &[Action])> =
                        rs.iter().map(|r| (r.priority, r.conditions.as_slice(), r.actions.as_slice())).collect();
                    for (c, k) in classes.iter().zip(per_class) {
                        if k == 0 {
                            continue;
                        }
                        let req = RequestView::new(&c.0, &c.1);
                        let actions = choose_actions(&table, &l.default_actions, &req);
                        match actions.last() {
                            Some(Action::Forward { groups, .. }) => {
                                let ws: Vec<u64> = groups.iter().map(|g| g.1 as u64).collect();
                                if ws.iter().all(|w| *w == 0) {
                                    totals.elb_5xx += k; // every weight 0: nothing to forward to [UNVERIFIED]
                                } else {
                                    for (g, m) in groups.iter().zip(apportion(k, &ws, minute as u32)) {
                                        if m > 0 {
                                            add(&g.0, m);
                                        }
                                    }
                                }
                            }
                            Some(_) => totals.elb_other += k,
                            None => totals.elb_5xx += k,
                        }
                    }
                }
                _ => totals.elb_5xx += n,
            }
            tr.totals.add(&totals);
            report.totals.add(&totals);
            let series = self.lb_metrics.get_or_default(lb_arn.clone());
            series.roll(minute, 0, 0);
            series.cur.add(&totals);
        }
        // Serve per target group.
        let idle = self.idle_timeout_ms;
        let collect = self.collect_shares;
        let mut lb_active: Table<String, u64> = Table::new();
        for (tg_arn, tg) in self.target_groups.iter_mut() {
            let (n, lb_arn, cpu_ms, ws_frac) = tg_requests.remove(tg_arn).unwrap_or((0, String::new(), 10, 0));
            let lb = tg.lb_arns.first().and_then(|a| self.load_balancers.get(a));
            let lb_azs: Vec<&str> = lb.map(|l| l.azs().collect()).unwrap_or_default();
            let cross_zone = match tg.attrs.cross_zone.as_str() {
                "true" => true,
                "false" => false,
                _ => lb.map_or(true, |l| l.cross_zone),
            };
            let mut out = TrafficTotals::default();
            let mut hist = LatencyHist::default();
            // One pass over the targets: connections decay, the step's requests are reset, the healthy and
            // unhealthy hosts are counted, and the routable targets of either state are listed with their
            // weights (slow start, and for least outstanding requests the room left in each queue).
            let algorithm = tg.attrs.algorithm;
            let weight_of = |t: &Target| -> u64 {
                let w = match t.slow_start {
                    Some((s, e)) if e > s => (1000 * mid.saturating_sub(s) / (e - s)).clamp(1, 1000),
                    _ => 1000,
                };
                match algorithm {
                    Algorithm::LeastOutstandingRequests => {
                        let cap = t.capacity_rps.map_or(1_000_000, |c| c as u64 * dt_ms / 1000);
                        let free = cap.saturating_sub(t.backlog).max(1);
                        (w * free.min(1_000_000)).max(1)
                    }
                    Algorithm::RoundRobin | Algorithm::WeightedRandom => w,
                }
            };
            let (mut healthy, mut unhealthy) = (Routable::default(), Routable::default());
            // The active connections of every target as if it got no request this step; the targets that do
            // add theirs when served.
            let mut active = 0u64;
            for (i, t) in tg.targets.iter_mut().enumerate() {
                t.last_requests = 0;
                t.last_answered = 0;
                // Long-lived connections decay (mean life 5 min) and vanish when the target leaves service.
                if t.websockets > 0 {
                    let decay = (t.websockets * dt_ms / 300_000).max(1);
                    t.websockets -= decay.min(t.websockets);
                    if t.zone_down {
                        t.websockets = 0;
                    }
                    active += t.websockets;
                }
                let routable = !t.zone_down && t.az_enabled && t.drain_until_ms.is_none();
                match t.state {
                    HealthState::Healthy => {
                        healthy.n_hosts += 1;
                        if routable {
                            healthy.push(i, weight_of(t));
                        }
                    }
                    HealthState::Unhealthy => {
                        unhealthy.n_hosts += 1;
                        if routable {
                            unhealthy.push(i, weight_of(t));
                        }
                    }
                    _ => {}
                }
            }
            let (h, u) = (healthy.n_hosts, unhealthy.n_hosts);
            let Routable { targets: cands, mut weights, .. } = if healthy.targets.is_empty() { unhealthy } else { healthy };
            if n > 0 && cands.is_empty() {
                out.elb_5xx += n; // 503: no registered, routable target
            } else if n > 0 {
                if algorithm == Algorithm::WeightedRandom {
                    for w in weights.iter_mut() {
                        *w = *w * (500 + rng.below(1001) as u64) / 1000;
                    }
                }
                if lb.map(|l| l.lb_type) == Some(LbType::Network) {
                    // Flow hash: each new flow lands uniformly; in aggregate a small per-window jitter.
                    for w in weights.iter_mut() {
                        *w = *w * (900 + rng.below(201) as u64) / 1000;
                    }
                }
                let shares = if cross_zone {
                    apportion(n, &weights, tg.rr_cursor)
                } else {
                    // Each enabled zone with a candidate gets an equal share (DNS per zone), split inside it.
                    let mut zones: Vec<&str> = cands.iter().map(|&i| tg.targets[i].az.as_str()).collect();
                    crate::order::sort(&mut zones);
                    zones.dedup();
                    if !lb_azs.is_empty() {
                        zones.retain(|z| lb_azs.contains(z));
                    }
                    let per_zone = apportion(n, &vec![1; zones.len()], tg.rr_cursor);
                    let mut s = vec![0u64; cands.len()];
                    for (z, zn) in zones.iter().zip(per_zone) {
                        let idxs: Vec<usize> = (0..cands.len()).filter(|&k| tg.targets[cands[k]].az == *z).collect();
                        let ws: Vec<u64> = idxs.iter().map(|&k| weights[k]).collect();
                        for (k, m) in idxs.iter().zip(apportion(zn, &ws, tg.rr_cursor)) {
                            s[*k] = m;
                        }
                    }
                    let given: u64 = s.iter().sum();
                    if given < n {
                        out.elb_5xx += n - given;
                    }
                    s
                };
                tg.rr_cursor = tg.rr_cursor.wrapping_add(1);
                for (&i, a) in cands.iter().zip(shares) {
                    let t = &mut tg.targets[i];
                    t.last_requests = a;
                    t.total_requests += a;
                    if a == 0 {
                        continue;
                    }
                    let b = t.behavior;
                    if b.timeout || t.path_blocked {
                        out.elb_5xx += a; // 504 after the idle timeout
                        out.elb_504 += a;
                        t.last_latency_ms = idle;
                        active += a * idle / dt_ms.max(1);
                        continue;
                    }
                    let service = cpu_ms.max(1) as u64 + b.extra_latency_ms as u64 + t.workload.latency_ms as u64;
                    let (served_now, latency) = match t.capacity_rps {
                        None => (a, service),
                        Some(cap_rps) => {
                            let cap_milli = cap_rps as u64 * dt_ms + t.capacity_carry;
                            let cap = cap_milli / 1000;
                            t.capacity_carry = cap_milli % 1000;
                            let max_backlog = cap_rps as u64 * idle / 1000;
                            let room = (max_backlog + cap).saturating_sub(t.backlog);
                            let accepted = a.min(room);
                            out.elb_5xx += a - accepted; // queued past the idle timeout: 504
                            out.elb_504 += a - accepted;
                            let q = t.backlog + accepted;
                            let served = q.min(cap);
                            t.backlog = q - served;
                            let wait = if cap_rps == 0 { idle } else { t.backlog * 1000 / cap_rps as u64 };
                            (accepted, service + wait.min(idle))
                        }
                    };
                    // No answer takes the idle timeout (60 s by default) or longer: the load balancer closes the
                    // connection and answers 504 instead (ELBUG "HTTP 504: Gateway timeout"), so no response time
                    // is ever past it. Of the spread around `latency`, the part at or past the timeout is a 504.
                    let n_timed_out = hist.add_latency(latency, served_now, idle);
                    out.elb_5xx += n_timed_out;
                    out.elb_504 += n_timed_out;
                    t.last_latency_ms = latency.min(idle);
                    t.last_answered = served_now - n_timed_out;
                    if (b.healthy || b.response_code < 500) && !t.workload.fails {
                        out.target_2xx += served_now - n_timed_out;
                    } else {
                        out.target_5xx += served_now - n_timed_out;
                    }
                    if ws_frac > 0 {
                        let new_websockets = a * ws_frac as u64 / 1000;
                        t.websockets += new_websockets;
                        active += new_websockets;
                    }
                    active += a * t.last_latency_ms / dt_ms.max(1);
                    if collect {
                        report.shares.push(TargetShare {
                            lb_arn: lb_arn.clone(),
                            tg_arn: tg_arn.clone(),
                            target_id: t.id.clone(),
                            port: t.port,
                            owner: t.owner.clone(),
                            requests: a,
                            latency_ms: latency,
                        });
                    }
                }
            }
            out.requests = 0; // requests were counted at the load balancer
            report.totals.target_2xx += out.target_2xx;
            report.totals.target_5xx += out.target_5xx;
            report.totals.elb_5xx += out.elb_5xx;
            report.totals.elb_504 += out.elb_504;
            let series = self.tg_metrics.get_or_default(tg_arn.clone());
            series.roll(minute, h, u);
            series.cur.requests += n;
            series.cur.add(&out);
            series.active_max = series.active_max.max(active);
            series.add_hist(&hist);
            if let Some(lbm) = self.lb_metrics.get_mut(&lb_arn) {
                lbm.cur.add(&out);
                *lb_active.get_or_default(lb_arn.clone()) += active;
                lbm.add_hist(&hist);
            }
            if let Some(tr) = self.traffic.get_mut(&lb_arn) {
                tr.totals.add(&out);
            }
        }
        for (lb, a) in lb_active {
            if let Some(m) = self.lb_metrics.get_mut(&lb) {
                m.active_max = m.active_max.max(a);
            }
        }
    }
}

/// The routable targets of one health state in a group (indexes into its targets, with their weights), and how
/// many targets are in that state.
#[derive(Default)]
struct Routable {
    targets: Vec<usize>,
    weights: Vec<u64>,
    n_hosts: u32,
}

impl Routable {
    fn push(&mut self, target: usize, weight: u64) {
        self.targets.push(target);
        self.weights.push(weight);
    }
}

fn push_transition(report: &mut StepReport, arn: &str, t: &Target, from: HealthState, at: u64) {
    report.transitions.push(HealthTransition {
        at_ms: at,
        tg_arn: arn.to_string(),
        target_id: t.id.clone(),
        port: t.port,
        owner: t.owner.clone(),
        from,
        to: t.state,
        reason: t.reason,
        description: t.description.clone(),
    });
}
