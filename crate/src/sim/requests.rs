//! The engine's requests, read once at the edge: the dispatcher parses a call's input (an `api::Request`) into
//! the typed struct of that call, and the handler works on the struct, never on JSON.
//!
//! The engine checks some members only after a lookup (the cluster exists, the task definition resolves, the
//! service exists), and some handlers change state between two checks. Such a member keeps the outcome of its
//! reading, a `Result`, until the handler reaches its check, so a request with several problems gets the same
//! error, and leaves the same state, as it always has. `parse` itself fails only on what is checked before any
//! lookup.
//!
//! A few members are kept as JSON: what `DescribeServices` and `PutAttributes` echo as given, and a capacity
//! provider strategy, which `scaling::parse_strategy` reads (with the providers' kinds) for the engine and for
//! `PutClusterCapacityProviders` alike.

use serde_json::{json, Value};

use crate::api::request::strings_of;
use crate::api::{texts, ApiError, Request};
use crate::catalog::{self, InstanceType};
use crate::elb::{LoadProfile, LoadShape, TargetBehavior};
use crate::placement::{BinpackField, Constraint, Strategy};

use super::model::{ImageBehavior, InstanceFault, LaunchType, SchedulingStrategy, StopBehavior};

/// The last path segment of an ARN, or the text itself (`arn:...:cluster/demo` → `demo`).
pub(super) fn short_name(text: &str) -> &str {
    if text.starts_with("arn:") {
        text.rsplit('/').next().unwrap_or(text)
    } else {
        text
    }
}

/// The `cluster` member as a cluster name: `default` when absent, the name part of an ARN.
pub(super) fn cluster_member<'a>(request: &Request<'a>) -> &'a str {
    short_name(request.str("cluster").unwrap_or("default"))
}

/// Every item of the list `name` as a request, objects or not, in order; `None` when it is not a list.
fn items<'a>(request: &Request<'a>, name: &str) -> Option<Vec<Request<'a>>> {
    let items = request.input().get(name)?.as_array()?;
    Some(items.iter().map(|item| Request::new(item, request.dialect())).collect())
}

/// The member `name` as given (null included), for the answers that echo it.
fn given(request: &Request<'_>, name: &str) -> Option<Value> {
    request.input().get(name).cloned()
}

// ---- shared members ----

/// `placementStrategy`: at most 5 of `random`, `binpack` on `cpu` or `memory`, and `spread` on a field; none
/// when absent or not a list.
pub(super) fn placement_strategy(request: &Request<'_>) -> Result<Vec<Strategy>, ApiError> {
    let Some(items) = items(request, "placementStrategy") else { return Ok(vec![]) };
    if items.len() > 5 {
        return Err(ApiError::invalid_parameter("Number of placement strategies exceeds the limit of 5."));
    }
    let mut out = Vec::new();
    for item in items {
        let kind = item.str("type").unwrap_or("");
        let field = item.str("field");
        out.push(match kind {
            "random" => Strategy::Random,
            "binpack" => match field.map(str::to_ascii_lowercase).as_deref() {
                Some("cpu") => Strategy::Binpack(BinpackField::Cpu),
                Some("memory") => Strategy::Binpack(BinpackField::Memory),
                _ => return Err(ApiError::invalid_parameter("Invalid field for binpack strategy. Valid values are [cpu, memory].")),
            },
            "spread" => match field {
                Some(f) if !f.is_empty() => Strategy::Spread(f.to_string()),
                _ => return Err(ApiError::invalid_parameter(texts::blank("Spread field"))),
            },
            other => return Err(ApiError::invalid_parameter(format!("Invalid placement strategy type '{other}'. Valid values are [random, spread, binpack]."))),
        });
    }
    Ok(out)
}

/// `placementConstraints`: at most 10 of `distinctInstance` and `memberOf` (with a valid expression); none when
/// absent or not a list.
pub(super) fn placement_constraints(request: &Request<'_>) -> Result<Vec<Constraint>, ApiError> {
    let Some(items) = items(request, "placementConstraints") else { return Ok(vec![]) };
    if items.len() > 10 {
        return Err(ApiError::invalid_parameter("Number of placement constraints exceeds the limit of 10."));
    }
    let mut out = Vec::new();
    for item in items {
        match item.str("type") {
            Some("distinctInstance") => {
                if item.str("expression").is_some() {
                    return Err(ApiError::invalid_parameter("Expressions are not supported for distinctInstance constraints."));
                }
                out.push(Constraint::DistinctInstance);
            }
            Some("memberOf") => {
                let expression = item.str("expression").unwrap_or("");
                if expression.is_empty() {
                    return Err(ApiError::invalid_parameter("An expression is required for memberOf constraints."));
                }
                crate::cql::parse(expression).map_err(ApiError::invalid_parameter)?;
                out.push(Constraint::MemberOf(expression.to_string()));
            }
            other => {
                return Err(ApiError::invalid_parameter(format!(
                    "Invalid placement constraint type '{}'. Valid values are [distinctInstance, memberOf].",
                    other.unwrap_or("")
                )))
            }
        }
    }
    Ok(out)
}

/// `networkConfiguration` of RunTask and CreateService: only `awsvpcConfiguration` is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct NetworkConfiguration {
    /// `awsvpcConfiguration`, when the member is there (even as null).
    pub awsvpc: Option<AwsVpcConfiguration>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct AwsVpcConfiguration {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// `assignPublicIp` is `ENABLED` (Fargate gives the task's interface a public IPv4 address).
    pub assign_public_ip: bool,
}

impl NetworkConfiguration {
    pub(super) fn parse(request: &Request<'_>) -> NetworkConfiguration {
        let config = request.input().get("networkConfiguration").and_then(|n| n.get("awsvpcConfiguration"));
        NetworkConfiguration {
            awsvpc: config.map(|c| AwsVpcConfiguration {
                subnets: strings_of(c.get("subnets")),
                security_groups: strings_of(c.get("securityGroups")),
                assign_public_ip: c.get("assignPublicIp").and_then(serde_json::Value::as_str) == Some("ENABLED"),
            }),
        }
    }

    /// `awsvpcConfiguration.securityGroups`, empty when none is given.
    pub(super) fn security_groups(&self) -> &[String] {
        self.awsvpc.as_ref().map_or(&[], |c| &c.security_groups)
    }

    /// `awsvpcConfiguration.assignPublicIp` is `ENABLED`.
    pub(super) fn assign_public_ip(&self) -> bool {
        self.awsvpc.as_ref().is_some_and(|c| c.assign_public_ip)
    }
}

/// How a RunTask or a service chooses its capacity.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum CapacityChoice<'a> {
    /// Neither `launchType` nor `capacityProviderStrategy`: the cluster's default strategy, or else EC2.
    ClusterDefault,
    LaunchType(LaunchType),
    /// `capacityProviderStrategy` as given (a non-empty list, or not a list at all).
    Strategy(&'a Value),
}

/// `launchType` and `capacityProviderStrategy`: at most one of them (an empty strategy counts as none).
fn capacity_choice<'a>(request: &Request<'a>) -> Result<CapacityChoice<'a>, ApiError> {
    let given = request.get("capacityProviderStrategy").filter(|v| v.as_array().is_none_or(|a| !a.is_empty()));
    let has_launch_type = request.get("launchType").is_some();
    if given.is_some() && has_launch_type {
        // text: AWS's answer quoted in terraform-linters/tflint-ruleset-aws#349 and pulumi/pulumi-awsx#599
        return Err(ApiError::invalid_parameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again."));
    }
    if has_launch_type {
        // A `launchType` that is not a string reads as EC2.
        return match request.str("launchType") {
            None | Some("EC2") => Ok(CapacityChoice::LaunchType(LaunchType::Ec2)),
            Some("FARGATE") => Ok(CapacityChoice::LaunchType(LaunchType::Fargate)),
            Some(other @ ("EXTERNAL" | "MANAGED_INSTANCES")) => {
                Err(ApiError::invalid_parameter(format!("The playground does not simulate the {other} launch type yet.")))
            }
            Some(other) => Err(ApiError::invalid_parameter(texts::not_in_enum(other, "launchType", &["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"]))),
        };
    }
    Ok(match given {
        Some(strategy) => CapacityChoice::Strategy(strategy),
        None => CapacityChoice::ClusterDefault,
    })
}

/// `deploymentConfiguration` of CreateService and UpdateService.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct DeploymentConfigurationInput {
    pub maximum_percent: Option<u64>,
    pub minimum_healthy_percent: Option<u64>,
    /// `deploymentCircuitBreaker`, when the member is there (even as null): `(enable, rollback)`.
    pub circuit_breaker: Option<(bool, bool)>,
    /// `alarms`, when the member is there.
    pub alarms: Option<super::model::DeploymentAlarms>,
}

impl DeploymentConfigurationInput {
    /// `None` when `deploymentConfiguration` is not an object.
    fn parse(request: &Request<'_>) -> Option<DeploymentConfigurationInput> {
        let dc = request.input().get("deploymentConfiguration").filter(|v| v.is_object())?;
        Some(DeploymentConfigurationInput {
            maximum_percent: dc.get("maximumPercent").and_then(Value::as_u64),
            minimum_healthy_percent: dc.get("minimumHealthyPercent").and_then(Value::as_u64),
            circuit_breaker: dc.get("deploymentCircuitBreaker").map(|breaker| {
                (breaker.get("enable").and_then(Value::as_bool).unwrap_or(false), breaker.get("rollback").and_then(Value::as_bool).unwrap_or(false))
            }),
            alarms: dc.get("alarms").filter(|a| a.is_object()).map(|alarms| super::model::DeploymentAlarms {
                alarm_names: crate::api::request::strings_of(alarms.get("alarmNames")),
                enable: alarms.get("enable").and_then(Value::as_bool).unwrap_or(false),
                rollback: alarms.get("rollback").and_then(Value::as_bool).unwrap_or(false),
            }),
        })
    }
}

// ---- clusters ----

/// The `containerInsights` value of `settings` (a `ClusterSetting` list; the last item wins), `None` when the
/// list is absent or empty. A bad `value` gets the text AWS returns ("Invalid setting 'value'", seen from
/// UpdateCluster); a bad `name` gets the enum validation text of the API model's `ClusterSettingName`
/// [UNVERIFIED wording], a missing one "Invalid setting 'name'" [UNVERIFIED].
fn container_insights_setting(request: &Request<'_>) -> Result<Option<&'static str>, ApiError> {
    let items = match request.get("settings") {
        None => return Ok(None),
        Some(Value::Array(_)) => items(request, "settings").unwrap_or_default(),
        Some(_) => return Err(ApiError::invalid_parameter("settings must be a list of ClusterSetting objects.")),
    };
    let mut value = None;
    for (i, item) in items.iter().enumerate() {
        match item.str("name") {
            Some("containerInsights") => {}
            Some(other) => {
                let path = format!("settings.{}.member.name", i + 1);
                return Err(ApiError::invalid_parameter(texts::not_in_enum(other, &path, &["containerInsights"])));
            }
            None => return Err(ApiError::invalid_parameter("Invalid setting 'name'")),
        }
        // The supported values (API model, ClusterSetting.value): enhanced, enabled and disabled.
        value = Some(match item.str("value") {
            Some("enhanced") => "enhanced",
            Some("enabled") => "enabled",
            Some("disabled") => "disabled",
            _ => return Err(ApiError::invalid_parameter("Invalid setting 'value'")),
        });
    }
    Ok(value)
}

pub(super) struct CreateClusterRequest<'a> {
    pub cluster_name: &'a str,
    /// The `containerInsights` setting, when `settings` gives one.
    pub container_insights: Option<&'static str>,
}

impl<'a> CreateClusterRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<CreateClusterRequest<'a>, ApiError> {
        let cluster_name = request.str("clusterName").unwrap_or("default");
        if cluster_name.is_empty() || cluster_name.len() > 255 || !cluster_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(ApiError::invalid_parameter(
                "Cluster name can have up to 255 characters, which may include letters (uppercase and lowercase), numbers, hyphens, and underscores.",
            ));
        }
        Ok(CreateClusterRequest { cluster_name, container_insights: container_insights_setting(request)? })
    }
}

pub(super) struct UpdateClusterSettingsRequest<'a> {
    pub cluster: &'a str,
    /// The `containerInsights` setting (checked once the cluster is found).
    pub container_insights: Result<Option<&'static str>, ApiError>,
}

impl<'a> UpdateClusterSettingsRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<UpdateClusterSettingsRequest<'a>, ApiError> {
        request.required_str("cluster", "cluster")?;
        Ok(UpdateClusterSettingsRequest { cluster: cluster_member(request), container_insights: container_insights_setting(request) })
    }
}

/// DescribeClusters' `include` values (API model, ClusterField).
const CLUSTER_FIELDS: [&str; 5] = ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"];

pub(super) struct DescribeClustersRequest {
    /// The clusters asked for (`default` when none is given).
    pub clusters: Vec<String>,
    /// Whether `include` asks for SETTINGS.
    pub include_settings: bool,
}

impl DescribeClustersRequest {
    pub(super) fn parse(request: &Request<'_>) -> Result<DescribeClustersRequest, ApiError> {
        let mut clusters = request.strings("clusters");
        // API_DescribeClusters: "A list of up to 100 cluster names or full cluster ARN entries".
        if clusters.len() > 100 {
            return Err(ApiError::invalid_parameter(crate::api::texts::too_many_items("clusters", 100)));
        }
        if clusters.is_empty() {
            clusters.push("default".into());
        }
        // `include` (ClusterField): the settings only when SETTINGS is asked for, as AWS answers. The validation
        // text of a bad field is the AWS list-of-enum wording, [UNVERIFIED] for ECS.
        let include = request.strings("include");
        if let Some(bad) = include.iter().find(|f| !CLUSTER_FIELDS.contains(&f.as_str())) {
            return Err(ApiError::invalid_parameter(texts::list_item_not_in_enum(bad, "include", &CLUSTER_FIELDS)));
        }
        Ok(DescribeClustersRequest { clusters, include_settings: include.iter().any(|f| f == "SETTINGS") })
    }
}

// ---- task definitions ----

/// `taskDefinition` of DescribeTaskDefinition and DeregisterTaskDefinition: a family, `family:revision` or an
/// ARN (with a revision for DeregisterTaskDefinition).
pub(super) struct TaskDefinitionRequest<'a> {
    pub task_definition: &'a str,
}

impl<'a> TaskDefinitionRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<TaskDefinitionRequest<'a>, ApiError> {
        Ok(TaskDefinitionRequest { task_definition: request.required_str("taskDefinition", "taskDefinition")? })
    }

    /// DeregisterTaskDefinition's: the reference must name a revision.
    pub(super) fn parse_revision(request: &Request<'a>) -> Result<TaskDefinitionRequest<'a>, ApiError> {
        let parsed = TaskDefinitionRequest::parse(request)?;
        if !parsed.task_definition.contains(':') || parsed.task_definition.ends_with(':') {
            return Err(ApiError::client("Invalid revision number. Number: "));
        }
        Ok(parsed)
    }
}

// ---- tasks ----

pub(super) struct RunTaskRequest<'a> {
    pub cluster: &'a str,
    /// `taskDefinition`, empty when absent.
    pub task_definition: &'a str,
    /// `count`: 1 when absent, at most 10.
    pub count: Result<u32, ApiError>,
    pub capacity: Result<CapacityChoice<'a>, ApiError>,
    pub platform_version: Option<&'a str>,
    pub network_configuration: NetworkConfiguration,
    pub placement_constraints: Result<Vec<Constraint>, ApiError>,
    pub placement_strategy: Result<Vec<Strategy>, ApiError>,
    pub group: Option<&'a str>,
    pub started_by: Option<&'a str>,
    pub overrides: Result<Option<super::overrides::TaskOverrides>, ApiError>,
}

impl<'a> RunTaskRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<RunTaskRequest<'a>, ApiError> {
        let count = match request.get("count") {
            None => Ok(1),
            Some(v) => v.as_u64().ok_or_else(|| ApiError::invalid_parameter(texts::not_an_integer("count"))),
        }
        .and_then(|count| match count {
            1..=10 => Ok(count as u32),
            _ => Err(ApiError::invalid_parameter("Count must be between 1 and 10.")),
        });
        // API_RunTask: `startedBy` holds "up to 36 letters (uppercase and lowercase), numbers, hyphens (-), forward
        // slash (/), and underscores (_)"; Amazon ECS answers a longer one `startedBy longer than 36.` (public SDK
        // error output). The character rule's own text is not known, so only the length is checked.
        if request.str("startedBy").is_some_and(|s| s.chars().count() > 36) {
            return Err(ApiError::invalid_parameter("startedBy longer than 36."));
        }
        Ok(RunTaskRequest {
            cluster: cluster_member(request),
            task_definition: request.str("taskDefinition").unwrap_or(""),
            count,
            capacity: capacity_choice(request),
            platform_version: request.str("platformVersion"),
            network_configuration: NetworkConfiguration::parse(request),
            placement_constraints: placement_constraints(request),
            placement_strategy: placement_strategy(request),
            group: request.str("group"),
            started_by: request.str("startedBy"),
            overrides: super::overrides::TaskOverrides::parse(request),
        })
    }
}

pub(super) struct StopTaskRequest<'a> {
    pub cluster: &'a str,
    /// `task`, an id or an ARN; empty when absent.
    pub task: &'a str,
    pub reason: &'a str,
}

impl<'a> StopTaskRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<StopTaskRequest<'a>, ApiError> {
        Ok(StopTaskRequest {
            cluster: cluster_member(request),
            task: request.str("task").unwrap_or(""),
            reason: request.str("reason").unwrap_or("Task stopped by user"),
        })
    }
}

// ---- services ----

pub(super) struct ServiceLoadBalancer<'a> {
    pub target_group_arn: &'a str,
    /// A Classic Load Balancer, by name.
    pub load_balancer_name: Option<&'a str>,
    pub container_name: &'a str,
    pub container_port: u16,
}

pub(super) struct CreateServiceRequest<'a> {
    pub cluster: &'a str,
    pub service_name: Result<&'a str, ApiError>,
    /// `taskDefinition`, empty when absent.
    pub task_definition: &'a str,
    pub capacity: Result<CapacityChoice<'a>, ApiError>,
    /// REPLICA (the default) or DAEMON.
    pub scheduling_strategy: Result<SchedulingStrategy, ApiError>,
    /// `desiredCount`, when given.
    pub desired_count: Result<Option<u64>, ApiError>,
    pub platform_version: Option<&'a str>,
    /// Whether `placementStrategy` is a non-empty list (a DAEMON service takes none).
    pub has_placement_strategy: bool,
    pub network_configuration: NetworkConfiguration,
    pub placement_constraints: Result<Vec<Constraint>, ApiError>,
    pub placement_strategy: Result<Vec<Strategy>, ApiError>,
    pub deployment_configuration: DeploymentConfigurationInput,
    /// `healthCheckGracePeriodSeconds`, when given (0 when not a whole number).
    pub health_check_grace_period_s: Option<u64>,
    /// `loadBalancers` (none when absent or not a list).
    pub load_balancers: Vec<ServiceLoadBalancer<'a>>,
    /// The members DescribeServices echoes as given.
    pub placement_constraints_json: Value,
    pub placement_strategy_json: Value,
    pub load_balancers_json: Value,
    pub network_configuration_json: Option<Value>,
}

impl<'a> CreateServiceRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<CreateServiceRequest<'a>, ApiError> {
        let service_name = request.str("serviceName").unwrap_or("");
        let service_name = if service_name.is_empty() || service_name.len() > 255 || !service_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            Err(ApiError::invalid_parameter(
                "Service name can have up to 255 characters, which may include letters (uppercase and lowercase), numbers, hyphens, and underscores.",
            ))
        } else {
            Ok(service_name)
        };
        let scheduling_strategy = match request.str("schedulingStrategy").unwrap_or("REPLICA") {
            "REPLICA" => Ok(SchedulingStrategy::Replica),
            "DAEMON" => Ok(SchedulingStrategy::Daemon),
            other => Err(ApiError::invalid_parameter(format!("Invalid schedulingStrategy '{other}'. Valid values are [REPLICA, DAEMON]."))),
        };
        let load_balancers = items(request, "loadBalancers")
            .unwrap_or_default()
            .into_iter()
            .map(|item| ServiceLoadBalancer {
                target_group_arn: item.str("targetGroupArn").unwrap_or(""),
                load_balancer_name: item.str("loadBalancerName"),
                container_name: item.str("containerName").unwrap_or(""),
                container_port: item.input().get("containerPort").and_then(Value::as_u64).unwrap_or(0) as u16,
            })
            .collect();
        Ok(CreateServiceRequest {
            cluster: cluster_member(request),
            service_name,
            task_definition: request.str("taskDefinition").unwrap_or(""),
            capacity: capacity_choice(request),
            scheduling_strategy,
            desired_count: request.u64("desiredCount"),
            platform_version: request.str("platformVersion"),
            has_placement_strategy: request.input().get("placementStrategy").is_some_and(|v| v.as_array().is_some_and(|a| !a.is_empty())),
            network_configuration: NetworkConfiguration::parse(request),
            placement_constraints: placement_constraints(request),
            placement_strategy: placement_strategy(request),
            deployment_configuration: DeploymentConfigurationInput::parse(request).unwrap_or_default(),
            health_check_grace_period_s: request.get("healthCheckGracePeriodSeconds").map(|v| v.as_u64().unwrap_or(0)),
            load_balancers,
            placement_constraints_json: given(request, "placementConstraints").unwrap_or(json!([])),
            placement_strategy_json: given(request, "placementStrategy").unwrap_or(json!([])),
            load_balancers_json: given(request, "loadBalancers").unwrap_or(json!([])),
            network_configuration_json: given(request, "networkConfiguration"),
        })
    }
}

pub(super) struct UpdateServiceRequest<'a> {
    pub cluster: &'a str,
    /// `service`, empty when absent.
    pub service: &'a str,
    pub desired_count: Option<Result<u64, ApiError>>,
    /// `deploymentConfiguration`, when an object.
    pub deployment_configuration: Option<DeploymentConfigurationInput>,
    /// `placementStrategy`, when given: the strategies, and the JSON DescribeServices echoes.
    pub placement_strategy: Option<(Result<Vec<Strategy>, ApiError>, Value)>,
    /// `placementConstraints`, when given: the constraints, and the JSON DescribeServices echoes.
    pub placement_constraints: Option<(Result<Vec<Constraint>, ApiError>, Value)>,
    pub force_new_deployment: bool,
    /// The capacity, when `launchType` or `capacityProviderStrategy` is given.
    pub capacity: Option<Result<CapacityChoice<'a>, ApiError>>,
    /// `taskDefinition`, when given and not empty.
    pub task_definition: Option<&'a str>,
    /// `networkConfiguration`, when given: the configuration, and the JSON DescribeServices echoes.
    pub network_configuration: Option<(NetworkConfiguration, Value)>,
}

impl<'a> UpdateServiceRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<UpdateServiceRequest<'a>, ApiError> {
        let changes_capacity = request.get("capacityProviderStrategy").is_some() || request.get("launchType").is_some();
        Ok(UpdateServiceRequest {
            cluster: cluster_member(request),
            service: request.str("service").unwrap_or(""),
            desired_count: request.u64("desiredCount").transpose(),
            deployment_configuration: DeploymentConfigurationInput::parse(request),
            placement_strategy: request.get("placementStrategy").map(|json| (placement_strategy(request), json.clone())),
            placement_constraints: request.get("placementConstraints").map(|json| (placement_constraints(request), json.clone())),
            force_new_deployment: request.bool("forceNewDeployment").unwrap_or(false),
            capacity: changes_capacity.then(|| capacity_choice(request)),
            task_definition: request.str("taskDefinition").filter(|r| !r.is_empty()),
            network_configuration: request.get("networkConfiguration").map(|json| (NetworkConfiguration::parse(request), json.clone())),
        })
    }
}

// ---- EC2 instances ----

/// The instance type named `name`, refused with the types the playground knows.
pub(super) fn instance_type_named(name: &str) -> Result<&'static InstanceType, ApiError> {
    catalog::instance_type(name).ok_or_else(|| {
        ApiError::new(
            "InvalidParameterValue",
            format!("Invalid value '{name}' for InstanceType. The playground knows: {}.", catalog::INSTANCE_TYPES.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")),
        )
    })
}

pub(super) struct RunInstancesRequest<'a> {
    pub instance_type: &'static InstanceType,
    pub min_count: u64,
    pub max_count: u64,
    pub subnet_id: Option<&'a str>,
    /// The name of `IamInstanceProfile` (its `Name`, or the name part of its `Arn`).
    pub iam_instance_profile: Option<&'a str>,
    /// `UserData`, plain text or base64.
    pub user_data: Option<&'a str>,
    pub security_group_ids: Vec<String>,
    /// The tags of `TagSpecifications`: (key, value).
    pub tags: Vec<(&'a str, &'a str)>,
    /// `InstanceMarketOptions.MarketType` `spot`: a Spot Instance.
    pub spot: bool,
}

impl<'a> RunInstancesRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<RunInstancesRequest<'a>, ApiError> {
        // Every instance runs the Amazon ECS-optimized AMI, whatever ImageId names; an id that is no AMI id is
        // refused as EC2 refuses it (real output quoted in hashicorp/terraform#22172: "InvalidAMIID.Malformed:
        // Invalid id: \"{var.ami_id}\" (expecting \"ami-...\")").
        if let Some(image_id) = request.str("ImageId").filter(|id| !id.starts_with("ami-")) {
            return Err(ApiError::new("InvalidAMIID.Malformed", format!("Invalid id: \"{image_id}\" (expecting \"ami-...\")")));
        }
        let instance_type = instance_type_named(request.str("InstanceType").unwrap_or("m5.large"))?;
        let min_count = request.u64("MinCount")?.unwrap_or(1);
        let max_count = request.u64("MaxCount")?.unwrap_or(min_count);
        let mut tags = Vec::new();
        for spec in items(request, "TagSpecifications").unwrap_or_default() {
            for tag in items(&spec, "Tags").unwrap_or_default() {
                if let (Some(key), Some(value)) = (tag.str("Key"), tag.str("Value")) {
                    tags.push((key, value));
                }
            }
        }
        let profile = request.input().get("IamInstanceProfile").map(|p| Request::new(p, request.dialect()));
        Ok(RunInstancesRequest {
            instance_type,
            min_count,
            max_count,
            subnet_id: request.str("SubnetId"),
            iam_instance_profile: profile.and_then(|p| p.str("Name").or_else(|| p.str("Arn"))).map(short_name),
            user_data: request.str("UserData"),
            security_group_ids: request.strings("SecurityGroupIds"),
            tags,
            spot: request.input().get("InstanceMarketOptions").and_then(|m| m.get("MarketType")).and_then(Value::as_str) == Some("spot"),
        })
    }
}

// ---- container instances ----

pub(super) struct UpdateContainerInstancesStateRequest<'a> {
    pub cluster: &'a str,
    /// `status`: ACTIVE or DRAINING.
    pub status: Result<&'a str, ApiError>,
    pub container_instances: Vec<String>,
}

impl<'a> UpdateContainerInstancesStateRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<UpdateContainerInstancesStateRequest<'a>, ApiError> {
        let status = request.required_str("status", "status").and_then(|status| match status {
            "ACTIVE" | "DRAINING" => Ok(status),
            other => Err(ApiError::invalid_parameter(format!("Container instances status should be one of [ACTIVE,DRAINING], but was {other}."))),
        });
        Ok(UpdateContainerInstancesStateRequest { cluster: cluster_member(request), status, container_instances: request.strings("containerInstances") })
    }
}

pub(super) struct DeregisterContainerInstanceRequest<'a> {
    pub cluster: &'a str,
    pub container_instance: Result<&'a str, ApiError>,
    pub force: bool,
}

impl<'a> DeregisterContainerInstanceRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<DeregisterContainerInstanceRequest<'a>, ApiError> {
        Ok(DeregisterContainerInstanceRequest {
            cluster: cluster_member(request),
            container_instance: request.required_str("containerInstance", "containerInstance"),
            force: request.bool("force").unwrap_or(false),
        })
    }
}

/// One attribute of PutAttributes or DeleteAttributes.
pub(super) struct Attribute<'a> {
    pub name: &'a str,
    pub value: Option<&'a str>,
    pub target_id: &'a str,
    /// The item as given, echoed in the answer.
    pub item: &'a Value,
}

pub(super) struct AttributesRequest<'a> {
    pub cluster: &'a str,
    /// `attributes`, refused when empty; each checked on its own (the ones before a bad one are applied).
    pub attributes: Result<Vec<Result<Attribute<'a>, ApiError>>, ApiError>,
}

impl<'a> AttributesRequest<'a> {
    /// `put`: PutAttributes (which may not set the `ecs.` attributes), or DeleteAttributes.
    pub(super) fn parse(request: &Request<'a>, put: bool) -> Result<AttributesRequest<'a>, ApiError> {
        let items = items(request, "attributes").unwrap_or_default();
        let attributes = if items.is_empty() {
            Err(ApiError::invalid_parameter("attributes can not be empty."))
        } else {
            Ok(items.iter().map(|item| Attribute::parse(item, put)).collect())
        };
        Ok(AttributesRequest { cluster: cluster_member(request), attributes })
    }
}

impl<'a> Attribute<'a> {
    fn parse(item: &Request<'a>, put: bool) -> Result<Attribute<'a>, ApiError> {
        let name = item.required_str("name", "name")?;
        let value = item.str("value");
        let valid_name = !name.is_empty() && name.len() <= 128 && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_/\\.".contains(c));
        if !valid_name {
            return Err(ApiError::invalid_parameter(format!(
                "Attribute name '{name}' is invalid: up to 128 letters, numbers, hyphens, underscores, forward slashes, back slashes, or periods."
            )));
        }
        if let Some(v) = value {
            let valid_value = !v.is_empty() && v.len() <= 128 && v.trim() == v && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_/\\.@: ".contains(c));
            if !valid_value {
                return Err(ApiError::invalid_parameter(format!("Attribute value '{v}' is invalid.")));
            }
        }
        if name.starts_with("ecs.") && put {
            return Err(ApiError::invalid_parameter(format!("Attribute name '{name}' is reserved for Amazon ECS.")));
        }
        let target_id = item.required_str("targetId", "targetId")?;
        Ok(Attribute { name, value, target_id, item: item.input() })
    }
}

// ---- faults (AWS FIS actions) ----

/// How an action picks among the resources its target finds (`selectionMode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Selection {
    All,
    Count(u64),
    Percent(u64),
}

impl Selection {
    fn parse(mode: &str) -> Result<Selection, ApiError> {
        let invalid = || ApiError::new("ValidationException", format!("Invalid selectionMode {mode}"));
        if mode == "ALL" {
            Ok(Selection::All)
        } else if let Some(k) = mode.strip_prefix("COUNT(").and_then(|s| s.strip_suffix(')')) {
            k.parse::<u64>().map(Selection::Count).map_err(|_| invalid())
        } else if let Some(p) = mode.strip_prefix("PERCENT(").and_then(|s| s.strip_suffix(')')) {
            p.parse::<u64>().map(Selection::Percent).map_err(|_| invalid())
        } else {
            Err(ApiError::new("ValidationException", format!("Invalid selectionMode {mode}: use ALL, COUNT(n) or PERCENT(n).")))
        }
    }

    /// How many of `n` resources to pick.
    pub(super) fn count_of(self, n: u64) -> u64 {
        match self {
            Selection::All => n,
            Selection::Count(k) => k.min(n),
            Selection::Percent(p) => (n * p.min(100)) / 100,
        }
    }
}

/// An experiment action's target.
pub(super) struct FisTarget<'a> {
    pub resource_arns: Vec<String>,
    /// `resourceTags`, when an object: the tags a resource must carry (a value that is not a string matches only
    /// a resource without that tag).
    pub resource_tags: Option<Vec<(&'a str, Option<&'a str>)>>,
    /// `filters`, when a list: each filter's path and values.
    pub filters: Option<Vec<(&'a str, Vec<String>)>>,
    pub selection: Result<Selection, ApiError>,
    /// The target's `parameters`: `cluster` and `service` (aws:ecs:stop-task), short names.
    pub cluster: Option<&'a str>,
    pub service: Option<&'a str>,
}

impl<'a> FisTarget<'a> {
    /// `targets.<name>`, or the first target of any name.
    pub(super) fn parse(request: &Request<'a>, name: &str) -> Result<FisTarget<'a>, ApiError> {
        let target = request
            .input()
            .get("targets")
            .and_then(|t| t.get(name).or_else(|| t.as_object().and_then(|m| m.values().next())))
            .ok_or_else(|| ApiError::new("ValidationException", format!("The action needs a target {name}.")))?;
        let target = Request::new(target, request.dialect());
        let parameters = target.input().get("parameters").map(|p| Request::new(p, request.dialect()));
        Ok(FisTarget {
            resource_arns: target.strings("resourceArns"),
            resource_tags: target.input().get("resourceTags").and_then(Value::as_object).map(|tags| tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()),
            filters: items(&target, "filters").map(|filters| filters.iter().map(|f| (f.str("path").unwrap_or(""), f.strings("values"))).collect()),
            selection: Selection::parse(target.str("selectionMode").unwrap_or("ALL")),
            cluster: parameters.and_then(|p| p.str("cluster")).map(short_name),
            service: parameters.and_then(|p| p.str("service")).map(short_name),
        })
    }

    /// Whether a resource with these tags and these filter fields (path, value) is a target.
    pub(super) fn matches(&self, tags: &crate::table::Table<String, String>, fields: &[(&str, &str)]) -> bool {
        let tags_match = self.resource_tags.as_ref().is_none_or(|wanted| wanted.iter().all(|(k, v)| tags.get(*k).map(String::as_str) == *v));
        let filters_match = self.filters.as_ref().is_none_or(|filters| {
            filters.iter().all(|(path, values)| match fields.iter().find(|(name, _)| name == path) {
                Some((_, actual)) => values.iter().any(|v| v == actual),
                None => false,
            })
        });
        tags_match && filters_match
    }
}

/// The action's `parameters.duration` (ISO 8601), ten minutes when absent.
fn fis_duration_ms(request: &Request<'_>) -> Result<u64, ApiError> {
    let parameters = request.input().get("parameters").map(|p| Request::new(p, request.dialect()));
    match parameters.and_then(|p| p.str("duration")) {
        Some(text) => {
            let duration_ms = crate::time::parse_iso8601_duration_ms(text).ok_or_else(|| ApiError::new("ValidationException", format!("Invalid duration {text}: use ISO 8601, e.g. PT10M.")))?;
            crate::time::check_sim_time_ms("parameters.duration", duration_ms).map_err(|e| ApiError::new("ValidationException", e))
        }
        None => Ok(600_000),
    }
}

/// `aws:ec2:send-spot-instance-interruptions` on the `SpotInstances` target.
pub(super) struct SpotInterruptionsRequest<'a> {
    pub target: FisTarget<'a>,
    /// `parameters.durationBeforeInterruption`: from the notice to the interruption.
    pub duration_before_ms: u64,
}

/// The shortest and longest `durationBeforeInterruption` FIS takes: 2 and 15 minutes (AWS FIS User Guide,
/// "Amazon EC2 actions", aws:ec2:send-spot-instance-interruptions).
pub(super) const SPOT_NOTICE_MIN_MS: u64 = 120_000;
pub(super) const SPOT_NOTICE_MAX_MS: u64 = 900_000;

impl<'a> SpotInterruptionsRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<SpotInterruptionsRequest<'a>, ApiError> {
        let target = FisTarget::parse(request, "SpotInstances")?;
        let text = request.input().get("parameters").and_then(|p| p.get("durationBeforeInterruption")).and_then(Value::as_str).unwrap_or("PT2M");
        let duration_before_ms = crate::time::parse_iso8601_duration_ms(text)
            .filter(|ms| (SPOT_NOTICE_MIN_MS..=SPOT_NOTICE_MAX_MS).contains(ms))
            .ok_or_else(|| ApiError::new("ValidationException", format!("Invalid durationBeforeInterruption {text}: use an ISO 8601 duration from PT2M to PT15M.")))?;
        Ok(SpotInterruptionsRequest { target, duration_before_ms })
    }
}

/// `aws:ecs:drain-container-instances`.
pub(super) struct DrainRequest<'a> {
    pub target: FisTarget<'a>,
    /// `parameters.drainagePercentage` (a number or a numeric string), 100 when absent.
    pub percentage: u64,
    pub duration_ms: u64,
}

impl<'a> DrainRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<DrainRequest<'a>, ApiError> {
        let target = FisTarget::parse(request, "Clusters")?;
        let percentage = request
            .input()
            .get("parameters")
            .and_then(|p| p.get("drainagePercentage"))
            .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
            .unwrap_or(100)
            .min(100);
        Ok(DrainRequest { target, percentage, duration_ms: fis_duration_ms(request)? })
    }
}

/// `aws:network:disrupt-connectivity` on subnets.
pub(super) struct DisruptConnectivityRequest {
    /// The `resourceArns` of the `Subnets` target, as subnet ids.
    pub subnet_ids: Vec<String>,
    /// The values of the target's `AvailabilityZone` filters.
    pub availability_zones: Vec<String>,
    pub duration_ms: Result<u64, ApiError>,
}

impl DisruptConnectivityRequest {
    pub(super) fn parse(request: &Request<'_>) -> Result<DisruptConnectivityRequest, ApiError> {
        let target = request.input().get("targets").and_then(|t| t.get("Subnets").or_else(|| t.as_object().and_then(|m| m.values().next())));
        let target = target.map(|t| Request::new(t, request.dialect()));
        let subnet_ids = target.map(|t| t.strings("resourceArns").iter().map(|a| short_name(a).to_string()).collect()).unwrap_or_default();
        let availability_zones = target
            .and_then(|t| items(&t, "filters"))
            .unwrap_or_default()
            .iter()
            .filter(|f| f.str("path") == Some("AvailabilityZone"))
            .flat_map(|f| f.strings("values"))
            .collect();
        Ok(DisruptConnectivityRequest { subnet_ids, availability_zones, duration_ms: fis_duration_ms(request) })
    }
}

// ---- the playground's own calls (`sim:`) ----

pub(super) struct ImageBehaviorRequest {
    pub image: String,
    pub behavior: ImageBehavior,
    /// `logMessage`: a line the container prints before it exits (its log, with `awslogs`).
    pub log_message: Option<String>,
    /// `onStop`: what the process does with the stop signal.
    pub on_stop: StopBehavior,
}

impl ImageBehaviorRequest {
    pub(super) fn parse(request: &Request<'_>) -> Result<ImageBehaviorRequest, ApiError> {
        let image = request.required_str("image", "image")?.to_string();
        let behavior = match request.str("behavior").unwrap_or("serve") {
            "serve" => match request.typed_str("healthEndpoint")? {
                Some(path) if !path.starts_with('/') => return Err(ApiError::invalid_parameter(format!("healthEndpoint '{path}' must be a path starting with /, e.g. /health."))),
                Some(path) => ImageBehavior::HealthEndpoint { path: path.to_string() },
                None => ImageBehavior::Serve,
            },
            "batchJob" => ImageBehavior::BatchJob { run_ms: run_for_ms(request)? },
            "exit" => ImageBehavior::Exit { exit_code: request.input().get("exitCode").and_then(Value::as_i64).unwrap_or(1), run_ms: run_for_ms(request)? },
            "pullError" => ImageBehavior::PullError {
                message: match (request.typed_str("message")?, request.typed_str("cause")?) {
                    (Some(message), _) => message.to_string(),
                    (None, None | Some("notFound")) => crate::vpc::image_not_found_text(&image),
                    (None, Some("diskFull")) => crate::vpc::DISK_FULL_TEXT.to_string(),
                    (None, Some(other)) => return Err(ApiError::invalid_parameter(format!("cause '{other}' is not one of notFound, diskFull."))),
                },
            },
            "unhealthy" => ImageBehavior::Unhealthy,
            "memoryGrowth" => ImageBehavior::MemoryGrowth {
                usage_mib: match request.input().get("memoryMiB").and_then(Value::as_u64) {
                    Some(mib) if (1..=u32::MAX as u64).contains(&mib) => mib as u32,
                    _ => return Err(ApiError::invalid_parameter("memoryMiB is required with memoryGrowth: the memory the container grows to, a whole number of MiB of at least 1.")),
                },
                after_ms: run_for_ms(request)?,
            },
            "slow" => ImageBehavior::Slow {
                extra_latency_ms: match request.input().get("extraLatencyMs") {
                    None | Some(Value::Null) => 2_000,
                    Some(value) => value
                        .as_u64()
                        .filter(|ms| (1..=MAX_EXTRA_LATENCY_MS).contains(ms))
                        .ok_or_else(|| ApiError::invalid_parameter(format!("extraLatencyMs must be a number of milliseconds from 1 to 600000 (ten minutes), not {value}.")))? as u32,
                },
            },
            other => return Err(ApiError::invalid_parameter(format!("behavior '{other}' is not one of serve, exit, batchJob, pullError, unhealthy, memoryGrowth, slow."))),
        };
        let on_stop = match request.typed_str("onStop")? {
            None => StopBehavior::Graceful,
            Some(text) => StopBehavior::parse(text)
                .ok_or_else(|| ApiError::invalid_parameter(format!("onStop '{text}' is not one of graceful, sigterm, ignore.")))?,
        };
        if let ImageBehavior::Exit { run_ms, .. } | ImageBehavior::MemoryGrowth { after_ms: run_ms, .. } | ImageBehavior::BatchJob { run_ms } = behavior {
            if run_ms < MIN_LIFECYCLE_MS {
                return Err(ApiError::invalid_parameter(format!("runFor: {}", too_short_text(run_ms))));
            }
        }
        let log_message = request.typed_str("logMessage")?.map(str::to_string);
        Ok(ImageBehaviorRequest { image, behavior, log_message, on_stop })
    }
}

/// `runFor`: a duration (`"50s"`) or seconds, 10 s when absent.
fn run_for_ms(request: &Request<'_>) -> Result<u64, ApiError> {
    Ok(match request.input().get("runFor") {
        Some(Value::String(s)) => crate::time::parse_duration_ms(s).map_err(|e| ApiError::invalid_parameter(format!("runFor: {e}")))?,
        Some(Value::Number(n)) => crate::time::seconds_to_sim_ms("runFor", n.as_u64().unwrap_or(0)).map_err(ApiError::invalid_parameter)?,
        _ => 10_000,
    })
}

/// The shortest lifecycle duration `sim:SetTimings` and `runFor` accept: every step of a task takes a second at
/// least, as it does on AWS, so a service whose containers crash at once replaces them a few times a minute and
/// a day of it stays a run of seconds (restart throttling does not apply to tasks that reached RUNNING).
pub(super) const MIN_LIFECYCLE_MS: u64 = 1_000;

fn too_short_text(ms: u64) -> String {
    format!("{ms} ms is shorter than 1s, the shortest step of a task's lifecycle the playground simulates.")
}

/// One of the lifecycle durations `sim:SetTimings` sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Timing {
    InstanceBoot,
    AgentRegistration,
    InstanceShutdown,
    EniAttach,
    FargateProvisioning,
    ImagePull,
    ContainerStart,
    ContainerStop,
    Deprovisioning,
}

/// `sim:SetTimings`: each member a duration (`"10s"`, or seconds as a number), in the order of their names.
/// The ones before a bad member are set.
pub(super) struct SetTimingsRequest {
    pub timings: Vec<Result<(Timing, u64), ApiError>>,
}

impl SetTimingsRequest {
    pub(super) fn parse(request: &Request<'_>) -> Result<SetTimingsRequest, ApiError> {
        let Some(map) = request.input().as_object() else { return Err(ApiError::invalid_parameter("timings must be an object")) };
        let timings = map
            .iter()
            .map(|(name, value)| {
                let ms = match value {
                    Value::String(s) => crate::time::parse_duration_ms(s).map_err(|e| ApiError::invalid_parameter(format!("{name}: {e}")))?,
                    Value::Number(n) => {
                        let secs = n.as_u64().ok_or_else(|| ApiError::invalid_parameter(format!("{name} must be a duration")))?;
                        crate::time::seconds_to_sim_ms(name, secs).map_err(ApiError::invalid_parameter)?
                    }
                    _ => return Err(ApiError::invalid_parameter(format!("{name} must be a duration such as \"10s\""))),
                };
                let timing = match name.as_str() {
                    "instanceBoot" => Timing::InstanceBoot,
                    "agentRegistration" => Timing::AgentRegistration,
                    "instanceShutdown" => Timing::InstanceShutdown,
                    "eniAttach" => Timing::EniAttach,
                    "fargateProvisioning" => Timing::FargateProvisioning,
                    "imagePull" => Timing::ImagePull,
                    "containerStart" => Timing::ContainerStart,
                    "containerStop" => Timing::ContainerStop,
                    "deprovisioning" => Timing::Deprovisioning,
                    other => return Err(ApiError::invalid_parameter(format!("Unknown timing '{other}'. Known: instanceBoot, agentRegistration, instanceShutdown, eniAttach, fargateProvisioning, imagePull, containerStart, containerStop, deprovisioning."))),
                };
                if ms < MIN_LIFECYCLE_MS {
                    return Err(ApiError::invalid_parameter(format!("{name}: {}", too_short_text(ms))));
                }
                Ok((timing, ms))
            })
            .collect();
        Ok(SetTimingsRequest { timings })
    }
}

/// The running tasks a `sim:` call acts in: one by id (or id prefix), or a service's.
pub(super) struct TaskSelector<'a> {
    pub cluster: &'a str,
    pub task: Option<&'a str>,
    pub service: Option<&'a str>,
}

impl<'a> TaskSelector<'a> {
    fn parse(request: &Request<'a>) -> TaskSelector<'a> {
        TaskSelector { cluster: cluster_member(request), task: request.str("task").map(short_name), service: request.str("service").map(short_name) }
    }
}

/// `sim:TaskCall`: the application in running tasks calls an AWS API.
pub(super) struct TaskCallRequest<'a> {
    pub tasks: TaskSelector<'a>,
    /// `action` as `service:Action`.
    pub action: Option<&'a str>,
    pub resource: &'a str,
}

impl<'a> TaskCallRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<TaskCallRequest<'a>, ApiError> {
        Ok(TaskCallRequest {
            tasks: TaskSelector::parse(request),
            action: request.str("action").filter(|a| a.contains(':')),
            resource: request.str("resource").unwrap_or("*"),
        })
    }
}

/// `sim:WriteFile` and `sim:ReadFile`.
pub(super) struct FileRequest<'a> {
    pub tasks: TaskSelector<'a>,
    pub source_volume: Option<&'a str>,
    pub path: Option<&'a str>,
    pub availability_zone: Option<&'a str>,
    /// What `sim:WriteFile` writes (empty when absent).
    pub content: &'a str,
}

impl<'a> FileRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<FileRequest<'a>, ApiError> {
        Ok(FileRequest {
            tasks: TaskSelector::parse(request),
            source_volume: request.str("sourceVolume").filter(|v| !v.is_empty()),
            path: request.str("path").filter(|p| !p.is_empty()),
            availability_zone: request.str("availabilityZone"),
            content: request.str("content").unwrap_or(""),
        })
    }
}

/// The most latency `sim:SetTargetBehavior` adds to a target's answers: ten minutes, longer than any health
/// check waits for an answer. More is refused, not cut down.
pub(super) const MAX_EXTRA_LATENCY_MS: u64 = 600_000;

/// `sim:SetTargetBehavior`: how the containers of running tasks answer their load balancer.
pub(super) struct TargetBehaviorRequest<'a> {
    pub tasks: TaskSelector<'a>,
    pub behavior: TargetBehavior,
}

impl<'a> TargetBehaviorRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<TargetBehaviorRequest<'a>, ApiError> {
        // A member given must be a whole number in its range; an absent one takes its default.
        let number_in = |name: &str, range: std::ops::RangeInclusive<u64>, default: u64, what: &str| -> Result<u64, ApiError> {
            match request.input().get(name) {
                None | Some(Value::Null) => Ok(default),
                Some(value) => value
                    .as_u64()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| ApiError::invalid_parameter(format!("{name} must be {what}, not {value}."))),
            }
        };
        let response_code = number_in("responseCode", 100..=599, 500, "an HTTP status code from 100 to 599")?;
        let extra_latency_ms = number_in("extraLatencyMs", 0..=MAX_EXTRA_LATENCY_MS, 0, "a number of milliseconds from 0 to 600000 (ten minutes)")?;
        Ok(TargetBehaviorRequest {
            tasks: TaskSelector::parse(request),
            behavior: TargetBehavior {
                healthy: request.bool("healthy").unwrap_or(true),
                response_code: response_code as u16,
                extra_latency_ms: extra_latency_ms as u32,
                timeout: request.bool("timeout").unwrap_or(false),
            },
        })
    }
}

/// `sim:SetLoad`: the requests a load balancer receives over time.
pub(super) struct SetLoadRequest<'a> {
    /// `loadBalancer` (or `loadBalancerArn`): an ARN or a name.
    pub load_balancer: &'a str,
    /// The load; `None` for the `stop` pattern.
    pub profile: Result<Option<LoadProfile>, ApiError>,
    /// The load in a few words, for the event log.
    pub description: String,
}

impl<'a> SetLoadRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<SetLoadRequest<'a>, ApiError> {
        Ok(SetLoadRequest {
            load_balancer: request.str("loadBalancer").or_else(|| request.str("loadBalancerArn")).unwrap_or(""),
            profile: load_profile(request),
            description: describe_load(request),
        })
    }
}

/// `sim:SetQueue`: a queue, the service that consumes it, and its rates.
pub(super) struct QueueRequest {
    pub queue_name: String,
    pub cluster: String,
    pub service: String,
    pub messages_per_minute: u64,
    pub messages_per_task_per_minute: u64,
}

impl QueueRequest {
    pub(super) fn parse(request: &Request<'_>) -> Result<QueueRequest, ApiError> {
        let queue_name = request.required_str("queueName", "queueName")?.to_string();
        // Amazon SQS: "Queue names are limited to 80 characters. Alphanumeric characters plus hyphens (-) and
        // underscores (_) are allowed."
        if queue_name.is_empty() || queue_name.len() > 80 || !queue_name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(ApiError::invalid_parameter("queueName: Queue names are limited to 80 characters. Alphanumeric characters plus hyphens (-) and underscores (_) are allowed."));
        }
        let rate = |name: &str| match request.input().get(name) {
            None | Some(Value::Null) => Ok(0),
            Some(v) => v.as_u64().filter(|n| *n <= 1_000_000).ok_or_else(|| ApiError::invalid_parameter(format!("{name} must be a whole number from 0 to 1000000."))),
        };
        Ok(QueueRequest {
            queue_name,
            cluster: request.required_str("cluster", "cluster")?.to_string(),
            service: request.required_str("service", "service")?.to_string(),
            messages_per_minute: rate("messagesPerMinute")?,
            messages_per_task_per_minute: rate("messagesPerTaskPerMinute")?,
        })
    }
}

/// A duration member of `sim:SetLoad`: `"5m"`, or seconds as a number.
fn duration_member(request: &Request<'_>, name: &str, default_ms: u64) -> Result<u64, ApiError> {
    match request.input().get(name) {
        None | Some(Value::Null) => Ok(default_ms),
        Some(Value::String(s)) => crate::time::parse_duration_ms(s).map_err(|e| ApiError::invalid_parameter(format!("{name}: {e}"))),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(secs) => crate::time::seconds_to_sim_ms(name, secs).map_err(ApiError::invalid_parameter),
            None => Err(ApiError::invalid_parameter(format!("{name} must be a duration"))),
        },
        Some(_) => Err(ApiError::invalid_parameter(format!("{name} must be a duration such as \"5m\""))),
    }
}

fn load_profile(request: &Request<'_>) -> Result<Option<LoadProfile>, ApiError> {
    let number = |name: &str, default: u64| -> u32 { request.input().get(name).and_then(Value::as_u64).unwrap_or(default).min(1_000_000) as u32 };
    let kind = match request.str("pattern").unwrap_or("constant") {
        "constant" => LoadShape::Constant { rps: number("requestsPerSecond", 100) },
        "ramp" => LoadShape::Ramp { from: number("from", 0), to: number("to", 100), over_ms: duration_member(request, "over", 600_000)? },
        "dailyCycle" => LoadShape::DailyCycle { min: number("min", 10), max: number("max", 100) },
        "spike" => {
            let at_ms = duration_member(request, "at", 0)?;
            LoadShape::Spike { base: number("base", 100), peak: number("peak", 1000), at_ms, duration_ms: duration_member(request, "duration", 300_000)? }
        }
        "stop" => return Ok(None),
        other => return Err(ApiError::invalid_parameter(format!("pattern '{other}' is not one of constant, ramp, dailyCycle, spike, stop."))),
    };
    let mix = items(request, "mix")
        .map(|items| {
            items
                .iter()
                .map(|m| (m.str("host").unwrap_or("").to_string(), m.str("path").unwrap_or("/").to_string(), m.input().get("weight").and_then(Value::as_u64).unwrap_or(1) as u32))
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(LoadProfile {
        kind,
        mix,
        websocket_fraction_per_mille: number("websocketPerMille", 0).min(1000),
        cpu_ms_per_request: number("cpuMsPerRequest", 10).max(1),
    }))
}

/// A one-line description of a `sim:SetLoad` input for the event log (its numbers as given).
fn describe_load(request: &Request<'_>) -> String {
    let member = |name: &str, default: Value| request.input().get(name).cloned().unwrap_or(default);
    match request.str("pattern").unwrap_or("constant") {
        "ramp" => format!("ramp from {} to {} requests/s", member("from", json!(0)), member("to", json!(100))),
        "dailyCycle" => format!("daily cycle between {} and {} requests/s", member("min", json!(10)), member("max", json!(100))),
        "spike" => format!("{} requests/s with a spike to {}", member("base", json!(100)), member("peak", json!(1000))),
        _ => format!("{} requests/s", member("requestsPerSecond", json!(100))),
    }
}

/// `sim:InterruptSpotTasks`: the two-minute warning to chosen FARGATE_SPOT tasks, or a standing rate.
pub(super) struct InterruptSpotTasksRequest<'a> {
    /// `percentPerHour`, when the member is there (even as null): a standing rate from 0 to 100.
    pub percent_per_hour: Option<Result<u32, ApiError>>,
    pub cluster: &'a str,
    pub service: Option<&'a str>,
    /// `tasks`, when a list: each a task id or ARN (as an id).
    pub tasks: Option<Vec<Result<&'a str, ApiError>>>,
    /// `count`, when the member is there (even as null): at least 1.
    pub count: Option<Result<u64, ApiError>>,
}

impl<'a> InterruptSpotTasksRequest<'a> {
    pub(super) fn parse(request: &Request<'a>) -> Result<InterruptSpotTasksRequest<'a>, ApiError> {
        let input = request.input();
        Ok(InterruptSpotTasksRequest {
            percent_per_hour: input.get("percentPerHour").map(|rate| {
                rate.as_u64().filter(|p| *p <= 100).map(|p| p as u32).ok_or_else(|| ApiError::invalid_parameter("percentPerHour must be a whole number from 0 to 100."))
            }),
            cluster: cluster_member(request),
            service: request.str("service").map(short_name),
            tasks: input.get("tasks").and_then(Value::as_array).map(|ids| {
                ids.iter().map(|id| id.as_str().map(short_name).ok_or_else(|| ApiError::invalid_parameter("tasks must be a list of task ids or ARNs."))).collect()
            }),
            count: input
                .get("count")
                .map(|count| count.as_u64().filter(|c| *c >= 1).ok_or_else(|| ApiError::invalid_parameter("count must be a whole number of at least 1."))),
        })
    }
}

/// `sim:SetFargateSpotCapacity`: whether the Region has Fargate Spot capacity.
/// `sim:SetInstanceFault`: `instanceId` (an EC2 instance id) and `fault` (`agentDisconnected`,
/// `dockerDaemonFailed`, or `none` to end it).
pub(super) struct InstanceFaultRequest {
    pub instance_id: String,
    pub fault: Option<InstanceFault>,
}

impl InstanceFaultRequest {
    pub(super) fn parse(request: &Request<'_>) -> Result<InstanceFaultRequest, ApiError> {
        let instance_id = request.required_str("instanceId", "instanceId")?.to_string();
        let fault = match request.typed_str("fault")? {
            Some("agentDisconnected") => Some(InstanceFault::AgentDisconnected),
            Some("dockerDaemonFailed") => Some(InstanceFault::DockerDaemonFailed),
            Some("none") => None,
            Some(other) => return Err(ApiError::invalid_parameter(format!("fault '{other}' is not one of agentDisconnected, dockerDaemonFailed, none."))),
            None => return Err(ApiError::invalid_parameter("fault can not be blank: give agentDisconnected, dockerDaemonFailed or none.")),
        };
        Ok(InstanceFaultRequest { instance_id, fault })
    }
}

pub(super) struct FargateSpotCapacityRequest {
    pub available: bool,
}

impl FargateSpotCapacityRequest {
    pub(super) fn parse(request: &Request<'_>) -> Result<FargateSpotCapacityRequest, ApiError> {
        if request.input().get("cluster").is_some() {
            return Err(ApiError::invalid_parameter("cluster is not taken: Fargate Spot capacity is set for the whole Region."));
        }
        let available = match request.input().get("available") {
            Some(Value::Bool(available)) => *available,
            None | Some(Value::Null) => return Err(ApiError::invalid_parameter("available can not be blank: give true or false.")),
            Some(_) => return Err(ApiError::invalid_parameter("available must be true or false.")),
        };
        Ok(FargateSpotCapacityRequest { available })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Dialect;

    fn ecs(input: &Value) -> Request<'_> {
        Request::new(input, Dialect::Ecs)
    }

    #[test]
    fn run_task_keeps_the_errors_checked_after_the_lookups() {
        let input = json!({ "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/demo", "count": 0, "launchType": "EC2",
            "capacityProviderStrategy": [{ "capacityProvider": "FARGATE" }], "placementStrategy": [{ "type": "bogus" }] });
        let request = RunTaskRequest::parse(&ecs(&input)).expect("RunTask's parse only reads");
        assert_eq!(request.cluster, "demo");
        assert_eq!(request.task_definition, "");
        assert_eq!(request.count.unwrap_err().message, "Count must be between 1 and 10.");
        assert!(request.capacity.unwrap_err().message.starts_with("Specifying both a launch type"));
        assert!(request.placement_strategy.unwrap_err().message.starts_with("Invalid placement strategy type 'bogus'"));
        assert_eq!(request.placement_constraints.unwrap(), vec![]);
        let count = json!({ "count": -1 });
        assert_eq!(RunTaskRequest::parse(&ecs(&count)).unwrap().count.unwrap_err().message, "count must be an integer.");
    }

    #[test]
    fn capacity_choice_reads_an_empty_strategy_as_none_and_a_non_string_launch_type_as_ec2() {
        let choice = |input: Value| capacity_choice(&ecs(&input)).map(|c| format!("{c:?}"));
        assert_eq!(choice(json!({ "capacityProviderStrategy": [] })).unwrap(), "ClusterDefault");
        assert_eq!(choice(json!({ "launchType": 3 })).unwrap(), "LaunchType(Ec2)");
        assert_eq!(choice(json!({ "launchType": null, "capacityProviderStrategy": [{}] })).unwrap(), "Strategy(Array [Object {}])");
        assert!(choice(json!({ "launchType": "BOGUS" })).unwrap_err().message.contains("Member must satisfy enum value set"));
    }

    #[test]
    fn network_configuration_is_there_even_when_null() {
        let given = |input: Value| NetworkConfiguration::parse(&ecs(&input)).awsvpc;
        assert_eq!(given(json!({})), None);
        assert_eq!(given(json!({ "networkConfiguration": { "awsvpcConfiguration": null } })), Some(AwsVpcConfiguration { subnets: vec![], security_groups: vec![], assign_public_ip: false }));
        let config = given(json!({ "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["a", 1, "b"], "securityGroups": ["sg"] } } })).unwrap();
        assert_eq!((config.subnets, config.security_groups), (vec!["a".to_string(), "b".to_string()], vec!["sg".to_string()]));
    }

    #[test]
    fn attributes_are_checked_one_by_one() {
        let input = json!({ "attributes": [{ "name": "stack", "value": "prod", "targetId": "ci" }, { "name": "ecs.x", "targetId": "ci" }, 7] });
        let request = AttributesRequest::parse(&ecs(&input), true).unwrap();
        let attributes = request.attributes.unwrap();
        assert_eq!(attributes[0].as_ref().map(|a| (a.name, a.value, a.target_id)).unwrap(), ("stack", Some("prod"), "ci"));
        assert_eq!(attributes[1].as_ref().err().unwrap().message, "Attribute name 'ecs.x' is reserved for Amazon ECS.");
        assert_eq!(attributes[2].as_ref().err().unwrap().message, "name can not be blank.");
        let none = json!({ "attributes": "x" });
        assert_eq!(AttributesRequest::parse(&ecs(&none), false).unwrap().attributes.err().unwrap().message, "attributes can not be empty.");
    }

    #[test]
    fn set_timings_reads_every_member_in_name_order() {
        let input = json!({ "imagePull": "5s", "bogus": "1s", "containerStart": 2, "zzz": true });
        let timings = SetTimingsRequest::parse(&ecs(&input)).unwrap().timings;
        let shown: Vec<String> = timings.iter().map(|t| match t {
            Ok((timing, ms)) => format!("{timing:?} {ms}"),
            Err(e) => e.message.clone(),
        }).collect();
        assert_eq!(shown[0], "Unknown timing 'bogus'. Known: instanceBoot, agentRegistration, instanceShutdown, eniAttach, fargateProvisioning, imagePull, containerStart, containerStop, deprovisioning.");
        assert_eq!(shown[1..3], ["ContainerStart 2000".to_string(), "ImagePull 5000".to_string()]);
        assert_eq!(shown[3], "zzz must be a duration such as \"10s\"");
    }

    #[test]
    fn fis_targets_read_tags_filters_and_selection() {
        let input = json!({ "targets": { "Instances": { "resourceTags": { "env": "prod", "n": 1 }, "filters": [{ "path": "InstanceType", "values": ["m5.large"] }], "selectionMode": "PERCENT(50)" } } });
        let target = FisTarget::parse(&ecs(&input), "Instances").unwrap();
        assert_eq!(target.selection.as_ref().ok().map(|s| s.count_of(5)), Some(2));
        let mut tags = crate::table::Table::new();
        tags.insert("env".to_string(), "prod".to_string());
        assert!(target.matches(&tags, &[("InstanceType", "m5.large")]));
        assert!(!target.matches(&tags, &[("InstanceType", "m5.xlarge")]));
        tags.insert("n".to_string(), "1".to_string());
        assert!(!target.matches(&tags, &[("InstanceType", "m5.large")]), "a tag value that is not a string matches only a resource without the tag");
        let input = json!({ "targets": { "Instances": { "filters": [{ "path": "InstanceType", "values": ["m5.large"] }, 3], "selectionMode": "COUNT(x)" } } });
        let target = FisTarget::parse(&ecs(&input), "Instances").unwrap();
        assert!(!target.matches(&tags, &[("InstanceType", "m5.large")]), "a filter that is not an object matches nothing");
        assert_eq!(target.selection.unwrap_err().message, "Invalid selectionMode COUNT(x)");
        assert_eq!(FisTarget::parse(&ecs(&json!({})), "Tasks").err().unwrap().message, "The action needs a target Tasks.");
    }
}
