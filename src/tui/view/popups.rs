//! The popups: help (every binding), inspector (exactly what will be
//! sent, or with Outputs focused the focused column's trace), variables,
//! prompt switcher, recovery offer, quit confirmation, and the one-line
//! search / go-to-line prompt. Scrolling popups stop at their last line.

use super::text::clip_ellipsis;
use super::{case_menu, help, inspector, tests_compare, tests_detail, variables, versions};
use crate::tui::app::{App, Pane};
use crate::tui::layout::centered;
use crate::tui::state::popup::{LinePurpose, Popup};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App) {
    let Some(popup) = &app.popup else { return };
    match popup {
        Popup::Help { .. } => {
            let (lines, sections) = help::lines(app);
            let title = " Keys";
            scrolled(frame, area, app, title, lines, sections, (78, u16::MAX));
        }
        Popup::Inspector { .. } => {
            let w = area.width.saturating_sub(4).min(110);
            let width = w.saturating_sub(2) as usize;
            let (title, text) = if app.focus == Pane::Outputs {
                (
                    " Trace of the focused output",
                    inspector::trace_lines(app, width),
                )
            } else {
                (" What will be sent", inspector::request_lines(app, width))
            };
            scrolled(
                frame,
                area,
                app,
                title,
                text.lines,
                text.sections,
                (110, u16::MAX),
            );
        }
        Popup::TestCell {
            case, col, sample, ..
        } => {
            let (case, col) = (*case, *col);
            let w = area.width.saturating_sub(4).min(110);
            let text = tests_detail::lines(app, (case, col, *sample), w.saturating_sub(2) as usize);
            let title = tests_detail::title(app);
            scrolled(
                frame,
                area,
                app,
                &title,
                text.lines,
                text.sections,
                (110, u16::MAX),
            );
        }
        Popup::Variables => {
            let w = 80.min(area.width.saturating_sub(2));
            let lines = variables::lines(app, w.saturating_sub(2) as usize);
            let title = variables::title(app);
            let hints = variables::hints(app);
            boxed(frame, area, app, (&title, hints), lines, 0, (80, 20));
        }
        Popup::SwitchPrompt(switcher) => {
            let t = &app.theme;
            let names = app.prompt_names();
            let matches = switcher.matches(&names);
            let cursor = switcher.cursor.min(matches.len().saturating_sub(1));
            let mut lines = vec![Line::from(vec![
                Span::styled("filter: ", t.status_key),
                Span::styled(format!("{}▏", switcher.query), t.popup),
            ])];
            if matches.is_empty() {
                lines.push(Line::from(Span::styled("no prompt matches", t.dim)));
            }
            for (row, &i) in matches.iter().enumerate() {
                let dirty = app.prompt_state(i).is_some_and(|p| p.editor.is_dirty());
                let label = format!("{}{}", names[i], if dirty { " [+]" } else { "" });
                let style = if row == cursor {
                    t.list_selected
                } else {
                    t.popup
                };
                lines.push(Line::from(Span::styled(clip_ellipsis(&label, 46), style)));
            }
            let hints = " type to filter · ↑↓ · Enter opens · Esc ";
            let title = format!(" Open prompt {}/{} ", matches.len(), names.len());
            boxed(frame, area, app, (&title, hints), lines, 0, (50, 18));
        }
        Popup::Versions(p) => versions::draw(frame, area, app, p),
        Popup::VariantPicker(p) => {
            let lines = tests_compare::picker_lines(app, p, 72);
            let hints = " ↑↓ · Enter picks B · Esc ";
            boxed(frame, area, app, (" Variant B ", hints), lines, 0, (76, 24));
        }
        Popup::CaseMenu(m) => {
            let lines = case_menu::lines(app, m, 88);
            let hints = case_menu::HINTS;
            boxed(
                frame,
                area,
                app,
                (case_menu::TITLE, hints),
                lines,
                0,
                (90, 14),
            );
            if let Some(line) = case_menu::input_line(app, m).filter(|_| area.height >= 2) {
                let r = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
                frame.render_widget(Clear, r);
                frame.render_widget(Paragraph::new(line).style(app.theme.popup), r);
            }
        }
        Popup::Recovery { prompt, .. } => {
            let name = app
                .session
                .ws
                .prompts
                .get(*prompt)
                .map(|p| p.name.as_str())
                .unwrap_or("?");
            let lines = vec![
                Line::from(format!(
                    "Unsaved edits of '{name}' were found from an earlier session."
                )),
                Line::from(""),
                Line::from("  r / Enter  restore them into the editor"),
                Line::from("  d          discard them"),
                Line::from("  Esc        decide later (offered again next start)"),
            ];
            let title = (" Recover unsaved edits? ", "");
            boxed(frame, area, app, title, lines, 0, (70, 8));
        }
        Popup::ConfirmQuit => {
            let lines = vec![
                Line::from("Some prompts have unsaved edits."),
                Line::from(""),
                Line::from("  s  save all and quit"),
                Line::from("  y  quit and discard the edits"),
                Line::from("  ctrl-q  quit, keep the edits for next time"),
                Line::from("  n / Esc  keep editing"),
            ];
            boxed(frame, area, app, (" Quit? ", ""), lines, 0, (50, 10));
        }
        Popup::LineInput { purpose, buffer } => {
            let label = match purpose {
                LinePurpose::Search => "search: ",
                LinePurpose::GotoLine => "go to line: ",
                LinePurpose::SaveColumn {
                    overwrite: false, ..
                } => "write answer to: ",
                LinePurpose::SaveColumn {
                    overwrite: true, ..
                } => "file exists (Enter replaces it, Esc keeps it): ",
                LinePurpose::Rate { .. }
                | LinePurpose::RateTest { .. }
                | LinePurpose::RateHistory { .. } => {
                    "rate (up, down or 1-5, then a note if you like): "
                }
                LinePurpose::Continue { col: Some(_) } => "next turn: ",
                LinePurpose::Continue { col: None } => "next turn, to every column: ",
                LinePurpose::ToolResult { .. } => "tool result (JSON, else text): ",
                LinePurpose::EditTurn { .. } => "edit the turn (Enter asks again from there): ",
            };
            if area.height < 2 {
                return;
            }
            let r = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
            frame.render_widget(Clear, r);
            let line = Line::from(vec![
                Span::styled(label, app.theme.status_key),
                Span::styled(format!("{buffer}▏"), app.theme.popup),
            ]);
            frame.render_widget(Paragraph::new(line).style(app.theme.popup), r);
        }
    }
}

/// Where a popup of `lines` goes: centered, at most `w`×`h` cells.
fn popup_rect(area: Rect, lines: usize, (w, h): (u16, u16)) -> Rect {
    let want_h = u16::try_from(lines)
        .unwrap_or(u16::MAX)
        .saturating_add(2)
        .min(h);
    centered(area, w.min(area.width.saturating_sub(2)), want_h.max(3))
}

/// A bordered popup: `titles` is (top, bottom) border text; `lines` from
/// `scroll` on.
fn boxed(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    (title, bottom): (&str, &str),
    lines: Vec<Line>,
    scroll: usize,
    size: (u16, u16),
) {
    let r = popup_rect(area, lines.len(), size);
    if r.width < 3 || r.height < 3 {
        return;
    }
    frame.render_widget(Clear, r);
    let t = &app.theme;
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(t.popup_border)
        .title(Span::styled(title.to_string(), t.title_focused))
        .style(t.popup);
    if !bottom.is_empty() {
        block = block.title_bottom(Span::styled(bottom.to_string(), t.dim));
    }
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), r);
}

/// A popup that scrolls (help, inspector): the popup's scroll learns how
/// much there is to show, so it stops at the last line; the title names
/// the section at the top and the bottom border says which lines show.
fn scrolled(
    frame: &mut Frame,
    area: Rect,
    app: &mut App,
    title: &str,
    lines: Vec<Line<'static>>,
    sections: Vec<(usize, String)>,
    size: (u16, u16),
) {
    let r = popup_rect(area, lines.len(), size);
    let rows = r.height.saturating_sub(2) as usize;
    let starts = sections.iter().map(|(s, _)| *s).collect();
    let Some(Popup::Help { scroll } | Popup::Inspector { scroll } | Popup::TestCell { scroll, .. }) =
        app.popup.as_mut()
    else {
        return;
    };
    scroll.fit(lines.len(), rows, starts);
    let offset = scroll.offset;
    let mut top = title.to_string();
    if let Some((i, n)) = scroll.section_at().filter(|(_, n)| *n > 1) {
        let name = &sections[i].1;
        top.push_str(&format!(" · {}/{n} {name} · n/N next/previous", i + 1));
    }
    top.push_str(" · Esc closes ");
    let bottom = if lines.len() > rows {
        let last = (offset + rows).min(lines.len());
        format!(" lines {}-{last} of {} ", offset + 1, lines.len())
    } else {
        String::new()
    };
    boxed(frame, area, app, (&top, &bottom), lines, offset, size);
}
