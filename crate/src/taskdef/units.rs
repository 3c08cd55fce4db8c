//! Task-level `cpu` and `memory` values: CPU units or vCPUs (`"1024"`, `"1 vcpu"`, `".25 vCPU"`) and MiB or GB
//! (`"512"`, `"2 GB"`, `".5 gb"`), converted to integers the way RegisterTaskDefinition does.

use serde_json::Value;

/// CPU units in one vCPU, and MiB in one GB (the ECS docs use "GB" for 1024 MiB).
const UNITS_PER_WHOLE: u128 = 1024;

/// Parses a task-level `cpu` value into CPU units: an integer (`"1024"` or the JSON number 1024) or a decimal
/// number of vCPUs followed by `vcpu`/`vcpus` in any case, with optional whitespace (`"1 vCPU"`, `".25 vcpu"`).
/// `None` when the text is not one of these forms or the result is not a whole number of units that fits `u32`.
pub fn parse_cpu_units(value: &Value) -> Option<u32> {
    parse_scaled(value, &["vcpus", "vcpu"])
}

/// Parses a task-level `memory` value into MiB: an integer number of MiB (`"512"` or 512) or a decimal number of
/// GB followed by `gb`/`gib` in any case (`"2 GB"`, `".5 gb"`, `"1GB"`).
pub fn parse_memory_mib(value: &Value) -> Option<u32> {
    parse_scaled(value, &["gib", "gb"])
}

fn parse_scaled(value: &Value, suffixes: &[&str]) -> Option<u32> {
    match value {
        Value::Number(number) => number.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(text) => parse_scaled_text(text, suffixes),
        _ => None,
    }
}

fn parse_scaled_text(text: &str, suffixes: &[&str]) -> Option<u32> {
    let trimmed = text.trim();
    let lower = trimmed.to_ascii_lowercase();
    for suffix in suffixes {
        if let Some(number) = lower.strip_suffix(suffix) {
            return parse_decimal_times(number.trim(), UNITS_PER_WHOLE);
        }
    }
    // No unit: a plain integer.
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    parse_decimal_times(trimmed, 1)
}

/// `digits[.digits]` times `scale`, exactly, or `None` (fraction left over, overflow, malformed).
fn parse_decimal_times(text: &str, scale: u128) -> Option<u32> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Fractions longer than this cannot change an integer result of u32 size; refuse them rather than overflow.
    if fraction.len() > 30 {
        return None;
    }
    let mut whole_value: u128 = 0;
    for b in whole.bytes() {
        whole_value = whole_value
            .checked_mul(10)?
            .checked_add(u128::from(b - b'0'))?;
        if whole_value > u128::from(u32::MAX) {
            return None;
        }
    }
    let mut fraction_value: u128 = 0;
    let mut denominator: u128 = 1;
    for b in fraction.bytes() {
        fraction_value = fraction_value
            .checked_mul(10)?
            .checked_add(u128::from(b - b'0'))?;
        denominator = denominator.checked_mul(10)?;
    }
    let scaled_fraction = fraction_value.checked_mul(scale)?;
    if scaled_fraction % denominator != 0 {
        return None;
    }
    let total = whole_value
        .checked_mul(scale)?
        .checked_add(scaled_fraction / denominator)?;
    u32::try_from(total).ok()
}

#[cfg(test)]
mod unit_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cpu_forms() {
        assert_eq!(parse_cpu_units(&json!("1024")), Some(1024));
        assert_eq!(parse_cpu_units(&json!(256)), Some(256));
        assert_eq!(parse_cpu_units(&json!("1 vcpu")), Some(1024));
        assert_eq!(parse_cpu_units(&json!("1 vCPU")), Some(1024));
        assert_eq!(parse_cpu_units(&json!(".25 vcpu")), Some(256));
        assert_eq!(parse_cpu_units(&json!("0.125vcpu")), Some(128));
        assert_eq!(parse_cpu_units(&json!("2 vcpus")), Some(2048));
        assert_eq!(parse_cpu_units(&json!("0.3 vcpu")), None);
        assert_eq!(parse_cpu_units(&json!("1.5")), None);
        assert_eq!(parse_cpu_units(&json!("-1")), None);
        assert_eq!(parse_cpu_units(&json!("vcpu")), None);
        assert_eq!(parse_cpu_units(&json!(". vcpu")), None);
        assert_eq!(parse_cpu_units(&json!("")), None);
        assert_eq!(parse_cpu_units(&json!("99999999999999999999999999")), None);
        assert_eq!(parse_cpu_units(&json!("4194304 vcpu")), None);
        assert_eq!(parse_cpu_units(&json!(1.5)), None);
        assert_eq!(parse_cpu_units(&json!(-3)), None);
        assert_eq!(parse_cpu_units(&json!(true)), None);
    }

    #[test]
    fn memory_forms() {
        assert_eq!(parse_memory_mib(&json!("512")), Some(512));
        assert_eq!(parse_memory_mib(&json!("2 GB")), Some(2048));
        assert_eq!(parse_memory_mib(&json!("2 gb")), Some(2048));
        assert_eq!(parse_memory_mib(&json!("1GB")), Some(1024));
        assert_eq!(parse_memory_mib(&json!(".5 gb")), Some(512));
        assert_eq!(parse_memory_mib(&json!("0.5GiB")), Some(512));
        assert_eq!(parse_memory_mib(&json!("1 vcpu")), None);
        assert_eq!(parse_memory_mib(&json!("512 MB")), None);
        assert_eq!(
            parse_memory_mib(&json!("1.0000000000000000000000000000000001 gb")),
            None
        );
    }
}
