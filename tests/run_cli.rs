//! `pwb run` end to end: the real binary renders a prompt and streams it
//! to models on a scripted OpenAI-compatible server on 127.0.0.1.

mod support;

use std::path::Path;
use std::time::Duration;
use support::cli::pwb;
use support::mock_llm::{MockServer, Reply, by_model, openai_stream};

fn workspace(dir: &Path, base: &str) {
    std::fs::create_dir_all(dir.join("prompts")).unwrap();
    std::fs::write(
        dir.join("pwb.toml"),
        format!(
            "[[models]]\nid = \"openai:fast\"\nselected = true\nbase_url = \"{base}\"\ntemperature = 0.4\n\n\
             [[models]]\nid = \"openai:gone\"\nbase_url = \"{base}\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("prompts/greet.prompt"),
        "---\nconfig:\n  maxOutputTokens: 32\n---\n{{role \"system\"}}Be terse.\n{{role \"user\"}}Greet {{name}}.",
    )
    .unwrap();
}

#[test]
fn streams_one_model_to_stdout_and_reports_readout() {
    let server = MockServer::start(|_| {
        Reply::sse(openai_stream(
            &["Hello, ", "Ada!"],
            14,
            Duration::from_millis(10),
        ))
    });
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let (code, out, err) = pwb(
        dir.path(),
        &["run", "prompts/greet.prompt", "--var", "name=Ada"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "Hello, Ada!\n");
    assert!(
        err.contains("openai:fast") && err.contains("in 14 out 2") && err.contains("stop"),
        "{err}"
    );
    let body = server.requests()[0].json();
    assert_eq!(body["model"], "fast");
    assert_eq!(body["temperature"], 0.4);
    assert_eq!(body["max_tokens"], 32);
    assert_eq!(body["messages"][1]["content"], "Greet Ada.");
    assert!(!out.contains("sk-canary") && !err.contains("sk-canary"));
}

#[test]
fn json_lines_per_model_and_failure_exit_code() {
    let server = MockServer::start(by_model(vec![
        (
            "fast",
            Reply::sse(openai_stream(&["Hi ", "Bo"], 9, Duration::ZERO)),
        ),
        (
            "gone",
            Reply::json(
                404,
                r#"{"error":{"message":"The model `gone` does not exist"}}"#,
            ),
        ),
    ]));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let (code, out, err) = pwb(
        dir.path(),
        &[
            "run",
            "prompts/greet.prompt",
            "--var",
            "name=Bo",
            "-m",
            "openai:fast",
            "-m",
            "openai:gone",
            "--json",
        ],
    );
    assert_eq!(code, 1, "a failed model makes the exit status 1: {err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    let ok = lines.iter().find(|l| l["model"] == "openai:fast").unwrap();
    assert_eq!(ok["text"], "Hi Bo");
    assert_eq!(ok["usage"]["input_tokens"], 9);
    assert_eq!(ok["finish_reason"], "stop");
    assert!(ok["total_time_ms"].is_u64() && ok["time_to_first_token_ms"].is_u64());
    let bad = lines.iter().find(|l| l["model"] == "openai:gone").unwrap();
    assert!(bad["error"].as_str().unwrap().contains("HTTP 404"), "{bad}");
    assert!(!out.contains("sk-canary") && !err.contains("sk-canary"));
}

#[test]
fn strict_refuses_unset_variables_before_calling_anyone() {
    let server = MockServer::start(|_| Reply::sse(openai_stream(&["x"], 1, Duration::ZERO)));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let (code, _, err) = pwb(dir.path(), &["run", "prompts/greet.prompt", "--strict"]);
    assert_eq!(code, 1);
    assert!(err.contains("variable 'name' is not set"), "{err}");
    assert!(server.requests().is_empty(), "no request was sent");
}

#[test]
fn a_retry_is_reported_on_stderr_and_runner_settings_apply() {
    let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = served.clone();
    let server = MockServer::start(move |_| {
        if count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            Reply::json(429, r#"{"error":{"message":"slow down"}}"#)
                .with_header("retry-after-ms", "200")
        } else {
            Reply::sse(openai_stream(&["Hi"], 3, Duration::ZERO))
        }
    });
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let toml = dir.path().join("pwb.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("\n[runner]\nmax_retries = 1\ntimeout_secs = 20\n");
    std::fs::write(&toml, text).unwrap();
    let (code, out, err) = pwb(
        dir.path(),
        &["run", "prompts/greet.prompt", "--var", "name=Ada"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "Hi\n");
    assert!(
        err.contains("openai:fast: retry 1/1 in 200ms: HTTP 429") && err.contains("slow down"),
        "{err}"
    );
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn json_lists_every_attempt_and_a_wall_time_that_counts_retry_waits() {
    let server = MockServer::start(support::mock_llm::scripted(vec![(
        "fast",
        vec![
            Reply::json(429, r#"{"error":{"message":"slow down"}}"#)
                .with_header("Retry-After", "0.4"),
            Reply::sse(openai_stream(&["Hi"], 9, Duration::ZERO)),
        ],
    )]));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let (code, out, err) = pwb(dir.path(), &["run", "greet", "--var", "name=Bo", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("retry 1/3 in 400ms: HTTP 429"), "{err}");
    let line: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(line["text"], "Hi");
    let attempts = line["attempts"].as_array().expect("attempts");
    assert_eq!(attempts.len(), 2, "{line}");
    assert_eq!(attempts[0]["status"], 429);
    assert_eq!(attempts[0]["error"], "HTTP 429");
    assert_eq!(attempts[0]["wait_ms"], 400);
    assert_eq!(attempts[1]["status"], 200);
    assert!(attempts[1]["error"].is_null() && attempts[1]["wait_ms"].is_null());
    let wall = line["wall_time_ms"].as_u64().unwrap();
    let call = line["total_time_ms"].as_u64().unwrap();
    assert!(wall >= 400, "the wait counts in the wall time: {wall}");
    assert!(
        call < wall,
        "the call's own time does not: {call} vs {wall}"
    );
}

#[test]
fn a_broken_pwb_toml_stops_a_run_before_any_call() {
    let server = MockServer::start(|_| Reply::sse(openai_stream(&["Hi"], 9, Duration::ZERO)));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    std::fs::write(
        dir.path().join("pwb.toml"),
        "[[models]]\nid = \"openai:fast\"\ntemperature = \"hot\"\n",
    )
    .unwrap();
    let (code, _, err) = pwb(dir.path(), &["run", "greet", "--var", "name=Bo"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("pwb.toml:3:"), "{err}");
    assert!(err.contains("fix them before running"), "{err}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn a_value_the_provider_refuses_fails_that_cell_before_sending() {
    let server = MockServer::start(|_| Reply::sse(openai_stream(&["Hi"], 9, Duration::ZERO)));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let (code, out, err) = pwb(
        dir.path(),
        &["run", "greet", "--var", "name=Bo", "--temperature", "2.5"],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains(
            "error: openai:fast: not sent: temperature 2.5 is outside 0..2, the range openai accepts"
        ),
        "{err}"
    );
    assert!(server.requests().is_empty(), "nothing went out");
}

#[test]
fn history_file_turns_go_before_the_last_user_message() {
    let server =
        MockServer::start(|_| Reply::sse(openai_stream(&["Hi again, Ada."], 30, Duration::ZERO)));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    std::fs::write(
        dir.path().join("chat.yaml"),
        "- role: user\n  content: I am Ada.\n- role: assistant\n  content: Nice to meet you.\n",
    )
    .unwrap();
    let (code, out, err) = pwb(
        dir.path(),
        &[
            "run",
            "greet",
            "--var",
            "name=Ada",
            "--history",
            "chat.yaml",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "Hi again, Ada.\n");
    let body = server.requests()[0].json();
    let turns: Vec<(String, String)> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["role"].as_str().unwrap().to_string(),
                m["content"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("system", "Be terse.\n"),
        ("user", "I am Ada."),
        ("assistant", "Nice to meet you."),
        ("user", "Greet Ada."),
    ];
    assert_eq!(
        turns,
        want.iter()
            .map(|(r, c)| (r.to_string(), c.to_string()))
            .collect::<Vec<_>>()
    );
    // A bad turn is an error before any call.
    std::fs::write(dir.path().join("bad.yaml"), "- role: bot\n  content: x\n").unwrap();
    let (code, _, err) = pwb(
        dir.path(),
        &["run", "greet", "--var", "name=Ada", "--history", "bad.yaml"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("--history bad.yaml: turn 1: role `bot` is not one of"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_request_over_the_context_window_is_flagged_before_it_is_sent() {
    let server = MockServer::start(|_| Reply::sse(openai_stream(&["Hi"], 9, Duration::ZERO)));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let toml = dir.path().join("pwb.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("\n[pricing.\"openai:fast\"]\ninput = 1.0\noutput = 1.0\ncontext = 5\n");
    std::fs::write(&toml, text).unwrap();
    let (code, _, err) = pwb(dir.path(), &["run", "greet", "--var", "name=Ada"]);
    assert_eq!(code, 0, "{err}");
    // "Be terse.\n" (4 tokens) + "Greet Ada." (3), the roles (1 each),
    // 3 per message, 3 to prime.
    assert!(
        err.contains("warning: openai:fast: the request is about 18 tokens, 13 over its 5-token context window"),
        "{err}"
    );
}
