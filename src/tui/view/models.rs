//! The Models pane: checkbox list of the workspace's models with their
//! effective temperature (or sweep) and max tokens (red above the model's
//! max output); `t`/`T`/`m` edit them in place; the catalog's flags follow
//! a row when they fit, and the focused row's figures sit in the bottom border.

use super::pane_block;
use crate::run::variants::fmt_sweep;
use crate::session::preflight::PickPreflight;
use crate::tui::app::{App, Pane};
use crate::tui::state::models::Field;
use crate::tui::theme::Theme;
use crate::usage::ModelInfo;
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
    let mut block = pane_block(title, focused, t);
    if focused && let Some(row) = m.rows.get(m.cursor) {
        let mut about = match app.session.catalog.lookup(&row.model.id().to_string()) {
            Some(info) => figures(info),
            None => "not in the price table: cost $?".to_string(),
        };
        if let Some(p) = app.preflight.pick(row.name()).filter(|_| row.checked) {
            let how = match p.counting {
                crate::session::count::Counting::Estimate => "estimate".into(),
                exact => exact.describe(),
            };
            about = format!(
                "in {}{} ({how}) · {about}",
                p.counting.mark(),
                kilo(p.input_tokens)
            );
        }
        block = block.title_bottom(Span::styled(format!(" {about} "), t.dim));
    }
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
            let info = app.session.catalog.lookup(&r.model.id().to_string());
            let limit = info.and_then(|i| i.max_output_tokens);
            let too_many =
                matches!((eff.max_tokens, limit), (Some(n), Some(l)) if u64::from(n) > l);
            let field = |f: Field, label: &str, value: String| -> Span<'static> {
                match edit {
                    Some(e) if e.field == f => {
                        Span::styled(format!(" {label}={}▏", e.buffer), t.cursor)
                    }
                    _ if f == Field::MaxTokens && too_many => {
                        Span::styled(format!(" {label}={value}"), t.error)
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
            let mut spans = vec![
                Span::styled(mark, style),
                Span::raw(" "),
                Span::raw(r.name().to_string()),
            ];
            // Over the window matters more than the fields: it goes first.
            if r.checked
                && let Some(p) = app.preflight.pick(r.name())
            {
                spans.extend(fit_flags(p, t));
            }
            spans.push(temp);
            spans.push(field(Field::MaxTokens, "max", max));
            if let Some(flags) = info.and_then(flags) {
                let used: usize = spans.iter().map(Span::width).sum();
                if used + 2 + flags.chars().count() <= usize::from(inner.width) {
                    spans.push(Span::styled(format!("  {flags}"), t.dim));
                }
            }
            ListItem::new(Line::from(spans))
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

/// How a checked model's request fits its window: `over ctx ≈+12k`
/// (input alone), `no room for max +300`, and what the prompt's
/// `context:` policy cut (`trimmed 9k→8k`, `truncated`); `≈` on estimates.
fn fit_flags(p: &PickPreflight, t: &Theme) -> Vec<Span<'static>> {
    let mark = p.counting.mark();
    let mut out = Vec::new();
    if let Some(cut) = &p.cut {
        let word = if cut.what.starts_with("dropped") {
            "trimmed"
        } else {
            "truncated"
        };
        out.push(Span::styled(
            format!(
                " {word} {}→{}",
                kilo(cut.tokens_before),
                kilo(cut.tokens_after)
            ),
            t.warning,
        ));
    }
    if let Some(n) = p.over_window() {
        out.push(Span::styled(
            format!(" over ctx {mark}+{}", kilo(n)),
            t.error,
        ));
    } else if let Some(n) = p.no_room_for_output() {
        out.push(Span::styled(
            format!(" no room for max {mark}+{}", kilo(n)),
            t.warning,
        ));
    }
    out
}

/// `tools·json·vision·out 16k`: what a model can do, for a row's end.
fn flags(info: &ModelInfo) -> Option<String> {
    let mut parts: Vec<String> = info
        .capabilities
        .map(|c| c.labels().iter().map(|l| l.to_string()).collect())
        .unwrap_or_default();
    if let Some(n) = info.max_output_tokens {
        parts.push(format!("out {}", kilo(n)));
    }
    (!parts.is_empty()).then(|| parts.join("·"))
}

/// `ctx 1M · out 128k · tools·json·vision·reasoning · $3/$15 per M`.
fn figures(info: &ModelInfo) -> String {
    let mut parts = Vec::new();
    if let Some(c) = info.context_window {
        parts.push(format!("ctx {}", kilo(c)));
    }
    if let Some(n) = info.max_output_tokens {
        parts.push(format!("out {}", kilo(n)));
    }
    if let Some(c) = info
        .capabilities
        .map(|c| c.labels())
        .filter(|l| !l.is_empty())
    {
        parts.push(c.join("·"));
    }
    match info.price {
        Some(p) => parts.push(format!("${}/${} per M", p.input, p.output)),
        None => parts.push("cost $?".into()),
    }
    parts.join(" · ")
}

/// Token counts as people say them: `128k` (128000), `16k` (16384), `1M`
/// (1000000 or 1048576), `1.05M` (1050000).
fn kilo(n: u64) -> String {
    let binary = !n.is_multiple_of(1000) && n.is_multiple_of(1024);
    if n >= 1_000_000 {
        let m = if binary {
            n as f64 / 1_048_576.0
        } else {
            n as f64 / 1e6
        };
        let s = format!("{m:.2}");
        format!("{}M", s.trim_end_matches('0').trim_end_matches('.'))
    } else if n >= 1000 {
        let k = if binary { n / 1024 } else { (n + 500) / 1000 };
        format!("{k}k")
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn token_counts_read_as_people_say_them() {
        let cases = [
            (128_000, "128k"),
            (16_384, "16k"),
            (65_536, "64k"),
            (272_000, "272k"),
            (8192, "8k"),
            (1_000_000, "1M"),
            (1_048_576, "1M"),
            (1_050_000, "1.05M"),
            (2_097_152, "2M"),
            (512, "512"),
        ];
        for (n, want) in cases {
            assert_eq!(super::kilo(n), want, "{n}");
        }
    }
}
