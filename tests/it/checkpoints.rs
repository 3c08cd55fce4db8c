//! Checkpoints: a seek that starts from the nearest earlier checkpoint is the same run, state and trace hash
//! as a replay from the start, at any point; the checkpoints stay bounded and spread over a long run; and a
//! call that starts a new branch forgets those taken after it.

use std::collections::VecDeque;

use ecs_sim::scenario::Scenario;
use ecs_sim::sim::{Checkpoints, RecordedCall, RunPoint, Sim, MAX_CHECKPOINTS};
use ecs_sim::time::SimTime;
use ecs_sim_tests::*;
use serde_json::json;

/// A live run of alb-path-routing to 40 minutes in frames of 7 s (as the app moves it), with two calls of
/// the learner, checkpointed every `interval_events` events; and the (time, n_events) after each frame.
fn live_run(interval_events: u64) -> (Scenario, Sim, Checkpoints, Vec<(SimTime, u64)>) {
    let scn = scenario("alb-path-routing");
    let mut sim = Sim::new(&scn, None);
    let mut checkpoints = Checkpoints::with_interval(interval_events);
    let mut frames = Vec::new();
    let mut time_ms = 0;
    while time_ms < 40 * 60_000 {
        time_ms += 7_000;
        sim.advance_to(SimTime(time_ms), u32::MAX);
        if time_ms == 7_000 * 100 {
            sim.call("sim:SetLoad", json!({ "loadBalancer": "shop-alb", "requestsPerSecond": 900 })).expect("SetLoad");
        }
        if time_ms == 7_000 * 200 {
            assert!(sim.call("ecs:UpdateService", json!({ "cluster": "nope", "service": "x", "desiredCount": 1 })).is_err());
        }
        checkpoints.observe(&sim);
        frames.push((sim.now(), sim.n_events_processed()));
    }
    (scn, sim, checkpoints, frames)
}

/// Asserts that a seek from the checkpoints and a replay from the start give the same run at `point`,
/// and that both go on to the live run's end.
fn assert_seek_is_replay(scn: &Scenario, live: &Sim, checkpoints: &Checkpoints, point: RunPoint) {
    let calls = live.recorded_calls();
    let (mut from_checkpoint, mut pending_a) = checkpoints.seek(scn, None, calls, point);
    let (mut from_start, mut pending_b) = Sim::replay_to(scn, None, calls, point);
    assert_eq!(from_checkpoint.trace_hash(), from_start.trace_hash(), "{point:?}");
    assert_eq!(from_checkpoint.n_events_processed(), from_start.n_events_processed(), "{point:?}");
    assert_eq!(from_checkpoint.now(), from_start.now(), "{point:?}");
    assert_eq!(from_checkpoint.recorded_calls(), from_start.recorded_calls(), "{point:?}");
    assert_eq!(pending_a, pending_b, "{point:?}");
    assert_eq!(from_checkpoint.describe_all(), from_start.describe_all(), "{point:?}");
    let end = live.now();
    while !from_checkpoint.advance_replaying(end, u32::MAX, &mut pending_a).reached {}
    while !from_start.advance_replaying(end, u32::MAX, &mut pending_b).reached {}
    assert_eq!(from_checkpoint.trace_hash(), live.trace_hash(), "{point:?} forward");
    assert_eq!(from_start.trace_hash(), live.trace_hash(), "{point:?} forward");
}

#[test]
fn a_seek_from_a_checkpoint_is_the_replay_from_the_start_at_times_and_event_counts() {
    let (scn, live, checkpoints, frames) = live_run(20);
    assert!(checkpoints.len() >= 4, "only {} checkpoints", checkpoints.len());
    let calls = live.recorded_calls();
    assert_eq!(calls.len(), 2);
    for at_ms in [0, 65_000, 7_000 * 100, 7_000 * 100 + 1, 1_000_000, 7_000 * 200, 1_999_999, 40 * 60_000] {
        assert_seek_is_replay(&scn, &live, &checkpoints, RunPoint::at_time(SimTime(at_ms)));
    }
    // Event counts on and around the checkpoints themselves, and around a frame's end.
    let mut counts: Vec<u64> = checkpoints.event_counts().iter().flat_map(|n| [n - 1, *n, n + 1]).collect();
    counts.extend([1, frames[150].1, frames[150].1 + 1, live.n_events_processed()]);
    for n_events in counts {
        assert_seek_is_replay(&scn, &live, &checkpoints, RunPoint::after_events(n_events));
    }
}

#[test]
fn a_seek_starts_from_the_latest_checkpoint_before_the_point() {
    let (_, live, checkpoints, _) = live_run(20);
    let calls = live.recorded_calls();
    let counts = checkpoints.event_counts();
    assert_eq!(checkpoints.start_events_for(calls, RunPoint::at_time(SimTime(0))), None, "time zero starts from the start");
    assert_eq!(checkpoints.start_events_for(calls, RunPoint::at_time(live.now())), counts.last().copied());
    // After exactly a checkpoint's events, the one before it (its clock may have run on past that event).
    assert_eq!(checkpoints.start_events_for(calls, RunPoint::after_events(counts[2])), Some(counts[1]));
    assert_eq!(checkpoints.start_events_for(calls, RunPoint::after_events(counts[2] + 1)), Some(counts[2]));
}

#[test]
fn checkpoints_stay_bounded_and_spread_over_a_long_run() {
    let (scn, live, checkpoints, _) = live_run(2);
    assert!(checkpoints.len() <= MAX_CHECKPOINTS, "{} checkpoints", checkpoints.len());
    assert!(checkpoints.len() >= MAX_CHECKPOINTS / 2, "thinning kept only {}", checkpoints.len());
    assert!(checkpoints.n_dropped() > 0, "a run of {} events at an interval of 2 was never thinned", live.n_events_processed());
    let counts = checkpoints.event_counts();
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "{counts:?}");
    // Spread: the first is in the run's first quarter, the last in its final quarter.
    let n = live.n_events_processed();
    assert!(counts[0] <= n / 4 && *counts.last().expect("some") >= n * 3 / 4, "{counts:?} of {n}");
    assert_seek_is_replay(&scn, &live, &checkpoints, RunPoint::at_time(SimTime(1_234_567)));
}

#[test]
fn a_new_branch_forgets_the_checkpoints_taken_after_it() {
    let (scn, live, mut checkpoints, _) = live_run(20);
    let (mut branch, pending) = checkpoints.seek(&scn, None, live.recorded_calls(), RunPoint::at_time(SimTime(600_000)));
    assert_eq!(pending.len(), 2, "both calls came after 10 minutes");
    // The learner makes another call there: the run's calls change from this point.
    checkpoints.forget_after(&branch);
    assert!(checkpoints.event_counts().iter().all(|n| *n <= branch.n_events_processed()));
    branch.call("sim:SetLoad", json!({ "loadBalancer": "shop-alb", "requestsPerSecond": 50 })).expect("SetLoad");
    let mut none = VecDeque::<RecordedCall>::new();
    while !branch.advance_replaying(SimTime(30 * 60_000), u32::MAX, &mut none).reached {}
    let (seeked, _) = checkpoints.seek(&scn, None, branch.recorded_calls(), RunPoint::at_time(SimTime(20 * 60_000)));
    let (replayed, _) = Sim::replay_to(&scn, None, branch.recorded_calls(), RunPoint::at_time(SimTime(20 * 60_000)));
    assert_eq!(seeked.trace_hash(), replayed.trace_hash());
    assert_ne!(seeked.trace_hash(), {
        let (original, _) = Sim::replay_to(&scn, None, live.recorded_calls(), RunPoint::at_time(SimTime(20 * 60_000)));
        original.trace_hash()
    });
}
