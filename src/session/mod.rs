//! The one way to build a run. A `Session` holds a loaded workspace, its
//! renderer and model catalog; from a prompt (saved or as edited), its
//! variables, picked examples, model choices and overrides it renders the
//! messages and plans the cells (`plan`), and it folds the runner's events
//! back into per-cell outcomes (`collect`). The TUI, `pwb run` and
//! `pwb eval` all go through here; no face assembles a request itself.

pub mod agent;
pub mod collect;
pub mod context;
pub mod conversation;
pub mod count;
pub mod examples;
pub mod history;
pub mod locate;
pub mod models;
pub mod plan;
pub mod preflight;
pub mod record;
pub mod render;
pub mod tokens;
pub mod vars;
pub mod window;

pub use collect::Collector;
pub use models::{ModelOption, ModelPick};
pub use render::PromptInputs;

use crate::prompt::{PromptError, Renderer};
use crate::usage::Catalog;
use crate::workspace::{Diagnostic, Workspace, WorkspaceError};
use std::path::Path;

/// A workspace ready to render prompts and plan runs.
#[derive(Debug, Clone)]
pub struct Session {
    pub ws: Workspace,
    /// Handlebars with the workspace's partials, built once.
    pub renderer: Renderer,
    /// Context windows and prices: the built-in catalog under the
    /// workspace's `[pricing]`.
    pub catalog: Catalog,
    /// Partials that could not be used (prompts that include one fail to
    /// render, naming it).
    pub partial_problems: Vec<PromptError>,
}

impl Session {
    /// A session over a loaded workspace.
    pub fn new(ws: Workspace) -> Session {
        let (renderer, partial_problems) = crate::prompt::partials::load_renderer(&ws.root);
        let catalog = Catalog::with_overrides(&ws.config.pricing);
        Session {
            ws,
            renderer,
            catalog,
            partial_problems,
        }
    }

    /// Loads the workspace in `dir` (see `Workspace::load`), with the
    /// problems found in its files.
    pub fn open(dir: &Path) -> Result<(Session, Vec<Diagnostic>), WorkspaceError> {
        let (ws, diags) = Workspace::load(dir)?;
        Ok((Session::new(ws), diags))
    }
}
