//! Grading prompts rendered as promptfoo renders them (`loadRubricPrompt`,
//! `renderLlmRubricPrompt`): a prompt that is a JSON list of messages has
//! each string rendered on its own, any other text is rendered whole;
//! then the text becomes the grader's messages as promptfoo's chat
//! providers read a prompt (a JSON or `- role:` YAML list of messages, or
//! one user message). Templates are Nunjucks there; minijinja here, with
//! values printed as JavaScript prints them.

use super::js;
use crate::types::Message;
use minijinja::value::{Value as JinjaValue, ValueKind};
use minijinja::{Environment, Error, Output, State, UndefinedBehavior};
use serde_json::{Map, Value};
use std::sync::LazyLock;

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_formatter(format_value);
    let mut syntax = minijinja::syntax::SyntaxConfig::builder();
    syntax.keep_trailing_newline(true);
    if let Ok(syntax) = syntax.build() {
        env.set_syntax(syntax);
    }
    env
});

/// How Nunjucks prints a value: nothing for undefined and null, numbers
/// as JavaScript, lists joined with `,`.
fn format_value(out: &mut Output, _state: &mut State, value: &JinjaValue) -> Result<(), Error> {
    out.write_str(&jinja_display(value))
        .map_err(|e| Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
}

fn jinja_display(value: &JinjaValue) -> String {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => String::new(),
        ValueKind::Bool => value.is_true().to_string(),
        ValueKind::Number => match value.as_i64() {
            Some(i) if !value.to_string().contains('.') => i.to_string(),
            _ => js::number(f64::try_from(value.clone()).unwrap_or(f64::NAN)),
        },
        ValueKind::Seq | ValueKind::Iterable => value
            .try_iter()
            .map(|items| items.map(|v| jinja_display(&v)).collect::<Vec<_>>())
            .unwrap_or_default()
            .join(","),
        ValueKind::Map => "[object Object]".into(),
        _ => value.to_string(),
    }
}

/// The grading prompt to use: the assertion's or case's own
/// (`rubricPrompt`: a template text, or a list of messages) or the
/// default. Empty values count as unset, as in promptfoo.
pub fn prompt_text(custom: Option<&Value>, default: &str) -> Result<String, String> {
    let Some(custom) = custom else {
        return Ok(default.to_string());
    };
    match custom {
        Value::Null | Value::Bool(false) => Ok(default.to_string()),
        Value::String(s) if s.is_empty() => Ok(default.to_string()),
        Value::String(s) if s.starts_with("file://") => Err(format!(
            "rubricPrompt `{s}`: a file:// grading prompt must be read when the suite loads"
        )),
        Value::String(s) => Ok(s.clone()),
        Value::Array(a) if a.is_empty() => Ok(default.to_string()),
        Value::Object(o) if o.is_empty() => Ok(default.to_string()),
        other => Ok(js::stringify(other)),
    }
}

/// promptfoo's `processContextForTemplating`: objects are printed as
/// JSON; in lists, objects are JSON and the rest stays as it is.
fn template_vars(vars: &Map<String, Value>) -> JinjaValue {
    let processed: Map<String, Value> = vars
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Object(_) => Value::String(js::stringify(v)),
                Value::Array(items) => Value::Array(
                    items
                        .iter()
                        .map(|i| match i {
                            Value::Object(_) => Value::String(js::stringify(i)),
                            other => other.clone(),
                        })
                        .collect(),
                ),
                other => other.clone(),
            };
            (k.clone(), v)
        })
        .collect();
    serde_json::from_value(Value::Object(processed)).unwrap_or_default()
}

fn render_str(template: &str, ctx: &JinjaValue) -> Result<String, String> {
    ENV.render_str(template, ctx)
        .map_err(|e| format!("the grading prompt does not render: {e}"))
}

/// Renders a grading prompt with `vars` into the text promptfoo would
/// hand its grader.
pub fn render_text(template: &str, vars: &Map<String, Value>) -> Result<String, String> {
    let ctx = template_vars(vars);
    match serde_json::from_str::<Value>(template) {
        Ok(parsed) => Ok(js::stringify(&render_strings(parsed, &ctx)?)),
        Err(_) => render_str(template, &ctx),
    }
}

fn render_strings(v: Value, ctx: &JinjaValue) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => Value::String(render_str(&s, ctx)?),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|i| render_strings(i, ctx))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, i)| Ok((k, render_strings(i, ctx)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other,
    })
}

/// The messages a rendered prompt text makes (promptfoo's
/// `parseChatPrompt`): a list of `{role, content}` in JSON (or YAML
/// starting `- role:`), else the whole text as one user message.
pub fn messages(rendered: &str) -> Vec<Message> {
    let trimmed = rendered.trim();
    let parsed: Option<Value> = if trimmed.starts_with("- role:") {
        serde_norway::from_str(rendered).ok()
    } else {
        serde_json::from_str(rendered).ok()
    };
    let list = parsed.as_ref().and_then(Value::as_array);
    let as_messages = list.and_then(|items| {
        items
            .iter()
            .map(|m| {
                let role = m.get("role")?.as_str()?;
                Some(Message::text(role, content_text(m.get("content"))))
            })
            .collect::<Option<Vec<_>>>()
    });
    as_messages.unwrap_or_else(|| vec![Message::text("user", rendered)])
}

fn content_text(content: Option<&Value>) -> String {
    match content {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(""),
        Some(other) => js::display(other),
        None => String::new(),
    }
}

/// Renders a grading prompt into the grader's messages.
pub fn render(template: &str, vars: &Map<String, Value>) -> Result<Vec<Message>, String> {
    Ok(messages(&render_text(template, vars)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_json_message_list_renders_each_string() {
        let t = r#"[{"role":"system","content":"S {{ rubric }}"},{"role":"user","content":"<Output>\n{{ output }}\n</Output>"}]"#;
        let m = render(t, &vars(json!({"rubric": "R", "output": "a \"q\"\nb"}))).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].role, "system");
        assert_eq!(m[0].plain_text(), "S R");
        assert_eq!(m[1].plain_text(), "<Output>\na \"q\"\nb\n</Output>");
    }

    #[test]
    fn values_print_as_nunjucks_prints_them() {
        let t = "{{ o }}|{{ n }}|{{ f }}|{{ x }}|{{ l }}|{{ b }}|{{ missing }}|{{ missing.deep }}|{{ z }}";
        let out = render_text(
            t,
            &vars(json!({
                "o": {"greeting": "hi", "n": [1, 2.5]},
                "n": 1.0, "f": 0.25, "x": null, "l": [1, {"a": 1}, "s"], "b": true, "z": 10
            })),
        )
        .unwrap();
        assert_eq!(
            out,
            r#"{"greeting":"hi","n":[1,2.5]}|1|0.25||1,{"a":1},s|true|||10"#
        );
    }

    #[test]
    fn loops_join_and_trailing_newlines_are_kept() {
        let t = "{% for o in outputs %}\n<T i=\"{{ loop.index0 }}\">{{ o }}</T>\n{% endfor %}\n{{ s|join(\"\\n\") }}\n";
        let out = render_text(t, &vars(json!({"outputs": ["a", "b"], "s": ["x", "y"]}))).unwrap();
        assert_eq!(out, "\n<T i=\"0\">a</T>\n\n<T i=\"1\">b</T>\n\nx\ny\n");
    }

    #[test]
    fn a_prompt_text_is_one_user_message_unless_it_is_a_message_list() {
        assert_eq!(messages("Grade: x")[0].role, "user");
        let yaml = "- role: system\n  content: be fair\n- role: user\n  content: hi";
        let m = messages(yaml);
        assert_eq!(
            (m[0].role.as_str(), m[1].plain_text()),
            ("system", "hi".into())
        );
        assert_eq!(messages("[1, 2]")[0].plain_text(), "[1, 2]");
    }

    #[test]
    fn custom_prompts_replace_the_default_unless_empty() {
        assert_eq!(prompt_text(None, "D").unwrap(), "D");
        assert_eq!(prompt_text(Some(&json!("")), "D").unwrap(), "D");
        assert_eq!(prompt_text(Some(&json!({})), "D").unwrap(), "D");
        assert_eq!(
            prompt_text(Some(&json!("T {{x}}")), "D").unwrap(),
            "T {{x}}"
        );
        assert_eq!(
            prompt_text(Some(&json!([{"role": "user", "content": "c"}])), "D").unwrap(),
            r#"[{"role":"user","content":"c"}]"#
        );
        assert!(prompt_text(Some(&json!("file://g.txt")), "D").is_err());
        assert!(render_text("{% if %}", &Map::new()).is_err());
    }
}
