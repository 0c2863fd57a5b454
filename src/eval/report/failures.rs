//! Why cases failed or errored, as reports list them: each case once (its
//! first bad repeat speaks for it, with how many repeats went that way),
//! the assertions that failed with their reasons, assert-set members
//! indented under their set, and the answer they judged.

use super::analysis::{Analysis, CaseStats, GroupStats};
use super::fmt::{assert_label, excerpt};
use crate::eval::{CellResult, GradingResult, Verdict};

/// The cases a report lists under "Failures" or "Errors".
pub struct Listing<'a> {
    pub group: &'a GroupStats,
    pub case: &'a CaseStats,
    /// The case's first repeat with this verdict.
    pub cell: &'a CellResult,
    /// How many of its repeats had this verdict.
    pub count: usize,
}

/// Every case with at least one repeat of `verdict`, group by group.
pub fn listings<'a>(an: &'a Analysis, verdict: Verdict) -> Vec<Listing<'a>> {
    let mut out = Vec::new();
    for g in &an.groups {
        for case in &g.cases {
            let bad: Vec<&CellResult> = case
                .cells
                .iter()
                .map(|&i| &an.run.cells[i])
                .filter(|c| c.verdict == verdict)
                .collect();
            if let Some(cell) = bad.first() {
                out.push(Listing {
                    group: g,
                    case,
                    cell,
                    count: bad.len(),
                });
            }
        }
    }
    out
}

/// One line of why, indented by depth (assert-set members one deeper).
#[derive(Debug, Clone, PartialEq)]
pub struct Why {
    pub depth: usize,
    pub text: String,
}

/// Why the cell failed or errored: the call's error, or each assertion
/// that failed or could not be evaluated; a case that failed only on its
/// threshold says so through the case's reason.
pub fn why(cell: &CellResult) -> Vec<Why> {
    let mut out = Vec::new();
    if let Some(e) = cell.outcome.error() {
        out.push(Why {
            depth: 0,
            text: format!("error: {e}"),
        });
        return out;
    }
    let Some(grade) = &cell.grade else {
        if cell.verdict == Verdict::Error {
            out.push(Why {
                depth: 0,
                text: "error: the answer was not graded".into(),
            });
        }
        return out;
    };
    let bad_only = cell.verdict != Verdict::Pass;
    walk(&grade.results, 0, bad_only, &mut out);
    if out.is_empty() && !grade.pass {
        out.push(Why {
            depth: 0,
            text: format!("✗ {}", grade.reason),
        });
    }
    out
}

fn walk(results: &[GradingResult], depth: usize, bad_only: bool, out: &mut Vec<Why>) {
    for r in results {
        if bad_only && r.pass && r.error.is_none() {
            continue;
        }
        let text = match &r.error {
            Some(e) => format!("! {}: error: {e}", assert_label(r)),
            None if r.pass => format!("✓ {}", assert_label(r)),
            None if r.reason.is_empty() => format!("✗ {} (score {:.2})", assert_label(r), r.score),
            None => format!("✗ {}: {}", assert_label(r), r.reason),
        };
        out.push(Why { depth, text });
        walk(&r.members, depth + 1, bad_only, out);
    }
}

/// `answer: "…"` for a listing: the judged text on one line.
pub fn answer_line(cell: &CellResult, max: usize) -> Option<String> {
    if cell.outcome.error().is_some() && cell.outcome.text.is_empty() {
        return None;
    }
    Some(format!("answer: \"{}\"", excerpt(&cell.outcome.text, max)))
}
