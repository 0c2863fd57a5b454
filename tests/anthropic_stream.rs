//! Anthropic Messages against a real HTTP server on 127.0.0.1, through
//! `provider::build` and the one runner: streamed text and thinking, usage
//! with cache tokens, the exact request body, and every fault we know of.

mod support;

use pwb::provider::{self, ChatRequest, Endpoint, FinishReason, GenParams, KeyStatus};
use pwb::run::Cell;
use pwb::types::Message;
use serde_json::json;
use std::sync::Once;
use support::fixtures;
use support::mock_llm::{MockServer, Reply, Step, anthropic_stream, by_model, sse_event};
use support::runs::{refused_port, run_all};

const CANARY: &str = "sk-ant-canary-5b7e1d";

/// Sets the key in the environment once, before any test reads it.
fn canary() {
    static ONCE: Once = Once::new();
    // SAFETY: every test calls this first, so no other thread reads the
    // environment while it is written.
    ONCE.call_once(|| unsafe { std::env::set_var("ANTHROPIC_API_KEY", CANARY) });
}

/// The provider these tests speak to.
const PROVIDER: &str = "anthropic";

/// The shared conversation with a second system turn (joined into
/// Anthropic's one `system` field).
fn request(model: &str) -> ChatRequest {
    let mut req = fixtures::request(model);
    req.messages.insert(1, Message::text("system", "Be brief."));
    req
}

#[tokio::test]
async fn streams_text_thinking_usage_and_sends_the_exact_body() {
    canary();
    let server = MockServer::start(|_| {
        Reply::sse(anthropic_stream(
            &["The user ", "means billing."],
            &["bill", "ing"],
            "end_turn",
        ))
    });
    let mut req = request("claude-test");
    req.json_schema = Some(json!({"type": "object", "properties": {"label": {"type": "string"}}}));
    let results = run_all(vec![fixtures::cell(PROVIDER, &server, req.clone())]).await;
    let r = &results[0];
    let c = r.completion();
    assert_eq!(r.text, "billing");
    assert_eq!(r.text_events, 2, "each delta is its own event");
    assert_eq!(r.thinking, "The user means billing.");
    assert_eq!(r.thinking_events, 2);
    assert_eq!(c.text, "billing");
    assert_eq!(c.thinking, "The user means billing.", "thinking kept apart");
    assert_eq!(c.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        c.usage.input_tokens,
        Some(160),
        "uncached + cache write + read"
    );
    assert_eq!(c.usage.cached_input_tokens, Some(50));
    assert_eq!(c.usage.cache_write_tokens, Some(100));
    assert_eq!(c.usage.output_tokens, Some(4));
    assert!(c.time_to_first_token.is_some());

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let sent = &reqs[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.header("x-api-key"), Some(CANARY));
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(sent.header("authorization"), None);
    let schema = r#"{"type":"object","properties":{"label":{"type":"string"}}}"#;
    let expected = json!({
        "model": "claude-test",
        "max_tokens": 64,
        "system": format!(
            "You sort tickets.\n\nBe brief.\n\nAnswer with JSON only, matching this JSON Schema: {schema}"
        ),
        "messages": [
            {"role": "user", "content": "printer on fire"},
            {"role": "assistant", "content": "hardware"},
            {"role": "user", "content": "wrong invoice"},
        ],
        "stream": true,
        "temperature": 0.2,
        "top_p": 0.9,
        "top_k": 40,
        "stop_sequences": ["END"],
    });
    assert_eq!(sent.json(), expected);
    let planned = fixtures::planned(PROVIDER, &server.base(), req);
    assert_eq!(
        planned.wire_body(),
        expected,
        "the inspector shows what is sent"
    );
}

#[tokio::test]
async fn default_max_tokens_and_length_finish() {
    canary();
    let server =
        MockServer::start(|_| Reply::sse(anthropic_stream(&[], &["cut sh"], "max_tokens")));
    let mut req = request("claude-test");
    req.params = GenParams::default();
    req.messages.retain(|m| m.role != "system");
    let results = run_all(vec![fixtures::cell(PROVIDER, &server, req)]).await;
    let c = results[0].completion();
    assert_eq!(c.finish_reason, Some(FinishReason::Length));
    assert_eq!(c.thinking, "");
    let body = server.requests()[0].json();
    assert_eq!(
        body["max_tokens"], 1024,
        "max_tokens is required, so defaulted"
    );
    assert!(body.get("system").is_none());
    assert!(body.get("temperature").is_none());
    assert!(body.get("stop_sequences").is_none());
}

#[tokio::test]
async fn faults_fail_their_cell_with_a_clear_message_and_no_key() {
    canary();
    let mut overloaded = anthropic_stream(&[], &["Hel", "lo"], "end_turn");
    overloaded.truncate(5); // message_start, ping, block start, "Hel", "lo"
    overloaded.push(sse_event(
        "error",
        &json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    ));
    let mut malformed = anthropic_stream(&[], &["a"], "end_turn");
    malformed.insert(
        3,
        Step::Send("event: content_block_delta\ndata: {\"type\": nope}\n\n".into()),
    );
    let mut cut = anthropic_stream(&[], &["partial ", "answer"], "end_turn");
    cut.truncate(4);
    cut.push(Step::Send(
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"ind".into(),
    ));
    cut.push(Step::Cut);
    let mut no_stop = anthropic_stream(&[], &["almost"], "end_turn");
    no_stop.pop();
    let server = MockServer::start(move |req| {
        if req.header("x-api-key") != Some(CANARY) {
            return Reply::json(400, "{}");
        }
        let echo = |status, kind: &str| {
            Reply::json(
                status,
                &json!({"type": "error", "error": {"type": kind,
                    "message": format!("{kind} (key {})", CANARY)}})
                .to_string(),
            )
        };
        by_model(vec![
            ("unauthorized", echo(401, "authentication_error")),
            (
                "broken",
                Reply::json(
                    500,
                    r#"{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"#,
                ),
            ),
            (
                "busy",
                Reply::json(
                    529,
                    r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
                ),
            ),
            ("overloaded", Reply::sse(overloaded.clone())),
            ("malformed", Reply::sse(malformed.clone())),
            ("cut", Reply::sse(cut.clone())),
            ("no-stop", Reply::sse(no_stop.clone())),
        ])(req)
    });
    let models = [
        "unauthorized",
        "missing",
        "broken",
        "busy",
        "overloaded",
        "malformed",
        "cut",
        "no-stop",
    ];
    let cells = models
        .iter()
        .map(|m| fixtures::cell(PROVIDER, &server, request(m)))
        .collect();
    let results = run_all(cells).await;
    let errors: Vec<&str> = results.iter().map(|r| r.error()).collect();
    for e in &errors {
        assert!(!e.contains(CANARY), "key leaked: {e}");
    }
    assert!(
        errors[0].contains("HTTP 401") && errors[0].contains("authentication_error"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("[redacted]"),
        "an echoed key is masked: {}",
        errors[0]
    );
    assert!(
        errors[1].contains("HTTP 404") && errors[1].contains("model not found"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].contains("HTTP 500") && errors[2].contains("Internal server error"),
        "{}",
        errors[2]
    );
    assert!(
        errors[3].contains("HTTP 529") && errors[3].contains("Overloaded"),
        "{}",
        errors[3]
    );
    assert!(
        errors[4].contains("overloaded_error") && errors[4].contains("try again later"),
        "{}",
        errors[4]
    );
    assert_eq!(
        results[4].text, "Hello",
        "text before the error was streamed"
    );
    assert!(
        errors[5].contains("bad response") && errors[5].contains("not JSON"),
        "{}",
        errors[5]
    );
    assert!(errors[6].contains("stream broke off"), "{}", errors[6]);
    assert_eq!(results[6].text, "partial ");
    assert!(errors[7].contains("no message_stop"), "{}", errors[7]);
}

#[tokio::test]
async fn connection_refused_and_missing_key() {
    canary();
    let base = format!("http://127.0.0.1:{}", refused_port());
    let results = run_all(vec![Cell {
        provider: provider::build(&fixtures::endpoint(PROVIDER, &base, "m")),
        request: request("m"),
        cache: None,
    }])
    .await;
    let e = results[0].error();
    assert!(e.contains("cannot connect") && e.contains(&base), "{e}");
    assert!(!e.contains(CANARY));

    let ep = Endpoint {
        api_key_env: Some("PWB_TEST_UNSET_ANTHROPIC_KEY".into()),
        ..fixtures::endpoint(PROVIDER, &base, "m")
    };
    // A missing key fails the call (not the plan: the inspector still
    // shows the body), with the variable to set, before anything is sent.
    let provider = provider::build(&ep);
    assert_eq!(
        provider.key_status(),
        KeyStatus::Missing {
            env_var: "PWB_TEST_UNSET_ANTHROPIC_KEY".into()
        }
    );
    let results = run_all(vec![Cell {
        provider,
        request: fixtures::request("m"),
        cache: None,
    }])
    .await;
    assert_eq!(
        results[0].error(),
        "missing API key: set PWB_TEST_UNSET_ANTHROPIC_KEY"
    );
}
