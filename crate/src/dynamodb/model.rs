//! The DynamoDB tables of the account: key schema, capacity mode with the capacity left to spend, and items in key
//! order.

use std::collections::BTreeMap;

use super::value::{AttrValue, Item, Num};
use crate::table::Table;

/// The most tables the playground keeps (DynamoDB's default quota is 2,500 tables per Region).
pub const MAX_TABLES: usize = 100;
/// The most items one table keeps in the playground (a bound of the model, not a DynamoDB limit).
pub const MAX_ITEMS_PER_TABLE: usize = 1_000;
/// "The maximum item size in DynamoDB is 400 KB" (Developer Guide, "Quotas").
pub const MAX_ITEM_BYTES: u64 = 400 * 1024;
/// How long a new table stays CREATING. [UNVERIFIED] DynamoDB documents no figure; a small table is usually ACTIVE
/// within seconds.
pub const TABLE_CREATION_MS: u64 = 2_000;
/// Burst capacity: "DynamoDB currently retains up to five minutes (300 seconds) of unused read and write capacity"
/// (Developer Guide, "Burst capacity").
pub const BURST_SECONDS: u64 = 300;

/// The type of a key attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarType {
    S,
    N,
    B,
}

impl ScalarType {
    pub fn as_aws(self) -> &'static str {
        match self {
            ScalarType::S => "S",
            ScalarType::N => "N",
            ScalarType::B => "B",
        }
    }
}

/// One key attribute of a table: its name and type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyAttr {
    pub name: String,
    pub kind: ScalarType,
}

/// A key value, ordered as DynamoDB orders a sort key: numbers by value, strings and binaries by UTF-8 bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyPart {
    N(Num),
    S(String),
    B(String),
}

impl KeyPart {
    pub fn of(value: &AttrValue) -> Option<KeyPart> {
        match value {
            AttrValue::S(s) => Some(KeyPart::S(s.clone())),
            AttrValue::N(n) => Some(KeyPart::N(*n)),
            AttrValue::B(b) => Some(KeyPart::B(b.clone())),
            _ => None,
        }
    }
}

/// The capacity mode of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillingMode {
    /// On-demand: no throttling in the playground (DynamoDB's per-partition limits are not modelled).
    PayPerRequest,
    /// Provisioned read and write capacity units per second.
    Provisioned { read_units: u64, write_units: u64 },
}

/// A token bucket of capacity, in thousandths of a unit: it fills at the provisioned rate and holds up to
/// [`BURST_SECONDS`] of it. It starts empty when the table is created. [UNVERIFIED] how full a new table's burst
/// capacity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityBucket {
    pub milli_units: u64,
    pub updated_ms: u64,
}

impl CapacityBucket {
    /// Fills the bucket up to `now_ms` at `units_per_second`, then takes `milli_units` if it holds them.
    pub fn take(&mut self, now_ms: u64, units_per_second: u64, milli_units: u64) -> bool {
        let elapsed_ms = now_ms.saturating_sub(self.updated_ms);
        // Units per second times milliseconds is thousandths of a unit.
        let cap = units_per_second.saturating_mul(BURST_SECONDS * 1000);
        self.milli_units = self.milli_units.saturating_add(elapsed_ms.saturating_mul(units_per_second)).min(cap);
        self.updated_ms = now_ms;
        if self.milli_units >= milli_units {
            self.milli_units -= milli_units;
            true
        } else {
            false
        }
    }
}

/// One table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DynamoTable {
    pub name: String,
    pub arn: String,
    pub table_id: String,
    pub hash_key: KeyAttr,
    pub range_key: Option<KeyAttr>,
    /// Every attribute definition, as given (the key attributes).
    pub attribute_definitions: Vec<KeyAttr>,
    pub billing: BillingMode,
    pub created_ms: u64,
    pub created_epoch_s: u64,
    /// Items by (partition key, sort key).
    pub items: BTreeMap<(KeyPart, Option<KeyPart>), Item>,
    pub reads: CapacityBucket,
    pub writes: CapacityBucket,
    /// Requests refused with ProvisionedThroughputExceededException.
    pub n_throttled_reads: u64,
    pub n_throttled_writes: u64,
}

impl DynamoTable {
    /// CREATING until [`TABLE_CREATION_MS`] after creation, then ACTIVE.
    pub fn status(&self, now_ms: u64) -> &'static str {
        if now_ms < self.created_ms + TABLE_CREATION_MS {
            "CREATING"
        } else {
            "ACTIVE"
        }
    }
}

/// What a DynamoDB call needs to know about the world.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DynamoDbContext {
    pub region: String,
    pub account_id: String,
    pub now_ms: u64,
    pub now_epoch_s: u64,
}

/// Every table of the account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DynamoDbState {
    pub tables: Table<String, DynamoTable>,
}
