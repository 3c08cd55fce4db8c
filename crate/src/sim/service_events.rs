//! The service events that count targets or tasks ("registered 2 targets in (target-group …)", "has begun
//! draining connections on 3 tasks."): what one processed event or call does to a service is summed into one
//! message, as the Events tab shows it, instead of one message per target.
//!
//! Texts and order, from the Amazon ECS Developer Guide's service-event-messages page and real transcripts of
//! rolling deployments (reference observability-troubleshooting.md §4.4): a started task is followed by
//! "registered 1 targets in (target-group <arn>)"; a stopped one by "has stopped 1 running tasks: (task <id>).",
//! then "deregistered 1 targets in (target-group <arn>)" and "(service <name>, taskSet <deployment id>) has
//! begun draining connections on 1 tasks.".

use super::engine::Sim;
use super::model::{ServiceBatch, ServiceBatchKind, ServiceKey};

impl Sim {
    /// Counts one target or task toward `kind`'s message for `service`; the message is written by
    /// [`Sim::flush_service_batches`] once the event or call is over.
    pub(super) fn count_service_event(&mut self, service: ServiceKey, kind: ServiceBatchKind) {
        match self.service_batches.iter_mut().find(|b| b.service == service && b.kind == kind) {
            Some(batch) => batch.n += 1,
            None => self.service_batches.push(ServiceBatch { service, kind, n: 1 }),
        }
    }

    /// Writes the counted service events, in the order they were first counted.
    pub(super) fn flush_service_batches(&mut self) {
        if self.service_batches.is_empty() {
            return;
        }
        for batch in std::mem::take(&mut self.service_batches) {
            let Some(name) = self.services.get(&batch.service).map(|s| s.name.clone()) else { continue };
            self.service_event(batch.service, batch_message(&name, &batch.kind, batch.n));
        }
    }
}

/// The Events tab's text for `n` targets or tasks of `kind`.
pub(crate) fn batch_message(service_name: &str, kind: &ServiceBatchKind, n: u32) -> String {
    match kind {
        ServiceBatchKind::Registered { target_group_arn } => format!("(service {service_name}) registered {n} targets in (target-group {target_group_arn})"),
        ServiceBatchKind::Deregistered { target_group_arn } => format!("(service {service_name}) deregistered {n} targets in (target-group {target_group_arn})"),
        ServiceBatchKind::Draining { task_set } => format!("(service {service_name}, taskSet {task_set}) has begun draining connections on {n} tasks."),
    }
}

/// "has stopped N running tasks: (task a) (task b)." for the running tasks the scheduler stops at once.
pub(crate) fn stopped_message(service_name: &str, task_ids: &[String]) -> String {
    format!("(service {service_name}) has stopped {} running tasks: (task {}).", task_ids.len(), task_ids.join(") (task "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    // Texts as real Events tabs show them (observability-troubleshooting.md §4.4, real 2025–26 transcripts).
    #[test]
    fn messages_match_the_events_tab() {
        let tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef".to_string();
        assert_eq!(
            batch_message("web", &ServiceBatchKind::Registered { target_group_arn: tg.clone() }, 1),
            format!("(service web) registered 1 targets in (target-group {tg})")
        );
        assert_eq!(
            batch_message("web", &ServiceBatchKind::Deregistered { target_group_arn: tg.clone() }, 3),
            format!("(service web) deregistered 3 targets in (target-group {tg})")
        );
        assert_eq!(
            batch_message("web", &ServiceBatchKind::Draining { task_set: Rc::from("ecs-svc/4034032221499882557") }, 1),
            "(service web, taskSet ecs-svc/4034032221499882557) has begun draining connections on 1 tasks."
        );
        assert_eq!(
            stopped_message("web", &["218dcf0765ba4c97a2eeb1f06a0e913b".to_string(), "aa".to_string()]),
            "(service web) has stopped 2 running tasks: (task 218dcf0765ba4c97a2eeb1f06a0e913b) (task aa)."
        );
    }
}
