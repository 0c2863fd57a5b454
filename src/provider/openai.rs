//! OpenAI Chat Completions, streaming (`stream_options.include_usage`).
//! Serves OpenAI itself and every OpenAI-compatible server (llama.cpp,
//! vLLM, LM Studio, Ollama's /v1) through `base_url`.

use super::http::{client, clip, send_traced, traced_bytes};
use super::key::ApiKey;
use super::tool_wire;
use super::types::ParamNames;
use super::{
    BoxFuture, ChatRequest, Completion, Endpoint, EventSink, FinishReason, KeyStatus, Provider,
    ProviderError, StreamEvent, Trace, Usage,
};
use crate::types::ProviderKind;
use crate::types::{Message, Part, ToolCall};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::time::Instant;

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

pub struct OpenAi {
    base_url: String,
    api_key: ApiKey,
    /// OpenAI proper wants `max_completion_tokens` and a key; compatible
    /// servers mostly only know `max_tokens` and may need no key.
    official: bool,
}

impl OpenAi {
    pub fn new(base_url: impl Into<String>, api_key: Option<String>) -> Self {
        let base_url = base_url.into().trim_end_matches('/').to_string();
        let official = base_url.starts_with("https://api.openai.com");
        OpenAi {
            base_url,
            api_key: match api_key {
                Some(k) => ApiKey::given(k),
                None => ApiKey::default(),
            },
            official,
        }
    }

    /// `base_url` from the model entry, else `OPENAI_BASE_URL`, else OpenAI.
    /// The key comes from the entry's `api_key_env` or `OPENAI_API_KEY`; a
    /// custom server may need none.
    pub fn from_endpoint(ep: &Endpoint) -> Self {
        OpenAi {
            api_key: ApiKey::find(ep, &["OPENAI_API_KEY"]),
            ..OpenAi::new(ep.base_url_or("OPENAI_BASE_URL", DEFAULT_BASE_URL), None)
        }
    }

    pub fn url(&self) -> String {
        format!("{}/chat/completions", self.base_url)
    }

    /// The JSON body sent for a request (also shown by the inspector).
    fn body(&self, req: &ChatRequest) -> Value {
        let messages: Vec<Value> = req.messages.iter().flat_map(wire_messages).collect();
        let mut body = json!({
            "model": req.model,
            "messages": messages,
            "stream": true,
            "stream_options": {"include_usage": true},
        });
        let names = ParamNames {
            temperature: "temperature",
            top_p: "top_p",
            top_k: None,
            // OpenAI proper wants `max_completion_tokens`; compatible
            // servers mostly only know `max_tokens`.
            max_tokens: if self.official {
                "max_completion_tokens"
            } else {
                "max_tokens"
            },
            stop: "stop",
            seed: Some("seed"),
        };
        for (k, v) in req.params.to_wire(&names) {
            body[k] = v;
        }
        if let Some(schema) = &req.json_schema {
            body["response_format"] = json!({
                "type": "json_schema",
                "json_schema": {"name": "output", "schema": schema},
            });
        }
        if !req.tools.is_empty() {
            body["tools"] = tool_wire::openai_tools(&req.tools);
        }
        if let Some(choice) = &req.tool_choice {
            body["tool_choice"] = tool_wire::openai_tool_choice(choice);
        }
        body
    }

    async fn run(
        &self,
        req: &ChatRequest,
        sink: EventSink<'_>,
        trace: &mut Trace,
    ) -> Result<Completion, ProviderError> {
        if let KeyStatus::Missing { env_var } = self.key_status() {
            return Err(ProviderError::MissingKey { env_var });
        }
        let url = self.url();
        let started = Instant::now();
        let mut builder = client().post(&url).json(&self.body(req));
        if let Some(key) = self.api_key.value() {
            builder = builder.bearer_auth(key);
        }
        let resp = send_traced(builder, &url, self.api_key.value(), trace).await?;
        let mut acc = StreamAccumulator::default();
        let mut events = traced_bytes(resp, trace).eventsource();
        let mut done = false;
        while let Some(event) = events.next().await {
            let event = event.map_err(|e| ProviderError::Stream(e.to_string()))?;
            let data = event.data.trim();
            if data.is_empty() {
                continue;
            }
            if data == "[DONE]" {
                done = true;
                break;
            }
            let chunk: Value = serde_json::from_str(data).map_err(|e| {
                ProviderError::Protocol(format!("chunk is not JSON ({e}): {}", clip(data)))
            })?;
            for ev in acc.absorb(&chunk)? {
                if matches!(ev, StreamEvent::Text(_)) && acc.first_token.is_none() {
                    acc.first_token = Some(started.elapsed());
                }
                sink(ev);
            }
        }
        if !done && acc.finish_reason.is_none() {
            return Err(ProviderError::Stream(
                "connection closed before the answer finished (no [DONE])".into(),
            ));
        }
        for ev in acc.close_tool_calls() {
            sink(ev);
        }
        Ok(Completion {
            text: acc.text,
            thinking: String::new(),
            tool_calls: acc.tool_calls,
            usage: acc.usage,
            finish_reason: acc.finish_reason,
            time_to_first_token: acc.first_token,
            total_time: started.elapsed(),
            cached: false,
        })
    }
}

impl Provider for OpenAi {
    fn kind(&self) -> ProviderKind {
        ProviderKind::OpenAi
    }
    fn base_url(&self) -> String {
        self.base_url.clone()
    }
    fn key_status(&self) -> KeyStatus {
        // OpenAI proper needs a key; a compatible server may not.
        self.api_key.status(self.official)
    }
    fn request_body(&self, request: &ChatRequest) -> Value {
        self.body(request)
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

/// Folds streamed chunks into the answer, usage and finish reason.
#[derive(Default)]
pub struct StreamAccumulator {
    pub text: String,
    pub usage: Usage,
    pub finish_reason: Option<FinishReason>,
    pub first_token: Option<std::time::Duration>,
    /// Tool calls whose arguments are complete.
    pub tool_calls: Vec<ToolCall>,
    /// Tool calls still streaming, by `index`: id, name, arguments so far.
    pending: Vec<(u64, Option<String>, String, String)>,
}

impl StreamAccumulator {
    /// The tool calls still streaming, completed (the finish reason or the
    /// end of the stream says their arguments are all there).
    pub fn close_tool_calls(&mut self) -> Vec<StreamEvent> {
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_by_key(|p| p.0);
        pending
            .into_iter()
            .map(|(_, id, name, args)| {
                let call = ToolCall::from_text(id, name, args);
                self.tool_calls.push(call.clone());
                StreamEvent::ToolCall(call)
            })
            .collect()
    }

    /// A `delta.tool_calls` entry: the first piece of a call carries its
    /// id and name, later pieces more of its arguments.
    fn tool_delta(&mut self, d: &Value) {
        let index = d.get("index").and_then(Value::as_u64).unwrap_or(0);
        let pos = match self.pending.iter().position(|p| p.0 == index) {
            Some(pos) => pos,
            None => {
                self.pending
                    .push((index, None, String::new(), String::new()));
                self.pending.len() - 1
            }
        };
        let entry = &mut self.pending[pos];
        if let Some(id) = d.get("id").and_then(Value::as_str) {
            entry.1 = Some(id.to_string());
        }
        if let Some(name) = d.pointer("/function/name").and_then(Value::as_str) {
            entry.2.push_str(name);
        }
        if let Some(args) = d.pointer("/function/arguments").and_then(Value::as_str) {
            entry.3.push_str(args);
        }
    }

    pub fn absorb(&mut self, chunk: &Value) -> Result<Vec<StreamEvent>, ProviderError> {
        if let Some(err) = chunk.get("error") {
            let msg = err
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| err.to_string());
            return Err(ProviderError::Protocol(format!("error in stream: {msg}")));
        }
        let mut out = Vec::new();
        if let Some(choice) = chunk.get("choices").and_then(|c| c.get(0)) {
            if let Some(text) = choice
                .get("delta")
                .and_then(|d| d.get("content"))
                .and_then(Value::as_str)
                && !text.is_empty()
            {
                self.text.push_str(text);
                out.push(StreamEvent::Text(text.to_string()));
            }
            let deltas = choice
                .pointer("/delta/tool_calls")
                .and_then(Value::as_array);
            for d in deltas.into_iter().flatten() {
                self.tool_delta(d);
            }
            if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
                self.finish_reason = Some(FinishReason::from_openai(reason));
                out.extend(self.close_tool_calls());
            }
        }
        if let Some(u) = chunk.get("usage").filter(|u| u.is_object()) {
            let n = |v: Option<&Value>| v.and_then(Value::as_u64);
            self.usage = Usage {
                input_tokens: n(u.get("prompt_tokens")),
                output_tokens: n(u.get("completion_tokens")),
                cached_input_tokens: n(u.pointer("/prompt_tokens_details/cached_tokens")),
                reasoning_tokens: n(u.pointer("/completion_tokens_details/reasoning_tokens")),
                cache_write_tokens: None,
            };
            out.push(StreamEvent::Usage(self.usage));
        }
        Ok(out)
    }
}

/// Dotprompt message -> OpenAI messages: one, or one `role: tool`
/// message per tool result.
pub fn wire_messages(m: &Message) -> Vec<Value> {
    if tool_wire::has_tool_parts(m) {
        return tool_wire::openai_messages(m, &openai_role(m));
    }
    vec![wire_message(m)]
}

fn openai_role(m: &Message) -> String {
    match m.role.as_str() {
        "model" => "assistant".into(),
        other => other.into(),
    }
}

/// Dotprompt message -> OpenAI message (`model` becomes `assistant`;
/// media parts become `image_url` content parts).
pub fn wire_message(m: &Message) -> Value {
    let role = openai_role(m);
    let has_media = m.content.iter().any(|p| matches!(p, Part::Media { .. }));
    if !has_media {
        return json!({"role": role, "content": m.plain_text()});
    }
    let parts: Vec<Value> = m
        .content
        .iter()
        .filter_map(|p| match p {
            Part::Text { text, .. } => Some(json!({"type": "text", "text": text})),
            Part::Media { media, .. } => {
                Some(json!({"type": "image_url", "image_url": {"url": media.url}}))
            }
            Part::ToolRequest { .. } | Part::ToolResponse { .. } | Part::Metadata { .. } => None,
        })
        .collect();
    json!({"role": role, "content": parts})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::GenParams;

    #[test]
    fn body_maps_roles_params_and_schema() {
        let p = OpenAi::new("http://127.0.0.1:1/v1/", None);
        let req = ChatRequest {
            model: "m".into(),
            messages: vec![Message::text("system", "s"), Message::text("model", "a")],
            params: GenParams {
                temperature: Some(0.5),
                max_tokens: Some(9),
                stop: vec!["END".into()],
                ..Default::default()
            },
            json_schema: Some(json!({"type": "object"})),
            ..Default::default()
        };
        let b = p.request_body(&req);
        assert_eq!(p.url(), "http://127.0.0.1:1/v1/chat/completions");
        assert_eq!(b["messages"][1]["role"], "assistant");
        assert_eq!(b["max_tokens"], 9);
        assert_eq!(b["stop"][0], "END");
        assert_eq!(b["stream_options"]["include_usage"], true);
        assert_eq!(b["response_format"]["type"], "json_schema");
        let official = OpenAi::new(DEFAULT_BASE_URL, Some("k".into()));
        assert_eq!(official.request_body(&req)["max_completion_tokens"], 9);
    }

    #[test]
    fn accumulator_reads_usage_details_and_errors() {
        let mut acc = StreamAccumulator::default();
        acc.absorb(&json!({"choices":[{"delta":{"content":"Hi"},"finish_reason":null}]}))
            .unwrap();
        acc.absorb(&json!({"choices":[{"delta":{},"finish_reason":"length"}]}))
            .unwrap();
        acc.absorb(
            &json!({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,
            "prompt_tokens_details":{"cached_tokens":3},
            "completion_tokens_details":{"reasoning_tokens":1}}}),
        )
        .unwrap();
        assert_eq!(acc.text, "Hi");
        assert_eq!(acc.finish_reason, Some(FinishReason::Length));
        assert_eq!(acc.usage.cached_input_tokens, Some(3));
        assert_eq!(acc.usage.reasoning_tokens, Some(1));
        assert!(acc.absorb(&json!({"error":{"message":"boom"}})).is_err());
    }
}
