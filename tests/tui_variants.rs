//! Variants side by side in the Tests screen: `v` picks variant B (another
//! prompt, or a recorded version), a run fills A's and B's columns through
//! the same session planning (the echo model answers with the rendered
//! prompt, so B's answers show B's text was rendered), the paired rows
//! under the summary, and a blind pass over the suite's cases (`B`).

mod support;

use pwb::store::{HistoryWriter, Store, ratings};
use pwb::tui::action::{Action, Command, KeyCode};
use pwb::tui::app::App;
use pwb::tui::state::popup::Popup;
use pwb::tui::state::variants::Choice;
use std::time::Duration;
use support::mock_llm::{MockServer, Reply, model_of, openai_stream};
use support::tui::{
    act, act_and_eval, act_and_run, cmd, echo_workspace, eval_actions, key, open, redact_times,
    screen_redacted, screen_sized, type_text, write_files,
};

/// greet renders `Greet NAME.`, welcome `Hello NAME!`: welcome passes
/// cases 1 and 3 that greet fails and fails case 4 that greet passes.
const SUITE: &str = support::tui::GREET_SUITE;

fn app() -> (App, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), SUITE);
    write_files(
        tmp.path(),
        &[("prompts/welcome.prompt", "Hello {{name}}!\n")],
    );
    let mut app = open(tmp.path());
    app.update(cmd(Command::Tests));
    (app, tmp)
}

fn screen(app: &mut App) -> String {
    screen_redacted(app, &[])
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// `v`, then Enter on the choice naming `name`.
fn pick(app: &mut App, name: &str) {
    act(app, key(KeyCode::Char('v')));
    let Some(Popup::VariantPicker(p)) = &app.popup else {
        panic!("no picker: {}", status(app));
    };
    let at = p
        .choices
        .iter()
        .position(|c| match c {
            Choice::Prompt { name: n, .. } => n == name,
            Choice::Version(v) => format!("{}@{}", v.version.prompt, v.version.short()) == name,
            Choice::Clear => name == "none",
        })
        .unwrap_or_else(|| panic!("{name} not offered: {:?}", p.choices));
    for _ in 0..at {
        app.update(key(KeyCode::Down));
    }
    act(app, key(KeyCode::Enter));
}

#[test]
fn another_prompt_runs_beside_the_open_one_with_the_paired_rows() {
    let (mut app, _tmp) = app();
    app.update(key(KeyCode::Char('v')));
    let text = screen(&mut app);
    assert!(text.contains("welcome"), "{text}");
    assert!(text.contains("history is off"), "{text}");
    insta::assert_snapshot!("variant_picker", text);
    app.update(key(KeyCode::Enter));
    assert!(app.popup.is_none());
    assert_eq!(
        app.tests.variant.as_ref().map(|v| v.label.as_str()),
        Some("welcome")
    );
    let g = app.tests.grid().expect("grid");
    let cols: Vec<(&str, &str)> = g
        .columns
        .iter()
        .map(|c| (c.prompt.as_str(), c.model.as_str()))
        .collect();
    assert_eq!(cols, [("greet", "echo"), ("welcome", "echo")]);
    let text = screen(&mut app);
    assert!(text.contains("paired comparison after a run (r)"), "{text}");

    let events = eval_actions(&mut app, key(KeyCode::Char('r')));
    assert_eq!(events.len(), 9, "eight graded cells and the end");
    for a in events.iter().take(4).cloned() {
        app.update(a);
    }
    let text = screen(&mut app);
    assert!(
        text.contains("paired comparison when the run ends"),
        "{text}"
    );
    for a in events.into_iter().skip(4) {
        app.update(a);
    }
    let g = app.tests.grid().expect("grid");
    // B went through the session's rendering: the echo model answered
    // with welcome's text for each case.
    let b = g.result(0, 1).expect("B graded case 1");
    assert_eq!(b.prompt, "welcome");
    assert!(b.outcome.text.contains("Hello Ada!"), "{}", b.outcome.text);
    let a = g.result(0, 0).expect("A graded case 1");
    assert!(a.outcome.text.contains("Greet Ada."), "{}", a.outcome.text);
    // B's request is what the session renders from welcome's text, as for
    // `pwb run` and A: no other way to build it.
    let inputs = pwb::session::PromptInputs {
        vars: g.cases[0].vars.clone(),
        ..Default::default()
    };
    let want = app
        .session
        .render("Hello {{name}}!\n", &inputs)
        .expect("welcome renders");
    assert_eq!(b.messages, want.messages);
    let p = pwb::tui::state::variants::paired_of(g, "greet", 1).expect("B vs A");
    assert_eq!((p.wins, p.losses, p.ties), (2, 1, 1));
    // scipy.stats.binomtest(1, 3, 0.5).pvalue == 1.0
    assert_eq!(p.p_value, 1.0);
    // Score differences 1, 0, 1, -1.
    assert_eq!(p.score_diff, Some(0.25));
    assert!(pwb::tui::state::variants::paired_of(g, "greet", 0).is_none());
    let text = screen(&mut app);
    assert!(text.contains("+2 -1 =1 p 1.000"), "{text}");
    insta::assert_snapshot!("variants_grid_paired", text);

    // Picking none takes B's columns away and keeps A's results.
    pick(&mut app, "none");
    let g = app.tests.grid().expect("grid");
    assert_eq!(g.columns.len(), 1);
    assert!(g.result(0, 0).is_some());
    assert!(app.tests.variant.is_none());
}

#[test]
fn a_recorded_version_is_variant_b_against_the_edited_text() {
    let (mut app, tmp) = app();
    let writer = HistoryWriter::start(tmp.path().join("h.sqlite"));
    app.history = Some(writer.clone());
    // Record the saved text as a version, then edit the prompt.
    app.update(cmd(Command::Tests));
    act_and_run(&mut app, cmd(Command::Run));
    app.focus = pwb::tui::app::Pane::Editor;
    type_text(&mut app, "Hello ");
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
    app.update(cmd(Command::Tests));
    act(&mut app, key(KeyCode::Char('v')));
    let text = screen(&mut app);
    assert!(text.contains("versions of greet"), "{text}");
    insta::assert_snapshot!("variant_picker_versions", text);
    let Some(Popup::VariantPicker(p)) = &app.popup else {
        panic!("no picker");
    };
    let version = p
        .choices
        .iter()
        .find_map(|c| match c {
            Choice::Version(v) => Some(format!("{}@{}", v.version.prompt, v.version.short())),
            _ => None,
        })
        .expect("the saved version is offered");
    app.update(key(KeyCode::Esc));
    pick(&mut app, &version);
    let b = app.tests.variant.clone().expect("B is the version");
    assert_eq!(b.label, version);
    assert_eq!(b.source, "Greet {{name}}.\n");
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    let g = app.tests.grid().expect("grid");
    // A is the editor's unsaved text, B the recorded one.
    assert!(
        g.result(0, 0)
            .unwrap()
            .outcome
            .text
            .contains("Hello Greet Ada.")
    );
    assert!(g.result(0, 1).unwrap().outcome.text.contains("Greet Ada."));
    let p = pwb::tui::state::variants::paired_of(g, "greet", 1).expect("B vs A");
    assert_eq!(p.pairs, 4);
}

#[test]
fn a_blind_pass_over_the_suite_hides_the_names_and_records_each_vote() {
    let (mut app, tmp) = app();
    let writer = HistoryWriter::start(tmp.path().join("h.sqlite"));
    app.history = Some(writer.clone());
    app.rng = fastrand::Rng::with_seed(7);
    act(&mut app, key(KeyCode::Char('B')));
    assert!(app.blind.is_none(), "one column: nothing to compare");
    assert!(status(&app).contains("two columns"), "{}", status(&app));
    pick(&mut app, "welcome");
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    act(&mut app, key(KeyCode::Char('B')));
    let s = app.blind.as_ref().expect("blind screen");
    assert_eq!(s.items.len(), 4, "a pair per case");
    let first = s.items[0].clone();
    let text = screen(&mut app);
    for name in ["greet", "welcome", "echo"] {
        assert!(!text.contains(name), "{name} on screen:\n{text}");
    }
    assert!(text.contains("pair 1 of 4 · case 1: says hello"), "{text}");
    insta::assert_snapshot!("blind_suite_pair", text);
    // Always vote for whichever side holds welcome's answer (Hello ...),
    // but call the third a tie.
    for i in 0..4 {
        let item = &app.blind.as_ref().unwrap().items[i];
        let vote = if i == 2 {
            't'
        } else if item.a_text.starts_with("Hello") {
            'a'
        } else {
            'b'
        };
        let text = screen(&mut app);
        for name in ["greet", "welcome", "echo"] {
            assert!(!text.contains(name), "{name} on screen:\n{text}");
        }
        act(&mut app, key(KeyCode::Char(vote)));
    }
    let text = screen(&mut app);
    assert!(
        text.contains("welcome"),
        "names show with the results: {text}"
    );
    insta::assert_snapshot!("blind_suite_results", text);
    act(&mut app, key(KeyCode::Esc));
    assert!(app.blind.is_none());
    assert_eq!(writer.flush(), None);
    let store = Store::open(&writer.path).unwrap();
    let ws = store.workspace(tmp.path()).unwrap().unwrap();
    let votes = ratings::votes(store.conn(), ws, None).unwrap();
    assert_eq!(votes.len(), 4);
    let (suite, case, a): (String, i64, String) = store
        .conn()
        .query_row(
            "SELECT suite, case_index, a_contender FROM pairwise_votes ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((suite.as_str(), case, a), ("greet", 0, first.pair.a.name));
}

#[test]
fn on_two_models_each_model_gets_its_own_paired_comparison() {
    // `parrot` answers with the prompt; `shy` leaves out "Hello ".
    let server = MockServer::start(|req| {
        let body = req.json();
        let q = body["messages"]
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default()
            .to_string();
        let a = match model_of(req).as_str() {
            "parrot" => q,
            _ => q.replace("Hello ", ""),
        };
        Reply::sse(openai_stream(&[a.as_str()], 5, Duration::ZERO))
    });
    let tmp = tempfile::tempdir().unwrap();
    let base = server.base_v1();
    echo_workspace(tmp.path(), SUITE);
    write_files(
        tmp.path(),
        &[
            ("prompts/welcome.prompt", "Hello {{name}}!\n"),
            (
                "pwb.toml",
                &format!(
                    "[[models]]\nid = \"openai:parrot\"\nselected = true\nbase_url = \"{base}\"\n\n\
                     [[models]]\nid = \"openai:shy\"\nselected = true\nbase_url = \"{base}\"\n\n\
                     [history]\nenabled = false\n"
                ),
            ),
        ],
    );
    let mut app = open(tmp.path());
    app.update(cmd(Command::Tests));
    pick(&mut app, "welcome");
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    let g = app.tests.grid().expect("grid");
    let cols: Vec<String> = g
        .columns
        .iter()
        .map(|c| format!("{} · {}", c.prompt, c.model))
        .collect();
    assert_eq!(
        cols,
        [
            "greet · openai:parrot",
            "greet · openai:shy",
            "welcome · openai:parrot",
            "welcome · openai:shy"
        ]
    );
    let on = |col| pwb::tui::state::variants::paired_of(g, "greet", col).expect("paired");
    let (parrot, shy) = (on(2), on(3));
    assert_eq!((parrot.wins, parrot.losses, parrot.ties), (2, 1, 1));
    assert_eq!((shy.wins, shy.losses, shy.ties), (0, 0, 4));
    assert_eq!(shy.score_diff, Some(0.0));
    let text = redact_times(&screen_sized(&mut app, 140, 30));
    assert!(text.contains("+0 -0 =4 p 1.000"), "{text}");
    insta::assert_snapshot!("variants_two_models", text);
}
