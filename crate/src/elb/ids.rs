//! Deterministic ELB ids: a fixed mixing function of a counter, never a random source.
//!
//! ARN suffixes are 16 lowercase hex digits like AWS's; DNS names follow AWS's patterns.

/// SplitMix64 finaliser.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn salt(kind: &str) -> u64 {
    kind.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01B3))
}

/// 16 hex digits derived from `counter` and a kind.
pub(crate) fn hex16(kind: &str, counter: u64) -> String {
    format!("{:016x}", mix(counter ^ salt(kind)))
}

/// A 10-digit decimal suffix (ALB and CLB DNS names).
pub(crate) fn dec10(kind: &str, counter: u64) -> String {
    format!("{:010}", mix(counter ^ salt(kind)) % 10_000_000_000)
}

