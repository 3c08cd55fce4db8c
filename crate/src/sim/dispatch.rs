//! The dispatcher: every call goes through `Sim::apply_call`, which records it in the trace and the log,
//! finds its row in the call table (`api::calls`), and hands it to the model the row names, building only
//! the context that model needs. The engine's own calls are routed here too, by name, each input parsed into
//! its typed request (`sim/requests.rs`) on the way: this is the one place the engine reads a call's JSON.

use serde_json::Value;

use crate::api::calls::{self, Handler};
use crate::api::{texts, ApiError, ApiResult, Dialect, Request};

use super::engine::{Ev, Sim};
use super::loadbalancing::ELB_STEP_MS;
use super::pagination::paginate;
use super::record::{JournalEntry, LogEntry, LogKind, RecordedCall, MAX_RECORDED_CALLS};
use super::requests::{
    cluster_member, AttributesRequest, CreateClusterRequest, CreateServiceRequest, DeregisterContainerInstanceRequest, DescribeClustersRequest, DisruptConnectivityRequest,
    DrainRequest, FargateSpotCapacityRequest, FileRequest, InstanceFaultRequest, FisTarget, ImageBehaviorRequest, InterruptSpotTasksRequest, RunInstancesRequest, QueueRequest, RunTaskRequest, SetLoadRequest, SpotInterruptionsRequest,
    SetTimingsRequest, StopTaskRequest, TargetBehaviorRequest, TaskCallRequest, TaskDefinitionRequest, UpdateClusterSettingsRequest, UpdateContainerInstancesStateRequest,
    UpdateServiceRequest,
};

/// The answer to a call the table does not list.
fn unknown_call(call: &str) -> ApiError {
    ApiError::new(
        "UnknownOperationException",
        format!("The playground does not know the call '{call}'. Calls are written service:Operation, for example ecs:RunTask."),
    )
}

impl Sim {
    /// Applies an AWS API call (`ecs:RunTask`, ...) at the current time, records it for replay, and
    /// logs it. The answer uses the real output shape; a refusal carries AWS's error code and text.
    /// Once the run holds [`MAX_RECORDED_CALLS`] calls, a call is refused before anything happens: it is
    /// neither recorded, applied, hashed nor logged.
    pub fn call(&mut self, call: &str, input: Value) -> ApiResult {
        if self.recorded_calls.len() >= MAX_RECORDED_CALLS {
            return Err(ApiError::new(
                "RecordedCallLimitExceeded",
                format!("This run already holds {MAX_RECORDED_CALLS} calls, the most a run records for replay and share links; {call} was not applied. Start a new run to make more calls."),
            ));
        }
        self.recorded_calls.push(RecordedCall { time: self.now, n_events: self.n_events, call: call.to_string(), input: input.clone() });
        let answer = self.apply_call(call, input);
        self.emit_ecs_events();
        answer
    }

    /// Applies `call` at the current time: folds it into the trace, logs it, and answers it in AWS's output
    /// shape or with AWS's error (logged too). The one entry point of scenario steps and user calls.
    pub(super) fn apply_call(&mut self, call: &str, input: Value) -> ApiResult {
        self.n_calls_applied += 1;
        self.trace.write_str(call);
        self.trace.write_str(&input.to_string());
        self.trace.end_record();
        self.push_log(LogEntry { time: self.now, kind: LogKind::Call, subject: call.to_string(), message: String::new(), input: Some(input.clone()) });
        let Some(row) = calls::find(call) else {
            let error = if input.is_object() { unknown_call(call) } else { not_an_object(Dialect::Ecs) };
            return self.error(call, error);
        };
        if !input.is_object() {
            return self.error(call, not_an_object(Dialect::of(row.service)));
        }
        if let Some(member) = crate::api::unmodelled::unmodelled_member(call, &input) {
            return self.error(call, ApiError::new(crate::api::unmodelled::refusal_code(call), texts::not_modelled(call, member)));
        }
        let answer = match row.handler {
            Handler::Engine => self.engine_call(call, &Request::new(&input, Dialect::of(row.service))),
            Handler::Iam => {
                let now_iso = self.iso_time(self.now);
                self.iam.handle(call, &input, &now_iso).unwrap_or_else(|| Err(unknown_call(call)))
            }
            Handler::Efs => {
                let context = self.efs_context();
                self.efs.handle(call, &input, &context).unwrap_or_else(|| Err(unknown_call(call)))
            }
            Handler::Elb => {
                let context = self.elb_context();
                let answer = self.elb.handle(call, &input, &context).unwrap_or_else(|| Err(unknown_call(call)));
                if answer.is_ok() && self.elb_window_start.is_none() && !self.elb.load_balancers.is_empty() {
                    // Health checks and traffic run in fixed steps once a load balancer exists.
                    self.elb_window_start = Some(self.now);
                    self.schedule(self.now.plus_ms(ELB_STEP_MS), Ev::ElbStep);
                }
                answer
            }
            Handler::S3 => {
                let context = self.s3_context();
                let answer = self.s3.handle(call, &input, &context, &self.iam).unwrap_or_else(|| Err(unknown_call(call)));
                self.deliver_s3_events();
                answer
            }
            Handler::States => {
                let context = self.states_context();
                let iam = &self.iam;
                let answer = self.states.handle(call, &input, &context, &|role| iam.find_role(role).is_some()).unwrap_or_else(|| Err(unknown_call(call)));
                if row.access == calls::Access::Write {
                    self.run_executions();
                }
                answer
            }
            Handler::Rds => {
                let context = self.rds_context();
                let now_iso = context.now_iso.clone();
                let iam = &mut self.iam;
                let mut secret = |request: crate::rds::SecretRequest| {
                    let answer = iam.handle("secretsmanager:CreateSecret", &serde_json::json!({ "Name": request.name, "SecretString": request.secret_text }), &now_iso).unwrap_or_else(|| Err(unknown_call(call)))?;
                    Ok(answer["ARN"].as_str().unwrap_or_default().to_string())
                };
                self.rds.handle(call, &input, &context, &mut secret).unwrap_or_else(|| Err(unknown_call(call)))
            }
            Handler::Events => {
                let context = self.events_context();
                self.events.handle(call, &input, &context).unwrap_or_else(|| Err(unknown_call(call)))
            }
            Handler::DynamoDb => {
                let context = self.dynamodb_context();
                self.dynamodb.handle(call, &input, &context).unwrap_or_else(|| Err(unknown_call(call)))
            }
            Handler::Logs => {
                let context = self.logs_context();
                self.logging.logs.handle(call, &input, &context).unwrap_or_else(|| Err(unknown_call(call)))
            }
            Handler::Vpc => {
                let context = self.vpc_context();
                let answer = self.vpc.handle(call, &input, &context).unwrap_or_else(|| Err(unknown_call(call)));
                if answer.is_ok() && row.access == calls::Access::Write {
                    self.sync_scenario_network();
                }
                answer
            }
            Handler::Scaling => {
                let context = self.scaling_context();
                let answer = self.scaling.handle(call, &input, &context).unwrap_or_else(|| Err(unknown_call(call)));
                self.apply_scaling_actions();
                self.after_alarm_changes();
                answer
            }
            Handler::Sns => {
                let context = self.sns_context();
                self.sns.handle(call, &input, &context).unwrap_or_else(|| Err(unknown_call(call)))
            }
        };
        self.flush_service_batches();
        let answer = answer.or_else(|error| self.error(call, error));
        if let (Ok(output), calls::Access::Write) = (&answer, row.access) {
            self.journal.push(JournalEntry { time: self.now, call: call.to_string(), input, output: output.clone() });
        }
        answer
    }

    /// Answers a call the call table routes to the engine (ECS, EC2 instances, FIS actions, `sim:` calls):
    /// parses its typed request, then runs its handler.
    fn engine_call(&mut self, call: &str, request: &Request) -> ApiResult {
        match call {
            // Clusters (sim/clusters.rs).
            "ecs:CreateCluster" => self.create_cluster(CreateClusterRequest::parse(request)?),
            "ecs:DeleteCluster" => self.delete_cluster(cluster_member(request)),
            "ecs:DescribeClusters" => self.describe_clusters(DescribeClustersRequest::parse(request)?),
            "ecs:UpdateClusterSettings" => self.update_cluster_settings(UpdateClusterSettingsRequest::parse(request)?),
            "ecs:ListClusters" => paginate(call, request, "clusterArns", self.list_clusters()),
            // Task definitions (sim/task_definitions.rs).
            "ecs:RegisterTaskDefinition" => self.register_task_definition(request),
            "ecs:DeregisterTaskDefinition" => self.deregister_task_definition(TaskDefinitionRequest::parse_revision(request)?),
            "ecs:DescribeTaskDefinition" => self.describe_task_definition(TaskDefinitionRequest::parse(request)?),
            "ecs:ListTaskDefinitions" => paginate(call, request, "taskDefinitionArns", self.list_task_definitions(request)),
            "ecs:ListTaskDefinitionFamilies" => paginate(call, request, "families", self.list_task_definition_families(request)),
            // Tasks (sim/tasks.rs).
            "ecs:RunTask" => self.run_task(RunTaskRequest::parse(request)?),
            "ecs:StopTask" => self.stop_task_call(StopTaskRequest::parse(request)?),
            "ecs:DescribeTasks" => self.describe_tasks(request),
            "ecs:ListTasks" => paginate(call, request, "taskArns", self.list_tasks(request)),
            // Services (sim/services.rs).
            "ecs:CreateService" => self.create_service(CreateServiceRequest::parse(request)?),
            "ecs:UpdateService" => self.update_service(UpdateServiceRequest::parse(request)?),
            "ecs:DeleteService" => self.delete_service(request),
            "ecs:DescribeServices" => self.describe_services(request),
            "ecs:ListServices" => paginate(call, request, "serviceArns", self.list_services(request)),
            // Container instances (sim/container_instances.rs).
            "ecs:ListContainerInstances" => paginate(call, request, "containerInstanceArns", self.list_container_instances(request)),
            "ecs:DescribeContainerInstances" => self.describe_container_instances(request),
            "ecs:UpdateContainerInstancesState" => self.update_container_instances_state(UpdateContainerInstancesStateRequest::parse(request)?),
            "ecs:DeregisterContainerInstance" => self.deregister_container_instance(DeregisterContainerInstanceRequest::parse(request)?),
            "ecs:PutAttributes" => self.put_attributes(AttributesRequest::parse(request, true)?, true),
            "ecs:DeleteAttributes" => self.put_attributes(AttributesRequest::parse(request, false)?, false),
            "ecs:ListAttributes" => paginate(call, request, "attributes", self.list_attributes(request)),
            // EC2 instances (sim/instances.rs).
            "ec2:RunInstances" => self.run_instances(&RunInstancesRequest::parse(request)?),
            "ec2:TerminateInstances" => self.terminate_instances(&request.strings("InstanceIds")),
            "ec2:DescribeInstances" => self.describe_instances(),
            // Faults (sim/faults.rs).
            "fis:aws:ec2:send-spot-instance-interruptions" => self.fis_send_spot_interruptions(SpotInterruptionsRequest::parse(request)?),
            "fis:aws:ec2:terminate-instances" => self.fis_terminate_instances(FisTarget::parse(request, "Instances")?),
            "fis:aws:ecs:stop-task" => self.fis_stop_task(FisTarget::parse(request, "Tasks")?),
            "fis:aws:ecs:drain-container-instances" => self.fis_drain(DrainRequest::parse(request)?),
            "fis:aws:network:disrupt-connectivity" => self.fis_disrupt_connectivity(DisruptConnectivityRequest::parse(request)?),
            "fis:aws:rds:reboot-db-instances" => self.fis_reboot_db_instances(super::request_workload::RebootDbInstancesRequest::parse(request)?),
            // The playground's own calls (sim/sim_calls.rs).
            "sim:SetImageBehavior" => self.set_image_behavior(ImageBehaviorRequest::parse(request)?),
            "sim:SetTimings" => self.set_timings(SetTimingsRequest::parse(request)?),
            "sim:TaskCall" => self.task_call(TaskCallRequest::parse(request)?),
            "sim:TaskOperation" => self.task_operation(super::workload::TaskOperationRequest::parse(request)?),
            "sim:SetLoad" => self.set_load(SetLoadRequest::parse(request)?),
            "sim:SetQueue" => self.set_queue(QueueRequest::parse(request)?),
            "sim:SetWorkload" => self.set_workload(super::request_workload::SetWorkloadRequest::parse(request)?),
            "sim:SetTargetBehavior" => self.set_target_behavior(TargetBehaviorRequest::parse(request)?),
            "sim:InterruptSpotTasks" => self.interrupt_spot_tasks(InterruptSpotTasksRequest::parse(request)?),
            "sim:SetInstanceFault" => self.set_instance_fault(InstanceFaultRequest::parse(request)?),
            "sim:SetFargateSpotCapacity" => self.set_fargate_spot_capacity(FargateSpotCapacityRequest::parse(request)?),
            "sim:DescribeCost" => self.describe_cost(),
            "sim:GetAgentLog" => self.get_agent_log(request),
            "sim:ConfirmSubscription" => self.confirm_subscription_link(request),
            "sim:WriteFile" => self.file_call(FileRequest::parse(request)?, true),
            "sim:ReadFile" => self.file_call(FileRequest::parse(request)?, false),
            _ => Err(unknown_call(call)),
        }
    }
}

/// The refusal of an input that is not a JSON object, in the service's dialect.
fn not_an_object(dialect: Dialect) -> ApiError {
    ApiError::new(dialect.validation_code(), "The request input must be a JSON object.")
}

