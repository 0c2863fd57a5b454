//! The Variables popup (F3): each variable, its value, and where the value
//! came from in a column of its own; the value being edited shows on up to
//! `EDIT_ROWS` lines with its cursor, scrolled to keep the cursor in view;
//! the title names the test case loaded.

use super::text::{clip, clip_ellipsis};
use crate::prompt::inputs::InputProblemKind;
use crate::tui::app::App;
use crate::tui::state::field::{FieldEdit, window};
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cells of the name column.
const NAME_W: usize = 16;
/// Lines of a value shown at once while it is edited.
pub const EDIT_ROWS: usize = 5;

/// " Variables · test 2/5: refund request ".
pub fn title(app: &App) -> String {
    match &app.current.vars.test_case {
        Some(c) => format!(
            " Variables · test {}/{}: {} ",
            c.index + 1,
            c.total,
            c.label
        ),
        None => " Variables ".to_string(),
    }
}

/// The keys that work now, for the popup's bottom border.
pub fn hints(app: &App) -> &'static str {
    if app.current.vars.editing.is_some() {
        " Enter keep · alt-enter / ctrl-j new line · ←→↑↓ move · Esc drops the edit "
    } else if !app.current.vars.history.is_empty() {
        " Enter edit · t next test case · x drops the saved turns · Esc close "
    } else {
        " Enter edit · t next test case · Esc close "
    }
}

/// The popup's lines for an inner width of `width` cells.
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let vars = &app.current.vars;
    if vars.entries.is_empty() && vars.history.is_empty() {
        return vec![Line::from("This prompt uses no variables.")];
    }
    let tag_w = vars
        .entries
        .iter()
        .map(|e| e.origin.tag().width() + 2)
        .max()
        .unwrap_or(0);
    let value_w = width.saturating_sub(NAME_W + 3 + 2 + tag_w).max(4);
    let mut lines = Vec::new();
    for (i, e) in vars.entries.iter().enumerate() {
        let selected = i == vars.cursor;
        let style = if selected { t.list_selected } else { t.popup };
        let name = Span::styled(pad(&clip_ellipsis(&e.name, NAME_W), NAME_W), t.hl_variable);
        let tag = Span::styled(format!("  ({})", e.origin.tag()), t.dim);
        match vars.editing.as_ref().filter(|_| selected) {
            Some(field) => {
                let rows = edit_rows(field, value_w, t);
                let n_lines = field.text.split('\n').count();
                for (k, row) in rows.into_iter().enumerate() {
                    let mut spans = if k == 0 {
                        vec![name.clone(), Span::styled(" = ", style)]
                    } else {
                        let (line, _) = field.line_col();
                        let at = format!("  at line {}/{n_lines}", line + 1);
                        let label = if k == 1 { at } else { String::new() };
                        vec![Span::styled(pad(&label, NAME_W + 3), t.dim)]
                    };
                    spans.extend(row);
                    if k == 0 {
                        spans.push(tag.clone());
                    }
                    lines.push(Line::from(spans));
                }
            }
            None => {
                let value = clip_ellipsis(&e.text.replace('\n', "⏎"), value_w);
                lines.push(Line::from(vec![
                    name,
                    Span::styled(format!(" = {}", pad(&value, value_w)), style),
                    tag,
                ]));
            }
        }
        // What the last render found wrong with it, right under it.
        if let Some(p) = vars.problem(&e.name) {
            let style = match p.kind {
                InputProblemKind::Invalid => t.error,
                InputProblemKind::Unknown => t.warning,
            };
            let mut text = format!("  ✗ {}", p.message);
            if !p.hint.is_empty() {
                text.push_str(&format!(" ({})", p.hint));
            }
            lines.push(Line::from(Span::styled(text, style)));
        }
    }
    if !vars.history.is_empty() {
        let n = vars.history.len();
        lines.push(Line::from(Span::styled(
            format!("+ {n} saved turn(s) follow the prompt (the case's history)"),
            t.dim,
        )));
    }
    lines
}

/// The visible part of the value being edited: up to `EDIT_ROWS` lines,
/// `width` cells each, scrolled so the cursor (drawn in the cursor style)
/// is inside. Every row is padded to `width`.
fn edit_rows(field: &FieldEdit, width: usize, t: &Theme) -> Vec<Vec<Span<'static>>> {
    let (line, col) = field.line_col();
    let all: Vec<&str> = field.text.split('\n').collect();
    let cursor_x: usize = all[line].chars().take(col).map(cell).sum();
    let (top, left) = window(line, cursor_x, EDIT_ROWS, width);
    let mut rows = Vec::new();
    for (n, text) in all.iter().enumerate().skip(top).take(EDIT_ROWS) {
        // Only the cursor's line scrolls sideways; the others show their
        // start, as the value reads.
        let row = if n == line {
            edit_row(text, Some(col), left, width, t)
        } else {
            edit_row(text, None, 0, width, t)
        };
        rows.push(row);
    }
    rows
}

/// One line of the edited value from display column `left`, `width` cells,
/// with the cursor (a char column) highlighted.
fn edit_row(
    text: &str,
    cursor: Option<usize>,
    left: usize,
    width: usize,
    t: &Theme,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut plain = String::new();
    let (mut x, mut used) = (0, 0);
    let chars: Vec<char> = text.chars().chain([' ']).collect();
    for (i, &c) in chars.iter().enumerate() {
        let is_end = i + 1 == chars.len();
        if is_end && cursor != Some(i) {
            break;
        }
        let w = cell(c);
        let shown = if c == '\t' || c.is_control() { ' ' } else { c };
        if x >= left && used + w <= width {
            if cursor == Some(i) {
                spans.push(Span::styled(std::mem::take(&mut plain), t.popup));
                spans.push(Span::styled(shown.to_string(), t.cursor));
            } else {
                plain.push(shown);
            }
            used += w;
        }
        x += w;
    }
    plain.push_str(&" ".repeat(width.saturating_sub(used)));
    spans.push(Span::styled(plain, t.popup));
    spans.retain(|s| !s.content.is_empty());
    spans
}

/// Cells a char of a value takes in the field (tabs and control chars one).
fn cell(c: char) -> usize {
    if c.is_control() {
        1
    } else {
        c.width().unwrap_or(0)
    }
}

/// `s` padded with spaces to `width` cells (cut if longer).
fn pad(s: &str, width: usize) -> String {
    let s = clip(s, width);
    let fill = width.saturating_sub(s.width());
    format!("{s}{}", " ".repeat(fill))
}
