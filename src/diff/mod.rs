//! Diffs of model outputs, terminal-free (on `similar`): a word-level diff
//! of one answer against a reference, as runs of equal/inserted/deleted
//! text, and a line-level unified diff. Views style the `Change` kinds.

use similar::{ChangeTag, TextDiff};
use std::time::Duration;

/// Longest a diff may search before settling for a coarser answer (the
/// result stays a correct diff, just not a minimal one).
const DEADLINE: Duration = Duration::from_millis(200);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Equal,
    /// Only in the compared text.
    Insert,
    /// Only in the reference.
    Delete,
}

/// A run of text with one kind of change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub change: Change,
    pub text: String,
}

fn tag(t: ChangeTag) -> Change {
    match t {
        ChangeTag::Equal => Change::Equal,
        ChangeTag::Insert => Change::Insert,
        ChangeTag::Delete => Change::Delete,
    }
}

/// Word-level diff of `other` against `reference`: the segments read as
/// `other` with the reference's missing words interleaved as deletions.
/// Adjacent tokens of one kind are merged.
pub fn word_diff(reference: &str, other: &str) -> Vec<Segment> {
    let diff = TextDiff::configure()
        .timeout(DEADLINE)
        .diff_words(reference, other);
    let mut out: Vec<Segment> = Vec::new();
    for ch in diff.iter_all_changes() {
        let change = tag(ch.tag());
        let text = ch.value();
        match out.last_mut() {
            Some(last) if last.change == change => last.text.push_str(text),
            _ => out.push(Segment {
                change,
                text: text.to_string(),
            }),
        }
    }
    out
}

/// One line of a unified diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub change: Change,
    /// The line without its newline.
    pub text: String,
}

impl DiffLine {
    /// `" "`, `"+"` or `"-"`.
    pub fn sign(&self) -> char {
        match self.change {
            Change::Equal => ' ',
            Change::Insert => '+',
            Change::Delete => '-',
        }
    }
}

/// Line-level diff of `other` against `reference`, every line kept (the
/// view scrolls it), deletions before insertions within a change.
pub fn line_diff(reference: &str, other: &str) -> Vec<DiffLine> {
    let diff = TextDiff::configure()
        .timeout(DEADLINE)
        .diff_lines(reference, other);
    diff.iter_all_changes()
        .map(|ch| DiffLine {
            change: tag(ch.tag()),
            text: ch
                .value()
                .trim_end_matches('\n')
                .trim_end_matches('\r')
                .to_string(),
        })
        .collect()
}

/// Counts of changed words or lines, for a header ("+3 -1").
pub fn counts<'a>(changes: impl IntoIterator<Item = (Change, &'a str)>) -> (usize, usize) {
    let (mut ins, mut del) = (0, 0);
    for (c, text) in changes {
        let words = text.split_whitespace().count().max(1);
        match c {
            Change::Insert => ins += words,
            Change::Delete => del += words,
            Change::Equal => {}
        }
    }
    (ins, del)
}

#[cfg(test)]
mod tests;
