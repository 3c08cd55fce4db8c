//! A subset of CloudWatch Logs Insights (CWLUG CWL_QuerySyntax.md): commands `fields`, `display`, `filter`,
//! `parse` (the glob form, `parse @message "* - *" as a, b`), `stats` (`count`, `sum`, `avg`, `min`, `max`,
//! `pct`, grouped `by` fields and `bin(<period>)`), `sort` and `limit`, joined with `|`; `#` starts a comment
//! line. Filters compare with `= != < <= > >=`, `like "text"`, `like /regex/` and `=~ /regex/`, `in [..]`,
//! `ispresent(field)`, `and`, `or`, `not` and parentheses. A regular expression is matched as a subset:
//! literal text, `.*`, `^`, `$`, alternatives with `|` and `(?i)` for case-insensitive. The discovered fields
//! are `@timestamp`, `@message`, `@logStream`, `@log`, `@ptr` and, for a JSON message, its fields (nested ones
//! joined with `.`).

use serde_json::Value;

/// The rows a query returns when it names no `limit` ([UNVERIFIED]: the console's default is 1,000 rows,
/// CWLUG cloudwatch_limits_cwl.md).
pub const DEFAULT_QUERY_LIMIT: usize = 1_000;
/// The most rows a query returns (the API's `limit` maximum is 10,000, BOTO logs `EventsLimit`).
pub const MAX_QUERY_ROWS: usize = 10_000;

/// One log event as a query reads it.
#[derive(Clone, Debug)]
pub struct QueryInput<'a> {
    pub timestamp_ms: u64,
    pub message: &'a str,
    pub log_stream: &'a str,
    /// `<account>:<group>`, as `@log` shows it.
    pub log: String,
    pub ptr: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Regex(String),
    Sym(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
enum QVal {
    Null,
    Num(f64),
    Text(String),
}

impl QVal {
    fn text(&self) -> String {
        match self {
            QVal::Null => String::new(),
            QVal::Num(n) => format_number(*n),
            QVal::Text(s) => s.clone(),
        }
    }
    fn num(&self) -> Option<f64> {
        match self {
            QVal::Num(n) => Some(*n),
            QVal::Text(s) => s.trim().parse().ok(),
            QVal::Null => None,
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let text = format!("{n:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Field(String),
    Lit(QVal),
    Cmp(Box<Expr>, &'static str, Box<Expr>),
    Like(Box<Expr>, Pattern, bool),
    In(Box<Expr>, Vec<QVal>),
    IsPresent(String),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

/// A `like` operand: a text to contain, or a regular expression of the supported subset.
#[derive(Clone, Debug, PartialEq)]
struct Pattern {
    alternatives: Vec<String>,
    ignore_case: bool,
    is_regex: bool,
}

impl Pattern {
    fn matches(&self, text: &str) -> bool {
        let text = if self.ignore_case { text.to_lowercase() } else { text.to_string() };
        if !self.is_regex {
            return text.contains(self.alternatives[0].as_str());
        }
        self.alternatives.iter().any(|alt| {
            let anchored_start = alt.starts_with('^');
            let anchored_end = alt.ends_with('$') && !alt.ends_with("\\$");
            let mut body = alt.trim_start_matches('^').to_string();
            if anchored_end {
                body.pop();
            }
            let glob = body.replace(".*", "*").replace("\\.", ".");
            let pattern = format!("{}{}{}", if anchored_start { "" } else { "*" }, glob, if anchored_end { "" } else { "*" });
            crate::wildcard::wildcard_match(&pattern, &text, false)
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Agg {
    Count(Option<String>),
    Sum(String),
    Avg(String),
    Min(String),
    Max(String),
    Pct(String, f64),
}

#[derive(Clone, Debug, PartialEq)]
enum GroupKey {
    Field(String),
    Bin(u64),
}

#[derive(Clone, Debug, PartialEq)]
enum Command {
    Fields(Vec<String>),
    Filter(Expr),
    Parse { field: String, glob: String, names: Vec<String> },
    Stats { aggs: Vec<(Agg, String)>, by: Vec<(GroupKey, String)> },
    Sort(Vec<(String, bool)>),
    Limit(usize),
}

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    commands: Vec<Command>,
}

/// What a query found: its rows (each a list of field and value, `@ptr` last when the rows are events),
/// and how many events matched and were scanned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryOutput {
    pub rows: Vec<Vec<(String, String)>>,
    pub records_matched: u64,
    pub records_scanned: u64,
    pub bytes_scanned: u64,
}

fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
    let cleaned: String = text.lines().filter(|l| !l.trim_start().starts_with('#')).collect::<Vec<_>>().join("\n");
    let chars: Vec<char> = cleaned.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' || c == '`' {
            let start = i + 1;
            let len = chars[start..].iter().position(|d| *d == c).ok_or_else(|| format!("unterminated quoted string at character {}", i + 1))?;
            out.push(Tok::Str(chars[start..start + len].iter().collect()));
            i = start + len + 1;
        } else if c == '/' {
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && chars[j] != '/' {
                if chars[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(format!("unterminated regular expression at character {}", i + 1));
            }
            out.push(Tok::Regex(chars[start..j].iter().collect()));
            i = j + 1;
        } else if c.is_alphanumeric() || matches!(c, '_' | '@' | '.' | '$' | '-') && !(c == '-' && out.last().is_some_and(|t| matches!(t, Tok::Word(_)))) {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '@' | '.' | '$' | '-')) {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let sym = match two.as_str() {
                "!=" => Some("!="),
                "<=" => Some("<="),
                ">=" => Some(">="),
                "=~" => Some("=~"),
                "==" => Some("="),
                _ => None,
            };
            if let Some(sym) = sym {
                out.push(Tok::Sym(sym));
                i += 2;
                continue;
            }
            let sym = match c {
                '|' => "|",
                '=' => "=",
                '<' => "<",
                '>' => ">",
                '(' => "(",
                ')' => ")",
                '[' => "[",
                ']' => "]",
                ',' => ",",
                '*' => "*",
                _ => return Err(format!("unexpected character '{c}' at character {}", i + 1)),
            };
            out.push(Tok::Sym(sym));
            i += 1;
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let tok = self.toks.get(self.pos).cloned();
        self.pos += 1;
        tok
    }
    fn sym(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(x)) if *x == s) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn field(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Tok::Word(w)) => Ok(w),
            Some(Tok::Str(s)) => Ok(s),
            other => Err(format!("expected a field name, found {}", shown(other.as_ref()))),
        }
    }
    fn done(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.word("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.word("and") {
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.word("not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.sym("(") {
            let inner = self.or()?;
            if !self.sym(")") {
                return Err("a '(' is not closed".to_string());
            }
            return Ok(inner);
        }
        if matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case("ispresent")) {
            self.pos += 1;
            if !self.sym("(") {
                return Err("ispresent needs (field)".to_string());
            }
            let field = self.field()?;
            if !self.sym(")") {
                return Err("ispresent needs (field)".to_string());
            }
            return Ok(Expr::IsPresent(field));
        }
        let left = self.operand()?;
        for op in ["!=", "<=", ">=", "=", "<", ">"] {
            if self.sym(op) {
                let right = self.operand()?;
                return Ok(Expr::Cmp(Box::new(left), op, Box::new(right)));
            }
        }
        let negated = self.word("not");
        if self.word("like") || self.sym("=~") {
            let pattern = match self.next() {
                Some(Tok::Str(s)) => Pattern { alternatives: vec![s], ignore_case: false, is_regex: false },
                Some(Tok::Regex(r)) => regex_pattern(&r),
                other => return Err(format!("like needs \"text\" or /regex/, found {}", shown(other.as_ref()))),
            };
            return Ok(Expr::Like(Box::new(left), pattern, negated));
        }
        if self.word("in") {
            if !self.sym("[") {
                return Err("in needs a [list]".to_string());
            }
            let mut items = Vec::new();
            loop {
                match self.next() {
                    Some(Tok::Str(s)) => items.push(QVal::Text(s)),
                    Some(Tok::Word(w)) => items.push(w.parse().map(QVal::Num).unwrap_or(QVal::Text(w))),
                    other => return Err(format!("expected a value in the list, found {}", shown(other.as_ref()))),
                }
                if self.sym("]") {
                    break;
                }
                if !self.sym(",") {
                    return Err("values in a list are separated by commas".to_string());
                }
            }
            let expr = Expr::In(Box::new(left), items);
            return Ok(if negated { Expr::Not(Box::new(expr)) } else { expr });
        }
        if negated {
            return Err("not must be followed by like or in here".to_string());
        }
        Ok(Expr::Cmp(Box::new(left), "truthy", Box::new(Expr::Lit(QVal::Null))))
    }
    fn operand(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Expr::Lit(QVal::Text(s))),
            Some(Tok::Word(w)) => Ok(match w.parse::<f64>() {
                Ok(n) if !w.starts_with('@') => Expr::Lit(QVal::Num(n)),
                _ => Expr::Field(w),
            }),
            other => Err(format!("expected a field or a value, found {}", shown(other.as_ref()))),
        }
    }
}

fn regex_pattern(regex: &str) -> Pattern {
    let (ignore_case, body) = match regex.strip_prefix("(?i)") {
        Some(rest) => (true, rest),
        None => (false, regex),
    };
    let body = if ignore_case { body.to_lowercase() } else { body.to_string() };
    Pattern { alternatives: body.split('|').map(str::to_string).collect(), ignore_case, is_regex: true }
}

fn shown(tok: Option<&Tok>) -> String {
    match tok {
        None => "the end of the query".to_string(),
        Some(Tok::Word(w)) => format!("'{w}'"),
        Some(Tok::Str(s)) => format!("\"{s}\""),
        Some(Tok::Regex(r)) => format!("/{r}/"),
        Some(Tok::Sym(s)) => format!("'{s}'"),
    }
}

/// A period of `bin()`: `30s`, `5m`, `1h`, `1d` (also `min`, `hr` spellings), in milliseconds.
fn period_ms(text: &str) -> Option<u64> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let n: u64 = text[..split].parse().ok()?;
    let unit_ms = match &text[split..] {
        "ms" => 1,
        "s" | "sec" => 1_000,
        "m" | "min" => 60_000,
        "h" | "hr" => 3_600_000,
        "d" => 86_400_000,
        "w" => 604_800_000,
        _ => return None,
    };
    if n == 0 {
        return None;
    }
    n.checked_mul(unit_ms)
}

/// Parses a query; the error is the text of `MalformedQueryException`'s message tail.
pub fn parse_query(text: &str) -> Result<Query, String> {
    let toks = tokenize(text)?;
    let mut segments: Vec<Vec<Tok>> = vec![Vec::new()];
    for tok in toks {
        if tok == Tok::Sym("|") {
            segments.push(Vec::new());
        } else if let Some(last) = segments.last_mut() {
            last.push(tok);
        }
    }
    let mut commands = Vec::new();
    for segment in segments {
        if segment.is_empty() {
            return Err("a command is missing between two '|'".to_string());
        }
        let mut p = Parser { toks: segment, pos: 0 };
        let Some(Tok::Word(name)) = p.next() else { return Err("a command must start with its name".to_string()) };
        let command = match name.to_ascii_lowercase().as_str() {
            "fields" | "display" => {
                let mut names = Vec::new();
                loop {
                    names.push(p.field()?);
                    if !p.sym(",") {
                        break;
                    }
                }
                Command::Fields(names)
            }
            "filter" => Command::Filter(p.or()?),
            "parse" => {
                let field = p.field()?;
                let glob = match p.next() {
                    Some(Tok::Str(s)) => s,
                    other => return Err(format!("parse needs a \"glob * pattern\", found {}", shown(other.as_ref()))),
                };
                if !p.word("as") {
                    return Err("parse needs 'as' and the names of its fields".to_string());
                }
                let mut names = Vec::new();
                loop {
                    names.push(p.field()?);
                    if !p.sym(",") {
                        break;
                    }
                }
                if names.len() != glob.matches('*').count() {
                    return Err(format!("parse names {} fields but its pattern has {} '*'", names.len(), glob.matches('*').count()));
                }
                Command::Parse { field, glob, names }
            }
            "stats" => {
                let mut aggs = Vec::new();
                loop {
                    let Some(Tok::Word(func)) = p.next() else { return Err("stats needs a function such as count(*)".to_string()) };
                    if !p.sym("(") {
                        return Err(format!("{func} needs its arguments in parentheses"));
                    }
                    let arg = if p.sym("*") { "*".to_string() } else { p.field()? };
                    let agg = match func.to_ascii_lowercase().as_str() {
                        "count" => Agg::Count(if arg == "*" { None } else { Some(arg.clone()) }),
                        "sum" => Agg::Sum(arg.clone()),
                        "avg" => Agg::Avg(arg.clone()),
                        "min" => Agg::Min(arg.clone()),
                        "max" => Agg::Max(arg.clone()),
                        "pct" | "percentile" => {
                            if !p.sym(",") {
                                return Err("pct needs a field and a percentile, pct(field, 95)".to_string());
                            }
                            let n = match p.next() {
                                Some(Tok::Word(w)) => w.parse::<f64>().ok().filter(|n| (0.0..=100.0).contains(n)),
                                _ => None,
                            };
                            Agg::Pct(arg.clone(), n.ok_or("pct's percentile is a number from 0 to 100")?)
                        }
                        other => return Err(format!("the stats function {other} is not one the playground supports (count, sum, avg, min, max, pct)")),
                    };
                    if !p.sym(")") {
                        return Err(format!("{func}( is not closed"));
                    }
                    let default_name = match &agg {
                        Agg::Pct(f, n) => format!("pct({f}, {})", format_number(*n)),
                        _ => format!("{}({arg})", func.to_ascii_lowercase()),
                    };
                    let name = if p.word("as") { p.field()? } else { default_name };
                    aggs.push((agg, name));
                    if !p.sym(",") {
                        break;
                    }
                }
                let mut by = Vec::new();
                if p.word("by") {
                    loop {
                        if matches!(p.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case("bin")) {
                            p.pos += 1;
                            if !p.sym("(") {
                                return Err("bin needs a period, bin(5m)".to_string());
                            }
                            let period = match p.next() {
                                Some(Tok::Word(w)) => period_ms(&w).ok_or(format!("bin's period '{w}' is not a duration such as 30s, 5m or 1h"))?,
                                other => return Err(format!("bin needs a period, found {}", shown(other.as_ref()))),
                            };
                            if !p.sym(")") {
                                return Err("bin( is not closed".to_string());
                            }
                            let name = if p.word("as") { p.field()? } else { "bin".to_string() };
                            by.push((GroupKey::Bin(period), name));
                        } else {
                            let field = p.field()?;
                            let name = if p.word("as") { p.field()? } else { field.clone() };
                            by.push((GroupKey::Field(field), name));
                        }
                        if !p.sym(",") {
                            break;
                        }
                    }
                }
                Command::Stats { aggs, by }
            }
            "sort" => {
                let mut keys = Vec::new();
                loop {
                    let field = p.field()?;
                    let desc = if p.word("desc") {
                        true
                    } else {
                        p.word("asc");
                        false
                    };
                    keys.push((field, desc));
                    if !p.sym(",") {
                        break;
                    }
                }
                Command::Sort(keys)
            }
            "limit" => match p.next() {
                Some(Tok::Word(w)) => match w.parse::<usize>() {
                    Ok(n) if (1..=MAX_QUERY_ROWS).contains(&n) => Command::Limit(n),
                    _ => return Err(format!("limit must be a whole number from 1 to {MAX_QUERY_ROWS}")),
                },
                other => return Err(format!("limit needs a number, found {}", shown(other.as_ref()))),
            },
            other => return Err(format!("unknown command '{other}' (the playground supports fields, display, filter, parse, stats, sort and limit)")),
        };
        if !p.done() {
            return Err(format!("unexpected {} after the {name} command", shown(p.peek())));
        }
        commands.push(command);
    }
    Ok(Query { commands })
}

/// A record: its fields in the order discovered.
type Record = Vec<(String, QVal)>;

fn get<'a>(record: &'a Record, name: &str) -> Option<&'a QVal> {
    record.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn set(record: &mut Record, name: &str, value: QVal) {
    match record.iter_mut().find(|(k, _)| k == name) {
        Some(slot) => slot.1 = value,
        None => record.push((name.to_string(), value)),
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut Record) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&name, v, out);
            }
        }
        Value::Number(n) => out.push((prefix.to_string(), n.as_f64().map(QVal::Num).unwrap_or(QVal::Null))),
        Value::String(s) => out.push((prefix.to_string(), QVal::Text(s.clone()))),
        Value::Bool(b) => out.push((prefix.to_string(), QVal::Text(b.to_string()))),
        Value::Null => out.push((prefix.to_string(), QVal::Null)),
        Value::Array(_) => out.push((prefix.to_string(), QVal::Text(value.to_string()))),
    }
}

/// `@timestamp` as Logs Insights shows it: `2024-01-01 12:00:00.000`.
pub fn insights_timestamp(epoch_ms: u64) -> String {
    crate::time::format_iso8601_ms(epoch_ms).replace('T', " ").trim_end_matches('Z').to_string()
}

fn eval(expr: &Expr, record: &Record) -> QVal {
    match expr {
        Expr::Field(f) => get(record, f).cloned().unwrap_or(QVal::Null),
        Expr::Lit(v) => v.clone(),
        _ => {
            if truth(expr, record) {
                QVal::Num(1.0)
            } else {
                QVal::Num(0.0)
            }
        }
    }
}

fn truth(expr: &Expr, record: &Record) -> bool {
    match expr {
        Expr::And(a, b) => truth(a, record) && truth(b, record),
        Expr::Or(a, b) => truth(a, record) || truth(b, record),
        Expr::Not(a) => !truth(a, record),
        Expr::IsPresent(f) => get(record, f).is_some_and(|v| *v != QVal::Null),
        Expr::Like(a, pattern, negated) => {
            let value = eval(a, record);
            value != QVal::Null && pattern.matches(&value.text()) != *negated
        }
        Expr::In(a, items) => {
            let value = eval(a, record);
            items.iter().any(|item| compare(&value, item) == Some(std::cmp::Ordering::Equal))
        }
        Expr::Cmp(a, "truthy", _) => match eval(a, record) {
            QVal::Null => false,
            QVal::Num(n) => n != 0.0,
            QVal::Text(s) => !s.is_empty(),
        },
        Expr::Cmp(a, op, b) => {
            let (x, y) = (eval(a, record), eval(b, record));
            let Some(order) = compare(&x, &y) else { return *op == "!=" && x != QVal::Null };
            match *op {
                "=" => order.is_eq(),
                "!=" => order.is_ne(),
                "<" => order.is_lt(),
                "<=" => order.is_le(),
                ">" => order.is_gt(),
                ">=" => order.is_ge(),
                _ => false,
            }
        }
        Expr::Field(_) | Expr::Lit(_) => eval(expr, record) != QVal::Null,
    }
}

fn compare(x: &QVal, y: &QVal) -> Option<std::cmp::Ordering> {
    if *x == QVal::Null || *y == QVal::Null {
        return None;
    }
    match (x, y) {
        (QVal::Num(_), _) | (_, QVal::Num(_)) => match (x.num(), y.num()) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            _ => Some(x.text().cmp(&y.text())),
        },
        _ => Some(x.text().cmp(&y.text())),
    }
}

/// Matches a glob with `*` captures, returning the captured texts.
fn glob_captures(glob: &str, text: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = glob.split('*').collect();
    let mut rest = text;
    let first = parts[0];
    let start = rest.find(first)?;
    rest = &rest[start + first.len()..];
    let mut captures = Vec::new();
    for (i, part) in parts.iter().enumerate().skip(1) {
        let last = i == parts.len() - 1;
        if part.is_empty() && last {
            captures.push(rest.to_string());
            rest = "";
            continue;
        }
        let at = rest.find(part)?;
        captures.push(rest[..at].to_string());
        rest = &rest[at + part.len()..];
    }
    Some(captures)
}

impl Query {
    /// Runs the query over `events` (already limited to the query's time range), `limit` rows at most.
    pub fn run(&self, events: &[QueryInput<'_>], limit: Option<usize>) -> QueryOutput {
        let mut output = QueryOutput { records_scanned: events.len() as u64, ..QueryOutput::default() };
        let mut records: Vec<Record> = Vec::new();
        for event in events {
            output.bytes_scanned += event.message.len() as u64;
            let mut record: Record = vec![
                ("@timestamp".to_string(), QVal::Text(insights_timestamp(event.timestamp_ms))),
                ("@message".to_string(), QVal::Text(event.message.to_string())),
                ("@logStream".to_string(), QVal::Text(event.log_stream.to_string())),
                ("@log".to_string(), QVal::Text(event.log.clone())),
            ];
            if event.message.starts_with('{') {
                if let Ok(doc) = serde_json::from_str::<Value>(event.message) {
                    flatten("", &doc, &mut record);
                }
            }
            record.push(("@ptr".to_string(), QVal::Text(event.ptr.clone())));
            record.push(("@epoch".to_string(), QVal::Num(event.timestamp_ms as f64)));
            records.push(record);
        }
        // Newest first unless the query sorts ([UNVERIFIED]: Logs Insights gives no order without `sort`).
        records.reverse();
        let mut shown_fields: Option<Vec<String>> = None;
        let mut aggregated = false;
        let mut limit_rows = limit.unwrap_or(DEFAULT_QUERY_LIMIT).min(MAX_QUERY_ROWS);
        for command in &self.commands {
            match command {
                Command::Fields(names) => {
                    shown_fields = Some(names.clone());
                }
                Command::Filter(expr) => records.retain(|r| truth(expr, r)),
                Command::Parse { field, glob, names } => {
                    for record in &mut records {
                        let text = get(record, field).map(QVal::text).unwrap_or_default();
                        if let Some(captures) = glob_captures(glob, &text) {
                            for (name, value) in names.iter().zip(captures) {
                                let value = value.trim().parse::<f64>().map(QVal::Num).unwrap_or(QVal::Text(value));
                                set(record, name, value);
                            }
                        }
                    }
                }
                Command::Stats { aggs, by } => {
                    if !aggregated {
                        output.records_matched = records.len() as u64;
                    }
                    aggregated = true;
                    records = stats(&records, aggs, by);
                    let mut names: Vec<String> = by.iter().map(|(_, n)| n.clone()).collect();
                    names.extend(aggs.iter().map(|(_, n)| n.clone()));
                    shown_fields = Some(names);
                }
                Command::Sort(keys) => {
                    records.sort_by(|a, b| {
                        for (field, desc) in keys {
                            let field = if field == "@timestamp" && !aggregated { "@epoch" } else { field.as_str() };
                            let (x, y) = (get(a, field).cloned().unwrap_or(QVal::Null), get(b, field).cloned().unwrap_or(QVal::Null));
                            let order = compare(&x, &y).unwrap_or_else(|| (x == QVal::Null).cmp(&(y == QVal::Null)));
                            let order = if *desc { order.reverse() } else { order };
                            if order.is_ne() {
                                return order;
                            }
                        }
                        std::cmp::Ordering::Equal
                    });
                }
                Command::Limit(n) => limit_rows = limit_rows.min(*n),
            }
        }
        if !aggregated {
            output.records_matched = records.len() as u64;
        }
        let fields = shown_fields.unwrap_or_else(|| vec!["@timestamp".to_string(), "@message".to_string()]);
        for record in records.iter().take(limit_rows) {
            let mut row: Vec<(String, String)> =
                fields.iter().filter_map(|f| get(record, f).filter(|v| **v != QVal::Null).map(|v| (f.clone(), v.text()))).collect();
            if !aggregated {
                if let Some(ptr) = get(record, "@ptr") {
                    row.push(("@ptr".to_string(), ptr.text()));
                }
            }
            output.rows.push(row);
        }
        output
    }
}

fn stats(records: &[Record], aggs: &[(Agg, String)], by: &[(GroupKey, String)]) -> Vec<Record> {
    // Groups in order of their keys (texts), as a sorted table.
    let mut groups: crate::table::Table<Vec<String>, (Record, Vec<&Record>)> = crate::table::Table::new();
    for record in records {
        let mut key = Vec::new();
        let mut key_record: Record = Vec::new();
        for (group, name) in by {
            let value = match group {
                GroupKey::Field(f) => get(record, f).cloned().unwrap_or(QVal::Null),
                GroupKey::Bin(period) => {
                    let epoch = get(record, "@epoch").and_then(QVal::num).unwrap_or(0.0) as u64;
                    QVal::Text(insights_timestamp(epoch - epoch % period))
                }
            };
            key.push(value.text());
            key_record.push((name.clone(), value));
        }
        let slot = groups.get_or_insert_with(key, || (key_record, Vec::new()));
        slot.1.push(record);
    }
    let mut out = Vec::new();
    for (_, (mut key_record, members)) in groups {
        for (agg, name) in aggs {
            let numbers = |f: &str| -> Vec<f64> { members.iter().filter_map(|r| get(r, f).and_then(QVal::num)).collect() };
            let value = match agg {
                Agg::Count(None) => QVal::Num(members.len() as f64),
                Agg::Count(Some(f)) => QVal::Num(members.iter().filter(|r| get(r, f).is_some_and(|v| *v != QVal::Null)).count() as f64),
                Agg::Sum(f) => QVal::Num(numbers(f).iter().sum()),
                Agg::Avg(f) => {
                    let n = numbers(f);
                    if n.is_empty() {
                        QVal::Null
                    } else {
                        QVal::Num(n.iter().sum::<f64>() / n.len() as f64)
                    }
                }
                Agg::Min(f) => numbers(f).into_iter().reduce(f64::min).map(QVal::Num).unwrap_or(QVal::Null),
                Agg::Max(f) => numbers(f).into_iter().reduce(f64::max).map(QVal::Num).unwrap_or(QVal::Null),
                Agg::Pct(f, p) => {
                    let mut n = numbers(f);
                    n.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
                    if n.is_empty() {
                        QVal::Null
                    } else {
                        // Nearest rank.
                        let rank = ((p / 100.0) * n.len() as f64).ceil().max(1.0) as usize;
                        QVal::Num(n[rank.min(n.len()) - 1])
                    }
                }
            };
            key_record.push((name.clone(), value));
        }
        out.push(key_record);
    }
    out
}
