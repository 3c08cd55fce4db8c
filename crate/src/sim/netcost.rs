//! The network traffic the engine bills (`vpc/cost.rs`): when a task's start passes the network, the bytes of
//! its registry auth, manifests, layers, secrets and log driver go through the path each took; each call a
//! task's workload makes to an AWS service goes through its path too. Counted outside the trace: a VPC whose
//! routing is not modelled counts nothing.

use crate::vpc::{Destination, API_EXCHANGE_BYTES, IMAGE_LAYER_BYTES};

use super::engine::Sim;
use super::model::TaskKey;

impl Sim {
    /// Counts the bytes of a task's start along each path it took (an image's layers from Amazon S3 or from
    /// its registry on the internet are [`IMAGE_LAYER_BYTES`]; every other exchange [`API_EXCHANGE_BYTES`]).
    pub(super) fn record_start_traffic(&mut self, key: TaskKey) {
        let Some(source) = self.task_source(key) else { return };
        if !self.vpc.subnets.get(&source.subnet_id).is_some_and(|s| self.vpc.routing_modelled(&s.vpc_id)) {
            return;
        }
        for need in self.task_start_needs(key) {
            let layers = match &need.reach.destination {
                Destination::Service(s) => s == "s3",
                Destination::Internet(_) => true,
            };
            let bytes = if layers { IMAGE_LAYER_BYTES } else { API_EXCHANGE_BYTES };
            self.vpc.record_traffic(&source, &need.reach, bytes);
        }
    }

    /// Counts one call of a task's workload to `service` (`s3`, `dynamodb`) along its path.
    pub(super) fn record_call_traffic(&mut self, key: TaskKey, service: &str) {
        let Some(source) = self.task_source(key) else { return };
        let reach = self.vpc.reach(&source, &Destination::service(service), &self.scenario.region, self.now.0);
        self.vpc.record_traffic(&source, &reach, API_EXCHANGE_BYTES);
    }
}
