//! End to end, the debug loop of the Tests screen: the real `pwb` in tmux
//! on a copy of the sample workspace, its model an OpenAI-compatible mock
//! whose answer follows the prompt. Run the triage suite, open the failing
//! case, load it, fix the prompt, re-run the failing cases, see ✓, add a
//! case from Outputs, quit; then `pwb eval` passes with the new case.

mod support;

use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::mock_llm::{MockServer, RecordedRequest, Reply, openai_stream};

/// The line that fixes the prompt; the mock model obeys it.
const FIX: &str = "Password questions never need a human.";

/// The mock triage model: a fixed reading of each sample ticket, except
/// that it escalates password questions to a person unless the prompt
/// says they never need one.
fn triage(req: &RecordedRequest) -> Reply {
    let body = req.json();
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let all: String = messages
        .iter()
        .filter_map(|m| m["content"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let user = messages
        .iter()
        .rev()
        .find(|m| m["role"] == "user")
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default();
    let (category, priority, human, language, summary) = if user.contains("twice") {
        (
            "billing",
            "high",
            true,
            "en",
            "Billed twice; wants one refund.",
        )
    } else if user.contains("lawyers") {
        (
            "bug",
            "urgent",
            true,
            "en",
            "App down for hours; legal threat.",
        )
    } else if user.contains("catalán") {
        (
            "feature_request",
            "low",
            false,
            "es",
            "Asks for Catalan invoices.",
        )
    } else if user.contains("password") {
        let human = !all.contains(FIX);
        (
            "account",
            "low",
            human,
            "en",
            "Asks how to change the password.",
        )
    } else {
        (
            "bug",
            "normal",
            false,
            "en",
            "Overdue reminders go out after one day.",
        )
    };
    let answer = json!({
        "category": category, "priority": priority, "summary": summary,
        "needs_human": human, "language": language,
    })
    .to_string();
    Reply::sse(openai_stream(&[&answer], 40, Duration::ZERO))
}

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("run tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Session(String);

impl Session {
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            tmux(&["send-keys", "-t", &self.0, k]);
        }
    }
    fn type_text(&self, text: &str) {
        tmux(&["send-keys", "-t", &self.0, "-l", text]);
    }
    fn capture(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.0])
    }
    /// Polls the screen until `pred` holds; panics with the screen after
    /// 30 s (a bound that only catches a hang).
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(30) {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.0])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

/// Copies the folder `from` to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The grid's row of the case whose description starts with `desc`.
fn row<'a>(screen: &'a str, desc: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(desc))
        .unwrap_or_else(|| panic!("no row for {desc}:\n{screen}"))
}

#[test]
fn a_failing_case_is_fixed_in_the_tui_and_becomes_a_test() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "tmux is required in CI");
        eprintln!("SKIPPED: tmux is not installed");
        return;
    }
    let server = MockServer::start(triage);
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-workspace"),
        &ws,
    );
    // The sample's models, swapped for the mock (history stays on).
    std::fs::write(
        ws.join("pwb.toml"),
        format!(
            "[defaults]\nprompt = \"triage\"\n\n[[models]]\nid = \"openai:mock-triage\"\n\
             selected = true\nbase_url = \"{}\"\n",
            server.base_v1()
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let session = Session(format!("pwb-loop-{}", std::process::id()));
    let cmd = format!(
        "cd {ws} && PWB_DATA_DIR={d} PWB_CONFIG_DIR={d} OPENAI_API_KEY= {bin} .",
        ws = ws.display(),
        d = data.display(),
        bin = env!("CARGO_BIN_EXE_pwb"),
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session.0,
        "-x",
        "140",
        "-y",
        "44",
        &cmd,
    ]);
    session.wait_for("the first frame", |s| {
        s.contains("Outputs") && s.contains("Route an incoming support ticket")
    });

    // Tests: the triage suite's five cases, then a run of all of them.
    session.keys(&["F6"]);
    session.wait_for("the suite's cases", |s| {
        s.contains("duplicate charge") && s.contains("password reset")
    });
    session.keys(&["r"]);
    let screen = session.wait_for("the finished run", |s| s.contains("tests finished"));
    assert!(screen.contains("✓ 4 ✗ 1"), "{screen}");
    assert!(row(&screen, "password reset").contains('✗'), "{screen}");
    assert!(row(&screen, "duplicate charge").contains('✓'), "{screen}");

    // Drill into the failing case: the failed check and its reason.
    for _ in 0..3 {
        session.keys(&["Down"]);
    }
    session.keys(&["Enter"]);
    let screen = session.wait_for("the failing cell", |s| s.contains("needs_human"));
    assert!(screen.contains("How do I change my password?"), "{screen}");

    // Load it, fix the prompt at its end, re-run the failing cases.
    session.keys(&["e"]);
    session.wait_for("the case loaded", |s| s.contains("loaded “password reset"));
    session.keys(&["C-End", "Enter"]);
    session.type_text(FIX);
    session.wait_for("the edit", |s| s.contains(FIX));
    session.keys(&["F6"]);
    session.wait_for("the Tests screen again", |s| s.contains("duplicate charge"));
    session.keys(&["F"]);
    let screen = session.wait_for("the re-run", |s| {
        s.contains("tests finished") && s.contains("fixed")
    });
    assert!(screen.contains("fixed 1 · broken 0"), "{screen}");
    assert!(row(&screen, "password reset").contains('✓'), "{screen}");
    let last = server.requests().last().unwrap().json();
    let sent = last["messages"].to_string();
    assert!(
        sent.contains(FIX),
        "the re-run sends the edited text: {sent}"
    );

    // Back to Outputs: run the loaded case in the workbench, keep the
    // answer as a new case with a regex check.
    session.keys(&["F6", "C-r"]);
    session.wait_for("the workbench answer", |s| s.contains("Asks how to change"));
    session.keys(&["A"]);
    session.wait_for("the add-a-case menu", |s| s.contains("Add as test case"));
    session.keys(&["r", "Enter"]);
    session.wait_for("the regex input", |s| s.contains("regex (ECMAScript"));
    session.type_text(r#""needs_human"\s*:\s*false"#);
    session.keys(&["Enter"]);
    session.wait_for("the case added", |s| s.contains("added a case"));
    session.keys(&["C-s"]);
    session.wait_for("the save", |s| s.contains("saved"));
    session.keys(&["C-q"]);
    let start = Instant::now();
    while session.alive() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!session.alive(), "pwb did not quit:\n{}", session.capture());

    // The suite file now has six cases; `pwb eval` passes them all with
    // the saved prompt, calling the mock again (no cache).
    let suite = std::fs::read_to_string(ws.join("tests/triage.yaml")).unwrap();
    assert!(suite.contains(r#""needs_human"\s*:\s*false"#), "{suite}");
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(["eval", "--no-cache", "-o", "r.json", "tests/triage.yaml"])
        .current_dir(&ws)
        .env("PWB_DATA_DIR", &data)
        .env("PWB_CONFIG_DIR", &data)
        .env("OPENAI_API_KEY", "")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("6 cells: 6 passed, 0 failed, 0 errors"),
        "{stdout}"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join("r.json")).unwrap()).unwrap();
    assert_eq!(report["results"].as_array().map(Vec::len), Some(6));
}
