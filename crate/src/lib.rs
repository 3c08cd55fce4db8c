//! `ecs-sim`: a deterministic, sans-IO model of Amazon ECS.
//!
//! The core never reads a clock, never uses ambient randomness and never does I/O.
//! Time is [`time::SimTime`] (integer milliseconds) passed in by the driver, randomness is one
//! seeded [`rng::Prng`] of a fixed algorithm, entities live in ordered maps, and every processed
//! event is folded into a trace hash. The same scenario and seed give the same run on every
//! target, natively and in WebAssembly.
//!
//! Determinism rules for contributors:
//! - never use `usize` in anything that is hashed, serialized or drawn from the PRNG (wasm32 is 32-bit);
//! - never iterate a `HashMap` where the order can reach the trace; use `BTreeMap` or id-indexed `Vec`s;
//! - never use `f64` in a decision; integer arithmetic only (floats are for metrics output).

pub mod api;
pub mod catalog;
pub mod codec;
pub mod iam;
pub(crate) mod ids;
pub mod cql;
pub mod efs;
pub mod elb;
pub(crate) mod hash;
pub mod order;
pub mod placement;
pub mod rng;
pub mod scaling;
pub mod scenario;
pub mod table;
pub mod sim;
pub mod taskdef;
pub mod time;
pub mod trace;
pub mod view;
pub mod wildcard;
