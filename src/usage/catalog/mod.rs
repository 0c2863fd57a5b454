//! The model catalog: context windows and list prices per million tokens,
//! shipped in the binary (`catalog/models.toml`) and overridable from the
//! `[pricing]` table of `pwb.toml`; turns a call's `Usage` into dollars.

use crate::provider::Usage;
use std::collections::BTreeMap;

const BUILTIN: &str = include_str!("../../catalog/models.toml");

/// USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PricePerMillion {
    pub input: f64,
    pub output: f64,
    /// Prompt-cache reads; `None` when the rate is not known.
    pub cached_input: Option<f64>,
}

/// What the catalog knows about one model; every field may be unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelInfo {
    pub context_window: Option<u64>,
    pub price: Option<PricePerMillion>,
    /// When the figures were last checked (`YYYY-MM-DD`), or `pwb.toml`
    /// for an entry the workspace overrides.
    pub checked: Option<String>,
}

impl ModelInfo {
    /// The cost of a call in USD, or `None` when it cannot be known: no
    /// price, token counts missing, cached tokens without a cached rate,
    /// or prompt-cache writes (not priced here). Input tokens include the
    /// cached ones, which are billed at the cached rate; reasoning tokens
    /// are part of the output count.
    pub fn cost(&self, usage: &Usage) -> Option<f64> {
        let price = self.price?;
        let input = usage.input_tokens?;
        let output = usage.output_tokens?;
        if usage.cache_write_tokens.unwrap_or(0) > 0 {
            return None;
        }
        let cached = usage.cached_input_tokens.unwrap_or(0).min(input);
        let cached_cost = if cached > 0 {
            cached as f64 * price.cached_input?
        } else {
            0.0
        };
        let total =
            (input - cached) as f64 * price.input + cached_cost + output as f64 * price.output;
        Some(total / 1_000_000.0)
    }
}

/// Model ids (`provider:model`) to what is known about them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    models: BTreeMap<String, ModelInfo>,
    /// The date of the built-in figures.
    pub checked: Option<String>,
}

impl Catalog {
    /// The catalog compiled into pwb.
    pub fn builtin() -> Catalog {
        let table: toml::Table = BUILTIN.parse().unwrap_or_default();
        let checked = table
            .get("checked")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let mut cat = Catalog {
            models: BTreeMap::new(),
            checked: checked.clone(),
        };
        if let Some(models) = table.get("models").and_then(|v| v.as_table()) {
            cat.merge(models, checked.as_deref());
        }
        cat
    }

    /// The built-in catalog with `pwb.toml`'s `[pricing]` entries added or
    /// laid over it (keys given there replace the built-in ones; a model
    /// entry's other fields are kept).
    pub fn with_overrides(pricing: &toml::Table) -> Catalog {
        let mut cat = Catalog::builtin();
        cat.merge(pricing, Some("pwb.toml"));
        cat
    }

    fn merge(&mut self, entries: &toml::Table, checked: Option<&str>) {
        for (id, v) in entries {
            let Some(t) = v.as_table() else { continue };
            let num = |k: &str| {
                t.get(k).and_then(|v| match v {
                    toml::Value::Float(f) => Some(*f),
                    toml::Value::Integer(i) => Some(*i as f64),
                    _ => None,
                })
            };
            let info = self.models.entry(id.clone()).or_default();
            if let Some(c) = t.get("context").and_then(|v| v.as_integer()) {
                info.context_window = u64::try_from(c).ok();
            }
            let old = info.price;
            let input = num("input").or(old.map(|p| p.input));
            let output = num("output").or(old.map(|p| p.output));
            if let (Some(input), Some(output)) = (input, output) {
                info.price = Some(PricePerMillion {
                    input,
                    output,
                    cached_input: num("cached_input").or(old.and_then(|p| p.cached_input)),
                });
            }
            let own = t.get("checked").and_then(|v| v.as_str());
            if let Some(c) = own.or(checked) {
                info.checked = Some(c.to_string());
            }
        }
    }

    /// What is known about `id` (`provider:model`): an exact entry, else
    /// the longest entry that `id` extends with `-<digit>` or `-latest`
    /// (dated snapshots and aliases), else the provider's `provider:*`.
    pub fn lookup(&self, id: &str) -> Option<&ModelInfo> {
        if let Some(info) = self.models.get(id) {
            return Some(info);
        }
        let best = self
            .models
            .iter()
            .filter(|(key, _)| {
                id.strip_prefix(key.as_str())
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|rest| {
                        rest.starts_with(|c: char| c.is_ascii_digit()) || rest == "latest"
                    })
            })
            .max_by_key(|(key, _)| key.len());
        if let Some((_, info)) = best {
            return Some(info);
        }
        let provider = id.split_once(':').map(|(p, _)| p)?;
        self.models.get(&format!("{provider}:*"))
    }

    /// The cost of a call of `id`, when both price and usage are known.
    pub fn cost(&self, id: &str, usage: &Usage) -> Option<f64> {
        self.lookup(id)?.cost(usage)
    }
}

/// `$0.0012`; `$?` when unknown.
pub fn fmt_cost(cost: Option<f64>) -> String {
    match cost {
        None => "$?".into(),
        Some(0.0) => "$0".into(),
        Some(c) if c < 0.0001 => format!("${c:.6}"),
        Some(c) => format!("${c:.4}"),
    }
}

#[cfg(test)]
#[path = "catalog_tests.rs"]
mod tests;
