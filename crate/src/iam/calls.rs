//! The `iam:*`, `secretsmanager:*` and `ssm:*` calls, with the real request and response shapes.
//!
//! IAM responses use IAM's PascalCase members. As the AWS SDKs and CLI do, policy documents are
//! returned decoded (a JSON object), not URL-encoded.
//!
//! Error texts: "Role with name X already exists.", "The role with name X cannot be found.",
//! "Cannot delete entity, must detach all policies first.", "Cannot delete entity, must delete policies first.",
//! "The role policy with name X cannot be found.", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
//! "Secrets Manager can't find the specified secret." are seen in public reports.
//! "Policy X does not exist or is not attachable." is AWS's response pasted in getmoto/moto#6482. The others are marked
//! [UNVERIFIED] where used, or cite their source.

use serde_json::{json, Map, Value};

use super::managed;
use super::policy::{parse_policy, PolicyKind};
use super::model::{CustomerPolicy, IamState, InlinePolicy, Parameter, Role, Secret};
use crate::api::calls::{self, Handler};
use crate::api::{texts, ApiError, ApiResult, Dialect, Request};

/// Managed policies one role may have attached (IAM quota "Managed policies attached to an IAM role", default 10).
pub const MAX_ATTACHED_POLICIES: usize = 10;
/// IAM's size quotas on policy documents, in characters with the whitespace left out (IAM User Guide, "IAM and
/// AWS STS quotas"): a managed policy, a role's inline policies together, and a role's trust policy.
pub const MAX_MANAGED_POLICY_CHARS: usize = 6_144;
pub const MAX_ROLE_INLINE_POLICY_CHARS: usize = 10_240;
pub const MAX_TRUST_POLICY_CHARS: usize = 2_048;

/// The size IAM counts of a policy document: its characters, whitespace left out.
fn policy_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// The IAM name `member` of `request`: required, `[\w+=,.@-]+`, 1 to `max` characters.
fn iam_name<'a>(request: &Request<'a>, member: &str, max: usize) -> Result<&'a str, ApiError> {
    let value = request.required_string(member)?;
    let ok_chars = value.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if !ok_chars {
        return Err(request.invalid(texts::pattern_mismatch(value, &texts::member_path(member), "[\\w+=,.@-]+")));
    }
    if value.chars().count() > max {
        return Err(request.invalid(texts::too_long(value, &texts::member_path(member), max as u64)));
    }
    Ok(value)
}

/// The optional `Path` of `request`, `/` when absent: it must begin and end with `/`.
fn iam_path<'a>(request: &Request<'a>) -> Result<&'a str, ApiError> {
    let path = request.typed_str("Path")?.unwrap_or("/");
    if path.starts_with('/') && path.ends_with('/') && path.len() <= 512 {
        Ok(path)
    } else {
        // [UNVERIFIED] wording.
        Err(request.invalid(
            format!("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters. Value: {path}"),
        ))
    }
}

fn no_such_role(name: &str) -> ApiError {
    ApiError::new("NoSuchEntity", format!("The role with name {name} cannot be found."))
}

fn doc_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn role_json(role: &Role) -> Value {
    let mut out = Map::new();
    out.insert("Path".into(), json!(role.path));
    out.insert("RoleName".into(), json!(role.name));
    out.insert("RoleId".into(), json!(role.id));
    out.insert("Arn".into(), json!(role.arn));
    out.insert("CreateDate".into(), json!(role.create_date));
    out.insert("AssumeRolePolicyDocument".into(), doc_value(&role.trust_text));
    if let Some(d) = &role.description {
        out.insert("Description".into(), json!(d));
    }
    out.insert("MaxSessionDuration".into(), json!(3600));
    Value::Object(out)
}

fn policy_json(p: &CustomerPolicy) -> Value {
    let mut out = Map::new();
    out.insert("PolicyName".into(), json!(p.name));
    out.insert("PolicyId".into(), json!(p.id));
    out.insert("Arn".into(), json!(p.arn));
    out.insert("Path".into(), json!(p.path));
    out.insert("DefaultVersionId".into(), json!("v1"));
    out.insert("AttachmentCount".into(), json!(0));
    out.insert("PermissionsBoundaryUsageCount".into(), json!(0));
    out.insert("IsAttachable".into(), json!(true));
    if let Some(d) = &p.description {
        out.insert("Description".into(), json!(d));
    }
    out.insert("CreateDate".into(), json!(p.create_date));
    out.insert("UpdateDate".into(), json!(p.create_date));
    Value::Object(out)
}

impl IamState {
    /// Answers an IAM, Secrets Manager or SSM call; `None` when `call` is none of them.
    pub fn handle(&mut self, call: &str, input: &Value, now_iso: &str) -> Option<ApiResult> {
        let row = calls::find(call).filter(|row| row.handler == Handler::Iam)?;
        // IAM answers in the query dialect, Secrets Manager and SSM in the JSON one.
        let request = Request::new(input, Dialect::of(row.service));
        if !input.is_object() {
            return Some(Err(request.invalid("The request input must be a JSON object.")));
        }
        let request = &request;
        Some(match call {
            "iam:CreateRole" => self.create_role(request, now_iso),
            "iam:GetRole" => self.get_role(request),
            "iam:ListRoles" => self.list_roles(request),
            "iam:DeleteRole" => self.delete_role(request),
            "iam:AttachRolePolicy" => self.attach_role_policy(request),
            "iam:DetachRolePolicy" => self.detach_role_policy(request),
            "iam:PutRolePolicy" => self.put_role_policy(request),
            "iam:GetRolePolicy" => self.get_role_policy(request),
            "iam:DeleteRolePolicy" => self.delete_role_policy(request),
            "iam:CreatePolicy" => self.create_policy(request, now_iso),
            "iam:ListAttachedRolePolicies" => self.list_attached_role_policies(request),
            "iam:ListRolePolicies" => self.list_role_policies(request),
            "iam:CreateInstanceProfile" => self.create_instance_profile(request, now_iso),
            "iam:AddRoleToInstanceProfile" => self.add_role_to_instance_profile(request),
            "iam:RemoveRoleFromInstanceProfile" => self.remove_role_from_instance_profile(request),
            "iam:GetInstanceProfile" => self.get_instance_profile(request),
            "secretsmanager:CreateSecret" => self.create_secret(request, now_iso),
            "secretsmanager:GetSecretValue" => self.get_secret_value(request),
            "ssm:PutParameter" => self.put_parameter(request, now_iso),
            "ssm:GetParameter" => self.get_parameter(request),
            "ssm:GetParameters" => self.get_parameters(request),
            _ => return None,
        })
    }

    fn create_role(&mut self, request: &Request, now_iso: &str) -> ApiResult {
        let name = iam_name(request, "RoleName", 64)?;
        let trust_text = request.required_string("AssumeRolePolicyDocument")?;
        let path = iam_path(request)?;
        let description = request.typed_str("Description")?.map(str::to_string);
        if policy_chars(trust_text) > MAX_TRUST_POLICY_CHARS {
            // text: AWS's answer quoted in kubeflow/kubeflow#6687 and apache/airflow#27331.
            return Err(ApiError::new("LimitExceeded", format!("Cannot exceed quota for ACLSizePerRole: {MAX_TRUST_POLICY_CHARS}")));
        }
        // Role names are unique without regard to case.
        if self.roles.keys().any(|k| k.eq_ignore_ascii_case(name)) {
            return Err(ApiError::new("EntityAlreadyExists", format!("Role with name {name} already exists.")));
        }
        self.insert_role(name, path, trust_text, description, now_iso).map_err(|e| e.to_api_error())?;
        let role = self.roles.get(name).ok_or_else(|| no_such_role(name))?;
        Ok(json!({ "Role": role_json(role) }))
    }

    fn get_role(&mut self, request: &Request) -> ApiResult {
        let name = iam_name(request, "RoleName", 64)?;
        let role = self.roles.get(name).ok_or_else(|| no_such_role(name))?;
        let mut out = role_json(role);
        if let Some(obj) = out.as_object_mut() {
            obj.insert("RoleLastUsed".into(), json!({}));
        }
        Ok(json!({ "Role": out }))
    }

    fn list_roles(&mut self, request: &Request) -> ApiResult {
        let prefix = request.typed_str("PathPrefix")?.unwrap_or("/");
        let roles: Vec<Value> = self.roles.values().filter(|r| r.path.starts_with(prefix)).map(role_json).collect();
        Ok(json!({ "Roles": roles, "IsTruncated": false }))
    }

    fn delete_role(&mut self, request: &Request) -> ApiResult {
        let name = iam_name(request, "RoleName", 64)?;
        let role = self.roles.get(name).ok_or_else(|| no_such_role(name))?;
        if !role.attached.is_empty() {
            return Err(ApiError::new("DeleteConflict", "Cannot delete entity, must detach all policies first."));
        }
        if !role.inline.is_empty() {
            return Err(ApiError::new("DeleteConflict", "Cannot delete entity, must delete policies first."));
        }
        if self.instance_profiles.values().any(|p| p.roles.iter().any(|r| r == name)) {
            // text: DeleteRole's answer quoted in 99designs/iamy#68 and cloud-custodian/cloud-custodian#6340
            return Err(ApiError::new(
                "DeleteConflict",
                "Cannot delete entity, must remove roles from instance profile first.",
            ));
        }
        self.roles.remove(name);
        Ok(json!({}))
    }

    fn policy_exists(&self, arn: &str) -> bool {
        managed::aws_managed_policy(arn).is_some() || self.policies.contains_key(arn)
    }

    fn attach_role_policy(&mut self, request: &Request) -> ApiResult {
        let name = iam_name(request, "RoleName", 64)?;
        let arn = request.required_string("PolicyArn")?;
        if !arn.starts_with("arn:") || arn.splitn(6, ':').count() != 6 {
            // text: AWS's answer to DetachRolePolicy quoted in boto/boto#2960 ("InvalidInput ... ARN <arn> is not valid.").
            return Err(ApiError::new("InvalidInput", format!("ARN {arn} is not valid.")));
        }
        if !self.roles.contains_key(name) {
            return Err(no_such_role(name));
        }
        if !self.policy_exists(arn) {
            // text: AWS's answer quoted in getmoto/moto#6482.
            return Err(ApiError::new("NoSuchEntity", format!("Policy {arn} does not exist or is not attachable.")));
        }
        let role = self.roles.get_mut(name).ok_or_else(|| no_such_role(name))?;
        if !role.attached.contains(arn) && role.attached.len() >= MAX_ATTACHED_POLICIES {
            // text: AWS's answer quoted in aws/eks-hybrid#741 and LBHackney-IT/Data-Platform#1882
            return Err(ApiError::new(
                "LimitExceeded",
                format!("Cannot exceed quota for PoliciesPerRole: {MAX_ATTACHED_POLICIES}"),
            ));
        }
        role.attached.insert(arn.to_string());
        Ok(json!({}))
    }

    fn detach_role_policy(&mut self, request: &Request) -> ApiResult {
        let name = iam_name(request, "RoleName", 64)?;
        let arn = request.required_string("PolicyArn")?;
        let role = self.roles.get_mut(name).ok_or_else(|| no_such_role(name))?;
        if !role.attached.remove(arn) {
            // [UNVERIFIED] wording.
            return Err(ApiError::new("NoSuchEntity", format!("Policy {arn} was not found.")));
        }
        Ok(json!({}))
    }

    fn put_role_policy(&mut self, request: &Request) -> ApiResult {
        let name = iam_name(request, "RoleName", 64)?;
        let policy_name = iam_name(request, "PolicyName", 128)?;
        let text = request.required_string("PolicyDocument")?;
        let Some(role) = self.roles.get(name) else { return Err(no_such_role(name)) };
        // The quota is on the role's inline policies together, this one in place of any of the same name.
        let others: usize = role.inline.iter().filter(|(n, _)| n.as_str() != policy_name).map(|(_, p)| policy_chars(&p.text)).sum();
        if others + policy_chars(text) > MAX_ROLE_INLINE_POLICY_CHARS {
            // text: AWS's answer quoted in serverless/serverless#7643 and aws/aws-cdk#12403.
            return Err(ApiError::new("LimitExceeded", format!("Maximum policy size of {MAX_ROLE_INLINE_POLICY_CHARS} bytes exceeded for role {name}")));
        }
        let document = parse_policy(text, PolicyKind::Identity).map_err(|e| e.to_api_error())?;
        let role = self.roles.get_mut(name).ok_or_else(|| no_such_role(name))?;
        role.inline.insert(policy_name.to_string(), InlinePolicy { text: text.to_string(), document });
        Ok(json!({}))
    }

    fn get_role_policy(&mut self, request: &Request) -> ApiResult {
        let name = iam_name(request, "RoleName", 64)?;
        let policy_name = request.required_string("PolicyName")?;
        let role = self.roles.get(name).ok_or_else(|| no_such_role(name))?;
        let policy = role.inline.get(policy_name).ok_or_else(|| {
            ApiError::new("NoSuchEntity", format!("The role policy with name {policy_name} cannot be found."))
        })?;
        Ok(json!({ "RoleName": name, "PolicyName": policy_name, "PolicyDocument": doc_value(&policy.text) }))
    }

    fn delete_role_policy(&mut self, request: &Request) -> ApiResult {
        let name = iam_name(request, "RoleName", 64)?;
        let policy_name = request.required_string("PolicyName")?;
        let role = self.roles.get_mut(name).ok_or_else(|| no_such_role(name))?;
        if role.inline.remove(policy_name).is_none() {
            return Err(ApiError::new(
                "NoSuchEntity",
                format!("The role policy with name {policy_name} cannot be found."),
            ));
        }
        Ok(json!({}))
    }

    fn create_policy(&mut self, request: &Request, now_iso: &str) -> ApiResult {
        let name = iam_name(request, "PolicyName", 128)?;
        let text = request.required_string("PolicyDocument")?;
        let path = iam_path(request)?;
        let description = request.typed_str("Description")?.map(str::to_string);
        if policy_chars(text) > MAX_MANAGED_POLICY_CHARS {
            // text: AWS's answer quoted in ministryofjustice/cloud-platform-environments#14473 and
            // aws-cloudformation/cfn-lint#3871.
            return Err(ApiError::new("LimitExceeded", format!("Cannot exceed quota for PolicySize: {MAX_MANAGED_POLICY_CHARS}")));
        }
        let document = parse_policy(text, PolicyKind::Identity).map_err(|e| e.to_api_error())?;
        if self.policies.values().any(|p| p.name.eq_ignore_ascii_case(name)) {
            // text: AWS's answer quoted in Aabyss-Team/awsKeyTools#13 and konstructio/kubefirst#855.
            return Err(ApiError::new(
                "EntityAlreadyExists",
                format!("A policy called {name} already exists. Duplicate names are not allowed."),
            ));
        }
        let arn = format!("arn:aws:iam::{}:policy{}{}", self.account_id, path, name);
        let policy = CustomerPolicy {
            name: name.to_string(),
            id: self.next_id("ANPA", 17),
            arn: arn.clone(),
            path: path.to_string(),
            description,
            create_date: now_iso.to_string(),
            text: text.to_string(),
            document,
        };
        let out = policy_json(&policy);
        self.policies.insert(arn, policy);
        Ok(json!({ "Policy": out }))
    }

    fn list_attached_role_policies(&mut self, request: &Request) -> ApiResult {
        let name = iam_name(request, "RoleName", 64)?;
        let role = self.roles.get(name).ok_or_else(|| no_such_role(name))?;
        let attached: Vec<Value> = role
            .attached
            .iter()
            .map(|arn| {
                let policy_name = managed::aws_managed_policy(arn)
                    .map(|d| d.name.to_string())
                    .or_else(|| self.policies.get(arn).map(|p| p.name.clone()))
                    .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn).to_string());
                json!({ "PolicyName": policy_name, "PolicyArn": arn })
            })
            .collect();
        Ok(json!({ "AttachedPolicies": attached, "IsTruncated": false }))
    }

    fn list_role_policies(&mut self, request: &Request) -> ApiResult {
        let name = iam_name(request, "RoleName", 64)?;
        let role = self.roles.get(name).ok_or_else(|| no_such_role(name))?;
        Ok(json!({ "PolicyNames": role.inline.keys().collect::<Vec<_>>(), "IsTruncated": false }))
    }

    fn profile_json(&self, name: &str) -> Value {
        let Some(p) = self.instance_profiles.get(name) else { return Value::Null };
        let roles: Vec<Value> = p.roles.iter().filter_map(|r| self.roles.get(r)).map(role_json).collect();
        json!({
            "Path": p.path,
            "InstanceProfileName": p.name,
            "InstanceProfileId": p.id,
            "Arn": p.arn,
            "CreateDate": p.create_date,
            "Roles": roles,
        })
    }

    fn no_such_profile(name: &str) -> ApiError {
        // text: AWS's answer quoted in skyplane-project/skyplane#724 and DataBiosphere/toil#4836
        ApiError::new("NoSuchEntity", format!("Instance Profile {name} cannot be found."))
    }

    fn create_instance_profile(&mut self, request: &Request, now_iso: &str) -> ApiResult {
        let name = iam_name(request, "InstanceProfileName", 128)?;
        let path = iam_path(request)?;
        if self.instance_profiles.keys().any(|k| k.eq_ignore_ascii_case(name)) {
            // text: AWS's answer quoted in ine-labs/AWSGoat#49 and hashicorp/terraform-provider-aws#8041
            return Err(ApiError::new("EntityAlreadyExists", format!("Instance Profile {name} already exists.")));
        }
        let profile = self.new_instance_profile(name, path, now_iso);
        self.instance_profiles.insert(name.to_string(), profile);
        Ok(json!({ "InstanceProfile": self.profile_json(name) }))
    }

    fn add_role_to_instance_profile(&mut self, request: &Request) -> ApiResult {
        let profile_name = request.required_string("InstanceProfileName")?;
        let role_name = iam_name(request, "RoleName", 64)?;
        if !self.instance_profiles.contains_key(profile_name) {
            return Err(Self::no_such_profile(profile_name));
        }
        if !self.roles.contains_key(role_name) {
            return Err(no_such_role(role_name));
        }
        let profile = self.instance_profiles.get_mut(profile_name).ok_or_else(|| Self::no_such_profile(profile_name))?;
        if !profile.roles.is_empty() {
            return Err(ApiError::new("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"));
        }
        profile.roles.push(role_name.to_string());
        Ok(json!({}))
    }

    fn remove_role_from_instance_profile(&mut self, request: &Request) -> ApiResult {
        let profile_name = request.required_string("InstanceProfileName")?;
        let role_name = iam_name(request, "RoleName", 64)?;
        let profile = self.instance_profiles.get_mut(profile_name).ok_or_else(|| Self::no_such_profile(profile_name))?;
        let before = profile.roles.len();
        profile.roles.retain(|r| r != role_name);
        if profile.roles.len() == before {
            return Err(no_such_role(role_name));
        }
        Ok(json!({}))
    }

    fn get_instance_profile(&mut self, request: &Request) -> ApiResult {
        let name = request.required_string("InstanceProfileName")?;
        if !self.instance_profiles.contains_key(name) {
            return Err(Self::no_such_profile(name));
        }
        Ok(json!({ "InstanceProfile": self.profile_json(name) }))
    }

    fn create_secret(&mut self, request: &Request, now_iso: &str) -> ApiResult {
        let name = request.required_string("Name")?;
        let valid = name.len() <= 512 && name.chars().all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c));
        if !valid {
            // [UNVERIFIED] wording.
            return Err(ApiError::invalid_parameter("Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"));
        }
        // Secrets Manager refuses a member of the wrong type with InvalidParameterException, not its validation code.
        let as_invalid_parameter = |e: ApiError| ApiError::invalid_parameter(e.message);
        let secret_string = request.typed_str("SecretString").map_err(as_invalid_parameter)?.map(str::to_string);
        let description = request.typed_str("Description").map_err(as_invalid_parameter)?.map(str::to_string);
        if self.secrets.contains_key(name) {
            // text: AWS's answer (boto3 against the real service) quoted in getmoto/moto#9700
            return Err(ApiError::new(
                "ResourceExistsException",
                format!("The operation failed because the secret {name} already exists."),
            ));
        }
        let suffix = self.next_token(name, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 6);
        let arn = format!("arn:aws:secretsmanager:{}:{}:secret:{}-{}", self.region, self.account_id, name, suffix);
        let version_id = self.next_uuid(name);
        let secret = Secret {
            name: name.to_string(),
            arn: arn.clone(),
            description,
            secret_string,
            version_id: version_id.clone(),
            create_date: now_iso.to_string(),
        };
        self.secrets.insert(name.to_string(), secret);
        Ok(json!({ "ARN": arn, "Name": name, "VersionId": version_id }))
    }

    fn get_secret_value(&mut self, request: &Request) -> ApiResult {
        let id = request.required_string("SecretId")?;
        let secret = self.find_secret(id).ok_or_else(|| {
            ApiError::new("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
        })?;
        let mut out = Map::new();
        out.insert("ARN".into(), json!(secret.arn));
        out.insert("Name".into(), json!(secret.name));
        out.insert("VersionId".into(), json!(secret.version_id));
        if let Some(s) = &secret.secret_string {
            out.insert("SecretString".into(), json!(s));
        }
        out.insert("VersionStages".into(), json!(["AWSCURRENT"]));
        out.insert("CreatedDate".into(), json!(secret.create_date));
        Ok(Value::Object(out))
    }

    fn put_parameter(&mut self, request: &Request, now_iso: &str) -> ApiResult {
        let name = request.required_string("Name")?;
        let value = request.required_string("Value")?;
        let overwrite = request.bool("Overwrite").unwrap_or(false);
        let existing = self.parameters.get(name).cloned();
        let kind = match (request.typed_str("Type")?, &existing) {
            (Some(t), _) => t.to_string(),
            (None, Some(p)) => p.kind.clone(),
            (None, None) => "String".to_string(),
        };
        if !matches!(kind.as_str(), "String" | "StringList" | "SecureString") {
            return Err(request.invalid(texts::not_in_enum(&kind, "type", &["SecureString", "StringList", "String"])));
        }
        let name_ok = name.len() <= 1011 && name.chars().all(|c| c.is_ascii_alphanumeric() || "/_.-".contains(c));
        let lowered = name.trim_start_matches('/').to_ascii_lowercase();
        if !name_ok || lowered.starts_with("aws") || lowered.starts_with("ssm") {
            // [UNVERIFIED] wording.
            return Err(request.invalid(
                "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". Valid example: /get/parameters2-/by1./path0_.",
            ));
        }
        let version = match &existing {
            Some(_) if !overwrite => {
                // text: AWS's answer quoted in garystafford/emr-demo#1 and binxio/cfn-secret-provider#10.
                return Err(ApiError::new(
                    "ParameterAlreadyExists",
                    "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
                ));
            }
            Some(p) => p.version + 1,
            None => 1,
        };
        let parameter = Parameter {
            name: name.to_string(),
            arn: self.parameter_arn(name),
            kind,
            value: value.to_string(),
            version,
            last_modified: now_iso.to_string(),
        };
        self.parameters.insert(name.to_string(), parameter);
        Ok(json!({ "Version": version, "Tier": "Standard" }))
    }

    fn parameter_json(p: &Parameter, decrypt: bool) -> Value {
        let value = if p.kind == "SecureString" && !decrypt {
            // Stands in for the KMS ciphertext blob the real API returns without WithDecryption.
            format!("AQICAH{}", u64::try_from(p.arn.len()).unwrap_or(0).wrapping_mul(7919) % 100_000)
        } else {
            p.value.clone()
        };
        json!({
            "Name": p.name,
            "Type": p.kind,
            "Value": value,
            "Version": p.version,
            "LastModifiedDate": p.last_modified,
            "ARN": p.arn,
            "DataType": "text",
        })
    }

    fn get_parameter(&mut self, request: &Request) -> ApiResult {
        let name = request.required_string("Name")?;
        let decrypt = request.bool("WithDecryption").unwrap_or(false);
        let p = self.find_parameter(name).ok_or_else(|| {
            // AWS sends no message with this code: the CLI prints "An error occurred (ParameterNotFound) when calling the
            // GetParameter operation: " (aws-solutions/aws-control-tower-customizations#68, awslabs/aws-simple-cicd#10;
            // the JS SDK's message is null, vandium-io/aws-param-store#8).
            ApiError::new("ParameterNotFound", "")
        })?;
        Ok(json!({ "Parameter": Self::parameter_json(p, decrypt) }))
    }

    fn get_parameters(&mut self, request: &Request) -> ApiResult {
        if request.items("Names").is_none_or(|names| names.is_empty()) {
            return Err(request.invalid(texts::required(&texts::member_path("Names"))));
        }
        let names = request.strings("Names");
        let decrypt = request.bool("WithDecryption").unwrap_or(false);
        let mut found = Vec::new();
        let mut invalid = Vec::new();
        for n in names {
            match self.find_parameter(&n) {
                Some(p) => found.push(Self::parameter_json(p, decrypt)),
                None => invalid.push(n),
            }
        }
        Ok(json!({ "Parameters": found, "InvalidParameters": invalid }))
    }
}
