//! `LogsView`: CloudWatch Logs as the app's Logs tab draws it: each log group with its most recently written
//! streams and the tail of each, the storage counts, and the stream of each container of the live tasks. Every
//! list is bounded and says what it left out; the events themselves stay in the engine (GetLogEvents,
//! FilterLogEvents and StartQuery read all of them).

use super::engine::Sim;

/// The streams a group shows: the most recently written ones.
pub const MAX_VIEW_LOG_STREAMS: usize = 30;
/// The events a stream's tail shows: its newest ones.
pub const MAX_VIEW_TAIL_EVENTS: usize = 20;
/// The groups the view shows, in name order.
pub const MAX_VIEW_LOG_GROUPS: usize = 100;

/// One log event of a tail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEventView {
    /// Epoch milliseconds.
    pub timestamp_ms: u64,
    pub message: std::rc::Rc<str>,
    /// The event's number in its group (a key for the app's lists).
    pub seq: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogStreamView {
    pub name: String,
    pub last_event_timestamp_ms: Option<u64>,
    pub n_events: u64,
    pub n_events_dropped: u64,
    /// The newest [`MAX_VIEW_TAIL_EVENTS`] events, oldest first.
    pub tail: Vec<LogEventView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogGroupView {
    pub name: String,
    pub creation_time_ms: u64,
    /// `None`: never expire.
    pub retention_in_days: Option<u32>,
    pub n_events: u64,
    pub n_events_dropped: u64,
    pub n_streams_dropped: u64,
    /// The [`MAX_VIEW_LOG_STREAMS`] most recently written streams, newest first.
    pub streams: Vec<LogStreamView>,
    /// Streams of the group `streams` leaves out.
    pub n_streams_left_out: u64,
}

/// Where a container of a task writes (or wrote, once it stopped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskLogStreamView {
    pub task_id: String,
    pub container_name: String,
    pub group: String,
    pub stream: String,
    /// The execution role may not `logs:PutLogEvents`: its lines are lost.
    pub undeliverable: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogsView {
    /// The first [`MAX_VIEW_LOG_GROUPS`] groups in name order.
    pub groups: Vec<LogGroupView>,
    pub n_groups_left_out: u64,
    /// Events the account holds and has dropped (by its bounds or retention).
    pub n_events: u64,
    pub n_events_dropped: u64,
    /// Lines lost because an execution role may not `logs:PutLogEvents`.
    pub n_undelivered_lines: u64,
    /// The streams of the containers of the live tasks (in task order), then of the most recently stopped ones.
    pub task_streams: Vec<TaskLogStreamView>,
}

impl Sim {
    pub(crate) fn logs_view(&self) -> LogsView {
        let logs = &self.logging.logs;
        let groups = logs
            .groups
            .values()
            .take(MAX_VIEW_LOG_GROUPS)
            .map(|group| {
                let mut streams: Vec<&crate::logs::LogStream> = group.streams.values().collect();
                streams.sort_by(|a, b| (b.last_ingestion_time_ms, &a.name).cmp(&(a.last_ingestion_time_ms, &b.name)));
                let n_streams_left_out = streams.len().saturating_sub(MAX_VIEW_LOG_STREAMS) as u64;
                LogGroupView {
                    name: group.name.clone(),
                    creation_time_ms: group.creation_time_ms,
                    retention_in_days: group.retention_in_days,
                    n_events: group.n_events as u64,
                    n_events_dropped: group.n_events_dropped,
                    n_streams_dropped: group.n_streams_dropped,
                    streams: streams
                        .into_iter()
                        .take(MAX_VIEW_LOG_STREAMS)
                        .map(|s| LogStreamView {
                            name: s.name.clone(),
                            last_event_timestamp_ms: s.last_event_timestamp_ms,
                            n_events: s.events.len() as u64,
                            n_events_dropped: s.n_events_dropped,
                            tail: s
                                .events
                                .iter()
                                .skip(s.events.len().saturating_sub(MAX_VIEW_TAIL_EVENTS))
                                .map(|e| LogEventView { timestamp_ms: e.timestamp_ms, message: e.message.shared(), seq: e.seq })
                                .collect(),
                        })
                        .collect(),
                    n_streams_left_out,
                }
            })
            .collect();
        let task_streams = self
            .logging
            .task_streams
            .iter()
            .chain(self.logging.stopped_task_streams.iter().map(|(key, streams)| (key, streams)))
            .flat_map(|(key, streams)| {
                let task = self.tasks.get(key);
                streams.iter().filter_map(move |c| {
                    let task = task?;
                    Some(TaskLogStreamView {
                        task_id: task.id.clone(),
                        container_name: task.containers.get(c.container_idx as usize)?.name.clone(),
                        group: c.group.clone(),
                        stream: c.stream.clone(),
                        undeliverable: !c.deliverable,
                    })
                })
            })
            .collect();
        LogsView {
            groups,
            n_groups_left_out: logs.groups.len().saturating_sub(MAX_VIEW_LOG_GROUPS) as u64,
            n_events: logs.n_events as u64,
            n_events_dropped: logs.n_events_dropped,
            n_undelivered_lines: self.logging.n_undelivered_lines,
            task_streams,
        }
    }
}
