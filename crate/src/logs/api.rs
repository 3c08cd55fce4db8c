//! The CloudWatch Logs calls, with the request and response shapes of the Logs API model (camelCase members,
//! event times in epoch milliseconds, Logs Insights query times in epoch seconds). Error codes are the model's
//! (BOTO logs `service-2.json`); texts follow observed AWS answers where a comment says so.

use serde_json::{json, Value};

use super::filter::parse_filter_pattern;
use super::model::*;
use super::query::{parse_query, QueryInput, MAX_QUERY_ROWS};
use crate::api::texts;
use crate::api::{ApiError, ApiResult, Request};

/// The `LogGroupName` pattern (BOTO logs).
const GROUP_NAME_PATTERN: &str = "[\\.\\-_/#A-Za-z0-9]+";

/// text: `ResourceNotFoundException: The specified log group does not exist.` (the awslogs driver's quoted
/// answer, observability-troubleshooting.md §2.4).
pub fn group_not_found() -> ApiError {
    ApiError::new("ResourceNotFoundException", "The specified log group does not exist.")
}

/// AWS's text, quoted in aws/aws-logging-dotnet#134 (PutLogEvents) and prefect-archive/prefect-aws#177
/// (GetLogEvents).
fn stream_not_found() -> ApiError {
    ApiError::new("ResourceNotFoundException", "The specified log stream does not exist.")
}

fn group_name_ok(request: &Request, name: &str, path: &str) -> Result<(), ApiError> {
    if name.chars().count() > 512 {
        return Err(request.invalid(texts::too_long(name, path, 512)));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#')) {
        return Err(request.invalid(texts::pattern_mismatch(name, path, GROUP_NAME_PATTERN)));
    }
    Ok(())
}

/// `logGroupName`, or the name inside `logGroupIdentifier` (a name or an ARN), required as one of the two.
fn group_of<'a>(request: &Request<'a>) -> Result<&'a str, ApiError> {
    let name = request.typed_str("logGroupName")?;
    let identifier = request.typed_str("logGroupIdentifier")?;
    match (name, identifier) {
        (Some(_), Some(_)) => Err(request.invalid("LogGroupName and LogGroupIdentifier are mutually exclusive parameters.")),
        (Some(name), None) if !name.is_empty() => {
            group_name_ok(request, name, "logGroupName")?;
            Ok(name)
        }
        (None, Some(id)) if !id.is_empty() => {
            // An ARN `arn:aws:logs:<region>:<account>:log-group:<name>[:*]` names the group after `log-group:`.
            Ok(match id.split_once(":log-group:") {
                Some((_, rest)) => rest.strip_suffix(":*").unwrap_or(rest),
                None => id,
            })
        }
        // [UNVERIFIED] text: the Logs API's answer when neither is given.
        _ => Err(request.invalid("Either LogGroupName or LogGroupIdentifier must be provided.")),
    }
}

fn limit_of(request: &Request, name: &str, max: u64) -> Result<Option<u64>, ApiError> {
    match request.get(name) {
        None => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) if n < 1 => Err(request.invalid(texts::below_min(texts::Shown::Value(&n.to_string()), name, 1))),
            Some(n) if n as u64 > max => Err(request.invalid(texts::above_max(texts::Shown::Value(&n.to_string()), name, max as i64))),
            Some(n) => Ok(Some(n as u64)),
            None => Err(request.invalid(texts::not_an_integer(name))),
        },
    }
}

fn time_of(request: &Request, name: &str) -> Result<Option<u64>, ApiError> {
    match request.get(name) {
        None => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) if n < 0 => Err(request.invalid(texts::below_min(texts::Shown::Value(&n.to_string()), name, 0))),
            Some(n) => Ok(Some(n as u64)),
            None => Err(request.invalid(texts::not_an_integer(name))),
        },
    }
}

impl LogsState {
    fn stored_bytes(group: &LogGroup) -> u64 {
        group.streams.values().flat_map(|s| s.events.iter()).map(|e| e.message.len() as u64).sum()
    }

    fn group_json(&self, group: &LogGroup) -> Value {
        let mut out = json!({
            "logGroupName": group.name,
            "creationTime": group.creation_time_ms,
            "metricFilterCount": 0,
            "arn": group.arn,
            "storedBytes": Self::stored_bytes(group),
            "logGroupClass": group.log_group_class,
            "logGroupArn": group.arn.trim_end_matches(":*"),
        });
        if let Some(days) = group.retention_in_days {
            out["retentionInDays"] = json!(days);
        }
        out
    }

    pub(super) fn create_log_group(&mut self, request: &Request, ctx: &LogsContext) -> ApiResult {
        let name = request.required_string("logGroupName")?;
        group_name_ok(request, name, "logGroupName")?;
        request.enum_member("logGroupClass", "logGroupClass", &["STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS"])?;
        if name.starts_with("aws/") {
            // The rule is the model's ("can't start with the string aws/"); the text is [UNVERIFIED].
            return Err(request.invalid("Log group names can't start with the string aws/."));
        }
        if self.groups.contains_key(name) {
            // text: `ResourceAlreadyExistsException: The specified log group already exists` (AWS CLI output
            // quoted in public Terraform issues).
            return Err(ApiError::new("ResourceAlreadyExistsException", "The specified log group already exists"));
        }
        if self.groups.len() >= MAX_LOG_GROUPS {
            return Err(ApiError::new("LimitExceededException", format!("Resource limit exceeded. The playground keeps at most {MAX_LOG_GROUPS} log groups.")));
        }
        self.insert_group(name, ctx.now_epoch_ms, None);
        Ok(json!({}))
    }

    pub(super) fn delete_log_group(&mut self, request: &Request) -> ApiResult {
        let name = request.required_string("logGroupName")?;
        group_name_ok(request, name, "logGroupName")?;
        if !self.remove_group(name) {
            return Err(group_not_found());
        }
        Ok(json!({}))
    }

    pub(super) fn put_retention_policy(&mut self, request: &Request) -> ApiResult {
        let name = request.required_string("logGroupName")?;
        group_name_ok(request, name, "logGroupName")?;
        let days = match request.get("retentionInDays") {
            None => return Err(request.invalid(texts::required("retentionInDays"))),
            Some(v) => v.as_u64().filter(|d| RETENTION_DAYS.contains(&(*d as u32)) && *d <= u32::MAX as u64),
        };
        let Some(days) = days else {
            // text: `1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint:
            // Member must satisfy enum value set: [1, 3, 5, ...]` (AWS CLI output in public Terraform issues).
            let shown = request.get("retentionInDays").map(crate::api::request::shown_value).unwrap_or_default();
            let members: Vec<String> = RETENTION_DAYS.iter().map(u32::to_string).collect();
            let members: Vec<&str> = members.iter().map(String::as_str).collect();
            return Err(request.invalid(texts::not_in_enum(&shown, "retentionInDays", &members)));
        };
        let Some(group) = self.groups.get_mut(name) else { return Err(group_not_found()) };
        group.retention_in_days = Some(days as u32);
        Ok(json!({}))
    }

    pub(super) fn describe_log_groups(&self, request: &Request) -> ApiResult {
        let prefix = request.typed_str("logGroupNamePrefix")?;
        let pattern = request.typed_str("logGroupNamePattern")?;
        if prefix.is_some() && pattern.is_some() {
            // [UNVERIFIED] text: the two members cannot be combined (BOTO logs `DescribeLogGroupsRequest`).
            return Err(request.invalid("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters."));
        }
        let limit = limit_of(request, "limit", 50)?.unwrap_or(50) as usize;
        let after = request.typed_str("nextToken")?;
        let pattern = pattern.map(str::to_ascii_lowercase);
        let matching = self.groups.values().filter(|g| {
            prefix.is_none_or(|p| g.name.starts_with(p))
                && pattern.as_deref().is_none_or(|p| g.name.to_ascii_lowercase().contains(p))
                && after.is_none_or(|a| g.name.as_str() > a)
        });
        let page: Vec<&LogGroup> = matching.take(limit + 1).collect();
        let more = page.len() > limit;
        let groups: Vec<Value> = page.iter().take(limit).map(|g| self.group_json(g)).collect();
        let mut out = json!({ "logGroups": groups });
        if more {
            out["nextToken"] = json!(page[limit - 1].name);
        }
        Ok(out)
    }

    pub(super) fn describe_log_streams(&self, request: &Request) -> ApiResult {
        let name = group_of(request)?;
        let prefix = request.typed_str("logStreamNamePrefix")?;
        let order_by = request.enum_member("orderBy", "orderBy", &["LogStreamName", "LastEventTime"])?.unwrap_or("LogStreamName");
        if order_by == "LastEventTime" && prefix.is_some() {
            // text: `Cannot order by LastEventTime with a logStreamNamePrefix.` (AWS CLI output in public issues).
            return Err(request.invalid("Cannot order by LastEventTime with a logStreamNamePrefix."));
        }
        let descending = request.typed_bool("descending")?.unwrap_or(false);
        let limit = limit_of(request, "limit", 50)?.unwrap_or(50) as usize;
        let skip: usize = request.typed_str("nextToken")?.and_then(|t| t.parse().ok()).unwrap_or(0);
        let Some(group) = self.groups.get(name) else { return Err(group_not_found()) };
        let mut streams: Vec<&LogStream> = group.streams.values().filter(|s| prefix.is_none_or(|p| s.name.starts_with(p))).collect();
        if order_by == "LastEventTime" {
            streams.sort_by_key(|s| (s.last_event_timestamp_ms.unwrap_or(0), s.name.clone()));
        }
        if descending {
            streams.reverse();
        }
        let page: Vec<Value> = streams
            .iter()
            .skip(skip)
            .take(limit)
            .map(|s| {
                let mut out = json!({
                    "logStreamName": s.name,
                    "creationTime": s.creation_time_ms,
                    "arn": format!("arn:aws:logs:{}:{}:log-group:{}:log-stream:{}", self.region, self.account_id, group.name, s.name),
                    "storedBytes": 0,
                });
                if let Some(t) = s.first_event_timestamp_ms {
                    out["firstEventTimestamp"] = json!(t);
                }
                if let Some(t) = s.last_event_timestamp_ms {
                    out["lastEventTimestamp"] = json!(t);
                }
                if let Some(t) = s.last_ingestion_time_ms {
                    out["lastIngestionTime"] = json!(t);
                }
                out
            })
            .collect();
        let mut out = json!({ "logStreams": page });
        if streams.len() > skip + limit {
            out["nextToken"] = json!((skip + limit).to_string());
        }
        Ok(out)
    }

    pub(super) fn get_log_events(&self, request: &Request) -> ApiResult {
        let name = group_of(request)?;
        let stream_name = request.required_string("logStreamName")?;
        let start = time_of(request, "startTime")?;
        let end = time_of(request, "endTime")?;
        let limit = limit_of(request, "limit", 10_000)?.unwrap_or(10_000) as usize;
        let from_head = request.typed_bool("startFromHead")?.unwrap_or(false);
        let token = request.typed_str("nextToken")?;
        let Some(group) = self.groups.get(name) else { return Err(group_not_found()) };
        let Some(stream) = group.streams.get(stream_name) else { return Err(stream_not_found()) };
        // Tokens `f/<seq>/s` (forward from the event numbered seq) and `b/<seq>/s` (backward, before it).
        let parsed = token.and_then(|t| {
            let mut parts = t.split('/');
            let dir = parts.next()?;
            let seq: u64 = parts.next()?.parse().ok()?;
            Some((dir == "f", seq))
        });
        if token.is_some() && parsed.is_none() {
            // [UNVERIFIED] text.
            return Err(request.invalid("The specified nextToken is invalid."));
        }
        let in_range: Vec<&LogEvent> =
            stream.events.iter().filter(|e| start.is_none_or(|s| e.timestamp_ms >= s) && end.is_none_or(|t| e.timestamp_ms < t)).collect();
        let forward = parsed.map(|(f, _)| f).unwrap_or(from_head);
        let selected: Vec<&LogEvent> = match parsed {
            Some((true, seq)) => in_range.iter().filter(|e| e.seq >= seq).take(limit).copied().collect(),
            Some((false, seq)) => {
                let before: Vec<&LogEvent> = in_range.iter().filter(|e| e.seq < seq).copied().collect();
                before[before.len().saturating_sub(limit)..].to_vec()
            }
            None if forward => in_range.iter().take(limit).copied().collect(),
            None => in_range[in_range.len().saturating_sub(limit)..].to_vec(),
        };
        let events: Vec<Value> =
            selected.iter().map(|e| json!({ "timestamp": e.timestamp_ms, "message": &*e.message, "ingestionTime": e.ingestion_time_ms })).collect();
        // At the end of the stream the forward token is the one passed in (BOTO logs `GetLogEvents`).
        let next_forward = match (selected.last(), token) {
            (Some(last), _) => format!("f/{:020}/s", last.seq + 1),
            (None, Some(t)) if forward => t.to_string(),
            (None, _) => format!("f/{:020}/s", stream.events.back().map_or(0, |e| e.seq + 1)),
        };
        let next_backward = match selected.first() {
            Some(first) => format!("b/{:020}/s", first.seq),
            None => match (token, forward) {
                (Some(t), false) => t.to_string(),
                _ => format!("b/{:020}/s", stream.events.front().map_or(0, |e| e.seq)),
            },
        };
        Ok(json!({ "events": events, "nextForwardToken": next_forward, "nextBackwardToken": next_backward }))
    }

    pub(super) fn filter_log_events(&self, request: &Request) -> ApiResult {
        let name = group_of(request)?;
        let names = request.get("logStreamNames").map(|_| request.strings("logStreamNames"));
        let prefix = request.typed_str("logStreamNamePrefix")?;
        if names.is_some() && prefix.is_some() {
            // [UNVERIFIED] text: the model says the two cannot be combined (`InvalidParameterException`).
            return Err(request.invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters."));
        }
        if let Some(names) = &names {
            if names.is_empty() || names.len() > 100 {
                return Err(request.invalid(texts::too_short("[]", "logStreamNames", 1)));
            }
        }
        let start = time_of(request, "startTime")?;
        let end = time_of(request, "endTime")?;
        let pattern_text = request.typed_str("filterPattern")?.unwrap_or("");
        if pattern_text.chars().count() > 1024 {
            return Err(request.invalid(texts::too_long(pattern_text, "filterPattern", 1024)));
        }
        let pattern = parse_filter_pattern(pattern_text).map_err(|m| request.invalid(m))?;
        let limit = limit_of(request, "limit", 10_000)?.unwrap_or(10_000) as usize;
        let after: Option<(u64, u64)> = request.typed_str("nextToken")?.and_then(|t| {
            let (ts, seq) = t.split_once('-')?;
            Some((ts.parse().ok()?, seq.parse().ok()?))
        });
        let Some(group) = self.groups.get(name) else { return Err(group_not_found()) };
        let mut matched: Vec<(&LogStream, &LogEvent)> = Vec::new();
        for stream in group.streams.values() {
            if names.as_ref().is_some_and(|n| !n.contains(&stream.name)) || prefix.is_some_and(|p| !stream.name.starts_with(p)) {
                continue;
            }
            for event in &stream.events {
                let in_time = start.is_none_or(|s| event.timestamp_ms >= s) && end.is_none_or(|t| event.timestamp_ms <= t);
                let past_token = after.is_none_or(|a| (event.timestamp_ms, event.seq) > a);
                if in_time && past_token && pattern.matches(&event.message) {
                    matched.push((stream, event));
                }
            }
        }
        matched.sort_by_key(|(_, e)| (e.timestamp_ms, e.seq));
        let more = matched.len() > limit;
        let events: Vec<Value> = matched
            .iter()
            .take(limit)
            .map(|(s, e)| {
                json!({
                    "logStreamName": s.name,
                    "timestamp": e.timestamp_ms,
                    "message": &*e.message,
                    "ingestionTime": e.ingestion_time_ms,
                    "eventId": format!("{:020}{:020}", e.timestamp_ms, e.seq),
                })
            })
            .collect();
        let mut out = json!({ "events": events, "searchedLogStreams": [] });
        if more {
            let (_, last) = matched[limit - 1];
            out["nextToken"] = json!(format!("{}-{}", last.timestamp_ms, last.seq));
        }
        Ok(out)
    }

    pub(super) fn start_query(&mut self, request: &Request) -> ApiResult {
        let language = request.enum_member("queryLanguage", "queryLanguage", &["CWLI", "SQL", "PPL"])?.unwrap_or("CWLI");
        let one = request.typed_str("logGroupName")?.map(|n| vec![n.to_string()]);
        let names = request.get("logGroupNames").map(|_| request.strings("logGroupNames"));
        let identifiers = request.get("logGroupIdentifiers").map(|_| {
            request.strings("logGroupIdentifiers").into_iter().map(|id| match id.split_once(":log-group:") {
                Some((_, rest)) => rest.trim_end_matches(":*").to_string(),
                None => id,
            }).collect::<Vec<String>>()
        });
        let given = [one.is_some(), names.is_some(), identifiers.is_some()].iter().filter(|b| **b).count();
        if given != 1 {
            // [UNVERIFIED] text: exactly one of the three is needed (BOTO logs `StartQueryRequest`).
            return Err(request.invalid("Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be specified."));
        }
        let groups = one.or(names).or(identifiers).unwrap_or_default();
        if groups.is_empty() || groups.len() > 50 {
            return Err(request.invalid("Between 1 and 50 log groups can be queried at once."));
        }
        let start_s = time_of(request, "startTime")?.ok_or_else(|| request.invalid(texts::required("startTime")))?;
        let end_s = time_of(request, "endTime")?.ok_or_else(|| request.invalid(texts::required("endTime")))?;
        let query_string = match request.typed_str("queryString")? {
            Some(q) => q,
            None => return Err(request.invalid(texts::required("queryString"))),
        };
        if query_string.chars().count() > 10_000 {
            return Err(request.invalid(texts::too_long("…", "queryString", 10_000)));
        }
        let limit = limit_of(request, "limit", 100_000)?.map(|n| (n as usize).min(MAX_QUERY_ROWS));
        if end_s < start_s {
            // [UNVERIFIED] text.
            return Err(request.invalid("End time should not be before the start time."));
        }
        if language != "CWLI" {
            return Err(ApiError::new("MalformedQueryException", format!("The playground runs Logs Insights QL (CWLI) queries only, not {language}.")));
        }
        let query = parse_query(query_string).map_err(|m| ApiError::new("MalformedQueryException", format!("The query is not valid: {m}.")))?;
        for g in &groups {
            if !self.groups.contains_key(g.as_str()) {
                // [UNVERIFIED] text, as reported in public issues: `Log group '<name>' does not exist for account ID '<id>'`.
                return Err(ApiError::new("ResourceNotFoundException", format!("Log group '{g}' does not exist for account ID '{}'", self.account_id)));
            }
        }
        let (start_ms, end_ms) = (start_s.saturating_mul(1000), end_s.saturating_mul(1000).saturating_add(999));
        let mut inputs: Vec<QueryInput> = Vec::new();
        for g in &groups {
            let Some(group) = self.groups.get(g.as_str()) else { continue };
            for stream in group.streams.values() {
                for event in stream.events.iter().filter(|e| e.timestamp_ms >= start_ms && e.timestamp_ms <= end_ms) {
                    inputs.push(QueryInput {
                        timestamp_ms: event.timestamp_ms,
                        message: &event.message,
                        log_stream: &stream.name,
                        log: format!("{}:{}", self.account_id, group.name),
                        ptr: format!("{}/{}", group.name, event.seq),
                    });
                }
            }
        }
        inputs.sort_by(|a, b| (a.timestamp_ms, &a.ptr).cmp(&(b.timestamp_ms, &b.ptr)));
        let output = query.run(&inputs, limit);
        self.n_queries += 1;
        let query_id = crate::iam::stable_uuid(&format!("logs-query|{}|{}", self.account_id, self.n_queries));
        self.queries.push_back(QueryRecord {
            query_id: query_id.clone(),
            query_string: query_string.to_string(),
            log_group_names: groups,
            rows: output.rows,
            records_matched: output.records_matched,
            records_scanned: output.records_scanned,
            bytes_scanned: output.bytes_scanned,
        });
        if self.queries.len() > MAX_QUERIES {
            self.queries.pop_front();
        }
        Ok(json!({ "queryId": query_id }))
    }

    pub(super) fn get_query_results(&self, request: &Request) -> ApiResult {
        let id = request.required_string("queryId")?;
        let Some(query) = self.queries.iter().find(|q| q.query_id == id) else {
            // [UNVERIFIED] text.
            return Err(ApiError::new("ResourceNotFoundException", format!("Query {id} does not exist. The playground keeps the last {MAX_QUERIES} queries.")));
        };
        let results: Vec<Value> =
            query.rows.iter().map(|row| Value::Array(row.iter().map(|(f, v)| json!({ "field": f, "value": v })).collect())).collect();
        Ok(json!({
            "queryLanguage": "CWLI",
            "results": results,
            "statistics": {
                "recordsMatched": query.records_matched as f64,
                "recordsScanned": query.records_scanned as f64,
                "bytesScanned": query.bytes_scanned as f64,
                "logGroupsScanned": query.log_group_names.len() as f64,
            },
            "status": "Complete",
        }))
    }
}
