//! A value being edited in a popup field: its text (newlines allowed) and
//! a cursor you can move, with the few keys a one-field editor needs, and
//! the window of it to show so the cursor stays in view.

/// Text plus a cursor, a char index into it (0..=chars).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldEdit {
    pub text: String,
    cursor: usize,
}

impl FieldEdit {
    /// Editing `text` with the cursor at its end.
    pub fn new(text: &str) -> FieldEdit {
        FieldEdit {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    /// The cursor as a char index.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The cursor as (line, char column), both 0-based.
    pub fn line_col(&self) -> (usize, usize) {
        let before: String = self.text.chars().take(self.cursor).collect();
        let line = before.matches('\n').count();
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
        (line, col)
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn insert_str(&mut self, s: &str) {
        let at = self.byte(self.cursor);
        self.text.insert_str(at, s);
        self.cursor += s.chars().count();
    }

    /// Removes the char before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte(self.cursor);
            self.text.remove(at);
        }
    }

    /// Removes the char under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    /// To the start of the cursor's line.
    pub fn home(&mut self) {
        let (_, col) = self.line_col();
        self.cursor -= col;
    }

    /// To the end of the cursor's line.
    pub fn end(&mut self) {
        let rest = self.text.chars().skip(self.cursor);
        self.cursor += rest.take_while(|c| *c != '\n').count();
    }

    /// One line up or down, keeping the column where the line is long
    /// enough; false when there is no line there.
    pub fn vertical(&mut self, down: bool) -> bool {
        let (line, col) = self.line_col();
        let lines: Vec<&str> = self.text.split('\n').collect();
        let target = if down {
            line + 1
        } else if line == 0 {
            return false;
        } else {
            line - 1
        };
        let Some(l) = lines.get(target) else {
            return false;
        };
        let start: usize = lines[..target].iter().map(|l| l.chars().count() + 1).sum();
        self.cursor = start + col.min(l.chars().count());
        true
    }

    fn byte(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(i, _)| i)
    }
}

/// The first line and first column to show of a field `rows` high and
/// `width` columns wide so that the cursor at (`line`, `col`) is inside;
/// the cursor may sit one past the end of a line.
pub fn window(line: usize, col: usize, rows: usize, width: usize) -> (usize, usize) {
    let top = (line + 1).saturating_sub(rows.max(1));
    let left = (col + 1).saturating_sub(width.max(1));
    (top, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_at_the_cursor_across_lines() {
        let mut f = FieldEdit::new("héllo");
        assert_eq!(f.cursor(), 5);
        f.left();
        f.left();
        f.insert('X');
        assert_eq!(f.text, "hélXlo");
        f.backspace();
        f.delete();
        assert_eq!(f.text, "hélo");
        f.end();
        f.insert_str("\nsecond\nthird");
        assert_eq!(f.line_col(), (2, 5));
        assert!(f.vertical(false));
        assert_eq!(f.line_col(), (1, 5));
        f.home();
        assert_eq!(f.line_col(), (1, 0));
        f.insert('>');
        assert_eq!(f.text, "hélo\n>second\nthird");
        assert!(f.vertical(false));
        assert_eq!(f.line_col(), (0, 1));
        assert!(!f.vertical(false));
        assert!(f.vertical(true) && f.vertical(true));
        assert!(!f.vertical(true));
        assert_eq!(f.line_col(), (2, 1), "column kept where the line allows");
        for _ in 0..20 {
            f.right();
        }
        assert_eq!(f.cursor(), f.text.chars().count());
    }

    #[test]
    fn window_keeps_the_cursor_inside() {
        assert_eq!(window(0, 3, 4, 10), (0, 0));
        assert_eq!(window(5, 3, 4, 10), (2, 0));
        assert_eq!(window(0, 10, 4, 10), (0, 1), "the cursor past the end fits");
        assert_eq!(window(0, 25, 1, 10), (0, 16));
    }
}
