//! The export's fold of the calls of the VPC, CloudWatch Logs, Amazon SNS, Amazon S3, DynamoDB, RDS, Step Functions and
//! EventBridge into their CloudFormation resources (a child of `cloudformation.rs`, whose `Builder` it extends).
//!
//! Property names follow the CloudFormation resource schemas (`../shared/reference/integrations-export.md` §4.2
//! and the cfn-lint schemas `scripts/cfn-lint-check` validates against). What `Ref` returns per type follows the
//! resource reference pages' "Return values": the id for the VPC's resources, the name for a log group, bucket,
//! table, DB subnet group, DB instance and rule, the ARN for a state machine; a security group is always read
//! with `Fn::GetAtt ... GroupId`, which is the id whatever the group's VPC.

use serde_json::{json, Map, Value};

use super::{copy_members, get_att, reference, s, Builder, JournalEntry, Kind};

/// The tags of a `TagSpecifications` member for one resource type, as CloudFormation's `Tags`.
fn spec_tags(input: &Value, resource_type: &str) -> Option<Value> {
    let mut tags = Vec::new();
    for spec in input.get("TagSpecifications").and_then(Value::as_array).into_iter().flatten() {
        if s(spec, "ResourceType").is_none_or(|t| t == resource_type) {
            tags.extend(spec.get("Tags").and_then(Value::as_array).cloned().unwrap_or_default());
        }
    }
    (!tags.is_empty()).then_some(Value::Array(tags))
}

/// The `Name` tag of a `TagSpecifications` member, else `fallback`.
fn spec_name(input: &Value, resource_type: &str, fallback: &str) -> String {
    spec_tags(input, resource_type)
        .and_then(|tags| tags.as_array().and_then(|t| t.iter().find(|t| s(t, "Key") == Some("Name")).and_then(|t| s(t, "Value")).map(str::to_string)))
        .unwrap_or_else(|| fallback.to_string())
}

/// A tag map (`{"team": "a"}`, as CloudWatch Logs takes tags) or a `[{key, value}]` list (Step Functions) as
/// CloudFormation's `[{Key, Value}]`.
fn cfn_tags(value: Option<&Value>) -> Option<Value> {
    match value? {
        Value::Object(map) if !map.is_empty() => Some(Value::Array(map.iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect())),
        Value::Array(items) if !items.is_empty() => Some(Value::Array(
            items.iter().map(|t| json!({ "Key": t.get("key").or_else(|| t.get("Key")), "Value": t.get("value").or_else(|| t.get("Value")) })).collect(),
        )),
        _ => None,
    }
}

/// A JSON document the API takes as a string (an event pattern, a policy, a state machine's definition) as an
/// object.
fn document(value: Option<&Value>) -> Option<Value> {
    match value? {
        Value::String(text) => Some(serde_json::from_str(text).unwrap_or_else(|_| json!(text))),
        other => Some(other.clone()),
    }
}

/// One security group rule of an `IpPermissions` item as CloudFormation's rule entries: one per CIDR and one
/// per group pair (`peer` is `SourceSecurityGroupId` for ingress, `DestinationSecurityGroupId` for egress).
fn rule_entries(permission: &Value, peer: &str) -> (Vec<Value>, Vec<Value>) {
    let mut base = Map::new();
    base.insert("IpProtocol".into(), permission.get("IpProtocol").cloned().unwrap_or(json!("-1")));
    for port in ["FromPort", "ToPort"] {
        if let Some(v) = permission.get(port) {
            base.insert(port.into(), v.clone());
        }
    }
    let mut cidrs = Vec::new();
    for range in permission.get("IpRanges").and_then(Value::as_array).into_iter().flatten() {
        let mut entry = base.clone();
        entry.insert("CidrIp".into(), range.get("CidrIp").cloned().unwrap_or(json!("0.0.0.0/0")));
        if let Some(d) = range.get("Description") {
            entry.insert("Description".into(), d.clone());
        }
        cidrs.push(Value::Object(entry));
    }
    let mut groups = Vec::new();
    for pair in permission.get("UserIdGroupPairs").and_then(Value::as_array).into_iter().flatten() {
        let mut entry = base.clone();
        entry.insert(peer.into(), pair.get("GroupId").cloned().unwrap_or_default());
        groups.push(Value::Object(entry));
    }
    (cidrs, groups)
}

impl Builder {
    /// Folds one call of these services; false when the call is none of theirs.
    pub(super) fn apply_services(&mut self, entry: &JournalEntry) -> bool {
        let (input, output) = (&entry.input, &entry.output);
        match entry.call.as_str() {
            "ec2:CreateVpc" => {
                let Some(vpc) = output.pointer("/Vpc/VpcId").and_then(Value::as_str) else { return true };
                let mut props = copy_members(input, &["CidrBlock", "InstanceTenancy"]);
                if let Some(tags) = spec_tags(input, "vpc") {
                    props.insert("Tags".into(), tags);
                }
                let id = self.add(Kind::Vpc, &spec_name(input, "vpc", "main"), props);
                self.alias(Kind::Vpc, vpc, &id);
                self.literals.insert(vpc.to_string(), reference(&id));
            }
            "ec2:CreateSubnet" => {
                let Some(subnet) = output.pointer("/Subnet/SubnetId").and_then(Value::as_str) else { return true };
                let mut props = copy_members(input, &["VpcId", "CidrBlock", "AvailabilityZone"]);
                if let Some(tags) = spec_tags(input, "subnet") {
                    props.insert("Tags".into(), tags);
                }
                let zone = s(input, "AvailabilityZone").unwrap_or_default();
                let cidr = s(input, "CidrBlock").unwrap_or_default();
                // A zone is the stack Region's n-th (cfn-lint W3010: "Avoid hardcoding availability zones").
                if let Some(letter) = zone.strip_prefix(self.region.as_str()).and_then(|l| l.bytes().next()).filter(|l| l.is_ascii_lowercase()) {
                    props.insert("AvailabilityZone".into(), json!({ "Fn::Select": [letter - b'a', { "Fn::GetAZs": "" }] }));
                }
                let id = self.add(Kind::Subnet, &spec_name(input, "subnet", &format!("{zone} {cidr}")), props);
                self.alias(Kind::Subnet, subnet, &id);
                self.literals.insert(subnet.to_string(), reference(&id));
            }
            "ec2:ModifySubnetAttribute" => {
                let value = input.pointer("/MapPublicIpOnLaunch/Value").cloned();
                if let (Some(r), Some(value)) = (self.find_mut(Kind::Subnet, s(input, "SubnetId").unwrap_or_default()), value) {
                    r.properties.insert("MapPublicIpOnLaunch".into(), value);
                }
            }
            "ec2:CreateInternetGateway" => {
                let Some(igw) = output.pointer("/InternetGateway/InternetGatewayId").and_then(Value::as_str) else { return true };
                let mut props = Map::new();
                if let Some(tags) = spec_tags(input, "internet-gateway") {
                    props.insert("Tags".into(), tags);
                }
                let id = self.add(Kind::InternetGateway, &spec_name(input, "internet-gateway", "main"), props);
                self.alias(Kind::InternetGateway, igw, &id);
                self.literals.insert(igw.to_string(), reference(&id));
            }
            "ec2:AttachInternetGateway" => {
                let (Some(igw), Some(vpc)) = (s(input, "InternetGatewayId"), s(input, "VpcId")) else { return true };
                let props = copy_members(input, &["VpcId", "InternetGatewayId"]);
                let name = self.find(Kind::InternetGateway, igw).map(|i| self.resources[i].key.clone()).unwrap_or_else(|| igw.to_string());
                let id = self.add(Kind::GatewayAttachment, &name, props);
                self.alias(Kind::GatewayAttachment, vpc, &id);
                self.alias(Kind::GatewayAttachment, igw, &id);
            }
            "ec2:CreateRouteTable" => {
                let Some(rtb) = output.pointer("/RouteTable/RouteTableId").and_then(Value::as_str) else { return true };
                let mut props = copy_members(input, &["VpcId"]);
                if let Some(tags) = spec_tags(input, "route-table") {
                    props.insert("Tags".into(), tags);
                }
                let n = self.resources.iter().filter(|r| r.kind == Kind::RouteTable).count() + 1;
                let id = self.add(Kind::RouteTable, &spec_name(input, "route-table", &format!("routes {n}")), props);
                self.alias(Kind::RouteTable, rtb, &id);
                self.literals.insert(rtb.to_string(), reference(&id));
            }
            "ec2:CreateRoute" => {
                let (Some(rtb), Some(destination)) = (s(input, "RouteTableId"), s(input, "DestinationCidrBlock").or_else(|| s(input, "DestinationPrefixListId"))) else { return true };
                let props = copy_members(input, &["RouteTableId", "DestinationCidrBlock", "DestinationPrefixListId", "GatewayId", "NatGatewayId", "VpcEndpointId", "NetworkInterfaceId"]);
                let table = self.find(Kind::RouteTable, rtb).map(|i| self.resources[i].key.clone()).unwrap_or_else(|| rtb.to_string());
                let destination = if destination == "0.0.0.0/0" { "default" } else { destination };
                self.add(Kind::Route, &format!("{table} {destination}"), props);
            }
            "ec2:AssociateRouteTable" => {
                let (Some(rtb), Some(subnet)) = (s(input, "RouteTableId"), s(input, "SubnetId")) else { return true };
                let props = copy_members(input, &["RouteTableId", "SubnetId"]);
                let subnet_name = self.find(Kind::Subnet, subnet).map(|i| self.resources[i].key.clone()).unwrap_or_else(|| subnet.to_string());
                let _ = rtb;
                let id = self.add(Kind::RouteTableAssociation, &subnet_name, props);
                if let Some(association) = s(output, "AssociationId") {
                    self.literals.insert(association.to_string(), reference(&id));
                }
            }
            "ec2:AllocateAddress" => {
                let Some(allocation) = s(output, "AllocationId") else { return true };
                let mut props = Map::new();
                props.insert("Domain".into(), json!("vpc"));
                if let Some(tags) = spec_tags(input, "elastic-ip") {
                    props.insert("Tags".into(), tags);
                }
                let n = self.resources.iter().filter(|r| r.kind == Kind::Eip).count() + 1;
                let id = self.add(Kind::Eip, &spec_name(input, "elastic-ip", &format!("nat {n}")), props);
                self.alias(Kind::Eip, allocation, &id);
                self.literals.insert(allocation.to_string(), get_att(&id, "AllocationId"));
                if let Some(ip) = s(output, "PublicIp") {
                    self.literals.insert(ip.to_string(), reference(&id));
                }
            }
            "ec2:CreateNatGateway" => {
                let Some(nat) = output.pointer("/NatGateway/NatGatewayId").and_then(Value::as_str) else { return true };
                let mut props = copy_members(input, &["SubnetId", "AllocationId", "ConnectivityType"]);
                if let Some(tags) = spec_tags(input, "natgateway") {
                    props.insert("Tags".into(), tags);
                }
                let subnet = s(input, "SubnetId").and_then(|sn| self.find(Kind::Subnet, sn)).map(|i| self.resources[i].key.clone()).unwrap_or_else(|| "nat".to_string());
                let id = self.add(Kind::NatGateway, &spec_name(input, "natgateway", &subnet), props);
                self.alias(Kind::NatGateway, nat, &id);
                self.literals.insert(nat.to_string(), reference(&id));
            }
            "ec2:CreateSecurityGroup" => {
                let (Some(group), Some(name)) = (s(output, "GroupId"), s(input, "GroupName")) else { return true };
                let mut props = Map::new();
                props.insert("GroupName".into(), json!(name));
                props.insert("GroupDescription".into(), input.get("Description").cloned().unwrap_or(json!(name)));
                if let Some(vpc) = input.get("VpcId") {
                    props.insert("VpcId".into(), vpc.clone());
                }
                if let Some(tags) = spec_tags(input, "security-group") {
                    props.insert("Tags".into(), tags);
                }
                let id = self.add(Kind::SecurityGroup, name, props);
                self.alias(Kind::SecurityGroup, group, &id);
                self.literals.insert(group.to_string(), get_att(&id, "GroupId"));
            }
            "ec2:AuthorizeSecurityGroupIngress" | "ec2:AuthorizeSecurityGroupEgress" => {
                let Some(group) = s(input, "GroupId") else { return true };
                let ingress = entry.call.ends_with("Ingress");
                let (member, peer, kind) = if ingress {
                    ("SecurityGroupIngress", "SourceSecurityGroupId", Kind::SecurityGroupIngress)
                } else {
                    ("SecurityGroupEgress", "DestinationSecurityGroupId", Kind::SecurityGroupEgress)
                };
                let Some(i) = self.find(Kind::SecurityGroup, group) else { return true };
                let group_name = self.resources[i].key.clone();
                for permission in input.get("IpPermissions").and_then(Value::as_array).cloned().unwrap_or_default() {
                    let (cidrs, pairs) = rule_entries(&permission, peer);
                    let props = &mut self.resources[i].properties;
                    let mut rules: Vec<Value> = props.get(member).and_then(Value::as_array).cloned().unwrap_or_default();
                    // A group's egress list replaces the rule AWS gives every new group (all traffic out), so
                    // the list written starts with that rule.
                    if !ingress && rules.is_empty() && !cidrs.is_empty() {
                        rules.push(json!({ "IpProtocol": "-1", "CidrIp": "0.0.0.0/0" }));
                    }
                    rules.extend(cidrs);
                    if !rules.is_empty() {
                        props.insert(member.into(), Value::Array(rules));
                    }
                    // A rule naming a group is a resource of its own: inline, a group naming itself (or two
                    // groups naming each other) would be a circular dependency.
                    for mut pair in pairs {
                        pair["GroupId"] = json!(group);
                        let port = pair.get("FromPort").map(|p| p.to_string()).unwrap_or_else(|| "all".into());
                        let props = pair.as_object().cloned().unwrap_or_default();
                        self.add(kind, &format!("{group_name} {port}"), props);
                    }
                }
            }
            "sns:CreateTopic" => {
                // `Ref` of a topic is its ARN, which alarm actions and subscriptions name.
                let (Some(name), Some(arn)) = (s(input, "Name"), s(output, "TopicArn")) else { return true };
                let mut props = Map::new();
                props.insert("TopicName".into(), json!(name));
                let id = self.add(Kind::Topic, name, props);
                self.alias(Kind::Topic, arn, &id);
                self.literals.insert(arn.to_string(), reference(&id));
            }
            "sns:DeleteTopic" => {
                if let Some(arn) = s(input, "TopicArn") {
                    self.remove(Kind::Topic, arn);
                }
            }
            "sns:Subscribe" => {
                // A subscription's confirmation is the recipient's, not the template's: an email subscription
                // made from the template waits for its confirmation again.
                let (Some(topic), Some(protocol)) = (s(input, "TopicArn"), s(input, "Protocol")) else { return true };
                let Some(i) = self.find(Kind::Topic, topic) else { return true };
                let topic_name = self.resources[i].key.clone();
                let props = copy_members(input, &["TopicArn", "Protocol", "Endpoint"]);
                self.add(Kind::Subscription, &format!("{topic_name} {protocol}"), props);
            }
            "ec2:CreateVpcEndpointServiceConfiguration" => {
                // A PrivateLink endpoint service (`Ref` is its `vpce-svc-` id). Accepting a connection
                // (`AcceptVpcEndpointConnections`) has no resource of its own: the consumer's endpoint waits in
                // pendingAcceptance until the provider accepts it, as after the calls.
                let Some(service_id) = output.pointer("/ServiceConfiguration/ServiceId").and_then(Value::as_str) else { return true };
                let props = copy_members(input, &["NetworkLoadBalancerArns", "GatewayLoadBalancerArns", "AcceptanceRequired"]);
                // Named by its load balancer (`.../loadbalancer/net/<name>/<id>`): the service id is generated.
                let balancer = input.pointer("/NetworkLoadBalancerArns/0").and_then(Value::as_str).and_then(|arn| arn.rsplit('/').nth(1)).unwrap_or("privatelink").to_string();
                let id = self.add(Kind::VpcEndpointService, &balancer, props);
                self.alias(Kind::VpcEndpointService, service_id, &id);
                self.literals.insert(service_id.to_string(), reference(&id));
            }
            "ec2:CreateVpcEndpoint" => {
                let Some(endpoint) = output.pointer("/VpcEndpoint/VpcEndpointId").and_then(Value::as_str) else { return true };
                let mut props = copy_members(input, &["VpcId", "ServiceName", "VpcEndpointType", "RouteTableIds", "SubnetIds", "SecurityGroupIds", "PrivateDnsEnabled"]);
                if let Some(policy) = document(input.get("PolicyDocument")) {
                    props.insert("PolicyDocument".into(), policy);
                }
                let service = s(input, "ServiceName").unwrap_or_default().to_string();
                // `com.amazonaws.us-east-1.s3`: the Region is the stack's; a PrivateLink service of the template
                // (`com.amazonaws.vpce.us-east-1.vpce-svc-...`) is named by its `Ref`.
                let mut short = service.rsplit('.').next().unwrap_or("endpoint").to_string();
                if let Some((head, tail)) = service.split_once(&format!(".{}.", self.region)) {
                    let tail = match self.find(Kind::VpcEndpointService, tail) {
                        Some(i) => {
                            short = format!("{} consumer", self.resources[i].key);
                            format!("${{{}}}", self.resources[i].logical_id)
                        }
                        None => tail.to_string(),
                    };
                    props.insert("ServiceName".into(), json!({ "Fn::Sub": format!("{head}.${{AWS::Region}}.{tail}") }));
                }
                let id = self.add(Kind::VpcEndpoint, &short, props);
                self.alias(Kind::VpcEndpoint, endpoint, &id);
                self.literals.insert(endpoint.to_string(), reference(&id));
            }
            "logs:CreateLogGroup" => {
                let Some(name) = s(input, "logGroupName") else { return true };
                let mut props = Map::new();
                props.insert("LogGroupName".into(), json!(name));
                if let Some(class) = input.get("logGroupClass") {
                    props.insert("LogGroupClass".into(), class.clone());
                }
                if let Some(tags) = cfn_tags(input.get("tags")) {
                    props.insert("Tags".into(), tags);
                }
                self.add(Kind::LogGroup, name, props);
            }
            "logs:PutRetentionPolicy" => {
                let days = input.get("retentionInDays").cloned();
                if let (Some(r), Some(days)) = (self.find_mut(Kind::LogGroup, s(input, "logGroupName").unwrap_or_default()), days) {
                    r.properties.insert("RetentionInDays".into(), days);
                }
            }
            "logs:DeleteRetentionPolicy" => {
                if let Some(r) = self.find_mut(Kind::LogGroup, s(input, "logGroupName").unwrap_or_default()) {
                    r.properties.remove("RetentionInDays");
                }
            }
            "logs:DeleteLogGroup" => {
                self.remove(Kind::LogGroup, s(input, "logGroupName").unwrap_or_default());
            }
            "s3:CreateBucket" => {
                let Some(name) = s(input, "Bucket") else { return true };
                let props = json!({ "BucketName": name }).as_object().cloned().unwrap_or_default();
                let id = self.add(Kind::Bucket, name, props);
                self.literals.insert(format!("arn:aws:s3:::{name}"), get_att(&id, "Arn"));
            }
            "s3:PutBucketNotificationConfiguration" => {
                let on = input.pointer("/NotificationConfiguration/EventBridgeConfiguration").is_some();
                if let Some(r) = self.find_mut(Kind::Bucket, s(input, "Bucket").unwrap_or_default()) {
                    if on {
                        r.properties.insert("NotificationConfiguration".into(), json!({ "EventBridgeConfiguration": { "EventBridgeEnabled": true } }));
                    } else {
                        r.properties.remove("NotificationConfiguration");
                    }
                }
            }
            "s3:PutBucketPolicy" => {
                let Some(bucket) = s(input, "Bucket") else { return true };
                let props = json!({ "Bucket": self.resolve(Kind::Bucket, bucket), "PolicyDocument": document(input.get("Policy")).unwrap_or(json!({})) });
                let props = props.as_object().cloned().unwrap_or_default();
                match self.find_mut(Kind::BucketPolicy, bucket) {
                    Some(r) => r.properties = props,
                    None => {
                        self.add(Kind::BucketPolicy, bucket, props);
                    }
                }
            }
            "s3:DeleteBucketPolicy" => self.remove(Kind::BucketPolicy, s(input, "Bucket").unwrap_or_default()),
            "dynamodb:CreateTable" => {
                let Some(name) = s(input, "TableName") else { return true };
                let props = copy_members(input, &[
                    "TableName", "AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput", "GlobalSecondaryIndexes",
                    "LocalSecondaryIndexes", "StreamSpecification", "SSESpecification", "TableClass", "DeletionProtectionEnabled", "Tags",
                ]);
                let id = self.add(Kind::Table, name, props);
                if let Some(arn) = output.pointer("/TableDescription/TableArn").and_then(Value::as_str) {
                    self.literals.insert(arn.to_string(), get_att(&id, "Arn"));
                }
            }
            "dynamodb:DeleteTable" => self.remove(Kind::Table, s(input, "TableName").unwrap_or_default()),
            "rds:CreateDBSubnetGroup" => {
                let Some(name) = s(input, "DBSubnetGroupName") else { return true };
                let props = copy_members(input, &["DBSubnetGroupName", "DBSubnetGroupDescription", "SubnetIds", "Tags"]);
                self.add(Kind::DbSubnetGroup, name, props);
            }
            "rds:CreateDBInstance" => {
                let Some(name) = s(input, "DBInstanceIdentifier") else { return true };
                let mut props = copy_members(input, &[
                    "DBInstanceIdentifier", "DBInstanceClass", "Engine", "EngineVersion", "MasterUsername", "ManageMasterUserPassword",
                    "MasterUserSecretKmsKeyId", "AllocatedStorage", "StorageType", "DBName", "DBSubnetGroupName", "VPCSecurityGroups",
                    "MultiAZ", "PubliclyAccessible", "Port", "BackupRetentionPeriod", "EnableIAMDatabaseAuthentication", "StorageEncrypted",
                    "DeletionProtection", "AvailabilityZone", "Tags",
                ]);
                if let Some(groups) = input.get("VpcSecurityGroupIds") {
                    props.insert("VPCSecurityGroups".into(), groups.clone());
                }
                // CloudFormation takes the storage size and the port as strings.
                for member in ["AllocatedStorage", "Port"] {
                    if let Some(n) = props.get(member).and_then(Value::as_u64) {
                        props.insert(member.into(), json!(n.to_string()));
                    }
                }
                if let Some(group) = s(input, "DBSubnetGroupName") {
                    props.insert("DBSubnetGroupName".into(), self.resolve(Kind::DbSubnetGroup, group));
                }
                let id = self.add(Kind::DbInstance, name, props);
                if let Some(secret) = output.pointer("/DBInstance/MasterUserSecret/SecretArn").and_then(Value::as_str) {
                    self.literals.insert(secret.to_string(), get_att(&id, "MasterUserSecret.SecretArn"));
                }
                if let Some(arn) = output.pointer("/DBInstance/DBInstanceArn").and_then(Value::as_str) {
                    self.literals.insert(arn.to_string(), get_att(&id, "DBInstanceArn"));
                }
            }
            "rds:DeleteDBInstance" => self.remove(Kind::DbInstance, s(input, "DBInstanceIdentifier").unwrap_or_default()),
            "states:CreateStateMachine" => {
                let (Some(name), Some(arn)) = (s(input, "name"), s(output, "stateMachineArn")) else { return true };
                let mut props = Map::new();
                props.insert("StateMachineName".into(), json!(name));
                if let Some(kind) = input.get("type") {
                    props.insert("StateMachineType".into(), kind.clone());
                }
                props.insert("Definition".into(), document(input.get("definition")).unwrap_or(json!({})));
                if let Some(role) = s(input, "roleArn") {
                    props.insert("RoleArn".into(), self.resolve(Kind::Role, role));
                }
                if let Some(tags) = cfn_tags(input.get("tags")) {
                    props.insert("Tags".into(), tags);
                }
                let id = self.add(Kind::StateMachine, name, props);
                self.literals.insert(arn.to_string(), reference(&id));
            }
            "states:DeleteStateMachine" => self.remove(Kind::StateMachine, short_arn_name(s(input, "stateMachineArn").unwrap_or_default())),
            "events:PutRule" => {
                let Some(name) = s(input, "Name") else { return true };
                let mut props = copy_members(input, &["Name", "Description", "State", "ScheduleExpression", "RoleArn"]);
                if let Some(pattern) = document(input.get("EventPattern")) {
                    props.insert("EventPattern".into(), pattern);
                }
                match self.find_mut(Kind::Rule, name) {
                    Some(r) => {
                        let targets = r.properties.remove("Targets");
                        r.properties = props;
                        if let Some(targets) = targets {
                            r.properties.insert("Targets".into(), targets);
                        }
                    }
                    None => {
                        let id = self.add(Kind::Rule, name, props);
                        if let Some(arn) = s(output, "RuleArn") {
                            self.literals.insert(arn.to_string(), get_att(&id, "Arn"));
                        }
                    }
                }
            }
            "events:PutTargets" => {
                let Some(rule) = s(input, "Rule") else { return true };
                let new: Vec<Value> = input.get("Targets").and_then(Value::as_array).into_iter().flatten().map(event_target).collect();
                if let Some(r) = self.find_mut(Kind::Rule, rule) {
                    let mut targets: Vec<Value> = r.properties.get("Targets").and_then(Value::as_array).cloned().unwrap_or_default();
                    for target in new {
                        targets.retain(|t| t.get("Id") != target.get("Id"));
                        targets.push(target);
                    }
                    r.properties.insert("Targets".into(), Value::Array(targets));
                }
            }
            "events:RemoveTargets" => {
                let ids: Vec<Value> = input.get("Ids").and_then(Value::as_array).cloned().unwrap_or_default();
                if let Some(targets) = self.find_mut(Kind::Rule, s(input, "Rule").unwrap_or_default()).and_then(|r| r.properties.get_mut("Targets")).and_then(Value::as_array_mut) {
                    targets.retain(|t| !ids.contains(t.get("Id").unwrap_or(&Value::Null)));
                }
            }
            "events:DeleteRule" => self.remove(Kind::Rule, s(input, "Name").unwrap_or_default()),
            _ => return false,
        }
        true
    }
}

/// `arn:aws:states:us-east-1:123456789012:stateMachine:pipeline` → `pipeline`.
fn short_arn_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// An EventBridge target as `AWS::Events::Rule`'s `Targets` item: the API's `EcsParameters` with
/// CloudFormation's renames (`awsvpcConfiguration` → `AwsVpcConfiguration`, `PlacementStrategy` →
/// `PlacementStrategies`, `Tags` → `TagList`, a strategy's `capacityProvider` → `CapacityProvider`).
pub(super) fn event_target(target: &Value) -> Value {
    let mut out = target.clone();
    let Some(ecs) = out.get_mut("EcsParameters").and_then(Value::as_object_mut) else { return out };
    if let Some(network) = ecs.get_mut("NetworkConfiguration").and_then(Value::as_object_mut) {
        if let Some(vpc) = network.remove("awsvpcConfiguration") {
            network.insert("AwsVpcConfiguration".into(), vpc);
        }
    }
    for (api, cfn) in [("PlacementStrategy", "PlacementStrategies"), ("Tags", "TagList")] {
        if let Some(v) = ecs.remove(api) {
            ecs.insert(cfn.into(), v);
        }
    }
    if let Some(items) = ecs.get_mut("CapacityProviderStrategy").and_then(Value::as_array_mut) {
        for item in items.iter_mut() {
            *item = super::to_cfn(item, "capacityProviderStrategy");
        }
    }
    out
}
