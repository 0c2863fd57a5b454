//! The message shape shared by rendering, the runner and every provider:
//! Dotprompt's `{role, content: [parts], metadata?}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use super::tool::{ToolRequest, ToolResponse};

/// A message role as Dotprompt names them: `system`, `user`, `model`
/// (providers map `model` to `assistant` where their API wants that).
pub type Role = String;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: Vec<Part>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// One piece of a message: text, a media reference, a tool call or a tool's
/// result (Dotprompt's `toolRequest`/`toolResponse`), or a bare metadata
/// marker (Dotprompt's pending `{{section}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Part {
    Text {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        metadata: Option<Value>,
    },
    Media {
        media: Media,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        metadata: Option<Value>,
    },
    ToolRequest {
        #[serde(rename = "toolRequest")]
        tool_request: ToolRequest,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        metadata: Option<Value>,
    },
    ToolResponse {
        #[serde(rename = "toolResponse")]
        tool_response: ToolResponse,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        metadata: Option<Value>,
    },
    Metadata {
        metadata: Value,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Media {
    pub url: String,
    #[serde(
        default,
        rename = "contentType",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<String>,
}

impl Message {
    pub fn text(role: &str, text: impl Into<String>) -> Self {
        Message {
            role: role.to_string(),
            content: vec![Part::Text {
                text: text.into(),
                metadata: None,
            }],
            metadata: None,
        }
    }

    /// All text parts joined; media parts appear as `[media: URL]`.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for part in &self.content {
            match part {
                Part::Text { text, .. } => out.push_str(text),
                Part::Media { media, .. } => {
                    out.push_str("[media: ");
                    out.push_str(&media.url);
                    out.push(']');
                }
                Part::ToolRequest { tool_request, .. } => {
                    out.push_str(&format!(
                        "[tool call: {} {}]",
                        tool_request.name, tool_request.input
                    ));
                }
                Part::ToolResponse { tool_response, .. } => {
                    out.push_str(&format!(
                        "[tool result: {} {}]",
                        tool_response.name, tool_response.output
                    ));
                }
                Part::Metadata { .. } => {}
            }
        }
        out
    }

    /// The tool calls this message makes (a model turn's `toolRequest` parts).
    pub fn tool_requests(&self) -> impl Iterator<Item = &ToolRequest> {
        self.content.iter().filter_map(|p| match p {
            Part::ToolRequest { tool_request, .. } => Some(tool_request),
            _ => None,
        })
    }

    /// The tool results this message carries (`toolResponse` parts).
    pub fn tool_responses(&self) -> impl Iterator<Item = &ToolResponse> {
        self.content.iter().filter_map(|p| match p {
            Part::ToolResponse { tool_response, .. } => Some(tool_response),
            _ => None,
        })
    }
}
