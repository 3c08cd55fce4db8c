//! Each built-in scenario run end to end, with the outcome it teaches asserted from `describe_all()` and `view()`.

use std::collections::{BTreeMap, BTreeSet};
use ecs_sim::sim::LogKind;

use ecs_sim::catalog::instance_type;
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;
use serde_json::Value;

/// The EC2 instance id of a task's container instance.
fn instance_of(describe: &Value, task: &Value) -> String {
    s(container_instance(describe, s(task, "containerInstanceArn")), "ec2InstanceId").to_string()
}

#[test]
fn the_builtin_ids_name_exactly_the_scenario_files_in_the_pickers_order() {
    // scripts/stage-data bundles every file of crate/scenarios for the app; the app shows them in
    // BUILTIN_SCENARIO_IDS's order, and the CLI and tests compile the same files in that order.
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crate/scenarios");
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .expect("crate/scenarios")
        .map(|entry| entry.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(".json").map(str::to_string))
        .collect();
    files.sort();
    let mut ids: Vec<String> = ecs_sim::scenario::BUILTIN_SCENARIO_IDS.iter().map(|id| id.to_string()).collect();
    ids.sort();
    assert_eq!(ids, files, "every file in crate/scenarios is a built-in scenario, and every id has its file");
    let compiled: Vec<&str> = ecs_sim::scenario::BUILTIN_SCENARIOS.iter().map(|(id, _)| *id).collect();
    assert_eq!(compiled, ecs_sim::scenario::BUILTIN_SCENARIO_IDS, "the compiled-in list follows the picker's order");
}

#[test]
fn the_blank_scenario_is_the_default_vpc_and_nothing_else() {
    let blank = ecs_sim::scenario::blank_scenario();
    assert_eq!(blank.network.subnets.len(), 3);
    assert!(blank.steps.is_empty());
}

#[test]
fn every_builtin_scenario_loads_and_runs() {
    for (id, _) in ecs_sim::scenario::BUILTIN_SCENARIOS {
        let sim = run_scenario(id, None, "20m");
        assert!(sim.n_events_processed() > 10, "{id} processed only {} events", sim.n_events_processed());
        // The scenario's own steps are all accepted: no refused call.
        let refused: Vec<_> = sim.log().iter().filter(|e| e.kind == LogKind::Error).collect();
        assert!(refused.is_empty(), "{id}: refused steps {refused:?}");
    }
}

#[test]
fn fargate_web_service_runs_six_tasks_spread_over_three_azs() {
    let sim = run_scenario("fargate-web-service", None, "13m");
    let d = sim.describe_all();
    let running = tasks_with(&d, "service:web", "RUNNING");
    // 4 at creation, scaled to 6 at 3 minutes.
    assert_eq!(running.len(), 6, "{running:#?}");
    assert!(running.iter().all(|t| s(t, "launchType") == "FARGATE" && s(t, "desiredStatus") == "RUNNING"));
    assert!(running.iter().all(|t| t.get("containerInstanceArn").is_none()), "Fargate tasks have no container instance");
    let mut per_az: BTreeMap<&str, u32> = BTreeMap::new();
    for task in &running {
        *per_az.entry(s(task, "availabilityZone")).or_default() += 1;
    }
    // 6 tasks over 3 subnets in 3 AZs: 6 / 3 = 2 each.
    assert_eq!(per_az, BTreeMap::from([("us-east-1a", 2), ("us-east-1b", 2), ("us-east-1c", 2)]));
    let web = service(&d, "web");
    assert_eq!((web["desiredCount"].as_u64(), web["runningCount"].as_u64(), web["pendingCount"].as_u64()), (Some(6), Some(6), Some(0)));
    assert!(service_events(&d, "web").iter().any(|m| m == "(service web) has reached a steady state."), "{:?}", service_events(&d, "web"));
    // Every task went through the Fargate lifecycle in order (PROVISIONING 20 s, PENDING 10 s, ACTIVATING 3 s).
    for task in &running {
        assert!(task["pullStartedAt"].is_string() && task["startedAt"].is_string());
        assert_eq!(task["attachments"][0]["type"], "ElasticNetworkInterface");
    }
}

#[test]
fn binpack_packs_by_memory_and_spread_lands_one_task_per_instance() {
    let sim = run_scenario("binpack-vs-spread", None, "11m");
    let d = sim.describe_all();
    // m5.large: 8 GiB nominal = 8192 MiB, OS reserve ceil(8192 × 2.526 %) = 207, registered 8192 − 207 = 7985 MiB.
    let m5 = instance_type("m5.large").unwrap();
    assert_eq!(m5.registered_memory_mib(), 7985);
    assert_eq!(m5.registered_cpu_units(), 2048);
    for ci in items(&d, "containerInstances") {
        assert_eq!(resource(ci, "registeredResources", "MEMORY"), 7985);
        assert_eq!(resource(ci, "registeredResources", "CPU"), 2048);
    }
    // A worker task reserves 1024 MiB and 256 CPU units: floor(7985 / 1024) = 7 fit by memory (8 by CPU, 2048/256),
    // so the 6 'packed' tasks need ceil(6 / 7) = 1 instance.
    let packed = tasks_with(&d, "service:packed", "RUNNING");
    assert_eq!(packed.len(), 6);
    let packed_on: BTreeSet<String> = packed.iter().map(|t| instance_of(&d, t)).collect();
    let per_instance = 7985 / 1024;
    assert_eq!(packed_on.len(), 6usize.div_ceil(per_instance), "packed tasks on {packed_on:?}");
    // 'spread' (AZ, then instance): 6 tasks on 6 instances, 2 per AZ.
    let spread = tasks_with(&d, "service:spread", "RUNNING");
    assert_eq!(spread.len(), 6);
    let spread_on: BTreeSet<String> = spread.iter().map(|t| instance_of(&d, t)).collect();
    assert_eq!(spread_on.len(), 6, "one spread task per instance");
    let mut per_az: BTreeMap<&str, u32> = BTreeMap::new();
    for task in &spread {
        *per_az.entry(s(task, "availabilityZone")).or_default() += 1;
    }
    assert_eq!(per_az.values().copied().collect::<Vec<_>>(), vec![2, 2, 2], "{per_az:?}");
    // The packed instance's remaining memory is what the reservations leave: 7985 − 1024 × (tasks on it).
    for ci in items(&d, "containerInstances") {
        let arn = s(ci, "containerInstanceArn");
        let n = items(&d, "tasks").iter().filter(|t| s(t, "containerInstanceArn") == arn && s(t, "lastStatus") != "STOPPED").count() as i64;
        assert_eq!(resource(ci, "remainingResources", "MEMORY"), 7985 - 1024 * n);
        assert_eq!(resource(ci, "remainingResources", "CPU"), 2048 - 256 * n);
    }
}

#[test]
fn placement_constraints_place_three_of_five_api_tasks() {
    let sim = run_scenario("placement-constraints", None, "11m");
    let d = sim.describe_all();
    let running = tasks_with(&d, "service:api", "RUNNING");
    // memberOf(m5.*) ∧ memberOf(stack == prod) ∧ distinctInstance: 3 m5.large tagged prod in us-east-1a qualify
    // (the m5.large in 1b is untagged, the c5.large in 1c are the wrong type).
    assert_eq!(running.len(), 3);
    let mut seen = BTreeSet::new();
    for task in &running {
        let ci = container_instance(&d, s(task, "containerInstanceArn"));
        assert!(seen.insert(s(ci, "containerInstanceArn").to_string()), "distinctInstance violated");
        let itype = attribute(ci, "ecs.instance-type").unwrap_or("");
        assert!(itype.starts_with("m5."), "api task on {itype}");
        assert_eq!(attribute(ci, "stack"), Some("prod"));
        assert_eq!(s(task, "availabilityZone"), "us-east-1a");
    }
    let api = service(&d, "api");
    assert_eq!((api["desiredCount"].as_u64(), api["runningCount"].as_u64()), (Some(5), Some(3)));
    let events = service_events(&d, "api");
    assert!(
        events.iter().any(|m| m.starts_with("(service api)") && m.contains("was unable to place a task because no container instance met all of its requirements")),
        "{events:?}"
    );
}

#[test]
fn rolling_deployment_stays_within_minimum_healthy_and_maximum_percent() {
    let mut sim = Sim::new(&scenario("rolling-deployment"), None);
    advance(&mut sim, t("4m"));
    // Before the update: 4 web:1 tasks, all healthy (RUNNING since about 1m13s, more than 40 s ago).
    let before = sim.view();
    let web1: Vec<_> = before.tasks.iter().filter(|t| t.last_status == ecs_sim::view::TaskStatus::Running && t.revision == 1).collect();
    assert_eq!(web1.len(), 4);
    // maximumPercent 150: floor(4 × 150 / 100) = 6; minimumHealthyPercent 50: ceil(4 × 50 / 100) = 2.
    let (max_active, min_healthy) = ((4 * 150) / 100, (4u32 * 50).div_ceil(100));
    assert_eq!((max_active, min_healthy), (6, 2));
    let mut peak_active = 0;
    let mut low_healthy = u32::MAX;
    let mut saw_both_revisions = false;
    step_until(&mut sim, t("14m"), |sim| {
        let view = sim.view();
        let now = view.now.as_millis();
        let service_tasks = view.tasks.iter().filter(|t| t.service.as_deref() == Some("web"));
        let active: Vec<_> = service_tasks.filter(|t| t.desired_status == ecs_sim::view::DesiredStatus::Running && t.last_status != ecs_sim::view::TaskStatus::Stopped).collect();
        // A task with no health check counts as healthy 40 s after RUNNING.
        let healthy = active.iter().filter(|t| t.last_status == ecs_sim::view::TaskStatus::Running && now >= t.since.as_millis() + 40_000).count() as u32;
        peak_active = peak_active.max(active.len());
        low_healthy = low_healthy.min(healthy);
        saw_both_revisions |= active.iter().any(|t| t.revision == 1) && active.iter().any(|t| t.revision == 2);
        assert!(active.len() <= max_active, "at {}: {} active tasks > {max_active}", view.now, active.len());
        assert!(healthy >= min_healthy, "at {}: {healthy} healthy RUNNING tasks < {min_healthy}", view.now);
    });
    assert!(saw_both_revisions, "the deployment never overlapped revisions");
    assert!(peak_active > 4, "the deployment never used the maximumPercent headroom (peak {peak_active})");
    let d = sim.describe_all();
    let running = tasks_with(&d, "service:web", "RUNNING");
    assert_eq!(running.len(), 4);
    assert!(running.iter().all(|t| s(t, "taskDefinitionArn").ends_with("task-definition/web:2")), "{running:#?}");
    let stopped = tasks_with(&d, "service:web", "STOPPED");
    assert_eq!(stopped.len(), 4);
    assert!(stopped.iter().all(|t| s(t, "taskDefinitionArn").ends_with("web:1") && s(t, "stopCode") == "ServiceSchedulerInitiated"));
    let web = service(&d, "web");
    assert_eq!(web["deployments"].as_array().unwrap().len(), 1);
    assert_eq!(web["deployments"][0]["rolloutState"], "COMPLETED");
    assert!(service_events(&d, "web").iter().any(|m| m.ends_with("deployment completed.")));
}

#[test]
fn circuit_breaker_rolls_back_and_the_old_tasks_keep_serving() {
    let mut sim = Sim::new(&scenario("circuit-breaker-rollback"), None);
    advance(&mut sim, t("3m59s"));
    let before = sim.describe_all();
    let original: BTreeMap<String, String> =
        tasks_with(&before, "service:web", "RUNNING").iter().map(|t| (s(t, "taskArn").to_string(), s(t, "startedAt").to_string())).collect();
    assert_eq!(original.len(), 4);
    // Drive until the revision-2 deployment is FAILED.
    let failed = drive_until(
        &mut sim,
        |sim| {
            let d = sim.describe_all();
            service(&d, "web")["deployments"].as_array().unwrap().iter().any(|dep| dep["rolloutState"] == "FAILED")
        },
        t("14m"),
    );
    assert!(failed, "the circuit breaker never tripped");
    let d = sim.describe_all();
    let web = service(&d, "web");
    let deployment = web["deployments"].as_array().unwrap().iter().find(|dep| dep["rolloutState"] == "FAILED").unwrap();
    assert!(s(deployment, "taskDefinition").ends_with("web:2"));
    // The threshold: ceil(0.5 × 4) = 2, raised to the minimum of 3.
    assert!(deployment["failedTasks"].as_u64().unwrap() >= 3, "{deployment}");
    let reason = s(deployment, "rolloutStateReason");
    assert!(reason.starts_with("ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/"), "{reason}");
    let rollback_event = format!("(service web) (deployment {}) ECS deployment circuit breaker: rolling back to deploymentId", s(deployment, "id"));
    assert!(service_events(&d, "web").iter().any(|m| m.starts_with(&rollback_event)), "{:?}", service_events(&d, "web"));

    advance(&mut sim, t("14m"));
    let d = sim.describe_all();
    let failed_to_start: Vec<_> = items(&d, "tasks").iter().filter(|t| s(t, "stopCode") == "TaskFailedToStart").collect();
    assert!(failed_to_start.len() >= 3, "{failed_to_start:#?}");
    for task in &failed_to_start {
        assert!(s(task, "taskDefinitionArn").ends_with("web:2"));
        assert_eq!(s(task, "lastStatus"), "STOPPED");
        assert!(s(task, "stoppedReason").contains("CannotPullContainerError"), "{task}");
        assert!(task.get("startedAt").is_none(), "a task that failed to pull never started");
        assert!(task["containers"][0]["reason"].as_str().unwrap_or("").starts_with("CannotPullContainerError"));
    }
    let running = tasks_with(&d, "service:web", "RUNNING");
    assert_eq!(running.len(), 4);
    for task in &running {
        assert!(s(task, "taskDefinitionArn").ends_with("web:1"));
        // The same tasks as before the update, never restarted.
        assert_eq!(original.get(s(task, "taskArn")).map(String::as_str), Some(s(task, "startedAt")), "task {} was replaced or restarted", s(task, "taskArn"));
    }
    let web = service(&d, "web");
    assert!(s(web, "taskDefinition").ends_with("web:1"), "the service rolled back to web:1");
    assert_eq!(web["runningCount"].as_u64(), Some(4));
}

#[test]
fn daemon_service_runs_one_task_per_active_instance() {
    let mut sim = Sim::new(&scenario("daemon-service"), None);
    // By 5m: 3 instances, then 2 more at 3m (boot 30 s + registration 15 s): 5 instances, 5 daemon tasks.
    advance(&mut sim, t("5m"));
    let d = sim.describe_all();
    assert_eq!(items(&d, "containerInstances").len(), 5);
    assert_one_daemon_task_per_active_instance(&d, 5);
    // At 10m the FIS experiment (20 % of 5 = 1 instance) has drained one instance since 6m.
    advance(&mut sim, t("10m"));
    let d = sim.describe_all();
    let draining: Vec<_> = items(&d, "containerInstances").iter().filter(|ci| s(ci, "status") == "DRAINING").collect();
    assert_eq!(draining.len(), 1);
    let drained_arn = s(draining[0], "containerInstanceArn");
    assert_one_daemon_task_per_active_instance(&d, 4);
    let on_drained: Vec<_> = items(&d, "tasks").iter().filter(|t| s(t, "containerInstanceArn") == drained_arn).collect();
    assert!(!on_drained.is_empty());
    assert!(on_drained.iter().all(|t| s(t, "lastStatus") == "STOPPED" && s(t, "desiredStatus") == "STOPPED"), "{on_drained:#?}");
    assert_eq!(draining[0]["runningTasksCount"].as_u64(), Some(0));
    // The drain ends at 16m; the instance is ACTIVE again and gets its daemon task back.
    advance(&mut sim, t("18m"));
    let d = sim.describe_all();
    assert!(items(&d, "containerInstances").iter().all(|ci| s(ci, "status") == "ACTIVE"));
    assert_one_daemon_task_per_active_instance(&d, 5);
}

fn assert_one_daemon_task_per_active_instance(d: &Value, n_active: usize) {
    let active: Vec<&str> = items(d, "containerInstances").iter().filter(|ci| s(ci, "status") == "ACTIVE").map(|ci| s(ci, "containerInstanceArn")).collect();
    assert_eq!(active.len(), n_active);
    let running = tasks_with(d, "service:log-agent", "RUNNING");
    assert_eq!(running.len(), n_active, "{running:#?}");
    for arn in &active {
        let here = running.iter().filter(|t| s(t, "containerInstanceArn") == *arn).count();
        assert_eq!(here, 1, "instance {arn} runs {here} daemon tasks");
    }
    let log_agent = service(d, "log-agent");
    assert_eq!(log_agent["schedulingStrategy"], "DAEMON");
    assert_eq!(log_agent["runningCount"].as_u64(), Some(n_active as u64));
}

#[test]
fn instance_terminated_tasks_stop_with_the_host_reason_and_are_replaced() {
    let sim = run_scenario("instance-terminated", None, "15m");
    let view = sim.view();
    let terminated: Vec<_> = view.instances.iter().filter(|i| i.ec2_state == ecs_sim::view::Ec2State::Terminated).collect();
    assert_eq!(terminated.len(), 1, "COUNT(1) terminates one instance");
    assert_eq!(terminated[0].availability_zone, "us-east-1a");
    let id = &terminated[0].ec2_instance_id;
    assert!(id.starts_with("i-") && id.len() == 19);
    let d = sim.describe_all();
    let stopped = tasks_with(&d, "service:web", "STOPPED");
    assert!(!stopped.is_empty(), "the terminated instance ran tasks");
    let expected = format!("Host EC2 (instance {id}) stopped/terminated.");
    for task in &stopped {
        assert_eq!(s(task, "stoppedReason"), expected);
    }
    let ci = items(&d, "containerInstances").iter().find(|ci| s(ci, "ec2InstanceId") == id).unwrap();
    assert_eq!(s(ci, "status"), "INACTIVE");
    let running = tasks_with(&d, "service:web", "RUNNING");
    assert_eq!(running.len(), 6);
    assert!(running.iter().all(|t| instance_of(&d, t) != *id));
    let web = service(&d, "web");
    assert_eq!((web["desiredCount"].as_u64(), web["runningCount"].as_u64()), (Some(6), Some(6)));
}
