//! How a suite's prompt renders for a case, as promptfoo renders it: a
//! prompt that is JSON has the strings inside it rendered (then printed
//! with two-space indents); any other text is a Nunjucks template, with
//! each var's own text rendered first. The result becomes chat messages
//! as promptfoo's chat providers read it: a JSON (or `- role:` YAML) list
//! of `{role, content}`, else one user message.

use super::SuitePrompt;
use crate::eval::matrix::{DotpromptVariant, Variant};
use crate::eval::template::globals;
use crate::prompt::RenderedPrompt;
use crate::prompt::nunjucks::{Template, TemplateError};
use crate::session::Session;
use crate::types::{Media, Message, Part};
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The message metadata key under which a chat prompt keeps its rendered
/// text (what promptfoo's echo answers with); providers do not send it.
pub const ECHO_KEY: &str = "promptfoo_prompt";

/// A promptfoo prompt: a JSON document with templates in its strings, or
/// a text template.
pub struct TextVariant {
    label: String,
    body: Body,
}

enum Body {
    Json(JsonTemplate),
    Text(Template),
}

enum JsonTemplate {
    Str(Template),
    List(Vec<JsonTemplate>),
    Map(Vec<(String, JsonTemplate)>),
    Other(Value),
}

impl TextVariant {
    /// Compiles `raw`; what pwb cannot render is an error.
    pub fn new(label: &str, raw: &str) -> Result<TextVariant, TemplateError> {
        let body = match serde_json::from_str::<Value>(raw) {
            Ok(json) => Body::Json(compile_json(&json)?),
            Err(_) => Body::Text(Template::parse_lenient(raw)?),
        };
        Ok(TextVariant {
            label: label.to_string(),
            body,
        })
    }

    /// The prompt text for `vars` (what promptfoo's echo provider answers).
    pub fn render_text(&self, vars: &Map<String, Value>) -> Result<String, String> {
        match &self.body {
            Body::Json(t) => {
                let v = render_json(t, vars);
                serde_json::to_string_pretty(&v).map_err(|e| e.to_string())
            }
            Body::Text(t) => Ok(t.render(&rendered_vars(vars)?, globals())),
        }
    }
}

impl Variant for TextVariant {
    fn label(&self) -> &str {
        &self.label
    }

    fn render(
        &self,
        _session: &Session,
        vars: &Map<String, Value>,
    ) -> Result<RenderedPrompt, String> {
        let text = self.render_text(vars)?;
        let mut messages = chat_messages(&text)?;
        let plain =
            matches!(messages.as_slice(), [m] if m.role == "user" && m.plain_text() == text);
        if !plain && let Some(first) = messages.first_mut() {
            // The text as promptfoo holds it, for `echo` to answer with.
            let mut kept = Map::new();
            kept.insert(ECHO_KEY.into(), Value::String(text));
            first.metadata = Some(Value::Object(kept));
        }
        let variables: Vec<String> = match &self.body {
            Body::Text(t) => t.vars().map(|v| v.root.clone()).collect(),
            Body::Json(_) => Vec::new(),
        };
        let missing_vars = variables
            .iter()
            .filter(|v| !vars.contains_key(*v) && *v != "env")
            .cloned()
            .collect();
        Ok(RenderedPrompt {
            messages,
            missing_vars,
            variables,
            ..RenderedPrompt::default()
        })
    }
}

impl SuitePrompt {
    /// The matrix's variant for this prompt; a workspace prompt is looked
    /// up in `session`'s workspace.
    pub fn variant(&self, session: &Session) -> Result<Box<dyn Variant>, String> {
        match self {
            SuitePrompt::Workspace { name } => {
                let file = session
                    .ws
                    .prompt(name)
                    .ok_or_else(|| format!("no prompt `{name}` in the workspace"))?;
                Ok(Box::new(DotpromptVariant {
                    name: name.clone(),
                    source: file.source.clone(),
                }))
            }
            SuitePrompt::File {
                label,
                text,
                dotprompt: true,
                ..
            } => Ok(Box::new(DotpromptVariant {
                name: label.clone(),
                source: text.clone(),
            })),
            SuitePrompt::Inline { label, text } | SuitePrompt::File { label, text, .. } => {
                let v = TextVariant::new(label, text).map_err(|e| e.to_string())?;
                Ok(Box::new(v))
            }
        }
    }
}

fn compile_json(v: &Value) -> Result<JsonTemplate, TemplateError> {
    Ok(match v {
        Value::String(s) => JsonTemplate::Str(Template::parse(s)?),
        Value::Array(items) => {
            JsonTemplate::List(items.iter().map(compile_json).collect::<Result<_, _>>()?)
        }
        Value::Object(m) => JsonTemplate::Map(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), compile_json(v)?)))
                .collect::<Result<_, TemplateError>>()?,
        ),
        other => JsonTemplate::Other(other.clone()),
    })
}

fn render_json(t: &JsonTemplate, vars: &Map<String, Value>) -> Value {
    match t {
        JsonTemplate::Str(s) => Value::String(s.render(vars, globals())),
        JsonTemplate::List(items) => {
            Value::Array(items.iter().map(|i| render_json(i, vars)).collect())
        }
        JsonTemplate::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), render_json(v, vars)))
                .collect(),
        ),
        JsonTemplate::Other(v) => v.clone(),
    }
}

/// promptfoo renders each var's text as a template before the prompt,
/// unless it reads a var that is not set.
fn rendered_vars(vars: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    let mut out = vars.clone();
    for (key, value) in vars {
        let Some(t) = var_template(value, vars).map_err(|e| format!("var `{key}`: {e}"))? else {
            continue;
        };
        out.insert(key.clone(), Value::String(t.render(vars, globals())));
    }
    Ok(out)
}

/// The template a var's text is rendered as before the prompt, when
/// promptfoo renders it: text with a tag that reads only vars that are
/// set (promptfoo's `referencesUndefinedVariables`, by its regex).
pub fn var_template(
    value: &Value,
    vars: &Map<String, Value>,
) -> Result<Option<Template>, TemplateError> {
    let Value::String(text) = value else {
        return Ok(None);
    };
    if !text.contains('{') || references_unset(text, vars) {
        return Ok(None);
    }
    let t = Template::parse_lenient(text)?;
    Ok((!t.is_static()).then_some(t))
}

/// promptfoo's `extractVariablesFromTemplate`: `{{ name... }}` (before a
/// filter) and `{% if|for name %}`; a name is unset when its leading word
/// is not a var (`env` is always set).
fn references_unset(text: &str, vars: &Map<String, Value>) -> bool {
    static RE: OnceLock<[regex::Regex; 3]> = OnceLock::new();
    let [vars_re, comments, root] = RE.get_or_init(|| {
        let re = |p: &str| regex::Regex::new(p).expect("static regex");
        [
            re(r"\{\{[\s]*([^{}\s|]+)[\s]*(?:\|[^}]+)?\}\}|\{%[\s]*(?:if|for)[\s]+([^{}\s]+)[\s]*.*?%\}"),
            re(r"\{#[\s\S]*?#\}"),
            re(r"^([A-Za-z_][A-Za-z0-9_]*)"),
        ]
    });
    let text = comments.replace_all(text, "");
    let mut names: Vec<&str> = Vec::new();
    for c in vars_re.captures_iter(&text) {
        if let Some(m) = c.get(1).or_else(|| c.get(2)) {
            names.push(m.as_str());
        }
    }
    names.into_iter().any(|name| {
        root.captures(name)
            .and_then(|c| c.get(1))
            .is_some_and(|r| r.as_str() != "env" && !vars.contains_key(r.as_str()))
    })
}

/// A rendered prompt as promptfoo's chat providers read it: a `- role:`
/// YAML list or a JSON list of `{role, content}` messages, else the text
/// as one user message.
pub fn chat_messages(text: &str) -> Result<Vec<Message>, String> {
    let trimmed = text.trim();
    let list = if trimmed.starts_with("- role:") {
        let v: Value = serde_norway::from_str(text)
            .map_err(|e| format!("the prompt is not a valid YAML list of messages: {e}"))?;
        Some(v)
    } else {
        serde_json::from_str::<Value>(text).ok()
    };
    match list {
        Some(Value::Array(items))
            if !items.is_empty()
                && items
                    .iter()
                    .all(|m| m.get("role").is_some_and(Value::is_string)) =>
        {
            items.iter().map(message).collect()
        }
        _ => Ok(vec![Message::text("user", text)]),
    }
}

fn message(m: &Value) -> Result<Message, String> {
    let role = match m.get("role").and_then(Value::as_str).unwrap_or("") {
        "assistant" | "model" => "model",
        r @ ("system" | "user") => r,
        "developer" => "system",
        other => {
            return Err(format!(
                "chat messages with role `{other}` are not supported by pwb"
            ));
        }
    };
    let content = match m.get("content") {
        Some(Value::String(s)) => vec![text_part(s)],
        Some(Value::Array(parts)) => parts.iter().map(part).collect::<Result<_, _>>()?,
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![text_part(&other.to_string())],
    };
    Ok(Message {
        role: role.to_string(),
        content,
        metadata: None,
    })
}

fn text_part(s: &str) -> Part {
    Part::Text {
        text: s.to_string(),
        metadata: None,
    }
}

fn part(p: &Value) -> Result<Part, String> {
    match p.get("type").and_then(Value::as_str) {
        Some("text") => Ok(text_part(
            p.get("text").and_then(Value::as_str).unwrap_or(""),
        )),
        Some("image_url") => {
            let url = p
                .get("image_url")
                .and_then(|u| u.get("url").or(Some(u)))
                .and_then(Value::as_str);
            let url = url.ok_or("an image_url part needs a url")?;
            Ok(Part::Media {
                media: Media {
                    url: url.to_string(),
                    content_type: None,
                },
                metadata: None,
            })
        }
        other => Err(format!(
            "message parts of type `{}` are not supported by pwb",
            other.unwrap_or("?")
        )),
    }
}
