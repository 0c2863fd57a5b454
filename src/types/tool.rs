//! Tools (function calling): a tool's definition as sent to a model, the
//! tool choice, and a call a model made (raw arguments text kept beside
//! what it parsed to, so a malformed call can be shown as such).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A tool a prompt offers the model: `tools/NAME.yaml` resolved. Serializes
/// as Dotprompt's `ToolDefinition` (`name`, `description`, `inputSchema`);
/// the parameters are JSON Schema (Picoschema already converted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of the arguments (Dotprompt's `inputSchema`).
    #[serde(rename = "inputSchema", alias = "parameters")]
    pub parameters: Value,
}

/// Whether the model may, must or must not call a tool (Genkit's
/// `toolChoice`: `auto`, `required`, `none`), or must call one by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToolChoice {
    Auto,
    Required,
    None,
    /// A tool's name (`toolChoice: get_weather` or `{name: get_weather}`).
    Tool(String),
}

impl ToolChoice {
    /// `auto`, `required`, `none`, or the name of one of `tools`.
    pub fn parse(v: &Value, tools: &[ToolDef]) -> Result<ToolChoice, String> {
        let name = match v {
            Value::String(s) => s.as_str(),
            Value::Object(o) => o.get("name").and_then(Value::as_str).unwrap_or(""),
            _ => "",
        };
        match name {
            "auto" => Ok(ToolChoice::Auto),
            "required" => Ok(ToolChoice::Required),
            "none" => Ok(ToolChoice::None),
            n if tools.iter().any(|t| t.name == n) => Ok(ToolChoice::Tool(n.to_string())),
            _ => Err(format!(
                "toolChoice {v} is not auto, required, none or one of the prompt's tools"
            )),
        }
    }
}

/// One tool call as the model made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The provider's id for the call (OpenAI `call_…`, Anthropic
    /// `toolu_…`); Gemini and Ollama mostly give none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// The arguments exactly as they streamed in.
    pub arguments: String,
    /// The arguments parsed, when they are JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// Why the arguments do not parse, when they do not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse_error: Option<String>,
}

impl ToolCall {
    /// A call from its raw arguments text (empty text is `{}`, as OpenAI
    /// and Anthropic send for a call without arguments).
    pub fn from_text(id: Option<String>, name: impl Into<String>, arguments: String) -> ToolCall {
        let text = if arguments.trim().is_empty() {
            "{}"
        } else {
            arguments.as_str()
        };
        let (input, parse_error) = match serde_json::from_str::<Value>(text) {
            Ok(v) => (Some(v), None),
            Err(e) => (None, Some(format!("arguments are not JSON: {e}"))),
        };
        ToolCall {
            id,
            name: name.into(),
            arguments,
            input,
            parse_error,
        }
    }

    /// A call whose arguments came as a JSON value (Gemini, Ollama).
    pub fn from_value(id: Option<String>, name: impl Into<String>, input: Value) -> ToolCall {
        ToolCall {
            id,
            name: name.into(),
            arguments: input.to_string(),
            input: Some(input),
            parse_error: None,
        }
    }
}

/// Dotprompt's `toolRequest` part: a model turn's call of a tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolRequest {
    pub name: String,
    #[serde(default)]
    pub input: Value,
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// Dotprompt's `toolResponse` part: what a tool returned for a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolResponse {
    pub name: String,
    #[serde(default)]
    pub output: Value,
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_keep_their_text_and_say_why_they_do_not_parse() {
        let ok = ToolCall::from_text(Some("c1".into()), "f", r#"{"a": 1}"#.into());
        assert_eq!(ok.input, Some(json!({"a": 1})));
        let empty = ToolCall::from_text(None, "f", String::new());
        assert_eq!(empty.input, Some(json!({})));
        let bad = ToolCall::from_text(None, "f", "{\"a\": ".into());
        assert_eq!(bad.input, None);
        assert!(
            bad.parse_error
                .unwrap()
                .starts_with("arguments are not JSON")
        );
        assert_eq!(bad.arguments, "{\"a\": ");
    }

    #[test]
    fn tool_choice_reads_genkit_words_and_tool_names() {
        let tools = [ToolDef {
            name: "get_weather".into(),
            description: None,
            parameters: json!({}),
        }];
        assert_eq!(
            ToolChoice::parse(&json!("auto"), &tools),
            Ok(ToolChoice::Auto)
        );
        assert_eq!(
            ToolChoice::parse(&json!({"name": "get_weather"}), &tools),
            Ok(ToolChoice::Tool("get_weather".into()))
        );
        assert!(ToolChoice::parse(&json!("other"), &tools).is_err());
    }

    #[test]
    fn parts_read_and_write_dotprompts_tool_shapes() {
        use crate::types::Part;
        let req: Part = serde_json::from_value(
            json!({"toolRequest": {"name": "f", "input": {"a": 1}, "ref": "c1"}}),
        )
        .unwrap();
        assert!(
            matches!(&req, Part::ToolRequest { tool_request, .. } if tool_request.reference.as_deref() == Some("c1"))
        );
        let resp: Part =
            serde_json::from_value(json!({"toolResponse": {"name": "f", "output": "sunny"}}))
                .unwrap();
        assert_eq!(
            serde_json::to_value(&resp).unwrap(),
            json!({"toolResponse": {"name": "f", "output": "sunny"}})
        );
    }
}
