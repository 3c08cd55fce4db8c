//! Template import: a CloudFormation template becomes a scenario whose run creates its resources; an export
//! imported again gives back the same resources; what the playground cannot create is refused by logical id and
//! line, with no scenario made.

use ecs_sim::export::{self, TemplateFormat};
use ecs_sim::scenario::{parse_scenario, BUILTIN_SCENARIOS};
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::{json, Value};

fn run_steps(scn: &ecs_sim::scenario::Scenario) -> Sim {
    let last = scn.steps.iter().map(|s| s.at_ms).max().unwrap_or(0);
    let mut sim = Sim::new(scn, None);
    advance(&mut sim, ecs_sim::time::SimTime(last + 1000));
    sim
}

fn template_of(sim: &Sim) -> Value {
    let mut template: Value = serde_json::from_str(&export::cloudformation(sim, TemplateFormat::Json)).expect("JSON");
    template.as_object_mut().expect("object").remove("Description");
    // A parameter's description names the subnet's CIDR block in the playground; a template does not carry
    // it (the subnet is a parameter), so an imported run gives its subnets blocks of its own.
    if let Some(parameters) = template.get_mut("Parameters").and_then(Value::as_object_mut) {
        for parameter in parameters.values_mut() {
            if let Some(description) = parameter.get_mut("Description") {
                if let Some(text) = description.as_str() {
                    *description = json!(text.split(" (").next().unwrap_or(text));
                }
            }
        }
    }
    template
}

#[test]
fn every_builtin_export_imported_again_gives_back_the_same_resources() {
    for (id, _) in BUILTIN_SCENARIOS {
        let original = run_steps(&scenario(id));
        for format in [TemplateFormat::Json, TemplateFormat::Yaml] {
            let text = export::cloudformation(&original, format);
            let imported = export::import_template(&text, id).unwrap_or_else(|e| panic!("{id} ({format:?}): the export does not import: {e:?}"));
            let imported = parse_scenario(&imported).unwrap_or_else(|e| panic!("{id} ({format:?}): the import is not a valid scenario: {e:?}"));
            let again = run_steps(&imported);
            let refused: Vec<_> = again.log().iter().filter(|e| e.kind == ecs_sim::sim::LogKind::Error).map(|e| format!("{}: {}", e.subject, e.message)).collect();
            assert!(refused.is_empty(), "{id} ({format:?}): the imported scenario's calls were refused: {refused:?}");
            assert_eq!(template_of(&again), template_of(&original), "{id} ({format:?}): the round trip changed the resources");
        }
    }
}

#[test]
fn a_round_trip_gives_the_same_describe_outputs_ids_aside() {
    let original = run_steps(&scenario("alb-path-routing"));
    let imported = export::import_template(&export::cloudformation(&original, TemplateFormat::Json), "rt").expect("imports");
    let mut again = run_steps(&parse_scenario(&imported).expect("scenario"));
    let mut original = original;
    let describe = |sim: &mut Sim| {
        let services = sim.call("ecs:DescribeServices", json!({ "cluster": "demo", "services": ["web", "api"] })).expect("describe");
        let groups = sim.call("elasticloadbalancing:DescribeTargetGroups", json!({})).expect("describe");
        let mut out = Vec::new();
        for s in services["services"].as_array().expect("services") {
            out.push(json!([s["serviceName"], s["desiredCount"], s["launchType"], s["loadBalancers"][0]["containerName"], s["loadBalancers"][0]["containerPort"],
                            s["networkConfiguration"], s["healthCheckGracePeriodSeconds"]]));
        }
        for g in groups["TargetGroups"].as_array().expect("groups") {
            out.push(json!([g["TargetGroupName"], g["Port"], g["Protocol"], g["TargetType"], g["HealthCheckPath"], g["HealthCheckIntervalSeconds"], g["HealthyThresholdCount"]]));
        }
        out
    };
    assert_eq!(describe(&mut again), describe(&mut original));
}

#[test]
fn an_aws_style_template_with_parameters_conditions_and_intrinsics_runs() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/templates/ecs-service-with-alb.json")).expect("fixture");
    let doc = export::import_template(&text, "alb").expect("imports");
    let calls: Vec<&str> = doc["steps"].as_array().expect("steps").iter().map(|s| s["call"].as_str().expect("call")).collect();
    // Dependency order: the listener before the service that depends on it, the target before its policy.
    let at = |c: &str| calls.iter().position(|x| *x == c).unwrap_or_else(|| panic!("{c} in {calls:?}"));
    assert!(at("elasticloadbalancing:CreateListener") < at("ecs:CreateService"));
    assert!(at("application-autoscaling:RegisterScalableTarget") < at("application-autoscaling:PutScalingPolicy"));
    let scn = parse_scenario(&doc).expect("a valid scenario");
    let mut sim = run_steps(&scn);
    let services = sim.call("ecs:DescribeServices", json!({ "cluster": "playground-cluster", "services": ["web"] })).expect("describe");
    let service = &services["services"][0];
    assert_eq!(service["desiredCount"], 3, "Fn::If on the IsProd condition");
    assert_eq!(service["loadBalancers"][0]["containerPort"], 80, "the Parameter's default");
    let policies = sim.call("application-autoscaling:DescribeScalingPolicies", json!({ "ServiceNamespace": "ecs" })).expect("describe");
    assert_eq!(policies["ScalingPolicies"][0]["ResourceId"], "service/playground-cluster/web", "Fn::Join of a Ref and a GetAtt");
    let lbs = sim.call("elasticloadbalancing:DescribeLoadBalancers", json!({})).expect("describe");
    assert_eq!(lbs["LoadBalancers"][0]["LoadBalancerName"], "web-alb");
}

#[test]
fn an_unsupported_type_or_function_is_refused_by_logical_id_and_line_and_nothing_is_made() {
    let text = r#"{
  "Resources": {
    "Cluster": { "Type": "AWS::ECS::Cluster", "Properties": { "ClusterName": "demo" } },
    "Queue": { "Type": "AWS::SQS::Queue", "Properties": {} },
    "Td": { "Type": "AWS::ECS::TaskDefinition", "Properties": { "Family": { "Fn::ImportValue": "shared-family" } } },
    "Svc": { "Type": "AWS::ECS::Service", "Properties": { "Cluster": { "Ref": "Missing" } } }
  }
}"#;
    let errors = export::import_template(text, "bad").expect_err("refused");
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].starts_with("Resources.Queue (line 4): the resource type AWS::SQS::Queue is not supported"), "{errors:?}");
    assert!(errors.iter().any(|e| e == "Resources.Td (line 5): the intrinsic function Fn::ImportValue is not supported"), "{errors:?}");
    assert!(errors.iter().any(|e| e == "Resources.Svc (line 6): Ref Missing: no Parameter or resource has that name"), "{errors:?}");
    let no_default = r#"{ "Parameters": { "Env": { "Type": "String" } }, "Resources": { "C": { "Type": "AWS::ECS::Cluster" } } }"#;
    assert_eq!(export::import_template(no_default, "p").expect_err("refused"), vec!["Parameters.Env (line 1): the Parameter has no Default, and the playground cannot ask for it"]);
    assert!(export::import_template("not json", "x").is_err());
}

/// Imports a fixture of tests/data/templates and runs it `minutes` past its steps; no call may be refused.
fn import_fixture(name: &str, minutes: u64) -> Sim {
    let text = std::fs::read_to_string(format!("{}/data/templates/{name}.json", env!("CARGO_MANIFEST_DIR"))).expect("fixture");
    let scn = parse_scenario(&export::import_template(&text, name).expect("imports")).expect("a valid scenario");
    let mut sim = Sim::new(&scn, None);
    advance(&mut sim, ecs_sim::time::SimTime(minutes * 60_000));
    let refused: Vec<_> = sim.log().iter().filter(|e| e.kind == ecs_sim::sim::LogKind::Error).map(|e| format!("{}: {}", e.subject, e.message)).collect();
    assert!(refused.is_empty(), "{name}: calls were refused: {refused:?}");
    sim
}

#[test]
fn a_fargate_service_with_efs_template_mounts_its_access_point() {
    let mut sim = import_fixture("fargate-with-efs", 5);
    let tasks = sim.call("ecs:ListTasks", json!({ "cluster": "efs-demo", "desiredStatus": "RUNNING" })).expect("list");
    assert_eq!(tasks["taskArns"].as_array().map(Vec::len), Some(2), "both tasks run with the volume mounted");
    let aps = sim.call("efs:DescribeAccessPoints", json!({})).expect("describe");
    assert_eq!(aps["AccessPoints"][0]["PosixUser"]["Uid"], 1000, "the template's string uid is a number in the API");
}

#[test]
fn a_capacity_provider_template_scales_its_group_for_the_service() {
    let mut sim = import_fixture("capacity-providers", 15);
    let providers = sim.call("ecs:DescribeCapacityProviders", json!({})).expect("describe");
    let ours = providers["capacityProviders"].as_array().expect("list").iter().find(|p| p["autoScalingGroupProvider"].is_object()).expect("the provider");
    assert!(ours["autoScalingGroupProvider"]["autoScalingGroupArn"].as_str().is_some_and(|a| a.starts_with("arn:aws:autoscaling:")), "the group's ARN, from its name");
    let services = sim.call("ecs:DescribeServices", json!({ "cluster": "cp-demo", "services": ["Service"] })).expect("describe");
    assert_eq!(services["services"][0]["runningCount"], 4, "managed scaling launched the instances the tasks need");
}

#[test]
fn a_yaml_template_with_short_tags_comments_and_block_scalars_imports() {
    let text = r##"AWSTemplateFormatVersion: 2010-09-09
Description: A Fargate service, as AWS's samples write it in YAML.
Parameters:
  SubnetA:
    Type: AWS::EC2::Subnet::Id
  Stage: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  # The cluster.
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: !Sub '${Stage}-cluster'
  TaskDef:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      Cpu: '256'
      Memory: '512'
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions:
      - Name: web
        Image: public.ecr.aws/nginx/nginx:1.27
        Essential: true
        Command:
          - sh
          - -c
          - |
            echo "# not a comment"
            nginx -g 'daemon off;'
  Service:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      ServiceName: web
      TaskDefinition: !Ref TaskDef
      LaunchType: FARGATE
      DesiredCount: !If [IsProd, 4, 1]
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets:
          - !Ref SubnetA
  Queue:
    Type: AWS::SQS::Queue
"##;
    let errors = export::import_template(text, "yaml").expect_err("the queue is refused");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("Resources.Queue (line 45): the resource type AWS::SQS::Queue is not supported"), "{errors:?}");
    let text = text.split("  Queue:").next().expect("before the queue");
    let scn = parse_scenario(&export::import_template(text, "yaml").expect("imports")).expect("scenario");
    let mut sim = run_steps(&scn);
    let services = sim.call("ecs:DescribeServices", json!({ "cluster": "dev-cluster", "services": ["web"] })).expect("describe");
    assert_eq!(services["services"][0]["desiredCount"], 1);
    let td = sim.call("ecs:DescribeTaskDefinition", json!({ "taskDefinition": "web" })).expect("describe");
    assert_eq!(td["taskDefinition"]["containerDefinitions"][0]["command"][2], "echo \"# not a comment\"\nnginx -g 'daemon off;'\n");
}

/// The scenario of `tests/data/export/`: the services beyond ECS, each made by its call.
fn integrations_scenario() -> ecs_sim::scenario::Scenario {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/export/integrations.json")).expect("fixture");
    parse_scenario(&serde_json::from_str(&text).expect("JSON")).expect("a valid scenario")
}

#[test]
fn the_integrations_export_imported_again_gives_back_the_same_resources() {
    let original = run_steps(&integrations_scenario());
    let exported = template_of(&original);
    let types: Vec<&str> = exported["Resources"].as_object().expect("Resources").values().filter_map(|r| r["Type"].as_str()).collect();
    for type_name in ["AWS::Logs::LogGroup", "AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::DynamoDB::Table", "AWS::RDS::DBSubnetGroup", "AWS::RDS::DBInstance",
                      "AWS::StepFunctions::StateMachine", "AWS::Events::Rule", "AWS::CloudWatch::Alarm"] {
        assert!(types.contains(&type_name), "the export holds a {type_name}: {types:?}");
    }
    for format in [TemplateFormat::Json, TemplateFormat::Yaml] {
        let text = export::cloudformation(&original, format);
        let imported = export::import_template(&text, "integrations").unwrap_or_else(|e| panic!("({format:?}) the export does not import: {e:?}"));
        let again = run_steps(&parse_scenario(&imported).expect("a valid scenario"));
        let refused: Vec<_> = again.log().iter().filter(|e| e.kind == ecs_sim::sim::LogKind::Error).map(|e| format!("{}: {}", e.subject, e.message)).collect();
        assert!(refused.is_empty(), "({format:?}) the imported scenario's calls were refused: {refused:?}");
        assert_eq!(template_of(&again), exported, "({format:?}) the round trip changed the resources");
    }
}

#[test]
fn the_vpc_built_by_calls_round_trips_with_its_describe_outputs() {
    let original = run_steps(&scenario("vpc-built-by-calls"));
    let text = export::cloudformation(&original, TemplateFormat::Yaml);
    let imported = export::import_template(&text, "vpc").expect("imports");
    let calls: Vec<&str> = imported["steps"].as_array().expect("steps").iter().map(|s| s["call"].as_str().expect("call")).collect();
    let at = |c: &str| calls.iter().position(|x| *x == c).unwrap_or_else(|| panic!("{c} in {calls:?}"));
    // The route to the internet gateway waits for the gateway's attachment.
    assert!(at("ec2:AttachInternetGateway") < at("ec2:CreateRoute"));
    assert!(at("ec2:AllocateAddress") < at("ec2:CreateNatGateway"));
    let mut again = run_steps(&parse_scenario(&imported).expect("scenario"));
    let mut original = original;
    let describe = |sim: &mut Sim| {
        let mut out = Vec::new();
        let subnets = sim.call("ec2:DescribeSubnets", json!({})).expect("subnets");
        for s in subnets["Subnets"].as_array().expect("Subnets") {
            out.push(json!([s["CidrBlock"], s["AvailabilityZone"], s["MapPublicIpOnLaunch"]]));
        }
        let tables = sim.call("ec2:DescribeRouteTables", json!({})).expect("route tables");
        for t in tables["RouteTables"].as_array().expect("RouteTables") {
            let mut routes: Vec<String> = t["Routes"].as_array().into_iter().flatten()
                .map(|r| format!("{} {}", r["DestinationCidrBlock"].as_str().or(r["DestinationPrefixListId"].as_str()).unwrap_or(""),
                                 ["GatewayId", "NatGatewayId"].iter().find_map(|k| r[*k].as_str()).map(|g| g.split('-').next().unwrap_or("").to_string()).unwrap_or_default()))
                .collect();
            routes.sort();
            out.push(json!([routes, t["Associations"].as_array().map(Vec::len)]));
        }
        let groups = sim.call("ec2:DescribeSecurityGroups", json!({})).expect("groups");
        for g in groups["SecurityGroups"].as_array().expect("SecurityGroups") {
            out.push(json!([g["GroupName"], g["IpPermissions"].as_array().map(Vec::len), g["IpPermissionsEgress"].as_array().map(Vec::len)]));
        }
        out.sort_by_key(|v| v.to_string());
        out
    };
    assert_eq!(describe(&mut again), describe(&mut original));
}
