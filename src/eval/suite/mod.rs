//! The suites `pwb eval` runs, loaded from whatever the user points at: a
//! workspace folder (each `tests/*.yaml` against its prompt), one test
//! file, or a promptfoo config (any YAML with top-level `prompts` or
//! `providers`, needing no pwb.toml). Every problem is a located
//! `Diagnostic`; a suite with an error does not load.
//!
//! - `config`: a promptfoo config's keys; `prompts` and `providers` read
//!   promptfoo's prompt and provider forms; `workspace` the pwb shapes.
//! - `variant`: how each prompt renders for a case (the matrix's `Variant`).

mod config;
mod prompt_files;
mod prompts;
mod provider_config;
mod providers;
mod variant;
mod workspace;

pub use crate::workspace::compile_regex;
pub use config::is_promptfoo_config;
pub use providers::map_provider;
pub use variant::{TextVariant, chat_messages};

use crate::session::ModelOption;
use crate::types::{GenParams, ModelId, Secret};
use crate::workspace::{Diagnostic, TestCase};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One suite: prompts × cases (× the models the run picks).
#[derive(Debug, Clone)]
pub struct Suite {
    /// The test file's name (`triage`, `sub/name`), or a config's
    /// `description` (else its file name).
    pub name: String,
    /// The test file or config.
    pub path: PathBuf,
    pub prompts: Vec<SuitePrompt>,
    /// A promptfoo config's `providers`; empty for workspace suites (the
    /// run uses pwb.toml's selected models).
    pub providers: Vec<ProviderChoice>,
    /// `defaultTest` merged in, vars expanded, in file order.
    pub cases: Vec<TestCase>,
    /// `defaultTest.options.provider`: the grader of model-graded
    /// assertions, unless the run names another.
    pub default_grader: Option<Value>,
    /// Warnings found while loading (errors stop the load).
    pub warnings: Vec<Diagnostic>,
    /// The workspace folder (pwb.toml's) of a workspace suite; a promptfoo
    /// config's folder otherwise.
    pub root: PathBuf,
}

/// A prompt of a suite.
#[derive(Debug, Clone, PartialEq)]
pub enum SuitePrompt {
    /// A workspace prompt by name (`triage`, `sub/name`).
    Workspace { name: String },
    /// A promptfoo prompt string: a Nunjucks template (see `TextVariant`).
    Inline { label: String, text: String },
    /// A prompt file of a promptfoo config: text (`.txt`, `.md`, `.json`,
    /// ...) as a Nunjucks template, or a Dotprompt `.prompt` file.
    File {
        label: String,
        path: PathBuf,
        text: String,
        dotprompt: bool,
    },
}

impl SuitePrompt {
    /// How reports name it: the workspace prompt's name or the label.
    pub fn label(&self) -> &str {
        match self {
            SuitePrompt::Workspace { name } => name,
            SuitePrompt::Inline { label, .. } | SuitePrompt::File { label, .. } => label,
        }
    }
}

/// A model a promptfoo config names, mapped to pwb's.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderChoice {
    pub id: ModelId,
    /// promptfoo's `label`.
    pub label: Option<String>,
    /// The provider id as written (`openai:chat:gpt-4o-mini`).
    pub written: String,
    /// `config.apiBaseUrl` (or `apiHost`), for OpenAI-compatible servers.
    pub base_url: Option<String>,
    /// `config.apiKeyEnvar`: the variable holding the key.
    pub api_key_env: Option<String>,
    /// `config.apiKey` written in the config.
    pub api_key: Option<Secret>,
    /// `config.temperature`, `max_tokens` (or the provider's own name for
    /// it), `top_p`, `top_k`, `seed`, `stop`.
    pub params: GenParams,
}

impl ProviderChoice {
    /// What the session plans with: the id, endpoint and parameters.
    pub fn model_option(&self) -> ModelOption {
        let mut option = ModelOption::ad_hoc(self.id.clone());
        option.name = self.label.clone().unwrap_or_else(|| self.written.clone());
        option.endpoint.base_url = self.base_url.clone();
        option.endpoint.api_key_env = self.api_key_env.clone();
        option.endpoint.api_key = self.api_key.clone();
        option.params = self.params.clone();
        option
    }
}

/// Loads the suites at `target` (relative to `cwd`): a workspace folder,
/// a folder holding `promptfooconfig.yaml`, a test file, or a promptfoo
/// config. `Err` holds every problem when any is an error.
pub fn load(target: &Path, cwd: &Path) -> Result<Vec<Suite>, Vec<Diagnostic>> {
    let path = cwd.join(target);
    let fail = |message: String, hint: &str| {
        Err(vec![
            Diagnostic::error(target, 1, 1, message).with_hint(hint),
        ])
    };
    if path.is_dir() {
        if path.join("pwb.toml").is_file() {
            return workspace::load_workspace(&path, None);
        }
        for name in ["promptfooconfig.yaml", "promptfooconfig.yml"] {
            let (file, shown) = (path.join(name), target.join(name));
            if file.is_file() {
                let (source, doc) = config::read_yaml(&file, &shown)?;
                return config::load_config(&file, &shown, &source, &doc).map(|s| vec![s]);
            }
        }
        return fail(
            format!(
                "`{}` holds no pwb.toml and no promptfooconfig.yaml",
                target.display()
            ),
            "point pwb eval at a workspace, a test file or a promptfoo config",
        );
    }
    if !path.is_file() {
        return fail(
            format!("`{}` does not exist", target.display()),
            "check the path",
        );
    }
    let (source, doc) = config::read_yaml(&path, target)?;
    if config::is_config_doc(&doc) {
        return config::load_config(&path, target, &source, &doc).map(|s| vec![s]);
    }
    workspace::load_test_file(&path, target)
}

/// Splits `diags` into the suite's warnings, or every problem when any is
/// an error.
fn settle(diags: Vec<Diagnostic>) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    if diags.iter().any(Diagnostic::is_error) {
        let mut diags = diags;
        diags.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
        Err(diags)
    } else {
        Ok(diags)
    }
}

#[cfg(test)]
mod tests;
