//! The TUI records its runs: a run of an unsaved edit is a version of its
//! own (not saved), and a database that cannot be used is one warning in
//! the status bar while the run goes on.

mod support;

use pwb::store::{HistoryWriter, Store, versions};
use pwb::tui::action::{Action, Command};
use std::time::Duration;
use support::mock_llm::{MockServer, Reply, openai_stream};
use support::tui::{act_and_run, cmd, open, type_text, write_files};

fn workspace(dir: &std::path::Path, base: &str) {
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                &format!(
                    "[[models]]\nid = \"openai:fast\"\nselected = true\nbase_url = \"{base}\"\n"
                ),
            ),
            ("prompts/greet.prompt", "Greet {{name}}."),
        ],
    );
}

#[test]
fn a_run_of_an_unsaved_edit_is_recorded_as_a_version() {
    let server = MockServer::start(|_| Reply::sse(openai_stream(&["Hi!"], 5, Duration::ZERO)));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &server.base_v1());
    let mut app = open(dir);
    let writer = HistoryWriter::start(dir.join("h.sqlite"));
    app.history = Some(writer.clone());
    act_and_run(&mut app, cmd(Command::Run));
    type_text(&mut app, "Kindly ");
    assert!(app.is_dirty());
    act_and_run(&mut app, cmd(Command::Run));
    assert_eq!(writer.flush(), None);
    let store = Store::open(&writer.path).unwrap();
    let ws = store.workspace(dir).unwrap().expect("recorded");
    let list = versions::list(store.conn(), ws, "greet").unwrap();
    let got: Vec<(&str, bool, u64)> = list
        .iter()
        .map(|v| (v.version.source.as_str(), v.version.saved, v.calls))
        .collect();
    assert_eq!(
        got,
        [
            ("Kindly Greet {{name}}.", false, 1),
            ("Greet {{name}}.", true, 1)
        ]
    );
    let face: String = store
        .conn()
        .query_row("SELECT DISTINCT face FROM calls", [], |r| r.get(0))
        .unwrap();
    assert_eq!(face, "tui");
    // The edit was never written to the prompt file.
    assert_eq!(
        std::fs::read_to_string(dir.join("prompts/greet.prompt")).unwrap(),
        "Greet {{name}}."
    );
}

#[test]
fn a_damaged_database_is_one_warning_in_the_status_bar() {
    let server = MockServer::start(|_| Reply::sse(openai_stream(&["Hi!"], 5, Duration::ZERO)));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &server.base_v1());
    let db = dir.join("h.sqlite");
    std::fs::write(&db, vec![b'x'; 4096]).unwrap();
    let mut app = open(dir);
    let writer = HistoryWriter::start(db.clone());
    app.history = Some(writer.clone());
    act_and_run(&mut app, cmd(Command::Run));
    assert_eq!(app.outputs.results.cells[0].text, "Hi!", "the run goes on");
    // The writer meets the problem on its own thread; ticks poll for it.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app
        .status
        .as_ref()
        .is_none_or(|s| !s.text.starts_with("history"))
    {
        assert!(std::time::Instant::now() < deadline, "no warning shown");
        std::thread::sleep(Duration::from_millis(20));
        app.update(Action::Tick);
    }
    let status = app.status.as_ref().unwrap();
    assert_eq!(
        status.text,
        format!(
            "history unavailable: {} is damaged or not a database",
            db.display()
        )
    );
    app.update(Action::Tick);
    app.set_status(pwb::tui::app::Level::Info, "later");
    app.update(Action::Tick);
    assert_eq!(app.status.as_ref().unwrap().text, "later", "said once");
}
