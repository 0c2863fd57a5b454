//! The summary `pwb eval` prints on stdout: what ran, a table per
//! (prompt, model), repeats and flaky cases, the failing cases and why,
//! errors apart, the paired comparison, and one closing line of totals.

use super::analysis::{Analysis, Cost};
use super::failures::{Listing, answer_line, listings, why};
use super::fmt::{self, aligned, case_label, repeat_label};
use crate::eval::{EvalRun, Verdict};
use std::collections::HashSet;

/// Cases listed under Failures and under Errors before "… and N more".
pub const MAX_LISTED: usize = 30;

/// The summary of a run, as printed on stdout.
pub fn summary(run: &EvalRun) -> String {
    let an = Analysis::of(run);
    let mut out = headline(&an);
    out.push('\n');
    out.push_str(&table(&an));
    out.push_str(&repeats(&an));
    out.push_str(&listed(&an, Verdict::Fail, "Failures"));
    out.push_str(&listed(&an, Verdict::Error, "Errors"));
    for p in &an.comparisons {
        out.push_str(&format!("\nComparison: {}, {} cases\n", p.title(), p.pairs));
        for s in p.sentences() {
            out.push_str(&format!("  {s}\n"));
        }
    }
    out.push('\n');
    out.push_str(&trimmed(run));
    out.push_str(&closing(&an));
    out
}

/// How many requests the prompt's `context:` policy cut to fit their
/// model's window (each cell's JSON says what), when any.
fn trimmed(run: &EvalRun) -> String {
    let n = run.cells.iter().filter(|c| c.context.is_some()).count();
    let over = run
        .cells
        .iter()
        .filter(|c| c.context.as_ref().is_some_and(|k| !k.fits()))
        .count();
    match (n, over) {
        (0, _) => String::new(),
        (n, 0) => format!("{} trimmed to fit the window\n", plural(n, "request")),
        (n, over) => format!(
            "{} trimmed to fit the window ({over} still over it)\n",
            plural(n, "request")
        ),
    }
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// How many distinct cases the run holds.
pub(super) fn case_count(run: &EvalRun) -> usize {
    run.cells
        .iter()
        .map(super::analysis::case_key)
        .collect::<HashSet<_>>()
        .len()
}

/// `pwb eval SUITE: 2 prompts × 1 model × 12 cases × 3 repeats = 72 cells`.
pub(super) fn shape(an: &Analysis) -> String {
    let prompts: HashSet<&str> = an.groups.iter().map(|g| g.prompt.as_str()).collect();
    let models: HashSet<&str> = an.groups.iter().map(|g| g.model.as_str()).collect();
    let mut s = format!(
        "{} × {} × {}",
        plural(prompts.len(), "prompt"),
        plural(models.len(), "model"),
        plural(case_count(an.run), "case")
    );
    if an.has_repeats() {
        s.push_str(&format!(" × {} repeats", an.repeats));
    }
    format!("{s} = {}", plural(an.run.cells.len(), "cell"))
}

fn headline(an: &Analysis) -> String {
    format!(
        "pwb eval {}: {} in {}\n",
        an.run.suite,
        shape(an),
        fmt::duration(Some(an.run.wall_time))
    )
}

/// The summary table's head, rows and right-aligned columns (the text
/// and Markdown summaries share it).
pub(super) fn table_parts(an: &Analysis) -> (Vec<&'static str>, Vec<Vec<String>>, Vec<bool>) {
    let grader = an.grader_used();
    let mut head = vec![
        "prompt",
        "model",
        "pass",
        "95% CI",
        "passed",
        "failed",
        "errors",
        "score",
        "tokens in/out",
        "cost",
        "p50",
        "p95",
    ];
    let mut right = vec![
        false, false, true, true, true, true, true, true, true, true, true, true,
    ];
    if grader {
        head.extend(["grader tokens", "grader cost"]);
        right.extend([true, true]);
    }
    let rows = an
        .groups
        .iter()
        .map(|g| {
            let mut row = vec![
                g.prompt.clone(),
                g.model.clone(),
                fmt::pct(g.tally.rate()),
                fmt::interval(g.wilson),
                g.tally.passed.to_string(),
                g.tally.failed.to_string(),
                g.tally.errors.to_string(),
                fmt::score(g.mean_score),
                format!(
                    "{}/{}",
                    fmt::thousands(g.input_tokens),
                    fmt::thousands(g.output_tokens)
                ),
                fmt::cost(g.cost),
                fmt::duration(g.latency_p50),
                fmt::duration(g.latency_p95),
            ];
            if grader && g.grader_tokens == 0 && g.grader_cost == Cost::default() {
                row.extend(["-".to_string(), "-".to_string()]);
            } else if grader {
                row.push(fmt::thousands(g.grader_tokens));
                row.push(fmt::cost(g.grader_cost));
            }
            row
        })
        .collect();
    (head, rows, right)
}

fn table(an: &Analysis) -> String {
    let (head, rows, right) = table_parts(an);
    let mut out = aligned(&head, &rows, &right);
    if an.grader_used() {
        out.push_str(
            "(grader tokens and cost are the model-graded assertions', not in the model's)\n",
        );
    }
    out
}

fn repeats(an: &Analysis) -> String {
    if !an.has_repeats() {
        return String::new();
    }
    let k = an.repeats;
    let mut out = format!(
        "\nRepeats: {k} per case (pass^{k}: every repeat passed; pass@{k}: at least one did)\n"
    );
    for g in &an.groups {
        out.push_str(&format!(
            "  {} · {}: pass^{k} {}/{} cases, pass@{k} {}/{}, flaky {}\n",
            g.prompt,
            g.model,
            g.cases_pass_all(),
            g.cases.len(),
            g.cases_pass_any(),
            g.cases.len(),
            g.flaky().count()
        ));
    }
    let flaky: Vec<String> = an
        .groups
        .iter()
        .flat_map(|g| {
            g.flaky().map(move |c| {
                let cell = &an.run.cells[c.cells[0]];
                format!(
                    "  {} · {} · {}: {}/{} passed\n",
                    g.prompt,
                    g.model,
                    case_label(cell),
                    c.tally.passed,
                    c.runs()
                )
            })
        })
        .collect();
    if !flaky.is_empty() {
        out.push_str(&format!(
            "Flaky ({}: passed in some repeats, not in others):\n",
            plural(flaky.len(), "case")
        ));
        for l in flaky.iter().take(MAX_LISTED) {
            out.push_str(l);
        }
        more(&mut out, flaky.len());
    }
    out
}

fn more(out: &mut String, n: usize) {
    if n > MAX_LISTED {
        out.push_str(&format!(
            "  … and {} more (--output FILE.json or .md lists them all)\n",
            n - MAX_LISTED
        ));
    }
}

/// `triage · openai:gpt-4o-mini · case 3 "refund" (2 of 3 repeats; repeat 1/3 shown)`.
pub(super) fn listing_title(l: &Listing) -> String {
    let mut s = format!(
        "{} · {} · {}",
        l.group.prompt,
        l.group.model,
        case_label(l.cell)
    );
    if let Some(r) = repeat_label(l.cell) {
        s.push_str(&format!(
            " ({} of {} repeats; {r} shown)",
            l.count,
            l.case.runs()
        ));
    }
    s
}

fn listed(an: &Analysis, verdict: Verdict, title: &str) -> String {
    let all = listings(an, verdict);
    if all.is_empty() {
        return String::new();
    }
    let mut out = format!("\n{title} ({}):\n", plural(all.len(), "case"));
    for l in all.iter().take(MAX_LISTED) {
        out.push_str(&format!("  {}\n", listing_title(l)));
        for w in why(l.cell) {
            let indent = format!("    {}", "  ".repeat(w.depth));
            for (i, line) in w.text.lines().enumerate() {
                let more = if i > 0 { "  " } else { "" };
                out.push_str(&format!("{indent}{more}{line}\n"));
            }
        }
        if let Some(a) = answer_line(l.cell, 160) {
            out.push_str(&format!("    {a}\n"));
        }
    }
    more(&mut out, all.len());
    out
}

/// The run's totals, and why it stopped early if it did.
pub(super) fn closing(an: &Analysis) -> String {
    let t = an.total;
    let mut cost = Cost::default();
    for g in &an.groups {
        cost.known += g.cost.known + g.grader_cost.known;
        cost.unpriced += g.cost.unpriced + g.grader_cost.unpriced;
    }
    let mut out = String::new();
    if an.run.interrupted {
        out.push_str(
            "Interrupted (Ctrl-C): the figures above count only the cells that finished.\n",
        );
    }
    if let Some(limit) = an.run.stopped_at_cost {
        out.push_str(&format!(
            "Stopped at --max-cost {}: no new call started once the spend reached it; cases were left out, so the run fails (exit 100).\n",
            crate::usage::fmt_cost(Some(limit))
        ));
    }
    out.push_str(&format!(
        "{}: {} passed, {} failed, {} ({}) · {} · {}\n",
        plural(t.total(), "cell"),
        t.passed,
        t.failed,
        plural(t.errors, "error"),
        fmt::pct(t.rate()),
        fmt::cost(cost),
        fmt::duration(Some(an.run.wall_time))
    ));
    out
}
