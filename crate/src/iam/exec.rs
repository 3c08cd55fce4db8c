//! Why a task cannot start because of its task execution role: the stopped reasons AWS gives when
//! the execution role is missing or lacks permission for ECR pulls, `awslogs` or secrets.
//!
//! Text provenance:
//! - ECR auth: `ResourceInitializationError: unable to pull secrets or registry auth: execution resource
//!   retrieval failed: unable to retrieve ecr registry auth: service call has been retried N time(s): ...`
//!   (prefix seen in aws/aws-app-mesh-examples#413; the AccessDeniedException tail is [UNVERIFIED]).
//! - ECR image pull: `CannotPullContainerError: Error response from daemon: pull access denied for <image>,
//!   repository does not exist or may require 'docker login': denied: User: <arn> is not authorized to perform:
//!   ecr:BatchGetImage on resource: <repo arn> because no identity-based policy allows the ecr:BatchGetImage action`
//!   (the agent's own test fixture, amazon-ecs-agent error_messages tests).
//! - awslogs: `ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times:
//!   failed to create Cloudwatch log stream: AccessDeniedException: User: <arn> ...` (doctorray117/minecraft-ondemand#12;
//!   the tail after the user ARN is [UNVERIFIED]).
//! - Secrets Manager: `... unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch
//!   secret <arn> from secrets manager: AccessDeniedException: ...` (copilot-cli issue reports).
//! - SSM: `... unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException:
//!   User: <arn> is not authorized to perform: ssm:GetParameters on resource: <arn> because no identity-based policy
//!   allows the ssm:GetParameters action status code: 400, request id: <id>` (aws/copilot-cli#4504).
//! - Missing secret / parameter tails (`ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
//!   `invalid parameters: <name>`) are [UNVERIFIED].

use super::eval::{DecisionEffect, EvalDecision};
use super::model::{stable_uuid, IamState, ECS_TASKS_PRINCIPAL};

/// What a task needs its execution role for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutionNeeds {
    /// Images hosted in private ECR (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`).
    pub private_ecr_images: Vec<String>,
    /// The `awslogs-group` of an `awslogs` log configuration.
    pub awslogs_group: Option<String>,
    /// `valueFrom` of every container secret (Secrets Manager ARN, SSM parameter name or ARN).
    pub secrets: Vec<String>,
    /// The assumed-role session name shown in AccessDenied texts (ECS uses the task id); defaults to `ecs-task`.
    pub session_name: Option<String>,
}

/// One reason a task stops before its containers run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskStartFailure {
    /// The container's `reason`.
    pub container_reason: String,
    /// The task's `stoppedReason`.
    pub stopped_reason: String,
}

impl TaskStartFailure {
    fn same(text: String) -> TaskStartFailure {
        TaskStartFailure { container_reason: text.clone(), stopped_reason: text }
    }
}

/// Whether an image reference is hosted in a private ECR registry, and if so its account, region and repository.
pub fn parse_private_ecr_image(image: &str) -> Option<(String, String, String)> {
    let (host, rest) = image.split_once('/')?;
    let mut parts = host.split('.');
    let account = parts.next()?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if parts.next()? != "dkr" || parts.next()? != "ecr" {
        return None;
    }
    let region = parts.next()?;
    let tail: Vec<&str> = parts.collect();
    if region.is_empty() || !(tail == ["amazonaws", "com"] || tail == ["amazonaws", "com", "cn"]) {
        return None;
    }
    let repo = rest.split('@').next().unwrap_or(rest);
    // A tag follows the last ':' only when it comes after the last '/'.
    let repo = match repo.rfind(':') {
        Some(i) if !repo[i..].contains('/') => &repo[..i],
        _ => repo,
    };
    if repo.is_empty() {
        return None;
    }
    Some((account.to_string(), region.to_string(), repo.to_string()))
}

pub fn is_private_ecr_image(image: &str) -> bool {
    parse_private_ecr_image(image).is_some()
}

const PULL_SECRETS: &str = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed";

impl IamState {
    /// A request id that depends only on the account and the resource, so a query never changes state.
    fn request_id(&self, salt: &str) -> String {
        stable_uuid(&format!("{}|{salt}", self.account_id))
    }

    fn denial_tail(decision: &EvalDecision) -> String {
        match decision.effect {
            DecisionEffect::ExplicitDeny => {
                "with an explicit deny in an identity-based policy".to_string()
            }
            _ => format!("because no identity-based policy allows the {} action", decision.action),
        }
    }

    /// The failures AWS reports when the execution role cannot do what the task needs.
    /// Empty when nothing is needed or everything is allowed. The order is the agent's: role,
    /// registry auth and image pull, secrets, then log stream creation.
    pub fn execution_role_problems(&self, execution_role: Option<&str>, needs: &ExecutionNeeds) -> Vec<TaskStartFailure> {
        let needs_role = !needs.private_ecr_images.is_empty() || needs.awslogs_group.is_some() || !needs.secrets.is_empty();
        if !needs_role {
            return Vec::new();
        }
        let Some(role_text) = execution_role.filter(|r| !r.trim().is_empty()) else {
            // Without an execution role the agent has no credentials for ECR, logs or secrets. [UNVERIFIED] text.
            return vec![TaskStartFailure::same(format!(
                "{PULL_SECRETS}: no task execution role: the task definition needs executionRoleArn to pull private images, send awslogs or read secrets"
            ))];
        };
        if let Err(message) = self.can_assume(role_text, ECS_TASKS_PRINCIPAL) {
            return vec![TaskStartFailure::same(message)];
        }
        let role_arn = self.resolve_role_arn(role_text).unwrap_or_else(|| role_text.to_string());
        let role_name = role_arn.rsplit('/').next().unwrap_or(&role_arn).to_string();
        let session = needs.session_name.clone().unwrap_or_else(|| "ecs-task".to_string());
        let user = format!("arn:aws:sts::{}:assumed-role/{}/{}", self.account_id, role_name, session);
        let mut out = Vec::new();

        for image in &needs.private_ecr_images {
            let Some((account, region, repo)) = parse_private_ecr_image(image) else { continue };
            let auth = self.role_allows(&role_arn, "ecr:GetAuthorizationToken", "*");
            if !auth.is_allowed() {
                let rid = self.request_id(image);
                out.push(TaskStartFailure::same(format!(
                    "{PULL_SECRETS}: unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: User: {user} is not authorized to perform: ecr:GetAuthorizationToken on resource: * {} status code: 400, request id: {rid}",
                    Self::denial_tail(&auth)
                )));
                continue;
            }
            let repo_arn = format!("arn:aws:ecr:{region}:{account}:repository/{repo}");
            let host_repo = image.split(['@']).next().unwrap_or(image);
            let host_repo = match host_repo.rfind(':') {
                Some(i) if !host_repo[i..].contains('/') => &host_repo[..i],
                _ => host_repo,
            };
            for action in ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] {
                let decision = self.role_allows(&role_arn, action, &repo_arn);
                if !decision.is_allowed() {
                    out.push(TaskStartFailure::same(format!(
                        "CannotPullContainerError: Error response from daemon: pull access denied for {host_repo}, repository does not exist or may require 'docker login': denied: User: {user} is not authorized to perform: {action} on resource: {repo_arn} {}",
                        Self::denial_tail(&decision)
                    )));
                    break;
                }
            }
        }

        for value_from in &needs.secrets {
            if value_from.starts_with("arn:") && value_from.split(':').nth(2) == Some("secretsmanager") {
                let base: String = value_from.split(':').take(7).collect::<Vec<_>>().join(":");
                let decision = self.role_allows(&role_arn, "secretsmanager:GetSecretValue", &base);
                let rid = self.request_id(value_from);
                let prefix = format!(
                    "{PULL_SECRETS}: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {base} from secrets manager"
                );
                if !decision.is_allowed() {
                    out.push(TaskStartFailure::same(format!(
                        "{prefix}: AccessDeniedException: User: {user} is not authorized to perform: secretsmanager:GetSecretValue on resource: {base} {} status code: 400, request id: {rid}",
                        Self::denial_tail(&decision)
                    )));
                } else if !self.secret_exists(&base) {
                    out.push(TaskStartFailure::same(format!(
                        "{prefix}: ResourceNotFoundException: Secrets Manager can't find the specified secret. status code: 400, request id: {rid}"
                    )));
                }
            } else {
                let (name, arn) = if value_from.starts_with("arn:") {
                    let name = value_from.split_once(":parameter").map(|(_, n)| n.to_string()).unwrap_or_default();
                    (name, value_from.clone())
                } else {
                    (value_from.clone(), self.parameter_arn(value_from))
                };
                let decision = self.role_allows(&role_arn, "ssm:GetParameters", &arn);
                let rid = self.request_id(value_from);
                let prefix = format!(
                    "{PULL_SECRETS}: unable to retrieve secrets from ssm: service call has been retried 1 time(s)"
                );
                if !decision.is_allowed() {
                    out.push(TaskStartFailure::same(format!(
                        "{prefix}: AccessDeniedException: User: {user} is not authorized to perform: ssm:GetParameters on resource: {arn} {} status code: 400, request id: {rid}",
                        Self::denial_tail(&decision)
                    )));
                } else if !self.parameter_exists(value_from) && !self.parameter_exists(&name) {
                    out.push(TaskStartFailure::same(format!("{prefix}: invalid parameters: {name}")));
                }
            }
        }

        if let Some(group) = &needs.awslogs_group {
            let stream_arn = format!("arn:aws:logs:{}:{}:log-group:{group}:log-stream:*", self.region, self.account_id);
            let decision = self.role_allows(&role_arn, "logs:CreateLogStream", &stream_arn);
            if !decision.is_allowed() {
                let rid = self.request_id(group);
                out.push(TaskStartFailure::same(format!(
                    "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: User: {user} is not authorized to perform: logs:CreateLogStream on resource: {stream_arn} {} status code: 400, request id: {rid} : exit status 1",
                    Self::denial_tail(&decision)
                )));
            }
        }
        out
    }
}
