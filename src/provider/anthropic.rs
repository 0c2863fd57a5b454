//! Anthropic Messages API, streaming: system prompt as the top-level
//! `system` field, SSE events folded into answer text, thinking, usage
//! (with prompt-cache reads and writes) and a finish reason.

use super::http::{client, send_traced};
use super::key::ApiKey;
use super::sse::{Flow, for_each_json};
use super::tool_wire;
use super::types::ParamNames;
use super::types::text_with_media_notes;
use super::{
    BoxFuture, ChatRequest, Completion, Endpoint, EventSink, FinishReason, KeyStatus, Provider,
    ProviderError, StreamEvent, Trace, Usage,
};
use crate::types::{ProviderKind, ToolCall};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
pub const API_VERSION: &str = "2023-06-01";
/// The API requires `max_tokens`; this is sent when the prompt sets none.
pub const DEFAULT_MAX_TOKENS: u32 = 1024;

pub struct Anthropic {
    base_url: String,
    api_key: ApiKey,
}

impl Anthropic {
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Anthropic {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            api_key: ApiKey::given(api_key),
        }
    }

    /// The entry's `base_url`, else `ANTHROPIC_BASE_URL`, else the provider's; the
    /// key from the entry's `api_key_env`, else [`ANTHROPIC_API_KEY`], else the config.
    pub fn from_endpoint(ep: &Endpoint) -> Self {
        Anthropic {
            base_url: ep
                .base_url_or("ANTHROPIC_BASE_URL", DEFAULT_BASE_URL)
                .trim_end_matches('/')
                .to_string(),
            api_key: ApiKey::find(ep, &["ANTHROPIC_API_KEY"]),
        }
    }

    pub fn url(&self) -> String {
        format!("{}/v1/messages", self.base_url)
    }

    async fn run(
        &self,
        req: &ChatRequest,
        sink: EventSink<'_>,
        trace: &mut Trace,
    ) -> Result<Completion, ProviderError> {
        let key = self.api_key.require()?;
        let url = self.url();
        let started = Instant::now();
        let builder = client()
            .post(&url)
            .header("x-api-key", key)
            .header("anthropic-version", API_VERSION)
            .json(&request_body(req));
        let resp = send_traced(builder, &url, Some(key), trace).await?;
        let mut acc = MessageStream::default();
        for_each_json(resp, trace, |_, event| {
            for ev in acc.absorb(&event)? {
                if matches!(ev, StreamEvent::Text(_)) && acc.first_token.is_none() {
                    acc.first_token = Some(started.elapsed());
                }
                sink(ev);
            }
            Ok(if acc.stopped {
                Flow::Stop
            } else {
                Flow::Continue
            })
        })
        .await?;
        if !acc.stopped {
            return Err(ProviderError::Stream(
                "connection closed before the answer finished (no message_stop)".into(),
            ));
        }
        Ok(Completion {
            text: acc.text,
            thinking: acc.thinking,
            tool_calls: acc.tool_calls,
            usage: acc.usage,
            finish_reason: acc.finish_reason,
            time_to_first_token: acc.first_token,
            total_time: started.elapsed(),
            cached: false,
        })
    }
}

impl Provider for Anthropic {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Anthropic
    }
    fn base_url(&self) -> String {
        self.base_url.clone()
    }
    fn key_status(&self) -> KeyStatus {
        self.api_key.status(true)
    }
    fn request_body(&self, request: &ChatRequest) -> Value {
        request_body(request)
    }
    fn secret(&self) -> Option<&str> {
        self.api_key.value()
    }
    fn send<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: EventSink<'a>,
        trace: &'a mut Trace,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(self.run(request, sink, trace))
    }
}

/// The JSON body sent for a request (also shown by the inspector). System
/// messages are joined into `system`; `model` turns become `assistant`;
/// media parts become a "[media not sent: ...]" note. There is no native
/// JSON mode, so a schema becomes an instruction at the end of `system`.
pub fn request_body(req: &ChatRequest) -> Value {
    let mut system: Vec<String> = Vec::new();
    let mut messages = Vec::new();
    for m in &req.messages {
        match m.role.as_str() {
            "system" => system.push(text_with_media_notes(m)),
            role => {
                let role = if role == "model" { "assistant" } else { "user" };
                let content = if tool_wire::has_tool_parts(m) {
                    tool_wire::anthropic_content(m)
                } else {
                    json!(text_with_media_notes(m))
                };
                messages.push(json!({"role": role, "content": content}));
            }
        }
    }
    if let Some(schema) = &req.json_schema {
        system.push(format!(
            "Answer with JSON only, matching this JSON Schema: {schema}"
        ));
    }
    let p = &req.params;
    let mut body = json!({
        "model": req.model,
        "max_tokens": p.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
    });
    if !system.is_empty() {
        body["system"] = json!(system.join("\n\n"));
    }
    body["messages"] = json!(messages);
    body["stream"] = json!(true);
    let names = ParamNames {
        temperature: "temperature",
        top_p: "top_p",
        top_k: Some("top_k"),
        max_tokens: "max_tokens",
        stop: "stop_sequences",
        seed: None,
    };
    for (k, v) in p.to_wire(&names) {
        body[k] = v;
    }
    // The Messages API has no seed parameter; `p.seed` is not sent.
    if !req.tools.is_empty() {
        body["tools"] = tool_wire::anthropic_tools(&req.tools);
    }
    if let Some(choice) = &req.tool_choice {
        body["tool_choice"] = tool_wire::anthropic_tool_choice(choice);
    }
    body
}

/// Folds Messages stream events into the answer, thinking, usage and
/// finish reason. `input_tokens` counts every prompt token, cached or not
/// (Anthropic reports the uncached part separately from cache reads and
/// writes), so it means the same as OpenAI's `prompt_tokens`.
#[derive(Default)]
pub struct MessageStream {
    pub text: String,
    pub thinking: String,
    pub usage: Usage,
    pub finish_reason: Option<FinishReason>,
    pub first_token: Option<Duration>,
    /// `message_stop` arrived.
    pub stopped: bool,
    /// Tool calls whose `tool_use` block has closed.
    pub tool_calls: Vec<ToolCall>,
    /// `tool_use` blocks still streaming, by block index: id, name, the
    /// `input_json_delta` pieces so far.
    open_tools: Vec<(u64, Option<String>, String, String)>,
}

impl MessageStream {
    pub fn absorb(&mut self, event: &Value) -> Result<Vec<StreamEvent>, ProviderError> {
        let mut out = Vec::new();
        let n = |v: &Value, key: &str| v.get(key).and_then(Value::as_u64);
        match event.get("type").and_then(Value::as_str).unwrap_or("") {
            "message_start" => {
                let u = event.pointer("/message/usage").unwrap_or(&Value::Null);
                let uncached = n(u, "input_tokens");
                let write = n(u, "cache_creation_input_tokens");
                let read = n(u, "cache_read_input_tokens");
                self.usage.input_tokens =
                    uncached.map(|i| i + write.unwrap_or(0) + read.unwrap_or(0));
                self.usage.cache_write_tokens = write;
                self.usage.cached_input_tokens = read;
                self.usage.output_tokens = n(u, "output_tokens");
                out.push(StreamEvent::Usage(self.usage));
            }
            "content_block_start" => {
                let block = event.get("content_block").unwrap_or(&Value::Null);
                if block.get("type").and_then(Value::as_str) == Some("tool_use") {
                    let s = |k: &str| block.get(k).and_then(Value::as_str).map(str::to_string);
                    let index = n(event, "index").unwrap_or(0);
                    let name = s("name").unwrap_or_default();
                    self.open_tools.push((index, s("id"), name, String::new()));
                }
                self.piece(block.get("type"), block, &mut out);
            }
            "content_block_delta" => {
                let delta = event.get("delta").unwrap_or(&Value::Null);
                if delta.get("type").and_then(Value::as_str) == Some("input_json_delta") {
                    let index = n(event, "index").unwrap_or(0);
                    let piece = delta.get("partial_json").and_then(Value::as_str);
                    if let Some(open) = self.open_tools.iter_mut().find(|t| t.0 == index) {
                        open.3.push_str(piece.unwrap_or(""));
                    }
                }
                self.piece(delta.get("type"), delta, &mut out);
            }
            "content_block_stop" => {
                let index = n(event, "index").unwrap_or(0);
                if let Some(pos) = self.open_tools.iter().position(|t| t.0 == index) {
                    let (_, id, name, args) = self.open_tools.remove(pos);
                    let call = ToolCall::from_text(id, name, args);
                    self.tool_calls.push(call.clone());
                    out.push(StreamEvent::ToolCall(call));
                }
            }
            "message_delta" => {
                if let Some(reason) = event.pointer("/delta/stop_reason").and_then(Value::as_str) {
                    self.finish_reason = Some(finish_reason(reason));
                }
                if let Some(u) = event.get("usage") {
                    if let Some(o) = n(u, "output_tokens") {
                        self.usage.output_tokens = Some(o);
                    }
                    out.push(StreamEvent::Usage(self.usage));
                }
            }
            "message_stop" => self.stopped = true,
            "error" => {
                let err = event.get("error").unwrap_or(&Value::Null);
                let kind = err.get("type").and_then(Value::as_str).unwrap_or("error");
                let message = err
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("no message");
                let hint = if kind == "overloaded_error" {
                    " (Anthropic is overloaded; try again later)"
                } else {
                    ""
                };
                return Err(ProviderError::Api {
                    kind: kind.to_string(),
                    message: format!("{message}{hint}"),
                });
            }
            // `ping` and event types added later.
            _ => {}
        }
        Ok(out)
    }

    /// Text or thinking from a content block start or delta.
    fn piece(&mut self, kind: Option<&Value>, v: &Value, out: &mut Vec<StreamEvent>) {
        let take = |key: &str| {
            v.get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        match kind.and_then(Value::as_str) {
            Some("text" | "text_delta") => {
                if let Some(t) = take("text") {
                    self.text.push_str(&t);
                    out.push(StreamEvent::Text(t));
                }
            }
            Some("thinking" | "thinking_delta") => {
                if let Some(t) = take("thinking") {
                    self.thinking.push_str(&t);
                    out.push(StreamEvent::Thinking(t));
                }
            }
            _ => {}
        }
    }
}

pub fn finish_reason(stop_reason: &str) -> FinishReason {
    match stop_reason {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "max_tokens" => FinishReason::Length,
        "tool_use" => FinishReason::ToolCalls,
        "refusal" => FinishReason::ContentFilter,
        other => FinishReason::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_counts_cache_reads_and_writes_into_input() {
        let mut s = MessageStream::default();
        s.absorb(&json!({"type":"message_start","message":{"usage":{
            "input_tokens":10,"cache_creation_input_tokens":100,
            "cache_read_input_tokens":50,"output_tokens":1}}}))
            .unwrap();
        assert_eq!(s.usage.input_tokens, Some(160));
        assert_eq!(s.usage.cached_input_tokens, Some(50));
        assert_eq!(s.usage.cache_write_tokens, Some(100));
        s.absorb(
            &json!({"type":"message_delta","delta":{"stop_reason":"max_tokens"},
            "usage":{"output_tokens":7}}),
        )
        .unwrap();
        assert_eq!(s.usage.output_tokens, Some(7));
        assert_eq!(s.finish_reason, Some(FinishReason::Length));
    }

    #[test]
    fn media_becomes_a_short_note_not_the_bytes() {
        use crate::types::{Media, Message, Part};
        let media = |url: &str| Part::Media {
            media: Media {
                url: url.into(),
                content_type: None,
            },
            metadata: None,
        };
        let mut m = Message::text("user", "Look: ");
        m.content.push(media("data:image/png;base64,iVBORw0KGgo="));
        m.content.push(media("https://x.example/cat.jpg"));
        let req = ChatRequest {
            model: "m".into(),
            messages: vec![m],
            params: Default::default(),
            json_schema: None,
            ..Default::default()
        };
        assert_eq!(
            request_body(&req)["messages"][0]["content"],
            "Look: [media not sent: image/png][media not sent: https://x.example/cat.jpg]"
        );
    }
}
