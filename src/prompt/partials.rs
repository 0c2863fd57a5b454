//! What the files under `prompts/` are, as Genkit's loaders name them:
//! `sub/name.prompt` is the prompt `sub/name`, `_NAME.prompt` in any folder
//! is the partial `NAME` (partials are not namespaced by folder), and pwb's
//! own `prompts/partials/NAME.prompt` is the partial `NAME` too. Also the
//! renderer with a workspace's partials and named schemas.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Folders deeper than this under `prompts/` are not read.
pub const MAX_FOLDER_DEPTH: usize = 16;

/// What a `.prompt` file under `prompts/` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// A prompt, named by its path under `prompts/` without `.prompt`, with
    /// `/` separators (`sub/name`; a variant file `name.v2.prompt` is the
    /// prompt `name.v2`, Genkit's registry key for it).
    Prompt(String),
    /// A partial, named by its file stem without the leading `_`.
    Partial(String),
}

/// Classifies the file at `rel` (its path under `prompts/`); `None` for
/// files that are not `.prompt` files, have no name, or sit in a folder
/// below `prompts/partials/`.
pub fn classify(rel: &Path) -> Option<PromptKind> {
    let parts: Vec<&str> = rel.iter().map(|p| p.to_str()).collect::<Option<_>>()?;
    let (file, folders) = parts.split_last()?;
    let stem = file.strip_suffix(".prompt").filter(|s| !s.is_empty())?;
    if folders.first() == Some(&"partials") {
        return (folders.len() == 1).then(|| PromptKind::Partial(stem.to_string()));
    }
    if let Some(name) = stem.strip_prefix('_') {
        return (!name.is_empty()).then(|| PromptKind::Partial(name.to_string()));
    }
    let mut name = folders.join("/");
    if !name.is_empty() {
        name.push('/');
    }
    name.push_str(stem);
    Some(PromptKind::Prompt(name))
}

/// Every file under `prompts_dir` (dotfiles skipped), as paths relative to
/// it: `partials/` first, then depth-first in name order, the order in which
/// the first of two partials of the same name wins. Symbolic links are
/// followed; a folder met twice (a link loop) is read once.
pub fn prompt_tree(prompts_dir: &Path) -> Vec<PathBuf> {
    let mut out = sorted_files(&prompts_dir.join("partials"))
        .into_iter()
        .map(|name| Path::new("partials").join(name))
        .collect();
    let mut seen = HashSet::new();
    walk(prompts_dir, Path::new(""), 0, &mut seen, &mut out);
    out
}

fn walk(dir: &Path, rel: &Path, depth: usize, seen: &mut HashSet<PathBuf>, out: &mut Vec<PathBuf>) {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if depth > MAX_FOLDER_DEPTH || !seen.insert(canonical) {
        return;
    }
    for name in sorted_entries(dir) {
        let path = dir.join(&name);
        let rel = rel.join(&name);
        if path.is_dir() {
            if rel != Path::new("partials") {
                walk(&path, &rel, depth + 1, seen, out);
            }
        } else {
            out.push(rel);
        }
    }
}

fn sorted_entries(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

fn sorted_files(dir: &Path) -> Vec<String> {
    let mut names = sorted_entries(dir);
    names.retain(|n| dir.join(n).is_file());
    names
}

/// `(name, path)` of every partial file under `prompts_dir`, in the order
/// of [`prompt_tree`] (a name may appear more than once; the first wins).
pub fn partial_files(prompts_dir: &Path) -> Vec<(String, PathBuf)> {
    prompt_tree(prompts_dir)
        .into_iter()
        .filter_map(|rel| match classify(&rel)? {
            PromptKind::Partial(name) => Some((name, prompts_dir.join(rel))),
            PromptKind::Prompt(_) => None,
        })
        .collect()
}

/// Reads every partial under `prompts_dir`; unreadable files are skipped
/// (use [`partial_files`] to report on them); the first of a name wins.
pub fn load_partials(prompts_dir: &Path) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    for (name, path) in partial_files(prompts_dir) {
        if out.contains_key(&name) {
            continue;
        }
        if let Ok(source) = std::fs::read_to_string(&path) {
            out.insert(name, source);
        }
    }
    out
}

/// A renderer with the workspace's partials (`ROOT/prompts`, every folder)
/// and named schemas (`ROOT/schemas`). A partial that cannot be read or
/// compiled, or that includes itself, and a schema that cannot be read or
/// converted, are left out and reported (prompts that use them then fail
/// to render, naming them); the rest still work.
pub fn load_renderer(root: &Path) -> (super::Renderer, Vec<super::PromptError>) {
    let mut renderer = super::Renderer::default();
    let mut problems = Vec::new();
    let mut added = HashSet::new();
    for (name, path) in partial_files(&root.join("prompts")) {
        if !added.insert(name.clone()) {
            continue;
        }
        let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        match std::fs::read_to_string(&path) {
            Ok(source) => {
                if let Err(e) = renderer.add_partial(&name, &source) {
                    problems.push(e.in_file(shown));
                }
            }
            Err(e) => problems.push(
                super::PromptError::new(
                    super::PromptErrorKind::Io,
                    1,
                    1,
                    format!("cannot read partial: {e}"),
                    "check the file's permissions",
                )
                .in_file(shown),
            ),
        }
    }
    let (schemas, schema_problems) = super::schemas::load_schemas(root);
    let (tools, tool_problems) = super::tools::load_tools(root, &schemas);
    for (name, schema) in schemas {
        renderer.add_schema(&name, schema);
    }
    for (_, tool) in tools {
        renderer.add_tool(tool);
    }
    problems.extend(schema_problems);
    problems.extend(tool_problems);
    (renderer, problems)
}

#[cfg(test)]
#[path = "tests/partials_tests.rs"]
mod tests;
