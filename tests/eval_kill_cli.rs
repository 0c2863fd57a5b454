//! `kill -9` of `pwb eval` midway loses nothing it reported done: the
//! real binary runs a suite where one model answers at once and one never
//! in time; as soon as a progress line on stderr says cells are done, the
//! process is killed with SIGKILL, and the history database must hold
//! every call and grade that line counted.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use support::cli::CANARY_KEY;
use support::mock_llm::{MockServer, Reply, model_of, openai_stream};

const CASES: usize = 6;

fn workspace(dir: &std::path::Path, base: &str) {
    std::fs::create_dir_all(dir.join("prompts")).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    let mut toml = String::new();
    for m in ["fast", "slow"] {
        toml.push_str(&format!(
            "[[models]]\nid = \"openai:{m}\"\nlabel = \"{m}\"\nselected = true\nbase_url = \"{base}\"\n\n"
        ));
    }
    std::fs::write(dir.join("pwb.toml"), toml).unwrap();
    std::fs::write(
        dir.join("prompts/triage.prompt"),
        "{{role \"system\"}}Reply with JSON.\n{{role \"user\"}}{{ticket}}",
    )
    .unwrap();
    let mut suite = String::from("tests:\n");
    for i in 0..CASES {
        // Every other case fails for the fast model: grades of both kinds.
        let want = if i % 2 == 0 {
            "billing"
        } else {
            "nothing like it"
        };
        suite.push_str(&format!(
            "  - description: case {i}\n    vars: {{ ticket: 'ticket {i}' }}\n    assert:\n      - type: contains\n        value: '{want}'\n"
        ));
    }
    std::fs::write(dir.join("tests/triage.yaml"), suite).unwrap();
}

/// `[6/12] ✓ 3 ✗ 3 ! 0 · $0.00` as (done, passed, failed, errors).
fn parse_progress(line: &str) -> Option<(i64, i64, i64, i64)> {
    let rest = line.strip_prefix('[')?;
    let (done, rest) = rest.split_once('/')?;
    let num = |mark: &str| -> Option<i64> {
        let after = rest.split_once(mark)?.1.trim_start();
        after.split_whitespace().next()?.parse().ok()
    };
    Some((done.parse().ok()?, num("✓")?, num("✗")?, num("!")?))
}

#[test]
fn kill_9_midway_loses_nothing_reported_done() {
    let server = MockServer::start(|req| match model_of(req).as_str() {
        "fast" => Reply::sse(openai_stream(
            &["{\"category\": \"billing\"}"],
            7,
            Duration::ZERO,
        )),
        _ => Reply::sse(openai_stream(&["late"], 3, Duration::from_secs(30))),
    });
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let mut child = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(["eval", "--no-cache", "-j", "12"])
        .current_dir(dir.path())
        .env("OPENAI_API_KEY", CANARY_KEY)
        .env("PWB_DATA_DIR", dir.path().join(".data"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The fast model's cells are half the matrix: wait for the line that
    // reports all of them, and kill at once. No pause before the kill: a
    // line is printed only once what it counts is committed, so waiting
    // for the writer would hide exactly the loss this test looks for.
    let mut seen = Vec::new();
    let reported = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no progress line for 60 s: {seen:?}"));
        seen.push(line.clone());
        if let Some(p) = parse_progress(&line)
            && p.0 == CASES as i64
        {
            break p;
        }
    };
    let killed = Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "killed by a signal: {seen:?}");
    let conn = rusqlite::Connection::open(dir.path().join(".data/history.sqlite")).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let (done, passed, failed, errors) = reported;
    assert_eq!((passed, failed, errors), (3, 3, 0), "{seen:?}");
    assert_eq!(
        count("SELECT count(*) FROM evals WHERE finished IS NULL"),
        1
    );
    let graded = count(
        "SELECT count(*) FROM eval_results e JOIN calls c ON c.id = e.call_id WHERE c.status = 'done'",
    );
    assert!(
        graded >= done,
        "{graded} grades recorded, {done} reported done"
    );
    assert!(count("SELECT count(*) FROM eval_results WHERE verdict = 'pass'") >= passed);
    assert!(count("SELECT count(*) FROM eval_results WHERE verdict = 'fail'") >= failed);
    // Each failing grade kept its assertion and reason.
    assert!(
        count(
            "SELECT count(*) FROM assertion_results WHERE pass = 0 AND reason LIKE 'Expected output to contain%'"
        ) >= failed
    );
}
