//! The runner's robustness against a misbehaving server on 127.0.0.1, for
//! each wire format at once (one cell per format in every run): retries on
//! 429/5xx/529/refused connections, no retry on 401 or after text, stall and
//! total timeouts, a 10 MB answer, cancel during a retry wait.

mod support;

use pwb::provider::anthropic::Anthropic;
use pwb::provider::gemini::Gemini;
use pwb::provider::ollama::Ollama;
use pwb::provider::openai::OpenAi;
use pwb::provider::{ChatRequest, GenParams, Provider};
use pwb::run::{Cell, RunEvent, Runner, RunnerConfig};
use pwb::types::Message;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::mock_llm::{
    MockServer, Reply, Step, anthropic_stream, gemini_stream, model_of, ollama_stream,
    openai_stream, scripted,
};
use support::runs::{CellResult, refused_port, run_all_with, test_config};
use tokio::sync::mpsc;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Wire {
    OpenAi,
    Anthropic,
    Gemini,
    Ollama,
}

const WIRES: [Wire; 4] = [Wire::OpenAi, Wire::Anthropic, Wire::Gemini, Wire::Ollama];

impl Wire {
    /// The model name this wire's cell asks for (the server routes on it).
    fn model(self) -> &'static str {
        match self {
            Wire::OpenAi => "openai-m",
            Wire::Anthropic => "anthropic-m",
            Wire::Gemini => "gemini-m",
            Wire::Ollama => "ollama-m",
        }
    }

    /// A provider of this wire format talking to `base` (`http://host:port`).
    fn provider(self, base: &str) -> Arc<dyn Provider> {
        match self {
            Wire::OpenAi => Arc::new(OpenAi::new(format!("{base}/v1"), Some("sk-test".into()))),
            Wire::Anthropic => Arc::new(Anthropic::new(base, "sk-ant-test")),
            Wire::Gemini => Arc::new(Gemini::new(base, "g-test")),
            Wire::Ollama => Arc::new(Ollama::new(base)),
        }
    }

    fn cell(self, base: &str) -> Cell {
        Cell {
            provider: self.provider(base),
            request: ChatRequest {
                model: self.model().into(),
                messages: vec![Message::text("user", "Say hello.")],
                params: GenParams::default(),
                json_schema: None,
                ..Default::default()
            },
            cache: None,
        }
    }

    /// A successful streamed answer made of `pieces`.
    fn ok(self, pieces: &[&str]) -> Reply {
        self.reply(self.ok_steps(pieces))
    }

    /// A 200 streaming `steps` with this wire's content type.
    fn reply(self, steps: Vec<Step>) -> Reply {
        match self {
            Wire::Ollama => Reply::ndjson(steps),
            _ => Reply::sse(steps),
        }
    }

    fn ok_steps(self, pieces: &[&str]) -> Vec<Step> {
        match self {
            Wire::OpenAi => openai_stream(pieces, 5, Duration::ZERO),
            Wire::Anthropic => anthropic_stream(&[], pieces, "end_turn"),
            Wire::Gemini => gemini_stream(&[], pieces, "STOP"),
            Wire::Ollama => ollama_stream(&[], pieces, "stop"),
        }
    }

    /// An answer whose first piece arrives, then nothing for `pause`.
    fn stalling(self, pause: Duration) -> Reply {
        let mut steps = self.ok_steps(&["Hel", "lo"]);
        // In every format the first piece is out before the last step.
        steps.insert(steps.len() - 1, Step::Sleep(pause));
        self.reply(steps)
    }
}

fn error(status: u16) -> Reply {
    Reply::json(
        status,
        &format!(r#"{{"error":{{"message":"scripted {status}"}}}}"#),
    )
}

/// One server playing `script(wire)` for each wire's model.
fn server(script: impl Fn(Wire) -> Vec<Reply>) -> MockServer {
    MockServer::start(scripted(
        WIRES.iter().map(|w| (w.model(), script(*w))).collect(),
    ))
}

fn cells(base: &str) -> Vec<Cell> {
    WIRES.iter().map(|w| w.cell(base)).collect()
}

fn runner(config: RunnerConfig) -> Runner {
    Runner::new(tokio::runtime::Handle::current(), config)
}

fn requests_for(server: &MockServer, wire: Wire) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| model_of(r) == wire.model())
        .count()
}

fn assert_finished(r: &CellResult, wire: Wire, text: &str) {
    match &r.end {
        RunEvent::Finished { completion, .. } => {
            assert_eq!(completion.text, text, "{wire:?}");
            assert_eq!(r.text, text, "{wire:?}: streamed text");
        }
        other => panic!("{wire:?}: expected Finished, got {other:?}"),
    }
}

/// The `(attempt, wait, reason)` of each `Retrying` event.
fn retries(r: &CellResult) -> Vec<(u32, Duration, String)> {
    r.retries
        .iter()
        .map(|e| match e {
            RunEvent::Retrying {
                attempt,
                wait,
                reason,
                ..
            } => (*attempt, *wait, reason.clone()),
            other => panic!("not a retry: {other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn http_429_waits_as_long_as_retry_after_says_then_succeeds() {
    let server = server(|w| vec![error(429).with_header("Retry-After", "1"), w.ok(&["hi"])]);
    let started = Instant::now();
    let results = run_all_with(&runner(test_config()), cells(&server.base())).await;
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(950), "waited {elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    for (r, w) in results.iter().zip(WIRES) {
        assert_finished(r, w, "hi");
        let retries = retries(r);
        assert_eq!(retries.len(), 1, "{w:?}: {retries:?}");
        let (attempt, wait, reason) = &retries[0];
        assert_eq!((*attempt, *wait), (1, Duration::from_secs(1)), "{w:?}");
        assert!(reason.contains("HTTP 429"), "{w:?}: {reason}");
        assert_eq!(requests_for(&server, w), 2, "{w:?}");
    }
}

#[tokio::test]
async fn http_500_and_anthropic_529_are_retried_until_success() {
    let server = server(|w| match w {
        Wire::Anthropic => vec![error(529), error(529), w.ok(&["ok"])],
        _ => vec![error(500), w.ok(&["ok"])],
    });
    let results = run_all_with(&runner(test_config()), cells(&server.base())).await;
    for (r, w) in results.iter().zip(WIRES) {
        assert_finished(r, w, "ok");
        let expected = if w == Wire::Anthropic { 2 } else { 1 };
        let retries = retries(r);
        assert_eq!(retries.len(), expected, "{w:?}: {retries:?}");
        assert_eq!(requests_for(&server, w), expected + 1, "{w:?}");
        let code = if w == Wire::Anthropic { "529" } else { "500" };
        assert!(retries[0].2.contains(code), "{w:?}: {retries:?}");
        assert_eq!(retries.last().map(|r| r.0), Some(expected as u32));
    }
}

#[tokio::test]
async fn connection_refused_is_retried_then_fails_clearly() {
    let base = format!("http://127.0.0.1:{}", refused_port());
    let config = RunnerConfig {
        max_retries: 2,
        ..test_config()
    };
    let results = run_all_with(&runner(config), cells(&base)).await;
    for (r, w) in results.iter().zip(WIRES) {
        let e = r.error();
        assert!(
            e.contains("cannot connect to http://127.0.0.1"),
            "{w:?}: {e}"
        );
        assert!(e.contains("gave up after 3 attempts"), "{w:?}: {e}");
        assert_eq!(retries(r).len(), 2, "{w:?}");
    }
}

#[tokio::test]
async fn http_401_is_not_retried() {
    let server = server(|w| vec![error(401), w.ok(&["never"])]);
    let results = run_all_with(&runner(test_config()), cells(&server.base())).await;
    for (r, w) in results.iter().zip(WIRES) {
        let e = r.error();
        assert!(
            e.contains("HTTP 401") && e.contains("scripted 401"),
            "{w:?}: {e}"
        );
        assert!(!e.contains("attempts"), "{w:?}: {e}");
        assert!(r.retries.is_empty(), "{w:?}");
        assert_eq!(requests_for(&server, w), 1, "{w:?}: exactly one request");
    }
}

#[tokio::test]
async fn a_stall_mid_stream_fails_with_the_stall_message_and_is_not_retried() {
    let server = server(|w| vec![w.stalling(Duration::from_secs(5)), w.ok(&["again"])]);
    let config = RunnerConfig {
        stall_timeout: Duration::from_millis(300),
        ..test_config()
    };
    let started = Instant::now();
    let results = run_all_with(&runner(config), cells(&server.base())).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    for (r, w) in results.iter().zip(WIRES) {
        assert_eq!(r.error(), "timed out: no data for 300ms", "{w:?}");
        assert!(
            r.text.starts_with("Hel"),
            "{w:?}: the text before the stall stays"
        );
        assert!(r.retries.is_empty(), "{w:?}: text had streamed, so final");
        assert_eq!(requests_for(&server, w), 1, "{w:?}");
    }
}

#[tokio::test]
async fn a_trickling_answer_hits_the_total_timeout() {
    let pieces = vec!["."; 100];
    let server = MockServer::start(move |_| {
        Reply::sse(openai_stream(&pieces, 5, Duration::from_millis(50)))
    });
    let config = RunnerConfig {
        timeout: Duration::from_millis(800),
        stall_timeout: Duration::from_millis(400),
        ..test_config()
    };
    let started = Instant::now();
    let results = run_all_with(&runner(config), vec![Wire::OpenAi.cell(&server.base())]).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(results[0].error(), "timed out: took longer than 800ms");
    assert!(!results[0].text.is_empty());
}

#[tokio::test]
async fn a_mid_stream_failure_is_final() {
    let server = server(|w| {
        let mut steps = w.ok_steps(&["Hel", "lo"]);
        steps.insert(steps.len() - 1, Step::Cut);
        vec![w.reply(steps), w.ok(&["again"])]
    });
    let results = run_all_with(&runner(test_config()), cells(&server.base())).await;
    for (r, w) in results.iter().zip(WIRES) {
        assert!(
            matches!(r.end, RunEvent::Failed { .. }),
            "{w:?}: {:?}",
            r.end
        );
        assert!(
            r.text.starts_with("Hel") && !r.text.contains("again"),
            "{w:?}"
        );
        assert!(r.retries.is_empty(), "{w:?}");
        assert_eq!(requests_for(&server, w), 1, "{w:?}");
    }
}

#[tokio::test]
async fn a_ten_megabyte_answer_arrives_whole() {
    let piece = "x".repeat(100_000);
    let server = server(|w| vec![w.ok(&vec![piece.as_str(); 100])]);
    let started = Instant::now();
    let results = run_all_with(&runner(test_config()), cells(&server.base())).await;
    eprintln!("4 x 10 MB in {:?}", started.elapsed());
    for (r, w) in results.iter().zip(WIRES) {
        assert_eq!(r.completion().text.len(), 10_000_000, "{w:?}");
        assert_eq!(r.text.len(), 10_000_000, "{w:?}");
        assert!(r.text.bytes().all(|b| b == b'x'), "{w:?}");
    }
}

#[tokio::test]
async fn a_failing_cell_does_not_affect_the_others() {
    let server = server(|w| match w {
        Wire::Anthropic => vec![error(401)],
        Wire::Gemini => vec![w.stalling(Duration::from_secs(5))],
        _ => vec![error(503), w.ok(&["fine"])],
    });
    let config = RunnerConfig {
        stall_timeout: Duration::from_millis(300),
        ..test_config()
    };
    let mut cells = cells(&server.base());
    let mut unreachable = Wire::Ollama.cell(&format!("http://127.0.0.1:{}", refused_port()));
    unreachable.request.model = "elsewhere".into();
    cells.push(unreachable);
    let results = run_all_with(&runner(config), cells).await;
    assert_finished(&results[0], Wire::OpenAi, "fine");
    assert!(results[1].error().contains("HTTP 401"));
    assert!(results[2].error().contains("no data for 300ms"));
    assert_finished(&results[3], Wire::Ollama, "fine");
    assert!(results[4].error().contains("cannot connect"));
}

#[tokio::test]
async fn cancel_during_a_retry_wait_ends_the_cell_at_once() {
    let server = server(|w| vec![error(429).with_header("Retry-After", "30"), w.ok(&["late"])]);
    let runner = runner(RunnerConfig {
        timeout: Duration::from_secs(60),
        max_wait: Duration::from_secs(60),
        ..test_config()
    });
    let (tx, mut rx) = mpsc::unbounded_channel();
    runner.start(cells(&server.base()), tx);
    let mut waiting = 0;
    while waiting < WIRES.len() {
        let ev = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("a retry is announced")
            .expect("channel open");
        if let RunEvent::Retrying { wait, .. } = ev {
            assert_eq!(wait, Duration::from_secs(30));
            waiting += 1;
        }
    }
    let cancelled_at = Instant::now();
    assert!(runner.cancel());
    let mut cancelled = 0;
    while cancelled < WIRES.len() {
        let ev = tokio::time::timeout(Duration::from_secs(2), rx.recv())
            .await
            .expect("cancel is immediate")
            .expect("channel open");
        assert!(
            matches!(ev, RunEvent::Cancelled { .. }),
            "only Cancelled after cancel, got {ev:?}"
        );
        cancelled += 1;
    }
    assert!(cancelled_at.elapsed() < Duration::from_secs(1));
    for w in WIRES {
        assert_eq!(requests_for(&server, w), 1, "{w:?}: no retry after cancel");
    }
}

#[tokio::test]
async fn per_provider_concurrency_caps_requests_in_flight() {
    // Six slow answers from one provider with concurrency 2: at most two
    // are in flight, so it takes three rounds.
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let peak = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (inf, pk) = (in_flight.clone(), peak.clone());
    let server = MockServer::start(move |_| {
        use std::sync::atomic::Ordering::SeqCst;
        let now = inf.fetch_add(1, SeqCst) + 1;
        pk.fetch_max(now, SeqCst);
        std::thread::sleep(Duration::from_millis(150));
        inf.fetch_sub(1, SeqCst);
        Reply::sse(openai_stream(&["ok"], 1, Duration::ZERO))
    });
    let mut config = test_config();
    config.concurrency_per_provider.insert("openai".into(), 2);
    let cells = (0..6).map(|_| Wire::OpenAi.cell(&server.base())).collect();
    let results = run_all_with(&runner(config), cells).await;
    for r in &results {
        assert_finished(r, Wire::OpenAi, "ok");
    }
    assert_eq!(peak.load(std::sync::atomic::Ordering::SeqCst), 2);
}
