//! `pwb models` run as a user would: one row per model with plain numbers,
//! the built-in table's figures (dated variants only, never an older
//! model's), `--format json`, and broken or missing `pwb.toml` refused.

mod support;

use serde_json::Value;
use support::cli::pwb;

fn workspace(toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pwb.toml"), toml).unwrap();
    dir
}

const MODELS: &str = "[[models]]\nid = \"anthropic:claude-sonnet-4-6\"\n\n\
    [[models]]\nid = \"anthropic:claude-sonnet-4-5-20250929\"\n\n\
    [[models]]\nid = \"anthropic:claude-sonnet-4-9\"\n\n\
    [[models]]\nid = \"openai:gpt-5.4\"\n\n\
    [[models]]\nid = \"gemini:gemini-2.5-flash\"\n";

/// The row of `id`, split into cells.
fn row(stdout: &str, id: &str) -> Vec<String> {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(id))
        .unwrap_or_else(|| panic!("no row for {id}:\n{stdout}"));
    line.split_whitespace().map(str::to_string).collect()
}

#[test]
fn one_row_per_model_id_first_plain_numbers() {
    let ws = workspace(MODELS);
    let (code, out, err) = pwb(ws.path(), &["models"]);
    assert_eq!(code, 0, "{err}");
    let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "MODEL",
            "CONTEXT",
            "MAX_OUT",
            "IN$/M",
            "OUT$/M",
            "CACHED$/M",
            "WRITE$/M",
            "CAPABILITIES",
            "FROM",
            "KEY"
        ]
    );
    // Claude Sonnet 4.6 has its own entry: 1M tokens, not Sonnet 4's 200k.
    assert_eq!(
        row(&out, "anthropic:claude-sonnet-4-6")[1..9],
        [
            "1000000",
            "128000",
            "3",
            "15",
            "0.3",
            "3.75",
            "tools,json,vision,reasoning",
            "litellm"
        ]
    );
    // A dated snapshot reads its model's figures.
    assert_eq!(
        row(&out, "anthropic:claude-sonnet-4-5-20250929")[1..3],
        ["200000", "64000"]
    );
    // An id the table does not have is unknown, not a neighbour's.
    assert_eq!(
        row(&out, "anthropic:claude-sonnet-4-9")[1..9],
        ["?", "?", "?", "?", "?", "?", "?", "-"]
    );
    assert_eq!(
        row(&out, "openai:gpt-5.4")[1..5],
        ["1050000", "128000", "2.5", "15"]
    );
    // Which table, which version, how old: said once.
    assert_eq!(out.matches("LiteLLM ").count(), 1, "{out}");
    assert!(out.contains("table built into pwb, fetched 20"), "{out}");
    assert!(out.contains(" (today)") || out.contains(" ago)"), "{out}");
}

#[test]
fn json_format_holds_every_figure_and_the_source() {
    let ws = workspace(MODELS);
    let (code, out, err) = pwb(ws.path(), &["models", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(v["catalog"]["table"], "built-in");
    assert!(
        v["catalog"]["litellm_version"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(v["catalog"]["age_days"].as_i64().is_some_and(|d| d >= 0));
    let models = v["models"].as_array().unwrap();
    assert_eq!(models.len(), 5);
    let sonnet = &models[0];
    assert_eq!(sonnet["id"], "anthropic:claude-sonnet-4-6");
    assert_eq!(sonnet["context_window"], 1_000_000);
    assert_eq!(sonnet["max_output_tokens"], 128_000);
    assert_eq!(sonnet["price_per_million_usd"]["cache_write"], 3.75);
    assert_eq!(sonnet["capabilities"]["json_schema"], true);
    let unknown = &models[2];
    assert_eq!(unknown["context_window"], Value::Null);
    assert_eq!(unknown["price_per_million_usd"], Value::Null);
    assert_eq!(unknown["from"], Value::Null);
    // The canary OPENAI_API_KEY is set (and never shown).
    assert_eq!(models[3]["key"], "set");
    assert_eq!(models[3]["key_env"], Value::Null);
}

#[test]
fn pricing_in_pwb_toml_overrides_the_table() {
    let ws = workspace(
        "[[models]]\nid = \"openai:gpt-5.4\"\n\n[pricing.\"openai:gpt-5.4\"]\ninput = 1\nmax_output = 4096\n",
    );
    let (code, out, err) = pwb(ws.path(), &["models"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        row(&out, "openai:gpt-5.4")[1..5],
        ["1050000", "4096", "1", "15"]
    );
    assert_eq!(row(&out, "openai:gpt-5.4")[8], "pwb.toml");
}

#[test]
fn a_broken_pwb_toml_is_an_error_with_its_place() {
    let ws = workspace("[[models]\nid = \"openai:gpt-4o\"\n");
    let (code, out, err) = pwb(ws.path(), &["models"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.is_empty(), "nothing listed: {out}");
    assert!(
        err.starts_with("pwb.toml:1:10: error: invalid pwb.toml"),
        "{err}"
    );
    assert!(err.contains("\n  hint: "), "{err}");

    let ws = workspace("[[models]]\nid = \"openai:gpt-4o\"\ntemperature = \"hot\"\n");
    let (code, _, err) = pwb(ws.path(), &["models", "--format", "json"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("pwb.toml:3:15: error:"), "{err}");

    // A model id without a provider: listed, but the exit code says so.
    let ws = workspace("[[models]]\nid = \"gpt-4o\"\n");
    let (code, out, err) = pwb(ws.path(), &["models"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("pwb.toml:2:6: error: model id `gpt-4o` is not `provider:model`"),
        "{err}"
    );
    assert!(out.contains("gpt-4o"), "{out}");
}

#[test]
fn no_workspace_or_no_models() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = pwb(dir.path(), &["models"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: not a pwb workspace: no pwb.toml in ."),
        "{err}"
    );
    let (code, _, err) = pwb(dir.path(), &["models", "no-such-folder"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: no such folder: no-such-folder"),
        "{err}"
    );
    assert!(err.contains("hint: "), "{err}");

    let ws = workspace("[defaults]\ntemperature = 0.5\n");
    let (code, out, _) = pwb(ws.path(), &["models"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("No models in pwb.toml"), "{out}");
    let (code, out, _) = pwb(ws.path(), &["models", "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["models"], Value::Array(vec![]));
}
