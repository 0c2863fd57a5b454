//! `pwb stats [PROMPT] [--model M] [--since 7d] [--format text|json|md]`:
//! per prompt version and model, calls, error rate, eval pass rate, p50/p95
//! time to first token and total latency, tokens and cost per call, total
//! spend. `--pairwise`: blind-vote win rates with 95% intervals and a
//! Bradley–Terry ranking.

use super::history_open::{fail, here, open_with_workspace};
use super::run_output::ReportFormat;
use crate::store::filter::CallFilter;
use crate::store::pairwise::Standing;
use crate::store::stats::{self, VersionStats};
use crate::store::{ids, ratings};
use crate::usage::fmt_cost;
use serde_json::json;
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct StatsArgs {
    /// Only this prompt (`triage`, `sub/name`).
    #[arg(value_name = "PROMPT")]
    pub prompt: Option<String>,
    /// Only this model (id or label).
    #[arg(long, short = 'm')]
    pub model: Option<String>,
    /// Only calls since then: `7d`, `12h`, `2w` ago, or a date YYYY-MM-DD.
    #[arg(long)]
    pub since: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Win rates of blind pairwise votes instead.
    #[arg(long)]
    pub pairwise: bool,
}

pub fn run(args: StatsArgs) -> anyhow::Result<ExitCode> {
    let since = match args.since.as_deref() {
        None => None,
        Some(s) => match ids::parse_since(s, ids::now_ms()) {
            Some(t) => Some(t),
            None => {
                eprintln!(
                    "error: --since {s}: not an age or a date\nhint: write 7d, 12h, 2w or 2026-01-31"
                );
                return Ok(ExitCode::from(2));
            }
        },
    };
    let here = here()?;
    let (store, ws) = match open_with_workspace(&here) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let Some(ws) = ws else {
        println!("nothing recorded in this workspace yet");
        return Ok(ExitCode::SUCCESS);
    };
    if args.pairwise {
        return match ratings::votes(store.conn(), ws, since) {
            Ok(votes) => {
                print_pairwise(&crate::store::pairwise::standings(&votes), args.format);
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => Ok(fail(&e)),
        };
    }
    let f = CallFilter {
        prompt: args.prompt.clone().map(|p| {
            p.trim_end_matches(".prompt")
                .trim_start_matches("prompts/")
                .to_string()
        }),
        model: args.model.clone(),
        since,
        ..CallFilter::workspace(ws)
    };
    match stats::by_version(store.conn(), &f) {
        Ok(rows) => {
            print_stats(&rows, args.format);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(fail(&e)),
    }
}

fn ms(v: Option<i64>) -> String {
    v.map_or("-".into(), |ms| format!("{ms}ms"))
}

fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |p| format!("{:.0}%", p * 100.0))
}

fn num(v: Option<f64>) -> String {
    v.map_or("-".into(), |n| format!("{n:.0}"))
}

const HEADERS: [&str; 17] = [
    "PROMPT",
    "VERSION",
    "MODEL",
    "CALLS",
    "ERRORS",
    "PASS",
    "TTFT P50",
    "TTFT P95",
    "P50",
    "P95",
    "IN/CALL",
    "OUT/CALL",
    "COST/CALL",
    "SPEND",
    "UP/DOWN",
    "RATING",
    "LAST",
];

fn cells(s: &VersionStats) -> [String; 17] {
    [
        s.prompt.clone(),
        s.version[..8.min(s.version.len())].to_string(),
        s.model.clone(),
        s.calls.to_string(),
        format!("{:.0}%", s.error_rate * 100.0),
        pct(s.pass_rate),
        ms(s.ttft_p50_ms),
        ms(s.ttft_p95_ms),
        ms(s.total_p50_ms),
        ms(s.total_p95_ms),
        num(s.input_tokens_per_call),
        num(s.output_tokens_per_call),
        s.cost_per_call.map_or("-".into(), |c| fmt_cost(Some(c))),
        fmt_cost(Some(s.total_cost)),
        if s.rated_up + s.rated_down == 0 {
            "-".into()
        } else {
            format!("{}/{}", s.rated_up, s.rated_down)
        },
        s.mean_score.map_or("-".into(), |m| format!("{m:.1}")),
        ids::format_time(s.last),
    ]
}

fn print_stats(rows: &[VersionStats], format: ReportFormat) {
    match format {
        ReportFormat::Json => {
            let doc = json!({ "rows": rows });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        ReportFormat::Md => {
            println!("| {} |", HEADERS.join(" | "));
            println!("|{}", "---|".repeat(HEADERS.len()));
            for r in rows {
                println!("| {} |", cells(r).join(" | "));
            }
        }
        ReportFormat::Text => {
            let table: Vec<[String; 17]> = rows.iter().map(cells).collect();
            let widths: Vec<usize> = (0..HEADERS.len())
                .map(|i| {
                    table
                        .iter()
                        .map(|r| r[i].chars().count())
                        .chain([HEADERS[i].len()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |cols: Vec<String>| {
                let padded: Vec<String> = cols
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}"))
                    .collect();
                println!("{}", padded.join("  ").trim_end());
            };
            line(HEADERS.iter().map(|h| h.to_string()).collect());
            for r in table {
                line(r.to_vec());
            }
            if rows.is_empty() {
                println!("(no calls match)");
            }
        }
    }
}

fn interval(s: &Standing) -> String {
    s.interval.map_or("-".into(), |(lo, hi)| {
        format!("{:.1}%–{:.1}%", lo * 100.0, hi * 100.0)
    })
}

fn print_pairwise(rows: &[Standing], format: ReportFormat) {
    match format {
        ReportFormat::Json => {
            let list: Vec<_> = rows
                .iter()
                .map(|s| {
                    json!({
                        "contender": s.name, "wins": s.wins, "losses": s.losses, "ties": s.ties,
                        "both_bad": s.both_bad, "win_rate": s.win_rate,
                        "ci95": s.interval.map(|(a, b)| [a, b]), "bradley_terry": s.strength,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({ "contenders": list })).unwrap_or_default()
            );
        }
        _ => {
            let md = format == ReportFormat::Md;
            let head = [
                "CONTENDER",
                "WINS",
                "LOSSES",
                "TIES",
                "BOTH BAD",
                "WIN RATE",
                "95% CI",
                "BT STRENGTH",
            ];
            if md {
                println!("| {} |\n|{}", head.join(" | "), "---|".repeat(head.len()));
            } else {
                println!(
                    "{:<28} {:>5} {:>6} {:>5} {:>8} {:>8} {:>13} {:>11}",
                    head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7]
                );
            }
            for s in rows {
                let c = [
                    s.name.clone(),
                    s.wins.to_string(),
                    s.losses.to_string(),
                    s.ties.to_string(),
                    s.both_bad.to_string(),
                    pct(s.win_rate),
                    interval(s),
                    s.strength.map_or("-".into(), |p| format!("{p:.3}")),
                ];
                if md {
                    println!("| {} |", c.join(" | "));
                } else {
                    println!(
                        "{:<28} {:>5} {:>6} {:>5} {:>8} {:>8} {:>13} {:>11}",
                        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]
                    );
                }
            }
            if rows.is_empty() {
                println!("(no blind votes recorded)");
            }
        }
    }
}
