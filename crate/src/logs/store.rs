//! Writing to CloudWatch Logs within bounds: groups and streams are created, events appended, and the
//! oldest events dropped (and counted) once a stream, a group or the account holds its most; retention
//! deletes what is older than the group's `retentionInDays` in sim time.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use super::model::*;

impl LogsState {
    pub fn new(region: &str, account_id: &str) -> LogsState {
        LogsState { region: region.to_string(), account_id: account_id.to_string(), ..LogsState::default() }
    }

    /// The log group's ARN as DescribeLogGroups gives it (`arn`, which ends in `:*`).
    pub fn group_arn(&self, name: &str) -> String {
        format!("arn:aws:logs:{}:{}:log-group:{name}:*", self.region, self.account_id)
    }

    /// A new, empty group. The caller checked the name and that it is free.
    pub fn insert_group(&mut self, name: &str, now_ms: u64, retention_in_days: Option<u32>) {
        let group = LogGroup {
            name: name.to_string(),
            arn: self.group_arn(name),
            creation_time_ms: now_ms,
            retention_in_days,
            log_group_class: "STANDARD",
            streams: BTreeMap::new(),
            recency: BTreeSet::new(),
            n_events: 0,
            n_events_dropped: 0,
            n_streams_dropped: 0,
            next_seq: 0,
        };
        self.groups.insert(name.to_string(), group);
    }

    /// Deletes a group with its streams and events.
    pub fn remove_group(&mut self, name: &str) -> bool {
        match self.groups.remove(name) {
            Some(group) => {
                self.n_events -= group.n_events;
                true
            }
            None => false,
        }
    }

    /// Creates the stream if it does not exist (the group must). Deletes the least recently written stream
    /// when the group would hold more than [`MAX_STREAMS_PER_GROUP`].
    pub fn ensure_stream(&mut self, group_name: &str, stream_name: &str, now_ms: u64) {
        let Some(group) = self.groups.get_mut(group_name) else { return };
        if group.streams.contains_key(stream_name) {
            return;
        }
        if group.streams.len() >= MAX_STREAMS_PER_GROUP {
            // The stream written to least recently (by name among equals), the first of the recency index.
            if let Some((_, oldest)) = group.recency.pop_first() {
                if let Some(gone) = group.streams.remove(&oldest) {
                    group.n_events -= gone.events.len();
                    group.n_events_dropped += gone.events.len() as u64;
                    group.n_streams_dropped += 1;
                    self.n_events -= gone.events.len();
                    self.n_events_dropped += gone.events.len() as u64;
                }
            }
        }
        let stream = LogStream { name: stream_name.to_string(), creation_time_ms: now_ms, ..LogStream::default() };
        group.recency.insert((now_ms, stream_name.to_string()));
        group.streams.insert(stream_name.to_string(), stream);
    }

    /// Appends one event to a stream that exists, then keeps the stream, its group and the account within
    /// their bounds. A message longer than [`MAX_MESSAGE_BYTES`] is cut at a character boundary.
    pub fn put_event(&mut self, group_name: &str, stream_name: &str, timestamp_ms: u64, ingestion_ms: u64, message: &str) {
        self.put_message(group_name, stream_name, timestamp_ms, ingestion_ms, LogMessage::text(message));
    }

    /// [`LogsState::put_event`] with a message that may be a typed record, written as text when read.
    pub fn put_message(&mut self, group_name: &str, stream_name: &str, timestamp_ms: u64, ingestion_ms: u64, message: LogMessage) {
        self.append(group_name, stream_name, timestamp_ms, ingestion_ms, std::iter::once(message));
    }

    /// Creates the stream if it does not exist (as [`LogsState::ensure_stream`], at `ingestion_ms`) and appends
    /// `messages` to it, each stamped `timestamp_ms`: the same as a [`LogsState::put_message`] for each, the
    /// bounds kept after each one, with one lookup of the group and the stream for the lot.
    pub fn put_messages(&mut self, group_name: &str, stream_name: &str, timestamp_ms: u64, ingestion_ms: u64, messages: impl IntoIterator<Item = LogMessage>) {
        self.ensure_stream(group_name, stream_name, ingestion_ms);
        self.append(group_name, stream_name, timestamp_ms, ingestion_ms, messages);
    }

    /// Appends `messages` to a stream that exists, each stamped `timestamp_ms`, keeping the stream, its group
    /// and the account within their bounds after each one.
    fn append(&mut self, group_name: &str, stream_name: &str, timestamp_ms: u64, ingestion_ms: u64, messages: impl IntoIterator<Item = LogMessage>) {
        let mut messages = messages.into_iter().peekable();
        while messages.peek().is_some() {
            let Some(group) = self.groups.get_mut(group_name) else { return };
            let Some(stream) = group.streams.get_mut(stream_name) else { return };
            let written_before = stream.last_ingestion_time_ms.unwrap_or(stream.creation_time_ms);
            if written_before != ingestion_ms {
                let mut key = (written_before, stream_name.to_string());
                group.recency.remove(&key);
                key.0 = ingestion_ms;
                group.recency.insert(key);
            }
            for message in messages.by_ref() {
                let seq = group.next_seq;
                group.next_seq += 1;
                stream.first_event_timestamp_ms.get_or_insert(timestamp_ms);
                stream.last_event_timestamp_ms = Some(stream.last_event_timestamp_ms.map_or(timestamp_ms, |t| t.max(timestamp_ms)));
                stream.last_ingestion_time_ms = Some(ingestion_ms);
                stream.events.push_back(LogEvent { timestamp_ms, ingestion_time_ms: ingestion_ms, seq, message });
                group.n_events += 1;
                self.n_events += 1;
                if stream.events.len() > MAX_EVENTS_PER_STREAM {
                    stream.events.pop_front();
                    stream.n_events_dropped += 1;
                    group.n_events -= 1;
                    group.n_events_dropped += 1;
                    self.n_events -= 1;
                    self.n_events_dropped += 1;
                }
                if group.n_events > MAX_EVENTS_PER_GROUP || self.n_events > MAX_EVENTS_PER_ACCOUNT {
                    break;
                }
            }
            if group.n_events > MAX_EVENTS_PER_GROUP {
                let target = MAX_EVENTS_PER_GROUP - MAX_EVENTS_PER_GROUP / 10;
                let dropped = drop_oldest(group, group.n_events - target);
                self.n_events -= dropped;
                self.n_events_dropped += dropped as u64;
            }
            if self.n_events > MAX_EVENTS_PER_ACCOUNT {
                self.trim_account();
            }
        }
    }

    /// Drops the account's oldest events until it holds nine tenths of [`MAX_EVENTS_PER_ACCOUNT`].
    fn trim_account(&mut self) {
        let target = MAX_EVENTS_PER_ACCOUNT - MAX_EVENTS_PER_ACCOUNT / 10;
        let mut heap = BinaryHeap::new();
        for (g, group) in self.groups.values().enumerate() {
            for (s, stream) in group.streams.values().enumerate() {
                if let Some(front) = stream.events.front() {
                    heap.push(Reverse((front.timestamp_ms, front.seq, g, s)));
                }
            }
        }
        let mut groups: Vec<(&mut usize, &mut u64, Vec<&mut LogStream>)> =
            self.groups.values_mut().map(|g| (&mut g.n_events, &mut g.n_events_dropped, g.streams.values_mut().collect())).collect();
        while self.n_events > target {
            let Some(Reverse((_, _, g, s))) = heap.pop() else { break };
            let (group_n_events, group_n_dropped, streams) = &mut groups[g];
            let Some(stream) = streams.get_mut(s) else { continue };
            stream.events.pop_front();
            stream.n_events_dropped += 1;
            **group_n_events -= 1;
            **group_n_dropped += 1;
            self.n_events -= 1;
            self.n_events_dropped += 1;
            if let Some(front) = stream.events.front() {
                heap.push(Reverse((front.timestamp_ms, front.seq, g, s)));
            }
        }
    }

    /// Deletes the events older than each group's retention. CloudWatch deletes expired events "within 72
    /// hours" of expiry (CWLUG Working-with-log-groups-and-streams.md); the playground deletes them at once.
    pub fn apply_retention(&mut self, now_ms: u64) {
        let mut dropped_total = 0usize;
        for group in self.groups.values_mut() {
            let Some(days) = group.retention_in_days else { continue };
            let cutoff = now_ms.saturating_sub(days as u64 * 86_400_000);
            for stream in group.streams.values_mut() {
                while stream.events.front().is_some_and(|e| e.timestamp_ms < cutoff) {
                    stream.events.pop_front();
                    stream.n_events_dropped += 1;
                    group.n_events -= 1;
                    group.n_events_dropped += 1;
                    dropped_total += 1;
                }
            }
        }
        self.n_events -= dropped_total;
        self.n_events_dropped += dropped_total as u64;
    }
}

/// Drops `n` of the group's oldest events (by timestamp, then order of writing); returns how many it dropped.
fn drop_oldest(group: &mut LogGroup, n: usize) -> usize {
    let mut heap = BinaryHeap::new();
    for (s, stream) in group.streams.values().enumerate() {
        if let Some(front) = stream.events.front() {
            heap.push(Reverse((front.timestamp_ms, front.seq, s)));
        }
    }
    let mut dropped = 0;
    let mut streams: Vec<&mut LogStream> = group.streams.values_mut().collect();
    while dropped < n {
        let Some(Reverse((_, _, s))) = heap.pop() else { break };
        let stream = &mut streams[s];
        stream.events.pop_front();
        stream.n_events_dropped += 1;
        dropped += 1;
        if let Some(front) = stream.events.front() {
            heap.push(Reverse((front.timestamp_ms, front.seq, s)));
        }
    }
    group.n_events -= dropped;
    group.n_events_dropped += dropped as u64;
    dropped
}
