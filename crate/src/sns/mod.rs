//! Amazon SNS: standard topics, email and SQS subscriptions, `Publish`, and the inbox where deliveries land
//! (each email address and each queue is an endpoint of the inbox). CloudWatch alarm actions publish here
//! (the engine hands each alarm notice to [`SnsState::publish_alarm`]).
//!
//! Confirmation, as AWS documents it (botocore sns `Subscribe`): "If the endpoint type is HTTP/S or email, or if
//! the endpoint and the topic are not in the same Amazon Web Services account, the endpoint owner must run the
//! `ConfirmSubscription` action to confirm the subscription. You call the `ConfirmSubscription` action with the
//! token from the subscription response." So an email subscription stays "pending confirmation" until confirmed:
//! its inbox receives the confirmation message with the token, and `sns:ConfirmSubscription` (the app's Confirm
//! button makes that call) confirms it. An SQS queue of the same account is confirmed at once. Only confirmed
//! subscriptions receive messages.
//!
//! IAM: a CloudWatch alarm publishing to a topic of its own account needs no policy of the learner's (the
//! topic's default access policy lets the account's services publish), so no IAM check is made for it.

#[cfg(test)]
mod tests;

use std::collections::VecDeque;

use serde_json::{json, Value};

use crate::api::calls::{handled_by, Handler};
use crate::api::texts;
use crate::api::{ApiError, ApiResult, Dialect, Request};
use crate::ids::{mix, salt};
use crate::table::Table;

/// Topics kept (AWS's default quota is 100,000 standard topics per account; the playground keeps fewer).
pub const MAX_TOPICS: usize = 100;
/// Subscriptions kept over all topics.
pub const MAX_SUBSCRIPTIONS: usize = 200;
/// Messages kept per endpoint (oldest dropped first).
pub const INBOX_PER_ENDPOINT: usize = 50;
/// Messages kept in the whole inbox (oldest dropped first).
pub const INBOX_TOTAL: usize = 500;
/// The subject of the confirmation message an email endpoint receives (real SNS emails).
pub const CONFIRMATION_SUBJECT: &str = "AWS Notification - Subscription Confirmation";

/// What SNS answers for a subscription that waits for confirmation (botocore `SubscribeResponse`).
pub const PENDING_CONFIRMATION: &str = "pending confirmation";

/// A subscription's protocol (the two the playground delivers to).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    Email,
    Sqs,
}

impl Protocol {
    pub fn as_aws(self) -> &'static str {
        match self {
            Protocol::Email => "email",
            Protocol::Sqs => "sqs",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    pub name: String,
    pub arn: String,
    pub created_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub arn: String,
    pub topic_arn: String,
    pub protocol: Protocol,
    pub endpoint: String,
    pub confirmed: bool,
    /// The confirmation token sent to the endpoint.
    pub token: String,
}

/// What a delivery is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryKind {
    SubscriptionConfirmation,
    Notification,
}

/// One message that reached an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub message_id: String,
    pub kind: DeliveryKind,
    pub protocol: Protocol,
    pub endpoint: String,
    pub topic_arn: String,
    pub subscription_arn: String,
    pub subject: String,
    /// The email text, or for SQS the message body (SNS's JSON envelope).
    pub body: String,
    pub at_epoch_ms: u64,
    /// For a confirmation: the token `ConfirmSubscription` takes.
    pub token: Option<String>,
}

/// Every endpoint's messages, oldest first, bounded per endpoint and in total.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inbox {
    pub deliveries: VecDeque<Delivery>,
    /// Messages dropped to keep the bounds.
    pub dropped: u64,
}

impl Inbox {
    fn push(&mut self, delivery: Delivery) {
        let endpoint = delivery.endpoint.clone();
        self.deliveries.push_back(delivery);
        if self.deliveries.iter().filter(|d| d.endpoint == endpoint).count() > INBOX_PER_ENDPOINT {
            if let Some(i) = self.deliveries.iter().position(|d| d.endpoint == endpoint) {
                self.deliveries.remove(i);
                self.dropped += 1;
            }
        }
        while self.deliveries.len() > INBOX_TOTAL {
            self.deliveries.pop_front();
            self.dropped += 1;
        }
    }
}

/// What an SNS call needs of the world.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnsContext {
    pub region: String,
    pub account_id: String,
    pub now_epoch_ms: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnsState {
    /// Topics by ARN.
    pub topics: Table<String, Topic>,
    /// Subscriptions by ARN, in creation order of their ids.
    pub subscriptions: Table<String, Subscription>,
    pub inbox: Inbox,
    counter: u64,
}

fn topic_not_found() -> ApiError {
    // text: SNS's answer for a topic that does not exist ("An error occurred (NotFound) ...: Topic does not
    // exist", public CLI output).
    ApiError::new("NotFound", "Topic does not exist")
}

fn invalid_parameter(what: &str) -> ApiError {
    // text: SNS names a bad member as "Invalid parameter: <what>" (public CLI output, e.g. "Invalid parameter:
    // Topic Name"); the `<what>` of each call here is [UNVERIFIED] where not seen.
    ApiError::new("InvalidParameter", format!("Invalid parameter: {what}"))
}

/// A JSON object with its members in the given order; values are JSON texts.
fn ordered(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{}:{v}", Value::from(*k))).collect();
    format!("{{{}}}", body.join(","))
}

impl SnsState {
    pub fn new() -> SnsState {
        SnsState::default()
    }

    fn next_uuid(&mut self, kind: &str) -> String {
        self.counter += 1;
        let a = mix(self.counter ^ salt(kind));
        let b = mix(a);
        format!("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFF, 0x8000 | ((b >> 48) & 0x3FFF), b & 0xFFFF_FFFF_FFFF)
    }

    fn next_token(&mut self) -> String {
        self.counter += 1;
        (0..4).map(|i| format!("{:016x}", mix(self.counter.wrapping_mul(31).wrapping_add(i)))).collect()
    }

    /// Handles an `sns:*` call; `None` when the call table does not route `call` here.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &SnsContext) -> Option<ApiResult> {
        if !handled_by(call, Handler::Sns) {
            return None;
        }
        let request = Request::new(input, Dialect::Query);
        if !input.is_object() {
            return Some(Err(request.invalid("The request input must be a JSON object.")));
        }
        Some(match call {
            "sns:CreateTopic" => self.create_topic(&request, ctx),
            "sns:DeleteTopic" => self.delete_topic(&request),
            "sns:ListTopics" => Ok(json!({ "Topics": self.topics.values().map(|t| json!({ "TopicArn": t.arn })).collect::<Vec<_>>() })),
            "sns:Subscribe" => self.subscribe(&request, ctx),
            "sns:ConfirmSubscription" => self.confirm_subscription(&request),
            "sns:Unsubscribe" => self.unsubscribe(&request),
            "sns:ListSubscriptionsByTopic" => self.list_subscriptions_by_topic(&request),
            "sns:Publish" => self.publish_call(&request, ctx),
            _ => return None,
        })
    }

    /// `CreateTopic`: names are 1 to 256 letters, digits, hyphens and underscores (botocore `CreateTopicInput`);
    /// creating an existing name answers its ARN again (the call is idempotent).
    fn create_topic(&mut self, request: &Request, ctx: &SnsContext) -> ApiResult {
        let name = request.required_string("Name")?;
        if name.is_empty() || name.len() > 256 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(invalid_parameter("Topic Name"));
        }
        if request.get("Attributes").and_then(|a| a.get("FifoTopic")).and_then(Value::as_str) == Some("true") {
            return Err(ApiError::new("InvalidParameter", "Invalid parameter: FifoTopic (the playground models standard topics only)"));
        }
        let arn = format!("arn:aws:sns:{}:{}:{name}", ctx.region, ctx.account_id);
        if !self.topics.contains_key(&arn) {
            if self.topics.len() >= MAX_TOPICS {
                return Err(ApiError::new("TopicLimitExceeded", format!("Topic limit exceeded (the playground keeps at most {MAX_TOPICS} topics)")));
            }
            self.topics.insert(arn.clone(), Topic { name: name.to_string(), arn: arn.clone(), created_ms: ctx.now_epoch_ms });
        }
        Ok(json!({ "TopicArn": arn }))
    }

    fn topic_arn<'r>(&self, request: &Request<'r>) -> Result<&'r str, ApiError> {
        let arn = request.required_string("TopicArn")?;
        if !arn.starts_with("arn:aws:sns:") {
            return Err(invalid_parameter("TopicArn"));
        }
        if !self.topics.contains_key(arn) {
            return Err(topic_not_found());
        }
        Ok(arn)
    }

    /// `DeleteTopic`: the topic and its subscriptions go; deleting a topic that does not exist succeeds
    /// ("this action is idempotent", botocore `DeleteTopic`).
    fn delete_topic(&mut self, request: &Request) -> ApiResult {
        let arn = request.required_string("TopicArn")?.to_string();
        self.topics.remove(&arn);
        let gone: Vec<String> = self.subscriptions.values().filter(|s| s.topic_arn == arn).map(|s| s.arn.clone()).collect();
        for s in gone {
            self.subscriptions.remove(&s);
        }
        Ok(json!({}))
    }

    fn subscribe(&mut self, request: &Request, ctx: &SnsContext) -> ApiResult {
        let topic_arn = self.topic_arn(request)?.to_string();
        let protocol = match request.required_string("Protocol")? {
            "email" => Protocol::Email,
            "sqs" => Protocol::Sqs,
            // text: "Invalid parameter: Amazon SNS does not support this protocol string: <protocol>" (public CLI
            // output). The playground delivers to email and sqs only, so the other AWS protocols are refused too.
            other => return Err(invalid_parameter(&format!("Amazon SNS does not support this protocol string: {other}"))),
        };
        let endpoint = request.str("Endpoint").unwrap_or("").to_string();
        match protocol {
            Protocol::Email => {
                let valid = endpoint.split_once('@').is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')) && !endpoint.contains(char::is_whitespace);
                if !valid {
                    return Err(invalid_parameter("Email address"));
                }
            }
            Protocol::Sqs => {
                let parts: Vec<&str> = endpoint.split(':').collect();
                if parts.len() != 6 || parts[..3] != ["arn", "aws", "sqs"] || parts[5].is_empty() {
                    return Err(invalid_parameter("SQS endpoint ARN"));
                }
            }
        }
        let return_arn = request.typed_bool("ReturnSubscriptionArn")?.unwrap_or(false);
        let answer = |s: &Subscription| json!({ "SubscriptionArn": if s.confirmed || return_arn { s.arn.as_str() } else { PENDING_CONFIRMATION } });
        // Subscribing the same endpoint again answers the existing subscription (a pending email one gets its
        // confirmation message again).
        if let Some(existing) = self.subscriptions.values().find(|s| s.topic_arn == topic_arn && s.protocol == protocol && s.endpoint == endpoint).cloned() {
            if !existing.confirmed {
                self.send_confirmation(&existing, ctx);
            }
            return Ok(answer(&existing));
        }
        if self.subscriptions.len() >= MAX_SUBSCRIPTIONS {
            return Err(ApiError::new("SubscriptionLimitExceeded", format!("Subscription limit exceeded (the playground keeps at most {MAX_SUBSCRIPTIONS} subscriptions)")));
        }
        let arn = format!("{topic_arn}:{}", self.next_uuid("sns-subscription"));
        // An SQS queue of the topic's own account is confirmed at once (botocore `Subscribe`, quoted above).
        let same_account = endpoint.split(':').nth(4) == Some(ctx.account_id.as_str());
        let confirmed = protocol == Protocol::Sqs && same_account;
        let token = self.next_token();
        let subscription = Subscription { arn: arn.clone(), topic_arn, protocol, endpoint, confirmed, token };
        if !confirmed {
            self.send_confirmation(&subscription, ctx);
        }
        let out = answer(&subscription);
        self.subscriptions.insert(arn, subscription);
        Ok(out)
    }

    /// The confirmation message: an email with the link to confirm (the text of real SNS confirmation emails),
    /// or for a queue SNS's `SubscriptionConfirmation` JSON with its `Token`.
    fn send_confirmation(&mut self, s: &Subscription, ctx: &SnsContext) {
        let message_id = self.next_uuid("sns-confirmation");
        let body = match s.protocol {
            Protocol::Email => format!(
                "You have chosen to subscribe to the topic: \n{}\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary): \nConfirm subscription\n\nPlease do not reply directly to this email. If you wish to remove yourself from receiving all future SNS subscription confirmation requests please send an email to sns-opt-out",
                s.topic_arn
            ),
            Protocol::Sqs => ordered(&[
                ("Type", Value::from("SubscriptionConfirmation").to_string()),
                ("MessageId", Value::from(message_id.as_str()).to_string()),
                ("Token", Value::from(s.token.as_str()).to_string()),
                ("TopicArn", Value::from(s.topic_arn.as_str()).to_string()),
                ("Message", Value::from(format!("You have chosen to subscribe to the topic {}.\nTo confirm the subscription, visit the SubscribeURL included in this message.", s.topic_arn)).to_string()),
                ("Timestamp", Value::from(crate::time::format_iso8601_ms(ctx.now_epoch_ms)).to_string()),
            ]),
        };
        self.inbox.push(Delivery {
            message_id,
            kind: DeliveryKind::SubscriptionConfirmation,
            protocol: s.protocol,
            endpoint: s.endpoint.clone(),
            topic_arn: s.topic_arn.clone(),
            subscription_arn: s.arn.clone(),
            subject: if s.protocol == Protocol::Email { CONFIRMATION_SUBJECT.to_string() } else { String::new() },
            body,
            at_epoch_ms: ctx.now_epoch_ms,
            token: Some(s.token.clone()),
        });
    }

    fn confirm_subscription(&mut self, request: &Request) -> ApiResult {
        let topic_arn = self.topic_arn(request)?.to_string();
        let token = request.required_string("Token")?;
        let Some(s) = self.subscriptions.values_mut().find(|s| s.topic_arn == topic_arn && s.token == token) else {
            // text: "Invalid parameter: Token" (public CLI output for an unknown token).
            return Err(invalid_parameter("Token"));
        };
        s.confirmed = true;
        Ok(json!({ "SubscriptionArn": s.arn }))
    }

    fn unsubscribe(&mut self, request: &Request) -> ApiResult {
        let arn = request.required_string("SubscriptionArn")?;
        // Unsubscribing a subscription that does not exist succeeds: the API reference lists NotFound, but real
        // calls answer without an error (verified against AWS in getmoto/moto#3000).
        self.subscriptions.remove(arn);
        Ok(json!({}))
    }

    /// `ListSubscriptionsByTopic`: a pending subscription's ARN reads `PendingConfirmation` (as SNS lists it).
    fn list_subscriptions_by_topic(&self, request: &Request) -> ApiResult {
        let topic_arn = self.topic_arn(request)?;
        let list: Vec<Value> = self
            .subscriptions
            .values()
            .filter(|s| s.topic_arn == topic_arn)
            .map(|s| {
                let arn = topic_arn_shown(s);
                let owner = s.topic_arn.split(':').nth(4).unwrap_or("");
                json!({ "SubscriptionArn": arn, "Owner": owner, "Protocol": s.protocol.as_aws(), "Endpoint": s.endpoint, "TopicArn": s.topic_arn })
            })
            .collect();
        Ok(json!({ "Subscriptions": list }))
    }

    fn publish_call(&mut self, request: &Request, ctx: &SnsContext) -> ApiResult {
        if request.get("PhoneNumber").is_some() {
            return Err(invalid_parameter("PhoneNumber (the playground delivers to topics only)"));
        }
        let topic_arn = match (request.str("TopicArn"), request.str("TargetArn")) {
            (Some(t), _) | (None, Some(t)) => t.to_string(),
            (None, None) => return Err(invalid_parameter("TopicArn or TargetArn Reason: no value for required parameter")),
        };
        if !self.topics.contains_key(&topic_arn) {
            return Err(topic_not_found());
        }
        let message = request.required_string("Message")?;
        if message.is_empty() {
            return Err(ApiError::new("InvalidParameter", texts::is_required("Message", texts::Ending::Clause)));
        }
        if message.len() > 262_144 {
            // botocore `PublishInput.Message`: "Messages must be UTF-8 encoded strings and at most 256 KB in size".
            return Err(invalid_parameter("Message too long"));
        }
        let subject = request.str("Subject").unwrap_or("");
        if subject.len() >= 100 || subject.chars().any(char::is_control) {
            // botocore `PublishInput.Subject`: "must not include line breaks or control characters; and must be
            // less than 100 characters long".
            return Err(invalid_parameter("Subject"));
        }
        // MessageStructure json: one message per protocol, with "default" required (botocore `PublishInput`).
        let (default, email, sqs) = if request.str("MessageStructure") == Some("json") {
            let parsed: Value = serde_json::from_str(message).map_err(|_| invalid_parameter("Message Structure - JSON message body failed to parse"))?;
            let default = parsed.get("default").and_then(Value::as_str).ok_or_else(|| invalid_parameter("Message Structure - No default entry in JSON message body"))?.to_string();
            let pick = |p: &str| parsed.get(p).and_then(Value::as_str).map(str::to_string);
            (default.clone(), pick("email"), pick("sqs"))
        } else {
            (message.to_string(), None, None)
        };
        let id = self.publish(&topic_arn, subject, &default, email.as_deref(), sqs.as_deref(), ctx.now_epoch_ms);
        Ok(json!({ "MessageId": id }))
    }

    /// Delivers a message to every confirmed subscription of a topic (the topic must exist); `email` and `sqs`
    /// replace `default` for their protocol. Returns the message id.
    pub fn publish(&mut self, topic_arn: &str, subject: &str, default: &str, email: Option<&str>, sqs: Option<&str>, now_epoch_ms: u64) -> String {
        let message_id = self.next_uuid("sns-message");
        let targets: Vec<Subscription> = self.subscriptions.values().filter(|s| s.topic_arn == topic_arn && s.confirmed).cloned().collect();
        for s in targets {
            let body = match s.protocol {
                // Real SNS emails end with the unsubscribe footer.
                Protocol::Email => format!(
                    "{}\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\nhttps://sns.{}.amazonaws.com/unsubscribe.html?SubscriptionArn={}\n\nPlease do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support",
                    email.unwrap_or(default),
                    topic_arn.split(':').nth(3).unwrap_or(""),
                    s.arn
                ),
                // SNS's JSON envelope as an SQS queue receives it (the signature members are left out).
                Protocol::Sqs => ordered(&[
                    ("Type", Value::from("Notification").to_string()),
                    ("MessageId", Value::from(message_id.as_str()).to_string()),
                    ("TopicArn", Value::from(topic_arn).to_string()),
                    ("Subject", if subject.is_empty() { "null".into() } else { Value::from(subject).to_string() }),
                    ("Message", Value::from(sqs.unwrap_or(default)).to_string()),
                    ("Timestamp", Value::from(crate::time::format_iso8601_ms(now_epoch_ms)).to_string()),
                    ("SignatureVersion", Value::from("1").to_string()),
                    ("UnsubscribeURL", Value::from(format!("https://sns.{}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={}", topic_arn.split(':').nth(3).unwrap_or(""), s.arn)).to_string()),
                ]),
            };
            self.inbox.push(Delivery {
                message_id: message_id.clone(),
                kind: DeliveryKind::Notification,
                protocol: s.protocol,
                endpoint: s.endpoint.clone(),
                topic_arn: topic_arn.to_string(),
                subscription_arn: s.arn.clone(),
                // An email without a subject gets SNS's default subject [UNVERIFIED].
                subject: if subject.is_empty() && s.protocol == Protocol::Email { "AWS Notification Message".to_string() } else { subject.to_string() },
                body,
                at_epoch_ms: now_epoch_ms,
                token: None,
            });
        }
        message_id
    }

    /// The recipient of `endpoint` follows the "Confirm subscription" link of every confirmation message it
    /// received: its pending subscriptions are confirmed (what `ConfirmSubscription` with each token does).
    /// Returns the ARNs confirmed.
    pub fn confirm_endpoint(&mut self, endpoint: &str) -> Vec<String> {
        let mut confirmed = Vec::new();
        for s in self.subscriptions.values_mut().filter(|s| s.endpoint == endpoint && !s.confirmed) {
            s.confirmed = true;
            confirmed.push(s.arn.clone());
        }
        confirmed
    }

    /// An alarm action's notification: the JSON message to queues, the email text to email addresses. `false`
    /// when the topic does not exist (the alarm history records the failed action).
    pub fn publish_alarm(&mut self, topic_arn: &str, subject: &str, message: &str, email_text: &str, now_epoch_ms: u64) -> bool {
        if !self.topics.contains_key(topic_arn) {
            return false;
        }
        self.publish(topic_arn, subject, message, Some(email_text), None, now_epoch_ms);
        true
    }
}

/// A subscription's ARN as SNS lists it: `PendingConfirmation` until confirmed.
fn topic_arn_shown(s: &Subscription) -> &str {
    if s.confirmed {
        &s.arn
    } else {
        "PendingConfirmation"
    }
}
