//! The comparison as data: the `baseline` object of the `.json` report.
//! Every case both sides ran is listed with how it changed; durations in
//! milliseconds, costs in USD per call.

use super::compare::{CaseChange, Change, Comparison, GroupDelta, Runs};
use serde_json::{Value, json};
use std::time::Duration;

fn runs(r: Runs) -> Value {
    json!({"passed": r.passed, "errors": r.errors, "runs": r.runs, "pass_rate": r.rate()})
}

fn ms(d: Option<Duration>) -> Value {
    d.map_or(Value::Null, |d| {
        json!((d.as_secs_f64() * 1e6).round() / 1e3)
    })
}

fn case_json(c: &CaseChange) -> Value {
    json!({
        "prompt": c.prompt,
        "model": c.model,
        "description": c.description,
        "vars": c.vars,
        "change": c.change.name(),
        "before": runs(c.before),
        "after": runs(c.after),
        "fisher_p_value": c.p_value,
        "score_before": c.score_before,
        "score_after": c.score_after,
        "reason": c.reason.as_ref().filter(|_| c.after.passed < c.after.runs),
    })
}

fn group_json(g: &GroupDelta) -> Value {
    json!({
        "prompt": g.prompt,
        "model": g.model,
        "before": runs(g.before),
        "after": runs(g.after),
        "mean_score_before": g.score_before,
        "mean_score_after": g.score_after,
        "cost_per_call_before": g.cost_before,
        "cost_per_call_after": g.cost_after,
        "latency_p50_ms_before": ms(g.latency_before),
        "latency_p50_ms_after": ms(g.latency_after),
    })
}

/// The `baseline` object.
pub fn comparison_json(cmp: &Comparison) -> Value {
    json!({
        "name": cmp.baseline,
        "regression_alpha": cmp.alpha,
        "test": "a single run on each side: passed then not; with repeats: one-sided Fisher exact test, p <= alpha",
        "regressed": cmp.count(Change::Regressed),
        "improved": cmp.count(Change::Improved),
        "flaky": cmp.count(Change::Flaky),
        "within_noise": cmp.count(Change::WithinNoise),
        "unchanged": cmp.count(Change::Unchanged),
        "cases_compared": cmp.cases.len(),
        "cases_only_in_baseline": cmp.only_before,
        "cases_new": cmp.only_after,
        "before": runs(cmp.before),
        "after": runs(cmp.after),
        "pass_rate_change": cmp.rate_change(),
        "pass_rate_change_newcombe95": cmp.interval.map(|i| json!([i.low, i.high])),
        "groups": cmp.groups.iter().map(group_json).collect::<Vec<_>>(),
        "cases": cmp.cases.iter().map(case_json).collect::<Vec<_>>(),
    })
}
