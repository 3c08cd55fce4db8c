//! Failure modes of tasks and their troubleshooting: a container health check that never passes (its timing,
//! healthStatus, AWS's stop reason and service events, and the troubleshooter's fix making the service
//! steady).

use ecs_sim::scenario::builtin_scenario;
use ecs_sim::sim::troubleshoot::Verdict;
use ecs_sim::sim::Sim;
use ecs_sim::view::TaskStatus;
use ecs_sim_tests::*;
use serde_json::{json, Value};

fn running(sim: &Sim) -> usize {
    sim.view().tasks.iter().filter(|t| t.last_status == TaskStatus::Running).count()
}

fn describe_task(sim: &mut Sim, cluster: &str, id: &str) -> Value {
    let out = sim.call("ecs:DescribeTasks", json!({ "cluster": cluster, "tasks": [id] })).expect("described");
    out["tasks"][0].clone()
}

fn steady(sim: &Sim, service: &str) -> bool {
    sim.log().iter().any(|e| e.message == format!("(service {service}) has reached a steady state."))
}

/// Applies the troubleshooter's fix of the newest failed task, and returns the call it made.
fn apply_first_fix(sim: &mut Sim) -> String {
    let report = sim.view().network.troubleshooting.first().expect("a report").clone();
    let fix = report.fix.clone().unwrap_or_else(|| panic!("a fix in {report:?}"));
    sim.call(&fix.call, fix.input.clone()).unwrap_or_else(|e| panic!("{} is a valid call: {e:?}", fix.call));
    fix.call
}

#[test]
fn a_failing_container_health_check_makes_the_task_unhealthy_after_its_retries_and_the_service_replaces_it() {
    let mut sim = Sim::new(&builtin_scenario("container-health-check-failing").expect("built-in"), None);
    assert!(drive_until(&mut sim, |s| running(s) > 0, t("2m")), "a task runs");
    let view = sim.view();
    let first = view.tasks.iter().find(|t| t.last_status == TaskStatus::Running).expect("a running task");
    let (first, started) = (first.id.clone(), first.since);
    // Checks every 10 s; the one at 10 s is inside the 15 s startPeriod; 20, 30 and 40 s are the 3 retries.
    assert_eq!(describe_task(&mut sim, "demo", &first)["healthStatus"], "UNKNOWN", "the task starts UNKNOWN");
    advance(&mut sim, started.plus_ms(39_000));
    assert_eq!(describe_task(&mut sim, "demo", &first)["healthStatus"], "UNKNOWN", "39 s after the start: not yet");
    advance(&mut sim, started.plus_ms(40_000));
    let task = describe_task(&mut sim, "demo", &first);
    assert_eq!(task["healthStatus"], "UNHEALTHY", "40 s after the start: the third counted failure");
    assert_eq!(task["containers"][0]["healthStatus"], "UNHEALTHY");
    assert_eq!(task["stopCode"], "ServiceSchedulerInitiated");
    assert_eq!(task["stoppedReason"], "Task failed container health checks");
    assert_eq!(task["desiredStatus"], "STOPPED");
    // §4.3 #12: the real service event.
    assert!(sim.log().iter().any(|e| e.message == format!("(service api) (task {first}) failed container health checks.")), "the service event");
    advance(&mut sim, t("5m"));
    assert!(!steady(&sim, "api"), "the service never reaches a steady state");
    let stopped = sim.view().tasks.iter().filter(|t| t.last_status == TaskStatus::Stopped).count();
    assert!(stopped >= 4, "the service keeps replacing its tasks: {stopped} stopped");
}

#[test]
fn the_troubleshooter_finds_the_wrong_health_check_path_and_its_fixes_make_the_service_steady() {
    let mut sim = Sim::new(&builtin_scenario("container-health-check-failing").expect("built-in"), None);
    advance(&mut sim, t("3m"));
    let report = sim.view().network.troubleshooting.first().expect("a report on the stopped task").clone();
    assert_eq!(report.stop_code, "ServiceSchedulerInitiated");
    assert_eq!(report.stopped_reason, "Task failed container health checks");
    let check = report.checks.iter().find(|c| c.name == "Container health checks").expect("the health check check");
    assert_eq!(check.verdict, Verdict::Fail);
    assert!(check.evidence.iter().any(|e| e.contains("/healthz") && e.contains("retries 3") && e.contains("startPeriod 15 s") && e.contains("UNHEALTHY 40 s")), "{:?}", check.evidence);
    assert!(check.evidence.iter().any(|e| e.contains("answers its health check at /health.")), "{:?}", check.evidence);
    assert!(report.root_cause.contains("it answers at /health"), "{}", report.root_cause);
    let fix = report.fix.clone().expect("a fix");
    assert_eq!(fix.call, "ecs:RegisterTaskDefinition");
    assert_eq!(fix.input["containerDefinitions"][0]["healthCheck"]["command"], json!(["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]));
    assert_eq!(fix.input["containerDefinitions"][0]["healthCheck"]["retries"], 3, "the rest of the check is kept");
    assert_eq!(apply_first_fix(&mut sim), "ecs:RegisterTaskDefinition");
    // The next fix deploys the new revision.
    let report = sim.view().network.troubleshooting.first().expect("a report").clone();
    let fix = report.fix.clone().expect("the second fix");
    assert_eq!(fix.call, "ecs:UpdateService");
    assert_eq!(fix.input, json!({ "cluster": "demo", "service": "api", "taskDefinition": "api:2" }));
    apply_first_fix(&mut sim);
    assert!(drive_until(&mut sim, |s| steady(s, "api"), t("15m")), "the service reaches a steady state");
    let healthy: Vec<String> = sim.view().tasks.iter().filter(|t| t.last_status == TaskStatus::Running).map(|t| t.id.clone()).collect();
    assert_eq!(healthy.len(), 2);
    for id in healthy {
        assert_eq!(describe_task(&mut sim, "demo", &id)["healthStatus"], "HEALTHY");
    }
    let report = sim.view().network.troubleshooting.first().expect("the old report").clone();
    assert!(report.fix.is_none(), "nothing left to fix: {}", report.root_cause);
}

#[test]
fn a_full_subnet_stops_the_extra_tasks_in_provisioning_with_aws_text() {
    let mut sim = Sim::new(&builtin_scenario("subnet-out-of-addresses").expect("built-in"), None);
    advance(&mut sim, t("2m"));
    assert_eq!(running(&sim), 11, "a /28 holds 16 - 5 = 11 ENIs");
    let view = sim.view();
    let failed: Vec<String> = view.tasks.iter().filter(|t| t.last_status == TaskStatus::Stopped).map(|t| t.id.clone()).collect();
    assert!(failed.len() >= 3, "the three extra tasks stopped: {}", failed.len());
    let task = describe_task(&mut sim, "jobs", &failed[0]);
    assert_eq!(task["stopCode"], "TaskFailedToStart");
    assert_eq!(task["stoppedReason"], "Unexpected EC2 error while attempting to Create Network Interface in subnet 'subnet-small': InsufficientFreeAddressesInSubnet");
    assert!(task.get("pullStartedAt").is_none(), "it never left PROVISIONING");
    assert!(task["containers"][0].get("exitCode").is_none());
    // It stopped after Fargate's provisioning time, not at once.
    assert_eq!(task["createdAt"], "2026-01-05T09:00:05.000Z");
    assert_eq!(task["stoppingAt"], "2026-01-05T09:00:25.000Z", "20 s in PROVISIONING (the Fargate provisioning time)");
}

#[test]
fn the_troubleshooter_counts_the_subnet_addresses_and_its_fix_makes_the_service_steady() {
    let mut sim = Sim::new(&builtin_scenario("subnet-out-of-addresses").expect("built-in"), None);
    advance(&mut sim, t("2m"));
    let report = sim.view().network.troubleshooting.first().expect("a report").clone();
    let check = report.checks.iter().find(|c| c.name == "Free IP addresses in the task's subnet").expect("the address check");
    assert_eq!(check.verdict, Verdict::Fail);
    assert!(check.evidence[0].contains("11 usable addresses (16 less the 5 AWS reserves); in use: 11 by task ENIs") && check.evidence[0].ends_with("0 free."), "{:?}", check.evidence);
    assert!(report.root_cause.contains("subnet-small has no free IPv4 address"), "{}", report.root_cause);
    let fix = report.fix.clone().expect("a fix");
    assert_eq!(fix.call, "ecs:UpdateService");
    assert_eq!(fix.input["networkConfiguration"]["awsvpcConfiguration"]["subnets"], json!(["subnet-small", "subnet-b"]));
    apply_first_fix(&mut sim);
    assert!(drive_until(&mut sim, |s| steady(s, "worker"), t("40m")), "the service reaches a steady state");
    assert_eq!(running(&sim), 14);
}

#[test]
fn update_service_refuses_an_unknown_subnet_and_changes_nothing() {
    let mut sim = run_scenario("subnet-out-of-addresses", None, "1m");
    let err = sim
        .call("ecs:UpdateService", json!({ "cluster": "jobs", "service": "worker", "desiredCount": 2, "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-nope"] } } }))
        .expect_err("refused");
    assert!(err.message.contains("The subnet ID 'subnet-nope' does not exist"), "{}", err.message);
    let service = &sim.call("ecs:DescribeServices", json!({ "cluster": "jobs", "services": ["worker"] })).expect("described")["services"][0];
    assert_eq!(service["desiredCount"], 14, "nothing changed");
    assert_eq!(service["networkConfiguration"]["awsvpcConfiguration"]["subnets"], json!(["subnet-small"]));
}

/// A Fargate service of one container whose image behaves as `behavior` (a `sim:SetImageBehavior` input
/// without its image), with `container` merged into its container definition.
fn one_container_scenario(behavior: Value, container: Value, desired: u32) -> String {
    let mut image_behavior = behavior;
    image_behavior["image"] = json!("example/app:1");
    let mut definition = json!({ "name": "app", "image": "example/app:1", "essential": true });
    for (k, v) in container.as_object().expect("an object") {
        definition[k] = v.clone();
    }
    json!({
        "formatVersion": 1, "name": "failure", "description": "A failure mode.", "seed": 1, "region": "us-east-1",
        "startTime": "2026-01-05T09:00:00Z",
        "network": { "vpcId": "vpc-main", "subnets": [ { "subnetId": "subnet-a", "availabilityZone": "us-east-1a", "cidrBlock": "10.0.1.0/24" } ] },
        "steps": [
            { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo" } },
            { "at": "0s", "call": "sim:SetImageBehavior", "input": image_behavior },
            { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": {
                "family": "app", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                "containerDefinitions": [definition] } },
            { "at": "5s", "call": "ecs:CreateService", "input": { "cluster": "demo", "serviceName": "app", "taskDefinition": "app", "desiredCount": desired,
                "launchType": "FARGATE", "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"] } } } }
        ]
    })
    .to_string()
}

/// StopTask on a running task; returns how long the stop took (stoppingAt to the containers' exit) and the exit code.
fn stop_and_measure(behavior: Value, container: Value) -> (u64, i64, Value) {
    let mut sim = run_scenario(&one_container_scenario(behavior, container, 1), None, "2m");
    let id = sim.view().tasks.iter().find(|t| t.last_status == TaskStatus::Running).expect("running").id.clone();
    sim.call("ecs:StopTask", json!({ "cluster": "demo", "task": id })).expect("stopped");
    let asked = sim.now();
    assert!(drive_until(&mut sim, |s| describe_task_ro(s, &id)["containers"][0]["lastStatus"] == "STOPPED", t("10m")), "the container stops");
    let task = describe_task(&mut sim, "demo", &id);
    (sim.now().0 - asked.0, task["containers"][0]["exitCode"].as_i64().expect("an exit code"), task)
}

fn describe_task_ro(sim: &Sim, id: &str) -> Value {
    let mut copy = sim.clone();
    describe_task(&mut copy, "demo", id)
}

/// §4.2 and §4.5: SIGTERM, then SIGKILL after stopTimeout (default 30 s, Fargate at most 120 s).
#[test]
fn stop_task_sends_sigterm_then_sigkill_after_stop_timeout() {
    let cases: &[(Value, Value, u64, i64)] = &[
        // (image behaviour, container definition members, stop duration ms, exit code)
        (json!({ "behavior": "serve" }), json!({}), 2_000, 0),                                           // handles SIGTERM, exits 0
        (json!({ "behavior": "serve", "onStop": "sigterm" }), json!({}), 2_000, 143),                    // default handler: 128+15
        (json!({ "behavior": "serve", "onStop": "ignore" }), json!({}), 30_000, 137),                    // SIGKILL after the default 30 s
        (json!({ "behavior": "serve", "onStop": "ignore" }), json!({ "stopTimeout": 120 }), 120_000, 137), // Fargate's largest stopTimeout
        (json!({ "behavior": "serve", "onStop": "ignore" }), json!({ "stopTimeout": 5 }), 5_000, 137),
    ];
    for (behavior, container, want_ms, want_code) in cases {
        let (ms, code, task) = stop_and_measure(behavior.clone(), container.clone());
        assert_eq!((ms, code), (*want_ms, *want_code), "{behavior} {container}");
        assert_eq!(task["stopCode"], "UserInitiated");
        assert_eq!(task["stoppedReason"], "Task stopped by user");
    }
}

#[test]
fn a_scale_in_waits_for_sigkill_when_the_process_ignores_sigterm() {
    let mut sim = run_scenario(&one_container_scenario(json!({ "behavior": "serve", "onStop": "ignore" }), json!({ "stopTimeout": 60 }), 2), None, "2m");
    assert_eq!(running(&sim), 2);
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "app", "desiredCount": 1 })).expect("scaled in");
    let asked = sim.now();
    advance(&mut sim, asked.plus_ms(59_000));
    let stopping: Vec<String> = sim.view().tasks.iter().filter(|t| t.last_status == TaskStatus::Stopping).map(|t| t.id.clone()).collect();
    assert_eq!(stopping.len(), 1, "still STOPPING 59 s later: the process ignores SIGTERM");
    advance(&mut sim, asked.plus_ms(61_000));
    let task = describe_task(&mut sim, "demo", &stopping[0]);
    assert_eq!(task["containers"][0]["exitCode"], 137, "SIGKILL after the 60 s stopTimeout");
    assert_eq!(task["stopCode"], "ServiceSchedulerInitiated");
}

/// §4.3 #2: past the hard limit the container is killed with OutOfMemoryError and exit 137; past
/// memoryReservation (a soft limit) nothing happens.
#[test]
fn memory_past_the_hard_limit_is_an_oom_kill_and_past_the_soft_limit_is_not() {
    let grow = json!({ "behavior": "memoryGrowth", "memoryMiB": 600, "runFor": "40s" });
    let mut sim = run_scenario(&one_container_scenario(grow.clone(), json!({}), 1), None, "3m");
    let view = sim.view();
    let killed = view.tasks.iter().find(|t| t.last_status == TaskStatus::Stopped).expect("the task was killed").id.clone();
    let task = describe_task(&mut sim, "demo", &killed);
    assert_eq!(task["containers"][0]["exitCode"], 137);
    assert_eq!(task["containers"][0]["reason"], "OutOfMemoryError: Container killed due to memory usage");
    assert_eq!(task["stopCode"], "EssentialContainerExited");
    assert_eq!(task["stoppedReason"], "Essential container in task exited");
    let report = sim.view().network.troubleshooting.iter().find(|r| r.task_id == killed).expect("a report").clone();
    assert!(report.checks[0].evidence.iter().any(|e| e.contains("exited with 137") && e.contains("OutOfMemoryError")), "{:?}", report.checks[0].evidence);
    // A container hard limit above the growth and a reservation below it: the container runs on.
    let sim = run_scenario(&one_container_scenario(grow, json!({ "memory": 512, "memoryReservation": 256 }), 1), None, "3m");
    let stopped = sim.view().tasks.iter().filter(|t| t.last_status == TaskStatus::Stopped).count();
    assert!(stopped >= 1, "memory 512 is the container's hard limit: 600 MiB passes it");
    let sim2 = run_scenario(&one_container_scenario(json!({ "behavior": "memoryGrowth", "memoryMiB": 400, "runFor": "40s" }), json!({ "memory": 512, "memoryReservation": 256 }), 1), None, "3m");
    assert_eq!(running(&sim2), 1, "400 MiB passes only memoryReservation (256): a soft limit does not kill");
    assert!(sim2.log().iter().any(|e| e.message.contains("above its memoryReservation of 256 MiB: a soft limit only reserves memory")), "the log says so");
}

#[test]
fn image_behavior_refuses_bad_members_and_changes_nothing() {
    let mut sim = run_scenario("container-health-check-failing", None, "1s");
    for (input, text) in [
        (json!({ "image": "x", "behavior": "serve", "onStop": "later" }), "onStop 'later' is not one of graceful, sigterm, ignore."),
        (json!({ "image": "x", "behavior": "memoryGrowth" }), "memoryMiB is required with memoryGrowth"),
        (json!({ "image": "x", "behavior": "serve", "healthEndpoint": "health" }), "healthEndpoint 'health' must be a path starting with /"),
    ] {
        let err = sim.call("sim:SetImageBehavior", input.clone()).expect_err("refused");
        assert!(err.message.starts_with(text), "{input}: {}", err.message);
    }
}

/// The meaning of each exit code the troubleshooter explains (§4.5).
#[test]
fn exit_code_meanings_table() {
    use ecs_sim::sim::troubleshoot::exit_code_meaning;
    for (code, words) in [(0, "exited normally"), (1, "application error"), (137, "SIGKILL (128+9)"), (139, "SIGSEGV (128+11)"), (143, "SIGTERM (128+15)"), (2, "the application chose")] {
        assert!(exit_code_meaning(code).contains(words), "{code}: {}", exit_code_meaning(code));
    }
}

#[test]
fn the_troubleshooter_finds_the_missing_log_group_and_creating_it_makes_the_service_steady() {
    let mut sim = Sim::new(&builtin_scenario("missing-log-group").expect("built-in"), None);
    advance(&mut sim, t("1m"));
    let report = sim.view().network.troubleshooting.first().expect("a report").clone();
    let logging = report.checks.iter().find(|c| c.name == "Logging configuration").expect("the logging check");
    assert_eq!(logging.verdict, Verdict::Fail);
    assert!(logging.evidence.iter().any(|e| e == "Container web: awslogs-group /ecs/web in us-east-1: does not exist, and awslogs-create-group is not set."), "{:?}", logging.evidence);
    assert!(report.root_cause.contains("The log group /ecs/web"), "{}", report.root_cause);
    let fix = report.fix.clone().expect("a fix");
    assert_eq!((fix.call.as_str(), fix.input.clone()), ("logs:CreateLogGroup", json!({ "logGroupName": "/ecs/web" })));
    apply_first_fix(&mut sim);
    assert!(drive_until(&mut sim, |s| steady(s, "web"), t("3m50s")), "steady before the scenario's own fix at 4 minutes");
}

#[test]
fn the_troubleshooter_finds_the_oom_kill_and_its_fixes_make_the_service_steady() {
    let mut sim = Sim::new(&builtin_scenario("oom-crash-loop").expect("built-in"), None);
    advance(&mut sim, t("4m"));
    let report = sim.view().network.troubleshooting.first().expect("a report").clone();
    assert_eq!(report.stop_code, "EssentialContainerExited");
    let memory = report.checks.iter().find(|c| c.name == "Memory limits").expect("the memory check");
    assert!(memory.evidence.iter().any(|e| e.contains("grows to 700 MiB") && e.contains("OutOfMemoryError: Container killed due to memory usage, exit code 137")), "{:?}", memory.evidence);
    assert!(report.root_cause.contains("past its hard limit of 512 MiB"), "{}", report.root_cause);
    let fix = report.fix.clone().expect("a fix");
    assert_eq!(fix.call, "ecs:RegisterTaskDefinition");
    assert_eq!(fix.input["memory"], "1024", "the smallest Fargate size for 256 CPU units above 700 MiB");
    assert_eq!(fix.input["containerDefinitions"][0]["image"], "example/catalog:1", "the same image");
    apply_first_fix(&mut sim);
    let report = sim.view().network.troubleshooting.first().expect("a report").clone();
    let fix = report.fix.clone().expect("the deployment");
    assert_eq!((fix.call.as_str(), fix.input.clone()), ("ecs:UpdateService", json!({ "cluster": "shop", "service": "catalog", "taskDefinition": "catalog:2" })));
    apply_first_fix(&mut sim);
    assert!(drive_until(&mut sim, |s| steady(s, "catalog"), t("7m50s")), "steady before the scenario's own fix at 8 minutes");
    let report = sim.view().network.troubleshooting.first().expect("the old report").clone();
    assert!(report.fix.is_none(), "nothing left to fix once the service runs catalog:2");
    assert!(report.root_cause.ends_with("The service now runs catalog:2, whose memory holds it."), "{}", report.root_cause);
}

/// §4.3 #3: an image or tag that does not exist stops the task with AWS's "not found" text once the pull gives
/// up (the reference gives no timing for it; the pull takes the account's image pull time, 10 s by default).
#[test]
fn an_image_that_does_not_exist_stops_the_task_and_the_troubleshooter_names_it() {
    let mut sim = run_scenario(&one_container_scenario(json!({ "behavior": "pullError" }), json!({}), 1), None, "1m");
    let failed = sim.view().tasks.iter().find(|t| t.last_status == TaskStatus::Stopped).expect("stopped").id.clone();
    let task = describe_task(&mut sim, "demo", &failed);
    let text = "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref docker.io/example/app:1: not found";
    assert_eq!(task["stopCode"], "TaskFailedToStart");
    assert_eq!(task["stoppedReason"], text);
    assert_eq!(task["containers"][0]["reason"], text);
    assert!(task["containers"][0].get("exitCode").is_none(), "the container never ran");
    assert_eq!(task["pullStartedAt"], "2026-01-05T09:00:25.000Z");
    assert_eq!(task["stoppingAt"], "2026-01-05T09:00:35.000Z", "after the pull time");
    let report = sim.view().network.troubleshooting.iter().find(|r| r.task_id == failed).expect("a report").clone();
    let images = report.checks.iter().find(|c| c.name == "The container images exist and can be pulled").expect("the image check");
    assert_eq!(images.verdict, Verdict::Fail);
    assert_eq!(images.evidence, vec![format!("example/app:1: {text}")]);
    assert!(report.root_cause.starts_with("The image example/app:1 does not exist in its registry"), "{}", report.root_cause);
    assert!(report.fix.is_none(), "no earlier revision ran another image");
    // A full Docker disk on an EC2 instance (§4.6).
    let mut sim = run_scenario(&one_container_scenario(json!({ "behavior": "pullError", "cause": "diskFull" }), json!({}), 1), None, "1m");
    let failed = sim.view().tasks.iter().find(|t| t.last_status == TaskStatus::Stopped).expect("stopped").id.clone();
    assert_eq!(describe_task(&mut sim, "demo", &failed)["stoppedReason"], "CannotPullContainerError: write /var/lib/docker/tmp/GetImageBlob111111111: no space left on device");
    let report = sim.view().network.troubleshooting.iter().find(|r| r.task_id == failed).expect("a report").clone();
    assert!(report.root_cause.starts_with("The instance's Docker disk is full"), "{}", report.root_cause);
}

#[test]
fn the_troubleshooter_offers_the_image_an_earlier_revision_ran() {
    let mut sim = run_scenario(&one_container_scenario(json!({ "behavior": "serve" }), json!({}), 1), None, "1m");
    sim.call("sim:SetImageBehavior", json!({ "image": "example/app:1-typo", "behavior": "pullError" })).expect("set");
    let input = json!({ "family": "app", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
        "containerDefinitions": [ { "name": "app", "image": "example/app:1-typo", "essential": true } ] });
    sim.call("ecs:RegisterTaskDefinition", input).expect("registered");
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "app", "taskDefinition": "app:2" })).expect("deployed");
    advance(&mut sim, t("2m"));
    let report = sim.view().network.troubleshooting.first().expect("a report").clone();
    let fix = report.fix.clone().expect("a fix");
    assert_eq!(fix.call, "ecs:RegisterTaskDefinition");
    assert_eq!(fix.input["containerDefinitions"][0]["image"], "example/app:1");
    apply_first_fix(&mut sim);
    assert_eq!(apply_first_fix(&mut sim), "ecs:UpdateService");
    assert!(drive_until(&mut sim, |s| steady(s, "app"), t("20m")), "steady on revision 3");
    assert!(sim.view().network.troubleshooting.iter().all(|r| r.fix.is_none()), "nothing left to fix once the service runs app:3");
}

fn instance_of(sim: &Sim, task_id: &str) -> String {
    sim.view().tasks.iter().find(|t| t.id == task_id).and_then(|t| t.ec2_instance_id.clone()).expect("an EC2 task")
}

fn agent_connected(sim: &mut Sim, instance_id: &str) -> bool {
    let arns = sim.call("ecs:ListContainerInstances", json!({ "cluster": "demo" })).expect("listed")["containerInstanceArns"].clone();
    let out = sim.call("ecs:DescribeContainerInstances", json!({ "cluster": "demo", "containerInstances": arns })).expect("described");
    let ci = out["containerInstances"].as_array().expect("a list").iter().find(|c| c["ec2InstanceId"] == instance_id).expect("the instance").clone();
    ci["agentConnected"].as_bool().expect("a bool")
}

/// §4.6: a disconnected agent keeps its tasks running, and no task is placed on its instance.
#[test]
fn an_instance_whose_agent_disconnects_keeps_its_tasks_and_gets_no_new_ones() {
    let mut sim = run_scenario("binpack-vs-spread", None, "3m");
    let running: Vec<String> = sim.view().tasks.iter().filter(|t| t.last_status == TaskStatus::Running).map(|t| t.id.clone()).collect();
    let instance = instance_of(&sim, &running[0]);
    let on_it: Vec<String> = running.iter().filter(|id| instance_of(&sim, id) == instance).cloned().collect();
    let out = sim.call("sim:SetInstanceFault", json!({ "instanceId": instance, "fault": "agentDisconnected" })).expect("set");
    assert_eq!(out["agentConnected"], false);
    assert!(!agent_connected(&mut sim, &instance));
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "spread", "desiredCount": 12 })).expect("scaled out");
    advance(&mut sim, t("8m"));
    for id in &on_it {
        assert_eq!(sim.view().tasks.iter().find(|t| &t.id == id).expect("kept").last_status, TaskStatus::Running, "its tasks keep running");
    }
    let placed_there = sim.view().tasks.iter().filter(|t| t.ec2_instance_id.as_deref() == Some(instance.as_str()) && !on_it.contains(&t.id)).count();
    assert_eq!(placed_there, 0, "nothing new is placed on an instance whose agent is disconnected");
    sim.call("sim:SetInstanceFault", json!({ "instanceId": instance, "fault": "none" })).expect("cleared");
    assert!(agent_connected(&mut sim, &instance));
    let err = sim.call("sim:SetInstanceFault", json!({ "instanceId": "i-nope", "fault": "agentDisconnected" })).expect_err("refused");
    assert_eq!(err.message, "Instance i-nope is not a registered container instance.");
    let err = sim.call("sim:SetInstanceFault", json!({ "instanceId": instance, "fault": "melted" })).expect_err("refused");
    assert_eq!(err.message, "fault 'melted' is not one of agentDisconnected, dockerDaemonFailed, none.");
}

/// §4.6: a task placed on an instance whose Docker daemon fails stays in PROVISIONING or PENDING until the daemon
/// is back; StopTask still stops it.
#[test]
fn a_failed_docker_daemon_holds_its_starting_tasks_until_it_is_back() {
    let mut sim = run_scenario("binpack-vs-spread", None, "50s");
    let out = sim.call("ecs:RunTask", json!({ "cluster": "demo", "taskDefinition": "worker", "count": 2 })).expect("run");
    let ids: Vec<String> = out["tasks"].as_array().expect("tasks").iter().map(|t| t["taskArn"].as_str().expect("arn").rsplit('/').next().expect("id").to_string()).collect();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        let instance = instance_of(&sim, id);
        sim.call("sim:SetInstanceFault", json!({ "instanceId": instance, "fault": "dockerDaemonFailed" })).expect("set");
    }
    advance(&mut sim, t("10m"));
    for id in &ids {
        let status = sim.view().tasks.iter().find(|t| &t.id == id).expect("kept").last_status;
        assert!(matches!(status, TaskStatus::Provisioning | TaskStatus::Pending), "held while the daemon is down: {status:?}");
    }
    sim.call("ecs:StopTask", json!({ "cluster": "demo", "task": ids[1] })).expect("stopped");
    let first_instance = instance_of(&sim, &ids[0]);
    sim.call("sim:SetInstanceFault", json!({ "instanceId": first_instance, "fault": "none" })).expect("cleared");
    advance(&mut sim, t("11m"));
    let status_of = |sim: &Sim, id: &str| sim.view().tasks.iter().find(|t| t.id == id).expect("kept").last_status;
    assert_eq!(status_of(&sim, &ids[0]), TaskStatus::Running, "the daemon is back: the task starts");
    assert_eq!(status_of(&sim, &ids[1]), TaskStatus::Stopped, "StopTask stops a held task");
}
