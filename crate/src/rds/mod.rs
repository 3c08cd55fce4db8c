//! Amazon RDS: DB subnet groups and DB instances (MySQL, MariaDB, PostgreSQL) with their classes, Multi-AZ, VPC
//! security groups and the master password RDS can manage in Secrets Manager; an instance moves from `creating`
//! through `backing-up` to `available` on sim time. Shapes: botocore `rds` (2014-10-31).

#[cfg(test)]
mod tests;

use serde_json::{json, Value};

use crate::api::calls::{handled_by, Handler};
use crate::api::{ApiError, ApiResult, Dialect, Request};
use crate::table::Table;

/// How long a new instance is `creating`, and then `backing-up` (its first automated backup). [UNVERIFIED] RDS
/// documents no figure; creating an instance usually takes several minutes, Multi-AZ longer.
pub const CREATING_MS: u64 = 7 * 60_000;
pub const CREATING_MULTI_AZ_MS: u64 = 12 * 60_000;
pub const BACKING_UP_MS: u64 = 3 * 60_000;
/// The most instances and subnet groups the playground keeps (RDS's default quota is 40 instances).
pub const MAX_INSTANCES: usize = 40;
/// A forced failover's outage, from "Multi-AZ instance failover started" to "Multi-AZ instance failover
/// completed": the Amazon RDS User Guide ("Failing over a Multi-AZ DB instance") says "Failover times are
/// typically 60–120 seconds"; the playground takes the middle.
pub const FAILOVER_MS: u64 = 90_000;
/// "DB instance restarted" follows "failover completed" by 15 s in the events AWS Support shows for a reboot
/// with failover (AWS re:Post knowledge center, "rds-connections-reboot-failover").
pub const RESTART_AFTER_FAILOVER_MS: u64 = 15_000;
/// A reboot without failover: "DB instance shutdown" to "DB instance restarted" is 11 s in the same events.
pub const REBOOT_MS: u64 = 11_000;
/// The most events the playground keeps; older ones are dropped and counted.
pub const MAX_EVENTS: usize = 200;

/// A reboot under way or done: when it started, when connections are accepted again, and when the instance is
/// `available` again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reboot {
    pub started_ms: u64,
    pub outage_end_ms: u64,
    pub end_ms: u64,
    pub failover: bool,
}

/// One event RDS writes about an instance (`DescribeEvents`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RdsEvent {
    pub at_ms: u64,
    pub source_identifier: String,
    pub source_arn: String,
    pub message: String,
    pub category: &'static str,
}

/// One DB subnet group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubnetGroup {
    pub name: String,
    pub description: String,
    /// `(subnet id, Availability Zone)`.
    pub subnets: Vec<(String, String)>,
}

/// One DB instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbInstance {
    pub identifier: String,
    pub arn: String,
    pub resource_id: String,
    pub class: String,
    pub engine: String,
    pub port: u16,
    pub multi_az: bool,
    pub subnet_group: String,
    pub availability_zone: String,
    pub secondary_availability_zone: Option<String>,
    pub security_groups: Vec<String>,
    pub master_username: String,
    /// The Secrets Manager secret holding the master password, when RDS manages it.
    pub master_user_secret_arn: Option<String>,
    pub allocated_storage_gib: u64,
    pub created_ms: u64,
    pub created_iso: String,
    /// The latest reboot, if any.
    pub reboot: Option<Reboot>,
}

impl DbInstance {
    /// `creating`, `backing-up`, then `available` (BOTO rds `DBInstanceStatus` values).
    pub fn status(&self, now_ms: u64) -> &'static str {
        let creating = if self.multi_az { CREATING_MULTI_AZ_MS } else { CREATING_MS };
        if now_ms < self.created_ms + creating {
            "creating"
        } else if now_ms < self.created_ms + creating + BACKING_UP_MS {
            "backing-up"
        } else if self.reboot.is_some_and(|r| now_ms >= r.started_ms && now_ms < r.end_ms) {
            "rebooting"
        } else {
            "available"
        }
    }

    /// Whether the instance accepts connections: not while it is created, nor during a reboot's outage.
    pub fn accepts_connections(&self, now_ms: u64) -> bool {
        self.status(now_ms) != "creating" && !self.reboot.is_some_and(|r| now_ms >= r.started_ms && now_ms < r.outage_end_ms)
    }

    /// The endpoint's DNS name: `<identifier>.<account hash>.<region>.rds.amazonaws.com`.
    pub fn address(&self, region: &str) -> String {
        format!("{}.c9akciq32.{region}.rds.amazonaws.com", self.identifier)
    }
}

/// What an RDS call needs to know of the world.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RdsContext {
    pub region: String,
    pub account_id: String,
    pub now_ms: u64,
    pub now_iso: String,
    pub vpc_id: String,
    /// `(subnet id, Availability Zone)` of the VPC.
    pub subnets: Vec<(String, String)>,
    pub security_groups: Vec<String>,
    /// The epoch milliseconds of sim time zero, to date events.
    pub epoch_start_ms: u64,
}

/// The account's RDS resources.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RdsState {
    pub subnet_groups: Table<String, SubnetGroup>,
    pub instances: Table<String, DbInstance>,
    /// Events in the order they were written (some dated in the future: a reboot's completion).
    pub events: Vec<RdsEvent>,
    pub n_events_left_out: u64,
}

/// A secret RDS asks Secrets Manager to create for a managed master password: its name and ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRequest {
    pub name: String,
    pub secret_text: String,
}

fn engine_port(engine: &str) -> Option<u16> {
    // BOTO rds CreateDBInstanceMessage.Port: MySQL and MariaDB 3306, PostgreSQL 5432.
    match engine {
        "mysql" | "mariadb" => Some(3306),
        "postgres" => Some(5432),
        _ => None,
    }
}

impl RdsState {
    pub fn new() -> RdsState {
        RdsState::default()
    }

    /// Handles an `rds:*` call; `secret` creates a Secrets Manager secret and answers its ARN. `None` when the
    /// call table does not route `call` here.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &RdsContext, secret: &mut dyn FnMut(SecretRequest) -> Result<String, ApiError>) -> Option<ApiResult> {
        if !handled_by(call, Handler::Rds) {
            return None;
        }
        let request = Request::new(input, Dialect::Query);
        if !input.is_object() {
            return Some(Err(request.invalid("The request input must be a JSON object.")));
        }
        Some(match call {
            "rds:CreateDBSubnetGroup" => self.create_subnet_group(&request, ctx),
            "rds:CreateDBInstance" => self.create_instance(&request, ctx, secret),
            "rds:RebootDBInstance" => (|| {
                let id = request.required_member("DBInstanceIdentifier")?.to_lowercase();
                self.reboot(&id, request.bool("ForceFailover").unwrap_or(false), ctx)
            })(),
            "rds:DescribeEvents" => self.describe_events(&request, ctx),
            "rds:DescribeDBInstances" => (|| {
                let wanted = request.typed_str("DBInstanceIdentifier")?;
                let shown: Vec<Value> = self.instances.values().filter(|i| wanted.is_none_or(|w| w == i.identifier)).map(|i| self.instance_json(i, ctx)).collect();
                if let (Some(w), true) = (wanted, shown.is_empty()) {
                    // text: RDS's message (observed in public CLI output).
                    return Err(ApiError::new("DBInstanceNotFound", format!("DBInstance {w} not found.")));
                }
                Ok(json!({ "DBInstances": shown }))
            })(),
            _ => return None,
        })
    }

    /// `RebootDBInstance`: the instance is `rebooting`; with `ForceFailover` its standby becomes the primary
    /// (the Availability Zones swap) after [`FAILOVER_MS`], during which it accepts no connection.
    pub fn reboot(&mut self, id: &str, force_failover: bool, ctx: &RdsContext) -> ApiResult {
        let Some(instance) = self.instances.get(id) else {
            return Err(ApiError::new("DBInstanceNotFound", format!("DBInstance {id} not found.")));
        };
        let status = instance.status(ctx.now_ms);
        if status != "available" {
            // [UNVERIFIED] wording of RDS's InvalidDBInstanceState.
            return Err(ApiError::new("InvalidDBInstanceState", format!("DB instance {id} is not in available state (it is {status}).")));
        }
        if force_failover && !instance.multi_az {
            // BOTO rds RebootDBInstanceMessage.ForceFailover: "You can't enable force failover if the instance isn't
            // configured for Multi-AZ." [UNVERIFIED] the error's exact wording.
            return Err(ApiError::new("InvalidParameterCombination", "You can't enable force failover if the instance isn't configured for Multi-AZ."));
        }
        let now = ctx.now_ms;
        let (reboot, written): (Reboot, Vec<(u64, &str, &'static str)>) = if force_failover {
            let done = now + FAILOVER_MS;
            // The events of a reboot with failover, in AWS's words (re:Post knowledge center, see above).
            (
                Reboot { started_ms: now, outage_end_ms: done, end_ms: done + RESTART_AFTER_FAILOVER_MS, failover: true },
                vec![
                    (now, "Multi-AZ instance failover started", "failover"),
                    (done, "Multi-AZ instance failover completed", "failover"),
                    (done, "The user requested a failover of the DB instance", "failover"),
                    (done + RESTART_AFTER_FAILOVER_MS, "DB instance restarted", "availability"),
                ],
            )
        } else {
            let done = now + REBOOT_MS;
            let mut events = vec![(done, "DB instance restarted", "availability")];
            if instance.multi_az {
                events.insert(0, (now, "DB instance shutdown", "availability"));
            }
            (Reboot { started_ms: now, outage_end_ms: done, end_ms: done, failover: false }, events)
        };
        let instance = self.instances.get_mut(id).expect("found above");
        instance.reboot = Some(reboot);
        if force_failover {
            // The standby in the other zone becomes the primary. RDS notes the console may take a while to show the
            // new zone; the playground shows it at once.
            if let Some(secondary) = instance.secondary_availability_zone.take() {
                instance.secondary_availability_zone = Some(std::mem::replace(&mut instance.availability_zone, secondary));
            }
        }
        let (arn, identifier) = (instance.arn.clone(), instance.identifier.clone());
        for (at_ms, message, category) in written {
            self.push_event(RdsEvent { at_ms, source_identifier: identifier.clone(), source_arn: arn.clone(), message: message.to_string(), category });
        }
        Ok(json!({ "DBInstance": self.instance_json(&self.instances[id], ctx) }))
    }

    fn push_event(&mut self, event: RdsEvent) {
        if self.events.len() >= MAX_EVENTS {
            self.events.remove(0);
            self.n_events_left_out += 1;
        }
        self.events.push(event);
    }

    /// The events written up to now, oldest first.
    pub fn events_until(&self, now_ms: u64) -> impl Iterator<Item = &RdsEvent> + '_ {
        self.events.iter().filter(move |e| e.at_ms <= now_ms)
    }

    /// `DescribeEvents`: the instances' events of the last `Duration` minutes (default 60), oldest first, at most
    /// `MaxRecords` (20 to 100, default 100; BOTO rds DescribeEventsMessage).
    fn describe_events(&self, request: &Request, ctx: &RdsContext) -> ApiResult {
        let source = request.typed_str("SourceIdentifier")?;
        if let Some(kind) = request.typed_str("SourceType")? {
            if kind != "db-instance" {
                return Ok(json!({ "Events": [] }));
            }
        }
        let duration_min = request.query_u64("Duration").unwrap_or(60);
        let max_records = match request.query_u64("MaxRecords") {
            None => 100,
            Some(n) if (20..=100).contains(&n) => n as usize,
            // [UNVERIFIED] wording; the range is BOTO's.
            Some(n) => return Err(ApiError::new("InvalidParameterValue", format!("Invalid value {n} for MaxRecords. Must be between 20 and 100."))),
        };
        let since = ctx.now_ms.saturating_sub(duration_min.saturating_mul(60_000));
        let events: Vec<Value> = self
            .events_until(ctx.now_ms)
            .filter(|e| e.at_ms >= since && source.is_none_or(|s| s.eq_ignore_ascii_case(&e.source_identifier)))
            .take(max_records)
            .map(|e| {
                json!({
                    "SourceIdentifier": e.source_identifier,
                    "SourceType": "db-instance",
                    "Message": e.message,
                    "EventCategories": [e.category],
                    "Date": crate::time::format_iso8601_ms(ctx.epoch_start_ms + e.at_ms),
                    "SourceArn": e.source_arn,
                })
            })
            .collect();
        Ok(json!({ "Events": events }))
    }

    fn subnet_group_json(&self, group: &SubnetGroup, ctx: &RdsContext) -> Value {
        json!({
            "DBSubnetGroupName": group.name,
            "DBSubnetGroupDescription": group.description,
            "VpcId": ctx.vpc_id,
            "SubnetGroupStatus": "Complete",
            "Subnets": group.subnets.iter().map(|(id, az)| json!({ "SubnetIdentifier": id, "SubnetAvailabilityZone": { "Name": az }, "SubnetStatus": "Active" })).collect::<Vec<_>>(),
            "DBSubnetGroupArn": format!("arn:aws:rds:{}:{}:subgrp:{}", ctx.region, ctx.account_id, group.name),
        })
    }

    fn create_subnet_group(&mut self, request: &Request, ctx: &RdsContext) -> ApiResult {
        let name = request.required_member("DBSubnetGroupName")?.to_string();
        let description = request.required_member("DBSubnetGroupDescription")?.to_string();
        let ids = request.strings("SubnetIds");
        if ids.is_empty() {
            return Err(request.invalid(crate::api::texts::required("subnetIds")));
        }
        let mut subnets = Vec::new();
        for id in ids {
            let Some((_, az)) = ctx.subnets.iter().find(|(s, _)| *s == id) else {
                // [UNVERIFIED] wording of RDS's InvalidSubnet.
                return Err(ApiError::new("InvalidSubnet", format!("The subnet {id} does not exist in the VPC.")));
            };
            subnets.push((id, az.clone()));
        }
        let mut zones: Vec<&str> = subnets.iter().map(|(_, az)| az.as_str()).collect();
        zones.sort_unstable();
        zones.dedup();
        if zones.len() < 2 {
            // text: RDS's message (observed in public CLI output).
            return Err(ApiError::new(
                "DBSubnetGroupDoesNotCoverEnoughAZs",
                format!("The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: {}. Add subnets to cover at least 2 AZs.", zones.join(", ")),
            ));
        }
        if self.subnet_groups.contains_key(&name) {
            return Err(ApiError::new("DBSubnetGroupAlreadyExists", format!("The DB subnet group '{name}' already exists.")));
        }
        if self.subnet_groups.len() >= MAX_INSTANCES {
            return Err(ApiError::new("DBSubnetGroupQuotaExceeded", format!("The playground keeps at most {MAX_INSTANCES} DB subnet groups.")));
        }
        let group = SubnetGroup { name: name.clone(), description, subnets };
        let answer = json!({ "DBSubnetGroup": self.subnet_group_json(&group, ctx) });
        self.subnet_groups.insert(name, group);
        Ok(answer)
    }

    fn create_instance(&mut self, request: &Request, ctx: &RdsContext, secret: &mut dyn FnMut(SecretRequest) -> Result<String, ApiError>) -> ApiResult {
        let identifier = request.required_member("DBInstanceIdentifier")?.to_lowercase();
        let class = request.required_member("DBInstanceClass")?.to_string();
        let engine = request.required_member("Engine")?.to_string();
        let Some(default_port) = engine_port(&engine) else {
            // [UNVERIFIED] the playground models these engines only; RDS's own text names the engine.
            return Err(ApiError::new("InvalidParameterValue", format!("Invalid DB engine: {engine}. The playground runs mysql, mariadb and postgres.")));
        };
        let port = match request.query_u64("Port") {
            None => default_port,
            // BOTO rds Port: "Valid Values: 1150-65535".
            Some(p) if (1150..=65535).contains(&p) => p as u16,
            Some(p) => return Err(ApiError::new("InvalidParameterValue", format!("Invalid port {p}: valid values are 1150-65535."))),
        };
        let multi_az = request.bool("MultiAZ").unwrap_or(false);
        let managed = request.bool("ManageMasterUserPassword").unwrap_or(false);
        let master_username = request.str("MasterUsername").unwrap_or("").to_string();
        if master_username.is_empty() {
            return Err(ApiError::new("InvalidParameterValue", "The parameter MasterUsername must be provided and must not be blank."));
        }
        if managed && request.get("MasterUserPassword").is_some() {
            // text: RDS's message for both given (observed).
            return Err(ApiError::new("InvalidParameterCombination", "Can't specify both MasterUserPassword and ManageMasterUserPassword."));
        }
        if !managed && request.str("MasterUserPassword").is_none_or(|p| p.len() < 8) {
            return Err(ApiError::new("InvalidParameterValue", "The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters."));
        }
        let group_name = request.str("DBSubnetGroupName").unwrap_or("default").to_string();
        let group = match self.subnet_groups.get(&group_name) {
            Some(g) => g.clone(),
            // The default subnet group covers every subnet of the VPC.
            None if group_name == "default" => SubnetGroup { name: "default".into(), description: "default".into(), subnets: ctx.subnets.clone() },
            // [UNVERIFIED] wording.
            None => return Err(ApiError::new("DBSubnetGroupNotFoundFault", format!("DBSubnetGroup '{group_name}' not found."))),
        };
        let security_groups = request.strings("VpcSecurityGroupIds");
        if let Some(bad) = security_groups.iter().find(|g| !ctx.security_groups.contains(g)) {
            return Err(ApiError::new("InvalidParameterValue", format!("Invalid security group , groupId= {bad}, groupName=.")));
        }
        if self.instances.contains_key(&identifier) {
            return Err(ApiError::new("DBInstanceAlreadyExists", "DB instance already exists"));
        }
        if self.instances.len() >= MAX_INSTANCES {
            return Err(ApiError::new("InstanceQuotaExceeded", format!("The playground keeps at most {MAX_INSTANCES} DB instances.")));
        }
        let mut zones: Vec<String> = group.subnets.iter().map(|(_, az)| az.clone()).collect();
        zones.sort();
        zones.dedup();
        let availability_zone = request.str("AvailabilityZone").map(str::to_string).unwrap_or_else(|| zones.first().cloned().unwrap_or_default());
        let secondary_availability_zone = multi_az.then(|| zones.iter().find(|z| **z != availability_zone).cloned()).flatten();
        let resource_id = format!("db-{}", crate::iam::stable_uuid(&format!("rds-{identifier}-{}", ctx.now_ms)).replace('-', "")[..26].to_uppercase());
        let master_user_secret_arn = if managed {
            // [UNVERIFIED] the managed secret's name and JSON keys. RDS names it `rds!db-<id>`; the playground creates
            // it through CreateSecret, whose name rule has no `!`, so it is `rds-db-<id>` here.
            Some(secret(SecretRequest { name: format!("rds-{resource_id}"), secret_text: json!({ "username": master_username, "password": "(managed by RDS)" }).to_string() })?)
        } else {
            None
        };
        let instance = DbInstance {
            arn: format!("arn:aws:rds:{}:{}:db:{identifier}", ctx.region, ctx.account_id),
            identifier: identifier.clone(),
            resource_id,
            class,
            engine,
            port,
            multi_az,
            subnet_group: group.name.clone(),
            availability_zone,
            secondary_availability_zone,
            security_groups,
            master_username,
            master_user_secret_arn,
            allocated_storage_gib: request.query_u64("AllocatedStorage").unwrap_or(20),
            created_ms: ctx.now_ms,
            created_iso: ctx.now_iso.clone(),
            reboot: None,
        };
        let answer = json!({ "DBInstance": self.instance_json(&instance, ctx) });
        self.instances.insert(identifier, instance);
        Ok(answer)
    }

    fn instance_json(&self, i: &DbInstance, ctx: &RdsContext) -> Value {
        let status = i.status(ctx.now_ms);
        let group = self.subnet_groups.get(&i.subnet_group).cloned().unwrap_or(SubnetGroup { name: i.subnet_group.clone(), description: "default".into(), subnets: ctx.subnets.clone() });
        let mut out = json!({
            "DBInstanceIdentifier": i.identifier,
            "DBInstanceClass": i.class,
            "Engine": i.engine,
            "DBInstanceStatus": status,
            "MasterUsername": i.master_username,
            "AllocatedStorage": i.allocated_storage_gib,
            "VpcSecurityGroups": i.security_groups.iter().map(|g| json!({ "VpcSecurityGroupId": g, "Status": "active" })).collect::<Vec<_>>(),
            "AvailabilityZone": i.availability_zone,
            "DBSubnetGroup": self.subnet_group_json(&group, ctx),
            "MultiAZ": i.multi_az,
            "PubliclyAccessible": false,
            "DbInstancePort": 0,
            "DbiResourceId": i.resource_id,
            "DBInstanceArn": i.arn,
            "StorageType": "gp2",
        });
        if status != "creating" {
            out["Endpoint"] = json!({ "Address": i.address(&ctx.region), "Port": i.port });
            out["InstanceCreateTime"] = json!(i.created_iso);
        }
        if let Some(zone) = &i.secondary_availability_zone {
            out["SecondaryAvailabilityZone"] = json!(zone);
        }
        if let Some(arn) = &i.master_user_secret_arn {
            out["MasterUserSecret"] = json!({ "SecretArn": arn, "SecretStatus": if status == "creating" { "creating" } else { "active" } });
        }
        out
    }
}
