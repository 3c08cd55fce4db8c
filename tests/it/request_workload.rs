//! Request workloads (`sim:SetWorkload`): each request a web service's task answers makes the workload's
//! operations, decided once per load balancer step by the task role, the network path and the target; a failed
//! operation turns the requests into 5xx from the target, costs latency, and is logged (sampled).

use ecs_sim_tests::*;
use serde_json::{json, Value};

/// The target 5xx and the requests of the load balancer's full minutes that start in `[from, to)`.
fn minutes(sim: &ecs_sim::sim::Sim, from: &str, to: &str) -> (u64, u64) {
    let view = sim.view();
    let lb = &view.load_balancers[0];
    let (from, to) = (t(from).0, t(to).0);
    let points: Vec<_> = lb.metrics.iter().filter(|m| m.minute_start_ms >= from && m.minute_start_ms + 60_000 <= to).collect();
    (points.iter().map(|m| m.target_5xx).sum(), points.iter().map(|m| m.request_count).sum())
}

fn log_messages(sim: &mut ecs_sim::sim::Sim, group: &str) -> Vec<String> {
    let out = sim.call("logs:FilterLogEvents", json!({ "logGroupName": group, "limit": 10000 })).expect("filter");
    out["events"].as_array().expect("events").iter().map(|e| e["message"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn a_task_role_missing_put_item_fails_every_request_until_the_policy_is_added() {
    let mut sim = run_scenario("task-role-missing-putitem", None, "4m59s");
    let (target_5xx, requests) = minutes(&sim, "2m", "4m59s");
    assert!(requests > 2_000, "20 requests/s for two full minutes: {requests}");
    assert_eq!(target_5xx, requests, "every request fails on dynamodb:PutItem and the target answers 5xx");
    let lines = log_messages(&mut sim, "/ecs/visits");
    let denied: Vec<&String> = lines.iter().filter(|l| l.contains("AccessDeniedException")).collect();
    assert!(!denied.is_empty(), "the SDK's error is in the task's log stream");
    let line = denied[0];
    assert!(line.contains("An error occurred (AccessDeniedException) when calling the PutItem operation: User: arn:aws:sts::123456789012:assumed-role/visits-task-role/"), "{line}");
    assert!(line.ends_with("is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/visits because no identity-based policy allows the dynamodb:PutItem action"), "{line}");
    assert!(sim.dynamodb().tables.get("visits").expect("table").items.is_empty(), "a denied PutItem writes nothing");
    // The health checks do not call DynamoDB: the service keeps its two tasks.
    let describe = sim.describe_all();
    assert_eq!(service(&describe, "visits")["runningCount"], json!(2));
    let workloads = sim.request_workloads();
    let failing: Vec<_> = workloads.flows.iter().filter(|((_, target), _)| target == "table visits").collect();
    assert!(failing.iter().all(|(_, f)| f.errors_total == f.calls_total / 2), "GetItem succeeds and PutItem fails on each request: {failing:?}");

    advance(&mut sim, t("9m"));
    let (after_5xx, after_requests) = minutes(&sim, "6m", "9m");
    assert!(after_requests >= 2_400, "two full minutes at 20 requests/s: {after_requests}");
    assert_eq!(after_5xx, 0, "once the role may put items, no request fails");
    let table = sim.dynamodb().tables.get("visits").expect("table");
    assert_eq!(table.items.len(), 1, "the item is written");
    let lines = log_messages(&mut sim, "/ecs/visits");
    assert!(lines.iter().any(|l| l.starts_with("dynamodb:PutItem table visits ok in 5 ms")), "successes are logged too");
}

#[test]
fn every_operation_of_a_workload_is_decided_once_and_logged_or_counted_as_sampled_out() {
    // Property over seeds and stop times: for each task and each operation, every operation made is either
    // written to the log stream or counted as sampled out; the lines stay within the budget; and each
    // request makes the operations in order up to its first failure (so an operation is made as often as the
    // one before it, or not at all after a failure).
    for (seed, until) in [(1, "3m"), (2, "4m40s"), (3, "5m20s"), (4, "7m"), (5, "6m05s")] {
        let sim = run_scenario("task-role-missing-putitem", Some(seed), until);
        let workloads = sim.request_workloads();
        assert!(!workloads.tasks.is_empty(), "seed {seed}");
        for task in workloads.tasks.values() {
            for counts in &task.counts {
                assert_eq!(counts.made, counts.logged + counts.sampled_out, "seed {seed}: {counts:?}");
                assert!(counts.failed <= counts.made);
            }
            assert_eq!(task.counts[0].made, task.counts[1].made, "seed {seed}: GetObject and GetItem are made by every request");
            assert!(task.counts[2].made <= task.counts[1].made);
            assert!(task.lines_this_minute <= ecs_sim::sim::request_workload::MAX_LINES_PER_MINUTE);
        }
        // Each step's decision covers exactly the requests its targets answered: the 5xx the ALB counted are
        // the requests that failed an operation.
        let failed: u64 = workloads.tasks.values().map(|t| t.counts.iter().map(|c| c.failed).sum::<u64>()).sum();
        let target_5xx: u64 = sim.elb().traffic.values().map(|t| t.totals.target_5xx).sum();
        assert_eq!(failed, target_5xx, "seed {seed} at {until}");
    }
}

#[test]
fn set_workload_refuses_bad_input_and_an_empty_list_removes_the_workload() {
    let mut sim = run_scenario("task-role-missing-putitem", None, "2m");
    let bad = |sim: &mut ecs_sim::sim::Sim, input: Value| sim.call("sim:SetWorkload", input).unwrap_err().to_string();
    assert!(bad(&mut sim, json!({ "cluster": "demo" })).contains("needs a service"));
    assert!(bad(&mut sim, json!({ "cluster": "demo", "service": "visits", "operations": [{ "operation": "s3:DeleteBucket" }] })).contains("operations[0].operation must be one of"));
    assert!(bad(&mut sim, json!({ "cluster": "demo", "service": "visits", "operations": [{ "operation": "dynamodb:GetItem", "params": {} }] })).contains("operations[0].params must be an object with TableName"));
    assert!(bad(&mut sim, json!({ "cluster": "demo", "service": "nothing", "operations": [] })).contains("Service not found"));
    sim.call("sim:SetWorkload", json!({ "cluster": "demo", "service": "visits", "operations": [] })).expect("removed");
    advance(&mut sim, t("5m"));
    let (target_5xx, requests) = minutes(&sim, "3m", "5m");
    assert!(requests > 0);
    assert_eq!(target_5xx, 0, "without its workload the service answers every request");
    assert!(sim.request_workloads().tasks.is_empty());
}
