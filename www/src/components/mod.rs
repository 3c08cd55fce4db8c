//! The page's regions: builder, cluster map, explanation panel and event log, plus the IAM and
//! storage parts they share, the scaling tab and charts, the cost panel, the API console and the banner.
//! `form.rs` is the leaf every region uses; no region imports another that imports it back.

pub mod alarms;
pub mod banner;
pub mod builder;
pub mod console;
pub mod cost;
pub mod data;
pub mod events;
pub mod demo;
pub mod explain;
pub mod export;
pub mod form;
pub mod iam;
pub mod insights;
pub mod lessons;
pub mod loadbalancing;
pub mod log;
pub mod logs;
pub mod map;
pub mod network;
pub mod network_paths;
pub mod replay;
pub mod scaling;
pub mod sfn_graph;
pub mod storage;
pub mod troubleshoot_service;
pub mod workload;
