//! The Tests grid with the answers cache on: a second run's cells come
//! from the cache and are marked `c`, and the progress line counts them.
//! Alone in its binary: it points PWB_DATA_DIR at a fresh folder.

mod support;

use pwb::tui::action::{Command, KeyCode};
use support::tui::{act_and_eval, cmd, echo_workspace, key, open, screen_redacted};

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
";

#[test]
fn a_second_run_from_the_cache_marks_its_cells() {
    let data = tempfile::tempdir().unwrap();
    // SAFETY: the only test of this binary sets it before any thread
    // reads the environment; the answers cache goes under it.
    unsafe { std::env::set_var("PWB_DATA_DIR", data.path()) };
    let tmp = tempfile::tempdir().unwrap();
    echo_workspace(tmp.path(), SUITE);
    let mut app = open(tmp.path());
    app.update(cmd(Command::Tests));
    app.update(cmd(Command::ToggleCache));
    assert!(app.cache_on);
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    assert_eq!(app.tests.grid().unwrap().progress().cached, 0);
    act_and_eval(&mut app, key(KeyCode::Char('r')));
    let p = app.tests.grid().unwrap().progress();
    assert_eq!(p.cached, 2, "every answer came from the cache");
    let text = screen_redacted(&mut app, &[]);
    assert!(text.contains("✓ c"), "{text}");
    assert!(text.contains("2 cached (c)"), "{text}");
    insta::assert_snapshot!("tests_cached", text);
}
