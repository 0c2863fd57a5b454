//! Diff drawing of the Outputs pane: a column's word diff (inserted and
//! deleted words in the theme's `diff_insert` / `diff_delete` styles) and
//! the full-width unified diff of the reference and focused columns.

use crate::diff::{Change, Segment};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::view::text::{wrap, wrap_tagged};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) fn change_style(c: Change, t: &Theme) -> Style {
    match c {
        Change::Equal => Style::default(),
        Change::Insert => t.diff_insert,
        Change::Delete => t.diff_delete,
    }
}

/// Runs of tagged text as a styled line.
pub(super) fn tagged_line(runs: Vec<(String, Change)>, t: &Theme) -> Line<'static> {
    Line::from(
        runs.into_iter()
            .map(|(s, c)| Span::styled(s, change_style(c, t)))
            .collect::<Vec<_>>(),
    )
}

/// Reference vs focused column as a unified line diff, full width.
pub(super) fn draw_unified(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let out = &app.outputs;
    let w = area.width as usize;
    let name = |i: usize| {
        out.columns()
            .get(i)
            .map_or_else(|| "?".to_string(), |c| c.label())
    };
    let (r, f) = (out.diffs.reference, out.focus_col);
    let lines = &out.diffs.unified;
    let (ins, del) = crate::diff::line_counts(lines);
    let head = if r == f {
        format!(
            "--- {} (reference) is the focused column: move to another (◂ ▸) or press r elsewhere",
            name(r)
        )
    } else {
        format!(
            "--- {} (reference)  +++ {}  (+{ins} -{del} lines)",
            name(r),
            name(f)
        )
    };
    let mut body: Vec<Line> = wrap(&head, w)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, t.readout)))
        .collect();
    let room = (area.height as usize).saturating_sub(body.len());
    let mut wrapped: Vec<Line> = Vec::new();
    let scroll = out.scroll_of(out.focus_col);
    let need = scroll + room;
    for l in lines {
        let style = change_style(l.change, t);
        let text = format!("{}{}", l.sign(), l.text);
        for piece in wrap(&text, w) {
            wrapped.push(Line::from(Span::styled(piece, style)));
        }
        if !out.follow && wrapped.len() >= need {
            break;
        }
    }
    let start = if out.follow {
        wrapped.len().saturating_sub(room)
    } else {
        scroll.min(wrapped.len())
    };
    body.extend(wrapped.into_iter().skip(start).take(room));
    frame.render_widget(Paragraph::new(body), area);
}

/// A column's word diff, wrapped, with the reasoning above it, scrolled
/// like the plain answer; only the lines on screen are wrapped.
pub(super) fn diff_lines(
    lines: &[Vec<Segment>],
    w: usize,
    room: usize,
    app: &App,
    think: Vec<Line<'static>>,
    skip: usize,
) -> Vec<Line<'static>> {
    let t = &app.theme;
    let wrap_one = |l: &Vec<Segment>| {
        let shown = crate::diff::readable(l);
        wrap_tagged(shown.iter().map(|s| (s.text.as_str(), s.change)), w)
            .into_iter()
            .map(|runs| tagged_line(runs, t))
    };
    if app.outputs.follow {
        let mut rev: Vec<Line> = Vec::with_capacity(room);
        for l in lines.iter().rev() {
            if rev.len() >= room {
                break;
            }
            rev.extend(wrap_one(l).rev());
        }
        rev.truncate(room);
        let spare = room - rev.len();
        let mut out: Vec<Line> = think[think.len().saturating_sub(spare)..].to_vec();
        out.extend(rev.into_iter().rev());
        out
    } else {
        let mut all: Vec<Line> = think;
        for l in lines {
            if all.len() >= skip + room {
                break;
            }
            all.extend(wrap_one(l));
        }
        all.into_iter().skip(skip).take(room).collect()
    }
}
