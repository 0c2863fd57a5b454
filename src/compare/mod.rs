//! Side-by-side comparison figures, terminal-free: the per-column readout
//! (params, tokens, context-window bar, cost, timings, tokens/s, finish)
//! and the run summary under the columns. The TUI draws these strings.
//! `agreement` compares repeated samples; `report` formats a whole
//! comparison for the CLI (text, Markdown, JSON).

pub mod agreement;
pub mod report;
pub mod structured;

use crate::provider::{FinishReason, GenParams, Usage};
use crate::usage::{ModelInfo, fmt_cost, fmt_duration};
use std::time::Duration;

/// What is known about one call, for its column header.
#[derive(Debug, Clone, Default)]
pub struct CallFacts<'a> {
    pub model_id: &'a str,
    pub params: Option<&'a GenParams>,
    pub usage: Usage,
    pub time_to_first_token: Option<Duration>,
    pub total_time: Option<Duration>,
    pub finish_reason: Option<&'a FinishReason>,
    /// The catalog entry of the model (context window, prices).
    pub info: Option<&'a ModelInfo>,
    pub cached: bool,
}

impl CallFacts<'_> {
    /// The call's cost in USD; `None` when price or usage is unknown.
    pub fn cost(&self) -> Option<f64> {
        self.info?.cost(&self.usage)
    }

    /// Output tokens per second of generation (after the first token when
    /// that time is known, else over the whole call).
    pub fn tokens_per_sec(&self) -> Option<f64> {
        let out = self.usage.output_tokens?;
        let total = self.total_time?;
        let gen_time = match self.time_to_first_token {
            Some(ttft) if total > ttft => total - ttft,
            _ => total,
        };
        let s = gen_time.as_secs_f64();
        (s > 0.0).then(|| out as f64 / s)
    }

    /// `t=0.7 p=0.9 · in 42 out 17 (cached 10) (reasoning 5)`
    pub fn params_and_tokens(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = self.params {
            let mut t = match p.temperature {
                Some(t) => format!("t={t}"),
                None => "t=default".to_string(),
            };
            if let Some(top_p) = p.top_p {
                t.push_str(&format!(" p={top_p}"));
            }
            parts.push(t);
        }
        let u = &self.usage;
        let n = |v: Option<u64>| v.map_or_else(|| "?".to_string(), |v| v.to_string());
        let mut tokens = format!("in {} out {}", n(u.input_tokens), n(u.output_tokens));
        if let Some(c) = u.cached_input_tokens.filter(|c| *c > 0) {
            tokens.push_str(&format!(" (cached {c})"));
        }
        if let Some(r) = u.reasoning_tokens.filter(|r| *r > 0) {
            tokens.push_str(&format!(" (reasoning {r})"));
        }
        parts.push(tokens);
        parts.join(" · ")
    }

    /// `ctx [██░░░░] 3% of 128k`, `ctx ? of 128k`, `ctx ?` (bar of
    /// `bar_width` cells).
    pub fn context_line(&self, bar_width: usize) -> String {
        context_bar(
            self.usage.input_tokens,
            self.info.and_then(|i| i.context_window),
            bar_width,
        )
    }

    /// `$0.0012 · ttft 120ms · 1.42s · 34.0 tok/s · stop (cached)`
    pub fn cost_and_timing(&self) -> String {
        let mut parts = vec![fmt_cost(self.cost())];
        if let Some(t) = self.time_to_first_token {
            parts.push(format!("ttft {}", fmt_duration(t)));
        }
        if let Some(t) = self.total_time {
            parts.push(fmt_duration(t));
        }
        if let Some(r) = self.tokens_per_sec() {
            parts.push(format!("{r:.1} tok/s"));
        }
        if let Some(f) = self.finish_reason {
            parts.push(f.as_str().to_string());
        }
        if self.cached {
            parts.push("cached".to_string());
        }
        parts.join(" · ")
    }

    /// The header lines under the model name, in display order.
    pub fn lines(&self, bar_width: usize) -> [String; 3] {
        [
            self.params_and_tokens(),
            self.context_line(bar_width),
            self.cost_and_timing(),
        ]
    }
}

/// `128k`, `1M`, `200k`, `8192`.
pub fn fmt_window(n: u64) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        format!("{}M", n / 1_000_000)
    } else if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}k", n / 1000)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{}k", n / 1024)
    } else {
        n.to_string()
    }
}

/// Prompt tokens over the context window as a bar; "?" for whatever is
/// unknown.
pub fn context_bar(used: Option<u64>, window: Option<u64>, bar_width: usize) -> String {
    match (used, window) {
        (Some(u), Some(w)) if w > 0 => {
            let frac = (u as f64 / w as f64).min(1.0);
            let filled = ((frac * bar_width as f64).ceil() as usize).min(bar_width);
            let pct = u as f64 * 100.0 / w as f64;
            let pct = if pct > 0.0 && pct < 1.0 {
                "<1%".to_string()
            } else {
                format!("{pct:.0}%")
            };
            format!(
                "ctx [{}{}] {pct} of {}",
                "█".repeat(filled),
                "░".repeat(bar_width - filled),
                fmt_window(w)
            )
        }
        (_, Some(w)) => format!("ctx ? of {}", fmt_window(w)),
        _ => "ctx ?".to_string(),
    }
}

/// The sum of a run, for the line under the columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    pub total_tokens: u64,
    /// Sum of known costs.
    pub total_cost: f64,
    /// Calls whose cost is unknown (the total is then a lower bound).
    pub unknown_cost: usize,
    pub slowest: Option<(String, Duration)>,
    pub fastest: Option<(String, Duration)>,
}

impl RunSummary {
    pub fn of(calls: &[CallFacts]) -> RunSummary {
        let mut s = RunSummary::default();
        for c in calls {
            s.total_tokens +=
                c.usage.input_tokens.unwrap_or(0) + c.usage.output_tokens.unwrap_or(0);
            match c.cost() {
                Some(cost) => s.total_cost += cost,
                None => s.unknown_cost += 1,
            }
            if let Some(t) = c.total_time {
                if s.slowest.as_ref().is_none_or(|(_, d)| t > *d) {
                    s.slowest = Some((c.model_id.to_string(), t));
                }
                if s.fastest.as_ref().is_none_or(|(_, d)| t < *d) {
                    s.fastest = Some((c.model_id.to_string(), t));
                }
            }
        }
        s
    }

    /// `run: 312 tokens · $0.0042 (+2 unknown) · slowest beta 1.83s · fastest alpha 640ms`
    pub fn line(&self) -> String {
        let cost = if self.unknown_cost == 0 {
            fmt_cost(Some(self.total_cost))
        } else if self.total_cost > 0.0 {
            format!(
                "{} (+{} unknown)",
                fmt_cost(Some(self.total_cost)),
                self.unknown_cost
            )
        } else {
            fmt_cost(None)
        };
        let mut parts = vec![format!("run: {} tokens", self.total_tokens), cost];
        if let Some((m, d)) = &self.slowest {
            parts.push(format!("slowest {m} {}", fmt_duration(*d)));
        }
        if let Some((m, d)) = &self.fastest {
            parts.push(format!("fastest {m} {}", fmt_duration(*d)));
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests;
