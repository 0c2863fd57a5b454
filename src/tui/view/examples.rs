//! The Examples pane: checkbox list (numbers show the send order), token
//! estimates, a preview of the example under the cursor, and in its bottom
//! border where the request's input tokens go (system, examples,
//! variables, history, tools) as a bar with the largest parts named.

use super::pane_block;
use crate::session::tokens::TokenPart;
use crate::tui::app::{App, Pane};
use crate::tui::theme::Theme;
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
    let mut block = pane_block(title, focused, t);
    let room = usize::from(area.width).saturating_sub(4);
    if !app.preflight.parts.is_empty() && room >= 8 {
        block = block.title_bottom(token_bar(&app.preflight.parts, room, t));
    }
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

/// Cells of the bar itself.
const BAR_W: usize = 12;

/// A part's short name: `sys`, `text`, `ex NAME`, `NAME` (a variable),
/// `history`, `tools`.
pub fn short_label(label: &str) -> String {
    match label {
        "system prompt" => "sys".into(),
        "prompt text" => "text".into(),
        other => match other.split_once(": ") {
            Some(("example", name)) => format!("ex {name}"),
            Some((_, name)) => name.to_string(),
            None => other.to_string(),
        },
    }
}

/// One style per part, in turn.
fn part_style(t: &Theme, i: usize) -> ratatui::style::Style {
    let palette = [
        t.hl_key,
        t.hl_string,
        t.hl_number,
        t.hl_helper,
        t.hl_variable,
        t.hl_tag,
        t.hl_bool,
    ];
    palette[i % palette.len()]
}

/// ` ████▆▆▆▒ ■sys 45% ■ex refund 30% `: each part's share of the input
/// tokens as cells of the bar, then the parts by name, as many as fit in
/// `room` cells.
pub fn token_bar(parts: &[TokenPart], room: usize, t: &Theme) -> Line<'static> {
    let total: usize = parts.iter().map(|p| p.tokens).sum();
    let mut spans = vec![Span::raw(" ")];
    if total == 0 {
        return Line::from(spans);
    }
    let bar_w = BAR_W.min(room / 3).max(1);
    // Cells by largest remainder, so they add up to the bar's width.
    let exact: Vec<f64> = parts
        .iter()
        .map(|p| p.tokens as f64 * bar_w as f64 / total as f64)
        .collect();
    let mut cells: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    let short = bar_w - cells.iter().sum::<usize>();
    for &i in order.iter().take(short) {
        cells[i] += 1;
    }
    for (i, n) in cells.iter().enumerate() {
        if *n > 0 {
            spans.push(Span::styled("█".repeat(*n), part_style(t, i)));
        }
    }
    let mut used = 1 + bar_w;
    for (i, p) in parts.iter().enumerate() {
        let pct = (p.tokens * 100 + total / 2) / total;
        let text = format!(" {} {pct}%", short_label(&p.label));
        let w = unicode_width::UnicodeWidthStr::width(text.as_str()) + 1;
        if used + w + 1 > room {
            break;
        }
        used += w;
        spans.push(Span::styled(" ■", part_style(t, i)));
        spans.push(Span::styled(text[1..].to_string(), t.dim));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(label: &str, tokens: usize) -> TokenPart {
        TokenPart {
            label: label.into(),
            tokens,
        }
    }

    #[test]
    fn the_bar_splits_its_cells_by_share_and_names_what_fits() {
        let t = Theme::default();
        let parts = [
            part("system prompt", 50),
            part("example: refund", 30),
            part("variable: ticket", 20),
        ];
        let line = token_bar(&parts, 60, &t);
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(
            text,
            " ██████████████ ■sys 50% ■ex refund 30% ■ticket 20% "
                .replace("██████████████", &"█".repeat(12))
        );
        let cells: Vec<usize> = line.spans[1..4]
            .iter()
            .map(|s| s.content.chars().count())
            .collect();
        assert_eq!(cells, [6, 4, 2]);
        let narrow: String = token_bar(&parts, 24, &t)
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(narrow, format!(" {} ■sys 50% ", "█".repeat(8)));
    }
}
