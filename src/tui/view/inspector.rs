//! The inspector (F2): exactly what each model will be sent, or with
//! Outputs focused the focused column's trace (every attempt's request and
//! raw response); both in sections (a model, an attempt) to jump between.

use super::text::wrap;
use crate::eval::report::fmt::thousands;
use crate::session::preflight::PickPreflight;
use crate::tui::app::{App, RenderState};
use crate::tui::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Lines of text with the sections they hold: (first line, label).
pub struct Sectioned {
    pub lines: Vec<Line<'static>>,
    pub sections: Vec<(usize, String)>,
}

/// Exactly the messages and parameters each selected model will get, and
/// where each model's request starts.
pub fn request_lines(app: &App, width: usize) -> Sectioned {
    let t = &app.theme;
    let mut lines = Vec::new();
    let mut sections = Vec::new();
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
                let label = format!("{}{}", cell.name, slot.suffix());
                sections.push((lines.len(), label.clone()));
                lines.push(Line::from(Span::styled(
                    format!("── {label}{times} ──"),
                    t.title_focused,
                )));
                if let Some(why) = cell.refusal() {
                    for w in wrap(&why, width.max(10)) {
                        lines.push(Line::from(Span::styled(w, t.error)));
                    }
                }
                if let Some(p) = app.preflight.pick(&cell.name) {
                    for (text, style) in fit_lines(p, t) {
                        for w in wrap(&text, width.max(10)) {
                            lines.push(Line::from(Span::styled(w, style)));
                        }
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
            breakdown_lines(app, &mut lines, &mut sections);
        }
    }
    Sectioned { lines, sections }
}

/// One model's input tokens against its window, and what the prompt's
/// `context:` policy cut.
fn fit_lines(p: &PickPreflight, t: &Theme) -> Vec<(String, Style)> {
    let how = p.counting.describe();
    let window = p
        .window
        .map(|w| format!(" of a {} token window", thousands(w)))
        .unwrap_or_else(|| " (window unknown)".into());
    let mut out = vec![(
        format!(
            "input: {}{} tokens ({how}){window}",
            p.counting.mark(),
            thousands(p.input_tokens)
        ),
        t.dim,
    )];
    if let Some(cut) = &p.cut {
        out.push((cut.describe(), t.warning));
    }
    if let Some(n) = p.over_window() {
        out.push((
            format!(
                "over the window by {}{} tokens: the provider will likely refuse it \
                 (add `context: {{fit: trim-history}}` or `{{fit: truncate, var: NAME}}` to the prompt)",
                p.counting.mark(),
                thousands(n)
            ),
            t.error,
        ));
    } else if let Some(n) = p.no_room_for_output() {
        out.push((
            format!(
                "input plus max tokens is over the window by {}{}: lower max tokens or the input",
                p.counting.mark(),
                thousands(n)
            ),
            t.warning,
        ));
    }
    out
}

/// Where the request's input tokens go, part by part, as its own section.
fn breakdown_lines(app: &App, lines: &mut Vec<Line<'static>>, sections: &mut Vec<(usize, String)>) {
    let parts = &app.preflight.parts;
    let total: usize = parts.iter().map(|p| p.tokens).sum();
    if total == 0 {
        return;
    }
    let t = &app.theme;
    sections.push((lines.len(), "tokens".into()));
    lines.push(Line::from(Span::styled(
        "── where the input tokens go (≈ o200k_base) ──",
        t.title_focused,
    )));
    let name_w = parts
        .iter()
        .map(|p| p.label.chars().count())
        .max()
        .unwrap_or(0);
    for p in parts {
        let pct = (p.tokens * 100 + total / 2) / total;
        let bar = "█".repeat((p.tokens * 20).div_ceil(total));
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{:<name_w$}  {:>7}  {pct:>3}%  ",
                p.label,
                thousands(p.tokens as u64)
            )),
            Span::styled(bar, t.readout),
        ]));
    }
    lines.push(Line::from(Span::styled(
        format!("{:<name_w$}  {:>7}", "total", thousands(total as u64)),
        t.dim,
    )));
}

/// The focused output column's trace: every attempt's request as sent
/// (keys shown as `***`) and raw response, with why it was retried; each
/// attempt is a section.
pub fn trace_lines(app: &App, width: usize) -> Sectioned {
    let t = &app.theme;
    let Some(col) = app.outputs.columns().get(app.outputs.focus_col) else {
        return Sectioned {
            lines: vec![Line::from(Span::styled("no run yet", t.warning))],
            sections: Vec::new(),
        };
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
    let mut sections = Vec::new();
    for l in text.lines() {
        if let Some(attempt) = l.strip_prefix("── attempt ") {
            sections.push((
                lines.len(),
                format!("attempt {}", attempt.trim_end_matches(" ──")),
            ));
        }
        for w in wrap(l, width.max(10)) {
            lines.push(Line::from(w));
        }
    }
    Sectioned { lines, sections }
}
