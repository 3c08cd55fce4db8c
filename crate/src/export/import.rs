//! A CloudFormation template (JSON, or YAML read by `yaml.rs`) as a scenario: each resource of a supported type becomes the calls that create it,
//! in dependency order (`Ref`, `Fn::GetAtt`, `Fn::Sub` and `DependsOn`), with Parameters (their defaults),
//! Conditions (`Fn::If`, `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`), `Fn::Join`, `Fn::Select`, `Fn::Split`
//! and `Fn::Base64` resolved. A reference to a resource becomes a scenario substitution (`${Id.path}`) of the
//! answer of the step that created it. Parameters of the VPC's types without a default become the scenario's
//! network: `SubnetA` is the subnet `subnet-a`, `SecurityGroupTasks` the security group `sg-tasks`.
//!
//! An unsupported resource type, intrinsic function or attribute is named with its logical id (and its line
//! in the template's text), and no scenario is made: nothing is half-created.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// The problems of a template that cannot be imported: `path: message`, in the template's order.
pub type ImportErrors = Vec<String>;

/// The resource types an import turns into calls.
const SUPPORTED: &[&str] = &[
    "AWS::ECS::Cluster",
    "AWS::ECS::TaskDefinition",
    "AWS::ECS::Service",
    "AWS::ECS::CapacityProvider",
    "AWS::ECS::ClusterCapacityProviderAssociations",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::EC2::LaunchTemplate",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::IAM::Role",
    "AWS::IAM::InstanceProfile",
    "AWS::EFS::FileSystem",
    "AWS::EFS::MountTarget",
    "AWS::EFS::AccessPoint",
    "AWS::EC2::Instance",
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::EIP",
    "AWS::EC2::NatGateway",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::VPCEndpointService",
    "AWS::SNS::Topic",
    "AWS::SNS::Subscription",
    "AWS::Logs::LogGroup",
    "AWS::CloudWatch::Alarm",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::DynamoDB::Table",
    "AWS::RDS::DBSubnetGroup",
    "AWS::RDS::DBInstance",
    "AWS::StepFunctions::StateMachine",
    "AWS::Events::Rule",
];

/// For the types whose `Ref` is a name the template gives (or the import makes up): the property that holds it.
fn name_property(type_name: &str) -> Option<&'static str> {
    Some(match type_name {
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::CloudWatch::Alarm" => "AlarmName",
        "AWS::S3::Bucket" => "BucketName",
        "AWS::DynamoDB::Table" => "TableName",
        "AWS::RDS::DBSubnetGroup" => "DBSubnetGroupName",
        "AWS::RDS::DBInstance" => "DBInstanceIdentifier",
        "AWS::Events::Rule" => "Name",
        _ => return None,
    })
}



/// A template's resource, once its conditions are decided.
struct Item {
    id: String,
    type_name: String,
    properties: Value,
    depends_on: Vec<String>,
}

/// The line of `"key"` (JSON) or `key:` (YAML) in `text`, the first after `after`, 1-based.
fn line_of(text: &str, key: &str, after: usize) -> Option<(usize, usize)> {
    let mut offset = 0;
    for (n, line) in text.lines().enumerate() {
        let start = offset;
        offset += line.len() + 1;
        if start < after {
            continue;
        }
        let quoted = format!("\"{key}\"");
        let as_json_key = line.match_indices(&quoted).any(|(i, _)| line[i + quoted.len()..].trim_start().starts_with(':'));
        if as_json_key || line.trim_start().starts_with(&format!("{key}:")) {
            return Some((n + 1, start));
        }
    }
    None
}

struct Context<'a> {
    text: &'a str,
    parameters: BTreeMap<String, Value>,
    conditions: BTreeMap<String, bool>,
    items: BTreeMap<String, String>,
    /// The names of the resources whose `Ref` is their name (`name_property`).
    names: BTreeMap<String, String>,
    region: String,
    errors: Vec<String>,
}

impl Context<'_> {
    fn at(&self, id: &str) -> String {
        let resources = line_of(self.text, "Resources", 0).map(|(_, at)| at).unwrap_or(0);
        match line_of(self.text, id, resources) {
            Some((line, _)) => format!("Resources.{id} (line {line})"),
            None => format!("Resources.{id}"),
        }
    }

    /// The value of `Ref name`: a Parameter, a pseudo parameter, or a resource's answer.
    fn reference(&mut self, owner: &str, name: &str) -> Value {
        if let Some(value) = self.parameters.get(name) {
            return value.clone();
        }
        match name {
            "AWS::AccountId" => return json!(crate::sim::ACCOUNT_ID),
            "AWS::Region" => return json!(self.region),
            "AWS::Partition" => return json!("aws"),
            "AWS::NoValue" => return Value::Null,
            "AWS::StackName" => return json!("playground"),
            _ => {}
        }
        if let Some(literal) = self.names.get(name) {
            return json!(literal);
        }
        match self.items.get(name).cloned() {
            Some(type_name) => match ref_path(&type_name) {
                Some(path) => json!(format!("${{{name}.{path}}}")),
                None => {
                    let at = self.at(owner);
                    self.errors.push(format!("{at}: Ref {name}: a {type_name} cannot be referenced by the playground"));
                    Value::Null
                }
            },
            None => {
                let at = self.at(owner);
                self.errors.push(format!("{at}: Ref {name}: no Parameter or resource has that name"));
                Value::Null
            }
        }
    }

    fn get_att(&mut self, owner: &str, name: &str, attribute: &str) -> Value {
        let type_name = self.items.get(name).cloned().unwrap_or_default();
        // The ARNs made from a name the template gives.
        if let Some(literal) = self.names.get(name) {
            let arn = match (type_name.as_str(), attribute) {
                ("AWS::S3::Bucket", "Arn") => Some(format!("arn:aws:s3:::{literal}")),
                ("AWS::Logs::LogGroup", "Arn") => Some(format!("arn:aws:logs:{}:{}:log-group:{literal}:*", self.region, crate::sim::ACCOUNT_ID)),
                ("AWS::Events::Rule", "Arn") => Some(format!("arn:aws:events:{}:{}:rule/{literal}", self.region, crate::sim::ACCOUNT_ID)),
                _ => None,
            };
            if let Some(arn) = arn {
                return json!(arn);
            }
        }
        match att_path(&type_name, attribute) {
            Some(path) => json!(format!("${{{name}.{path}}}")),
            None => {
                let at = self.at(owner);
                self.errors.push(format!("{at}: Fn::GetAtt {name}.{attribute}: the attribute is not supported"));
                Value::Null
            }
        }
    }

    fn condition(&mut self, owner: &str, value: &Value) -> bool {
        match self.resolve(owner, value) {
            Value::Bool(b) => b,
            Value::String(s) => s == "true",
            _ => false,
        }
    }

    /// `value` with every intrinsic function resolved.
    fn resolve(&mut self, owner: &str, value: &Value) -> Value {
        match value {
            // A value that resolves to `AWS::NoValue` is left out; a literal null (a state machine definition's
            // `"ResultPath": null`) is kept as written.
            Value::Array(items) => Value::Array(items.iter().filter_map(|v| Some(self.resolve(owner, v)).filter(|r| !r.is_null() || v.is_null())).collect()),
            Value::Object(map) if map.len() == 1 && map.keys().next().is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")) => {
                let (function, argument) = map.iter().next().expect("one entry");
                self.intrinsic(owner, function, argument)
            }
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, item) in map {
                    let resolved = self.resolve(owner, item);
                    if !resolved.is_null() || item.is_null() {
                        out.insert(key.clone(), resolved);
                    }
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }

    fn intrinsic(&mut self, owner: &str, function: &str, argument: &Value) -> Value {
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => String::new(),
        };
        match function {
            "Ref" => {
                let name = argument.as_str().unwrap_or_default().to_string();
                self.reference(owner, &name)
            }
            "Condition" => json!(self.conditions.get(argument.as_str().unwrap_or_default()).copied().unwrap_or(false)),
            "Fn::GetAtt" => {
                let (name, attribute) = match argument {
                    Value::String(s) => s.split_once('.').map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or_default(),
                    Value::Array(parts) => (parts.first().map(text).unwrap_or_default(), parts.get(1).map(text).unwrap_or_default()),
                    _ => Default::default(),
                };
                self.get_att(owner, &name, &attribute)
            }
            "Fn::Sub" => {
                let (template, variables) = match argument {
                    Value::Array(parts) => (parts.first().map(text).unwrap_or_default(), parts.get(1).cloned().unwrap_or(json!({}))),
                    other => (text(other), json!({})),
                };
                let variables = self.resolve(owner, &variables);
                let mut out = String::new();
                let mut rest = template.as_str();
                while let Some(start) = rest.find("${") {
                    out.push_str(&rest[..start]);
                    let after = &rest[start + 2..];
                    let Some(end) = after.find('}') else {
                        out.push_str(&rest[start..]);
                        rest = "";
                        break;
                    };
                    let name = &after[..end];
                    if let Some(literal) = name.strip_prefix('!') {
                        out.push_str(&format!("${{{literal}}}"));
                    } else if let Some(v) = variables.get(name) {
                        out.push_str(&text(v));
                    } else if let Some((resource, attribute)) = name.split_once('.').filter(|(r, _)| !r.starts_with("AWS:")) {
                        let v = self.get_att(owner, resource, attribute);
                        out.push_str(&text(&v));
                    } else {
                        let v = self.reference(owner, name);
                        out.push_str(&text(&v));
                    }
                    rest = &after[end + 1..];
                }
                out.push_str(rest);
                json!(out)
            }
            "Fn::Join" => {
                let delimiter = argument.get(0).map(text).unwrap_or_default();
                let items = self.resolve(owner, argument.get(1).unwrap_or(&json!([])));
                json!(items.as_array().into_iter().flatten().map(text).collect::<Vec<_>>().join(&delimiter))
            }
            "Fn::Select" => {
                let index = self.resolve(owner, argument.get(0).unwrap_or(&Value::Null));
                let index = index.as_u64().or_else(|| index.as_str().and_then(|s| s.parse().ok())).unwrap_or(0) as usize;
                let list = self.resolve(owner, argument.get(1).unwrap_or(&json!([])));
                list.get(index).cloned().unwrap_or(Value::Null)
            }
            "Fn::Split" => {
                let delimiter = argument.get(0).map(text).unwrap_or_default();
                let source = self.resolve(owner, argument.get(1).unwrap_or(&Value::Null));
                json!(text(&source).split(delimiter.as_str()).collect::<Vec<_>>())
            }
            "Fn::GetAZs" => {
                // The playground's Regions have six zones, a to f.
                json!(["a", "b", "c", "d", "e", "f"].iter().map(|z| format!("{}{z}", self.region)).collect::<Vec<_>>())
            }
            "Fn::Base64" => {
                // The playground's EC2 calls take user data as plain text.
                self.resolve(owner, argument)
            }
            "Fn::If" => {
                let name = argument.get(0).and_then(Value::as_str).unwrap_or_default();
                let chosen = if self.conditions.get(name).copied().unwrap_or(false) { 1 } else { 2 };
                self.resolve(owner, argument.get(chosen).unwrap_or(&Value::Null))
            }
            "Fn::Equals" => {
                let a = self.resolve(owner, argument.get(0).unwrap_or(&Value::Null));
                let b = self.resolve(owner, argument.get(1).unwrap_or(&Value::Null));
                json!(text(&a) == text(&b))
            }
            "Fn::Not" => {
                let inner = argument.get(0).cloned().unwrap_or(Value::Null);
                json!(!self.condition(owner, &inner))
            }
            "Fn::And" | "Fn::Or" => {
                let values: Vec<bool> = argument.as_array().cloned().unwrap_or_default().iter().map(|v| self.condition(owner, v)).collect();
                json!(if function == "Fn::And" { values.iter().all(|b| *b) } else { values.iter().any(|b| *b) })
            }
            other => {
                let at = self.at(owner);
                self.errors.push(format!("{at}: the intrinsic function {other} is not supported"));
                Value::Null
            }
        }
    }
}

/// Where a step's answer holds what `Ref` returns for a resource type.
fn ref_path(type_name: &str) -> Option<&'static str> {
    Some(match type_name {
        "AWS::ECS::Cluster" => "cluster.clusterName",
        "AWS::ECS::TaskDefinition" => "taskDefinition.taskDefinitionArn",
        "AWS::ECS::Service" => "service.serviceArn",
        "AWS::ECS::CapacityProvider" => "capacityProvider.name",
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => "LoadBalancers[0].LoadBalancerArn",
        "AWS::ElasticLoadBalancingV2::TargetGroup" => "TargetGroups[0].TargetGroupArn",
        "AWS::ElasticLoadBalancingV2::Listener" => "Listeners[0].ListenerArn",
        "AWS::ElasticLoadBalancingV2::ListenerRule" => "Rules[0].RuleArn",
        "AWS::EC2::LaunchTemplate" => "LaunchTemplate.LaunchTemplateId",
        "AWS::IAM::Role" => "Role.RoleName",
        "AWS::IAM::InstanceProfile" => "InstanceProfile.InstanceProfileName",
        "AWS::EFS::FileSystem" => "FileSystemId",
        "AWS::EFS::MountTarget" => "MountTargetId",
        "AWS::EFS::AccessPoint" => "AccessPointId",
        "AWS::EC2::Instance" => "Instances[0].InstanceId",
        // A scaling policy names its target by this `Ref`; the import reads the target's own members instead.
        "AWS::ApplicationAutoScaling::ScalableTarget" => "ScalableTargetARN",
        // The group's name, read back from the DescribeAutoScalingGroups step the import adds.
        "AWS::AutoScaling::AutoScalingGroup" => "AutoScalingGroups[0].AutoScalingGroupName",
        "AWS::EC2::VPC" => "Vpc.VpcId",
        "AWS::EC2::Subnet" => "Subnet.SubnetId",
        "AWS::EC2::InternetGateway" => "InternetGateway.InternetGatewayId",
        "AWS::EC2::RouteTable" => "RouteTable.RouteTableId",
        "AWS::EC2::SubnetRouteTableAssociation" => "AssociationId",
        "AWS::EC2::EIP" => "PublicIp",
        "AWS::EC2::NatGateway" => "NatGateway.NatGatewayId",
        "AWS::EC2::SecurityGroup" => "GroupId",
        "AWS::EC2::VPCEndpoint" => "VpcEndpoint.VpcEndpointId",
        "AWS::EC2::VPCEndpointService" => "ServiceConfiguration.ServiceId",
        "AWS::SNS::Topic" => "TopicArn",
        "AWS::SNS::Subscription" => "SubscriptionArn",
        "AWS::StepFunctions::StateMachine" => "stateMachineArn",
        _ => return None,
    })
}

/// Where a step's answer holds an attribute `Fn::GetAtt` reads.
fn att_path(type_name: &str, attribute: &str) -> Option<&'static str> {
    Some(match (type_name, attribute) {
        ("AWS::ECS::Cluster", "Arn") => "cluster.clusterArn",
        ("AWS::ECS::Service", "Name") => "service.serviceName",
        ("AWS::ECS::Service", "ServiceArn") => "service.serviceArn",
        ("AWS::ECS::TaskDefinition", "TaskDefinitionArn") => "taskDefinition.taskDefinitionArn",
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "DNSName") => "LoadBalancers[0].DNSName",
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerArn") => "LoadBalancers[0].LoadBalancerArn",
        ("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupArn") => "TargetGroups[0].TargetGroupArn",
        ("AWS::ElasticLoadBalancingV2::Listener", "ListenerArn") => "Listeners[0].ListenerArn",
        ("AWS::EC2::LaunchTemplate", "LatestVersionNumber") => "LaunchTemplate.LatestVersionNumber",
        ("AWS::EC2::LaunchTemplate", "DefaultVersionNumber") => "LaunchTemplate.DefaultVersionNumber",
        ("AWS::IAM::Role", "Arn") => "Role.Arn",
        ("AWS::IAM::InstanceProfile", "Arn") => "InstanceProfile.Arn",
        ("AWS::EFS::FileSystem", "Arn") => "FileSystemArn",
        ("AWS::EFS::FileSystem", "FileSystemId") => "FileSystemId",
        ("AWS::EFS::AccessPoint", "Arn") => "AccessPointArn",
        ("AWS::EFS::AccessPoint", "AccessPointId") => "AccessPointId",
        ("AWS::EC2::VPC", "VpcId") => "Vpc.VpcId",
        ("AWS::EC2::VPC", "CidrBlock") => "Vpc.CidrBlock",
        ("AWS::EC2::Subnet", "SubnetId") => "Subnet.SubnetId",
        ("AWS::EC2::EIP", "AllocationId") => "AllocationId",
        ("AWS::EC2::EIP", "PublicIp") => "PublicIp",
        ("AWS::EC2::SecurityGroup", "GroupId") => "GroupId",
        ("AWS::DynamoDB::Table", "Arn") => "TableDescription.TableArn",
        ("AWS::RDS::DBInstance", "DBInstanceArn") => "DBInstance.DBInstanceArn",
        ("AWS::RDS::DBInstance", "MasterUserSecret.SecretArn") => "DBInstance.MasterUserSecret.SecretArn",
        ("AWS::StepFunctions::StateMachine", "Arn") => "stateMachineArn",
        _ => return None,
    })
}

/// `ContainerPort` → `containerPort`.
fn camel(key: &str) -> String {
    let mut chars = key.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// CloudFormation's property names back to ECS's camelCase (the reverse of `names::to_cfn`).
fn to_api(value: &Value, parent: &str) -> Value {
    const VERBATIM_MAPS: &[&str] = &["DockerLabels", "Options", "DriverOpts", "Labels"];
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, item) in map {
                let name = match (parent, key.as_str()) {
                    (_, "EFSVolumeConfiguration") => "efsVolumeConfiguration".to_string(),
                    (_, "FSxWindowsFileServerVolumeConfiguration") => "fsxWindowsFileServerVolumeConfiguration".to_string(),
                    ("EFSVolumeConfiguration", "FilesystemId") => "fileSystemId".to_string(),
                    ("AuthorizationConfig", "IAM") => "iam".to_string(),
                    ("ProxyConfiguration", "ProxyConfigurationProperties") => "properties".to_string(),
                    _ => camel(key),
                };
                let converted = if VERBATIM_MAPS.contains(&key.as_str()) { item.clone() } else { to_api(item, key) };
                out.insert(name, converted);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| to_api(i, parent)).collect()),
        other => other.clone(),
    }
}

/// Every `Ref`, `Fn::GetAtt` and `Fn::Sub` variable of `value` that names a resource.
fn dependencies(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.get("Ref") {
                out.push(name.clone());
            }
            match map.get("Fn::GetAtt") {
                Some(Value::Array(parts)) => out.extend(parts.first().and_then(Value::as_str).map(str::to_string)),
                Some(Value::String(s)) => out.push(s.split('.').next().unwrap_or_default().to_string()),
                _ => {}
            }
            let sub = match map.get("Fn::Sub") {
                Some(Value::String(s)) => Some(s.as_str()),
                Some(Value::Array(parts)) => parts.first().and_then(Value::as_str),
                _ => None,
            };
            if let Some(mut rest) = sub {
                while let Some(start) = rest.find("${") {
                    let after = &rest[start + 2..];
                    let end = after.find('}').unwrap_or(after.len());
                    out.push(after[..end].split('.').next().unwrap_or_default().to_string());
                    rest = &after[end.min(after.len())..];
                }
            }
            map.values().for_each(|v| dependencies(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| dependencies(v, out)),
        _ => {}
    }
}

/// `SubnetA` → `subnet-a`, `SecurityGroupTasks` → `sg-tasks`: the playground's id for a network Parameter.
fn network_id(prefix: &str, name: &str, strip: &str) -> String {
    let rest = name.strip_prefix(strip).unwrap_or(name);
    let mut out = String::from(prefix);
    for (i, c) in rest.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    if rest.is_empty() {
        out.push_str(&name.to_ascii_lowercase());
    }
    out
}

/// The scenario a template (its JSON value; `text` is the file's text, for line numbers) becomes.
pub fn import_template(template: &Value, text: &str, name: &str) -> Result<Value, ImportErrors> {
    let region = "us-east-1".to_string();
    let mut ctx = Context { text, parameters: BTreeMap::new(), conditions: BTreeMap::new(), items: BTreeMap::new(), names: BTreeMap::new(), region: region.clone(), errors: Vec::new() };
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Err(vec!["Resources: a template needs a Resources section".to_string()]);
    };

    // Parameters: a default, or for the VPC's own types, an id of the scenario's network.
    let mut subnets = Vec::new();
    let mut security_groups = Vec::new();
    let mut vpc = "vpc-main".to_string();
    for (p, spec) in template.get("Parameters").and_then(Value::as_object).into_iter().flatten() {
        let type_name = spec.get("Type").and_then(Value::as_str).unwrap_or("String");
        let value = match (spec.get("Default"), type_name) {
            (_, "AWS::EC2::Subnet::Id") => {
                let id = spec.get("Default").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| network_id("subnet-", p, "Subnet"));
                subnets.push(id.clone());
                json!(id)
            }
            (_, "AWS::EC2::SecurityGroup::Id") => {
                let id = spec.get("Default").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| network_id("sg-", p, "SecurityGroup"));
                security_groups.push(id.clone());
                json!(id)
            }
            (_, "AWS::EC2::VPC::Id") => {
                vpc = spec.get("Default").and_then(Value::as_str).unwrap_or("vpc-main").to_string();
                json!(vpc)
            }
            (_, "List<AWS::EC2::Subnet::Id>") => {
                let ids = match spec.get("Default").and_then(Value::as_str) {
                    Some(list) => list.split(',').map(|s| s.trim().to_string()).collect(),
                    None => vec!["subnet-a".to_string(), "subnet-b".to_string()],
                };
                subnets.extend(ids.iter().cloned());
                json!(ids)
            }
            // The AMI and key pair are the account's; the playground launches its own.
            (_, t) if t.contains("AWS::EC2::Image::Id") => json!("ami-playground"),
            (Some(default), t) if t.starts_with("List<") || t == "CommaDelimitedList" => match default {
                Value::String(s) => json!(s.split(',').map(str::trim).collect::<Vec<_>>()),
                other => other.clone(),
            },
            (Some(default), _) => default.clone(),
            (None, _) => {
                let line = line_of(text, p, 0).map(|(l, _)| format!(" (line {l})")).unwrap_or_default();
                ctx.errors.push(format!("Parameters.{p}{line}: the Parameter has no Default, and the playground cannot ask for it"));
                Value::Null
            }
        };
        ctx.parameters.insert(p.clone(), value);
    }
    subnets.dedup();
    // Conditions, in the order they can be decided (a condition may name another).
    let conditions: Vec<(String, Value)> = template.get("Conditions").and_then(Value::as_object).map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
    for _ in 0..conditions.len().max(1) {
        for (c, expression) in &conditions {
            let value = ctx.condition("Conditions", expression);
            ctx.conditions.insert(c.clone(), value);
        }
    }

    // The resources that exist under the conditions, each with what it waits for.
    let mut items = Vec::new();
    for (id, resource) in resources {
        let type_name = resource.get("Type").and_then(Value::as_str).unwrap_or_default().to_string();
        if let Some(condition) = resource.get("Condition").and_then(Value::as_str) {
            if !ctx.conditions.get(condition).copied().unwrap_or(false) {
                continue;
            }
        }
        if !SUPPORTED.contains(&type_name.as_str()) {
            let at = ctx.at(id);
            ctx.errors.push(format!("{at}: the resource type {type_name} is not supported (supported: {})", SUPPORTED.join(", ")));
            continue;
        }
        let mut depends_on = Vec::new();
        dependencies(resource.get("Properties").unwrap_or(&Value::Null), &mut depends_on);
        match resource.get("DependsOn") {
            Some(Value::String(s)) => depends_on.push(s.clone()),
            Some(Value::Array(list)) => depends_on.extend(list.iter().filter_map(Value::as_str).map(str::to_string)),
            _ => {}
        }
        depends_on.retain(|d| resources.contains_key(d) && d != id);
        depends_on.dedup();
        ctx.items.insert(id.clone(), type_name.clone());
        if let Some(property) = name_property(&type_name) {
            let given = resource.pointer(&format!("/Properties/{property}")).and_then(Value::as_str).map(str::to_string);
            ctx.names.insert(id.clone(), given.unwrap_or_else(|| super::import_services::default_name(id)));
        }
        items.push(Item { id: id.clone(), type_name, properties: resource.get("Properties").cloned().unwrap_or(json!({})), depends_on });
    }

    // Dependency order: each resource after what it waits for, otherwise in the template's order.
    let mut ordered: Vec<Item> = Vec::new();
    let mut left = items;
    while !left.is_empty() {
        let ready = left.iter().position(|item| item.depends_on.iter().all(|d| ordered.iter().any(|o| &o.id == d) || !ctx.items.contains_key(d)));
        match ready {
            Some(i) => ordered.push(left.remove(i)),
            None => {
                for item in &left {
                    let at = ctx.at(&item.id);
                    ctx.errors.push(format!("{at}: a circular dependency among {}", left.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(", ")));
                    break;
                }
                break;
            }
        }
    }

    let mut steps = Vec::new();
    let mut resolved: BTreeMap<String, Value> = BTreeMap::new();
    for item in &ordered {
        let properties = ctx.resolve(&item.id, &item.properties);
        resolved.insert(item.id.clone(), properties.clone());
        for (call, input, as_name) in calls_of(item, &properties, &resolved) {
            let mut step = json!({ "at": "0s", "call": call, "input": input });
            if let Some(as_name) = as_name {
                step["as"] = json!(as_name);
            }
            steps.push(step);
        }
    }
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    let zones = ["a", "b", "c", "d", "e", "f"];
    let network_subnets: Vec<Value> = subnets
        .iter()
        .enumerate()
        .map(|(i, id)| json!({ "subnetId": id, "availabilityZone": format!("{region}{}", zones[i % zones.len()]), "cidrBlock": format!("10.0.{}.0/24", i + 1) }))
        .collect();
    // The template does not say what the security groups allow: the imported ones allow TCP within the VPC.
    let network_groups: Vec<Value> =
        security_groups.iter().map(|id| json!({ "groupId": id, "ingress": [ { "protocol": "tcp", "fromPort": 0, "toPort": 65535, "cidr": "10.0.0.0/16" } ] })).collect();
    let description = template.get("Description").and_then(Value::as_str).unwrap_or("A CloudFormation template imported into the playground.");
    let mut scenario = json!({
        "formatVersion": 1,
        "name": name,
        "description": description,
        "seed": 1,
        "region": region,
        "startTime": "2026-01-05T09:00:00Z",
        "network": { "vpcId": vpc, "cidrBlock": "10.0.0.0/16", "subnets": network_subnets, "securityGroups": network_groups },
        "steps": steps,
    });
    // A template that makes its own VPC names no network Parameter: the scenario starts in the default VPC.
    if subnets.is_empty() {
        scenario.as_object_mut().map(|s| s.remove("network"));
    }
    Ok(scenario)
}

fn member<'a>(props: &'a Value, key: &str) -> Option<&'a Value> {
    props.get(key)
}

/// The calls that create one resource: (call, input, the step's `as` name).
/// `resolved` holds the properties of the resources before it, resolved.
fn calls_of(item: &Item, props: &Value, resolved: &BTreeMap<String, Value>) -> Vec<(&'static str, Value, Option<String>)> {
    let id = Some(item.id.clone());
    let object = |v: &Value| v.as_object().cloned().unwrap_or_default();
    match item.type_name.as_str() {
        "AWS::ECS::Cluster" => {
            let mut input = Map::new();
            for (cfn, api) in [("ClusterName", "clusterName"), ("ClusterSettings", "settings"), ("Tags", "tags"), ("Configuration", "configuration"),
                               ("CapacityProviders", "capacityProviders"), ("DefaultCapacityProviderStrategy", "defaultCapacityProviderStrategy")] {
                if let Some(v) = member(props, cfn) {
                    input.insert(api.into(), to_api(v, cfn));
                }
            }
            input.entry("clusterName").or_insert(json!(item.id.to_ascii_lowercase()));
            vec![("ecs:CreateCluster", Value::Object(input), id)]
        }
        "AWS::ECS::TaskDefinition" => {
            let mut input = to_api(props, "");
            input.as_object_mut().map(|m| m.entry("family").or_insert(json!(item.id.clone())));
            vec![("ecs:RegisterTaskDefinition", input, id)]
        }
        "AWS::ECS::Service" => {
            let mut input = Map::new();
            for (key, value) in object(props) {
                match key.as_str() {
                    "PlacementStrategies" => {
                        input.insert("placementStrategy".into(), to_api(&value, &key));
                    }
                    "Name" => {
                        input.insert("serviceName".into(), value);
                    }
                    _ => {
                        input.insert(camel(&key), to_api(&value, &key));
                    }
                }
            }
            input.entry("serviceName").or_insert(json!(item.id.clone()));
            vec![("ecs:CreateService", Value::Object(input), id)]
        }
        "AWS::ECS::CapacityProvider" => {
            let mut input = Map::new();
            input.insert("name".into(), member(props, "Name").cloned().unwrap_or(json!(item.id.clone())));
            if let Some(provider) = member(props, "AutoScalingGroupProvider") {
                let mut provider = to_api(provider, "AutoScalingGroupProvider");
                // The provider takes the group's ARN; a template may give its name (`Ref` of the group).
                if let Some(group) = provider.get("autoScalingGroupArn").and_then(Value::as_str).filter(|g| !g.starts_with("arn:")) {
                    let group_id = group.strip_prefix("${").and_then(|g| g.split('.').next()).unwrap_or_default();
                    provider["autoScalingGroupArn"] = if resolved.contains_key(group_id) {
                        json!(format!("${{{group_id}.AutoScalingGroups[0].AutoScalingGroupARN}}"))
                    } else {
                        json!(group)
                    };
                }
                input.insert("autoScalingGroupProvider".into(), provider);
            }
            if let Some(tags) = member(props, "Tags") {
                input.insert("tags".into(), to_api(tags, "Tags"));
            }
            vec![("ecs:CreateCapacityProvider", Value::Object(input), id)]
        }
        "AWS::ECS::ClusterCapacityProviderAssociations" => {
            let input = json!({ "cluster": member(props, "Cluster").cloned().unwrap_or_default(),
                                "capacityProviders": member(props, "CapacityProviders").cloned().unwrap_or(json!([])),
                                "defaultCapacityProviderStrategy": to_api(member(props, "DefaultCapacityProviderStrategy").unwrap_or(&json!([])), "") });
            vec![("ecs:PutClusterCapacityProviders", input, id)]
        }
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => vec![("elasticloadbalancing:CreateLoadBalancer", props.clone(), id)],
        "AWS::ElasticLoadBalancingV2::TargetGroup" => {
            let mut input = object(props);
            if let Some(port) = input.get("HealthCheckPort").and_then(Value::as_str).and_then(|p| p.parse::<u64>().ok()) {
                input.insert("HealthCheckPort".into(), json!(port.to_string()));
            }
            let attributes = input.remove("TargetGroupAttributes");
            let mut calls = vec![("elasticloadbalancing:CreateTargetGroup", Value::Object(input), id)];
            if let Some(attributes) = attributes {
                calls.push(("elasticloadbalancing:ModifyTargetGroupAttributes",
                            json!({ "TargetGroupArn": format!("${{{}.TargetGroups[0].TargetGroupArn}}", item.id), "Attributes": attributes }), None));
            }
            calls
        }
        "AWS::ElasticLoadBalancingV2::Listener" => vec![("elasticloadbalancing:CreateListener", props.clone(), id)],
        "AWS::ElasticLoadBalancingV2::ListenerRule" => vec![("elasticloadbalancing:CreateRule", props.clone(), id)],
        "AWS::EC2::LaunchTemplate" => {
            let mut input = object(props);
            input.entry("LaunchTemplateName").or_insert(json!(item.id.clone()));
            if let Some(data) = input.get_mut("LaunchTemplateData").and_then(Value::as_object_mut) {
                if data.get("ImageId").and_then(Value::as_str) == Some("ami-playground") {
                    data.remove("ImageId");
                }
            }
            vec![("ec2:CreateLaunchTemplate", Value::Object(input), id)]
        }
        "AWS::AutoScaling::AutoScalingGroup" => {
            let mut input = object(props);
            for size in ["MinSize", "MaxSize", "DesiredCapacity"] {
                if let Some(n) = input.get(size).and_then(Value::as_str).and_then(|s| s.parse::<u64>().ok()) {
                    input.insert(size.into(), json!(n));
                }
            }
            if let Some(subnets) = input.get("VPCZoneIdentifier").and_then(Value::as_array) {
                let joined = subnets.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(",");
                input.insert("VPCZoneIdentifier".into(), json!(joined));
            }
            if let Some(lt) = input.get_mut("LaunchTemplate").and_then(Value::as_object_mut) {
                // A version number read from the template's own launch template is its latest.
                if lt.get("Version").and_then(Value::as_str).is_some_and(|v| v.contains(".LaunchTemplate.")) {
                    lt.insert("Version".into(), json!("$Latest"));
                }
            }
            let name = input.entry("AutoScalingGroupName").or_insert(json!(item.id.clone())).clone();
            vec![
                ("autoscaling:CreateAutoScalingGroup", Value::Object(input), None),
                ("autoscaling:DescribeAutoScalingGroups", json!({ "AutoScalingGroupNames": [name] }), id),
            ]
        }
        "AWS::ApplicationAutoScaling::ScalableTarget" => {
            let mut input = object(props);
            let actions = input.remove("ScheduledActions");
            let mut calls = vec![("application-autoscaling:RegisterScalableTarget", Value::Object(input.clone()), id)];
            for action in actions.and_then(|a| a.as_array().cloned()).unwrap_or_default() {
                let mut action = object(&action);
                for key in ["ServiceNamespace", "ResourceId", "ScalableDimension"] {
                    if let Some(v) = input.get(key) {
                        action.insert(key.into(), v.clone());
                    }
                }
                calls.push(("application-autoscaling:PutScheduledAction", Value::Object(action), None));
            }
            calls
        }
        "AWS::ApplicationAutoScaling::ScalingPolicy" => {
            let mut input = object(props);
            if let Some(target) = input.remove("ScalingTargetId") {
                let target_id = target.as_str().and_then(|t| t.strip_prefix("${")).and_then(|t| t.split('.').next()).unwrap_or_default().to_string();
                if let Some(target) = resolved.get(&target_id) {
                    for key in ["ServiceNamespace", "ResourceId", "ScalableDimension"] {
                        if let Some(v) = target.get(key) {
                            input.insert(key.into(), v.clone());
                        }
                    }
                }
            }
            vec![("application-autoscaling:PutScalingPolicy", Value::Object(input), id)]
        }
        "AWS::IAM::Role" => {
            let mut input = object(props);
            let name = input.entry("RoleName").or_insert(json!(item.id.clone())).clone();
            if let Some(document) = input.get("AssumeRolePolicyDocument").filter(|d| d.is_object()) {
                input.insert("AssumeRolePolicyDocument".into(), json!(document.to_string()));
            }
            let policies = input.remove("Policies");
            let managed = input.remove("ManagedPolicyArns");
            let mut calls = vec![("iam:CreateRole", Value::Object(input), id)];
            for policy in policies.and_then(|p| p.as_array().cloned()).unwrap_or_default() {
                let document = policy.get("PolicyDocument").map(|d| if d.is_string() { d.clone() } else { json!(d.to_string()) });
                calls.push(("iam:PutRolePolicy", json!({ "RoleName": name, "PolicyName": policy.get("PolicyName"), "PolicyDocument": document }), None));
            }
            for arn in managed.and_then(|m| m.as_array().cloned()).unwrap_or_default() {
                calls.push(("iam:AttachRolePolicy", json!({ "RoleName": name, "PolicyArn": arn }), None));
            }
            calls
        }
        "AWS::IAM::InstanceProfile" => {
            let mut input = object(props);
            let name = input.entry("InstanceProfileName").or_insert(json!(item.id.clone())).clone();
            let roles = input.remove("Roles");
            let mut calls = vec![("iam:CreateInstanceProfile", Value::Object(input), id)];
            for role in roles.and_then(|r| r.as_array().cloned()).unwrap_or_default() {
                calls.push(("iam:AddRoleToInstanceProfile", json!({ "InstanceProfileName": name, "RoleName": role }), None));
            }
            calls
        }
        "AWS::EFS::FileSystem" => {
            let mut input = object(props);
            if let Some(tags) = input.remove("FileSystemTags") {
                input.insert("Tags".into(), tags);
            }
            if let Some(policy) = input.remove("BackupPolicy") {
                input.insert("Backup".into(), json!(policy.get("Status").and_then(Value::as_str) == Some("ENABLED")));
            }
            // The token names the file system in an export when it has no Name tag: the logical id without its suffix.
            input.insert("CreationToken".into(), json!(item.id.strip_suffix("FileSystem").filter(|t| !t.is_empty()).unwrap_or(&item.id)));
            vec![("efs:CreateFileSystem", Value::Object(input), id)]
        }
        "AWS::EFS::MountTarget" => vec![("efs:CreateMountTarget", props.clone(), id)],
        "AWS::EFS::AccessPoint" => {
            let mut input = object(props);
            if let Some(tags) = input.remove("AccessPointTags") {
                input.insert("Tags".into(), tags);
            }
            let number = |v: &mut Value, keys: &[&str]| {
                for key in keys {
                    if let Some(n) = v.get(*key).and_then(Value::as_str).and_then(|s| s.parse::<u64>().ok()) {
                        v[*key] = json!(n);
                    }
                }
            };
            if let Some(user) = input.get_mut("PosixUser") {
                number(user, &["Uid", "Gid"]);
            }
            if let Some(info) = input.get_mut("RootDirectory").and_then(|r| r.get_mut("CreationInfo")) {
                number(info, &["OwnerUid", "OwnerGid"]);
            }
            input.insert("ClientToken".into(), json!(item.id.clone()));
            vec![("efs:CreateAccessPoint", Value::Object(input), id)]
        }
        "AWS::EC2::Instance" => {
            let mut input = Map::new();
            for key in ["InstanceType", "SubnetId", "SecurityGroupIds", "UserData", "KeyName"] {
                if let Some(v) = member(props, key) {
                    input.insert(key.into(), v.clone());
                }
            }
            if let Some(profile) = member(props, "IamInstanceProfile").and_then(Value::as_str) {
                input.insert("IamInstanceProfile".into(), json!({ "Name": profile }));
            }
            if let Some(tags) = member(props, "Tags") {
                input.insert("TagSpecifications".into(), json!([{ "ResourceType": "instance", "Tags": tags }]));
            }
            input.insert("MinCount".into(), json!(1));
            input.insert("MaxCount".into(), json!(1));
            vec![("ec2:RunInstances", Value::Object(input), id)]
        }
        _ => super::import_services::calls_of(&item.id, &item.type_name, props),
    }
}
