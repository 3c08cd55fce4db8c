//! The calls that create the template resources of the VPC, CloudWatch Logs and alarms, Amazon S3, DynamoDB,
//! RDS, Step Functions and EventBridge (the import's counterpart of `services.rs`): CloudFormation's property
//! names back to each API's members, documents the API takes as strings (policies, event patterns, a state
//! machine's definition with its `DefinitionSubstitutions` applied) written as strings.

use serde_json::{json, Map, Value};

/// The name the import gives a resource whose `Ref` is its name when the template gives none: its logical id,
/// in the lower case S3, RDS and CloudWatch Logs names allow.
pub(super) fn default_name(id: &str) -> String {
    id.to_ascii_lowercase()
}

/// A step: the call, its input, and the step's `as` name (the logical id, when later steps read its answer).
type Call = (&'static str, Value, Option<String>);

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

/// A document as the string the API takes.
fn as_text(value: &Value) -> Value {
    if value.is_string() {
        value.clone()
    } else {
        json!(value.to_string())
    }
}

/// CloudFormation's `Tags` as a `TagSpecifications` member for one resource type.
fn tag_specifications(input: &mut Map<String, Value>, resource_type: &str) {
    if let Some(tags) = input.remove("Tags") {
        input.insert("TagSpecifications".into(), json!([{ "ResourceType": resource_type, "Tags": tags }]));
    }
}

/// Security group rule entries (one CIDR or one peer group each) as EC2's `IpPermissions`.
fn ip_permissions(entries: &[Value], peer: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for entry in entries {
        let mut permission = Map::new();
        permission.insert("IpProtocol".into(), entry.get("IpProtocol").cloned().unwrap_or(json!("-1")));
        for port in ["FromPort", "ToPort"] {
            if let Some(v) = entry.get(port) {
                // CloudFormation takes ports as integers; a template may quote them.
                let n = v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok()));
                permission.insert(port.into(), n.map_or(v.clone(), |n| json!(n)));
            }
        }
        if let Some(cidr) = entry.get("CidrIp") {
            let mut range = json!({ "CidrIp": cidr });
            if let Some(d) = entry.get("Description") {
                range["Description"] = d.clone();
            }
            permission.insert("IpRanges".into(), json!([range]));
        } else if let Some(group) = entry.get(peer) {
            permission.insert("UserIdGroupPairs".into(), json!([{ "GroupId": group }]));
        }
        out.push(Value::Object(permission));
    }
    out
}

/// `[{Key, Value}]` as a map (CloudWatch Logs' `tags`).
fn tag_map(tags: &Value) -> Value {
    Value::Object(tags.as_array().into_iter().flatten().filter_map(|t| Some((t.get("Key")?.as_str()?.to_string(), t.get("Value")?.clone()))).collect())
}

/// A target of `AWS::Events::Rule` as PutTargets takes it (the reverse of the export's renames).
fn event_target(target: &Value) -> Value {
    let mut out = target.clone();
    let Some(ecs) = out.get_mut("EcsParameters").and_then(Value::as_object_mut) else { return out };
    if let Some(network) = ecs.get_mut("NetworkConfiguration").and_then(Value::as_object_mut) {
        if let Some(vpc) = network.remove("AwsVpcConfiguration") {
            network.insert("awsvpcConfiguration".into(), vpc);
        }
    }
    for (cfn, api) in [("PlacementStrategies", "PlacementStrategy"), ("TagList", "Tags")] {
        if let Some(v) = ecs.remove(cfn) {
            ecs.insert(api.into(), v);
        }
    }
    if let Some(items) = ecs.get_mut("CapacityProviderStrategy").and_then(Value::as_array_mut) {
        for item in items.iter_mut() {
            let mut converted = Map::new();
            for (key, value) in object(item) {
                let mut chars = key.chars();
                let name = chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default();
                converted.insert(name, value);
            }
            *item = Value::Object(converted);
        }
    }
    out
}

/// A state machine's definition as the string CreateStateMachine takes, with `${Name}` placeholders replaced by
/// its `DefinitionSubstitutions`.
fn definition_text(props: &Value) -> String {
    let mut text = match props.get("Definition") {
        Some(definition) if !definition.is_string() => definition.to_string(),
        Some(Value::String(text)) => text.clone(),
        _ => props.get("DefinitionString").and_then(Value::as_str).unwrap_or("{}").to_string(),
    };
    for (name, value) in props.get("DefinitionSubstitutions").and_then(Value::as_object).into_iter().flatten() {
        let with = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        text = text.replace(&format!("${{{name}}}"), &with);
    }
    text
}

/// The calls that create a resource of `type_name` with its resolved properties `props`.
pub(super) fn calls_of(id: &str, type_name: &str, props: &Value) -> Vec<Call> {
    let name = || Some(id.to_string());
    let default_name = || json!(default_name(id));
    let mut input = object(props);
    match type_name {
        "AWS::EC2::VPC" => {
            input.retain(|k, _| ["CidrBlock", "InstanceTenancy", "Tags"].contains(&k.as_str()));
            tag_specifications(&mut input, "vpc");
            vec![("ec2:CreateVpc", Value::Object(input), name())]
        }
        "AWS::EC2::Subnet" => {
            let public = input.remove("MapPublicIpOnLaunch").and_then(|v| v.as_bool().or_else(|| v.as_str().map(|s| s == "true")));
            input.retain(|k, _| ["VpcId", "CidrBlock", "AvailabilityZone", "Tags"].contains(&k.as_str()));
            tag_specifications(&mut input, "subnet");
            let mut calls = vec![("ec2:CreateSubnet", Value::Object(input), name())];
            if public == Some(true) {
                calls.push(("ec2:ModifySubnetAttribute", json!({ "SubnetId": format!("${{{id}.Subnet.SubnetId}}"), "MapPublicIpOnLaunch": { "Value": true } }), None));
            }
            calls
        }
        "AWS::EC2::InternetGateway" => {
            tag_specifications(&mut input, "internet-gateway");
            vec![("ec2:CreateInternetGateway", Value::Object(input), name())]
        }
        "AWS::EC2::VPCGatewayAttachment" => vec![("ec2:AttachInternetGateway", Value::Object(input), name())],
        "AWS::EC2::RouteTable" => {
            tag_specifications(&mut input, "route-table");
            vec![("ec2:CreateRouteTable", Value::Object(input), name())]
        }
        "AWS::EC2::Route" => vec![("ec2:CreateRoute", Value::Object(input), name())],
        "AWS::EC2::SubnetRouteTableAssociation" => vec![("ec2:AssociateRouteTable", Value::Object(input), name())],
        "AWS::EC2::EIP" => {
            input.retain(|k, _| k == "Tags");
            tag_specifications(&mut input, "elastic-ip");
            input.insert("Domain".into(), json!("vpc"));
            vec![("ec2:AllocateAddress", Value::Object(input), name())]
        }
        "AWS::EC2::NatGateway" => {
            tag_specifications(&mut input, "natgateway");
            vec![("ec2:CreateNatGateway", Value::Object(input), name())]
        }
        "AWS::EC2::SecurityGroup" => {
            let ingress: Vec<Value> = input.remove("SecurityGroupIngress").and_then(|v| v.as_array().cloned()).unwrap_or_default();
            let mut egress: Vec<Value> = input.remove("SecurityGroupEgress").and_then(|v| v.as_array().cloned()).unwrap_or_default();
            // The rule AWS gives every new group (all traffic out) exists already.
            egress.retain(|e| !(e.get("IpProtocol").and_then(Value::as_str) == Some("-1") && e.get("CidrIp").and_then(Value::as_str) == Some("0.0.0.0/0")));
            let mut create = Map::new();
            create.insert("GroupName".into(), input.get("GroupName").cloned().unwrap_or_else(|| json!(id)));
            create.insert("Description".into(), input.get("GroupDescription").cloned().unwrap_or_else(|| json!(id)));
            if let Some(vpc) = input.get("VpcId") {
                create.insert("VpcId".into(), vpc.clone());
            }
            if let Some(tags) = input.get("Tags") {
                create.insert("TagSpecifications".into(), json!([{ "ResourceType": "security-group", "Tags": tags }]));
            }
            let group = format!("${{{id}.GroupId}}");
            let mut calls = vec![("ec2:CreateSecurityGroup", Value::Object(create), name())];
            if !ingress.is_empty() {
                calls.push(("ec2:AuthorizeSecurityGroupIngress", json!({ "GroupId": group, "IpPermissions": ip_permissions(&ingress, "SourceSecurityGroupId") }), None));
            }
            if !egress.is_empty() {
                calls.push(("ec2:AuthorizeSecurityGroupEgress", json!({ "GroupId": group, "IpPermissions": ip_permissions(&egress, "DestinationSecurityGroupId") }), None));
            }
            calls
        }
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
            let ingress = type_name.ends_with("Ingress");
            let peer = if ingress { "SourceSecurityGroupId" } else { "DestinationSecurityGroupId" };
            let group = input.remove("GroupId").unwrap_or_default();
            let call = if ingress { "ec2:AuthorizeSecurityGroupIngress" } else { "ec2:AuthorizeSecurityGroupEgress" };
            vec![(call, json!({ "GroupId": group, "IpPermissions": ip_permissions(&[Value::Object(input)], peer) }), None)]
        }
        "AWS::SNS::Topic" => vec![("sns:CreateTopic", json!({ "Name": input.get("TopicName").cloned().unwrap_or_else(default_name) }), name())],
        "AWS::SNS::Subscription" => vec![("sns:Subscribe", Value::Object(input), name())],
        "AWS::EC2::VPCEndpointService" => vec![("ec2:CreateVpcEndpointServiceConfiguration", Value::Object(input), name())],
        "AWS::EC2::VPCEndpoint" => {
            if let Some(policy) = input.get("PolicyDocument").map(as_text) {
                input.insert("PolicyDocument".into(), policy);
            }
            vec![("ec2:CreateVpcEndpoint", Value::Object(input), name())]
        }
        "AWS::Logs::LogGroup" => {
            let group = input.get("LogGroupName").cloned().unwrap_or_else(default_name);
            let mut create = json!({ "logGroupName": group });
            if let Some(class) = input.get("LogGroupClass") {
                create["logGroupClass"] = class.clone();
            }
            if let Some(tags) = input.get("Tags") {
                create["tags"] = tag_map(tags);
            }
            let mut calls = vec![("logs:CreateLogGroup", create, name())];
            if let Some(days) = input.get("RetentionInDays") {
                calls.push(("logs:PutRetentionPolicy", json!({ "logGroupName": group, "retentionInDays": days }), None));
            }
            calls
        }
        "AWS::CloudWatch::Alarm" => {
            input.entry("AlarmName").or_insert_with(default_name);
            vec![("cloudwatch:PutMetricAlarm", Value::Object(input), name())]
        }
        "AWS::S3::Bucket" => {
            let bucket = input.get("BucketName").cloned().unwrap_or_else(default_name);
            let mut calls = vec![("s3:CreateBucket", json!({ "Bucket": bucket }), name())];
            if props.pointer("/NotificationConfiguration/EventBridgeConfiguration/EventBridgeEnabled").and_then(Value::as_bool) == Some(true) {
                calls.push(("s3:PutBucketNotificationConfiguration", json!({ "Bucket": bucket, "NotificationConfiguration": { "EventBridgeConfiguration": {} } }), None));
            }
            calls
        }
        "AWS::S3::BucketPolicy" => {
            let policy = as_text(input.get("PolicyDocument").unwrap_or(&json!({})));
            vec![("s3:PutBucketPolicy", json!({ "Bucket": input.get("Bucket"), "Policy": policy }), None)]
        }
        "AWS::DynamoDB::Table" => {
            input.entry("TableName").or_insert_with(default_name);
            vec![("dynamodb:CreateTable", Value::Object(input), name())]
        }
        "AWS::RDS::DBSubnetGroup" => {
            input.entry("DBSubnetGroupName").or_insert_with(default_name);
            vec![("rds:CreateDBSubnetGroup", Value::Object(input), name())]
        }
        "AWS::RDS::DBInstance" => {
            input.entry("DBInstanceIdentifier").or_insert_with(default_name);
            if let Some(groups) = input.remove("VPCSecurityGroups") {
                input.insert("VpcSecurityGroupIds".into(), groups);
            }
            // The API takes the storage size and the port as integers.
            for member in ["AllocatedStorage", "Port"] {
                if let Some(n) = input.get(member).and_then(Value::as_str).and_then(|s| s.parse::<u64>().ok()) {
                    input.insert(member.into(), json!(n));
                }
            }
            vec![("rds:CreateDBInstance", Value::Object(input), name())]
        }
        "AWS::StepFunctions::StateMachine" => {
            let mut create = json!({ "name": input.get("StateMachineName").cloned().unwrap_or_else(|| json!(id)), "definition": definition_text(props) });
            if let Some(role) = input.get("RoleArn") {
                create["roleArn"] = role.clone();
            }
            if let Some(kind) = input.get("StateMachineType") {
                create["type"] = kind.clone();
            }
            if let Some(tags) = input.get("Tags").and_then(Value::as_array) {
                create["tags"] = Value::Array(tags.iter().map(|t| json!({ "key": t.get("Key"), "value": t.get("Value") })).collect());
            }
            vec![("states:CreateStateMachine", create, name())]
        }
        "AWS::Events::Rule" => {
            let rule = input.get("Name").cloned().unwrap_or_else(default_name);
            let mut put = Map::new();
            put.insert("Name".into(), rule.clone());
            for member in ["Description", "State", "ScheduleExpression", "RoleArn", "EventBusName"] {
                if let Some(v) = input.get(member) {
                    put.insert(member.into(), v.clone());
                }
            }
            if let Some(pattern) = input.get("EventPattern") {
                put.insert("EventPattern".into(), as_text(pattern));
            }
            let mut calls = vec![("events:PutRule", Value::Object(put), name())];
            if let Some(targets) = input.get("Targets").and_then(Value::as_array).filter(|t| !t.is_empty()) {
                calls.push(("events:PutTargets", json!({ "Rule": rule, "Targets": targets.iter().map(event_target).collect::<Vec<_>>() }), None));
            }
            calls
        }
        _ => Vec::new(),
    }
}
