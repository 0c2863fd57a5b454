//! Blind pairwise voting over the latest run: every two models' answers
//! to the same request (same sample, same sweep temperature) become a
//! pair shown as A and B in random order; each vote is recorded in the
//! history, and the win rates show once all pairs are voted on.

use super::{App, Effect, Level};
use crate::store::ratings::{BlindPair, BlindVote, Contender};
use crate::tui::action::{KeyCode, KeyPress};
use crate::tui::history_query::{Query, Reply};
use crate::tui::state::blind::{BlindItem, BlindScreen};

impl App {
    /// `blind` in Outputs: the pairs of the latest run, or why there are none.
    pub(super) fn open_blind(&mut self) {
        if self.outputs.is_running() {
            return self.set_status(Level::Warning, "wait for the run to finish");
        }
        let cells = self.outputs.columns();
        let ids = &self.outputs.results.call_ids;
        let mut items = Vec::new();
        for (i, x) in cells.iter().enumerate() {
            for (j, y) in cells.iter().enumerate().skip(i + 1) {
                let same_request = x.slot.sample == y.slot.sample
                    && x.slot.temperature == y.slot.temperature
                    && x.slot.model != y.slot.model;
                if !same_request || x.text.is_empty() || y.text.is_empty() {
                    continue;
                }
                let c = |k: usize, name: &str| Contender {
                    call: ids.get(k).cloned().flatten(),
                    name: name.to_string(),
                };
                let pair = BlindPair::shuffle(c(i, &x.name), c(j, &y.name), &mut self.rng);
                let (a_text, b_text) = if pair.swapped {
                    (y.text.clone(), x.text.clone())
                } else {
                    (x.text.clone(), y.text.clone())
                };
                items.push(BlindItem {
                    pair,
                    a_text,
                    b_text,
                });
            }
        }
        if items.is_empty() {
            return self.set_status(
                Level::Warning,
                "a blind comparison needs answers of two models to the same request: run on two models",
            );
        }
        self.blind = Some(Box::new(BlindScreen {
            items,
            ..Default::default()
        }));
    }

    pub(super) fn blind_key(&mut self, key: KeyPress, effects: &mut Vec<Effect>) {
        let Some(mut s) = self.blind.take() else {
            return;
        };
        let vote = match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return,
            KeyCode::Enter if s.done() => return,
            KeyCode::Char('a') => Some(BlindVote::A),
            KeyCode::Char('b') => Some(BlindVote::B),
            KeyCode::Char('t') => Some(BlindVote::Tie),
            KeyCode::Char('x') => Some(BlindVote::BothBad),
            KeyCode::Up | KeyCode::Char('k') => {
                s.scroll = s.scroll.saturating_sub(1);
                None
            }
            KeyCode::Down | KeyCode::Char('j') => {
                s.scroll += 1;
                None
            }
            _ => None,
        };
        if let Some(v) = vote
            && let Some(pair) = s.vote(v)
            && self.history.is_some()
        {
            self.ask_history(Query::Vote { pair, vote: v }, effects);
        }
        self.blind = Some(s);
    }

    pub(super) fn on_voted(&mut self, reply: Reply) {
        if let Reply::Voted { result: Err(e) } = reply {
            self.set_status(Level::Warning, format!("vote not recorded: {e}"));
        }
    }
}
