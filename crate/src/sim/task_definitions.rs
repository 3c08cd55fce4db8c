//! Task definitions: RegisterTaskDefinition (through the task definition importer, `taskdef`),
//! DeregisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions and ListTaskDefinitionFamilies, and
//! the resolution of a reference (`family`, `family:revision`, an ARN) to a revision.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult, Request};
use crate::taskdef;

use super::engine::Sim;
use super::model::{TaskDefinitionRevision, ACCOUNT_ID};
use super::record::LogKind;
use super::requests::TaskDefinitionRequest;

impl Sim {
    pub(super) fn register_task_definition(&mut self, request: &Request) -> ApiResult {
        let spec = taskdef::parse_task_definition(request.input()).map_err(|errors| {
            let first = &errors[0];
            ApiError::client(first.message.clone())
        })?;
        // An S3 bucket is not a volume type: say why, and what to use instead.
        for (idx, volume) in spec.input.get("volumes").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let sources = [volume.pointer("/host/sourcePath"), volume.pointer("/efsVolumeConfiguration/fileSystemId"), volume.pointer("/dockerVolumeConfiguration/driver")];
            if sources.into_iter().flatten().filter_map(Value::as_str).any(|s| s.starts_with("s3://") || s.starts_with("arn:aws:s3:") || s.contains("s3fs")) {
                return Err(ApiError::client(format!("volumes[{idx}]: an Amazon S3 bucket cannot be mounted as a task volume. {}", crate::efs::s3_mount_explanation())));
            }
        }
        // A role given by short name must exist (AWS resolves it to an ARN); an ARN is taken as given and
        // checked when a task starts, as AWS does.
        for role in [&spec.execution_role_arn, &spec.task_role_arn].into_iter().flatten() {
            if !role.starts_with("arn:") && self.iam.find_role(role).is_none() {
                return Err(ApiError::client(format!("Role is not valid: {role}")));
            }
        }
        let family = spec.family.clone();
        let revisions = self.task_definitions.get_or_default(family.clone());
        let revision = revisions.len() as u32 + 1;
        let arn = format!("arn:aws:ecs:{}:{ACCOUNT_ID}:task-definition/{family}:{revision}", self.scenario.region);
        revisions.push(TaskDefinitionRevision {
            arn: arn.clone(),
            family: family.clone(),
            revision,
            status: "ACTIVE".into(),
            spec,
            registered_at: self.now,
            deregistered_at: None,
            described_json: "".into(),
        });
        self.write_described_json(&family, revision);
        self.log_entry(LogKind::TaskDefinition, format!("task definition {family}:{revision}"), format!("Registered {family}:{revision}."));
        let td = self.task_definition_json(&family, revision);
        Ok(json!({ "taskDefinition": td }))
    }

    /// Resolves `family`, `family:revision` or an ARN to (family, revision): the latest ACTIVE revision for a bare family.
    pub(super) fn resolve_task_definition(&self, reference: &str) -> Result<(String, u32), ApiError> {
        let text = if reference.starts_with("arn:") { reference.rsplit('/').next().unwrap_or("") } else { reference };
        let (family, revision) = match text.rsplit_once(':') {
            Some((family, rev)) => (family, rev.parse::<u32>().ok()),
            None => (text, None),
        };
        let not_found = || ApiError::client("Unable to describe task definition.");
        let revisions = self.task_definitions.get(family).ok_or_else(not_found)?;
        match revision {
            Some(rev) => {
                revisions.get(rev.wrapping_sub(1) as usize).ok_or_else(not_found)?;
                Ok((family.to_string(), rev))
            }
            None => revisions
                .iter()
                .rev()
                .find(|r| r.status == "ACTIVE")
                .map(|r| (family.to_string(), r.revision))
                .ok_or_else(not_found),
        }
    }

    pub(super) fn revision(&self, family: &str, revision: u32) -> Option<&TaskDefinitionRevision> {
        self.task_definitions.get(family)?.get(revision.wrapping_sub(1) as usize)
    }

    pub(super) fn revision_by_arn(&self, arn: &str) -> Option<&TaskDefinitionRevision> {
        let (family, revision) = self.resolve_task_definition(arn).ok()?;
        self.revision(&family, revision)
    }

    pub(super) fn deregister_task_definition(&mut self, request: TaskDefinitionRequest) -> ApiResult {
        let (family, revision) = self.resolve_task_definition(request.task_definition)?;
        let now = self.now;
        if let Some(rev) = self.task_definitions.get_mut(&family).and_then(|r| r.get_mut(revision as usize - 1)) {
            rev.status = "INACTIVE".into();
            rev.deregistered_at = Some(now);
        }
        self.write_described_json(&family, revision);
        Ok(json!({ "taskDefinition": self.task_definition_json(&family, revision) }))
    }

    pub(super) fn describe_task_definition(&mut self, request: TaskDefinitionRequest) -> ApiResult {
        let (family, revision) = self.resolve_task_definition(request.task_definition)?;
        Ok(json!({ "taskDefinition": self.task_definition_json(&family, revision), "tags": [] }))
    }

    pub(super) fn list_task_definitions(&mut self, request: &Request) -> ApiResult {
        let family_prefix = request.str("familyPrefix");
        let status = request.str("status").unwrap_or("ACTIVE");
        let descending = request.str("sort") == Some("DESC");
        let mut arns: Vec<String> = self
            .task_definitions
            .values()
            .flatten()
            .filter(|r| family_prefix.is_none_or(|p| r.family == p) && (status == "ALL" || r.status == status))
            .map(|r| r.arn.clone())
            .collect();
        if descending {
            arns.reverse();
        }
        Ok(json!({ "taskDefinitionArns": arns }))
    }

    /// The families whose name starts with `familyPrefix`, of the asked `status` (ECS API reference,
    /// ListTaskDefinitionFamilies: by default both ACTIVE and INACTIVE families; ACTIVE keeps the families with an
    /// ACTIVE revision, INACTIVE those with none).
    pub(super) fn list_task_definition_families(&self, request: &Request) -> ApiResult {
        let prefix = request.str("familyPrefix").unwrap_or_default();
        let status = request.enum_member("status", "status", &["ACTIVE", "INACTIVE", "ALL"])?.unwrap_or("ALL");
        let families = self.task_definitions.iter().filter(|(family, revisions)| {
            let active = revisions.iter().any(|r| r.status == "ACTIVE");
            family.starts_with(prefix) && (status == "ALL" || active == (status == "ACTIVE"))
        });
        Ok(json!({ "families": families.map(|(family, _)| family.clone()).collect::<Vec<_>>() }))
    }
}
