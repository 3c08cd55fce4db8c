//! The Alarms tab's model: the alarms with their state and history, SNS topics and the inbox (read from the view
//! by one selector), and the inputs of the calls the tab makes (CreateTopic, Subscribe, ConfirmSubscription,
//! PutMetricAlarm on a service metric with an SNS action, SetAlarmState).

use ecs_sim::sim::notifications_view::NotificationsView;
use ecs_sim::view::{AlarmView, ServiceStatus, View};
use serde_json::{json, Value};

use super::{number, whole, Options};

/// The service metrics an alarm of the form can watch (namespace `AWS/ECS`, dimensions ClusterName and
/// ServiceName, published each minute).
pub const SERVICE_METRICS: [&str; 2] = ["CPUUtilization", "MemoryUtilization"];
pub const COMPARISONS: [&str; 4] = ["GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"];

/// What the tab shows and offers.
#[derive(Debug, PartialEq)]
pub struct AlarmsOptions {
    pub alarms: Vec<AlarmView>,
    pub notifications: NotificationsView,
    /// The active services: (`cluster/service`, label).
    pub services: Options,
    /// The topics: (ARN, name).
    pub topics: Options,
}

pub fn options(view: &View) -> AlarmsOptions {
    AlarmsOptions {
        alarms: view.scaling.alarms.clone(),
        notifications: view.notifications.clone(),
        services: view.services.iter().filter(|s| s.status == ServiceStatus::Active).map(|s| (format!("{}/{}", s.cluster, s.name), format!("{} ({})", s.name, s.cluster))).collect(),
        topics: view.notifications.topics.iter().map(|t| (t.arn.clone(), t.name.clone())).collect(),
    }
}

pub fn create_topic_input(name: &str) -> Value {
    json!({ "Name": name.trim() })
}

pub fn subscribe_input(topic_arn: &str, protocol: &str, endpoint: &str) -> Value {
    json!({ "TopicArn": topic_arn, "Protocol": protocol, "Endpoint": endpoint.trim() })
}

/// ConfirmSubscription with the token of a confirmation message (what its "Confirm subscription" link does).
pub fn confirm_input(topic_arn: &str, token: &str) -> Value {
    json!({ "TopicArn": topic_arn, "Token": token })
}

/// The alarm form's fields.
pub struct AlarmForm<'a> {
    pub name: &'a str,
    /// `cluster/service`.
    pub service: &'a str,
    pub metric: &'a str,
    pub comparison: &'a str,
    pub threshold: &'a str,
    pub evaluation_periods: &'a str,
    /// The SNS topic notified on ALARM and on OK; empty for none.
    pub topic_arn: &'a str,
}

impl AlarmForm<'_> {
    /// PutMetricAlarm's input: a one-minute Average of the service metric, M = N, the topic as AlarmActions and
    /// OKActions. A field that is not a number is refused here, naming the AWS field.
    pub fn input(&self) -> Result<Value, String> {
        let (cluster, service) = self.service.split_once('/').ok_or_else(|| "Pick a service first.".to_string())?;
        let threshold = number(self.threshold, "Threshold")?;
        let periods = whole(self.evaluation_periods, "EvaluationPeriods")?;
        let actions: Vec<&str> = if self.topic_arn.is_empty() { vec![] } else { vec![self.topic_arn] };
        Ok(json!({
            "AlarmName": self.name.trim(),
            "Namespace": "AWS/ECS",
            "MetricName": self.metric,
            "Dimensions": [{ "Name": "ClusterName", "Value": cluster }, { "Name": "ServiceName", "Value": service }],
            "Statistic": "Average",
            "Period": 60,
            "EvaluationPeriods": periods,
            "DatapointsToAlarm": periods,
            "Threshold": threshold,
            "ComparisonOperator": self.comparison,
            "AlarmActions": actions,
            "OKActions": actions,
        }))
    }
}

pub fn set_state_input(alarm: &str, state: &str) -> Value {
    json!({ "AlarmName": alarm, "StateValue": state, "StateReason": "Set from the Alarms tab to test its actions" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alarm_form_builds_put_metric_alarm_with_the_topic_on_alarm_and_ok() {
        let form = AlarmForm { name: " web-cpu ", service: "demo/web", metric: "CPUUtilization", comparison: "GreaterThanThreshold", threshold: "75", evaluation_periods: "3", topic_arn: "arn:aws:sns:us-east-1:123456789012:ops" };
        let input = form.input().unwrap();
        assert_eq!(input["AlarmName"], "web-cpu");
        assert_eq!(input["Dimensions"][1], json!({ "Name": "ServiceName", "Value": "web" }));
        assert_eq!((input["Threshold"].as_f64(), input["EvaluationPeriods"].as_u64()), (Some(75.0), Some(3)));
        assert_eq!(input["AlarmActions"], json!(["arn:aws:sns:us-east-1:123456789012:ops"]));
        let bad = AlarmForm { threshold: "lots", ..form };
        assert_eq!(bad.input().unwrap_err(), "Threshold must be a number (got 'lots').");
    }
}
