//! Per-minute traffic metrics of load balancers and target groups: request counts by outcome, latency
//! percentiles from a fixed log-scale histogram, healthy and unhealthy host counts, the newest
//! [`METRIC_MINUTES`] minutes kept.

use std::collections::VecDeque;

/// 24 h of one-minute points.
pub const METRIC_MINUTES: usize = 1440;
pub(super) const MINUTE_MS: u64 = 60_000;
const BUCKETS: usize = 16 + 8 * 20;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TrafficTotals {
    pub requests: u64,
    pub target_2xx: u64,
    pub target_5xx: u64,
    pub elb_5xx: u64,
    /// Of `elb_5xx`, the 504s (`HTTPCode_ELB_504_Count`): a target that did not answer within the load
    /// balancer's idle timeout, or whose queue was full for longer than it.
    pub elb_504: u64,
    pub elb_other: u64,
}

impl TrafficTotals {
    pub fn accounted(&self) -> u64 {
        self.target_2xx + self.target_5xx + self.elb_5xx + self.elb_other
    }
    pub(super) fn add(&mut self, o: &TrafficTotals) {
        self.requests += o.requests;
        self.target_2xx += o.target_2xx;
        self.target_5xx += o.target_5xx;
        self.elb_5xx += o.elb_5xx;
        self.elb_504 += o.elb_504;
        self.elb_other += o.elb_other;
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct MetricPoint {
    pub minute_start_ms: u64,
    pub request_count: u64,
    pub target_2xx: u64,
    pub target_5xx: u64,
    pub elb_5xx: u64,
    /// Of `elb_5xx`, the 504s (`HTTPCode_ELB_504_Count`).
    pub elb_504: u64,
    pub elb_other: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub healthy_hosts: u32,
    pub unhealthy_hosts: u32,
    pub active_connections: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MetricSeries {
    pub points: VecDeque<MetricPoint>,
    cur_minute: u64,
    pub(super) cur: TrafficTotals,
    hist: LatencyHist,
    pub(super) active_max: u64,
}

impl Default for MetricSeries {
    fn default() -> Self {
        MetricSeries { points: VecDeque::new(), cur_minute: u64::MAX, cur: TrafficTotals::default(), hist: LatencyHist::default(), active_max: 0 }
    }
}

/// Response counts by latency bucket (the fixed log-scale buckets of [`bucket`]), and one more slot,
/// [`BUCKETS`], that takes the parts past the idle timeout and is never read.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct LatencyHist {
    counts: [u64; BUCKETS + 1],
    /// The latency and idle timeout last added, and the slot of each part of its spread (the targets of a
    /// group mostly answer alike, so the buckets are worked out once per latency).
    last: Option<(u64, u64)>,
    last_slots: [usize; 4],
    /// The count last added at that latency, the count of each part of its spread, and how many of them timed
    /// out (worked out again only when the count changes).
    last_count: Option<u64>,
    last_parts: [u64; 4],
    last_timed_out: u64,
}

impl Default for LatencyHist {
    fn default() -> Self {
        LatencyHist { counts: [0; BUCKETS + 1], last: None, last_slots: [BUCKETS; 4], last_count: None, last_parts: [0; 4], last_timed_out: 0 }
    }
}

impl LatencyHist {
    /// Adds `count` responses around `latency_ms` with the fixed spread of [`latency_spread`]: the parts at or past
    /// `idle_timeout_ms` are left out (the load balancer answered them 504). Returns how many those are, as
    /// [`timed_out`] counts them.
    pub(super) fn add_latency(&mut self, latency_ms: u64, count: u64, idle_timeout_ms: u64) -> u64 {
        if self.last != Some((latency_ms, idle_timeout_ms)) {
            self.last = Some((latency_ms, idle_timeout_ms));
            self.last_slots = latency_spread(latency_ms, 0).map(|(ms, _)| if ms < idle_timeout_ms { bucket(ms) } else { BUCKETS });
            self.last_count = None;
        }
        if self.last_count != Some(count) {
            self.last_count = Some(count);
            self.last_parts = latency_spread(latency_ms, count).map(|(_, n)| n);
            self.last_timed_out = timed_out(latency_ms, count, idle_timeout_ms);
        }
        let [n0, n1, n2, n3] = self.last_parts;
        let [s0, s1, s2, s3] = self.last_slots;
        self.counts[s0] += n0;
        self.counts[s1] += n1;
        self.counts[s2] += n2;
        self.counts[s3] += n3;
        self.last_timed_out
    }

    /// Adds every count of `other`.
    pub(super) fn merge(&mut self, other: &LatencyHist) {
        for (c, o) in self.counts.iter_mut().zip(other.counts.iter()) {
            *c += o;
        }
    }

    /// The counts of the buckets (without the slot past the idle timeout).
    fn buckets(&self) -> &[u64] {
        &self.counts[..BUCKETS]
    }

    fn clear(&mut self) {
        self.counts = [0; BUCKETS + 1];
    }
}

fn bucket(ms: u64) -> usize {
    if ms < 16 {
        return ms as usize;
    }
    let octave = 63 - ms.leading_zeros() as u64; // >= 4
    let sub = (ms >> (octave - 3)) & 7;
    ((16 + (octave - 4) * 8 + sub) as usize).min(BUCKETS - 1)
}

fn bucket_value(b: usize) -> u64 {
    if b < 16 {
        return b as u64;
    }
    let octave = (b as u64 - 16) / 8 + 4;
    let sub = (b as u64 - 16) % 8;
    ((8 + sub) << (octave - 3)) + (1u64 << (octave - 3)) / 2
}

impl MetricSeries {
    pub(super) fn roll(&mut self, minute: u64, healthy: u32, unhealthy: u32) {
        if self.cur_minute == minute {
            return;
        }
        if self.cur_minute != u64::MAX {
            let total: u64 = self.hist.buckets().iter().sum();
            let pct = |num: u64| -> f64 {
                if total == 0 {
                    return 0.0;
                }
                let want = (total * num).div_ceil(100).max(1);
                let mut acc = 0;
                for (i, c) in self.hist.buckets().iter().enumerate() {
                    acc += c;
                    if acc >= want {
                        return bucket_value(i) as f64;
                    }
                }
                0.0
            };
            let p = MetricPoint {
                minute_start_ms: self.cur_minute * MINUTE_MS,
                request_count: self.cur.requests,
                target_2xx: self.cur.target_2xx,
                target_5xx: self.cur.target_5xx,
                elb_5xx: self.cur.elb_5xx,
                elb_504: self.cur.elb_504,
                elb_other: self.cur.elb_other,
                p50_ms: pct(50),
                p90_ms: pct(90),
                p99_ms: pct(99),
                healthy_hosts: healthy,
                unhealthy_hosts: unhealthy,
                active_connections: self.active_max,
            };
            if self.points.len() >= METRIC_MINUTES {
                self.points.pop_front();
            }
            self.points.push_back(p);
        }
        self.cur_minute = minute;
        self.cur = TrafficTotals::default();
        self.hist.clear();
        self.active_max = 0;
    }

    /// Adds `count` responses around `latency_ms` to this minute's histogram (see [`LatencyHist::add_latency`]).
    #[cfg(test)]
    pub(super) fn add_latency(&mut self, latency_ms: u64, count: u64, idle_timeout_ms: u64) {
        self.hist.add_latency(latency_ms, count, idle_timeout_ms);
    }

    /// Adds the responses of one step's histogram to this minute's.
    pub(super) fn add_hist(&mut self, hist: &LatencyHist) {
        self.hist.merge(hist);
    }
}

/// `count` responses around `latency_ms` with a fixed spread: 50 % at 0.6×, 35 % at 1×, 12 % at 2×, 3 % at 4×.
pub(super) fn latency_spread(latency_ms: u64, count: u64) -> [(u64, u64); 4] {
    let a = count * 35 / 100;
    let b = count * 12 / 100;
    let c = count * 3 / 100;
    let rest = count - a - b - c;
    [(latency_ms * 6 / 10, rest), (latency_ms, a), (latency_ms * 2, b), (latency_ms * 4, c)]
}

/// How many of `count` responses around `latency_ms` (spread as [`latency_spread`]) would take the idle timeout
/// or longer: the load balancer closes those with a 504 instead.
pub(super) fn timed_out(latency_ms: u64, count: u64, idle_timeout_ms: u64) -> u64 {
    latency_spread(latency_ms, count).iter().filter(|(ms, _)| *ms >= idle_timeout_ms).map(|(_, n)| n).sum()
}
