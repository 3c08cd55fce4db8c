//! Quizzes the engine generates: each question is built from a seed (the same seed gives the same question), its
//! answer is the engine's own decision in a run built for the question, and its explanation is what the engine
//! says about that decision (the placement explanation, the deployment's first wave, the stopped reason).
//! Each question also carries the answer the textbook rule gives from what the question shows
//! (`rule_answer`); the tests hold the two to each other over many seeds.

use serde_json::{json, Value};

use crate::hash::splitmix64_finalize as splitmix64;
use crate::rng::Prng;
use crate::scenario::{parse_scenario, Scenario};
use crate::sim::Sim;
use crate::time::SimTime;
use crate::view::{TaskStatus, View};

/// The kinds of generated quiz.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuizKind {
    /// Where will the next task be placed? (placement strategies)
    Placement,
    /// What does the deployment do first? (minimumHealthyPercent and maximumPercent)
    Deployment,
    /// Which permission is missing? (the execution role and IAM policy evaluation)
    Permission,
    /// Which alarm fires first? (thresholds, evaluation periods and datapoints to alarm)
    Alarm,
}

impl QuizKind {
    pub const ALL: [QuizKind; 4] = [QuizKind::Placement, QuizKind::Deployment, QuizKind::Permission, QuizKind::Alarm];

    pub fn as_str(self) -> &'static str {
        match self {
            QuizKind::Placement => "placement",
            QuizKind::Deployment => "deployment",
            QuizKind::Permission => "permission",
            QuizKind::Alarm => "alarm",
        }
    }

    /// The title a learner reads.
    pub fn title(self) -> &'static str {
        match self {
            QuizKind::Placement => "Where will the next task be placed?",
            QuizKind::Deployment => "What does the deployment do first?",
            QuizKind::Permission => "Which permission is missing?",
            QuizKind::Alarm => "Which alarm fires first?",
        }
    }

    pub fn from_str(text: &str) -> Option<QuizKind> {
        QuizKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One generated question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub kind: QuizKind,
    pub seed: u64,
    pub prompt: String,
    /// What the learner is shown about the situation, one fact a line.
    pub facts: Vec<String>,
    pub choices: Vec<String>,
    /// The index of the engine's decision among `choices`.
    pub answer: usize,
    /// The index the textbook rule picks from the facts shown.
    pub rule_answer: usize,
    /// Why, in the engine's words.
    pub explanation: String,
}

/// The question of `kind` for `seed`. A seed whose situation would be ambiguous (two instances tied) moves on to
/// the next variant of the same seed, so every seed gives a question.
pub fn generate(kind: QuizKind, seed: u64) -> Question {
    match kind {
        QuizKind::Placement => placement(seed),
        QuizKind::Deployment => deployment(seed),
        QuizKind::Permission => permission(seed),
        QuizKind::Alarm => alarm(seed),
    }
}

fn scenario(steps: Value) -> Scenario {
    let document = json!({
        "formatVersion": 1, "name": "Quiz", "seed": 1,
        "network": { "vpcId": "vpc-main", "subnets": [
            { "subnetId": "subnet-a", "availabilityZone": "us-east-1a", "cidrBlock": "10.0.1.0/24" },
            { "subnetId": "subnet-b", "availabilityZone": "us-east-1b", "cidrBlock": "10.0.2.0/24" },
            { "subnetId": "subnet-c", "availabilityZone": "us-east-1c", "cidrBlock": "10.0.3.0/24" } ] },
        "steps": steps
    });
    // The documents here are the quiz's own and always valid; an empty scenario stands in if one were not.
    parse_scenario(&document).unwrap_or_else(|_| parse_scenario(&json!({ "formatVersion": 1, "network": { "subnets": [ { "subnetId": "subnet-a", "availabilityZone": "us-east-1a" } ] } })).expect("minimal scenario"))
}

fn pick<'a, T>(rng: &mut Prng, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len() as u32) as usize]
}

fn short(id: &str) -> &str {
    &id[..id.len().min(10)]
}

// ---- Placement ----

const PLACEMENT_TYPES: [&str; 5] = ["t3.medium", "t3.large", "m5.large", "t3.xlarge", "m5.xlarge"];

/// A cluster of 3 to 5 instances with some tasks of the family already placed at random, and a task of 1 GiB
/// run with binpack on memory, or spread across Availability Zones then binpack.
fn placement(seed: u64) -> Question {
    let mut variant = 0u64;
    loop {
        if let Some(question) = placement_variant(seed, splitmix64(seed ^ variant.wrapping_mul(0x9e37_79b9))) {
            return question;
        }
        variant += 1;
    }
}

fn placement_variant(seed: u64, stream: u64) -> Option<Question> {
    let mut rng = Prng::new(stream);
    let mut steps = vec![json!({ "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "quiz" } })];
    let n_instances = 3 + rng.below(3);
    for _ in 0..n_instances {
        let subnet = *pick(&mut rng, &["subnet-a", "subnet-b", "subnet-c"]);
        steps.push(json!({ "at": "0s", "call": "ec2:RunInstances", "input": {
            "InstanceType": pick(&mut rng, &PLACEMENT_TYPES), "MinCount": 1, "MaxCount": 1, "SubnetId": subnet,
            "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "#!/bin/bash\necho ECS_CLUSTER=quiz >> /etc/ecs/ecs.config" } }));
    }
    let filler_mib = *pick(&mut rng, &[512u32, 768, 1024, 1536]);
    steps.push(json!({ "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "filler", "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [ { "name": "filler", "image": "example/filler:1", "cpu": 128, "memory": filler_mib, "essential": true } ] } }));
    steps.push(json!({ "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "web", "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [ { "name": "web", "image": "example/web:1", "cpu": 128, "memory": 1024, "essential": true } ] } }));
    let n_filler = rng.below(6);
    if n_filler > 0 {
        steps.push(json!({ "at": "2m", "call": "ecs:RunTask", "input": { "cluster": "quiz", "taskDefinition": "filler", "count": n_filler, "placementStrategy": [ { "type": "random" } ] } }));
    }
    let n_web = rng.below(4);
    if n_web > 0 {
        steps.push(json!({ "at": "2m", "call": "ecs:RunTask", "input": { "cluster": "quiz", "taskDefinition": "web", "count": n_web, "placementStrategy": [ { "type": "random" } ] } }));
    }
    let spread_first = rng.below(2) == 1;
    let mut sim = Sim::new(&scenario(Value::Array(steps)), Some(seed));
    sim.advance_to(SimTime(180_000), u32::MAX);
    let view = sim.view();
    let instances: Vec<&crate::view::InstanceView> = view.instances.iter().filter(|i| i.container_instance_arn.is_some()).collect();
    if instances.len() < 3 {
        return None;
    }
    // The web tasks per Availability Zone (the group spread counts), as the question shows them.
    let web_in = |az: &str| view.tasks.iter().filter(|t| t.family == "web" && t.availability_zone == az && t.last_status != TaskStatus::Stopped).count();
    let fits: Vec<usize> = (0..instances.len()).filter(|&i| instances[i].remaining_memory_mib >= 1024 && instances[i].remaining_cpu_units >= 128).collect();
    if fits.is_empty() {
        return None;
    }
    let pool: Vec<usize> = if spread_first {
        let fewest = fits.iter().map(|&i| web_in(&instances[i].availability_zone)).min().unwrap_or(0);
        fits.iter().copied().filter(|&i| web_in(&instances[i].availability_zone) == fewest).collect()
    } else {
        fits.clone()
    };
    let least = pool.iter().map(|&i| instances[i].remaining_memory_mib).min().unwrap_or(0);
    let best: Vec<usize> = pool.iter().copied().filter(|&i| instances[i].remaining_memory_mib == least).collect();
    if best.len() != 1 {
        return None;
    }
    let rule_answer = best[0];
    let strategy = if spread_first {
        json!([ { "type": "spread", "field": "attribute:ecs.availability-zone" }, { "type": "binpack", "field": "memory" } ])
    } else {
        json!([ { "type": "binpack", "field": "memory" } ])
    };
    let answer = sim.call("ecs:RunTask", json!({ "cluster": "quiz", "taskDefinition": "web", "count": 1, "placementStrategy": strategy })).ok()?;
    let task_arn = answer.get("tasks")?.get(0)?.get("taskArn")?.as_str()?.to_string();
    sim.advance_to(SimTime(181_000), u32::MAX);
    let placed_on = sim.view().tasks.iter().find(|t| t.arn == task_arn)?.ec2_instance_id.clone()?;
    let answer = instances.iter().position(|i| i.ec2_instance_id == placed_on)?;
    let explanation = match sim.explain_task(&task_arn) {
        Some((explanation, _)) => explanation
            .nodes
            .iter()
            .map(|n| {
                let failed: Vec<String> = n.checks.iter().filter(|c| !c.passed).map(|c| format!("{} fails ({})", c.check, c.detail)).collect();
                let scores: Vec<String> = n.scores.iter().map(|s| format!("{}: {}{}", s.strategy, s.detail, if s.kept { "" } else { ", dropped" })).collect();
                format!("{}{}: {}", n.ec2_instance_id, if n.chosen { " (chosen)" } else { "" }, if failed.is_empty() { scores.join("; ") } else { failed.join("; ") })
            })
            .collect::<Vec<_>>()
            .join("\n"),
        None => format!("The engine placed the task on {placed_on}."),
    };
    let facts = instance_facts(&view, &instances, &web_in);
    let choices = instances.iter().map(|i| format!("{} ({}, {})", short(&i.ec2_instance_id), i.instance_type, i.availability_zone)).collect();
    let strategy_text = if spread_first { "spread(attribute:ecs.availability-zone) then binpack(memory)" } else { "binpack(memory)" };
    Some(Question {
        kind: QuizKind::Placement,
        seed,
        prompt: format!("RunTask starts one more 'web' task (128 CPU units, 1,024 MiB) with the placement strategy {strategy_text}. Which instance does it land on?"),
        facts,
        choices,
        answer,
        rule_answer,
        explanation,
    })
}

fn instance_facts(_view: &View, instances: &[&crate::view::InstanceView], web_in: &dyn Fn(&str) -> usize) -> Vec<String> {
    instances
        .iter()
        .map(|i| {
            format!(
                "{} ({}, {}): {} MiB and {} CPU units remaining, {} task(s) on it; {} 'web' task(s) in its Availability Zone",
                short(&i.ec2_instance_id),
                i.instance_type,
                i.availability_zone,
                i.remaining_memory_mib,
                i.remaining_cpu_units,
                i.n_tasks,
                web_in(&i.availability_zone)
            )
        })
        .collect()
}

// ---- Deployment ----

/// A Fargate service of N tasks updated to a new revision: how many new tasks start, and how many old tasks
/// stop, before any new task is healthy.
fn deployment(seed: u64) -> Question {
    let mut rng = Prng::new(splitmix64(seed));
    let desired = 2 + rng.below(9);
    let (minimum, maximum) = loop {
        let minimum = *pick(&mut rng, &[0u32, 25, 50, 75, 100]);
        let maximum = *pick(&mut rng, &[100u32, 125, 150, 200]);
        // With 100 and 100 a deployment cannot start a new task nor stop an old one.
        if !(minimum == 100 && maximum == 100) {
            break (minimum, maximum);
        }
    };
    // The rule the question teaches: new tasks start first, up to maximumPercent; only when that leaves no room
    // does the scheduler first stop old tasks, down to minimumHealthyPercent, to make room. [UNVERIFIED] whether
    // ECS also stops old tasks in the first wave when maximumPercent leaves room: the guide's worked examples
    // name one bound at a time ("may stop 2 before starting 2"), and the engine starts first.
    let max_tasks = desired * maximum / 100;
    let min_healthy = (desired * minimum).div_ceil(100);
    // maximumPercent counts RUNNING and PENDING tasks, so the old tasks that stop make room at once.
    let (rule_start, rule_stop) = match max_tasks.saturating_sub(desired) {
        0 => (desired - min_healthy, desired - min_healthy),
        headroom => (headroom, 0),
    };
    let steps = json!([
        { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "quiz" } },
        { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [ { "name": "web", "image": "example/web:1", "essential": true } ] } },
        { "at": "5s", "call": "ecs:CreateService", "input": { "cluster": "quiz", "serviceName": "web", "taskDefinition": "web:1", "desiredCount": desired, "launchType": "FARGATE",
            "deploymentConfiguration": { "minimumHealthyPercent": minimum, "maximumPercent": maximum },
            "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a", "subnet-b"] } } } },
        { "at": "5m", "call": "ecs:RegisterTaskDefinition", "input": { "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [ { "name": "web", "image": "example/web:2", "essential": true } ] } },
        { "at": "5m", "call": "ecs:UpdateService", "input": { "cluster": "quiz", "service": "web", "taskDefinition": "web:2" } }
    ]);
    let mut sim = Sim::new(&scenario(steps), Some(seed));
    // The first wave: what the scheduler does in the moment of the update, before any new task can be healthy.
    sim.advance_to(SimTime(300_000 + 5_000), u32::MAX);
    let view = sim.view();
    let started = view.tasks.iter().filter(|t| t.revision == 2).count() as u32;
    let stopping = view.tasks.iter().filter(|t| t.revision == 1 && t.desired_status == crate::view::DesiredStatus::Stopped).count() as u32;
    let mut options: Vec<(u32, u32)> = vec![(rule_start, rule_stop), (started, stopping)];
    for candidate in [(desired, 0), (0, desired), (rule_stop, rule_start), (rule_start + 1, rule_stop), (rule_start, rule_stop + 1), (desired * maximum / 100, 0), (0, desired * minimum / 100)] {
        if options.len() >= 4 {
            break;
        }
        if !options.contains(&candidate) {
            options.push(candidate);
        }
    }
    options.dedup();
    // A stable order that does not give the answer away: sorted.
    let mut sorted = options.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let index_of = |pair: (u32, u32)| sorted.iter().position(|p| *p == pair).unwrap_or(0);
    let choices = sorted.iter().map(|(start, stop)| format!("start {start} new, stop {stop} old")).collect();
    let headroom = if rule_stop == 0 {
        format!("so {rule_start} new task(s) start at once, and no old task stops until new ones are healthy")
    } else {
        format!("which leaves no room for a new task; minimumHealthyPercent {minimum}% keeps ceil({desired} x {minimum} / 100) = {min_healthy} RUNNING, so {rule_stop} old task(s) stop first, and as they leave RUNNING ({maximum}% counts RUNNING and PENDING tasks) {rule_start} new task(s) start in their place")
    };
    let explanation = format!(
        "maximumPercent {maximum}% allows floor({desired} x {maximum} / 100) = {max_tasks} tasks at once, {headroom}. In the simulation, 5 seconds after the update, {started} task(s) of revision 2 had started and {stopping} of revision 1 were stopping."
    );
    Question {
        kind: QuizKind::Deployment,
        seed,
        prompt: format!("Service 'web' runs {desired} RUNNING tasks of revision 1, with minimumHealthyPercent {minimum} and maximumPercent {maximum}, on Fargate (capacity is never short). It is updated to revision 2. What does the deployment do first, before any new task is healthy?"),
        facts: vec![format!("desiredCount {desired}"), format!("minimumHealthyPercent {minimum}"), format!("maximumPercent {maximum}")],
        choices,
        answer: index_of((started, stopping)),
        rule_answer: index_of((rule_start, rule_stop)),
        explanation,
    }
}

// ---- Permission ----

/// What a task execution role needs for a private ECR image, a Secrets Manager secret and an SSM parameter.
const EXECUTION_ACTIONS: [&str; 5] = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "secretsmanager:GetSecretValue", "ssm:GetParameters"];

/// An execution role whose policy allows every action the task needs but one: which one?
fn permission(seed: u64) -> Question {
    let mut rng = Prng::new(splitmix64(seed));
    let missing = rng.below(EXECUTION_ACTIONS.len() as u32) as usize;
    let allowed: Vec<&str> = EXECUTION_ACTIONS.iter().enumerate().filter(|(i, _)| *i != missing).map(|(_, a)| *a).collect();
    let policy = json!({ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": allowed, "Resource": "*" } ] }).to_string();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let repository = *pick(&mut rng, &["api", "orders", "billing", "search"]);
    let steps = json!([
        { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "quiz" } },
        { "at": "0s", "call": "secretsmanager:CreateSecret", "as": "secret", "input": { "Name": "db-password", "SecretString": "s3cret" } },
        { "at": "0s", "call": "ssm:PutParameter", "input": { "Name": "/app/api-key", "Value": "k-1", "Type": "SecureString" } },
        { "at": "0s", "call": "iam:CreateRole", "input": { "RoleName": "quiz-execution-role", "AssumeRolePolicyDocument": trust } },
        { "at": "0s", "call": "iam:PutRolePolicy", "input": { "RoleName": "quiz-execution-role", "PolicyName": "execution", "PolicyDocument": policy } },
        { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "app", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "executionRoleArn": "arn:aws:iam::123456789012:role/quiz-execution-role",
            "containerDefinitions": [ { "name": "app", "image": format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{repository}:1.0"), "essential": true,
                "secrets": [ { "name": "DB_PASSWORD", "valueFrom": "${secret.ARN}" }, { "name": "API_KEY", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/app/api-key" } ] } ] } },
        { "at": "5s", "call": "ecs:RunTask", "input": { "cluster": "quiz", "taskDefinition": "app", "launchType": "FARGATE",
            "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a"] } } } }
    ]);
    let mut sim = Sim::new(&scenario(steps), Some(seed));
    sim.advance_to(SimTime(180_000), u32::MAX);
    let view = sim.view();
    let reason = view.tasks.iter().find_map(|t| t.stopped_reason.clone()).unwrap_or_else(|| "The task did not stop.".to_string());
    // The engine's answer: the action its stopped reason says was not authorized.
    let answer = EXECUTION_ACTIONS.iter().position(|a| reason.contains(&format!("perform: {a} "))).unwrap_or(usize::MAX);
    Question {
        kind: QuizKind::Permission,
        seed,
        prompt: "A Fargate task with a private Amazon ECR image, a secret from Secrets Manager and a parameter from SSM Parameter Store stops before it runs. Which permission fixes it?".to_string(),
        facts: vec![format!("Stopped reason: {reason}")],
        choices: EXECUTION_ACTIONS
            .iter()
            .map(|a| format!("Allow {a} in the task execution role"))
            .chain(std::iter::once(format!("Allow {} in the task role", EXECUTION_ACTIONS[missing])))
            .collect(),
        answer,
        rule_answer: missing,
        explanation: format!("The ECS agent pulls the image and reads the secrets before the application starts, with the task execution role, not the task role. Its policy does not allow {}, so that call is implicitly denied and the task stops with: {reason}", EXECUTION_ACTIONS[missing]),
    }
}

// ---- Alarm ----

/// One alarm of the question: threshold (percent CPU), evaluation periods and datapoints to alarm.
#[derive(Clone, Copy)]
struct AlarmSpec {
    threshold: u32,
    periods: u32,
    datapoints: u32,
}

/// Two alarms on the service's average CPU, and a load that steps up at 4 minutes: which goes to ALARM first?
fn alarm(seed: u64) -> Question {
    let mut rng = Prng::new(splitmix64(seed));
    let mut spec = || {
        let periods = 1 + rng.below(5);
        AlarmSpec { threshold: *pick(&mut rng, &[30u32, 50, 70, 90]), periods, datapoints: 1 + rng.below(periods) }
    };
    let (a, b) = (spec(), spec());
    // 2 tasks of 256 CPU units serve 500 ms of CPU a second: at 10 ms a request, 20 requests/s is 40%.
    let requests_per_second = *pick(&mut rng, &[20u32, 30, 40]);
    let alarm_step = |name: &str, s: AlarmSpec| {
        json!({ "at": "1m", "call": "cloudwatch:PutMetricAlarm", "input": { "AlarmName": name, "Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
            "Dimensions": [ { "Name": "ClusterName", "Value": "quiz" }, { "Name": "ServiceName", "Value": "web" } ], "Statistic": "Average", "Period": 60,
            "EvaluationPeriods": s.periods, "DatapointsToAlarm": s.datapoints, "Threshold": f64::from(s.threshold), "ComparisonOperator": "GreaterThanThreshold" } })
    };
    let steps = json!([
        { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "quiz" } },
        { "at": "0s", "as": "alb", "call": "elasticloadbalancing:CreateLoadBalancer", "input": { "Name": "quiz-alb", "Type": "application", "Subnets": ["subnet-a", "subnet-b"] } },
        { "at": "0s", "as": "tg", "call": "elasticloadbalancing:CreateTargetGroup", "input": { "Name": "web-tg", "Protocol": "HTTP", "Port": 8080, "VpcId": "vpc-main", "TargetType": "ip", "HealthCheckIntervalSeconds": 10, "HealthyThresholdCount": 2 } },
        { "at": "0s", "call": "elasticloadbalancing:CreateListener", "input": { "LoadBalancerArn": "${alb.LoadBalancers[0].LoadBalancerArn}", "Protocol": "HTTP", "Port": 80, "DefaultActions": [ { "Type": "forward", "TargetGroupArn": "${tg.TargetGroups[0].TargetGroupArn}" } ] } },
        { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [ { "name": "web", "image": "example/web:1", "essential": true, "portMappings": [ { "containerPort": 8080 } ] } ] } },
        { "at": "5s", "call": "ecs:CreateService", "input": { "cluster": "quiz", "serviceName": "web", "taskDefinition": "web", "desiredCount": 2, "launchType": "FARGATE", "healthCheckGracePeriodSeconds": 30,
            "loadBalancers": [ { "targetGroupArn": "${tg.TargetGroups[0].TargetGroupArn}", "containerName": "web", "containerPort": 8080 } ],
            "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-a", "subnet-b"] } } } },
        alarm_step("alarm-a", a),
        alarm_step("alarm-b", b),
        { "at": "4m", "call": "sim:SetLoad", "input": { "loadBalancer": "quiz-alb", "pattern": "constant", "requestsPerSecond": requests_per_second, "cpuMsPerRequest": 10 } }
    ]);
    let mut sim = Sim::new(&scenario(steps), Some(seed));
    // The minute each alarm first went to ALARM, watched each minute up to 16 minutes.
    let mut first_alarm: [Option<u64>; 2] = [None, None];
    let mut cpu_after_step = None;
    for minute in 1..=16u64 {
        sim.advance_to(SimTime(minute * 60_000), u32::MAX);
        let view = sim.view();
        for (i, name) in ["alarm-a", "alarm-b"].iter().enumerate() {
            let alarm = view.scaling.alarms.iter().find(|al| al.name == *name);
            if first_alarm[i].is_none() && alarm.is_some_and(|al| al.state == crate::scaling::AlarmState::Alarm) {
                first_alarm[i] = Some(minute);
            }
            if cpu_after_step.is_none() {
                cpu_after_step = alarm.and_then(|al| al.datapoints.iter().rev().find(|d| d.period_start.0 >= 300_000).and_then(|d| d.value));
            }
        }
    }
    let cpu = cpu_after_step.unwrap_or(0.0);
    const CHOICES: [&str; 4] = ["alarm-a first", "alarm-b first", "both in the same minute", "neither, within 12 minutes of the step"];
    let outcome = |first: [Option<u64>; 2]| match first {
        [Some(x), Some(y)] if x < y => 0,
        [Some(x), Some(y)] if x > y => 1,
        [Some(_), Some(_)] => 2,
        [Some(_), None] => 0,
        [None, Some(_)] => 1,
        [None, None] => 3,
    };
    // The rule: with a steady level after the step, an alarm whose threshold the level breaches fires once it
    // has DatapointsToAlarm breaching datapoints; the one that needs fewer fires first.
    let breaches = |s: AlarmSpec| cpu > f64::from(s.threshold);
    let rule = outcome([breaches(a).then_some(a.datapoints as u64), breaches(b).then_some(b.datapoints as u64)]);
    let describe = |name: &str, s: AlarmSpec| format!("{name}: CPUUtilization > {}% for {} of {} one-minute periods", s.threshold, s.datapoints, s.periods);
    let when = |name: &str, first: Option<u64>| match first {
        Some(minute) => format!("{name} went to ALARM at minute {minute}"),
        None => format!("{name} never went to ALARM"),
    };
    Question {
        kind: QuizKind::Alarm,
        seed,
        prompt: format!("Service 'web' is idle until minute 4, when its load steps up to {requests_per_second} requests per second and stays there. Two CloudWatch alarms watch its average CPUUtilization (Period 60). Which goes to ALARM first?"),
        facts: vec![describe("alarm-a", a), describe("alarm-b", b), format!("After the step, the service's average CPU is {cpu:.1}% each minute.")],
        choices: CHOICES.iter().map(|c| c.to_string()).collect(),
        answer: outcome(first_alarm),
        rule_answer: rule,
        explanation: format!(
            "An alarm goes to ALARM when DatapointsToAlarm of its last EvaluationPeriods datapoints breach its threshold. In the simulation {} and {}.",
            when("alarm-a", first_alarm[0]),
            when("alarm-b", first_alarm[1])
        ),
    }
}
