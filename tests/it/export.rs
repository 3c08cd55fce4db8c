//! The exports to real AWS: the CloudFormation template of the account as it stands (resources, `Ref` and
//! `Fn::GetAtt` in place of ids, `DependsOn`, Parameters) and the AWS CLI script of the run's calls.

use ecs_sim::export::{self, TemplateFormat};
use ecs_sim::scenario::BUILTIN_SCENARIOS;
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::{json, Value};

/// The template of `sim` as JSON.
fn template(sim: &Sim) -> Value {
    serde_json::from_str(&export::cloudformation(sim, TemplateFormat::Json)).expect("the JSON template parses")
}

/// Every `Ref` and the resource of every `Fn::GetAtt` in `value`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("Ref") {
                out.push(id.clone());
            }
            if let Some(Value::String(id)) = map.get("Fn::GetAtt").and_then(|a| a.get(0)) {
                out.push(id.clone());
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// The run of a built-in scenario until its last step ran.
fn run_steps(id: &str) -> Sim {
    let scn = scenario(id);
    let last = scn.steps.iter().map(|s| s.at_ms).max().unwrap_or(0);
    let mut sim = Sim::new(&scn, None);
    advance(&mut sim, ecs_sim::time::SimTime(last));
    sim
}

fn resources_of_type<'a>(template: &'a Value, type_name: &str) -> Vec<(&'a String, &'a Value)> {
    template["Resources"].as_object().expect("Resources").iter().filter(|(_, r)| r["Type"] == type_name).collect()
}

#[test]
fn every_builtin_export_refers_only_to_what_it_declares_and_names_no_account() {
    for (id, _) in BUILTIN_SCENARIOS {
        let sim = run_steps(id);
        let template = template(&sim);
        let resources = template["Resources"].as_object().unwrap_or_else(|| panic!("{id}: Resources"));
        assert!(!resources.is_empty(), "{id}: the template has resources");
        let parameters: Vec<&String> = template["Parameters"].as_object().map(|p| p.keys().collect()).unwrap_or_default();
        let mut refs = Vec::new();
        references(&template["Resources"], &mut refs);
        for r in &refs {
            assert!(resources.contains_key(r) || parameters.contains(&r) || r.starts_with("AWS::"), "{id}: {r} is referenced but not declared");
        }
        for p in &parameters {
            assert!(refs.contains(p), "{id}: Parameter {p} is declared but never used");
        }
        let text = export::cloudformation(&sim, TemplateFormat::Yaml);
        assert!(!text.contains("123456789012"), "{id}: the playground's account id is left in the template");
        assert!(!text.contains("vpc-main") || text.contains("playground calls vpc-main"), "{id}: a literal VPC id is left in the template");
        // The YAML and the JSON hold the same resources.
        for logical_id in resources.keys() {
            assert!(text.contains(&format!("\n  {logical_id}:\n")), "{id}: {logical_id} is missing from the YAML");
        }
    }
}

#[test]
fn a_service_on_a_target_group_waits_for_its_listener_and_rule() {
    let template = template(&run_steps("alb-path-routing"));
    let services = resources_of_type(&template, "AWS::ECS::Service");
    assert_eq!(services.len(), 2);
    let web = &template["Resources"]["DemoWebService"];
    assert_eq!(web["DependsOn"], json!(["ShopAlb80Listener"]));
    assert_eq!(web["Properties"]["LoadBalancers"][0]["TargetGroupArn"], json!({ "Ref": "WebTgTargetGroup" }));
    assert_eq!(web["Properties"]["Cluster"], json!({ "Ref": "DemoCluster" }));
    assert_eq!(web["Properties"]["TaskDefinition"], json!({ "Ref": "WebTaskDefinition" }));
    assert_eq!(web["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"], json!([{ "Ref": "SubnetA" }, { "Ref": "SubnetB" }]));
    assert_eq!(template["Resources"]["DemoApiService"]["DependsOn"], json!(["ShopAlb80Rule10ListenerRule"]));
    assert_eq!(template["Resources"]["ShopAlb80Rule10ListenerRule"]["Properties"]["ListenerArn"], json!({ "Ref": "ShopAlb80Listener" }));
    assert_eq!(template["Parameters"]["VpcId"]["Type"], "AWS::EC2::VPC::Id");
}

#[test]
fn capacity_providers_asg_and_launch_template_are_wired_by_reference() {
    let template = template(&run_steps("managed-scaling-growth"));
    let r = &template["Resources"];
    assert_eq!(r["WorkersCpCapacityProvider"]["Properties"]["AutoScalingGroupProvider"]["AutoScalingGroupArn"], json!({ "Ref": "EcsAsgAutoScalingGroup" }));
    assert_eq!(r["EcsAsgAutoScalingGroup"]["Properties"]["LaunchTemplate"]["Version"], json!({ "Fn::GetAtt": ["EcsM5LaunchTemplate", "LatestVersionNumber"] }));
    assert_eq!(r["EcsAsgAutoScalingGroup"]["Properties"]["MaxSize"], "10", "CloudFormation takes the sizes as strings");
    assert_eq!(r["EcsM5LaunchTemplate"]["Properties"]["LaunchTemplateData"]["ImageId"], json!({ "Ref": "ImageId" }));
    assert_eq!(template["Parameters"]["ImageId"]["Default"], "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
    assert_eq!(r["DemoCapacityProviderAssociations"]["Properties"]["CapacityProviders"], json!([{ "Ref": "WorkersCpCapacityProvider" }]));
    // The service has no launch type: it uses the cluster's default strategy, so it waits for the association.
    assert_eq!(r["DemoWorkerService"]["DependsOn"], json!(["DemoCapacityProviderAssociations"]));
}

#[test]
fn efs_volumes_refer_to_the_file_system_and_access_point_and_the_service_waits_for_mount_targets() {
    let template = template(&run_steps("wordpress-efs"));
    let r = template["Resources"].as_object().expect("Resources");
    let (fs_id, _) = resources_of_type(&template, "AWS::EFS::FileSystem")[0];
    let (ap_id, _) = resources_of_type(&template, "AWS::EFS::AccessPoint")[0];
    let mount_targets: Vec<String> = resources_of_type(&template, "AWS::EFS::MountTarget").into_iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(mount_targets.len(), 2);
    let (_, td) = resources_of_type(&template, "AWS::ECS::TaskDefinition")[0];
    let efs = &td["Properties"]["Volumes"][0]["EFSVolumeConfiguration"];
    assert_eq!(efs["FilesystemId"], json!({ "Ref": fs_id }));
    assert_eq!(efs["AuthorizationConfig"]["AccessPointId"], json!({ "Ref": ap_id }));
    let (_, service) = resources_of_type(&template, "AWS::ECS::Service")[0];
    let depends: Vec<String> = serde_json::from_value(service["DependsOn"].clone()).expect("DependsOn");
    for mt in &mount_targets {
        assert!(depends.contains(mt), "the service waits for {mt}");
    }
    assert!(r.values().all(|v| v["Properties"].get("TaskDefinitionArn").is_none()));
}

#[test]
fn the_template_is_the_account_as_it_stands() {
    let mut sim = run_steps("alb-path-routing");
    sim.call("ecs:DeleteService", json!({ "cluster": "demo", "service": "api", "force": true })).expect("DeleteService");
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": 5 })).expect("UpdateService");
    sim.call("ecs:RegisterTaskDefinition", json!({ "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024",
        "containerDefinitions": [ { "name": "web", "image": "nginx:2", "essential": true, "portMappings": [ { "containerPort": 8080 } ] } ] })).expect("register");
    // A refused call changes nothing.
    assert!(sim.call("ecs:DeleteCluster", json!({ "cluster": "nope" })).is_err());
    let template = template(&sim);
    let r = &template["Resources"];
    assert!(r.get("DemoApiService").is_none(), "a deleted service is not exported");
    assert_eq!(r["DemoWebService"]["Properties"]["DesiredCount"], 5);
    assert_eq!(r["WebTaskDefinition"]["Properties"]["Cpu"], "512", "the family's newest revision");
    assert_eq!(r["WebTaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Image"], "nginx:2");
    assert!(r.get("DemoCluster").is_some());
}

#[test]
fn describe_task_definition_output_becomes_register_input() {
    let sim = run_steps("alb-path-routing");
    let mut s2 = Sim::new(sim.scenario(), None);
    advance(&mut s2, t("1s"));
    let described = s2.call("ecs:DescribeTaskDefinition", json!({ "taskDefinition": "web:1", "include": ["TAGS"] })).expect("describe");
    let input = export::register_task_definition_input(&described);
    for member in ["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy"] {
        assert!(input.get(member).is_none(), "{member} is read-only");
    }
    assert_eq!(input["family"], "web");
    assert_eq!(input["containerDefinitions"][0]["name"], "web");
    // The sim takes it back as it is, and registers revision 2.
    let answer = s2.call("ecs:RegisterTaskDefinition", input).expect("the export registers");
    assert_eq!(answer["taskDefinition"]["revision"], 2);
}

#[test]
fn the_cli_script_captures_generated_arns_for_later_calls() {
    let sim = run_steps("alb-path-routing");
    let script = export::cli_script(&sim);
    assert!(script.starts_with("#!/usr/bin/env bash\n"));
    assert!(script.contains("LOAD_BALANCER_ARN_1=$(aws elbv2 create-load-balancer --cli-input-json \"file://$inputs/002-create-load-balancer.json\" --query 'LoadBalancers[0].LoadBalancerArn' --output text)"));
    assert!(script.contains("\"LoadBalancerArn\": \"${LOAD_BALANCER_ARN_1}\""), "the listener reads the captured ARN");
    assert!(script.contains("\"ListenerArn\": \"${LISTENER_ARN_1}\""), "the rule reads the captured listener ARN");
    assert!(script.contains("\"targetGroupArn\": \"${TARGET_GROUP_ARN_1}\""), "the service reads the captured target group ARN");
    assert!(script.contains("\"Subnets\": [\n    \"${SUBNET_A}\",\n    \"${SUBNET_B}\"\n  ]"));
    assert!(!script.contains("arn:aws:"), "no ARN of the playground's account is left");
    assert!(script.contains("# 2m: sim:SetLoad is not an AWS API call"), "the playground's own calls are comments");
    assert_eq!(script.matches("\naws ").count() + script.matches("=$(aws elbv2").count(), 10, "one command per AWS call");
}

#[test]
fn the_cli_script_escapes_what_the_shell_would_read() {
    let sim = run_steps("least-privilege-task-role");
    let script = export::cli_script(&sim);
    // IAM takes policy documents as JSON strings: their quotes survive the here-document as JSON escapes.
    assert!(script.contains("\"AssumeRolePolicyDocument\": \"{\\\\\"Version\\\\\""), "{script}");
    assert!(script.contains("${ACCOUNT_ID}"));
}

#[test]
fn a_vpc_built_by_calls_is_exported_as_its_resources_with_the_dependencies_aws_needs() {
    let template = template(&run_steps("vpc-built-by-calls"));
    let r = &template["Resources"];
    assert!(template.get("Parameters").is_none(), "every network id is a resource of the template: {}", template["Parameters"]);
    let (vpc, _) = resources_of_type(&template, "AWS::EC2::VPC")[0];
    let (attachment, _) = resources_of_type(&template, "AWS::EC2::VPCGatewayAttachment")[0];
    let routes = resources_of_type(&template, "AWS::EC2::Route");
    assert_eq!(routes.len(), 2);
    let to_igw = routes.iter().find(|(_, r)| r["Properties"].get("GatewayId").is_some()).expect("the public route");
    assert_eq!(to_igw.1["DependsOn"], json!([attachment]), "a route to an internet gateway waits for its attachment");
    let (eip, eip_resource) = resources_of_type(&template, "AWS::EC2::EIP")[0];
    assert_eq!(eip_resource["DependsOn"], json!([attachment]));
    let (_, nat) = resources_of_type(&template, "AWS::EC2::NatGateway")[0];
    assert_eq!(nat["Properties"]["AllocationId"], json!({ "Fn::GetAtt": [eip, "AllocationId"] }));
    let (group, group_resource) = resources_of_type(&template, "AWS::EC2::SecurityGroup")[0];
    assert_eq!(group_resource["Properties"]["VpcId"], json!({ "Ref": vpc }));
    assert_eq!(group_resource["Properties"]["SecurityGroupIngress"][0]["CidrIp"], "10.20.0.0/16");
    // The egress rule naming its own group is a resource of its own (inline it would be a circular dependency).
    let (_, egress) = resources_of_type(&template, "AWS::EC2::SecurityGroupEgress")[0];
    assert_eq!(egress["Properties"]["DestinationSecurityGroupId"], json!({ "Fn::GetAtt": [group, "GroupId"] }));
    let (_, endpoint) = resources_of_type(&template, "AWS::EC2::VPCEndpoint")[0];
    assert_eq!(endpoint["Properties"]["ServiceName"], json!({ "Fn::Sub": "com.amazonaws.${AWS::Region}.s3" }));
    let (_, service) = resources_of_type(&template, "AWS::ECS::Service")[0];
    let subnets = service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"].as_array().expect("subnets");
    for subnet in subnets {
        let id = subnet["Ref"].as_str().expect("a Ref");
        assert_eq!(r[id]["Type"], "AWS::EC2::Subnet");
    }
    assert_eq!(service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"], json!([{ "Fn::GetAtt": [group, "GroupId"] }]));
}

#[test]
fn the_integrations_are_exported_with_references_in_place_of_ids() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/export/integrations.json")).expect("fixture");
    let scn = ecs_sim::scenario::parse_scenario(&serde_json::from_str(&text).expect("JSON")).expect("scenario");
    let mut sim = Sim::new(&scn, None);
    advance(&mut sim, t("1s"));
    let template = template(&sim);
    let r = &template["Resources"];
    assert_eq!(r["EcsJobLogGroup"]["Properties"]["RetentionInDays"], 14);
    assert_eq!(r["JobTaskDefinition"]["Properties"]["ContainerDefinitions"][0]["LogConfiguration"]["Options"]["awslogs-group"], json!({ "Ref": "EcsJobLogGroup" }));
    assert_eq!(r["ExampleUploadsBucketPolicy"]["Properties"]["Bucket"], json!({ "Ref": "ExampleUploadsBucket" }));
    assert_eq!(r["ExampleUploadsBucket"]["Properties"]["NotificationConfiguration"]["EventBridgeConfiguration"]["EventBridgeEnabled"], true);
    assert_eq!(r["OrdersDbInstance"]["Properties"]["DBSubnetGroupName"], json!({ "Ref": "OrdersDbDbSubnetGroup" }));
    assert_eq!(r["OrdersDbInstance"]["Properties"]["ManageMasterUserPassword"], true);
    assert_eq!(r["OrdersDbInstance"]["Properties"]["AllocatedStorage"], "20", "CloudFormation takes the size as a string");
    let machine = &r["PipelineStateMachine"]["Properties"];
    assert_eq!(machine["RoleArn"], json!({ "Fn::GetAtt": ["PipelineRoleRole", "Arn"] }));
    assert_eq!(machine["Definition"]["States"]["Process"]["Parameters"]["Cluster"], "${DemoClusterArn}");
    assert_eq!(machine["DefinitionSubstitutions"]["DemoClusterArn"], json!({ "Fn::GetAtt": ["DemoCluster", "Arn"] }));
    assert_eq!(machine["DefinitionSubstitutions"]["JobTaskDefinition"], json!({ "Ref": "JobTaskDefinition" }));
    let target = &r["OnUploadRule"]["Properties"]["Targets"][0];
    assert_eq!(target["Arn"], json!({ "Fn::GetAtt": ["DemoCluster", "Arn"] }));
    assert_eq!(target["EcsParameters"]["TaskDefinitionArn"], json!({ "Ref": "JobTaskDefinition" }));
    assert_eq!(target["EcsParameters"]["NetworkConfiguration"]["AwsVpcConfiguration"]["Subnets"], json!([{ "Ref": "SubnetA" }, { "Ref": "SubnetB" }]));
    assert_eq!(r["UploadsIndexTable"]["Properties"]["BillingMode"], "PAY_PER_REQUEST");
    let yaml = export::cloudformation(&sim, TemplateFormat::Yaml);
    assert!(!yaml.contains("123456789012"), "no account id is left");
}

#[test]
fn the_cli_script_captures_the_ids_of_a_vpc_built_by_calls() {
    let script = export::cli_script(&run_steps("vpc-built-by-calls"));
    assert!(script.contains("VPC_ID_1=$(aws ec2 create-vpc --cli-input-json"), "{script}");
    assert!(script.contains("--query 'Subnet.SubnetId' --output text)"));
    assert!(script.contains("\"NatGatewayId\": \"${NAT_GATEWAY_ID_1}\""), "the private route reads the captured NAT gateway id");
    assert!(!script.contains("subnet-7") && !script.contains("\"vpc-"), "no playground id is left");
}

#[test]
fn sns_topics_and_subscriptions_are_exported_and_alarm_actions_name_the_topic_by_ref() {
    let sim = run_steps("cpu-alarm-email");
    let template = template(&sim);
    let topics = resources_of_type(&template, "AWS::SNS::Topic");
    assert_eq!(topics.len(), 1, "{template:#}");
    let (topic_id, topic) = topics[0];
    assert_eq!(topic["Properties"]["TopicName"], "ops-alerts");
    let subscriptions = resources_of_type(&template, "AWS::SNS::Subscription");
    assert_eq!(subscriptions.len(), 1);
    let subscription = &subscriptions[0].1["Properties"];
    assert_eq!(subscription["TopicArn"], json!({ "Ref": topic_id }));
    assert_eq!((subscription["Protocol"].as_str(), subscription["Endpoint"].as_str()), (Some("email"), Some("ops@example.com")));
    // The alarm's actions name the topic the template creates, not its ARN in the playground's account.
    let alarms = resources_of_type(&template, "AWS::CloudWatch::Alarm");
    let actions = &alarms[0].1["Properties"]["AlarmActions"];
    assert_eq!(actions[0], json!({ "Ref": topic_id }), "{actions}");
}
