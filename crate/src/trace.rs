//! The trace hash: a rolling 64-bit FNV-1a over a canonical byte encoding of every processed event.
//!
//! It is the determinism oracle: the CLI prints it, the app shows it, and tests compare it between
//! runs and between the native and the wasm build.

use crate::hash::{fnv1a, FNV_OFFSET_BASIS};

#[derive(Clone, Debug)]
pub struct TraceHasher {
    hash: u64,
    n_records: u64,
}

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher { hash: FNV_OFFSET_BASIS, n_records: 0 }
    }
}

impl TraceHasher {
    pub fn write_bytes(&mut self, bytes: &[u8]) {
        self.hash = fnv1a(bytes, self.hash);
    }

    pub fn write_u64(&mut self, value: u64) {
        self.write_bytes(&value.to_le_bytes());
    }

    pub fn write_str(&mut self, text: &str) {
        self.write_u64(text.len() as u64);
        self.write_bytes(text.as_bytes());
    }

    /// Marks the end of one record, so that `("ab","c")` and `("a","bc")` hash differently.
    pub fn end_record(&mut self) {
        self.n_records += 1;
        self.write_u64(self.n_records);
    }

    pub fn value(&self) -> u64 {
        self.hash
    }

    pub fn n_records(&self) -> u64 {
        self.n_records
    }

    /// The hash as the 16 hex digits shown to users.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.hash)
    }
}
