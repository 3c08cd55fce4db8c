//! The EC2 VPC calls: Create*, Attach, Associate, Allocate, Authorize, ModifySubnetAttribute and the
//! Describe* calls, with EC2's output shapes (botocore `ec2` 2016-11-15) and EC2's error codes.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult, Request};

use super::model::*;
use super::spec::short_service_name;
use super::state::FULL_ACCESS_POLICY;

/// EC2's error for a required member that is missing.
fn missing(name: &str) -> ApiError {
    ApiError::new("MissingParameter", format!("The request must contain the parameter {name}"))
}

fn not_found(code: &'static str, kind: &str, id: &str) -> ApiError {
    ApiError::new(code, format!("The {kind} ID '{id}' does not exist"))
}

/// The filter names the Describe* calls honour, each with the item fields it compares (a path of members, `[*]`
/// for each item of a list). The EC2 API reference lists these names for each call (DescribeVpcs, DescribeSubnets,
/// DescribeSecurityGroups, DescribeRouteTables, DescribeInternetGateways, DescribeNatGateways, DescribeVpcEndpoints,
/// DescribeAddresses); a name none of them models is refused as EC2 refuses an unknown filter.
const FILTERS: &[(&str, &[&str])] = &[
    ("attachment.vpc-id", &["Attachments", "[*]", "VpcId"]),
    ("group-id", &["GroupId"]),
    ("group-name", &["GroupName"]),
    ("subnet-id", &["SubnetId"]),
    ("vpc-endpoint-id", &["VpcEndpointId"]),
    ("vpc-id", &["VpcId"]),
];

/// The `Filters` of a Describe* call (`Filter` for DescribeNatGateways): (name, values), each name checked.
fn describe_filters(request: &Request<'_>) -> Result<Vec<(&'static str, Vec<String>)>, ApiError> {
    let given = request.items("Filters").or_else(|| request.items("Filter")).unwrap_or_default();
    given
        .iter()
        .map(|filter| {
            let name = filter.str("Name").unwrap_or_default();
            let known = FILTERS.iter().find(|(known, _)| *known == name).map(|(known, _)| *known);
            // EC2's answer to a filter name the call does not know, as real output quotes it (boto/boto3#1299:
            // "InvalidParameterValue ... The filter 'public-ip' is invalid"; aws/aws-cli#7225).
            let name = known.ok_or_else(|| ApiError::new("InvalidParameterValue", format!("The filter '{name}' is invalid")))?;
            Ok((name, filter.strings("Values")))
        })
        .collect()
}

/// Whether `item` has, at the fields of filter `name`, one of `values` (a filter with no values matches nothing).
fn filter_matches(item: &Value, name: &str, values: &[String]) -> bool {
    let Some((_, path)) = FILTERS.iter().find(|(known, _)| *known == name) else { return false };
    let mut found = vec![item];
    for step in *path {
        found = if *step == "[*]" {
            found.into_iter().filter_map(Value::as_array).flatten().collect()
        } else {
            found.into_iter().filter_map(|v| v.get(*step)).collect()
        };
    }
    found.iter().filter_map(|v| v.as_str()).any(|v| values.iter().any(|want| want == v))
}

fn required<'a>(request: &Request<'a>, name: &str) -> Result<&'a str, ApiError> {
    request.str(name).filter(|s| !s.is_empty()).ok_or_else(|| missing(name))
}

/// `a.b.c.d/n` with n in `min..=max`, or None.
fn cidr_prefix(cidr: &str) -> Option<u32> {
    let (_, len) = cidr.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    crate::efs::cidr_contains(cidr, cidr).then_some(len)
}

fn rule_json(rule: &SgRule) -> Value {
    let mut out = json!({ "IpProtocol": rule.protocol, "IpRanges": [], "UserIdGroupPairs": [], "Ipv6Ranges": [], "PrefixListIds": [] });
    if rule.protocol != "-1" {
        out["FromPort"] = json!(rule.from_port);
        out["ToPort"] = json!(rule.to_port);
    }
    if let Some(cidr) = &rule.cidr {
        out["IpRanges"] = json!([{ "CidrIp": cidr }]);
    }
    if let Some(group) = &rule.group {
        out["UserIdGroupPairs"] = json!([{ "GroupId": group }]);
    }
    out
}

impl VpcState {
    fn vpc_of(&self, request: &Request<'_>) -> Result<String, ApiError> {
        let id = required(request, "VpcId")?;
        self.vpcs.get(id).map(|v| v.vpc_id.clone()).ok_or_else(|| not_found("InvalidVpcID.NotFound", "vpc", id))
    }

    pub(crate) fn create_vpc(&mut self, request: &Request<'_>, ctx: &VpcContext) -> ApiResult {
        let cidr = required(request, "CidrBlock")?;
        if !cidr_prefix(cidr).is_some_and(|len| (16..=28).contains(&len)) {
            return Err(ApiError::new("InvalidVpc.Range", format!("The CIDR '{cidr}' is invalid.")));
        }
        let vpc_id = self.next_id("vpc");
        self.vpcs.insert(vpc_id.clone(), Vpc { vpc_id: vpc_id.clone(), cidr_block: cidr.to_string(), routing_modelled: true });
        // Every VPC comes with a main route table (the local route only) and a default security group.
        let main = self.next_id("rtb");
        self.route_tables.insert(main.clone(), RouteTable::new_local(&main, &vpc_id, cidr, true));
        let group_id = self.next_id("sg");
        self.security_groups.insert(
            group_id.clone(),
            SecurityGroup {
                group_id: group_id.clone(),
                group_name: "default".into(),
                description: "default VPC security group".into(),
                vpc_id: vpc_id.clone(),
                ingress: vec![SgRule { protocol: "-1".into(), from_port: 0, to_port: 65535, cidr: None, group: Some(group_id.clone()) }],
                egress: vec![SgRule::allow_all_out()],
            },
        );
        Ok(json!({ "Vpc": self.vpc_json(&vpc_id, ctx) }))
    }

    fn vpc_json(&self, vpc_id: &str, ctx: &VpcContext) -> Value {
        let Some(v) = self.vpcs.get(vpc_id) else { return Value::Null };
        json!({
            "VpcId": v.vpc_id, "CidrBlock": v.cidr_block, "State": "available", "OwnerId": ctx.account_id,
            "InstanceTenancy": "default", "IsDefault": false, "DhcpOptionsId": "dopt-default",
            "CidrBlockAssociationSet": [{ "AssociationId": format!("vpc-cidr-assoc-{}", v.vpc_id.trim_start_matches("vpc-")), "CidrBlock": v.cidr_block, "CidrBlockState": { "State": "associated" } }],
        })
    }

    pub(crate) fn create_subnet(&mut self, request: &Request<'_>, ctx: &VpcContext) -> ApiResult {
        let vpc_id = self.vpc_of(request)?;
        let cidr = required(request, "CidrBlock")?;
        let vpc_cidr = self.vpcs.get(&vpc_id).map(|v| v.cidr_block.clone()).unwrap_or_default();
        if !cidr_prefix(cidr).is_some_and(|len| (16..=28).contains(&len)) || !crate::efs::cidr_contains(&vpc_cidr, cidr) {
            return Err(ApiError::new("InvalidSubnet.Range", format!("The CIDR '{cidr}' is invalid.")));
        }
        if self.subnets.values().any(|s| s.vpc_id == vpc_id && (crate::efs::cidr_contains(&s.cidr_block, cidr) || crate::efs::cidr_contains(cidr, &s.cidr_block))) {
            return Err(ApiError::new("InvalidSubnet.Conflict", format!("The CIDR '{cidr}' conflicts with another subnet")));
        }
        let az = match request.str("AvailabilityZone") {
            Some(az) if az.starts_with(ctx.region.as_str()) && az.len() == ctx.region.len() + 1 => az.to_string(),
            Some(az) => return Err(ApiError::new("InvalidParameterValue", format!("Value ({az}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {0}a, {0}b, {0}c.", ctx.region))),
            None => format!("{}a", ctx.region),
        };
        let subnet_id = self.next_id("subnet");
        self.subnets.insert(subnet_id.clone(), Subnet { subnet_id: subnet_id.clone(), vpc_id, availability_zone: az, cidr_block: cidr.to_string(), map_public_ip_on_launch: false });
        Ok(json!({ "Subnet": self.subnet_json(&subnet_id, ctx) }))
    }

    fn subnet_json(&self, subnet_id: &str, ctx: &VpcContext) -> Value {
        let Some(s) = self.subnets.get(subnet_id) else { return Value::Null };
        // AWS reserves five addresses of every subnet.
        let size = s.cidr_block.split_once('/').and_then(|(_, l)| l.parse::<u32>().ok()).filter(|l| *l <= 32).map_or(0, |l| (1u64 << (32 - l)).saturating_sub(5));
        json!({
            "SubnetId": s.subnet_id, "VpcId": s.vpc_id, "AvailabilityZone": s.availability_zone, "CidrBlock": s.cidr_block,
            "State": "available", "MapPublicIpOnLaunch": s.map_public_ip_on_launch, "AvailableIpAddressCount": size,
            "DefaultForAz": false, "OwnerId": ctx.account_id,
            "SubnetArn": format!("arn:aws:ec2:{}:{}:subnet/{}", ctx.region, ctx.account_id, s.subnet_id),
        })
    }

    pub(crate) fn modify_subnet_attribute(&mut self, request: &Request<'_>) -> ApiResult {
        let id = required(request, "SubnetId")?;
        let subnet = self.subnets.get_mut(id).ok_or_else(|| not_found("InvalidSubnetID.NotFound", "subnet", id))?;
        if let Some(value) = request.object("MapPublicIpOnLaunch").and_then(|o| o.bool("Value")) {
            subnet.map_public_ip_on_launch = value;
        }
        Ok(json!({}))
    }

    pub(crate) fn create_internet_gateway(&mut self) -> ApiResult {
        let id = self.next_id("igw");
        self.internet_gateways.insert(id.clone(), InternetGateway { internet_gateway_id: id.clone(), attached_vpc: None });
        Ok(json!({ "InternetGateway": self.igw_json(&id) }))
    }

    fn igw_json(&self, id: &str) -> Value {
        let Some(g) = self.internet_gateways.get(id) else { return Value::Null };
        let attachments: Vec<Value> = g.attached_vpc.iter().map(|v| json!({ "State": "available", "VpcId": v })).collect();
        json!({ "InternetGatewayId": g.internet_gateway_id, "Attachments": attachments })
    }

    pub(crate) fn attach_internet_gateway(&mut self, request: &Request<'_>) -> ApiResult {
        let id = required(request, "InternetGatewayId")?.to_string();
        let vpc_id = self.vpc_of(request)?;
        let gateway = self.internet_gateways.get(&id).ok_or_else(|| not_found("InvalidInternetGatewayID.NotFound", "internetGateway", &id))?;
        if let Some(attached) = &gateway.attached_vpc {
            return Err(ApiError::new("Resource.AlreadyAssociated", format!("resource {id} is already attached to network {attached}")));
        }
        if self.internet_gateways.values().any(|g| g.attached_vpc.as_ref() == Some(&vpc_id)) {
            return Err(ApiError::new("Resource.AlreadyAssociated", format!("network {vpc_id} already has an internet gateway attached")));
        }
        if let Some(g) = self.internet_gateways.get_mut(&id) {
            g.attached_vpc = Some(vpc_id);
        }
        Ok(json!({}))
    }

    pub(crate) fn create_route_table(&mut self, request: &Request<'_>, ctx: &VpcContext) -> ApiResult {
        let vpc_id = self.vpc_of(request)?;
        let cidr = self.vpcs.get(&vpc_id).map(|v| v.cidr_block.clone()).unwrap_or_default();
        let id = self.next_id("rtb");
        self.route_tables.insert(id.clone(), RouteTable::new_local(&id, &vpc_id, &cidr, false));
        Ok(json!({ "RouteTable": self.route_table_json(&id, ctx) }))
    }

    fn route_table_json(&self, id: &str, ctx: &VpcContext) -> Value {
        let Some(t) = self.route_tables.get(id) else { return Value::Null };
        let routes: Vec<Value> = t
            .routes
            .iter()
            .map(|r| {
                let mut out = match &r.destination {
                    RouteDestination::Cidr(c) => json!({ "DestinationCidrBlock": c }),
                    RouteDestination::PrefixList(pl) => json!({ "DestinationPrefixListId": pl }),
                };
                let (origin, state) = match &r.target {
                    RouteTarget::Local => {
                        out["GatewayId"] = json!("local");
                        ("CreateRouteTable", "active")
                    }
                    RouteTarget::InternetGateway(g) => {
                        out["GatewayId"] = json!(g);
                        let attached = self.internet_gateways.get(g).is_some_and(|gw| gw.attached_vpc.as_ref() == Some(&t.vpc_id));
                        ("CreateRoute", if attached { "active" } else { "blackhole" })
                    }
                    RouteTarget::NatGateway(n) => {
                        out["NatGatewayId"] = json!(n);
                        ("CreateRoute", if self.nat_gateways.contains_key(n) { "active" } else { "blackhole" })
                    }
                    RouteTarget::GatewayEndpoint(e) => {
                        out["GatewayId"] = json!(e);
                        ("CreateRoute", "active")
                    }
                };
                out["Origin"] = json!(origin);
                out["State"] = json!(state);
                out
            })
            .collect();
        let mut associations: Vec<Value> = t
            .associations
            .iter()
            .map(|(assoc, subnet)| json!({ "Main": false, "RouteTableAssociationId": assoc, "RouteTableId": t.route_table_id, "SubnetId": subnet, "AssociationState": { "State": "associated" } }))
            .collect();
        if t.main {
            associations.insert(0, json!({ "Main": true, "RouteTableAssociationId": format!("rtbassoc-main{}", t.route_table_id.trim_start_matches("rtb")), "RouteTableId": t.route_table_id, "AssociationState": { "State": "associated" } }));
        }
        json!({ "RouteTableId": t.route_table_id, "VpcId": t.vpc_id, "Routes": routes, "Associations": associations, "PropagatingVgws": [], "OwnerId": ctx.account_id })
    }

    pub(crate) fn create_route(&mut self, request: &Request<'_>) -> ApiResult {
        let table_id = required(request, "RouteTableId")?.to_string();
        let vpc_id = self.route_tables.get(&table_id).map(|t| t.vpc_id.clone()).ok_or_else(|| not_found("InvalidRouteTableID.NotFound", "routeTable", &table_id))?;
        let destination = required(request, "DestinationCidrBlock")?.to_string();
        if cidr_prefix(&destination).is_none() {
            return Err(ApiError::new("InvalidParameterValue", format!("Value ({destination}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.")));
        }
        let target = match (request.str("GatewayId"), request.str("NatGatewayId")) {
            (Some(g), None) => {
                let gateway = self.internet_gateways.get(g).ok_or_else(|| not_found("InvalidGatewayID.NotFound", "gateway", g))?;
                if gateway.attached_vpc.as_ref() != Some(&vpc_id) {
                    return Err(ApiError::new("InvalidParameterValue", format!("route table {table_id} and network gateway {g} belong to different networks")));
                }
                RouteTarget::InternetGateway(g.to_string())
            }
            (None, Some(n)) => {
                self.nat_gateways.get(n).ok_or_else(|| not_found("InvalidNatGatewayID.NotFound", "natGateway", n))?;
                RouteTarget::NatGateway(n.to_string())
            }
            (None, None) => return Err(ApiError::new("InvalidParameterCombination", "The request must contain exactly one of gatewayId, natGatewayId, ...")),
            (Some(_), Some(_)) => return Err(ApiError::new("InvalidParameterCombination", "The request must contain exactly one of gatewayId, natGatewayId, ...")),
        };
        let table = self.route_tables.get_mut(&table_id).expect("checked above");
        if table.routes.iter().any(|r| r.destination == RouteDestination::Cidr(destination.clone())) {
            return Err(ApiError::new("RouteAlreadyExists", format!("The route identified by {destination} already exists.")));
        }
        table.routes.push(Route { destination: RouteDestination::Cidr(destination), target });
        Ok(json!({ "Return": true }))
    }

    pub(crate) fn associate_route_table(&mut self, request: &Request<'_>) -> ApiResult {
        let table_id = required(request, "RouteTableId")?.to_string();
        let subnet_id = required(request, "SubnetId")?.to_string();
        let vpc_id = self.route_tables.get(&table_id).map(|t| t.vpc_id.clone()).ok_or_else(|| not_found("InvalidRouteTableID.NotFound", "routeTable", &table_id))?;
        let subnet = self.subnets.get(&subnet_id).ok_or_else(|| not_found("InvalidSubnetID.NotFound", "subnet", &subnet_id))?;
        if subnet.vpc_id != vpc_id {
            return Err(ApiError::new("InvalidParameterValue", format!("Route table {table_id} and subnet {subnet_id} belong to different networks")));
        }
        if let Some(other) = self.route_tables.values().find(|t| t.associations.iter().any(|(_, s)| s == &subnet_id)) {
            return Err(ApiError::new("Resource.AlreadyAssociated", format!("the specified association for route table {} conflicts with an existing association", other.route_table_id)));
        }
        let association_id = self.next_id("rtbassoc");
        self.route_tables.get_mut(&table_id).expect("checked above").associations.push((association_id.clone(), subnet_id));
        Ok(json!({ "AssociationId": association_id, "AssociationState": { "State": "associated" } }))
    }

    pub(crate) fn allocate_address(&mut self, ctx: &VpcContext) -> ApiResult {
        let allocation_id = self.next_id("eipalloc");
        // Addresses from the documentation range 198.51.100.0/24, one per allocation.
        let n = self.addresses.len() as u64;
        let public_ip = format!("198.51.100.{}", 1 + n % 254);
        self.addresses.insert(allocation_id.clone(), Address { allocation_id: allocation_id.clone(), public_ip: public_ip.clone(), nat_gateway_id: None });
        Ok(json!({ "AllocationId": allocation_id, "PublicIp": public_ip, "Domain": "vpc", "PublicIpv4Pool": "amazon", "NetworkBorderGroup": ctx.region }))
    }

    pub(crate) fn create_nat_gateway(&mut self, request: &Request<'_>, ctx: &VpcContext) -> ApiResult {
        let subnet_id = required(request, "SubnetId")?.to_string();
        let vpc_id = self.subnets.get(&subnet_id).map(|s| s.vpc_id.clone()).ok_or_else(|| not_found("InvalidSubnetID.NotFound", "subnet", &subnet_id))?;
        // A public NAT gateway needs an Elastic IP address.
        let allocation_id = required(request, "AllocationId")?.to_string();
        let address = self.addresses.get(&allocation_id).ok_or_else(|| not_found("InvalidAllocationID.NotFound", "allocation", &allocation_id))?;
        if let Some(nat) = &address.nat_gateway_id {
            return Err(ApiError::new("Resource.AlreadyAssociated", format!("Elastic IP address [{allocation_id}] is already associated with {nat}")));
        }
        let id = self.next_id("nat");
        self.addresses.get_mut(&allocation_id).expect("checked above").nat_gateway_id = Some(id.clone());
        self.nat_gateways.insert(id.clone(), NatGateway { nat_gateway_id: id.clone(), vpc_id, subnet_id, allocation_id, created_at_ms: ctx.now_ms, available_at_ms: ctx.now_ms + NAT_GATEWAY_PENDING_MS });
        Ok(json!({ "NatGateway": self.nat_json(&id, ctx) }))
    }

    fn nat_json(&self, id: &str, ctx: &VpcContext) -> Value {
        let Some(n) = self.nat_gateways.get(id) else { return Value::Null };
        let public_ip = self.addresses.get(&n.allocation_id).map(|a| a.public_ip.clone()).unwrap_or_default();
        json!({
            "NatGatewayId": n.nat_gateway_id, "VpcId": n.vpc_id, "SubnetId": n.subnet_id, "State": n.state(ctx.now_ms).as_aws(),
            "ConnectivityType": "public",
            "NatGatewayAddresses": [{ "AllocationId": n.allocation_id, "PublicIp": public_ip, "IsPrimary": true, "Status": "succeeded" }],
        })
    }

    pub(crate) fn create_security_group(&mut self, request: &Request<'_>, ctx: &VpcContext) -> ApiResult {
        let name = required(request, "GroupName")?.to_string();
        let description = required(request, "Description")?.to_string();
        let vpc_id = self.vpc_of(request)?;
        if self.security_groups.values().any(|g| g.vpc_id == vpc_id && g.group_name == name) {
            return Err(ApiError::new("InvalidGroup.Duplicate", format!("The security group '{name}' already exists for VPC '{vpc_id}'")));
        }
        let group_id = self.next_id("sg");
        self.security_groups.insert(
            group_id.clone(),
            SecurityGroup { group_id: group_id.clone(), group_name: name, description, vpc_id, ingress: Vec::new(), egress: vec![SgRule::allow_all_out()] },
        );
        Ok(json!({ "GroupId": group_id, "SecurityGroupArn": format!("arn:aws:ec2:{}:{}:security-group/{group_id}", ctx.region, ctx.account_id) }))
    }

    /// `AuthorizeSecurityGroupIngress` (`egress` false) and `AuthorizeSecurityGroupEgress`: the rules of
    /// `IpPermissions`, or of the flat `IpProtocol`, `FromPort`, `ToPort`, `CidrIp` members.
    pub(crate) fn authorize(&mut self, request: &Request<'_>, egress: bool) -> ApiResult {
        let group_id = required(request, "GroupId")?.to_string();
        if !self.security_groups.contains_key(&group_id) {
            return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{group_id}' does not exist")));
        }
        let mut rules = Vec::new();
        let port = |r: &Request<'_>, name: &str| -> Result<u16, ApiError> {
            match r.i64(name)? {
                None => Ok(if name == "FromPort" { 0 } else { 65535 }),
                Some(p) if (-1..=65535).contains(&p) => Ok(if p < 0 { if name == "FromPort" { 0 } else { 65535 } } else { p as u16 }),
                Some(p) => Err(ApiError::new("InvalidParameterValue", format!("Invalid value '{p}' for {name}. Valid ports are -1 and 0 to 65535."))),
            }
        };
        let permissions = request.objects("IpPermissions");
        if permissions.is_empty() {
            let protocol = required(request, "IpProtocol")?.to_string();
            let cidr = required(request, "CidrIp")?.to_string();
            rules.push(SgRule { protocol, from_port: port(request, "FromPort")?, to_port: port(request, "ToPort")?, cidr: Some(cidr), group: None });
        }
        for p in &permissions {
            let protocol = required(p, "IpProtocol")?.to_string();
            let (from_port, to_port) = (port(p, "FromPort")?, port(p, "ToPort")?);
            let mut peers = 0;
            for range in p.objects("IpRanges") {
                let cidr = required(&range, "CidrIp")?;
                if cidr_prefix(cidr).is_none() {
                    return Err(ApiError::new("InvalidParameterValue", format!("CIDR block {cidr} is malformed")));
                }
                rules.push(SgRule { protocol: protocol.clone(), from_port, to_port, cidr: Some(cidr.to_string()), group: None });
                peers += 1;
            }
            for pair in p.objects("UserIdGroupPairs") {
                let peer = required(&pair, "GroupId")?;
                if !self.security_groups.contains_key(peer) {
                    return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{peer}' does not exist")));
                }
                rules.push(SgRule { protocol: protocol.clone(), from_port, to_port, cidr: None, group: Some(peer.to_string()) });
                peers += 1;
            }
            if peers == 0 {
                return Err(missing("IpRanges or UserIdGroupPairs"));
            }
        }
        let group = self.security_groups.get_mut(&group_id).expect("checked above");
        let list = if egress { &mut group.egress } else { &mut group.ingress };
        for rule in &rules {
            if list.contains(rule) {
                let peer = rule.cidr.clone().or_else(|| rule.group.clone()).unwrap_or_default();
                let protocol = if rule.protocol == "-1" { "ALL".to_string() } else { rule.protocol.to_ascii_uppercase() };
                return Err(ApiError::new(
                    "InvalidPermission.Duplicate",
                    format!("the specified rule \"peer: {peer}, {protocol}, from port: {}, to port: {}, ALLOW\" already exists", rule.from_port, rule.to_port),
                ));
            }
        }
        let start = list.len();
        list.extend(rules.iter().cloned());
        let rule_json: Vec<Value> = rules
            .iter()
            .enumerate()
            .map(|(n, r)| {
                let mut out = json!({ "SecurityGroupRuleId": format!("sgr-{:017x}", (start + n) as u64 + 1), "GroupId": group_id, "IsEgress": egress, "IpProtocol": r.protocol, "FromPort": r.from_port, "ToPort": r.to_port });
                if let Some(c) = &r.cidr {
                    out["CidrIpv4"] = json!(c);
                }
                if let Some(g) = &r.group {
                    out["ReferencedGroupInfo"] = json!({ "GroupId": g });
                }
                out
            })
            .collect();
        Ok(json!({ "Return": true, "SecurityGroupRules": rule_json }))
    }

    fn group_json(&self, g: &SecurityGroup, ctx: &VpcContext) -> Value {
        json!({
            "GroupId": g.group_id, "GroupName": g.group_name, "Description": g.description, "VpcId": g.vpc_id, "OwnerId": ctx.account_id,
            "IpPermissions": g.ingress.iter().map(rule_json).collect::<Vec<_>>(),
            "IpPermissionsEgress": g.egress.iter().map(rule_json).collect::<Vec<_>>(),
            "SecurityGroupArn": format!("arn:aws:ec2:{}:{}:security-group/{}", ctx.region, ctx.account_id, g.group_id),
        })
    }

    pub(crate) fn create_vpc_endpoint(&mut self, request: &Request<'_>, ctx: &VpcContext) -> ApiResult {
        let vpc_id = self.vpc_of(request)?;
        let service_name = required(request, "ServiceName")?.to_string();
        if service_name.starts_with("com.amazonaws.vpce.") {
            return self.create_privatelink_endpoint(request, ctx, vpc_id, service_name);
        }
        let endpoint_type = match request.str("VpcEndpointType").unwrap_or("Gateway") {
            "Interface" => EndpointType::Interface,
            "Gateway" => EndpointType::Gateway,
            other => return Err(ApiError::new("InvalidParameter", format!("The VPC endpoint type '{other}' is not supported here: Interface or Gateway."))),
        };
        let short = short_service_name(&service_name).to_string();
        let region_matches = service_name.strip_prefix("com.amazonaws.").is_some_and(|rest| rest.starts_with(&format!("{}.", ctx.region)));
        let offered = match endpoint_type {
            EndpointType::Interface => INTERFACE_SERVICES.contains(&short.as_str()),
            EndpointType::Gateway => GATEWAY_SERVICES.contains(&short.as_str()),
        };
        if !region_matches || !offered {
            return Err(ApiError::new("InvalidServiceName", format!("The Vpc Endpoint Service '{service_name}' does not exist")));
        }
        let subnet_ids = request.strings("SubnetIds");
        let route_table_ids = request.strings("RouteTableIds");
        let mut security_group_ids = request.strings("SecurityGroupIds");
        for s in &subnet_ids {
            if !self.subnets.contains_key(s) {
                return Err(not_found("InvalidSubnetID.NotFound", "subnet", s));
            }
        }
        for t in &route_table_ids {
            if !self.route_tables.contains_key(t) {
                return Err(not_found("InvalidRouteTableID.NotFound", "routeTable", t));
            }
        }
        for g in &security_group_ids {
            if !self.security_groups.contains_key(g) {
                return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{g}' does not exist")));
            }
        }
        if endpoint_type == EndpointType::Interface && security_group_ids.is_empty() {
            // Without SecurityGroupIds, an interface endpoint gets the VPC's default security group.
            security_group_ids.extend(self.security_groups.values().find(|g| g.vpc_id == vpc_id && g.group_name == "default").map(|g| g.group_id.clone()));
        }
        let id = self.next_id("vpce");
        let endpoint = VpcEndpoint {
            vpc_endpoint_id: id.clone(),
            vpc_id,
            service_name,
            short_name: short,
            endpoint_type,
            subnet_ids,
            security_group_ids,
            route_table_ids,
            private_dns_enabled: endpoint_type == EndpointType::Interface && request.bool("PrivateDnsEnabled").unwrap_or(true),
            policy_document: request.str("PolicyDocument").unwrap_or(FULL_ACCESS_POLICY).to_string(),
            created_at_ms: ctx.now_ms,
            state: EndpointState::Available,
            endpoint_service_id: None,
        };
        self.add_endpoint(endpoint, &ctx.region);
        Ok(json!({ "VpcEndpoint": self.endpoint_json(&id) }))
    }

    pub(crate) fn endpoint_json(&self, id: &str) -> Value {
        let Some(e) = self.endpoints.get(id) else { return Value::Null };
        json!({
            "VpcEndpointId": e.vpc_endpoint_id, "VpcEndpointType": e.endpoint_type.as_aws(), "VpcId": e.vpc_id, "ServiceName": e.service_name,
            "State": e.state.as_aws(), "PolicyDocument": e.policy_document, "RouteTableIds": e.route_table_ids, "SubnetIds": e.subnet_ids,
            "Groups": e.security_group_ids.iter().map(|g| json!({ "GroupId": g, "GroupName": self.security_groups.get(g).map(|s| s.group_name.clone()).unwrap_or_default() })).collect::<Vec<_>>(),
            "PrivateDnsEnabled": e.private_dns_enabled, "RequesterManaged": false,
        })
    }

    /// The ids a Describe call asks for (`ids_member`), or every id when it names none. An unknown id is
    /// EC2's `<code>` error.
    fn pick<V>(table: &crate::table::Table<String, V>, request: &Request<'_>, ids_member: &str, code: &'static str, kind: &str) -> Result<Vec<String>, ApiError> {
        let asked = request.strings(ids_member);
        if asked.is_empty() {
            return Ok(table.keys().cloned().collect());
        }
        for id in &asked {
            if !table.contains_key(id) {
                return Err(not_found(code, kind, id));
            }
        }
        Ok(asked)
    }

    /// Answers a Describe* call, keeping only the items its `Filters` (`Filter` for DescribeNatGateways) match.
    pub(crate) fn describe(&self, call: &str, request: &Request<'_>, ctx: &VpcContext) -> ApiResult {
        let filters = describe_filters(request)?;
        let mut answer = self.describe_all(call, request, ctx)?;
        if let Some(items) = answer.as_object_mut().and_then(|o| o.values_mut().next()).and_then(Value::as_array_mut) {
            items.retain(|item| filters.iter().all(|(name, values)| filter_matches(item, name, values)));
        }
        Ok(answer)
    }

    fn describe_all(&self, call: &str, request: &Request<'_>, ctx: &VpcContext) -> ApiResult {
        Ok(match call {
            "ec2:DescribeVpcs" => json!({ "Vpcs": Self::pick(&self.vpcs, request, "VpcIds", "InvalidVpcID.NotFound", "vpc")?.iter().map(|id| self.vpc_json(id, ctx)).collect::<Vec<_>>() }),
            "ec2:DescribeSubnets" => json!({ "Subnets": Self::pick(&self.subnets, request, "SubnetIds", "InvalidSubnetID.NotFound", "subnet")?.iter().map(|id| self.subnet_json(id, ctx)).collect::<Vec<_>>() }),
            "ec2:DescribeInternetGateways" => json!({ "InternetGateways": Self::pick(&self.internet_gateways, request, "InternetGatewayIds", "InvalidInternetGatewayID.NotFound", "internetGateway")?.iter().map(|id| self.igw_json(id)).collect::<Vec<_>>() }),
            "ec2:DescribeRouteTables" => json!({ "RouteTables": Self::pick(&self.route_tables, request, "RouteTableIds", "InvalidRouteTableID.NotFound", "routeTable")?.iter().map(|id| self.route_table_json(id, ctx)).collect::<Vec<_>>() }),
            "ec2:DescribeAddresses" => json!({ "Addresses": Self::pick(&self.addresses, request, "AllocationIds", "InvalidAllocationID.NotFound", "allocation")?.iter().filter_map(|id| self.addresses.get(id)).map(|a| {
                let mut out = json!({ "AllocationId": a.allocation_id, "PublicIp": a.public_ip, "Domain": "vpc", "PublicIpv4Pool": "amazon", "NetworkBorderGroup": ctx.region });
                if let Some(nat) = a.nat_gateway_id.as_ref().and_then(|n| self.nat_gateways.get(n)) {
                    out["SubnetId"] = json!(nat.subnet_id);
                }
                out
            }).collect::<Vec<_>>() }),
            "ec2:DescribeNatGateways" => json!({ "NatGateways": Self::pick(&self.nat_gateways, request, "NatGatewayIds", "NatGatewayNotFound", "natGateway")?.iter().map(|id| self.nat_json(id, ctx)).collect::<Vec<_>>() }),
            "ec2:DescribeSecurityGroups" => json!({ "SecurityGroups": Self::pick(&self.security_groups, request, "GroupIds", "InvalidGroup.NotFound", "security group")?.iter().filter_map(|id| self.security_groups.get(id)).map(|g| self.group_json(g, ctx)).collect::<Vec<_>>() }),
            "ec2:DescribeVpcEndpoints" => json!({ "VpcEndpoints": Self::pick(&self.endpoints, request, "VpcEndpointIds", "InvalidVpcEndpointId.NotFound", "vpcEndpoint")?.iter().map(|id| self.endpoint_json(id)).collect::<Vec<_>>() }),
            _ => return Err(ApiError::new("UnknownOperationException", format!("The playground does not know the call '{call}'."))),
        })
    }
}
