//! Tests of the LiteLLM import against an excerpt of litellm 1.110.2's own
//! `model_prices_and_context_window_backup.json` (entries copied verbatim):
//! which entries become which pwb ids, and which tables are refused.

use super::*;

const EXCERPT: &str = include_str!("../../../tests/fixtures/litellm/model_prices_excerpt.json");

fn imported() -> PriceTable {
    import(EXCERPT.as_bytes(), "1.110.2", "2026-11-30").expect("excerpt imports")
}

/// The excerpt with one entry's field replaced.
fn with(key: &str, field: &str, value: Value) -> Vec<u8> {
    let mut doc: Value = serde_json::from_str(EXCERPT).unwrap();
    doc[key][field] = value;
    serde_json::to_vec(&doc).unwrap()
}

#[test]
fn chat_models_of_pwbs_providers_under_pwb_ids() {
    let t = imported();
    let ids: Vec<&str> = t.models.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "anthropic:claude-sonnet-4-5",
            "anthropic:claude-sonnet-4-6",
            "gemini:gemini-2.5-flash",
            "gemini:gemini-pro-latest",
            "openai:gpt-4o",
            "openai:gpt-4o-2024-05-13",
            "openai:gpt-4o-mini",
            "openai:gpt-5.4",
        ],
        "left out: image/embedding/responses modes, Vertex and Bedrock copies, \
         un-prefixed gemini keys, ollama, `openai/container` (no figures), and \
         dated twins whose figures equal their model's"
    );
    assert_eq!(
        (t.litellm_version.as_str(), t.fetched.as_str()),
        ("1.110.2", "2026-11-30")
    );
}

#[test]
fn figures_are_per_million_with_flags() {
    let t = imported();
    let sonnet = &t.models["anthropic:claude-sonnet-4-6"];
    assert_eq!(
        *sonnet,
        TableEntry {
            context: Some(1_000_000),
            max_output: Some(128_000),
            input: Some(3.0),
            output: Some(15.0),
            cached_input: Some(0.3),
            cache_write: Some(3.75),
            tools: true,
            json_schema: true,
            vision: true,
            reasoning: true,
        }
    );
    let mini = &t.models["openai:gpt-4o-mini"];
    assert_eq!((mini.input, mini.cached_input), (Some(0.15), Some(0.075)));
    assert!(!mini.reasoning && mini.tools);
    // An older snapshot with its own price stays.
    assert_eq!(t.models["openai:gpt-4o-2024-05-13"].input, Some(5.0));
}

#[test]
fn implausible_figures_refuse_the_whole_table() {
    let err = import(
        &with("gpt-4o", "input_cost_per_token", 0.0025.into()),
        "1",
        "d",
    );
    assert_eq!(
        err.unwrap_err().to_string(),
        "openai:gpt-4o: input price is $2500/M tokens, outside 0..=1000"
    );
    let err = import(
        &with("claude-sonnet-4-6", "output_cost_per_token", (-1e-6).into()),
        "1",
        "d",
    );
    assert!(matches!(err, Err(TableError::Price { .. })), "{err:?}");
    let err = import(&with("gpt-4o", "max_input_tokens", 1e12.into()), "1", "d");
    assert!(matches!(err, Err(TableError::Tokens { .. })), "{err:?}");
    let err = import(
        &with("gpt-4o", "input_cost_per_token", "cheap".into()),
        "1",
        "d",
    );
    assert_eq!(
        err.unwrap_err().to_string(),
        "not LiteLLM's price table: openai:gpt-4o: `input_cost_per_token` is the text \"cheap\", expected a number"
    );
    // Entries pwb does not keep are not judged.
    assert!(
        import(
            &with("gpt-image-1", "input_cost_per_token", 5.into()),
            "1",
            "d"
        )
        .is_ok()
    );
}

#[test]
fn wrong_shapes_are_refused() {
    let shape = |json: &str| import(json.as_bytes(), "1", "d").unwrap_err().to_string();
    assert!(shape("[1, 2]").contains("the top level is not an object"));
    assert!(shape("{\"a\":").starts_with("not valid JSON"));
    let only_openai = r#"{"gpt-4o": {"litellm_provider": "openai", "mode": "chat",
        "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05}}"#;
    assert_eq!(
        shape(only_openai),
        "not LiteLLM's price table: no chat models of anthropic"
    );
}

#[test]
fn prices_are_rounded_not_float_noise() {
    assert_eq!(per_million(3e-06), 3.0);
    assert_eq!(per_million(1.875e-07), 0.1875);
    assert_eq!(per_million(5e-09), 0.005);
}
