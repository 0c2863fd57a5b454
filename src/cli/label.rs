//! `pwb label PROMPT@VERSION NAME`: point a label at a version (its files
//! go in the workspace's `labels/`, to commit; the move is recorded, and
//! moving back is a rollback). `pwb prompt get PROMPT@LABEL`: exactly the
//! labelled text on stdout and nothing else there, or with `--render` the
//! messages, on any clone, without the history database.

use super::history_open::fail;
use super::render::{RenderArgs, read_vars};
use super::version_ref::{needs_store, resolve, target};
use crate::session::PromptInputs;
use crate::store::{ids, labels};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct LabelArgs {
    /// The version to label: `PROMPT@ID`, `@latest`, `@saved` or another
    /// label (`PROMPT@staging`).
    #[arg(value_name = "PROMPT@VERSION")]
    pub version: String,
    /// The label: letters, digits, `.`, `_`, `-` (e.g. production).
    #[arg(value_name = "NAME")]
    pub label: String,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum PromptCommand {
    /// Print a version's exact text (`PROMPT@LABEL`, `@ID`, `@latest`,
    /// `@saved`; default `@saved`), or with --render its messages.
    Get(GetArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct GetArgs {
    #[arg(value_name = "PROMPT@REF")]
    pub prompt: String,
    /// Print the rendered messages (as `pwb render` does) instead of the text.
    #[arg(long)]
    pub render: bool,
    /// With --render: set a variable, `name=value`. Repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE", requires = "render")]
    pub vars: Vec<String>,
    /// With --render: variables from a `.json` or `.yaml` file.
    #[arg(long = "vars", value_name = "FILE", requires = "render")]
    pub vars_file: Option<PathBuf>,
}

pub fn label(args: LabelArgs) -> anyhow::Result<ExitCode> {
    let t = match target(&args.version) {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    if let Err(e) = labels::check_name(&args.label) {
        return Ok(fail(&e));
    }
    let Some(reference) = t.reference.clone() else {
        eprintln!(
            "error: say which version to label: {}@ID, @latest or @saved\nhint: `pwb versions {}` lists them",
            t.name, t.name
        );
        return Ok(ExitCode::from(2));
    };
    // The move is recorded: the history must be there.
    let mut store = match super::history_open::open(&t.here) {
        Ok(s) => Some(s),
        Err(code) => return Ok(code),
    };
    let v = match resolve(&t, &reference, &mut store) {
        Ok(v) => v,
        Err(e) => return Ok(fail(&e)),
    };
    let store = store.expect("opened above");
    let by = labels::who();
    let at = format!("{} UTC", ids::format_time(ids::now_ms()));
    let moved = match labels::write(&t.here.root, &args.label, &v, &at, &by) {
        Ok(m) => m,
        Err(e) => return Ok(fail(&e)),
    };
    let shown = format!("{}@{}", t.name, v.short());
    if moved.unchanged {
        println!("{} already names {shown}", args.label);
        return Ok(ExitCode::SUCCESS);
    }
    let recorded = store.workspace_or_new(&t.here.root).and_then(|ws| {
        labels::record_move(store.conn(), ws, &t.name, &args.label, &v.hash, &moved, &by)
    });
    if let Err(e) = recorded {
        return Ok(fail(&e));
    }
    let from = moved
        .from
        .as_deref()
        .map(|h| format!(" (was {})", &h[..h.len().min(8)]))
        .unwrap_or_default();
    let rollback = if moved.rollback { ", a rollback" } else { "" };
    println!(
        "{} -> {shown}{from}{rollback}; commit labels/{}/ to share it",
        args.label, args.label
    );
    Ok(ExitCode::SUCCESS)
}

pub fn prompt(cmd: PromptCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PromptCommand::Get(args) => get(args),
    }
}

fn get(args: GetArgs) -> anyhow::Result<ExitCode> {
    let t = match target(&args.prompt) {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let reference = t.reference.clone().unwrap_or_else(|| "saved".into());
    let mut store = None;
    if needs_store(&t, &reference)
        && let Err(code) = super::history_open::open(&t.here).map(|s| store = Some(s))
    {
        return Ok(code);
    }
    let v = match resolve(&t, &reference, &mut store) {
        Ok(v) => v,
        Err(e) => return Ok(fail(&e)),
    };
    if !args.render {
        let mut out = std::io::stdout().lock();
        out.write_all(v.source.as_bytes())?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    // Render with the version's own partials and examples.
    let mut session = t.session.clone();
    for (name, text) in &v.partials {
        if let Err(e) = session.renderer.add_partial(name, text) {
            eprintln!("{}", e.report());
            return Ok(ExitCode::FAILURE);
        }
    }
    let shown = t.shown(&reference);
    let parsed = match session.parse(&v.source) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}", e.in_file(&shown).report());
            return Ok(ExitCode::FAILURE);
        }
    };
    let input = session.input_meta(&parsed);
    let render_args = RenderArgs {
        prompt: shown.clone(),
        vars: args.vars,
        vars_file: args.vars_file,
        ..Default::default()
    };
    let vars = read_vars(&render_args, input.as_ref())?;
    let inputs = PromptInputs {
        vars,
        examples: v.examples.clone(),
        ..Default::default()
    };
    match session.render_parsed(&parsed, &inputs) {
        Ok(r) => {
            println!("{}", serde_json::to_string_pretty(&r)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}", e.in_file(&shown).report());
            Ok(ExitCode::FAILURE)
        }
    }
}
