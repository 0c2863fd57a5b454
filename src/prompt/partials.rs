//! Finding a workspace's partials: `prompts/partials/NAME.prompt` and
//! `prompts/_NAME.prompt` (named `NAME`). Partials have no frontmatter.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Reads every partial under `prompts_dir`; unreadable files are skipped
/// (use [`partial_files`] to report on them). A `partials/NAME.prompt`
/// wins over `_NAME.prompt` when both exist.
pub fn load_partials(prompts_dir: &Path) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (name, path) in partial_files(prompts_dir) {
        if let Ok(source) = std::fs::read_to_string(&path) {
            out.entry(name).or_insert(source);
        }
    }
    out
}

/// `(name, path)` of every partial file, `partials/` first, sorted by name.
pub fn partial_files(prompts_dir: &Path) -> Vec<(String, PathBuf)> {
    let mut nested = prompt_files(&prompts_dir.join("partials"), |stem| Some(stem.to_string()));
    let mut prefixed = prompt_files(prompts_dir, |stem| {
        stem.strip_prefix('_')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    });
    nested.sort();
    prefixed.sort();
    nested.extend(prefixed);
    nested
}

fn prompt_files(dir: &Path, name_of: impl Fn(&str) -> Option<String>) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "prompt"))
        .filter_map(|p| {
            let name = name_of(p.file_stem()?.to_str()?)?;
            Some((name, p))
        })
        .collect()
}

/// A renderer with the workspace's partials (`ROOT/prompts`). A partial
/// that cannot be read or compiled is left out and reported (prompts that
/// use it then fail to render, naming it); the rest still work.
pub fn load_renderer(root: &Path) -> (super::Renderer, Vec<super::PromptError>) {
    let mut renderer = super::Renderer::default();
    let mut problems = Vec::new();
    for (name, path) in partial_files(&root.join("prompts")) {
        if renderer.partial_names().any(|n| n == name) {
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
    (renderer, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_both_layouts() {
        let dir = tempfile::tempdir().unwrap();
        let prompts = dir.path();
        std::fs::create_dir(prompts.join("partials")).unwrap();
        std::fs::write(prompts.join("partials/header.prompt"), "H").unwrap();
        std::fs::write(prompts.join("_footer.prompt"), "F").unwrap();
        std::fs::write(prompts.join("_header.prompt"), "shadowed").unwrap();
        std::fs::write(prompts.join("main.prompt"), "not a partial").unwrap();
        let partials = load_partials(prompts);
        assert_eq!(partials.len(), 2);
        assert_eq!(partials["header"], "H");
        assert_eq!(partials["footer"], "F");
    }
}
