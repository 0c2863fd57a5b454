//! is-json and contains-json: the answer (or JSON found inside it) parsed,
//! and checked against an optional JSON Schema (a map, or a YAML/JSON
//! string), as promptfoo checks it.

use super::{Args, Check, Outcome, js, schema};
use serde_json::Value;

/// The schema of a JSON assertion, when it has one (`value` is truthy).
fn schema_of(a: &Args) -> Result<Option<jsonschema::Validator>, String> {
    if !js::truthy(a.value) {
        return Ok(None);
    }
    let kind = super::base_kind(&a.spec.kind);
    let schema = match a.value {
        Some(Value::String(s)) if s.starts_with("file://") => {
            return Err(format!(
                "{kind}: the schema `{s}` was not loaded with the suite"
            ));
        }
        Some(Value::String(s)) => {
            yaml_value(s).map_err(|e| format!("{kind}: schema is not YAML: {e}"))?
        }
        Some(v @ (Value::Object(_) | Value::Array(_))) => v.clone(),
        _ => {
            return Err(format!(
                "{kind} assertion must have a string or object value"
            ));
        }
    };
    schema::compile(&schema).map(Some)
}

pub fn is_json(a: &Args) -> Outcome {
    let parsed: Option<Value> = serde_json::from_str(a.output).ok();
    let mut pass = parsed.is_some() != a.inverse;
    if let Some(parsed) = &parsed
        && let Some(validator) = schema_of(a)?
    {
        let error = schema::first_error(&validator, parsed);
        pass = error.is_none() != a.inverse;
        if !pass {
            let reason = match error {
                Some(e) => format!("JSON does not conform to the provided schema. Errors: {e}"),
                None => "Output is JSON that conforms to the provided schema".into(),
            };
            return Ok(Check {
                pass,
                score: 0.0,
                reason,
            });
        }
    }
    Ok(Check::binary(pass, || {
        format!("Expected output to {}be valid JSON", a.not())
    }))
}

pub fn contains_json(a: &Args) -> Outcome {
    let mut reason = format!("Expected output to {}contain valid JSON", a.not());
    let found = extract_json_objects(a.output);
    let mut pass = found.is_empty() == a.inverse;
    let validator = if found.is_empty() {
        None
    } else {
        schema_of(a)?
    };
    if let Some(validator) = validator {
        for object in &found {
            let error = schema::first_error(&validator, object);
            pass = error.is_none() != a.inverse;
            match error {
                None => {
                    if a.inverse {
                        reason = "Output contains JSON conforming to the provided schema".into();
                    }
                    break;
                }
                Some(e) => {
                    reason = format!("JSON does not conform to the provided schema. Errors: {e}")
                }
            }
        }
    }
    Ok(Check::binary(pass, || reason))
}

/// promptfoo's `extractJsonObjects`: from each `{`, the shortest stretch
/// whose braces balance (strings are not considered), closed with `}`s when
/// the text ends first, parsed as YAML (so `{a: 1}` counts) after `//`
/// comments become `#`; a stretch that parses is skipped past.
pub fn extract_json_objects(s: &str) -> Vec<Value> {
    const MAX: usize = 100_000;
    let idx: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let at = |k: usize| idx.get(k).copied().unwrap_or(s.len());
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if chars[i] == '{' {
            let (mut open, mut close) = (1usize, 0usize);
            let mut j = i + 1;
            let limit = (i + MAX).min(n);
            while j < limit && open > close {
                match chars[j] {
                    '{' => open += 1,
                    '}' => close += 1,
                    _ => {}
                }
                j += 1;
                if open == close || j == n || j == i + MAX {
                    let mut candidate = s[at(i)..at(j)].to_string();
                    if open > close {
                        candidate.push_str(&"}".repeat(open - close));
                    }
                    match yaml_value(&slash_comments_to_hash(&candidate)) {
                        Ok(v @ (Value::Object(_) | Value::Array(_))) => {
                            out.push(v);
                            i = j - 1;
                            break;
                        }
                        _ if open == close => break,
                        _ => {}
                    }
                }
            }
        }
        i += 1;
    }
    out
}

/// YAML as js-yaml loads it into JavaScript: keys become strings (a map
/// key prints as `[object Object]`), a repeated key keeps its last value.
pub fn yaml_value(text: &str) -> Result<Value, String> {
    match serde_norway::from_str::<serde_norway::Value>(text) {
        Ok(v) => Ok(to_json(v)),
        // libyaml refuses repeated keys; js-yaml (json: true) keeps the last.
        Err(e) => serde_json::from_str(text).map_err(|_| e.to_string()),
    }
}

fn to_json(v: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(m) => {
            let mut out = serde_json::Map::new();
            for (k, v) in m {
                out.insert(js::string(&to_json(k)), to_json(v));
            }
            Value::Object(out)
        }
        Y::Tagged(t) => to_json(t.value),
    }
}

/// promptfoo's `convertSlashCommentsToHash`: `// comment` outside quotes
/// becomes `# comment` (`///` `##`), URLs (`://`) stay.
fn slash_comments_to_hash(s: &str) -> String {
    let letter = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
    let lines: Vec<String> = s
        .split('\n')
        .map(|line| {
            let chars: Vec<char> = line.chars().collect();
            let mut out = String::with_capacity(line.len());
            let mut state = 0; // 0 normal, 1 single quote, 2 double quote
            let mut i = 0;
            while i < chars.len() {
                let c = chars[i];
                let next = chars.get(i + 1).copied();
                let prev = if i > 0 {
                    chars.get(i - 1).copied()
                } else {
                    None
                };
                match state {
                    0 if c == '\'' && !letter(prev) => {
                        state = 1;
                        out.push(c);
                    }
                    0 if c == '"' => {
                        state = 2;
                        out.push(c);
                    }
                    0 if c == '/' && next == Some('/') => {
                        let start = chars[..i]
                            .iter()
                            .rposition(|c| js::is_space(*c))
                            .map_or(0, |p| p + 1);
                        let token: String = chars[start..(i + 2).min(chars.len())].iter().collect();
                        if token.contains("://") {
                            // `break` leaves promptfoo's switch, not its loop.
                            out.push(c);
                            i += 1;
                            continue;
                        }
                        let mut slashes = 2;
                        while chars.get(i + slashes) == Some(&'/') {
                            slashes += 1;
                        }
                        out.push_str(&"#".repeat(slashes / 2));
                        out.extend(&chars[i + slashes..]);
                        return out;
                    }
                    0 => out.push(c),
                    1 => {
                        out.push(c);
                        if c == '\'' && !escaped(&chars, i) && !letter(next) {
                            state = 0;
                        }
                    }
                    _ => {
                        out.push(c);
                        if c == '"' && !escaped(&chars, i) {
                            state = 0;
                        }
                    }
                }
                i += 1;
            }
            out
        })
        .collect();
    lines.join("\n")
}

fn escaped(chars: &[char], at: usize) -> bool {
    chars[..at].iter().rev().take_while(|c| **c == '\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_json_as_promptfoo_does() {
        assert_eq!(
            extract_json_objects("x {\"a\": 1} y {b: [1, 2]} {oops"),
            vec![json!({"a": 1}), json!({"b": [1, 2]}), json!({"oops": null})]
        );
        assert_eq!(
            extract_json_objects("{ \"a\": 1, // note\n \"b\": 2 }"),
            vec![json!({"a": 1, "b": 2})]
        );
        assert_eq!(extract_json_objects("no braces"), Vec::<Value>::new());
    }

    #[test]
    fn comments_become_hashes_but_urls_stay() {
        assert_eq!(slash_comments_to_hash("a: 1 // c"), "a: 1 # c");
        assert_eq!(slash_comments_to_hash("u: http://x"), "u: http://x");
        assert_eq!(slash_comments_to_hash("s: \"//x\""), "s: \"//x\"");
    }
}
