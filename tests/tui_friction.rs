//! Everyday friction in the TUI, each as the user meets it: Ctrl-Z takes
//! back a typed word; F3 edits multi-line values with a cursor and names
//! the loaded test case; a value from `input.default` is tagged so
//! wherever it shows; the inspector and F1 stop at their last line and
//! the inspector jumps between models; Ctrl-P filters as you type; column
//! headers cut a name the same way in every column; the status bar says
//! "cache on" once.

mod support;

use pwb::provider::{Completion, FinishReason, Usage};
use pwb::run::RunEvent;
use pwb::tui::action::{Action, Command, KeyCode, KeyPress};
use pwb::tui::app::{App, Pane};
use pwb::tui::state::popup::Popup;
use std::time::Duration;
use support::tui::{cmd, ctrl, key, open, screen, screen_sized, type_text, write_files};

const TRIAGE: &str = "---
config:
  temperature: 0.2
input:
  schema:
    ticket: string
    channel?: string
    tier?: string
  default:
    channel: email
    tier: pro
---
{{role \"system\"}}
Route the ticket from {{channel}} ({{tier}}).
{{role \"user\"}}
{{ticket}}
";

const TESTS: &str = "- description: crash on export
  vars:
    ticket: the app crashes
- description: refund request
  vars:
    ticket: charged twice
    channel: chat
- vars:
    ticket: other
";

fn workspace(dir: &std::path::Path) {
    let models: String = [
        "openai:gpt-4o-mini-2024-07-18-long-name",
        "openai:beta",
        "openai:gamma",
    ]
    .iter()
    .map(|id| {
        format!(
            "[[models]]\nid = \"{id}\"\nselected = true\nbase_url = \"http://127.0.0.1:9/v1\"\n\n"
        )
    })
    .collect();
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                &format!("[defaults]\nprompt = \"triage\"\n\n{models}"),
            ),
            ("prompts/triage.prompt", TRIAGE),
            ("prompts/summary.prompt", "Summarize: {{text}}\n"),
            ("prompts/translate.prompt", "Translate: {{text}}\n"),
            ("prompts/tone.prompt", "Tone: {{text}}\n"),
            ("tests/triage.yaml", TESTS),
        ],
    );
}

fn app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path());
    let app = open(dir.path());
    (dir, app)
}

fn alt(code: KeyCode) -> Action {
    Action::Key(KeyPress {
        alt: true,
        ..KeyPress::plain(code)
    })
}

/// The variables the next run renders with (what the request carries).
fn user_text(app: &App) -> Vec<String> {
    let cells = app.planned_cells().unwrap();
    cells[0]
        .request
        .messages
        .iter()
        .map(|m| m.plain_text())
        .collect()
}

#[test]
fn one_ctrl_z_takes_back_a_typed_word() {
    let (_dir, mut app) = app();
    let before = app.editor().text();
    app.update(key(KeyCode::Down));
    type_text(&mut app, "urgent ");
    type_text(&mut app, "refund");
    app.update(ctrl('z'));
    assert_eq!(
        app.editor().text(),
        before.replacen("\nconfig", "\nurgentconfig", 1),
        "the last word (with the space before it) went at once"
    );
    app.update(ctrl('z'));
    assert_eq!(app.editor().text(), before);
    assert!(!app.editor().is_dirty());
    app.update(ctrl('y'));
    app.update(ctrl('y'));
    assert!(app.editor().text().contains("urgent refundconfig"));
}

#[test]
fn f3_edits_a_multi_line_value_with_a_cursor_and_enter_keeps_it() {
    let (_dir, mut app) = app();
    app.update(cmd(Command::Variables));
    assert_eq!(app.current.vars.entries[0].name, "ticket");
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "Hello");
    app.update(alt(KeyCode::Enter));
    type_text(&mut app, "the invoice is wrong");
    app.update(ctrl('j'));
    type_text(&mut app, "Thanks, Ann");
    // Back up into the line before and fix a word in the middle.
    app.update(key(KeyCode::Up));
    app.update(key(KeyCode::Home));
    for _ in 0..4 {
        app.update(key(KeyCode::Right));
    }
    type_text(&mut app, "my ");
    let s = screen(&mut app);
    assert!(s.contains("the my invoice is wrong"), "{s}");
    for _ in 0..60 {
        app.update(key(KeyCode::Char('x')));
    }
    let s = screen(&mut app);
    insta::assert_snapshot!("f3_editing_a_multi_line_value", s);
    assert!(
        s.contains("alt-enter / ctrl-j new line"),
        "the popup says how: {s}"
    );
    assert!(s.contains("line 2/3"), "{s}");
    // The long line scrolled to keep the cursor in view: its start is
    // gone, the x typed last and the char under the cursor show.
    assert!(!s.contains("the my"), "{s}");
    assert!(s.contains(&format!("{}i", "x".repeat(40))), "{s}");
    for _ in 0..60 {
        app.update(key(KeyCode::Backspace));
    }
    app.update(key(KeyCode::Enter));
    assert_eq!(app.popup, Some(Popup::Variables), "Enter keeps the value");
    assert_eq!(
        app.current.vars.entries[0].text,
        "Hello\nthe my invoice is wrong\nThanks, Ann"
    );
    let sent = user_text(&app);
    assert_eq!(
        sent[1].trim(),
        "Hello\nthe my invoice is wrong\nThanks, Ann"
    );
    let s = screen(&mut app);
    assert!(
        s.contains("Hello⏎the my invoice is wrong⏎Thanks, Ann"),
        "{s}"
    );
}

#[test]
fn f3_names_the_test_case_loaded_and_tags_defaults_the_same_everywhere() {
    let (_dir, mut app) = app();
    app.update(cmd(Command::Variables));
    let s = screen(&mut app);
    let tagged = |s: &str, value: &str, tag: &str| {
        s.lines()
            .any(|l| l.contains(&format!("= {value} ")) && l.contains(&format!("({tag})")))
    };
    assert!(tagged(&s, "email", "default"), "{s}");
    assert!(tagged(&s, "pro", "default"), "{s}");
    app.update(key(KeyCode::Char('t')));
    app.update(key(KeyCode::Char('t')));
    let s = screen(&mut app);
    insta::assert_snapshot!("f3_second_test_case", s);
    assert!(s.contains("Variables · test 2/3: refund request"), "{s}");
    assert!(tagged(&s, "charged twice", "test 2"), "{s}");
    assert!(tagged(&s, "chat", "test 2"), "{s}");
    assert!(tagged(&s, "pro", "default"), "{s}");
    // The third case sets no channel: back to the default, tagged so.
    app.update(key(KeyCode::Char('t')));
    let s = screen(&mut app);
    assert!(s.contains("test 3/3: case 3"), "{s}");
    assert!(tagged(&s, "email", "default"), "{s}");
    // Typing the default's value back: tagged default, not edited.
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Enter));
    for _ in 0.."email".len() {
        app.update(key(KeyCode::Backspace));
    }
    type_text(&mut app, "web");
    app.update(key(KeyCode::Enter));
    assert!(tagged(&screen(&mut app), "web", "edited"));
    app.update(key(KeyCode::Enter));
    for _ in 0.."web".len() {
        app.update(key(KeyCode::Backspace));
    }
    type_text(&mut app, "email");
    app.update(key(KeyCode::Enter));
    assert!(tagged(&screen(&mut app), "email", "default"));
    app.update(key(KeyCode::Esc));
    // A default the prompt changes: the value follows it.
    app.focus = Pane::Editor;
    let text = app
        .editor()
        .text()
        .replace("channel: email", "channel: phone");
    app.editor_mut().set_text(&text);
    app.update(Action::Tick);
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
    assert!(user_text(&app)[0].contains("from phone (pro)"));
    app.update(cmd(Command::Variables));
    assert!(tagged(&screen(&mut app), "phone", "default"));
}

#[test]
fn the_inspector_jumps_between_models_and_stops_at_its_last_line() {
    let (_dir, mut app) = app();
    app.update(cmd(Command::Inspector));
    let first = screen(&mut app);
    assert!(
        first.contains("1/3 openai:gpt-4o-mini-2024-07-18-long-name"),
        "{first}"
    );
    // The unset-variable warning sits above the first model: n goes to
    // the first model's request, then to the next.
    app.update(key(KeyCode::Char('n')));
    let s = screen(&mut app);
    let body: Vec<&str> = s.lines().collect();
    assert!(
        body[1].contains("── openai:gpt-4o-mini-2024-07-18-long-name ──"),
        "{s}"
    );
    app.update(key(KeyCode::Char('n')));
    let s = screen(&mut app);
    let body: Vec<&str> = s.lines().collect();
    assert!(
        body[1].contains("── openai:beta ──"),
        "beta's request at the top:\n{s}"
    );
    assert!(s.contains("2/3 openai:beta"), "{s}");
    app.update(key(KeyCode::Tab));
    let s = screen(&mut app);
    assert!(s.contains("3/3 openai:gamma"), "{s}");
    app.update(key(KeyCode::Char('N')));
    assert!(screen(&mut app).contains("2/3 openai:beta"));
    app.update(key(KeyCode::End));
    let end = screen(&mut app);
    insta::assert_snapshot!("inspector_at_the_end", end);
    let Some(Popup::Inspector { scroll }) = &app.popup else {
        panic!("inspector open")
    };
    let bottom = scroll.offset;
    for _ in 0..5 {
        app.update(key(KeyCode::Down));
        app.update(key(KeyCode::PageDown));
    }
    assert_eq!(screen(&mut app), end, "nothing past the last line");
    app.update(key(KeyCode::Up));
    let Some(Popup::Inspector { scroll }) = &app.popup else {
        panic!("inspector open")
    };
    assert_eq!(
        scroll.offset,
        bottom - 1,
        "one Up is one line up from the end"
    );
    app.update(key(KeyCode::Home));
    assert_eq!(screen(&mut app), first);
    // The wheel over the popup scrolls it (not the outputs underneath).
    app.update(Action::Scroll {
        col: 50,
        row: 25,
        down: true,
    });
    let Some(Popup::Inspector { scroll }) = &app.popup else {
        panic!("inspector open")
    };
    assert_eq!(scroll.offset, 3);
}

#[test]
fn f1_lists_every_binding_grouped_and_stops_at_the_end() {
    let (_dir, mut app) = app();
    app.update(cmd(Command::Help));
    let tall = screen_sized(&mut app, 100, 230);
    for needle in [
        "everywhere",
        "prompt editor",
        "ctrl-home / ctrl-end",
        "shift+arrows",
        "ctrl-z",
        "examples and models lists",
        "outputs",
        "variables (f3)",
        "alt-enter / ctrl-j",
        "load the next test case",
        "inspector (f2) and this help",
        "n / tab",
        "home / end",
        "prompt switcher (ctrl-p)",
        "filter the prompts by name",
        "mouse",
    ] {
        assert!(tall.contains(needle), "{needle} missing:\n{tall}");
    }
    // Every key of the keymap, in every context.
    let keymap = pwb::tui::keymap::Keymap::builtin();
    for ctx in [
        pwb::tui::keymap::Context::Global,
        pwb::tui::keymap::Context::Editor,
        pwb::tui::keymap::Context::List,
        pwb::tui::keymap::Context::Outputs,
    ] {
        for (keys, c) in keymap.bindings_of(ctx) {
            let row = format!("{keys:<26}{}", c.describe());
            assert!(tall.contains(&row), "{row} missing:\n{tall}");
        }
    }
    // ctrl-k is the cache toggle everywhere: the editor's own "delete to
    // the end of the line" is not offered.
    assert!(!tall.contains("delete to the end of the line"), "{tall}");
    app.update(key(KeyCode::End));
    let end = screen(&mut app);
    assert!(
        end.contains("wheel") && end.contains("scroll the editor and the outputs"),
        "{end}"
    );
    insta::assert_snapshot!("help_at_the_end", end);
    app.update(key(KeyCode::PageDown));
    app.update(key(KeyCode::Down));
    assert_eq!(screen(&mut app), end, "no paging past the end");
}

#[test]
fn ctrl_p_filters_as_you_type() {
    let (_dir, mut app) = app();
    app.update(ctrl('p'));
    type_text(&mut app, "TRa");
    let s = screen(&mut app);
    insta::assert_snapshot!("switcher_filtered", s);
    assert!(s.contains("filter: TRa"), "{s}");
    assert!(s.contains("Open prompt 2/4"), "{s}");
    assert!(!s.contains("summary") && !s.contains("tone"), "{s}");
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Up));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.prompt_name(), "translate");
    assert_eq!(app.popup, None);
    // q and j are letters here; Backspace edits the filter; Esc closes.
    app.update(ctrl('p'));
    type_text(&mut app, "sumq");
    assert!(screen(&mut app).contains("no prompt matches"));
    app.update(key(KeyCode::Backspace));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.prompt_name(), "summary");
    // A pasted name filters too.
    app.update(ctrl('p'));
    app.update(Action::Paste("TONE\n".into()));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.prompt_name(), "tone");
    app.update(ctrl('p'));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.popup, None);
    assert_eq!(app.prompt_name(), "tone");
}

fn finished(run: u64, cell: usize) -> RunEvent {
    RunEvent::Finished {
        run,
        cell,
        completion: Completion {
            text: "billing".into(),
            thinking: String::new(),
            tool_calls: Vec::new(),
            usage: Usage {
                input_tokens: Some(100),
                output_tokens: Some(2),
                ..Default::default()
            },
            finish_reason: Some(FinishReason::Stop),
            time_to_first_token: Some(Duration::from_millis(100)),
            total_time: Duration::from_millis(300),
            cached: false,
        },
    }
}

#[test]
fn column_headers_cut_a_name_the_same_way_in_every_column() {
    let (_dir, mut app) = app();
    // The same long-named model, three samples: one still streaming, one
    // waiting to retry with a long reason, one done.
    app.models
        .rows
        .iter_mut()
        .skip(1)
        .for_each(|r| r.checked = false);
    app.focus = Pane::Models;
    app.update(key(KeyCode::Char('+')));
    app.update(key(KeyCode::Char('+')));
    let effects = app.update(cmd(Command::Run));
    let run = match effects.as_slice() {
        [pwb::tui::app::Effect::StartRun { run, .. }] => *run,
        other => panic!("expected a run, got {other:?}"),
    };
    app.update(Action::Run(RunEvent::Started {
        run,
        cell: 0,
        at: std::time::Instant::now(),
    }));
    app.update(Action::Run(RunEvent::Retrying {
        run,
        cell: 1,
        attempt: 1,
        max_retries: 3,
        wait: Duration::from_secs(2),
        cause: "HTTP 429".into(),
        reason: "HTTP 429 rate limited, please slow down".into(),
    }));
    app.update(Action::Run(finished(run, 2)));
    let s = screen(&mut app);
    insta::assert_snapshot!("headers_of_one_model", s);
    let header = s
        .lines()
        .find(|l| l.contains("#1/3"))
        .expect("a header row");
    let names: Vec<&str> = header
        .split('│')
        .filter_map(|c| c.split(" #").next())
        .filter(|n| n.contains("openai:"))
        .map(|n| n.trim_start_matches('┃').trim())
        .collect();
    assert_eq!(names.len(), 3, "{header}");
    assert!(names.iter().all(|n| *n == names[0]), "{names:?}");
    assert!(names[0].ends_with('…'), "a cut name shows it: {names:?}");
}

#[test]
fn the_status_bar_says_cache_on_once() {
    let (_dir, mut app) = app();
    app.update(ctrl('k'));
    assert!(app.cache_on);
    let s = screen_sized(&mut app, 160, 30);
    let bar = s.lines().last().unwrap();
    assert_eq!(bar.matches("cache on").count(), 1, "{bar}");
    assert!(bar.contains("answered from the response cache"), "{bar}");
    app.update(ctrl('k'));
    let s = screen_sized(&mut app, 160, 30);
    let bar = s.lines().last().unwrap();
    assert!(
        !bar.contains("cache on") && bar.contains("response cache off"),
        "{bar}"
    );
}
