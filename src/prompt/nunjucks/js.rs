//! Values as JavaScript prints them (`String(value)`), which is what
//! Nunjucks outputs: `null` as nothing, arrays comma-joined, objects as
//! `[object Object]`, numbers in JavaScript's shortest form (`1e+21`).

use serde_json::Value;

/// `String(value)` for a value in a Nunjucks output (`null` is empty).
pub fn js_string(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(js_string).collect();
            parts.join(",")
        }
        Value::Object(_) => "[object Object]".to_string(),
    }
}

fn number(n: &serde_json::Number) -> String {
    const SAFE: i64 = 1 << 53;
    match n.as_i64() {
        Some(i) if (-SAFE..=SAFE).contains(&i) => i.to_string(),
        _ => js_number(n.as_f64().unwrap_or(f64::NAN)),
    }
}

/// `Number.prototype.toString()` (ECMAScript's Number::toString): the
/// shortest digits that round-trip, plain between 1e-7 and 1e21, else
/// with an exponent (`1e+21`, `1.5e-7`).
pub fn js_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Rust's `{:e}` gives the shortest round-trip digits: `1.2345e-7`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i64;
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e = if e >= 0 {
            format!("+{e}")
        } else {
            e.to_string()
        };
        match digits.split_at(1) {
            (d, "") => format!("{d}e{e}"),
            (d, rest) => format!("{d}.{rest}e{e}"),
        }
    };
    format!("{sign}{body}")
}
