//! The editor's view onto the buffer: scrolling so the cursor shows (in
//! display cells: tabs, wide chars), paging by the last view height, and
//! the mouse wheel.

use super::{EditorState, TAB_WIDTH};
use unicode_width::UnicodeWidthChar;

/// Rows one mouse wheel step scrolls.
const WHEEL_ROWS: usize = 3;

impl EditorState {
    /// Scroll so the cursor is inside a viewport of `height` rows and `width`
    /// display columns; remembers the size for paging.
    pub fn ensure_cursor_visible(&mut self, height: usize, width: usize) {
        self.view_size = (height, width);
        if height == 0 || width == 0 {
            return;
        }
        let (row, col) = self.cursor();
        let last = self.lines().len().saturating_sub(1);
        self.scroll.0 = self.scroll.0.min(last);
        if row < self.scroll.0 {
            self.scroll.0 = row;
        } else if row >= self.scroll.0 + height {
            self.scroll.0 = row + 1 - height;
        }
        let line = self.lines().get(row).map_or("", String::as_str);
        let x = display_col(line, col);
        let cells = line
            .chars()
            .nth(col)
            .map_or(1, |c| char_cells(c, x).clamp(1, width));
        if x < self.scroll.1 {
            self.scroll.1 = x;
        } else if x + cells > self.scroll.1 + width {
            self.scroll.1 = x + cells - width;
        }
    }

    /// Page up/down by one viewport, moving the cursor and the view together.
    pub(super) fn page(&mut self, down: bool, shift: bool) {
        if shift {
            if !self.textarea.is_selecting() {
                self.textarea.start_selection();
            }
        } else {
            self.textarea.cancel_selection();
        }
        let rows = self.view_size.0.saturating_sub(1).max(1);
        let (row, col) = self.cursor();
        if down {
            self.jump(row + rows, col);
            self.scroll.0 += rows;
        } else {
            self.jump(row.saturating_sub(rows), col);
            self.scroll.0 = self.scroll.0.saturating_sub(rows);
        }
        self.scroll.0 = self.scroll.0.min(self.lines().len().saturating_sub(1));
    }

    /// Scroll the view by a wheel step, pulling the cursor along if it would
    /// leave the view.
    pub(super) fn wheel(&mut self, down: bool) -> bool {
        let last = self.lines().len().saturating_sub(1);
        self.scroll.0 = if down {
            (self.scroll.0 + WHEEL_ROWS).min(last)
        } else {
            self.scroll.0.saturating_sub(WHEEL_ROWS)
        };
        let height = self.view_size.0.max(1);
        let (row, col) = self.cursor();
        let target = row.clamp(self.scroll.0, self.scroll.0 + height - 1);
        if target != row {
            self.jump(target, col);
        }
        false
    }
}

/// Display cells `c` takes when it starts at display column `col`: tabs reach
/// the next tab stop, wide (CJK, emoji) chars take 2, control chars show as 1.
pub fn char_cells(c: char, col: usize) -> usize {
    if c == '\t' {
        TAB_WIDTH - col % TAB_WIDTH
    } else if c.is_control() {
        1
    } else {
        c.width().unwrap_or(0)
    }
}

/// The display column where char `char_col` of `line` starts.
pub fn display_col(line: &str, char_col: usize) -> usize {
    line.chars()
        .take(char_col)
        .fold(0, |x, c| x + char_cells(c, x))
}
