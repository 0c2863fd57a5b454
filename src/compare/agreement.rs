//! How much K samples of one model (at one temperature) agree: the largest
//! group of identical answers, the mean pairwise word similarity, and the
//! spread of output tokens and of total latency. Terminal-free; the TUI
//! and the CLI reports show `Agreement::line`.

use crate::run::{CellOutcome, CellSlot, CellStatus};
use crate::usage::fmt_duration;
use similar::{Algorithm, DiffOp};
use std::collections::HashMap;
use std::ops::Range;
use std::time::{Duration, Instant};

/// Longest all pairwise similarities of one group may take together; past
/// it, the remaining pairs get a quick, coarser diff (the figure can then
/// only under-state the similarity).
pub const SIMILARITY_BUDGET: Duration = Duration::from_millis(300);

/// One sample's answer and figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample<'a> {
    pub text: &'a str,
    pub output_tokens: Option<u64>,
    pub total_time: Option<Duration>,
    /// False when the call failed or was cancelled: the sample is counted
    /// but takes no part in the figures.
    pub answered: bool,
}

impl<'a> Sample<'a> {
    /// A cell's answer and figures; only a finished cell counts as answered.
    pub fn of(c: &'a CellOutcome) -> Sample<'a> {
        let answered = c.status == CellStatus::Done;
        Sample {
            text: &c.text,
            output_tokens: c.usage.output_tokens.filter(|_| answered),
            total_time: c.total_time.filter(|_| answered),
            answered,
        }
    }
}

/// Minimum, maximum, mean and sample standard deviation (n − 1; 0 for a
/// single value) of some figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub n: usize,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub sd: f64,
}

impl Spread {
    /// `None` for no values.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            let ss: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
            (ss / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        Some(Spread {
            n,
            min,
            max,
            mean,
            sd,
        })
    }
}

/// The agreement figures of one group of samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Samples in the group, answered or not.
    pub samples: usize,
    /// Samples that finished with an answer.
    pub answered: usize,
    /// Size of the largest group of identical answers (compared after
    /// trimming surrounding whitespace); 0 when none answered.
    pub identical: usize,
    /// Number of different answers.
    pub distinct: usize,
    /// Mean pairwise word similarity, 0.0..=1.0 (see `word_similarity`);
    /// `None` with fewer than two answers.
    pub similarity: Option<f64>,
    pub output_tokens: Option<Spread>,
    /// Total time of each call, in seconds.
    pub latency: Option<Spread>,
}

impl Agreement {
    pub fn of(samples: &[Sample]) -> Agreement {
        Agreement::within(samples, SIMILARITY_BUDGET)
    }

    /// `of`, with the time all pairwise diffs may take together.
    pub fn within(samples: &[Sample], budget: Duration) -> Agreement {
        let answered: Vec<&Sample> = samples.iter().filter(|s| s.answered).collect();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for s in &answered {
            *counts.entry(s.text.trim()).or_default() += 1;
        }
        let deadline = Instant::now() + budget;
        let words: Vec<Vec<&str>> = answered
            .iter()
            .map(|s| s.text.split_whitespace().collect())
            .collect();
        let mut sum = 0.0;
        let mut pairs = 0usize;
        for i in 0..words.len() {
            for j in i + 1..words.len() {
                sum += similarity_of_words(&words[i], &words[j], Some(deadline));
                pairs += 1;
            }
        }
        let tokens: Vec<f64> = answered
            .iter()
            .filter_map(|s| s.output_tokens.map(|t| t as f64))
            .collect();
        let times: Vec<f64> = answered
            .iter()
            .filter_map(|s| s.total_time.map(|t| t.as_secs_f64()))
            .collect();
        Agreement {
            samples: samples.len(),
            answered: answered.len(),
            identical: counts.values().copied().max().unwrap_or(0),
            distinct: counts.len(),
            similarity: (pairs > 0).then(|| sum / pairs as f64),
            output_tokens: Spread::of(&tokens),
            latency: Spread::of(&times),
        }
    }

    /// `3/5 identical`, `2/2 identical (1 failed)`, `none answered (3 failed)`.
    pub fn identical_label(&self) -> String {
        let failed = self.samples - self.answered;
        let failed = if failed > 0 {
            format!(" ({failed} failed)")
        } else {
            String::new()
        };
        if self.answered == 0 {
            return format!("none answered{failed}");
        }
        format!("{}/{} identical{failed}", self.identical, self.answered)
    }

    /// `sim 87% (words)`, or `None` with fewer than two answers.
    pub fn similarity_label(&self) -> Option<String> {
        self.similarity
            .map(|s| format!("sim {}% (words)", percent(s)))
    }

    /// `40–52 tok (46.0±4.2)`: range, then mean ± sd; `23 tok each`
    /// when every sample gave as many.
    pub fn tokens_range(&self) -> Option<String> {
        self.output_tokens.map(|s| {
            if s.min == s.max {
                return format!("{} tok each", s.min as u64);
            }
            format!(
                "{}–{} tok ({:.1}±{:.1})",
                s.min as u64, s.max as u64, s.mean, s.sd
            )
        })
    }

    /// `out 40–52 tok (46.0±4.2)`.
    pub fn tokens_label(&self) -> Option<String> {
        self.tokens_range().map(|r| format!("out {r}"))
    }

    /// `1.20s–1.90s (1.50s±300ms)`: range, then mean ± sd.
    pub fn latency_range(&self) -> Option<String> {
        self.latency.map(|s| {
            let d = |secs: f64| fmt_duration(Duration::from_secs_f64(secs.max(0.0)));
            format!("{}–{} ({}±{})", d(s.min), d(s.max), d(s.mean), d(s.sd))
        })
    }

    /// `time 1.20s–1.90s (1.50s±300ms)`.
    pub fn latency_label(&self) -> Option<String> {
        self.latency_range().map(|r| format!("time {r}"))
    }

    /// Every figure on one line, `·`-separated.
    pub fn line(&self) -> String {
        let mut parts = vec![self.identical_label()];
        parts.extend(self.similarity_label());
        parts.extend(self.tokens_label());
        parts.extend(self.latency_label());
        parts.join(" · ")
    }
}

/// The groups of a run's cells: consecutive cells of the same model and
/// sweep temperature, each group starting at its sample #1 (the plan puts
/// a group's samples side by side, in order).
pub fn groups(slots: &[CellSlot]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        match out.last_mut() {
            Some(r) if slot.sample > 0 && slots[r.start].same_group(slot) => r.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

/// A 0..=1 figure as a whole percentage, never rounded up to 100 unless
/// it is 1 (so "100%" always means the same words).
pub fn percent(x: f64) -> u32 {
    let p = (x * 100.0).round() as u32;
    if p == 100 && x < 1.0 { 99 } else { p }
}

/// The word similarity of two texts: 2·M / (A + B), where A and B are the
/// numbers of whitespace-separated words and M the number of words a diff
/// (Myers, from `similar`) matches in order; 1.0 when both are empty.
pub fn word_similarity(a: &str, b: &str) -> f64 {
    let a: Vec<&str> = a.split_whitespace().collect();
    let b: Vec<&str> = b.split_whitespace().collect();
    similarity_of_words(&a, &b, Some(Instant::now() + SIMILARITY_BUDGET))
}

fn similarity_of_words(a: &[&str], b: &[&str], deadline: Option<Instant>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, a, b, deadline);
    let matched: usize = ops
        .iter()
        .map(|op| match op {
            DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum();
    2.0 * matched as f64 / (a.len() + b.len()) as f64
}

#[cfg(test)]
#[path = "agreement_tests.rs"]
mod tests;
