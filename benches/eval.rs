//! `pwb eval`'s figures (printed, never asserted): the real binary runs a
//! suite of 1,000 cases × 1 model with two assertions each, `-j 32`,
//! against a loopback OpenAI-compatible server that answers at once, then
//! with 100 ms of latency per answer. Wall time from spawn to exit, and
//! peak RSS (through `/usr/bin/time`, when the machine has it). The
//! history is recorded as in everyday use (a fresh data folder each run);
//! the response cache is off (`--no-cache`), so every case is a call.
//!
//! `cargo bench --bench eval` (`PWB_BENCH_CASES=N` for another size).

#[path = "../tests/support/mock_llm.rs"]
#[allow(dead_code)]
mod mock_llm;

use mock_llm::{MockServer, Reply, Step, openai_stream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn workspace(dir: &Path, base: &str, cases: usize) {
    std::fs::create_dir_all(dir.join("prompts")).expect("mkdir");
    std::fs::create_dir_all(dir.join("tests")).expect("mkdir");
    std::fs::write(
        dir.join("pwb.toml"),
        format!("[[models]]\nid = \"openai:bench\"\nselected = true\nbase_url = \"{base}\"\n"),
    )
    .expect("pwb.toml");
    std::fs::write(
        dir.join("prompts/triage.prompt"),
        "---\nconfig:\n  temperature: 0\n---\n{{role \"system\"}}Reply with JSON.\n{{role \"user\"}}Ticket {{n}}: {{ticket}}",
    )
    .expect("prompt");
    let mut suite = String::from("tests:\n");
    for i in 0..cases {
        suite.push_str(&format!(
            "  - description: case {i}\n    vars: {{ n: {i}, ticket: 'I was billed twice for order {i}' }}\n    assert:\n      - type: is-json\n      - type: contains\n        value: billing\n"
        ));
    }
    std::fs::write(dir.join("tests/triage.yaml"), suite).expect("suite");
}

/// Wall time and peak RSS (KiB) of one `pwb eval`.
fn one_eval(dir: &Path) -> (Duration, Option<u64>, i32) {
    let bin = env!("CARGO_BIN_EXE_pwb");
    let data = tempfile::tempdir().expect("data dir");
    let timed = Path::new("/usr/bin/time").is_file();
    let mut cmd = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%M", bin]);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(["eval", "--no-cache", "-j", "32"])
        .current_dir(dir)
        .env("PWB_DATA_DIR", data.path())
        .env("OPENAI_API_KEY", "sk-bench");
    let started = Instant::now();
    let out = cmd.output().expect("run pwb eval");
    let wall = started.elapsed();
    let rss = timed
        .then(|| {
            let err = String::from_utf8_lossy(&out.stderr);
            err.lines().last()?.trim().parse::<u64>().ok()
        })
        .flatten();
    (wall, rss, out.status.code().unwrap_or(-1))
}

fn report(label: &str, dir: &Path, runs: usize) {
    let mut walls = Vec::new();
    let mut peak = None;
    for _ in 0..runs {
        let (wall, rss, code) = one_eval(dir);
        assert!(code == 0 || code == 100, "pwb eval exited {code}");
        walls.push(wall);
        peak = peak.max(rss);
    }
    walls.sort();
    let best = walls[0];
    let median = walls[walls.len() / 2];
    let rss = peak
        .map(|k| format!("{:.1} MB", k as f64 / 1024.0))
        .unwrap_or_else(|| "n/a (no /usr/bin/time)".into());
    println!(
        "{label}: best {:.3} s, median {:.3} s of {runs}; peak RSS {rss}",
        best.as_secs_f64(),
        median.as_secs_f64()
    );
}

fn main() {
    let cases: usize = std::env::var("PWB_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let answer = r#"{"category": "billing", "priority": "normal"}"#;
    let instant =
        MockServer::start(move |_| Reply::sse(openai_stream(&[answer], 20, Duration::ZERO)));
    let dir = tempfile::tempdir().expect("tempdir");
    workspace(dir.path(), &instant.base_v1(), cases);
    report(
        &format!("{cases} cases × 1 model × 2 assertions, -j 32, instant server"),
        dir.path(),
        5,
    );
    let slow = MockServer::start(move |_| {
        let mut steps = vec![Step::Sleep(Duration::from_millis(100))];
        steps.extend(openai_stream(&[answer], 20, Duration::ZERO));
        Reply::sse(steps)
    });
    let dir = tempfile::tempdir().expect("tempdir");
    workspace(dir.path(), &slow.base_v1(), cases);
    report(
        &format!(
            "{cases} cases, -j 32, 100 ms per answer (ideal {:.1} s)",
            cases as f64 / 32.0 * 0.1
        ),
        dir.path(),
        3,
    );
}
