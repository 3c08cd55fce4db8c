//! Lenient readers over `serde_json` objects (a wrongly typed value reads as absent: the schema walk has already
//! reported it), JSON path building, and the error collector.

use serde_json::{Map, Value};

use super::types::FieldError;

/// `prefix.key`, or `key` at the root.
pub fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// `prefix[index]`.
pub fn at(prefix: &str, index: usize) -> String {
    format!("{prefix}[{index}]")
}

/// A value as compact JSON, cut to a readable length (on a character boundary).
pub fn short_json(value: &Value) -> String {
    crate::codec::compact_json(value, 60, "...")
}

pub fn str_of<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// A string member that is present and not empty.
pub fn nonempty_str_of<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    str_of(object, key).filter(|s| !s.is_empty())
}

/// An integer member within the 32-bit range AWS uses for `Integer`.
pub fn int_of(object: &Map<String, Value>, key: &str) -> Option<i64> {
    object
        .get(key)
        .and_then(Value::as_i64)
        .filter(|n| i32::try_from(*n).is_ok())
}

pub fn bool_of(object: &Map<String, Value>, key: &str) -> Option<bool> {
    object.get(key).and_then(Value::as_bool)
}

pub fn obj_of<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    object.get(key).and_then(Value::as_object)
}

/// The items of a list member (empty when absent or not a list).
pub fn list_of<'a>(object: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The object items of a list member, with their indices.
pub fn objects_of<'a>(
    object: &'a Map<String, Value>,
    key: &str,
) -> Vec<(usize, &'a Map<String, Value>)> {
    list_of(object, key)
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_object().map(|o| (i, o)))
        .collect()
}

/// The string items of a list member, with their indices.
pub fn strings_of<'a>(object: &'a Map<String, Value>, key: &str) -> Vec<(usize, &'a str)> {
    list_of(object, key)
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_str().map(|s| (i, s)))
        .collect()
}

/// Every problem found, in the order found.
#[derive(Debug, Default)]
pub struct Problems {
    pub errors: Vec<FieldError>,
}

impl Problems {
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            path: path.into(),
            message: message.into(),
        });
    }

    /// AWS's enum validation message (the `ValidationException` form, worded with our JSON path).
    pub fn add_enum(&mut self, path: &str, value: &str, allowed: &[&str]) {
        let shown: String = value.chars().take(100).collect();
        self.add(
            path,
            crate::api::texts::not_in_enum(&shown, path, allowed),
        );
    }

    /// A required member is missing or empty. Wording unverified (AWS's text for most members is not public);
    /// the form follows `Container.image should not be null or empty.`, which is verified.
    pub fn add_required(&mut self, path: &str, what: &str) {
        self.add(path, format!("{what} should not be null or empty."));
    }

    /// Drops exact duplicates, keeping the first occurrence.
    pub fn dedup(&mut self) {
        let mut seen = std::collections::BTreeSet::new();
        self.errors
            .retain(|e| seen.insert((e.path.clone(), e.message.clone())));
    }
}

/// True when `text` is 1 to 255 letters, digits, underscores and hyphens (family, container and volume names).
pub fn is_aws_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Reports `object[key]` (at `prefix.key`) when it is a string outside `allowed`.
pub fn check_enum_member(
    object: &Map<String, Value>,
    key: &str,
    prefix: &str,
    allowed: &[&str],
    problems: &mut Problems,
) {
    if let Some(value) = str_of(object, key) {
        if !allowed.contains(&value) {
            problems.add_enum(&join(prefix, key), value, allowed);
        }
    }
}
