//! The API console: any call the playground answers, written as its JSON input (what
//! `aws <service> <operation> --cli-input-json` sends), and the answer or AWS's error as it comes back.
//! The call goes through `Commands::dispatch` like every form's, so it is recorded, logged and replayed.

use yew::prelude::*;

use crate::components::form::{button, call_button, event_value, hint, use_outcome, use_text};
use crate::driver::use_commands;
use crate::forms::console::{example_text, parse_input};
use crate::render_count::use_render_count;

/// The console subscribes to nothing of the run: its example reads the view when asked for.
#[function_component(ApiConsole)]
pub fn api_console() -> Html {
    use_render_count("ApiConsole");
    let commands = use_commands();
    let call = use_text("ecs:DescribeServices");
    let input = use_state(|| example_text("ecs:DescribeServices", &commands.view()));
    let answer = use_state(|| None::<String>);
    let result = use_outcome();

    let on_call = {
        let call = call.clone();
        Callback::from(move |e: Event| call.set(event_value(&e).trim().to_string()))
    };
    let on_input = {
        let input = input.clone();
        Callback::from(move |e: InputEvent| input.set(event_value(&e)))
    };
    let fill_example = {
        let (commands, call, input) = (commands.clone(), call.clone(), input.clone());
        Callback::from(move |_| input.set(example_text(&call, &commands.view())))
    };
    let send = {
        let (call, input, answer, result) = (call.clone(), input.clone(), answer.clone(), result.clone());
        Callback::from(move |_| {
            // A malformed input is refused here and nothing is called (AWS's CLI refuses it before sending, too).
            let parsed = match parse_input(&call, &input) {
                Ok(value) => value,
                Err(e) => return result.set(Some(Err(e))),
            };
            match commands.dispatch(&call, parsed) {
                Ok(output) => {
                    answer.set(Some(serde_json::to_string_pretty(&output).unwrap_or_default()));
                    result.set(Some(Ok(format!("{} answered.", *call))));
                }
                Err(message) => {
                    answer.set(None);
                    result.set(Some(Err(message)));
                }
            }
        })
    };

    html! {
        <div class="api-console">
            { hint("Any call the playground answers, with its JSON input as the AWS CLI's --cli-input-json takes it. It is recorded like a form's call: the event log shows it, share links and rewinds replay it.") }
            <label class="field"><span>{ "Call" }</span>
                <input name="api-call" list="api-calls" value={(*call).clone()} onchange={on_call} spellcheck="false" autocomplete="off" />
            </label>
            <datalist id="api-calls">
                { for ecs_sim::api::calls::known_calls().map(|c| html! { <option key={c} value={c} /> }) }
            </datalist>
            <label class="field"><span>{ "Input (JSON)" }</span>
                <textarea name="api-input" class="api-input" rows="7" spellcheck="false" value={(*input).clone()} oninput={on_input} />
            </label>
            { button("Example input", fill_example) }
            { call_button("Send", true, send, &result) }
            if let Some(text) = &*answer {
                <pre class="api-answer" aria-label="Answer">{ text }</pre>
            }
        </div>
    }
}
