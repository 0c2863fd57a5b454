//! The Outputs pane's data: one column per cell of the latest run (model,
//! sweep temperature, sample), filled by `RunEvent`s; events from an older
//! run are ignored. Groups of repeated samples get their agreement once
//! all their samples are in.

use super::diffs::{DiffInput, Diffs};
use crate::compare::agreement::{self, Agreement, Sample};
use crate::compare::structured::{self, JsonCheck};
use crate::provider::{Completion, FinishReason, GenParams, Trace, Usage};
use crate::run::{CellSlot, RunEvent, event::RunId};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq)]
pub enum CellStatus {
    Queued,
    Streaming,
    /// Waiting before retry `attempt` of `max_retries`.
    Retrying {
        attempt: u32,
        max_retries: u32,
        wait: Duration,
        reason: String,
    },
    Done,
    Failed(String),
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct OutputColumn {
    pub model_id: String,
    /// Which sweep temperature and sample of its model this column is.
    pub slot: CellSlot,
    pub params: GenParams,
    pub text: String,
    /// The model's reasoning, shown dimmed above the answer.
    pub thinking: String,
    pub status: CellStatus,
    pub usage: Usage,
    pub finish_reason: Option<FinishReason>,
    pub time_to_first_token: Option<Duration>,
    pub total_time: Option<Duration>,
    pub started: Option<Instant>,
    /// The answer came from the response cache.
    pub cached: bool,
    /// The call's exact request and raw response, for the inspector.
    pub trace: Option<Box<Trace>>,
    /// The finished answer checked against the prompt's JSON schema.
    pub json: Option<JsonCheck>,
    /// What the call is busy with before text arrives ("loading model…").
    pub note: Option<String>,
}

impl OutputColumn {
    pub fn new(model_id: String, params: GenParams) -> Self {
        OutputColumn {
            model_id,
            slot: CellSlot::default(),
            params,
            text: String::new(),
            thinking: String::new(),
            status: CellStatus::Queued,
            usage: Usage::default(),
            finish_reason: None,
            time_to_first_token: None,
            total_time: None,
            started: None,
            cached: false,
            trace: None,
            json: None,
            note: None,
        }
    }

    /// The column as one cell of a repeated or swept run.
    pub fn with_slot(mut self, slot: CellSlot) -> Self {
        self.slot = slot;
        self
    }

    /// `openai:gpt-4o t=0.7 #2/3`: the model and what tells the column
    /// from the model's other columns.
    pub fn label(&self) -> String {
        format!("{}{}", self.model_id, self.slot.suffix())
    }

    /// What finds this column's answer in the next run (for "diff against
    /// the previous run"): model, sweep temperature, and the sample index
    /// past the first, so sample #1 matches a plain run of the model.
    pub fn history_key(&self) -> Cow<'_, str> {
        if self.slot.temperature.is_none() && self.slot.sample == 0 {
            return Cow::Borrowed(&self.model_id);
        }
        let mut key = self.model_id.clone();
        if let Some(t) = self.slot.temperature {
            key.push_str(&format!(" t={t}"));
        }
        if self.slot.sample > 0 {
            key.push_str(&format!(" #{}", self.slot.sample + 1));
        }
        Cow::Owned(key)
    }

    /// Finished, failed or cancelled.
    pub fn is_settled(&self) -> bool {
        matches!(
            self.status,
            CellStatus::Done | CellStatus::Failed(_) | CellStatus::Cancelled
        )
    }

    fn sample(&self) -> Sample<'_> {
        Sample {
            text: &self.text,
            output_tokens: self.usage.output_tokens,
            total_time: self.total_time,
            answered: self.status == CellStatus::Done,
        }
    }

    pub fn finish(&mut self, c: Completion) {
        // The final text is authoritative (it equals the streamed deltas).
        self.text = c.text;
        self.thinking = c.thinking;
        self.usage = c.usage;
        self.finish_reason = c.finish_reason;
        self.time_to_first_token = c.time_to_first_token;
        self.total_time = Some(c.total_time);
        self.cached = c.cached;
        self.note = None;
        self.status = CellStatus::Done;
    }
}

/// The columns of one model at one temperature, and (once every sample
/// has settled) how they agree.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnGroup {
    pub columns: Range<usize>,
    pub agreement: Option<Agreement>,
}

#[derive(Debug, Clone, Default)]
pub struct Outputs {
    pub run: Option<RunId>,
    pub columns: Vec<OutputColumn>,
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
    /// The columns grouped by model and sweep temperature.
    pub groups: Vec<ColumnGroup>,
    /// The JSON schema the run's answers must follow (`output.format:
    /// json`); finished answers are checked against it.
    pub schema: Option<serde_json::Value>,
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
}

impl Outputs {
    pub fn begin(&mut self, run: RunId, columns: Vec<OutputColumn>) {
        for c in self.columns.drain(..) {
            if !c.text.is_empty() {
                self.previous.insert(c.history_key().into_owned(), c.text);
            }
        }
        let slots: Vec<CellSlot> = columns.iter().map(|c| c.slot).collect();
        self.groups = agreement::groups(&slots)
            .into_iter()
            .map(|columns| ColumnGroup {
                columns,
                agreement: None,
            })
            .collect();
        self.diffs.invalidate();
        self.schema = None;
        self.run = Some(run);
        self.columns = columns;
        self.scroll = 0;
        self.col_scroll = vec![0; self.columns.len()];
        self.focus_col = self.focus_col.min(self.columns.len().saturating_sub(1));
        self.follow = true;
    }

    pub fn is_running(&self) -> bool {
        self.columns.iter().any(|c| {
            matches!(
                c.status,
                CellStatus::Queued | CellStatus::Streaming | CellStatus::Retrying { .. }
            )
        })
    }

    /// Whether any group has more than one sample (agreement to show).
    pub fn has_repeats(&self) -> bool {
        self.groups.iter().any(|g| g.columns.len() > 1)
    }

    /// The group column `i` belongs to.
    pub fn group_of(&self, i: usize) -> Option<&ColumnGroup> {
        self.groups.iter().find(|g| g.columns.contains(&i))
    }

    /// Computes the agreement of the group of column `i` once all its
    /// samples have settled (once per group and run).
    fn settle_group(&mut self, i: usize) {
        let Some(g) = self.groups.iter_mut().find(|g| g.columns.contains(&i)) else {
            return;
        };
        let cols = &self.columns[g.columns.clone()];
        if g.agreement.is_none() && cols.len() > 1 && cols.iter().all(OutputColumn::is_settled) {
            let samples: Vec<Sample> = cols.iter().map(OutputColumn::sample).collect();
            g.agreement = Some(Agreement::of(&samples));
        }
    }

    /// Applies an event of the current run; returns false if it was stale.
    pub fn apply(&mut self, ev: RunEvent) -> bool {
        if Some(ev.run()) != self.run {
            return false;
        }
        let (cell, terminal) = (ev.cell(), ev.is_terminal());
        let applied = self.apply_to_column(ev);
        if applied && terminal {
            self.settle_group(cell);
        }
        applied
    }

    fn apply_to_column(&mut self, ev: RunEvent) -> bool {
        let Some(col) = self.columns.get_mut(ev.cell()) else {
            return false;
        };
        match ev {
            RunEvent::Started { .. } => {
                col.status = CellStatus::Streaming;
                // A retry starts again; timings count from the first send.
                col.started.get_or_insert_with(Instant::now);
            }
            RunEvent::Retrying {
                attempt,
                max_retries,
                wait,
                reason,
                ..
            } => {
                col.status = CellStatus::Retrying {
                    attempt,
                    max_retries,
                    wait,
                    reason,
                };
            }
            RunEvent::Status { note, .. } => col.note = Some(note),
            RunEvent::Text { text, .. } => {
                col.note = None;
                if col.time_to_first_token.is_none() {
                    col.time_to_first_token = col.started.map(|s| s.elapsed());
                }
                col.text.push_str(&text);
            }
            RunEvent::Thinking { text, .. } => col.thinking.push_str(&text),
            RunEvent::Usage { usage, .. } => col.usage = usage,
            RunEvent::Trace { trace, .. } => col.trace = Some(trace),
            RunEvent::Finished { completion, .. } => {
                col.finish(completion);
                col.json = self
                    .schema
                    .as_ref()
                    .map(|s| structured::check(&col.text, s));
            }
            RunEvent::Failed { error, .. } => {
                col.status = CellStatus::Failed(error);
                col.total_time = col.started.map(|s| s.elapsed());
            }
            RunEvent::Cancelled { .. } => {
                col.status = CellStatus::Cancelled;
                col.finish_reason = Some(FinishReason::Cancelled);
                col.total_time = col.started.map(|s| s.elapsed());
            }
        }
        true
    }

    /// Brings the diffs up to date with the texts (throttled while the
    /// run streams); called by `App::update` after every action.
    pub fn refresh_diffs(&mut self, now: Instant) -> bool {
        let input = DiffInput {
            run: self.run,
            texts: self
                .columns
                .iter()
                .map(|c| (c.history_key(), c.text.as_str()))
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
            self.col_scroll.resize(self.columns.len(), self.scroll);
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
            self.col_scroll = vec![self.scroll; self.columns.len()];
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

    #[test]
    fn a_status_note_shows_until_text_arrives() {
        let mut o = Outputs::default();
        o.begin(
            3,
            vec![OutputColumn::new("local:m".into(), GenParams::default())],
        );
        o.apply(RunEvent::Started { run: 3, cell: 0 });
        o.apply(RunEvent::Status {
            run: 3,
            cell: 0,
            note: "loading model (100 MB)…".into(),
        });
        assert_eq!(
            o.columns[0].note.as_deref(),
            Some("loading model (100 MB)…")
        );
        o.apply(RunEvent::Text {
            run: 3,
            cell: 0,
            text: "Hi".into(),
        });
        assert_eq!(o.columns[0].note, None);
        assert_eq!(o.columns[0].text, "Hi");
    }

    #[test]
    fn a_retry_shows_in_the_status_and_keeps_the_first_start_time() {
        let mut o = Outputs::default();
        o.begin(
            7,
            vec![OutputColumn::new("openai:x".into(), GenParams::default())],
        );
        o.apply(RunEvent::Started { run: 7, cell: 0 });
        let first = o.columns[0].started;
        o.apply(RunEvent::Retrying {
            run: 7,
            cell: 0,
            attempt: 2,
            max_retries: 3,
            wait: Duration::from_millis(1500),
            reason: "HTTP 429 from u: rate limited".into(),
        });
        assert!(matches!(
            o.columns[0].status,
            CellStatus::Retrying { attempt: 2, .. }
        ));
        assert!(o.is_running(), "a cell waiting to retry is still running");
        o.apply(RunEvent::Started { run: 7, cell: 0 });
        assert_eq!(o.columns[0].status, CellStatus::Streaming);
        assert_eq!(o.columns[0].started, first);
    }

    #[test]
    fn a_group_gets_its_agreement_once_every_sample_settled() {
        let mut o = Outputs::default();
        let col = |sample| {
            OutputColumn::new("openai:x".into(), GenParams::default()).with_slot(CellSlot {
                sample,
                samples: 3,
                ..Default::default()
            })
        };
        o.begin(1, vec![col(0), col(1), col(2)]);
        assert_eq!(o.groups.len(), 1);
        assert!(o.has_repeats());
        assert_eq!(o.columns[1].label(), "openai:x #2/3");
        assert_eq!(o.columns[1].history_key(), "openai:x #2");
        assert_eq!(o.columns[0].history_key(), "openai:x");
        let finish = |o: &mut Outputs, cell, text: &str| {
            o.apply(RunEvent::Finished {
                run: 1,
                cell,
                completion: Completion {
                    text: text.into(),
                    total_time: Duration::from_millis(100),
                    ..Default::default()
                },
            });
        };
        finish(&mut o, 0, "same");
        finish(&mut o, 1, "same");
        assert_eq!(o.groups[0].agreement, None, "one sample is still out");
        o.apply(RunEvent::Failed {
            run: 1,
            cell: 2,
            error: "boom".into(),
        });
        let a = o.groups[0].agreement.as_ref().expect("all settled");
        assert_eq!((a.samples, a.answered, a.identical), (3, 2, 2));
    }
}
