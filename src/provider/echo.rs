//! promptfoo's `echo` provider: the answer is the prompt itself, with no
//! model and no network, so a suite's assertions can be tried offline.
//! A chat prompt of a promptfoo suite echoes its rendered text (kept in
//! the first message's metadata, `promptfoo_prompt`); one user message
//! echoes its text; other chats (a Dotprompt's system and user turns)
//! echo as JSON, two-space indented, as promptfoo echoes a JSON chat. Usage is zero and the
//! call stops at once, as promptfoo reports.

use super::{
    BoxFuture, ChatRequest, Completion, EventSink, FinishReason, KeyStatus, Provider,
    ProviderError, StreamEvent, Trace,
};
use crate::types::{Message, Part, ProviderKind};
use serde_json::{Value, json};
use std::time::Instant;

pub struct Echo;

/// The text `echo` answers for `messages`.
pub fn echo_text(messages: &[Message]) -> String {
    let only_text = |m: &Message| m.content.iter().all(|p| matches!(p, Part::Text { .. }));
    let kept = messages
        .first()
        .and_then(|m| m.metadata.as_ref())
        .and_then(|m| m.get("promptfoo_prompt"));
    if let Some(Value::String(text)) = kept {
        return text.clone();
    }
    match messages {
        [m] if m.role == "user" && only_text(m) => m.plain_text(),
        _ => {
            let list: Vec<Value> = messages
                .iter()
                .map(|m| {
                    let role = if m.role == "model" {
                        "assistant"
                    } else {
                        m.role.as_str()
                    };
                    json!({"role": role, "content": m.plain_text()})
                })
                .collect();
            serde_json::to_string_pretty(&list).unwrap_or_default()
        }
    }
}

impl Provider for Echo {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Echo
    }
    fn base_url(&self) -> String {
        String::new()
    }
    fn key_status(&self) -> KeyStatus {
        KeyStatus::NotNeeded
    }
    fn request_body(&self, request: &ChatRequest) -> Value {
        serde_json::to_value(request).unwrap_or_default()
    }
    fn send<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: EventSink<'a>,
        trace: &'a mut Trace,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(async move {
            let started = Instant::now();
            let text = echo_text(&request.messages);
            trace.method = "ECHO".into();
            trace.request_body =
                serde_json::to_string_pretty(&self.request_body(request)).unwrap_or_default();
            trace.raw = text.clone();
            sink(StreamEvent::Text(text.clone()));
            let elapsed = started.elapsed();
            Ok(Completion {
                text,
                finish_reason: Some(FinishReason::Stop),
                time_to_first_token: Some(elapsed),
                total_time: elapsed,
                ..Completion::default()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_one_user_message_as_text_and_a_chat_as_json() {
        assert_eq!(
            echo_text(&[Message::text("user", "Hi {{x}}\n")]),
            "Hi {{x}}\n"
        );
        let mut kept = Message::text("user", "hi");
        kept.metadata = Some(json!({"promptfoo_prompt": "- role: user\n  content: hi"}));
        assert_eq!(echo_text(&[kept]), "- role: user\n  content: hi");
        let chat = [
            Message::text("system", "Be brief."),
            Message::text("model", "OK"),
        ];
        // promptfoo echoes a JSON chat prompt as JSON.stringify(v, null, 2).
        assert_eq!(
            echo_text(&chat),
            "[\n  {\n    \"role\": \"system\",\n    \"content\": \"Be brief.\"\n  },\n  {\n    \"role\": \"assistant\",\n    \"content\": \"OK\"\n  }\n]"
        );
    }
}
