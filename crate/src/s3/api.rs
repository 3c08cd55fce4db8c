//! The S3 calls with the shapes of the S3 API model (botocore `s3`, PascalCase members), as typed operations a
//! task's workload calls too, and the JSON readers the API console's calls go through.
//!
//! S3 speaks the rest-xml protocol: its errors are S3 error codes (`NoSuchBucket`, `NoSuchKey`, `AccessDenied`,
//! ...) with S3's own messages, and a `HEAD` request's error has no body, so the SDK names it by its HTTP status
//! (`404`, `403`) with the status text as message.

use serde_json::{json, Value};

use super::access::{authorize, decide};
use super::model::*;
use crate::api::texts;
use crate::api::{ApiError, ApiResult, Request};
use crate::hash::{fnv1a, splitmix64_finalize, FNV_OFFSET_BASIS};
use crate::iam::{parse_policy, NamedPolicy, PolicyKind};

/// text: S3 error code list (Amazon S3 API Reference, "Error responses").
pub fn no_such_bucket() -> ApiError {
    ApiError::new("NoSuchBucket", "The specified bucket does not exist")
}

/// text: S3 error code list (Amazon S3 API Reference, "Error responses").
pub fn no_such_key() -> ApiError {
    ApiError::new("NoSuchKey", "The specified key does not exist.")
}

/// The plain 403 of a GetObject on a missing key by a caller without `s3:ListBucket` (BOTO s3 GetObject doc;
/// text observed via botocore: `An error occurred (AccessDenied) when calling the GetObject operation: Access Denied`).
pub fn plain_access_denied() -> ApiError {
    ApiError::new("AccessDenied", "Access Denied")
}

/// A HEAD request's error: no body, so the SDK reports the HTTP status as the code (`An error occurred (404) when
/// calling the HeadObject operation: Not Found`, botocore's rendering of an empty error body).
fn head_error(error: ApiError) -> ApiError {
    match error.code {
        "NoSuchKey" | "NoSuchBucket" => ApiError::new("404", "Not Found"),
        "AccessDenied" => ApiError::new("403", "Forbidden"),
        _ => error,
    }
}

/// text: S3 error code list (`InvalidBucketName`).
fn invalid_bucket_name() -> ApiError {
    ApiError::new("InvalidBucketName", "The specified bucket is not valid.")
}

/// Whether `name` follows the general purpose bucket naming rules (Amazon S3 User Guide, "Bucket naming rules"):
/// 3 to 63 characters of lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit,
/// no two adjacent dots, not formatted as an IP address.
pub fn valid_bucket_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let edge_ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let ip_like = name.split('.').count() == 4 && name.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    (3..=63).contains(&bytes.len())
        && bytes.iter().all(|&b| edge_ok(b) || b == b'.' || b == b'-')
        && edge_ok(bytes[0])
        && edge_ok(bytes[bytes.len() - 1])
        && !name.contains("..")
        && !ip_like
}

/// A 32-hex-digit entity tag in quotes. S3's ETag of a single-part upload is the MD5 of the body; the playground
/// uses two rounds of FNV-1a, which has the same shape but not the same digits.
fn etag_of(body: &str) -> String {
    let first = fnv1a(body.as_bytes(), FNV_OFFSET_BASIS);
    let second = splitmix64_finalize(first ^ body.len() as u64);
    format!("\"{first:016x}{second:016x}\"")
}

/// A required member, refused in the words of botocore's parameter check (S3 never sees a request without it).
fn required<'a>(request: &Request<'a>, name: &str) -> Result<&'a str, ApiError> {
    match request.typed_str(name)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(request.invalid(texts::missing_required_parameter(name))),
    }
}

impl S3State {
    fn bucket(&self, name: &str) -> Result<&Bucket, ApiError> {
        self.buckets.get(name).ok_or_else(no_such_bucket)
    }

    /// `s3:CreateBucket`. Outside us-east-1 the request must name the Region as its `LocationConstraint`.
    pub fn create_bucket(&mut self, name: &str, location: Option<&str>, ctx: &S3Context) -> Result<String, ApiError> {
        if !valid_bucket_name(name) {
            return Err(invalid_bucket_name());
        }
        let location_text = if ctx.region == "us-east-1" { format!("/{name}") } else { format!("http://{name}.s3.amazonaws.com/") };
        match location {
            None if ctx.region != "us-east-1" => {
                // text: S3's answer to a CreateBucket without a location constraint sent to a Regional endpoint
                // (widely quoted from the AWS CLI).
                return Err(ApiError::new(
                    "IllegalLocationConstraintException",
                    "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
                ));
            }
            Some(given) if given != ctx.region => {
                return Err(ApiError::new(
                    "IllegalLocationConstraintException",
                    format!("The {given} location constraint is incompatible for the region specific endpoint this request was sent to."),
                ));
            }
            _ => {}
        }
        if self.buckets.contains_key(name) {
            // BOTO s3 BucketAlreadyOwnedByYou: returned "in all Amazon Web Services Regions except in the North
            // Virginia Region", where re-creating an owned bucket answers 200 OK.
            if ctx.region == "us-east-1" {
                return Ok(location_text);
            }
            return Err(ApiError::new("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it."));
        }
        if self.buckets.len() >= MAX_BUCKETS {
            // text: S3 error code list (`TooManyBuckets`).
            return Err(ApiError::new("TooManyBuckets", "You have attempted to create more buckets than allowed"));
        }
        let bucket = Bucket {
            name: name.to_string(),
            region: ctx.region.clone(),
            creation_date_iso: ctx.now_iso.clone(),
            objects: Default::default(),
            policy: None,
            eventbridge_enabled: false,
        };
        self.buckets.insert(name.to_string(), bucket);
        Ok(location_text)
    }

    /// `s3:PutObject`: stores the body and answers its ETag.
    pub fn put_object(&mut self, caller: Caller<'_>, bucket: &str, key: &str, body: &str, content_type: Option<&str>, ctx: &S3Context, iam: &crate::iam::IamState) -> Result<String, ApiError> {
        let found = self.bucket(bucket)?;
        authorize(found, caller, "s3:PutObject", &object_arn(bucket, key), iam)?;
        if key.len() > 1024 {
            // text: S3 error code list (`KeyTooLongError`).
            return Err(ApiError::new("KeyTooLongError", "Your key is too long"));
        }
        if body.len() > MAX_OBJECT_BYTES {
            return Err(ApiError::new("EntityTooLarge", format!("Your proposed upload exceeds the maximum allowed size (the playground stores objects of up to {MAX_OBJECT_BYTES} bytes).")));
        }
        if !found.objects.contains_key(key) && found.objects.len() >= MAX_OBJECTS_PER_BUCKET {
            return Err(ApiError::new("InvalidRequest", format!("The playground keeps at most {MAX_OBJECTS_PER_BUCKET} objects per bucket; delete one first.")));
        }
        let etag = etag_of(body);
        let object = S3Object {
            key: key.to_string(),
            body: body.to_string(),
            size_bytes: body.len() as u64,
            etag: etag.clone(),
            content_type: content_type.unwrap_or("binary/octet-stream").to_string(),
            last_modified_iso: ctx.now_iso.clone(),
            last_modified_ms: ctx.now_ms,
        };
        let eventbridge = found.eventbridge_enabled;
        if let Some(b) = self.buckets.get_mut(bucket) {
            b.objects.insert(key.to_string(), object);
        }
        if eventbridge {
            if self.pending_events.len() >= MAX_PENDING_EVENTS {
                self.pending_events.remove(0);
                self.n_events_dropped += 1;
            }
            self.pending_events.push(ObjectCreatedEvent { bucket: bucket.to_string(), key: key.to_string(), size_bytes: body.len() as u64, etag: etag.clone(), time_ms: ctx.now_ms });
        }
        Ok(etag)
    }

    /// `s3:GetObject`: the object, or S3's 404 or 403 for a missing key, as the caller's `s3:ListBucket` decides
    /// (BOTO s3 GetObject: "If you have the s3:ListBucket permission on the bucket, Amazon S3 returns an HTTP status
    /// code 404 Not Found error. If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status
    /// code 403 Access Denied error.").
    pub fn get_object(&self, caller: Caller<'_>, bucket: &str, key: &str, iam: &crate::iam::IamState) -> Result<&S3Object, ApiError> {
        let found = self.bucket(bucket)?;
        authorize(found, caller, "s3:GetObject", &object_arn(bucket, key), iam)?;
        match found.objects.get(key) {
            Some(object) => Ok(object),
            None if decide(found, caller, "s3:ListBucket", &bucket_arn(bucket), iam).is_ok() => Err(no_such_key()),
            None => Err(plain_access_denied()),
        }
    }

    /// `s3:DeleteObject`: S3 answers success whether or not the key existed.
    pub fn delete_object(&mut self, caller: Caller<'_>, bucket: &str, key: &str, iam: &crate::iam::IamState) -> Result<bool, ApiError> {
        let found = self.bucket(bucket)?;
        authorize(found, caller, "s3:DeleteObject", &object_arn(bucket, key), iam)?;
        Ok(self.buckets.get_mut(bucket).is_some_and(|b| b.objects.remove(key).is_some()))
    }

    /// `s3:ListObjectsV2` (needs `s3:ListBucket` on the bucket): keys after `start_after` under `prefix`, keys that
    /// share a part up to `delimiter` rolled up into common prefixes, at most `max_keys` of both together.
    pub fn list_objects(&self, caller: Caller<'_>, bucket: &str, query: &ListQuery, iam: &crate::iam::IamState) -> Result<ListPage, ApiError> {
        let found = self.bucket(bucket)?;
        authorize(found, caller, "s3:ListBucket", &bucket_arn(bucket), iam)?;
        let mut page = ListPage::default();
        let after = query.start_after.as_deref().unwrap_or("");
        for (key, object) in found.objects.range::<str, _>((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded)) {
            if !key.starts_with(query.prefix.as_str()) {
                if key.as_str() > query.prefix.as_str() && !query.prefix.is_empty() {
                    break;
                }
                continue;
            }
            let rest = &key[query.prefix.len()..];
            let rolled = query.delimiter.as_deref().filter(|d| !d.is_empty()).and_then(|d| rest.find(d).map(|i| format!("{}{}", query.prefix, &rest[..i + d.len()])));
            if let Some(common) = &rolled {
                if page.common_prefixes.last() == Some(common) {
                    page.last_key = Some(key.clone());
                    continue;
                }
            }
            if page.contents.len() + page.common_prefixes.len() >= query.max_keys {
                page.is_truncated = true;
                break;
            }
            page.last_key = Some(key.clone());
            match rolled {
                Some(common) => page.common_prefixes.push(common),
                None => page.contents.push(object.clone()),
            }
        }
        Ok(page)
    }

    /// `s3:PutBucketPolicy`: the policy must parse as a resource-based policy whose resources are this bucket or
    /// its objects.
    pub fn put_bucket_policy(&mut self, caller: Caller<'_>, bucket: &str, text: &str, iam: &crate::iam::IamState) -> Result<(), ApiError> {
        let found = self.bucket(bucket)?;
        authorize(found, caller, "s3:PutBucketPolicy", &bucket_arn(bucket), iam)?;
        // [UNVERIFIED] S3 answers a malformed policy with `MalformedPolicy` and a short reason; the reasons here are
        // IAM's texts for the same faults, and "Policy has invalid resource" for a resource outside the bucket.
        let document = parse_policy(text, PolicyKind::Resource).map_err(|e| ApiError::new("MalformedPolicy", e.message.clone()))?;
        let own = bucket_arn(bucket);
        let own_objects = format!("{own}/");
        for statement in &document.statements {
            let resources = statement.resource.as_ref().map(|r| r.values.clone()).unwrap_or_default();
            if resources.iter().any(|r| r != &own && !r.starts_with(&own_objects)) {
                return Err(ApiError::new("MalformedPolicy", "Policy has invalid resource"));
            }
        }
        let parsed = NamedPolicy { name: format!("bucket policy of {bucket}"), arn: None, document };
        if let Some(b) = self.buckets.get_mut(bucket) {
            b.policy = Some(BucketPolicy { text: text.to_string(), parsed });
        }
        Ok(())
    }

    /// Answers an `s3:*` call of the learner (the account's administrator).
    pub(super) fn call(&mut self, call: &str, request: &Request, ctx: &S3Context, iam: &crate::iam::IamState) -> Option<ApiResult> {
        let caller = Caller::Administrator;
        Some(match call {
            "s3:CreateBucket" => (|| {
                let name = required(request, "Bucket")?;
                let location = request.member("CreateBucketConfiguration").typed_str("LocationConstraint")?;
                let location_text = self.create_bucket(name, location, ctx)?;
                Ok(json!({ "Location": location_text }))
            })(),
            "s3:PutObject" => (|| {
                let bucket = required(request, "Bucket")?;
                let key = required(request, "Key")?;
                let body = request.typed_str("Body")?.unwrap_or("");
                let content_type = request.typed_str("ContentType")?;
                let etag = self.put_object(caller, bucket, key, body, content_type, ctx, iam)?;
                Ok(json!({ "ETag": etag }))
            })(),
            "s3:GetObject" | "s3:HeadObject" => (|| {
                let bucket = required(request, "Bucket")?;
                let key = required(request, "Key")?;
                let head = call == "s3:HeadObject";
                let object = self.get_object(caller, bucket, key, iam).map_err(|e| if head { head_error(e) } else { e })?;
                let mut out = json!({
                    "AcceptRanges": "bytes",
                    "LastModified": object.last_modified_iso,
                    "ContentLength": object.size_bytes,
                    "ETag": object.etag,
                    "ContentType": object.content_type,
                });
                if !head {
                    out["Body"] = Value::String(object.body.clone());
                }
                Ok(out)
            })(),
            "s3:DeleteObject" => (|| {
                let bucket = required(request, "Bucket")?;
                let key = required(request, "Key")?;
                self.delete_object(caller, bucket, key, iam)?;
                Ok(json!({}))
            })(),
            "s3:ListObjectsV2" => (|| {
                let bucket = required(request, "Bucket")?;
                let query = ListQuery::parse(request)?;
                let page = self.list_objects(caller, bucket, &query, iam)?;
                Ok(page.to_json(bucket, &query))
            })(),
            "s3:PutBucketPolicy" => (|| {
                let bucket = required(request, "Bucket")?;
                let text = required(request, "Policy")?;
                self.put_bucket_policy(caller, bucket, text, iam)?;
                Ok(json!({}))
            })(),
            "s3:PutBucketNotificationConfiguration" => (|| {
                let bucket = required(request, "Bucket")?;
                let Some(config) = request.object("NotificationConfiguration") else {
                    return Err(request.invalid(texts::missing_required_parameter("NotificationConfiguration")));
                };
                let found = self.bucket(bucket)?;
                authorize(found, caller, "s3:PutBucketNotification", &bucket_arn(bucket), iam)?;
                // BOTO s3 NotificationConfiguration: `EventBridgeConfiguration` (an empty structure) turns EventBridge
                // delivery on; the configuration replaces the previous one, so its absence turns it off.
                let enabled = config.get("EventBridgeConfiguration").is_some_and(Value::is_object);
                if let Some(b) = self.buckets.get_mut(bucket) {
                    b.eventbridge_enabled = enabled;
                }
                Ok(json!({}))
            })(),
            _ => return None,
        })
    }
}

/// What ListObjectsV2 asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    pub prefix: String,
    pub delimiter: Option<String>,
    pub max_keys: usize,
    /// The later of `StartAfter` and the key a continuation token stands for.
    pub start_after: Option<String>,
    pub continuation_token: Option<String>,
    pub given_start_after: Option<String>,
}

impl ListQuery {
    /// A query of every key under `prefix`, up to the default page of 1,000.
    pub fn under(prefix: &str) -> ListQuery {
        ListQuery { prefix: prefix.to_string(), delimiter: None, max_keys: MAX_LIST_KEYS, start_after: None, continuation_token: None, given_start_after: None }
    }

    fn parse(request: &Request) -> Result<ListQuery, ApiError> {
        let prefix = request.typed_str("Prefix")?.unwrap_or("").to_string();
        let delimiter = request.typed_str("Delimiter")?.map(str::to_string);
        let max_keys = match request.i64("MaxKeys")? {
            None => MAX_LIST_KEYS,
            // text: S3's answer to a negative max-keys (`InvalidArgument`, "Argument maxKeys must be an integer
            // between 0 and 2147483647"). [UNVERIFIED] wording.
            Some(n) if n < 0 => return Err(request.invalid("Argument maxKeys must be an integer between 0 and 2147483647")),
            Some(n) => usize::try_from(n).unwrap_or(MAX_LIST_KEYS).min(MAX_LIST_KEYS),
        };
        let continuation_token = request.typed_str("ContinuationToken")?.map(str::to_string);
        let from_token = match &continuation_token {
            None => None,
            Some(token) => Some(decode_token(token).ok_or_else(|| request.invalid("The continuation token provided is incorrect"))?),
        };
        let given_start_after = request.typed_str("StartAfter")?.map(str::to_string);
        let start_after = match (from_token, given_start_after.clone()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        Ok(ListQuery { prefix, delimiter, max_keys, start_after, continuation_token, given_start_after })
    }
}

/// The playground's continuation token: the last key listed, hex-encoded behind a marker (S3's tokens are opaque).
fn encode_token(key: &str) -> String {
    let mut out = String::from("1");
    for b in key.bytes() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn decode_token(token: &str) -> Option<String> {
    let hex = token.strip_prefix('1')?;
    if hex.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
    String::from_utf8(bytes?).ok()
}

/// One page of ListObjectsV2.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListPage {
    pub contents: Vec<S3Object>,
    pub common_prefixes: Vec<String>,
    pub is_truncated: bool,
    /// The last key the page covered, where the next page starts.
    pub last_key: Option<String>,
}

impl ListPage {
    fn to_json(&self, bucket: &str, query: &ListQuery) -> Value {
        let contents: Vec<Value> = self
            .contents
            .iter()
            .map(|o| json!({ "Key": o.key, "LastModified": o.last_modified_iso, "ETag": o.etag, "Size": o.size_bytes, "StorageClass": "STANDARD" }))
            .collect();
        let mut out = json!({
            "IsTruncated": self.is_truncated,
            "Contents": contents,
            "Name": bucket,
            "Prefix": query.prefix,
            "MaxKeys": query.max_keys,
            "KeyCount": self.contents.len() + self.common_prefixes.len(),
        });
        if let Some(d) = &query.delimiter {
            out["Delimiter"] = json!(d);
            out["CommonPrefixes"] = Value::Array(self.common_prefixes.iter().map(|p| json!({ "Prefix": p })).collect());
        }
        if let Some(t) = &query.continuation_token {
            out["ContinuationToken"] = json!(t);
        }
        if let Some(s) = &query.given_start_after {
            out["StartAfter"] = json!(s);
        }
        if self.is_truncated {
            if let Some(last) = &self.last_key {
                out["NextContinuationToken"] = json!(encode_token(last));
            }
        }
        out
    }
}
