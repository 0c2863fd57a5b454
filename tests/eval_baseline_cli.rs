//! `pwb eval --baseline` end to end with the real binary against a
//! scripted server: a baseline from the history (`last`, `blessed`, an id)
//! and from a `.json` results file, `--fail-on-regression`'s exit codes
//! (0, 100), `--bless`, and every unreadable baseline (no eval recorded,
//! unknown id, missing or malformed file, corrupt history, history off)
//! exit 1 before any call.

mod support;

use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use support::cli::pwb;
use support::mock_llm::{MockServer, RecordedRequest, Reply, openai_stream};

/// Answers the ticket's category when the system message asks for JSON,
/// else "other" (so editing the prompt makes the suite regress).
fn server() -> MockServer {
    MockServer::start(|req: &RecordedRequest| {
        let body = req.json();
        let msgs = body["messages"].as_array().cloned().unwrap_or_default();
        let text = |role: &str| -> String {
            msgs.iter()
                .filter(|m| m["role"] == role)
                .filter_map(|m| m["content"].as_str())
                .collect()
        };
        let cat = if !text("system").contains("JSON") {
            "other"
        } else if text("user").contains("refund") {
            "billing"
        } else {
            "bug"
        };
        let answer = format!("{{\"category\": \"{cat}\"}}");
        Reply::sse(openai_stream(&[&answer], 7, Duration::ZERO))
    })
}

const SUITE: &str = "\
tests:
  - description: refund is billing
    vars: { ticket: 'please refund me' }
    assert:
      - type: contains
        value: '\"billing\"'
  - description: crash is a bug
    vars: { ticket: 'the app crashes' }
    assert:
      - type: contains
        value: '\"bug\"'
";

fn set_prompt(dir: &Path, system: &str) {
    std::fs::write(
        dir.join("prompts/triage.prompt"),
        format!("---\nconfig:\n  temperature: 0\n---\n{{{{role \"system\"}}}}{system}\n{{{{role \"user\"}}}}{{{{ticket}}}}"),
    )
    .unwrap();
}

fn setup(extra_toml: &str) -> (MockServer, tempfile::TempDir) {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("prompts")).unwrap();
    std::fs::create_dir_all(d.join("tests")).unwrap();
    std::fs::write(
        d.join("pwb.toml"),
        format!(
            "[[models]]\nid = \"openai:m\"\nlabel = \"m\"\nselected = true\nbase_url = \"{}\"\n{extra_toml}",
            server.base_v1()
        ),
    )
    .unwrap();
    set_prompt(d, "Reply with JSON.");
    std::fs::write(d.join("tests/triage.yaml"), SUITE).unwrap();
    (server, dir)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_regression_against_the_last_eval_or_a_json_file_exits_100() {
    let (server, dir) = setup("");
    let d = dir.path();
    let (code, out, err) = pwb(d, &["eval", "--no-cache", "-o", "base.json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    // Nothing changed: no regression.
    let (code, out, err) = pwb(
        d,
        &[
            "eval",
            "--no-cache",
            "--baseline",
            "last",
            "--fail-on-regression",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("Against the baseline eval "), "{out}");
    assert!(out.contains("(last)"), "{out}");
    assert!(out.contains("0 regressed, 0 improved, 0 flaky, 0 changed within noise, 2 unchanged of 2 cases both ran"), "{out}");
    // The prompt loses its instruction: both cases now fail.
    set_prompt(d, "Answer briefly.");
    let gate = [
        "eval",
        "--no-cache",
        "--fail-under",
        "0",
        "--fail-on-regression",
        "-o",
        "r.md",
        "-o",
        "r.json",
        "--baseline",
    ];
    let (code, out, err) = pwb(d, &[&gate[..], &["last"]].concat());
    assert_eq!(
        code, 100,
        "--fail-under 0 passes, the regression does not\n{out}\n{err}"
    );
    assert!(
        out.contains("Regressed (passed before, fails now):"),
        "{out}"
    );
    assert!(
        out.contains("triage · m · \"refund is billing\": passed → failed"),
        "{out}"
    );
    assert!(
        out.contains("    now: Expected output to contain \"\"billing\"\""),
        "{out}"
    );
    assert!(
        out.contains("Pass rate 100.0% → 0.0%: −100.0 points, 95% CI"),
        "{out}"
    );
    let md = std::fs::read_to_string(d.join("r.md")).unwrap();
    assert!(md.contains("### ❌ Against the baseline eval "), "{md}");
    assert!(
        md.contains("<details open><summary>Regressed (passed before, fails now) (2)</summary>"),
        "{md}"
    );
    let j = read_json(&d.join("r.json"));
    assert_eq!(j["baseline"]["regressed"], 2, "{j}");
    assert_eq!(j["baseline"]["cases"][0]["before"]["passed"], 1);
    // The same from the file kept in git; without the flag, no gate.
    let (code, out, err) = pwb(d, &[&gate[..], &["base.json"]].concat());
    assert_eq!(code, 100, "{out}\n{err}");
    assert!(out.contains("Against the baseline base.json"), "{out}");
    let (code, out, _) = pwb(
        d,
        &[
            "eval",
            "--no-cache",
            "--fail-under",
            "0",
            "--baseline",
            "base.json",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 regressed"), "{out}");
    // Back to the good prompt: an improvement is no regression.
    set_prompt(d, "Reply with JSON.");
    let (code, out, err) = pwb(
        d,
        &[
            "eval",
            "--no-cache",
            "--fail-on-regression",
            "--baseline",
            "last",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("0 regressed, 2 improved"), "{out}");
    assert_eq!(server.requests().len(), 12);
}

#[test]
fn bless_moves_the_baseline_only_on_purpose() {
    let (_server, dir) = setup("");
    let d = dir.path();
    let (code, out, err) = pwb(d, &["eval", "--no-cache", "--bless"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("blessed eval "), "{err}");
    assert!(err.contains(" as the baseline of triage"), "{err}");
    let blessed_id = err
        .lines()
        .find_map(|l| l.strip_prefix("recorded as eval "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    set_prompt(d, "Answer briefly.");
    let (code, _, err) = pwb(d, &["eval", "--no-cache"]);
    assert_eq!(code, 100, "{err}");
    // `last` is the failing run; `blessed` is still the good one.
    let args = [
        "eval",
        "--no-cache",
        "--fail-under",
        "0",
        "--fail-on-regression",
        "--baseline",
    ];
    let (code, out, _) = pwb(d, &[&args[..], &["last"]].concat());
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = pwb(d, &[&args[..], &["blessed"]].concat());
    assert_eq!(code, 100, "{out}");
    assert!(
        out.contains(&format!("eval {} (blessed)", &blessed_id[..8])),
        "{out}"
    );
    // An id prefix names the same eval.
    let (code, out, _) = pwb(d, &[&args[..], &[&blessed_id[..6]]].concat());
    assert_eq!(code, 100, "{out}");
    assert!(out.contains("2 regressed"), "{out}");
}

#[test]
fn an_unreadable_baseline_is_exit_1_before_any_call() {
    let (server, dir) = setup("");
    let d = dir.path();
    std::fs::write(d.join("empty.json"), "{\"suite\": \"x\"}").unwrap();
    std::fs::write(d.join("broken.json"), "{\"results\": [").unwrap();
    for (reference, says) in [
        ("last", "no finished eval of triage is recorded"),
        ("blessed", "the suite triage has no blessed baseline"),
        ("missing.json", "cannot read missing.json"),
        ("empty.json", "no `results` list"),
        ("broken.json", "not JSON"),
    ] {
        let (code, out, err) = pwb(
            d,
            &["eval", "--baseline", reference, "--fail-on-regression"],
        );
        assert_eq!(code, 1, "{reference}: {out}\n{err}");
        assert!(
            err.contains(&format!("error: --baseline {reference}: ")),
            "{err}"
        );
        assert!(err.contains(says), "{reference}: {err}");
    }
    let (code, _, err) = pwb(d, &["eval", "--fail-on-regression"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("--fail-on-regression needs --baseline"),
        "{err}"
    );
    let (code, _, err) = pwb(
        d,
        &["eval", "--baseline", "last", "--regression-alpha", "1.5"],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(server.requests().len(), 0, "nothing was called");
    // Now an eval exists: an unknown id is still an error.
    let (code, _, _) = pwb(d, &["eval", "--no-cache"]);
    assert_eq!(code, 0);
    let (code, _, err) = pwb(d, &["eval", "--baseline", "0123abcd"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no recorded eval with id 0123abcd"), "{err}");
    let (code, _, err) = pwb(d, &["eval", "--baseline", "yesterday"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("`yesterday` is neither an eval id, `last`, `blessed`, a label of the suite's prompt nor a results file"),
        "{err}"
    );
    // A corrupt history: the gate cannot pass.
    std::fs::write(
        d.join(".data/history.sqlite"),
        b"this is not a database, not at all ".repeat(200),
    )
    .unwrap();
    for f in ["history.sqlite-wal", "history.sqlite-shm"] {
        let _ = std::fs::remove_file(d.join(".data").join(f));
    }
    let before = server.requests().len();
    for args in [
        &["eval", "--baseline", "last", "--fail-on-regression"][..],
        &["eval", "--bless"][..],
    ] {
        let (code, out, err) = pwb(d, args);
        assert_eq!(code, 1, "{args:?}: {out}\n{err}");
        assert!(err.starts_with("error: --b"), "{err}");
        assert!(err.contains("hint:"), "{err}");
    }
    assert_eq!(server.requests().len(), before, "nothing was called");
}

#[test]
fn history_turned_off_cannot_give_a_baseline() {
    let (server, dir) = setup("\n[history]\nenabled = false\n");
    let d = dir.path();
    for args in [
        &["eval", "--baseline", "last"][..],
        &["eval", "--bless"][..],
    ] {
        let (code, _, err) = pwb(d, args);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("enabled = true"), "{err}");
    }
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn a_labels_last_eval_is_a_baseline() {
    let (_server, dir) = setup("");
    let d = dir.path();
    let (code, out, err) = pwb(d, &["eval", "--no-cache"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = pwb(d, &["label", "triage@latest", "production"]);
    assert_eq!(code, 0, "{out}\n{err}");
    // A later edit regresses; the label still names the first text.
    set_prompt(d, "Answer briefly.");
    let (code, _, _) = pwb(d, &["eval", "--no-cache"]);
    assert_eq!(code, 100);
    let (code, out, err) = pwb(
        d,
        &[
            "eval",
            "--no-cache",
            "--baseline",
            "production",
            "--fail-on-regression",
        ],
    );
    assert_eq!(code, 100, "{out}\n{err}");
    assert!(out.contains("(label production)"), "{out}");
    assert!(out.contains("2 regressed"), "{out}");
    // A label no eval ran (the saved text, never evaluated): exit 1
    // before any call.
    set_prompt(d, "Something else, never evaluated.");
    let (code, out, err) = pwb(d, &["label", "triage@saved", "staging"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, _, err) = pwb(d, &["eval", "--baseline", "staging"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("no finished eval of triage ran the text labelled staging"),
        "{err}"
    );
}
