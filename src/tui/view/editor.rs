//! Draws the prompt editor pane: a bordered block with a line-number gutter,
//! highlighted text, selection, search matches and the cursor; long lines
//! scroll sideways, and wide characters and tabs take their real width.
//! Whitespace at the end of a line shows as dim `·` / `→`, so nothing is
//! sent that the screen does not show.

use std::ops::Range;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;

use crate::tui::editor::{EditorState, char_cells};
use crate::tui::highlight::{Highlighter, LineSpans};
use crate::tui::theme::Theme;

/// Narrower than this many text columns, the gutter is dropped.
const MIN_TEXT_WIDTH: usize = 8;

/// Draw `state` into `area`. Only `state.scroll` changes (to keep the cursor
/// in view). When `focused`, the cursor cell is styled and the terminal
/// cursor is placed on it.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &mut EditorState,
    hl: &mut Highlighter,
    theme: &Theme,
    focused: bool,
    title: &str,
) {
    let dirty = if state.is_dirty() { " [+]" } else { "" };
    let block = super::pane_block(format!(" {title}{dirty} "), focused, theme).style(theme.base);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }

    let digits = state.lines().len().to_string().len().max(2);
    let gutter = if usize::from(inner.width) >= digits + 1 + MIN_TEXT_WIDTH {
        digits + 1
    } else {
        0
    };
    let text = Rect {
        x: inner.x + gutter as u16,
        width: inner.width - gutter as u16,
        ..inner
    };
    state.ensure_cursor_visible(text.height.into(), text.width.into());

    let spans = hl.highlight(state.lines());
    let (cursor_row, cursor_col) = state.cursor();
    let (top, left) = state.scroll;
    let buf = frame.buffer_mut();
    let mut cursor_pos = None;
    for (y, row) in (text.y..text.bottom()).zip(top..) {
        let Some(line) = state.lines().get(row) else {
            break;
        };
        let is_cursor_row = row == cursor_row;
        let line_style = if is_cursor_row && focused {
            theme.base.patch(theme.cursor_line)
        } else {
            theme.base
        };
        if gutter > 0 {
            let number = format!("{:>digits$} ", row + 1);
            let style = line_style.patch(theme.line_number);
            buf.set_stringn(inner.x, y, number, gutter, style);
        }
        buf.set_style(
            Rect {
                y,
                height: 1,
                ..text
            },
            line_style,
        );
        let row_view = RowView {
            y,
            area: text,
            left,
            line_style,
            theme,
            cursor: (is_cursor_row && focused).then_some(cursor_col),
            selection: selected_chars(state.selection(), row, line),
        };
        let matches = state.search_matches(line);
        let empty = Vec::new();
        let x = row_view.draw(buf, line, spans.get(row).unwrap_or(&empty), &matches);
        if is_cursor_row {
            cursor_pos = x;
        }
    }
    if focused && let Some(x) = cursor_pos {
        frame.set_cursor_position(Position::new(x, text.y + (cursor_row - top) as u16));
    }
}

/// The selected char columns of `row` (end exclusive); the column just past
/// the line's end counts when the selection goes on to the next line.
fn selected_chars(
    sel: Option<((usize, usize), (usize, usize))>,
    row: usize,
    line: &str,
) -> Range<usize> {
    let Some(((r0, c0), (r1, c1))) = sel else {
        return 0..0;
    };
    if row < r0 || row > r1 {
        return 0..0;
    }
    let start = if row == r0 { c0 } else { 0 };
    let end = if row == r1 {
        c1
    } else {
        line.chars().count() + 1
    };
    start..end
}

/// Everything needed to draw one buffer line into one screen row.
struct RowView<'a> {
    y: u16,
    area: Rect,
    /// First visible display column.
    left: usize,
    line_style: Style,
    theme: &'a Theme,
    /// The cursor's char column, when it is drawn on this row.
    cursor: Option<usize>,
    selection: Range<usize>,
}

impl RowView<'_> {
    /// Draw `line`; returns the screen x of the cursor if it is on screen.
    fn draw(
        &self,
        buf: &mut Buffer,
        line: &str,
        spans: &LineSpans,
        matches: &[Range<usize>],
    ) -> Option<u16> {
        let width = usize::from(self.area.width);
        // Trailing spaces and tabs would go out unseen in every request:
        // they are drawn as dim `·` and `→`.
        let trailing = line.trim_end_matches([' ', '\t']).len();
        let (mut span_i, mut match_i) = (0, 0);
        let mut col = 0; // display column
        let mut cursor_x = None;
        let mut last_cell: Option<u16> = None;
        for (ci, (bi, c)) in line.char_indices().chain([(line.len(), ' ')]).enumerate() {
            let at_end = bi == line.len();
            if col >= self.left + width {
                break;
            }
            while spans.get(span_i).is_some_and(|(r, _)| r.end <= bi) {
                span_i += 1;
            }
            while matches.get(match_i).is_some_and(|r| r.end <= bi) {
                match_i += 1;
            }
            let mut style = self.line_style;
            if let Some((_, kind)) = spans.get(span_i).filter(|(r, _)| r.contains(&bi)) {
                style = style.patch(self.theme.hl(*kind));
            }
            if matches.get(match_i).is_some_and(|r| r.contains(&bi)) {
                style = style.patch(self.theme.search_match);
            }
            if self.selection.contains(&ci) {
                style = style.patch(self.theme.selection);
            }
            let is_cursor = self.cursor == Some(ci);
            if is_cursor {
                style = style.patch(self.theme.cursor);
            }
            let cells = char_cells(c, col);
            if cells == 0 {
                // A combining mark joins the cell before it; a cursor on it
                // shows where the next char goes.
                if is_cursor && (self.left..self.left + width).contains(&col) {
                    cursor_x = Some(self.area.x + (col - self.left) as u16);
                }
                if let Some(x) = last_cell
                    && let Some(cell) = buf.cell_mut((x, self.y))
                {
                    let joined = format!("{}{c}", cell.symbol());
                    cell.set_symbol(&joined);
                }
                continue;
            }
            if at_end && !is_cursor && !self.selection.contains(&ci) {
                break;
            }
            let visible_blank = !at_end && bi >= trailing;
            if visible_blank {
                style = style.patch(self.theme.dim);
            }
            let symbol = match c {
                ' ' if visible_blank => '·',
                '\t' if visible_blank => '→',
                c if c.is_control() && c != '\t' => '\u{fffd}',
                c => c,
            };
            // A wide char cut by an edge shows as blanks in its style.
            let whole = (c != '\t' || visible_blank)
                && col >= self.left
                && col + cells <= self.left + width;
            last_cell = None;
            for k in 0..cells {
                let dc = col + k;
                if dc < self.left || dc >= self.left + width {
                    continue;
                }
                let x = self.area.x + (dc - self.left) as u16;
                let Some(cell) = buf.cell_mut((x, self.y)) else {
                    continue;
                };
                if !whole || (c == '\t' && k > 0) {
                    cell.set_char(' ');
                } else if k == 0 {
                    cell.set_char(symbol);
                    last_cell = Some(x);
                } else {
                    cell.reset(); // covered by the wide char before it
                }
                cell.set_style(style);
                if is_cursor && cursor_x.is_none() {
                    cursor_x = Some(x);
                }
            }
            col += cells;
        }
        cursor_x
    }
}

#[cfg(test)]
mod tests;
