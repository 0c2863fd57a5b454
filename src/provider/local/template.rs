//! The chat template: turns Dotprompt messages into the one prompt string
//! the model was trained on. Reads the GGUF's `tokenizer.chat_template` and
//! renders ChatML (`<|im_start|>role\n...<|im_end|>\n`), as SmolLM2 does.

use crate::types::Message;

/// SmolLM2's template inserts this system turn when none is given.
pub const SMOLLM2_DEFAULT_SYSTEM: &str =
    "You are a helpful AI assistant named SmolLM, trained by Hugging Face";

#[derive(Debug, Clone, PartialEq)]
pub struct ChatTemplate {
    /// The system turn added when the messages start without one.
    pub default_system: Option<String>,
}

impl ChatTemplate {
    /// The template a GGUF declares. ChatML templates are recognised by
    /// `<|im_start|>`; their default system message is lifted out of the
    /// Jinja source. Without a template, plain ChatML with no default.
    pub fn from_jinja(source: Option<&str>) -> Result<Self, String> {
        let Some(src) = source else {
            return Ok(ChatTemplate {
                default_system: None,
            });
        };
        if !src.contains("<|im_start|>") {
            return Err(
                "its chat template is not ChatML (<|im_start|>); only ChatML models are supported"
                    .into(),
            );
        }
        Ok(ChatTemplate {
            default_system: default_system_of(src),
        })
    }

    /// The prompt for `messages`, ending with the opened assistant turn.
    /// Dotprompt's `model` role is ChatML's `assistant`.
    pub fn render(&self, messages: &[Message]) -> String {
        let mut out = String::new();
        let starts_with_system = messages.first().is_some_and(|m| m.role == "system");
        if !starts_with_system && let Some(system) = &self.default_system {
            push_turn(&mut out, "system", system);
        }
        for m in messages {
            let role = match m.role.as_str() {
                "model" => "assistant",
                other => other,
            };
            push_turn(&mut out, role, &m.plain_text());
        }
        out.push_str("<|im_start|>assistant\n");
        out
    }
}

fn push_turn(out: &mut String, role: &str, text: &str) {
    out.push_str("<|im_start|>");
    out.push_str(role);
    out.push('\n');
    out.push_str(text);
    out.push_str("<|im_end|>\n");
}

/// The text between `<|im_start|>system` + newline and `<|im_end|>` in a
/// template source (the newline may be a real one or a Jinja `\n`).
fn default_system_of(src: &str) -> Option<String> {
    let start = src.find("<|im_start|>system")? + "<|im_start|>system".len();
    let rest = &src[start..];
    let rest = rest
        .strip_prefix("\\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let end = rest.find("<|im_end|>")?;
    let text = &rest[..end];
    // A Jinja expression here (e.g. `message['content']`) is no default.
    if text.is_empty() || text.contains('{') || text.contains('\'') && text.contains('+') {
        return None;
    }
    Some(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMOLLM2: &str = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    #[test]
    fn smollm2_default_system_is_lifted_from_the_template() {
        let t = ChatTemplate::from_jinja(Some(SMOLLM2)).unwrap();
        assert_eq!(t.default_system.as_deref(), Some(SMOLLM2_DEFAULT_SYSTEM));
    }

    #[test]
    fn renders_chatml_with_few_shot_turns() {
        let t = ChatTemplate::from_jinja(Some(SMOLLM2)).unwrap();
        let msgs = vec![
            Message::text("user", "2+2?"),
            Message::text("model", "4"),
            Message::text("user", "3+3?"),
        ];
        assert_eq!(
            t.render(&msgs),
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n\
             <|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>\n\
             <|im_start|>user\n3+3?<|im_end|>\n<|im_start|>assistant\n"
        );
        let own = vec![
            Message::text("system", "Be terse."),
            Message::text("user", "hi"),
        ];
        assert_eq!(
            t.render(&own),
            "<|im_start|>system\nBe terse.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
        );
    }

    #[test]
    fn non_chatml_templates_are_refused() {
        assert!(ChatTemplate::from_jinja(Some("{{ bos_token }}[INST]")).is_err());
        assert_eq!(ChatTemplate::from_jinja(None).unwrap().default_system, None);
    }
}
