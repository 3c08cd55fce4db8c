//! The parts every panel shares: the state hooks of a form, labelled fields, selects and check boxes
//! bound to them, buttons and the outcome line of a call, hints, sub-headings, key/value rows and a click
//! that selects something on the map. Each is one plain function, so its markup is compiled once rather
//! than in every panel. A leaf among the components: it uses none of them.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::driver::{use_generation, Commands, Selection};

/// The outcome of a form's last call: AWS's refusal, or what happened.
pub(crate) type Outcome = UseStateHandle<Option<Result<String, String>>>;

/// A form field's text, starting as `initial`.
#[hook]
pub(crate) fn use_text(initial: &'static str) -> UseStateHandle<String> {
    use_state(|| initial.to_string())
}

/// A check box's state, starting as `initial`.
#[hook]
pub(crate) fn use_flag(initial: bool) -> UseStateHandle<bool> {
    use_state(move || initial)
}

/// A form's outcome line, empty until its first call, and emptied when the run jumps (a rewind, a seek,
/// another scenario): the call it reported may no longer be in the run.
#[hook]
pub(crate) fn use_outcome() -> Outcome {
    let outcome: Outcome = use_state(|| None);
    let generation = use_generation();
    let first = use_mut_ref(|| generation);
    {
        let outcome = outcome.clone();
        use_effect_with(generation, move |generation| {
            if *first.borrow() != *generation {
                outcome.set(None);
            }
        });
    }
    outcome
}

/// The value of the input, select or textarea an event came from.
pub(crate) fn event_value(e: &Event) -> String {
    let Some(target) = e.target() else { return String::new() };
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        return input.value();
    }
    if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        return select.value();
    }
    target.dyn_ref::<web_sys::HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default()
}

/// Whether the check box an event came from is ticked.
pub(crate) fn checked(e: &Event) -> bool {
    e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.checked())
}

/// Sets `state` to the value of each input event's field.
pub(crate) fn on_input(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(event_value(&e)))
}

/// Sets `state` to the value of each change event's field (a select, or a field on leaving it).
pub(crate) fn on_change(state: &UseStateHandle<String>) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| state.set(event_value(&e)))
}

/// A labelled text field bound to a string state.
pub(crate) fn field(label: &str, name: &str, state: &UseStateHandle<String>) -> Html {
    let oninput = on_input(state);
    html! {
        <label class="field"><span>{ label.to_string() }</span><input name={name.to_string()} value={(**state).clone()} oninput={oninput} /></label>
    }
}

/// A labelled select bound to a string state.
pub(crate) fn select(label: &str, name: &str, state: &UseStateHandle<String>, options: &[(String, String)]) -> Html {
    select_current(label, name, state, options, state)
}

/// The outcome line of the last action: AWS's refusal, or what happened.
pub(crate) fn outcome(result: &Option<Result<String, String>>) -> Html {
    match result {
        Some(Ok(text)) => html! { <p class="ok-text" role="status">{ text }</p> },
        Some(Err(text)) => html! { <p class="error-text" role="alert">{ text }</p> },
        None => html! {},
    }
}

/// A select whose shown option is `current` (the value the form will use), bound to `state`.
pub(crate) fn select_current(label: &str, name: &str, state: &UseStateHandle<String>, options: &[(String, String)], current: &str) -> Html {
    html! {
        <label class="field"><span>{ label.to_string() }</span>
            <select name={name.to_string()} onchange={on_change(state)}>
                { for options.iter().map(|(value, text)| html! { <option key={value.clone()} value={value.clone()} selected={value == current}>{ text }</option> }) }
            </select>
        </label>
    }
}

/// A labelled check box bound to a flag; `name` is left out of the markup when empty.
pub(crate) fn check_box(label: &str, name: &str, state: &UseStateHandle<bool>) -> Html {
    let onchange = { let state = state.clone(); Callback::from(move |e: Event| state.set(checked(&e))) };
    let name = (!name.is_empty()).then(|| AttrValue::from(name.to_string()));
    html! {
        <label class="check"><input type="checkbox" name={name} checked={**state} {onchange} />{ label.to_string() }</label>
    }
}

/// A hint paragraph: what to try next, or why a list is empty.
pub(crate) fn hint(text: &str) -> Html {
    html! { <p class="hint">{ text.to_string() }</p> }
}

/// A panel's sub-heading.
pub(crate) fn subhead(text: &str) -> Html {
    html! { <h3 class="subhead">{ text.to_string() }</h3> }
}

/// Two fields side by side.
pub(crate) fn row(left: Html, right: Html) -> Html {
    html! { <div class="row">{ left }{ right }</div> }
}

/// The button that makes a form's call (`primary` for the form's main one), and its outcome line.
pub(crate) fn call_button(label: &str, primary: bool, onclick: Callback<MouseEvent>, result: &Option<Result<String, String>>) -> Html {
    html! {
        <>
            <button type="button" class={primary.then_some("primary")} {onclick}>{ label.to_string() }</button>
            { outcome(result) }
        </>
    }
}

/// One key and value of a `<dl class="kv">` list.
pub(crate) fn term(key: &str, value: String) -> Html {
    html! { <><dt>{ key.to_string() }</dt><dd>{ value }</dd></> }
}

/// A plain button.
pub(crate) fn button(label: &str, onclick: Callback<MouseEvent>) -> Html {
    html! { <button type="button" {onclick}>{ label.to_string() }</button> }
}

/// A click that selects `what` on the map (the Why? panel then explains it).
pub(crate) fn select_on_click(commands: &Commands, what: Selection) -> Callback<MouseEvent> {
    let commands = commands.clone();
    Callback::from(move |_| commands.select(what.clone()))
}

/// Keys for a keyed list of items that have no id but their text: the text, with `#2`, `#3`... on a repeat
/// (keys must be unique).
pub(crate) fn unique_keys(texts: impl Iterator<Item = String>) -> Vec<String> {
    let texts: Vec<String> = texts.collect();
    let repeats = |i: usize| texts[..i].iter().filter(|t| **t == texts[i]).count();
    (0..texts.len()).map(|i| if repeats(i) == 0 { texts[i].clone() } else { format!("{}#{}", texts[i], repeats(i) + 1) }).collect()
}
