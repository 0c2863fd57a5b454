//! `pwb eval` end to end with the real binary against scripted
//! OpenAI-compatible servers on 127.0.0.1: exit codes (0, 100, 1, 130),
//! the summary, every report format parsed back, the grader, the filters,
//! repeats, promptfoo configs with no workspace, and the history of the
//! eval (every call and grade recorded, never the key).

mod support;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::cli::{CANARY_KEY, pwb};
use support::mock_llm::{MockServer, RecordedRequest, Reply, model_of, openai_stream};

/// The last user message of a chat request.
fn question(req: &RecordedRequest) -> String {
    let body = req.json();
    let msgs = body["messages"].as_array().cloned().unwrap_or_default();
    msgs.iter()
        .rev()
        .find(|m| m["role"] == "user")
        .and_then(|m| m["content"].as_str().map(str::to_string))
        .unwrap_or_default()
}

fn answer(text: &str) -> Reply {
    Reply::sse(openai_stream(&[text], 7, Duration::ZERO))
}

/// `openai:good` answers the ticket's category right, `openai:bad`
/// always says "other", `openai:down` is a 500, `openai:judge` grades.
fn server() -> MockServer {
    MockServer::start(|req| match model_of(req).as_str() {
        "good" => {
            let q = question(req);
            let cat = if q.contains("refund") {
                "billing"
            } else {
                "bug"
            };
            answer(&format!("{{\"category\": \"{cat}\"}}"))
        }
        "bad" => answer("{\"category\": \"other\"}"),
        "judge" => answer(r#"{"pass": true, "score": 0.9, "reason": "it is polite"}"#),
        "slow" => Reply::sse(openai_stream(&["late"], 3, Duration::from_secs(20))),
        _ => Reply::json(500, r#"{"error":{"message":"the server fell over"}}"#),
    })
}

const SUITE: &str = "\
# triage's cases
tests:
  - description: refund is billing
    vars: { ticket: 'please refund me' }
    assert:
      - type: is-json
      - type: contains
        value: '\"{{expected}}\"'
    # promptfoo renders assertion values with the case's vars
  - description: crash is a bug
    vars: { ticket: 'the app crashes', expected: bug }
    assert:
      - type: contains
        value: '\"bug\"'
";

fn workspace(dir: &Path, base: &str, suite: &str) {
    std::fs::create_dir_all(dir.join("prompts")).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    let mut toml = String::new();
    for (m, selected) in [
        ("good", true),
        ("bad", false),
        ("down", false),
        ("judge", false),
        ("slow", false),
    ] {
        toml.push_str(&format!(
            "[[models]]\nid = \"openai:{m}\"\nlabel = \"{m}\"\nselected = {selected}\nbase_url = \"{base}\"\n\n"
        ));
    }
    toml.push_str("[pricing.\"openai:good\"]\ninput = 1.0\noutput = 2.0\n");
    std::fs::write(dir.join("pwb.toml"), toml).unwrap();
    std::fs::write(
        dir.join("prompts/triage.prompt"),
        "---\nconfig:\n  temperature: 0\n---\n{{role \"system\"}}Reply with JSON.\n{{role \"user\"}}{{ticket}}",
    )
    .unwrap();
    std::fs::write(
        dir.join("tests/triage.yaml"),
        suite.replace("{{expected}}", "billing"),
    )
    .unwrap();
}

fn setup(suite: &str) -> (MockServer, tempfile::TempDir) {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1(), suite);
    (server, dir)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_passing_suite_exits_0_and_every_report_reads_back() {
    let (server, dir) = setup(SUITE);
    let (code, out, err) = pwb(
        dir.path(),
        &[
            "eval",
            "--no-cache",
            "-o",
            "r.json",
            "-o",
            "r.jsonl",
            "-o",
            "r.xml",
            "-o",
            "r.md",
            "-o",
            "r.csv",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("2 cells: 2 passed, 0 failed, 0 errors"),
        "{out}"
    );
    assert_eq!(server.requests().len(), 2);
    let run = read_json(&dir.path().join("r.json"));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r["verdict"] == "pass"));
    assert_eq!(results[0]["case"], 0);
    assert_eq!(results[1]["case"], 1);
    assert_eq!(results[0]["model"], "good");
    assert_eq!(results[0]["asserts"][1]["value"], "\"billing\"");
    let jsonl = std::fs::read_to_string(dir.path().join("r.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 2);
    for line in jsonl.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["verdict"], "pass");
    }
    let xml = std::fs::read_to_string(dir.path().join("r.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit");
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, 2);
    assert!(!xml.contains("<failure"));
    let md = std::fs::read_to_string(dir.path().join("r.md")).unwrap();
    assert!(md.contains("✅"), "{md}");
    let mut csv = csv::Reader::from_path(dir.path().join("r.csv")).unwrap();
    assert_eq!(csv.records().count(), 2);
    // The key reached the server, and no report.
    assert!(
        server.requests()[0]
            .header("authorization")
            .unwrap()
            .contains(CANARY_KEY)
    );
    for ext in ["json", "jsonl", "xml", "md", "csv"] {
        let text = std::fs::read_to_string(dir.path().join(format!("r.{ext}"))).unwrap();
        assert!(!text.contains(CANARY_KEY), "the key is in r.{ext}");
    }
}

#[test]
fn failures_and_provider_errors_exit_100_and_each_fails_only_its_cells() {
    let (_server, dir) = setup(SUITE);
    let (code, out, err) = pwb(
        dir.path(),
        &[
            "eval",
            "--no-cache",
            "-m",
            "good",
            "-m",
            "bad",
            "-m",
            "down",
            "-o",
            "r.json",
            "-o",
            "r.xml",
        ],
    );
    assert_eq!(code, 100, "{out}\n{err}");
    assert!(
        out.contains("6 cells: 2 passed, 2 failed, 2 errors"),
        "{out}"
    );
    // The failed check says what it expected, and the answer is shown.
    assert!(
        out.contains(r#"Expected output to contain ""billing"""#),
        "{out}"
    );
    assert!(out.contains(r#"answer: "{"category": "other"}""#), "{out}");
    assert!(out.contains("the server fell over"), "{out}");
    let run = read_json(&dir.path().join("r.json"));
    let verdicts: Vec<(&str, &str)> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["model"].as_str().unwrap(), r["verdict"].as_str().unwrap()))
        .collect();
    for (model, want) in [("good", "pass"), ("bad", "fail"), ("down", "error")] {
        assert_eq!(
            verdicts
                .iter()
                .filter(|(m, v)| *m == model && *v == want)
                .count(),
            2,
            "{verdicts:?}"
        );
    }
    let xml = std::fs::read_to_string(dir.path().join("r.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let count = |tag: &str| doc.descendants().filter(|n| n.has_tag_name(tag)).count();
    assert_eq!((count("failure"), count("error")), (2, 2), "{xml}");
    // --fail-under: a third passing is enough for 30%, not for 50%.
    let (code, _, _) = pwb(
        dir.path(),
        &[
            "eval",
            "-m",
            "good",
            "-m",
            "bad",
            "-m",
            "down",
            "--fail-under",
            "30%",
        ],
    );
    assert_eq!(code, 0);
    let (code, _, _) = pwb(
        dir.path(),
        &[
            "eval",
            "-m",
            "good",
            "-m",
            "bad",
            "-m",
            "down",
            "--fail-under",
            "0.5",
        ],
    );
    assert_eq!(code, 100);
}

#[test]
fn config_errors_exit_1_before_any_call() {
    let bad_type = "tests:\n  - vars: { ticket: x }\n    assert:\n      - type: contains-everything\n        value: x\n";
    let (server, dir) = setup(bad_type);
    let (code, _out, err) = pwb(dir.path(), &["eval"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("tests/triage.yaml:4"), "{err}");
    assert!(err.contains("contains-everything"), "{err}");
    // A model-graded assertion with no grader anywhere.
    let rubric = "tests:\n  - vars: { ticket: x }\n    assert:\n      - type: llm-rubric\n        value: is polite\n";
    std::fs::write(dir.path().join("tests/triage.yaml"), rubric).unwrap();
    let (code, _out, err) = pwb(dir.path(), &["eval"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("tests/triage.yaml:4:9: llm-rubric needs a grader"),
        "{err}"
    );
    assert!(err.contains("--grader"), "{err}");
    // An unknown model, an unknown report format, a bad flag.
    for args in [
        &["eval", "-m", "openai:nope", "-m", "nolabel"][..],
        &["eval", "-o", "r.pdf"],
        &["eval", "--repeat", "zero"],
        &["eval", "--fail-under", "lots"],
    ] {
        let (code, _, err) = pwb(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            err.starts_with("error:") || err.contains("\nerror:"),
            "{err}"
        );
    }
    assert_eq!(server.requests().len(), 0, "no call was made");
}

#[test]
fn model_graded_assertions_ask_the_grader() {
    let rubric = "tests:\n  - vars: { ticket: 'please refund me' }\n    assert:\n      - type: llm-rubric\n        value: answers politely\n";
    let (server, dir) = setup(rubric);
    let (code, out, err) = pwb(
        dir.path(),
        &["eval", "--no-cache", "--grader", "judge", "-o", "r.json"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let reqs = server.requests();
    let judge: Vec<_> = reqs.iter().filter(|r| model_of(r) == "judge").collect();
    assert_eq!(judge.len(), 1);
    let asked = judge[0].body.clone();
    assert!(asked.contains("answers politely"), "{asked}");
    assert!(asked.contains("billing"), "the answer is shown: {asked}");
    let run = read_json(&dir.path().join("r.json"));
    let a = &run["results"][0]["asserts"][0];
    assert_eq!(a["pass"], true);
    assert_eq!(a["score"], 0.9);
    assert_eq!(a["reason"], "it is polite");
    assert_eq!(a["grader"]["model"], "openai:judge");
}

#[test]
fn filter_failing_reruns_only_what_failed_and_repeat_multiplies() {
    let (server, dir) = setup(SUITE);
    // `bad` fails case 1 only (case 2 wants "bug"; bad says "other": fails too).
    let two_cases = SUITE.replace("'\"bug\"'", "'category'");
    std::fs::write(
        dir.path().join("tests/triage.yaml"),
        two_cases.replace("{{expected}}", "billing"),
    )
    .unwrap();
    let (code, _, err) = pwb(
        dir.path(),
        &["eval", "--no-cache", "-m", "bad", "-o", "first.json"],
    );
    assert_eq!(code, 100, "{err}");
    let before = server.requests().len();
    let (code, out, err) = pwb(
        dir.path(),
        &[
            "eval",
            "--no-cache",
            "-m",
            "bad",
            "--filter-failing",
            "first.json",
            "--repeat",
            "3",
        ],
    );
    assert_eq!(code, 100, "{err}");
    assert_eq!(server.requests().len() - before, 3, "one case × 3 repeats");
    assert!(out.contains("3 cells: 0 passed, 3 failed"), "{out}");
    // --filter on descriptions; nothing left is a pass, as in promptfoo.
    let (code, out, _) = pwb(dir.path(), &["eval", "-m", "bad", "--filter", "^crash"]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = pwb(dir.path(), &["eval", "--filter", "nothing matches"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no case matches"), "{err}");
}

#[test]
fn a_promptfoo_config_runs_alone_with_the_echo_provider() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("anything.yaml"),
        "prompts:\n  - 'Summarize: {{text}}'\nproviders: [echo]\ntests:\n  - vars: { text: hello }\n    assert:\n      - type: contains\n        value: 'Summarize: hello'\n  - vars: { text: bye }\n    assert:\n      - type: equals\n        value: hello\n",
    )
    .unwrap();
    let (code, out, err) = pwb(dir.path(), &["eval", "anything.yaml", "-o", "r.json"]);
    assert_eq!(code, 100, "{out}\n{err}");
    assert!(out.contains("2 cells: 1 passed, 1 failed"), "{out}");
    let run = read_json(&dir.path().join("r.json"));
    assert_eq!(run["results"][1]["output"], "Summarize: bye");
}

#[test]
fn an_eval_is_recorded_with_every_call_and_grade_and_no_key() {
    let (_server, dir) = setup(SUITE);
    let (code, _, err) = pwb(
        dir.path(),
        &["eval", "--no-cache", "-m", "good", "-m", "bad"],
    );
    assert_eq!(code, 100, "{err}");
    assert!(err.contains("recorded as eval"), "{err}");
    let db = dir.path().join(".data/history.sqlite");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM calls"), 4);
    assert_eq!(count("SELECT count(*) FROM evals"), 1);
    assert_eq!(count("SELECT count(*) FROM eval_results"), 4);
    // case 1 has two assertions, case 2 one: 3 per model.
    assert_eq!(count("SELECT count(*) FROM assertion_results"), 6);
    let (code, out, err) = pwb(dir.path(), &["history"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("triage"), "{out}");
    assert!(support::cli::assert_no_key_in_history(&dir.path().join(".data")) >= 1);
}

#[test]
fn ctrl_c_stops_the_eval_reports_what_finished_and_exits_130() {
    let (_server, dir) = setup(SUITE);
    let child = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args([
            "eval",
            "--no-cache",
            "-m",
            "good",
            "-m",
            "slow",
            "-o",
            "r.json",
        ])
        .current_dir(dir.path())
        .env("OPENAI_API_KEY", CANARY_KEY)
        .env("PWB_DATA_DIR", dir.path().join(".data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("interrupted") || stdout.contains("Ctrl-C"),
        "{stdout}"
    );
    let run = read_json(&dir.path().join("r.json"));
    assert_eq!(run["interrupted"], true);
    let done: Vec<_> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["model"] == "good")
        .collect();
    assert_eq!(done.len(), 2, "the fast model's cells finished: {run}");
}

#[test]
fn max_cost_stops_starting_calls_and_says_so() {
    let (server, dir) = setup(SUITE);
    // openai:good costs $1/M in and $2/M out: 7 + 1 tokens is $0.000009.
    let (code, out, err) = pwb(
        dir.path(),
        &[
            "eval",
            "--no-cache",
            "-j",
            "1",
            "--max-cost",
            "0.000005",
            "-o",
            "r.json",
        ],
    );
    assert_eq!(code, 100, "{out}\n{err}");
    assert_eq!(server.requests().len(), 1, "the second call never started");
    assert!(out.contains("Stopped at --max-cost"), "{out}");
    let run = read_json(&dir.path().join("r.json"));
    assert_eq!(run["results"].as_array().unwrap().len(), 1);
    assert!(run["stopped_at_cost"].as_f64().unwrap() > 0.0, "{run}");
}

#[test]
fn dry_run_prints_calls_tokens_and_cost_and_sends_nothing() {
    let (server, dir) = setup(SUITE);
    let (code, out, err) = pwb(
        dir.path(),
        &[
            "eval",
            "--dry-run",
            "-m",
            "good",
            "-m",
            "bad",
            "--repeat",
            "2",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(server.requests().len(), 0, "a dry run calls nothing");
    assert!(
        out.contains("1 prompt(s) × 2 model(s) × 2 case(s) × 2 repeat(s) = 8 cells"),
        "{out}"
    );
    // Each request: system "Reply with JSON." (4 tokens) and the ticket
    // (3 tokens: "please refund me", "the app crashes"), each message's
    // role (1 token) and 3 tokens of framing, 3 for the reply:
    // 4+3+2×(1+3)+3 = 18; 4 calls per model. `openai:good` is at a
    // base_url (some other server's model): an estimate, marked `~`.
    let good = out
        .lines()
        .find(|l| l.starts_with("good"))
        .expect("a row for good");
    let cols: Vec<&str> = good.split_whitespace().collect();
    assert_eq!(cols[1], "4", "{good}");
    assert_eq!(cols[2], "~72", "{good}");
    // good's price is $1/M in, $2/M out; no max tokens: at least the input.
    assert!(
        good.contains("≥ $0.000072") || good.contains("$0.0001"),
        "{good}"
    );
    let bad = out
        .lines()
        .find(|l| l.starts_with("bad"))
        .expect("a row for bad");
    assert!(bad.contains("$?"), "bad has no price: {bad}");
    assert!(out.contains("price is unknown"), "{out}");
}

#[test]
fn dry_run_flags_calls_over_the_context_window() {
    let (server, dir) = setup(SUITE);
    // pwb.toml ends with openai:good's [pricing] table: give it a tiny window.
    let toml = dir.path().join("pwb.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("context = 10\n");
    std::fs::write(&toml, text).unwrap();
    let (code, out, err) = pwb(dir.path(), &["eval", "--dry-run"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(server.requests().len(), 0);
    // Each request is 18 tokens (see the test above): 8 over a 10-token window.
    assert!(
        out.contains("2 over the 10 token window (by up to 8)"),
        "{out}"
    );
}

#[test]
fn an_assertion_names_its_own_grader() {
    let rubric = "tests:\n  - vars: { ticket: 'please refund me' }\n    assert:\n      - type: llm-rubric\n        value: answers politely\n        provider: openai:judge\n";
    let (server, dir) = setup(rubric);
    let (code, out, err) = pwb(dir.path(), &["eval", "--no-cache", "-o", "r.json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| model_of(r) == "judge")
            .count(),
        1
    );
    let run = read_json(&dir.path().join("r.json"));
    assert_eq!(
        run["results"][0]["asserts"][0]["grader"]["model"],
        "openai:judge"
    );
}
