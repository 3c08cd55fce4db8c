//! A batch job's workload (`sim:SetImageBehavior` with `"behavior": "batchJob"`): after its run time, the container
//! processes the S3 objects its environment names, writes one result object for each, and exits 0, or exits 1 at
//! the first error. Each S3 operation is decided as `sim:TaskOperation` decides one (the task role, the network
//! path, IAM with the bucket policy, the bucket's and object's existence) and logged to the task's log stream
//! when it has one. A job given a Step Functions task token ends by calling `SendTaskSuccess` with its output, or
//! `SendTaskFailure` on an error, with its task role.
//!
//! The environment (the task definition's, then the RunTask `containerOverrides` on top):
//! `INPUT_BUCKET` (required), `INPUT_KEY` (one object) or `INPUT_PREFIX` (the objects under it, at most
//! [`MAX_JOB_OBJECTS`]), `OUTPUT_BUCKET` (the input bucket when absent), `OUTPUT_PREFIX` (`results/` when absent),
//! and `TASK_TOKEN_ENV_VARIABLE` or `TASK_TOKEN` (the callback's token).

use serde_json::{json, Value};

use crate::api::ApiError;

use super::engine::Sim;
use super::model::{AccessRecord, TaskKey};
use super::record::LogKind;
use super::workload::{sdk_error_text, TaskOperationRequest};

/// The most objects one job processes; the rest of a prefix is left for another run (the job's log says so).
pub const MAX_JOB_OBJECTS: usize = 20;

/// What a job found in its environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobEnvironment {
    pub input_bucket: String,
    pub input_key: Option<String>,
    pub input_prefix: Option<String>,
    pub output_bucket: String,
    pub output_prefix: String,
    pub task_token: Option<String>,
}

impl JobEnvironment {
    /// Reads the job's variables from `variables` (name, value), later ones winning.
    pub fn from_variables(variables: &[(String, String)]) -> JobEnvironment {
        let get = |name: &str| variables.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        let input_bucket = get("INPUT_BUCKET").unwrap_or_default();
        JobEnvironment {
            output_bucket: get("OUTPUT_BUCKET").unwrap_or_else(|| input_bucket.clone()),
            input_bucket,
            input_key: get("INPUT_KEY"),
            input_prefix: get("INPUT_PREFIX"),
            output_prefix: get("OUTPUT_PREFIX").unwrap_or_else(|| "results/".to_string()),
            task_token: get("TASK_TOKEN_ENV_VARIABLE").or_else(|| get("TASK_TOKEN")),
        }
    }

    /// Where the result of `key` is written: the output prefix and the key's last part.
    pub fn output_key(&self, key: &str) -> String {
        format!("{}{}", self.output_prefix, key.rsplit('/').next().unwrap_or(key))
    }
}

/// `[{name, value}]` pairs of an `environment` list.
fn pairs(list: &[Value]) -> Vec<(String, String)> {
    list.iter().filter_map(|e| Some((e.get("name")?.as_str()?.to_string(), e.get("value")?.as_str()?.to_string()))).collect()
}

/// One S3 operation of a job.
enum JobCall<'a> {
    List { bucket: &'a str, prefix: &'a str },
    Get { bucket: &'a str, key: &'a str },
    Put { bucket: &'a str, key: &'a str, body: &'a str },
}

impl JobCall<'_> {
    /// The operation's name and its parameters in S3's input shape.
    fn operation(&self) -> (&'static str, Value) {
        match self {
            JobCall::List { bucket, prefix } => ("s3:ListObjectsV2", json!({ "Bucket": bucket, "Prefix": prefix })),
            JobCall::Get { bucket, key } => ("s3:GetObject", json!({ "Bucket": bucket, "Key": key })),
            JobCall::Put { bucket, key, body } => ("s3:PutObject", json!({ "Bucket": bucket, "Key": key, "Body": body })),
        }
    }
}

impl Sim {
    /// The environment of container `idx` of task `key`: the task definition's, then its RunTask overrides.
    fn container_environment(&self, key: TaskKey, idx: u32) -> Vec<(String, String)> {
        let task = &self.tasks[&key];
        let name = task.containers.get(idx as usize).map(|c| c.name.clone()).unwrap_or_default();
        let mut variables = self
            .revision(&task.family, task.revision)
            .and_then(|r| r.spec.input.pointer(&format!("/containerDefinitions/{idx}/environment")).and_then(Value::as_array).map(|list| pairs(list)))
            .unwrap_or_default();
        let overrides = task.overrides.as_deref().and_then(|o| o.get("containerOverrides")).and_then(Value::as_array);
        if let Some(container) = overrides.and_then(|list| list.iter().find(|c| c.get("name").and_then(Value::as_str) == Some(name.as_str()))) {
            variables.extend(container.get("environment").and_then(Value::as_array).map(|list| pairs(list)).unwrap_or_default());
        }
        variables
    }

    /// One S3 operation of the job, decided and logged as `sim:TaskOperation` does it.
    fn job_operation(&mut self, key: TaskKey, idx: u32, call: JobCall) -> Result<Value, String> {
        let (operation, params) = call.operation();
        let cluster = self.tasks[&key].cluster.clone();
        let request = TaskOperationRequest { cluster: &cluster, task: None, service: None, operation, params };
        let outcome = self.operate_as(key, &request);
        let (allowed, text) = match &outcome.answer {
            Ok(_) => (true, format!("{operation} {} succeeded in {} ms", outcome.resource, outcome.latency_ms)),
            Err(e) => (false, sdk_error_text(operation, e)),
        };
        self.write_job_line(key, idx, &text);
        let principal = self.tasks[&key].task_role_arn.clone().unwrap_or_else(|| "(instance role or none)".to_string());
        let record = AccessRecord { time: self.now, action: operation.to_string(), resource: outcome.resource.clone(), allowed, principal, explanation: text.clone() };
        if let Some(task) = self.tasks.get_mut(&key) {
            task.access_log.push(record);
            if task.access_log.len() > 100 {
                task.access_log.remove(0);
            }
        }
        outcome.answer.map_err(|_| text)
    }

    /// A line of the job's own output, in its container's log stream when it has one.
    fn write_job_line(&mut self, key: TaskKey, idx: u32, line: &str) {
        if self.logging.task_streams.contains_key(&key) {
            self.write_container_lines(key, idx, &[line.to_string()]);
        }
    }

    /// A batch job's run time is over: if its task still runs, the job runs and its container exits with its code.
    pub(super) fn on_batch_job_end(&mut self, key: TaskKey, idx: u32) {
        let running = self.tasks.get(&key).is_some_and(|t| t.last_status == super::model::TaskStatus::Running && t.containers.get(idx as usize).is_some_and(|c| c.last_status == "RUNNING"));
        if running {
            let exit_code = self.run_batch_job(key, idx);
            self.on_container_exit(key, idx, exit_code);
        }
    }

    /// The job in container `idx` of task `key` runs to its end; its exit code (0 or 1).
    pub(super) fn run_batch_job(&mut self, key: TaskKey, idx: u32) -> i64 {
        let job = JobEnvironment::from_variables(&self.container_environment(key, idx));
        let result = self.process_objects(key, idx, &job);
        let id8 = self.tasks[&key].id[..8].to_string();
        let exit_code = match &result {
            Ok(written) => {
                self.write_job_line(key, idx, &format!("Processed {} object(s); results in s3://{}/{}", written.len(), job.output_bucket, job.output_prefix));
                self.log_entry(LogKind::Storage, format!("task {id8}"), format!("Task {id8}: the batch job wrote {} result object(s) and exits 0.", written.len()));
                0
            }
            Err(why) => {
                self.write_job_line(key, idx, &format!("ERROR {why}"));
                self.log_entry(LogKind::Storage, format!("task {id8}"), format!("Task {id8}: the batch job failed and exits 1: {why}"));
                1
            }
        };
        if let Some(token) = &job.task_token {
            self.job_callback(key, idx, token, &job, result);
        }
        exit_code
    }

    /// Reads each input object and writes its result; the keys written, or the first error.
    fn process_objects(&mut self, key: TaskKey, idx: u32, job: &JobEnvironment) -> Result<Vec<String>, String> {
        if job.input_bucket.is_empty() {
            return Err("INPUT_BUCKET is not set in the container's environment.".to_string());
        }
        let keys = match (&job.input_key, &job.input_prefix) {
            (Some(k), _) => vec![k.clone()],
            (None, prefix) => {
                let listed = self.job_operation(key, idx, JobCall::List { bucket: &job.input_bucket, prefix: prefix.as_deref().unwrap_or("") })?;
                let mut keys: Vec<String> = listed.get("Keys").and_then(Value::as_array).map(|k| k.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default();
                if keys.len() > MAX_JOB_OBJECTS {
                    self.write_job_line(key, idx, &format!("{} objects listed; this run processes the first {MAX_JOB_OBJECTS}.", keys.len()));
                    keys.truncate(MAX_JOB_OBJECTS);
                }
                keys
            }
        };
        let mut written = Vec::new();
        for input_key in keys {
            let read = self.job_operation(key, idx, JobCall::Get { bucket: &job.input_bucket, key: &input_key })?;
            let size_bytes = read.get("ContentLength").and_then(Value::as_u64).unwrap_or(0);
            let output_key = job.output_key(&input_key);
            let body = format!("processed s3://{}/{input_key} ({size_bytes} bytes)", job.input_bucket);
            self.job_operation(key, idx, JobCall::Put { bucket: &job.output_bucket, key: &output_key, body: &body })?;
            written.push(output_key);
        }
        Ok(written)
    }

    /// The job's callback to Step Functions with its task role: `SendTaskSuccess` with the keys written, or
    /// `SendTaskFailure` with the error. [UNVERIFIED] the role needs `states:SendTaskSuccess` and
    /// `states:SendTaskFailure` (../shared/reference/integrations-export.md §1.6).
    fn job_callback(&mut self, key: TaskKey, idx: u32, token: &str, job: &JobEnvironment, result: Result<Vec<String>, String>) {
        let (call, input) = match result {
            Ok(written) => ("states:SendTaskSuccess", json!({ "taskToken": token, "output": json!({ "bucket": job.output_bucket, "written": written }).to_string() })),
            Err(why) => ("states:SendTaskFailure", json!({ "taskToken": token, "error": "Job.Failed", "cause": why })),
        };
        let role = self.tasks[&key].task_role_arn.clone().and_then(|r| self.iam.resolve_role_arn(&r).or(Some(r)));
        let answer = match role {
            None => Err(ApiError::new("NoCredentialsError", "Unable to locate credentials")),
            Some(role) if !self.iam.role_allows(&role, call, "*").is_allowed() => {
                let role_name = role.rsplit('/').next().unwrap_or(&role).to_string();
                let session = self.tasks[&key].id.clone();
                Err(ApiError::new("AccessDeniedException", format!("User: arn:aws:sts::{}:assumed-role/{role_name}/{session} is not authorized to perform: {call} because no identity-based policy allows the {call} action", super::model::ACCOUNT_ID)))
            }
            Some(_) => self.apply_call(call, input),
        };
        let text = match &answer {
            Ok(_) => format!("{call} succeeded"),
            Err(e) => sdk_error_text(call, e),
        };
        self.write_job_line(key, idx, &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_names_the_input_and_output_and_overrides_win() {
        let variables = [("INPUT_BUCKET", "uploads"), ("INPUT_KEY", "in/a.png"), ("INPUT_KEY", "in/b.png"), ("OUTPUT_PREFIX", "thumbnails/"), ("TASK_TOKEN_ENV_VARIABLE", "AQB1")]
            .map(|(n, v)| (n.to_string(), v.to_string()));
        let job = JobEnvironment::from_variables(&variables);
        assert_eq!(job.input_key.as_deref(), Some("in/b.png"), "the later value (the override) wins");
        assert_eq!(job.output_bucket, "uploads", "the input bucket when OUTPUT_BUCKET is absent");
        assert_eq!(job.output_key("in/b.png"), "thumbnails/b.png");
        assert_eq!(job.task_token.as_deref(), Some("AQB1"));
        assert_eq!(JobEnvironment::from_variables(&[]).output_prefix, "results/");
    }
}
