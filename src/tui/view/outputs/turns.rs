//! A continued column drawn as its conversation: the prompt's own user
//! turn, then each turn after it under a `user` / `model` label (the
//! picked one marked), the answer in flight streaming last, and why the
//! last turn went unanswered when it did.

use crate::run::{CellOutcome, CellStatus};
use crate::tui::app::App;
use crate::tui::state::diffs::DiffMode;
use crate::tui::view::text::wrap;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The line of the picked turn's label in `lines`' output, when column
/// `index` has the picked turn.
pub(super) fn picked_line(lines: &[Line], app: &App, index: usize) -> Option<usize> {
    app.convo.picked?;
    if index != app.outputs.focus_col {
        return None;
    }
    lines.iter().position(|l| {
        l.spans
            .first()
            .is_some_and(|s| s.content.starts_with("── ▸"))
    })
}

/// The column's conversation as lines `w` cells wide; `None` when the
/// column has none (or a word diff shows its latest answer instead).
pub(super) fn lines(
    app: &App,
    index: usize,
    col: &CellOutcome,
    w: usize,
) -> Option<Vec<Line<'static>>> {
    let conv = app.convo.of(index)?;
    if matches!(app.outputs.diffs.mode, DiffMode::Words | DiffMode::Previous) {
        return None;
    }
    let t = &app.theme;
    let mut out = settled_turns(app, index, conv.turns.len(), w);
    if conv.is_waiting() {
        let label = format!("{} · model", conv.turns.len() + 2);
        let text = if col.text.is_empty() && col.is_running() {
            "…"
        } else {
            col.text.as_str()
        };
        push_turn(&mut out, &label, text, w, (t.title, t.base));
    } else if let CellStatus::Failed(err) = &col.status {
        for l in wrap(&format!("not answered: {err}"), w) {
            out.push(Line::from(Span::styled(l, t.error)));
        }
    } else if col.status == CellStatus::Cancelled {
        out.push(Line::from(Span::styled(
            "not answered: cancelled",
            t.warning,
        )));
    }
    Some(out)
}

/// The prompt's own user turn and the first `upto` turns after it (the
/// picked one marked); nothing when column `index` has no conversation.
fn settled_turns(app: &App, index: usize, upto: usize, w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let Some(conv) = app.convo.of(index) else {
        return out;
    };
    let t = &app.theme;
    let picked = app.convo.picked.filter(|_| index == app.outputs.focus_col);
    let prompt_turn = conv
        .base
        .request
        .messages
        .iter()
        .rev()
        .find(|m| m.role == "user")
        .map(|m| m.plain_text())
        .unwrap_or_default();
    push_turn(
        &mut out,
        "1 · user (prompt)",
        &prompt_turn,
        w,
        (t.title, t.dim),
    );
    for (i, turn) in conv.turns.iter().enumerate().take(upto) {
        let label = format!("{} · {}", i + 2, turn.role);
        let style = if picked == Some(i) {
            (t.list_selected, t.base)
        } else {
            (t.title, t.base)
        };
        let label = if picked == Some(i) {
            format!("▸ {label}")
        } else {
            label
        };
        push_turn(&mut out, &label, &turn.plain_text(), w, style);
    }
    out
}

/// A continued column's turns up to its last user turn: what came before
/// the tool calls its latest answer made (drawn above them).
pub(super) fn before_tools(app: &App, index: usize, w: usize) -> Vec<Line<'static>> {
    let upto = app.convo.of(index).map_or(0, |c| {
        c.turns
            .iter()
            .rposition(|t| t.role == "user")
            .map_or(0, |i| i + 1)
    });
    settled_turns(app, index, upto, w)
}

/// `── LABEL ──` and the turn's text wrapped below it.
fn push_turn(
    out: &mut Vec<Line<'static>>,
    label: &str,
    text: &str,
    w: usize,
    (label_style, text_style): (Style, Style),
) {
    out.push(Line::from(Span::styled(
        format!("── {label} ──"),
        label_style,
    )));
    for l in wrap(text.trim(), w) {
        out.push(Line::from(Span::styled(l, text_style)));
    }
}
