//! The engine runs Step Functions executions: each state in turn, a Task state's ECS RunTask made with the state
//! machine's role, a `.sync` Task waiting for its task to stop (polled every [`POLL_MS`]), Wait states and retries
//! on sim time, Retry and Catch on failures, and Map and Parallel states as child threads (one per iteration or
//! branch) that run side by side. The history events and their members are Step Functions' (recorded against real
//! AWS in ../shared/reference/integrations-export.md §1.3; the Map and Parallel event types and their details
//! are botocore's `HistoryEventType`, `MapStateStartedEventDetails` and `MapIterationEventDetails`).

use serde_json::{json, Value};

use crate::states::asl::{self, camel, pascal, Integration, StateKind};
use crate::states::{task_token, Callback, EventDetails, ExecutionStatus, MAX_TOKENS, StateData, StateOutcome, StatesContext, Thread, ThreadEnd, Waiting, MAX_HISTORY_EVENTS, MAX_THREADS, POLL_MS};
use crate::time::SimTime;

use super::engine::{Ev, Sim};
use super::model::{TaskStatus, ACCOUNT_ID};
use super::record::LogKind;

/// A state's failure: the error name and its cause.
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
            loop {
                let ids: Vec<u32> = self.states.executions[idx].threads.iter().filter(|t| t.end.is_none()).map(|t| t.id).collect();
                let mut moved = false;
                for tid in ids {
                    while self.states.executions[idx].status == ExecutionStatus::Running && guard < MAX_HISTORY_EVENTS && self.step_thread(idx, tid) {
                        guard += 1;
                        moved = true;
                    }
                }
                if !moved || self.states.executions[idx].status != ExecutionStatus::Running || guard >= MAX_HISTORY_EVENTS {
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
            .flat_map(|e| e.threads.iter().filter(|t| t.end.is_none()))
            .filter_map(|t| {
                let deadline = [t.timeout_at, t.heartbeat_at].into_iter().flatten().min();
                let next = match &t.waiting {
                    Waiting::WaitState(at) | Waiting::Retry(at) => Some(*at),
                    Waiting::Task(_) => Some(now + POLL_MS),
                    Waiting::Answered(_) => Some(now),
                    Waiting::Ready | Waiting::Children | Waiting::NotStarted | Waiting::Callback(_) => None,
                };
                [next, deadline].into_iter().flatten().min().map(|due| due.max(now))
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
        if execution.status != ExecutionStatus::Running {
            return;
        }
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

    fn thread(&self, idx: usize, tid: u32) -> Option<&Thread> {
        self.states.executions[idx].threads.iter().find(|t| t.id == tid)
    }

    fn thread_mut(&mut self, idx: usize, tid: u32) -> Option<&mut Thread> {
        self.states.executions[idx].threads.iter_mut().find(|t| t.id == tid)
    }

    /// The definition of state `name` in the machine thread `tid` runs.
    fn state_def(&self, idx: usize, tid: u32, name: &str) -> Option<asl::StateDef> {
        let execution = &self.states.executions[idx];
        let machine = self.states.machines.get(&execution.machine_arn)?;
        let scope = &self.thread(idx, tid)?.scope;
        machine.definition.scoped(scope)?.state(name).cloned()
    }

    /// The context object (`$$`) a state of thread `tid` reads (SFNDG input-output-contextobject.md).
    fn context_object(&self, idx: usize, state: &str) -> Value {
        let execution = &self.states.executions[idx];
        json!({ "Execution": { "Id": execution.arn, "Name": execution.name, "Input": execution.input, "StartTime": execution.start_iso }, "StateMachine": { "Id": execution.machine_arn }, "State": { "Name": state } })
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
        execution.threads.truncate(1);
        if let Some(root) = execution.threads.first_mut() {
            root.current = None;
        }
        if let Some((e, c)) = error {
            execution.error = Some(e);
            execution.cause = Some(c);
        }
        let (name, status) = (execution.name.clone(), execution.status.as_aws());
        self.log_entry(LogKind::Task, format!("execution {name}"), format!("Step Functions execution {name} ended {status}."));
    }

    /// One move of thread `tid` of execution `idx`; `false` when it must wait.
    fn step_thread(&mut self, idx: usize, tid: u32) -> bool {
        let Some(thread) = self.thread(idx, tid) else { return false };
        if thread.end.is_some() {
            return false;
        }
        let role_arn = match self.states.machines.get(&self.states.executions[idx].machine_arn) {
            Some(machine) => machine.role_arn.clone(),
            None => return false,
        };
        let now = self.now.0;
        let waiting = thread.waiting.clone();
        let input = StateData(thread.state_input.clone());
        let Some(current) = thread.current.clone() else {
            if waiting == Waiting::NotStarted {
                return false;
            }
            // Not started yet: enter the machine's StartAt with the thread's input.
            let execution = &self.states.executions[idx];
            let Some(start_at) = self.states.machines.get(&execution.machine_arn).and_then(|m| m.definition.scoped(&thread.scope)).map(|d| d.start_at.clone()) else { return false };
            self.enter_state(idx, tid, &start_at, input);
            return true;
        };
        let Some(state) = self.state_def(idx, tid, &current) else { return false };
        if matches!(waiting, Waiting::Task(_) | Waiting::Callback(_)) {
            // SFNDG task-state: past TimeoutSeconds the state fails with States.Timeout, past HeartbeatSeconds
            // without a heartbeat with States.HeartbeatTimeout.
            let thread = self.thread(idx, tid);
            let timed_out = match (thread.and_then(|t| t.timeout_at), thread.and_then(|t| t.heartbeat_at)) {
                (Some(at), _) if at <= now => Some("States.Timeout"),
                (_, Some(at)) if at <= now => Some("States.HeartbeatTimeout"),
                _ => None,
            };
            if let Some(error) = timed_out {
                let StateKind::Task { integration, .. } = &state.kind else { return false };
                self.leave_task(idx, tid);
                // [UNVERIFIED] AWS gives no cause for a timed-out Task; the playground says which limit passed.
                let cause = if error == "States.Timeout" { "The Task passed its TimeoutSeconds." } else { "The Task got no heartbeat within its HeartbeatSeconds." };
                self.push(idx, "TaskTimedOut", "taskTimedOutEventDetails", json!({ "resourceType": "ecs", "resource": integration.resource(), "error": error, "cause": cause }));
                self.state_failed(idx, tid, &state, input, Failure { error: error.into(), cause: cause.into() });
                return true;
            }
        }
        match waiting {
            Waiting::Ready => {
                // A state entered and ready to run.
                self.run_state(idx, tid, &state, input, &role_arn);
                true
            }
            Waiting::WaitState(t) | Waiting::Retry(t) if now < t => false,
            Waiting::WaitState(_) => {
                self.set_waiting(idx, tid, Waiting::Ready);
                self.finish_state(idx, tid, &state, input.clone(), input);
                true
            }
            Waiting::Retry(_) => {
                self.set_waiting(idx, tid, Waiting::Ready);
                self.run_state(idx, tid, &state, input, &role_arn);
                true
            }
            Waiting::Children | Waiting::NotStarted | Waiting::Callback(_) => false,
            Waiting::Answered(answer) => {
                self.leave_task(idx, tid);
                match answer {
                    Callback::Success(output) => {
                        self.push(idx, "TaskSucceeded", "taskSucceededEventDetails", json!({ "resourceType": "ecs", "resource": "runTask.waitForTaskToken", "output": output, "outputDetails": { "truncated": false } }));
                        let result = serde_json::from_str(&output).unwrap_or(Value::Null);
                        self.finish_state(idx, tid, &state, input, StateData(result));
                    }
                    Callback::Failure(error, cause) => self.task_failed(idx, tid, &state, input, Failure { error, cause }),
                }
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
                self.leave_task(idx, tid);
                if failed {
                    // Observed: any container exiting non-zero fails a .sync task with States.TaskFailed; the cause
                    // is the stopped task's description ([UNVERIFIED] exact text).
                    self.task_failed(idx, tid, &state, input, Failure { error: "States.TaskFailed".into(), cause: description.to_string() });
                } else {
                    self.push(idx, "TaskSucceeded", "taskSucceededEventDetails", json!({ "resourceType": "ecs", "resource": "runTask.sync", "output": description.to_string(), "outputDetails": { "truncated": false } }));
                    self.finish_state(idx, tid, &state, input, StateData(description));
                }
                true
            }
        }
    }

    /// A running Task state is done waiting: its limits and its callback are over.
    fn leave_task(&mut self, idx: usize, tid: u32) {
        if let Some(thread) = self.thread_mut(idx, tid) {
            thread.waiting = Waiting::Ready;
            thread.timeout_at = None;
            thread.heartbeat_at = None;
            thread.heartbeat_ms = None;
        }
    }

    fn set_waiting(&mut self, idx: usize, tid: u32, waiting: Waiting) {
        if let Some(thread) = self.thread_mut(idx, tid) {
            thread.waiting = waiting;
        }
    }

    fn enter_state(&mut self, idx: usize, tid: u32, name: &str, input: StateData) {
        let input = input.0;
        let Some(state) = self.state_def(idx, tid, name) else { return };
        let type_name = state.kind.type_name();
        self.push(idx, &format!("{type_name}StateEntered"), "stateEnteredEventDetails", json!({ "name": name, "input": input.to_string(), "inputDetails": { "truncated": false } }));
        let Some(thread) = self.thread_mut(idx, tid) else { return };
        thread.current = Some(name.to_string());
        thread.state_input = input;
        thread.waiting = Waiting::Ready;
        thread.retry_counts = vec![0; state.kind.retriers().len()];
        self.states.executions[idx].mark(name, StateOutcome::InProgress);
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

    fn run_state(&mut self, idx: usize, tid: u32, state: &asl::StateDef, input: StateData, role_arn: &str) {
        let effective = match Self::effective_input(state, &input) {
            Ok(v) => v,
            Err(f) => return self.fail_state(idx, tid, &state.name, f),
        };
        match &state.kind {
            StateKind::Pass { result } => {
                let result = result.clone().unwrap_or(effective);
                self.finish_state(idx, tid, state, input, StateData(result));
            }
            StateKind::Wait { seconds } => {
                let until = self.now.0 + seconds.saturating_mul(1000);
                self.set_waiting(idx, tid, Waiting::WaitState(until));
            }
            StateKind::Succeed => {
                let output = match Self::output_of(state, &StateData(effective)) {
                    Ok(o) => o,
                    Err(f) => return self.fail_state(idx, tid, &state.name, f),
                };
                self.push(idx, "SucceedStateExited", "stateExitedEventDetails", json!({ "name": state.name, "output": output.to_string(), "outputDetails": { "truncated": false } }));
                self.states.executions[idx].mark(&state.name, StateOutcome::Succeeded);
                self.end_thread(idx, tid, ThreadEnd::Succeeded(output));
            }
            StateKind::Fail { error, cause } => {
                self.states.executions[idx].mark(&state.name, StateOutcome::Failed);
                self.end_thread(idx, tid, ThreadEnd::Failed(error.clone().unwrap_or_default(), cause.clone().unwrap_or_default()));
            }
            StateKind::Choice { choices, default } => {
                let next = choices.iter().find(|(rule, _)| asl::rule_holds(rule, &effective)).map(|(_, n)| n.clone()).or_else(|| default.clone());
                match next {
                    Some(next) => {
                        let output = match Self::output_of(state, &input) {
                            Ok(o) => o,
                            Err(f) => return self.fail_state(idx, tid, &state.name, f),
                        };
                        self.push(idx, "ChoiceStateExited", "stateExitedEventDetails", json!({ "name": state.name, "output": output.to_string(), "outputDetails": { "truncated": false } }));
                        self.states.executions[idx].mark(&state.name, StateOutcome::Succeeded);
                        self.enter_state(idx, tid, &next, StateData(output));
                    }
                    None => self.fail_state(idx, tid, &state.name, Failure { error: "States.NoChoiceMatched".into(), cause: format!("No Matches! in the Choice state '{}'", state.name) }),
                }
            }
            StateKind::Task { integration, .. } => self.run_task_state(idx, tid, state, input, StateData(effective), *integration, role_arn),
            StateKind::Map { .. } | StateKind::Parallel { .. } => self.start_children(idx, tid, state, input, StateData(effective)),
        }
    }

    /// A Map state starts its iterations (at most `MaxConcurrency` at once), a Parallel state its branches, each a
    /// child thread; the state waits for them.
    fn start_children(&mut self, idx: usize, tid: u32, state: &asl::StateDef, input: StateData, effective: StateData) {
        let effective = effective.0;
        let Some(scope) = self.thread(idx, tid).map(|t| t.scope.clone()) else { return };
        let mut children: Vec<(Vec<(String, usize)>, Value)> = Vec::new();
        let is_map = matches!(state.kind, StateKind::Map { .. });
        match &state.kind {
            StateKind::Map { items_path, item_selector, .. } => {
                let Some(Value::Array(items)) = asl::read_path(&effective, items_path) else {
                    // [UNVERIFIED] cause text; SFNDG: ItemsPath "must point to a JSON array".
                    let cause = format!("An error occurred while executing the state '{}'. The ItemsPath '{items_path}' did not select a JSON array in the input '{effective}'", state.name);
                    return self.fail_state(idx, tid, &state.name, Failure { error: "States.Runtime".into(), cause });
                };
                for (i, item) in items.into_iter().enumerate() {
                    let item_input = match item_selector {
                        None => item,
                        Some(selector) => {
                            let mut context = self.context_object(idx, &state.name);
                            context["Map"] = json!({ "Item": { "Index": i, "Value": item } });
                            match asl::fill_parameters(selector, &effective, &context) {
                                Ok(v) => v,
                                Err(cause) => return self.fail_state(idx, tid, &state.name, Failure { error: "States.Runtime".into(), cause }),
                            }
                        }
                    };
                    let mut child_scope = scope.clone();
                    child_scope.push((state.name.clone(), 0));
                    children.push((child_scope, item_input));
                }
            }
            StateKind::Parallel { branches, .. } => {
                for i in 0..branches.len() {
                    let mut child_scope = scope.clone();
                    child_scope.push((state.name.clone(), i));
                    children.push((child_scope, effective.clone()));
                }
            }
            _ => return,
        }
        if self.states.executions[idx].threads.len() + children.len() > MAX_THREADS {
            let cause = format!("The state '{}' would run {} iterations or branches; the playground runs at most {MAX_THREADS} at once in an execution.", state.name, children.len());
            return self.fail_state(idx, tid, &state.name, Failure { error: "States.Runtime".into(), cause });
        }
        if is_map {
            self.push(idx, "MapStateStarted", "mapStateStartedEventDetails", json!({ "length": children.len() }));
        } else {
            self.push(idx, "ParallelStateStarted", "", json!({}));
        }
        if children.is_empty() {
            // SFNDG: a Map over an empty array succeeds at once with an empty array.
            self.push(idx, "MapStateSucceeded", "", json!({}));
            return self.finish_state(idx, tid, state, input, StateData(json!([])));
        }
        let execution = &mut self.states.executions[idx];
        for (index, (child_scope, child_input)) in children.into_iter().enumerate() {
            let id = execution.next_thread_id;
            execution.next_thread_id += 1;
            let waiting = if is_map { Waiting::NotStarted } else { Waiting::Ready };
            execution.threads.push(Thread { id, parent: Some(tid), scope: child_scope, index, current: None, state_input: child_input, waiting, retry_counts: Vec::new(), end: None, timeout_at: None, heartbeat_at: None, heartbeat_ms: None });
        }
        self.set_waiting(idx, tid, Waiting::Children);
        if is_map {
            self.start_iterations(idx, tid, state);
        }
    }

    /// Starts a Map's waiting iterations while fewer than its `MaxConcurrency` run (0: all of them).
    fn start_iterations(&mut self, idx: usize, tid: u32, state: &asl::StateDef) {
        let StateKind::Map { max_concurrency, .. } = &state.kind else { return };
        loop {
            let threads = &self.states.executions[idx].threads;
            let running = threads.iter().filter(|t| t.parent == Some(tid) && t.end.is_none() && t.waiting != Waiting::NotStarted).count();
            if *max_concurrency > 0 && running >= *max_concurrency as usize {
                return;
            }
            let Some((child, index)) = threads.iter().find(|t| t.parent == Some(tid) && t.waiting == Waiting::NotStarted).map(|t| (t.id, t.index)) else { return };
            self.set_waiting(idx, child, Waiting::Ready);
            self.push(idx, "MapIterationStarted", "mapIterationStartedEventDetails", json!({ "name": state.name, "index": index }));
        }
    }

    /// Thread `tid` has ended: the execution ends with the top level; an iteration or branch tells its parent.
    fn end_thread(&mut self, idx: usize, tid: u32, end: ThreadEnd) {
        let Some(parent) = self.thread(idx, tid).map(|t| t.parent) else { return };
        let Some(parent) = parent else {
            return match end {
                ThreadEnd::Succeeded(output) => self.end_execution(idx, ExecutionStatus::Succeeded, Some(output), None),
                ThreadEnd::Failed(error, cause) => self.end_execution(idx, ExecutionStatus::Failed, None, Some((error, cause))),
            };
        };
        if let Some(thread) = self.thread_mut(idx, tid) {
            thread.end = Some(end.clone());
            thread.current = None;
        }
        self.child_ended(idx, parent, tid, end);
    }

    /// Removes the threads below thread `tid` (its iterations or branches, and theirs).
    fn remove_children(&mut self, idx: usize, tid: u32) {
        let mut doomed = vec![tid];
        let mut i = 0;
        while i < doomed.len() {
            let parent = doomed[i];
            doomed.extend(self.states.executions[idx].threads.iter().filter(|t| t.parent == Some(parent)).map(|t| t.id));
            i += 1;
        }
        self.states.executions[idx].threads.retain(|t| t.id == tid || !doomed.contains(&t.id));
    }

    /// An iteration or branch of the Map or Parallel state thread `parent` is in has ended. A failure fails the
    /// state at once (the other iterations are aborted, SFNDG: "If any branch fails ... the entire Parallel state
    /// fails"); when all have succeeded, the state's result is the array of their outputs, in order.
    fn child_ended(&mut self, idx: usize, parent: u32, child: u32, end: ThreadEnd) {
        let Some(name) = self.thread(idx, parent).and_then(|t| t.current.clone()) else { return };
        let Some(state) = self.state_def(idx, parent, &name) else { return };
        let is_map = matches!(state.kind, StateKind::Map { .. });
        let index = self.thread(idx, child).map_or(0, |t| t.index);
        let input = StateData(self.thread(idx, parent).map(|t| t.state_input.clone()).unwrap_or_default());
        match end {
            ThreadEnd::Failed(error, cause) => {
                if is_map {
                    self.push(idx, "MapIterationFailed", "mapIterationFailedEventDetails", json!({ "name": name, "index": index }));
                    let aborted: Vec<usize> = self.states.executions[idx].threads.iter().filter(|t| t.parent == Some(parent) && t.end.is_none() && t.waiting != Waiting::NotStarted).map(|t| t.index).collect();
                    for i in aborted {
                        self.push(idx, "MapIterationAborted", "mapIterationAbortedEventDetails", json!({ "name": name, "index": i }));
                    }
                }
                self.remove_children(idx, parent);
                self.push(idx, if is_map { "MapStateFailed" } else { "ParallelStateFailed" }, "", json!({}));
                self.set_waiting(idx, parent, Waiting::Ready);
                self.state_failed(idx, parent, &state, input, Failure { error, cause });
            }
            ThreadEnd::Succeeded(_) => {
                if is_map {
                    self.push(idx, "MapIterationSucceeded", "mapIterationSucceededEventDetails", json!({ "name": name, "index": index }));
                    self.start_iterations(idx, parent, &state);
                }
                let threads = &self.states.executions[idx].threads;
                let mut children: Vec<&Thread> = threads.iter().filter(|t| t.parent == Some(parent)).collect();
                if children.iter().any(|t| t.end.is_none()) {
                    return;
                }
                children.sort_by_key(|t| t.index);
                let outputs: Vec<Value> = children.iter().map(|t| match &t.end {
                    Some(ThreadEnd::Succeeded(output)) => output.clone(),
                    _ => Value::Null,
                }).collect();
                self.remove_children(idx, parent);
                self.push(idx, if is_map { "MapStateSucceeded" } else { "ParallelStateSucceeded" }, "", json!({}));
                self.set_waiting(idx, parent, Waiting::Ready);
                self.finish_state(idx, parent, &state, input, StateData(Value::Array(outputs)));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run_task_state(&mut self, idx: usize, tid: u32, state: &asl::StateDef, input: StateData, effective: StateData, integration: Integration, role_arn: &str) {
        let effective = effective.0;
        let StateKind::Task { parameters, timeout_ms, heartbeat_ms, .. } = &state.kind else { return };
        let resource = integration.resource();
        let mut context = self.context_object(idx, &state.name);
        let token = task_token(&self.states.executions[idx].arn, self.states.executions[idx].history.len());
        if integration == Integration::WaitForTaskToken {
            // SFNDG input-output-contextobject.md: `$$.Task.Token` holds the token of a callback Task.
            context["Task"] = json!({ "Token": token });
        }
        let mut params = match parameters.as_ref().map(|p| asl::fill_parameters(p, &effective, &context)).unwrap_or(Ok(effective.clone())) {
            Ok(p) => p,
            Err(cause) => return self.fail_state(idx, tid, &state.name, Failure { error: "States.Runtime".into(), cause }),
        };
        if integration == Integration::Sync {
            // Recorded against AWS: Step Functions adds "StartedBy": "AWS Step Functions" to a .sync RunTask.
            params["StartedBy"] = json!("AWS Step Functions");
        }
        let mut scheduled = json!({ "resourceType": "ecs", "resource": resource, "region": self.scenario.region, "parameters": params.to_string() });
        if let Some(ms) = timeout_ms {
            scheduled["timeoutInSeconds"] = json!(ms / 1000);
        }
        if let Some(ms) = heartbeat_ms {
            scheduled["heartbeatInSeconds"] = json!(ms / 1000);
        }
        self.push(idx, "TaskScheduled", "taskScheduledEventDetails", scheduled);
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
            return self.task_failed(idx, tid, state, input, Failure { error: "ECS.AccessDeniedException".into(), cause });
        }
        match self.apply_call("ecs:RunTask", camel(&params)) {
            Err(error) => {
                let cause = format!("{} (Service: AmazonECS; Status Code: 400; Error Code: {}; Request ID: {request_id}; Proxy: null)", error.message, error.code);
                self.task_failed(idx, tid, state, input, Failure { error: format!("ECS.{}", error.code), cause });
            }
            Ok(answer) => {
                let output = pascal(&answer);
                let first_task = answer.get("tasks").and_then(Value::as_array).and_then(|t| t.first()).and_then(|t| t.get("taskArn")).and_then(Value::as_str).map(str::to_string);
                if integration == Integration::RequestResponse {
                    self.push(idx, "TaskSucceeded", "taskSucceededEventDetails", json!({ "resourceType": "ecs", "resource": resource, "output": output.to_string(), "outputDetails": { "truncated": false } }));
                    return self.finish_state(idx, tid, state, input, StateData(output));
                }
                self.push(idx, "TaskSubmitted", "taskSubmittedEventDetails", json!({ "resourceType": "ecs", "resource": resource, "output": output.to_string(), "outputDetails": { "truncated": false } }));
                let Some(arn) = first_task else {
                    // connect-ecs.html: "If a non-empty Failures field is encountered, the task is failed with an
                    // AmazonECS.Unknown error".
                    return self.task_failed(idx, tid, state, input, Failure { error: "AmazonECS.Unknown".into(), cause: answer.get("failures").cloned().unwrap_or_default().to_string() });
                };
                let now = self.now.0;
                let waiting = if integration == Integration::WaitForTaskToken {
                    // The state waits for the callback, not for the ECS task: a task that stops without calling
                    // back leaves it waiting until its TimeoutSeconds or HeartbeatSeconds pass.
                    let tokens = &mut self.states.tokens;
                    if tokens.len() >= MAX_TOKENS {
                        tokens.remove(0);
                    }
                    tokens.push(token.clone());
                    Waiting::Callback(token)
                } else {
                    Waiting::Task(arn)
                };
                if let Some(thread) = self.thread_mut(idx, tid) {
                    thread.waiting = waiting;
                    thread.timeout_at = timeout_ms.map(|ms| now + ms);
                    thread.heartbeat_at = heartbeat_ms.map(|ms| now + ms);
                    thread.heartbeat_ms = *heartbeat_ms;
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

    fn finish_state(&mut self, idx: usize, tid: u32, state: &asl::StateDef, input: StateData, result: StateData) {
        let output = match Self::with_result(&state.result_path, &input, result, &state.name).and_then(|v| Self::output_of(state, &StateData(v))) {
            Ok(o) => o,
            Err(f) => return self.fail_state(idx, tid, &state.name, f),
        };
        self.push(idx, &format!("{}StateExited", state.kind.type_name()), "stateExitedEventDetails", json!({ "name": state.name, "output": output.to_string(), "outputDetails": { "truncated": false } }));
        self.states.executions[idx].mark(&state.name, StateOutcome::Succeeded);
        match &state.next {
            Some(next) => self.enter_state(idx, tid, next, StateData(output)),
            None => self.end_thread(idx, tid, ThreadEnd::Succeeded(output)),
        }
    }

    /// A Task failed: the TaskFailed event, then the state's retriers and catchers decide.
    fn task_failed(&mut self, idx: usize, tid: u32, state: &asl::StateDef, input: StateData, failure: Failure) {
        let resource = match &state.kind {
            StateKind::Task { integration, .. } => integration.resource(),
            _ => "runTask",
        };
        self.push(idx, "TaskFailed", "taskFailedEventDetails", json!({ "resourceType": "ecs", "resource": resource, "error": failure.error, "cause": failure.cause }));
        self.state_failed(idx, tid, state, input, failure);
    }

    /// A Task, Map or Parallel state failed: its retriers, then its catchers, decide; else its thread fails.
    fn state_failed(&mut self, idx: usize, tid: u32, state: &asl::StateDef, input: StateData, failure: Failure) {
        // SFNDG: the first retrier whose ErrorEquals matches decides; its attempts count across the state's visits.
        if let Some((i, retrier)) = state.kind.retriers().iter().enumerate().find(|(_, r)| asl::error_matches(&r.error_equals, &failure.error)) {
            let attempts = self.thread(idx, tid).and_then(|t| t.retry_counts.get(i).copied()).unwrap_or(0);
            if attempts < retrier.max_attempts {
                let due = self.now.0 + asl::retry_delay_ms(retrier, attempts);
                if let Some(thread) = self.thread_mut(idx, tid) {
                    if let Some(count) = thread.retry_counts.get_mut(i) {
                        *count += 1;
                    }
                    thread.waiting = Waiting::Retry(due);
                }
                return;
            }
        }
        if let Some(catcher) = state.kind.catchers().iter().find(|c| asl::error_matches(&c.error_equals, &failure.error)) {
            let error_output = json!({ "Error": failure.error, "Cause": failure.cause });
            let output = match Self::with_result(&catcher.result_path, &input, StateData(error_output), &state.name) {
                Ok(o) => o,
                Err(f) => return self.fail_state(idx, tid, &state.name, f),
            };
            // [UNVERIFIED] for Map and Parallel: a caught failure exits the state as a caught Task does.
            self.push(idx, &format!("{}StateExited", state.kind.type_name()), "stateExitedEventDetails", json!({ "name": state.name, "output": output.to_string(), "outputDetails": { "truncated": false } }));
            self.states.executions[idx].mark(&state.name, StateOutcome::Caught);
            let next = catcher.next.clone();
            return self.enter_state(idx, tid, &next, StateData(output));
        }
        self.fail_state(idx, tid, &state.name, failure);
    }

    /// The state fails its thread: the execution, or the Map iteration or Parallel branch it runs in.
    fn fail_state(&mut self, idx: usize, tid: u32, state: &str, failure: Failure) {
        self.states.executions[idx].mark(state, StateOutcome::Failed);
        self.end_thread(idx, tid, ThreadEnd::Failed(failure.error, failure.cause));
    }
}
