//! The page's regions: builder, cluster map, explanation panel and event log.

pub mod builder;
pub mod explain;
pub mod log;
pub mod map;
