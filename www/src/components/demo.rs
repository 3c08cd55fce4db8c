//! Demo mode's bar: the caption the run has reached (a scenario step's `say`), the clock, stepping between
//! captions (→ or PageDown, ← or PageUp: the run jumps to that caption's time with the timeline's seek), the
//! architecture diagram exported as SVG (built by the core from the view, `Commands::architecture_svg`) or as a
//! PNG (that SVG drawn onto a canvas), and leaving demo mode (Escape).

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use ecs_sim::scenario::{caption_at, next_caption_ms, previous_caption_ms};

use crate::driver::{use_commands, use_scenario, use_status_select, Commands};
use crate::render_count::use_render_count;
use crate::text::format_elapsed;

/// The file names of the diagram's exports.
pub const SVG_FILE: &str = "ecs-playground-architecture.svg";
pub const PNG_FILE: &str = "ecs-playground-architecture.png";

/// Clicks a link that downloads `href` as `file_name`.
fn download(file_name: &str, href: &str) {
    let document = gloo::utils::document();
    let Ok(link) = document.create_element("a") else { return };
    if link.set_attribute("href", href).is_ok() && link.set_attribute("download", file_name).is_ok() {
        if let Some(link) = link.dyn_ref::<web_sys::HtmlElement>() {
            link.click();
        }
    }
}

fn svg_data_url(svg: &str) -> String {
    format!("data:image/svg+xml;charset=utf-8,{}", String::from(js_sys::encode_uri_component(svg)))
}

/// The `width` and `height` of the SVG's root element.
fn svg_size(svg: &str) -> (u32, u32) {
    let number = |name: &str| {
        let start = svg.find(&format!(" {name}=\""))? + name.len() + 3;
        svg[start..].split('"').next()?.parse::<u32>().ok()
    };
    (number("width").unwrap_or(1600), number("height").unwrap_or(900))
}

/// Draws `svg` onto a canvas of its size and downloads the canvas as a PNG.
fn export_png(svg: String) {
    let Ok(image) = web_sys::HtmlImageElement::new() else { return };
    let (width, height) = svg_size(&svg);
    let drawn = image.clone();
    let onload = Closure::once_into_js(move || {
        let document = gloo::utils::document();
        let Some(canvas) = document.create_element("canvas").ok().and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok()) else { return };
        canvas.set_width(width);
        canvas.set_height(height);
        let Some(context) = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()) else { return };
        context.set_fill_style_str("#ffffff");
        context.fill_rect(0.0, 0.0, width as f64, height as f64);
        if context.draw_image_with_html_image_element(&drawn, 0.0, 0.0).is_ok() {
            if let Ok(url) = canvas.to_data_url_with_type("image/png") {
                download(PNG_FILE, &url);
            }
        }
    });
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_src(&svg_data_url(&svg));
}

/// Jumps the run to the next (`forward`) or previous caption's time, if there is one.
fn step_caption(commands: &Commands, forward: bool) {
    let captions = commands.captions();
    let now_ms = commands.now_ms();
    let target = if forward { next_caption_ms(&captions, now_ms) } else { previous_caption_ms(&captions, now_ms) };
    if let Some(ms) = target {
        commands.seek(ms);
    }
}

#[derive(Properties, PartialEq)]
pub struct DemoBarProps {
    pub on_exit: Callback<()>,
}

#[function_component(DemoBar)]
pub fn demo_bar(props: &DemoBarProps) -> Html {
    use_render_count("DemoBar");
    let commands = use_commands();
    let scenario = use_scenario();
    let now_ms = *use_status_select(|s| s.now_ms);
    let captions = {
        let commands = commands.clone();
        use_memo(scenario.clone(), move |_| commands.captions())
    };
    let reached = caption_at(&captions, now_ms);
    let caption_text = reached.map(|(_, c)| c.text.clone());

    {
        let (commands, on_exit) = (commands.clone(), props.on_exit.clone());
        use_effect_with((), move |_| {
            // Not passive: the arrow and page keys would otherwise also scroll the page.
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::document(), "keydown", options, move |event| {
                let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
                if event.ctrl_key() || event.meta_key() || event.alt_key() {
                    return;
                }
                match event.key().as_str() {
                    "ArrowRight" | "PageDown" => {
                        event.prevent_default();
                        step_caption(&commands, true);
                    }
                    "ArrowLeft" | "PageUp" => {
                        event.prevent_default();
                        step_caption(&commands, false);
                    }
                    "Escape" => on_exit.emit(()),
                    _ => {}
                }
            });
            move || drop(listener)
        });
    }

    let on_previous = {
        let commands = commands.clone();
        Callback::from(move |_| step_caption(&commands, false))
    };
    let on_next = {
        let commands = commands.clone();
        Callback::from(move |_| step_caption(&commands, true))
    };
    let on_svg = {
        let (commands, caption) = (commands.clone(), caption_text.clone());
        Callback::from(move |_| download(SVG_FILE, &svg_data_url(&commands.architecture_svg(caption.as_deref()))))
    };
    let on_png = {
        let (commands, caption) = (commands.clone(), caption_text.clone());
        Callback::from(move |_| export_png(commands.architecture_svg(caption.as_deref())))
    };
    let on_exit = props.on_exit.reform(|_: MouseEvent| ());
    let position = match reached {
        Some((i, _)) => format!("caption {} of {}", i + 1, captions.len()),
        None if captions.is_empty() => "this scenario has no captions".to_string(),
        None => format!("{} captions ahead", captions.len()),
    };
    html! {
        <section class="demo-bar" aria-label="Demo">
            <div class="demo-caption-row">
                <p class="demo-caption" role="status" aria-live="polite" data-caption-index={reached.map(|(i, _)| i.to_string())}>
                    { caption_text.clone().unwrap_or_default() }
                </p>
                <span class="demo-clock" aria-label="Simulation time">{ format_elapsed(now_ms) }</span>
            </div>
            <div class="demo-controls" role="toolbar" aria-label="Demo controls">
                <button type="button" class="demo-previous" onclick={on_previous} title="The previous caption (← or PageUp)">{ "‹ Previous caption" }</button>
                <span class="demo-position">{ position }</span>
                <button type="button" class="demo-next" onclick={on_next} title="The next caption (→ or PageDown)">{ "Next caption ›" }</button>
                <button type="button" class="demo-export-svg" onclick={on_svg} title="The architecture diagram as an SVG file">{ "Export SVG" }</button>
                <button type="button" class="demo-export-png" onclick={on_png} title="The architecture diagram as a PNG image">{ "Export PNG" }</button>
                <button type="button" class="demo-exit" onclick={on_exit} title="Leave demo mode (Escape)">{ "Leave demo (Esc)" }</button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_size_is_read_from_its_root() {
        assert_eq!(svg_size("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1600\" height=\"742\" viewBox=\"0 0 1600 742\">"), (1600, 742));
    }
}
