//! AWS Step Functions: state machines (Amazon States Language, the subset of [`asl`]) and their executions, with
//! the history Step Functions keeps (its event types and detail members, botocore `stepfunctions`). The engine
//! runs the executions (`sim/step_functions.rs`): this module holds their data, the calls' shapes and refusals.

pub mod asl;
pub mod graph;

#[cfg(test)]
mod tests;

use serde_json::{json, Value};

use crate::api::calls::{handled_by, Handler};
use crate::api::{ApiError, ApiResult, Dialect, Request};
use crate::table::Table;

pub use asl::{Definition, Integration, StateDef, StateKind};

/// An execution's data as Amazon States Language passes it from state to state (a state's input, result and
/// output): a JSON document by the language's definition, not a call's input.
#[derive(Clone, Debug, PartialEq)]
pub struct StateData(pub Value);

/// The details member of one history event (`stateEnteredEventDetails`, `taskFailedEventDetails`, ...).
#[derive(Clone, Debug, PartialEq)]
pub struct EventDetails(pub Value);

impl From<Value> for EventDetails {
    fn from(value: Value) -> EventDetails {
        EventDetails(value)
    }
}

/// The most executions the playground keeps, and history events per execution (AWS keeps up to 25,000 events;
/// an execution that would pass the playground's bound fails with `States.Runtime`).
pub const MAX_EXECUTIONS: usize = 200;
pub const MAX_HISTORY_EVENTS: usize = 1_000;
/// How often a `.sync` Task checks its ECS task, in milliseconds. [UNVERIFIED] Step Functions learns of the task's
/// end from an EventBridge rule, or by polling DescribeTasks; the playground polls.
pub const POLL_MS: u64 = 5_000;

/// An execution's status (BOTO stepfunctions `ExecutionStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecutionStatus {
    Running,
    Succeeded,
    Failed,
    Aborted,
}

impl ExecutionStatus {
    pub fn as_aws(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "RUNNING",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::Aborted => "ABORTED",
        }
    }
}

/// What a thread of a running execution waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Waiting {
    /// Nothing: it can move on now.
    Ready,
    /// A Wait state, until this sim time.
    WaitState(u64),
    /// A retry of its state, at this sim time.
    Retry(u64),
    /// A `.sync` Task's ECS task to stop.
    Task(String),
    /// A Map or Parallel state's iterations or branches (its child threads) to end.
    Children,
    /// A Map iteration not started yet (the Map's `MaxConcurrency` is reached).
    NotStarted,
    /// A `.waitForTaskToken` Task's callback with this task token.
    Callback(String),
    /// The callback came (`SendTaskSuccess` or `SendTaskFailure`); the engine moves the state on.
    Answered(Callback),
}

/// What a callback said: the task's output, or its error and cause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callback {
    Success(String),
    Failure(String, String),
}

/// The most task tokens the playground remembers (to tell a closed task, `TaskTimedOut`, from one that never
/// was); the oldest are forgotten first.
pub const MAX_TOKENS: usize = 1_000;

/// Whether `token` has the shape of the tokens the playground gives ([`task_token`]).
pub fn well_formed_token(token: &str) -> bool {
    token.len() == 35 && token.starts_with("AQB") && token[3..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The task token of one Task state's run: opaque, and the same in every run of the same course. [UNVERIFIED]
/// AWS's tokens are longer base64 strings (up to 2,048 characters, BOTO `TaskToken`).
pub fn task_token(execution_arn: &str, n_history_events: usize) -> String {
    format!("AQB{}", crate::iam::stable_uuid(&format!("task-token-{execution_arn}-{n_history_events}")).replace('-', ""))
}

/// How a thread ended: its output, or its error and cause.
#[derive(Clone, Debug, PartialEq)]
pub enum ThreadEnd {
    Succeeded(Value),
    Failed(String, String),
}

/// One line of an execution's run: the top level (id 0), or one Map iteration or Parallel branch, run by the
/// Map or Parallel state of its parent thread.
#[derive(Clone, Debug, PartialEq)]
pub struct Thread {
    pub id: u32,
    pub parent: Option<u32>,
    /// Where its states are: each step a Map or Parallel state's name and the branch (0 for a Map's processor).
    pub scope: Vec<(String, usize)>,
    /// The iteration's index in its Map, or the branch's index in its Parallel.
    pub index: usize,
    /// The state it is in and that state's input (before the state is entered, its own input).
    pub current: Option<String>,
    pub state_input: Value,
    pub waiting: Waiting,
    /// The attempts each retrier of the current state has made.
    pub retry_counts: Vec<u32>,
    pub end: Option<ThreadEnd>,
    /// While a `.sync` or `.waitForTaskToken` Task runs: when it times out (`TimeoutSeconds`) and when its
    /// heartbeat is due (`HeartbeatSeconds`, moved on by each `SendTaskHeartbeat`), in sim milliseconds.
    pub timeout_at: Option<u64>,
    pub heartbeat_at: Option<u64>,
    pub heartbeat_ms: Option<u64>,
}

/// The most threads an execution runs at once (its top level, Map iterations and Parallel branches); a Map whose
/// items would pass it fails with `States.Runtime`.
pub const MAX_THREADS: usize = 256;

/// One state machine.
#[derive(Clone, Debug, PartialEq)]
pub struct StateMachine {
    pub name: String,
    pub arn: String,
    pub role_arn: String,
    pub definition_text: String,
    pub definition: Definition,
    pub machine_type: &'static str,
    pub creation_iso: String,
}

/// One execution of a state machine.
#[derive(Clone, Debug, PartialEq)]
pub struct Execution {
    pub arn: String,
    pub name: String,
    pub machine_arn: String,
    pub status: ExecutionStatus,
    pub input: Value,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub start_iso: String,
    pub stop_iso: Option<String>,
    /// History events in Step Functions' shape, oldest first.
    pub history: Vec<Value>,
    /// Its threads: the top level first, then the Map iterations and Parallel branches running.
    pub threads: Vec<Thread>,
    /// The id the next thread gets.
    pub next_thread_id: u32,
    /// Per state: how many times it was entered and how its last visit ended (for the app's graph).
    pub visits: Vec<(String, StateOutcome)>,
}

/// How a state's latest visit stands, as the console colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateOutcome {
    InProgress,
    Succeeded,
    Failed,
    Caught,
}

impl StateOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            StateOutcome::InProgress => "in progress",
            StateOutcome::Succeeded => "succeeded",
            StateOutcome::Failed => "failed",
            StateOutcome::Caught => "caught",
        }
    }
}

impl Execution {
    /// Appends a history event of `event_type` with its details under `details_key` (none when empty).
    pub fn push_event(&mut self, now_iso: &str, event_type: &str, details_key: &str, details: Value) {
        let id = self.history.len() as u64 + 1;
        let mut event = json!({ "timestamp": now_iso, "type": event_type, "id": id, "previousEventId": id - 1 });
        if !details_key.is_empty() {
            event[details_key] = details;
        }
        self.history.push(event);
    }

    /// Records how the visit of `state` stands.
    pub fn mark(&mut self, state: &str, outcome: StateOutcome) {
        match self.visits.iter_mut().find(|(s, _)| s == state) {
            Some(entry) => entry.1 = outcome,
            None => self.visits.push((state.to_string(), outcome)),
        }
    }
}

/// What a Step Functions call needs to know of the world.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatesContext {
    pub region: String,
    pub account_id: String,
    pub now_iso: String,
    pub now_ms: u64,
}

/// The state machines and executions of the account.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatesState {
    pub machines: Table<String, StateMachine>,
    pub executions: Vec<Execution>,
    /// The sim time of the next scheduled run of the executions, if one is scheduled.
    pub poll_at: Option<u64>,
    /// The task tokens given, newest last, at most [`MAX_TOKENS`].
    pub tokens: Vec<String>,
}

fn machine_not_found(arn: &str) -> ApiError {
    // text: Step Functions' message (observed in public SDK reports).
    ApiError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{arn}'"))
}

fn execution_not_found(arn: &str) -> ApiError {
    ApiError::new("ExecutionDoesNotExist", format!("Execution Does Not Exist: '{arn}'"))
}

/// Step Functions' name rule: 1 to 80 characters, no white space, brackets, wildcards or special characters
/// (BOTO stepfunctions `Name` doc; the playground allows letters, digits, `-` and `_`).
fn valid_name(name: &str) -> bool {
    (1..=80).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl StatesState {
    pub fn new() -> StatesState {
        StatesState::default()
    }

    /// Handles a `states:*` call. `None` when the call table does not route `call` here. StartExecution only
    /// records the execution; the engine runs it.
    pub fn handle(&mut self, call: &str, input: &Value, ctx: &StatesContext, role_exists: &dyn Fn(&str) -> bool) -> Option<ApiResult> {
        if !handled_by(call, Handler::States) {
            return None;
        }
        let request = Request::new(input, Dialect::Json);
        if !input.is_object() {
            return Some(Err(request.invalid("The request input must be a JSON object.")));
        }
        Some(match call {
            "states:CreateStateMachine" => self.create_state_machine(&request, ctx, role_exists),
            "states:DescribeStateMachine" => (|| {
                let arn = request.required_string("stateMachineArn")?;
                let m = self.machines.get(arn).ok_or_else(|| machine_not_found(arn))?;
                Ok(json!({ "stateMachineArn": m.arn, "name": m.name, "status": "ACTIVE", "definition": m.definition_text, "roleArn": m.role_arn, "type": m.machine_type, "creationDate": m.creation_iso }))
            })(),
            "states:StartExecution" => self.start_execution(&request, ctx),
            "states:DescribeExecution" => (|| {
                let arn = request.required_string("executionArn")?;
                let e = self.executions.iter().find(|e| e.arn == arn).ok_or_else(|| execution_not_found(arn))?;
                Ok(describe_execution(e))
            })(),
            "states:GetExecutionHistory" => (|| {
                let arn = request.required_string("executionArn")?;
                let e = self.executions.iter().find(|e| e.arn == arn).ok_or_else(|| execution_not_found(arn))?;
                let mut events = e.history.clone();
                if request.typed_bool("reverseOrder")?.unwrap_or(false) {
                    events.reverse();
                }
                if let Some(max) = request.query_u64_within("maxResults", "maxResults", 0, 1000)?.filter(|m| *m > 0) {
                    events.truncate(usize::try_from(max).unwrap_or(usize::MAX));
                }
                Ok(json!({ "events": events }))
            })(),
            "states:SendTaskSuccess" | "states:SendTaskFailure" | "states:SendTaskHeartbeat" => self.send_task(call, &request, ctx),
            "states:StopExecution" => (|| {
                let arn = request.required_string("executionArn")?;
                let error = request.typed_str("error")?.map(str::to_string);
                let cause = request.typed_str("cause")?.map(str::to_string);
                let e = self.executions.iter_mut().find(|e| e.arn == arn).ok_or_else(|| execution_not_found(arn))?;
                if e.status == ExecutionStatus::Running {
                    e.status = ExecutionStatus::Aborted;
                    e.stop_iso = Some(ctx.now_iso.clone());
                    let current: Vec<String> = e.threads.iter().filter(|t| t.end.is_none()).filter_map(|t| t.current.clone()).collect();
                    for state in current {
                        e.mark(&state, StateOutcome::Failed);
                    }
                    e.threads.truncate(1);
                    let mut details = json!({});
                    if let Some(err) = &error {
                        details["error"] = json!(err);
                    }
                    if let Some(c) = &cause {
                        details["cause"] = json!(c);
                    }
                    e.push_event(&ctx.now_iso, "ExecutionAborted", "executionAbortedEventDetails", details);
                    e.error = error;
                    e.cause = cause;
                }
                Ok(json!({ "stopDate": ctx.now_iso }))
            })(),
            _ => return None,
        })
    }

    /// `SendTaskSuccess`, `SendTaskFailure` and `SendTaskHeartbeat`: the callback of the `.waitForTaskToken` Task
    /// waiting on the token. Texts: TaskTimedOut's is observed in public SDK reports; the others are [UNVERIFIED].
    fn send_task(&mut self, call: &str, request: &Request, ctx: &StatesContext) -> ApiResult {
        let token = request.required_string("taskToken")?;
        let answer = match call {
            "states:SendTaskSuccess" => {
                let output = request.required_string("output")?;
                if serde_json::from_str::<Value>(output).is_err() {
                    return Err(ApiError::new("InvalidOutput", format!("Invalid Output: 'The output is not valid JSON: {output}'")));
                }
                Some(Callback::Success(output.to_string()))
            }
            "states:SendTaskFailure" => {
                let error = request.typed_str("error")?.unwrap_or("").to_string();
                let cause = request.typed_str("cause")?.unwrap_or("").to_string();
                Some(Callback::Failure(error, cause))
            }
            _ => None,
        };
        if !well_formed_token(token) {
            return Err(ApiError::new("InvalidToken", "Invalid Token: 'Invalid token'"));
        }
        let waiting = Waiting::Callback(token.to_string());
        let thread = self.executions.iter_mut().filter(|e| e.status == ExecutionStatus::Running).flat_map(|e| e.threads.iter_mut()).find(|t| t.waiting == waiting);
        match thread {
            Some(thread) => {
                match answer {
                    Some(answer) => thread.waiting = Waiting::Answered(answer),
                    None => thread.heartbeat_at = thread.heartbeat_ms.map(|ms| ctx.now_ms + ms),
                }
                Ok(json!({}))
            }
            None if self.tokens.iter().any(|t| t == token) => Err(ApiError::new("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")),
            None => Err(ApiError::new("TaskDoesNotExist", format!("Task Does Not Exist: 'No task was given the token {token}'"))),
        }
    }

    fn create_state_machine(&mut self, request: &Request, ctx: &StatesContext, role_exists: &dyn Fn(&str) -> bool) -> ApiResult {
        let name = request.required_string("name")?;
        let definition_text = request.required_string("definition")?;
        let role_arn = request.required_string("roleArn")?;
        let machine_type = request.enum_member("type", "type", &["STANDARD", "EXPRESS"])?.unwrap_or("STANDARD");
        if !valid_name(name) {
            return Err(ApiError::new("InvalidName", format!("Invalid Name: '{name}'")));
        }
        if !role_arn.starts_with("arn:aws:iam::") || !role_exists(role_arn) {
            // [UNVERIFIED] text: Step Functions checks the role can be assumed when the machine is created.
            return Err(ApiError::new("InvalidArn", format!("Invalid Arn: 'Role ARN {role_arn} is not valid or cannot be assumed by states.amazonaws.com'")));
        }
        let definition = asl::parse_definition(definition_text).map_err(|d| ApiError::new("InvalidDefinition", asl::invalid_definition(&d)))?;
        if machine_type == "EXPRESS" && definition.all_states().iter().any(|s| matches!(s.kind, StateKind::Task { integration: Integration::Sync, .. })) {
            // SFNDG: "Express Workflows support Request Response, but they do not support Run a Job (.sync)".
            return Err(ApiError::new("InvalidDefinition", asl::invalid_definition(&["SCHEMA_VALIDATION_FAILED: Express state machine does not support '.sync' service integration".into()])));
        }
        if machine_type == "EXPRESS" && definition.all_states().iter().any(|s| matches!(s.kind, StateKind::Task { integration: Integration::WaitForTaskToken, .. })) {
            // SFNDG: Express Workflows "do not support ... Wait for Callback (.waitForTaskToken)".
            return Err(ApiError::new("InvalidDefinition", asl::invalid_definition(&["SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration".into()])));
        }
        let arn = format!("arn:aws:states:{}:{}:stateMachine:{name}", ctx.region, ctx.account_id);
        if let Some(existing) = self.machines.get(&arn) {
            if existing.definition_text != definition_text || existing.role_arn != role_arn {
                return Err(ApiError::new("StateMachineAlreadyExists", format!("State Machine Already Exists: '{arn}'")));
            }
            return Ok(json!({ "stateMachineArn": arn, "creationDate": existing.creation_iso }));
        }
        self.machines.insert(arn.clone(), StateMachine { name: name.to_string(), arn: arn.clone(), role_arn: role_arn.to_string(), definition_text: definition_text.to_string(), definition, machine_type, creation_iso: ctx.now_iso.clone() });
        Ok(json!({ "stateMachineArn": arn, "creationDate": ctx.now_iso }))
    }

    fn start_execution(&mut self, request: &Request, ctx: &StatesContext) -> ApiResult {
        let machine_arn = request.required_string("stateMachineArn")?;
        let machine = self.machines.get(machine_arn).ok_or_else(|| machine_not_found(machine_arn))?;
        let name = match request.typed_str("name")? {
            Some(n) if !valid_name(n) => return Err(ApiError::new("InvalidName", format!("Invalid Name: '{n}'"))),
            Some(n) => n.to_string(),
            None => crate::iam::stable_uuid(&format!("execution-{machine_arn}-{}-{}", ctx.now_ms, self.executions.len())),
        };
        let input_text = request.typed_str("input")?.unwrap_or("{}");
        let input: Value = serde_json::from_str(input_text).map_err(|e| ApiError::new("InvalidExecutionInput", format!("Invalid State Machine Execution Input: '{e}'")))?;
        let arn = format!("arn:aws:states:{}:{}:execution:{}:{name}", ctx.region, ctx.account_id, machine.name);
        if self.executions.iter().any(|e| e.arn == arn) {
            return Err(ApiError::new("ExecutionAlreadyExists", format!("Execution Already Exists: '{arn}'")));
        }
        if self.executions.len() >= MAX_EXECUTIONS {
            return Err(ApiError::new("ExecutionLimitExceeded", format!("The playground keeps at most {MAX_EXECUTIONS} executions.")));
        }
        let mut execution = Execution {
            arn: arn.clone(),
            name,
            machine_arn: machine_arn.to_string(),
            status: ExecutionStatus::Running,
            input: input.clone(),
            output: None,
            error: None,
            cause: None,
            start_iso: ctx.now_iso.clone(),
            stop_iso: None,
            history: Vec::new(),
            threads: vec![Thread { id: 0, parent: None, scope: Vec::new(), index: 0, current: None, state_input: input.clone(), waiting: Waiting::Ready, retry_counts: Vec::new(), end: None, timeout_at: None, heartbeat_at: None, heartbeat_ms: None }],
            next_thread_id: 1,
            visits: Vec::new(),
        };
        execution.push_event(&ctx.now_iso, "ExecutionStarted", "executionStartedEventDetails", json!({ "input": input.to_string(), "inputDetails": { "truncated": false }, "roleArn": machine.role_arn }));
        self.executions.push(execution);
        Ok(json!({ "executionArn": arn, "startDate": ctx.now_iso }))
    }
}

fn describe_execution(e: &Execution) -> Value {
    let mut out = json!({
        "executionArn": e.arn,
        "stateMachineArn": e.machine_arn,
        "name": e.name,
        "status": e.status.as_aws(),
        "startDate": e.start_iso,
        "input": e.input.to_string(),
        "inputDetails": { "included": true },
    });
    if let Some(stop) = &e.stop_iso {
        out["stopDate"] = json!(stop);
    }
    if let Some(output) = &e.output {
        out["output"] = json!(output.to_string());
        out["outputDetails"] = json!({ "included": true });
    }
    if let Some(error) = &e.error {
        out["error"] = json!(error);
    }
    if let Some(cause) = &e.cause {
        out["cause"] = json!(cause);
    }
    out
}
