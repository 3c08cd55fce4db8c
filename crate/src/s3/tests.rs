//! Table tests of S3: the 404-or-403 rule of a missing key, bucket policies decided with the identity policy, the
//! calls' shapes and refusals.

use serde_json::{json, Value};

use super::*;
use crate::iam::IamState;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn ctx() -> S3Context {
    S3Context { region: "us-east-1".into(), account_id: "123456789012".into(), now_iso: "2026-01-01T00:00:00.000Z".into(), now_ms: 0 }
}

/// An account with the role `app`, whose inline policy is `statements` (none: the role may do nothing).
fn iam_with(statements: Value) -> IamState {
    let mut iam = IamState::new("123456789012");
    iam.handle("iam:CreateRole", &json!({ "RoleName": "app", "AssumeRolePolicyDocument": TRUST }), "2026-01-01T00:00:00Z").unwrap().unwrap();
    if statements.as_array().is_some_and(|s| !s.is_empty()) {
        let document = json!({ "Version": "2012-10-17", "Statement": statements }).to_string();
        iam.handle("iam:PutRolePolicy", &json!({ "RoleName": "app", "PolicyName": "p", "PolicyDocument": document }), "2026-01-01T00:00:00Z").unwrap().unwrap();
    }
    iam
}

const ROLE: Caller<'static> = Caller::Role { role_arn: "arn:aws:iam::123456789012:role/app", session: "task1" };

fn call(s3: &mut S3State, iam: &IamState, name: &str, input: Value) -> Result<Value, crate::api::ApiError> {
    s3.handle(name, &input, &ctx(), iam).expect("an s3 call")
}

fn bucket_with_object() -> S3State {
    let mut s3 = S3State::new();
    let iam = IamState::new("123456789012");
    call(&mut s3, &iam, "s3:CreateBucket", json!({ "Bucket": "in-bucket" })).unwrap();
    call(&mut s3, &iam, "s3:PutObject", json!({ "Bucket": "in-bucket", "Key": "photos/a.jpg", "Body": "jpeg" })).unwrap();
    s3
}

#[test]
fn a_missing_key_is_404_with_list_bucket_and_403_without() {
    // Source: BOTO s3 GetObject doc ("If you have the s3:ListBucket permission on the bucket, Amazon S3 returns an
    // HTTP status code 404 Not Found error. If you don't ... 403 Access Denied error.").
    let get = json!({ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::in-bucket/*" });
    let list = json!({ "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::in-bucket" });
    let list_on_objects = json!({ "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::in-bucket/*" });
    let cases: [(&str, Value, &str, &str); 5] = [
        ("get and list: the object", json!([get, list]), "photos/a.jpg", "ok"),
        ("get and list: a missing key", json!([get, list]), "photos/b.jpg", "NoSuchKey"),
        ("get only: a missing key", json!([get]), "photos/b.jpg", "AccessDenied:Access Denied"),
        ("list granted on the objects, not the bucket", json!([get, list_on_objects]), "photos/b.jpg", "AccessDenied:Access Denied"),
        ("no get: denied by identity", json!([list]), "photos/a.jpg", "AccessDenied:User:"),
    ];
    let s3 = bucket_with_object();
    for (name, statements, key, expected) in cases {
        let iam = iam_with(statements);
        let outcome = match s3.get_object(ROLE, "in-bucket", key, &iam) {
            Ok(object) => {
                assert_eq!(object.body, "jpeg", "{name}");
                "ok".to_string()
            }
            Err(e) if e.code == "AccessDenied" => format!("AccessDenied:{}", e.message),
            Err(e) => e.code.to_string(),
        };
        assert!(outcome.starts_with(expected), "{name}: {outcome}");
    }
}

#[test]
fn a_denial_names_the_session_the_action_and_the_quoted_resource() {
    // Source: S3's message observed in 2024-2026 (../shared/reference/integrations-export.md §2.2).
    let s3 = bucket_with_object();
    let error = s3.get_object(ROLE, "in-bucket", "photos/a.jpg", &iam_with(json!([]))).unwrap_err();
    assert_eq!(
        error.message,
        "User: arn:aws:sts::123456789012:assumed-role/app/task1 is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::in-bucket/photos/a.jpg\" because no identity-based policy allows the s3:GetObject action"
    );
}

#[test]
fn bucket_policies_are_decided_with_the_identity_policy() {
    // Source: IAM User Guide, policy evaluation logic within one account: an explicit Deny in either policy denies;
    // an Allow in either allows.
    let allow_role = json!({ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::123456789012:role/app" }, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::in-bucket/*" });
    let deny_all = json!({ "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::in-bucket/photos/*" });
    let allow_account = json!({ "Effect": "Allow", "Principal": { "AWS": "123456789012" }, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::in-bucket/*" });
    let identity_get = json!({ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" });
    let identity_deny = json!({ "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*" });
    let cases: [(&str, Option<Value>, Value, Result<(), DenialReason>); 6] = [
        ("neither allows", None, json!([]), Err(DenialReason::NoIdentityAllow)),
        ("the bucket policy alone allows the role", Some(json!([allow_role])), json!([]), Ok(())),
        ("the bucket policy allows the account", Some(json!([allow_account])), json!([]), Ok(())),
        ("the identity policy alone allows", None, json!([identity_get]), Ok(())),
        ("a bucket Deny beats an identity Allow", Some(json!([deny_all])), json!([identity_get]), Err(DenialReason::ResourceExplicitDeny)),
        ("an identity Deny beats a bucket Allow", Some(json!([allow_role])), json!([identity_deny]), Err(DenialReason::IdentityExplicitDeny)),
    ];
    for (name, policy, identity, expected) in cases {
        let mut s3 = bucket_with_object();
        let admin = IamState::new("123456789012");
        if let Some(statements) = policy {
            let text = json!({ "Version": "2012-10-17", "Statement": statements }).to_string();
            call(&mut s3, &admin, "s3:PutBucketPolicy", json!({ "Bucket": "in-bucket", "Policy": text })).unwrap();
        }
        let iam = iam_with(identity);
        let bucket = s3.buckets.get("in-bucket").unwrap();
        assert_eq!(decide(bucket, ROLE, "s3:GetObject", "arn:aws:s3:::in-bucket/photos/a.jpg", &iam), expected, "{name}");
    }
}

#[test]
fn a_bucket_policy_deny_applies_to_the_administrator_too() {
    let mut s3 = bucket_with_object();
    let iam = IamState::new("123456789012");
    let text = json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::in-bucket/*" }] }).to_string();
    call(&mut s3, &iam, "s3:PutBucketPolicy", json!({ "Bucket": "in-bucket", "Policy": text })).unwrap();
    let error = call(&mut s3, &iam, "s3:DeleteObject", json!({ "Bucket": "in-bucket", "Key": "photos/a.jpg" })).unwrap_err();
    assert_eq!(error.code, "AccessDenied");
    assert!(error.message.ends_with("with an explicit deny in a resource-based policy"), "{}", error.message);
    assert!(s3.buckets.get("in-bucket").unwrap().objects.contains_key("photos/a.jpg"));
}

#[test]
fn malformed_bucket_policies_are_refused_and_change_nothing() {
    let mut s3 = bucket_with_object();
    let iam = IamState::new("123456789012");
    let cases = [
        (json!([{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::in-bucket/*" }]), "Missing required field Principal"),
        (json!([{ "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other/*" }]), "Policy has invalid resource"),
    ];
    for (statements, message) in cases {
        let text = json!({ "Version": "2012-10-17", "Statement": statements }).to_string();
        let error = call(&mut s3, &iam, "s3:PutBucketPolicy", json!({ "Bucket": "in-bucket", "Policy": text })).unwrap_err();
        assert_eq!((error.code, error.message.as_str()), ("MalformedPolicy", message));
    }
    let error = call(&mut s3, &iam, "s3:PutBucketPolicy", json!({ "Bucket": "in-bucket", "Policy": "{" })).unwrap_err();
    assert_eq!(error.code, "MalformedPolicy");
    assert!(s3.buckets.get("in-bucket").unwrap().policy.is_none());
}

#[test]
fn calls_answer_s3_shapes_and_errors() {
    let mut s3 = bucket_with_object();
    let iam = IamState::new("123456789012");
    let got = call(&mut s3, &iam, "s3:GetObject", json!({ "Bucket": "in-bucket", "Key": "photos/a.jpg" })).unwrap();
    assert_eq!(got["Body"], "jpeg");
    assert_eq!(got["ContentLength"], 4);
    assert_eq!(got["ETag"].as_str().unwrap().len(), 34);
    let head = call(&mut s3, &iam, "s3:HeadObject", json!({ "Bucket": "in-bucket", "Key": "photos/a.jpg" })).unwrap();
    assert!(head.get("Body").is_none() && head["ContentLength"] == 4);
    let missing = call(&mut s3, &iam, "s3:HeadObject", json!({ "Bucket": "in-bucket", "Key": "nope" })).unwrap_err();
    assert_eq!((missing.code, missing.message.as_str()), ("404", "Not Found"));
    let missing = call(&mut s3, &iam, "s3:GetObject", json!({ "Bucket": "in-bucket", "Key": "nope" })).unwrap_err();
    assert_eq!((missing.code, missing.message.as_str()), ("NoSuchKey", "The specified key does not exist."));
    let no_bucket = call(&mut s3, &iam, "s3:ListObjectsV2", json!({ "Bucket": "nothing-here" })).unwrap_err();
    assert_eq!((no_bucket.code, no_bucket.message.as_str()), ("NoSuchBucket", "The specified bucket does not exist"));
    let bad = call(&mut s3, &iam, "s3:CreateBucket", json!({ "Bucket": "Bad_Name" })).unwrap_err();
    assert_eq!((bad.code, bad.message.as_str()), ("InvalidBucketName", "The specified bucket is not valid."));
    let no_key = call(&mut s3, &iam, "s3:PutObject", json!({ "Bucket": "in-bucket" })).unwrap_err();
    assert_eq!((no_key.code, no_key.message.as_str()), ("InvalidArgument", "Missing required parameter in input: \"Key\""));
    assert_eq!(call(&mut s3, &iam, "s3:DeleteObject", json!({ "Bucket": "in-bucket", "Key": "photos/a.jpg" })).unwrap(), json!({}));
    assert_eq!(call(&mut s3, &iam, "s3:DeleteObject", json!({ "Bucket": "in-bucket", "Key": "photos/a.jpg" })).unwrap(), json!({}));
    assert!(s3.buckets.get("in-bucket").unwrap().objects.is_empty());
}

#[test]
fn create_bucket_follows_the_region_rules() {
    let iam = IamState::new("123456789012");
    let mut s3 = S3State::new();
    let ireland = S3Context { region: "eu-west-1".into(), ..ctx() };
    let error = s3.handle("s3:CreateBucket", &json!({ "Bucket": "data-eu" }), &ireland, &iam).unwrap().unwrap_err();
    assert_eq!(error.code, "IllegalLocationConstraintException");
    let input = json!({ "Bucket": "data-eu", "CreateBucketConfiguration": { "LocationConstraint": "eu-west-1" } });
    assert_eq!(s3.handle("s3:CreateBucket", &input, &ireland, &iam).unwrap().unwrap()["Location"], "http://data-eu.s3.amazonaws.com/");
    assert_eq!(s3.handle("s3:CreateBucket", &input, &ireland, &iam).unwrap().unwrap_err().code, "BucketAlreadyOwnedByYou");
    // In us-east-1, re-creating an owned bucket answers 200 (BOTO s3 BucketAlreadyOwnedByYou).
    call(&mut s3, &iam, "s3:CreateBucket", json!({ "Bucket": "data-us" })).unwrap();
    assert_eq!(call(&mut s3, &iam, "s3:CreateBucket", json!({ "Bucket": "data-us" })).unwrap()["Location"], "/data-us");
    for (name, ok) in [("abc", true), ("ab", false), ("a.b-c1", true), ("-abc", false), ("abc.", false), ("a..b", false), ("192.168.5.4", false), ("ABC", false)] {
        assert_eq!(valid_bucket_name(name), ok, "{name}");
    }
}

#[test]
fn list_objects_v2_pages_and_rolls_up_common_prefixes() {
    let mut s3 = S3State::new();
    let iam = IamState::new("123456789012");
    call(&mut s3, &iam, "s3:CreateBucket", json!({ "Bucket": "b01" })).unwrap();
    for key in ["in/a.txt", "in/b.txt", "in/sub/c.txt", "in/sub/d.txt", "out/e.txt", "z.txt"] {
        call(&mut s3, &iam, "s3:PutObject", json!({ "Bucket": "b01", "Key": key, "Body": key })).unwrap();
    }
    let all = call(&mut s3, &iam, "s3:ListObjectsV2", json!({ "Bucket": "b01", "Prefix": "in/" })).unwrap();
    assert_eq!(all["KeyCount"], 4);
    let rolled = call(&mut s3, &iam, "s3:ListObjectsV2", json!({ "Bucket": "b01", "Prefix": "in/", "Delimiter": "/" })).unwrap();
    assert_eq!(rolled["KeyCount"], 3);
    assert_eq!(rolled["CommonPrefixes"], json!([{ "Prefix": "in/sub/" }]));
    let first = call(&mut s3, &iam, "s3:ListObjectsV2", json!({ "Bucket": "b01", "MaxKeys": 4 })).unwrap();
    assert_eq!(first["IsTruncated"], true);
    let token = first["NextContinuationToken"].as_str().unwrap().to_string();
    let second = call(&mut s3, &iam, "s3:ListObjectsV2", json!({ "Bucket": "b01", "MaxKeys": 4, "ContinuationToken": token })).unwrap();
    let keys: Vec<&str> = second["Contents"].as_array().unwrap().iter().map(|o| o["Key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["out/e.txt", "z.txt"]);
    assert_eq!(second["IsTruncated"], false);
    let bad = call(&mut s3, &iam, "s3:ListObjectsV2", json!({ "Bucket": "b01", "ContinuationToken": "zz" })).unwrap_err();
    assert_eq!(bad.code, "InvalidArgument");
}

#[test]
fn eventbridge_delivery_queues_object_created_events() {
    let mut s3 = bucket_with_object();
    let iam = IamState::new("123456789012");
    assert!(s3.pending_events.is_empty());
    call(&mut s3, &iam, "s3:PutBucketNotificationConfiguration", json!({ "Bucket": "in-bucket", "NotificationConfiguration": { "EventBridgeConfiguration": {} } })).unwrap();
    call(&mut s3, &iam, "s3:PutObject", json!({ "Bucket": "in-bucket", "Key": "up/1.png", "Body": "x" })).unwrap();
    assert_eq!(s3.pending_events.len(), 1);
    assert_eq!(s3.pending_events[0].key, "up/1.png");
}
