//! `CellOutcome`: what one cell of a run came to, folded from its
//! `RunEvent`s: status, text, usage, timings, and every attempt (its
//! trace, why it failed, how long the runner waited before the next).
//! Every face reads cells through this one fold.

use super::event::RunEvent;
use super::plan::{CellSlot, PlannedCell};
use crate::provider::{Completion, Trace};
use crate::types::{FinishReason, GenParams, ModelId, ToolCall, ToolDef, Usage};
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

/// One try at a call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attempt {
    /// The exact request and raw response (none when no request went out
    /// or the answer came from the cache).
    pub trace: Option<Trace>,
    /// Why it failed, briefly (`HTTP 429`), when it did.
    pub failure: Option<String>,
    /// How long the runner waited before the next attempt.
    pub wait: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct CellOutcome {
    /// The model's name as the user sees it (its label, else its id).
    pub name: String,
    pub model: ModelId,
    /// Which sweep temperature and sample of its model this cell is.
    pub slot: CellSlot,
    pub params: GenParams,
    pub status: CellStatus,
    pub text: String,
    /// The model's reasoning, kept apart from the answer.
    pub thinking: String,
    /// The tools the model called, in order (arguments as streamed, parsed
    /// or with the reason they do not parse).
    pub tool_calls: Vec<ToolCall>,
    /// The tools the request offered (for checking the calls).
    pub tools: Vec<ToolDef>,
    pub usage: Usage,
    pub finish_reason: Option<FinishReason>,
    /// The answering call's own time to first token and total time (the
    /// provider's figures for the last attempt).
    pub time_to_first_token: Option<Duration>,
    pub total_time: Option<Duration>,
    /// From the first attempt's send to the end: retries and their waits
    /// included.
    pub wall_time: Option<Duration>,
    pub started: Option<Instant>,
    /// The answer came from the response cache.
    pub cached: bool,
    /// What the call is busy with before text arrives ("loading model…").
    pub note: Option<String>,
    pub attempts: Vec<Attempt>,
}

impl CellOutcome {
    pub fn new(name: String, model: ModelId, params: GenParams) -> CellOutcome {
        CellOutcome {
            name,
            model,
            slot: CellSlot::default(),
            params,
            status: CellStatus::Queued,
            text: String::new(),
            thinking: String::new(),
            tool_calls: Vec::new(),
            tools: Vec::new(),
            usage: Usage::default(),
            finish_reason: None,
            time_to_first_token: None,
            total_time: None,
            wall_time: None,
            started: None,
            cached: false,
            note: None,
            attempts: Vec::new(),
        }
    }

    /// A queued outcome for a planned cell.
    pub fn planned(cell: &PlannedCell) -> CellOutcome {
        let mut o = CellOutcome::new(
            cell.name.clone(),
            cell.model.clone(),
            cell.request.params.clone(),
        )
        .with_slot(cell.slot);
        o.tools = cell.request.tools.clone();
        o
    }

    pub fn with_slot(mut self, slot: CellSlot) -> Self {
        self.slot = slot;
        self
    }

    /// `gpt-4o t=0.7 #2/3`: the model's name and what tells the cell from
    /// the model's other cells.
    pub fn label(&self) -> String {
        format!("{}{}", self.name, self.slot.suffix())
    }

    /// Finished, failed or cancelled.
    pub fn is_settled(&self) -> bool {
        matches!(
            self.status,
            CellStatus::Done | CellStatus::Failed(_) | CellStatus::Cancelled
        )
    }

    /// Queued, sending, streaming or waiting to retry.
    pub fn is_running(&self) -> bool {
        !self.is_settled()
    }

    pub fn error(&self) -> Option<&str> {
        match &self.status {
            CellStatus::Failed(e) => Some(e),
            CellStatus::Cancelled => Some("cancelled"),
            _ => None,
        }
    }

    /// The attempts that failed and were tried again.
    pub fn retries(&self) -> impl Iterator<Item = &Attempt> {
        self.attempts.iter().filter(|a| a.wait.is_some())
    }

    /// The trace of the last attempt that sent a request.
    pub fn last_trace(&self) -> Option<&Trace> {
        self.attempts.iter().rev().find_map(|a| a.trace.as_ref())
    }

    fn settle_time(&mut self) {
        self.wall_time = self.started.map(|s| s.elapsed());
    }

    fn finish(&mut self, c: Completion) {
        // The final text is authoritative (it equals the streamed deltas).
        self.text = c.text;
        self.thinking = c.thinking;
        self.tool_calls = c.tool_calls;
        self.usage = c.usage;
        self.finish_reason = c.finish_reason;
        self.time_to_first_token = c.time_to_first_token;
        self.total_time = Some(c.total_time);
        self.cached = c.cached;
        self.note = None;
        self.status = CellStatus::Done;
        self.settle_time();
    }

    /// Folds one event of this cell in.
    pub fn apply(&mut self, ev: RunEvent) {
        match ev {
            RunEvent::Started { at, .. } => {
                self.status = CellStatus::Streaming;
                self.started.get_or_insert(at);
                // Most calls take one attempt: room for one, not the four a
                // first push reserves (an eval holds thousands of outcomes).
                if self.attempts.capacity() == 0 {
                    self.attempts.reserve_exact(1);
                }
                self.attempts.push(Attempt::default());
            }
            RunEvent::Retrying {
                attempt,
                max_retries,
                wait,
                cause,
                reason,
                ..
            } => {
                if let Some(a) = self.attempts.last_mut() {
                    a.failure = Some(cause);
                    a.wait = Some(wait);
                }
                // What streamed of the failed attempt is not the answer.
                self.text.clear();
                self.thinking.clear();
                self.tool_calls.clear();
                self.status = CellStatus::Retrying {
                    attempt,
                    max_retries,
                    wait,
                    reason,
                };
            }
            RunEvent::Status { note, .. } => self.note = Some(note),
            RunEvent::Text { text, .. } => {
                self.note = None;
                self.text.push_str(&text);
            }
            RunEvent::Thinking { text, .. } => self.thinking.push_str(&text),
            RunEvent::ToolCall { call, .. } => {
                self.note = None;
                self.tool_calls.push(call);
            }
            RunEvent::Usage { usage, .. } => self.usage = usage,
            RunEvent::Trace { trace, .. } => {
                if self.attempts.is_empty() {
                    self.attempts.push(Attempt::default());
                }
                if let Some(a) = self.attempts.last_mut() {
                    a.trace = Some(*trace);
                }
            }
            RunEvent::Finished { completion, .. } => self.finish(completion),
            RunEvent::Failed { error, .. } => {
                if let Some(a) = self.attempts.last_mut()
                    && a.failure.is_none()
                {
                    a.failure = Some(error.clone());
                }
                self.note = None;
                self.status = CellStatus::Failed(error);
                self.settle_time();
            }
            RunEvent::Cancelled { .. } => {
                self.note = None;
                self.status = CellStatus::Cancelled;
                self.finish_reason = Some(FinishReason::Cancelled);
                self.settle_time();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome() -> CellOutcome {
        CellOutcome::new(
            "x".into(),
            ModelId::parse("openai:x").unwrap(),
            GenParams::default(),
        )
    }

    #[test]
    fn a_status_note_shows_until_text_arrives() {
        let mut o = outcome();
        o.apply(RunEvent::Started {
            run: 3,
            cell: 0,
            at: std::time::Instant::now(),
        });
        o.apply(RunEvent::Status {
            run: 3,
            cell: 0,
            note: "loading model (100 MB)…".into(),
        });
        assert_eq!(o.note.as_deref(), Some("loading model (100 MB)…"));
        o.apply(RunEvent::Text {
            run: 3,
            cell: 0,
            text: "Hi".into(),
        });
        assert_eq!(o.note, None);
        assert_eq!(o.text, "Hi");
    }

    #[test]
    fn the_wall_time_counts_from_the_send_not_from_when_the_event_was_read() {
        let mut o = outcome();
        let sent = Instant::now() - Duration::from_millis(800);
        o.apply(RunEvent::Started {
            run: 7,
            cell: 0,
            at: sent,
        });
        o.apply(RunEvent::Failed {
            run: 7,
            cell: 0,
            error: "boom".into(),
        });
        assert_eq!(o.started, Some(sent));
        assert!(o.wall_time.is_some_and(|w| w >= Duration::from_millis(800)));
    }

    #[test]
    fn every_attempt_is_kept_with_its_trace_cause_and_wait() {
        let mut o = outcome();
        let trace = |status| {
            let mut t = Trace::default();
            t.status = Some(status);
            Box::new(t)
        };
        o.apply(RunEvent::Started {
            run: 7,
            cell: 0,
            at: std::time::Instant::now(),
        });
        let first = o.started;
        o.apply(RunEvent::Trace {
            run: 7,
            cell: 0,
            trace: trace(429),
        });
        o.apply(RunEvent::Retrying {
            run: 7,
            cell: 0,
            attempt: 1,
            max_retries: 3,
            wait: Duration::from_millis(1500),
            cause: "HTTP 429".into(),
            reason: "HTTP 429 from u: rate limited".into(),
        });
        assert!(matches!(o.status, CellStatus::Retrying { attempt: 1, .. }));
        assert!(o.is_running(), "a cell waiting to retry is still running");
        o.apply(RunEvent::Started {
            run: 7,
            cell: 0,
            at: std::time::Instant::now(),
        });
        assert_eq!(o.status, CellStatus::Streaming);
        assert_eq!(o.started, first, "timings count from the first send");
        o.apply(RunEvent::Trace {
            run: 7,
            cell: 0,
            trace: trace(200),
        });
        o.apply(RunEvent::Finished {
            run: 7,
            cell: 0,
            completion: Completion {
                text: "ok".into(),
                total_time: Duration::from_millis(3),
                ..Default::default()
            },
        });
        assert_eq!(o.attempts.len(), 2);
        assert_eq!(o.attempts[0].failure.as_deref(), Some("HTTP 429"));
        assert_eq!(o.attempts[0].wait, Some(Duration::from_millis(1500)));
        assert_eq!(o.attempts[0].trace.as_ref().unwrap().status, Some(429));
        assert_eq!(o.last_trace().unwrap().status, Some(200));
        assert_eq!(o.retries().count(), 1);
        assert_eq!(o.total_time, Some(Duration::from_millis(3)));
        assert!(o.wall_time.is_some());
    }

    #[test]
    fn a_cell_that_never_started_fails_with_its_reason() {
        let mut o = outcome();
        o.apply(RunEvent::Failed {
            run: 1,
            cell: 0,
            error: "missing API key: set OPENAI_API_KEY".into(),
        });
        assert_eq!(o.error(), Some("missing API key: set OPENAI_API_KEY"));
        assert!(o.attempts.is_empty());
        assert_eq!(o.wall_time, None);
    }
}
