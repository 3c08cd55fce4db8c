//! `Request`: the one reader of a call's JSON input. It knows where in the request it reads (the member path
//! its messages name) and the error dialect of the service it serves, and it never panics on any input.
//!
//! Handlers read members through it and parse the big inputs into typed structs once, at the edge; the
//! messages come from [`super::texts`], so each AWS wording exists once.

use serde_json::Value;

use super::calls::Service;
use super::texts::{self, Ending, Shown};
use super::error::ApiError;

/// What an absent member reads as through [`Request::member`].
static NULL: Value = Value::Null;

/// The error code a service answers a malformed request with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Amazon ECS: `InvalidParameterException` (and `ClientException` for task definition problems).
    Ecs,
    /// The query APIs (IAM, Elastic Load Balancing, EC2 Auto Scaling, CloudWatch): `ValidationError`.
    Query,
    /// The JSON APIs of Application Auto Scaling and others: `ValidationException`.
    Json,
    /// Amazon EFS: `BadRequest`.
    Efs,
    /// Amazon S3 (rest-xml): `InvalidArgument`, with S3's own error codes for everything else.
    S3,
}

impl Dialect {
    /// The dialect a service's requests are refused in (EC2 calls answer with ECS's code here).
    pub fn of(service: Service) -> Dialect {
        match service {
            // CloudWatch Logs refuses a malformed request with `InvalidParameterException`, as Amazon ECS does.
            Service::Ecs | Service::Ec2 | Service::Fis | Service::Sim | Service::Logs => Dialect::Ecs,
            Service::Iam | Service::Rds | Service::Sns | Service::ElasticLoadBalancing | Service::ElasticLoadBalancingClassic | Service::AutoScaling | Service::CloudWatch => Dialect::Query,
            Service::SecretsManager | Service::Ssm | Service::ApplicationAutoScaling => Dialect::Json,
            Service::Efs => Dialect::Efs,
            Service::S3 => Dialect::S3,
            Service::DynamoDb | Service::EventBridge | Service::StepFunctions => Dialect::Json,
        }
    }

    /// The error code of a request that fails validation.
    pub fn validation_code(self) -> &'static str {
        match self {
            Dialect::Ecs => "InvalidParameterException",
            Dialect::Query => "ValidationError",
            Dialect::Json => "ValidationException",
            Dialect::Efs => "BadRequest",
            Dialect::S3 => "InvalidArgument",
        }
    }
}

/// A call's input (or a member or list item inside it) and the dialect its refusals are written in.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    input: &'a Value,
    dialect: Dialect,
}

impl<'a> Request<'a> {
    pub fn new(input: &'a Value, dialect: Dialect) -> Request<'a> {
        Request { input, dialect }
    }

    /// The raw input, for the readers that parse a nested structure into a typed one.
    pub fn input(&self) -> &'a Value {
        self.input
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// A validation error in this service's dialect.
    pub fn invalid(&self, message: impl Into<String>) -> ApiError {
        ApiError::new(self.dialect.validation_code(), message)
    }

    /// The member `name`, if present and not null.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.input.get(name).filter(|v| !v.is_null())
    }

    /// Whether the member `name` is present at all, a null included.
    pub fn contains(&self, name: &str) -> bool {
        self.input.get(name).is_some()
    }

    /// The member `name` as a nested request (an object inside this one).
    pub fn object(&self, name: &str) -> Option<Request<'a>> {
        self.get(name).filter(|v| v.is_object()).map(|input| self.nested(input))
    }

    /// The member `name` as a nested request whatever its JSON type; an absent member reads as null, so every
    /// reader on it answers "absent".
    pub fn member(&self, name: &str) -> Request<'a> {
        self.nested(self.input.get(name).unwrap_or(&NULL))
    }

    /// Every item of the array `name` as a nested request, whatever its JSON type; `None` when absent or not an
    /// array.
    pub fn items(&self, name: &str) -> Option<Vec<Request<'a>>> {
        self.input.get(name).and_then(Value::as_array).map(|items| items.iter().map(|input| self.nested(input)).collect())
    }

    fn nested(&self, input: &'a Value) -> Request<'a> {
        Request { input, dialect: self.dialect }
    }

    /// The string `name`, `None` when absent or not a string (the lenient reading most members get).
    pub fn str(&self, name: &str) -> Option<&'a str> {
        self.input.get(name).and_then(Value::as_str)
    }

    /// The string `name`, refused with its type when present but not a string.
    pub fn typed_str(&self, name: &str) -> Result<Option<&'a str>, ApiError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.invalid(texts::not_a_string(name))),
        }
    }

    /// A required string in Amazon ECS's wording: missing or empty is `<Name> can not be blank.`, where
    /// `shown` is the member's name as ECS writes it in that message.
    pub fn required_str(&self, name: &str, shown: &str) -> Result<&'a str, ApiError> {
        match self.input.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s),
            Some(Value::String(_)) | None | Some(Value::Null) => Err(self.invalid(texts::blank(shown))),
            Some(_) => Err(self.invalid(texts::not_a_string(name))),
        }
    }

    /// A required member in the generic wording (`Value null at '<name>' ... Member must not be null`).
    pub fn required_member(&self, name: &str) -> Result<&'a str, ApiError> {
        self.str(name).filter(|s| !s.is_empty()).ok_or_else(|| self.invalid(texts::required(&texts::member_path(name))))
    }

    /// A required string in the API model's wording, as IAM, Secrets Manager and SSM answer: missing is
    /// `Value null at ...`, empty is `... length greater than or equal to 1`, another type `<name> must be a string.`
    pub fn required_string(&self, name: &str) -> Result<&'a str, ApiError> {
        let path = texts::member_path(name);
        match self.typed_str(name)? {
            Some("") => Err(self.invalid(texts::too_short("", &path, 1))),
            Some(s) => Ok(s),
            None => Err(self.invalid(texts::required(&path))),
        }
    }

    /// A required string in the playground's own words, ended the service's way: missing or empty is
    /// `<name> is required`, another type `<name> must be a string`.
    pub fn required_text(&self, name: &str, ending: Ending) -> Result<&'a str, ApiError> {
        match self.input.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s),
            Some(Value::String(_)) | None | Some(Value::Null) => Err(self.invalid(texts::is_required(name, ending))),
            Some(_) => Err(self.invalid(texts::must_be(name, "a string", ending))),
        }
    }

    /// The whole number `name`, refused when present but not a whole number of zero or more.
    pub fn u64(&self, name: &str) -> Result<Option<u64>, ApiError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| self.invalid(texts::not_a_non_negative_integer(name))),
        }
    }

    /// The whole number `name`, refused when present but not a whole number.
    pub fn i64(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| self.invalid(texts::not_an_integer(name))),
        }
    }

    /// The whole number `name` within `min..=max`, refused in the scaling calls' own words (`Period 30 is out of
    /// range: ...`, `Period must be an integer`) when present but not a whole number in range.
    pub fn int_in_range(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match v.as_i64() {
                Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
                Some(n) => Err(self.invalid(texts::out_of_range(name, n, min, max))),
                None => Err(self.invalid(texts::must_be(name, "an integer", Ending::Clause))),
            },
        }
    }

    /// [`Request::int_in_range`] for a required member: missing is `<name> is required`.
    pub fn required_int_in_range(&self, name: &str, min: i64, max: i64) -> Result<i64, ApiError> {
        self.int_in_range(name, min, max)?.ok_or_else(|| self.invalid(texts::is_required(name, Ending::Clause)))
    }

    /// The whole number `name` as the query APIs send it, a JSON number or its decimal text; `None` when absent or
    /// neither.
    pub fn query_u64(&self, name: &str) -> Option<u64> {
        self.input.get(name).and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
    }

    /// [`Request::query_u64`] refused in AWS's words when outside `min..=max`; `path` is the member's path in the
    /// request as the message names it.
    pub fn query_u64_within(&self, name: &str, path: &str, min: u64, max: u64) -> Result<Option<u64>, ApiError> {
        let Some(n) = self.query_u64(name) else { return Ok(None) };
        let shown = n.to_string();
        let bound = |b: u64| i64::try_from(b).unwrap_or(i64::MAX);
        if n < min {
            Err(self.invalid(texts::below_min(Shown::Value(&shown), path, bound(min))))
        } else if n > max {
            Err(self.invalid(texts::above_max(Shown::Value(&shown), path, bound(max))))
        } else {
            Ok(Some(n))
        }
    }

    /// This request's own value (a member taken with [`Request::member`], or a list item) as a required whole
    /// number of at most `max`, refused in sentences naming it `shown` (Amazon EFS's POSIX ids).
    pub fn u64_at_most(&self, shown: &str, max: u64) -> Result<u64, ApiError> {
        match self.input.as_u64() {
            Some(n) if n <= max => Ok(n),
            Some(_) => Err(self.invalid(texts::not_between(shown, 0, max))),
            None => Err(self.invalid(texts::required_and_must_be(shown, "a non-negative integer"))),
        }
    }

    /// The boolean `name`, `None` when absent or not a boolean.
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.input.get(name).and_then(Value::as_bool)
    }

    /// The boolean `name`, refused when present but not a boolean (`<name> must be true or false.`).
    pub fn typed_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.invalid(texts::not_a_boolean(name))),
        }
    }

    /// The strings of the array `name`, skipping other values; empty when absent or not an array.
    pub fn strings(&self, name: &str) -> Vec<String> {
        strings_of(self.input.get(name))
    }

    /// The objects of the array `name` as nested requests, skipping other values.
    pub fn objects(&self, name: &str) -> Vec<Request<'a>> {
        self.input
            .get(name)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter(|v| v.is_object()).map(|input| self.nested(input)).collect())
            .unwrap_or_default()
    }

    /// The enum member `name`: `None` when absent, refused in AWS's words when not one of `members`;
    /// `path` is the member's path in the request as the message names it.
    pub fn enum_member(&self, name: &str, path: &str, members: &[&'static str]) -> Result<Option<&'static str>, ApiError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => {
                let text = value.as_str().unwrap_or("");
                members
                    .iter()
                    .find(|m| **m == text)
                    .copied()
                    .map(Some)
                    .ok_or_else(|| self.invalid(texts::not_in_enum(&shown_value(value), path, members)))
            }
        }
    }
}

/// A JSON value as a validation text shows it: a string without its quotes, anything else as JSON.
pub fn shown_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The strings of a JSON array, skipping other values; empty when the value is absent or not an array.
pub fn strings_of(value: Option<&Value>) -> Vec<String> {
    value.and_then(Value::as_array).map(|items| items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn readers_refuse_wrong_types_in_the_service_dialect() {
        let input = json!({ "cluster": 7, "count": -1, "launchType": "BOGUS", "name": "", "tags": ["a", 1, "b"] });
        let ecs = Request::new(&input, Dialect::Ecs);
        assert_eq!(ecs.typed_str("cluster").unwrap_err(), ApiError::new("InvalidParameterException", "cluster must be a string."));
        assert_eq!(ecs.required_str("name", "Name").unwrap_err().message, "Name can not be blank.");
        assert_eq!(ecs.required_str("missing", "Missing").unwrap_err().message, "Missing can not be blank.");
        assert_eq!(ecs.u64("count").unwrap_err().message, "count must be a non-negative integer.");
        assert_eq!(ecs.i64("count").unwrap(), Some(-1));
        assert_eq!(ecs.strings("tags"), vec!["a".to_string(), "b".to_string()]);
        let error = ecs.enum_member("launchType", "launchType", &["EC2", "FARGATE"]).unwrap_err();
        assert!(error.message.ends_with("Member must satisfy enum value set: [EC2, FARGATE]"), "{}", error.message);
        let query = Request::new(&input, Dialect::Query);
        let error = query.required_member("PolicyName").unwrap_err();
        assert_eq!(error.code, "ValidationError");
        assert!(error.message.contains("Value null at 'policyName'"), "{}", error.message);
    }

    #[test]
    fn required_strings_in_the_model_wording_and_the_own_wordings() {
        let input = json!({ "RoleName": "", "Path": 3, "Namespace": "AWS/ECS" });
        let iam = Request::new(&input, Dialect::Query);
        let empty = iam.required_string("RoleName").unwrap_err();
        assert_eq!(empty.code, "ValidationError");
        assert!(empty.message.contains("Value '' at 'roleName'") && empty.message.ends_with("length greater than or equal to 1"), "{}", empty.message);
        assert!(iam.required_string("PolicyArn").unwrap_err().message.contains("Value null at 'policyArn'"));
        assert_eq!(iam.required_string("Path").unwrap_err().message, "Path must be a string.");
        assert_eq!(iam.required_string("Namespace").unwrap(), "AWS/ECS");
        let efs = Request::new(&input, Dialect::Efs);
        assert_eq!(efs.required_text("RoleName", Ending::Sentence).unwrap_err(), ApiError::new("BadRequest", "RoleName is required."));
        assert_eq!(efs.required_text("Path", Ending::Sentence).unwrap_err().message, "Path must be a string.");
        let scaling = Request::new(&input, Dialect::Json);
        assert_eq!(scaling.required_text("Missing", Ending::Clause).unwrap_err(), ApiError::new("ValidationException", "Missing is required"));
        assert_eq!(scaling.required_text("Path", Ending::Clause).unwrap_err().message, "Path must be a string");
        assert_eq!(scaling.required_text("Namespace", Ending::Clause).unwrap(), "AWS/ECS");
    }

    #[test]
    fn numbers_are_bounded_in_each_wording() {
        let input = json!({ "Period": 30, "Count": "7", "Big": 70000, "Zero": 0, "Text": "x", "Uid": 4294967296u64, "Flag": "yes", "On": true });
        let request = Request::new(&input, Dialect::Query);
        assert_eq!(request.int_in_range("Period", 60, 600).unwrap_err().message, "Period 30 is out of range: it must be between 60 and 600");
        assert_eq!(request.int_in_range("Text", 0, 1).unwrap_err().message, "Text must be an integer");
        assert_eq!(request.int_in_range("Period", 0, 60).unwrap(), Some(30));
        assert_eq!(request.int_in_range("Missing", 0, 60).unwrap(), None);
        assert_eq!(request.required_int_in_range("Missing", 0, 60).unwrap_err().message, "Missing is required");
        assert_eq!(request.query_u64("Count"), Some(7));
        assert_eq!(request.query_u64("Text"), None);
        let above = request.query_u64_within("Big", "priority", 1, 50_000).unwrap_err().message;
        assert!(above.contains("Value '70000' at 'priority'") && above.ends_with("less than or equal to 50000"), "{above}");
        let below = request.query_u64_within("Zero", "priority", 1, 50_000).unwrap_err().message;
        assert!(below.contains("Value '0' at 'priority'") && below.ends_with("greater than or equal to 1"), "{below}");
        assert_eq!(request.query_u64_within("Count", "count", 1, 10).unwrap(), Some(7));
        assert_eq!(request.member("Uid").u64_at_most("PosixUser.Uid", 4_294_967_295).unwrap_err().message, "PosixUser.Uid must be between 0 and 4294967295.");
        assert_eq!(request.member("Gid").u64_at_most("PosixUser.Gid", 10).unwrap_err().message, "PosixUser.Gid is required and must be a non-negative integer.");
        assert_eq!(request.member("Zero").u64_at_most("Zero", 10).unwrap(), 0);
        assert_eq!(request.typed_bool("Flag").unwrap_err().message, "Flag must be true or false.");
        assert_eq!(request.typed_bool("On").unwrap(), Some(true));
        assert_eq!(request.typed_bool("Missing").unwrap(), None);
    }

    #[test]
    fn members_and_items_are_nested_requests_in_the_same_dialect() {
        let input = json!({ "Config": null, "Targets": [{ "Id": "i-1" }, 5], "Scalar": 3 });
        let request = Request::new(&input, Dialect::Efs);
        assert!(request.contains("Config") && !request.contains("Other"));
        assert_eq!(request.get("Config"), None);
        assert_eq!(request.member("Other").str("Id"), None);
        let items = request.items("Targets").expect("an array");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].str("Id"), Some("i-1"));
        assert_eq!(items[1].invalid("x").code, "BadRequest");
        assert!(request.items("Scalar").is_none() && request.items("Other").is_none());
        assert_eq!(Dialect::of(Service::Ssm), Dialect::Json);
        assert_eq!(Dialect::of(Service::CloudWatch), Dialect::Query);
    }

    #[test]
    fn readers_never_panic_on_non_objects() {
        for input in [json!(null), json!(3), json!("x"), json!([1, 2]), json!({})] {
            let request = Request::new(&input, Dialect::Json);
            assert_eq!(request.str("a"), None);
            assert!(request.strings("a").is_empty());
            assert!(request.objects("a").is_empty());
            assert_eq!(request.enum_member("a", "a", &["X"]).unwrap(), None);
            assert_eq!(request.member("a").str("b"), None);
            assert_eq!(request.query_u64("a"), None);
            assert_eq!(request.int_in_range("a", 0, 1).unwrap(), None);
        }
    }
}
