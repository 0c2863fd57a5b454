//! Ollama's native /api/chat against a real HTTP server on 127.0.0.1,
//! through `provider::build` and the one runner: NDJSON lines split across
//! chunks, thinking, usage, the exact body, `{"error"}` lines and faults.

mod support;

use pwb::provider::{self, FinishReason, GenParams};
use pwb::run::Cell;
use serde_json::json;
use std::sync::Once;
use support::fixtures;
use support::mock_llm::{MockServer, Reply, Step, by_model, ollama_stream};
use support::runs::{refused_port, run_all};

/// Ollama needs no key; other providers' keys must not travel to it.
const CANARY: &str = "sk-canary-for-ollama-41d2";

fn canary() {
    static ONCE: Once = Once::new();
    // SAFETY: every test calls this first, so no other thread reads the
    // environment while it is written.
    ONCE.call_once(|| unsafe {
        std::env::set_var("OPENAI_API_KEY", CANARY);
        std::env::set_var("ANTHROPIC_API_KEY", CANARY);
    });
}

/// The provider these tests speak to.
const PROVIDER: &str = "ollama";

#[tokio::test]
async fn streams_lines_split_across_chunks_and_sends_the_exact_body() {
    canary();
    let server = MockServer::start(|_| {
        Reply::ndjson(ollama_stream(
            &["Invoice ", "means billing."],
            &["bil", "li", "ng"],
            "stop",
        ))
    });
    let mut req = fixtures::request("llama-test");
    let schema = json!({"type": "object", "properties": {"label": {"type": "string"}}});
    req.json_schema = Some(schema.clone());
    let results = run_all(vec![fixtures::cell(PROVIDER, &server, req.clone())]).await;
    let r = &results[0];
    let c = r.completion();
    assert_eq!(r.text, "billing");
    assert_eq!(r.text_events, 3);
    assert_eq!(r.thinking, "Invoice means billing.");
    assert_eq!(c.thinking, "Invoice means billing.");
    assert_eq!(c.finish_reason, Some(FinishReason::Stop));
    assert_eq!(c.usage.input_tokens, Some(9));
    assert_eq!(c.usage.output_tokens, Some(3));

    let reqs = server.requests();
    let sent = &reqs[0];
    assert_eq!(sent.path, "/api/chat");
    assert_eq!(sent.header("authorization"), None, "no key is sent");
    assert!(!sent.body.contains(CANARY));
    let expected = json!({
        "model": "llama-test",
        "messages": [
            {"role": "system", "content": "You sort tickets."},
            {"role": "user", "content": "printer on fire"},
            {"role": "assistant", "content": "hardware"},
            {"role": "user", "content": "wrong invoice"},
        ],
        "stream": true,
        "options": {"temperature": 0.2, "top_p": 0.9, "top_k": 40, "num_predict": 64, "stop": ["END"], "seed": 7},
        "format": schema,
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
async fn length_finish_and_no_options_when_unset() {
    canary();
    let server = MockServer::start(|_| Reply::ndjson(ollama_stream(&[], &["x"], "length")));
    let mut req = fixtures::request("llama-test");
    req.params = GenParams::default();
    let results = run_all(vec![fixtures::cell(PROVIDER, &server, req)]).await;
    assert_eq!(
        results[0].completion().finish_reason,
        Some(FinishReason::Length)
    );
    let body = server.requests()[0].json();
    assert!(body.get("options").is_none());
    assert!(body.get("format").is_none());
}

#[tokio::test]
async fn faults_fail_their_cell_with_a_clear_message() {
    canary();
    let mut malformed = ollama_stream(&[], &["a", "b", "c"], "stop");
    malformed.insert(3, Step::Send("{\"message\": {\"content\": \"x\"\n".into()));
    let mut cut = ollama_stream(&[], &["partial ", "answer", "!"], "stop");
    cut.truncate(4); // "partial " (sent in two halves) and "answer"
    cut.push(Step::Send("{\"model\":\"llama-test\",\"mess".into()));
    cut.push(Step::Cut);
    let mut no_done = ollama_stream(&[], &["a", "b", "c"], "stop");
    no_done.truncate(3);
    let error_line = vec![
        Step::Send(
            "{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n".into(),
        ),
        Step::Send("{\"error\":\"model runner has unexpectedly stopped\"}\n".into()),
    ];
    let server = MockServer::start(by_model(vec![
        (
            "unauthorized",
            Reply::json(401, r#"{"error":"unauthorized"}"#),
        ),
        (
            "broken",
            Reply::json(500, r#"{"error":"llama runner process has terminated"}"#),
        ),
        ("malformed", Reply::ndjson(malformed)),
        ("cut", Reply::ndjson(cut)),
        ("no-done", Reply::ndjson(no_done)),
        ("error-line", Reply::ndjson(error_line)),
    ]));
    let models = [
        "unauthorized",
        "missing",
        "broken",
        "malformed",
        "cut",
        "no-done",
        "error-line",
    ];
    let cells = models
        .iter()
        .map(|m| fixtures::cell(PROVIDER, &server, fixtures::request(m)))
        .collect();
    let results = run_all(cells).await;
    let errors: Vec<&str> = results.iter().map(|r| r.error()).collect();
    for e in &errors {
        assert!(!e.contains(CANARY), "key leaked: {e}");
    }
    assert!(
        errors[0].contains("HTTP 401") && errors[0].contains("unauthorized"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("HTTP 404") && errors[1].contains("model not found"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].contains("HTTP 500") && errors[2].contains("terminated"),
        "{}",
        errors[2]
    );
    assert!(errors[3].contains("not JSON"), "{}", errors[3]);
    assert_eq!(
        results[3].text, "a",
        "text before the bad line was streamed"
    );
    assert!(errors[4].contains("stream broke off"), "{}", errors[4]);
    assert_eq!(results[4].text, "partial answer");
    assert!(errors[5].contains("no done line"), "{}", errors[5]);
    assert!(errors[6].contains("unexpectedly stopped"), "{}", errors[6]);
    assert_eq!(results[6].text, "Hi");
}

#[tokio::test]
async fn connection_refused_names_the_host() {
    canary();
    let base = format!("http://127.0.0.1:{}", refused_port());
    let results = run_all(vec![Cell {
        provider: provider::build(&fixtures::endpoint(PROVIDER, &base, "m")),
        request: fixtures::request("m"),
        cache: None,
    }])
    .await;
    let e = results[0].error();
    assert!(e.contains("cannot connect") && e.contains(&base), "{e}");
}
