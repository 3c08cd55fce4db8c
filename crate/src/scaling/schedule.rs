//! Schedule expressions of scheduled actions: `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` and
//! `cron(minutes hours day-of-month month day-of-week year)`, in UTC, at one-minute resolution
//! (reference §6.3). Times are epoch minutes.

use crate::time::CalendarTime;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Once, at this epoch minute.
    At(u64),
    /// Every `minutes`, counted from an anchor (the action's StartTime, or when it was created).
    Rate(u64),
    Cron(Box<Cron>),
}

/// A parsed cron expression: the allowed values of each field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    days: Vec<bool>,
    months: Vec<bool>,
    /// Indexed 1..=7, SUN = 1 as AWS cron counts.
    weekdays: Vec<bool>,
    /// `None` = any year.
    years: Option<Vec<i64>>,
    days_any: bool,
    weekdays_any: bool,
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn field(text: &str, lo: u32, hi: u32, names: &[&str], name_base: u32) -> Result<(Vec<bool>, bool), String> {
    let mut set = vec![false; hi as usize + 1];
    if text == "*" || text == "?" {
        for v in lo..=hi {
            set[v as usize] = true;
        }
        return Ok((set, true));
    }
    let value = |s: &str| -> Result<u32, String> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(i as u32 + name_base);
        }
        s.parse::<u32>().map_err(|_| format!("'{s}' is not a valid value"))
    };
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().map_err(|_| format!("'{s}' is not a valid step"))?.max(1)),
            None => (part, 1),
        };
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a)?, value(b)?)
        } else {
            let a = value(range)?;
            (a, if step > 1 { hi } else { a })
        };
        if a < lo || b > hi || a > b {
            return Err(format!("'{part}' is out of range {lo}-{hi}"));
        }
        let mut v = a;
        while v <= b {
            set[v as usize] = true;
            v += step;
        }
    }
    Ok((set, false))
}

impl Cron {
    pub fn parse(body: &str) -> Result<Cron, String> {
        let f: Vec<&str> = body.split_whitespace().collect();
        if f.len() != 6 {
            return Err("a cron expression has six fields: minutes hours day-of-month month day-of-week year".into());
        }
        let (minutes, _) = field(f[0], 0, 59, &[], 0)?;
        let (hours, _) = field(f[1], 0, 23, &[], 0)?;
        let (days, days_any) = field(f[2], 1, 31, &[], 0)?;
        let (months, _) = field(f[3], 1, 12, &MONTHS, 1)?;
        let (weekdays, weekdays_any) = field(f[4], 1, 7, &DAYS, 1)?;
        let years = if f[5] == "*" || f[5] == "?" {
            None
        } else {
            let mut ys = Vec::new();
            for p in f[5].split(',') {
                let (a, b) = match p.split_once('-') {
                    Some((a, b)) => (a.parse::<i64>(), b.parse::<i64>()),
                    None => (p.parse::<i64>(), p.parse::<i64>()),
                };
                let (Ok(a), Ok(b)) = (a, b) else { return Err(format!("'{p}' is not a valid year")) };
                if b < a || b - a > 200 {
                    return Err(format!("'{p}' is not a valid year range"));
                }
                ys.extend(a..=b);
            }
            Some(ys)
        };
        Ok(Cron { minutes, hours, days, months, weekdays, years, days_any, weekdays_any })
    }

    /// Whether the cron fires in this epoch minute.
    pub fn matches(&self, epoch_minute: u64) -> bool {
        let t = CalendarTime::from_epoch_ms(epoch_minute.saturating_mul(60_000));
        let (day, weekday) = (t.day as usize, t.weekday as usize + 1);
        let day_ok = match (self.days_any, self.weekdays_any) {
            (true, true) => true,
            (false, true) => self.days[day],
            (true, false) => self.weekdays[weekday],
            (false, false) => self.days[day] || self.weekdays[weekday],
        };
        self.minutes[t.minute as usize] && self.hours[t.hour as usize] && self.months[t.month as usize] && day_ok && self.years.as_ref().is_none_or(|ys| ys.contains(&t.year))
    }
}

impl Schedule {
    /// Parses `at(...)`, `rate(...)` or `cron(...)`.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let t = text.trim();
        let inner = |p: &str| t.strip_prefix(p).and_then(|r| r.strip_suffix(')'));
        if let Some(body) = inner("at(") {
            let ms = crate::time::parse_iso8601_ms(body)?;
            return Ok(Schedule::At(ms / 60_000));
        }
        if let Some(body) = inner("rate(") {
            let mut parts = body.split_whitespace();
            let n: u64 = parts.next().and_then(|v| v.parse().ok()).filter(|n| *n > 0).ok_or_else(|| format!("'{t}' is not a valid rate expression"))?;
            let unit = parts.next().unwrap_or("");
            let per = match unit {
                "minute" | "minutes" => 1,
                "hour" | "hours" => 60,
                "day" | "days" => 1440,
                _ => return Err(format!("'{t}' is not a valid rate expression: the unit is minute(s), hour(s) or day(s)")),
            };
            return Ok(Schedule::Rate(n.saturating_mul(per)));
        }
        if let Some(body) = inner("cron(") {
            return Ok(Schedule::Cron(Box::new(Cron::parse(body)?)));
        }
        Err(format!("'{t}' is not a valid schedule: use at(...), rate(...) or cron(...)"))
    }

    /// Whether the schedule fires in `minute`, given the anchor minute for rates.
    pub fn fires_at(&self, minute: u64, anchor: u64) -> bool {
        match self {
            Schedule::At(at) => minute == *at,
            Schedule::Rate(every) => minute > anchor && (minute - anchor).is_multiple_of((*every).max(1)),
            Schedule::Cron(c) => c.matches(minute),
        }
    }
}
