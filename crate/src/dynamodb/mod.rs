//! Amazon DynamoDB: tables with their key schema and capacity mode (on-demand, or provisioned with burst capacity
//! and throttling past it), items in key order, and the expression subset of `expr` (key conditions, filters,
//! projections, conditions and updates with expression attribute names and values).
//!
//! Sans-IO and deterministic: ordered maps only, exact decimal numbers, times passed in (`DynamoDbContext`). Who
//! may call is decided before a call arrives here (IAM, by the caller); DynamoDB has no resource policy in the
//! playground.

mod api;
pub mod expr;
mod model;
pub mod value;

#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::api::calls::{handled_by, Handler};
use crate::api::{ApiResult, Dialect, Request};

pub use api::{conditional_check_failed, resource_not_found, throughput_exceeded};
pub use model::*;

impl DynamoDbState {
    pub fn new() -> DynamoDbState {
        DynamoDbState::default()
    }

    /// Handles a `dynamodb:*` call. `None` when the call table does not route `call` here.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &DynamoDbContext) -> Option<ApiResult> {
        if !handled_by(call, Handler::DynamoDb) {
            return None;
        }
        let request = Request::new(input, Dialect::Json);
        if !input.is_object() {
            return Some(Err(request.invalid("The request input must be a JSON object.")));
        }
        Some(match call {
            "dynamodb:CreateTable" => self.create_table(&request, ctx),
            "dynamodb:DescribeTable" => self.describe_table(&request, ctx),
            "dynamodb:PutItem" => self.put_item(&request, ctx),
            "dynamodb:GetItem" => self.get_item(&request, ctx),
            "dynamodb:UpdateItem" => self.update_item(&request, ctx),
            "dynamodb:DeleteItem" => self.delete_item(&request, ctx),
            "dynamodb:Query" => self.query_or_scan(&request, ctx, true),
            "dynamodb:Scan" => self.query_or_scan(&request, ctx, false),
            _ => return None,
        })
    }
}
