//! The `context:` policy end to end: `pwb run` sends the request cut to
//! the model's window and says what it cut (stderr, and `context` in
//! `--json`), `pwb render` notes it and prints the prompt whole, and
//! `pwb check` points at a bad policy with a hint.

mod support;

use std::path::Path;
use std::time::Duration;
use support::cli::pwb;
use support::mock_llm::{MockServer, Reply, openai_stream};
use support::tui::write_files;

/// `openai:fast` at `base` with a 150-token window; a chat prompt that
/// trims history, and a history of four long turns.
fn workspace(dir: &Path, base: &str, policy: &str) {
    let long = "word ".repeat(40);
    let history = (1..=4)
        .map(|i| {
            format!(
                "- role: user\n  content: question {i} {long}\n- role: assistant\n  content: answer {i} {long}\n"
            )
        })
        .collect::<String>();
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                &format!(
                    "[[models]]\nid = \"openai:fast\"\nselected = true\nbase_url = \"{base}\"\n\n\
                     [history]\nenabled = false\n\n\
                     [pricing.\"openai:fast\"]\ninput = 1.0\noutput = 1.0\ncontext = 150\n"
                ),
            ),
            (
                "prompts/chat.prompt",
                &format!(
                    "---\nconfig:\n  maxOutputTokens: 20\n{policy}---\n\
                     {{{{role \"system\"}}}}Be terse.\n{{{{history}}}}\n{{{{role \"user\"}}}}What now?"
                ),
            ),
            ("chat.yaml", &history),
        ],
    );
}

#[test]
fn run_drops_the_oldest_turns_to_fit_and_says_so() {
    let server = MockServer::start(|_| Reply::sse(openai_stream(&["Done."], 90, Duration::ZERO)));
    let dir = tempfile::tempdir().unwrap();
    workspace(
        dir.path(),
        &server.base_v1(),
        "context: {fit: trim-history}\n",
    );
    let (code, out, err) = pwb(
        dir.path(),
        &["run", "chat", "--history", "chat.yaml", "--json"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("openai:fast: context: dropped the 3 oldest history turns (6 messages) ("),
        "{err}"
    );
    assert!(!err.contains("over its"), "it fits now: {err}");
    let body = server.requests()[0].json();
    let contents: Vec<&str> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents.len(), 4, "{contents:?}");
    assert_eq!(contents[0], "Be terse.\n");
    assert!(contents[1].starts_with("question 4 "), "{contents:?}");
    assert!(contents[2].starts_with("answer 4 "), "{contents:?}");
    assert_eq!(contents[3], "What now?");
    let line: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let cut = &line["context"];
    assert_eq!(
        cut["what"],
        "dropped the 3 oldest history turns (6 messages)"
    );
    assert_eq!(cut["limit"], 130, "the window less max tokens");
    assert!(cut["tokens_after"].as_u64().unwrap() <= 130, "{cut}");
    assert!(cut["tokens_before"].as_u64().unwrap() > 130, "{cut}");

    // Without the policy the whole history is sent, with a warning.
    workspace(dir.path(), &server.base_v1(), "");
    let (code, out, err) = pwb(
        dir.path(),
        &["run", "chat", "--history", "chat.yaml", "--json"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("over its 150-token context window"), "{err}");
    assert_eq!(
        server.requests()[1].json()["messages"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    let line: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert!(line.get("context").is_none(), "{line}");
}

#[test]
fn render_notes_the_cut_and_prints_the_prompt_whole() {
    let dir = tempfile::tempdir().unwrap();
    workspace(
        dir.path(),
        "http://127.0.0.1:9/v1",
        "context: {fit: trim-history, reserve: 50}\n",
    );
    let (code, out, err) = pwb(dir.path(), &["render", "chat", "--history", "chat.yaml"]);
    assert_eq!(code, 0, "{err}");
    // Each turn is about 90 tokens: all four go to get under 100.
    assert!(
        err.contains(
            "note: openai:fast: context: dropped the 4 oldest history turns (8 messages) ("
        ) && err.contains(" tokens, limit 100) (pwb run sends it cut; printed here whole)"),
        "{err}"
    );
    let rendered: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rendered["messages"].as_array().unwrap().len(), 10, "whole");
}

#[test]
fn check_points_at_a_bad_policy_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    workspace(
        dir.path(),
        "http://127.0.0.1:9/v1",
        "context:\n  fit: truncate\n  var: documnet\n",
    );
    let (code, out, _) = pwb(dir.path(), &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("prompts/chat.prompt:6:8: error: `context.var` `documnet` is not a variable of this prompt"),
        "{out}"
    );
    assert!(out.contains("hint: the prompt reads no variables"), "{out}");
    write_files(
        dir.path(),
        &[(
            "prompts/chat.prompt",
            "---\ncontext: {fit: trim-histroy}\n---\nHi {{name}}",
        )],
    );
    let (code, out, _) = pwb(dir.path(), &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("prompts/chat.prompt:2:16: error: unknown `context.fit` `trim-histroy`"),
        "{out}"
    );
    assert!(out.contains("hint: did you mean `trim-history`?"), "{out}");
    // Faces that render anyway warn, and do not apply it.
    let (code, _, err) = pwb(dir.path(), &["render", "chat", "--var", "name=Ada"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            ":2:16: unknown `context.fit` `trim-histroy` (the context policy is not applied)"
        ),
        "{err}"
    );
}

#[test]
fn eval_says_which_requests_were_cut_per_cell_and_counts_them() {
    let server = MockServer::start(|_| Reply::sse(openai_stream(&["Done."], 90, Duration::ZERO)));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1(), "");
    let long = "word ".repeat(300);
    write_files(
        dir.path(),
        &[
            (
                "prompts/sum.prompt",
                "---\nconfig:\n  maxOutputTokens: 20\ncontext: {fit: truncate, var: document}\n---\n\
                 {{role \"user\"}}Summarize: {{document}}",
            ),
            (
                "tests/sum.yaml",
                &format!(
                    "prompt: sum\ntests:\n  - description: long\n    vars: {{document: \"{long}\"}}\n    \
                     assert: [{{type: contains, value: Done}}]\n  - description: short\n    \
                     vars: {{document: a few words}}\n    assert: [{{type: contains, value: Done}}]\n"
                ),
            ),
        ],
    );
    let (code, out, err) = pwb(dir.path(), &["eval", "--no-cache", "-o", "r.json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("\n1 request trimmed to fit the window\n"),
        "{out}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let results = report["results"].as_array().unwrap();
    let of = |d: &str| {
        results
            .iter()
            .find(|r| r["description"] == d)
            .unwrap_or_else(|| panic!("{d} in {report}"))["context"]
            .clone()
    };
    let cut = of("long");
    assert!(
        cut["what"]
            .as_str()
            .unwrap()
            .starts_with("truncated `document`"),
        "{cut}"
    );
    assert!(cut["tokens_after"].as_u64().unwrap() <= cut["limit"].as_u64().unwrap());
    assert!(cut["tokens_before"].as_u64().unwrap() > cut["limit"].as_u64().unwrap());
    assert_eq!(of("short"), serde_json::Value::Null);
    // What was sent is what was cut.
    let sent: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            r.json()["messages"][0]["content"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        sent.iter()
            .any(|m| m.contains("tokens cut to fit the context window]")),
        "{sent:?}"
    );
}
