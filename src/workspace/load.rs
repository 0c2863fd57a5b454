//! `Workspace::load`: walks `pwb.toml`, `prompts/` (with partials),
//! `examples/`, `tests/` and `schemas/` (the folder walks are in
//! `load_tree`), reading each file defensively and collecting
//! every problem as a diagnostic instead of stopping at the first.

use super::diagnostic::{Diagnostic, relative_to};
use super::error::WorkspaceError;
use super::prompt_check;
use super::read::read_text;
use super::{ExampleFile, TestFile, Workspace, WorkspaceConfig};
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

impl Workspace {
    /// Loads the workspace in `dir`. Fails only when `dir` is not a readable
    /// folder with a `pwb.toml`; everything else is reported per file.
    pub fn load(dir: &Path) -> Result<(Workspace, Vec<Diagnostic>), WorkspaceError> {
        Workspace::load_folder(dir, true)
    }

    /// `load`, but a folder without `pwb.toml` is a workspace with the
    /// default settings (a loose prompt file's folder, for `pwb render`).
    pub fn load_folder(
        dir: &Path,
        require_config: bool,
    ) -> Result<(Workspace, Vec<Diagnostic>), WorkspaceError> {
        let meta = fs::metadata(dir).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => WorkspaceError::NoSuchFolder(dir.to_path_buf()),
            _ => WorkspaceError::Io {
                path: dir.to_path_buf(),
                source: e,
            },
        })?;
        if !meta.is_dir() {
            return Err(WorkspaceError::NotAFolder(dir.to_path_buf()));
        }
        fs::read_dir(dir).map_err(|e| WorkspaceError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        let config_path = dir.join("pwb.toml");
        let has_config = fs::symlink_metadata(&config_path).is_ok();
        if !has_config && require_config {
            return Err(WorkspaceError::NotAWorkspace(dir.to_path_buf()));
        }

        let mut loader = Loader {
            root: dir,
            diags: Vec::new(),
        };
        let config = if has_config {
            loader.config(&config_path)
        } else {
            WorkspaceConfig::default()
        };
        let (prompts, partials) = loader.prompts();
        let examples = loader.examples();
        let schemas = loader.schemas();
        let tools = loader.tools();
        let tool_mocks = loader.tool_mocks();
        let tests = loader.tests(&super::load_tree::prompt_folders(&prompts));
        let workspace = Workspace {
            root: dir.to_path_buf(),
            config,
            prompts,
            partials,
            examples,
            tests,
            schemas,
            tools,
            tool_mocks,
        };
        Ok((workspace, loader.diags))
    }
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;

pub(super) struct Loader<'a> {
    pub(super) root: &'a Path,
    pub(super) diags: Vec<Diagnostic>,
}

/// A directory entry: its name, path and whether it is a folder.
pub(super) struct Entry {
    pub(super) name: String,
    pub(super) path: PathBuf,
    pub(super) is_dir: bool,
}

impl Loader<'_> {
    pub(super) fn shown(&self, path: &Path) -> PathBuf {
        relative_to(self.root, path)
    }

    pub(super) fn read(&mut self, path: &Path) -> Option<String> {
        match read_text(path) {
            Ok(text) => Some(text),
            Err(e) => {
                self.diags.push(e.to_diagnostic(self.shown(path)));
                None
            }
        }
    }

    fn config(&mut self, path: &Path) -> WorkspaceConfig {
        let Some(source) = self.read(path) else {
            return WorkspaceConfig::default();
        };
        let (config, diags) = WorkspaceConfig::parse(&source, &self.shown(path));
        self.diags.extend(diags);
        config.unwrap_or_default()
    }

    /// Entries of `root/sub`, sorted by name, dotfiles skipped. A missing
    /// folder is empty; an unreadable one is a diagnostic.
    pub(super) fn list(&mut self, dir: &Path) -> Vec<Entry> {
        let read = match fs::read_dir(dir) {
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Vec::new(),
            Err(_) if !dir.is_dir() => {
                let d = Diagnostic::error(self.shown(dir), 1, 1, "expected a folder, found a file")
                    .with_hint(
                        "move the file away; pwb reads prompts/, examples/ and tests/ as folders",
                    );
                self.diags.push(d);
                return Vec::new();
            }
            Err(e) => {
                let d =
                    Diagnostic::error(self.shown(dir), 1, 1, format!("cannot list folder: {e}"))
                        .with_hint("make the folder readable, e.g. `chmod u+rx FOLDER`");
                self.diags.push(d);
                return Vec::new();
            }
        };
        let mut entries: Vec<Entry> = read
            .filter_map(Result::ok)
            .map(|e| {
                let path = e.path();
                Entry {
                    name: e.file_name().to_string_lossy().into_owned(),
                    is_dir: path.is_dir(),
                    path,
                }
            })
            .filter(|e| !e.name.starts_with('.'))
            .collect();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        entries
    }

    pub(super) fn ignored(&mut self, entry: &Entry, why: &str, hint: &str) {
        let d = Diagnostic::warning(self.shown(&entry.path), 1, 1, format!("{why}; ignored"))
            .with_hint(hint);
        self.diags.push(d);
    }

    fn examples(&mut self) -> Vec<ExampleFile> {
        let mut out = Vec::new();
        for (name, path, source) in self.yaml_files("examples", true, None) {
            let shown = self.shown(&path);
            let (parsed, diags) = prompt_check::check_examples(&name, &source, &shown);
            self.diags.extend(diags);
            if let Some(examples) = parsed {
                out.push(ExampleFile {
                    name,
                    path,
                    examples,
                });
            }
        }
        out
    }

    /// Test files: `tests/NAME.yaml`, and `tests/sub/NAME.yaml` when
    /// `prompts/sub/` holds prompts (`folders`); other folders of tests/
    /// hold data files referenced with file://.
    fn tests(&mut self, folders: &HashSet<String>) -> Vec<TestFile> {
        let mut out = Vec::new();
        for (name, path, source) in self.yaml_files("tests", false, Some(folders)) {
            let shown = self.shown(&path);
            let (parsed, diags) = TestFile::parse(&name, &path, &source, &shown);
            self.diags.extend(diags);
            out.extend(parsed);
        }
        out
    }
}
