//! `pwb export --format openai-jsonl|dpo|csv [--output FILE]` with filters
//! (prompt, model, label, rating, dates): fine-tuning records from answers
//! rated up or passing their eval case, preference pairs from blind votes
//! and ratings, or one CSV row per call. To stdout unless --output.

use super::history_open::{fail, here, open_with_workspace};
use crate::store::export::{self, Format};
use crate::store::filter::{CallFilter, RatingFilter};
use crate::store::{StoreError, ids, labels};
use std::path::PathBuf;
use std::process::ExitCode;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// OpenAI chat fine-tuning records, from answers rated up or passing.
    #[value(name = "openai-jsonl")]
    OpenaiJsonl,
    /// Preference pairs (prompt, chosen, rejected) from votes and ratings.
    Dpo,
    /// One row per call.
    Csv,
}

impl ExportFormat {
    fn format(self) -> Format {
        match self {
            ExportFormat::OpenaiJsonl => Format::OpenaiJsonl,
            ExportFormat::Dpo => Format::Dpo,
            ExportFormat::Csv => Format::Csv,
        }
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write here instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only calls of this prompt.
    #[arg(long)]
    pub prompt: Option<String>,
    /// Only calls of this model (id or label).
    #[arg(long, short = 'm')]
    pub model: Option<String>,
    /// Only calls of the version this label names (needs --prompt).
    #[arg(long, requires = "prompt")]
    pub label: Option<String>,
    /// Only calls rated: up, down, rated, or at least N (1-5).
    #[arg(long)]
    pub rating: Option<String>,
    /// Only calls that passed their eval case.
    #[arg(long)]
    pub passed: bool,
    /// From this age ago (7d) or date (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Before this age ago or date.
    #[arg(long)]
    pub until: Option<String>,
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let now = ids::now_ms();
    let when = |v: &Option<String>| {
        v.as_deref()
            .map(|s| ids::parse_since(s, now).ok_or(s.to_string()))
            .transpose()
    };
    let (since, until) = match (when(&args.since), when(&args.until)) {
        (Ok(s), Ok(u)) => (s, u),
        (Err(s), _) | (_, Err(s)) => {
            return Ok(usage(&format!(
                "`{s}` is not an age (7d) or a date (YYYY-MM-DD)"
            )));
        }
    };
    let rating = match args
        .rating
        .as_deref()
        .map(|r| RatingFilter::parse(r).ok_or(r))
        .transpose()
    {
        Ok(r) => r,
        Err(r) => return Ok(usage(&format!("--rating {r}: use up, down, rated or 1-5"))),
    };
    let here = here()?;
    let versions = match (&args.label, &args.prompt) {
        (Some(label), Some(prompt)) => match labels::read(&here.root, label, prompt) {
            Ok(Some(l)) => Some(vec![l.index.version]),
            Ok(None) => {
                return Ok(fail(&StoreError::not_found(
                    format!("label `{label}` has no version of `{prompt}`"),
                    "labels are in the workspace's labels/ folder",
                )));
            }
            Err(e) => return Ok(fail(&e)),
        },
        _ => None,
    };
    let (store, ws) = match open_with_workspace(&here) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let f = CallFilter {
        prompt: args.prompt.clone(),
        model: args.model.clone(),
        versions,
        since,
        until,
        rating,
        passed: args.passed,
        // A workspace that recorded nothing matches nothing.
        ..CallFilter::workspace(ws.unwrap_or(-1))
    };
    let written = match &args.output {
        Some(path) => {
            let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
            let n = export::write(store.conn(), &f, args.format.format(), &mut file);
            std::io::Write::flush(&mut file)?;
            n
        }
        None => {
            let mut out = std::io::stdout().lock();
            export::write(store.conn(), &f, args.format.format(), &mut out)
        }
    };
    match written {
        Ok(n) => {
            eprintln!("exported {n} record(s)");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(fail(&e)),
    }
}
