//! `Request`: the one reader of a call's JSON input. It knows where in the request it reads (the member path
//! its messages name) and the error dialect of the service it serves, and it never panics on any input.
//!
//! Handlers read members through it and parse the big inputs into typed structs once, at the edge; the
//! messages come from [`super::texts`], so each AWS wording exists once.

use serde_json::Value;

use super::texts;
use super::ApiError;

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
}

impl Dialect {
    /// The error code of a request that fails validation.
    pub fn validation_code(self) -> &'static str {
        match self {
            Dialect::Ecs => "InvalidParameterException",
            Dialect::Query => "ValidationError",
            Dialect::Json => "ValidationException",
            Dialect::Efs => "BadRequest",
        }
    }
}

/// A call's input (or one object inside it), with the path of that object in the request.
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

    /// The member `name` as a nested request (an object inside this one).
    pub fn object(&self, name: &str) -> Option<Request<'a>> {
        self.get(name).filter(|v| v.is_object()).map(|input| Request { input, dialect: self.dialect })
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

    /// The boolean `name`, `None` when absent or not a boolean.
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.input.get(name).and_then(Value::as_bool)
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
            .map(|items| items.iter().filter(|v| v.is_object()).map(|input| Request { input, dialect: self.dialect }).collect())
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
    fn readers_never_panic_on_non_objects() {
        for input in [json!(null), json!(3), json!("x"), json!([1, 2]), json!({})] {
            let request = Request::new(&input, Dialect::Json);
            assert_eq!(request.str("a"), None);
            assert!(request.strings("a").is_empty());
            assert!(request.objects("a").is_empty());
            assert_eq!(request.enum_member("a", "a", &["X"]).unwrap(), None);
        }
    }
}
