//! The states the engine last reported to EventBridge as Amazon ECS events (`sim/ecs_events.rs` compares the
//! run with them to find what changed).

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::events::ecs::ServiceAction;
use crate::placement::NodeKey;

use super::model::{DesiredStatus, RolloutState, ServiceKey, TaskKey, TaskStatus};

/// What a task state change event follows: `lastStatus`, `desiredStatus` and how many containers have stopped.
pub(super) type TaskSignature = (TaskStatus, DesiredStatus, usize);

/// The states the engine last reported to EventBridge, to find what changed since.
#[derive(Clone, Debug, Default)]
pub(crate) struct EcsEventWatch {
    /// Whether the states below were taken (the first pass takes them without sending anything: a rule created
    /// mid-run sees changes from then on, not the history).
    pub(super) primed: bool,
    /// Set while events are delivered, so the calls a target makes (RunTask) do not start another pass.
    pub(super) delivering: bool,
    pub(super) tasks: BTreeMap<TaskKey, TaskSignature>,
    /// The key the next new task gets, as of the last pass; tasks from it on are new.
    pub(super) next_task_key: TaskKey,
    pub(super) instances: BTreeMap<NodeKey, (String, bool)>,
    /// Each deployment's rollout state (by service and deployment id).
    pub(super) deployments: BTreeMap<(ServiceKey, Rc<str>), RolloutState>,
    /// Service actions found in service events since the last pass: (service, action, reason, when).
    pub(super) service_actions: Vec<(ServiceKey, ServiceAction, Option<&'static str>, crate::time::SimTime)>,
}
