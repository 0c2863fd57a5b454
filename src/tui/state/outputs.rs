//! The Outputs pane's data: the latest run's cells as the session's
//! collector folds them (model, sweep temperature, sample; text, figures,
//! attempts), and how the pane shows them (scroll, focus, diff, zoom).
//! Events from an older run are ignored.

use super::diffs::{DiffInput, Diffs};
use crate::run::{CellOutcome, RunEvent, event::RunId};
use crate::session::Collector;
use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Instant;

/// What finds a cell's answer in the next run (for "diff against the
/// previous run"): the model's name, sweep temperature, and the sample
/// index past the first, so sample #1 matches a plain run of the model.
pub fn history_key(c: &CellOutcome) -> Cow<'_, str> {
    if c.slot.temperature.is_none() && c.slot.sample == 0 {
        return Cow::Borrowed(&c.name);
    }
    let mut key = c.name.clone();
    if let Some(t) = c.slot.temperature {
        key.push_str(&format!(" t={t}"));
    }
    if c.slot.sample > 0 {
        key.push_str(&format!(" #{}", c.slot.sample + 1));
    }
    Cow::Owned(key)
}

#[derive(Debug, Clone, Default)]
pub struct Outputs {
    /// The latest run's cells, as the collector folds its events.
    pub results: Collector,
    /// Vertical scroll (lines) shared by all columns.
    pub scroll: usize,
    /// The column the cursor is on (for paging sideways).
    pub focus_col: usize,
    /// Follow new text at the bottom while streaming.
    pub follow: bool,
    /// Diff mode, reference column and computed diffs.
    pub diffs: Diffs,
    /// The last non-empty answer of each column (by `history_key`) from
    /// earlier runs (for "diff against the previous run").
    pub previous: HashMap<String, String>,
    /// Show parsed JSON answers pretty-printed (`p`).
    pub pretty: bool,
    /// Show only the focused column, full width (`z`).
    pub zoom: bool,
    /// Clip long lines instead of wrapping them (`w`; plain answers).
    pub nowrap: bool,
    /// Columns scroll on their own (`s`); by default they scroll together.
    pub unsynced: bool,
    /// Each column's scroll when unsynced.
    pub col_scroll: Vec<usize>,
    /// What the prompt's `context:` policy cut from each column's request
    /// to fit its model's window (`Session::plan_fitted`).
    pub cuts: Vec<Option<crate::session::context::ContextCut>>,
}

impl Outputs {
    /// Starts showing a new run; the old answers become "the previous run".
    pub fn begin(&mut self, results: Collector) {
        for c in self.results.cells.drain(..) {
            if !c.text.is_empty() {
                self.previous.insert(history_key(&c).into_owned(), c.text);
            }
        }
        self.diffs.invalidate();
        self.cuts.clear();
        self.results = results;
        let n = self.results.cells.len();
        self.scroll = 0;
        self.col_scroll = vec![0; n];
        self.focus_col = self.focus_col.min(n.saturating_sub(1));
        self.follow = true;
    }

    /// The run's cells, one column each.
    pub fn columns(&self) -> &[CellOutcome] {
        &self.results.cells
    }

    pub fn run(&self) -> Option<RunId> {
        self.results.run
    }

    pub fn is_running(&self) -> bool {
        self.results.is_running()
    }

    /// Applies an event of the current run; returns false if it was stale.
    pub fn apply(&mut self, ev: RunEvent) -> bool {
        self.results.apply(ev).is_some()
    }

    /// Brings the diffs up to date with the texts (throttled while the
    /// run streams); called by `App::update` after every action.
    pub fn refresh_diffs(&mut self, now: Instant) -> bool {
        let input = DiffInput {
            run: self.results.run,
            texts: self
                .results
                .cells
                .iter()
                .map(|c| (history_key(c), c.text.as_str()))
                .collect(),
            focus: self.focus_col,
            running: self.is_running(),
            previous: &self.previous,
        };
        self.diffs.refresh(input, now)
    }

    pub fn scroll_by(&mut self, delta: isize) {
        if self.follow {
            // Leaving follow mode: scroll from where the columns are.
            self.follow = false;
        }
        let by = |s: usize| (s as isize + delta).max(0) as usize;
        if self.unsynced {
            self.col_scroll
                .resize(self.results.cells.len(), self.scroll);
            if let Some(s) = self.col_scroll.get_mut(self.focus_col) {
                *s = by(*s);
            }
        } else {
            self.scroll = by(self.scroll);
        }
    }

    /// Scrolls every column to the top.
    pub fn scroll_top(&mut self) {
        self.follow = false;
        self.scroll = 0;
        self.col_scroll.iter_mut().for_each(|s| *s = 0);
    }

    /// Switches between scrolling all columns together and one at a time;
    /// unsyncing starts every column at the shared offset.
    pub fn toggle_sync(&mut self) {
        self.unsynced = !self.unsynced;
        if self.unsynced {
            self.col_scroll = vec![self.scroll; self.results.cells.len()];
        } else if let Some(s) = self.col_scroll.get(self.focus_col) {
            self.scroll = *s;
        }
    }

    /// The scroll offset column `i` is drawn at.
    pub fn scroll_of(&self, i: usize) -> usize {
        if self.unsynced {
            self.col_scroll.get(i).copied().unwrap_or(self.scroll)
        } else {
            self.scroll
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::CellSlot;
    use crate::types::{GenParams, ModelId};

    #[test]
    fn history_keys_match_sample_one_to_a_plain_run() {
        let c = |sample, temperature| {
            CellOutcome::new(
                "gpt".into(),
                ModelId::parse("openai:gpt").unwrap(),
                GenParams::default(),
            )
            .with_slot(CellSlot {
                sample,
                samples: 3,
                temperature,
                ..Default::default()
            })
        };
        assert_eq!(history_key(&c(0, None)), "gpt");
        assert_eq!(history_key(&c(1, None)), "gpt #2");
        assert_eq!(history_key(&c(1, Some(0.7))), "gpt t=0.7 #2");
    }

    #[test]
    fn a_new_run_keeps_the_old_answers_as_the_previous_run() {
        let mut o = Outputs::default();
        let cell = CellOutcome::new(
            "gpt".into(),
            ModelId::parse("openai:gpt").unwrap(),
            GenParams::default(),
        );
        o.begin(Collector::of_outcomes(1, vec![cell.clone()], None));
        assert!(o.apply(RunEvent::Text {
            run: 1,
            cell: 0,
            text: "old".into()
        }));
        o.begin(Collector::of_outcomes(2, vec![cell], None));
        assert!(
            !o.apply(RunEvent::Started {
                run: 1,
                cell: 0,
                at: std::time::Instant::now()
            }),
            "stale"
        );
        assert_eq!(o.previous["gpt"], "old");
    }
}
