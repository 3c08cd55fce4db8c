//! Tests for the IAM model: policy grammar, evaluation, calls, default roles and execution-role failures.

use serde_json::{json, Value};

use super::eval::{arn_matches, wildcard_match};
use super::managed::AWS_MANAGED_POLICIES;
use super::*;

const ACCOUNT: &str = "123456789012";
const NOW: &str = "2025-03-01T10:00:00Z";

fn doc(v: Value) -> PolicyDocument {
    match policy::parse_policy(&v.to_string(), PolicyKind::Identity) {
        Ok(d) => d,
        Err(e) => panic!("policy should parse: {}", e.describe()),
    }
}

fn inline(name: &str, v: Value) -> NamedPolicy {
    NamedPolicy { name: name.to_string(), arn: None, document: doc(v) }
}

fn role_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/app")
}

fn decide(policies: &[NamedPolicy], action: &str, resource: &str) -> DecisionEffect {
    evaluate(&EvalRequest::new(&role_arn(), action, resource), policies).effect
}

fn call(state: &mut IamState, name: &str, input: Value) -> ApiResultT {
    match state.handle(name, &input, NOW) {
        Some(r) => r,
        None => panic!("{name} should be handled"),
    }
}

type ApiResultT = crate::api::ApiResult;

fn err(r: ApiResultT) -> (String, String) {
    match r {
        Ok(v) => panic!("expected an error, got {v}"),
        Err(e) => (e.code.to_string(), e.message),
    }
}

fn ok(r: ApiResultT) -> Value {
    match r {
        Ok(v) => v,
        Err(e) => panic!("expected success, got {e}"),
    }
}

fn trust(service: &str) -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}).to_string()
}

// ---------- wildcards ----------

#[test]
fn wildcard_table() {
    let cases: &[(&str, &str, bool, bool)] = &[
        ("*", "", false, true),
        ("*", "anything", false, true),
        ("s3:Get*", "s3:GetObject", false, true),
        ("s3:Get*", "s3:PutObject", false, false),
        ("s3:Get?bject", "s3:GetObject", false, true),
        ("s3:Get?bject", "s3:GetObjject", false, false),
        ("a*b*c", "axxbyyc", false, true),
        ("a*b*c", "axxbyy", false, false),
        ("ABC", "abc", true, true),
        ("ABC", "abc", false, false),
        ("*ob", "knob", false, true),
        ("??", "a", false, false),
    ];
    for (pattern, text, ci, want) in cases {
        assert_eq!(wildcard_match(pattern, text, *ci), *want, "{pattern} vs {text}");
    }
}

#[test]
fn arn_like_matches_component_wise() {
    assert!(arn_matches("arn:aws:iam::*:role/ecs*", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"));
    assert!(!arn_matches("arn:aws:iam::*:role/ecs*", "arn:aws:iam::123456789012:user/ecs"));
    assert!(arn_matches("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b"));
}

// ---------- evaluation ----------

#[test]
fn evaluation_table() {
    let read = inline(
        "app-read",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "ReadBucket", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]}
        ]}),
    );
    let deny_secret = inline(
        "deny-secret",
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket/secret/*"}}),
    );
    let not_action = inline(
        "all-but-iam",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}),
    );
    let not_resource = inline(
        "deny-outside",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]}]}),
    );
    use DecisionEffect::*;
    let cases: Vec<(Vec<&NamedPolicy>, &str, &str, DecisionEffect)> = vec![
        (vec![&read], "s3:GetObject", "arn:aws:s3:::bucket/key", Allowed),
        (vec![&read], "S3:GETOBJECT", "arn:aws:s3:::bucket/key", Allowed),
        (vec![&read], "s3:PutObject", "arn:aws:s3:::bucket/key", ImplicitDeny),
        (vec![&read], "s3:GetObject", "arn:aws:s3:::other/key", ImplicitDeny),
        (vec![&read], "s3:GetObject", "arn:aws:s3:::BUCKET/key", ImplicitDeny),
        (vec![&read], "s3:ListBucket", "arn:aws:s3:::bucket", Allowed),
        (vec![&read, &deny_secret], "s3:GetObject", "arn:aws:s3:::bucket/secret/x", ExplicitDeny),
        (vec![&read, &deny_secret], "s3:GetObject", "arn:aws:s3:::bucket/public/x", Allowed),
        (vec![&not_action], "ec2:RunInstances", "*", Allowed),
        (vec![&not_action], "iam:CreateRole", "*", ImplicitDeny),
        (vec![&not_action, &not_resource], "s3:GetObject", "arn:aws:s3:::elsewhere/k", ExplicitDeny),
        (vec![&not_action, &not_resource], "s3:GetObject", "arn:aws:s3:::bucket/k", Allowed),
        (vec![], "s3:GetObject", "arn:aws:s3:::bucket/k", ImplicitDeny),
    ];
    for (policies, action, resource, want) in cases {
        let owned: Vec<NamedPolicy> = policies.into_iter().cloned().collect();
        assert_eq!(decide(&owned, action, resource), want, "{action} on {resource}");
    }
}

#[test]
fn decision_lists_matches_and_explains() {
    let read = inline(
        "app-read",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "ReadBucket", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
    );
    let d = evaluate(&EvalRequest::new(&role_arn(), "s3:GetObject", "arn:aws:s3:::bucket/key"), std::slice::from_ref(&read));
    assert_eq!(d.effect, DecisionEffect::Allowed);
    assert_eq!(d.matched.len(), 1);
    assert_eq!(d.matched[0].statement_index, 0);
    assert_eq!(d.matched[0].sid.as_deref(), Some("ReadBucket"));
    assert_eq!(d.matched[0].policy_arn, None);
    assert_eq!(d.explain(), "Allowed by statement 'ReadBucket' of policy app-read (inline)");

    let d = evaluate(&EvalRequest::new(&role_arn(), "s3:PutObject", "arn:aws:s3:::bucket/key"), &[read]);
    assert!(d.matched.is_empty());
    assert_eq!(
        d.explain(),
        "Implicitly denied: no statement in the role's policies allows s3:PutObject on arn:aws:s3:::bucket/key"
    );

    let deny = NamedPolicy {
        name: "guard".into(),
        arn: Some(format!("arn:aws:iam::{ACCOUNT}:policy/guard")),
        document: doc(json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}
        ]})),
    };
    let d = evaluate(&EvalRequest::new(&role_arn(), "s3:DeleteObject", "arn:aws:s3:::b/k"), &[deny]);
    assert_eq!(d.effect, DecisionEffect::ExplicitDeny);
    assert_eq!(d.matched.len(), 1);
    assert_eq!(d.matched[0].effect, Effect::Deny);
    assert_eq!(d.matched[0].statement_index, 1);
    assert!(d.explain().starts_with(&format!(
        "Explicitly denied by statement #2 of policy guard (arn:aws:iam::{ACCOUNT}:policy/guard)"
    )));
}

#[test]
fn conditions_table() {
    let p = |cond: Value| {
        inline("c", json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": cond}]}))
    };
    let base = || EvalRequest::new(&role_arn(), "s3:GetObject", "arn:aws:s3:::b/k");
    let cases: Vec<(Value, EvalRequest, bool)> = vec![
        (json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}), base().with_context("aws:RequestedRegion", &["us-east-1"]), true),
        (json!({"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}), base().with_context("aws:requestedregion", &["us-east-1"]), true),
        (json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}), base().with_context("aws:RequestedRegion", &["eu-west-1"]), false),
        (json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}), base(), false),
        (json!({"StringEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}), base(), true),
        (json!({"StringEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}), base().with_context("aws:RequestedRegion", &["eu-west-1"]), false),
        (json!({"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}), base().with_context("aws:RequestedRegion", &["eu-west-1"]), true),
        (json!({"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}), base(), true),
        (json!({"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}), base().with_context("aws:RequestedRegion", &["us-east-1"]), false),
        (json!({"StringLike": {"s3:prefix": "home/*"}}), base().with_context("s3:prefix", &["home/alice"]), true),
        (json!({"StringLike": {"s3:prefix": "home/*"}}), base().with_context("s3:prefix", &["tmp/x"]), false),
        (json!({"ArnLike": {"aws:SourceArn": "arn:aws:ecs:*:123456789012:*"}}), base().with_context("aws:SourceArn", &["arn:aws:ecs:us-east-1:123456789012:cluster/demo"]), true),
        (json!({"ArnEquals": {"aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:cluster/demo"}}), base().with_context("aws:SourceArn", &["arn:aws:ecs:us-east-1:123456789012:cluster/other"]), false),
        (json!({"Bool": {"aws:SecureTransport": "true"}}), base().with_context("aws:SecureTransport", &["TRUE"]), true),
        (json!({"Bool": {"aws:SecureTransport": true}}), base().with_context("aws:SecureTransport", &["false"]), false),
        (json!({"Null": {"aws:TokenIssueTime": "true"}}), base(), true),
        (json!({"Null": {"aws:TokenIssueTime": "false"}}), base(), false),
        (json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}}), base().with_context("aws:TagKeys", &["cost", "env"]), true),
        (json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}), base(), false),
        (json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}), base().with_context("aws:TagKeys", &["team", "env"]), true),
        (json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}), base().with_context("aws:TagKeys", &["team", "cost"]), false),
        (json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}), base(), true),
        (json!({"NumericLessThan": {"s3:max-keys": "10"}}), base().with_context("s3:max-keys", &["5"]), true),
        // Two operators in one statement: both must hold.
        (json!({"StringEquals": {"a:x": "1"}, "StringLike": {"a:y": "z*"}}), base().with_context("a:x", &["1"]).with_context("a:y", &["q"]), false),
    ];
    for (cond, request, want) in cases {
        let got = evaluate(&request, &[p(cond.clone())]).effect == DecisionEffect::Allowed;
        assert_eq!(got, want, "condition {cond} with context {:?}", request.context);
    }
}

#[test]
fn trust_policies_and_can_assume() {
    let mut state = IamState::new(ACCOUNT);
    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "tasks", "AssumeRolePolicyDocument": trust("ecs-tasks.amazonaws.com")})));
    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "ec2", "AssumeRolePolicyDocument": trust("ec2.amazonaws.com")})));
    let any_service = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]});
    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "both", "AssumeRolePolicyDocument": any_service.to_string()})));
    let denied = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:*"}]});
    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "guarded", "AssumeRolePolicyDocument": denied.to_string()})));
    let wrong_action = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:TagSession"}]});
    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "tagonly", "AssumeRolePolicyDocument": wrong_action.to_string()})));

    let cases: &[(&str, &str, bool)] = &[
        ("tasks", ECS_TASKS_PRINCIPAL, true),
        ("tasks", EC2_PRINCIPAL, false),
        ("ec2", EC2_PRINCIPAL, true),
        ("ec2", ECS_TASKS_PRINCIPAL, false),
        ("both", ECS_TASKS_PRINCIPAL, true),
        ("both", EC2_PRINCIPAL, true),
        ("guarded", ECS_TASKS_PRINCIPAL, false),
        ("guarded", EC2_PRINCIPAL, true),
        ("tagonly", ECS_TASKS_PRINCIPAL, false),
        ("arn:aws:iam::123456789012:role/tasks", ECS_TASKS_PRINCIPAL, true),
        ("missing", ECS_TASKS_PRINCIPAL, false),
    ];
    for (role, principal, want) in cases {
        assert_eq!(state.can_assume(role, principal).is_ok(), *want, "{role} by {principal}");
    }
    let e = state.can_assume("ec2", ECS_TASKS_PRINCIPAL).unwrap_err();
    assert!(e.contains("ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ec2'"), "{e}");
}

#[test]
fn aws_principal_account_matches() {
    let t = policy::parse_policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}]}).to_string(),
        PolicyKind::Trust,
    )
    .unwrap();
    let p = [NamedPolicy { name: "t".into(), arn: None, document: t }];
    let yes = EvalRequest::new("arn:aws:iam::111122223333:role/x", "sts:AssumeRole", "*");
    let no = EvalRequest::new("arn:aws:iam::999999999999:role/x", "sts:AssumeRole", "*");
    assert!(evaluate(&yes, &p).is_allowed());
    assert!(!evaluate(&no, &p).is_allowed());
}

// ---------- malformed documents ----------

#[test]
fn malformed_documents() {
    let id = PolicyKind::Identity;
    let tr = PolicyKind::Trust;
    let stmt = |extra: Value| {
        let mut s = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"});
        if let (Some(o), Some(e)) = (s.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                if v.is_null() {
                    o.remove(k);
                } else {
                    o.insert(k.clone(), v.clone());
                }
            }
        }
        json!({"Version": "2012-10-17", "Statement": [s]}).to_string()
    };
    let trust_stmt = |extra: Value| {
        let mut s = json!({"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"});
        if let (Some(o), Some(e)) = (s.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                if v.is_null() {
                    o.remove(k);
                } else {
                    o.insert(k.clone(), v.clone());
                }
            }
        }
        json!({"Version": "2012-10-17", "Statement": s}).to_string()
    };
    let cases: Vec<(String, PolicyKind, &str, &str)> = vec![
        ("{not json".into(), id, "Syntax errors in policy.", ""),
        ("[]".into(), id, "Syntax errors in policy.", ""),
        (json!({"Version": "2012-10-17"}).to_string(), id, "Missing required field Statement", "Statement"),
        (json!({"Version": "2012-10-17", "Statement": [], }).to_string(), id, "Syntax errors in policy.", "Statement"),
        (json!({"Version": "2012-10-17", "Statement": [], "Extra": 1}).to_string(), id, "Syntax errors in policy.", "Extra"),
        (json!({"Version": "2019-01-01", "Statement": []}).to_string(), id, "The policy failed legacy parsing", "Version"),
        (stmt(json!({"Effect": null})), id, "Missing required field Effect", "Statement[0].Effect"),
        (stmt(json!({"Effect": "Permit"})), id, "Invalid effect: Permit", "Statement[0].Effect"),
        (stmt(json!({"Action": null})), id, "Policy statement must contain actions.", "Statement[0].Action"),
        (stmt(json!({"Resource": null})), id, "Policy statement must contain resources.", "Statement[0].Resource"),
        (stmt(json!({"NotAction": "s3:*"})), id, "Syntax errors in policy.", "Statement[0].NotAction"),
        (stmt(json!({"Principal": {"AWS": "*"}})), id, "Policy document should not specify a principal.", "Statement[0].Principal"),
        (stmt(json!({"NotPrincipal": {"AWS": "*"}})), id, "Policy document should not specify a principal.", "Statement[0].NotPrincipal"),
        (stmt(json!({"Action": "s3:Get:Object"})), id, "Actions/Condition can contain only one colon.", "Statement[0].Action"),
        (stmt(json!({"Action": "GetObject"})), id, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", "Statement[0].Action"),
        (stmt(json!({"Resource": "my-bucket"})), id, "Resource my-bucket must be in ARN format or \"*\".", "Statement[0].Resource"),
        (stmt(json!({"Action": []})), id, "Syntax errors in policy.", "Statement[0].Action"),
        (stmt(json!({"Action": 5})), id, "Syntax errors in policy.", "Statement[0].Action"),
        (stmt(json!({"Bogus": 1})), id, "Syntax errors in policy.", "Statement[0].Bogus"),
        (stmt(json!({"Condition": {"StringEqualz": {"a:b": "c"}}})), id, "Invalid Condition type : StringEqualz", "Statement[0].Condition.StringEqualz"),
        (stmt(json!({"Condition": {"StringEquals": "x"}})), id, "Syntax errors in policy.", "Statement[0].Condition.StringEquals"),
        (trust_stmt(json!({"Principal": null})), tr, "Missing required field Principal", "Statement.Principal"),
        (trust_stmt(json!({"Resource": "*"})), tr, "Has prohibited field Resource", "Statement.Resource"),
        (trust_stmt(json!({"Principal": {"Service": "ecs-tasks"}})), tr, "Invalid principal in policy: \"Service\":\"ecs-tasks\"", "Statement.Principal.Service"),
        (trust_stmt(json!({"Principal": {"AWS": "bob"}})), tr, "Invalid principal in policy: \"AWS\":\"bob\"", "Statement.Principal.AWS"),
        (trust_stmt(json!({"Principal": {"Robot": "x"}})), tr, "Syntax errors in policy.", "Statement.Principal.Robot"),
    ];
    for (text, kind, message, element) in cases {
        match policy::parse_policy(&text, kind) {
            Ok(_) => panic!("{text} should be rejected"),
            Err(e) => {
                assert_eq!(e.message, message, "{text}");
                assert_eq!(e.element, element, "{text}");
                assert_eq!(e.to_api_error().code, "MalformedPolicyDocument");
            }
        }
    }
}

#[test]
fn accepted_document_shapes() {
    let ok_docs = [
        json!({"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
        json!({"Statement": [{"Sid": "A", "Effect": "Deny", "NotAction": ["s3:*"], "NotResource": "arn:aws:s3:::b/*"}]}),
        json!({"Version": "2012-10-17", "Id": "x", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*"]}, "Bool": {"aws:SecureTransport": false}}}]}),
    ];
    for d in ok_docs {
        assert!(policy::parse_policy(&d.to_string(), PolicyKind::Identity).is_ok(), "{d}");
    }
    assert!(policy::parse_policy(&trust("ecs-tasks.amazonaws.com"), PolicyKind::Trust).is_ok());
}

#[test]
fn managed_policy_table_parses() {
    for p in AWS_MANAGED_POLICIES {
        assert!(p.parsed().is_some(), "{} should parse", p.name);
        assert!(p.arn().starts_with("arn:aws:iam::aws:policy/"));
    }
    let names: Vec<&str> = AWS_MANAGED_POLICIES.iter().map(|p| p.name).collect();
    for required in [
        "AmazonECSTaskExecutionRolePolicy",
        "AmazonEC2ContainerServiceforEC2Role",
        "AmazonECS_FullAccess",
        "AmazonS3ReadOnlyAccess",
        "AmazonDynamoDBReadOnlyAccess",
        "CloudWatchLogsFullAccess",
        "AmazonSSMReadOnlyAccess",
        "SecretsManagerReadWrite",
        "AmazonRDSReadOnlyAccess",
        "AWSStepFunctionsReadOnlyAccess",
    ] {
        assert!(names.contains(&required), "{required}");
    }
}

// ---------- default roles ----------

#[test]
fn default_roles() {
    let state = IamState::with_default_roles(ACCOUNT);
    assert_eq!(state.roles.len(), 2);
    let exec = format!("arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole");
    assert_eq!(state.resolve_role_arn("ecsTaskExecutionRole"), Some(exec.clone()));
    assert_eq!(state.resolve_role_arn(&exec), Some(exec.clone()));
    assert_eq!(state.resolve_role_arn("arn:aws:iam::999999999999:role/ecsTaskExecutionRole"), None);
    assert!(state.can_assume("ecsTaskExecutionRole", ECS_TASKS_PRINCIPAL).is_ok());
    assert!(state.can_assume("ecsInstanceRole", EC2_PRINCIPAL).is_ok());
    assert!(state.can_assume("ecsInstanceRole", ECS_TASKS_PRINCIPAL).is_err());
    assert_eq!(
        state.instance_profile_role("ecsInstanceRole"),
        Some(format!("arn:aws:iam::{ACCOUNT}:role/ecsInstanceRole"))
    );
    assert_eq!(
        state.instance_profile_role(&format!("arn:aws:iam::{ACCOUNT}:instance-profile/ecsInstanceRole")),
        Some(format!("arn:aws:iam::{ACCOUNT}:role/ecsInstanceRole"))
    );
    assert_eq!(state.instance_profile_role("nope"), None);

    let d = state.role_allows("ecsTaskExecutionRole", "ecr:GetAuthorizationToken", "*");
    assert!(d.is_allowed());
    assert_eq!(d.matched[0].policy_name, "AmazonECSTaskExecutionRolePolicy");
    assert_eq!(
        d.matched[0].policy_arn.as_deref(),
        Some("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    );
    assert!(!state.role_allows("ecsTaskExecutionRole", "secretsmanager:GetSecretValue", "*").is_allowed());
    assert!(state.role_allows("ecsInstanceRole", "ecs:RegisterContainerInstance", "*").is_allowed());
    assert!(state.role_allows("ecsInstanceRole", "ecs:SubmitTaskStateChange", "*").is_allowed());
    assert!(!state.role_allows("ecsInstanceRole", "ecs:RunTask", "*").is_allowed());
    assert_eq!(IamState::with_default_roles(ACCOUNT), state, "deterministic");
    assert!(state.roles["ecsTaskExecutionRole"].id.starts_with("AROA"));
    assert_eq!(state.roles["ecsTaskExecutionRole"].id.len(), 21);
    assert_ne!(state.roles["ecsTaskExecutionRole"].id, state.roles["ecsInstanceRole"].id);
    assert!(IamState::new(ACCOUNT).roles.is_empty());
}

// ---------- calls ----------

#[test]
fn unknown_calls_are_not_handled() {
    let mut state = IamState::new(ACCOUNT);
    assert!(state.handle("ecs:RunTask", &json!({}), NOW).is_none());
    assert!(state.handle("iam:CreateUser", &json!({}), NOW).is_none());
    let (code, _) = err(call(&mut state, "iam:GetRole", json!("x")));
    assert_eq!(code, "ValidationError");
}

#[test]
fn create_get_list_delete_role() {
    let mut state = IamState::new(ACCOUNT);
    let out = ok(call(
        &mut state,
        "iam:CreateRole",
        json!({"RoleName": "app", "AssumeRolePolicyDocument": trust("ecs-tasks.amazonaws.com"), "Description": "d", "Path": "/svc/"}),
    ));
    let role = &out["Role"];
    assert_eq!(role["RoleName"], "app");
    assert_eq!(role["Arn"], format!("arn:aws:iam::{ACCOUNT}:role/svc/app"));
    assert_eq!(role["Path"], "/svc/");
    assert_eq!(role["CreateDate"], NOW);
    assert_eq!(role["Description"], "d");
    assert_eq!(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "ecs-tasks.amazonaws.com");
    let id = role["RoleId"].as_str().unwrap();
    assert!(id.starts_with("AROA") && id.len() == 21 && id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));

    let (code, msg) = err(call(&mut state, "iam:CreateRole", json!({"RoleName": "APP", "AssumeRolePolicyDocument": trust("ecs-tasks.amazonaws.com")})));
    assert_eq!((code.as_str(), msg.as_str()), ("EntityAlreadyExists", "Role with name APP already exists."));
    let (code, msg) = err(call(&mut state, "iam:CreateRole", json!({"RoleName": "x"})));
    assert_eq!(code, "ValidationError");
    assert!(msg.contains("'assumeRolePolicyDocument'"), "{msg}");
    let (code, _) = err(call(&mut state, "iam:CreateRole", json!({"RoleName": "bad name", "AssumeRolePolicyDocument": trust("ec2.amazonaws.com")})));
    assert_eq!(code, "ValidationError");
    let (code, msg) = err(call(&mut state, "iam:CreateRole", json!({"RoleName": "x", "AssumeRolePolicyDocument": "{"})));
    assert_eq!((code.as_str(), msg.as_str()), ("MalformedPolicyDocument", "Syntax errors in policy."));
    let identity_as_trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
    let (code, msg) = err(call(&mut state, "iam:CreateRole", json!({"RoleName": "x", "AssumeRolePolicyDocument": identity_as_trust.to_string()})));
    assert_eq!((code.as_str(), msg.as_str()), ("MalformedPolicyDocument", "Missing required field Principal"));
    assert!(!state.roles.contains_key("x"));

    let got = ok(call(&mut state, "iam:GetRole", json!({"RoleName": "app"})));
    assert_eq!(got["Role"]["RoleId"], id);
    let (code, msg) = err(call(&mut state, "iam:GetRole", json!({"RoleName": "nope"})));
    assert_eq!((code.as_str(), msg.as_str()), ("NoSuchEntity", "The role with name nope cannot be found."));

    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "other", "AssumeRolePolicyDocument": trust("ec2.amazonaws.com")})));
    let list = ok(call(&mut state, "iam:ListRoles", json!({})));
    assert_eq!(list["Roles"].as_array().unwrap().len(), 2);
    assert_eq!(list["IsTruncated"], false);
    let list = ok(call(&mut state, "iam:ListRoles", json!({"PathPrefix": "/svc/"})));
    assert_eq!(list["Roles"].as_array().unwrap().len(), 1);

    ok(call(&mut state, "iam:DeleteRole", json!({"RoleName": "other"})));
    let (code, _) = err(call(&mut state, "iam:DeleteRole", json!({"RoleName": "other"})));
    assert_eq!(code, "NoSuchEntity");
}

#[test]
fn attach_detach_and_delete_conflicts() {
    let mut state = IamState::new(ACCOUNT);
    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "app", "AssumeRolePolicyDocument": trust("ecs-tasks.amazonaws.com")})));
    let s3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    ok(call(&mut state, "iam:AttachRolePolicy", json!({"RoleName": "app", "PolicyArn": s3})));
    ok(call(&mut state, "iam:AttachRolePolicy", json!({"RoleName": "app", "PolicyArn": s3})));
    let listed = ok(call(&mut state, "iam:ListAttachedRolePolicies", json!({"RoleName": "app"})));
    assert_eq!(listed["AttachedPolicies"], json!([{"PolicyName": "AmazonS3ReadOnlyAccess", "PolicyArn": s3}]));
    assert!(state.role_allows("app", "s3:GetObject", "arn:aws:s3:::b/k").is_allowed());

    let (code, msg) = err(call(&mut state, "iam:AttachRolePolicy", json!({"RoleName": "app", "PolicyArn": "arn:aws:iam::aws:policy/NoSuchPolicy"})));
    assert_eq!((code.as_str(), msg.as_str()), ("NoSuchEntity", "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable."));
    let (code, _) = err(call(&mut state, "iam:AttachRolePolicy", json!({"RoleName": "ghost", "PolicyArn": s3})));
    assert_eq!(code, "NoSuchEntity");
    let (code, _) = err(call(&mut state, "iam:AttachRolePolicy", json!({"RoleName": "app", "PolicyArn": "AmazonS3ReadOnlyAccess"})));
    assert_eq!(code, "InvalidInput");

    let (code, msg) = err(call(&mut state, "iam:DeleteRole", json!({"RoleName": "app"})));
    assert_eq!((code.as_str(), msg.as_str()), ("DeleteConflict", "Cannot delete entity, must detach all policies first."));
    ok(call(&mut state, "iam:DetachRolePolicy", json!({"RoleName": "app", "PolicyArn": s3})));
    let (code, _) = err(call(&mut state, "iam:DetachRolePolicy", json!({"RoleName": "app", "PolicyArn": s3})));
    assert_eq!(code, "NoSuchEntity");
    assert!(!state.role_allows("app", "s3:GetObject", "arn:aws:s3:::b/k").is_allowed());

    let inline = json!({"Version": "2012-10-17", "Statement": [{"Sid": "ReadBucket", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]});
    ok(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "app", "PolicyName": "app-read", "PolicyDocument": inline.to_string()})));
    let d = state.role_allows("app", "s3:GetObject", "arn:aws:s3:::bucket/key");
    assert_eq!(d.explain(), "Allowed by statement 'ReadBucket' of policy app-read (inline)");
    assert_eq!(d.principal, format!("arn:aws:iam::{ACCOUNT}:role/app"));
    let names = ok(call(&mut state, "iam:ListRolePolicies", json!({"RoleName": "app"})));
    assert_eq!(names["PolicyNames"], json!(["app-read"]));
    let got = ok(call(&mut state, "iam:GetRolePolicy", json!({"RoleName": "app", "PolicyName": "app-read"})));
    assert_eq!(got["PolicyDocument"], inline);

    let with_principal = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]});
    let (code, msg) = err(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "app", "PolicyName": "p", "PolicyDocument": with_principal.to_string()})));
    assert_eq!((code.as_str(), msg.as_str()), ("MalformedPolicyDocument", "Policy document should not specify a principal."));
    let (code, _) = err(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "ghost", "PolicyName": "p", "PolicyDocument": inline.to_string()})));
    assert_eq!(code, "NoSuchEntity");

    let (code, msg) = err(call(&mut state, "iam:DeleteRole", json!({"RoleName": "app"})));
    assert_eq!((code.as_str(), msg.as_str()), ("DeleteConflict", "Cannot delete entity, must delete policies first."));
    ok(call(&mut state, "iam:DeleteRolePolicy", json!({"RoleName": "app", "PolicyName": "app-read"})));
    let (code, msg) = err(call(&mut state, "iam:DeleteRolePolicy", json!({"RoleName": "app", "PolicyName": "app-read"})));
    assert_eq!((code.as_str(), msg.as_str()), ("NoSuchEntity", "The role policy with name app-read cannot be found."));
    ok(call(&mut state, "iam:DeleteRole", json!({"RoleName": "app"})));
}

#[test]
fn attach_quota() {
    let mut state = IamState::new(ACCOUNT);
    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "app", "AssumeRolePolicyDocument": trust("ecs-tasks.amazonaws.com")})));
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}).to_string();
    for i in 0..11 {
        let out = ok(call(&mut state, "iam:CreatePolicy", json!({"PolicyName": format!("p{i}"), "PolicyDocument": doc})));
        let arn = out["Policy"]["Arn"].as_str().unwrap().to_string();
        let r = call(&mut state, "iam:AttachRolePolicy", json!({"RoleName": "app", "PolicyArn": arn}));
        if i < 10 {
            ok(r);
        } else {
            let (code, msg) = err(r);
            assert_eq!((code.as_str(), msg.as_str()), ("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10"));
        }
    }
}

#[test]
fn customer_managed_policy() {
    let mut state = IamState::new(ACCOUNT);
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Put", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}]});
    let out = ok(call(&mut state, "iam:CreatePolicy", json!({"PolicyName": "writer", "PolicyDocument": doc.to_string(), "Description": "w"})));
    let p = &out["Policy"];
    assert_eq!(p["Arn"], format!("arn:aws:iam::{ACCOUNT}:policy/writer"));
    assert!(p["PolicyId"].as_str().unwrap().starts_with("ANPA"));
    assert_eq!(p["DefaultVersionId"], "v1");
    assert_eq!(p["IsAttachable"], true);
    let (code, _) = err(call(&mut state, "iam:CreatePolicy", json!({"PolicyName": "writer", "PolicyDocument": doc.to_string()})));
    assert_eq!(code, "EntityAlreadyExists");
    let (code, msg) = err(call(&mut state, "iam:CreatePolicy", json!({"PolicyName": "bad", "PolicyDocument": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\"}]}"})));
    assert_eq!((code.as_str(), msg.as_str()), ("MalformedPolicyDocument", "Policy statement must contain resources."));

    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "app", "AssumeRolePolicyDocument": trust("ecs-tasks.amazonaws.com")})));
    ok(call(&mut state, "iam:AttachRolePolicy", json!({"RoleName": "app", "PolicyArn": format!("arn:aws:iam::{ACCOUNT}:policy/writer")})));
    let d = state.role_allows("app", "s3:PutObject", "arn:aws:s3:::b/k");
    assert_eq!(d.explain(), format!("Allowed by statement 'Put' of policy writer (arn:aws:iam::{ACCOUNT}:policy/writer)"));
    let listed = ok(call(&mut state, "iam:ListAttachedRolePolicies", json!({"RoleName": "app"})));
    assert_eq!(listed["AttachedPolicies"][0]["PolicyName"], "writer");
}

#[test]
fn instance_profiles() {
    let mut state = IamState::new(ACCOUNT);
    let out = ok(call(&mut state, "iam:CreateInstanceProfile", json!({"InstanceProfileName": "web"})));
    assert_eq!(out["InstanceProfile"]["Arn"], format!("arn:aws:iam::{ACCOUNT}:instance-profile/web"));
    assert!(out["InstanceProfile"]["InstanceProfileId"].as_str().unwrap().starts_with("AIPA"));
    assert_eq!(out["InstanceProfile"]["Roles"], json!([]));
    let (code, msg) = err(call(&mut state, "iam:CreateInstanceProfile", json!({"InstanceProfileName": "web"})));
    assert_eq!((code.as_str(), msg.as_str()), ("EntityAlreadyExists", "Instance Profile web already exists."));

    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "r1", "AssumeRolePolicyDocument": trust("ec2.amazonaws.com")})));
    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "r2", "AssumeRolePolicyDocument": trust("ec2.amazonaws.com")})));
    let (code, _) = err(call(&mut state, "iam:AddRoleToInstanceProfile", json!({"InstanceProfileName": "nope", "RoleName": "r1"})));
    assert_eq!(code, "NoSuchEntity");
    let (code, _) = err(call(&mut state, "iam:AddRoleToInstanceProfile", json!({"InstanceProfileName": "web", "RoleName": "ghost"})));
    assert_eq!(code, "NoSuchEntity");
    ok(call(&mut state, "iam:AddRoleToInstanceProfile", json!({"InstanceProfileName": "web", "RoleName": "r1"})));
    let (code, msg) = err(call(&mut state, "iam:AddRoleToInstanceProfile", json!({"InstanceProfileName": "web", "RoleName": "r2"})));
    assert_eq!((code.as_str(), msg.as_str()), ("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"));
    let got = ok(call(&mut state, "iam:GetInstanceProfile", json!({"InstanceProfileName": "web"})));
    assert_eq!(got["InstanceProfile"]["Roles"][0]["RoleName"], "r1");
    assert_eq!(state.instance_profile_role("web"), Some(format!("arn:aws:iam::{ACCOUNT}:role/r1")));
    let (code, msg) = err(call(&mut state, "iam:GetInstanceProfile", json!({"InstanceProfileName": "nope"})));
    assert_eq!((code.as_str(), msg.as_str()), ("NoSuchEntity", "Instance Profile nope cannot be found."));

    let (code, msg) = err(call(&mut state, "iam:DeleteRole", json!({"RoleName": "r1"})));
    assert_eq!((code.as_str(), msg.as_str()), ("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first."));
    ok(call(&mut state, "iam:RemoveRoleFromInstanceProfile", json!({"InstanceProfileName": "web", "RoleName": "r1"})));
    assert_eq!(state.instance_profile_role("web"), None);
    ok(call(&mut state, "iam:DeleteRole", json!({"RoleName": "r1"})));
}

#[test]
fn secrets_and_parameters() {
    let mut state = IamState::new(ACCOUNT);
    let out = ok(call(&mut state, "secretsmanager:CreateSecret", json!({"Name": "prod/db", "SecretString": "hunter2"})));
    let arn = out["ARN"].as_str().unwrap().to_string();
    let prefix = format!("arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/db-");
    assert!(arn.starts_with(&prefix), "{arn}");
    assert_eq!(arn.len(), prefix.len() + 6);
    assert_eq!(out["Name"], "prod/db");
    assert_eq!(out["VersionId"].as_str().unwrap().len(), 36);
    let (code, msg) = err(call(&mut state, "secretsmanager:CreateSecret", json!({"Name": "prod/db", "SecretString": "x"})));
    assert_eq!(msg, "The operation failed because the secret prod/db already exists.");
    assert_eq!(code, "ResourceExistsException");

    for id in [arn.as_str(), "prod/db", &prefix[..prefix.len() - 1]] {
        let v = ok(call(&mut state, "secretsmanager:GetSecretValue", json!({"SecretId": id})));
        assert_eq!(v["SecretString"], "hunter2", "{id}");
        assert_eq!(v["ARN"], arn.as_str());
        assert!(state.secret_exists(id));
    }
    assert!(state.secret_exists(&format!("{arn}:password::")));
    let (code, msg) = err(call(&mut state, "secretsmanager:GetSecretValue", json!({"SecretId": "nope"})));
    assert_eq!((code.as_str(), msg.as_str()), ("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
    assert!(!state.secret_exists("nope"));

    let out = ok(call(&mut state, "ssm:PutParameter", json!({"Name": "/app/db-host", "Value": "db.local", "Type": "String"})));
    assert_eq!(out, json!({"Version": 1, "Tier": "Standard"}));
    let (code, _) = err(call(&mut state, "ssm:PutParameter", json!({"Name": "/app/db-host", "Value": "x"})));
    assert_eq!(code, "ParameterAlreadyExists");
    let out = ok(call(&mut state, "ssm:PutParameter", json!({"Name": "/app/db-host", "Value": "db2.local", "Overwrite": true})));
    assert_eq!(out["Version"], 2);
    let (code, _) = err(call(&mut state, "ssm:PutParameter", json!({"Name": "x", "Value": "y", "Type": "Secret"})));
    assert_eq!(code, "ValidationException");
    let (code, _) = err(call(&mut state, "ssm:PutParameter", json!({"Name": "/aws/x", "Value": "y"})));
    assert_eq!(code, "ValidationException");

    ok(call(&mut state, "ssm:PutParameter", json!({"Name": "token", "Value": "s3cr3t", "Type": "SecureString"})));
    let p = ok(call(&mut state, "ssm:GetParameter", json!({"Name": "token"})));
    assert_eq!(p["Parameter"]["Type"], "SecureString");
    assert_ne!(p["Parameter"]["Value"], "s3cr3t");
    let p = ok(call(&mut state, "ssm:GetParameter", json!({"Name": "token", "WithDecryption": true})));
    assert_eq!(p["Parameter"]["Value"], "s3cr3t");
    assert_eq!(p["Parameter"]["ARN"], format!("arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/token"));
    let p = ok(call(&mut state, "ssm:GetParameter", json!({"Name": format!("arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/db-host")})));
    assert_eq!(p["Parameter"]["Value"], "db2.local");
    let (code, msg) = err(call(&mut state, "ssm:GetParameter", json!({"Name": "missing"})));
    assert_eq!((code.as_str(), msg.as_str()), ("ParameterNotFound", "")); // AWS sends the code alone
    let many = ok(call(&mut state, "ssm:GetParameters", json!({"Names": ["token", "missing"], "WithDecryption": true})));
    assert_eq!(many["Parameters"].as_array().unwrap().len(), 1);
    assert_eq!(many["InvalidParameters"], json!(["missing"]));
    assert!(state.parameter_exists("/app/db-host"));
    assert!(!state.parameter_exists("/app/other"));
}

#[test]
fn ids_are_deterministic() {
    let run = || {
        let mut s = IamState::new(ACCOUNT);
        ok(call(&mut s, "iam:CreateRole", json!({"RoleName": "a", "AssumeRolePolicyDocument": trust("ec2.amazonaws.com")})));
        ok(call(&mut s, "secretsmanager:CreateSecret", json!({"Name": "s", "SecretString": "v"})));
        s
    };
    assert_eq!(run(), run());
}

// ---------- execution role problems ----------

fn exec_state() -> IamState {
    let mut state = IamState::with_default_roles(ACCOUNT);
    ok(call(&mut state, "secretsmanager:CreateSecret", json!({"Name": "db", "SecretString": "pw"})));
    ok(call(&mut state, "ssm:PutParameter", json!({"Name": "/app/key", "Value": "k", "Type": "SecureString"})));
    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "bare", "AssumeRolePolicyDocument": trust("ecs-tasks.amazonaws.com")})));
    state
}

const ECR_IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.2";

#[test]
fn private_ecr_image_detection() {
    assert!(is_private_ecr_image(ECR_IMAGE));
    assert!(is_private_ecr_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:abc"));
    assert!(!is_private_ecr_image("public.ecr.aws/nginx/nginx:latest"));
    assert!(!is_private_ecr_image("nginx:latest"));
    assert!(!is_private_ecr_image("localhost:5000/x"));
    assert_eq!(
        exec::parse_private_ecr_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1"),
        Some(("123456789012".into(), "eu-west-1".into(), "team/api".into()))
    );
}

#[test]
fn execution_role_problems_cases() {
    let mut state = exec_state();
    let secret_arn = state.secrets["db"].arn.clone();
    let all = ExecutionNeeds {
        private_ecr_images: vec![ECR_IMAGE.into()],
        awslogs_group: Some("/ecs/web".into()),
        secrets: vec![],
        session_name: Some("0123abcd".into()),
    };
    // The console's execution role covers ECR and logs, not secrets.
    assert!(state.execution_role_problems(Some("ecsTaskExecutionRole"), &all).is_empty());
    assert!(state.execution_role_problems(None, &ExecutionNeeds::default()).is_empty());

    // No execution role at all.
    let p = state.execution_role_problems(None, &all);
    assert_eq!(p.len(), 1);
    assert!(p[0].stopped_reason.starts_with("ResourceInitializationError: unable to pull secrets or registry auth"));

    // A role ECS cannot assume.
    let p = state.execution_role_problems(Some("ecsInstanceRole"), &all);
    assert_eq!(p.len(), 1);
    assert!(p[0].stopped_reason.starts_with("ECS was unable to assume the role"), "{}", p[0].stopped_reason);
    let p = state.execution_role_problems(Some("arn:aws:iam::123456789012:role/ghost"), &all);
    assert!(p[0].stopped_reason.contains("role/ghost"));

    // A role with no permissions: ECR auth and logs both fail.
    let p = state.execution_role_problems(Some("bare"), &all);
    assert_eq!(p.len(), 2, "{p:?}");
    let user = "arn:aws:sts::123456789012:assumed-role/bare/0123abcd";
    assert!(p[0].stopped_reason.starts_with(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth:"
    ));
    assert!(p[0].stopped_reason.contains(&format!(
        "User: {user} is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action"
    )), "{}", p[0].stopped_reason);
    assert!(p[1].stopped_reason.starts_with(
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/bare/0123abcd is not authorized to perform: logs:CreateLogStream"
    ), "{}", p[1].stopped_reason);
    assert_eq!(p[1].container_reason, p[1].stopped_reason);

    // Auth allowed but image pull not: CannotPullContainerError.
    let auth_only = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream"], "Resource": "arn:aws:logs:*:*:log-group:/ecs/web:*"}]});
    ok(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "bare", "PolicyName": "auth", "PolicyDocument": auth_only.to_string()})));
    let p = state.execution_role_problems(Some("bare"), &all);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        p[0].stopped_reason,
        format!("CannotPullContainerError: Error response from daemon: pull access denied for 123456789012.dkr.ecr.us-east-1.amazonaws.com/web, repository does not exist or may require 'docker login': denied: User: {user} is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/web because no identity-based policy allows the ecr:BatchGetImage action")
    );

    // A log-group ARN without ":*" does not cover the log stream.
    let group_only = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "logs:CreateLogStream", "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web"}]});
    ok(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "bare", "PolicyName": "auth", "PolicyDocument": group_only.to_string()})));
    let logs_only = ExecutionNeeds { awslogs_group: Some("/ecs/web".into()), ..ExecutionNeeds::default() };
    assert_eq!(state.execution_role_problems(Some("bare"), &logs_only).len(), 1);

    // Secrets: the default execution role lacks secretsmanager:GetSecretValue and ssm:GetParameters.
    let secrets = ExecutionNeeds {
        secrets: vec![format!("{secret_arn}:password::"), "/app/key".into()],
        session_name: Some("t1".into()),
        ..ExecutionNeeds::default()
    };
    let p = state.execution_role_problems(Some("ecsTaskExecutionRole"), &secrets);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].stopped_reason.starts_with(&format!(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {secret_arn} from secrets manager: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/t1 is not authorized to perform: secretsmanager:GetSecretValue on resource: {secret_arn} because no identity-based policy allows the secretsmanager:GetSecretValue action status code: 400, request id: "
    )), "{}", p[0].stopped_reason);
    assert!(p[1].stopped_reason.contains("unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/t1 is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/app/key because no identity-based policy allows the ssm:GetParameters action"), "{}", p[1].stopped_reason);

    // Grant them: then only a missing secret/parameter is reported.
    let grant = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "ssm:GetParameters"], "Resource": "*"}]});
    ok(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "ecsTaskExecutionRole", "PolicyName": "secrets", "PolicyDocument": grant.to_string()})));
    assert!(state.execution_role_problems(Some("ecsTaskExecutionRole"), &secrets).is_empty());
    let missing = ExecutionNeeds {
        secrets: vec![format!("arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:gone-AbCdEf"), "/app/none".into()],
        ..ExecutionNeeds::default()
    };
    let p = state.execution_role_problems(Some("ecsTaskExecutionRole"), &missing);
    assert_eq!(p.len(), 2);
    assert!(p[0].stopped_reason.contains("ResourceNotFoundException: Secrets Manager can't find the specified secret."));
    assert!(p[1].stopped_reason.ends_with("invalid parameters: /app/none"));

    // An explicit deny is worded as such.
    let deny = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ssm:*", "Resource": "*"}]});
    ok(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "ecsTaskExecutionRole", "PolicyName": "deny", "PolicyDocument": deny.to_string()})));
    let p = state.execution_role_problems(Some("ecsTaskExecutionRole"), &secrets);
    assert_eq!(p.len(), 1);
    assert!(p[0].stopped_reason.contains("ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/app/key with an explicit deny in an identity-based policy"));

    // Queries do not change state.
    let before = state.clone();
    let _ = state.execution_role_problems(Some("bare"), &all);
    assert_eq!(before, state);
}

#[test]
fn never_panics_on_odd_input() {
    let mut state = IamState::with_default_roles(ACCOUNT);
    let odd = [json!({}), json!({"RoleName": 5}), json!({"RoleName": ""}), json!({"RoleName": null}), json!({"Names": "x"}), json!({"PolicyArn": "arn:"})];
    for name in crate::api::calls::calls_of(crate::api::calls::Handler::Iam) {
        for input in &odd {
            let _ = state.handle(name, input, NOW);
        }
    }
    for text in ["", "null", "1", "\"x\"", "{\"Statement\":{}}", "{\"Statement\":[1]}", "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"a:b\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"k\":[{}]}}}}"] {
        let _ = policy::parse_policy(text, PolicyKind::Identity);
        let _ = policy::parse_policy(text, PolicyKind::Trust);
    }
    let _ = state.role_allows("", "", "");
    let _ = state.can_assume("arn:aws:iam::", "");
    let _ = state.secret_exists("arn:");
    let _ = exec::parse_private_ecr_image("123456789012.dkr.ecr.x.amazonaws.com/:");
}

/// A policy of `n_chars` characters (whitespace not counted), one Resource padded to fit.
fn policy_of_chars(n_chars: usize) -> String {
    let base = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/"}]}).to_string();
    let pad = "x".repeat(n_chars - base.len());
    base.replace("arn:aws:s3:::b/", &format!("arn:aws:s3:::b/{pad}"))
}

#[test]
fn policy_documents_past_iams_size_quotas_are_refused_with_iams_texts() {
    let mut state = IamState::new("123456789012");
    // A managed policy: 6,144 characters fit, one more does not; whitespace is not counted.
    ok(call(&mut state, "iam:CreatePolicy", json!({"PolicyName": "fits", "PolicyDocument": policy_of_chars(6_144)})));
    let spaced = policy_of_chars(6_144).replace(",", ",    ");
    ok(call(&mut state, "iam:CreatePolicy", json!({"PolicyName": "spaced", "PolicyDocument": spaced})));
    let (code, msg) = err(call(&mut state, "iam:CreatePolicy", json!({"PolicyName": "big", "PolicyDocument": policy_of_chars(6_145)})));
    assert_eq!((code.as_str(), msg.as_str()), ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144"));
    // A megabyte is the size quota too, not a syntax error.
    let (code, msg) = err(call(&mut state, "iam:CreatePolicy", json!({"PolicyName": "huge", "PolicyDocument": policy_of_chars(1_000_000)})));
    assert_eq!((code.as_str(), msg.as_str()), ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144"));

    // A trust policy: 2,048 characters.
    let trust_of = |n: usize| {
        let base = trust("ecs-tasks.amazonaws.com");
        base.replace("ecs-tasks.amazonaws.com", &format!("{}ecs-tasks.amazonaws.com", "x".repeat(n - base.len())))
    };
    ok(call(&mut state, "iam:CreateRole", json!({"RoleName": "fits", "AssumeRolePolicyDocument": trust_of(2_048)})));
    let (code, msg) = err(call(&mut state, "iam:CreateRole", json!({"RoleName": "big", "AssumeRolePolicyDocument": trust_of(2_049)})));
    assert_eq!((code.as_str(), msg.as_str()), ("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048"));
    assert!(err(call(&mut state, "iam:GetRole", json!({"RoleName": "big"}))).0 == "NoSuchEntity", "the refused role was not made");

    // A role's inline policies together: 10,240 characters; a policy replaced by its name counts once.
    ok(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "fits", "PolicyName": "a", "PolicyDocument": policy_of_chars(6_000)})));
    ok(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "fits", "PolicyName": "a", "PolicyDocument": policy_of_chars(6_000)})));
    ok(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "fits", "PolicyName": "b", "PolicyDocument": policy_of_chars(4_240)})));
    let (code, msg) = err(call(&mut state, "iam:PutRolePolicy", json!({"RoleName": "fits", "PolicyName": "c", "PolicyDocument": policy_of_chars(200)})));
    assert_eq!((code.as_str(), msg.as_str()), ("LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role fits"));
    let listed = ok(call(&mut state, "iam:ListRolePolicies", json!({"RoleName": "fits"})));
    assert_eq!(listed["PolicyNames"], json!(["a", "b"]), "the refused policy was not put");
}
