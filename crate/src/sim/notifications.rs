//! Alarm notifications in the engine: the notices of CloudWatch alarm actions (queued by the scaling model on
//! each state change, whether from an evaluation or `SetAlarmState`) are published to their SNS topics, and
//! each outcome is written to the alarm's history and the event log.

use serde_json::json;

use crate::api::{ApiError, ApiResult, Request};

use super::engine::Sim;
use super::model::ACCOUNT_ID;
use super::record::LogKind;

impl Sim {
    pub(super) fn sns_context(&self) -> crate::sns::SnsContext {
        crate::sns::SnsContext { region: self.scenario.region.clone(), account_id: ACCOUNT_ID.to_string(), now_epoch_ms: self.scenario.start_epoch_ms + self.now.0 }
    }

    /// Publishes every queued alarm notice. Alarm → SNS in one account needs no IAM permission of the learner's
    /// (see `sns/mod.rs`), so none is checked.
    pub(super) fn deliver_alarm_notices(&mut self) {
        for notice in self.scaling.take_alarm_notices() {
            let at = self.scenario.start_epoch_ms + self.now.0;
            let delivered = self.sns.publish_alarm(&notice.topic_arn, &notice.subject, &notice.message, &notice.email_text, at);
            self.scaling.record_action(&notice.alarm, &notice.topic_arn, delivered, at);
            let topic = notice.topic_arn.rsplit(':').next().unwrap_or("").to_string();
            let message = if delivered { format!("Alarm {} notified SNS topic {topic}: {}", notice.alarm, notice.subject) } else { format!("Alarm {} could not notify SNS topic {topic}: the topic does not exist.", notice.alarm) };
            self.log_entry(LogKind::Alarm, format!("alarm {}", notice.alarm), message);
        }
    }

    /// `sim:ConfirmSubscription` `{ "endpoint": "ops@example.com" }`: the recipient clicks "Confirm subscription"
    /// in the confirmation email (what the app's Confirm button and a scenario step do; AWS has no API for the
    /// click itself, whose effect is `sns:ConfirmSubscription` with the email's token).
    pub(super) fn confirm_subscription_link(&mut self, request: &Request) -> ApiResult {
        let endpoint = request.required_str("endpoint", "endpoint")?;
        let confirmed = self.sns.confirm_endpoint(endpoint);
        if confirmed.is_empty() {
            return Err(ApiError::invalid_parameter(format!("No subscription of {endpoint} is waiting for confirmation.")));
        }
        Ok(json!({ "SubscriptionArns": confirmed }))
    }
}
