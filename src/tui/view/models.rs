//! The Models pane: checkbox list of the workspace's models with their
//! effective temperature (or sweep) and max tokens; `t`/`T`/`m` edit them
//! in place; the title shows the samples per model when above one.

use super::pane_block;
use crate::run::variants::fmt_sweep;
use crate::tui::app::{App, Pane};
use crate::tui::state::models::Field;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let focused = app.focus == Pane::Models && app.popup.is_none();
    let t = &app.theme;
    let m = &app.models;
    let checked = m.rows.iter().filter(|r| r.checked).count();
    let mut title = format!(" Models {checked}/{} ", m.rows.len());
    if m.repeats > 1 {
        title.push_str(&format!("· ×{} samples ", m.repeats));
    }
    let block = pane_block(title, focused, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    if m.rows.is_empty() {
        let msg = Paragraph::new("no models: add [[models]] to pwb.toml").style(t.dim);
        frame.render_widget(msg, inner);
        return;
    }
    let items: Vec<ListItem> = m
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let eff = app.effective_params(r);
            let (mark, style) = if r.checked {
                ("[x]", t.checkbox_on)
            } else {
                ("[ ]", t.checkbox_off)
            };
            let edit = m.edit.as_ref().filter(|_| i == m.cursor && focused);
            let field = |f: Field, label: &str, value: String| -> Span<'static> {
                match edit {
                    Some(e) if e.field == f => {
                        Span::styled(format!(" {label}={}▏", e.buffer), t.cursor)
                    }
                    _ => Span::styled(format!(" {label}={value}"), t.dim),
                }
            };
            let temp = eff
                .temperature
                .map(|v| format!("{v}"))
                .unwrap_or("-".into());
            let max = eff.max_tokens.map(|v| v.to_string()).unwrap_or("-".into());
            let temp = match edit {
                Some(e) if e.field == Field::Sweep => field(Field::Sweep, "sweep t", String::new()),
                _ if !r.sweep.is_empty() => {
                    Span::styled(format!(" t={}", fmt_sweep(&r.sweep)), t.readout)
                }
                _ => field(Field::Temperature, "t", temp),
            };
            ListItem::new(Line::from(vec![
                Span::styled(mark, style),
                Span::raw(" "),
                Span::raw(r.name().to_string()),
                temp,
                field(Field::MaxTokens, "max", max),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(m.cursor));
    let list = List::new(items).highlight_style(if focused { t.list_selected } else { t.base });
    frame.render_stateful_widget(list, inner, &mut state);
    if let Some(err) = m.edit.as_ref().and_then(|e| e.error.as_ref())
        && inner.height > 1
    {
        let y = inner.y + inner.height - 1;
        let r = Rect::new(inner.x, y, inner.width, 1);
        frame.render_widget(Paragraph::new(err.as_str()).style(t.error), r);
    }
}
