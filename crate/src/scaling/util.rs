//! Small helpers shared by the scaling modules: deterministic ids, fixed-point values (thousandths) and
//! calendar fields of an epoch time. Requests are read through `api::Request`.

use serde_json::Value;

use crate::ids::{mix, salt};

/// A UUID-shaped token derived from a counter.
pub(crate) fn uuid_like(kind: &str, counter: u64) -> String {
    let a = mix(counter ^ salt(kind));
    let b = mix(a);
    format!("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFF, 0x8000 | ((b >> 48) & 0x3FFF), b & 0xFFFF_FFFF_FFFF)
}

/// `prefix-` and 17 hex digits (EC2 long ids: `i-`, `lt-`).
pub(crate) fn long_id(prefix: &str, counter: u64) -> String {
    let high = mix(counter ^ salt(prefix));
    let low = mix(high) & 0xF;
    format!("{prefix}-{high:016x}{low:x}")
}

/// A JSON number as thousandths (the fixed-point form every decision uses). Rejects NaN and huge values.
pub(crate) fn milli_of(v: &Value) -> Option<i64> {
    let x = v.as_f64()?;
    if !x.is_finite() || x.abs() > 1.0e15 {
        return None;
    }
    Some((x * 1000.0).round() as i64)
}

/// Thousandths as a JSON number (output only).
pub(crate) fn milli_json(m: i64) -> Value {
    serde_json::json!(m as f64 / 1000.0)
}

/// Thousandths as CloudWatch prints a double: at least one decimal, no trailing zeros (`82.1`, `75.0`).
pub fn milli_text(m: i64) -> String {
    let sign = if m < 0 { "-" } else { "" };
    let a = m.unsigned_abs();
    let whole = a / 1000;
    let frac = a % 1000;
    if frac == 0 {
        return format!("{sign}{whole}.0");
    }
    let mut f = format!("{frac:03}");
    while f.ends_with('0') {
        f.pop();
    }
    format!("{sign}{whole}.{f}")
}

/// Calendar fields of an epoch time in UTC: (year, month, day, hour, minute, second, weekday 0=Sunday).
pub(crate) fn civil(epoch_ms: u64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let iso = crate::time::format_iso8601_ms(epoch_ms);
    let num = |a: usize, b: usize| iso.get(a..b).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let days = (epoch_ms / 86_400_000) as i64;
    // 1970-01-01 was a Thursday (weekday 4 with Sunday = 0).
    let weekday = ((days + 4).rem_euclid(7)) as u32;
    (num(0, 4), num(5, 7) as u32, num(8, 10) as u32, num(11, 13) as u32, num(14, 16) as u32, num(17, 19) as u32, weekday)
}

/// `dd/mm/yy HH:MM:SS`, the datapoint time format of CloudWatch state reasons.
pub fn reason_time(epoch_ms: u64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(epoch_ms);
    format!("{d:02}/{mo:02}/{:02} {h:02}:{mi:02}:{s:02}", y.rem_euclid(100))
}

pub(crate) fn iso(epoch_ms: u64) -> String {
    crate::time::format_iso8601_ms(epoch_ms)
}
