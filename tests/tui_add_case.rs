//! From a debugging session to a test: `A` in Outputs appends the current
//! variables as a case of the prompt's suite, with the checks picked from
//! a short menu (their texts asked after, and held to the answer), keeping
//! the suite file byte for byte outside the appended lines.

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

/// Carries out the appends among `effects` as the event loop does; how
/// many there were.
fn carry_out(app: &mut App, effects: Vec<Effect>) -> usize {
    let mut n = 0;
    for e in effects {
        if let Effect::AddCase { path, case } = e {
            let result = pwb::tui::app::add_case(&path, &case);
            app.update(Action::CaseAdded { path, result });
            n += 1;
        }
    }
    n
}

/// The screen with measured times redacted (support::tui::redact_times).
fn stable(app: &mut App) -> String {
    support::tui::screen_redacted(app, &[])
}

fn press(app: &mut App, c: char) -> Vec<Effect> {
    app.update(key(KeyCode::Char(c)))
}

fn ctrl_u(app: &mut App) {
    app.update(support::tui::ctrl('u'));
}

const HEAD: &str = "# greet's cases\ntests:\n    - description: greets Bo   # the first one\n      vars: {name: Bo}\n      assert:\n        - type: contains\n          value: Bo\n";
const TAIL: &str =
    "\n# shared checks\ndefaultTest:\n  assert:\n    - type: not-contains\n      value: '```'\n";

#[test]
fn the_menu_greys_is_json_without_an_output_schema() {
    let (mut app, _tmp) = app();
    act_and_run(&mut app, cmd(Command::Run));
    app.focus = Pane::Outputs;
    app.update(cmd(Command::AddCase));
    press(&mut app, 'i');
    insta::assert_snapshot!("add_case_menu_no_schema", stable(&mut app));
    // Nothing run yet: the checks made from the answer are greyed too.
    let (mut fresh, _tmp2) = crate::app();
    fresh.focus = Pane::Outputs;
    fresh.update(cmd(Command::AddCase));
    let s = screen(&mut fresh);
    assert!(s.contains("no answer yet (run the prompt first)"), "{s}");
    assert!(
        s.contains("›[ ] l  llm-rubric"),
        "the cursor starts on a choice that can be taken:\n{s}"
    );
}

#[test]
fn with_an_output_schema_is_json_is_offered_and_carries_it() {
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), SUITE);
    support::tui::write_files(
        tmp.path(),
        &[(
            "prompts/greet.prompt",
            "---\noutput:\n  format: json\n  schema:\n    greeting: string\n---\n{\"greeting\": \"Hi {{name}}\"}\n",
        )],
    );
    let mut app = open(tmp.path());
    set_name(&mut app, "Ada");
    act_and_run(&mut app, cmd(Command::Run));
    app.focus = Pane::Outputs;
    app.update(cmd(Command::AddCase));
    press(&mut app, 'i');
    insta::assert_snapshot!("add_case_menu_schema", stable(&mut app));
    let effects = app.update(key(KeyCode::Enter));
    let case = effects
        .iter()
        .find_map(|e| match e {
            Effect::AddCase { case, .. } => Some(case.clone()),
            _ => None,
        })
        .expect("is-json needs no text: the case goes at once");
    assert_eq!(case.asserts.len(), 1);
    assert_eq!(case.asserts[0]["type"], "is-json");
    assert_eq!(
        case.asserts[0]["value"]["properties"]["greeting"]["type"],
        "string"
    );
    assert_eq!(carry_out(&mut app, effects), 1);
    let text = std::fs::read_to_string(tmp.path().join("tests/greet.yaml")).unwrap();
    assert!(text.starts_with(HEAD) && text.ends_with(TAIL), "{text}");
}

#[test]
fn several_checks_are_picked_their_texts_held_to_the_answer_and_all_appended() {
    let (mut app, tmp) = app();
    act_and_run(&mut app, cmd(Command::Run));
    app.focus = Pane::Outputs;
    app.update(cmd(Command::AddCase));
    // Letters and space tick; j/k move; a check unticks "no assertion".
    press(&mut app, 'n');
    press(&mut app, 'e');
    press(&mut app, 'j');
    press(&mut app, ' ');
    press(&mut app, 'r');
    press(&mut app, 'l');
    insta::assert_snapshot!("add_case_menu_ticked", stable(&mut app));
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    // contains: prefilled with the answer's first line; a text not in the
    // answer is refused and the input stays.
    let s = screen(&mut app);
    assert!(
        s.contains("(1/3) contains (↑↓ a line of the answer): Greet Ada.▏"),
        "{s}"
    );
    ctrl_u(&mut app);
    type_text(&mut app, "Bo");
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    let s = screen(&mut app);
    assert!(s.contains("✗ the answer does not contain this text"), "{s}");
    ctrl_u(&mut app);
    type_text(&mut app, "Ada");
    app.update(key(KeyCode::Enter));
    // regex: not ECMAScript, then not matching, then good.
    type_text(&mut app, "(?i)greet");
    app.update(key(KeyCode::Enter));
    assert!(screen(&mut app).contains("not ECMAScript: inline flags"));
    ctrl_u(&mut app);
    type_text(&mut app, "^Bye");
    app.update(key(KeyCode::Enter));
    insta::assert_snapshot!("add_case_regex_refused", stable(&mut app));
    ctrl_u(&mut app);
    // ECMAScript's `$` is the end of the text, past the answer's newline.
    type_text(&mut app, "^Greet \\w+\\.$");
    app.update(key(KeyCode::Enter));
    assert!(screen(&mut app).contains("✗ the regex does not match"));
    ctrl_u(&mut app);
    type_text(&mut app, "^Greet \\w+\\.\\n$");
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "greets by name");
    let effects = app.update(key(KeyCode::Enter));
    assert_eq!(carry_out(&mut app, effects), 1);
    assert!(app.popup.is_none());
    let s = screen(&mut app);
    assert!(
        s.contains("added a case to tests/greet.yaml; pwb check: ok"),
        "{s}"
    );

    let path = tmp.path().join("tests/greet.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // Byte for byte outside the appended lines.
    let added = text
        .strip_prefix(HEAD)
        .and_then(|t| t.strip_suffix(TAIL))
        .unwrap_or_else(|| panic!("layout kept:\n{text}"));
    for line in [
        "type: equals",
        "type: contains",
        "value: Ada",
        "type: regex",
        "type: llm-rubric",
        "value: greets by name",
    ] {
        assert!(added.contains(line), "{line} in\n{added}");
    }
    let (file, diags) = TestFile::parse("greet", &path, &text, &path);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let cases = file.unwrap().cases;
    assert_eq!(cases.len(), 2);
    let kinds: Vec<_> = cases[1].asserts.iter().map(|a| a.kind.as_str()).collect();
    // The suite's defaultTest check comes first, then the picked, in menu order.
    assert_eq!(
        kinds,
        ["not-contains", "equals", "contains", "regex", "llm-rubric"]
    );
    assert_eq!(
        cases[1].asserts[3].value.as_ref().unwrap(),
        "^Greet \\w+\\.\\n$"
    );
}

#[test]
fn esc_at_any_point_adds_nothing() {
    let (mut app, tmp) = app();
    act_and_run(&mut app, cmd(Command::Run));
    app.focus = Pane::Outputs;
    // In the menu.
    app.update(cmd(Command::AddCase));
    press(&mut app, 'e');
    let effects = app.update(key(KeyCode::Esc));
    assert_eq!(carry_out(&mut app, effects), 0);
    assert!(app.popup.is_none());
    // At the second of two texts.
    app.update(cmd(Command::AddCase));
    press(&mut app, 'c');
    press(&mut app, 'l');
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "polite");
    let effects = app.update(key(KeyCode::Esc));
    assert_eq!(carry_out(&mut app, effects), 0);
    assert!(app.popup.is_none());
    assert!(screen(&mut app).contains("no case added"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("tests/greet.yaml")).unwrap(),
        SUITE
    );
}

#[test]
fn no_assertion_makes_a_missing_suite() {
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), SUITE);
    std::fs::remove_file(tmp.path().join("tests/greet.yaml")).unwrap();
    let mut app = open(tmp.path());
    set_name(&mut app, "Cy");
    app.focus = Pane::Outputs;
    app.update(cmd(Command::AddCase));
    press(&mut app, 'n');
    let effects = app.update(key(KeyCode::Enter));
    assert_eq!(carry_out(&mut app, effects), 1);
    let text = std::fs::read_to_string(tmp.path().join("tests/greet.yaml")).unwrap();
    assert_eq!(text, "tests:\n  - vars:\n      name: Cy\n");
}

#[test]
fn up_and_down_put_another_line_of_the_answer_in_the_contains_text() {
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), SUITE);
    support::tui::write_files(
        tmp.path(),
        &[("prompts/greet.prompt", "Greet {{name}}.\n\n  Then bye.\n")],
    );
    let mut app = open(tmp.path());
    set_name(&mut app, "Ada");
    act_and_run(&mut app, cmd(Command::Run));
    app.focus = Pane::Outputs;
    app.update(cmd(Command::AddCase));
    press(&mut app, 'c');
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    let s = screen(&mut app);
    assert!(s.contains("a line of the answer): Then bye.▏"), "{s}");
    app.update(key(KeyCode::Backspace));
    let effects = app.update(key(KeyCode::Enter));
    let case = effects
        .iter()
        .find_map(|e| match e {
            Effect::AddCase { case, .. } => Some(case.clone()),
            _ => None,
        })
        .expect("the edited line is in the answer");
    assert_eq!(
        case.asserts,
        [serde_json::json!({"type": "contains", "value": "Then bye"})]
    );
}
