//! The `ecs-sim` command line: validate task definitions and scenarios, run scenarios headless, list the call
//! table and a scenario's answers (what the botocore model check reads), benchmark.
//!
//! Exit codes: 0 success (all valid), 1 something invalid, 2 unreadable input (a missing file, bytes that are not
//! UTF-8, text that is not JSON for `validate`) or bad usage.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::Instant;

use ecs_sim::api::calls::{Access, CALLS};
use ecs_sim::codec;
use ecs_sim::export::{self, TemplateFormat};
use ecs_sim::placement;
use ecs_sim::rng::Prng;
use ecs_sim::scenario::{self, Scenario};
use ecs_sim::sim::{LogKind, Sim};
use ecs_sim::time::{parse_duration_ms, SimTime, MAX_SIM_TIME_MS};
use ecs_sim::view::{ContainerInstanceStatus, Ec2State, TaskStatus};
use serde_json::{json, Value};

const USAGE: &str = "usage:
  ecs-sim validate FILE...
      Each FILE is a task definition (RegisterTaskDefinition input, or DescribeTaskDefinition output with a
      top-level taskDefinition) or a scenario. Prints 'ok: FILE' or 'error: FILE: <json path>: <message>'.
  ecs-sim run SCENARIO [--seed N] [--until DURATION] [--describe] [--explain TASK_ID]
      SCENARIO is a scenario file or a built-in scenario id. DURATION is written like a step's 'at' (90s, 5m, 1h30m),
      at most a year (365d).
  ecs-sim scenarios
      Lists the built-in scenarios.
  ecs-sim lessons [--dir DIR]
      Lists the lessons of DIR (by default the lessons directory of this source tree): id, track, title.
  ecs-sim lesson check LESSON [--calls FILE] [--answers FILE] [--at DURATION] [--seed N] [--dir DIR]
      LESSON is a lesson file or a lesson id. Plays the lesson's reference solution, or the calls of FILE (a JSON
      array of steps as a scenario writes them: at, call, input, as), presses Check at DURATION (by default after
      the last call) and prints each objective's verdict with its reason. The picks on the lesson's decision cards
      are the reference solution's, or with --calls those of the --answers FILE (a JSON object from objective
      id to choice index). Exit 0 when every objective passes, 1 otherwise.
  ecs-sim quiz KIND [--seed N]
      Prints the generated question of KIND (placement, deployment, permission, alarm) for seed N (default 1):
      the prompt, the facts, the choices with the engine's answer marked, and the explanation.
  ecs-sim calls
      Prints the call table, one JSON object a line: call, service, model (botocore's), operation, access, handler.
  ecs-sim answers SCENARIO [--seed N]
      Runs SCENARIO until its last step ran and prints one JSON object a step, in the order they ran: step (its
      index in time order), at, call, input (as sent) and output, or error (code, message), or substitutionError.
  ecs-sim export [--format cloudformation|cloudformation-json|cli] SCENARIO [--seed N] [--until DURATION]
      Runs SCENARIO until DURATION (by default, until its last step ran) and prints the account as it stands:
      a CloudFormation template in YAML (the default) or JSON, or an AWS CLI script of the run's calls.
  ecs-sim import TEMPLATE
      TEMPLATE is a CloudFormation template in JSON or YAML. Prints the scenario it becomes (its resources created by
      calls in dependency order); exits 1 listing every problem (an unsupported type or function, with its
      logical id and line) when it cannot.
  ecs-sim bench placement [--instances N] [--tasks N]
  ecs-sim bench placement-scaling
  ecs-sim bench scenarios
  ecs-sim bench day [--container-insights] [--logging]
  ecs-sim bench seek
      Benchmarks; print JSON figures (see BENCHMARKS.md).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match command.as_str() {
        "validate" => validate(&args[1..]),
        "run" => run(&args[1..]),
        "scenarios" => {
            for (id, _) in scenario::BUILTIN_SCENARIOS {
                let name = scenario::builtin_scenario(id).map(|s| s.name).unwrap_or_default();
                println!("{id}\t{name}");
            }
            ExitCode::SUCCESS
        }
        "calls" => {
            for row in CALLS {
                let access = if row.access == Access::Read { "read" } else { "write" };
                let line = json!({ "call": row.name, "service": format!("{:?}", row.service), "model": row.service.botocore_model(),
                                   "operation": row.operation(), "access": access, "handler": format!("{:?}", row.handler) });
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        "answers" => answers(&args[1..]),
        "lessons" => list_lessons(&args[1..]),
        "lesson" => lesson_command(&args[1..]),
        "quiz" => quiz_command(&args[1..]),
        "export" => export(&args[1..]),
        "import" => import(&args[1..]),
        "bench" => bench(&args[1..]),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("error: unknown command '{other}'\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn validate(files: &[String]) -> ExitCode {
    if files.is_empty() {
        eprintln!("error: validate needs at least one FILE\n{USAGE}");
        return ExitCode::from(2);
    }
    let mut any_invalid = false;
    let mut any_unreadable = false;
    for file in files {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("error: {file}: cannot read: {e}");
                any_unreadable = true;
                continue;
            }
        };
        let text = match codec::read_text(&bytes) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: {file}: cannot read: {e}");
                any_unreadable = true;
                continue;
            }
        };
        let errors: Vec<(String, String)> = match serde_json::from_str::<Value>(text) {
            // Text that is not JSON at all is unreadable input, not an invalid document.
            Err(e) => {
                println!("error: {file}: $: The file is not valid JSON: {e}.");
                any_unreadable = true;
                continue;
            }
            // JSON that names a key twice is a document with a mistake in it.
            Ok(_) if ecs_sim::codec::parse_json(text).is_err() => {
                let e = ecs_sim::codec::parse_json(text).err().map(|e| e.to_string()).unwrap_or_default();
                vec![("$".to_string(), format!("The file is not valid JSON: {e}."))]
            }
            Ok(doc) => {
                let is_lesson = doc.get("objectives").is_some();
                let is_scenario = doc.get("formatVersion").is_some() || doc.get("steps").is_some();
                if is_lesson {
                    ecs_sim::lesson::parse_lesson(&doc).err().unwrap_or_default().into_iter().map(|e| (e.path, e.message)).collect()
                } else if is_scenario {
                    scenario::parse_scenario(&doc).err().unwrap_or_default().into_iter().map(|e| (e.path, e.message)).collect()
                } else {
                    ecs_sim::taskdef::parse_task_definition(&doc).err().unwrap_or_default().into_iter().map(|e| (e.path, e.message)).collect()
                }
            }
        };
        if errors.is_empty() {
            println!("ok: {file}");
        } else {
            any_invalid = true;
            for (path, message) in errors {
                println!("error: {file}: {path}: {message}");
            }
        }
    }
    if any_unreadable {
        ExitCode::from(2)
    } else if any_invalid {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn load_scenario(reference: &str) -> Result<Scenario, (u8, String)> {
    match std::fs::read(reference) {
        Ok(bytes) => scenario::parse_scenario_str(codec::read_text(&bytes).map_err(|e| (2, format!("error: {reference}: cannot read: {e}")))?).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(|e| format!("error: {reference}: {}: {}", e.path, e.message)).collect();
            (1, lines.join("\n"))
        }),
        Err(e) => match scenario::builtin_scenario(reference) {
            Some(s) => Ok(s),
            None => Err((2, format!("error: {reference}: cannot read: {e} (and it is not a built-in scenario; see 'ecs-sim scenarios')"))),
        },
    }
}

/// The default run length: ten minutes after the last step (at most the longest sim time accepted).
fn default_until(scenario: &Scenario) -> SimTime {
    let last_step_ms = scenario.steps.iter().map(|s| s.at_ms).max().unwrap_or(0);
    SimTime(last_step_ms.saturating_add(600_000).min(MAX_SIM_TIME_MS))
}

fn run(args: &[String]) -> ExitCode {
    let mut scenario_ref = None;
    let mut seed = None;
    let mut until = None;
    let mut describe = false;
    let mut explain = None;
    let mut idx = 0;
    while idx < args.len() {
        let arg = &args[idx];
        let value = args.get(idx + 1);
        match arg.as_str() {
            "--seed" => {
                seed = Some(match seed_value(value) {
                    Ok(v) => v,
                    Err(code) => return code,
                });
                idx += 1;
            }
            "--until" => {
                until = Some(match until_value(value) {
                    Ok(time) => time,
                    Err(code) => return code,
                });
                idx += 1;
            }
            "--describe" => describe = true,
            "--explain" => match value {
                Some(v) => {
                    explain = Some(v.clone());
                    idx += 1;
                }
                None => return usage_error("--explain needs a task id or ARN"),
            },
            other if other.starts_with("--") => return usage_error(&format!("unknown option {other}")),
            other if scenario_ref.is_none() => scenario_ref = Some(other.to_string()),
            other => return usage_error(&format!("unexpected argument {other}")),
        }
        idx += 1;
    }
    let Some(reference) = scenario_ref else { return usage_error("run needs a SCENARIO") };
    let scenario = match load_scenario(&reference) {
        Ok(s) => s,
        Err((code, message)) => {
            eprintln!("{message}");
            return ExitCode::from(code);
        }
    };
    let until = until.unwrap_or_else(|| default_until(&scenario));
    let mut sim = Sim::new(&scenario, seed);
    // A bounded loop: a scenario that would generate events forever stops with an error instead of hanging.
    const MAX_EVENTS: u64 = 200_000_000;
    loop {
        let advance = sim.advance_to(until, 1_000_000);
        if advance.reached {
            break;
        }
        if sim.n_events_processed() > MAX_EVENTS {
            eprintln!("error: the run exceeded {MAX_EVENTS} events before {until}");
            return ExitCode::from(1);
        }
    }
    if let Some(task) = explain {
        return print_explanation(&sim, &task);
    }
    if describe {
        println!("{}", serde_json::to_string_pretty(&sim.describe_all()).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let view = sim.view();
    println!("seed: {}", sim.seed());
    println!("scenario: {}", scenario.name);
    println!("time: {}", view.now);
    let mut by_status: std::collections::BTreeMap<&str, u32> = Default::default();
    for task in &view.tasks {
        *by_status.entry(task.last_status.as_aws()).or_default() += 1;
    }
    // The view leaves out the tasks that stopped long ago; they count all the same.
    if view.n_stopped_tasks_left_out > 0 {
        *by_status.entry(TaskStatus::Stopped.as_aws()).or_default() += view.n_stopped_tasks_left_out as u32;
    }
    let statuses: Vec<String> = by_status.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("tasks: {}", if statuses.is_empty() { "none".to_string() } else { statuses.join(", ") });
    let active = view.instances.iter().filter(|i| i.status == Some(ContainerInstanceStatus::Active)).count();
    println!("container instances: {} registered ({} ACTIVE)", view.instances.iter().filter(|i| i.status.is_some()).count(), active);
    for service in &view.services {
        println!(
            "service {}: {} desired, {} running, {} pending, {} ({})",
            service.name,
            service.desired_count,
            service.running_count,
            service.pending_count,
            service.status.as_aws(),
            service.deployments.iter().map(|d| format!("{} {} {}", d.status.as_aws(), d.task_definition, d.rollout_state.as_aws())).collect::<Vec<_>>().join("; ")
        );
    }
    let errors: Vec<_> = sim.log().iter().filter(|e| e.kind == LogKind::Error).collect();
    for error in &errors {
        println!("refused at {}: {}: {}", error.time, error.subject, error.message);
    }
    println!("events: {}", sim.n_events_processed());
    println!("traceHash: {}", sim.trace_hash());
    ExitCode::SUCCESS
}

/// `ecs-sim answers`: runs a scenario one event at a time until every step ran, and prints each step's answer
/// as it was given: the step's `Call` log entry has the input as sent, an `Error` entry of the same call right
/// after it is the refusal (`code: message`), and otherwise the output is the one saved under the step's
/// name (each step without an `as` name gets one here; saving an output changes nothing in the run).
fn answers(args: &[String]) -> ExitCode {
    let mut scenario_ref = None;
    let mut seed = None;
    let mut idx = 0;
    while idx < args.len() {
        match args[idx].as_str() {
            "--seed" => {
                seed = Some(match seed_value(args.get(idx + 1)) {
                    Ok(v) => v,
                    Err(code) => return code,
                });
                idx += 1;
            }
            other if other.starts_with("--") => return usage_error(&format!("unknown option {other}")),
            other if scenario_ref.is_none() => scenario_ref = Some(other.to_string()),
            other => return usage_error(&format!("unexpected argument {other}")),
        }
        idx += 1;
    }
    let Some(reference) = scenario_ref else { return usage_error("answers needs a SCENARIO") };
    let mut scenario = match load_scenario(&reference) {
        Ok(s) => s,
        Err((code, message)) => {
            eprintln!("{message}");
            return ExitCode::from(code);
        }
    };
    let taken: BTreeSet<String> = scenario.steps.iter().filter_map(|s| s.as_name.clone()).collect();
    for (idx, step) in scenario.steps.iter_mut().enumerate() {
        if step.as_name.is_none() {
            let mut name = format!("answer of step {idx}");
            while taken.contains(&name) {
                name.push('\'');
            }
            step.as_name = Some(name);
        }
    }
    // A scenario's steps are kept in time order (steps at the same time in file order), the order they run in.
    let mut sim = Sim::new(&scenario, seed);
    let mut n_seen = 0;
    let mut next = 0;
    while next < scenario.steps.len() {
        if !sim.step() {
            eprintln!("error: the run ended before step {next} ran");
            return ExitCode::from(1);
        }
        let entries = &sim.log()[n_seen..];
        n_seen = sim.log().len();
        let step = &scenario.steps[next];
        let at = ecs_sim::time::format_duration_ms(step.at_ms);
        let not_substituted = format!("steps[{next}].input: ");
        let line = if let Some(pos) = entries.iter().position(|e| e.kind == LogKind::Call) {
            let entry = &entries[pos];
            if entry.subject != step.call {
                eprintln!("error: step {next} is {}, but the run made {}", step.call, entry.subject);
                return ExitCode::from(1);
            }
            let input = entry.input.clone().unwrap_or(Value::Null);
            let refusal = entries[pos + 1..].iter().find(|e| e.kind == LogKind::Error && e.subject == step.call);
            let output = step.as_name.as_deref().and_then(|name| sim.step_output(name));
            match (refusal, output) {
                (Some(error), _) => {
                    let (code, message) = error.message.split_once(": ").unwrap_or(("", error.message.as_str()));
                    json!({ "step": next, "at": at, "call": step.call, "input": input, "error": { "code": code, "message": message } })
                }
                (None, Some(output)) => json!({ "step": next, "at": at, "call": step.call, "input": input, "output": output }),
                (None, None) => {
                    eprintln!("error: step {next} ({}) neither answered nor was refused", step.call);
                    return ExitCode::from(1);
                }
            }
        } else if let Some(error) = entries.iter().find(|e| e.kind == LogKind::Error && e.message.starts_with(&not_substituted)) {
            json!({ "step": next, "at": at, "call": step.call, "input": step.input, "substitutionError": &error.message[not_substituted.len()..] })
        } else {
            continue;
        };
        println!("{line}");
        next += 1;
    }
    ExitCode::SUCCESS
}

fn print_explanation(sim: &Sim, task: &str) -> ExitCode {
    let Some((explanation, names)) = sim.explain_task(task) else {
        eprintln!("error: no EC2 placement decision for task {task}");
        return ExitCode::from(1);
    };
    let name_of = |key: u32| names.iter().find(|(k, _)| *k == key).map(|(_, n)| n.clone()).unwrap_or_else(|| key.to_string());
    let nodes: Vec<Value> = explanation
        .nodes
        .iter()
        .map(|n| {
            json!({
                "ec2InstanceId": name_of(n.node),
                "chosen": n.chosen,
                "checks": n.checks.iter().map(|c| json!({ "check": c.check, "passed": c.passed, "detail": c.detail })).collect::<Vec<_>>(),
                "scores": n.scores.iter().map(|s| json!({ "strategy": s.strategy, "value": s.value, "kept": s.kept, "detail": s.detail })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let outcome = match &explanation.outcome {
        Ok(node) => json!({ "placedOn": name_of(*node) }),
        Err(f) => json!({ "reason": f.reason, "detail": f.detail }),
    };
    println!("{}", serde_json::to_string_pretty(&json!({ "task": task, "outcome": outcome, "instances": nodes })).unwrap_or_default());
    ExitCode::SUCCESS
}

/// `ecs-sim export`: the account as a CloudFormation template or an AWS CLI script.
fn export(args: &[String]) -> ExitCode {
    let (mut scenario_ref, mut seed, mut until, mut format) = (None, None, None, "cloudformation".to_string());
    let mut idx = 0;
    while idx < args.len() {
        let value = args.get(idx + 1);
        match args[idx].as_str() {
            "--format" => match value {
                Some(v) if ["cloudformation", "cloudformation-json", "cli"].contains(&v.as_str()) => {
                    format = v.clone();
                    idx += 1;
                }
                _ => return usage_error("--format needs cloudformation, cloudformation-json or cli"),
            },
            "--seed" => {
                seed = Some(match seed_value(value) {
                    Ok(v) => v,
                    Err(code) => return code,
                });
                idx += 1;
            }
            "--until" => {
                until = Some(match until_value(value) {
                    Ok(time) => time,
                    Err(code) => return code,
                });
                idx += 1;
            }
            other if other.starts_with("--") => return usage_error(&format!("unknown option {other}")),
            other if scenario_ref.is_none() => scenario_ref = Some(other.to_string()),
            other => return usage_error(&format!("unexpected argument {other}")),
        }
        idx += 1;
    }
    let Some(reference) = scenario_ref else { return usage_error("export needs a SCENARIO") };
    let scenario = match load_scenario(&reference) {
        Ok(s) => s,
        Err((code, message)) => {
            eprintln!("{message}");
            return ExitCode::from(code);
        }
    };
    let last_step_ms = scenario.steps.iter().map(|s| s.at_ms).max().unwrap_or(0);
    let until = until.unwrap_or(SimTime(last_step_ms));
    let mut sim = Sim::new(&scenario, seed);
    const MAX_EVENTS: u64 = 200_000_000;
    while !sim.advance_to(until, 1_000_000).reached {
        if sim.n_events_processed() > MAX_EVENTS {
            eprintln!("error: the run exceeded {MAX_EVENTS} events before {until}");
            return ExitCode::from(1);
        }
    }
    let text = match format.as_str() {
        "cloudformation" => export::cloudformation(&sim, TemplateFormat::Yaml),
        "cloudformation-json" => export::cloudformation(&sim, TemplateFormat::Json),
        _ => export::cli_script(&sim),
    };
    print!("{text}");
    ExitCode::SUCCESS
}

/// `ecs-sim import`: a CloudFormation template as a scenario.
fn import(args: &[String]) -> ExitCode {
    let [file] = args else { return usage_error("import needs one TEMPLATE") };
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {file}: cannot read: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match codec::read_text(&bytes) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {file}: cannot read: {e}");
            return ExitCode::from(2);
        }
    };
    let name = std::path::Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("template");
    match export::import_template(text, name) {
        Ok(scenario) => {
            println!("{}", serde_json::to_string_pretty(&scenario).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for problem in problems {
                eprintln!("error: {file}: {problem}");
            }
            ExitCode::from(1)
        }
    }
}

/// The value of `--seed`, or the usage error for a missing or negative one.
fn seed_value(value: Option<&String>) -> Result<u64, ExitCode> {
    value.and_then(|v| v.parse::<u64>().ok()).ok_or_else(|| usage_error("--seed needs a non-negative integer"))
}

/// The value of `--until`, or the usage error for a missing or malformed duration.
fn until_value(value: Option<&String>) -> Result<SimTime, ExitCode> {
    match value.map(|v| parse_duration_ms(v)) {
        Some(Ok(ms)) => Ok(SimTime(ms)),
        Some(Err(e)) => Err(usage_error(&format!("--until: {e}"))),
        None => Err(usage_error("--until needs a duration such as 10m")),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n{USAGE}");
    ExitCode::from(2)
}

fn bench(args: &[String]) -> ExitCode {
    let what = args.first().map(String::as_str).unwrap_or("");
    let flag = |name: &str, default: u32| -> u32 {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    match what {
        "placement" => {
            let (n_instances, n_tasks) = (flag("--instances", 5_000), flag("--tasks", 50_000));
            let figures = time_placement(n_instances, n_tasks);
            println!("{figures}");
            ExitCode::SUCCESS
        }
        "placement-scaling" => {
            let small = time_placement(5_000, 50_000);
            let large = time_placement(10_000, 50_000);
            let ratio = large["perTaskNs"].as_f64().unwrap_or(0.0) / small["perTaskNs"].as_f64().unwrap_or(1.0).max(1e-9);
            println!("{}", json!({ "at5000": small, "at10000": large, "perTaskGrowth": (ratio * 1000.0).round() / 1000.0, "budget": 1.3 }));
            ExitCode::SUCCESS
        }
        "scenarios" => {
            let mut rows = Vec::new();
            for (id, _) in scenario::BUILTIN_SCENARIOS {
                let Some(s) = scenario::builtin_scenario(id) else { continue };
                let started = Instant::now();
                let mut sim = Sim::new(&s, None);
                sim.advance_to(default_until(&s), u32::MAX);
                rows.push(json!({ "scenario": id, "events": sim.n_events_processed(), "seconds": started.elapsed().as_secs_f64(), "traceHash": sim.trace_hash() }));
            }
            println!("{}", json!(rows));
            ExitCode::SUCCESS
        }
        "day" => {
            let insights = args.iter().any(|a| a == "--container-insights");
            let logging = args.iter().any(|a| a == "--logging");
            let scenario = ecs_sim::bench::day_scenario(insights, logging);
            let started = Instant::now();
            let mut sim = Sim::new(&scenario, None);
            sim.advance_to(SimTime(24 * 3_600_000), u32::MAX);
            let seconds = started.elapsed().as_secs_f64();
            let view = sim.view();
            let running = view.tasks.iter().filter(|t| t.last_status == TaskStatus::Running).count();
            let scaling = sim.log().iter().filter(|e| e.kind == LogKind::Scaling).count();
            let instances_running = view.instances.iter().filter(|i| i.ec2_state == Ec2State::Running).count();
            let requests: u64 = view.load_balancers.iter().flat_map(|lb| lb.metrics.iter()).map(|m| m.request_count).sum();
            // The final view and the whole log, hashed: a speed-up must leave both as they were.
            let mut state = ecs_sim::trace::TraceHasher::default();
            state.write_str(&format!("{view:?}{:?}", sim.log()));
            println!(
                "{}",
                json!({ "simulated": "24h", "containerInsights": insights, "logging": logging, "instances": view.instances.len(), "instancesRunning": instances_running, "runningTasks": running, "scalingEvents": scaling,
                        "costToDate": ecs_sim::sim::usd_text(view.cost.to_date_micro_usd), "loadBalancers": view.load_balancers.len(),
                        "requestsLastHour": requests, "events": sim.n_events_processed(), "seconds": (seconds * 1000.0).round() / 1000.0, "budgetSeconds": 1.5,
                        "traceHash": sim.trace_hash(), "stateHash": state.hex() })
            );
            ExitCode::SUCCESS
        }
        "seek" => {
            println!("{}", seek_bench());
            ExitCode::SUCCESS
        }
        _ => usage_error("bench needs one of: placement, placement-scaling, scenarios, day, seek"),
    }
}

/// Times placement alone (setup excluded), best of 3 runs to damp a noisy machine.
fn time_placement(n_instances: u32, n_tasks: u32) -> Value {
    let mut best_s = f64::MAX;
    let mut figures = None;
    for _ in 0..3 {
        let (mut pool, demands) = placement::bench_setup(n_instances, 42);
        let mut rng = Prng::new(42);
        let per_demand = n_tasks / demands.len().max(1) as u32;
        let started = Instant::now();
        let result = placement::bench_run(&mut pool, &demands, per_demand, &mut rng);
        best_s = best_s.min(started.elapsed().as_secs_f64());
        figures = Some(result);
    }
    let figures = figures.expect("three runs");
    json!({
        "instances": n_instances,
        "tasks": figures.n_tasks,
        "placed": figures.n_placed,
        "failed": figures.n_failed,
        "seconds": (best_s * 1e6).round() / 1e6,
        "perTaskNs": (best_s * 1e9 / figures.n_tasks.max(1) as f64).round(),
        "checksum": format!("{:016x}", figures.checksum),
    })
}


/// Counts the bytes the process holds on the heap, for the memory figures of `bench seek`.
struct CountingAllocator;

static HEAP_BYTES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only a counter is updated beside it.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        HEAP_BYTES.fetch_add(layout.size(), std::sync::atomic::Ordering::Relaxed);
        std::alloc::System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        HEAP_BYTES.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        std::alloc::System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        HEAP_BYTES.fetch_add(new_size, std::sync::atomic::Ordering::Relaxed);
        HEAP_BYTES.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        std::alloc::System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn heap_mib() -> f64 {
    (HEAP_BYTES.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1_048_576.0 * 10.0).round() / 10.0
}

/// The seek benchmark: the design's day played to 24 h in frames of 10 s of sim time (600x at 60 fps) with
/// checkpoints, then 12 seeks back across the run, each timed; three of them checked against a replay from
/// the start (same trace hash), which is also timed.
fn seek_bench() -> Value {
    let scenario = ecs_sim::bench::day_scenario(false, false);
    let until = SimTime(24 * 3_600_000);
    let heap_before_mib = heap_mib();
    let started = Instant::now();
    let (sim, checkpoints) = ecs_sim::bench::run_with_checkpoints(&scenario, until, 10_000);
    let run_seconds = started.elapsed().as_secs_f64();
    let heap_with_checkpoints_mib = heap_mib();
    let calls = sim.recorded_calls().to_vec();
    let mut seek_ms = Vec::new();
    let mut checked = Vec::new();
    for (i, point) in ecs_sim::bench::seek_points(until, 12).into_iter().enumerate() {
        let started = Instant::now();
        let (seeked, _) = checkpoints.seek(&scenario, None, &calls, point);
        seek_ms.push((started.elapsed().as_secs_f64() * 1e4).round() / 10.0);
        if i % 5 == 0 {
            let started = Instant::now();
            let (replayed, _) = Sim::replay_to(&scenario, None, &calls, point);
            let replay_ms = (started.elapsed().as_secs_f64() * 1e4).round() / 10.0;
            checked.push(json!({ "atMs": point.time.map(SimTime::as_millis), "replayMs": replay_ms, "sameHash": replayed.trace_hash() == seeked.trace_hash() }));
        }
    }
    let n_checkpoints = checkpoints.len();
    let counts = checkpoints.event_counts();
    let n_dropped = checkpoints.n_dropped();
    drop(checkpoints);
    let heap_without_checkpoints_mib = heap_mib();
    let mut sorted = seek_ms.clone();
    sorted.sort_by(f64::total_cmp);
    json!({
        "simulated": "24h", "frameSimMs": 10_000, "events": sim.n_events_processed(), "runSeconds": (run_seconds * 1000.0).round() / 1000.0,
        "checkpoints": n_checkpoints, "checkpointEvents": counts, "checkpointsDropped": n_dropped,
        "heapMiB": { "before": heap_before_mib, "withCheckpoints": heap_with_checkpoints_mib, "withoutCheckpoints": heap_without_checkpoints_mib,
                     "checkpoints": ((heap_with_checkpoints_mib - heap_without_checkpoints_mib) * 10.0).round() / 10.0 },
        "seekMs": seek_ms, "seekMsMax": sorted.last(), "seekMsMedian": sorted[sorted.len() / 2], "budgetMs": 50,
        "checkedAgainstReplay": checked, "traceHash": sim.trace_hash(),
    })
}

/// The lessons directory of this source tree (the CLI reads the files; nothing is compiled in).
const LESSONS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons");

/// The value of `--name VALUE` in `args`.
fn option<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
}

fn list_lessons(args: &[String]) -> ExitCode {
    let dir = option(args, "--dir").unwrap_or(LESSONS_DIR);
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".json") && n != "index.json").collect(),
        Err(e) => {
            eprintln!("error: {dir}: cannot read: {e}");
            return ExitCode::from(2);
        }
    };
    names.sort();
    let mut any_invalid = false;
    let mut lessons = Vec::new();
    for name in names {
        let path = format!("{dir}/{name}");
        match read_lesson(&path) {
            Ok(lesson) => lessons.push(lesson),
            Err((_, message)) => {
                eprintln!("{message}");
                any_invalid = true;
            }
        }
    }
    lessons.sort_by(|a, b| (a.track, &a.id).cmp(&(b.track, &b.id)));
    for lesson in lessons {
        let exams: Vec<&str> = lesson.exams.iter().map(|e| e.exam.code()).collect::<BTreeSet<_>>().into_iter().collect();
        println!("{}\t{}\t{}\t{}", lesson.id, lesson.track.as_str(), lesson.title, exams.join(","));
    }
    if any_invalid {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn read_lesson(path: &str) -> Result<ecs_sim::lesson::Lesson, (u8, String)> {
    let bytes = std::fs::read(path).map_err(|e| (2, format!("error: {path}: cannot read: {e}")))?;
    let text = codec::read_text(&bytes).map_err(|e| (2, format!("error: {path}: cannot read: {e}")))?;
    ecs_sim::lesson::parse_lesson_str(text).map_err(|errors| (1, errors.iter().map(|e| format!("error: {path}: {}: {}", e.path, e.message)).collect::<Vec<_>>().join("\n")))
}

fn lesson_command(args: &[String]) -> ExitCode {
    let (Some("check"), Some(reference)) = (args.first().map(String::as_str), args.get(1)) else {
        eprintln!("error: usage: ecs-sim lesson check LESSON [--calls FILE] [--at DURATION] [--seed N]\n{USAGE}");
        return ExitCode::from(2);
    };
    let dir = option(args, "--dir").unwrap_or(LESSONS_DIR);
    let path = if std::path::Path::new(reference).exists() { reference.clone() } else { format!("{dir}/{reference}.json") };
    let lesson = match read_lesson(&path) {
        Ok(lesson) => lesson,
        Err((code, message)) => {
            eprintln!("{message}");
            return ExitCode::from(code);
        }
    };
    let seed = match option(args, "--seed").map(str::parse::<u64>) {
        None => None,
        Some(Ok(seed)) => Some(seed),
        Some(Err(_)) => {
            eprintln!("error: --seed must be a non-negative integer");
            return ExitCode::from(2);
        }
    };
    let calls: Vec<ecs_sim::lesson::LearnerCall> = match option(args, "--calls") {
        None => lesson.solution.iter().map(ecs_sim::lesson::LearnerCall::from_step).collect(),
        Some(file) => {
            let text = match std::fs::read(file).map_err(|e| e.to_string()).and_then(|b| codec::read_text(&b).map(str::to_string)) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("error: {file}: cannot read: {e}");
                    return ExitCode::from(2);
                }
            };
            let steps: Value = match serde_json::from_str(&text) {
                Ok(Value::Array(steps)) => Value::Array(steps),
                _ => {
                    eprintln!("error: {file}: $: the calls file must be a JSON array of steps (at, call, input).");
                    return ExitCode::from(2);
                }
            };
            match scenario::parse_scenario(&json!({ "formatVersion": scenario::FORMAT_VERSION, "steps": steps })) {
                Ok(parsed) => parsed.steps.iter().map(ecs_sim::lesson::LearnerCall::from_step).collect(),
                Err(errors) => {
                    for e in errors {
                        eprintln!("error: {file}: {}: {}", e.path.replacen("steps", "$", 1), e.message);
                    }
                    return ExitCode::from(1);
                }
            }
        }
    };
    let check_at_ms = match option(args, "--at").map(parse_duration_ms) {
        None => calls.iter().map(|c| c.at_ms).max().unwrap_or(0),
        Some(Ok(ms)) => ms,
        Some(Err(message)) => {
            eprintln!("error: --at: {message}");
            return ExitCode::from(2);
        }
    };
    let picks: Vec<ecs_sim::lesson::CardPick> = match (option(args, "--answers"), option(args, "--calls")) {
        (None, None) => lesson.solution_answers.clone(),
        (None, Some(_)) => Vec::new(),
        (Some(file), _) => {
            let parsed = std::fs::read(file).map_err(|e| e.to_string()).and_then(|b| codec::read_text(&b).map(str::to_string)).and_then(|text| serde_json::from_str::<Value>(&text).map_err(|e| e.to_string()));
            match parsed {
                Ok(Value::Object(map)) => map.iter().filter_map(|(id, pick)| Some(ecs_sim::lesson::CardPick { objective: id.clone(), choice: pick.as_u64()? as usize })).collect(),
                Ok(_) => {
                    eprintln!("error: {file}: $: the answers file must be a JSON object {{\"<objective id>\": <choice index>}}.");
                    return ExitCode::from(2);
                }
                Err(e) => {
                    eprintln!("error: {file}: cannot read: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let report = ecs_sim::lesson::check_answered_run(&lesson, seed, &calls, &picks, check_at_ms);
    println!("lesson {}: {}", lesson.id, lesson.title);
    println!("Check at {}, judged at {}", report.check_at, report.judged_at);
    for refused in &report.refused_calls {
        println!("refused: {refused}");
    }
    for verdict in &report.verdicts {
        println!("{} {}: {}\n    {}", if verdict.passed { "PASS" } else { "FAIL" }, verdict.id, verdict.text, verdict.reason);
    }
    println!("{} of {} objectives passed", report.n_passed(), report.verdicts.len());
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn quiz_command(args: &[String]) -> ExitCode {
    use ecs_sim::lesson::quiz::{generate, QuizKind};
    let Some(kind) = args.first().and_then(|k| QuizKind::from_str(k)) else {
        let kinds: Vec<&str> = QuizKind::ALL.iter().map(|k| k.as_str()).collect();
        eprintln!("error: ecs-sim quiz KIND [--seed N], KIND one of {}", kinds.join(", "));
        return ExitCode::from(2);
    };
    let seed = match option(args, "--seed").map(str::parse::<u64>) {
        None => 1,
        Some(Ok(seed)) => seed,
        Some(Err(_)) => {
            eprintln!("error: --seed must be a non-negative integer");
            return ExitCode::from(2);
        }
    };
    let question = generate(kind, seed);
    println!("{} (seed {seed})\n{}", kind.title(), question.prompt);
    for fact in &question.facts {
        println!("  - {fact}");
    }
    for (i, choice) in question.choices.iter().enumerate() {
        println!("{} {}. {choice}", if i == question.answer { "*" } else { " " }, i + 1);
    }
    println!("{}", question.explanation);
    ExitCode::SUCCESS
}
