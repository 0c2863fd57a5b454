//! Google Gemini `streamGenerateContent` (SSE): `contents` with user/model
//! turns, `systemInstruction`, `generationConfig`; chunks folded into text,
//! thought parts, usage, a finish reason, and safety blocks.

use super::gemini_schema::gemini_schema;
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

pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";

pub struct Gemini {
    base_url: String,
    api_key: ApiKey,
}

impl Gemini {
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Gemini {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            api_key: ApiKey::given(api_key),
        }
    }

    /// The entry's `base_url`, else `GOOGLE_GEMINI_BASE_URL`, else the provider's; the
    /// key from the entry's `api_key_env`, else [`GEMINI_API_KEY`, `GOOGLE_API_KEY`], else the config.
    pub fn from_endpoint(ep: &Endpoint) -> Self {
        Gemini {
            base_url: ep
                .base_url_or("GOOGLE_GEMINI_BASE_URL", DEFAULT_BASE_URL)
                .trim_end_matches('/')
                .to_string(),
            api_key: ApiKey::find(ep, &["GEMINI_API_KEY", "GOOGLE_API_KEY"]),
        }
    }

    pub fn url(&self, model: &str) -> String {
        let model = model.strip_prefix("models/").unwrap_or(model);
        format!(
            "{}/v1beta/models/{model}:streamGenerateContent?alt=sse",
            self.base_url
        )
    }

    async fn run(
        &self,
        req: &ChatRequest,
        sink: EventSink<'_>,
        trace: &mut Trace,
    ) -> Result<Completion, ProviderError> {
        let key = self.api_key.require()?;
        let url = self.url(&req.model);
        let started = Instant::now();
        let builder = client()
            .post(&url)
            .header("x-goog-api-key", key)
            .json(&request_body(req));
        let resp = send_traced(builder, &url, Some(key), trace).await?;
        let mut acc = GenerateStream::default();
        for_each_json(resp, trace, |_, chunk| {
            for ev in acc.absorb(&chunk)? {
                if matches!(ev, StreamEvent::Text(_)) && acc.first_token.is_none() {
                    acc.first_token = Some(started.elapsed());
                }
                sink(ev);
            }
            Ok(Flow::Continue)
        })
        .await?;
        acc.finish()?;
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

impl Provider for Gemini {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gemini
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
/// messages are joined into `systemInstruction`; other turns are `user` or
/// `model`; media parts become a "[media not sent: ...]" note.
pub fn request_body(req: &ChatRequest) -> Value {
    let mut system: Vec<String> = Vec::new();
    let mut contents = Vec::new();
    for m in &req.messages {
        match m.role.as_str() {
            "system" => system.push(text_with_media_notes(m)),
            role => {
                let role = if role == "model" || role == "assistant" {
                    "model"
                } else {
                    "user"
                };
                let parts = if tool_wire::has_tool_parts(m) {
                    tool_wire::gemini_parts(m)
                } else {
                    json!([{"text": text_with_media_notes(m)}])
                };
                contents.push(json!({"role": role, "parts": parts}));
            }
        }
    }
    let mut body = json!({"contents": contents});
    if !system.is_empty() {
        body["systemInstruction"] = json!({"parts": [{"text": system.join("\n\n")}]});
    }
    if !req.tools.is_empty() {
        body["tools"] = tool_wire::gemini_tools(&req.tools);
    }
    if let Some(choice) = &req.tool_choice {
        body["toolConfig"] = tool_wire::gemini_tool_config(choice);
    }
    let p = &req.params;
    let mut config = p.to_wire(&ParamNames {
        temperature: "temperature",
        top_p: "topP",
        top_k: Some("topK"),
        max_tokens: "maxOutputTokens",
        stop: "stopSequences",
        seed: Some("seed"),
    });
    if let Some(schema) = &req.json_schema {
        config.insert("responseMimeType".into(), json!("application/json"));
        config.insert("responseSchema".into(), gemini_schema(schema));
    }
    if !config.is_empty() {
        body["generationConfig"] = Value::Object(config);
    }
    body
}

/// Folds `GenerateContentResponse` chunks into text, thinking, usage and a
/// finish reason. `output_tokens` counts answer plus thought tokens (both
/// are billed as output, as in OpenAI's `completion_tokens`).
#[derive(Default)]
pub struct GenerateStream {
    pub text: String,
    pub thinking: String,
    pub usage: Usage,
    pub finish_reason: Option<FinishReason>,
    pub first_token: Option<Duration>,
    /// Why the safety filters stopped the prompt or the answer, if they did.
    pub blocked: Option<String>,
    /// `functionCall` parts (each arrives whole).
    pub tool_calls: Vec<ToolCall>,
}

impl GenerateStream {
    pub fn absorb(&mut self, chunk: &Value) -> Result<Vec<StreamEvent>, ProviderError> {
        if let Some(err) = chunk.get("error") {
            let kind = err.get("status").and_then(Value::as_str).unwrap_or("error");
            let message = err
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("no message");
            return Err(ProviderError::Api {
                kind: kind.to_string(),
                message: message.to_string(),
            });
        }
        if let Some(reason) = chunk
            .pointer("/promptFeedback/blockReason")
            .and_then(Value::as_str)
        {
            self.blocked = Some(reason.to_string());
            self.finish_reason = Some(FinishReason::ContentFilter);
        }
        let mut out = Vec::new();
        if let Some(cand) = chunk.pointer("/candidates/0") {
            let parts = cand.pointer("/content/parts").and_then(Value::as_array);
            for part in parts.into_iter().flatten() {
                if let Some(fc) = part.get("functionCall") {
                    let name = fc.get("name").and_then(Value::as_str).unwrap_or("");
                    let id = fc.get("id").and_then(Value::as_str).map(str::to_string);
                    let args = fc.get("args").cloned().unwrap_or_else(|| json!({}));
                    let call = ToolCall::from_value(id, name, args);
                    self.tool_calls.push(call.clone());
                    out.push(StreamEvent::ToolCall(call));
                    continue;
                }
                let Some(t) = part.get("text").and_then(Value::as_str) else {
                    continue;
                };
                if t.is_empty() {
                    continue;
                }
                if part.get("thought").and_then(Value::as_bool) == Some(true) {
                    self.thinking.push_str(t);
                    out.push(StreamEvent::Thinking(t.to_string()));
                } else {
                    self.text.push_str(t);
                    out.push(StreamEvent::Text(t.to_string()));
                }
            }
            if let Some(reason) = cand.get("finishReason").and_then(Value::as_str) {
                let mut fr = finish_reason(reason);
                if fr == FinishReason::Stop && !self.tool_calls.is_empty() {
                    // Gemini ends a turn of function calls with STOP.
                    fr = FinishReason::ToolCalls;
                }
                if fr == FinishReason::ContentFilter {
                    self.blocked = Some(reason.to_string());
                }
                self.finish_reason = Some(fr);
            }
        }
        if let Some(u) = chunk.get("usageMetadata") {
            let n = |key: &str| u.get(key).and_then(Value::as_u64);
            let thoughts = n("thoughtsTokenCount");
            self.usage = Usage {
                input_tokens: n("promptTokenCount"),
                output_tokens: n("candidatesTokenCount")
                    .map(|c| c + thoughts.unwrap_or(0))
                    .or(thoughts),
                cached_input_tokens: n("cachedContentTokenCount"),
                reasoning_tokens: thoughts,
                cache_write_tokens: None,
            };
            out.push(StreamEvent::Usage(self.usage));
        }
        Ok(out)
    }

    /// Checks the stream ended properly: a safety block with no answer is
    /// an error; so is a stream that stopped before any finish reason.
    pub fn finish(&self) -> Result<(), ProviderError> {
        if let Some(reason) = &self.blocked
            && self.text.is_empty()
            && self.tool_calls.is_empty()
        {
            return Err(ProviderError::Blocked(reason.clone()));
        }
        if self.finish_reason.is_none() {
            return Err(ProviderError::Stream(
                "connection closed before the answer finished (no finishReason)".into(),
            ));
        }
        Ok(())
    }
}

pub fn finish_reason(reason: &str) -> FinishReason {
    match reason {
        "STOP" => FinishReason::Stop,
        "MAX_TOKENS" => FinishReason::Length,
        "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" => {
            FinishReason::ContentFilter
        }
        other => FinishReason::Other(other.to_ascii_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safety_finish_with_text_is_a_finish_reason() {
        let mut s = GenerateStream::default();
        s.absorb(
            &json!({"candidates":[{"content":{"parts":[{"text":"Hi"}]},"finishReason":"SAFETY"}]}),
        )
        .unwrap();
        assert!(s.finish().is_ok());
        assert_eq!(s.finish_reason, Some(FinishReason::ContentFilter));
    }
}
