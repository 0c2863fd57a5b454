//! Tools end to end: `pwb run` on a prompt with `tools:` against scripted
//! servers for each wire format (OpenAI, Anthropic, Gemini, Ollama): the
//! definitions in the body, a streamed call with its arguments split
//! across chunks, the mock result sent back in the provider's shape, the
//! final answer; malformed calls, the step limit, stopping without mocks.

mod support;

use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use support::cli::pwb;
use support::mock_llm::{
    MockServer, Reply, anthropic_stream, anthropic_tool_stream, gemini_stream, gemini_tool_stream,
    ollama_stream, ollama_tool_stream, openai_stream, openai_tool_stream, scripted,
};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A workspace whose prompt offers `get_weather`, with a mock result for
/// Paris and one model per wire format on `server`.
fn workspace(dir: &Path, server: &MockServer) {
    let (v1, base) = (server.base_v1(), server.base());
    write(
        dir,
        "pwb.toml",
        &format!(
            "[[models]]\nid = \"openai:gpt-t\"\nbase_url = \"{v1}\"\n\n\
             [[models]]\nid = \"anthropic:claude-t\"\nbase_url = \"{base}\"\napi_key_env = \"OPENAI_API_KEY\"\n\n\
             [[models]]\nid = \"gemini:gemini-t\"\nbase_url = \"{base}\"\napi_key_env = \"OPENAI_API_KEY\"\n\n\
             [[models]]\nid = \"ollama:llama-t\"\nbase_url = \"{base}\"\n"
        ),
    );
    write(
        dir,
        "prompts/weather.prompt",
        "---\ntools: [get_weather]\ntoolChoice: auto\n---\n{{role \"user\"}}Weather in {{city}}?",
    );
    write(
        dir,
        "tools/get_weather.yaml",
        "name: get_weather\ndescription: Current weather for a city\nparameters:\n  type: object\n  \
         properties:\n    city: {type: string}\n  required: [city]\n",
    );
    write(
        dir,
        "tools/mocks/weather.yaml",
        "- tool: get_weather\n  match: {city: Paris}\n  result: {temp_c: 21, sky: sunny}\n",
    );
}

fn lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Runs `--json` on `model`; returns exit code, JSON lines, stderr, and
/// the bodies the server got.
fn run_json(
    server: &MockServer,
    model: &str,
    more: &[&str],
) -> (i32, Vec<Value>, String, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), server);
    let mut args = vec![
        "run",
        "prompts/weather.prompt",
        "--var",
        "city=Paris",
        "-m",
        model,
        "--json",
    ];
    args.extend_from_slice(more);
    let (code, out, err) = pwb(dir.path(), &args);
    let bodies = server.requests().iter().map(|r| r.json()).collect();
    (code, lines(&out), err, bodies)
}

/// The step-1 line says the call: name, parsed arguments, valid, the mock
/// result; step 2 is the answer; the last line says how it ended.
fn assert_two_steps(lines: &[Value], answer: &str) {
    assert_eq!(lines.len(), 3, "{lines:#?}");
    let call = &lines[0]["tool_calls"][0];
    assert_eq!(call["name"], "get_weather");
    assert_eq!(call["arguments"], json!({"city": "Paris"}));
    assert_eq!(call["valid"], true);
    assert_eq!(call["result"], json!({"temp_c": 21, "sky": "sunny"}));
    assert_eq!(call["result_from"], "tools/mocks/weather.yaml:1");
    assert_eq!(lines[0]["finish_reason"], "tool_calls");
    assert_eq!(lines[1]["step"], 2);
    assert_eq!(lines[1]["text"], answer);
    assert_eq!(lines[1]["tool_calls"], json!([]));
    assert_eq!(lines[2]["end"], "answered");
}

#[test]
fn openai_tool_call_streamed_in_pieces_then_answered_from_the_mock() {
    let server = MockServer::start(scripted(vec![(
        "gpt-t",
        vec![
            Reply::sse(openai_tool_stream(
                "call_1",
                "get_weather",
                &["{\"ci", "ty\": \"Pa", "ris\"}"],
            )),
            Reply::sse(openai_stream(&["Sunny, ", "21°C."], 30, Duration::ZERO)),
        ],
    )]));
    let (code, lines, err, bodies) = run_json(&server, "openai:gpt-t", &[]);
    assert_eq!(code, 0, "{err}");
    assert_two_steps(&lines, "Sunny, 21°C.");
    assert_eq!(lines[0]["tool_calls"][0]["id"], "call_1");
    assert_eq!(
        lines[0]["tool_calls"][0]["raw_arguments"],
        "{\"city\": \"Paris\"}"
    );
    let first = &bodies[0];
    assert_eq!(
        first["tools"],
        json!([{"type": "function", "function": {"name": "get_weather",
            "description": "Current weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"]}}}])
    );
    assert_eq!(first["tool_choice"], "auto");
    let msgs = &bodies[1]["messages"];
    assert_eq!(msgs[1]["role"], "assistant");
    assert_eq!(msgs[1]["content"], Value::Null);
    assert_eq!(
        msgs[1]["tool_calls"],
        json!([{"id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}])
    );
    assert_eq!(
        msgs[2],
        json!({"role": "tool", "tool_call_id": "call_1", "content": "{\"temp_c\":21,\"sky\":\"sunny\"}"})
    );
}

#[test]
fn anthropic_tool_use_block_with_input_json_deltas_then_tool_result() {
    let server = MockServer::start(scripted(vec![(
        "claude-t",
        vec![
            Reply::sse(anthropic_tool_stream(
                "Let me look.",
                "toolu_1",
                "get_weather",
                &["{\"city\"", ": \"Paris\"}"],
            )),
            Reply::sse(anthropic_stream(&[], &["Sunny in Paris."], "end_turn")),
        ],
    )]));
    let (code, lines, err, bodies) = run_json(&server, "anthropic:claude-t", &[]);
    assert_eq!(code, 0, "{err}");
    assert_two_steps(&lines, "Sunny in Paris.");
    assert_eq!(lines[0]["text"], "Let me look.");
    assert_eq!(
        bodies[0]["tools"],
        json!([{"name": "get_weather", "description": "Current weather for a city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}},
                             "required": ["city"]}}])
    );
    assert_eq!(bodies[0]["tool_choice"], json!({"type": "auto"}));
    let msgs = &bodies[1]["messages"];
    assert_eq!(
        msgs[1],
        json!({"role": "assistant", "content": [
            {"type": "text", "text": "Let me look."},
            {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}]})
    );
    assert_eq!(
        msgs[2],
        json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
            "content": "{\"temp_c\":21,\"sky\":\"sunny\"}"}]})
    );
}

#[test]
fn gemini_function_call_then_function_response() {
    let server = MockServer::start(scripted(vec![(
        "gemini-t",
        vec![
            Reply::sse(gemini_tool_stream("get_weather", json!({"city": "Paris"}))),
            Reply::sse(gemini_stream(&[], &["Sunny."], "STOP")),
        ],
    )]));
    let (code, lines, err, bodies) = run_json(&server, "gemini:gemini-t", &[]);
    assert_eq!(code, 0, "{err}");
    assert_two_steps(&lines, "Sunny.");
    assert_eq!(
        bodies[0]["tools"],
        json!([{"functionDeclarations": [{"name": "get_weather",
            "description": "Current weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"]}}]}])
    );
    assert_eq!(
        bodies[0]["toolConfig"],
        json!({"functionCallingConfig": {"mode": "AUTO"}})
    );
    let contents = &bodies[1]["contents"];
    assert_eq!(
        contents[1],
        json!({"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}]})
    );
    assert_eq!(
        contents[2],
        json!({"role": "user", "parts": [{"functionResponse": {"name": "get_weather",
            "response": {"temp_c": 21, "sky": "sunny"}}}]})
    );
}

#[test]
fn ollama_tool_calls_then_tool_message() {
    let server = MockServer::start(scripted(vec![(
        "llama-t",
        vec![
            Reply::ndjson(ollama_tool_stream("get_weather", json!({"city": "Paris"}))),
            Reply::ndjson(ollama_stream(&[], &["Sunny ", "today."], "stop")),
        ],
    )]));
    let (code, lines, err, bodies) = run_json(&server, "ollama:llama-t", &[]);
    assert_eq!(code, 0, "{err}");
    assert_two_steps(&lines, "Sunny today.");
    assert_eq!(bodies[0]["tools"][0]["function"]["name"], "get_weather");
    assert_eq!(bodies[0]["tools"][0]["type"], "function");
    let msgs = &bodies[1]["messages"];
    assert_eq!(
        msgs[1],
        json!({"role": "assistant", "content": "", "tool_calls": [
            {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]})
    );
    assert_eq!(
        msgs[2],
        json!({"role": "tool", "content": "{\"temp_c\":21,\"sky\":\"sunny\"}", "tool_name": "get_weather"})
    );
}

fn openai_calls(name: &'static str, pieces: &'static [&'static str]) -> MockServer {
    MockServer::start(scripted(vec![(
        "gpt-t",
        vec![Reply::sse(openai_tool_stream("call_9", name, pieces))],
    )]))
}

#[test]
fn arguments_that_are_not_json_are_reported_and_stop_the_loop() {
    let server = openai_calls("get_weather", &["{\"city\": ", "\"Par"]);
    let (code, lines, _, bodies) = run_json(&server, "openai:gpt-t", &[]);
    assert_eq!(code, 1);
    let call = &lines[0]["tool_calls"][0];
    assert_eq!(call["valid"], false);
    assert_eq!(call["arguments"], Value::Null);
    assert_eq!(call["raw_arguments"], "{\"city\": \"Par");
    assert!(
        call["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("arguments are not JSON")
    );
    assert_eq!(lines[1]["end"], "invalid_tool_call");
    assert_eq!(bodies.len(), 1, "nothing is sent after an invalid call");
}

#[test]
fn an_unknown_tool_and_arguments_the_schema_refuses_are_reported() {
    let server = openai_calls("get_time", &["{}"]);
    let (code, lines, _, _) = run_json(&server, "openai:gpt-t", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        lines[0]["tool_calls"][0]["problems"],
        json!(["unknown tool `get_time` (the prompt offers get_weather)"])
    );
    let server = openai_calls("get_weather", &["{\"city\": 3}"]);
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server);
    let (code, out, _) = pwb(
        dir.path(),
        &[
            "run",
            "prompts/weather.prompt",
            "--var",
            "city=Paris",
            "-m",
            "openai:gpt-t",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains(
            "tool call: get_weather {\"city\":3} (invalid: /city: 3 is not of type \"string\")"
        ),
        "{out}"
    );
}

#[test]
fn without_a_mock_the_run_stops_at_the_first_call_and_exits_0() {
    let server = openai_calls("get_weather", &["{\"city\":", " \"Paris\"}"]);
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server);
    let (code, out, err) = pwb(
        dir.path(),
        &[
            "run",
            "prompts/weather.prompt",
            "--var",
            "city=Paris",
            "-m",
            "openai:gpt-t",
            "--no-mocks",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "== openai:gpt-t · step 1 ==\ntool call: get_weather {\"city\":\"Paris\"}\n"
    );
    assert!(
        err.contains("stopped at the tool call: no mock result"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn the_step_limit_is_said_and_exits_1() {
    // The model asks again every time.
    let server = openai_calls("get_weather", &["{\"city\": \"Paris\"}"]);
    let (code, lines, _, bodies) = run_json(&server, "openai:gpt-t", &["--max-steps", "2"]);
    assert_eq!(code, 1);
    assert_eq!(bodies.len(), 2, "two model calls, then the limit");
    assert_eq!(bodies[1]["messages"].as_array().unwrap().len(), 3);
    assert_eq!(lines[2]["end"], "step_limit");
    assert!(
        lines[2]["note"]
            .as_str()
            .unwrap()
            .contains("step limit reached (2 model calls)")
    );
}

#[test]
fn the_step_limit_defaults_from_pwb_toml_and_the_flag_wins() {
    let server = openai_calls("get_weather", &["{\"city\": \"Paris\"}"]);
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server);
    let toml = std::fs::read_to_string(dir.path().join("pwb.toml")).unwrap();
    write(
        dir.path(),
        "pwb.toml",
        &format!("[tools]\nmax_steps = 3\n\n{toml}"),
    );
    let args = [
        "run",
        "prompts/weather.prompt",
        "--var",
        "city=Paris",
        "-m",
        "openai:gpt-t",
        "--json",
    ];
    let (code, out, err) = pwb(dir.path(), &args);
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(server.requests().len(), 3, "pwb.toml's limit");
    let mut more = args.to_vec();
    more.extend(["--max-steps", "1"]);
    let (code, out, _) = pwb(dir.path(), &more);
    assert_eq!(code, 1);
    assert_eq!(
        server.requests().len(),
        4,
        "the flag's limit: one more call"
    );
    assert!(out.contains("step limit reached (1 model calls)"), "{out}");
}

#[test]
fn compare_reports_are_refused_for_a_prompt_with_tools() {
    let server = openai_calls("get_weather", &["{}"]);
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server);
    let (code, _, err) = pwb(
        dir.path(),
        &[
            "run",
            "prompts/weather.prompt",
            "--var",
            "city=Paris",
            "-m",
            "openai:gpt-t",
            "--compare",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--compare and --format are not available for a prompt with tools"),
        "{err}"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn each_step_of_the_loop_is_recorded_in_the_history() {
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
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server);
    let (code, _, err) = pwb(
        dir.path(),
        &[
            "run",
            "prompts/weather.prompt",
            "--var",
            "city=Paris",
            "-m",
            "openai:gpt-t",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = pwb(dir.path(), &["history"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().filter(|l| l.contains("openai:gpt-t")).count(),
        2,
        "{out}"
    );
    assert!(out.contains("Sunny."), "{out}");
}

/// Each agent step of `pwb run` is recorded with its tool calls (schema
/// v3's `calls.tool_calls`); the next step's request holds the result.
#[test]
fn the_history_records_each_steps_tool_calls() {
    let server = MockServer::start(scripted(vec![(
        "gpt-t",
        vec![
            Reply::sse(openai_tool_stream(
                "call_1",
                "get_weather",
                &["{\"city\": ", "\"Paris\"}"],
            )),
            Reply::sse(openai_stream(&["Sunny."], 30, Duration::ZERO)),
        ],
    )]));
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), &server);
    let args = [
        "run",
        "prompts/weather.prompt",
        "--var",
        "city=Paris",
        "-m",
        "openai:gpt-t",
    ];
    let (code, _, err) = pwb(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let db = dir.path().join(".data/history.sqlite");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut st = conn
        .prepare(
            "SELECT c.tool_calls, c.answer, q.messages FROM calls c \
             JOIN requests q ON q.id = c.request_id ORDER BY c.id",
        )
        .unwrap();
    let rows: Vec<(Option<String>, String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2, "one row per step");
    let calls: Value = serde_json::from_str(rows[0].0.as_deref().expect("step 1 called")).unwrap();
    assert_eq!(calls[0]["id"], "call_1");
    assert_eq!(calls[0]["name"], "get_weather");
    assert_eq!(calls[0]["input"], json!({"city": "Paris"}));
    assert_eq!(calls[0]["arguments"], "{\"city\": \"Paris\"}");
    assert_eq!(rows[1].0, None, "the answer called nothing");
    assert_eq!(rows[1].1, "Sunny.");
    let sent: Value = serde_json::from_str(&rows[1].2).unwrap();
    assert_eq!(
        sent[2]["content"][0]["toolResponse"],
        json!({"name": "get_weather", "output": {"temp_c": 21, "sky": "sunny"}, "ref": "call_1"})
    );
    // And the store reads them back.
    let first: i64 = conn
        .query_row("SELECT min(id) FROM calls", [], |r| r.get(0))
        .unwrap();
    let store = pwb::store::Store::open(&db).unwrap();
    let detail = pwb::store::calls::detail(store.conn(), first).unwrap();
    assert_eq!(detail.tool_calls.len(), 1);
    assert_eq!(detail.tool_calls[0].name, "get_weather");
    assert_eq!(detail.tool_calls[0].input, Some(json!({"city": "Paris"})));
    // `pwb history show` prints them.
    let uid: i64 = conn
        .query_row("SELECT uid FROM calls WHERE id = ?1", [first], |r| r.get(0))
        .unwrap();
    let hex = pwb::store::ids::uid_hex(uid);
    let (code, out, err) = pwb(dir.path(), &["history", "show", &hex]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("--- tool call get_weather ---\n{\"city\":\"Paris\"}"),
        "{out}"
    );
}
