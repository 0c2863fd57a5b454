//! The TUI's faces of the history: the Versions popup (diff against the
//! editor, restore, undo), rating the focused answer, the History screen
//! (search as you type, a call opened, trend lines), and a damaged
//! database that is one warning while the TUI goes on working.

mod support;

use pwb::store::{HistoryWriter, Store, labels, ratings, versions};
use pwb::tui::action::{Action, Command, KeyCode};
use pwb::tui::app::{App, Pane};
use std::time::Duration;
use support::mock_llm::{MockServer, Reply, openai_stream};
use support::tui::{
    act, act_and_run, cmd, ctrl, key, open, screen_redacted, type_text, write_files,
};

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
            ("prompts/greet.prompt", "Greet {{name}}.\nBe warm.\n"),
        ],
    );
}

/// A server that answers with the last word of the request's text, so
/// each edit of the prompt gets an answer of its own.
fn server() -> MockServer {
    MockServer::start(|req| {
        let answer = if req.body.contains("Kindly") {
            "Hello there, kindly."
        } else {
            "Hi!"
        };
        Reply::sse(openai_stream(&[answer], 5, Duration::ZERO))
    })
}

/// The App over `dir` recording to `dir/h.sqlite`.
fn recording_app(dir: &std::path::Path) -> (App, std::sync::Arc<HistoryWriter>) {
    let mut app = open(dir);
    let writer = HistoryWriter::start(dir.join("h.sqlite"));
    app.history = Some(writer.clone());
    (app, writer)
}

fn deliver_render(app: &mut App) {
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
}

/// Two runs: the saved text, then an unsaved edit ("Kindly ").
fn two_versions(app: &mut App) {
    act_and_run(app, cmd(Command::Run));
    type_text(app, "Kindly ");
    deliver_render(app);
    act_and_run(app, cmd(Command::Run));
}

#[test]
fn versions_popup_diffs_against_the_editor_and_restores_an_undoable_edit() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &server.base_v1());
    let (mut app, writer) = recording_app(dir);
    two_versions(&mut app);
    // The edit that ran is labelled (labels are files in the workspace).
    assert_eq!(writer.flush(), None);
    let store = Store::open(&writer.path).unwrap();
    let ws = store.workspace(dir).unwrap().unwrap();
    let latest = versions::find(store.conn(), ws, "greet", "latest").unwrap();
    labels::write(dir, "production", &latest, "2026-11-30T12:00:00Z", "test").unwrap();
    // The editor holds the edit; the saved text is one version back.
    type_text(&mut app, "Please ");
    deliver_render(&mut app);
    act(&mut app, key(KeyCode::F(4)));
    insta::assert_snapshot!("versions_popup_latest", screen_redacted(&mut app, &[]));
    act(&mut app, key(KeyCode::Down));
    insta::assert_snapshot!("versions_popup_saved", screen_redacted(&mut app, &[]));
    act(&mut app, key(KeyCode::Enter));
    assert!(app.popup.is_none());
    assert_eq!(app.editor().text(), "Greet {{name}}.\nBe warm.\n");
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(
        status.starts_with("restored greet@")
            && status.ends_with("(unsaved; ctrl-z takes it back)"),
        "{status}"
    );
    // The editor's own undo takes the restore back, in one step.
    app.update(ctrl('z'));
    deliver_render(&mut app);
    assert_eq!(
        app.editor().text(),
        "Kindly Please Greet {{name}}.\nBe warm.\n"
    );
    assert!(app.is_dirty());
    // Esc closes without touching the editor.
    act(&mut app, key(KeyCode::F(4)));
    act(&mut app, key(KeyCode::Down));
    act(&mut app, key(KeyCode::Esc));
    assert!(app.popup.is_none());
    assert_eq!(
        app.editor().text(),
        "Kindly Please Greet {{name}}.\nBe warm.\n"
    );
}

#[test]
fn rating_the_focused_answer_writes_it_to_the_database() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &server.base_v1());
    let (mut app, writer) = recording_app(dir);
    act_and_run(&mut app, cmd(Command::Run));
    app.focus = Pane::Outputs;
    act(&mut app, key(KeyCode::Char('+')));
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "rated the answer of openai:fast: thumbs up"
    );
    act(&mut app, key(KeyCode::Char('R')));
    type_text(&mut app, "4 good but long");
    act(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "rated the answer of openai:fast: 4/5"
    );
    // Something that is not a rating says how to rate, and writes nothing.
    act(&mut app, key(KeyCode::Char('R')));
    type_text(&mut app, "great");
    act(&mut app, key(KeyCode::Enter));
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .starts_with("not rated: start with up")
    );
    assert_eq!(writer.flush(), None);
    let store = Store::open(&writer.path).unwrap();
    let id: i64 = store
        .conn()
        .query_row("SELECT id FROM calls", [], |r| r.get(0))
        .unwrap();
    let got: Vec<String> = ratings::of_call(store.conn(), id)
        .unwrap()
        .iter()
        .map(|r| r.describe())
        .collect();
    assert_eq!(got, ["up", "4/5: good but long"]);
}

#[test]
fn rating_without_history_says_why() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    workspace(tmp.path(), &server.base_v1());
    let mut app = open(tmp.path());
    act_and_run(&mut app, cmd(Command::Run));
    app.focus = Pane::Outputs;
    let effects = act(&mut app, key(KeyCode::Char('-')));
    assert!(effects.is_empty());
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "history is off: answers are not recorded, so they cannot be rated"
    );
}

#[test]
fn history_screen_searches_as_you_type_opens_a_call_and_loads_it() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &server.base_v1());
    let (mut app, _writer) = recording_app(dir);
    two_versions(&mut app);
    act(&mut app, key(KeyCode::F(5)));
    let s = app.history_screen.as_ref().expect("History screen");
    let calls = s.calls.as_ref().expect("listed");
    assert_eq!(calls.len(), 2);
    let ids: Vec<String> = calls.iter().map(|c| c.id_short()).collect();
    insta::assert_snapshot!("history_screen", screen_redacted(&mut app, &ids));
    // Search narrows the list as it is typed.
    act(&mut app, key(KeyCode::Char('/')));
    for c in "kind".chars() {
        act(&mut app, key(KeyCode::Char(c)));
    }
    let s = app.history_screen.as_ref().unwrap();
    assert_eq!(s.calls.as_ref().unwrap().len(), 0, "words match whole");
    for c in "ly".chars() {
        act(&mut app, key(KeyCode::Char(c)));
    }
    let s = app.history_screen.as_ref().unwrap();
    let found = s.calls.as_ref().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].preview, "Hello there, kindly.");
    act(&mut app, key(KeyCode::Enter));
    assert!(!app.history_screen.as_ref().unwrap().typing);
    // Open it: the request and the answer.
    act(&mut app, key(KeyCode::Enter));
    assert!(app.history_screen.as_ref().unwrap().opened.is_some());
    insta::assert_snapshot!("history_call_opened", screen_redacted(&mut app, &ids));
    // Back to the workbench with the saved text; `e` loads the call's
    // version into the editor, undo takes it back.
    act(&mut app, key(KeyCode::Esc));
    act(&mut app, key(KeyCode::Esc));
    assert!(app.history_screen.is_none());
    app.editor_mut().set_text("Greet {{name}}.\nBe warm.\n");
    act(&mut app, key(KeyCode::F(5)));
    act(&mut app, key(KeyCode::Enter));
    act(&mut app, key(KeyCode::Char('e')));
    assert!(app.history_screen.is_none());
    assert_eq!(app.editor().text(), "Kindly Greet {{name}}.\nBe warm.\n");
    app.update(ctrl('z'));
    assert_eq!(app.editor().text(), "Greet {{name}}.\nBe warm.\n");
}

#[test]
fn rerun_from_the_history_screen_runs_the_version_on_its_model() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &server.base_v1());
    let (mut app, writer) = recording_app(dir);
    two_versions(&mut app);
    app.editor_mut().set_text("Greet {{name}}.\nBe warm.\n");
    deliver_render(&mut app);
    act(&mut app, key(KeyCode::F(5)));
    act(&mut app, key(KeyCode::Enter));
    let effects = act(&mut app, key(KeyCode::Char('r')));
    assert!(app.history_screen.is_none());
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, pwb::tui::app::Effect::StartRun { .. })),
        "{effects:?}"
    );
    assert_eq!(app.editor().text(), "Kindly Greet {{name}}.\nBe warm.\n");
    drop(writer);
}

#[test]
fn a_damaged_database_is_a_warning_and_the_tui_works_on() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &server.base_v1());
    let db = dir.join("h.sqlite");
    std::fs::write(&db, vec![b'x'; 4096]).unwrap();
    let mut app = open(dir);
    app.history = Some(HistoryWriter::start(db.clone()));
    let want = format!(
        "history unavailable: {} is damaged or not a database",
        db.display()
    );
    act(&mut app, key(KeyCode::F(4)));
    assert!(app.popup.is_none(), "the popup gives way to the warning");
    assert_eq!(app.status.as_ref().unwrap().text, want);
    act(&mut app, key(KeyCode::F(5)));
    let s = app.history_screen.as_ref().expect("the screen opens");
    assert_eq!(s.calls.as_deref(), Some(&[][..]));
    assert_eq!(app.status.as_ref().unwrap().text, want);
    act(&mut app, key(KeyCode::Esc));
    // Edits and runs go on.
    type_text(&mut app, "Now ");
    deliver_render(&mut app);
    act_and_run(&mut app, cmd(Command::Run));
    assert_eq!(app.outputs.results.cells[0].text, "Hi!");
    assert_eq!(app.editor().text(), "Now Greet {{name}}.\nBe warm.\n");
}

#[test]
fn blind_pairs_hide_the_names_and_record_the_vote() {
    let server = MockServer::start(|req| {
        let answer = if req.body.contains("\"model\":\"fast\"") {
            "Answer one."
        } else {
            "Answer two."
        };
        Reply::sse(openai_stream(&[answer], 5, Duration::ZERO))
    });
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let base = server.base_v1();
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                &format!(
                    "[[models]]\nid = \"openai:fast\"\nselected = true\nbase_url = \"{base}\"\n\n\
                     [[models]]\nid = \"openai:slow\"\nselected = true\nbase_url = \"{base}\"\n"
                ),
            ),
            ("prompts/greet.prompt", "Greet {{name}}.\n"),
        ],
    );
    let (mut app, writer) = recording_app(dir);
    app.rng = fastrand::Rng::with_seed(3);
    act_and_run(&mut app, cmd(Command::Run));
    app.focus = Pane::Outputs;
    act(&mut app, key(KeyCode::Char('B')));
    let item = app.blind.as_ref().expect("blind screen").items[0].clone();
    let shown = screen_redacted(&mut app, &[]);
    for name in ["fast", "slow"] {
        assert!(!shown.contains(name), "{name} on screen:\n{shown}");
    }
    insta::assert_snapshot!("blind_pair", shown);
    act(&mut app, key(KeyCode::Char('a')));
    insta::assert_snapshot!("blind_results", screen_redacted(&mut app, &[]));
    act(&mut app, key(KeyCode::Esc));
    assert!(app.blind.is_none());
    assert_eq!(writer.flush(), None);
    let store = Store::open(&writer.path).unwrap();
    let ws = store.workspace(dir).unwrap().unwrap();
    let votes = ratings::votes(store.conn(), ws, None).unwrap();
    assert_eq!(votes.len(), 1);
    assert_eq!(votes[0].first, item.pair.a.name);
    assert_eq!(votes[0].outcome, pwb::store::pairwise::Outcome::FirstWins);
    let (winner, swapped): (String, bool) = store
        .conn()
        .query_row("SELECT a_contender, swapped FROM pairwise_votes", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (winner, swapped),
        (item.pair.a.name.clone(), item.pair.swapped)
    );
}

#[test]
fn help_lists_the_history_keys() {
    let tmp = tempfile::tempdir().unwrap();
    workspace(tmp.path(), "http://127.0.0.1:9/v1");
    let mut app = open(tmp.path());
    app.update(cmd(Command::Help));
    let tall = support::tui::screen_sized(&mut app, 100, 160);
    for needle in [
        "prompt versions (f4)",
        "history screen (f5)",
        "blind comparison (B in outputs)",
        "rate the focused answer (up/down/1-5, a note)",
        "thumbs up for the focused answer",
    ] {
        assert!(tall.contains(needle), "{needle} missing:\n{tall}");
    }
}
