//! Lessons: every lesson file is valid and listed in the index, every reference solution passes every objective,
//! a wrong attempt at every lesson fails a named objective for the right reason, the format's errors name the
//! field, the checker is deterministic, and the CLI's `lessons` and `lesson check` work with their exit codes.

use std::collections::BTreeSet;

use ecs_sim::lesson::{check_answered_run, check_lesson, check_run, parse_lesson, parse_lesson_index, parse_lesson_str, CardPick, LearnerCall, Lesson, Track};
use serde_json::{json, Value};

use crate::cli::{code, ecs_sim, stdout, temp_file};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../crate/lessons");

fn lesson_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(DIR)
        .expect("crate/lessons")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && n != "index.json")
        .map(|n| n.trim_end_matches(".json").to_string())
        .collect();
    ids.sort();
    ids
}

fn load(id: &str) -> Lesson {
    let text = std::fs::read_to_string(format!("{DIR}/{id}.json")).expect("lesson file");
    parse_lesson_str(&text).unwrap_or_else(|errors| panic!("{id}: {errors:?}"))
}

/// When the reference solution presses Check: after its last call.
fn solution_check_at_ms(lesson: &Lesson) -> u64 {
    lesson.solution.iter().map(|s| s.at_ms).max().unwrap_or(0)
}

#[test]
fn there_are_at_least_25_valid_lessons_in_every_track_and_the_index_lists_them() {
    let ids = lesson_ids();
    assert!(ids.len() >= 25, "only {} lessons", ids.len());
    let lessons: Vec<Lesson> = ids.iter().map(|id| load(id)).collect();
    for (id, lesson) in ids.iter().zip(&lessons) {
        assert_eq!(&lesson.id, id, "the file name is the lesson's id");
        assert!(!lesson.steps.is_empty() && !lesson.objectives.is_empty() && !lesson.solution.is_empty(), "{id}");
    }
    // The app tells whether a lesson's scenario is the one running by its name: each lesson's is its own.
    let names: BTreeSet<&str> = lessons.iter().map(|l| l.scenario.name.as_str()).collect();
    assert_eq!(names.len(), lessons.len(), "two lessons start from scenarios of the same name");
    let tracks: BTreeSet<Track> = lessons.iter().map(|l| l.track).collect();
    assert_eq!(tracks.len(), Track::ALL.len(), "every track has a lesson: {tracks:?}");
    let index = parse_lesson_index(&std::fs::read_to_string(format!("{DIR}/index.json")).expect("index")).expect("valid index");
    let indexed: Vec<String> = {
        let mut v: Vec<String> = index.iter().map(|e| e.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(indexed, ids, "index.json lists exactly the lesson files");
    for entry in &index {
        let lesson = lessons.iter().find(|l| l.id == entry.id).expect("listed lesson");
        assert_eq!((entry.title.as_str(), entry.track), (lesson.title.as_str(), lesson.track), "{}", entry.id);
        let exams: BTreeSet<_> = lesson.exams.iter().map(|e| e.exam).collect();
        assert_eq!(entry.exams.iter().copied().collect::<BTreeSet<_>>(), exams, "{}", entry.id);
    }
}

#[test]
fn every_reference_solution_passes_every_objective() {
    for id in lesson_ids() {
        let lesson = load(&id);
        let report = check_lesson(&lesson);
        assert!(report.refused_calls.is_empty(), "{id}: the solution's calls were refused: {:?}", report.refused_calls);
        for verdict in &report.verdicts {
            assert!(verdict.passed, "{id}: objective {} failed: {}", verdict.id, verdict.reason);
        }
        assert_eq!(report.verdicts.len(), lesson.objectives.len());
    }
}

/// A wrong attempt per lesson: the calls it makes (none: the starting design as it is), and the objective it
/// must fail with a fragment of the reason.
const WRONG_ATTEMPTS: &[(&str, &str, &str, &str)] = &[
    ("alb-dynamic-ports", "[]", "steady", "2 RUNNING tasks"),
    ("binpack-fewest-instances", r#"[{"at": "2m", "call": "ecs:CreateService", "input": {"cluster": "demo", "serviceName": "batch", "taskDefinition": "batch", "desiredCount": 8}}]"#, "packed", "use 4 instance(s)"),
    ("blue-green-alarm-rollback", "[]", "rolled-back", "not on web:1"),
    ("capacity-provider-managed-scaling", r#"[{"at": "2m", "call": "ecs:CreateService", "input": {"cluster": "demo", "serviceName": "worker", "taskDefinition": "worker", "desiredCount": 2}}]"#, "steady", "RUNNING tasks; the objective is 10"),
    ("choose-the-platform", "[]", "helm", "Not answered"),
    ("circuit-breaker-rollback", "[]", "rolled-back", "not steady"),
    ("container-insights-alarm", "[]", "alarm", "No alarm's name starts with 'api-running-low'"),
    ("cpu-alarm", "[]", "alarm", "No alarm's name starts with 'web-cpu-high'"),
    ("daemon-agent-per-host", "[]", "one-per-host", "0 RUNNING tasks of 'agent'"),
    ("drain-before-scale-in", "[]", "cost", "100% of the"),
    ("ec2-spot-diversified", "[]", "cost", "100% of the"),
    ("efs-mount-target-per-az", "[]", "mounts", "ResourceInitializationError"),
    ("execution-role-private-image", "[]", "steady", "0 RUNNING tasks"),
    ("fargate-ip-targets", "[]", "healthy", "There is no target group 'web-tg'"),
    ("fargate-spot-base", "[]", "cost", "100% of the"),
    ("first-fargate-service", "[]", "steady", "There is no service 'web'"),
    ("least-privilege-task-role", "[]", "no-delete", "allow-all"),
    ("path-routing", "[]", "rule", "No accepted elasticloadbalancing:CreateRule"),
    ("pending-tasks-diagnose", "[]", "steady", "2 RUNNING tasks"),
    ("private-subnet-endpoints", r#"[{"at": "1m", "call": "ec2:CreateRoute", "input": {"RouteTableId": "rtb-private", "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-a"}}]"#, "per-zone", "through nat-a in us-east-1a"),
    ("queue-depth-scaling", "[]", "age", "ApproximateAgeOfOldestMessage was at most 2580"),
    ("right-size-task", "[]", "cost", "100% of the"),
    ("rolling-deploy-no-headroom", "[]", "steady", "not on web:2"),
    ("scheduled-scaling", "[]", "ready", "2 RUNNING tasks of 'web'"),
    ("secrets-manager-injection", "[]", "can-read", "There is no role 'api-execution-role'"),
    ("spread-survives-az-loss", "[]", "survives", "the objective is at least 3 throughout"),
    ("ssm-parameter-config", "[]", "can-read", "Implicitly denied"),
    ("step-functions-batch", STEP_FUNCTIONS_REQUEST_RESPONSE, "truthful", "request/response integration reported success"),
    ("target-tracking-spike", "[]", "grew", "2 RUNNING tasks of 'web'"),
    ("task-definition-accepted", "[]", "steady", "There is no service 'api'"),
    ("troubleshoot-stopped-task", "[]", "no-crash", "EssentialContainerExited"),
];

/// The nightly batch's state machine with the request/response integration and no Retry: it reports success
/// before (or without) the job.
const STEP_FUNCTIONS_REQUEST_RESPONSE: &str = r#"[{"at": "1m", "call": "states:CreateStateMachine", "input": {"name": "nightly-batch", "definition": "{\"Comment\":\"Nightly batch on Fargate\",\"StartAt\":\"RunJob\",\"States\":{\"RunJob\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::ecs:runTask\",\"Parameters\":{\"Cluster\":\"demo\",\"TaskDefinition.$\":\"$.taskDefinition\",\"CapacityProviderStrategy\":[{\"CapacityProvider\":\"FARGATE_SPOT\",\"Weight\":1}],\"NetworkConfiguration\":{\"AwsvpcConfiguration\":{\"Subnets\":[\"subnet-a\",\"subnet-b\"],\"SecurityGroups\":[\"sg-tasks\"],\"AssignPublicIp\":\"ENABLED\"}},\"Overrides\":{\"ContainerOverrides\":[{\"Name\":\"job\",\"Environment\":[{\"Name\":\"RUN_DATE\",\"Value.$\":\"$.runDate\"}]}]}},\"ResultPath\":\"$.task\",\"Next\":\"Done\"},\"Done\":{\"Type\":\"Succeed\"}}}", "roleArn": "arn:aws:iam::123456789012:role/nightly-sfn-role"}}]"#;

#[test]
fn a_wrong_attempt_at_every_lesson_fails_a_named_objective_for_the_right_reason() {
    let ids = lesson_ids();
    let covered: Vec<String> = WRONG_ATTEMPTS.iter().map(|w| w.0.to_string()).collect();
    assert_eq!(covered, ids, "one wrong attempt per lesson, in file order");
    for (id, calls, objective, fragment) in WRONG_ATTEMPTS {
        let lesson = load(id);
        let calls = parse_calls(calls);
        let report = check_run(&lesson, None, &calls, solution_check_at_ms(&lesson));
        let verdict = report.verdict(objective).unwrap_or_else(|| panic!("{id}: no objective {objective}"));
        assert!(!verdict.passed, "{id}: the wrong attempt passed {objective}: {}", verdict.reason);
        assert!(verdict.reason.contains(fragment), "{id}: {objective} failed for another reason: {}", verdict.reason);
        assert!(!report.passed());
    }
}

#[test]
fn a_sync_state_machine_without_retry_fails_on_the_capacity_error_and_names_it() {
    let lesson = load("step-functions-batch");
    let calls = parse_calls(STEP_FUNCTIONS_SYNC_NO_RETRY);
    let report = check_run(&lesson, None, &calls, solution_check_at_ms(&lesson));
    let truthful = report.verdict("truthful").expect("truthful");
    assert!(!truthful.passed && truthful.reason.contains("ended FAILED (AmazonECS.Unknown) before any ECS task ran"), "{}", truthful.reason);
    let retried = report.verdict("retried").expect("retried");
    assert!(!retried.passed && retried.reason.contains("(3 execution(s) had a Task fail with it)"), "{}", retried.reason);
}

/// The nightly batch's state machine with `.sync` but no Retry.
const STEP_FUNCTIONS_SYNC_NO_RETRY: &str = r#"[{"at": "1m", "call": "states:CreateStateMachine", "input": {"name": "nightly-batch", "definition": "{\"Comment\": \"Nightly batch on Fargate\", \"StartAt\": \"RunJob\", \"States\": {\"RunJob\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::ecs:runTask.sync\", \"Parameters\": {\"Cluster\": \"demo\", \"TaskDefinition.$\": \"$.taskDefinition\", \"CapacityProviderStrategy\": [{\"CapacityProvider\": \"FARGATE_SPOT\", \"Weight\": 1}], \"NetworkConfiguration\": {\"AwsvpcConfiguration\": {\"Subnets\": [\"subnet-a\", \"subnet-b\"], \"SecurityGroups\": [\"sg-tasks\"], \"AssignPublicIp\": \"ENABLED\"}}, \"Overrides\": {\"ContainerOverrides\": [{\"Name\": \"job\", \"Environment\": [{\"Name\": \"RUN_DATE\", \"Value.$\": \"$.runDate\"}]}]}}, \"ResultPath\": \"$.task\", \"Next\": \"Done\"}, \"Done\": {\"Type\": \"Succeed\"}}}", "roleArn": "arn:aws:iam::123456789012:role/nightly-sfn-role"}}]"#;

#[test]
fn decision_cards_are_judged_by_the_picks_and_cost_cards_by_the_bill() {
    let lesson = load("choose-the-platform");
    assert_eq!(lesson.cards().len(), 8);
    let calls: Vec<LearnerCall> = lesson.solution.iter().map(LearnerCall::from_step).collect();
    // Fargate for the steady workload, and the wrong service for the GPU card; the rest as the solution picks.
    let picks: Vec<CardPick> = lesson
        .solution_answers
        .iter()
        .map(|p| match p.objective.as_str() {
            "steady-cost" => CardPick { objective: p.objective.clone(), choice: 1 },
            "gpu" => CardPick { objective: p.objective.clone(), choice: 1 },
            _ => p.clone(),
        })
        .collect();
    let report = check_answered_run(&lesson, None, &calls, &picks, solution_check_at_ms(&lesson));
    let steady = report.verdict("steady-cost").expect("steady-cost");
    assert!(!steady.passed && steady.reason.contains("You picked Amazon ECS on AWS Fargate; the answer is Amazon ECS on Amazon EC2"), "{}", steady.reason);
    // The bill decides: the EC2 cluster's cost to date is below the Fargate cluster's.
    assert!(steady.reason.contains("(cluster 'steady-ec2') cost $1.1568"), "{}", steady.reason);
    let gpu = report.verdict("gpu").expect("gpu");
    assert!(!gpu.passed && gpu.reason.contains("the answer is Amazon ECS on Amazon EC2"), "{}", gpu.reason);
    assert_eq!(report.n_passed(), 6);
    // The spiky workload's bill: Fargate pays for 1 hour of tasks, EC2 for 6 hours of instances.
    assert!(report.verdict("spiky-cost").expect("spiky").reason.contains("(cluster 'spiky-fargate') cost $0.1999"));
}

#[test]
fn spot_instances_without_draining_lose_their_tasks_at_the_interruption() {
    let lesson = load("ec2-spot-diversified");
    let report = check_run(&lesson, None, &parse_calls(SPOT_WITHOUT_DRAINING), solution_check_at_ms(&lesson));
    // The same design at the same cost, but the agent does not drain: the tasks stop with the instances.
    assert!(report.verdict("cost").expect("cost").passed);
    let available = report.verdict("available").expect("available");
    assert!(!available.passed && available.reason.contains("had at least 5 RUNNING tasks"), "{}", available.reason);
    let drained = report.verdict("drained").expect("drained");
    assert!(!drained.passed, "{}", drained.reason);
    assert!(report.verdict("steady").expect("steady").passed, "the group replaces the reclaimed instances and the service recovers");
}

/// The lesson's solution with a launch template whose user data does not set ECS_ENABLE_SPOT_INSTANCE_DRAINING.
const SPOT_WITHOUT_DRAINING: &str = r##"[{"at": "5m", "call": "ec2:CreateLaunchTemplate", "input": {"LaunchTemplateName": "ecs-spot", "LaunchTemplateData": {"InstanceType": "m5.large", "IamInstanceProfile": {"Name": "ecsInstanceRole"}, "UserData": "#!/bin/bash\necho ECS_CLUSTER=demo >> /etc/ecs/ecs.config"}}}, {"at": "5m", "call": "autoscaling:CreateAutoScalingGroup", "input": {"AutoScalingGroupName": "ecs-mixed", "MixedInstancesPolicy": {"LaunchTemplate": {"LaunchTemplateSpecification": {"LaunchTemplateName": "ecs-spot", "Version": "$Latest"}, "Overrides": [{"InstanceType": "m5.large"}, {"InstanceType": "m6i.large"}, {"InstanceType": "m4.large"}]}, "InstancesDistribution": {"OnDemandBaseCapacity": 1, "OnDemandPercentageAboveBaseCapacity": 0, "SpotAllocationStrategy": "capacity-optimized"}}, "MinSize": 0, "MaxSize": 10, "DesiredCapacity": 6, "VPCZoneIdentifier": "subnet-a,subnet-b"}}, {"at": "10m", "call": "autoscaling:SetDesiredCapacity", "input": {"AutoScalingGroupName": "ecs-ondemand", "DesiredCapacity": 0}}, {"at": "20m", "call": "ecs:DescribeServices", "input": {"cluster": "demo", "services": ["web"]}}]"##;

fn parse_calls(text: &str) -> Vec<LearnerCall> {
    let steps: Value = serde_json::from_str(text).expect("calls JSON");
    let scenario = ecs_sim::scenario::parse_scenario(&json!({ "formatVersion": 1, "steps": steps })).expect("calls");
    scenario.steps.iter().map(LearnerCall::from_step).collect()
}

#[test]
fn the_checker_is_deterministic_and_plays_recorded_calls_by_event_count() {
    let lesson = load("fargate-spot-base");
    let first = check_lesson(&lesson);
    let second = check_lesson(&lesson);
    assert_eq!(first, second);
    // The same calls recorded by a live run (with their event counts) are judged the same way.
    let mut sim = ecs_sim::sim::Sim::new(&lesson.scenario, None);
    for step in &lesson.solution {
        sim.advance_to(ecs_sim::time::SimTime(step.at_ms), u32::MAX);
        let _ = sim.call(&step.call, step.input.clone());
    }
    let recorded: Vec<LearnerCall> = sim
        .recorded_calls()
        .iter()
        .map(|c| LearnerCall { at_ms: c.time.0, n_events: Some(c.n_events), call: c.call.clone(), input: c.input.clone(), as_name: None })
        .collect();
    let replayed = check_run(&lesson, None, &recorded, sim.now().0);
    assert!(replayed.passed(), "{:?}", replayed.verdicts);
    assert_eq!(replayed.verdicts.iter().map(|v| &v.reason).collect::<Vec<_>>(), first.verdicts.iter().map(|v| &v.reason).collect::<Vec<_>>());
}

fn first_error(document: Value) -> (String, String) {
    let errors = parse_lesson(&document).expect_err("invalid lesson");
    (errors[0].path.clone(), errors[0].message.clone())
}

fn minimal() -> Value {
    json!({
        "formatVersion": 1, "id": "tiny", "title": "Tiny", "track": "foundations",
        "exams": [{"exam": "SAA-C03", "task": "2.2"}], "scenario": "fargate-web-service", "goal": "Run it.",
        "steps": [{"text": "Do it.", "hint": "Like this."}],
        "objectives": [{"id": "steady", "text": "Steady.", "check": {"kind": "serviceSteady", "cluster": "demo", "service": "web", "runningCount": 6}}],
        "solution": [{"at": "0s", "call": "ecs:DescribeClusters", "input": {}}]
    })
}

#[test]
fn format_errors_name_the_field() {
    assert!(parse_lesson(&minimal()).is_ok());
    let with = |pointer: &str, value: Value| {
        let mut doc = minimal();
        *doc.pointer_mut(pointer).expect("member") = value;
        first_error(doc)
    };
    assert_eq!(with("/formatVersion", json!(2)).0, "formatVersion");
    assert_eq!(with("/track", json!("kubernetes")), ("track".into(), "track 'kubernetes' is not one of foundations, load-balancing, scaling, cost, security, storage, operations.".into()));
    assert_eq!(with("/exams/0/exam", json!("SAA-C09")).0, "exams[0].exam");
    assert_eq!(with("/scenario", json!("no-such-scenario")).0, "scenario");
    assert_eq!(with("/objectives/0/check/kind", json!("networkPath")).0, "objectives[0].check.kind");
    assert_eq!(with("/objectives/0/check/runningCount", json!(-1)).0, "objectives[0].check.runningCount");
    assert_eq!(with("/solution/0/call", json!("ecs:Teleport")), ("solution[0].call".into(), "The playground does not know the call 'ecs:Teleport'.".into()));
    assert_eq!(with("/id", json!("Has Spaces")).0, "id");
    assert_eq!(
        with("/objectives/0/check", json!({"kind": "logLinePresent", "contains": "rolling back", "logKind": "gossip"})),
        ("objectives[0].check.logKind".into(), "logKind 'gossip' is not one of call, error, service, task, instance, taskdef, fault, iam, storage, traffic, scaling, alarm.".into())
    );
    assert_eq!(with("/objectives/0/check", json!({"kind": "noTaskStopped", "cluster": "demo"})).0, "objectives[0].check");
    assert_eq!(with("/objectives/0/check", json!({"kind": "privateEgressPerZone", "cluster": "demo"})), ("objectives[0].check.service".into(), "service is required.".into()));
    assert_eq!(with("/objectives/0/check", json!({"kind": "taskRetried", "stateMachine": "nightly", "error": 7})), ("objectives[0].check.error".into(), "error must be a string.".into()));
    let card = json!({"kind": "decision", "question": "Which?", "choices": ["A", "B"], "answer": 2, "explanation": "Because."});
    assert_eq!(with("/objectives/0/check", card.clone()), ("objectives[0].check.answer".into(), "answer must be the index of a choice, from 0 to 1.".into()));
    let mut repeated = card.clone();
    repeated["choices"] = json!(["A", "A"]);
    repeated["answer"] = json!(0);
    assert_eq!(with("/objectives/0/check", repeated), ("objectives[0].check.choices[1]".into(), "The same choice is listed twice.".into()));
    let mut unanswered = minimal();
    unanswered["objectives"][0]["check"] = json!({"kind": "costDecision", "question": "Cheaper?", "explanation": "The bill.", "choices": [{"text": "EC2", "cluster": "a"}, {"text": "Fargate", "cluster": "b"}]});
    assert_eq!(first_error(unanswered.clone()), ("solutionAnswers".into(), "solutionAnswers is required: the reference solution's pick on each decision card, {\"<objective id>\": <choice index>}.".into()));
    unanswered["solutionAnswers"] = json!({"steady": 5});
    assert_eq!(first_error(unanswered), ("solutionAnswers.steady".into(), "The pick must be the index of a choice, from 0 to 1.".into()));
    assert_eq!(with("/objectives/0/check", json!({"kind": "metricAtMost", "namespace": "AWS/SQS", "metricName": "ApproximateAgeOfOldestMessage", "max": "300"})), ("objectives[0].check.max".into(), "max is required: a number.".into()));
    let mut too_long = minimal();
    too_long["checkFor"] = json!("7h");
    assert_eq!(first_error(too_long), ("checkFor".into(), "checkFor must be more than 0s and at most 6h.".into()));
    let mut inline = minimal();
    inline["scenario"] = json!({"formatVersion": 1, "network": {"subnets": []}});
    assert_eq!(first_error(inline).0, "scenario.network.subnets");
    let mut missing = minimal();
    missing.as_object_mut().expect("object").remove("goal");
    assert_eq!(first_error(missing), ("goal".into(), "goal is required.".into()));
    assert_eq!(parse_lesson_str("{").expect_err("not JSON")[0].path, "$");
}

#[test]
fn the_cli_lists_lessons_and_checks_one_with_exit_codes() {
    let listed = ecs_sim(&["lessons"]);
    assert_eq!(code(&listed), 0);
    assert_eq!(stdout(&listed).lines().count(), lesson_ids().len());
    assert!(stdout(&listed).contains("first-fargate-service\tfoundations\tHello, Fargate: your first service"));
    let solved = ecs_sim(&["lesson", "check", "first-fargate-service"]);
    assert_eq!(code(&solved), 0, "{}", stdout(&solved));
    assert!(stdout(&solved).contains("PASS steady:") && stdout(&solved).contains("3 of 3 objectives passed"));
    let nothing = temp_file("lesson-calls-none.json", "[]");
    let failed = ecs_sim(&["lesson", "check", "first-fargate-service", "--calls", &nothing, "--at", "1m"]);
    assert_eq!(code(&failed), 1);
    assert!(stdout(&failed).contains("FAIL steady:") && stdout(&failed).contains("There is no service 'web' in cluster 'demo'."));
    let missing = ecs_sim(&["lesson", "check", "no-such-lesson"]);
    assert_eq!(code(&missing), 2);
    let quiz = ecs_sim(&["quiz", "deployment", "--seed", "7"]);
    assert_eq!(code(&quiz), 0);
    let question = ecs_sim::lesson::quiz::generate(ecs_sim::lesson::quiz::QuizKind::Deployment, 7);
    assert!(stdout(&quiz).contains(&format!("* {}. {}", question.answer + 1, question.choices[question.answer])), "{}", stdout(&quiz));
    assert_eq!(code(&ecs_sim(&["quiz", "trivia"])), 2);
    let validated = ecs_sim(&["validate", &format!("{DIR}/first-fargate-service.json")]);
    assert_eq!(code(&validated), 0, "{}", stdout(&validated));
}

/// How many seeds each quiz kind is held to the engine over.
const QUIZ_SEEDS: u64 = 1_000;

fn quiz_agrees_with_the_engine(kind: ecs_sim::lesson::quiz::QuizKind) {
    use ecs_sim::lesson::quiz::generate;
    for seed in 0..QUIZ_SEEDS {
        let question = generate(kind, seed);
        assert!(question.answer < question.choices.len(), "{kind:?} seed {seed}: the engine's decision is not a choice: {question:?}");
        assert_eq!(question.answer, question.rule_answer, "{kind:?} seed {seed}: the rule and the engine disagree: {question:#?}");
        assert!(!question.explanation.is_empty() && !question.prompt.is_empty());
        let unique: BTreeSet<&String> = question.choices.iter().collect();
        assert_eq!(unique.len(), question.choices.len(), "{kind:?} seed {seed}: repeated choices");
    }
    // The same seed gives the same question.
    assert_eq!(generate(kind, 7), generate(kind, 7));
}

#[test]
fn placement_quiz_answers_agree_with_the_engine_for_1000_seeds() {
    quiz_agrees_with_the_engine(ecs_sim::lesson::quiz::QuizKind::Placement);
}

#[test]
fn deployment_quiz_answers_agree_with_the_engine_for_1000_seeds() {
    quiz_agrees_with_the_engine(ecs_sim::lesson::quiz::QuizKind::Deployment);
}

#[test]
fn permission_quiz_answers_agree_with_the_engine_for_1000_seeds() {
    quiz_agrees_with_the_engine(ecs_sim::lesson::quiz::QuizKind::Permission);
}

#[test]
fn alarm_quiz_answers_agree_with_the_engine_for_1000_seeds() {
    quiz_agrees_with_the_engine(ecs_sim::lesson::quiz::QuizKind::Alarm);
}

/// Replaces one value somewhere in `value` (chosen by `rng`) with a value of another type, or removes a member.
fn mutate(value: &mut Value, rng: &mut ecs_sim::rng::Prng) {
    let replacements = [json!(null), json!(-1), json!("x"), json!([]), json!({}), json!(1e300), json!(true)];
    match value {
        Value::Object(map) if !map.is_empty() && rng.below(4) != 0 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[rng.below(keys.len() as u32) as usize];
            if rng.below(5) == 0 {
                map.remove(key);
            } else if let Some(child) = map.get_mut(key) {
                mutate(child, rng);
            }
        }
        Value::Array(items) if !items.is_empty() && rng.below(4) != 0 => {
            let i = rng.below(items.len() as u32) as usize;
            mutate(&mut items[i], rng);
        }
        _ => *value = replacements[rng.below(replacements.len() as u32) as usize].clone(),
    }
}

#[test]
fn mutated_lesson_files_are_refused_with_a_path_and_never_panic() {
    let mut rng = ecs_sim::rng::Prng::new(18);
    let documents: Vec<Value> = lesson_ids().iter().map(|id| serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/{id}.json")).expect("file")).expect("JSON")).collect();
    for round in 0..2_000 {
        let mut document = documents[round % documents.len()].clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut document, &mut rng);
        }
        if let Err(errors) = parse_lesson(&document) {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(!e.path.is_empty() && !e.message.is_empty(), "round {round}: {e:?}");
            }
        }
    }
}
