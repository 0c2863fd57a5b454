//! The run as CSV (`--output FILE.csv`), a row per cell for a spreadsheet:
//! prompt, model, case, repeat, verdict, score, why it failed, the answer,
//! tokens, cost, latency, and a `var:NAME` column per variable.

use super::failures::why;
use crate::eval::{EvalRun, Verdict};
use serde_json::Value;

/// The CSV of a run.
pub fn csv(run: &EvalRun) -> Result<String, ::csv::Error> {
    let mut vars: Vec<&String> = Vec::new();
    for c in &run.cells {
        for k in c.vars.keys() {
            if !vars.contains(&k) {
                vars.push(k);
            }
        }
    }
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut head: Vec<String> = [
        "prompt",
        "model",
        "model_id",
        "case",
        "description",
        "repeat",
        "verdict",
        "pass",
        "score",
        "reason",
        "error",
        "output",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "wall_ms",
        "grader_tokens",
        "grader_cost_usd",
    ]
    .map(String::from)
    .to_vec();
    head.extend(vars.iter().map(|v| format!("var:{v}")));
    w.write_record(&head)?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for c in &run.cells {
        let o = &c.outcome;
        let reasons: Vec<String> = if c.verdict == Verdict::Pass {
            Vec::new()
        } else {
            why(c)
                .into_iter()
                .filter(|y| !y.text.starts_with("error: "))
                .map(|y| format!("{}{}", "  ".repeat(y.depth), y.text))
                .collect()
        };
        let g = &c.grader_usage;
        let mut row = vec![
            c.prompt.clone(),
            c.model.clone(),
            c.model_id.to_string(),
            (c.case + 1).to_string(),
            opt(c.description.clone()),
            (c.repeat + 1).to_string(),
            match c.verdict {
                Verdict::Pass => "pass",
                Verdict::Fail => "fail",
                Verdict::Error => "error",
            }
            .to_string(),
            (c.verdict == Verdict::Pass).to_string(),
            opt(c.grade.as_ref().map(|g| g.score.to_string())),
            reasons.join("\n"),
            opt(o.error().map(str::to_string)),
            o.text.clone(),
            opt(o.usage.input_tokens.map(|n| n.to_string())),
            opt(o.usage.output_tokens.map(|n| n.to_string())),
            opt(c.cost.map(|x| x.to_string())),
            opt(o.wall_time.map(|d| format!("{:.3}", d.as_secs_f64() * 1e3))),
            (g.input_tokens.unwrap_or(0) + g.output_tokens.unwrap_or(0)).to_string(),
            opt(c.grader_cost.map(|x| x.to_string())),
        ];
        row.extend(vars.iter().map(|k| match c.vars.get(*k) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        }));
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    String::from_utf8(bytes).map_err(|e| ::csv::Error::from(std::io::Error::other(e)))
}
