//! EventBridge event patterns, the subset the playground matches (Amazon EventBridge User Guide, "Event
//! patterns" and "Content filtering"): every field of the pattern must match; a field's array matches when any
//! of its entries matches the event's value (or, for an array in the event, any of its elements); an entry is a
//! literal (string, number, boolean, null) or one of `{"prefix": ...}`, `{"suffix": ...}`, `{"exists": bool}`,
//! `{"anything-but": ...}` (a value, a list, or a prefix, suffix, wildcard or equals-ignore-case matcher),
//! `{"numeric": [op, n, ...]}` (one or two comparisons, all of which must hold, on numbers only),
//! `{"wildcard": "..."}` (`*` any run of characters, `\*` a literal star) and `{"equals-ignore-case": "..."}`.

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
                        let Some((name, arg)) = matcher.iter().next().filter(|_| matcher.len() == 1) else {
                            return Err(format!("Only one key allowed in match expression at {key}"));
                        };
                        check_matcher(key, name, arg)?;
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

/// Checks one matcher `{name: arg}` of the field `key`.
fn check_matcher(key: &str, name: &str, arg: &Value) -> Result<(), String> {
    match name {
        "prefix" | "suffix" | "equals-ignore-case" if !arg.is_string() => Err(format!("{name} match pattern must be a string at {key}")),
        "prefix" | "suffix" | "equals-ignore-case" => Ok(()),
        "exists" if !arg.is_boolean() => Err(format!("exists match pattern must be either true or false at {key}")),
        "exists" => Ok(()),
        "wildcard" => match arg.as_str() {
            // "Consecutive wildcard characters are not allowed" (EventBridge User Guide, "Wildcard matching").
            Some(text) if text.contains("**") => Err(format!("Consecutive wildcard characters at pos {} at {key}", text.find("**").unwrap_or(0) + 1)),
            Some(_) => Ok(()),
            None => Err(format!("wildcard match pattern must be a string at {key}")),
        },
        "numeric" => numeric_bounds(arg).map(|_| ()).map_err(|reason| format!("{reason} at {key}")),
        "anything-but" => match arg {
            Value::Object(inner) => match inner.iter().next().filter(|_| inner.len() == 1) {
                Some((inner_name, inner_arg)) if ["prefix", "suffix", "wildcard", "equals-ignore-case"].contains(&inner_name.as_str()) => check_matcher(key, inner_name, inner_arg),
                Some((inner_name, _)) => Err(format!("Unsupported anything-but pattern: {inner_name}")),
                None => Err(format!("Only one key allowed in match expression at {key}")),
            },
            Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => Err(format!("Inside anything but list, start|null|boolean is not supported at {key}")),
            _ => Ok(()),
        },
        other => Err(format!("Unrecognized match type {other}")),
    }
}

/// A numeric matcher's comparisons, `[op, n, op, n]` with `op` one of `<`, `<=`, `=`, `>`, `>=` (EventBridge User
/// Guide, "Numeric matching": at most a lower and an upper bound).
fn numeric_bounds(arg: &Value) -> Result<Vec<(&str, f64)>, String> {
    let Some(items) = arg.as_array() else { return Err("Value of numeric must be an array.".into()) };
    if items.is_empty() || items.len() % 2 != 0 || items.len() > 4 {
        return Err("Value of numeric must be an array of one or two comparisons.".into());
    }
    let mut out = Vec::new();
    for pair in items.chunks(2) {
        let Some(op) = pair[0].as_str().filter(|op| ["<", "<=", "=", ">", ">="].contains(op)) else {
            return Err(format!("Unrecognized numeric range operator: {}", pair[0]));
        };
        let Some(n) = pair[1].as_f64() else { return Err(format!("Value of {op} must be numeric")) };
        out.push((op, n));
    }
    Ok(out)
}

/// Whether `text` matches an EventBridge wildcard: `*` is any run of characters and `\*` a literal star.
fn wildcard_matches(pattern: &str, text: &str) -> bool {
    // Literal stars become a character no text holds, so the shared matcher sees only the wildcard stars.
    const LITERAL_STAR: char = '\u{0}';
    let pattern: String = pattern.replace("\\*", "\u{0}").replace('?', "\u{1}");
    let text: String = text.replace('*', &LITERAL_STAR.to_string()).replace('?', "\u{1}");
    crate::wildcard::wildcard_match(&pattern, &text, false)
}

/// Whether one string value `s` matches a string matcher (prefix, suffix, wildcard, equals-ignore-case).
fn string_matcher(name: &str, arg: &str, s: &str) -> bool {
    match name {
        "prefix" => s.starts_with(arg),
        "suffix" => s.ends_with(arg),
        "wildcard" => wildcard_matches(arg, s),
        "equals-ignore-case" => s.eq_ignore_ascii_case(arg),
        _ => false,
    }
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
            Some((name, Value::String(p))) if ["prefix", "suffix", "wildcard", "equals-ignore-case"].contains(&name.as_str()) => {
                candidates.iter().any(|c| c.as_str().is_some_and(|s| string_matcher(name, p, s)))
            }
            Some((name, arg)) if name == "numeric" => {
                let Ok(bounds) = numeric_bounds(arg) else { return false };
                candidates.iter().filter_map(|c| c.as_f64()).any(|n| {
                    bounds.iter().all(|(op, bound)| match *op {
                        "<" => n < *bound,
                        "<=" => n <= *bound,
                        "=" => n == *bound,
                        ">" => n > *bound,
                        _ => n >= *bound,
                    })
                })
            }
            Some((name, arg)) if name == "anything-but" => {
                if candidates.is_empty() {
                    return false;
                }
                match arg {
                    Value::Object(inner) => match inner.iter().next() {
                        Some((inner_name, Value::String(p))) => candidates.iter().all(|c| c.as_str().is_some_and(|s| !string_matcher(inner_name, p, s))),
                        _ => false,
                    },
                    Value::Array(items) => candidates.iter().all(|c| !items.contains(c)),
                    other => candidates.iter().all(|c| *c != other),
                }
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
            // An array of objects in the event matches when one of its objects does. [UNVERIFIED] EventBridge
            // flattens such arrays, so two fields may match in different objects; here they match in one.
            Value::Object(_) => match actual {
                Some(Value::Array(items)) => items.iter().any(|item| matches(expected, item)),
                Some(a) => matches(expected, a),
                None => false,
            },
            Value::Array(entries) => entries.iter().any(|entry| entry_matches(entry, actual)),
            _ => false,
        }
    })
}

/// Whether a rule with `pattern` could match an event of `source`: its `source` field, if it has one, matches it.
/// The engine builds a service's events only when some enabled rule could match them.
pub fn could_match_source(pattern: &Value, source: &str) -> bool {
    match pattern.get("source") {
        None => true,
        Some(Value::Array(entries)) => entries.iter().any(|entry| entry_matches(entry, Some(&Value::String(source.to_string())))),
        Some(_) => false,
    }
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
