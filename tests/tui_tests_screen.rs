//! The Tests screen (F6) driven through `App::update`: the suite's cases
//! before a run, the grid mid-run and finished (the echo model answers
//! with the rendered prompt, so no server is needed), the failing-only
//! filter, a failing assertion opened, a case loaded into the workbench,
//! and fixed/broken marks after an unsaved edit is re-run.

mod support;

use pwb::tui::action::{Action, Command, KeyCode};
use pwb::tui::app::{App, Pane};
use pwb::tui::state::popup::Popup;
use support::tui::{
    act_and_eval, cmd, echo_workspace, eval_actions, key, open, screen_redacted, type_text,
    write_files,
};

const SUITE: &str = support::tui::GREET_SUITE;

fn app() -> (App, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), SUITE);
    let mut app = open(tmp.path());
    app.update(cmd(Command::Tests));
    (app, tmp)
}

fn deliver_render(app: &mut App) {
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
}

fn screen(app: &mut App) -> String {
    screen_redacted(app, &[])
}

#[test]
fn the_cases_show_before_any_run_and_fill_in_as_graded() {
    let (mut app, _tmp) = app();
    assert!(app.tests.shown);
    assert_eq!(app.focus, Pane::Outputs);
    let g = app.tests.grid().expect("the suite loaded");
    assert_eq!(g.cases.len(), 4);
    insta::assert_snapshot!("tests_before_run", screen(&mut app));

    let events = eval_actions(&mut app, key(KeyCode::Char('r')));
    assert_eq!(events.len(), 5, "four graded cells and the end");
    // Mid-run: two cells graded, two still running.
    for a in events.iter().take(2).cloned() {
        app.update(a);
    }
    assert!(app.tests.running.is_some());
    insta::assert_snapshot!("tests_mid_run", screen(&mut app));
    for a in events.into_iter().skip(2) {
        app.update(a);
    }
    assert!(app.tests.running.is_none());
    let text = screen(&mut app);
    insta::assert_snapshot!("tests_finished", text);
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert_eq!(status, "tests finished: ✓ 2 ✗ 2 ! 0");
}

#[test]
fn failing_only_filter_and_a_failing_regex_opened() {
    let (mut app, _tmp) = app();
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    app.update(key(KeyCode::Char('f')));
    assert_eq!(app.tests.rows(), vec![0, 2]);
    insta::assert_snapshot!("tests_failing_only", screen(&mut app));
    // The second failing case: the regex.
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Enter));
    assert!(matches!(
        app.popup,
        Some(Popup::TestCell {
            case: 2,
            col: 0,
            ..
        })
    ));
    let text = screen(&mut app);
    assert!(text.contains("✗ regex \"^Hello\""), "{text}");
    insta::assert_snapshot!("tests_drill_down_regex", text);
    app.update(key(KeyCode::Esc));
    assert!(app.popup.is_none());
}

#[test]
fn load_a_failing_case_edit_the_prompt_and_rerun_marks_fixed_and_broken() {
    let (mut app, _tmp) = app();
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    // Load the first case (failing) into the workbench.
    app.update(key(KeyCode::Char('e')));
    assert_eq!(app.focus, Pane::Editor);
    let vars = &app.current.vars;
    let ada = vars
        .entries
        .iter()
        .find(|e| e.name == "name")
        .map(|e| e.text.clone());
    assert_eq!(ada.as_deref(), Some("Ada"));
    assert!(
        app.models
            .rows
            .iter()
            .filter(|r| r.checked)
            .all(|r| r.model.name == "echo")
    );
    // The fix, unsaved.
    type_text(&mut app, "Hello ");
    deliver_render(&mut app);
    assert!(app.is_dirty());
    app.update(cmd(Command::FocusNext));
    while app.focus != Pane::Outputs {
        app.update(cmd(Command::FocusNext));
    }
    // F re-runs the failing cases only: both flip to ✓.
    let events = eval_actions(&mut app, key(KeyCode::Char('F')));
    assert_eq!(events.len(), 3, "two cases re-run, then the end");
    for a in events {
        app.update(a);
    }
    let g = app.tests.grid().unwrap();
    assert_eq!(g.change_counts(), (2, 0));
    // The whole suite: the plain case breaks.
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    let g = app.tests.grid().unwrap();
    assert_eq!(g.change_counts(), (0, 1));
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert_eq!(status, "tests finished: ✓ 3 ✗ 1 ! 0 · fixed 0 · broken 1");
    insta::assert_snapshot!("tests_broken_after_edit", screen(&mut app));
}

#[test]
fn fixed_marks_after_the_failing_cases_rerun() {
    let (mut app, _tmp) = app();
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    app.update(cmd(Command::FocusNext));
    assert_eq!(app.focus, Pane::Editor);
    type_text(&mut app, "Hello ");
    deliver_render(&mut app);
    for _ in 0..3 {
        app.update(cmd(Command::FocusNext));
    }
    assert_eq!(app.focus, Pane::Outputs);
    act_and_eval(&mut app, key(KeyCode::Char('F')));
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert_eq!(status, "tests finished: ✓ 4 ✗ 0 ! 0 · fixed 2 · broken 0");
    insta::assert_snapshot!("tests_fixed_after_edit", screen(&mut app));
}

#[test]
fn f6_goes_back_to_outputs_and_the_help_lists_the_tests_keys() {
    let (mut app, _tmp) = app();
    app.update(key(KeyCode::F(6)));
    assert!(!app.tests.shown);
    app.update(key(KeyCode::F(1)));
    let help = support::tui::screen_sized(&mut app, 100, 200);
    assert!(help.contains("tests: the prompt's suites run"), "{help}");
}

/// After `e` the editor has the keys and Tests stays on screen; the
/// status bar says "f6 (tests) and F": F6 gives Tests the keys (it does
/// not hide it), so F re-runs instead of typing into the prompt.
#[test]
fn f6_after_loading_a_case_goes_to_tests_and_f_reruns() {
    let (mut app, _tmp) = app();
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    app.update(key(KeyCode::Char('e')));
    assert_eq!(app.focus, Pane::Editor);
    type_text(&mut app, "Hello ");
    deliver_render(&mut app);
    app.update(key(KeyCode::F(6)));
    assert!(app.tests.shown, "Tests stays shown");
    assert_eq!(app.focus, Pane::Outputs);
    act_and_eval(&mut app, key(KeyCode::Char('F')));
    assert!(!app.editor().text().contains('F'), "F did not type");
    assert_eq!(app.tests.grid().unwrap().change_counts(), (2, 0));
    // F6 again (Tests has the keys): back to Outputs.
    app.update(key(KeyCode::F(6)));
    assert!(!app.tests.shown);
}

#[test]
fn a_model_graded_failure_opened_shows_the_graders_reason() {
    use support::mock_llm::{MockServer, Reply, model_of, openai_stream};
    let server = MockServer::start(|req| {
        let text = match model_of(req).as_str() {
            "judge" => r#"{"pass": false, "score": 0.2, "reason": "it is curt"}"#,
            _ => "Ada.",
        };
        Reply::sse(openai_stream(&[text], 7, std::time::Duration::ZERO))
    });
    let tmp = tempfile::tempdir().unwrap();
    let base = server.base_v1();
    let toml = format!(
        "[[models]]\nid = \"openai:good\"\nselected = true\nbase_url = \"{base}\"\n\n\
         [[models]]\nid = \"openai:judge\"\nbase_url = \"{base}\"\n\n\
         [eval]\ngrader = \"openai:judge\"\n\n[history]\nenabled = false\n"
    );
    let suite = "tests:\n  - description: polite\n    vars: { name: Ada }\n    assert:\n      - type: llm-rubric\n        value: answers politely\n";
    write_files(
        tmp.path(),
        &[
            ("pwb.toml", &toml),
            ("prompts/greet.prompt", "Greet {{name}}.\n"),
            ("tests/greet.yaml", suite),
        ],
    );
    let mut app = open(tmp.path());
    app.update(key(KeyCode::F(6)));
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    let judged = server
        .requests()
        .iter()
        .filter(|r| model_of(r) == "judge")
        .count();
    assert_eq!(judged, 1, "the grader was asked once");
    app.update(key(KeyCode::Enter));
    let text = screen(&mut app);
    assert!(text.contains("grader: it is curt"), "{text}");
    insta::assert_snapshot!("tests_drill_down_model_graded", text);
}

#[test]
fn esc_stops_a_run_and_reports_of_an_older_run_are_ignored() {
    use pwb::tui::app::Effect;
    let (mut app, _tmp) = app();
    let effects = app.update(key(KeyCode::Char('r')));
    let Some(Effect::StartEval(job)) = effects.into_iter().next() else {
        panic!("r starts a run");
    };
    assert_eq!(app.tests.running, Some(job.id));
    // A second r while it runs starts nothing.
    assert!(app.update(key(KeyCode::Char('r'))).is_empty());
    let effects = app.update(key(KeyCode::Esc));
    assert!(
        matches!(effects.as_slice(), [Effect::CancelEval]),
        "{effects:?}"
    );
    // The end of another run changes nothing; this run's end settles it.
    use pwb::tui::eval_job::EvalEvent;
    let end = |id| Action::Eval {
        id,
        event: EvalEvent::Finished { interrupted: true },
    };
    app.update(end(job.id + 100));
    assert_eq!(app.tests.running, Some(job.id));
    app.update(end(job.id));
    assert_eq!(app.tests.running, None);
    let g = app.tests.grid().unwrap();
    assert!(
        g.cells.is_empty(),
        "cells never graded are not left running"
    );
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(status.starts_with("tests stopped"), "{status}");
}

#[test]
fn a_prompt_without_a_suite_says_how_to_add_one() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            ("pwb.toml", "[[models]]\nid = \"echo\"\nselected = true\n"),
            ("prompts/greet.prompt", "Greet {{name}}.\n"),
        ],
    );
    let mut app = open(tmp.path());
    app.update(key(KeyCode::F(6)));
    let text = screen(&mut app);
    assert!(
        text.contains("no suite tests `greet`: add tests/greet.yaml"),
        "{text}"
    );
}

#[test]
fn a_workspace_opened_by_a_relative_path_lists_its_suites() {
    // `pwb sample-workspace`: the workspace path is relative to the cwd
    // (the package root when tests run).
    std::fs::create_dir_all("target").unwrap();
    let tmp = tempfile::tempdir_in("target").unwrap();
    echo_workspace(tmp.path(), SUITE);
    let cwd = std::env::current_dir().unwrap();
    let rel = tmp
        .path()
        .strip_prefix(&cwd)
        .unwrap_or(tmp.path())
        .to_path_buf();
    assert!(
        rel.is_relative() && rel.join("pwb.toml").is_file(),
        "{rel:?}"
    );
    let mut app = open(&rel);
    app.update(cmd(Command::Tests));
    let s = screen(&mut app);
    assert!(!s.contains("does not exist"), "{s}");
    assert!(s.contains("says hello"), "{s}");
}
