//! The Examples pane: checkbox list (numbers show the send order), token
//! estimates, and a preview of the example under the cursor.

use super::pane_block;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let focused = app.focus == Pane::Examples && app.popup.is_none();
    let t = &app.theme;
    let p = &app.current.examples;
    let tok = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_else(|| "…".into());
    let title = format!(
        " Examples {}/{} · ~{} tok ",
        p.picked.len(),
        p.items.len(),
        tok(p.picked_tokens())
    );
    let block = pane_block(title, focused, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    if p.items.is_empty() {
        let msg = Paragraph::new("no examples: add examples/NAME.yaml").style(t.dim);
        frame.render_widget(msg, inner);
        return;
    }
    // With room, the lower part previews the example under the cursor.
    let (list_area, preview_area) = if focused && inner.height >= 8 {
        let parts = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
            .split(inner);
        (parts[0], Some(parts[1]))
    } else {
        (inner, None)
    };
    let items: Vec<ListItem> = p
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let (mark, style) = match p.position(i) {
                Some(n) => (format!("[{n}]"), t.checkbox_on),
                None => ("[ ]".to_string(), t.checkbox_off),
            };
            ListItem::new(Line::from(vec![
                Span::styled(mark, style),
                Span::raw(" "),
                Span::raw(it.example.name.clone()),
                Span::styled(format!("  ~{} tok", tok(it.tokens())), t.dim),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(p.cursor));
    let list = List::new(items).highlight_style(if focused { t.list_selected } else { t.base });
    frame.render_stateful_widget(list, list_area, &mut state);
    if let (Some(area), Some(cur)) = (preview_area, p.current()) {
        let input = match &cur.example.input {
            serde_json::Value::String(s) => s.clone(),
            other => serde_json::to_string_pretty(other).unwrap_or_default(),
        };
        let lines = vec![
            Line::from(Span::styled(
                format!("── {} ({})", cur.example.name, cur.file),
                t.dim,
            )),
            Line::from(Span::styled("user:", t.hl_key)),
            Line::from(input),
            Line::from(Span::styled("model:", t.hl_key)),
            Line::from(cur.example.output_text()),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }
}
