//! Conversations in the Outputs columns: each column's planned cell from
//! the latest run, the conversation of each column that was continued
//! (`session::conversation`), the steps in flight (one run each, its
//! cells mapped to columns) and the turn picked for editing.

use crate::run::{PlannedCell, event::RunId};
use crate::session::Collector;
use crate::session::agent::{AgentEnd, AgentLoop};
use crate::session::conversation::Conversation;

/// One step of conversations in flight: a run of one cell per column.
#[derive(Debug, Clone)]
pub struct Step {
    pub run: RunId,
    /// Folds the step's events (and records its calls).
    pub collector: Collector,
    /// The column of each of the run's cells.
    pub cols: Vec<usize>,
    /// A step of a column's agent loop (tool results sent back), not of
    /// its conversation.
    pub agent: bool,
}

/// A column's agent loop: its tool calls answered and sent back.
#[derive(Debug, Clone)]
pub struct AgentState {
    pub agent: AgentLoop,
    /// The column's answer is a step the loop has not been given yet
    /// (stepping waits for the key).
    pub unadvanced: bool,
    /// Running to the end: each settled step goes on by itself.
    pub to_end: bool,
    /// Why the loop stopped, once it did.
    pub end: Option<AgentEnd>,
}

#[derive(Debug, Clone, Default)]
pub struct Conversations {
    /// Each column's cell as the latest run planned it.
    pub base: Vec<PlannedCell>,
    /// Each column's conversation, once continued.
    pub cols: Vec<Option<Conversation>>,
    /// Each column's agent loop, once its tool calls are answered.
    pub agents: Vec<Option<AgentState>>,
    pub steps: Vec<Step>,
    /// The turn picked in the focused column (`t`), for `e` and `d`.
    pub picked: Option<usize>,
}

impl Conversations {
    /// A new run: its columns start without conversations.
    pub fn begin(&mut self, cells: &[PlannedCell]) {
        self.base = cells.to_vec();
        self.cols = vec![None; cells.len()];
        self.agents = vec![None; cells.len()];
        self.steps.clear();
        self.picked = None;
    }

    /// Column `col`'s conversation.
    pub fn of(&self, col: usize) -> Option<&Conversation> {
        self.cols.get(col).and_then(Option::as_ref)
    }

    pub fn of_mut(&mut self, col: usize) -> Option<&mut Conversation> {
        self.cols.get_mut(col).and_then(Option::as_mut)
    }

    /// Column `col`'s conversation, started from its first `answer` when
    /// it has none yet.
    pub fn start(&mut self, col: usize, answer: &str) -> Option<&mut Conversation> {
        let base = self.base.get(col)?.clone();
        let slot = self.cols.get_mut(col)?;
        Some(slot.get_or_insert_with(|| Conversation::new(base, answer)))
    }

    /// Column `col`'s agent loop.
    pub fn agent(&self, col: usize) -> Option<&AgentState> {
        self.agents.get(col).and_then(Option::as_ref)
    }

    pub fn agent_mut(&mut self, col: usize) -> Option<&mut AgentState> {
        self.agents.get_mut(col).and_then(Option::as_mut)
    }

    /// Whether `run` is a step of a conversation.
    pub fn owns(&self, run: RunId) -> bool {
        self.steps.iter().any(|s| s.run == run)
    }

    /// Whether column `col` waits for an answer.
    pub fn is_waiting(&self, col: usize) -> bool {
        self.of(col).is_some_and(Conversation::is_waiting)
    }

    /// The number of turns column `col` shows: the prompt's, then one per
    /// turn after it (the answer in flight included).
    pub fn turn_count(&self, col: usize) -> usize {
        self.of(col).map_or(0, |c| 1 + c.turns.len())
    }

    /// Moves the picked turn by `delta`, within turns 1.. (the prompt's
    /// own turn is edited in the editor).
    pub fn step_pick(&mut self, col: usize, delta: isize) {
        let n = self.of(col).map_or(0, |c| c.turns.len());
        if n == 0 {
            self.picked = None;
            return;
        }
        let at = self.picked.unwrap_or(n - 1) as isize + delta;
        self.picked = Some(at.clamp(0, n as isize - 1) as usize);
    }
}
