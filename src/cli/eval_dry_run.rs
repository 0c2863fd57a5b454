//! `pwb eval --dry-run`: each suite's matrix planned as the eval would
//! plan it, and per model its calls, input tokens, output tokens at most
//! and cost range, with a total; no call is made.

use super::eval_setup::Prepared;
use crate::eval::estimate::{ModelEstimate, estimate};
use crate::eval::matrix;
use crate::eval::report::fmt::{aligned, thousands};
use crate::usage::fmt_cost;

/// The report for every prepared suite, then the total.
pub fn report(prepared: &[Prepared], repeats: u32) -> String {
    let mut out = String::new();
    let mut all: Vec<ModelEstimate> = Vec::new();
    for p in prepared {
        let variants = p.variants();
        let entries = matrix::plan(&p.session, &variants, &p.cases, &p.models, repeats);
        let est = estimate(&entries, &p.models, &p.session.catalog);
        out.push_str(&format!(
            "pwb eval {} --dry-run: {} prompt(s) × {} model(s) × {} case(s) × {repeats} repeat(s) = {} cells; nothing is sent\n\n",
            p.suite.name,
            variants.len(),
            p.models.len(),
            p.cases.len(),
            entries.len()
        ));
        out.push_str(&table(&est));
        out.push('\n');
        all.extend(est);
    }
    let calls: usize = all.iter().map(|m| m.calls).sum();
    let sum = |f: fn(&ModelEstimate) -> Option<f64>| {
        all.iter().map(f).try_fold(0.0, |acc, c| c.map(|c| acc + c))
    };
    out.push_str(&format!(
        "total: {} calls, {} input tokens, cost {}\n",
        thousands(calls as u64),
        thousands(all.iter().map(|m| m.input_tokens).sum()),
        range(sum(|m| m.cost_min), sum(|m| m.cost_max)),
    ));
    if all.iter().any(|m| !m.exact_tokens) {
        out.push_str(
            "~ input tokens counted with o200k_base: an estimate for models other than OpenAI's own at OpenAI\n",
        );
    }
    if all.iter().any(|m| m.cost_min.is_none()) {
        out.push_str("$? a model's price is unknown: add it under [pricing] in pwb.toml\n");
    }
    out.push_str("The response cache may answer some calls (--no-cache to call every time).\n");
    out
}

fn table(est: &[ModelEstimate]) -> String {
    let rows: Vec<Vec<String>> = est
        .iter()
        .map(|m| {
            let tilde = if m.exact_tokens { "" } else { "~" };
            vec![
                m.name.clone(),
                thousands(m.calls as u64),
                format!("{tilde}{}", thousands(m.input_tokens)),
                m.max_output_tokens
                    .map(|n| format!("≤ {}", thousands(n)))
                    .unwrap_or_else(|| "? (no max tokens)".into()),
                range(m.cost_min, m.cost_max),
                notes(m),
            ]
        })
        .collect();
    let text = aligned(
        &[
            "model",
            "calls",
            "input tokens",
            "output tokens",
            "cost",
            "",
        ],
        &rows,
        &[false, true, true, true, true, false],
    );
    text.lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect()
}

/// Cells that cannot render, calls over the context window.
fn notes(m: &ModelEstimate) -> String {
    let mut out = Vec::new();
    if m.unplanned > 0 {
        out.push(format!("{} cannot render", m.unplanned));
    }
    if let (true, Some(w)) = (m.over_window > 0, m.window) {
        out.push(format!(
            "{} over the {} token window (by up to {})",
            m.over_window,
            thousands(w),
            thousands(m.max_excess)
        ));
    }
    out.join("; ")
}

/// `$0.0012–$0.0150`, one figure when both ends agree, `$?` unknown.
fn range(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (None, _) => fmt_cost(None),
        (Some(a), Some(b)) if (a - b).abs() < 1e-12 => fmt_cost(Some(a)),
        (Some(a), Some(b)) => format!("{}–{}", fmt_cost(Some(a)), fmt_cost(Some(b))),
        (Some(a), None) => format!("≥ {} (no max tokens)", fmt_cost(Some(a))),
    }
}
