//! The data of one account's IAM, Secrets Manager and SSM Parameter Store: roles, instance profiles, customer
//! managed policies, secrets and parameters, and the principals ECS roles trust.

use crate::hash::{fnv1a, splitmix64_next, FNV_OFFSET_BASIS};
use crate::table::{Table, TableSet};

use super::policy::PolicyDocument;

/// Creation date stamped on the roles that [`IamState::with_default_roles`] pre-creates (no clock here).
pub const DEFAULT_CREATE_DATE: &str = "2024-01-01T00:00:00Z";

pub const ECS_TASKS_PRINCIPAL: &str = "ecs-tasks.amazonaws.com";
pub const EC2_PRINCIPAL: &str = "ec2.amazonaws.com";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlinePolicy {
    /// The document as the caller sent it.
    pub text: String,
    pub document: PolicyDocument,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub id: String,
    pub arn: String,
    pub path: String,
    pub description: Option<String>,
    pub create_date: String,
    /// The trust policy as the caller sent it.
    pub trust_text: String,
    pub trust: PolicyDocument,
    /// ARNs of attached managed policies (AWS or customer managed).
    pub attached: TableSet<String>,
    pub inline: Table<String, InlinePolicy>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerPolicy {
    pub name: String,
    pub id: String,
    pub arn: String,
    pub path: String,
    pub description: Option<String>,
    pub create_date: String,
    pub text: String,
    pub document: PolicyDocument,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceProfile {
    pub name: String,
    pub id: String,
    pub arn: String,
    pub path: String,
    pub create_date: String,
    /// Role names (at most one: InstanceSessionsPerInstanceProfile is 1).
    pub roles: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secret {
    pub name: String,
    pub arn: String,
    pub description: Option<String>,
    pub secret_string: Option<String>,
    pub version_id: String,
    pub create_date: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    pub arn: String,
    /// `String`, `StringList` or `SecureString`.
    pub kind: String,
    pub value: String,
    pub version: u64,
    pub last_modified: String,
}

/// Everything IAM-ish one account holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IamState {
    pub account_id: String,
    /// Region for Secrets Manager and SSM ARNs (IAM itself is global).
    pub region: String,
    pub roles: Table<String, Role>,
    pub instance_profiles: Table<String, InstanceProfile>,
    /// Customer managed policies by ARN.
    pub policies: Table<String, CustomerPolicy>,
    pub secrets: Table<String, Secret>,
    pub parameters: Table<String, Parameter>,
    /// Ids and tokens are derived from this counter.
    pub(super) counter: u64,
}

/// A UUID-shaped string that depends only on `salt`.
pub(crate) fn stable_uuid(salt: &str) -> String {
    let mut state = fnv1a(salt.as_bytes(), FNV_OFFSET_BASIS);
    let hi = splitmix64_next(&mut state);
    let lo = splitmix64_next(&mut state);
    let hex = format!("{hi:016x}{lo:016x}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}
