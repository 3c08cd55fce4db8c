//! ECS Playground: the Yew single-page app around the `ecs-sim` core.
//!
//! The page is one shell ([`App`]): a header with time controls, the builder column on the left,
//! the cluster map in the centre, the explanation column on the right, the event log at the bottom
//! and a footer with the run's seed and trace hash. The simulation lives in the `ecs-sim` crate; the
//! [`driver`] owns it and publishes its `View`; `forms/` holds the forms' models; `components/` draw it.
//!
//! Two markers exist for the browser suite and benchmarks (`tests/browser/`): the shell's root
//! element carries `data-ready` once Yew has rendered it, and the first render records the
//! `performance.mark("ecs-playground:first-render")`.

pub mod boot;
mod charts;
mod components;
pub mod driver;
mod forms;
pub mod js_api;
mod lesson_fetch;
pub mod render_count;
mod shell;
mod text;

pub use driver::ECS_SIM_VERSION;
pub use shell::App;
