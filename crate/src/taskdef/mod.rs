//! Task definitions: parsing and validating `ecs:RegisterTaskDefinition` input (or DescribeTaskDefinition
//! output) into a typed [`TaskDefinitionSpec`], with AWS's rules and error texts.

mod types;

pub use types::*;
