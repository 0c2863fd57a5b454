//! The status bar: the last message (info/warning/error) on the left, or
//! why a value typed into the Models pane was refused; the keys that work
//! in the focused pane on the right.

use crate::tui::app::{App, Level};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let t = &app.theme;
    let mut spans: Vec<Span> = Vec::new();
    // A value the Models pane refused says why here too, over older news.
    let refused = app.models.edit.as_ref().and_then(|e| e.error.as_deref());
    if let Some(why) = refused {
        spans.push(Span::styled(format!(" not applied: {why} "), t.error));
    } else if let Some(msg) = &app.status {
        let style = match msg.level {
            Level::Info => t.status_text,
            Level::Warning => t.warning,
            Level::Error => t.error,
        };
        spans.push(Span::styled(format!(" {} ", msg.text), style));
    }
    if app.cache_on {
        spans.push(Span::styled(" cache on ", t.status_key));
    }
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    let mut hints: Vec<Span> = Vec::new();
    let mut hint_w = 0;
    let room = (area.width as usize).saturating_sub(used + 1);
    for (key, what) in app.hints() {
        let w = key.width() + what.width() + 3;
        if hint_w + w > room {
            break;
        }
        hints.push(Span::styled(format!(" {key}"), t.status_key));
        hints.push(Span::styled(format!(" {what} "), t.status_bar));
        hint_w += w;
    }
    let pad = (area.width as usize).saturating_sub(used + hint_w);
    spans.push(Span::styled(" ".repeat(pad), t.status_bar));
    spans.extend(hints);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.status_bar), area);
}
