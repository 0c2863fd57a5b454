//! A conversation continued from one cell: the cell as first planned (the
//! rendered prompt) and the turns that followed it, the model's answers
//! and the user's next turns, sent again as one request each time, as
//! Genkit's chat sends a prompt's messages as the preamble of a session.
//! Terminal-free: a face asks for the cell to send and reports answers.

use crate::run::PlannedCell;
use crate::types::Message;
use serde_json::{Map, Value, json};

/// The case variable a saved conversation's turns go in.
pub const HISTORY_VAR: &str = "history";

/// One cell's conversation.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// The cell as first planned; each step sends it with the turns.
    pub base: PlannedCell,
    /// The turns after the rendered prompt, alternating: the model's
    /// answer, the user's next turn, ... A last user turn awaits its answer.
    pub turns: Vec<Message>,
    /// User turns still to re-send, in order, after an earlier turn was
    /// edited or removed.
    pub queue: Vec<String>,
    /// A user turn whose call failed, kept to be sent again.
    pub unsent: Option<String>,
}

impl Conversation {
    /// The conversation of `base`, whose first answer was `answer`.
    pub fn new(base: PlannedCell, answer: &str) -> Conversation {
        Conversation {
            base,
            turns: vec![Message::text("model", answer)],
            queue: Vec::new(),
            unsent: None,
        }
    }

    /// The cell to send now: the base cell with every turn after it.
    pub fn cell(&self) -> PlannedCell {
        let mut cell = self.base.clone();
        cell.request.messages.extend(self.turns.iter().cloned());
        cell
    }

    /// Whether a user turn awaits its answer.
    pub fn is_waiting(&self) -> bool {
        self.turns.last().is_some_and(|t| t.role == "user")
    }

    /// The user's next turn; the cell that asks for its answer.
    pub fn say(&mut self, text: &str) -> Result<PlannedCell, String> {
        if self.is_waiting() {
            return Err("the last turn is still waiting for its answer".into());
        }
        if text.trim().is_empty() {
            return Err("type the next turn first".into());
        }
        self.unsent = None;
        self.turns.push(Message::text("user", text));
        Ok(self.cell())
    }

    /// The answer to the waiting turn arrived; returns the next cell to
    /// send when turns are queued for re-running.
    pub fn answered(&mut self, text: &str) -> Option<PlannedCell> {
        if !self.is_waiting() {
            return None;
        }
        self.turns.push(Message::text("model", text));
        if self.queue.is_empty() {
            return None;
        }
        let next = self.queue.remove(0);
        self.turns.push(Message::text("user", next));
        Some(self.cell())
    }

    /// The waiting turn's call failed or was cancelled: the turn is taken
    /// back (kept in `unsent`) and nothing queued is re-run.
    pub fn not_answered(&mut self) {
        if self.is_waiting()
            && let Some(t) = self.turns.pop()
        {
            self.unsent = Some(t.plain_text());
        }
        self.queue.clear();
    }

    /// Replaces turn `i`'s text; the later turns are asked again from
    /// there (their user turns re-sent in order). Returns the cell to send
    /// first, if any.
    pub fn edit(&mut self, i: usize, text: &str) -> Result<Option<PlannedCell>, String> {
        self.check_settled(i)?;
        let role = self.turns[i].role.clone();
        self.turns[i] = Message::text(&role, text);
        Ok(self.rerun_after(i + 1))
    }

    /// Removes turn `i` with the other half of its exchange (a user turn
    /// and its answer); the turns after it are asked again. The first
    /// answer belongs to the prompt and is not removed.
    pub fn remove(&mut self, i: usize) -> Result<Option<PlannedCell>, String> {
        self.check_settled(i)?;
        if i == 0 {
            return Err("the first answer is the prompt's: edit it (e) or run again".into());
        }
        let start = if self.turns[i].role == "user" {
            i
        } else {
            i - 1
        };
        let mut later = self.turns.split_off(start);
        later.drain(..2.min(later.len()));
        self.turns.extend(later);
        Ok(self.rerun_after(start))
    }

    fn check_settled(&self, i: usize) -> Result<(), String> {
        if self.is_waiting() || !self.queue.is_empty() {
            return Err("wait for the answer first (Esc cancels it)".into());
        }
        if i >= self.turns.len() {
            return Err(format!("there is no turn {}", i + 1));
        }
        Ok(())
    }

    /// Keeps turns `..from`, queues the user turns after them, and sends
    /// the first when the kept turns end with an answer or a user turn.
    fn rerun_after(&mut self, from: usize) -> Option<PlannedCell> {
        let later = self.turns.split_off(from.min(self.turns.len()));
        self.queue = later
            .iter()
            .filter(|t| t.role == "user")
            .map(Message::plain_text)
            .collect();
        if self.is_waiting() {
            return Some(self.cell());
        }
        if self.queue.is_empty() {
            return None;
        }
        let next = self.queue.remove(0);
        self.turns.push(Message::text("user", next));
        Some(self.cell())
    }

    /// The turns as a test case's `history` variable: every turn but the
    /// latest answer (the one a check is about) as the YAML text of a
    /// list of `{role, content}`, as `--history` reads it. Text, because a
    /// list value in a case's vars makes one case per item (promptfoo).
    pub fn history_var(&self) -> Value {
        let end = match self.turns.last() {
            Some(t) if t.role == "model" => self.turns.len() - 1,
            _ => self.turns.len(),
        };
        let list: Vec<Value> = self.turns[..end]
            .iter()
            .map(|t| json!({"role": t.role, "content": t.plain_text()}))
            .collect();
        Value::String(serde_norway::to_string(&list).unwrap_or_default())
    }
}

/// A test case's variables split into the template's and the turns that
/// follow the rendered prompt (its `history` variable, as a saved
/// conversation writes it: the text of a list of turns, or the list).
pub fn split_history_var(
    vars: &Map<String, Value>,
) -> Result<(Map<String, Value>, Vec<Message>), String> {
    let mut vars = vars.clone();
    let Some(history) = vars.remove(HISTORY_VAR) else {
        return Ok((vars, Vec::new()));
    };
    let text = match history {
        Value::String(s) => s,
        other => serde_json::to_string(&other).map_err(|e| e.to_string())?,
    };
    let turns = super::history::parse_history(&text).map_err(|e| format!("{HISTORY_VAR}: {e}"))?;
    Ok((vars, turns))
}

#[cfg(test)]
#[path = "conversation_tests.rs"]
mod tests;
