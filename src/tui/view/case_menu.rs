//! The add-as-test menu (`A` in Outputs): the checks with their letters
//! and ticks, greyed ones with why, and the one-line input that asks the
//! text of a ticked check, with why the last text was refused.

use super::text::clip_ellipsis;
use crate::tui::app::App;
use crate::tui::state::case_menu::{CaseMenu, CheckKind, KINDS, first_line};
use ratatui::text::{Line, Span};

pub const TITLE: &str = " Add as test case ";
pub const HINTS: &str = " ↑↓/jk · space or letter ticks · Enter goes on · Esc adds nothing ";

/// The menu's lines, `width` cells wide.
pub fn lines(app: &App, m: &CaseMenu, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut out = vec![
        Line::from(Span::styled(
            clip_ellipsis(
                &format!("The current variables as a new case of {}", m.suite),
                width,
            ),
            t.popup,
        )),
        Line::from(Span::styled("checked by (several may be ticked):", t.dim)),
    ];
    for (i, &kind) in KINDS.iter().enumerate() {
        let off = m.why_off(kind);
        let mark = if m.ticked[i] { "[x]" } else { "[ ]" };
        let pointer = if i == m.cursor && m.asking.is_none() {
            "›"
        } else {
            " "
        };
        let mut label = kind.label().to_string();
        if kind == CheckKind::Equals && off.is_none() {
            label = format!("{label}: \"{}\"", first_line(&m.answer));
        }
        if let Some(why) = off {
            label = format!("{label}: {why}");
        }
        let text = clip_ellipsis(&format!("{pointer}{mark} {}  {label}", kind.key()), width);
        let style = match (off, i == m.cursor && m.asking.is_none()) {
            (Some(_), _) => t.dim,
            (None, true) => t.list_selected,
            (None, false) if m.ticked[i] => t.checkbox_on,
            (None, false) => t.popup,
        };
        out.push(Line::from(Span::styled(text, style)));
    }
    if let Some(note) = &m.note {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled(
            clip_ellipsis(note, width),
            t.warning,
        )));
    }
    out
}

/// The one-line input of the text being asked, if one is.
pub fn input_line(app: &App, m: &CaseMenu) -> Option<Line<'static>> {
    let ask = m.asking.as_ref()?;
    let t = &app.theme;
    let (n, of) = m.text_progress();
    let step = if of > 1 {
        format!("({n}/{of}) ")
    } else {
        String::new()
    };
    let mut spans = vec![
        Span::styled(format!("{step}{}", ask.kind.ask()), t.status_key),
        Span::styled(format!("{}▏", ask.buffer), t.popup),
    ];
    if let Some(why) = &ask.error {
        spans.push(Span::styled(format!("  ✗ {why}"), t.error));
    }
    Some(Line::from(spans))
}
