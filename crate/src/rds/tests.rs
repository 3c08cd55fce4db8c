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
