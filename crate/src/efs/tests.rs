//! Tests of the EFS model: every call's success and error paths, the mount check, persistent EFS data
//! and the lifetimes of the other volume kinds.

use serde_json::{json, Value};

use super::*;
use crate::api::ApiError;

const REGION: &str = "us-east-1";

fn rule(protocol: &str, from: u16, to: u16, cidr: Option<&str>, source: Option<&str>) -> IngressRule {
    IngressRule {
        protocol: protocol.into(),
        from_port: from,
        to_port: to,
        cidr: cidr.map(str::to_string),
        source_group: source.map(str::to_string),
    }
}

fn ctx() -> EfsContext {
    let sg = |id: &str, ingress: Vec<IngressRule>| SecurityGroup { group_id: id.into(), ingress };
    EfsContext {
        region: REGION.into(),
        account_id: "123456789012".into(),
        now_iso: "2026-01-05T09:00:00.000Z".into(),
        subnets: vec![
            ("subnet-a".into(), "us-east-1a".into()),
            ("subnet-a2".into(), "us-east-1a".into()),
            ("subnet-b".into(), "us-east-1b".into()),
            ("subnet-c".into(), "us-east-1c".into()),
        ],
        security_groups: vec![
            sg("sg-efs", vec![rule("tcp", 2049, 2049, None, Some("sg-task"))]),
            sg("sg-open", vec![rule("tcp", 2049, 2049, Some("0.0.0.0/0"), None)]),
            sg("sg-vpc", vec![rule("tcp", 2049, 2049, Some("10.0.0.0/16"), None)]),
            sg("sg-other-net", vec![rule("tcp", 2049, 2049, Some("192.168.0.0/16"), None)]),
            sg("sg-web", vec![rule("tcp", 80, 80, Some("0.0.0.0/0"), None), rule("udp", 2049, 2049, Some("0.0.0.0/0"), None)]),
            sg("sg-all", vec![rule("-1", 0, 0, None, Some("sg-task"))]),
            sg("sg-task", vec![]),
        ],
        vpc_id: "vpc-1".into(),
        vpc_cidr: "10.0.0.0/16".into(),
        subnet_cidrs: Default::default(),
    }
}

fn call(state: &mut EfsState, name: &str, input: Value) -> Result<Value, ApiError> {
    state.handle(name, &input, &ctx()).expect("an EFS call")
}

fn ok(state: &mut EfsState, name: &str, input: Value) -> Value {
    match call(state, name, input) {
        Ok(v) => v,
        Err(e) => panic!("{name} failed: {e}"),
    }
}

fn err(state: &mut EfsState, name: &str, input: Value) -> ApiError {
    match call(state, name, input) {
        Ok(v) => panic!("{name} unexpectedly succeeded: {v}"),
        Err(e) => e,
    }
}

fn create_fs(state: &mut EfsState, token: &str) -> String {
    let out = ok(state, "efs:CreateFileSystem", json!({ "CreationToken": token }));
    out["FileSystemId"].as_str().unwrap().to_string()
}

fn create_mt(state: &mut EfsState, fs: &str, subnet: &str, groups: &[&str]) -> String {
    let out = ok(state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": subnet, "SecurityGroups": groups }));
    out["MountTargetId"].as_str().unwrap().to_string()
}

fn create_ap(state: &mut EfsState, fs: &str, path: &str, creation_info: bool) -> String {
    let mut root = json!({ "Path": path });
    if creation_info {
        root["CreationInfo"] = json!({ "OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "755" });
    }
    let out = ok(
        state,
        "efs:CreateAccessPoint",
        json!({ "FileSystemId": fs, "PosixUser": { "Uid": 1000, "Gid": 1000 }, "RootDirectory": root }),
    );
    out["AccessPointId"].as_str().unwrap().to_string()
}

fn fargate_task(az: &str, groups: &[&str]) -> TaskNetwork {
    TaskNetwork {
        availability_zone: az.into(),
        subnet_id: None,
        security_groups: groups.iter().map(|g| g.to_string()).collect(),
        launch_type_fargate: true,
        platform_version: None,
    }
}

fn volume(fs: &str) -> EfsVolumeRequest {
    EfsVolumeRequest { file_system_id: fs.into(), root_directory: "/".into(), ..Default::default() }
}

fn ap_volume(fs: &str, ap: &str) -> EfsVolumeRequest {
    EfsVolumeRequest { file_system_id: fs.into(), transit_encryption: true, access_point_id: Some(ap.into()), ..Default::default() }
}

/// A file system with mount targets in us-east-1a and us-east-1b behind `sg-efs`.
fn ready_fs(state: &mut EfsState) -> String {
    let fs = create_fs(state, "ready");
    create_mt(state, &fs, "subnet-a", &["sg-efs"]);
    create_mt(state, &fs, "subnet-b", &["sg-efs"]);
    fs
}

// ---- calls ----

#[test]
fn handle_ignores_other_services_and_checks_the_input() {
    let mut state = EfsState::new();
    assert!(state.handle("ecs:RunTask", &json!({}), &ctx()).is_none());
    assert!(state.handle("efs:PutLifecycleConfiguration", &json!({}), &ctx()).is_none());
    let e = state.handle("efs:CreateFileSystem", &json!([1]), &ctx()).unwrap().unwrap_err();
    assert_eq!(e.code, "BadRequest");
    for name in crate::api::calls::calls_of(crate::api::calls::Handler::Efs) {
        // Never panics on junk input.
        let _ = state.handle(name, &json!({ "FileSystemId": 7, "Tags": "x", "SecurityGroups": [1], "RootDirectory": 3 }), &ctx());
    }
}

#[test]
fn create_file_system_returns_the_description_and_becomes_available() {
    let mut state = EfsState::new();
    let out = ok(
        &mut state,
        "efs:CreateFileSystem",
        json!({ "CreationToken": "app-data", "Encrypted": true, "Tags": [{ "Key": "Name", "Value": "app" }] }),
    );
    let id = out["FileSystemId"].as_str().unwrap();
    assert!(id.starts_with("fs-") && id.len() == 20, "{id}");
    assert_eq!(out["LifeCycleState"], "creating");
    assert_eq!(out["PerformanceMode"], "generalPurpose");
    assert_eq!(out["ThroughputMode"], "bursting");
    assert_eq!(out["NumberOfMountTargets"], 0);
    assert_eq!(out["Name"], "app");
    assert_eq!(out["OwnerId"], "123456789012");
    assert_eq!(out["FileSystemArn"], format!("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/{id}"));
    assert!(out["KmsKeyId"].as_str().unwrap().starts_with("arn:aws:kms:us-east-1:123456789012:key/"));
    assert_eq!(out["SizeInBytes"]["Value"], 6144);
    assert!(state.available(id));
    let described = ok(&mut state, "efs:DescribeFileSystems", json!({ "FileSystemId": id }));
    assert_eq!(described["FileSystems"][0]["LifeCycleState"], "available");
    let by_token = ok(&mut state, "efs:DescribeFileSystems", json!({ "CreationToken": "app-data" }));
    assert_eq!(by_token["FileSystems"].as_array().unwrap().len(), 1);
    let none = ok(&mut state, "efs:DescribeFileSystems", json!({ "CreationToken": "other" }));
    assert_eq!(none["FileSystems"], json!([]));
}

#[test]
fn reused_creation_token_is_file_system_already_exists() {
    let mut state = EfsState::new();
    let id = create_fs(&mut state, "CSI");
    let e = err(&mut state, "efs:CreateFileSystem", json!({ "CreationToken": "CSI" }));
    assert_eq!(e.code, "FileSystemAlreadyExists");
    assert_eq!(e.message, format!("File system '{id}' already exists with creation token 'CSI'"));
    // Without a token the call still works: the SDK would fill one in.
    ok(&mut state, "efs:CreateFileSystem", json!({}));
    ok(&mut state, "efs:CreateFileSystem", json!({}));
    assert_eq!(state.file_systems.len(), 3);
}

#[test]
fn create_file_system_parameter_rules() {
    let mut state = EfsState::new();
    let bad = |state: &mut EfsState, input: Value| err(state, "efs:CreateFileSystem", input).code;
    assert_eq!(bad(&mut state, json!({ "CreationToken": "t", "ThroughputMode": "provisioned" })), "BadRequest");
    assert_eq!(bad(&mut state, json!({ "CreationToken": "t", "ProvisionedThroughputInMibps": 100 })), "BadRequest");
    assert_eq!(
        bad(&mut state, json!({ "CreationToken": "t", "ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": 5000 })),
        "BadRequest"
    );
    assert_eq!(
        bad(&mut state, json!({ "CreationToken": "t", "ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": 0.5 })),
        "BadRequest"
    );
    assert_eq!(bad(&mut state, json!({ "CreationToken": "t", "PerformanceMode": "maxIO", "ThroughputMode": "elastic" })), "BadRequest");
    assert_eq!(bad(&mut state, json!({ "CreationToken": "t", "PerformanceMode": "turbo" })), "BadRequest");
    assert_eq!(bad(&mut state, json!({ "CreationToken": "t", "ThroughputMode": "fast" })), "BadRequest");
    assert_eq!(bad(&mut state, json!({ "CreationToken": "t", "KmsKeyId": "alias/mine" })), "BadRequest");
    assert_eq!(bad(&mut state, json!({ "CreationToken": "x".repeat(65) })), "BadRequest");
    assert_eq!(bad(&mut state, json!({ "CreationToken": "t", "Tags": [{ "Key": "aws:x", "Value": "v" }] })), "BadRequest");
    assert_eq!(bad(&mut state, json!({ "CreationToken": "t", "AvailabilityZoneName": "eu-west-1a" })), "UnsupportedAvailabilityZone");
    assert!(state.file_systems.is_empty(), "no failed call creates anything");
    let out = ok(
        &mut state,
        "efs:CreateFileSystem",
        json!({ "CreationToken": "p", "ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": 128.5, "PerformanceMode": "maxIO" }),
    );
    assert_eq!(out["ProvisionedThroughputInMibps"], json!(128.5));
    assert_eq!(out["PerformanceMode"], "maxIO");
    let elastic = ok(&mut state, "efs:CreateFileSystem", json!({ "CreationToken": "e", "ThroughputMode": "elastic" }));
    assert_eq!(elastic["ThroughputMode"], "elastic");
    assert!(elastic.get("ProvisionedThroughputInMibps").is_none());
}

#[test]
fn creating_file_systems_wait_for_the_engine_when_not_auto_available() {
    let mut state = EfsState::new();
    state.auto_available = false;
    let fs = create_fs(&mut state, "slow");
    assert!(!state.available(&fs));
    assert_eq!(state.pending_available(), vec![fs.clone()]);
    let e = err(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": "subnet-a" }));
    assert_eq!(e.code, "IncorrectFileSystemLifeCycleState");
    let e = err(&mut state, "efs:CreateAccessPoint", json!({ "FileSystemId": fs }));
    assert_eq!(e.code, "IncorrectFileSystemLifeCycleState");
    assert!(state.mark_available(&fs));
    assert!(!state.mark_available(&fs));
    let mt = create_mt(&mut state, &fs, "subnet-a", &["sg-efs"]);
    assert_eq!(state.mount_targets[&mt].state, LifeCycle::Creating);
    // A creating mount target does not serve mounts yet.
    let failure = state.mount_check(&volume(&fs), &fargate_task("us-east-1a", &["sg-task"])).unwrap_err();
    assert_eq!(failure.kind, MountFailureKind::NotResolvable);
    assert!(state.mark_available(&mt));
    assert!(state.mount_check(&volume(&fs), &fargate_task("us-east-1a", &["sg-task"])).is_ok());
}

#[test]
fn create_mount_target_success_and_errors() {
    let mut state = EfsState::new();
    let fs = create_fs(&mut state, "mt");
    let out = ok(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": "subnet-a", "SecurityGroups": ["sg-efs"] }));
    assert!(out["MountTargetId"].as_str().unwrap().starts_with("fsmt-"));
    assert!(out["NetworkInterfaceId"].as_str().unwrap().starts_with("eni-"));
    assert_eq!(out["LifeCycleState"], "creating");
    assert_eq!(out["AvailabilityZoneName"], "us-east-1a");
    assert_eq!(out["VpcId"], "vpc-1");
    assert_eq!(out["FileSystemId"], json!(fs));

    let e = err(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": "subnet-a2", "SecurityGroups": ["sg-efs"] }));
    assert_eq!((e.code, e.message.as_str()), ("MountTargetConflict", "mount target already exists in this AZ"));
    let e = err(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": "subnet-zzz" }));
    assert_eq!(e.code, "SubnetNotFound");
    let e = err(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": "fs-0000000000000000f", "SubnetId": "subnet-b" }));
    assert_eq!(e.code, "FileSystemNotFound");
    assert_eq!(e.message, "File system 'fs-0000000000000000f' does not exist.");
    let e = err(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": "subnet-b", "SecurityGroups": ["sg-nope"] }));
    assert_eq!(e.code, "SecurityGroupNotFound");
    let six = ["sg-efs", "sg-open", "sg-vpc", "sg-web", "sg-all", "sg-task"];
    let e = err(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": "subnet-b", "SecurityGroups": six }));
    assert_eq!(e.code, "SecurityGroupLimitExceeded");
    let e = err(&mut state, "efs:CreateMountTarget", json!({ "SubnetId": "subnet-b" }));
    assert_eq!(e.code, "BadRequest");
    let e = err(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": "subnet-b", "IpAddress": "10.0.1.999" }));
    assert_eq!(e.code, "BadRequest");
    // Another AZ is fine; an ARN works as the id.
    let arn = format!("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/{fs}");
    ok(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": arn, "SubnetId": "subnet-b", "IpAddress": "10.0.1.10" }));
    let e = err(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": "subnet-c", "IpAddress": "10.0.1.10" }));
    assert_eq!(e.code, "IpAddressInUse");
    let described = ok(&mut state, "efs:DescribeFileSystems", json!({ "FileSystemId": fs }));
    assert_eq!(described["FileSystems"][0]["NumberOfMountTargets"], 2);
}

#[test]
fn one_zone_file_systems_take_one_mount_target_in_their_zone() {
    let mut state = EfsState::new();
    let out = ok(&mut state, "efs:CreateFileSystem", json!({ "CreationToken": "oz", "AvailabilityZoneName": "us-east-1b" }));
    let fs = out["FileSystemId"].as_str().unwrap().to_string();
    assert_eq!(out["AvailabilityZoneName"], "us-east-1b");
    let e = err(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": "subnet-a" }));
    assert_eq!(e.code, "AvailabilityZonesMismatch");
    create_mt(&mut state, &fs, "subnet-b", &["sg-efs"]);
}

#[test]
fn describe_and_delete_mount_targets() {
    let mut state = EfsState::new();
    let fs = ready_fs(&mut state);
    let ap = create_ap(&mut state, &fs, "/app", true);
    let all = ok(&mut state, "efs:DescribeMountTargets", json!({ "FileSystemId": fs }));
    assert_eq!(all["MountTargets"].as_array().unwrap().len(), 2);
    assert_eq!(all["MountTargets"][0]["LifeCycleState"], "available");
    let mt = all["MountTargets"][0]["MountTargetId"].as_str().unwrap().to_string();
    let one = ok(&mut state, "efs:DescribeMountTargets", json!({ "MountTargetId": mt }));
    assert_eq!(one["MountTargets"].as_array().unwrap().len(), 1);
    let via_ap = ok(&mut state, "efs:DescribeMountTargets", json!({ "AccessPointId": ap }));
    assert_eq!(via_ap["MountTargets"].as_array().unwrap().len(), 2);
    assert_eq!(err(&mut state, "efs:DescribeMountTargets", json!({})).code, "BadRequest");
    assert_eq!(err(&mut state, "efs:DescribeMountTargets", json!({ "MountTargetId": "fsmt-00000000000000000" })).code, "MountTargetNotFound");
    assert_eq!(err(&mut state, "efs:DescribeMountTargets", json!({ "FileSystemId": "fs-00000000000000000" })).code, "FileSystemNotFound");
    assert_eq!(err(&mut state, "efs:DescribeMountTargets", json!({ "AccessPointId": "fsap-00000000000000000" })).code, "AccessPointNotFound");

    ok(&mut state, "efs:DeleteMountTarget", json!({ "MountTargetId": mt }));
    assert_eq!(err(&mut state, "efs:DeleteMountTarget", json!({ "MountTargetId": mt })).code, "MountTargetNotFound");
    assert_eq!(err(&mut state, "efs:DeleteMountTarget", json!({})).code, "BadRequest");
    let left = ok(&mut state, "efs:DescribeMountTargets", json!({ "FileSystemId": fs }));
    assert_eq!(left["MountTargets"].as_array().unwrap().len(), 1);
}

#[test]
fn delete_file_system_needs_its_mount_targets_gone() {
    let mut state = EfsState::new();
    let fs = create_fs(&mut state, "del");
    let mt = create_mt(&mut state, &fs, "subnet-a", &["sg-efs"]);
    create_ap(&mut state, &fs, "/x", true);
    let e = err(&mut state, "efs:DeleteFileSystem", json!({ "FileSystemId": fs }));
    assert_eq!(e.code, "FileSystemInUse");
    assert_eq!(
        e.message,
        format!("The file system '{fs}' cannot be deleted because it has mount targets. You must delete the mount targets, and then try again.")
    );
    ok(&mut state, "efs:DeleteMountTarget", json!({ "MountTargetId": mt }));
    assert_eq!(ok(&mut state, "efs:DeleteFileSystem", json!({ "FileSystemId": fs })), json!({}));
    assert!(state.access_points.is_empty());
    assert_eq!(err(&mut state, "efs:DeleteFileSystem", json!({ "FileSystemId": fs })).code, "FileSystemNotFound");
    assert_eq!(err(&mut state, "efs:DescribeFileSystems", json!({ "FileSystemId": fs })).code, "FileSystemNotFound");
    // The creation token is free again.
    create_fs(&mut state, "del");
}

#[test]
fn create_and_describe_access_points() {
    let mut state = EfsState::new();
    let fs = create_fs(&mut state, "ap");
    let out = ok(
        &mut state,
        "efs:CreateAccessPoint",
        json!({
            "ClientToken": "tok-1",
            "FileSystemId": fs,
            "PosixUser": { "Uid": 1000, "Gid": 1000, "SecondaryGids": [2000] },
            "RootDirectory": { "Path": "/app/data", "CreationInfo": { "OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "0755" } },
            "Tags": [{ "Key": "Name", "Value": "app-ap" }]
        }),
    );
    let ap = out["AccessPointId"].as_str().unwrap().to_string();
    assert!(ap.starts_with("fsap-") && ap.len() == 22, "{ap}");
    assert_eq!(out["AccessPointArn"], format!("arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/{ap}"));
    assert_eq!(out["PosixUser"], json!({ "Uid": 1000, "Gid": 1000, "SecondaryGids": [2000] }));
    assert_eq!(out["RootDirectory"]["Path"], "/app/data");
    assert_eq!(out["RootDirectory"]["CreationInfo"]["Permissions"], "0755");
    assert_eq!(out["Name"], "app-ap");
    assert_eq!(out["LifeCycleState"], "creating");

    let e = err(&mut state, "efs:CreateAccessPoint", json!({ "ClientToken": "tok-1", "FileSystemId": fs }));
    assert_eq!(e.code, "AccessPointAlreadyExists");
    let bad = |state: &mut EfsState, input: Value| err(state, "efs:CreateAccessPoint", input).code;
    assert_eq!(bad(&mut state, json!({ "FileSystemId": "fs-00000000000000000" })), "FileSystemNotFound");
    assert_eq!(bad(&mut state, json!({ "FileSystemId": fs, "PosixUser": { "Uid": 1 } })), "BadRequest");
    assert_eq!(bad(&mut state, json!({ "FileSystemId": fs, "PosixUser": { "Uid": -1, "Gid": 1 } })), "BadRequest");
    assert_eq!(bad(&mut state, json!({ "FileSystemId": fs, "RootDirectory": { "Path": "no-slash" } })), "BadRequest");
    assert_eq!(bad(&mut state, json!({ "FileSystemId": fs, "RootDirectory": { "Path": "/a/b/c/d/e" } })), "BadRequest");
    assert_eq!(
        bad(&mut state, json!({ "FileSystemId": fs, "RootDirectory": { "Path": "/a", "CreationInfo": { "OwnerUid": 1, "OwnerGid": 1, "Permissions": "999" } } })),
        "BadRequest"
    );
    assert_eq!(bad(&mut state, json!({})), "BadRequest");

    let plain = ok(&mut state, "efs:CreateAccessPoint", json!({ "FileSystemId": fs }));
    assert_eq!(plain["RootDirectory"], json!({ "Path": "/" }));
    let by_fs = ok(&mut state, "efs:DescribeAccessPoints", json!({ "FileSystemId": fs }));
    assert_eq!(by_fs["AccessPoints"].as_array().unwrap().len(), 2);
    assert_eq!(by_fs["AccessPoints"][0]["LifeCycleState"], "available");
    let by_id = ok(&mut state, "efs:DescribeAccessPoints", json!({ "AccessPointId": ap }));
    assert_eq!(by_id["AccessPoints"][0]["AccessPointId"], json!(ap));
    assert_eq!(err(&mut state, "efs:DescribeAccessPoints", json!({ "AccessPointId": ap, "FileSystemId": fs })).code, "BadRequest");
    assert_eq!(err(&mut state, "efs:DescribeAccessPoints", json!({ "AccessPointId": "fsap-00000000000000000" })).code, "AccessPointNotFound");
    ok(&mut state, "efs:DeleteAccessPoint", json!({ "AccessPointId": ap }));
    assert_eq!(err(&mut state, "efs:DeleteAccessPoint", json!({ "AccessPointId": ap })).code, "AccessPointNotFound");
}

#[test]
fn ids_are_deterministic_across_runs() {
    let run = || {
        let mut state = EfsState::new();
        let fs = ready_fs(&mut state);
        let ap = create_ap(&mut state, &fs, "/a", true);
        (fs, ap, state.mount_targets.keys().cloned().collect::<Vec<_>>())
    };
    assert_eq!(run(), run());
}

// ---- mount checks ----

#[test]
fn mount_succeeds_with_a_mount_target_in_the_az_and_nfs_allowed() {
    let mut state = EfsState::new();
    let fs = ready_fs(&mut state);
    let info = state.mount_check(&volume(&fs), &fargate_task("us-east-1b", &["sg-task"])).unwrap();
    assert_eq!(info.availability_zone, "us-east-1b");
    assert_eq!(info.root, "/");
    assert_eq!(info.dns_name, format!("{fs}.efs.us-east-1.amazonaws.com"));
    assert!(state.mount_targets[&info.mount_target_id].availability_zone == "us-east-1b");
}

#[test]
fn mount_fails_without_a_mount_target_in_the_task_az() {
    let mut state = EfsState::new();
    let fs = ready_fs(&mut state);
    let failure = state.mount_check(&volume(&fs), &fargate_task("us-east-1c", &["sg-task"])).unwrap_err();
    assert_eq!(failure.kind, MountFailureKind::NotResolvable);
    assert_eq!(failure.stop_code(), "TaskFailedToStart");
    assert!(failure.stopped_reason.starts_with(&format!(
        "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \"{fs}.efs.us-east-1.amazonaws.com\" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID."
    )));
    assert!(failure.stopped_reason.ends_with(": unsuccessful EFS utils command execution; code: 1"));
    // A file system that does not exist fails the same way: its DNS name does not resolve.
    let missing = state.mount_check(&volume("fs-00000000000000000"), &fargate_task("us-east-1a", &["sg-task"])).unwrap_err();
    assert_eq!(missing.kind, MountFailureKind::NotResolvable);
}

#[test]
fn mount_times_out_when_no_security_group_rule_allows_2049() {
    let mut state = EfsState::new();
    let fs = create_fs(&mut state, "sg");
    create_mt(&mut state, &fs, "subnet-a", &["sg-web"]);
    let failure = state.mount_check(&volume(&fs), &fargate_task("us-east-1a", &["sg-task"])).unwrap_err();
    assert_eq!(failure.kind, MountFailureKind::ConnectionTimedOut);
    assert_eq!(
        failure.stopped_reason,
        "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: mount.nfs4: Connection timed out : unsuccessful EFS utils command execution; code: 32"
    );
    // EC2 tasks see the error through the Docker volume driver.
    let mut ec2 = fargate_task("us-east-1a", &["sg-task"]);
    ec2.launch_type_fargate = false;
    let failure = state.mount_check(&volume(&fs), &ec2).unwrap_err();
    assert!(failure.stopped_reason.contains("mount.nfs4: Connection timed out"));
    assert!(!failure.stopped_reason.starts_with("ResourceInitializationError"));
}

#[test]
fn security_group_sources_and_cidrs() {
    let mut state = EfsState::new();
    let check = |state: &mut EfsState, groups: &[&str], task_groups: &[&str], subnet: Option<&str>| {
        let fs = create_fs(state, &format!("{groups:?}{task_groups:?}{subnet:?}"));
        create_mt(state, &fs, "subnet-a", groups);
        let mut task = fargate_task("us-east-1a", task_groups);
        task.subnet_id = subnet.map(str::to_string);
        state.mount_check(&volume(&fs), &task).map(|_| ()).map_err(|f| f.kind)
    };
    assert_eq!(check(&mut state, &["sg-efs"], &["sg-task"], None), Ok(()));
    assert_eq!(check(&mut state, &["sg-efs"], &["sg-web"], None), Err(MountFailureKind::ConnectionTimedOut));
    assert_eq!(check(&mut state, &["sg-open"], &[], None), Ok(()));
    assert_eq!(check(&mut state, &["sg-vpc"], &[], None), Ok(()));
    assert_eq!(check(&mut state, &["sg-other-net"], &[], None), Err(MountFailureKind::ConnectionTimedOut));
    assert_eq!(check(&mut state, &["sg-all"], &["sg-task"], None), Ok(()));
    assert_eq!(check(&mut state, &["sg-web", "sg-efs"], &["sg-task"], None), Ok(()));
    // A rule for one subnet's CIDR allows tasks in that subnet when the engine passes subnet CIDRs.
    let mut with_subnets = ctx();
    with_subnets.security_groups.push(SecurityGroup { group_id: "sg-subnet-a".into(), ingress: vec![rule("tcp", 2049, 2049, Some("10.0.1.0/24"), None)] });
    with_subnets.subnet_cidrs.insert("subnet-a".into(), "10.0.1.0/24".into());
    with_subnets.subnet_cidrs.insert("subnet-b".into(), "10.0.2.0/24".into());
    state.set_network(&with_subnets);
    let fs = create_fs(&mut state, "subnet-rule");
    state
        .handle("efs:CreateMountTarget", &json!({ "FileSystemId": fs, "SubnetId": "subnet-a", "SecurityGroups": ["sg-subnet-a"] }), &with_subnets)
        .unwrap()
        .unwrap();
    let mut task = fargate_task("us-east-1a", &[]);
    task.subnet_id = Some("subnet-a".into());
    assert!(state.mount_check(&volume(&fs), &task).is_ok());
    task.subnet_id = Some("subnet-b".into());
    assert_eq!(state.mount_check(&volume(&fs), &task).unwrap_err().kind, MountFailureKind::ConnectionTimedOut);
}

#[test]
fn mount_target_without_groups_uses_the_vpc_default_group() {
    let mut state = EfsState::new();
    let fs = create_fs(&mut state, "default-sg");
    ok(&mut state, "efs:CreateMountTarget", json!({ "FileSystemId": fs, "SubnetId": "subnet-a" }));
    assert!(state.mount_check(&volume(&fs), &fargate_task("us-east-1a", &["default"])).is_ok());
    let failure = state.mount_check(&volume(&fs), &fargate_task("us-east-1a", &["sg-task"])).unwrap_err();
    assert_eq!(failure.kind, MountFailureKind::ConnectionTimedOut);
}

#[test]
fn access_point_of_another_file_system_is_denied() {
    let mut state = EfsState::new();
    let fs = ready_fs(&mut state);
    let other = create_fs(&mut state, "other");
    let foreign_ap = create_ap(&mut state, &other, "/x", true);
    let failure = state.mount_check(&ap_volume(&fs, &foreign_ap), &fargate_task("us-east-1a", &["sg-task"])).unwrap_err();
    assert_eq!(failure.kind, MountFailureKind::AccessDenied);
    assert!(failure.stopped_reason.contains("access denied by server while mounting 127.0.0.1:/"), "{}", failure.stopped_reason);
    let failure = state.mount_check(&ap_volume(&fs, "fsap-00000000000000000"), &fargate_task("us-east-1a", &["sg-task"])).unwrap_err();
    assert_eq!(failure.kind, MountFailureKind::AccessDenied);
    let own = create_ap(&mut state, &fs, "/x", true);
    assert!(state.mount_check(&ap_volume(&fs, &own), &fargate_task("us-east-1a", &["sg-task"])).is_ok());
}

#[test]
fn fargate_before_1_4_0_cannot_use_efs() {
    let mut state = EfsState::new();
    let fs = ready_fs(&mut state);
    let mut task = fargate_task("us-east-1a", &["sg-task"]);
    task.platform_version = Some("1.3.0".into());
    let failure = state.mount_check(&volume(&fs), &task).unwrap_err();
    assert_eq!(failure.kind, MountFailureKind::PlatformUnsupported);
    assert_eq!(failure.stopped_reason, "PlatformTaskDefinitionIncompatibilityException: One or more of the requested capabilities are not supported.");
    assert_eq!(platform_supports_efs(&task).unwrap_err().code, "PlatformTaskDefinitionIncompatibilityException");
    task.platform_version = Some("1.4".into());
    assert_eq!(platform_supports_efs(&task).unwrap_err().code, "PlatformUnknownException");
    for ok_version in [None, Some("LATEST"), Some("1.4.0")] {
        task.platform_version = ok_version.map(str::to_string);
        assert!(state.mount_check(&volume(&fs), &task).is_ok(), "{ok_version:?}");
    }
    // EC2 tasks have no platform version to check.
    task.launch_type_fargate = false;
    task.platform_version = Some("1.3.0".into());
    assert!(platform_supports_efs(&task).is_ok());
}

#[test]
fn missing_root_directory_fails_unless_the_access_point_creates_it() {
    let mut state = EfsState::new();
    let fs = ready_fs(&mut state);
    let task = fargate_task("us-east-1a", &["sg-task"]);
    let mut vol = volume(&fs);
    vol.root_directory = "/grafana".into();
    let failure = state.mount_check(&vol, &task).unwrap_err();
    assert_eq!(failure.kind, MountFailureKind::NoSuchDirectory);
    assert!(failure.stopped_reason.contains(&format!(
        "mount.nfs4: mounting {fs}.efs.us-east-1.amazonaws.com:/grafana failed, reason given by server: No such file or directory"
    )));
    // An access point without CreationInfo does not create its path.
    let bare = create_ap(&mut state, &fs, "/bare", false);
    assert_eq!(state.mount_check(&ap_volume(&fs, &bare), &task).unwrap_err().kind, MountFailureKind::NoSuchDirectory);
    // With CreationInfo the first mount creates it; later mounts find it.
    let ap = create_ap(&mut state, &fs, "/grafana", true);
    let info = state.mount(&ap_volume(&fs, &ap), &task).unwrap();
    assert!(info.created_root);
    assert_eq!(info.root, "/grafana");
    assert_eq!(info.posix_user.as_ref().map(|p| (p.uid, p.gid)), Some((1000, 1000)));
    assert!(state.mount_check(&vol, &task).is_ok(), "the plain root directory now exists");
    assert!(!state.mount(&ap_volume(&fs, &ap), &task).unwrap().created_root);
}

// ---- data ----

#[test]
fn data_written_in_one_az_is_read_from_another_after_the_writer_stopped() {
    let mut state = EfsState::new();
    let fs = ready_fs(&mut state);
    let ap = create_ap(&mut state, &fs, "/app", true);
    let writer = state.mount(&ap_volume(&fs, &ap), &fargate_task("us-east-1a", &["sg-task"])).unwrap();
    let path = state.write(&fs, &writer.root, "reports/day1.txt", "hello", "task-a", 5_000).unwrap();
    assert_eq!(path, "/app/reports/day1.txt");
    // task-a stops: nothing about EFS changes. task-b starts in another AZ.
    let reader = state.mount(&ap_volume(&fs, &ap), &fargate_task("us-east-1b", &["sg-task"])).unwrap();
    assert_ne!(reader.mount_target_id, writer.mount_target_id);
    let entry = state.read(&fs, &reader.root, "reports/day1.txt").unwrap();
    assert_eq!((entry.content.as_str(), entry.bytes), ("hello", 5));
    assert_eq!((entry.written_by_task.as_str(), entry.written_at_ms), ("task-a", 5_000));
    // Scoping: the access point's root is `/` for the task; the file system root shows the real path.
    let root_view = state.mount(&volume(&fs), &fargate_task("us-east-1b", &["sg-task"])).unwrap();
    assert!(state.read(&fs, &root_view.root, "app/reports/day1.txt").is_some());
    assert!(state.read(&fs, &reader.root, "../../app/reports/day1.txt").is_none(), "cannot climb out of the access point");
    assert!(state.read(&fs, &reader.root, "../reports/day1.txt").is_some(), ".. at the root stays at the root");
    assert_eq!(
        state.list(&fs, &reader.root, "/"),
        vec![DirEntry { name: "reports".into(), is_dir: true, bytes: 0 }]
    );
    assert_eq!(
        state.list(&fs, &root_view.root, "/app/reports"),
        vec![DirEntry { name: "day1.txt".into(), is_dir: false, bytes: 5 }]
    );
    // Overwrite keeps one entry; the size shows in DescribeFileSystems.
    state.write(&fs, &reader.root, "reports/day1.txt", "hello again", "task-b", 9_000).unwrap();
    assert_eq!(state.read(&fs, &writer.root, "reports/day1.txt").unwrap().written_by_task, "task-b");
    let described = ok(&mut state, "efs:DescribeFileSystems", json!({ "FileSystemId": fs }));
    assert_eq!(described["FileSystems"][0]["SizeInBytes"]["Value"], 6144 + 11);
    assert_eq!(state.write(&fs, &reader.root, "reports", "x", "t", 0), Err(EfsDataError::NotAFile("/app/reports".into())));
    assert_eq!(state.write("fs-nope", "/", "a", "x", "t", 0), Err(EfsDataError::FileSystemNotFound("fs-nope".into())));
}

// ---- other volumes ----

fn lv(name: &str, kind: LocalVolumeKind) -> LocalVolume {
    LocalVolume { name: name.into(), kind }
}

#[test]
fn task_scoped_volumes_die_with_the_task() {
    let mut store = VolumeStore::new();
    let vols = [lv("scratch", LocalVolumeKind::TaskScoped), lv("tmp", LocalVolumeKind::Docker { shared: false, autoprovision: false, driver: "local".into() })];
    store.task_started("t1", Some("i-1"), &vols).unwrap();
    store.write("t1", "scratch", "a.txt", "x", 1).unwrap();
    store.write("t1", "tmp", "b.txt", "y", 1).unwrap();
    assert_eq!(store.read("t1", "scratch", "/a.txt").unwrap().content, "x");
    store.task_stopped("t1");
    assert!(store.read("t1", "scratch", "a.txt").is_none());
    // The next task with the same volume names starts empty.
    store.task_started("t2", Some("i-1"), &vols).unwrap();
    assert!(store.read("t2", "scratch", "a.txt").is_none());
    assert!(store.files("t2", "tmp").is_empty());
    assert!(matches!(store.write("t2", "nope", "a", "x", 1), Err(VolumeError::UnknownVolume { .. })));
}

#[test]
fn fargate_ephemeral_storage_dies_with_the_task_and_host_paths_need_an_instance() {
    let mut store = VolumeStore::new();
    store.task_started("f1", None, &[lv(volumes::EPHEMERAL_VOLUME, LocalVolumeKind::Ephemeral)]).unwrap();
    store.write("f1", volumes::EPHEMERAL_VOLUME, "/cache/x", "data", 1).unwrap();
    store.task_stopped("f1");
    assert!(store.read("f1", volumes::EPHEMERAL_VOLUME, "/cache/x").is_none());
    let err = store.task_started("f2", None, &[lv("ok", LocalVolumeKind::TaskScoped), lv("host", LocalVolumeKind::HostPath("/data".into()))]);
    assert_eq!(err, Err(VolumeError::NeedsInstance { volume: "host".into() }));
    assert!(store.files("f2", "ok").is_empty() && store.read("f2", "ok", "x").is_none(), "nothing provisioned on failure");
}

#[test]
fn shared_docker_volume_survives_the_task_and_dies_with_the_instance() {
    let mut store = VolumeStore::new();
    let shared = [lv("db", LocalVolumeKind::Docker { shared: true, autoprovision: true, driver: "local".into() })];
    store.task_started("t1", Some("i-1"), &shared).unwrap();
    store.write("t1", "db", "rows", "42", 10).unwrap();
    store.task_stopped("t1");
    assert!(store.shared_docker_volume_exists("i-1", "db"));
    store.task_started("t2", Some("i-1"), &shared).unwrap();
    let entry = store.read("t2", "db", "rows").unwrap();
    assert_eq!((entry.content.as_str(), entry.written_by_task.as_str()), ("42", "t1"));
    // Another instance has its own (empty) volume.
    store.task_started("t3", Some("i-2"), &shared).unwrap();
    assert!(store.read("t3", "db", "rows").is_none());
    store.task_stopped("t2");
    store.instance_terminated("i-1");
    assert!(!store.shared_docker_volume_exists("i-1", "db"));
    assert!(store.shared_docker_volume_exists("i-2", "db"));
    // Without autoprovision the volume must already exist on the instance.
    let manual = [lv("db", LocalVolumeKind::Docker { shared: true, autoprovision: false, driver: "local".into() })];
    assert!(matches!(store.task_started("t4", Some("i-1"), &manual), Err(VolumeError::SharedVolumeMissing { .. })));
    store.create_shared_docker_volume("i-1", "db");
    store.task_started("t4", Some("i-1"), &manual).unwrap();
}

#[test]
fn host_source_paths_live_with_the_instance() {
    let mut store = VolumeStore::new();
    store.task_started("t1", Some("i-1"), &[lv("logs", LocalVolumeKind::HostPath("/var/log/app".into()))]).unwrap();
    store.write("t1", "logs", "app.log", "line", 1).unwrap();
    store.task_stopped("t1");
    assert_eq!(store.host_path_files("i-1", "/var/log/app").len(), 1);
    // A different volume name over the same host path sees the same files.
    store.task_started("t2", Some("i-1"), &[lv("other", LocalVolumeKind::HostPath("/var/log/app/".into()))]).unwrap();
    assert_eq!(store.read("t2", "other", "app.log").unwrap().content, "line");
    store.instance_terminated("i-1");
    assert!(store.host_path_files("i-1", "/var/log/app").is_empty());
    assert!(store.read("t2", "other", "app.log").is_none());
}

#[test]
fn volumes_are_read_from_a_registered_task_definition() {
    let doc = json!({
        "family": "vols",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["EC2"],
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [{ "name": "app", "image": "nginx", "essential": true }],
        "volumes": [
            { "name": "scratch" },
            { "name": "logs", "host": { "sourcePath": "/var/log/app" } },
            { "name": "db", "dockerVolumeConfiguration": { "scope": "shared", "autoprovision": true, "driver": "local" } },
            { "name": "shared", "efsVolumeConfiguration": {
                "fileSystemId": "fs-0123456789abcdef0", "transitEncryption": "ENABLED", "transitEncryptionPort": 20049,
                "authorizationConfig": { "accessPointId": "fsap-0123456789abcdef0", "iam": "ENABLED" } } }
        ]
    });
    let spec = crate::taskdef::parse_task_definition(&doc).unwrap_or_else(|e| panic!("{e:?}"));
    let local = local_volumes_from_taskdef(&spec, false);
    assert_eq!(
        local,
        vec![
            lv("scratch", LocalVolumeKind::TaskScoped),
            lv("logs", LocalVolumeKind::HostPath("/var/log/app".into())),
            lv("db", LocalVolumeKind::Docker { shared: true, autoprovision: true, driver: "local".into() }),
        ]
    );
    assert!(local[2].kind.outlives_task() && !local[0].kind.outlives_task());
    let efs = efs_requests_from_taskdef(&spec);
    assert_eq!(efs.len(), 1);
    assert_eq!(efs[0].0, "shared");
    assert_eq!(
        efs[0].1,
        EfsVolumeRequest {
            file_system_id: "fs-0123456789abcdef0".into(),
            root_directory: "/".into(),
            transit_encryption: true,
            transit_encryption_port: Some(20049),
            access_point_id: Some("fsap-0123456789abcdef0".into()),
            iam_authorization: true,
        }
    );
    let fargate = local_volumes_from_taskdef(&spec, true);
    assert_eq!(fargate.last().map(|v| v.kind.clone()), Some(LocalVolumeKind::Ephemeral));
}

#[test]
fn s3_explanation_points_to_the_alternatives() {
    let text = s3_mount_explanation();
    for needle in ["efsVolumeConfiguration", "SDK", "Mountpoint for Amazon S3", "Fargate", "S3 Files"] {
        assert!(text.contains(needle), "missing {needle}");
    }
}
