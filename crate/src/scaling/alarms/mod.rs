//! CloudWatch metric alarms as calls: `PutMetricAlarm` (create or update), `SetAlarmState`,
//! `DescribeAlarmHistory`, the alarm history CloudWatch keeps, and the notices an alarm's SNS actions send.
//!
//! Facts (reference observability-troubleshooting.md §3.1–3.4 and botocore's cloudwatch model): creation sets the
//! state to INSUFFICIENT_DATA, an update overwrites the configuration and keeps the state; `SetAlarmState` fires
//! the actions and the next evaluation returns the alarm to its actual state; actions run on state changes only.

pub(super) mod history;
#[cfg(test)]
mod tests;

pub use history::{AlarmHistory, AlarmHistoryItem, AlarmNotice, HistoryItemType, ALARM_HISTORY_LIMIT, ALARM_NOTICE_LIMIT};

use serde_json::{json, Value};

use crate::api::texts::{self, Ending};
use crate::api::{ApiError, ApiResult, Request};

use super::metrics::{cw_time, Alarm, AlarmState, AlarmTransition, Comparison, MetricKey, Statistic, TreatMissing};
use super::model::{ScalingContext, ScalingState};
use super::util::{iso, milli_json, milli_of, ordered};

fn text(s: &str) -> String {
    Value::from(s).to_string()
}

fn texts_of(list: &[String]) -> String {
    Value::from(list.to_vec()).to_string()
}

/// The long name CloudWatch writes for a Region in notifications (`US East (N. Virginia)`); the code itself
/// for a Region not listed here.
pub fn region_long_name(region: &str) -> &str {
    match region {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "ca-central-1" => "Canada (Central)",
        "eu-west-1" => "EU (Ireland)",
        "eu-west-2" => "EU (London)",
        "eu-west-3" => "EU (Paris)",
        "eu-central-1" => "EU (Frankfurt)",
        "eu-north-1" => "EU (Stockholm)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        "ap-northeast-2" => "Asia Pacific (Seoul)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ap-south-1" => "Asia Pacific (Mumbai)",
        "sa-east-1" => "South America (Sao Paulo)",
        other => other,
    }
}

/// `Wednesday 03 September, 2025 06:25:33 UTC`, the time format of alarm emails (real emails, reference §3.4).
pub fn email_time(epoch_ms: u64) -> String {
    const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    let t = crate::time::CalendarTime::from_epoch_ms(epoch_ms);
    format!(
        "{} {:02} {}, {} {:02}:{:02}:{:02} UTC",
        DAYS[t.weekday as usize % 7],
        t.day,
        MONTHS[(t.month as usize + 11) % 12],
        t.year,
        t.hour,
        t.minute,
        t.second
    )
}

/// The notification of `alarm`'s change `t` sent to `topic_arn` (reference §3.4: the real 2025 SNS message;
/// `Trigger.Statistic` upper case, dimensions as lower-case `{"value","name"}`, the Region's long name).
pub fn notice(alarm: &Alarm, t: &AlarmTransition, topic_arn: &str, ctx: &ScalingContext) -> AlarmNotice {
    let region = region_long_name(&ctx.region);
    let dimensions: Vec<String> = alarm.metric.dimensions.iter().map(|(n, v)| ordered(&[("value", text(v)), ("name", text(n))])).collect();
    let trigger = ordered(&[
        ("MetricName", text(&alarm.metric.name)),
        ("Namespace", text(&alarm.metric.namespace)),
        ("StatisticType", text("Statistic")),
        ("Statistic", text(&alarm.statistic.as_aws().to_uppercase())),
        ("Unit", alarm.unit.as_deref().map(text).unwrap_or_else(|| "null".into())),
        ("Dimensions", format!("[{}]", dimensions.join(","))),
        ("Period", alarm.period_s.to_string()),
        ("EvaluationPeriods", alarm.evaluation_periods.to_string()),
        ("DatapointsToAlarm", alarm.datapoints_to_alarm.to_string()),
        ("ComparisonOperator", text(alarm.comparison.as_aws())),
        ("Threshold", milli_json(alarm.threshold_milli).to_string()),
        ("TreatMissingData", text(alarm.treat_missing.as_aws())),
        ("EvaluateLowSampleCountPercentile", text("")),
    ]);
    let message = ordered(&[
        ("AlarmName", text(&alarm.name)),
        ("AlarmDescription", if alarm.description.is_empty() { "null".into() } else { text(&alarm.description) }),
        ("AWSAccountId", text(&ctx.account_id)),
        ("AlarmConfigurationUpdatedTimestamp", text(&cw_time(alarm.configuration_updated_ms))),
        ("NewStateValue", text(t.to.as_aws())),
        ("NewStateReason", text(&t.reason)),
        ("StateChangeTime", text(&cw_time(t.at_epoch_ms))),
        ("Region", text(region)),
        ("AlarmArn", text(&alarm.arn)),
        ("OldStateValue", text(t.from.as_aws())),
        ("OKActions", texts_of(&alarm.ok_actions)),
        ("AlarmActions", texts_of(&alarm.alarm_actions)),
        ("InsufficientDataActions", texts_of(&alarm.insufficient_data_actions)),
        ("Trigger", trigger),
    ]);
    let when = email_time(t.at_epoch_ms);
    // The first sentence and the `- Name:`, `- State Change:` and `- Timestamp:` lines are from real alarm
    // emails (reference §3.4); the other detail lines follow the same pattern [UNVERIFIED].
    let email_text = format!(
        "You are receiving this email because your Amazon CloudWatch Alarm \"{name}\" in the {region} region has entered the {to} state, because \"{reason}\" at \"{when}\".\n\n\
         Alarm Details:\n\
         - Name:                       {name}\n\
         - Description:                {description}\n\
         - State Change:               {from} -> {to}\n\
         - Reason for State Change:    {reason}\n\
         - Timestamp:                  {when}\n\
         - AWS Account:                {account}\n\
         - Alarm Arn:                  {arn}\n",
        name = alarm.name,
        to = t.to.as_aws(),
        from = t.from.as_aws(),
        reason = t.reason,
        description = alarm.description,
        account = ctx.account_id,
        arn = alarm.arn,
    );
    AlarmNotice { alarm: alarm.name.clone(), topic_arn: topic_arn.to_string(), subject: format!("{}: \"{}\" in {region}", t.to.as_aws(), alarm.name), message, email_text, at_epoch_ms: t.at_epoch_ms }
}

/// `HistoryData` of a state change, as the CLI's describe-alarm-history example prints it:
/// `{"version":"1.0","oldState":{"stateValue":..,"stateReason":..},"newState":{"stateValue":..,"stateReason":..,
/// "stateReasonData":{..}}}` (index id 8128212723, a copy of the AWS CLI reference example).
fn state_history_data(t: &AlarmTransition) -> String {
    let state = |value: AlarmState, reason: &str, data: &str| {
        let mut fields = vec![("stateValue", text(value.as_aws())), ("stateReason", text(reason))];
        if !data.is_empty() {
            fields.push(("stateReasonData", data.to_string()));
        }
        ordered(&fields)
    };
    ordered(&[("version", text("1.0")), ("oldState", state(t.from, &t.from_reason, &t.from_reason_data)), ("newState", state(t.to, &t.reason, &t.reason_data))])
}

impl ScalingState {
    /// Records an alarm's state change in its history and queues the notices of its SNS actions for the engine
    /// (other actions, scaling policies, run in the scaling model itself).
    pub(crate) fn record_transition(&mut self, t: &AlarmTransition, ctx: &ScalingContext) {
        self.alarm_history.push(AlarmHistoryItem {
            alarm: t.alarm.clone(),
            at_epoch_ms: t.at_epoch_ms,
            kind: HistoryItemType::StateUpdate,
            summary: format!("Alarm updated from {} to {}", t.from.as_aws(), t.to.as_aws()),
            data: state_history_data(t),
        });
        // "An alarm invokes actions only when the alarm changes state" (CWUG AlarmThatSendsEmail.md).
        let Some(alarm) = self.alarms.get(&t.alarm) else { return };
        if t.from == t.to || !alarm.actions_enabled {
            return;
        }
        let notices: Vec<AlarmNotice> = alarm.actions_for(t.to).iter().filter(|a| a.starts_with("arn:aws:sns:")).map(|topic| notice(alarm, t, topic, ctx)).collect();
        for n in notices {
            self.alarm_notices.push_back(n);
            if self.alarm_notices.len() > ALARM_NOTICE_LIMIT {
                self.alarm_notices.pop_front();
                self.alarm_notices_dropped += 1;
            }
        }
    }

    /// The notices queued since the last call, oldest first (the engine publishes them to SNS).
    pub fn take_alarm_notices(&mut self) -> Vec<AlarmNotice> {
        self.alarm_notices.drain(..).collect()
    }

    /// Records the outcome of an SNS action (`Successfully executed action <arn>` or its failure).
    /// `HistoryData` keeps `actionState` and `notificationResource` (seen in public captures; the other members
    /// CloudWatch adds are [UNVERIFIED] and left out).
    pub fn record_action(&mut self, alarm: &str, topic_arn: &str, delivered: bool, at_epoch_ms: u64) {
        let (summary, state) = if delivered {
            (format!("Successfully executed action {topic_arn}"), "Succeeded")
        } else {
            (format!("Failed to execute action {topic_arn}. Received error: \"Resource not found.\""), "Failed")
        };
        self.alarm_history.push(AlarmHistoryItem {
            alarm: alarm.to_string(),
            at_epoch_ms,
            kind: HistoryItemType::Action,
            summary,
            data: ordered(&[("actionState", text(state)), ("notificationResource", text(topic_arn))]),
        });
    }

    /// `cloudwatch:PutMetricAlarm`: creates the alarm in INSUFFICIENT_DATA, or overwrites an existing alarm's
    /// configuration and keeps its state (§3.1).
    pub(crate) fn put_metric_alarm(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let name = request.required_text("AlarmName", Ending::Clause)?.to_string();
        if name.len() > 255 {
            return Err(request.invalid(texts::too_long(&name, "alarmName", 255)));
        }
        let ns = request.required_text("Namespace", Ending::Clause)?;
        let mn = request.required_text("MetricName", Ending::Clause)?;
        let statistic = request.enum_member("Statistic", "statistic", &["SampleCount", "Average", "Sum", "Minimum", "Maximum"])?;
        let extended = request.str("ExtendedStatistic");
        let stat = match (statistic, extended) {
            (Some(s), None) => Statistic::parse(s).unwrap_or(Statistic::Average),
            (None, Some(_)) => {
                // The store keeps each minute's sum, count, minimum and maximum only: percentiles cannot be
                // computed from them, so a percentile alarm is refused rather than evaluated wrongly.
                return Err(ApiError::new("InvalidParameterValue", "ExtendedStatistic (percentile) alarms are not modelled in the playground: use Statistic"));
            }
            // CloudWatch needs exactly one of the two (botocore PutMetricAlarmInput: "you must specify either
            // Statistic or ExtendedStatistic").
            _ => return Err(ApiError::new("InvalidParameterCombination", "Exactly one of Statistic and ExtendedStatistic must be specified")),
        };
        let period = request.required_int_in_range("Period", 10, 86_400 * 7)? as u64;
        if !period.is_multiple_of(60) {
            // Period is 10, 20, 30 or a multiple of 60 in AWS (§3.1); ECS metrics are one-minute metrics, and
            // sub-minute periods are not modelled.
            return Err(ApiError::new("InvalidParameterValue", "The playground models periods that are multiples of 60 seconds (ECS metrics are one-minute metrics)"));
        }
        let n = request.required_int_in_range("EvaluationPeriods", 1, 1440)? as u32;
        // Period × EvaluationPeriods ≤ 7 days, and ≤ 1 day for periods under an hour (§3.1).
        let total_s = period * n as u64;
        if total_s > 604_800 || (period < 3600 && total_s > 86_400) {
            return Err(ApiError::new("ValidationError", "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400)"));
        }
        let m = request.int_in_range("DatapointsToAlarm", 1, 1440)?.unwrap_or(n as i64) as u32;
        if m > n {
            return Err(ApiError::new("ValidationError", "DatapointsToAlarm must be less than or equal to EvaluationPeriods"));
        }
        let thr = request.get("Threshold").and_then(milli_of).ok_or_else(|| request.invalid(texts::is_required("Threshold", Ending::Clause)))?;
        let op = request
            .enum_member("ComparisonOperator", "comparisonOperator", &[
                "GreaterThanOrEqualToThreshold",
                "GreaterThanThreshold",
                "LessThanThreshold",
                "LessThanOrEqualToThreshold",
                "LessThanLowerOrGreaterThanUpperThreshold",
                "LessThanLowerThreshold",
                "GreaterThanUpperThreshold",
            ])?
            .ok_or_else(|| request.invalid(texts::is_required("ComparisonOperator", Ending::Clause)))?;
        // The three band operators compare with an anomaly detection band (`Metrics` with `ThresholdMetricId`),
        // which is not modelled (botocore: "used only for alarms based on anomaly detection models").
        let cmp = Comparison::parse(op).ok_or_else(|| ApiError::new("ValidationError", format!("ComparisonOperator {op} needs an anomaly detection band (ThresholdMetricId), which the playground does not model")))?;
        let tmd = request.enum_member("TreatMissingData", "treatMissingData", &["breaching", "notBreaching", "ignore", "missing"])?.unwrap_or("missing");
        let treat = TreatMissing::parse(tmd).unwrap_or(TreatMissing::Missing);
        let now = ctx.now_epoch_ms();
        let metric = MetricKey::from_request(ns, mn, request);
        let existing = self.alarms.get(&name).cloned();
        let mut alarm = Alarm::new(&name, self.alarm_arn(ctx, &name), metric, stat, period, n, m, thr, cmp, now);
        if let Some(old) = &existing {
            // An update keeps the state (§3.1).
            alarm.state = old.state;
            alarm.state_reason = old.state_reason.clone();
            alarm.state_reason_data = old.state_reason_data.clone();
            alarm.state_updated_ms = old.state_updated_ms;
            alarm.state_transitioned_ms = old.state_transitioned_ms;
        }
        alarm.treat_missing = treat;
        alarm.description = request.str("AlarmDescription").unwrap_or("").to_string();
        alarm.actions_enabled = request.typed_bool("ActionsEnabled")?.unwrap_or(true);
        alarm.alarm_actions = request.strings("AlarmActions");
        alarm.ok_actions = request.strings("OKActions");
        alarm.insufficient_data_actions = request.strings("InsufficientDataActions");
        alarm.unit = request.str("Unit").map(str::to_string);
        // The ConfigurationUpdate summary and data follow what the CloudWatch console shows for a create or an
        // update (`Alarm "name" created`, `{"version":"1.0","type":"Create","createdAlarm":{..}}`) [UNVERIFIED].
        let (summary, data) = match &existing {
            None => (format!("Alarm \"{name}\" created"), ordered(&[("version", text("1.0")), ("type", text("Create")), ("createdAlarm", history_alarm(&alarm))])),
            Some(old) => (
                format!("Alarm \"{name}\" updated"),
                ordered(&[("version", text("1.0")), ("type", text("Update")), ("originalUpdatedAlarm", history_alarm(old)), ("updatedAlarm", history_alarm(&alarm))]),
            ),
        };
        self.alarm_history.push(AlarmHistoryItem { alarm: name.clone(), at_epoch_ms: now, kind: HistoryItemType::ConfigurationUpdate, summary, data });
        self.alarms.insert(name, alarm);
        Ok(json!({}))
    }

    /// `cloudwatch:SetAlarmState`: forces a state with the given reason; the actions of the new state run, and
    /// the next evaluation returns a metric alarm to its actual state (§3.1).
    pub(crate) fn set_alarm_state(&mut self, request: &Request, ctx: &ScalingContext) -> ApiResult {
        let name = request.required_text("AlarmName", Ending::Clause)?.to_string();
        let value = request.enum_member("StateValue", "stateValue", &["OK", "ALARM", "INSUFFICIENT_DATA"])?.ok_or_else(|| request.invalid(texts::is_required("StateValue", Ending::Clause)))?;
        let reason = request.required_text("StateReason", Ending::Clause)?.to_string();
        if reason.len() > 1023 {
            return Err(request.invalid(texts::too_long(&reason, "stateReason", 1023)));
        }
        let data = request.str("StateReasonData").unwrap_or("").to_string();
        if data.len() > 4000 {
            return Err(request.invalid(texts::too_long(&data, "stateReasonData", 4000)));
        }
        if !data.is_empty() && serde_json::from_str::<Value>(&data).is_err() {
            // botocore lists InvalidFormatFault for SetAlarmState: "Data was not syntactically valid JSON."
            return Err(ApiError::new("InvalidFormat", "Data was not syntactically valid JSON"));
        }
        let state = match value {
            "OK" => AlarmState::Ok,
            "ALARM" => AlarmState::Alarm,
            _ => AlarmState::InsufficientData,
        };
        let now = ctx.now_epoch_ms();
        let Some(alarm) = self.alarms.get_mut(&name) else {
            return Err(ApiError::new("ResourceNotFound", format!("Alarm {name} not found")));
        };
        let t = alarm.set_state(state, reason, data, now);
        self.record_transition(&t, ctx);
        Ok(json!({}))
    }

    /// `cloudwatch:DescribeAlarmHistory`: the history items of one alarm or all, filtered by type and dates,
    /// newest first unless `ScanBy` is `TimestampAscending`, at most `MaxRecords` (1 to 100, default 100).
    pub(crate) fn describe_alarm_history(&self, request: &Request) -> ApiResult {
        let name = request.str("AlarmName");
        let kind = request.enum_member("HistoryItemType", "historyItemType", &HistoryItemType::ALL)?;
        let scan = request.enum_member("ScanBy", "scanBy", &["TimestampDescending", "TimestampAscending"])?.unwrap_or("TimestampDescending");
        let max = request.int_in_range("MaxRecords", 1, 100)?.unwrap_or(100) as usize;
        let date = |field: &str| -> Result<Option<u64>, ApiError> {
            match request.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => Ok(n.as_u64().map(|s| s.saturating_mul(1000))),
                Some(v) => crate::time::parse_iso8601_ms(v.as_str().unwrap_or("")).map(Some).map_err(|e| ApiError::new("InvalidParameterValue", format!("The parameter {field} is invalid: {e}"))),
            }
        };
        let (start, end) = (date("StartDate")?, date("EndDate")?);
        let matching = self
            .alarm_history
            .items
            .iter()
            .filter(|i| name.is_none_or(|n| i.alarm == n))
            .filter(|i| kind.is_none_or(|k| i.kind.as_aws() == k))
            .filter(|i| start.is_none_or(|s| i.at_epoch_ms >= s) && end.is_none_or(|e| i.at_epoch_ms <= e));
        let item = |i: &AlarmHistoryItem| {
            json!({
                "AlarmName": i.alarm,
                "AlarmType": "MetricAlarm",
                "Timestamp": iso(i.at_epoch_ms),
                "HistoryItemType": i.kind.as_aws(),
                "HistorySummary": i.summary,
                "HistoryData": i.data,
            })
        };
        let items: Vec<Value> = if scan == "TimestampAscending" { matching.take(max).map(item).collect() } else { matching.rev().take(max).map(item).collect() };
        Ok(json!({ "AlarmHistoryItems": items }))
    }
}

/// The alarm as a ConfigurationUpdate's HistoryData shows it (the `DescribeAlarms` members in camel case).
fn history_alarm(alarm: &Alarm) -> String {
    ordered(&[
        ("alarmName", text(&alarm.name)),
        ("alarmArn", text(&alarm.arn)),
        ("alarmDescription", text(&alarm.description)),
        ("actionsEnabled", alarm.actions_enabled.to_string()),
        ("oKActions", texts_of(&alarm.ok_actions)),
        ("alarmActions", texts_of(&alarm.alarm_actions)),
        ("insufficientDataActions", texts_of(&alarm.insufficient_data_actions)),
        ("metricName", text(&alarm.metric.name)),
        ("namespace", text(&alarm.metric.namespace)),
        ("statistic", text(&alarm.statistic.as_aws().to_uppercase())),
        ("period", alarm.period_s.to_string()),
        ("evaluationPeriods", alarm.evaluation_periods.to_string()),
        ("datapointsToAlarm", alarm.datapoints_to_alarm.to_string()),
        ("threshold", milli_json(alarm.threshold_milli).to_string()),
        ("comparisonOperator", text(alarm.comparison.as_aws())),
        ("treatMissingData", text(alarm.treat_missing.as_aws())),
    ])
}
