//! The call surface: the table of every call ([`calls`]), the one request reader ([`request`]), AWS's
//! validation texts ([`texts`]), and `ApiError`, an error as AWS returns it: a code (`ClientException`,
//! `InvalidParameterException`, ...) and its message.

pub mod calls;
pub mod error;
pub mod request;
pub mod texts;

pub use error::{ApiError, ApiResult};
pub use request::{Dialect, Request};

use serde_json::Value;

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
