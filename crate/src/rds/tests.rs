//! Table tests of RDS: subnet groups covering two Availability Zones, instances moving through their states, the
//! engines' ports and the managed master password.

use serde_json::{json, Value};

use super::*;

fn ctx(now_ms: u64) -> RdsContext {
    RdsContext {
        region: "us-east-1".into(),
        account_id: "123456789012".into(),
        now_ms,
        now_iso: "2026-01-01T00:00:00.000Z".into(),
        vpc_id: "vpc-main".into(),
        subnets: vec![("subnet-a".into(), "us-east-1a".into()), ("subnet-b".into(), "us-east-1b".into())],
        security_groups: vec!["sg-db".into()],
        epoch_start_ms: 1_767_225_600_000,
    }
}

fn call(rds: &mut RdsState, now_ms: u64, name: &str, input: Value, secrets: &mut Vec<String>) -> ApiResult {
    rds.handle(name, &input, &ctx(now_ms), &mut |s: SecretRequest| {
        secrets.push(s.name.clone());
        Ok(format!("arn:aws:secretsmanager:us-east-1:123456789012:secret:{}-AbCdEf", s.name))
    })
    .expect("an rds call")
}

#[test]
fn subnet_groups_cover_two_zones() {
    let mut rds = RdsState::new();
    let mut secrets = Vec::new();
    let one = call(&mut rds, 0, "rds:CreateDBSubnetGroup", json!({ "DBSubnetGroupName": "db", "DBSubnetGroupDescription": "d", "SubnetIds": ["subnet-a"] }), &mut secrets).unwrap_err();
    assert_eq!(one.code, "DBSubnetGroupDoesNotCoverEnoughAZs");
    assert!(one.message.contains("Current AZ coverage: us-east-1a."), "{}", one.message);
    let made = call(&mut rds, 0, "rds:CreateDBSubnetGroup", json!({ "DBSubnetGroupName": "db", "DBSubnetGroupDescription": "d", "SubnetIds": ["subnet-a", "subnet-b"] }), &mut secrets).unwrap();
    assert_eq!(made["DBSubnetGroup"]["Subnets"].as_array().unwrap().len(), 2);
    assert_eq!(call(&mut rds, 0, "rds:CreateDBSubnetGroup", json!({ "DBSubnetGroupName": "db", "DBSubnetGroupDescription": "d", "SubnetIds": ["subnet-x"] }), &mut secrets).unwrap_err().code, "InvalidSubnet");
}

#[test]
fn an_instance_moves_from_creating_to_available_with_its_endpoint() {
    let mut rds = RdsState::new();
    let mut secrets = Vec::new();
    call(&mut rds, 0, "rds:CreateDBSubnetGroup", json!({ "DBSubnetGroupName": "db", "DBSubnetGroupDescription": "d", "SubnetIds": ["subnet-a", "subnet-b"] }), &mut secrets).unwrap();
    let input = json!({ "DBInstanceIdentifier": "Orders", "DBInstanceClass": "db.t3.micro", "Engine": "postgres", "MasterUsername": "app", "ManageMasterUserPassword": true, "MultiAZ": true, "DBSubnetGroupName": "db", "VpcSecurityGroupIds": ["sg-db"] });
    let created = call(&mut rds, 0, "rds:CreateDBInstance", input.clone(), &mut secrets).unwrap();
    assert_eq!(created["DBInstance"]["DBInstanceStatus"], "creating");
    assert!(created["DBInstance"].get("Endpoint").is_none(), "no endpoint while creating");
    assert_eq!(created["DBInstance"]["SecondaryAvailabilityZone"], "us-east-1b");
    assert_eq!(secrets.len(), 1);
    assert!(secrets[0].starts_with("rds-db-"));
    let status = |rds: &mut RdsState, at: u64| {
        let mut none = Vec::new();
        call(rds, at, "rds:DescribeDBInstances", json!({ "DBInstanceIdentifier": "orders" }), &mut none).unwrap()["DBInstances"][0].clone()
    };
    assert_eq!(status(&mut rds, CREATING_MULTI_AZ_MS - 1)["DBInstanceStatus"], "creating");
    assert_eq!(status(&mut rds, CREATING_MULTI_AZ_MS)["DBInstanceStatus"], "backing-up");
    let available = status(&mut rds, CREATING_MULTI_AZ_MS + BACKING_UP_MS);
    assert_eq!(available["DBInstanceStatus"], "available");
    assert_eq!(available["Endpoint"]["Port"], 5432);
    assert_eq!(available["MasterUserSecret"]["SecretStatus"], "active");
    assert_eq!(call(&mut rds, 0, "rds:CreateDBInstance", input, &mut secrets).unwrap_err().code, "DBInstanceAlreadyExists");
    let missing = call(&mut rds, 0, "rds:DescribeDBInstances", json!({ "DBInstanceIdentifier": "nope" }), &mut secrets).unwrap_err();
    assert_eq!((missing.code, missing.message.as_str()), ("DBInstanceNotFound", "DBInstance nope not found."));
    let both = call(&mut rds, 0, "rds:CreateDBInstance", json!({ "DBInstanceIdentifier": "x", "DBInstanceClass": "db.t3.micro", "Engine": "mysql", "MasterUsername": "a", "MasterUserPassword": "longenough", "ManageMasterUserPassword": true }), &mut secrets).unwrap_err();
    assert_eq!(both.code, "InvalidParameterCombination");
    let mysql = call(&mut rds, 0, "rds:CreateDBInstance", json!({ "DBInstanceIdentifier": "m", "DBInstanceClass": "db.t3.micro", "Engine": "mysql", "MasterUsername": "a", "MasterUserPassword": "longenough" }), &mut secrets).unwrap();
    assert_eq!(mysql["DBInstance"]["MultiAZ"], false);
    let available = {
        let mut none = Vec::new();
        call(&mut rds, CREATING_MS + BACKING_UP_MS, "rds:DescribeDBInstances", json!({ "DBInstanceIdentifier": "m" }), &mut none).unwrap()["DBInstances"][0].clone()
    };
    assert_eq!(available["Endpoint"]["Port"], 3306);
}

#[test]
fn a_reboot_writes_the_events_aws_writes_and_refuses_connections_for_its_outage() {
    let mut rds = RdsState::new();
    let mut secrets = Vec::new();
    let up = CREATING_MS + BACKING_UP_MS;
    for (id, multi_az) in [("single", false), ("multi", true)] {
        call(&mut rds, 0, "rds:CreateDBInstance", json!({ "DBInstanceIdentifier": id, "DBInstanceClass": "db.t3.micro", "Engine": "mysql", "MasterUsername": "a", "MasterUserPassword": "longenough", "MultiAZ": multi_az }), &mut secrets).unwrap();
    }
    let up = up.max(CREATING_MULTI_AZ_MS + BACKING_UP_MS);
    // A plain reboot: Single-AZ writes only "DB instance restarted", Multi-AZ "DB instance shutdown" first (the
    // events AWS Support shows, re:Post "rds-connections-reboot-failover"); both are out for REBOOT_MS.
    call(&mut rds, up, "rds:RebootDBInstance", json!({ "DBInstanceIdentifier": "single" }), &mut secrets).unwrap();
    call(&mut rds, up, "rds:RebootDBInstance", json!({ "DBInstanceIdentifier": "multi" }), &mut secrets).unwrap();
    let messages = |rds: &RdsState, id: &str, at: u64| -> Vec<(u64, String)> { rds.events_until(at).filter(|e| e.source_identifier == id).map(|e| (e.at_ms - up, e.message.clone())).collect() };
    assert!(messages(&rds, "single", up + REBOOT_MS - 1).is_empty());
    assert_eq!(messages(&rds, "single", up + REBOOT_MS), vec![(REBOOT_MS, "DB instance restarted".to_string())]);
    assert_eq!(messages(&rds, "multi", up + REBOOT_MS), vec![(0, "DB instance shutdown".to_string()), (REBOOT_MS, "DB instance restarted".to_string())]);
    let single = &rds.instances["single"];
    assert!(!single.accepts_connections(up + REBOOT_MS - 1) && single.accepts_connections(up + REBOOT_MS));
    assert_eq!(single.status(up + REBOOT_MS - 1), "rebooting");
    assert_eq!(single.status(up + REBOOT_MS), "available");
    // Rebooting again while rebooting is refused; a failover needs Multi-AZ.
    let again = call(&mut rds, up + 1, "rds:RebootDBInstance", json!({ "DBInstanceIdentifier": "single" }), &mut secrets).unwrap_err();
    assert_eq!(again.code, "InvalidDBInstanceState");
    let later = up + 60_000;
    let no_standby = call(&mut rds, later, "rds:RebootDBInstance", json!({ "DBInstanceIdentifier": "single", "ForceFailover": true }), &mut secrets).unwrap_err();
    assert_eq!(no_standby.code, "InvalidParameterCombination");
    // A failover: out for FAILOVER_MS, rebooting until RESTART_AFTER_FAILOVER_MS later, zones swapped.
    let out = call(&mut rds, later, "rds:RebootDBInstance", json!({ "DBInstanceIdentifier": "multi", "ForceFailover": true }), &mut secrets).unwrap();
    assert_eq!(out["DBInstance"]["AvailabilityZone"], "us-east-1b");
    assert_eq!(out["DBInstance"]["SecondaryAvailabilityZone"], "us-east-1a");
    let multi = &rds.instances["multi"];
    assert!(!multi.accepts_connections(later + FAILOVER_MS - 1) && multi.accepts_connections(later + FAILOVER_MS));
    assert_eq!(multi.status(later + FAILOVER_MS + RESTART_AFTER_FAILOVER_MS - 1), "rebooting");
    assert_eq!(multi.status(later + FAILOVER_MS + RESTART_AFTER_FAILOVER_MS), "available");
    // DescribeEvents: the last hour by default, MaxRecords from 20 to 100.
    let events = call(&mut rds, later + 10 * 60_000, "rds:DescribeEvents", json!({ "SourceIdentifier": "multi" }), &mut secrets).unwrap();
    assert_eq!(events["Events"].as_array().unwrap().len(), 6);
    assert_eq!(events["Events"][2]["EventCategories"], json!(["failover"]));
    assert_eq!(events["Events"][2]["Date"], "2026-01-01T00:16:00.000Z");
    let none = call(&mut rds, later + 3 * 3_600_000, "rds:DescribeEvents", json!({}), &mut secrets).unwrap();
    assert!(none["Events"].as_array().unwrap().is_empty(), "older than Duration's 60 minutes");
    let bad = call(&mut rds, later, "rds:DescribeEvents", json!({ "MaxRecords": 5 }), &mut secrets).unwrap_err();
    assert_eq!(bad.code, "InvalidParameterValue");
}
