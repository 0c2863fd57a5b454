//! Drives cells through the one runner and collects, per cell, the
//! terminal event and what streamed before it (text, thinking, counts).

use pwb::provider::Completion;
use pwb::run::{Cell, RunEvent, Runner, RunnerConfig};
use std::time::Duration;
use tokio::sync::mpsc;

#[derive(Debug, Clone)]
pub struct CellResult {
    pub end: RunEvent,
    pub text: String,
    pub thinking: String,
    pub text_events: usize,
    pub thinking_events: usize,
    /// The `Retrying` events, in order.
    pub retries: Vec<RunEvent>,
}

impl CellResult {
    pub fn completion(&self) -> &Completion {
        match &self.end {
            RunEvent::Finished { completion, .. } => completion,
            other => panic!("expected Finished, got {other:?}"),
        }
    }
    pub fn error(&self) -> &str {
        match &self.end {
            RunEvent::Failed { error, .. } => error,
            other => panic!("expected Failed, got {other:?}"),
        }
    }
}

/// The runner settings for tests: the defaults with quick retries, so a
/// retried failure costs milliseconds, and timeouts far above any test's.
pub fn test_config() -> RunnerConfig {
    RunnerConfig {
        max_parallel: 8,
        backoff_base: Duration::from_millis(10),
        max_wait: Duration::from_secs(5),
        ..RunnerConfig::default()
    }
}

/// Runs all cells to their terminal event; results are in cell order.
pub async fn run_all(cells: Vec<Cell>) -> Vec<CellResult> {
    run_all_with(
        &Runner::new(tokio::runtime::Handle::current(), test_config()),
        cells,
    )
    .await
}

/// `run_all` on a given runner; `Retrying` events are counted.
pub async fn run_all_with(runner: &Runner, cells: Vec<Cell>) -> Vec<CellResult> {
    let n = cells.len();
    let (tx, mut rx) = mpsc::unbounded_channel();
    runner.start(cells, tx);
    let blank = CellResult {
        end: RunEvent::Started {
            run: 0,
            cell: 0,
            at: std::time::Instant::now(),
        },
        text: String::new(),
        thinking: String::new(),
        text_events: 0,
        thinking_events: 0,
        retries: Vec::new(),
    };
    let mut out = vec![blank; n];
    let mut done = 0;
    while done < n {
        let ev = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("runner went quiet")
            .expect("channel open");
        let r = &mut out[ev.cell()];
        match &ev {
            RunEvent::Text { text, .. } => {
                r.text.push_str(text);
                r.text_events += 1;
            }
            RunEvent::Thinking { text, .. } => {
                r.thinking.push_str(text);
                r.thinking_events += 1;
            }
            RunEvent::Retrying { .. } => r.retries.push(ev.clone()),
            _ => {}
        }
        if ev.is_terminal() {
            r.end = ev;
            done += 1;
        }
    }
    out
}

/// A port on 127.0.0.1 that refuses connections: bound but never
/// listening. The socket is leaked on purpose, so for the rest of the test
/// process no mock server can be given the port (with retries, a freed port
/// could be taken by a parallel test's server and answer).
pub fn refused_port() -> u16 {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    let port = socket.local_addr().expect("addr").port();
    std::mem::forget(socket);
    port
}
