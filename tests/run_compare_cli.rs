//! `pwb run` comparisons end to end: the real binary with `--repeat`,
//! `--sweep`, `--compare` and `--format md|json` against a scripted
//! OpenAI-compatible server on 127.0.0.1, and the errors bad flags get.

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::cli::pwb;
use support::mock_llm::{MockServer, Reply, by_model, model_of, openai_stream};

fn workspace(dir: &Path, base: &str) {
    std::fs::create_dir_all(dir.join("prompts")).unwrap();
    let mut toml = String::new();
    for (id, selected) in [("fast", true), ("other", false), ("broken", false)] {
        toml.push_str(&format!(
            "[[models]]\nid = \"openai:{id}\"\nselected = {selected}\nbase_url = \"{base}\"\n\n"
        ));
    }
    std::fs::write(dir.join("pwb.toml"), toml).unwrap();
    std::fs::write(
        dir.join("prompts/greet.prompt"),
        "---\nconfig:\n  maxOutputTokens: 32\n---\nGreet {{name}}.",
    )
    .unwrap();
    std::fs::write(
        dir.join("prompts/label.prompt"),
        "---\noutput:\n  format: json\n  schema:\n    label: string\n    score: integer\n---\nLabel {{name}}.",
    )
    .unwrap();
}

fn answer(pieces: &[&str]) -> Reply {
    Reply::sse(openai_stream(pieces, 14, Duration::from_millis(5)))
}

/// `fast` answers "Hello, Ada!" and `other` "Hello, Bo! Welcome."; any
/// other model gets a 404.
fn two_models() -> MockServer {
    MockServer::start(by_model(vec![
        ("fast", answer(&["Hello, ", "Ada!"])),
        ("other", answer(&["Hello, ", "Bo! ", "Welcome."])),
    ]))
}

const GREET: [&str; 4] = ["run", "prompts/greet.prompt", "--var", "name=Ada"];

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    GREET.iter().copied().chain(extra.iter().copied()).collect()
}

#[test]
fn repeat_sends_the_same_request_k_times_and_reports_agreement() {
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    let server = MockServer::start(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) < 2 {
            answer(&["Hello, ", "Ada!"])
        } else {
            answer(&["Hi ", "Ada!"])
        }
    });
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let (code, out, err) = pwb(dir.path(), &args(&["--repeat", "3"]));
    assert_eq!(code, 0, "{err}");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests.iter().all(|r| r.body == requests[0].body),
        "samples vary nothing"
    );
    for k in 1..=3 {
        assert!(out.contains(&format!("== openai:fast #{k}/3 ==")), "{out}");
    }
    // "Hello, Ada!" twice and "Hi Ada!" once: pairs 1, ½, ½.
    assert!(
        out.contains("-- agreement openai:fast (3 samples): 2/3 identical · sim 67% (words) · out 2 tok each · time "),
        "{out}"
    );
}

#[test]
fn cached_repeats_replay_each_sample_not_one_answer_k_times() {
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    let server = MockServer::start(move |_| {
        let n = count.fetch_add(1, Ordering::SeqCst);
        answer(&[if n.is_multiple_of(2) {
            "first"
        } else {
            "second"
        }])
    });
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let texts = |out: &str| -> (BTreeSet<String>, usize) {
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let cached = lines.iter().filter(|l| l["cached"] == true).count();
        let texts = lines
            .iter()
            .map(|l| l["text"].as_str().unwrap().to_string())
            .collect();
        (texts, cached)
    };
    let run = args(&["--repeat", "2", "--cache", "--json"]);
    let (code, out, err) = pwb(dir.path(), &run);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        texts(&out),
        (["first", "second"].map(String::from).into(), 0)
    );
    let (code, out, err) = pwb(dir.path(), &run);
    assert_eq!(code, 0, "{err}");
    assert_eq!(server.requests().len(), 2, "the second run asked nobody");
    assert_eq!(
        texts(&out),
        (["first", "second"].map(String::from).into(), 2)
    );
}

#[test]
fn sweep_runs_each_temperature_and_combines_with_repeat() {
    let server = two_models();
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let (code, out, err) = pwb(
        dir.path(),
        &args(&["--sweep", "0,0.7,1.2", "--repeat", "2"]),
    );
    assert_eq!(code, 0, "{err}");
    let temps: Vec<f64> = server
        .requests()
        .iter()
        .map(|r| r.json()["temperature"].as_f64().unwrap())
        .collect();
    assert_eq!(temps.len(), 6);
    for t in [0.0, 0.7, 1.2] {
        assert_eq!(temps.iter().filter(|x| **x == t).count(), 2, "{temps:?}");
        let label = format!("openai:fast t={t}");
        assert!(out.contains(&format!("== {label} #2/2 ==")), "{out}");
        assert!(
            out.contains(&format!(
                "-- agreement {label} (2 samples): 2/2 identical · sim 100% (words)"
            )),
            "{out}"
        );
    }
}

#[test]
fn bad_repeat_and_sweep_values_are_refused_before_any_call() {
    let server = two_models();
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    for (flags, said) in [
        (
            vec!["--sweep", "0,abc"],
            "error: --sweep: 'abc' is not a number (expected e.g. 0,0.7,1.2)",
        ),
        (
            vec!["--sweep", "0,2.5"],
            "error: --sweep: 2.5 is outside 0..2 (temperatures go from 0 to 2)",
        ),
        (
            vec!["--sweep", ""],
            "error: --sweep: no temperatures given (expected e.g. 0,0.7,1.2)",
        ),
        (
            vec!["--repeat", "0"],
            "error: --repeat: 0 samples would run nothing: use 1 or more",
        ),
        (
            vec!["--repeat", "50"],
            "error: --repeat: 50 is too many: at most 20 samples per model and temperature",
        ),
        (
            vec!["--repeat", "two"],
            "error: --repeat: 'two' is not a whole number (expected 1 to 20)",
        ),
    ] {
        let (code, out, err) = pwb(dir.path(), &args(&flags));
        assert_eq!(code, 2, "{flags:?}: {err}");
        assert_eq!(err.trim(), said, "{flags:?}");
        assert!(out.is_empty());
    }
    for flags in [
        vec!["--sweep", "0,1", "--temperature", "0.5"],
        vec!["--json", "--compare"],
        vec!["--json", "--format", "md"],
        vec!["--format", "yaml"],
    ] {
        let (code, _, err) = pwb(dir.path(), &args(&flags));
        assert_eq!(code, 2, "{flags:?} is refused by the parser: {err}");
        assert!(err.contains("error:"), "{err}");
    }
    assert!(server.requests().is_empty(), "no request was sent");
}

#[test]
fn compare_prints_table_agreement_and_word_diffs() {
    let server = two_models();
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let (code, out, err) = pwb(
        dir.path(),
        &args(&[
            "-m",
            "openai:fast",
            "-m",
            "openai:other",
            "--repeat",
            "2",
            "--compare",
        ]),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Comparison of prompts/greet.prompt (4 columns)\n\n#  column"),
        "{out}"
    );
    let row = out
        .lines()
        .find(|l| l.starts_with("3  openai:other #1/2"))
        .expect("a row per column");
    assert!(row.contains("14") && row.contains("stop"), "{row}");
    assert!(
        out.contains("  openai:fast (2 samples): 2/2 identical · sim 100% (words)")
            && out.contains("  openai:other (2 samples): 2/2 identical"),
        "{out}"
    );
    assert!(
        out.contains("── [1] openai:fast #1/2 (reference) ──\nHello, Ada!\n"),
        "{out}"
    );
    assert!(
        out.contains("── [2] openai:fast #2/2 ──\n(same as [1])\n"),
        "{out}"
    );
    assert!(out.contains("Hello, [-Ada!-]{+Bo! Welcome.+}"), "{out}");
    assert!(
        !out.contains("== openai:fast"),
        "no per-answer blocks: {out}"
    );
    // While the report waits for every answer, stderr says how far it got.
    let progress: Vec<&str> = err.lines().filter(|l| l.ends_with(": done")).collect();
    assert_eq!(progress.len(), 4, "{err}");
    assert!(progress[3].starts_with("[4/4] openai:"), "{err}");
}

#[test]
fn format_md_is_a_table_with_diff_blocks() {
    let server = two_models();
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let (code, out, err) = pwb(
        dir.path(),
        &args(&["-m", "openai:fast", "-m", "openai:other", "--format", "md"]),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "## Comparison of `prompts/greet.prompt`\n\n| # | column | temp | in | out |"
        ),
        "{out}"
    );
    assert!(
        out.contains("| 2 | openai:other | default | 14 | 3 |"),
        "{out}"
    );
    assert!(
        out.contains("#### [1] openai:fast — reference\n\n```text\nHello, Ada!\n```\n"),
        "{out}"
    );
    assert!(
        out.contains("#### [2] openai:other — diff against [1]\n\n```diff\n-Hello, Ada!\n+Hello, Bo! Welcome.\n```\n"),
        "{out}"
    );
    assert!(
        !out.contains("### Agreement"),
        "no repeats, no agreement: {out}"
    );
}

#[test]
fn format_json_carries_cells_errors_agreement_and_checks() {
    let server = MockServer::start(|req| match model_of(req).as_str() {
        "fast" => answer(&[r#"{"label": "hi", "score": 3}"#]),
        "other" => answer(&[r#"{"label": "hi", "score": "high"}"#]),
        _ => Reply::json(
            404,
            r#"{"error":{"message":"The model `broken` does not exist"}}"#,
        ),
    });
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let (code, out, err) = pwb(
        dir.path(),
        &[
            "run",
            "prompts/label.prompt",
            "--var",
            "name=x",
            "-m",
            "openai:fast",
            "-m",
            "openai:other",
            "-m",
            "openai:broken",
            "--repeat",
            "2",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "a failed model makes the exit status 1: {err}");
    let v: Value = serde_json::from_str(&out).expect("one JSON document");
    let cells = v["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 6);
    let c = &cells[1];
    assert_eq!(c["label"], "openai:fast #2/2");
    assert_eq!(
        (c["sample"].as_u64(), c["samples"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(c["text"], r#"{"label": "hi", "score": 3}"#);
    assert_eq!(c["finish_reason"], "stop");
    assert_eq!(c["usage"]["input_tokens"], 14);
    assert!(c["total_time_ms"].is_u64() && c["time_to_first_token_ms"].is_u64());
    assert!(c["error"].is_null());
    assert_eq!(c["json_check"]["valid"], true);
    let bad = &cells[2];
    assert_eq!(bad["json_check"]["valid"], false);
    assert_eq!(bad["json_check"]["path"], "$.score");
    assert_eq!(
        bad["json_check"]["error"],
        r#""high" is not of type "integer""#
    );
    assert_eq!(bad["diff_vs_reference"]["against"], 1);
    let broken = &cells[4];
    assert!(
        broken["error"].as_str().unwrap().contains("HTTP 404"),
        "{broken}"
    );
    assert!(broken["finish_reason"].is_null() && broken["json_check"].is_null());
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3);
    assert_eq!(groups[0]["cells"], serde_json::json!([1, 2]));
    assert_eq!(
        (
            groups[0]["identical"].as_u64(),
            groups[0]["similarity"].as_f64()
        ),
        (Some(2), Some(1.0))
    );
    assert_eq!(groups[2]["answered"], 0);
    assert_eq!(v["summary"]["cells_with_unknown_cost"], 6);
}
