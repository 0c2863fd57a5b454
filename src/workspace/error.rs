//! The errors that stop a workspace from loading at all (as opposed to
//! per-file problems, which are `Diagnostic`s): no folder, no `pwb.toml`.

use std::io;
use std::path::PathBuf;

/// Why a folder could not be opened as a workspace.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("no such folder: {}", .0.display())]
    NoSuchFolder(PathBuf),
    #[error("not a folder: {}", .0.display())]
    NotAFolder(PathBuf),
    #[error("not a pwb workspace: no pwb.toml in {}", .0.display())]
    NotAWorkspace(PathBuf),
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl WorkspaceError {
    /// What the user can do about it.
    pub fn hint(&self) -> String {
        match self {
            WorkspaceError::NoSuchFolder(_) => {
                "check the path; `pwb check` with no argument checks the current folder".into()
            }
            WorkspaceError::NotAFolder(_) => {
                "pass the workspace folder (the one holding pwb.toml), not a file".into()
            }
            WorkspaceError::NotAWorkspace(dir) => format!(
                "create {}, e.g.\n\n[[models]]\nid = \"openai:gpt-4o-mini\"\nselected = true\n\n\
                 and put prompts in prompts/NAME.prompt (see sample-workspace/ for a full example)",
                dir.join("pwb.toml").display()
            ),
            WorkspaceError::Io { source, .. }
                if source.kind() == io::ErrorKind::PermissionDenied =>
            {
                "make the folder readable, e.g. `chmod u+rx FOLDER`".into()
            }
            WorkspaceError::Io { .. } => "check that the folder is readable".into(),
        }
    }
}
