//! The history store's figures (printed, never asserted):
//! - recording's cost: 1,000 calls through the runner and the collector
//!   against a loopback server that answers at once, without and with the
//!   history writer (flushed before the clock stops);
//! - with N recorded calls (default 1,000,000; `PWB_BENCH_CALLS=N`):
//!   `pwb stats` for one prompt, the History screen's first page, a
//!   full-text search (a rare and a common word), and the database size
//!   per 1,000 calls.

#[path = "../tests/support/mock_llm.rs"]
#[allow(dead_code)]
mod mock_llm;

use mock_llm::{MockServer, Reply, openai_stream};
use pwb::provider::openai::OpenAi;
use pwb::provider::{ChatRequest, GenParams, Provider};
use pwb::run::{CellSlot, PlannedCell, Runner, RunnerConfig, plan::into_cells};
use pwb::session::Collector;
use pwb::session::record::{Face, PromptText, Recorder, RunContext, SettledCall};
use pwb::store::filter::CallFilter;
use pwb::store::{HistoryWriter, Store, calls, search, stats};
use pwb::types::{Message, ModelId};
use pwb::usage::Catalog;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CALLS_PER_RUN: usize = 1_000;

fn planned(provider: &Arc<dyn Provider>, i: usize) -> PlannedCell {
    PlannedCell {
        name: "openai:bench".into(),
        model: ModelId::parse("openai:bench").expect("id"),
        provider: provider.clone(),
        request: ChatRequest {
            model: "bench".into(),
            messages: vec![Message::text("user", format!("Case {i}: say hello."))],
            params: GenParams::default(),
            json_schema: None,
            ..Default::default()
        },
        slot: CellSlot::default(),
    }
}

/// 1,000 calls at concurrency 32; with `writer`, every call recorded.
fn one_run(server: &MockServer, writer: Option<&Arc<HistoryWriter>>, ws: &Path) -> Duration {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let provider: Arc<dyn Provider> = Arc::new(OpenAi::new(server.base_v1(), Some("sk".into())));
    let cells: Vec<PlannedCell> = (0..CALLS_PER_RUN).map(|i| planned(&provider, i)).collect();
    let config = RunnerConfig {
        concurrency: 32,
        max_parallel: 32,
        ..RunnerConfig::default()
    };
    runtime.block_on(async {
        let started = Instant::now();
        let mut results = Collector::new(1, &cells, None);
        if let Some(w) = writer {
            let recorder: Arc<dyn Recorder> = w.clone();
            let context = RunContext {
                face: Face::Eval,
                workspace: ws.to_path_buf(),
                prompt: Arc::new(PromptText {
                    name: "bench".into(),
                    source: "Case {{i}}: say hello.".into(),
                    saved: true,
                    ..Default::default()
                }),
            };
            results = results.record(recorder, context, &cells, &Catalog::builtin());
        }
        let runner = Runner::new(tokio::runtime::Handle::current(), config);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        runner.start_as(1, into_cells(cells), tx);
        while results.is_running() {
            let Some(ev) = rx.recv().await else { break };
            results.apply(ev);
        }
        if let Some(w) = writer
            && let Some(p) = w.flush()
        {
            eprintln!("problem: {p}");
        }
        started.elapsed()
    })
}

/// The process's CPU time (user + system), from /proc/self/stat (in
/// clock ticks of 10 ms): on a loaded machine, wall time says little.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = after
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    // Fields 14 and 15 (utime, stime); `after` starts at field 3.
    let ticks = f.get(10).copied().unwrap_or(0) + f.get(11).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn recording_overhead(dir: &Path) {
    let server =
        MockServer::start(|_| Reply::sse(openai_stream(&["Hello", ", world"], 5, Duration::ZERO)));
    let writer = HistoryWriter::start(dir.join("overhead.sqlite"));
    let _ = one_run(&server, None, dir); // warm up
    let (mut plain, mut recorded) = (Vec::new(), Vec::new());
    let (mut plain_cpu, mut recorded_cpu) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..5 {
        let c = cpu_time();
        plain.push(one_run(&server, None, dir));
        let c2 = cpu_time();
        recorded.push(one_run(&server, Some(&writer), dir));
        plain_cpu += c2 - c;
        recorded_cpu += cpu_time() - c2;
    }
    let (p, r) = (median(plain), median(recorded));
    println!(
        "recording: {CALLS_PER_RUN} calls against a zero-latency loopback server: {:.1} ms without, {:.1} ms with the history (median wall time of 5): {:+.1}%; CPU {:.0} ms vs {:.0} ms a run: {:+.1}%",
        p.as_secs_f64() * 1e3,
        r.as_secs_f64() * 1e3,
        (r.as_secs_f64() / p.as_secs_f64() - 1.0) * 100.0,
        plain_cpu.as_secs_f64() * 200.0,
        recorded_cpu.as_secs_f64() * 200.0,
        (recorded_cpu.as_secs_f64() / plain_cpu.as_secs_f64() - 1.0) * 100.0
    );
}

const WORDS: &[&str] = &[
    "the",
    "ticket",
    "billing",
    "refund",
    "invoice",
    "account",
    "customer",
    "queue",
    "routine",
    "urgent",
    "engineering",
    "crash",
    "export",
    "login",
    "password",
    "reset",
    "charge",
    "twice",
    "plan",
    "enterprise",
    "priority",
    "escalate",
    "reply",
    "within",
    "hours",
    "team",
    "support",
    "feature",
    "request",
    "dark",
    "mode",
    "german",
    "receipt",
    "vat",
    "subscription",
    "duplicate",
];

fn answer(rng: &mut fastrand::Rng, i: usize) -> String {
    let n = rng.usize(40..120);
    let mut words: Vec<String> = (0..n)
        .map(|_| WORDS[rng.usize(..WORDS.len())].to_string())
        .collect();
    // One rare word per ~1,000 answers, one unique token per answer.
    if i % 1000 == 7 {
        words.push("zanzibar".into());
    }
    words.push(format!("ref{i}"));
    words.join(" ")
}

fn generate(dir: &Path, n: usize) -> (std::path::PathBuf, Duration, Duration) {
    let path = dir.join("million.sqlite");
    let writer = HistoryWriter::start(path.clone());
    let ws = dir.join("ws");
    let mut rng = fastrand::Rng::with_seed(42);
    let prompts: Vec<Arc<PromptText>> = (0..100)
        .map(|v| {
            Arc::new(PromptText {
                name: format!("prompt{}", v / 5),
                source: format!(
                    "---\nconfig:\n  temperature: 0.2\n---\nVersion {v}: route {{{{ticket}}}}"
                ),
                saved: v % 5 != 4,
                ..Default::default()
            })
        })
        .collect();
    let models = [
        "openai:gpt-4o",
        "openai:gpt-4o-mini",
        "anthropic:claude-sonnet-4-5",
        "gemini:gemini-2.5-flash",
    ];
    // Calls are made in chunks, untimed; the clock runs while the writer
    // takes a chunk and writes it (record + flush).
    let mut writing = Duration::ZERO;
    let mut cpu = Duration::ZERO;
    let mut chunk = Vec::with_capacity(10_000);
    for i in 0..n {
        let p = &prompts[(i / 50) % prompts.len()];
        let model = models[i % models.len()];
        let mut o = pwb::run::CellOutcome::new(
            model.into(),
            ModelId::parse(model).expect("id"),
            GenParams::default(),
        );
        o.apply(pwb::run::RunEvent::Started {
            run: 1,
            cell: 0,
            at: std::time::Instant::now(),
        });
        o.apply(pwb::run::RunEvent::Finished {
            run: 1,
            cell: 0,
            completion: pwb::provider::Completion {
                text: answer(&mut rng, i),
                usage: pwb::types::Usage {
                    input_tokens: Some(200 + rng.u64(..100)),
                    output_tokens: Some(60 + rng.u64(..80)),
                    ..Default::default()
                },
                time_to_first_token: Some(Duration::from_millis(100 + rng.u64(..400))),
                total_time: Duration::from_millis(500 + rng.u64(..3000)),
                ..Default::default()
            },
        });
        if i % 50 == 3 {
            o.apply(pwb::run::RunEvent::Failed {
                run: 1,
                cell: 0,
                error: "HTTP 500: overloaded".into(),
            });
        }
        chunk.push(SettledCall {
            context: RunContext {
                face: Face::Eval,
                workspace: ws.clone(),
                prompt: p.clone(),
            },
            messages: vec![
                Message::text("system", "You route support tickets."),
                Message::text(
                    "user",
                    format!("Ticket {}: {}", i % 5000, WORDS[i % WORDS.len()]),
                ),
            ],
            outcome: o,
            cost: Some(0.0004),
        });
        if chunk.len() == 10_000 || i + 1 == n {
            let (t, c) = (Instant::now(), cpu_time());
            for call in chunk.drain(..) {
                writer.record(call);
            }
            writer.flush();
            writing += t.elapsed();
            cpu += cpu_time() - c;
            if (i + 1) % 100_000 == 0 {
                eprintln!(
                    "  {} calls recorded ({:.0} s writing)",
                    i + 1,
                    writing.as_secs_f64()
                );
            }
        }
    }
    if let Some(p) = writer.flush() {
        eprintln!("problem: {p}");
    }
    (path, writing, cpu)
}

fn time<T>(f: impl Fn() -> T) -> (Duration, T) {
    let _ = f(); // warm the page cache once
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..5 {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.expect("ran"))
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // PWB_BENCH_DIR=DIR keeps the generated database there and, when it is
    // there already, measures the queries again without regenerating it.
    let kept = std::env::var_os("PWB_BENCH_DIR").map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    let n: usize = std::env::var("PWB_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let path = dir.join("million.sqlite");
    if kept.is_none() || !path.exists() {
        std::fs::create_dir_all(&dir).expect("bench dir");
        recording_overhead(&dir);
        let (_, took, cpu) = generate(&dir, n);
        println!(
            "recorded {n} calls through the writer: {:.1} s of writing ({:.0} µs a call), {:.0} µs of CPU a call",
            took.as_secs_f64(),
            took.as_secs_f64() * 1e6 / n as f64,
            cpu.as_secs_f64() * 1e6 / n as f64
        );
    }
    let store = Store::open(&path).expect("open");
    store
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize;")
        .expect("checkpoint");
    let ws = store
        .workspace(&dir.join("ws"))
        .expect("query")
        .expect("recorded");
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM calls", [], |r| r.get(0))
        .expect("count");
    let n = n as usize;
    let size: u64 = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "database: {:.1} MB, {:.0} KB per 1,000 calls",
        size as f64 / 1e6,
        size as f64 / 1e3 / (n as f64 / 1e3)
    );
    let one = CallFilter {
        prompt: Some("prompt7".into()),
        ..CallFilter::workspace(ws)
    };
    let (t, rows) = time(|| stats::by_version(store.conn(), &one).expect("stats"));
    let calls_of_prompt: u64 = rows.iter().map(|r| r.calls).sum();
    println!(
        "pwb stats for one prompt ({calls_of_prompt} calls, {} rows): {:.1} ms (target 300 ms)",
        rows.len(),
        t.as_secs_f64() * 1e3
    );
    let (t, page) =
        time(|| calls::recent(store.conn(), &CallFilter::workspace(ws), 50, 0).expect("recent"));
    println!(
        "History first page ({} calls): {:.2} ms (target 50 ms)",
        page.len(),
        t.as_secs_f64() * 1e3
    );
    for word in ["zanzibar", "refund", "ref123456"] {
        let (t, hits) = time(|| search::calls(store.conn(), ws, word, 50).expect("search"));
        println!(
            "full-text search `{word}` (first {} hits): {:.1} ms (target 200 ms)",
            hits.len(),
            t.as_secs_f64() * 1e3
        );
    }
    let (t, hits) = time(|| search::calls(store.conn(), ws, "Ticket 4321", 50).expect("search"));
    println!(
        "full-text search in requests `Ticket 4321` ({} hits): {:.1} ms",
        hits.len(),
        t.as_secs_f64() * 1e3
    );
}
