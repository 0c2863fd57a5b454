//! Conversations in Outputs: `c` takes the focused column one turn further
//! (its answer becomes a model turn, the typed line the next user turn,
//! and the whole conversation goes to that column's model), `C` sends the
//! same turn to every column (`turns.rs`: edit or remove an earlier one).
//! Each step is a run of its own joined to the runner's run in flight
//! (Esc cancels both); its events stream into the column.

use super::{App, Effect, Level};
use crate::run::{CacheMode, CellStatus, PlannedCell, RunEvent};
use crate::session::Collector;
use crate::session::conversation::Conversation;
use crate::tui::action::Command;
use crate::tui::state::conversation::Step;
use crate::tui::state::popup::{LinePurpose, Popup};

impl App {
    /// `continue`, `continue_all` and `pick_turn` in Outputs.
    pub(super) fn conversation_command(&mut self, cmd: Command) {
        let col = self.outputs.focus_col;
        match cmd {
            Command::Continue | Command::ContinueAll => {
                let all = cmd == Command::ContinueAll;
                if let Err(why) = self.targets((!all).then_some(col)) {
                    return self.set_status(Level::Warning, why);
                }
                let unsent = self.convo.of(col).and_then(|c| c.unsent.clone());
                self.popup = Some(Popup::LineInput {
                    purpose: LinePurpose::Continue {
                        col: (!all).then_some(col),
                    },
                    buffer: unsent.unwrap_or_default(),
                });
            }
            Command::PickTurn => {
                if self.convo.of(col).is_none() {
                    return self.set_status(
                        Level::Warning,
                        "no conversation in this column yet: c adds the next turn",
                    );
                }
                self.convo.picked = None;
                self.convo.step_pick(col, 0);
                self.set_status(
                    Level::Info,
                    "pick a turn: ↑↓, e edits it, d removes it (the later turns are asked again), Esc",
                );
            }
            _ => {}
        }
    }

    /// The columns a next turn goes to: `col`, or (`None`) every column
    /// that can go on (those that cannot are left as they are).
    fn targets(&self, col: Option<usize>) -> Result<Vec<usize>, String> {
        let cols: Vec<usize> = match col {
            Some(c) => vec![c],
            None => (0..self.outputs.columns().len()).collect(),
        };
        let mut first_problem = None;
        let ok: Vec<usize> = cols
            .into_iter()
            .filter(|&c| match self.can_continue(c) {
                Ok(()) => true,
                Err(why) => {
                    first_problem.get_or_insert(why);
                    false
                }
            })
            .collect();
        match (ok.is_empty(), first_problem) {
            (true, Some(why)) => Err(why),
            (true, None) => Err("no answers yet: run the prompt first (ctrl-r)".into()),
            (false, _) => Ok(ok),
        }
    }

    /// Whether column `col` has a settled answer to go on from.
    fn can_continue(&self, col: usize) -> Result<(), String> {
        let Some(cell) = self.outputs.columns().get(col) else {
            return Err("no answers yet: run the prompt first (ctrl-r)".into());
        };
        if self.convo.is_waiting(col) || cell.is_running() {
            return Err(format!("{} is still answering", cell.label()));
        }
        if !cell.tool_calls.is_empty() {
            return Err(format!(
                "{} called a tool: x answers the call first",
                cell.label()
            ));
        }
        if self.convo.of(col).is_none() && cell.status != CellStatus::Done {
            return Err(format!(
                "{} has no answer to go on from: run it again first",
                cell.label()
            ));
        }
        Ok(())
    }

    /// The typed next turn: every column of `col` (all when `None`) is
    /// sent its conversation with it.
    pub(super) fn finish_continue(
        &mut self,
        col: Option<usize>,
        typed: &str,
        effects: &mut Vec<Effect>,
    ) {
        let cols = match self.targets(col) {
            Ok(cols) => cols,
            Err(why) => return self.set_status(Level::Warning, why),
        };
        let skipped = self.outputs.columns().len() - cols.len();
        let mut cells = Vec::new();
        for &c in &cols {
            let answer = self.outputs.columns()[c].text.clone();
            // After a tool loop, its turns are the conversation so far.
            if let Some(agent) = self.convo.agents.get_mut(c).and_then(Option::take) {
                self.convo.cols[c] = Some(Conversation::new(agent.agent.cell(), &answer));
            }
            let Some(conv) = self.convo.start(c, &answer) else {
                continue;
            };
            match conv.say(typed) {
                Ok(cell) => cells.push((c, cell)),
                Err(why) => return self.set_status(Level::Warning, why),
            }
        }
        let n = cells.len();
        self.send_steps(cells, effects);
        let mut msg = format!("next turn sent to {n} column(s)");
        if col.is_none() && skipped > 0 {
            msg.push_str(&format!(
                " ({skipped} without an answer to go on from left out)"
            ));
        }
        self.set_status(Level::Info, msg);
    }

    /// Starts one step: a run of `cells`, each streaming into its column.
    pub(super) fn send_steps(
        &mut self,
        cells: Vec<(usize, PlannedCell)>,
        effects: &mut Vec<Effect>,
    ) {
        self.send_run(cells, false, effects);
    }

    /// Starts a run of `cells` (each into its column), a step of agent
    /// loops when `agent`, else of conversations.
    pub(super) fn send_run(
        &mut self,
        cells: Vec<(usize, PlannedCell)>,
        agent: bool,
        effects: &mut Vec<Effect>,
    ) {
        if cells.is_empty() {
            return;
        }
        let run = self.next_run_id();
        let (cols, planned): (Vec<usize>, Vec<PlannedCell>) = cells.into_iter().unzip();
        let schema = planned[0].request.json_schema.clone();
        let collector = self.recorded(Collector::new(run, &planned, schema), &planned);
        for (&col, cell) in cols.iter().zip(&collector.cells) {
            if let Some(shown) = self.outputs.results.cells.get_mut(col) {
                *shown = cell.clone();
            }
            if let Some(check) = self.outputs.results.checks.get_mut(col) {
                *check = None;
            }
        }
        self.outputs.follow = true;
        self.convo.steps.push(Step {
            run,
            collector,
            cols,
            agent,
        });
        let cache = if self.cache_on {
            CacheMode::ReadWrite
        } else {
            CacheMode::Off
        };
        effects.push(Effect::JoinRun {
            run,
            cells: planned,
            cache,
        });
    }

    /// An event of a conversation step: folded into its column; a settled
    /// answer becomes a model turn and queued turns are sent on.
    pub(super) fn on_conversation_event(&mut self, ev: RunEvent, effects: &mut Vec<Effect>) {
        let run = ev.run();
        let Some(si) = self.convo.steps.iter().position(|s| s.run == run) else {
            return;
        };
        let step = &mut self.convo.steps[si];
        let agent = step.agent;
        let Some(i) = step.collector.apply(ev.clone()) else {
            return;
        };
        let col = step.cols[i];
        let settled = step.collector.cells[i].is_settled();
        let (check, call_id) = (
            step.collector.checks[i].clone(),
            step.collector.call_ids[i].clone(),
        );
        let results = &mut self.outputs.results;
        if let Some(cell) = results.cells.get_mut(col) {
            cell.apply(ev);
        }
        if !settled {
            return;
        }
        // A diff keyed on lengths would miss a same-length new answer.
        self.outputs.diffs.invalidate();
        if let Some(c) = results.checks.get_mut(col) {
            *c = check;
        }
        if let Some(c) = results.call_ids.get_mut(col) {
            *c = call_id;
        }
        if step.collector.is_done() {
            self.convo.steps.remove(si);
        }
        if agent {
            return self.agent_step_settled(col, effects);
        }
        let Some(cell) = self.outputs.results.cells.get(col) else {
            return;
        };
        let (done, text, label) = (
            cell.status == CellStatus::Done,
            cell.text.clone(),
            cell.label(),
        );
        let Some(conv) = self.convo.of_mut(col) else {
            return;
        };
        if done {
            match conv.answered(&text) {
                Some(next) => self.send_steps(vec![(col, next)], effects),
                None => self.set_status(Level::Info, format!("{label} answered")),
            }
        } else {
            conv.not_answered();
            self.set_status(
                Level::Warning,
                format!("{label}: the turn was not answered (c sends it again)"),
            );
        }
    }

    /// The focused column's conversation as a test case variable, when
    /// it has one (for add-as-test).
    pub(super) fn conversation_var(&self, col: usize) -> Option<serde_json::Value> {
        self.convo.of(col).map(|c| c.history_var())
    }
}
