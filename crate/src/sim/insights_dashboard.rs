//! The Container Insights automatic dashboard as the CloudWatch console draws it (reference
//! observability-troubleshooting.md §1.6): for one cluster, the view of the cluster, a service, a task or a
//! container over the last hour, with CPU and memory (utilized against reserved), task counts, the newest
//! numbers, and the resources one level down, sorted by CPU as the console's top contributors are.
//!
//! Where the numbers come from, as in the console: the cluster and service views read the
//! `ECS/ContainerInsights` metrics (`sim/insights.rs` publishes them each minute); the task and container views
//! read the performance log events (`sim/performance.rs`), since the standard tier "does not automatically
//! generate metrics at the Task level of granularity" (CWUG Container-Insights-view-metrics.md) and the console
//! queries the performance log for them. The exact widget list of the console is [UNVERIFIED] (§1.6); the charts
//! are the approximation the reference suggests. Network charts are left out: the model moves no bytes.
//!
//! Computed only when the app asks (the dashboard is open), never on a publish: the run pays nothing for it.

use crate::logs::LogGroup;
use crate::scaling::{MetricKey, Statistic};

use super::engine::Sim;
use super::insights::INSIGHTS_NAMESPACE;
use super::performance::performance_group;

/// The minutes the dashboard shows, ending now.
pub const DASHBOARD_MINUTES: u64 = 60;
/// The most rows of the resources one level down; the rest are counted.
pub const MAX_DASHBOARD_ROWS: usize = 50;

/// What the dashboard shows: the cluster, one service, one task or one container of a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InsightsScope {
    Cluster,
    Service(String),
    Task { service: Option<String>, task_id: String },
    Container { service: Option<String>, task_id: String, container: String },
}

impl InsightsScope {
    /// The console's resource type of this view.
    pub fn level(&self) -> &'static str {
        match self {
            InsightsScope::Cluster => "ECS Clusters",
            InsightsScope::Service(_) => "ECS Services",
            InsightsScope::Task { .. } => "ECS Tasks",
            InsightsScope::Container { .. } => "Containers",
        }
    }

    /// The way back up: each level above this one and this one, with its label.
    pub fn breadcrumb(&self, cluster: &str) -> Vec<(String, InsightsScope)> {
        let mut out = vec![(format!("Cluster {cluster}"), InsightsScope::Cluster)];
        let service = match self {
            InsightsScope::Cluster => None,
            InsightsScope::Service(s) => Some(s.clone()),
            InsightsScope::Task { service, .. } | InsightsScope::Container { service, .. } => service.clone(),
        };
        if let Some(s) = &service {
            out.push((format!("Service {s}"), InsightsScope::Service(s.clone())));
        }
        if let InsightsScope::Task { task_id, .. } | InsightsScope::Container { task_id, .. } = self {
            out.push((format!("Task {}", short_id(task_id)), InsightsScope::Task { service: service.clone(), task_id: task_id.clone() }));
        }
        if let InsightsScope::Container { container, .. } = self {
            out.push((format!("Container {container}"), self.clone()));
        }
        out
    }
}

/// The first 8 characters of a task id, as the console shortens it in narrow places.
pub fn short_id(task_id: &str) -> &str {
    &task_id[..task_id.len().min(8)]
}

/// One line of a chart: its label and a value per minute of [`InsightsDashboard::minutes`] (`None`: no datapoint).
#[derive(Clone, Debug, PartialEq)]
pub struct InsightsLine {
    pub label: &'static str,
    pub values: Vec<Option<f64>>,
}

/// One chart: its title, the unit of its y axis, and its lines.
#[derive(Clone, Debug, PartialEq)]
pub struct InsightsChart {
    pub title: String,
    pub y_unit: &'static str,
    pub lines: Vec<InsightsLine>,
}

/// One resource one level down, with its newest numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct InsightsRow {
    pub name: String,
    pub scope: InsightsScope,
    pub cpu_utilized: f64,
    pub cpu_reserved: f64,
    pub memory_utilized_mib: f64,
    pub memory_reserved_mib: f64,
    /// Running tasks of a service, or a task's or container's known status.
    pub status: String,
}

/// The dashboard of one cluster at one scope.
#[derive(Clone, Debug, PartialEq)]
pub struct InsightsDashboard {
    pub cluster: String,
    /// The cluster's `containerInsights` setting: `disabled`, `enabled` or `enhanced`.
    pub setting: &'static str,
    pub scope: InsightsScope,
    pub breadcrumb: Vec<(String, InsightsScope)>,
    /// The x of every chart: sim minutes, oldest first, one per minute with data.
    pub minutes: Vec<f64>,
    pub charts: Vec<InsightsChart>,
    /// The newest numbers: (label, value with its unit).
    pub latest: Vec<(String, String)>,
    /// What the rows are ("Services", "Tasks", "Containers"), and the rows (at most [`MAX_DASHBOARD_ROWS`]).
    pub rows_title: &'static str,
    pub rows: Vec<InsightsRow>,
    pub n_rows_left_out: usize,
}

/// Utilized and reserved CPU and memory at one minute.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Usage {
    cpu_utilized: f64,
    cpu_reserved: f64,
    memory_utilized: f64,
    memory_reserved: f64,
}

fn percent(used: f64, reserved: f64) -> String {
    if reserved > 0.0 {
        format!(" ({:.1} %)", used * 100.0 / reserved)
    } else {
        String::new()
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The newest numbers of a usage series.
fn usage_latest(u: &Usage) -> Vec<(String, String)> {
    vec![
        ("CPU utilized".to_string(), format!("{} of {} CPU units{}", number(u.cpu_utilized), number(u.cpu_reserved), percent(u.cpu_utilized, u.cpu_reserved))),
        ("Memory utilized".to_string(), format!("{} of {} MiB{}", number(u.memory_utilized), number(u.memory_reserved), percent(u.memory_utilized, u.memory_reserved))),
    ]
}

/// The CPU and memory charts of a usage series.
fn usage_charts(usage: &[Option<Usage>], what: &str) -> Vec<InsightsChart> {
    let line = |label, f: fn(&Usage) -> f64| InsightsLine { label, values: usage.iter().map(|u| u.as_ref().map(f)).collect() };
    vec![
        InsightsChart {
            title: format!("{what} CPU: utilized and reserved"),
            y_unit: "CPU units",
            lines: vec![line("CpuUtilized", |u| u.cpu_utilized), line("CpuReserved", |u| u.cpu_reserved)],
        },
        InsightsChart {
            title: format!("{what} memory: utilized and reserved"),
            y_unit: "MiB",
            lines: vec![line("MemoryUtilized", |u| u.memory_utilized), line("MemoryReserved", |u| u.memory_reserved)],
        },
    ]
}

/// What the dashboard reads of one performance event.
#[derive(Clone, Debug, Default, PartialEq)]
struct PerfRecord {
    timestamp_ms: u64,
    task_id: String,
    container_name: String,
    /// `KnownStatus` of a Task event, `ContainerKnownStatus` of a Container event.
    status: String,
    usage: Usage,
}

impl PerfRecord {
    /// The dashboard's row for this event's task or container, named `name`.
    fn row(&self, name: String, scope: InsightsScope) -> InsightsRow {
        let u = self.usage;
        InsightsRow {
            name,
            scope,
            cpu_utilized: u.cpu_utilized,
            cpu_reserved: u.cpu_reserved,
            memory_utilized_mib: u.memory_utilized,
            memory_reserved_mib: u.memory_reserved,
            status: self.status.clone(),
        }
    }
}

/// Reads a performance event's message; `None` when it is not JSON (a line someone else put in the group).
fn record_of(message: &str) -> Option<PerfRecord> {
    let v: serde_json::Value = serde_json::from_str(message).ok()?;
    let num = |key: &str| v[key].as_f64().unwrap_or(0.0);
    let text = |key: &str| v[key].as_str().unwrap_or_default().to_string();
    Some(PerfRecord {
        timestamp_ms: v["Timestamp"].as_u64().unwrap_or(0),
        task_id: text("TaskId"),
        container_name: text("ContainerName"),
        status: v["KnownStatus"].as_str().or(v["ContainerKnownStatus"].as_str()).unwrap_or_default().to_string(),
        usage: Usage { cpu_utilized: num("CpuUtilized"), cpu_reserved: num("CpuReserved"), memory_utilized: num("MemoryUtilized"), memory_reserved: num("MemoryReserved") },
    })
}

/// The events of `group` stamped at or after `since_ms` whose message contains every one of `needles` (a cheap
/// test before the JSON is read), read, oldest first.
fn performance_events(group: &LogGroup, since_ms: u64, needles: &[&str]) -> Vec<PerfRecord> {
    let mut out: Vec<(u64, u64, PerfRecord)> = Vec::new();
    for stream in group.streams.values() {
        for e in stream.events.iter().rev().take_while(|e| e.timestamp_ms >= since_ms) {
            if needles.iter().all(|n| e.message.contains(n)) {
                if let Some(r) = record_of(&e.message) {
                    out.push((e.timestamp_ms, e.seq, r));
                }
            }
        }
    }
    out.sort_by_key(|(t, seq, _)| (*t, *seq));
    out.into_iter().map(|(_, _, r)| r).collect()
}

impl Sim {
    /// The Container Insights dashboard of `cluster` at `scope` now (see the module's comment). `None` when the
    /// cluster does not exist.
    pub fn insights_dashboard(&self, cluster: &str, scope: &InsightsScope) -> Option<InsightsDashboard> {
        let c = self.clusters.values().find(|c| c.name == cluster)?;
        let start_minute = self.scenario.start_epoch_ms / 60_000;
        let now_minute = (self.scenario.start_epoch_ms + self.now.0) / 60_000;
        let first_minute = now_minute.saturating_sub(DASHBOARD_MINUTES);
        let mut dashboard = InsightsDashboard {
            cluster: cluster.to_string(),
            setting: c.container_insights,
            scope: scope.clone(),
            breadcrumb: scope.breadcrumb(cluster),
            minutes: Vec::new(),
            charts: Vec::new(),
            latest: Vec::new(),
            rows_title: "",
            rows: Vec::new(),
            n_rows_left_out: 0,
        };
        match scope {
            InsightsScope::Cluster | InsightsScope::Service(_) => {
                let dims: Vec<(&str, &str)> = match scope {
                    InsightsScope::Service(s) => vec![("ClusterName", cluster), ("ServiceName", s.as_str())],
                    _ => vec![("ClusterName", cluster)],
                };
                // A metric's datapoint at minute m is the sample taken at the end of m (`put_minute`).
                let series = |metric: &str, dims: &[(&str, &str)]| -> Vec<(u64, f64)> {
                    self.scaling
                        .metrics
                        .recent(&MetricKey::new(INSIGHTS_NAMESPACE, metric, dims), DASHBOARD_MINUTES as usize + 1, Statistic::Average)
                        .into_iter()
                        .map(|(m, v)| (m + 1, v as f64 / 1000.0))
                        .filter(|(m, _)| *m > first_minute)
                        .collect()
                };
                let counts: &[(&str, &'static str)] = match scope {
                    InsightsScope::Service(_) => &[("DesiredTaskCount", "DesiredTaskCount"), ("RunningTaskCount", "RunningTaskCount"), ("PendingTaskCount", "PendingTaskCount")],
                    _ => &[("TaskCount", "TaskCount"), ("ServiceCount", "ServiceCount"), ("ContainerInstanceCount", "ContainerInstanceCount")],
                };
                let usage_metrics = ["CpuUtilized", "CpuReserved", "MemoryUtilized", "MemoryReserved"];
                let usage_series: Vec<Vec<(u64, f64)>> = usage_metrics.iter().map(|m| series(m, &dims)).collect();
                let count_series: Vec<Vec<(u64, f64)>> = counts.iter().map(|(m, _)| series(m, &dims)).collect();
                let mut minutes: Vec<u64> = usage_series.iter().chain(&count_series).flat_map(|s| s.iter().map(|(m, _)| *m)).collect();
                minutes.sort_unstable();
                minutes.dedup();
                let at = |s: &Vec<(u64, f64)>, m: u64| s.binary_search_by_key(&m, |(x, _)| *x).ok().map(|i| s[i].1);
                let usage: Vec<Option<Usage>> = minutes
                    .iter()
                    .map(|m| {
                        let v: Vec<Option<f64>> = usage_series.iter().map(|s| at(s, *m)).collect();
                        v[0].map(|_| Usage { cpu_utilized: v[0].unwrap_or(0.0), cpu_reserved: v[1].unwrap_or(0.0), memory_utilized: v[2].unwrap_or(0.0), memory_reserved: v[3].unwrap_or(0.0) })
                    })
                    .collect();
                let what = match scope {
                    InsightsScope::Service(s) => format!("Service {s}"),
                    _ => format!("Cluster {cluster}"),
                };
                dashboard.charts = usage_charts(&usage, &what);
                dashboard.charts.push(InsightsChart {
                    title: format!("{what} task counts"),
                    y_unit: "count",
                    lines: counts.iter().zip(&count_series).map(|((_, label), s)| InsightsLine { label, values: minutes.iter().map(|m| at(s, *m)).collect() }).collect(),
                });
                if let Some(u) = usage.iter().rev().flatten().next() {
                    dashboard.latest = usage_latest(u);
                }
                for ((_, label), s) in counts.iter().zip(&count_series) {
                    if let Some((_, v)) = s.last() {
                        dashboard.latest.push((label.to_string(), number(*v)));
                    }
                }
                dashboard.minutes = minutes.iter().map(|m| (m - start_minute) as f64).collect();
                match scope {
                    InsightsScope::Service(s) => self.task_rows(&mut dashboard, cluster, Some(s), now_minute),
                    _ => self.service_rows(&mut dashboard, cluster),
                }
            }
            InsightsScope::Task { task_id, .. } | InsightsScope::Container { task_id, .. } => {
                let group = self.logging.logs.groups.get(performance_group(cluster).as_str());
                let container = match scope {
                    InsightsScope::Container { container, .. } => Some(container.as_str()),
                    _ => None,
                };
                let (kind, name_needle) = match container {
                    Some(name) => ("\"Type\":\"Container\"", format!("\"ContainerName\":{}", serde_json::Value::from(name))),
                    None => ("\"Type\":\"Task\"", String::new()),
                };
                let id_needle = format!("\"TaskId\":{}", serde_json::Value::from(task_id.as_str()));
                let mut needles = vec![kind, id_needle.as_str()];
                if container.is_some() {
                    needles.push(name_needle.as_str());
                }
                let events = group.map(|g| performance_events(g, (first_minute + 1) * 60_000, &needles)).unwrap_or_default();
                let usage: Vec<Option<Usage>> = events.iter().map(|e| Some(e.usage)).collect();
                dashboard.minutes = events.iter().map(|e| (e.timestamp_ms / 60_000).saturating_sub(start_minute) as f64).collect();
                let what = match container {
                    Some(name) => format!("Container {name}"),
                    None => format!("Task {}", short_id(task_id)),
                };
                dashboard.charts = usage_charts(&usage, &what);
                if let Some(u) = usage.iter().rev().flatten().next() {
                    dashboard.latest = usage_latest(u);
                }
                if let Some(last) = events.last() {
                    dashboard.latest.push(("Known status".to_string(), last.status.clone()));
                }
                if container.is_none() {
                    self.container_rows(&mut dashboard, cluster, task_id, now_minute);
                }
            }
        }
        Some(dashboard)
    }

    /// The cluster view's rows: its active services with their newest metrics.
    fn service_rows(&self, dashboard: &mut InsightsDashboard, cluster: &str) {
        dashboard.rows_title = "Services";
        let newest = |metric: &str, service: &str| {
            self.scaling.metrics.recent(&MetricKey::new(INSIGHTS_NAMESPACE, metric, &[("ClusterName", cluster), ("ServiceName", service)]), 1, Statistic::Average).first().map_or(0.0, |(_, v)| *v as f64 / 1000.0)
        };
        let mut rows: Vec<InsightsRow> = self
            .services
            .values()
            .filter(|s| s.cluster == cluster && s.status == super::model::ServiceStatus::Active)
            .map(|s| InsightsRow {
                name: s.name.clone(),
                scope: InsightsScope::Service(s.name.clone()),
                cpu_utilized: newest("CpuUtilized", &s.name),
                cpu_reserved: newest("CpuReserved", &s.name),
                memory_utilized_mib: newest("MemoryUtilized", &s.name),
                memory_reserved_mib: newest("MemoryReserved", &s.name),
                status: format!("{} of {} tasks running", number(newest("RunningTaskCount", &s.name)), s.desired_count),
            })
            .collect();
        finish_rows(dashboard, &mut rows);
    }

    /// The service view's rows: the tasks of its newest Task events (written within the last two minutes).
    fn task_rows(&self, dashboard: &mut InsightsDashboard, cluster: &str, service: Option<&String>, now_minute: u64) {
        dashboard.rows_title = "Tasks";
        let Some(group) = self.logging.logs.groups.get(performance_group(cluster).as_str()) else { return };
        let service_needle = service.map(|s| format!("\"ServiceName\":{}", serde_json::Value::from(s.as_str()))).unwrap_or_default();
        let events = performance_events(group, now_minute.saturating_sub(2) * 60_000, &["\"Type\":\"Task\"", &service_needle]);
        let mut rows: Vec<InsightsRow> = Vec::new();
        for e in events.iter().rev() {
            let id = e.task_id.as_str();
            if rows.iter().any(|r| matches!(&r.scope, InsightsScope::Task { task_id, .. } if task_id == id)) {
                continue;
            }
            rows.push(e.row(id.to_string(), InsightsScope::Task { service: service.cloned(), task_id: id.to_string() }));
        }
        finish_rows(dashboard, &mut rows);
    }

    /// The task view's rows: the containers of its newest Container events.
    fn container_rows(&self, dashboard: &mut InsightsDashboard, cluster: &str, task_id: &str, now_minute: u64) {
        dashboard.rows_title = "Containers";
        let Some(group) = self.logging.logs.groups.get(performance_group(cluster).as_str()) else { return };
        let id_needle = format!("\"TaskId\":{}", serde_json::Value::from(task_id));
        let events = performance_events(group, now_minute.saturating_sub(DASHBOARD_MINUTES) * 60_000, &["\"Type\":\"Container\"", &id_needle]);
        let service = match &dashboard.scope {
            InsightsScope::Task { service, .. } => service.clone(),
            _ => None,
        };
        let mut rows: Vec<InsightsRow> = Vec::new();
        for e in events.iter().rev() {
            let name = e.container_name.as_str();
            if rows.iter().any(|r| r.name == name) {
                continue;
            }
            rows.push(e.row(name.to_string(), InsightsScope::Container { service: service.clone(), task_id: task_id.to_string(), container: name.to_string() }));
        }
        finish_rows(dashboard, &mut rows);
    }
}

/// Sorts rows by CPU utilized, highest first ("sorted initially by CPU usage", CWUG
/// Container-Insights-view-metrics.md), then by name, and keeps the first [`MAX_DASHBOARD_ROWS`].
fn finish_rows(dashboard: &mut InsightsDashboard, rows: &mut Vec<InsightsRow>) {
    rows.sort_by(|a, b| b.cpu_utilized.total_cmp(&a.cpu_utilized).then_with(|| a.name.cmp(&b.name)));
    dashboard.n_rows_left_out = rows.len().saturating_sub(MAX_DASHBOARD_ROWS);
    rows.truncate(MAX_DASHBOARD_ROWS);
    dashboard.rows = std::mem::take(rows);
}
