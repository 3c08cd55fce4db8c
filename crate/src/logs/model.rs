//! The data of CloudWatch Logs: log groups, their streams and events, the Logs Insights queries run so far,
//! the engine's record of which container writes to which stream (`Logging`),
//! and the bounds that keep them small (per stream, per group and per account, oldest events dropped first
//! and counted).

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

use crate::table::Table;

/// The most events one stream keeps; older ones are dropped and counted in [`LogStream::n_events_dropped`].
pub const MAX_EVENTS_PER_STREAM: usize = 1_000;
/// The most events one log group keeps over all its streams; the oldest go first.
pub const MAX_EVENTS_PER_GROUP: usize = 10_000;
/// The most events the account keeps over all its groups; the oldest go first.
pub const MAX_EVENTS_PER_ACCOUNT: usize = 40_000;
/// The most streams a group keeps: beyond it the stream written to least recently is deleted and counted.
pub const MAX_STREAMS_PER_GROUP: usize = 300;
/// The most log groups the playground keeps. AWS's quota is far higher (1,000,000 per Region); a
/// CreateLogGroup beyond this one is refused with `LimitExceededException`. [UNVERIFIED] text.
pub const MAX_LOG_GROUPS: usize = 500;
/// The stopped tasks whose streams the engine remembers (as many as the view shows stopped tasks).
pub const MAX_STOPPED_TASK_STREAMS: usize = 1_000;
/// The most Logs Insights queries kept for GetQueryResults; the oldest are forgotten.
pub const MAX_QUERIES: usize = 20;
/// The longest message the playground stores; AWS's limit is 1 MB an event (BOTO logs `PutLogEvents`).
pub const MAX_MESSAGE_BYTES: usize = 2_048;

/// `retentionInDays` values the API accepts (BOTO logs `Days`).
pub const RETENTION_DAYS: &[u32] = &[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// A record the engine writes in a compact typed form and whose text is written only when a reader asks for it
/// (most of a busy run's events are dropped by the bounds before anyone reads them). One record may stand for
/// several events in a row (a task's Task and Container events, a minute's sampled request lines).
pub trait MessageRecord {
    /// The text of each event the record stands for, in order, as the writer would have printed them.
    fn render(&self) -> Vec<String>;
}

/// A typed record with the texts made from it, once, on the first read of any of its events.
struct Deferred<T> {
    record: T,
    texts: OnceCell<Vec<Rc<str>>>,
}

/// What [`LogMessage`] needs of a [`Deferred`] record, whatever its type.
trait DeferredTexts {
    fn texts(&self) -> &[Rc<str>];
}

impl<T: MessageRecord> DeferredTexts for Deferred<T> {
    fn texts(&self) -> &[Rc<str>] {
        self.texts.get_or_init(|| self.record.render().iter().map(|text| Rc::from(cut_to_limit(text))).collect())
    }
}

/// `message` cut at [`MAX_MESSAGE_BYTES`], at a character boundary.
pub fn cut_to_limit(message: &str) -> &str {
    let mut cut = message.len().min(MAX_MESSAGE_BYTES);
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    &message[..cut]
}

/// A typed record shared by the events it stands for (see [`MessageRecord`]).
#[derive(Clone)]
pub struct DeferredMessages(Rc<dyn DeferredTexts>);

impl DeferredMessages {
    pub fn new<T: MessageRecord + 'static>(record: T) -> DeferredMessages {
        DeferredMessages(Rc::new(Deferred { record, texts: OnceCell::new() }))
    }

    /// The message of the record's event `index`.
    pub fn message(&self, index: usize) -> LogMessage {
        LogMessage(MessageRepr::Deferred(self.0.clone(), index))
    }
}

/// A log event's message: text, or one event of a typed record written as text on the first read. It reads as
/// a `&str` either way, and the text (at most [`MAX_MESSAGE_BYTES`]) is the same.
#[derive(Clone)]
pub struct LogMessage(MessageRepr);

#[derive(Clone)]
enum MessageRepr {
    Text(Rc<str>),
    Deferred(Rc<dyn DeferredTexts>, usize),
}

impl LogMessage {
    /// A message of ready text, cut at [`MAX_MESSAGE_BYTES`].
    pub fn text(message: &str) -> LogMessage {
        LogMessage(MessageRepr::Text(Rc::from(cut_to_limit(message))))
    }

    /// The text, shared (the view's tails hold it without a copy).
    pub fn shared(&self) -> Rc<str> {
        match &self.0 {
            MessageRepr::Text(text) => text.clone(),
            MessageRepr::Deferred(d, i) => d.texts().get(*i).cloned().unwrap_or_else(|| Rc::from("")),
        }
    }
}

impl Deref for LogMessage {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.0 {
            MessageRepr::Text(text) => text,
            MessageRepr::Deferred(d, i) => d.texts().get(*i).map_or("", |t| t),
        }
    }
}

impl fmt::Debug for LogMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for LogMessage {
    fn eq(&self, other: &LogMessage) -> bool {
        **self == **other
    }
}

impl Eq for LogMessage {}

/// One log event: its timestamp (epoch milliseconds, as the writer stamped it), when CloudWatch ingested it,
/// and its message (shared with the view's tails, so publishing a view copies no text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEvent {
    pub timestamp_ms: u64,
    pub ingestion_time_ms: u64,
    /// The event's number in its group, for `eventId` and the query's `@ptr`.
    pub seq: u64,
    pub message: LogMessage,
}

/// A log stream: its events oldest first, at most [`MAX_EVENTS_PER_STREAM`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogStream {
    pub name: String,
    pub creation_time_ms: u64,
    pub first_event_timestamp_ms: Option<u64>,
    pub last_event_timestamp_ms: Option<u64>,
    pub last_ingestion_time_ms: Option<u64>,
    pub events: VecDeque<LogEvent>,
    /// Events dropped from this stream: by its own bound, its group's, the account's, or retention.
    pub n_events_dropped: u64,
}

/// A log group: its retention and streams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogGroup {
    pub name: String,
    pub arn: String,
    pub creation_time_ms: u64,
    /// `None`: the events never expire (the default of CreateLogGroup).
    pub retention_in_days: Option<u32>,
    pub log_group_class: &'static str,
    pub streams: BTreeMap<String, LogStream>,
    /// Each stream by when it was last written (its last ingestion, else its creation), then by name: the
    /// first is the one [`MAX_STREAMS_PER_GROUP`] deletes. Changed only by the store, with the streams.
    pub(super) recency: BTreeSet<(u64, String)>,
    /// Events the group holds now, over all its streams.
    pub n_events: usize,
    /// Events dropped from the group's streams, whatever the bound that dropped them.
    pub n_events_dropped: u64,
    /// Streams deleted to keep the group within [`MAX_STREAMS_PER_GROUP`].
    pub n_streams_dropped: u64,
    /// The next event number in this group.
    pub next_seq: u64,
}

/// A Logs Insights query as StartQuery left it: its results are computed at once (the sim's queries
/// finish within the call), so GetQueryResults always answers `Complete`.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryRecord {
    pub query_id: String,
    pub query_string: String,
    pub log_group_names: Vec<String>,
    /// Each row is a list of (field, value).
    pub rows: Vec<Vec<(String, String)>>,
    pub records_matched: u64,
    pub records_scanned: u64,
    pub bytes_scanned: u64,
}

/// The account's CloudWatch Logs.
#[derive(Clone, Debug, Default)]
pub struct LogsState {
    pub region: String,
    pub account_id: String,
    pub groups: Table<String, LogGroup>,
    /// Events held now, over all groups.
    pub n_events: usize,
    /// Events dropped account-wide, whatever the bound.
    pub n_events_dropped: u64,
    /// Queries, oldest first, at most [`MAX_QUERIES`].
    pub queries: VecDeque<QueryRecord>,
    /// Queries started so far (their ids are made from it).
    pub n_queries: u64,
}

/// What a Logs call needs of the account: the time now in epoch milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogsContext {
    pub now_epoch_ms: u64,
}

/// Where one container of a task writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerStream {
    pub container_idx: u32,
    pub group: String,
    pub stream: String,
    /// The execution role may `logs:PutLogEvents` to this stream; when not, the container runs and its lines
    /// are lost (counted in [`Logging::n_undelivered_lines`]).
    pub deliverable: bool,
}

/// CloudWatch Logs and the engine's bookkeeping of who writes where.
#[derive(Clone, Debug, Default)]
pub struct Logging {
    pub logs: LogsState,
    /// The streams of each task (by its key) not yet STOPPED that logs with `awslogs`.
    pub task_streams: BTreeMap<u32, Vec<ContainerStream>>,
    /// The streams of the [`MAX_STOPPED_TASK_STREAMS`] most recently stopped tasks, oldest stop first: where a
    /// stopped task's last lines are.
    pub stopped_task_streams: VecDeque<(u32, Vec<ContainerStream>)>,
    /// `sim:SetImageBehavior` `logMessage` per image: printed before the container exits.
    pub image_messages: Table<String, String>,
    /// Each load balancer target's request count at the last minute.
    pub requests_seen: RequestsSeen,
    /// The minutes whose requests were sampled so far (see [`RequestsSeen`]).
    pub requests_pass: u64,
    /// Lines the execution role could not deliver (no `logs:PutLogEvents`).
    pub n_undelivered_lines: u64,
    /// RUNNING tasks whose Container Insights Task and Container events were left out of a minute by
    /// `sim::performance::MAX_PERFORMANCE_TASKS_PER_MINUTE`.
    pub n_performance_tasks_left_out: u64,
}

impl Logging {
    pub fn new(region: &str, account_id: &str) -> Logging {
        Logging { logs: LogsState::new(region, account_id), ..Logging::default() }
    }
}

/// Each load balancer target's request count (by its owner task's key, the target's id and port) as the last
/// minute's sampling saw it, so the next minute logs what was served in between. A target not seen in a minute
/// is forgotten with it.
#[derive(Clone, Debug, Default)]
pub struct RequestsSeen {
    by_task: BTreeMap<u32, Vec<SeenTarget>>,
}

/// One target of [`RequestsSeen`].
#[derive(Clone, Debug)]
struct SeenTarget {
    id: String,
    port: u16,
    /// The minute's sampling (its pass number) that saw the target last.
    pass: u64,
    total_requests: u64,
    /// The count the previous pass saw (0 when it did not see the target): what this pass reads.
    seen_before: u64,
}

impl RequestsSeen {
    /// Records that the target's count is `total_requests` in sampling pass `pass`, and gives the count the
    /// previous pass saw (0 when it did not see the target). A target seen twice in one pass reads the previous
    /// pass's count both times, and keeps the later count.
    pub fn observe(&mut self, task_key: u32, id: &str, port: u16, total_requests: u64, pass: u64) -> u64 {
        let targets = self.by_task.entry(task_key).or_default();
        let at = match targets.iter().position(|t| t.port == port && t.id == id) {
            Some(at) => at,
            None => {
                targets.push(SeenTarget { id: id.to_string(), port, pass: 0, total_requests: 0, seen_before: 0 });
                targets.len() - 1
            }
        };
        let target = &mut targets[at];
        if target.pass != pass {
            target.seen_before = if target.pass + 1 == pass { target.total_requests } else { 0 };
            target.pass = pass;
        }
        target.total_requests = total_requests;
        target.seen_before
    }

    /// Forgets the targets pass `pass` did not see.
    pub fn forget_unseen(&mut self, pass: u64) {
        self.by_task.retain(|_, targets| {
            targets.retain(|t| t.pass == pass);
            !targets.is_empty()
        });
    }

    pub fn clear(&mut self) {
        self.by_task.clear();
    }
}
