//! The `ecs-sim` command line, run as a process: `validate`, `run`, `--describe`, `--seed`, `--explain`, `calls`,
//! `answers`, usage errors and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use ecs_sim_tests::*;
use serde_json::Value;

/// The `ecs-sim` binary next to this test binary (target/<profile>/deps/it-… → target/<profile>/ecs-sim),
/// built with `cargo build` of the same profile (`CARGO_BIN_EXE_*` is only set within the package). Under
/// `cargo test` (CARGO set) the build always runs, a no-op when fresh, so a stale binary is never tested.
fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let exe = std::env::current_exe().expect("current_exe");
        let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>").to_path_buf();
        let binary = profile_dir.join(format!("ecs-sim{}", std::env::consts::EXE_SUFFIX));
        if !binary.exists() || std::env::var_os("CARGO").is_some() {
            let profile = profile_dir.file_name().and_then(|n| n.to_str()).unwrap_or("debug").to_string();
            let target_dir = profile_dir.parent().expect("target dir").to_path_buf();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut command = Command::new(cargo);
            command.args(["build", "-p", "ecs-sim", "--bin", "ecs-sim"]).env("CARGO_TARGET_DIR", &target_dir);
            match profile.as_str() {
                "debug" => {}
                "release" => {
                    command.arg("--release");
                }
                other => {
                    command.args(["--profile", other]);
                }
            }
            let status = command.status().expect("run cargo build");
            assert!(status.success(), "cargo build of ecs-sim failed");
        }
        assert!(binary.exists(), "no ecs-sim binary at {}", binary.display());
        binary
    })
}

pub(crate) fn ecs_sim(args: &[&str]) -> Output {
    Command::new(binary()).args(args).output().expect("run ecs-sim")
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(crate) fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn data(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(path).to_string_lossy().into_owned()
}

/// A temporary file with `text`, unique per test name.
pub(crate) fn temp_file(name: &str, text: &str) -> String {
    temp_file_bytes(name, text.as_bytes())
}

/// A temporary file with `bytes`, unique per test name.
pub(crate) fn temp_file_bytes(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("ecs-sim-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn trace_hash_line(text: &str) -> String {
    text.lines().find_map(|l| l.strip_prefix("traceHash: ")).unwrap_or_else(|| panic!("no traceHash in {text}")).to_string()
}

#[test]
fn validate_reports_ok_and_errors_with_exit_codes() {
    let valid = data("taskdefs/valid/agent-pidmode-host.json");
    let out = ecs_sim(&["validate", &valid]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(stdout(&out).trim(), format!("ok: {valid}"));

    let invalid = data("taskdefs/invalid/missing-image.json");
    let out = ecs_sim(&["validate", &valid, &invalid]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.contains(&format!("ok: {valid}")));
    assert!(text.contains(&format!("error: {invalid}: containerDefinitions[0].image: Container.image should not be null or empty.")), "{text}");

    // A missing file is unreadable input: 2, even next to an invalid one.
    let out = ecs_sim(&["validate", &invalid, "/nonexistent/file.json"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("error: /nonexistent/file.json: cannot read"), "{}", stderr(&out));

    // Text that is not JSON is unreadable input: 2.
    let malformed = temp_file("malformed.json", "{ \"family\": ");
    let out = ecs_sim(&["validate", &malformed]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).starts_with(&format!("error: {malformed}: $: ")), "{}", stdout(&out));

    // A scenario file is recognised (formatVersion) and validated as a scenario.
    let scenario_ok = temp_file("scenario-ok.json", ecs_sim::scenario::BUILTIN_SCENARIOS[0].1);
    let out = ecs_sim(&["validate", &scenario_ok]);
    assert_eq!((code(&out), stdout(&out).trim().to_string()), (0, format!("ok: {scenario_ok}")));
    let scenario_bad = temp_file("scenario-bad.json", r#"{ "formatVersion": 1, "steps": [ { "at": "soon", "call": "ecs:CreateCluster" } ] }"#);
    let out = ecs_sim(&["validate", &scenario_bad]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).starts_with(&format!("error: {scenario_bad}: steps[0].at: ")), "{}", stdout(&out));

    let out = ecs_sim(&["validate"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("usage:"));
}

#[test]
fn run_describe_prints_the_aws_shaped_state() {
    let out = ecs_sim(&["run", "binpack-vs-spread", "--describe"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let d: Value = serde_json::from_str(&stdout(&out)).expect("--describe prints JSON");
    for key in ["tasks", "services", "containerInstances", "events"] {
        assert!(d[key].is_array(), "no {key}");
    }
    assert!(d["traceHash"].as_str().is_some_and(|h| h.len() == 16));
    let tasks = items(&d, "tasks");
    assert_eq!(tasks.len(), 12);
    for task in tasks {
        for field in ["lastStatus", "desiredStatus", "containerInstanceArn", "availabilityZone", "launchType", "group", "taskDefinitionArn"] {
            assert!(task[field].is_string(), "task field {field} missing: {task}");
        }
        assert_eq!(task["launchType"], "EC2");
    }
    assert_eq!(items(&d, "services").len(), 2);
    assert_eq!(items(&d, "containerInstances").len(), 6);
    // stoppedReason and stopCode appear on stopped tasks.
    let out = ecs_sim(&["run", "instance-terminated", "--describe"]);
    let d: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let stopped: Vec<_> = items(&d, "tasks").iter().filter(|t| t["lastStatus"] == "STOPPED").collect();
    assert!(!stopped.is_empty());
    assert!(stopped.iter().all(|t| s(t, "stoppedReason").starts_with("Host EC2 (instance i-")));
    let out = ecs_sim(&["run", "circuit-breaker-rollback", "--describe"]);
    let d: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(items(&d, "tasks").iter().any(|t| t["stopCode"] == "TaskFailedToStart" && t["stoppedReason"].is_string()));
}

#[test]
fn run_prints_the_library_trace_hash_and_seed_changes_it() {
    let out = ecs_sim(&["run", "rolling-deployment", "--until", "10m"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.contains("seed: 5\n") && text.contains("time: 10m"), "{text}");
    let hash = trace_hash_line(&text);
    assert_eq!(hash, run_scenario("rolling-deployment", None, "10m").trace_hash());
    // The scenario's own seed given explicitly: the same run.
    assert_eq!(trace_hash_line(&stdout(&ecs_sim(&["run", "rolling-deployment", "--until", "10m", "--seed", "5"]))), hash);
    let other = trace_hash_line(&stdout(&ecs_sim(&["run", "rolling-deployment", "--until", "10m", "--seed", "6"])));
    assert_ne!(other, hash);
    assert_eq!(other, run_scenario("rolling-deployment", Some(6), "10m").trace_hash());
    // The default length is ten minutes after the last step (4m + 10m).
    assert_eq!(trace_hash_line(&stdout(&ecs_sim(&["run", "rolling-deployment"]))), run_scenario("rolling-deployment", None, "14m").trace_hash());
    // A scenario file gives the same run as the built-in id.
    let file = temp_file("rolling.json", ecs_sim::scenario::BUILTIN_SCENARIOS.iter().find(|(id, _)| *id == "rolling-deployment").unwrap().1);
    assert_eq!(trace_hash_line(&stdout(&ecs_sim(&["run", &file, "--until", "10m"]))), hash);
}

#[test]
fn bad_usage_exits_2_with_the_usage_text() {
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["run"],
        vec!["run", "rolling-deployment", "--seed"],
        vec!["run", "rolling-deployment", "--seed", "minus-one"],
        vec!["run", "rolling-deployment", "--until", "soon"],
        vec!["run", "rolling-deployment", "--bogus"],
        vec!["run", "rolling-deployment", "extra"],
    ] {
        let out = ecs_sim(&args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stderr(&out).contains("usage:") && stderr(&out).contains("ecs-sim run SCENARIO"), "{args:?}: {}", stderr(&out));
    }
    let out = ecs_sim(&["run", "no-such-scenario"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not a built-in scenario"));
    let out = ecs_sim(&["scenarios"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out).lines().count(), ecs_sim::scenario::BUILTIN_SCENARIOS.len());
}

#[test]
fn a_corrupt_or_future_scenario_file_is_refused_clearly() {
    let corrupt = temp_file("corrupt.json", r#"{ "formatVersion": 1, "steps": [ { "at": "1m", "call": "ecs:CreateCluster", "input": [] } ] }"#);
    let out = ecs_sim(&["run", &corrupt]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains(&format!("error: {corrupt}: steps[0].input: ")), "{}", stderr(&out));
    let not_json = temp_file("not-json.json", "formatVersion: 1");
    let out = ecs_sim(&["run", &not_json]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains(&format!("error: {not_json}: $: The scenario is not valid JSON")), "{}", stderr(&out));
    let future = temp_file("future.json", r#"{ "formatVersion": 2, "steps": [] }"#);
    let out = ecs_sim(&["run", &future]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("formatVersion: This scenario uses formatVersion 2, which is newer than this playground reads (1). Update the playground to open it."),
        "{}",
        stderr(&out)
    );
}

#[test]
fn explain_prints_where_a_binpack_task_was_placed() {
    let sim = run_scenario("binpack-vs-spread", None, "11m");
    let view = sim.view();
    for task in view.tasks.iter().filter(|t| t.group == "service:packed").take(2).chain(view.tasks.iter().filter(|t| t.group == "service:spread").take(1)) {
        let out = ecs_sim(&["run", "binpack-vs-spread", "--until", "11m", "--explain", &task.id]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let explanation: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
        let instance = task.ec2_instance_id.clone().unwrap();
        assert_eq!(explanation["outcome"]["placedOn"], instance.as_str());
        let instances = explanation["instances"].as_array().unwrap();
        assert_eq!(instances.len(), 6);
        let chosen: Vec<_> = instances.iter().filter(|n| n["chosen"] == true).collect();
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0]["ec2InstanceId"], instance.as_str());
    }
    let out = ecs_sim(&["run", "fargate-web-service", "--explain", "0123"]);
    assert_eq!(code(&out), 1);
}

/// The JSON lines of a command's standard output.
fn json_lines(out: &Output) -> Vec<Value> {
    stdout(out).lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))).collect()
}

#[test]
fn calls_prints_every_row_of_the_call_table_with_its_botocore_model() {
    use ecs_sim::api::calls::{Access, CALLS};
    let out = ecs_sim(&["calls"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = json_lines(&out);
    assert_eq!(rows.len(), CALLS.len());
    for (row, call) in rows.iter().zip(CALLS) {
        assert_eq!(row["call"], call.name);
        assert_eq!(row["operation"], call.operation());
        assert_eq!(row["model"], serde_json::json!(call.service.botocore_model()), "{}", call.name);
        assert_eq!(row["access"], if call.access == Access::Read { "read" } else { "write" });
        assert_eq!(row["handler"], format!("{:?}", call.handler));
    }
    let health = rows.iter().find(|r| r["call"] == "elasticloadbalancing:DescribeInstanceHealth").expect("a Classic Load Balancer call");
    assert_eq!((health["model"].as_str(), health["operation"].as_str()), (Some("elb"), Some("DescribeInstanceHealth")));
    assert!(rows.iter().filter(|r| r["call"].as_str().is_some_and(|c| c.starts_with("sim:"))).all(|r| r["model"].is_null()));
}

#[test]
fn answers_prints_each_step_as_sent_and_as_answered_in_the_same_run() {
    let out = ecs_sim(&["answers", "alb-path-routing"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let answers = json_lines(&out);
    let scenario = scenario("alb-path-routing");
    assert_eq!(answers.len(), scenario.steps.len());
    for (idx, (answer, step)) in answers.iter().zip(&scenario.steps).enumerate() {
        assert_eq!((answer["step"].as_u64(), answer["call"].as_str()), (Some(idx as u64), Some(step.call.as_str())));
        assert!(answer["output"].is_object() && answer.get("error").is_none(), "{answer}");
    }
    // The inputs are as sent, `${...}` substituted from earlier answers: the listener names the load balancer
    // the CreateLoadBalancer answer gave.
    assert!(!stdout(&out).contains("${"));
    let answer_of = |call: &str| answers.iter().find(|a| a["call"] == call).unwrap_or_else(|| panic!("no {call}"));
    let arn = &answer_of("elasticloadbalancing:CreateLoadBalancer")["output"]["LoadBalancers"][0]["LoadBalancerArn"];
    assert!(arn.as_str().is_some_and(|a| a.starts_with("arn:aws:elasticloadbalancing:us-east-1:")), "{arn}");
    assert_eq!(&answer_of("elasticloadbalancing:CreateListener")["input"]["LoadBalancerArn"], arn);
    // The same run as the library's (its generated ids are in the inputs): every call's input as the log has it.
    let last_ms = scenario.steps.iter().map(|s| s.at_ms).max().unwrap_or(0);
    let sim = run_scenario("alb-path-routing", None, &format!("{}s", last_ms / 1000 + 1));
    let logged: Vec<&Value> = sim.log().iter().filter(|e| e.kind == ecs_sim::sim::LogKind::Call).filter_map(|e| e.input.as_ref()).collect();
    assert_eq!(answers.iter().map(|a| &a["input"]).collect::<Vec<_>>(), logged);
}

#[test]
fn answers_prints_refusals_and_inputs_that_could_not_be_built() {
    let file = temp_file(
        "answers.json",
        r#"{ "formatVersion": 1, "name": "Answers", "seed": 1, "steps": [
            { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo" }, "as": "created" },
            { "at": "1s", "call": "ecs:DeleteService", "input": { "cluster": "nowhere", "service": "web" } },
            { "at": "0s", "call": "ecs:ListClusters", "input": {} },
            { "at": "2s", "call": "ecs:DescribeClusters", "input": { "clusters": ["${created.cluster.nothing}"] } } ] }"#,
    );
    let out = ecs_sim(&["answers", &file]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let answers = json_lines(&out);
    // Time order, steps at the same time in file order.
    let calls: Vec<&str> = answers.iter().map(|a| a["call"].as_str().unwrap_or("")).collect();
    assert_eq!(calls, ["ecs:CreateCluster", "ecs:ListClusters", "ecs:DeleteService", "ecs:DescribeClusters"]);
    assert_eq!(answers[0]["output"]["cluster"]["clusterName"], "demo");
    assert_eq!(answers[1]["output"]["clusterArns"][0], "arn:aws:ecs:us-east-1:123456789012:cluster/demo");
    assert_eq!(answers[2]["at"], "1s");
    assert_eq!(answers[2]["error"], serde_json::json!({ "code": "ClusterNotFoundException", "message": "Cluster not found." }));
    assert!(answers[2].get("output").is_none());
    assert!(answers[3]["substitutionError"].as_str().is_some_and(|m| m.contains("${created.cluster.nothing}")), "{}", answers[3]);
    for args in [vec!["answers"], vec!["answers", "alb-path-routing", "--seed"], vec!["answers", "alb-path-routing", "extra"]] {
        let out = ecs_sim(&args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stderr(&out).contains("ecs-sim answers SCENARIO"), "{args:?}");
    }
}
