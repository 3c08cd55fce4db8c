//! The IPv4 addresses of a subnet: each ENI in it holds one (an awsvpc task's, an instance's, a NAT
//! gateway's, an interface endpoint's), AWS reserves five, and an awsvpc task whose ENI finds none free stops
//! in PROVISIONING with `TaskFailedToStart`.

use super::engine::Sim;
use super::model::{Ec2State, TaskKey, TaskStatus};

/// Who holds a subnet's addresses, and how many it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressUse {
    pub subnet_id: String,
    pub cidr_block: String,
    /// The subnet's size less the five reserved addresses.
    pub usable: u64,
    /// ENIs of awsvpc tasks (attached, not yet released).
    pub tasks: u64,
    pub instances: u64,
    pub nat_gateways: u64,
    pub interface_endpoints: u64,
}

impl AddressUse {
    pub fn in_use(&self) -> u64 {
        self.tasks + self.instances + self.nat_gateways + self.interface_endpoints
    }

    pub fn free(&self) -> u64 {
        self.usable.saturating_sub(self.in_use())
    }

    /// The evidence line of the troubleshooter.
    pub fn text(&self) -> String {
        format!(
            "Subnet {} ({}): {} usable addresses ({} less the {} AWS reserves); in use: {} by task ENIs, {} by instances, {} by NAT gateways, {} by interface endpoints; {} free.",
            self.subnet_id,
            self.cidr_block,
            self.usable,
            self.usable + crate::vpc::RESERVED_ADDRESSES_PER_SUBNET,
            crate::vpc::RESERVED_ADDRESSES_PER_SUBNET,
            self.tasks,
            self.instances,
            self.nat_gateways,
            self.interface_endpoints,
            self.free()
        )
    }
}

impl Sim {
    /// The use of a subnet's addresses now, leaving out the ENI of `except` (the task asking for one).
    pub(super) fn subnet_address_use(&self, subnet_id: &str, except: Option<TaskKey>) -> Option<AddressUse> {
        let subnet = self.vpc.subnets.get(subnet_id)?;
        let usable = crate::vpc::usable_addresses(&subnet.cidr_block)?;
        let tasks = self
            .live_tasks()
            .filter(|t| Some(t.key) != except && t.network_mode_awsvpc && t.subnet_id.as_deref() == Some(subnet_id))
            // A task holds its ENI from the end of PROVISIONING until it is STOPPED.
            .filter(|t| !matches!(t.last_status, TaskStatus::Provisioning | TaskStatus::Stopped))
            .count() as u64;
        let instances = self.ec2.values().filter(|e| e.subnet_id == subnet_id && e.state != Ec2State::Terminated).count() as u64;
        let nat_gateways = self.vpc.nat_gateways.values().filter(|n| n.subnet_id == subnet_id).count() as u64;
        let interface_endpoints = self.vpc.endpoints.values().filter(|e| e.subnet_ids.iter().any(|s| s == subnet_id)).count() as u64;
        Some(AddressUse { subnet_id: subnet_id.to_string(), cidr_block: subnet.cidr_block.clone(), usable, tasks, instances, nat_gateways, interface_endpoints })
    }

    /// The stoppedReason of an awsvpc task whose ENI finds no free address in its subnet, if it does not.
    pub(super) fn eni_address_failure(&self, key: TaskKey) -> Option<String> {
        let task = self.tasks.get(&key).filter(|t| t.network_mode_awsvpc)?;
        let subnet_id = task.subnet_id.as_deref()?;
        let usage = self.subnet_address_use(subnet_id, Some(key))?;
        (usage.free() == 0).then(|| crate::vpc::insufficient_addresses_text(subnet_id, task.assign_public_ip))
    }
}
