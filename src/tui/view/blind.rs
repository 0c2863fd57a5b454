//! The blind pairwise screen: answer A and answer B side by side with no
//! name on screen, the vote keys and progress; once every pair has its
//! vote, each contender's wins, losses, ties and win rate with its 95%
//! interval (names shown only then).

use super::pane_block;
use super::text::{clip_ellipsis, wrap};
use crate::store::pairwise::standings;
use crate::tui::app::App;
use crate::tui::state::blind::BlindScreen;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &BlindScreen) {
    let t = &app.theme;
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .split(area);
    let n = s.items.len();
    let head = if s.done() {
        format!(" Blind comparison · {n} vote(s) · Esc returns to the workbench")
    } else {
        let what = s
            .current()
            .and_then(|i| i.context.as_deref())
            .map_or(String::new(), |c| format!(" · {c}"));
        format!(
            " Blind comparison · pair {} of {n}{what} · which answer is better?",
            s.at + 1
        )
    };
    frame.render_widget(Paragraph::new(Span::styled(head, t.title_focused)), rows[0]);
    let keys = if s.done() {
        " esc / enter  back to the workbench"
    } else {
        " a  A is better   b  B is better   t  tie   x  both bad   ↑↓  scroll   esc  stop"
    };
    frame.render_widget(
        Paragraph::new(Span::styled(keys, t.status_key)).style(t.status_bar),
        rows[2],
    );
    let Some(item) = s.current() else {
        return results(frame, rows[1], app, s);
    };
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(rows[1]);
    for (r, title, text) in [
        (cols[0], " A ", &item.a_text),
        (cols[1], " B ", &item.b_text),
    ] {
        let block = pane_block(title.into(), false, t);
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let lines: Vec<Line> = wrap(text, inner.width.max(1) as usize)
            .into_iter()
            .skip(s.scroll)
            .map(Line::from)
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

fn results(frame: &mut Frame, area: Rect, app: &App, s: &BlindScreen) {
    let t = &app.theme;
    let block = pane_block(
        " Win rates (ties count half; both bad apart) ".into(),
        true,
        t,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let mut lines = vec![Line::from(Span::styled(
        "  contender                   wins  losses  ties  both bad  win rate  95% interval",
        t.dim,
    ))];
    for st in standings(&s.votes) {
        let rate = st
            .win_rate
            .map_or("-".to_string(), |r| format!("{:.0}%", r * 100.0));
        let ci = st.interval.map_or("-".to_string(), |(lo, hi)| {
            format!("{:.0}%–{:.0}%", lo * 100.0, hi * 100.0)
        });
        let row = format!(
            "  {:<26}  {:>4}  {:>6}  {:>4}  {:>8}  {:>8}  {ci}",
            clip_ellipsis(&st.name, 26),
            st.wins,
            st.losses,
            st.ties,
            st.both_bad,
            rate
        );
        lines.push(Line::from(clip_ellipsis(&row, w)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
