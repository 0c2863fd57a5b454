//! Picking an earlier turn of the focused column (`t`): ↑↓ move, `e`
//! edits it and `d` removes it with its exchange; the later turns are
//! then asked again, or the column shows the answer it now ends with.

use super::{App, Effect, Level};
use crate::run::PlannedCell;
use crate::tui::action::{KeyCode, KeyPress};
use crate::tui::state::popup::{LinePurpose, Popup};

impl App {
    /// The new text of a picked turn; the later turns are asked again.
    pub(super) fn finish_edit_turn(
        &mut self,
        col: usize,
        turn: usize,
        typed: &str,
        effects: &mut Vec<Effect>,
    ) {
        let Some(conv) = self.convo.of_mut(col) else {
            return;
        };
        match conv.edit(turn, typed) {
            Ok(next) => self.after_change(col, next, "turn edited", effects),
            Err(why) => self.set_status(Level::Warning, why),
        }
    }

    /// Keys while a turn is picked: ↑↓ move, `e` edits, `d` removes.
    pub(super) fn turn_key(&mut self, key: KeyPress, effects: &mut Vec<Effect>) {
        let col = self.outputs.focus_col;
        let Some(turn) = self.convo.picked else {
            return;
        };
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.convo.step_pick(col, -1),
            KeyCode::Down | KeyCode::Char('j') => self.convo.step_pick(col, 1),
            KeyCode::Char('e') => {
                let text = self
                    .convo
                    .of(col)
                    .and_then(|c| c.turns.get(turn))
                    .map(|t| t.plain_text())
                    .unwrap_or_default();
                self.convo.picked = None;
                self.popup = Some(Popup::LineInput {
                    purpose: LinePurpose::EditTurn { col, turn },
                    buffer: text,
                });
            }
            KeyCode::Char('d') => {
                self.convo.picked = None;
                let Some(conv) = self.convo.of_mut(col) else {
                    return;
                };
                match conv.remove(turn) {
                    Ok(next) => self.after_change(col, next, "turn removed", effects),
                    Err(why) => self.set_status(Level::Warning, why),
                }
            }
            KeyCode::Esc | KeyCode::Char('t') => {
                self.convo.picked = None;
                self.status = None;
            }
            _ => {
                // Global commands (run, quit, help) still work.
                if let Some(cmd) = self.keymap.lookup(self.focus.context(), key) {
                    self.convo.picked = None;
                    self.command(cmd, effects);
                }
            }
        }
    }

    /// After an edit or removal: re-run from there, or show the latest
    /// answer the conversation now ends with.
    fn after_change(
        &mut self,
        col: usize,
        next: Option<PlannedCell>,
        what: &str,
        effects: &mut Vec<Effect>,
    ) {
        match next {
            Some(cell) => {
                self.send_steps(vec![(col, cell)], effects);
                self.set_status(Level::Info, format!("{what}: asking again from there"));
            }
            None => {
                let last = self
                    .convo
                    .of(col)
                    .and_then(|c| c.turns.last())
                    .map(|t| t.plain_text());
                if let (Some(text), Some(cell)) = (last, self.outputs.results.cells.get_mut(col)) {
                    cell.text = text;
                }
                self.outputs.diffs.invalidate();
                self.set_status(
                    Level::Info,
                    format!("{what}: nothing after it to ask again"),
                );
            }
        }
    }
}
