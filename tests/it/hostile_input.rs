//! Hostile and careless input: times past the longest sim time, durations that would wrap, files that are not
//! UTF-8 or not JSON, and values of the playground's own calls and of task definitions that AWS would refuse.

use ecs_sim::time::MAX_SIM_TIME_MS;
use ecs_sim_tests::*;
use serde_json::json;

use crate::cli::{code, ecs_sim, stderr, stdout, temp_file, temp_file_bytes};

/// A scenario with one step at `at` (a JSON value as text).
fn scenario_with_step_at(at: &str) -> String {
    format!(r#"{{ "formatVersion": 1, "steps": [ {{ "at": {at}, "call": "ecs:CreateCluster", "input": {{ "clusterName": "c" }} }} ] }}"#)
}

#[test]
fn validate_refuses_step_times_past_a_year_in_every_form() {
    for at in [r#""18446744073709551615ms""#, r#""99999999999h""#, r#""366d""#, r#""31536001""#, "31536001", "18446744073709551615"] {
        let file = temp_file("step-at-too-late.json", &scenario_with_step_at(at));
        let out = ecs_sim(&["validate", &file]);
        assert_eq!(code(&out), 1, "{at}: {}", stdout(&out));
        let text = stdout(&out);
        assert!(text.starts_with(&format!("error: {file}: steps[0].at: at")), "{at}: {text}");
        assert!(text.contains("a year"), "{at}: {text}");
    }
    // The bound itself is accepted, as a string and as a number.
    for at in [r#""365d""#, "31536000", r#""8760h""#] {
        let file = temp_file("step-at-a-year.json", &scenario_with_step_at(at));
        let out = ecs_sim(&["validate", &file]);
        assert_eq!(code(&out), 0, "{at}: {}", stdout(&out));
    }
}

#[test]
fn a_unit_appears_once_and_in_order() {
    for at in [r#""1h1h""#, r#""30m1h""#, r#""1s1s""#] {
        let file = temp_file("step-at-repeated-unit.json", &scenario_with_step_at(at));
        let out = ecs_sim(&["validate", &file]);
        assert_eq!(code(&out), 1, "{at}");
        assert!(stdout(&out).contains("each unit may appear once, in the order d, h, m, s, ms"), "{at}: {}", stdout(&out));
    }
}

#[test]
fn run_until_past_a_year_is_a_usage_error() {
    for until in ["18446744073709551615ms", "99999999999h", "366d"] {
        let out = ecs_sim(&["run", "fargate-web-service", "--until", until]);
        assert_eq!(code(&out), 2, "{until}");
        assert!(stderr(&out).contains(&format!("error: --until: duration '{until}' is longer than a year")), "{until}: {}", stderr(&out));
    }
}

#[test]
fn the_cli_skips_a_byte_order_mark_and_refuses_invalid_utf8_with_its_position() {
    let text = ecs_sim::scenario::BUILTIN_SCENARIOS[0].1;
    let with_bom = temp_file_bytes("with-bom.json", &[b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat());
    let out = ecs_sim(&["validate", &with_bom]);
    assert_eq!((code(&out), stdout(&out).trim().to_string()), (0, format!("ok: {with_bom}")), "{}", stderr(&out));
    let out = ecs_sim(&["run", &with_bom, "--until", "1m"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let invalid = temp_file_bytes("invalid-utf8.json", b"{ \"family\": \"\xFF\" }");
    let out = ecs_sim(&["validate", &invalid]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains(&format!("error: {invalid}: cannot read: the file is not UTF-8 text: the byte at position 13 (0xFF) is not valid UTF-8")),
        "{}",
        stderr(&out)
    );
    let out = ecs_sim(&["run", &invalid]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("the byte at position 13 (0xFF)"), "{}", stderr(&out));
}

#[test]
fn validate_of_garbage_is_unreadable_input() {
    let garbage = temp_file_bytes("garbage.json", b"\x01\x02garbage \x7f not json");
    let out = ecs_sim(&["validate", &garbage]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(stdout(&out).starts_with(&format!("error: {garbage}: $: The file is not valid JSON")), "{}", stdout(&out));
}

#[test]
fn set_target_behavior_refuses_a_response_code_that_is_not_an_http_status() {
    let mut sim = run_scenario("alb-path-routing", None, "10s");
    for code in [json!(0), json!(7), json!(99), json!(600), json!(4_294_967_296u64), json!(-1), json!("500")] {
        let error = sim.call("sim:SetTargetBehavior", json!({ "cluster": "demo", "service": "web", "responseCode": code })).expect_err("refused");
        assert_eq!(error.message, format!("responseCode must be an HTTP status code from 100 to 599, not {code}."));
    }
    for code in [100, 503, 599] {
        sim.call("sim:SetTargetBehavior", json!({ "cluster": "demo", "service": "web", "responseCode": code })).expect("an HTTP status");
    }
}

#[test]
fn set_target_behavior_refuses_latency_past_ten_minutes_instead_of_clamping_it() {
    let mut sim = run_scenario("alb-path-routing", None, "10s");
    for latency in [json!(600_001), json!(u64::MAX), json!(-5)] {
        let error = sim.call("sim:SetTargetBehavior", json!({ "cluster": "demo", "service": "web", "extraLatencyMs": latency })).expect_err("refused");
        assert!(error.message.starts_with("extraLatencyMs must be a number of milliseconds from 0 to 600000"), "{}", error.message);
    }
    sim.call("sim:SetTargetBehavior", json!({ "cluster": "demo", "service": "web", "extraLatencyMs": 600_000 })).expect("ten minutes");
}

#[test]
fn sim_call_durations_past_a_year_are_refused_naming_the_member() {
    let mut sim = run_scenario("alb-path-routing", None, "10s");
    let too_long = [json!("18446744073709551615ms"), json!("99999999999h"), json!(u64::MAX), json!(31_536_001)];
    for value in &too_long {
        let error = sim.call("sim:SetImageBehavior", json!({ "image": "x:1", "behavior": "exit", "runFor": value })).expect_err("runFor");
        assert!(error.message.starts_with("runFor"), "{}", error.message);
        assert!(error.message.contains("a year"), "{}", error.message);
        let error = sim.call("sim:SetTimings", json!({ "imagePull": value })).expect_err("imagePull");
        assert!(error.message.starts_with("imagePull") && error.message.contains("a year"), "{}", error.message);
        let error = sim.call("sim:SetLoad", json!({ "loadBalancer": "shop-alb", "pattern": "ramp", "over": value })).expect_err("over");
        assert!(error.message.starts_with("over") && error.message.contains("a year"), "{}", error.message);
        let error = sim.call("sim:SetLoad", json!({ "loadBalancer": "shop-alb", "pattern": "spike", "duration": value })).expect_err("duration");
        assert!(error.message.starts_with("duration") && error.message.contains("a year"), "{}", error.message);
    }
    let error = sim.call("sim:SetTimings", json!({ "imagePull": "1h1h" })).expect_err("a repeated unit");
    assert!(error.message.contains("each unit may appear once"), "{}", error.message);
    sim.call("sim:SetTimings", json!({ "imagePull": "365d" })).expect("a year is the bound");
}

#[test]
fn register_task_definition_refuses_images_that_are_not_image_references() {
    let mut sim = run_scenario("alb-path-routing", None, "10s");
    let register = |sim: &mut ecs_sim::sim::Sim, image: serde_json::Value| {
        sim.call("ecs:RegisterTaskDefinition", json!({ "family": "hostile", "containerDefinitions": [ { "name": "app", "image": image, "memory": 128 } ] }))
    };
    for image in ["\u{0}\u{1}", "nginx\n:latest", "nginx latest", "nginx:latest\u{7f}"] {
        let error = register(&mut sim, json!(image)).expect_err("control characters");
        assert_eq!(error.message, "Container.image contains invalid characters.", "{image:?}");
    }
    for image in [json!({}), json!(7), json!(["nginx"])] {
        let error = register(&mut sim, image.clone()).expect_err("not a string");
        assert!(error.message.contains("containerDefinitions[0].image"), "{image}: {}", error.message);
    }
    for image in ["nginx", "public.ecr.aws/nginx/nginx:1.27", "012345678910.dkr.ecr.us-east-1.amazonaws.com/web@sha256:94afd1f2e64d908bc90dbca0035a5b567", "quay.io/org/app:v1#build"] {
        register(&mut sim, json!(image)).unwrap_or_else(|e| panic!("{image}: {e:?}"));
    }
    // `ecs-sim validate` names the member's path.
    let file = temp_file("image-control.json", r#"{ "family": "f", "containerDefinitions": [ { "name": "a", "image": "\u0000\u0001", "memory": 128 } ] }"#);
    let out = ecs_sim(&["validate", &file]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains(&format!("error: {file}: containerDefinitions[0].image: Container.image contains invalid characters.")), "{}", stdout(&out));
}

#[test]
fn scenario_messages_say_what_is_wrong() {
    let seed = ecs_sim::scenario::parse_scenario_str(r#"{ "formatVersion": 1, "seed": -1 }"#).unwrap_err();
    assert_eq!((seed[0].path.as_str(), seed[0].message.as_str()), ("seed", "seed must be a non-negative integer."));
    let version = ecs_sim::scenario::parse_scenario_str(r#"{ "formatVersion": "1" }"#).unwrap_err();
    assert_eq!((version[0].path.as_str(), version[0].message.as_str()), ("formatVersion", "formatVersion \"1\" is not supported; this playground reads formatVersion 1. formatVersion must be a number, not a string."));
    let at = ecs_sim::scenario::parse_scenario_str(&scenario_with_step_at("31536001")).unwrap_err();
    assert_eq!((at[0].path.as_str(), at[0].message.as_str()), ("steps[0].at", "at must be at most a year (365d) of sim time."));
    assert_eq!(ecs_sim::scenario::parse_scenario_str(&scenario_with_step_at("31536000")).expect("a year").steps[0].at_ms, MAX_SIM_TIME_MS);
    // The position of a JSON error is given once.
    let json = ecs_sim::scenario::parse_scenario_str("{ \"formatVersion\": 1,\n  \"steps\": [ }").unwrap_err();
    assert_eq!(json[0].message, "The scenario is not valid JSON: expected value (line 2, column 14).");
}

#[test]
fn a_fault_injection_duration_past_a_year_is_refused() {
    let mut sim = run_scenario("alb-path-routing", None, "1m");
    let disrupt = |sim: &mut ecs_sim::sim::Sim, duration: &str| {
        sim.call("fis:aws:network:disrupt-connectivity", json!({ "targets": { "Subnets": { "resourceType": "aws:ec2:subnet",
            "filters": [ { "path": "AvailabilityZone", "values": ["us-east-1a"] } ], "selectionMode": "ALL" } },
            "parameters": { "duration": duration, "scope": "all" } }))
    };
    let error = disrupt(&mut sim, "PT8761H").expect_err("past a year");
    assert_eq!((error.code, error.message.as_str()), ("ValidationException", "parameters.duration must be at most a year (365d) of sim time."));
    let error = disrupt(&mut sim, "PT99999999999999999H").expect_err("too large to count");
    assert!(error.message.starts_with("Invalid duration PT99999999999999999H"), "{}", error.message);
    disrupt(&mut sim, "PT10M").expect("ten minutes");
}

#[test]
fn register_task_definition_refuses_an_image_longer_than_255_characters_as_aws_does() {
    let mut sim = run_scenario("alb-path-routing", None, "10s");
    let register = |sim: &mut ecs_sim::sim::Sim, image: String| {
        sim.call("ecs:RegisterTaskDefinition", json!({ "family": "long", "containerDefinitions": [ { "name": "app", "image": image, "memory": 128 } ] }))
    };
    let repository = "123456789012.dkr.ecr.us-east-1.amazonaws.com/";
    let fits = format!("{repository}{}", "a".repeat(255 - repository.len()));
    register(&mut sim, fits).expect("255 characters fit");
    let error = register(&mut sim, format!("{repository}{}", "a".repeat(256 - repository.len()))).expect_err("256 characters");
    assert_eq!((error.code, error.message.as_str()), ("ClientException", "Container.image should be 255 characters or less"));
}

#[test]
fn json_that_names_a_key_twice_is_refused_with_the_key_and_its_position() {
    let duplicate = "{ \"family\": \"a\",\n  \"family\": \"b\", \"containerDefinitions\": [] }";
    let error = ecs_sim::codec::parse_json(duplicate).expect_err("a duplicate key");
    assert_eq!(error.to_string(), "duplicate key \"family\" at line 2 column 10");
    // Nested objects too; the same key in two objects is fine.
    assert!(ecs_sim::codec::parse_json(r#"{ "a": { "x": 1, "x": 2 } }"#).is_err());
    assert_eq!(ecs_sim::codec::parse_json(r#"{ "a": { "x": 1 }, "b": [{ "x": 2 }, { "x": 3 }] }"#).unwrap(), json!({ "a": { "x": 1 }, "b": [{ "x": 2 }, { "x": 3 }] }));
    // A task definition and a scenario name it, where they are read.
    let errors = ecs_sim::taskdef::parse_task_definition_str(duplicate).expect_err("task definition");
    assert!(errors[0].message.contains("duplicate key \"family\"") && errors[0].message.contains("line 2"), "{}", errors[0].message);
    let errors = ecs_sim::scenario::parse_scenario_str("{ \"formatVersion\": 1, \"seed\": 1, \"seed\": 2 }").expect_err("scenario");
    assert!(errors[0].message.contains("duplicate key \"seed\""), "{}", errors[0].message);
    // `ecs-sim validate` says so and exits 1 (a document with a mistake, not unreadable input).
    let file = temp_file("duplicate-key.json", duplicate);
    let out = ecs_sim(&["validate", &file]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(stdout(&out).contains("duplicate key \\\"family\\\"") || stdout(&out).contains("duplicate key \"family\""), "{}", stdout(&out));
}

#[test]
fn an_answer_slower_than_the_idle_timeout_is_a_504_and_no_response_time_passes_it() {
    let mut sim = run_scenario("alb-path-routing", None, "3m");
    // Every request takes its target 40 s of CPU: the spread of answers around it reaches past the ALB's
    // 60-second idle timeout, and those become 504s from the load balancer.
    sim.call("sim:SetLoad", json!({ "loadBalancer": "shop-alb", "pattern": "constant", "requestsPerSecond": 20, "cpuMsPerRequest": 40_000 })).expect("SetLoad");
    advance(&mut sim, t("8m"));
    let view = sim.view();
    let lb = view.load_balancers.iter().find(|l| l.name == "shop-alb").expect("shop-alb");
    let after: Vec<_> = lb.metrics.iter().filter(|m| m.minute_start_ms >= 4 * 60_000).collect();
    assert!(!after.is_empty());
    for m in &after {
        assert!(m.p99_ms < 60_000.0, "p99 {} ms past the idle timeout at minute {}", m.p99_ms, m.minute_start_ms / 60_000);
        assert!(m.elb_504 <= m.elb_5xx, "504s are 5xx from the load balancer");
    }
    let n_504: u64 = after.iter().map(|m| m.elb_504).sum();
    let n_requests: u64 = after.iter().map(|m| m.request_count).sum();
    assert!(n_504 > 0 && n_504 <= n_requests, "{n_504} 504s of {n_requests} requests");
    assert!(view.target_groups.iter().flat_map(|g| &g.targets).all(|t| t.latency_ms <= 60_000), "a target shows a latency past the idle timeout");
}

#[test]
fn the_largest_scenario_has_ten_thousand_steps() {
    let with_steps = |n: usize| {
        let steps: Vec<serde_json::Value> = (0..n).map(|i| serde_json::json!({ "at": i as u64, "call": "ecs:ListClusters", "input": {} })).collect();
        serde_json::json!({ "formatVersion": 1, "name": "many steps", "seed": 1, "steps": steps })
    };
    let scenario = ecs_sim::scenario::parse_scenario(&with_steps(10_000)).expect("10,000 steps are accepted");
    assert_eq!(scenario.steps.len(), 10_000);
    let errors = ecs_sim::scenario::parse_scenario(&with_steps(10_001)).expect_err("10,001 steps are refused");
    assert!(errors.iter().any(|e| e.path == "steps" && e.message == "A scenario can have at most 10000 steps."), "{errors:?}");
}
