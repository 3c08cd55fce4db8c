//! Task definitions: parsing and validating `ecs:RegisterTaskDefinition` input (or DescribeTaskDefinition
//! output) into a typed [`TaskDefinitionSpec`], with AWS's rules and error texts.
//!
//! Entry points: [`parse_task_definition`], [`parse_task_definition_str`] and [`compute_compatibilities`].
//! Layout: `schema` (member types, as data), `units` (cpu/memory strings), `validate` (document and task-level
//! rules, typed build), `task` (the fields every rule reads), `containers` (container rules), `fargate` (Fargate
//! table and rules), `access` (lenient readers and the error collector), `types` (the typed result).

mod access;
mod containers;
mod fargate;
mod schema;
mod task;
mod types;
mod units;
mod validate;

#[cfg(test)]
mod tests;

pub use containers::MAX_CONTAINERS;
pub use fargate::{
    fargate_size_exists, FargateSize, MemoryChoices, FARGATE_LOG_DRIVERS, FARGATE_SIZES,
};
pub use types::*;
pub use units::{parse_cpu_units, parse_memory_mib};
pub use validate::{
    compute_compatibilities, parse_task_definition, parse_task_definition_str,
    MAX_TASK_DEFINITION_BYTES, OUTPUT_ONLY_FIELDS,
};
