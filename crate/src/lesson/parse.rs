//! The lesson file's reader: every problem is reported with its JSON path, and nothing a file holds panics.
//! Call lists (`onCheck`, `solution`) are read by the scenario reader, so a lesson's calls obey exactly the
//! rules of scenario steps (known calls, durations, `as` names, `${...}` references).

use serde_json::{Map, Value};

use super::quiz::QuizKind;
use super::model::{CardAnswer, CardPick, Check, Decision, DecisionCard, Exam, ExamTag, Lesson, LessonStep, Objective, ScenarioRef, Track, LESSON_FORMAT_VERSION, MAX_CARD_CHOICES, MAX_CHECK_FOR_MS, MAX_LESSON_ITEMS};
use crate::scaling::AlarmState;
use crate::scenario::{parse_scenario, Scenario, Step, BUILTIN_SCENARIO_IDS};
use crate::taskdef::FieldError;
use crate::time::parse_duration_ms;

fn err(path: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError { path: path.into(), message: message.into() }
}

/// Parses lesson JSON text, with the built-in scenarios compiled into the library.
#[cfg(feature = "builtin-scenarios")]
pub fn parse_lesson_str(text: &str) -> Result<Lesson, Vec<FieldError>> {
    parse_lesson_str_with(text, &crate::scenario::builtin_scenario)
}

/// Parses lesson JSON text; `builtin` finds a built-in scenario by id (the app has them as data).
pub fn parse_lesson_str_with(text: &str, builtin: &dyn Fn(&str) -> Option<Scenario>) -> Result<Lesson, Vec<FieldError>> {
    let document: Value = serde_json::from_str(text).map_err(|e| vec![err("$", format!("The lesson is not valid JSON: {e}."))])?;
    parse_lesson_with(&document, builtin)
}

/// The members a lesson file may have.
const MEMBERS: &[&str] = &["formatVersion", "id", "title", "track", "exams", "scenario", "goal", "steps", "onCheck", "checkFor", "objectives", "solution", "solutionAnswers", "quiz"];

/// Validates a lesson document and returns it typed, or every problem found, with the built-in scenarios
/// compiled into the library.
#[cfg(feature = "builtin-scenarios")]
pub fn parse_lesson(document: &Value) -> Result<Lesson, Vec<FieldError>> {
    parse_lesson_with(document, &crate::scenario::builtin_scenario)
}

/// Validates a lesson document and returns it typed, or every problem found; `builtin` finds a built-in
/// scenario by id.
pub fn parse_lesson_with(document: &Value, builtin: &dyn Fn(&str) -> Option<Scenario>) -> Result<Lesson, Vec<FieldError>> {
    let Some(root) = document.as_object() else {
        return Err(vec![err("$", "A lesson must be a JSON object with formatVersion, id, title, track, scenario, goal, steps, objectives and solution.")]);
    };
    match root.get("formatVersion").and_then(Value::as_u64) {
        Some(LESSON_FORMAT_VERSION) => {}
        Some(n) if n > LESSON_FORMAT_VERSION => {
            return Err(vec![err("formatVersion", format!("This lesson uses formatVersion {n}, which is newer than this playground reads ({LESSON_FORMAT_VERSION})."))])
        }
        _ => return Err(vec![err("formatVersion", format!("formatVersion is required and must be the number {LESSON_FORMAT_VERSION}."))]),
    }
    let mut errors = Vec::new();
    if let Some(unknown) = root.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
        errors.push(err(unknown.as_str(), format!("Unknown field {unknown}: a lesson has {}.", MEMBERS.join(", "))));
    }
    let id = required_string(root, "id", "", &mut errors);
    if !id.is_empty() && !(id.len() <= 64 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')) {
        errors.push(err("id", format!("id '{id}' must be at most 64 lowercase letters, digits and '-' (it names the file crate/lessons/<id>.json).")));
    }
    let title = required_string(root, "title", "", &mut errors);
    let goal = required_string(root, "goal", "", &mut errors);
    let track_text = required_string(root, "track", "", &mut errors);
    let track = Track::from_str(&track_text).unwrap_or_else(|| {
        if !track_text.is_empty() {
            let names: Vec<&str> = Track::ALL.iter().map(|t| t.as_str()).collect();
            errors.push(err("track", format!("track '{track_text}' is not one of {}.", names.join(", "))));
        }
        Track::Foundations
    });
    let exams = parse_exams(root.get("exams"), &mut errors);
    let (scenario_ref, scenario) = match root.get("scenario") {
        Some(Value::String(id)) => match builtin(id) {
            Some(scenario) => (Some(ScenarioRef::Builtin(id.clone())), Some(scenario)),
            None => {
                errors.push(err("scenario", format!("'{id}' is not a built-in scenario; use one of {} or write the scenario inline.", BUILTIN_SCENARIO_IDS.join(", "))));
                (None, None)
            }
        },
        Some(inline @ Value::Object(_)) => match parse_scenario(inline) {
            Ok(scenario) => (Some(ScenarioRef::Inline(Box::new(scenario.clone()))), Some(scenario)),
            Err(problems) => {
                errors.extend(problems.into_iter().map(|p| err(format!("scenario.{}", p.path), p.message)));
                (None, None)
            }
        },
        None | Some(Value::Null) => {
            errors.push(err("scenario", "scenario is required: a built-in scenario id, or a scenario object."));
            (None, None)
        }
        Some(_) => {
            errors.push(err("scenario", "scenario must be a built-in scenario id (a string) or a scenario object."));
            (None, None)
        }
    };
    let steps = parse_items(root.get("steps"), "steps", true, &mut errors, |item, path, errors| {
        let Some(obj) = item.as_object() else {
            errors.push(err(path, "Each step must be an object with text and hint."));
            return None;
        };
        let text = required_string(obj, "text", path, errors);
        let hint = optional_string(obj, "hint", path, errors).unwrap_or_default();
        Some(LessonStep { text, hint })
    });
    let on_check = parse_calls(root.get("onCheck"), "onCheck", false, &mut errors);
    let check_for_ms = match root.get("checkFor") {
        None | Some(Value::Null) => 600_000,
        Some(Value::String(text)) => match parse_duration_ms(text) {
            Ok(ms) if ms == 0 || ms > MAX_CHECK_FOR_MS => {
                errors.push(err("checkFor", "checkFor must be more than 0s and at most 6h."));
                600_000
            }
            Ok(ms) => ms,
            Err(message) => {
                errors.push(err("checkFor", format!("checkFor: {message}")));
                600_000
            }
        },
        Some(_) => {
            errors.push(err("checkFor", "checkFor must be a duration such as \"10m\"."));
            600_000
        }
    };
    let objectives = parse_items(root.get("objectives"), "objectives", true, &mut errors, parse_objective);
    for (idx, objective) in objectives.iter().enumerate() {
        if objectives[..idx].iter().any(|o| o.id == objective.id) {
            errors.push(err(format!("objectives[{idx}].id"), format!("The objective id '{}' is used twice.", objective.id)));
        }
    }
    let solution = parse_calls(root.get("solution"), "solution", true, &mut errors);
    let quiz = parse_items(root.get("quiz"), "quiz", false, &mut errors, |item, path, errors| match item.as_str().and_then(QuizKind::from_str) {
        Some(kind) => Some(kind),
        None => {
            let names: Vec<&str> = QuizKind::ALL.iter().map(|k| k.as_str()).collect();
            errors.push(err(path, format!("A quiz is one of {}.", names.join(", "))));
            None
        }
    });
    let solution_answers = parse_solution_answers(root.get("solutionAnswers"), &objectives, &mut errors);
    match (errors.is_empty(), scenario_ref, scenario) {
        (true, Some(scenario_ref), Some(scenario)) => {
            Ok(Lesson { id, title, track, exams, scenario_ref, scenario, goal, steps, on_check, check_for_ms, objectives, solution, quiz, solution_answers })
        }
        _ => Err(errors),
    }
}

fn required_string(obj: &Map<String, Value>, name: &str, parent: &str, errors: &mut Vec<FieldError>) -> String {
    let path = join(parent, name);
    match obj.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) => {
            errors.push(err(path, format!("{name} must not be empty.")));
            String::new()
        }
        None | Some(Value::Null) => {
            errors.push(err(path, format!("{name} is required.")));
            String::new()
        }
        Some(_) => {
            errors.push(err(path, format!("{name} must be a string.")));
            String::new()
        }
    }
}

fn optional_string(obj: &Map<String, Value>, name: &str, parent: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    match obj.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(err(join(parent, name), format!("{name} must be a string.")));
            None
        }
    }
}

fn optional_u32(obj: &Map<String, Value>, name: &str, parent: &str, errors: &mut Vec<FieldError>) -> Option<u32> {
    match obj.get(name) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().filter(|n| *n <= 1_000_000) {
            Some(n) => Some(n as u32),
            None => {
                errors.push(err(join(parent, name), format!("{name} must be a whole number from 0 to 1000000.")));
                None
            }
        },
    }
}

fn required_u32(obj: &Map<String, Value>, name: &str, parent: &str, errors: &mut Vec<FieldError>) -> u32 {
    if obj.get(name).is_none() {
        errors.push(err(join(parent, name), format!("{name} is required.")));
        return 0;
    }
    optional_u32(obj, name, parent, errors).unwrap_or(0)
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// Reads an array member item by item (at most [`MAX_LESSON_ITEMS`]); `required` refuses it missing or empty.
fn parse_items<T>(
    value: Option<&Value>,
    name: &str,
    required: bool,
    errors: &mut Vec<FieldError>,
    mut item: impl FnMut(&Value, &str, &mut Vec<FieldError>) -> Option<T>,
) -> Vec<T> {
    let items = match value {
        None | Some(Value::Null) => {
            if required {
                errors.push(err(name, format!("{name} is required: a non-empty array.")));
            }
            return Vec::new();
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.push(err(name, format!("{name} must be an array.")));
            return Vec::new();
        }
    };
    if required && items.is_empty() {
        errors.push(err(name, format!("{name} must not be empty.")));
    }
    if items.len() > MAX_LESSON_ITEMS {
        errors.push(err(name, format!("{name} can have at most {MAX_LESSON_ITEMS} items.")));
    }
    items.iter().take(MAX_LESSON_ITEMS).enumerate().filter_map(|(idx, v)| item(v, &format!("{name}[{idx}]"), errors)).collect()
}

/// A list of calls, read as the steps of a scenario so they follow the same rules.
fn parse_calls(value: Option<&Value>, name: &str, required: bool, errors: &mut Vec<FieldError>) -> Vec<Step> {
    match value {
        None | Some(Value::Null) if !required => return Vec::new(),
        Some(Value::Array(items)) if items.len() > MAX_LESSON_ITEMS => {
            errors.push(err(name, format!("{name} can have at most {MAX_LESSON_ITEMS} calls.")));
            return Vec::new();
        }
        Some(Value::Array(items)) if required && items.is_empty() => {
            errors.push(err(name, format!("{name} must not be empty.")));
            return Vec::new();
        }
        Some(Value::Array(_)) => {}
        None | Some(Value::Null) => {
            errors.push(err(name, format!("{name} is required: an array of calls ({{\"at\", \"call\", \"input\"}}).")));
            return Vec::new();
        }
        Some(_) => {
            errors.push(err(name, format!("{name} must be an array of calls.")));
            return Vec::new();
        }
    }
    let wrapper = serde_json::json!({ "formatVersion": crate::scenario::FORMAT_VERSION, "steps": value.cloned().unwrap_or(Value::Null) });
    match parse_scenario(&wrapper) {
        Ok(scenario) => scenario.steps,
        Err(problems) => {
            errors.extend(problems.into_iter().map(|p| err(p.path.replacen("steps", name, 1), p.message)));
            Vec::new()
        }
    }
}

fn parse_exams(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Vec<ExamTag> {
    parse_items(value, "exams", true, errors, |item, path, errors| {
        let Some(obj) = item.as_object() else {
            errors.push(err(path, "Each exam tag must be an object with exam and task."));
            return None;
        };
        let code = required_string(obj, "exam", path, errors);
        let task = required_string(obj, "task", path, errors);
        match Exam::from_code(&code) {
            Some(exam) => Some(ExamTag { exam, task }),
            None => {
                if !code.is_empty() {
                    let codes: Vec<&str> = Exam::ALL.iter().map(|e| e.code()).collect();
                    errors.push(err(format!("{path}.exam"), format!("exam '{code}' is not one of {}.", codes.join(", "))));
                }
                None
            }
        }
    })
}

/// The check kinds, as lesson files name them.
const CHECK_KINDS: &[&str] = &[
    "serviceSteady",
    "tasksAcrossZones",
    "noTaskStopped",
    "runningThroughout",
    "runningTasks",
    "instancesUsed",
    "callMade",
    "callNotMade",
    "costPerHour",
    "alarmInState",
    "iamDecision",
    "targetsHealthy",
    "logLinePresent",
    "privateEgressPerZone",
    "executionsMatchTasks",
    "taskRetried",
    "decision",
    "costDecision",
    "metricAtMost",
];

fn parse_objective(item: &Value, path: &str, errors: &mut Vec<FieldError>) -> Option<Objective> {
    let Some(obj) = item.as_object() else {
        errors.push(err(path, "Each objective must be an object with id, text and check."));
        return None;
    };
    let id = required_string(obj, "id", path, errors);
    let text = required_string(obj, "text", path, errors);
    let check_path = format!("{path}.check");
    let Some(check) = obj.get("check").and_then(Value::as_object) else {
        errors.push(err(&check_path, format!("check is required: an object with a kind, one of {}.", CHECK_KINDS.join(", "))));
        return None;
    };
    let kind = required_string(check, "kind", &check_path, errors);
    let n_errors = errors.len();
    let p = check_path.as_str();
    let check = match kind.as_str() {
        "serviceSteady" => Check::ServiceSteady {
            cluster: required_string(check, "cluster", p, errors),
            service: required_string(check, "service", p, errors),
            running_count: required_u32(check, "runningCount", p, errors),
            task_definition: optional_string(check, "taskDefinition", p, errors),
        },
        "tasksAcrossZones" => Check::TasksAcrossZones {
            cluster: required_string(check, "cluster", p, errors),
            service: required_string(check, "service", p, errors),
            min_zones: required_u32(check, "minZones", p, errors),
        },
        "noTaskStopped" => {
            let stop_code = optional_string(check, "stopCode", p, errors);
            let reason_contains = optional_string(check, "reasonContains", p, errors);
            if stop_code.is_none() && reason_contains.is_none() {
                errors.push(err(p, "noTaskStopped needs stopCode or reasonContains."));
            }
            Check::NoTaskStopped { cluster: required_string(check, "cluster", p, errors), service: optional_string(check, "service", p, errors), stop_code, reason_contains }
        }
        "runningThroughout" => Check::RunningThroughout {
            cluster: required_string(check, "cluster", p, errors),
            service: required_string(check, "service", p, errors),
            min: required_u32(check, "min", p, errors),
            from_ms: match check.get("from") {
                None | Some(Value::Null) => 0,
                Some(Value::String(text)) => parse_duration_ms(text).unwrap_or_else(|message| {
                    errors.push(err(format!("{p}.from"), format!("from: {message}")));
                    0
                }),
                Some(_) => {
                    errors.push(err(format!("{p}.from"), "from must be a duration after Check such as \"2m\"."));
                    0
                }
            },
        },
        "runningTasks" => {
            let min = optional_u32(check, "min", p, errors);
            let max = optional_u32(check, "max", p, errors);
            if min.is_none() && max.is_none() {
                errors.push(err(p, "runningTasks needs min, max or both."));
            }
            Check::RunningTasks {
                cluster: required_string(check, "cluster", p, errors),
                service: optional_string(check, "service", p, errors),
                capacity_provider: optional_string(check, "capacityProvider", p, errors),
                min,
                max,
            }
        }
        "instancesUsed" => Check::InstancesUsed {
            cluster: required_string(check, "cluster", p, errors),
            service: required_string(check, "service", p, errors),
            max: required_u32(check, "max", p, errors),
        },
        "callMade" | "callNotMade" => {
            let call = required_string(check, "call", p, errors);
            if !call.is_empty() && !crate::api::calls::is_known_call(&call) {
                errors.push(err(format!("{p}.call"), format!("The playground does not know the call '{call}'.")));
            }
            if kind == "callMade" {
                let input = match check.get("input") {
                    None | Some(Value::Null) => Value::Object(Map::new()),
                    Some(v @ Value::Object(_)) => v.clone(),
                    Some(_) => {
                        errors.push(err(format!("{p}.input"), "input must be an object: the members the call's input must contain."));
                        Value::Null
                    }
                };
                Check::CallMade { call, input }
            } else {
                Check::CallNotMade { call }
            }
        }
        "costPerHour" => Check::CostPerHour { max_percent_of_baseline: required_u32(check, "maxPercentOfBaseline", p, errors) },
        "alarmInState" => {
            let state = match required_string(check, "state", p, errors).as_str() {
                "OK" => AlarmState::Ok,
                "ALARM" => AlarmState::Alarm,
                "INSUFFICIENT_DATA" => AlarmState::InsufficientData,
                "" => AlarmState::Ok,
                other => {
                    errors.push(err(format!("{p}.state"), format!("state '{other}' is not one of OK, ALARM, INSUFFICIENT_DATA.")));
                    AlarmState::Ok
                }
            };
            Check::AlarmInState { alarm_name_prefix: required_string(check, "alarmNamePrefix", p, errors), state }
        }
        "iamDecision" => {
            let decision = match required_string(check, "decision", p, errors).as_str() {
                "Allow" => Decision::Allow,
                "Deny" => Decision::Deny,
                "" => Decision::Deny,
                other => {
                    errors.push(err(format!("{p}.decision"), format!("decision '{other}' is not Allow or Deny.")));
                    Decision::Deny
                }
            };
            Check::IamDecision {
                role: required_string(check, "role", p, errors),
                action: required_string(check, "action", p, errors),
                resource: required_string(check, "resource", p, errors),
                decision,
            }
        }
        "targetsHealthy" => Check::TargetsHealthy {
            target_group: required_string(check, "targetGroup", p, errors),
            min_healthy: required_u32(check, "minHealthy", p, errors),
        },
        "logLinePresent" => {
            let kind = match optional_string(check, "logKind", p, errors).as_deref() {
                None => None,
                Some(text) => match crate::sim::LogKind::ALL.iter().find(|k| k.as_str() == text) {
                    Some(kind) => Some(*kind),
                    None => {
                        let names: Vec<&str> = crate::sim::LogKind::ALL.iter().map(|k| k.as_str()).collect();
                        errors.push(err(format!("{p}.logKind"), format!("logKind '{text}' is not one of {}.", names.join(", "))));
                        None
                    }
                },
            };
            Check::LogLinePresent { kind, contains: required_string(check, "contains", p, errors) }
        }
        "privateEgressPerZone" => Check::PrivateEgressPerZone { cluster: required_string(check, "cluster", p, errors), service: required_string(check, "service", p, errors) },
        "executionsMatchTasks" => Check::ExecutionsMatchTasks {
            state_machine: required_string(check, "stateMachine", p, errors),
            min_executions: required_u32(check, "minExecutions", p, errors),
        },
        "taskRetried" => Check::TaskRetried { state_machine: required_string(check, "stateMachine", p, errors), error: required_string(check, "error", p, errors) },
        "metricAtMost" => {
            let dimensions: Vec<(String, String)> = match check.get("dimensions") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Object(map)) => map.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect(),
                Some(_) => {
                    errors.push(err(format!("{p}.dimensions"), "dimensions must be an object of dimension names and values."));
                    Vec::new()
                }
            };
            let max_milli = match check.get("max").and_then(Value::as_f64).filter(|m| m.is_finite() && m.abs() < 1e12) {
                Some(max) => (max * 1000.0).round() as i64,
                None => {
                    errors.push(err(format!("{p}.max"), "max is required: a number."));
                    0
                }
            };
            let from_ms = match check.get("from") {
                None | Some(Value::Null) => 0,
                Some(Value::String(text)) => parse_duration_ms(text).unwrap_or_else(|message| {
                    errors.push(err(format!("{p}.from"), format!("from: {message}")));
                    0
                }),
                Some(_) => {
                    errors.push(err(format!("{p}.from"), "from must be a duration after Check such as \"20m\"."));
                    0
                }
            };
            Check::MetricAtMost {
                namespace: required_string(check, "namespace", p, errors),
                metric_name: required_string(check, "metricName", p, errors),
                dimensions,
                max_milli,
                from_ms,
            }
        }
        "decision" => {
            let question = required_string(check, "question", p, errors);
            let explanation = required_string(check, "explanation", p, errors);
            let choices = parse_choices(check.get("choices"), &format!("{p}.choices"), errors, |item, path, errors| match item {
                Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
                _ => {
                    errors.push(err(path, "Each choice must be a non-empty string."));
                    None
                }
            });
            let answer = required_u32(check, "answer", p, errors) as usize;
            if !choices.is_empty() && answer >= choices.len() {
                errors.push(err(format!("{p}.answer"), format!("answer must be the index of a choice, from 0 to {}.", choices.len() - 1)));
            }
            Check::Decision(DecisionCard { question, choices, answer: CardAnswer::Choice(answer), explanation })
        }
        "costDecision" => {
            let question = required_string(check, "question", p, errors);
            let explanation = required_string(check, "explanation", p, errors);
            let pairs = parse_choices(check.get("choices"), &format!("{p}.choices"), errors, |item, path, errors| {
                let Some(obj) = item.as_object() else {
                    errors.push(err(path, "Each choice must be an object with text and cluster."));
                    return None;
                };
                let text = required_string(obj, "text", path, errors);
                let cluster = required_string(obj, "cluster", path, errors);
                (!text.is_empty() && !cluster.is_empty()).then_some((text, cluster))
            });
            let (choices, clusters): (Vec<String>, Vec<String>) = pairs.into_iter().unzip();
            Check::Decision(DecisionCard { question, choices, answer: CardAnswer::CheapestCluster(clusters), explanation })
        }
        "" => return None,
        other => {
            errors.push(err(format!("{p}.kind"), format!("kind '{other}' is not one of {}.", CHECK_KINDS.join(", "))));
            return None;
        }
    };
    (errors.len() == n_errors).then_some(Objective { id, text, check })
}

/// Reads a decision card's choices: from 2 to [`MAX_CARD_CHOICES`], without repeats.
fn parse_choices<T: PartialEq>(value: Option<&Value>, path: &str, errors: &mut Vec<FieldError>, item: impl Fn(&Value, &str, &mut Vec<FieldError>) -> Option<T>) -> Vec<T> {
    let Some(items) = value.and_then(Value::as_array).filter(|items| (2..=MAX_CARD_CHOICES).contains(&items.len())) else {
        errors.push(err(path, format!("choices must be an array of 2 to {MAX_CARD_CHOICES} choices.")));
        return Vec::new();
    };
    let mut choices: Vec<T> = Vec::new();
    for (idx, value) in items.iter().enumerate() {
        let item_path = format!("{path}[{idx}]");
        if let Some(choice) = item(value, &item_path, errors) {
            if choices.contains(&choice) {
                errors.push(err(item_path, "The same choice is listed twice."));
            }
            choices.push(choice);
        }
    }
    choices
}

/// Reads `solutionAnswers`, `{"<objective id>": <choice index>}`: one pick for each decision card, and only for
/// them.
fn parse_solution_answers(value: Option<&Value>, objectives: &[Objective], errors: &mut Vec<FieldError>) -> Vec<CardPick> {
    let cards: Vec<(&str, usize)> = objectives
        .iter()
        .filter_map(|o| match &o.check {
            Check::Decision(card) => Some((o.id.as_str(), card.choices.len())),
            _ => None,
        })
        .collect();
    let map = match value {
        None | Some(Value::Null) => {
            if !cards.is_empty() {
                errors.push(err("solutionAnswers", "solutionAnswers is required: the reference solution's pick on each decision card, {\"<objective id>\": <choice index>}."));
            }
            return Vec::new();
        }
        Some(Value::Object(map)) => map,
        Some(_) => {
            errors.push(err("solutionAnswers", "solutionAnswers must be an object: {\"<objective id>\": <choice index>}."));
            return Vec::new();
        }
    };
    let mut picks = Vec::new();
    for (id, pick) in map {
        let path = format!("solutionAnswers.{id}");
        let Some((_, n_choices)) = cards.iter().find(|(card, _)| card == id) else {
            errors.push(err(path, format!("'{id}' is not the id of a decision card.")));
            continue;
        };
        match pick.as_u64().filter(|i| (*i as usize) < *n_choices) {
            Some(choice) => picks.push(CardPick { objective: id.clone(), choice: choice as usize }),
            None => errors.push(err(path, format!("The pick must be the index of a choice, from 0 to {}.", n_choices.saturating_sub(1)))),
        }
    }
    for (card, _) in &cards {
        if !map.contains_key(*card) {
            errors.push(err("solutionAnswers", format!("solutionAnswers has no pick for the decision card '{card}'.")));
        }
    }
    picks
}

/// One row of the lessons index (`crate/lessons/index.json`): what the app lists before it fetches a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonIndexEntry {
    pub id: String,
    pub title: String,
    pub track: Track,
    /// The exam codes the lesson serves, without repeats.
    pub exams: Vec<Exam>,
}

/// Reads the lessons index: `{"formatVersion": 1, "lessons": [{"id", "title", "track", "exams": ["SAA-C03"]}]}`.
pub fn parse_lesson_index(text: &str) -> Result<Vec<LessonIndexEntry>, Vec<FieldError>> {
    let document: Value = serde_json::from_str(text).map_err(|e| vec![err("$", format!("The lessons index is not valid JSON: {e}."))])?;
    let mut errors = Vec::new();
    let entries = parse_items(document.get("lessons"), "lessons", true, &mut errors, |item, path, errors| {
        let Some(obj) = item.as_object() else {
            errors.push(err(path, "Each entry must be an object with id, title, track and exams."));
            return None;
        };
        let id = required_string(obj, "id", path, errors);
        let title = required_string(obj, "title", path, errors);
        let track = Track::from_str(&required_string(obj, "track", path, errors));
        if track.is_none() {
            errors.push(err(format!("{path}.track"), "track is not a known track."));
        }
        let exams: Vec<Exam> = obj.get("exams").and_then(Value::as_array).into_iter().flatten().filter_map(|e| e.as_str().and_then(Exam::from_code)).collect();
        Some(LessonIndexEntry { id, title, track: track?, exams })
    });
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}
