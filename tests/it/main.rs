//! One integration test binary; each module covers one capability.
mod taskdef_fixtures;
mod taskdef_fuzz;
mod scenarios;
mod determinism;
mod engine_props;
mod cli;
mod scenario_format;
mod explain;
mod scenario_fuzz;
mod iam_engine;
mod storage_engine;
mod elb_engine;
mod tidy;
mod autoscaling_engine;
mod capacity_engine;
mod cost_engine;
mod scaling_props;
