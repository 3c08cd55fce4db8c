//! The Network tab's paths inside the VPC (load balancer to target, task to EFS, task to database), each
//! with its hops or its missing hop, and the network's lines in the cost panel (NAT gateways, interface
//! endpoints, data between Availability Zones). Everything shown is read from `View.network`.

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

/// The network's rows of the cost panel, and their total to date.
pub fn network_cost_table(lines: &[NetworkCostLine], usd: fn(u64) -> String) -> Html {
    if lines.is_empty() {
        return html! {};
    }
    let total: u64 = lines.iter().map(|l| l.to_date_micro_usd).sum();
    html! {
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
    }
}
