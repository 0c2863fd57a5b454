//! Where each pane goes for a given terminal size. A pure function, so the
//! mouse handler in `App::update` and the views agree on the same rects.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MainLayout {
    pub editor: Rect,
    pub examples: Rect,
    pub models: Rect,
    pub outputs: Rect,
    pub status: Rect,
}

/// Editor top-left, Examples and Models stacked top-right, Outputs below,
/// one status line at the bottom. Small terminals shrink panes to nothing
/// rather than fail.
pub fn main_layout(area: Rect) -> MainLayout {
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(0), Constraint::Length(1)])
        .split(area);
    let (body, status) = (rows[0], rows[1]);
    let halves = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Percentage(55), Constraint::Percentage(45)])
        .split(body);
    let top = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(62), Constraint::Percentage(38)])
        .split(halves[0]);
    let side = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Percentage(55), Constraint::Percentage(45)])
        .split(top[1]);
    MainLayout {
        editor: top[0],
        examples: side[0],
        models: side[1],
        outputs: halves[1],
        status,
    }
}

/// A centered rect of at most `w` x `h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn contains(r: Rect, col: u16, row: u16) -> bool {
    col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height
}
