//! Finding the prompt a command names: a `.prompt` file by path (in its
//! workspace, the folder with `pwb.toml` above it), or a prompt by name
//! (`triage`, `sub/name`) in the workspace around the current folder.

use super::Session;
use crate::prompt::suggest::did_you_mean;
use crate::workspace::{Diagnostic, Workspace, WorkspaceError};
use std::path::{Path, PathBuf};

/// A prompt found on disk, with the session of its workspace.
#[derive(Debug)]
pub struct Located {
    pub session: Session,
    /// Problems found while loading the workspace.
    pub diagnostics: Vec<Diagnostic>,
    /// The prompt's name (its examples are `examples/NAME.yaml`).
    pub name: String,
    /// Its path as the user should see it (relative to the workspace).
    pub shown: PathBuf,
    pub source: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LocateError {
    #[error("cannot read {arg}: no such file, and no prompt of that name")]
    NoSuchFile { arg: String, hint: String },
    #[error("no prompt named `{arg}`")]
    NotFound { arg: String, hint: String },
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
}

impl LocateError {
    pub fn hint(&self) -> String {
        match self {
            LocateError::NotFound { hint, .. } | LocateError::NoSuchFile { hint, .. } => {
                hint.clone()
            }
            LocateError::Io { .. } => "check the path and the file's permissions".into(),
            LocateError::Workspace(e) => e.hint(),
        }
    }
}

/// The folder holding `pwb.toml` above `file`; failing that, the parent of
/// a `prompts/` folder it is in; failing that, its own folder.
pub fn workspace_root(file: &Path) -> PathBuf {
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    if let Some(found) = dir.ancestors().find(|d| d.join("pwb.toml").is_file()) {
        return found.to_path_buf();
    }
    match dir
        .ancestors()
        .find(|d| d.file_name().is_some_and(|n| n == "prompts"))
    {
        Some(prompts) => prompts.parent().map(Path::to_path_buf).unwrap_or(dir),
        None => dir,
    }
}

/// Finds the prompt `arg` names, from the folder `cwd`.
pub fn locate(arg: &str, cwd: &Path) -> Result<Located, LocateError> {
    let as_path = cwd.join(arg);
    if as_path.is_file() {
        return locate_file(&as_path);
    }
    let root = cwd
        .ancestors()
        .find(|d| d.join("pwb.toml").is_file())
        .map(Path::to_path_buf);
    let looks_like_path = arg.ends_with(".prompt") || arg.contains(std::path::MAIN_SEPARATOR);
    let not_found = |arg: &str, hint: String| {
        if looks_like_path {
            LocateError::NoSuchFile {
                arg: arg.to_string(),
                hint,
            }
        } else {
            LocateError::NotFound {
                arg: arg.to_string(),
                hint,
            }
        }
    };
    let Some(root) = root else {
        return Err(not_found(
            arg,
            format!(
                "give the path of a .prompt file, or run in a workspace (a folder with \
                 pwb.toml) to name a prompt; no pwb.toml in {} or above",
                cwd.display()
            ),
        ));
    };
    let (ws, diagnostics) = Workspace::load(&root)?;
    let name = arg.strip_suffix(".prompt").unwrap_or(arg);
    let name = name.strip_prefix("prompts/").unwrap_or(name);
    let Some(p) = ws.prompt(name).cloned() else {
        let names: Vec<&str> = ws.prompts.iter().map(|p| p.name.as_str()).collect();
        let hint = match did_you_mean(name, &names) {
            Some(best) => format!("did you mean `{best}`?"),
            None if names.is_empty() => format!("{} has no prompts", root.display()),
            None => format!("the workspace's prompts: {}", names.join(", ")),
        };
        return Err(not_found(arg, hint));
    };
    let shown = p.path.strip_prefix(&root).unwrap_or(&p.path).to_path_buf();
    Ok(Located {
        session: Session::new(ws),
        diagnostics,
        name: p.name,
        shown,
        source: p.source,
    })
}

/// A prompt file in its workspace (or, outside any, in its folder).
fn locate_file(file: &Path) -> Result<Located, LocateError> {
    let root = workspace_root(file);
    let (ws, diagnostics) = Workspace::load_folder(&root, false)?;
    let source = std::fs::read_to_string(file).map_err(|source| LocateError::Io {
        path: file.to_path_buf(),
        source,
    })?;
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let known = ws
        .prompts
        .iter()
        .find(|p| std::path::absolute(&p.path).is_ok_and(|pp| pp == abs));
    let name = match known {
        Some(p) => p.name.clone(),
        None => abs
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let shown = abs.strip_prefix(&root).unwrap_or(file).to_path_buf();
    Ok(Located {
        session: Session::new(ws),
        diagnostics,
        name,
        shown,
        source,
    })
}
