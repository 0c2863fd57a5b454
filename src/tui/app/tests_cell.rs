//! Rating outside Outputs, with Outputs' keys (+ / - thumbs, R a score
//! 1-5 and a note): a sample of an opened Tests cell (tab picks the
//! sample with repeats) and the call opened on the History screen. The
//! store answers with the call's ratings, which the screens then show.

use super::{App, Effect, Level};
use crate::store::ratings::{Rating, RatingValue};
use crate::tui::action::{Command, KeyCode, KeyPress};
use crate::tui::history_query::Query;
use crate::tui::keymap::Context;
use crate::tui::state::popup::{LinePurpose, Popup};

/// A sample of a Tests cell: (case, column, repeat).
pub type SampleAt = (usize, usize, usize);

impl App {
    /// Keys of an opened Tests cell beyond scrolling: tab to the next
    /// sample, and rating. True when the key was taken.
    pub(super) fn test_cell_key(
        &mut self,
        at: (usize, usize, &mut usize),
        key: KeyPress,
        effects: &mut Vec<Effect>,
    ) -> bool {
        let (case, col, sample) = at;
        if key.code == KeyCode::Tab {
            let k = self.tests.grid().map_or(0, |g| g.samples(case, col).len());
            *sample = if k == 0 { 0 } else { (*sample + 1) % k };
            return true;
        }
        match self.rating_key(key) {
            Some(cmd) => {
                self.rate_test_sample((case, col, *sample), cmd, effects);
                true
            }
            None => false,
        }
    }

    /// The rating command `key` is bound to in Outputs, if any.
    pub(super) fn rating_key(&self, key: KeyPress) -> Option<Command> {
        self.keymap
            .lookup(Context::Outputs, key)
            .filter(|c| matches!(c, Command::Rate | Command::RateUp | Command::RateDown))
    }

    /// The rating keys as the status bar spells them: `+ - R`.
    pub fn rating_keys(&self) -> String {
        [Command::RateUp, Command::RateDown, Command::Rate]
            .into_iter()
            .filter_map(|c| self.keymap.key_for(Context::Outputs, c))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Rates a sample of a Tests cell; `Rate` asks for the value first.
    pub(super) fn rate_test_sample(
        &mut self,
        at: SampleAt,
        cmd: Command,
        effects: &mut Vec<Effect>,
    ) {
        let target = match self.test_sample_call(at) {
            Ok(t) => t,
            Err(why) => return self.set_status(Level::Warning, why),
        };
        let (case, col, sample) = at;
        match rating_of(cmd) {
            Some(value) => self.send_rating(target, value, None, effects),
            None => {
                self.popup = Some(Popup::LineInput {
                    purpose: LinePurpose::RateTest { case, col, sample },
                    buffer: String::new(),
                })
            }
        }
    }

    /// The one-line rating of a Tests sample typed; the cell opens again.
    pub(super) fn finish_test_rating(
        &mut self,
        at: SampleAt,
        buffer: &str,
        effects: &mut Vec<Effect>,
    ) {
        let (case, col, sample) = at;
        self.popup = Some(Popup::TestCell {
            case,
            col,
            sample,
            scroll: Default::default(),
        });
        let target = self.test_sample_call(at);
        self.finish_rating_for(target, buffer, effects);
    }

    /// The recorded call of a Tests sample, or why there is none.
    fn test_sample_call(&self, (case, col, sample): SampleAt) -> Result<RatingTarget, String> {
        let g = self.tests.grid().ok_or("no suite shown")?;
        let samples = g.samples(case, col);
        let r = samples
            .get(sample)
            .ok_or("no answer to rate in this cell")?;
        if self.history.is_none() {
            return Err("history is off: answers are not recorded, so they cannot be rated".into());
        }
        let what = if samples.len() > 1 {
            format!("case {} on {} (sample {})", case + 1, r.model, sample + 1)
        } else {
            format!("case {} on {}", case + 1, r.model)
        };
        let call = r
            .call_id
            .clone()
            .ok_or_else(|| format!("the answer of {what} is not recorded in the history"))?;
        Ok(RatingTarget { call, what })
    }

    /// Rating keys on the History screen's opened call. True when taken.
    pub(super) fn history_rating_key(&mut self, key: KeyPress, effects: &mut Vec<Effect>) -> bool {
        let Some(cmd) = self.rating_key(key) else {
            return false;
        };
        if self.history_screen.as_deref().is_some_and(|s| s.typing) {
            return false;
        }
        let Some(uid) = self.opened_call_uid() else {
            return false;
        };
        match rating_of(cmd) {
            Some(value) => self.send_rating(history_target(uid), value, None, effects),
            None => {
                self.popup = Some(Popup::LineInput {
                    purpose: LinePurpose::RateHistory { uid },
                    buffer: String::new(),
                })
            }
        }
        true
    }

    pub(super) fn finish_history_rating(
        &mut self,
        uid: i64,
        buffer: &str,
        effects: &mut Vec<Effect>,
    ) {
        self.finish_rating_for(Ok(history_target(uid)), buffer, effects);
    }

    fn opened_call_uid(&self) -> Option<i64> {
        let s = self.history_screen.as_deref()?;
        s.opened.as_ref().map(|o| o.call.summary.uid)
    }

    fn finish_rating_for(
        &mut self,
        target: Result<RatingTarget, String>,
        buffer: &str,
        effects: &mut Vec<Effect>,
    ) {
        let (value, note) = match parse_rating(buffer) {
            Ok(v) => v,
            Err(why) => return self.set_status(Level::Warning, why),
        };
        match target {
            Ok(t) => self.send_rating(t, value, note, effects),
            Err(why) => self.set_status(Level::Warning, why),
        }
    }

    fn send_rating(
        &mut self,
        t: RatingTarget,
        value: RatingValue,
        note: Option<String>,
        effects: &mut Vec<Effect>,
    ) {
        self.ask_history(
            Query::Rate {
                call: t.call,
                value,
                note,
                what: t.what,
            },
            effects,
        );
    }

    /// The store recorded a rating: the screens showing that call show
    /// its ratings now.
    pub(super) fn show_ratings(&mut self, call: &str, list: Vec<Rating>) {
        if let Some(s) = self.history_screen.as_deref_mut()
            && let Some(o) = s.opened.as_mut()
            && crate::store::ids::uid_hex(o.call.summary.uid).starts_with(call)
        {
            o.ratings = list.clone();
        }
        self.tests.ratings.insert(call.to_string(), list);
    }
}

fn history_target(uid: i64) -> RatingTarget {
    RatingTarget {
        call: crate::store::ids::uid_hex(uid),
        what: format!("call {}", crate::store::ids::uid_short(uid)),
    }
}

/// The value of a thumbs key; `None` for the key that asks.
fn rating_of(cmd: Command) -> Option<RatingValue> {
    match cmd {
        Command::RateUp => Some(RatingValue::Up),
        Command::RateDown => Some(RatingValue::Down),
        _ => None,
    }
}

/// A recorded call to rate: its hex id and how the status bar names it.
pub(super) struct RatingTarget {
    call: String,
    what: String,
}

/// The one-line rating: `up`, `down` (+ / -) or `1`-`5`, then a note.
pub(super) fn parse_rating(buffer: &str) -> Result<(RatingValue, Option<String>), String> {
    let text = buffer.trim();
    let (first, note) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let value = RatingValue::parse(first)
        .ok_or("not rated: start with up, down (+ / -) or a score 1-5, then a note if you like")?;
    let note = Some(note.trim().to_string()).filter(|n| !n.is_empty());
    Ok((value, note))
}
