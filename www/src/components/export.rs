//! The Files tab's export to real AWS: the account as it stands as a CloudFormation template (YAML or JSON)
//! and the run's calls as an AWS CLI script, each a download made when its button is pressed.

use ecs_sim::export::TemplateFormat;
use yew::prelude::*;

use crate::components::banner::save_file;
use crate::components::form::{hint, subhead};
use crate::driver::use_commands;
use crate::render_count::use_render_count;

/// What an export button downloads.
#[derive(Clone, Copy, PartialEq)]
enum Export {
    CloudFormationYaml,
    CloudFormationJson,
    CliScript,
}

impl Export {
    const ALL: [Export; 3] = [Export::CloudFormationYaml, Export::CloudFormationJson, Export::CliScript];

    fn label(self) -> &'static str {
        match self {
            Export::CloudFormationYaml => "CloudFormation (YAML)",
            Export::CloudFormationJson => "CloudFormation (JSON)",
            Export::CliScript => "AWS CLI script",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Export::CloudFormationYaml => "ecs-playground.template.yaml",
            Export::CloudFormationJson => "ecs-playground.template.json",
            Export::CliScript => "ecs-playground-calls.sh",
        }
    }
}

#[function_component(ExportForm)]
pub fn export_form() -> Html {
    use_render_count("ExportForm");
    let commands = use_commands();
    let buttons = Export::ALL.into_iter().map(|export| {
        let commands = commands.clone();
        let onclick = Callback::from(move |_| {
            let text = match export {
                Export::CloudFormationYaml => commands.cloudformation(TemplateFormat::Yaml),
                Export::CloudFormationJson => commands.cloudformation(TemplateFormat::Json),
                Export::CliScript => commands.cli_script(),
            };
            save_file(export.file_name(), &text);
        });
        html! { <button key={export.file_name()} type="button" class="export-button" data-export={export.file_name()} {onclick}>{ export.label() }</button> }
    });
    html! {
        <>
            { subhead("Export to AWS") }
            { hint("The account as it stands now, as a CloudFormation template (your VPC, subnets, security groups and AMI are its Parameters), or the run's calls as aws commands.") }
            <div class="export-buttons">{ for buttons }</div>
        </>
    }
}
