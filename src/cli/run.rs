//! `pwb run PROMPT --model ID...`: render the prompt and send it to each
//! model through the session and the one runner, `--repeat K` times each
//! and at each temperature of `--sweep`. How results print is
//! `run_output`'s business; `--cache` replays answers from the response
//! cache; `--trace` prints each call's request and raw response to stderr.

use super::render::{RenderArgs, inputs_verdict, render};
use super::run_output::{Output, ReportFormat, stream_out};
use crate::run::variants::{parse_repeat, parse_sweep};
use crate::run::{CacheMode, RunnerConfig};
use crate::session::ModelPick;
use crate::session::record::{PromptText, Recorder};
use crate::types::GenParams;
use anyhow::Context;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub prompt: RenderArgs,
    /// Model as `provider:model`, or a label or id from pwb.toml
    /// (repeatable). Default: the models selected in pwb.toml. Models
    /// listed in pwb.toml use its base_url, key and parameters.
    #[arg(long = "model", short = 'm', value_name = "ID")]
    pub models: Vec<String>,
    /// Print one JSON object per answer (text, usage, finish reason,
    /// times, attempts), in plan order. For the whole comparison as one
    /// JSON document, use --format json.
    #[arg(long, conflicts_with_all = ["compare", "format"])]
    pub json: bool,
    /// Override the temperature for every model.
    #[arg(long)]
    pub temperature: Option<f64>,
    /// Send each model the same request K times (1 to 20) and report how
    /// the samples agree: identical answers, word similarity, spread of
    /// tokens and latency.
    #[arg(long, value_name = "K")]
    pub repeat: Option<String>,
    /// Run each model at each of these temperatures (0 to 2), e.g.
    /// 0,0.7,1.2; combines with --repeat.
    #[arg(long, value_name = "TEMPS", conflicts_with = "temperature")]
    pub sweep: Option<String>,
    /// Once every answer is in, print the comparison: a readout table per
    /// column, agreement per model and temperature, and word diffs
    /// against the first column.
    #[arg(long)]
    pub compare: bool,
    /// How --compare prints: text, md (Markdown, diffs in ```diff blocks)
    /// or json (all figures as data). md and json imply --compare.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ReportFormat>,
    /// Override the maximum output tokens for every model.
    #[arg(long)]
    pub max_tokens: Option<u32>,
    /// Use the response cache: replay a kept answer to the same request,
    /// keep new good answers.
    #[arg(long, overrides_with = "no_cache")]
    pub cache: bool,
    /// Do not use the response cache (the default for `pwb run`).
    #[arg(long, overrides_with = "cache")]
    pub no_cache: bool,
    /// Print each call's exact request (keys redacted) and raw response
    /// to stderr after its result.
    #[arg(long)]
    pub trace: bool,
    /// For a prompt with tools: the most model calls in one conversation
    /// (tool calls answered from tools/mocks/ continue it) [default: pwb.toml's
    /// `[tools] max_steps`, else 5].
    #[arg(long, value_name = "N")]
    pub max_steps: Option<u32>,
    /// Do not answer tool calls from tools/mocks/: stop at the first call.
    #[arg(long)]
    pub no_mocks: bool,
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let repeats = match args.repeat.as_deref().map(parse_repeat).transpose() {
        Ok(k) => k.unwrap_or(1),
        Err(e) => return Ok(usage_error(&format!("--repeat: {e}"))),
    };
    let sweep = match args.sweep.as_deref().map(parse_sweep).transpose() {
        Ok(Some(t)) if t.is_empty() => {
            return Ok(usage_error(
                "--sweep: no temperatures given (expected e.g. 0,0.7,1.2)",
            ));
        }
        Ok(t) => t.unwrap_or_default(),
        Err(e) => return Ok(usage_error(&format!("--sweep: {e}"))),
    };
    let r = match render(&args.prompt)? {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    if inputs_verdict(&r, &args.prompt) != ExitCode::SUCCESS {
        return Ok(ExitCode::FAILURE);
    }
    // A run must not go out with settings pwb.toml meant otherwise.
    let broken: Vec<_> = r
        .located
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    if let Some(first) = broken.iter().find(|d| d.path.ends_with("pwb.toml")) {
        eprintln!("{first}");
        eprintln!("error: pwb.toml has errors; fix them before running (pwb check lists them)");
        return Ok(ExitCode::FAILURE);
    }
    let session = &r.located.session;
    let models = if args.models.is_empty() {
        session.default_models()
    } else {
        let found: Result<Vec<_>, _> = args.models.iter().map(|m| session.find_model(m)).collect();
        match found {
            Ok(m) => m,
            Err(e) => return Ok(usage_error(&format!("--model: {e}"))),
        }
    };
    if models.is_empty() {
        eprintln!(
            "error: no model to run\nhint: pass --model provider:model, or list models in pwb.toml"
        );
        return Ok(ExitCode::FAILURE);
    }
    let overrides = GenParams {
        temperature: args.temperature,
        max_tokens: args.max_tokens,
        ..Default::default()
    };
    let picks: Vec<ModelPick> = models
        .into_iter()
        .map(|model| ModelPick {
            model,
            overrides: overrides.clone(),
            sweep: sweep.clone(),
        })
        .collect();
    let has_tools = !r.rendered.tool_defs().is_empty();
    if has_tools && (args.compare || args.format.is_some()) {
        return Ok(usage_error(
            "--compare and --format are not available for a prompt with tools yet; use --json",
        ));
    }
    let (cells, cuts) = session.plan_fitted(&r.rendered, &picks, repeats);
    for (pick, cut) in picks.iter().zip(&cuts) {
        if let Some(cut) = cut {
            eprintln!("{}: {}", pick.model.name, cut.describe());
        }
    }
    for c in &cells {
        if let Some(o) = crate::session::window::over_window(c, &session.catalog) {
            eprintln!(
                "warning: {}: the request is about {} tokens, {} over its {}-token context window",
                c.name,
                o.tokens,
                o.tokens - o.window,
                o.window
            );
        }
    }
    let history = super::history_open::writer(session);
    let recording = history.as_ref().map(|w| {
        let examples = session
            .pick_examples(&r.located.name, &args.prompt.examples)
            .unwrap_or_default();
        let text = PromptText::of(session, &r.located.name, &r.located.source, true, examples);
        let recorder: Arc<dyn Recorder> = w.clone();
        (recorder, super::history_open::run_context(session, text))
    });
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let report = match args.format {
        Some(f) => Some(f),
        None if args.compare => Some(ReportFormat::Text),
        None => None,
    };
    let out = Output {
        title: r.located.shown.display().to_string(),
        json: args.json,
        report,
        schema: r.rendered.output_json_schema(),
        trace: args.trace,
        cache: if args.cache && !args.no_cache {
            CacheMode::ReadWrite
        } else {
            CacheMode::Off
        },
        catalog: session.catalog.clone(),
        runner: RunnerConfig::from_settings(&session.ws.config.runner),
        recording,
        cuts,
    };
    let failed = if !has_tools {
        runtime.block_on(stream_out(cells, &out))
    } else {
        let mocks = if args.no_mocks {
            Vec::new()
        } else {
            session.ws.tool_mocks.clone()
        };
        runtime.block_on(super::run_tools::run_with_tools(
            cells,
            &out,
            &mocks,
            args.max_steps
                .unwrap_or_else(|| crate::session::agent::max_steps(&session.ws.config)),
        ))
    };
    drop(out);
    super::history_open::finish(history);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// A bad flag value: said on stderr, exit status 2 (as for clap's own).
fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}
