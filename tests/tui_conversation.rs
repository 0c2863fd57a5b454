//! Conversations in the Outputs columns: `c` sends the focused column's
//! next turn, `C` the same turn to every column, `t` then `e`/`d` edit or
//! remove an earlier turn and the later ones are asked again; the column
//! shows the turns; the wire bodies of a continued conversation in each
//! provider's shape; a conversation saved as a test case.

mod support;

use pwb::tui::action::{Action, Command, KeyCode};
use pwb::tui::app::{App, Effect, Pane};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use support::mock_llm::{
    MockServer, Reply, anthropic_stream, gemini_stream, model_of, ollama_stream, openai_stream,
    scripted,
};
use support::steps::act;
use support::tui::{cmd, key, open, screen_sized, type_text, write_files};

const PROMPT: &str = "---\nconfig:\n  temperature: 0\n---\n{{role \"system\"}}\nBe brief.\n{{role \"user\"}}\nHi, I am {{name}}.\n";

/// An OpenAI-style reply streaming `text` in two pieces.
fn says(text: &'static str) -> Reply {
    let (a, b) = text.split_at(text.len() / 2);
    Reply::sse(openai_stream(&[a, b], 12, Duration::ZERO))
}

/// A workspace whose prompt greets `name` (set to Ada), with `models`
/// (pwb.toml entries) selected.
fn workspace(dir: &Path, models: &str) -> App {
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                &format!("{models}\n[history]\nenabled = false\n"),
            ),
            ("prompts/greet.prompt", PROMPT),
        ],
    );
    let mut app = open(dir);
    app.update(cmd(Command::Variables));
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "Ada");
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Esc));
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
    app
}

fn two_openai_models(server: &MockServer) -> String {
    let v1 = server.base_v1();
    format!(
        "[[models]]\nid = \"openai:alpha\"\nselected = true\nbase_url = \"{v1}\"\n\n\
         [[models]]\nid = \"openai:beta\"\nselected = true\nbase_url = \"{v1}\"\n"
    )
}

/// The whole screen, 100×48 (room for the turns), without the lines
/// whose figures timing decides (the timing readout and run summary).
fn tall_screen(app: &mut App) -> String {
    app.update(Action::Resize {
        width: 100,
        height: 48,
    });
    let s = screen_sized(app, 100, 48);
    let timed = |l: &&str| l.contains("ttft") || l.contains("slowest");
    let kept: Vec<&str> = s.lines().filter(|l| !timed(l)).collect();
    kept.join("\n")
}

/// Types the next turn after `c` (or `C`) and sends it.
fn next_turn(app: &mut App, command: Command, text: &str) {
    app.focus = Pane::Outputs;
    app.update(cmd(command));
    type_text(app, text);
    act(app, key(KeyCode::Enter));
}

/// `role: text` of each message of a request body (OpenAI's shape).
fn openai_turns(body: &Value) -> Vec<String> {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let text = m["content"].as_str().unwrap().trim();
            format!("{}: {text}", m["role"].as_str().unwrap())
        })
        .collect()
}

/// The bodies `model` was sent, in order.
fn bodies(server: &MockServer, model: &str) -> Vec<Value> {
    server
        .requests()
        .into_iter()
        .filter(|r| model_of(r) == model)
        .map(|r| r.json())
        .collect()
}

fn three_turns() -> (App, MockServer, tempfile::TempDir) {
    let server = MockServer::start(scripted(vec![
        (
            "alpha",
            vec![
                says("Hello Ada!"),
                says("I am alpha."),
                says("Goodbye, Ada."),
                says("A program."),
                says("Ciao!"),
            ],
        ),
        ("beta", vec![says("Hi there."), says("Beta here.")]),
    ]));
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &two_openai_models(&server));
    act(&mut app, cmd(Command::Run));
    next_turn(&mut app, Command::ContinueAll, "Who are you?");
    next_turn(&mut app, Command::Continue, "Bye");
    (app, server, tmp)
}

#[test]
fn a_column_goes_three_turns_and_each_request_holds_the_whole_conversation() {
    let (mut app, server, _tmp) = three_turns();
    insta::assert_snapshot!("three_turn_column", tall_screen(&mut app));
    let alpha = bodies(&server, "alpha");
    assert_eq!(alpha.len(), 3);
    assert_eq!(
        openai_turns(&alpha[2]),
        [
            "system: Be brief.",
            "user: Hi, I am Ada.",
            "assistant: Hello Ada!",
            "user: Who are you?",
            "assistant: I am alpha.",
            "user: Bye",
        ]
    );
    assert_eq!(alpha[2]["temperature"], 0.0, "the column's parameters");
    let beta = bodies(&server, "beta");
    assert_eq!(beta.len(), 2, "c continues the focused column only");
    assert_eq!(
        openai_turns(&beta[1])[2..],
        ["assistant: Hi there.", "user: Who are you?"]
    );
    assert_eq!(app.outputs.columns()[0].text, "Goodbye, Ada.");
}

#[test]
fn an_edited_earlier_turn_is_asked_again_with_the_later_turns() {
    let (mut app, server, _tmp) = three_turns();
    app.update(cmd(Command::PickTurn));
    // The picked turn starts at the latest answer; up to "Who are you?".
    app.update(key(KeyCode::Up));
    app.update(key(KeyCode::Up));
    app.update(key(KeyCode::Up));
    let s = tall_screen(&mut app);
    assert!(s.contains("▸ 3 · user"), "the picked turn is marked:\n{s}");
    // On a short screen the column scrolls to it.
    let short = screen_sized(&mut app, 100, 24);
    assert!(short.contains("▸ 3 · user"), "{short}");
    assert!(!short.contains("Goodbye, Ada."), "{short}");
    app.update(key(KeyCode::Char('e')));
    for _ in 0.."Who are you?".len() {
        app.update(key(KeyCode::Backspace));
    }
    type_text(&mut app, "What are you?");
    act(&mut app, key(KeyCode::Enter));
    insta::assert_snapshot!("edited_earlier_turn", tall_screen(&mut app));
    let alpha = bodies(&server, "alpha");
    assert_eq!(alpha.len(), 5, "the edited turn and the one after it");
    assert_eq!(
        openai_turns(&alpha[3])[2..],
        ["assistant: Hello Ada!", "user: What are you?"]
    );
    assert_eq!(
        openai_turns(&alpha[4])[2..],
        [
            "assistant: Hello Ada!",
            "user: What are you?",
            "assistant: A program.",
            "user: Bye",
        ]
    );
    // Removing the middle exchange asks the last turn again without it.
    app.update(cmd(Command::PickTurn));
    app.update(key(KeyCode::Up));
    app.update(key(KeyCode::Up));
    act(&mut app, key(KeyCode::Char('d')));
    let alpha = bodies(&server, "alpha");
    assert_eq!(
        openai_turns(&alpha[5])[2..],
        ["assistant: Hello Ada!", "user: Bye"]
    );
}

#[test]
fn the_inspector_shows_the_whole_conversation_request() {
    let (mut app, _server, _tmp) = three_turns();
    app.update(cmd(Command::Zoom));
    app.update(cmd(Command::Inspector));
    let s = screen_sized(&mut app, 120, 60);
    for turn in ["Hello Ada!", "Who are you?", "I am alpha.", "Bye"] {
        assert!(s.contains(turn), "{turn} in\n{s}");
    }
}

#[test]
fn a_conversation_is_saved_as_a_case_with_its_turns_in_history() {
    let (mut app, _server, tmp) = three_turns();
    app.update(cmd(Command::AddCase));
    // The menu's cursor starts on `equals this answer`.
    let mut added = false;
    for e in app.update(key(KeyCode::Enter)) {
        if let Effect::AddCase { path, case } = e {
            assert_eq!(
                case.vars["history"],
                "- role: model\n  content: Hello Ada!\n- role: user\n  content: Who are you?\n\
                 - role: model\n  content: I am alpha.\n- role: user\n  content: Bye\n"
            );
            assert_eq!(case.vars["name"], "Ada");
            assert_eq!(case.asserts[0]["value"], "Goodbye, Ada.");
            let result = pwb::tui::app::add_case(&path, &case);
            assert_eq!(result, Ok(vec![]), "pwb check is happy");
            added = true;
        }
    }
    assert!(added);
    let text = std::fs::read_to_string(tmp.path().join("tests/greet.yaml")).unwrap();
    assert!(
        text.contains("      history: |\n        - role: model\n          content: Hello Ada!\n"),
        "{text}"
    );
    // pwb eval sends the case as the conversation's last request.
    let ws = pwb::workspace::Workspace::load(tmp.path()).unwrap().0;
    let session = pwb::session::Session::new(ws);
    let suite = &session.ws.tests[0];
    let case = &suite.cases[0];
    let variant = pwb::eval::matrix::DotpromptVariant {
        name: "greet".into(),
        source: PROMPT.into(),
    };
    use pwb::eval::matrix::Variant;
    let rendered = variant.render(&session, &case.vars).unwrap();
    let sent: Vec<String> = rendered
        .messages
        .iter()
        .map(|m| format!("{}: {}", m.role, m.plain_text().trim()))
        .collect();
    assert_eq!(
        sent,
        [
            "system: Be brief.",
            "user: Hi, I am Ada.",
            "model: Hello Ada!",
            "user: Who are you?",
            "model: I am alpha.",
            "user: Bye",
        ]
    );
}

/// The bodies of each provider's second call after `C`: the turns in the
/// provider's own shape.
#[test]
fn a_continued_conversation_in_each_providers_wire_format() {
    let server = MockServer::start(scripted(vec![
        ("gpt-w", vec![says("Hello Ada!"), says("Fine.")]),
        (
            "claude-w",
            vec![
                Reply::sse(anthropic_stream(&[], &["Hello ", "Ada!"], "end_turn")),
                Reply::sse(anthropic_stream(&[], &["Fine."], "end_turn")),
            ],
        ),
        (
            "gemini-w",
            vec![
                Reply::sse(gemini_stream(&[], &["Hello ", "Ada!"], "STOP")),
                Reply::sse(gemini_stream(&[], &["Fine."], "STOP")),
            ],
        ),
        (
            "llama-w",
            vec![
                Reply::ndjson(ollama_stream(&[], &["Hello ", "Ada!"], "stop")),
                Reply::ndjson(ollama_stream(&[], &["Fine."], "stop")),
            ],
        ),
    ]));
    let (v1, base) = (server.base_v1(), server.base());
    let models = format!(
        "[[models]]\nid = \"openai:gpt-w\"\nselected = true\nbase_url = \"{v1}\"\n\n\
         [[models]]\nid = \"anthropic:claude-w\"\nselected = true\nbase_url = \"{base}\"\napi_key = \"test-key\"\n\n\
         [[models]]\nid = \"gemini:gemini-w\"\nselected = true\nbase_url = \"{base}\"\napi_key = \"test-key\"\n\n\
         [[models]]\nid = \"ollama:llama-w\"\nselected = true\nbase_url = \"{base}\"\n"
    );
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &models);
    act(&mut app, cmd(Command::Run));
    next_turn(&mut app, Command::ContinueAll, "How are you?");
    for c in app.outputs.columns() {
        assert_eq!(c.text, "Fine.", "{}", c.label());
    }
    let second = |model: &str| {
        let b = bodies(&server, model);
        assert_eq!(b.len(), 2, "{model}");
        b[1].clone()
    };
    assert_eq!(
        openai_turns(&second("gpt-w")),
        [
            "system: Be brief.",
            "user: Hi, I am Ada.",
            "assistant: Hello Ada!",
            "user: How are you?",
        ]
    );
    let claude = second("claude-w");
    assert!(
        claude["system"].to_string().contains("Be brief."),
        "{claude}"
    );
    let roles = |list: &Value, key: &str| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|m| m[key].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        roles(&claude["messages"], "role"),
        ["user", "assistant", "user"]
    );
    assert!(
        claude["messages"][1]["content"]
            .to_string()
            .contains("Hello Ada!")
    );
    assert!(
        claude["messages"][2]["content"]
            .to_string()
            .contains("How are you?")
    );
    let gemini = second("gemini-w");
    assert!(
        gemini["systemInstruction"]
            .to_string()
            .contains("Be brief.")
    );
    assert_eq!(
        roles(&gemini["contents"], "role"),
        ["user", "model", "user"]
    );
    assert_eq!(gemini["contents"][1]["parts"][0]["text"], "Hello Ada!");
    assert_eq!(gemini["contents"][2]["parts"][0]["text"], "How are you?");
    let ollama = second("llama-w");
    assert_eq!(
        roles(&ollama["messages"], "role"),
        ["system", "user", "assistant", "user"]
    );
    assert_eq!(ollama["messages"][2]["content"], "Hello Ada!");
    assert_eq!(ollama["messages"][3]["content"], "How are you?");
}

#[test]
fn the_same_turn_to_every_column_leaves_out_a_failed_one() {
    let server = MockServer::start(scripted(vec![
        ("alpha", vec![says("Hello Ada!"), says("Fine.")]),
        (
            "beta",
            vec![Reply::json(400, r#"{"error":{"message":"bad request"}}"#)],
        ),
    ]));
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &two_openai_models(&server));
    act(&mut app, cmd(Command::Run));
    next_turn(&mut app, Command::ContinueAll, "How are you?");
    assert_eq!(app.outputs.columns()[0].text, "Fine.");
    assert_eq!(bodies(&server, "beta").len(), 1, "beta is not asked again");
    assert!(app.convo.of(1).is_none());
    // `c` on the failed column says why not.
    app.update(cmd(Command::ColumnNext));
    app.update(cmd(Command::Continue));
    assert!(app.popup.is_none());
    let status = &app.status.as_ref().unwrap().text;
    assert!(status.contains("has no answer to go on from"), "{status}");
}

#[test]
fn a_turn_that_failed_is_taken_back_and_offered_again() {
    let server = MockServer::start(scripted(vec![(
        "alpha",
        vec![
            says("Hello Ada!"),
            Reply::json(400, r#"{"error":{"message":"too long"}}"#),
        ],
    )]));
    let tmp = tempfile::tempdir().unwrap();
    let v1 = server.base_v1();
    let models =
        format!("[[models]]\nid = \"openai:alpha\"\nselected = true\nbase_url = \"{v1}\"\n");
    let mut app = workspace(tmp.path(), &models);
    act(&mut app, cmd(Command::Run));
    next_turn(&mut app, Command::Continue, "Who are you?");
    let s = tall_screen(&mut app);
    assert!(s.contains("not answered: "), "{s}");
    assert!(!s.contains("3 · user"), "the turn is taken back:\n{s}");
    let status = &app.status.as_ref().unwrap().text;
    assert!(
        status.contains("the turn was not answered (c sends it again)"),
        "{status}"
    );
    app.update(cmd(Command::Continue));
    match &app.popup {
        Some(pwb::tui::state::popup::Popup::LineInput { buffer, .. }) => {
            assert_eq!(buffer, "Who are you?")
        }
        other => panic!("no input: {other:?}"),
    }
}
