//! How containers stop: StopTask, a scale-in or a replacement sends the stop signal (SIGTERM); a process that
//! exits on it ends at once (143 with the default handler, 0 when the application handles it), one that
//! ignores it is sent SIGKILL after `stopTimeout` and exits 137. And the memory limits: a container whose
//! memory passes its hard limit is killed with `OutOfMemoryError` and exit 137; `memoryReservation` is a soft
//! limit that only reserves memory for placement and never kills.
//!
//! Sources (observability-troubleshooting.md §4.2 and §4.5): StopTask is "the equivalent of `docker stop` … a
//! stop signal value and a default 30-second timeout, after which the SIGKILL value is sent" (BOTO ecs
//! `StopTask`); `stopTimeout` defaults to 30 s, at most 120 s on Fargate, and on EC2 without it the agent's
//! `ECS_CONTAINER_STOP_TIMEOUT` applies (default 30 s) (BOTO `ContainerDefinition.stopTimeout`); 137 = 128+9
//! (SIGKILL), 143 = 128+15 (SIGTERM); the OOM reason is the agent's text (AGENT dockerapi/errors.go, §4.3 #2).

use super::engine::Sim;
use super::model::{ImageBehavior, StopBehavior, TaskKey};

/// `stopTimeout` when the container definition does not set it: 30 s on Fargate, and on EC2 the agent's
/// `ECS_CONTAINER_STOP_TIMEOUT` default.
pub const DEFAULT_STOP_TIMEOUT_S: u32 = 30;

/// The container `reason` of an OOM kill (§4.3 #2).
pub const OOM_REASON: &str = "OutOfMemoryError: Container killed due to memory usage";

/// How long a container takes to stop after the stop signal, and its exit code: `shutdown_ms` is how long a
/// process that exits on the signal takes (the playground's `containerStop` timing), capped by the timeout.
pub fn container_stop(behavior: StopBehavior, stop_timeout_s: Option<u32>, shutdown_ms: u64) -> (u64, i64) {
    let timeout_ms = stop_timeout_s.unwrap_or(DEFAULT_STOP_TIMEOUT_S) as u64 * 1000;
    match behavior {
        StopBehavior::Graceful => (shutdown_ms.min(timeout_ms), 0),
        StopBehavior::DefaultHandler => (shutdown_ms.min(timeout_ms), 143),
        StopBehavior::Ignore => (timeout_ms, 137),
    }
}

/// Whether a container whose memory reaches `usage_mib` is killed: above its hard limit (the container's
/// `memory`, or without one the task's `memory`). `memoryReservation` does not enter: it only reserves.
pub fn oom_killed(usage_mib: u32, container_memory_mib: Option<u32>, task_memory_mib: u32) -> bool {
    let hard_limit = container_memory_mib.unwrap_or(task_memory_mib);
    hard_limit > 0 && usage_mib > hard_limit
}

impl Sim {
    /// The stop of a task's containers when one of its images does not stop gracefully: how long the stop
    /// takes (the slowest container) and each container's exit code. `None` when every container stops
    /// gracefully, which keeps the older timing (the containerStop timing capped by the largest stopTimeout).
    pub(super) fn stop_plan(&self, key: TaskKey) -> Option<(u64, Vec<i64>)> {
        let task = self.tasks.get(&key)?;
        if !task.containers.iter().any(|c| self.image_stop.get(&c.image).is_some_and(|b| *b != StopBehavior::Graceful)) {
            return None;
        }
        let rev = self.revision(&task.family, task.revision)?;
        let mut slowest_ms = 0;
        let mut codes = Vec::new();
        for (c, def) in task.containers.iter().zip(&rev.spec.containers) {
            let behavior = self.image_stop.get(&c.image).copied().unwrap_or_default();
            let (ms, code) = container_stop(behavior, def.stop_timeout_s, self.timings.container_stop_ms);
            if c.last_status != "STOPPED" {
                slowest_ms = slowest_ms.max(ms);
            }
            codes.push(code);
        }
        Some((slowest_ms, codes))
    }

    /// When a starting container outgrows its hard limit: (container index, kill after ms); and a log line
    /// for one that only outgrows its memoryReservation.
    pub(super) fn memory_kills(&mut self, key: TaskKey) -> Vec<(u32, u64)> {
        let Some(task) = self.tasks.get(&key) else { return vec![] };
        let Some(rev) = self.revision(&task.family, task.revision) else { return vec![] };
        let task_memory_mib = rev.spec.memory_mib.unwrap_or(0);
        let mut kills = Vec::new();
        let mut notes = Vec::new();
        for (idx, (c, def)) in task.containers.iter().zip(&rev.spec.containers).enumerate() {
            let Some(ImageBehavior::MemoryGrowth { usage_mib, after_ms }) = self.images.get(&c.image) else { continue };
            if oom_killed(*usage_mib, def.memory_mib, task_memory_mib) {
                kills.push((idx as u32, *after_ms));
            } else if let Some(soft) = def.memory_reservation_mib.filter(|soft| usage_mib > soft) {
                notes.push(format!(
                    "Container {} grows to {usage_mib} MiB, above its memoryReservation of {soft} MiB: a soft limit only reserves memory for placement, so it is not killed (its hard limit is {} MiB).",
                    c.name,
                    def.memory_mib.unwrap_or(task_memory_mib)
                ));
            }
        }
        let id8 = task.id[..8].to_string();
        for note in notes {
            self.log_entry(super::record::LogKind::Task, format!("task {id8}"), note);
        }
        kills
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// §4.2 and §4.5: 143 on SIGTERM, 137 after the stopTimeout (default 30 s), 0 for a graceful shutdown.
    #[test]
    fn stop_table() {
        let cases: &[(StopBehavior, Option<u32>, u64, (u64, i64))] = &[
            (StopBehavior::Graceful, None, 2_000, (2_000, 0)),
            (StopBehavior::Graceful, Some(1), 2_000, (1_000, 0)), // SIGKILL would come first; the code stays 0 here
            (StopBehavior::DefaultHandler, None, 2_000, (2_000, 143)),
            (StopBehavior::Ignore, None, 2_000, (30_000, 137)),   // the default 30 s timeout
            (StopBehavior::Ignore, Some(120), 2_000, (120_000, 137)), // Fargate's largest stopTimeout
            (StopBehavior::Ignore, Some(2), 2_000, (2_000, 137)),   // Fargate's smallest
        ];
        for &(behavior, timeout, shutdown_ms, want) in cases {
            assert_eq!(container_stop(behavior, timeout, shutdown_ms), want, "{behavior:?} stopTimeout {timeout:?}");
        }
        assert_eq!(StopBehavior::parse("ignore"), Some(StopBehavior::Ignore));
        assert_eq!(StopBehavior::parse("sigkill"), None);
    }

    /// The hard limit kills; memoryReservation never does.
    #[test]
    fn oom_table() {
        let cases: &[(u32, Option<u32>, u32, bool)] = &[
            (600, Some(512), 1024, true),  // above the container's hard limit
            (600, None, 512, true),        // no container limit: the task's memory is the limit
            (600, None, 1024, false),      // within the task's memory
            (512, Some(512), 1024, false), // at the limit, not above it
        ];
        for &(usage, container, task, want) in cases {
            assert_eq!(oom_killed(usage, container, task), want, "usage {usage}, memory {container:?}, task {task}");
        }
    }
}
