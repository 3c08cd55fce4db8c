//! The text of a template: an ordered document written as YAML (CloudFormation's short intrinsic tags,
//! `!Ref`, `!GetAtt`, `!Sub`, ...) or as JSON. A hand-written emitter: templates hold only maps, lists,
//! strings, numbers, booleans and intrinsics, and the core takes no YAML crate.

use serde_json::Value;

/// A document whose maps keep the order they were built in (a template's sections and resources read in the
/// order of the run); its leaves are JSON values, whose own maps are written in key order.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Map(Vec<(String, Node)>),
    Json(Value),
}

/// The document as YAML.
pub fn to_yaml(node: &Node) -> String {
    let mut out = String::new();
    match node {
        Node::Map(entries) => write_node_map(&mut out, 0, entries),
        Node::Json(value) => write_value_block(&mut out, 0, value),
    }
    out
}

/// The document as JSON, indented by two spaces.
pub fn to_json(node: &Node) -> String {
    let mut out = String::new();
    write_json(&mut out, 0, node);
    out.push('\n');
    out
}

fn write_json(out: &mut String, indent: usize, node: &Node) {
    match node {
        Node::Json(value) => {
            let text = serde_json::to_string_pretty(value).unwrap_or_default();
            out.push_str(&text.replace('\n', &format!("\n{}", " ".repeat(indent))));
        }
        Node::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Node::Map(entries) => {
            out.push_str("{\n");
            for (i, (key, value)) in entries.iter().enumerate() {
                out.push_str(&" ".repeat(indent + 2));
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(": ");
                write_json(out, indent + 2, value);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
    }
}

fn write_node_map(out: &mut String, indent: usize, entries: &[(String, Node)]) {
    for (key, node) in entries {
        match node {
            Node::Map(inner) if inner.is_empty() => out.push_str(&format!("{}{}: {{}}\n", " ".repeat(indent), key_text(key))),
            Node::Map(inner) => {
                out.push_str(&format!("{}{}:\n", " ".repeat(indent), key_text(key)));
                write_node_map(out, indent + 2, inner);
            }
            Node::Json(value) => write_entry(out, indent, key, value),
        }
    }
}

/// A short intrinsic tag for a one-key map whose key is an intrinsic function, with the value the tag takes.
/// The long form is kept when the value is itself an intrinsic (CloudFormation refuses some short forms nested
/// directly in others).
fn short_tag(value: &Value) -> Option<(&'static str, Value)> {
    let map = value.as_object().filter(|m| m.len() == 1)?;
    let (key, inner) = map.iter().next()?;
    let tag = match key.as_str() {
        "Ref" => "!Ref",
        "Fn::GetAtt" => "!GetAtt",
        "Fn::Sub" => "!Sub",
        "Fn::Join" => "!Join",
        "Fn::Base64" => "!Base64",
        "Fn::Select" => "!Select",
        "Fn::If" => "!If",
        "Fn::Equals" => "!Equals",
        "Fn::Split" => "!Split",
        _ => return None,
    };
    if inner.as_object().is_some() {
        return None;
    }
    // `!GetAtt Resource.Attribute` is the dotted form of the two-item list.
    if let (Some("!GetAtt"), Some([Value::String(resource), Value::String(attribute)])) = (Some(tag), inner.as_array().map(Vec::as_slice)) {
        return Some((tag, Value::String(format!("{resource}.{attribute}"))));
    }
    Some((tag, inner.clone()))
}

fn write_entry(out: &mut String, indent: usize, key: &str, value: &Value) {
    let pad = " ".repeat(indent);
    let key = key_text(key);
    if let Some((tag, inner)) = short_tag(value) {
        match scalar_text(&inner) {
            Some(text) => out.push_str(&format!("{pad}{key}: {tag} {text}\n")),
            None => {
                out.push_str(&format!("{pad}{key}: {tag}\n"));
                write_value_block(out, indent + 2, &inner);
            }
        }
        return;
    }
    match scalar_text(value) {
        Some(text) => out.push_str(&format!("{pad}{key}: {text}\n")),
        None => {
            out.push_str(&format!("{pad}{key}:\n"));
            write_value_block(out, indent + 2, value);
        }
    }
}

/// A map's entries or a list's items, each on its own lines at `indent`.
fn write_value_block(out: &mut String, indent: usize, value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                write_entry(out, indent, key, item);
            }
        }
        Value::Array(items) => {
            let pad = " ".repeat(indent);
            for item in items {
                if let Some((tag, inner)) = short_tag(item) {
                    match scalar_text(&inner) {
                        Some(text) => out.push_str(&format!("{pad}- {tag} {text}\n")),
                        None => {
                            out.push_str(&format!("{pad}- {tag}\n"));
                            write_value_block(out, indent + 2, &inner);
                        }
                    }
                    continue;
                }
                match scalar_text(item) {
                    Some(text) => out.push_str(&format!("{pad}- {text}\n")),
                    None => {
                        // The item's first line goes on the dash's line.
                        let mut block = String::new();
                        write_value_block(&mut block, indent + 2, item);
                        out.push_str(&pad);
                        out.push_str("- ");
                        out.push_str(&block[indent + 2..]);
                    }
                }
            }
        }
        other => {
            out.push_str(&" ".repeat(indent));
            out.push_str(&scalar_text(other).unwrap_or_default());
            out.push('\n');
        }
    }
}

/// A scalar's YAML text, or an empty map or list in flow style; `None` for what needs a block.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("null".to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(string_text(s)),
        Value::Array(items) if items.is_empty() => Some("[]".to_string()),
        Value::Object(map) if map.is_empty() => Some("{}".to_string()),
        _ => None,
    }
}

fn key_text(key: &str) -> String {
    string_text(key)
}

/// A string plain when YAML reads it back as the same string, otherwise double-quoted (JSON's escapes are
/// YAML's).
fn string_text(s: &str) -> String {
    const RESERVED: &[&str] = &["y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"];
    let plain = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "_./@%+-:".contains(c))
        && !s.contains(": ")
        && !s.ends_with(':')
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        Value::String(s.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_of_maps_lists_scalars_and_tags() {
        let doc = Node::Map(vec![
            ("AWSTemplateFormatVersion".into(), Node::Json(json!("2010-09-09"))),
            (
                "Resources".into(),
                Node::Map(vec![(
                    "Web".into(),
                    Node::Json(json!({ "Type": "AWS::ECS::Service", "Properties": { "Cluster": { "Ref": "Demo" }, "DesiredCount": 2,
                        "Arn": { "Fn::GetAtt": ["Role", "Arn"] }, "Cpu": "1024", "Flag": "true", "Empty": [],
                        "Id": { "Fn::Join": ["/", ["service", { "Ref": "Demo" }]] },
                        "List": [ { "A": 1, "B": [ "x y" ] }, { "Ref": "Z" } ] } })),
                )]),
            ),
        ]);
        let yaml = to_yaml(&doc);
        let expected = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Web:\n    Properties:\n      Arn: !GetAtt Role.Arn\n      Cluster: !Ref Demo\n      Cpu: \"1024\"\n      DesiredCount: 2\n      Empty: []\n      Flag: \"true\"\n      Id: !Join\n        - /\n        - - service\n          - !Ref Demo\n      List:\n        - A: 1\n          B:\n            - \"x y\"\n        - !Ref Z\n    Type: AWS::ECS::Service\n";
        assert_eq!(yaml, expected);
    }

    #[test]
    fn json_keeps_the_built_order() {
        let doc = Node::Map(vec![("B".into(), Node::Json(json!(1))), ("A".into(), Node::Map(vec![("Z".into(), Node::Json(json!({ "y": [1] })))]))]);
        assert_eq!(to_json(&doc), "{\n  \"B\": 1,\n  \"A\": {\n    \"Z\": {\n      \"y\": [\n        1\n      ]\n    }\n  }\n}\n");
    }
}
