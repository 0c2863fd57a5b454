//! What every history command starts with: the workspace around the
//! current folder, and its history store, or exit status 1 with the reason
//! on one line and a hint (a CI gate must never pass because the history
//! was unreadable). Also the recorder `pwb run` hands its collector.

use crate::session::Session;
use crate::session::record::{Face, PromptText, RunContext};
use crate::store::{self, HistoryWriter, Store, StoreError};
use crate::workspace::WorkspaceConfig;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// The workspace a command runs in: the folder with `pwb.toml` above the
/// current one (else the current folder), and its settings.
pub struct Here {
    pub root: PathBuf,
    pub config: WorkspaceConfig,
}

/// Finds the workspace around the current folder.
pub fn here() -> anyhow::Result<Here> {
    let cwd = std::env::current_dir()?;
    let root = cwd
        .ancestors()
        .find(|d| d.join("pwb.toml").is_file())
        .unwrap_or(&cwd)
        .to_path_buf();
    Ok(Here {
        config: config_of(&root),
        root,
    })
}

/// `pwb.toml` of `root` as far as it reads (defaults when it does not).
pub fn config_of(root: &Path) -> WorkspaceConfig {
    let path = root.join("pwb.toml");
    std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| WorkspaceConfig::parse(&t, Path::new("pwb.toml")).0)
        .unwrap_or_default()
}

/// Says why the store cannot be used, on stderr; exit status 1.
pub fn fail(e: &StoreError) -> ExitCode {
    eprintln!("error: {e}\nhint: {}", e.hint());
    ExitCode::FAILURE
}

/// The store of `here`, or exit status 1.
pub fn open(here: &Here) -> Result<Store, ExitCode> {
    Store::for_workspace(&here.root, &here.config.history).map_err(|e| fail(&e))
}

/// The store and this workspace's id in it (`None`: nothing recorded yet).
pub fn open_with_workspace(here: &Here) -> Result<(Store, Option<i64>), ExitCode> {
    let store = open(here)?;
    let ws = store.workspace(&here.root).map_err(|e| fail(&e))?;
    Ok((store, ws))
}

/// The writer `pwb run` records through (`None` when history is off).
pub fn writer(session: &Session) -> Option<Arc<HistoryWriter>> {
    store::writer_for(&session.ws.root, &session.ws.config.history).ok()
}

/// What the collector tells the recorder about a `pwb run`.
pub fn run_context(session: &Session, prompt: PromptText) -> RunContext {
    RunContext {
        face: Face::Run,
        workspace: session.ws.root.clone(),
        prompt: Arc::new(prompt),
    }
}

/// Writes what is queued and says, once, on stderr, when history could
/// not be recorded.
pub fn finish(writer: Option<Arc<HistoryWriter>>) {
    if let Some(w) = writer
        && let Some(problem) = w.flush()
    {
        eprintln!("warning: {problem}");
    }
}
