//! Queue workloads (`sim:SetQueue`): an Amazon SQS queue that the playground fills at a rate and a service's
//! RUNNING tasks drain at a rate per task. Each minute the queue publishes the `AWS/SQS` metrics
//! `ApproximateNumberOfMessagesVisible` and `ApproximateAgeOfOldestMessage` (dimension `QueueName`), so an
//! alarm or a target tracking policy with a `CustomizedMetricSpecification` can follow the backlog rather than
//! CPU (Application Auto Scaling User Guide, "Target tracking scaling policies"; the metric names are Amazon
//! SQS's, Amazon SQS Developer Guide, "Available CloudWatch metrics for Amazon SQS").

use std::collections::VecDeque;

use serde_json::json;

use crate::api::{ApiError, ApiResult};
use crate::scaling::{MetricKey, Sample};

use super::engine::Sim;
use super::model::{QueueWorkload, TaskStatus};
use super::record::LogKind;
use super::requests::QueueRequest;

/// The most queues a run keeps.
pub const MAX_QUEUES: usize = 20;

/// The most arrival cohorts (one a minute) a queue keeps; older messages are counted with the oldest kept.
pub const MAX_COHORTS: usize = 1_440;

impl QueueWorkload {
    pub fn visible(&self) -> u64 {
        self.cohorts.iter().map(|c| c.1).sum()
    }

    /// The age of the oldest message at `now_ms`, whole seconds (0 for an empty queue).
    pub fn oldest_age_s(&self, now_ms: u64) -> u64 {
        self.cohorts.front().map_or(0, |c| now_ms.saturating_sub(c.0) / 1000)
    }

    /// One minute: `consumed` messages leave, oldest first, then the minute's arrivals join.
    fn minute(&mut self, now_ms: u64, consumed: u64) {
        let mut left = consumed;
        while left > 0 {
            let Some(front) = self.cohorts.front_mut() else { break };
            let take = front.1.min(left);
            front.1 -= take;
            left -= take;
            if front.1 == 0 {
                self.cohorts.pop_front();
            }
        }
        if self.messages_per_minute > 0 {
            if self.cohorts.len() >= MAX_COHORTS {
                // The two oldest cohorts merge, keeping the older time: the oldest message's age stays right.
                if let (Some(first), Some(second)) = (self.cohorts.pop_front(), self.cohorts.pop_front()) {
                    self.cohorts.push_front((first.0, first.1 + second.1));
                }
            }
            self.cohorts.push_back((now_ms, self.messages_per_minute));
        }
    }
}

impl Sim {
    /// `sim:SetQueue`: creates the queue, or changes its rates (its waiting messages stay).
    pub(super) fn set_queue(&mut self, request: QueueRequest) -> ApiResult {
        if !self.queues.contains_key(&request.queue_name) && self.queues.len() >= MAX_QUEUES {
            return Err(ApiError::invalid_parameter(format!("The playground keeps at most {MAX_QUEUES} queues.")));
        }
        let now = self.now.0;
        let queue = self.queues.get_or_insert_with(request.queue_name.clone(), || QueueWorkload {
            name: request.queue_name.clone(),
            cluster: String::new(),
            service_name: String::new(),
            messages_per_minute: 0,
            messages_per_task_per_minute: 0,
            cohorts: VecDeque::new(),
        });
        queue.cluster = request.cluster;
        queue.service_name = request.service;
        queue.messages_per_minute = request.messages_per_minute;
        queue.messages_per_task_per_minute = request.messages_per_task_per_minute;
        let (visible, age) = (queue.visible(), queue.oldest_age_s(now));
        let text = format!(
            "Queue {} receives {} messages a minute; each RUNNING task of '{}' in cluster '{}' processes {} a minute.",
            queue.name, queue.messages_per_minute, queue.service_name, queue.cluster, queue.messages_per_task_per_minute
        );
        let name = queue.name.clone();
        self.log_entry(LogKind::Traffic, format!("queue {name}"), text);
        let url = format!("https://sqs.{}.amazonaws.com/{}/{name}", self.scenario.region, super::model::ACCOUNT_ID);
        Ok(json!({ "queueName": name, "queueUrl": url, "approximateNumberOfMessagesVisible": visible, "approximateAgeOfOldestMessage": age }))
    }

    /// The minute of every queue: its consumers drain it, arrivals join it, and its two metrics are published.
    pub(super) fn queue_minute(&mut self) -> Vec<Sample> {
        if self.queues.is_empty() {
            return Vec::new();
        }
        let now = self.now.0;
        let names: Vec<String> = self.queues.keys().cloned().collect();
        let mut samples = Vec::new();
        for name in names {
            let Some(queue) = self.queues.get(&name) else { continue };
            let (cluster, service) = (queue.cluster.clone(), queue.service_name.clone());
            let running = self
                .live_tasks()
                .filter(|t| t.cluster == cluster && t.last_status == TaskStatus::Running)
                .filter(|t| t.service.and_then(|s| self.services.get(&s)).is_some_and(|s| s.name == service))
                .count() as u64;
            let Some(queue) = self.queues.get_mut(&name) else { continue };
            queue.minute(now, running * queue.messages_per_task_per_minute);
            let dims = [("QueueName", name.as_str())];
            samples.push(Sample { key: MetricKey::new("AWS/SQS", "ApproximateNumberOfMessagesVisible", &dims), value_milli: (queue.visible() * 1000) as i64 });
            samples.push(Sample { key: MetricKey::new("AWS/SQS", "ApproximateAgeOfOldestMessage", &dims), value_milli: (queue.oldest_age_s(now) * 1000) as i64 });
        }
        samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(per_minute: u64) -> QueueWorkload {
        QueueWorkload { name: "jobs".into(), cluster: "demo".into(), service_name: "worker".into(), messages_per_minute: per_minute, messages_per_task_per_minute: 10, cohorts: VecDeque::new() }
    }

    #[test]
    fn a_queue_drains_its_oldest_messages_first_and_ages_its_oldest() {
        let mut q = queue(100);
        q.minute(60_000, 0);
        q.minute(120_000, 30);
        assert_eq!(q.visible(), 170);
        assert_eq!(q.oldest_age_s(180_000), 120);
        q.minute(180_000, 170);
        // The two first cohorts are gone; the minute's arrivals remain, just arrived.
        assert_eq!((q.visible(), q.oldest_age_s(180_000)), (100, 0));
    }

    #[test]
    fn a_queue_keeps_at_most_its_cohort_limit_and_the_oldest_time() {
        let mut q = queue(1);
        for minute in 1..=(MAX_COHORTS as u64 + 10) {
            q.minute(minute * 60_000, 0);
        }
        assert_eq!(q.cohorts.len(), MAX_COHORTS);
        assert_eq!(q.visible(), MAX_COHORTS as u64 + 10);
        assert_eq!(q.cohorts.front().map(|c| c.0), Some(60_000));
    }
}
