//! The screen and the request never disagree: Shift-Tab moves focus and
//! never edits; a prompt's example picks and variables survive switching
//! away and back (and re-opening it); `[defaults] top_p` and a model's
//! label reach the TUI; a retried call says so in its column and its
//! trace; a status about a broken prompt goes once it is fixed; trailing
//! whitespace and a removed final newline are visible; saving is byte
//! exact but for the edit.

mod support;

use pwb::tui::action::{Action, Command, KeyCode, KeyPress};
use pwb::tui::app::{Effect, Pane};
use pwb::tui::state::popup::Popup;
use support::mock_llm::{MockServer, Reply, openai_stream, scripted};
use support::tui::{act_and_run, cmd, ctrl, key, open, screen, type_text, write_files};

const TRIAGE: &str = "---
config:
  temperature: 0.2
input:
  schema:
    ticket: string
    tier?(enum): [free, pro]
---
{{role \"system\"}}
Route the ticket.
{{role \"user\"}}
{{ticket}} ({{tier}})
";

const SUMMARY: &str = "---
input:
  schema:
    text: string
---
Summarize: {{text}}
";

const EXAMPLES: &str = "- name: crash
  input: the app crashes
  output: bug
- name: refund
  input: charged twice
  output: billing
";

fn workspace(dir: &std::path::Path, base: &str) {
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                &format!(
                    "[defaults]\ntop_p = 0.9\nprompt = \"triage\"\n\n[[models]]\nid = \"openai:m1\"\n\
                     label = \"Fast one\"\nselected = true\nbase_url = \"{base}\"\n"
                ),
            ),
            ("prompts/triage.prompt", TRIAGE),
            ("prompts/summary.prompt", SUMMARY),
            ("examples/triage.yaml", EXAMPLES),
        ],
    );
}

/// Replaces the prompt's text as typing would, and renders it (a slow
/// render is deferred until typing pauses: deliver it as the loop would).
fn set_prompt(app: &mut pwb::tui::app::App, text: &str) {
    app.editor_mut().set_text(text);
    app.update(Action::Tick);
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
}

/// Shift-Tab as crossterm reports it: BackTab with the shift modifier.
fn backtab() -> Action {
    Action::Key(KeyPress {
        shift: true,
        ..KeyPress::plain(KeyCode::BackTab)
    })
}

#[test]
fn shift_tab_moves_focus_back_in_every_pane_and_never_edits() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "http://127.0.0.1:9/v1");
    let mut app = open(dir.path());
    let before = app.editor().text();
    let mut seen = Vec::new();
    for _ in 0..4 {
        app.update(backtab());
        seen.push(app.focus);
    }
    assert_eq!(
        seen,
        [Pane::Outputs, Pane::Models, Pane::Examples, Pane::Editor]
    );
    assert_eq!(app.editor().text(), before, "no text was inserted");
    assert!(!app.editor().is_dirty());
}

/// Picks the second example, sets `ticket`, in the open prompt.
fn pick_and_set(app: &mut pwb::tui::app::App) {
    app.update(cmd(Command::FocusNext));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Char(' ')));
    app.update(cmd(Command::Variables));
    app.update(key(KeyCode::Enter));
    type_text(app, "Printer on fire");
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Esc));
}

#[test]
fn reopening_the_open_prompt_or_coming_back_keeps_picks_and_variables() {
    let server = MockServer::start(|_| Reply::sse(openai_stream(&["bug"], 10, Default::default())));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let mut app = open(dir.path());
    pick_and_set(&mut app);
    let sent_before = app.planned_cells().unwrap()[0].wire_body();
    // Ctrl-P, Enter on the prompt that is already open.
    app.update(ctrl('p'));
    app.update(key(KeyCode::Enter));
    let s = screen(&mut app);
    assert!(s.contains("Examples 1/2"), "{s}");
    app.update(cmd(Command::Variables));
    let s = screen(&mut app);
    assert!(s.contains("Printer on fire"), "{s}");
    app.update(key(KeyCode::Esc));
    // To the other prompt (listed first) and back.
    app.update(ctrl('p'));
    app.update(key(KeyCode::Up));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.prompt_name(), "summary");
    let s = screen(&mut app);
    assert!(s.contains("Examples 0/0"), "summary has no examples: {s}");
    app.update(ctrl('p'));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.prompt_name(), "triage");
    assert!(screen(&mut app).contains("Examples 1/2"));
    let planned = app.planned_cells().unwrap()[0].wire_body();
    assert_eq!(planned, sent_before, "what will be sent did not change");
    // And what goes out is what the panes show.
    act_and_run(&mut app, cmd(Command::Run));
    let got = server.requests()[0].json();
    assert_eq!(got, planned);
    let text: Vec<&str> = got["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap().trim())
        .collect();
    assert_eq!(
        text,
        [
            "Route the ticket.",
            "charged twice",
            "billing",
            "Printer on fire ()"
        ]
    );
}

#[test]
fn defaults_top_p_and_model_labels_reach_the_tui() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "http://127.0.0.1:9/v1");
    let mut app = open(dir.path());
    let body = app.planned_cells().unwrap()[0].wire_body();
    assert_eq!(body["top_p"], 0.9, "[defaults] top_p is sent");
    assert_eq!(body["model"], "m1");
    let s = screen(&mut app);
    assert!(s.contains("[x] Fast one"), "the label names the model: {s}");
    app.update(cmd(Command::Inspector));
    assert!(screen(&mut app).contains("── Fast one ──"));
}

#[test]
fn a_retried_call_says_so_in_its_column_and_its_trace() {
    let server = MockServer::start(scripted(vec![(
        "m1",
        vec![
            Reply::json(429, r#"{"error":{"message":"slow down"}}"#)
                .with_header("Retry-After", "1"),
            Reply::sse(openai_stream(&["billing"], 10, Default::default())),
        ],
    )]));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server.base_v1());
    let mut app = open(dir.path());
    act_and_run(&mut app, cmd(Command::Run));
    let s = screen(&mut app);
    assert!(s.contains("retried 1×: HTTP 429, waited 1.00s"), "{s}");
    assert!(s.contains("wall 1.0"), "the wall time counts the wait: {s}");
    app.update(cmd(Command::FocusPrev));
    assert_eq!(app.focus, Pane::Outputs);
    app.update(cmd(Command::Inspector));
    let s = pwb_screen_tall(&mut app);
    assert!(
        s.contains("attempt 1/2") && s.contains("attempt 2/2"),
        "{s}"
    );
    assert!(s.contains("< HTTP 429") && s.contains("< HTTP 200"), "{s}");
    assert!(s.contains("failed: HTTP 429; retried after 1.00s"), "{s}");
}

fn pwb_screen_tall(app: &mut pwb::tui::app::App) -> String {
    support::tui::screen_sized(app, 120, 80)
}

#[test]
fn a_cannot_run_status_goes_once_the_prompt_renders_again() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "http://127.0.0.1:9/v1");
    let mut app = open(dir.path());
    // Break the frontmatter: `config:` becomes `config: [`.
    set_prompt(&mut app, &TRIAGE.replacen("config:", "config: [", 1));
    app.update(cmd(Command::Run));
    let status = app.status.clone().expect("a status");
    assert!(status.text.starts_with("cannot run"), "{status:?}");
    set_prompt(&mut app, TRIAGE);
    assert_eq!(app.status, None, "the fixed problem is no longer reported");
    assert!(!screen(&mut app).contains("cannot run"));
}

#[test]
fn trailing_spaces_and_a_removed_final_newline_are_visible() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "http://127.0.0.1:9/v1");
    let mut app = open(dir.path());
    set_prompt(
        &mut app,
        &TRIAGE.replace("Route the ticket.", "Route the ticket.  \t"),
    );
    let s = screen(&mut app);
    assert!(s.contains("Route the ticket.··→"), "{s}");
    assert!(!s.contains("final newline removed"));
    // Delete at the end of the last line joins the empty line after it.
    app.update(Action::Key(KeyPress {
        ctrl: true,
        ..KeyPress::plain(KeyCode::End)
    }));
    app.update(key(KeyCode::Backspace));
    let s = screen(&mut app);
    assert!(s.contains("final newline removed"), "{s}");
}

#[test]
fn the_recovery_offer_is_kept_on_esc() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "http://127.0.0.1:9/v1");
    let mut app = open(dir.path());
    app.offer_recovery(0, "recovered".into());
    let effects = app.update(key(KeyCode::Esc));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ClearRecovery { .. })),
        "Esc does not discard unsaved work"
    );
    assert!(!matches!(app.popup, Some(Popup::Recovery { .. })));
}

mod byte_exact_save {
    use super::*;
    use proptest::prelude::*;

    /// A prompt file: lines with their own line end, maybe a BOM, maybe no
    /// final line end.
    fn file() -> impl Strategy<Value = (bool, Vec<(String, bool)>, bool)> {
        (
            any::<bool>(),
            prop::collection::vec(("[ a-z{}\\t]{0,12}", any::<bool>()), 1..6),
            any::<bool>(),
        )
    }

    fn bytes_of(bom: bool, lines: &[(String, bool)], final_end: bool) -> String {
        let mut s = String::new();
        if bom {
            s.push('\u{feff}');
        }
        s.push_str("---\nmodel: openai:m1\n---\n");
        for (i, (line, crlf)) in lines.iter().enumerate() {
            s.push_str(line);
            if i + 1 < lines.len() || final_end {
                s.push_str(if *crlf { "\r\n" } else { "\n" });
            }
        }
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn saving_changes_the_file_by_the_edit_and_nothing_else(
            (bom, lines, final_end) in file(),
            row in 0usize..9,
        ) {
            let dir = tempfile::tempdir().unwrap();
            workspace(dir.path(), "http://127.0.0.1:9/v1");
            let original = bytes_of(bom, &lines, final_end);
            let path = dir.path().join("prompts/triage.prompt");
            std::fs::write(&path, &original).unwrap();
            let mut app = open(dir.path());
            let rows = app.editor().lines().len();
            let row = row % rows;
            for _ in 0..row {
                app.update(key(KeyCode::Down));
            }
            app.update(key(KeyCode::Home));
            type_text(&mut app, "X");
            let effects = app.update(ctrl('s'));
            let Some(Effect::Save { path: to, text }) = effects.into_iter().next() else {
                panic!("Ctrl-S saves");
            };
            prop_assert_eq!(&to, &path);
            pwb::workspace::save_text(&to, &text).unwrap();
            // The expected file: X at the start of line `row`.
            let body = original.strip_prefix('\u{feff}').unwrap_or(&original);
            let start: usize = body.split_inclusive('\n').take(row).map(str::len).sum();
            let mut expected = String::new();
            if bom {
                expected.push('\u{feff}');
            }
            expected.push_str(&body[..start]);
            expected.push('X');
            expected.push_str(&body[start..]);
            let saved = std::fs::read(&path).unwrap();
            prop_assert_eq!(String::from_utf8(saved).unwrap(), expected);
        }
    }
}
