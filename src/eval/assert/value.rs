//! An assertion's `value` rendered with the case's vars before grading, as
//! promptfoo renders it: a string, or the strings of a list; maps are left
//! as written. Only `{{ name }}` and `{{ a.b }}` are rendered here (the
//! suite loader's template module takes over; see `render_value`).

use super::js;
use serde_json::{Map, Value};

/// promptfoo renders a string value, and the string elements of a list value,
/// with nunjucks; other values (maps such as `{min, max}`) go as written.
pub fn render_value(value: &Value, vars: &Map<String, Value>) -> Value {
    match value {
        Value::String(s) => Value::String(render_str(s, vars)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Value::String(render_str(s, vars)),
                    other => other.clone(),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `{{ path }}` replaced by the var as nunjucks prints it (missing: empty,
/// a list: comma-joined, a map: `[object Object]`); anything else verbatim.
pub fn render_str(template: &str, vars: &Map<String, Value>) -> String {
    if !template.contains("{{") {
        return template.to_string();
    }
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        let inner = rest[open + 2..open + 2 + close].trim();
        out.push_str(&rest[..open]);
        match lookup(inner, vars) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(rest);
    out
}

/// The var at a dotted path, printed; `None` when `path` is not a plain path
/// (left for the full template engine).
fn lookup(path: &str, vars: &Map<String, Value>) -> Option<String> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    let mut parts = path.split('.');
    let first = parts.next()?;
    if !plain(first) {
        return None;
    }
    let mut current = vars.get(first);
    for part in parts {
        if !plain(part) && part.parse::<usize>().is_err() {
            return None;
        }
        current = match current {
            Some(Value::Object(m)) => m.get(part),
            Some(Value::Array(a)) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
    }
    Some(match current {
        None | Some(Value::Null) => String::new(),
        Some(v) => js::string(v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_strings_and_list_strings_only() {
        let vars = json!({"x": "a", "n": 5, "o": {"k": [1, 2]}});
        let vars = vars.as_object().cloned().unwrap_or_default();
        assert_eq!(
            render_str("{{x}}-{{ n }}-{{o.k}}-{{o}}-{{gone}}", &vars),
            "a-5-1,2-[object Object]-"
        );
        assert_eq!(
            render_value(&json!(["{{x}}", 1, {"min": "{{x}}"}]), &vars),
            json!(["a", 1, {"min": "{{x}}"}])
        );
        assert_eq!(
            render_value(&json!({"m": "{{x}}"}), &vars),
            json!({"m": "{{x}}"})
        );
        assert_eq!(render_str("{{ x | upper }}", &vars), "{{ x | upper }}");
    }
}
