//! `Readout`: the figures of one cell as people read them, the one type
//! every face shows (column headers in the TUI, `pwb run`'s lines and
//! tables): parameters, tokens, context window, cost, timings, tokens/s,
//! finish reason, retries and wall time.

use super::context_bar;
use crate::run::CellOutcome;
use crate::usage::{ModelInfo, fmt_cost, fmt_duration};
use std::time::Duration;

/// tokens/s is shown only for a generation at least this long...
const MIN_GENERATION: Duration = Duration::from_millis(100);
/// ...of at least this many tokens after the first: a rate over a few
/// milliseconds or tokens says nothing.
const MIN_RATE_TOKENS: u64 = 8;

/// One cell with its model's catalog entry.
#[derive(Debug, Clone, Copy)]
pub struct Readout<'a> {
    pub cell: &'a CellOutcome,
    /// Context window and prices of the model, when known.
    pub info: Option<&'a ModelInfo>,
}

impl<'a> Readout<'a> {
    pub fn new(cell: &'a CellOutcome, info: Option<&'a ModelInfo>) -> Readout<'a> {
        Readout { cell, info }
    }

    /// The call's cost in USD; `None` when price or usage is unknown.
    pub fn cost(&self) -> Option<f64> {
        self.info?.cost(&self.cell.usage)
    }

    /// Output tokens per second while generating: the tokens after the
    /// first over the time after the first. `None` for a cache replay and
    /// for generations too short to measure.
    pub fn tokens_per_sec(&self) -> Option<f64> {
        let c = self.cell;
        if c.cached {
            return None;
        }
        let out = c.usage.output_tokens?;
        let total = c.total_time?;
        let (tokens, time) = match c.time_to_first_token {
            Some(ttft) if total > ttft => (out.saturating_sub(1), total - ttft),
            Some(_) => return None,
            None => (out, total),
        };
        (tokens >= MIN_RATE_TOKENS && time >= MIN_GENERATION)
            .then(|| tokens as f64 / time.as_secs_f64())
    }

    /// `t=0.7 p=0.9 · in 42 out 17 (cached 10) (reasoning 5)`
    pub fn params_and_tokens(&self) -> String {
        let c = self.cell;
        let mut t = match c.params.temperature {
            Some(t) => format!("t={t}"),
            None => "t=default".to_string(),
        };
        if let Some(top_p) = c.params.top_p {
            t.push_str(&format!(" p={top_p}"));
        }
        let u = &c.usage;
        let n = |v: Option<u64>| v.map_or_else(|| "?".to_string(), |v| v.to_string());
        let mut tokens = format!("in {} out {}", n(u.input_tokens), n(u.output_tokens));
        if let Some(v) = u.cached_input_tokens.filter(|v| *v > 0) {
            tokens.push_str(&format!(" (cached {v})"));
        }
        if let Some(v) = u.cache_write_tokens.filter(|v| *v > 0) {
            tokens.push_str(&format!(" (cache write {v})"));
        }
        if let Some(v) = u.reasoning_tokens.filter(|v| *v > 0) {
            tokens.push_str(&format!(" (reasoning {v})"));
        }
        format!("{t} · {tokens}")
    }

    /// `ctx [██░░░░] 3% of 128k`, `ctx ? of 128k`, `ctx ?`.
    pub fn context_line(&self, bar_width: usize) -> String {
        context_bar(
            self.cell.usage.input_tokens,
            self.info.and_then(|i| i.context_window),
            bar_width,
        )
    }

    /// `$0.0012 · ttft 120ms · 1.42s · 34.0 tok/s · stop (cached)`
    pub fn cost_and_timing(&self) -> String {
        let c = self.cell;
        let mut parts = vec![fmt_cost(self.cost())];
        if let Some(t) = c.time_to_first_token {
            parts.push(format!("ttft {}", fmt_duration(t)));
        }
        if let Some(t) = c.total_time {
            parts.push(fmt_duration(t));
        }
        if let Some(r) = self.tokens_per_sec() {
            parts.push(format!("{r:.1} tok/s"));
        }
        if let Some(f) = &c.finish_reason {
            parts.push(f.as_str().to_string());
        }
        if c.cached {
            parts.push("cached".to_string());
        }
        parts.join(" · ")
    }

    /// `retried 1×: HTTP 429, waited 1.0s · wall 1.02s`, or `None` when
    /// the first attempt was the only one.
    pub fn retries(&self) -> Option<String> {
        let c = self.cell;
        let retries: Vec<_> = c.retries().collect();
        if retries.is_empty() {
            return None;
        }
        let waited: Duration = retries.iter().filter_map(|a| a.wait).sum();
        let mut causes: Vec<&str> = Vec::new();
        for a in &retries {
            let cause = a.failure.as_deref().unwrap_or("error");
            if !causes.contains(&cause) {
                causes.push(cause);
            }
        }
        let mut line = format!(
            "retried {}×: {}, waited {}",
            retries.len(),
            causes.join(", "),
            fmt_duration(waited)
        );
        if let Some(w) = c.wall_time {
            line.push_str(&format!(" · wall {}", fmt_duration(w)));
        }
        Some(line)
    }

    /// The header lines under the model's name, in display order: the
    /// retries line only when the call was retried.
    pub fn lines(&self, bar_width: usize) -> Vec<String> {
        let mut lines = vec![
            self.params_and_tokens(),
            self.context_line(bar_width),
            self.cost_and_timing(),
        ];
        lines.extend(self.retries());
        lines
    }

    /// Everything on one line, for a terminal log (`pwb run`).
    pub fn line(&self) -> String {
        let mut parts = vec![self.params_and_tokens(), self.cost_and_timing()];
        parts.extend(self.retries());
        parts.join(" · ")
    }
}
