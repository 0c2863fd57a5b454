//! Ollama's native `/api/chat`, streamed as newline-delimited JSON: one
//! object per line with a piece of the message, the last (`done: true`)
//! carrying the finish reason and token counts. No key.

use super::http::{client, clip, send_traced, traced_bytes};
use super::tool_wire;
use super::types::ParamNames;
use super::types::text_with_media_notes;
use super::{
    BoxFuture, ChatRequest, Completion, Endpoint, EventSink, FinishReason, KeyStatus, Provider,
    ProviderError, StreamEvent, Trace, Usage,
};
use crate::types::{ProviderKind, ToolCall};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub const DEFAULT_HOST: &str = "http://127.0.0.1:11434";

pub struct Ollama {
    host: String,
}

impl Ollama {
    pub fn new(host: impl Into<String>) -> Self {
        Ollama {
            host: host.into().trim_end_matches('/').to_string(),
        }
    }

    pub fn from_endpoint(ep: &Endpoint) -> Self {
        Ollama::new(Self::host_for(ep))
    }

    /// The entry's `base_url`, else `OLLAMA_HOST`, else the local default.
    pub fn host_for(ep: &Endpoint) -> String {
        normalize_host(&ep.base_url_or("OLLAMA_HOST", DEFAULT_HOST))
    }

    pub fn url(&self) -> String {
        format!("{}/api/chat", self.host)
    }

    async fn run(
        &self,
        req: &ChatRequest,
        sink: EventSink<'_>,
        trace: &mut Trace,
    ) -> Result<Completion, ProviderError> {
        let url = self.url();
        let started = Instant::now();
        let builder = client().post(&url).json(&request_body(req));
        let resp = send_traced(builder, &url, None, trace).await?;
        let mut acc = ChatStream::default();
        let mut on_line = |line: &[u8]| -> Result<(), ProviderError> {
            let line = String::from_utf8_lossy(line);
            let line = line.trim();
            if line.is_empty() {
                return Ok(());
            }
            let chunk: Value = serde_json::from_str(line).map_err(|e| {
                ProviderError::Protocol(format!("line is not JSON ({e}): {}", clip(line)))
            })?;
            for ev in acc.absorb(&chunk)? {
                if matches!(ev, StreamEvent::Text(_)) && acc.first_token.is_none() {
                    acc.first_token = Some(started.elapsed());
                }
                sink(ev);
            }
            Ok(())
        };
        // A line may be split across network chunks: keep the tail until
        // its newline arrives.
        let mut pending: Vec<u8> = Vec::new();
        let mut bytes = traced_bytes(resp, trace);
        while let Some(chunk) = bytes.next().await {
            let chunk = chunk.map_err(|e| ProviderError::Stream(e.to_string()))?;
            pending.extend_from_slice(&chunk);
            while let Some(pos) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=pos).collect();
                on_line(&line)?;
            }
        }
        on_line(&pending)?;
        if !acc.done {
            return Err(ProviderError::Stream(
                "connection closed before the answer finished (no done line)".into(),
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

impl Provider for Ollama {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Ollama
    }
    fn base_url(&self) -> String {
        self.host.clone()
    }
    fn key_status(&self) -> KeyStatus {
        KeyStatus::NotNeeded
    }
    fn request_body(&self, request: &ChatRequest) -> Value {
        request_body(request)
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

/// `127.0.0.1:11434` -> `http://127.0.0.1:11434`; a host without scheme
/// and port gets Ollama's port, as the `ollama` CLI does.
pub fn normalize_host(host: &str) -> String {
    let host = host.trim().trim_end_matches('/');
    if host.contains("://") {
        return host.to_string();
    }
    let authority = host.split('/').next().unwrap_or(host);
    let has_port = match authority.rsplit_once(']') {
        Some((_, after)) => after.starts_with(':'),
        None => authority.contains(':'),
    };
    if has_port {
        format!("http://{host}")
    } else {
        let rest = &host[authority.len()..];
        format!("http://{authority}:11434{rest}")
    }
}

/// The JSON body sent for a request (also shown by the inspector): roles
/// system/user/assistant, `options` for the parameters, `format` for a
/// JSON Schema; media parts become a "[media not sent: ...]" note.
pub fn request_body(req: &ChatRequest) -> Value {
    let messages: Vec<Value> = req
        .messages
        .iter()
        .flat_map(|m| {
            let role = match m.role.as_str() {
                "model" => "assistant",
                "system" => "system",
                _ => "user",
            };
            if tool_wire::has_tool_parts(m) {
                return tool_wire::ollama_messages(m, role);
            }
            vec![json!({"role": role, "content": text_with_media_notes(m)})]
        })
        .collect();
    let mut body = json!({"model": req.model, "messages": messages, "stream": true});
    let p = &req.params;
    let options = p.to_wire(&ParamNames {
        temperature: "temperature",
        top_p: "top_p",
        top_k: Some("top_k"),
        max_tokens: "num_predict",
        stop: "stop",
        seed: Some("seed"),
    });
    if !options.is_empty() {
        body["options"] = Value::Object(options);
    }
    if let Some(schema) = &req.json_schema {
        body["format"] = schema.clone();
    }
    // Ollama has no tool choice; `req.tool_choice` is not sent.
    if !req.tools.is_empty() {
        body["tools"] = tool_wire::ollama_tools(&req.tools);
    }
    body
}

/// Folds `/api/chat` stream lines into text, thinking, usage and the
/// finish reason.
#[derive(Default)]
pub struct ChatStream {
    pub text: String,
    pub thinking: String,
    pub usage: Usage,
    pub finish_reason: Option<FinishReason>,
    pub first_token: Option<Duration>,
    /// Time spent reading the prompt and generating, as Ollama measured it.
    pub prompt_eval_duration: Option<Duration>,
    pub eval_duration: Option<Duration>,
    /// The `done: true` line arrived.
    pub done: bool,
    /// `message.tool_calls` (each call arrives whole, arguments an object).
    pub tool_calls: Vec<ToolCall>,
}

impl ChatStream {
    pub fn absorb(&mut self, line: &Value) -> Result<Vec<StreamEvent>, ProviderError> {
        if let Some(err) = line.get("error") {
            let message = err
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| err.to_string());
            return Err(ProviderError::Api {
                kind: "error".into(),
                message,
            });
        }
        let mut out = Vec::new();
        let piece = |key: &str| {
            line.pointer(&format!("/message/{key}"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(t) = piece("thinking") {
            self.thinking.push_str(&t);
            out.push(StreamEvent::Thinking(t));
        }
        if let Some(t) = piece("content") {
            self.text.push_str(&t);
            out.push(StreamEvent::Text(t));
        }
        let calls = line
            .pointer("/message/tool_calls")
            .and_then(Value::as_array);
        for c in calls.into_iter().flatten() {
            let name = c.pointer("/function/name").and_then(Value::as_str);
            let call = match c.pointer("/function/arguments") {
                // Some servers send the arguments as a JSON string.
                Some(Value::String(text)) => {
                    ToolCall::from_text(None, name.unwrap_or(""), text.clone())
                }
                Some(args) => ToolCall::from_value(None, name.unwrap_or(""), args.clone()),
                None => ToolCall::from_value(None, name.unwrap_or(""), json!({})),
            };
            self.tool_calls.push(call.clone());
            out.push(StreamEvent::ToolCall(call));
        }
        if line.get("done").and_then(Value::as_bool) == Some(true) {
            self.done = true;
            let n = |key: &str| line.get(key).and_then(Value::as_u64);
            self.usage = Usage {
                input_tokens: n("prompt_eval_count"),
                output_tokens: n("eval_count"),
                ..Usage::default()
            };
            self.prompt_eval_duration = n("prompt_eval_duration").map(Duration::from_nanos);
            self.eval_duration = n("eval_duration").map(Duration::from_nanos);
            self.finish_reason = Some(match line.get("done_reason").and_then(Value::as_str) {
                // Ollama says `stop` after tool calls too.
                Some("stop") | None if !self.tool_calls.is_empty() => FinishReason::ToolCalls,
                Some("stop") | None => FinishReason::Stop,
                Some("length") => FinishReason::Length,
                Some(other) => FinishReason::Other(other.to_string()),
            });
            out.push(StreamEvent::Usage(self.usage));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_gets_a_scheme_and_port_when_missing() {
        assert_eq!(normalize_host("127.0.0.1:11434"), "http://127.0.0.1:11434");
        assert_eq!(normalize_host("example.com"), "http://example.com:11434");
        assert_eq!(normalize_host("[::1]"), "http://[::1]:11434");
        assert_eq!(normalize_host("https://h.example/"), "https://h.example");
    }
}
