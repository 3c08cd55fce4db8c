//! `TaskStore`: every task of the account and every index of them, changed together.
//!
//! Keys are handed out in order from 0 and tasks are never removed (STOPPED ones stay for the Describe calls),
//! so a task's key is its index in a `Vec`: lookups are O(1) and iteration is in key order, as a `BTreeMap`
//! would give. The indexes let the hot scans skip the stopped tasks: the live (not STOPPED) tasks, all, per
//! service and per container instance; each task's key by id (load balancer targets name their task by id);
//! and the tasks waiting in PROVISIONING for capacity.
//!
//! Invariant: the indexes are always what a full scan of the tasks computes. The fields they follow (a task's
//! `key`, `id`, `service`, `node`, `last_status` and `waiting_for_capacity`) change only here, through
//! `insert`, `place`, `set_status`, `stop`, `start_waiting` and `end_waiting`; `get_mut` is for the others (a
//! test in `tests/it/engine_tidy.rs` holds the engine to that).

use std::collections::{BTreeMap, BTreeSet};

use crate::placement::{NodeKey, Reservation};
use crate::time::SimTime;

use super::model::{ServiceKey, Task, TaskKey, TaskStatus, WaitingPlacement};

#[derive(Clone, Debug, Default)]
pub(crate) struct TaskStore {
    tasks: Vec<Task>,
    live: BTreeSet<TaskKey>,
    live_by_service: BTreeMap<ServiceKey, BTreeSet<TaskKey>>,
    live_by_node: BTreeMap<NodeKey, BTreeSet<TaskKey>>,
    by_id: BTreeMap<String, TaskKey>,
    waiting: BTreeSet<TaskKey>,
}

impl TaskStore {
    /// The key the next task gets.
    pub(super) fn next_key(&self) -> TaskKey {
        self.tasks.len() as TaskKey
    }

    /// Adds a new task (its key must be `next_key()`) and indexes it. A task waits for capacity only through
    /// `start_waiting`.
    pub(super) fn insert(&mut self, mut task: Task) {
        debug_assert_eq!(task.key, self.next_key());
        task.waiting_for_capacity = None;
        if task.last_status != TaskStatus::Stopped {
            self.live.insert(task.key);
            if let Some(node) = task.node {
                self.live_by_node.entry(node).or_default().insert(task.key);
            }
            if let Some(service) = task.service {
                self.live_by_service.entry(service).or_default().insert(task.key);
            }
        }
        self.by_id.entry(task.id.clone()).or_insert(task.key);
        self.tasks.push(task);
    }

    /// Puts a live task on the container instance of `reservation`.
    pub(super) fn place(&mut self, key: TaskKey, reservation: Reservation) {
        let Some(task) = self.tasks.get_mut(key as usize) else { return };
        let node = reservation.node;
        if let Some(old) = task.node.filter(|old| *old != node) {
            if let Some(live) = self.live_by_node.get_mut(&old) {
                live.remove(&key);
            }
        }
        task.node = Some(node);
        task.reservation = Some(reservation);
        if task.last_status != TaskStatus::Stopped {
            self.live_by_node.entry(node).or_default().insert(key);
        }
    }

    /// Moves a live task to `status` at `now` (a new version of it); a STOPPED task stays STOPPED. STOPPED goes
    /// through [`TaskStore::stop`].
    pub(super) fn set_status(&mut self, key: TaskKey, status: TaskStatus, now: SimTime) {
        if status == TaskStatus::Stopped {
            self.stop(key, now);
            return;
        }
        if let Some(task) = self.tasks.get_mut(key as usize).filter(|t| t.last_status != TaskStatus::Stopped) {
            task.last_status = status;
            task.status_since = now;
            task.version += 1;
        }
    }

    /// A task reaches STOPPED at `now` and leaves the live indexes (and the waiting set). Returns the task for
    /// the rest of its stop, or `None` when it is unknown or was already STOPPED.
    pub(super) fn stop(&mut self, key: TaskKey, now: SimTime) -> Option<&mut Task> {
        let task = self.tasks.get_mut(key as usize)?;
        if task.last_status == TaskStatus::Stopped {
            return None;
        }
        task.last_status = TaskStatus::Stopped;
        task.status_since = now;
        task.waiting_for_capacity = None;
        self.live.remove(&key);
        self.waiting.remove(&key);
        if let Some(live) = task.service.and_then(|s| self.live_by_service.get_mut(&s)) {
            live.remove(&key);
        }
        if let Some(live) = task.node.and_then(|n| self.live_by_node.get_mut(&n)) {
            live.remove(&key);
        }
        Some(task)
    }

    /// A live task that could not be placed waits in PROVISIONING for capacity.
    pub(super) fn start_waiting(&mut self, key: TaskKey, waiting: WaitingPlacement) {
        let Some(task) = self.tasks.get_mut(key as usize).filter(|t| t.last_status != TaskStatus::Stopped) else { return };
        task.waiting_for_capacity = Some(Box::new(waiting));
        self.waiting.insert(key);
    }

    /// A task stops waiting for capacity (placed, timed out, or stopped).
    pub(super) fn end_waiting(&mut self, key: TaskKey) {
        self.waiting.remove(&key);
        if let Some(task) = self.tasks.get_mut(key as usize) {
            task.waiting_for_capacity = None;
        }
    }

    pub(super) fn get(&self, key: &TaskKey) -> Option<&Task> {
        self.tasks.get(*key as usize)
    }

    /// A task to change, except in the fields the indexes follow (see the module's invariant).
    pub(super) fn get_mut(&mut self, key: &TaskKey) -> Option<&mut Task> {
        self.tasks.get_mut(*key as usize)
    }

    /// Every task, STOPPED ones too, in key order.
    pub(crate) fn values(&self) -> std::slice::Iter<'_, Task> {
        self.tasks.iter()
    }

    pub(super) fn keys(&self) -> impl DoubleEndedIterator<Item = TaskKey> + '_ {
        self.tasks.iter().map(|t| t.key)
    }

    /// How many tasks there are, STOPPED ones too.
    pub(crate) fn len(&self) -> usize {
        self.tasks.len()
    }

    /// How many tasks are not yet STOPPED.
    pub(crate) fn n_live(&self) -> usize {
        self.live.len()
    }

    /// The keys of the tasks not yet STOPPED, in key order.
    pub(crate) fn live_keys(&self) -> impl Iterator<Item = TaskKey> + '_ {
        self.live.iter().copied()
    }

    /// The tasks not yet STOPPED, in key order.
    pub(super) fn live(&self) -> impl Iterator<Item = &Task> + '_ {
        self.live.iter().map(|k| &self.tasks[*k as usize])
    }

    /// The tasks not yet STOPPED on a container instance, in key order.
    pub(super) fn live_on_node(&self, node: NodeKey) -> impl Iterator<Item = &Task> + '_ {
        self.live_by_node.get(&node).into_iter().flatten().map(|k| &self.tasks[*k as usize])
    }

    /// A service's tasks not yet STOPPED, in key order.
    pub(super) fn live_of_service(&self, service: ServiceKey) -> impl Iterator<Item = &Task> + '_ {
        self.live_by_service.get(&service).into_iter().flatten().map(|k| &self.tasks[*k as usize])
    }

    /// The key of the task with this id (the first one, should two ever share it).
    pub(super) fn key_by_id(&self, id: &str) -> Option<TaskKey> {
        self.by_id.get(id).copied()
    }

    /// The keys of the tasks waiting for capacity, oldest first.
    pub(super) fn waiting(&self) -> impl Iterator<Item = TaskKey> + '_ {
        self.waiting.iter().copied()
    }

    pub(super) fn is_waiting(&self, key: TaskKey) -> bool {
        self.waiting.contains(&key)
    }

    pub(super) fn any_waiting(&self) -> bool {
        !self.waiting.is_empty()
    }
}

impl std::ops::Index<&TaskKey> for TaskStore {
    type Output = Task;
    fn index(&self, key: &TaskKey) -> &Task {
        &self.tasks[*key as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::TaskDemand;
    use crate::rng::Prng;
    use crate::sim::model::{DesiredStatus, HealthStatus, LaunchType};

    fn task(key: TaskKey, id: String, service: Option<ServiceKey>, node: Option<NodeKey>) -> Task {
        Task {
            key,
            arn: format!("arn:aws:ecs:us-east-1:123456789012:task/demo/{id}"),
            id,
            cluster: "demo".into(),
            task_definition_arn: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1".into(),
            family: "web".into(),
            revision: 1,
            group: "family:web".into(),
            started_by: None,
            launch_type: LaunchType::Ec2,
            capacity_provider_name: None,
            waiting_for_capacity: None,
            last_status: TaskStatus::Provisioning,
            desired_status: DesiredStatus::Running,
            status_since: SimTime::ZERO,
            node,
            reservation: None,
            availability_zone: String::new(),
            subnet_id: None,
            security_groups: vec![],
            assign_public_ip: false,
            task_role_arn: None,
            execution_role_arn: None,
            access_log: vec![],
            efs_mounts: vec![],
            private_ip: None,
            n_targets_draining: 0,
            cpu_units: 256,
            memory_mib: 512,
            created_at: SimTime::ZERO,
            pull_started_at: None,
            pull_stopped_at: None,
            started_at: None,
            stopping_at: None,
            spot_stop_at: None,
            stopped_at: None,
            stop_code: None,
            stopped_reason: None,
            containers: vec![],
            service,
            deployment_id: None,
            placement_decision: None,
            health_status: HealthStatus::Unknown,
            network_mode_awsvpc: false,
            network_bindings: vec![],
            version: 1,
        }
    }

    fn reservation(node: NodeKey) -> Reservation {
        Reservation { node, group: "family:web".into(), cpu_units: 256, memory_mib: 512, tcp_ports: vec![], udp_ports: vec![], eni: false }
    }

    fn waiting() -> WaitingPlacement {
        let demand = TaskDemand {
            group: "family:web".into(),
            cpu_units: 256,
            memory_mib: 512,
            tcp_host_ports: vec![],
            udp_host_ports: vec![],
            n_dynamic_tcp_ports: 0,
            needs_eni: false,
            required_attributes: vec![],
            constraints: vec![],
            strategies: vec![],
        };
        WaitingPlacement { demand, subnets: vec![], since: SimTime::ZERO }
    }

    /// The indexes a full scan of the tasks gives must equal the store's.
    fn assert_indexes_match_a_full_scan(store: &TaskStore) {
        let live: BTreeSet<TaskKey> = store.values().filter(|t| t.last_status != TaskStatus::Stopped).map(|t| t.key).collect();
        assert_eq!(store.live, live);
        assert_eq!(store.live().map(|t| t.key).collect::<BTreeSet<_>>(), live);
        let mut by_service: BTreeMap<ServiceKey, BTreeSet<TaskKey>> = BTreeMap::new();
        let mut by_node: BTreeMap<NodeKey, BTreeSet<TaskKey>> = BTreeMap::new();
        for t in store.values().filter(|t| live.contains(&t.key)) {
            if let Some(s) = t.service {
                by_service.entry(s).or_default().insert(t.key);
            }
            if let Some(n) = t.node {
                by_node.entry(n).or_default().insert(t.key);
            }
        }
        // An index entry may be left empty when its last task stops; only its keys matter.
        let non_empty = |m: &BTreeMap<u32, BTreeSet<TaskKey>>| m.iter().filter(|(_, s)| !s.is_empty()).map(|(k, s)| (*k, s.clone())).collect::<BTreeMap<_, _>>();
        assert_eq!(non_empty(&store.live_by_service), by_service);
        assert_eq!(non_empty(&store.live_by_node), by_node);
        for (service, keys) in &by_service {
            assert_eq!(store.live_of_service(*service).map(|t| t.key).collect::<BTreeSet<_>>(), *keys);
        }
        for (node, keys) in &by_node {
            assert_eq!(store.live_on_node(*node).map(|t| t.key).collect::<BTreeSet<_>>(), *keys);
        }
        let mut by_id = BTreeMap::new();
        for t in store.values() {
            by_id.entry(t.id.clone()).or_insert(t.key);
        }
        assert_eq!(store.by_id, by_id);
        let waiting: BTreeSet<TaskKey> = store.values().filter(|t| t.waiting_for_capacity.is_some()).map(|t| t.key).collect();
        assert_eq!(store.waiting, waiting);
        assert!(waiting.is_subset(&live), "only live tasks wait");
    }

    #[test]
    fn after_any_sequence_of_changes_the_indexes_equal_a_full_scan() {
        for seed in 0..20 {
            let mut rng = Prng::new(seed);
            let mut store = TaskStore::default();
            for step in 0..400u32 {
                let n = store.next_key();
                let pick = |rng: &mut Prng| if n == 0 { None } else { Some(rng.below(n)) };
                match rng.below(7) {
                    0 | 1 => {
                        let service = rng.chance(1, 2).then(|| rng.below(4));
                        let node = rng.chance(1, 2).then(|| rng.below(6));
                        // Now and then a task reuses an earlier id: the index keeps the first.
                        let id = if rng.chance(1, 10) && n > 0 { store[&rng.below(n)].id.clone() } else { format!("{step:032x}") };
                        store.insert(task(n, id, service, node));
                    }
                    2 => {
                        if let Some(key) = pick(&mut rng) {
                            store.place(key, reservation(rng.below(6)));
                        }
                    }
                    3 => {
                        if let Some(key) = pick(&mut rng) {
                            let status = [TaskStatus::Pending, TaskStatus::Running, TaskStatus::Deactivating, TaskStatus::Stopped][rng.below(4) as usize];
                            store.set_status(key, status, SimTime(u64::from(step)));
                        }
                    }
                    4 => {
                        if let Some(key) = pick(&mut rng) {
                            let was_live = store[&key].last_status != TaskStatus::Stopped;
                            let since = store[&key].status_since;
                            assert_eq!(store.stop(key, SimTime(u64::from(step))).is_some(), was_live);
                            assert_eq!(store[&key].status_since, if was_live { SimTime(u64::from(step)) } else { since });
                        }
                    }
                    5 => {
                        if let Some(key) = pick(&mut rng) {
                            store.start_waiting(key, waiting());
                        }
                    }
                    _ => {
                        if let Some(key) = pick(&mut rng) {
                            store.end_waiting(key);
                        }
                    }
                }
                assert_indexes_match_a_full_scan(&store);
            }
        }
    }

    #[test]
    fn a_stopped_task_stays_stopped_and_keeps_its_place_in_key_order() {
        let mut store = TaskStore::default();
        store.insert(task(0, "a".repeat(32), Some(1), Some(2)));
        store.insert(task(1, "b".repeat(32), Some(1), None));
        store.start_waiting(1, waiting());
        assert!(store.is_waiting(1) && store.any_waiting());
        store.place(1, reservation(3));
        store.end_waiting(1);
        assert_eq!(store.live_on_node(3).map(|t| t.key).collect::<Vec<_>>(), vec![1]);
        assert!(store.stop(0, SimTime(5)).is_some());
        assert!(store.stop(0, SimTime(9)).is_none(), "a second stop changes nothing");
        assert_eq!(store[&0].status_since, SimTime(5));
        // Placing or waiting does not bring a stopped task back into the live indexes.
        store.place(0, reservation(4));
        store.start_waiting(0, waiting());
        assert_eq!(store.live_on_node(4).count(), 0);
        assert!(!store.is_waiting(0));
        assert_eq!(store.values().map(|t| t.key).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(store.live().map(|t| t.key).collect::<Vec<_>>(), vec![1]);
        assert_eq!(store.live_of_service(1).map(|t| t.key).collect::<Vec<_>>(), vec![1]);
        assert_eq!(store.key_by_id(&"b".repeat(32)), Some(1));
        assert_indexes_match_a_full_scan(&store);
    }
}
