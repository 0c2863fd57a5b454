//! `Workspace::load`: walks `pwb.toml`, `prompts/` (with partials),
//! `examples/` and `tests/`, reading each file defensively and collecting
//! every problem as a diagnostic instead of stopping at the first.

use super::diagnostic::{Diagnostic, relative_to};
use super::error::WorkspaceError;
use super::prompt_check;
use super::read::read_text;
use super::{ExampleFile, PromptFile, TestFile, Workspace, WorkspaceConfig};
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
        let tests = loader.tests();
        let workspace = Workspace {
            root: dir.to_path_buf(),
            config,
            prompts,
            partials,
            examples,
            tests,
        };
        Ok((workspace, loader.diags))
    }
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;

struct Loader<'a> {
    root: &'a Path,
    diags: Vec<Diagnostic>,
}

/// A directory entry: its name, path and whether it is a folder.
struct Entry {
    name: String,
    path: PathBuf,
    is_dir: bool,
}

impl Loader<'_> {
    fn shown(&self, path: &Path) -> PathBuf {
        relative_to(self.root, path)
    }

    fn read(&mut self, path: &Path) -> Option<String> {
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
    fn list(&mut self, dir: &Path) -> Vec<Entry> {
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

    fn ignored(&mut self, entry: &Entry, why: &str, hint: &str) {
        let d = Diagnostic::warning(self.shown(&entry.path), 1, 1, format!("{why}; ignored"))
            .with_hint(hint);
        self.diags.push(d);
    }

    fn prompts(&mut self) -> (Vec<PromptFile>, Vec<PromptFile>) {
        let (mut prompts, mut partials) = (Vec::new(), Vec::new());
        let dir = self.root.join("prompts");
        // partials/NAME wins over _NAME, as in `prompt::load_partials`.
        for p in self.list(&dir.join("partials")) {
            match p.name.strip_suffix(".prompt") {
                Some(stem) if !p.is_dir => self.prompt_file(&p, stem, true, &mut partials),
                _ => self.ignored(
                    &p,
                    "not a .prompt file",
                    "partials are prompts/partials/NAME.prompt",
                ),
            }
        }
        for entry in self.list(&dir) {
            if entry.is_dir {
                if entry.name != "partials" {
                    let hint = "prompts are prompts/NAME.prompt; only prompts/partials/ is read";
                    self.ignored(&entry, "folder inside prompts/", hint);
                }
                continue;
            }
            match entry.name.strip_suffix(".prompt") {
                Some(stem) if stem.starts_with('_') => {
                    self.prompt_file(&entry, &stem[1..], true, &mut partials)
                }
                Some(stem) => self.prompt_file(&entry, stem, false, &mut prompts),
                None => self.ignored(
                    &entry,
                    "not a .prompt file",
                    "rename it to NAME.prompt, or move it out of prompts/",
                ),
            }
        }
        partials.sort_by(|a: &PromptFile, b| a.name.cmp(&b.name));
        (prompts, partials)
    }

    fn prompt_file(
        &mut self,
        entry: &Entry,
        name: &str,
        partial: bool,
        into: &mut Vec<PromptFile>,
    ) {
        if name.is_empty() {
            return self.ignored(entry, "prompt file without a name", "name it NAME.prompt");
        }
        if into.iter().any(|p| p.name == name) {
            return self.ignored(
                entry,
                &format!("partial `{name}` is also defined in prompts/partials/, which wins"),
                "keep one of prompts/_NAME.prompt and prompts/partials/NAME.prompt",
            );
        }
        let Some(source) = self.read(&entry.path) else {
            return;
        };
        let shown = self.shown(&entry.path);
        self.diags
            .extend(prompt_check::check_source(&source, &shown, partial));
        into.push(PromptFile {
            name: name.to_string(),
            path: entry.path.clone(),
            source,
        });
    }

    fn yaml_files(&mut self, sub: &str, warn_others: bool) -> Vec<(String, PathBuf, String)> {
        let mut out: Vec<(String, PathBuf, String)> = Vec::new();
        for entry in self.list(&self.root.join(sub)) {
            let stem = entry
                .name
                .strip_suffix(".yaml")
                .or_else(|| entry.name.strip_suffix(".yml"));
            match stem {
                Some(stem) if !entry.is_dir => {
                    if out.iter().any(|(n, _, _)| n == stem) {
                        self.ignored(
                            &entry,
                            &format!("`{stem}` is already defined by another file"),
                            "keep one of NAME.yaml and NAME.yml",
                        );
                    } else if let Some(source) = self.read(&entry.path) {
                        out.push((stem.to_string(), entry.path, source));
                    }
                }
                _ if warn_others && !entry.is_dir => self.ignored(
                    &entry,
                    "not a .yaml file",
                    &format!("{sub} files are {sub}/NAME.yaml"),
                ),
                _ => {}
            }
        }
        out
    }

    fn examples(&mut self) -> Vec<ExampleFile> {
        let mut out = Vec::new();
        for (name, path, source) in self.yaml_files("examples", true) {
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

    fn tests(&mut self) -> Vec<TestFile> {
        let mut out = Vec::new();
        // tests/ may also hold data files referenced with file://.
        for (name, path, source) in self.yaml_files("tests", false) {
            let shown = self.shown(&path);
            let (parsed, diags) = TestFile::parse(&name, &path, &source, &shown);
            self.diags.extend(diags);
            out.extend(parsed);
        }
        out
    }
}
