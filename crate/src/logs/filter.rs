//! CloudWatch Logs filter patterns (FilterLogEvents' `filterPattern`), after CWLUG FilterAndPatternSyntax.md:
//! terms (`ERROR`, all must appear), quoted phrases (`"INTERNAL SERVER ERROR"`), alternatives (`?ERROR ?WARN`,
//! any must appear), exclusions (`ERROR -ARGUMENTS`), and JSON patterns (`{ $.Type = "Task" }`, with `=`, `!=`,
//! `<`, `<=`, `>`, `>=`, `*` wildcards in strings, `EXISTS`, `NOT EXISTS`, `IS NULL`, `&&`, `||` and
//! parentheses). Patterns are case sensitive. A term matches where it appears in the message as written
//! ([UNVERIFIED]: whether CloudWatch also requires word boundaries). Space-delimited (`[a, b]`) and regular
//! expression (`%...%`) patterns are not modelled and are refused with a message saying so.

use serde_json::Value;

/// A parsed filter pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum FilterPattern {
    /// The empty pattern: every event matches.
    All,
    Terms(TermPattern),
    Json(JsonExpr),
}

/// The term form: every `required` appears, at least one `any` appears (when there are some), no `excluded` does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TermPattern {
    pub required: Vec<String>,
    pub any: Vec<String>,
    pub excluded: Vec<String>,
}

/// A JSON pattern's expression.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonExpr {
    And(Box<JsonExpr>, Box<JsonExpr>),
    Or(Box<JsonExpr>, Box<JsonExpr>),
    Compare { path: Vec<PathPart>, op: CompareOp, value: JsonLiteral },
    Exists { path: Vec<PathPart>, exists: bool },
    IsNull(Vec<PathPart>),
}

/// One step of a `$.a.b[0]` selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    Key(String),
    Index(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
pub enum JsonLiteral {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// Parses a filter pattern; the error names what is wrong.
pub fn parse_filter_pattern(pattern: &str) -> Result<FilterPattern, String> {
    let text = pattern.trim();
    if text.is_empty() {
        return Ok(FilterPattern::All);
    }
    if text.starts_with('{') {
        if !text.ends_with('}') {
            return Err("Invalid filter pattern: a JSON pattern must end with '}'.".to_string());
        }
        let mut parser = JsonParser { chars: text[1..text.len() - 1].chars().collect(), pos: 0 };
        let expr = parser.or_expr()?;
        parser.skip_ws();
        if parser.pos < parser.chars.len() {
            return Err(format!("Invalid filter pattern: unexpected '{}' in the JSON pattern.", parser.rest()));
        }
        return Ok(FilterPattern::Json(expr));
    }
    if text.starts_with('[') || text.starts_with('%') {
        return Err("Space-delimited and regular expression filter patterns are not modelled by the playground; use terms, quoted phrases, ? alternatives, - exclusions or a JSON pattern.".to_string());
    }
    let mut terms = TermPattern::default();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let kind = match chars[i] {
            '?' => {
                i += 1;
                1
            }
            '-' => {
                i += 1;
                2
            }
            _ => 0,
        };
        let term = if chars.get(i) == Some(&'"') {
            let start = i + 1;
            let Some(len) = chars[start..].iter().position(|c| *c == '"') else {
                return Err("Invalid filter pattern: a quoted phrase has no closing quote.".to_string());
            };
            i = start + len + 1;
            chars[start..start + len].iter().collect::<String>()
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                i += 1;
            }
            chars[start..i].iter().collect::<String>()
        };
        if term.is_empty() {
            return Err("Invalid filter pattern: an empty term.".to_string());
        }
        match kind {
            1 => terms.any.push(term),
            2 => terms.excluded.push(term),
            _ => terms.required.push(term),
        }
    }
    Ok(FilterPattern::Terms(terms))
}

impl FilterPattern {
    /// Whether an event's message matches.
    pub fn matches(&self, message: &str) -> bool {
        match self {
            FilterPattern::All => true,
            FilterPattern::Terms(t) => {
                t.required.iter().all(|term| message.contains(term.as_str()))
                    && (t.any.is_empty() || t.any.iter().any(|term| message.contains(term.as_str())))
                    && !t.excluded.iter().any(|term| message.contains(term.as_str()))
            }
            FilterPattern::Json(expr) => match serde_json::from_str::<Value>(message) {
                Ok(doc) => expr.eval(&doc),
                Err(_) => false,
            },
        }
    }
}

impl JsonExpr {
    fn eval(&self, doc: &Value) -> bool {
        match self {
            JsonExpr::And(a, b) => a.eval(doc) && b.eval(doc),
            JsonExpr::Or(a, b) => a.eval(doc) || b.eval(doc),
            JsonExpr::Exists { path, exists } => select(doc, path).is_some() == *exists,
            JsonExpr::IsNull(path) => select(doc, path).is_some_and(Value::is_null),
            JsonExpr::Compare { path, op, value } => {
                let Some(found) = select(doc, path) else { return false };
                match value {
                    JsonLiteral::Number(n) => {
                        let Some(x) = found.as_f64() else { return false };
                        match op {
                            CompareOp::Eq => x == *n,
                            CompareOp::Ne => x != *n,
                            CompareOp::Lt => x < *n,
                            CompareOp::Le => x <= *n,
                            CompareOp::Gt => x > *n,
                            CompareOp::Ge => x >= *n,
                        }
                    }
                    JsonLiteral::Bool(b) => {
                        let same = found.as_bool() == Some(*b);
                        match op {
                            CompareOp::Ne => !same,
                            _ => same,
                        }
                    }
                    JsonLiteral::Text(pattern) => {
                        let text = match found {
                            Value::String(s) => s.clone(),
                            Value::Number(n) => n.to_string(),
                            _ => return *op == CompareOp::Ne,
                        };
                        let same = crate::wildcard::wildcard_match(pattern, &text, false);
                        match op {
                            CompareOp::Ne => !same,
                            _ => same,
                        }
                    }
                }
            }
        }
    }
}

/// The value at a selector, `None` when a step is missing.
fn select<'a>(doc: &'a Value, path: &[PathPart]) -> Option<&'a Value> {
    let mut at = doc;
    for part in path {
        at = match part {
            PathPart::Key(k) => at.get(k.as_str())?,
            PathPart::Index(i) => at.get(*i as usize)?,
        };
    }
    Some(at)
}

struct JsonParser {
    chars: Vec<char>,
    pos: usize,
}

impl JsonParser {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn rest(&self) -> String {
        self.chars[self.pos..].iter().take(20).collect()
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_ws();
        let n = token.chars().count();
        if self.chars.len() >= self.pos + n && self.chars[self.pos..self.pos + n].iter().copied().eq(token.chars()) {
            self.pos += n;
            true
        } else {
            false
        }
    }

    fn or_expr(&mut self) -> Result<JsonExpr, String> {
        let mut left = self.and_expr()?;
        while self.eat("||") {
            let right = self.and_expr()?;
            left = JsonExpr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<JsonExpr, String> {
        let mut left = self.primary()?;
        while self.eat("&&") {
            let right = self.primary()?;
            left = JsonExpr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<JsonExpr, String> {
        if self.eat("(") {
            let inner = self.or_expr()?;
            if !self.eat(")") {
                return Err("Invalid filter pattern: a '(' in the JSON pattern is not closed.".to_string());
            }
            return Ok(inner);
        }
        let path = self.selector()?;
        if self.eat("NOT EXISTS") {
            return Ok(JsonExpr::Exists { path, exists: false });
        }
        if self.eat("EXISTS") {
            return Ok(JsonExpr::Exists { path, exists: true });
        }
        if self.eat("IS NULL") {
            return Ok(JsonExpr::IsNull(path));
        }
        if self.eat("IS TRUE") {
            return Ok(JsonExpr::Compare { path, op: CompareOp::Eq, value: JsonLiteral::Bool(true) });
        }
        if self.eat("IS FALSE") {
            return Ok(JsonExpr::Compare { path, op: CompareOp::Eq, value: JsonLiteral::Bool(false) });
        }
        let op = if self.eat("!=") {
            CompareOp::Ne
        } else if self.eat("<=") {
            CompareOp::Le
        } else if self.eat(">=") {
            CompareOp::Ge
        } else if self.eat("=") {
            CompareOp::Eq
        } else if self.eat("<") {
            CompareOp::Lt
        } else if self.eat(">") {
            CompareOp::Gt
        } else {
            return Err(format!("Invalid filter pattern: expected an operator after the selector, found '{}'.", self.rest()));
        };
        let value = self.literal()?;
        if matches!(value, JsonLiteral::Text(_)) && !matches!(op, CompareOp::Eq | CompareOp::Ne) {
            return Err("Invalid filter pattern: <, <=, > and >= compare numbers only.".to_string());
        }
        Ok(JsonExpr::Compare { path, op, value })
    }

    fn selector(&mut self) -> Result<Vec<PathPart>, String> {
        self.skip_ws();
        if !self.eat("$") {
            return Err(format!("Invalid filter pattern: a JSON pattern selector starts with '$.', found '{}'.", self.rest()));
        }
        let mut path = Vec::new();
        loop {
            if self.chars.get(self.pos) == Some(&'.') {
                self.pos += 1;
                let start = self.pos;
                while self.chars.get(self.pos).is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '@') {
                    self.pos += 1;
                }
                if start == self.pos {
                    return Err("Invalid filter pattern: an empty key in the selector.".to_string());
                }
                path.push(PathPart::Key(self.chars[start..self.pos].iter().collect()));
            } else if self.chars.get(self.pos) == Some(&'[') {
                self.pos += 1;
                let start = self.pos;
                while self.chars.get(self.pos).is_some_and(char::is_ascii_digit) {
                    self.pos += 1;
                }
                let digits: String = self.chars[start..self.pos].iter().collect();
                if self.chars.get(self.pos) != Some(&']') {
                    return Err("Invalid filter pattern: an array index in the selector is not closed.".to_string());
                }
                self.pos += 1;
                path.push(PathPart::Index(digits.parse().map_err(|_| "Invalid filter pattern: a bad array index.".to_string())?));
            } else {
                break;
            }
        }
        if path.is_empty() {
            return Err("Invalid filter pattern: the selector names no field.".to_string());
        }
        Ok(path)
    }

    fn literal(&mut self) -> Result<JsonLiteral, String> {
        self.skip_ws();
        if self.chars.get(self.pos) == Some(&'"') {
            let start = self.pos + 1;
            let Some(len) = self.chars[start..].iter().position(|c| *c == '"') else {
                return Err("Invalid filter pattern: a quoted value has no closing quote.".to_string());
            };
            self.pos = start + len + 1;
            return Ok(JsonLiteral::Text(self.chars[start..start + len].iter().collect()));
        }
        let start = self.pos;
        while self.chars.get(self.pos).is_some_and(|c| !c.is_whitespace() && !matches!(c, ')' | '&' | '|')) {
            self.pos += 1;
        }
        let word: String = self.chars[start..self.pos].iter().collect();
        if word.is_empty() {
            return Err("Invalid filter pattern: a comparison has no value.".to_string());
        }
        Ok(match word.as_str() {
            "true" => JsonLiteral::Bool(true),
            "false" => JsonLiteral::Bool(false),
            _ => match word.parse::<f64>() {
                Ok(n) if n.is_finite() => JsonLiteral::Number(n),
                _ => JsonLiteral::Text(word),
            },
        })
    }
}
