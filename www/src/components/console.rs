//! The API console: any call the playground answers, written as its JSON input (what
//! `aws <service> <operation> --cli-input-json` sends), and the answer or AWS's error as it comes back.
//! The call goes through `SimHandle::dispatch` like every form's, so it is recorded, logged and replayed.

use ecs_sim::view::{TaskStatus, View};
use serde_json::{json, Value};
use yew::prelude::*;

use crate::components::form::{button, call_button, event_value, hint, use_outcome, use_text};
use crate::driver::use_sim;

/// An example input for `call`, naming the run's first cluster, service and task where it needs them.
fn example_input(call: &str, view: &View) -> Value {
    let cluster = view.clusters.first().map_or("demo", |c| c.name.as_str());
    let service = view.services.iter().find(|s| s.cluster == cluster).map_or("web", |s| s.name.as_str());
    let task = view.tasks.iter().find(|t| t.last_status == TaskStatus::Running).map_or("TASK_ID", |t| t.arn.as_str());
    match call {
        "ecs:DescribeClusters" => json!({ "clusters": [cluster] }),
        "ecs:DescribeServices" => json!({ "cluster": cluster, "services": [service] }),
        "ecs:UpdateService" => json!({ "cluster": cluster, "service": service, "desiredCount": 3 }),
        "ecs:DescribeTasks" => json!({ "cluster": cluster, "tasks": [task] }),
        "ecs:StopTask" => json!({ "cluster": cluster, "task": task, "reason": "Stopped from the API console" }),
        "ecs:ListTasks" | "ecs:ListServices" | "ecs:ListContainerInstances" => json!({ "cluster": cluster }),
        "sim:InterruptSpotTasks" => json!({ "cluster": cluster, "count": 1 }),
        "sim:SetFargateSpotCapacity" => json!({ "available": false }),
        _ => json!({}),
    }
}

#[function_component(ApiConsole)]
pub fn api_console() -> Html {
    let sim = use_sim();
    let call = use_text("ecs:DescribeServices");
    let input = use_state(|| serde_json::to_string_pretty(&example_input("ecs:DescribeServices", &sim.state.view)).unwrap_or_default());
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
        let (sim, call, input) = (sim.clone(), call.clone(), input.clone());
        Callback::from(move |_| input.set(serde_json::to_string_pretty(&example_input(&call, &sim.state.view)).unwrap_or_default()))
    };
    let send = {
        let (sim, call, input, answer, result) = (sim.clone(), call.clone(), input.clone(), answer.clone(), result.clone());
        Callback::from(move |_| {
            // A malformed input is refused here and nothing is called (AWS's CLI refuses it before sending, too).
            let parsed = match serde_json::from_str::<Value>(&input) {
                Ok(value @ Value::Object(_)) => value,
                Ok(_) => return result.set(Some(Err("The input must be a JSON object: { \"name\": value, ... }.".into()))),
                Err(e) => return result.set(Some(Err(format!("The input is not valid JSON: {e}.")))),
            };
            match sim.dispatch(&call, parsed) {
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
