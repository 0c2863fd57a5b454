//! The Tests screen at scale: one frame of the grid with 2,000 cases × 6
//! columns, every cell graded (TestBackend 200x50), and one keystroke of
//! the text filter (`/` then a character: the rows recomputed) with the
//! frame after it. Run: `cargo bench --bench grid`. Prints figures;
//! asserts nothing. The budget (issue 12): a frame ≤ 4 ms.

use pwb::eval::{CaseGrade, CellResult, Verdict};
use pwb::run::{CellOutcome, CellStatus};
use pwb::tui::action::{Action, Command, KeyCode, KeyPress};
use pwb::tui::app::{App, Effect};
use pwb::tui::eval_job::EvalEvent;
use pwb::tui::keymap::Keymap;
use pwb::tui::theme::Theme;
use pwb::tui::view;
use pwb::types::ModelId;
use pwb::workspace::Workspace;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const CASES: usize = 2000;
const MODELS: usize = 6;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut toml = String::new();
    for m in 0..MODELS {
        // Never called: the bench hands the grid its results.
        let _ = write!(
            toml,
            "[[models]]\nid = \"openai:model-{m}\"\nselected = true\nbase_url = \"http://127.0.0.1:9/v1\"\n\n"
        );
    }
    toml.push_str("[history]\nenabled = false\n");
    let mut suite = String::from("prompt: greet\ntests:\n");
    for c in 0..CASES {
        let _ = write!(
            suite,
            "  - description: case number {c} about topic {}\n    vars: {{ name: person{c}, city: town{} }}\n    assert:\n      - type: contains\n        value: Hello\n",
            c % 37,
            c % 101
        );
    }
    for (rel, text) in [
        ("pwb.toml", toml.as_str()),
        ("prompts/greet.prompt", "Greet {{name}} from {{city}}.\n"),
        ("tests/greet.yaml", suite.as_str()),
    ] {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let (ws, _) = Workspace::load(dir.path()).expect("workspace loads");
    let theme = Theme::builtin("dark").expect("dark theme");
    let mut app = App::new(ws, Keymap::builtin(), theme);
    let (w, h) = (200u16, 50u16);
    app.update(Action::Resize {
        width: w,
        height: h,
    });
    app.update(Action::Command(Command::Tests));
    let cases = app.tests.grid().map_or(0, |g| g.cases.len());
    assert_eq!(cases, CASES, "the suite loaded: {:?}", app.tests.problem);

    // `r` plans the run; its results are handed in as the loop would.
    let id = app
        .update(key(KeyCode::Char('r')))
        .into_iter()
        .find_map(|e| match e {
            Effect::StartEval(job) => Some(job.id),
            _ => None,
        })
        .expect("r starts a run");
    let started = Instant::now();
    for case in 0..CASES {
        for m in 0..MODELS {
            let cell = result(case, m);
            app.update(Action::Eval {
                id,
                event: EvalEvent::Cell {
                    case,
                    cell: Box::new(cell),
                },
            });
        }
    }
    app.update(Action::Eval {
        id,
        event: EvalEvent::Finished { interrupted: false },
    });
    let p = app.tests.grid().expect("the grid").progress();
    println!(
        "grid {CASES} cases x {MODELS} columns: {} cells handed in in {:.1} ms (✓ {} ✗ {} · {} cached)",
        CASES * MODELS,
        started.elapsed().as_secs_f64() * 1000.0,
        p.pass,
        p.fail,
        p.cached
    );
    assert_eq!(p.pass + p.fail, CASES * MODELS, "every cell graded");
    // The cursor mid-way down, so the visible rows are not the first.
    for _ in 0..900 {
        app.update(key(KeyCode::Down));
    }

    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    let frames = measure(50, || {
        term.draw(|f| view::draw(f, &mut app)).expect("draw");
    });
    report(&format!("frame of the grid at {w}x{h}"), frames);

    // The filter, typed: each keystroke recomputes the rows, then draws.
    app.update(key(KeyCode::Char('/')));
    let typed = "topic 1";
    let mut at = 0;
    let mut fewest = usize::MAX;
    let mut update_only = Vec::new();
    let keystrokes = measure(70, || {
        let k = if at < typed.len() {
            KeyCode::Char(typed.as_bytes()[at] as char)
        } else {
            KeyCode::Backspace
        };
        at = (at + 1) % (typed.len() * 2);
        let t = Instant::now();
        app.update(key(k));
        update_only.push(t.elapsed());
        fewest = fewest.min(app.tests.rows().len());
        term.draw(|f| view::draw(f, &mut app)).expect("draw");
    });
    report("filter keystroke (update)", update_only);
    report("filter keystroke (update + frame)", keystrokes);
    println!("rows shown: {fewest} at the narrowest (\"{typed}\"), {CASES} unfiltered");
}

fn key(code: KeyCode) -> Action {
    Action::Key(KeyPress::plain(code))
}

/// A graded cell: most pass, every 7th fails, some partial scores.
fn result(case: usize, m: usize) -> CellResult {
    let id = ModelId::parse(&format!("openai:model-{m}")).expect("model id");
    let mut outcome = CellOutcome::new(id.to_string(), id.clone(), Default::default());
    outcome.text = format!("Hello person{case}, greetings from town{}.", case % 101);
    outcome.status = CellStatus::Done;
    outcome.wall_time = Some(Duration::from_millis(
        200 + (case * 7 + m * 13) as u64 % 900,
    ));
    outcome.cached = case.is_multiple_of(11);
    let pass = !(case + m).is_multiple_of(7);
    let score = if pass { 1.0 } else { ((case % 5) as f64) / 5.0 };
    CellResult {
        prompt: "greet".into(),
        model: id.to_string(),
        model_id: id,
        case,
        description: None,
        vars: Default::default(),
        repeat: 0,
        repeats: 1,
        messages: Vec::new(),
        outcome,
        cost: Some(0.000_12),
        grade: Some(CaseGrade {
            pass,
            score,
            reason: String::new(),
            named_scores: Default::default(),
            results: Vec::new(),
        }),
        verdict: if pass { Verdict::Pass } else { Verdict::Fail },
        grader_usage: Default::default(),
        grader_cost: None,
        call_id: None,
        context: None,
    }
}

fn measure(n: usize, mut f: impl FnMut()) -> Vec<Duration> {
    for _ in 0..5 {
        f();
    }
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: median {:.3} ms, p90 {:.3} ms, max {:.3} ms ({} samples)",
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() * 9 / 10]),
        ms(samples[samples.len() - 1]),
        samples.len()
    );
}
