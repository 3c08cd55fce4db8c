//! Tests for Amazon SNS: topics, email confirmation, SQS subscriptions, Publish and the bounded inbox.

use serde_json::{json, Value};

use super::*;

fn ctx() -> SnsContext {
    SnsContext { region: "us-east-1".into(), account_id: "123456789012".into(), now_epoch_ms: 1_795_856_400_000 }
}

fn call(s: &mut SnsState, name: &str, input: Value) -> Result<Value, ApiError> {
    s.handle(name, &input, &ctx()).expect("an sns call")
}

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:ops";

#[test]
fn an_email_subscription_waits_for_confirmation_and_then_receives() {
    let mut s = SnsState::new();
    assert_eq!(call(&mut s, "sns:CreateTopic", json!({ "Name": "ops" })).unwrap(), json!({ "TopicArn": TOPIC }));
    // CreateTopic is idempotent.
    assert_eq!(call(&mut s, "sns:CreateTopic", json!({ "Name": "ops" })).unwrap()["TopicArn"], TOPIC);
    let out = call(&mut s, "sns:Subscribe", json!({ "TopicArn": TOPIC, "Protocol": "email", "Endpoint": "ops@example.com" })).unwrap();
    // botocore SubscribeResponse: "the string "pending confirmation" if the subscription requires confirmation".
    assert_eq!(out["SubscriptionArn"], "pending confirmation");
    let listed = call(&mut s, "sns:ListSubscriptionsByTopic", json!({ "TopicArn": TOPIC })).unwrap();
    assert_eq!(listed["Subscriptions"][0]["SubscriptionArn"], "PendingConfirmation");
    assert_eq!(listed["Subscriptions"][0]["Endpoint"], "ops@example.com");
    // Nothing is delivered to a pending subscription; the inbox holds only the confirmation message.
    call(&mut s, "sns:Publish", json!({ "TopicArn": TOPIC, "Subject": "hello", "Message": "first" })).unwrap();
    assert_eq!(s.inbox.deliveries.len(), 1);
    let confirmation = &s.inbox.deliveries[0];
    assert_eq!((confirmation.kind, confirmation.subject.as_str()), (DeliveryKind::SubscriptionConfirmation, "AWS Notification - Subscription Confirmation"));
    assert!(confirmation.body.starts_with("You have chosen to subscribe to the topic: \narn:aws:sns:us-east-1:123456789012:ops"));
    let token = confirmation.token.clone().unwrap();
    let e = call(&mut s, "sns:ConfirmSubscription", json!({ "TopicArn": TOPIC, "Token": "wrong" })).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("InvalidParameter", "Invalid parameter: Token"));
    let confirmed = call(&mut s, "sns:ConfirmSubscription", json!({ "TopicArn": TOPIC, "Token": token })).unwrap();
    let arn = confirmed["SubscriptionArn"].as_str().unwrap().to_string();
    assert!(arn.starts_with("arn:aws:sns:us-east-1:123456789012:ops:"), "{arn}");
    let published = call(&mut s, "sns:Publish", json!({ "TopicArn": TOPIC, "Subject": "hello", "Message": "second" })).unwrap();
    let last = s.inbox.deliveries.back().unwrap();
    assert_eq!((last.kind, last.subject.as_str(), last.message_id.as_str()), (DeliveryKind::Notification, "hello", published["MessageId"].as_str().unwrap()));
    assert!(last.body.starts_with("second\n\n--\nIf you wish to stop receiving notifications from this topic"));
    call(&mut s, "sns:Unsubscribe", json!({ "SubscriptionArn": arn })).unwrap();
    // Unsubscribing again answers without an error, as AWS does.
    call(&mut s, "sns:Unsubscribe", json!({ "SubscriptionArn": arn })).unwrap();
    call(&mut s, "sns:Publish", json!({ "TopicArn": TOPIC, "Message": "third" })).unwrap();
    assert_eq!(s.inbox.deliveries.len(), 2);
}

#[test]
fn an_sqs_queue_of_the_account_is_confirmed_at_once_and_gets_the_json_envelope() {
    let mut s = SnsState::new();
    call(&mut s, "sns:CreateTopic", json!({ "Name": "ops" })).unwrap();
    let out = call(&mut s, "sns:Subscribe", json!({ "TopicArn": TOPIC, "Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:123456789012:alarms" })).unwrap();
    assert!(out["SubscriptionArn"].as_str().unwrap().starts_with(TOPIC));
    // A queue of another account must confirm.
    let other = call(&mut s, "sns:Subscribe", json!({ "TopicArn": TOPIC, "Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:210987654321:theirs" })).unwrap();
    assert_eq!(other["SubscriptionArn"], "pending confirmation");
    call(&mut s, "sns:Publish", json!({ "TopicArn": TOPIC, "Subject": "s", "Message": "{\"a\":1}" })).unwrap();
    let ours: Vec<&Delivery> = s.inbox.deliveries.iter().filter(|d| d.endpoint.ends_with(":alarms")).collect();
    assert_eq!(ours.len(), 1);
    let envelope: Value = serde_json::from_str(&ours[0].body).unwrap();
    assert_eq!((envelope["Type"].as_str(), envelope["Message"].as_str(), envelope["Subject"].as_str()), (Some("Notification"), Some("{\"a\":1}"), Some("s")));
    assert!(ours[0].body.starts_with("{\"Type\":\"Notification\",\"MessageId\":"));
}

#[test]
fn bad_input_is_refused_naming_the_field_and_changes_nothing() {
    let mut s = SnsState::new();
    assert_eq!(call(&mut s, "sns:CreateTopic", json!({ "Name": "has space" })).unwrap_err().message, "Invalid parameter: Topic Name");
    assert!(s.topics.is_empty());
    assert_eq!(call(&mut s, "sns:Subscribe", json!({ "TopicArn": TOPIC, "Protocol": "email", "Endpoint": "a@b.c" })).unwrap_err().code, "NotFound");
    call(&mut s, "sns:CreateTopic", json!({ "Name": "ops" })).unwrap();
    assert_eq!(call(&mut s, "sns:Subscribe", json!({ "TopicArn": TOPIC, "Protocol": "email", "Endpoint": "not-an-address" })).unwrap_err().message, "Invalid parameter: Email address");
    assert!(call(&mut s, "sns:Subscribe", json!({ "TopicArn": TOPIC, "Protocol": "carrier-pigeon", "Endpoint": "x" })).unwrap_err().message.contains("carrier-pigeon"));
    assert_eq!(call(&mut s, "sns:Publish", json!({ "TopicArn": TOPIC, "Subject": "x".repeat(100), "Message": "m" })).unwrap_err().message, "Invalid parameter: Subject");
    assert_eq!(call(&mut s, "sns:Publish", json!({ "TopicArn": TOPIC, "MessageStructure": "json", "Message": "{\"email\":\"x\"}" })).unwrap_err().message, "Invalid parameter: Message Structure - No default entry in JSON message body");
    assert!(s.subscriptions.is_empty() && s.inbox.deliveries.is_empty());
    for input in [json!(null), json!([]), json!({ "TopicArn": 5 }), json!({ "Name": {} })] {
        for c in ["sns:CreateTopic", "sns:Subscribe", "sns:Publish", "sns:ConfirmSubscription", "sns:Unsubscribe", "sns:ListSubscriptionsByTopic", "sns:DeleteTopic"] {
            assert!(s.handle(c, &input, &ctx()).unwrap().is_err(), "{c} {input}");
        }
    }
}

#[test]
fn the_inbox_is_bounded_per_endpoint_and_in_total() {
    let mut s = SnsState::new();
    call(&mut s, "sns:CreateTopic", json!({ "Name": "ops" })).unwrap();
    for q in 0..12 {
        call(&mut s, "sns:Subscribe", json!({ "TopicArn": TOPIC, "Protocol": "sqs", "Endpoint": format!("arn:aws:sqs:us-east-1:123456789012:q{q}") })).unwrap();
    }
    for i in 0..60 {
        call(&mut s, "sns:Publish", json!({ "TopicArn": TOPIC, "Message": format!("m{i}") })).unwrap();
    }
    // 12 queues × 60 messages = 720: each queue keeps its newest 50 (600), then the total bound keeps 500.
    assert_eq!(s.inbox.deliveries.len(), INBOX_TOTAL);
    assert_eq!(s.inbox.dropped, 720 - INBOX_TOTAL as u64);
    for q in 0..12 {
        let n = s.inbox.deliveries.iter().filter(|d| d.endpoint.ends_with(&format!(":q{q}"))).count();
        assert!(n <= INBOX_PER_ENDPOINT, "q{q}: {n}");
    }
    assert!(s.inbox.deliveries.back().unwrap().body.contains("\"Message\":\"m59\""));
}
