//! `pwb history`: the recent calls of this workspace (id, when, prompt and
//! version, model, tokens, cost, time, the answer's start); `search TEXT`
//! (answers, reasoning and what was sent); `show ID` (one call in full,
//! with its ratings); `prune --older-than 90d`.

use super::history_open::{fail, here, open_with_workspace};
use crate::store::calls::{self, CallSummary};
use crate::store::filter::CallFilter;
use crate::store::{StoreError, ids, ratings, search};
use crate::usage::fmt_cost;
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: Option<HistoryCommand>,
    /// How many calls to list.
    #[arg(long, short = 'n', default_value_t = 20, global = true)]
    pub limit: usize,
    /// Only calls of this prompt.
    #[arg(long)]
    pub prompt: Option<String>,
    /// Only calls of this model (id or label).
    #[arg(long, short = 'm')]
    pub model: Option<String>,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum HistoryCommand {
    /// Calls whose answer, reasoning or messages contain every word.
    Search {
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
    },
    /// One call in full: the messages sent, the answer, figures, ratings.
    Show { id: String },
    /// Delete this workspace's calls older than an age (e.g. 90d).
    Prune {
        #[arg(long, value_name = "AGE")]
        older_than: String,
    },
}

pub fn run(args: HistoryArgs) -> anyhow::Result<ExitCode> {
    let here = here()?;
    let (mut store, ws) = match open_with_workspace(&here) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let Some(ws) = ws else {
        if let Some(HistoryCommand::Show { id }) = &args.command {
            return Ok(fail(&StoreError::not_found(
                format!("no recorded call with id {id}"),
                "nothing is recorded in this workspace yet",
            )));
        }
        println!("nothing recorded in this workspace yet");
        return Ok(ExitCode::SUCCESS);
    };
    let result = match &args.command {
        None => {
            let f = CallFilter {
                prompt: args.prompt.clone(),
                model: args.model.clone(),
                ..CallFilter::workspace(ws)
            };
            calls::recent(store.conn(), &f, args.limit, 0).map(|l| print_list(&l))
        }
        Some(HistoryCommand::Search { words }) => {
            search::calls(store.conn(), ws, &words.join(" "), args.limit).map(|l| print_list(&l))
        }
        Some(HistoryCommand::Show { id }) => show(&store, ws, id),
        Some(HistoryCommand::Prune { older_than }) => {
            let Some(age) = ids::parse_age(older_than) else {
                eprintln!(
                    "error: --older-than {older_than}: not an age\nhint: write 90d, 12h or 2w"
                );
                return Ok(ExitCode::from(2));
            };
            calls::prune(store.conn_mut(), ws, ids::now_ms() - age)
                .map(|n| println!("pruned {n} call(s) older than {older_than}"))
        }
    };
    Ok(match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    })
}

fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max - 1).collect::<String>())
    } else {
        flat
    }
}

fn print_list(list: &[CallSummary]) {
    if list.is_empty() {
        println!("(no calls)");
        return;
    }
    for c in list {
        let time = c.total_ms.map_or("-".into(), |ms| format!("{ms}ms"));
        let tokens = match (c.input_tokens, c.output_tokens) {
            (Some(i), Some(o)) => format!("{i}/{o}"),
            _ => "-".into(),
        };
        let status = if c.status == "done" { "" } else { "✗ " };
        println!(
            "{}  {}  {}@{}  {}  {}  {}  {}  {}{}",
            c.id_short(),
            ids::format_time(c.created),
            c.prompt,
            &c.version[..8.min(c.version.len())],
            c.model,
            tokens,
            fmt_cost(c.cost),
            time,
            status,
            one_line(&c.preview, 60)
        );
    }
}

fn show(store: &crate::store::Store, ws: i64, id: &str) -> crate::store::Result<()> {
    let (row, uid) = calls::resolve(store.conn(), ws, id)?;
    let d = calls::detail(store.conn(), row)?;
    let s = &d.summary;
    println!(
        "call {}  {}  via {}",
        ids::uid_hex(uid),
        ids::format_time(s.created),
        s.face
    );
    println!(
        "prompt {}@{}  model {} ({})",
        s.prompt,
        &s.version[..8.min(s.version.len())],
        s.model,
        d.model_name
    );
    println!("params {}", d.params);
    if d.samples > 1 || d.sweep_temperature.is_some() {
        let t = d
            .sweep_temperature
            .map(|t| format!(" t={t}"))
            .unwrap_or_default();
        println!("sample {}/{}{t}", d.sample + 1, d.samples);
    }
    println!(
        "status {}  finish {}  ttft {}  total {}  cost {}{}",
        s.status,
        d.finish_reason.as_deref().unwrap_or("-"),
        s.ttft_ms.map_or("-".into(), |m| format!("{m}ms")),
        s.total_ms.map_or("-".into(), |m| format!("{m}ms")),
        fmt_cost(s.cost),
        if d.cached { "  (cached)" } else { "" }
    );
    println!("usage {}", d.usage);
    for r in ratings::of_call(store.conn(), row)? {
        println!("rated {} ({})", r.describe(), ids::format_time(r.created));
    }
    println!();
    for m in &d.messages {
        println!("--- {} ---\n{}", m.role, m.plain_text());
    }
    if !d.thinking.is_empty() {
        println!("--- thinking ---\n{}", d.thinking);
    }
    match &d.error {
        Some(e) => println!("--- error ---\n{e}"),
        None => println!("--- answer ---\n{}", d.answer),
    }
    for c in &d.tool_calls {
        let args = match &c.input {
            Some(v) => v.to_string(),
            None => c.arguments.clone(),
        };
        println!("--- tool call {} ---\n{args}", c.name);
    }
    Ok(())
}
