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
    /// Render a prompt to Dotprompt JSON (messages, config) without calling a model.
    Render(pwb::cli::render::RenderArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check { dir: _ }) => ExitCode::SUCCESS,
        Some(Command::Render(args)) => pwb::cli::render::run(args).unwrap_or_else(|e| {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }),
        None => ExitCode::SUCCESS,
    }
}
