//! The fixed hash and mixing functions of the core: 64-bit FNV-1a and SplitMix64, one copy of each.
//!
//! Both are documented, target-independent algorithms: the trace hash, deterministic ids and the placement
//! benchmark's checksum are built on them, so their outputs must never change.

/// The FNV-1a 64-bit offset basis: the hash of no bytes.
pub const FNV_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;

/// The FNV 64-bit prime.
pub const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Folds `bytes` into the FNV-1a hash `hash` (start from [`FNV_OFFSET_BASIS`]).
pub fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// The increment of SplitMix64's state (the golden ratio in 64-bit fixed point).
pub const SPLITMIX_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's output function: a fixed bijection on `u64` that spreads every input bit over the output.
pub fn splitmix64_finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The next output of a SplitMix64 generator whose state is `state`, advancing it.
pub fn splitmix64_next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(SPLITMIX_GAMMA);
    splitmix64_finalize(*state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // Test vectors of the FNV reference implementation (Fowler, Noll, Vo).
        assert_eq!(fnv1a(b"", FNV_OFFSET_BASIS), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a", FNV_OFFSET_BASIS), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar", FNV_OFFSET_BASIS), 0x8594_4171_f739_67e8);
        // Folding in two parts is folding the whole.
        assert_eq!(fnv1a(b"bar", fnv1a(b"foo", FNV_OFFSET_BASIS)), fnv1a(b"foobar", FNV_OFFSET_BASIS));
    }

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // The first outputs of the reference `splitmix64.c` (Vigna) seeded with 0.
        let mut state = 0;
        assert_eq!(splitmix64_next(&mut state), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix64_next(&mut state), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(splitmix64_next(&mut state), 0x06c4_5d18_8009_454f);
        assert_eq!(state, SPLITMIX_GAMMA.wrapping_mul(3));
    }
}
