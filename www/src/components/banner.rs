//! The banner over the map: restore problems, bad share links, imports and a rewound run's dropped calls.

use yew::prelude::*;

use crate::driver::{use_banner, use_commands};
use crate::render_count::use_render_count;

#[function_component(Banner)]
pub fn banner() -> Html {
    use_render_count("Banner");
    let commands = use_commands();
    let Some(message) = use_banner() else { return html! {} };
    let dismiss = Callback::from(move |_| commands.dismiss_banner());
    html! {
        <div class="banner" role="alert">
            <span>{ &*message }</span>
            <button type="button" onclick={dismiss} aria-label="Dismiss">{ "Dismiss" }</button>
        </div>
    }
}
