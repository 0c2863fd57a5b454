//! Walking the folders of a workspace for `Workspace::load`: `prompts/` with
//! its subfolders (named as `prompt::partials::classify` names them),
//! `examples/` and `tests/` mirroring them, and `schemas/`.

use super::diagnostic::Diagnostic;
use super::load::{Entry, Loader};
use super::prompt_check;
use super::{PromptFile, SchemaFile};
use crate::prompt::partials::{MAX_FOLDER_DEPTH, PromptKind, classify};
use crate::prompt::schemas::schema_name;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The folders holding prompts, as paths under `prompts/`: `a` and `a/b`
/// for the prompt `a/b/c`.
pub(super) fn prompt_folders(prompts: &[PromptFile]) -> HashSet<String> {
    let mut out = HashSet::new();
    for p in prompts {
        let mut at = 0;
        while let Some(i) = p.name[at..].find('/') {
            out.insert(p.name[..at + i].to_string());
            at += i + 1;
        }
    }
    out
}

impl Loader<'_> {
    /// Prompts and partials under `prompts/`, named as
    /// `prompt::partials::classify` names them (`sub/name`, `_NAME` in any
    /// folder, `partials/NAME`), read in the order of
    /// `prompt::partials::prompt_tree` so the same partial wins.
    pub(super) fn prompts(&mut self) -> (Vec<PromptFile>, Vec<PromptFile>) {
        let (mut prompts, mut partials) = (Vec::new(), Vec::new());
        let dir = self.root.join("prompts");
        for p in self.list(&dir.join("partials")) {
            if p.is_dir {
                self.ignored(
                    &p,
                    "folder inside prompts/partials/",
                    "partials are prompts/partials/NAME.prompt",
                );
                continue;
            }
            self.prompt_entry(
                &p,
                &Path::new("partials").join(&p.name),
                &mut prompts,
                &mut partials,
            );
        }
        let mut seen = HashSet::new();
        self.prompt_folder(&dir, Path::new(""), &mut seen, &mut prompts, &mut partials);
        prompts.sort_by(|a: &PromptFile, b| a.name.cmp(&b.name));
        partials.sort_by(|a: &PromptFile, b| a.name.cmp(&b.name));
        (prompts, partials)
    }

    fn prompt_folder(
        &mut self,
        dir: &Path,
        rel: &Path,
        seen: &mut HashSet<PathBuf>,
        prompts: &mut Vec<PromptFile>,
        partials: &mut Vec<PromptFile>,
    ) {
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        if !seen.insert(canonical) {
            let d = Diagnostic::warning(
                self.shown(dir),
                1,
                1,
                "folder already read (a symbolic link back up?); ignored",
            )
            .with_hint("remove the link, or point it outside prompts/");
            self.diags.push(d);
            return;
        }
        if rel.iter().count() > MAX_FOLDER_DEPTH {
            let d = Diagnostic::warning(
                self.shown(dir),
                1,
                1,
                format!(
                    "folder nested more than {MAX_FOLDER_DEPTH} levels deep in prompts/; ignored"
                ),
            )
            .with_hint("move the prompts to a shallower folder");
            self.diags.push(d);
            return;
        }
        for entry in self.list(dir) {
            let entry_rel = rel.join(&entry.name);
            if entry.is_dir {
                if entry_rel != Path::new("partials") {
                    self.prompt_folder(&entry.path, &entry_rel, seen, prompts, partials);
                }
                continue;
            }
            self.prompt_entry(&entry, &entry_rel, prompts, partials);
        }
    }

    fn prompt_entry(
        &mut self,
        entry: &Entry,
        rel: &Path,
        prompts: &mut Vec<PromptFile>,
        partials: &mut Vec<PromptFile>,
    ) {
        match classify(rel) {
            Some(PromptKind::Prompt(name)) => self.prompt_file(entry, &name, false, prompts),
            Some(PromptKind::Partial(name)) => self.prompt_file(entry, &name, true, partials),
            None if entry.name.ends_with(".prompt") => {
                self.ignored(entry, "prompt file without a name", "name it NAME.prompt")
            }
            None => self.ignored(
                entry,
                "not a .prompt file",
                "rename it to NAME.prompt, or move it out of prompts/",
            ),
        }
    }

    fn prompt_file(
        &mut self,
        entry: &Entry,
        name: &str,
        partial: bool,
        into: &mut Vec<PromptFile>,
    ) {
        if let Some(first) = into.iter().find(|p| p.name == name) {
            let what = if partial { "partial" } else { "prompt" };
            let first = self.shown(&first.path);
            return self.ignored(
                entry,
                &format!(
                    "{what} `{name}` is also defined by {}, which wins",
                    first.display()
                ),
                "partials are named by file alone, in any folder: keep one file of each name",
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

    /// `NAME.yaml` / `NAME.yml` files of `root/sub`, named by their path
    /// under it without the extension (`sub/name` for `examples/sub/name.yaml`,
    /// pairing with the prompt `sub/name`). Subfolders are read when
    /// `folders` is `None` or holds their path (folders of prompts).
    pub(super) fn yaml_files(
        &mut self,
        sub: &str,
        warn_others: bool,
        folders: Option<&HashSet<String>>,
    ) -> Vec<(String, PathBuf, String)> {
        let mut files = Vec::new();
        let dir = self.root.join(sub);
        self.files_below(&dir, "", folders, &mut HashSet::new(), &mut files);
        let mut out: Vec<(String, PathBuf, String)> = Vec::new();
        for (prefix, entry) in files {
            let stem = entry
                .name
                .strip_suffix(".yaml")
                .or_else(|| entry.name.strip_suffix(".yml"));
            match stem {
                Some(stem) => {
                    let name = format!("{prefix}{stem}");
                    if out.iter().any(|(n, _, _)| *n == name) {
                        self.ignored(
                            &entry,
                            &format!("`{name}` is already defined by another file"),
                            "keep one of NAME.yaml and NAME.yml",
                        );
                    } else if let Some(source) = self.read(&entry.path) {
                        out.push((name, entry.path, source));
                    }
                }
                None if warn_others => self.ignored(
                    &entry,
                    "not a .yaml file",
                    &format!("{sub} files are {sub}/NAME.yaml"),
                ),
                None => {}
            }
        }
        out
    }

    /// The files of `dir` and of the subfolders `folders` allows (all when
    /// `None`), each with the folder path before it (`sub/`), in name order.
    fn files_below(
        &mut self,
        dir: &Path,
        prefix: &str,
        folders: Option<&HashSet<String>>,
        seen: &mut HashSet<PathBuf>,
        out: &mut Vec<(String, Entry)>,
    ) {
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        if prefix.matches('/').count() > MAX_FOLDER_DEPTH || !seen.insert(canonical) {
            return;
        }
        for entry in self.list(dir) {
            if !entry.is_dir {
                out.push((prefix.to_string(), entry));
                continue;
            }
            let rel = format!("{prefix}{}", entry.name);
            if folders.is_none_or(|f| f.contains(&rel)) {
                self.files_below(&entry.path, &format!("{rel}/"), folders, seen, out);
            }
        }
    }

    /// `schemas/NAME.yaml|yml|json`, first by file name when a name repeats
    /// (as `prompt::schemas::schema_files` picks them).
    pub(super) fn schemas(&mut self) -> Vec<SchemaFile> {
        let mut out: Vec<SchemaFile> = Vec::new();
        for entry in self.list(&self.root.join("schemas")) {
            if entry.is_dir {
                self.ignored(
                    &entry,
                    "folder inside schemas/",
                    "schemas are schemas/NAME.yaml",
                );
                continue;
            }
            let Some(name) = schema_name(&entry.path) else {
                self.ignored(
                    &entry,
                    "not a schema file",
                    "schemas are schemas/NAME.yaml, NAME.yml or NAME.json",
                );
                continue;
            };
            if let Some(first) = out.iter().find(|s| s.name == name) {
                let first = self.shown(&first.path);
                let why = format!(
                    "schema `{name}` is also defined by {}, which wins",
                    first.display()
                );
                self.ignored(&entry, &why, "keep one file per schema name");
            } else if let Some(source) = self.read(&entry.path) {
                out.push(SchemaFile {
                    name,
                    path: entry.path,
                    source,
                });
            }
        }
        out
    }

    /// `tools/NAME.yaml` (`.yml`, `.json`); `tools/mocks/` is mock results
    /// (read by `pwb run`), other folders are reported and skipped.
    pub(super) fn tools(&mut self) -> Vec<SchemaFile> {
        let mut out: Vec<SchemaFile> = Vec::new();
        for entry in self.list(&self.root.join("tools")) {
            if entry.is_dir {
                if entry.name != "mocks" {
                    self.ignored(
                        &entry,
                        "folder inside tools/",
                        "tools are tools/NAME.yaml; mock results go in tools/mocks/",
                    );
                }
                continue;
            }
            let Some(name) = schema_name(&entry.path) else {
                self.ignored(
                    &entry,
                    "not a tool file",
                    "tools are tools/NAME.yaml, NAME.yml or NAME.json",
                );
                continue;
            };
            if let Some(source) = self.read(&entry.path) {
                out.push(SchemaFile {
                    name,
                    path: entry.path,
                    source,
                });
            }
        }
        out
    }

    /// `tools/mocks/*.yaml` (`.yml`, `.json`), parsed; problems reported.
    pub(super) fn tool_mocks(&mut self) -> Vec<super::ToolMock> {
        let mut out = Vec::new();
        for entry in self.list(&self.root.join("tools").join("mocks")) {
            if entry.is_dir || schema_name(&entry.path).is_none() {
                self.ignored(
                    &entry,
                    "not a mock file",
                    "mock results are tools/mocks/NAME.yaml",
                );
                continue;
            }
            if let Some(source) = self.read(&entry.path) {
                let shown = self.shown(&entry.path);
                let (mocks, diags) = super::tool_mocks::parse_mocks(&source, &shown);
                out.extend(mocks);
                self.diags.extend(diags);
            }
        }
        out
    }
}
