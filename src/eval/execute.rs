//! Running the matrix through the one runner: cells are fed to the runner
//! as calls finish, so at most `concurrency` are in flight, no new call
//! starts once `--max-cost` is spent or the user interrupts, and every
//! event is folded by the session's collector. Each settled cell is
//! handed to `on_settled` (the engine grades it there).

use super::matrix::Entry;
use crate::compare::Readout;
use crate::run::{CacheMode, CellOutcome, Runner, plan::into_cells_with};
use crate::session::Collector;
use crate::usage::Catalog;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// How the matrix is run.
pub struct Execution<'a> {
    pub runner: &'a Runner,
    pub cache: CacheMode,
    /// Calls in flight at most (`-j`).
    pub concurrency: usize,
    /// Stop starting calls once this much (USD) is spent.
    pub max_cost: Option<f64>,
    pub catalog: &'a Catalog,
    /// Cancelled on Ctrl-C: calls in flight stop, no new ones start.
    pub interrupt: CancellationToken,
}

/// What running the matrix came to.
pub struct Executed {
    /// Every entry's outcome, in plan order; entries never started are
    /// `Queued`.
    pub results: Collector,
    /// Which entries were started (or failed before a call).
    pub started: Vec<bool>,
    pub interrupted: bool,
    /// The spend at which new calls stopped, when `max_cost` stopped them.
    pub stopped_at_cost: Option<f64>,
    /// USD spent on the calls whose price is known.
    pub spent: f64,
}

/// The run id of an eval's calls (grader calls join it).
pub const RUN: u64 = 1;

impl Execution<'_> {
    /// Runs `entries`; `on_settled(index, outcome)` is called once per
    /// entry as it settles (entries that could not be planned settle at
    /// once, as failures with their reason). It may take the outcome
    /// (leaving a placeholder) when it keeps it elsewhere: a big eval then
    /// holds each answer once.
    pub async fn run(
        &self,
        entries: Vec<Entry>,
        mut on_settled: impl FnMut(usize, &mut CellOutcome),
    ) -> Executed {
        let n = entries.len();
        let outcomes = entries
            .iter()
            .map(|e| match &e.planned {
                Ok(cell) => CellOutcome::planned(cell),
                Err(_) => CellOutcome::new(e.name.clone(), e.model.clone(), Default::default()),
            })
            .collect();
        let mut results = Collector::of_outcomes(RUN, outcomes, None);
        let mut started = vec![false; n];
        let mut queue: std::collections::VecDeque<(usize, crate::run::PlannedCell)> =
            Default::default();
        for (i, e) in entries.into_iter().enumerate() {
            match e.planned {
                Ok(cell) => queue.push_back((i, cell)),
                Err(reason) => {
                    started[i] = true;
                    results.apply(crate::run::RunEvent::Failed {
                        run: RUN,
                        cell: i,
                        error: reason,
                    });
                    on_settled(i, &mut results.cells[i]);
                }
            }
        }
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut in_flight = 0usize;
        let mut spent = 0.0;
        let mut stopped_at_cost = None;
        let mut interrupted = false;
        loop {
            let over_budget = self.max_cost.is_some_and(|m| spent >= m);
            if over_budget && stopped_at_cost.is_none() && !queue.is_empty() {
                stopped_at_cost = Some(spent);
            }
            while !interrupted && !over_budget && in_flight < self.concurrency.max(1) {
                let Some((i, cell)) = queue.pop_front() else {
                    break;
                };
                started[i] = true;
                in_flight += 1;
                let cells = into_cells_with(vec![cell], self.cache);
                self.runner.join(RUN, i, cells, tx.clone());
            }
            if in_flight == 0 {
                break;
            }
            let ev = tokio::select! {
                ev = rx.recv() => ev,
                _ = self.interrupt.cancelled(), if !interrupted => {
                    interrupted = true;
                    self.runner.cancel();
                    continue;
                }
            };
            let Some(ev) = ev else { break };
            let terminal = ev.is_terminal();
            let Some(i) = results.apply(ev) else { continue };
            if terminal {
                in_flight -= 1;
                let cell = &mut results.cells[i];
                let cost = Readout::new(cell, self.catalog.lookup(&cell.model.to_string())).cost();
                spent += cost.unwrap_or(0.0);
                on_settled(i, cell);
            }
        }
        Executed {
            results,
            started,
            interrupted,
            stopped_at_cost,
            spent,
        }
    }
}
