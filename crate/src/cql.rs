//! The cluster query language of `memberOf` placement constraints: a parser, an evaluator and a small regex matcher.
//!
//! Grammar (ECSDG cluster-query-language.md; precedence between `and` and `or` is not documented by AWS,
//! we follow the usual convention that `and` binds tighter than `or`):
//!
//! ```text
//! or_expr  := and_expr { ("||" | "or") and_expr }
//! and_expr := unary { ("&&" | "and") unary }
//! unary    := ("!" | "not") unary | "(" or_expr ")" | atom
//! atom     := subject operator [argument]
//! argument := value | "[" value { "," value } "]"       (lists only for in / not_in)
//! value    := bare word | 'quoted' | "quoted"
//! ```
//!
//! Subjects: `agentConnected`, `agentVersion`, `ec2InstanceId`, `registeredAt`, `runningTasksCount`,
//! `task:group`, `attribute:<name>`. Operators have a symbol and a word form (`==`/`equals` ...).
//! Keywords and word operators are case-insensitive. The regex operators use Java `matches` semantics
//! (the whole value must match) over a subset of Java syntax: literals, escapes, `.`, classes, `^`/`$`,
//! groups, `|`, `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`.
//!
//! Choices the AWS documentation leaves open (all **[UNVERIFIED]**):
//! - an absent attribute makes `==`, `in`, `=~` and the ordering operators false, and `!=`, `!in`, `!~` true;
//! - ordering operators on an attribute compare numerically by dot-separated component when both sides are
//!   made of digits and dots (`1.10 > 1.9`), and by bytes otherwise;
//! - `task:group` operators ask about any task on the instance: `==` is "runs a task of that group",
//!   `!=` its negation, `in` "runs a task of one of the groups", `=~` "runs a task whose group matches",
//!   `exists` "runs any task";
//! - `registeredAt` values without a zone are UTC; a date alone is midnight UTC.

use std::fmt;

/// Longest expression AWS accepts (BOTO `PlacementConstraint.expression`).
pub const MAX_EXPRESSION_CHARS: usize = 2000;

/// What an expression can ask about a container instance.
pub trait CqlSubject {
    /// `None`: no such attribute; `Some(None)`: the attribute exists without a value.
    fn attribute(&self, name: &str) -> Option<Option<&str>>;
    fn ec2_instance_id(&self) -> &str;
    /// Whether the instance runs (or has reserved) a task of this group.
    fn has_task_group(&self, group: &str) -> bool;
    /// Calls `f` on each distinct task group on the instance until it returns true; returns whether it did.
    fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool;
    fn running_tasks_count(&self) -> u32;
    fn agent_version(&self) -> &str;
    fn registered_at_ms(&self) -> u64;
    fn agent_connected(&self) -> bool;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    AgentConnected,
    AgentVersion,
    Ec2InstanceId,
    RegisteredAt,
    RunningTasksCount,
    TaskGroup,
    Attribute(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Exists,
    NotExists,
    In,
    NotIn,
    Matches,
    NotMatches,
}

/// The parsed argument of a condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    None,
    Text(String),
    List(Vec<String>),
    /// An `agentVersion` argument, by numeric component.
    Version(Vec<u64>),
    /// A `registeredAt` argument in ms since the epoch.
    TimeMs(i64),
    Count(u64),
    Regex(Regex),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Cond { subject: Subject, op: Op, arg: Arg },
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// Parses an expression; errors read `Invalid expression: ...` and name the 1-based character position.
pub fn parse(expression: &str) -> Result<Expr, String> {
    let chars: Vec<char> = expression.chars().collect();
    if chars.len() > MAX_EXPRESSION_CHARS {
        return Err(format!(
            "Invalid expression: {} characters, the maximum is {MAX_EXPRESSION_CHARS}",
            chars.len()
        ));
    }
    let mut parser = Parser {
        chars,
        pos: 0,
        depth: 0,
    };
    parser.skip_ws();
    if parser.at_end() {
        return Err("Invalid expression: the expression is empty".to_string());
    }
    let expr = parser.or_expr()?;
    parser.skip_ws();
    if !parser.at_end() {
        return Err(parser.error("unexpected text after the end of the expression"));
    }
    Ok(expr)
}

impl Expr {
    pub fn eval(&self, subject: &impl CqlSubject) -> bool {
        match self {
            Expr::Cond {
                subject: s,
                op,
                arg,
            } => eval_cond(s, *op, arg, subject),
            Expr::Not(inner) => !inner.eval(subject),
            Expr::And(a, b) => a.eval(subject) && b.eval(subject),
            Expr::Or(a, b) => a.eval(subject) || b.eval(subject),
        }
    }

    /// True when the result can change as tasks start and stop (`runningTasksCount`, `task:group`).
    pub fn depends_on_tasks(&self) -> bool {
        match self {
            Expr::Cond { subject, .. } => {
                matches!(subject, Subject::RunningTasksCount | Subject::TaskGroup)
            }
            Expr::Not(inner) => inner.depends_on_tasks(),
            Expr::And(a, b) | Expr::Or(a, b) => a.depends_on_tasks() || b.depends_on_tasks(),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Exists => "exists",
            Op::NotExists => "!exists",
            Op::In => "in",
            Op::NotIn => "!in",
            Op::Matches => "=~",
            Op::NotMatches => "!~",
        };
        f.write_str(text)
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation.

fn eval_cond(subject: &Subject, op: Op, arg: &Arg, s: &impl CqlSubject) -> bool {
    match subject {
        Subject::AgentConnected => {
            eval_text(if s.agent_connected() { "true" } else { "false" }, op, arg)
        }
        Subject::Ec2InstanceId => eval_text(s.ec2_instance_id(), op, arg),
        Subject::AgentVersion => {
            let Some(have) = parse_version(s.agent_version()) else {
                return matches!(op, Op::Ne);
            };
            let Arg::Version(want) = arg else {
                return false;
            };
            compare_ord(cmp_versions(&have, want), op)
        }
        Subject::RegisteredAt => {
            let Arg::TimeMs(want) = arg else { return false };
            let have = i64::try_from(s.registered_at_ms()).unwrap_or(i64::MAX);
            compare_ord(have.cmp(want), op)
        }
        Subject::RunningTasksCount => {
            let Arg::Count(want) = arg else { return false };
            compare_ord(u64::from(s.running_tasks_count()).cmp(want), op)
        }
        Subject::TaskGroup => match (op, arg) {
            (Op::Exists, _) => s.any_task_group(&mut |_| true),
            (Op::NotExists, _) => !s.any_task_group(&mut |_| true),
            (Op::Eq, Arg::Text(g)) => s.has_task_group(g),
            (Op::Ne, Arg::Text(g)) => !s.has_task_group(g),
            (Op::In, Arg::List(gs)) => gs.iter().any(|g| s.has_task_group(g)),
            (Op::NotIn, Arg::List(gs)) => !gs.iter().any(|g| s.has_task_group(g)),
            (Op::Matches, Arg::Regex(re)) => s.any_task_group(&mut |g| re.is_match(g)),
            (Op::NotMatches, Arg::Regex(re)) => !s.any_task_group(&mut |g| re.is_match(g)),
            (Op::Gt | Op::Ge | Op::Lt | Op::Le, Arg::Text(g)) => {
                s.any_task_group(&mut |have| compare_ord(cmp_text(have, g), op))
            }
            _ => false,
        },
        Subject::Attribute(name) => match s.attribute(name) {
            None => matches!(op, Op::Ne | Op::NotExists | Op::NotIn | Op::NotMatches),
            Some(value) => eval_text(value.unwrap_or(""), op, arg),
        },
    }
}

fn eval_text(have: &str, op: Op, arg: &Arg) -> bool {
    match (op, arg) {
        (Op::Exists, _) => true,
        (Op::NotExists, _) => false,
        (Op::Eq, Arg::Text(want)) => have == want,
        (Op::Ne, Arg::Text(want)) => have != want,
        (Op::In, Arg::List(list)) => list.iter().any(|w| w == have),
        (Op::NotIn, Arg::List(list)) => !list.iter().any(|w| w == have),
        (Op::Matches, Arg::Regex(re)) => re.is_match(have),
        (Op::NotMatches, Arg::Regex(re)) => !re.is_match(have),
        (Op::Gt | Op::Ge | Op::Lt | Op::Le, Arg::Text(want)) => {
            compare_ord(cmp_text(have, want), op)
        }
        _ => false,
    }
}

fn compare_ord(ordering: std::cmp::Ordering, op: Op) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Op::Eq => ordering == Equal,
        Op::Ne => ordering != Equal,
        Op::Gt => ordering == Greater,
        Op::Ge => ordering != Less,
        Op::Lt => ordering == Less,
        Op::Le => ordering != Greater,
        _ => false,
    }
}

/// Numeric by component when both are digits and dots, bytes otherwise.
fn cmp_text(a: &str, b: &str) -> std::cmp::Ordering {
    match (parse_version(a), parse_version(b)) {
        (Some(x), Some(y)) => cmp_versions(&x, &y),
        _ => a.cmp(b),
    }
}

/// `1.14.5` → `[1, 14, 5]`; a leading `v` is allowed. Missing trailing components compare as 0.
fn parse_version(text: &str) -> Option<Vec<u64>> {
    let text = text.strip_prefix('v').unwrap_or(text);
    if text.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for part in text.split('.') {
        if part.is_empty() || part.len() > 18 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts.push(part.parse::<u64>().ok()?);
    }
    Some(parts)
}

fn cmp_versions(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        if x != y {
            return x.cmp(&y);
        }
    }
    std::cmp::Ordering::Equal
}

// ---------------------------------------------------------------------------------------------
// Parsing.

/// Nesting limit for parentheses and `not`, so that no input can exhaust the stack.
const MAX_DEPTH: u32 = 100;

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: u32,
}

impl Parser {
    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn error(&self, message: &str) -> String {
        self.error_at(self.pos, message)
    }

    fn error_at(&self, pos: usize, message: &str) -> String {
        let text: String = self.chars.iter().collect();
        if pos >= self.chars.len() {
            format!("Invalid expression: {message} at the end of '{text}'")
        } else {
            format!(
                "Invalid expression: {message} at position {} of '{text}'",
                pos + 1
            )
        }
    }

    fn starts_with(&self, text: &str) -> bool {
        (self.pos..)
            .zip(text.chars())
            .all(|(i, c)| self.chars.get(i) == Some(&c))
    }

    /// A keyword (case-insensitive) followed by a non-word character.
    fn keyword(&mut self, word: &str) -> bool {
        let n = word.chars().count();
        if self.pos + n > self.chars.len() {
            return false;
        }
        let candidate: String = self.chars[self.pos..self.pos + n].iter().collect();
        if !candidate.eq_ignore_ascii_case(word) {
            return false;
        }
        if let Some(next) = self.chars.get(self.pos + n) {
            if next.is_alphanumeric()
                || *next == '_'
                || *next == ':'
                || *next == '.'
                || *next == '-'
            {
                return false;
            }
        }
        self.pos += n;
        true
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nesting is too deep"));
        }
        Ok(())
    }

    fn or_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.and_expr()?;
        loop {
            self.skip_ws();
            if self.starts_with("||") {
                self.pos += 2;
            } else if !self.keyword("or") {
                return Ok(left);
            }
            let right = self.and_expr()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
    }

    fn and_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        loop {
            self.skip_ws();
            if self.starts_with("&&") {
                self.pos += 2;
            } else if !self.keyword("and") {
                return Ok(left);
            }
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        self.skip_ws();
        if self.at_end() {
            return Err(self.error("expected an expression"));
        }
        if self.peek() == Some('!') && !self.starts_with("!=") && !self.starts_with("!~") {
            self.pos += 1;
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        if self.keyword("not") {
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        if self.peek() == Some('(') {
            let open = self.pos;
            self.pos += 1;
            self.enter()?;
            let inner = self.or_expr()?;
            self.depth -= 1;
            self.skip_ws();
            if self.peek() != Some(')') {
                return Err(self.error_at(
                    self.pos,
                    &format!("expected ')' to close the '(' at position {}", open + 1),
                ));
            }
            self.pos += 1;
            return Ok(inner);
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, String> {
        let start = self.pos;
        let word = self.take_while(|c| !c.is_whitespace() && !"()[],'\"=!<>~".contains(c));
        let subject = match word.as_str() {
            "agentConnected" => Subject::AgentConnected,
            "agentVersion" => Subject::AgentVersion,
            "ec2InstanceId" => Subject::Ec2InstanceId,
            "registeredAt" => Subject::RegisteredAt,
            "runningTasksCount" => Subject::RunningTasksCount,
            "task:group" => Subject::TaskGroup,
            "" => return Err(self.error_at(start, "expected a subject")),
            other => match other.strip_prefix("attribute:") {
                Some(name) if !name.is_empty() => Subject::Attribute(name.to_string()),
                Some(_) => return Err(self.error_at(start, "expected an attribute name after 'attribute:'")),
                None => {
                    return Err(self.error_at(
                        start,
                        &format!(
                            "unknown subject '{other}' (expected agentConnected, agentVersion, ec2InstanceId, \
                             registeredAt, runningTasksCount, task:group or attribute:<name>)"
                        ),
                    ))
                }
            },
        };
        self.skip_ws();
        let op_pos = self.pos;
        let op = self.operator().ok_or_else(|| {
            self.error_at(op_pos, &format!("expected an operator after '{word}'"))
        })?;
        let allowed: &[Op] = match subject {
            Subject::AgentConnected | Subject::Ec2InstanceId => &[
                Op::Eq,
                Op::Ne,
                Op::In,
                Op::NotIn,
                Op::Matches,
                Op::NotMatches,
                Op::Exists,
                Op::NotExists,
            ],
            Subject::AgentVersion | Subject::RegisteredAt | Subject::RunningTasksCount => {
                &[Op::Eq, Op::Ne, Op::Gt, Op::Ge, Op::Lt, Op::Le]
            }
            Subject::TaskGroup | Subject::Attribute(_) => &[
                Op::Eq,
                Op::Ne,
                Op::Gt,
                Op::Ge,
                Op::Lt,
                Op::Le,
                Op::Exists,
                Op::NotExists,
                Op::In,
                Op::NotIn,
                Op::Matches,
                Op::NotMatches,
            ],
        };
        if !allowed.contains(&op) {
            return Err(self.error_at(
                op_pos,
                &format!("operator '{op}' is not valid for '{word}'"),
            ));
        }
        self.skip_ws();
        let arg_pos = self.pos;
        let arg = match op {
            Op::Exists | Op::NotExists => Arg::None,
            Op::In | Op::NotIn => Arg::List(self.list()?),
            Op::Matches | Op::NotMatches => {
                let pattern = self.regex_value()?;
                Arg::Regex(
                    Regex::new(&pattern)
                        .map_err(|e| self.error_at(arg_pos, &format!("bad pattern: {e}")))?,
                )
            }
            _ => {
                let value = self.value()?;
                match subject {
                    Subject::AgentVersion => Arg::Version(parse_version(&value).ok_or_else(|| {
                        self.error_at(arg_pos, &format!("'{value}' is not a version like 1.14.5"))
                    })?),
                    Subject::RegisteredAt => Arg::TimeMs(crate::time::parse_iso8601_epoch_ms(&value).ok_or_else(|| {
                        self.error_at(
                            arg_pos,
                            &format!("'{value}' is not a date like 2018-06-18 or 2018-06-18T22:28:28+00:00"),
                        )
                    })?),
                    Subject::RunningTasksCount => Arg::Count(
                        value
                            .parse::<u64>()
                            .map_err(|_| self.error_at(arg_pos, &format!("'{value}' is not a whole number")))?,
                    ),
                    _ => Arg::Text(value),
                }
            }
        };
        Ok(Expr::Cond { subject, op, arg })
    }

    fn take_while(&mut self, pred: impl Fn(char) -> bool) -> String {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn operator(&mut self) -> Option<Op> {
        if self.peek() == Some('!') {
            let saved = self.pos;
            self.pos += 1;
            if self.keyword("exists") {
                return Some(Op::NotExists);
            }
            if self.keyword("in") {
                return Some(Op::NotIn);
            }
            self.pos = saved;
        }
        const SYMBOLS: [(&str, Op); 8] = [
            ("==", Op::Eq),
            ("!=", Op::Ne),
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("=~", Op::Matches),
            ("!~", Op::NotMatches),
            (">", Op::Gt),
            ("<", Op::Lt),
        ];
        for (symbol, op) in SYMBOLS {
            if self.starts_with(symbol) {
                self.pos += symbol.len();
                return Some(op);
            }
        }
        const WORDS: [(&str, Op); 14] = [
            ("equals", Op::Eq),
            ("not_equals", Op::Ne),
            ("greater_than_equal", Op::Ge),
            ("greater_than", Op::Gt),
            ("less_than_equal", Op::Le),
            ("less_than", Op::Lt),
            ("exists", Op::Exists),
            ("not_exists", Op::NotExists),
            ("in", Op::In),
            ("not_in", Op::NotIn),
            ("matches", Op::Matches),
            ("not_matches", Op::NotMatches),
            ("greater_than_or_equal", Op::Ge),
            ("less_than_or_equal", Op::Le),
        ];
        WORDS
            .into_iter()
            .find_map(|(word, op)| self.keyword(word).then_some(op))
    }

    /// A bare or quoted value.
    fn value(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(q @ ('\'' | '"')) => {
                let open = self.pos;
                self.pos += 1;
                let text = self.take_while(|c| c != q);
                if self.peek() != Some(q) {
                    return Err(self.error_at(open, "unterminated quoted value"));
                }
                self.pos += 1;
                Ok(text)
            }
            _ => {
                let start = self.pos;
                let text = self.take_while(|c| !c.is_whitespace() && !"()[],".contains(c));
                if text.is_empty() {
                    return Err(self.error_at(start, "expected a value"));
                }
                Ok(text)
            }
        }
    }

    fn list(&mut self) -> Result<Vec<String>, String> {
        if self.peek() != Some('[') {
            return Err(self.error("expected a list like [a, b]"));
        }
        let open = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(']') && items.is_empty() {
                self.pos += 1;
                return Ok(items);
            }
            if self.at_end() {
                return Err(self.error_at(open, "unterminated list"));
            }
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {
                    self.pos += 1;
                    return Ok(items);
                }
                None => return Err(self.error_at(open, "unterminated list")),
                Some(_) => return Err(self.error("expected ',' or ']' in the list")),
            }
        }
    }

    /// A regex argument: quoted, or bare up to whitespace or an unbalanced `)` (balanced groups and classes
    /// are part of the pattern).
    fn regex_value(&mut self) -> Result<String, String> {
        if matches!(self.peek(), Some('\'' | '"')) {
            return self.value();
        }
        let start = self.pos;
        let mut depth = 0u32;
        let mut in_class = false;
        while let Some(c) = self.peek() {
            if c == '\\' {
                self.pos = (self.pos + 2).min(self.chars.len());
                continue;
            }
            if in_class {
                if c == ']' {
                    in_class = false;
                }
            } else if c.is_whitespace() {
                break;
            } else if c == '[' {
                in_class = true;
            } else if c == '(' {
                depth += 1;
            } else if c == ')' {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.error_at(start, "expected a pattern"));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }
}

// ---------------------------------------------------------------------------------------------
// Regex: compiled to a tiny instruction set and run by a backtracking matcher that remembers the
// (instruction, position) pairs it already tried, so every pattern runs in O(program × text) steps.

/// A compiled pattern with Java `String.matches` semantics (the whole text must match).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regex {
    program: Vec<Inst>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Inst {
    Char(char),
    Any,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    LineStart,
    LineEnd,
    Split(u32, u32),
    Jump(u32),
    Match,
}

/// Largest compiled program (bounds memory of the matcher).
const MAX_PROGRAM: usize = 20_000;

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    LineStart,
    LineEnd,
    Group(Box<Node>),
    Concat(Vec<Node>),
    Alternate(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

impl Regex {
    pub fn new(pattern: &str) -> Result<Regex, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = RegexParser {
            chars: &chars,
            pos: 0,
            depth: 0,
            consumed_braces: false,
        };
        let node = p.alternation()?;
        if p.pos < chars.len() {
            return Err(format!("unmatched ')' at pattern position {}", p.pos + 1));
        }
        let mut program = Vec::new();
        compile(&node, &mut program)?;
        program.push(Inst::Match);
        Ok(Regex { program })
    }

    /// Whether the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        if text.is_ascii() {
            // Attribute values are almost always ASCII: match on the bytes without collecting chars.
            let bytes = text.as_bytes();
            self.run(bytes.len(), |i| bytes[i] as char)
        } else {
            let chars: Vec<char> = text.chars().collect();
            self.run(chars.len(), |i| chars[i])
        }
    }

    fn run(&self, len: usize, at: impl Fn(usize) -> char) -> bool {
        let width = len + 1;
        let n_bits = self.program.len() * width;
        // Small problems use a bitset and a backtrack stack on the stack; large ones allocate.
        let mut small = [0u64; 8];
        let mut large = Vec::new();
        let visited: &mut [u64] = if n_bits <= small.len() * 64 {
            &mut small
        } else {
            large.resize(n_bits.div_ceil(64), 0u64);
            &mut large
        };
        let mut stack = BacktrackStack::default();
        let (mut pc, mut pos) = (0usize, 0usize);
        loop {
            let bit = pc * width + pos;
            let seen = visited[bit / 64] & (1 << (bit % 64)) != 0;
            let advanced = if seen {
                false
            } else {
                visited[bit / 64] |= 1 << (bit % 64);
                match &self.program[pc] {
                    Inst::Char(c) => {
                        if pos < len && at(pos) == *c {
                            pc += 1;
                            pos += 1;
                            true
                        } else {
                            false
                        }
                    }
                    Inst::Any => {
                        if pos < len && at(pos) != '\n' && at(pos) != '\r' {
                            pc += 1;
                            pos += 1;
                            true
                        } else {
                            false
                        }
                    }
                    Inst::Class { negated, ranges } => {
                        if pos < len {
                            let c = at(pos);
                            let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                            if inside != *negated {
                                pc += 1;
                                pos += 1;
                                true
                            } else {
                                false
                            }
                        } else {
                            false
                        }
                    }
                    Inst::LineStart => {
                        pc += 1;
                        pos == 0
                    }
                    Inst::LineEnd => {
                        pc += 1;
                        pos == len
                    }
                    Inst::Split(a, b) => {
                        stack.push((*b, pos));
                        pc = *a as usize;
                        true
                    }
                    Inst::Jump(a) => {
                        pc = *a as usize;
                        true
                    }
                    Inst::Match => {
                        if pos == len {
                            return true;
                        }
                        false
                    }
                }
            };
            if !advanced {
                match stack.pop() {
                    Some((next_pc, next_pos)) => {
                        pc = next_pc as usize;
                        pos = next_pos;
                    }
                    None => return false,
                }
            }
        }
    }
}

/// Pending alternatives of the matcher: 16 inline, then spilled to the heap.
#[derive(Default)]
struct BacktrackStack {
    inline: [(u32, usize); 16],
    n_inline: usize,
    spilled: Vec<(u32, usize)>,
}

impl BacktrackStack {
    fn push(&mut self, item: (u32, usize)) {
        if self.n_inline < self.inline.len() && self.spilled.is_empty() {
            self.inline[self.n_inline] = item;
            self.n_inline += 1;
        } else {
            self.spilled.push(item);
        }
    }

    fn pop(&mut self) -> Option<(u32, usize)> {
        if let Some(item) = self.spilled.pop() {
            return Some(item);
        }
        if self.n_inline == 0 {
            return None;
        }
        self.n_inline -= 1;
        Some(self.inline[self.n_inline])
    }
}

fn compile(node: &Node, out: &mut Vec<Inst>) -> Result<(), String> {
    if out.len() > MAX_PROGRAM {
        return Err("pattern is too large".to_string());
    }
    match node {
        Node::Char(c) => out.push(Inst::Char(*c)),
        Node::Any => out.push(Inst::Any),
        Node::Class { negated, ranges } => out.push(Inst::Class {
            negated: *negated,
            ranges: ranges.clone(),
        }),
        Node::LineStart => out.push(Inst::LineStart),
        Node::LineEnd => out.push(Inst::LineEnd),
        Node::Group(inner) => compile(inner, out)?,
        Node::Concat(items) => {
            for item in items {
                compile(item, out)?;
            }
        }
        Node::Alternate(branches) => {
            // Split(b1, next); b1; Jump(end); next: Split(b2, next2) ... last branch.
            let mut jumps = Vec::new();
            for (i, branch) in branches.iter().enumerate() {
                if i + 1 < branches.len() {
                    let split = out.len();
                    out.push(Inst::Split(0, 0));
                    compile(branch, out)?;
                    jumps.push(out.len());
                    out.push(Inst::Jump(0));
                    out[split] = Inst::Split(split as u32 + 1, out.len() as u32);
                } else {
                    compile(branch, out)?;
                }
            }
            let end = out.len() as u32;
            for j in jumps {
                out[j] = Inst::Jump(end);
            }
        }
        Node::Repeat { node, min, max } => {
            for _ in 0..*min {
                compile(node, out)?;
            }
            match max {
                None => {
                    // loop: Split(body, end); body; Jump(loop)
                    let split = out.len();
                    out.push(Inst::Split(0, 0));
                    compile(node, out)?;
                    out.push(Inst::Jump(split as u32));
                    out[split] = Inst::Split(split as u32 + 1, out.len() as u32);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(out.len());
                        out.push(Inst::Split(0, 0));
                        compile(node, out)?;
                    }
                    let end = out.len() as u32;
                    for s in splits {
                        out[s] = Inst::Split(s as u32 + 1, end);
                    }
                }
            }
        }
    }
    if out.len() > MAX_PROGRAM {
        return Err("pattern is too large".to_string());
    }
    Ok(())
}

struct RegexParser<'a> {
    chars: &'a [char],
    pos: usize,
    depth: u32,
    /// Set by `braces` when it consumed a `{n,m}` quantifier.
    consumed_braces: bool,
}

impl RegexParser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn alternation(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("pattern nesting is too deep".to_string());
        }
        let mut branches = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            branches.push(self.concat()?);
        }
        self.depth -= 1;
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Concat(Vec::new()))
        } else {
            Node::Alternate(branches)
        })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let atom = self.quantifier(atom)?;
            items.push(atom);
        }
        Ok(Node::Concat(items))
    }

    fn quantifier(&mut self, atom: Node) -> Result<Node, String> {
        let mut node = atom;
        loop {
            let (min, max) = match self.peek() {
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('?') => (0, Some(1)),
                Some('{') => match self.braces()? {
                    Some(bounds) => bounds,
                    None => return Ok(node),
                },
                _ => return Ok(node),
            };
            if !self.consumed_braces {
                self.pos += 1;
            }
            self.consumed_braces = false;
            if matches!(node, Node::LineStart | Node::LineEnd) {
                return Err(format!(
                    "nothing to repeat at pattern position {}",
                    self.pos
                ));
            }
            // Lazy and possessive suffixes do not change whether the whole text matches.
            if matches!(self.peek(), Some('?') | Some('+')) {
                self.pos += 1;
            }
            node = Node::Repeat {
                node: Box::new(node),
                min,
                max,
            };
        }
    }

    /// `{n}`, `{n,}`, `{n,m}`; consumes it and returns the bounds, or `None` (a literal `{`) untouched.
    fn braces(&mut self) -> Result<Option<(u32, Option<u32>)>, String> {
        let start = self.pos;
        let mut i = start + 1;
        let read_num = |i: &mut usize| -> Option<u32> {
            let s = *i;
            while self.chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            if *i == s || *i - s > 4 {
                return None;
            }
            self.chars[s..*i].iter().collect::<String>().parse().ok()
        };
        let Some(min) = read_num(&mut i) else {
            return Ok(None);
        };
        let max = if self.chars.get(i) == Some(&',') {
            i += 1;
            if self.chars.get(i) == Some(&'}') {
                None
            } else {
                let Some(max) = read_num(&mut i) else {
                    return Ok(None);
                };
                Some(max)
            }
        } else {
            Some(min)
        };
        if self.chars.get(i) != Some(&'}') {
            return Ok(None);
        }
        if max.is_some_and(|m| m < min) || min > 1000 || max.is_some_and(|m| m > 1000) {
            return Err(format!(
                "bad repetition bounds at pattern position {}",
                start + 1
            ));
        }
        self.pos = i + 1;
        self.consumed_braces = true;
        Ok(Some((min, max)))
    }

    fn atom(&mut self) -> Result<Node, String> {
        let at = self.pos + 1;
        let Some(c) = self.peek() else {
            return Err("unexpected end of pattern".to_string());
        };
        self.pos += 1;
        match c {
            '.' => Ok(Node::Any),
            '^' => Ok(Node::LineStart),
            '$' => Ok(Node::LineEnd),
            '(' => {
                if self.peek() == Some('?') {
                    if self.chars.get(self.pos + 1) == Some(&':') {
                        self.pos += 2;
                    } else {
                        return Err(format!("unsupported group syntax at pattern position {at}"));
                    }
                }
                let inner = self.alternation()?;
                if self.peek() != Some(')') {
                    return Err(format!("unclosed group opened at pattern position {at}"));
                }
                self.pos += 1;
                Ok(Node::Group(Box::new(inner)))
            }
            '[' => self.class(at),
            '\\' => self.escape(false).map(|e| match e {
                Escaped::Char(c) => Node::Char(c),
                Escaped::Class(negated, ranges) => Node::Class { negated, ranges },
            }),
            '*' | '+' | '?' => Err(format!("nothing to repeat at pattern position {at}")),
            '{' => Ok(Node::Char('{')),
            c => Ok(Node::Char(c)),
        }
    }

    fn class(&mut self, at: usize) -> Result<Node, String> {
        let mut negated = false;
        if self.peek() == Some('^') {
            negated = true;
            self.pos += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(format!("unclosed class opened at pattern position {at}"));
            };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            self.pos += 1;
            let lo = if c == '\\' {
                match self.escape(true)? {
                    Escaped::Char(c) => c,
                    Escaped::Class(false, rs) => {
                        ranges.extend(rs);
                        continue;
                    }
                    Escaped::Class(true, _) => {
                        return Err(format!(
                            "negated escape inside a class at pattern position {}",
                            self.pos
                        ))
                    }
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&n| n != ']') {
                self.pos += 1;
                let Some(hi_char) = self.peek() else {
                    return Err(format!("unclosed class opened at pattern position {at}"));
                };
                self.pos += 1;
                let hi = if hi_char == '\\' {
                    match self.escape(true)? {
                        Escaped::Char(c) => c,
                        Escaped::Class(..) => {
                            return Err(format!("bad class range at pattern position {}", self.pos))
                        }
                    }
                } else {
                    hi_char
                };
                if hi < lo {
                    return Err(format!(
                        "bad class range {lo}-{hi} at pattern position {}",
                        self.pos
                    ));
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok(Node::Class { negated, ranges })
    }

    fn escape(&mut self, _in_class: bool) -> Result<Escaped, String> {
        let Some(c) = self.peek() else {
            return Err("trailing backslash in pattern".to_string());
        };
        self.pos += 1;
        let digits = vec![('0', '9')];
        let word = vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
        let space = vec![('\t', '\r'), (' ', ' ')];
        Ok(match c {
            'd' => Escaped::Class(false, digits),
            'D' => Escaped::Class(true, digits),
            'w' => Escaped::Class(false, word),
            'W' => Escaped::Class(true, word),
            's' => Escaped::Class(false, space),
            'S' => Escaped::Class(true, space),
            't' => Escaped::Char('\t'),
            'n' => Escaped::Char('\n'),
            'r' => Escaped::Char('\r'),
            c if c.is_ascii_alphanumeric() => {
                return Err(format!(
                    "unsupported escape \\{c} at pattern position {}",
                    self.pos - 1
                ))
            }
            c => Escaped::Char(c),
        })
    }
}

enum Escaped {
    Char(char),
    Class(bool, Vec<(char, char)>),
}
