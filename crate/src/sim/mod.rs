//! The engine: a discrete-event model of an AWS account running Amazon ECS.
//!
//! Contract (the sans-IO run loop, after str0m and quinn-proto):
//! 1. build a [`Sim`] from a [`Scenario`](crate::scenario::Scenario) and a seed; the scenario's steps are
//!    scheduled as events;
//! 2. change the world only through [`Sim::call`] (an AWS API call applied at [`Sim::now`]);
//! 3. move time with [`Sim::advance_to`] (bounded by an event budget) or [`Sim::step`];
//! 4. after either, drain the log with [`Sim::take_log`] and read the state with [`Sim::view`].
//!
//! Events are ordered by (time, sequence); the trace hash folds in every processed event and every call.
//!
//! This file only names the parts and what they give the rest of the crate: the engine's files import what
//! they need from each other (the leaves first: `model`, `record`, `queue`, `task_store`, `launch_rate`,
//! `requests`), never from here, so no two of them import each other through this one.

pub mod agent_log;
mod agent_log_model;
mod answers;
mod autoscaling;
mod batch_job;
mod capacity;
mod checkpoints;
mod clusters;
mod container_health;
mod container_instances;
mod cost;
mod deployment_alarms;
mod describe;
mod dispatch;
mod ecs_events;
mod ecs_events_model;
pub mod events_view;
mod engine;
mod explain;
mod faults;
mod insights;
mod instance_faults;
pub mod insights_dashboard;
mod instances;
mod launch_rate;
pub mod integrations;
pub mod request_workload;
pub mod workload_view;
mod request_workload_model;
mod loadbalancing;
mod logging;
pub mod performance;
pub mod logs_view;
mod netcost;
mod netpaths;
mod network;
mod notifications;
mod overrides;
mod pagination;
pub mod notifications_view;
pub mod network_view;
pub mod model;
mod queue;
mod queue_workload;
mod record;
mod requests;
mod rewind;
mod scale_in;
pub mod scaling_view;
mod service_events;
mod services;
mod sim_calls;
mod step_functions;
mod stopping;
mod subnet_addresses;
mod task_definitions;
mod task_store;
pub mod troubleshoot;
mod troubleshoot_model;
mod troubleshoot_service;
mod tasks;
mod workload;

pub(crate) use cost::capacity_type_of;
pub use checkpoints::{Checkpoints, FIRST_INTERVAL_EVENTS, MAX_CHECKPOINTS};
pub use cost::usd_text;
pub use engine::Sim;
pub use loadbalancing::ELB_STEP_MS;
pub use model::*;
pub use record::{Advance, JournalEntry, LogEntry, LogKind, MetricSample, RecordedCall, LOG_DROP_BATCH, MAX_LOG_ENTRIES, MAX_METRIC_SAMPLES, MAX_RECORDED_CALLS};
pub use rewind::RunPoint;
pub use task_store::{MAX_STOPPED_TASKS_KEPT, STOPPED_TASK_KEPT_MS};
