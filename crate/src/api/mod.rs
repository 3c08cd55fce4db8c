//! The call surface: the table of every call ([`calls`]), the one request reader ([`request`]), AWS's
//! validation texts ([`texts`]), and `ApiError`, an error as AWS returns it: a code (`ClientException`,
//! `InvalidParameterException`, ...) and its message.

pub mod calls;
pub mod error;
pub mod request;
pub mod texts;
pub mod unmodelled;

pub use error::{ApiError, ApiResult};
pub use request::{Dialect, Request};
