//! The Tests grid (F6, in place of Outputs): a row per case, a column per
//! (prompt variant, model), each cell ✓ / ✗ / score / error / running in
//! the theme's colours with fixed/broken marks after a re-run, then a
//! summary row per column and a progress line.

use super::pane_block;
use super::text::clip_ellipsis;
use crate::eval::Verdict;
use crate::tui::app::{App, Pane};
use crate::tui::state::test_grid::{Change, GridCell, SuiteGrid, TestsScreen};
use crate::tui::theme::Theme;
use crate::usage::fmt_cost;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Width of the case column, and of each result column at least.
const LABEL_W: usize = 28;
const CELL_W: usize = 16;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let focused = app.focus == Pane::Outputs && app.popup.is_none();
    let s = &app.tests;
    let t = &app.theme;
    let mut title = format!(" Tests · {} ", s.prompt);
    if let Some(g) = s.grid() {
        title = format!(" Tests · {} ", g.name);
        if s.suites.len() > 1 {
            title.push_str(&format!("({}/{}, n next) ", s.suite + 1, s.suites.len()));
        }
    }
    if s.failing_only {
        title.push_str("· failing only ");
    }
    let block = pane_block(title, focused, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = match (s.grid(), &s.problem) {
        (Some(g), _) => grid_lines(s, g, t, inner.width as usize, inner.height as usize),
        (None, Some(p)) => vec![Line::from(Span::styled(p.clone(), t.warning))],
        (None, None) if s.loading.is_some() => {
            vec![Line::from(Span::styled("loading the suites…", t.dim))]
        }
        (None, None) => vec![Line::from(Span::styled("no suite loaded", t.dim))],
    };
    let para = Paragraph::new(lines).style(t.base);
    let para = if s.grid().is_none() {
        para.wrap(ratatui::widgets::Wrap { trim: false })
    } else {
        para
    };
    frame.render_widget(para, inner);
}

/// Header, case rows (scrolled to keep the cursor in view), summary row
/// and progress line, fitted to `height`.
fn grid_lines(
    s: &TestsScreen,
    g: &SuiteGrid,
    t: &Theme,
    width: usize,
    height: usize,
) -> Vec<Line<'static>> {
    let cols = g.columns.len().max(1);
    let cell_w = (width.saturating_sub(LABEL_W) / cols).clamp(CELL_W.min(width), 40);
    let mut lines = Vec::new();
    let mut head = vec![Span::styled(pad("case", LABEL_W), t.title)];
    for c in &g.columns {
        let name = if g.columns.iter().all(|o| o.prompt == c.prompt) {
            c.model.clone()
        } else {
            format!("{} · {}", c.prompt, c.model)
        };
        head.push(Span::styled(pad(&name, cell_w), t.title));
    }
    lines.push(Line::from(head));
    let rows = s.rows();
    // Header, summary and progress take three lines.
    let room = height.saturating_sub(3).max(1);
    let cursor = s.row.min(rows.len().saturating_sub(1));
    let first = cursor.saturating_sub(room - 1);
    if rows.is_empty() {
        let why = if s.failing_only {
            "no failing case (f shows all)"
        } else {
            "the suite has no case"
        };
        lines.push(Line::from(Span::styled(why, t.dim)));
    }
    for (i, &case) in rows.iter().enumerate().skip(first).take(room) {
        let selected_row = i == cursor;
        let label_style = if selected_row {
            t.list_selected
        } else {
            t.base
        };
        let mut spans = vec![Span::styled(
            pad(&format!("{}. {}", case + 1, g.row_label(case)), LABEL_W),
            label_style,
        )];
        for col in 0..g.columns.len() {
            let (text, mut style) = cell_text(g, case, col, t);
            if selected_row && col == s.col.min(g.columns.len() - 1) {
                style = style.patch(t.selection);
            }
            spans.push(Span::styled(pad(&text, cell_w), style));
        }
        lines.push(Line::from(spans));
    }
    let mut sum = vec![Span::styled(pad("summary", LABEL_W), t.title)];
    for col in 0..g.columns.len() {
        let c = g.summary(col);
        let text = if c.graded == 0 {
            "–".to_string()
        } else {
            format!(
                "{}/{} {:.2} {}",
                c.passed,
                c.graded,
                c.score_sum / c.graded as f64,
                fmt_cost(c.cost)
            )
        };
        sum.push(Span::styled(pad(&text, cell_w), t.readout));
    }
    lines.push(Line::from(sum));
    lines.push(progress_line(s, g, t));
    lines
}

/// A cell's mark and its style.
fn cell_text(g: &SuiteGrid, case: usize, col: usize, t: &Theme) -> (String, Style) {
    let change = g.changes.get(&(case, col));
    match g.cells.get(&(case, col)) {
        None => ("·".into(), t.dim),
        Some(GridCell::Running) => ("… running".into(), t.dim),
        Some(GridCell::Done(r)) => {
            let score = r.grade.as_ref().map(|g| g.score).unwrap_or(0.0);
            let partial = score > 0.0 && score < 1.0;
            let (mut text, style) = match r.verdict {
                Verdict::Pass => ("✓".to_string(), t.ok),
                Verdict::Fail => ("✗".to_string(), t.error),
                Verdict::Error => ("! error".to_string(), t.warning),
            };
            if partial && r.verdict != Verdict::Error {
                text.push_str(&format!(" {score:.2}"));
            }
            if r.outcome.cached {
                text.push_str(" ⊙");
            }
            match change {
                Some(Change::Fixed) => text.push_str(" fixed"),
                Some(Change::Broken) => text.push_str(" broken"),
                None => {}
            }
            (text, style)
        }
    }
}

/// `running 3/6 · ✓ 2 ✗ 1 ! 0 · $0.0012 · fixed 1 · broken 0`
fn progress_line(s: &TestsScreen, g: &SuiteGrid, t: &Theme) -> Line<'static> {
    let p = g.progress();
    if p.total == 0 && p.pass + p.fail + p.error == 0 {
        let cases = g.cases.len();
        return Line::from(Span::styled(
            format!(
                "{cases} case(s) × {} column(s) · r runs the suite",
                g.columns.len()
            ),
            t.dim,
        ));
    }
    let done = p.pass + p.fail + p.error;
    let state = if s.running.is_some() {
        format!("running {}/{}", p.total - p.running, p.total)
    } else {
        format!("{done} graded")
    };
    let mut text = format!(
        "{state} · ✓ {} ✗ {} ! {} · {}",
        p.pass,
        p.fail,
        p.error,
        fmt_cost(p.cost)
    );
    if !g.previous.is_empty() {
        let (fixed, broken) = g.change_counts();
        text.push_str(&format!(" · fixed {fixed} · broken {broken}"));
    }
    Line::from(Span::styled(text, t.readout))
}

/// `text` clipped or padded to `w` cells, one space kept at the end.
fn pad(text: &str, w: usize) -> String {
    let clipped = clip_ellipsis(text, w.saturating_sub(1));
    let used = unicode_width::UnicodeWidthStr::width(clipped.as_str());
    format!("{clipped}{}", " ".repeat(w.saturating_sub(used)))
}
