//! DynamoDB's expressions, the subset the playground reads: condition and filter expressions (comparisons,
//! `BETWEEN`, `IN`, `AND`/`OR`/`NOT`, parentheses, `attribute_exists`, `attribute_not_exists`, `attribute_type`,
//! `begins_with`, `contains`, `size`), key conditions, projections, and update expressions (`SET` with `+`, `-`,
//! `if_not_exists` and `list_append`, `REMOVE`, `ADD`, `DELETE`), with expression attribute names (`#n`) and
//! values (`:v`). Grammar and semantics: Amazon DynamoDB Developer Guide, "Using expressions in DynamoDB".
//!
//! Errors use DynamoDB's texts (observed in public SDK reports): `Invalid <Expression>: Syntax error; token: "<t>",
//! near: "<text>"`, `... An expression attribute value used in expression is not defined; attribute value: :v`,
//! `... An expression attribute name used in the document path is not defined; attribute name: #n`,
//! `Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}`.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::value::{AttrValue, Item, Num};
use crate::api::ApiError;

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::new("ValidationException", message)
}

/// Which expression a text is, as DynamoDB names it in its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExprKind {
    Condition,
    Filter,
    KeyCondition,
    Projection,
    Update,
}

impl ExprKind {
    pub fn name(self) -> &'static str {
        match self {
            ExprKind::Condition => "ConditionExpression",
            ExprKind::Filter => "FilterExpression",
            ExprKind::KeyCondition => "KeyConditionExpression",
            ExprKind::Projection => "ProjectionExpression",
            ExprKind::Update => "UpdateExpression",
        }
    }
}

/// A few of DynamoDB's reserved words, the ones an application's attributes most often collide with. DynamoDB
/// reserves 573 words (Developer Guide, "Reserved words in DynamoDB"); the playground checks this subset only.
const RESERVED: &[&str] = &[
    "action", "count", "data", "date", "day", "description", "duration", "hour", "key", "level", "name", "order", "owner", "path", "role", "size", "source", "state", "status", "table", "timestamp", "ttl", "type", "user", "value", "values", "year", "zone",
];

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Name(String),
    Value(String),
    Int(u32),
    Sym(&'static str),
}

impl Tok {
    fn text(&self) -> String {
        match self {
            Tok::Ident(s) | Tok::Name(s) | Tok::Value(s) => s.clone(),
            Tok::Int(n) => n.to_string(),
            Tok::Sym(s) => s.to_string(),
        }
    }
    fn is_word(&self, word: &str) -> bool {
        matches!(self, Tok::Ident(s) if s.eq_ignore_ascii_case(word))
    }
}

/// The names and values an expression may use, and which it used.
pub struct Bindings<'a> {
    pub names: &'a [(String, String)],
    pub values: &'a Item,
    pub used_names: BTreeSet<String>,
    pub used_values: BTreeSet<String>,
}

impl<'a> Bindings<'a> {
    pub fn new(names: &'a [(String, String)], values: &'a Item) -> Bindings<'a> {
        Bindings { names, values, used_names: BTreeSet::new(), used_values: BTreeSet::new() }
    }

    /// Refuses names and values given but used by no expression.
    pub fn check_all_used(&self) -> Result<(), ApiError> {
        let unused_values: Vec<&str> = self.values.keys().filter(|k| !self.used_values.contains(*k)).map(String::as_str).collect();
        if !unused_values.is_empty() {
            return Err(validation(format!("Value provided in ExpressionAttributeValues unused in expressions: keys: {{{}}}", unused_values.join(", "))));
        }
        let unused_names: Vec<&str> = self.names.iter().filter(|(k, _)| !self.used_names.contains(k)).map(|(k, _)| k.as_str()).collect();
        if !unused_names.is_empty() {
            return Err(validation(format!("Value provided in ExpressionAttributeNames unused in expressions: keys: {{{}}}", unused_names.join(", "))));
        }
        Ok(())
    }
}

/// One step of a document path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    Attr(String),
    Index(u32),
}

pub type Path = Vec<PathPart>;

/// The top-level attribute a path starts at.
pub fn path_root(path: &Path) -> &str {
    match path.first() {
        Some(PathPart::Attr(name)) => name,
        _ => "",
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Path(Path),
    Value(AttrValue),
    Size(Path),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    Compare(Term, Cmp, Term),
    Between(Term, Term, Term),
    In(Term, Vec<Term>),
    Exists(Path),
    NotExists(Path),
    Type(Path, Term),
    BeginsWith(Term, Term),
    Contains(Term, Term),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

/// The value of a `SET` action.
#[derive(Clone, Debug, PartialEq)]
pub enum SetValue {
    Term(SetTerm),
    Plus(SetTerm, SetTerm),
    Minus(SetTerm, SetTerm),
}

#[derive(Clone, Debug, PartialEq)]
pub enum SetTerm {
    Path(Path),
    Value(AttrValue),
    IfNotExists(Path, Box<SetTerm>),
    ListAppend(Box<SetTerm>, Box<SetTerm>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum UpdateAction {
    Set(Path, SetValue),
    Remove(Path),
    Add(Path, AttrValue),
    Delete(Path, AttrValue),
}

struct Parser<'b, 'a> {
    kind: ExprKind,
    text: String,
    toks: Vec<Tok>,
    pos: usize,
    bindings: &'b mut Bindings<'a>,
}

fn tokenize(kind: ExprKind, text: &str) -> Result<Vec<Tok>, ApiError> {
    let bytes = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    let word = |start: usize| {
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        end
    };
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let two = text.get(i..i + 2).unwrap_or("");
        if let Some(sym) = ["<>", "<=", ">="].into_iter().find(|s| *s == two) {
            toks.push(Tok::Sym(sym));
            i += 2;
            continue;
        }
        if let Some(sym) = ["(", ")", ",", ".", "[", "]", "=", "<", ">", "+", "-"].into_iter().find(|s| s.as_bytes()[0] == b) {
            toks.push(Tok::Sym(sym));
            i += 1;
            continue;
        }
        if b == b'#' || b == b':' {
            let end = word(i + 1);
            if end == i + 1 {
                return Err(syntax(kind, text, &(b as char).to_string()));
            }
            let t = text[i..end].to_string();
            toks.push(if b == b'#' { Tok::Name(t) } else { Tok::Value(t) });
            i = end;
            continue;
        }
        if b.is_ascii_digit() {
            let end = word(i);
            let t = &text[i..end];
            toks.push(t.parse().map(Tok::Int).map_err(|_| syntax(kind, text, t))?);
            i = end;
            continue;
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            let end = word(i);
            toks.push(Tok::Ident(text[i..end].to_string()));
            i = end;
            continue;
        }
        let ch: String = text[i..].chars().next().map(String::from).unwrap_or_default();
        return Err(syntax(kind, text, &ch));
    }
    Ok(toks)
}

/// DynamoDB's syntax error text; `near` is the expression from the token on (DynamoDB shows the token with its
/// neighbours; the playground shows the rest of the expression, at most 20 characters of it).
fn syntax(kind: ExprKind, text: &str, token: &str) -> ApiError {
    let near: String = match text.find(token) {
        Some(i) if !token.is_empty() => text[i..].chars().take(20).collect(),
        _ => String::new(),
    };
    let token = if token.is_empty() { "<EOF>" } else { token };
    validation(format!("Invalid {}: Syntax error; token: \"{token}\", near: \"{near}\"", kind.name()))
}

impl<'b, 'a> Parser<'b, 'a> {
    fn new(kind: ExprKind, text: &str, bindings: &'b mut Bindings<'a>) -> Result<Parser<'b, 'a>, ApiError> {
        let toks = tokenize(kind, text)?;
        if toks.is_empty() {
            // text: DynamoDB's answer to an empty expression (observed).
            return Err(validation(format!("Invalid {}: The expression can not be empty;", kind.name())));
        }
        Ok(Parser { kind, text: text.to_string(), toks, pos: 0, bindings })
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn error_here(&self) -> ApiError {
        syntax(self.kind, &self.text, &self.peek().map(Tok::text).unwrap_or_default())
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_sym(&mut self, sym: &str) -> Result<(), ApiError> {
        if self.eat_sym(sym) {
            Ok(())
        } else {
            Err(self.error_here())
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if self.peek().is_some_and(|t| t.is_word(word)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn done(&self) -> Result<(), ApiError> {
        if self.pos < self.toks.len() {
            Err(self.error_here())
        } else {
            Ok(())
        }
    }

    fn attr_name(&mut self) -> Result<String, ApiError> {
        match self.peek().cloned() {
            Some(Tok::Name(n)) => {
                self.pos += 1;
                let found = self.bindings.names.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone());
                self.bindings.used_names.insert(n.clone());
                found.ok_or_else(|| validation(format!("Invalid {}: An expression attribute name used in the document path is not defined; attribute name: {n}", self.kind.name())))
            }
            Some(Tok::Ident(n)) => {
                if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&n)) {
                    return Err(validation(format!("Invalid {}: Attribute name is a reserved keyword; reserved keyword: {n}", self.kind.name())));
                }
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.error_here()),
        }
    }

    fn path(&mut self) -> Result<Path, ApiError> {
        let mut path = vec![PathPart::Attr(self.attr_name()?)];
        loop {
            if self.eat_sym(".") {
                path.push(PathPart::Attr(self.attr_name()?));
            } else if self.eat_sym("[") {
                match self.peek().cloned() {
                    Some(Tok::Int(n)) => {
                        self.pos += 1;
                        path.push(PathPart::Index(n));
                    }
                    _ => return Err(self.error_here()),
                }
                self.expect_sym("]")?;
            } else {
                return Ok(path);
            }
        }
    }

    fn value(&mut self) -> Result<AttrValue, ApiError> {
        match self.peek().cloned() {
            Some(Tok::Value(v)) => {
                self.pos += 1;
                self.bindings.used_values.insert(v.clone());
                self.bindings.values.get(&v).cloned().ok_or_else(|| {
                    validation(format!("Invalid {}: An expression attribute value used in expression is not defined; attribute value: {v}", self.kind.name()))
                })
            }
            _ => Err(self.error_here()),
        }
    }

    fn is_function(&self, name: &str) -> bool {
        self.peek().is_some_and(|t| t.is_word(name)) && matches!(self.toks.get(self.pos + 1), Some(Tok::Sym("(")))
    }

    fn term(&mut self) -> Result<Term, ApiError> {
        if self.is_function("size") {
            self.pos += 2;
            let path = self.path()?;
            self.expect_sym(")")?;
            return Ok(Term::Size(path));
        }
        match self.peek() {
            Some(Tok::Value(_)) => Ok(Term::Value(self.value()?)),
            _ => Ok(Term::Path(self.path()?)),
        }
    }

    fn condition(&mut self) -> Result<Cond, ApiError> {
        let mut left = self.and_term()?;
        while self.eat_word("OR") {
            let right = self.and_term()?;
            left = Cond::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_term(&mut self) -> Result<Cond, ApiError> {
        let mut left = self.not_term()?;
        while self.eat_word("AND") {
            let right = self.not_term()?;
            left = Cond::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not_term(&mut self) -> Result<Cond, ApiError> {
        if self.eat_word("NOT") {
            return Ok(Cond::Not(Box::new(self.not_term()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Cond, ApiError> {
        if self.eat_sym("(") {
            let inner = self.condition()?;
            self.expect_sym(")")?;
            return Ok(inner);
        }
        for function in ["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"] {
            if self.is_function(function) {
                self.pos += 2;
                let cond = match function {
                    "attribute_exists" => Cond::Exists(self.path()?),
                    "attribute_not_exists" => Cond::NotExists(self.path()?),
                    "attribute_type" => {
                        let path = self.path()?;
                        self.expect_sym(",")?;
                        Cond::Type(path, self.term()?)
                    }
                    "begins_with" => {
                        let a = self.term()?;
                        self.expect_sym(",")?;
                        Cond::BeginsWith(a, self.term()?)
                    }
                    _ => {
                        let a = self.term()?;
                        self.expect_sym(",")?;
                        Cond::Contains(a, self.term()?)
                    }
                };
                self.expect_sym(")")?;
                return Ok(cond);
            }
        }
        let left = self.term()?;
        if self.eat_word("BETWEEN") {
            let low = self.term()?;
            if !self.eat_word("AND") {
                return Err(self.error_here());
            }
            return Ok(Cond::Between(left, low, self.term()?));
        }
        if self.eat_word("IN") {
            self.expect_sym("(")?;
            let mut list = vec![self.term()?];
            while self.eat_sym(",") {
                list.push(self.term()?);
            }
            self.expect_sym(")")?;
            return Ok(Cond::In(left, list));
        }
        let cmp = match self.peek() {
            Some(Tok::Sym("=")) => Cmp::Eq,
            Some(Tok::Sym("<>")) => Cmp::Ne,
            Some(Tok::Sym("<")) => Cmp::Lt,
            Some(Tok::Sym("<=")) => Cmp::Le,
            Some(Tok::Sym(">")) => Cmp::Gt,
            Some(Tok::Sym(">=")) => Cmp::Ge,
            _ => return Err(self.error_here()),
        };
        self.pos += 1;
        Ok(Cond::Compare(left, cmp, self.term()?))
    }

    fn set_term(&mut self) -> Result<SetTerm, ApiError> {
        if self.is_function("if_not_exists") {
            self.pos += 2;
            let path = self.path()?;
            self.expect_sym(",")?;
            let fallback = self.set_term()?;
            self.expect_sym(")")?;
            return Ok(SetTerm::IfNotExists(path, Box::new(fallback)));
        }
        if self.is_function("list_append") {
            self.pos += 2;
            let a = self.set_term()?;
            self.expect_sym(",")?;
            let b = self.set_term()?;
            self.expect_sym(")")?;
            return Ok(SetTerm::ListAppend(Box::new(a), Box::new(b)));
        }
        match self.peek() {
            Some(Tok::Value(_)) => Ok(SetTerm::Value(self.value()?)),
            _ => Ok(SetTerm::Path(self.path()?)),
        }
    }

    fn update(&mut self) -> Result<Vec<UpdateAction>, ApiError> {
        let mut actions = Vec::new();
        let mut seen_clauses: Vec<&'static str> = Vec::new();
        while self.pos < self.toks.len() {
            let clause = ["SET", "REMOVE", "ADD", "DELETE"].into_iter().find(|w| self.peek().is_some_and(|t| t.is_word(w))).ok_or_else(|| self.error_here())?;
            if seen_clauses.contains(&clause) {
                // text: DynamoDB's answer to a clause given twice (observed).
                return Err(validation(format!("Invalid UpdateExpression: The \"{clause}\" section can only be used once in an update expression;")));
            }
            seen_clauses.push(clause);
            self.pos += 1;
            loop {
                let path = self.path()?;
                actions.push(match clause {
                    "SET" => {
                        self.expect_sym("=")?;
                        let first = self.set_term()?;
                        let value = if self.eat_sym("+") {
                            SetValue::Plus(first, self.set_term()?)
                        } else if self.eat_sym("-") {
                            SetValue::Minus(first, self.set_term()?)
                        } else {
                            SetValue::Term(first)
                        };
                        UpdateAction::Set(path, value)
                    }
                    "REMOVE" => UpdateAction::Remove(path),
                    "ADD" => UpdateAction::Add(path, self.value()?),
                    _ => UpdateAction::Delete(path, self.value()?),
                });
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        let roots: Vec<&Path> = actions.iter().map(|a| match a {
            UpdateAction::Set(p, _) | UpdateAction::Remove(p) | UpdateAction::Add(p, _) | UpdateAction::Delete(p, _) => p,
        }).collect();
        for (i, a) in roots.iter().enumerate() {
            for b in &roots[i + 1..] {
                let n = a.len().min(b.len());
                if a[..n] == b[..n] {
                    let show = |p: &Path| p.iter().map(|part| match part { PathPart::Attr(s) => s.clone(), PathPart::Index(n) => format!("[{n}]") }).collect::<Vec<_>>().join(", ");
                    // text: DynamoDB's overlap message (observed in public SDK reports).
                    return Err(validation(format!(
                        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [{}], path two: [{}]",
                        show(a),
                        show(b)
                    )));
                }
            }
        }
        Ok(actions)
    }
}

pub fn parse_condition(kind: ExprKind, text: &str, bindings: &mut Bindings) -> Result<Cond, ApiError> {
    let mut parser = Parser::new(kind, text, bindings)?;
    let cond = parser.condition()?;
    parser.done()?;
    Ok(cond)
}

pub fn parse_projection(text: &str, bindings: &mut Bindings) -> Result<Vec<Path>, ApiError> {
    let mut parser = Parser::new(ExprKind::Projection, text, bindings)?;
    let mut paths = vec![parser.path()?];
    while parser.eat_sym(",") {
        paths.push(parser.path()?);
    }
    parser.done()?;
    Ok(paths)
}

pub fn parse_update(text: &str, bindings: &mut Bindings) -> Result<Vec<UpdateAction>, ApiError> {
    let mut parser = Parser::new(ExprKind::Update, text, bindings)?;
    parser.update()
}

/// The value at `path` in `item`.
pub fn resolve<'i>(item: &'i Item, path: &Path) -> Option<&'i AttrValue> {
    let mut parts = path.iter();
    let mut current = match parts.next()? {
        PathPart::Attr(name) => item.get(name)?,
        PathPart::Index(_) => return None,
    };
    for part in parts {
        current = match (part, current) {
            (PathPart::Attr(name), AttrValue::M(map)) => map.get(name)?,
            (PathPart::Index(i), AttrValue::L(list)) => list.get(*i as usize)?,
            _ => return None,
        };
    }
    Some(current)
}

fn size_of(value: &AttrValue) -> Option<i64> {
    Some(match value {
        AttrValue::S(s) | AttrValue::B(s) => s.chars().count() as i64,
        AttrValue::L(l) => l.len() as i64,
        AttrValue::M(m) => m.len() as i64,
        AttrValue::Ss(s) | AttrValue::Bs(s) => s.len() as i64,
        AttrValue::Ns(s) => s.len() as i64,
        _ => return None,
    })
}

fn term_value(item: &Item, operand: &Term) -> Option<AttrValue> {
    match operand {
        Term::Path(path) => resolve(item, path).cloned(),
        Term::Value(value) => Some(value.clone()),
        Term::Size(path) => resolve(item, path).and_then(size_of).map(|n| AttrValue::N(Num::from_i64(n))),
    }
}

/// Whether `cond` holds for `item` (a missing attribute makes a comparison false).
pub fn holds(cond: &Cond, item: &Item) -> bool {
    match cond {
        Cond::Compare(a, cmp, b) => {
            let (Some(a), Some(b)) = (term_value(item, a), term_value(item, b)) else {
                // A comparison with a missing attribute is false, `<>` included (so `attribute_not_exists(a) OR a <> :v` needs both parts).
                return false;
            };
            match cmp {
                Cmp::Eq => a == b,
                Cmp::Ne => a != b,
                _ => match a.compare(&b) {
                    Some(order) => match cmp {
                        Cmp::Lt => order == Ordering::Less,
                        Cmp::Le => order != Ordering::Greater,
                        Cmp::Gt => order == Ordering::Greater,
                        _ => order != Ordering::Less,
                    },
                    None => false,
                },
            }
        }
        Cond::Between(a, low, high) => match (term_value(item, a), term_value(item, low), term_value(item, high)) {
            (Some(a), Some(low), Some(high)) => a.compare(&low).is_some_and(|o| o != Ordering::Less) && a.compare(&high).is_some_and(|o| o != Ordering::Greater),
            _ => false,
        },
        Cond::In(a, list) => term_value(item, a).is_some_and(|a| list.iter().any(|o| term_value(item, o).as_ref() == Some(&a))),
        Cond::Exists(path) => resolve(item, path).is_some(),
        Cond::NotExists(path) => resolve(item, path).is_none(),
        Cond::Type(path, t) => match (resolve(item, path), term_value(item, t)) {
            (Some(v), Some(AttrValue::S(name))) => v.type_name() == name,
            _ => false,
        },
        Cond::BeginsWith(a, b) => match (term_value(item, a), term_value(item, b)) {
            (Some(AttrValue::S(a)), Some(AttrValue::S(b))) | (Some(AttrValue::B(a)), Some(AttrValue::B(b))) => a.starts_with(&b),
            _ => false,
        },
        Cond::Contains(a, b) => match (term_value(item, a), term_value(item, b)) {
            (Some(AttrValue::S(a)), Some(AttrValue::S(b))) => a.contains(&b),
            (Some(AttrValue::Ss(set)), Some(AttrValue::S(b))) | (Some(AttrValue::Bs(set)), Some(AttrValue::B(b))) => set.contains(&b),
            (Some(AttrValue::Ns(set)), Some(AttrValue::N(b))) => set.contains(&b),
            (Some(AttrValue::L(list)), Some(b)) => list.contains(&b),
            _ => false,
        },
        Cond::And(a, b) => holds(a, item) && holds(b, item),
        Cond::Or(a, b) => holds(a, item) || holds(b, item),
        Cond::Not(a) => !holds(a, item),
    }
}

/// The attributes of `item` that `paths` name, nested as in the item.
pub fn project(item: &Item, paths: &[Path]) -> Item {
    let mut out = Item::new();
    for path in paths {
        let Some(value) = resolve(item, path) else { continue };
        // Nested paths keep their enclosing maps; a list element is kept in a list of the elements named.
        let mut parts: Vec<&PathPart> = path.iter().collect();
        let Some(PathPart::Attr(root)) = parts.first().copied() else { continue };
        parts.remove(0);
        if parts.is_empty() {
            out.insert(root.clone(), value.clone());
            continue;
        }
        let mut built = value.clone();
        for part in parts.iter().rev() {
            built = match part {
                PathPart::Attr(name) => AttrValue::M([(name.clone(), built)].into_iter().collect()),
                PathPart::Index(_) => AttrValue::L(vec![built]),
            };
        }
        merge(out.entry(root.clone()).or_insert(AttrValue::Null), built);
    }
    out
}

fn merge(into: &mut AttrValue, from: AttrValue) {
    match (into, from) {
        (AttrValue::M(a), AttrValue::M(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(AttrValue::Null), v);
            }
        }
        (AttrValue::L(a), AttrValue::L(b)) => a.extend(b),
        (slot, value) => *slot = value,
    }
}

/// text: DynamoDB's answer to an update whose path does not exist (observed).
fn invalid_path() -> ApiError {
    validation("The document path provided in the update expression is invalid for update")
}

fn operand_type_error(operator: &str, value: &AttrValue) -> ApiError {
    let shown = match value {
        AttrValue::S(_) => "S",
        AttrValue::N(_) => "N",
        AttrValue::L(_) => "L",
        AttrValue::M(_) => "M",
        other => other.type_name(),
    };
    validation(format!("Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: {operator}, operand type: {shown}"))
}

fn set_term_value(item: &Item, operand: &SetTerm) -> Result<AttrValue, ApiError> {
    match operand {
        SetTerm::Value(v) => Ok(v.clone()),
        SetTerm::Path(path) => resolve(item, path).cloned().ok_or_else(|| validation("The provided expression refers to an attribute that does not exist in the item")),
        SetTerm::IfNotExists(path, fallback) => match resolve(item, path) {
            Some(v) => Ok(v.clone()),
            None => set_term_value(item, fallback),
        },
        SetTerm::ListAppend(a, b) => match (set_term_value(item, a)?, set_term_value(item, b)?) {
            (AttrValue::L(mut a), AttrValue::L(b)) => {
                a.extend(b);
                Ok(AttrValue::L(a))
            }
            (AttrValue::L(_), other) | (other, _) => Err(operand_type_error("list_append", &other)),
        },
    }
}

/// Where `path` lives: the container and the last step.
fn slot_mut<'i>(item: &'i mut Item, path: &Path, create: bool) -> Result<Option<&'i mut AttrValue>, ApiError> {
    let Some(PathPart::Attr(root)) = path.first() else { return Err(invalid_path()) };
    if path.len() == 1 {
        if create {
            return Ok(Some(item.entry(root.clone()).or_insert(AttrValue::Null)));
        }
        return Ok(item.get_mut(root));
    }
    let mut current = match item.get_mut(root) {
        Some(v) => v,
        None => return Err(invalid_path()),
    };
    for (i, part) in path[1..].iter().enumerate() {
        let last = i == path.len() - 2;
        current = match (part, current) {
            (PathPart::Attr(name), AttrValue::M(map)) => {
                if last && create {
                    map.entry(name.clone()).or_insert(AttrValue::Null)
                } else {
                    match map.get_mut(name) {
                        Some(v) => v,
                        None if last => return Ok(None),
                        None => return Err(invalid_path()),
                    }
                }
            }
            (PathPart::Index(n), AttrValue::L(list)) => {
                let n = *n as usize;
                if n >= list.len() {
                    if last && create {
                        // An index past the end appends, as DynamoDB does.
                        list.push(AttrValue::Null);
                        let len = list.len();
                        &mut list[len - 1]
                    } else if last {
                        return Ok(None);
                    } else {
                        return Err(invalid_path());
                    }
                } else {
                    &mut list[n]
                }
            }
            _ => return Err(invalid_path()),
        };
    }
    Ok(Some(current))
}

fn remove_at(item: &mut Item, path: &Path) -> Result<(), ApiError> {
    if path.len() == 1 {
        item.remove(path_root(path));
        return Ok(());
    }
    let parent: Path = path[..path.len() - 1].to_vec();
    let Some(container) = slot_mut(item, &parent, false)? else { return Ok(()) };
    match (path.last(), container) {
        (Some(PathPart::Attr(name)), AttrValue::M(map)) => {
            map.remove(name);
        }
        (Some(PathPart::Index(n)), AttrValue::L(list)) => {
            if (*n as usize) < list.len() {
                list.remove(*n as usize);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Applies update actions to `item` (a copy: on error nothing is kept).
pub fn apply_update(item: &Item, actions: &[UpdateAction]) -> Result<Item, ApiError> {
    let mut out = item.clone();
    for action in actions {
        match action {
            UpdateAction::Set(path, value) => {
                let new_value = match value {
                    SetValue::Term(o) => set_term_value(item, o)?,
                    SetValue::Plus(a, b) | SetValue::Minus(a, b) => {
                        let operator = if matches!(value, SetValue::Plus(..)) { "+" } else { "-" };
                        let (a, b) = (set_term_value(item, a)?, set_term_value(item, b)?);
                        match (&a, &b) {
                            (AttrValue::N(x), AttrValue::N(y)) => AttrValue::N(if operator == "+" { x.checked_add(*y)? } else { x.checked_add(y.negated())? }),
                            (AttrValue::N(_), other) | (other, _) => return Err(operand_type_error(operator, other)),
                        }
                    }
                };
                *slot_mut(&mut out, path, true)?.ok_or_else(invalid_path)? = new_value;
            }
            UpdateAction::Remove(path) => remove_at(&mut out, path)?,
            UpdateAction::Add(path, value) => {
                let slot = slot_mut(&mut out, path, true)?.ok_or_else(invalid_path)?;
                let merged = match (&*slot, value) {
                    (AttrValue::Null, v @ (AttrValue::N(_) | AttrValue::Ss(_) | AttrValue::Ns(_) | AttrValue::Bs(_))) => v.clone(),
                    (AttrValue::N(a), AttrValue::N(b)) => AttrValue::N(a.checked_add(*b)?),
                    (AttrValue::Ss(a), AttrValue::Ss(b)) => AttrValue::Ss(union(a, b)),
                    (AttrValue::Bs(a), AttrValue::Bs(b)) => AttrValue::Bs(union(a, b)),
                    (AttrValue::Ns(a), AttrValue::Ns(b)) => AttrValue::Ns(union(a, b)),
                    (_, v) => return Err(operand_type_error("ADD", v)),
                };
                *slot = merged;
            }
            UpdateAction::Delete(path, value) => {
                let Some(slot) = slot_mut(&mut out, path, false)? else { continue };
                let remaining = match (&*slot, value) {
                    (AttrValue::Ss(a), AttrValue::Ss(b)) => AttrValue::Ss(a.iter().filter(|x| !b.contains(x)).cloned().collect()),
                    (AttrValue::Bs(a), AttrValue::Bs(b)) => AttrValue::Bs(a.iter().filter(|x| !b.contains(x)).cloned().collect()),
                    (AttrValue::Ns(a), AttrValue::Ns(b)) => AttrValue::Ns(a.iter().filter(|x| !b.contains(x)).cloned().collect()),
                    (_, v) => return Err(operand_type_error("DELETE", v)),
                };
                let empty = matches!(&remaining, AttrValue::Ss(s) | AttrValue::Bs(s) if s.is_empty()) || matches!(&remaining, AttrValue::Ns(s) if s.is_empty());
                *slot = remaining;
                if empty {
                    // A set left empty is removed: DynamoDB stores no empty sets.
                    remove_at(&mut out, path)?;
                }
            }
        }
    }
    // A SET or ADD on a missing attribute leaves no Null placeholder behind.
    Ok(out)
}

fn union<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out: Vec<T> = a.iter().chain(b.iter()).cloned().collect();
    out.sort();
    out.dedup();
    out
}
