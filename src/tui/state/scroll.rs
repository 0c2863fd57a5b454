//! Scrolling a popup's text (help, inspector): an offset the keys move,
//! kept between the top and the last screenful by the size the view last
//! drew, and the first line of each section (one per model's request) to
//! jump between.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PopupScroll {
    /// The first line shown.
    pub offset: usize,
    /// Lines of text and rows to show them in, as last drawn (rows is 0
    /// before the first draw).
    lines: usize,
    rows: usize,
    /// First line of each section, as last drawn.
    sections: Vec<usize>,
    /// End was pressed: the view shows the last line even if the size
    /// changes before it draws.
    at_end: bool,
}

impl PopupScroll {
    /// The view's report of what it drew: `lines` of text in `rows` rows,
    /// sections starting at `sections`. Keeps the offset in range.
    pub fn fit(&mut self, lines: usize, rows: usize, sections: Vec<usize>) {
        self.lines = lines;
        self.rows = rows;
        self.sections = sections;
        self.offset = if self.at_end {
            self.max()
        } else {
            self.offset.min(self.max())
        };
    }

    /// The largest offset: the last line at the bottom row, not past it.
    pub fn max(&self) -> usize {
        if self.rows == 0 {
            // Not drawn yet: the first draw clamps.
            return usize::MAX;
        }
        self.lines.saturating_sub(self.rows)
    }

    pub fn by(&mut self, delta: isize) {
        self.at_end = false;
        self.offset = self.offset.saturating_add_signed(delta).min(self.max());
    }

    /// One screenful (less a line, for context) down or up.
    pub fn page(&mut self, down: bool) {
        let n = self.rows.saturating_sub(1).max(1) as isize;
        self.by(if down { n } else { -n });
    }

    pub fn top(&mut self) {
        self.at_end = false;
        self.offset = 0;
    }

    pub fn bottom(&mut self) {
        self.at_end = true;
        self.offset = self.max();
    }

    /// To the start of the next (or previous) section; false when there is
    /// none that way.
    pub fn jump_section(&mut self, forward: bool) -> bool {
        let target = if forward {
            self.sections.iter().copied().find(|&s| s > self.offset)
        } else {
            self.sections
                .iter()
                .rev()
                .copied()
                .find(|&s| s < self.offset)
        };
        let Some(s) = target else {
            return false;
        };
        self.at_end = false;
        let to = s.min(self.max());
        let moved = to != self.offset;
        self.offset = to;
        moved
    }

    /// The 0-based section at the top of the view (the first one while the
    /// view is above it; at the bottom, the last one whose start shows),
    /// and how many there are.
    pub fn section_at(&self) -> Option<(usize, usize)> {
        let n = self.sections.len();
        if n == 0 {
            return None;
        }
        let probe = if self.rows > 0 && self.offset >= self.max() {
            self.offset + self.rows - 1
        } else {
            self.offset
        };
        let i = self.sections.iter().rposition(|&s| s <= probe).unwrap_or(0);
        Some((i, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_the_last_screenful_and_jumps_sections() {
        let mut s = PopupScroll::default();
        s.bottom();
        s.fit(50, 10, vec![0, 12, 30, 45]);
        assert_eq!(
            s.offset, 40,
            "End before the first draw lands at the bottom"
        );
        s.fit(50, 10, vec![0, 12, 30, 45]);
        s.by(5);
        assert_eq!(s.offset, 40, "never past the last line");
        s.top();
        s.page(true);
        assert_eq!(s.offset, 9);
        assert!(s.jump_section(true));
        assert_eq!(s.offset, 12);
        assert_eq!(s.section_at(), Some((1, 4)));
        assert!(s.jump_section(true));
        assert_eq!(s.offset, 30);
        assert!(s.jump_section(true));
        assert_eq!(s.offset, 40, "the last section: as far as it scrolls");
        assert_eq!(s.section_at(), Some((3, 4)), "its start is on screen");
        assert!(!s.jump_section(true));
        assert!(s.jump_section(false));
        assert_eq!(s.offset, 30);
        s.top();
        s.fit(50, 10, vec![3, 20]);
        assert_eq!(s.section_at(), Some((0, 2)), "above the first: the first");
        // Shorter text than the rows: nothing to scroll.
        s.fit(5, 10, vec![0]);
        assert_eq!(s.offset, 0);
        s.page(true);
        assert_eq!(s.offset, 0);
    }
}
