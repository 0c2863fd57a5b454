//! The Tests grid beyond pass/fail: the text filter
//! applied as typed, the sort by the focused column, a drill-down with
//! thresholds and the regex match highlighted, repeats side by side with
//! their agreement, and rating from the drill-down and from History, each
//! checked in the store.

mod support;

use pwb::store::{HistoryWriter, Store, calls, ratings};
use pwb::tui::action::{Action, Command, KeyCode};
use pwb::tui::app::{App, Pane};
use pwb::tui::eval_job::EvalEvent;
use pwb::tui::state::popup::Popup;
use pwb::tui::state::test_grid::SortOrder;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use support::tui::{
    act, act_and_eval, act_and_run, cmd, echo_workspace, eval_actions, key, open, screen_redacted,
    type_text, write_files,
};

const SUITE: &str = support::tui::GREET_SUITE;

fn app_with(suite: &str) -> (App, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), suite);
    let mut app = open(tmp.path());
    app.update(cmd(Command::Tests));
    (app, tmp)
}

fn screen(app: &mut App) -> String {
    screen_redacted(app, &[])
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn the_text_filter_narrows_the_rows_as_typed_and_esc_clears_it() {
    let (mut app, _tmp) = app_with(SUITE);
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    app.update(key(KeyCode::Char('/')));
    assert!(app.tests.typing);
    type_text(&mut app, "b");
    // "b" is in "names the person" (name=Bob) only... and nowhere else.
    assert_eq!(app.tests.rows(), [1]);
    type_text(&mut app, "o");
    assert_eq!(app.tests.rows(), [1]);
    insta::assert_snapshot!("tests_text_filter", screen(&mut app));
    // r while typing is text, not a run.
    assert!(app.update(key(KeyCode::Char('r'))).is_empty());
    assert!(app.tests.rows().is_empty());
    assert!(screen(&mut app).contains("no case matches the filter"));
    app.update(key(KeyCode::Backspace));
    app.update(key(KeyCode::Enter));
    assert!(!app.tests.typing);
    assert_eq!(app.tests.filter, "bo");
    // Vars count too: `name=cy` is case 3, which has no description.
    app.update(key(KeyCode::Esc));
    assert_eq!(app.tests.rows(), [0, 1, 2, 3], "esc clears the filter");
    app.update(key(KeyCode::Char('/')));
    app.update(Action::Paste("NAME=CY\nmore".into()));
    assert_eq!(app.tests.filter, "NAME=CY", "a paste types its first line");
    assert_eq!(app.tests.rows(), [2]);
    app.update(key(KeyCode::Esc));
    assert!(!app.tests.typing && app.tests.filter.is_empty());
    assert_eq!(app.tests.rows().len(), 4);
}

#[test]
fn s_sorts_by_the_focused_columns_failures_then_by_score() {
    let (mut app, _tmp) = app_with(SUITE);
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    app.update(key(KeyCode::Down)); // on case 2 (index 1)
    app.update(key(KeyCode::Char('s')));
    assert_eq!(app.tests.sort, SortOrder::Failures);
    assert_eq!(app.tests.rows(), [0, 2, 1, 3]);
    assert_eq!(
        app.tests.selected(),
        Some((1, 0)),
        "the cursor kept its case"
    );
    assert_eq!(status(&app), "tests sorted: failures first");
    insta::assert_snapshot!("tests_sorted_failures_first", screen(&mut app));
    app.update(key(KeyCode::Char('s')));
    assert_eq!(app.tests.sort, SortOrder::Score);
    assert_eq!(app.tests.rows(), [0, 2, 1, 3], "score 0 before score 1");
    app.update(key(KeyCode::Char('s')));
    assert_eq!(app.tests.rows(), [0, 1, 2, 3], "back to case order");
}

const THRESHOLDS: &str = "\
prompt: greet
tests:
  - description: greets by name
    vars: { name: Ada }
    assert:
      - type: regex
        value: 'Gr[a-z]+t'
      - type: rouge-n
        value: Greet Ada warmly
        threshold: 0.9
      - type: contains
        value: Hello
";

#[test]
fn a_drill_down_shows_thresholds_and_highlights_the_regex_match() {
    let (mut app, _tmp) = app_with(THRESHOLDS);
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    app.update(key(KeyCode::Enter));
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    term.draw(|f| pwb::tui::view::draw(f, &mut app)).unwrap();
    let text = screen(&mut app);
    assert!(
        text.contains("✓ regex \"Gr[a-z]+t\" · score 1.00 · highlighted in the answer"),
        "{text}"
    );
    assert!(text.contains("(threshold 0.9)"), "{text}");
    assert!(
        text.contains("✗ contains \"Hello\" · score 0.00 · not in the answer: \"Hello\""),
        "{text}"
    );
    insta::assert_snapshot!("tests_drill_down_threshold_and_match", text);
    // "Greet" in the answer is drawn in the found colour, the rest not.
    let buf = term.backend().buffer();
    let answer = (0..buf.area.height)
        .find(|&y| row_text(buf, y).contains("── answer ──"))
        .expect("the answer section");
    let row = answer + 1;
    assert!(
        row_text(buf, row).contains("│Greet Ada."),
        "{}",
        row_text(buf, row)
    );
    let x = row_text(buf, row).find("Greet").unwrap();
    let x = row_text(buf, row)[..x].chars().count() as u16;
    let found = app.theme.diff_insert;
    for dx in 0..5 {
        assert_eq!(
            buf[(x + dx, row)].fg,
            found.fg.unwrap(),
            "'Greet' highlighted"
        );
    }
    assert_ne!(
        buf[(x + 6, row)].fg,
        found.fg.unwrap(),
        "'Ada' not highlighted"
    );
}

fn row_text(buf: &ratatui::buffer::Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

#[test]
fn repeats_show_k_samples_and_how_many_passed() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use support::mock_llm::{MockServer, Reply, openai_stream};
    let n = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = n.clone();
    // Every third answer is curt: 2 of 3 samples say hello. One call at
    // a time, so the third sample is the curt one.
    let server = MockServer::start(move |_| {
        let i = counter.fetch_add(1, Ordering::SeqCst);
        let text = if i % 3 == 2 { "Ada." } else { "Hello Ada!" };
        Reply::sse(openai_stream(&[text], 5, std::time::Duration::ZERO))
    });
    let tmp = tempfile::tempdir().unwrap();
    let toml = format!(
        "[[models]]\nid = \"openai:chat\"\nselected = true\nbase_url = \"{}\"\n\n\
         [runner]\nconcurrency = 1\nmax_parallel = 1\n\n[history]\nenabled = false\n",
        server.base_v1()
    );
    let suite = "tests:\n  - description: says hello\n    vars: { name: Ada }\n    assert:\n      - type: icontains\n        value: hello\n";
    write_files(
        tmp.path(),
        &[
            ("pwb.toml", &toml),
            ("prompts/greet.prompt", "Greet {{name}}.\n"),
            ("tests/greet.yaml", suite),
        ],
    );
    let mut app = open(tmp.path());
    while app.focus != Pane::Models {
        app.update(cmd(Command::FocusNext));
    }
    type_text(&mut app, "++");
    assert_eq!(app.models.repeats, 3);
    app.update(key(KeyCode::F(6)));
    let events = eval_actions(&mut app, key(KeyCode::Char('r')));
    assert_eq!(events.len(), 4, "three samples and the end");
    assert_eq!(n.load(Ordering::SeqCst), 3);
    app.update(events[0].clone());
    let mid = screen(&mut app);
    assert!(mid.contains("✓ 1/3 …"), "{mid}");
    assert!(mid.contains("running 1/3"), "{mid}");
    for a in events.into_iter().skip(1) {
        app.update(a);
    }
    let g = app.tests.grid().unwrap();
    assert_eq!(g.samples(0, 0).len(), 3);
    assert_eq!(g.cell(0, 0).unwrap().passed(), 2);
    let text = screen(&mut app);
    assert!(text.contains("✗ 2/3"), "{text}");
    insta::assert_snapshot!("tests_repeats_grid", text);
    app.update(key(KeyCode::Enter));
    let text = support::tui::screen_sized(&mut app, 100, 60);
    assert!(
        text.contains("2 of 3 samples passed: they disagree"),
        "{text}"
    );
    assert!(text.contains("▶ sample 1/3 ✓ pass"), "{text}");
    assert!(text.contains("sample 3/3 ✗ fail"), "{text}");
    app.update(key(KeyCode::Tab));
    assert!(matches!(app.popup, Some(Popup::TestCell { sample: 1, .. })));
    let text = support::tui::screen_sized(&mut app, 100, 60);
    assert!(text.contains("▶ sample 2/3"), "{text}");
    insta::assert_snapshot!(
        "tests_repeats_drill_down",
        support::tui::redact_times(&text)
    );
}

/// An echo workspace whose calls the history records, with one recorded
/// workbench call; returns its id.
fn recorded(suite: &str) -> (App, tempfile::TempDir, Arc<HistoryWriter>, String) {
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), suite);
    write_files(
        tmp.path(),
        &[("pwb.toml", "[[models]]\nid = \"echo\"\nselected = true\n")],
    );
    let mut app = open(tmp.path());
    let writer = HistoryWriter::start(tmp.path().join("h.sqlite"));
    app.history = Some(writer.clone());
    act_and_run(&mut app, cmd(Command::Run));
    assert_eq!(writer.flush(), None);
    let id = app.outputs.results.call_ids[0]
        .clone()
        .expect("the run was recorded");
    (app, tmp, writer, id)
}

fn stored_ratings(writer: &HistoryWriter, dir: &std::path::Path, call: &str) -> Vec<String> {
    let store = Store::open(&writer.path).unwrap();
    let ws = store.workspace(dir).unwrap().expect("recorded");
    let (id, _) = calls::resolve(store.conn(), ws, call).unwrap();
    ratings::of_call(store.conn(), id)
        .unwrap()
        .iter()
        .map(|r| r.describe())
        .collect()
}

#[test]
fn rating_from_the_drill_down_is_stored_and_shown() {
    let (mut app, tmp, writer, call) = recorded(SUITE);
    app.update(key(KeyCode::F(6)));
    // The Tests run's first cell carries the recorded call's id, as a
    // run recorded in the history does.
    let mut events = eval_actions(&mut app, key(KeyCode::Char('r')));
    if let Action::Eval {
        event: EvalEvent::Cell { cell, .. },
        ..
    } = &mut events[0]
    {
        cell.call_id = Some(call.clone());
    }
    for a in events {
        app.update(a);
    }
    app.update(key(KeyCode::Enter));
    act(&mut app, key(KeyCode::Char('+')));
    assert_eq!(stored_ratings(&writer, tmp.path(), &call), ["up"]);
    assert!(status(&app).starts_with("rated the answer of case 1 on echo: thumbs up"));
    assert!(matches!(app.popup, Some(Popup::TestCell { case: 0, .. })));
    act(&mut app, key(KeyCode::Char('R')));
    assert!(matches!(app.popup, Some(Popup::LineInput { .. })));
    type_text(&mut app, "4 clear and kind");
    act(&mut app, key(KeyCode::Enter));
    assert_eq!(
        stored_ratings(&writer, tmp.path(), &call),
        ["up", "4/5: clear and kind"]
    );
    let text = support::tui::screen_sized(&mut app, 100, 40);
    assert!(text.contains("rated: up · 4/5: clear and kind"), "{text}");
    insta::assert_snapshot!("tests_drill_down_rated", screen(&mut app));
    // Tests-screen runs are recorded, so case 2's answer is rated too.
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Down));
    act(&mut app, key(KeyCode::Char('-')));
    assert_eq!(
        status(&app),
        "rated the answer of case 2 on echo: thumbs down"
    );
}

#[test]
fn rating_from_history_is_stored_and_shown() {
    let (mut app, tmp, writer, call) = recorded(SUITE);
    act(&mut app, cmd(Command::History));
    act(&mut app, key(KeyCode::Enter));
    let text = screen(&mut app);
    assert!(text.contains("not rated (+ / - thumbs"), "{text}");
    act(&mut app, key(KeyCode::Char('-')));
    assert_eq!(stored_ratings(&writer, tmp.path(), &call), ["down"]);
    act(&mut app, key(KeyCode::Char('R')));
    type_text(&mut app, "2 too curt");
    act(&mut app, key(KeyCode::Enter));
    assert_eq!(
        stored_ratings(&writer, tmp.path(), &call),
        ["down", "2/5: too curt"]
    );
    let short = &call[..8.min(call.len())];
    let text = screen_redacted(&mut app, &[short.to_string()]);
    assert!(text.contains("rated: down · 2/5: too curt"), "{text}");
    insta::assert_snapshot!("history_call_rated", text);
}

#[test]
fn a_failed_json_schema_names_the_path_in_the_assertions_line() {
    let suite = "\
prompt: greet
tests:
  - description: typed answer
    vars: { name: Ada }
    assert:
      - type: is-json
        value:
          type: object
          properties:
            age: { type: string }
";
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), suite);
    // The echo model answers with the rendered prompt: JSON whose age is
    // a number.
    write_files(
        tmp.path(),
        &[(
            "prompts/greet.prompt",
            "{\"name\": \"{{name}}\", \"age\": 36}\n",
        )],
    );
    let mut app = open(tmp.path());
    app.update(cmd(Command::Tests));
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    app.update(key(KeyCode::Enter));
    let text = screen(&mut app);
    // The line wraps after "failed at".
    assert!(
        text.contains("· failed at") && text.contains("JSON path /age"),
        "{text}"
    );
    insta::assert_snapshot!("tests_drill_down_json_path", text);
}
