//! A run to real AWS and back: the account as a CloudFormation template (`cloudformation.rs`, written as
//! YAML or JSON by `emit.rs`) and as an AWS CLI script of the run's calls (`cli.rs`), both read from the run's
//! journal of successful write calls (`Sim::journal`); and a template as a scenario (`import.rs`).

mod cloudformation;
mod cli;
mod emit;
mod import;
mod import_services;
mod names;
mod yaml;

pub use emit::Node;
pub use import::ImportErrors;

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

/// The members of DescribeTaskDefinition's `taskDefinition` that AWS sets and RegisterTaskDefinition refuses
/// ("Unknown parameter in input: \"registeredAt\", must be one of: family, taskRoleArn, ...", aws-cli issue 5882).
const TASK_DEFINITION_READ_ONLY: &[&str] =
    &["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt"];

/// A task definition as RegisterTaskDefinition input: DescribeTaskDefinition output (with its top-level
/// `taskDefinition` and `tags`) or a task definition object, without the members AWS sets.
pub fn register_task_definition_input(document: &serde_json::Value) -> serde_json::Value {
    let mut input = document.get("taskDefinition").filter(|t| t.is_object()).unwrap_or(document).clone();
    if let Some(map) = input.as_object_mut() {
        for member in TASK_DEFINITION_READ_ONLY {
            map.remove(*member);
        }
        if let Some(tags) = document.get("tags").filter(|t| t.as_array().is_some_and(|a| !a.is_empty())) {
            map.entry("tags").or_insert(tags.clone());
        }
    }
    input
}

/// [`register_task_definition_input`] as pretty JSON, the file `aws ecs register-task-definition
/// --cli-input-json` reads.
pub fn register_task_definition_text(document: &serde_json::Value) -> String {
    serde_json::to_string_pretty(&register_task_definition_input(document)).unwrap_or_default()
}

/// A CloudFormation template's text (JSON or YAML) as a scenario document, or every problem found (nothing
/// is made then). `name` is the scenario's name.
pub fn import_template(text: &str, name: &str) -> Result<serde_json::Value, ImportErrors> {
    let template: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| vec![format!("the template is not valid JSON: {e}")])?
    } else {
        yaml::parse(text).map_err(|e| vec![format!("the template is not YAML this import reads: {e}")])?
    };
    import::import_template(&template, text, name)
}
