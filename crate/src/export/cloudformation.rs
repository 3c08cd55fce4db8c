//! The account as a CloudFormation template: the run's journal of successful write calls folded into the
//! resources that stand at the end of it (a delete removes, an update changes, a new revision replaces the
//! family's), each call's input turned into the resource type's properties, then every literal id, ARN and name
//! of a resource in the template replaced by its `Ref` or `Fn::GetAtt`, the scenario's VPC, subnets, security
//! groups, AMI and key pair made Parameters, and the account and Region in the remaining ARNs made `Fn::Sub`.
//!
//! Facts: `../shared/reference/integrations-export.md` §4.2 (property names, renames, read-only outputs, the
//! `DependsOn` a service on a target group needs). What `Ref` and `Fn::GetAtt` return per type follows the
//! CloudFormation resource reference pages ("Return values"); the template's own cfn-lint check
//! (`scripts/cfn-lint-check`) holds the property names to CloudFormation's schemas.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::sim::{JournalEntry, Sim, ACCOUNT_ID};

use super::emit::Node;
use super::names::{logical_id, pascal, to_cfn};

#[path = "services.rs"]
mod services;

/// What kind of entity a resource of the template is; names are looked up per kind (a service and its task
/// definition's family are often both `web`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Cluster,
    TaskDefinition,
    Service,
    CapacityProvider,
    CapacityProviderAssociations,
    LoadBalancer,
    TargetGroup,
    Listener,
    ListenerRule,
    LaunchTemplate,
    AutoScalingGroup,
    AsgScalingPolicy,
    ScalableTarget,
    ScalingPolicy,
    Alarm,
    Role,
    RolePolicy,
    ManagedPolicy,
    InstanceProfile,
    FileSystem,
    MountTarget,
    AccessPoint,
    Instance,
    Secret,
    SsmParameter,
    Vpc,
    Subnet,
    InternetGateway,
    GatewayAttachment,
    RouteTable,
    Route,
    RouteTableAssociation,
    Eip,
    NatGateway,
    SecurityGroup,
    SecurityGroupIngress,
    SecurityGroupEgress,
    VpcEndpoint,
    VpcEndpointService,
    Topic,
    Subscription,
    LogGroup,
    Bucket,
    BucketPolicy,
    Table,
    DbSubnetGroup,
    DbInstance,
    StateMachine,
    Rule,
}

impl Kind {
    fn type_name(self) -> &'static str {
        match self {
            Kind::Cluster => "AWS::ECS::Cluster",
            Kind::TaskDefinition => "AWS::ECS::TaskDefinition",
            Kind::Service => "AWS::ECS::Service",
            Kind::CapacityProvider => "AWS::ECS::CapacityProvider",
            Kind::CapacityProviderAssociations => "AWS::ECS::ClusterCapacityProviderAssociations",
            Kind::LoadBalancer => "AWS::ElasticLoadBalancingV2::LoadBalancer",
            Kind::TargetGroup => "AWS::ElasticLoadBalancingV2::TargetGroup",
            Kind::Listener => "AWS::ElasticLoadBalancingV2::Listener",
            Kind::ListenerRule => "AWS::ElasticLoadBalancingV2::ListenerRule",
            Kind::LaunchTemplate => "AWS::EC2::LaunchTemplate",
            Kind::AutoScalingGroup => "AWS::AutoScaling::AutoScalingGroup",
            Kind::AsgScalingPolicy => "AWS::AutoScaling::ScalingPolicy",
            Kind::ScalableTarget => "AWS::ApplicationAutoScaling::ScalableTarget",
            Kind::ScalingPolicy => "AWS::ApplicationAutoScaling::ScalingPolicy",
            Kind::Alarm => "AWS::CloudWatch::Alarm",
            Kind::Role => "AWS::IAM::Role",
            Kind::RolePolicy => "AWS::IAM::RolePolicy",
            Kind::ManagedPolicy => "AWS::IAM::ManagedPolicy",
            Kind::InstanceProfile => "AWS::IAM::InstanceProfile",
            Kind::FileSystem => "AWS::EFS::FileSystem",
            Kind::MountTarget => "AWS::EFS::MountTarget",
            Kind::AccessPoint => "AWS::EFS::AccessPoint",
            Kind::Instance => "AWS::EC2::Instance",
            Kind::Secret => "AWS::SecretsManager::Secret",
            Kind::SsmParameter => "AWS::SSM::Parameter",
            Kind::Vpc => "AWS::EC2::VPC",
            Kind::Subnet => "AWS::EC2::Subnet",
            Kind::InternetGateway => "AWS::EC2::InternetGateway",
            Kind::GatewayAttachment => "AWS::EC2::VPCGatewayAttachment",
            Kind::RouteTable => "AWS::EC2::RouteTable",
            Kind::Route => "AWS::EC2::Route",
            Kind::RouteTableAssociation => "AWS::EC2::SubnetRouteTableAssociation",
            Kind::Eip => "AWS::EC2::EIP",
            Kind::NatGateway => "AWS::EC2::NatGateway",
            Kind::SecurityGroup => "AWS::EC2::SecurityGroup",
            Kind::SecurityGroupIngress => "AWS::EC2::SecurityGroupIngress",
            Kind::SecurityGroupEgress => "AWS::EC2::SecurityGroupEgress",
            Kind::VpcEndpoint => "AWS::EC2::VPCEndpoint",
            Kind::VpcEndpointService => "AWS::EC2::VPCEndpointService",
            Kind::Topic => "AWS::SNS::Topic",
            Kind::Subscription => "AWS::SNS::Subscription",
            Kind::LogGroup => "AWS::Logs::LogGroup",
            Kind::Bucket => "AWS::S3::Bucket",
            Kind::BucketPolicy => "AWS::S3::BucketPolicy",
            Kind::Table => "AWS::DynamoDB::Table",
            Kind::DbSubnetGroup => "AWS::RDS::DBSubnetGroup",
            Kind::DbInstance => "AWS::RDS::DBInstance",
            Kind::StateMachine => "AWS::StepFunctions::StateMachine",
            Kind::Rule => "AWS::Events::Rule",
        }
    }

    /// The word a logical id ends with.
    fn suffix(self) -> &'static str {
        match self {
            Kind::CapacityProviderAssociations => "CapacityProviderAssociations",
            Kind::AsgScalingPolicy => "ScalingPolicy",
            Kind::SsmParameter => "Parameter",
            Kind::Vpc => "Vpc",
            Kind::GatewayAttachment => "GatewayAttachment",
            Kind::RouteTableAssociation => "RouteTableAssociation",
            Kind::Eip => "Eip",
            Kind::SecurityGroupIngress => "Ingress",
            Kind::SecurityGroupEgress => "Egress",
            Kind::VpcEndpoint => "Endpoint",
            Kind::VpcEndpointService => "EndpointService",
            Kind::DbSubnetGroup => "DbSubnetGroup",
            Kind::DbInstance => "DbInstance",
            other => other.type_name().rsplit("::").next().unwrap_or("Resource"),
        }
    }
}

/// One resource of the template as the fold leaves it.
#[derive(Clone, Debug)]
struct Resource {
    logical_id: String,
    kind: Kind,
    /// The key it is found by: its name, or the id AWS gave it.
    key: String,
    properties: Map<String, Value>,
    gone: bool,
}

/// A Parameter of the template: what must differ per account.
#[derive(Clone, Debug)]
struct Parameter {
    name: String,
    type_name: &'static str,
    description: String,
    default: Option<String>,
}

/// The fold of the journal into resources.
#[derive(Default)]
struct Builder {
    resources: Vec<Resource>,
    /// (kind, key) → index in `resources`; a key may be a name, an id or an ARN.
    index: BTreeMap<(Kind, String), usize>,
    /// Literal ids and ARNs of the template's resources → the intrinsic that stands for them.
    literals: BTreeMap<String, Value>,
    /// For a task definition family, the revisions registered and not deregistered, with their input.
    revisions: BTreeMap<String, Vec<(u64, Value)>>,
    used_ids: BTreeMap<String, u32>,
    /// The run's Region (a VPC endpoint's service name holds it).
    region: String,
}

fn reference(logical_id: &str) -> Value {
    json!({ "Ref": logical_id })
}

fn get_att(logical_id: &str, attribute: &str) -> Value {
    json!({ "Fn::GetAtt": [logical_id, attribute] })
}

fn s<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// The last part of an ARN or a `family:revision` (`arn:...:cluster/demo` → `demo`).
fn short_name(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

impl Builder {
    fn new_id(&mut self, name: &str, kind: Kind) -> String {
        let base = logical_id(name, kind.suffix());
        let n = self.used_ids.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base}{n}")
        }
    }

    /// Adds a resource found by `key`; a resource of the same kind and key that is gone is replaced.
    fn add(&mut self, kind: Kind, key: &str, properties: Map<String, Value>) -> String {
        let logical_id = self.new_id(key, kind);
        let i = self.resources.len();
        self.resources.push(Resource { logical_id: logical_id.clone(), kind, key: key.to_string(), properties, gone: false });
        self.index.insert((kind, key.to_string()), i);
        logical_id
    }

    fn alias(&mut self, kind: Kind, key: &str, logical_id: &str) {
        if let Some(i) = self.resources.iter().position(|r| r.logical_id == logical_id) {
            self.index.insert((kind, key.to_string()), i);
        }
    }

    fn find(&self, kind: Kind, key: &str) -> Option<usize> {
        let i = *self.index.get(&(kind, key.to_string())).or_else(|| self.index.get(&(kind, short_name(key).to_string())))?;
        (!self.resources[i].gone).then_some(i)
    }

    fn find_mut(&mut self, kind: Kind, key: &str) -> Option<&mut Resource> {
        let i = self.find(kind, key)?;
        Some(&mut self.resources[i])
    }

    fn remove(&mut self, kind: Kind, key: &str) {
        if let Some(r) = self.find_mut(kind, key) {
            r.gone = true;
        }
    }

    /// The intrinsic for a name or ARN of an entity of `kind` in the template, else the text as it is.
    fn resolve(&self, kind: Kind, text: &str) -> Value {
        match self.find(kind, text) {
            Some(i) => {
                let id = &self.resources[i].logical_id;
                match kind {
                    // `Ref` of these gives the name; where an ARN is asked for, `Fn::GetAtt ... Arn`.
                    Kind::Role | Kind::InstanceProfile if text.starts_with("arn:") => get_att(id, "Arn"),
                    Kind::Cluster if text.starts_with("arn:") => get_att(id, "Arn"),
                    _ => reference(id),
                }
            }
            None => Value::String(text.to_string()),
        }
    }

    fn resolve_list(&self, kind: Kind, value: Option<&Value>) -> Value {
        Value::Array(value.and_then(Value::as_array).into_iter().flatten().map(|v| v.as_str().map_or(v.clone(), |t| self.resolve(kind, t))).collect())
    }

    fn apply(&mut self, entry: &JournalEntry) {
        if self.apply_services(entry) {
            return;
        }
        let (input, output) = (&entry.input, &entry.output);
        match entry.call.as_str() {
            "ecs:CreateCluster" => {
                let name = s(input, "clusterName").unwrap_or("default").to_string();
                let mut props = Map::new();
                props.insert("ClusterName".into(), json!(name));
                for (api, cfn) in [("settings", "ClusterSettings"), ("configuration", "Configuration"), ("tags", "Tags"),
                                   ("serviceConnectDefaults", "ServiceConnectDefaults")] {
                    if let Some(v) = input.get(api) {
                        props.insert(cfn.into(), to_cfn(v, api));
                    }
                }
                let id = self.add(Kind::Cluster, &name, props);
                if let Some(arn) = output.pointer("/cluster/clusterArn").and_then(Value::as_str) {
                    self.literals.insert(arn.to_string(), get_att(&id, "Arn"));
                }
            }
            "ecs:UpdateClusterSettings" => {
                let settings = input.get("settings").map(|v| to_cfn(v, "settings"));
                if let (Some(r), Some(settings)) = (self.find_mut(Kind::Cluster, s(input, "cluster").unwrap_or("default")), settings) {
                    r.properties.insert("ClusterSettings".into(), settings);
                }
            }
            "ecs:DeleteCluster" => self.remove(Kind::Cluster, s(input, "cluster").unwrap_or("default")),
            "ecs:RegisterTaskDefinition" => {
                let Some(arn) = output.pointer("/taskDefinition/taskDefinitionArn").and_then(Value::as_str) else { return };
                let family = s(input, "family").unwrap_or_default().to_string();
                let revision = output.pointer("/taskDefinition/revision").and_then(Value::as_u64).unwrap_or(0);
                self.revisions.entry(family.clone()).or_default().push((revision, input.clone()));
                let id = match self.find(Kind::TaskDefinition, &family) {
                    Some(i) => self.resources[i].logical_id.clone(),
                    None => self.add(Kind::TaskDefinition, &family, Map::new()),
                };
                self.literals.insert(arn.to_string(), reference(&id));
                self.alias(Kind::TaskDefinition, &format!("{family}:{revision}"), &id);
            }
            "ecs:DeregisterTaskDefinition" => {
                let Some(text) = s(input, "taskDefinition") else { return };
                let (family, revision) = short_name(text).split_once(':').unwrap_or((short_name(text), ""));
                let revision: u64 = revision.parse().unwrap_or(0);
                let family = family.to_string();
                let left = self.revisions.get_mut(&family).map(|revs| {
                    revs.retain(|(r, _)| *r != revision);
                    revs.len()
                });
                if left == Some(0) {
                    self.remove(Kind::TaskDefinition, &family);
                }
            }
            "ecs:CreateService" => {
                let Some(name) = s(input, "serviceName") else { return };
                let props = self.service_properties(input, true);
                let cluster = s(input, "cluster").unwrap_or("default");
                let id = self.add(Kind::Service, &format!("{}/{name}", short_name(cluster)), props);
                if let Some(arn) = output.pointer("/service/serviceArn").and_then(Value::as_str) {
                    self.literals.insert(arn.to_string(), reference(&id));
                }
            }
            "ecs:UpdateService" => {
                let key = format!("{}/{}", short_name(s(input, "cluster").unwrap_or("default")), short_name(s(input, "service").unwrap_or_default()));
                let props = self.service_properties(input, false);
                if let Some(r) = self.find_mut(Kind::Service, &key) {
                    r.properties.extend(props);
                }
            }
            "ecs:DeleteService" => {
                let key = format!("{}/{}", short_name(s(input, "cluster").unwrap_or("default")), short_name(s(input, "service").unwrap_or_default()));
                self.remove(Kind::Service, &key);
            }
            "ecs:CreateCapacityProvider" => {
                let Some(name) = s(input, "name") else { return };
                let mut props = Map::new();
                props.insert("Name".into(), json!(name));
                if let Some(provider) = input.get("autoScalingGroupProvider") {
                    let mut provider = to_cfn(provider, "autoScalingGroupProvider");
                    if let Some(arn) = provider.get("AutoScalingGroupArn").and_then(Value::as_str).map(str::to_string) {
                        // The provider takes the group's ARN or its name; `Ref` of the group gives its name.
                        let group = arn.rsplit("autoScalingGroupName/").next().unwrap_or(&arn).to_string();
                        provider["AutoScalingGroupArn"] = self.resolve(Kind::AutoScalingGroup, &group);
                    }
                    props.insert("AutoScalingGroupProvider".into(), provider);
                }
                if let Some(tags) = input.get("tags") {
                    props.insert("Tags".into(), to_cfn(tags, "tags"));
                }
                self.add(Kind::CapacityProvider, name, props);
            }
            "ecs:PutClusterCapacityProviders" => {
                let cluster = s(input, "cluster").unwrap_or("default").to_string();
                let mut props = Map::new();
                props.insert("Cluster".into(), self.resolve(Kind::Cluster, &cluster));
                props.insert("CapacityProviders".into(), self.resolve_list(Kind::CapacityProvider, input.get("capacityProviders")));
                props.insert("DefaultCapacityProviderStrategy".into(), self.strategy(input.get("defaultCapacityProviderStrategy")));
                let key = short_name(&cluster).to_string();
                match self.find_mut(Kind::CapacityProviderAssociations, &key) {
                    Some(r) => r.properties = props,
                    None => {
                        self.add(Kind::CapacityProviderAssociations, &key, props);
                    }
                }
            }
            "elasticloadbalancing:CreateLoadBalancer" => {
                let Some(name) = s(input, "Name") else { return };
                let props = copy_members(input, &["Name", "Type", "Scheme", "Subnets", "SubnetMappings", "SecurityGroups", "IpAddressType", "Tags"]);
                let id = self.add(Kind::LoadBalancer, name, props);
                if let Some(arn) = output.pointer("/LoadBalancers/0/LoadBalancerArn").and_then(Value::as_str) {
                    self.literals.insert(arn.to_string(), reference(&id));
                }
            }
            "elasticloadbalancing:DeleteLoadBalancer" => self.remove_by_literal(Kind::LoadBalancer, s(input, "LoadBalancerArn")),
            "elasticloadbalancing:CreateTargetGroup" => {
                let Some(name) = s(input, "Name") else { return };
                let mut props = input.as_object().cloned().unwrap_or_default();
                if let Some(port) = props.get("HealthCheckPort").and_then(Value::as_u64) {
                    props.insert("HealthCheckPort".into(), json!(port.to_string()));
                }
                let id = self.add(Kind::TargetGroup, name, props);
                if let Some(arn) = output.pointer("/TargetGroups/0/TargetGroupArn").and_then(Value::as_str) {
                    self.literals.insert(arn.to_string(), reference(&id));
                    self.alias(Kind::TargetGroup, arn, &id);
                }
            }
            "elasticloadbalancing:ModifyTargetGroup" => {
                let Some(arn) = s(input, "TargetGroupArn") else { return };
                let mut changes = input.as_object().cloned().unwrap_or_default();
                changes.remove("TargetGroupArn");
                if let Some(r) = self.find_mut(Kind::TargetGroup, arn) {
                    r.properties.extend(changes);
                }
            }
            "elasticloadbalancing:ModifyTargetGroupAttributes" => {
                let Some(arn) = s(input, "TargetGroupArn") else { return };
                let new: Vec<Value> = input.get("Attributes").and_then(Value::as_array).cloned().unwrap_or_default();
                if let Some(r) = self.find_mut(Kind::TargetGroup, arn) {
                    let mut attributes: Vec<Value> = r.properties.get("TargetGroupAttributes").and_then(Value::as_array).cloned().unwrap_or_default();
                    for attribute in new {
                        attributes.retain(|a| a.get("Key") != attribute.get("Key"));
                        attributes.push(attribute);
                    }
                    r.properties.insert("TargetGroupAttributes".into(), Value::Array(attributes));
                }
            }
            "elasticloadbalancing:DeleteTargetGroup" => self.remove_by_literal(Kind::TargetGroup, s(input, "TargetGroupArn")),
            "elasticloadbalancing:CreateListener" => {
                let lb_name = s(input, "LoadBalancerArn").map(lb_name_of).unwrap_or_default();
                let port = input.get("Port").and_then(Value::as_u64).unwrap_or(0);
                let props = copy_members(input, &["LoadBalancerArn", "Protocol", "Port", "DefaultActions", "Certificates", "SslPolicy", "AlpnPolicy"]);
                let Some(arn) = output.pointer("/Listeners/0/ListenerArn").and_then(Value::as_str) else { return };
                let id = self.add(Kind::Listener, &format!("{lb_name} {port}"), props);
                self.literals.insert(arn.to_string(), reference(&id));
                self.alias(Kind::Listener, arn, &id);
            }
            "elasticloadbalancing:DeleteListener" => self.remove_by_literal(Kind::Listener, s(input, "ListenerArn")),
            "elasticloadbalancing:CreateRule" => {
                let Some(arn) = output.pointer("/Rules/0/RuleArn").and_then(Value::as_str) else { return };
                let listener = s(input, "ListenerArn").and_then(|l| self.find(Kind::Listener, l)).map(|i| self.resources[i].key.clone()).unwrap_or_default();
                let priority = input.get("Priority").map(|p| p.to_string()).unwrap_or_default();
                let props = copy_members(input, &["ListenerArn", "Priority", "Conditions", "Actions"]);
                let id = self.add(Kind::ListenerRule, &format!("{listener} rule {priority}"), props);
                self.literals.insert(arn.to_string(), reference(&id));
                self.alias(Kind::ListenerRule, arn, &id);
            }
            "elasticloadbalancing:SetRulePriorities" => {
                for item in input.get("RulePriorities").and_then(Value::as_array).into_iter().flatten() {
                    let (Some(arn), Some(priority)) = (s(item, "RuleArn"), item.get("Priority")) else { continue };
                    let priority = priority.clone();
                    if let Some(r) = self.find_mut(Kind::ListenerRule, arn) {
                        r.properties.insert("Priority".into(), priority);
                    }
                }
            }
            "elasticloadbalancing:DeleteRule" => self.remove_by_literal(Kind::ListenerRule, s(input, "RuleArn")),
            "ec2:CreateLaunchTemplate" => {
                let Some(name) = s(input, "LaunchTemplateName") else { return };
                let mut props = copy_members(input, &["LaunchTemplateName", "VersionDescription", "TagSpecifications"]);
                let mut data = input.get("LaunchTemplateData").cloned().unwrap_or_else(|| json!({}));
                if let Some(text) = s(&data, "UserData").map(decode_user_data) {
                    data["UserData"] = json!({ "Fn::Base64": text });
                }
                if data.get("ImageId").is_none() {
                    data["ImageId"] = json!(DEFAULT_AMI_MARK);
                }
                props.insert("LaunchTemplateData".into(), data);
                let id = self.add(Kind::LaunchTemplate, name, props);
                if let Some(lt) = output.pointer("/LaunchTemplate/LaunchTemplateId").and_then(Value::as_str) {
                    self.literals.insert(lt.to_string(), reference(&id));
                    self.alias(Kind::LaunchTemplate, lt, &id);
                }
            }
            "autoscaling:CreateAutoScalingGroup" => {
                let Some(name) = s(input, "AutoScalingGroupName") else { return };
                let mut props = input.as_object().cloned().unwrap_or_default();
                for size in ["MinSize", "MaxSize", "DesiredCapacity"] {
                    if let Some(n) = props.get(size).and_then(Value::as_u64) {
                        props.insert(size.into(), json!(n.to_string()));
                    }
                }
                if let Some(subnets) = props.get("VPCZoneIdentifier").and_then(Value::as_str).map(str::to_string) {
                    props.insert("VPCZoneIdentifier".into(), subnets.split(',').map(|s| json!(s.trim())).collect());
                }
                if let Some(lt) = props.get("LaunchTemplate").cloned() {
                    let template = s(&lt, "LaunchTemplateId").or_else(|| s(&lt, "LaunchTemplateName")).unwrap_or_default();
                    if let Some(i) = self.find(Kind::LaunchTemplate, template) {
                        let lt_id = self.resources[i].logical_id.clone();
                        // `$Latest` and `$Default` are the API's; CloudFormation asks for a version number.
                        props.insert("LaunchTemplate".into(), json!({ "LaunchTemplateId": reference(&lt_id), "Version": get_att(&lt_id, "LatestVersionNumber") }));
                    }
                }
                for tag in props.get_mut("Tags").and_then(Value::as_array_mut).into_iter().flatten() {
                    if let Some(tag) = tag.as_object_mut() {
                        tag.remove("ResourceId");
                        tag.remove("ResourceType");
                        // CloudFormation requires it; the API's default is [UNVERIFIED], taken as true.
                        tag.entry("PropagateAtLaunch").or_insert(json!(true));
                    }
                }
                self.add(Kind::AutoScalingGroup, name, props);
            }
            "autoscaling:SetDesiredCapacity" => {
                let (Some(name), Some(n)) = (s(input, "AutoScalingGroupName"), input.get("DesiredCapacity").and_then(Value::as_u64)) else { return };
                if let Some(r) = self.find_mut(Kind::AutoScalingGroup, name) {
                    r.properties.insert("DesiredCapacity".into(), json!(n.to_string()));
                }
            }
            "autoscaling:UpdateAutoScalingGroup" => {
                let Some(name) = s(input, "AutoScalingGroupName") else { return };
                if let Some(r) = self.find_mut(Kind::AutoScalingGroup, name) {
                    for member in ["MinSize", "MaxSize", "DesiredCapacity"] {
                        if let Some(n) = input.get(member).and_then(Value::as_u64) {
                            r.properties.insert(member.into(), json!(n.to_string()));
                        }
                    }
                }
            }
            "autoscaling:PutScalingPolicy" => {
                let (Some(group), Some(name)) = (s(input, "AutoScalingGroupName"), s(input, "PolicyName")) else { return };
                let mut props = input.as_object().cloned().unwrap_or_default();
                props.remove("PolicyName");
                props.insert("AutoScalingGroupName".into(), self.resolve(Kind::AutoScalingGroup, group));
                let key = format!("{group} {name}");
                let id = match self.find_mut(Kind::AsgScalingPolicy, &key) {
                    Some(r) => {
                        r.properties = props;
                        r.logical_id.clone()
                    }
                    None => self.add(Kind::AsgScalingPolicy, &key, props),
                };
                if let Some(arn) = s(output, "PolicyARN") {
                    self.literals.insert(arn.to_string(), reference(&id));
                }
            }
            "autoscaling:DeletePolicy" => {
                let key = format!("{} {}", s(input, "AutoScalingGroupName").unwrap_or_default(), s(input, "PolicyName").unwrap_or_default());
                self.remove(Kind::AsgScalingPolicy, &key);
            }
            "ec2:RunInstances" => self.run_instances(input, output),
            "ec2:TerminateInstances" => {
                for id in input.get("InstanceIds").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                    self.remove(Kind::Instance, id);
                }
            }
            "efs:CreateFileSystem" => {
                let Some(fs) = s(output, "FileSystemId") else { return };
                let mut props = copy_members(input, &["PerformanceMode", "Encrypted", "KmsKeyId", "ThroughputMode", "ProvisionedThroughputInMibps", "AvailabilityZoneName"]);
                if let Some(tags) = input.get("Tags") {
                    props.insert("FileSystemTags".into(), tags.clone());
                }
                if input.get("Backup").and_then(Value::as_bool) == Some(true) {
                    props.insert("BackupPolicy".into(), json!({ "Status": "ENABLED" }));
                }
                // Named by its Name tag, else its creation token, else the id AWS gave it.
                let name = tag_value(input.get("Tags"), "Name").or_else(|| s(input, "CreationToken").map(str::to_string)).unwrap_or_else(|| fs.to_string());
                let id = self.add(Kind::FileSystem, &name, props);
                self.alias(Kind::FileSystem, fs, &id);
                self.literals.insert(fs.to_string(), reference(&id));
                if let Some(arn) = s(output, "FileSystemArn") {
                    self.literals.insert(arn.to_string(), get_att(&id, "Arn"));
                }
            }
            "efs:DeleteFileSystem" => self.remove(Kind::FileSystem, s(input, "FileSystemId").unwrap_or_default()),
            "efs:CreateMountTarget" => {
                let Some(mt) = s(output, "MountTargetId") else { return };
                let props = copy_members(input, &["FileSystemId", "SubnetId", "IpAddress", "SecurityGroups"]);
                let fs = s(input, "FileSystemId").and_then(|f| self.find(Kind::FileSystem, f)).map(|i| self.resources[i].key.clone()).unwrap_or_default();
                let id = self.add(Kind::MountTarget, &format!("{fs} {}", s(input, "SubnetId").unwrap_or_default()), props);
                self.alias(Kind::MountTarget, mt, &id);
                self.literals.insert(mt.to_string(), reference(&id));
            }
            "efs:DeleteMountTarget" => self.remove(Kind::MountTarget, s(input, "MountTargetId").unwrap_or_default()),
            "efs:CreateAccessPoint" => {
                let Some(ap) = s(output, "AccessPointId") else { return };
                let mut props = copy_members(input, &["FileSystemId", "PosixUser", "RootDirectory"]);
                if let Some(tags) = input.get("Tags") {
                    props.insert("AccessPointTags".into(), tags.clone());
                }
                // CloudFormation takes the POSIX ids as strings.
                stringify_numbers(props.get_mut("PosixUser"), &["Uid", "Gid"]);
                stringify_numbers(props.get_mut("RootDirectory").and_then(|r| r.get_mut("CreationInfo")), &["OwnerUid", "OwnerGid"]);
                if let Some(gids) = props.get_mut("PosixUser").and_then(|p| p.get_mut("SecondaryGids")).and_then(Value::as_array_mut) {
                    for gid in gids.iter_mut() {
                        if let Some(n) = gid.as_u64() {
                            *gid = json!(n.to_string());
                        }
                    }
                }
                // Named by its Name tag, else its file system's name and root directory.
                let fs = s(input, "FileSystemId").and_then(|f| self.find(Kind::FileSystem, f)).map(|i| self.resources[i].key.clone()).unwrap_or_default();
                let root = input.pointer("/RootDirectory/Path").and_then(Value::as_str).unwrap_or_default();
                let name = tag_value(input.get("Tags"), "Name").unwrap_or_else(|| format!("{fs} {root}"));
                let id = self.add(Kind::AccessPoint, &name, props);
                self.alias(Kind::AccessPoint, ap, &id);
                self.literals.insert(ap.to_string(), reference(&id));
                if let Some(arn) = s(output, "AccessPointArn") {
                    self.literals.insert(arn.to_string(), get_att(&id, "Arn"));
                }
            }
            "efs:DeleteAccessPoint" => self.remove(Kind::AccessPoint, s(input, "AccessPointId").unwrap_or_default()),
            "iam:CreateRole" => {
                let Some(name) = s(input, "RoleName") else { return };
                let mut props = copy_members(input, &["RoleName", "Path", "Description", "MaxSessionDuration", "PermissionsBoundary", "Tags"]);
                props.insert("AssumeRolePolicyDocument".into(), policy_document(input.get("AssumeRolePolicyDocument")));
                let id = self.add(Kind::Role, name, props);
                if let Some(arn) = output.pointer("/Role/Arn").and_then(Value::as_str) {
                    self.literals.insert(arn.to_string(), get_att(&id, "Arn"));
                    self.alias(Kind::Role, arn, &id);
                }
            }
            "iam:DeleteRole" => self.remove(Kind::Role, s(input, "RoleName").unwrap_or_default()),
            "iam:PutRolePolicy" => {
                let (Some(role), Some(policy)) = (s(input, "RoleName"), s(input, "PolicyName")) else { return };
                let document = policy_document(input.get("PolicyDocument"));
                match self.find_mut(Kind::Role, role) {
                    Some(r) => {
                        let mut policies: Vec<Value> = r.properties.get("Policies").and_then(Value::as_array).cloned().unwrap_or_default();
                        policies.retain(|p| s(p, "PolicyName") != Some(policy));
                        policies.push(json!({ "PolicyName": policy, "PolicyDocument": document }));
                        r.properties.insert("Policies".into(), Value::Array(policies));
                    }
                    // A role the template does not create (one the account started with) gets a policy resource.
                    None => {
                        let key = format!("{role} {policy}");
                        let props = json!({ "RoleName": role, "PolicyName": policy, "PolicyDocument": document }).as_object().cloned().unwrap_or_default();
                        match self.find_mut(Kind::RolePolicy, &key) {
                            Some(r) => r.properties = props,
                            None => {
                                self.add(Kind::RolePolicy, &key, props);
                            }
                        }
                    }
                }
            }
            "iam:DeleteRolePolicy" => {
                let (Some(role), Some(policy)) = (s(input, "RoleName"), s(input, "PolicyName")) else { return };
                self.remove(Kind::RolePolicy, &format!("{role} {policy}"));
                if let Some(policies) = self.find_mut(Kind::Role, role).and_then(|r| r.properties.get_mut("Policies")).and_then(Value::as_array_mut) {
                    policies.retain(|p| s(p, "PolicyName") != Some(policy));
                }
            }
            "iam:AttachRolePolicy" | "iam:DetachRolePolicy" => {
                let (Some(role), Some(arn)) = (s(input, "RoleName"), s(input, "PolicyArn")) else { return };
                let attach = entry.call == "iam:AttachRolePolicy";
                if let Some(r) = self.find_mut(Kind::Role, role) {
                    let mut arns: Vec<Value> = r.properties.get("ManagedPolicyArns").and_then(Value::as_array).cloned().unwrap_or_default();
                    arns.retain(|a| a.as_str() != Some(arn));
                    if attach {
                        arns.push(json!(arn));
                    }
                    r.properties.insert("ManagedPolicyArns".into(), Value::Array(arns));
                }
            }
            "iam:CreatePolicy" => {
                let Some(name) = s(input, "PolicyName") else { return };
                let mut props = copy_members(input, &["Path", "Description"]);
                props.insert("ManagedPolicyName".into(), json!(name));
                props.insert("PolicyDocument".into(), policy_document(input.get("PolicyDocument")));
                let id = self.add(Kind::ManagedPolicy, name, props);
                if let Some(arn) = output.pointer("/Policy/Arn").and_then(Value::as_str) {
                    self.literals.insert(arn.to_string(), reference(&id));
                }
            }
            "iam:CreateInstanceProfile" => {
                let Some(name) = s(input, "InstanceProfileName") else { return };
                let mut props = copy_members(input, &["InstanceProfileName", "Path"]);
                props.insert("Roles".into(), json!([]));
                let id = self.add(Kind::InstanceProfile, name, props);
                if let Some(arn) = output.pointer("/InstanceProfile/Arn").and_then(Value::as_str) {
                    self.literals.insert(arn.to_string(), get_att(&id, "Arn"));
                    self.alias(Kind::InstanceProfile, arn, &id);
                }
            }
            "iam:AddRoleToInstanceProfile" | "iam:RemoveRoleFromInstanceProfile" => {
                let (Some(profile), Some(role)) = (s(input, "InstanceProfileName"), s(input, "RoleName")) else { return };
                let add = entry.call == "iam:AddRoleToInstanceProfile";
                if let Some(r) = self.find_mut(Kind::InstanceProfile, profile) {
                    let mut roles: Vec<Value> = r.properties.get("Roles").and_then(Value::as_array).cloned().unwrap_or_default();
                    roles.retain(|x| x.as_str() != Some(role));
                    if add {
                        roles.push(json!(role));
                    }
                    r.properties.insert("Roles".into(), Value::Array(roles));
                }
            }
            "secretsmanager:CreateSecret" => {
                let Some(name) = s(input, "Name") else { return };
                let props = copy_members(input, &["Name", "Description", "SecretString", "KmsKeyId", "Tags"]);
                let id = self.add(Kind::Secret, name, props);
                if let Some(arn) = s(output, "ARN") {
                    self.literals.insert(arn.to_string(), reference(&id));
                }
            }
            "ssm:PutParameter" => {
                let Some(name) = s(input, "Name") else { return };
                // CloudFormation cannot create a SecureString parameter ("AWS CloudFormation doesn't support
                // creating a SecureString parameter type"): it is left to the account.
                if s(input, "Type") == Some("SecureString") {
                    return;
                }
                let props = copy_members(input, &["Name", "Value", "Type", "Description", "Tier", "AllowedPattern", "DataType"]);
                match self.find_mut(Kind::SsmParameter, name) {
                    Some(r) => r.properties = props,
                    None => {
                        self.add(Kind::SsmParameter, name, props);
                    }
                }
            }
            "application-autoscaling:RegisterScalableTarget" => {
                let Some(resource_id) = s(input, "ResourceId") else { return };
                let key = format!("{resource_id} {}", s(input, "ScalableDimension").unwrap_or_default());
                let mut props = copy_members(input, &["ServiceNamespace", "ResourceId", "ScalableDimension", "MinCapacity", "MaxCapacity", "RoleARN", "SuspendedState"]);
                props.insert("ResourceId".into(), self.scalable_resource_id(resource_id));
                match self.find_mut(Kind::ScalableTarget, &key) {
                    Some(r) => r.properties.extend(props),
                    None => {
                        let name = resource_id.split('/').skip(1).collect::<Vec<_>>().join(" ");
                        let id = self.add(Kind::ScalableTarget, &name, props);
                        self.alias(Kind::ScalableTarget, &key, &id);
                    }
                }
            }
            "application-autoscaling:DeregisterScalableTarget" => {
                let key = format!("{} {}", s(input, "ResourceId").unwrap_or_default(), s(input, "ScalableDimension").unwrap_or_default());
                self.remove(Kind::ScalableTarget, &key);
            }
            "application-autoscaling:PutScalingPolicy" => {
                let (Some(resource_id), Some(name)) = (s(input, "ResourceId"), s(input, "PolicyName")) else { return };
                let target_key = format!("{resource_id} {}", s(input, "ScalableDimension").unwrap_or_default());
                let mut props = copy_members(input, &["PolicyName", "PolicyType", "TargetTrackingScalingPolicyConfiguration", "StepScalingPolicyConfiguration"]);
                if let Some(i) = self.find(Kind::ScalableTarget, &target_key) {
                    props.insert("ScalingTargetId".into(), reference(&self.resources[i].logical_id));
                } else {
                    props.extend(copy_members(input, &["ResourceId", "ScalableDimension", "ServiceNamespace"]));
                }
                if let Some(label) = input.pointer("/TargetTrackingScalingPolicyConfiguration/PredefinedMetricSpecification/ResourceLabel").and_then(Value::as_str) {
                    let label = self.resource_label(label);
                    if let Some(spec) = props.get_mut("TargetTrackingScalingPolicyConfiguration").and_then(|c| c.get_mut("PredefinedMetricSpecification")) {
                        spec["ResourceLabel"] = label;
                    }
                }
                let key = format!("{target_key} {name}");
                let id = match self.find_mut(Kind::ScalingPolicy, &key) {
                    Some(r) => {
                        r.properties = props;
                        r.logical_id.clone()
                    }
                    None => self.add(Kind::ScalingPolicy, name, props),
                };
                self.alias(Kind::ScalingPolicy, &key, &id);
                if let Some(arn) = s(output, "PolicyARN") {
                    self.literals.insert(arn.to_string(), reference(&id));
                }
            }
            "application-autoscaling:DeleteScalingPolicy" => {
                let key = format!("{} {} {}", s(input, "ResourceId").unwrap_or_default(), s(input, "ScalableDimension").unwrap_or_default(), s(input, "PolicyName").unwrap_or_default());
                self.remove(Kind::ScalingPolicy, &key);
            }
            "application-autoscaling:PutScheduledAction" | "application-autoscaling:DeleteScheduledAction" => {
                let key = format!("{} {}", s(input, "ResourceId").unwrap_or_default(), s(input, "ScalableDimension").unwrap_or_default());
                let put = entry.call.ends_with("PutScheduledAction");
                let Some(name) = s(input, "ScheduledActionName") else { return };
                let action = copy_members(input, &["ScheduledActionName", "Schedule", "ScalableTargetAction", "StartTime", "EndTime", "Timezone"]);
                if let Some(r) = self.find_mut(Kind::ScalableTarget, &key) {
                    let mut actions: Vec<Value> = r.properties.get("ScheduledActions").and_then(Value::as_array).cloned().unwrap_or_default();
                    actions.retain(|a| s(a, "ScheduledActionName") != Some(name));
                    if put {
                        actions.push(Value::Object(action));
                    }
                    r.properties.insert("ScheduledActions".into(), Value::Array(actions));
                }
            }
            "cloudwatch:PutMetricAlarm" => {
                let Some(name) = s(input, "AlarmName") else { return };
                let props = input.as_object().cloned().unwrap_or_default();
                match self.find_mut(Kind::Alarm, name) {
                    Some(r) => r.properties = props,
                    None => {
                        self.add(Kind::Alarm, name, props);
                    }
                }
            }
            "cloudwatch:DeleteAlarms" => {
                for name in input.get("AlarmNames").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                    self.remove(Kind::Alarm, name);
                }
            }
            // Tasks, attributes, container instance states, metric data, faults and the playground's own calls
            // are not resources a template creates.
            _ => {}
        }
    }

    fn remove_by_literal(&mut self, kind: Kind, arn: Option<&str>) {
        if let Some(arn) = arn {
            self.remove(kind, arn);
        }
    }

    /// CreateService's or UpdateService's input as AWS::ECS::Service properties.
    fn service_properties(&self, input: &Value, create: bool) -> Map<String, Value> {
        let mut props = Map::new();
        let input = super::register_task_definition_input(input);
        for (key, value) in input.as_object().into_iter().flatten() {
            match key.as_str() {
                "cluster" if create => {
                    props.insert("Cluster".into(), self.resolve(Kind::Cluster, value.as_str().unwrap_or_default()));
                }
                "serviceName" => {
                    props.insert("ServiceName".into(), value.clone());
                }
                "taskDefinition" => {
                    props.insert("TaskDefinition".into(), self.resolve(Kind::TaskDefinition, value.as_str().unwrap_or_default()));
                }
                "capacityProviderStrategy" => {
                    props.insert("CapacityProviderStrategy".into(), self.strategy(Some(value)));
                }
                "placementStrategy" => {
                    props.insert("PlacementStrategies".into(), to_cfn(value, key));
                }
                // Members CloudFormation has no property for, or that only make sense in a call.
                "cluster" | "service" | "clientToken" | "forceNewDeployment" | "monitoring" => {}
                _ => {
                    props.insert(pascal(key), to_cfn(value, key));
                }
            }
        }
        props
    }

    fn strategy(&self, value: Option<&Value>) -> Value {
        let mut items = Vec::new();
        for item in value.and_then(Value::as_array).into_iter().flatten() {
            let mut converted = to_cfn(item, "capacityProviderStrategy");
            if let Some(provider) = s(item, "capacityProvider") {
                converted["CapacityProvider"] = self.resolve(Kind::CapacityProvider, provider);
            }
            items.push(converted);
        }
        Value::Array(items)
    }

    /// `service/demo/web` as the names of the template's cluster and service.
    fn scalable_resource_id(&self, resource_id: &str) -> Value {
        let parts: Vec<&str> = resource_id.split('/').collect();
        if let ["service", cluster, service] = parts.as_slice() {
            let cluster_value = self.resolve(Kind::Cluster, cluster);
            let service_value = match self.find(Kind::Service, &format!("{cluster}/{service}")) {
                Some(i) => get_att(&self.resources[i].logical_id, "Name"),
                None => json!(service),
            };
            if cluster_value.is_object() || service_value.is_object() {
                return json!({ "Fn::Join": ["/", ["service", cluster_value, service_value]] });
            }
        }
        json!(resource_id)
    }

    /// An ALBRequestCountPerTarget label (`app/<lb>/<id>/targetgroup/<tg>/<id>`) from the load balancer's and
    /// the target group's full names.
    fn resource_label(&self, label: &str) -> Value {
        let parts: Vec<&str> = label.split('/').collect();
        if let [_, lb, _, "targetgroup", tg, _] = parts.as_slice() {
            if let (Some(l), Some(t)) = (self.find(Kind::LoadBalancer, lb), self.find(Kind::TargetGroup, tg)) {
                return json!({ "Fn::Join": ["/", [get_att(&self.resources[l].logical_id, "LoadBalancerFullName"),
                                                  get_att(&self.resources[t].logical_id, "TargetGroupFullName")]] });
            }
        }
        json!(label)
    }

    fn run_instances(&mut self, input: &Value, output: &Value) {
        let mut props = copy_members(input, &["InstanceType", "SubnetId", "SecurityGroupIds", "KeyName", "ImageId"]);
        props.entry("ImageId").or_insert(json!(DEFAULT_AMI_MARK));
        if let Some(profile) = input.get("IamInstanceProfile") {
            // AWS::EC2::Instance takes the instance profile's name.
            if let Some(name) = s(profile, "Name").or_else(|| s(profile, "Arn").map(short_name)) {
                props.insert("IamInstanceProfile".into(), self.resolve(Kind::InstanceProfile, name));
            }
        }
        if let Some(text) = s(input, "UserData").map(decode_user_data) {
            props.insert("UserData".into(), json!({ "Fn::Base64": text }));
        }
        let mut tags = Vec::new();
        for spec in input.get("TagSpecifications").and_then(Value::as_array).into_iter().flatten() {
            if s(spec, "ResourceType").is_none_or(|t| t == "instance") {
                tags.extend(spec.get("Tags").and_then(Value::as_array).cloned().unwrap_or_default());
            }
        }
        if !tags.is_empty() {
            props.insert("Tags".into(), Value::Array(tags));
        }
        for instance in output.pointer("/Instances").and_then(Value::as_array).into_iter().flatten() {
            let Some(instance_id) = s(instance, "InstanceId") else { continue };
            let name = tag_value(props.get("Tags"), "Name").unwrap_or_else(|| "instance".to_string());
            let logical = self.new_id(&name, Kind::Instance);
            let i = self.resources.len();
            self.resources.push(Resource { logical_id: logical.clone(), kind: Kind::Instance, key: instance_id.to_string(), properties: props.clone(), gone: false });
            self.index.insert((Kind::Instance, instance_id.to_string()), i);
            self.literals.insert(instance_id.to_string(), reference(&logical));
        }
    }
}

/// Where an AMI id must be given: the `ImageId` Parameter, whatever the run used (its AMIs are the
/// playground's).
const DEFAULT_AMI_MARK: &str = "\u{0}ami";

fn copy_members(input: &Value, members: &[&str]) -> Map<String, Value> {
    members.iter().filter_map(|m| input.get(*m).map(|v| (m.to_string(), v.clone()))).collect()
}

fn stringify_numbers(value: Option<&mut Value>, members: &[&str]) {
    let Some(Value::Object(map)) = value else { return };
    for member in members {
        if let Some(n) = map.get(*member).and_then(Value::as_u64) {
            map.insert(member.to_string(), json!(n.to_string()));
        }
    }
}

fn tag_value(tags: Option<&Value>, key: &str) -> Option<String> {
    tags?.as_array()?.iter().find(|t| s(t, "Key") == Some(key)).and_then(|t| s(t, "Value")).map(str::to_string)
}

/// A policy document as an object (IAM's API takes it as a JSON string).
fn policy_document(value: Option<&Value>) -> Value {
    match value {
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or_else(|_| json!(text)),
        Some(other) => other.clone(),
        None => json!({}),
    }
}

/// User data as text: the EC2 API takes plain text or base64 (the engine reads both the same way).
fn decode_user_data(text: &str) -> String {
    if text.contains("ECS_") || text.starts_with("#!") {
        return text.to_string();
    }
    let body: String = text.split('=').next().unwrap_or("").chars().filter(|c| !c.is_ascii_whitespace()).collect();
    crate::codec::Base64::Standard.decode(&body).and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_else(|| text.to_string())
}

/// `arn:aws:elasticloadbalancing:...:loadbalancer/app/shop-alb/50dc6c495c0c9188` → `shop-alb`.
fn lb_name_of(arn: &str) -> String {
    let parts: Vec<&str> = arn.split('/').collect();
    parts.get(parts.len().saturating_sub(2)).copied().unwrap_or(arn).to_string()
}

/// The template's Parameters and the literals they stand for.
struct Parameters {
    list: Vec<Parameter>,
    by_literal: BTreeMap<String, String>,
}

impl Parameters {
    fn from_network(sim: &Sim) -> Parameters {
        let mut params = Parameters { list: Vec::new(), by_literal: BTreeMap::new() };
        let network = &sim.scenario().network;
        params.push(&network.vpc_id, "VpcId", "AWS::EC2::VPC::Id", format!("The VPC the playground calls {} ({}).", network.vpc_id, network.cidr_block));
        for subnet in &network.subnets {
            let name = logical_id(subnet.subnet_id.trim_start_matches("subnet-"), "");
            params.push(&subnet.subnet_id, &format!("Subnet{name}"), "AWS::EC2::Subnet::Id",
                format!("The subnet the playground calls {}, in {} ({}).", subnet.subnet_id, subnet.availability_zone, subnet.cidr_block));
        }
        for group in &network.security_groups {
            let name = logical_id(group.group_id.trim_start_matches("sg-"), "");
            params.push(&group.group_id, &format!("SecurityGroup{name}"), "AWS::EC2::SecurityGroup::Id",
                format!("The security group the playground calls {}.", group.group_id));
        }
        params
    }

    fn push(&mut self, literal: &str, name: &str, type_name: &'static str, description: String) {
        if literal.is_empty() || self.by_literal.contains_key(literal) {
            return;
        }
        self.by_literal.insert(literal.to_string(), name.to_string());
        self.list.push(Parameter { name: name.to_string(), type_name, description, default: None });
    }
}

/// Replaces, everywhere in `value`, a string that is a resource's id or ARN by its intrinsic, a network id by
/// its Parameter, and an ARN of the account by `Fn::Sub`; notes which Parameters were used.
fn resolve_value(value: &mut Value, literals: &BTreeMap<String, Value>, params: &Parameters, used: &mut Vec<String>, region: &str) {
    match value {
        Value::String(text) => {
            if let Some(intrinsic) = literals.get(text.as_str()) {
                *value = intrinsic.clone();
            } else if let Some(name) = params.by_literal.get(text.as_str()) {
                if !used.contains(name) {
                    used.push(name.clone());
                }
                *value = reference(name);
            } else if text == DEFAULT_AMI_MARK {
                if !used.iter().any(|u| u == "ImageId") {
                    used.push("ImageId".to_string());
                }
                *value = reference("ImageId");
            } else if text.contains(ACCOUNT_ID) || (text.starts_with("arn:aws:") && text.contains(region)) {
                // ARNs of the account, and names such as an ECR image (`<account>.dkr.ecr.<region>.amazonaws.com/...`).
                let sub = text
                    .replace("${", "${!")
                    .replacen("arn:aws:", "arn:${AWS::Partition}:", 1)
                    .replace(&format!(":{region}:"), ":${AWS::Region}:")
                    .replace(&format!(".{region}."), ".${AWS::Region}.")
                    .replace(ACCOUNT_ID, "${AWS::AccountId}");
                *value = json!({ "Fn::Sub": sub });
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| resolve_value(v, literals, params, used, region)),
        Value::Object(map) => {
            // An intrinsic built by the fold is already resolved.
            if map.len() == 1 && map.keys().next().is_some_and(|k| k == "Ref" || k.starts_with("Fn::")) {
                if let Some(Value::String(_)) = map.get("Fn::Base64") {
                    return;
                }
                if map.contains_key("Ref") || map.contains_key("Fn::GetAtt") {
                    return;
                }
            }
            map.values_mut().for_each(|v| resolve_value(v, literals, params, used, region));
        }
        _ => {}
    }
}

/// A state machine's `Definition` with each id, ARN or name of the template's (and each ARN of the account)
/// replaced by a `${Name}` placeholder given in `DefinitionSubstitutions`, as CloudFormation asks intrinsic
/// functions to reach a definition.
fn definition_substitutions(props: &mut Map<String, Value>, literals: &BTreeMap<String, Value>, params: &Parameters, used: &mut Vec<String>, region: &str) {
    fn walk(value: &mut Value, out: &mut Vec<(String, Value)>, resolve: &mut dyn FnMut(&str) -> Option<Value>) {
        match value {
            Value::String(text) => {
                if let Some(intrinsic) = resolve(text) {
                    let name = match out.iter().find(|(_, v)| *v == intrinsic) {
                        Some((name, _)) => name.clone(),
                        None => {
                            let mut refs = Vec::new();
                            referenced_ids(&intrinsic, &mut refs);
                            let base = match (refs.first(), intrinsic.get("Fn::GetAtt").is_some()) {
                                (Some(id), true) => format!("{id}Arn"),
                                (Some(id), false) => id.clone(),
                                (None, _) => "Account".to_string(),
                            };
                            let mut name = base.clone();
                            let mut n = 1;
                            while out.iter().any(|(k, _)| *k == name) {
                                n += 1;
                                name = format!("{base}{n}");
                            }
                            out.push((name.clone(), intrinsic));
                            name
                        }
                    };
                    *text = format!("${{{name}}}");
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, out, resolve)),
            Value::Object(map) => map.values_mut().for_each(|v| walk(v, out, resolve)),
            _ => {}
        }
    }
    let Some(definition) = props.get_mut("Definition") else { return };
    let mut substitutions = Vec::new();
    let mut resolve = |text: &str| {
        let mut value = json!(text);
        resolve_value(&mut value, literals, params, used, region);
        (!value.is_string()).then_some(value)
    };
    walk(definition, &mut substitutions, &mut resolve);
    if !substitutions.is_empty() {
        props.insert("DefinitionSubstitutions".into(), Value::Object(substitutions.into_iter().collect()));
    }
}

/// The logical ids `value` refers to by `Ref` or `Fn::GetAtt`.
fn referenced_ids(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("Ref") {
                out.push(id.clone());
            }
            if let Some(Value::Array(parts)) = map.get("Fn::GetAtt") {
                if let Some(Value::String(id)) = parts.first() {
                    out.push(id.clone());
                }
            }
            map.values().for_each(|v| referenced_ids(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| referenced_ids(v, out)),
        _ => {}
    }
}

/// The template of the account as it stands: its resources in the order the run created them.
pub fn template(sim: &Sim) -> Node {
    let mut builder = Builder { region: sim.scenario().region.clone(), ..Builder::default() };
    for entry in sim.journal() {
        builder.apply(entry);
    }
    // Each task definition family is its newest revision that is still registered.
    for (family, revisions) in &builder.revisions {
        let Some((_, input)) = revisions.iter().max_by_key(|(r, _)| *r) else { continue };
        let mut props = Map::new();
        let input = super::register_task_definition_input(input);
        for (key, value) in input.as_object().into_iter().flatten() {
            props.insert(pascal(key), to_cfn(value, key));
        }
        if let Some(i) = builder.find(Kind::TaskDefinition, family) {
            builder.resources[i].properties = props;
        }
    }
    // Names inside the task definitions that are the template's: roles by ARN, file systems and access points.
    for i in 0..builder.resources.len() {
        if builder.resources[i].kind != Kind::TaskDefinition {
            continue;
        }
        let mut props = std::mem::take(&mut builder.resources[i].properties);
        for role in ["ExecutionRoleArn", "TaskRoleArn"] {
            if let Some(arn) = props.get(role).and_then(Value::as_str).map(str::to_string) {
                props.insert(role.into(), builder.resolve(Kind::Role, &arn));
            }
        }
        // The awslogs driver's group, when the template creates it: the task definition then waits for it.
        for container in props.get_mut("ContainerDefinitions").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(group) = container.pointer_mut("/LogConfiguration/Options/awslogs-group") {
                if let Some(name) = group.as_str().map(str::to_string) {
                    *group = builder.resolve(Kind::LogGroup, &name);
                }
            }
        }
        builder.resources[i].properties = props;
    }
    let region = sim.scenario().region.clone();
    let mut params = Parameters::from_network(sim);
    let mut used = Vec::new();
    for r in builder.resources.iter_mut().filter(|r| !r.gone) {
        if r.kind == Kind::StateMachine {
            definition_substitutions(&mut r.properties, &builder.literals, &params, &mut used, &region);
        }
        let mut props = Value::Object(std::mem::take(&mut r.properties));
        resolve_value(&mut props, &builder.literals, &params, &mut used, &region);
        r.properties = props.as_object().cloned().unwrap_or_default();
    }
    let live: Vec<&Resource> = builder.resources.iter().filter(|r| !r.gone).collect();
    let mut known_ids: Vec<&str> = live.iter().map(|r| r.logical_id.as_str()).collect();
    known_ids.extend(used.iter().map(String::as_str));

    let mut resources = Vec::new();
    for r in &live {
        let depends_on = depends_on(r, &live);
        let mut props = Value::Object(r.properties.clone());
        // A reference to a resource the run deleted would not resolve: it stays as the literal it was.
        drop_dangling(&mut props, &known_ids);
        let mut entries = vec![("Type".to_string(), Node::Json(json!(r.kind.type_name())))];
        if !depends_on.is_empty() {
            entries.push(("DependsOn".to_string(), Node::Json(json!(depends_on))));
        }
        entries.push(("Properties".to_string(), Node::Json(props)));
        resources.push((r.logical_id.clone(), Node::Map(entries)));
    }

    if used.iter().any(|u| u == "ImageId") {
        params.list.push(Parameter {
            name: "ImageId".into(),
            type_name: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            description: "The AMI of the container instances: the Amazon ECS-optimized Amazon Linux 2023 AMI, from its public SSM parameter.".into(),
            default: Some("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id".into()),
        });
    }
    let mut parameters = Vec::new();
    for p in params.list.iter().filter(|p| used.contains(&p.name)) {
        let mut entries = vec![("Type".to_string(), Node::Json(json!(p.type_name))), ("Description".to_string(), Node::Json(json!(p.description)))];
        if let Some(default) = &p.default {
            entries.push(("Default".to_string(), Node::Json(json!(default))));
        }
        parameters.push((p.name.clone(), Node::Map(entries)));
    }

    let description = format!(
        "The resources of the ECS Playground run of '{}' at {}. Tasks, the playground's traffic and faults are not resources; the roles the account starts with (ecsTaskExecutionRole, ecsInstanceRole) are expected to exist.",
        sim.scenario().name,
        crate::time::format_duration_ms(sim.now().as_millis()),
    );
    let mut top = vec![
        ("AWSTemplateFormatVersion".to_string(), Node::Json(json!("2010-09-09"))),
        ("Description".to_string(), Node::Json(json!(description))),
    ];
    if !parameters.is_empty() {
        top.push(("Parameters".to_string(), Node::Map(parameters)));
    }
    top.push(("Resources".to_string(), Node::Map(resources)));
    Node::Map(top)
}

/// What a resource must wait for beyond its references: a service on a target group waits for the listeners
/// and rules that forward to it (else CreateService fails: the target group "does not have an associated load
/// balancer"), a service on a capacity provider strategy (its own or its cluster's default) for its cluster's
/// association, and a service whose task
/// definition mounts an EFS file system for that file system's mount targets.
fn depends_on(r: &Resource, live: &[&Resource]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // A route to an internet gateway, and an Elastic IP address in a VPC, wait for the gateway's attachment
    // to the VPC (the AWS::EC2::Route and AWS::EC2::EIP reference pages' "DependsOn" notes).
    if matches!(r.kind, Kind::Route | Kind::Eip) {
        let mut gateways = Vec::new();
        referenced_ids(r.properties.get("GatewayId").unwrap_or(&Value::Null), &mut gateways);
        for attachment in live.iter().filter(|o| o.kind == Kind::GatewayAttachment) {
            let mut of = Vec::new();
            referenced_ids(attachment.properties.get("InternetGatewayId").unwrap_or(&Value::Null), &mut of);
            if r.kind == Kind::Eip || of.iter().any(|g| gateways.contains(g)) {
                out.push(attachment.logical_id.clone());
            }
        }
        return out;
    }
    if r.kind != Kind::Service {
        return out;
    }
    let props = Value::Object(r.properties.clone());
    let mut target_groups = Vec::new();
    for lb in props.get("LoadBalancers").and_then(Value::as_array).into_iter().flatten() {
        if let Some(Value::String(tg)) = lb.get("TargetGroupArn").and_then(|v| v.get("Ref")) {
            target_groups.push(tg.clone());
        }
    }
    for other in live.iter().filter(|o| matches!(o.kind, Kind::Listener | Kind::ListenerRule)) {
        let mut refs = Vec::new();
        referenced_ids(&Value::Object(other.properties.clone()), &mut refs);
        if refs.iter().any(|id| target_groups.contains(id)) {
            out.push(other.logical_id.clone());
        }
    }
    let mut refs = Vec::new();
    referenced_ids(props.get("CapacityProviderStrategy").unwrap_or(&Value::Null), &mut refs);
    // A service with neither a strategy nor a launch type uses its cluster's default strategy.
    if !refs.is_empty() || (props.get("CapacityProviderStrategy").is_none() && props.get("LaunchType").is_none()) {
        let mut cluster = Vec::new();
        referenced_ids(props.get("Cluster").unwrap_or(&Value::Null), &mut cluster);
        for other in live.iter().filter(|o| o.kind == Kind::CapacityProviderAssociations) {
            let mut of = Vec::new();
            referenced_ids(other.properties.get("Cluster").unwrap_or(&Value::Null), &mut of);
            if of.iter().any(|c| cluster.contains(c)) {
                out.push(other.logical_id.clone());
            }
        }
    }
    let mut task_definition = Vec::new();
    referenced_ids(props.get("TaskDefinition").unwrap_or(&Value::Null), &mut task_definition);
    for td in live.iter().filter(|o| task_definition.contains(&o.logical_id)) {
        let mut file_systems = Vec::new();
        for volume in td.properties.get("Volumes").and_then(Value::as_array).into_iter().flatten() {
            referenced_ids(volume.get("EFSVolumeConfiguration").and_then(|e| e.get("FilesystemId")).unwrap_or(&Value::Null), &mut file_systems);
        }
        for mt in live.iter().filter(|o| o.kind == Kind::MountTarget) {
            let mut of = Vec::new();
            referenced_ids(mt.properties.get("FileSystemId").unwrap_or(&Value::Null), &mut of);
            if of.iter().any(|f| file_systems.contains(f)) {
                out.push(mt.logical_id.clone());
            }
        }
    }
    out.dedup();
    out
}

/// A `Ref` or `Fn::GetAtt` of a resource no longer in the template (the run deleted it) could not resolve, so
/// the member or list item that holds it is dropped. `known_ids` are the resources' and Parameters' names.
fn drop_dangling(value: &mut Value, known_ids: &[&str]) {
    let dangling = |v: &Value| {
        let mut refs = Vec::new();
        if let Some(map) = v.as_object() {
            if map.len() == 1 && (map.contains_key("Ref") || map.contains_key("Fn::GetAtt")) {
                referenced_ids(v, &mut refs);
            }
        }
        refs.iter().any(|id| !known_ids.contains(&id.as_str()) && !id.starts_with("AWS::"))
    };
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !dangling(v));
            map.values_mut().for_each(|v| drop_dangling(v, known_ids));
        }
        Value::Array(items) => {
            items.retain(|v| !dangling(v));
            items.iter_mut().for_each(|v| drop_dangling(v, known_ids));
        }
        _ => {}
    }
}
