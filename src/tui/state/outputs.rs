//! The Outputs pane's data: one column per model of the latest run, filled
//! by `RunEvent`s; events from an older run are ignored.

use super::diffs::{DiffInput, Diffs};
use crate::compare::structured::{self, JsonCheck};
use crate::provider::{Completion, FinishReason, GenParams, Trace, Usage};
use crate::run::{RunEvent, event::RunId};
use std::collections::HashMap;
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
    /// The last non-empty answer of each model id from earlier runs (for
    /// "diff against the previous run").
    pub previous: HashMap<String, String>,
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
                self.previous.insert(c.model_id, c.text);
            }
        }
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

    /// Applies an event of the current run; returns false if it was stale.
    pub fn apply(&mut self, ev: RunEvent) -> bool {
        if Some(ev.run()) != self.run {
            return false;
        }
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
                .map(|c| (c.model_id.as_str(), c.text.as_str()))
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
}
