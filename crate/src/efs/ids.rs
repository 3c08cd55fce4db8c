//! Deterministic EFS resource ids: a fixed mixing function of a counter, never a random source.
//!
//! Real ids are `fs-`, `fsmt-` and `fsap-` followed by 17 lowercase hex digits (the LONG_ID form;
//! BOTO `ResourceIdPreference`: LONG_ID is 17 characters). The same sequence of calls gives the same ids
//! on every target.

/// SplitMix64 finaliser: a fixed, documented bijection on u64.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A salt per id kind so that `fs-` and `fsmt-` ids from the same counter differ.
fn salt(prefix: &str) -> u64 {
    prefix.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01B3))
}

/// `prefix-` followed by 17 hex digits derived from `counter`.
pub(crate) fn resource_id(prefix: &str, counter: u64) -> String {
    let high = mix(counter ^ salt(prefix));
    let low = mix(high) & 0xF;
    format!("{prefix}-{high:016x}{low:x}")
}

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
