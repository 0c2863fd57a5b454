//! `pwb.toml`: the models to compare and the run defaults. Parsing never
//! fails silently: syntax and type errors, unknown keys (warnings) and bad
//! values all come back as diagnostics with `line:col`.

use super::config_check;
use super::diagnostic::{Diagnostic, line_col};
use crate::types::Secret;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The whole `pwb.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceConfig {
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub models: Vec<ModelEntry>,
    /// Price overrides, kept as written; `usage` interprets them.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub pricing: toml::Table,
    /// `[runner]`: concurrency, retries, timeouts (see `run::RunnerConfig`).
    #[serde(default, skip_serializing_if = "RunnerSettings::is_unset")]
    pub runner: RunnerSettings,
    /// `[eval]`: settings of `pwb eval`.
    #[serde(default, skip_serializing_if = "EvalSettings::is_unset")]
    pub eval: EvalSettings,
    /// `[history]`: where calls are recorded, or that they are not.
    #[serde(default, skip_serializing_if = "HistorySettings::is_unset")]
    pub history: HistorySettings,
    /// `[tools]`: how far an agent loop goes.
    #[serde(default, skip_serializing_if = "ToolSettings::is_unset")]
    pub tools: ToolSettings,
}

/// `[tools]` as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolSettings {
    /// The most model calls in one agent loop (tool results sent back):
    /// the TUI's and the default of `pwb run --max-steps` (default 5).
    pub max_steps: Option<u32>,
}

impl ToolSettings {
    pub fn is_unset(&self) -> bool {
        *self == ToolSettings::default()
    }
}

/// `[eval]` as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalSettings {
    /// The model that grades model-graded assertions (llm-rubric,
    /// factuality, ...) when a suite names none: a `[[models]]` label or a
    /// `provider:model` id. An assertion's or suite's own grader wins, and
    /// `--grader` wins over this.
    pub grader: Option<String>,
}

impl EvalSettings {
    pub fn is_unset(&self) -> bool {
        *self == EvalSettings::default()
    }
}

/// `[history]` as written: `path` (relative to the workspace) of the
/// history database, `enabled = false` to record nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistorySettings {
    pub enabled: Option<bool>,
    pub path: Option<String>,
}

impl HistorySettings {
    pub fn is_unset(&self) -> bool {
        *self == HistorySettings::default()
    }
}

/// `[runner]` as written; unset values take the runner's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunnerSettings {
    /// Calls in flight per provider (default 4).
    pub concurrency: Option<usize>,
    /// Calls in flight overall (default 16).
    pub max_parallel: Option<usize>,
    /// Retries of a transient failure (default 3).
    pub max_retries: Option<u32>,
    /// Longest a call may take, retries included (default 120).
    pub timeout_secs: Option<u64>,
    /// Longest silence mid-call (default 30).
    pub stall_secs: Option<u64>,
    /// `[runner.concurrency_per_provider]`: e.g. `openai = 8`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub concurrency_per_provider: std::collections::BTreeMap<String, usize>,
}

impl RunnerSettings {
    pub fn is_unset(&self) -> bool {
        *self == RunnerSettings::default()
    }
}

/// `[defaults]`: generation settings used when a model sets none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Defaults {
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    pub top_p: Option<f64>,
    /// The prompt opened first in the TUI (a name under `prompts/`).
    pub prompt: Option<String>,
}

/// One `[[models]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelEntry {
    /// `provider:model`, e.g. `openai:gpt-4o-mini`.
    pub id: String,
    pub label: Option<String>,
    /// Pre-checked in the TUI; if no entry is selected, the first one is.
    #[serde(default)]
    pub selected: bool,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    pub top_p: Option<f64>,
    /// For OpenAI-compatible servers (llama.cpp, vLLM, LM Studio, ...).
    pub base_url: Option<String>,
    /// The NAME of the environment variable holding the API key.
    pub api_key_env: Option<String>,
    /// A literal key in the file: accepted, but `check` warns about it.
    #[serde(skip_serializing)]
    pub api_key: Option<Secret>,
}

impl ModelEntry {
    /// The label if set, else the id.
    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }
}

impl WorkspaceConfig {
    /// Parses `source` (the text of `pwb.toml`); `shown` is the path used in
    /// diagnostics. Returns `None` when the file cannot be understood at all
    /// (syntax or type error); the diagnostics then say why.
    pub fn parse(source: &str, shown: &Path) -> (Option<WorkspaceConfig>, Vec<Diagnostic>) {
        let doc = match toml::de::DeTable::parse(source) {
            Ok(doc) => doc,
            Err(err) => return (None, vec![toml_error(source, shown, &err)]),
        };
        let mut diags = config_check::unknown_keys(source, shown, doc.get_ref());
        match toml::from_str::<WorkspaceConfig>(source) {
            Ok(config) => {
                diags.extend(config_check::validate(
                    source,
                    shown,
                    doc.get_ref(),
                    &config,
                ));
                diags.sort_by_key(|d| (d.line, d.col));
                (Some(config), diags)
            }
            Err(err) => {
                diags.push(toml_error(source, shown, &err));
                diags.sort_by_key(|d| (d.line, d.col));
                (None, diags)
            }
        }
    }

    /// The models pre-checked in the TUI: those with `selected = true`, or
    /// the first model when none is.
    pub fn selected_models(&self) -> Vec<&ModelEntry> {
        let selected: Vec<&ModelEntry> = self.models.iter().filter(|m| m.selected).collect();
        if selected.is_empty() {
            self.models.first().into_iter().collect()
        } else {
            selected
        }
    }
}

/// A toml parse/type error as a diagnostic at its span.
fn toml_error(source: &str, shown: &Path, err: &toml::de::Error) -> Diagnostic {
    let (line, col) = err.span().map_or((1, 1), |s| line_col(source, s.start));
    let message = err.message().trim().to_string();
    let hint = if message.contains("missing field `id`") {
        "every [[models]] entry needs an id, e.g. id = \"openai:gpt-4o-mini\""
    } else {
        "see the pwb.toml reference in sample-workspace/pwb.toml"
    };
    Diagnostic::error(shown, line, col, format!("invalid pwb.toml: {message}")).with_hint(hint)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
