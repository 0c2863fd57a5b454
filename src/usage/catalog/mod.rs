//! The model catalog: context windows, max output tokens, prices per million
//! tokens and capability flags, from LiteLLM's table (compiled in, or as
//! `pwb setup --prices` refreshed it) plus pwb's own entries
//! (`catalog/models.toml`), overridable from `[pricing]` in `pwb.toml`.

mod entries;
pub mod litellm;
pub mod refresh;
pub mod source;
pub mod table;

pub use source::{CatalogSource, TableOrigin};
pub use table::{PriceTable, TableEntry, TableError};

use crate::types::Usage;
use std::collections::BTreeMap;
use std::path::Path;

/// USD per million tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PricePerMillion {
    pub input: f64,
    pub output: f64,
    /// Prompt-cache reads; `None` when the rate is not known.
    pub cached_input: Option<f64>,
    /// Prompt-cache writes; `None` when the rate is not known.
    pub cache_write: Option<f64>,
}

/// What a model can do, as LiteLLM records it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Function calling.
    pub tools: bool,
    /// Structured output against a JSON schema.
    pub json_schema: bool,
    /// Image input.
    pub vision: bool,
    pub reasoning: bool,
}

impl Capabilities {
    /// The flags that are set, as short words: `tools json vision reasoning`.
    pub fn labels(&self) -> Vec<&'static str> {
        [
            (self.tools, "tools"),
            (self.json_schema, "json"),
            (self.vision, "vision"),
            (self.reasoning, "reasoning"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
}

/// Which table a model's figures come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InfoFrom {
    /// LiteLLM's table (built in or refreshed).
    #[default]
    Litellm,
    /// `catalog/models.toml`: what LiteLLM cannot know (local, Ollama).
    Pwb,
    /// `[pricing]` in `pwb.toml` set at least one figure.
    Workspace,
}

impl InfoFrom {
    pub fn as_str(&self) -> &'static str {
        match self {
            InfoFrom::Litellm => "litellm",
            InfoFrom::Pwb => "pwb",
            InfoFrom::Workspace => "pwb.toml",
        }
    }
}

/// What the catalog knows about one model; every figure may be unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelInfo {
    /// Max input tokens.
    pub context_window: Option<u64>,
    /// The most tokens one answer may have; a larger `max_tokens` fails.
    pub max_output_tokens: Option<u64>,
    pub price: Option<PricePerMillion>,
    /// `None` when nothing is known about them (an entry of pwb.toml only).
    pub capabilities: Option<Capabilities>,
    pub from: InfoFrom,
}

impl ModelInfo {
    /// The cost of a call in USD, or `None` when it cannot be known: no
    /// price, token counts missing, or cache reads/writes without their
    /// rate. Input tokens include the cache reads and writes, which are
    /// billed at their own rates; reasoning tokens are part of the output.
    pub fn cost(&self, usage: &Usage) -> Option<f64> {
        let price = self.price?;
        // A free model (the local one) costs nothing whatever it used,
        // also while streaming, before the token counts are in.
        let free = price.input == 0.0
            && price.output == 0.0
            && price.cached_input.unwrap_or(0.0) == 0.0
            && price.cache_write.unwrap_or(0.0) == 0.0;
        if free {
            return Some(0.0);
        }
        let input = usage.input_tokens?;
        let output = usage.output_tokens?;
        let at = |tokens: u64, rate: Option<f64>| -> Option<f64> {
            if tokens == 0 {
                Some(0.0)
            } else {
                Some(tokens as f64 * rate?)
            }
        };
        let cached = usage.cached_input_tokens.unwrap_or(0).min(input);
        let written = usage.cache_write_tokens.unwrap_or(0).min(input - cached);
        let plain = input - cached - written;
        let total = plain as f64 * price.input
            + at(cached, price.cached_input)?
            + at(written, price.cache_write)?
            + output as f64 * price.output;
        Some(total / 1_000_000.0)
    }
}

/// Model ids (`provider:model`) to what is known about them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    models: BTreeMap<String, ModelInfo>,
    source: CatalogSource,
}

impl Catalog {
    /// The tables compiled into pwb: LiteLLM's snapshot and pwb's own.
    pub fn builtin() -> Catalog {
        let table = PriceTable::builtin();
        let source = CatalogSource::of(&table, TableOrigin::BuiltIn);
        Catalog::from_table(&table, source)
    }

    /// The best table on this machine (`pwb setup --prices`'s refresh in
    /// the data folder, else the built-in one), with `pwb.toml`'s
    /// `[pricing]` laid over it.
    pub fn with_overrides(pricing: &toml::Table) -> Catalog {
        Catalog::load(&crate::paths::data_dir(), pricing)
    }

    /// `with_overrides` with the data folder given.
    pub fn load(data_dir: &Path, pricing: &toml::Table) -> Catalog {
        let (table, source) = refresh::best_table(data_dir);
        Catalog::from_table(&table, source).with_pricing(pricing)
    }

    fn from_table(table: &PriceTable, source: CatalogSource) -> Catalog {
        let models = table
            .models
            .iter()
            .map(|(id, e)| (id.clone(), entries::from_table_entry(e)))
            .collect();
        let mut cat = Catalog { models, source };
        entries::merge(&mut cat.models, &entries::own(), InfoFrom::Pwb);
        cat
    }

    /// Adds or lays `[pricing]` entries over the catalog (keys given there
    /// replace the table's; a model's other figures are kept).
    pub fn with_pricing(mut self, pricing: &toml::Table) -> Catalog {
        entries::merge(&mut self.models, pricing, InfoFrom::Workspace);
        self
    }

    /// Which table the figures come from, its version and age.
    pub fn source(&self) -> &CatalogSource {
        &self.source
    }

    /// What is known about `id` (`provider:model`): its own entry; else,
    /// for a dated variant (`-20250929`, `-2024-08-06`, `-latest`), the
    /// undated model's; for an OpenAI fine-tune (`openai:ft:BASE:org::id`),
    /// `openai:ft:BASE`'s; else the provider's `provider:*`. Nothing else:
    /// `claude-sonnet-4-6` never borrows `claude-sonnet-4`'s figures.
    pub fn lookup(&self, id: &str) -> Option<&ModelInfo> {
        if let Some(info) = self.models.get(id) {
            return Some(info);
        }
        if let Some(info) = dated_base(id).and_then(|base| self.models.get(base)) {
            return Some(info);
        }
        if let Some(info) = fine_tune_base(id).and_then(|base| self.models.get(base)) {
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

/// `id` without a date or `-latest` at its end (`claude-sonnet-4-5-20250929`,
/// `gpt-4o-2024-08-06`, `claude-3-5-haiku-latest`), or `None`.
pub fn dated_base(id: &str) -> Option<&str> {
    if let Some(base) = id.strip_suffix("-latest") {
        return Some(base);
    }
    let (base, last) = id.rsplit_once('-')?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if digits(last, 8) {
        return Some(base);
    }
    // YYYY-MM-DD: the last three dash-separated parts.
    let (base2, month) = base.rsplit_once('-')?;
    let (base3, year) = base2.rsplit_once('-')?;
    (digits(year, 4) && digits(month, 2) && digits(last, 2)).then_some(base3)
}

/// `openai:ft:gpt-4o-mini-2024-07-18` for `openai:ft:gpt-4o-mini-2024-07-18:org:name:id`.
fn fine_tune_base(id: &str) -> Option<&str> {
    let rest = id.strip_prefix("openai:ft:")?;
    let base_len = rest.find(':')?;
    Some(&id[.."openai:ft:".len() + base_len])
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
mod tests;
