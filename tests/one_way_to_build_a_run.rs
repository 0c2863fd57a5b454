//! One way to build a run, checked as a property: after any sequence of
//! prompt switches, example picks, variable edits, model toggles and
//! parameter overrides in the TUI, the body the inspector shows for each
//! model is exactly what the mock server receives when the TUI runs, and
//! exactly what it receives from `pwb run` given the same choices as
//! flags. Four wire formats (OpenAI, Anthropic, Gemini, Ollama) on one
//! server on 127.0.0.1.

mod support;

use proptest::prelude::*;
use pwb::tui::action::{Command, KeyCode};
use pwb::tui::app::{App, Pane};
use serde_json::Value;
use std::path::Path;
use support::mock_llm::{
    MockServer, RecordedRequest, Reply, anthropic_stream, gemini_stream, ollama_stream,
    openai_stream,
};
use support::tui::{act_and_run, cmd, key, open, type_text, write_files};

const TRIAGE: &str = "---
config:
  temperature: 0.3
  maxOutputTokens: 100
input:
  schema:
    ticket: string
    tier?(enum): [free, pro]
    count?: integer
  default:
    tier: free
---
{{role \"system\"}}
Route tickets. Tier {{tier}}, {{count}} before.
{{role \"user\"}}
{{ticket}}
";

const SUMMARY: &str = "---
config:
  topP: 0.5
---
Summarize in {{words}} words: {{text}}
";

const EXAMPLES: &str = "- name: crash
  input: the app crashes
  output: bug
- name: refund
  input: charged twice
  output: billing
- name: vars example
  input: {ticket: export hangs, tier: pro}
  output: bug
";

/// Every wire format answers on the same server, by path.
fn server() -> MockServer {
    MockServer::start(|req: &RecordedRequest| {
        let p = req.path.as_str();
        if p.ends_with("/chat/completions") {
            Reply::sse(openai_stream(&["ok"], 5, Default::default()))
        } else if p.ends_with("/v1/messages") {
            Reply::sse(anthropic_stream(&[], &["ok"], "end_turn"))
        } else if p.contains(":streamGenerateContent") {
            Reply::sse(gemini_stream(&[], &["ok"], "STOP"))
        } else if p.ends_with("/api/chat") {
            Reply::ndjson(ollama_stream(&[], &["ok"], "stop"))
        } else {
            Reply::json(404, "{}")
        }
    })
}

/// The models of the workspace: (label or id as pwb.toml names it, the
/// path the server sees for it).
const MODELS: [&str; 4] = [
    "gpt",
    "anthropic:claude-x",
    "gemini:gem-1",
    "ollama:llama-x",
];

fn workspace(dir: &Path, server: &MockServer) {
    let (v1, base) = (server.base_v1(), server.base());
    let toml = format!(
        "[defaults]\ntemperature = 0.7\ntop_p = 0.95\nmax_tokens = 64\nprompt = \"triage\"\n\n\
         [[models]]\nid = \"openai:gpt-x\"\nlabel = \"gpt\"\nselected = true\nbase_url = \"{v1}\"\napi_key = \"sk-test-1\"\n\n\
         [[models]]\nid = \"anthropic:claude-x\"\ntemperature = 0.1\nbase_url = \"{base}\"\napi_key = \"sk-ant-1\"\n\n\
         [[models]]\nid = \"gemini:gem-1\"\nbase_url = \"{base}\"\napi_key = \"g-key-1\"\n\n\
         [[models]]\nid = \"ollama:llama-x\"\nmax_tokens = 40\nbase_url = \"{base}\"\n"
    );
    write_files(
        dir,
        &[
            ("pwb.toml", &toml),
            ("prompts/triage.prompt", TRIAGE),
            ("prompts/summary.prompt", SUMMARY),
            ("examples/triage.yaml", EXAMPLES),
        ],
    );
}

#[derive(Debug, Clone)]
enum Op {
    /// Open prompt 0 (summary) or 1 (triage).
    Switch(usize),
    ToggleExample(usize),
    /// Set variable (by name) to a typed text.
    SetVar(&'static str, &'static str),
    ToggleModel(usize),
    Temperature(usize, &'static str),
    MaxTokens(usize, &'static str),
}

fn op() -> impl Strategy<Value = Op> {
    let names = prop::sample::select(vec!["ticket", "tier", "count", "words", "text"]);
    let values = prop::sample::select(vec![
        "Printer on fire",
        "7",
        "pro",
        "true",
        "",
        "ünïcödé ✓",
        "[1, 2]",
    ]);
    prop_oneof![
        (0usize..2).prop_map(Op::Switch),
        (0usize..3).prop_map(Op::ToggleExample),
        (names, values).prop_map(|(n, v)| Op::SetVar(n, v)),
        (0usize..4).prop_map(Op::ToggleModel),
        (0usize..4, prop::sample::select(vec!["0", "0.5", "1"]))
            .prop_map(|(m, t)| Op::Temperature(m, t)),
        (0usize..4, prop::sample::select(vec!["16", "200"])).prop_map(|(m, n)| Op::MaxTokens(m, n)),
    ]
}

/// What the user typed into F3 so far, per prompt: (name, text) in order.
type Typed = std::collections::HashMap<String, Vec<(String, String)>>;

fn apply(app: &mut App, op: &Op, typed: &mut Typed) {
    match op {
        Op::Switch(i) => app.open_prompt(*i),
        Op::ToggleExample(i) => {
            if *i < app.current.examples.items.len() {
                app.focus = Pane::Examples;
                app.current.examples.cursor = *i;
                app.update(cmd(Command::Toggle));
            }
        }
        Op::SetVar(name, value) => {
            let Some(idx) = app
                .current
                .vars
                .entries
                .iter()
                .position(|e| e.name == *name)
            else {
                return;
            };
            app.update(cmd(Command::Variables));
            app.current.vars.cursor = idx;
            app.update(key(KeyCode::Enter));
            let old = app
                .current
                .vars
                .editing
                .clone()
                .map(|f| f.text)
                .unwrap_or_default();
            for _ in old.chars() {
                app.update(key(KeyCode::Backspace));
            }
            type_text(app, value);
            app.update(key(KeyCode::Enter));
            app.update(key(KeyCode::Esc));
            let mine = typed.entry(app.prompt_name().to_string()).or_default();
            mine.retain(|(n, _)| n != name);
            mine.push((name.to_string(), value.to_string()));
        }
        Op::ToggleModel(m) => {
            app.focus = Pane::Models;
            app.models.cursor = *m;
            app.update(cmd(Command::Toggle));
        }
        Op::Temperature(m, v) | Op::MaxTokens(m, v) => {
            app.focus = Pane::Models;
            app.models.cursor = *m;
            let c = match op {
                Op::Temperature(..) => Command::EditTemperature,
                _ => Command::EditMaxTokens,
            };
            app.update(cmd(c));
            let buf = app
                .models
                .edit
                .as_ref()
                .map(|e| e.buffer.len())
                .unwrap_or(0);
            for _ in 0..buf {
                app.update(key(KeyCode::Backspace));
            }
            type_text(app, v);
            app.update(key(KeyCode::Enter));
        }
    }
    app.update(pwb::tui::action::Action::Tick);
}

/// The request the server got for model `i` (by the wire's path and model).
fn received(reqs: &[RecordedRequest], i: usize) -> Option<Value> {
    let is = |r: &&RecordedRequest| match i {
        0 => r.path.ends_with("/chat/completions"),
        1 => r.path.ends_with("/v1/messages"),
        2 => r.path.contains("gem-1:streamGenerateContent"),
        _ => r.path.ends_with("/api/chat"),
    };
    reqs.iter().find(is).map(RecordedRequest::json)
}

/// `pwb run` flags for the TUI's choices on model `i`.
fn cli_args(app: &App, typed: &Typed, i: usize) -> Vec<String> {
    let mut args = vec![
        "run".to_string(),
        app.prompt_name().to_string(),
        "--json".into(),
    ];
    for (name, text) in typed.get(app.prompt_name()).into_iter().flatten() {
        args.push("--var".into());
        args.push(format!("{name}={text}"));
    }
    let picked: Vec<String> = app
        .current
        .examples
        .selected()
        .into_iter()
        .map(|e| e.name)
        .collect();
    if !picked.is_empty() {
        args.push("--examples".into());
        args.push(picked.join(","));
    }
    args.push("--model".into());
    args.push(MODELS[i].into());
    let o = &app.models.rows[i].overrides;
    if let Some(t) = o.temperature {
        args.push("--temperature".into());
        args.push(t.to_string());
    }
    if let Some(n) = o.max_tokens {
        args.push("--max-tokens".into());
        args.push(n.to_string());
    }
    args
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn the_inspector_body_is_what_the_tui_and_pwb_run_send(
        ops in prop::collection::vec(op(), 1..12)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let tui_server = server();
        workspace(dir.path(), &tui_server);
        let mut app = open(dir.path());
        let mut typed = Typed::new();
        for op in &ops {
            apply(&mut app, op, &mut typed);
        }
        let Ok(cells) = app.planned_cells() else {
            return Ok(());
        };
        // The inspector's body for each model picked.
        let shown: Vec<(usize, Value)> = cells
            .iter()
            .map(|c| (c.slot.model, c.wire_body()))
            .collect();
        let picked: Vec<usize> = app
            .models
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.checked)
            .map(|(i, _)| i)
            .collect();
        act_and_run(&mut app, cmd(Command::Run));
        let reqs = tui_server.requests();
        prop_assert_eq!(reqs.len(), shown.len());
        for (slot, body) in &shown {
            let model = picked[*slot];
            let got = received(&reqs, model);
            prop_assert_eq!(got.as_ref(), Some(body), "TUI, model {}", model);
        }
        // The same choices as `pwb run` flags, one model at a time.
        for (slot, body) in &shown {
            let model = picked[*slot];
            let cli_server = server();
            workspace(dir.path(), &cli_server);
            let args = cli_args(&app, &typed, model);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, out, err) = support::cli::pwb(dir.path(), &refs);
            prop_assert_eq!(code, 0, "pwb {:?}: {}{}", args, out, err);
            let got = received(&cli_server.requests(), model);
            prop_assert_eq!(got.as_ref(), Some(body), "pwb run, model {}: {:?}", model, args);
        }
    }
}
