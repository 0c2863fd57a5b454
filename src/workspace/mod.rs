//! The workspace on disk: `pwb.toml`, `prompts/` (and its subfolders),
//! `examples/`, `tests/`, `schemas/`, `tools/`.
//! Loads and validates every file (problems become located `Diagnostic`s),
//! saves atomically, and keeps crash-recovery copies for the editor.

pub mod append_case;
mod assert_values;
pub mod asserts;
pub mod check;
pub mod config;
mod config_check;
pub mod diagnostic;
pub mod ecma_regex;
pub mod error;
mod load;
mod load_tree;
mod partials_check;
mod prompt_check;
pub mod read;
pub mod recovery;
mod render_check;
pub mod save;
pub mod testfile;
mod testfile_assert;
mod testfile_case;
mod testfile_csv;
mod testfile_expected;
mod testfile_parse;
mod testfile_sources;
mod testfile_vars;
pub mod tool_mocks;
pub mod yaml_index;

pub use crate::prompt::yaml_locate;
pub use crate::types::Secret;
pub use check::{CheckReport, check};
pub use config::{Defaults, ModelEntry, RunnerSettings, WorkspaceConfig};
pub use config_check::PRICING_KEYS;
pub use diagnostic::{Diagnostic, Severity};
pub use ecma_regex::compile_regex;
pub use error::WorkspaceError;
pub use recovery::{clear_recovery, read_recovery, recovery_path, write_recovery};
pub use save::{save_atomic, save_text};
pub use testfile::{AssertSpec, TestCase, TestFile};
pub use tool_mocks::{ToolMock, find_mock};

use crate::prompt::Example;
use crate::prompt::suggest;
use std::path::PathBuf;

/// A loaded workspace. Lists are sorted by name.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    pub root: PathBuf,
    /// Defaults when `pwb.toml` could not be parsed (a diagnostic says why).
    pub config: WorkspaceConfig,
    pub prompts: Vec<PromptFile>,
    /// `prompts/_NAME.prompt` and `prompts/partials/NAME.prompt`, by `NAME`.
    pub partials: Vec<PromptFile>,
    pub examples: Vec<ExampleFile>,
    pub tests: Vec<TestFile>,
    /// `schemas/NAME.yaml` (`.yml`, `.json`): named schemas, as text.
    pub schemas: Vec<SchemaFile>,
    /// `tools/NAME.yaml` (`.yml`, `.json`): tool definitions, as text
    /// (`tools/mocks/` holds mock results, not definitions).
    pub tools: Vec<SchemaFile>,
    /// `tools/mocks/*.yaml`: canned tool results, in file order.
    pub tool_mocks: Vec<ToolMock>,
}

/// A `.prompt` file as text: kept even when it does not parse, so the
/// editor can open it and fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptFile {
    /// The path under `prompts/` without `.prompt` (`triage`, `sub/name`);
    /// for partials, the file stem without the leading `_`.
    pub name: String,
    pub path: PathBuf,
    pub source: String,
}

/// `schemas/NAME.yaml`: a named schema (Picoschema or JSON Schema) that
/// prompts use as `output.schema: NAME`, as Genkit's `defineSchema` would.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaFile {
    pub name: String,
    pub path: PathBuf,
    pub source: String,
}

/// `examples/NAME.yaml`: few-shot examples for the prompt `NAME`
/// (`examples/sub/NAME.yaml` for `prompts/sub/NAME.prompt`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleFile {
    pub name: String,
    pub path: PathBuf,
    pub examples: Vec<Example>,
}

impl Workspace {
    pub fn prompt(&self, name: &str) -> Option<&PromptFile> {
        self.prompts.iter().find(|p| p.name == name)
    }

    pub fn partial(&self, name: &str) -> Option<&PromptFile> {
        self.partials.iter().find(|p| p.name == name)
    }

    /// The examples for prompt `name` (`examples/NAME.yaml`), if any.
    pub fn examples_for(&self, name: &str) -> Option<&ExampleFile> {
        self.examples.iter().find(|e| e.name == name)
    }

    /// The test files whose cases target prompt `name`.
    pub fn tests_for<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a TestFile> + 'a {
        self.tests.iter().filter(move |t| t.target_prompt() == name)
    }

    /// The prompt to open first: `[defaults] prompt` if it exists, else the
    /// first prompt by name.
    pub fn first_prompt(&self) -> Option<&PromptFile> {
        self.config
            .defaults
            .prompt
            .as_deref()
            .and_then(|n| self.prompt(n))
            .or_else(|| self.prompts.first())
    }
}
