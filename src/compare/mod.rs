//! Side-by-side comparison figures, terminal-free: the per-cell `Readout`
//! (params, tokens, context-window bar, cost, timings, tokens/s, finish,
//! retries) and the run summary under the columns. The TUI draws these strings.
//! `agreement` compares repeated samples; `report` formats a whole
//! comparison for the CLI (text, Markdown, JSON).

pub mod agreement;
pub mod readout;
pub mod report;
pub mod structured;

pub use readout::Readout;

use crate::usage::{fmt_cost, fmt_duration};
use std::time::Duration;

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
    /// Totals over the cells; slowest and fastest by column label, by
    /// the call's own time.
    pub fn of(cells: &[Readout]) -> RunSummary {
        let mut s = RunSummary::default();
        for r in cells {
            let c = r.cell;
            s.total_tokens +=
                c.usage.input_tokens.unwrap_or(0) + c.usage.output_tokens.unwrap_or(0);
            match r.cost() {
                Some(cost) => s.total_cost += cost,
                None => s.unknown_cost += 1,
            }
            if let Some(t) = c.total_time {
                if s.slowest.as_ref().is_none_or(|(_, d)| t > *d) {
                    s.slowest = Some((c.label(), t));
                }
                if s.fastest.as_ref().is_none_or(|(_, d)| t < *d) {
                    s.fastest = Some((c.label(), t));
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
