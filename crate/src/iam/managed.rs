//! A built-in table of AWS managed policies that ECS scenarios attach, with their permission statements.
//!
//! Action lists come from the AWS Managed Policy Reference
//! (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<Name>.html) and the ECS reference
//! (ecs-semantics.md §5.1, §9). Where a policy is long, only a representative subset is kept; those
//! entries say so in `note`.

use super::policy::{parse_policy, PolicyDocument, PolicyKind};

pub struct ManagedPolicyDef {
    pub name: &'static str,
    pub path: &'static str,
    pub description: &'static str,
    /// Default version id, as the reference lists it.
    pub version: &'static str,
    pub document: &'static str,
    /// Set when the document is a subset of the real one.
    pub note: Option<&'static str>,
}

impl ManagedPolicyDef {
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::aws:policy{}{}", self.path, self.name)
    }

    /// The parsed document (the table is checked by tests, so this never fails in practice).
    pub fn parsed(&self) -> Option<PolicyDocument> {
        parse_policy(self.document, PolicyKind::Identity).ok()
    }
}

pub const AWS_MANAGED_POLICIES: &[ManagedPolicyDef] = &[
    ManagedPolicyDef {
        name: "AmazonECSTaskExecutionRolePolicy",
        path: "/service-role/",
        description: "Provides access to other AWS service resources that are required to run Amazon ECS tasks",
        version: "v1",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
            "ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
        note: None,
    },
    ManagedPolicyDef {
        name: "AmazonEC2ContainerServiceforEC2Role",
        path: "/service-role/",
        description: "Default policy for the Amazon EC2 Role for Amazon EC2 Container Service.",
        version: "v10",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
            "ec2:DescribeTags","ecs:CreateCluster","ecs:DeregisterContainerInstance","ecs:DiscoverPollEndpoint",
            "ecs:Poll","ecs:RegisterContainerInstance","ecs:StartTelemetrySession","ecs:UpdateContainerInstancesState",
            "ecs:Submit*","ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"},
            {"Effect":"Allow","Action":"ecs:TagResource","Resource":"*","Condition":{"StringEquals":
            {"ecs:CreateAction":["CreateCluster","RegisterContainerInstance"]}}}]}"#,
        note: Some("ecs:TagResource is limited to tag-on-create as in the ECS docs; exact statement layout unverified"),
    },
    ManagedPolicyDef {
        name: "AmazonECS_FullAccess",
        path: "/",
        description: "Provides administrative access to Amazon ECS resources and enables ECS features through access to other AWS service resources.",
        version: "v22",
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"ECSIntegrationsManagementPolicy","Effect":"Allow","Action":[
            "ecs:*","application-autoscaling:*","autoscaling:Describe*","cloudwatch:DescribeAlarms","cloudwatch:PutMetricAlarm",
            "ec2:Describe*","elasticloadbalancing:Describe*","logs:CreateLogGroup","logs:DescribeLogGroups",
            "logs:FilterLogEvents","iam:ListRoles","iam:ListInstanceProfiles","iam:ListAttachedRolePolicies",
            "servicediscovery:ListNamespaces","sns:ListTopics"],"Resource":"*"},
            {"Sid":"ECSPassRolePolicy","Effect":"Allow","Action":"iam:PassRole","Resource":"*",
            "Condition":{"StringLike":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}]}"#,
        note: Some("representative subset of the real policy (v22 has many more actions and statements)"),
    },
    ManagedPolicyDef {
        name: "AmazonS3ReadOnlyAccess",
        path: "/",
        description: "Provides read only access to all buckets via the AWS Management Console.",
        version: "v3",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
            "s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}"#,
        note: None,
    },
    ManagedPolicyDef {
        name: "AmazonDynamoDBReadOnlyAccess",
        path: "/",
        description: "Provides read only access to Amazon DynamoDB via the AWS Management Console.",
        version: "v15",
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"GeneralReadOnlyAccess","Effect":"Allow","Action":[
            "application-autoscaling:DescribeScalableTargets","application-autoscaling:DescribeScalingActivities",
            "application-autoscaling:DescribeScalingPolicies","cloudwatch:DescribeAlarmHistory","cloudwatch:DescribeAlarms",
            "cloudwatch:DescribeAlarmsForMetric","cloudwatch:GetMetricStatistics","cloudwatch:ListMetrics",
            "cloudwatch:GetMetricData","dynamodb:BatchGetItem","dynamodb:Describe*","dynamodb:List*",
            "dynamodb:GetAbacStatus","dynamodb:GetItem","dynamodb:GetResourcePolicy","dynamodb:Query","dynamodb:Scan",
            "dynamodb:PartiQLSelect","dax:Describe*","dax:List*","dax:GetItem","dax:BatchGetItem","dax:Query","dax:Scan",
            "ec2:DescribeVpcs","ec2:DescribeSubnets","ec2:DescribeSecurityGroups"],"Resource":"*"}]}"#,
        note: Some("the GeneralReadOnlyAccess statement up to ec2:DescribeSecurityGroups; later actions of the real policy omitted"),
    },
    ManagedPolicyDef {
        name: "CloudWatchLogsFullAccess",
        path: "/",
        description: "Provides full access to CloudWatch Logs",
        version: "v2",
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"CloudWatchLogsFullAccess","Effect":"Allow","Action":[
            "logs:*","cloudwatch:GenerateQuery"],"Resource":"*"}]}"#,
        note: Some("action list recalled, not seen in a search excerpt [UNVERIFIED]; newer versions may add actions"),
    },
    ManagedPolicyDef {
        name: "AmazonSSMReadOnlyAccess",
        path: "/",
        description: "Provides read only access to Amazon SSM.",
        version: "v1",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
            "ssm:Describe*","ssm:Get*","ssm:List*"],"Resource":"*"}]}"#,
        note: None,
    },
    ManagedPolicyDef {
        name: "SecretsManagerReadWrite",
        path: "/",
        description: "Provides read/write access to AWS Secrets Manager via the AWS Management Console.",
        version: "v5",
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"BasePermissions","Effect":"Allow","Action":[
            "secretsmanager:*","cloudformation:CreateChangeSet","cloudformation:DescribeChangeSet",
            "cloudformation:DescribeStackResource","cloudformation:DescribeStacks","cloudformation:ExecuteChangeSet",
            "docdb-elastic:GetCluster","docdb-elastic:ListClusters","ec2:DescribeSecurityGroups","ec2:DescribeSubnets",
            "ec2:DescribeVpcs","kms:DescribeKey","kms:ListAliases","kms:ListKeys","lambda:ListFunctions",
            "rds:DescribeDBClusters","rds:DescribeDBInstances","redshift:DescribeClusters",
            "redshift-serverless:ListWorkgroups","redshift-serverless:GetNamespace","tag:GetResources"],"Resource":"*"}]}"#,
        note: Some("BasePermissions statement only; the Lambda, serverless-repo and IAM-role statements are omitted"),
    },
    ManagedPolicyDef {
        name: "AmazonRDSReadOnlyAccess",
        path: "/",
        description: "Provides read only access to Amazon RDS via the AWS Management Console.",
        version: "v7",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
            "rds:Describe*","rds:ListTagsForResource","ec2:DescribeAccountAttributes","ec2:DescribeAvailabilityZones",
            "ec2:DescribeInternetGateways","ec2:DescribeSecurityGroups","ec2:DescribeSubnets","ec2:DescribeVpcAttribute",
            "ec2:DescribeVpcs"],"Resource":"*"},
            {"Effect":"Allow","Action":["cloudwatch:GetMetricStatistics","cloudwatch:ListMetrics","cloudwatch:GetMetricData",
            "logs:DescribeLogStreams","logs:GetLogEvents","devops-guru:GetResourceCollection"],"Resource":"*"},
            {"Action":["devops-guru:SearchInsights","devops-guru:ListAnomaliesForInsight"],"Effect":"Allow","Resource":"*",
            "Condition":{"ForAllValues:StringEquals":{"devops-guru:ServiceNames":["RDS"]},
            "Null":{"devops-guru:ServiceNames":"false"}}}]}"#,
        note: None,
    },
    ManagedPolicyDef {
        name: "AWSStepFunctionsReadOnlyAccess",
        path: "/",
        description: "An access policy for providing a user/role/etc read only access to the AWS StepFunctions service.",
        version: "v4",
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadOnlyAccess","Effect":"Allow","Action":[
            "states:ListStateMachines","states:ListActivities","states:DescribeStateMachine",
            "states:DescribeStateMachineForExecution","states:ListExecutions","states:DescribeExecution",
            "states:GetExecutionHistory","states:DescribeActivity","states:ListTagsForResource","states:DescribeMapRun",
            "states:ListMapRuns","states:DescribeStateMachineAlias","states:ListStateMachineAliases",
            "states:ListStateMachineVersions","states:ValidateStateMachineDefinition"],"Resource":"*"}]}"#,
        note: None,
    },
];

/// Looks up an AWS managed policy by ARN (`arn:aws:iam::aws:policy/...`).
pub fn aws_managed_policy(arn: &str) -> Option<&'static ManagedPolicyDef> {
    AWS_MANAGED_POLICIES.iter().find(|p| p.arn() == arn)
}

/// Looks up an AWS managed policy by its name alone.
pub fn aws_managed_policy_by_name(name: &str) -> Option<&'static ManagedPolicyDef> {
    AWS_MANAGED_POLICIES.iter().find(|p| p.name == name)
}
