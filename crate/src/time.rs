//! Simulated time: integer milliseconds since the scenario's start, and the duration syntax of scenario files.

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

/// Parses a duration as scenario files write it: `"90s"`, `"5m"`, `"1h30m"`, `"250ms"`, `"2d"`,
/// or a plain number of seconds (`"90"`, or a JSON number handled by the caller).
/// Returns milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("a duration must not be empty; write it as \"90s\", \"5m\" or \"1h30m\"".into());
    }
    if let Ok(secs) = text.parse::<u64>() {
        return secs.checked_mul(1000).ok_or_else(|| format!("duration '{text}' is too large"));
    }
    let mut total_ms: u64 = 0;
    let mut digits = String::new();
    let mut chars = text.chars().peekable();
    let mut saw_unit = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit_ms: u64 = match c {
            'd' => 86_400_000,
            'h' => 3_600_000,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                1
            }
            'm' => 60_000,
            's' => 1000,
            _ => {
                return Err(format!(
                    "duration '{text}' is not valid; write it as \"90s\", \"5m\", \"1h30m\" or a number of seconds"
                ))
            }
        };
        if digits.is_empty() {
            return Err(format!("duration '{text}' has a unit without a number before it"));
        }
        let amount: u64 = digits.parse().map_err(|_| format!("duration '{text}' is too large"))?;
        digits.clear();
        saw_unit = true;
        total_ms = amount
            .checked_mul(unit_ms)
            .and_then(|ms| total_ms.checked_add(ms))
            .ok_or_else(|| format!("duration '{text}' is too large"))?;
    }
    if !digits.is_empty() || !saw_unit {
        return Err(format!("duration '{text}' has a number without a unit after it; write \"{text}s\" for seconds"));
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
    fn format_round_trips() {
        for ms in [0, 250, 1000, 90_000, 5_400_000, 3_723_000] {
            assert_eq!(parse_duration_ms(&format_duration_ms(ms)), Ok(ms));
        }
    }
}

/// Parses an ISO 8601 UTC timestamp (`2026-01-05T09:00:00Z`, `2026-01-05T09:00:00+00:00`,
/// `2026-01-05T09:00:00` or `2026-01-05`) into milliseconds since the Unix epoch.
pub fn parse_iso8601_ms(text: &str) -> Result<u64, String> {
    let bad = || format!("'{text}' is not an ISO 8601 time such as 2026-01-05T09:00:00Z");
    let text = text.trim();
    let (date, rest) = match text.find('T') {
        Some(idx) => (&text[..idx], &text[idx + 1..]),
        None => (text, ""),
    };
    let mut date_parts = date.split('-');
    let year: i64 = date_parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let month: u32 = date_parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let day: u32 = date_parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    if date_parts.next().is_some() || !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    let time = rest.trim_end_matches('Z').trim_end_matches("+00:00");
    let (mut hour, mut minute, mut second) = (0u64, 0u64, 0u64);
    if !time.is_empty() {
        let time = time.split('.').next().unwrap_or("");
        let mut parts = time.split(':');
        hour = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        minute = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        second = parts.next().map(|p| p.parse().ok()).unwrap_or(Some(0)).ok_or_else(bad)?;
        if hour > 23 || minute > 59 || second > 60 || parts.next().is_some() {
            return Err(bad());
        }
    }
    let days = days_from_civil(year, month, day);
    Ok(((days as u64) * 86_400 + hour * 3600 + minute * 60 + second) * 1000)
}

/// Formats milliseconds since the Unix epoch as `2026-01-05T09:00:00.000Z`.
pub fn format_iso8601_ms(epoch_ms: u64) -> String {
    let days = (epoch_ms / 86_400_000) as i64;
    let ms_of_day = epoch_ms % 86_400_000;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms_of_day / 3_600_000,
        (ms_of_day / 60_000) % 60,
        (ms_of_day / 1000) % 60,
        ms_of_day % 1000
    )
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
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
        assert_eq!(parse_iso8601_ms("2018-06-18T22:28:28+00:00"), parse_iso8601_ms("2018-06-18T22:28:28"));
        assert!(parse_iso8601_ms("2026-13-01").is_err());
        assert!(parse_iso8601_ms("yesterday").is_err());
    }
}
