//! The status bar: the last message (info/warning/error) on the left, or
//! why a value typed into the Models pane was refused; then what Ctrl-R
//! would send (input and output tokens, cost range, models over their
//! window); the keys that work in the focused pane on the right (help and
//! quit kept when the others do not all fit).

use crate::eval::report::fmt::thousands;
use crate::session::preflight::Preflight;
use crate::tui::app::{App, Level};
use crate::usage::fmt_cost;
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
    // What Ctrl-R would send (the workbench's run; not the Tests screen's).
    if app.history_screen.is_none()
        && !app.tests.shown
        && let Some(p) = &app.preflight.value
        && !p.picks.is_empty()
    {
        spans.push(Span::styled(format!(" {} ", run_estimate(p)), t.readout));
        let over = p.picks.iter().filter(|p| p.over_window().is_some()).count();
        if over > 0 {
            spans.push(Span::styled(format!(" {over} over window "), t.error));
        }
    }
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    let room = (area.width as usize).saturating_sub(used + 1);
    let mut hints: Vec<Span> = Vec::new();
    let mut hint_w = 0;
    for (key, what) in fitting(app.hints(), room) {
        hints.push(Span::styled(format!(" {key}"), t.status_key));
        hints.push(Span::styled(format!(" {what} "), t.status_bar));
        hint_w += hint_width(&key, what);
    }
    let pad = (area.width as usize).saturating_sub(used + hint_w);
    spans.push(Span::styled(" ".repeat(pad), t.status_bar));
    spans.extend(hints);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.status_bar), area);
}

/// `≈1,234 in · ≤512 out · $0.0012–$0.0034`: what pressing Run would
/// send and cost (`≈`: an estimate; `cost ?`: a price is unknown).
pub fn run_estimate(p: &Preflight) -> String {
    let mut parts = Vec::new();
    let calls = p.calls();
    if calls > 1 {
        parts.push(format!("{calls} calls"));
    }
    let mark = if p.exact() { "" } else { "≈" };
    parts.push(format!("{mark}{} in", thousands(p.input_tokens())));
    parts.push(match p.output_tokens() {
        (Some(e), Some(m)) if e == m => format!("≤{} out", thousands(m)),
        (Some(e), Some(m)) => format!("≈{} out (≤{})", thousands(e), thousands(m)),
        (Some(e), None) => format!("≈{} out", thousands(e)),
        (None, _) => "out ?".to_string(),
    });
    parts.push(match p.cost() {
        (Some(lo), Some(hi)) if fmt_cost(Some(lo)) == fmt_cost(Some(hi)) => fmt_cost(Some(lo)),
        (Some(lo), Some(hi)) => format!("{}–{}", fmt_cost(Some(lo)), fmt_cost(Some(hi))),
        (Some(lo), None) => format!("≥{}", fmt_cost(Some(lo))),
        (None, _) => "cost ?".to_string(),
    });
    parts.join(" · ")
}

fn hint_width(key: &str, what: &str) -> usize {
    key.width() + what.width() + 3
}

/// The hints that fit in `room` cells: from the first on, but the last two
/// (help and quit) are kept whenever they fit at all, so the way to every
/// other key is always on screen.
fn fitting(hints: Vec<(String, &'static str)>, room: usize) -> Vec<(String, &'static str)> {
    let total: usize = hints.iter().map(|(k, w)| hint_width(k, w)).sum();
    if total <= room {
        return hints;
    }
    let tail_at = hints.len().saturating_sub(2);
    let tail_w: usize = hints[tail_at..].iter().map(|(k, w)| hint_width(k, w)).sum();
    let (head_room, keep_tail) = if tail_w <= room {
        (room - tail_w, true)
    } else {
        (room, false)
    };
    let mut out = Vec::new();
    let mut w = 0;
    for (key, what) in &hints[..if keep_tail { tail_at } else { hints.len() }] {
        let hw = hint_width(key, what);
        if w + hw > head_room {
            break;
        }
        w += hw;
        out.push((key.clone(), *what));
    }
    if keep_tail {
        out.extend(hints[tail_at..].iter().cloned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::count::Counting;
    use crate::session::preflight::PickPreflight;

    fn pick(
        counting: Counting,
        max: Option<u64>,
        avg: Option<u64>,
        cost: (Option<f64>, Option<f64>),
    ) -> PickPreflight {
        PickPreflight {
            name: "m".into(),
            calls: 2,
            counting,
            input_tokens: 1500,
            max_tokens: max,
            avg_output: avg,
            window: None,
            cut: None,
            cost_min: cost.0,
            cost_max: cost.1,
        }
    }

    #[test]
    fn the_estimate_says_what_it_knows_and_what_it_does_not() {
        let one = |p| run_estimate(&Preflight { picks: vec![p] });
        let exact = Counting::Exact("o200k_base");
        assert_eq!(
            one(pick(exact, Some(200), None, (Some(0.001), Some(0.0042)))),
            "2 calls · 3,000 in · ≤400 out · $0.0010–$0.0042"
        );
        assert_eq!(
            one(pick(Counting::Estimate, Some(200), Some(12), (None, None))),
            "2 calls · ≈3,000 in · ≈24 out (≤400) · cost ?"
        );
        assert_eq!(
            one(pick(exact, None, None, (Some(0.001), None))),
            "2 calls · 3,000 in · out ? · ≥$0.0010"
        );
    }

    #[test]
    fn help_and_quit_stay_when_the_middle_does_not_fit() {
        let h = |k: &str, w: &'static str| (k.to_string(), w);
        let hints = vec![
            h("a", "one"),
            h("b", "two"),
            h("f1", "help"),
            h("q", "quit"),
        ];
        let keys = |v: Vec<(String, &str)>| v.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        // Everything fits: all of it, in order.
        assert_eq!(keys(fitting(hints.clone(), 100)), ["a", "b", "f1", "q"]);
        // Room for three: the first, then help and quit.
        let three = 7 + 9 + 8;
        assert_eq!(keys(fitting(hints.clone(), three)), ["a", "f1", "q"]);
        // Not even help and quit fit: from the start, as many as fit.
        assert_eq!(keys(fitting(hints, 8)), ["a"]);
    }
}
