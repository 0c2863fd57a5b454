//! Diffs of model outputs, terminal-free (on `similar`): a word-level diff
//! of one answer against a reference, as runs of equal/inserted/deleted
//! text, and a line-level unified diff. Views style the `Change` kinds.

use similar::{ChangeTag, DiffTag, TextDiff};
use std::ops::Range;
use std::time::Duration;

/// Longest a diff may search before settling for a coarser answer (the
/// result stays a correct diff, just not a minimal one).
const DEADLINE: Duration = Duration::from_millis(200);

/// Changed runs of lines larger than this (bytes, on both sides) are
/// diffed line by line rather than as one word sequence.
const BIG_RUN: usize = 8 * 1024;

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

/// Appends text of one kind, merging with a last segment of that kind.
fn push(out: &mut Vec<Segment>, change: Change, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.change == change => last.text.push_str(text),
        _ => out.push(Segment {
            change,
            text: text.to_string(),
        }),
    }
}

/// Word-level diff of `other` against `reference`: the segments read as
/// `other` with the reference's missing words interleaved as deletions.
/// Lines are matched first and words are diffed only inside changed runs
/// of lines, so long answers stay fast (and the diff reads line-aware).
pub fn word_diff(reference: &str, other: &str) -> Vec<Segment> {
    let lines = TextDiff::configure()
        .timeout(DEADLINE)
        .diff_lines(reference, other);
    let (old, new) = (lines.old_slices(), lines.new_slices());
    let mut out: Vec<Segment> = Vec::new();
    // A run of changed lines on each side, diffed word by word when closed.
    let mut pending: Option<(Range<usize>, Range<usize>)> = None;
    let flush = |out: &mut Vec<Segment>, pending: &mut Option<(Range<usize>, Range<usize>)>| {
        let Some((o, n)) = pending.take() else {
            return;
        };
        let (o, n) = (&old[o], &new[n]);
        let bytes = |s: &[&str]| s.iter().map(|l| l.len()).sum::<usize>();
        if o.len() == n.len() || bytes(o).min(bytes(n)) > BIG_RUN {
            // Line for line (lines edited in place), or a run too big to
            // diff word by word as a whole: pair the lines up, the extra
            // ones are plain deletions or insertions.
            for (a, b) in o.iter().zip(n) {
                words_into(out, a, b);
            }
            push(out, Change::Delete, &o[n.len().min(o.len())..].concat());
            push(out, Change::Insert, &n[o.len().min(n.len())..].concat());
        } else {
            words_into(out, &o.concat(), &n.concat());
        }
    };
    for op in lines.ops() {
        let (t, o, n) = op.as_tag_tuple();
        if t == DiffTag::Equal {
            flush(&mut out, &mut pending);
            push(&mut out, Change::Equal, &old[o].concat());
        } else {
            pending = Some(match pending {
                Some((po, pn)) => (
                    po.start.min(o.start)..po.end.max(o.end),
                    pn.start.min(n.start)..pn.end.max(n.end),
                ),
                None => (o, n),
            });
        }
    }
    flush(&mut out, &mut pending);
    coalesce(out)
}

/// Joins each run of changes into one deletion and one insertion: words
/// changed together read as `[the Seine does]{the Loire is}` rather than
/// alternating word by word. Spaces between the changed words (not line
/// ends) go into both sides, so each side still rebuilds exactly.
fn coalesce(segs: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    // The open run: deleted text, inserted text, trailing spaces not yet
    // known to be inside the run.
    let (mut del, mut ins, mut gap) = (String::new(), String::new(), String::new());
    let mut open = false;
    let close = |out: &mut Vec<Segment>, del: &mut String, ins: &mut String| {
        push(out, Change::Delete, &std::mem::take(del));
        push(out, Change::Insert, &std::mem::take(ins));
    };
    for s in segs {
        match s.change {
            Change::Delete | Change::Insert => {
                if open {
                    del.push_str(&gap);
                    ins.push_str(&gap);
                } else {
                    push(&mut out, Change::Equal, &gap);
                }
                gap.clear();
                open = true;
                if s.change == Change::Delete {
                    del.push_str(&s.text);
                } else {
                    ins.push_str(&s.text);
                }
            }
            Change::Equal if open && !s.text.is_empty() && s.text.chars().all(is_space) => {
                gap.push_str(&s.text);
            }
            Change::Equal => {
                if open {
                    close(&mut out, &mut del, &mut ins);
                    open = false;
                }
                push(&mut out, Change::Equal, &std::mem::take(&mut gap));
                push(&mut out, Change::Equal, &s.text);
            }
        }
    }
    if open {
        close(&mut out, &mut del, &mut ins);
    }
    push(&mut out, Change::Equal, &gap);
    out
}

/// Blank that may sit inside a run of changes (not a line end).
fn is_space(c: char) -> bool {
    c.is_whitespace() && c != '\n' && c != '\r'
}

/// A line's segments for display: where a deletion and an insertion meet
/// with no space between them, an equal `" "` is put in, so the two read
/// as separate words (`the Seine` `the Loire`, not `the Seinethe Loire`).
pub fn readable(line: &[Segment]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(line.len());
    for s in line {
        if let Some(prev) = out.last() {
            let changed = |c| c != Change::Equal;
            let glued = !prev.text.ends_with(char::is_whitespace)
                && !s.text.starts_with(char::is_whitespace);
            if changed(prev.change) && changed(s.change) && prev.change != s.change && glued {
                out.push(Segment {
                    change: Change::Equal,
                    text: " ".into(),
                });
            }
        }
        out.push(s.clone());
    }
    out
}

/// The word diff of two changed runs of text.
fn words_into(out: &mut Vec<Segment>, old: &str, new: &str) {
    if old.is_empty() || new.is_empty() {
        push(out, Change::Delete, old);
        push(out, Change::Insert, new);
        return;
    }
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .timeout(DEADLINE)
        .diff_words(old, new);
    for ch in diff.iter_all_changes() {
        push(out, tag(ch.tag()), ch.value());
    }
}

/// Segments cut at newlines into display lines (the newline dropped).
pub fn split_lines(segs: &[Segment]) -> Vec<Vec<Segment>> {
    let mut lines: Vec<Vec<Segment>> = vec![Vec::new()];
    for s in segs {
        let mut parts = s.text.split('\n');
        if let Some(first) = parts.next() {
            push(lines.last_mut().expect("never empty"), s.change, first);
        }
        for part in parts {
            lines.push(Vec::new());
            push(lines.last_mut().expect("never empty"), s.change, part);
        }
    }
    lines
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

/// Inserted and deleted lines of a unified diff.
pub fn line_counts(lines: &[DiffLine]) -> (usize, usize) {
    let count = |c| lines.iter().filter(|l| l.change == c).count();
    (count(Change::Insert), count(Change::Delete))
}

/// Counts of changed words, for a header ("+3 -1").
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
