//! The architecture diagram of a `View` as an SVG document, laid out for a slide (16:9, large type): the load
//! balancers and their listeners on top, the ECS cluster with one column per Availability Zone (its container
//! instances with their tasks, and a Fargate lane), then the storage (EFS file systems with their mount
//! targets' zones) and the integrations (S3 buckets, DynamoDB tables, Step Functions state machines, CloudWatch
//! log groups), and a legend of the task status colours. The SVG is plain text built here, so the app exports it
//! as it is and draws it onto a canvas for the PNG.
//!
//! Every list drawn is bounded (`MAX_INSTANCES_PER_ZONE`, `MAX_TASKS_PER_BOX`, `MAX_ITEMS_PER_ROW`), with a
//! "+N more" note for what is left out, so a large run still gives a readable slide.

use std::fmt::Write;

use crate::view::{Ec2State, LaunchType, TaskStatus, TaskView, View};

/// The drawing's width in SVG units (its height follows what it holds).
pub const DIAGRAM_WIDTH: u32 = 1600;
/// The fewest instances drawn per zone before "+N more".
pub const MAX_INSTANCES_PER_ZONE: usize = 6;
/// The most task chips drawn in one instance box or Fargate lane before "+N more".
pub const MAX_TASKS_PER_BOX: usize = 12;
/// The most boxes in a row of load balancers, storage or integrations before "+N more".
pub const MAX_ITEMS_PER_ROW: usize = 6;

const MARGIN: u32 = 32;
const CHIP_W: u32 = 150;
const CHIP_H: u32 = 44;
const GAP: u32 = 10;
const FONT: &str = "font-family=\"Helvetica, Arial, sans-serif\"";

/// Text made safe inside SVG elements and attributes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `max` characters with an ellipsis.
fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// A task status's fill, the colour of the text on it (each pair readable on a projector) and the word shown.
fn status_style(status: TaskStatus) -> (&'static str, &'static str, &'static str) {
    match status {
        TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating => ("#f2b441", "#1d2733", "starting"),
        TaskStatus::Running => ("#217a45", "#ffffff", "running"),
        TaskStatus::Deactivating | TaskStatus::Stopping | TaskStatus::Deprovisioning => ("#b9541c", "#ffffff", "stopping"),
        TaskStatus::Stopped => ("#9aa3ad", "#1d2733", "stopped"),
    }
}

struct Svg {
    body: String,
}

impl Svg {
    fn rect(&mut self, x: u32, y: u32, w: u32, h: u32, fill: &str, stroke: &str, class: &str) {
        let _ = write!(self.body, "<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"8\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"2\"/>");
    }

    fn text(&mut self, x: u32, y: u32, size: u32, weight: &str, fill: &str, text: &str) {
        let _ = write!(self.body, "<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\" font-weight=\"{weight}\" fill=\"{fill}\">{}</text>", esc(text));
    }

    /// A row of labelled boxes (title and detail), left to right, with "+N more" past the bound; the row's
    /// height.
    fn boxes(&mut self, y: u32, heading: &str, class: &str, fill: &str, stroke: &str, items: &[(String, String)]) -> u32 {
        self.text(MARGIN, y + 24, 22, "bold", "#1d2733", heading);
        let w = (DIAGRAM_WIDTH - 2 * MARGIN - (MAX_ITEMS_PER_ROW as u32 - 1) * GAP) / MAX_ITEMS_PER_ROW as u32;
        let top = y + 36;
        for (i, (title, detail)) in items.iter().take(MAX_ITEMS_PER_ROW).enumerate() {
            let x = MARGIN + i as u32 * (w + GAP);
            let shown = if i + 1 == MAX_ITEMS_PER_ROW && items.len() > MAX_ITEMS_PER_ROW { format!("+{} more", items.len() - MAX_ITEMS_PER_ROW + 1) } else { title.clone() };
            self.rect(x, top, w, 64, fill, stroke, class);
            self.text(x + 12, top + 27, 19, "bold", "#1d2733", &fit(&shown, 22));
            if !(i + 1 == MAX_ITEMS_PER_ROW && items.len() > MAX_ITEMS_PER_ROW) {
                self.text(x + 12, top + 52, 15, "normal", "#44505c", &fit(detail, 28));
            }
        }
        36 + 64 + 24
    }

    /// Task chips from (`x`, `y`) in rows of `per_row` (`chips_height` is the height they take).
    fn chips(&mut self, x: u32, y: u32, per_row: u32, tasks: &[&TaskView]) {
        let per_row = per_row.max(1);
        let shown = tasks.len().min(MAX_TASKS_PER_BOX);
        for (i, task) in tasks.iter().take(shown).enumerate() {
            let (col, row) = (i as u32 % per_row, i as u32 / per_row);
            let (cx, cy) = (x + col * (CHIP_W + GAP), y + row * (CHIP_H + GAP));
            let (fill, ink, word) = status_style(task.last_status);
            let _ = write!(self.body, "<g class=\"task\" data-task-id=\"{}\">", esc(&task.id));
            self.rect(cx, cy, CHIP_W, CHIP_H, fill, "#1d2733", "task-chip");
            let name = task.service.clone().unwrap_or_else(|| task.family.clone());
            self.text(cx + 10, cy + 19, 16, "bold", ink, &fit(&name, 15));
            self.text(cx + 10, cy + 37, 13, "normal", ink, word);
            self.body.push_str("</g>");
        }
        if tasks.len() > shown {
            let rows = (shown as u32).div_ceil(per_row);
            self.text(x, y + rows * (CHIP_H + GAP) + 18, 15, "normal", "#44505c", &format!("+{} more tasks", tasks.len() - shown));
        }
    }
}

/// The height `n` task chips take in rows of `per_row` (with the "+N more" line).
fn chips_height(n: usize, per_row: u32) -> u32 {
    let shown = n.min(MAX_TASKS_PER_BOX) as u32;
    let rows = shown.div_ceil(per_row.max(1)) + u32::from(n > MAX_TASKS_PER_BOX);
    rows.max(1) * (CHIP_H + GAP)
}

/// The live tasks (not STOPPED) of `view`, in its order.
fn live_tasks(view: &View) -> Vec<&TaskView> {
    view.tasks.iter().filter(|t| t.last_status != TaskStatus::Stopped).collect()
}

/// The architecture of `view` as an SVG document; `title` heads it (the scenario's name) and `caption`, when
/// given, is written under the title.
pub fn architecture_svg(view: &View, title: &str, caption: Option<&str>) -> String {
    let mut svg = Svg { body: String::new() };
    let mut y = MARGIN;
    svg.text(MARGIN, y + 34, 34, "bold", "#1d2733", &fit(title, 70));
    let _ = write!(svg.body, "<text x=\"{}\" y=\"{}\" font-size=\"20\" fill=\"#44505c\" text-anchor=\"end\">{}</text>", DIAGRAM_WIDTH - MARGIN, y + 34,
                   esc(&format!("{} · {}", view.region, crate::time::format_duration_ms(view.now.as_millis()))));
    y += 50;
    if let Some(caption) = caption {
        svg.text(MARGIN, y + 26, 22, "normal", "#1d4f91", &fit(caption, 120));
        y += 36;
    }
    y += 12;

    // Load balancers, each with its listeners.
    let lbs: Vec<(String, String)> = view
        .load_balancers
        .iter()
        .map(|lb| {
            let listeners: Vec<String> = lb.listeners.iter().map(|l| format!("{} :{}", l.protocol, l.port)).collect();
            (lb.name.clone(), format!("{} {}", lb.lb_type.as_aws(), listeners.join(", ")))
        })
        .collect();
    if !lbs.is_empty() {
        y += svg.boxes(y, "Load balancers", "load-balancer", "#e8f0fb", "#3b6fb6", &lbs);
    }

    // The cluster: one column per Availability Zone.
    let clusters: Vec<&str> = view.clusters.iter().map(|c| c.name.as_str()).collect();
    let zones: Vec<&String> = view.availability_zones.iter().collect();
    let n_zones = zones.len().max(1) as u32;
    let inner_w = DIAGRAM_WIDTH - 2 * MARGIN - 2 * 16;
    let col_w = (inner_w - (n_zones - 1) * GAP) / n_zones;
    let per_row = ((col_w - 2 * 14 + GAP) / (CHIP_W + GAP)).max(1);
    let tasks = live_tasks(view);
    let cluster_top = y;
    let mut columns = Vec::new();
    let mut column_h = 0u32;
    for (z, zone) in zones.iter().enumerate() {
        let mut column = Svg { body: String::new() };
        let x = MARGIN + 16 + z as u32 * (col_w + GAP);
        let mut cy = cluster_top + 42 + 44;
        let instances: Vec<_> = view.instances.iter().filter(|i| &i.availability_zone == *zone && i.ec2_state != Ec2State::Terminated).collect();
        for instance in instances.iter().take(MAX_INSTANCES_PER_ZONE) {
            let on: Vec<&TaskView> = tasks.iter().copied().filter(|t| t.ec2_instance_id.as_deref() == Some(instance.ec2_instance_id.as_str())).collect();
            let h = 40 + chips_height(on.len(), per_row) + 6;
            let _ = write!(column.body, "<g class=\"instance\" data-instance-id=\"{}\">", esc(&instance.ec2_instance_id));
            column.rect(x + 4, cy, col_w - 8, h, "#ffffff", "#6b7785", "instance-box");
            column.text(x + 14, cy + 27, 17, "bold", "#1d2733", &fit(&format!("EC2 {} · {}", instance.instance_type, instance.ec2_instance_id), (col_w / 9) as usize));
            column.chips(x + 14, cy + 40, per_row, &on);
            column.body.push_str("</g>");
            cy += h + GAP;
        }
        if instances.len() > MAX_INSTANCES_PER_ZONE {
            column.text(x + 14, cy + 18, 15, "normal", "#44505c", &format!("+{} more instances", instances.len() - MAX_INSTANCES_PER_ZONE));
            cy += 28;
        }
        let fargate: Vec<&TaskView> = tasks.iter().copied().filter(|t| t.launch_type == LaunchType::Fargate && &t.availability_zone == *zone).collect();
        if !fargate.is_empty() {
            let h = 40 + chips_height(fargate.len(), per_row) + 6;
            column.body.push_str("<g class=\"fargate\">");
            column.rect(x + 4, cy, col_w - 8, h, "#fff7ec", "#e07b39", "fargate-lane");
            column.text(x + 14, cy + 27, 17, "bold", "#8a4b12", "AWS Fargate");
            column.chips(x + 14, cy + 40, per_row, &fargate);
            column.body.push_str("</g>");
            cy += h + GAP;
        }
        if instances.is_empty() && fargate.is_empty() {
            column.text(x + 14, cy + 24, 15, "normal", "#6b7785", "no instances or tasks");
            cy += 36;
        }
        column_h = column_h.max(cy - cluster_top);
        columns.push((x, (*zone).clone(), column.body));
    }
    let cluster_h = column_h + 16;
    let label = if clusters.is_empty() { "ECS cluster".to_string() } else { format!("ECS cluster {}", clusters.join(", ")) };
    let _ = write!(svg.body, "<g class=\"cluster\" data-clusters=\"{}\">", esc(&clusters.join(" ")));
    svg.rect(MARGIN, cluster_top, DIAGRAM_WIDTH - 2 * MARGIN, cluster_h, "#f4f6f8", "#ff9900", "cluster-box");
    svg.text(MARGIN + 16, cluster_top + 30, 22, "bold", "#1d2733", &fit(&label, 80));
    for (x, zone, body) in &columns {
        let _ = write!(svg.body, "<g class=\"zone\" data-zone=\"{}\">", esc(zone));
        let _ = write!(svg.body, "<rect class=\"zone-box\" x=\"{x}\" y=\"{}\" width=\"{col_w}\" height=\"{}\" rx=\"8\" fill=\"none\" stroke=\"#3b6fb6\" stroke-width=\"2\" stroke-dasharray=\"8 6\"/>", cluster_top + 42, cluster_h - 52);
        svg.text(x + 12, cluster_top + 42 + 26 + 2, 18, "bold", "#3b6fb6", &format!("Availability Zone {zone}"));
        svg.body.push_str(body);
        svg.body.push_str("</g>");
    }
    svg.body.push_str("</g>");
    y = cluster_top + cluster_h + 24;

    // Storage and integrations.
    let storage: Vec<(String, String)> = view
        .file_systems
        .iter()
        .map(|fs| {
            let zones: Vec<&str> = fs.mount_targets.iter().map(|m| m.availability_zone.rsplit('-').next().unwrap_or(&m.availability_zone)).collect();
            (format!("EFS {}", fs.name.clone().unwrap_or_else(|| fs.file_system_id.clone())), format!("mount targets: {}", if zones.is_empty() { "none".to_string() } else { zones.join(", ") }))
        })
        .collect();
    if !storage.is_empty() {
        y += svg.boxes(y, "Storage", "storage", "#eef7ee", "#2e7d32", &storage);
    }
    let mut integrations: Vec<(String, String)> = Vec::new();
    integrations.extend(view.integrations.buckets.iter().map(|b| (format!("S3 {}", b.name), if b.eventbridge_enabled { "events to EventBridge".to_string() } else { "bucket".to_string() })));
    integrations.extend(view.integrations.tables.iter().map(|t| (format!("DynamoDB {}", t.name), t.billing.clone())));
    let mut machines: Vec<&str> = view.integrations.executions.iter().map(|e| e.state_machine.as_str()).collect();
    machines.sort_unstable();
    machines.dedup();
    integrations.extend(machines.iter().map(|m| (format!("Step Functions {}", m.rsplit(':').next().unwrap_or(m)), "state machine".to_string())));
    if !view.logs.groups.is_empty() {
        let n = view.logs.groups.len() as u64 + view.logs.n_groups_left_out;
        let first = view.logs.groups.first().map(|g| g.name.clone()).unwrap_or_default();
        integrations.push((format!("CloudWatch Logs ({n})"), first));
    }
    if !integrations.is_empty() {
        y += svg.boxes(y, "Integrations", "integration", "#f5effa", "#7b3fa0", &integrations);
    }

    // The legend.
    let mut x = MARGIN;
    for status in [TaskStatus::Pending, TaskStatus::Running, TaskStatus::Stopping] {
        let (fill, _, word) = status_style(status);
        let _ = write!(svg.body, "<rect x=\"{x}\" y=\"{}\" width=\"22\" height=\"22\" rx=\"4\" fill=\"{fill}\"/>", y + 4);
        svg.text(x + 30, y + 22, 17, "normal", "#1d2733", word);
        x += 150;
    }
    let height = y + 48;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{DIAGRAM_WIDTH}\" height=\"{height}\" viewBox=\"0 0 {DIAGRAM_WIDTH} {height}\" {FONT}>\
<title>{}</title><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>{}</svg>\n",
        esc(title),
        svg.body
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_cut() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(fit("abcdef", 4), "abc…");
    }
}
