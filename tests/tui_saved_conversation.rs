//! A test case holding a saved conversation (its `history` variable, as
//! add-as-test writes it) loaded into the workbench, from the Tests screen
//! (`e`) or the variables popup (`t`): Ctrl-R sends the request `pwb eval`
//! sends for that case, and the column shows the turns and goes on.

mod support;

use pwb::tui::action::{Action, Command, KeyCode};
use pwb::tui::app::{App, Pane};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use support::cli::pwb;
use support::mock_llm::{MockServer, Reply, openai_stream};
use support::steps::act;
use support::tui::{cmd, key, open, screen_sized, type_text, write_files};

const PROMPT: &str = "---\nconfig:\n  temperature: 0\n---\n{{role \"system\"}}\nBe brief.\n{{role \"user\"}}\nHi, I am {{name}}.\n";

const SUITE: &str = "\
prompt: greet
tests:
  - description: goes on
    vars:
      name: Ada
      history: |
        - role: model
          content: Hello Ada!
        - role: user
          content: Who are you?
    assert:
      - type: contains
        value: alpha
";

fn workspace(dir: &Path, server: &MockServer) {
    let v1 = server.base_v1();
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                &format!(
                    "[[models]]\nid = \"openai:alpha\"\nselected = true\nbase_url = \"{v1}\"\n\n\
                     [history]\nenabled = false\n"
                ),
            ),
            ("prompts/greet.prompt", PROMPT),
            ("tests/greet.yaml", SUITE),
        ],
    );
}

fn server() -> MockServer {
    MockServer::start(|_| Reply::sse(openai_stream(&["I am ", "alpha."], 12, Duration::ZERO)))
}

fn render(app: &mut App) {
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
}

/// The messages of a request body as `role: text` lines.
fn turns(body: &Value) -> Vec<String> {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}: {}",
                m["role"].as_str().unwrap(),
                m["content"].as_str().unwrap().trim()
            )
        })
        .collect()
}

/// `pwb eval`'s request for the case: the prompt, then the saved turns.
fn eval_body(dir: &Path, server: &MockServer) -> Value {
    let (code, out, err) = pwb(dir, &["eval", "--no-cache"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1, "one case, one model");
    let body = reqs[0].json();
    assert_eq!(
        turns(&body),
        [
            "system: Be brief.",
            "user: Hi, I am Ada.",
            "assistant: Hello Ada!",
            "user: Who are you?"
        ]
    );
    body
}

/// The body of the latest request the server saw.
fn last_body(server: &MockServer) -> Value {
    server.requests().last().expect("a request").json()
}

/// After the answer: the column shows the saved turns and the answer as
/// a conversation, and `c` goes on from there with every turn.
fn goes_on(app: &mut App, server: &MockServer) {
    let conv = app.convo.of(0).expect("the column's conversation");
    assert!(!conv.is_waiting(), "the answer is the next model turn");
    let shown: Vec<String> = conv
        .turns
        .iter()
        .map(|t| format!("{}: {}", t.role, t.plain_text()))
        .collect();
    assert_eq!(
        shown,
        [
            "model: Hello Ada!",
            "user: Who are you?",
            "model: I am alpha."
        ]
    );
    app.focus = Pane::Outputs;
    app.update(cmd(Command::Continue));
    type_text(app, "Bye");
    act(app, key(KeyCode::Enter));
    assert_eq!(
        turns(&last_body(server))[2..],
        [
            "assistant: Hello Ada!",
            "user: Who are you?",
            "assistant: I am alpha.",
            "user: Bye"
        ]
    );
}

#[test]
fn a_case_loaded_from_the_tests_screen_sends_what_pwb_eval_sends() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    workspace(tmp.path(), &server);
    let want = eval_body(tmp.path(), &server);

    let mut app = open(tmp.path());
    app.update(cmd(Command::Tests));
    assert!(app.tests.grid().is_some(), "the suite loaded");
    app.update(key(KeyCode::Char('e')));
    render(&mut app);
    assert!(
        app.current.vars.entries.iter().all(|e| e.name != "history"),
        "the turns are not a template variable"
    );
    act(&mut app, cmd(Command::Run));
    assert_eq!(server.requests().len(), 2);
    assert_eq!(last_body(&server), want);
    goes_on(&mut app, &server);
}

#[test]
fn a_case_loaded_by_t_shows_its_turns_and_sends_what_pwb_eval_sends() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    workspace(tmp.path(), &server);
    let want = eval_body(tmp.path(), &server);

    let mut app = open(tmp.path());
    app.update(cmd(Command::Variables));
    app.update(key(KeyCode::Char('t')));
    app.update(key(KeyCode::Esc));
    render(&mut app);
    act(&mut app, cmd(Command::Run));
    assert_eq!(last_body(&server), want);
    app.update(Action::Resize {
        width: 100,
        height: 40,
    });
    let s = screen_sized(&mut app, 100, 40);
    let timed = |l: &&str| l.contains("ttft") || l.contains("slowest");
    let kept: Vec<&str> = s.lines().filter(|l| !timed(l)).collect();
    insta::assert_snapshot!("saved_conversation_loaded", kept.join("\n"));
    goes_on(&mut app, &server);
}

#[test]
fn the_variables_popup_shows_the_saved_turns_and_x_drops_them() {
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    workspace(tmp.path(), &server);
    let mut app = open(tmp.path());
    app.update(cmd(Command::Variables));
    app.update(key(KeyCode::Char('t')));
    let s = screen_sized(&mut app, 100, 30);
    assert!(
        s.contains("+ 2 saved turn(s) follow the prompt (the case's history)")
            && s.contains("x drops the saved turns"),
        "{s}"
    );
    assert!(!s.contains("│history "), "not a variable:\n{s}");
    app.update(key(KeyCode::Char('x')));
    app.update(key(KeyCode::Esc));
    render(&mut app);
    assert!(app.current.vars.history.is_empty());
    act(&mut app, cmd(Command::Run));
    assert_eq!(
        turns(&last_body(&server)),
        ["system: Be brief.", "user: Hi, I am Ada."]
    );
    assert!(app.convo.of(0).is_none(), "a plain answer, no conversation");
}
