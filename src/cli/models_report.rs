//! What `pwb models` prints: per model its key state (never the key), window,
//! max output, prices per million tokens, capability flags and where the
//! figures come from, as a table or JSON; and the catalog's source, once.

use crate::provider::KeyStatus;
use crate::usage::catalog::source::STALE_AFTER_DAYS;
use crate::usage::catalog::{Catalog, CatalogSource, ModelInfo, TableOrigin};
use crate::workspace::ModelEntry;
use serde_json::{Value, json};
use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Whether the key a model needs is available, as its provider says
/// (never the key itself); `None` for an id that does not parse.
pub fn key_status(entry: &ModelEntry) -> Option<KeyStatus> {
    let m = crate::session::ModelOption::from_entry(entry)?;
    Some(crate::provider::build(&m.endpoint).key_status())
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "?".into())
}

const HEADER: [&str; 10] = [
    "MODEL",
    "CONTEXT",
    "MAX_OUT",
    "IN$/M",
    "OUT$/M",
    "CACHED$/M",
    "WRITE$/M",
    "CAPABILITIES",
    "FROM",
    "KEY",
];

fn row(entry: &ModelEntry, info: Option<&ModelInfo>) -> [String; 10] {
    let p = info.and_then(|i| i.price);
    let caps = match info.and_then(|i| i.capabilities) {
        None => "?".to_string(),
        Some(c) if c.labels().is_empty() => "-".to_string(),
        Some(c) => c.labels().join(","),
    };
    [
        entry.id.clone(),
        num(info.and_then(|i| i.context_window)),
        num(info.and_then(|i| i.max_output_tokens)),
        num(p.map(|p| p.input)),
        num(p.map(|p| p.output)),
        num(p.and_then(|p| p.cached_input)),
        num(p.and_then(|p| p.cache_write)),
        caps,
        info.map_or("-", |i| i.from.as_str()).to_string(),
        key_status(entry).map_or_else(|| "?".to_string(), |k| k.to_string()),
    ]
}

/// The table, then one paragraph on the figures' source.
pub fn text(entries: &[ModelEntry], catalog: &Catalog, today: Date) -> String {
    let mut rows = vec![HEADER.map(str::to_string)];
    rows.extend(entries.iter().map(|e| row(e, catalog.lookup(&e.id))));
    let widths: Vec<usize> = (0..HEADER.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let source = catalog.source();
    out.push_str(&format!(
        "\nPrices in USD per million tokens; ? = unknown. Figures: {}.\n\
         [pricing] in pwb.toml overrides them; `pwb setup --prices` fetches the newest table.\n",
        source.describe(today)
    ));
    if let Some(note) = &source.note {
        out.push_str(&format!("note: {note}; using the built-in table\n"));
    }
    if source.is_stale(today) {
        out.push_str(&format!(
            "note: the table is more than {STALE_AFTER_DAYS} days old; run `pwb setup --prices`\n"
        ));
    }
    out
}

fn source_json(source: &CatalogSource, today: Date) -> Value {
    let (table, path) = match &source.origin {
        TableOrigin::BuiltIn => ("built-in", None),
        TableOrigin::Refreshed(p) => ("refreshed", Some(p.display().to_string())),
    };
    json!({
        "table": table,
        "path": path,
        "litellm_version": source.litellm_version,
        "fetched": source.fetched,
        "age_days": source.age_days(today),
        "note": source.note,
    })
}

fn model_json(entry: &ModelEntry, info: Option<&ModelInfo>) -> Value {
    let key = key_status(entry);
    let price = info.and_then(|i| i.price).map(|p| {
        json!({
            "input": p.input,
            "output": p.output,
            "cached_input": p.cached_input,
            "cache_write": p.cache_write,
        })
    });
    let caps = info.and_then(|i| i.capabilities).map(|c| {
        json!({
            "tools": c.tools,
            "json_schema": c.json_schema,
            "vision": c.vision,
            "reasoning": c.reasoning,
        })
    });
    json!({
        "id": entry.id,
        "provider": crate::types::ModelId::parse(&entry.id).ok().map(|id| id.provider().name()),
        "key": match &key {
            Some(KeyStatus::Set) => "set",
            Some(KeyStatus::Missing { .. }) => "missing",
            Some(KeyStatus::NotNeeded) => "not needed",
            None => "?",
        },
        "key_env": match &key {
            Some(KeyStatus::Missing { env_var }) => Some(env_var.as_str()),
            _ => None,
        },
        "context_window": info.and_then(|i| i.context_window),
        "max_output_tokens": info.and_then(|i| i.max_output_tokens),
        "price_per_million_usd": price,
        "capabilities": caps,
        "from": info.map(|i| i.from.as_str()),
    })
}

/// `{"catalog": {...}, "models": [...]}`, pretty-printed.
pub fn json(entries: &[ModelEntry], catalog: &Catalog, today: Date) -> String {
    let models: Vec<Value> = entries
        .iter()
        .map(|e| model_json(e, catalog.lookup(&e.id)))
        .collect();
    let doc = json!({
        "catalog": source_json(catalog.source(), today),
        "models": models,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
