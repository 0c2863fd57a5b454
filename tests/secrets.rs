//! Keys stay secret: with canary keys in the environment, the real binary
//! (`run --trace --json`, `run --trace`, `run --compare` / `--format md|json`
//! with repeats, `models`, `render`, `check`) talks to
//! mock servers of all four wire formats, including 401s that echo the key
//! in body and headers, and the canary must appear in no stdout, no stderr
//! and no file pwb writes under its data and config dirs: the response
//! cache, and the history database (which does record the 401s' errors,
//! redacted).

mod support;

use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use support::mock_llm::{
    MockServer, RecordedRequest, Reply, anthropic_stream, gemini_stream, ollama_stream,
    openai_stream,
};

const OPENAI_KEY: &str = "sk-canary-openai-5b1e77";
const ANTHROPIC_KEY: &str = "sk-canary-anthropic-9d2f01";
const GEMINI_KEY: &str = "sk-canary-gemini-c4a8e3";
const CANARY: &str = "sk-canary";

/// The key the request carried, whatever header it came in.
fn sent_key(req: &RecordedRequest) -> String {
    req.header("authorization")
        .map(|a| a.trim_start_matches("Bearer ").to_string())
        .or_else(|| req.header("x-api-key").map(str::to_string))
        .or_else(|| req.header("x-goog-api-key").map(str::to_string))
        .unwrap_or_default()
}

/// A 401 that echoes the key in its body and in a header.
fn echo_401(req: &RecordedRequest) -> Reply {
    let key = sent_key(req);
    let mut reply = Reply::json(
        401,
        &json!({"error": {"message": format!("Incorrect API key provided: {key}")}}).to_string(),
    );
    reply.headers.push(("X-Echo-Key".into(), key));
    reply
}

fn router(req: &RecordedRequest) -> Reply {
    let bad = req.body.contains("\"bad\"") || req.path.contains("/models/bad");
    if bad {
        return echo_401(req);
    }
    if req.path.ends_with("/chat/completions") {
        Reply::sse(openai_stream(&["Hi ", "there"], 9, Duration::ZERO))
    } else if req.path.ends_with("/v1/messages") {
        Reply::sse(anthropic_stream(&[], &["Hi ", "there"], "end_turn"))
    } else if req.path.contains(":streamGenerateContent") {
        Reply::sse(gemini_stream(&[], &["Hi ", "there"], "STOP"))
    } else if req.path.ends_with("/api/chat") {
        Reply::ndjson(ollama_stream(&[], &["Hi ", "there"], "stop"))
    } else {
        Reply::json(404, r#"{"error":"no such route"}"#)
    }
}

const MODELS: &[&str] = &[
    "openai:ok",
    "openai:bad",
    "anthropic:ok",
    "anthropic:bad",
    "gemini:ok",
    "gemini:bad",
    "ollama:ok",
];

fn workspace(dir: &Path, server: &MockServer) {
    std::fs::create_dir_all(dir.join("prompts")).unwrap();
    let mut toml = String::new();
    for id in MODELS {
        let base = if id.starts_with("openai:") {
            server.base_v1()
        } else {
            server.base()
        };
        toml.push_str(&format!(
            "[[models]]\nid = \"{id}\"\nselected = true\nbase_url = \"{base}\"\n\n"
        ));
    }
    toml.push_str("[pricing.\"openai:ok\"]\ninput = 1.0\noutput = 2.0\n");
    std::fs::write(dir.join("pwb.toml"), toml).unwrap();
    std::fs::write(
        dir.join("prompts/p.prompt"),
        "---\nconfig:\n  temperature: 0\n---\n{{role \"user\"}}Say hi to {{name}}.",
    )
    .unwrap();
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn pwb(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(args)
        .current_dir(dir)
        .env("OPENAI_API_KEY", OPENAI_KEY)
        .env("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
        .env("GEMINI_API_KEY", GEMINI_KEY)
        .env("PWB_DATA_DIR", dir.join(".data"))
        .env("PWB_CONFIG_DIR", dir.join(".config"))
        .env_remove("OPENAI_BASE_URL")
        .env_remove("GOOGLE_API_KEY")
        .output()
        .expect("run pwb");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn assert_no_canary(what: &str, out: &Out) {
    assert!(
        !out.stdout.contains(CANARY),
        "{what}: key in stdout:\n{}",
        out.stdout
    );
    assert!(
        !out.stderr.contains(CANARY),
        "{what}: key in stderr:\n{}",
        out.stderr
    );
}

/// Every file under `dir`, recursively, with its bytes.
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
        }
    }
    out
}

#[test]
fn canary_keys_never_leave_the_process() {
    let server = MockServer::start(router);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &server);
    let mut model_args: Vec<&str> = Vec::new();
    for id in MODELS {
        model_args.extend(["-m", id]);
    }

    let mut args = vec![
        "run",
        "prompts/p.prompt",
        "--var",
        "name=Ada",
        "--trace",
        "--json",
        "--cache",
    ];
    args.extend(&model_args);
    let first = pwb(dir, &args);
    assert_no_canary("run --trace --json", &first);
    assert_eq!(first.code, 1, "the bad models fail:\n{}", first.stderr);
    // The keys really were sent (and echoed back by the 401s).
    let sent: Vec<String> = server.requests().iter().map(sent_key).collect();
    for key in [OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY] {
        assert!(sent.iter().any(|k| k == key), "{key} was not sent");
    }
    // Traces are printed, with key headers redacted.
    assert!(
        first.stderr.contains("-- trace openai:ok --"),
        "{}",
        first.stderr
    );
    assert!(
        first.stderr.contains("authorization: ***"),
        "{}",
        first.stderr
    );
    assert!(first.stderr.contains("x-api-key: ***"), "{}", first.stderr);
    assert!(
        first.stderr.contains("x-goog-api-key: ***"),
        "{}",
        first.stderr
    );
    assert!(first.stderr.contains("< HTTP 401"), "{}", first.stderr);
    assert!(first.stderr.contains("Incorrect API key provided: ***"));
    assert!(first.stderr.contains("data: [DONE]"), "raw events are kept");
    let lines: Vec<serde_json::Value> = first
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), MODELS.len());
    let ok = lines.iter().find(|l| l["model"] == "openai:ok").unwrap();
    assert_eq!(ok["text"], "Hi there");
    assert_eq!(ok["cached"], false);
    // 9 in at $1/M + 2 out at $2/M (pricing override in pwb.toml).
    let cost = ok["cost_usd"].as_f64().expect("cost_usd is a number");
    assert!((cost - 13e-6).abs() < 1e-12, "{cost}");
    let unpriced = lines.iter().find(|l| l["model"] == "gemini:ok").unwrap();
    assert!(unpriced["cost_usd"].is_null());

    // The second run answers the good models from the cache.
    let requests_before = server.requests().len();
    let second = pwb(dir, &args);
    assert_no_canary("run --cache (second)", &second);
    let cached: Vec<serde_json::Value> = second
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|l: &serde_json::Value| l["cached"] == true)
        .collect();
    assert_eq!(cached.len(), 4, "{}", second.stdout);
    // Only the three failing models went out again (errors are not cached).
    assert_eq!(server.requests().len() - requests_before, 3);

    let mut plain = vec!["run", "prompts/p.prompt", "--var", "name=Ada", "--trace"];
    plain.extend(&model_args);
    assert_no_canary("run --trace", &pwb(dir, &plain));
    // The comparison reports print every cell's error (the 401s echo the
    // key): shown, with the key redacted.
    for format in [
        &["--compare"][..],
        &["--format", "md"],
        &["--format", "json"],
    ] {
        let mut report = vec![
            "run",
            "prompts/p.prompt",
            "--var",
            "name=Ada",
            "--repeat",
            "2",
        ];
        report.extend(format);
        report.extend(&model_args);
        let out = pwb(dir, &report);
        assert_no_canary(&format!("run {format:?}"), &out);
        assert!(
            out.stdout
                .contains("Incorrect API key provided: [redacted]"),
            "{format:?}: {}",
            out.stdout
        );
    }
    let models = pwb(dir, &["models"]);
    assert_no_canary("models", &models);
    assert!(models.stdout.contains("set"), "{}", models.stdout);
    assert_no_canary(
        "render",
        &pwb(dir, &["render", "prompts/p.prompt", "--var", "name=Ada"]),
    );
    assert_no_canary("check", &pwb(dir, &["check"]));

    let written = files(&dir.join(".data"));
    assert!(
        written
            .iter()
            .any(|(p, _)| p.to_string_lossy().contains("cache")),
        "the cache wrote files: {:?}",
        written.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    // Every call was recorded, errors included, and the key is not there.
    assert!(
        written.iter().any(|(p, _)| p.ends_with("history.sqlite")),
        "the history was written"
    );
    let store = pwb::store::Store::open(&dir.join(".data/history.sqlite")).unwrap();
    let errors: Vec<String> = {
        let mut st = store
            .conn()
            .prepare("SELECT error FROM calls WHERE error IS NOT NULL")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(
        errors
            .iter()
            .any(|e| e.contains("Incorrect API key provided: [redacted]")),
        "{errors:?}"
    );
    assert!(errors.iter().all(|e| !e.contains(CANARY)));
    drop(store);
    let written = files(&dir.join(".data"));
    for (path, bytes) in written.iter().chain(files(&dir.join(".config")).iter()) {
        assert!(
            !String::from_utf8_lossy(bytes).contains(CANARY),
            "key written to {}",
            path.display()
        );
    }
}

#[test]
fn models_lists_key_state_context_and_prices() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("pwb.toml"),
        "[[models]]\nid = \"openai:gpt-4o-mini\"\n\n[[models]]\nid = \"anthropic:claude-sonnet-4-5\"\napi_key_env = \"PWB_TEST_NO_SUCH_KEY\"\n\n\
         [[models]]\nid = \"ollama:llama3.2\"\n\n[[models]]\nid = \"openai:mystery\"\n",
    )
    .unwrap();
    let out = pwb(dir, &["models"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_no_canary("models", &out);
    let line = |id: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} missing:\n{}", out.stdout))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    // MODEL CONTEXT MAX_OUT IN OUT CACHED WRITE CAPABILITIES FROM KEY
    assert_eq!(
        line("openai:gpt-4o-mini")[1..],
        [
            "128000",
            "16384",
            "0.15",
            "0.6",
            "0.075",
            "?",
            "tools,json,vision",
            "litellm",
            "set"
        ]
    );
    assert_eq!(
        line("anthropic:claude-sonnet-4-5")[9..],
        ["missing", "(PWB_TEST_NO_SUCH_KEY)"]
    );
    assert_eq!(
        line("ollama:llama3.2")[1..],
        ["?", "?", "0", "0", "0", "?", "?", "pwb", "not", "needed"]
    );
    assert_eq!(
        line("openai:mystery")[1..],
        ["?", "?", "?", "?", "?", "?", "?", "-", "set"]
    );
    assert!(
        out.stdout.contains("table built into pwb"),
        "{}",
        out.stdout
    );
}
