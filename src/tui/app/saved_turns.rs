//! A loaded test case's saved conversation (its `history` variable) shown
//! as the columns' conversations: the run sends the prompt with the turns
//! (as `pwb eval` does), each column shows them, and its answer becomes
//! the next model turn, so `c` goes on from there.

use super::App;
use crate::run::{CellStatus, PlannedCell};
use crate::session::conversation::Conversation;

impl App {
    /// After a run is planned: each column whose request ends with the
    /// loaded case's turns (the `context:` policy may have cut them) gets
    /// them as its conversation, waiting for the answer.
    pub(super) fn restore_saved_turns(&mut self, cells: &[PlannedCell]) {
        let turns = &self.current.vars.history;
        if turns.last().is_none_or(|t| t.role != "user") {
            return;
        }
        for (col, cell) in cells.iter().enumerate() {
            let msgs = &cell.request.messages;
            let Some(start) = msgs.len().checked_sub(turns.len()) else {
                continue;
            };
            if msgs[start..] != turns[..] {
                continue;
            }
            let mut base = cell.clone();
            base.request.messages.truncate(start);
            if let Some(slot) = self.convo.cols.get_mut(col) {
                *slot = Some(Conversation {
                    base,
                    turns: turns.clone(),
                    queue: Vec::new(),
                    unsent: None,
                });
            }
        }
    }

    /// A cell of the main run settled: a column whose conversation waits
    /// takes the answer as its next model turn.
    pub(super) fn main_cell_settled(&mut self, col: usize) {
        let Some(cell) = self.outputs.columns().get(col) else {
            return;
        };
        if !cell.is_settled() {
            return;
        }
        let (done, text) = (cell.status == CellStatus::Done, cell.text.clone());
        let Some(conv) = self.convo.of_mut(col).filter(|c| c.is_waiting()) else {
            return;
        };
        if done {
            conv.answered(&text);
        } else {
            conv.not_answered();
        }
    }
}
