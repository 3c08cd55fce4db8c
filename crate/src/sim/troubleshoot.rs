//! The guided troubleshooter of a stopped task: the checks of AWS's AWSSupport-TroubleshootECSTaskFailedToStart
//! runbook (registry connectivity, execution role permissions, VPC endpoints, security groups, secrets,
//! logging) run against the simulation as it stands, each with its verdict and evidence, down to the root
//! cause and the fix, offered as the AWS call that makes it. A task that ran and stopped gets the console's
//! stopped-task guidance instead (its exit codes, its health checks).

use serde_json::json;

use crate::vpc::{Destination, PathKind};

use super::container_health::{check_fails, unhealthy_after_ms};
use super::stopping::{oom_killed, OOM_REASON};
use super::engine::Sim;
use super::model::{ImageBehavior, TaskKey};
use super::network::StartNeed;
pub use super::troubleshoot_model::{Check, FixCall, ServiceTroubleshooting, TaskTroubleshooting, TroubleshootCache, Verdict, MAX_VIEW_TROUBLESHOOTING};
use super::troubleshoot_model::CacheKey;

/// What an exit code means (observability-troubleshooting.md §4.5).
pub fn exit_code_meaning(code: i64) -> &'static str {
    match code {
        0 => "the process exited normally",
        1 => "an application error",
        137 => "SIGKILL (128+9): the OOM killer when the reason is OutOfMemoryError, or a process that ignored SIGTERM and was killed after stopTimeout",
        139 => "SIGSEGV (128+11): a segmentation fault",
        143 => "SIGTERM (128+15): the process stopped on the stop signal, the normal graceful shutdown",
        _ => "an exit code the application chose",
    }
}

impl Sim {
    /// The troubleshooter's report on a task, as the simulation stands now; `None` for a task not STOPPED.
    pub fn troubleshoot_task(&self, key: TaskKey) -> Option<TaskTroubleshooting> {
        let task = self.tasks.get(&key).filter(|t| t.stopped_at.is_some())?;
        let stop_code = task.stop_code.clone().unwrap_or_default();
        let stopped_reason = task.stopped_reason.clone().unwrap_or_default();
        let service_name = task.service.and_then(|s| self.services.get(&s)).map(|s| s.name.clone());
        let mut report = TaskTroubleshooting { task_id: task.id.clone(), cluster: task.cluster.clone(), service_name, stop_code: stop_code.clone(), stopped_reason, checks: Vec::new(), root_cause: String::new(), fix: None };
        if task.started_at.is_some() {
            // The task ran: the console's guidance on exit codes and health checks.
            let mut evidence = Vec::new();
            for c in &task.containers {
                match c.exit_code {
                    Some(code) => evidence.push(format!("Container {} exited with {code}: {}.{}", c.name, exit_code_meaning(code), c.reason.as_ref().map(|r| format!(" Reason: {r}")).unwrap_or_default())),
                    None => evidence.push(format!("Container {} has no exit code.", c.name)),
                }
            }
            let failed = stop_code == "EssentialContainerExited" || report.stopped_reason.contains("health checks");
            report.checks.push(Check { name: "Exit codes and health checks", verdict: if failed { Verdict::Fail } else { Verdict::Pass }, evidence });
            if task.containers.iter().any(|c| c.reason.as_deref() == Some(OOM_REASON)) {
                let (check, root_cause, fix) = self.memory_diagnosis(key);
                report.checks.push(check);
                report.root_cause = root_cause;
                report.fix = fix;
                return Some(report);
            }
            if report.stopped_reason.contains("container health checks") {
                let (check, root_cause, fix) = self.health_check_diagnosis(key);
                report.checks.push(check);
                report.root_cause = root_cause;
                report.fix = fix;
                return Some(report);
            }
            report.root_cause = match stop_code.as_str() {
                "EssentialContainerExited" => "An essential container exited, so the task stopped; read its exit code above and its logs.".into(),
                _ if report.stopped_reason.contains("ELB health checks") => "The load balancer's health checks failed: check the target group's path, port and the security groups between them.".into(),
                _ => format!("The task was stopped ({stop_code}): nothing failed."),
            };
            return Some(report);
        }
        let needs = self.task_start_needs(key);
        let is_registry = |n: &StartNeed| n.purpose.starts_with("registry auth") || n.purpose.starts_with("the image");
        let summarize = |n: &StartNeed| -> Vec<String> {
            let mut lines = vec![format!("{}: {}", n.purpose, if n.reach.complete() { path_kind_text(n.reach.kind) } else { "no path" })];
            lines.extend(n.reach.hops.iter().map(|h| format!("  {} — {}", h.component, h.detail)));
            if let Some(m) = &n.reach.missing {
                lines.push(format!("  Missing hop: {} — {}", m.component, m.detail));
            }
            lines
        };
        let check = |name: &'static str, chosen: Vec<&StartNeed>| -> Check {
            if chosen.is_empty() {
                return Check { name, verdict: Verdict::NotApplicable, evidence: vec![] };
            }
            let verdict = if chosen.iter().all(|n| n.reach.complete()) { Verdict::Pass } else { Verdict::Fail };
            Check { name, verdict, evidence: chosen.iter().flat_map(|n| summarize(n)).collect() }
        };
        report.checks.push(check("Network connectivity to the configured container registry", needs.iter().filter(|n| is_registry(n)).collect()));
        let iam_problems = self.execution_role_problems(key);
        report.checks.push(Check {
            name: "Missing IAM permissions required by the task execution role",
            verdict: if iam_problems.is_empty() { Verdict::Pass } else { Verdict::Fail },
            evidence: if iam_problems.is_empty() {
                vec![format!("The execution role {} allows what the task's start needs.", task.execution_role_arn.clone().unwrap_or_else(|| "(none: nothing needs one)".into()))]
            } else {
                iam_problems.iter().map(|p| p.stopped_reason.clone()).collect()
            },
        });
        let endpoint_needs: Vec<&StartNeed> = needs
            .iter()
            .filter(|n| matches!(n.reach.kind, PathKind::InterfaceEndpoint | PathKind::GatewayEndpoint) || n.reach.missing.as_ref().is_some_and(|m| m.component.starts_with("vpce-")))
            .collect();
        report.checks.push(check("VPC endpoint connectivity", endpoint_needs));
        let group_needs: Vec<&StartNeed> = needs.iter().filter(|n| n.reach.missing.as_ref().is_some_and(|m| m.component.starts_with("sg-") || m.component.starts_with("vpce-"))).collect();
        report.checks.push(if group_needs.is_empty() {
            let applicable = needs.iter().any(|n| n.reach.kind != PathKind::Assumed);
            Check {
                name: "Security group rule configuration",
                verdict: if applicable { Verdict::Pass } else { Verdict::NotApplicable },
                evidence: if applicable { vec!["The security groups on every path allow TCP 443.".into()] } else { vec![] },
            }
        } else {
            check("Security group rule configuration", group_needs)
        });
        report.checks.push(check("AWS Secrets Manager secrets references", needs.iter().filter(|n| n.purpose.starts_with("secret ")).collect()));
        let mut logging = check("Logging configuration", needs.iter().filter(|n| n.purpose.contains("awslogs")).collect());
        // The log groups the awslogs driver needs: each must exist in its Region, or be created by the driver.
        let missing_group = self.missing_log_group(key);
        for config in self.awslogs_of(key) {
            let exists = config.region == self.scenario.region && self.logging.logs.groups.contains_key(config.group.as_str());
            logging.evidence.push(format!(
                "Container {}: awslogs-group {} in {}: {}.",
                config.container_name,
                config.group,
                config.region,
                if exists { "exists" } else if config.create_group { "does not exist; awslogs-create-group is true, so the driver creates it" } else { "does not exist, and awslogs-create-group is not set" }
            ));
            if logging.verdict == Verdict::NotApplicable {
                logging.verdict = Verdict::Pass;
            }
        }
        if missing_group.is_some() {
            logging.verdict = Verdict::Fail;
        }
        report.checks.push(logging);
        let addresses = task.subnet_id.as_deref().filter(|_| task.network_mode_awsvpc).and_then(|s| self.subnet_address_use(s, Some(key)));
        let out_of_addresses = addresses.as_ref().is_some_and(|a| a.free() == 0) && report.stopped_reason.contains("InsufficientFreeAddressesInSubnet");
        if let Some(usage) = &addresses {
            // Not a runbook check: the failed-to-start page's subnet-capacity cause (§4.6).
            report.checks.push(Check {
                name: "Free IP addresses in the task's subnet",
                verdict: if usage.free() == 0 { Verdict::Fail } else { Verdict::Pass },
                evidence: vec![usage.text(), "Each awsvpc task's ENI takes one address of its subnet from PROVISIONING until it stops.".into()],
            });
        }
        // The images themselves: a registry that answers "not found", or a host whose disk is full.
        let pull_errors: Vec<(String, String)> = task
            .containers
            .iter()
            .filter_map(|c| match self.images.get(&c.image) {
                Some(ImageBehavior::PullError { message }) => Some((c.image.clone(), message.clone())),
                _ => None,
            })
            .collect();
        let images: Vec<String> = task.containers.iter().map(|c| c.image.clone()).collect();
        report.checks.push(Check {
            name: "The container images exist and can be pulled",
            verdict: if pull_errors.is_empty() { Verdict::Pass } else { Verdict::Fail },
            evidence: images
                .iter()
                .map(|image| match pull_errors.iter().find(|(i, _)| i == image) {
                    Some((_, message)) => format!("{image}: {message}"),
                    None => format!("{image}: the registry has it."),
                })
                .collect(),
        });
        let first_broken = needs.iter().find(|n| !n.reach.complete());
        let pull_failed = report.stopped_reason.starts_with("CannotPullContainerError") && !pull_errors.is_empty();
        if let (true, Some(usage)) = (out_of_addresses, &addresses) {
            report.root_cause = format!(
                "Subnet {} has no free IPv4 address: its {} usable addresses are all held by ENIs, so the task's ENI could not be created and the task stopped in PROVISIONING.",
                usage.subnet_id, usage.usable
            );
            report.fix = self.address_fix(key, &usage.subnet_id);
        } else if let Some(need) = first_broken {
            let missing = need.reach.missing.clone().expect("broken");
            report.root_cause = format!("No network path for {}: {}", need.purpose, missing.detail);
            report.fix = self.network_fix(key, need);
        } else if let Some(problem) = iam_problems.first() {
            let role = task.execution_role_arn.as_deref().map_or("(none)", |arn| arn.rsplit('/').next().unwrap_or(arn));
            report.root_cause = match denied_action(&problem.stopped_reason) {
                Some(action) => format!("The task execution role {role} does not allow {action}, which the task's start needs."),
                None => format!("The task execution role {role} does not allow the start (the stoppedReason above)."),
            };
            report.fix = task.execution_role_arn.as_ref().map(|arn| {
                let role = arn.rsplit('/').next().unwrap_or(arn).to_string();
                FixCall {
                    call: "iam:AttachRolePolicy".into(),
                    input: json!({ "RoleName": role, "PolicyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" }),
                    summary: format!("Attach AmazonECSTaskExecutionRolePolicy to {role}."),
                }
            });
        } else if pull_failed {
            let (image, message) = &pull_errors[0];
            if message.contains("no space left on device") {
                report.root_cause = format!("The instance's Docker disk is full: the pull of {image} could not write its layers. Free space on the instance (unused images and stopped containers, kept for ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION, 3 h by default) or give it a larger volume.");
            } else {
                report.root_cause = format!("The image {image} does not exist in its registry: the repository or the tag is wrong, so every pull fails the same way.");
                report.fix = self.image_fix(key, image);
            }
        } else if let Some(group) = missing_group {
            report.root_cause = format!("The log group {group} of the task's awslogs configuration does not exist, and awslogs-create-group is not set: the driver cannot start, so the task stops before its containers run.");
            report.fix = Some(FixCall {
                call: "logs:CreateLogGroup".into(),
                input: json!({ "logGroupName": group }),
                summary: format!("Create the log group {group} (or set awslogs-create-group to true and allow logs:CreateLogGroup in the execution role)."),
            });
        } else {
            report.root_cause = "Every check passes now: the cause was fixed since the task stopped, or lies outside these checks (the stoppedReason above).".into();
        }
        Some(report)
    }

    /// The memory of a task whose container the kernel killed: each container's limits and what it grew to,
    /// the root cause, and the fix (a revision with memory above the growth, or, once that revision exists,
    /// the service moved to it).
    fn memory_diagnosis(&self, key: TaskKey) -> (Check, String, Option<FixCall>) {
        let name = "Memory limits";
        let task = &self.tasks[&key];
        let Some(rev) = self.revision(&task.family, task.revision) else {
            return (Check { name, verdict: Verdict::NotApplicable, evidence: vec![] }, "The task definition is gone.".into(), None);
        };
        let task_memory = rev.spec.memory_mib;
        let mut evidence = vec![format!("Task memory: {}.", task_memory.map_or("not set".to_string(), |m| format!("{m} MiB (the hard limit of every container without its own)")))];
        let mut outgrown: Option<(usize, u32)> = None;
        for (idx, (c, def)) in task.containers.iter().zip(&rev.spec.containers).enumerate() {
            let growth = match self.images.get(&c.image) {
                Some(ImageBehavior::MemoryGrowth { usage_mib, .. }) => Some(*usage_mib),
                _ => None,
            };
            evidence.push(format!(
                "Container {}: memory (hard limit) {}, memoryReservation (soft limit, reserves only) {}{}{}.",
                c.name,
                def.memory_mib.map_or("not set".to_string(), |m| format!("{m} MiB")),
                def.memory_reservation_mib.map_or("not set".to_string(), |m| format!("{m} MiB")),
                growth.map(|g| format!("; the application grows to {g} MiB")).unwrap_or_default(),
                c.reason.as_deref().map(|r| format!("; reason {r}, exit code {}", c.exit_code.unwrap_or_default())).unwrap_or_default(),
            ));
            if let Some(usage) = growth.filter(|u| oom_killed(*u, def.memory_mib, task_memory.unwrap_or(0))) {
                outgrown.get_or_insert((idx, usage));
            }
        }
        let check = Check { name, verdict: Verdict::Fail, evidence };
        let Some((idx, usage)) = outgrown else {
            return (check, "A container was killed for its memory use (OutOfMemoryError, exit 137); its limits fit what it uses now.".into(), None);
        };
        let container = rev.spec.containers[idx].name.clone();
        let limit = rev.spec.containers[idx].memory_mib.or(task_memory).unwrap_or(0);
        let cause = format!(
            "Container {container} grows to {usage} MiB, past its hard limit of {limit} MiB: the kernel kills it (OutOfMemoryError, exit 137), the essential container's exit stops the task and the service starts another, which meets the same end."
        );
        let fits = |r: &super::model::TaskDefinitionRevision| {
            r.spec.containers.iter().zip(&task.containers).all(|(def, c)| match self.images.get(&c.image) {
                Some(ImageBehavior::MemoryGrowth { usage_mib, .. }) => !oom_killed(*usage_mib, def.memory_mib, r.spec.memory_mib.unwrap_or(0)),
                _ => true,
            })
        };
        match self.deploy_newer_revision(key, &fits, &format!("whose memory holds {usage} MiB")) {
            Some(Ok(fix)) => return (check, cause, Some(fix)),
            Some(Err(deployed)) => return (check, format!("{cause} The service now runs {deployed}, whose memory holds it."), None),
            None => {}
        }
        // The new limits: a container limit above the growth (rounded up to 256 MiB), and a task memory that holds
        // it (the smallest Fargate size for the task's CPU when it runs on Fargate).
        let mut input = rev.spec.input.clone();
        let new_container_mib = (usage / 256 + 1) * 256;
        if rev.spec.containers[idx].memory_mib.is_some() {
            input["containerDefinitions"][idx]["memory"] = json!(new_container_mib);
        }
        if let Some(memory) = task_memory {
            let needed = if rev.spec.containers[idx].memory_mib.is_some() { new_container_mib } else { usage + 1 };
            let fargate = rev.spec.requires_compatibilities.contains(&crate::taskdef::Compatibility::Fargate) || task.launch_type == super::model::LaunchType::Fargate;
            let new_memory = if fargate {
                let cpu = rev.spec.cpu_units.unwrap_or(256);
                [512u32, 1024, 2048, 3072, 4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384, 20480, 24576, 28672, 30720]
                    .into_iter()
                    .find(|m| *m >= needed.max(memory) && crate::taskdef::fargate_size_exists(cpu, *m, false) && *m > memory)
            } else {
                Some(needed.max(memory))
            };
            match new_memory {
                Some(m) => input["memory"] = json!(m.to_string()),
                None => return (check, format!("{cause} No Fargate size with {} CPU units holds it: raise the task's cpu too.", rev.spec.cpu_units.unwrap_or(0)), None),
            }
        }
        let summary = format!("Register a revision of {} whose memory holds {usage} MiB (then deploy it to the service: the troubleshooter offers that call next).", task.family);
        (check, cause, Some(FixCall { call: "ecs:RegisterTaskDefinition".into(), input, summary }))
    }

    /// When a newer revision of the task's family passes `fits`: `Ok` with the UpdateService that deploys it to
    /// the task's service, or `Err` with the revision (`family:revision`) when the service runs it already.
    fn deploy_newer_revision(&self, key: TaskKey, fits: &dyn Fn(&super::model::TaskDefinitionRevision) -> bool, what: &str) -> Option<Result<FixCall, String>> {
        let task = self.tasks.get(&key)?;
        let service = task.service.and_then(|s| self.services.get(&s))?;
        let fixed = self.task_definitions.get(&task.family)?.iter().filter(|r| r.revision > task.revision && r.status == "ACTIVE").rev().find(|r| fits(r))?;
        let target = format!("{}:{}", fixed.family, fixed.revision);
        if service.task_definition_arn == fixed.arn {
            return Some(Err(target));
        }
        Some(Ok(FixCall {
            call: "ecs:UpdateService".into(),
            input: json!({ "cluster": service.cluster, "service": service.name, "taskDefinition": target }),
            summary: format!("Deploy {target}, {what}, to the service {}.", service.name),
        }))
    }

    /// The container health checks of a task ECS stopped for them: each check with what the image answers,
    /// the root cause, and the fix (a revision whose check requests the path the application serves, or,
    /// once that revision exists, the service moved to it).
    fn health_check_diagnosis(&self, key: TaskKey) -> (Check, String, Option<FixCall>) {
        let name = "Container health checks";
        let task = &self.tasks[&key];
        let Some(rev) = self.revision(&task.family, task.revision) else {
            return (Check { name, verdict: Verdict::NotApplicable, evidence: vec![] }, "The task definition is gone.".into(), None);
        };
        let mut evidence = Vec::new();
        let mut wrong_path: Option<(usize, String)> = None;
        let mut always_fails = false;
        for (idx, (c, def)) in task.containers.iter().zip(&rev.spec.containers).enumerate() {
            let Some(check) = &def.health_check else { continue };
            let behavior = self.images.get(&c.image);
            let fails = check_fails(behavior, check);
            evidence.push(format!(
                "Container {} ({}{}): healthCheck {:?}, interval {} s, timeout {} s, retries {}, startPeriod {} s: {}{}.",
                c.name,
                if c.essential { "essential" } else { "not essential" },
                format!(", healthStatus {}", c.health_status),
                check.command,
                check.interval_s,
                check.timeout_s,
                check.retries,
                check.start_period_s,
                if fails { "fails" } else { "passes" },
                if fails { format!(", UNHEALTHY {} s after the container started", unhealthy_after_ms(check) / 1000) } else { String::new() },
            ));
            match behavior {
                Some(ImageBehavior::HealthEndpoint { path }) => {
                    evidence.push(format!("  The application in {} answers its health check at {path}.", c.image));
                    if fails && c.essential && wrong_path.is_none() {
                        wrong_path = Some((idx, path.clone()));
                    }
                }
                Some(ImageBehavior::Unhealthy) if c.essential => {
                    evidence.push(format!("  The application in {} never answers a health check.", c.image));
                    always_fails = true;
                }
                _ => {}
            }
        }
        let check = Check { name, verdict: Verdict::Fail, evidence };
        let service = task.service.and_then(|s| self.services.get(&s));
        let Some((idx, path)) = wrong_path else {
            let cause = if always_fails {
                "An essential container's health check fails every time: the application never becomes healthy, so ECS stops each task and the service starts another. Fix the application (its logs say why) or its health check.".to_string()
            } else {
                "A container health check failed its retries and the service replaced the task; every check passes now.".to_string()
            };
            return (check, cause, None);
        };
        let container = rev.spec.containers[idx].name.clone();
        let cause = format!(
            "The health check of the essential container {container} requests a path the application does not serve (it answers at {path}): each check fails, after {} retries ECS marks the container UNHEALTHY, stops the task and the service replaces it.",
            rev.spec.containers[idx].health_check.as_ref().map_or(0, |h| h.retries)
        );
        // A newer revision of the family whose checks pass: the service only needs to move to it.
        let family = self.task_definitions.get(&task.family);
        let fixed_revision = family.into_iter().flatten().filter(|r| r.revision > task.revision).rev().find(|r| {
            r.spec.containers.iter().zip(&task.containers).all(|(def, c)| !(c.essential && def.health_check.as_ref().is_some_and(|h| check_fails(self.images.get(&c.image), h))))
        });
        if let (Some(fixed), Some(service)) = (fixed_revision, service) {
            if service.task_definition_arn != fixed.arn {
                let target = format!("{}:{}", fixed.family, fixed.revision);
                return (
                    check,
                    cause,
                    Some(FixCall {
                        call: "ecs:UpdateService".into(),
                        input: json!({ "cluster": service.cluster, "service": service.name, "taskDefinition": target }),
                        summary: format!("Deploy {target}, whose health check requests {path}, to the service {}.", service.name),
                    }),
                );
            }
            return (check, format!("{cause} The service now runs {}:{}, whose check passes.", fixed.family, fixed.revision), None);
        }
        let mut input = rev.spec.input.clone();
        let port = input
            .pointer(&format!("/containerDefinitions/{idx}/portMappings/0/containerPort"))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(80);
        if let Some(command) = input.pointer_mut(&format!("/containerDefinitions/{idx}/healthCheck/command")) {
            *command = json!(["CMD-SHELL", format!("curl -f http://localhost:{port}{path} || exit 1")]);
        }
        let fix = FixCall {
            call: "ecs:RegisterTaskDefinition".into(),
            input,
            summary: format!("Register a revision of {} whose health check requests {path} (then deploy it to the service: the troubleshooter offers that call next).", task.family),
        };
        (check, cause, Some(fix))
    }

    /// For a service task whose subnet is full: the service's network configuration with the subnet of the
    /// same VPC that has the most free addresses added.
    fn address_fix(&self, key: TaskKey, full_subnet: &str) -> Option<FixCall> {
        let service = self.tasks.get(&key)?.service.and_then(|s| self.services.get(&s))?;
        let vpc_id = self.vpc.subnets.get(full_subnet)?.vpc_id.clone();
        let spare = self
            .scenario
            .network
            .subnets
            .iter()
            .filter(|s| !service.subnets.contains(&s.subnet_id) && self.vpc.subnets.get(&s.subnet_id).is_some_and(|v| v.vpc_id == vpc_id))
            .filter_map(|s| self.subnet_address_use(&s.subnet_id, None))
            .filter(|u| u.free() > 0)
            .max_by_key(|u| u.free())?;
        let mut subnets = service.subnets.clone();
        subnets.push(spare.subnet_id.clone());
        let mut config = json!({ "subnets": subnets, "assignPublicIp": if service.assign_public_ip { "ENABLED" } else { "DISABLED" } });
        if !service.security_groups.is_empty() {
            config["securityGroups"] = json!(service.security_groups);
        }
        Some(FixCall {
            call: "ecs:UpdateService".into(),
            input: json!({ "cluster": service.cluster, "service": service.name, "networkConfiguration": { "awsvpcConfiguration": config } }),
            summary: format!("Add subnet {} ({}, {} free addresses) to the service {}; the new deployment places tasks there too.", spare.subnet_id, spare.cidr_block, spare.free(), service.name),
        })
    }

    /// For a task whose image does not exist: the deployment of a newer revision whose images all exist, or a
    /// revision with the image an earlier revision of the family ran for that container.
    fn image_fix(&self, key: TaskKey, missing: &str) -> Option<FixCall> {
        let task = self.tasks.get(&key)?;
        let pullable = |image: &str| !matches!(self.images.get(image), Some(ImageBehavior::PullError { .. }));
        let fits = |r: &super::model::TaskDefinitionRevision| r.spec.containers.iter().all(|c| pullable(&c.image));
        match self.deploy_newer_revision(key, &fits, "whose images exist") {
            Some(Ok(fix)) => return Some(fix),
            Some(Err(_)) => return None,
            None => {}
        }
        let rev = self.revision(&task.family, task.revision)?;
        let idx = rev.spec.containers.iter().position(|c| c.image == missing)?;
        let name = &rev.spec.containers[idx].name;
        let earlier = self.task_definitions.get(&task.family)?.iter().filter(|r| r.revision < task.revision).rev().find_map(|r| {
            r.spec.containers.iter().find(|c| &c.name == name && c.image != missing && pullable(&c.image)).map(|c| c.image.clone())
        })?;
        let mut input = rev.spec.input.clone();
        input["containerDefinitions"][idx]["image"] = json!(earlier);
        Some(FixCall {
            call: "ecs:RegisterTaskDefinition".into(),
            input,
            summary: format!("Register a revision of {} with the image {earlier}, which an earlier revision ran (then deploy it: the troubleshooter offers that call next).", task.family),
        })
    }

    /// The first awslogs group of the task that does not exist in the task's Region and that the driver
    /// does not create.
    fn missing_log_group(&self, key: TaskKey) -> Option<String> {
        self.awslogs_of(key)
            .into_iter()
            .find(|c| c.region == self.scenario.region && !c.create_group && !self.logging.logs.groups.contains_key(c.group.as_str()))
            .map(|c| c.group)
    }

    /// The call that adds the missing hop of `need`'s path, when one call does.
    fn network_fix(&self, key: TaskKey, need: &StartNeed) -> Option<FixCall> {
        let source = self.task_source(key)?;
        let missing = need.reach.missing.as_ref()?;
        let subnet = self.vpc.subnets.get(&source.subnet_id)?;
        let vpc_id = subnet.vpc_id.clone();
        if missing.component.starts_with("rtb-") && missing.detail.contains("has no route for 0.0.0.0/0") {
            // A NAT gateway already in a subnet that reaches the internet: one route is the fix.
            let nat = self.vpc.nat_gateways.values().find(|n| {
                n.vpc_id == vpc_id && self.vpc.route_table_of(&n.subnet_id).and_then(crate::vpc::VpcState::default_route).is_some_and(|r| matches!(r.target, crate::vpc::RouteTarget::InternetGateway(_)))
            });
            if let Some(nat) = nat {
                return Some(FixCall {
                    call: "ec2:CreateRoute".into(),
                    input: json!({ "RouteTableId": missing.component, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat.nat_gateway_id }),
                    summary: format!("Route 0.0.0.0/0 of {} to the NAT gateway {} (in the public subnet {}).", missing.component, nat.nat_gateway_id, nat.subnet_id),
                });
            }
            if let Destination::Service(short) = &need.reach.destination {
                let region = &self.scenario.region;
                if short == "s3" || short == "dynamodb" {
                    return Some(FixCall {
                        call: "ec2:CreateVpcEndpoint".into(),
                        input: json!({ "VpcId": vpc_id, "ServiceName": format!("com.amazonaws.{region}.{short}"), "VpcEndpointType": "Gateway", "RouteTableIds": [missing.component] }),
                        summary: format!("A gateway endpoint for {short}, with its route in {}.", missing.component),
                    });
                }
                return Some(FixCall {
                    call: "ec2:CreateVpcEndpoint".into(),
                    input: json!({ "VpcId": vpc_id, "ServiceName": format!("com.amazonaws.{region}.{short}"), "VpcEndpointType": "Interface", "SubnetIds": [source.subnet_id], "SecurityGroupIds": source.security_groups, "PrivateDnsEnabled": true }),
                    summary: format!("An interface endpoint for {short} in {} (it needs inbound TCP 443 from the task).", source.subnet_id),
                });
            }
            return None;
        }
        if missing.component.starts_with("vpce-") {
            let endpoint = self.vpc.endpoints.get(&missing.component)?;
            let group = endpoint.security_group_ids.first()?;
            let peer = source.security_groups.first()?;
            return Some(FixCall {
                call: "ec2:AuthorizeSecurityGroupIngress".into(),
                input: json!({ "GroupId": group, "IpPermissions": [{ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{ "GroupId": peer }] }] }),
                summary: format!("Allow TCP 443 into the endpoint's group {group} from the task's group {peer}."),
            });
        }
        if missing.component.starts_with("sg-") {
            let group = source.security_groups.first()?;
            return Some(FixCall {
                call: "ec2:AuthorizeSecurityGroupEgress".into(),
                input: json!({ "GroupId": group, "IpPermissions": [{ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{ "CidrIp": "0.0.0.0/0" }] }] }),
                summary: format!("Allow outbound TCP 443 from the task's group {group}."),
            });
        }
        None
    }

    /// The newest stopped tasks that failed (a start that failed, an essential container that exited, a
    /// health check), newest first, at most [`MAX_VIEW_TROUBLESHOOTING`]; and how many the view leaves out.
    pub(crate) fn troubleshooting_view(&self) -> (Vec<TaskTroubleshooting>, u64) {
        let now_ms = self.now.0;
        let n_nat_available = self.vpc.nat_gateways.values().filter(|n| n.state(now_ms) == crate::vpc::NatGatewayState::Available).count();
        let key: CacheKey = (self.n_calls_applied, self.recently_stopped.len(), self.recently_stopped.back().copied(), n_nat_available);
        if let Some((cached_key, reports, left_out)) = self.troubleshoot_cache.0.borrow().as_ref() {
            if *cached_key == key {
                return (reports.clone(), *left_out);
            }
        }
        let (reports, left_out) = self.build_troubleshooting();
        *self.troubleshoot_cache.0.borrow_mut() = Some((key, reports.clone(), left_out));
        (reports, left_out)
    }

    fn build_troubleshooting(&self) -> (Vec<TaskTroubleshooting>, u64) {
        let mut out = Vec::new();
        let mut left_out = 0u64;
        for key in self.recently_stopped.iter().rev() {
            let Some(task) = self.tasks.get(key) else { continue };
            if !task_failed(task) {
                continue;
            }
            if out.len() < MAX_VIEW_TROUBLESHOOTING {
                out.extend(self.troubleshoot_task(*key));
            } else {
                left_out += 1;
            }
        }
        (out, left_out)
    }
}

/// Whether a stopped task failed: its start failed, an essential container exited, or a health check stopped it.
pub(super) fn task_failed(task: &super::model::Task) -> bool {
    matches!(task.stop_code.as_deref(), Some("TaskFailedToStart") | Some("EssentialContainerExited")) || task.stopped_reason.as_deref().is_some_and(|r| r.contains("health checks"))
}

/// The action IAM denied, from AWS's `is not authorized to perform: <action> on resource` wording.
fn denied_action(text: &str) -> Option<&str> {
    let rest = text.split_once("is not authorized to perform: ")?.1;
    rest.split_whitespace().next()
}

fn path_kind_text(kind: PathKind) -> &'static str {
    match kind {
        PathKind::Assumed => "assumed (the scenario does not describe routing)",
        PathKind::InterfaceEndpoint => "through an interface endpoint",
        PathKind::GatewayEndpoint => "through a gateway endpoint",
        PathKind::InternetGateway => "through the internet gateway",
        PathKind::NatGateway => "through a NAT gateway",
        PathKind::NoPath => "no path",
    }
}
