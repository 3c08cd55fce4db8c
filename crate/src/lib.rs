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
//!
//! The API boundary: the app, the CLI and the tests drive a [`sim::Sim`] (`new`, `call`, `advance_to`, `step`,
//! `take_log`, `view`, `explain_task`, `replay_to`, ...), read a [`view::View`], load a [`scenario::Scenario`],
//! and read the call table ([`api::calls`]). The other public modules are the models the app draws from
//! (catalog prices, IAM's managed policies, placement's explanations) and the shared primitives (`time`,
//! `rng`, `codec`, `trace`, `table`); the rest is private to the crate.

pub mod api;
pub mod bench;
pub mod catalog;
pub mod codec;
pub mod diagram;
pub mod iam;
pub mod lesson;
pub mod logs;
pub(crate) mod ids;
pub(crate) mod cql;
pub mod dynamodb;
pub mod efs;
pub mod elb;
pub mod events;
pub mod export;
pub(crate) mod hash;
pub(crate) mod order;
pub mod placement;
pub mod rds;
pub mod rng;
pub mod s3;
pub mod scaling;
pub mod scenario;
pub mod table;
pub mod sim;
pub mod sns;
pub mod states;
pub mod taskdef;
pub mod time;
pub mod trace;
pub mod view;
pub mod vpc;
pub(crate) mod wildcard;
