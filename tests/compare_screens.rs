//! Side-by-side comparison screens (issue #5): readout headers, the run
//! summary, word and unified diffs with the theme's diff styles, paging
//! of many columns, and a seeded fuzz of diff + wrap over odd unicode.

use pwb::provider::{Completion, FinishReason, GenParams, Usage};
use pwb::run::RunEvent;
use pwb::tui::action::{Action, Command};
use pwb::tui::app::{App, Pane};
use pwb::tui::keymap::Keymap;
use pwb::tui::state::diffs::DiffMode;
use pwb::tui::state::outputs::OutputColumn;
use pwb::tui::theme::Theme;
use pwb::tui::view;
use pwb::workspace::Workspace;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::path::Path;
use std::time::Duration;

const PROMPT: &str = "---\nmodel: openai:gpt-4o-mini\n---\nSay something about {{topic}}.\n";

fn app(dir: &Path) -> App {
    app_with(dir, PROMPT)
}

fn app_with(dir: &Path, prompt: &str) -> App {
    std::fs::create_dir_all(dir.join("prompts")).unwrap();
    std::fs::write(
        dir.join("pwb.toml"),
        "[[models]]\nid = \"openai:gpt-4o-mini\"\nselected = true\n\n\
         [[models]]\nid = \"openai:gpt-4o\"\nselected = true\n",
    )
    .unwrap();
    std::fs::write(dir.join("prompts/say.prompt"), prompt).unwrap();
    let ws = Workspace::load(dir).expect("workspace loads").0;
    let theme = Theme::builtin("dark").expect("dark theme");
    let mut app = App::new(ws, Keymap::builtin(), theme);
    app.update(Action::Resize {
        width: 100,
        height: 30,
    });
    app
}

fn done(model: &str, text: &str, ms: u64) -> OutputColumn {
    let mut c = OutputColumn::new(
        model.into(),
        GenParams {
            temperature: Some(0.2),
            ..Default::default()
        },
    );
    c.finish(Completion {
        text: text.into(),
        thinking: String::new(),
        usage: Usage {
            input_tokens: Some(1200),
            output_tokens: Some(text.split_whitespace().count() as u64),
            ..Default::default()
        },
        finish_reason: Some(FinishReason::Stop),
        time_to_first_token: Some(Duration::from_millis(ms / 4)),
        total_time: Duration::from_millis(ms),
        cached: false,
    });
    c
}

/// A finished run of these columns, Outputs focused, diffs brought up to
/// date as `App::update` does.
fn with_columns(app: &mut App, cols: Vec<OutputColumn>) {
    app.outputs.begin(1, cols);
    app.focus = Pane::Outputs;
    app.update(Action::Tick);
}

fn draw(app: &mut App) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    term.draw(|f| view::draw(f, app)).unwrap();
    term
}

fn three() -> Vec<OutputColumn> {
    vec![
        done("openai:gpt-4o-mini", "The cat sat on the mat.", 640),
        done("openai:gpt-4o", "The cat sat on a red mat.", 1830),
        done("anthropic:claude-x", "A dog sat on the mat.", 900),
    ]
}

/// Cells in `buf` with this exact style whose symbols spell `word`.
fn styled_text(buf: &Buffer, style: ratatui::style::Style) -> String {
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            if cell.fg == style.fg.unwrap_or_default() && cell.bg == style.bg.unwrap_or_default() {
                s.push_str(cell.symbol());
            }
        }
        s.push('|');
    }
    s
}

#[test]
fn headers_show_full_readouts_and_the_run_summary() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    with_columns(&mut app, three());
    let s = draw(&mut app).backend().to_string();
    for needle in [
        "t=0.2 · in 1200 out 6",
        "ctx [█░░░░░] <1% of 128k",
        "$0.0002 · ttft 160ms",
        "tok/s",
        "stop",
        "run: 3619 tokens · $0.0033 (+1 unknown)",
        "slowest openai:gpt-4o 1.83s",
        "fastest openai:gpt-4o-mini",
    ] {
        assert!(s.contains(needle), "{needle} missing:\n{s}");
    }
}

#[test]
fn three_columns_with_word_diff() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    with_columns(&mut app, three());
    app.update(Action::Command(Command::CycleDiff));
    assert_eq!(app.outputs.diffs.mode, DiffMode::Words);
    let term = draw(&mut app);
    let buf = term.backend().buffer();
    let ins = styled_text(buf, app.theme.diff_insert);
    let del = styled_text(buf, app.theme.diff_delete);
    assert!(ins.contains("a red") && ins.contains("dog"), "{ins}");
    assert!(
        del.contains("the") && del.contains("The") && del.contains("cat"),
        "{del}"
    );
    insta::assert_snapshot!("word_diff_three_columns", term.backend().to_string());

    // `r` on the third column makes it the reference.
    app.update(Action::Command(Command::ColumnNext));
    app.update(Action::Command(Command::ColumnNext));
    app.update(Action::Command(Command::SetReference));
    assert_eq!(app.outputs.diffs.reference, 2);
    assert!(app.outputs.diffs.words[2].is_none());
    assert!(app.outputs.diffs.words[0].is_some());
}

#[test]
fn unified_diff_of_reference_and_focused_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    with_columns(
        &mut app,
        vec![
            done("openai:gpt-4o-mini", "one\ntwo\nthree\n", 640),
            done("openai:gpt-4o", "one\n2\nthree\nfour\n", 700),
        ],
    );
    app.update(Action::Command(Command::CycleDiff));
    app.update(Action::Command(Command::CycleDiff));
    app.update(Action::Command(Command::ColumnNext));
    assert_eq!(app.outputs.diffs.mode, DiffMode::Unified);
    let term = draw(&mut app);
    let s = term.backend().to_string();
    assert!(
        s.contains("-two") && s.contains("+2") && s.contains("+four"),
        "{s}"
    );
    let ins = styled_text(term.backend().buffer(), app.theme.diff_insert);
    assert!(ins.contains("+four"), "{ins}");
    insta::assert_snapshot!("unified_diff", s);
}

#[test]
fn previous_run_of_the_same_model_is_kept_and_diffed() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    with_columns(
        &mut app,
        vec![done("openai:gpt-4o", "old answer here", 500)],
    );
    with_columns(
        &mut app,
        vec![
            done("openai:gpt-4o", "new answer here", 500),
            done("openai:other", "fresh", 500),
        ],
    );
    for _ in 0..3 {
        app.update(Action::Command(Command::CycleDiff));
    }
    assert_eq!(app.outputs.diffs.mode, DiffMode::Previous);
    let words = &app.outputs.diffs.words;
    assert!(words[0].as_ref().is_some_and(|w| w[0].len() >= 3));
    assert!(words[1].is_none());
    let s = draw(&mut app).backend().to_string();
    assert!(s.contains("(no previous run of this model)"), "{s}");
}

#[test]
fn more_columns_than_fit_are_paged() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let cols = (0..5)
        .map(|i| {
            done(
                &format!("openai:m{i}"),
                &format!("answer number {i}"),
                100 * (i + 1),
            )
        })
        .collect();
    with_columns(&mut app, cols);
    app.update(Action::Command(Command::CycleDiff));
    let s = draw(&mut app).backend().to_string();
    assert!(s.contains("Outputs 1-3 of 5"), "{s}");
    insta::assert_snapshot!("five_columns_paged", s);
}

#[test]
fn diffs_are_not_recomputed_for_unchanged_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    with_columns(&mut app, three());
    app.update(Action::Command(Command::CycleDiff));
    let n = app.outputs.diffs.computed;
    for _ in 0..10 {
        app.update(Action::Tick);
        draw(&mut app);
    }
    assert_eq!(app.outputs.diffs.computed, n);
}

const JSON_PROMPT: &str = "---\nmodel: openai:gpt-4o-mini\noutput:\n  format: json\n  schema:\n    label: string\n    score: integer\n---\nClassify: {{ticket}}\n";

#[test]
fn json_answers_are_validated_with_the_first_error_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with(dir.path(), JSON_PROMPT);
    let effects = app.update(Action::Command(Command::Run));
    let [pwb::tui::app::Effect::StartRun { run, cells, .. }] = effects.as_slice() else {
        panic!("expected one StartRun, got {effects:?}");
    };
    assert_eq!(cells.len(), 2);
    let run = *run;
    for (cell, text) in [
        (0, r#"{"label":"billing","score":3}"#),
        (1, r#"{"label":"bug","score":"high"}"#),
    ] {
        app.update(Action::Run(RunEvent::Started { run, cell }));
        let mut c = done("x", text, 400);
        c.text = text.into();
        app.update(Action::Run(RunEvent::Finished {
            run,
            cell,
            completion: Completion {
                text: text.into(),
                thinking: String::new(),
                usage: c.usage,
                finish_reason: Some(FinishReason::Stop),
                time_to_first_token: None,
                total_time: Duration::from_millis(400),
                cached: false,
            },
        }));
    }
    app.focus = Pane::Outputs;
    let s = draw(&mut app).backend().to_string();
    assert!(s.contains("json ✓ valid"), "{s}");
    assert!(s.contains(r#"json ✗ $.score: "high" is not of type"#), "{s}");
    app.update(Action::Command(Command::TogglePretty));
    let s = draw(&mut app).backend().to_string();
    assert!(s.contains("\"label\": \"billing\","), "{s}");
    insta::assert_snapshot!("json_validation_failure", s);
}

#[test]
fn zoom_wrap_and_copy_of_the_focused_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let long = format!("start {} end", "word ".repeat(40));
    with_columns(
        &mut app,
        vec![
            done("openai:gpt-4o-mini", "short answer", 100),
            done("openai:gpt-4o", &long, 200),
        ],
    );
    app.update(Action::Command(Command::ColumnNext));
    app.update(Action::Command(Command::Zoom));
    let s = draw(&mut app).backend().to_string();
    assert!(s.contains("Outputs 2 of 2 (zoomed, z)"), "{s}");
    assert!(!s.contains("short answer"), "{s}");
    assert!(s.contains("end"), "zoomed and wrapped: {s}");
    app.update(Action::Command(Command::ToggleWrap));
    let s = draw(&mut app).backend().to_string();
    assert!(
        s.contains("start word") && !s.contains(" end "),
        "clipped: {s}"
    );
    let effects = app.update(Action::Command(Command::CopyColumn));
    assert!(
        matches!(effects.as_slice(), [pwb::tui::app::Effect::Clipboard(t)] if *t == long),
        "{effects:?}"
    );
}

#[test]
fn unsynced_columns_scroll_one_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let text: String = (0..40).map(|i| format!("row {i:02}\n")).collect();
    with_columns(
        &mut app,
        vec![done("openai:a", &text, 100), done("openai:b", &text, 100)],
    );
    app.update(Action::Command(Command::Top));
    app.update(Action::Command(Command::ToggleSync));
    app.update(Action::Command(Command::ColumnNext));
    for _ in 0..5 {
        app.update(Action::Command(Command::Down));
    }
    assert_eq!((app.outputs.scroll_of(0), app.outputs.scroll_of(1)), (0, 5));
    let s = draw(&mut app).backend().to_string();
    let row = s
        .lines()
        .find(|l| l.contains("row 00"))
        .expect("column a at the top");
    assert!(
        row.contains("row 05"),
        "column b scrolled on its own: {row}"
    );
    app.update(Action::Command(Command::ToggleSync));
    app.update(Action::Command(Command::Down));
    assert_eq!((app.outputs.scroll_of(0), app.outputs.scroll_of(1)), (6, 6));
}

/// Seeded strings of awkward text: wide, combining, emoji, tabs, CR,
/// newlines and very long lines.
fn awkward(rng: &mut fastrand::Rng) -> String {
    const BITS: [&str; 14] = [
        "word ",
        "日本語",
        "e\u{301}",
        "🦀",
        "👩‍👩‍👧",
        "\t",
        "\r",
        "\n",
        " ",
        "ｌａｚｙ",
        "a",
        "\u{200b}",
        "\r\n",
        "-",
    ];
    let n = rng.usize(0..200);
    let mut s = String::new();
    for _ in 0..n {
        if rng.u8(..) == 0 {
            s.push_str(&"x".repeat(rng.usize(100..3000)));
        } else {
            s.push_str(BITS[rng.usize(..BITS.len())]);
        }
    }
    s
}

#[test]
fn diff_and_wrap_of_awkward_unicode_never_panic_or_spill() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let mut rng = fastrand::Rng::with_seed(5);
    for round in 0..60 {
        let cols = (0..rng.usize(1..5))
            .map(|i| done(&format!("openai:m{i}"), &awkward(&mut rng), 10))
            .collect();
        with_columns(&mut app, cols);
        app.outputs.follow = rng.bool();
        app.outputs.scroll = rng.usize(0..50);
        app.outputs.zoom = rng.bool();
        app.outputs.nowrap = rng.bool();
        app.outputs.focus_col = rng.usize(0..5);
        if rng.bool() {
            app.outputs.toggle_sync();
            app.outputs.scroll_by(rng.isize(-5..40));
        }
        app.outputs.diffs.mode = [
            DiffMode::Off,
            DiffMode::Words,
            DiffMode::Unified,
            DiffMode::Previous,
        ][round % 4];
        app.outputs.diffs.invalidate();
        app.update(Action::Tick);
        let area = Rect::new(3, 2, rng.u16(1..90), rng.u16(1..25));
        let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
        term.draw(|f| view::outputs::draw(f, area, &app)).unwrap();
        let buf = term.backend().buffer();
        for y in 0..30 {
            for x in 0..100 {
                if !area.contains((x, y).into()) {
                    assert_eq!(
                        buf[(x, y)].symbol(),
                        " ",
                        "round {round}: wrote at {x},{y} outside {area:?}"
                    );
                }
            }
        }
    }
}
