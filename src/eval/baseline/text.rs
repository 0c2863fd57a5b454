//! The comparison as `pwb eval` prints it after the summary: the counts,
//! the aggregate change with its interval, the changed cases (regressed
//! first, each with why it fails now), and a table per (prompt, model).

use super::compare::{CaseChange, Change, Comparison, GroupDelta, Runs};
use crate::eval::report::fmt::{self, aligned, excerpt};
use crate::usage::{fmt_cost, fmt_duration};
use serde_json::Value;

/// Cases listed per kind of change before "… and N more".
pub const MAX_LISTED: usize = 30;

/// The kinds of change listed, with their headings.
pub(super) const LISTED: [(Change, &str); 4] = [
    (Change::Regressed, "Regressed (passed before, fails now)"),
    (Change::Improved, "Improved (failed before, passes now)"),
    (
        Change::Flaky,
        "Flaky (passes and fails within a side; not a regression)",
    ),
    (Change::WithinNoise, "Changed within noise"),
];

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// `"refund is billing"`, or the vars when the case has no description.
pub(super) fn case_name(c: &CaseChange) -> String {
    match &c.description {
        Some(d) => format!("\"{}\"", excerpt(d, 60)),
        None => excerpt(&Value::Object(c.vars.clone()).to_string(), 60),
    }
}

fn runs(r: Runs) -> String {
    format!("{}/{}", r.passed, r.runs)
}

/// `passed → failed`, or with repeats `3/3 → 0/3 passed, Fisher p = 0.05`.
pub(super) fn how(c: &CaseChange) -> String {
    let mut s = if c.before.runs <= 1 && c.after.runs <= 1 {
        let word = |r: Runs| match (r.passed, r.errors) {
            (1, _) => "passed",
            (_, 1) => "errored",
            _ => "failed",
        };
        format!("{} → {}", word(c.before), word(c.after))
    } else {
        format!("{} → {} passed", runs(c.before), runs(c.after))
    };
    if let Some(p) = c.p_value.filter(|_| c.before.rate() != c.after.rate()) {
        s.push_str(&format!(", one-sided Fisher {}", fmt::p_value(p)));
    }
    if let (Some(a), Some(b)) = (c.score_before, c.score_after)
        && (a - b).abs() > 1e-9
    {
        s.push_str(&format!(
            ", score {} → {}",
            fmt::score(Some(a)),
            fmt::score(Some(b))
        ));
    }
    s
}

/// The counts, in one sentence.
pub(super) fn counts(cmp: &Comparison) -> String {
    let mut s = format!(
        "{} regressed, {} improved, {} flaky, {} changed within noise, {} unchanged of {} both ran",
        cmp.count(Change::Regressed),
        cmp.count(Change::Improved),
        cmp.count(Change::Flaky),
        cmp.count(Change::WithinNoise),
        cmp.count(Change::Unchanged),
        plural(cmp.cases.len(), "case"),
    );
    if cmp.only_before > 0 {
        s.push_str(&format!(
            "; {} only in the baseline",
            plural(cmp.only_before, "case")
        ));
    }
    if cmp.only_after > 0 {
        s.push_str(&format!("; {} new", plural(cmp.only_after, "case")));
    }
    s
}

/// `+3.1` / `−16.7`: a change in percentage points.
fn points(d: f64) -> String {
    let v = d * 100.0;
    if v < -0.05 {
        format!("−{:.1}", -v)
    } else {
        format!("+{:.1}", v.abs())
    }
}

/// The aggregate change and its interval, in one sentence.
pub(super) fn aggregate(cmp: &Comparison) -> String {
    let mut s = format!(
        "Pass rate {} → {}",
        fmt::pct(cmp.before.rate()),
        fmt::pct(cmp.after.rate())
    );
    if let (Some(d), Some(i)) = (cmp.rate_change(), cmp.interval) {
        s.push_str(&format!(
            ": {} points, 95% CI {} to {} (Newcombe's score interval, cells taken as independent)",
            points(d),
            points(i.low),
            points(i.high)
        ));
    }
    s
}

/// `a → b`, or `-` when neither is known.
pub(super) fn arrow(a: Option<String>, b: Option<String>) -> String {
    match (a, b) {
        (None, None) => "-".into(),
        (a, b) => format!(
            "{} → {}",
            a.unwrap_or_else(|| "-".into()),
            b.unwrap_or_else(|| "-".into())
        ),
    }
}

pub(super) fn group_row(g: &GroupDelta) -> Vec<String> {
    let score = |s: Option<f64>| s.map(|s| fmt::score(Some(s)));
    vec![
        g.prompt.clone(),
        g.model.clone(),
        arrow(
            Some(fmt::pct(g.before.rate())),
            Some(fmt::pct(g.after.rate())),
        ),
        arrow(score(g.score_before), score(g.score_after)),
        arrow(
            g.cost_before.map(|c| fmt_cost(Some(c))),
            g.cost_after.map(|c| fmt_cost(Some(c))),
        ),
        arrow(
            g.latency_before.map(fmt_duration),
            g.latency_after.map(fmt_duration),
        ),
    ]
}

pub(super) const GROUP_HEAD: [&str; 6] = [
    "prompt",
    "model",
    "pass rate",
    "mean score",
    "cost per call",
    "latency p50",
];

/// The comparison as printed after the summary.
pub fn text(cmp: &Comparison) -> String {
    let mut out = format!("Against the baseline {}\n", cmp.baseline);
    out.push_str(&format!("  {}.\n", counts(cmp)));
    out.push_str(&format!("  {}.\n", aggregate(cmp)));
    for (change, title) in LISTED {
        let listed: Vec<&CaseChange> = cmp.cases.iter().filter(|c| c.change == change).collect();
        if listed.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}:\n"));
        for c in listed.iter().take(MAX_LISTED) {
            out.push_str(&format!(
                "  {} · {} · {}: {}\n",
                c.prompt,
                c.model,
                case_name(c),
                how(c)
            ));
            if let Some(r) = c.reason.as_ref().filter(|_| c.after.passed < c.after.runs) {
                out.push_str(&format!("    now: {}\n", excerpt(r, 200)));
            }
        }
        if listed.len() > MAX_LISTED {
            out.push_str(&format!(
                "  … and {} more (the .json output lists them all)\n",
                listed.len() - MAX_LISTED
            ));
        }
    }
    if !cmp.groups.is_empty() {
        out.push_str("\nPer prompt and model, over the cases both ran:\n");
        let rows: Vec<Vec<String>> = cmp.groups.iter().map(group_row).collect();
        let table = aligned(&GROUP_HEAD, &rows, &[false, false, true, true, true, true]);
        for line in table.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}
