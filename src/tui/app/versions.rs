//! The Versions popup's keys (browse, diff against the editor, restore as
//! an unsaved edit that undo takes back) and rating the focused answer
//! (thumbs up / down, 1 to 5, an optional note), both through the store.

use super::{App, Effect, Level};
use crate::store::ratings::RatingValue;
use crate::tui::action::{Command, KeyCode, KeyPress};
use crate::tui::history_query::Query;
use crate::tui::state::popup::{LinePurpose, Popup};
use crate::tui::state::versions::VersionsPopup;

impl App {
    /// F4: lists the open prompt's versions (the store answers later).
    pub(super) fn open_versions(&mut self, effects: &mut Vec<Effect>) {
        let prompt = self.prompt_name().to_string();
        self.popup = Some(Popup::Versions(Box::new(VersionsPopup::loading(&prompt))));
        self.ask_history(Query::Versions { prompt }, effects);
    }

    pub(super) fn versions_key(
        &mut self,
        mut p: Box<VersionsPopup>,
        key: KeyPress,
    ) -> Option<Popup> {
        let text = self.editor().text();
        let page = (self.size.1 / 2).max(1) as isize;
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return None,
            KeyCode::Up | KeyCode::Char('k') => p.step(-1, &text),
            KeyCode::Down | KeyCode::Char('j') => p.step(1, &text),
            KeyCode::PageDown | KeyCode::Char(' ') => {
                let last = p.diff.lines().count().saturating_sub(1);
                p.scroll = (p.scroll + page as usize).min(last);
            }
            KeyCode::PageUp => p.scroll = p.scroll.saturating_sub(page as usize),
            KeyCode::Enter => {
                if let Some(v) = p.selected() {
                    let (name, short) = (v.version.prompt.clone(), v.version.short().to_string());
                    let source = v.version.source.clone();
                    if self.editor_mut().replace_all(&source) {
                        let undo = self
                            .keymap
                            .key_for(crate::tui::keymap::Context::Editor, Command::Undo)
                            .unwrap_or("undo")
                            .to_string();
                        self.set_status(
                            Level::Info,
                            format!("restored {name}@{short} into the editor (unsaved; {undo} takes it back)"),
                        );
                    } else {
                        self.set_status(
                            Level::Info,
                            format!("the editor already holds {name}@{short}"),
                        );
                    }
                    return None;
                }
            }
            _ => {}
        }
        Some(Popup::Versions(p))
    }

    /// The recorded id of output column `col`, or why there is none.
    fn recorded_call(&self, col: usize) -> Result<(String, String), String> {
        let cell = self.outputs.columns().get(col).ok_or("no answer to rate")?;
        if self.history.is_none() {
            return Err("history is off: answers are not recorded, so they cannot be rated".into());
        }
        match self.outputs.results.call_ids.get(col).cloned().flatten() {
            Some(id) => Ok((id, cell.label())),
            None => Err(format!(
                "the answer of {} is not recorded yet",
                cell.label()
            )),
        }
    }

    /// `rate` / `rate_up` / `rate_down` in Outputs.
    pub(super) fn rate_command(&mut self, cmd: Command, effects: &mut Vec<Effect>) {
        let col = self.outputs.focus_col;
        let (call, what) = match self.recorded_call(col) {
            Ok(found) => found,
            Err(why) => return self.set_status(Level::Warning, why),
        };
        let value = match cmd {
            Command::RateUp => RatingValue::Up,
            Command::RateDown => RatingValue::Down,
            _ => {
                self.popup = Some(Popup::LineInput {
                    purpose: LinePurpose::Rate { col },
                    buffer: String::new(),
                });
                return;
            }
        };
        self.ask_history(
            Query::Rate {
                call,
                value,
                note: None,
                what,
            },
            effects,
        );
    }

    /// The one-line rating: `up`, `down` or `1`-`5`, then a note.
    pub(super) fn finish_rating(&mut self, col: usize, buffer: &str, effects: &mut Vec<Effect>) {
        let (value, note) = match super::tests_cell::parse_rating(buffer) {
            Ok(v) => v,
            Err(why) => return self.set_status(Level::Warning, why),
        };
        let (call, what) = match self.recorded_call(col) {
            Ok(found) => found,
            Err(why) => return self.set_status(Level::Warning, why),
        };
        self.ask_history(
            Query::Rate {
                call,
                value,
                note,
                what,
            },
            effects,
        );
    }
}

/// How a rating reads in the status bar.
pub(super) fn rating_word(v: RatingValue) -> String {
    match v {
        RatingValue::Up => "thumbs up".into(),
        RatingValue::Down => "thumbs down".into(),
        RatingValue::Score(n) => format!("{n}/5"),
    }
}
