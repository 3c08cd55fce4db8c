//! The engine's wiring to the services an application calls: S3 buckets and DynamoDB tables (their calls and
//! contexts), and the accessors the app reads them through.

use serde_json::Value;

use crate::api::ApiResult;
use crate::dynamodb::{DynamoDbContext, DynamoDbState};
use crate::s3::{S3Context, S3State};

use super::engine::Sim;
use super::model::ACCOUNT_ID;

/// The state of the application services of the account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Integrations {
    pub s3: S3State,
    pub dynamodb: DynamoDbState,
}

impl Sim {
    pub(super) fn s3_context(&self) -> S3Context {
        S3Context { region: self.scenario.region.clone(), account_id: ACCOUNT_ID.to_string(), now_iso: self.iso_time(self.now), now_ms: self.now.0 }
    }

    pub(super) fn dynamodb_context(&self) -> DynamoDbContext {
        DynamoDbContext {
            region: self.scenario.region.clone(),
            account_id: ACCOUNT_ID.to_string(),
            now_ms: self.now.0,
            now_epoch_s: (self.scenario.start_epoch_ms + self.now.0) / 1000,
        }
    }

    /// Answers a call the table routes to S3 or DynamoDB; `None` when neither knows it.
    pub(super) fn integration_call(&mut self, call: &str, input: &Value) -> Option<ApiResult> {
        if call.starts_with("s3:") {
            let context = self.s3_context();
            self.integrations.s3.handle(call, input, &context, &self.iam)
        } else {
            let context = self.dynamodb_context();
            self.integrations.dynamodb.handle(call, input, &context)
        }
    }

    /// The account's S3 buckets, for the app.
    pub fn s3(&self) -> &S3State {
        &self.integrations.s3
    }

    /// The account's DynamoDB tables, for the app.
    pub fn dynamodb(&self) -> &DynamoDbState {
        &self.integrations.dynamodb
    }
}
