//! Lessons: a versioned file format for a guided exercise over the simulation, and the checker that plays a
//! learner's run forward and judges it.
//!
//! A lesson names a starting scenario (a built-in id or an inline scenario), a goal, ordered steps with hints,
//! the faults or traffic that start when the learner presses Check (`onCheck`, times relative to Check), how long
//! the run goes on after Check (`checkFor`), objectives as typed checks over the simulation (`Check`), and a
//! reference solution as calls. `parse.rs` reads and validates the file (every problem with its JSON path),
//! `check.rs` runs the checker, `quiz.rs` generates the quizzes whose answers are the engine's own decisions.
//! The lesson files live in `crate/lessons/<id>.json` and are not compiled in: the app fetches them, the CLI
//! and the tests read them from disk.

mod check;
mod model;
mod parse;
pub mod quiz;

pub use check::{check_answered_run, check_lesson, check_run, LearnerCall, Report, Verdict};
pub use model::*;
#[cfg(feature = "builtin-scenarios")]
pub use parse::{parse_lesson, parse_lesson_str};
pub use parse::{parse_lesson_index, parse_lesson_str_with, parse_lesson_with, LessonIndexEntry};
