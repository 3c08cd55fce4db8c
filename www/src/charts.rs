//! Metric charts, drawn with plotters on a `<canvas>`: cluster CPU and memory reservation (%) and
//! the running task count over sim time, from `View::metrics`.

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
