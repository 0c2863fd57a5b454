//! Mistakes the TUI catches and says, drawn on ratatui's TestBackend: a
//! refused temperature sweep says why, F3 shows a value the input schema
//! refuses next to the variable, and the editor title shows config keys
//! that are not sent and config values of the wrong type (then no run).

use pwb::tui::action::{Action, Command, KeyCode, KeyPress};
use pwb::tui::app::{App, Pane};
use pwb::tui::keymap::Keymap;
use pwb::tui::theme::Theme;
use pwb::tui::view;
use pwb::workspace::Workspace;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;

const PROMPT: &str = "---
config:
  temperature: 0.2
input:
  schema:
    ticket: string
    customer_tier?(enum, the plan): [free, pro, enterprise]
  default:
    ticket: My invoice is wrong.
    customer_tier: pro
---
{{role \"system\"}}
Triage the ticket of a {{customer_tier}} customer.
{{role \"user\"}}
{{ticket}}
";

fn app(dir: &Path) -> App {
    std::fs::create_dir_all(dir.join("prompts")).unwrap();
    std::fs::write(
        dir.join("pwb.toml"),
        "[[models]]\nid = \"openai:gpt-4o-mini\"\nselected = true\n\n\
         [[models]]\nid = \"anthropic:claude-sonnet-4-5\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("prompts/triage.prompt"), PROMPT).unwrap();
    let ws = Workspace::load(dir).expect("workspace loads").0;
    let theme = Theme::builtin("dark").expect("dark theme");
    let mut app = App::new(ws, Keymap::builtin(), theme);
    app.update(Action::Resize {
        width: 80,
        height: 24,
    });
    app
}

/// The whole screen at the default terminal size, 80x24.
fn screen(app: &mut App) -> String {
    screen_of(app, 80, 24)
}

/// Wide enough for the editor's title to show a whole message.
fn wide(app: &mut App) -> String {
    screen_of(app, 160, 24)
}

fn screen_of(app: &mut App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| view::draw(f, app)).unwrap();
    term.backend().to_string()
}

fn key(c: char) -> Action {
    Action::Key(KeyPress::plain(KeyCode::Char(c)))
}

fn press(code: KeyCode) -> Action {
    Action::Key(KeyPress::plain(code))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(c));
    }
}

/// Replaces the prompt's text as typing would, and renders it.
fn set_prompt(app: &mut App, text: &str) {
    app.editor_mut().set_text(text);
    app.update(Action::Tick);
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
}

#[test]
fn a_refused_sweep_says_why_in_the_pane_and_the_status_bar() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.focus = Pane::Models;
    app.update(key('T'));
    type_text(&mut app, "0,2.5");
    app.update(press(KeyCode::Enter));
    let s = screen(&mut app);
    assert!(
        s.contains("not applied: 2.5 is outside 0..2 (temperatures go from 0 to 2)"),
        "{s}"
    );
    insta::assert_snapshot!("refused_sweep", s);
    // Fixing it applies it and the reason goes away.
    for _ in 0..3 {
        app.update(press(KeyCode::Backspace));
    }
    type_text(&mut app, "1.2");
    app.update(press(KeyCode::Enter));
    assert_eq!(app.models.rows[0].sweep, vec![0.0, 1.2]);
    assert!(!screen(&mut app).contains("not applied"));
}

#[test]
fn a_sweep_beyond_the_providers_range_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.focus = Pane::Models;
    app.update(press(KeyCode::Down));
    app.update(key('T'));
    type_text(&mut app, "0,1.5");
    app.update(press(KeyCode::Enter));
    assert!(app.models.rows[1].sweep.is_empty());
    let s = screen(&mut app);
    assert!(
        s.contains("not applied: temperature 1.5 is outside 0..1, the range anthropic accepts"),
        "{s}"
    );
    // A minus sign is typed, not dropped: -0.5 is refused, not read as 0.5.
    app.update(press(KeyCode::Esc));
    app.update(key('T'));
    type_text(&mut app, "-0.5");
    app.update(press(KeyCode::Enter));
    assert!(app.models.rows[1].sweep.is_empty());
    let s = screen(&mut app);
    assert!(s.contains("not applied: -0.5 is outside 0..2"), "{s}");
}

#[test]
fn f3_shows_a_value_outside_the_enum_next_to_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.update(Action::Command(Command::Variables));
    app.update(press(KeyCode::Down));
    app.update(press(KeyCode::Enter));
    for _ in 0..3 {
        app.update(press(KeyCode::Backspace));
    }
    type_text(&mut app, "platinum");
    app.update(press(KeyCode::Enter));
    let s = screen(&mut app);
    assert!(
        s.contains("✗ `platinum` is not one of free, pro, enterprise"),
        "{s}"
    );
    insta::assert_snapshot!("variable_outside_enum", s);
    // Closed, the editor title still says it.
    app.update(press(KeyCode::Esc));
    let s = wide(&mut app);
    assert!(
        s.contains("triage · customer_tier: `platinum` is not one of free, pro, enterprise"),
        "{s}"
    );
}

#[test]
fn the_editor_title_shows_config_keys_that_are_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    set_prompt(
        &mut app,
        &PROMPT.replace("temperature: 0.2", "temprature: 0.2"),
    );
    let s = wide(&mut app);
    assert!(
        s.contains("triage · line 3: unknown config key `temprature` (not sent) [+]"),
        "{s}"
    );
    assert!(app.planned_cells().is_ok(), "a warning does not stop a run");

    set_prompt(
        &mut app,
        &PROMPT.replace("temperature: 0.2", "temperature: 11"),
    );
    let s = wide(&mut app);
    assert!(
        s.contains("line 3: config `temperature`: 11 is refused by openai"),
        "{s}"
    );
}

#[test]
fn a_config_value_of_the_wrong_type_stops_the_run_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    set_prompt(
        &mut app,
        &PROMPT.replace("temperature: 0.2", "maxOutputTokens: \"lots\""),
    );
    let s = wide(&mut app);
    assert!(
        s.contains("line 3: config `maxOutputTokens` must be a whole number"),
        "{s}"
    );
    insta::assert_snapshot!("config_wrong_type", s);
    let refused = app.planned_cells().expect_err("no run");
    assert!(
        refused.contains("config `maxOutputTokens` must be a whole number from 0 to 4294967295, found the text \"lots\""),
        "{refused}"
    );
}
