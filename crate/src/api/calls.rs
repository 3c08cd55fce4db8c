//! The call surface as data: one table of every AWS call the playground answers, sorted by name.
//!
//! Each row names the call as IAM names its action (`service:Operation`), the AWS service whose API model
//! defines it (the botocore model the checks compare against), whether it only reads, and the model that
//! handles it. `is_known_call`, `known_calls`, `is_read_only_call`, the scenario validator and the app's API
//! console all read this table; the dispatcher (`Sim::call`) routes by its `handler` and builds only that
//! model's context. Adding a service is one folder with its state and `handle`, and one row per call here.

/// The AWS service (API model) a call belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    Ecs,
    Ec2,
    Iam,
    SecretsManager,
    Ssm,
    Efs,
    /// Application and Network Load Balancers (Elastic Load Balancing version 2).
    ElasticLoadBalancing,
    /// The Classic Load Balancer's own calls (Elastic Load Balancing version 1).
    ElasticLoadBalancingClassic,
    ApplicationAutoScaling,
    CloudWatch,
    /// CloudWatch Logs.
    Logs,
    AutoScaling,
    S3,
    DynamoDb,
    /// Amazon EventBridge (the `events` API).
    EventBridge,
    /// AWS Step Functions (IAM's `states` prefix).
    StepFunctions,
    Rds,
    /// Amazon SNS.
    Sns,
    /// AWS Fault Injection Service actions, run as calls (`fis:aws:ec2:terminate-instances`).
    Fis,
    /// The playground's own calls for what has no AWS API: traffic, workloads, image behaviour.
    Sim,
}

impl Service {
    /// The service's name in botocore's `data/<name>/` folder, `None` for what has no AWS API model
    /// (FIS actions are run as calls here, `sim:` calls are the playground's own).
    pub fn botocore_model(self) -> Option<&'static str> {
        Some(match self {
            Service::Ecs => "ecs",
            Service::Ec2 => "ec2",
            Service::Iam => "iam",
            Service::SecretsManager => "secretsmanager",
            Service::Ssm => "ssm",
            Service::Efs => "efs",
            Service::ElasticLoadBalancing => "elbv2",
            Service::ElasticLoadBalancingClassic => "elb",
            Service::ApplicationAutoScaling => "application-autoscaling",
            Service::CloudWatch => "cloudwatch",
            Service::Logs => "logs",
            Service::AutoScaling => "autoscaling",
            Service::S3 => "s3",
            Service::DynamoDb => "dynamodb",
            Service::EventBridge => "events",
            Service::StepFunctions => "stepfunctions",
            Service::Rds => "rds",
            Service::Sns => "sns",
            Service::Fis | Service::Sim => return None,
        })
    }

    /// What the API console's groups call the service.
    pub fn title(self) -> &'static str {
        match self {
            Service::Ecs => "Amazon ECS",
            Service::Ec2 => "Amazon EC2",
            Service::Iam => "IAM",
            Service::SecretsManager => "Secrets Manager",
            Service::Ssm => "Systems Manager",
            Service::Efs => "Amazon EFS",
            Service::ElasticLoadBalancing => "Elastic Load Balancing",
            Service::ElasticLoadBalancingClassic => "Classic Load Balancer",
            Service::ApplicationAutoScaling => "Application Auto Scaling",
            Service::CloudWatch => "CloudWatch",
            Service::Logs => "CloudWatch Logs",
            Service::AutoScaling => "EC2 Auto Scaling",
            Service::S3 => "Amazon S3",
            Service::DynamoDb => "Amazon DynamoDB",
            Service::EventBridge => "Amazon EventBridge",
            Service::StepFunctions => "AWS Step Functions",
            Service::Rds => "Amazon RDS",
            Service::Sns => "Amazon SNS",
            Service::Fis => "Fault Injection Service",
            Service::Sim => "Playground",
        }
    }
}

/// Whether a call only reads. A read changes nothing, so in a rewound run it leaves the later calls in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// The model that answers a call; the dispatcher builds only the context this model needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handler {
    /// The engine itself (`sim/`): ECS, EC2 instances, FIS actions and `sim:` calls.
    Engine,
    /// `iam/`: IAM, Secrets Manager and SSM Parameter Store.
    Iam,
    /// `efs/`.
    Efs,
    /// `elb/`.
    Elb,
    /// `scaling/`: Application Auto Scaling, CloudWatch, EC2 Auto Scaling, launch templates, capacity providers.
    Scaling,
    /// `s3/`.
    S3,
    /// `dynamodb/`.
    DynamoDb,
    /// `events/`.
    Events,
    /// `states/`.
    States,
    /// `rds/`.
    Rds,
    /// `logs/`: CloudWatch Logs.
    Logs,
    /// `sns/`: Amazon SNS topics, subscriptions and the inbox.
    Sns,
    /// `vpc/`: VPCs, subnets, gateways, route tables, Elastic IPs, security groups, VPC endpoints.
    Vpc,
}

/// One row of the call table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// `service:Operation`, as IAM names the action (`ecs:RunTask`); FIS actions are `fis:<action id>`.
    pub name: &'static str,
    pub service: Service,
    pub access: Access,
    pub handler: Handler,
}

impl Call {
    /// The operation's name in its service's API model (`RunTask` of `ecs:RunTask`).
    pub fn operation(&self) -> &'static str {
        self.name.split_once(':').map(|(_, op)| op).unwrap_or(self.name)
    }
}

const fn call(name: &'static str, service: Service, access: Access, handler: Handler) -> Call {
    Call { name, service, access, handler }
}

/// Every call the playground answers, sorted by name (byte order): [`find`] searches it.
pub const CALLS: &[Call] = &[
    call("application-autoscaling:DeleteScalingPolicy", Service::ApplicationAutoScaling, Access::Write, Handler::Scaling),
    call("application-autoscaling:DeleteScheduledAction", Service::ApplicationAutoScaling, Access::Write, Handler::Scaling),
    call("application-autoscaling:DeregisterScalableTarget", Service::ApplicationAutoScaling, Access::Write, Handler::Scaling),
    call("application-autoscaling:DescribeScalableTargets", Service::ApplicationAutoScaling, Access::Read, Handler::Scaling),
    call("application-autoscaling:DescribeScalingActivities", Service::ApplicationAutoScaling, Access::Read, Handler::Scaling),
    call("application-autoscaling:DescribeScalingPolicies", Service::ApplicationAutoScaling, Access::Read, Handler::Scaling),
    call("application-autoscaling:DescribeScheduledActions", Service::ApplicationAutoScaling, Access::Read, Handler::Scaling),
    call("application-autoscaling:PutScalingPolicy", Service::ApplicationAutoScaling, Access::Write, Handler::Scaling),
    call("application-autoscaling:PutScheduledAction", Service::ApplicationAutoScaling, Access::Write, Handler::Scaling),
    call("application-autoscaling:RegisterScalableTarget", Service::ApplicationAutoScaling, Access::Write, Handler::Scaling),
    call("autoscaling:CreateAutoScalingGroup", Service::AutoScaling, Access::Write, Handler::Scaling),
    call("autoscaling:DeletePolicy", Service::AutoScaling, Access::Write, Handler::Scaling),
    call("autoscaling:DescribeAutoScalingGroups", Service::AutoScaling, Access::Read, Handler::Scaling),
    call("autoscaling:DescribePolicies", Service::AutoScaling, Access::Read, Handler::Scaling),
    call("autoscaling:DescribeScalingActivities", Service::AutoScaling, Access::Read, Handler::Scaling),
    call("autoscaling:PutScalingPolicy", Service::AutoScaling, Access::Write, Handler::Scaling),
    call("autoscaling:SetDesiredCapacity", Service::AutoScaling, Access::Write, Handler::Scaling),
    call("autoscaling:SetInstanceProtection", Service::AutoScaling, Access::Write, Handler::Scaling),
    call("autoscaling:UpdateAutoScalingGroup", Service::AutoScaling, Access::Write, Handler::Scaling),
    call("cloudwatch:DeleteAlarms", Service::CloudWatch, Access::Write, Handler::Scaling),
    call("cloudwatch:DescribeAlarmHistory", Service::CloudWatch, Access::Read, Handler::Scaling),
    call("cloudwatch:DescribeAlarms", Service::CloudWatch, Access::Read, Handler::Scaling),
    call("cloudwatch:GetMetricStatistics", Service::CloudWatch, Access::Read, Handler::Scaling),
    call("cloudwatch:ListMetrics", Service::CloudWatch, Access::Read, Handler::Scaling),
    call("cloudwatch:PutMetricAlarm", Service::CloudWatch, Access::Write, Handler::Scaling),
    call("cloudwatch:PutMetricData", Service::CloudWatch, Access::Write, Handler::Scaling),
    call("cloudwatch:SetAlarmState", Service::CloudWatch, Access::Write, Handler::Scaling),
    call("dynamodb:CreateTable", Service::DynamoDb, Access::Write, Handler::DynamoDb),
    call("dynamodb:DeleteItem", Service::DynamoDb, Access::Write, Handler::DynamoDb),
    call("dynamodb:DescribeTable", Service::DynamoDb, Access::Read, Handler::DynamoDb),
    call("dynamodb:GetItem", Service::DynamoDb, Access::Read, Handler::DynamoDb),
    call("dynamodb:PutItem", Service::DynamoDb, Access::Write, Handler::DynamoDb),
    call("dynamodb:Query", Service::DynamoDb, Access::Read, Handler::DynamoDb),
    call("dynamodb:Scan", Service::DynamoDb, Access::Read, Handler::DynamoDb),
    call("dynamodb:UpdateItem", Service::DynamoDb, Access::Write, Handler::DynamoDb),
    call("ec2:AcceptVpcEndpointConnections", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:AllocateAddress", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:AssociateRouteTable", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:AttachInternetGateway", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:AuthorizeSecurityGroupEgress", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:AuthorizeSecurityGroupIngress", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:CreateInternetGateway", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:CreateLaunchTemplate", Service::Ec2, Access::Write, Handler::Scaling),
    call("ec2:CreateNatGateway", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:CreateRoute", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:CreateRouteTable", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:CreateSecurityGroup", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:CreateSubnet", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:CreateVpc", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:CreateVpcEndpoint", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:CreateVpcEndpointServiceConfiguration", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:DescribeAddresses", Service::Ec2, Access::Read, Handler::Vpc),
    call("ec2:DescribeInstances", Service::Ec2, Access::Read, Handler::Engine),
    call("ec2:DescribeInternetGateways", Service::Ec2, Access::Read, Handler::Vpc),
    call("ec2:DescribeNatGateways", Service::Ec2, Access::Read, Handler::Vpc),
    call("ec2:DescribeRouteTables", Service::Ec2, Access::Read, Handler::Vpc),
    call("ec2:DescribeSecurityGroups", Service::Ec2, Access::Read, Handler::Vpc),
    call("ec2:DescribeSubnets", Service::Ec2, Access::Read, Handler::Vpc),
    call("ec2:DescribeVpcEndpointConnections", Service::Ec2, Access::Read, Handler::Vpc),
    call("ec2:DescribeVpcEndpointServiceConfigurations", Service::Ec2, Access::Read, Handler::Vpc),
    call("ec2:DescribeVpcEndpoints", Service::Ec2, Access::Read, Handler::Vpc),
    call("ec2:DescribeVpcs", Service::Ec2, Access::Read, Handler::Vpc),
    call("ec2:ModifySubnetAttribute", Service::Ec2, Access::Write, Handler::Vpc),
    call("ec2:RunInstances", Service::Ec2, Access::Write, Handler::Engine),
    call("ec2:TerminateInstances", Service::Ec2, Access::Write, Handler::Engine),
    call("ecs:CreateCapacityProvider", Service::Ecs, Access::Write, Handler::Scaling),
    call("ecs:CreateCluster", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:CreateService", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:DeleteAttributes", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:DeleteCluster", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:DeleteService", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:DeregisterContainerInstance", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:DeregisterTaskDefinition", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:DescribeCapacityProviders", Service::Ecs, Access::Read, Handler::Scaling),
    call("ecs:DescribeClusters", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:DescribeContainerInstances", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:DescribeServices", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:DescribeTaskDefinition", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:DescribeTasks", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:ListAttributes", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:ListClusters", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:ListContainerInstances", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:ListServices", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:ListTaskDefinitionFamilies", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:ListTaskDefinitions", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:ListTasks", Service::Ecs, Access::Read, Handler::Engine),
    call("ecs:PutAttributes", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:PutClusterCapacityProviders", Service::Ecs, Access::Write, Handler::Scaling),
    call("ecs:RegisterTaskDefinition", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:RunTask", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:StopTask", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:UpdateClusterSettings", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:UpdateContainerInstancesState", Service::Ecs, Access::Write, Handler::Engine),
    call("ecs:UpdateService", Service::Ecs, Access::Write, Handler::Engine),
    call("efs:CreateAccessPoint", Service::Efs, Access::Write, Handler::Efs),
    call("efs:CreateFileSystem", Service::Efs, Access::Write, Handler::Efs),
    call("efs:CreateMountTarget", Service::Efs, Access::Write, Handler::Efs),
    call("efs:DeleteAccessPoint", Service::Efs, Access::Write, Handler::Efs),
    call("efs:DeleteFileSystem", Service::Efs, Access::Write, Handler::Efs),
    call("efs:DeleteMountTarget", Service::Efs, Access::Write, Handler::Efs),
    call("efs:DescribeAccessPoints", Service::Efs, Access::Read, Handler::Efs),
    call("efs:DescribeFileSystems", Service::Efs, Access::Read, Handler::Efs),
    call("efs:DescribeMountTargets", Service::Efs, Access::Read, Handler::Efs),
    call("elasticloadbalancing:CreateListener", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:CreateLoadBalancer", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:CreateRule", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:CreateTargetGroup", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:DeleteListener", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:DeleteLoadBalancer", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:DeleteRule", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:DeleteTargetGroup", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:DeregisterInstancesFromLoadBalancer", Service::ElasticLoadBalancingClassic, Access::Write, Handler::Elb),
    call("elasticloadbalancing:DeregisterTargets", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:DescribeInstanceHealth", Service::ElasticLoadBalancingClassic, Access::Read, Handler::Elb),
    call("elasticloadbalancing:DescribeListeners", Service::ElasticLoadBalancing, Access::Read, Handler::Elb),
    call("elasticloadbalancing:DescribeLoadBalancers", Service::ElasticLoadBalancing, Access::Read, Handler::Elb),
    call("elasticloadbalancing:DescribeRules", Service::ElasticLoadBalancing, Access::Read, Handler::Elb),
    call("elasticloadbalancing:DescribeTargetGroupAttributes", Service::ElasticLoadBalancing, Access::Read, Handler::Elb),
    call("elasticloadbalancing:DescribeTargetGroups", Service::ElasticLoadBalancing, Access::Read, Handler::Elb),
    call("elasticloadbalancing:DescribeTargetHealth", Service::ElasticLoadBalancing, Access::Read, Handler::Elb),
    call("elasticloadbalancing:ModifyTargetGroup", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:ModifyTargetGroupAttributes", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:RegisterInstancesWithLoadBalancer", Service::ElasticLoadBalancingClassic, Access::Write, Handler::Elb),
    call("elasticloadbalancing:RegisterTargets", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("elasticloadbalancing:SetRulePriorities", Service::ElasticLoadBalancing, Access::Write, Handler::Elb),
    call("events:DescribeRule", Service::EventBridge, Access::Read, Handler::Events),
    call("events:ListRules", Service::EventBridge, Access::Read, Handler::Events),
    call("events:ListTargetsByRule", Service::EventBridge, Access::Read, Handler::Events),
    call("events:PutRule", Service::EventBridge, Access::Write, Handler::Events),
    call("events:PutTargets", Service::EventBridge, Access::Write, Handler::Events),
    call("fis:aws:ec2:send-spot-instance-interruptions", Service::Fis, Access::Write, Handler::Engine),
    call("fis:aws:ec2:terminate-instances", Service::Fis, Access::Write, Handler::Engine),
    call("fis:aws:ecs:drain-container-instances", Service::Fis, Access::Write, Handler::Engine),
    call("fis:aws:ecs:stop-task", Service::Fis, Access::Write, Handler::Engine),
    call("fis:aws:network:disrupt-connectivity", Service::Fis, Access::Write, Handler::Engine),
    call("fis:aws:rds:reboot-db-instances", Service::Fis, Access::Write, Handler::Engine),
    call("iam:AddRoleToInstanceProfile", Service::Iam, Access::Write, Handler::Iam),
    call("iam:AttachRolePolicy", Service::Iam, Access::Write, Handler::Iam),
    call("iam:CreateInstanceProfile", Service::Iam, Access::Write, Handler::Iam),
    call("iam:CreatePolicy", Service::Iam, Access::Write, Handler::Iam),
    call("iam:CreateRole", Service::Iam, Access::Write, Handler::Iam),
    call("iam:DeleteRole", Service::Iam, Access::Write, Handler::Iam),
    call("iam:DeleteRolePolicy", Service::Iam, Access::Write, Handler::Iam),
    call("iam:DetachRolePolicy", Service::Iam, Access::Write, Handler::Iam),
    call("iam:GetInstanceProfile", Service::Iam, Access::Read, Handler::Iam),
    call("iam:GetRole", Service::Iam, Access::Read, Handler::Iam),
    call("iam:GetRolePolicy", Service::Iam, Access::Read, Handler::Iam),
    call("iam:ListAttachedRolePolicies", Service::Iam, Access::Read, Handler::Iam),
    call("iam:ListRolePolicies", Service::Iam, Access::Read, Handler::Iam),
    call("iam:ListRoles", Service::Iam, Access::Read, Handler::Iam),
    call("iam:PutRolePolicy", Service::Iam, Access::Write, Handler::Iam),
    call("iam:RemoveRoleFromInstanceProfile", Service::Iam, Access::Write, Handler::Iam),
    call("logs:CreateLogGroup", Service::Logs, Access::Write, Handler::Logs),
    call("logs:DeleteLogGroup", Service::Logs, Access::Write, Handler::Logs),
    call("logs:DescribeLogGroups", Service::Logs, Access::Read, Handler::Logs),
    call("logs:DescribeLogStreams", Service::Logs, Access::Read, Handler::Logs),
    call("logs:FilterLogEvents", Service::Logs, Access::Read, Handler::Logs),
    call("logs:GetLogEvents", Service::Logs, Access::Read, Handler::Logs),
    call("logs:GetQueryResults", Service::Logs, Access::Read, Handler::Logs),
    call("logs:PutRetentionPolicy", Service::Logs, Access::Write, Handler::Logs),
    call("logs:StartQuery", Service::Logs, Access::Write, Handler::Logs),
    call("rds:CreateDBInstance", Service::Rds, Access::Write, Handler::Rds),
    call("rds:CreateDBSubnetGroup", Service::Rds, Access::Write, Handler::Rds),
    call("rds:DescribeDBInstances", Service::Rds, Access::Read, Handler::Rds),
    call("rds:DescribeEvents", Service::Rds, Access::Read, Handler::Rds),
    call("rds:RebootDBInstance", Service::Rds, Access::Write, Handler::Rds),
    call("s3:CreateBucket", Service::S3, Access::Write, Handler::S3),
    call("s3:DeleteObject", Service::S3, Access::Write, Handler::S3),
    call("s3:GetObject", Service::S3, Access::Read, Handler::S3),
    call("s3:HeadObject", Service::S3, Access::Read, Handler::S3),
    call("s3:ListObjectsV2", Service::S3, Access::Read, Handler::S3),
    call("s3:PutBucketNotificationConfiguration", Service::S3, Access::Write, Handler::S3),
    call("s3:PutBucketPolicy", Service::S3, Access::Write, Handler::S3),
    call("s3:PutObject", Service::S3, Access::Write, Handler::S3),
    call("secretsmanager:CreateSecret", Service::SecretsManager, Access::Write, Handler::Iam),
    call("secretsmanager:GetSecretValue", Service::SecretsManager, Access::Read, Handler::Iam),
    call("sim:ConfirmSubscription", Service::Sim, Access::Write, Handler::Engine),
    call("sim:DescribeCost", Service::Sim, Access::Read, Handler::Engine),
    call("sim:GetAgentLog", Service::Sim, Access::Read, Handler::Engine),
    call("sim:InterruptSpotTasks", Service::Sim, Access::Write, Handler::Engine),
    call("sim:ReadFile", Service::Sim, Access::Write, Handler::Engine),
    call("sim:SetFargateSpotCapacity", Service::Sim, Access::Write, Handler::Engine),
    call("sim:SetImageBehavior", Service::Sim, Access::Write, Handler::Engine),
    call("sim:SetInstanceFault", Service::Sim, Access::Write, Handler::Engine),
    call("sim:SetLoad", Service::Sim, Access::Write, Handler::Engine),
    call("sim:SetQueue", Service::Sim, Access::Write, Handler::Engine),
    call("sim:SetTargetBehavior", Service::Sim, Access::Write, Handler::Engine),
    call("sim:SetTimings", Service::Sim, Access::Write, Handler::Engine),
    call("sim:SetWorkload", Service::Sim, Access::Write, Handler::Engine),
    call("sim:TaskCall", Service::Sim, Access::Write, Handler::Engine),
    call("sim:TaskOperation", Service::Sim, Access::Write, Handler::Engine),
    call("sim:WriteFile", Service::Sim, Access::Write, Handler::Engine),
    call("sns:ConfirmSubscription", Service::Sns, Access::Write, Handler::Sns),
    call("sns:CreateTopic", Service::Sns, Access::Write, Handler::Sns),
    call("sns:DeleteTopic", Service::Sns, Access::Write, Handler::Sns),
    call("sns:ListSubscriptionsByTopic", Service::Sns, Access::Read, Handler::Sns),
    call("sns:ListTopics", Service::Sns, Access::Read, Handler::Sns),
    call("sns:Publish", Service::Sns, Access::Write, Handler::Sns),
    call("sns:Subscribe", Service::Sns, Access::Write, Handler::Sns),
    call("sns:Unsubscribe", Service::Sns, Access::Write, Handler::Sns),
    call("ssm:GetParameter", Service::Ssm, Access::Read, Handler::Iam),
    call("ssm:GetParameters", Service::Ssm, Access::Read, Handler::Iam),
    call("ssm:PutParameter", Service::Ssm, Access::Write, Handler::Iam),
    call("states:CreateStateMachine", Service::StepFunctions, Access::Write, Handler::States),
    call("states:DescribeExecution", Service::StepFunctions, Access::Read, Handler::States),
    call("states:DescribeStateMachine", Service::StepFunctions, Access::Read, Handler::States),
    call("states:GetExecutionHistory", Service::StepFunctions, Access::Read, Handler::States),
    call("states:SendTaskFailure", Service::StepFunctions, Access::Write, Handler::States),
    call("states:SendTaskHeartbeat", Service::StepFunctions, Access::Write, Handler::States),
    call("states:SendTaskSuccess", Service::StepFunctions, Access::Write, Handler::States),
    call("states:StartExecution", Service::StepFunctions, Access::Write, Handler::States),
    call("states:StopExecution", Service::StepFunctions, Access::Write, Handler::States),
];

/// The row of `name`, if the playground answers that call.
pub fn find(name: &str) -> Option<&'static Call> {
    CALLS.binary_search_by(|row| row.name.cmp(name)).ok().map(|idx| &CALLS[idx])
}

/// Whether the playground answers `name`.
pub fn is_known_call(name: &str) -> bool {
    find(name).is_some()
}

/// Whether the table routes `name` to `handler`.
pub fn handled_by(name: &str, handler: Handler) -> bool {
    find(name).is_some_and(|row| row.handler == handler)
}

/// The names of the calls `handler` answers, in table order.
pub fn calls_of(handler: Handler) -> impl Iterator<Item = &'static str> {
    CALLS.iter().filter(move |row| row.handler == handler).map(|row| row.name)
}

/// Every call's name, in table order.
pub fn known_calls() -> impl Iterator<Item = &'static str> {
    CALLS.iter().map(|row| row.name)
}

/// Whether `name` only reads (Describe*, List*, Get* and the playground's reads). An unknown call is not a
/// read: it is refused, and the refusal is part of the run.
pub fn is_read_only_call(name: &str) -> bool {
    find(name).is_some_and(|row| row.access == Access::Read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_without_duplicates() {
        for pair in CALLS.windows(2) {
            assert!(pair[0].name < pair[1].name, "{} must come before {}", pair[0].name, pair[1].name);
        }
    }

    #[test]
    fn every_row_is_found_and_an_unknown_call_is_not() {
        for row in CALLS {
            assert_eq!(find(row.name), Some(row));
        }
        assert!(find("ecs:RunTasks").is_none());
        assert!(find("").is_none());
        assert!(!is_read_only_call("ecs:DescribeNothing"));
    }

    #[test]
    fn names_carry_their_service_prefix() {
        for row in CALLS {
            let prefix = row.name.split(':').next().unwrap_or("");
            let expected = match row.service {
                Service::Ecs => "ecs",
                Service::Ec2 => "ec2",
                Service::Iam => "iam",
                Service::SecretsManager => "secretsmanager",
                Service::Ssm => "ssm",
                Service::Efs => "efs",
                Service::ElasticLoadBalancing | Service::ElasticLoadBalancingClassic => "elasticloadbalancing",
                Service::ApplicationAutoScaling => "application-autoscaling",
                Service::CloudWatch => "cloudwatch",
                Service::Logs => "logs",
                Service::AutoScaling => "autoscaling",
                Service::S3 => "s3",
                Service::DynamoDb => "dynamodb",
                Service::EventBridge => "events",
                Service::StepFunctions => "states",
                Service::Rds => "rds",
                Service::Sns => "sns",
                Service::Fis => "fis",
                Service::Sim => "sim",
            };
            assert_eq!(prefix, expected, "{}", row.name);
        }
    }

    #[test]
    fn reads_are_the_describe_list_and_get_operations_and_the_playground_reads() {
        for row in CALLS {
            let op = row.operation();
            let by_verb = ["Describe", "List", "Get", "Head", "Query", "Scan", "Filter"].iter().any(|verb| op.starts_with(verb));
            assert_eq!(row.access == Access::Read, by_verb, "{}", row.name);
        }
    }
}
