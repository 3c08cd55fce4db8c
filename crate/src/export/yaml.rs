//! The YAML that CloudFormation templates are written in, read into the JSON form of a template: block maps
//! and sequences, flow `[...]` and `{...}`, plain, single- and double-quoted scalars, literal and folded block
//! scalars (`|`, `>`), comments, and CloudFormation's short intrinsic tags (`!Ref X` becomes `{"Ref": "X"}`,
//! `!GetAtt A.B` becomes `{"Fn::GetAtt": ["A", "B"]}`, `!Sub ...` becomes `{"Fn::Sub": ...}`). Anchors,
//! aliases, multi-document streams and complex keys are not read: an error names the line.

use serde_json::{json, Map, Value};

/// One line of the text: its indentation, its content without the indentation and any comment, its number.
#[derive(Clone, Debug)]
struct Line {
    indent: usize,
    content: String,
    number: usize,
}

/// `text` as JSON, or the first problem with its line.
pub fn parse(text: &str) -> Result<Value, String> {
    let raw: Vec<&str> = text.lines().collect();
    let mut lines = Vec::new();
    for (i, line) in raw.iter().enumerate() {
        let content = strip_comment(line);
        let trimmed = content.trim_end();
        if trimmed.trim().is_empty() || trimmed.trim() == "---" {
            continue;
        }
        if line.starts_with('\t') {
            return Err(format!("line {}: a tab indents the line; YAML indents with spaces", i + 1));
        }
        let indent = trimmed.len() - trimmed.trim_start().len();
        lines.push(Line { indent, content: trimmed.trim_start().to_string(), number: i + 1 });
    }
    let mut parser = Parser { lines, raw, at: 0 };
    if parser.lines.is_empty() {
        return Ok(json!({}));
    }
    let indent = parser.lines[0].indent;
    let value = parser.block(indent)?;
    if let Some(line) = parser.lines.get(parser.at) {
        return Err(format!("line {}: this line is indented less than the document it belongs to", line.number));
    }
    Ok(value)
}

/// The line without a comment: a `#` at its start or after a space, outside quotes.
fn strip_comment(line: &str) -> &str {
    let (mut single, mut double, mut previous) = (false, false, ' ');
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && previous != '\\' => double = !double,
            '#' if !single && !double && (previous == ' ' || i == 0) => return &line[..i],
            _ => {}
        }
        previous = c;
    }
    line
}

struct Parser<'a> {
    lines: Vec<Line>,
    raw: Vec<&'a str>,
    at: usize,
}

impl Parser<'_> {
    /// The block node whose lines start at `indent`.
    fn block(&mut self, indent: usize) -> Result<Value, String> {
        let line = self.lines[self.at].clone();
        if line.content == "-" || line.content.starts_with("- ") {
            self.sequence(indent)
        } else {
            self.mapping(indent)
        }
    }

    fn sequence(&mut self, indent: usize) -> Result<Value, String> {
        let mut items = Vec::new();
        while let Some(line) = self.lines.get(self.at).cloned() {
            if line.indent != indent || !(line.content == "-" || line.content.starts_with("- ")) {
                if line.indent > indent {
                    return Err(format!("line {}: unexpected indentation in a sequence", line.number));
                }
                break;
            }
            let rest = line.content[1..].trim_start().to_string();
            if rest.is_empty() {
                self.at += 1;
                items.push(self.nested(indent)?);
            } else if is_mapping_start(&rest) || rest.starts_with("- ") || rest == "-" {
                // The item's first line continues after the dash, at the column of its first character.
                let column = indent + line.content.len() - rest.len();
                self.lines[self.at] = Line { indent: column, content: rest, number: line.number };
                items.push(self.block(column)?);
            } else {
                self.at += 1;
                items.push(self.inline(&rest, indent, line.number)?);
            }
        }
        Ok(Value::Array(items))
    }

    fn mapping(&mut self, indent: usize) -> Result<Value, String> {
        let mut map = Map::new();
        while let Some(line) = self.lines.get(self.at).cloned() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return Err(format!("line {}: unexpected indentation", line.number));
            }
            if line.content.starts_with("- ") || line.content == "-" {
                break;
            }
            let (key, rest) = split_key(&line.content).ok_or_else(|| format!("line {}: expected 'key: value'", line.number))?;
            self.at += 1;
            let value = if rest.is_empty() {
                // A sequence may sit at the key's own indentation.
                match self.lines.get(self.at) {
                    Some(next) if next.indent == indent && (next.content.starts_with("- ") || next.content == "-") => self.sequence(indent)?,
                    _ => self.nested(indent)?,
                }
            } else {
                self.inline(&rest, indent, line.number)?
            };
            if map.insert(key.clone(), value).is_some() {
                return Err(format!("line {}: the key '{key}' appears twice", line.number));
            }
        }
        Ok(Value::Object(map))
    }

    /// The block node under a line at `indent`, or null when the next line is not deeper.
    fn nested(&mut self, indent: usize) -> Result<Value, String> {
        match self.lines.get(self.at) {
            Some(next) if next.indent > indent => {
                let deeper = next.indent;
                self.block(deeper)
            }
            _ => Ok(Value::Null),
        }
    }

    /// A value written after `key:` or `- ` on the line `number`, at `indent`.
    fn inline(&mut self, text: &str, indent: usize, number: usize) -> Result<Value, String> {
        if let Some(rest) = text.strip_prefix('!') {
            let (tag, after) = rest.split_once(' ').map(|(t, a)| (t, a.trim())).unwrap_or((rest, ""));
            let argument = if after.is_empty() { self.nested(indent)? } else { self.inline(after, indent, number)? };
            return intrinsic(tag, argument).ok_or_else(|| format!("line {number}: the tag !{tag} is not one of CloudFormation's"));
        }
        if text == "|" || text == "|-" || text == ">" || text == ">-" || text == "|+" || text == ">+" {
            return Ok(Value::String(self.block_scalar(indent, text, number)));
        }
        if text.starts_with('&') || text.starts_with('*') {
            return Err(format!("line {number}: anchors and aliases are not read"));
        }
        let mut flow = Flow { chars: text.chars().collect(), at: 0, number };
        let value = flow.value()?;
        flow.skip_spaces();
        if flow.at < flow.chars.len() {
            return Err(format!("line {number}: unexpected text after the value: {}", flow.chars[flow.at..].iter().collect::<String>()));
        }
        Ok(value)
    }

    /// The lines of a block scalar after the line `number` (`|` keeps line breaks, `>` folds them into spaces),
    /// read from the raw text: a `#` in them is text, not a comment.
    fn block_scalar(&mut self, indent: usize, style: &str, number: usize) -> String {
        let mut out: Vec<String> = Vec::new();
        let mut content_indent = None;
        let mut next = number; // 0-based index of the raw line after the header
        while let Some(raw) = self.raw.get(next) {
            let line_indent = raw.len() - raw.trim_start().len();
            if !raw.trim().is_empty() && line_indent <= indent {
                break;
            }
            if raw.trim().is_empty() {
                out.push(String::new());
            } else {
                let column = *content_indent.get_or_insert(line_indent);
                out.push(raw.get(column..).unwrap_or("").trim_end().to_string());
            }
            next += 1;
        }
        while out.last().is_some_and(String::is_empty) {
            out.pop();
        }
        while self.lines.get(self.at).is_some_and(|l| l.number <= next) {
            self.at += 1;
        }
        let mut text = if style.starts_with('>') { out.join(" ") } else { out.join("\n") };
        if !style.ends_with('-') && !text.is_empty() {
            text.push('\n');
        }
        text
    }
}

/// Whether a line's content starts a mapping (`key: ...` or `key:`).
fn is_mapping_start(text: &str) -> bool {
    !text.starts_with('[') && !text.starts_with('{') && !text.starts_with('!') && split_key(text).is_some()
}

/// `key: rest` split, with a quoted key unquoted.
fn split_key(text: &str) -> Option<(String, String)> {
    if text.starts_with('"') || text.starts_with('\'') {
        let mut flow = Flow { chars: text.chars().collect(), at: 0, number: 0 };
        let key = flow.quoted().ok()?;
        let rest: String = flow.chars[flow.at..].iter().collect();
        let rest = rest.trim_start().strip_prefix(':')?;
        return Some((key, rest.trim().to_string()));
    }
    let end = text.find(": ").or_else(|| text.ends_with(':').then(|| text.len() - 1))?;
    let key = text[..end].trim();
    if key.is_empty() || key.contains(['[', '{', '"']) {
        return None;
    }
    Some((key.to_string(), text[end + 1..].trim().to_string()))
}

/// A short tag's intrinsic function.
fn intrinsic(tag: &str, argument: Value) -> Option<Value> {
    let name = match tag {
        "Ref" => return Some(json!({ "Ref": argument })),
        "Condition" => return Some(json!({ "Condition": argument })),
        "GetAtt" => {
            return Some(match argument {
                Value::String(s) => {
                    let (resource, attribute) = s.split_once('.').unwrap_or((&s, ""));
                    json!({ "Fn::GetAtt": [resource, attribute] })
                }
                other => json!({ "Fn::GetAtt": other }),
            })
        }
        "Sub" | "Join" | "Select" | "Split" | "If" | "Equals" | "Not" | "And" | "Or" | "Base64" | "FindInMap" | "ImportValue" | "GetAZs" | "Cidr"
        | "Length" | "ToJsonString" => format!("Fn::{tag}"),
        _ => return None,
    };
    let mut map = Map::new();
    map.insert(name, argument);
    Some(Value::Object(map))
}

/// A flow value on one line: a scalar, a quoted string, `[...]`, `{...}`, or a tagged value inside them.
struct Flow {
    chars: Vec<char>,
    at: usize,
    number: usize,
}

impl Flow {
    fn skip_spaces(&mut self) {
        while self.chars.get(self.at).is_some_and(|c| *c == ' ') {
            self.at += 1;
        }
    }

    fn error(&self, what: &str) -> String {
        format!("line {}: {what}", self.number)
    }

    fn value(&mut self) -> Result<Value, String> {
        self.skip_spaces();
        match self.chars.get(self.at) {
            Some('[') => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_spaces();
                    match self.chars.get(self.at) {
                        Some(']') => {
                            self.at += 1;
                            return Ok(Value::Array(items));
                        }
                        Some(',') => self.at += 1,
                        None => return Err(self.error("a '[' is not closed on its line")),
                        _ => items.push(self.value()?),
                    }
                }
            }
            Some('{') => {
                self.at += 1;
                let mut map = Map::new();
                loop {
                    self.skip_spaces();
                    match self.chars.get(self.at) {
                        Some('}') => {
                            self.at += 1;
                            return Ok(Value::Object(map));
                        }
                        Some(',') => self.at += 1,
                        None => return Err(self.error("a '{' is not closed on its line")),
                        _ => {
                            let key = match self.chars[self.at] {
                                '"' | '\'' => self.quoted()?,
                                _ => self.plain(true),
                            };
                            self.skip_spaces();
                            if self.chars.get(self.at) != Some(&':') {
                                return Err(self.error("expected ':' after a key in '{...}'"));
                            }
                            self.at += 1;
                            let value = self.value()?;
                            map.insert(key, value);
                        }
                    }
                }
            }
            Some('"') | Some('\'') => Ok(Value::String(self.quoted()?)),
            Some('!') => {
                self.at += 1;
                let tag = self.plain(true);
                let (tag, argument) = match tag.split_once(' ') {
                    Some((t, a)) => (t.to_string(), scalar(a.trim())),
                    None => (tag, self.value()?),
                };
                intrinsic(&tag, argument).ok_or_else(|| self.error(&format!("the tag !{tag} is not one of CloudFormation's")))
            }
            None => Ok(Value::Null),
            _ => {
                let text = self.plain(false);
                Ok(scalar(&text))
            }
        }
    }

    /// A plain scalar up to the end, or (inside flow collections) up to `,`, `]`, `}` or, for a key, `:`.
    fn plain(&mut self, key: bool) -> String {
        let start = self.at;
        let in_flow = self.chars[..start].iter().any(|c| *c == '[' || *c == '{');
        while let Some(c) = self.chars.get(self.at) {
            if (in_flow || key) && (*c == ',' || *c == ']' || *c == '}') {
                break;
            }
            if key && *c == ':' {
                break;
            }
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect::<String>().trim().to_string()
    }

    fn quoted(&mut self) -> Result<String, String> {
        let quote = self.chars[self.at];
        let start = self.at;
        self.at += 1;
        while let Some(c) = self.chars.get(self.at) {
            if *c == quote {
                if quote == '\'' && self.chars.get(self.at + 1) == Some(&'\'') {
                    self.at += 2;
                    continue;
                }
                self.at += 1;
                let text: String = self.chars[start..self.at].iter().collect();
                return if quote == '"' {
                    serde_json::from_str::<String>(&text).map_err(|e| self.error(&format!("a double-quoted string has an escape YAML does not read here: {e}")))
                } else {
                    Ok(text[1..text.len() - 1].replace("''", "'"))
                };
            }
            if *c == '\\' && quote == '"' {
                self.at += 1;
            }
            self.at += 1;
        }
        Err(self.error("a quoted string is not closed on its line"))
    }
}

/// A plain scalar's value: YAML's booleans, null and numbers, else the text.
fn scalar(text: &str) -> Value {
    match text {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        "null" | "Null" | "NULL" | "~" | "" => return Value::Null,
        _ => {}
    }
    if let Ok(n) = text.parse::<i64>() {
        return json!(n);
    }
    if text.contains('.') && text.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') {
        if let Ok(f) = text.parse::<f64>() {
            return json!(f);
        }
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_cloudformation_templates_are_written_in() {
        let text = "AWSTemplateFormatVersion: 2010-09-09\n# a comment\nParameters:\n  Env: {Type: String, Default: prod}\nResources:\n  Svc:\n    Type: AWS::ECS::Service # trailing\n    DependsOn:\n    - Listener\n    Properties:\n      Cluster: !Ref Cluster\n      Arn: !GetAtt Role.Arn\n      Name: !Sub '${AWS::StackName}-web'\n      Id: !Join\n        - /\n        - - service\n          - !Ref Cluster\n      Count: 2\n      Flag: \"true\"\n      List: [a, !Ref B, 'c d']\n      Items:\n        - Key: k\n          Value: v\n      Script: |\n        #!/bin/bash\n        echo hi\n";
        let value = parse(text).expect("parses");
        assert_eq!(value["AWSTemplateFormatVersion"], "2010-09-09");
        assert_eq!(value["Parameters"]["Env"], json!({ "Type": "String", "Default": "prod" }));
        let svc = &value["Resources"]["Svc"];
        assert_eq!(svc["Type"], "AWS::ECS::Service");
        assert_eq!(svc["DependsOn"], json!(["Listener"]));
        let p = &svc["Properties"];
        assert_eq!(p["Cluster"], json!({ "Ref": "Cluster" }));
        assert_eq!(p["Arn"], json!({ "Fn::GetAtt": ["Role", "Arn"] }));
        assert_eq!(p["Name"], json!({ "Fn::Sub": "${AWS::StackName}-web" }));
        assert_eq!(p["Id"], json!({ "Fn::Join": ["/", ["service", { "Ref": "Cluster" }]] }));
        assert_eq!(p["Count"], 2);
        assert_eq!(p["Flag"], "true");
        assert_eq!(p["List"], json!(["a", { "Ref": "B" }, "c d"]));
        assert_eq!(p["Items"], json!([{ "Key": "k", "Value": "v" }]));
        assert_eq!(p["Script"], "#!/bin/bash\necho hi\n");
    }

    #[test]
    fn refuses_what_it_does_not_read_with_the_line() {
        assert_eq!(parse("A: 1\nB: *x\n").unwrap_err(), "line 2: anchors and aliases are not read");
        assert_eq!(parse("A: !Bogus x\n").unwrap_err(), "line 1: the tag !Bogus is not one of CloudFormation's");
        assert_eq!(parse("A: 1\nA: 2\n").unwrap_err(), "line 2: the key 'A' appears twice");
    }
}
