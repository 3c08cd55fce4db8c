//! `TaskStore`: every task of the account and every index of them, changed together.
//!
//! Keys are handed out in order from 0. A STOPPED task stays for the Describe calls for
//! [`STOPPED_TASK_KEPT_MS`] (an hour, as Amazon ECS keeps it: "Stopped tasks stay visible ... for at least 1
//! hour", ECSDG stopped-task-errors.md), then is forgotten; of many stopped within the hour, the newest
//! [`MAX_STOPPED_TASKS_KEPT`] are kept, so memory stays bounded in a crash loop that runs for days. A count of
//! the forgotten ones is kept. The indexes let the hot scans skip the stopped tasks: the live (not STOPPED)
//! tasks, all, per service and per container instance; each task's key by id (load balancer targets name their
//! task by id); and the tasks waiting in PROVISIONING for capacity.
//!
//! Invariant: the indexes are always what a full scan of the tasks computes. The fields they follow (a task's
//! `key`, `id`, `service`, `node`, `last_status` and `waiting_for_capacity`) change only here, through
//! `insert`, `place`, `set_status`, `stop`, `start_waiting` and `end_waiting`; `get_mut` is for the others (a
//! test in `tests/it/engine_tidy.rs` holds the engine to that).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;

use crate::placement::{NodeKey, Reservation};
use crate::time::SimTime;

use super::model::{ServiceKey, Task, TaskKey, TaskStatus, WaitingPlacement};

/// How long a STOPPED task stays in the store (and answers DescribeTasks) after it stopped: one hour. The view
/// shows it as long (`crate::view::STOPPED_TASK_RETENTION_MS`).
pub const STOPPED_TASK_KEPT_MS: u64 = 3_600_000;
/// The most STOPPED tasks kept at once; past it the oldest stop is forgotten before its hour is up.
pub const MAX_STOPPED_TASKS_KEPT: usize = 5_000;

#[derive(Clone, Debug, Default)]
pub(crate) struct TaskStore {
    /// Each task behind an `Rc`: a clone of the store (a checkpoint of the run) shares every task, and a
    /// change copies only the task it changes (`Rc::make_mut`).
    tasks: TaskSlots,
    next_key: TaskKey,
    /// The STOPPED tasks still kept, with when they stopped, oldest stop first.
    stopped: VecDeque<(SimTime, TaskKey)>,
    /// How many STOPPED tasks were forgotten.
    n_forgotten: u64,
    live: BTreeSet<TaskKey>,
    live_by_service: BTreeMap<ServiceKey, BTreeSet<TaskKey>>,
    live_by_node: BTreeMap<NodeKey, BTreeSet<TaskKey>>,
    /// The keys of the tasks of each id, in key order (an id is unique in practice; the first one answers).
    by_id: BTreeMap<String, Vec<TaskKey>>,
    waiting: BTreeSet<TaskKey>,
    /// How many kept tasks are in each `lastStatus` (indexed by the status's order), so the minute's sample
    /// counts RUNNING and pending tasks without a scan.
    n_by_status: [usize; N_STATUSES],
}

/// How many `TaskStatus` values there are (PROVISIONING to STOPPED).
const N_STATUSES: usize = TaskStatus::Stopped as usize + 1;

impl TaskStore {
    /// The key the next task gets.
    pub(super) fn next_key(&self) -> TaskKey {
        self.next_key
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
        self.by_id.entry(task.id.clone()).or_default().push(task.key);
        self.n_by_status[task.last_status as usize] += 1;
        self.next_key = task.key + 1;
        if task.last_status == TaskStatus::Stopped {
            self.stopped.push_back((task.status_since, task.key));
        }
        self.tasks.push(Rc::new(task));
        self.forget_over_the_bound();
    }

    /// Puts a live task on the container instance of `reservation`.
    pub(super) fn place(&mut self, key: TaskKey, reservation: Reservation) {
        let Some(task) = self.tasks.get_mut(key) else { return };
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
        if let Some(task) = self.live_task_mut(key) {
            let was = std::mem::replace(&mut task.last_status, status);
            task.status_since = now;
            task.version += 1;
            self.n_by_status[was as usize] -= 1;
            self.n_by_status[status as usize] += 1;
        }
    }

    /// A task reaches STOPPED at `now` and leaves the live indexes (and the waiting set). Returns the task for
    /// the rest of its stop, or `None` when it is unknown or was already STOPPED.
    pub(super) fn stop(&mut self, key: TaskKey, now: SimTime) -> Option<&mut Task> {
        let task = self.tasks.get_mut(key)?;
        if task.last_status == TaskStatus::Stopped {
            return None;
        }
        self.n_by_status[task.last_status as usize] -= 1;
        self.n_by_status[TaskStatus::Stopped as usize] += 1;
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
        self.stopped.push_back((now, key));
        self.forget_over_the_bound();
        self.task_mut(key)
    }

    /// Forgets the STOPPED tasks that stopped before `cutoff` (now less [`STOPPED_TASK_KEPT_MS`]).
    pub(super) fn forget_stopped_before(&mut self, cutoff: SimTime) {
        while self.stopped.front().is_some_and(|(at, _)| *at < cutoff) {
            self.forget_oldest_stopped();
        }
    }

    /// Forgets the oldest stops while more than [`MAX_STOPPED_TASKS_KEPT`] are kept.
    fn forget_over_the_bound(&mut self) {
        while self.stopped.len() > MAX_STOPPED_TASKS_KEPT {
            self.forget_oldest_stopped();
        }
    }

    fn forget_oldest_stopped(&mut self) {
        let Some((_, key)) = self.stopped.pop_front() else { return };
        let Some(task) = self.tasks.remove(key) else { return };
        self.n_by_status[task.last_status as usize] -= 1;
        if let Some(keys) = self.by_id.get_mut(&task.id) {
            keys.retain(|k| *k != key);
            if keys.is_empty() {
                self.by_id.remove(&task.id);
            }
        }
        self.n_forgotten += 1;
    }

    /// How many STOPPED tasks were forgotten (an hour after they stopped, or past [`MAX_STOPPED_TASKS_KEPT`]).
    pub(crate) fn n_forgotten(&self) -> u64 {
        self.n_forgotten
    }

    /// A live task that could not be placed waits in PROVISIONING for capacity.
    pub(super) fn start_waiting(&mut self, key: TaskKey, waiting: WaitingPlacement) {
        let Some(task) = self.live_task_mut(key) else { return };
        task.waiting_for_capacity = Some(Box::new(waiting));
        self.waiting.insert(key);
    }

    /// A task stops waiting for capacity (placed, timed out, or stopped).
    pub(super) fn end_waiting(&mut self, key: TaskKey) {
        self.waiting.remove(&key);
        if let Some(task) = self.task_mut(key) {
            task.waiting_for_capacity = None;
        }
    }

    pub(crate) fn get(&self, key: &TaskKey) -> Option<&Task> {
        self.tasks.get(*key)
    }

    /// The task to change, copied first if a checkpoint shares it.
    fn task_mut(&mut self, key: TaskKey) -> Option<&mut Task> {
        self.tasks.get_mut(key)
    }

    /// The task to change if it is not STOPPED (a STOPPED one is not copied for nothing).
    fn live_task_mut(&mut self, key: TaskKey) -> Option<&mut Task> {
        if self.tasks.get(key)?.last_status == TaskStatus::Stopped {
            return None;
        }
        self.task_mut(key)
    }

    /// A task to change, except in the fields the indexes follow (see the module's invariant).
    pub(super) fn get_mut(&mut self, key: &TaskKey) -> Option<&mut Task> {
        self.task_mut(*key)
    }

    /// Every task kept, STOPPED ones too, in key order.
    pub(crate) fn values(&self) -> impl DoubleEndedIterator<Item = &Task> + '_ {
        self.tasks.values()
    }

    pub(super) fn keys(&self) -> impl DoubleEndedIterator<Item = TaskKey> + '_ {
        self.tasks.values().map(|task| task.key)
    }

    /// How many tasks are kept, STOPPED ones too (the forgotten ones not).
    pub(crate) fn len(&self) -> usize {
        self.tasks.len()
    }

    /// How many tasks are not yet STOPPED.
    pub(crate) fn n_live(&self) -> usize {
        self.live.len()
    }

    /// How many kept tasks are in `status`.
    pub(crate) fn n_in_status(&self, status: TaskStatus) -> usize {
        self.n_by_status[status as usize]
    }

    /// The keys of the tasks not yet STOPPED, in key order.
    pub(crate) fn live_keys(&self) -> impl Iterator<Item = TaskKey> + '_ {
        self.live.iter().copied()
    }

    /// The tasks not yet STOPPED, in key order.
    pub(super) fn live(&self) -> impl Iterator<Item = &Task> + '_ {
        self.tasks_of(&self.live)
    }

    /// The tasks not yet STOPPED on a container instance, in key order.
    pub(super) fn live_on_node(&self, node: NodeKey) -> impl Iterator<Item = &Task> + '_ {
        self.live_by_node.get(&node).into_iter().flat_map(|keys| self.tasks_of(keys))
    }

    /// A service's tasks not yet STOPPED, in key order.
    pub(super) fn live_of_service(&self, service: ServiceKey) -> impl Iterator<Item = &Task> + '_ {
        self.live_by_service.get(&service).into_iter().flat_map(|keys| self.tasks_of(keys))
    }

    /// How many of a service's tasks are not yet STOPPED.
    pub(super) fn n_live_of_service(&self, service: ServiceKey) -> usize {
        self.live_by_service.get(&service).map_or(0, BTreeSet::len)
    }

    /// The tasks of `keys` (each a kept task), in key order.
    fn tasks_of<'a>(&'a self, keys: &'a BTreeSet<TaskKey>) -> KeyedTasks<'a> {
        // When the keys are a good part of the kept tasks, walking the tasks forward to each key is cheaper than
        // searching the tree for each one.
        let walk = keys.len() * 8 >= self.tasks.len();
        KeyedTasks { keys: keys.iter(), walk, slots: &self.tasks.slots, at: 0 }
    }

    /// The key of the task with this id (the first one, should two ever share it).
    pub(super) fn key_by_id(&self, id: &str) -> Option<TaskKey> {
        self.by_id.get(id).and_then(|keys| keys.first()).copied()
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
        self.tasks.get(*key).expect("a kept task")
    }
}

/// The tasks of a set of keys, in key order: each found by walking the slots forward from the last one found
/// (`walk`) or by a binary search of the slots after it.
struct KeyedTasks<'a> {
    keys: std::collections::btree_set::Iter<'a, TaskKey>,
    walk: bool,
    slots: &'a [(TaskKey, Option<Rc<Task>>)],
    /// The slot after the last task found: the next key is at or after it.
    at: usize,
}

impl<'a> Iterator for KeyedTasks<'a> {
    type Item = &'a Task;

    fn next(&mut self) -> Option<&'a Task> {
        let k = *self.keys.next()?;
        let rest = &self.slots[self.at..];
        let i = if self.walk { rest.iter().position(|(key, _)| *key == k) } else { rest.binary_search_by_key(&k, |(key, _)| *key).ok() };
        let i = self.at + i.expect("every indexed key is a kept task");
        self.at = i + 1;
        Some(self.slots[i].1.as_deref().expect("every indexed key is a kept task"))
    }
}

/// The kept tasks in key order, in one vector: a key is found by a binary search of a contiguous slice. Keys only
/// grow, so a new task goes at the end; a forgotten task leaves an empty slot until the empty slots are more than
/// the kept tasks, when they are removed (so the vector holds at most twice the kept tasks, plus one).
#[derive(Clone, Debug, Default)]
struct TaskSlots {
    slots: Vec<(TaskKey, Option<Rc<Task>>)>,
    n_empty: usize,
}

impl TaskSlots {
    fn index(&self, key: TaskKey) -> Option<usize> {
        self.slots.binary_search_by_key(&key, |(k, _)| *k).ok()
    }

    fn get(&self, key: TaskKey) -> Option<&Task> {
        self.slots[self.index(key)?].1.as_deref()
    }

    /// The task to change, copied first if a checkpoint shares it.
    fn get_mut(&mut self, key: TaskKey) -> Option<&mut Task> {
        let i = self.index(key)?;
        self.slots[i].1.as_mut().map(Rc::make_mut)
    }

    /// Adds a task whose key is above every key kept.
    fn push(&mut self, task: Rc<Task>) {
        debug_assert!(self.slots.last().is_none_or(|(k, _)| *k < task.key));
        self.slots.push((task.key, Some(task)));
    }

    fn remove(&mut self, key: TaskKey) -> Option<Rc<Task>> {
        let i = self.index(key)?;
        let task = self.slots[i].1.take()?;
        self.n_empty += 1;
        if self.n_empty > self.slots.len() - self.n_empty {
            self.slots.retain(|(_, t)| t.is_some());
            self.n_empty = 0;
        }
        Some(task)
    }

    fn values(&self) -> impl DoubleEndedIterator<Item = &Task> + '_ {
        self.slots.iter().filter_map(|(_, t)| t.as_deref())
    }

    fn len(&self) -> usize {
        self.slots.len() - self.n_empty
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
            platform_version: "1.4.0".into(),
            overrides: None,
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
        let mut by_id: BTreeMap<String, Vec<TaskKey>> = BTreeMap::new();
        for t in store.values() {
            by_id.entry(t.id.clone()).or_default().push(t.key);
        }
        assert_eq!(store.by_id, by_id);
        // Every STOPPED task kept is in the forgetting queue once, oldest stop first, and nothing else is.
        let mut queued: Vec<TaskKey> = store.stopped.iter().map(|(_, k)| *k).collect();
        assert!(store.stopped.iter().zip(store.stopped.iter().skip(1)).all(|(a, b)| a.0 <= b.0), "stops in time order");
        queued.sort_unstable();
        let stopped: Vec<TaskKey> = store.values().filter(|t| t.last_status == TaskStatus::Stopped).map(|t| t.key).collect();
        assert_eq!(queued, stopped);
        assert!(store.stopped.len() <= MAX_STOPPED_TASKS_KEPT);
        let waiting: BTreeSet<TaskKey> = store.values().filter(|t| t.waiting_for_capacity.is_some()).map(|t| t.key).collect();
        assert_eq!(store.waiting, waiting);
        assert!(waiting.is_subset(&live), "only live tasks wait");
        let mut by_status = [0usize; N_STATUSES];
        for t in store.values() {
            by_status[t.last_status as usize] += 1;
        }
        assert_eq!(store.n_by_status, by_status);
    }

    #[test]
    fn after_any_sequence_of_changes_the_indexes_equal_a_full_scan() {
        for seed in 0..20 {
            let mut rng = Prng::new(seed);
            let mut store = TaskStore::default();
            for step in 0..400u32 {
                let n = store.next_key();
                let kept: Vec<TaskKey> = store.keys().collect();
                let pick = |rng: &mut Prng| if kept.is_empty() { None } else { Some(kept[rng.below(kept.len() as u32) as usize]) };
                match rng.below(8) {
                    0 | 1 => {
                        let service = rng.chance(1, 2).then(|| rng.below(4));
                        let node = rng.chance(1, 2).then(|| rng.below(6));
                        // Now and then a task reuses an earlier id: the index answers with the first.
                        let id = match pick(&mut rng).filter(|_| rng.chance(1, 10)) {
                            Some(key) => store[&key].id.clone(),
                            None => format!("{step:032x}"),
                        };
                        store.insert(task(n, id, service, node));
                    }
                    7 => {
                        // Forget what stopped more than 30 steps ago.
                        let before = store.len() as u64 + store.n_forgotten();
                        store.forget_stopped_before(SimTime(u64::from(step.saturating_sub(30))));
                        assert_eq!(store.len() as u64 + store.n_forgotten(), before, "a forgotten task is counted");
                        assert!(store.values().all(|t| t.last_status != TaskStatus::Stopped || t.status_since.0 + 30 >= u64::from(step)));
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
    fn a_stopped_task_is_forgotten_after_its_hour_and_beyond_the_bound_the_oldest_first() {
        let mut store = TaskStore::default();
        store.insert(task(0, "a".repeat(32), Some(1), None));
        store.insert(task(1, "b".repeat(32), Some(1), None));
        store.stop(0, SimTime(1_000));
        store.forget_stopped_before(SimTime(1_000));
        assert_eq!((store.len(), store.n_forgotten()), (2, 0), "kept while its hour runs");
        store.forget_stopped_before(SimTime(1_001));
        assert_eq!((store.len(), store.n_forgotten()), (1, 1));
        assert!(store.get(&0).is_none() && store.key_by_id(&"a".repeat(32)).is_none());
        assert_eq!(store.next_key(), 2, "keys are never handed out again");
        // A crash loop: far more stops than the bound within the hour keeps the newest MAX_STOPPED_TASKS_KEPT.
        for i in 0..(MAX_STOPPED_TASKS_KEPT as u32 + 10) {
            let key = store.next_key();
            store.insert(task(key, format!("{key:032x}"), Some(2), None));
            store.stop(key, SimTime(2_000 + u64::from(i)));
        }
        assert_eq!(store.len(), MAX_STOPPED_TASKS_KEPT + 1, "the bound, and the live task");
        assert_eq!(store.n_forgotten(), 11);
        assert!(store.get(&2).is_none() && store.get(&(MAX_STOPPED_TASKS_KEPT as u32 + 11)).is_some(), "the oldest stops go first");
        assert_eq!(store.live().map(|t| t.key).collect::<Vec<_>>(), vec![1]);
        assert_indexes_match_a_full_scan(&store);
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
