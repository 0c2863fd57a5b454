//! Catalog entries written by hand in TOML (pwb's own `catalog/models.toml`
//! and `[pricing]` in `pwb.toml`, same keys), laid over the table's entries
//! key by key; and a table entry as a `ModelInfo`.

use super::{Capabilities, InfoFrom, ModelInfo, PricePerMillion, TableEntry};
use crate::workspace::PRICING_KEYS;
use std::collections::BTreeMap;

/// pwb's own entries: the models LiteLLM's table cannot know.
const OWN: &str = include_str!("../../../catalog/models.toml");

/// `catalog/models.toml`'s `[models]` (a test checks that it parses).
pub fn own() -> toml::Table {
    let table: toml::Table = OWN.parse().unwrap_or_default();
    match table.get("models") {
        Some(toml::Value::Table(models)) => models.clone(),
        _ => toml::Table::new(),
    }
}

pub fn from_table_entry(e: &TableEntry) -> ModelInfo {
    let price = match (e.input, e.output) {
        (Some(input), Some(output)) => Some(PricePerMillion {
            input,
            output,
            cached_input: e.cached_input,
            cache_write: e.cache_write,
        }),
        _ => None,
    };
    ModelInfo {
        context_window: e.context,
        max_output_tokens: e.max_output,
        price,
        capabilities: Some(Capabilities {
            tools: e.tools,
            json_schema: e.json_schema,
            vision: e.vision,
            reasoning: e.reasoning,
        }),
        from: InfoFrom::Litellm,
    }
}

/// Lays `entries` (`"provider:model" = { input = …, … }`) over `models`.
pub fn merge(models: &mut BTreeMap<String, ModelInfo>, entries: &toml::Table, from: InfoFrom) {
    for (id, v) in entries {
        let Some(t) = v.as_table() else { continue };
        let num = |k: &str| {
            t.get(k).and_then(|v| match v {
                toml::Value::Float(f) => Some(*f),
                toml::Value::Integer(i) => Some(*i as f64),
                _ => None,
            })
        };
        let count = |k: &str| {
            t.get(k)
                .and_then(|v| v.as_integer())
                .and_then(|c| u64::try_from(c).ok())
        };
        let info = models.entry(id.clone()).or_insert_with(|| ModelInfo {
            from,
            ..Default::default()
        });
        if PRICING_KEYS.iter().any(|k| t.contains_key(*k)) {
            info.from = from;
        }
        if let Some(c) = count("context") {
            info.context_window = Some(c);
        }
        if let Some(c) = count("max_output") {
            info.max_output_tokens = Some(c);
        }
        let old = info.price;
        let input = num("input").or(old.map(|p| p.input));
        let output = num("output").or(old.map(|p| p.output));
        if let (Some(input), Some(output)) = (input, output) {
            info.price = Some(PricePerMillion {
                input,
                output,
                cached_input: num("cached_input").or(old.and_then(|p| p.cached_input)),
                cache_write: num("cache_write").or(old.and_then(|p| p.cache_write)),
            });
        }
    }
}
