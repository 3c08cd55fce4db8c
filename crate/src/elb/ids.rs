//! Deterministic ELB ids: a fixed mixing function of a counter, never a random source.
//!
//! ARN suffixes are 16 lowercase hex digits like AWS's; DNS names follow AWS's patterns.

pub(crate) use crate::ids::mix;
use crate::ids::salt;

/// 16 hex digits derived from `counter` and a kind.
pub(crate) fn hex16(kind: &str, counter: u64) -> String {
    format!("{:016x}", mix(counter ^ salt(kind)))
}

/// A 10-digit decimal suffix (ALB and CLB DNS names).
pub(crate) fn dec10(kind: &str, counter: u64) -> String {
    format!("{:010}", mix(counter ^ salt(kind)) % 10_000_000_000)
}

