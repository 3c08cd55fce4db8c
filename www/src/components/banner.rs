//! The banner over the map: restore problems, bad share links, failed saves, where a replaced run went, and a
//! rewound run's dropped calls; with a download when a run could not be stored.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::driver::{use_banner, use_commands, Download};
use crate::render_count::use_render_count;

#[function_component(Banner)]
pub fn banner() -> Html {
    use_render_count("Banner");
    let commands = use_commands();
    let Some(notice) = use_banner() else { return html! {} };
    let downloads = notice.downloads.iter().cloned().map(|download| {
        let commands = commands.clone();
        let label = match &download {
            Download::File { label, .. } => *label,
            Download::CurrentRun => "Download this run",
        };
        let onclick = Callback::from(move |_| match &download {
            Download::File { file_name, text, .. } => save_file(file_name, text),
            Download::CurrentRun => save_file("ecs-playground-run.json", &commands.run_json()),
        });
        html! { <button type="button" class="banner-download" {onclick}>{ label }</button> }
    }).collect::<Vec<_>>();
    let dismiss = Callback::from(move |_| commands.dismiss_banner());
    html! {
        <div class="banner" role="alert">
            <span>{ &notice.text }</span>
            { for downloads }
            <button type="button" onclick={dismiss} aria-label="Dismiss">{ "Dismiss" }</button>
        </div>
    }
}

/// Offers `text` as a download named `file_name` (a `data:` link, which the Content Security Policy allows).
pub fn save_file(file_name: &str, text: &str) {
    let document = gloo::utils::document();
    let Ok(link) = document.create_element("a") else { return };
    let href = format!("data:application/json;charset=utf-8,{}", String::from(js_sys::encode_uri_component(text)));
    if link.set_attribute("href", &href).is_ok() && link.set_attribute("download", file_name).is_ok() {
        if let Some(link) = link.dyn_ref::<web_sys::HtmlElement>() {
            link.click();
        }
    }
}
