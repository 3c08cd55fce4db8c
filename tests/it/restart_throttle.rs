//! Restart throttling as AWS applies it (ecs-semantics.md §3.5): a service whose tasks go PENDING → STOPPED
//! without reaching RUNNING waits longer and longer between retries, up to 27 minutes, says once each time it
//! becomes throttled that it "is unable to consistently start tasks successfully.", and is back to normal at
//! once when it is updated to a new task definition; tasks that reach RUNNING and then die are never
//! throttled, and such a crash loop at the shortest timings stays cheap through the shortest lifecycle and
//! the Fargate launch rate instead.

use std::collections::BTreeMap;

use ecs_sim::sim::Sim;
use ecs_sim::time::{parse_iso8601_epoch_ms, SimTime};
use ecs_sim_tests::*;
use serde_json::{json, Value};

const THROTTLE_TEXT: &str = "(service app) is unable to consistently start tasks successfully.";
const START_TIME: &str = "2026-01-05T09:00:00Z";
/// The longest wait between retries (27 minutes, the current AWS page).
const THROTTLE_MAX_MS: u64 = 27 * 60_000;

/// One Fargate service `app` of one task running `image`, whose behaviour is `behavior`; every lifecycle step
/// takes a second.
fn service_of(behavior: Value) -> Sim {
    let timings: serde_json::Map<String, Value> =
        ["fargateProvisioning", "eniAttach", "imagePull", "containerStart", "containerStop", "deprovisioning"].iter().map(|name| (name.to_string(), json!("1s"))).collect();
    let text = json!({
        "formatVersion": 1, "name": "Restart throttling", "seed": 3, "region": "us-east-1", "startTime": START_TIME,
        "network": { "vpcId": "vpc-main", "subnets": [ { "subnetId": "subnet-a", "availabilityZone": "us-east-1a", "cidrBlock": "10.0.1.0/24" } ] },
        "steps": [
            { "at": "0s", "call": "sim:SetTimings", "input": timings },
            { "at": "0s", "call": "sim:SetImageBehavior", "input": behavior },
            { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo" } },
            { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": {
                "family": "app", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                "containerDefinitions": [ { "name": "c", "image": "app:1", "essential": true } ] } },
            { "at": "1s", "call": "ecs:CreateService", "input": {
                "cluster": "demo", "serviceName": "app", "taskDefinition": "app", "desiredCount": 1, "launchType": "FARGATE",
                "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"] } } } }
        ]
    })
    .to_string();
    Sim::new(&scenario(&text), None)
}

/// What a run shows of its tasks, sampled often enough that none is missed (a stopped task stays an hour).
#[derive(Default)]
struct Seen {
    /// Task id → (created, stopped, revision, reached RUNNING).
    tasks: BTreeMap<String, (SimTime, Option<SimTime>, u32, bool)>,
}

impl Seen {
    /// Notes every task `describe_all` answers (every task kept: the live ones, and the stopped ones for an hour).
    fn sample(&mut self, sim: &Sim) {
        let describe = sim.describe_all();
        for task in items(&describe, "tasks") {
            let created = SimTime(sim_ms(&task["createdAt"]).expect("createdAt"));
            let revision = s(task, "taskDefinitionArn").rsplit(':').next().and_then(|r| r.parse().ok()).expect("a revision");
            let entry = self.tasks.entry(s(task, "taskArn").to_string()).or_insert((created, None, revision, false));
            entry.1 = sim_ms(&task["stoppedAt"]).map(SimTime);
            entry.3 = task.get("startedAt").is_some();
        }
    }

    /// Runs `sim` to `until`, sampling every 5 minutes of sim time (a stopped task stays an hour).
    fn run(&mut self, sim: &mut Sim, until: SimTime) {
        let mut at = sim.now().as_millis();
        while at < until.as_millis() {
            at = (at + 300_000).min(until.as_millis());
            advance(sim, SimTime(at));
            self.sample(sim);
        }
    }

    fn created_times(&self) -> Vec<u64> {
        let mut times: Vec<u64> = self.tasks.values().map(|(created, ..)| created.as_millis()).collect();
        times.sort_unstable();
        times
    }
}

/// An ISO time of a describe answer as sim time, milliseconds.
fn sim_ms(value: &Value) -> Option<u64> {
    let start_ms = parse_iso8601_epoch_ms(START_TIME).expect("start time") as u64;
    value.as_str().and_then(parse_iso8601_epoch_ms).map(|ms| ms as u64 - start_ms)
}

/// The sim times of the service's events that say `text`, oldest first.
fn event_times(sim: &Sim, text: &str) -> Vec<u64> {
    let start_ms = parse_iso8601_epoch_ms(START_TIME).expect("start time") as u64;
    let describe = sim.describe_all();
    let service = service(&describe, "app");
    let mut times: Vec<u64> = service["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["message"] == text)
        .map(|e| parse_iso8601_epoch_ms(e["createdAt"].as_str().expect("createdAt")).expect("an ISO time") as u64 - start_ms)
        .collect();
    times.sort_unstable();
    times
}

#[test]
fn tasks_that_never_run_are_retried_ever_later_up_to_27_minutes() {
    let mut sim = service_of(json!({ "image": "app:1", "behavior": "pullError" }));
    let mut seen = Seen::default();
    seen.run(&mut sim, SimTime::from_secs(8 * 3600));
    assert!(seen.tasks.values().all(|task| !task.3), "a task reached RUNNING");
    let created = seen.created_times();
    let gaps: Vec<u64> = created.windows(2).map(|w| w[1] - w[0]).collect();
    // The first two failures are replaced at once (each attempt takes its few seconds of lifecycle).
    assert!(gaps[0] < 30_000 && gaps[1] < 30_000, "gaps {:?}", &gaps[..4]);
    // Then the wait grows: each gap at least the one before it, give or take the lifecycle's seconds.
    for pair in gaps.windows(2) {
        assert!(pair[1] + 5_000 >= pair[0], "the wait shrank while still throttled: {gaps:?}");
    }
    // Up to 27 minutes, and no further: the service never stops retrying.
    let longest = *gaps.iter().max().expect("gaps");
    assert!(longest >= THROTTLE_MAX_MS && longest <= THROTTLE_MAX_MS + 60_000, "longest wait {longest} ms: {gaps:?}");
    assert!(created.last().copied().unwrap_or(0) > 7 * 3_600_000, "the service stopped retrying: {created:?}");
    assert!(gaps.iter().rev().take(5).all(|&gap| gap >= THROTTLE_MAX_MS), "the last waits are not at the cap: {gaps:?}");
    // The service says it is throttled when it becomes so: first at the third failure's stop, never before.
    let throttled = event_times(&sim, THROTTLE_TEXT);
    let mut stops: Vec<u64> = seen.tasks.values().filter_map(|task| task.1.map(SimTime::as_millis)).collect();
    stops.sort_unstable();
    assert!(!throttled.is_empty(), "no throttle event");
    // An event is due at each stop from the third on (the retry waited out the last throttle): its time is a stop's.
    for time in &throttled {
        assert!(stops[2..].contains(time), "a throttle event at {time} ms, at no failure's stop: {stops:?}");
    }
    // Stopped tasks are forgotten after an hour, but the events stay: the first event is at the third stop.
    let first_three = {
        let mut early = Seen::default();
        let mut again = service_of(json!({ "image": "app:1", "behavior": "pullError" }));
        early.run(&mut again, SimTime::from_secs(600));
        let mut stops: Vec<u64> = early.tasks.values().filter_map(|task| task.1.map(SimTime::as_millis)).collect();
        stops.sort_unstable();
        (stops, event_times(&again, THROTTLE_TEXT))
    };
    assert!(first_three.0.len() >= 3, "{first_three:?}");
    assert_eq!(first_three.1.first(), Some(&first_three.0[2]), "the first throttle event is not at the third failure: {first_three:?}");
    assert_eq!(throttled.first(), first_three.1.first());
}

#[test]
fn a_new_task_definition_ends_the_throttle_at_once_and_a_forced_deployment_does_not() {
    let mut sim = service_of(json!({ "image": "app:1", "behavior": "pullError" }));
    let mut seen = Seen::default();
    seen.run(&mut sim, SimTime::from_secs(3 * 3600));
    // Deep in the throttle now: run on to just after a retry, the next one 27 minutes away.
    let n_tasks = seen.tasks.len();
    while seen.tasks.len() == n_tasks {
        let next_ms = sim.now().as_millis() + 20_000;
        seen.run(&mut sim, SimTime(next_ms));
    }
    let next_ms = sim.now().as_millis() + 60_000;
    seen.run(&mut sim, SimTime(next_ms));
    let last_created = *seen.created_times().last().expect("tasks");
    let now_ms = sim.now().as_millis();
    // A forced deployment with the same task definition leaves the service throttled (only a new task
    // definition resets it).
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "app", "forceNewDeployment": true })).expect("UpdateService");
    seen.run(&mut sim, SimTime(now_ms + 60_000));
    assert_eq!(*seen.created_times().last().expect("tasks"), last_created, "a forced deployment ended the throttle");
    // Revision 2, whose image serves: the service starts it at once.
    sim.call("sim:SetImageBehavior", json!({ "image": "app:2", "behavior": "serve" })).expect("SetImageBehavior");
    sim.call(
        "ecs:RegisterTaskDefinition",
        json!({ "family": "app", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                "containerDefinitions": [ { "name": "c", "image": "app:2", "essential": true } ] }),
    )
    .expect("RegisterTaskDefinition");
    let updated_ms = sim.now().as_millis();
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "app", "taskDefinition": "app:2" })).expect("UpdateService");
    seen.run(&mut sim, SimTime(updated_ms + 120_000));
    let revision_2: Vec<_> = seen.tasks.values().filter(|task| task.2 == 2).collect();
    assert_eq!(revision_2.len(), 1, "one task of revision 2");
    assert!(revision_2[0].0.as_millis() - updated_ms < 1_000, "revision 2 started {} ms after the update", revision_2[0].0.as_millis() - updated_ms);
    assert!(revision_2[0].3 && revision_2[0].1.is_none(), "revision 2 is not RUNNING");
}

#[test]
fn tasks_that_crash_after_running_are_not_throttled_and_the_loop_stays_cheap() {
    // The container exits a second after it starts: every task reaches RUNNING, then dies.
    let mut sim = service_of(json!({ "image": "app:1", "behavior": "exit", "exitCode": 1, "runFor": "1s" }));
    let mut seen = Seen::default();
    seen.run(&mut sim, SimTime::from_secs(3600));
    assert!(seen.tasks.values().all(|task| task.3 || task.1.is_none()), "a task stopped without reaching RUNNING");
    assert!(event_times(&sim, THROTTLE_TEXT).is_empty(), "a crash after RUNNING was throttled");
    // Replaced as soon as it stops, all hour long: no wait grows.
    let created = seen.created_times();
    let longest = created.windows(2).map(|w| w[1] - w[0]).max().expect("gaps");
    assert!(longest < 30_000, "a wait of {longest} ms between replacements");
    assert!(created.len() > 300, "only {} tasks in an hour", created.len());
    // Cheap all the same: each task's lifecycle takes its seconds, so an hour is a few thousand tasks and a
    // bounded number of events (the shortest lifecycle, 1 s a step, is what keeps it so, not a throttle).
    assert!(created.len() < 1_000, "{} tasks in an hour", created.len());
    assert!(sim.n_events_processed() < 40_000, "{} events in an hour", sim.n_events_processed());
}
