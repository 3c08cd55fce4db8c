//! The S3 resources of the account: buckets with their objects, bucket policies and EventBridge setting, and
//! who is calling (the account's administrator, or a task's role).

use std::collections::BTreeMap;

use crate::iam::NamedPolicy;
use crate::table::Table;

/// The most buckets the playground keeps (AWS's default quota was 100 buckets per account for years; it is
/// larger now, but a learner's run needs no more).
pub const MAX_BUCKETS: usize = 100;
/// The most objects one bucket keeps in the playground (a bound of the model, not an S3 limit).
pub const MAX_OBJECTS_PER_BUCKET: usize = 1_000;
/// The largest object body the playground stores, in bytes (S3 itself takes up to 5 GB in one PutObject).
pub const MAX_OBJECT_BYTES: usize = 64 * 1024;
/// ListObjectsV2 returns "up to 1,000" keys by default and at most (BOTO s3 `MaxKeys` doc).
pub const MAX_LIST_KEYS: usize = 1_000;

/// One stored object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Object {
    pub key: String,
    pub body: String,
    pub size_bytes: u64,
    /// The entity tag with its double quotes, as S3 returns it.
    pub etag: String,
    pub content_type: String,
    pub last_modified_iso: String,
    /// Sim time of the last write, in milliseconds.
    pub last_modified_ms: u64,
}

/// A bucket policy as given and as the evaluator reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketPolicy {
    pub text: String,
    pub parsed: NamedPolicy,
}

/// One general purpose bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    pub name: String,
    pub region: String,
    pub creation_date_iso: String,
    /// Objects by key; keys sort as S3 lists them (UTF-8 binary order).
    pub objects: BTreeMap<String, S3Object>,
    pub policy: Option<BucketPolicy>,
    /// Whether `PutBucketNotificationConfiguration` turned on Amazon EventBridge delivery.
    pub eventbridge_enabled: bool,
}

impl Bucket {
    /// `arn:aws:s3:::<bucket>`: S3 ARNs have no Region and no account.
    pub fn arn(&self) -> String {
        bucket_arn(&self.name)
    }
}

/// `arn:aws:s3:::<bucket>`.
pub fn bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

/// `arn:aws:s3:::<bucket>/<key>`.
pub fn object_arn(bucket: &str, key: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{key}")
}

/// Who makes an S3 request: it decides which identity policy applies, and the principal a bucket policy sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller<'a> {
    /// The learner, as the account's administrator: every identity-based check passes, but an explicit Deny of a
    /// bucket policy still applies.
    Administrator,
    /// A task's IAM role (the task role), with the session name its credentials carry (the task id).
    Role { role_arn: &'a str, session: &'a str },
}

/// An object created in a bucket with EventBridge turned on: what S3 sends as an `Object Created` event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectCreatedEvent {
    pub bucket: String,
    pub key: String,
    pub size_bytes: u64,
    pub etag: String,
    pub time_ms: u64,
}

/// What an S3 call needs to know about the world.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct S3Context {
    pub region: String,
    pub account_id: String,
    pub now_iso: String,
    pub now_ms: u64,
}

/// Every bucket of the account.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct S3State {
    pub buckets: Table<String, Bucket>,
    /// Object Created events not yet taken by EventBridge, oldest first (bounded by [`MAX_PENDING_EVENTS`]).
    pub pending_events: Vec<ObjectCreatedEvent>,
    /// Events dropped because the queue was full.
    pub n_events_dropped: u64,
}

/// The most Object Created events waiting for EventBridge.
pub const MAX_PENDING_EVENTS: usize = 100;

impl S3State {
    pub fn new() -> S3State {
        S3State::default()
    }
}
