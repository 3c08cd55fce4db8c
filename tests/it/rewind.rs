//! Rewinding: a run rebuilt at an earlier point is the run as it stood there, and moving it forward again
//! with the later calls repeats the original run, event for event.

use std::collections::VecDeque;

use ecs_sim::scenario::Scenario;
use ecs_sim::sim::{RecordedCall, RunPoint, Sim};
use ecs_sim::time::SimTime;
use ecs_sim_tests::*;
use serde_json::json;

/// The live run of fargate-web-service with three user calls (one refused, one right after a stepped
/// event), to 12 minutes; and the (time, n_events, trace hash) after each of its events and the calls made
/// right after it (what `RunPoint::after_events` names).
fn original() -> (Scenario, Sim, Vec<(SimTime, u64, String)>) {
    let scn = scenario("fargate-web-service");
    let mut sim = Sim::new(&scn, None);
    let mut points = Vec::new();
    let run_to = |sim: &mut Sim, until: SimTime, points: &mut Vec<(SimTime, u64, String)>| {
        step_until(sim, until, |s| points.push((s.now(), s.n_events_processed(), s.trace_hash())));
        sim.advance_to(until, 0);
    };
    run_to(&mut sim, t("2m"), &mut points);
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": 2 })).expect("UpdateService");
    assert!(sim.call("ecs:StopTask", json!({ "cluster": "nope", "task": "x" })).is_err());
    points.last_mut().expect("events by 2m").2 = sim.trace_hash();
    run_to(&mut sim, t("4m"), &mut points);
    // One event past 4m by hand, then the call, before the next event.
    sim.step();
    points.push((sim.now(), sim.n_events_processed(), sim.trace_hash()));
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": 5 })).expect("UpdateService");
    points.last_mut().expect("the stepped event").2 = sim.trace_hash();
    run_to(&mut sim, t("12m"), &mut points);
    assert_eq!(sim.recorded_calls().len(), 3);
    (scn, sim, points)
}

/// Runs `sim` forward to `until` with the pending calls, in slices of 7 events (so calls fall mid-slice).
fn forward(sim: &mut Sim, until: SimTime, pending: &mut VecDeque<RecordedCall>) {
    while !sim.advance_replaying(until, 7, pending).reached {}
}

#[test]
fn a_run_rewound_to_a_time_is_the_run_at_that_time_and_replays_to_the_same_end() {
    let (scn, live, _) = original();
    let calls = live.recorded_calls();
    for at in ["0s", "1m", "2m", "3m30s", "4m", "7m", "12m"] {
        let (mut rewound, mut pending) = Sim::replay_to(&scn, None, calls, RunPoint::at_time(t(at)));
        // The same as a run that stopped there: the calls made by then, and every event due by then.
        let made: Vec<RecordedCall> = calls.iter().filter(|c| c.time <= t(at)).cloned().collect();
        let mut stopped_there = Sim::replay(&scn, None, &made);
        advance(&mut stopped_there, t(at));
        assert_eq!(rewound.now(), t(at), "{at}");
        assert_eq!(rewound.trace_hash(), stopped_there.trace_hash(), "{at}");
        assert_eq!(rewound.describe_all(), stopped_there.describe_all(), "{at}");
        assert_eq!(pending.len(), calls.len() - made.len(), "{at}");
        // Forward again, re-applying the later calls at their points: the original run exactly.
        forward(&mut rewound, t("12m"), &mut pending);
        assert!(pending.is_empty(), "{at}");
        assert_eq!(rewound.trace_hash(), live.trace_hash(), "{at}");
        assert_eq!(rewound.n_events_processed(), live.n_events_processed(), "{at}");
        assert_eq!(rewound.recorded_calls(), calls, "{at}");
        assert_eq!(rewound.describe_all(), live.describe_all(), "{at}");
    }
}

#[test]
fn a_run_rewound_to_an_event_count_has_the_hash_the_original_had_after_that_event() {
    let (scn, live, points) = original();
    let calls = live.recorded_calls();
    // Points before, between and after the calls, and around the stepped event the third call followed.
    let stepped = points.iter().position(|(_, n, _)| *n == calls[2].n_events).expect("the stepped event");
    for index in [0, 5, stepped - 1, stepped, stepped + 1, points.len() / 2, points.len() - 1] {
        let (time, n_events, _) = &points[index];
        let (mut rewound, mut pending) = Sim::replay_to(&scn, None, calls, RunPoint::after_events(*n_events));
        assert_eq!(rewound.n_events_processed(), *n_events);
        assert_eq!(&rewound.trace_hash(), &points[index].2);
        assert!(rewound.now() >= *time);
        // The next event of the rewound run is the original's next one: stepping on gives the original's hashes.
        for (_, next_n, next_hash) in points[index + 1..].iter().take(3) {
            assert!(rewound.step_replaying(&mut pending));
            assert_eq!(rewound.n_events_processed(), *next_n);
            assert_eq!(&rewound.trace_hash(), next_hash, "after event {next_n}");
        }
        forward(&mut rewound, t("12m"), &mut pending);
        assert_eq!(rewound.trace_hash(), live.trace_hash(), "rewound to event {n_events}");
    }
}

#[test]
fn a_step_back_is_the_state_before_the_last_event_with_the_calls_made_before_it() {
    let (scn, live, points) = original();
    let calls = live.recorded_calls();
    // The third call came right after the stepped event, before the next one.
    let n_step = calls[2].n_events;
    assert!(points.iter().any(|(_, n, _)| *n == n_step));
    let (rewound, pending) = Sim::replay_to(&scn, None, calls, RunPoint::after_events(n_step));
    assert!(pending.is_empty(), "the call after event {n_step} is part of that point");
    let (before, pending) = Sim::replay_to(&scn, None, calls, RunPoint::after_events(n_step - 1));
    assert_eq!(pending.len(), 1);
    assert_eq!(before.n_events_processed(), n_step - 1);
    assert_ne!(before.trace_hash(), rewound.trace_hash());
    assert_eq!(service(&rewound.describe_all(), "web")["desiredCount"].as_u64(), Some(5));
    // Before it: the scenario's own 3m step had set 6.
    assert_eq!(service(&before.describe_all(), "web")["desiredCount"].as_u64(), Some(6));
}

#[test]
fn a_new_call_after_a_rewind_changes_the_run_from_that_point() {
    let (scn, live, _) = original();
    let (mut branch, pending) = Sim::replay_to(&scn, None, live.recorded_calls(), RunPoint::at_time(t("3m")));
    assert_eq!(pending.len(), 1);
    // The learner drops the later call and makes another one instead.
    branch.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": 1 })).expect("UpdateService");
    let mut none = VecDeque::new();
    forward(&mut branch, t("12m"), &mut none);
    assert_ne!(branch.trace_hash(), live.trace_hash());
    assert_eq!(branch.recorded_calls().len(), 3);
    // The branch is itself a recorded run: replaying it gives the same hash.
    let mut again = Sim::replay(&scn, None, branch.recorded_calls());
    advance(&mut again, t("12m"));
    assert_eq!(again.trace_hash(), branch.trace_hash());
}

#[test]
fn a_step_applies_a_call_due_before_the_next_event_first() {
    let scn = scenario(r#"{ "formatVersion": 1, "name": "empty", "seed": 3, "steps": [] }"#);
    let mut sim = Sim::new(&scn, None);
    // The minute's metrics samples are the only events; a call at 30 s falls between two of them.
    advance(&mut sim, t("30s"));
    sim.call("ecs:CreateCluster", json!({ "clusterName": "late" })).expect("CreateCluster");
    advance(&mut sim, t("1m"));
    let (mut rewound, mut pending) = Sim::replay_to(&scn, None, sim.recorded_calls(), RunPoint::at_time(t("10s")));
    assert_eq!((rewound.now(), pending.len()), (t("10s"), 1));
    assert_eq!(rewound.next_event_time(), Some(t("1m")));
    assert!(rewound.step_replaying(&mut pending));
    // The call went in at 30 s, then the 1m event ran: the same run as the original.
    assert!(pending.is_empty());
    assert_eq!(rewound.recorded_calls(), sim.recorded_calls());
    assert_eq!(rewound.now(), t("1m"));
    assert_eq!(rewound.trace_hash(), sim.trace_hash());
}

#[test]
fn every_builtin_rewound_anywhere_replays_to_the_same_run() {
    for (id, _) in ecs_sim::scenario::BUILTIN_SCENARIOS {
        let scn = scenario(id);
        let mut live = Sim::new(&scn, None);
        advance(&mut live, t("3m"));
        // A call that changes the run where the scenario has a service (one more task), and one that does not.
        let describe = live.describe_all();
        if let Some(first) = items(&describe, "services").iter().find(|svc| s(svc, "schedulingStrategy") == "REPLICA") {
            let (cluster, name, desired) = (s(first, "clusterArn").to_string(), s(first, "serviceName").to_string(), first["desiredCount"].as_u64().unwrap_or(0));
            live.call("ecs:UpdateService", json!({ "cluster": cluster, "service": name, "desiredCount": desired + 1 })).expect("UpdateService");
        }
        advance(&mut live, t("7m"));
        live.call("ecs:CreateCluster", json!({ "clusterName": "rewind-probe" })).expect("CreateCluster");
        advance(&mut live, t("20m"));
        for at in ["0s", "2m59s", "3m", "5m", "7m", "19m"] {
            let (mut rewound, mut pending) = Sim::replay_to(&scn, None, live.recorded_calls(), RunPoint::at_time(t(at)));
            forward(&mut rewound, t("20m"), &mut pending);
            assert_eq!(rewound.trace_hash(), live.trace_hash(), "{id} rewound to {at}");
            assert_eq!(rewound.describe_all(), live.describe_all(), "{id} rewound to {at}");
        }
    }
}
