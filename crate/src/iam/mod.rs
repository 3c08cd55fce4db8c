//! A self-contained IAM, Secrets Manager and SSM Parameter Store model for the playground.
//!
//! - [`policy`]: parsing and validating IAM JSON policy documents (identity and trust policies);
//! - [`eval`]: evaluation in the style of the IAM policy simulator, with a typed [`EvalDecision`];
//! - [`managed`]: the AWS managed policies that ECS scenarios attach;
//! - [`IamState`] (its data in `model`): roles, instance profiles, customer managed policies, secrets and parameters,
//!   the `iam:*`, `secretsmanager:*` and `ssm:*` calls on them ([`IamState::handle`]), and the
//!   queries the engine asks when it starts tasks ([`IamState::execution_role_problems`]).
//!
//! Deterministic: ordered maps only, ids derived from a counter hash, timestamps passed in by the caller.

pub mod calls;
pub mod eval;
pub mod exec;
pub mod managed;
mod model;
pub mod policy;

#[cfg(test)]
mod tests;

use crate::hash::{fnv1a, splitmix64_next, FNV_OFFSET_BASIS};
use crate::table::{Table, TableSet};

pub use eval::{evaluate, DecisionEffect, EvalDecision, EvalRequest, MatchedStatement, NamedPolicy};
pub use exec::{is_private_ecr_image, ExecutionNeeds, TaskStartFailure};
pub use model::*;
pub use policy::{parse_policy, Effect, PolicyDocument, PolicyError, PolicyKind};

fn trust_policy_for(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"","Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

impl IamState {
    /// An empty account (no roles at all).
    pub fn new(account_id: &str) -> IamState {
        IamState {
            account_id: account_id.to_string(),
            region: "us-east-1".to_string(),
            roles: Table::new(),
            instance_profiles: Table::new(),
            policies: Table::new(),
            secrets: Table::new(),
            parameters: Table::new(),
            counter: 0,
        }
    }

    /// Sets the region used in Secrets Manager and SSM ARNs.
    pub fn with_region(mut self, region: &str) -> IamState {
        self.region = region.to_string();
        self
    }

    /// What an account that used the ECS console has: `ecsTaskExecutionRole`, `ecsInstanceRole`
    /// and the `ecsInstanceRole` instance profile holding it.
    pub fn with_default_roles(account_id: &str) -> IamState {
        let mut state = IamState::new(account_id);
        let exec = managed::aws_managed_policy_by_name("AmazonECSTaskExecutionRolePolicy").map(|p| p.arn());
        let inst = managed::aws_managed_policy_by_name("AmazonEC2ContainerServiceforEC2Role").map(|p| p.arn());
        for (name, service, policy) in
            [("ecsTaskExecutionRole", ECS_TASKS_PRINCIPAL, exec), ("ecsInstanceRole", EC2_PRINCIPAL, inst)]
        {
            if state.insert_role(name, "/", &trust_policy_for(service), None, DEFAULT_CREATE_DATE).is_ok() {
                if let (Some(role), Some(arn)) = (state.roles.get_mut(name), policy) {
                    role.attached.insert(arn);
                }
            }
        }
        let profile = state.new_instance_profile("ecsInstanceRole", "/", DEFAULT_CREATE_DATE);
        state.instance_profiles.insert(profile.name.clone(), profile);
        if let Some(p) = state.instance_profiles.get_mut("ecsInstanceRole") {
            p.roles.push("ecsInstanceRole".to_string());
        }
        state
    }

    /// A deterministic identifier: `prefix` + `len` characters of IAM's id alphabet, from a counter hash.
    pub(crate) fn next_id(&mut self, prefix: &str, len: u32) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        self.counter += 1;
        let mut state = fnv1a(self.account_id.as_bytes(), FNV_OFFSET_BASIS);
        state = fnv1a(prefix.as_bytes(), state);
        state = fnv1a(&self.counter.to_le_bytes(), state);
        let mut out = String::from(prefix);
        let mut bits = splitmix64_next(&mut state);
        for i in 0..len {
            if i % 12 == 11 {
                bits = splitmix64_next(&mut state);
            }
            out.push(char::from(ALPHABET[(bits & 31) as u8 as usize]));
            bits >>= 5;
        }
        out
    }

    /// A deterministic string over `alphabet` (used for secret suffixes and version ids).
    pub(crate) fn next_token(&mut self, salt: &str, alphabet: &[u8], len: u32) -> String {
        self.counter += 1;
        let mut state = fnv1a(salt.as_bytes(), fnv1a(&self.counter.to_le_bytes(), FNV_OFFSET_BASIS));
        let modulus = u64::try_from(alphabet.len()).unwrap_or(1).max(1);
        (0..len)
            .map(|_| {
                let idx = usize::try_from(splitmix64_next(&mut state) % modulus).unwrap_or(0);
                char::from(alphabet.get(idx).copied().unwrap_or(b'A'))
            })
            .collect()
    }

    /// A deterministic UUID-shaped string.
    pub(crate) fn next_uuid(&mut self, salt: &str) -> String {
        let hex = self.next_token(salt, b"0123456789abcdef", 32);
        format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    }

    pub(crate) fn insert_role(
        &mut self,
        name: &str,
        path: &str,
        trust_text: &str,
        description: Option<String>,
        now_iso: &str,
    ) -> Result<(), PolicyError> {
        let trust = parse_policy(trust_text, PolicyKind::Trust)?;
        let id = self.next_id("AROA", 17);
        let role = Role {
            name: name.to_string(),
            id,
            arn: format!("arn:aws:iam::{}:role{}{}", self.account_id, path, name),
            path: path.to_string(),
            description,
            create_date: now_iso.to_string(),
            trust_text: trust_text.to_string(),
            trust,
            attached: TableSet::new(),
            inline: Table::new(),
        };
        self.roles.insert(name.to_string(), role);
        Ok(())
    }

    pub(crate) fn new_instance_profile(&mut self, name: &str, path: &str, now_iso: &str) -> InstanceProfile {
        InstanceProfile {
            name: name.to_string(),
            id: self.next_id("AIPA", 17),
            arn: format!("arn:aws:iam::{}:instance-profile{}{}", self.account_id, path, name),
            path: path.to_string(),
            create_date: now_iso.to_string(),
            roles: Vec::new(),
        }
    }

    /// The role a text names: a role ARN (`arn:aws:iam::<account>:role/<path>/<name>`) or a bare name.
    pub fn find_role(&self, text: &str) -> Option<&Role> {
        let text = text.trim();
        if text.starts_with("arn:") {
            if let Some(role) = self.roles.values().find(|r| r.arn == text) {
                return Some(role);
            }
            let (head, rest) = text.split_once(":role/")?;
            let account = head.rsplit(':').next().unwrap_or("");
            if account != self.account_id {
                return None;
            }
            let name = rest.rsplit('/').next().unwrap_or(rest);
            return self.roles.get(name);
        }
        self.roles.get(text).or_else(|| self.roles.values().find(|r| r.name.eq_ignore_ascii_case(text)))
    }

    /// The ARN of the role a text names (role ARN or short name), if the role exists.
    pub fn resolve_role_arn(&self, text: &str) -> Option<String> {
        self.find_role(text).map(|r| r.arn.clone())
    }

    /// The managed (AWS or customer) and inline policies of a role, ready for [`evaluate`].
    pub fn role_policies(&self, role: &Role) -> Vec<NamedPolicy> {
        let mut out = Vec::new();
        for arn in &role.attached {
            if let Some(def) = managed::aws_managed_policy(arn) {
                if let Some(document) = def.parsed() {
                    out.push(NamedPolicy { name: def.name.to_string(), arn: Some(arn.clone()), document });
                }
            } else if let Some(p) = self.policies.get(arn) {
                out.push(NamedPolicy { name: p.name.clone(), arn: Some(arn.clone()), document: p.document.clone() });
            }
        }
        for (name, inline) in &role.inline {
            out.push(NamedPolicy { name: name.clone(), arn: None, document: inline.document.clone() });
        }
        out
    }

    /// Whether the role's trust policy lets `service_principal` (e.g. `ecs-tasks.amazonaws.com`) call
    /// `sts:AssumeRole`. The error is ECS's wording for a role it cannot assume.
    pub fn can_assume(&self, role_arn_or_name: &str, service_principal: &str) -> Result<(), String> {
        let unable = |arn: &str| {
            // ECS's text for a role it cannot assume (seen in service events and RunTask ClientExceptions in public reports).
            format!(
                "ECS was unable to assume the role '{arn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role."
            )
        };
        let Some(role) = self.find_role(role_arn_or_name) else {
            return Err(unable(role_arn_or_name));
        };
        let request = EvalRequest::new(service_principal, "sts:AssumeRole", &role.arn);
        let policy = NamedPolicy { name: format!("{} trust policy", role.name), arn: None, document: role.trust.clone() };
        if evaluate(&request, &[policy]).is_allowed() {
            Ok(())
        } else {
            Err(unable(&role.arn))
        }
    }

    /// Evaluates the role's permissions policies for one action on one resource.
    pub fn role_allows(&self, role_arn_or_name: &str, action: &str, resource: &str) -> EvalDecision {
        self.role_allows_with(&EvalRequest::new(role_arn_or_name, action, resource))
    }

    /// Like [`IamState::role_allows`], with context keys; `request.principal` names the role.
    pub fn role_allows_with(&self, request: &EvalRequest) -> EvalDecision {
        match self.find_role(&request.principal) {
            Some(role) => {
                let mut req = request.clone();
                req.principal = role.arn.clone();
                evaluate(&req, &self.role_policies(role))
            }
            None => evaluate(request, &[]),
        }
    }

    /// The ARN of the role inside an instance profile (by name or instance-profile ARN).
    pub fn instance_profile_role(&self, name_or_arn: &str) -> Option<String> {
        let name = if name_or_arn.starts_with("arn:") {
            name_or_arn.rsplit('/').next().unwrap_or(name_or_arn)
        } else {
            name_or_arn
        };
        let profile = self.instance_profiles.get(name)?;
        let role = profile.roles.first()?;
        self.roles.get(role).map(|r| r.arn.clone())
    }

    /// The secret a Secrets Manager id names: its name, full ARN, or ARN without the 6-character suffix.
    pub fn find_secret(&self, id: &str) -> Option<&Secret> {
        if let Some(s) = self.secrets.get(id) {
            return Some(s);
        }
        if id.starts_with("arn:") {
            // Drop an ECS `:json-key:version-stage:version-id` tail: a secret ARN has 7 colon parts.
            let base: String = id.split(':').take(7).collect::<Vec<_>>().join(":");
            return self.secrets.values().find(|s| {
                s.arn == base || s.arn.get(..s.arn.len().saturating_sub(7)) == Some(base.as_str())
            });
        }
        None
    }

    pub fn secret_exists(&self, arn_or_name: &str) -> bool {
        self.find_secret(arn_or_name).is_some()
    }

    /// The parameter a name (`/db/password` or `db`) or parameter ARN names.
    pub fn find_parameter(&self, name_or_arn: &str) -> Option<&Parameter> {
        if let Some(p) = self.parameters.get(name_or_arn) {
            return Some(p);
        }
        if name_or_arn.starts_with("arn:") {
            return self.parameters.values().find(|p| p.arn == name_or_arn);
        }
        None
    }

    pub fn parameter_exists(&self, name_or_arn: &str) -> bool {
        self.find_parameter(name_or_arn).is_some()
    }

    pub(crate) fn parameter_arn(&self, name: &str) -> String {
        format!("arn:aws:ssm:{}:{}:parameter/{}", self.region, self.account_id, name.trim_start_matches('/'))
    }
}
