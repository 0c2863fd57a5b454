//! The run as Markdown (`--output FILE.md`), for a pull-request comment:
//! a verdict line, the summary table, repeats and flaky cases, the
//! comparison in words, and the failing cases and errors folded in
//! `<details>` blocks so the comment stays short.

use super::analysis::Analysis;
use super::failures::{Listing, answer_line, listings, why};
use super::fmt::{self, case_label, md_cell, md_code, md_table, md_text};
use super::text::{closing, shape, table_parts};
use crate::eval::{EvalRun, Verdict};

/// Cases listed per `<details>` block before "… and N more".
pub const MAX_LISTED_MD: usize = 50;

/// The Markdown report of a run.
pub fn markdown(run: &EvalRun) -> String {
    let an = Analysis::of(run);
    let t = an.total;
    let mark = if t.failed + t.errors == 0 && !run.interrupted && run.stopped_at_cost.is_none() {
        "✅"
    } else {
        "❌"
    };
    let mut out = format!(
        "## {mark} pwb eval {}\n\n{}: **{} passed**, {} failed, {} errored ({})\n\n",
        md_code(&run.suite),
        md_cell(&shape(&an)),
        t.passed,
        t.failed,
        t.errors,
        fmt::pct(t.rate())
    );
    let (head, rows, right) = table_parts(&an);
    out.push_str(&md_table(&head, &rows, &right));
    if an.grader_used() {
        out.push_str(
            "\n_Grader tokens and cost are the model-graded assertions', not in the model's._\n",
        );
    }
    out.push_str(&repeats(&an));
    for p in &an.comparisons {
        out.push_str(&format!("\n### {}\n\n", md_text(&p.title())));
        out.push_str(&format!("{}\n", md_text(&p.sentences().join(" "))));
    }
    out.push_str(&listed(&an, Verdict::Fail, "Failures"));
    out.push_str(&listed(&an, Verdict::Error, "Errors"));
    let notes: Vec<String> = closing(&an)
        .lines()
        .map(|l| format!("_{}_", md_text(l)))
        .collect();
    out.push_str(&format!("\n{}\n", notes.join("  \n")));
    out
}

fn repeats(an: &Analysis) -> String {
    if !an.has_repeats() {
        return String::new();
    }
    let k = an.repeats;
    let mut out = format!(
        "\n### Repeats ({k} per case)\n\npass^{k}: every repeat passed; pass@{k}: at least one did.\n\n"
    );
    let rows: Vec<Vec<String>> = an
        .groups
        .iter()
        .map(|g| {
            vec![
                g.prompt.clone(),
                g.model.clone(),
                format!("{}/{}", g.cases_pass_all(), g.cases.len()),
                format!("{}/{}", g.cases_pass_any(), g.cases.len()),
                g.flaky().count().to_string(),
            ]
        })
        .collect();
    let head = [
        "prompt",
        "model",
        &format!("pass^{k}"),
        &format!("pass@{k}"),
        "flaky",
    ];
    out.push_str(&md_table(&head, &rows, &[false, false, true, true, true]));
    let flaky: Vec<String> = an
        .groups
        .iter()
        .flat_map(|g| {
            g.flaky().map(move |c| {
                format!(
                    "- {} · {} · {}: {}/{} passed\n",
                    md_code(&g.prompt),
                    md_code(&g.model),
                    md_text(&case_label(&an.run.cells[c.cells[0]])),
                    c.tally.passed,
                    c.runs()
                )
            })
        })
        .collect();
    if !flaky.is_empty() {
        out.push_str(&format!(
            "\n<details><summary>Flaky cases ({})</summary>\n\n",
            flaky.len()
        ));
        for l in flaky.iter().take(MAX_LISTED_MD) {
            out.push_str(l);
        }
        more(&mut out, flaky.len());
        out.push_str("\n</details>\n");
    }
    out
}

fn more(out: &mut String, n: usize) {
    if n > MAX_LISTED_MD {
        out.push_str(&format!(
            "\n… and {} more (the `.json` output lists them all)\n",
            n - MAX_LISTED_MD
        ));
    }
}

fn item(l: &Listing) -> String {
    let mut s = format!(
        "- {} · {} · {}",
        md_code(&l.group.prompt),
        md_code(&l.group.model),
        md_text(&case_label(l.cell))
    );
    if l.cell.repeats > 1 {
        s.push_str(&format!(
            " ({} of {} repeats; repeat {}/{} shown)",
            l.count,
            l.case.runs(),
            l.cell.repeat + 1,
            l.cell.repeats
        ));
    }
    s.push('\n');
    for w in why(l.cell) {
        let lines: Vec<String> = w.text.lines().map(md_text).collect();
        s.push_str(&format!(
            "{}  - {}\n",
            "  ".repeat(w.depth),
            lines.join("<br>")
        ));
    }
    if answer_line(l.cell, 0).is_some() {
        let text = fmt::excerpt(&l.cell.outcome.text, 300);
        s.push_str(&format!("  - answer: {}\n", md_code(&text)));
    }
    s
}

fn listed(an: &Analysis, verdict: Verdict, title: &str) -> String {
    let all = listings(an, verdict);
    if all.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n<details><summary>{title} ({} case{})</summary>\n\n",
        all.len(),
        if all.len() == 1 { "" } else { "s" }
    );
    for l in all.iter().take(MAX_LISTED_MD) {
        out.push_str(&item(l));
    }
    more(&mut out, all.len());
    out.push_str("\n</details>\n");
    out
}
