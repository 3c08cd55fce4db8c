//! Metric charts, drawn with plotters on a `<canvas>`: cluster CPU and memory reservation (%) and
//! the running task count over sim time, from `View::metrics`; and stacked panels for the load
//! balancer, scaling and cost charts.

use ecs_sim::sim::MetricSample;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

const CPU_COLOUR: RGBColor = RGBColor(31, 78, 140);
const MEMORY_COLOUR: RGBColor = RGBColor(200, 110, 0);
const TASKS_COLOUR: RGBColor = RGBColor(29, 122, 62);

/// Draws the reservation and task-count series of `metrics` on `canvas`.
pub fn draw_metrics(canvas: web_sys::HtmlCanvasElement, metrics: &[MetricSample]) {
    let Some(backend) = CanvasBackend::with_canvas_object(canvas) else {
        return;
    };
    let root = backend.into_drawing_area();
    // Drawing errors only leave the canvas blank; there is nothing to recover.
    let _ = draw(&root, metrics);
    let _ = root.present();
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, plotters::coord::Shift>, metrics: &[MetricSample]) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let minute = |ms: u64| ms as f64 / 60_000.0;
    let first = metrics.first().map_or(0.0, |m| minute(m.time.as_millis()));
    let last = metrics.last().map_or(10.0, |m| minute(m.time.as_millis())).max(first + 10.0);
    let max_tasks = metrics.iter().map(|m| m.running_tasks).max().unwrap_or(0).max(4) as f64 * 1.1;
    let mut chart = ChartBuilder::on(root)
        .margin(6)
        .margin_right(6)
        .x_label_area_size(18)
        .y_label_area_size(26)
        .right_y_label_area_size(24)
        .build_cartesian_2d(first..last, 0f64..100f64)?
        .set_secondary_coord(first..last, 0f64..max_tasks);
    chart
        .configure_mesh()
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&|m| format!("{m:.0}m"))
        .y_label_formatter(&|p| format!("{p:.0}%"))
        .label_style(("sans-serif", 10))
        .light_line_style(RGBColor(238, 241, 245))
        .draw()?;
    chart.configure_secondary_axes().y_labels(4).y_label_formatter(&|n| format!("{n:.0}")).label_style(("sans-serif", 10).into_font().color(&TASKS_COLOUR)).draw()?;
    chart
        .draw_series(LineSeries::new(metrics.iter().map(|m| (minute(m.time.as_millis()), m.cpu_reservation_percent)), CPU_COLOUR.stroke_width(2)))?;
    chart
        .draw_series(LineSeries::new(metrics.iter().map(|m| (minute(m.time.as_millis()), m.memory_reservation_percent)), MEMORY_COLOUR.stroke_width(2)))?;
    chart
        .draw_secondary_series(LineSeries::new(metrics.iter().map(|m| (minute(m.time.as_millis()), m.running_tasks as f64)), TASKS_COLOUR.stroke_width(1)))?;
    Ok(())
}

/// Colours of chart series: a plan or a desired count, what actually happened, and a limit or target.
pub const PLANNED: RGBColor = CPU_COLOUR;
pub const ACTUAL: RGBColor = TASKS_COLOUR;
pub const LIMIT: RGBColor = MEMORY_COLOUR;

/// One stacked panel: its title (which names its lines' colours, so no colour carries meaning
/// alone), the x values in sim minutes, and its lines (values per x, colour; the first drawn widest).
#[derive(Clone, PartialEq)]
pub struct ChartPanel {
    pub title: String,
    pub xs: Vec<f64>,
    pub series: Vec<(Vec<f64>, RGBColor)>,
}

/// Draws a load balancer's per-minute metrics on `canvas` as four stacked panels: requests per
/// minute, TargetResponseTime p99 (ms), 5xx from targets and from the load balancer, and healthy
/// (and unhealthy) hosts.
pub fn draw_lb_metrics(canvas: web_sys::HtmlCanvasElement, points: &[ecs_sim::elb::MetricPoint]) {
    let xs: Vec<f64> = points.iter().map(|m| m.minute_start_ms as f64 / 60_000.0).collect();
    let panel = |title: &str, series: Vec<(Vec<f64>, RGBColor)>| ChartPanel { title: title.to_string(), xs: xs.clone(), series };
    let panels = [
        panel("Requests / minute", vec![(points.iter().map(|m| m.request_count as f64).collect(), CPU_COLOUR)]),
        panel("TargetResponseTime p99 (ms)", vec![(points.iter().map(|m| m.p99_ms).collect(), MEMORY_COLOUR)]),
        panel("5xx: target (red), ELB (dark)", vec![(points.iter().map(|m| m.target_5xx as f64).collect(), RGBColor(180, 35, 24)), (points.iter().map(|m| m.elb_5xx as f64).collect(), RGBColor(60, 20, 20))]),
        panel("Hosts: healthy (green), unhealthy (red)", vec![(points.iter().map(|m| m.healthy_hosts as f64).collect(), TASKS_COLOUR), (points.iter().map(|m| m.unhealthy_hosts as f64).collect(), RGBColor(180, 35, 24))]),
    ];
    draw_panels(canvas, &panels);
}

/// Wall time between two redraws of a chart while the run plays: a chart follows the sim without
/// redrawing on every published view.
const CHART_REDRAW_WALL_MS: f64 = 400.0;

/// A canvas that `draw` redraws when `key` changes: at once when paused, at most every
/// [`CHART_REDRAW_WALL_MS`] while playing. Returns the canvas's ref.
#[yew::hook]
pub fn use_chart_canvas<K, F>(key: K, playing: bool, draw: F) -> yew::NodeRef
where
    K: PartialEq + 'static,
    F: FnOnce(web_sys::HtmlCanvasElement) + 'static,
{
    let canvas = yew::use_node_ref();
    let last_draw_wall_ms = yew::use_mut_ref(|| f64::NEG_INFINITY);
    {
        let canvas = canvas.clone();
        yew::use_effect_with((key, playing), move |(_, playing)| {
            let now = js_sys::Date::now();
            if !*playing || now - *last_draw_wall_ms.borrow() >= CHART_REDRAW_WALL_MS {
                *last_draw_wall_ms.borrow_mut() = now;
                if let Some(canvas) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                    draw(canvas);
                }
            }
        });
    }
    canvas
}

/// Draws `panels` stacked on `canvas`, each with its own x range.
pub fn draw_panels(canvas: web_sys::HtmlCanvasElement, panels: &[ChartPanel]) {
    let Some(backend) = CanvasBackend::with_canvas_object(canvas) else {
        return;
    };
    let root = backend.into_drawing_area();
    // Drawing errors only leave the canvas blank; there is nothing to recover.
    let _ = root.fill(&WHITE);
    for (area, p) in root.split_evenly((panels.len().max(1), 1)).iter().zip(panels) {
        let _ = draw_panel(area, &p.title, &p.xs, &p.series);
    }
    let _ = root.present();
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>, title: &str, xs: &[f64], series: &[(Vec<f64>, RGBColor)]) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let first = xs.first().copied().unwrap_or(0.0);
    let last = xs.last().copied().unwrap_or(first).max(first + 5.0);
    let max = series.iter().flat_map(|(ys, _)| ys.iter().copied()).fold(0.0f64, f64::max).max(4.0) * 1.15;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 10))
        .margin(3)
        .margin_right(8)
        .x_label_area_size(14)
        .y_label_area_size(34)
        .build_cartesian_2d(first..last, 0f64..max)?;
    chart
        .configure_mesh()
        .x_labels(4)
        .y_labels(3)
        .x_label_formatter(&|m| format!("{m:.0}m"))
        .y_label_formatter(&|v| if *v >= 1000.0 { format!("{:.0}k", v / 1000.0) } else { format!("{v:.0}") })
        .label_style(("sans-serif", 9))
        .light_line_style(RGBColor(238, 241, 245))
        .draw()?;
    // Earlier lines are drawn wider, so a line that runs on top of another still shows around it.
    for (i, (ys, colour)) in series.iter().enumerate() {
        let width = 2 + 2 * (series.len() - 1 - i) as u32;
        chart.draw_series(LineSeries::new(xs.iter().copied().zip(ys.iter().copied()), colour.stroke_width(width)))?;
    }
    Ok(())
}

/// Colours of a Container Insights chart's lines, in order: utilized (or the first count), reserved, the third.
const INSIGHTS_COLOURS: [RGBColor; 3] = [CPU_COLOUR, MEMORY_COLOUR, TASKS_COLOUR];

/// The CSS colour of line `i` of a Container Insights chart, for the legend under its canvas.
pub fn insights_line_colour(i: usize) -> String {
    let RGBColor(r, g, b) = INSIGHTS_COLOURS[i % INSIGHTS_COLOURS.len()];
    format!("rgb({r},{g},{b})")
}

/// Draws one Container Insights chart on `canvas`: its title, the x axis in sim minutes and the y axis in the
/// chart's unit (a minute without a datapoint breaks the line). The legend is under the canvas, in the page.
pub fn draw_insights_chart(canvas: web_sys::HtmlCanvasElement, minutes: &[f64], chart: &ecs_sim::sim::insights_dashboard::InsightsChart) {
    let Some(backend) = CanvasBackend::with_canvas_object(canvas) else {
        return;
    };
    let root = backend.into_drawing_area();
    // Drawing errors only leave the canvas blank; there is nothing to recover.
    let _ = draw_insights(&root, minutes, chart);
    let _ = root.present();
}

fn draw_insights<DB: DrawingBackend>(root: &DrawingArea<DB, plotters::coord::Shift>, minutes: &[f64], chart: &ecs_sim::sim::insights_dashboard::InsightsChart) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let first = minutes.first().copied().unwrap_or(0.0);
    let last = minutes.last().copied().unwrap_or(first).max(first + 5.0);
    let max = chart.lines.iter().flat_map(|l| l.values.iter().flatten().copied()).fold(0.0f64, f64::max).max(1.0) * 1.15;
    let mut c = ChartBuilder::on(root)
        .caption(&chart.title, ("sans-serif", 11))
        .margin(4)
        .margin_right(8)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(first..last, 0f64..max)?;
    c.configure_mesh()
        .x_labels(5)
        .y_labels(5)
        .x_desc("Sim time (minutes)")
        .y_desc(chart.y_unit)
        .x_label_formatter(&|m| format!("{m:.0}"))
        .y_label_formatter(&|v| if *v >= 10_000.0 { format!("{:.0}k", v / 1000.0) } else if max < 10.0 { format!("{v:.1}") } else { format!("{v:.0}") })
        .label_style(("sans-serif", 9))
        .axis_desc_style(("sans-serif", 10))
        .light_line_style(RGBColor(238, 241, 245))
        .draw()?;
    for (i, line) in chart.lines.iter().enumerate() {
        let colour = INSIGHTS_COLOURS[i % INSIGHTS_COLOURS.len()];
        // Each run of minutes with a datapoint is one segment.
        let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (x, v) in minutes.iter().zip(&line.values) {
            match v {
                Some(y) => segments.last_mut().expect("one segment at least").push((*x, *y)),
                None if !segments.last().is_some_and(Vec::is_empty) => segments.push(Vec::new()),
                None => {}
            }
        }
        let width = if i == 0 { 3 } else { 2 };
        for segment in segments.into_iter().filter(|s| !s.is_empty()) {
            let points = if segment.len() == 1 { vec![segment[0], (segment[0].0 + 0.2, segment[0].1)] } else { segment };
            c.draw_series(LineSeries::new(points, colour.stroke_width(width)))?;
        }
    }
    Ok(())
}
