//! Who may do what to a bucket: the caller's identity-based policy and the bucket policy decided together, as IAM
//! does for a request inside one account, and the texts S3 answers a denial with.
//!
//! Within one account (IAM User Guide, "Policy evaluation logic", same-account requests): an explicit Deny in any
//! policy denies; otherwise an Allow in the identity-based policy or in the resource-based policy allows;
//! otherwise the request is implicitly denied.

use super::model::{Bucket, Caller};
use crate::api::ApiError;
use crate::iam::{evaluate, DecisionEffect, EvalRequest, IamState};

/// Why a request was denied, for the message S3 writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DenialReason {
    NoIdentityAllow,
    IdentityExplicitDeny,
    ResourceExplicitDeny,
}

/// The principal ARN a bucket policy is matched against: the role's ARN (a `Principal` naming the role matches its
/// sessions), or the account's root for the administrator.
fn principal_arn(caller: Caller<'_>, account_id: &str) -> String {
    match caller {
        Caller::Administrator => format!("arn:aws:iam::{account_id}:root"),
        Caller::Role { role_arn, .. } => role_arn.to_string(),
    }
}

/// The caller as an access-denied message names it: an assumed-role session ARN for a role.
pub fn caller_name(caller: Caller<'_>, account_id: &str) -> String {
    match caller {
        Caller::Administrator => format!("arn:aws:iam::{account_id}:root"),
        Caller::Role { role_arn, session } => {
            let role_name = role_arn.rsplit('/').next().unwrap_or(role_arn);
            format!("arn:aws:sts::{account_id}:assumed-role/{role_name}/{session}")
        }
    }
}

/// Decides `action` on `resource` (an ARN in the bucket) for `caller`: `Ok` when allowed, else the reason.
pub fn decide(bucket: &Bucket, caller: Caller<'_>, action: &str, resource: &str, iam: &IamState) -> Result<(), DenialReason> {
    let principal = principal_arn(caller, &iam.account_id);
    let identity = match caller {
        Caller::Administrator => DecisionEffect::Allowed,
        Caller::Role { role_arn, .. } => iam.role_allows(role_arn, action, resource).effect,
    };
    let resource_effect = match &bucket.policy {
        Some(policy) => evaluate(&EvalRequest::new(&principal, action, resource), std::slice::from_ref(&policy.parsed)).effect,
        None => DecisionEffect::ImplicitDeny,
    };
    if identity == DecisionEffect::ExplicitDeny {
        return Err(DenialReason::IdentityExplicitDeny);
    }
    if resource_effect == DecisionEffect::ExplicitDeny {
        return Err(DenialReason::ResourceExplicitDeny);
    }
    if identity == DecisionEffect::Allowed || resource_effect == DecisionEffect::Allowed {
        Ok(())
    } else {
        Err(DenialReason::NoIdentityAllow)
    }
}

/// S3's `AccessDenied` (HTTP 403) for a denied request. text: the form observed from S3 in 2024-2026, with the
/// resource ARN in double quotes (../shared/reference/integrations-export.md §2.2); the explicit-deny endings are
/// the IAM User Guide's ("Access denied error messages").
pub fn access_denied(caller: Caller<'_>, account_id: &str, action: &str, resource: &str, reason: DenialReason) -> ApiError {
    let who = caller_name(caller, account_id);
    let ending = match reason {
        DenialReason::NoIdentityAllow => format!("because no identity-based policy allows the {action} action"),
        DenialReason::IdentityExplicitDeny => "with an explicit deny in an identity-based policy".to_string(),
        DenialReason::ResourceExplicitDeny => "with an explicit deny in a resource-based policy".to_string(),
    };
    ApiError::new("AccessDenied", format!("User: {who} is not authorized to perform: {action} on resource: \"{resource}\" {ending}"))
}

/// Checks `action` on `resource` and answers S3's `AccessDenied` when denied.
pub fn authorize(bucket: &Bucket, caller: Caller<'_>, action: &str, resource: &str, iam: &IamState) -> Result<(), ApiError> {
    decide(bucket, caller, action, resource, iam).map_err(|reason| access_denied(caller, &iam.account_id, action, resource, reason))
}
