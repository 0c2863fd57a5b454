//! The provider-neutral request and result shapes every provider maps to
//! and from its own wire format.

use crate::types::{Message, ToolCall, ToolChoice, ToolDef};
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub use crate::types::{FinishReason, GenParams, ParamNames, Usage};

/// What is sent to one model: the rendered messages and the parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// The model name as the provider knows it (without the `provider:` prefix).
    pub model: String,
    pub messages: Vec<Message>,
    pub params: GenParams,
    /// JSON Schema the answer must follow, when the prompt declares one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<serde_json::Value>,
    /// The tools the model may call (the prompt's `tools:` resolved).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<ToolDef>,
    /// The prompt's `toolChoice`; `None` leaves it to the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
}
/// What streams out of a provider while it answers.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// A piece of answer text.
    Text(String),
    /// A piece of the model's visible reasoning (Anthropic thinking blocks,
    /// Gemini thought parts, Ollama `thinking`), kept apart from the answer.
    Thinking(String),
    /// Usage as soon as the provider reports it (may come before the end).
    Usage(Usage),
    /// What the call is busy with before text comes (the local model:
    /// "loading model…", "reading 329 prompt tokens…"); not part of the answer.
    Status(String),
    /// A tool call, once its arguments are complete.
    ToolCall(ToolCall),
}

/// The end result of one call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    pub text: String,
    /// The model's reasoning text when the provider streams it; empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub thinking: String,
    /// The tools the model called, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    pub usage: Usage,
    pub finish_reason: Option<FinishReason>,
    /// Time from sending the request to the first text.
    #[serde(with = "duration_ms_opt")]
    pub time_to_first_token: Option<Duration>,
    #[serde(with = "duration_ms")]
    pub total_time: Duration,
    /// Replayed from pwb's response cache instead of asking the model.
    #[serde(default)]
    pub cached: bool,
}

/// Why a call failed, said so a user can act on it.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ProviderError {
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("HTTP {status} from {url}: {message}")]
    Http {
        status: u16,
        url: String,
        message: String,
        /// How long the server asked us to wait (`Retry-After` and the
        /// rate-limit reset headers), when it said.
        retry_after: Option<Duration>,
    },
    #[error("stream broke off: {0}")]
    Stream(String),
    #[error("bad response: {0}")]
    Protocol(String),
    #[error("missing API key: set {env_var}")]
    MissingKey { env_var: String },
    #[error("timed out: {0}")]
    Timeout(TimeoutKind),
    #[error("cancelled")]
    Cancelled,
    /// pwb did not send the request: the model would refuse a parameter
    /// (out of its range, more output tokens than it can give).
    #[error("not sent: {0}")]
    Refused(String),
    /// An error the provider reported inside a stream that had started
    /// (e.g. Anthropic's `overloaded_error`); `kind` is the provider's code.
    #[error("{kind} from the provider mid-answer: {message}")]
    Api { kind: String, message: String },
    /// The provider's safety filters blocked the prompt or the answer.
    #[error("blocked by safety filters ({0})")]
    Blocked(String),
    #[error("{0}")]
    Other(String),
}

impl ProviderError {
    /// Why, in a few words, for a readout: `HTTP 429`, `connection failed`.
    pub fn brief(&self) -> String {
        match self {
            ProviderError::Connect { .. } => "connection failed".into(),
            ProviderError::Http { status, .. } => format!("HTTP {status}"),
            ProviderError::Stream(_) => "stream broke off".into(),
            ProviderError::Protocol(_) => "bad response".into(),
            ProviderError::MissingKey { .. } => "missing API key".into(),
            ProviderError::Timeout(_) => "timed out".into(),
            ProviderError::Cancelled => "cancelled".into(),
            ProviderError::Refused(_) => "not sent".into(),
            ProviderError::Api { kind, .. } => kind.clone(),
            ProviderError::Blocked(_) => "blocked".into(),
            ProviderError::Other(m) => crate::provider::http::clip(m),
        }
    }
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// No connection within this time.
    Connect(Duration),
    /// No data (no streamed event) for this long.
    Stall(Duration),
    /// The whole call, retries included, took longer than this.
    Total(Duration),
}

impl std::fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimeoutKind::Connect(d) => write!(f, "could not connect within {}", secs(*d)),
            TimeoutKind::Stall(d) => write!(f, "no data for {}", secs(*d)),
            TimeoutKind::Total(d) => write!(f, "took longer than {}", secs(*d)),
        }
    }
}

/// `30s`, `1.5s`, `250ms`: short, for messages.
pub fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

mod duration_ms {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

mod duration_ms_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&(d.as_millis() as u64)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_millis))
    }
}

/// A message's text for providers that do not send media here: text parts
/// joined, each media part replaced by a short note (never the bytes of a
/// `data:` URL, which would flood the prompt).
pub fn text_with_media_notes(m: &Message) -> String {
    use crate::types::Part;
    let mut out = String::new();
    for part in &m.content {
        match part {
            Part::Text { text, .. } => out.push_str(text),
            Part::Media { media, .. } => {
                let what = if media.url.starts_with("data:") {
                    media
                        .url
                        .strip_prefix("data:")
                        .and_then(|r| r.split([';', ',']).next())
                        .filter(|t| !t.is_empty())
                        .unwrap_or("inline data")
                        .to_string()
                } else {
                    media.url.clone()
                };
                out.push_str(&format!("[media not sent: {what}]"));
            }
            Part::ToolRequest { .. } | Part::ToolResponse { .. } | Part::Metadata { .. } => {}
        }
    }
    out
}
