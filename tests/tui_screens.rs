//! Whole-screen tests of the TUI without a terminal: the App is driven by
//! actions (as keys would) and drawn on ratatui's TestBackend; screens are
//! compared with insta snapshots.

mod support;

use pwb::provider::{Completion, FinishReason, Usage};
use pwb::run::{RunEvent, Runner, plan::into_cells};
use pwb::tui::action::{Action, Command, KeyCode, KeyPress};
use pwb::tui::app::{App, Effect, Pane};
use pwb::tui::keymap::Keymap;
use pwb::tui::theme::Theme;
use pwb::tui::view;
use pwb::workspace::Workspace;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::time::Duration;
use support::mock_llm::{MockServer, Reply, Step, by_model, openai_stream};

const PROMPT: &str = r#"---
model: openai:gpt-4o-mini
config:
  temperature: 0.2
  maxOutputTokens: 200
input:
  schema:
    ticket: string
  default:
    ticket: My invoice is wrong.
---
{{role "system"}}
You triage support tickets. Answer with one word: billing, bug or other.
{{role "user"}}
Ticket: {{ticket}}
"#;

fn workspace(dir: &Path, base_url: &str) -> Workspace {
    let w = |p: &str, s: &str| {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, s).unwrap();
    };
    w(
        "pwb.toml",
        &format!(
            "[defaults]\nmax_tokens = 256\n\n[[models]]\nid = \"openai:alpha\"\nselected = true\nbase_url = \"{base_url}\"\n\n\
             [[models]]\nid = \"openai:beta\"\nselected = true\ntemperature = 0.9\nbase_url = \"{base_url}\"\n\n\
             [[models]]\nid = \"local:smollm2-135m\"\n"
        ),
    );
    w("prompts/triage.prompt", PROMPT);
    w(
        "examples/triage.yaml",
        "- name: refund\n  input: \"Ticket: I was charged twice\"\n  output: billing\n\
         - name: crash\n  input: \"Ticket: the app crashes on start\"\n  output: bug\n",
    );
    Workspace::load(dir).expect("fixture workspace loads").0
}

fn app(dir: &Path, base_url: &str) -> App {
    // The TUI loads the tokenizer in the background; here, up front, so the
    // example estimates are on screen.
    pwb::prompt::tokens::warm_up();
    let theme = Theme::builtin("dark").expect("dark theme");
    let mut app = App::new(workspace(dir, base_url), Keymap::builtin(), theme);
    app.update(Action::Resize {
        width: 100,
        height: 30,
    });
    app
}

fn draw(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| view::draw(f, app)).unwrap();
    term
}

fn screen(app: &mut App) -> String {
    draw(app, 100, 30).backend().to_string()
}

fn key(code: KeyCode) -> Action {
    Action::Key(KeyPress::plain(code))
}

#[test]
fn main_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    insta::assert_snapshot!("main_screen", screen(&mut app));
}

#[test]
fn help_popup() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    app.update(Action::Command(Command::Help));
    let s = screen(&mut app);
    assert!(
        s.contains("ctrl-r") && s.contains("run prompt on selected models"),
        "{s}"
    );
    insta::assert_snapshot!("help_popup", s);
}

#[test]
fn inspector_shows_exact_request_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    // Pick the second example, then the first: they are sent in that order.
    app.update(Action::Command(Command::FocusNext));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Char(' ')));
    app.update(key(KeyCode::Up));
    app.update(key(KeyCode::Char(' ')));
    let cells = app.planned_cells().unwrap();
    let msgs = &cells[0].request.messages;
    let roles: Vec<&str> = msgs.iter().map(|m| m.role.as_str()).collect();
    assert_eq!(roles, ["system", "user", "model", "user", "model", "user"]);
    assert_eq!(msgs[2].plain_text(), "bug");
    assert_eq!(msgs[4].plain_text(), "billing");
    assert_eq!(
        cells[1].request.params.temperature,
        Some(0.9),
        "model entry wins"
    );
    assert_eq!(
        cells[0].request.params.temperature,
        Some(0.2),
        "prompt config"
    );
    assert_eq!(cells[0].request.params.max_tokens, Some(200));
    app.update(Action::Command(Command::Inspector));
    insta::assert_snapshot!("inspector", screen(&mut app));
}

fn finished(run: u64, cell: usize, text: &str, ms: u64) -> RunEvent {
    RunEvent::Finished {
        run,
        cell,
        completion: Completion {
            text: text.into(),
            thinking: String::new(),
            tool_calls: Vec::new(),
            usage: Usage {
                input_tokens: Some(48),
                output_tokens: Some(text.split_whitespace().count() as u64),
                ..Default::default()
            },
            finish_reason: Some(FinishReason::Stop),
            time_to_first_token: Some(Duration::from_millis(ms / 4)),
            total_time: Duration::from_millis(ms),
            cached: false,
        },
    }
}

#[test]
fn finished_two_model_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    let effects = app.update(Action::Command(Command::Run));
    let run = match effects.as_slice() {
        [Effect::StartRun { run, cells, .. }] => {
            assert_eq!(cells.len(), 2);
            *run
        }
        other => panic!("expected one StartRun, got {other:?}"),
    };
    for (cell, text, ms) in [
        (0, "billing", 640),
        (
            1,
            "Billing. The customer reports a wrong invoice amount.",
            1830,
        ),
    ] {
        app.update(Action::Run(RunEvent::Started {
            run,
            cell,
            at: std::time::Instant::now(),
        }));
        app.update(Action::Run(RunEvent::Text {
            run,
            cell,
            text: text.into(),
        }));
        app.update(Action::Run(finished(run, cell, text, ms)));
    }
    // A stale event from an older run changes nothing.
    app.update(Action::Run(RunEvent::Text {
        run: run + 100,
        cell: 0,
        text: "stale".into(),
    }));
    let s = screen(&mut app);
    assert!(!s.contains("stale"));
    assert!(s.contains("in 48 out 1"), "{s}");
    assert!(s.contains("$? · ttft 160ms · 640ms"), "{s}");
    insta::assert_snapshot!("finished_two_model_run", s);
}

#[test]
fn thinking_shows_apart_above_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    let effects = app.update(Action::Command(Command::Run));
    let [Effect::StartRun { run, .. }] = effects.as_slice() else {
        panic!("expected one StartRun, got {effects:?}");
    };
    let run = *run;
    app.update(Action::Run(RunEvent::Started {
        run,
        cell: 0,
        at: std::time::Instant::now(),
    }));
    for piece in ["Invoice ", "means money."] {
        app.update(Action::Run(RunEvent::Thinking {
            run,
            cell: 0,
            text: piece.into(),
        }));
    }
    app.update(Action::Run(RunEvent::Text {
        run,
        cell: 0,
        text: "billing".into(),
    }));
    // Positions within the Outputs pane (the prompt also says "billing").
    let order = |s: &str| {
        let s = &s[s.find("Outputs").expect("outputs pane")..];
        [
            "── thinking ──",
            "Invoice means money.",
            "── answer ──",
            "billing",
        ]
        .map(|needle| {
            s.find(needle)
                .unwrap_or_else(|| panic!("{needle} missing:\n{s}"))
        })
    };
    let streaming = screen(&mut app);
    let at = order(&streaming);
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{streaming}");
    let mut done = finished(run, 0, "billing", 500);
    if let RunEvent::Finished { completion, .. } = &mut done {
        completion.thinking = "Invoice means money.".into();
    }
    app.update(Action::Run(done));
    let finished_screen = screen(&mut app);
    let at = order(&finished_screen);
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{finished_screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_stream_fails_its_column_only() {
    let mut cut = openai_stream(&["half an ", "answer"], 9, Duration::ZERO);
    cut.truncate(1);
    cut.push(Step::Cut);
    let server = MockServer::start(by_model(vec![
        ("alpha", Reply::sse(cut)),
        (
            "beta",
            Reply::sse(openai_stream(
                &["complete ", "answer"],
                9,
                Duration::from_millis(20),
            )),
        ),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), &server.base_v1());
    let runner = Runner::new(
        tokio::runtime::Handle::current(),
        support::runs::test_config(),
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for effect in app.update(Action::Command(Command::Run)) {
        if let Effect::StartRun { run, cells, .. } = effect {
            runner.start_as(run, into_cells(cells), tx.clone());
        }
    }
    let mut terminal = 0;
    while terminal < 2 {
        let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
        terminal += ev.is_terminal() as usize;
        app.update(Action::Run(ev));
    }
    let s = screen(&mut app);
    assert!(
        s.contains("failed") && s.contains("error: stream broke off"),
        "{s}"
    );
    assert!(
        s.contains("half an"),
        "text before the cut stays visible:\n{s}"
    );
    assert!(s.contains("complete answer") && s.contains("done"), "{s}");
}

#[test]
fn typing_updates_render_and_flags_missing_variables() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    // Go to the end and type a new variable reference.
    app.update(Action::Key(KeyPress {
        ctrl: true,
        ..KeyPress::plain(KeyCode::End)
    }));
    for c in "Tone: {{tone}}".chars() {
        app.update(key(KeyCode::Char(c)));
    }
    // On a loaded machine a render can take over 8 ms, and typing then
    // defers it until the keys pause: deliver that as the loop would.
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
    assert_eq!(app.missing_vars(), ["tone"]);
    assert!(app.editor().is_dirty());
    let s = screen(&mut app);
    assert!(s.contains("unset: tone"), "{s}");
    let cells = app.planned_cells().unwrap();
    let last = cells[0].request.messages.last().unwrap().plain_text();
    assert!(last.contains("Tone: "), "{last}");
}

#[test]
fn tiny_sizes_and_resize_storm_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    app.update(Action::Command(Command::Run));
    for popup in [
        None,
        Some(Command::Help),
        Some(Command::Inspector),
        Some(Command::Variables),
    ] {
        if let Some(p) = popup {
            app.update(Action::Command(p));
        }
        for w in 0..=40u16 {
            for h in 0..=14u16 {
                app.update(Action::Resize {
                    width: w,
                    height: h,
                });
                let term = draw(&mut app, w.max(1), h.max(1));
                assert_eq!(term.backend().buffer().area.width, w.max(1));
            }
        }
        app.update(key(KeyCode::Esc));
    }
}

#[test]
fn quitting_with_unsaved_edits_asks_and_never_loses_them_silently() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    app.update(key(KeyCode::Char('X')));
    assert!(app.is_dirty());
    // First Ctrl-Q asks.
    app.update(Action::Key(KeyPress::ctrl('q')));
    assert!(!app.quit);
    let s = screen(&mut app);
    assert!(
        s.contains("Quit?") && s.contains("save all and quit"),
        "{s}"
    );
    // Quitting again keeps the edit in a recovery file.
    let effects = app.update(Action::Key(KeyPress::ctrl('q')));
    assert!(app.quit);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::WriteRecovery { text, .. } if text.starts_with('X'))),
        "{effects:?}"
    );

    // "s" saves every edited prompt before quitting.
    let mut app2 = app_in(dir.path().join("two").as_path());
    app2.update(key(KeyCode::Char('Y')));
    app2.update(Action::Key(KeyPress::ctrl('q')));
    let effects = app2.update(key(KeyCode::Char('s')));
    assert!(app2.quit);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Save { text, .. } if text.starts_with('Y'))),
        "{effects:?}"
    );
}

fn app_in(dir: &Path) -> App {
    app(dir, "http://127.0.0.1:9/v1")
}

#[test]
fn ctrl_k_turns_the_cache_on_and_f2_on_outputs_shows_the_trace() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    app.update(Action::Key(KeyPress::ctrl('k')));
    assert!(app.cache_on);
    assert!(screen(&mut app).contains("cache on"));
    let effects = app.update(Action::Command(Command::Run));
    let [Effect::StartRun { run, cache, .. }] = effects.as_slice() else {
        panic!("expected one StartRun, got {effects:?}");
    };
    assert_eq!(*cache, pwb::run::CacheMode::ReadWrite);
    let run = *run;
    let mut trace = pwb::provider::Trace::default();
    trace.method = "POST".into();
    trace.url = "http://127.0.0.1:9/v1/chat/completions".into();
    trace.request_headers = vec![("authorization".into(), "***".into())];
    trace.request_body = r#"{"model":"alpha"}"#.into();
    trace.status = Some(200);
    trace.raw = "data: [DONE]\n".into();
    app.update(Action::Run(RunEvent::Started {
        run,
        cell: 0,
        at: std::time::Instant::now(),
    }));
    app.update(Action::Run(RunEvent::Trace {
        run,
        cell: 0,
        trace: Box::new(trace),
    }));
    let mut done = finished(run, 0, "billing", 300);
    if let RunEvent::Finished { completion, .. } = &mut done {
        completion.cached = false;
    }
    app.update(Action::Run(done));
    app.focus = pwb::tui::app::Pane::Outputs;
    app.update(Action::Command(Command::Inspector));
    let s = screen(&mut app);
    for needle in [
        "Trace of the focused output",
        "authorization: ***",
        "< HTTP 200",
        "data: [DONE]",
    ] {
        assert!(s.contains(needle), "{needle} missing:\n{s}");
    }
    app.update(key(KeyCode::Esc));
    app.update(Action::Key(KeyPress::ctrl('k')));
    assert!(!app.cache_on);
}

#[test]
fn a_cell_waiting_to_retry_says_so_in_its_status() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    let mut started = None;
    for effect in app.update(Action::Command(Command::Run)) {
        if let Effect::StartRun { run, .. } = effect {
            started = Some(run);
        }
    }
    let run = started.expect("a run starts");
    app.update(Action::Run(RunEvent::Started {
        run,
        cell: 0,
        at: std::time::Instant::now(),
    }));
    app.update(Action::Run(RunEvent::Retrying {
        run,
        cell: 0,
        attempt: 1,
        max_retries: 3,
        wait: Duration::from_millis(1500),
        cause: "HTTP 429".into(),
        reason: "HTTP 429 from http://127.0.0.1:9/v1/chat/completions: rate limited".into(),
    }));
    let s = screen(&mut app);
    assert!(s.contains("retry 1/3 in 1.5s: HTTP 429"), "{s}");
    app.update(Action::Run(RunEvent::Started {
        run,
        cell: 0,
        at: std::time::Instant::now(),
    }));
    let s = screen(&mut app);
    assert!(!s.contains("retry 1/3") && s.contains("streaming"), "{s}");
}

#[test]
fn a_local_model_loading_says_so_until_text_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path(), "http://127.0.0.1:9/v1");
    let effects = app.update(Action::Command(Command::Run));
    let [Effect::StartRun { run, .. }] = effects.as_slice() else {
        panic!("expected one StartRun, got {effects:?}");
    };
    let run = *run;
    app.update(Action::Run(RunEvent::Started {
        run,
        cell: 0,
        at: std::time::Instant::now(),
    }));
    app.update(Action::Run(RunEvent::Status {
        run,
        cell: 0,
        note: "loading model (87 MB)…".into(),
    }));
    insta::assert_snapshot!(screen(&mut app));
    app.update(Action::Run(RunEvent::Status {
        run,
        cell: 0,
        note: "reading 42 prompt tokens…".into(),
    }));
    let s = screen(&mut app);
    assert!(
        s.contains("reading 42 prompt tokens…") && !s.contains("loading"),
        "{s}"
    );
    app.update(Action::Run(RunEvent::Text {
        run,
        cell: 0,
        text: "Paris".into(),
    }));
    let s = screen(&mut app);
    assert!(
        s.contains("streaming") && !s.contains("prompt tokens…"),
        "{s}"
    );
    assert!(s.contains("running on 2 model(s)"), "{s}");
    // When the last cell ends the status bar says how the run went.
    app.update(Action::Run(finished(run, 0, "Paris", 300)));
    app.update(Action::Run(RunEvent::Failed {
        run,
        cell: 1,
        error: "connection refused".into(),
    }));
    let s = screen(&mut app);
    assert!(
        s.contains("run finished: 1 answer(s), 1 failed (reason in the column)")
            && !s.contains("running on"),
        "{s}"
    );
}

/// The Models pane with the catalog's figures: a row's flags and max output
/// follow it when they fit, the focused row's window, flags and prices sit
/// in the bottom border, and a max tokens above the model's max output is
/// drawn in the error style.
#[test]
fn models_pane_shows_catalog_flags() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("prompts")).unwrap();
    std::fs::write(root.join("prompts/triage.prompt"), PROMPT).unwrap();
    std::fs::write(
        root.join("pwb.toml"),
        "[[models]]\nid = \"openai:gpt-4o-mini\"\nselected = true\n\n\
         [[models]]\nid = \"anthropic:claude-sonnet-4-6\"\nmax_tokens = 200000\n\n\
         [[models]]\nid = \"openai:not-in-the-table\"\n",
    )
    .unwrap();
    let ws = Workspace::load(root).expect("workspace loads").0;
    let theme = Theme::builtin("dark").expect("dark theme");
    let error_style = theme.error;
    let mut app = App::new(ws, Keymap::builtin(), theme);
    // The compiled-in table, whatever this machine has refreshed.
    app.session.catalog = pwb::usage::Catalog::builtin();
    app.focus = Pane::Models;
    app.update(key(KeyCode::Down));
    let term = draw(&mut app, 180, 24);
    let s = term.backend().to_string();
    assert!(s.contains("max=200  tools·json·vision·out 16k"), "{s}");
    assert!(
        s.contains("ctx 1M · out 128k · tools·json·vision·reasoning · $3/$15 per M"),
        "{s}"
    );
    // The cell under "max=200000" is drawn as an error.
    let buf = term.backend().buffer();
    let (x, y) = (0..buf.area.height)
        .find_map(|y| {
            let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            line.find("max=200000")
                .map(|i| (line[..i].chars().count() as u16, y))
        })
        .expect("max=200000 on screen");
    assert_eq!(buf[(x, y)].fg, error_style.fg.unwrap_or_default());
    insta::assert_snapshot!("models_pane_catalog_flags", s);
}
