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

fn db_status(sim: &mut ecs_sim::sim::Sim) -> (String, String) {
    let out = sim.call("rds:DescribeDBInstances", json!({ "DBInstanceIdentifier": "orders-db" })).expect("describe");
    let db = &out["DBInstances"][0];
    (db["DBInstanceStatus"].as_str().unwrap_or("").to_string(), db["AvailabilityZone"].as_str().unwrap_or("").to_string())
}

fn connections(sim: &ecs_sim::sim::Sim) -> u64 {
    sim.request_workloads().tasks.values().flat_map(|t| t.db_connections.iter().map(|c| c.1)).sum()
}

#[test]
fn a_multi_az_failover_gives_a_burst_of_errors_then_the_service_recovers() {
    let mut sim = run_scenario("rds-multi-az-failover", None, "15m59s");
    assert_eq!(db_status(&mut sim), ("available".to_string(), "us-east-1a".to_string()));
    let (before_5xx, before_requests) = minutes(&sim, "13m", "15m59s");
    assert!(before_requests >= 5_000, "{before_requests}");
    assert_eq!(before_5xx, 0, "every query succeeds before the failover");
    assert!(connections(&sim) >= 2, "each task holds a connection: {}", connections(&sim));
    let task_arns = |sim: &ecs_sim::sim::Sim| -> Vec<String> { sim.view().tasks.iter().filter(|t| t.last_status == ecs_sim::sim::TaskStatus::Running).map(|t| t.arn.clone()).collect() };
    let tasks_before = task_arns(&sim);
    assert_eq!(tasks_before.len(), 2);

    advance(&mut sim, t("16m40s"));
    assert_eq!(db_status(&mut sim), ("rebooting".to_string(), "us-east-1b".to_string()), "the standby in us-east-1b is the new primary");
    assert_eq!(connections(&sim), 0, "no connection is open during the failover");
    let events = sim.call("rds:DescribeEvents", json!({ "SourceIdentifier": "orders-db", "SourceType": "db-instance" })).expect("events");
    let messages: Vec<&str> = events["Events"].as_array().expect("events").iter().filter_map(|e| e["Message"].as_str()).collect();
    assert_eq!(messages.last(), Some(&"Multi-AZ instance failover started"), "{messages:?}");
    assert!(!messages.contains(&"Multi-AZ instance failover completed"), "the completion is not written yet");
    let lines = log_messages(&mut sim, "/ecs/orders");
    assert!(lines.iter().any(|l| l.contains("psycopg.OperationalError: connection to server at \"orders-db.c9akciq32.us-east-1.rds.amazonaws.com\", port 5432 failed: Connection refused")), "the driver's error is logged");

    advance(&mut sim, t("21m"));
    assert_eq!(db_status(&mut sim).0, "available");
    assert!(connections(&sim) >= 2, "the pools reconnect to the new primary");
    let events = sim.call("rds:DescribeEvents", json!({ "SourceIdentifier": "orders-db" })).expect("events");
    let dated: Vec<(&str, &str)> = events["Events"].as_array().expect("events").iter().map(|e| (e["Message"].as_str().unwrap_or(""), e["Date"].as_str().unwrap_or(""))).collect();
    let tail: Vec<(&str, &str)> = dated[dated.len() - 4..].to_vec();
    assert_eq!(
        tail,
        vec![
            ("Multi-AZ instance failover started", "2026-01-05T09:16:00.000Z"),
            ("Multi-AZ instance failover completed", "2026-01-05T09:17:30.000Z"),
            ("The user requested a failover of the DB instance", "2026-01-05T09:17:30.000Z"),
            ("DB instance restarted", "2026-01-05T09:17:45.000Z"),
        ],
        "the failover takes 90 s (RDS: typically 60-120 s), the restart 15 s more"
    );
    // The burst: about 90 s of requests at 50 per second failed, then none.
    let failed: u64 = sim.request_workloads().tasks.values().map(|t| t.counts[0].failed).sum();
    assert!((3_750..=5_250).contains(&failed), "{failed}");
    let (after_5xx, after_requests) = minutes(&sim, "18m", "21m");
    assert!(after_requests >= 5_000);
    assert_eq!(after_5xx, 0, "the errors stop once the new primary accepts connections");
    assert_eq!(task_arns(&sim), tasks_before, "the tasks stay RUNNING: the health checks do not query the database");
}

#[test]
fn reboot_db_instance_refuses_what_rds_refuses_and_fis_reboots_with_a_failover() {
    let mut sim = run_scenario("rds-multi-az-failover", None, "10m");
    let err = |sim: &mut ecs_sim::sim::Sim, input: Value| sim.call("rds:RebootDBInstance", input).unwrap_err().to_string();
    assert!(err(&mut sim, json!({ "DBInstanceIdentifier": "orders-db" })).contains("InvalidDBInstanceState"), "not available while creating");
    assert!(err(&mut sim, json!({ "DBInstanceIdentifier": "nothing" })).contains("DBInstance nothing not found."));
    advance(&mut sim, t("15m30s"));
    sim.call("rds:CreateDBInstance", json!({ "DBInstanceIdentifier": "single", "DBInstanceClass": "db.t4g.micro", "Engine": "mysql", "MasterUsername": "app", "MasterUserPassword": "secret-password", "DBSubnetGroupName": "orders-db" })).expect("single-AZ");
    advance(&mut sim, t("26m"));
    assert!(err(&mut sim, json!({ "DBInstanceIdentifier": "single", "ForceFailover": true })).contains("isn't configured for Multi-AZ"));
    let out = sim.call("rds:RebootDBInstance", json!({ "DBInstanceIdentifier": "single" })).expect("a plain reboot");
    assert_eq!(out["DBInstance"]["DBInstanceStatus"], "rebooting");

    // AWS FIS: the orders database's ARN with forceFailover.
    let bad = sim.call("fis:aws:rds:reboot-db-instances", json!({ "targets": { "DBInstances": { "resourceArns": ["arn:aws:rds:us-east-1:123456789012:db:orders-db"], "selectionMode": "ALL" } }, "parameters": { "forceFailover": "yes" } }));
    assert!(bad.unwrap_err().to_string().contains("forceFailover must be"));
    let out = sim
        .call("fis:aws:rds:reboot-db-instances", json!({ "targets": { "DBInstances": { "resourceArns": ["arn:aws:rds:us-east-1:123456789012:db:orders-db"], "selectionMode": "ALL" } }, "parameters": { "forceFailover": "true" } }))
        .expect("fis");
    assert_eq!(out["rebootedDBInstances"], json!(["orders-db"]));
    // The scenario's failover at 16 minutes moved the primary to us-east-1b; this one moves it back.
    assert_eq!(db_status(&mut sim), ("rebooting".to_string(), "us-east-1a".to_string()));
}

#[test]
fn the_view_draws_each_flow_red_while_it_fails_and_each_database_with_its_connections() {
    let sim = run_scenario("task-role-missing-putitem", None, "4m");
    let view = sim.view();
    let flows = &view.workload.flows;
    let flow = |target: &str| flows.iter().find(|f| f.service == "visits" && f.target == target).expect(target).clone();
    let table = flow("table visits");
    assert_eq!(table.kind, "dynamodb");
    // 20 requests a second: each makes GetItem and PutItem on the table, and every PutItem fails.
    assert_eq!((table.calls_per_minute, table.errors_per_minute), (2_400, 1_200));
    assert!(table.failing.as_deref().is_some_and(|e| e.contains("AccessDeniedException")), "{table:?}");
    let bucket = flow("bucket example-site-pages");
    assert_eq!((bucket.kind, bucket.calls_per_minute, bucket.errors_per_minute, bucket.failing.clone()), ("s3", 1_200, 0, None));
    assert_eq!(view.workload.tasks.len(), 2);
    assert!(view.workload.tasks.iter().all(|t| t.operations[2].error.is_some() && t.operations[0].error.is_none()));
    assert!(view.workload.databases.is_empty());

    let sim = run_scenario("task-role-missing-putitem", None, "7m");
    let table = sim.view().workload.flows.iter().find(|f| f.target == "table visits").expect("table").clone();
    assert_eq!((table.errors_per_minute, table.failing), (0, None), "after the fix the flow is green");

    let sim = run_scenario("rds-multi-az-failover", None, "14m");
    let view = sim.view();
    let db = &view.workload.databases[0];
    assert_eq!((db.identifier.as_str(), db.status, db.availability_zone.as_str(), db.secondary_availability_zone.as_deref()), ("orders-db", "backing-up", "us-east-1a", Some("us-east-1b")), "its first backup is under way, and it serves");
    assert_eq!(db.connections.len(), 2, "one entry a task");
    // 25 requests a second per task at 4 ms + 5 ms of CPU each: one connection is enough (Little's law).
    assert!(db.connections.iter().all(|(_, n)| *n == 1), "{:?}", db.connections);
    let sim = run_scenario("rds-multi-az-failover", None, "16m30s");
    let view = sim.view();
    let db = &view.workload.databases[0];
    assert_eq!(db.status, "rebooting");
    assert!(db.connections.iter().all(|(_, n)| *n == 0));
    assert_eq!(db.events.last().map(|e| e.1.as_str()), Some("Multi-AZ instance failover started"));
    assert!(view.workload.flows[0].failing.as_deref().is_some_and(|e| e.contains("Connection refused")));
}

#[test]
fn the_sampled_access_lines_of_a_failing_task_answer_500() {
    let mut sim = run_scenario("task-role-missing-putitem", None, "4m");
    let lines = log_messages(&mut sim, "/ecs/visits");
    let access: Vec<&String> = lines.iter().filter(|l| l.contains("HTTP/1.1\"")).collect();
    assert!(!access.is_empty());
    let late: Vec<&&String> = access.iter().filter(|l| !l.contains("\"GET /health")).collect();
    assert!(late.iter().any(|l| l.contains("HTTP/1.1\" 500 ")), "{late:?}");
}
