//! JavaScript's ways with values, where promptfoo's grading depends on
//! them: how a number prints (`${score}`), `toFixed`, `Number(text)`,
//! `JSON.parse` falling back to the text, `JSON.stringify`, and how a
//! template prints a value. Reasons and grading prompts read exactly as
//! promptfoo's because of these.

use serde_json::Value;

/// `String(x)` for a number: `1`, `0.5`, `1e+21`, `1e-7`, `NaN` (one
/// implementation for pwb, next to the templates that print numbers).
pub use crate::prompt::nunjucks::js_number as number;
/// `String(value)`, as a template prints a value: text as is, `null` as
/// nothing, arrays joined with `,`, objects as `[object Object]`.
pub use crate::prompt::nunjucks::js_string as display;

/// `x.toFixed(digits)`: rounds half away from zero on the exact value.
pub fn to_fixed(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return number(x);
    }
    if x < 0.0 {
        let s = to_fixed(-x, digits);
        return if s.chars().all(|c| c == '0' || c == '.') {
            s
        } else {
            format!("-{s}")
        };
    }
    // Enough places to see whether the value is exactly halfway.
    let exact = format!("{:.*}", digits + 60, x);
    let (int, frac) = exact.split_once('.').unwrap_or((&exact, ""));
    let (keep, rest) = frac.split_at(digits.min(frac.len()));
    let mut n: Vec<u8> = format!("{int}{keep}").into_bytes();
    if rest.as_bytes().first().is_some_and(|d| *d >= b'5') {
        let mut i = n.len();
        loop {
            if i == 0 {
                n.insert(0, b'1');
                break;
            }
            i -= 1;
            if n[i] == b'9' {
                n[i] = b'0';
            } else {
                n[i] += 1;
                break;
            }
        }
    }
    let s = String::from_utf8(n).unwrap_or_default();
    if digits == 0 {
        return s;
    }
    let cut = s.len() - digits;
    format!("{}.{}", &s[..cut], &s[cut..])
}

/// JavaScript's whitespace (what `trim` removes).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// `Number(text)`: decimal, hex/octal/binary literals, `Infinity`; an
/// empty text is 0; anything else is NaN.
pub fn to_number(text: &str) -> f64 {
    let t = text.trim_matches(is_space);
    if t.is_empty() {
        return 0.0;
    }
    let radix = |s: &str, r: u32| u64::from_str_radix(s, r).map_or(f64::NAN, |v| v as f64);
    match t.get(..2) {
        Some("0x" | "0X") => return radix(&t[2..], 16),
        Some("0o" | "0O") => return radix(&t[2..], 8),
        Some("0b" | "0B") => return radix(&t[2..], 2),
        _ => {}
    }
    let unsigned = t.trim_start_matches(['+', '-']);
    if unsigned == "Infinity" && t.len() - unsigned.len() <= 1 {
        return if t.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    // Rust also reads `inf` and `nan`; JavaScript does not.
    if unsigned
        .chars()
        .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    {
        return f64::NAN;
    }
    t.parse().unwrap_or(f64::NAN)
}

/// `Number(value)` for any JSON value.
pub fn value_to_number(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => to_number(s),
        Value::Array(items) => match items.as_slice() {
            [] => 0.0,
            [one] => to_number(&display(one)),
            _ => f64::NAN,
        },
        Value::Object(_) => f64::NAN,
    }
}

/// promptfoo's `tryParse`: the text as JSON when it is JSON, else the text.
pub fn try_parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// `JSON.stringify(value)`: compact, numbers as JavaScript prints them.
pub fn stringify(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Number(n) if n.is_f64() => out.push_str(&number(n.as_f64().unwrap_or(f64::NAN))),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        let cases = [
            (1.0, "1"),
            (0.5, "0.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 - 0.9, "0.09999999999999998"),
            (123456789.0, "123456789"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (-2.5, "-2.5"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (-0.0, "0"),
        ];
        for (x, want) in cases {
            assert_eq!(number(x), want, "{x:e}");
        }
    }

    #[test]
    fn to_fixed_rounds_the_exact_value_half_away_from_zero() {
        assert_eq!(to_fixed(0.125, 2), "0.13", "exactly halfway rounds up");
        assert_eq!(to_fixed(0.375, 2), "0.38");
        assert_eq!(
            to_fixed(1.005, 2),
            "1.00",
            "1.005 is below halfway in binary"
        );
        assert_eq!(to_fixed(0.9800665778412417, 2), "0.98");
        assert_eq!(to_fixed(0.995, 2), "0.99");
        assert_eq!(to_fixed(0.9999, 2), "1.00");
        assert_eq!(to_fixed(9.999, 2), "10.00");
        assert_eq!(to_fixed(2.5, 0), "3");
        assert_eq!(to_fixed(-0.125, 2), "-0.13");
        assert_eq!(to_fixed(-0.001, 2), "0.00");
        assert_eq!(to_fixed(0.0, 2), "0.00");
    }

    #[test]
    fn number_of_text_reads_what_javascript_reads() {
        assert_eq!(to_number(" 5 "), 5.0);
        assert_eq!(to_number(""), 0.0);
        assert_eq!(to_number("0x10"), 16.0);
        assert_eq!(to_number("1e1"), 10.0);
        assert_eq!(to_number(".5"), 0.5);
        assert_eq!(to_number("-Infinity"), f64::NEG_INFINITY);
        assert!(to_number("inf").is_nan());
        assert!(to_number("5 apples").is_nan());
        assert!(to_number("nan").is_nan());
        assert_eq!(value_to_number(&json!(null)), 0.0);
        assert_eq!(value_to_number(&json!(true)), 1.0);
        assert_eq!(value_to_number(&json!(["7"])), 7.0);
        assert!(value_to_number(&json!({})).is_nan());
    }

    #[test]
    fn stringify_and_display_follow_javascript() {
        let v = json!({"b": 1.0, "a": [1, 2.5, "x", null, {"k": true}]});
        assert_eq!(stringify(&v), r#"{"b":1,"a":[1,2.5,"x",null,{"k":true}]}"#);
        assert_eq!(stringify(&json!("é\n\"")), r#""é\n\"""#);
        assert_eq!(display(&json!([1, "a", [2, 3]])), "1,a,2,3");
        assert_eq!(display(&json!(null)), "");
        assert_eq!(display(&json!({"a": 1})), "[object Object]");
        assert_eq!(try_parse("{\"a\": 1}"), json!({"a": 1}));
        assert_eq!(try_parse("42"), json!(42));
        assert_eq!(try_parse("Hi."), json!("Hi."));
    }
}
