//! The popups: help (every binding), inspector (exactly what will be
//! sent, or with Outputs focused the focused column's trace), variables, prompt switcher, recovery offer, quit confirmation,
//! and the one-line search / go-to-line prompt.

use super::text::wrap;
use crate::prompt::inputs::InputProblemKind;
use crate::tui::action::Command;
use crate::tui::app::{App, Pane, RenderState};
use crate::tui::keymap::Context;
use crate::tui::layout::centered;
use crate::tui::state::popup::{LinePurpose, Popup};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(popup) = &app.popup else { return };
    match popup {
        Popup::Help { scroll } => {
            let lines = help_lines(app);
            boxed(
                frame,
                area,
                app,
                " Keys (Esc closes) ",
                lines,
                *scroll,
                70,
                40,
            );
        }
        Popup::Inspector { scroll } => {
            let w = area.width.saturating_sub(4).min(110);
            let width = w.saturating_sub(2) as usize;
            let (title, lines) = if app.focus == Pane::Outputs {
                (
                    " Trace of the focused output (Esc closes) ",
                    trace_lines(app, width),
                )
            } else {
                (
                    " What will be sent (Esc closes) ",
                    inspector_lines(app, width),
                )
            };
            boxed(frame, area, app, title, lines, *scroll, 110, 60);
        }
        Popup::Variables => {
            let lines = variable_lines(app);
            boxed(
                frame,
                area,
                app,
                " Variables (Enter edit · t next test case · Esc) ",
                lines,
                0,
                80,
                20,
            );
        }
        Popup::SwitchPrompt { cursor } => {
            let t = &app.theme;
            let lines = app
                .session
                .ws
                .prompts
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let dirty = app.prompt_state(i).is_some_and(|p| p.editor.is_dirty());
                    let label = format!("{}{}", p.name, if dirty { " [+]" } else { "" });
                    let style = if i == *cursor {
                        t.list_selected
                    } else {
                        t.popup
                    };
                    Line::from(Span::styled(label, style))
                })
                .collect();
            boxed(frame, area, app, " Open prompt (Enter) ", lines, 0, 50, 16);
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
            boxed(
                frame,
                area,
                app,
                " Recover unsaved edits? ",
                lines,
                0,
                70,
                8,
            );
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
            boxed(frame, area, app, " Quit? ", lines, 0, 50, 10);
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

#[allow(clippy::too_many_arguments)]
fn boxed(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    title: &str,
    lines: Vec<Line>,
    scroll: usize,
    w: u16,
    h: u16,
) {
    let want_h = (lines.len() as u16).saturating_add(2).min(h);
    let r = centered(area, w.min(area.width.saturating_sub(2)), want_h.max(3));
    if r.width < 3 || r.height < 3 {
        return;
    }
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(app.theme.popup_border)
        .title(Span::styled(title.to_string(), app.theme.title_focused))
        .style(app.theme.popup);
    let scroll = scroll.min(lines.len().saturating_sub(1)) as u16;
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), r);
}

fn help_lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut lines = Vec::new();
    for ctx in [
        Context::Global,
        Context::Editor,
        Context::List,
        Context::Outputs,
    ] {
        lines.push(Line::from(Span::styled(
            format!("{} keys", ctx.name()),
            t.title_focused,
        )));
        for (keys, cmd) in app.keymap.bindings_of(ctx) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<22}"), t.status_key),
                Span::raw(cmd.describe().to_string()),
            ]));
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled("mouse", t.title_focused)));
    lines.push(Line::from(
        "  click a pane to focus it; wheel scrolls the editor and outputs",
    ));
    lines.push(Line::from(format!(
        "  editor: text keys type; shift+arrows select; {} runs",
        app.keymap
            .key_for(Context::Editor, Command::Run)
            .unwrap_or("ctrl-r")
    )));
    lines
}

/// Exactly the messages and parameters each selected model will get.
fn inspector_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut lines = Vec::new();
    if let RenderState::Ok(r) = &app.rendered
        && !r.missing_vars.is_empty()
    {
        lines.push(Line::from(Span::styled(
            format!("warning: unset variables: {}", r.missing_vars.join(", ")),
            t.warning,
        )));
    }
    match app.planned_cells() {
        Err(e) => lines.push(Line::from(Span::styled(e, t.error))),
        Ok(cells) if cells.is_empty() => {
            lines.push(Line::from(Span::styled("no model selected", t.warning)))
        }
        Ok(cells) => {
            // Repeated samples are the same request: shown once.
            for cell in cells.into_iter().filter(|c| c.slot.sample == 0) {
                let slot = crate::run::CellSlot {
                    samples: 1,
                    ..cell.slot
                };
                let times = match cell.slot.samples {
                    1 => String::new(),
                    k => format!(" (sent {k} times)"),
                };
                lines.push(Line::from(Span::styled(
                    format!("── {}{}{times} ──", cell.name, slot.suffix()),
                    t.title_focused,
                )));
                if let Some(why) = cell.refusal() {
                    for w in wrap(&why, width.max(10)) {
                        lines.push(Line::from(Span::styled(w, t.error)));
                    }
                }
                let body = serde_json::to_string_pretty(&cell.wire_body()).unwrap_or_default();
                for l in body.lines() {
                    for w in wrap(l, width.max(10)) {
                        lines.push(Line::from(w));
                    }
                }
                lines.push(Line::from(""));
            }
        }
    }
    lines
}

/// The focused output column's trace: every attempt's request as sent
/// (keys shown as `***`) and raw response, with why it was retried.
fn trace_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(col) = app.outputs.columns().get(app.outputs.focus_col) else {
        return vec![Line::from(Span::styled("no run yet", t.warning))];
    };
    let mut lines = vec![Line::from(Span::styled(
        format!("── {} ({}) ──", col.label(), col.model),
        t.title_focused,
    ))];
    let mut text = String::new();
    let n = col.attempts.len();
    for (i, a) in col.attempts.iter().enumerate() {
        if n > 1 {
            text.push_str(&format!("── attempt {}/{n} ──\n", i + 1));
        }
        match &a.trace {
            Some(trace) => text.push_str(&trace.render()),
            None if col.cached => {
                text.push_str("answered from the response cache: no request was sent\n")
            }
            None => text.push_str("no trace (no request was sent, or it is still running)\n"),
        }
        if let Some(why) = &a.failure {
            let wait = a
                .wait
                .map(|w| format!("; retried after {}", crate::usage::fmt_duration(w)))
                .unwrap_or_default();
            text.push_str(&format!("── failed: {why}{wait} ──\n"));
        }
    }
    if n == 0 {
        text.push_str(match &col.status {
            crate::run::CellStatus::Failed(_) => "no request was sent",
            _ => "no trace yet: the call has not started",
        });
    }
    for l in text.lines() {
        for w in wrap(l, width.max(10)) {
            lines.push(Line::from(w));
        }
    }
    lines
}

fn variable_lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let vars = &app.current.vars;
    if vars.entries.is_empty() {
        return vec![Line::from("This prompt uses no variables.")];
    }
    let mut lines = Vec::new();
    for (i, e) in vars.entries.iter().enumerate() {
        let selected = i == vars.cursor;
        let value = match (&vars.editing, selected) {
            (Some(buf), true) => format!("{buf}▏"),
            _ => e.text.replace('\n', "⏎"),
        };
        let style = if selected { t.list_selected } else { t.popup };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<16}", e.name), t.hl_variable),
            Span::styled(format!(" = {value}"), style),
            Span::styled(format!("  ({})", e.source), t.dim),
        ]));
        // What the last render found wrong with it, right under it.
        if let Some(p) = vars.problem(&e.name) {
            let style = match p.kind {
                InputProblemKind::Invalid => t.error,
                InputProblemKind::Unknown => t.warning,
            };
            let mut text = format!("  ✗ {}", p.message);
            if !p.hint.is_empty() {
                text.push_str(&format!(" ({})", p.hint));
            }
            lines.push(Line::from(Span::styled(text, style)));
        }
    }
    lines
}
