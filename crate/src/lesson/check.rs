//! The checker: it plays the lesson's scenario with the learner's calls at their points, presses Check (the
//! `onCheck` calls start then, at their offsets), runs `checkFor` further, and judges every objective, each with
//! the reason it passed or failed. Same lesson, calls and seed give the same report: the run is a `Sim`.

use serde_json::Value;

use super::model::{CardAnswer, CardPick, Check, Decision, DecisionCard, Lesson};
use crate::scenario::{substitute, Step};
use crate::sim::Sim;
use crate::table::Table;
use crate::time::SimTime;
use crate::view::{TaskStatus, View};

/// How often the checker looks at the run between Check and its end (for the checks over the whole window).
const SAMPLE_EVERY_MS: u64 = 10_000;

/// One call of the learner's run: at `at_ms`, or after exactly `n_events` events when the run recorded it (the
/// app's recorded calls), with an optional `as` name whose output later inputs may refer to (`${name.Field}`).
#[derive(Clone, Debug, PartialEq)]
pub struct LearnerCall {
    pub at_ms: u64,
    pub n_events: Option<u64>,
    pub call: String,
    pub input: Value,
    pub as_name: Option<String>,
}

impl LearnerCall {
    /// A lesson's solution step as a call at its time.
    pub fn from_step(step: &Step) -> LearnerCall {
        LearnerCall { at_ms: step.at_ms, n_events: None, call: step.call.clone(), input: step.input.clone(), as_name: step.as_name.clone() }
    }
}

/// One objective's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub id: String,
    pub text: String,
    pub passed: bool,
    /// Why, in terms of what the simulation shows.
    pub reason: String,
}

/// What a check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The sim time Check was pressed at.
    pub check_at: SimTime,
    /// The sim time the objectives were judged at (`check_at` plus `checkFor`).
    pub judged_at: SimTime,
    pub verdicts: Vec<Verdict>,
    /// The learner's calls that AWS refused, as `call: Code: message` (the first 20).
    pub refused_calls: Vec<String>,
    pub n_refused_calls: u32,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.verdicts.iter().all(|v| v.passed)
    }

    pub fn n_passed(&self) -> usize {
        self.verdicts.iter().filter(|v| v.passed).count()
    }

    /// The verdict of an objective, by id.
    pub fn verdict(&self, id: &str) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.id == id)
    }
}

/// Plays the lesson's reference solution (its calls and its picks on the decision cards) and checks it right
/// after its last call.
pub fn check_lesson(lesson: &Lesson) -> Report {
    let calls: Vec<LearnerCall> = lesson.solution.iter().map(LearnerCall::from_step).collect();
    let check_at_ms = calls.iter().map(|c| c.at_ms).max().unwrap_or(0);
    check_answered_run(lesson, None, &calls, &lesson.solution_answers, check_at_ms)
}

/// A successful call of the learner's run.
struct Made {
    call: String,
    input: Value,
}

/// Plays the lesson's scenario (with `seed`, or the scenario's) and the learner's `calls`, presses Check at
/// `check_at_ms` (or after the last call, if later), and judges the objectives after `checkFor`.
pub fn check_run(lesson: &Lesson, seed: Option<u64>, calls: &[LearnerCall], check_at_ms: u64) -> Report {
    check_answered_run(lesson, seed, calls, &[], check_at_ms)
}

/// Like [`check_run`], with the learner's picks on the lesson's decision cards.
pub fn check_answered_run(lesson: &Lesson, seed: Option<u64>, calls: &[LearnerCall], picks: &[CardPick], check_at_ms: u64) -> Report {
    let mut sim = Sim::new(&lesson.scenario, seed);
    let mut made = Vec::new();
    let mut refused_calls = Vec::new();
    let mut n_refused_calls = 0u32;
    let mut outputs: Table<String, Value> = Table::new();
    for learner_call in calls {
        reach(&mut sim, learner_call);
        let answer = substitute(&learner_call.input, &outputs)
            .map_err(|message| format!("{}: {message}", learner_call.call))
            .and_then(|input| sim.call(&learner_call.call, input.clone()).map(|output| (input, output)).map_err(|e| format!("{}: {}: {}", learner_call.call, e.code, e.message)));
        match answer {
            Ok((input, output)) => {
                if let Some(name) = &learner_call.as_name {
                    outputs.insert(name.clone(), output);
                }
                made.push(Made { call: learner_call.call.clone(), input });
            }
            Err(text) => {
                n_refused_calls += 1;
                if refused_calls.len() < 20 {
                    refused_calls.push(text);
                }
            }
        }
    }
    let check_at = SimTime(check_at_ms.max(sim.now().0));
    let mut window = Window::new(lesson);
    run_window(&mut sim, lesson, check_at, Some(&mut window));
    let view = sim.view();
    let baseline_per_hour = lesson.objectives.iter().any(|o| matches!(o.check, Check::CostPerHour { .. })).then(|| {
        let mut baseline = Sim::new(&lesson.scenario, seed);
        run_window(&mut baseline, lesson, check_at, None);
        baseline.cost_report().per_hour_micro_usd
    });
    let context = Context { view: &view, sim: &sim, made: &made, window: &window, baseline_per_hour, check_at, picks };
    let verdicts = lesson
        .objectives
        .iter()
        .enumerate()
        .map(|(idx, objective)| {
            let (passed, reason) = match &objective.check {
                Check::Decision(card) => judge_card(&objective.id, card, &context),
                check => judge(idx, check, &context),
            };
            Verdict { id: objective.id.clone(), text: objective.text.clone(), passed, reason }
        })
        .collect();
    Report { check_at, judged_at: sim.now(), verdicts, refused_calls, n_refused_calls }
}

/// Brings the run to a learner call's point: after its recorded number of events, or to its time.
fn reach(sim: &mut Sim, call: &LearnerCall) {
    if let Some(n_events) = call.n_events {
        while sim.n_events_processed() < n_events && sim.step() {}
        // The clock moves on to the call's time only when no event is due before it (as a live run's clock does).
        if sim.next_event_time().is_none_or(|t| t.0 > call.at_ms) && call.at_ms > sim.now().0 {
            sim.advance_to(SimTime(call.at_ms), u32::MAX);
        }
    } else if call.at_ms > sim.now().0 {
        sim.advance_to(SimTime(call.at_ms), u32::MAX);
    }
}

/// What the checker saw between Check and the end of the run.
struct Window {
    /// Per `runningThroughout` objective (by index), the fewest RUNNING tasks seen and when.
    fewest_running: Vec<Option<(u32, SimTime)>>,
    /// Stopped tasks seen in the window: (task id, service, stop code, stopped reason, stopped at).
    stopped: Vec<(String, Option<String>, String, String, SimTime)>,
    /// Whether the checker needs to look at the run each minute at all.
    needed: bool,
}

impl Window {
    fn new(lesson: &Lesson) -> Window {
        let needed = lesson.objectives.iter().any(|o| matches!(o.check, Check::RunningThroughout { .. } | Check::NoTaskStopped { .. }));
        Window { fewest_running: vec![None; lesson.objectives.len()], stopped: Vec::new(), needed }
    }

    fn sample(&mut self, lesson: &Lesson, view: &View, check_at: SimTime) {
        for (idx, objective) in lesson.objectives.iter().enumerate() {
            if let Check::RunningThroughout { cluster, service, min: _, from_ms } = &objective.check {
                if view.now.0 < check_at.0 + from_ms {
                    continue;
                }
                let running = count_running(view, cluster, Some(service), None);
                if self.fewest_running[idx].is_none_or(|(fewest, _)| running < fewest) {
                    self.fewest_running[idx] = Some((running, view.now));
                }
            }
        }
        for task in &view.tasks {
            let Some(stopped_at) = task.stopped_at else { continue };
            if stopped_at < check_at || self.stopped.iter().any(|s| s.0 == task.id) || self.stopped.len() >= 1_000 {
                continue;
            }
            self.stopped.push((
                task.id.clone(),
                task.service.clone(),
                task.stop_code.clone().unwrap_or_default(),
                task.stopped_reason.clone().unwrap_or_default(),
                stopped_at,
            ));
        }
    }
}

/// Presses Check at `check_at`: runs the `onCheck` calls at their offsets and the run to its end, looking at it
/// each minute when `window` wants it.
fn run_window(sim: &mut Sim, lesson: &Lesson, check_at: SimTime, mut window: Option<&mut Window>) {
    sim.advance_to(check_at, u32::MAX);
    let end = check_at.0 + lesson.check_for_ms;
    let mut outputs: Table<String, Value> = Table::new();
    let mut next_call = 0;
    let mut next_sample = check_at.0;
    let sampling = window.as_ref().is_some_and(|w| w.needed);
    loop {
        let call_at = lesson.on_check.get(next_call).map(|s| check_at.0 + s.at_ms);
        let sample_at = if sampling { Some(next_sample) } else { None };
        let next = [call_at, sample_at].into_iter().flatten().min();
        let Some(next) = next.filter(|t| *t <= end) else { break };
        sim.advance_to(SimTime(next), u32::MAX);
        if call_at == Some(next) {
            let step = &lesson.on_check[next_call];
            next_call += 1;
            if let Ok(input) = substitute(&step.input, &outputs) {
                if let (Ok(output), Some(name)) = (sim.call(&step.call, input), &step.as_name) {
                    outputs.insert(name.clone(), output);
                }
            }
        } else {
            next_sample += SAMPLE_EVERY_MS;
            if let Some(window) = window.as_deref_mut() {
                window.sample(lesson, &sim.view(), check_at);
            }
        }
    }
    sim.advance_to(SimTime(end), u32::MAX);
    if let Some(window) = window {
        if window.needed {
            window.sample(lesson, &sim.view(), check_at);
        }
    }
}

struct Context<'a> {
    view: &'a View,
    sim: &'a Sim,
    made: &'a [Made],
    window: &'a Window,
    baseline_per_hour: Option<u64>,
    check_at: SimTime,
    picks: &'a [CardPick],
}

fn count_running(view: &View, cluster: &str, service: Option<&str>, capacity_provider: Option<&str>) -> u32 {
    view.tasks
        .iter()
        .filter(|t| t.cluster == cluster && t.last_status == TaskStatus::Running)
        .filter(|t| service.is_none_or(|s| t.service.as_deref() == Some(s)))
        .filter(|t| capacity_provider.is_none_or(|cp| t.capacity_provider.as_deref() == Some(cp)))
        .count() as u32
}

fn minutes_after(check_at: SimTime, time: SimTime) -> String {
    let s = time.0.saturating_sub(check_at.0) / 1000;
    format!("Check+{}m{:02}s", s / 60, s % 60)
}

/// Whether `actual` contains `pattern`: objects member by member, arrays item by item (each pattern item matches
/// some item), other values equal.
pub(crate) fn matches(pattern: &Value, actual: &Value) -> bool {
    match (pattern, actual) {
        (Value::Object(p), Value::Object(a)) => p.iter().all(|(k, v)| a.get(k).is_some_and(|av| matches(v, av))),
        (Value::Array(p), Value::Array(a)) => p.iter().all(|pv| a.iter().any(|av| matches(pv, av))),
        (p, a) => p == a,
    }
}

fn usd(micro_usd: u64) -> String {
    format!("${}.{:04}", micro_usd / 1_000_000, (micro_usd % 1_000_000) / 100)
}

/// Judges one check: whether it passed, and why.
fn judge(idx: usize, check: &Check, cx: &Context) -> (bool, String) {
    let view = cx.view;
    match check {
        Check::ServiceSteady { cluster, service, running_count, task_definition } => {
            let Some(s) = view.services.iter().find(|s| &s.cluster == cluster && &s.name == service) else {
                return (false, format!("There is no service '{service}' in cluster '{cluster}'."));
            };
            let running = count_running(view, cluster, Some(service), None);
            let primary = s.deployments.iter().find(|d| d.status == crate::view::DeploymentStatus::Primary);
            if s.desired_count != *running_count || running != *running_count {
                return (false, format!("Service '{service}' has desiredCount {} and {running} RUNNING tasks; the objective is {running_count}.", s.desired_count));
            }
            if s.deployments.len() != 1 || primary.is_none_or(|d| d.rollout_state != crate::view::RolloutState::Completed) {
                return (false, format!("Service '{service}' runs {running} tasks but has {} deployments and is not steady (the PRIMARY deployment is not COMPLETED).", s.deployments.len()));
            }
            if let Some(wanted) = task_definition {
                if &s.task_definition != wanted && s.task_definition.split(':').next() != Some(wanted.as_str()) {
                    return (false, format!("Service '{service}' is steady on {}, not on {wanted}.", s.task_definition));
                }
            }
            (true, format!("Service '{service}' is steady: {running} RUNNING of {} desired on {}, deployment COMPLETED.", s.desired_count, s.task_definition))
        }
        Check::TasksAcrossZones { cluster, service, min_zones } => {
            let mut zones: Vec<&str> = view
                .tasks
                .iter()
                .filter(|t| &t.cluster == cluster && t.service.as_deref() == Some(service) && t.last_status == TaskStatus::Running)
                .map(|t| t.availability_zone.as_str())
                .collect();
            zones.sort_unstable();
            zones.dedup();
            let passed = zones.len() as u32 >= *min_zones;
            (passed, format!("The RUNNING tasks of '{service}' are in {} Availability Zone(s) ({}); the objective is at least {min_zones}.", zones.len(), if zones.is_empty() { "none".to_string() } else { zones.join(", ") }))
        }
        Check::NoTaskStopped { cluster: _, service, stop_code, reason_contains } => {
            let offender = cx.window.stopped.iter().find(|(_, task_service, code, reason, _)| {
                service.as_ref().is_none_or(|s| task_service.as_ref() == Some(s))
                    && (stop_code.as_ref().is_some_and(|c| c == code) || reason_contains.as_ref().is_some_and(|r| reason.contains(r.as_str())))
            });
            let what = match (stop_code, reason_contains) {
                (Some(code), Some(reason)) => format!("stopCode {code} or a reason containing '{reason}'"),
                (Some(code), None) => format!("stopCode {code}"),
                (None, reason) => format!("a reason containing '{}'", reason.clone().unwrap_or_default()),
            };
            match offender {
                Some((id, _, code, reason, at)) => {
                    (false, format!("Task {} stopped at {} with stopCode {code}: {reason}", &id[..id.len().min(8)], minutes_after(cx.check_at, *at)))
                }
                None => (true, format!("No task stopped with {what} after Check ({} tasks stopped for other reasons).", cx.window.stopped.len())),
            }
        }
        Check::RunningThroughout { service, min, from_ms, .. } => match cx.window.fewest_running.get(idx).copied().flatten() {
            Some((fewest, at)) => (
                fewest >= *min,
                format!("From Check+{}s to the end, '{service}' had at least {fewest} RUNNING tasks (fewest at {}); the objective is at least {min} throughout.", from_ms / 1000, minutes_after(cx.check_at, at)),
            ),
            None => (false, format!("The run ended before the checker could count the tasks of '{service}'.")),
        },
        Check::RunningTasks { cluster, service, capacity_provider, min, max } => {
            let running = count_running(view, cluster, service.as_deref(), capacity_provider.as_deref());
            let what = format!(
                "RUNNING tasks{}{}",
                service.as_ref().map(|s| format!(" of '{s}'")).unwrap_or_default(),
                capacity_provider.as_ref().map(|cp| format!(" on {cp}")).unwrap_or_default()
            );
            let passed = min.is_none_or(|m| running >= m) && max.is_none_or(|m| running <= m);
            let bounds = match (min, max) {
                (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
                (Some(lo), None) => format!("at least {lo}"),
                (None, Some(hi)) => format!("at most {hi}"),
                (None, None) => String::new(),
            };
            (passed, format!("{running} {what} in cluster '{cluster}'; the objective is {bounds}."))
        }
        Check::InstancesUsed { cluster, service, max } => {
            let mut instances: Vec<&str> = view
                .tasks
                .iter()
                .filter(|t| &t.cluster == cluster && t.service.as_deref() == Some(service) && t.last_status == TaskStatus::Running)
                .filter_map(|t| t.ec2_instance_id.as_deref())
                .collect();
            instances.sort_unstable();
            instances.dedup();
            (instances.len() as u32 <= *max, format!("The RUNNING tasks of '{service}' use {} instance(s); the objective is at most {max}.", instances.len()))
        }
        Check::CallMade { call, input } => match cx.made.iter().find(|m| &m.call == call && matches(input, &m.input)) {
            Some(_) => (true, format!("You made {call} with the input the objective asks for, and AWS accepted it.")),
            None => {
                let n_same = cx.made.iter().filter(|m| &m.call == call).count();
                let wanted = crate::codec::compact_json(input, 160, "…");
                if n_same == 0 {
                    (false, format!("No accepted {call} call: make one whose input contains {wanted}."))
                } else {
                    (false, format!("{n_same} accepted {call} call(s), but none with an input containing {wanted}."))
                }
            }
        },
        Check::CallNotMade { call } => {
            let n = cx.made.iter().filter(|m| &m.call == call).count();
            (n == 0, if n == 0 { format!("You did not call {call}.") } else { format!("You called {call} {n} time(s); this lesson asks you to do without it.") })
        }
        Check::CostPerHour { max_percent_of_baseline } => {
            let now = cx.sim.cost_report().per_hour_micro_usd;
            let baseline = cx.baseline_per_hour.unwrap_or(0);
            let limit = baseline * u64::from(*max_percent_of_baseline) / 100;
            let percent = if baseline == 0 { 0 } else { now * 100 / baseline };
            (
                now <= limit,
                format!("The run costs {} an hour at the end, {percent}% of the {} an hour of the starting design; the objective is at most {max_percent_of_baseline}% ({}).", usd(now), usd(baseline), usd(limit)),
            )
        }
        Check::AlarmInState { alarm_name_prefix, state } => {
            let alarms: Vec<_> = view.scaling.alarms.iter().filter(|a| a.name.starts_with(alarm_name_prefix.as_str())).collect();
            match alarms.iter().find(|a| a.state == *state) {
                Some(alarm) => (true, format!("Alarm {} is {}: {}", alarm.name, state.as_aws(), alarm.state_reason)),
                None if alarms.is_empty() => (false, format!("No alarm's name starts with '{alarm_name_prefix}'.")),
                None => (false, format!("Alarm {} is {}, not {}.", alarms[0].name, alarms[0].state.as_aws(), state.as_aws())),
            }
        }
        Check::IamDecision { role, action, resource, decision } => {
            let iam = cx.sim.iam();
            if iam.find_role(role).is_none() {
                return (false, format!("There is no role '{role}'."));
            }
            let result = iam.role_allows(role, action, resource);
            let got = if result.is_allowed() { Decision::Allow } else { Decision::Deny };
            let word = |d: Decision| if d == Decision::Allow { "Allow" } else { "Deny" };
            (got == *decision, format!("IAM decides {} for {role} doing {action} on {resource}: {}", word(got), result.explain()))
        }
        Check::LogLinePresent { kind, contains } => {
            let found = cx.sim.log().iter().find(|e| e.time >= cx.check_at && kind.is_none_or(|k| e.kind == k) && (e.message.contains(contains.as_str()) || e.subject.contains(contains.as_str())));
            match found {
                Some(entry) => (true, format!("At {} the event log says: {}", minutes_after(cx.check_at, entry.time), entry.message)),
                None => (false, format!("No line of the event log after Check contains '{contains}'.")),
            }
        }
        Check::PrivateEgressPerZone { cluster, service } => private_egress_per_zone(cx.sim, cluster, service),
        Check::MetricAtMost { namespace, metric_name, dimensions, max_milli, from_ms } => {
            let dims: Vec<(&str, &str)> = dimensions.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let key = crate::scaling::MetricKey::new(namespace, metric_name, &dims);
            let start_minute = (cx.sim.scenario().start_epoch_ms + cx.check_at.0 + from_ms) / 60_000;
            let points: Vec<(u64, i64)> = cx.sim.scaling.metrics.series(&key, crate::scaling::Statistic::Average).into_iter().filter(|(minute, _)| *minute >= start_minute).collect();
            let shown = |milli: i64| format!("{}.{:03}", milli / 1000, (milli % 1000).abs()).trim_end_matches('0').trim_end_matches('.').to_string();
            match points.iter().max_by_key(|(minute, value)| (*value, std::cmp::Reverse(*minute))) {
                None => (false, format!("{namespace} {metric_name} has no datapoint from Check+{}m on.", from_ms / 60_000)),
                Some((minute, highest)) => {
                    let at = SimTime((minute * 60_000).saturating_sub(cx.sim.scenario().start_epoch_ms));
                    (
                        *highest <= *max_milli,
                        format!("{metric_name} was at most {} over {} one-minute datapoints from Check+{}m (highest at {}); the objective is at most {}.", shown(*highest), points.len(), from_ms / 60_000, minutes_after(cx.check_at, at), shown(*max_milli)),
                    )
                }
            }
        }
        Check::Decision(card) => (false, format!("The card '{}' is judged with the learner's picks.", card.question)),
        Check::ExecutionsMatchTasks { state_machine, min_executions } => executions_match_tasks(cx, state_machine, *min_executions),
        Check::TaskRetried { state_machine, error } => {
            let executions = executions_of(cx.sim, state_machine);
            let retried = executions.iter().find(|e| {
                let failed_at = e.history.iter().position(|ev| ev["type"] == "TaskFailed" && ev["taskFailedEventDetails"]["error"] == error.as_str());
                failed_at.is_some_and(|i| e.history[i..].iter().any(|ev| ev["type"] == "TaskScheduled"))
            });
            match retried {
                Some(e) => (true, format!("Execution {} failed with {error} and its Task state ran again (a Retry).", e.name)),
                None => {
                    let n_failed = executions.iter().filter(|e| e.history.iter().any(|ev| ev["taskFailedEventDetails"]["error"] == error.as_str())).count();
                    (false, format!("No execution of '{state_machine}' retried after {error} ({n_failed} execution(s) had a Task fail with it): add a Retry whose ErrorEquals names it."))
                }
            }
        }
        Check::TargetsHealthy { target_group, min_healthy } => {
            let Some(tg) = view.target_groups.iter().find(|t| &t.name == target_group) else {
                return (false, format!("There is no target group '{target_group}'."));
            };
            let healthy = tg.targets.iter().filter(|t| t.state == crate::view::TargetHealthState::Healthy).count() as u32;
            let unhealthy: Vec<String> = tg.targets.iter().filter_map(|t| t.reason.clone()).take(2).collect();
            (
                healthy >= *min_healthy,
                format!(
                    "Target group {target_group} has {healthy} healthy target(s) of {}; the objective is at least {min_healthy}.{}",
                    tg.targets.len(),
                    if unhealthy.is_empty() { String::new() } else { format!(" Reasons: {}.", unhealthy.join(", ")) }
                ),
            )
        }
    }
}

/// Judges `privateEgressPerZone`: no public IP, and from every subnet of the service a path to each of
/// `ecr.api`, `ecr.dkr`, `s3` and `logs` that stays in the subnet's Availability Zone. AWS recommends a NAT
/// gateway in each Availability Zone, because a NAT gateway is redundant only inside its own zone ("If you
/// have resources in multiple Availability Zones and they share one NAT gateway, and if the NAT gateway's
/// Availability Zone is down, resources in the other Availability Zones lose internet access", Amazon VPC
/// User Guide, NAT gateway basics); an interface endpoint answers in each zone where it has a network
/// interface (AWS PrivateLink Guide, "Access an AWS service using an interface VPC endpoint").
fn private_egress_per_zone(sim: &Sim, cluster: &str, service: &str) -> (bool, String) {
    use crate::vpc::{Destination, PathKind, Source};
    let Some(s) = sim.services.values().find(|s| s.cluster == cluster && s.name == service) else {
        return (false, format!("There is no service '{service}' in cluster '{cluster}'."));
    };
    if s.assign_public_ip {
        return (false, format!("Service '{service}' runs its tasks with assignPublicIp ENABLED: each task gets a public IP. The objective is private tasks (assignPublicIp DISABLED)."));
    }
    if s.subnets.is_empty() {
        return (false, format!("Service '{service}' has no awsvpc subnets."));
    }
    let vpc = sim.vpc();
    let region = sim.scenario().region.as_str();
    let now_ms = sim.now().0;
    let mut kinds: Vec<String> = Vec::new();
    for subnet_id in &s.subnets {
        let zone = vpc.subnets.get(subnet_id).map(|n| n.availability_zone.clone()).unwrap_or_default();
        let zone_of = |id: &str| vpc.subnets.get(id).map(|n| n.availability_zone.as_str());
        let source = Source { subnet_id: subnet_id.clone(), public_ip: false, security_groups: s.security_groups.clone(), name: format!("a task in {subnet_id}") };
        for short in ["ecr.api", "ecr.dkr", "s3", "logs"] {
            let destination = Destination::service(short);
            let path = vpc.reach(&source, &destination, region, now_ms);
            if let Some(missing) = &path.missing {
                return (false, format!("From {subnet_id} ({zone}) there is no path to {short}: {}", missing.detail));
            }
            let in_zone = match path.kind {
                PathKind::GatewayEndpoint | PathKind::Assumed => true,
                PathKind::InterfaceEndpoint => path
                    .hops
                    .iter()
                    .filter_map(|h| vpc.endpoints.get(&h.component))
                    .any(|e| e.subnet_ids.iter().any(|id| zone_of(id) == Some(zone.as_str()))),
                PathKind::NatGateway => {
                    let nat = path.hops.iter().find_map(|h| vpc.nat_gateways.get(&h.component));
                    match nat {
                        Some(nat) if zone_of(&nat.subnet_id) == Some(zone.as_str()) => true,
                        Some(nat) => {
                            return (
                                false,
                                format!(
                                    "Tasks in {subnet_id} ({zone}) reach {short} through {} in {}: if that zone fails, they cannot pull images. Give each zone its own NAT gateway, or use VPC endpoints.",
                                    nat.nat_gateway_id,
                                    zone_of(&nat.subnet_id).unwrap_or("another zone")
                                ),
                            )
                        }
                        None => false,
                    }
                }
                PathKind::InternetGateway | PathKind::NoPath => false,
            };
            if !in_zone {
                return (false, format!("Tasks in {subnet_id} ({zone}) reach {short} through a path with no part in {zone}: an interface endpoint needs a subnet in each zone its tasks use."));
            }
            let kind = match path.kind {
                PathKind::InterfaceEndpoint => "interface endpoint",
                PathKind::GatewayEndpoint => "gateway endpoint",
                PathKind::NatGateway => "NAT gateway in the same zone",
                _ => "assumed path",
            };
            let line = format!("{short} by {kind}");
            if !kinds.contains(&line) {
                kinds.push(line);
            }
        }
    }
    (true, format!("Tasks of '{service}' have no public IP, and from each of its {} subnet(s) the pull and log paths stay in the subnet's zone: {}.", s.subnets.len(), kinds.join(", ")))
}

/// The executions of the state machine named `name`, oldest first.
fn executions_of<'a>(sim: &'a Sim, name: &str) -> Vec<&'a crate::states::Execution> {
    let states = sim.step_functions();
    states.executions.iter().filter(|e| states.machines.get(&e.machine_arn).is_some_and(|m| m.name == name)).collect()
}

/// The ARN of the last ECS task an execution ran: from the output of its TaskSubmitted (`.sync`) or
/// TaskSucceeded (request/response) events, which carry RunTask's answer.
fn last_task_arn(execution: &crate::states::Execution) -> Option<String> {
    execution.history.iter().rev().find_map(|event| {
        let details = event.get("taskSubmittedEventDetails").or_else(|| event.get("taskSucceededEventDetails"))?;
        let output: Value = serde_json::from_str(details.get("output")?.as_str()?).ok()?;
        let first = output.get("Tasks").and_then(Value::as_array).and_then(|t| t.first()).or(Some(&output))?;
        first.get("TaskArn").and_then(Value::as_str).map(str::to_string)
    })
}

/// Judges `executionsMatchTasks`: an execution's status must tell the truth about its job.
fn executions_match_tasks(cx: &Context, name: &str, min_executions: u32) -> (bool, String) {
    let executions = executions_of(cx.sim, name);
    if (executions.len() as u32) < min_executions {
        return (false, format!("State machine '{name}' has {} execution(s); the objective looks at {min_executions}.", executions.len()));
    }
    let (mut n_succeeded, mut n_failed) = (0, 0);
    for execution in &executions {
        let status = execution.status.as_aws();
        if execution.status == crate::states::ExecutionStatus::Running {
            return (false, format!("Execution {} is still RUNNING at the end of the run.", execution.name));
        }
        let Some(task_arn) = last_task_arn(execution) else {
            if execution.status == crate::states::ExecutionStatus::Succeeded {
                return (false, format!("Execution {} ended SUCCEEDED, but no ECS task ran: RunTask answered with a failure and the request/response integration reported success.", execution.name));
            }
            let error = execution.error.clone().unwrap_or_default();
            return (false, format!("Execution {} ended {status} ({error}) before any ECS task ran: a transient RunTask failure needs a Retry.", execution.name));
        };
        let Some(task) = cx.view.tasks.iter().find(|t| t.arn == task_arn) else {
            return (false, format!("Execution {}'s task is no longer listed.", execution.name));
        };
        let exit_codes: Vec<String> = task.containers.iter().map(|c| c.exit_code.map_or("none".to_string(), |e| e.to_string())).collect();
        let job_succeeded = task.last_status == TaskStatus::Stopped && task.containers.iter().all(|c| c.exit_code == Some(0));
        let succeeded = execution.status == crate::states::ExecutionStatus::Succeeded;
        let id = &task.id[..task.id.len().min(8)];
        if job_succeeded != succeeded {
            let task_state = if task.last_status == TaskStatus::Stopped { format!("stopped with exit code {}", exit_codes.join(", ")) } else { format!("is still {}", task.last_status.as_aws()) };
            return (false, format!("Execution {} ended {status}, but its ECS task {id} {task_state}: the execution does not report the job's outcome.", execution.name));
        }
        if succeeded {
            n_succeeded += 1;
        } else {
            n_failed += 1;
        }
    }
    (true, format!("All {} executions of '{name}' report their job: {n_succeeded} SUCCEEDED with tasks that exited 0, {n_failed} FAILED with tasks that did not.", executions.len()))
}

/// A cluster's cost to date on the simulation's bill, and that rate over 30 days.
fn cluster_bill(cx: &Context, cluster: &str, report: &crate::scaling::CostReport) -> (u64, u64) {
    let to_date = report.by_cluster.iter().find(|line| line.name == cluster).map_or(0, |line| line.to_date_micro_usd);
    let elapsed_ms = cx.sim.now().0.max(1);
    let thirty_days_ms: u64 = 30 * 24 * 3_600_000;
    (to_date, (u128::from(to_date) * u128::from(thirty_days_ms) / u128::from(elapsed_ms)) as u64)
}

/// Judges a decision card against the learner's pick: the card's written answer, or the choice whose cluster
/// costs least on the simulation's bill.
fn judge_card(id: &str, card: &DecisionCard, cx: &Context) -> (bool, String) {
    let (answer, bill) = match &card.answer {
        CardAnswer::Choice(answer) => (*answer, String::new()),
        CardAnswer::CheapestCluster(clusters) => {
            let report = cx.sim.cost_report();
            let bills: Vec<(u64, u64)> = clusters.iter().map(|c| cluster_bill(cx, c, &report)).collect();
            let cheapest = (0..bills.len()).min_by_key(|i| (bills[*i].0, *i)).unwrap_or(0);
            let tenths_of_hours = cx.sim.now().0 / 360_000;
            let hours = format!("{}.{}", tenths_of_hours / 10, tenths_of_hours % 10);
            let lines: Vec<String> = clusters
                .iter()
                .zip(&card.choices)
                .zip(&bills)
                .map(|((cluster, choice), (to_date, month))| format!("{choice} (cluster '{cluster}') cost {} over the run's {hours} h, {} for 30 days at that rate", usd(*to_date), usd(*month)))
                .collect();
            (cheapest, format!(" The bill: {}.", lines.join("; ")))
        }
    };
    let right = &card.choices[answer.min(card.choices.len().saturating_sub(1))];
    match cx.picks.iter().find(|p| p.objective == id) {
        None => (false, format!("Not answered: pick one of the choices before you press Check.{bill}")),
        Some(pick) if pick.choice == answer => (true, format!("You picked {right}: right. {}{bill}", card.explanation)),
        Some(pick) => {
            let picked = card.choices.get(pick.choice).map_or("a choice that does not exist", String::as_str);
            (false, format!("You picked {picked}; the answer is {right}. {}{bill}", card.explanation))
        }
    }
}
