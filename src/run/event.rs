//! `RunEvent`: what background calls report back to the UI loop or CLI.
//! Background work never touches state; it only sends these.

use crate::provider::{Completion, Trace, Usage};
use std::time::Duration;

/// Identifies one run (one press of Ctrl-R / one `pwb run`).
pub type RunId = u64;

#[derive(Debug, Clone, PartialEq)]
pub enum RunEvent {
    /// The request for this cell is being sent (`at`: when, so a wall
    /// time counts from the send, not from when the event was read).
    Started {
        run: RunId,
        cell: usize,
        at: std::time::Instant,
    },
    /// More answer text.
    Text {
        run: RunId,
        cell: usize,
        text: String,
    },
    /// More of the model's reasoning (shown apart from the answer).
    Thinking {
        run: RunId,
        cell: usize,
        text: String,
    },
    /// The model called a tool (its arguments complete).
    ToolCall {
        run: RunId,
        cell: usize,
        call: crate::types::ToolCall,
    },
    /// Usage figures arrived (may precede `Finished`).
    Usage {
        run: RunId,
        cell: usize,
        usage: Usage,
    },
    /// The exact request and raw response of the cell's call (keys
    /// redacted); sent just before `Finished` or `Failed` when a request
    /// went out.
    Trace {
        run: RunId,
        cell: usize,
        trace: Box<Trace>,
    },
    /// The last attempt failed in a way worth retrying; the cell waits
    /// `wait` before attempt `attempt + 1` (retry `attempt` of `max_retries`).
    /// A `Started` follows when the retry is sent.
    Retrying {
        run: RunId,
        cell: usize,
        attempt: u32,
        max_retries: u32,
        wait: Duration,
        /// Why, in a few words (`HTTP 429`, `connection failed`).
        cause: String,
        /// Why, in full (clipped).
        reason: String,
    },
    /// What the cell is busy with before its text (e.g. loading a local
    /// model); shown until text arrives.
    Status {
        run: RunId,
        cell: usize,
        note: String,
    },
    Finished {
        run: RunId,
        cell: usize,
        completion: Completion,
    },
    /// The call failed; `error` is a message for the user (no secrets).
    Failed {
        run: RunId,
        cell: usize,
        error: String,
    },
    Cancelled {
        run: RunId,
        cell: usize,
    },
}

impl RunEvent {
    pub fn run(&self) -> RunId {
        match self {
            RunEvent::Started { run, .. }
            | RunEvent::Text { run, .. }
            | RunEvent::Thinking { run, .. }
            | RunEvent::ToolCall { run, .. }
            | RunEvent::Usage { run, .. }
            | RunEvent::Trace { run, .. }
            | RunEvent::Retrying { run, .. }
            | RunEvent::Status { run, .. }
            | RunEvent::Finished { run, .. }
            | RunEvent::Failed { run, .. }
            | RunEvent::Cancelled { run, .. } => *run,
        }
    }

    pub fn cell(&self) -> usize {
        match self {
            RunEvent::Started { cell, .. }
            | RunEvent::Text { cell, .. }
            | RunEvent::Thinking { cell, .. }
            | RunEvent::ToolCall { cell, .. }
            | RunEvent::Usage { cell, .. }
            | RunEvent::Trace { cell, .. }
            | RunEvent::Retrying { cell, .. }
            | RunEvent::Status { cell, .. }
            | RunEvent::Finished { cell, .. }
            | RunEvent::Failed { cell, .. }
            | RunEvent::Cancelled { cell, .. } => *cell,
        }
    }

    /// True for the last event a cell sends.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            RunEvent::Finished { .. } | RunEvent::Failed { .. } | RunEvent::Cancelled { .. }
        )
    }
}
