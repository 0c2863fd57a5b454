//! Rendered text -> messages, exactly like JS dotprompt's `toMessages`: split
//! at role/history markers, then each message's text at media/section
//! markers, then insert the conversation history if the template did not.

use super::yaml::js_trim;
use crate::types::{Media, Message, Part};
use regex::Regex;
use serde_json::{Value, json};
use std::sync::OnceLock;

const ROLE_PREFIX: &str = "<<<dotprompt:role:";
const HISTORY_PREFIX: &str = "<<<dotprompt:history";
const MEDIA_PREFIX: &str = "<<<dotprompt:media:";
const SECTION_PREFIX: &str = "<<<dotprompt:section";

fn role_history_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(<<<dotprompt:(?:role:[a-z]+|history))>>>").expect("role regex is valid")
    })
}

fn media_section_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(<<<dotprompt:(?:media:url|section).*?)>>>").expect("media regex is valid")
    })
}

/// JS `source.split(regex)` with one capture group (the captured marker
/// without `>>>` stays in the list), minus whitespace-only pieces.
fn split_keeping_markers<'a>(source: &'a str, re: &Regex) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut last = 0;
    for caps in re.captures_iter(source) {
        let (Some(whole), Some(marker)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        out.push(&source[last..whole.start()]);
        out.push(marker.as_str());
        last = whole.end();
    }
    out.push(&source[last..]);
    out.retain(|piece| !js_trim(piece).is_empty());
    out
}

enum Source {
    Text { role: String, source: String },
    History(Message),
}

/// Turns a rendered template into messages; `history` is the conversation
/// so far (`RenderData::messages`).
pub fn to_messages(rendered: &str, history: &[Message]) -> Vec<Message> {
    let mut sources = vec![Source::Text {
        role: "user".to_string(),
        source: String::new(),
    }];
    // Index of the message that text currently goes to.
    let mut current = 0;
    for piece in split_keeping_markers(rendered, role_history_re()) {
        if let Some(role) = piece.strip_prefix(ROLE_PREFIX) {
            match &mut sources[current] {
                Source::Text { source, .. } if !js_trim(source).is_empty() => {
                    sources.push(Source::Text {
                        role: role.to_string(),
                        source: String::new(),
                    });
                    current = sources.len() - 1;
                }
                Source::Text { role: r, .. } => *r = role.to_string(),
                Source::History(_) => {}
            }
        } else if piece.starts_with(HISTORY_PREFIX) {
            for m in history {
                let mut m = m.clone();
                let mut meta = match m.metadata.take() {
                    Some(Value::Object(map)) => map,
                    _ => serde_json::Map::new(),
                };
                meta.insert("purpose".into(), json!("history"));
                m.metadata = Some(Value::Object(meta));
                sources.push(Source::History(m));
            }
            sources.push(Source::Text {
                role: "model".to_string(),
                source: String::new(),
            });
            current = sources.len() - 1;
        } else if let Source::Text { source, .. } = &mut sources[current] {
            source.push_str(piece);
        }
    }
    let messages = sources
        .into_iter()
        .filter_map(|s| match s {
            Source::History(m) => Some(m),
            Source::Text { source, .. } if source.is_empty() => None,
            Source::Text { role, source } => Some(Message {
                role,
                content: to_parts(&source),
                metadata: None,
            }),
        })
        .collect();
    insert_history(messages, history)
}

fn to_parts(source: &str) -> Vec<Part> {
    split_keeping_markers(source, media_section_re())
        .into_iter()
        .map(|piece| {
            if piece.starts_with(MEDIA_PREFIX) {
                let mut words = piece.split(' ').skip(1);
                let url = words.next().unwrap_or_default().to_string();
                let content_type = words.next().filter(|c| !c.is_empty()).map(str::to_string);
                Part::Media {
                    media: Media { url, content_type },
                    metadata: None,
                }
            } else if piece.starts_with(SECTION_PREFIX) {
                let purpose = piece
                    .split(' ')
                    .nth(1)
                    .map(Value::from)
                    .unwrap_or(Value::Null);
                Part::Metadata {
                    metadata: json!({ "purpose": purpose, "pending": true }),
                }
            } else {
                Part::Text {
                    text: piece.to_string(),
                    metadata: None,
                }
            }
        })
        .collect()
}

/// Adds `history` when the template had no `{{history}}`: before the last
/// message if that is the user's, else at the end.
pub fn insert_history(mut messages: Vec<Message>, history: &[Message]) -> Vec<Message> {
    let has_history = messages.iter().any(|m| {
        m.metadata
            .as_ref()
            .and_then(|md| md.get("purpose"))
            .is_some_and(|p| p == "history")
    });
    if has_history || history.is_empty() {
        return messages;
    }
    if messages.last().is_some_and(|m| m.role == "user") {
        let last = messages.pop();
        messages.extend(history.iter().cloned());
        messages.extend(last);
    } else {
        messages.extend(history.iter().cloned());
    }
    messages
}
