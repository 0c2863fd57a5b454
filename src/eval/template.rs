//! Suites' templates rendered as promptfoo renders them (Nunjucks, of
//! which pwb supports variables only: see `prompt::nunjucks`). An
//! assertion's `value` is rendered with the case's vars when it is a
//! string, and so are the strings in a list; maps (a JSON schema, say)
//! are left as written, as promptfoo leaves them. Templates were checked
//! when the suite loaded.

pub use crate::prompt::nunjucks::{Template, TemplateError, js_number, js_string};
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// An assertion value rendered with `vars`: strings, and strings in a
/// list, except `file://` references; anything else as it is.
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

/// `text` rendered with `vars` (and `env`), or as it is when it is a
/// `file://` reference or not a template pwb renders.
pub fn render_str(text: &str, vars: &Map<String, Value>) -> String {
    if text.starts_with("file://")
        || !(text.contains("{{") || text.contains("{%") || text.contains("{#"))
    {
        return text.to_string();
    }
    match Template::parse(text) {
        Ok(t) => t.render(vars, globals()),
        Err(_) => text.to_string(),
    }
}

/// Nunjucks globals as promptfoo sets them: `env` is the environment.
pub fn globals() -> &'static Map<String, Value> {
    static GLOBALS: OnceLock<Map<String, Value>> = OnceLock::new();
    GLOBALS.get_or_init(|| {
        let env: Map<String, Value> = std::env::vars()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        let mut m = Map::new();
        m.insert("env".into(), Value::Object(env));
        m
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> Map<String, Value> {
        json!({"x": "a", "n": 2, "obj": {"k": "v"}})
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn renders_strings_and_strings_in_lists_only() {
        // What promptfoo 0.123.1 did with these values (tests/fixtures/
        // promptfoo/templates: renderedAssertionValue and the schema kept).
        assert_eq!(render_value(&json!("{{x}}|{{n}}"), &vars()), json!("a|2"));
        assert_eq!(
            render_value(&json!(["{{x}}", 3, "{{obj.k}}"]), &vars()),
            json!(["a", 3, "v"])
        );
        let schema = json!({"properties": {"v": {"enum": ["{{x}}"]}}});
        assert_eq!(render_value(&schema, &vars()), schema);
        assert_eq!(
            render_value(&json!([["{{x}}"]]), &vars()),
            json!([["{{x}}"]])
        );
        assert_eq!(
            render_value(&json!("file://{{x}}.txt"), &vars()),
            json!("file://{{x}}.txt")
        );
        assert_eq!(render_value(&json!("{{missing}}!"), &vars()), json!("!"));
        assert_eq!(render_value(&json!(7), &vars()), json!(7));
    }
}
