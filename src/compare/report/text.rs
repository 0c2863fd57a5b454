//! The comparison as plain text (`pwb run --compare`): an aligned readout
//! table, the run line, agreement per group, then each answer as a word
//! diff against the reference in git's `[-deleted-]{+inserted+}` style.

use super::{Comparison, SIMILARITY_NOTE};
use crate::diff::{self, Change};
use unicode_width::UnicodeWidthStr;

impl Comparison<'_> {
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Comparison of {} ({} column{})\n\n",
            self.title,
            self.cells.len(),
            if self.cells.len() == 1 { "" } else { "s" }
        );
        let (head, rows) = self.table();
        out.push_str(&aligned(&head, &rows));
        out.push('\n');
        out.push_str(&self.summary().line());
        out.push('\n');
        if self.has_repeats() {
            out.push_str(&format!("\nAgreement ({SIMILARITY_NOTE}):\n"));
            for g in self.groups.iter().filter(|g| g.cells.len() > 1) {
                out.push_str(&format!(
                    "  {} ({} samples): {}\n",
                    self.group_label(g),
                    g.cells.len(),
                    g.agreement.line()
                ));
            }
        }
        out.push_str(&self.answers_text());
        out
    }

    fn answers_text(&self) -> String {
        let reference = self.reference();
        let mut out = match reference {
            Some(r) if self.cells.len() > 1 => format!(
                "\nAnswers, as word diffs against [{}] ([-deleted-] {{+inserted+}}):\n",
                r + 1
            ),
            _ => "\nAnswers:\n".to_string(),
        };
        for (i, c) in self.cells.iter().enumerate() {
            let role = if Some(i) == reference && self.cells.len() > 1 {
                " (reference)"
            } else {
                ""
            };
            out.push_str(&format!("\n── [{}] {}{role} ──\n", i + 1, c.label()));
            if let Some(e) = c.error() {
                out.push_str(&format!("error: {e}\n"));
                if !c.text.is_empty() {
                    out.push_str("text before the error:\n");
                }
            }
            let body = match reference.map(|r| &self.cells[r]) {
                Some(r) if Some(i) != reference && c.status == crate::run::CellStatus::Done => {
                    if r.text == c.text {
                        format!("(same as [{}])", reference.unwrap_or(0) + 1)
                    } else {
                        marked(&diff::word_diff(&r.text, &c.text))
                    }
                }
                _ => c.text.clone(),
            };
            if !body.is_empty() {
                out.push_str(&body);
                if !body.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
        out
    }
}

/// Segments written out with `[-...-]` around deletions and `{+...+}`
/// around insertions.
fn marked(segs: &[diff::Segment]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg.change {
            Change::Equal => s.push_str(&seg.text),
            Change::Delete => s.push_str(&format!("[-{}-]", seg.text)),
            Change::Insert => s.push_str(&format!("{{+{}+}}", seg.text)),
        }
    }
    s
}

/// A table with columns padded to their widest cell (display width).
fn aligned(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = head.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(cell);
            if i + 1 < cells.len() {
                l.push_str(&" ".repeat(w - cell.width()));
            }
        }
        l.push('\n');
        l
    };
    let mut out = line(head.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}
