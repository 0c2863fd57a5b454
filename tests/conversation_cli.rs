//! A conversation saved as a test case (its turns in a `history` var, as
//! the TUI's add-as-test writes it) passes `pwb check`, and `pwb eval`
//! sends its turns after the rendered prompt, checking the next answer.

mod support;

use serde_json::Value;
use std::time::Duration;
use support::cli::pwb;
use support::mock_llm::{MockServer, Reply, openai_stream};
use support::tui::write_files;

const SUITE: &str = "tests:
  - vars:
      name: Ada
      history: |
        - role: model
          content: Hello Ada!
        - role: user
          content: Who are you?
    assert:
      - type: equals
        value: A model.
";

#[test]
fn a_saved_conversation_is_checked_and_evaluated_as_its_last_request() {
    let server =
        MockServer::start(|_| Reply::sse(openai_stream(&["A ", "model."], 20, Duration::ZERO)));
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "[[models]]\nid = \"openai:alpha\"\nselected = true\nbase_url = \"{}\"\n\n\
         [history]\nenabled = false\n",
        server.base_v1()
    );
    write_files(
        dir.path(),
        &[
            ("pwb.toml", toml.as_str()),
            (
                "prompts/greet.prompt",
                "{{role \"system\"}}Be brief.\n{{role \"user\"}}Hi, I am {{name}}.",
            ),
            ("tests/greet.yaml", SUITE),
        ],
    );
    let (code, out, err) = pwb(dir.path(), &["check"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = pwb(dir.path(), &["eval", "--no-cache"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("1 passed"), "{out}");
    let sent: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    assert_eq!(sent.len(), 1);
    let turns: Vec<String> = sent[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let text = m["content"].as_str().unwrap().trim();
            format!("{}: {text}", m["role"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        turns,
        [
            "system: Be brief.",
            "user: Hi, I am Ada.",
            "assistant: Hello Ada!",
            "user: Who are you?",
        ]
    );
}

#[test]
fn a_history_var_that_is_not_a_list_of_turns_is_an_error_of_its_case() {
    let server = MockServer::start(|_| Reply::sse(openai_stream(&["x"], 1, Duration::ZERO)));
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "[[models]]\nid = \"openai:alpha\"\nselected = true\nbase_url = \"{}\"\n\n\
         [history]\nenabled = false\n",
        server.base_v1()
    );
    write_files(
        dir.path(),
        &[
            ("pwb.toml", toml.as_str()),
            ("prompts/greet.prompt", "Hi, I am {{name}}."),
            (
                "tests/greet.yaml",
                "tests:\n  - vars:\n      name: Ada\n      history: \"- role: bot\\n  content: x\\n\"\n",
            ),
        ],
    );
    let (code, out, err) = pwb(dir.path(), &["eval", "--no-cache"]);
    assert_ne!(code, 0, "{out}\n{err}");
    let all = format!("{out}{err}");
    assert!(all.contains("history: turn 1: role `bot`"), "{all}");
    assert!(server.requests().is_empty(), "nothing is sent");
}
