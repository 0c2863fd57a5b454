//! A finished comparison as a report for outside the TUI (`pwb run
//! --compare`, `--format md|json`): a readout table with a row per column,
//! agreement per group of samples, and each answer diffed against the
//! first answered column. `text`, `markdown` and `json` format it.

mod json;
pub use json::attempts_json;
mod markdown;
mod text;

use super::agreement::{self, Agreement, Sample};
use super::structured::{self, JsonCheck};
use super::{Readout, RunSummary, fmt_window};
use crate::run::{CellOutcome, CellSlot, CellStatus};
use crate::usage::{Catalog, fmt_cost, fmt_duration};
use serde_json::Value;
use std::ops::Range;

/// Whether the cell finished with an answer.
fn answered(c: &CellOutcome) -> bool {
    c.status == CellStatus::Done
}

/// Samples of one model at one temperature, and how they agree.
#[derive(Debug, Clone)]
pub struct Group {
    pub cells: Range<usize>,
    pub agreement: Agreement,
}

/// A run's outcomes with what the report derives from them.
pub struct Comparison<'a> {
    /// What was run (the prompt's path), for the title.
    pub title: String,
    pub cells: Vec<CellOutcome>,
    pub groups: Vec<Group>,
    /// Each finished answer checked against the prompt's JSON schema.
    pub checks: Vec<Option<JsonCheck>>,
    catalog: &'a Catalog,
}

impl<'a> Comparison<'a> {
    pub fn new(
        title: impl Into<String>,
        cells: Vec<CellOutcome>,
        schema: Option<&Value>,
        catalog: &'a Catalog,
    ) -> Comparison<'a> {
        let slots: Vec<CellSlot> = cells.iter().map(|c| c.slot).collect();
        let groups = agreement::groups(&slots)
            .into_iter()
            .map(|r| {
                let samples: Vec<Sample> = cells[r.clone()].iter().map(Sample::of).collect();
                Group {
                    agreement: Agreement::of(&samples),
                    cells: r,
                }
            })
            .collect();
        let checks = cells
            .iter()
            .map(|c| {
                let schema = schema.filter(|_| answered(c))?;
                Some(structured::check(&c.text, schema))
            })
            .collect();
        Comparison {
            title: title.into(),
            cells,
            groups,
            checks,
            catalog,
        }
    }

    /// The readout of cell `i`.
    pub fn readout(&self, i: usize) -> Readout<'_> {
        let c = &self.cells[i];
        Readout::new(c, self.catalog.lookup(&c.model.to_string()))
    }

    /// The column answers are diffed against: the first that answered.
    pub fn reference(&self) -> Option<usize> {
        self.cells.iter().position(answered)
    }

    /// Whether any group has more than one sample (agreement to show).
    pub fn has_repeats(&self) -> bool {
        self.groups.iter().any(|g| g.cells.len() > 1)
    }

    /// A group's name: its model and sweep temperature (`openai:x t=0.7`).
    pub fn group_label(&self, g: &Group) -> String {
        let slot = CellSlot {
            samples: 1,
            ..self.cells[g.cells.start].slot
        };
        format!("{}{}", self.cells[g.cells.start].name, slot.suffix())
    }

    /// The run's totals, slowest and fastest by column label.
    pub fn summary(&self) -> RunSummary {
        let all: Vec<Readout> = (0..self.cells.len()).map(|i| self.readout(i)).collect();
        RunSummary::of(&all)
    }

    /// The readout table: a header and one row of strings per column.
    pub fn table(&self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let mut head = vec![
            "#", "column", "temp", "in", "out", "ctx", "cost", "ttft", "total", "tok/s", "finish",
        ];
        let with_json = self.checks.iter().any(Option::is_some);
        if with_json {
            head.push("json");
        }
        let rows = (0..self.cells.len())
            .map(|i| {
                let mut row = self.row(i);
                if with_json {
                    row.push(match &self.checks[i] {
                        Some(c) if c.is_valid() => "✓ valid".into(),
                        Some(c) => c.line().trim_start_matches("json ").to_string(),
                        None => "-".into(),
                    });
                }
                row
            })
            .collect();
        (head, rows)
    }

    fn row(&self, i: usize) -> Vec<String> {
        let c = &self.cells[i];
        let f = self.readout(i);
        let done = answered(c);
        let num = |v: Option<u64>| v.map_or_else(|| "?".to_string(), |v| v.to_string());
        let mut temp = c
            .params
            .temperature
            .map_or_else(|| "default".to_string(), |t| t.to_string());
        if let Some(p) = c.params.top_p {
            temp.push_str(&format!(" p={p}"));
        }
        let mut input = num(c.usage.input_tokens);
        if let Some(n) = c.usage.cached_input_tokens.filter(|n| *n > 0) {
            input.push_str(&format!(" ({n} cached)"));
        }
        let mut output = num(c.usage.output_tokens);
        if let Some(n) = c.usage.reasoning_tokens.filter(|n| *n > 0) {
            output.push_str(&format!(" ({n} reasoning)"));
        }
        let ctx = match (c.usage.input_tokens, f.info.and_then(|i| i.context_window)) {
            (Some(u), Some(w)) if w > 0 => {
                let pct = u as f64 * 100.0 / w as f64;
                if pct > 0.0 && pct < 1.0 {
                    format!("<1% of {}", fmt_window(w))
                } else {
                    format!("{pct:.0}% of {}", fmt_window(w))
                }
            }
            _ => "?".into(),
        };
        let dur = |d: Option<std::time::Duration>| d.map_or_else(|| "-".to_string(), fmt_duration);
        let finish = match &c.finish_reason {
            _ if !done && c.error().is_some() => "error".to_string(),
            Some(r) if c.cached => format!("{} (cached)", r.as_str()),
            Some(r) => r.as_str().to_string(),
            None => "-".into(),
        };
        vec![
            (i + 1).to_string(),
            c.label(),
            temp,
            input,
            output,
            ctx,
            if done { fmt_cost(f.cost()) } else { "-".into() },
            dur(c.time_to_first_token.filter(|_| done)),
            dur(c.total_time.filter(|_| done)),
            f.tokens_per_sec()
                .map_or_else(|| "-".to_string(), |r| format!("{r:.1}")),
            finish,
        ]
    }
}

/// How the similarity figure is defined, for readers of a report.
pub const SIMILARITY_NOTE: &str =
    "similarity = mean over pairs of samples of 2·(words matched in order) / (words in both)";

#[cfg(test)]
mod tests;
