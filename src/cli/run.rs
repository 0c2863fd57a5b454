//! `pwb run PROMPT --model ID...`: render the prompt and send it to each
//! model through the one runner, `--repeat K` times each and at each
//! temperature of `--sweep`. How results print is `run_output`'s business;
//! `--cache` replays answers from the response cache; `--trace` prints
//! each call's request and raw response to stderr.

use super::render::{RenderArgs, missing_vars_verdict, render_prompt, workspace_root};
use super::run_output::{Output, ReportFormat, stream_out};
use crate::provider::{Endpoint, GenParams};
use crate::run::plan::{ModelChoice, plan};
use crate::run::variants::{parse_repeat, parse_sweep};
use crate::run::{CacheMode, RunnerConfig};
use crate::usage::Catalog;
use crate::workspace::WorkspaceConfig;
use anyhow::Context;
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub prompt: RenderArgs,
    /// Model id as `provider:model` (repeatable). Default: the models
    /// selected in pwb.toml. Ids listed in pwb.toml use its base_url and key.
    #[arg(long = "model", short = 'm', value_name = "ID")]
    pub models: Vec<String>,
    /// Print one JSON object per answer as it finishes (text, usage,
    /// finish reason, times). For the whole comparison as one JSON
    /// document, use --format json.
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
    let (rendered, shown) = match render_prompt(&args.prompt)? {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    if missing_vars_verdict(&rendered, &shown, args.prompt.strict) != ExitCode::SUCCESS {
        return Ok(ExitCode::FAILURE);
    }
    let root = workspace_root(&args.prompt.prompt_file);
    let config = load_config(&root);
    let defaults = GenParams {
        temperature: config.defaults.temperature,
        max_tokens: config.defaults.max_tokens,
        top_p: config.defaults.top_p,
        ..Default::default()
    };
    let base = defaults.overlay(&rendered.gen_params());
    let cli = GenParams {
        temperature: args.temperature,
        max_tokens: args.max_tokens,
        ..Default::default()
    };
    let ids: Vec<String> = if args.models.is_empty() {
        config
            .selected_models()
            .iter()
            .map(|m| m.id.clone())
            .collect()
    } else {
        args.models.clone()
    };
    if ids.is_empty() {
        eprintln!(
            "error: no model to run\nhint: pass --model provider:model, or list models in pwb.toml"
        );
        return Ok(ExitCode::FAILURE);
    }
    let choices: Vec<ModelChoice> = ids
        .iter()
        .map(|id| {
            let entry = config.models.iter().find(|m| &m.id == id);
            let params = GenParams {
                temperature: entry.and_then(|e| e.temperature),
                max_tokens: entry.and_then(|e| e.max_tokens),
                top_p: entry.and_then(|e| e.top_p),
                ..Default::default()
            };
            ModelChoice {
                endpoint: Endpoint {
                    id: id.clone(),
                    base_url: entry.and_then(|e| e.base_url.clone()),
                    api_key_env: entry.and_then(|e| e.api_key_env.clone()),
                    api_key: entry.and_then(|e| e.api_key.clone()),
                },
                params: base.overlay(&params).overlay(&cli),
                sweep: sweep.clone(),
            }
        })
        .collect();
    let schema = rendered.output_json_schema();
    let cells = plan(&rendered.messages, schema.as_ref(), &choices, repeats);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let report = match args.format {
        Some(f) => Some(f),
        None if args.compare => Some(ReportFormat::Text),
        None => None,
    };
    let out = Output {
        title: shown.display().to_string(),
        json: args.json,
        report,
        schema,
        trace: args.trace,
        cache: if args.cache && !args.no_cache {
            CacheMode::ReadWrite
        } else {
            CacheMode::Off
        },
        catalog: Catalog::with_overrides(&config.pricing),
        runner: RunnerConfig::from_settings(&config.runner),
    };
    let failed = runtime.block_on(stream_out(cells, &out));
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `pwb.toml` of `root` (errors printed to stderr), or the defaults.
pub(crate) fn load_config(root: &std::path::Path) -> WorkspaceConfig {
    let path = root.join("pwb.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let (config, diags) = WorkspaceConfig::parse(&text, std::path::Path::new("pwb.toml"));
            for d in diags.iter().filter(|d| d.is_error()) {
                eprintln!("{d}");
            }
            config.unwrap_or_default()
        }
        Err(_) => WorkspaceConfig::default(),
    }
}

/// A bad flag value: said on stderr, exit status 2 (as for clap's own).
fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}
