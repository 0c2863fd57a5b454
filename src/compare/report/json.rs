//! The comparison as data (`pwb run --format json`): every cell with its
//! text, readout figures, finish reason, error and JSON-check result; the
//! agreement of each group; word-diff counts against the reference; and
//! the run's totals. Durations are in milliseconds, costs in USD.

use super::{Comparison, SIMILARITY_NOTE};
use crate::compare::agreement::Spread;
use crate::compare::structured::Verdict;
use serde_json::{Value, json};

fn ms(d: std::time::Duration) -> u64 {
    d.as_millis() as u64
}

/// Each attempt of a cell, in order: the HTTP status it got (null when
/// no response came or no HTTP was involved), why it failed (null for the
/// one that answered), and how long pwb waited before the next attempt.
pub fn attempts_json(c: &crate::run::CellOutcome) -> Value {
    c.attempts
        .iter()
        .map(|a| {
            json!({
                "status": a.trace.as_ref().and_then(|t| t.status),
                "error": a.failure,
                "wait_ms": a.wait.map(ms),
            })
        })
        .collect()
}

fn spread(s: Option<Spread>, scale: f64) -> Value {
    match s {
        Some(s) => json!({
            "min": s.min * scale, "max": s.max * scale,
            "mean": s.mean * scale, "sd": s.sd * scale,
        }),
        None => Value::Null,
    }
}

impl Comparison<'_> {
    pub fn to_json(&self) -> Value {
        let reference = self.reference();
        let cells: Vec<Value> = (0..self.cells.len())
            .map(|i| self.cell_json(i, reference))
            .collect();
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|g| {
                let a = &g.agreement;
                let first = &self.cells[g.cells.start];
                json!({
                    "label": self.group_label(g),
                    "model": first.model,
                    "sweep_temperature": first.slot.temperature,
                    "cells": g.cells.clone().map(|i| i + 1).collect::<Vec<_>>(),
                    "samples": a.samples,
                    "answered": a.answered,
                    "identical": a.identical,
                    "distinct": a.distinct,
                    "similarity": a.similarity,
                    "output_tokens": spread(a.output_tokens, 1.0),
                    "latency_ms": spread(a.latency, 1000.0),
                })
            })
            .collect();
        let s = self.summary();
        let ranked = |r: &Option<(String, std::time::Duration)>| match r {
            Some((label, d)) => json!({"column": label, "total_time_ms": ms(*d)}),
            None => Value::Null,
        };
        json!({
            "title": self.title,
            "reference": reference.map(|r| r + 1),
            "similarity_definition": SIMILARITY_NOTE,
            "cells": cells,
            "groups": groups,
            "summary": {
                "total_tokens": s.total_tokens,
                "total_cost_usd": s.total_cost,
                "cells_with_unknown_cost": s.unknown_cost,
                "slowest": ranked(&s.slowest),
                "fastest": ranked(&s.fastest),
            },
        })
    }

    fn cell_json(&self, i: usize, reference: Option<usize>) -> Value {
        let c = &self.cells[i];
        let f = self.readout(i);
        let done = (c.status == crate::run::CellStatus::Done).then_some(c);
        let check = self.checks[i].as_ref().map(|k| {
            let (parses, path, error) = match &k.verdict {
                Verdict::Valid => (true, None, None),
                Verdict::NotJson(e) => (false, None, Some(e.clone())),
                Verdict::Invalid { path, error } => (true, Some(path.clone()), Some(error.clone())),
                Verdict::BadSchema(e) => (
                    true,
                    None,
                    Some(format!("the output schema is not usable: {e}")),
                ),
            };
            json!({"valid": k.is_valid(), "parses": parses, "path": path, "error": error})
        });
        let diff = match reference {
            Some(r) if r != i && done.is_some() => {
                let segs = crate::diff::word_diff(&self.cells[r].text, &c.text);
                let (ins, del) =
                    crate::diff::counts(segs.iter().map(|s| (s.change, s.text.as_str())));
                json!({"against": r + 1, "inserted_words": ins, "deleted_words": del})
            }
            _ => Value::Null,
        };
        json!({
            "index": i + 1,
            "label": c.label(),
            "model": c.model,
            "sweep_temperature": c.slot.temperature,
            "sample": c.slot.sample + 1,
            "samples": c.slot.samples,
            "params": c.params,
            "text": c.text,
            "thinking": done.map(|d| d.thinking.as_str()).unwrap_or(""),
            "error": c.error(),
            "finish_reason": done.and_then(|d| d.finish_reason.as_ref()).map(|r| r.as_str()),
            "usage": done.map(|d| d.usage),
            "time_to_first_token_ms": done.and_then(|d| d.time_to_first_token).map(ms),
            "total_time_ms": done.and_then(|d| d.total_time).map(ms),
            "wall_time_ms": c.wall_time.map(ms),
            "attempts": attempts_json(c),
            "tokens_per_sec": f.tokens_per_sec(),
            "cost_usd": done.and_then(|_| f.cost()),
            "context_window": f.info.and_then(|i| i.context_window),
            "cached": c.cached,
            "json_check": check,
            "diff_vs_reference": diff,
        })
    }
}
