//! Deterministic identifiers: a fixed mixing function of a counter and a salt per kind of id, never a
//! random source, so the same calls give the same ids on every target. Shared by the service models.

use crate::hash::{fnv1a, splitmix64_next, FNV_OFFSET_BASIS};

/// A fixed, documented bijection on u64: the first SplitMix64 output from state `z`.
pub(crate) fn mix(mut z: u64) -> u64 {
    splitmix64_next(&mut z)
}

/// FNV-1a of a kind name, so that ids of different kinds from the same counter differ.
pub(crate) fn salt(kind: &str) -> u64 {
    fnv1a(kind.as_bytes(), FNV_OFFSET_BASIS)
}

/// `prefix-` and 17 hex digits derived from `counter` (the long form of EC2 and EFS ids: `i-`, `lt-`, `fs-`).
pub(crate) fn long_id(prefix: &str, counter: u64) -> String {
    let high = mix(counter ^ salt(prefix));
    let low = mix(high) & 0xF;
    format!("{prefix}-{high:016x}{low:x}")
}
