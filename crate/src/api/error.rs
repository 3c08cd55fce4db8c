//! `ApiError`: an error as AWS returns it, a code (`ClientException`, `InvalidParameterException`, ...) and its
//! message. A leaf module: everything in the crate may use it.

use std::fmt;

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
