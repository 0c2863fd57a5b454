//! Views: one file per pane or popup. They borrow the App and draw; the
//! only state they touch is scroll (editor viewport, highlight cache).

pub mod editor;
pub mod examples;
pub mod models;
pub mod outputs;
pub mod popups;
pub mod status;
pub mod text;

use super::app::{App, Pane};
use super::layout::main_layout;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Borders};

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &mut App) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    frame.render_widget(Block::default().style(app.theme.base), area);
    let l = main_layout(area);
    draw_editor(frame, l.editor, app);
    examples::draw(frame, l.examples, app);
    models::draw(frame, l.models, app);
    outputs::draw(frame, l.outputs, app);
    status::draw(frame, l.status, app);
    popups::draw(frame, area, app);
}

fn draw_editor(frame: &mut Frame, area: Rect, app: &mut App) {
    let focused = app.focus == Pane::Editor && app.popup.is_none();
    let mut title = app.prompt_name().to_string();
    if let super::app::RenderState::Err(e) = &app.rendered {
        title.push_str(&format!(" · line {}: {}", e.line, e.message));
    } else if !app.missing_vars().is_empty() {
        title.push_str(&format!(" · unset: {}", app.missing_vars().join(", ")));
    }
    if app.editor().lost_final_newline() {
        title.push_str(" · final newline removed");
    }
    let App {
        current, hl, theme, ..
    } = app;
    editor::draw(frame, area, &mut current.editor, hl, theme, focused, &title);
}

/// A bordered block styled by focus.
pub fn pane_block<'a>(title: String, focused: bool, theme: &super::theme::Theme) -> Block<'a> {
    let (border, title_style): (Style, Style) = if focused {
        (theme.border_focused, theme.title_focused)
    } else {
        (theme.border, theme.title)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(border)
        .title(ratatui::text::Span::styled(title, title_style))
}
