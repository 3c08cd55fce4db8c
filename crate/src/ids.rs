//! Deterministic identifiers: a fixed mixing function of a counter and a salt per kind of id, never a
//! random source, so the same calls give the same ids on every target. Shared by the service models.

/// SplitMix64 finaliser: a fixed, documented bijection on u64.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a kind name, so that ids of different kinds from the same counter differ.
pub(crate) fn salt(kind: &str) -> u64 {
    kind.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01B3))
}
