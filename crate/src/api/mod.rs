//! The call surface: the table of every call ([`calls`]), the one request reader ([`request`]), AWS's
//! validation texts ([`texts`]), and `ApiError`, an error as AWS returns it: a code (`ClientException`,
//! `InvalidParameterException`, ...) and its message.

pub mod calls;
pub mod request;
pub mod texts;

pub use request::{Dialect, Request};

use std::fmt;

use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The AWS error code, e.g. `ClientException`, `InvalidParameterException`, `ClusterNotFoundException`.
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into() }
    }
    pub fn client(message: impl Into<String>) -> ApiError {
        ApiError::new("ClientException", message)
    }
    pub fn invalid_parameter(message: impl Into<String>) -> ApiError {
        ApiError::new("InvalidParameterException", message)
    }
    pub fn cluster_not_found() -> ApiError {
        ApiError::new("ClusterNotFoundException", "Cluster not found.")
    }
    pub fn service_not_found() -> ApiError {
        ApiError::new("ServiceNotFoundException", "Service not found.")
    }
    pub fn service_not_active() -> ApiError {
        ApiError::new("ServiceNotActiveException", "Service was not ACTIVE.")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

pub type ApiResult = Result<serde_json::Value, ApiError>;

// The engine's plain readers (`sim/`); the other models read their requests through `Request`.

/// `input[name]` when it is a string.
pub(crate) fn str_field<'a>(input: &'a Value, name: &str) -> Option<&'a str> {
    input.get(name).and_then(Value::as_str)
}

pub(crate) use request::strings_of;

/// The string array `input[name]` (see [`strings_of`]).
pub(crate) fn string_list(input: &Value, name: &str) -> Vec<String> {
    strings_of(input.get(name))
}
