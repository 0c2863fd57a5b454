//! The Tests grid (F6, in place of Outputs): a row per case, a column per
//! (prompt variant, model), each cell ✓ / ✗ / score / error / running in
//! the theme's colours with cached, fixed and broken marks, then summary
//! rows per column and a progress line. Only the visible rows are drawn.

use super::pane_block;
use super::text::clip_ellipsis;
use crate::eval::Verdict;
use crate::tui::app::{App, Pane};
use crate::tui::state::test_grid::{Change, GridCell, SortOrder, SuiteGrid, TestsScreen};
use crate::tui::theme::Theme;
use crate::usage::{fmt_cost, fmt_duration};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Width of the case column, and of each result column at least.
const LABEL_W: usize = 28;
/// The widest a case label gets when the cells leave room.
const MAX_LABEL_W: usize = 72;
const CELL_W: usize = 16;

/// The summary rows under the grid: a label and, per column, its text.
/// Each is one function of (grid, column), so more rows (a paired
/// comparison of variants against another column) can sit beside them.
type SummaryRow = (&'static str, fn(&SuiteGrid, usize) -> String);
const SUMMARY_ROWS: [SummaryRow; 3] = [
    ("pass rate [95% CI]", pass_rate_cell),
    ("mean score · cost", score_cost_cell),
    ("p50 latency", latency_cell),
];

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let focused = app.focus == Pane::Outputs && app.popup.is_none();
    let s = &app.tests;
    let t = &app.theme;
    let block = pane_block(title(s), focused, t);
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

/// `Tests · suite (1/2, n next) · failing only · /bob 3 of 40 · failures first`
fn title(s: &TestsScreen) -> String {
    let Some(g) = s.grid() else {
        return format!(" Tests · {} ", s.prompt);
    };
    let mut title = format!(" Tests · {} ", g.name);
    if s.suites.len() > 1 {
        title.push_str(&format!("({}/{}, n next) ", s.suite + 1, s.suites.len()));
    }
    if s.failing_only {
        title.push_str("· failing only ");
    }
    if s.typing || !s.filter.is_empty() {
        let cursor = if s.typing { "▏" } else { "" };
        title.push_str(&format!(
            "· /{}{cursor} {} of {} ",
            s.filter,
            s.rows().len(),
            g.cases.len()
        ));
    }
    if s.sort != SortOrder::Case {
        let col = g.columns.get(s.col.min(g.columns.len().saturating_sub(1)));
        let on = col.map_or(String::new(), |c| format!(" ({})", c.model));
        title.push_str(&format!("· {}{on} ", s.sort.describe()));
    }
    title
}

/// Header, case rows (scrolled to keep the cursor in view), summary rows
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
    // Room the cells leave goes to the case labels (up to a long line).
    let label_w = width
        .saturating_sub(cols * cell_w)
        .clamp(LABEL_W, MAX_LABEL_W);
    let mut lines = Vec::new();
    let mut head = vec![Span::styled(pad("case", label_w), t.title)];
    let same_prompt = g.columns.iter().all(|o| o.prompt == g.columns[0].prompt);
    for c in &g.columns {
        let name = if same_prompt {
            c.model.clone()
        } else {
            format!("{} · {}", c.prompt, c.model)
        };
        head.push(Span::styled(pad(&name, cell_w), t.title));
    }
    lines.push(Line::from(head));
    let rows = s.rows();
    let paired = super::tests_compare::paired_lines(s, g, t, label_w, cell_w, pad);
    // The header, the summary rows, the paired rows and the progress line.
    let room = height
        .saturating_sub(2 + SUMMARY_ROWS.len() + paired.len())
        .max(1);
    let cursor = s.row.min(rows.len().saturating_sub(1));
    let first = cursor.saturating_sub(room - 1);
    if rows.is_empty() {
        let why = if !s.filter.is_empty() {
            "no case matches the filter (esc clears it)"
        } else if s.failing_only {
            "no failing case (f shows all)"
        } else {
            "the suite has no case"
        };
        lines.push(Line::from(Span::styled(why, t.dim)));
    }
    let focus_col = s.col.min(g.columns.len().saturating_sub(1));
    for (i, &case) in rows.iter().enumerate().skip(first).take(room) {
        let selected_row = i == cursor;
        let label_style = if selected_row {
            t.list_selected
        } else {
            t.base
        };
        let mut spans = vec![Span::styled(
            pad(&format!("{}. {}", case + 1, g.row_label(case)), label_w),
            label_style,
        )];
        for col in 0..g.columns.len() {
            cell_spans(g, case, col, cell_w, t, selected_row && col == focus_col)
                .into_iter()
                .for_each(|sp| spans.push(sp));
        }
        lines.push(Line::from(spans));
    }
    for (label, text) in SUMMARY_ROWS {
        let mut row = vec![Span::styled(pad(label, label_w), t.title)];
        for col in 0..g.columns.len() {
            row.push(Span::styled(pad(&text(g, col), cell_w), t.readout));
        }
        lines.push(Line::from(row));
    }
    lines.extend(paired);
    lines.push(progress_line(s, g, t));
    lines
}

/// `2/4 50% [15–85]`
fn pass_rate_cell(g: &SuiteGrid, col: usize) -> String {
    let c = g.stats(col);
    match c.pass_rate() {
        None => "–".into(),
        Some((rate, ci)) => format!(
            "{}/{} {:.0}% [{:.0}–{:.0}]",
            c.passed,
            c.total(),
            rate * 100.0,
            ci.low * 100.0,
            ci.high * 100.0
        ),
    }
}

/// `0.50 · $0.0012`
fn score_cost_cell(g: &SuiteGrid, col: usize) -> String {
    let c = g.stats(col);
    if c.total() == 0 {
        return "–".into();
    }
    let score = c.mean_score().map_or("–".into(), |s| format!("{s:.2}"));
    format!("{score} · {}", fmt_cost(c.cost()))
}

fn latency_cell(g: &SuiteGrid, col: usize) -> String {
    g.stats(col).latency_p50().map_or("–".into(), fmt_duration)
}

/// A cell: its mark in its style, a dim `c` when every sample came from
/// the cache, the fixed / broken mark, padded to `w`.
fn cell_spans(
    g: &SuiteGrid,
    case: usize,
    col: usize,
    w: usize,
    t: &Theme,
    selected: bool,
) -> Vec<Span<'static>> {
    let (text, style, cached) = match g.cell(case, col) {
        None => ("·".to_string(), t.dim, false),
        Some(c) => {
            let (text, style) = cell_text(c, g.changes.get(&(case, col)), t);
            (text, style, c.cached())
        }
    };
    let sel = |s: Style| if selected { s.patch(t.selection) } else { s };
    let text = clip_ellipsis(&text, w.saturating_sub(if cached { 3 } else { 1 }));
    let used = unicode_width::UnicodeWidthStr::width(text.as_str());
    let mut out = vec![Span::styled(text, sel(style))];
    let mut used = used;
    if cached {
        out.push(Span::styled(" c", sel(t.dim)));
        used += 2;
    }
    out.push(Span::styled(
        " ".repeat(w.saturating_sub(used)),
        sel(t.base),
    ));
    out
}

/// A cell's mark (with K samples, how many passed) and its style.
fn cell_text(c: &GridCell, change: Option<&Change>, t: &Theme) -> (String, Style) {
    let Some(verdict) = c.verdict() else {
        return ("… running".into(), t.dim);
    };
    let (mut text, style) = match verdict {
        Verdict::Pass => ("✓".to_string(), t.ok),
        Verdict::Fail => ("✗".to_string(), t.error),
        Verdict::Error => ("! error".to_string(), t.warning),
    };
    if c.expected > 1 {
        text.push_str(&format!(" {}/{}", c.passed(), c.expected));
    } else if let Some(score) = c.mean_score().filter(|s| *s > 0.0 && *s < 1.0)
        && verdict != Verdict::Error
    {
        text.push_str(&format!(" {score:.2}"));
    }
    if c.running() {
        text.push_str(" …");
    }
    match change {
        Some(Change::Fixed) => text.push_str(" fixed"),
        Some(Change::Broken) => text.push_str(" broken"),
        None => {}
    }
    (text, style)
}

/// `running 3/6 · ✓ 2 ✗ 1 ! 0 · $0.0012 · ETA 4.10s · 2 cached · fixed 1 · broken 0`
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
    if let Some(eta) = p.eta.filter(|_| s.running.is_some()) {
        text.push_str(&format!(" · ETA {}", fmt_duration(eta)));
    }
    if p.cached > 0 {
        text.push_str(&format!(" · {} cached (c)", p.cached));
    }
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
