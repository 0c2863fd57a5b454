//! Tests-screen runs go into the history as `pwb eval` runs do: an eval of
//! the suite, each call (with the prompt as in the editor, saved or not),
//! each graded cell with its verdict and vars, and every assertion; a
//! re-run of the failing cases records their numbers in the suite.

mod support;

use pwb::tui::action::{Command, KeyCode};
use pwb::tui::app::Pane;
use rusqlite::Connection;
use support::tui::{act_and_eval, cmd, key, open, type_text, write_files};

const SUITE: &str = "\
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
      - type: icontains
        value: cy
";

/// (case, verdict, vars, variant) of eval `eval`'s results, by case.
fn results(db: &Connection, eval: i64) -> Vec<(i64, String, String, String)> {
    let mut q = db
        .prepare(
            "SELECT case_index, verdict, vars, variant FROM eval_results \
             WHERE eval_id = ?1 ORDER BY case_index",
        )
        .unwrap();
    q.query_map([eval], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_tests_screen_run_is_recorded_as_an_eval() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            (
                "pwb.toml",
                "[[models]]\nid = \"echo\"\nselected = true\n\n[history]\npath = \"h.sqlite\"\n",
            ),
            ("prompts/greet.prompt", "Greet {{name}}.\n"),
            ("tests/greet.yaml", SUITE),
        ],
    );
    let mut app = open(tmp.path());
    let ws = app.session.ws.clone();
    app.history = Some(pwb::store::writer_for(&ws.root, &ws.config.history).unwrap());
    app.update(cmd(Command::Tests));
    act_and_eval(&mut app, key(KeyCode::Char('r')));

    let db = Connection::open(tmp.path().join("h.sqlite")).unwrap();
    let evals: Vec<(i64, String, Option<i64>, String)> = db
        .prepare("SELECT id, suite, finished, models FROM evals ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(evals.len(), 1, "{evals:?}");
    let (first, suite, finished, models) = &evals[0];
    assert_eq!(suite, "greet");
    assert!(finished.is_some(), "the eval is marked finished");
    assert!(models.contains("echo"), "{models}");
    let got = results(&db, *first);
    let verdicts: Vec<(i64, &str)> = got.iter().map(|r| (r.0, r.1.as_str())).collect();
    assert_eq!(verdicts, [(0, "fail"), (1, "pass"), (2, "fail")]);
    assert!(got[1].2.contains("\"Bob\""), "vars: {}", got[1].2);
    assert_eq!(got[0].3, "greet");
    // Every assertion, with its reason; the calls are the TUI's.
    let kinds: Vec<(String, i64, String)> = db
        .prepare(
            "SELECT a.kind, a.pass, a.reason FROM assertion_results a \
             JOIN eval_results e ON e.call_id = a.call_id \
             WHERE e.eval_id = ?1 ORDER BY e.case_index, a.position",
        )
        .unwrap()
        .query_map([first], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let shape: Vec<(&str, i64)> = kinds.iter().map(|k| (k.0.as_str(), k.1)).collect();
    assert_eq!(
        shape,
        [
            ("contains", 0),
            ("contains", 1),
            ("regex", 0),
            ("icontains", 1)
        ]
    );
    assert!(!kinds[0].2.is_empty(), "a failed assertion says why");
    let faces: Vec<String> = db
        .prepare("SELECT DISTINCT face FROM calls")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(faces, ["tui"]);

    // Fix the prompt (unsaved) and re-run the failing cases: a second
    // eval holds cases 0 and 2, passing, made by the edited text.
    app.update(cmd(Command::FocusNext));
    assert_eq!(app.focus, Pane::Editor);
    type_text(&mut app, "Hello ");
    if app.render_due().is_some() {
        app.update(pwb::tui::action::Action::RenderDue);
    }
    app.update(key(KeyCode::F(6)));
    act_and_eval(&mut app, key(KeyCode::Char('F')));
    let second: i64 = db
        .query_row("SELECT max(id) FROM evals", [], |r| r.get(0))
        .unwrap();
    assert_ne!(second, *first);
    let got = results(&db, second);
    let verdicts: Vec<(i64, &str)> = got.iter().map(|r| (r.0, r.1.as_str())).collect();
    assert_eq!(verdicts, [(0, "pass"), (2, "pass")]);
    let (source, saved): (String, i64) = db
        .query_row(
            "SELECT v.source, v.saved FROM prompt_versions v \
             JOIN calls c ON c.version_id = v.id \
             JOIN eval_results e ON e.call_id = c.id WHERE e.eval_id = ?1 LIMIT 1",
            [second],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(source, "Hello Greet {{name}}.\n");
    assert_eq!(saved, 0, "the edit is not saved");
}
