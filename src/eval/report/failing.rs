//! `--filter-failing FILE`: the cases that did not pass in an earlier
//! results file, pwb's `.json` / `.jsonl` or promptfoo's `-o out.json`.
//! As promptfoo does, a case is known by its vars (defaultTest's merged
//! in): the CLI keeps the suite's cases whose vars equal one listed here.

use serde_json::{Map, Value};

/// A case that failed or errored in the earlier run.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedCase {
    pub description: Option<String>,
    pub vars: Map<String, Value>,
    /// It errored (rather than failed) in every cell where it did not pass.
    pub errored: bool,
}

/// The failed and errored cases of a results file, each once, in the
/// file's order. `text` is the file's contents; the error says what
/// shape was expected.
pub fn failed_cases(text: &str) -> Result<Vec<FailedCase>, String> {
    let results = cells(text)?;
    let mut out: Vec<FailedCase> = Vec::new();
    for r in results {
        let Some((failed, errored)) = verdict(&r) else {
            continue;
        };
        if !failed {
            continue;
        }
        let vars = match r.get("vars") {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        let description = r
            .get("description")
            .or_else(|| r.get("testCase").and_then(|t| t.get("description")))
            .and_then(Value::as_str)
            .map(str::to_string);
        match out.iter_mut().find(|c| c.vars == vars) {
            Some(c) => c.errored &= errored,
            None => out.push(FailedCase {
                description,
                vars,
                errored,
            }),
        }
    }
    Ok(out)
}

const SHAPE: &str = "expected a results file written by `pwb eval --output FILE.json` (or .jsonl) or by `promptfoo eval -o FILE.json`";

/// The per-cell objects: pwb's `results`, promptfoo's `results.results`,
/// or one object per line (pwb's `.jsonl`).
fn cells(text: &str) -> Result<Vec<Value>, String> {
    match serde_json::from_str::<Value>(text) {
        // A `.jsonl` of one cell is one object.
        Ok(v) if v.get("pass").is_some() => Ok(vec![v]),
        Ok(v) => {
            let list = v
                .get("results")
                .and_then(|r| r.as_array().or_else(|| r.get("results")?.as_array()));
            list.cloned()
                .ok_or_else(|| format!("no `results` list in the file\nhint: {SHAPE}"))
        }
        Err(whole) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|e| {
                    if i == 0 {
                        format!("not JSON: {whole}\nhint: {SHAPE}")
                    } else {
                        format!("line {}: not JSON: {e}\nhint: {SHAPE}", i + 1)
                    }
                })
            })
            .collect(),
    }
}

/// (did not pass, errored) from pwb's `pass`/`verdict` or promptfoo's
/// `success`/`failureReason` (2 is an error); `None` for another shape.
fn verdict(r: &Value) -> Option<(bool, bool)> {
    if let Some(pass) = r.get("pass").and_then(Value::as_bool) {
        let errored = r.get("verdict").and_then(Value::as_str) == Some("error");
        return Some((!pass, errored));
    }
    let success = r.get("success").and_then(Value::as_bool)?;
    let errored = r.get("failureReason").and_then(Value::as_u64) == Some(2);
    Some((!success, errored))
}
