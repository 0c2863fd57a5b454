//! The Tests screen loads suites off the UI thread under the event loop:
//! F6 shows "loading…" and asks for the load as an effect; the grids come
//! back as an action (a stale load is ignored), then the cases show.

mod support;

use pwb::tui::action::{Action, Command, KeyCode};
use pwb::tui::app::{App, Effect, load_grids};
use support::tui::{cmd, echo_workspace, key, open, screen};

const SUITE: &str = "\
- description: says hello
  vars: { name: Ada }
  assert: [{ type: contains, value: Hello }]
- description: names the person
  vars: { name: file://data/bob.txt }
  assert: [{ type: contains, value: Bob }]
";

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn f6_loads_the_suites_in_the_background() {
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), SUITE);
    support::tui::write_files(tmp.path(), &[("tests/data/bob.txt", "Bob")]);
    let mut app = open(tmp.path());
    app.suites_in_background = true;
    let effects = app.update(cmd(Command::Tests));
    let Some((id, root, prompt)) = effects.into_iter().find_map(|e| match e {
        Effect::LoadSuites { id, root, prompt } => Some((id, root, prompt)),
        _ => None,
    }) else {
        panic!("F6 asks for the suites to be loaded");
    };
    assert_eq!(prompt, "greet");
    let text = screen(&mut app);
    assert!(text.contains("loading the suites…"), "{text}");
    app.update(key(KeyCode::Char('r')));
    assert_eq!(status(&app), "the suites are still loading");

    let result = load_grids(&root, &prompt);
    // A load that is not the latest changes nothing.
    app.update(Action::SuitesLoaded {
        id: id + 1,
        result: result.clone(),
    });
    assert!(app.tests.grid().is_none() && app.tests.loading == Some(id));
    app.update(Action::SuitesLoaded { id, result });
    assert_eq!(app.tests.loading, None);
    let g = app.tests.grid().expect("the suite's grid");
    assert_eq!(g.cases.len(), 2);
    assert_eq!(g.cases[1].vars["name"], "Bob", "file:// vars are read");
    let text = screen(&mut app);
    assert!(
        text.contains("says hello") && text.contains("names the person"),
        "{text}"
    );
    assert!(!text.contains("loading the suites"), "{text}");
}

#[test]
fn a_workspace_without_suites_says_so_after_loading() {
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), SUITE);
    std::fs::remove_dir_all(tmp.path().join("tests")).unwrap();
    let mut app = open(tmp.path());
    app.suites_in_background = true;
    let effects = app.update(cmd(Command::Tests));
    let Some(Effect::LoadSuites { id, root, prompt }) = effects.into_iter().next() else {
        panic!("a load is asked for");
    };
    let result = load_grids(&root, &prompt);
    assert!(matches!(&result, Ok(v) if v.is_empty()));
    app.update(Action::SuitesLoaded { id, result });
    let text = screen(&mut app);
    assert!(text.contains("no suite tests `greet`"), "{text}");
}
