//! Demo mode's core parts: the `say` captions of a scenario's steps (validated, in the order the run reaches
//! them, leaving the run as it was) and the architecture diagram of a view as an SVG for a slide.

use ecs_sim::diagram::architecture_svg;
use ecs_sim::scenario::{caption_at, next_caption_ms, parse_scenario, previous_caption_ms, BUILTIN_SCENARIOS};
use ecs_sim::sim::Sim;
use ecs_sim::view::TaskStatus;
use ecs_sim_tests::*;
use serde_json::{json, Value};

fn with_steps(steps: Value) -> Value {
    json!({ "formatVersion": 1, "name": "captions", "seed": 1, "steps": steps })
}

#[test]
fn a_step_may_carry_a_caption_and_a_bad_one_is_refused_naming_the_field() {
    let scn = parse_scenario(&with_steps(json!([
        { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo" }, "say": "First, a cluster." },
        { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "other" }, "say": "Said at the same time: not a second caption." },
        { "at": "2m", "call": "ecs:DeleteCluster", "input": { "cluster": "other" }, "say": "  Then one goes away.  " },
    ])))
    .expect("a valid scenario");
    let captions: Vec<(u64, String)> = scn.captions().into_iter().map(|c| (c.at_ms, c.text)).collect();
    assert_eq!(captions, [(0, "First, a cluster.".to_string()), (120_000, "Then one goes away.".to_string())]);
    let list = scn.captions();
    assert_eq!(caption_at(&list, 60_000).map(|(i, c)| (i, c.at_ms)), Some((0, 0)));
    assert_eq!(caption_at(&list, 120_000).map(|(i, _)| i), Some(1));
    assert_eq!(next_caption_ms(&list, 0), Some(120_000));
    assert_eq!(next_caption_ms(&list, 120_000), None);
    assert_eq!(previous_caption_ms(&list, 120_000), Some(0), "from a caption's own time, the one before it");
    assert_eq!(previous_caption_ms(&list, 90_000), Some(0));
    assert_eq!(previous_caption_ms(&list, 0), None);
    for (say, wording) in [(json!(7), "say must be a string"), (json!("  "), "say must not be empty"), (json!("x".repeat(281)), "at most 280 characters")] {
        let errors = parse_scenario(&with_steps(json!([{ "at": "0s", "call": "ecs:CreateCluster", "input": {}, "say": say }]))).expect_err("refused");
        assert_eq!(errors[0].path, "steps[0].say", "{errors:?}");
        assert!(errors[0].message.contains(wording), "{}", errors[0].message);
    }
}

#[test]
fn captions_leave_the_trace_hash_as_it_was() {
    for (id, text) in BUILTIN_SCENARIOS {
        let mut document: Value = serde_json::from_str(text).expect("JSON");
        let captioned = document["steps"].as_array().is_some_and(|steps| steps.iter().any(|s| s.get("say").is_some()));
        if !captioned {
            continue;
        }
        let with = parse_scenario(&document).expect("scenario");
        for step in document["steps"].as_array_mut().expect("steps") {
            step.as_object_mut().expect("step").remove("say");
        }
        let without = parse_scenario(&document).expect("scenario");
        let until = ecs_sim::time::SimTime(with.steps.iter().map(|s| s.at_ms).max().unwrap_or(0) + 60_000);
        let (mut a, mut b) = (Sim::new(&with, None), Sim::new(&without, None));
        advance(&mut a, until);
        advance(&mut b, until);
        assert_eq!(a.view().trace_hash, b.view().trace_hash, "{id}: the captions changed the run");
        assert!(!with.captions().is_empty(), "{id}");
    }
}

/// Whether every `<g` opens a group that a `</g>` closes, in order.
fn groups_balance(svg: &str) -> bool {
    let mut depth = 0i32;
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with("<g ") || rest.starts_with("<g>") {
            depth += 1;
        } else if rest.starts_with("</g>") {
            depth -= 1;
            if depth < 0 {
                return false;
            }
        }
        rest = &rest[1..];
    }
    depth == 0
}

#[test]
fn the_diagram_draws_the_cluster_its_zones_instances_tasks_and_load_balancers() {
    let sim = run_scenario("alb-path-routing", None, "3m");
    let view = sim.view();
    let svg = architecture_svg(&view, "ALB path routing", Some("Two services behind one load balancer."));
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{}", &svg[..80]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(groups_balance(&svg));
    assert!(svg.contains("data-clusters=\"demo\""));
    assert!(svg.contains("ECS cluster demo"));
    for zone in &view.availability_zones {
        assert!(svg.contains(&format!("data-zone=\"{zone}\"")), "{zone}");
    }
    let live: Vec<_> = view.tasks.iter().filter(|t| t.last_status != TaskStatus::Stopped).collect();
    assert!(!live.is_empty());
    for task in &live {
        assert!(svg.contains(&format!("data-task-id=\"{}\"", task.id)), "task {} is drawn", task.id);
    }
    assert!(svg.contains("class=\"load-balancer\""));
    assert!(svg.contains("shop-alb"));
    assert!(svg.contains("Two services behind one load balancer."));
}

#[test]
fn the_diagram_draws_instances_storage_and_integrations_and_escapes_names() {
    let mut sim = run_scenario("wordpress-efs", None, "3m");
    sim.call("s3:CreateBucket", json!({ "Bucket": "media-uploads" })).expect("bucket");
    sim.call("dynamodb:CreateTable", json!({ "TableName": "sessions", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{ "AttributeName": "id", "AttributeType": "S" }], "KeySchema": [{ "AttributeName": "id", "KeyType": "HASH" }] })).expect("table");
    let view = sim.view();
    let svg = architecture_svg(&view, "WordPress <on> EFS & friends", None);
    assert!(svg.contains("<title>WordPress &lt;on&gt; EFS &amp; friends</title>"));
    assert!(groups_balance(&svg));
    assert!(svg.contains("class=\"storage\""), "the EFS file system is drawn");
    assert!(svg.contains("S3 media-uploads") && svg.contains("DynamoDB sessions"));
    let run = run_scenario("binpack-vs-spread", None, "3m");
    let view = run.view();
    let svg = architecture_svg(&view, "Placement", None);
    let drawn = svg.matches("class=\"instance\"").count();
    let instances = view.instances.iter().filter(|i| i.ec2_state != ecs_sim::view::Ec2State::Terminated).count();
    assert!(drawn > 0 && drawn <= instances, "{drawn} of {instances} instances drawn");
    if let Ok(dir) = std::env::var("DIAGRAM_SVG_DIR") {
        std::fs::write(format!("{dir}/binpack.svg"), &svg).expect("write");
        std::fs::write(format!("{dir}/alb.svg"), architecture_svg(&run_scenario("alb-path-routing", None, "3m").view(), "ALB path routing", Some("Two services behind one load balancer."))).expect("write");
    }
}
