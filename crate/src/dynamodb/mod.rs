//! Amazon DynamoDB: tables with their key schema and capacity mode, items, and the expression subset.

use serde_json::Value;

use crate::api::ApiResult;

/// Every table of the account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DynamoDbState {}

/// What a DynamoDB call needs to know about the world.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DynamoDbContext {
    pub region: String,
    pub account_id: String,
    pub now_ms: u64,
    pub now_epoch_s: u64,
}

impl DynamoDbState {
    pub fn handle(&mut self, _call: &str, _input: &Value, _ctx: &DynamoDbContext) -> Option<ApiResult> {
        None
    }
}
