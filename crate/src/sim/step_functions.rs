//! The engine runs Step Functions executions: each state in turn, a Task state's ECS RunTask made with the state
//! machine's role, a `.sync` Task waiting for its task to stop (polled every [`POLL_MS`]), Wait states and retries
//! on sim time, Retry and Catch on failures. The history events and their members are Step Functions' (recorded
//! against real AWS in ../shared/reference/integrations-export.md §1.3).

use serde_json::{json, Value};

use crate::states::asl::{self, camel, pascal, Integration, StateKind};
use crate::states::{EventDetails, StateData, ExecutionStatus, StateOutcome, StatesContext, Waiting, MAX_HISTORY_EVENTS, POLL_MS};
use crate::time::SimTime;

use super::engine::{Ev, Sim};
use super::model::{TaskStatus, ACCOUNT_ID};
use super::record::LogKind;

/// A Task's failure: the error name and its cause.
struct Failure {
    error: String,
    cause: String,
}

impl Sim {
    /// The state machines and their executions, for the lesson checker and the tests.
    pub fn step_functions(&self) -> &crate::states::StatesState {
        &self.states
    }

    pub(super) fn states_context(&self) -> StatesContext {
        StatesContext { region: self.scenario.region.clone(), account_id: ACCOUNT_ID.to_string(), now_iso: self.iso_time(self.now), now_ms: self.now.0 }
    }

    /// Moves every running execution on as far as it can go now, then schedules the next run when one waits.
    pub(super) fn run_executions(&mut self) {
        for idx in 0..self.states.executions.len() {
            let mut guard = 0;
            while self.states.executions[idx].status == ExecutionStatus::Running && guard < MAX_HISTORY_EVENTS {
                guard += 1;
                if !self.step_execution(idx) {
                    break;
                }
            }
        }
        let now = self.now.0;
        let due = self
            .states
            .executions
            .iter()
            .filter(|e| e.status == ExecutionStatus::Running)
            .filter_map(|e| match &e.waiting {
                Waiting::WaitState(t) | Waiting::Retry(t) => Some((*t).max(now)),
                Waiting::Task(_) => Some(now + POLL_MS),
                Waiting::Ready => None,
            })
            .min();
        if let Some(due) = due {
            if self.states.poll_at.is_none_or(|p| due < p || p <= now) {
                self.states.poll_at = Some(due);
                self.schedule(SimTime(due), Ev::StatesPoll);
            }
        }
    }

    /// A scheduled run of the executions.
    pub(super) fn on_states_poll(&mut self) {
        if self.states.poll_at.is_some_and(|p| p <= self.now.0) {
            self.states.poll_at = None;
        }
        self.run_executions();
    }

    fn push(&mut self, idx: usize, event_type: &str, details_key: &str, details: impl Into<EventDetails>) {
        let details = details.into().0;
        let now_iso = self.iso_time(self.now);
        let execution = &mut self.states.executions[idx];
        if execution.history.len() + 2 >= MAX_HISTORY_EVENTS {
            execution.push_event(&now_iso, event_type, details_key, details);
            let cause = format!("The execution reached the playground's limit of {MAX_HISTORY_EVENTS} history events.");
            execution.push_event(&now_iso, "ExecutionFailed", "executionFailedEventDetails", json!({ "error": "States.Runtime", "cause": cause }));
            execution.status = ExecutionStatus::Failed;
            execution.error = Some("States.Runtime".into());
            execution.cause = Some(cause);
            execution.stop_iso = Some(now_iso);
            return;
        }
        execution.push_event(&now_iso, event_type, details_key, details);
    }

    fn end_execution(&mut self, idx: usize, status: ExecutionStatus, output: Option<Value>, error: Option<(String, String)>) {
        let now_iso = self.iso_time(self.now);
        let (event_type, key, details) = match (&status, &error) {
            (ExecutionStatus::Succeeded, _) => ("ExecutionSucceeded", "executionSucceededEventDetails", json!({ "output": output.clone().unwrap_or(Value::Null).to_string(), "outputDetails": { "truncated": false } })),
            (_, Some((e, c))) => ("ExecutionFailed", "executionFailedEventDetails", json!({ "error": e, "cause": c })),
            _ => ("ExecutionFailed", "executionFailedEventDetails", json!({})),
        };
        self.push(idx, event_type, key, details);
        let execution = &mut self.states.executions[idx];
        if execution.status != ExecutionStatus::Running {
            return;
        }
        execution.status = status;
        execution.output = output;
        execution.stop_iso = Some(now_iso);
        execution.current = None;
        if let Some((e, c)) = error {
            execution.error = Some(e);
            execution.cause = Some(c);
        }
        let (name, status) = (execution.name.clone(), execution.status.as_aws());
        self.log_entry(LogKind::Task, format!("execution {name}"), format!("Step Functions execution {name} ended {status}."));
    }

    /// One move of execution `idx`; `false` when it must wait.
    fn step_execution(&mut self, idx: usize) -> bool {
        let execution = &self.states.executions[idx];
        let Some(machine) = self.states.machines.get(&execution.machine_arn) else { return false };
        let definition = machine.definition.clone();
        let role_arn = machine.role_arn.clone();
        let now = self.now.0;
        let Some(current) = execution.current.clone() else {
            // Not started yet: enter StartAt with the execution's input.
            let input = StateData(execution.input.clone());
            self.enter_state(idx, &definition.start_at, input);
            return true;
        };
        let Some(state) = definition.state(&current).cloned() else { return false };
        let input = StateData(execution.state_input.clone());
        match execution.waiting.clone() {
            Waiting::Ready => {
                // A state entered and ready to run.
                self.run_state(idx, &state, input, &role_arn);
                true
            }
            Waiting::WaitState(t) | Waiting::Retry(t) if now < t => false,
            Waiting::WaitState(_) => {
                self.states.executions[idx].waiting = Waiting::Ready;
                self.finish_state(idx, &state, input.clone(), input);
                true
            }
            Waiting::Retry(_) => {
                self.states.executions[idx].waiting = Waiting::Ready;
                self.run_state(idx, &state, input, &role_arn);
                true
            }
            Waiting::Task(task_arn) => {
                let id = task_arn.rsplit('/').next().unwrap_or("");
                let Some(key) = self.tasks.key_by_id(id) else { return false };
                let task = &self.tasks[&key];
                if task.last_status != TaskStatus::Stopped {
                    return false;
                }
                let failed = task.stop_code.as_deref() == Some("TaskFailedToStart") || task.containers.iter().any(|c| c.exit_code != Some(0));
                let description = pascal(&self.task_json(key));
                self.states.executions[idx].waiting = Waiting::Ready;
                if failed {
                    // Observed: any container exiting non-zero fails a .sync task with States.TaskFailed; the cause
                    // is the stopped task's description ([UNVERIFIED] exact text).
                    self.task_failed(idx, &state, input, Failure { error: "States.TaskFailed".into(), cause: description.to_string() });
                } else {
                    self.push(idx, "TaskSucceeded", "taskSucceededEventDetails", json!({ "resourceType": "ecs", "resource": "runTask.sync", "output": description.to_string(), "outputDetails": { "truncated": false } }));
                    self.finish_state(idx, &state, input, StateData(description));
                }
                true
            }
        }
    }

    fn enter_state(&mut self, idx: usize, name: &str, input: StateData) {
        let input = input.0;
        let Some(machine) = self.states.machines.get(&self.states.executions[idx].machine_arn) else { return };
        let Some(state) = machine.definition.state(name).cloned() else { return };
        let type_name = state.kind.type_name();
        self.push(idx, &format!("{type_name}StateEntered"), "stateEnteredEventDetails", json!({ "name": name, "input": input.to_string(), "inputDetails": { "truncated": false } }));
        let execution = &mut self.states.executions[idx];
        execution.current = Some(name.to_string());
        execution.state_input = input;
        execution.waiting = Waiting::Ready;
        execution.retry_counts = match &state.kind {
            StateKind::Task { retry, .. } => vec![0; retry.len()],
            _ => Vec::new(),
        };
        execution.mark(name, StateOutcome::InProgress);
    }

    /// The state's effective input after `InputPath`.
    fn effective_input(state: &asl::StateDef, input: &StateData) -> Result<Value, Failure> {
        let input = &input.0;
        match &state.input_path {
            None => Ok(input.clone()),
            Some(None) => Ok(json!({})),
            Some(Some(path)) => asl::read_path(input, path).ok_or_else(|| Failure {
                error: "States.Runtime".into(),
                cause: format!("An error occurred while executing the state '{}'. Invalid path '{path}' : No results for path: {path}", state.name),
            }),
        }
    }

    fn run_state(&mut self, idx: usize, state: &asl::StateDef, input: StateData, role_arn: &str) {
        let effective = match Self::effective_input(state, &input) {
            Ok(v) => v,
            Err(f) => return self.fail_execution(idx, &state.name, f),
        };
        match &state.kind {
            StateKind::Pass { result } => {
                let result = result.clone().unwrap_or(effective);
                self.finish_state(idx, state, input, StateData(result));
            }
            StateKind::Wait { seconds } => {
                self.states.executions[idx].waiting = Waiting::WaitState(self.now.0 + seconds.saturating_mul(1000));
            }
            StateKind::Succeed => {
                let output = match Self::output_of(state, &StateData(effective)) {
                    Ok(o) => o,
                    Err(f) => return self.fail_execution(idx, &state.name, f),
                };
                self.push(idx, "SucceedStateExited", "stateExitedEventDetails", json!({ "name": state.name, "output": output.to_string(), "outputDetails": { "truncated": false } }));
                self.states.executions[idx].mark(&state.name, StateOutcome::Succeeded);
                self.end_execution(idx, ExecutionStatus::Succeeded, Some(output), None);
            }
            StateKind::Fail { error, cause } => {
                self.states.executions[idx].mark(&state.name, StateOutcome::Failed);
                self.end_execution(idx, ExecutionStatus::Failed, None, Some((error.clone().unwrap_or_default(), cause.clone().unwrap_or_default())));
            }
            StateKind::Choice { choices, default } => {
                let next = choices.iter().find(|(rule, _)| asl::rule_holds(rule, &effective)).map(|(_, n)| n.clone()).or_else(|| default.clone());
                match next {
                    Some(next) => {
                        let output = match Self::output_of(state, &input) {
                            Ok(o) => o,
                            Err(f) => return self.fail_execution(idx, &state.name, f),
                        };
                        self.push(idx, "ChoiceStateExited", "stateExitedEventDetails", json!({ "name": state.name, "output": output.to_string(), "outputDetails": { "truncated": false } }));
                        self.states.executions[idx].mark(&state.name, StateOutcome::Succeeded);
                        self.enter_state(idx, &next, StateData(output));
                    }
                    None => self.fail_execution(idx, &state.name, Failure { error: "States.NoChoiceMatched".into(), cause: format!("No Matches! in the Choice state '{}'", state.name) }),
                }
            }
            StateKind::Task { integration, .. } => self.run_task_state(idx, state, input, StateData(effective), *integration, role_arn),
        }
    }

    fn run_task_state(&mut self, idx: usize, state: &asl::StateDef, input: StateData, effective: StateData, integration: Integration, role_arn: &str) {
        let effective = effective.0;
        let StateKind::Task { parameters, .. } = &state.kind else { return };
        let resource = if integration == Integration::Sync { "runTask.sync" } else { "runTask" };
        let execution = &self.states.executions[idx];
        let context = json!({ "Execution": { "Id": execution.arn, "Name": execution.name, "Input": execution.input }, "StateMachine": { "Id": execution.machine_arn }, "State": { "Name": state.name } });
        let mut params = match parameters.as_ref().map(|p| asl::fill_parameters(p, &effective, &context)).unwrap_or(Ok(effective.clone())) {
            Ok(p) => p,
            Err(cause) => return self.fail_execution(idx, &state.name, Failure { error: "States.Runtime".into(), cause }),
        };
        if integration == Integration::Sync {
            // Recorded against AWS: Step Functions adds "StartedBy": "AWS Step Functions" to a .sync RunTask.
            params["StartedBy"] = json!("AWS Step Functions");
        }
        self.push(idx, "TaskScheduled", "taskScheduledEventDetails", json!({ "resourceType": "ecs", "resource": resource, "region": self.scenario.region, "parameters": params.to_string() }));
        self.push(idx, "TaskStarted", "taskStartedEventDetails", json!({ "resourceType": "ecs", "resource": resource }));
        let task_definition = params.get("TaskDefinition").and_then(Value::as_str).unwrap_or("").to_string();
        let decision = self.iam.role_allows(role_arn, "ecs:RunTask", &task_definition);
        let request_id = crate::iam::stable_uuid(&format!("sfn-request-{}-{}", self.states.executions[idx].arn, self.states.executions[idx].history.len()));
        if !decision.is_allowed() {
            let role_name = role_arn.rsplit('/').next().unwrap_or(role_arn);
            let session = crate::iam::stable_uuid(&format!("sfn-session-{}", self.states.executions[idx].arn)).replace('-', "");
            // Observed cause text (../shared/reference/integrations-export.md §1.4); the error name is [UNVERIFIED].
            let cause = format!(
                "User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/{session} is not authorized to perform: ecs:RunTask on resource: {task_definition} because no identity-based policy allows the ecs:RunTask action (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: {request_id}; Proxy: null)"
            );
            return self.task_failed(idx, state, input, Failure { error: "ECS.AccessDeniedException".into(), cause });
        }
        match self.apply_call("ecs:RunTask", camel(&params)) {
            Err(error) => {
                let cause = format!("{} (Service: AmazonECS; Status Code: 400; Error Code: {}; Request ID: {request_id}; Proxy: null)", error.message, error.code);
                self.task_failed(idx, state, input, Failure { error: format!("ECS.{}", error.code), cause });
            }
            Ok(answer) => {
                let output = pascal(&answer);
                let first_task = answer.get("tasks").and_then(Value::as_array).and_then(|t| t.first()).and_then(|t| t.get("taskArn")).and_then(Value::as_str).map(str::to_string);
                if integration == Integration::RequestResponse {
                    self.push(idx, "TaskSucceeded", "taskSucceededEventDetails", json!({ "resourceType": "ecs", "resource": resource, "output": output.to_string(), "outputDetails": { "truncated": false } }));
                    return self.finish_state(idx, state, input, StateData(output));
                }
                self.push(idx, "TaskSubmitted", "taskSubmittedEventDetails", json!({ "resourceType": "ecs", "resource": resource, "output": output.to_string(), "outputDetails": { "truncated": false } }));
                match first_task {
                    Some(arn) => self.states.executions[idx].waiting = Waiting::Task(arn),
                    // connect-ecs.html: "If a non-empty Failures field is encountered, the task is failed with an
                    // AmazonECS.Unknown error".
                    None => self.task_failed(idx, state, input, Failure { error: "AmazonECS.Unknown".into(), cause: answer.get("failures").cloned().unwrap_or_default().to_string() }),
                }
            }
        }
    }

    /// A state's output: ResultPath then OutputPath applied.
    fn output_of(state: &asl::StateDef, value: &StateData) -> Result<Value, Failure> {
        let value = &value.0;
        match &state.output_path {
            None => Ok(value.clone()),
            Some(None) => Ok(json!({})),
            Some(Some(path)) => asl::read_path(value, path).ok_or_else(|| Failure { error: "States.Runtime".into(), cause: format!("An error occurred while executing the state '{}'. Invalid path '{path}' : No results for path: {path}", state.name) }),
        }
    }

    fn with_result(result_path: &Option<Option<String>>, input: &StateData, result: StateData, state: &str) -> Result<Value, Failure> {
        let (input, result) = (&input.0, result.0);
        match result_path {
            None => Ok(result),
            Some(None) => Ok(input.clone()),
            Some(Some(path)) => asl::write_path(input, path, result).ok_or_else(|| Failure { error: "States.ResultPathMatchFailure".into(), cause: format!("Unable to apply ResultPath \"{path}\" to input in state '{state}'") }),
        }
    }

    fn finish_state(&mut self, idx: usize, state: &asl::StateDef, input: StateData, result: StateData) {
        let output = match Self::with_result(&state.result_path, &input, result, &state.name).and_then(|v| Self::output_of(state, &StateData(v))) {
            Ok(o) => o,
            Err(f) => return self.fail_execution(idx, &state.name, f),
        };
        self.push(idx, &format!("{}StateExited", state.kind.type_name()), "stateExitedEventDetails", json!({ "name": state.name, "output": output.to_string(), "outputDetails": { "truncated": false } }));
        self.states.executions[idx].mark(&state.name, StateOutcome::Succeeded);
        match &state.next {
            Some(next) => self.enter_state(idx, next, StateData(output)),
            None => self.end_execution(idx, ExecutionStatus::Succeeded, Some(output), None),
        }
    }

    /// A Task failed: its retriers, then its catchers, decide; else the execution fails.
    fn task_failed(&mut self, idx: usize, state: &asl::StateDef, input: StateData, failure: Failure) {
        let resource = match &state.kind {
            StateKind::Task { integration: Integration::Sync, .. } => "runTask.sync",
            _ => "runTask",
        };
        self.push(idx, "TaskFailed", "taskFailedEventDetails", json!({ "resourceType": "ecs", "resource": resource, "error": failure.error, "cause": failure.cause }));
        let StateKind::Task { retry, catch, .. } = &state.kind else { return self.fail_execution(idx, &state.name, failure) };
        // SFNDG: the first retrier whose ErrorEquals matches decides; its attempts count across the state's visits.
        if let Some((i, retrier)) = retry.iter().enumerate().find(|(_, r)| asl::error_matches(&r.error_equals, &failure.error)) {
            let attempts = self.states.executions[idx].retry_counts.get(i).copied().unwrap_or(0);
            if attempts < retrier.max_attempts {
                let delay = asl::retry_delay_ms(retrier, attempts);
                let execution = &mut self.states.executions[idx];
                if let Some(count) = execution.retry_counts.get_mut(i) {
                    *count += 1;
                }
                execution.waiting = Waiting::Retry(self.now.0 + delay);
                return;
            }
        }
        if let Some(catcher) = catch.iter().find(|c| asl::error_matches(&c.error_equals, &failure.error)) {
            let error_output = json!({ "Error": failure.error, "Cause": failure.cause });
            let output = match Self::with_result(&catcher.result_path, &input, StateData(error_output), &state.name) {
                Ok(o) => o,
                Err(f) => return self.fail_execution(idx, &state.name, f),
            };
            self.push(idx, "TaskStateExited", "stateExitedEventDetails", json!({ "name": state.name, "output": output.to_string(), "outputDetails": { "truncated": false } }));
            self.states.executions[idx].mark(&state.name, StateOutcome::Caught);
            let next = catcher.next.clone();
            return self.enter_state(idx, &next, StateData(output));
        }
        self.fail_execution(idx, &state.name, failure);
    }

    fn fail_execution(&mut self, idx: usize, state: &str, failure: Failure) {
        self.states.executions[idx].mark(state, StateOutcome::Failed);
        self.end_execution(idx, ExecutionStatus::Failed, None, Some((failure.error, failure.cause)));
    }
}
