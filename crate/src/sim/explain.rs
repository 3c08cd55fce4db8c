//! Explanations of placement: a task's placement decision, replayed to its moment and explained by the slow
//! path of placement, and why a service's next task can or cannot be placed now.

use crate::placement::{Explanation, NodeKey};

use super::capacity::spot_capacity_failure;
use super::engine::Sim;
use super::model::LaunchType;

impl Sim {
    /// Explains the placement of a task: replays the run to the moment of its decision and captures
    /// the placement pipeline's verdict on every instance. `None` for Fargate tasks and unknown tasks.
    pub fn explain_task(&self, task_arn: &str) -> Option<(Explanation, Vec<(NodeKey, String)>)> {
        let task = self.tasks.values().find(|t| t.arn == task_arn || t.id == task_arn)?;
        let decision = task.placement_decision?;
        let mut replay = Sim::new(&self.scenario, Some(self.seed));
        replay.explain_decision = Some(decision);
        for recorded in &self.recorded_calls {
            if replay.captured_explanation.is_some() {
                break;
            }
            replay.advance_to_event_count(recorded.n_events, recorded.time);
            if replay.captured_explanation.is_none() {
                let _ = replay.call(&recorded.call, recorded.input.clone());
            }
        }
        while replay.captured_explanation.is_none() && replay.n_events < self.n_events && replay.step() {}
        let names = replay.node_names();
        let explanation = replay.captured_explanation?;
        Some((explanation, names))
    }

    /// Explains why the next task of a service can or cannot be placed, from the current state.
    /// A Fargate service has no instances to explain: it can only be short of Fargate Spot capacity.
    pub fn explain_service(&mut self, cluster: &str, service_name: &str) -> Option<Explanation> {
        let service = self.services.values().find(|s| s.name == service_name && s.cluster == cluster)?;
        if service.launch_type == LaunchType::Fargate {
            let on_spot = service.capacity_provider_strategy.iter().any(|s| s.provider == crate::scaling::FARGATE_SPOT);
            return (on_spot && !self.fargate_spot_available).then(|| Explanation { nodes: vec![], outcome: Err(spot_capacity_failure()) });
        }
        let key = service.key;
        let demand = self.service_demand(key)?;
        let pool = self.pools.get(cluster)?;
        let mut rng = self.rng.clone();
        Some(pool.explain(&demand, &mut rng))
    }

    /// Container instance keys with the EC2 instance id they run on.
    pub fn node_names(&self) -> Vec<(NodeKey, String)> {
        self.container_instances
            .values()
            .map(|ci| (ci.key, self.ec2.get(&ci.ec2).map(|e| e.instance_id.clone()).unwrap_or_default()))
            .collect()
    }
}
