//! Text encodings the core and the app share: the reading of a file's bytes as text, JSON read with each key
//! once, base64 in its standard and URL-safe alphabets, and compact JSON cut to a readable length. One copy of
//! each.

use serde_json::Value;

/// The two base64 alphabets of RFC 4648.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base64 {
    /// `A-Z a-z 0-9 + /` (section 4): EC2 user data.
    Standard,
    /// `A-Z a-z 0-9 - _` (section 5): share links. Decoding also takes the standard alphabet's `+` and `/`.
    Url,
}

impl Base64 {
    fn alphabet(self) -> &'static [u8; 64] {
        match self {
            Base64::Standard => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            Base64::Url => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        }
    }

    /// Encodes `bytes` without padding.
    pub fn encode(self, bytes: &[u8]) -> String {
        let alphabet = self.alphabet();
        let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(char::from(alphabet[(n >> (18 - 6 * i) & 63) as usize]));
            }
        }
        out
    }

    /// Decodes unpadded base64; `None` on any character outside the alphabet (padding and whitespace included:
    /// the caller strips what its format allows).
    pub fn decode(self, text: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(text.len() * 3 / 4);
        let (mut buffer, mut n_bits) = (0u32, 0u32);
        for c in text.bytes() {
            let value = match (c, self) {
                (b'A'..=b'Z', _) => c - b'A',
                (b'a'..=b'z', _) => c - b'a' + 26,
                (b'0'..=b'9', _) => c - b'0' + 52,
                (b'+', _) | (b'-', Base64::Url) => 62,
                (b'/', _) | (b'_', Base64::Url) => 63,
                _ => return None,
            };
            buffer = (buffer << 6) | u32::from(value);
            n_bits += 6;
            if n_bits >= 8 {
                n_bits -= 8;
                out.push((buffer >> n_bits) as u8);
                buffer &= (1 << n_bits) - 1;
            }
        }
        Some(out)
    }
}

/// The UTF-8 byte-order mark, which some editors write at the start of a file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a file's bytes as text, as the CLI and the app's import both do: a leading UTF-8 byte-order mark is
/// skipped (AWS's tools accept one), and bytes that are not UTF-8 are refused with the position of the first
/// one in the file (counting from 0), never replaced.
pub fn read_text(bytes: &[u8]) -> Result<&str, String> {
    let (skipped, rest) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (UTF8_BOM.len(), rest),
        None => (0, bytes),
    };
    std::str::from_utf8(rest).map_err(|e| {
        let position = skipped + e.valid_up_to();
        format!("the file is not UTF-8 text: the byte at position {position} (0x{:02X}) is not valid UTF-8", bytes[position])
    })
}

/// Parses JSON text, refusing an object that names a key twice ("duplicate key \"k\" at line L column C", the
/// position that of the second one). A plain parse keeps the last value silently, so a mistyped copy of a member
/// would override the first without a word; the playground refuses it instead. (AWS's CLI reads its input with
/// Python's `json`, which keeps the last; a duplicate is a mistake either way, and here it is said.)
pub fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = UniqueKeys.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// A JSON value whose objects name each key once.
struct UniqueKeys;

impl<'de> serde::de::DeserializeSeed<'de> for UniqueKeys {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for UniqueKeys {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(UniqueKeys)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!("duplicate key \"{key}\"")));
            }
            let value = map.next_value_seed(UniqueKeys)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// `value` as compact JSON; when longer than `max_chars` characters, its first `max_chars` (cut on a character
/// boundary) followed by `ellipsis`.
pub fn compact_json(value: &Value, max_chars: usize, ellipsis: &str) -> String {
    let text = value.to_string();
    match text.char_indices().nth(max_chars) {
        None => text,
        Some((cut, _)) => format!("{}{ellipsis}", &text[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        // RFC 4648 section 10, without the padding.
        let vectors = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")];
        for (plain, encoded) in vectors {
            for alphabet in [Base64::Standard, Base64::Url] {
                assert_eq!(alphabet.encode(plain.as_bytes()), encoded);
                assert_eq!(alphabet.decode(encoded), Some(plain.as_bytes().to_vec()));
            }
        }
    }

    #[test]
    fn the_alphabets_differ_in_their_last_two_characters() {
        let bytes = [0xfb, 0xff, 0xbf];
        assert_eq!(Base64::Standard.encode(&bytes), "+/+/");
        assert_eq!(Base64::Url.encode(&bytes), "-_-_");
        assert_eq!(Base64::Url.decode("-_+/"), Some(bytes.to_vec()));
        assert_eq!(Base64::Standard.decode("-_-_"), None);
    }

    #[test]
    fn base64_round_trips_every_byte_and_refuses_what_is_not_base64() {
        let bytes: Vec<u8> = (0..=255).collect();
        for alphabet in [Base64::Standard, Base64::Url] {
            for len in 0..bytes.len() {
                assert_eq!(alphabet.decode(&alphabet.encode(&bytes[..len])), Some(bytes[..len].to_vec()));
            }
            for bad in ["Zm9v=", "Zm 9v", "Zm9v\n", "Zé"] {
                assert_eq!(alphabet.decode(bad), None, "{bad:?}");
            }
        }
    }

    #[test]
    fn read_text_skips_a_byte_order_mark_and_refuses_invalid_utf8_with_its_position() {
        assert_eq!(read_text(b"\xEF\xBB\xBF{}"), Ok("{}"));
        assert_eq!(read_text("{\"é\": 1}".as_bytes()), Ok("{\"é\": 1}"));
        assert_eq!(read_text(b""), Ok(""));
        assert_eq!(read_text(b"{\"a\": \xFF}"), Err("the file is not UTF-8 text: the byte at position 6 (0xFF) is not valid UTF-8".into()));
        // The position counts the byte-order mark: it is the position in the file.
        assert_eq!(read_text(b"\xEF\xBB\xBF\xC3"), Err("the file is not UTF-8 text: the byte at position 3 (0xC3) is not valid UTF-8".into()));
        // Only one mark is skipped; a second one is text (U+FEFF), which JSON then refuses.
        assert_eq!(read_text(b"\xEF\xBB\xBF\xEF\xBB\xBF1"), Ok("\u{FEFF}1"));
    }

    #[test]
    fn compact_json_cuts_long_text_on_a_character_boundary() {
        let value = serde_json::json!({ "name": "é".repeat(10) });
        assert_eq!(compact_json(&value, 100, "…"), r#"{"name":"éééééééééé"}"#);
        assert_eq!(compact_json(&value, 21, "…"), r#"{"name":"éééééééééé"}"#);
        assert_eq!(compact_json(&value, 20, "…"), r#"{"name":"éééééééééé"…"#);
        assert_eq!(compact_json(&value, 12, "..."), r#"{"name":"ééé..."#);
        assert_eq!(compact_json(&Value::Null, 0, "..."), "...");
    }
}
