//! Text checks: equals, contains (and the i-, -any, -all forms),
//! starts-with, regex (ECMAScript, matched on UTF-16 as `new RegExp(value)`
//! is), word-count.

use super::{Args, Check, Outcome, js};
use serde_json::Value;

pub fn equals(a: &Args) -> Outcome {
    let (pass, shown) = match a.value {
        // promptfoo compares a map, list or null with the answer parsed as JSON.
        Some(v @ (Value::Object(_) | Value::Array(_) | Value::Null)) => {
            let parsed: Option<Value> = serde_json::from_str(a.output).ok();
            let equal = parsed.is_some_and(|p| js::deep_equal(v, &p));
            (equal != a.inverse, v.to_string())
        }
        Some(v) => {
            let s = js::string(v);
            ((s == a.output) != a.inverse, s)
        }
        None => (("undefined" == a.output) != a.inverse, "undefined".into()),
    };
    Ok(Check::binary(pass, || {
        format!(
            "Expected output \"{}\" to {}equal \"{shown}\"",
            a.output,
            a.not()
        )
    }))
}

/// A string (not empty) or a number, as `String(value)`.
fn needle(a: &Args) -> Result<String, String> {
    match a.value {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(js::number(n.as_f64().unwrap_or(f64::NAN))),
        _ => Err(format!(
            "\"{}\" assertion type must have a string or number value",
            super::base_kind(&a.spec.kind)
        )),
    }
}

pub fn contains(a: &Args) -> Outcome {
    let n = needle(a)?;
    let pass = a.output.contains(&n) != a.inverse;
    Ok(Check::binary(pass, || {
        format!("Expected output to {}contain \"{n}\"", a.not())
    }))
}

pub fn icontains(a: &Args) -> Outcome {
    let n = needle(a)?;
    let pass = a.output.to_lowercase().contains(&n.to_lowercase()) != a.inverse;
    Ok(Check::binary(pass, || {
        format!("Expected output to {}contain \"{n}\"", a.not())
    }))
}

/// The list of a -any/-all assertion: a list, or a comma-separated string
/// (double quotes keep commas).
fn needles(a: &Args) -> Result<Vec<String>, String> {
    let kind = super::base_kind(&a.spec.kind);
    if !js::truthy(a.value) {
        return Err(format!("\"{kind}\" assertion type must have a value"));
    }
    match a.value {
        Some(Value::String(s)) => split_commas(s),
        Some(Value::Array(items)) => Ok(items.iter().map(js::string).collect()),
        _ => Err(format!(
            "\"{kind}\" assertion type must have an array value"
        )),
    }
}

/// promptfoo's `parseCommaSeparatedValues`.
pub fn split_commas(value: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = value.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_ws = |mut i: usize| {
        while i < chars.len() && js::is_space(chars[i]) {
            i += 1;
        }
        i
    };
    while i < chars.len() {
        loop {
            i = skip_ws(i);
            if i < chars.len() && chars[i] == ',' {
                i += 1;
            } else {
                break;
            }
        }
        if i >= chars.len() {
            break;
        }
        if chars[i] == '"' {
            let mut field = String::new();
            let mut j = i + 1;
            let mut closed = false;
            while j < chars.len() {
                let next = chars.get(j + 1).copied();
                if chars[j] == '\\' && matches!(next, Some('"' | '\\')) {
                    field.push(next.unwrap_or('\\'));
                    j += 2;
                } else if chars[j] == '"' && next == Some('"') {
                    field.push('"');
                    j += 2;
                } else if chars[j] == '"' {
                    j += 1;
                    closed = true;
                    break;
                } else {
                    field.push(chars[j]);
                    j += 1;
                }
            }
            if !closed {
                return Err("Unterminated quoted field in contains assertion value".into());
            }
            out.push(field);
            i = skip_ws(j);
            if i < chars.len() && chars[i] != ',' {
                return Err("Expected comma after quoted field in contains assertion value".into());
            }
        } else {
            let start = i;
            while i < chars.len() && chars[i] != ',' {
                i += 1;
            }
            let field: String = chars[start..i].iter().collect();
            out.push(js::trim(&field).to_string());
        }
    }
    Ok(out)
}

fn any_all(a: &Args, all: bool, fold: bool) -> Outcome {
    let list = needles(a)?;
    let hay = if fold {
        a.output.to_lowercase()
    } else {
        a.output.to_string()
    };
    let has = |n: &String| {
        if fold {
            hay.contains(&n.to_lowercase())
        } else {
            hay.contains(n.as_str())
        }
    };
    let joined = list.join(", ");
    if all {
        let missing: Vec<&str> = list
            .iter()
            .filter(|n| !has(n))
            .map(String::as_str)
            .collect();
        let pass = missing.is_empty() != a.inverse;
        Ok(Check::binary(pass, || {
            format!(
                "Expected output to {}contain all of [{joined}]. Missing: [{}]",
                a.not(),
                missing.join(", ")
            )
        }))
    } else {
        let pass = list.iter().any(has) != a.inverse;
        Ok(Check::binary(pass, || {
            format!("Expected output to {}contain one of \"{joined}\"", a.not())
        }))
    }
}

pub fn contains_any(a: &Args) -> Outcome {
    any_all(a, false, false)
}
pub fn icontains_any(a: &Args) -> Outcome {
    any_all(a, false, true)
}
pub fn contains_all(a: &Args) -> Outcome {
    any_all(a, true, false)
}
pub fn icontains_all(a: &Args) -> Outcome {
    any_all(a, true, true)
}

pub fn starts_with(a: &Args) -> Outcome {
    let Some(Value::String(prefix)) = a.value.filter(|v| js::truthy(Some(v))) else {
        return Err("\"starts-with\" assertion type must have a string value".into());
    };
    let pass = a.output.starts_with(prefix.as_str()) != a.inverse;
    Ok(Check::binary(pass, || {
        format!("Expected output to {}start with \"{prefix}\"", a.not())
    }))
}

/// `new RegExp(value)`: ECMAScript syntax, no flags, so the pattern runs on
/// UTF-16 code units (`.` is half of an emoji) as in JavaScript.
pub fn regex(a: &Args) -> Outcome {
    let Some(Value::String(pattern)) = a.value.filter(|v| js::truthy(Some(v))) else {
        return Err("\"regex\" assertion type must have a string value".into());
    };
    let re = match regress::Regex::new(pattern) {
        Ok(re) => re,
        Err(e) => {
            return Ok(Check {
                pass: false,
                score: 0.0,
                reason: format!("Invalid regex pattern: {e}"),
            });
        }
    };
    // Without characters outside the BMP, UTF-16 code units and code points
    // are the same sequence; only then is the (faster) UTF-8 search exact.
    let found = if a.output.chars().all(|c| (c as u32) <= 0xFFFF) {
        re.find(a.output).is_some()
    } else {
        re.find_from_ucs2(&js::utf16(a.output), 0).next().is_some()
    };
    let pass = found != a.inverse;
    Ok(Check::binary(pass, || {
        format!("Expected output to {}match regex \"{pattern}\"", a.not())
    }))
}

pub fn word_count(a: &Args) -> Outcome {
    let Some(value) = a.value.filter(|v| !v.is_null()) else {
        return Err("\"word-count\" assertion must have a value".into());
    };
    let count = js::split_ws(js::trim(a.output))
        .into_iter()
        .filter(|w| !w.is_empty())
        .count() as f64;
    let num = |v: Option<&Value>| v.and_then(Value::as_f64);
    let inv = a.inverse;
    let (base, reason) = match value {
        Value::Object(m) => {
            let (min, max) = (num(m.get("min")), num(m.get("max")));
            let n = js::number;
            match (min, max) {
                (None, None) => {
                    return Err("\"word-count\" assertion object must have \"min\" and/or \"max\" properties".into());
                }
                (Some(lo), Some(hi)) if lo > hi => {
                    return Err(format!(
                        "\"word-count\" assertion: min ({}) must be less than or equal to max ({})",
                        n(lo),
                        n(hi)
                    ));
                }
                (Some(lo), Some(hi)) => (
                    count >= lo && count <= hi,
                    if inv {
                        format!(
                            "Expected word count to not be between {} and {}, but got {}",
                            n(lo),
                            n(hi),
                            n(count)
                        )
                    } else {
                        format!(
                            "Word count {} is not between {} and {}",
                            n(count),
                            n(lo),
                            n(hi)
                        )
                    },
                ),
                (None, Some(hi)) => (
                    count <= hi,
                    if inv {
                        format!(
                            "Expected word count to be greater than {}, but got {}",
                            n(hi),
                            n(count)
                        )
                    } else {
                        format!("Word count {} is greater than maximum {}", n(count), n(hi))
                    },
                ),
                (Some(lo), None) => (
                    count >= lo,
                    if inv {
                        format!(
                            "Expected word count to be less than {}, but got {}",
                            n(lo),
                            n(count)
                        )
                    } else {
                        format!("Word count {} is less than minimum {}", n(count), n(lo))
                    },
                ),
            }
        }
        other => {
            let expected = match other {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => js_number_from_str(s),
                _ => None,
            };
            let Some(expected) = expected else {
                return Err("\"word-count\" assertion value must be a number or an object with min/max properties".into());
            };
            let n = js::number;
            (
                count == expected,
                if inv {
                    format!(
                        "Expected word count to not equal {}, but got {}",
                        n(expected),
                        n(count)
                    )
                } else {
                    format!(
                        "Word count {} does not equal expected {}",
                        n(count),
                        n(expected)
                    )
                },
            )
        }
    };
    let pass = base != inv;
    Ok(Check::binary(pass, || reason))
}

/// `Number(s)` for the strings a suite writes ("" is 0; "12abc" is NaN).
fn js_number_from_str(s: &str) -> Option<f64> {
    let t = js::trim(s);
    if t.is_empty() {
        return Some(0.0);
    }
    t.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() || t.contains("Infinity"))
}
