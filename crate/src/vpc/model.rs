//! The VPC's entities: VPCs, subnets, internet gateways, route tables and their routes, Elastic IP
//! addresses, NAT gateways, security groups with ingress and egress rules, and VPC endpoints.
//!
//! Ids are deterministic (`crate::ids::long_id` of a counter), and every table is ordered, so the same
//! calls give the same network on every target.

use crate::table::Table;

/// How long a new NAT gateway stays `pending` before it is `available`. AWS says a NAT gateway is
/// `pending` while it is being created; the duration is not documented: one minute is the choice here.
pub const NAT_GATEWAY_PENDING_MS: u64 = 60_000;

/// The interface endpoint services a task's start and its application use (`com.amazonaws.<region>.<name>`).
pub const INTERFACE_SERVICES: [&str; 8] = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ecs", "sts", "s3"];

/// The services with a gateway endpoint (route-table entries to a prefix list).
pub const GATEWAY_SERVICES: [&str; 2] = ["s3", "dynamodb"];

#[derive(Clone, Debug, PartialEq)]
pub struct Vpc {
    pub vpc_id: String,
    pub cidr_block: String,
    /// Whether the VPC's routing is modelled. A scenario's `network` without route tables, gateways or
    /// endpoints leaves it false: every path a task needs is then assumed to exist, as before routing was
    /// modelled. A VPC made by `ec2:CreateVpc` always has its routing modelled.
    pub routing_modelled: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Subnet {
    pub subnet_id: String,
    pub vpc_id: String,
    pub availability_zone: String,
    pub cidr_block: String,
    /// `MapPublicIpOnLaunch`: instances launched here get a public IPv4 address.
    pub map_public_ip_on_launch: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InternetGateway {
    pub internet_gateway_id: String,
    /// The VPC it is attached to (`AttachInternetGateway`), if any.
    pub attached_vpc: Option<String>,
}

/// Where a route sends its traffic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteTarget {
    /// The VPC's own CIDR (`GatewayId: local`).
    Local,
    InternetGateway(String),
    NatGateway(String),
    /// A gateway endpoint's route to its service's prefix list.
    GatewayEndpoint(String),
}

/// What a route matches: a CIDR block, or the prefix list of a gateway endpoint's service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteDestination {
    Cidr(String),
    PrefixList(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub destination: RouteDestination,
    pub target: RouteTarget,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RouteTable {
    pub route_table_id: String,
    pub vpc_id: String,
    /// The main route table of its VPC: the table of every subnet with no explicit association.
    pub main: bool,
    pub routes: Vec<Route>,
    /// Explicit subnet associations: (association id, subnet id).
    pub associations: Vec<(String, String)>,
}

/// An Elastic IP address (`AllocateAddress`, domain `vpc`).
#[derive(Clone, Debug, PartialEq)]
pub struct Address {
    pub allocation_id: String,
    pub public_ip: String,
    /// The NAT gateway using it, if any.
    pub nat_gateway_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatGatewayState {
    Pending,
    Available,
}

impl NatGatewayState {
    pub fn as_aws(self) -> &'static str {
        match self {
            NatGatewayState::Pending => "pending",
            NatGatewayState::Available => "available",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NatGateway {
    pub nat_gateway_id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub allocation_id: String,
    /// When it was created (sim milliseconds).
    pub created_at_ms: u64,
    /// When it is `available`: [`NAT_GATEWAY_PENDING_MS`] after `CreateNatGateway`, at once for a scenario's.
    pub available_at_ms: u64,
}

impl NatGateway {
    /// Its state at `now_ms`: a pure function of time, so no event is needed.
    pub fn state(&self, now_ms: u64) -> NatGatewayState {
        if now_ms >= self.available_at_ms {
            NatGatewayState::Available
        } else {
            NatGatewayState::Pending
        }
    }
}

/// One rule of a security group, inbound or outbound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SgRule {
    /// `tcp`, `udp`, `icmp` or `-1` (all).
    pub protocol: String,
    pub from_port: u16,
    pub to_port: u16,
    /// The peer as a CIDR block.
    pub cidr: Option<String>,
    /// The peer as another security group.
    pub group: Option<String>,
}

impl SgRule {
    /// The rule AWS gives every new security group: all outbound traffic to 0.0.0.0/0.
    pub fn allow_all_out() -> SgRule {
        SgRule { protocol: "-1".into(), from_port: 0, to_port: 65535, cidr: Some("0.0.0.0/0".into()), group: None }
    }

    /// Whether the rule covers TCP `port`.
    pub fn covers_tcp(&self, port: u16) -> bool {
        let protocol = self.protocol.to_ascii_lowercase();
        match protocol.as_str() {
            "-1" | "all" => true,
            "tcp" | "6" => self.from_port <= port && port <= self.to_port,
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: String,
    pub description: String,
    pub vpc_id: String,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointType {
    Interface,
    Gateway,
}

impl EndpointType {
    pub fn as_aws(self) -> &'static str {
        match self {
            EndpointType::Interface => "Interface",
            EndpointType::Gateway => "Gateway",
        }
    }
}

/// An endpoint's state: an interface endpoint to a VPC endpoint service whose owner must accept it waits in
/// `pendingAcceptance` (AWS PrivateLink Guide, "Accept or reject connection requests").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointState {
    PendingAcceptance,
    Available,
    Rejected,
}

impl EndpointState {
    /// As EC2 answers it (lowercase, as the EC2 API and CLI reference examples show).
    pub fn as_aws(self) -> &'static str {
        match self {
            EndpointState::PendingAcceptance => "pendingAcceptance",
            EndpointState::Available => "available",
            EndpointState::Rejected => "rejected",
        }
    }
}

/// A VPC endpoint service (AWS PrivateLink): Network Load Balancers of the provider's VPC offered to other
/// VPCs as `com.amazonaws.vpce.<region>.vpce-svc-<id>`.
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointService {
    /// `vpce-svc-` and 17 hex digits.
    pub service_id: String,
    pub service_name: String,
    pub network_load_balancer_arns: Vec<String>,
    /// Whether the owner accepts each connection (`AcceptVpcEndpointConnections`) before it carries traffic.
    pub acceptance_required: bool,
    /// The Availability Zones of its load balancers.
    pub availability_zones: Vec<String>,
    pub created_at_ms: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VpcEndpoint {
    pub vpc_endpoint_id: String,
    pub vpc_id: String,
    /// The full service name, `com.amazonaws.<region>.<short name>`.
    pub service_name: String,
    /// The short name: `ecr.api`, `s3`, ...
    pub short_name: String,
    pub endpoint_type: EndpointType,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub route_table_ids: Vec<String>,
    /// Interface endpoints answer the service's public DNS name inside the VPC only with private DNS on.
    pub private_dns_enabled: bool,
    /// The endpoint policy as given (the full-access policy when none was).
    pub policy_document: String,
    /// When it was created (sim milliseconds; a scenario's exist from the start).
    pub created_at_ms: u64,
    pub state: EndpointState,
    /// The VPC endpoint service it connects to (`vpce-svc-...`), for an endpoint to a PrivateLink service.
    pub endpoint_service_id: Option<String>,
}

/// The bytes the network has carried through billed components, counted as traffic happens
/// (`cost.rs` bills them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkTraffic {
    /// Bytes processed per NAT gateway or interface endpoint id.
    pub bytes_by_component: crate::table::Table<String, u64>,
    /// Bytes that crossed from one Availability Zone to another.
    pub cross_az_bytes: u64,
}

/// The VPCs of the account and everything in them.
#[derive(Clone, Debug, Default)]
pub struct VpcState {
    pub vpcs: Table<String, Vpc>,
    pub subnets: Table<String, Subnet>,
    pub internet_gateways: Table<String, InternetGateway>,
    pub route_tables: Table<String, RouteTable>,
    pub addresses: Table<String, Address>,
    pub nat_gateways: Table<String, NatGateway>,
    pub security_groups: Table<String, SecurityGroup>,
    pub endpoints: Table<String, VpcEndpoint>,
    pub endpoint_services: Table<String, EndpointService>,
    /// The bytes billed per GB so far (`cost.rs`).
    pub traffic: NetworkTraffic,
    /// The counter behind every id this state hands out.
    pub(crate) id_counter: u64,
}

/// What the VPC calls need from the engine.
#[derive(Clone, Debug)]
pub struct VpcContext {
    pub region: String,
    pub account_id: String,
    pub now_ms: u64,
    /// The Network Load Balancers of the account, which a VPC endpoint service can offer.
    pub network_load_balancers: Vec<NlbSeed>,
}

/// A Network Load Balancer as the VPC calls see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NlbSeed {
    pub arn: String,
    pub vpc_id: String,
    pub availability_zones: Vec<String>,
}
