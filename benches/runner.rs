//! The runner's own overhead: 1,000 requests at concurrency 32 against a
//! loopback OpenAI-format server that answers at once, as requests per
//! second, and the process's peak memory (VmHWM). Prints; asserts nothing.

#[path = "../tests/support/mock_llm.rs"]
#[allow(dead_code)]
mod mock_llm;

use mock_llm::{MockServer, Reply, openai_stream};
use pwb::provider::openai::OpenAi;
use pwb::provider::{ChatRequest, GenParams, Provider};
use pwb::run::{Cell, RunEvent, Runner, RunnerConfig};
use pwb::types::Message;
use std::sync::Arc;
use std::time::{Duration, Instant};

const REQUESTS: usize = 1_000;
const CONCURRENCY: usize = 32;

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let server =
        MockServer::start(|_| Reply::sse(openai_stream(&["Hello", ", world"], 5, Duration::ZERO)));
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let before = vm_hwm_kb();
    let provider: Arc<dyn Provider> = Arc::new(OpenAi::new(server.base_v1(), Some("sk".into())));
    let config = RunnerConfig {
        concurrency: CONCURRENCY,
        max_parallel: CONCURRENCY,
        ..RunnerConfig::default()
    };
    let (elapsed, finished, failed) = runtime.block_on(async {
        let runner = Runner::new(tokio::runtime::Handle::current(), config);
        let cells: Vec<Cell> = (0..REQUESTS)
            .map(|_| Cell {
                provider: provider.clone(),
                request: ChatRequest {
                    model: "bench".into(),
                    messages: vec![Message::text("user", "Say hello.")],
                    params: GenParams::default(),
                    json_schema: None,
                    ..Default::default()
                },
                cache: None,
            })
            .collect();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let started = Instant::now();
        runner.start(cells, tx);
        let (mut finished, mut failed) = (0, 0);
        while finished + failed < REQUESTS {
            match rx.recv().await {
                Some(RunEvent::Finished { .. }) => finished += 1,
                Some(RunEvent::Failed { error, .. }) => {
                    if failed == 0 {
                        eprintln!("first failure: {error}");
                    }
                    failed += 1;
                }
                Some(RunEvent::Cancelled { .. }) | None => break,
                Some(_) => {}
            }
        }
        (started.elapsed(), finished, failed)
    });
    let after = vm_hwm_kb();
    let secs = elapsed.as_secs_f64();
    println!(
        "runner: {REQUESTS} requests at concurrency {CONCURRENCY}: {finished} finished, \
         {failed} failed in {:.1} ms = {:.0} requests/s ({:.0} µs each)",
        secs * 1000.0,
        REQUESTS as f64 / secs,
        secs * 1e6 / REQUESTS as f64
    );
    match (before, after) {
        (Some(b), Some(a)) => println!(
            "peak memory (VmHWM): {:.1} MB before the run, {:.1} MB after (server in-process)",
            b as f64 / 1024.0,
            a as f64 / 1024.0
        ),
        _ => println!("peak memory: /proc/self/status not readable here"),
    }
}
