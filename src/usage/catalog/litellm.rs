//! LiteLLM's `model_prices_and_context_window.json` to pwb's table: the chat
//! models of OpenAI, Anthropic and Gemini (AI Studio's `gemini/` keys) under
//! pwb ids, prices per million tokens, and dated twins of a model folded in.

use super::dated_base;
use super::table::{FORMAT, PriceTable, TableEntry, TableError};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Where the table sits inside the `litellm` wheel.
pub const JSON_IN_WHEEL: &str = "litellm/model_prices_and_context_window_backup.json";
/// litellm releases known to have been compromised; never read.
pub const COMPROMISED: &[&str] = &["1.107.0"];
/// The highest plausible list price, USD per million tokens.
pub const MAX_PRICE_PER_MILLION: f64 = 1000.0;
/// The largest plausible context window or output limit, in tokens.
pub const MAX_TOKENS: u64 = 100_000_000;

/// The pwb id of a LiteLLM key, for the chat models pwb can call: OpenAI's
/// and Anthropic's bare keys, AI Studio's `gemini/…` (not Vertex's).
fn pwb_id(key: &str, provider: &str) -> Option<String> {
    match provider {
        "openai" | "anthropic" if !key.contains('/') => Some(format!("{provider}:{key}")),
        "gemini" => key
            .strip_prefix("gemini/")
            .filter(|m| !m.is_empty() && !m.contains('/'))
            .map(|m| format!("gemini:{m}")),
        _ => None,
    }
}

/// Builds pwb's table from LiteLLM's JSON, refusing it (whole) when its
/// shape is wrong or a figure is implausible.
pub fn import(json: &[u8], version: &str, fetched: &str) -> Result<PriceTable, TableError> {
    let doc: Value = serde_json::from_slice(json).map_err(|e| TableError::Json(e.to_string()))?;
    let Value::Object(all) = doc else {
        return Err(TableError::Shape("the top level is not an object".into()));
    };
    let mut models = BTreeMap::new();
    for (key, v) in &all {
        let Value::Object(v) = v else { continue };
        if v.get("mode").and_then(Value::as_str) != Some("chat") {
            continue;
        }
        let provider = v.get("litellm_provider").and_then(Value::as_str);
        let Some(id) = provider.and_then(|p| pwb_id(key, p)) else {
            continue;
        };
        let entry = entry(&id, v)?;
        if entry.context.is_some() || entry.input.is_some() || entry.output.is_some() {
            models.insert(id, entry);
        }
    }
    fold_dated_twins(&mut models);
    let table = PriceTable {
        format: FORMAT,
        litellm_version: version.to_string(),
        fetched: fetched.to_string(),
        source_sha256: String::new(),
        models,
    };
    table.validate()?;
    Ok(table)
}

fn entry(id: &str, v: &Map<String, Value>) -> Result<TableEntry, TableError> {
    let shape = |field: &str, what: &str| {
        TableError::Shape(format!("{id}: `{field}` is {what}, expected a number"))
    };
    let price = |field: &str| -> Result<Option<f64>, TableError> {
        match v.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64().map(per_million)),
            Some(other) => Err(shape(field, &kind(other))),
        }
    };
    let tokens = |field: &str| -> Result<Option<u64>, TableError> {
        match v.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(f) if f < 0.0 || f.fract() != 0.0 => Err(shape(field, &n.to_string())),
                // 0 is LiteLLM's "not known".
                Some(f) => Ok((f > 0.0).then_some(f as u64)),
                None => Err(shape(field, &n.to_string())),
            },
            Some(other) => Err(shape(field, &kind(other))),
        }
    };
    let flag = |field: &str| v.get(field).and_then(Value::as_bool).unwrap_or(false);
    Ok(TableEntry {
        context: tokens("max_input_tokens")?,
        max_output: tokens("max_output_tokens")?,
        input: price("input_cost_per_token")?,
        output: price("output_cost_per_token")?,
        cached_input: price("cache_read_input_token_cost")?,
        cache_write: price("cache_creation_input_token_cost")?,
        tools: flag("supports_function_calling"),
        json_schema: flag("supports_response_schema"),
        vision: flag("supports_vision"),
        reasoning: flag("supports_reasoning"),
    })
}

fn kind(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the text {s:?}"),
        Value::Bool(b) => format!("{b}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
        Value::Number(n) => n.to_string(),
        Value::Null => "null".into(),
    }
}

/// USD per token to USD per million, rounded to a billionth of a dollar so
/// `3e-06` reads `3`, not `2.9999999999999996`. Negative values stay
/// negative (the checks refuse them).
fn per_million(per_token: f64) -> f64 {
    (per_token * 1e6 * 1e9).round() / 1e9
}

/// Drops `model-20250929` / `model-2024-08-06` / `model-latest` entries whose
/// figures equal `model`'s: lookups send such ids to `model` anyway. A
/// dated entry that differs (an older snapshot's price) is kept.
fn fold_dated_twins(models: &mut BTreeMap<String, TableEntry>) {
    let twins: Vec<String> = models
        .iter()
        .filter(|(id, e)| dated_base(id).and_then(|base| models.get(base)) == Some(e))
        .map(|(id, _)| id.clone())
        .collect();
    for id in twins {
        models.remove(&id);
    }
}

#[cfg(test)]
#[path = "litellm_tests.rs"]
mod tests;
