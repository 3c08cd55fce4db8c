//! Long runs stay bounded: a service whose containers crash at once, with every lifecycle step at its
//! shortest, runs for a simulated day in a bounded number of events and tasks kept; the engine forgets a
//! stopped task an hour after it stopped (as ECS does); settings that would make a run explode are refused
//! naming the field.

use std::time::{Duration, Instant};

use ecs_sim::sim::{Sim, MAX_STOPPED_TASKS_KEPT, STOPPED_TASK_KEPT_MS};
use ecs_sim::time::SimTime;
use ecs_sim::view::TaskStatus;
use ecs_sim_tests::*;
use serde_json::{json, Value};

/// `desired` Fargate tasks whose container exits one second after it starts, every timing at 1 s.
fn crash_loop(desired: u32) -> String {
    let timings: serde_json::Map<String, Value> = [
        "instanceBoot", "agentRegistration", "instanceShutdown", "eniAttach", "fargateProvisioning", "imagePull", "containerStart", "containerStop", "deprovisioning",
    ]
    .iter()
    .map(|name| (name.to_string(), json!("1s")))
    .collect();
    json!({
        "formatVersion": 1,
        "name": "Crash loop",
        "seed": 5,
        "region": "us-east-1",
        "startTime": "2026-01-05T09:00:00Z",
        "network": { "vpcId": "vpc-main", "subnets": [ { "subnetId": "subnet-a", "availabilityZone": "us-east-1a", "cidrBlock": "10.0.1.0/24" } ] },
        "steps": [
            { "at": "0s", "call": "sim:SetTimings", "input": timings },
            { "at": "0s", "call": "sim:SetImageBehavior", "input": { "image": "crash:1", "behavior": "exit", "exitCode": 1, "runFor": "1s" } },
            { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo" } },
            { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": {
                "family": "crash", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                "containerDefinitions": [ { "name": "c", "image": "crash:1", "essential": true } ] } },
            { "at": "1s", "call": "ecs:CreateService", "input": {
                "cluster": "demo", "serviceName": "crash", "taskDefinition": "crash", "desiredCount": desired, "launchType": "FARGATE",
                "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"] } } } }
        ]
    })
    .to_string()
}

/// The most heap the crash loop's day may hold at once, MiB (before stopped tasks were forgotten, a day of it
/// held gigabytes).
const CRASH_LOOP_DAY_MAX_HEAP_MIB: f64 = 16.0;

/// The most events the CLI's 24-hour run of the crash loop may process: what a release build does in about two
/// seconds (BENCHMARKS.md: 303,836 events in 1.7 s). Events, not wall time, are the bound a loaded machine
/// cannot blur; the wall time has a hang guard.
const CLI_CRASH_LOOP_DAY_MAX_EVENTS: u64 = 400_000;
/// The hang guard of that run, in a debug build on a busy machine.
const CLI_CRASH_LOOP_DAY_HANG: Duration = Duration::from_secs(600);

fn n_kept_tasks(sim: &Sim) -> usize {
    items(&sim.describe_all(), "tasks").len()
}

#[test]
fn a_crash_loop_for_a_day_keeps_the_tasks_kept_and_the_events_bounded() {
    let heap_base = crate::heap::start();
    let mut sim = Sim::new(&scenario(&crash_loop(3)), None);
    let (mut most_kept, mut peak_mib) = (0, 0.0f64);
    for hour in 1..=24 {
        advance(&mut sim, SimTime(hour * 3_600_000));
        peak_mib = peak_mib.max(crate::heap::peak_mib_since(heap_base));
        most_kept = most_kept.max(n_kept_tasks(&sim));
        // The answer of describe_all (every kept task as JSON) is the test's, not the run's.
        crate::heap::forget_peak();
    }
    // The memory the run holds has a bound: the most it held at once while it ran all day.
    eprintln!("crash loop day: peak heap {peak_mib:.1} MiB");
    assert!(peak_mib < CRASH_LOOP_DAY_MAX_HEAP_MIB, "the run held {peak_mib:.1} MiB at its peak");
    let view = sim.view();
    let stopped = view.tasks.iter().filter(|t| t.last_status == TaskStatus::Stopped).count() as u64 + view.n_stopped_tasks_left_out;
    // The loop really ran all day: tens of thousands of tasks came and went.
    assert!(stopped > 20_000, "only {stopped} tasks stopped");
    // Of them the engine keeps an hour's worth at most (and never more than its bound).
    assert!(most_kept <= MAX_STOPPED_TASKS_KEPT + 3, "{most_kept} tasks kept at once");
    assert!((most_kept as u64) < stopped / 10, "{most_kept} kept of {stopped}");
    // A day of it is a few hundred thousand events: seconds of work, not hours.
    assert!(sim.n_events_processed() < 1_000_000, "{} events", sim.n_events_processed());
    assert!(sim.log().iter().all(|e| e.kind != ecs_sim::sim::LogKind::Error), "nothing was refused");
}

#[test]
fn describe_tasks_finds_a_stopped_task_for_its_hour_then_answers_missing() {
    let mut sim = Sim::new(&scenario(&crash_loop(1)), None);
    advance(&mut sim, SimTime(5 * 60_000));
    let describe = sim.describe_all();
    let first = items(&describe, "tasks").iter().find(|t| s(t, "lastStatus") == "STOPPED").expect("a stopped task").clone();
    let arn = s(&first, "taskArn").to_string();
    let stopped_at = sim.view().tasks.iter().find(|t| t.arn == arn).and_then(|t| t.stopped_at).expect("stoppedAt");
    let describe_it = |sim: &mut Sim| sim.call("ecs:DescribeTasks", json!({ "cluster": "demo", "tasks": [arn.clone()] })).expect("DescribeTasks");
    advance(&mut sim, SimTime(stopped_at.0 + STOPPED_TASK_KEPT_MS - 60_000));
    let answer = describe_it(&mut sim);
    assert_eq!(answer["tasks"][0]["lastStatus"], "STOPPED", "{answer}");
    advance(&mut sim, SimTime(stopped_at.0 + STOPPED_TASK_KEPT_MS + 60_000));
    let answer = describe_it(&mut sim);
    assert_eq!(answer["tasks"].as_array().map(Vec::len), Some(0), "{answer}");
    assert_eq!(answer["failures"][0]["reason"], "MISSING", "{answer}");
    // ListTasks lists the stopped tasks still kept, not the forgotten one.
    let listed = sim.call("ecs:ListTasks", json!({ "cluster": "demo", "desiredStatus": "STOPPED" })).expect("ListTasks");
    assert!(!listed["taskArns"].as_array().expect("taskArns").iter().any(|a| a == &json!(arn)));
}

#[test]
fn timings_and_run_times_shorter_than_a_second_are_refused_naming_the_field() {
    let mut sim = run_scenario("fargate-web-service", None, "1m");
    for (name, value) in [("imagePull", json!("0s")), ("containerStart", json!(0)), ("deprovisioning", json!("999ms"))] {
        let error = sim.call("sim:SetTimings", json!({ name: value })).expect_err(name);
        assert!(error.message.starts_with(&format!("{name}: ")), "{}", error.message);
        assert!(error.message.contains("shorter than 1s"), "{}", error.message);
    }
    for value in [json!("0s"), json!(0), json!("500ms")] {
        let error = sim.call("sim:SetImageBehavior", json!({ "image": "x:1", "behavior": "exit", "runFor": value })).expect_err("runFor");
        assert!(error.message.starts_with("runFor: "), "{}", error.message);
    }
    sim.call("sim:SetTimings", json!({ "imagePull": "1s" })).expect("one second is the shortest");
}

#[test]
fn the_cli_runs_a_day_of_the_crash_loop_in_a_bounded_number_of_events() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/long-run/crash-loop-day.json");
    let started = Instant::now();
    let output = crate::cli::ecs_sim(&["run", path, "--until", "24h"]);
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.lines().last().is_some_and(|line| line.starts_with("traceHash: ")), "the run did not finish: {stdout}");
    assert!(stdout.lines().any(|line| line == "time: 24h00m00s"), "the run did not reach 24 h: {stdout}");
    let n_events: u64 = stdout.lines().find_map(|line| line.strip_prefix("events: ")).and_then(|n| n.parse().ok()).expect("an events line");
    eprintln!("ecs-sim run crash-loop-day.json --until 24h: {n_events} events, {elapsed:?} (debug build)");
    assert!(n_events > 200_000 && n_events < CLI_CRASH_LOOP_DAY_MAX_EVENTS, "{n_events} events");
    assert!(elapsed < CLI_CRASH_LOOP_DAY_HANG, "the CLI took {elapsed:?}");
}

/// `n` Fargate services of one task each, nothing else happening (tests/data/long-run/two-hundred-services.json,
/// smaller).
fn quiet_services(n: usize) -> String {
    let mut steps = vec![
        json!({ "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo" } }),
        json!({ "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": {
            "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [ { "name": "web", "image": "nginx:1", "essential": true } ] } }),
    ];
    steps.extend((0..n).map(|i| {
        json!({ "at": "1s", "call": "ecs:CreateService", "input": {
            "cluster": "demo", "serviceName": format!("s{i}"), "taskDefinition": "web", "desiredCount": 1, "launchType": "FARGATE",
            "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"] } } } })
    }));
    json!({
        "formatVersion": 1, "name": "Quiet services", "seed": 1, "region": "us-east-1", "startTime": "2026-01-05T09:00:00Z",
        "network": { "vpcId": "vpc-main", "subnets": [ { "subnetId": "subnet-a", "availabilityZone": "us-east-1a", "cidrBlock": "10.0.0.0/16" } ] },
        "steps": steps
    })
    .to_string()
}

#[test]
fn a_quiet_run_stops_growing_once_a_day_of_metrics_is_kept() {
    // The heap grows for the first day (each metric keeps a day of one-minute points), then stays.
    let heap_base = crate::heap::start();
    let mut sim = Sim::new(&scenario(&quiet_services(20)), None);
    advance(&mut sim, SimTime::from_secs(25 * 3600));
    let after_a_day_mib = crate::heap::live_mib_since(heap_base);
    advance(&mut sim, SimTime::from_secs(49 * 3600));
    let after_two_days_mib = crate::heap::live_mib_since(heap_base);
    eprintln!("quiet services: {after_a_day_mib:.2} MiB after 25 h, {after_two_days_mib:.2} MiB after 49 h");
    assert!(after_a_day_mib > 0.1, "the run holds nothing: {after_a_day_mib} MiB");
    assert!(after_two_days_mib < after_a_day_mib * 1.1, "the heap grew from {after_a_day_mib:.2} to {after_two_days_mib:.2} MiB in the second day");
}
