//! `pwb` command line: `pwb [DIR]` opens the TUI; subcommands run headless.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "pwb", version, about = "A prompt workbench for the terminal")]
struct Cli {
    /// Workspace folder to open (default: the current folder).
    dir: Option<PathBuf>,
    /// Colour theme: dark, light, or a theme file's name in the config dir.
    #[arg(long, default_value = "dark", global = true)]
    theme: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Validate every file of a workspace.
    Check { dir: Option<PathBuf> },
    /// Render a prompt to Dotprompt JSON (messages, config) without calling a model.
    Render(pwb::cli::render::RenderCmd),
    /// Render a prompt and send it to one or more models.
    Run(pwb::cli::run::RunArgs),
    /// Run test suites (a workspace's tests/*.yaml, one suite, or a promptfoo
    /// config) as a matrix of prompts × models × cases, graded; exit 0 all
    /// passed, 100 failures, 1 config error, 130 interrupted.
    Eval(pwb::cli::eval::EvalArgs),
    /// List the workspace's models: window, max output, prices, capabilities, key set or missing.
    Models(pwb::cli::models::ModelsArgs),
    /// Fetch the built-in local model's weights (SmolLM2-135M), or with
    /// --prices the newest price and context-window table, into the data folder.
    Setup(pwb::cli::setup::SetupArgs),
    /// The recorded versions of a prompt: id, when used, saved or not, labels, calls, pass rate, cost, latency.
    Versions(pwb::cli::versions::VersionsArgs),
    /// A unified diff of two versions of a prompt (PROMPT@ID, @LABEL, @latest, @saved).
    Diff(pwb::cli::versions::DiffArgs),
    /// Point a label (production, staging...) at a version; its files go in labels/ to commit.
    Label(pwb::cli::label::LabelArgs),
    /// A prompt's text or messages at a version or label (`prompt get triage@production`).
    #[command(subcommand)]
    Prompt(pwb::cli::label::PromptCommand),
    /// Rate a recorded answer: up, down or 1-5, with a note.
    Rate(pwb::cli::rate::RateArgs),
    /// Figures per prompt version and model: calls, errors, pass rate, latency, tokens, cost.
    Stats(pwb::cli::stats::StatsArgs),
    /// Recent recorded calls; search them, show one, prune old ones.
    History(pwb::cli::history::HistoryArgs),
    /// Export recorded calls: openai-jsonl (fine-tuning), dpo (preference pairs) or csv.
    Export(pwb::cli::export::ExportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Check { dir }) => Ok(pwb::cli::check::run(
            dir.as_deref().unwrap_or(Path::new(".")),
        )),
        Some(Command::Render(args)) => pwb::cli::render::run(args),
        Some(Command::Run(args)) => pwb::cli::run::run(args),
        Some(Command::Eval(args)) => pwb::cli::eval::run(args),
        Some(Command::Models(args)) => Ok(pwb::cli::models::run(args)),
        Some(Command::Setup(args)) => Ok(pwb::cli::setup::run(args)),
        Some(Command::Versions(args)) => pwb::cli::versions::versions(args),
        Some(Command::Diff(args)) => pwb::cli::versions::diff(args),
        Some(Command::Label(args)) => pwb::cli::label::label(args),
        Some(Command::Prompt(cmd)) => pwb::cli::label::prompt(cmd),
        Some(Command::Rate(args)) => pwb::cli::rate::run(args),
        Some(Command::Stats(args)) => pwb::cli::stats::run(args),
        Some(Command::History(args)) => pwb::cli::history::run(args),
        Some(Command::Export(args)) => pwb::cli::export::run(args),
        None => open_tui(cli.dir.as_deref().unwrap_or(Path::new(".")), &cli.theme),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}

fn open_tui(dir: &Path, theme: &str) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let app = match pwb::tui::startup::build_app(dir, theme) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    pwb::tui::terminal::install_panic_hook();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(pwb::tui::event_loop::run(app, started))?;
    Ok(ExitCode::SUCCESS)
}
