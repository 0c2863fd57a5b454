//! The comparison as Markdown (`pwb run --format md`), to paste into a
//! review or a ticket: the readout table, agreement as a table, and each
//! answer in a fenced block, as a ```diff against the reference.

use super::{Comparison, SIMILARITY_NOTE};
use crate::compare::agreement::percent;
use crate::diff;

impl Comparison<'_> {
    pub fn to_markdown(&self) -> String {
        let mut out = format!("## Comparison of `{}`\n\n", self.title.replace('`', "'"));
        let (head, rows) = self.table();
        out.push_str(&table_md(
            &head,
            &rows,
            &head.iter().map(|h| numeric(h)).collect::<Vec<_>>(),
        ));
        out.push_str(&format!("\n{}\n", cell(&self.summary().line())));
        if self.has_repeats() {
            out.push_str(&format!("\n### Agreement\n\n_{SIMILARITY_NOTE}_\n\n"));
            let head = [
                "group",
                "samples",
                "identical",
                "similarity (words)",
                "output tokens",
                "latency",
            ];
            let rows: Vec<Vec<String>> = self
                .groups
                .iter()
                .filter(|g| g.cells.len() > 1)
                .map(|g| {
                    let a = &g.agreement;
                    let dash = || "-".to_string();
                    vec![
                        self.group_label(g),
                        g.cells.len().to_string(),
                        a.identical_label(),
                        a.similarity
                            .map_or_else(dash, |s| format!("{}%", percent(s))),
                        a.tokens_range().unwrap_or_else(dash),
                        a.latency_range().unwrap_or_else(dash),
                    ]
                })
                .collect();
            out.push_str(&table_md(
                &head,
                &rows,
                &[false, true, false, true, false, false],
            ));
        }
        out.push_str(&self.answers_md());
        out
    }

    fn answers_md(&self) -> String {
        let mut out = "\n### Answers\n".to_string();
        let reference = self.reference();
        for (i, c) in self.cells.iter().enumerate() {
            let n = i + 1;
            let label = cell(&c.label());
            let r = reference.filter(|r| *r != i && c.status == crate::run::CellStatus::Done);
            if let Some(e) = c.error() {
                out.push_str(&format!("\n#### [{n}] {label} — error\n\n"));
                for l in e.lines() {
                    out.push_str(&format!("> {l}\n"));
                }
                if !c.text.is_empty() {
                    out.push_str(&format!(
                        "\nText before the error:\n\n{}",
                        fenced("text", &c.text)
                    ));
                }
                continue;
            }
            match r {
                Some(r) if self.cells[r].text == c.text => {
                    out.push_str(&format!("\n#### [{n}] {label} — same as [{}]\n", r + 1));
                }
                Some(r) => {
                    out.push_str(&format!(
                        "\n#### [{n}] {label} — diff against [{}]\n\n",
                        r + 1
                    ));
                    let body: String = diff::line_diff(&self.cells[r].text, &c.text)
                        .iter()
                        .map(|l| format!("{}{}\n", l.sign(), l.text))
                        .collect();
                    out.push_str(&fenced("diff", &body));
                }
                None => {
                    let role = if Some(i) == reference && self.cells.len() > 1 {
                        " — reference"
                    } else {
                        ""
                    };
                    out.push_str(&format!("\n#### [{n}] {label}{role}\n\n"));
                    out.push_str(&fenced("text", &c.text));
                }
            }
        }
        out
    }
}

/// Right-aligned columns: the figures.
fn numeric(head: &str) -> bool {
    matches!(
        head,
        "#" | "in" | "out" | "cost" | "ttft" | "total" | "tok/s"
    )
}

/// Text made safe for one table cell: no pipes or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn table_md(head: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let mut out = format!("| {} |\n", head.join(" | "));
    let rule: Vec<&str> = right
        .iter()
        .map(|r| if *r { "---:" } else { "---" })
        .collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// `text` in a fence longer than any run of backticks inside it.
pub(super) fn fenced(lang: &str, text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    let nl = if text.ends_with('\n') || text.is_empty() {
        ""
    } else {
        "\n"
    };
    format!("{fence}{lang}\n{text}{nl}{fence}\n")
}
