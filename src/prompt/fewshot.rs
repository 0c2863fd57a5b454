//! Few-shot assembly: each example becomes a user turn and a model turn,
//! placed after the leading system message(s), before everything else.

use super::error::PromptError;
use super::example::Example;
use super::helpers::stringify;
use crate::types::{Message, Part};
use serde_json::{Map, Value, json};

/// Inserts `examples` as user/model pairs after the leading system
/// messages. `render_vars` renders the prompt with an example's variables
/// (for examples whose input is an object) and returns its messages.
pub fn splice_examples<F>(
    messages: Vec<Message>,
    examples: &[Example],
    mut render_vars: F,
) -> Result<Vec<Message>, PromptError>
where
    F: FnMut(&Map<String, Value>) -> Result<Vec<Message>, PromptError>,
{
    let mut turns = Vec::with_capacity(examples.len() * 2);
    for example in examples {
        let meta = Some(json!({ "purpose": "example", "example": example.name }));
        let content = match &example.input {
            Value::String(s) => vec![text_part(s.clone())],
            Value::Object(vars) => user_turn_content(&render_vars(vars)?),
            other => vec![text_part(stringify(other, "  "))],
        };
        turns.push(Message {
            role: "user".to_string(),
            content,
            metadata: meta.clone(),
        });
        turns.push(Message {
            role: "model".to_string(),
            content: vec![text_part(example.output_text())],
            metadata: meta,
        });
    }
    let at = messages.iter().take_while(|m| m.role == "system").count();
    let mut out = messages;
    out.splice(at..at, turns);
    Ok(out)
}

fn text_part(text: String) -> Part {
    Part::Text {
        text,
        metadata: None,
    }
}

/// The content of the last user message (section markers dropped); the
/// last message of any role if there is no user message.
fn user_turn_content(messages: &[Message]) -> Vec<Part> {
    let chosen = messages
        .iter()
        .rev()
        .find(|m| m.role == "user")
        .or(messages.last());
    chosen
        .map(|m| {
            m.content
                .iter()
                .filter(|p| !matches!(p, Part::Metadata { .. }))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}
