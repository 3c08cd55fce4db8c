//! The Network tab's paths inside the VPC (load balancer to target, task to EFS, task to database), each
//! with its hops or its missing hop, and the network's lines in the cost panel (NAT gateways, interface
//! endpoints, data between Availability Zones). Everything shown is read from `View.network`.

use ecs_sim::sim::network_view::PrivateLinkView;
use ecs_sim::vpc::{NetworkCostLine, PeerPath, BYTES_PER_GB};
use yew::prelude::*;

use crate::components::form::hint;

/// One path: its ends and port, then its hops in order, the missing hop last and marked.
pub fn path_card(path: &PeerPath, key: String) -> Html {
    let verdict = if path.complete() { ("verdict pass", "Reachable") } else { ("verdict fail", "Not reachable") };
    html! {
        <section key={key} class="net-path" data-path-from={path.from.clone()} data-path-to={path.to.clone()} data-complete={path.complete().to_string()}>
            <h4><span class={verdict.0}>{ verdict.1 }</span>{ format!(" {} → {} on TCP {}", path.from, path.to, path.port) }</h4>
            <ol class="net-hops">
                { for path.hops.iter().enumerate().map(|(i, h)| html! {
                    <li key={i} class="net-hop"><code>{ &h.component }</code>{ " " }{ &h.detail }</li>
                }) }
                if let Some(missing) = &path.missing {
                    <li key="missing" class="net-hop missing"><strong>{ "Missing hop: " }</strong><code>{ &missing.component }</code>{ " " }{ &missing.detail }</li>
                }
            </ol>
        </section>
    }
}

/// The paths section of the Network tab.
pub fn paths_section(paths: &[PeerPath], n_left_out: u64) -> Html {
    html! {
        <>
            { for paths.iter().enumerate().map(|(i, p)| path_card(p, format!("{i}/{}/{}/{}", p.from, p.to, p.port))) }
            if n_left_out > 0 {
                { hint(&format!("{n_left_out} more paths are left out.")) }
            }
        </>
    }
}

/// Bytes as GB of the price list, three decimals.
pub fn gb_text(bytes: u64) -> String {
    let milli = (bytes as u128 * 1000 / BYTES_PER_GB as u128) as u64;
    format!("{}.{:03} GB", milli / 1000, milli % 1000)
}

/// The network's rows of the cost panel, and the total of compute (`compute_to_date_micro_usd`) and network.
pub fn network_cost_table(lines: &[NetworkCostLine], usd: fn(u64) -> String, compute_to_date_micro_usd: u64) -> Html {
    if lines.is_empty() {
        return html! {};
    }
    let total: u64 = lines.iter().map(|l| l.to_date_micro_usd).sum();
    html! {
        <>
        <table class="access-table cost-table network-cost-table" data-network-to-date-micro-usd={total.to_string()}>
            <thead><tr><th>{ "Network" }</th><th class="num">{ "Data" }</th><th class="num">{ "To date" }</th><th class="num">{ "Per hour" }</th></tr></thead>
            <tbody>
                { for lines.iter().map(|l| html! {
                    <tr key={l.name.clone()} data-network-cost-line={l.name.clone()} data-to-date-micro-usd={l.to_date_micro_usd.to_string()}>
                        <td>{ &l.name }</td><td class="num">{ gb_text(l.bytes) }</td><td class="num">{ usd(l.to_date_micro_usd) }</td><td class="num">{ usd(l.per_hour_micro_usd) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
        <p class="cost-totals network-cost-total">{ format!("Compute {} + network {} = ", usd(compute_to_date_micro_usd), usd(total)) }<strong>{ usd(compute_to_date_micro_usd + total) }</strong>{ " to date" }</p>
        </>
    }
}

/// The PrivateLink diagram: the consumer VPC with its client and interface endpoint on the left, the
/// provider VPC with its Network Load Balancer and target on the right, the connection drawn through the
/// endpoint (solid where it passes, dashed and red from the missing hop on), then the path hop by hop.
pub fn privatelink_card(link: &PrivateLinkView) -> Html {
    let complete = link.path.complete();
    let missing_at = link.path.missing.as_ref().map(|m| m.component.clone()).unwrap_or_default();
    // How many of the three segments (client to endpoint, PrivateLink to the load balancer, load balancer to
    // the tasks) the connection passes.
    let reached = if complete {
        3
    } else if missing_at == link.vpc_endpoint_id {
        if link.state == "available" { 0 } else { 1 }
    } else if link.consumer_subnet_ids.contains(&missing_at) {
        0
    } else {
        2
    };
    let segment = |i: u32, (x1, y1): (u32, u32), (x2, y2): (u32, u32)| {
        let class = if i < reached { "pl-link ok" } else { "pl-link blocked" };
        html! { <line key={format!("seg{i}")} class={class} x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} marker-end="url(#pl-arrow)" /> }
    };
    let target = if link.path.to.starts_with("task ") { link.path.to.clone() } else { "its targets".to_string() };
    html! {
        <section class="privatelink" data-endpoint={link.vpc_endpoint_id.clone()} data-state={link.state} data-complete={complete.to_string()}>
            <h4>{ format!("PrivateLink: {} → {} ({})", link.consumer_vpc_id, link.load_balancer_name, link.state) }</h4>
            <svg class="pl-diagram" viewBox="0 0 280 236" role="img" aria-label={format!("Consumer VPC {} with endpoint {}, AWS PrivateLink to load balancer {} in {}", link.consumer_vpc_id, link.vpc_endpoint_id, link.load_balancer_name, link.provider_vpc_id)}>
                <defs>
                    <marker id="pl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" /></marker>
                </defs>
                <rect class="pl-vpc" x="2" y="2" width="276" height="96" rx="6" />
                <text class="pl-caption" x="10" y="18">{ format!("consumer {}", link.consumer_vpc_id) }</text>
                <rect class="pl-node" x="12" y="30" width="92" height="38" rx="4" />
                <text class="pl-label" x="58" y="53" text-anchor="middle">{ "client" }</text>
                <rect class={if link.state == "available" { "pl-node endpoint" } else { "pl-node endpoint pending" }} x="176" y="30" width="92" height="38" rx="4" />
                <text class="pl-label" x="222" y="46" text-anchor="middle">{ "endpoint" }</text>
                <text class="pl-small" x="222" y="61" text-anchor="middle">{ link.state }</text>
                <text class="pl-small" x="10" y="88">{ link.consumer_subnet_ids.join(", ") }</text>
                <rect class="pl-vpc provider" x="2" y="128" width="276" height="106" rx="6" />
                <text class="pl-caption" x="10" y="144">{ format!("provider {}", link.provider_vpc_id) }</text>
                <text class="pl-small" x="214" y="114" text-anchor="end">{ "AWS PrivateLink" }</text>
                <rect class="pl-node" x="176" y="154" width="92" height="38" rx="4" />
                <text class="pl-label" x="222" y="170" text-anchor="middle">{ "NLB" }</text>
                <text class="pl-small" x="222" y="185" text-anchor="middle">{ format!("TCP {}", link.listener_port) }</text>
                <rect class="pl-node" x="12" y="154" width="92" height="38" rx="4" />
                <text class="pl-label" x="58" y="177" text-anchor="middle">{ "tasks" }</text>
                <text class="pl-small" x="10" y="222">{ format!("{} → {}", link.load_balancer_name, target) }</text>
                { segment(0, (104, 49), (174, 49)) }
                { segment(1, (222, 68), (222, 152)) }
                { segment(2, (176, 173), (106, 173)) }
            </svg>
            <p class="hint">{ format!("{} ({}) · {} requests served", link.service_name, if link.acceptance_required { "acceptance required" } else { "no acceptance" }, link.n_requests) }</p>
            { path_card(&link.path, format!("pl/{}", link.vpc_endpoint_id)) }
        </section>
    }
}
