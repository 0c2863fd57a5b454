//! The progress line of a running eval: cells done of all, verdicts so
//! far, spend so far (graders' included), and the time left at the pace so
//! far. The CLI draws it with a bar on a terminal, as plain lines if not.

use super::analysis::Tally;
use crate::eval::CellResult;
use crate::usage::fmt_duration;
use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Cells planned.
    pub total: usize,
    pub tally: Tally,
    /// USD spent so far, the models' and the graders'.
    pub cost: f64,
    /// Some call used tokens pwb has no price for.
    pub unpriced: bool,
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            ..Default::default()
        }
    }

    /// Counts one finished cell in.
    pub fn add(&mut self, cell: &CellResult) {
        self.tally.add(cell.verdict);
        for (cost, usage) in [
            (cell.cost, &cell.outcome.usage),
            (cell.grader_cost, &cell.grader_usage),
        ] {
            match cost {
                Some(c) => self.cost += c,
                None if usage.input_tokens.unwrap_or(0) + usage.output_tokens.unwrap_or(0) > 0 => {
                    self.unpriced = true
                }
                None => {}
            }
        }
    }

    pub fn done(&self) -> usize {
        self.tally.total()
    }

    /// Time left if the remaining cells go at the pace so far.
    pub fn eta(&self, elapsed: Duration) -> Option<Duration> {
        let done = self.done();
        if done == 0 {
            return None;
        }
        let left = self.total.saturating_sub(done) as f64;
        Some(elapsed.mul_f64(left / done as f64))
    }

    /// `30 pass · 5 fail · 2 error · $0.0123`: the bar's message.
    pub fn counts(&self) -> String {
        let t = self.tally;
        let cost = crate::usage::fmt_cost(Some(self.cost));
        let plus = if self.unpriced { "+" } else { "" };
        format!(
            "{} pass · {} fail · {} error · {cost}{plus}",
            t.passed, t.failed, t.errors
        )
    }

    /// `37/120 · 30 pass · 5 fail · 2 error · $0.0123 · ETA 1m12s`: a
    /// whole line, for stderr when it is not a terminal.
    pub fn line(&self, elapsed: Duration) -> String {
        let eta = match self.eta(elapsed) {
            Some(d) if self.done() < self.total => format!(" · ETA {}", fmt_duration(d)),
            Some(_) => format!(" · done in {}", fmt_duration(elapsed)),
            None => String::new(),
        };
        format!("{}/{} · {}{eta}", self.done(), self.total, self.counts())
    }
}
