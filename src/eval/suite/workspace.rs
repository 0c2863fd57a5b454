//! Workspace suites: each `tests/NAME.yaml` (or `tests/sub/NAME.yaml`) runs
//! against the prompt it names (`prompt:`) or pairs with by path. The
//! problems that stop a suite are those in its test file (and the files
//! it reads), in pwb.toml, and in the prompt it targets.

use super::{Suite, SuitePrompt, config, settle};
use crate::workspace::diagnostic::relative_to;
use crate::workspace::read::read_text;
use crate::workspace::{Diagnostic, TestFile, Workspace};
use serde_json::Value;
use std::path::Path;

/// A test file's suite: its workspace is the nearest folder above it
/// with a pwb.toml.
pub(super) fn load_test_file(path: &Path, shown: &Path) -> Result<Vec<Suite>, Vec<Diagnostic>> {
    let Some(root) = path
        .ancestors()
        .skip(1)
        .find(|d| d.join("pwb.toml").is_file())
    else {
        let message = "a test file runs in its workspace, and no folder above it has a pwb.toml";
        let hint = "point pwb eval at the workspace, or give the file `prompts:` and `providers:` (a promptfoo config)";
        return Err(vec![
            Diagnostic::error(shown, 1, 1, message).with_hint(hint),
        ]);
    };
    load_workspace(root, Some(path))
}

/// Every test file of the workspace at `root` as a suite, or only `only`.
pub(super) fn load_workspace(
    root: &Path,
    only: Option<&Path>,
) -> Result<Vec<Suite>, Vec<Diagnostic>> {
    let (ws, diags) =
        Workspace::load(root).map_err(|e| vec![Diagnostic::error(root, 1, 1, e.to_string())])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    let files: Vec<&TestFile> = match only {
        Some(p) => ws.tests.iter().filter(|t| same(&t.path, p)).collect(),
        None => ws.tests.iter().collect(),
    };
    if let Some(p) = only
        && files.is_empty()
    {
        let shown = relative_to(root, p);
        let failed = diags
            .iter()
            .filter(|d| d.path == shown && d.is_error())
            .cloned()
            .collect::<Vec<_>>();
        if !failed.is_empty() {
            return Err(failed);
        }
        let message = "this file is not one of the workspace's test files";
        let hint =
            "test files are tests/NAME.yaml, or tests/SUB/NAME.yaml when prompts/SUB/ exists";
        return Err(vec![
            Diagnostic::error(shown, 1, 1, message).with_hint(hint),
        ]);
    }
    if files.is_empty() {
        let hint = "add tests/NAME.yaml with cases for prompts/NAME.prompt";
        return Err(vec![
            Diagnostic::error(root, 1, 1, "the workspace has no test files").with_hint(hint),
        ]);
    }
    let mut suites = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match suite(&ws, file, &diags) {
            Ok(s) => suites.push(s),
            Err(mut d) => problems.append(&mut d),
        }
    }
    if problems.is_empty() {
        Ok(suites)
    } else {
        Err(problems)
    }
}

fn suite(ws: &Workspace, file: &TestFile, all: &[Diagnostic]) -> Result<Suite, Vec<Diagnostic>> {
    let shown = relative_to(&ws.root, &file.path);
    let target = file.target_prompt().to_string();
    let prompt_path = ws.prompt(&target).map(|p| relative_to(&ws.root, &p.path));
    let own_folder = shown.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut diags: Vec<Diagnostic> = all
        .iter()
        .filter(|d| {
            d.path == shown
                || d.path == Path::new("pwb.toml")
                || (d.path.starts_with(&own_folder) && !is_other_test_file(ws, &d.path, &shown))
                || (prompt_path.as_deref() == Some(d.path.as_path()) && d.is_error())
        })
        .cloned()
        .collect();
    if prompt_path.is_none() {
        let message = format!("no prompt `{target}` for these cases (prompts/{target}.prompt)");
        let hint = "name the prompt with `prompt:` or rename the test file after it";
        diags.push(Diagnostic::error(shown.clone(), 1, 1, message).with_hint(hint));
    }
    let warnings = settle(diags)?;
    Ok(Suite {
        name: file.name.clone(),
        path: file.path.clone(),
        prompts: vec![SuitePrompt::Workspace { name: target }],
        providers: Vec::new(),
        cases: file.cases.clone(),
        default_grader: grader_of(&file.path),
        warnings,
        root: ws.root.clone(),
    })
}

/// Whether `path` (shown) is another test file than `me`.
fn is_other_test_file(ws: &Workspace, path: &Path, me: &Path) -> bool {
    path != me
        && ws
            .tests
            .iter()
            .any(|t| relative_to(&ws.root, &t.path) == path)
}

/// `defaultTest.options.provider` of a test file.
fn grader_of(path: &Path) -> Option<Value> {
    let text = read_text(path).ok()?;
    match serde_norway::from_str::<Value>(&text).ok()? {
        Value::Object(m) => config::default_grader(&m),
        _ => None,
    }
}
