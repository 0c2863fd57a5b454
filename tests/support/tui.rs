//! Driving the TUI's App without a terminal: a workspace on disk, keys
//! and commands as actions, whole screens on a TestBackend, and a run
//! carried out by the real runner against the mock server, as the event
//! loop would.

use pwb::run::{CacheMode, Runner, plan::into_cells_with};
use pwb::tui::action::{Action, Command, KeyCode, KeyPress};
use pwb::tui::app::{App, Effect};
use pwb::tui::keymap::Keymap;
use pwb::tui::theme::Theme;
use pwb::tui::view;
use pwb::workspace::Workspace;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::time::Duration;

/// Writes `files` (path, text) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

/// A workspace in `dir` whose one model is `echo` (no history), with
/// `prompts/greet.prompt` (`Greet {{name}}.`) and `suite` as
/// `tests/greet.yaml`.
#[allow(dead_code)]
pub fn echo_workspace(dir: &Path, suite: &str) {
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                "[[models]]\nid = \"echo\"\nselected = true\n\n[history]\nenabled = false\n",
            ),
            ("prompts/greet.prompt", "Greet {{name}}.\n"),
            ("tests/greet.yaml", suite),
        ],
    );
}

/// The App over the workspace in `dir`, 100×30.
pub fn open(dir: &Path) -> App {
    let ws = Workspace::load(dir).expect("fixture workspace loads").0;
    let theme = Theme::builtin("dark").expect("dark theme");
    let mut app = App::new(ws, Keymap::builtin(), theme);
    app.update(Action::Resize {
        width: 100,
        height: 30,
    });
    app
}

pub fn screen(app: &mut App) -> String {
    screen_sized(app, 100, 30)
}

pub fn screen_sized(app: &mut App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| view::draw(f, app)).expect("draw");
    term.backend().to_string()
}

pub fn key(code: KeyCode) -> Action {
    Action::Key(KeyPress::plain(code))
}

pub fn ctrl(c: char) -> Action {
    Action::Key(KeyPress::ctrl(c))
}

pub fn cmd(c: Command) -> Action {
    Action::Command(c)
}

/// Types `text` into whatever has the keys.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

/// Sends `action`, carries out the run it starts (if any) through the real
/// runner, feeding every event back as the event loop does, until the run
/// has settled. Returns the other effects.
pub fn act_and_run(app: &mut App, action: Action) -> Vec<Effect> {
    let effects = app.update(action);
    let mut others = Vec::new();
    let mut started = None;
    for e in effects {
        match e {
            Effect::StartRun { run, cells, cache } => started = Some((run, cells, cache)),
            other => others.push(other),
        }
    }
    if let Some((run, cells, cache)) = started {
        drive(app, run, cells, cache);
    }
    others
}

fn drive(app: &mut App, run: u64, cells: Vec<pwb::run::PlannedCell>, cache: CacheMode) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let runner = Runner::new(
            tokio::runtime::Handle::current(),
            super::runs::test_config(),
        );
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        runner.start_as(run, into_cells_with(cells, cache), tx);
        while app.outputs.is_running() {
            let ev = tokio::time::timeout(Duration::from_secs(20), rx.recv())
                .await
                .expect("the run went quiet")
                .expect("channel open");
            app.update(Action::Run(ev));
        }
    });
}

/// Sends `action` and carries out the history queries it asks for (and
/// those their answers ask for) at once, as the event loop's worker would;
/// returns the other effects.
pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    let mut others = Vec::new();
    let mut queue = vec![action];
    while let Some(a) = queue.pop() {
        for e in app.update(a) {
            match e {
                Effect::History { source, query } => queue.push(Action::History(
                    pwb::tui::history_query::carry_out(&source, query),
                )),
                other => others.push(other),
            }
        }
    }
    others
}

/// `screen` with what changes from run to run made fixed: dates, times
/// and durations become `#`, each of `ids` becomes `#`s, and sparkline
/// bars (drawn from measured times) become blanks.
pub fn screen_redacted(app: &mut App, ids: &[String]) -> String {
    let mut s = screen(app);
    for id in ids {
        s = s.replace(id.as_str(), &"#".repeat(id.len()));
    }
    let digits = |m: &regex::Captures| {
        m[0].chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect::<String>()
    };
    let when = regex::Regex::new(r"(\d{4}-)?\d\d-\d\d \d\d:\d\d").expect("regex");
    // Sparkline bars follow measured times: blank them too.
    let s: String = when
        .replace_all(&s, digits)
        .chars()
        .map(|c| if ('▁'..='█').contains(&c) { ' ' } else { c })
        .collect();
    redact_times(&s)
}

/// Measured times made fixed: each becomes `#` and its unit, however many
/// digits it had on a loaded machine; on a line that held one, every run
/// of spaces becomes two, so padding around a time (left or right
/// aligned) does not move what follows.
pub fn redact_times(text: &str) -> String {
    let time = regex::Regex::new(r"\b\d+(?:\.\d+)?(ms|s)\b").expect("regex");
    let gap = regex::Regex::new(r" {2,}").expect("regex");
    text.split('\n')
        .map(|line| {
            let fixed = time.replace_all(line, "#$1");
            if fixed == line {
                line.to_string()
            } else {
                gap.replace_all(&fixed, "  ").into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sends `action`; when it starts a Tests run, carries the run out with
/// `eval_job::run` as the event loop would and returns what it reported
/// (not yet given to the App: a test may deliver part of it), the
/// graded cells in (case, column) order, the end last.
pub fn eval_actions(app: &mut App, action: Action) -> Vec<Action> {
    let mut job = None;
    for e in app.update(action) {
        if let Effect::StartEval(j) = e {
            job = Some(j);
        }
    }
    let Some(job) = job else {
        return Vec::new();
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    rt.block_on(pwb::tui::eval_job::run(
        *job,
        tokio_util::sync::CancellationToken::new(),
        tx,
    ));
    let mut out = Vec::new();
    while let Ok(a) = rx.try_recv() {
        out.push(a);
    }
    let key = |a: &Action| match a {
        Action::Eval {
            event: pwb::tui::eval_job::EvalEvent::Cell { case, cell },
            ..
        } => (*case, cell.prompt.clone(), cell.model.clone()),
        _ => (usize::MAX, String::new(), String::new()),
    };
    out.sort_by_key(key);
    out
}

/// `eval_actions`, every action given to the App.
pub fn act_and_eval(app: &mut App, action: Action) {
    for a in eval_actions(app, action) {
        app.update(a);
    }
}

/// A suite of `echo_workspace`'s greet prompt (`Greet NAME.`): cases 2
/// and 4 pass, 1 and 3 fail; the Tests screen's tests share it.
#[allow(dead_code)]
pub const GREET_SUITE: &str = "\
prompt: greet
tests:
  - description: says hello
    vars: { name: Ada }
    assert:
      - type: contains
        value: Hello
  - description: names the person
    vars: { name: Bob }
    assert:
      - type: contains
        value: Bob
  - vars: { name: Cy }
    assert:
      - type: regex
        value: '^Hello'
  - description: stays plain
    vars: { name: Di }
    assert:
      - type: not-contains
        value: Hello
";
