//! Catalog data: EC2 instance types as Amazon ECS sees them, and Fargate rates.
//!
//! vCPU, memory and ENI limits are the EC2 published figures. Memory registered to Amazon ECS is below
//! the nominal size because the kernel and OS keep part of it: the reference's one measured figure is
//! m4.large (8 GiB) registering 7985 MiB (ECSDG memory-management.md). The other registered figures
//! are derived from the same 2.5 % OS reserve and are marked as derived, not measured.
//! Task ENI limits without trunking are the ENI limit less the primary ENI; trunk limits come from
//! ECSDG container-instance-eni.md where listed there and are marked `trunk_source_verified: false` otherwise.

/// One EC2 instance type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceType {
    pub name: &'static str,
    pub vcpus: u32,
    pub memory_mib_nominal: u32,
    /// Network interfaces the type supports, the primary included.
    pub eni_limit: u32,
    /// `awsvpc` tasks with ENI trunking on; `None` where the type does not support trunking.
    pub trunk_task_eni_limit: Option<u32>,
    pub trunk_source_verified: bool,
    /// `x86_64` or `arm64`, as the `ecs.cpu-architecture` attribute reports it.
    pub cpu_architecture: &'static str,
    /// On-demand Linux price in us-east-1, micro-dollars per hour (for cost estimates only).
    pub price_micro_usd_per_hour: u64,
}

impl InstanceType {
    /// CPU units registered with Amazon ECS: 1,024 per vCPU (ECSDG service-event-messages.md).
    pub fn registered_cpu_units(&self) -> u32 {
        self.vcpus * 1024
    }

    /// Memory registered with Amazon ECS, MiB: the nominal size less the OS reserve.
    /// m4.large gives 8192 - 207 = 7985 MiB, the documented figure.
    pub fn registered_memory_mib(&self) -> u32 {
        // 2.5 % reserve, rounded up, calibrated on m4.large: ceil(8192 * 0.02526) = 207.
        let reserve_mib = (self.memory_mib_nominal as u64 * 2526).div_ceil(100_000) as u32;
        self.memory_mib_nominal - reserve_mib
    }

    /// How many `awsvpc` tasks can run here: the ENI limit less the primary, or the trunk limit.
    pub fn task_eni_limit(&self, trunking: bool) -> u32 {
        match (trunking, self.trunk_task_eni_limit) {
            (true, Some(limit)) => limit,
            _ => self.eni_limit.saturating_sub(1),
        }
    }
}

const fn t(
    name: &'static str,
    vcpus: u32,
    memory_gib_tenths: u32,
    eni_limit: u32,
    trunk: Option<u32>,
    trunk_source_verified: bool,
    arch: &'static str,
    price_micro_usd_per_hour: u64,
) -> InstanceType {
    InstanceType {
        name,
        vcpus,
        memory_mib_nominal: memory_gib_tenths * 1024 / 10,
        eni_limit,
        trunk_task_eni_limit: trunk,
        trunk_source_verified,
        cpu_architecture: arch,
        price_micro_usd_per_hour,
    }
}

/// The instance types the simulator knows, by family then size.
pub const INSTANCE_TYPES: &[InstanceType] = &[
    t("t2.micro", 1, 10, 2, None, true, "x86_64", 11_600),
    t("t2.small", 1, 20, 2, None, true, "x86_64", 23_000),
    t("t2.medium", 2, 40, 3, None, true, "x86_64", 46_400),
    t("t3.micro", 2, 10, 2, None, true, "x86_64", 10_400),
    t("t3.small", 2, 20, 3, None, true, "x86_64", 20_800),
    t("t3.medium", 2, 40, 3, None, true, "x86_64", 41_600),
    t("t3.large", 2, 80, 3, None, true, "x86_64", 83_200),
    t("t3.xlarge", 4, 160, 4, None, true, "x86_64", 166_400),
    t("m4.large", 2, 80, 2, None, true, "x86_64", 100_000),
    t("m5.large", 2, 80, 3, Some(10), true, "x86_64", 96_000),
    t("m5.xlarge", 4, 160, 4, Some(20), true, "x86_64", 192_000),
    t("m5.2xlarge", 8, 320, 4, Some(40), true, "x86_64", 384_000),
    t("m5.4xlarge", 16, 640, 8, Some(60), true, "x86_64", 768_000),
    t("m5.8xlarge", 32, 1280, 8, Some(60), false, "x86_64", 1_536_000),
    t("m5.16xlarge", 64, 2560, 15, Some(120), true, "x86_64", 3_072_000),
    t("m5.24xlarge", 96, 3840, 15, Some(120), true, "x86_64", 4_608_000),
    t("m5zn.large", 2, 80, 3, Some(14), true, "x86_64", 165_200),
    t("m6i.large", 2, 80, 3, Some(10), true, "x86_64", 96_000),
    t("m6i.xlarge", 4, 160, 4, Some(20), false, "x86_64", 192_000),
    t("m6g.medium", 1, 40, 2, Some(4), true, "arm64", 38_500),
    t("m6g.large", 2, 80, 3, Some(10), false, "arm64", 77_000),
    t("c5.large", 2, 40, 3, Some(10), true, "x86_64", 85_000),
    t("c5.xlarge", 4, 80, 4, Some(20), true, "x86_64", 170_000),
    t("c5.2xlarge", 8, 160, 4, Some(40), true, "x86_64", 340_000),
    t("c5.4xlarge", 16, 320, 8, Some(60), true, "x86_64", 680_000),
    t("c6g.large", 2, 40, 3, Some(10), true, "arm64", 68_000),
    t("r5.large", 2, 160, 3, Some(10), true, "x86_64", 126_000),
    t("r5.xlarge", 4, 320, 4, Some(20), false, "x86_64", 252_000),
    t("r5.2xlarge", 8, 640, 4, Some(40), false, "x86_64", 504_000),
    t("a1.medium", 1, 20, 2, Some(10), true, "arm64", 25_500),
];

/// Looks an instance type up by its API name (`m5.large`).
pub fn instance_type(name: &str) -> Option<&'static InstanceType> {
    INSTANCE_TYPES.iter().find(|it| it.name == name)
}

/// The price list every cost figure uses: On-Demand Linux rates in this Region, as of this date. Fargate
/// rates are the reference's (§4.4: third-party transcriptions, the same figures in sources dated 2021-04-22
/// and June 2026; [UNVERIFIED] against the official page, which renders them dynamically). EC2 On-Demand
/// rates are the published us-east-1 Linux list prices [UNVERIFIED]: the reference does not list them.
pub const PRICE_LIST_REGION: &str = "us-east-1";
pub const PRICE_LIST_DATE: &str = "2026-06-01";

/// Fargate Linux/x86 rates in us-east-1 (reference §4.4, marked unverified against the official page):
/// $0.04048 per vCPU-hour and $0.004445 per GB-hour, here in micro-dollars.
pub const FARGATE_MICRO_USD_PER_VCPU_HOUR: u64 = 40_480;
pub const FARGATE_MICRO_USD_PER_GB_HOUR: u64 = 4_445;

/// The cost of a Fargate task, micro-dollars: billed per second with a one-minute minimum.
pub fn fargate_task_cost_micro_usd(cpu_units: u32, memory_mib: u32, billed_ms: u64) -> u64 {
    let billed_s = billed_ms.div_ceil(1000).max(60);
    let vcpu_part = FARGATE_MICRO_USD_PER_VCPU_HOUR * cpu_units as u64 * billed_s / (1024 * 3600);
    let memory_part = FARGATE_MICRO_USD_PER_GB_HOUR * memory_mib as u64 * billed_s / (1024 * 3600);
    vcpu_part + memory_part
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m4_large_registers_the_documented_memory() {
        // ECSDG memory-management.md: an m4.large with 8 GiB registers 7985 MiB.
        assert_eq!(instance_type("m4.large").unwrap().registered_memory_mib(), 7985);
    }

    #[test]
    fn at_least_twenty_types_and_the_documented_eni_limits() {
        assert!(INSTANCE_TYPES.len() >= 20);
        // ECSDG container-instance-eni.md: c5.large runs 2 awsvpc tasks, 10 with trunking.
        let c5 = instance_type("c5.large").unwrap();
        assert_eq!((c5.task_eni_limit(false), c5.task_eni_limit(true)), (2, 10));
        let big = instance_type("m5.16xlarge").unwrap();
        assert_eq!((big.task_eni_limit(false), big.task_eni_limit(true)), (14, 120));
        assert_eq!(instance_type("t3.micro").unwrap().task_eni_limit(true), 1);
        assert_eq!(instance_type("m5.large").unwrap().registered_cpu_units(), 2048);
    }

    #[test]
    fn fargate_cost_has_a_one_minute_minimum() {
        // 1 vCPU, 2 GB for 10 s bills as 60 s: 40480*60/3600 + 4445*2*60/3600 = 674 + 148.
        assert_eq!(fargate_task_cost_micro_usd(1024, 2048, 10_000), 674 + 148);
        assert_eq!(fargate_task_cost_micro_usd(1024, 2048, 3_600_000), 40_480 + 8_890);
    }
}
