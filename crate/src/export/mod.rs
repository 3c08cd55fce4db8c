//! Exports of a run to real AWS: the account as a CloudFormation template (`cloudformation.rs`, written as
//! YAML or JSON by `emit.rs`) and as an AWS CLI script of the run's calls (`cli.rs`). Both read the run's
//! journal of successful write calls (`Sim::journal`).

mod cloudformation;
mod cli;
mod emit;
mod names;

pub use emit::Node;

/// How a template is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateFormat {
    Yaml,
    Json,
}

/// The account of `sim` as it stands, as a CloudFormation template.
pub fn cloudformation(sim: &crate::sim::Sim, format: TemplateFormat) -> String {
    let template = cloudformation::template(sim);
    match format {
        TemplateFormat::Yaml => emit::to_yaml(&template),
        TemplateFormat::Json => emit::to_json(&template),
    }
}

/// The run's calls as an AWS CLI script.
pub fn cli_script(sim: &crate::sim::Sim) -> String {
    cli::script(sim)
}
