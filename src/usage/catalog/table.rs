//! The compact price table pwb keeps: one line per model of what LiteLLM
//! knows (window, max output, prices per million, capability flags), with
//! the litellm version and fetch date; compiled in and written by a refresh.

use super::litellm::{MAX_PRICE_PER_MILLION, MAX_TOKENS};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The snapshot compiled into pwb (`scripts/update-catalog.sh` writes it).
const BUILTIN: &str = include_str!("../../../catalog/litellm.json");

/// The table layout this pwb reads and writes.
pub const FORMAT: u32 = 1;

/// Providers whose models the table must hold to look like LiteLLM's.
pub const PROVIDERS: &[&str] = &["openai", "anthropic", "gemini"];

/// A whole table: where it came from and one entry per `provider:model`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PriceTable {
    pub format: u32,
    /// The `litellm` release the figures were taken from.
    pub litellm_version: String,
    /// The day the wheel was read (`YYYY-MM-DD`).
    pub fetched: String,
    /// sha256 of the JSON file read out of the wheel.
    #[serde(default)]
    pub source_sha256: String,
    pub models: BTreeMap<String, TableEntry>,
}

/// One model. Prices are USD per million tokens; unknown figures are absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableEntry {
    /// Max input tokens: the context window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    /// Prompt-cache reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<f64>,
    /// Prompt-cache writes (Anthropic's five-minute rate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub tools: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub json_schema: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub vision: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub reasoning: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Why a table was refused; every message names the model and the figure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("not LiteLLM's price table: {0}")]
    Shape(String),
    #[error("table format {0} is newer than this pwb reads (format {FORMAT})")]
    Format(u32),
    #[error("{id}: {what} is ${value}/M tokens, outside 0..={MAX_PRICE_PER_MILLION}")]
    Price {
        id: String,
        what: &'static str,
        value: f64,
    },
    #[error("{id}: {what} is {value} tokens, outside 1..={MAX_TOKENS}")]
    Tokens {
        id: String,
        what: &'static str,
        value: u64,
    },
}

impl PriceTable {
    /// The snapshot compiled into pwb (a test checks that it parses).
    pub fn builtin() -> PriceTable {
        PriceTable::parse(BUILTIN).unwrap_or_default()
    }

    /// Reads a table written by `to_json` and checks it as a refresh does.
    pub fn parse(text: &str) -> Result<PriceTable, TableError> {
        let table: PriceTable =
            serde_json::from_str(text).map_err(|e| TableError::Json(e.to_string()))?;
        if table.format > FORMAT {
            return Err(TableError::Format(table.format));
        }
        table.validate()?;
        Ok(table)
    }

    /// The sanity checks: every price within 0..=$1000/M, every token
    /// figure within 1..=100M, and chat models of each provider pwb speaks.
    pub fn validate(&self) -> Result<(), TableError> {
        for (id, e) in &self.models {
            let prices = [
                ("input price", e.input),
                ("output price", e.output),
                ("cached input price", e.cached_input),
                ("cache write price", e.cache_write),
            ];
            for (what, value) in prices {
                if let Some(value) = value
                    && !(0.0..=MAX_PRICE_PER_MILLION).contains(&value)
                {
                    let id = id.clone();
                    return Err(TableError::Price { id, what, value });
                }
            }
            for (what, value) in [("context", e.context), ("max output", e.max_output)] {
                if let Some(value) = value
                    && !(1..=MAX_TOKENS).contains(&value)
                {
                    let id = id.clone();
                    return Err(TableError::Tokens { id, what, value });
                }
            }
        }
        for provider in PROVIDERS {
            let prefix = format!("{provider}:");
            if !self.models.keys().any(|k| k.starts_with(&prefix)) {
                return Err(TableError::Shape(format!("no chat models of {provider}")));
            }
        }
        Ok(())
    }

    /// The table as JSON with one model per line, so a refresh diffs by model.
    pub fn to_json(&self) -> String {
        let header = |v: &str| serde_json::to_string(v).unwrap_or_default();
        let mut out = format!(
            "{{\"format\":{},\"litellm_version\":{},\"fetched\":{},\"source_sha256\":{},\"models\":{{\n",
            self.format,
            header(&self.litellm_version),
            header(&self.fetched),
            header(&self.source_sha256),
        );
        let lines: Vec<String> = self
            .models
            .iter()
            .map(|(id, e)| {
                let entry = serde_json::to_string(e).unwrap_or_else(|_| "{}".into());
                format!("{}:{entry}", header(id))
            })
            .collect();
        out.push_str(&lines.join(",\n"));
        out.push_str("\n}}\n");
        out
    }

    /// Models per provider, for messages (`openai 97, anthropic 22, …`).
    pub fn counts(&self) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for id in self.models.keys() {
            *counts
                .entry(id.split(':').next().unwrap_or(""))
                .or_default() += 1;
        }
        let parts: Vec<String> = counts.iter().map(|(p, n)| format!("{p} {n}")).collect();
        parts.join(", ")
    }
}

/// Orders dotted versions numerically (`1.110.2` > `1.99.4`); parts that
/// are not numbers count as 0.
pub fn version_key(v: &str) -> Vec<u64> {
    v.split('.')
        .map(|p| {
            let digits: String = p.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse().unwrap_or(0)
        })
        .collect()
}
