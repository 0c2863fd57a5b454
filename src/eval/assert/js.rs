//! JavaScript's string and number semantics where promptfoo's grading leans
//! on them: `String(value)`, `trim()`, `/\s/`, `split(/\s+/)`, `toFixed`,
//! and lengths in UTF-16 code units.

use serde_json::Value;

/// JavaScript's `/\s/`: WhiteSpace and LineTerminator (U+FEFF yes, U+0085 no).
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// `String.prototype.trim`.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// `s.split(/\s+/)`, empty pieces included as JavaScript keeps them
/// (`"".split(/\s+/)` is `[""]`, a leading space gives a leading `""`).
pub fn split_ws(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_space(c) {
            out.push(&s[start..i]);
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !is_space(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            start = end;
        }
    }
    out.push(&s[start..]);
    out
}

/// `Number.prototype.toString()` for the numbers grading prints.
pub use crate::prompt::nunjucks::js_number as number;

/// `Number.prototype.toFixed(digits)`: a tie on the exact binary value
/// rounds away from zero (Rust's formatting would round it to even).
pub fn to_fixed(n: f64, digits: usize) -> String {
    if !n.is_finite() {
        return number(n);
    }
    let abs = n.abs();
    // 1100 places print any double exactly.
    let exact = format!("{abs:.1100}");
    let dot = exact.find('.').unwrap_or(exact.len());
    let cut = (dot + 1 + digits).min(exact.len());
    let tail = &exact[cut..];
    let tie = tail.starts_with('5') && tail[1..].bytes().all(|b| b == b'0');
    let body = if tie {
        round_up(exact[..cut].trim_end_matches('.'))
    } else {
        format!("{abs:.digits$}")
    };
    if n < 0.0 { format!("-{body}") } else { body }
}

/// Adds one unit in the last place to a non-negative decimal string.
fn round_up(s: &str) -> String {
    let mut bytes = s.as_bytes().to_vec();
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b'.' => continue,
            b'9' => bytes[i] = b'0',
            d => {
                bytes[i] = d + 1;
                return String::from_utf8(bytes).unwrap_or_default();
            }
        }
    }
    let mut out = String::from("1");
    out.push_str(&String::from_utf8(bytes).unwrap_or_default());
    out
}

/// `String(value)` for a JSON value.
pub fn string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => number(n.as_f64().unwrap_or(f64::NAN)),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Null => String::new(),
                other => string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

/// JavaScript truthiness.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

/// The text as UTF-16 code units (JavaScript's string indices).
pub fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// `util.isDeepStrictEqual` on values that came from JSON: numbers compare
/// as doubles, object keys in any order.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64(), y.as_f64());
            x == y && x.map(f64::is_sign_negative) == y.map(f64::is_sign_negative)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splits_and_trims_as_javascript() {
        assert_eq!(split_ws(""), vec![""]);
        assert_eq!(split_ws(" a  b "), vec!["", "a", "b", ""]);
        assert_eq!(split_ws("a\u{FEFF}b"), vec!["a", "b"]);
        assert_eq!(split_ws("a\u{85}b"), vec!["a\u{85}b"]);
        assert_eq!(trim("\u{FEFF} x \u{3000}"), "x");
    }

    #[test]
    fn prints_numbers_as_javascript() {
        assert_eq!(number(5.0), "5");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number(1e21), "1e+21");
        assert_eq!(number(1e-7), "1e-7");
        assert_eq!(number(-0.0), "0");
        assert_eq!(to_fixed(0.125, 2), "0.13");
        assert_eq!(to_fixed(1.005, 2), "1.00"); // 1.005 is 1.00499999... in binary
        assert_eq!(to_fixed(0.6666, 4), "0.6666");
        assert_eq!(to_fixed(2.0 / 3.0, 2), "0.67");
        assert_eq!(string(&json!([1, null, "a"])), "1,,a");
        assert_eq!(string(&json!({"a": 1})), "[object Object]");
    }

    #[test]
    fn deep_equal_ignores_key_order_and_number_kinds() {
        assert!(deep_equal(
            &json!({"a": 1, "b": [1.0]}),
            &json!({"b": [1], "a": 1.0})
        ));
        assert!(!deep_equal(&json!({"a": 1}), &json!({"a": "1"})));
    }
}
