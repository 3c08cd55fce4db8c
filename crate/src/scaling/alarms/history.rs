//! The data of alarm history and alarm notices (a leaf: `scaling/model.rs` holds them, `alarms/mod.rs` fills
//! them).

use std::collections::VecDeque;

/// History items kept over all alarms (oldest dropped first, and counted).
pub const ALARM_HISTORY_LIMIT: usize = 2000;

/// Notices waiting for the engine to deliver (bounded; a full queue drops the oldest, counted).
pub const ALARM_NOTICE_LIMIT: usize = 200;

/// `HistoryItemType` (botocore `HistoryItemType`; the contributor types are not modelled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HistoryItemType {
    ConfigurationUpdate,
    StateUpdate,
    Action,
}

impl HistoryItemType {
    pub const ALL: [&'static str; 5] = ["ConfigurationUpdate", "StateUpdate", "Action", "AlarmContributorStateUpdate", "AlarmContributorAction"];

    pub fn as_aws(self) -> &'static str {
        match self {
            HistoryItemType::ConfigurationUpdate => "ConfigurationUpdate",
            HistoryItemType::StateUpdate => "StateUpdate",
            HistoryItemType::Action => "Action",
        }
    }
}

/// One `AlarmHistoryItem`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlarmHistoryItem {
    pub alarm: String,
    pub at_epoch_ms: u64,
    pub kind: HistoryItemType,
    pub summary: String,
    /// `HistoryData`, a JSON text.
    pub data: String,
}

/// The history of every alarm, oldest first, bounded by [`ALARM_HISTORY_LIMIT`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlarmHistory {
    pub items: VecDeque<AlarmHistoryItem>,
    /// Items dropped to keep the bound.
    pub dropped: u64,
}

impl AlarmHistory {
    pub fn push(&mut self, item: AlarmHistoryItem) {
        self.items.push_back(item);
        while self.items.len() > ALARM_HISTORY_LIMIT {
            self.items.pop_front();
            self.dropped += 1;
        }
    }
}

/// A notification an alarm's action sends to an SNS topic, formatted as CloudWatch formats it (§3.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlarmNotice {
    pub alarm: String,
    pub topic_arn: String,
    /// `ALARM: "name" in US East (N. Virginia)`.
    pub subject: String,
    /// The JSON message (what an SQS subscriber receives as `Message`).
    pub message: String,
    /// The text an email subscriber receives.
    pub email_text: String,
    pub at_epoch_ms: u64,
}


