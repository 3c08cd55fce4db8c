//! The EFS API calls, with the request and response shapes of the EFS API model (PascalCase members).
//!
//! Error codes are EFS's error shape names (BOTO efs `service-2.json`). Messages marked
//! [UNVERIFIED] follow the pattern of observed messages but were not seen verbatim.

use serde_json::{json, Map, Value};

use super::ids::{resource_id, uuid_like};
use super::model::*;
use crate::api::texts::{self, Ending};
use crate::api::{ApiError, ApiResult, Request};
use crate::table::{Table, TableSet};

/// The largest POSIX user or group id (`Uid`, `Gid`, `OwnerUid`, ...): the model's 0 to 4294967295.
const MAX_POSIX_ID: u64 = u32::MAX as u64;

/// Text observed in third-party logs: `File system 'fs-12345678' does not exist.`
pub(crate) fn file_system_not_found(id: &str) -> ApiError {
    ApiError::new("FileSystemNotFound", format!("File system '{id}' does not exist."))
}

/// [UNVERIFIED] text, patterned on FileSystemNotFound.
fn mount_target_not_found(id: &str) -> ApiError {
    ApiError::new("MountTargetNotFound", format!("Mount target '{id}' does not exist."))
}

/// [UNVERIFIED] text, patterned on FileSystemNotFound.
fn access_point_not_found(id: &str) -> ApiError {
    ApiError::new("AccessPointNotFound", format!("Access point '{id}' does not exist."))
}

/// [UNVERIFIED] text.
fn incorrect_state(id: &str, state: LifeCycle) -> ApiError {
    ApiError::new(
        "IncorrectFileSystemLifeCycleState",
        format!("File system '{id}' is in '{}' state; the operation needs it to be 'available'.", state.as_aws()),
    )
}

/// Strips an EFS ARN to its id (`arn:aws:elasticfilesystem:...:file-system/fs-1` → `fs-1`).
pub(crate) fn id_of(text: &str) -> &str {
    if text.starts_with("arn:") {
        text.rsplit('/').next().unwrap_or(text)
    } else {
        text
    }
}

/// A JSON number in thousandths, without floating point (`128.5` → 128500). `None` for negatives,
/// exponents or more than three decimals.
fn milli_of(number: &serde_json::Number) -> Option<u64> {
    let text = number.to_string();
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text.as_str(), ""),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 3 {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let mut milli: u64 = 0;
    for (i, b) in frac.bytes().enumerate() {
        milli += (b - b'0') as u64 * [100, 10, 1][i];
    }
    whole.checked_mul(1000)?.checked_add(milli)
}

/// `Tags` as `[{Key, Value}]`, checked against the `TagKey`/`TagValue` shapes.
fn parse_tags(request: &Request) -> Result<Vec<(String, String)>, ApiError> {
    if request.get("Tags").is_none() {
        return Ok(Vec::new());
    }
    let Some(items) = request.items("Tags") else {
        return Err(request.invalid("Tags must be a list of {Key, Value} objects."));
    };
    let mut tags: Vec<(String, String)> = Vec::new();
    for item in &items {
        let key = item.str("Key").unwrap_or("");
        let Some(value) = item.str("Value") else {
            return Err(request.invalid("Each tag needs a Key and a Value."));
        };
        if key.is_empty() || key.chars().count() > 128 {
            return Err(request.invalid("Tag keys must be 1 to 128 characters."));
        }
        if key.len() >= 4 && key[..4].eq_ignore_ascii_case("aws:") {
            return Err(request.invalid("Tag keys can't start with 'aws:'."));
        }
        if value.chars().count() > 256 {
            return Err(request.invalid("Tag values can be at most 256 characters."));
        }
        if tags.iter().any(|(k, _)| k == key) {
            return Err(request.invalid(format!("Duplicate tag key '{key}'.")));
        }
        tags.push((key.to_string(), value.to_string()));
    }
    Ok(tags)
}

fn tags_json(tags: &[(String, String)]) -> Value {
    Value::Array(tags.iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect())
}

/// The `Path` shape: `/` or up to four components, at most 100 characters, no component starting
/// with `.`, none of `$#<>;`|&?{}^*` or newline.
fn valid_ap_path(path: &str) -> bool {
    if path == "/" {
        return true;
    }
    if path.is_empty() || path.len() > 100 || !path.starts_with('/') {
        return false;
    }
    let parts: Vec<&str> = path[1..].split('/').collect();
    parts.len() <= 4
        && parts.iter().all(|p| {
            !p.is_empty() && !p.starts_with('.') && !p.chars().any(|c| "$#<>;`|&?{}^*\n".contains(c))
        })
}

fn valid_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

impl EfsState {
    fn arn(ctx: &EfsContext, kind: &str, id: &str) -> String {
        format!("arn:aws:elasticfilesystem:{}:{}:{kind}/{id}", ctx.region, ctx.account_id)
    }

    // ---- file systems ----

    pub(crate) fn create_file_system(&mut self, request: &Request, ctx: &EfsContext) -> ApiResult {
        let token = match request.typed_str("CreationToken")? {
            Some(t) if t.is_empty() || t.chars().count() > 64 => {
                return Err(request.invalid("CreationToken must be 1 to 64 characters."));
            }
            Some(t) => t.to_string(),
            // The SDKs fill an idempotency token when the caller leaves it out.
            None => uuid_like("creation-token", self.counter + 1),
        };
        // The enum texts are AWS's service-side wording, [UNVERIFIED] for EFS.
        let performance_mode = request.typed_str("PerformanceMode")?.unwrap_or("generalPurpose").to_string();
        if !["generalPurpose", "maxIO"].contains(&performance_mode.as_str()) {
            return Err(request.invalid(texts::not_in_enum(&performance_mode, "performanceMode", &["generalPurpose", "maxIO"])));
        }
        let throughput_mode = request.typed_str("ThroughputMode")?.unwrap_or("bursting").to_string();
        if !["bursting", "provisioned", "elastic"].contains(&throughput_mode.as_str()) {
            return Err(request.invalid(texts::not_in_enum(&throughput_mode, "throughputMode", &["bursting", "provisioned", "elastic"])));
        }
        let provisioned = match request.get("ProvisionedThroughputInMibps") {
            None => None,
            Some(Value::Number(n)) => Some(n.clone()),
            Some(_) => return Err(request.invalid("ProvisionedThroughputInMibps must be a number.")),
        };
        // BOTO CreateFileSystemRequest: provisioned mode needs ProvisionedThroughputInMibps; valid values
        // 1-3414 MiBps (upper limit depends on the Region). Messages [UNVERIFIED].
        match (&provisioned, throughput_mode.as_str()) {
            (None, "provisioned") => {
                return Err(request.invalid("ProvisionedThroughputInMibps is required when ThroughputMode is 'provisioned'."));
            }
            (Some(_), mode) if mode != "provisioned" => {
                return Err(request.invalid("ProvisionedThroughputInMibps can be set only when ThroughputMode is 'provisioned'."));
            }
            (Some(n), _) => match milli_of(n) {
                Some(m) if (1_000..=3_414_000).contains(&m) => {}
                _ => return Err(request.invalid("ProvisionedThroughputInMibps must be between 1 and 3414 MiBps.")),
            },
            _ => {}
        }
        // BOTO CreateFileSystem: "Max I/O mode is not supported for One Zone file systems or file systems
        // that use Elastic throughput." Message [UNVERIFIED].
        let availability_zone = request.typed_str("AvailabilityZoneName")?.map(str::to_string);
        if performance_mode == "maxIO" && throughput_mode == "elastic" {
            return Err(request.invalid("Performance mode maxIO is not supported for file systems that use Elastic throughput."));
        }
        if performance_mode == "maxIO" && availability_zone.is_some() {
            return Err(request.invalid("Performance mode maxIO is not supported for One Zone file systems."));
        }
        if let Some(az) = &availability_zone {
            if !ctx.subnets.iter().any(|(_, a)| a == az) {
                return Err(ApiError::new(
                    "UnsupportedAvailabilityZone",
                    format!("Availability Zone '{az}' is not available for One Zone file systems in this VPC."),
                ));
            }
        }
        let encrypted = request.typed_bool("Encrypted")?.unwrap_or(false);
        let kms = request.typed_str("KmsKeyId")?.map(str::to_string);
        // BOTO: "If you use KmsKeyId, you must set the Encrypted parameter to true." Message [UNVERIFIED].
        if kms.is_some() && !encrypted {
            return Err(request.invalid("Encrypted must be true when KmsKeyId is specified."));
        }
        let tags = parse_tags(request)?;
        if let Some(existing) = self.file_systems.values().find(|f| f.creation_token == token) {
            // Observed text: File system 'fs-xxxx' already exists with creation token 'CSI'
            return Err(ApiError::new(
                "FileSystemAlreadyExists",
                format!("File system '{}' already exists with creation token '{token}'", existing.file_system_id),
            ));
        }
        let n = self.next_counter();
        let id = resource_id("fs", n);
        let kms_key_id = if encrypted {
            // The AWS managed key aws/elasticfilesystem when none is given; its key id is a stand-in.
            Some(kms.unwrap_or_else(|| format!("arn:aws:kms:{}:{}:key/{}", ctx.region, ctx.account_id, uuid_like("kms", n))))
        } else {
            None
        };
        let fs = FileSystem {
            file_system_id: id.clone(),
            arn: Self::arn(ctx, "file-system", &id),
            creation_token: token,
            owner_id: ctx.account_id.clone(),
            creation_time: ctx.now_iso.clone(),
            state: LifeCycle::Creating,
            performance_mode,
            throughput_mode,
            provisioned_throughput: provisioned,
            encrypted,
            kms_key_id,
            availability_zone,
            tags,
            files: Table::new(),
            dirs: TableSet::new(),
        };
        let out = self.file_system_json(&fs, ctx);
        self.file_systems.insert(id.clone(), fs);
        if self.auto_available {
            self.mark_available(&id);
        }
        Ok(out)
    }

    /// A `FileSystemDescription`.
    pub fn file_system_json(&self, fs: &FileSystem, ctx: &EfsContext) -> Value {
        // [UNVERIFIED] an empty EFS file system meters 6144 bytes (metadata); observed, not documented.
        let size = 6144 + fs.data_bytes();
        let mut out = Map::new();
        out.insert("OwnerId".into(), json!(fs.owner_id));
        out.insert("CreationToken".into(), json!(fs.creation_token));
        out.insert("FileSystemId".into(), json!(fs.file_system_id));
        out.insert("FileSystemArn".into(), json!(fs.arn));
        out.insert("CreationTime".into(), json!(fs.creation_time));
        out.insert("LifeCycleState".into(), json!(fs.state.as_aws()));
        if let Some(name) = fs.name() {
            out.insert("Name".into(), json!(name));
        }
        out.insert("NumberOfMountTargets".into(), json!(self.mount_target_count(&fs.file_system_id)));
        out.insert(
            "SizeInBytes".into(),
            json!({ "Value": size, "Timestamp": ctx.now_iso, "ValueInIA": 0, "ValueInStandard": size, "ValueInArchive": 0 }),
        );
        out.insert("PerformanceMode".into(), json!(fs.performance_mode));
        out.insert("Encrypted".into(), json!(fs.encrypted));
        if let Some(kms) = &fs.kms_key_id {
            out.insert("KmsKeyId".into(), json!(kms));
        }
        out.insert("ThroughputMode".into(), json!(fs.throughput_mode));
        if let Some(p) = &fs.provisioned_throughput {
            out.insert("ProvisionedThroughputInMibps".into(), Value::Number(p.clone()));
        }
        if let Some(az) = &fs.availability_zone {
            out.insert("AvailabilityZoneName".into(), json!(az));
        }
        out.insert("Tags".into(), tags_json(&fs.tags));
        out.insert("FileSystemProtection".into(), json!({ "ReplicationOverwriteProtection": "ENABLED" }));
        Value::Object(out)
    }

    pub(crate) fn describe_file_systems(&mut self, request: &Request, ctx: &EfsContext) -> ApiResult {
        let id = request.typed_str("FileSystemId")?.map(id_of);
        let token = request.typed_str("CreationToken")?;
        let marker = request.typed_str("Marker")?;
        let max_items = match request.get("MaxItems") {
            None => 100,
            Some(v) => match v.as_u64() {
                Some(m) if m >= 1 => m.min(100) as usize,
                _ => return Err(request.invalid("MaxItems must be a positive integer.")),
            },
        };
        if let Some(id) = id {
            if !self.file_systems.contains_key(id) {
                return Err(file_system_not_found(id));
            }
        }
        let matching: Vec<&FileSystem> = self
            .file_systems
            .values()
            .filter(|f| id.is_none_or(|i| f.file_system_id == i))
            .filter(|f| token.is_none_or(|t| f.creation_token == t))
            .filter(|f| marker.is_none_or(|m| f.file_system_id.as_str() >= m))
            .collect();
        let page: Vec<Value> = matching.iter().take(max_items).map(|f| self.file_system_json(f, ctx)).collect();
        let mut out = json!({ "FileSystems": page });
        if let Some(m) = marker {
            out["Marker"] = json!(m);
        }
        if let Some(next) = matching.get(max_items) {
            out["NextMarker"] = json!(next.file_system_id);
        }
        Ok(out)
    }

    pub(crate) fn delete_file_system(&mut self, request: &Request) -> ApiResult {
        let id = id_of(request.required_text("FileSystemId", Ending::Sentence)?).to_string();
        if !self.file_systems.contains_key(&id) {
            return Err(file_system_not_found(&id));
        }
        if self.mount_target_count(&id) > 0 {
            // Observed text (aws-nuke #1203).
            return Err(ApiError::new(
                "FileSystemInUse",
                format!("The file system '{id}' cannot be deleted because it has mount targets. You must delete the mount targets, and then try again."),
            ));
        }
        // [UNVERIFIED] access points go with their file system.
        self.access_points.retain(|_, ap| ap.file_system_id != id);
        self.file_systems.remove(&id);
        Ok(json!({}))
    }

    // ---- mount targets ----

    pub(crate) fn create_mount_target(&mut self, request: &Request, ctx: &EfsContext) -> ApiResult {
        let fs_id = id_of(request.required_text("FileSystemId", Ending::Sentence)?).to_string();
        let subnet_id = request.required_text("SubnetId", Ending::Sentence)?.to_string();
        let ip_address = request.typed_str("IpAddress")?.map(str::to_string);
        let security_groups: Vec<String> = match request.get("SecurityGroups") {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut groups = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(s) => groups.push(s.to_string()),
                        None => return Err(request.invalid("SecurityGroups must be a list of security group IDs.")),
                    }
                }
                groups
            }
            Some(_) => return Err(request.invalid("SecurityGroups must be a list of security group IDs.")),
        };
        let Some(fs) = self.file_systems.get(&fs_id) else {
            return Err(file_system_not_found(&fs_id));
        };
        if fs.state != LifeCycle::Available {
            return Err(incorrect_state(&fs_id, fs.state));
        }
        let Some((_, az)) = ctx.subnets.iter().find(|(s, _)| *s == subnet_id) else {
            // [UNVERIFIED] text.
            return Err(ApiError::new("SubnetNotFound", format!("The subnet ID '{subnet_id}' does not exist")));
        };
        let az = az.clone();
        if security_groups.len() > 5 {
            // [UNVERIFIED] text; the limit of five is BOTO's.
            return Err(ApiError::new("SecurityGroupLimitExceeded", "A mount target can have at most 5 security groups."));
        }
        for sg in &security_groups {
            if !ctx.security_groups.iter().any(|g| &g.group_id == sg) {
                // [UNVERIFIED] text.
                return Err(ApiError::new("SecurityGroupNotFound", format!("The security group '{sg}' does not exist in the subnet's VPC.")));
            }
        }
        if let Some(fs_az) = &fs.availability_zone {
            if *fs_az != az {
                // [UNVERIFIED] text.
                return Err(ApiError::new(
                    "AvailabilityZonesMismatch",
                    format!("The subnet is in {az}, but One Zone file system '{fs_id}' is in {fs_az}."),
                ));
            }
        }
        if self.mount_targets.values().any(|m| m.file_system_id == fs_id && m.availability_zone == az) {
            // Observed text (terraform-provider-aws #2525).
            return Err(ApiError::new("MountTargetConflict", "mount target already exists in this AZ"));
        }
        if let Some(ip) = &ip_address {
            if !valid_ipv4(ip) {
                return Err(request.invalid(format!("IpAddress '{ip}' is not a valid IPv4 address.")));
            }
            if self.mount_targets.values().any(|m| m.ip_address.as_deref() == Some(ip.as_str())) {
                return Err(ApiError::new("IpAddressInUse", format!("IP address '{ip}' is already in use in the subnet.")));
            }
        }
        let n = self.next_counter();
        let id = resource_id("fsmt", n);
        // Without SecurityGroups the mount target gets the VPC's default group (API_CreateMountTarget).
        let security_groups = if security_groups.is_empty() { vec![DEFAULT_GROUP.to_string()] } else { security_groups };
        let mt = MountTarget {
            mount_target_id: id.clone(),
            file_system_id: fs_id,
            subnet_id,
            availability_zone: az,
            security_groups,
            network_interface_id: resource_id("eni", n),
            ip_address,
            state: LifeCycle::Creating,
            owner_id: ctx.account_id.clone(),
            vpc_id: ctx.vpc_id.clone(),
        };
        let out = mount_target_json(&mt);
        self.mount_targets.insert(id.clone(), mt);
        if self.auto_available {
            self.mark_available(&id);
        }
        Ok(out)
    }

    pub(crate) fn describe_mount_targets(&mut self, request: &Request) -> ApiResult {
        let fs_id = request.typed_str("FileSystemId")?.map(id_of);
        let mt_id = request.typed_str("MountTargetId")?;
        let ap_id = request.typed_str("AccessPointId")?.map(id_of);
        let targets: Vec<Value> = match (fs_id, mt_id, ap_id) {
            (None, None, None) => {
                // [UNVERIFIED] text.
                return Err(request.invalid("One of FileSystemId, MountTargetId or AccessPointId must be specified."));
            }
            (_, Some(mt), _) => match self.mount_targets.get(mt) {
                Some(m) if fs_id.is_none_or(|f| f == m.file_system_id) => vec![mount_target_json(m)],
                _ => return Err(mount_target_not_found(mt)),
            },
            (Some(fs), None, _) => {
                if !self.file_systems.contains_key(fs) {
                    return Err(file_system_not_found(fs));
                }
                self.mount_targets.values().filter(|m| m.file_system_id == fs).map(mount_target_json).collect()
            }
            (None, None, Some(ap)) => {
                let Some(ap) = self.access_points.get(ap) else {
                    return Err(access_point_not_found(ap));
                };
                self.mount_targets.values().filter(|m| m.file_system_id == ap.file_system_id).map(mount_target_json).collect()
            }
        };
        Ok(json!({ "MountTargets": targets }))
    }

    pub(crate) fn delete_mount_target(&mut self, request: &Request) -> ApiResult {
        let id = request.required_text("MountTargetId", Ending::Sentence)?;
        if self.mount_targets.remove(id).is_none() {
            return Err(mount_target_not_found(id));
        }
        Ok(json!({}))
    }

    // ---- access points ----

    pub(crate) fn create_access_point(&mut self, request: &Request, ctx: &EfsContext) -> ApiResult {
        let fs_id = id_of(request.required_text("FileSystemId", Ending::Sentence)?).to_string();
        let client_token = match request.typed_str("ClientToken")? {
            Some(t) if t.is_empty() || t.chars().count() > 64 => return Err(request.invalid("ClientToken must be 1 to 64 characters.")),
            Some(t) => t.to_string(),
            None => uuid_like("client-token", self.counter + 1),
        };
        let posix_user = match request.object("PosixUser") {
            None if request.get("PosixUser").is_none() => None,
            None => return Err(request.invalid("PosixUser must be an object with Uid and Gid.")),
            Some(p) => {
                let uid = p.member("Uid").u64_at_most("PosixUser.Uid", MAX_POSIX_ID)?;
                let gid = p.member("Gid").u64_at_most("PosixUser.Gid", MAX_POSIX_ID)?;
                let secondary_gids = match p.items("SecondaryGids") {
                    None if p.get("SecondaryGids").is_none() => Vec::new(),
                    Some(items) if items.len() <= 16 => {
                        items.iter().map(|gid| gid.u64_at_most("PosixUser.SecondaryGids", MAX_POSIX_ID)).collect::<Result<Vec<u64>, ApiError>>()?
                    }
                    _ => return Err(p.invalid("PosixUser.SecondaryGids must be a list of at most 16 group IDs.")),
                };
                Some(PosixUser { uid, gid, secondary_gids })
            }
        };
        let (root_path, creation_info) = match request.object("RootDirectory") {
            None if request.get("RootDirectory").is_none() => ("/".to_string(), None),
            None => return Err(request.invalid("RootDirectory must be an object with Path.")),
            Some(r) => {
                let path = r.typed_str("Path")?.unwrap_or("/").to_string();
                if !valid_ap_path(&path) {
                    return Err(r.invalid(format!(
                        "RootDirectory.Path '{path}' is not valid: use '/' or an absolute path of up to four directories and 100 characters."
                    )));
                }
                let info = match r.object("CreationInfo") {
                    None if r.get("CreationInfo").is_none() => None,
                    None => return Err(r.invalid("RootDirectory.CreationInfo must be an object.")),
                    Some(c) => {
                        let owner_uid = c.member("OwnerUid").u64_at_most("CreationInfo.OwnerUid", MAX_POSIX_ID)?;
                        let owner_gid = c.member("OwnerGid").u64_at_most("CreationInfo.OwnerGid", MAX_POSIX_ID)?;
                        let permissions = c.str("Permissions").unwrap_or("");
                        if !(3..=4).contains(&permissions.len()) || !permissions.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                            return Err(c.invalid("CreationInfo.Permissions must be 3 or 4 octal digits, such as 755."));
                        }
                        Some(CreationInfo { owner_uid, owner_gid, permissions: permissions.to_string() })
                    }
                };
                (path, info)
            }
        };
        let tags = parse_tags(request)?;
        let Some(fs) = self.file_systems.get(&fs_id) else {
            return Err(file_system_not_found(&fs_id));
        };
        if fs.state != LifeCycle::Available {
            return Err(incorrect_state(&fs_id, fs.state));
        }
        if let Some(existing) = self.access_points.values().find(|a| a.client_token == client_token) {
            // [UNVERIFIED] text, patterned on FileSystemAlreadyExists.
            return Err(ApiError::new(
                "AccessPointAlreadyExists",
                format!("Access point '{}' already exists with client token '{client_token}'", existing.access_point_id),
            ));
        }
        // BOTO ThrottlingException doc: the limit is 1,000 access points per file system.
        if self.access_points.values().filter(|a| a.file_system_id == fs_id).count() >= 1000 {
            return Err(ApiError::new(
                "AccessPointLimitExceeded",
                format!("File system '{fs_id}' already has the maximum number of access points (1000)."),
            ));
        }
        let n = self.next_counter();
        let id = resource_id("fsap", n);
        let ap = AccessPoint {
            access_point_id: id.clone(),
            arn: Self::arn(ctx, "access-point", &id),
            file_system_id: fs_id,
            client_token,
            posix_user,
            root_path,
            creation_info,
            tags,
            owner_id: ctx.account_id.clone(),
            state: LifeCycle::Creating,
        };
        let out = access_point_json(&ap);
        self.access_points.insert(id.clone(), ap);
        if self.auto_available {
            self.mark_available(&id);
        }
        Ok(out)
    }

    pub(crate) fn describe_access_points(&mut self, request: &Request) -> ApiResult {
        let ap_id = request.typed_str("AccessPointId")?.map(id_of);
        let fs_id = request.typed_str("FileSystemId")?.map(id_of);
        let points: Vec<Value> = match (ap_id, fs_id) {
            (Some(_), Some(_)) => {
                // BOTO: AccessPointId and FileSystemId are mutually exclusive. Message [UNVERIFIED].
                return Err(request.invalid("AccessPointId and FileSystemId are mutually exclusive; specify only one."));
            }
            (Some(ap), None) => match self.access_points.get(ap) {
                Some(a) => vec![access_point_json(a)],
                None => return Err(access_point_not_found(ap)),
            },
            (None, Some(fs)) => {
                if !self.file_systems.contains_key(fs) {
                    return Err(file_system_not_found(fs));
                }
                self.access_points.values().filter(|a| a.file_system_id == fs).map(access_point_json).collect()
            }
            (None, None) => self.access_points.values().map(access_point_json).collect(),
        };
        Ok(json!({ "AccessPoints": points }))
    }

    pub(crate) fn delete_access_point(&mut self, request: &Request) -> ApiResult {
        let id = id_of(request.required_text("AccessPointId", Ending::Sentence)?).to_string();
        if self.access_points.remove(&id).is_none() {
            return Err(access_point_not_found(&id));
        }
        Ok(json!({}))
    }
}

/// The group a mount target created without `SecurityGroups` gets: the VPC's default security group,
/// which (unless the scenario declares a group with this id) allows all traffic from its own members.
pub const DEFAULT_GROUP: &str = "default";

/// A `MountTargetDescription`.
pub fn mount_target_json(mt: &MountTarget) -> Value {
    let mut out = Map::new();
    out.insert("OwnerId".into(), json!(mt.owner_id));
    out.insert("MountTargetId".into(), json!(mt.mount_target_id));
    out.insert("FileSystemId".into(), json!(mt.file_system_id));
    out.insert("SubnetId".into(), json!(mt.subnet_id));
    out.insert("LifeCycleState".into(), json!(mt.state.as_aws()));
    if let Some(ip) = &mt.ip_address {
        out.insert("IpAddress".into(), json!(ip));
    }
    out.insert("NetworkInterfaceId".into(), json!(mt.network_interface_id));
    out.insert("AvailabilityZoneName".into(), json!(mt.availability_zone));
    if !mt.vpc_id.is_empty() {
        out.insert("VpcId".into(), json!(mt.vpc_id));
    }
    Value::Object(out)
}

/// An `AccessPointDescription`.
pub fn access_point_json(ap: &AccessPoint) -> Value {
    let mut out = Map::new();
    out.insert("ClientToken".into(), json!(ap.client_token));
    if let Some((_, name)) = ap.tags.iter().find(|(k, _)| k == "Name") {
        out.insert("Name".into(), json!(name));
    }
    out.insert("Tags".into(), tags_json(&ap.tags));
    out.insert("AccessPointId".into(), json!(ap.access_point_id));
    out.insert("AccessPointArn".into(), json!(ap.arn));
    out.insert("FileSystemId".into(), json!(ap.file_system_id));
    if let Some(p) = &ap.posix_user {
        let mut user = json!({ "Uid": p.uid, "Gid": p.gid });
        if !p.secondary_gids.is_empty() {
            user["SecondaryGids"] = json!(p.secondary_gids);
        }
        out.insert("PosixUser".into(), user);
    }
    let mut root = json!({ "Path": ap.root_path });
    if let Some(c) = &ap.creation_info {
        root["CreationInfo"] = json!({ "OwnerUid": c.owner_uid, "OwnerGid": c.owner_gid, "Permissions": c.permissions });
    }
    out.insert("RootDirectory".into(), root);
    out.insert("OwnerId".into(), json!(ap.owner_id));
    out.insert("LifeCycleState".into(), json!(ap.state.as_aws()));
    Value::Object(out)
}

#[cfg(test)]
mod helper_tests {
    use super::*;

    #[test]
    fn milli_parsing_is_integer_only() {
        let n = |t: &str| serde_json::from_str::<serde_json::Number>(t).unwrap();
        assert_eq!(milli_of(&n("128")), Some(128_000));
        assert_eq!(milli_of(&n("128.5")), Some(128_500));
        assert_eq!(milli_of(&n("0.001")), Some(1));
        assert_eq!(milli_of(&n("-1")), None);
        assert!(valid_ap_path("/a/b"));
        assert!(!valid_ap_path("/a/b/c/d/e"));
        assert!(!valid_ap_path("/.hidden"));
        assert!(!valid_ap_path("relative"));
    }
}
