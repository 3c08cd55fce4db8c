//! Property tests of the engine with the seeded `ecs_sim::rng::Prng`: random clusters and call sequences keep
//! the resource, port and registration invariants after every advance; services with ample capacity converge;
//! no call input panics.

use std::collections::{BTreeMap, BTreeSet};

use ecs_sim::catalog::INSTANCE_TYPES;
use ecs_sim::rng::Prng;
use ecs_sim::sim::Sim;
use ecs_sim::time::SimTime;
use ecs_sim_tests::*;
use serde_json::{json, Value};

const EMPTY_WORLD: &str = r#"{ "formatVersion": 1, "name": "property test", "seed": 1,
  "steps": [ { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "c" } } ] }"#;
const SUBNETS: [&str; 3] = ["subnet-default-a", "subnet-default-b", "subnet-default-c"];
/// Ports the ECS agent reserves on every instance.
const AGENT_PORTS: [u16; 5] = [22, 2375, 2376, 51678, 51679];

fn pick<'a, T>(rng: &mut Prng, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len() as u32) as usize]
}

fn user_data(rng: &mut Prng) -> String {
    let mut text = "#!/bin/bash\necho ECS_CLUSTER=c >> /etc/ecs/ecs.config".to_string();
    if rng.chance(1, 2) {
        text.push_str("\necho 'ECS_INSTANCE_ATTRIBUTES={\"stack\":\"prod\"}' >> /etc/ecs/ecs.config");
    }
    text
}

fn run_instances(rng: &mut Prng, types: &[&str]) -> Value {
    let count = 1 + rng.below(3);
    json!({ "InstanceType": pick(rng, types), "MinCount": count, "MaxCount": count, "SubnetId": pick(rng, &SUBNETS),
            "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": user_data(rng) })
}

/// A random EC2 task definition: bridge, host or awsvpc, random cpu/memory and port mappings.
fn task_definition(rng: &mut Prng, family: &str) -> Value {
    let mode = *pick(rng, &["bridge", "host", "awsvpc"]);
    let mut containers = Vec::new();
    for n in 0..1 + rng.below(2) {
        let mut mappings = Vec::new();
        for _ in 0..rng.below(3) {
            let container_port = *pick(rng, &[80u16, 443, 8080, 9000, 9001]);
            let mut mapping = json!({ "containerPort": container_port, "protocol": pick(rng, &["tcp", "tcp", "udp"]) });
            match (mode, rng.below(3)) {
                ("bridge", 0) => mapping["hostPort"] = json!(0),
                ("bridge", 1) => mapping["hostPort"] = json!(*pick(rng, &[8080u16, 8081, 9000])),
                (_, 0) => mapping["hostPort"] = json!(container_port),
                _ => {}
            }
            mappings.push(mapping);
        }
        containers.push(json!({ "name": format!("c{n}"), "image": "example/app:1", "essential": n == 0,
            "cpu": 64 * rng.below(9), "memory": 64 + 64 * rng.below(40), "portMappings": mappings }));
    }
    json!({ "family": family, "networkMode": mode, "requiresCompatibilities": ["EC2"], "containerDefinitions": containers })
}

fn strategies(rng: &mut Prng) -> Value {
    let all = [
        json!({ "type": "binpack", "field": "memory" }),
        json!({ "type": "binpack", "field": "cpu" }),
        json!({ "type": "spread", "field": "attribute:ecs.availability-zone" }),
        json!({ "type": "spread", "field": "instanceId" }),
        json!({ "type": "random" }),
    ];
    Value::Array((0..rng.below(3)).map(|_| pick(rng, &all).clone()).collect())
}

fn constraints(rng: &mut Prng) -> Value {
    let all = [
        json!({ "type": "distinctInstance" }),
        json!({ "type": "memberOf", "expression": "attribute:stack == prod" }),
        json!({ "type": "memberOf", "expression": "attribute:ecs.instance-type =~ m5.*" }),
        json!({ "type": "memberOf", "expression": "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]" }),
    ];
    Value::Array((0..rng.below(3)).map(|_| pick(rng, &all).clone()).collect())
}

fn network(input: &mut Value, modes: &BTreeMap<String, String>, family: &str) {
    if modes.get(family).map(String::as_str) == Some("awsvpc") {
        input["networkConfiguration"] = json!({ "awsvpcConfiguration": { "subnets": ["subnet-default-a", "subnet-default-b", "subnet-default-c"] } });
    }
}

/// One random call; returns (call, input).
fn random_call(rng: &mut Prng, sim: &Sim, modes: &BTreeMap<String, String>) -> (String, Value) {
    let view = sim.view();
    let families: Vec<String> = modes.keys().cloned().collect();
    let family = if families.is_empty() { "f0".to_string() } else { pick(rng, &families).clone() };
    let task = || view.tasks.iter().filter(|t| t.last_status != ecs_sim::view::TaskStatus::Stopped).map(|t| t.arn.clone()).collect::<Vec<_>>();
    let instances: Vec<&ecs_sim::view::InstanceView> = view.instances.iter().collect();
    match rng.below(14) {
        0 | 1 => ("ec2:RunInstances".into(), run_instances(rng, &INSTANCE_TYPES.iter().map(|t| t.name).collect::<Vec<_>>())),
        2 | 3 => {
            let family = format!("f{}", rng.below(4));
            ("ecs:RegisterTaskDefinition".into(), task_definition(rng, &family))
        }
        4 | 5 => {
            let mut input = json!({ "cluster": "c", "taskDefinition": family, "count": 1 + rng.below(10),
                "placementStrategy": strategies(rng), "placementConstraints": constraints(rng) });
            network(&mut input, modes, &family);
            ("ecs:RunTask".into(), input)
        }
        6 => {
            let mut input = json!({ "cluster": "c", "serviceName": format!("s{}", rng.below(4)), "taskDefinition": family,
                "desiredCount": rng.below(7), "placementStrategy": strategies(rng), "placementConstraints": constraints(rng) });
            network(&mut input, modes, &family);
            ("ecs:CreateService".into(), input)
        }
        7 => {
            let mut input = json!({ "cluster": "c", "service": format!("s{}", rng.below(4)) });
            if rng.chance(1, 2) {
                input["desiredCount"] = json!(rng.below(7));
            } else {
                input["taskDefinition"] = json!(family);
            }
            ("ecs:UpdateService".into(), input)
        }
        8 => {
            let tasks = task();
            let arn = if tasks.is_empty() { "none".to_string() } else { pick(rng, &tasks).clone() };
            ("ecs:StopTask".into(), json!({ "cluster": "c", "task": arn }))
        }
        9 => {
            let arns: Vec<String> = instances.iter().filter_map(|i| i.container_instance_arn.clone()).collect();
            let arn = if arns.is_empty() { "none".to_string() } else { pick(rng, &arns).clone() };
            ("ecs:UpdateContainerInstancesState".into(), json!({ "cluster": "c", "containerInstances": [arn], "status": pick(rng, &["DRAINING", "ACTIVE"]) }))
        }
        10 => {
            let ids: Vec<String> = instances.iter().map(|i| i.ec2_instance_id.clone()).collect();
            let id = if ids.is_empty() { "i-0".to_string() } else { pick(rng, &ids).clone() };
            ("ec2:TerminateInstances".into(), json!({ "InstanceIds": [id] }))
        }
        11 => ("fis:aws:ecs:stop-task".into(), json!({ "targets": { "Tasks": { "resourceType": "aws:ecs:task", "selectionMode": "COUNT(2)" } } })),
        12 => (
            "fis:aws:ecs:drain-container-instances".into(),
            json!({ "targets": { "Clusters": { "resourceArns": ["arn:aws:ecs:us-east-1:123456789012:cluster/c"] } },
                    "parameters": { "drainagePercentage": 30, "duration": "PT3M" } }),
        ),
        _ => (
            "fis:aws:ec2:terminate-instances".into(),
            json!({ "targets": { "Instances": { "resourceType": "aws:ec2:instance", "selectionMode": "COUNT(1)",
                "filters": [ { "path": "Placement.AvailabilityZone", "values": [pick(rng, &["us-east-1a", "us-east-1b", "us-east-1c"])] } ] } } }),
        ),
    }
}

/// The invariants that must hold at every point of every run.
fn check_invariants(sim: &Sim, context: &str) {
    let view = sim.view();
    let d = sim.describe_all();
    for ci in items(&d, "containerInstances") {
        let arn = s(ci, "containerInstanceArn");
        let status = s(ci, "status");
        if status == "INACTIVE" {
            continue;
        }
        let id = s(ci, "ec2InstanceId");
        let holding: Vec<_> = view.tasks.iter().filter(|t| t.ec2_instance_id.as_deref() == Some(id) && t.last_status != ecs_sim::view::TaskStatus::Stopped).collect();
        let (cpu, memory) = holding.iter().fold((0i64, 0i64), |(c, m), t| (c + t.cpu_units as i64, m + t.memory_mib as i64));
        let (reg_cpu, reg_mem) = (resource(ci, "registeredResources", "CPU"), resource(ci, "registeredResources", "MEMORY"));
        assert!(cpu <= reg_cpu && memory <= reg_mem, "{context}: {arn} over-committed: {cpu}/{reg_cpu} CPU, {memory}/{reg_mem} MiB");
        // remaining = registered − reserved by the tasks that still hold the instance.
        assert_eq!(resource(ci, "remainingResources", "CPU"), reg_cpu - cpu, "{context}: {arn} remaining CPU");
        assert_eq!(resource(ci, "remainingResources", "MEMORY"), reg_mem - memory, "{context}: {arn} remaining MEMORY");
        let mut ports: BTreeSet<(u16, String)> = BTreeSet::new();
        for task in &holding {
            for binding in &task.network_bindings {
                // container:containerPort->hostPort/protocol
                let (_, host) = binding.split_once("->").expect("binding format");
                let (port, protocol) = host.split_once('/').expect("binding protocol");
                let port: u16 = port.parse().expect("host port");
                assert!(ports.insert((port, protocol.to_string())), "{context}: host port {port}/{protocol} held twice on {id}");
                assert!(!(protocol == "tcp" && AGENT_PORTS.contains(&port)), "{context}: task holds the agent's port {port} on {id}");
            }
        }
    }
    for task in view.tasks.iter().filter(|t| t.launch_type == ecs_sim::view::LaunchType::Ec2 && t.last_status == ecs_sim::view::TaskStatus::Running) {
        let instance = view.instances.iter().find(|i| Some(&i.ec2_instance_id) == task.ec2_instance_id.as_ref());
        let status = instance.and_then(|i| i.status);
        assert!(matches!(status, Some(ecs_sim::view::ContainerInstanceStatus::Active | ecs_sim::view::ContainerInstanceStatus::Draining)), "{context}: RUNNING task {} on an instance with status {status:?}", task.id);
        // While the host shuts down (instanceShutdown, 10 s) its tasks still run; once terminated they are STOPPED.
        assert_ne!(instance.map(|i| i.ec2_state), Some(ecs_sim::view::Ec2State::Terminated), "{context}: task {} on a terminated host", task.id);
    }
}

fn apply(sim: &mut Sim, modes: &mut BTreeMap<String, String>, call: &str, input: Value) {
    let result = sim.call(call, input.clone());
    if call == "ecs:RegisterTaskDefinition" && result.is_ok() {
        modes.insert(input["family"].as_str().unwrap().to_string(), input["networkMode"].as_str().unwrap().to_string());
    }
}

#[test]
fn random_clusters_and_calls_keep_the_invariants() {
    let mut rng = Prng::new(2026);
    let mut n_calls = 0;
    let mut n_tasks = 0;
    for case in 0..300 {
        let mut sim = Sim::new(&scenario(EMPTY_WORLD), Some(rng.next_u64()));
        let mut modes = BTreeMap::new();
        // Start with some capacity and a task definition so later calls have something to act on.
        let input = run_instances(&mut rng, &["m5.large", "c5.large", "t3.large", "m5.xlarge", "t3.micro"]);
        apply(&mut sim, &mut modes, "ec2:RunInstances", input);
        let input = task_definition(&mut rng, "f0");
        apply(&mut sim, &mut modes, "ecs:RegisterTaskDefinition", input);
        advance(&mut sim, SimTime(50_000));
        let n_ops = 5 + rng.below(20);
        for op in 0..n_ops {
            let (call, input) = random_call(&mut rng, &sim, &modes);
            let context = format!("case {case} op {op} ({call} {input})");
            apply(&mut sim, &mut modes, &call, input);
            n_calls += 1;
            check_invariants(&sim, &context);
            // Advance a random amount, checking after every event for a few cases and after the advance otherwise.
            let target = sim.now().plus_ms(rng.below(120_000) as u64);
            if case % 10 == 0 {
                step_until(&mut sim, target, |sim| check_invariants(sim, &context));
            } else {
                advance(&mut sim, target);
            }
            check_invariants(&sim, &context);
        }
        n_tasks += sim.view().tasks.len();
    }
    // The generator does exercise the engine.
    assert!(n_calls > 3000 && n_tasks > 1000, "{n_calls} calls, {n_tasks} tasks");
}

#[test]
fn replica_services_with_ample_capacity_converge() {
    let mut rng = Prng::new(77);
    for case in 0..60 {
        let mut sim = Sim::new(&scenario(EMPTY_WORLD), Some(rng.next_u64()));
        let mut modes = BTreeMap::new();
        // 6 m5.xlarge, two per AZ: 6 × 4096 CPU units and 6 × 15970 MiB; awsvpc trunking gives 20 ENIs each.
        for subnet in SUBNETS {
            let input = json!({ "InstanceType": "m5.xlarge", "MinCount": 2, "MaxCount": 2, "SubnetId": subnet,
                "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "echo ECS_CLUSTER=c >> /etc/ecs/ecs.config" });
            apply(&mut sim, &mut modes, "ec2:RunInstances", input);
        }
        // Services of at most 6 tasks of 256 CPU / 512 MiB each, 3 services: at most 18 × 256 = 4608 CPU units,
        // a fifth of one instance's share even with one instance drained.
        let n_services = 1 + rng.below(3);
        for n in 0..n_services {
            let mode = *pick(&mut rng, &["bridge", "awsvpc"]);
            let mapping = if mode == "bridge" { json!({ "containerPort": 80, "hostPort": 0 }) } else { json!({ "containerPort": 80 }) };
            let td = json!({ "family": format!("f{n}"), "networkMode": mode, "requiresCompatibilities": ["EC2"],
                "containerDefinitions": [ { "name": "app", "image": "example/app:1", "cpu": 256, "memory": 512, "essential": true, "portMappings": [mapping] } ] });
            apply(&mut sim, &mut modes, "ecs:RegisterTaskDefinition", td);
        }
        advance(&mut sim, SimTime(60_000));
        for n in 0..n_services {
            let mut input = json!({ "cluster": "c", "serviceName": format!("s{n}"), "taskDefinition": format!("f{n}"),
                "desiredCount": rng.below(7), "placementStrategy": strategies(&mut rng) });
            network(&mut input, &modes, &format!("f{n}"));
            sim.call("ecs:CreateService", input).expect("CreateService");
        }
        // Disturb: scale, stop tasks, drain one instance and activate it again, a new revision.
        for _ in 0..6 {
            let view = sim.view();
            let service = format!("s{}", rng.below(n_services));
            match rng.below(4) {
                0 => drop(sim.call("ecs:UpdateService", json!({ "cluster": "c", "service": service, "desiredCount": rng.below(7) }))),
                1 => {
                    let running: Vec<String> = view.tasks.iter().filter(|t| t.last_status == ecs_sim::view::TaskStatus::Running).map(|t| t.arn.clone()).collect();
                    if !running.is_empty() {
                        sim.call("ecs:StopTask", json!({ "cluster": "c", "task": pick(&mut rng, &running) })).expect("StopTask");
                    }
                }
                2 => {
                    let arns: Vec<String> = view.instances.iter().filter_map(|i| i.container_instance_arn.clone()).collect();
                    let arn = pick(&mut rng, &arns).clone();
                    let status = *pick(&mut rng, &["DRAINING", "ACTIVE"]);
                    sim.call("ecs:UpdateContainerInstancesState", json!({ "cluster": "c", "containerInstances": [arn], "status": status })).expect("drain");
                }
                _ => drop(sim.call("ecs:UpdateService", json!({ "cluster": "c", "service": service, "forceNewDeployment": true }))),
            }
            let target = sim.now().plus_ms(rng.below(90_000) as u64);
            advance(&mut sim, target);
            check_invariants(&sim, &format!("convergence case {case}"));
        }
        // At most 4 instances drained out of 6 leaves 2 × 4096 CPU units for at most 18 × 256 = 4608: ample.
        // Bridge tasks use dynamic ports and awsvpc tasks trunk ENIs (20 per m5.xlarge), so only CPU/memory bind.
        let bound = sim.now().plus_ms(10 * 60_000);
        let converged = drive_until(
            &mut sim,
            |sim| sim.view().services.iter().all(|svc| svc.running_count == svc.desired_count && svc.pending_count == 0),
            bound,
        );
        let view = sim.view();
        let summary: Vec<_> = view.services.iter().map(|s| (s.name.clone(), s.desired_count, s.running_count, s.pending_count)).collect();
        assert!(converged, "case {case}: services did not converge within 10 minutes: {summary:?}");
        check_invariants(&sim, &format!("convergence case {case} end"));
    }
}

/// A random JSON value built from the field names the calls read, so the junk reaches deep into the handlers.
fn junk(rng: &mut Prng, depth: u32) -> Value {
    const KEYS: &[&str] = &[
        "cluster", "clusterName", "taskDefinition", "family", "count", "desiredCount", "serviceName", "service", "task", "status",
        "containerInstances", "containerInstance", "InstanceIds", "InstanceType", "MinCount", "MaxCount", "SubnetId", "UserData",
        "IamInstanceProfile", "Name", "placementStrategy", "placementConstraints", "type", "field", "expression", "launchType",
        "networkConfiguration", "awsvpcConfiguration", "subnets", "deploymentConfiguration", "maximumPercent", "minimumHealthyPercent",
        "deploymentCircuitBreaker", "targets", "Instances", "Tasks", "Clusters", "selectionMode", "filters", "path", "values",
        "parameters", "drainagePercentage", "duration", "resourceArns", "resourceTags", "image", "behavior", "runFor", "exitCode",
        "containerDefinitions", "name", "cpu", "memory", "portMappings", "containerPort", "hostPort", "networkMode", "attributes",
        "targetId", "value", "force", "forceNewDeployment", "schedulingStrategy", "imagePull", "instanceBoot", "tasks", "services",
        "capacityProviderStrategy", "capacityProvider", "base", "weight", "percentPerHour", "capacityProviders",
        "defaultCapacityProviderStrategy", "autoScalingGroupProvider", "autoScalingGroupArn", "managedScaling", "targetCapacity",
        "minimumScalingStepSize", "maximumScalingStepSize", "instanceWarmupPeriod", "managedTerminationProtection",
        "AutoScalingGroupName", "AutoScalingGroupNames", "LaunchTemplate", "LaunchTemplateName", "LaunchTemplateData", "MinSize", "MaxSize",
        "DesiredCapacity", "VPCZoneIdentifier", "PolicyName", "PolicyType", "AdjustmentType", "ScalingAdjustment", "StepAdjustments",
        "MetricIntervalLowerBound", "TargetTrackingConfiguration", "TargetTrackingScalingPolicyConfiguration",
        "StepScalingPolicyConfiguration", "PredefinedMetricSpecification", "PredefinedMetricType", "CustomizedMetricSpecification",
        "TargetValue", "ServiceNamespace", "ResourceId", "ScalableDimension", "MinCapacity", "MaxCapacity", "Schedule",
        "ScheduledActionName", "ScalableTargetAction", "AlarmName", "AlarmActions", "MetricName", "Namespace", "Statistic",
        "Threshold", "ComparisonOperator", "EvaluationPeriods", "Period", "Dimensions", "MetricData", "Cooldown",
    ];
    let strings = ["", "c", "f0", "s0", "DRAINING", "ACTIVE", "EC2", "FARGATE", "awsvpc", "host", "bridge", "COUNT(1)", "PERCENT(150)",
        "binpack", "spread", "memberOf", "distinctInstance", "attribute:x =~ (", "PT", "m5.large", "subnet-default-a", "arn:aws:ecs:",
        "${x}", "-1", "99999999999999999999", "1h", "pullError", "exit", "unhealthy", "ALL", "\u{0}", "ü", "FARGATE_SPOT", "ecs",
        "ecs:service:DesiredCount", "service/demo/packed", "TargetTrackingScaling", "StepScaling", "ChangeInCapacity", "ENABLED",
        "ECSServiceAverageCPUUtilization", "AWS/ECS", "cron(0 * * * ? *)", "rate(5 minutes)", "at(2026-01-05T09:10:00)"];
    match rng.below(if depth > 3 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => json!(rng.chance(1, 2)),
        2 => json!(*pick(rng, &[0i64, 1, -1, 3, 10, 11, 65535, 65536, i64::MAX, i64::MIN, 5001])),
        3 => json!(*pick(rng, &[0.5f64, -0.0, 1e300])),
        4 => json!(*pick(rng, &strings)),
        5 | 6 => {
            let mut map = serde_json::Map::new();
            for _ in 0..rng.below(6) {
                map.insert(pick(rng, KEYS).to_string(), junk(rng, depth + 1));
            }
            Value::Object(map)
        }
        _ => Value::Array((0..rng.below(4)).map(|_| junk(rng, depth + 1)).collect()),
    }
}

#[test]
fn no_call_input_panics() {
    let mut rng = Prng::new(5);
    // Every call the app's API console offers: ECS, EC2, FIS, IAM, EFS, Elastic Load Balancing, scaling, sim.
    let all_calls: Vec<&str> = ecs_sim::api::calls::known_calls().collect();
    for case in 0..40 {
        // A populated world (the binpack scenario at 3 minutes, or a cluster growing through a capacity
        // provider at 7 minutes, with tasks waiting for capacity), then junk calls interleaved with valid ones.
        let mut sim = if case % 2 == 0 { run_scenario("binpack-vs-spread", Some(case), "3m") } else { run_scenario("managed-scaling-growth", Some(case), "7m") };
        let mut modes = BTreeMap::from([("worker".to_string(), "bridge".to_string())]);
        for _ in 0..150 {
            let call = match rng.below(20) {
                0 => "ecs:NoSuchCall".to_string(),
                1..=4 => pick(&mut rng, &ecs_sim::api::calls::calls_of(ecs_sim::api::calls::Handler::Scaling).collect::<Vec<_>>()).to_string(),
                _ => pick(&mut rng, &all_calls).to_string(),
            };
            let input = if rng.chance(1, 10) { junk(&mut rng, 4) } else { Value::Object(junk(&mut rng, 0).as_object().cloned().unwrap_or_default()) };
            let _ = sim.call(&call, input);
            if rng.chance(1, 4) {
                let (call, input) = random_call(&mut rng, &sim, &modes);
                apply(&mut sim, &mut modes, &call, input);
            }
            let target = sim.now().plus_ms(rng.below(20_000) as u64);
            advance(&mut sim, target);
        }
        check_invariants(&sim, &format!("junk case {case}"));
        // Reading the world never panics either.
        let _ = (sim.view(), sim.describe_all());
        for task in sim.view().tasks.iter().take(5) {
            let _ = sim.explain_task(&task.arn);
        }
        let _ = sim.explain_service("demo", "packed");
    }
}

#[test]
fn every_listed_call_is_answered_and_only_those() {
    let mut sim = run_scenario("binpack-vs-spread", None, "3m");
    let all: Vec<&str> = ecs_sim::api::calls::known_calls().collect();
    assert!(all.len() > 100, "{} calls listed", all.len());
    for call in &all {
        assert!(ecs_sim::api::calls::is_known_call(call), "{call}");
        // An empty input is refused or answered by the call itself, never as an unknown operation.
        if let Err(error) = sim.call(call, serde_json::json!({})) {
            assert_ne!(error.code, "UnknownOperationException", "{call}");
        }
    }
    // Calls that only read change nothing: the app keeps a rewound run's later calls across them.
    // (The trace hash and the event log record every call, refused ones too: they are left out.)
    let state = |sim: &Sim| {
        let mut describe = sim.describe_all();
        if let Some(d) = describe.as_object_mut() {
            d.remove("traceHash");
            d.remove("events");
        }
        (describe, sim.n_events_processed())
    };
    for call in all.iter().filter(|c| ecs_sim::api::calls::is_read_only_call(c)) {
        let before = state(&sim);
        for input in [serde_json::json!({}), serde_json::json!({ "cluster": "demo" })] {
            let _ = sim.call(call, input);
        }
        assert!(state(&sim) == before, "{call} changed the run");
    }
    assert!(ecs_sim::api::calls::is_read_only_call("ecs:DescribeServices") && ecs_sim::api::calls::is_read_only_call("cloudwatch:GetMetricStatistics"));
    assert!(!ecs_sim::api::calls::is_read_only_call("ecs:UpdateService") && !ecs_sim::api::calls::is_read_only_call("sim:SetLoad"));
    let error = sim.call("ecs:DescribeEverything", serde_json::json!({})).expect_err("an unknown call");
    assert_eq!(error.code, "UnknownOperationException");
}
