//! The page's regions: builder, cluster map, explanation panel and event log, plus the IAM and
//! storage parts they share, and the scaling tab and charts.

pub mod builder;
pub mod explain;
pub mod iam;
pub mod loadbalancing;
pub mod log;
pub mod map;
pub mod scaling;
pub mod storage;
