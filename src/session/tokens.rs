//! Where a request's input tokens go: the rendered messages split into
//! the prompt's own text (system and other turns), each few-shot example,
//! each variable's value where it appears, history turns, and the tool
//! definitions (as JSON). Counted with o200k_base (an estimate for models
//! that tokenize otherwise); the parts add up to the total of the
//! messages' text and the tools.

use crate::prompt::RenderedPrompt;
use crate::prompt::helpers::stringify;
use crate::prompt::tokens::estimate_tokens;
use serde_json::{Map, Value};

/// One part of the request and its tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenPart {
    /// `system prompt`, `prompt text`, `example: NAME`, `variable: NAME`,
    /// `history`, `tools`.
    pub label: String,
    pub tokens: usize,
}

/// The parts of `rendered` (rendered with `vars`), largest first after
/// the prompt's own text; parts of zero tokens are left out.
pub fn breakdown(rendered: &RenderedPrompt, vars: &Map<String, Value>) -> Vec<TokenPart> {
    let mut system = 0usize;
    let mut text = 0usize;
    let mut history = 0usize;
    let mut examples: Vec<TokenPart> = Vec::new();
    let mut var_tokens: Vec<TokenPart> = vars
        .keys()
        .map(|k| TokenPart {
            label: format!("variable: {k}"),
            tokens: 0,
        })
        .collect();
    for m in &rendered.messages {
        let body = m.plain_text();
        let whole = estimate_tokens(&body);
        let meta = m.metadata.as_ref();
        let purpose = meta.and_then(|v| v.get("purpose")).and_then(Value::as_str);
        match purpose {
            Some("example") => {
                let name = meta
                    .and_then(|v| v.get("example"))
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                let label = format!("example: {name}");
                match examples.iter_mut().find(|p| p.label == label) {
                    Some(p) => p.tokens += whole,
                    None => examples.push(TokenPart {
                        label,
                        tokens: whole,
                    }),
                }
                continue;
            }
            Some("history") => {
                history += whole;
                continue;
            }
            _ => {}
        }
        // A variable's share: its value's tokens each time it appears.
        let mut in_vars = 0usize;
        for (part, value) in var_tokens.iter_mut().zip(vars.values()) {
            let shown = match value {
                Value::String(s) => s.clone(),
                other => stringify(other, "  "),
            };
            if shown.is_empty() {
                continue;
            }
            let n = appearances(&body, &shown);
            if n > 0 {
                let t = estimate_tokens(&shown) * n;
                part.tokens += t;
                in_vars += t;
            }
        }
        let own = whole.saturating_sub(in_vars);
        if m.role == "system" {
            system += own;
        } else {
            text += own;
        }
    }
    let mut out = vec![
        TokenPart {
            label: "system prompt".into(),
            tokens: system,
        },
        TokenPart {
            label: "prompt text".into(),
            tokens: text,
        },
    ];
    let mut rest: Vec<TokenPart> = examples.into_iter().chain(var_tokens).collect();
    rest.push(TokenPart {
        label: "history".into(),
        tokens: history,
    });
    let tools = rendered.tool_defs();
    if !tools.is_empty() {
        rest.push(TokenPart {
            label: "tools".into(),
            tokens: estimate_tokens(&serde_json::to_string(&tools).unwrap_or_default()),
        });
    }
    rest.sort_by_key(|p| std::cmp::Reverse(p.tokens));
    out.extend(rest);
    out.retain(|p| p.tokens > 0);
    out
}

/// How often `value` appears in `body` not inside a longer word (`pro`
/// in `professional` is not the variable).
fn appearances(body: &str, value: &str) -> usize {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    body.match_indices(value)
        .filter(|(i, _)| {
            let before = body[..*i].chars().next_back();
            let after = body[i + value.len()..].chars().next();
            let starts_word = value.chars().next().is_some_and(char::is_alphanumeric);
            let ends_word = value.chars().next_back().is_some_and(char::is_alphanumeric);
            !((starts_word && word(before)) || (ends_word && word(after)))
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Message;
    use serde_json::json;

    #[test]
    fn parts_add_up_and_name_examples_and_variables() {
        let mut example = Message::text("user", "My card was charged twice.");
        example.metadata = Some(json!({"purpose": "example", "example": "double charge"}));
        let rendered = RenderedPrompt {
            messages: vec![
                Message::text("system", "You triage support tickets."),
                example,
                Message::text("user", "Ticket: the app crashes on start"),
            ],
            ..Default::default()
        };
        let vars = Map::from_iter([("ticket".to_string(), json!("the app crashes on start"))]);
        let parts = breakdown(&rendered, &vars);
        let get = |l: &str| parts.iter().find(|p| p.label == l).map(|p| p.tokens);
        assert_eq!(
            get("system prompt"),
            Some(estimate_tokens("You triage support tickets."))
        );
        assert_eq!(
            get("example: double charge"),
            Some(estimate_tokens("My card was charged twice."))
        );
        assert_eq!(
            get("variable: ticket"),
            Some(estimate_tokens("the app crashes on start"))
        );
        let total: usize = parts.iter().map(|p| p.tokens).sum();
        let whole: usize = rendered
            .messages
            .iter()
            .map(|m| estimate_tokens(&m.plain_text()))
            .sum();
        // Token boundaries may move by one where a value meets the text.
        assert!(total.abs_diff(whole) <= 1, "{total} vs {whole}: {parts:?}");
    }

    #[test]
    fn a_value_inside_a_longer_word_is_not_the_variable() {
        assert_eq!(appearances("pro tier, a professional", "pro"), 1);
        assert_eq!(appearances("(pro)", "pro"), 1);
        assert_eq!(appearances("a + b", "+"), 1);
    }
}
