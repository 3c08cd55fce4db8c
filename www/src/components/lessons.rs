//! The Lessons tab: pick a lesson (the index and each lesson are fetched from `data/lessons/`, not compiled in),
//! read its goal and steps with their hints, start its scenario, press Check to see each objective's verdict and
//! why, answer a lesson's decision cards (radio groups, so the arrow keys pick), show or apply the reference
//! solution, and see progress per lesson and per exam (kept in localStorage).

use std::rc::Rc;

use ecs_sim::lesson::quiz::{generate, Question, QuizKind};
use ecs_sim::lesson::{check_answered_run, parse_lesson_index, parse_lesson_str_with, CardPick, Exam, Lesson, LessonIndexEntry, Report, Track};
use yew::prelude::*;

use crate::components::form::{button, field, hint, subhead};
use crate::driver::{use_commands, use_scenario};
use crate::forms::lesson::{apply_solution, learner_calls, with_pick, Progress};
use crate::lesson_fetch::fetch_text;
use crate::render_count::use_render_count;

#[function_component(LessonsPanel)]
pub fn lessons_panel() -> Html {
    use_render_count("LessonsPanel");
    let commands = use_commands();
    let scenario = use_scenario();
    let index = use_state(|| None::<Result<Rc<Vec<LessonIndexEntry>>, String>>);
    let lesson = use_state(|| None::<Result<Rc<Lesson>, String>>);
    let report = use_state(|| None::<Rc<Report>>);
    let progress = use_state(Progress::load);
    let show_solution = use_state(|| false);
    let applied = use_state(Vec::<String>::new);
    // The learner's picks on the lesson's decision cards.
    let picks = use_state(Vec::<CardPick>::new);
    // The lesson picked, so the select shows it (Yew inserts options in an order that would otherwise select one).
    let picked_id = use_state(String::new);
    {
        let index = index.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = fetch_text("data/lessons/index.json").await.and_then(|text| {
                    parse_lesson_index(&text).map(Rc::new).map_err(|e| e.first().map(|e| format!("{}: {}", e.path, e.message)).unwrap_or_default())
                });
                index.set(Some(loaded));
            });
        });
    }
    let pick = {
        let (lesson, report, show_solution, applied, picked_id, picks) = (lesson.clone(), report.clone(), show_solution.clone(), applied.clone(), picked_id.clone(), picks.clone());
        Callback::from(move |e: Event| {
            let id = crate::components::form::event_value(&e);
            picked_id.set(id.clone());
            let lesson = lesson.clone();
            report.set(None);
            picks.set(Vec::new());
            show_solution.set(false);
            applied.set(Vec::new());
            if id.is_empty() {
                lesson.set(None);
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = fetch_text(&format!("data/lessons/{id}.json"))
                    .await
                    .and_then(|text| parse_lesson_str_with(&text, &crate::driver::builtin_scenario).map(Rc::new).map_err(|e| e.iter().map(|e| format!("{}: {}", e.path, e.message)).collect::<Vec<_>>().join("; ")));
                lesson.set(Some(loaded));
            });
        })
    };
    let entries: Rc<Vec<LessonIndexEntry>> = match &*index {
        Some(Ok(entries)) => entries.clone(),
        _ => Rc::new(Vec::new()),
    };
    let picker = html! {
        <label class="field">
            <span>{ "Lesson" }</span>
            <select name="lesson" onchange={pick}>
                <option value="" selected={picked_id.is_empty()}>{ "Pick a lesson…" }</option>
                { for Track::ALL.iter().map(|track| html! {
                    <optgroup key={track.as_str()} label={track.title()}>
                        { for entries.iter().filter(|e| e.track == *track).map(|e| {
                            let mark = if progress.is_complete(&e.id) { "✓ " } else { "" };
                            html! { <option key={e.id.clone()} value={e.id.clone()} selected={*picked_id == e.id}>{ format!("{mark}{}", e.title) }</option> }
                        }) }
                    </optgroup>
                }) }
            </select>
        </label>
    };
    let per_exam = html! {
        <ul class="lesson-exams" aria-label="Progress per exam">
            { for Exam::ALL.iter().map(|exam| {
                let of = entries.iter().filter(|e| e.exams.contains(exam)).count();
                let done = entries.iter().filter(|e| e.exams.contains(exam) && progress.is_complete(&e.id)).count();
                html! { <li key={exam.code()}>{ format!("{}: {done} of {of}", exam.code()) }</li> }
            }) }
        </ul>
    };
    let body = match &*lesson {
        None => hint("Each lesson starts a scenario, asks you to change its design with AWS calls, and checks the result by running the simulation on, often with a fault injected when you press Check."),
        Some(Err(message)) => html! { <p class="error-text" role="alert">{ message.clone() }</p> },
        Some(Ok(lesson)) => {
            let started = scenario.name == lesson.scenario.name;
            let start = {
                let (commands, lesson, report) = (commands.clone(), lesson.clone(), report.clone());
                Callback::from(move |_| {
                    commands.load_lesson_scenario(lesson.scenario.clone());
                    report.set(None);
                })
            };
            let check = {
                let (commands, lesson, report, progress, picks) = (commands.clone(), lesson.clone(), report.clone(), progress.clone(), picks.clone());
                Callback::from(move |_| {
                    let (seed, recorded, now_ms) = commands.learner_run();
                    let result = check_answered_run(&lesson, Some(seed), &learner_calls(&recorded), &picks, now_ms);
                    let mut next = (*progress).clone();
                    if let Err(message) = next.record(&lesson.id, result.n_passed() as u32, result.verdicts.len() as u32) {
                        commands.show_banner(format!("Your lesson progress could not be saved: {message}."));
                    }
                    progress.set(next);
                    report.set(Some(Rc::new(result)));
                })
            };
            let toggle_solution = {
                let show_solution = show_solution.clone();
                Callback::from(move |_| show_solution.set(!*show_solution))
            };
            let apply = {
                let (commands, lesson, applied) = (commands.clone(), lesson.clone(), applied.clone());
                Callback::from(move |_| applied.set(apply_solution(&lesson, |call, input| commands.dispatch(call, input))))
            };
            let on_pick = {
                let picks = picks.clone();
                Callback::from(move |pick: CardPick| picks.set(with_pick(&picks, pick)))
            };
            let best = progress.of(&lesson.id).map(|(p, of)| format!("Best check so far: {p} of {of} objectives.")).unwrap_or_default();
            html! {
                <div class="lesson" data-lesson={lesson.id.clone()}>
                    <h3>{ lesson.title.clone() }</h3>
                    <p class="lesson-exam-tags">{ lesson.exams.iter().map(|e| format!("{} {}", e.exam.code(), e.task)).collect::<Vec<_>>().join(" · ") }</p>
                    <p class="lesson-goal"><strong>{ "Goal: " }</strong>{ lesson.goal.clone() }</p>
                    <ol class="lesson-steps">
                        { for lesson.steps.iter().enumerate().map(|(i, s)| html! {
                            <li key={i}>{ s.text.clone() }
                                { if s.hint.is_empty() { html! {} } else { html! { <details><summary>{ "Hint" }</summary>{ s.hint.clone() }</details> } } }
                            </li>
                        }) }
                    </ol>
                    { decision_cards(lesson, &picks, on_pick) }
                    { if best.is_empty() { html! {} } else { hint(&best) } }
                    <div class="lesson-actions">
                        { button(if started { "Reset lesson" } else { "Start lesson" }, start) }
                        { if started { button("Check", check) } else { html! {} } }
                        { button(if *show_solution { "Hide solution" } else { "Show solution" }, toggle_solution) }
                    </div>
                    { if started { html! {} } else { hint("Start the lesson to load its scenario; Check judges the run you make from it.") } }
                    { verdicts(report.as_deref()) }
                    { if *show_solution { solution(lesson, started, apply, &applied) } else { html! {} } }
                </div>
            }
        }
    };
    html! {
        <div class="lessons-panel">
            { match &*index {
                None => hint("Loading the lessons…"),
                Some(Err(message)) => html! { <p class="error-text" role="alert">{ format!("The lessons could not be loaded: {message}") }</p> },
                Some(Ok(_)) => html! { <>{ picker }{ per_exam }</> },
            } }
            { body }
            <QuizPanel kinds={match &*lesson { Some(Ok(l)) if !l.quiz.is_empty() => l.quiz.clone(), _ => QuizKind::ALL.to_vec() }} />
            <details class="lesson-export"><summary>{ "Export progress" }</summary><pre>{ progress.to_json() }</pre></details>
        </div>
    }
}

/// The lesson's decision cards: each a question with its choices as a radio group; the pick is judged at Check,
/// whose verdict gives the answer and its explanation.
fn decision_cards(lesson: &Lesson, picks: &[CardPick], on_pick: Callback<CardPick>) -> Html {
    let cards = lesson.cards();
    if cards.is_empty() {
        return html! {};
    }
    html! {
        <section class="lesson-cards" aria-label="Decision cards">
            { subhead(&format!("Decision cards: {} of {} answered", cards.iter().filter(|(id, _)| picks.iter().any(|p| p.objective == *id)).count(), cards.len())) }
            { for cards.iter().map(|(id, card)| {
                let name = format!("card-{id}");
                html! {
                    <fieldset key={id.to_string()} class="decision-card" data-card={id.to_string()}>
                        <legend>{ card.question.clone() }</legend>
                        { for card.choices.iter().enumerate().map(|(i, choice)| {
                            let onchange = {
                                let (on_pick, objective) = (on_pick.clone(), id.to_string());
                                Callback::from(move |_: Event| on_pick.emit(CardPick { objective: objective.clone(), choice: i }))
                            };
                            let checked = picks.iter().any(|p| p.objective == *id && p.choice == i);
                            html! {
                                <label key={i} class="card-choice">
                                    <input type="radio" name={name.clone()} value={i.to_string()} checked={checked} onchange={onchange} />
                                    { choice.clone() }
                                </label>
                            }
                        }) }
                    </fieldset>
                }
            }) }
        </section>
    }
}

fn verdicts(report: Option<&Report>) -> Html {
    let Some(report) = report else { return html! {} };
    html! {
        <section class="lesson-report" aria-live="polite">
            { subhead(&format!("{} of {} objectives passed (checked at {}, judged at {})", report.n_passed(), report.verdicts.len(), report.check_at, report.judged_at)) }
            <ul>
                { for report.verdicts.iter().map(|v| html! {
                    <li key={v.id.clone()} class={classes!("verdict", if v.passed { "pass" } else { "fail" })} data-objective={v.id.clone()}>
                        <strong>{ if v.passed { "PASS " } else { "FAIL " } }</strong>{ v.text.clone() }
                        <div class="verdict-reason">{ v.reason.clone() }</div>
                    </li>
                }) }
            </ul>
            { for report.refused_calls.iter().map(|r| html! { <p class="error-text">{ format!("Refused: {r}") }</p> }) }
        </section>
    }
}

fn solution(lesson: &Lesson, started: bool, apply: Callback<MouseEvent>, applied: &[String]) -> Html {
    html! {
        <section class="lesson-solution">
            { subhead("Reference solution") }
            <ol>
                { for lesson.solution.iter().enumerate().map(|(i, s)| html! {
                    <li key={i}><code>{ format!("{} {}", s.call, ecs_sim::codec::compact_json(&s.input, 200, "…")) }</code></li>
                }) }
            </ol>
            { if started { button("Apply solution now", apply) } else { html! {} } }
            { for applied.iter().enumerate().map(|(i, line)| html! { <p key={i} class="hint">{ line.clone() }</p> }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct QuizProps {
    /// The quiz kinds offered, the lesson's first.
    pub kinds: Vec<QuizKind>,
}

/// A generated question: pick a choice, see whether it is the engine's decision, and why.
#[function_component(QuizPanel)]
fn quiz_panel(props: &QuizProps) -> Html {
    use_render_count("QuizPanel");
    let commands = use_commands();
    let question = use_state(|| None::<Rc<Question>>);
    let picked = use_state(|| None::<usize>);
    let score = use_state(|| {
        let progress = Progress::load();
        (progress.quiz_right, progress.quiz_answered)
    });
    let seed_text = use_state(String::new);
    let ask = |kind: QuizKind| {
        let (question, picked, seed_text) = (question.clone(), picked.clone(), seed_text.clone());
        Callback::from(move |_| {
            // The seed typed, or a new one; the seed is shown, and the same seed gives the same question.
            let seed = seed_text.trim().parse::<u64>().unwrap_or_else(|_| (js_sys::Math::random() * 1_000_000.0) as u64);
            question.set(Some(Rc::new(generate(kind, seed))));
            picked.set(None);
        })
    };
    let body = match &*question {
        None => hint("Each question is built from a seed by running the simulation; its answer is the engine's own decision."),
        Some(q) => {
            let answered = *picked;
            html! {
                <div class="quiz-question" data-seed={q.seed.to_string()}>
                    <p><strong>{ format!("{} (seed {})", q.kind.title(), q.seed) }</strong></p>
                    <p>{ q.prompt.clone() }</p>
                    <ul class="quiz-facts">{ for q.facts.iter().enumerate().map(|(i, f)| html! { <li key={i}>{ f.clone() }</li> }) }</ul>
                    <div class="quiz-choices" role="group" aria-label="Choices">
                        { for q.choices.iter().enumerate().map(|(i, choice)| {
                            let onclick = {
                                let (picked, score, commands, answer) = (picked.clone(), score.clone(), commands.clone(), q.answer);
                                Callback::from(move |_: MouseEvent| {
                                    if picked.is_some() {
                                        return;
                                    }
                                    picked.set(Some(i));
                                    let mut progress = Progress::load();
                                    if let Err(message) = progress.record_answer(i == answer) {
                                        commands.show_banner(format!("Your quiz score could not be saved: {message}."));
                                    }
                                    score.set((progress.quiz_right, progress.quiz_answered));
                                })
                            };
                            let state = match answered {
                                Some(_) if i == q.answer => Some("right"),
                                Some(p) if p == i => Some("wrong"),
                                _ => None,
                            };
                            html! { <button key={i} type="button" class={classes!("choice", state)} disabled={answered.is_some()} onclick={onclick}>{ choice.clone() }</button> }
                        }) }
                    </div>
                    { match answered {
                        None => html! {},
                        Some(p) => html! {
                            <div class="quiz-result" aria-live="polite">
                                <p class={if p == q.answer { "ok-text" } else { "error-text" }}>{ if p == q.answer { "Right.".to_string() } else { format!("Not this one: the engine chose {}.", q.choices[q.answer]) } }</p>
                                <pre class="quiz-explanation">{ q.explanation.clone() }</pre>
                            </div>
                        },
                    } }
                </div>
            }
        }
    };
    html! {
        <section class="quiz">
            { subhead(&format!("Quiz: {} of {} answered right", score.0, score.1)) }
            { field("Seed (empty: a new question each time)", "quiz-seed", &seed_text) }
            <div class="lesson-actions">
                { for props.kinds.iter().map(|kind| html! { <button key={kind.as_str()} type="button" onclick={ask(*kind)}>{ kind.title() }</button> }) }
            </div>
            { body }
        </section>
    }
}
