//! Undo history in the steps editors use: typing a word (with the spaces
//! before it), a run of Backspaces or Deletes, or any other edit is one
//! step; a pause, a cursor move or another kind of edit ends a step.
//! Each step keeps only the lines it changed.

use std::time::{Duration, Instant};

/// Typing that stops this long starts a new undo step.
pub const PAUSE: Duration = Duration::from_secs(1);
/// Undo steps kept per buffer (the oldest go first).
const MAX_STEPS: usize = 1000;

/// What an edit is, for deciding whether it joins the step being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    /// One character typed (a newline and a tab count as spaces).
    Type(char),
    /// One character removed before the cursor (Backspace).
    DeleteBack,
    /// One character removed after the cursor (Delete).
    DeleteForward,
    /// Anything else (paste, cut, delete word, ...): a step of its own.
    Other,
}

type Cursor = (usize, usize);

/// One undoable change: lines `row..row + before.len()` were `before` and
/// are `after` (`row..row + after.len()`) once it is done.
#[derive(Debug, Clone)]
struct Step {
    row: usize,
    before: Vec<String>,
    after: Vec<String>,
    cursor_before: Cursor,
    cursor_after: Cursor,
}

/// The step being typed: the text before it, and where and when its last
/// edit left the cursor.
#[derive(Debug)]
struct Open {
    kind: EditKind,
    start: Vec<String>,
    cursor_before: Cursor,
    cursor: Cursor,
    at: Instant,
    edits: usize,
}

#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    open: Option<Open>,
}

impl History {
    /// Called before an edit of `kind` at `cursor`: starts a new step unless
    /// the edit continues the open one. `lines` is the text before the edit.
    pub fn before_edit(&mut self, kind: EditKind, lines: &[String], cursor: Cursor, now: Instant) {
        if let Some(open) = self.open.as_mut()
            && open.continues(kind, cursor, now)
        {
            // Typing remembers its last character, to see a word end.
            open.kind = kind;
            return;
        }
        self.seal(lines);
        self.open = Some(Open {
            kind,
            start: lines.to_vec(),
            cursor_before: cursor,
            cursor,
            at: now,
            edits: 0,
        });
    }

    /// Called after the edit announced by `before_edit`.
    pub fn after_edit(&mut self, changed: bool, cursor: Cursor, now: Instant) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        if changed {
            if open.edits == 0 {
                self.redo.clear();
            }
            open.edits += 1;
            open.cursor = cursor;
            open.at = now;
        } else if open.edits == 0 {
            self.open = None;
        }
    }

    /// Ends the open step (a move, an undo): `lines` is the text now.
    pub fn seal(&mut self, lines: &[String]) {
        let Some(open) = self.open.take() else {
            return;
        };
        if open.edits == 0 {
            return;
        }
        let (row, before, after) = changed_lines(&open.start, lines);
        self.undo.push(Step {
            row,
            before,
            after,
            cursor_before: open.cursor_before,
            cursor_after: open.cursor,
        });
        if self.undo.len() > MAX_STEPS {
            self.undo.remove(0);
        }
    }

    /// Undoes the last step on `lines`; returns where the cursor goes.
    pub fn undo(&mut self, lines: &mut Vec<String>) -> Option<Cursor> {
        self.seal(lines);
        let step = self.undo.pop()?;
        if step.row + step.after.len() > lines.len() {
            // The text changed behind the history's back: nothing to undo.
            self.clear();
            return None;
        }
        lines.splice(step.row..step.row + step.after.len(), step.before.clone());
        let cursor = step.cursor_before;
        self.redo.push(step);
        Some(cursor)
    }

    /// Redoes the last undone step on `lines`; returns where the cursor goes.
    pub fn redo(&mut self, lines: &mut Vec<String>) -> Option<Cursor> {
        self.seal(lines);
        let step = self.redo.pop()?;
        if step.row + step.before.len() > lines.len() {
            self.clear();
            return None;
        }
        lines.splice(step.row..step.row + step.before.len(), step.after.clone());
        let cursor = step.cursor_after;
        self.undo.push(step);
        Some(cursor)
    }

    /// Forgets everything (the whole text was replaced).
    pub fn clear(&mut self) {
        *self = History::default();
    }
}

impl Open {
    /// Whether an edit of `kind` at `cursor` joins this step: the same kind
    /// of one-character edit, where the last one left the cursor, without a
    /// pause; typing breaks where a space follows a word.
    fn continues(&self, kind: EditKind, cursor: Cursor, now: Instant) -> bool {
        if self.edits == 0
            || cursor != self.cursor
            || now.saturating_duration_since(self.at) >= PAUSE
        {
            return false;
        }
        match (self.kind, kind) {
            // A space right after a word starts the next step.
            (EditKind::Type(prev), EditKind::Type(next)) => {
                prev.is_whitespace() || !next.is_whitespace()
            }
            (EditKind::DeleteBack, EditKind::DeleteBack) => true,
            (EditKind::DeleteForward, EditKind::DeleteForward) => true,
            _ => false,
        }
    }
}

/// The lines that differ between `old` and `new`: the first differing row
/// and the differing lines of each (common lines at both ends left out).
fn changed_lines(old: &[String], new: &[String]) -> (usize, Vec<String>, Vec<String>) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    (
        prefix,
        old[prefix..old.len() - suffix].to_vec(),
        new[prefix..new.len() - suffix].to_vec(),
    )
}
