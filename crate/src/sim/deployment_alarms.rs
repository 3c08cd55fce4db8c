//! ECS deployment alarms (`deploymentConfiguration.alarms`, reference observability-troubleshooting.md §3.6,
//! from ECSDG deployment-alarm-failure.md): while a rolling deployment is IN_PROGRESS, and through the bake time
//! after it reaches steady state, an alarm of the list entering ALARM fails the deployment ("a FAILED deployment
//! won't launch any new tasks"); with `rollback` the service rolls back to the last COMPLETED deployment. "If an
//! alarm is in the ALARM state at the beginning of a deployment, Amazon ECS will not monitor alarms for the
//! duration of that deployment." ECS polls the alarms; the playground looks at them after every minute's
//! evaluation and after every CloudWatch call, so `SetAlarmState` is seen at once.

use super::engine::Sim;
use super::model::{DeploymentStatus, RolloutState, ServiceKey, ServiceStatus};
use crate::scaling::AlarmState;

/// The cause in the texts of a deployment failed by an alarm. The circuit breaker's texts are documented
/// (`ECS deployment circuit breaker: rolling back to deploymentId <id>.`); the alarm failure's exact wording is
/// [UNVERIFIED] and follows the same pattern.
pub const DEPLOYMENT_ALARMS_CAUSE: &str = "ECS deployment alarms";

impl Sim {
    /// The bake time of a service's deployments, ms: 0 without enabled deployment alarms. ECS "computes this time
    /// period based on the alarm configuration associated with the deployment. You can't set this value"
    /// (ECSDG deployment-alarm-failure.md); the formula is not published, so the playground waits one full
    /// evaluation window (Period × EvaluationPeriods) of the longest alarm of the list [UNVERIFIED].
    pub(super) fn deployment_bake_ms(&self, key: ServiceKey) -> u64 {
        let Some(alarms) = self.services.get(&key).and_then(|s| s.deployment_configuration.alarms.as_ref()).filter(|a| a.enable) else { return 0 };
        alarms.alarm_names.iter().filter_map(|n| self.scaling.alarms.get(n)).map(|a| a.period_s * a.evaluation_periods as u64 * 1000).max().unwrap_or(0)
    }

    /// Whether any alarm of the service's deployment alarms is in ALARM now; `None` without enabled alarms.
    fn deployment_alarms_firing(&self, key: ServiceKey) -> Option<Vec<String>> {
        let alarms = self.services.get(&key)?.deployment_configuration.alarms.as_ref().filter(|a| a.enable)?;
        Some(alarms.alarm_names.iter().filter(|n| self.scaling.alarms.get(*n).is_some_and(|a| a.state == AlarmState::Alarm)).cloned().collect())
    }

    /// A new deployment begins: it ignores the alarms when one of them is already in ALARM, and remembers the
    /// last COMPLETED deployment's task definition for a rollback.
    pub(super) fn note_alarms_at_deployment_start(&mut self, key: ServiceKey) {
        let Some(firing) = self.deployment_alarms_firing(key) else { return };
        let Some(service) = self.services.get_mut(&key) else { return };
        let last_completed = service.deployments.iter().skip(1).find(|d| d.rollout_state == RolloutState::Completed).map(|d| d.task_definition_arn.clone());
        if let Some(d) = service.deployments.first_mut() {
            d.alarms_ignored = !firing.is_empty();
            d.last_completed_task_definition = last_completed;
        }
    }

    /// Fails each monitored IN_PROGRESS deployment whose alarm is in ALARM, and rolls it back when asked.
    pub(super) fn check_deployment_alarms(&mut self) {
        let keys: Vec<ServiceKey> = self
            .services
            .values()
            .filter(|s| s.status == ServiceStatus::Active && s.deployment_configuration.alarms.as_ref().is_some_and(|a| a.enable))
            .map(|s| s.key)
            .collect();
        for key in keys {
            let Some(firing) = self.deployment_alarms_firing(key).filter(|f| !f.is_empty()) else { continue };
            let service = &self.services[&key];
            let Some(deployment) = service.deployments.iter().find(|d| d.status == DeploymentStatus::Primary && d.rollout_state == RolloutState::InProgress && !d.alarms_ignored) else {
                continue;
            };
            let deployment_id = deployment.id.to_string();
            let rollback = service.deployment_configuration.alarms.as_ref().is_some_and(|a| a.rollback);
            let last_completed = deployment.last_completed_task_definition.clone();
            let name = service.name.clone();
            let now = self.now;
            let names = firing.join(", ");
            if let Some(d) = self.services.get_mut(&key).and_then(|s| s.deployments.iter_mut().find(|d| *d.id == *deployment_id)) {
                d.rollout_state = RolloutState::Failed;
                d.rollout_state_reason = format!("{DEPLOYMENT_ALARMS_CAUSE}: alarm(s) {names} in ALARM state.");
                d.updated_at = now;
                d.bake_until = None;
            }
            self.service_event(key, format!("(service {name}) (deployment {deployment_id}) deployment failed: alarm(s) {names} in ALARM state."));
            if let (true, Some(td)) = (rollback, last_completed) {
                self.roll_back_to(key, &deployment_id, &td, DEPLOYMENT_ALARMS_CAUSE);
            }
            self.schedule_service_tick(key, now);
        }
    }

    /// After alarms may have changed (a minute's evaluation, or a CloudWatch call): notify SNS, then act on
    /// deployment alarms.
    pub(super) fn after_alarm_changes(&mut self) {
        self.deliver_alarm_notices();
        self.check_deployment_alarms();
    }
}
