//! The History screen (F5), drawn over the whole terminal: the search
//! line, the recent (or matching) calls or the opened call's request and
//! answer on the left, trend lines of the highlighted call's prompt per
//! version on the right (pass rate, cost per call, latency by day), and
//! the status bar.

use super::pane_block;
use super::text::{clip_ellipsis, wrap};
use crate::store::calls::CallSummary;
use crate::store::ids::format_time;
use crate::tui::app::App;
use crate::tui::history_query::VersionTrend;
use crate::tui::state::history::{HistoryScreen, OpenedCall};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &HistoryScreen) {
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .split(area);
    search_line(frame, rows[0], app, s);
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(64), Constraint::Percentage(36)])
        .split(rows[1]);
    match &s.opened {
        Some(o) => opened(frame, cols[0], app, o, s.scroll),
        None => list(frame, cols[0], app, s),
    }
    trends(frame, cols[1], app, s);
    super::status::draw(frame, rows[2], app);
}

fn search_line(frame: &mut Frame, area: Rect, app: &App, s: &HistoryScreen) {
    let t = &app.theme;
    let mut spans = vec![Span::styled(" History ", t.title_focused)];
    if s.typing || !s.search.is_empty() {
        spans.push(Span::styled(" search: ", t.status_key));
        let cursor = if s.typing { "▏" } else { "" };
        spans.push(Span::styled(format!("{}{cursor}", s.search), t.base));
    }
    let count = match &s.calls {
        None => " · reading the history…".to_string(),
        Some(c) if s.search.is_empty() => format!(" · {} recent call(s)", c.len()),
        Some(c) => format!(" · {} match(es)", c.len()),
    };
    spans.push(Span::styled(count, t.dim));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.base), area);
}

fn list(frame: &mut Frame, area: Rect, app: &App, s: &HistoryScreen) {
    let t = &app.theme;
    let block = pane_block(" Calls ".into(), true, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let rows = inner.height as usize;
    let mut lines = Vec::new();
    match &s.calls {
        None => {}
        Some(calls) if calls.is_empty() => {
            let msg = if s.search.is_empty() {
                "No call recorded yet: every run is recorded here."
            } else {
                "No recorded call has all these words."
            };
            lines.push(Line::from(Span::styled(msg, t.dim)));
        }
        Some(calls) => {
            let first = s.cursor.saturating_sub(rows.saturating_sub(1));
            for (i, c) in calls.iter().enumerate().skip(first).take(rows) {
                let style = if i == s.cursor {
                    t.list_selected
                } else if c.status != "done" {
                    t.warning
                } else {
                    t.base
                };
                lines.push(Line::from(Span::styled(
                    clip_ellipsis(&row_text(c, i == s.cursor), width),
                    style,
                )));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row_text(c: &CallSummary, selected: bool) -> String {
    let when = format_time(c.created);
    let version = &c.version[..c.version.len().min(8)];
    let ms = match c.total_ms {
        Some(ms) if ms >= 1000 => format!("{:.1}s", ms as f64 / 1000.0),
        Some(ms) => format!("{ms}ms"),
        None => "-".into(),
    };
    let preview: String = c.preview.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(
        "{} {}  {}  {}@{version}  {}  {ms}  {}",
        if selected { "▸" } else { " " },
        when.get(5..).unwrap_or(&when),
        c.id_short(),
        c.prompt,
        c.model,
        preview
    )
}

fn opened(frame: &mut Frame, area: Rect, app: &App, o: &OpenedCall, scroll: usize) {
    let t = &app.theme;
    let c = &o.call;
    let sum = &c.summary;
    let title = format!(" Call {} ", sum.id_short());
    let block = pane_block(title, true, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = (inner.width as usize).max(1);
    let mut lines: Vec<Line> = Vec::new();
    let version = &sum.version[..sum.version.len().min(8)];
    let head = format!(
        "{}@{version} · {} · {} · {}",
        sum.prompt,
        c.model_name,
        sum.status,
        format_time(sum.created)
    );
    lines.push(Line::from(Span::styled(head, t.title_focused)));
    let figures = figures(sum, c.cached, c.finish_reason.as_deref());
    lines.push(Line::from(Span::styled(figures, t.readout)));
    let rated: Vec<String> = o.ratings.iter().map(|r| r.describe()).collect();
    let rated = if rated.is_empty() {
        let k = |c| {
            app.keymap
                .key_for(crate::tui::keymap::Context::Outputs, c)
                .unwrap_or("-")
        };
        format!(
            "not rated ({} / {} thumbs, {} a score 1-5 and a note)",
            k(crate::tui::action::Command::RateUp),
            k(crate::tui::action::Command::RateDown),
            k(crate::tui::action::Command::Rate)
        )
    } else {
        format!("rated: {}", rated.join(" · "))
    };
    lines.push(Line::from(Span::styled(rated, t.readout)));
    lines.push(Line::from(Span::styled("── request", t.dim)));
    for m in &c.messages {
        lines.push(Line::from(Span::styled(
            format!("[{}]", m.role),
            t.status_key,
        )));
        for l in wrap(&m.plain_text(), width) {
            lines.push(Line::from(l));
        }
    }
    if !c.thinking.is_empty() {
        lines.push(Line::from(Span::styled("── thinking", t.dim)));
        for l in wrap(&c.thinking, width) {
            lines.push(Line::from(Span::styled(l, t.dim)));
        }
    }
    lines.push(Line::from(Span::styled("── answer", t.dim)));
    match &c.error {
        Some(e) if sum.status != "done" => {
            for l in wrap(e, width) {
                lines.push(Line::from(Span::styled(l, t.error)));
            }
        }
        _ => {
            for l in wrap(&c.answer, width) {
                lines.push(Line::from(l));
            }
        }
    }
    let scroll = scroll.min(lines.len().saturating_sub(1));
    let shown: Vec<Line> = lines.into_iter().skip(scroll).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

fn figures(s: &CallSummary, cached: bool, finish: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let (Some(i), Some(o)) = (s.input_tokens, s.output_tokens) {
        parts.push(format!("{i} in / {o} out tok"));
    }
    if let Some(c) = s.cost {
        parts.push(format!("${c:.4}"));
    }
    if let Some(ms) = s.ttft_ms {
        parts.push(format!("ttft {ms}ms"));
    }
    if let Some(ms) = s.total_ms {
        parts.push(format!("total {ms}ms"));
    }
    if let Some(f) = finish {
        parts.push(format!("finish {f}"));
    }
    if cached {
        parts.push("from the cache".into());
    }
    parts.join(" · ")
}

fn trends(frame: &mut Frame, area: Rect, app: &App, s: &HistoryScreen) {
    let t = &app.theme;
    let title = match &s.trend {
        Some((p, _)) => format!(" Trend of {p} by day "),
        None => " Trend ".into(),
    };
    let block = pane_block(title, false, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some((_, versions)) = &s.trend else {
        return;
    };
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    for v in versions {
        if y + 4 > bottom {
            break;
        }
        version_trend(frame, Rect::new(inner.x, y, inner.width, 4), t, v);
        y += 5;
    }
}

/// A version's name line and three sparklines: pass rate, cost per call,
/// mean latency; each labelled with its latest value.
fn version_trend(frame: &mut Frame, r: Rect, t: &Theme, v: &VersionTrend) {
    let saved = if v.saved { "saved" } else { "unsaved" };
    let calls: u64 = v.days.iter().map(|d| d.calls).sum();
    let head = format!(
        "{} {saved} · {calls} calls · {} days",
        v.short,
        v.days.len()
    );
    let w = r.width as usize;
    frame.render_widget(
        Paragraph::new(Span::styled(clip_ellipsis(&head, w), t.title)),
        Rect::new(r.x, r.y, r.width, 1),
    );
    let last = v.days.last();
    let pass: Vec<u64> = v
        .days
        .iter()
        .map(|d| d.pass_rate.map_or(0, |p| (p * 100.0).round() as u64))
        .collect();
    let cost: Vec<u64> = v
        .days
        .iter()
        .map(|d| (d.cost / d.calls.max(1) as f64 * 1e6).round() as u64)
        .collect();
    let ms: Vec<u64> = v
        .days
        .iter()
        .map(|d| d.mean_total_ms.unwrap_or(0.0).round() as u64)
        .collect();
    let rows = [
        (
            "pass",
            pass,
            last.and_then(|d| d.pass_rate)
                .map_or("-".into(), |p| format!("{:.0}%", p * 100.0)),
        ),
        (
            "cost",
            cost,
            last.filter(|d| d.cost > 0.0).map_or("-".into(), |d| {
                format!("${:.4}", d.cost / d.calls.max(1) as f64)
            }),
        ),
        (
            "time",
            ms,
            last.and_then(|d| d.mean_total_ms)
                .map_or("-".into(), |m| format!("{m:.0}ms")),
        ),
    ];
    for (i, (name, data, latest)) in rows.into_iter().enumerate() {
        let y = r.y + 1 + i as u16;
        let label = format!(" {name} {latest:>8} ");
        let lw = (label.chars().count() as u16).min(r.width);
        frame.render_widget(
            Paragraph::new(Span::styled(label, t.dim)),
            Rect::new(r.x, y, lw, 1),
        );
        let spark = Sparkline::default().data(data).style(t.ok);
        frame.render_widget(spark, Rect::new(r.x + lw, y, r.width - lw, 1));
    }
}
