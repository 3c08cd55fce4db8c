//! Shared helpers for the integration tests: loading scenarios, a bounded driver, and readers of `describe_all()`.

use ecs_sim::scenario::{builtin_scenario, parse_scenario_str, Scenario};
use ecs_sim::sim::Sim;
use ecs_sim::time::{parse_duration_ms, SimTime};
use serde_json::Value;

/// Events processed per `advance_to` call of the driver.
pub const EVENT_BUDGET: u32 = 100_000;
/// A run that processes more events than this is considered runaway and fails the test.
pub const MAX_EVENTS: u64 = 5_000_000;

/// A built-in scenario by id, or scenario JSON text. Panics with the loader's errors otherwise.
pub fn scenario(id_or_text: &str) -> Scenario {
    if let Some(s) = builtin_scenario(id_or_text) {
        return s;
    }
    parse_scenario_str(id_or_text).unwrap_or_else(|errors| panic!("scenario {id_or_text:.60}: {errors:?}"))
}

/// A duration written like a step's `at` ("90s", "5m", "1h30m") as sim time.
pub fn t(duration: &str) -> SimTime {
    SimTime(parse_duration_ms(duration).unwrap_or_else(|e| panic!("duration {duration}: {e}")))
}

/// Advances `sim` to `target`, in bounded slices; panics if the run is runaway.
pub fn advance(sim: &mut Sim, target: SimTime) {
    loop {
        let advance = sim.advance_to(target, EVENT_BUDGET);
        if advance.reached {
            return;
        }
        assert!(sim.n_events_processed() < MAX_EVENTS, "runaway run: {} events before {target}", sim.n_events_processed());
    }
}

/// Runs a scenario (built-in id or JSON text) with an optional seed override until `until` ("10m").
pub fn run_scenario(id_or_text: &str, seed: Option<u64>, until: &str) -> Sim {
    let mut sim = Sim::new(&scenario(id_or_text), seed);
    advance(&mut sim, t(until));
    sim
}

/// Processes events one at a time until `predicate` holds (checked before each event and after each one) or
/// the next event is after `max_time`. Returns whether the predicate held.
pub fn drive_until(sim: &mut Sim, mut predicate: impl FnMut(&Sim) -> bool, max_time: SimTime) -> bool {
    let mut n = 0u64;
    loop {
        if predicate(sim) {
            return true;
        }
        match sim.next_event_time() {
            Some(time) if time <= max_time => {
                sim.step();
                n += 1;
                assert!(n < MAX_EVENTS, "runaway run in drive_until");
            }
            _ => {
                advance(sim, max_time);
                return predicate(sim);
            }
        }
    }
}

/// Processes every event up to `until` one at a time, calling `check` after each.
pub fn step_until(sim: &mut Sim, until: SimTime, mut check: impl FnMut(&Sim)) {
    let mut n = 0u64;
    while sim.next_event_time().is_some_and(|time| time <= until) {
        sim.step();
        check(sim);
        n += 1;
        assert!(n < MAX_EVENTS, "runaway run in step_until");
    }
    advance(sim, until);
}

/// A top-level array of `describe_all()` (`tasks`, `services`, `containerInstances`, `events`...).
pub fn items<'a>(describe: &'a Value, key: &str) -> &'a [Value] {
    describe[key].as_array().map(Vec::as_slice).unwrap_or_else(|| panic!("describe_all() has no array {key}"))
}

/// A string field, or "" when absent.
pub fn s<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or("")
}

/// The tasks of `describe_all()` whose `group` is `group` and `lastStatus` is `status`.
pub fn tasks_with<'a>(describe: &'a Value, group: &str, status: &str) -> Vec<&'a Value> {
    items(describe, "tasks").iter().filter(|t| s(t, "group") == group && s(t, "lastStatus") == status).collect()
}

/// A service of `describe_all()` by name.
pub fn service<'a>(describe: &'a Value, name: &str) -> &'a Value {
    items(describe, "services").iter().find(|v| s(v, "serviceName") == name).unwrap_or_else(|| panic!("no service {name}"))
}

/// The messages of a service's events, oldest first.
pub fn service_events(describe: &Value, name: &str) -> Vec<String> {
    let mut out: Vec<String> = service(describe, name)["events"].as_array().into_iter().flatten().map(|e| s(e, "message").to_string()).collect();
    out.reverse();
    out
}

/// An INTEGER resource (`CPU`, `MEMORY`) of a container instance's `registeredResources`/`remainingResources`.
pub fn resource(container_instance: &Value, list: &str, name: &str) -> i64 {
    container_instance[list]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| s(r, "name") == name)
        .and_then(|r| r["integerValue"].as_i64())
        .unwrap_or_else(|| panic!("no {list} {name} in {container_instance}"))
}

/// The value of an attribute of a container instance.
pub fn attribute<'a>(container_instance: &'a Value, name: &str) -> Option<&'a str> {
    container_instance["attributes"].as_array().into_iter().flatten().find(|a| s(a, "name") == name).and_then(|a| a["value"].as_str())
}

/// The container instance of `describe_all()` with this ARN.
pub fn container_instance<'a>(describe: &'a Value, arn: &str) -> &'a Value {
    items(describe, "containerInstances").iter().find(|ci| s(ci, "containerInstanceArn") == arn).unwrap_or_else(|| panic!("no container instance {arn}"))
}
