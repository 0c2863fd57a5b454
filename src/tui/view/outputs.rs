//! The Outputs pane: one column per cell of the latest run, each with a
//! header (model, sweep temperature, sample; status) and readouts
//! (`compare::Readout`), then the answer (or its diff) wrapped to the
//! column, and a run summary below; columns that do not fit are paged
//! sideways. Runs with repeats get an agreement band above the columns.

mod diff;
mod groups;
mod tool_calls;
mod turns;

use super::pane_block;
use super::text::{clean_line, clip, clip_ellipsis, wrap, wrap_tail, wrap_window};
use crate::compare::{Readout, RunSummary};
use crate::provider::types::secs;
use crate::run::{CellOutcome, CellStatus};
use crate::tui::app::{App, Pane};
use crate::tui::state::diffs::DiffMode;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

/// Narrowest a column may get before columns are paged instead.
const MIN_COLUMN: u16 = 28;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let focused = app.focus == Pane::Outputs && app.popup.is_none();
    let t = &app.theme;
    let out = &app.outputs;
    let columns = out.columns();
    let n = columns.len();
    let per_page = if out.zoom {
        1
    } else {
        ((area.width.saturating_sub(2)) / MIN_COLUMN).max(1) as usize
    };
    let first = if n > per_page {
        (out.focus_col / per_page * per_page).min(n - per_page)
    } else if out.zoom {
        out.focus_col.min(n.saturating_sub(1))
    } else {
        0
    };
    let mut title = " Outputs ".to_string();
    if out.zoom {
        title = format!(
            " Outputs {} of {n} (zoomed, z) ",
            out.focus_col.min(n.saturating_sub(1)) + 1
        );
    } else if n > per_page {
        title = format!(
            " Outputs {}-{} of {n} (◂ ▸) ",
            first + 1,
            (first + per_page).min(n)
        );
    }
    if out.diffs.mode != DiffMode::Off {
        title.push_str(&format!("· {} ", out.diffs.mode.label()));
    }
    let block = pane_block(title, focused, t);
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    if n == 0 {
        let key = app
            .keymap
            .key_for(app.focus.context(), crate::tui::action::Command::Run)
            .unwrap_or("ctrl-r");
        let msg = format!("Press {key} to run the prompt on the checked models.");
        frame.render_widget(Paragraph::new(msg).style(t.dim), inner);
        return;
    }
    // The run summary takes the last line when there is room for it.
    if inner.height >= 4 {
        let all: Vec<Readout> = columns.iter().map(|c| readout(c, app)).collect();
        let summary = RunSummary::of(&all).line();
        let y = inner.y + inner.height - 1;
        let line = Rect::new(inner.x, y, inner.width, 1);
        frame.render_widget(
            Paragraph::new(clip(&summary, inner.width as usize)).style(t.readout),
            line,
        );
        inner.height -= 1;
    }
    if out.diffs.mode == DiffMode::Unified {
        diff::draw_unified(frame, inner, app);
        return;
    }
    let shown = &columns[first..(first + per_page).min(n)];
    let constraints = vec![Constraint::Ratio(1, shown.len() as u32); shown.len()];
    let split = |area: Rect| {
        Layout::default()
            .direction(Direction::Horizontal)
            .constraints(constraints.clone())
            .split(area)
    };
    let mut rects = split(inner);
    let want = groups::band_height(out, first, &rects);
    let band = (want > 0 && inner.height >= want + 2).then(|| {
        let band = Rect::new(inner.x, inner.y, inner.width, want);
        inner.y += want;
        inner.height -= want;
        band
    });
    if band.is_some() {
        rects = split(inner);
    }
    if let Some(band) = band {
        groups::draw_band(frame, band, first, &rects, app);
    }
    let marker_w = match out.diffs.mode {
        DiffMode::Words | DiffMode::Unified => REF_MARKER.len(),
        _ => 0,
    };
    let header = Header {
        name_room: name_room(shown, &rects, marker_w, t),
    };
    for (i, (col, rect)) in shown.iter().zip(rects.iter()).enumerate() {
        let is_focus = focused && first + i == out.focus_col;
        let last = i + 1 == shown.len();
        draw_column(frame, *rect, first + i, col, app, (is_focus, last), header);
    }
}

/// Marks the diff reference's column.
const REF_MARKER: &str = "[ref] ";
/// Header cells a status may keep from a long name ("streaming…" fits);
/// a longer status (a retry's reason) is cut instead.
const STATUS_ROOM: usize = 10;
/// A model's name is never cut shorter than this.
const MIN_NAME: usize = 6;

/// What every column header of a page shares.
#[derive(Clone, Copy)]
struct Header {
    /// Cells for the model's name: the same in every column, so one model
    /// reads the same in neighbouring columns (a cut name ends with `…`).
    name_room: usize,
}

/// The name room of the columns `shown` in `rects`: the longest name, if
/// the narrowest column has room for it beside the widest sample /
/// temperature suffix, the [ref] marker and the widest status (up to
/// `STATUS_ROOM`).
fn name_room(shown: &[CellOutcome], rects: &[Rect], marker_w: usize, t: &Theme) -> usize {
    let n = rects.len();
    let inner = rects
        .iter()
        .enumerate()
        .map(|(i, r)| r.width as usize - usize::from(i + 1 < n && r.width > 0))
        .min()
        .unwrap_or(0);
    let suffix = shown
        .iter()
        .map(|c| c.slot.suffix().width())
        .max()
        .unwrap_or(0);
    let status = shown
        .iter()
        .map(|c| status_of(c, t).0.width().min(STATUS_ROOM))
        .max()
        .unwrap_or(0);
    let longest = shown.iter().map(|c| c.name.width()).max().unwrap_or(0);
    let room = inner.saturating_sub(marker_w + suffix + 1 + status);
    longest.min(room.max(MIN_NAME))
}

/// What the `context:` policy cut from a column's request, in one line.
fn cut_line(cut: &crate::session::context::ContextCut) -> String {
    let mut s = format!("context: {}", cut.what);
    if !cut.fits() {
        s.push_str(", still over the window");
    }
    s
}

/// A column's figures with its model's catalog entry.
fn readout<'a>(col: &'a CellOutcome, app: &'a App) -> Readout<'a> {
    Readout::new(col, app.session.catalog.lookup(&col.model.to_string()))
}

fn draw_column(
    frame: &mut Frame,
    area: Rect,
    index: usize,
    col: &CellOutcome,
    app: &App,
    (focus, last): (bool, bool),
    header: Header,
) {
    let t = &app.theme;
    // A vertical rule between columns.
    let block = if last {
        Block::default()
    } else {
        Block::default()
            .borders(Borders::RIGHT)
            .border_style(t.border)
    };
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let w = inner.width as usize;
    let (status, status_style) = status_of(col, t);
    let name_style = if focus { t.title_focused } else { t.title };
    let diffs = &app.outputs.diffs;
    let marker = match diffs.mode {
        DiffMode::Words | DiffMode::Unified if diffs.reference == index => REF_MARKER,
        _ => "",
    };
    // The name takes the room every column gives it; the suffix (sample,
    // temperature) and the status share what is left, the status last.
    let name = clip_ellipsis(&col.name, header.name_room.min(w));
    let used = marker.len() + name.width();
    let suffix = clip(&col.slot.suffix(), w.saturating_sub(used));
    let used = used + suffix.width();
    let status = clip_ellipsis(&status, w.saturating_sub(used + 1));
    let header = Line::from(vec![
        Span::styled(marker, t.readout),
        Span::styled(name, name_style),
        Span::styled(suffix, name_style),
        Span::raw(" "),
        Span::styled(status, status_style),
    ]);
    let bar = if w >= 24 { 6 } else { 3 };
    let mut lines = vec![header];
    for readout in readout(col, app).lines(bar) {
        for l in wrap(&readout, w) {
            lines.push(Line::from(Span::styled(l, t.readout)));
        }
    }
    if let Some(cut) = app.outputs.cuts.get(index).and_then(Option::as_ref) {
        for l in wrap(&cut_line(cut), w) {
            lines.push(Line::from(Span::styled(l, t.warning)));
        }
    }
    let check = app
        .outputs
        .results
        .checks
        .get(index)
        .and_then(Option::as_ref);
    if let Some(check) = check {
        let style = if check.is_valid() { t.ok } else { t.error };
        for l in wrap(&check.line(), w) {
            lines.push(Line::from(Span::styled(l, style)));
        }
    }
    let text = match (check, app.outputs.pretty) {
        (Some(check), true) => check.pretty.as_deref().unwrap_or(&col.text),
        _ => col.text.as_str(),
    };
    let head_h = lines.len().min(inner.height as usize);
    let body_h = inner.height as usize - head_h;
    let conversation = match tool_calls::lines(app, index, col, w) {
        Some(tools) => Some([turns::before_tools(app, index, w), tools].concat()),
        None => turns::lines(app, index, col, w),
    };
    if let Some(all) = conversation {
        let mut skip = if app.outputs.follow {
            all.len().saturating_sub(body_h)
        } else {
            app.outputs.scroll_of(index)
        };
        // The picked turn stays in view.
        if let Some(at) = turns::picked_line(&all, app, index) {
            skip = skip.min(at).max((at + 2).saturating_sub(body_h));
        }
        lines.truncate(head_h);
        lines.extend(all.into_iter().skip(skip).take(body_h));
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let mut body: Vec<Line> = Vec::new();
    if let CellStatus::Failed(err) = &col.status {
        for l in wrap(&format!("error: {err}"), w) {
            body.push(Line::from(Span::styled(l, t.error)));
        }
        if !col.text.is_empty() {
            body.push(Line::from(Span::styled(
                "── text before the error ──",
                t.dim,
            )));
        }
    }
    // Reasoning, when the model streamed any, sits dimmed above the answer
    // and scrolls with it; only the visible part of the answer is wrapped.
    let think = thinking_lines(&col.thinking, w, t);
    let room = body_h.saturating_sub(body.len());
    let diff = match diffs.mode {
        DiffMode::Words | DiffMode::Previous => diffs.words.get(index).and_then(Option::as_ref),
        _ => None,
    };
    if diffs.mode == DiffMode::Previous && diff.is_none() && room > 0 {
        body.push(Line::from(Span::styled(
            "(no previous run of this model)",
            t.dim,
        )));
    }
    let room = body_h.saturating_sub(body.len());
    if let Some(segs) = diff {
        body.extend(diff::diff_lines(
            segs,
            w,
            room,
            app,
            think,
            app.outputs.scroll_of(index),
        ));
    } else if app.outputs.follow {
        let text_lines = if app.outputs.nowrap {
            clip_tail(text, w, room)
        } else {
            wrap_tail(text, w, room)
        };
        let spare = room - text_lines.len();
        body.extend(think[think.len().saturating_sub(spare)..].iter().cloned());
        body.extend(text_lines.into_iter().map(Line::from));
    } else {
        let skip = app.outputs.scroll_of(index);
        let shown: Vec<Line> = think.iter().skip(skip).take(room).cloned().collect();
        let rest = room - shown.len();
        body.extend(shown);
        let text_skip = skip.saturating_sub(think.len());
        let window = if app.outputs.nowrap {
            text.split('\n')
                .skip(text_skip)
                .take(rest)
                .map(|l| clip(&clean_line(l), w))
                .collect()
        } else {
            wrap_window(text, w, text_skip, rest)
        };
        body.extend(window.into_iter().map(Line::from));
    }
    let visible: Vec<Line> = body.into_iter().take(body_h).collect();
    lines.truncate(head_h);
    lines.extend(visible);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The last `count` lines of `text`, each clipped to `w` cells.
fn clip_tail(text: &str, w: usize, count: usize) -> Vec<String> {
    let mut v: Vec<String> = text
        .rsplit('\n')
        .take(count)
        .map(|l| clip(&clean_line(l), w))
        .collect();
    v.reverse();
    v
}

/// The "thinking" section: a label, the reasoning dimmed, then a rule
/// before the answer; nothing when there is no reasoning.
fn thinking_lines(thinking: &str, w: usize, t: &Theme) -> Vec<Line<'static>> {
    if thinking.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Line::from(Span::styled("── thinking ──", t.dim))];
    for raw in thinking.trim_end().split('\n') {
        out.extend(
            wrap(raw, w)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, t.dim))),
        );
    }
    out.push(Line::from(Span::styled("── answer ──", t.dim)));
    out
}

/// A column's status as its header shows it: a note while streaming
/// (e.g. the local model loading), else the cell's state.
fn status_of(col: &CellOutcome, t: &Theme) -> (String, ratatui::style::Style) {
    match (&col.status, &col.note) {
        (CellStatus::Streaming, Some(note)) => (note.clone(), t.warning),
        (s, _) => status_label(s, t),
    }
}

fn status_label(s: &CellStatus, t: &Theme) -> (String, ratatui::style::Style) {
    match s {
        CellStatus::Queued => ("queued".into(), t.dim),
        CellStatus::Streaming => ("streaming…".into(), t.warning),
        CellStatus::Retrying {
            attempt,
            max_retries,
            wait,
            reason,
        } => (
            format!("retry {attempt}/{max_retries} in {}: {reason}", secs(*wait)),
            t.warning,
        ),
        CellStatus::Done => ("done".into(), t.ok),
        CellStatus::Failed(_) => ("failed".into(), t.error),
        CellStatus::Cancelled => ("cancelled".into(), t.warning),
    }
}
