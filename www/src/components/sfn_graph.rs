//! One Step Functions execution's state machine graph, as the console draws it: each state a box, arrows for the
//! transitions, a Map's or Parallel's states in a nested group, each box coloured by the execution's progress
//! (in progress, succeeded, failed, caught, not run); click a state to read its latest input and output. The
//! graph's rows come from the core (`states::graph`).

use ecs_sim::states::graph::GraphState;
use ecs_sim::view::ExecutionView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SfnGraphProps {
    pub execution: ExecutionView,
}

/// The words a learner reads for a state's progress.
fn progress_label(progress: &str) -> &str {
    if progress == "not entered" { "not run" } else { progress }
}

/// The boxes of the states whose group is `group`, in order, each Map or Parallel followed by its nested groups.
fn boxes(states: &[GraphState], group: Option<(String, usize)>, picked: &UseStateHandle<Option<String>>) -> Html {
    let level: Vec<&GraphState> = states.iter().filter(|s| s.group == group).collect();
    html! {
        <ol class="sfn-graph">
            { for level.iter().enumerate().map(|(i, s)| {
                let onclick = {
                    let picked = picked.clone();
                    let name = s.name.clone();
                    Callback::from(move |_| picked.set(if picked.as_deref() == Some(name.as_str()) { None } else { Some(name.clone()) }))
                };
                let follows = level.get(i + 1).map(|n| n.name.clone());
                // The arrow under a box names its jumps that are not simply to the box below.
                let jumps: Vec<&String> = s.transitions.iter().filter(|t| Some(*t) != follows.as_ref()).collect();
                let branches: Vec<usize> = {
                    let mut b: Vec<usize> = states.iter().filter_map(|c| c.group.as_ref().filter(|(g, _)| *g == s.name).map(|(_, i)| *i)).collect();
                    b.dedup();
                    b
                };
                let open = picked.as_deref() == Some(s.name.as_str());
                html! {
                    <li key={s.name.clone()} class="sfn-node">
                        <button type="button" class={classes!("sfn-state", open.then_some("active"))} data-state={s.name.clone()} data-progress={s.progress}
                            aria-expanded={open.to_string()} title={format!("{} state: {}. Click for its input and output.", s.state_type, progress_label(s.progress))} onclick={onclick}>
                            <strong>{ s.name.clone() }</strong>
                            <span class="sfn-state-type">{ format!("{} · {}", s.state_type, progress_label(s.progress)) }</span>
                        </button>
                        if !branches.is_empty() {
                            <div class={classes!("sfn-group", (s.state_type == "Parallel").then_some("sfn-parallel"))} aria-label={format!("{} {}", s.state_type, s.name)}>
                                { for branches.iter().map(|b| html! {
                                    <div key={*b} class="sfn-branch">{ boxes(states, Some((s.name.clone(), *b)), picked) }</div>
                                }) }
                            </div>
                        }
                        if open {
                            <div class="sfn-io" aria-label={format!("Input and output of {}", s.name)}>
                                <h5>{ "Input" }</h5>
                                <pre>{ s.input.clone().unwrap_or_else(|| "(not entered yet)".to_string()) }</pre>
                                <h5>{ "Output" }</h5>
                                <pre>{ s.output.clone().unwrap_or_else(|| "(no output yet)".to_string()) }</pre>
                            </div>
                        }
                        if !jumps.is_empty() {
                            <span class="sfn-jumps">{ format!("→ {}", jumps.iter().map(|j| j.as_str()).collect::<Vec<_>>().join(", ")) }</span>
                        } else if s.ends && follows.is_none() {
                            <span class="sfn-jumps">{ "End" }</span>
                        }
                    </li>
                }
            }) }
        </ol>
    }
}

#[function_component(SfnGraph)]
pub fn sfn_graph(props: &SfnGraphProps) -> Html {
    let picked = use_state(|| None::<String>);
    let states: Vec<GraphState> = props.execution.states.iter().map(|s| s.graph.clone()).collect();
    html! {
        <div class="sfn-graph-wrap" aria-label={format!("States of {}", props.execution.state_machine)}>
            <p class="sfn-legend">
                { for ["in progress", "succeeded", "failed", "caught", "not entered"].iter().map(|p| html! {
                    <span key={*p} class="sfn-swatch" data-progress={*p}>{ progress_label(p) }</span>
                }) }
            </p>
            { boxes(&states, None, &picked) }
        </div>
    }
}
