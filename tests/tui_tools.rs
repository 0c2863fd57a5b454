//! Tool calls in the Outputs columns: a streamed call (arguments split
//! across chunks) shown with its name, pretty arguments and whether they
//! validate; `X` answers it from tools/mocks/ and runs the loop to the
//! final answer, `x` with no mock asks for the result by hand; the result
//! goes back in the provider's shape (OpenAI and Anthropic); an unknown
//! tool is shown as invalid; the step limit stops a loop that never ends.

mod support;

use pwb::tui::action::{Action, Command, KeyCode};
use pwb::tui::app::{App, Pane};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use support::mock_llm::{
    MockServer, Reply, anthropic_stream, anthropic_tool_stream, openai_stream, openai_tool_stream,
    scripted,
};
use support::steps::act;
use support::tui::{cmd, key, open, screen_sized, type_text, write_files};

/// A workspace whose prompt offers `get_weather` for `{{city}}` (set to
/// `city`), with a mock result for Paris, and `model` selected.
fn workspace(dir: &Path, model: &str, city: &str) -> App {
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                &format!("{model}selected = true\n\n[history]\nenabled = false\n"),
            ),
            (
                "prompts/weather.prompt",
                "---\ntools: [get_weather]\n---\n{{role \"user\"}}Weather in {{city}}?",
            ),
            (
                "tools/get_weather.yaml",
                "name: get_weather\ndescription: Current weather for a city\nparameters:\n  \
                 type: object\n  properties:\n    city: {type: string}\n  required: [city]\n",
            ),
            (
                "tools/mocks/weather.yaml",
                "- tool: get_weather\n  match: {city: Paris}\n  result: {temp_c: 21, sky: sunny}\n",
            ),
        ],
    );
    let mut app = open(dir);
    app.update(cmd(Command::Variables));
    app.update(key(KeyCode::Enter));
    type_text(&mut app, city);
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Esc));
    if app.render_due().is_some() {
        app.update(Action::RenderDue);
    }
    app
}

fn openai_model(server: &MockServer) -> String {
    format!(
        "[[models]]\nid = \"openai:gpt-t\"\nbase_url = \"{}\"\n",
        server.base_v1()
    )
}

fn anthropic_model(server: &MockServer) -> String {
    format!(
        "[[models]]\nid = \"anthropic:claude-t\"\nbase_url = \"{}\"\napi_key = \"test-key\"\n",
        server.base()
    )
}

/// The Outputs pane of a 100×48 screen, without the lines whose figures
/// timing decides.
fn outputs(app: &mut App) -> String {
    app.update(Action::Resize {
        width: 100,
        height: 48,
    });
    let s = screen_sized(app, 100, 48);
    let lines: Vec<&str> = s.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains("Outputs"))
        .unwrap_or(0);
    let timed = regex::Regex::new(r"\b\d+(\.\d+)?m?s\b").unwrap();
    lines[start..]
        .iter()
        .filter(|l| !timed.is_match(l))
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

fn bodies(server: &MockServer) -> Vec<Value> {
    server.requests().iter().map(|r| r.json()).collect()
}

fn ask(app: &mut App, command: Command) {
    app.focus = Pane::Outputs;
    act(app, cmd(command));
}

#[test]
fn an_openai_tool_call_is_shown_answered_from_the_mocks_and_run_to_the_answer() {
    let server = MockServer::start(scripted(vec![(
        "gpt-t",
        vec![
            Reply::sse(openai_tool_stream(
                "call_1",
                "get_weather",
                &["{\"ci", "ty\": \"Pa", "ris\"}"],
            )),
            Reply::sse(openai_stream(&["Sunny, ", "21 °C."], 30, Duration::ZERO)),
            Reply::sse(openai_stream(&["Rain."], 40, Duration::ZERO)),
        ],
    )]));
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &openai_model(&server), "Paris");
    act(&mut app, cmd(Command::Run));
    insta::assert_snapshot!("tool_call_openai", outputs(&mut app));
    ask(&mut app, Command::RunTools);
    insta::assert_snapshot!("tool_call_openai_answered", outputs(&mut app));
    assert_eq!(app.outputs.columns()[0].text, "Sunny, 21 °C.");
    let sent = bodies(&server);
    assert_eq!(sent.len(), 2);
    let messages = sent[1]["messages"].as_array().unwrap();
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(messages[1]["tool_calls"][0]["id"], "call_1");
    assert_eq!(
        messages[1]["tool_calls"][0]["function"]["name"],
        "get_weather"
    );
    assert_eq!(messages[2]["role"], "tool");
    assert_eq!(messages[2]["tool_call_id"], "call_1");
    let result: Value = serde_json::from_str(messages[2]["content"].as_str().unwrap()).unwrap();
    assert_eq!(result, json!({"temp_c": 21, "sky": "sunny"}));
    // The conversation goes on after the loop, its turns included.
    app.update(cmd(Command::Continue));
    type_text(&mut app, "And tomorrow?");
    act(&mut app, key(KeyCode::Enter));
    let sent = bodies(&server);
    let roles: Vec<&str> = sent[2]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "tool", "assistant", "user"]);
    assert_eq!(sent[2]["messages"][3]["content"], "Sunny, 21 °C.");
    assert_eq!(sent[2]["messages"][4]["content"], "And tomorrow?");
    assert_eq!(app.outputs.columns()[0].text, "Rain.");
}

#[test]
fn an_anthropic_tool_call_without_a_mock_is_answered_by_hand() {
    let server = MockServer::start(scripted(vec![(
        "claude-t",
        vec![
            Reply::sse(anthropic_tool_stream(
                "Let me look.",
                "toolu_1",
                "get_weather",
                &["{\"city\":", " \"Oslo\"}"],
            )),
            Reply::sse(anthropic_stream(&[], &["Cold: -3 °C."], "end_turn")),
        ],
    )]));
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &anthropic_model(&server), "Oslo");
    act(&mut app, cmd(Command::Run));
    let s = outputs(&mut app);
    assert!(s.contains("tool call get_weather ✓ valid"), "{s}");
    assert!(s.contains("\"city\": \"Oslo\""), "{s}");
    assert!(s.contains("→ no mock result: x asks for one"), "{s}");
    ask(&mut app, Command::StepTools);
    assert!(
        matches!(
            app.popup,
            Some(pwb::tui::state::popup::Popup::LineInput { .. })
        ),
        "x asks for the result"
    );
    type_text(&mut app, "{\"temp_c\": -3}");
    act(&mut app, key(KeyCode::Enter));
    insta::assert_snapshot!("tool_call_anthropic_by_hand", outputs(&mut app));
    let sent = bodies(&server);
    assert_eq!(sent.len(), 2);
    let messages = sent[1]["messages"].as_array().unwrap();
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(messages[1]["content"][1]["type"], "tool_use");
    assert_eq!(messages[1]["content"][1]["id"], "toolu_1");
    assert_eq!(messages[2]["role"], "user");
    assert_eq!(messages[2]["content"][0]["type"], "tool_result");
    assert_eq!(messages[2]["content"][0]["tool_use_id"], "toolu_1");
    assert!(
        messages[2]["content"][0]["content"]
            .to_string()
            .contains("temp_c"),
        "{}",
        messages[2]
    );
}

#[test]
fn an_unknown_tool_is_shown_as_invalid_and_not_answered() {
    let server = MockServer::start(scripted(vec![(
        "gpt-t",
        vec![Reply::sse(openai_tool_stream(
            "call_9",
            "get_time",
            &["{\"tz\": ", "\"UTC\"}"],
        ))],
    )]));
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &openai_model(&server), "Paris");
    act(&mut app, cmd(Command::Run));
    let s = outputs(&mut app);
    assert!(s.contains("tool call get_time ✗ invalid"), "{s}");
    assert!(s.contains("unknown tool `get_time`"), "{s}");
    ask(&mut app, Command::StepTools);
    let s = outputs(&mut app);
    assert!(s.contains("stopped: an invalid tool call"), "{s}");
    assert_eq!(bodies(&server).len(), 1, "nothing is sent back");
}

#[test]
fn a_loop_that_keeps_calling_stops_at_the_step_limit() {
    let server = MockServer::start(scripted(vec![(
        "gpt-t",
        vec![Reply::sse(openai_tool_stream(
            "call_1",
            "get_weather",
            &["{\"city\": \"Paris\"}"],
        ))],
    )]));
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &openai_model(&server), "Paris");
    act(&mut app, cmd(Command::Run));
    ask(&mut app, Command::RunTools);
    let limit = pwb::session::agent::DEFAULT_MAX_STEPS as usize;
    assert_eq!(bodies(&server).len(), limit);
    let s = outputs(&mut app);
    assert!(s.contains("stopped: the step limit"), "{s}");
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(
        status.contains("step limit reached (5 model calls)"),
        "{status}"
    );
}

#[test]
fn the_step_limit_comes_from_pwb_toml() {
    let server = MockServer::start(scripted(vec![(
        "gpt-t",
        vec![Reply::sse(openai_tool_stream(
            "call_1",
            "get_weather",
            &["{\"city\": \"Paris\"}"],
        ))],
    )]));
    let tmp = tempfile::tempdir().unwrap();
    let model = format!("[tools]\nmax_steps = 2\n\n{}", openai_model(&server));
    let mut app = workspace(tmp.path(), &model, "Paris");
    act(&mut app, cmd(Command::Run));
    ask(&mut app, Command::RunTools);
    assert_eq!(bodies(&server).len(), 2);
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(
        status.contains("step limit reached (2 model calls)"),
        "{status}"
    );
}

/// The TUI records each step of the loop with its tool calls, as
/// `pwb run` does (schema v3's `calls.tool_calls`).
#[test]
fn the_history_records_the_tool_calls_of_tui_steps() {
    let server = MockServer::start(scripted(vec![(
        "gpt-t",
        vec![
            Reply::sse(openai_tool_stream(
                "call_1",
                "get_weather",
                &["{\"city\": \"Paris\"}"],
            )),
            Reply::sse(openai_stream(&["Sunny."], 30, Duration::ZERO)),
        ],
    )]));
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &openai_model(&server), "Paris");
    let db = tmp.path().join("h.sqlite");
    let writer = pwb::store::HistoryWriter::start(db.clone());
    app.history = Some(writer.clone());
    act(&mut app, cmd(Command::Run));
    ask(&mut app, Command::RunTools);
    assert_eq!(writer.flush(), None);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut st = conn
        .prepare("SELECT face, tool_calls, answer FROM calls ORDER BY id")
        .unwrap();
    let rows: Vec<(String, Option<String>, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "tui");
    let calls: Value = serde_json::from_str(rows[0].1.as_deref().expect("a call")).unwrap();
    assert_eq!(calls[0]["name"], "get_weather");
    assert_eq!(calls[0]["input"], json!({"city": "Paris"}));
    assert_eq!((rows[1].1.as_deref(), rows[1].2.as_str()), (None, "Sunny."));
}

/// Gemini and Ollama columns side by side: each streams a call, `X` on
/// each answers it from the mock, and the result goes back in that
/// provider's shape (`functionResponse`; a `tool` message).
#[test]
fn gemini_and_ollama_columns_answer_their_calls_from_the_mocks() {
    use support::mock_llm::{gemini_stream, gemini_tool_stream, ollama_stream, ollama_tool_stream};
    let server = MockServer::start(scripted(vec![
        (
            "gemini-t",
            vec![
                Reply::sse(gemini_tool_stream("get_weather", json!({"city": "Paris"}))),
                Reply::sse(gemini_stream(&[], &["Sunny."], "STOP")),
            ],
        ),
        (
            "llama-t",
            vec![
                Reply::ndjson(ollama_tool_stream("get_weather", json!({"city": "Paris"}))),
                Reply::ndjson(ollama_stream(&[], &["Sunny too."], "stop")),
            ],
        ),
    ]));
    let base = server.base();
    let models = format!(
        "[[models]]\nid = \"gemini:gemini-t\"\nbase_url = \"{base}\"\napi_key = \"k\"\n\
         selected = true\n\n[[models]]\nid = \"ollama:llama-t\"\nbase_url = \"{base}\"\n"
    );
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &models, "Paris");
    act(&mut app, cmd(Command::Run));
    let s = outputs(&mut app);
    assert_eq!(s.matches("tool call get_weather ✓ valid").count(), 2, "{s}");
    ask(&mut app, Command::RunTools);
    app.update(cmd(Command::ColumnNext));
    ask(&mut app, Command::RunTools);
    let texts: Vec<&str> = app
        .outputs
        .columns()
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(texts, ["Sunny.", "Sunny too."]);
    let second = |model: &str| -> Value {
        let bodies: Vec<Value> = server
            .requests()
            .iter()
            .filter(|r| support::mock_llm::model_of(r) == model)
            .map(|r| r.json())
            .collect();
        assert_eq!(bodies.len(), 2, "{model}");
        bodies[1].clone()
    };
    let gemini = second("gemini-t");
    let contents = gemini["contents"].as_array().unwrap();
    assert_eq!(contents[1]["role"], "model");
    assert_eq!(
        contents[1]["parts"][0]["functionCall"]["name"],
        "get_weather"
    );
    let response = &contents[2]["parts"][0]["functionResponse"];
    assert_eq!(response["name"], "get_weather");
    assert!(
        response["response"].to_string().contains("sunny"),
        "{response}"
    );
    let ollama = second("llama-t");
    let messages = ollama["messages"].as_array().unwrap();
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(
        messages[1]["tool_calls"][0]["function"]["name"],
        "get_weather"
    );
    assert_eq!(messages[2]["role"], "tool");
    assert!(messages[2]["content"].as_str().unwrap().contains("sunny"));
}

#[test]
fn arguments_that_are_not_json_are_shown_as_such() {
    let server = MockServer::start(scripted(vec![(
        "gpt-t",
        vec![Reply::sse(openai_tool_stream(
            "call_2",
            "get_weather",
            &["{\"city\": ", "Paris}"],
        ))],
    )]));
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &openai_model(&server), "Paris");
    act(&mut app, cmd(Command::Run));
    let s = outputs(&mut app);
    assert!(s.contains("tool call get_weather ✗ invalid"), "{s}");
    assert!(s.contains("arguments are not JSON"), "{s}");
    assert!(s.contains("{\"city\": Paris}"), "the raw arguments:\n{s}");
}

/// A conversation whose next answer calls a tool: the column shows the
/// turns so far above the call, and the loop goes on from the whole
/// conversation.
#[test]
fn a_tool_call_in_a_conversation_keeps_the_turns_before_it() {
    let server = MockServer::start(scripted(vec![(
        "gpt-t",
        vec![
            Reply::sse(openai_stream(&["Which unit?"], 20, Duration::ZERO)),
            Reply::sse(openai_tool_stream(
                "call_1",
                "get_weather",
                &["{\"city\": \"Paris\"}"],
            )),
            Reply::sse(openai_stream(&["Sunny, 21 °C."], 30, Duration::ZERO)),
        ],
    )]));
    let tmp = tempfile::tempdir().unwrap();
    let mut app = workspace(tmp.path(), &openai_model(&server), "Paris");
    act(&mut app, cmd(Command::Run));
    app.focus = Pane::Outputs;
    app.update(cmd(Command::Continue));
    type_text(&mut app, "Celsius");
    act(&mut app, key(KeyCode::Enter));
    ask(&mut app, Command::RunTools);
    let s = outputs(&mut app);
    let at = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("{needle} in\n{s}"));
    assert!(at("2 · model") < at("Which unit?"));
    assert!(at("3 · user") < at("Celsius"));
    assert!(at("Celsius") < at("tool call get_weather ✓ valid"));
    assert!(at("tool call get_weather") < at("step 2 · model"));
    assert!(at("step 2 · model") < at("Sunny, 21 °C."));
    let sent = bodies(&server);
    let roles: Vec<&str> = sent[2]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant", "tool"]);
    assert_eq!(sent[2]["messages"][2]["content"], "Celsius");
}
