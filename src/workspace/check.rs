//! `pwb check` as a library call: load the workspace (per-file problems),
//! then the checks across files: default prompt, test targets, partials.
//! Returns every problem sorted by file and line, plus a summary.

use super::Workspace;
use super::config_check::default_prompt_position;
use super::diagnostic::{Diagnostic, Severity, relative_to};
use super::error::WorkspaceError;
use super::partials_check::partial_checks;
use super::render_check::render_checks;
use super::yaml_locate::{Seg, locate_value};
use crate::prompt::schemas::{SchemaSource, compile_schemas};
use crate::prompt::tools::{ToolSource, compile_tools};
use crate::prompt::{ParsedPrompt, PromptWarning};
use crate::types::ToolDef;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The outcome of checking a workspace.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Sorted by path, then line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were looked at.
    pub files: usize,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// `2 errors, 1 warning in 7 files`.
    pub fn summary(&self) -> String {
        let n = |count: usize, word: &str| {
            format!("{count} {word}{}", if count == 1 { "" } else { "s" })
        };
        format!(
            "{}, {} in {}",
            n(self.errors(), "error"),
            n(self.warnings(), "warning"),
            n(self.files, "file")
        )
    }
}

/// Warnings about a prompt that take knowledge from above this layer (the
/// ranges each provider accepts live in `provider/`, which builds on the
/// workspace): `pwb check` passes `provider::ranges::prompt_warnings`.
pub type PromptChecks<'a> = &'a (dyn Fn(&ParsedPrompt) -> Vec<PromptWarning> + Sync);

/// Checks every file of the workspace in `dir`; `more` adds warnings about
/// each prompt that renders.
pub fn check(dir: &Path, more: PromptChecks<'_>) -> Result<CheckReport, WorkspaceError> {
    let (ws, mut diagnostics) = Workspace::load(dir)?;
    diagnostics.extend(cross_checks(&ws));
    let (schemas, schema_problems) = compiled_schemas(&ws);
    diagnostics.extend(schema_problems);
    let (tools, tool_problems) = compiled_tools(&ws, &schemas);
    diagnostics.extend(tool_problems);
    let broken: HashSet<PathBuf> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.path.clone())
        .collect();
    diagnostics.extend(render_checks(&ws, &broken, &schemas, &tools, more));

    let mut files: BTreeSet<PathBuf> = diagnostics.iter().map(|d| d.path.clone()).collect();
    files.insert(PathBuf::from("pwb.toml"));
    let listed = ws.prompts.iter().chain(&ws.partials).map(|p| &p.path);
    let listed = listed
        .chain(ws.examples.iter().map(|e| &e.path))
        .chain(ws.tests.iter().map(|t| &t.path))
        .chain(ws.schemas.iter().map(|s| &s.path))
        .chain(ws.tools.iter().map(|s| &s.path));
    files.extend(listed.map(|p| relative_to(&ws.root, p)));
    // Folder-level problems (an unreadable or missing prompts/) are not files.
    let is_file = |p: &PathBuf| {
        let full = ws.root.join(p);
        std::fs::symlink_metadata(&full).is_ok() && !full.is_dir()
    };
    let files = files.iter().filter(|p| is_file(p)).count();

    diagnostics.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
    diagnostics.dedup();
    Ok(CheckReport { diagnostics, files })
}

/// The workspace's named schemas as JSON Schema, converted as the renderer
/// converts them (`prompt::schemas`), and their problems.
fn compiled_schemas(ws: &Workspace) -> (HashMap<String, Value>, Vec<Diagnostic>) {
    let sources: Vec<SchemaSource> = ws
        .schemas
        .iter()
        .map(|s| SchemaSource {
            name: s.name.clone(),
            shown: relative_to(&ws.root, &s.path),
            source: s.source.clone(),
        })
        .collect();
    let (schemas, problems) = compile_schemas(&sources);
    let diagnostics = problems
        .into_iter()
        .map(|e| {
            let shown = e.file.clone().unwrap_or_default();
            Diagnostic::error(shown, e.line, e.col, e.message).with_hint(e.hint)
        })
        .collect();
    (schemas, diagnostics)
}

/// The workspace's tools compiled as the renderer compiles them
/// (`prompt::tools`), and their problems.
fn compiled_tools(
    ws: &Workspace,
    schemas: &HashMap<String, Value>,
) -> (HashMap<String, ToolDef>, Vec<Diagnostic>) {
    let sources: Vec<ToolSource> = ws
        .tools
        .iter()
        .map(|s| ToolSource {
            stem: s.name.clone(),
            shown: relative_to(&ws.root, &s.path),
            source: s.source.clone(),
        })
        .collect();
    let (tools, problems) = compile_tools(&sources, schemas);
    let diagnostics = problems
        .into_iter()
        .map(|e| {
            let shown = e.file.clone().unwrap_or_default();
            Diagnostic::error(shown, e.line, e.col, e.message).with_hint(e.hint)
        })
        .collect();
    (tools, diagnostics)
}

/// Problems that involve more than one file.
fn cross_checks(ws: &Workspace) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let config_path = ws.root.join("pwb.toml");
    if ws.prompts.is_empty() {
        out.push(
            Diagnostic::warning("prompts", 1, 1, "no prompts in this workspace").with_hint(
                "add prompts/NAME.prompt or prompts/FOLDER/NAME.prompt (see \
                     sample-workspace/prompts/ for examples)",
            ),
        );
    }
    if let Some(name) = &ws.config.defaults.prompt
        && ws.prompt(name).is_none()
    {
        let source = super::read::read_text(&config_path).unwrap_or_default();
        let (l, c) = default_prompt_position(&source);
        out.push(
            Diagnostic::error(
                "pwb.toml",
                l,
                c,
                format!("[defaults] prompt `{name}` does not exist"),
            )
            .with_hint(prompt_hint(ws, name)),
        );
    }
    for test in &ws.tests {
        let target = test.target_prompt();
        if ws.prompt(target).is_some() {
            continue;
        }
        let shown = relative_to(&ws.root, &test.path);
        if test.prompt.is_some() {
            let source = super::read::read_text(&test.path).unwrap_or_default();
            let (l, c) = locate_value(&source, &[Seg::Key("prompt".into())]).unwrap_or((1, 1));
            out.push(
                Diagnostic::error(
                    shown,
                    l,
                    c,
                    format!("test file targets prompt `{target}`, which does not exist"),
                )
                .with_hint(prompt_hint(ws, target)),
            );
        } else {
            out.push(
                Diagnostic::warning(shown, 1, 1, format!("no prompt named `{target}` for these tests"))
                    .with_hint("name the file after a prompt (tests/NAME.yaml) or add `prompt: NAME` at the top"),
            );
        }
    }
    out.extend(partial_checks(ws));
    out
}

fn prompt_hint(ws: &Workspace, name: &str) -> String {
    let names: Vec<&str> = ws.prompts.iter().map(|p| p.name.as_str()).collect();
    if names.is_empty() {
        return format!("create prompts/{name}.prompt");
    }
    match super::suggest::did_you_mean(name, &names) {
        Some(best) => format!("did you mean `{best}`? (prompts: {})", names.join(", ")),
        None => format!(
            "use one of: {}, or create prompts/{name}.prompt",
            names.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_pluralises() {
        let mut r = CheckReport {
            diagnostics: vec![],
            files: 1,
        };
        assert_eq!(r.summary(), "0 errors, 0 warnings in 1 file");
        r.diagnostics.push(Diagnostic::error("a", 1, 1, "x"));
        r.diagnostics.push(Diagnostic::warning("a", 1, 1, "y"));
        r.files = 7;
        assert_eq!(r.summary(), "1 error, 1 warning in 7 files");
    }
}
