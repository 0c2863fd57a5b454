//! `pwb` command line: `pwb [DIR]` opens the TUI; subcommands run headless.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "pwb", version, about = "A prompt workbench for the terminal")]
struct Cli {
    /// Workspace folder to open (default: the current folder).
    dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Validate every file of a workspace.
    Check { dir: Option<PathBuf> },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check { dir }) => {
            pwb::cli::check::run(dir.as_deref().unwrap_or(std::path::Path::new(".")))
        }
        None => ExitCode::SUCCESS,
    }
}
