//! What the `context:` policies cut: whole history turns oldest first
//! (system and the last user turn stay), or a variable's tail.

use super::*;
use crate::types::GenParams;
use serde_json::json;

fn history(role: &str, text: &str) -> Message {
    let mut m = Message::text(role, text);
    m.metadata = Some(json!({"purpose": "history"}));
    m
}

fn request(messages: Vec<Message>, max_tokens: Option<u32>) -> ChatRequest {
    ChatRequest {
        model: "m".into(),
        messages,
        params: GenParams {
            max_tokens,
            ..Default::default()
        },
        json_schema: None,
        tools: Vec::new(),
        tool_choice: None,
    }
}

fn texts(r: &ChatRequest) -> Vec<String> {
    r.messages
        .iter()
        .map(|m| format!("{}: {}", m.role, m.plain_text()))
        .collect()
}

const C: Counting = Counting::Exact("o200k_base");

fn conversation() -> Vec<Message> {
    let long = "word ".repeat(100);
    vec![
        Message::text("system", "You are a support agent."),
        history("user", &format!("first question {long}")),
        history("model", &format!("first answer {long}")),
        history("user", &format!("second question {long}")),
        history("model", &format!("second answer {long}")),
        history("user", "third question"),
        history("model", "third answer"),
        Message::text("user", "What now?"),
    ]
}

#[test]
fn trim_history_drops_the_oldest_whole_turns_until_it_fits() {
    let policy = ContextPolicy {
        fit: Fit::TrimHistory,
        reserve: None,
    };
    let mut r = request(conversation(), Some(50));
    let before = C.request(&r);
    // Room for all but about one long turn (each ~210 tokens) and the reserve.
    let window = before - 150 + 50;
    let cut = fit(&mut r, &policy, window, C, &Map::new()).expect("cut");
    assert_eq!(
        texts(&r)[..2],
        [
            "system: You are a support agent.".to_string(),
            format!("user: second question {}", "word ".repeat(100)),
        ]
    );
    assert_eq!(r.messages.len(), 6);
    assert_eq!(r.messages.last().unwrap().plain_text(), "What now?");
    assert_eq!(cut.what, "dropped the 1 oldest history turn (2 messages)");
    assert_eq!(cut.tokens_before, before);
    assert_eq!(cut.tokens_after, C.request(&r));
    assert_eq!(cut.limit, window - 50, "max_tokens is the default reserve");
    assert!(cut.fits());
    assert!(cut.describe().starts_with("context: dropped the 1 oldest"));
}

#[test]
fn trim_history_keeps_system_and_the_last_user_turn_even_when_still_over() {
    let policy = ContextPolicy {
        fit: Fit::TrimHistory,
        reserve: Some(0),
    };
    let mut r = request(conversation(), Some(10_000));
    let cut = fit(&mut r, &policy, 10, C, &Map::new()).expect("cut");
    assert_eq!(
        texts(&r),
        ["system: You are a support agent.", "user: What now?"],
        "reserve 0 overrides max_tokens; everything droppable went"
    );
    assert_eq!(cut.what, "dropped the 3 oldest history turns (6 messages)");
    assert!(!cut.fits());
    assert!(cut.describe().ends_with("still over the window"));
}

#[test]
fn a_request_that_fits_is_left_alone() {
    let policy = ContextPolicy {
        fit: Fit::TrimHistory,
        reserve: None,
    };
    let mut r = request(conversation(), None);
    let same = r.clone();
    assert_eq!(fit(&mut r, &policy, 128_000, C, &Map::new()), None);
    assert_eq!(r, same);
}

#[test]
fn truncate_keeps_the_start_of_the_variable_with_a_marker() {
    let document = (1..=400)
        .map(|i| format!("line {i}."))
        .collect::<Vec<_>>()
        .join(" ");
    let values = Map::from_iter([("document".to_string(), json!(document.clone()))]);
    let mut r = request(
        vec![
            Message::text("system", "Summarize documents."),
            Message::text("user", format!("Document:\n{document}\nSummarize it.")),
        ],
        None,
    );
    let before = C.request(&r);
    let policy = ContextPolicy {
        fit: Fit::Truncate {
            var: "document".into(),
        },
        reserve: Some(100),
    };
    let window = before - 500 + 100;
    let cut = fit(&mut r, &policy, window, C, &values).expect("cut");
    assert!(cut.fits(), "{cut:?}");
    assert!(
        cut.tokens_after + 20 >= cut.limit,
        "not much more than needed: {cut:?}"
    );
    let user = r.messages[1].plain_text();
    assert!(
        user.starts_with("Document:\nline 1. line 2. line 3."),
        "{user}"
    );
    assert!(user.ends_with("tokens cut to fit the context window]\nSummarize it."));
    assert!(!user.contains("line 400."));
    let n = estimate_tokens(&document);
    assert!(
        cut.what.starts_with("truncated `document` ("),
        "{}",
        cut.what
    );
    assert!(
        cut.what.ends_with(&format!(" of {n} tokens cut)")),
        "{}",
        cut.what
    );
    assert_eq!(r.messages[0].plain_text(), "Summarize documents.");
}

#[test]
fn truncate_says_so_when_the_value_is_not_there() {
    let policy = ContextPolicy {
        fit: Fit::Truncate { var: "doc".into() },
        reserve: Some(0),
    };
    let mut r = request(vec![Message::text("user", "a b c d e f g")], None);
    let cut = fit(&mut r, &policy, 3, C, &Map::new()).expect("over");
    assert_eq!(cut.what, "`doc` is not set: nothing to truncate");
    assert!(!cut.fits());
}

#[test]
fn the_byte_bound_is_never_below_the_count() {
    let mut msgs = conversation();
    msgs.push(Message::text(
        "user",
        "日本語のテキスト, emoji 🎉, code `x += 1`",
    ));
    let r = request(msgs, None);
    for c in [C, Counting::Exact("cl100k_base"), Counting::Estimate] {
        assert!(bytes_bound(&r, c).unwrap() >= c.request(&r), "{c:?}");
    }
}
