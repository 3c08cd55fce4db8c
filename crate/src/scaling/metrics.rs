//! A CloudWatch-style metric store (per-minute datapoints, 24 hours kept) and metric alarms evaluated
//! the way CloudWatch evaluates them (reference §10.4).
//!
//! Values are fixed-point thousandths (`i64`), so statistics and threshold comparisons are integer
//! arithmetic. Time is epoch minutes (`epoch_ms / 60_000`): the driver adds the scenario's start time.

use crate::table::Table;
use std::collections::VecDeque;

use serde_json::{json, Value};

use crate::api::{ApiError, Request};

use super::util::{iso, milli_json, milli_text, reason_time};

/// One metric sample the engine reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    pub key: MetricKey,
    pub value_milli: i64,
}

/// Minutes of datapoints kept per metric (24 hours).
pub const RETENTION_MINUTES: u64 = 24 * 60;

/// A metric's identity: namespace, name and dimensions as sorted `(name, value)` pairs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MetricKey {
    pub namespace: String,
    pub name: String,
    pub dimensions: Vec<(String, String)>,
}

impl MetricKey {
    pub fn new(namespace: &str, name: &str, dimensions: &[(&str, &str)]) -> MetricKey {
        let mut dims: Vec<(String, String)> = dimensions.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        // The engine names its dimensions in order already: sorting is then skipped (it allocates).
        if !dims.is_sorted() {
            crate::order::sort(&mut dims);
        }
        MetricKey { namespace: namespace.to_string(), name: name.to_string(), dimensions: dims }
    }

    /// A metric named in a request: its `Dimensions` member is CloudWatch's `[{"Name": .., "Value": ..}]` list
    /// (entries without both strings are skipped).
    pub fn from_request(namespace: &str, name: &str, request: &Request) -> MetricKey {
        let mut dims: Vec<(String, String)> = request
            .items("Dimensions")
            .map(|items| items.iter().filter_map(|d| Some((d.str("Name")?.to_string(), d.str("Value")?.to_string()))).collect())
            .unwrap_or_default();
        crate::order::sort(&mut dims);
        MetricKey { namespace: namespace.to_string(), name: name.to_string(), dimensions: dims }
    }

    /// The `AWS/ECS` service metric (ClusterName, ServiceName).
    pub fn ecs_service(metric: &str, cluster: &str, service: &str) -> MetricKey {
        MetricKey::new("AWS/ECS", metric, &[("ClusterName", cluster), ("ServiceName", service)])
    }
}

/// One minute of samples for one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinuteStats {
    pub minute: u64,
    pub sum: i64,
    pub count: u64,
    pub min: i64,
    pub max: i64,
}

impl MinuteStats {
    /// The statistic of these samples (thousandths; SampleCount too, as `count × 1000`).
    pub fn value(&self, stat: Statistic) -> i64 {
        match stat {
            Statistic::Average => {
                let c = self.count.max(1) as i64;
                // Round half away from zero.
                if self.sum >= 0 { (self.sum + c / 2) / c } else { (self.sum - c / 2) / c }
            }
            Statistic::Sum => self.sum,
            Statistic::Minimum => self.min,
            Statistic::Maximum => self.max,
            Statistic::SampleCount => (self.count as i64).saturating_mul(1000),
        }
    }
}

/// `Statistic` of an alarm or a customized metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Statistic {
    Average,
    Sum,
    Minimum,
    Maximum,
    SampleCount,
}

impl Statistic {
    pub fn parse(s: &str) -> Option<Statistic> {
        Some(match s {
            "Average" => Statistic::Average,
            "Sum" => Statistic::Sum,
            "Minimum" => Statistic::Minimum,
            "Maximum" => Statistic::Maximum,
            "SampleCount" => Statistic::SampleCount,
            _ => return None,
        })
    }
    pub fn as_aws(self) -> &'static str {
        match self {
            Statistic::Average => "Average",
            Statistic::Sum => "Sum",
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
            Statistic::SampleCount => "SampleCount",
        }
    }
}

/// The statistic of a metric's minutes (see [`MetricStore::minutes`]) over `[start_minute, start_minute +
/// minutes)`; `None` when no sample fell there.
pub fn stat_of(q: &VecDeque<MinuteStats>, start_minute: u64, minutes: u64, stat: Statistic) -> Option<i64> {
    let mut acc: Option<MinuteStats> = None;
    let first = q.partition_point(|s| s.minute < start_minute);
    for s in q.range(first..).take_while(|s| s.minute < start_minute + minutes) {
        acc = Some(match acc {
            None => *s,
            Some(a) => MinuteStats { minute: a.minute, sum: a.sum.saturating_add(s.sum), count: a.count + s.count, min: a.min.min(s.min), max: a.max.max(s.max) },
        });
    }
    Some(acc?.value(stat))
}

/// All metrics: per key, a queue of per-minute stats in minute order, at most 24 hours long.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetricStore {
    series: Table<MetricKey, VecDeque<MinuteStats>>,
}

impl MetricStore {
    pub fn new() -> MetricStore {
        MetricStore::default()
    }

    /// Adds one sample (thousandths) at an epoch minute. Samples older than the newest minute kept for
    /// this metric less 24 hours are dropped; samples for a past minute still kept are merged in.
    pub fn put(&mut self, key: &MetricKey, minute: u64, value_milli: i64) {
        let q = self.series.get_or_insert_cloned(key, VecDeque::new);
        let newest = q.back().map(|s| s.minute).unwrap_or(minute).max(minute);
        if minute + RETENTION_MINUTES <= newest {
            return;
        }
        // Samples arrive in time order: the newest minute is the usual case, found without a scan.
        let at = if q.back().is_none_or(|s| s.minute < minute) { q.len() } else { q.partition_point(|s| s.minute < minute) };
        match (at < q.len()).then_some(at) {
            Some(i) if q[i].minute == minute => {
                let s = &mut q[i];
                s.sum = s.sum.saturating_add(value_milli);
                s.count += 1;
                s.min = s.min.min(value_milli);
                s.max = s.max.max(value_milli);
            }
            Some(i) => q.insert(i, MinuteStats { minute, sum: value_milli, count: 1, min: value_milli, max: value_milli }),
            None => q.push_back(MinuteStats { minute, sum: value_milli, count: 1, min: value_milli, max: value_milli }),
        }
        while q.front().is_some_and(|s| s.minute + RETENTION_MINUTES <= newest) {
            q.pop_front();
        }
    }

    /// Stores the samples reported at epoch minute `now_minute`: they belong to the minute that just ended.
    pub fn put_minute(&mut self, samples: &[Sample], now_minute: u64) {
        for s in samples {
            self.put(&s.key, now_minute.saturating_sub(1), s.value_milli);
        }
    }

    /// The statistic over `[start_minute, start_minute + minutes)`; `None` when no sample fell there.
    pub fn stat(&self, key: &MetricKey, start_minute: u64, minutes: u64, stat: Statistic) -> Option<i64> {
        stat_of(self.series.get(key)?, start_minute, minutes, stat)
    }

    /// A metric's minutes, oldest first, to read several statistics of with [`stat_of`] after one search for
    /// the key.
    pub fn minutes(&self, key: &MetricKey) -> Option<&VecDeque<MinuteStats>> {
        self.series.get(key)
    }

    /// The newest `n` per-minute datapoints of a metric, oldest first: `(epoch minute, statistic)`.
    /// One pass over those `n` minutes only (the view calls it on every publish).
    pub fn recent(&self, key: &MetricKey, n: usize, stat: Statistic) -> Vec<(u64, i64)> {
        let Some(q) = self.series.get(key) else { return Vec::new() };
        q.iter().skip(q.len().saturating_sub(n)).map(|s| (s.minute, s.value(stat))).collect()
    }

    /// Per-minute datapoints of a metric (for charts): `(epoch minute, statistic)`.
    pub fn series(&self, key: &MetricKey, stat: Statistic) -> Vec<(u64, i64)> {
        let Some(q) = self.series.get(key) else { return Vec::new() };
        q.iter().filter_map(|s| self.stat(key, s.minute, 1, stat).map(|v| (s.minute, v))).collect()
    }

    pub fn keys(&self) -> impl Iterator<Item = &MetricKey> {
        self.series.keys()
    }

    /// Datapoints held in total (bounded by 1,440 per metric).
    pub fn len(&self) -> usize {
        self.series.values().map(|q| q.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }
}

/// The unit of a metric's datapoints: Percent for the `AWS/ECS` utilization and reservation metrics, Count for
/// counts, Megabytes for Container Insights memory, None otherwise (CPU units, custom metrics).
fn unit_of(key: &MetricKey) -> &'static str {
    if key.namespace.starts_with("AWS/ECS") {
        "Percent"
    } else if key.name.contains("Count") {
        "Count"
    } else if key.name.starts_with("Memory") {
        "Megabytes"
    } else {
        "None"
    }
}

/// A request's timestamp: ISO 8601 text or epoch seconds.
fn time_field(request: &Request, name: &str) -> Result<u64, ApiError> {
    match request.get(name) {
        None => Err(ApiError::new("MissingParameter", format!("The parameter {name} is required."))),
        Some(Value::Number(n)) => n.as_u64().map(|s| s.saturating_mul(1000)).ok_or_else(|| ApiError::new("InvalidParameterValue", format!("The parameter {name} must be a time."))),
        Some(v) => crate::time::parse_iso8601_ms(v.as_str().unwrap_or("")).map_err(|e| ApiError::new("InvalidParameterValue", format!("The parameter {name} is invalid: {e}"))),
    }
}

/// `cloudwatch:GetMetricStatistics`: each period's statistics of one metric from StartTime to EndTime, oldest
/// first (periods without data are left out). Error codes are CloudWatch's; the texts are [UNVERIFIED] except
/// the datapoint limit's. Percentiles (`ExtendedStatistics`) are not computed.
pub fn get_metric_statistics(store: &MetricStore, request: &Request) -> Result<Value, ApiError> {
    let invalid = |m: String| ApiError::new("InvalidParameterValue", m);
    let required = |name: &str| match request.str(name) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(ApiError::new("MissingParameter", format!("The parameter {name} is required."))),
    };
    let (namespace, name) = (required("Namespace")?, required("MetricName")?);
    let (start_ms, end_ms) = (time_field(request, "StartTime")?, time_field(request, "EndTime")?);
    if start_ms >= end_ms {
        return Err(invalid("The parameter StartTime must be less than the parameter EndTime.".into()));
    }
    if !request.contains("Period") {
        return Err(ApiError::new("MissingParameter", "The parameter Period is required."));
    }
    let period_s = match request.member("Period").input().as_u64() {
        Some(p) if p >= 60 && p % 60 == 0 => p,
        _ => return Err(invalid("The parameter Period must be a multiple of 60 (datapoints are one minute apart here).".into())),
    };
    let mut stats = Vec::new();
    for (i, text) in request.strings("Statistics").iter().enumerate() {
        let stat = Statistic::parse(text).ok_or_else(|| invalid(format!("The parameter Statistics.member.{} must be a value in the set [ Average, Sum, SampleCount, Maximum, Minimum ].", i + 1)))?;
        stats.push(stat);
    }
    if stats.is_empty() {
        return Err(ApiError::new("InvalidParameterCombination", "Must specify either Statistics or ExtendedStatistics, but not both."));
    }
    let period_min = period_s / 60;
    let (first, last) = (start_ms / 60_000, end_ms.div_ceil(60_000));
    let n_periods = (last - first).div_ceil(period_min);
    if n_periods * stats.len() as u64 > 1440 {
        return Err(ApiError::new(
            "InvalidParameterCombination",
            format!("You have requested up to {} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.", n_periods * stats.len() as u64),
        ));
    }
    let key = MetricKey::from_request(namespace, name, request);
    let mut datapoints = Vec::new();
    for i in 0..n_periods {
        let minute = first + i * period_min;
        let mut point = serde_json::Map::new();
        for stat in &stats {
            if let Some(v) = store.stat(&key, minute, period_min, *stat) {
                point.insert(stat.as_aws().into(), milli_json(v));
            }
        }
        if !point.is_empty() {
            point.insert("Timestamp".into(), json!(iso(minute * 60_000)));
            point.insert("Unit".into(), json!(unit_of(&key)));
            datapoints.push(Value::Object(point));
        }
    }
    Ok(json!({ "Label": name, "Datapoints": datapoints }))
}

/// `cloudwatch:ListMetrics`: the metrics with datapoints kept, filtered by Namespace, MetricName and Dimensions
/// (each a Name, with or without a Value), in one page.
pub fn list_metrics(store: &MetricStore, request: &Request) -> Value {
    let namespace = request.str("Namespace");
    let name = request.str("MetricName");
    let filters: Vec<(&str, Option<&str>)> = request.items("Dimensions").into_iter().flatten().filter_map(|d| Some((d.str("Name")?, d.str("Value")))).collect();
    let metrics: Vec<Value> = store
        .keys()
        .filter(|k| namespace.is_none_or(|n| k.namespace == n) && name.is_none_or(|n| k.name == n))
        .filter(|k| filters.iter().all(|(n, v)| k.dimensions.iter().any(|(kn, kv)| kn == n && v.is_none_or(|v| kv == v))))
        .map(|k| json!({ "Namespace": k.namespace, "MetricName": k.name, "Dimensions": k.dimensions.iter().map(|(n, v)| json!({ "Name": n, "Value": v })).collect::<Vec<_>>() }))
        .collect();
    json!({ "Metrics": metrics })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Comparison {
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl Comparison {
    pub fn parse(s: &str) -> Option<Comparison> {
        Some(match s {
            "GreaterThanOrEqualToThreshold" => Comparison::GreaterThanOrEqualToThreshold,
            "GreaterThanThreshold" => Comparison::GreaterThanThreshold,
            "LessThanThreshold" => Comparison::LessThanThreshold,
            "LessThanOrEqualToThreshold" => Comparison::LessThanOrEqualToThreshold,
            _ => return None,
        })
    }
    pub fn as_aws(self) -> &'static str {
        match self {
            Comparison::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Comparison::GreaterThanThreshold => "GreaterThanThreshold",
            Comparison::LessThanThreshold => "LessThanThreshold",
            Comparison::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }
    fn words(self) -> &'static str {
        match self {
            Comparison::GreaterThanOrEqualToThreshold => "greater than or equal to",
            Comparison::GreaterThanThreshold => "greater than",
            Comparison::LessThanThreshold => "less than",
            Comparison::LessThanOrEqualToThreshold => "less than or equal to",
        }
    }
    pub fn breaches(self, value: i64, threshold: i64) -> bool {
        match self {
            Comparison::GreaterThanOrEqualToThreshold => value >= threshold,
            Comparison::GreaterThanThreshold => value > threshold,
            Comparison::LessThanThreshold => value < threshold,
            Comparison::LessThanOrEqualToThreshold => value <= threshold,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TreatMissing {
    Missing,
    Ignore,
    Breaching,
    NotBreaching,
}

impl TreatMissing {
    pub fn parse(s: &str) -> Option<TreatMissing> {
        Some(match s {
            "missing" => TreatMissing::Missing,
            "ignore" => TreatMissing::Ignore,
            "breaching" => TreatMissing::Breaching,
            "notBreaching" => TreatMissing::NotBreaching,
            _ => return None,
        })
    }
    pub fn as_aws(self) -> &'static str {
        match self {
            TreatMissing::Missing => "missing",
            TreatMissing::Ignore => "ignore",
            TreatMissing::Breaching => "breaching",
            TreatMissing::NotBreaching => "notBreaching",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlarmState {
    Ok,
    Alarm,
    InsufficientData,
}

impl AlarmState {
    pub fn as_aws(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// A metric alarm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alarm {
    pub name: String,
    pub arn: String,
    pub description: String,
    pub metric: MetricKey,
    pub statistic: Statistic,
    /// Seconds; a multiple of 60 here (sub-minute periods are not modelled).
    pub period_s: u64,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: u32,
    pub threshold_milli: i64,
    pub comparison: Comparison,
    pub treat_missing: TreatMissing,
    /// Scaling policy ARNs (and other actions) run while the alarm is in ALARM.
    pub alarm_actions: Vec<String>,
    pub ok_actions: Vec<String>,
    pub insufficient_data_actions: Vec<String>,
    /// `ActionsEnabled` (default true): with false, state changes run no actions.
    pub actions_enabled: bool,
    pub state: AlarmState,
    pub state_reason: String,
    /// `StateReasonData`: the JSON text CloudWatch writes with a threshold reason (empty otherwise).
    pub state_reason_data: String,
    pub state_updated_ms: u64,
    /// When the state last changed value (`StateTransitionedTimestamp`); `SetAlarmState` to the same state
    /// updates `state_updated_ms` only.
    pub state_transitioned_ms: u64,
    /// When the configuration was last put (`AlarmConfigurationUpdatedTimestamp`).
    pub configuration_updated_ms: u64,
    pub unit: Option<String>,
}

/// A change of an alarm's state, for the engine's event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlarmTransition {
    pub alarm: String,
    pub from: AlarmState,
    pub to: AlarmState,
    /// The reason of the state left, and its data (for the history's `oldState`).
    pub from_reason: String,
    pub from_reason_data: String,
    pub reason: String,
    /// `StateReasonData` of the new state (empty for a reason without data).
    pub reason_data: String,
    pub at_epoch_ms: u64,
}

impl Alarm {
    /// A new alarm starts in INSUFFICIENT_DATA.
    #[allow(clippy::too_many_arguments)]
    pub fn new(name: &str, arn: String, metric: MetricKey, statistic: Statistic, period_s: u64, evaluation_periods: u32, datapoints_to_alarm: u32, threshold_milli: i64, comparison: Comparison, now_epoch_ms: u64) -> Alarm {
        Alarm {
            name: name.to_string(),
            arn,
            description: String::new(),
            metric,
            statistic,
            period_s: period_s.max(60),
            evaluation_periods: evaluation_periods.max(1),
            datapoints_to_alarm: datapoints_to_alarm.clamp(1, evaluation_periods.max(1)),
            threshold_milli,
            comparison,
            treat_missing: TreatMissing::Missing,
            alarm_actions: Vec::new(),
            ok_actions: Vec::new(),
            insufficient_data_actions: Vec::new(),
            actions_enabled: true,
            state: AlarmState::InsufficientData,
            state_reason: "Unchecked: Initial alarm creation".to_string(),
            state_reason_data: String::new(),
            state_updated_ms: now_epoch_ms,
            state_transitioned_ms: now_epoch_ms,
            configuration_updated_ms: now_epoch_ms,
            unit: None,
        }
    }

    fn period_minutes(&self) -> u64 {
        (self.period_s / 60).max(1)
    }

    /// The datapoints of the evaluation range, oldest first: `(period start epoch ms, value)`.
    /// Only complete periods count: the period containing `now_minute` is still open.
    pub fn evaluation_range(&self, store: &MetricStore, now_minute: u64) -> Vec<(u64, Option<i64>)> {
        let p = self.period_minutes();
        // The evaluation range is wider than N (the reference's example: 5 for N = 3): N + 2 here.
        let range = self.evaluation_periods as u64 + 2;
        let current_start = now_minute / p * p;
        let minutes = store.minutes(&self.metric);
        let mut out = Vec::new();
        for i in (1..=range).rev() {
            let Some(start) = current_start.checked_sub(i * p) else { continue };
            out.push((start * 60_000, minutes.and_then(|q| stat_of(q, start, p, self.statistic))));
        }
        out
    }

    /// Evaluates the alarm at `now_minute` (epoch minutes) and updates its state.
    /// Returns the transition when the state changed.
    pub fn evaluate(&mut self, store: &MetricStore, now_minute: u64) -> Option<AlarmTransition> {
        let range = self.evaluation_range(store, now_minute);
        let (next, reason) = evaluate_points(self, &range);
        let next = next?;
        if next == self.state {
            return None;
        }
        let at = now_minute * 60_000;
        let reason_data = if reason.starts_with("Threshold Crossed") { self.reason_data(&range, at) } else { String::new() };
        Some(self.set_state(next, reason, reason_data, at))
    }

    /// Moves the alarm to `state` with its reason (an evaluation, or `SetAlarmState`) and returns the change.
    pub fn set_state(&mut self, state: AlarmState, reason: String, reason_data: String, at_epoch_ms: u64) -> AlarmTransition {
        let t = AlarmTransition {
            alarm: self.name.clone(),
            from: self.state,
            to: state,
            from_reason: std::mem::take(&mut self.state_reason),
            from_reason_data: std::mem::take(&mut self.state_reason_data),
            reason: reason.clone(),
            reason_data: reason_data.clone(),
            at_epoch_ms,
        };
        if self.state != state {
            self.state_transitioned_ms = at_epoch_ms;
        }
        self.state = state;
        self.state_reason = reason;
        self.state_reason_data = reason_data;
        self.state_updated_ms = at_epoch_ms;
        t
    }

    /// The actions of a state (`AlarmActions`, `OKActions` or `InsufficientDataActions`).
    pub fn actions_for(&self, state: AlarmState) -> &[String] {
        match state {
            AlarmState::Alarm => &self.alarm_actions,
            AlarmState::Ok => &self.ok_actions,
            AlarmState::InsufficientData => &self.insufficient_data_actions,
        }
    }

    /// `StateReasonData` as CloudWatch writes it with a threshold reason (CWUG cloudwatch-and-eventbridge.md:
    /// `{"version":"1.0","queryDate":..,"startDate":..,"statistic":"Average","period":300,"recentDatapoints":[..],
    /// "threshold":50.0}`): the newest N datapoints, oldest first, and the start of the oldest of them.
    pub fn reason_data(&self, range: &[(u64, Option<i64>)], at_epoch_ms: u64) -> String {
        let recent: Vec<(u64, i64)> = {
            let mut r: Vec<(u64, i64)> = range.iter().rev().filter_map(|(t, v)| v.map(|v| (*t, v))).take(self.evaluation_periods as usize).collect();
            r.reverse();
            r
        };
        let start = recent.first().map(|(t, _)| *t).unwrap_or(at_epoch_ms);
        let values: Vec<Value> = recent.iter().map(|(_, v)| milli_json(*v)).collect();
        let values: Vec<String> = values.iter().map(Value::to_string).collect();
        super::util::ordered(&[
            ("version", json!("1.0").to_string()),
            ("queryDate", json!(cw_time(at_epoch_ms)).to_string()),
            ("startDate", json!(cw_time(start)).to_string()),
            ("statistic", json!(self.statistic.as_aws()).to_string()),
            ("period", self.period_s.to_string()),
            ("recentDatapoints", format!("[{}]", values.join(","))),
            ("threshold", milli_json(self.threshold_milli).to_string()),
        ])
    }

    /// The `DescribeAlarms` shape.
    pub fn to_json(&self) -> Value {
        json!({
            "AlarmName": self.name,
            "AlarmArn": self.arn,
            "AlarmDescription": self.description,
            "AlarmConfigurationUpdatedTimestamp": iso(self.configuration_updated_ms),
            "ActionsEnabled": self.actions_enabled,
            "OKActions": self.ok_actions,
            "AlarmActions": self.alarm_actions,
            "InsufficientDataActions": self.insufficient_data_actions,
            "StateValue": self.state.as_aws(),
            "StateReason": self.state_reason,
            "StateReasonData": self.state_reason_data,
            "StateUpdatedTimestamp": iso(self.state_updated_ms),
            "StateTransitionedTimestamp": iso(self.state_transitioned_ms),
            "MetricName": self.metric.name,
            "Namespace": self.metric.namespace,
            "Statistic": self.statistic.as_aws(),
            "Dimensions": self.metric.dimensions.iter().map(|(k, v)| json!({"Name": k, "Value": v})).collect::<Vec<_>>(),
            "Period": self.period_s,
            "EvaluationPeriods": self.evaluation_periods,
            "DatapointsToAlarm": self.datapoints_to_alarm,
            "Threshold": milli_json(self.threshold_milli),
            "ComparisonOperator": self.comparison.as_aws(),
            "TreatMissingData": self.treat_missing.as_aws(),
        })
    }
}

/// The state an evaluation range gives (reference §10.4), with CloudWatch's reason text.
/// `None` means "keep the current state".
fn evaluate_points(alarm: &Alarm, range: &[(u64, Option<i64>)]) -> (Option<AlarmState>, String) {
    let n = alarm.evaluation_periods as usize;
    let m = alarm.datapoints_to_alarm as usize;
    let thr = alarm.threshold_milli;
    let breach = |v: i64| alarm.comparison.breaches(v, thr);
    // The newest N real datapoints within the range, newest first.
    let real: Vec<(u64, i64)> = range.iter().rev().filter_map(|(t, v)| v.map(|v| (*t, v))).take(n).collect();
    let from = alarm.state.as_aws();
    if real.len() >= n || matches!(alarm.treat_missing, TreatMissing::Breaching | TreatMissing::NotBreaching) {
        // Enough real points, or missing points filled (as few as possible) to make N.
        let filled = n - real.len().min(n);
        let fill_breaching = alarm.treat_missing == TreatMissing::Breaching;
        let breaching = real.iter().filter(|(_, v)| breach(*v)).count() + if fill_breaching { filled } else { 0 };
        let state = if breaching >= m { AlarmState::Alarm } else { AlarmState::Ok };
        if filled > 0 {
            return (Some(state), filled_reason(real.len(), n, filled, fill_breaching, from, state.as_aws()));
        }
        let listed: Vec<(u64, i64)> = real.iter().copied().filter(|(_, v)| breach(*v) == (state == AlarmState::Alarm)).collect();
        let count = if state == AlarmState::Alarm { breaching } else { n - breaching };
        let to = state.as_aws();
        return (Some(state), threshold_reason(alarm, count, n, &listed, state == AlarmState::Alarm, m, from, to));
    }
    // Fewer than N real points and missing data treated as `missing` or `ignore`.
    if real.is_empty() {
        return match alarm.treat_missing {
            TreatMissing::Missing => (
                Some(AlarmState::InsufficientData),
                format!("Insufficient Data: {} datapoint{} {} unknown.", n, if n == 1 { "" } else { "s" }, if n == 1 { "was" } else { "were" }),
            ),
            _ => (None, String::new()),
        };
    }
    let breaching = real.iter().filter(|(_, v)| breach(*v)).count();
    let not_breaching = real.len() - breaching;
    if breaching >= m {
        let listed: Vec<(u64, i64)> = real.iter().copied().filter(|(_, v)| breach(*v)).collect();
        return (Some(AlarmState::Alarm), threshold_reason(alarm, breaching, n, &listed, true, m, from, "ALARM"));
    }
    if alarm.treat_missing == TreatMissing::Missing {
        // Premature-alarm rule: within the newest N periods, the oldest breaching point is at least M
        // periods old and every newer period is breaching or missing.
        let window: Vec<Option<i64>> = range.iter().rev().take(n).map(|(_, v)| *v).collect(); // newest first
        if let Some(oldest) = window.iter().rposition(|v| v.is_some_and(breach)) {
            let newer_ok = window[..oldest].iter().all(|v| v.is_none_or(breach));
            if oldest + 1 >= m && newer_ok {
                let listed: Vec<(u64, i64)> = real.iter().copied().filter(|(_, v)| breach(*v)).collect();
                return (Some(AlarmState::Alarm), threshold_reason(alarm, breaching, n, &listed, true, m, from, "ALARM"));
            }
        }
    }
    if not_breaching > n - m {
        let listed: Vec<(u64, i64)> = real.iter().copied().filter(|(_, v)| !breach(*v)).collect();
        return (Some(AlarmState::Ok), threshold_reason(alarm, not_breaching, n, &listed, false, m, from, "OK"));
    }
    (None, String::new())
}

/// The reason when missing datapoints were filled in (`breaching` or `notBreaching`). Real StateReasons:
/// `Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as
/// [Breaching].` and `... for 3 periods and 3 missing datapoints were treated as [NonBreaching].` (public alarm
/// captures, index ids 58784758593 and 18234347751); with some datapoints received, `1 datapoint was received for
/// 3 periods and 2 missing datapoints were treated as [Breaching]` (an operator's note, index id 60951158265; the
/// rest of that sentence is [UNVERIFIED], so it ends there with a period).
fn filled_reason(received: usize, n: usize, filled: usize, breaching: bool, from: &str, to: &str) -> String {
    if from == to {
        return String::new();
    }
    let plural = |k: usize| if k == 1 { "" } else { "s" };
    let verb = |k: usize| if k == 1 { "was" } else { "were" };
    let head = if received == 0 { "no datapoints were".to_string() } else { format!("{received} datapoint{} {}", plural(received), verb(received)) };
    let treated = if breaching { "Breaching" } else { "NonBreaching" };
    format!("Threshold Crossed: {head} received for {n} period{} and {filled} missing datapoint{} {} treated as [{treated}].", plural(n), plural(filled), verb(filled))
}

/// A time as CloudWatch writes it inside alarm JSON: `2019-10-02T17:04:40.985+0000`.
pub fn cw_time(epoch_ms: u64) -> String {
    let t = crate::time::CalendarTime::from_epoch_ms(epoch_ms);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+0000", t.year, t.month, t.day, t.hour, t.minute, t.second, epoch_ms % 1000)
}

/// "Threshold Crossed: 3 out of the last 3 datapoints [82.1 (24/11/26 09:03:00), ...] were greater than
/// the threshold (75.0) (minimum 3 datapoints for OK -> ALARM transition)."
#[allow(clippy::too_many_arguments)]
fn threshold_reason(alarm: &Alarm, count: usize, n: usize, listed: &[(u64, i64)], breaching: bool, m: usize, from: &str, to: &str) -> String {
    if from == to {
        // No transition: `Alarm::evaluate` keeps the reason of the last one, so this one is never read.
        return String::new();
    }
    let points: Vec<String> = listed.iter().map(|(t, v)| format!("{} ({})", milli_text(*v), reason_time(*t))).collect();
    let verb = if count == 1 { "was" } else { "were" };
    let not = if breaching { "" } else { "not " };
    // ALARM needs M breaching points; OK needs N - M + 1 points that are not breaching.
    let need = if breaching { m } else { n + 1 - m.min(n) };
    let min_part = format!(" (minimum {need} datapoint{} for {from} -> {to} transition)", if need == 1 { "" } else { "s" });
    format!(
        "Threshold Crossed: {count} out of the last {n} datapoint{} [{}] {verb} {not}{} the threshold ({}){min_part}.",
        if n == 1 { "" } else { "s" },
        points.join(", "),
        alarm.comparison.words(),
        milli_text(alarm.threshold_milli)
    )
}
