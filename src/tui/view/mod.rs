//! Views: one file per pane or popup. They borrow the App and draw; the
//! only state they touch is scroll (editor viewport, highlight cache).

pub mod blind;
pub mod case_menu;
pub mod editor;
pub mod examples;
pub mod help;
pub mod history;
pub mod inspector;
pub mod models;
pub mod outputs;
pub mod popups;
pub mod status;
pub mod tests;
pub mod tests_compare;
pub mod tests_detail;
pub mod tests_highlight;
pub mod text;
pub mod variables;
pub mod versions;

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
    if let Some(s) = app.blind.as_deref() {
        blind::draw(frame, area, app, s);
        return;
    }
    if let Some(s) = app.history_screen.as_deref() {
        history::draw(frame, area, app, s);
        popups::draw(frame, area, app);
        return;
    }
    let l = main_layout(area);
    draw_editor(frame, l.editor, app);
    examples::draw(frame, l.examples, app);
    models::draw(frame, l.models, app);
    if app.tests.shown {
        tests::draw(frame, l.outputs, app);
    } else {
        outputs::draw(frame, l.outputs, app);
    }
    status::draw(frame, l.status, app);
    popups::draw(frame, area, app);
}

fn draw_editor(frame: &mut Frame, area: Rect, app: &mut App) {
    let focused = app.focus == Pane::Editor && app.popup.is_none();
    let title = editor_title(app);
    let App {
        current, hl, theme, ..
    } = app;
    editor::draw(frame, area, &mut current.editor, hl, theme, focused, &title);
}

/// The prompt's name and what is wrong with it: the render error, else
/// values the input schema refuses, the file's first warning (a config key
/// that is not sent, a value out of range) and unset variables.
fn editor_title(app: &App) -> String {
    let mut title = app.prompt_name().to_string();
    let r = match &app.rendered {
        super::app::RenderState::Err(e) => {
            title.push_str(&format!(" · line {}: {}", e.line, e.message));
            return title;
        }
        super::app::RenderState::Ok(r) => r,
    };
    if let Some(p) = app.current.vars.problems.first() {
        title.push_str(&format!(" · {p}"));
    }
    if let Some(w) = r.warnings.first() {
        title.push_str(&format!(" · line {}: {}", w.line, w.message));
        if r.warnings.len() > 1 {
            title.push_str(&format!(" (+{} more)", r.warnings.len() - 1));
        }
    }
    if !r.missing_vars.is_empty() {
        title.push_str(&format!(" · unset: {}", r.missing_vars.join(", ")));
    }
    if app.editor().lost_final_newline() {
        title.push_str(" · final newline removed");
    }
    title
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
