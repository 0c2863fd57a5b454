//! `pwb run PROMPT --model ID...`: render the prompt and send it to each
//! model through the one runner. One model streams to stdout as it
//! answers; several print one block each as they finish; `--json` prints
//! one JSON object per model. `--cache` replays answers from the response
//! cache; `--trace` prints each call's request and raw response to stderr.

use super::render::{RenderArgs, missing_vars_verdict, render_prompt, workspace_root};
use crate::provider::Trace;
use crate::provider::types::secs;
use crate::provider::{Endpoint, GenParams};
use crate::run::plan::{ModelChoice, into_cells_with, plan};
use crate::run::{CacheMode, RunEvent, Runner, RunnerConfig};
use crate::usage::{Catalog, Readout};
use crate::workspace::WorkspaceConfig;
use anyhow::Context;
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub prompt: RenderArgs,
    /// Model id as `provider:model` (repeatable). Default: the models
    /// selected in pwb.toml. Ids listed in pwb.toml use its base_url and key.
    #[arg(long = "model", short = 'm', value_name = "ID")]
    pub models: Vec<String>,
    /// Print one JSON object per model (text, usage, finish reason, times).
    #[arg(long)]
    pub json: bool,
    /// Override the temperature for every model.
    #[arg(long)]
    pub temperature: Option<f64>,
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
            }
        })
        .collect();
    let schema = rendered.output_json_schema();
    let cells = plan(&rendered.messages, schema.as_ref(), &choices);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let out = Output {
        json: args.json,
        trace: args.trace,
        cache: if args.cache && !args.no_cache {
            CacheMode::ReadWrite
        } else {
            CacheMode::Off
        },
        catalog: Catalog::with_overrides(&config.pricing),
        runner: RunnerConfig::from_settings(&config.runner),
    };
    let failed = runtime.block_on(stream_out(cells, &ids, &out));
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

/// How results are printed and which cache the run uses.
struct Output {
    json: bool,
    trace: bool,
    cache: CacheMode,
    catalog: Catalog,
    runner: RunnerConfig,
}

fn print_trace(id: &str, trace: Option<Trace>) {
    match trace {
        Some(t) => eprintln!("-- trace {id} --\n{}-- end trace --", t.render()),
        None => eprintln!("-- trace {id}: no request was sent --"),
    }
}

/// Runs the cells and prints as results come; returns whether any failed.
async fn stream_out(cells: Vec<crate::run::PlannedCell>, ids: &[String], out: &Output) -> bool {
    let json_out = out.json;
    let params: Vec<GenParams> = cells.iter().map(|c| c.request.params.clone()).collect();
    let runner = Runner::new(tokio::runtime::Handle::current(), out.runner.clone());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    runner.start(into_cells_with(cells, out.cache), tx);
    let mut traces: Vec<Option<Trace>> = vec![None; ids.len()];
    let live = ids.len() == 1 && !json_out;
    let mut texts = vec![String::new(); ids.len()];
    let mut remaining = ids.len();
    let mut failed = false;
    let mut stdout = std::io::stdout();
    while remaining > 0 {
        let Some(ev) = rx.recv().await else { break };
        let cell = ev.cell();
        match ev {
            RunEvent::Text { text, .. } => {
                if live {
                    let _ = stdout.write_all(text.as_bytes());
                    let _ = stdout.flush();
                }
                texts[cell].push_str(&text);
            }
            RunEvent::Trace { trace, .. } => traces[cell] = Some(*trace),
            RunEvent::Finished { completion, .. } => {
                remaining -= 1;
                let cost = out.catalog.cost(&ids[cell], &completion.usage);
                let readout = Readout {
                    params: Some(&params[cell]),
                    usage: completion.usage,
                    time_to_first_token: completion.time_to_first_token,
                    total_time: Some(completion.total_time),
                    finish_reason: completion.finish_reason.as_ref(),
                    cost,
                    cached: completion.cached,
                }
                .line();
                if json_out {
                    let obj = json!({
                        "model": ids[cell],
                        "text": completion.text,
                        "thinking": completion.thinking,
                        "usage": completion.usage,
                        "finish_reason": completion.finish_reason.as_ref().map(|f| f.as_str()),
                        "time_to_first_token_ms": completion.time_to_first_token.map(|d| d.as_millis() as u64),
                        "total_time_ms": completion.total_time.as_millis() as u64,
                        "params": params[cell],
                        "cost_usd": cost,
                        "cached": completion.cached,
                    });
                    println!("{obj}");
                } else if live {
                    println!();
                    eprintln!("-- {} · {readout}", ids[cell]);
                } else {
                    println!("== {} ==\n{}\n-- {readout}\n", ids[cell], completion.text);
                }
                if out.trace && completion.cached {
                    eprintln!(
                        "-- trace {}: answered from the response cache --",
                        ids[cell]
                    );
                } else if out.trace {
                    print_trace(&ids[cell], traces[cell].take());
                }
            }
            RunEvent::Failed { error, .. } => {
                remaining -= 1;
                failed = true;
                if json_out {
                    println!(
                        "{}",
                        json!({"model": ids[cell], "error": error, "text": texts[cell]})
                    );
                } else {
                    if live && !texts[cell].is_empty() {
                        println!();
                    }
                    eprintln!("error: {}: {error}", ids[cell]);
                }
                if out.trace {
                    print_trace(&ids[cell], traces[cell].take());
                }
            }
            RunEvent::Cancelled { .. } => {
                remaining -= 1;
                failed = true;
            }
            RunEvent::Retrying {
                attempt,
                max_retries,
                wait,
                reason,
                ..
            } => {
                // Progress, not a result: stderr, in every output mode.
                eprintln!(
                    "{}: retry {attempt}/{max_retries} in {}: {reason}",
                    ids[cell],
                    secs(wait)
                );
            }
            RunEvent::Started { .. }
            | RunEvent::Usage { .. }
            | RunEvent::Thinking { .. }
            | RunEvent::Status { .. } => {}
        }
    }
    failed
}
