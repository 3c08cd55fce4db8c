//! Simulated time: integer milliseconds since the scenario's start, the duration syntax of scenario files, and
//! the one copy of calendar arithmetic: ISO 8601 timestamps and durations, and the calendar fields of an epoch time.

use std::fmt;

/// Milliseconds since sim time zero (the scenario's `startTime`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn from_secs(secs: u64) -> SimTime {
        SimTime(secs.saturating_mul(1000))
    }

    pub fn as_millis(self) -> u64 {
        self.0
    }

    pub fn plus_ms(self, duration_ms: u64) -> SimTime {
        SimTime(self.0.saturating_add(duration_ms))
    }
}

impl fmt::Display for SimTime {
    /// Formats as `1h02m03.456s`-style text, the clock shown in the app and the CLI.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total_ms = self.0;
        let hours = total_ms / 3_600_000;
        let minutes = (total_ms / 60_000) % 60;
        let seconds = (total_ms / 1000) % 60;
        let millis = total_ms % 1000;
        if hours > 0 {
            write!(f, "{hours}h{minutes:02}m{seconds:02}s")
        } else if minutes > 0 {
            write!(f, "{minutes}m{seconds:02}s")
        } else if millis > 0 {
            write!(f, "{seconds}.{millis:03}s")
        } else {
            write!(f, "{seconds}s")
        }
    }
}

/// The longest sim time the playground accepts, in milliseconds: one year (365 days). Every time a user gives
/// (a scenario step's `at`, `ecs-sim run --until`, the durations of `sim:` calls, `sim:SetTimings`, the times in a
/// share link or a save) is refused above it, so no sum of times wraps around and no run is asked to go on for
/// longer than a replay can take.
pub const MAX_SIM_TIME_MS: u64 = 365 * 86_400_000;

/// The text of [`MAX_SIM_TIME_MS`] in messages.
const MAX_SIM_TIME_TEXT: &str = "a year (365d)";

/// Checks a time given in milliseconds against [`MAX_SIM_TIME_MS`]; `field` names it in the message.
pub fn check_sim_time_ms(field: &str, duration_ms: u64) -> Result<u64, String> {
    if duration_ms > MAX_SIM_TIME_MS {
        return Err(format!("{field} must be at most {MAX_SIM_TIME_TEXT} of sim time."));
    }
    Ok(duration_ms)
}

/// A time given as a whole number of seconds (a JSON number), in milliseconds, checked against
/// [`MAX_SIM_TIME_MS`]; `field` names it in the message.
pub fn seconds_to_sim_ms(field: &str, secs: u64) -> Result<u64, String> {
    secs.checked_mul(1000).ok_or_else(|| format!("{field} must be at most {MAX_SIM_TIME_TEXT} of sim time.")).and_then(|ms| check_sim_time_ms(field, ms))
}

/// Parses a duration as scenario files write it: `"90s"`, `"5m"`, `"1h30m"`, `"250ms"`, `"2d"`,
/// or a plain number of seconds (`"90"`, or a JSON number handled by the caller). Each unit appears at most once,
/// in the order d, h, m, s, ms, and the whole is at most [`MAX_SIM_TIME_MS`]. Returns milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let too_long = || format!("duration '{text}' is longer than {MAX_SIM_TIME_TEXT}, the longest sim time the playground accepts");
    if text.is_empty() {
        return Err("a duration must not be empty; write it as \"90s\", \"5m\" or \"1h30m\"".into());
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<u64>().ok().and_then(|secs| secs.checked_mul(1000)).filter(|ms| *ms <= MAX_SIM_TIME_MS).ok_or_else(too_long);
    }
    // The units in the one order they may appear, largest first; `next_rank` is the first one still allowed.
    const UNITS: [(&str, u64); 5] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)];
    let mut total_ms: u64 = 0;
    let mut digits = String::new();
    let mut chars = text.chars().peekable();
    let mut saw_unit = false;
    let mut next_rank = 0;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                "ms"
            }
            'd' => "d",
            'h' => "h",
            'm' => "m",
            's' => "s",
            _ => {
                return Err(format!(
                    "duration '{text}' is not valid; write it as \"90s\", \"5m\", \"1h30m\" or a number of seconds"
                ))
            }
        };
        let rank = UNITS.iter().position(|(name, _)| *name == unit).unwrap_or(0);
        if rank < next_rank {
            return Err(format!("duration '{text}' is not valid: each unit may appear once, in the order d, h, m, s, ms"));
        }
        next_rank = rank + 1;
        if digits.is_empty() {
            return Err(format!("duration '{text}' has a unit without a number before it"));
        }
        let amount: u64 = digits.parse().map_err(|_| too_long())?;
        digits.clear();
        saw_unit = true;
        total_ms = amount.checked_mul(UNITS[rank].1).and_then(|ms| total_ms.checked_add(ms)).ok_or_else(too_long)?;
    }
    if !digits.is_empty() || !saw_unit {
        return Err(format!("duration '{text}' has a number without a unit after it; write \"{text}s\" for seconds"));
    }
    if total_ms > MAX_SIM_TIME_MS {
        return Err(too_long());
    }
    Ok(total_ms)
}

/// Formats milliseconds in the scenario-file duration syntax (the inverse of [`parse_duration_ms`]).
pub fn format_duration_ms(duration_ms: u64) -> String {
    if duration_ms % 1000 != 0 {
        return format!("{duration_ms}ms");
    }
    let mut secs = duration_ms / 1000;
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, size) in [("h", 3600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_of_design_md() {
        assert_eq!(parse_duration_ms("90s"), Ok(90_000));
        assert_eq!(parse_duration_ms("5m"), Ok(300_000));
        assert_eq!(parse_duration_ms("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert_eq!(parse_duration_ms("45"), Ok(45_000));
        assert_eq!(parse_duration_ms("1d"), Ok(86_400_000));
    }

    #[test]
    fn rejects_malformed_durations_with_a_message() {
        for bad in ["", "5x", "m", "10s5", "99999999999999999999999h", "-5s"] {
            assert!(parse_duration_ms(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn each_unit_once_in_order() {
        assert_eq!(parse_duration_ms("1d2h3m4s5ms"), Ok(93_784_005));
        assert_eq!(parse_duration_ms("90m"), Ok(5_400_000));
        for bad in ["1h1h", "30m1h", "1s1m", "5ms1s", "1m1m", "2s2s"] {
            let message = parse_duration_ms(bad).expect_err(bad);
            assert!(message.contains("once, in the order"), "{bad:?}: {message}");
        }
    }

    #[test]
    fn durations_longer_than_a_year_are_refused_not_wrapped() {
        assert_eq!(parse_duration_ms("365d"), Ok(MAX_SIM_TIME_MS));
        assert_eq!(parse_duration_ms("31536000"), Ok(MAX_SIM_TIME_MS));
        for bad in ["18446744073709551615ms", "99999999999h", "366d", "8761h", "31536001", "31536000s1ms", "18446744073709551615"] {
            let message = parse_duration_ms(bad).expect_err(bad);
            assert!(message.contains("longer than a year"), "{bad:?}: {message}");
        }
        assert_eq!(seconds_to_sim_ms("at", 365 * 86_400), Ok(MAX_SIM_TIME_MS));
        assert!(seconds_to_sim_ms("at", u64::MAX).unwrap_err().starts_with("at must be at most a year"));
        assert!(check_sim_time_ms("t", MAX_SIM_TIME_MS + 1).unwrap_err().starts_with("t must be at most a year"));
    }

    #[test]
    fn format_round_trips() {
        for ms in [0, 250, 1000, 90_000, 5_400_000, 3_723_000] {
            assert_eq!(parse_duration_ms(&format_duration_ms(ms)), Ok(ms));
        }
    }
}

/// Parses an ISO 8601 timestamp into milliseconds since the Unix epoch (negative before 1970):
/// `2018-06-18T22:28:28Z`, `...+00:00` (or another offset, `+0200`, `-05`), `2018-06-18T22:28:28` (UTC),
/// `2018-06-18` (midnight UTC), with optional fractional seconds (milliseconds kept). `None` when it is not one,
/// a field is out of range or the day does not exist in its month.
pub fn parse_iso8601_epoch_ms(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let slice = b.get(range)?;
        if slice.is_empty() || !slice.iter().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(slice.iter().fold(0i64, |acc, c| acc * 10 + i64::from(c - b'0')))
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) * 86_400_000;
    if b.len() == 10 {
        return Some(ms);
    }
    if b.len() < 19 || (b[10] != b'T' && b[10] != b't' && b[10] != b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    ms += ((hour * 60 + minute) * 60 + second) * 1000;
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == start {
            return None;
        }
        // Milliseconds: the first three digits, right-padded.
        let mut frac = 0i64;
        for k in 0..3 {
            frac = frac * 10 + b.get(start + k).filter(|c| c.is_ascii_digit()).map_or(0, |c| i64::from(c - b'0'));
        }
        ms += frac;
        i = end;
    }
    match b.get(i) {
        None => Some(ms),
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => Some(ms),
        Some(&sign) if sign == b'+' || sign == b'-' => {
            let rest = &text[i + 1..];
            let (zh, zm) = if rest.len() == 5 && rest.as_bytes()[2] == b':' {
                (num(i + 1..i + 3)?, num(i + 4..i + 6)?)
            } else if rest.len() == 4 {
                (num(i + 1..i + 3)?, num(i + 3..i + 5)?)
            } else if rest.len() == 2 {
                (num(i + 1..i + 3)?, 0)
            } else {
                return None;
            };
            if zh > 23 || zm > 59 {
                return None;
            }
            let offset_ms = (zh * 60 + zm) * 60_000;
            Some(if sign == b'+' { ms - offset_ms } else { ms + offset_ms })
        }
        _ => None,
    }
}

/// Parses an ISO 8601 timestamp from 1970 on (the forms of [`parse_iso8601_epoch_ms`], surrounding whitespace
/// ignored) into milliseconds since the Unix epoch, or says what is wrong.
pub fn parse_iso8601_ms(text: &str) -> Result<u64, String> {
    parse_iso8601_epoch_ms(text.trim())
        .and_then(|ms| u64::try_from(ms).ok())
        .ok_or_else(|| format!("'{text}' is not an ISO 8601 time such as 2026-01-05T09:00:00Z"))
}

/// Formats milliseconds since the Unix epoch as `2026-01-05T09:00:00.000Z`.
pub fn format_iso8601_ms(epoch_ms: u64) -> String {
    let t = CalendarTime::from_epoch_ms(epoch_ms);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.year, t.month, t.day, t.hour, t.minute, t.second, t.millisecond)
}

/// Parses an ISO 8601 duration of hours, minutes and seconds (`PT10M`, `PT1H30M`, `PT90S`) into milliseconds;
/// `None` when it is not one or is too large to count in milliseconds.
pub fn parse_iso8601_duration_ms(text: &str) -> Option<u64> {
    let rest = text.strip_prefix("PT")?;
    let mut total = 0u64;
    let mut digits = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            let n: u64 = digits.parse().ok()?;
            digits.clear();
            let unit_ms: u64 = match c {
                'H' => 3_600_000,
                'M' => 60_000,
                'S' => 1000,
                _ => return None,
            };
            total = n.checked_mul(unit_ms).and_then(|ms| total.checked_add(ms))?;
        }
    }
    digits.is_empty().then_some(total)
}

/// The calendar fields of an epoch time in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CalendarTime {
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millisecond: u32,
    /// 0 is Sunday, 6 is Saturday.
    pub weekday: u32,
}

impl CalendarTime {
    pub fn from_epoch_ms(epoch_ms: u64) -> CalendarTime {
        let days = (epoch_ms / 86_400_000) as i64;
        let ms_of_day = (epoch_ms % 86_400_000) as u32;
        let (year, month, day) = civil_from_days(days);
        CalendarTime {
            year,
            month,
            day,
            hour: ms_of_day / 3_600_000,
            minute: (ms_of_day / 60_000) % 60,
            second: (ms_of_day / 1000) % 60,
            millisecond: ms_of_day % 1000,
            // 1970-01-01 was a Thursday (weekday 4 with Sunday = 0).
            weekday: ((days + 4).rem_euclid(7)) as u32,
        }
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

// Howard Hinnant's civil-date algorithms (days since 1970-01-01 in the proleptic Gregorian calendar).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

#[cfg(test)]
mod iso_tests {
    use super::*;

    #[test]
    fn iso_round_trip() {
        let ms = parse_iso8601_ms("2026-01-05T09:00:00Z").unwrap();
        assert_eq!(format_iso8601_ms(ms), "2026-01-05T09:00:00.000Z");
        assert_eq!(parse_iso8601_ms("1970-01-01"), Ok(0));
        assert_eq!(parse_iso8601_ms(" 2026-01-05T09:00:00Z\n"), Ok(ms));
        assert_eq!(parse_iso8601_ms("2018-06-18T22:28:28+00:00"), parse_iso8601_ms("2018-06-18T22:28:28"));
        assert!(parse_iso8601_ms("2026-13-01").is_err());
        assert!(parse_iso8601_ms("yesterday").is_err());
        assert!(parse_iso8601_ms("1969-12-31T23:59:59Z").is_err(), "before the epoch");
    }

    #[test]
    fn parses_the_forms_and_refuses_what_is_not_a_time() {
        assert_eq!(parse_iso8601_epoch_ms("1970-01-01"), Some(0));
        assert_eq!(parse_iso8601_epoch_ms("2018-06-18T22:28:28Z"), Some(1_529_360_908_000));
        assert_eq!(parse_iso8601_epoch_ms("2018-06-18T22:28:28.5Z"), Some(1_529_360_908_500));
        assert_eq!(parse_iso8601_epoch_ms("2018-06-18T22:28:28.1239Z"), Some(1_529_360_908_123));
        assert_eq!(parse_iso8601_epoch_ms("2018-06-19T00:28:28+02:00"), Some(1_529_360_908_000));
        assert_eq!(parse_iso8601_epoch_ms("2018-06-18T17:28:28-0500"), Some(1_529_360_908_000));
        assert_eq!(parse_iso8601_epoch_ms("1969-12-31T23:59:59Z"), Some(-1000));
        assert_eq!(parse_iso8601_epoch_ms("2000-02-29"), Some(951_782_400_000));
        for bad in ["2001-02-29", "2018-06-18T25:00:00", "2018-06-18X", "2018-6-18", "2018-06-18T22:28", "2018-06-18T22:28:28.Z", "2018-06-18T22:28:28+2"] {
            assert_eq!(parse_iso8601_epoch_ms(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn calendar_fields_and_days_agree_over_four_centuries() {
        // Every day from 1970 to 2370 (a whole 400-year cycle, leap days of 2000 and 2100 included) maps to
        // its calendar date and back.
        let mut previous: Option<CalendarTime> = None;
        for days in 0..146_097 {
            let t = CalendarTime::from_epoch_ms(days as u64 * 86_400_000);
            assert_eq!(days_from_civil(t.year, i64::from(t.month), i64::from(t.day)), days);
            assert!(i64::from(t.day) <= days_in_month(t.year, i64::from(t.month)));
            if let Some(p) = previous {
                assert_eq!(t.weekday, (p.weekday + 1) % 7);
            }
            previous = Some(t);
        }
        let t = CalendarTime::from_epoch_ms(parse_iso8601_ms("2026-01-05T09:08:07.006Z").unwrap());
        assert_eq!((t.year, t.month, t.day, t.hour, t.minute, t.second, t.millisecond, t.weekday), (2026, 1, 5, 9, 8, 7, 6, 1));
    }

    #[test]
    fn iso_durations() {
        assert_eq!(parse_iso8601_duration_ms("PT10M"), Some(600_000));
        assert_eq!(parse_iso8601_duration_ms("PT1H30S"), Some(3_630_000));
        assert_eq!(parse_iso8601_duration_ms("10M"), None);
        assert_eq!(parse_iso8601_duration_ms("PT10"), None);
        assert_eq!(parse_iso8601_duration_ms("PT1D"), None);
        assert_eq!(parse_iso8601_duration_ms("PT99999999999999999H"), None, "too large to count, not wrapped");
    }
}
