//! Side-by-side comparison screens (issue #5): readout headers, the run
//! summary, word and unified diffs with the theme's diff styles, paging
//! of many columns, repeats with their agreement band, a temperature
//! sweep, writing a column to a file, and a seeded fuzz of diff + wrap
//! over odd unicode.

use pwb::provider::{Completion, FinishReason, GenParams, Usage};
use pwb::run::{CellOutcome, RunEvent};
use pwb::session::Collector;
use pwb::tui::action::{Action, Command, KeyCode, KeyPress};
use pwb::tui::app::{App, Effect, Pane};
use pwb::tui::keymap::Keymap;
use pwb::tui::state::diffs::DiffMode;
use pwb::tui::theme::Theme;
use pwb::tui::view;
use pwb::types::ModelId;
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
    // The compiled-in prices, whatever this machine has refreshed.
    app.session.catalog = pwb::usage::Catalog::builtin();
    app.update(Action::Resize {
        width: 100,
        height: 30,
    });
    app
}

fn done(model: &str, text: &str, ms: u64) -> CellOutcome {
    let mut c = CellOutcome::new(
        model.into(),
        ModelId::parse(model).unwrap(),
        GenParams {
            temperature: Some(0.2),
            ..Default::default()
        },
    );
    c.apply(RunEvent::Finished {
        run: 1,
        cell: 0,
        completion: Completion {
            text: text.into(),
            thinking: String::new(),
            tool_calls: Vec::new(),
            usage: Usage {
                input_tokens: Some(1200),
                output_tokens: Some(text.split_whitespace().count() as u64),
                ..Default::default()
            },
            finish_reason: Some(FinishReason::Stop),
            time_to_first_token: Some(Duration::from_millis(ms / 4)),
            total_time: Duration::from_millis(ms),
            cached: false,
        },
    });
    c
}

/// A finished run of these columns, Outputs focused, diffs brought up to
/// date as `App::update` does.
fn with_columns(app: &mut App, cols: Vec<CellOutcome>) {
    app.outputs.begin(Collector::of_outcomes(1, cols, None));
    app.focus = Pane::Outputs;
    app.update(Action::Tick);
}

fn draw(app: &mut App) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    term.draw(|f| view::draw(f, app)).unwrap();
    term
}

fn three() -> Vec<CellOutcome> {
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
        app.update(Action::Run(RunEvent::Started {
            run,
            cell,
            at: std::time::Instant::now(),
        }));
        let mut c = done("openai:x", text, 400);
        c.text = text.into();
        app.update(Action::Run(RunEvent::Finished {
            run,
            cell,
            completion: Completion {
                text: text.into(),
                thinking: String::new(),
                tool_calls: Vec::new(),
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
    assert!(
        s.contains(r#"json ✗ $.score: "high" is not of type"#),
        "{s}"
    );
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

fn key(c: char) -> Action {
    Action::Key(KeyPress::plain(KeyCode::Char(c)))
}

fn enter() -> Action {
    Action::Key(KeyPress::plain(KeyCode::Enter))
}

/// Presses Run and answers every planned cell with `answer(cell index)`;
/// returns the planned cells' labels.
fn run_and_answer(app: &mut App, answer: impl Fn(usize) -> (String, u64, u64)) -> Vec<String> {
    let effects = app.update(Action::Command(Command::Run));
    let [Effect::StartRun { run, cells, .. }] = effects.as_slice() else {
        panic!("expected one StartRun, got {effects:?}");
    };
    let (run, labels) = (*run, cells.iter().map(|c| c.label()).collect::<Vec<_>>());
    for cell in 0..labels.len() {
        let (text, out, ms) = answer(cell);
        app.update(Action::Run(RunEvent::Started {
            run,
            cell,
            at: std::time::Instant::now(),
        }));
        app.update(Action::Run(RunEvent::Finished {
            run,
            cell,
            completion: Completion {
                text,
                thinking: String::new(),
                tool_calls: Vec::new(),
                usage: Usage {
                    input_tokens: Some(1200),
                    output_tokens: Some(out),
                    ..Default::default()
                },
                finish_reason: Some(FinishReason::Stop),
                time_to_first_token: Some(Duration::from_millis(ms / 4)),
                total_time: Duration::from_millis(ms),
                cached: false,
            },
        }));
    }
    labels
}

#[test]
fn repeats_show_as_sub_columns_with_an_agreement_readout() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.focus = Pane::Models;
    for _ in 0..3 {
        app.update(key('+'));
    }
    app.update(key('-'));
    assert_eq!(app.models.repeats, 3);
    // The inspector shows each distinct request once.
    app.update(Action::Command(Command::Inspector));
    let s = draw(&mut app).backend().to_string();
    assert!(s.contains("── openai:gpt-4o-mini (sent 3 times) ──"), "{s}");
    assert!(!s.contains("#2/3"), "{s}");
    app.update(Action::Key(KeyPress::plain(KeyCode::Esc)));
    let answers = [
        "The cat sat on the mat.",
        "The cat sat on the mat.",
        "A cat sat on a mat.",
    ];
    let labels = run_and_answer(&mut app, |i| {
        (
            answers[i % 3].to_string(),
            6 + i as u64 % 3 * 2,
            600 + 300 * (i as u64 % 3),
        )
    });
    assert_eq!(
        labels,
        [
            "openai:gpt-4o-mini #1/3",
            "openai:gpt-4o-mini #2/3",
            "openai:gpt-4o-mini #3/3",
            "openai:gpt-4o #1/3",
            "openai:gpt-4o #2/3",
            "openai:gpt-4o #3/3",
        ]
    );
    let a = app.outputs.results.groups[0]
        .agreement
        .as_ref()
        .expect("all three in");
    assert_eq!((a.identical, a.answered), (2, 3));
    app.focus = Pane::Outputs;
    let s = draw(&mut app).backend().to_string();
    for needle in [
        "Models 2/2 · ×3 samples",
        "openai:gpt-4o-mini #2/3 done",
        "openai:gpt-4o-mini ×3: 2/3 identical · sim 78% (words) · out 6–10 tok (8.0±2.0)",
        "Outputs 1-3 of 6",
    ] {
        assert!(s.contains(needle), "{needle} missing:\n{s}");
    }
    insta::assert_snapshot!("repeats_with_agreement", s);
    // The second page shows the other model's group.
    for _ in 0..3 {
        app.update(Action::Command(Command::ColumnNext));
    }
    let s = draw(&mut app).backend().to_string();
    assert!(s.contains("openai:gpt-4o ×3: 2/3 identical"), "{s}");
}

#[test]
fn a_temperature_sweep_runs_one_model_per_temperature() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.focus = Pane::Models;
    app.update(key('j'));
    app.update(key(' '));
    app.update(key('k'));
    app.update(key('T'));
    // Letters are not typed into the field; a range error keeps it open.
    for c in "0,abc2.5".chars() {
        app.update(key(c));
    }
    app.update(enter());
    let err = app.models.edit.as_ref().and_then(|e| e.error.clone());
    assert_eq!(
        err.as_deref(),
        Some("2.5 is outside 0..2 (temperatures go from 0 to 2)")
    );
    for _ in 0..3 {
        app.update(Action::Key(KeyPress::plain(KeyCode::Backspace)));
    }
    for c in "0.7, 1.2".chars() {
        app.update(key(c));
    }
    app.update(enter());
    assert!(app.models.edit.is_none());
    assert_eq!(app.models.rows[0].sweep, vec![0.0, 0.7, 1.2]);
    let answers = [
        "Cats sit.",
        "The cat sat on the mat.",
        "A feline, majestic, reclines upon the rug.",
    ];
    let labels = run_and_answer(&mut app, |i| {
        (
            answers[i].to_string(),
            3 + 4 * i as u64,
            500 + 200 * i as u64,
        )
    });
    assert_eq!(
        labels,
        [
            "openai:gpt-4o-mini t=0",
            "openai:gpt-4o-mini t=0.7",
            "openai:gpt-4o-mini t=1.2"
        ]
    );
    app.focus = Pane::Outputs;
    let s = draw(&mut app).backend().to_string();
    for needle in [
        "openai:gpt-4o-mini t=0,0.7,1",
        "openai:gpt-4o-mini t=0.7 done",
        "t=1.2 · in 1200 out 11",
        "slowest openai:gpt-4o-mini t=1.2 900ms",
    ] {
        assert!(s.contains(needle), "{needle} missing:\n{s}");
    }
    assert!(!s.contains("×1"), "no agreement band without repeats:\n{s}");
    insta::assert_snapshot!("temperature_sweep", s);
}

#[test]
fn a_sweep_with_repeats_has_agreement_per_temperature() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.models.rows[1].checked = false;
    app.models.rows[0].sweep = vec![0.0, 1.0];
    app.models.repeats = 2;
    let labels = run_and_answer(&mut app, |i| {
        let text = if i < 2 {
            "same"
        } else if i == 2 {
            "one two"
        } else {
            "one three"
        };
        (text.to_string(), 2, 100)
    });
    assert_eq!(labels[3], "openai:gpt-4o-mini t=1 #2/2");
    let figures: Vec<(usize, Option<f64>)> = app
        .outputs
        .results
        .groups
        .iter()
        .map(|g| {
            let a = g.agreement.as_ref().expect("settled");
            (a.identical, a.similarity)
        })
        .collect();
    assert_eq!(figures, [(2, Some(1.0)), (1, Some(0.5))]);
}

#[test]
fn a_column_is_written_to_a_file_and_never_over_one_silently() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    with_columns(&mut app, three());
    app.update(Action::Command(Command::ColumnNext));
    app.update(key('Y'));
    let s = draw(&mut app).backend().to_string();
    assert!(
        s.contains("write answer to: say-openai-gpt-4o-2.txt"),
        "{s}"
    );
    let write = |app: &mut App| {
        let effects = app.update(enter());
        let [
            Effect::WriteAnswer {
                col,
                path,
                text,
                overwrite,
            },
        ] = effects.as_slice()
        else {
            panic!("expected one WriteAnswer, got {effects:?}");
        };
        let outcome = pwb::tui::app::write_answer(path, text, *overwrite);
        app.update(Action::AnswerWritten {
            col: *col,
            path: path.clone(),
            outcome,
        });
        path.clone()
    };
    let path = write(&mut app);
    assert_eq!(path, dir.path().join("say-openai-gpt-4o-2.txt"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "The cat sat on a red mat."
    );
    let status = app.status.clone().unwrap().text;
    assert_eq!(status, "wrote openai:gpt-4o to say-openai-gpt-4o-2.txt");

    // Again, to the same file: asked first, written only on a second Enter.
    app.update(Action::Command(Command::ColumnPrev));
    app.update(key('Y'));
    for _ in 0.."say-openai-gpt-4o-mini-1.txt".len() {
        app.update(Action::Key(KeyPress::plain(KeyCode::Backspace)));
    }
    for c in "say-openai-gpt-4o-2.txt".chars() {
        app.update(key(c));
    }
    write(&mut app);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "The cat sat on a red mat."
    );
    let status = app.status.clone().unwrap().text;
    assert_eq!(
        status,
        "say-openai-gpt-4o-2.txt exists: Enter replaces it, Esc keeps it"
    );
    let s = draw(&mut app).backend().to_string();
    assert!(
        s.contains("file exists (Enter replaces it, Esc keeps it): say-openai-gpt-4o-2.txt"),
        "{s}"
    );
    write(&mut app);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "The cat sat on the mat."
    );

    // Into a folder that does not exist yet, by a path of the user's.
    app.update(key('Y'));
    for _ in 0..40 {
        app.update(Action::Key(KeyPress::plain(KeyCode::Backspace)));
    }
    for c in "answers/first.txt".chars() {
        app.update(key(c));
    }
    let path = write(&mut app);
    assert_eq!(
        std::fs::read_to_string(path).unwrap(),
        "The cat sat on the mat."
    );
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
        let n = rng.usize(1..5);
        // Some rounds are repeats of one model: the agreement band shows.
        let repeats = rng.bool();
        let cols = (0..n)
            .map(|i| {
                let c = done(&format!("openai:m{i}"), &awkward(&mut rng), 10);
                match repeats {
                    true => c.with_slot(pwb::run::CellSlot {
                        sample: i as u32,
                        samples: n as u32,
                        ..Default::default()
                    }),
                    false => c,
                }
            })
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
