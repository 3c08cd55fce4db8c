//! EventBridge event patterns, the subset the playground matches (Amazon EventBridge User Guide, "Event
//! patterns" and "Content filtering"): every field of the pattern must match; a field's array matches when any
//! of its entries matches the event's value (or, for an array in the event, any of its elements); an entry is a
//! literal (string, number, boolean, null) or one of `{"prefix": ...}`, `{"suffix": ...}`, `{"exists": bool}`,
//! `{"anything-but": ...}`.

use serde_json::Value;

/// Why a pattern is refused: EventBridge's `InvalidEventPatternException` reason. [UNVERIFIED] the reasons'
/// wording; the exception's message starts "Event pattern is not valid. Reason: ".
pub fn check_pattern(pattern: &Value) -> Result<(), String> {
    let Some(object) = pattern.as_object() else { return Err("Filter is not an object".into()) };
    if object.is_empty() {
        return Err("Empty objects are not allowed".into());
    }
    for (key, value) in object {
        match value {
            Value::Object(_) => check_pattern(value)?,
            Value::Array(entries) => {
                for entry in entries {
                    if let Value::Object(matcher) = entry {
                        let Some((name, _)) = matcher.iter().next().filter(|_| matcher.len() == 1) else {
                            return Err(format!("Only one key allowed in match expression at {key}"));
                        };
                        if !["prefix", "suffix", "exists", "anything-but"].contains(&name.as_str()) {
                            return Err(format!("Unrecognized match type {name}"));
                        }
                    } else if entry.is_array() {
                        return Err(format!("Match value must be String, number, true, false, or null at {key}"));
                    }
                }
            }
            _ => return Err(format!("Match value must be String, number, true, false, or null at {key}")),
        }
    }
    Ok(())
}

fn entry_matches(entry: &Value, value: Option<&Value>) -> bool {
    let candidates: Vec<&Value> = match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    match entry {
        Value::Object(matcher) => match matcher.iter().next() {
            Some((name, arg)) if name == "exists" => arg.as_bool() == Some(value.is_some()),
            Some((name, Value::String(p))) if name == "prefix" => candidates.iter().any(|c| c.as_str().is_some_and(|s| s.starts_with(p.as_str()))),
            Some((name, Value::String(p))) if name == "suffix" => candidates.iter().any(|c| c.as_str().is_some_and(|s| s.ends_with(p.as_str()))),
            Some((name, arg)) if name == "anything-but" => {
                let excluded: Vec<&Value> = match arg {
                    Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                !candidates.is_empty() && candidates.iter().all(|c| !excluded.contains(c))
            }
            _ => false,
        },
        literal => candidates.contains(&literal),
    }
}

/// Whether `event` matches `pattern`.
pub fn matches(pattern: &Value, event: &Value) -> bool {
    let Some(fields) = pattern.as_object() else { return false };
    fields.iter().all(|(key, expected)| {
        let actual = event.get(key);
        match expected {
            Value::Object(_) => actual.is_some_and(|a| matches(expected, a)),
            Value::Array(entries) => entries.iter().any(|entry| entry_matches(entry, actual)),
            _ => false,
        }
    })
}

/// Reads `$.a.b.c` from `value` (the JSONPath subset of InputPath and InputPathsMap: `$` and dotted names).
pub fn json_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let rest = path.strip_prefix('$')?;
    let mut current = value;
    for part in rest.split('.').filter(|p| !p.is_empty()) {
        current = current.get(part)?;
    }
    Some(current)
}

/// Fills an InputTransformer's template: a `<name>` inside a JSON string takes the value's text (escaped), elsewhere
/// its JSON (Amazon EventBridge User Guide, "Input transformation").
pub fn fill_template(template: &str, values: &[(String, Value)]) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = template;
    while let Some(ch) = rest.chars().next() {
        if ch == '<' {
            if let Some((name, value)) = values.iter().find(|(name, _)| rest[1..].starts_with(name.as_str()) && rest[1 + name.len()..].starts_with('>')) {
                let text = match value {
                    Value::String(s) if in_string => {
                        let quoted = serde_json::to_string(s).unwrap_or_default();
                        quoted[1..quoted.len() - 1].to_string()
                    }
                    other if in_string => other.to_string().replace('"', "\\\""),
                    other => other.to_string(),
                };
                out.push_str(&text);
                rest = &rest[name.len() + 2..];
                continue;
            }
        }
        if in_string && !escaped && ch == '\\' {
            escaped = true;
        } else {
            if ch == '"' && !escaped {
                in_string = !in_string;
            }
            escaped = false;
        }
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    out
}
