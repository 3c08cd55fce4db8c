//! DynamoDB's attribute values (`{"S": "x"}`, `{"N": "1.5"}`, maps, lists and sets) and its numbers, kept as exact
//! decimals (a mantissa and a scale) so no floating point reaches a decision.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::api::ApiError;

/// The most significant digits a DynamoDB number holds ("Numbers can have up to 38 digits of precision", Amazon
/// DynamoDB Developer Guide, "Data types").
const MAX_DIGITS: u32 = 38;

/// An exact decimal number: `mantissa × 10^-scale`, with no trailing zero in the mantissa unless it is 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Num {
    mantissa: i128,
    scale: u32,
}

/// text: DynamoDB's answer to a number it cannot read (observed in public SDK reports).
pub fn not_a_number() -> ApiError {
    ApiError::new("ValidationException", "A value provided cannot be converted into a number")
}

/// text: DynamoDB's answer to an arithmetic result out of range (observed in public SDK reports).
fn overflow() -> ApiError {
    ApiError::new("ValidationException", "Number overflow. Attempting to store a number with magnitude larger than supported range")
}

impl Num {
    pub fn from_i64(n: i64) -> Num {
        Num { mantissa: n as i128, scale: 0 }
    }

    fn normalized(mut mantissa: i128, mut scale: u32) -> Num {
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        if mantissa == 0 {
            scale = 0;
        }
        Num { mantissa, scale }
    }

    /// Reads DynamoDB's number text: an optional sign, digits with an optional fraction, an optional exponent.
    pub fn parse(text: &str) -> Result<Num, ApiError> {
        let text = text.trim();
        let (negative, rest) = match text.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (body, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], rest[i + 1..].parse::<i32>().map_err(|_| not_a_number())?),
            None => (rest, 0),
        };
        let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
        if whole.is_empty() && frac.is_empty() || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(not_a_number());
        }
        let digits = format!("{whole}{frac}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > MAX_DIGITS as usize {
            return Err(overflow());
        }
        let mut mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| not_a_number())? };
        let mut scale = frac.len() as i64 - exponent as i64;
        while scale < 0 {
            mantissa = mantissa.checked_mul(10).ok_or_else(overflow)?;
            scale += 1;
        }
        if scale > 130 {
            return Err(overflow());
        }
        if negative {
            mantissa = -mantissa;
        }
        Ok(Num::normalized(mantissa, scale as u32))
    }

    /// Both numbers at one scale, `None` when that overflows.
    fn aligned(self, other: Num) -> Option<(i128, i128, u32)> {
        let scale = self.scale.max(other.scale);
        let a = self.mantissa.checked_mul(10i128.checked_pow(scale - self.scale)?)?;
        let b = other.mantissa.checked_mul(10i128.checked_pow(scale - other.scale)?)?;
        Some((a, b, scale))
    }

    pub fn checked_add(self, other: Num) -> Result<Num, ApiError> {
        let (a, b, scale) = self.aligned(other).ok_or_else(overflow)?;
        Ok(Num::normalized(a.checked_add(b).ok_or_else(overflow)?, scale))
    }

    pub fn negated(self) -> Num {
        Num { mantissa: -self.mantissa, scale: self.scale }
    }

    /// The number as DynamoDB writes it back: plain digits, no exponent, no trailing zeros.
    pub fn to_text(self) -> String {
        let negative = self.mantissa < 0;
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let text = if scale == 0 {
            digits
        } else if digits.len() > scale {
            format!("{}.{}", &digits[..digits.len() - scale], &digits[digits.len() - scale..])
        } else {
            format!("0.{}{}", "0".repeat(scale - digits.len()), digits)
        };
        if negative {
            format!("-{text}")
        } else {
            text
        }
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Num) -> Ordering {
        match self.aligned(*other) {
            Some((a, b, _)) => a.cmp(&b),
            // Only numbers far apart in magnitude fail to align: the sign and the whole part decide.
            None => (self.mantissa.signum(), self.mantissa / 10i128.pow(self.scale.min(38))).cmp(&(other.mantissa.signum(), other.mantissa / 10i128.pow(other.scale.min(38)))),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Num) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One attribute value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrValue {
    S(String),
    N(Num),
    /// Binary, kept as the base64 text the JSON protocol carries.
    B(String),
    Bool(bool),
    Null,
    L(Vec<AttrValue>),
    M(BTreeMap<String, AttrValue>),
    Ss(Vec<String>),
    Ns(Vec<Num>),
    Bs(Vec<String>),
}

/// An item: its attributes by name.
pub type Item = BTreeMap<String, AttrValue>;

/// text: DynamoDB's answer to an attribute value without exactly one type (observed in public SDK reports).
fn empty_value() -> ApiError {
    ApiError::new("ValidationException", "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
}

impl AttrValue {
    /// The type's descriptor as DynamoDB names it (`S`, `N`, `BOOL`, `SS`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            AttrValue::S(_) => "S",
            AttrValue::N(_) => "N",
            AttrValue::B(_) => "B",
            AttrValue::Bool(_) => "BOOL",
            AttrValue::Null => "NULL",
            AttrValue::L(_) => "L",
            AttrValue::M(_) => "M",
            AttrValue::Ss(_) => "SS",
            AttrValue::Ns(_) => "NS",
            AttrValue::Bs(_) => "BS",
        }
    }

    /// Reads `{"S": "..."}` and the other forms of the JSON protocol.
    pub fn from_json(value: &Value) -> Result<AttrValue, ApiError> {
        let Some(object) = value.as_object() else { return Err(empty_value()) };
        let mut entries = object.iter().filter(|(_, v)| !v.is_null());
        let (Some((kind, inner)), None) = (entries.next(), entries.next()) else { return Err(empty_value()) };
        let strings = |v: &Value| -> Result<Vec<String>, ApiError> {
            let items = v.as_array().ok_or_else(empty_value)?;
            let mut out: Vec<String> = items.iter().map(|s| s.as_str().map(str::to_string).ok_or_else(empty_value)).collect::<Result<_, _>>()?;
            if out.is_empty() {
                // text: DynamoDB's answer to an empty set (observed; "An string set  may not be empty", sic).
                return Err(ApiError::new("ValidationException", "One or more parameter values were invalid: An string set  may not be empty"));
            }
            out.sort();
            out.dedup();
            Ok(out)
        };
        Ok(match kind.as_str() {
            "S" => AttrValue::S(inner.as_str().ok_or_else(empty_value)?.to_string()),
            "N" => AttrValue::N(Num::parse(inner.as_str().ok_or_else(not_a_number)?)?),
            "B" => AttrValue::B(inner.as_str().ok_or_else(empty_value)?.to_string()),
            "BOOL" => AttrValue::Bool(inner.as_bool().ok_or_else(empty_value)?),
            "NULL" => AttrValue::Null,
            "L" => AttrValue::L(inner.as_array().ok_or_else(empty_value)?.iter().map(AttrValue::from_json).collect::<Result<_, _>>()?),
            "M" => AttrValue::M(item_from_json(inner)?),
            "SS" => AttrValue::Ss(strings(inner)?),
            "BS" => AttrValue::Bs(strings(inner)?),
            "NS" => {
                let mut nums: Vec<Num> = strings(inner)?.iter().map(|s| Num::parse(s)).collect::<Result<_, _>>()?;
                nums.sort();
                nums.dedup();
                AttrValue::Ns(nums)
            }
            _ => return Err(empty_value()),
        })
    }

    pub fn to_json(&self) -> Value {
        match self {
            AttrValue::S(s) => json!({ "S": s }),
            AttrValue::N(n) => json!({ "N": n.to_text() }),
            AttrValue::B(b) => json!({ "B": b }),
            AttrValue::Bool(b) => json!({ "BOOL": b }),
            AttrValue::Null => json!({ "NULL": true }),
            AttrValue::L(items) => json!({ "L": items.iter().map(AttrValue::to_json).collect::<Vec<_>>() }),
            AttrValue::M(map) => json!({ "M": item_to_json(map) }),
            AttrValue::Ss(items) => json!({ "SS": items }),
            AttrValue::Ns(items) => json!({ "NS": items.iter().map(|n| n.to_text()).collect::<Vec<_>>() }),
            AttrValue::Bs(items) => json!({ "BS": items }),
        }
    }

    /// The value's size in bytes as DynamoDB counts it for capacity (Developer Guide, "Item sizes and formats"):
    /// strings and binaries by length, numbers about one byte per two digits plus one, one byte for a Boolean or
    /// null, three bytes of overhead per list or map plus one per element.
    pub fn size_bytes(&self) -> u64 {
        match self {
            AttrValue::S(s) | AttrValue::B(s) => s.len() as u64,
            AttrValue::N(n) => (n.to_text().len() as u64).div_ceil(2) + 1,
            AttrValue::Bool(_) | AttrValue::Null => 1,
            AttrValue::L(items) => 3 + items.iter().map(|v| 1 + v.size_bytes()).sum::<u64>(),
            AttrValue::M(map) => 3 + map.iter().map(|(k, v)| 1 + k.len() as u64 + v.size_bytes()).sum::<u64>(),
            AttrValue::Ss(items) | AttrValue::Bs(items) => items.iter().map(|s| s.len() as u64).sum(),
            AttrValue::Ns(items) => items.iter().map(|n| (n.to_text().len() as u64).div_ceil(2) + 1).sum(),
        }
    }

    /// The order of two values of one scalar type (S, N, B), `None` across types or for other types.
    pub fn compare(&self, other: &AttrValue) -> Option<Ordering> {
        match (self, other) {
            (AttrValue::S(a), AttrValue::S(b)) | (AttrValue::B(a), AttrValue::B(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
            (AttrValue::N(a), AttrValue::N(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// An item's size in bytes: each attribute's name and value.
pub fn item_size_bytes(item: &Item) -> u64 {
    item.iter().map(|(k, v)| k.len() as u64 + v.size_bytes()).sum()
}

/// Reads a map of attribute values (`Item`, `Key`, `ExpressionAttributeValues`, a nested `M`).
pub fn item_from_json(value: &Value) -> Result<Item, ApiError> {
    let Some(object) = value.as_object() else { return Err(empty_value()) };
    object.iter().map(|(k, v)| Ok((k.clone(), AttrValue::from_json(v)?))).collect()
}

pub fn item_to_json(item: &Item) -> Value {
    Value::Object(item.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<Map<String, Value>>())
}
