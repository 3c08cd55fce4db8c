//! The engine's wiring to the services an application calls: the contexts of S3 and DynamoDB calls, the accessors
//! the app reads them through, and their part of the view (`IntegrationsView`).

use crate::dynamodb::{DynamoDbContext, DynamoDbState};
use crate::s3::{S3Context, S3State};

use super::engine::Sim;
use super::model::ACCOUNT_ID;

impl Sim {
    pub(super) fn s3_context(&self) -> S3Context {
        S3Context { region: self.scenario.region.clone(), account_id: ACCOUNT_ID.to_string(), now_iso: self.iso_time(self.now), now_ms: self.now.0 }
    }

    pub(super) fn dynamodb_context(&self) -> DynamoDbContext {
        DynamoDbContext {
            region: self.scenario.region.clone(),
            account_id: ACCOUNT_ID.to_string(),
            now_ms: self.now.0,
            now_epoch_s: (self.scenario.start_epoch_ms + self.now.0) / 1000,
        }
    }

    /// The account's S3 buckets, for the app.
    pub fn s3(&self) -> &S3State {
        &self.s3
    }

    /// The account's DynamoDB tables, for the app.
    pub fn dynamodb(&self) -> &DynamoDbState {
        &self.dynamodb
    }
}

/// The most objects a bucket shows in the view, and items a table shows; the rest are counted.
pub const MAX_VIEW_ENTRIES: usize = 50;
/// The most characters of an object's body the view carries.
pub const MAX_VIEW_BODY_CHARS: usize = 2_000;

/// One object, as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectView {
    pub key: String,
    pub size_bytes: u64,
    pub etag: String,
    pub content_type: String,
    pub last_modified_ms: u64,
    /// The body's first [`MAX_VIEW_BODY_CHARS`] characters.
    pub body_preview: String,
}

/// One bucket with its first [`MAX_VIEW_ENTRIES`] objects in key order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketView {
    pub name: String,
    pub arn: String,
    pub objects: Vec<ObjectView>,
    pub n_objects_left_out: u64,
    /// The bucket policy as given, if any.
    pub policy: Option<String>,
    pub eventbridge_enabled: bool,
}

/// One item: its key as text (`pk=c1, sk=2`) and the item in DynamoDB JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemView {
    pub key: String,
    pub json: String,
}

/// One table with its first [`MAX_VIEW_ENTRIES`] items in key order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableView {
    pub name: String,
    pub arn: String,
    /// `CREATING` or `ACTIVE`.
    pub status: &'static str,
    /// `PAY_PER_REQUEST`, or `PROVISIONED` with its read and write capacity units.
    pub billing: String,
    pub key_schema: String,
    pub items: Vec<ItemView>,
    pub n_items_left_out: u64,
    pub n_throttled_requests: u64,
}

/// One state of an execution's state machine, in definition order, with how its latest visit stands (`not
/// entered`, `in progress`, `succeeded`, `failed`, `caught`), as the console colours the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionStateView {
    pub name: String,
    pub state_type: &'static str,
    pub progress: &'static str,
    /// The state's place in the graph (nesting, transitions) and its latest input and output.
    pub graph: crate::states::graph::GraphState,
}

/// One Step Functions execution with its newest [`MAX_VIEW_ENTRIES`] history events (type and state).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionView {
    pub arn: String,
    pub name: String,
    pub state_machine: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED` or `ABORTED`.
    pub status: &'static str,
    pub states: Vec<ExecutionStateView>,
    /// `(id, type, detail)` of the newest events, oldest first.
    pub history: Vec<(u64, String, String)>,
    pub n_history_left_out: u64,
    pub error: Option<String>,
}

/// The application services of the account, as the app shows them. Executions: the newest
/// [`MAX_VIEW_ENTRIES`], oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntegrationsView {
    pub buckets: Vec<BucketView>,
    pub tables: Vec<TableView>,
    pub executions: Vec<ExecutionView>,
    pub n_executions_left_out: u64,
}

impl Sim {
    pub(crate) fn integrations_view(&self) -> IntegrationsView {
        let buckets = self
            .s3
            .buckets
            .values()
            .map(|b| BucketView {
                name: b.name.clone(),
                arn: b.arn(),
                objects: b
                    .objects
                    .values()
                    .take(MAX_VIEW_ENTRIES)
                    .map(|o| ObjectView {
                        key: o.key.clone(),
                        size_bytes: o.size_bytes,
                        etag: o.etag.clone(),
                        content_type: o.content_type.clone(),
                        last_modified_ms: o.last_modified_ms,
                        body_preview: o.body.chars().take(MAX_VIEW_BODY_CHARS).collect(),
                    })
                    .collect(),
                n_objects_left_out: b.objects.len().saturating_sub(MAX_VIEW_ENTRIES) as u64,
                policy: b.policy.as_ref().map(|p| p.text.clone()),
                eventbridge_enabled: b.eventbridge_enabled,
            })
            .collect();
        let tables = self
            .dynamodb
            .tables
            .values()
            .map(|t| {
                let key_attrs: Vec<&str> = std::iter::once(t.hash_key.name.as_str()).chain(t.range_key.as_ref().map(|r| r.name.as_str())).collect();
                TableView {
                    name: t.name.clone(),
                    arn: t.arn.clone(),
                    status: t.status(self.now.0),
                    billing: match t.billing {
                        crate::dynamodb::BillingMode::PayPerRequest => "PAY_PER_REQUEST".to_string(),
                        crate::dynamodb::BillingMode::Provisioned { read_units, write_units } => format!("PROVISIONED ({read_units} RCU, {write_units} WCU)"),
                    },
                    key_schema: match &t.range_key {
                        Some(r) => format!("{} (HASH, {}), {} (RANGE, {})", t.hash_key.name, t.hash_key.kind.as_aws(), r.name, r.kind.as_aws()),
                        None => format!("{} (HASH, {})", t.hash_key.name, t.hash_key.kind.as_aws()),
                    },
                    items: t
                        .items
                        .values()
                        .take(MAX_VIEW_ENTRIES)
                        .map(|item| ItemView {
                            key: key_attrs
                                .iter()
                                .filter_map(|k| item.get(*k).map(|v| format!("{k}={}", crate::codec::compact_json(&v.to_json(), 60, "…"))))
                                .collect::<Vec<_>>()
                                .join(", "),
                            json: serde_json::to_string_pretty(&crate::dynamodb::value::item_to_json(item)).unwrap_or_default(),
                        })
                        .collect(),
                    n_items_left_out: t.items.len().saturating_sub(MAX_VIEW_ENTRIES) as u64,
                    n_throttled_requests: t.n_throttled_reads + t.n_throttled_writes,
                }
            })
            .collect();
        let n_executions = self.states.executions.len();
        let executions = self.states.executions[n_executions.saturating_sub(MAX_VIEW_ENTRIES)..]
            .iter()
            .map(|e| {
                let machine = self.states.machines.get(&e.machine_arn);
                let states = machine
                    .map(|m| {
                        crate::states::graph::graph(&m.definition, Some(e))
                            .into_iter()
                            .map(|g| ExecutionStateView { name: g.name.clone(), state_type: g.state_type, progress: g.progress, graph: g })
                            .collect()
                    })
                    .unwrap_or_default();
                let n_history = e.history.len();
                let history = e.history[n_history.saturating_sub(MAX_VIEW_ENTRIES)..]
                    .iter()
                    .map(|event| {
                        let id = event.get("id").and_then(serde_json::Value::as_u64).unwrap_or(0);
                        let kind = event.get("type").and_then(serde_json::Value::as_str).unwrap_or("").to_string();
                        let detail = event
                            .as_object()
                            .and_then(|o| o.iter().find(|(k, _)| k.ends_with("EventDetails")))
                            .map(|(_, d)| d.get("name").or_else(|| d.get("error")).and_then(serde_json::Value::as_str).unwrap_or("").to_string())
                            .unwrap_or_default();
                        (id, kind, detail)
                    })
                    .collect();
                ExecutionView {
                    arn: e.arn.clone(),
                    name: e.name.clone(),
                    state_machine: machine.map(|m| m.name.clone()).unwrap_or_default(),
                    status: e.status.as_aws(),
                    states,
                    history,
                    n_history_left_out: n_history.saturating_sub(MAX_VIEW_ENTRIES) as u64,
                    error: e.error.clone(),
                }
            })
            .collect();
        IntegrationsView { buckets, tables, executions, n_executions_left_out: n_executions.saturating_sub(MAX_VIEW_ENTRIES) as u64 }
    }
}

impl Sim {
    pub(super) fn events_context(&self) -> crate::events::EventsContext {
        crate::events::EventsContext { region: self.scenario.region.clone(), account_id: ACCOUNT_ID.to_string() }
    }

    /// Hands the Object Created events S3 queued to EventBridge, and carries out the invocations of the rules
    /// they match. The event's shape: Amazon S3 User Guide, "EventBridge event message structure". [UNVERIFIED]
    /// EventBridge delivers within about a second; the playground delivers at once.
    pub(super) fn deliver_s3_events(&mut self) {
        if self.s3.pending_events.is_empty() {
            return;
        }
        let queued = std::mem::take(&mut self.s3.pending_events);
        for created in queued {
            let event = serde_json::json!({
                "version": "0",
                "id": crate::iam::stable_uuid(&format!("s3-event-{}-{}-{}", created.bucket, created.key, created.time_ms)),
                "detail-type": "Object Created",
                "source": "aws.s3",
                "account": ACCOUNT_ID,
                "time": self.iso_time(crate::time::SimTime(created.time_ms)),
                "region": self.scenario.region,
                "resources": [crate::s3::bucket_arn(&created.bucket)],
                "detail": {
                    "version": "0",
                    "bucket": { "name": created.bucket },
                    "object": { "key": created.key, "size": created.size_bytes, "etag": created.etag.trim_matches('"') },
                    "requester": ACCOUNT_ID,
                    "reason": "PutObject",
                },
            });
            for invocation in self.events.route(&event) {
                self.invoke_target(invocation);
            }
        }
    }

    /// Carries out one target invocation, by the service its ARN names, and records the result on the rule. Every
    /// delivery goes through this match: a new kind of target (an SNS topic) is one more arm.
    pub(super) fn invoke_target(&mut self, invocation: crate::events::Invocation) {
        use crate::events::TargetService;
        let result = match crate::events::target_service(&invocation.target_arn) {
            TargetService::EcsCluster => self.run_task_target(&invocation),
            TargetService::LogGroup(name) => self.log_group_target(&name, &invocation),
            TargetService::SnsTopic(arn) => self.sns_topic_target(&arn, &invocation),
            TargetService::StateMachine(arn) => self.state_machine_target(&arn, &invocation),
            TargetService::Other(service) => Err((super::record::LogKind::Error, format!("the playground delivers to ECS cluster, CloudWatch Logs log group, SNS topic and Step Functions state machine targets, not {service} ({}).", invocation.target_arn))),
        };
        let rule = invocation.rule.as_str();
        let result = result.map_err(|(kind, why)| {
            self.log_entry(kind, format!("rule {rule}"), format!("EventBridge rule {rule} could not invoke target {}: {why}", invocation.target_id));
            why
        });
        self.events.record_delivery(rule, &invocation.target_id, result);
    }

    /// A log group target: the event (or the target's input) as one JSON log event. The group must exist; the
    /// console lists only groups whose name starts with `/aws/events/` and creates the group's resource policy
    /// for EventBridge (AWS Knowledge Center, "cloudwatch-log-group-eventbridge"); the API takes any group, and the
    /// playground does not model that resource policy. [UNVERIFIED] EventBridge writes each event to a log stream
    /// named by the event's id.
    fn log_group_target(&mut self, group: &str, invocation: &crate::events::Invocation) -> Result<(), (super::record::LogKind, String)> {
        if !self.logging.logs.groups.contains_key(group) {
            return Err((super::record::LogKind::Error, format!("the log group {group} does not exist.")));
        }
        let stream = invocation.input.get("id").and_then(serde_json::Value::as_str).map(str::to_string).unwrap_or_else(|| crate::iam::stable_uuid(&format!("events-{}-{}", invocation.rule, self.now.0)));
        let now_ms = self.scenario.start_epoch_ms + self.now.0;
        self.logging.logs.ensure_stream(group, &stream, now_ms);
        self.logging.logs.put_event(group, &stream, now_ms, now_ms, &invocation.input.to_string());
        Ok(())
    }

    /// An SNS topic target: the event (or the target's input) as the message, with no subject, to every confirmed
    /// subscription (EventBridge User Guide, "Amazon SNS as a target"). AWS also needs the topic's access policy to
    /// let events.amazonaws.com publish (the console adds it); the playground does not model topic policies, so a
    /// topic that exists always receives.
    fn sns_topic_target(&mut self, topic_arn: &str, invocation: &crate::events::Invocation) -> Result<(), (super::record::LogKind, String)> {
        if !self.sns.topics.contains_key(topic_arn) {
            return Err((super::record::LogKind::Error, format!("the topic {topic_arn} does not exist.")));
        }
        let now_ms = self.scenario.start_epoch_ms + self.now.0;
        self.sns.publish(topic_arn, "", &invocation.input.to_string(), None, None, now_ms);
        Ok(())
    }

    /// A Step Functions state machine target: StartExecution by the target's role, which EventBridge must be able to
    /// assume and which must allow `states:StartExecution` on the machine (EventBridge User Guide, "Step Functions
    /// state machine as a target"); the event, or the target's input, is the execution's input.
    fn state_machine_target(&mut self, machine_arn: &str, invocation: &crate::events::Invocation) -> Result<(), (super::record::LogKind, String)> {
        let role = invocation.role_arn.clone().unwrap_or_default();
        if self.iam.can_assume(&role, "events.amazonaws.com").is_err() {
            return Err((super::record::LogKind::Iam, format!("EventBridge cannot assume the role {role}: its trust policy must allow events.amazonaws.com.")));
        }
        let decision = self.iam.role_allows(&role, "states:StartExecution", machine_arn);
        if !decision.is_allowed() {
            return Err((super::record::LogKind::Iam, format!("the role {role} may not call states:StartExecution on {machine_arn}. {}", decision.explain())));
        }
        let rule = invocation.rule.clone();
        match self.apply_call("states:StartExecution", serde_json::json!({ "stateMachineArn": machine_arn, "input": invocation.input.to_string() })) {
            Ok(answer) => {
                let execution = answer.get("executionArn").and_then(serde_json::Value::as_str).unwrap_or("").to_string();
                self.log_entry(super::record::LogKind::Task, format!("rule {rule}"), format!("EventBridge rule {rule} started execution {execution}."));
                Ok(())
            }
            Err(error) => Err((super::record::LogKind::Error, error.to_string())),
        }
    }

    /// An ECS cluster target: RunTask of the target's task definition with the rule's role.
    fn run_task_target(&mut self, invocation: &crate::events::Invocation) -> Result<(), (super::record::LogKind, String)> {
        let rule = invocation.rule.clone();
        let Some(ecs) = invocation.ecs_parameters.clone() else {
            return Err((super::record::LogKind::Error, format!("the target {} has no EcsParameters.", invocation.target_id)));
        };
        let task_definition = ecs.get("TaskDefinitionArn").and_then(serde_json::Value::as_str).unwrap_or("").to_string();
        let role = invocation.role_arn.clone().unwrap_or_default();
        if self.iam.can_assume(&role, "events.amazonaws.com").is_err() {
            return Err((super::record::LogKind::Iam, format!("EventBridge cannot assume the role {role}: its trust policy must allow events.amazonaws.com.")));
        }
        let decision = self.iam.role_allows(&role, "ecs:RunTask", &task_definition);
        if !decision.is_allowed() {
            return Err((super::record::LogKind::Iam, format!("the role {role} may not call ecs:RunTask on {task_definition}. {}", decision.explain())));
        }
        let mut input = serde_json::json!({
            "cluster": invocation.target_arn,
            "taskDefinition": task_definition,
            "count": ecs.get("TaskCount").cloned().unwrap_or(serde_json::json!(1)),
            // The startedBy EventBridge sets on the tasks it runs. [UNVERIFIED] observed as `events-rule/<name>`.
            "startedBy": format!("events-rule/{rule}"),
        });
        for (from, to) in [("LaunchType", "launchType"), ("PlatformVersion", "platformVersion"), ("Group", "group")] {
            if let Some(v) = ecs.get(from) {
                input[to] = v.clone();
            }
        }
        if let Some(vpc) = ecs.get("NetworkConfiguration").and_then(|n| n.get("awsvpcConfiguration")) {
            let mut awsvpc = serde_json::json!({});
            for (from, to) in [("Subnets", "subnets"), ("SecurityGroups", "securityGroups"), ("AssignPublicIp", "assignPublicIp")] {
                if let Some(v) = vpc.get(from) {
                    awsvpc[to] = v.clone();
                }
            }
            input["networkConfiguration"] = serde_json::json!({ "awsvpcConfiguration": awsvpc });
        }
        // [UNVERIFIED] the target's input becomes RunTask's overrides when it holds `containerOverrides`.
        if invocation.input.get("containerOverrides").is_some() {
            input["overrides"] = invocation.input.clone();
        }
        match self.apply_call("ecs:RunTask", input) {
            Ok(answer) => {
                let n = answer.get("tasks").and_then(serde_json::Value::as_array).map_or(0, Vec::len);
                self.log_entry(super::record::LogKind::Task, format!("rule {rule}"), format!("EventBridge rule {rule} ran {n} task(s) of {task_definition}."));
                Ok(())
            }
            Err(error) => Err((super::record::LogKind::Error, error.to_string())),
        }
    }
}

impl Sim {
    pub(super) fn rds_context(&self) -> crate::rds::RdsContext {
        let network = &self.scenario.network;
        crate::rds::RdsContext {
            region: self.scenario.region.clone(),
            account_id: ACCOUNT_ID.to_string(),
            now_ms: self.now.0,
            now_iso: self.iso_time(self.now),
            vpc_id: network.vpc_id.clone(),
            subnets: network.subnets.iter().map(|s| (s.subnet_id.clone(), s.availability_zone.clone())).collect(),
            security_groups: network.security_groups.iter().map(|g| g.group_id.clone()).collect(),
            epoch_start_ms: self.scenario.start_epoch_ms,
        }
    }
}
