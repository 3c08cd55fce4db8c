//! Deterministic EFS resource ids: a fixed mixing function of a counter, never a random source.
//!
//! Real ids are `fs-`, `fsmt-` and `fsap-` followed by 17 lowercase hex digits (the LONG_ID form;
//! BOTO `ResourceIdPreference`: LONG_ID is 17 characters). The same sequence of calls gives the same ids
//! on every target.

use crate::ids::{mix, salt};

/// `prefix-` followed by 17 hex digits derived from `counter`.
pub(crate) use crate::ids::long_id as resource_id;

/// A UUID-shaped token (8-4-4-4-12 hex), used where an SDK would fill an idempotency token.
pub(crate) fn uuid_like(kind: &str, counter: u64) -> String {
    let a = mix(counter ^ salt(kind));
    let b = mix(a);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

#[cfg(test)]
mod id_tests {
    use super::*;

    #[test]
    fn ids_have_the_long_form_and_are_stable() {
        let id = resource_id("fs", 1);
        assert_eq!(id.len(), 3 + 17);
        assert!(id[3..].chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(id, resource_id("fs", 1));
        assert_ne!(resource_id("fs", 1), resource_id("fs", 2));
        assert_ne!(resource_id("fs", 1)[3..], resource_id("fsmt", 1)[5..]);
        assert_eq!(uuid_like("t", 3).len(), 36);
    }
}
