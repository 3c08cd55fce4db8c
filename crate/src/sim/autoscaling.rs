//! Service Auto Scaling in the engine: Application Auto Scaling, EC2 Auto Scaling and CloudWatch alarm calls
//! go to the `scaling` model; once a minute the engine publishes each service's and each EC2 cluster's `AWS/ECS`
//! CPUUtilization and MemoryUtilization (from its workload: the scenario's `workloads` baselines plus the
//! requests its tasks served) and the Container Insights metrics (both in `sim/insights.rs`), each EC2
//! cluster's CPUReservation and MemoryReservation, and each target group's requests per target, then carries
//! out the desired counts the policies set.
//!
//! Auto Scaling groups launch and terminate EC2 instances, by their own scaling policies (simple, step and
//! target tracking on any alarm, classically the cluster's reservation) or by a capacity provider's managed
//! scaling, which gets each minute its instances and the tasks waiting in PROVISIONING for them (a scale-in
//! drains each instance first, see `sim/capacity.rs`). Capacity provider strategies, waiting tasks, Fargate
//! Spot and the Fargate launch rate live in `sim/capacity.rs`; cost is wired in `sim/cost.rs`.

use crate::scaling::{MetricKey, MinuteReport, Sample, ScalingAction, ScalingContext, ServiceStatus};
use crate::table::Table;

use super::engine::Sim;
use super::model::{ACCOUNT_ID, DeploymentStatus, SchedulingStrategy, ServiceKey, TaskStatus};
use super::record::LogKind;
use super::requests::{instance_type_named, short_name, RunInstancesRequest};

impl Sim {
    pub(super) fn scaling_context(&self) -> ScalingContext {
        let mut running_by_service: Table<ServiceKey, u32> = Table::new();
        for t in self.live_tasks().filter(|t| t.is_active() && t.last_status == TaskStatus::Running) {
            if let Some(s) = t.service {
                *running_by_service.get_or_default(s) += 1;
            }
        }
        self.scaling_context_with(&running_by_service)
    }

    /// The scaling context, given each service's RUNNING tasks whose desired status is RUNNING.
    fn scaling_context_with(&self, running_by_service: &Table<ServiceKey, u32>) -> ScalingContext {
        let mut services = Table::new();
        for s in self.services.values().filter(|s| s.status == super::model::ServiceStatus::Active) {
            let running = running_by_service.get(&s.key).copied().unwrap_or(0);
            services.insert(
                format!("service/{}/{}", s.cluster, s.name),
                ServiceStatus { desired: s.desired_count, running, deploying: s.deployments.len() > 1 },
            );
        }
        ScalingContext {
            region: self.scenario.region.clone(),
            account_id: ACCOUNT_ID.to_string(),
            start_epoch_ms: self.scenario.start_epoch_ms,
            now_ms: self.now.0,
            services,
            clusters: self.clusters.values().filter(|c| c.status == "ACTIVE").map(|c| c.name.clone()).collect(),
            subnets: self.scenario.network.subnets.iter().map(|s| (s.subnet_id.clone(), s.availability_zone.clone())).collect(),
        }
    }

    /// Once a minute: publish the minute's `AWS/ECS`, `ECS/ContainerInsights` and `AWS/ApplicationELB`
    /// datapoints, then act on the policies. `reservations` is each cluster's `[cpu registered, cpu reserved, memory registered, memory
    /// reserved, container instances]` over its ACTIVE and DRAINING container instances.
    pub(super) fn scaling_minute(&mut self, reservations: &Table<String, [u64; 5]>) {
        // One pass over the live tasks gives the samples and the running counts the scaling context needs.
        let (mut samples, running_by_service) = self.task_metric_samples(reservations);
        samples.extend(self.queue_minute());
        // Cluster reservation (reference §10.1): reserved units × 100 / registered units, EC2 only.
        for (cluster, [cpu_registered, cpu_reserved, memory_registered, memory_reserved, _]) in reservations {
            if *cpu_registered == 0 {
                continue;
            }
            for (metric, used, total) in [("CPUReservation", cpu_reserved, cpu_registered), ("MemoryReservation", memory_reserved, memory_registered)] {
                samples.push(Sample { key: MetricKey::new("AWS/ECS", metric, &[("ClusterName", cluster)]), value_milli: (*used * 100_000 / (*total).max(1)) as i64 });
            }
        }
        for group in self.elb.target_groups.values().filter(|g| !g.hidden) {
            let requests = self.elb.tg_last_point(&group.arn).map(|p| p.request_count).unwrap_or(0);
            let targets = group.targets.iter().filter(|t| t.state == crate::elb::HealthState::Healthy).count().max(1) as u64;
            let dimension = group.arn.split(':').next_back().unwrap_or("").to_string();
            samples.push(Sample {
                key: MetricKey::new("AWS/ApplicationELB", "RequestCountPerTarget", &[("TargetGroup", &dimension)]),
                value_milli: (requests * 1000 / targets) as i64,
            });
        }
        // Each Application Load Balancer's minute (dimension `LoadBalancer`, `app/<name>/<id>` as CloudWatch names
        // it): TargetResponseTime in seconds (the minute's median latency stands for the Average), and the 5XX
        // counts of the targets and of the load balancer, for alarms on a bad revision.
        for lb in self.elb.load_balancers.values().filter(|l| l.lb_type == crate::elb::LbType::Application) {
            let Some(point) = self.elb.lb_last_point(&lb.arn) else { continue };
            let dimension = lb.arn.split_once(":loadbalancer/").map(|(_, d)| d.to_string()).unwrap_or_default();
            let dims = [("LoadBalancer", dimension.as_str())];
            if point.request_count > 0 {
                samples.push(Sample { key: MetricKey::new("AWS/ApplicationELB", "TargetResponseTime", &dims), value_milli: (point.p50_ms).round() as i64 });
            }
            samples.push(Sample { key: MetricKey::new("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", &dims), value_milli: point.target_5xx as i64 * 1000 });
            samples.push(Sample { key: MetricKey::new("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", &dims), value_milli: point.elb_5xx as i64 * 1000 });
        }
        // Without scalable targets, alarms or capacity providers nothing acts on the minute: its datapoints are
        // only stored, for the CloudWatch read calls and for alarms put later.
        if self.scaling.targets.is_empty() && self.scaling.alarms.is_empty() && self.scaling.capacity_providers.is_empty() {
            self.scaling.metrics.put_minute(&samples, (self.scenario.start_epoch_ms + self.now.0) / 60_000);
            return;
        }
        let providers = self.provider_reports();
        let context = self.scaling_context_with(&running_by_service);
        let output = self.scaling.tick(&MinuteReport { samples, providers }, &context);
        for transition in output.alarm_transitions {
            self.log_entry(LogKind::Alarm, format!("alarm {}", transition.alarm), format!("Alarm {} is {}: {}", transition.alarm, transition.to.as_aws(), transition.reason));
        }
        self.apply_scaling_actions();
        self.after_alarm_changes();
        if !self.draining_for_termination.is_empty() {
            self.finish_drained_terminations();
        }
    }

    /// A RUNNING task's CPU and memory utilization over the last load balancer step, thousandths of a
    /// percent (at most 100 %): its workload's baseline (the scenario's `workloads`), plus for CPU the requests
    /// it served against what its CPU can serve (`sim:SetLoad`'s `cpuMsPerRequest`), and for memory what each
    /// request per second holds.
    /// `task` is the task's id or ARN.
    pub fn task_utilization(&self, task: &str) -> Option<(u32, u32)> {
        let task = self.tasks.values().find(|t| (t.id == task || t.arn == task) && t.last_status == TaskStatus::Running)?;
        Some(self.load_of(task))
    }

    /// Each capacity provider's registered instances (with their non-daemon tasks) and the tasks waiting in
    /// PROVISIONING for it.
    fn provider_reports(&self) -> Vec<crate::scaling::ProviderReport> {
        let mut reports = Vec::new();
        for provider in self.scaling.capacity_providers.values() {
            let mut instances = Vec::new();
            for e in self.ec2.values().filter(|e| e.tags.get("aws:autoscaling:groupName") == Some(&provider.asg_name)) {
                let Some(ci) = e.container_instance.and_then(|k| self.container_instances.get(&k)).filter(|ci| ci.status == "ACTIVE") else { continue };
                let n_tasks = self
                    .live_node_tasks(ci.key)
                    .filter(|t| t.service.and_then(|s| self.services.get(&s)).is_none_or(|s| s.scheduling_strategy != SchedulingStrategy::Daemon))
                    .count() as u32;
                instances.push((e.instance_id.clone(), n_tasks));
            }
            // The tasks waiting in PROVISIONING for this provider (reference §5.5: ECS groups the provisioning
            // tasks of each capacity provider for its estimate).
            let pending = self
                .tasks
                .waiting()
                .filter_map(|k| self.tasks.get(&k))
                .filter(|t| t.capacity_provider_name.as_deref() == Some(provider.name.as_str()))
                .filter_map(|t| t.waiting_for_capacity.as_ref())
                .map(|w| crate::scaling::TaskDemand { cpu_units: w.demand.cpu_units, memory_mib: w.demand.memory_mib, awsvpc: w.demand.needs_eni })
                .collect();
            reports.push(crate::scaling::ProviderReport { provider: provider.name.clone(), instances, pending });
        }
        reports
    }

    /// Carries out what the scaling model queued: instance launches and terminations, desired counts.
    pub(super) fn apply_scaling_actions(&mut self) {
        for action in self.scaling.take_actions() {
            match action {
                ScalingAction::LaunchInstance { asg, instance_id, instance_type, iam_instance_profile, user_data, subnet_id, spot, .. } => {
                    self.forced_instance_ids.push(instance_id.clone());
                    // What RunInstances gets from the group: one instance of its type in the chosen subnet, tagged
                    // with the group's name.
                    let launched = instance_type_named(&instance_type).and_then(|t| {
                        self.run_instances(&RunInstancesRequest {
                            instance_type: t,
                            min_count: 1,
                            max_count: 1,
                            subnet_id: Some(&subnet_id),
                            iam_instance_profile: iam_instance_profile.as_deref().map(short_name),
                            user_data: user_data.as_deref(),
                            security_group_ids: vec![],
                            tags: vec![("aws:autoscaling:groupName", &asg)],
                            spot,
                        })
                    });
                    if let Err(error) = launched {
                        self.forced_instance_ids.retain(|id| id != &instance_id);
                        self.log_entry(LogKind::Error, format!("auto scaling group {asg}"), format!("Launching {instance_id} failed: {error}"));
                    } else {
                        self.log_entry(LogKind::Scaling, format!("auto scaling group {asg}"), format!("Auto Scaling group {asg} launched {instance_id} ({instance_type})."));
                    }
                    continue;
                }
                ScalingAction::TerminateInstance { asg, instance_id, reason } => {
                    self.log_entry(LogKind::Scaling, format!("auto scaling group {asg}"), format!("Auto Scaling group {asg} terminates {instance_id}: {reason}"));
                    self.drain_then_terminate(&instance_id);
                    continue;
                }
                ScalingAction::SetDesiredCount { .. } => {}
            }
            if let ScalingAction::SetDesiredCount { cluster, service, from, to, .. } = action {
                let Some(key) = self.services.values().find(|s| s.cluster == cluster && s.name == service && s.status == super::model::ServiceStatus::Active).map(|s| s.key) else { continue };
                if let Some(s) = self.services.get_mut(&key) {
                    s.desired_count = to;
                    s.steady_state_reported = false;
                    if let Some(primary) = s.deployments.iter_mut().find(|d| d.status == DeploymentStatus::Primary) {
                        primary.desired_count = to;
                    }
                }
                self.log_entry(LogKind::Scaling, format!("service {service}"), format!("Application Auto Scaling set the desired count of {service} from {from} to {to}."));
                self.schedule_service_tick(key, self.now);
            }
        }
    }
}
