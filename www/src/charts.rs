//! Metric charts, drawn with plotters on a `<canvas>`.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// Draws empty axes titled `caption` (0..60 min by 0..100) on `canvas`: the chart before a run.
pub fn draw_empty(canvas: web_sys::HtmlCanvasElement, caption: &str) {
    let Some(backend) = CanvasBackend::with_canvas_object(canvas) else {
        return;
    };
    let root = backend.into_drawing_area();
    // Drawing errors only leave the canvas blank; there is nothing to recover.
    let _ = draw_axes(&root, caption);
    let _ = root.present();
}

fn draw_axes<DB: DrawingBackend>(root: &DrawingArea<DB, plotters::coord::Shift>, caption: &str) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 13))
        .margin(6)
        .margin_right(16)
        .x_label_area_size(20)
        .y_label_area_size(28)
        .build_cartesian_2d(0u32..60u32, 0u32..100u32)?;
    chart
        .configure_mesh()
        .x_labels(7)
        .y_labels(6)
        .x_label_formatter(&|minute| format!("{minute}m"))
        .label_style(("sans-serif", 11))
        .light_line_style(RGBColor(238, 241, 245))
        .draw()?;
    Ok(())
}
