//! Small helpers shared by the scaling modules: deterministic ids, fixed-point values (thousandths) and times
//! as CloudWatch and Auto Scaling print them. Requests are read through `api::Request`.

use serde_json::Value;

use crate::ids::{mix, salt};

/// A UUID-shaped token derived from a counter.
pub(crate) fn uuid_like(kind: &str, counter: u64) -> String {
    let a = mix(counter ^ salt(kind));
    let b = mix(a);
    format!("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFF, 0x8000 | ((b >> 48) & 0x3FFF), b & 0xFFFF_FFFF_FFFF)
}

pub(crate) use crate::ids::long_id;

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

/// `dd/mm/yy HH:MM:SS`, the datapoint time format of CloudWatch state reasons.
pub fn reason_time(epoch_ms: u64) -> String {
    let t = crate::time::CalendarTime::from_epoch_ms(epoch_ms);
    format!("{:02}/{:02}/{:02} {:02}:{:02}:{:02}", t.day, t.month, t.year.rem_euclid(100), t.hour, t.minute, t.second)
}

pub(crate) fn iso(epoch_ms: u64) -> String {
    crate::time::format_iso8601_ms(epoch_ms)
}

/// Writes a JSON object with its members in the given order (CloudWatch's own order); values are JSON texts.
pub(crate) fn ordered(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{}:{v}", Value::from(*k))).collect();
    format!("{{{}}}", body.join(","))
}
