//! The collector: folds a run's `RunEvent`s into per-cell outcomes, checks
//! finished answers against the prompt's output schema, and gives each
//! group of repeated samples its agreement once all are in. The TUI's
//! Outputs, `pwb run` and `pwb eval` all read results through it.

use super::record::{CallId, Recorder, RunContext, SettledCall};
use crate::compare::agreement::{self, Agreement, Sample};
use crate::compare::structured::{self, JsonCheck};
use crate::run::{CellOutcome, CellSlot, CellStatus, PlannedCell, RunEvent, event::RunId};
use crate::types::Message;
use crate::usage::{Catalog, ModelInfo};
use serde_json::Value;
use std::ops::Range;
use std::sync::Arc;

/// The cells of one model at one temperature, and (once every sample has
/// settled) how they agree.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub cells: Range<usize>,
    pub agreement: Option<Agreement>,
}

/// How many cells ended which way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub done: usize,
    pub failed: usize,
    pub cancelled: usize,
    pub running: usize,
}

/// Where a collector sends each settled call (the history store).
#[derive(Clone)]
pub struct Recording {
    pub recorder: Arc<dyn Recorder>,
    pub context: RunContext,
    /// Each cell's messages, as planned.
    pub messages: Vec<Vec<Message>>,
    /// Each cell's model's prices, for its cost.
    pub prices: Vec<Option<ModelInfo>>,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field("context", &self.context)
            .finish()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Collector {
    /// The run these cells belong to; events of other runs are ignored.
    pub run: Option<RunId>,
    pub cells: Vec<CellOutcome>,
    /// The JSON schema answers must follow (`output.format: json`).
    pub schema: Option<Value>,
    /// Each finished answer checked against `schema`.
    pub checks: Vec<Option<JsonCheck>>,
    pub groups: Vec<Group>,
    /// Settled calls go to the recorder, when there is one.
    pub recording: Option<Recording>,
    /// The id the recorder gave each settled call.
    pub call_ids: Vec<Option<CallId>>,
}

impl Collector {
    /// Queued outcomes for the planned cells of run `run`.
    pub fn new(run: RunId, planned: &[PlannedCell], schema: Option<Value>) -> Collector {
        Collector::of_outcomes(
            run,
            planned.iter().map(CellOutcome::planned).collect(),
            schema,
        )
    }

    /// A collector over outcomes built elsewhere (tests, replays).
    pub fn of_outcomes(run: RunId, cells: Vec<CellOutcome>, schema: Option<Value>) -> Collector {
        let slots: Vec<CellSlot> = cells.iter().map(|c| c.slot).collect();
        let groups = agreement::groups(&slots)
            .into_iter()
            .map(|cells| Group {
                cells,
                agreement: None,
            })
            .collect();
        Collector {
            run: Some(run),
            checks: vec![None; cells.len()],
            call_ids: vec![None; cells.len()],
            cells,
            schema,
            groups,
            recording: None,
        }
    }

    /// Sends each call to `recorder` as it settles, with what made it.
    pub fn record(
        mut self,
        recorder: Arc<dyn Recorder>,
        context: RunContext,
        planned: &[PlannedCell],
        catalog: &Catalog,
    ) -> Collector {
        self.recording = Some(Recording {
            recorder,
            context,
            messages: planned.iter().map(|c| c.request.messages.clone()).collect(),
            prices: planned
                .iter()
                .map(|c| catalog.lookup(&c.model.to_string()).cloned())
                .collect(),
        });
        self
    }

    /// Folds in an event of this run; returns the cell it changed, or
    /// `None` for an event of another run (a stale one) or cell.
    pub fn apply(&mut self, ev: RunEvent) -> Option<usize> {
        if Some(ev.run()) != self.run {
            return None;
        }
        let (i, terminal) = (ev.cell(), ev.is_terminal());
        let cell = self.cells.get_mut(i)?;
        cell.apply(ev);
        if terminal {
            if cell.status == CellStatus::Done {
                self.checks[i] = self
                    .schema
                    .as_ref()
                    .map(|s| structured::check(&cell.text, s));
            }
            self.settle_group(i);
            self.call_ids[i] = self.record_settled(i);
        }
        Some(i)
    }

    /// Hands settled cell `i` to the recorder, if any.
    fn record_settled(&self, i: usize) -> Option<CallId> {
        let rec = self.recording.as_ref()?;
        let outcome = self.cells[i].clone();
        let cost = rec
            .prices
            .get(i)
            .and_then(|p| p.as_ref()?.cost(&outcome.usage));
        rec.recorder.record(SettledCall {
            context: rec.context.clone(),
            messages: rec.messages.get(i).cloned().unwrap_or_default(),
            outcome,
            cost,
        })
    }

    /// Computes the agreement of the group of cell `i` once all its
    /// samples have settled (once per group and run).
    fn settle_group(&mut self, i: usize) {
        let Some(g) = self.groups.iter_mut().find(|g| g.cells.contains(&i)) else {
            return;
        };
        let cells = &self.cells[g.cells.clone()];
        if g.agreement.is_none() && cells.len() > 1 && cells.iter().all(CellOutcome::is_settled) {
            let samples: Vec<Sample> = cells.iter().map(Sample::of).collect();
            g.agreement = Some(Agreement::of(&samples));
        }
    }

    pub fn is_running(&self) -> bool {
        self.cells.iter().any(CellOutcome::is_running)
    }

    /// Whether every cell has ended.
    pub fn is_done(&self) -> bool {
        !self.is_running()
    }

    pub fn tally(&self) -> Tally {
        let mut t = Tally::default();
        for c in &self.cells {
            match c.status {
                CellStatus::Done => t.done += 1,
                CellStatus::Failed(_) => t.failed += 1,
                CellStatus::Cancelled => t.cancelled += 1,
                _ => t.running += 1,
            }
        }
        t
    }

    /// Whether any group has more than one sample (agreement to show).
    pub fn has_repeats(&self) -> bool {
        self.groups.iter().any(|g| g.cells.len() > 1)
    }

    /// The group cell `i` belongs to.
    pub fn group_of(&self, i: usize) -> Option<&Group> {
        self.groups.iter().find(|g| g.cells.contains(&i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Completion;
    use crate::types::{GenParams, ModelId};
    use std::time::Duration;

    fn cell(sample: u32) -> CellOutcome {
        CellOutcome::new(
            "x".into(),
            ModelId::parse("openai:x").unwrap(),
            GenParams::default(),
        )
        .with_slot(CellSlot {
            sample,
            samples: 3,
            ..Default::default()
        })
    }

    #[test]
    fn a_group_gets_its_agreement_once_every_sample_settled() {
        let mut c = Collector::of_outcomes(1, vec![cell(0), cell(1), cell(2)], None);
        assert_eq!(c.groups.len(), 1);
        assert!(c.has_repeats());
        assert_eq!(c.cells[1].label(), "x #2/3");
        let finish = |c: &mut Collector, cell, text: &str| {
            c.apply(RunEvent::Finished {
                run: 1,
                cell,
                completion: Completion {
                    text: text.into(),
                    total_time: Duration::from_millis(100),
                    ..Default::default()
                },
            })
        };
        assert_eq!(finish(&mut c, 0, "same"), Some(0));
        finish(&mut c, 1, "same");
        assert_eq!(c.groups[0].agreement, None, "one sample is still out");
        assert!(c.is_running());
        c.apply(RunEvent::Failed {
            run: 1,
            cell: 2,
            error: "boom".into(),
        });
        let a = c.groups[0].agreement.as_ref().expect("all settled");
        assert_eq!((a.samples, a.answered, a.identical), (3, 2, 2));
        assert_eq!(
            c.tally(),
            Tally {
                done: 2,
                failed: 1,
                ..Default::default()
            }
        );
        assert_eq!(
            c.apply(RunEvent::Started {
                run: 2,
                cell: 0,
                at: std::time::Instant::now()
            }),
            None,
            "another run's event is stale"
        );
    }

    #[test]
    fn finished_answers_are_checked_against_the_schema() {
        let schema = serde_json::json!({"type": "object", "required": ["a"]});
        let mut c = Collector::of_outcomes(4, vec![cell(0)], Some(schema));
        c.apply(RunEvent::Finished {
            run: 4,
            cell: 0,
            completion: Completion {
                text: "{}".into(),
                ..Default::default()
            },
        });
        assert!(!c.checks[0].as_ref().unwrap().is_valid());
    }
}
