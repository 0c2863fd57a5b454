//! The run as data (`--output FILE.json`, and `.jsonl` a cell per line):
//! each cell with its case, vars, messages, answer, usage, timings,
//! verdict and every assertion in order; around them the run's metadata,
//! the per-(prompt, model) statistics, the cases over repeats and the
//! comparisons. Durations are in milliseconds, costs in USD.

use super::analysis::{Analysis, Cost, GroupStats};
use super::paired::{Axis, Paired};
use crate::eval::stats::Interval;
use crate::eval::{CellResult, EvalRun, Verdict};
use serde_json::{Value, json};
use std::time::Duration;

/// Bumped when a key changes meaning or goes away.
pub const FORMAT_VERSION: u32 = 1;

fn ms(d: Option<Duration>) -> Value {
    // Microsecond resolution: a loopback answer takes well under 1 ms.
    d.map_or(Value::Null, |d| {
        json!((d.as_secs_f64() * 1e6).round() / 1e3)
    })
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Error => "error",
    }
}

/// One cell, as `.jsonl` writes it and `.json` lists it under `results`.
pub fn cell_json(c: &CellResult) -> Value {
    let o = &c.outcome;
    let error = o.error().map(str::to_string).or_else(|| {
        (c.verdict == Verdict::Error)
            .then(|| assertion_errors(c))
            .flatten()
    });
    json!({
        "prompt": c.prompt,
        "model": c.model,
        "model_id": c.model_id.to_string(),
        "case": c.case,
        "description": c.description,
        "repeat": c.repeat,
        "repeats": c.repeats,
        "vars": c.vars,
        "messages": c.messages,
        "output": o.text,
        "verdict": verdict(c.verdict),
        "pass": c.verdict == Verdict::Pass,
        "score": c.grade.as_ref().map(|g| g.score),
        "reason": c.grade.as_ref().map(|g| g.reason.clone()),
        "error": error,
        "named_scores": c.grade.as_ref().map(|g| Value::Object(g.named_scores.clone())),
        "asserts": c.grade.as_ref().map_or_else(Vec::new, |g| g.results.clone()),
        "usage": o.usage,
        "cost": c.cost,
        "finish_reason": o.finish_reason.as_ref().map(|f| f.as_str()),
        "cached": o.cached,
        "attempts": o.attempts.len(),
        "timings": {
            "wall_ms": ms(o.wall_time),
            "total_ms": ms(o.total_time),
            "ttft_ms": ms(o.time_to_first_token),
        },
        "grader_usage": c.grader_usage,
        "grader_cost": c.grader_cost,
        "context": c.context,
    })
}

/// The errors of assertions that could not be evaluated, one per line.
fn assertion_errors(c: &CellResult) -> Option<String> {
    fn walk(rs: &[crate::eval::GradingResult], out: &mut Vec<String>) {
        for r in rs {
            if let Some(e) = &r.error {
                out.push(format!("{}: {e}", r.kind));
            }
            walk(&r.members, out);
        }
    }
    let mut out = Vec::new();
    walk(&c.grade.as_ref()?.results, &mut out);
    (!out.is_empty()).then(|| out.join("\n"))
}

fn interval(i: Option<Interval>) -> Value {
    i.map_or(Value::Null, |i| json!([i.low, i.high]))
}

fn cost(c: Cost) -> Value {
    json!({"usd": c.known, "unpriced_calls": c.unpriced})
}

fn group_json(an: &Analysis, g: &GroupStats) -> Value {
    let t = g.tally;
    let cases: Vec<Value> = g
        .cases
        .iter()
        .map(|c| {
            json!({
                "case": c.case,
                "description": c.description,
                "runs": c.runs(),
                "passed": c.tally.passed,
                "failed": c.tally.failed,
                "errors": c.tally.errors,
                "pass_rate": c.tally.rate(),
                "pass_all": c.pass_all(),
                "pass_any": c.pass_any(),
                "flaky": c.flaky(),
                "mean_score": c.mean_score,
            })
        })
        .collect();
    json!({
        "prompt": g.prompt,
        "model": g.model,
        "model_id": g.model_id,
        "cells": t.total(),
        "passed": t.passed,
        "failed": t.failed,
        "errors": t.errors,
        "pass_rate": t.rate(),
        "pass_rate_wilson95": interval(g.wilson),
        "mean_score": g.mean_score,
        "input_tokens": g.input_tokens,
        "output_tokens": g.output_tokens,
        "cost": cost(g.cost),
        "grader_tokens": g.grader_tokens,
        "grader_cost": cost(g.grader_cost),
        "latency_p50_ms": ms(g.latency_p50),
        "latency_p95_ms": ms(g.latency_p95),
        "repeats": an.repeats,
        "cases_pass_all": g.cases_pass_all(),
        "cases_pass_any": g.cases_pass_any(),
        "flaky": g.flaky().count(),
        "cases": cases,
    })
}

fn paired_json(p: &Paired) -> Value {
    json!({
        "axis": match p.axis { Axis::Prompts => "prompts", Axis::Models => "models" },
        "a": p.a,
        "b": p.b,
        "within": p.within,
        "cases": p.pairs,
        "b_wins": p.wins,
        "b_loses": p.losses,
        "ties": p.ties,
        "p_value": p.p_value,
        "test": if p.repeated { "exact sign test over cases" } else { "McNemar exact" },
        "score_pairs": p.score_pairs,
        "mean_score_difference": p.score_diff,
        "mean_score_difference_bootstrap95": interval(p.score_ci),
        "summary": p.sentences().join(" "),
    })
}

/// The whole run: metadata, statistics and every cell.
pub fn run_json(run: &EvalRun) -> Value {
    let an = Analysis::of(run);
    let t = an.total;
    json!({
        "pwb_eval": FORMAT_VERSION,
        "suite": run.suite,
        "prompts": run.prompts,
        "models": run.models,
        "wall_ms": ms(Some(run.wall_time)),
        "interrupted": run.interrupted,
        "stopped_at_cost": run.stopped_at_cost,
        "stats": {
            "cells": t.total(),
            "passed": t.passed,
            "failed": t.failed,
            "errors": t.errors,
            "pass_rate": t.rate(),
            "repeats": an.repeats,
        },
        "groups": an.groups.iter().map(|g| group_json(&an, g)).collect::<Vec<_>>(),
        "comparisons": an.comparisons.iter().map(paired_json).collect::<Vec<_>>(),
        "results": run.cells.iter().map(cell_json).collect::<Vec<_>>(),
    })
}
