//! Container health checks: when a container's `healthCheck` passes or fails, when ECS marks it UNHEALTHY
//! (after `retries` consecutive failures, not counting those inside `startPeriod`), and the service replacing a
//! task whose essential container is UNHEALTHY.
//!
//! Sources: Docker's HEALTHCHECK semantics, which the agent runs (the first check one `interval` after the
//! container starts; a failure during `startPeriod` does not count; `retries` consecutive failures make it
//! unhealthy), and the ContainerDefinition `HealthCheck` model doc (defaults interval 30 s, timeout 5 s,
//! retries 3, startPeriod 0). Stop reason and service events: observability-troubleshooting.md §4.3 #12 (real
//! service events); the stopCode `ServiceSchedulerInitiated` is the reference's documented assumption.

use crate::taskdef::HealthCheck;

use super::engine::{Ev, Sim};
use super::model::{HealthStatus, ImageBehavior, TaskKey, TaskStatus};

/// The task's `stoppedReason` when ECS stops it for an UNHEALTHY essential container (§4.3 #12).
pub const HEALTH_CHECK_STOPPED_REASON: &str = "Task failed container health checks";

/// Whether `check` fails against a container running an image that behaves as `behavior`.
pub fn check_fails(behavior: Option<&ImageBehavior>, check: &HealthCheck) -> bool {
    match behavior {
        Some(ImageBehavior::Unhealthy) => true,
        Some(ImageBehavior::HealthEndpoint { path }) => !check.command.iter().any(|part| requests_path(part, path)),
        _ => false,
    }
}

/// Whether a command word requests exactly `path` (`/health` is not requested by `.../healthz`).
fn requests_path(word: &str, path: &str) -> bool {
    word.match_indices(path).any(|(at, _)| {
        let next = word[at + path.len()..].chars().next();
        next.is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '?' | '#' | ';' | '|' | '&' | ')'))
    })
}

/// How long after the container starts a failing check makes it UNHEALTHY: checks run every `interval`, the
/// first one `interval` after the start; failures at or before `startPeriod` do not count; the `retries`-th
/// counted failure marks it.
pub fn unhealthy_after_ms(check: &HealthCheck) -> u64 {
    let interval_ms = check.interval_s.max(1) as u64 * 1000;
    let start_period_ms = check.start_period_s as u64 * 1000;
    // The first check that counts: the first one after the start period.
    let first_counted = start_period_ms / interval_ms + 1;
    (first_counted + check.retries.max(1) as u64 - 1) * interval_ms
}

impl Sim {
    /// A running task's health checks: the first evaluation at the shortest interval sets HEALTHY when every
    /// check passes; a failing essential check is evaluated again when its retries run out, and then the
    /// container and the task are UNHEALTHY and a service's task is stopped and replaced.
    pub(super) fn on_task_health_check(&mut self, key: TaskKey) {
        let Some(task) = self.tasks.get(&key) else { return };
        if task.last_status != TaskStatus::Running {
            return;
        }
        let Some(spec) = self.revision(&task.family, task.revision).map(|r| r.spec.clone()) else { return };
        let running_ms = task.started_at.map_or(0, |t| self.now.0.saturating_sub(t.0));
        // Each container with a check: (index, essential, fails, when it turns UNHEALTHY).
        let verdicts: Vec<(usize, bool, bool, u64)> = task
            .containers
            .iter()
            .enumerate()
            .filter_map(|(idx, c)| {
                let check = spec.containers.get(idx)?.health_check.as_ref()?;
                Some((idx, c.essential, check_fails(self.images.get(&c.image), check), unhealthy_after_ms(check)))
            })
            .collect();
        let failing_essential: Vec<u64> = verdicts.iter().filter(|v| v.1 && v.2).map(|v| v.3).collect();
        if failing_essential.is_empty() {
            // Every essential check passes: HEALTHY (as before, on every container).
            let task = self.tasks.get_mut(&key).expect("checked above");
            task.health_status = HealthStatus::Healthy;
            for c in &mut task.containers {
                c.health_status = HealthStatus::Healthy.as_aws().to_string();
            }
            task.version += 1;
            if let Some(service) = task.service {
                self.schedule_service_tick(service, self.now);
            }
            return;
        }
        let due_ms = failing_essential.iter().copied().min().unwrap_or(0);
        if running_ms < due_ms {
            // Still within startPeriod and retries: the status stays UNKNOWN until the last retry fails.
            let at = self.tasks[&key].started_at.map_or(self.now, |t| t.plus_ms(due_ms));
            self.schedule(at, Ev::TaskHealthCheck(key));
            return;
        }
        let task = self.tasks.get_mut(&key).expect("checked above");
        task.health_status = HealthStatus::Unhealthy;
        for (idx, _, fails, after_ms) in &verdicts {
            let status = if *fails && running_ms >= *after_ms { HealthStatus::Unhealthy } else if *fails { HealthStatus::Unknown } else { HealthStatus::Healthy };
            task.containers[*idx].health_status = status.as_aws().to_string();
        }
        task.version += 1;
        let id = task.id.clone();
        if let Some(service) = task.service {
            let name = self.services.get(&service).map(|s| s.name.clone()).unwrap_or_default();
            // §4.3 #12: the real service event, then the replacement.
            self.service_event(service, format!("(service {name}) (task {id}) failed container health checks."));
            self.stop_task(key, "ServiceSchedulerInitiated", HEALTH_CHECK_STOPPED_REASON.to_string());
            self.schedule_service_tick(service, self.now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(command: &[&str], interval_s: u32, retries: u32, start_period_s: u32) -> HealthCheck {
        HealthCheck { command: command.iter().map(|s| s.to_string()).collect(), interval_s, timeout_s: 5, retries, start_period_s }
    }

    /// Docker's HEALTHCHECK timing as the agent runs it; the defaults are the `HealthCheck` model doc's.
    #[test]
    fn unhealthy_timing_table() {
        let cases: &[(u32, u32, u32, u64)] = &[
            // (interval s, retries, startPeriod s, UNHEALTHY after ms)
            (30, 3, 0, 90_000),    // the defaults: three failures 30 s apart
            (5, 1, 0, 5_000),      // the smallest interval, one retry
            (10, 3, 60, 90_000),   // failures at 10..60 s do not count; 70, 80, 90 s do
            (30, 2, 45, 90_000),   // 30 s is inside the start period; 60 and 90 s count
            (300, 10, 300, 3_300_000), // the largest values: counted from 600 s, ten of them
        ];
        for &(interval_s, retries, start_period_s, want_ms) in cases {
            let got = unhealthy_after_ms(&check(&["CMD-SHELL", "true"], interval_s, retries, start_period_s));
            assert_eq!(got, want_ms, "interval {interval_s}, retries {retries}, startPeriod {start_period_s}");
        }
    }

    #[test]
    fn check_verdicts_table() {
        let healthz = check(&["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"], 30, 3, 0);
        let health = check(&["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], 30, 3, 0);
        let at = |p: &str| ImageBehavior::HealthEndpoint { path: p.to_string() };
        assert!(check_fails(Some(&at("/status")), &healthz), "the app does not serve the checked path");
        assert!(!check_fails(Some(&at("/health")), &health));
        assert!(check_fails(Some(&ImageBehavior::Unhealthy), &health), "an unhealthy image fails any check");
        assert!(!check_fails(Some(&ImageBehavior::Serve), &healthz), "an image with no health endpoint passes any check");
        assert!(!check_fails(None, &healthz));
        assert!(check_fails(Some(&at("/health")), &healthz), "/healthz is another path than /health");
        let quoted = check(&["CMD", "wget", "-q", "-O-", "http://localhost/health?full=1"], 30, 3, 0);
        assert!(!check_fails(Some(&at("/health")), &quoted), "a query string follows the path");
    }
}
