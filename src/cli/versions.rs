//! `pwb versions PROMPT`: every recorded version of a prompt (short id,
//! first and last used, saved or not, labels, calls, eval pass rate, mean
//! cost and latency); `pwb diff PROMPT@A [PROMPT@B]`: a unified diff of two
//! versions (ids, labels, `@latest`, `@saved`; B defaults to `@saved`).

use super::history_open::{self, fail};
use super::version_ref::{self, resolve, target};
use crate::store::{diff, ids, labels, versions};
use crate::usage::{fmt_cost, fmt_duration};
use serde_json::json;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Clone, clap::Args)]
pub struct VersionsArgs {
    /// The prompt (`triage`, `sub/name`, or its file).
    #[arg(value_name = "PROMPT")]
    pub prompt: String,
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The old version: `PROMPT@ID`, `@LABEL`, `@latest` or `@saved`.
    #[arg(value_name = "PROMPT@A")]
    pub old: String,
    /// The new version (default: the same prompt `@saved`).
    #[arg(value_name = "PROMPT@B")]
    pub new: Option<String>,
}

pub fn versions(args: VersionsArgs) -> anyhow::Result<ExitCode> {
    let t = match target(&args.prompt) {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let (store, ws) = match history_open::open_with_workspace(&t.here) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let list = match ws
        .map(|ws| versions::list(store.conn(), ws, &t.name))
        .transpose()
    {
        Ok(l) => l.unwrap_or_default(),
        Err(e) => return Ok(fail(&e)),
    };
    let labels = labels::of_prompt(&t.here.root, &t.name);
    let on_disk = version_ref::resolve(&t, "saved", &mut None)
        .ok()
        .map(|v| v.hash);
    let labels_of = |hash: &str| -> Vec<String> {
        labels
            .iter()
            .filter(|(_, h)| h == hash)
            .map(|(l, _)| l.clone())
            .collect()
    };
    if args.json {
        let rows: Vec<_> = list
            .iter()
            .map(|s| {
                let v = &s.version;
                json!({
                    "id": v.hash,
                    "first_used": ids::format_time(v.first_used),
                    "last_used": ids::format_time(v.last_used),
                    "saved": v.saved,
                    "on_disk": on_disk.as_deref() == Some(v.hash.as_str()),
                    "labels": labels_of(&v.hash),
                    "calls": s.calls,
                    "errors": s.errors,
                    "pass_rate": s.pass_rate,
                    "graded": s.graded,
                    "mean_cost_usd": s.mean_cost,
                    "mean_latency_ms": s.mean_latency_ms,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"prompt": t.name, "versions": rows}))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        println!(
            "no recorded version of `{}` yet (run it once to record one)",
            t.name
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<10} {:<16} {:<16} {:<6} {:>6} {:>6} {:>6} {:>10} {:>9}  LABELS",
        "VERSION",
        "FIRST USED",
        "LAST USED",
        "SAVED",
        "CALLS",
        "ERRORS",
        "PASS",
        "MEAN COST",
        "MEAN TIME"
    );
    for s in &list {
        let v = &s.version;
        let mut tags = labels_of(&v.hash);
        if on_disk.as_deref() == Some(v.hash.as_str()) {
            tags.insert(0, "(on disk)".into());
        }
        println!(
            "{:<10} {:<16} {:<16} {:<6} {:>6} {:>6} {:>6} {:>10} {:>9}  {}",
            v.short(),
            ids::format_time(v.first_used),
            ids::format_time(v.last_used),
            if v.saved { "yes" } else { "no" },
            s.calls,
            s.errors,
            s.pass_rate
                .map_or("-".into(), |p| format!("{:.0}%", p * 100.0)),
            s.mean_cost.map_or("-".into(), |c| fmt_cost(Some(c))),
            s.mean_latency_ms
                .map_or("-".into(), |ms| fmt_duration(Duration::from_millis(
                    ms as u64
                ))),
            tags.join(" "),
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let a = match target(&args.old) {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let b = match args.new.as_deref().map(target).transpose() {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let a_ref = a.reference.clone().unwrap_or_else(|| "saved".into());
    let (b_target, b_ref) = match &b {
        Some(t) => (t, t.reference.clone().unwrap_or_else(|| "saved".into())),
        None => (&a, "saved".to_string()),
    };
    let mut store = None;
    let old = match resolve(&a, &a_ref, &mut store) {
        Ok(v) => v,
        Err(e) => return Ok(fail(&e)),
    };
    let new = match resolve(b_target, &b_ref, &mut store) {
        Ok(v) => v,
        Err(e) => return Ok(fail(&e)),
    };
    let (an, bn) = (a.shown(&a_ref), b_target.shown(&b_ref));
    let text = diff::versions(
        diff::Side {
            name: &an,
            source: &old.source,
            partials: &old.partials,
            examples: &old.examples,
        },
        diff::Side {
            name: &bn,
            source: &new.source,
            partials: &new.partials,
            examples: &new.examples,
        },
    );
    if text.is_empty() {
        eprintln!("{an} and {bn} are the same version ({})", old.short());
    }
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}
