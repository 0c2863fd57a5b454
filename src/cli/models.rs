//! `pwb models [DIR] [--format json]`: the models of a workspace's
//! `pwb.toml`, one row each, with what the catalog knows about them; a
//! broken `pwb.toml` is reported as `path:line:col` and exits 1.

use super::models_report::{self, Format};
use crate::usage::Catalog;
use crate::usage::catalog::source;
use crate::workspace::read::read_text;
use crate::workspace::{Diagnostic, WorkspaceConfig, WorkspaceError};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct ModelsArgs {
    /// Workspace folder (default: the current folder).
    pub dir: Option<PathBuf>,
    /// `text`: a table, one row per model; `json`: one document.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: ModelsArgs) -> ExitCode {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let (config, errors) = match load(&dir) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let catalog = Catalog::with_overrides(&config.pricing);
    let today = source::today();
    let out = match args.format {
        Format::Json => models_report::json(&config.models, &catalog, today),
        Format::Text if config.models.is_empty() => {
            "No models in pwb.toml: add [[models]] entries with id = \"provider:model\".\n".into()
        }
        Format::Text => models_report::text(&config.models, &catalog, today),
    };
    print!("{out}");
    if errors > 0 {
        let errors = match errors {
            1 => "an error".to_string(),
            n => format!("{n} errors"),
        };
        eprintln!("pwb.toml has {errors} (above); the models are listed as far as it was read");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Reads and parses `DIR/pwb.toml`, printing its errors (as `pwb check`
/// does) to stderr. `Err` when there is nothing to list.
fn load(dir: &Path) -> Result<(WorkspaceConfig, usize), ExitCode> {
    let fail = |err: WorkspaceError| {
        let hint = match err {
            WorkspaceError::NoSuchFolder(_) => {
                "check the path; `pwb models` with no argument reads the current folder".into()
            }
            _ => err.hint().replace('\n', "\n  "),
        };
        eprintln!("error: {err}\n  hint: {hint}");
        Err(ExitCode::FAILURE)
    };
    if !dir.is_dir() {
        return match dir.exists() {
            true => fail(WorkspaceError::NotAFolder(dir.to_path_buf())),
            false => fail(WorkspaceError::NoSuchFolder(dir.to_path_buf())),
        };
    }
    let path = dir.join("pwb.toml");
    if !path.exists() {
        return fail(WorkspaceError::NotAWorkspace(dir.to_path_buf()));
    }
    let shown = if dir == Path::new(".") {
        PathBuf::from("pwb.toml")
    } else {
        path.clone()
    };
    let text = match read_text(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{}", e.to_diagnostic(shown));
            return Err(ExitCode::FAILURE);
        }
    };
    let (config, diags) = WorkspaceConfig::parse(&text, &shown);
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    for d in &errors {
        eprintln!("{d}");
    }
    match config {
        Some(config) => Ok((config, errors.len())),
        None => Err(ExitCode::FAILURE),
    }
}
