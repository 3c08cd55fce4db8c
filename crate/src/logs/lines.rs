//! What a container writes to its standard output: the playground's model of an application's log. It is
//! the application's own text (not AWS's), chosen to teach: start-up lines, a sample of the requests the
//! task serves, errors for 5xx answers and unreachable dependencies, the lines before an exit or an
//! out-of-memory kill, and the graceful shutdown on SIGTERM. Every choice is a pure function of its inputs
//! (the sampling hashes the task id and the minute), so writing logs never draws from the run's PRNG.

/// At most this many request lines a container writes per simulated minute (the rest are counted in a
/// summary line), so a busy service's log stays small.
pub const MAX_REQUEST_LINES_PER_MINUTE: u64 = 3;

/// The lines a container prints as it starts.
pub fn startup_lines(container_name: &str, image: &str, container_port: Option<u16>) -> Vec<String> {
    let mut lines = vec![format!("Starting {container_name} from image {image}")];
    match container_port {
        Some(port) => {
            lines.push(format!("Listening on 0.0.0.0:{port}"));
            lines.push("Ready to accept connections".to_string());
        }
        None => lines.push("Worker started".to_string()),
    }
    lines
}

/// The lines a container prints when it gets SIGTERM and exits cleanly.
pub fn shutdown_lines() -> Vec<String> {
    vec!["Received SIGTERM, shutting down gracefully".to_string(), "Shutdown complete".to_string()]
}

/// The lines a container prints just before it exits with `exit_code`; `message` is the scenario's own
/// (`sim:SetImageBehavior` `logMessage`), printed first. Exit code 137 is a SIGKILL, here the out-of-memory
/// killer's, so the application's last lines are about memory.
pub fn exit_lines(exit_code: i64, message: Option<&str>, memory_mib: Option<u32>) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(message) = message {
        lines.push(message.to_string());
    }
    match exit_code {
        0 => lines.push("Work finished, exiting".to_string()),
        137 => {
            let limit = memory_mib.map(|m| format!(" of its {m} MiB limit")).unwrap_or_default();
            lines.push(format!("WARN memory usage at 97%{limit}"));
            lines.push("FATAL out of memory: cannot allocate 67108864 bytes".to_string());
        }
        1 => lines.push("ERROR unhandled exception in main loop; exiting with code 1".to_string()),
        code => lines.push(format!("ERROR exiting with code {code}")),
    }
    lines
}

/// One sampled access line: `<client> - - "GET <path> HTTP/1.1" <status> <latency>ms`, then an `ERROR` line for
/// a 5xx answer. `salt` picks the client address and path.
pub fn request_lines(salt: u64, status: u16, latency_ms: u64) -> Vec<String> {
    let paths = ["/", "/api/items", "/api/orders", "/health", "/static/app.js"];
    let path = paths[(salt % paths.len() as u64) as usize];
    let client = format!("10.0.{}.{}", (salt >> 8) % 4, 10 + (salt >> 16) % 200);
    let mut lines = vec![format!("{client} - - \"GET {path} HTTP/1.1\" {status} {latency_ms}ms")];
    if status >= 500 {
        lines.push(format!("ERROR GET {path} answered {status}: the handler failed"));
    }
    lines
}

/// The line a container prints when a call to a dependency fails (its zone cut off, or a timeout).
pub fn dependency_error_line(what: &str) -> String {
    format!("ERROR dependency call failed: {what}: connect ETIMEDOUT")
}

/// The summary of the request lines left out in a minute.
pub fn sampled_summary(n_requests: u64, n_written: u64) -> String {
    format!("served {n_requests} requests in the last minute ({n_written} logged)")
}

/// A container's lines of one minute of requests, kept as what decides them and written as text only when read
/// (see `logs::MessageRecord`): an error line when its dependency is cut off, `n_written` sampled request lines
/// (each picked by SplitMix64 from `salt`), and the summary of the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestSample {
    pub dependency_down: bool,
    pub salt: u64,
    pub status: u16,
    pub latency_ms: u64,
    pub served: u64,
    pub n_written: u64,
}

impl RequestSample {
    /// How many lines the minute writes.
    pub fn n_lines(&self) -> usize {
        let per_request = if self.status >= 500 { 2 } else { 1 };
        self.dependency_down as usize + (self.n_written * per_request) as usize + (self.served > self.n_written) as usize
    }
}

impl super::MessageRecord for RequestSample {
    fn render(&self) -> Vec<String> {
        let mut lines = Vec::with_capacity(self.n_lines());
        if self.dependency_down {
            lines.push(dependency_error_line("the database in its Availability Zone"));
        }
        let mut salt = self.salt;
        for _ in 0..self.n_written {
            let pick = crate::hash::splitmix64_next(&mut salt);
            lines.extend(request_lines(pick, self.status, self.latency_ms));
        }
        if self.served > self.n_written {
            lines.push(sampled_summary(self.served, self.n_written));
        }
        lines
    }
}
