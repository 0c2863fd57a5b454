//! A baseline's cells: what the comparison needs of each graded cell of
//! the earlier eval (prompt, model, case, verdict, score, why it did not
//! pass, cost, latency), taken from a run or read back from a results file
//! (`pwb eval -o FILE.json` or `.jsonl`), strictly: a file that is not
//! one is an error, never an empty baseline.

use crate::eval::{CellResult, EvalRun, Verdict};
use serde_json::{Map, Value};
use std::time::Duration;

/// One graded cell of the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineCell {
    pub prompt: String,
    /// The model as the user names it (label, else id), as `CellResult`.
    pub model: String,
    pub description: Option<String>,
    pub vars: Map<String, Value>,
    pub verdict: Verdict,
    pub score: Option<f64>,
    /// Why it did not pass: the grading's reason, or the call's error.
    pub reason: Option<String>,
    pub cost: Option<f64>,
    /// The call's wall time (retries included), as the summary's latency.
    pub latency: Option<Duration>,
}

/// The earlier eval a run is compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// What it is, for headings: `eval 3f9a2c1e0b7d4e21 (last)`, `base.json`.
    pub name: String,
    pub cells: Vec<BaselineCell>,
}

impl BaselineCell {
    pub fn of(c: &CellResult) -> BaselineCell {
        let reason = match c.verdict {
            Verdict::Pass => None,
            _ => c
                .outcome
                .error()
                .map(str::to_string)
                .or_else(|| c.grade.as_ref().map(|g| g.reason.clone())),
        };
        BaselineCell {
            prompt: c.prompt.clone(),
            model: c.model.clone(),
            description: c.description.clone(),
            vars: c.vars.clone(),
            verdict: c.verdict,
            score: c.grade.as_ref().map(|g| g.score),
            reason,
            cost: c.cost,
            latency: c.outcome.wall_time,
        }
    }
}

const SHAPE: &str =
    "a baseline file is a results file written by `pwb eval -o FILE.json` (or .jsonl)";

impl Baseline {
    pub fn of_run(name: &str, run: &EvalRun) -> Baseline {
        Baseline {
            name: name.to_string(),
            cells: run.cells.iter().map(BaselineCell::of).collect(),
        }
    }

    /// Reads a results file's text: pwb's `.json` (its `results`) or
    /// `.jsonl` (a cell per line).
    pub fn from_results(name: &str, text: &str) -> Result<Baseline, String> {
        let cells: Vec<Value> = match serde_json::from_str::<Value>(text) {
            Ok(v) if v.get("verdict").is_some() => vec![v],
            Ok(v) => v
                .get("results")
                .and_then(Value::as_array)
                .cloned()
                .ok_or_else(|| format!("no `results` list in the file\nhint: {SHAPE}"))?,
            Err(whole) => text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    serde_json::from_str(l).map_err(|e| {
                        let what = if i == 0 {
                            whole.to_string()
                        } else {
                            e.to_string()
                        };
                        format!("line {}: not JSON: {what}\nhint: {SHAPE}", i + 1)
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let cells = cells
            .iter()
            .enumerate()
            .map(|(i, c)| cell(c).map_err(|e| format!("result {}: {e}\nhint: {SHAPE}", i + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Baseline {
            name: name.to_string(),
            cells,
        })
    }
}

fn text_of(c: &Value, key: &str) -> Result<String, String> {
    c.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("no `{key}` text"))
}

fn cell(c: &Value) -> Result<BaselineCell, String> {
    let verdict = match text_of(c, "verdict")?.as_str() {
        "pass" => Verdict::Pass,
        "fail" => Verdict::Fail,
        "error" => Verdict::Error,
        other => return Err(format!("`verdict` is `{other}`, not pass, fail or error")),
    };
    let vars = match c.get("vars") {
        Some(Value::Object(m)) => m.clone(),
        None | Some(Value::Null) => Map::new(),
        Some(_) => return Err("`vars` is not an object".into()),
    };
    let str_of = |key: &str| c.get(key).and_then(Value::as_str).map(str::to_string);
    let reason = match verdict {
        Verdict::Pass => None,
        Verdict::Error => str_of("error").or_else(|| str_of("reason")),
        Verdict::Fail => str_of("reason").or_else(|| str_of("error")),
    };
    let latency = c
        .pointer("/timings/wall_ms")
        .and_then(Value::as_f64)
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
        .map(|ms| Duration::from_secs_f64(ms / 1e3));
    Ok(BaselineCell {
        prompt: text_of(c, "prompt")?,
        model: text_of(c, "model")?,
        description: str_of("description"),
        vars,
        verdict,
        score: c.get("score").and_then(Value::as_f64),
        reason,
        cost: c.get("cost").and_then(Value::as_f64),
        latency,
    })
}
