//! The Versions popup (F4): the open prompt's recorded versions (short id,
//! first and last used, saved or not, labels, calls, eval pass rate, mean
//! cost and latency), and below them the highlighted version's unified
//! diff against the editor's text.

use super::text::clip_ellipsis;
use crate::store::ids::format_time;
use crate::store::versions::VersionSummary;
use crate::tui::app::App;
use crate::tui::layout::centered;
use crate::tui::state::versions::VersionsPopup;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

/// Version rows shown at most (the list scrolls with the highlight).
const ROWS: usize = 8;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, p: &VersionsPopup) {
    let w = area.width.saturating_sub(4).min(110);
    // As tall as the list and the diff need, at most the screen.
    let rows = p.list.as_ref().map_or(1, |l| l.len().min(ROWS) + 2);
    let want = rows + p.diff.lines().count().max(1) + 3;
    let h = area
        .height
        .saturating_sub(2)
        .min(u16::try_from(want).unwrap_or(u16::MAX).max(6));
    let r = centered(area, w, h);
    if r.width < 20 || r.height < 6 {
        return;
    }
    frame.render_widget(Clear, r);
    let t = &app.theme;
    let title = format!(" Versions of {} ", p.prompt);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(t.popup_border)
        .title(Span::styled(title, t.title_focused))
        .title_bottom(Span::styled(
            " ↑↓ pick · pgup/pgdn scroll the diff · Enter restores into the editor · Esc ",
            t.dim,
        ))
        .style(t.popup);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let width = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let Some(list) = &p.list else {
        lines.push(Line::from(Span::styled("reading the history…", t.dim)));
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    };
    if list.is_empty() {
        lines.push(Line::from(format!(
            "No recorded version of {} yet: every run records the text it ran.",
            p.prompt
        )));
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    lines.push(Line::from(Span::styled(
        clip_ellipsis(
            "  version   first used   last used    saved  label        calls  pass   cost/call  latency",
            width,
        ),
        t.dim,
    )));
    let first = p.cursor.saturating_sub(ROWS - 1);
    for (i, v) in list.iter().enumerate().skip(first).take(ROWS) {
        let row = row_text(v, &p.labels_of(&v.version.hash), i == p.cursor);
        let style = if i == p.cursor {
            t.list_selected
        } else {
            t.popup
        };
        lines.push(Line::from(Span::styled(clip_ellipsis(&row, width), style)));
    }
    if list.len() > ROWS {
        lines.push(Line::from(Span::styled(
            format!("  {} of {} versions", p.cursor + 1, list.len()),
            t.dim,
        )));
    }
    lines.push(Line::from(Span::styled("─".repeat(width), t.border)));
    if p.diff.is_empty() {
        lines.push(Line::from(Span::styled(
            "the editor holds exactly this version",
            t.dim,
        )));
    }
    let room = (inner.height as usize).saturating_sub(lines.len());
    for l in p.diff.lines().skip(p.scroll).take(room) {
        lines.push(diff_line(l, width, t));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row_text(v: &VersionSummary, labels: &str, selected: bool) -> String {
    let when = |ms: i64| format_time(ms).get(5..).unwrap_or_default().to_string();
    let pass = match v.pass_rate {
        Some(p) => format!("{:.0}%", p * 100.0),
        None => "-".into(),
    };
    let cost = match v.mean_cost {
        Some(c) => format!("${c:.4}"),
        None => "-".into(),
    };
    let latency = match v.mean_latency_ms {
        Some(ms) if ms >= 1000.0 => format!("{:.1}s", ms / 1000.0),
        Some(ms) => format!("{ms:.0}ms"),
        None => "-".into(),
    };
    format!(
        "{} {:<8}  {:<11}  {:<11}  {:<5}  {:<11}  {:>5}  {:<5}  {:>9}  {:>7}",
        if selected { "▸" } else { " " },
        v.version.short(),
        when(v.version.first_used),
        when(v.version.last_used),
        if v.version.saved { "saved" } else { "-" },
        clip_ellipsis(if labels.is_empty() { "-" } else { labels }, 11),
        v.calls,
        pass,
        cost,
        latency
    )
}

fn diff_line(l: &str, width: usize, t: &Theme) -> Line<'static> {
    let style = if l.starts_with("+++") || l.starts_with("---") || l.starts_with("@@") {
        t.dim
    } else if l.starts_with('+') {
        t.diff_insert
    } else if l.starts_with('-') {
        t.diff_delete
    } else {
        t.popup
    };
    Line::from(Span::styled(clip_ellipsis(l, width), style))
}
