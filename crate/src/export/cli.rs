//! The run's calls as an AWS CLI script.

use crate::sim::Sim;

pub(crate) fn script(sim: &Sim) -> String {
    format!("#!/usr/bin/env bash\n# {} calls\n", sim.journal().len())
}
