//! Usage figures as people read them: token counts, durations, cost, and
//! the one-line readout shown under each output (TUI) and by `pwb run`.

pub mod catalog;

pub use catalog::{Catalog, ModelInfo, PricePerMillion, fmt_cost};

use crate::provider::{FinishReason, GenParams, Usage};
use std::time::Duration;

/// `850ms`, `1.42s`, `2m05s`.
pub fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.2}s", d.as_secs_f64())
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms / 1000) % 60)
    }
}

fn fmt_tokens(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_else(|| "?".into())
}

/// Everything known about one finished (or running) call.
#[derive(Debug, Clone, Default)]
pub struct Readout<'a> {
    pub params: Option<&'a GenParams>,
    pub usage: Usage,
    pub time_to_first_token: Option<Duration>,
    pub total_time: Option<Duration>,
    pub finish_reason: Option<&'a FinishReason>,
    /// The call's cost in USD; `None` shows as `$?` (unknown, never 0).
    pub cost: Option<f64>,
    /// The answer came from the response cache, not from the model.
    pub cached: bool,
}

impl Readout<'_> {
    /// `t=0.7 · in 42 out 17 · $0.0012 · ttft 120ms · 1.42s · stop`
    pub fn line(&self) -> String {
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
        let mut tokens = format!(
            "in {} out {}",
            fmt_tokens(u.input_tokens),
            fmt_tokens(u.output_tokens)
        );
        if let Some(c) = u.cached_input_tokens.filter(|c| *c > 0) {
            tokens.push_str(&format!(" (cached {c})"));
        }
        if let Some(c) = u.cache_write_tokens.filter(|c| *c > 0) {
            tokens.push_str(&format!(" (cache write {c})"));
        }
        if let Some(r) = u.reasoning_tokens.filter(|r| *r > 0) {
            tokens.push_str(&format!(" (reasoning {r})"));
        }
        parts.push(tokens);
        parts.push(fmt_cost(self.cost));
        if let Some(t) = self.time_to_first_token {
            parts.push(format!("ttft {}", fmt_duration(t)));
        }
        if let Some(t) = self.total_time {
            parts.push(fmt_duration(t));
        }
        if let Some(f) = self.finish_reason {
            parts.push(f.as_str().to_string());
        }
        if self.cached {
            parts.push("cached".to_string());
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readout_line_reads_well() {
        let p = GenParams {
            temperature: Some(0.7),
            ..Default::default()
        };
        let r = Readout {
            params: Some(&p),
            usage: Usage {
                input_tokens: Some(42),
                output_tokens: Some(17),
                cached_input_tokens: Some(0),
                reasoning_tokens: None,
                cache_write_tokens: None,
            },
            time_to_first_token: Some(Duration::from_millis(120)),
            total_time: Some(Duration::from_millis(1420)),
            finish_reason: Some(&FinishReason::Stop),
            cost: Some(0.0012),
            cached: false,
        };
        assert_eq!(
            r.line(),
            "t=0.7 · in 42 out 17 · $0.0012 · ttft 120ms · 1.42s · stop"
        );
        assert_eq!(fmt_duration(Duration::from_secs(125)), "2m05s");
        let cached = Readout {
            usage: Usage {
                input_tokens: Some(160),
                output_tokens: Some(4),
                cached_input_tokens: Some(50),
                cache_write_tokens: Some(100),
                ..Default::default()
            },
            cached: true,
            ..Default::default()
        };
        assert_eq!(
            cached.line(),
            "in 160 out 4 (cached 50) (cache write 100) · $? · cached"
        );
    }
}
