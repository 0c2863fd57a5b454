//! OpenAI Chat Completions against a real HTTP server on 127.0.0.1:
//! streamed deltas, the usage chunk, [DONE], HTTP errors, a cut stream,
//! and cancellation, all through the one runner.

mod support;

use pwb::provider::openai::OpenAi;
use pwb::provider::{ChatRequest, FinishReason, GenParams, Provider};
use pwb::run::{Cell, RunEvent, Runner};
use pwb::types::Message;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::mock_llm::{MockServer, Reply, Step, by_model, openai_stream};
use tokio::sync::mpsc;

fn request(model: &str) -> ChatRequest {
    ChatRequest {
        model: model.into(),
        messages: vec![
            Message::text("system", "Be brief."),
            Message::text("user", "Say hello."),
        ],
        params: GenParams {
            temperature: Some(0.3),
            max_tokens: Some(64),
            ..Default::default()
        },
        json_schema: None,
        ..Default::default()
    }
}

fn cell(server: &MockServer, model: &str) -> Cell {
    let p: Arc<dyn Provider> = Arc::new(OpenAi::new(server.base_v1(), Some("sk-test".into())));
    Cell {
        provider: p,
        request: request(model),
        cache: None,
    }
}

/// Runs cells to completion and returns each cell's terminal event and text.
async fn run_all(runner: &Runner, cells: Vec<Cell>) -> HashMap<usize, (RunEvent, String)> {
    let n = cells.len();
    let (tx, mut rx) = mpsc::unbounded_channel();
    runner.start(cells, tx);
    let mut text: HashMap<usize, String> = HashMap::new();
    let mut done = HashMap::new();
    while done.len() < n {
        let ev = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("runner went quiet")
            .expect("channel open");
        if let RunEvent::Text { cell, text: t, .. } = &ev {
            text.entry(*cell).or_default().push_str(t);
        }
        if ev.is_terminal() {
            let t = text.get(&ev.cell()).cloned().unwrap_or_default();
            done.insert(ev.cell(), (ev, t));
        }
    }
    done
}

#[tokio::test]
async fn streams_deltas_usage_and_finish_reason() {
    let server = MockServer::start(|_| {
        Reply::sse(openai_stream(
            &["Hel", "lo", ", world"],
            12,
            Duration::from_millis(20),
        ))
    });
    let runner = Runner::new(
        tokio::runtime::Handle::current(),
        support::runs::test_config(),
    );
    let done = run_all(&runner, vec![cell(&server, "gpt-test")]).await;
    let (ev, streamed) = &done[&0];
    let RunEvent::Finished { completion, .. } = ev else {
        panic!("expected Finished, got {ev:?}");
    };
    assert_eq!(streamed, "Hello, world", "deltas arrive as separate events");
    assert_eq!(completion.text, "Hello, world");
    assert_eq!(completion.usage.input_tokens, Some(12));
    assert_eq!(completion.usage.output_tokens, Some(3));
    assert_eq!(completion.finish_reason, Some(FinishReason::Stop));
    let ttft = completion.time_to_first_token.expect("ttft measured");
    assert!(ttft <= completion.total_time);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, "/v1/chat/completions");
    assert_eq!(reqs[0].header("authorization"), Some("Bearer sk-test"));
    let body = reqs[0].json();
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert_eq!(body["temperature"], 0.3);
    assert_eq!(body["max_tokens"], 64);
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], "Say hello.");
}

#[tokio::test]
async fn http_errors_and_cut_stream_fail_only_their_cell() {
    let mut cut = openai_stream(&["partial ", "answer"], 5, Duration::ZERO);
    cut.truncate(1);
    cut.push(Step::Cut);
    let server = MockServer::start(by_model(vec![
        (
            "ok",
            Reply::sse(openai_stream(&["fine"], 5, Duration::from_millis(30))),
        ),
        (
            "unauthorized",
            Reply::json(401, r#"{"error":{"message":"Incorrect API key provided"}}"#),
        ),
        (
            "broken",
            Reply::json(500, r#"{"error":{"message":"The server had an error"}}"#),
        ),
        ("cut", Reply::sse(cut)),
    ]));
    let runner = Runner::new(
        tokio::runtime::Handle::current(),
        support::runs::test_config(),
    );
    let cells = ["ok", "unauthorized", "broken", "cut"]
        .iter()
        .map(|m| cell(&server, m))
        .collect();
    let done = run_all(&runner, cells).await;

    match &done[&0].0 {
        RunEvent::Finished { completion, .. } => assert_eq!(completion.text, "fine"),
        other => panic!("ok cell should finish, got {other:?}"),
    }
    let failure = |i: usize| match &done[&i].0 {
        RunEvent::Failed { error, .. } => error.clone(),
        other => panic!("cell {i} should fail, got {other:?}"),
    };
    let e401 = failure(1);
    assert!(
        e401.contains("HTTP 401") && e401.contains("Incorrect API key"),
        "{e401}"
    );
    assert!(!e401.contains("sk-test"), "the key never reaches an error");
    let e500 = failure(2);
    assert!(
        e500.contains("HTTP 500") && e500.contains("server had an error"),
        "{e500}"
    );
    let ecut = failure(3);
    assert!(
        ecut.contains("stream broke off") || ecut.contains("closed before"),
        "{ecut}"
    );
    assert_eq!(done[&3].1, "partial ", "text before the cut was streamed");
}

#[tokio::test]
async fn connection_refused_names_the_url() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let p = OpenAi::new(format!("http://127.0.0.1:{port}/v1"), None);
    let mut sink = |_| {};
    let err = p.stream(&request("m"), &mut sink).await.unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("cannot connect") && msg.contains(&port.to_string()),
        "{msg}"
    );
}

#[tokio::test]
async fn rerun_cancels_stream_in_flight_at_once() {
    let mut slow = vec![Step::Send(
        "data: {\"choices\":[{\"delta\":{\"content\":\"tick\"}}]}\n\n".into(),
    )];
    slow.push(Step::Sleep(Duration::from_secs(30)));
    let server = MockServer::start(move |_| Reply::sse(slow.clone()));
    let runner = Runner::new(
        tokio::runtime::Handle::current(),
        support::runs::test_config(),
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    let first = runner.start(vec![cell(&server, "slow")], tx.clone());
    // Wait for the first text so the stream is really open.
    loop {
        match rx.recv().await.unwrap() {
            RunEvent::Text { .. } => break,
            RunEvent::Started { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    let t0 = Instant::now();
    let second = runner.start(Vec::new(), tx);
    assert_ne!(first, second);
    let ev = tokio::time::timeout(Duration::from_secs(2), rx.recv())
        .await
        .expect("cancel is immediate")
        .unwrap();
    assert_eq!(
        ev,
        RunEvent::Cancelled {
            run: first,
            cell: 0
        }
    );
    assert!(t0.elapsed() < Duration::from_secs(1));
    assert!(runner.cancel(), "the second (empty) run is the current one");
    assert!(!runner.cancel(), "after a cancel nothing is in flight");
}

/// A redirect is not followed: the key never travels to the other host,
/// and the cell says what happened.
#[tokio::test]
async fn redirects_are_not_followed_so_the_key_stays_home() {
    let elsewhere =
        MockServer::start(|_| Reply::sse(openai_stream(&["stolen"], 1, Duration::ZERO)));
    let target = format!("{}/chat/completions", elsewhere.base_v1());
    let server = MockServer::start(move |_| {
        Reply::json(307, r#"{"error":{"message":"moved"}}"#).with_header("Location", &target)
    });
    let p = OpenAi::new(server.base_v1(), Some("sk-test".into()));
    let mut sink = |_| {};
    let err = p
        .stream(&request("m"), &mut sink)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("HTTP 307"), "{err}");
    assert!(
        elsewhere.requests().is_empty(),
        "nothing reached the other host"
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer sk-test")
    );
}
