//! From a debugging session to a test: `A` in Outputs appends the current
//! variables as a case of the prompt's suite, with the check typed on one
//! line, keeping the suite file byte for byte outside the appended lines.

mod support;

use pwb::tui::action::{Action, Command, KeyCode};
use pwb::tui::app::{App, Effect, Pane};
use pwb::workspace::testfile::TestFile;
use support::tui::{act_and_run, cmd, echo_workspace, key, open, screen, type_text};

/// Comments and an odd indentation the append must leave alone.
const SUITE: &str = "# greet's cases\ntests:\n    - description: greets Bo   # the first one\n      vars: {name: Bo}\n      assert:\n        - type: contains\n          value: Bo\n\n# shared checks\ndefaultTest:\n  assert:\n    - type: not-contains\n      value: '```'\n";

fn app() -> (App, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), SUITE);
    let mut app = open(tmp.path());
    set_name(&mut app, "Ada");
    (app, tmp)
}

/// Sets the variable `name` in F3 and renders.
fn set_name(app: &mut App, value: &str) {
    app.update(cmd(Command::Variables));
    app.update(key(KeyCode::Enter));
    type_text(app, value);
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Esc));
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
}

/// Types `check` into the `A` prompt and carries out the append as the
/// event loop does.
fn add(app: &mut App, check: &str) {
    app.focus = Pane::Outputs;
    app.update(cmd(Command::AddCase));
    type_text(app, check);
    for e in app.update(key(KeyCode::Enter)) {
        if let Effect::AddCase { path, case } = e {
            let result = pwb::tui::app::add_case(&path, &case);
            app.update(Action::CaseAdded { path, result });
        }
    }
}

#[test]
fn the_answer_becomes_an_equals_case_and_the_file_keeps_its_layout() {
    let (mut app, tmp) = app();
    act_and_run(&mut app, cmd(Command::Run));
    app.focus = Pane::Outputs;
    app.update(cmd(Command::AddCase));
    type_text(&mut app, "equals");
    // Durations redacted: the echo answer takes 0 or 1 ms.
    insta::assert_snapshot!(
        "add_case_prompt",
        support::tui::screen_redacted(&mut app, &[])
    );
    for e in app.update(key(KeyCode::Enter)) {
        if let Effect::AddCase { path, case } = e {
            let result = pwb::tui::app::add_case(&path, &case);
            app.update(Action::CaseAdded { path, result });
        }
    }
    let s = screen(&mut app);
    assert!(
        s.contains("added a case to tests/greet.yaml; pwb check: ok"),
        "{s}"
    );
    let path = tmp.path().join("tests/greet.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let head = "# greet's cases\ntests:\n    - description: greets Bo   # the first one\n      vars: {name: Bo}\n      assert:\n        - type: contains\n          value: Bo\n";
    assert!(text.starts_with(head), "{text}");
    assert!(text.ends_with("\n# shared checks\ndefaultTest:\n  assert:\n    - type: not-contains\n      value: '```'\n"), "{text}");
    let (file, diags) = TestFile::parse("greet", &path, &text, &path);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let cases = file.unwrap().cases;
    assert_eq!(cases.len(), 2);
    let new = &cases[1];
    assert_eq!(new.vars["name"], "Ada");
    let own = new.asserts.last().unwrap();
    assert_eq!(own.kind, "equals");
    assert_eq!(own.value.as_ref().unwrap(), "Greet Ada.\n");
}

#[test]
fn a_check_that_is_not_one_adds_nothing_and_a_missing_suite_is_made() {
    let (mut app, tmp) = app();
    add(&mut app, "maybe");
    let s = screen(&mut app);
    assert!(s.contains("not added: type equals, contains TEXT"), "{s}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("tests/greet.yaml")).unwrap(),
        SUITE
    );
    // A prompt with no suite yet gets tests/NAME.yaml.
    std::fs::remove_file(tmp.path().join("tests/greet.yaml")).unwrap();
    let mut app = open(tmp.path());
    set_name(&mut app, "Cy");
    add(&mut app, "contains Cy");
    let text = std::fs::read_to_string(tmp.path().join("tests/greet.yaml")).unwrap();
    assert!(
        text.starts_with("tests:\n  - vars:\n      name: Cy\n"),
        "{text}"
    );
    assert!(text.contains("type: contains"), "{text}");
}
