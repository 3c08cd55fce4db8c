//! Forms as data: a form's fields as a `const` table (label, input name, the AWS request field it
//! fills, kind, default), their texts in one state, rendered by `fields` and put into the call's
//! JSON by `put_fields`. The per-form code keeps only what is its own (cross-field rules, dynamic
//! options, fields computed from others).

use serde_json::{json, Value};
use yew::prelude::*;

use crate::components::form::{check_input, checked, event_value, pairs, select_input, text_input};
use crate::components::scaling::whole;

/// What a field holds, and how its text goes into the request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// A text field, trimmed.
    Text,
    /// A text field holding a whole number.
    Whole,
    /// A text field holding a whole number, left out of the request when empty.
    OptionalWhole,
    /// A select of these values (shown as they are), taken as chosen.
    Choice(&'static [&'static str]),
    /// A check box: its text is "true" when ticked.
    Check,
}

/// One field of a form.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Spec {
    pub label: &'static str,
    /// The `name` of the input in the page.
    pub name: &'static str,
    /// Where it goes in the request, keys separated by `/` (its last key names it in messages);
    /// empty for a field the form's own code reads.
    pub path: &'static str,
    pub kind: Kind,
    /// The initial text ("true" for a ticked check box).
    pub default: &'static str,
    /// Shares a row with the next field.
    pub paired: bool,
}

/// A form's field texts, one per `Spec` of its table, in its order.
pub(crate) type Texts = UseStateHandle<Vec<String>>;

/// The texts of a form's fields, starting as the table's defaults.
#[hook]
pub(crate) fn use_texts(specs: &'static [Spec]) -> Texts {
    use_state(|| specs.iter().map(|s| s.default.to_string()).collect())
}

/// Sets the text of field `index` to what an event's input holds.
fn set_text(texts: &Texts, index: usize, check: bool) -> Callback<Event> {
    let texts = texts.clone();
    Callback::from(move |e: Event| {
        let mut next = (*texts).clone();
        next[index] = if check { if checked(&e) { "true".to_string() } else { String::new() } } else { event_value(&e) };
        texts.set(next);
    })
}

/// One field: a labelled input, select or check box bound to its text.
fn one_field(spec: &Spec, index: usize, texts: &Texts) -> Html {
    let text = &texts[index];
    match spec.kind {
        Kind::Check => check_input(spec.label, spec.name, text == "true", set_text(texts, index, true)),
        Kind::Choice(options) => select_input(spec.label, spec.name, set_text(texts, index, false), &pairs(options), text),
        _ => {
            let on_text = set_text(texts, index, false);
            text_input(spec.label, spec.name, text.clone(), Callback::from(move |e: InputEvent| on_text.emit(e.into())))
        }
    }
}

/// The fields `range` of a table, a paired field and the next one side by side.
pub(crate) fn fields(specs: &'static [Spec], range: std::ops::Range<usize>, texts: &Texts) -> Html {
    let mut out = Vec::new();
    let mut i = range.start;
    while i < range.end {
        if specs[i].paired && i + 1 < range.end {
            out.push(html! { <div class="row">{ one_field(&specs[i], i, texts) }{ one_field(&specs[i + 1], i + 1, texts) }</div> });
            i += 2;
        } else {
            out.push(one_field(&specs[i], i, texts));
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// The value of one field as the request takes it; `None` for an empty optional field.
fn field_value(spec: &Spec, text: &str) -> Result<Option<Value>, String> {
    let aws_field = spec.path.rsplit('/').next().unwrap_or(spec.path);
    Ok(Some(match spec.kind {
        Kind::Text => json!(text.trim()),
        Kind::Whole => json!(whole(text, aws_field)?),
        Kind::OptionalWhole if text.trim().is_empty() => return Ok(None),
        Kind::OptionalWhole => json!(whole(text, aws_field)?),
        Kind::Choice(_) => json!(text),
        Kind::Check => json!(text == "true"),
    }))
}

/// Puts each field with a path into `input`, in the table's order, stopping at the first field
/// whose text is not valid.
pub(crate) fn put_fields(input: &mut Value, specs: &[Spec], texts: &[String]) -> Result<(), String> {
    for (spec, text) in specs.iter().zip(texts).filter(|(s, _)| !s.path.is_empty()) {
        if let Some(value) = field_value(spec, text)? {
            let mut at = &mut *input;
            for key in spec.path.split('/') {
                at = &mut at[key];
            }
            *at = value;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: [Spec; 5] = [
        Spec { label: "Name", name: "n", path: "PolicyName", kind: Kind::Text, default: "a", paired: false },
        Spec { label: "Out", name: "o", path: "Config/ScaleOutCooldown", kind: Kind::Whole, default: "300", paired: true },
        Spec { label: "Min", name: "m", path: "Action/MinCapacity", kind: Kind::OptionalWhole, default: "", paired: false },
        Spec { label: "Off", name: "d", path: "Config/DisableScaleIn", kind: Kind::Check, default: "", paired: false },
        Spec { label: "Own", name: "x", path: "", kind: Kind::Text, default: "", paired: false },
    ];

    fn texts(values: [&str; 5]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn fields_go_to_their_paths() {
        let mut input = json!({ "ResourceId": "r" });
        put_fields(&mut input, &SPECS, &texts([" p ", "60", "", "true", "ignored"])).unwrap();
        assert_eq!(input, json!({ "ResourceId": "r", "PolicyName": "p", "Config": { "ScaleOutCooldown": 60, "DisableScaleIn": true } }));
        let mut input = json!({});
        put_fields(&mut input, &SPECS, &texts(["p", "1", "4", "", ""])).unwrap();
        assert_eq!(input["Action"], json!({ "MinCapacity": 4 }));
        assert_eq!(input["Config"]["DisableScaleIn"], json!(false));
    }

    #[test]
    fn the_first_bad_field_names_its_aws_field() {
        let mut input = json!({});
        let err = put_fields(&mut input, &SPECS, &texts(["p", "x", "y", "", ""])).unwrap_err();
        assert_eq!(err, "ScaleOutCooldown must be a whole number (got 'x').");
        let err = put_fields(&mut input, &SPECS, &texts(["p", "1", "y", "", ""])).unwrap_err();
        assert_eq!(err, "MinCapacity must be a whole number (got 'y').");
    }
}
