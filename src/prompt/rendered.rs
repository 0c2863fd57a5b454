//! The result of rendering a prompt, in Dotprompt's JSON shape, with the
//! generation parameters and output schema a provider request needs.

use crate::types::GenParams;
use crate::types::Message;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A rendered prompt. Serializes to Dotprompt's `RenderedPrompt` shape:
/// `{"messages": [...], "config": {...}, "ext": {...}, "metadata": {...},
/// "model"?, "input"?, "output"?, "raw"?, ...other frontmatter keys}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RenderedPrompt {
    pub messages: Vec<Message>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default)]
    pub config: Map<String, Value>,
    #[serde(default)]
    pub ext: Map<String, Value>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// `input` with its schema converted to JSON Schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// `output` with its schema converted to JSON Schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<Map<String, Value>>,
    /// Remaining frontmatter keys (`name`, `description`, `tools`, ...).
    #[serde(flatten)]
    pub other: Map<String, Value>,
    /// Top-level template variables that were not set (not serialized).
    #[serde(skip)]
    pub missing_vars: Vec<String>,
    /// Every top-level variable the template reads, set or not (not
    /// serialized).
    #[serde(skip)]
    pub variables: Vec<String>,
    /// The variables it was rendered with, over `input.default` (not
    /// serialized; a `context:` policy truncates one of them).
    #[serde(skip)]
    pub values: Map<String, Value>,
    /// Warnings about the prompt file ([`super::lint`]: unknown keys,
    /// config keys that are not sent), for faces that show them (not
    /// serialized).
    #[serde(skip)]
    pub warnings: Vec<super::PromptWarning>,
}

impl RenderedPrompt {
    /// Builds the result from merged metadata (see `Renderer::render_metadata`).
    pub fn from_metadata(messages: Vec<Message>, mut meta: Map<String, Value>) -> Self {
        let mut take_map = |key: &str| match meta.remove(key) {
            Some(Value::Object(m)) => Some(m),
            _ => None,
        };
        let config = take_map("config").unwrap_or_default();
        let ext = take_map("ext").unwrap_or_default();
        let metadata = take_map("metadata").unwrap_or_default();
        let raw = take_map("raw");
        let model = match meta.remove("model") {
            Some(Value::String(s)) => Some(s),
            Some(Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        };
        RenderedPrompt {
            messages,
            model,
            config,
            ext,
            metadata,
            input: meta.remove("input"),
            output: meta.remove("output"),
            raw,
            other: meta,
            missing_vars: Vec::new(),
            variables: Vec::new(),
            values: Map::new(),
            warnings: Vec::new(),
        }
    }

    /// Generation parameters from `config` (see [`super::config_keys`]:
    /// `temperature`, `maxOutputTokens`, `topP`, `topK`, `stopSequences`,
    /// `seed` and their aliases). Values of the wrong type are left out.
    pub fn gen_params(&self) -> GenParams {
        super::config_keys::gen_params(&self.config)
    }

    /// The JSON Schema the answer must follow: `output.schema` (already
    /// converted from Picoschema) when given; `{"type": "object"}` when
    /// `output.format` is `json` without a schema; otherwise `None`.
    pub fn output_json_schema(&self) -> Option<Value> {
        let output = self.output.as_ref()?;
        match output.get("schema") {
            Some(schema) if !schema.is_null() => Some(schema.clone()),
            _ if output.get("format").and_then(Value::as_str) == Some("json") => {
                Some(serde_json::json!({ "type": "object" }))
            }
            _ => None,
        }
    }

    /// The tools the prompt offers, resolved (`toolDefs`).
    pub fn tool_defs(&self) -> Vec<crate::types::ToolDef> {
        super::metadata::tool_defs(&self.other)
    }

    /// The prompt's `toolChoice` (Genkit's frontmatter key), when it is
    /// one (rendering checked it).
    pub fn tool_choice(&self) -> Option<crate::types::ToolChoice> {
        let choice = self.raw.as_ref()?.get("toolChoice")?;
        crate::types::ToolChoice::parse(choice, &self.tool_defs()).ok()
    }

    /// All message text joined (for token estimates and previews).
    pub fn plain_text(&self) -> String {
        self.messages
            .iter()
            .map(Message::plain_text)
            .collect::<Vec<_>>()
            .join("\n")
    }
}
