//! End to end: the real `pwb` binary in a tmux session, driven with
//! send-keys like a user, run against a scripted OpenAI-compatible server
//! on 127.0.0.1, read back with capture-pane.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::mock_llm::{MockServer, Reply, openai_stream};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("run tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn capture(session: &str) -> String {
    tmux(&["capture-pane", "-p", "-t", session])
}

/// Polls the screen until `pred` holds or the time is up.
fn wait_for(session: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let screen = capture(session);
        if pred(&screen) {
            return screen;
        }
        if start.elapsed() > Duration::from_secs(20) {
            panic!("timed out waiting for {what}; screen:\n{screen}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

struct Session(String);
impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

#[test]
fn types_runs_and_reads_outputs_in_tmux() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required in CI (.ci/run installs it)"
        );
        eprintln!("SKIPPED: tmux is not installed");
        return;
    }
    let server = MockServer::start(|_| {
        Reply::sse(openai_stream(
            &["Paris ", "is the ", "capital."],
            21,
            Duration::from_millis(30),
        ))
    });
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    write(
        &ws.join("pwb.toml"),
        &format!(
            "[[models]]\nid = \"openai:mock-e2e\"\nselected = true\nbase_url = \"{}\"\n",
            server.base_v1()
        ),
    );
    write(
        &ws.join("prompts/ask.prompt"),
        "---\nconfig:\n  temperature: 0.1\n---\n{{role \"user\"}}Question:",
    );
    let session = Session(format!("pwb-e2e-{}", std::process::id()));
    let bin = env!("CARGO_BIN_EXE_pwb");
    let cmd = format!(
        "PWB_DATA_DIR={data} PWB_CONFIG_DIR={data} OPENAI_API_KEY= {bin} {ws}",
        data = dir.path().join("data").display(),
        ws = ws.display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session.0,
        "-x",
        "110",
        "-y",
        "32",
        &cmd,
    ]);
    wait_for(&session.0, "the first frame", |s| {
        s.contains("Outputs") && s.contains("Question:")
    });

    // Type at the end of the prompt, then run.
    for _ in 0..8 {
        tmux(&["send-keys", "-t", &session.0, "Down"]);
    }
    tmux(&["send-keys", "-t", &session.0, "End"]);
    tmux(&[
        "send-keys",
        "-t",
        &session.0,
        "-l",
        " What is the capital of France?",
    ]);
    wait_for(&session.0, "the typed text", |s| {
        s.contains("capital of France?")
    });
    tmux(&["send-keys", "-t", &session.0, "C-r"]);
    let screen = wait_for(&session.0, "the answer", |s| {
        s.contains("Paris is the capital.") && s.contains("stop")
    });
    assert!(
        screen.contains("openai:mock-e2e"),
        "column names the model:\n{screen}"
    );
    assert!(
        screen.contains("in 21 out 3"),
        "readout shows usage:\n{screen}"
    );

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let body = reqs[0].json();
    let sent = body["messages"][0]["content"].as_str().unwrap();
    assert!(
        sent.ends_with("Question: What is the capital of France?"),
        "{sent}"
    );
    assert_eq!(body["temperature"], 0.1);

    // Save, then quit; the file on disk has the edit.
    tmux(&["send-keys", "-t", &session.0, "C-s"]);
    wait_for(&session.0, "the save", |s| s.contains("saved"));
    tmux(&["send-keys", "-t", &session.0, "C-q"]);
    let saved = std::fs::read_to_string(ws.join("prompts/ask.prompt")).unwrap();
    assert!(
        saved.ends_with("Question: What is the capital of France?"),
        "{saved}"
    );
    // Quitting ends the program (and with it the tmux session).
    let start = Instant::now();
    let alive = || {
        Command::new("tmux")
            .args(["has-session", "-t", &session.0])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    while alive() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !alive(),
        "pwb did not exit on ctrl-q:\n{}",
        capture(&session.0)
    );
}

/// SIGTERM while the TUI is up: pwb leaves raw mode and the alternate
/// screen (the shell after it sees a sane terminal) and keeps the unsaved
/// edit in a recovery file, which the next start offers back.
#[test]
fn sigterm_restores_terminal_and_keeps_edits() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "tmux is required in CI");
        eprintln!("SKIPPED: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    write(
        &ws.join("pwb.toml"),
        "[[models]]\nid = \"openai:none\"\nbase_url = \"http://127.0.0.1:9/v1\"\n",
    );
    write(&ws.join("prompts/p.prompt"), "Hello");
    let data = dir.path().join("data");
    let pidfile = dir.path().join("pid");
    let session = Session(format!("pwb-term-{}", std::process::id()));
    let bin = env!("CARGO_BIN_EXE_pwb");
    // A shell runs pwb, then reports the terminal mode once pwb is gone.
    let script = format!(
        "PWB_DATA_DIR={d} PWB_CONFIG_DIR={d} {bin} {ws} & echo $! > {pid}; wait; \
         echo EXITED; stty -a | grep -o -- '-\\?icanon' | head -1; echo MODE-REPORTED; sleep 30",
        d = data.display(),
        ws = ws.display(),
        pid = pidfile.display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session.0,
        "-x",
        "100",
        "-y",
        "30",
        "bash",
        "-c",
        &script,
    ]);
    wait_for(&session.0, "the first frame", |s| s.contains("Outputs"));
    tmux(&["send-keys", "-t", &session.0, "-l", "X"]);
    wait_for(&session.0, "the edit", |s| s.contains("XHello"));
    // No waiting for the 2 s autosave tick: the signal handler itself
    // writes the recovery file before leaving.
    let pid = std::fs::read_to_string(&pidfile).unwrap();
    let status = Command::new("kill")
        .args(["-TERM", pid.trim()])
        .status()
        .unwrap();
    assert!(status.success());
    let screen = wait_for(&session.0, "the shell after pwb", |s| {
        s.contains("MODE-REPORTED")
    });
    assert!(
        screen.contains("icanon") && !screen.contains("-icanon"),
        "terminal left in raw mode:\n{screen}"
    );
    assert!(
        !screen.contains("Outputs"),
        "alternate screen was left:\n{screen}"
    );
    let recovered = pwb::workspace::read_recovery(&data, &ws.join("prompts/p.prompt")).unwrap();
    assert_eq!(
        recovered.as_deref(),
        Some("XHello"),
        "the unsaved edit is in the recovery file"
    );
    assert_eq!(
        std::fs::read_to_string(ws.join("prompts/p.prompt")).unwrap(),
        "Hello"
    );
}
