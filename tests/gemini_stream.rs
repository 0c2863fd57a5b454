//! Gemini streamGenerateContent against a real HTTP server on 127.0.0.1,
//! through `provider::build` and the one runner: thought parts, usage, the
//! exact body with the JSON-mode schema, safety blocks, and faults.

mod support;

use pwb::provider::{self, Endpoint, FinishReason, KeyStatus};
use pwb::run::Cell;
use serde_json::json;
use std::sync::Once;
use support::fixtures;
use support::mock_llm::{MockServer, Reply, Step, by_model, gemini_stream};
use support::runs::{refused_port, run_all};

const CANARY: &str = "AIza-canary-93c1f0";

fn canary() {
    static ONCE: Once = Once::new();
    // SAFETY: every test calls this first, so no other thread reads the
    // environment while it is written.
    ONCE.call_once(|| unsafe {
        std::env::remove_var("GOOGLE_API_KEY");
        std::env::set_var("GEMINI_API_KEY", CANARY);
    });
}

/// The provider these tests speak to.
const PROVIDER: &str = "gemini";

#[tokio::test]
async fn streams_text_thoughts_usage_and_sends_the_exact_body() {
    canary();
    let server = MockServer::start(|_| {
        Reply::sse(gemini_stream(
            &["Invoice, ", "so billing."],
            &["{\"label\":", "\"billing\"}"],
            "STOP",
        ))
    });
    let mut req = fixtures::request("gemini-test");
    req.json_schema = Some(json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {"label": {"type": "string"}, "note": {"type": ["string", "null"]}},
        "required": ["label"],
    }));
    let results = run_all(vec![fixtures::cell(PROVIDER, &server, req.clone())]).await;
    let r = &results[0];
    let c = r.completion();
    assert_eq!(r.text, "{\"label\":\"billing\"}");
    assert_eq!(r.text_events, 2);
    assert_eq!(r.thinking, "Invoice, so billing.");
    assert_eq!(r.thinking_events, 2);
    assert_eq!(c.thinking, "Invoice, so billing.");
    assert_eq!(c.finish_reason, Some(FinishReason::Stop));
    assert_eq!(c.usage.input_tokens, Some(12));
    assert_eq!(c.usage.cached_input_tokens, Some(4));
    assert_eq!(c.usage.reasoning_tokens, Some(2));
    assert_eq!(c.usage.output_tokens, Some(4), "answer + thought tokens");

    let reqs = server.requests();
    let sent = &reqs[0];
    assert_eq!(
        sent.path,
        "/v1beta/models/gemini-test:streamGenerateContent?alt=sse"
    );
    assert!(!sent.path.contains("key="), "the key is never in the URL");
    assert_eq!(sent.header("x-goog-api-key"), Some(CANARY));
    assert_eq!(sent.header("authorization"), None);
    let expected = json!({
        "contents": [
            {"role": "user", "parts": [{"text": "printer on fire"}]},
            {"role": "model", "parts": [{"text": "hardware"}]},
            {"role": "user", "parts": [{"text": "wrong invoice"}]},
        ],
        "systemInstruction": {"parts": [{"text": "You sort tickets."}]},
        "generationConfig": {
            "temperature": 0.2,
            "topP": 0.9,
            "topK": 40,
            "maxOutputTokens": 64,
            "stopSequences": ["END"],
            "seed": 7,
            "responseMimeType": "application/json",
            "responseSchema": {
                "type": "object",
                "properties": {
                    "label": {"type": "string"},
                    "note": {"type": "string", "nullable": true},
                },
                "required": ["label"],
            },
        },
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
async fn safety_blocks_are_errors_without_text_and_finish_reasons_with_text() {
    canary();
    let prompt_blocked = Reply::sse(vec![Step::Send(format!(
        "data: {}\r\n\r\n",
        json!({"promptFeedback": {"blockReason": "SAFETY"},
               "usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 7}})
    ))]);
    let answer_blocked = Reply::sse(vec![Step::Send(format!(
        "data: {}\r\n\r\n",
        json!({"candidates": [{"finishReason": "PROHIBITED_CONTENT", "index": 0}]})
    ))]);
    let server = MockServer::start(by_model(vec![
        ("prompt-blocked", prompt_blocked),
        ("answer-blocked", answer_blocked),
        (
            "cut-short",
            Reply::sse(gemini_stream(&[], &["Some", " text"], "SAFETY")),
        ),
        ("long", Reply::sse(gemini_stream(&[], &["a"], "MAX_TOKENS"))),
    ]));
    let cells = ["prompt-blocked", "answer-blocked", "cut-short", "long"]
        .iter()
        .map(|m| fixtures::cell(PROVIDER, &server, fixtures::request(m)))
        .collect();
    let results = run_all(cells).await;
    assert_eq!(
        results[0].error(),
        "blocked by safety filters (SAFETY)",
        "prompt blocked, nothing came back"
    );
    assert_eq!(
        results[1].error(),
        "blocked by safety filters (PROHIBITED_CONTENT)"
    );
    let c = results[2].completion();
    assert_eq!(c.text, "Some text");
    assert_eq!(c.finish_reason, Some(FinishReason::ContentFilter));
    assert_eq!(
        results[3].completion().finish_reason,
        Some(FinishReason::Length)
    );
}

#[tokio::test]
async fn faults_fail_their_cell_with_a_clear_message_and_no_key() {
    canary();
    let mut malformed = gemini_stream(&[], &["a", "b"], "STOP");
    malformed.insert(1, Step::Send("data: {\"candidates\": [\r\n\r\n".into()));
    let mut cut = gemini_stream(&[], &["partial ", "answer"], "STOP");
    cut.truncate(1);
    cut.push(Step::Send("data: {\"candidates\": [{\"content\"".into()));
    cut.push(Step::Cut);
    let mut no_finish = gemini_stream(&[], &["half", "way"], "STOP");
    no_finish.pop();
    let in_stream = vec![Step::Send(format!(
        "data: {}\r\n\r\n",
        json!({"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}})
    ))];
    let server = MockServer::start(move |req| {
        let echo = |status: u16, st: &str| {
            Reply::json(
                status,
                &json!({"error": {"code": status, "status": st,
                    "message": format!("API key not valid: {}", CANARY)}})
                .to_string(),
            )
        };
        by_model(vec![
            ("unauthorized", echo(401, "UNAUTHENTICATED")),
            (
                "broken",
                Reply::json(
                    500,
                    r#"{"error":{"code":500,"message":"Internal error encountered.","status":"INTERNAL"}}"#,
                ),
            ),
            ("malformed", Reply::sse(malformed.clone())),
            ("cut", Reply::sse(cut.clone())),
            ("no-finish", Reply::sse(no_finish.clone())),
            ("in-stream", Reply::sse(in_stream.clone())),
        ])(req)
    });
    let models = [
        "unauthorized",
        "missing",
        "broken",
        "malformed",
        "cut",
        "no-finish",
        "in-stream",
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
        errors[0].contains("HTTP 401") && errors[0].contains("[redacted]"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("HTTP 404") && errors[1].contains("model not found"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].contains("HTTP 500") && errors[2].contains("Internal error"),
        "{}",
        errors[2]
    );
    assert!(errors[3].contains("not JSON"), "{}", errors[3]);
    assert_eq!(
        results[3].text, "a",
        "text before the bad chunk was streamed"
    );
    assert!(errors[4].contains("stream broke off"), "{}", errors[4]);
    assert_eq!(results[4].text, "partial ");
    assert!(errors[5].contains("no finishReason"), "{}", errors[5]);
    assert!(
        errors[6].contains("UNAVAILABLE") && errors[6].contains("overloaded"),
        "{}",
        errors[6]
    );
}

#[tokio::test]
async fn connection_refused_and_missing_key() {
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
    assert!(!e.contains(CANARY));

    let ep = Endpoint {
        api_key_env: Some("PWB_TEST_UNSET_GEMINI_KEY".into()),
        ..fixtures::endpoint(PROVIDER, &base, "m")
    };
    // A missing key fails the call (not the plan: the inspector still
    // shows the body), with the variable to set, before anything is sent.
    let provider = provider::build(&ep);
    assert_eq!(
        provider.key_status(),
        KeyStatus::Missing {
            env_var: "PWB_TEST_UNSET_GEMINI_KEY".into()
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
        "missing API key: set PWB_TEST_UNSET_GEMINI_KEY"
    );
}
