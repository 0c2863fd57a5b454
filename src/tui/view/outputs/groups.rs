//! The agreement band of the Outputs pane: above the columns of a run with
//! repeats, a line (two when it needs them) per group of samples (model
//! and temperature) spanning its visible columns, with the group's
//! `Agreement` once all are in.

use crate::run::CellSlot;
use crate::session::collect::Group;
use crate::tui::app::App;
use crate::tui::state::outputs::Outputs;
use crate::tui::view::text::wrap;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// `openai:gpt-4o t=0.7 ×3` and the figures (or progress) of a group.
fn group_text(g: &Group, out: &Outputs) -> (String, String) {
    let first = &out.columns()[g.cells.start];
    let slot = CellSlot {
        samples: 1,
        ..first.slot
    };
    let name = format!("{}{} ×{}", first.name, slot.suffix(), g.cells.len());
    let figures = match &g.agreement {
        Some(a) => a.line(),
        None => {
            let settled = out.columns()[g.cells.clone()]
                .iter()
                .filter(|c| c.is_settled())
                .count();
            format!("{settled}/{} samples in…", g.cells.len())
        }
    };
    (name, figures)
}

/// A visible group: where its columns start and end on screen.
struct GroupSpan {
    group: usize,
    x: u16,
    width: u16,
    last: bool,
}

fn visible(out: &Outputs, first: usize, rects: &[Rect]) -> Vec<GroupSpan> {
    let shown = first..first + rects.len();
    let mut v = Vec::new();
    for (group, g) in out.results.groups.iter().enumerate() {
        let start = g.cells.start.max(shown.start);
        let end = g.cells.end.min(shown.end);
        if g.cells.len() < 2 || start >= end {
            continue;
        }
        let (a, b) = (rects[start - first], rects[end - 1 - first]);
        v.push(GroupSpan {
            group,
            x: a.x,
            width: (b.x + b.width).saturating_sub(a.x),
            last: end == shown.end,
        });
    }
    v
}

/// The band's text for a group, wrapped to `room` cells: at most two lines.
fn band_lines(g: &Group, out: &Outputs, room: u16) -> Vec<String> {
    let (name, figures) = group_text(g, out);
    let mut lines = wrap(&format!("{name}: {figures}"), room as usize);
    lines.truncate(2);
    lines
}

/// How many lines the band needs for the columns `first..` in `rects`:
/// 0 (no repeats), 1, or 2 when a group's figures do not fit on one.
pub(super) fn band_height(out: &Outputs, first: usize, rects: &[Rect]) -> u16 {
    visible(out, first, rects)
        .iter()
        .map(|v| band_lines(&out.results.groups[v.group], out, room(v)).len() as u16)
        .max()
        .unwrap_or(0)
}

fn room(v: &GroupSpan) -> u16 {
    v.width.saturating_sub(if v.last { 0 } else { 1 })
}

/// Draws the band in `band` for the columns `first..` shown in `rects`.
pub(super) fn draw_band(frame: &mut Frame, band: Rect, first: usize, rects: &[Rect], app: &App) {
    let t = &app.theme;
    let out = &app.outputs;
    for v in visible(out, first, rects) {
        let g = &out.results.groups[v.group];
        let room = room(&v);
        let name = group_text(g, out).0;
        let lines: Vec<Line> = band_lines(g, out, room)
            .into_iter()
            .map(|l| {
                // The group's name in the title style, its figures dimmer.
                let split = if l.starts_with(&name) { name.len() } else { 0 };
                let (a, b) = l.split_at(split);
                Line::from(vec![
                    Span::styled(a.to_string(), t.title),
                    Span::styled(b.to_string(), t.readout),
                ])
            })
            .collect();
        let h = band.height;
        frame.render_widget(Paragraph::new(lines), Rect::new(v.x, band.y, room, h));
        if !v.last && v.width > 0 {
            let rule = Rect::new(v.x + v.width - 1, band.y, 1, h);
            let bars = vec![Line::from("│"); h as usize];
            frame.render_widget(Paragraph::new(bars).style(t.border), rule);
        }
    }
}
