//! The run's calls as an AWS CLI script: one `aws` command per write call that succeeded, in the order the run
//! made them, each with its input in a JSON file passed by `--cli-input-json` (whose keys are the API's member
//! names, `../shared/reference/integrations-export.md` §4.1). An id or ARN that AWS generates and a later call
//! uses is captured with `--query ... --output text` into a shell variable the later input reads; the account id,
//! the Region, the VPC's ids and the AMI are variables set at the top. The playground's own calls (`sim:`) and
//! the fault actions (`fis:`, run in AWS through an experiment template) are kept as comments.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::api::calls::{self, Service};
use crate::sim::{JournalEntry, Sim, ACCOUNT_ID};

use super::register_task_definition_input;

/// The script's variable marks inside JSON text before it is escaped for the shell (characters no input holds).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// The public SSM parameter of the Amazon ECS-optimized Amazon Linux 2023 AMI.
const ECS_AMI_PARAMETER: &str = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";

/// A value AWS generated that a later call reads: where it is in its call's output and the variable it goes to.
struct Capture {
    entry: usize,
    query: String,
    variable: String,
    used: bool,
}

/// `CreateLoadBalancer` → `create-load-balancer`.
pub(crate) fn kebab(operation: &str) -> String {
    let chars: Vec<char> = operation.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let previous_lower = chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if previous_lower || (chars[i - 1].is_ascii_uppercase() && next_lower) {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The AWS CLI's command for a call: `ecs:CreateService` → `ecs create-service`.
fn cli_command(call: &str) -> Option<String> {
    let row = calls::find(call)?;
    let service = match row.service {
        // The AWS CLI names S3's API commands `s3api` (`aws s3` is its higher-level file commands).
        Service::S3 => "s3api",
        other => other.botocore_model()?,
    };
    Some(format!("{service} {}", kebab(row.operation())))
}

/// Whether a string of an answer is something AWS generates: an ARN, or an id such as `fs-0123abcd` or
/// `subnet-0123abcd` (the VPC's resources made by calls).
fn is_generated(text: &str) -> bool {
    if text.starts_with("arn:") {
        return true;
    }
    match text.split_once('-') {
        Some((prefix, rest)) => {
            ["fs", "fsap", "fsmt", "lt", "i", "eni", "vpc", "subnet", "igw", "rtb", "rtbassoc", "eipalloc", "nat", "sg", "vpce", "sgr"].contains(&prefix) && rest.len() >= 8 && rest.chars().all(|c| c.is_ascii_hexdigit())
        }
        None => false,
    }
}

/// The upper snake case of a member name: `LoadBalancerArn` → `LOAD_BALANCER_ARN`.
fn snake_upper(member: &str) -> String {
    kebab(member).replace('-', "_").to_ascii_uppercase()
}

/// Every generated string of `value` with its JMESPath and its member's name.
fn generated_leaves(value: &Value, path: &str, member: &str, out: &mut Vec<(String, String, String)>) {
    match value {
        Value::String(text) if is_generated(text) => out.push((text.clone(), path.to_string(), member.to_string())),
        Value::Object(map) => {
            for (key, item) in map {
                let path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                generated_leaves(item, &path, key, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                generated_leaves(item, &format!("{path}[{i}]"), member, out);
            }
        }
        _ => {}
    }
}

/// The script's state while it is written.
struct Writer<'a> {
    /// A generated literal → its capture (the first call that answered it).
    captures: BTreeMap<String, usize>,
    capture_list: Vec<Capture>,
    /// Literal network ids and the variables the reader sets for them.
    network: &'a BTreeMap<String, String>,
    network_used: Vec<String>,
    needs_ami: bool,
    /// Auto Scaling group ARNs (answered only by a read) looked up before the call that uses them.
    lookups: Vec<(String, String)>,
    region: &'a str,
}

impl Writer<'_> {
    /// `value` with every literal a variable stands for replaced by the variable's mark; `entry` is the call's
    /// index (only earlier calls' answers are read).
    fn substitute(&mut self, value: &mut Value, entry: usize, pre: &mut Vec<String>) {
        match value {
            Value::String(text) => {
                if let Some(&i) = self.captures.get(text.as_str()) {
                    if self.capture_list[i].entry < entry {
                        self.capture_list[i].used = true;
                        *text = format!("{OPEN}{}{CLOSE}", self.capture_list[i].variable);
                        return;
                    }
                }
                if let Some(variable) = self.network.get(text.as_str()) {
                    if !self.network_used.contains(variable) {
                        self.network_used.push(variable.clone());
                    }
                    *text = format!("{OPEN}{variable}{CLOSE}");
                    return;
                }
                // `VPCZoneIdentifier` is a comma-separated list of subnet ids.
                if text.contains(',') && text.split(',').all(|part| self.network.contains_key(part.trim())) {
                    let parts: Vec<String> = text.split(',').map(|part| self.network[part.trim()].clone()).collect();
                    for variable in &parts {
                        if !self.network_used.contains(variable) {
                            self.network_used.push(variable.clone());
                        }
                    }
                    *text = parts.iter().map(|v| format!("{OPEN}{v}{CLOSE}")).collect::<Vec<_>>().join(",");
                    return;
                }
                if text.contains(":autoScalingGroup:") {
                    let name = text.rsplit("autoScalingGroupName/").next().unwrap_or_default().to_string();
                    let variable = format!("ASG_ARN_{}", snake_upper(&name.replace('-', "_")).replace("__", "_"));
                    pre.push(format!(
                        "{variable}=$(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names {} --query 'AutoScalingGroups[0].AutoScalingGroupARN' --output text)",
                        shell_word(&name)
                    ));
                    self.lookups.push((text.clone(), variable.clone()));
                    *text = format!("{OPEN}{variable}{CLOSE}");
                    return;
                }
                if text.contains(ACCOUNT_ID) || (text.starts_with("arn:") && text.contains(self.region)) {
                    *text = text
                        .replace(ACCOUNT_ID, &format!("{OPEN}ACCOUNT_ID{CLOSE}"))
                        .replace(&format!(":{}:", self.region), &format!(":{OPEN}AWS_REGION{CLOSE}:"))
                        .replace(&format!(".{}.", self.region), &format!(".{OPEN}AWS_REGION{CLOSE}."));
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.substitute(v, entry, pre)),
            Value::Object(map) => map.values_mut().for_each(|v| self.substitute(v, entry, pre)),
            _ => {}
        }
    }
}

/// A word the shell reads as itself.
fn shell_word(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@".contains(c)) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// JSON text for an unquoted here-document: the shell's `\`, `$` and backquote escaped, the marks made `${VAR}`.
fn heredoc_text(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.replace('\\', "\\\\").replace('$', "\\$").replace('`', "\\`").replace(OPEN, "${").replace(CLOSE, "}")
}

/// A call's input made ready for the real API.
fn real_input(entry: &JournalEntry, writer: &mut Writer) -> Value {
    let mut input = entry.input.clone();
    match entry.call.as_str() {
        "ecs:RegisterTaskDefinition" => input = register_task_definition_input(&input),
        "ec2:RunInstances" => {
            if input.get("ImageId").is_none() {
                input["ImageId"] = json!(format!("{OPEN}IMAGE_ID{CLOSE}"));
                writer.needs_ami = true;
            }
            for count in ["MinCount", "MaxCount"] {
                if input.get(count).is_none() {
                    input[count] = json!(1);
                }
            }
        }
        "ec2:CreateLaunchTemplate" => {
            if let Some(data) = input.get_mut("LaunchTemplateData") {
                if data.get("ImageId").is_none() {
                    data["ImageId"] = json!(format!("{OPEN}IMAGE_ID{CLOSE}"));
                    writer.needs_ami = true;
                }
                // A launch template's user data must be base64 (the playground also takes plain text).
                if let Some(text) = data.get("UserData").and_then(Value::as_str).filter(|t| t.starts_with("#!") || t.contains(' ') || t.contains('\n')) {
                    data["UserData"] = json!(padded_base64(text.as_bytes()));
                }
            }
        }
        _ => {}
    }
    input
}

fn padded_base64(bytes: &[u8]) -> String {
    let mut text = crate::codec::Base64::Standard.encode(bytes);
    while text.len() % 4 != 0 {
        text.push('=');
    }
    text
}

pub(crate) fn script(sim: &Sim) -> String {
    let scenario = sim.scenario();
    let region = scenario.region.clone();
    let mut network = BTreeMap::new();
    let mut network_notes = BTreeMap::new();
    network.insert(scenario.network.vpc_id.clone(), "VPC_ID".to_string());
    network_notes.insert("VPC_ID".to_string(), format!("the VPC the playground calls {}", scenario.network.vpc_id));
    for subnet in &scenario.network.subnets {
        let variable = format!("SUBNET_{}", snake_upper(&subnet.subnet_id.trim_start_matches("subnet-").replace('-', "_")).replace("__", "_"));
        network_notes.insert(variable.clone(), format!("the subnet the playground calls {}, in {}", subnet.subnet_id, subnet.availability_zone));
        network.insert(subnet.subnet_id.clone(), variable);
    }
    for group in &scenario.network.security_groups {
        let variable = format!("SECURITY_GROUP_{}", snake_upper(&group.group_id.trim_start_matches("sg-").replace('-', "_")).replace("__", "_"));
        network_notes.insert(variable.clone(), format!("the security group the playground calls {}", group.group_id));
        network.insert(group.group_id.clone(), variable);
    }
    network.retain(|literal, _| !literal.is_empty());

    let journal = sim.journal();
    let mut writer = Writer { captures: BTreeMap::new(), capture_list: Vec::new(), network: &network, network_used: Vec::new(), needs_ami: false, lookups: Vec::new(), region: &region };
    let mut counters: BTreeMap<String, u32> = BTreeMap::new();
    for (i, entry) in journal.iter().enumerate() {
        let mut leaves = Vec::new();
        generated_leaves(&entry.output, "", "", &mut leaves);
        for (literal, query, member) in leaves {
            if writer.captures.contains_key(&literal) {
                continue;
            }
            let base = snake_upper(&member);
            let n = counters.entry(base.clone()).or_insert(0);
            *n += 1;
            writer.captures.insert(literal, writer.capture_list.len());
            writer.capture_list.push(Capture { entry: i, query, variable: format!("{base}_{n}"), used: false });
        }
    }

    // The inputs first, so the captures later calls use are known.
    let mut bodies = Vec::new();
    for (i, entry) in journal.iter().enumerate() {
        let mut input = real_input(entry, &mut writer);
        let mut pre = Vec::new();
        writer.substitute(&mut input, i, &mut pre);
        bodies.push((input, pre));
    }

    let mut out = String::new();
    out.push_str("#!/usr/bin/env bash\n");
    out.push_str(&format!("# The AWS calls of the ECS Playground run of '{}', in the order the run made them, up to {}.\n", scenario.name.replace('\n', " "), crate::time::format_duration_ms(sim.now().as_millis())));
    out.push_str("# Each call's input is a JSON file passed with --cli-input-json; ids and ARNs that AWS generates are captured\n");
    out.push_str("# with --query into the variables later inputs read. Set the variables below to your account's resources first.\n");
    out.push_str("set -euo pipefail\n\n");
    out.push_str(&format!("export AWS_REGION=\"${{AWS_REGION:-{region}}}\"\n"));
    out.push_str("ACCOUNT_ID=\"${ACCOUNT_ID:-$(aws sts get-caller-identity --query Account --output text)}\"\n");
    for variable in &writer.network_used {
        let note = network_notes.get(variable).cloned().unwrap_or_default();
        out.push_str(&format!("{variable}=\"${{{variable}:?set {variable} to the id of {note}}}\"\n"));
    }
    if writer.needs_ami {
        out.push_str(&format!("IMAGE_ID=\"${{IMAGE_ID:-$(aws ssm get-parameter --name {ECS_AMI_PARAMETER} --query Parameter.Value --output text)}}\"\n"));
    }
    out.push_str("inputs=\"${INPUTS_DIR:-$(mktemp -d)}\"\n");
    out.push_str("mkdir -p \"$inputs\"\n");

    for (i, (entry, (input, pre))) in journal.iter().zip(bodies).enumerate() {
        let at = crate::time::format_duration_ms(entry.time.as_millis());
        out.push('\n');
        let Some(command) = cli_command(&entry.call) else {
            out.push_str(&format!("# {at}: {} is not an AWS API call (the playground's own call or a fault action); its input was:\n", entry.call));
            for line in serde_json::to_string(&entry.input).unwrap_or_default().lines() {
                out.push_str(&format!("#   {line}\n"));
            }
            continue;
        };
        let file = format!("$inputs/{:03}-{}.json", i + 1, command.rsplit(' ').next().unwrap_or("call"));
        out.push_str(&format!("# {at}: {}\n", entry.call));
        for line in pre {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&format!("cat > \"{file}\" <<JSON\n{}\nJSON\n", heredoc_text(&input)));
        let captured: Vec<&Capture> = writer.capture_list.iter().filter(|c| c.entry == i && c.used).collect();
        let call = format!("aws {command} --cli-input-json \"file://{file}\"");
        match captured.as_slice() {
            [] => out.push_str(&format!("{call} >/dev/null\n")),
            [one] => out.push_str(&format!("{}=$({call} --query '{}' --output text)\n", one.variable, one.query)),
            many => {
                let variables: Vec<&str> = many.iter().map(|c| c.variable.as_str()).collect();
                let queries: Vec<&str> = many.iter().map(|c| c.query.as_str()).collect();
                out.push_str(&format!("read -r {} < <({call} --query '[{}]' --output text)\n", variables.join(" "), queries.join(", ")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_become_cli_commands() {
        assert_eq!(kebab("CreateLoadBalancer"), "create-load-balancer");
        assert_eq!(kebab("DescribeDBInstances"), "describe-db-instances");
        assert_eq!(kebab("PutClusterCapacityProviders"), "put-cluster-capacity-providers");
        assert_eq!(cli_command("elasticloadbalancing:CreateTargetGroup").as_deref(), Some("elbv2 create-target-group"));
        assert_eq!(cli_command("sim:SetLoad"), None);
    }

    #[test]
    fn heredoc_text_escapes_the_shell() {
        let value = json!({ "a": "x$y`z\\n", "b": format!("{OPEN}VAR{CLOSE}/1") });
        assert_eq!(heredoc_text(&value), "{\n  \"a\": \"x\\$y\\`z\\\\\\\\n\",\n  \"b\": \"${VAR}/1\"\n}");
    }
}
