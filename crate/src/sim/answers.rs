//! The answers of a scenario's steps, read back after they ran (`ecs-sim answers` prints them).

use serde_json::Value;

use super::Sim;

impl Sim {
    /// The output of the last step saved `as` `name` that succeeded, as `${name...}` substitution reads it.
    pub fn step_output(&self, name: &str) -> Option<&Value> {
        self.step_outputs.get(name)
    }
}
