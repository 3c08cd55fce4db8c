//! Paths inside the VPC as the engine uses them (`vpc/paths.rs` explains them): a load balancer's health
//! checks and traffic to each target (a target its load balancer cannot reach times out: `Target.Timeout`
//! on an Application Load Balancer), a task's NFS connection to its EFS mount target on TCP 2049, and a
//! task's connection to a database. Only a VPC whose routing is modelled decides anything: in any other,
//! every path is assumed, so a scenario that does not describe its routing runs as before.

use crate::vpc::{Interface, PeerPath};

use super::engine::Sim;
use super::model::{TaskKey, TaskStatus};

/// The most paths [`Sim::network_paths`] lists; the rest are counted.
pub const MAX_VIEW_PATHS: usize = 24;

impl Sim {
    /// The task's network interface (awsvpc) or its instance's, as a path's end.
    fn task_interface(&self, key: TaskKey) -> Option<Interface> {
        let source = self.task_source(key)?;
        Some(Interface { name: source.name, subnet_id: source.subnet_id, security_groups: source.security_groups })
    }

    /// The load balancers that forward to a target group (by listener default actions and rules).
    fn load_balancers_of(&self, tg_arn: &str) -> Vec<String> {
        let forwards = |actions: &[crate::elb::Action]| actions.iter().any(|a| a.target_groups().any(|g| g == tg_arn));
        let mut out: Vec<String> = Vec::new();
        for listener in self.elb.listeners.values() {
            let by_rule = self.elb.rules.values().any(|r| r.listener_arn == listener.arn && forwards(&r.actions));
            if (forwards(&listener.default_actions) || by_rule) && !out.contains(&listener.lb_arn) {
                out.push(listener.lb_arn.clone());
            }
        }
        out
    }

    /// The path of a load balancer's health checks and requests to a task's target port, for the first load
    /// balancer that forwards to the group. The load balancer sends from its subnet in the target's
    /// Availability Zone (its first subnet when it has none there).
    pub fn lb_target_path(&self, tg_arn: &str, key: TaskKey, port: u16) -> Option<PeerPath> {
        let target = self.task_interface(key)?;
        let az = self.tasks.get(&key).map(|t| t.availability_zone.clone()).unwrap_or_default();
        let lb_arn = self.load_balancers_of(tg_arn).into_iter().next()?;
        let lb = self.elb.load_balancers.get(&lb_arn)?;
        let subnet_id = lb.subnets.iter().find(|(_, a)| a == &az).or(lb.subnets.first()).map(|(s, _)| s.clone())?;
        let from = Interface { name: format!("load balancer {}", lb.name), subnet_id, security_groups: lb.security_groups.clone() };
        Some(self.vpc.reach_peer(&from, &target, port))
    }

    /// Marks every registered target of a task whose load balancer cannot reach it (re-read after each VPC
    /// change, so a rule added later lets the health checks through).
    pub(super) fn refresh_target_paths(&mut self) {
        let mut marks: Vec<(String, String, u16, bool)> = Vec::new();
        for (tg_arn, group) in self.elb.target_groups.iter() {
            for target in &group.targets {
                let Some(key) = self.tasks.key_by_id(&target.owner) else { continue };
                let blocked = self.lb_target_path(tg_arn, key, target.port).is_some_and(|p| !p.complete());
                if blocked != target.path_blocked {
                    marks.push((tg_arn.clone(), target.id.clone(), target.port, blocked));
                }
            }
        }
        for (tg_arn, id, port, blocked) in marks {
            self.elb.set_target_path_blocked(&tg_arn, &id, port, blocked);
        }
    }

    /// The path of a task's NFS connection (TCP 2049) to the file system's available mount target in the
    /// task's Availability Zone; `None` when there is no such mount target (the mount fails on DNS first).
    pub fn efs_mount_path(&self, key: TaskKey, file_system_id: &str) -> Option<PeerPath> {
        let from = self.task_interface(key)?;
        let az = &self.tasks.get(&key)?.availability_zone;
        let fs_id = file_system_id.rsplit('/').next().unwrap_or(file_system_id);
        let mt = self.efs.mount_targets.values().find(|m| m.file_system_id == fs_id && &m.availability_zone == az && m.state == crate::efs::LifeCycle::Available)?;
        let to = Interface { name: format!("mount target {}", mt.mount_target_id), subnet_id: mt.subnet_id.clone(), security_groups: mt.security_groups.clone() };
        Some(self.vpc.reach_peer(&from, &to, crate::efs::NFS_PORT))
    }

    /// The path of a task's connection to an RDS DB instance on its port (to its subnet in the instance's
    /// Availability Zone).
    pub fn database_path(&self, key: TaskKey, db_identifier: &str) -> Option<PeerPath> {
        let from = self.task_interface(key)?;
        let db = self.rds.instances.get(db_identifier)?;
        let group = self.rds.subnet_groups.get(&db.subnet_group)?;
        let subnet_id = group.subnets.iter().find(|(_, az)| az == &db.availability_zone).or(group.subnets.first()).map(|(s, _)| s.clone())?;
        let to = Interface { name: format!("database {}", db.identifier), subnet_id, security_groups: db.security_groups.clone() };
        Some(self.vpc.reach_peer(&from, &to, db.port))
    }

    /// The paths the Network tab explains: each load balancer target, each RUNNING task's EFS mounts and
    /// databases (from the first RUNNING task of each service), at most [`MAX_VIEW_PATHS`]; the count left out.
    pub fn network_paths(&self) -> (Vec<PeerPath>, u64) {
        if !self.vpc.vpcs.values().any(|v| v.routing_modelled) {
            return (Vec::new(), 0);
        }
        let mut paths = Vec::new();
        let mut n_total = 0u64;
        let mut push = |p: PeerPath| {
            n_total += 1;
            if paths.len() < MAX_VIEW_PATHS {
                paths.push(p);
            }
        };
        for (tg_arn, group) in self.elb.target_groups.iter() {
            for target in &group.targets {
                if let Some(path) = self.tasks.key_by_id(&target.owner).and_then(|k| self.lb_target_path(tg_arn, k, target.port)) {
                    push(path);
                }
            }
        }
        let mut services_seen = Vec::new();
        for key in self.tasks.live_keys() {
            let Some(task) = self.tasks.get(&key).filter(|t| t.last_status == TaskStatus::Running) else { continue };
            for (_, mount) in &task.efs_mounts {
                if let Some(path) = self.efs_mount_path(key, &mount.file_system_id) {
                    push(path);
                }
            }
            if task.service.is_some_and(|s| services_seen.contains(&s)) {
                continue;
            }
            services_seen.extend(task.service);
            for db in self.rds.instances.keys() {
                if let Some(path) = self.database_path(key, db) {
                    push(path);
                }
            }
        }
        let n_left_out = n_total - paths.len() as u64;
        (paths, n_left_out)
    }
}

/// A consumer's interface endpoint to a VPC endpoint service, and the path through it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivateLinkView {
    pub vpc_endpoint_id: String,
    pub consumer_vpc_id: String,
    pub consumer_subnet_ids: Vec<String>,
    /// `pendingAcceptance` or `available`.
    pub state: &'static str,
    pub service_id: String,
    pub service_name: String,
    pub acceptance_required: bool,
    /// The provider's Network Load Balancer, its VPC and listener port.
    pub load_balancer_name: String,
    pub provider_vpc_id: String,
    pub listener_port: u16,
    /// Requests the load balancer has served, all of them the consumers' (the model's only clients of an
    /// internal Network Load Balancer behind an endpoint service).
    pub n_requests: u64,
    /// The path of a client in the endpoint's first subnet.
    pub path: PeerPath,
}

impl Sim {
    /// The provider side of an endpoint service: its first Network Load Balancer, that load balancer's first
    /// listener, and the path to the first target of the group it forwards to.
    fn provider_side(&self, service: &crate::vpc::EndpointService) -> Option<(crate::vpc::ProviderSide, String, String, u64)> {
        let lb = self.elb.load_balancers.get(service.network_load_balancer_arns.first()?)?;
        let listener = self.elb.listeners.values().find(|l| l.lb_arn == lb.arn)?;
        let tg_arn = listener.default_actions.iter().flat_map(|a| a.target_groups()).next().map(str::to_string);
        let to_target = tg_arn.as_ref().and_then(|tg| {
            let group = self.elb.target_groups.get(tg)?;
            group.targets.iter().find_map(|t| self.tasks.key_by_id(&t.owner).and_then(|k| self.lb_target_path(tg, k, t.port)))
        });
        let n_requests = self.elb.traffic.get(&lb.arn).map_or(0, |t| t.totals.requests);
        Some((crate::vpc::ProviderSide { load_balancer: format!("load balancer {}", lb.name), listener_port: listener.port, to_target }, lb.name.clone(), lb.vpc_id.clone(), n_requests))
    }

    /// Every interface endpoint to a VPC endpoint service, with its consumer's path, at most [`MAX_VIEW_PATHS`].
    pub fn privatelink_view(&self) -> Vec<PrivateLinkView> {
        let mut out = Vec::new();
        for endpoint in self.vpc.endpoints.values().filter(|e| e.endpoint_service_id.is_some()).take(MAX_VIEW_PATHS) {
            let Some(service) = endpoint.endpoint_service_id.as_ref().and_then(|s| self.vpc.endpoint_services.get(s)) else { continue };
            let Some((provider, load_balancer_name, provider_vpc_id, n_requests)) = self.provider_side(service) else { continue };
            let subnet_id = endpoint.subnet_ids.first().cloned().unwrap_or_default();
            let client = Interface { name: format!("a client in {subnet_id}"), subnet_id, security_groups: Vec::new() };
            out.push(PrivateLinkView {
                vpc_endpoint_id: endpoint.vpc_endpoint_id.clone(),
                consumer_vpc_id: endpoint.vpc_id.clone(),
                consumer_subnet_ids: endpoint.subnet_ids.clone(),
                state: endpoint.state.as_aws(),
                service_id: service.service_id.clone(),
                service_name: service.service_name.clone(),
                acceptance_required: service.acceptance_required,
                load_balancer_name,
                provider_vpc_id,
                listener_port: provider.listener_port,
                n_requests,
                path: self.vpc.reach_through_endpoint(&client, &endpoint.vpc_endpoint_id, &provider),
            });
        }
        out
    }

    /// The network's cost lines, with the bytes of the requests consumers sent through available PrivateLink
    /// endpoints ([`crate::vpc::REQUEST_BYTES`] each; with several endpoints to one service, each is counted
    /// its share).
    pub fn network_cost_lines(&self) -> Vec<crate::vpc::NetworkCostLine> {
        let mut served: Vec<(String, u64)> = Vec::new();
        for service in self.vpc.endpoint_services.values() {
            let available: Vec<&String> = self.vpc.endpoints.values().filter(|e| e.endpoint_service_id.as_ref() == Some(&service.service_id) && e.state == crate::vpc::EndpointState::Available).map(|e| &e.vpc_endpoint_id).collect();
            let Some((_, _, _, n_requests)) = self.provider_side(service) else { continue };
            if available.is_empty() {
                continue;
            }
            let share = n_requests / available.len() as u64;
            served.extend(available.into_iter().map(|id| (id.clone(), share * crate::vpc::REQUEST_BYTES)));
        }
        self.vpc.network_cost_with(self.now.0, &served)
    }
}
