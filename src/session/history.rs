//! Earlier turns of a conversation read from a file (`--history FILE`):
//! a JSON or YAML list of `{role, content}`, role `user`, `model` (or
//! `assistant`, OpenAI's word for it) or `system`, content a string or a
//! list of Dotprompt parts (`{text: ...}`). The session hands them to the
//! renderer, which places them where Dotprompt places history: at
//! `{{history}}`, else before the last user message.

use crate::types::{Message, Part};
use serde_json::Value;
use std::path::Path;

/// Reads the turns in `path` (shown in errors as `shown`).
pub fn read_history(path: &Path, shown: &Path) -> Result<Vec<Message>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", shown.display()))?;
    parse_history(&text).map_err(|e| format!("{}: {e}", shown.display()))
}

/// The turns of a JSON or YAML document.
pub fn parse_history(text: &str) -> Result<Vec<Message>, String> {
    // The error names its line and column.
    let doc: Value = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    let Value::Array(turns) = doc else {
        return Err("expected a list of turns: - {role: user, content: ...}".into());
    };
    turns
        .iter()
        .enumerate()
        .map(|(i, t)| turn(t).map_err(|e| format!("turn {}: {e}", i + 1)))
        .collect()
}

fn turn(t: &Value) -> Result<Message, String> {
    let role = t
        .get("role")
        .and_then(Value::as_str)
        .ok_or("no `role` (user, model, assistant or system)")?;
    let role = match role {
        "user" | "model" | "system" => role,
        "assistant" => "model",
        other => {
            return Err(format!(
                "role `{other}` is not one of user, model, assistant, system"
            ));
        }
    };
    let content = match t.get("content") {
        Some(Value::String(s)) => vec![Part::Text {
            text: s.clone(),
            metadata: None,
        }],
        Some(Value::Array(parts)) => parts
            .iter()
            .map(|p| serde_json::from_value::<Part>(p.clone()).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?,
        _ => return Err("`content` must be text or a list of parts".into()),
    };
    Ok(Message {
        role: role.to_string(),
        content,
        metadata: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_turns_and_maps_assistant_to_model() {
        let turns =
            parse_history("- role: user\n  content: Hi\n- role: assistant\n  content: Hello!\n")
                .unwrap();
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[1].role, "model");
        assert_eq!(turns[1].plain_text(), "Hello!");
        let json = parse_history(r#"[{"role":"model","content":[{"text":"a"}]}]"#).unwrap();
        assert_eq!(json[0].plain_text(), "a");
    }

    #[test]
    fn bad_turns_say_which_and_why() {
        let e = parse_history("- role: bot\n  content: x\n").unwrap_err();
        assert_eq!(
            e,
            "turn 1: role `bot` is not one of user, model, assistant, system"
        );
        let e = parse_history("role: user").unwrap_err();
        assert!(e.starts_with("expected a list of turns"), "{e}");
        let e = parse_history("- role: user\n  content: [\n").unwrap_err();
        assert!(e.contains("line 3 column 1"), "{e}");
    }
}
