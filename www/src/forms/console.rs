//! The API console's model: an example input for a call, naming the run's cluster, service and task, and
//! the reading of the JSON input a learner wrote.

use ecs_sim::view::{TaskStatus, View};

use super::members;
use serde_json::{json, Value};

/// An example input for `call`, naming the run's first cluster, service, task, task definition family, load
/// balancer and subnet where it needs them (one arm a line: `scripts/botocore-check` reads each against AWS's
/// model). Every call of the call table has its arm (a test checks); `{}` is the example of the calls that need
/// nothing.
pub fn example_input(call: &str, view: &View) -> Value {
    let cluster = view.clusters.first().map_or("demo", |c| c.name.as_str());
    let service = view.services.iter().find(|s| s.cluster == cluster).map_or("web", |s| s.name.as_str());
    let task = view.tasks.iter().find(|t| t.last_status == TaskStatus::Running).map_or("TASK_ID", |t| t.arn.as_str());
    let family = view.task_definitions.last().map_or("web", |d| d.family.as_str());
    let subnet = view.subnets.first().map_or("subnet-a", |s| s.subnet_id.as_str());
    let load_balancer = view.load_balancers.first().map_or("web-alb", |l| l.name.as_str());
    let resource_id = format!("service/{cluster}/{service}");
    let lb_arn = view.load_balancers.first().map_or("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-alb/50dc6c495c0c9188", |l| l.arn.as_str());
    let listener = view.load_balancers.iter().flat_map(|l| &l.listeners).next();
    let listener_arn = listener.map_or("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2", |l| l.arn.as_str());
    let rule_arn = listener.and_then(|l| l.rules.first()).map_or("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee", |r| r.arn.as_str());
    let tg_arn = view.target_groups.first().map_or("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/6d0ecf831eec9f09", |t| t.arn.as_str());
    let instance_id = view.instances.first().map_or("i-0123456789abcdef0", |i| i.ec2_instance_id.as_str());
    let container_instance = view.instances.iter().find_map(|i| i.container_instance_arn.as_deref()).unwrap_or("CONTAINER_INSTANCE_ID");
    let file_system = view.file_systems.first().map_or("fs-0123456789abcdef0", |f| f.file_system_id.as_str());
    let log_group = view.logs.groups.first().map_or("/ecs/hello", |g| g.name.as_str());
    // A token of the form the playground gives; a waiting Task's own token is in its TaskScheduled parameters.
    let task_token = "AQB0123456789abcdef0123456789abcdef";
    let execution_arn = view.integrations.executions.first().map_or("arn:aws:states:us-east-1:123456789012:execution:nightly-batch:run-1", |e| e.arn.as_str());
    let bucket = view.integrations.buckets.first().map_or("example-uploads", |b| b.name.as_str());
    let table = view.integrations.tables.first().map_or("Orders", |t| t.name.as_str());
    let vpc = view.vpc_id.as_str();
    let zone = view.availability_zones.first().map_or("us-east-1a", String::as_str);
    let now_iso = ecs_sim::time::format_iso8601_ms(view.start_epoch_ms + view.now.0);
    let hour_ago_iso = ecs_sim::time::format_iso8601_ms((view.start_epoch_ms + view.now.0).saturating_sub(3_600_000));
    let now_s = (view.start_epoch_ms + view.now.0) / 1000;
    let hour_ago_s = now_s.saturating_sub(3600);
    let subnet_b = view.subnets.get(1).map_or("subnet-b", |s| s.subnet_id.as_str());
    let subnet_list = view.subnets.iter().map(|s| s.subnet_id.as_str()).collect::<Vec<_>>().join(",");
    let cluster_arn = format!("arn:aws:ecs:{}:123456789012:cluster/{cluster}", view.region);
    let instance_arn = format!("arn:aws:ec2:{}:123456789012:instance/{instance_id}", view.region);
    let subnet_arn = format!("arn:aws:ec2:{}:123456789012:subnet/{subnet}", view.region);
    let definition = format!(
        "{{\"StartAt\":\"RunJob\",\"States\":{{\"RunJob\":{{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::ecs:runTask.sync\",\"Parameters\":{{\"Cluster\":\"{cluster}\",\"TaskDefinition\":\"{family}\",\"LaunchType\":\"FARGATE\",\"NetworkConfiguration\":{{\"AwsvpcConfiguration\":{{\"Subnets\":[\"{subnet}\"]}}}}}},\"End\":true}}}}}}"
    );
    let instance = view.agent_logs.first().map_or("i-0123456789abcdef0", |l| l.ec2_instance_id.as_str());
    let nlb_arn = view.load_balancers.iter().find(|l| l.lb_type == ecs_sim::view::LbType::Network).map_or("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-nlb/0123456789abcdef", |l| l.arn.as_str());
    let link = view.network.privatelink.first();
    let (service_id, endpoint_id) = link.map_or(("vpce-svc-00000000000000001", "vpce-00000000000000002"), |l| (l.service_id.as_str(), l.vpc_endpoint_id.as_str()));
    match call {
        "ecs:CreateCluster" => json!({ "clusterName": "sandbox" }),
        "ecs:DescribeClusters" => json!({ "clusters": [cluster] }),
        "ecs:RegisterTaskDefinition" => json!({ "family": "hello", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole", "containerDefinitions": [{ "name": "hello", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": true, "portMappings": [{ "containerPort": 80, "protocol": "tcp" }] }] }),
        "ecs:DescribeTaskDefinition" | "ecs:DeregisterTaskDefinition" => json!({ "taskDefinition": family }),
        "ecs:CreateService" => json!({ "cluster": cluster, "serviceName": "hello", "taskDefinition": family, "desiredCount": 2, "launchType": "FARGATE", "networkConfiguration": { "awsvpcConfiguration": { "subnets": [subnet], "assignPublicIp": "DISABLED" } } }),
        "ecs:DescribeServices" => json!({ "cluster": cluster, "services": [service] }),
        "ecs:UpdateService" => json!({ "cluster": cluster, "service": service, "desiredCount": 3 }),
        "ecs:DeleteService" => json!({ "cluster": cluster, "service": service, "force": true }),
        "ecs:RunTask" => json!({ "cluster": cluster, "taskDefinition": family, "count": 1, "launchType": "FARGATE", "networkConfiguration": { "awsvpcConfiguration": { "subnets": [subnet] } } }),
        "ecs:DescribeTasks" => json!({ "cluster": cluster, "tasks": [task] }),
        "ecs:StopTask" => json!({ "cluster": cluster, "task": task, "reason": "Stopped from the API console" }),
        "ecs:ListTasks" | "ecs:ListServices" | "ecs:ListContainerInstances" => json!({ "cluster": cluster }),
        "ecs:UpdateClusterSettings" => json!({ "cluster": cluster, "settings": [{ "name": "containerInsights", "value": "enabled" }] }),
        "cloudwatch:PutMetricAlarm" => json!({ "AlarmName": "hello-cpu-high", "Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Dimensions": [{ "Name": "ClusterName", "Value": cluster }, { "Name": "ServiceName", "Value": service }], "Statistic": "Average", "Period": 60, "EvaluationPeriods": 3, "Threshold": 75, "ComparisonOperator": "GreaterThanThreshold" }),
        "cloudwatch:ListMetrics" => json!({ "Namespace": "AWS/ECS" }),
        "cloudwatch:SetAlarmState" => json!({ "AlarmName": "hello-cpu-high", "StateValue": "ALARM", "StateReason": "Testing the alarm's notification" }),
        "sns:CreateTopic" => json!({ "Name": "ops-alerts" }),
        "sns:Subscribe" => json!({ "TopicArn": "arn:aws:sns:us-east-1:123456789012:ops-alerts", "Protocol": "email", "Endpoint": "ops@example.com" }),
        "sns:ConfirmSubscription" => json!({ "TopicArn": "arn:aws:sns:us-east-1:123456789012:ops-alerts", "Token": "TOKEN_FROM_THE_CONFIRMATION_EMAIL" }),
        "sns:ListSubscriptionsByTopic" | "sns:DeleteTopic" => json!({ "TopicArn": "arn:aws:sns:us-east-1:123456789012:ops-alerts" }),
        "sns:Publish" => json!({ "TopicArn": "arn:aws:sns:us-east-1:123456789012:ops-alerts", "Subject": "Hello", "Message": "Hello from the playground" }),
        "sns:Unsubscribe" => json!({ "SubscriptionArn": "arn:aws:sns:us-east-1:123456789012:ops-alerts:SUBSCRIPTION_ID" }),
        "cloudwatch:DescribeAlarmHistory" => json!({ "AlarmName": "hello-cpu-high", "HistoryItemType": "StateUpdate", "MaxRecords": 10 }),
        "application-autoscaling:RegisterScalableTarget" => json!({ "ServiceNamespace": "ecs", "ResourceId": resource_id, "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 2, "MaxCapacity": 10 }),
        "application-autoscaling:PutScalingPolicy" => json!({ "PolicyName": "cpu50", "ServiceNamespace": "ecs", "ResourceId": resource_id, "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": { "TargetValue": 50, "PredefinedMetricSpecification": { "PredefinedMetricType": "ECSServiceAverageCPUUtilization" } } }),
        "application-autoscaling:DescribeScalableTargets" | "application-autoscaling:DescribeScalingPolicies" | "application-autoscaling:DescribeScalingActivities" => json!({ "ServiceNamespace": "ecs" }),
        "elasticloadbalancing:DescribeLoadBalancers" => json!({ "Names": [load_balancer] }),
        "iam:CreateRole" => json!({ "RoleName": "hello-task-role", "AssumeRolePolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}" }),
        "iam:GetRole" | "iam:ListAttachedRolePolicies" | "iam:ListRolePolicies" => json!({ "RoleName": "ecsTaskExecutionRole" }),
        "ec2:CreateVpcEndpointServiceConfiguration" => json!({ "NetworkLoadBalancerArns": [nlb_arn], "AcceptanceRequired": true }),
        "ec2:AcceptVpcEndpointConnections" => json!({ "ServiceId": service_id, "VpcEndpointIds": [endpoint_id] }),
        "sim:SetLoad" => json!({ "loadBalancer": load_balancer, "pattern": "constant", "requestsPerSecond": 200, "cpuMsPerRequest": 5 }),
        "sim:SetImageBehavior" => json!({ "image": "public.ecr.aws/nginx/nginx:1.27", "behavior": "exit", "exitCode": 1, "runFor": "30s" }),
        "sim:SetTimings" => json!({ "imagePull": "30s", "containerStart": "5s" }),
        "sim:SetTargetBehavior" => json!({ "cluster": cluster, "service": service, "responseCode": 500 }),
        "sim:TaskCall" => json!({ "cluster": cluster, "service": service, "action": "s3:GetObject", "resource": "arn:aws:s3:::example-bucket/report.csv" }),
        "sim:InterruptSpotTasks" => json!({ "cluster": cluster, "count": 1 }),
        "sim:SetFargateSpotCapacity" => json!({ "available": false }),
        "sim:SetQueue" => json!({ "queueName": "jobs", "cluster": cluster, "service": service, "messagesPerMinute": 600, "messagesPerTaskPerMinute": 60 }),
        "sim:GetAgentLog" => json!({ "instance": instance }),
        "events:PutRule" => json!({ "Name": "ecs-stopped-tasks", "EventPattern": "{\"source\":[\"aws.ecs\"],\"detail-type\":[\"ECS Task State Change\"],\"detail\":{\"lastStatus\":[\"STOPPED\"]}}" }),
        "events:PutTargets" => json!({ "Rule": "ecs-stopped-tasks", "Targets": [{ "Id": "archive", "Arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/ecs-stopped-tasks" }] }),
        "events:DescribeRule" => json!({ "Name": "ecs-stopped-tasks" }),
        "events:ListTargetsByRule" => json!({ "Rule": "ecs-stopped-tasks" }),
        "sim:SetInstanceFault" => json!({ "instanceId": instance_id, "fault": "agentDisconnected" }),
        "sim:ConfirmSubscription" => json!({ "endpoint": "ops@example.com" }),
        "s3:CreateBucket" => json!({ "Bucket": "example-uploads" }),
        "s3:PutObject" => json!({ "Bucket": "example-uploads", "Key": "in/photo-1.txt", "Body": "hello", "ContentType": "text/plain" }),
        "s3:GetObject" | "s3:HeadObject" => json!({ "Bucket": "example-uploads", "Key": "in/photo-1.txt" }),
        "s3:ListObjectsV2" => json!({ "Bucket": "example-uploads", "Prefix": "in/" }),
        "dynamodb:CreateTable" => json!({ "TableName": "Orders", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{ "AttributeName": "pk", "AttributeType": "S" }, { "AttributeName": "sk", "AttributeType": "N" }], "KeySchema": [{ "AttributeName": "pk", "KeyType": "HASH" }, { "AttributeName": "sk", "KeyType": "RANGE" }] }),
        "dynamodb:PutItem" => json!({ "TableName": "Orders", "Item": { "pk": { "S": "customer-1" }, "sk": { "N": "1" }, "total": { "N": "25.5" } } }),
        "dynamodb:Query" => json!({ "TableName": "Orders", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": { ":p": { "S": "customer-1" } } }),
        "ecs:ListClusters" => json!({ "maxResults": 10 }),
        "ecs:DeleteCluster" => json!({ "cluster": "sandbox" }),
        "ecs:ListTaskDefinitions" => json!({ "familyPrefix": family, "status": "ACTIVE", "sort": "DESC" }),
        "ecs:ListTaskDefinitionFamilies" => json!({ "status": "ACTIVE" }),
        "ecs:DescribeContainerInstances" => json!({ "cluster": cluster, "containerInstances": [container_instance] }),
        "ecs:UpdateContainerInstancesState" => json!({ "cluster": cluster, "containerInstances": [container_instance], "status": "DRAINING" }),
        "ecs:DeregisterContainerInstance" => json!({ "cluster": cluster, "containerInstance": container_instance, "force": true }),
        "ecs:PutAttributes" => json!({ "cluster": cluster, "attributes": [{ "name": "stack", "value": "prod", "targetType": "container-instance", "targetId": container_instance }] }),
        "ecs:DeleteAttributes" => json!({ "cluster": cluster, "attributes": [{ "name": "stack", "targetType": "container-instance", "targetId": container_instance }] }),
        "ecs:ListAttributes" => json!({ "cluster": cluster, "targetType": "container-instance", "attributeName": "stack" }),
        "ecs:CreateCapacityProvider" => json!({ "name": "web-asg-provider", "autoScalingGroupProvider": { "autoScalingGroupArn": "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0d0ac8b9-9e7c-4b2a-8c4d-3f1e2a5b6c7d:autoScalingGroupName/web-asg", "managedScaling": { "status": "ENABLED", "targetCapacity": 100 }, "managedTerminationProtection": "DISABLED" } }),
        "ecs:DescribeCapacityProviders" => json!({ "capacityProviders": ["FARGATE", "FARGATE_SPOT"] }),
        "ecs:PutClusterCapacityProviders" => json!({ "cluster": cluster, "capacityProviders": ["FARGATE", "FARGATE_SPOT"], "defaultCapacityProviderStrategy": [{ "capacityProvider": "FARGATE", "base": 1, "weight": 1 }, { "capacityProvider": "FARGATE_SPOT", "weight": 3 }] }),
        "ec2:RunInstances" => json!({ "ImageId": "ami-0c02fb55956c7d316", "InstanceType": "m5.large", "MinCount": 1, "MaxCount": 1, "SubnetId": subnet, "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "#!/bin/bash\necho ECS_CLUSTER=demo >> /etc/ecs/ecs.config" }),
        "ec2:DescribeInstances" => json!({ "InstanceIds": [instance_id] }),
        "ec2:TerminateInstances" => json!({ "InstanceIds": [instance_id] }),
        "ec2:CreateLaunchTemplate" => json!({ "LaunchTemplateName": "ecs-web", "LaunchTemplateData": { "ImageId": "ami-0c02fb55956c7d316", "InstanceType": "m5.large", "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "IyEvYmluL2Jhc2gKZWNobyBFQ1NfQ0xVU1RFUj1kZW1vID4+IC9ldGMvZWNzL2Vjcy5jb25maWc=" } }),
        "ec2:CreateVpc" => json!({ "CidrBlock": "10.1.0.0/16" }),
        "ec2:DescribeVpcs" => json!({ "VpcIds": [vpc] }),
        "ec2:CreateSubnet" => json!({ "VpcId": vpc, "CidrBlock": "10.0.200.0/24", "AvailabilityZone": zone }),
        "ec2:DescribeSubnets" => json!({ "SubnetIds": [subnet] }),
        "ec2:ModifySubnetAttribute" => json!({ "SubnetId": subnet, "MapPublicIpOnLaunch": { "Value": true } }),
        "ec2:CreateInternetGateway" => json!({}),
        "ec2:AttachInternetGateway" => json!({ "InternetGatewayId": "igw-0123456789abcdef0", "VpcId": vpc }),
        "ec2:DescribeInternetGateways" => json!({ "Filters": [{ "Name": "attachment.vpc-id", "Values": [vpc] }] }),
        "ec2:CreateRouteTable" => json!({ "VpcId": vpc }),
        "ec2:CreateRoute" => json!({ "RouteTableId": "rtb-0123456789abcdef0", "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0123456789abcdef0" }),
        "ec2:AssociateRouteTable" => json!({ "RouteTableId": "rtb-0123456789abcdef0", "SubnetId": subnet }),
        "ec2:DescribeRouteTables" => json!({ "Filters": [{ "Name": "vpc-id", "Values": [vpc] }] }),
        "ec2:AllocateAddress" => json!({ "Domain": "vpc" }),
        "ec2:DescribeAddresses" => json!({}),
        "ec2:CreateNatGateway" => json!({ "SubnetId": subnet, "AllocationId": "eipalloc-0123456789abcdef0", "ConnectivityType": "public" }),
        "ec2:DescribeNatGateways" => json!({ "Filter": [{ "Name": "vpc-id", "Values": [vpc] }] }),
        "ec2:CreateSecurityGroup" => json!({ "GroupName": "web-tasks", "Description": "Tasks of the web service", "VpcId": vpc }),
        "ec2:AuthorizeSecurityGroupIngress" => json!({ "GroupId": "sg-0123456789abcdef0", "IpPermissions": [{ "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{ "CidrIp": "0.0.0.0/0" }] }] }),
        "ec2:AuthorizeSecurityGroupEgress" => json!({ "GroupId": "sg-0123456789abcdef0", "IpPermissions": [{ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{ "CidrIp": "0.0.0.0/0" }] }] }),
        "ec2:DescribeSecurityGroups" => json!({ "Filters": [{ "Name": "vpc-id", "Values": [vpc] }] }),
        "ec2:CreateVpcEndpoint" => json!({ "VpcId": vpc, "ServiceName": "com.amazonaws.us-east-1.ecr.dkr", "VpcEndpointType": "Interface", "SubnetIds": [subnet], "PrivateDnsEnabled": true }),
        "ec2:DescribeVpcEndpoints" => json!({ "Filters": [{ "Name": "vpc-id", "Values": [vpc] }] }),
        "elasticloadbalancing:CreateLoadBalancer" => json!({ "Name": "hello-alb", "Type": "application", "Scheme": "internet-facing", "Subnets": [subnet, subnet_b] }),
        "elasticloadbalancing:DeleteLoadBalancer" => json!({ "LoadBalancerArn": lb_arn }),
        "elasticloadbalancing:CreateTargetGroup" => json!({ "Name": "hello-tg", "Protocol": "HTTP", "Port": 80, "VpcId": vpc, "TargetType": "ip", "HealthCheckPath": "/" }),
        "elasticloadbalancing:DescribeTargetGroups" => json!({ "LoadBalancerArn": lb_arn }),
        "elasticloadbalancing:ModifyTargetGroup" => json!({ "TargetGroupArn": tg_arn, "HealthCheckPath": "/healthz", "HealthCheckIntervalSeconds": 10 }),
        "elasticloadbalancing:DescribeTargetGroupAttributes" | "elasticloadbalancing:DeleteTargetGroup" => json!({ "TargetGroupArn": tg_arn }),
        "elasticloadbalancing:ModifyTargetGroupAttributes" => json!({ "TargetGroupArn": tg_arn, "Attributes": [{ "Key": "deregistration_delay.timeout_seconds", "Value": "30" }] }),
        "elasticloadbalancing:DescribeTargetHealth" => json!({ "TargetGroupArn": tg_arn }),
        "elasticloadbalancing:RegisterTargets" | "elasticloadbalancing:DeregisterTargets" => json!({ "TargetGroupArn": tg_arn, "Targets": [{ "Id": "10.0.1.25", "Port": 80 }] }),
        "elasticloadbalancing:CreateListener" => json!({ "LoadBalancerArn": lb_arn, "Protocol": "HTTP", "Port": 80, "DefaultActions": [{ "Type": "forward", "TargetGroupArn": tg_arn }] }),
        "elasticloadbalancing:DescribeListeners" => json!({ "LoadBalancerArn": lb_arn }),
        "elasticloadbalancing:DeleteListener" => json!({ "ListenerArn": listener_arn }),
        "elasticloadbalancing:CreateRule" => json!({ "ListenerArn": listener_arn, "Priority": 10, "Conditions": [{ "Field": "path-pattern", "Values": ["/api/*"] }], "Actions": [{ "Type": "forward", "TargetGroupArn": tg_arn }] }),
        "elasticloadbalancing:DescribeRules" => json!({ "ListenerArn": listener_arn }),
        "elasticloadbalancing:DeleteRule" => json!({ "RuleArn": rule_arn }),
        "elasticloadbalancing:SetRulePriorities" => json!({ "RulePriorities": [{ "RuleArn": rule_arn, "Priority": 5 }] }),
        "elasticloadbalancing:RegisterInstancesWithLoadBalancer" | "elasticloadbalancing:DeregisterInstancesFromLoadBalancer" => json!({ "LoadBalancerName": load_balancer, "Instances": [{ "InstanceId": instance_id }] }),
        "elasticloadbalancing:DescribeInstanceHealth" => json!({ "LoadBalancerName": load_balancer }),
        "autoscaling:CreateAutoScalingGroup" => json!({ "AutoScalingGroupName": "web-asg", "LaunchTemplate": { "LaunchTemplateName": "ecs-web", "Version": "$Latest" }, "MinSize": 0, "MaxSize": 6, "DesiredCapacity": 2, "VPCZoneIdentifier": subnet_list }),
        "autoscaling:DescribeAutoScalingGroups" => json!({ "AutoScalingGroupNames": ["web-asg"] }),
        "autoscaling:SetDesiredCapacity" => json!({ "AutoScalingGroupName": "web-asg", "DesiredCapacity": 3 }),
        "autoscaling:UpdateAutoScalingGroup" => json!({ "AutoScalingGroupName": "web-asg", "MinSize": 1, "MaxSize": 8 }),
        "autoscaling:SetInstanceProtection" => json!({ "AutoScalingGroupName": "web-asg", "InstanceIds": [instance_id], "ProtectedFromScaleIn": true }),
        "autoscaling:PutScalingPolicy" => json!({ "AutoScalingGroupName": "web-asg", "PolicyName": "cpu60", "PolicyType": "TargetTrackingScaling", "TargetTrackingConfiguration": { "PredefinedMetricSpecification": { "PredefinedMetricType": "ASGAverageCPUUtilization" }, "TargetValue": 60 } }),
        "autoscaling:DescribePolicies" | "autoscaling:DescribeScalingActivities" => json!({ "AutoScalingGroupName": "web-asg" }),
        "autoscaling:DeletePolicy" => json!({ "AutoScalingGroupName": "web-asg", "PolicyName": "cpu60" }),
        "application-autoscaling:DeregisterScalableTarget" => json!({ "ServiceNamespace": "ecs", "ResourceId": resource_id, "ScalableDimension": "ecs:service:DesiredCount" }),
        "application-autoscaling:DeleteScalingPolicy" => json!({ "PolicyName": "cpu50", "ServiceNamespace": "ecs", "ResourceId": resource_id, "ScalableDimension": "ecs:service:DesiredCount" }),
        "application-autoscaling:PutScheduledAction" => json!({ "ServiceNamespace": "ecs", "ScheduledActionName": "morning-rush", "ResourceId": resource_id, "ScalableDimension": "ecs:service:DesiredCount", "Schedule": "cron(45 8 * * ? *)", "Timezone": "Europe/London", "ScalableTargetAction": { "MinCapacity": 6, "MaxCapacity": 20 } }),
        "application-autoscaling:DescribeScheduledActions" => json!({ "ServiceNamespace": "ecs", "ResourceId": resource_id }),
        "application-autoscaling:DeleteScheduledAction" => json!({ "ServiceNamespace": "ecs", "ScheduledActionName": "morning-rush", "ResourceId": resource_id, "ScalableDimension": "ecs:service:DesiredCount" }),
        "cloudwatch:DescribeAlarms" => json!({ "StateValue": "ALARM" }),
        "cloudwatch:DeleteAlarms" => json!({ "AlarmNames": ["hello-cpu-high"] }),
        "cloudwatch:GetMetricStatistics" => json!({ "Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Dimensions": [{ "Name": "ClusterName", "Value": cluster }, { "Name": "ServiceName", "Value": service }], "StartTime": hour_ago_iso, "EndTime": now_iso, "Period": 60, "Statistics": ["Average", "Maximum"] }),
        "cloudwatch:PutMetricData" => json!({ "Namespace": "Shop/Orders", "MetricData": [{ "MetricName": "QueueDepth", "Value": 42, "Unit": "Count" }] }),
        "iam:ListRoles" => json!({ "PathPrefix": "/" }),
        "iam:DeleteRole" => json!({ "RoleName": "hello-task-role" }),
        "iam:AttachRolePolicy" | "iam:DetachRolePolicy" => json!({ "RoleName": "hello-task-role", "PolicyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }),
        "iam:PutRolePolicy" => json!({ "RoleName": "hello-task-role", "PolicyName": "orders-table", "PolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:GetItem\",\"dynamodb:PutItem\"],\"Resource\":\"arn:aws:dynamodb:us-east-1:123456789012:table/Orders\"}]}" }),
        "iam:GetRolePolicy" | "iam:DeleteRolePolicy" => json!({ "RoleName": "hello-task-role", "PolicyName": "orders-table" }),
        "iam:CreatePolicy" => json!({ "PolicyName": "read-uploads", "PolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::example-uploads/*\"}]}" }),
        "iam:CreateInstanceProfile" | "iam:GetInstanceProfile" => json!({ "InstanceProfileName": "ecsInstanceRole" }),
        "iam:AddRoleToInstanceProfile" | "iam:RemoveRoleFromInstanceProfile" => json!({ "InstanceProfileName": "ecsInstanceRole", "RoleName": "ecsInstanceRole" }),
        "secretsmanager:CreateSecret" => json!({ "Name": "prod/web/db-password", "SecretString": "correct-horse-battery-staple" }),
        "secretsmanager:GetSecretValue" => json!({ "SecretId": "prod/web/db-password" }),
        "ssm:PutParameter" => json!({ "Name": "/web/feature-flags", "Value": "checkout=on", "Type": "String", "Overwrite": true }),
        "ssm:GetParameter" => json!({ "Name": "/web/feature-flags" }),
        "ssm:GetParameters" => json!({ "Names": ["/web/feature-flags"] }),
        "efs:CreateFileSystem" => json!({ "CreationToken": "wordpress-content", "PerformanceMode": "generalPurpose", "ThroughputMode": "elastic", "Encrypted": true }),
        "efs:DescribeFileSystems" | "efs:DescribeMountTargets" | "efs:DescribeAccessPoints" | "efs:DeleteFileSystem" => json!({ "FileSystemId": file_system }),
        "efs:CreateMountTarget" => json!({ "FileSystemId": file_system, "SubnetId": subnet }),
        "efs:DeleteMountTarget" => json!({ "MountTargetId": "fsmt-0123456789abcdef0" }),
        "efs:CreateAccessPoint" => json!({ "ClientToken": "wordpress-ap", "FileSystemId": file_system, "PosixUser": { "Uid": 33, "Gid": 33 }, "RootDirectory": { "Path": "/wordpress", "CreationInfo": { "OwnerUid": 33, "OwnerGid": 33, "Permissions": "755" } } }),
        "efs:DeleteAccessPoint" => json!({ "AccessPointId": "fsap-0123456789abcdef0" }),
        "logs:CreateLogGroup" => json!({ "logGroupName": "/ecs/hello" }),
        "logs:DeleteLogGroup" => json!({ "logGroupName": log_group }),
        "logs:PutRetentionPolicy" => json!({ "logGroupName": log_group, "retentionInDays": 7 }),
        "logs:DescribeLogGroups" => json!({ "logGroupNamePrefix": "/ecs/" }),
        "logs:DescribeLogStreams" => json!({ "logGroupName": log_group, "orderBy": "LastEventTime", "descending": true, "limit": 10 }),
        "logs:GetLogEvents" => json!({ "logGroupName": log_group, "logStreamName": "ecs/web/TASK_ID", "startFromHead": true, "limit": 50 }),
        "logs:FilterLogEvents" => json!({ "logGroupName": log_group, "filterPattern": "?ERROR ?Exception", "limit": 50 }),
        "logs:StartQuery" => json!({ "logGroupName": log_group, "startTime": hour_ago_s, "endTime": now_s, "queryString": "fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 20" }),
        "logs:GetQueryResults" => json!({ "queryId": "QUERY_ID" }),
        "s3:DeleteObject" => json!({ "Bucket": bucket, "Key": "in/photo-1.txt" }),
        "s3:PutBucketPolicy" => json!({ "Bucket": bucket, "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecureTransport\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::example-uploads\",\"arn:aws:s3:::example-uploads/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}" }),
        "s3:PutBucketNotificationConfiguration" => json!({ "Bucket": bucket, "NotificationConfiguration": { "EventBridgeConfiguration": {} } }),
        "dynamodb:DescribeTable" | "dynamodb:Scan" => json!({ "TableName": table }),
        "dynamodb:GetItem" | "dynamodb:DeleteItem" => json!({ "TableName": table, "Key": { "pk": { "S": "customer-1" }, "sk": { "N": "1" } } }),
        "dynamodb:UpdateItem" => json!({ "TableName": table, "Key": { "pk": { "S": "customer-1" }, "sk": { "N": "1" } }, "UpdateExpression": "SET #s = :s ADD visits :one", "ExpressionAttributeNames": { "#s": "status" }, "ExpressionAttributeValues": { ":s": { "S": "shipped" }, ":one": { "N": "1" } } }),
        "rds:CreateDBSubnetGroup" => json!({ "DBSubnetGroupName": "app-db", "DBSubnetGroupDescription": "Private subnets of the database", "SubnetIds": [subnet, subnet_b] }),
        "rds:CreateDBInstance" => json!({ "DBInstanceIdentifier": "app-db", "DBInstanceClass": "db.t4g.micro", "Engine": "postgres", "AllocatedStorage": 20, "MasterUsername": "app", "ManageMasterUserPassword": true, "DBSubnetGroupName": "app-db", "MultiAZ": true }),
        "rds:DescribeDBInstances" => json!({ "DBInstanceIdentifier": "app-db" }),
        "rds:RebootDBInstance" => json!({ "DBInstanceIdentifier": "app-db", "ForceFailover": true }),
        "rds:DescribeEvents" => json!({ "SourceIdentifier": "app-db", "SourceType": "db-instance", "Duration": 60 }),
        "events:ListRules" => json!({ "NamePrefix": "uploads" }),
        "states:CreateStateMachine" => json!({ "name": "nightly-batch", "roleArn": "arn:aws:iam::123456789012:role/StepFunctionsEcsRole", "definition": definition }),
        "states:DescribeStateMachine" | "states:StartExecution" => json!({ "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:nightly-batch" }),
        "states:DescribeExecution" | "states:GetExecutionHistory" => json!({ "executionArn": execution_arn }),
        "states:SendTaskSuccess" => json!({ "taskToken": task_token, "output": "{\"thumbnail\":\"thumbnails/cat.png\"}" }),
        "states:SendTaskFailure" => json!({ "taskToken": task_token, "error": "Job.Failed", "cause": "The input object could not be read." }),
        "states:SendTaskHeartbeat" => json!({ "taskToken": task_token }),
        "states:StopExecution" => json!({ "executionArn": execution_arn, "error": "Operator.Cancelled", "cause": "Stopped from the API console" }),
        "sim:DescribeCost" => json!({}),
        "sim:ReadFile" => json!({ "cluster": cluster, "service": service, "path": "/usr/share/nginx/html/index.html" }),
        "sim:WriteFile" => json!({ "cluster": cluster, "service": service, "path": "/usr/share/nginx/html/index.html", "content": "hello from the API console" }),
        "sim:SetWorkload" => json!({ "cluster": cluster, "service": service, "operations": [{ "operation": "dynamodb:GetItem", "params": { "TableName": table, "Key": { "pk": { "S": "customer-1" }, "sk": { "N": "2" } } } }] }),
        "sim:TaskOperation" => json!({ "cluster": cluster, "service": service, "operation": "dynamodb:PutItem", "params": { "TableName": table, "Item": { "pk": { "S": "customer-1" }, "sk": { "N": "2" } } } }),
        "fis:aws:ecs:stop-task" => json!({ "targets": { "Tasks": { "resourceType": "aws:ecs:task", "resourceArns": [task], "selectionMode": "ALL" } } }),
        "fis:aws:ecs:drain-container-instances" => json!({ "targets": { "Clusters": { "resourceType": "aws:ecs:cluster", "resourceArns": [cluster_arn], "selectionMode": "ALL" } }, "parameters": { "drainagePercentage": "50", "duration": "PT10M" } }),
        "fis:aws:ec2:terminate-instances" => json!({ "targets": { "Instances": { "resourceType": "aws:ec2:instance", "resourceArns": [instance_arn], "selectionMode": "COUNT(1)" } } }),
        "fis:aws:ec2:send-spot-instance-interruptions" => json!({ "targets": { "SpotInstances": { "resourceType": "aws:ec2:spot-instance", "resourceArns": [instance_arn], "selectionMode": "ALL" } }, "parameters": { "durationBeforeInterruption": "PT2M" } }),
        "fis:aws:rds:reboot-db-instances" => json!({ "targets": { "DBInstances": { "resourceType": "aws:rds:db", "resourceArns": ["arn:aws:rds:us-east-1:123456789012:db:app-db"], "selectionMode": "ALL" } }, "parameters": { "forceFailover": "true" } }),
        "fis:aws:network:disrupt-connectivity" => json!({ "targets": { "Subnets": { "resourceType": "aws:ec2:subnet", "resourceArns": [subnet_arn], "selectionMode": "ALL" } }, "parameters": { "duration": "PT5M" } }),
        _ => json!({}),
    }
}

/// The example input of `call`, pretty.
pub fn example_text(call: &str, view: &View) -> String {
    serde_json::to_string_pretty(&example_input(call, view)).unwrap_or_default()
}

/// The JSON object a learner wrote for `call`, or why it is not one: malformed JSON, a key named twice, or a
/// member AWS's model does not list (nothing is called then, as AWS's CLI refuses it before sending, in the
/// CLI's words: "Parameter validation failed:" and a line per unknown member).
pub fn parse_input(call: &str, text: &str) -> Result<Value, String> {
    let value = match ecs_sim::codec::parse_json(text) {
        Ok(value @ Value::Object(_)) => value,
        Ok(_) => return Err("The input must be a JSON object: { \"name\": value, ... }.".into()),
        Err(e) => return Err(format!("The input is not valid JSON: {e}.")),
    };
    let unknown = unknown_parameters(call, &value);
    if unknown.is_empty() {
        Ok(value)
    } else {
        Err(format!("Parameter validation failed:\n{}", unknown.join("\n")))
    }
}

/// A line for each member of `input` that the model of `call` does not list, as botocore words it (`Unknown
/// parameter in <path>: "<name>", must be one of: <members>`); none for a call without a model (`sim:`, `fis:`).
pub fn unknown_parameters(call: &str, input: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(i) = members::CALL_INPUTS.binary_search_by(|(name, _)| (*name).cmp(call)) {
        check_members(input, members::CALL_INPUTS[i].1, "input", &mut out);
    }
    out
}

fn check_members(value: &Value, shape: u16, path: &str, out: &mut Vec<String>) {
    let Some(members) = members::SHAPES.get(usize::from(shape)) else { return };
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_members(item, shape, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (key, member) in map {
                match members.iter().find(|(name, _)| name == key) {
                    Some((_, inner)) => {
                        let inner_path = if path == "input" { key.clone() } else { format!("{path}.{key}") };
                        check_members(member, *inner, &inner_path, out);
                    }
                    None => {
                        let names: Vec<&str> = members.iter().map(|(name, _)| *name).collect();
                        out.push(format!("Unknown parameter in {path}: \"{key}\", must be one of: {}", names.join(", ")));
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The calls whose real example is `{}`: they need nothing and take no filter worth showing.
    const EMPTY_EXAMPLES: &[&str] = &["ec2:CreateInternetGateway", "ec2:DescribeAddresses", "ec2:DescribeVpcEndpointConnections", "ec2:DescribeVpcEndpointServiceConfigurations", "sim:DescribeCost", "sns:ListTopics"];

    #[test]
    fn every_call_of_the_call_table_has_a_real_example() {
        let sim = ecs_sim::sim::Sim::new(&ecs_sim::scenario::blank_scenario(), None);
        let view = sim.view();
        let mut missing = Vec::new();
        for call in ecs_sim::api::calls::CALLS {
            let example = example_input(call.name, &view);
            if example == json!({}) && !EMPTY_EXAMPLES.contains(&call.name) {
                missing.push(call.name);
            }
            // Each example names only members of its call's model, and none the playground refuses.
            assert_eq!(unknown_parameters(call.name, &example), Vec::<String>::new(), "{}", call.name);
            assert_eq!(ecs_sim::api::unmodelled::unmodelled_member(call.name, &example), None, "{}", call.name);
        }
        assert!(missing.is_empty(), "calls whose console example is {{}}: {missing:?}");
    }

    #[test]
    fn a_member_no_model_lists_is_named_with_its_path_as_the_cli_does() {
        let error = parse_input("ecs:DescribeServices", r#"{ "cluster": "demo", "service": ["web"] }"#).unwrap_err();
        assert_eq!(error, "Parameter validation failed:\nUnknown parameter in input: \"service\", must be one of: cluster, services, include");
        let error = parse_input(
            "ecs:CreateService",
            r#"{ "serviceName": "a", "networkConfiguration": { "awsvpcConfiguration": { "subnet": ["s"] } }, "loadBalancers": [{ "containerName": "c" }, { "port": 1 }] }"#,
        )
        .unwrap_err();
        assert!(error.contains("Unknown parameter in networkConfiguration.awsvpcConfiguration: \"subnet\", must be one of: subnets, securityGroups, assignPublicIp"), "{error}");
        assert!(error.contains("Unknown parameter in loadBalancers[1]: \"port\""), "{error}");
        assert!(parse_input("ecs:CreateService", r#"{ "serviceName": "a", "desiredCount": 1 }"#).is_ok());
        // The playground's own calls have no model: nothing to check against.
        assert!(parse_input("sim:SetTimings", r#"{ "imagePull": "10s" }"#).is_ok());
        assert!(parse_input("ecs:DescribeServices", r#"{ "cluster": "a", "cluster": "b" }"#).unwrap_err().contains("duplicate key"));
    }
}
